//! Scoring a network on clips as prediction sees them: no augmentation, each clip at the start
//! of its window (a clip longer than the window by the windows that cover it), inference mode.

use burn::nn::loss::CrossEntropyLossConfig;
use burn::tensor::{Int, Tensor, TensorData};

use ser_model::{tensor_values, EmotionModel};

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
    /// These clips scored as if the network could say only the labels marked in `allowed`
    /// (one flag per label): the others' logits become −∞, so each clip gets its most likely
    /// allowed label and the allowed labels' probabilities sum to 1. Scoring a corpus that lacks
    /// some of the model's emotions this way asks "which of the corpus's emotions is it?".
    /// `loss` stays that of the raw logits.
    pub fn among(mut self, allowed: &[bool], labels: &[String]) -> Self {
        let k = labels.len();
        for row in self.logits.chunks_mut(k) {
            for (z, &ok) in row.iter_mut().zip(allowed) {
                if !ok {
                    *z = f32::NEG_INFINITY;
                }
            }
        }
        self.predicted = argmax_rows(&self.logits, k);
        self.scores = Scores::from_predictions(labels, &self.targets, &self.predicted);
        self
    }

    /// Calibration error of these clips (scored by `model`) at the model's temperature
    /// ([`EmotionModel::temperature`]).
    pub fn calibration(&self, model: &EmotionModel) -> Calibration {
        Calibration::measure(
            &self.logits,
            &self.targets,
            model.config().labels.len(),
            model.temperature(),
        )
    }
}

/// Loss, logits and scores of a model (its network(s) and prosody head, see
/// [`EmotionModel::logits`]) on examples (no augmentation, inference mode).
pub fn evaluate(model: &EmotionModel, examples: &[Example], batch_size: usize) -> Evaluation {
    // Prediction loads clips whole, trimmed and offset; the cache holds them trimmed.
    let clips: Vec<&[f32]> = examples
        .iter()
        .map(|e| model.config().audio.skip_offset(&e.wave))
        .collect();
    let targets: Vec<usize> = examples.iter().map(|e| e.target).collect();
    evaluate_clips(model, &clips, &targets, batch_size)
}

/// [`evaluate`] of clips as the model is to hear them (offset skipped already, and whatever
/// else the caller does first, e.g. `ser eval`'s pauses cut as `ser predict` cuts them), each
/// with its class in `targets`.
pub fn evaluate_clips<C: AsRef<[f32]> + Sync>(
    model: &EmotionModel,
    clips: &[C],
    targets: &[usize],
    batch_size: usize,
) -> Evaluation {
    assert_eq!(clips.len(), targets.len(), "one target per clip");
    let device = model.ensemble().device();
    let model_cfg = model.config();
    let k = model_cfg.labels.len();
    let loss_fn = CrossEntropyLossConfig::new().init(&device);
    let (mut loss_sum, mut logits) = (0.0, Vec::with_capacity(clips.len() * k));
    let batch_size = batch_size.max(1);
    for (chunk, chunk_targets) in clips.chunks(batch_size).zip(targets.chunks(batch_size)) {
        let rows = model.logits(chunk);
        let out = Tensor::<2>::from_data(TensorData::new(rows.clone(), [chunk.len(), k]), &device);
        let t: Vec<i64> = chunk_targets.iter().map(|&t| t as i64).collect();
        let t = Tensor::<1, Int>::from_data(TensorData::new(t, [chunk.len()]), &device);
        let loss = tensor_values(loss_fn.forward(out, t))[0];
        loss_sum += loss as f64 * chunk.len() as f64;
        logits.extend(rows);
    }
    let predicted = argmax_rows(&logits, k);
    Evaluation {
        loss: loss_sum / clips.len().max(1) as f64,
        scores: Scores::from_predictions(&model_cfg.labels, targets, &predicted),
        logits,
        targets: targets.to_vec(),
        predicted,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels() -> Vec<String> {
        ["calm", "happy", "sad"].map(String::from).to_vec()
    }

    #[test]
    fn among_chooses_only_allowed_labels_and_never_loses_a_right_answer() {
        // Three clips, true labels happy, sad, sad; the network says calm, sad, calm.
        let logits = vec![3.0, 2.0, 0.0, 0.0, 1.0, 5.0, 4.0, 1.0, 2.0];
        let targets = vec![1, 2, 2];
        let predicted = argmax_rows(&logits, 3);
        let all = Evaluation {
            loss: 1.0,
            scores: Scores::from_predictions(&labels(), &targets, &predicted),
            logits,
            targets,
            predicted,
        };
        assert_eq!(all.scores.accuracy, 1.0 / 3.0);

        // A corpus without calm: happy and sad only.
        let some = all.clone().among(&[false, true, true], &labels());
        assert_eq!(some.predicted, vec![1, 2, 2]);
        assert_eq!(some.scores.accuracy, 1.0);
        assert!(some.scores.confusion.iter().all(|row| row[0] == 0));
        assert_eq!(some.loss, all.loss);
        // The allowed labels' probabilities sum to 1, and calm's is 0.
        let probs = crate::calibration::softmax_rows(&some.logits, 3, 1.0);
        for row in probs.chunks(3) {
            assert_eq!(row[0], 0.0);
            assert!((row[1] + row[2] - 1.0).abs() < 1e-6, "{row:?}");
        }
        let ece = crate::calibration::Calibration::measure(&some.logits, &some.targets, 3, 1.0).ece;
        assert!(ece.is_finite(), "{ece}");
    }
}
