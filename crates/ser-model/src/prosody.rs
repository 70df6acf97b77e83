//! The prosody head: a logistic regression over an utterance's prosodic statistics
//! ([`ser_features::Prosody`]: pitch level, range and movement, loudness, timing, spectral
//! balance) whose log-probabilities, scaled by a weight, are added to the networks' logits.
//!
//! The networks read the log-mel spectrogram, which blurs pitch, and learn utterance-wide
//! statistics poorly from a few thousand clips; these statistics alone classify about
//! half of unheard RAVDESS actors' clips, and added to every network measured they raised its
//! cross-validated accuracy by 1.7-4.0 points (`experiments/2026-12-04-prosody`). A model directory
//! holds it as `prosody.json` (optional); `ser prosody` fits one to a model.

use ser_features::{PROSODY_FEATURES, PROSODY_NAMES};

use crate::atomic::write_atomic;
use crate::error::ModelError;
use std::path::Path;

use serde::{Deserialize, Serialize};

/// File name of the prosody head inside a model directory.
pub const PROSODY_FILE: &str = "prosody.json";

/// A fitted prosody head.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProsodyHead {
    /// The classes, in the model's output order.
    pub labels: Vec<String>,
    /// How much its log-probabilities count against the networks' logits (0: not at all).
    pub weight: f32,
    /// Names of the statistics it reads ([`PROSODY_NAMES`]).
    pub features: Vec<String>,
    /// Mean and standard deviation of each statistic over the clips it was fitted on: each
    /// statistic is standardised with them.
    pub mean: Vec<f32>,
    pub scale: Vec<f32>,
    /// Coefficients, one row of `features` per label, and an intercept per label.
    pub coef: Vec<Vec<f32>>,
    pub intercept: Vec<f32>,
    /// How it was fitted (clips, speakers, regularisation), for the record.
    #[serde(default)]
    pub fitted_on: String,
    /// Softmax temperature of the model's logits with this head added, when one was fitted
    /// for them: networks and head together are surer than they are right, more than the
    /// networks alone, so the temperature belongs to the pair. `None`: the model's own
    /// ([`crate::ModelConfig::temperature`]), which is also what the networks use without the
    /// head. See [`crate::EmotionModel::temperature`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub temperature: Option<f32>,
}

impl ProsodyHead {
    /// Checks that the head fits a model with `labels` and reads the statistics this version
    /// measures, with finite numbers of the right shapes.
    pub fn validate(&self, labels: &[String]) -> Result<(), String> {
        if self.labels != labels {
            return Err(format!(
                "its labels ({}) are not the model's ({})",
                self.labels.join(", "),
                labels.join(", ")
            ));
        }
        if self.features != PROSODY_NAMES {
            return Err(format!(
                "it reads other statistics than this version measures ({}); fit it again with \
                 `ser prosody`, or remove it to use the networks alone",
                PROSODY_NAMES.join(", ")
            ));
        }
        let k = labels.len();
        let shapes_ok = self.mean.len() == PROSODY_FEATURES
            && self.scale.len() == PROSODY_FEATURES
            && self.intercept.len() == k
            && self.coef.len() == k
            && self.coef.iter().all(|row| row.len() == PROSODY_FEATURES);
        if !shapes_ok {
            return Err("its coefficients do not match its labels and statistics".into());
        }
        let numbers = [&self.mean, &self.scale, &self.intercept]
            .into_iter()
            .chain(&self.coef)
            .flatten();
        if !self.weight.is_finite()
            || self.weight < 0.0
            || self
                .temperature
                .is_some_and(|t| !(t.is_finite() && t > 0.0))
            || numbers.into_iter().any(|v| !v.is_finite())
            || self.scale.iter().any(|&s| s <= 0.0)
        {
            return Err(
                "it holds a negative weight, a scale or temperature ≤ 0 or a number that is not finite"
                    .into(),
            );
        }
        Ok(())
    }

    /// Reads a head from the contents of `prosody.json` (checked against its model by
    /// [`crate::EmotionModel::with_prosody`]); `model` names the model in errors.
    pub fn from_json(bytes: &[u8], model: &str) -> Result<Self, ModelError> {
        serde_json::from_slice(bytes).map_err(|e| ModelError::BadConfig {
            path: format!("{model}/{PROSODY_FILE}"),
            why: e.to_string(),
        })
    }

    /// Writes the head into a model directory as `prosody.json` (to a temporary file that is
    /// then renamed).
    pub fn save_into(&self, dir: &Path) -> std::io::Result<()> {
        let json = serde_json::to_vec_pretty(self).expect("prosody head serialises");
        write_atomic(&dir.join(PROSODY_FILE), &json)
    }

    /// Log-probabilities of the labels for one clip's statistics.
    pub fn log_probabilities(&self, stats: &[f32; PROSODY_FEATURES]) -> Vec<f32> {
        let z: Vec<f32> = stats
            .iter()
            .zip(self.mean.iter().zip(&self.scale))
            .map(|(x, (m, s))| (x - m) / s)
            .collect();
        let scores: Vec<f32> = self
            .coef
            .iter()
            .zip(&self.intercept)
            .map(|(row, b)| b + row.iter().zip(&z).map(|(w, x)| w * x).sum::<f32>())
            .collect();
        let top = scores.iter().copied().fold(f32::NEG_INFINITY, f32::max);
        let log_sum = scores.iter().map(|s| (s - top).exp()).sum::<f32>().ln() + top;
        scores.iter().map(|s| s - log_sum).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn head() -> ProsodyHead {
        let mut coef = vec![vec![0.0; PROSODY_FEATURES]; 2];
        coef[0][0] = 1.0; // "high" grows with the mean pitch
        coef[1][0] = -1.0;
        ProsodyHead {
            labels: vec!["high".into(), "low".into()],
            weight: 0.5,
            features: PROSODY_NAMES.iter().map(|s| s.to_string()).collect(),
            mean: vec![10.0; PROSODY_FEATURES],
            scale: vec![2.0; PROSODY_FEATURES],
            coef,
            intercept: vec![0.0, 0.0],
            fitted_on: String::new(),
            temperature: None,
        }
    }

    #[test]
    fn standardises_then_applies_a_softmax() {
        let head = head();
        let mut stats = [10.0; PROSODY_FEATURES];
        stats[0] = 14.0; // two scales above the mean: scores 2 and -2
        let p: Vec<f32> = head
            .log_probabilities(&stats)
            .iter()
            .map(|l| l.exp())
            .collect();
        let want = 1.0 / (1.0 + (-4.0f32).exp());
        assert!(
            (p[0] - want).abs() < 1e-6 && (p[0] + p[1] - 1.0).abs() < 1e-6,
            "{p:?}"
        );
    }

    #[test]
    fn validation_names_what_does_not_fit() {
        let labels = vec!["high".to_string(), "low".to_string()];
        assert_eq!(head().validate(&labels), Ok(()));
        let other = vec!["low".to_string(), "high".to_string()];
        assert!(head().validate(&other).unwrap_err().contains("labels"));
        let mut bad = head();
        bad.scale[3] = 0.0;
        assert!(bad.validate(&labels).is_err());
        for t in [0.0, -1.0, f32::NAN] {
            let cold = ProsodyHead {
                temperature: Some(t),
                ..head()
            };
            assert!(cold.validate(&labels).unwrap_err().contains("temperature"));
        }
        let mut short = head();
        short.coef[1].pop();
        assert!(short
            .validate(&labels)
            .unwrap_err()
            .contains("coefficients"));
        let mut renamed = head();
        renamed.features[0] = "f0".into();
        assert!(renamed
            .validate(&labels)
            .unwrap_err()
            .contains("statistics"));
    }
}
