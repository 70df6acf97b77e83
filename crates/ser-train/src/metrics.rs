//! Classification scores from a confusion matrix.

use serde::Serialize;

/// Precision, recall and F1 of one class.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ClassScores {
    /// The class.
    pub label: String,
    /// Of the clips predicted as this class, the share that are.
    pub precision: f64,
    /// Of the clips of this class, the share found.
    pub recall: f64,
    /// Harmonic mean of precision and recall.
    pub f1: f64,
    /// Number of clips of this class.
    pub support: usize,
}

/// Scores of a classifier on a set of clips. Serialises with the keys of `ser eval --format json`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Scores {
    /// Number of clips.
    pub n: usize,
    /// Share of clips classified correctly.
    pub accuracy: f64,
    /// Unweighted average recall (balanced accuracy): the mean of per-class recalls.
    pub uar: f64,
    /// Mean of per-class F1 scores.
    pub macro_f1: f64,
    /// Class names, indexing the confusion matrix.
    pub labels: Vec<String>,
    /// `confusion[true][predicted]` counts.
    pub confusion: Vec<Vec<usize>>,
    /// Scores of each class.
    pub per_class: Vec<ClassScores>,
}

impl Scores {
    /// Computes every score from true and predicted class indices.
    pub fn from_predictions(labels: &[String], truth: &[usize], predicted: &[usize]) -> Self {
        let k = labels.len();
        let mut confusion = vec![vec![0usize; k]; k];
        for (&t, &p) in truth.iter().zip(predicted) {
            confusion[t][p] += 1;
        }
        Self::from_confusion(labels, confusion)
    }

    /// Computes every score from a confusion matrix (`[true][predicted]`). Classes without
    /// clips are left out of UAR and macro-F1 rather than counted as zero.
    pub fn from_confusion(labels: &[String], confusion: Vec<Vec<usize>>) -> Self {
        let k = labels.len();
        let n: usize = confusion.iter().flatten().sum();
        let correct: usize = (0..k).map(|i| confusion[i][i]).sum();
        let ratio = |a: usize, b: usize| if b == 0 { 0.0 } else { a as f64 / b as f64 };
        let per_class: Vec<ClassScores> = (0..k)
            .map(|i| {
                let support: usize = confusion[i].iter().sum();
                let predicted: usize = (0..k).map(|t| confusion[t][i]).sum();
                let precision = ratio(confusion[i][i], predicted);
                let recall = ratio(confusion[i][i], support);
                let f1 = if precision + recall > 0.0 {
                    2.0 * precision * recall / (precision + recall)
                } else {
                    0.0
                };
                ClassScores {
                    label: labels[i].clone(),
                    precision,
                    recall,
                    f1,
                    support,
                }
            })
            .collect();
        let present: Vec<&ClassScores> = per_class.iter().filter(|c| c.support > 0).collect();
        let mean = |f: fn(&ClassScores) -> f64| {
            if present.is_empty() {
                0.0
            } else {
                present.iter().map(|c| f(c)).sum::<f64>() / present.len() as f64
            }
        };
        Self {
            n,
            accuracy: ratio(correct, n),
            uar: mean(|c| c.recall),
            macro_f1: mean(|c| c.f1),
            labels: labels.to_vec(),
            confusion,
            per_class,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hand_computed_three_class_example() {
        let labels: Vec<String> = ["a", "b", "c"].iter().map(|s| s.to_string()).collect();
        // true a: 3 → a,a,b ; true b: 2 → b,c ; true c: 1 → c
        let s = Scores::from_predictions(&labels, &[0, 0, 0, 1, 1, 2], &[0, 0, 1, 1, 2, 2]);
        assert_eq!(
            s.confusion,
            vec![vec![2, 1, 0], vec![0, 1, 1], vec![0, 0, 1]]
        );
        assert_eq!(s.n, 6);
        assert!((s.accuracy - 4.0 / 6.0).abs() < 1e-12);
        // recalls 2/3, 1/2, 1 → UAR 13/18
        assert!((s.uar - 13.0 / 18.0).abs() < 1e-12);
        // precisions 1, 1/2, 1/2 ; F1 a = 0.8, b = 0.5, c = 2/3
        let f1: Vec<f64> = s.per_class.iter().map(|c| c.f1).collect();
        assert!((f1[0] - 0.8).abs() < 1e-12 && (f1[1] - 0.5).abs() < 1e-12);
        assert!((f1[2] - 2.0 / 3.0).abs() < 1e-12);
        assert!((s.macro_f1 - (0.8 + 0.5 + 2.0 / 3.0) / 3.0).abs() < 1e-12);
    }

    #[test]
    fn absent_classes_do_not_drag_uar_down() {
        let labels: Vec<String> = ["a", "b"].iter().map(|s| s.to_string()).collect();
        let s = Scores::from_predictions(&labels, &[0, 0], &[0, 1]);
        assert!((s.uar - 0.5).abs() < 1e-12);
        assert_eq!(s.per_class[1].support, 0);
    }
}
