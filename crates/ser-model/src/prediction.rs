//! The result of classifying one clip.

use serde::Serialize;
use serde_json::{json, Map, Value};

/// The model's answer for one clip.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Prediction {
    /// The most probable emotion.
    pub label: String,
    /// Its probability.
    pub confidence: f32,
    /// Every label with its probability, in the model's label order (they sum to 1).
    pub probabilities: Vec<(String, f32)>,
}

impl Prediction {
    /// Builds a prediction from one row of softmax probabilities.
    pub fn from_probabilities(labels: &[String], probs: &[f32]) -> Self {
        let best = (0..probs.len())
            .max_by(|&a, &b| probs[a].total_cmp(&probs[b]))
            .unwrap_or(0);
        Self {
            label: labels[best].clone(),
            confidence: probs[best],
            probabilities: labels.iter().cloned().zip(probs.iter().copied()).collect(),
        }
    }

    /// The JSON object of the CLI and the HTTP API:
    /// `{"label", "confidence", "probabilities": {label: p}}`.
    pub fn to_json(&self) -> Map<String, Value> {
        let probabilities: Map<String, Value> = self
            .probabilities
            .iter()
            .map(|(l, v)| (l.clone(), json!(v)))
            .collect();
        let mut m = Map::new();
        m.insert("label".into(), json!(self.label));
        m.insert("confidence".into(), json!(self.confidence));
        m.insert("probabilities".into(), Value::Object(probabilities));
        m
    }

    /// The `k` most probable labels, most probable first.
    pub fn top(&self, k: usize) -> Vec<(String, f32)> {
        let mut all = self.probabilities.clone();
        all.sort_by(|a, b| b.1.total_cmp(&a.1));
        all.truncate(k);
        all
    }
}
