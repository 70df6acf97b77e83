//! Scoring a network on clips as prediction sees them: no augmentation, each clip at the start
//! of its window (a clip longer than the window by the windows that cover it), inference mode.

use burn::nn::loss::CrossEntropyLossConfig;
use burn::tensor::{Int, Tensor, TensorData};

use ser_features::Extractor;
use ser_model::{clip_logits, tensor_values, Ensemble, ModelConfig};

use crate::calibration::Calibration;
use crate::data::Example;
use crate::metrics::Scores;

/// The index of each row's largest value, for rows of `k` logits.
pub(crate) fn argmax_rows(logits: &[f32], k: usize) -> Vec<usize> {
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
        // Prediction loads clips whole, trimmed and offset; the cache holds them trimmed.
        let clips: Vec<&[f32]> = chunk
            .iter()
            .map(|e| model_cfg.audio.skip_offset(&e.wave))
            .collect();
        let rows = clip_logits(ensemble, model_cfg, &extractor, &clips);
        let out = Tensor::<2>::from_data(TensorData::new(rows.clone(), [chunk.len(), k]), &device);
        let targets: Vec<i64> = chunk.iter().map(|e| e.target as i64).collect();
        let t = Tensor::<1, Int>::from_data(TensorData::new(targets, [chunk.len()]), &device);
        let loss = tensor_values(loss_fn.forward(out, t))[0];
        loss_sum += loss as f64 * chunk.len() as f64;
        logits.extend(rows);
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
