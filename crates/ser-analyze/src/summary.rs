//! What a timeline amounts to: the share of speech time of each emotion, the dominant one and
//! how often the emotion changes.

use crate::smooth::Segment;

/// The summary of an analysis.
#[derive(Debug, Clone, PartialEq)]
pub struct Summary {
    /// Every label with its share of the speech time (0-1; they sum to 1 when there is speech).
    pub share: Vec<(String, f64)>,
    /// The label with the largest share, if there was any speech.
    pub dominant: Option<String>,
    /// How many times the label changes from one segment to the next.
    pub changes: usize,
}

impl Summary {
    /// Summarises `segments` (in time order) over the label set `labels`.
    pub fn of(segments: &[Segment], labels: &[String]) -> Self {
        let speech: f64 = segments.iter().map(Segment::duration_s).sum();
        let share: Vec<(String, f64)> = labels
            .iter()
            .map(|l| {
                let t: f64 = segments
                    .iter()
                    .filter(|s| &s.prediction.label == l)
                    .map(Segment::duration_s)
                    .sum();
                (l.clone(), if speech > 0.0 { t / speech } else { 0.0 })
            })
            .collect();
        let dominant = (speech > 0.0)
            .then(|| share.iter().max_by(|a, b| a.1.total_cmp(&b.1)))
            .flatten()
            .map(|(l, _)| l.clone());
        let changes = segments
            .windows(2)
            .filter(|w| w[0].prediction.label != w[1].prediction.label)
            .count();
        Self {
            share,
            dominant,
            changes,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ser_model::Prediction;

    #[test]
    fn shares_dominant_and_changes() {
        let labels: Vec<String> = vec!["calm".into(), "angry".into(), "sad".into()];
        let seg = |a: f64, b: f64, p: [f32; 3]| Segment {
            start_s: a,
            end_s: b,
            prediction: Prediction::from_probabilities(&labels, &p),
        };
        let s = Summary::of(
            &[
                seg(0.0, 1.0, [0.8, 0.1, 0.1]),
                seg(2.0, 5.0, [0.1, 0.8, 0.1]),
                seg(5.0, 6.0, [0.8, 0.1, 0.1]),
            ],
            &labels,
        );
        assert_eq!(s.share[0], ("calm".to_string(), 0.4));
        assert_eq!(s.share[1], ("angry".to_string(), 0.6));
        assert_eq!(s.share[2], ("sad".to_string(), 0.0));
        assert_eq!(s.dominant.as_deref(), Some("angry"));
        assert_eq!(s.changes, 2);
        let none = Summary::of(&[], &labels);
        assert_eq!((none.dominant, none.changes), (None, 0));
    }
}
