//! From window probabilities to labelled segments.
//!
//! Each window's probabilities are averaged with those of its `radius` neighbours on each side
//! (within one speech region), each window is given the most probable label of that average,
//! and runs of windows with the same label become one segment carrying their mean
//! probabilities. A window owns the time from halfway to the previous window's centre to
//! halfway to the next one's, so segments tile their region without gaps or overlaps.

use ser_model::Prediction;

/// A stretch of speech with one emotion.
#[derive(Debug, Clone, PartialEq)]
pub struct Segment {
    /// Start in seconds from the beginning of the recording.
    pub start_s: f64,
    /// End in seconds.
    pub end_s: f64,
    /// The emotion, its confidence and every label's mean probability over the segment.
    pub prediction: Prediction,
}

impl Segment {
    /// Duration in seconds.
    pub fn duration_s(&self) -> f64 {
        self.end_s - self.start_s
    }
}

/// Segments of one speech region `[start_s, end_s]` whose windows are centred at `centres`
/// (seconds, increasing) with probabilities `probs` (one row per window, in `labels` order).
pub fn segments(
    (start_s, end_s): (f64, f64),
    centres: &[f64],
    probs: &[Vec<f32>],
    radius: usize,
    labels: &[String],
) -> Vec<Segment> {
    let n = probs.len();
    let smoothed: Vec<Vec<f32>> = (0..n)
        .map(|i| mean(&probs[i.saturating_sub(radius)..(i + radius + 1).min(n)]))
        .collect();
    let best = |p: &[f32]| (0..p.len()).max_by(|&a, &b| p[a].total_cmp(&p[b]));
    let mut out: Vec<Segment> = Vec::new();
    let mut run_start = 0;
    for i in 1..=n {
        if i < n && best(&smoothed[i]) == best(&smoothed[run_start]) {
            continue;
        }
        let from = if run_start == 0 {
            start_s
        } else {
            0.5 * (centres[run_start - 1] + centres[run_start])
        };
        let to = if i == n {
            end_s
        } else {
            0.5 * (centres[i - 1] + centres[i])
        };
        out.push(Segment {
            start_s: from,
            end_s: to,
            prediction: Prediction::from_probabilities(labels, &mean(&smoothed[run_start..i])),
        });
        run_start = i;
    }
    out
}

fn mean(rows: &[Vec<f32>]) -> Vec<f32> {
    let mut m = vec![0.0; rows.first().map_or(0, Vec::len)];
    for row in rows {
        for (a, b) in m.iter_mut().zip(row) {
            *a += b / rows.len() as f32;
        }
    }
    m
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels() -> Vec<String> {
        vec!["calm".into(), "angry".into()]
    }

    #[test]
    fn one_window_is_one_segment_over_the_region() {
        let s = segments((1.0, 2.5), &[1.75], &[vec![0.3, 0.7]], 1, &labels());
        assert_eq!(s.len(), 1);
        assert_eq!((s[0].start_s, s[0].end_s), (1.0, 2.5));
        assert_eq!(s[0].prediction.label, "angry");
        assert!((s[0].prediction.confidence - 0.7).abs() < 1e-6);
    }

    #[test]
    fn a_lone_outlier_is_smoothed_away_and_real_changes_kept() {
        let c = [0.5, 1.5, 2.5, 3.5, 4.5, 5.5, 6.5];
        let p = [
            vec![0.9, 0.1],
            vec![0.4, 0.6], // outlier among calm windows
            vec![0.9, 0.1],
            vec![0.9, 0.1],
            vec![0.1, 0.9],
            vec![0.1, 0.9],
            vec![0.1, 0.9],
        ];
        let s = segments((0.0, 7.0), &c, &p, 1, &labels());
        let got: Vec<(&str, f64, f64)> = s
            .iter()
            .map(|s| (s.prediction.label.as_str(), s.start_s, s.end_s))
            .collect();
        assert_eq!(got, vec![("calm", 0.0, 4.0), ("angry", 4.0, 7.0)]);
        // Without smoothing the outlier stands.
        assert_eq!(segments((0.0, 7.0), &c, &p, 0, &labels()).len(), 4);
    }
}
