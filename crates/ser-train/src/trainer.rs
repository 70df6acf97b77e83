//! The training loop: cross-entropy, Adam, cosine learning-rate decay, validation-based early
//! stopping that keeps the best weights, a checkpoint every epoch and `resume`.
//!
//! Determinism: the network is initialised from `seed`, and every random choice of epoch `e`
//! (batch order, augmentation of each clip) comes from generators seeded by `(seed, e, clip)`,
//! so a run reproduces the same model. A run resumed after a crash continues with the same
//! batches and augmentation, from the last completed epoch; only its dropout masks differ, as
//! they come from the device's generator, which is seeded once per process.

use std::path::Path;
use std::time::Instant;

use burn::module::Module;
use burn::nn::loss::{CrossEntropyLoss, CrossEntropyLossConfig};
use burn::optim::decay::WeightDecayConfig;
use burn::optim::{AdamConfig, GradientsParams, ModuleOptimizer};
use burn::tensor::{Device, Int, Tensor, TensorData};
use indicatif::{ProgressBar, ProgressStyle};
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rayon::prelude::*;

use ser_audio::change_speed;
use ser_features::Extractor;
use ser_model::{
    batch_tensor, prepare_features, prosody::ProsodyHead, tensor_values, EmotionModel, ModelConfig,
    Network,
};

use crate::acoustics::{reverberate, room_response, telephone_band};
use crate::adversary::{strength_at, SpeakerHead};
use crate::augment::{
    add_babble, add_hum, add_noise, join, random_placement, spec_augment, warp_frequencies, Mixup,
    BABBLE_TALKERS,
};
use crate::averaging::running_mean;
use crate::calibration::Calibration;
use crate::checkpoint::{load_module, module_bytes, Checkpoint, CheckpointError, RunState};
use crate::data::Example;
use crate::distillation::Teacher;
use crate::epoch_stats::EpochStats;
use crate::evaluation::{argmax_rows, evaluate};
use crate::fine_tune::Start;
use crate::metrics::Scores;
use crate::prosody_fit::fit_on_examples;
use crate::train_config::{model_config, TrainConfig};

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
    #[error(transparent)]
    Checkpoint(#[from] CheckpointError),
    /// The configuration is inconsistent.
    #[error("invalid configuration: {0}")]
    Config(String),
}

/// True with probability `p`, drawing nothing when `p` is 0, so that a configuration without an
/// augmentation keeps the random stream it had before the augmentation existed.
fn chance(rng: &mut StdRng, p: f64) -> bool {
    p > 0.0 && rng.random_bool(p)
}

/// Features of one clip for training, augmented with a generator seeded by (seed, epoch, clip).
/// `partners` are the indices in `train` of the clips it may be joined to (same speaker, same
/// label).
fn train_features(
    cfg: &TrainConfig,
    model_cfg: &ModelConfig,
    extractor: &Extractor,
    (train, partners): (&[Example], &[usize]),
    example: &Example,
    rng_seed: u64,
) -> Vec<f32> {
    let aug = &cfg.augment;
    let rate = cfg.audio.sample_rate;
    let mut rng = StdRng::seed_from_u64(rng_seed);
    let joined = (chance(&mut rng, aug.join_prob) && !partners.is_empty()).then(|| {
        let other = &train[partners[rng.random_range(0..partners.len())]].wave;
        let gap = rng.random_range(aug.join_gap_s.0..=aug.join_gap_s.1) * rate as f32;
        join(&example.wave, gap.round() as usize, other)
    });
    let spoken = joined.as_deref().unwrap_or(&example.wave);
    // No draw when off, so runs without speed perturbation keep their random stream.
    let perturbed = (!aug.speed_factors.is_empty()).then(|| {
        let f = aug.speed_factors[rng.random_range(0..aug.speed_factors.len())];
        change_speed(spoken, rate, f)
    });
    let source = perturbed.as_deref().unwrap_or(spoken);
    let mut wave = if aug.random_shift {
        // `train` validates the configuration first, and `check_pipeline` requires a duration.
        let window = cfg.audio.window_len().expect("validated configuration");
        random_placement(source, window, &mut rng)
    } else {
        cfg.audio.fit(source.to_vec())
    };
    if chance(&mut rng, aug.babble_prob) {
        let voices = other_voices(train, &example.speaker, &mut rng);
        let snr = rng.random_range(aug.babble_snr_db.0..=aug.babble_snr_db.1);
        add_babble(&mut wave, &voices, snr);
    }
    // The room before the phone line before the line's noise, as a call would stack them.
    if chance(&mut rng, aug.reverb_prob) {
        let rt60 = rng.random_range(aug.rt60_s.0..=aug.rt60_s.1);
        let room = room_response(rate, rt60, &mut rng);
        wave = reverberate(&wave, &room);
    }
    if chance(&mut rng, aug.telephone_prob) {
        wave = telephone_band(&wave, rate);
    }
    if chance(&mut rng, aug.hum_prob) {
        let snr = rng.random_range(aug.hum_snr_db.0..=aug.hum_snr_db.1);
        add_hum(&mut wave, rate, snr, &mut rng);
    }
    if chance(&mut rng, aug.noise_prob) {
        let snr = rng.random_range(aug.snr_db.0..=aug.snr_db.1);
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

/// Up to [`BABBLE_TALKERS`] clips of `train` spoken by others than `speaker`, drawn at random
/// (a few draws each, so a training set of one speaker gets no babble rather than a hang).
fn other_voices<'a>(train: &'a [Example], speaker: &str, rng: &mut StdRng) -> Vec<&'a [f32]> {
    const DRAWS: usize = 8;
    (0..BABBLE_TALKERS)
        .filter_map(|_| {
            (0..DRAWS)
                .map(|_| &train[rng.random_range(0..train.len())])
                .find(|e| e.speaker != speaker)
                .map(|e| e.wave.as_slice())
        })
        .collect()
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

/// Each training clip's speaker as an index into the sorted distinct speakers.
fn speaker_indices(train: &[Example]) -> Vec<usize> {
    let names: std::collections::BTreeSet<&str> =
        train.iter().map(|e| e.speaker.as_str()).collect();
    let names: Vec<&str> = names.into_iter().collect();
    train
        .iter()
        .map(|e| {
            names
                .binary_search(&e.speaker.as_str())
                .expect("collected above")
        })
        .collect()
}

/// For each training clip, the other clips of its speaker with its label: what
/// [`AugmentConfig::join_prob`](crate::augment::AugmentConfig::join_prob) may join it to.
fn join_partners(train: &[Example]) -> Vec<Vec<usize>> {
    let mut groups: std::collections::HashMap<(&str, usize), Vec<usize>> = Default::default();
    for (i, e) in train.iter().enumerate() {
        groups.entry((&e.speaker, e.target)).or_default().push(i);
    }
    train
        .iter()
        .enumerate()
        .map(|(i, e)| {
            let group = &groups[&(e.speaker.as_str(), e.target)];
            group.iter().copied().filter(|&j| j != i).collect()
        })
        .collect()
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
    let teacher = cfg
        .distill
        .as_ref()
        .map(|d| Teacher::load(d, &model_cfg))
        .transpose()
        .map_err(TrainError::Config)?;
    let device = run.device.clone().autodiff();
    device.seed(cfg.seed);
    let network = match &cfg.init {
        Some(init) => Start::load(init)
            .and_then(|start| start.network(&model_cfg, &device))
            .map_err(TrainError::Config)?,
        None => EmotionModel::fresh_network(&model_cfg, &device),
    };
    let parameters = network.parameter_count();
    let speakers = speaker_indices(train);
    let speaker_count = speakers.iter().max().map_or(0, |&s| s + 1);
    if cfg.speaker_adversary > 0.0 && speaker_count < 2 {
        return Err(TrainError::Config(format!(
            "speaker_adversary needs at least two training speakers, the clips have {speaker_count}"
        )));
    }
    let speaker_head = (cfg.speaker_adversary > 0.0).then(|| {
        let size = cfg.network.embedding_size();
        SpeakerHead::new(size, speaker_count, cfg.seed, &device)
    });
    let optimizer = AdamConfig::new()
        .with_weight_decay(Some(WeightDecayConfig::new(cfg.weight_decay as f32)))
        .init();
    let weights = cfg
        .class_weights
        .then(|| class_weights(train, labels.len()));
    let loss_fn = CrossEntropyLossConfig::new()
        .with_weights(weights)
        .with_smoothing((cfg.label_smoothing > 0.0).then_some(cfg.label_smoothing as f32))
        .init(&device);
    let checkpoint = run.checkpoint_dir.map(|d| Checkpoint {
        dir: d.to_path_buf(),
    });

    let RunState {
        mut network,
        mut speaker_head,
        mut optimizer,
        mut best,
        mut state,
    } = match (run.resume, &checkpoint) {
        (true, Some(ck)) => ck.resume(cfg, network, speaker_head, optimizer)?,
        _ => RunState::start(cfg, network, speaker_head, optimizer),
    };

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
    // The prosody head learns from the training clips as prediction hears them, before the
    // networks (it does not depend on them): every validation score, the kept epoch's choice
    // and the temperature are those of network and head together.
    let head =
        (cfg.prosody_weight > 0.0).then(|| fit_on_examples(&model_cfg, train, cfg.prosody_weight));
    let assemble = |model_cfg: ModelConfig, net: Network, head: Option<&ProsodyHead>| {
        let model = EmotionModel::from_network(model_cfg, net)?;
        match head {
            Some(head) => model.with_prosody(head.clone(), "the trained model"),
            None => Ok(model),
        }
    };
    // A network's scores on the validation clips, if there are any.
    let validate = |net| {
        (!valid.is_empty()).then(|| {
            let model = assemble(model_cfg.clone(), net, head.as_ref())
                .expect("the configuration and head were validated before training");
            evaluate(&model, valid, cfg.batch_size)
        })
    };
    let epochs = Epochs {
        cfg,
        model_cfg: &model_cfg,
        extractor: &extractor,
        train,
        speakers,
        partners: join_partners(train),
        loss_fn,
        speaker_loss_fn: CrossEntropyLossConfig::new().init(&device),
        teacher,
        device,
        bar,
    };
    let start_epoch = state.history.len() + 1;
    for epoch in start_epoch..=cfg.epochs {
        if cfg.stops_before(epoch, state.best_epoch) {
            break;
        }
        let started = Instant::now();
        let lr = cfg.learning_rate_at(epoch);
        let trained = epochs.run(epoch, lr, network, speaker_head, &mut optimizer);
        (network, speaker_head) = (trained.network, trained.speaker_head);
        let eval_net = network.valid();
        let validation = validate(eval_net.clone());
        let stats = EpochStats {
            epoch,
            train_loss: trained.loss,
            train_accuracy: trained.accuracy,
            speaker_accuracy: trained.speaker_accuracy,
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
            0 if improved => best = module_bytes(&eval_net),
            0 => {}
            n => {
                // Into a copy of its own: a clone would share `eval_net`'s batch-norm running
                // statistics (burn keeps them behind one lock), and loading would overwrite them.
                let mean = load_module(network.valid(), best).map_err(TrainError::Config)?;
                best = module_bytes(&running_mean(mean, &eval_net, n));
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
        let speaker_text = stats
            .speaker_accuracy
            .map(|a| format!(" speaker {:.1}%", 100.0 * a))
            .unwrap_or_default();
        let line = format!(
            "epoch {epoch:>3}: train loss {:.3} acc {:.1}%{speaker_text} | {valid_text} | {:.1} s",
            stats.train_loss,
            100.0 * stats.train_accuracy,
            stats.seconds
        );
        if run.progress {
            epochs.bar.suspend(|| eprintln!("{line}"));
        }
        state.history.push(stats);
        if let Some(ck) = &checkpoint {
            ck.save(
                &state,
                &module_bytes(&network),
                speaker_head.as_ref().map(module_bytes).as_deref(),
                &optimizer.into_bytes().map_err(|e| ck.fail(e))?,
                &best,
            )?;
        }
    }
    epochs.bar.finish_and_clear();
    let best_net = load_module(
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
    // The temperature was fitted on the logits of network and head together, so with a head
    // it is the head's, and the network alone keeps 1 (see `EmotionModel::temperature`).
    let fitted = calibration.as_ref().map_or(1.0, |c| c.temperature);
    let head = head.map(|head| ProsodyHead {
        temperature: (fitted != 1.0).then_some(fitted),
        ..head
    });
    let model_cfg = ModelConfig {
        temperature: if head.is_some() { 1.0 } else { fitted },
        ..model_cfg
    };
    let model = assemble(model_cfg, best_net, head.as_ref())
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

/// What stays the same through a run's epochs: the clips, how they become batches, the loss.
struct Epochs<'a> {
    cfg: &'a TrainConfig,
    model_cfg: &'a ModelConfig,
    extractor: &'a Extractor,
    train: &'a [Example],
    /// Each training clip's speaker index (for the speaker head).
    speakers: Vec<usize>,
    /// Each training clip's join partners ([`join_partners`]).
    partners: Vec<Vec<usize>>,
    loss_fn: CrossEntropyLoss,
    /// The speaker head's loss: plain cross-entropy.
    speaker_loss_fn: CrossEntropyLoss,
    /// The model whose probabilities the network also learns, if any.
    teacher: Option<Teacher>,
    device: Device,
    bar: ProgressBar,
}

impl Epochs<'_> {
    /// One pass over the training clips in epoch `epoch`'s order, one optimiser step at
    /// learning rate `lr` per batch, for the network and the speaker head if there is one.
    fn run(
        &self,
        epoch: usize,
        lr: f64,
        mut network: Network,
        mut speaker_head: Option<SpeakerHead>,
        optimizer: &mut ModuleOptimizer,
    ) -> TrainedEpoch {
        let (cfg, n) = (self.cfg, self.train.len());
        let mut order: Vec<usize> = (0..n).collect();
        order.shuffle(&mut StdRng::seed_from_u64(
            cfg.seed ^ (epoch as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15),
        ));
        self.bar.reset();
        self.bar.set_prefix(epoch.to_string());
        let strength = strength_at(
            cfg.speaker_adversary,
            (epoch - 1) as f64 / cfg.epochs as f64,
        );
        let (mut loss_sum, mut correct, mut speakers_named) = (0.0f64, 0.0f64, 0.0f64);
        for (step, batch) in order.chunks(cfg.batch_size).enumerate() {
            let BatchLoss {
                loss,
                emotion_loss,
                hits,
                speaker_hits,
            } = self.batch_loss(
                (epoch, step),
                batch,
                &network,
                speaker_head.as_ref(),
                strength,
            );
            correct += hits;
            speakers_named += speaker_hits;
            loss_sum += emotion_loss * batch.len() as f64;
            let mut grads = loss.backward();
            let network_grads = GradientsParams::from_module(&mut grads, &network);
            network = optimizer.step(lr, network, network_grads);
            speaker_head = speaker_head.map(|head| {
                let head_grads = GradientsParams::from_module(&mut grads, &head);
                optimizer.step(lr, head, head_grads)
            });
            self.bar.set_position(step as u64 + 1);
            self.bar.set_message(format!(
                "loss {:.3}",
                loss_sum / ((step + 1) * cfg.batch_size).min(n) as f64
            ));
        }
        TrainedEpoch {
            speaker_accuracy: speaker_head.is_some().then(|| speakers_named / n as f64),
            network,
            speaker_head,
            loss: loss_sum / n as f64,
            accuracy: correct / n as f64,
        }
    }

    /// The loss of the network on one batch of training clips (augmented, mixed up with
    /// mixup; with a teacher, partly against the teacher's probabilities), with the speaker
    /// head's loss when there is one (its gradient reversed with
    /// `strength`), and how many clips the network and the head name correctly.
    fn batch_loss(
        &self,
        (epoch, step): (usize, usize),
        batch: &[usize],
        network: &Network,
        speaker_head: Option<&SpeakerHead>,
        strength: f64,
    ) -> BatchLoss {
        let cfg = self.cfg;
        let mut features: Vec<Vec<f32>> = batch
            .par_iter()
            .map(|&i| {
                let seed = cfg.seed
                    ^ ((epoch as u64) << 32)
                    ^ (i as u64).wrapping_mul(0xA24B_AED4_963E_E407);
                let partners = (self.train, self.partners[i].as_slice());
                let example = &self.train[i];
                train_features(cfg, self.model_cfg, self.extractor, partners, example, seed)
            })
            .collect();
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
        let pooled = network.embed(batch_tensor(&features, cfg.features.n_mels, &self.device));
        let targets: Vec<usize> = batch.iter().map(|&i| self.train[i].target).collect();
        let logits = network.classify(pooled.clone());
        let (loss, hits) = self.mixed_loss(&self.loss_fn, logits.clone(), &targets, mixup.as_ref());
        let emotion_loss = tensor_values(loss.clone())[0] as f64;
        let loss = match &self.teacher {
            Some(teacher) => teacher.loss(loss, &features, logits, &self.device),
            None => loss,
        };
        let (loss, speaker_hits) = match speaker_head {
            Some(head) => {
                let speakers: Vec<usize> = batch.iter().map(|&i| self.speakers[i]).collect();
                let (speaker_loss, speaker_hits) = self.mixed_loss(
                    &self.speaker_loss_fn,
                    head.forward(pooled, strength),
                    &speakers,
                    mixup.as_ref(),
                );
                (loss + speaker_loss, speaker_hits)
            }
            None => (loss, 0.0),
        };
        BatchLoss {
            loss,
            emotion_loss,
            hits,
            speaker_hits,
        }
    }

    /// `loss_fn` of `logits` against each clip's class, or with mixup against both classes of
    /// its mix, weighted as mixed; and how many clips the logits name correctly (a prediction
    /// of a mix earns the share of the class it names).
    fn mixed_loss(
        &self,
        loss_fn: &CrossEntropyLoss,
        logits: Tensor<2>,
        targets: &[usize],
        mixup: Option<&Mixup>,
    ) -> (Tensor<1>, f64) {
        // Without mixup each clip's partner is itself, with weight 0.
        let (own, partners): (f32, Vec<usize>) = match mixup {
            Some(m) => (m.lambda, m.partner.iter().map(|&j| targets[j]).collect()),
            None => (1.0, targets.to_vec()),
        };
        let classes = |t: &[usize]| {
            let t: Vec<i64> = t.iter().map(|&c| c as i64).collect();
            Tensor::<1, Int>::from_data(TensorData::new(t, [targets.len()]), &self.device)
        };
        let mut loss = loss_fn.forward(logits.clone(), classes(targets));
        if own < 1.0 {
            loss = loss * own + loss_fn.forward(logits.clone(), classes(&partners)) * (1.0 - own);
        }
        let [_, k] = logits.dims();
        let hits = argmax_rows(&tensor_values(logits), k)
            .iter()
            .zip(targets.iter().zip(&partners))
            .map(|(p, (t, partner))| {
                own as f64 * f64::from(p == t) + (1.0 - own as f64) * f64::from(p == partner)
            })
            .sum::<f64>();
        (loss, hits)
    }
}

/// One batch's losses, and how many clips the network and the speaker head named correctly.
struct BatchLoss {
    /// What the optimiser minimises: the emotion loss (with a teacher's term) plus the speaker
    /// head's.
    loss: Tensor<1>,
    /// The emotion loss against the labels alone (what the epoch reports).
    emotion_loss: f64,
    hits: f64,
    speaker_hits: f64,
}

/// What one epoch ([`Epochs::run`]) leaves: the trained modules, and the emotion loss and
/// accuracies on its (augmented) training clips.
struct TrainedEpoch {
    network: Network,
    speaker_head: Option<SpeakerHead>,
    loss: f64,
    accuracy: f64,
    speaker_accuracy: Option<f64>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn example(speaker: &str, target: usize) -> Example {
        Example {
            path: format!("{speaker}-{target}.wav").into(),
            wave: Vec::new(),
            target,
            speaker: speaker.to_string(),
        }
    }

    #[test]
    fn clips_join_only_other_clips_of_their_speaker_and_label() {
        let train = [
            example("a", 0),
            example("a", 0),
            example("a", 1),
            example("b", 0),
            example("a", 0),
        ];
        let partners = join_partners(&train);
        assert_eq!(
            partners,
            vec![vec![1, 4], vec![0, 4], vec![], vec![], vec![0, 1]]
        );
    }

    #[test]
    fn babble_voices_come_from_other_speakers_only() {
        let mut train: Vec<Example> = ["a", "a", "a", "b", "c"]
            .iter()
            .map(|s| example(s, 0))
            .collect();
        for (i, e) in train.iter_mut().enumerate() {
            e.wave = vec![i as f32 + 1.0];
        }
        let mut rng = StdRng::seed_from_u64(5);
        let mut heard = std::collections::BTreeSet::new();
        for _ in 0..50 {
            let voices = other_voices(&train, "a", &mut rng);
            assert!(voices.len() <= BABBLE_TALKERS);
            heard.extend(voices.iter().map(|v| v[0] as usize));
        }
        // Clips 4 and 5 (speakers b and c), never one of a's.
        assert_eq!(heard.into_iter().collect::<Vec<_>>(), vec![4, 5]);
        // A training set of one speaker has nobody to talk behind it.
        assert!(other_voices(&train[..3], "a", &mut rng).is_empty());
    }
}
