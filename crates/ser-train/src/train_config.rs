//! The training configuration: everything that defines a run (schedule, loss, augmentation,
//! audio, features, network), saved with every model and in each checkpoint, and the checks
//! that refuse a configuration that could not train.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use ser_audio::{LoadOptions, TrimParams};
use ser_features::FeatureParams;
use ser_model::{ModelConfig, NetworkConfig, FORMAT_VERSION};

use crate::augment::AugmentConfig;
use crate::distillation::DistillConfig;

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
    /// Weight of the prosody head fitted on the training clips before training, so that
    /// validation scores network and head together ([`crate::prosody_fit`]; 0 = no head). Default 0.6: on 5-fold CV by actor a head of
    /// this weight added 1.7-4.0 points to each of four networks (`experiments/2026-12-04-prosody`).
    pub prosody_weight: f32,
    /// Speaker-adversarial training ([`crate::adversary`]): the largest strength of the
    /// gradient reversal from a speaker head on the pooled representation (0 = off). Needs
    /// at least two training speakers.
    pub speaker_adversary: f64,
    /// A trained model that teaches the network beside the labels ([`crate::distillation`];
    /// `None` = labels only).
    pub distill: Option<DistillConfig>,
    /// A trained model whose weights the network starts from instead of random ones
    /// (fine-tuning, [`crate::fine_tune`]): `"bundled"` for the model compiled into `ser`, or
    /// a model directory of one network of this run's shape and features. `None` = the seed's
    /// random weights.
    pub init: Option<PathBuf>,
    /// Training-side augmentation.
    pub augment: AugmentConfig,
    /// How clips are decoded, trimmed and cut.
    pub audio: LoadOptions,
    /// How features are computed.
    pub features: FeatureParams,
    /// Per-utterance, per-band standardisation of the log-mel.
    pub standardize: bool,
    /// Standardise over the frames that hold signal only, not the padding
    /// ([`ser_features::standardize_over_signal`]). Off: 5-fold CV by actor scored 1.2 points
    /// lower than two seeds of the default
    /// (`experiments/2026-11-27-standardize-over-signal`).
    pub standardize_over_signal: bool,
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
            prosody_weight: crate::prosody_fit::DEFAULT_WEIGHT,
            speaker_adversary: 0.0,
            distill: None,
            init: None,
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
            standardize_over_signal: false,
            network: NetworkConfig::default(),
        }
    }
}

impl TrainConfig {
    /// The defaults of a run that starts from a trained model ([`crate::fine_tune`]): a few
    /// epochs at a quarter of the learning rate, so the network adapts rather than forgets.
    /// Starting from a fold network and learning four emotions from two actors
    /// (`experiments/2026-12-04-fine-tuning`), 5 epochs at 5e-4 scored 70.2 and 83.3 % on two
    /// other actors (two folds, three seeds), 5 epochs at 2e-3 65.5 and 79.2 %, and the
    /// defaults of a run from scratch (80 epochs at 2e-3) 50.0 % (fold 1, one seed).
    pub fn fine_tuning() -> Self {
        Self {
            epochs: 5,
            learning_rate: 5e-4,
            ..Self::default()
        }
    }

    /// Whether early stopping ends training before `epoch` runs, `best_epoch` being the best
    /// validation epoch so far (0: none yet).
    pub(crate) fn stops_before(&self, epoch: usize, best_epoch: usize) -> bool {
        best_epoch > 0 && epoch - best_epoch > self.patience
    }

    /// The learning rate of `epoch` (1-based): a cosine from `learning_rate` at the first
    /// epoch down towards 5 % of it at the last.
    pub fn learning_rate_at(&self, epoch: usize) -> f64 {
        let progress = (epoch - 1) as f64 / self.epochs.max(1) as f64;
        self.learning_rate * (0.05 + 0.95 * 0.5 * (1.0 + (std::f64::consts::PI * progress).cos()))
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
        if !(self.speaker_adversary.is_finite() && self.speaker_adversary >= 0.0) {
            return Err(format!(
                "speaker_adversary {} must be 0 or positive",
                self.speaker_adversary
            ));
        }
        if !(self.prosody_weight.is_finite() && self.prosody_weight >= 0.0) {
            return Err(format!(
                "prosody_weight {} must be 0 or positive",
                self.prosody_weight
            ));
        }
        ser_model::check_standardization(self.standardize, self.standardize_over_signal)?;
        if self.average_last_epochs > self.epochs
            || (self.average_last_epochs > 0 && self.stops_early())
        {
            return Err(format!(
                "average_last_epochs {} needs at most epochs ({}) and the whole schedule \
                 (patience {} of at least epochs)",
                self.average_last_epochs, self.epochs, self.patience
            ));
        }
        if let Some(distill) = &self.distill {
            distill.validate()?;
        }
        self.augment.validate()?;
        ser_model::check_pipeline(&self.audio, &self.features, &self.network)
    }
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
        standardize_over_signal: cfg.standardize_over_signal,
        network: cfg.network.clone(),
        members: 1,
        speeds: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn standardising_over_the_signal_without_standardising_is_refused() {
        let cfg = TrainConfig {
            standardize: false,
            standardize_over_signal: true,
            ..TrainConfig::default()
        };
        assert!(cfg
            .validate()
            .unwrap_err()
            .contains("standardize_over_signal"));
        for standardize_over_signal in [false, true] {
            let cfg = TrainConfig {
                standardize_over_signal,
                ..TrainConfig::default()
            };
            assert_eq!(cfg.validate(), Ok(()));
        }
    }
}
