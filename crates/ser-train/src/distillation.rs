//! Knowledge distillation: a trained model (one network or an ensemble) teaches a new network.
//!
//! Beside each clip's label, the network learns the teacher's probabilities for the same
//! augmented features, softened by a temperature: which wrong emotions the teacher finds
//! plausible (calm for a neutral clip, fearful for a surprised one) carries information a
//! one-hot label lacks, and an ensemble's averaged judgement can be learnt by one network that
//! costs a single forward pass. The loss is `(1 − weight) · cross-entropy + weight · T² ·
//! cross-entropy(teacher at T, network at T)`; the `T²` keeps the soft term's gradients on the
//! scale of the hard one's (Hinton et al., 2015).
//!
//! The teacher must not have heard the speakers a network is tested on: to cross-validate,
//! each fold's network needs a teacher trained on that fold's training speakers only.

use std::path::PathBuf;

use burn::tensor::activation::{log_softmax, softmax};
use burn::tensor::{Device, Tensor, TensorData};
use serde::{Deserialize, Serialize};

use ser_model::{batch_tensor, tensor_values, EmotionModel, ModelConfig};

/// Which model teaches, and how much.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DistillConfig {
    /// The teacher's model directory (read when training starts). It must take the features
    /// the run computes and name the same labels; its networks may have any shape.
    pub teacher: PathBuf,
    /// Share of the teacher's term in the loss, in (0, 1]; 1 learns from the teacher alone.
    pub weight: f64,
    /// Temperature that softens both the teacher's and the network's probabilities in the
    /// teacher's term (1 = as they are; larger shows more of the wrong classes' ranking).
    pub temperature: f64,
}

/// What `teacher` is replaced by in a cross-validation: each fold's teacher is the directory
/// whose path has this replaced by the fold's number (1-based), e.g. `teachers/fold{fold}`.
pub const FOLD_PLACEHOLDER: &str = "{fold}";

impl DistillConfig {
    /// The configuration for fold `fold` of a cross-validation: the teacher path's
    /// [`FOLD_PLACEHOLDER`] replaced by the fold's number. A path without it is refused, since
    /// one teacher for every fold has heard every fold's test speakers.
    pub fn for_fold(&self, fold: usize) -> Result<Self, String> {
        let path = self.teacher.to_string_lossy();
        if !path.contains(FOLD_PLACEHOLDER) {
            return Err(format!(
                "a cross-validation needs a teacher per fold that never heard the fold's test \
                 speakers: write the teacher path with {FOLD_PLACEHOLDER} for the fold's number \
                 (got {path})"
            ));
        }
        Ok(Self {
            teacher: crate::fine_tune::for_fold(&self.teacher, fold),
            ..self.clone()
        })
    }

    /// Refuses a weight outside (0, 1] or a temperature that is not positive.
    pub fn validate(&self) -> Result<(), String> {
        if !(self.weight > 0.0 && self.weight <= 1.0) {
            return Err(format!("distill.weight {} must be in (0, 1]", self.weight));
        }
        if !(self.temperature.is_finite() && self.temperature > 0.0) {
            return Err(format!(
                "distill.temperature {} must be positive",
                self.temperature
            ));
        }
        Ok(())
    }

    /// Refuses a teacher that heard any of `speakers` (training or choosing its epoch, by the
    /// splits its `metrics.json` records, of every member of an ensemble), or whose
    /// `metrics.json` does not say which speakers it heard: a network taught by it would be
    /// scored on speakers whose clips reached it through the teacher. No speakers, nothing to
    /// check.
    pub fn check_unheard(&self, speakers: &[String]) -> Result<(), String> {
        if speakers.is_empty() {
            return Ok(());
        }
        let name = format!("teacher {}", self.teacher.display());
        let path = self.teacher.join("metrics.json");
        let metrics = std::fs::read_to_string(&path)
            .map_err(|e| format!("{name}: {}: {e}", path.display()))?;
        crate::heard::check_unheard(&name, &metrics, speakers)
    }
}

/// A loaded teacher, ready to score training batches.
pub(crate) struct Teacher {
    model: EmotionModel,
    weight: f64,
    temperature: f64,
}

impl Teacher {
    /// Loads the teacher of `cfg` and checks that it reads the features of `student` (the
    /// model configuration of the run) and names its labels in the same order (`cfg` is
    /// checked with the rest of the training configuration).
    pub(crate) fn load(cfg: &DistillConfig, student: &ModelConfig) -> Result<Self, String> {
        let model = EmotionModel::load(&cfg.teacher).map_err(|e| format!("teacher: {e}"))?;
        let teacher = model.config();
        let name = cfg.teacher.display();
        if teacher.labels != student.labels {
            return Err(format!(
                "teacher {name} names the labels {:?}, the training data {:?}",
                teacher.labels, student.labels
            ));
        }
        let same_features = teacher.audio == student.audio
            && teacher.features == student.features
            && teacher.standardize == student.standardize
            && teacher.standardize_over_signal == student.standardize_over_signal;
        if !same_features {
            return Err(format!(
                "teacher {name} reads other features than this run computes (its audio, \
                 feature or standardisation settings differ)"
            ));
        }
        Ok(Self {
            model,
            weight: cfg.weight,
            temperature: cfg.temperature,
        })
    }

    /// The loss of a batch with the teacher: `(1 − weight) · label_loss + weight · T²` times
    /// the mean over clips of the cross-entropy between the teacher's probabilities at
    /// temperature `T` for `features` (each `[mels × frames]`) and the network's at `T` from its
    /// `logits` `[B, labels]` (on `device`, where the gradient flows; the teacher's side is a
    /// constant).
    pub(crate) fn loss(
        &self,
        label_loss: Tensor<1>,
        features: &[Vec<f32>],
        logits: Tensor<2>,
        device: &Device,
    ) -> Tensor<1> {
        let n_mels = self.model.config().features.n_mels;
        let ensemble = self.model.ensemble();
        let taught = ensemble.forward(batch_tensor(features, n_mels, &ensemble.device()));
        let dims = taught.dims();
        let taught = Tensor::<2>::from_data(TensorData::new(tensor_values(taught), dims), device);
        let w = self.weight as f32;
        label_loss * (1.0 - w) + soft_cross_entropy(taught, logits, self.temperature) * w
    }
}

/// `T²` times the mean over rows of `−Σ softmax(teacher/T) · log_softmax(student/T)`.
fn soft_cross_entropy(teacher: Tensor<2>, student: Tensor<2>, temperature: f64) -> Tensor<1> {
    let t = temperature as f32;
    let targets = softmax(teacher / t, 1);
    let log_q = log_softmax(student / t, 1);
    (targets * log_q).sum_dim(1).mean().neg() * (t * t)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(values: &[[f32; 3]]) -> Tensor<2> {
        let flat: Vec<f32> = values.iter().flatten().copied().collect();
        Tensor::from_data(TensorData::new(flat, [values.len(), 3]), &ser_model::cpu())
    }

    fn value(t: Tensor<1>) -> f32 {
        tensor_values(t)[0]
    }

    #[test]
    fn the_soft_term_is_smallest_when_the_network_agrees_with_the_teacher() {
        let teacher = [[2.0, 0.5, -1.0], [-0.5, 1.5, 0.0]];
        for t in [1.0, 2.0, 4.0] {
            let agree = value(soft_cross_entropy(rows(&teacher), rows(&teacher), t));
            // Shifting a row's logits changes no probability: still agreeing.
            let shifted = [[5.0, 3.5, 2.0], [-3.5, -1.5, -3.0]];
            let same = value(soft_cross_entropy(rows(&teacher), rows(&shifted), t));
            assert!((agree - same).abs() < 1e-5, "T {t}: {agree} vs {same}");
            for other in [[[0.0, 0.0, 0.0]; 2], [[-1.0, 0.5, 2.0], [0.0, 1.5, -0.5]]] {
                let worse = value(soft_cross_entropy(rows(&teacher), rows(&other), t));
                assert!(worse > agree + 1e-3, "T {t}: {worse} not above {agree}");
            }
        }
    }

    #[test]
    fn the_soft_term_is_t_squared_times_the_entropy_of_the_softened_teacher_at_agreement() {
        // At agreement the cross-entropy is the teacher's entropy at temperature T.
        let teacher = [[1.0, 0.0, -1.0]];
        let t = 2.0f32;
        let exps: Vec<f32> = teacher[0].iter().map(|v| (v / t).exp()).collect();
        let total: f32 = exps.iter().sum();
        let entropy: f32 = exps.iter().map(|e| -(e / total) * (e / total).ln()).sum();
        let got = value(soft_cross_entropy(rows(&teacher), rows(&teacher), t as f64));
        assert!(
            (got - t * t * entropy).abs() < 1e-5,
            "{got} vs {}",
            t * t * entropy
        );
    }

    #[test]
    fn weights_outside_zero_to_one_and_non_positive_temperatures_are_refused() {
        let cfg = |weight, temperature| DistillConfig {
            teacher: PathBuf::from("models/default"),
            weight,
            temperature,
        };
        assert_eq!(cfg(0.5, 2.0).validate(), Ok(()));
        assert_eq!(cfg(1.0, 1.0).validate(), Ok(()));
        for (w, t) in [
            (0.0, 2.0),
            (1.5, 2.0),
            (f64::NAN, 2.0),
            (0.5, 0.0),
            (0.5, -1.0),
        ] {
            assert!(cfg(w, t).validate().is_err(), "weight {w}, temperature {t}");
        }
    }
}
