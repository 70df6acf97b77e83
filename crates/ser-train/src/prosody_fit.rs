//! Fitting a model's prosody head ([`ser_model::prosody`]): a multinomial logistic regression
//! over standardised prosodic statistics of the training clips, each measured clean and under
//! three recording conditions (`recording_conditions`), L2-regularised as scikit-learn's
//! `LogisticRegression(C=1)` is (the penalty ½‖W‖² against the summed cross-entropy,
//! intercepts free), by full-batch gradient descent from zero, so that the same clips always
//! give the same head.

use std::collections::BTreeSet;

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use rayon::prelude::*;
use ser_features::{Prosody, PROSODY_FEATURES, PROSODY_NAMES};
use ser_model::prosody::ProsodyHead;
use ser_model::ModelConfig;

use crate::acoustics::{reverberate, room_response, telephone_band};
use crate::augment::{add_noise, AugmentConfig};
use crate::data::Example;

/// Gradient steps. The objective is convex; on each CV fold's 960 RAVDESS clips this many
/// accelerated steps ended within 0.0003 of scikit-learn's optimal objective (summed over the
/// clips, about 1100) and 0.008 of its coefficients (`experiments/2026-12-04-prosody`).
const STEPS: usize = 3000;

/// The weight of a head joining one network: on the bundled recipe's five-fold CV by actor,
/// the weight best on each fold's other four folds was 0.6-0.7 (ensembles, whose averaged
/// probabilities are softer, want less: see `experiments/2026-12-04-prosody`).
pub const DEFAULT_WEIGHT: f32 = 0.6;

/// How many degraded copies of each training clip [`recording_conditions`] makes.
const CONDITIONS: usize = 3;

/// `wave` (at `rate` Hz) as three recordings the studio clips do not show, of the kinds the
/// networks train under ([`AugmentConfig`]'s defaults and the bundled recipe): a narrowband
/// phone line, a room whose reverberation time is drawn from the default range, and white
/// noise at an SNR drawn from the default range. Drawn from `seed` (the clip's position among
/// the training examples), so the same corpus always gives the same copies and the same head.
///
/// Statistics such as the spectral centroid, tilt, flatness and periodicity move far under
/// these; a head fitted on studio clips alone read the moves as emotions, and fold networks
/// with it called 30-36 % of unheard actors' phone-band clips right against 65 % alone
/// (`experiments/2026-12-05-length-free-prosody`). Fitted on the copies too, it learns which
/// statistics keep their meaning.
fn recording_conditions(wave: &[f32], rate: u32, seed: u64) -> [Vec<f32>; CONDITIONS] {
    let defaults = AugmentConfig::default();
    let mut rng = StdRng::seed_from_u64(seed);
    let (rt60_lo, rt60_hi) = defaults.rt60_s;
    let room = room_response(rate, rng.random_range(rt60_lo..=rt60_hi), &mut rng);
    let mut noisy = wave.to_vec();
    let (snr_lo, snr_hi) = defaults.snr_db;
    add_noise(&mut noisy, rng.random_range(snr_lo..=snr_hi), &mut rng);
    [telephone_band(wave, rate), reverberate(wave, &room), noisy]
}

/// Fits a head for a model of `config` on its training examples, each measured as prediction
/// hears it and under `recording_conditions`, as `ser train` does before training (the head
/// does not depend on the network) and `ser prosody` does for a trained model.
pub fn fit_on_examples(config: &ModelConfig, examples: &[Example], weight: f32) -> ProsodyHead {
    let rate = config.audio.sample_rate;
    let prosody = Prosody::new(rate);
    let stats: Vec<[f32; PROSODY_FEATURES]> = examples
        .par_iter()
        .enumerate()
        .flat_map_iter(|(i, e)| {
            let clean = config.audio.skip_offset(&e.wave);
            let copies = recording_conditions(clean, rate, i as u64);
            let mut rows = vec![prosody.measure(clean)];
            rows.extend(copies.iter().map(|wave| prosody.measure(wave)));
            rows
        })
        .collect();
    let targets: Vec<usize> = examples
        .iter()
        .flat_map(|e| [e.target; CONDITIONS + 1])
        .collect();
    let speakers: BTreeSet<&str> = examples.iter().map(|e| e.speaker.as_str()).collect();
    let fitted_on = format!(
        "{} clips of {} speakers (each also through a phone line, a room and noise)",
        examples.len(),
        speakers.len()
    );
    fit_prosody_head(&stats, &targets, &config.labels, weight, fitted_on)
}

/// Fits a head for `labels` on statistics and class indices, counting `weight` against the
/// networks' logits. `fitted_on` describes the clips, for the record.
pub fn fit_prosody_head(
    stats: &[[f32; PROSODY_FEATURES]],
    targets: &[usize],
    labels: &[String],
    weight: f32,
    fitted_on: String,
) -> ProsodyHead {
    let (n, d, k) = (stats.len(), PROSODY_FEATURES, labels.len());
    assert!(
        n > 0 && n == targets.len(),
        "one target per clip, at least one clip"
    );
    let column = |j: usize| stats.iter().map(move |row| row[j] as f64);
    let mean: Vec<f64> = (0..d).map(|j| column(j).sum::<f64>() / n as f64).collect();
    let scale: Vec<f64> = (0..d)
        .map(|j| {
            let var = column(j).map(|v| (v - mean[j]).powi(2)).sum::<f64>() / n as f64;
            // A constant statistic (as in a corpus of one length) is left as it is.
            if var > 1e-12 {
                var.sqrt()
            } else {
                1.0
            }
        })
        .collect();
    let z: Vec<Vec<f64>> = stats
        .iter()
        .map(|row| {
            (0..d)
                .map(|j| (row[j] as f64 - mean[j]) / scale[j])
                .collect()
        })
        .collect();
    // Mean objective: cross-entropy + ½‖W‖² / n, by Nesterov's accelerated gradient. Standardised
    // columns bound the curvature of the cross-entropy by ½·d, so a step of 1 / (½·d + 1/n)
    // never overshoots; the momentum reaches the optimum in far fewer steps than plain descent
    // on these correlated statistics.
    let step = 1.0 / (0.5 * d as f64 + 1.0 / n as f64);
    // Parameters flat: row c holds class c's d coefficients, then its intercept.
    let gradient = |theta: &[f64]| {
        let mut grad = vec![0.0f64; k * (d + 1)];
        for (x, &t) in z.iter().zip(targets) {
            let scores: Vec<f64> = theta
                .chunks(d + 1)
                .map(|row| row[d] + row[..d].iter().zip(x).map(|(a, v)| a * v).sum::<f64>())
                .collect();
            let top = scores.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            let exps: Vec<f64> = scores.iter().map(|s| (s - top).exp()).collect();
            let total: f64 = exps.iter().sum();
            for (c, g) in grad.chunks_mut(d + 1).enumerate() {
                let residual = exps[c] / total - f64::from(u8::from(c == t));
                g[d] += residual;
                for (gj, v) in g[..d].iter_mut().zip(x) {
                    *gj += residual * v;
                }
            }
        }
        for (i, g) in grad.iter_mut().enumerate() {
            let penalty = if i % (d + 1) == d { 0.0 } else { theta[i] };
            *g = (*g + penalty) / n as f64;
        }
        grad
    };
    let mut theta = vec![0.0f64; k * (d + 1)];
    let mut previous = theta.clone();
    for step_index in 0..STEPS {
        let momentum = step_index as f64 / (step_index as f64 + 3.0);
        let ahead: Vec<f64> = theta
            .iter()
            .zip(&previous)
            .map(|(now, before)| now + momentum * (now - before))
            .collect();
        let grad = gradient(&ahead);
        previous = std::mem::replace(
            &mut theta,
            ahead.iter().zip(&grad).map(|(a, g)| a - step * g).collect(),
        );
    }
    let w: Vec<Vec<f64>> = theta.chunks(d + 1).map(|row| row[..d].to_vec()).collect();
    let b: Vec<f64> = theta.chunks(d + 1).map(|row| row[d]).collect();
    let to_f32 = |v: &[f64]| v.iter().map(|&x| x as f32).collect::<Vec<f32>>();
    ProsodyHead {
        labels: labels.to_vec(),
        weight,
        features: PROSODY_NAMES.iter().map(|s| s.to_string()).collect(),
        mean: to_f32(&mean),
        scale: to_f32(&scale),
        coef: w.iter().map(|row| to_f32(row)).collect(),
        intercept: to_f32(&b),
        fitted_on,
        temperature: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels() -> Vec<String> {
        vec!["low".into(), "high".into()]
    }

    /// Clips whose mean pitch (statistic 0) tells their class, the rest noise-free constants
    /// but for statistic 1, which carries nothing.
    fn separable() -> (Vec<[f32; PROSODY_FEATURES]>, Vec<usize>) {
        let mut stats = Vec::new();
        let mut targets = Vec::new();
        for i in 0..40 {
            let mut row = [1.0f32; PROSODY_FEATURES];
            let class = i % 2;
            row[0] = if class == 1 { 14.0 } else { 6.0 } + (i % 5) as f32 * 0.3;
            row[1] = (i % 7) as f32;
            stats.push(row);
            targets.push(class);
        }
        (stats, targets)
    }

    #[test]
    fn learns_which_statistic_tells_the_classes() {
        let (stats, targets) = separable();
        let head = fit_prosody_head(&stats, &targets, &labels(), 0.5, "test".into());
        assert_eq!(head.validate(&labels()), Ok(()));
        for (row, &t) in stats.iter().zip(&targets) {
            let log_p = head.log_probabilities(row);
            assert!(log_p[t] > (0.8f32).ln(), "{row:?}: {log_p:?}");
        }
        // The informative statistic carries the decision, the uninformative one little.
        let slope = |j: usize| (head.coef[1][j] - head.coef[0][j]).abs();
        assert!(slope(0) > 5.0 * slope(1), "{:?}", head.coef);
        // A constant statistic keeps a unit scale instead of dividing by zero.
        assert_eq!(head.scale[5], 1.0);
    }

    #[test]
    fn each_clip_gets_the_same_three_recordings_every_time() {
        let tone: Vec<f32> = (0..8000).map(|i| (i as f32 * 0.3).sin() * 0.5).collect();
        let a = recording_conditions(&tone, 16_000, 7);
        assert_eq!(a, recording_conditions(&tone, 16_000, 7), "a fixed seed");
        assert_ne!(
            a,
            recording_conditions(&tone, 16_000, 8),
            "another clip's draws"
        );
        for copy in &a {
            assert_eq!(copy.len(), tone.len());
            assert_ne!(copy, &tone, "every copy is degraded");
        }
    }

    #[test]
    fn regularisation_keeps_separable_data_finite() {
        // Perfectly separable classes drive an unregularised regression to infinity; the L2
        // penalty keeps the coefficients bounded, and the fit is the same every time.
        let (stats, targets) = separable();
        let a = fit_prosody_head(&stats, &targets, &labels(), 0.5, String::new());
        let b = fit_prosody_head(&stats, &targets, &labels(), 0.5, String::new());
        assert_eq!(a, b);
        assert!(
            a.coef.iter().flatten().all(|w| w.abs() < 10.0),
            "{:?}",
            a.coef
        );
    }
}
