//! The training loop: cross-entropy, Adam, cosine learning-rate decay, validation-based early
//! stopping that keeps the best weights, a checkpoint every epoch and `resume`.
//!
//! Determinism: the network is initialised from `seed`, and every random choice of epoch `e`
//! (batch order, augmentation of each clip) comes from generators seeded by `(seed, e, clip)`,
//! so a run reproduces the same model. A run resumed after a crash continues with the same
//! batches and augmentation, from the last completed epoch; only its dropout masks differ, as
//! they come from the device's generator, which is seeded once per process.

use std::path::{Path, PathBuf};
use std::time::Instant;

use burn::module::Module;
use burn::nn::loss::CrossEntropyLossConfig;
use burn::optim::decay::WeightDecayConfig;
use burn::optim::{AdamConfig, GradientsParams};
use burn::store::ModuleRecord;
use burn::tensor::{Bytes, Device, Int, Tensor, TensorData};
use indicatif::{ProgressBar, ProgressStyle};
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::SeedableRng;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use ser_audio::{LoadOptions, TrimParams};
use ser_features::{Extractor, FeatureParams};
use ser_model::{
    prepare_features, tensor_values, EmotionModel, Ensemble, ModelConfig, Network, NetworkConfig,
    FORMAT_VERSION,
};

use crate::augment::{
    add_noise, change_speed, random_placement, spec_augment, warp_frequencies, AugmentConfig, Mixup,
};
use crate::averaging::running_mean;
use crate::calibration::Calibration;
use crate::metrics::Scores;

/// Everything that defines a training run; saved in the model card.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct TrainConfig {
    /// Most epochs to run.
    pub epochs: usize,
    /// Clips per optimisation step. 16 rather than 32: twice the steps in the same time (the
    /// networks underfit), and 5-fold CV by actor scored a little higher, within run-to-run
    /// noise (`experiments/2026-11-26-batch16-full-schedule`).
    pub batch_size: usize,
    /// Adam's initial learning rate (decays along a cosine to 5 % of it).
    pub learning_rate: f64,
    /// L2 weight decay.
    pub weight_decay: f64,
    /// Stop after this many epochs without a better validation UAR; at least `epochs` trains
    /// the whole learning-rate schedule (the default: two validation actors are too few to
    /// stop on, they stopped one CV fold at epoch 43 while the learning rate was still high).
    /// Either way the weights of the best validation epoch are kept, unless
    /// `average_last_epochs` averages them.
    pub patience: usize,
    /// Keep the mean of the weights of this many last epochs ([`crate::averaging`]) instead
    /// of the best validation epoch's (0 = off). Needs the whole schedule (patience of at
    /// least `epochs`).
    pub average_last_epochs: usize,
    /// Seed of every random choice.
    pub seed: u64,
    /// Weight the loss by inverse class frequency (for unbalanced label sets).
    pub class_weights: bool,
    /// Label smoothing of the cross-entropy targets (0 = off): the true class gets
    /// `1 - ε + ε/K`, every other class `ε/K`, so the network is not pushed towards
    /// certainty on acted clips.
    pub label_smoothing: f64,
    /// Fit a softmax temperature on the validation speakers after training (temperature
    /// scaling) instead of keeping 1. Off by default: on 5-fold CV by actor the temperature
    /// fitted on two validation actors made the test actors' confidences worse
    /// (`experiments/2026-11-26-batch16-full-schedule/baseline-cv.json`), since how sure the
    /// network should be varies from actor to actor.
    pub fit_temperature: bool,
    /// Training-side augmentation.
    pub augment: AugmentConfig,
    /// How clips are decoded, trimmed and cut.
    pub audio: LoadOptions,
    /// How features are computed.
    pub features: FeatureParams,
    /// Per-utterance, per-band standardisation of the log-mel.
    pub standardize: bool,
    /// Network shape.
    pub network: NetworkConfig,
}

impl Default for TrainConfig {
    fn default() -> Self {
        Self {
            epochs: 80,
            batch_size: 16,
            learning_rate: 2e-3,
            weight_decay: 1e-4,
            patience: 80,
            average_last_epochs: 0,
            seed: 42,
            class_weights: true,
            label_smoothing: 0.0,
            fit_temperature: false,
            augment: AugmentConfig::default(),
            audio: LoadOptions {
                // RAVDESS clips hold about a second of silence around 1.5-2.5 s of speech:
                // trim it, then give the network 3 s windows.
                trim: Some(TrimParams {
                    top_db: 30.0,
                    ..TrimParams::default()
                }),
                duration_s: Some(3.0),
                ..LoadOptions::default()
            },
            features: FeatureParams::default(),
            standardize: true,
            network: NetworkConfig::default(),
        }
    }
}

impl TrainConfig {
    /// Whether early stopping ends training before `epoch` runs, `best_epoch` being the best
    /// validation epoch so far (0: none yet).
    fn stops_before(&self, epoch: usize, best_epoch: usize) -> bool {
        best_epoch > 0 && epoch - best_epoch > self.patience
    }

    /// Whether patience can end training before its last epoch; if not, the whole learning-rate
    /// schedule runs.
    pub fn stops_early(&self) -> bool {
        self.stops_before(self.epochs, 1)
    }

    /// Checks the values that would make training fail or meaningless, the audio, feature and
    /// network settings included ([`ser_model::check_pipeline`]).
    pub fn validate(&self) -> Result<(), String> {
        if self.epochs == 0 || self.batch_size == 0 {
            return Err(format!(
                "epochs ({}) and batch_size ({}) must be at least 1",
                self.epochs, self.batch_size
            ));
        }
        if !(self.learning_rate.is_finite() && self.learning_rate > 0.0) {
            return Err(format!(
                "learning_rate {} must be positive",
                self.learning_rate
            ));
        }
        if !(self.weight_decay.is_finite() && self.weight_decay >= 0.0) {
            return Err(format!(
                "weight_decay {} must be 0 or positive",
                self.weight_decay
            ));
        }
        if !(0.0..1.0).contains(&self.label_smoothing) {
            return Err(format!(
                "label_smoothing {} must be in [0, 1)",
                self.label_smoothing
            ));
        }
        if self.average_last_epochs > self.epochs
            || (self.average_last_epochs > 0 && self.stops_early())
        {
            return Err(format!(
                "average_last_epochs {} needs at most epochs ({}) and the whole schedule \
                 (patience {} of at least epochs)",
                self.average_last_epochs, self.epochs, self.patience
            ));
        }
        self.augment.validate()?;
        ser_model::check_pipeline(&self.audio, &self.features, &self.network)
    }
}

/// One clip ready for training: its file, trimmed waveform and class index.
#[derive(Debug, Clone)]
pub struct Example {
    /// The file it was read from, to name the clip in reports.
    pub path: PathBuf,
    /// Trimmed mono samples at the model rate (not yet cut to the window).
    pub wave: Vec<f32>,
    /// Class index.
    pub target: usize,
}

/// What happened in one epoch.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EpochStats {
    /// 1-based epoch number.
    pub epoch: usize,
    /// Mean training loss.
    pub train_loss: f64,
    /// Training accuracy (on augmented clips).
    pub train_accuracy: f64,
    /// Mean validation loss (`None`: trained without validation speakers).
    pub valid_loss: Option<f64>,
    /// Validation accuracy.
    pub valid_accuracy: Option<f64>,
    /// Validation UAR: the early-stopping criterion.
    pub valid_uar: Option<f64>,
    /// Learning rate used.
    pub learning_rate: f64,
    /// Wall-clock seconds of the epoch.
    pub seconds: f64,
}

/// Resumable state, saved beside the checkpoint weights.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct CheckpointState {
    config: TrainConfig,
    history: Vec<EpochStats>,
    best_epoch: usize,
    best_uar: f64,
}

/// The result of a training run.
pub struct TrainOutcome {
    /// The model with the best validation weights (without validation: the last epoch's).
    pub model: EmotionModel,
    /// Every epoch's statistics.
    pub history: Vec<EpochStats>,
    /// The best validation epoch (without validation: the last), whose weights were kept
    /// unless `average_last_epochs` averaged the last epochs'.
    pub best_epoch: usize,
    /// Validation scores of the kept weights (`None` without validation speakers).
    pub valid_scores: Option<Scores>,
    /// The model's temperature (fitted on the validation speakers with `fit_temperature`, else
    /// 1) and the validation speakers' calibration error (`None` without validation speakers).
    pub calibration: Option<Calibration>,
    /// Trainable parameters.
    pub parameters: usize,
}

/// Failure of a training run.
#[derive(Debug, thiserror::Error)]
pub enum TrainError {
    /// Nothing to train on.
    #[error("{0}")]
    NoData(String),
    /// A checkpoint could not be written or read.
    #[error("checkpoint {path}: {why}")]
    Checkpoint {
        /// Where.
        path: String,
        /// Why.
        why: String,
    },
    /// The configuration is inconsistent.
    #[error("invalid configuration: {0}")]
    Config(String),
}

/// The model configuration a training configuration produces.
pub fn model_config(cfg: &TrainConfig, labels: &[String]) -> ModelConfig {
    ModelConfig {
        format_version: FORMAT_VERSION,
        labels: labels.to_vec(),
        temperature: 1.0,
        audio: cfg.audio.clone(),
        features: cfg.features.clone(),
        standardize: cfg.standardize,
        network: cfg.network.clone(),
        members: 1,
    }
}

/// Features of one clip exactly as prediction computes them (start of window, no augmentation).
fn eval_features(cfg: &ModelConfig, extractor: &Extractor, wave: &[f32]) -> Vec<f32> {
    prepare_features(cfg, extractor, &cfg.audio.fit(wave.to_vec()))
}

/// Features of one clip for training, augmented with a generator seeded by (seed, epoch, clip).
fn train_features(
    cfg: &TrainConfig,
    model_cfg: &ModelConfig,
    extractor: &Extractor,
    example: &Example,
    rng_seed: u64,
) -> Vec<f32> {
    use rand::Rng;
    let aug = &cfg.augment;
    let mut rng = StdRng::seed_from_u64(rng_seed);
    // No draw when off, so runs without speed perturbation keep their random stream.
    let perturbed = (!aug.speed_factors.is_empty()).then(|| {
        let f = aug.speed_factors[rng.random_range(0..aug.speed_factors.len())];
        change_speed(&example.wave, cfg.audio.sample_rate, f)
    });
    let source = perturbed.as_deref().unwrap_or(&example.wave);
    let mut wave = if aug.random_shift {
        // `train` validates the configuration first, and `check_pipeline` requires a duration.
        let window = cfg.audio.window_len().expect("validated configuration");
        random_placement(source, window, &mut rng)
    } else {
        cfg.audio.fit(source.to_vec())
    };
    if aug.noise_prob > 0.0 && rng.random_bool(aug.noise_prob.clamp(0.0, 1.0)) {
        let snr = rng.random_range(aug.snr_db.0..=aug.snr_db.1.max(aug.snr_db.0));
        add_noise(&mut wave, snr, &mut rng);
    }
    let mut features = prepare_features(model_cfg, extractor, &wave);
    if aug.vtlp_range > 0.0 {
        let alpha = rng.random_range(1.0 - aug.vtlp_range..=1.0 + aug.vtlp_range);
        let f = &model_cfg.features;
        warp_frequencies(&mut features, f.n_mels, f.fmin, f.fmax, alpha);
    }
    // After standardisation 0 is each band's mean; without it, the clip's mean level.
    let fill = if model_cfg.standardize {
        0.0
    } else {
        features.iter().sum::<f32>() / features.len().max(1) as f32
    };
    spec_augment(
        &mut features,
        model_cfg.features.n_mels,
        aug,
        fill,
        &mut rng,
    );
    features
}

fn batch_tensor(features: &[Vec<f32>], n_mels: usize, device: &Device) -> Tensor<4> {
    let frames = features[0].len() / n_mels;
    let flat: Vec<f32> = features.iter().flatten().copied().collect();
    Tensor::from_data(
        TensorData::new(flat, [features.len(), 1, n_mels, frames]),
        device,
    )
}

fn argmax_rows(logits: &[f32], k: usize) -> Vec<usize> {
    logits
        .chunks(k)
        .map(|row| {
            (0..k)
                .max_by(|&a, &b| row[a].total_cmp(&row[b]))
                .unwrap_or(0)
        })
        .collect()
}

/// How a network does on a set of clips.
#[derive(Debug, Clone)]
pub struct Evaluation {
    /// Mean cross-entropy of the raw logits.
    pub loss: f64,
    /// Accuracy, UAR, F1 and the confusion matrix.
    pub scores: Scores,
    /// The network's logits, one row of `labels` values per clip.
    pub logits: Vec<f32>,
    /// The true class of each clip.
    pub targets: Vec<usize>,
    /// The class each clip is given (its largest logit).
    pub predicted: Vec<usize>,
}

impl Evaluation {
    /// Calibration error of these clips at the temperature `model_cfg` carries.
    pub fn calibration(&self, model_cfg: &ModelConfig) -> Calibration {
        Calibration::measure(
            &self.logits,
            &self.targets,
            model_cfg.labels.len(),
            model_cfg.temperature,
        )
    }
}

/// Loss, logits and scores of a network, or of several averaging their probabilities, on
/// examples (no augmentation, inference mode).
pub fn evaluate(
    ensemble: &Ensemble,
    model_cfg: &ModelConfig,
    examples: &[Example],
    batch_size: usize,
) -> Evaluation {
    let device = ensemble.device();
    let extractor = Extractor::new(model_cfg.features.clone()).expect("validated");
    let k = model_cfg.labels.len();
    let loss_fn = CrossEntropyLossConfig::new().init(&device);
    let (mut loss_sum, mut logits) = (0.0, Vec::with_capacity(examples.len() * k));
    for chunk in examples.chunks(batch_size.max(1)) {
        let features: Vec<Vec<f32>> = chunk
            .par_iter()
            .map(|e| eval_features(model_cfg, &extractor, &e.wave))
            .collect();
        let x = batch_tensor(&features, model_cfg.features.n_mels, &device);
        let out = ensemble.forward(x);
        let targets: Vec<i64> = chunk.iter().map(|e| e.target as i64).collect();
        let t = Tensor::<1, Int>::from_data(TensorData::new(targets, [chunk.len()]), &device);
        let loss = tensor_values(loss_fn.forward(out.clone(), t))[0];
        loss_sum += loss as f64 * chunk.len() as f64;
        logits.extend(tensor_values(out));
    }
    let targets: Vec<usize> = examples.iter().map(|e| e.target).collect();
    let predicted = argmax_rows(&logits, k);
    Evaluation {
        loss: loss_sum / examples.len().max(1) as f64,
        scores: Scores::from_predictions(&model_cfg.labels, &targets, &predicted),
        logits,
        targets,
        predicted,
    }
}

/// Inverse-frequency class weights, normalised to mean 1.
fn class_weights(train: &[Example], k: usize) -> Vec<f32> {
    let mut counts = vec![0usize; k];
    for e in train {
        counts[e.target] += 1;
    }
    let n = train.len() as f32;
    counts
        .iter()
        .map(|&c| {
            if c == 0 {
                0.0
            } else {
                n / (k as f32 * c as f32)
            }
        })
        .collect()
}

/// File name of one part (`last`, `optimizer`, `best`) of epoch `epoch`'s checkpoint.
fn part_file(part: &str, epoch: usize) -> String {
    format!("{part}-{epoch}.bpk")
}

/// The file of a checkpoint that is written last and names its epoch (see [`Checkpoint`]).
const STATE_FILE: &str = "state.json";

/// Whether `dir` holds a checkpoint a run can resume from (`RunOptions::resume`): a run that
/// was interrupted after finishing at least one epoch there.
pub fn has_checkpoint(dir: &Path) -> bool {
    dir.join(STATE_FILE).is_file()
}

/// Where a run keeps its checkpoint: after epoch `e`, the weights `last-e.bpk`, the optimiser
/// state `optimizer-e.bpk` and the best weights so far `best-e.bpk`, then `state.json` (the
/// history), each written to a temporary file and renamed. `state.json` is written last and
/// names the epoch whose files belong to it, so a run killed at any instant leaves a
/// consistent checkpoint: the previous epoch's files are deleted only after it is replaced.
struct Checkpoint {
    dir: PathBuf,
}

impl Checkpoint {
    fn save(
        &self,
        state: &CheckpointState,
        last: &[u8],
        optimizer: &[u8],
        best: &[u8],
    ) -> Result<(), TrainError> {
        let epoch = state.history.len();
        for (part, bytes) in [("last", last), ("optimizer", optimizer), ("best", best)] {
            self.write(&part_file(part, epoch), bytes)?;
        }
        self.write(
            STATE_FILE,
            &serde_json::to_vec_pretty(state).expect("serialises"),
        )?;
        for part in ["last", "optimizer", "best"] {
            // A leftover of the previous epoch is harmless; failing to delete it is not an error.
            let _ = std::fs::remove_file(self.path(&part_file(part, epoch.saturating_sub(1))));
        }
        Ok(())
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.join(name)
    }

    fn fail(&self, why: impl ToString) -> TrainError {
        TrainError::Checkpoint {
            path: self.dir.display().to_string(),
            why: why.to_string(),
        }
    }

    fn write(&self, name: &str, bytes: &[u8]) -> Result<(), TrainError> {
        ser_model::write_atomic(&self.path(name), bytes).map_err(|e| self.fail(e))
    }

    fn read(&self, name: &str) -> Result<Vec<u8>, TrainError> {
        std::fs::read(self.path(name)).map_err(|e| self.fail(format!("{name}: {e}")))
    }
}

fn network_bytes(network: &Network) -> Vec<u8> {
    network
        .clone()
        .into_record()
        .into_bytes()
        .expect("in-memory record serialises")
        .to_vec()
}

fn load_network(fresh: Network, bytes: Vec<u8>) -> Result<Network, String> {
    let record =
        ModuleRecord::from_bytes(Bytes::from_bytes_vec(bytes)).map_err(|e| e.to_string())?;
    fresh.try_load_record(record).map_err(|e| e.to_string())
}

/// Options of a run that do not change the model.
pub struct RunOptions<'a> {
    /// Where to checkpoint each epoch (`None`: no checkpoints).
    pub checkpoint_dir: Option<&'a Path>,
    /// Continue from the checkpoint in `checkpoint_dir`.
    pub resume: bool,
    /// Draw a progress bar per epoch.
    pub progress: bool,
    /// Where to train (see [`ser_model::device`]); the returned model runs on the CPU.
    pub device: burn::tensor::Device,
}

/// Trains a network on `train`, choosing the epoch by UAR on `valid`. With no validation
/// clips the whole schedule runs and the last epoch's weights are kept (or the mean of the
/// last epochs', with `average_last_epochs`): more speakers to learn from, no epoch choice.
pub fn train(
    cfg: &TrainConfig,
    labels: &[String],
    train: &[Example],
    valid: &[Example],
    run: &RunOptions,
) -> Result<TrainOutcome, TrainError> {
    if train.is_empty() {
        return Err(TrainError::NoData("no training clips".to_string()));
    }
    let model_cfg = model_config(cfg, labels);
    model_cfg.validate().map_err(TrainError::Config)?;
    cfg.validate().map_err(TrainError::Config)?;
    if valid.is_empty() && (cfg.stops_early() || cfg.fit_temperature) {
        return Err(TrainError::Config(format!(
            "without validation clips nothing can stop training early or fit a temperature: \
             patience ({}) must be at least epochs ({}) and fit_temperature off",
            cfg.patience, cfg.epochs
        )));
    }
    let extractor =
        Extractor::new(cfg.features.clone()).map_err(|e| TrainError::Config(e.to_string()))?;
    let device = run.device.clone().autodiff();
    device.seed(cfg.seed);
    let mut network = EmotionModel::fresh_network(&model_cfg, &device);
    let parameters = network.parameter_count();
    let mut optimizer = AdamConfig::new()
        .with_weight_decay(Some(WeightDecayConfig::new(cfg.weight_decay as f32)))
        .init();
    let k = labels.len();
    let weights = cfg.class_weights.then(|| class_weights(train, k));
    let loss_fn = CrossEntropyLossConfig::new()
        .with_weights(weights)
        .with_smoothing((cfg.label_smoothing > 0.0).then_some(cfg.label_smoothing as f32))
        .init(&device);
    let checkpoint = run.checkpoint_dir.map(|d| Checkpoint {
        dir: d.to_path_buf(),
    });

    let mut state = CheckpointState {
        config: cfg.clone(),
        history: Vec::new(),
        best_epoch: 0,
        best_uar: -1.0,
    };
    let mut best = network_bytes(&network.valid());
    if let (true, Some(ck)) = (run.resume, &checkpoint) {
        let saved: CheckpointState =
            serde_json::from_slice(&ck.read(STATE_FILE)?).map_err(|e| ck.fail(e))?;
        if saved.config != *cfg {
            return Err(
                ck.fail("was made with another configuration; start afresh without --resume")
            );
        }
        let done = saved.history.len();
        network =
            load_network(network, ck.read(&part_file("last", done))?).map_err(|e| ck.fail(e))?;
        optimizer = optimizer
            .from_bytes(Bytes::from_bytes_vec(
                ck.read(&part_file("optimizer", done))?,
            ))
            .map_err(|e| ck.fail(e))?;
        best = ck.read(&part_file("best", done))?;
        state = saved;
    }

    let steps_per_epoch = train.len().div_ceil(cfg.batch_size);
    let bar = if run.progress {
        ProgressBar::new(steps_per_epoch as u64).with_style(
            ProgressStyle::with_template(
                "epoch {prefix:>3} {bar:30.cyan/blue} {pos}/{len} [{elapsed_precise}] {msg}",
            )
            .expect("valid template"),
        )
    } else {
        ProgressBar::hidden()
    };
    // A network's scores on the validation clips, if there are any.
    let validate = |net| {
        (!valid.is_empty())
            .then(|| evaluate(&Ensemble::new(vec![net]), &model_cfg, valid, cfg.batch_size))
    };
    let start_epoch = state.history.len() + 1;
    for epoch in start_epoch..=cfg.epochs {
        if cfg.stops_before(epoch, state.best_epoch) {
            break;
        }
        let started = Instant::now();
        let progress = (epoch - 1) as f64 / cfg.epochs.max(1) as f64;
        let lr = cfg.learning_rate
            * (0.05 + 0.95 * 0.5 * (1.0 + (std::f64::consts::PI * progress).cos()));
        let mut order: Vec<usize> = (0..train.len()).collect();
        order.shuffle(&mut StdRng::seed_from_u64(
            cfg.seed ^ (epoch as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15),
        ));
        bar.reset();
        bar.set_prefix(epoch.to_string());
        let (mut loss_sum, mut correct) = (0.0f64, 0.0f64);
        for (step, batch) in order.chunks(cfg.batch_size).enumerate() {
            let mut features: Vec<Vec<f32>> = batch
                .par_iter()
                .map(|&i| {
                    let seed = cfg.seed
                        ^ ((epoch as u64) << 32)
                        ^ (i as u64).wrapping_mul(0xA24B_AED4_963E_E407);
                    train_features(cfg, &model_cfg, &extractor, &train[i], seed)
                })
                .collect();
            let targets: Vec<i64> = batch.iter().map(|&i| train[i].target as i64).collect();
            // No draw when off, so runs without mixup keep their random stream.
            let mixup = (cfg.augment.mixup_alpha > 0.0).then(|| {
                let seed = cfg.seed ^ ((epoch as u64) << 40) ^ step as u64;
                Mixup::draw(
                    cfg.augment.mixup_alpha,
                    batch.len(),
                    &mut StdRng::seed_from_u64(seed),
                )
            });
            if let Some(m) = &mixup {
                features = m.mix(&features);
            }
            let target_tensor = |t: Vec<i64>| {
                Tensor::<1, Int>::from_data(TensorData::new(t, [batch.len()]), &device)
            };
            let logits = network.forward(batch_tensor(&features, cfg.features.n_mels, &device));
            // With mixup each clip is scored against both of its labels, weighted as mixed
            // (without, its partner is itself with weight 0).
            let (own, partners): (f32, Vec<i64>) = match &mixup {
                Some(m) => (m.lambda, m.partner.iter().map(|&j| targets[j]).collect()),
                None => (1.0, targets.clone()),
            };
            let mut loss = loss_fn.forward(logits.clone(), target_tensor(targets.clone()));
            if own < 1.0 {
                loss = loss * own
                    + loss_fn.forward(logits.clone(), target_tensor(partners.clone()))
                        * (1.0 - own);
            }
            let loss_value = tensor_values(loss.clone())[0] as f64;
            let predicted = argmax_rows(&tensor_values(logits), k);
            // A prediction of a mix earns the share of the label it names.
            correct += predicted
                .iter()
                .enumerate()
                .map(|(i, &p)| {
                    let hit = |t: &i64| if p as i64 == *t { 1.0 } else { 0.0 };
                    own as f64 * hit(&targets[i]) + (1.0 - own as f64) * hit(&partners[i])
                })
                .sum::<f64>();
            loss_sum += loss_value * batch.len() as f64;
            let grads = GradientsParams::from_grads(loss.backward(), &network);
            network = optimizer.step(lr, network, grads);
            bar.set_position(step as u64 + 1);
            bar.set_message(format!(
                "loss {:.3}",
                loss_sum / ((step + 1) * cfg.batch_size).min(train.len()) as f64
            ));
        }
        let eval_net = network.valid();
        let validation = validate(eval_net.clone());
        let stats = EpochStats {
            epoch,
            train_loss: loss_sum / train.len() as f64,
            train_accuracy: correct / train.len() as f64,
            valid_loss: validation.as_ref().map(|v| v.loss),
            valid_accuracy: validation.as_ref().map(|v| v.scores.accuracy),
            valid_uar: validation.as_ref().map(|v| v.scores.uar),
            learning_rate: lr,
            seconds: started.elapsed().as_secs_f64(),
        };
        // Without validation every epoch is the best so far: the last one is kept.
        let improved = stats.valid_uar.is_none_or(|uar| uar > state.best_uar);
        if improved {
            state.best_uar = stats.valid_uar.unwrap_or(state.best_uar);
            state.best_epoch = epoch;
        }
        // `best` holds the weights to keep: the best epoch's, or the running mean of the
        // averaged epochs' (the n-th of them counting this one).
        match (epoch + cfg.average_last_epochs).saturating_sub(cfg.epochs) {
            0 if improved => best = network_bytes(&eval_net),
            0 => {}
            n => {
                // Into a copy of its own: a clone would share `eval_net`'s batch-norm running
                // statistics (burn keeps them behind one lock), and loading would overwrite them.
                let mean = load_network(network.valid(), best).map_err(TrainError::Config)?;
                best = network_bytes(&running_mean(mean, &eval_net, n));
            }
        }
        let valid_text = match &validation {
            Some(v) => format!(
                "valid loss {:.3} acc {:.1}% UAR {:.1}%{}",
                v.loss,
                100.0 * v.scores.accuracy,
                100.0 * v.scores.uar,
                if improved { " *" } else { "" }
            ),
            None => "no validation".to_string(),
        };
        let line = format!(
            "epoch {epoch:>3}: train loss {:.3} acc {:.1}% | {valid_text} | {:.1} s",
            stats.train_loss,
            100.0 * stats.train_accuracy,
            stats.seconds
        );
        if run.progress {
            bar.suspend(|| eprintln!("{line}"));
        }
        state.history.push(stats);
        if let Some(ck) = &checkpoint {
            ck.save(
                &state,
                &network_bytes(&network),
                &optimizer.into_bytes().map_err(|e| ck.fail(e))?,
                &best,
            )?;
        }
    }
    bar.finish_and_clear();
    let best_net = load_network(
        EmotionModel::fresh_network(&model_cfg, &ser_model::cpu()),
        best,
    )
    .map_err(TrainError::Config)?;
    let best_valid = validate(best_net.valid());
    let calibration = best_valid.as_ref().map(|v| {
        let (logits, targets) = (&v.logits, &v.targets);
        if cfg.fit_temperature {
            Calibration::fit(logits, targets, labels.len())
        } else {
            Calibration::measure(logits, targets, labels.len(), 1.0)
        }
    });
    let model_cfg = ModelConfig {
        temperature: calibration.as_ref().map_or(1.0, |c| c.temperature),
        ..model_cfg
    };
    let model = EmotionModel::from_network(model_cfg, best_net)
        .map_err(|e| TrainError::Config(e.to_string()))?;
    Ok(TrainOutcome {
        model,
        history: state.history,
        best_epoch: state.best_epoch,
        valid_scores: best_valid.map(|v| v.scores),
        calibration,
        parameters,
    })
}
