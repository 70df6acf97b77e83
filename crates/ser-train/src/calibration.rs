//! Confidence calibration: a softmax temperature fitted on held-out speakers, and the
//! expected calibration error (ECE) that measures how far confidences are from being right.
//!
//! A network trained with cross-entropy on a few actors tends to be over- or under-confident
//! on new ones. Temperature scaling (Guo et al., 2017) divides the logits by one number `T`,
//! chosen to minimise the negative log-likelihood of the validation speakers: the winning
//! label never changes, only how sure the model says it is. On RAVDESS cross-validated by
//! actor, a temperature fitted on two validation actors made the test actors' confidences
//! worse (`experiments/2026-11-26-batch16-full-schedule/baseline-cv.json`), so training fits
//! one only when asked (`fit_temperature`); the calibration error and the reliability diagram
//! are reported either way.

use ser_plot::ReliabilityBar;
use serde::{Deserialize, Serialize};

/// Confidence bins of the calibration error (the usual 15 equal-width bins).
pub const ECE_BINS: usize = 15;

/// A temperature and the calibration error it leaves on a set of clips.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Calibration {
    /// Softmax temperature: probabilities are `softmax(logits / T)`.
    pub temperature: f32,
    /// ECE of the clips it was measured on at `T = 1` (the raw network).
    pub ece_uncalibrated: f64,
    /// ECE of the same clips at `temperature`.
    pub ece: f64,
    /// The clips by confidence at `temperature` (what a reliability diagram draws).
    pub bins: Vec<ConfidenceBin>,
}

/// The clips of one confidence bin, kept as sums so that bins of several evaluations (the
/// folds of a cross-validation) add up.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct ConfidenceBin {
    /// Clips whose top probability fell in the bin.
    pub clips: usize,
    /// The sum of their top probabilities.
    pub confidence_sum: f64,
    /// How many of them were classified right.
    pub correct: usize,
}

impl ConfidenceBin {
    /// Adds another evaluation's bin.
    pub fn add(&mut self, other: &Self) {
        self.clips += other.clips;
        self.confidence_sum += other.confidence_sum;
        self.correct += other.correct;
    }
}

impl Calibration {
    /// Fits the temperature on `logits` (rows of `k`) of clips with true classes `targets`.
    pub fn fit(logits: &[f32], targets: &[usize], k: usize) -> Self {
        let temperature = fit_temperature(logits, targets, k);
        Self::measure(logits, targets, k, temperature)
    }

    /// The calibration error of a given temperature on these clips.
    pub fn measure(logits: &[f32], targets: &[usize], k: usize, temperature: f32) -> Self {
        let bins_at = |t| confidence_bins(&softmax_rows(logits, k, t), targets, k);
        let bins = bins_at(temperature);
        let ece = ece_of_bins(&bins);
        let ece_uncalibrated = if temperature == 1.0 {
            ece
        } else {
            ece_of_bins(&bins_at(1.0))
        };
        Self {
            temperature,
            ece_uncalibrated,
            ece,
            bins,
        }
    }
}

/// A temperature fitted across the folds of a cross-validation, on the test clips of speakers
/// each fold's model never heard: the way to calibrate a model (network and prosody head)
/// trained on every speaker there is, as validation speakers cannot (they would be left out).
#[derive(Debug, Clone, PartialEq)]
pub struct CrossFitted {
    /// Per fold: its test clips' calibration at the temperature fitted on the other folds'
    /// test clips, so that no clip is scored with a temperature fitted on it.
    pub folds: Vec<Calibration>,
    /// The temperature fitted on every fold's test clips together: the one for a model of
    /// this recipe trained on all of these speakers.
    pub temperature: f32,
}

impl CrossFitted {
    /// `folds`: each fold's test logits (rows of `k`, temperature 1) and true classes.
    pub fn fit(folds: &[(Vec<f32>, Vec<usize>)], k: usize) -> Self {
        let fitted_without = |left_out: Option<usize>| {
            let others = folds
                .iter()
                .enumerate()
                .filter(|(i, _)| Some(*i) != left_out);
            let (logits, targets): (Vec<&[f32]>, Vec<&[usize]>) = others
                .map(|(_, (logits, targets))| (logits.as_slice(), targets.as_slice()))
                .unzip();
            fit_temperature(&logits.concat(), &targets.concat(), k)
        };
        Self {
            folds: folds
                .iter()
                .enumerate()
                .map(|(i, (logits, targets))| {
                    Calibration::measure(logits, targets, k, fitted_without(Some(i)))
                })
                .collect(),
            temperature: fitted_without(None),
        }
    }
}

/// `log softmax(β · row)` in f64, shifted by the row's maximum so no exponential overflows.
fn log_softmax(row: &[f32], beta: f64) -> impl Iterator<Item = f64> + '_ {
    let max = row.iter().copied().fold(f32::NEG_INFINITY, f32::max) as f64;
    let lse = row
        .iter()
        .map(|&z| (beta * (z as f64 - max)).exp())
        .sum::<f64>()
        .ln();
    row.iter().map(move |&z| beta * (z as f64 - max) - lse)
}

/// Row-wise `softmax(logits / temperature)` of rows of `k` values.
pub fn softmax_rows(logits: &[f32], k: usize, temperature: f32) -> Vec<f32> {
    let beta = 1.0 / temperature as f64;
    logits
        .chunks(k)
        .flat_map(|row| log_softmax(row, beta).map(|l| l.exp() as f32))
        .collect()
}

/// Mean negative log-likelihood of the targets under `softmax(β · logits)`.
fn nll(logits: &[f32], targets: &[usize], k: usize, beta: f64) -> f64 {
    let total: f64 = logits
        .chunks(k)
        .zip(targets)
        .map(|(row, &y)| -log_softmax(row, beta).nth(y).expect("target < k"))
        .sum();
    total / targets.len().max(1) as f64
}

/// The temperature in [0.05, 20] that minimises the negative log-likelihood. The NLL is convex
/// in `β = 1/T` (a log-sum-exp of functions linear in β, minus a linear term), so a golden-
/// section search over β finds its minimum. With no clips the answer is 1.
pub fn fit_temperature(logits: &[f32], targets: &[usize], k: usize) -> f32 {
    if targets.is_empty() {
        return 1.0;
    }
    let golden = (5f64.sqrt() - 1.0) / 2.0;
    let (mut lo, mut hi) = (1.0 / 20.0, 1.0 / 0.05);
    let f = |b| nll(logits, targets, k, b);
    let (mut a, mut b) = (hi - golden * (hi - lo), lo + golden * (hi - lo));
    let (mut fa, mut fb) = (f(a), f(b));
    for _ in 0..80 {
        if fa <= fb {
            hi = b;
            (b, fb) = (a, fa);
            a = hi - golden * (hi - lo);
            fa = f(a);
        } else {
            lo = a;
            (a, fa) = (b, fb);
            b = lo + golden * (hi - lo);
            fb = f(b);
        }
    }
    (1.0 / (0.5 * (lo + hi))) as f32
}

/// Sorts clips into [`ECE_BINS`] equal-width bins by their top probability (rows of `k`).
pub fn confidence_bins(probs: &[f32], targets: &[usize], k: usize) -> Vec<ConfidenceBin> {
    let mut bins = vec![ConfidenceBin::default(); ECE_BINS];
    for (row, &y) in probs.chunks(k).zip(targets) {
        let (best, &p) = row
            .iter()
            .enumerate()
            .max_by(|a, b| a.1.total_cmp(b.1))
            .expect("k > 0");
        let bin = &mut bins[((p as f64 * ECE_BINS as f64) as usize).min(ECE_BINS - 1)];
        bin.clips += 1;
        bin.confidence_sum += p as f64;
        bin.correct += usize::from(best == y);
    }
    bins
}

/// Expected calibration error of binned clips: the gaps between each bin's mean confidence
/// and its accuracy, averaged with the bin's share of clips as weight. 0 is perfectly
/// calibrated.
pub fn ece_of_bins(bins: &[ConfidenceBin]) -> f64 {
    let n = bins.iter().map(|b| b.clips).sum::<usize>().max(1) as f64;
    bins.iter()
        .map(|b| (b.confidence_sum - b.correct as f64).abs() / n)
        .sum()
}

/// A reliability diagram of binned clips (SVG).
pub fn reliability_svg(bins: &[ConfidenceBin], title: &str) -> String {
    let bars: Vec<ReliabilityBar> = bins
        .iter()
        .map(|b| {
            let n = b.clips.max(1) as f64;
            ReliabilityBar {
                clips: b.clips,
                confidence: b.confidence_sum / n,
                accuracy: b.correct as f64 / n,
            }
        })
        .collect();
    ser_plot::reliability_svg(&bars, ece_of_bins(bins), title)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{rngs::StdRng, Rng, SeedableRng};

    /// Logits of a 4-class problem whose labels are drawn from `softmax(logits / t_true)`.
    fn sampled(t_true: f32, n: usize) -> (Vec<f32>, Vec<usize>) {
        let mut rng = StdRng::seed_from_u64(7);
        let k = 4;
        let logits: Vec<f32> = (0..n * k).map(|_| rng.random_range(-4.0..4.0)).collect();
        let probs = softmax_rows(&logits, k, t_true);
        let targets = probs
            .chunks(k)
            .map(|row| {
                let u: f32 = rng.random();
                let mut acc = 0.0;
                row.iter()
                    .position(|&p| {
                        acc += p;
                        u < acc
                    })
                    .unwrap_or(k - 1)
            })
            .collect();
        (logits, targets)
    }

    #[test]
    fn fitting_recovers_the_temperature_that_drew_the_labels() {
        for t_true in [0.5f32, 1.0, 2.5] {
            let (logits, targets) = sampled(t_true, 20_000);
            let t = fit_temperature(&logits, &targets, 4);
            assert!(
                (t / t_true - 1.0).abs() < 0.08,
                "labels drawn at T = {t_true}, fitted {t}"
            );
            let c = Calibration::measure(&logits, &targets, 4, t);
            assert!(c.ece < 0.02, "calibrated ECE {}", c.ece);
            if t_true != 1.0 {
                assert!(c.ece_uncalibrated > 2.0 * c.ece, "{c:?}");
            }
        }
    }

    #[test]
    fn cross_fitting_scores_each_fold_at_the_temperature_of_the_others() {
        // Two folds whose labels were drawn at T = 2 and one drawn at T = 0.5.
        let folds = [
            sampled(2.0, 8_000),
            sampled(2.0, 9_000),
            sampled(0.5, 10_000),
        ];
        let cross = CrossFitted::fit(&folds, 4);
        let own: Vec<f32> = folds
            .iter()
            .map(|(logits, targets)| fit_temperature(logits, targets, 4))
            .collect();
        // The odd fold is scored at about the other two's temperature, not at its own.
        let odd = cross.folds[2].temperature;
        assert!((odd / 2.0 - 1.0).abs() < 0.1, "fold 3 at {odd}");
        assert!((own[2] / 0.5 - 1.0).abs() < 0.1, "fold 3 alone {}", own[2]);
        // The others' come from a mix of both: between the two.
        for c in &cross.folds[..2] {
            assert!(
                c.temperature > 0.5 && c.temperature < own[0].min(own[1]),
                "{c:?}"
            );
        }
        // And the model's temperature is fitted on every fold.
        let (logits, targets): (Vec<&[f32]>, Vec<&[usize]>) = folds
            .iter()
            .map(|(logits, targets)| (logits.as_slice(), targets.as_slice()))
            .unzip();
        let pooled = fit_temperature(&logits.concat(), &targets.concat(), 4);
        assert_eq!(cross.temperature, pooled);
    }

    #[test]
    fn ece_of_a_hand_computed_example() {
        // Two clips at confidence 0.9 (one right), one at 0.6 (right):
        // bin of 0.9: |0.9 + 0.9 - 1| / 3, bin of 0.6: |0.6 - 1| / 3.
        let probs = [0.9, 0.1, 0.9, 0.1, 0.4, 0.6];
        let targets = [0, 1, 1];
        let ece = ece_of_bins(&confidence_bins(&probs, &targets, 2));
        assert!((ece - (0.8 / 3.0 + 0.4 / 3.0)).abs() < 1e-6, "{ece}");
    }

    #[test]
    fn bins_of_two_evaluations_add_up_to_the_bins_of_both() {
        let (logits, targets) = sampled(1.0, 400);
        let probs = softmax_rows(&logits, 4, 1.0);
        let mut pooled = confidence_bins(&probs[..800], &targets[..200], 4);
        for (p, b) in pooled
            .iter_mut()
            .zip(confidence_bins(&probs[800..], &targets[200..], 4))
        {
            p.add(&b);
        }
        let whole = confidence_bins(&probs, &targets, 4);
        assert_eq!(
            pooled
                .iter()
                .map(|b| (b.clips, b.correct))
                .collect::<Vec<_>>(),
            whole
                .iter()
                .map(|b| (b.clips, b.correct))
                .collect::<Vec<_>>()
        );
        assert!((ece_of_bins(&pooled) - ece_of_bins(&whole)).abs() < 1e-9);
        assert_eq!(whole.iter().map(|b| b.clips).sum::<usize>(), 400);
    }

    #[test]
    fn temperature_scaling_keeps_the_winner() {
        let logits = [2.0, -1.0, 0.5, 0.1, 3.0, -2.0];
        for t in [0.3, 1.0, 4.0] {
            let p = softmax_rows(&logits, 3, t);
            assert_eq!(p[0].total_cmp(&p[2]), std::cmp::Ordering::Greater);
            assert_eq!(p[4].total_cmp(&p[3]), std::cmp::Ordering::Greater);
            let sums: Vec<f32> = p.chunks(3).map(|r| r.iter().sum()).collect();
            assert!(sums.iter().all(|s| (s - 1.0).abs() < 1e-6), "{sums:?}");
        }
    }
}
