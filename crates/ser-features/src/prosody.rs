//! Prosody of an utterance: nineteen statistics of its pitch, loudness, timing and spectral
//! balance, the cues listeners read emotion from besides the spectrum's detail.
//!
//! A CNN over the log-mel sees these only partly (the mel bands blur F0, see
//! [`crate::pitch`]), and a network trained on a few thousand clips does not learn utterance-wide
//! statistics such as the pitch range reliably. On RAVDESS, a logistic regression over such
//! statistics alone classified about half of unheard actors' clips (8 emotions), and combined
//! with a network it added 1.7-4.0 points (`experiments/2026-12-04-prosody`).
//!
//! None of them depends on how long the utterance is or how long it pauses: rates are per second
//! of audible speech and pauses (frames [`SILENCE_DB`] below the loudest) are left out of every
//! mean. The clip's duration was a statistic until 2026-12-05: in RAVDESS, where every actor
//! says the same two sentences, it stands for speaking rate, but in other speech it measures the
//! sentence: a head fitted on it pulled two joined RAVDESS sentences towards calm and disgust and
//! away from surprised and fearful (`experiments/2026-12-05-length-free-prosody`).
//!
//! ```
//! use ser_features::{Prosody, PROSODY_NAMES};
//! let prosody = Prosody::new(16_000);
//! let tone: Vec<f32> = (0..16_000).map(|i| (i as f32 * 0.05).sin()).collect();
//! let stats = prosody.measure(&tone);
//! assert_eq!(stats.len(), PROSODY_NAMES.len());
//! assert!(stats[7] > 0.95); // voiced_fraction: a steady tone is voiced throughout
//! ```

use crate::params::PadMode;
use crate::pitch::{PitchFrame, PitchTracker, SILENCE_DB};
use crate::stft::Stft;

/// Names of the statistics [`Prosody::measure`] returns, in order. Pitch is in semitones
/// above 100 Hz over voiced frames; voicing, periodicity and levels (dB of frame RMS) over the
/// audible frames, within 40 dB of the loudest; spectral measures over frames within 30 dB of
/// it.
pub const PROSODY_NAMES: [&str; 19] = [
    "pitch_mean_st",
    "pitch_sd_st",
    "pitch_p5_st",
    "pitch_p95_st",
    "pitch_range_st",
    "pitch_mean_abs_step_st",
    "pitch_sd_step_st",
    "voiced_fraction",
    "voiced_runs_per_s",
    "voiced_run_mean_s",
    "level_sd_db",
    "level_range_db",
    "level_mean_abs_step_db",
    "centroid_mean_hz",
    "centroid_sd_hz",
    "tilt_mean_db",
    "tilt_sd_db",
    "flatness_mean_log",
    "periodicity_mean",
];

/// Number of prosodic statistics.
pub const PROSODY_FEATURES: usize = PROSODY_NAMES.len();

/// Frames are 10 ms apart at every rate.
const HOP_S: f32 = 0.010;
/// Frames within this many dB of the loudest carry the spectral measures.
const LOUD_DB: f32 = 30.0;
/// Spectral tilt compares 1-4 kHz against 50 Hz-1 kHz.
const TILT_LOW: (f32, f32) = (50.0, 1000.0);
const TILT_HIGH: (f32, f32) = (1000.0, 4000.0);

/// Measures [`PROSODY_NAMES`] of clips at one sample rate (planned once, reused).
#[derive(Clone)]
pub struct Prosody {
    sample_rate: f32,
    hop: usize,
    /// RMS frame length (25 ms).
    level_frame: usize,
    tracker: PitchTracker,
    stft: Stft,
    n_fft: usize,
}

impl Prosody {
    /// Plans the measures for clips at `sample_rate` (8 kHz or more): F0 from 60 to 600 Hz.
    pub fn new(sample_rate: u32) -> Self {
        let rate = sample_rate as f32;
        let hop = (HOP_S * rate).round() as usize;
        let n_fft = (0.032 * rate).round() as usize / 2 * 2;
        Self {
            sample_rate: rate,
            hop,
            level_frame: (0.025 * rate).round() as usize,
            tracker: PitchTracker::new(sample_rate, hop, 60.0, 600.0),
            stft: Stft::new(n_fft, n_fft, hop, true, PadMode::Constant),
            n_fft,
        }
    }

    /// The statistics of one utterance (trimmed of leading and trailing silence, as the model
    /// hears it). Always finite: a clip without voiced frames has pitch statistics of 0.
    pub fn measure(&self, y: &[f32]) -> [f32; PROSODY_FEATURES] {
        let mut out = [0.0f32; PROSODY_FEATURES];
        if y.is_empty() {
            return out;
        }
        self.pitch(y, &mut out);
        let level = self.level_db(y);
        let loudest = level.iter().copied().fold(f32::NEG_INFINITY, f32::max);
        let is_audible = |l: f32| l > loudest - SILENCE_DB;
        let audible: Vec<f32> = level.iter().copied().filter(|&l| is_audible(l)).collect();
        out[10] = sd(&audible);
        out[11] = percentile(&audible, 95.0) - percentile(&audible, 10.0);
        // Steps within speech only: into and out of a pause they measure the pause's depth.
        let speech_steps: Vec<f32> = level
            .windows(2)
            .filter(|w| is_audible(w[0]) && is_audible(w[1]))
            .map(|w| (w[1] - w[0]).abs())
            .collect();
        out[12] = mean(&speech_steps);
        let loud: Vec<bool> = level.iter().map(|&l| l > loudest - LOUD_DB).collect();
        self.spectral(y, &loud, &mut out);
        out
    }

    /// Statistics 0-9 and 18: pitch, voicing and periodicity, over the audible frames.
    fn pitch(&self, y: &[f32], out: &mut [f32; PROSODY_FEATURES]) {
        let frames = self.tracker.track(y);
        let audible: Vec<&PitchFrame> = frames.iter().flatten().collect();
        if audible.is_empty() {
            return;
        }
        let semitones: Vec<f32> = audible
            .iter()
            .filter_map(|f| f.f0)
            .map(|f0| 12.0 * (f0 / 100.0).log2())
            .collect();
        let step: Vec<f32> = steps(&semitones).collect();
        let (p5, p95) = (percentile(&semitones, 5.0), percentile(&semitones, 95.0));
        out[0] = mean(&semitones);
        out[1] = sd(&semitones);
        out[2] = p5;
        out[3] = p95;
        out[4] = p95 - p5;
        out[5] = mean(&step.iter().map(|s| s.abs()).collect::<Vec<_>>());
        out[6] = sd(&step);
        let n = audible.len() as f32;
        out[7] = semitones.len() as f32 / n;
        // A run of voiced frames ends at an unvoiced frame or a pause.
        let mut runs = Vec::new();
        let mut run = 0usize;
        for frame in &frames {
            match (frame.and_then(|f| f.f0), run) {
                (Some(_), _) => run += 1,
                (None, 0) => {}
                (None, _) => {
                    runs.push(run as f32 * HOP_S);
                    run = 0;
                }
            }
        }
        if run > 0 {
            runs.push(run as f32 * HOP_S);
        }
        out[8] = runs.len() as f32 / (n * HOP_S);
        out[9] = mean(&runs);
        out[18] = mean(&audible.iter().map(|f| f.periodicity).collect::<Vec<_>>());
    }

    /// Frame levels in dB (RMS of 25 ms frames centered every 10 ms, zero beyond the clip),
    /// aligned with the STFT's centered frames.
    fn level_db(&self, y: &[f32]) -> Vec<f32> {
        let half = self.level_frame as i64 / 2;
        (0..1 + y.len() / self.hop)
            .map(|t| {
                let centre = (t * self.hop) as i64;
                let lo = (centre - half).max(0) as usize;
                let hi = ((centre + half) as usize).min(y.len());
                let energy: f32 = y[lo..hi].iter().map(|v| v * v).sum();
                10.0 * (energy / self.level_frame as f32 + 1e-12).log10()
            })
            .collect()
    }

    /// Statistics 13-17: spectral centroid, tilt and flatness of the loud frames.
    fn spectral(&self, y: &[f32], loud: &[bool], out: &mut [f32; PROSODY_FEATURES]) {
        let bin_hz = self.sample_rate / self.n_fft as f32;
        let band =
            |(lo, hi): (f32, f32)| (lo / bin_hz).ceil() as usize..(hi / bin_hz).ceil() as usize;
        let (low, high) = (band(TILT_LOW), band(TILT_HIGH));
        let (mut centroid, mut tilt, mut flatness) = (Vec::new(), Vec::new(), Vec::new());
        self.stft.for_each_power_frame(y, 2.0, |t, power| {
            if !loud.get(t).copied().unwrap_or(false) {
                return;
            }
            // Each bin's magnitude taken once, for both sums (in the order they always ran).
            let (mut magnitude, mut weighted) = (0.0f32, 0.0f32);
            for (k, p) in power.iter().enumerate() {
                let m = p.sqrt();
                magnitude += m;
                weighted += k as f32 * bin_hz * m;
            }
            centroid.push(weighted / magnitude.max(1e-10));
            let sum = |range: std::ops::Range<usize>| power[range].iter().sum::<f32>() + 1e-10;
            tilt.push(10.0 * (sum(high.clone()) / sum(low.clone())).log10());
            flatness.push(log_flatness(power));
        });
        out[13] = mean(&centroid);
        out[14] = sd(&centroid);
        out[15] = mean(&tilt);
        out[16] = sd(&tilt);
        out[17] = mean(&flatness);
    }
}

/// Log of the spectral flatness of a power spectrum: the log of its geometric over its
/// arithmetic mean, each bin floored at 1e-10 as librosa floors it. The geometric mean comes
/// from the logs of products of 16 bins (in f64, whose range holds any 16 of them), a
/// sixteenth of the logarithms that bin-by-bin logs would take.
fn log_flatness(power: &[f32]) -> f32 {
    let floored = || power.iter().map(|&p| f64::from(p.max(1e-10)));
    let log_sum: f64 = power
        .chunks(16)
        .map(|chunk| {
            chunk
                .iter()
                .map(|&p| f64::from(p.max(1e-10)))
                .product::<f64>()
                .ln()
        })
        .sum();
    let n = power.len() as f64;
    let mean = floored().sum::<f64>() / n;
    (log_sum / n - mean.ln()) as f32
}

/// Differences of consecutive values.
fn steps(values: &[f32]) -> impl Iterator<Item = f32> + '_ {
    values.windows(2).map(|w| w[1] - w[0])
}

/// Mean, 0 for no values.
fn mean(values: &[f32]) -> f32 {
    if values.is_empty() {
        return 0.0;
    }
    values.iter().sum::<f32>() / values.len() as f32
}

/// Population standard deviation, 0 for no values.
fn sd(values: &[f32]) -> f32 {
    let m = mean(values);
    mean(&values.iter().map(|v| (v - m).powi(2)).collect::<Vec<_>>()).sqrt()
}

/// The `q`-th percentile with linear interpolation between order statistics (numpy's
/// default), 0 for no values.
fn percentile(values: &[f32], q: f32) -> f32 {
    if values.is_empty() {
        return 0.0;
    }
    let mut sorted = values.to_vec();
    sorted.sort_by(f32::total_cmp);
    let rank = q / 100.0 * (sorted.len() - 1) as f32;
    let (lo, hi) = (rank.floor() as usize, rank.ceil() as usize);
    sorted[lo] + (sorted[hi] - sorted[lo]) * (rank - lo as f32)
}

#[cfg(test)]
mod tests {
    use super::*;

    const RATE: u32 = 16_000;

    /// A voiced sound gliding in pitch from `from` to `to` Hz: F0 and three overtones.
    fn glide(from: f32, to: f32, seconds: f32) -> Vec<f32> {
        let n = (seconds * RATE as f32) as usize;
        let mut phase = 0.0f32;
        (0..n)
            .map(|i| {
                let f0 = from + (to - from) * i as f32 / n as f32;
                phase += std::f32::consts::TAU * f0 / RATE as f32;
                (1..=4)
                    .map(|k| (phase * k as f32).sin() / k as f32)
                    .sum::<f32>()
                    * 0.2
            })
            .collect()
    }

    #[test]
    fn pitch_statistics_follow_the_voice() {
        let prosody = Prosody::new(RATE);
        let flat = prosody.measure(&glide(200.0, 200.0, 1.0));
        // 200 Hz is 12 semitones above 100 Hz; a steady tone has no range or movement.
        assert!((flat[0] - 12.0).abs() < 0.1, "{}", flat[0]);
        assert!(flat[4] < 0.2 && flat[5] < 0.05, "{flat:?}");
        assert!(flat[7] > 0.95, "voiced fraction {}", flat[7]);
        let rising = prosody.measure(&glide(150.0, 300.0, 1.0));
        // An octave's glide: about 12 semitones from the first to the last frame.
        assert!((rising[4] - 0.9 * 12.0).abs() < 1.0, "range {}", rising[4]);
        assert!(rising[5] > 0.05, "{}", rising[5]);
    }

    /// `syllables` steady 0.3 s syllables at 180 Hz, each followed by a silent pause.
    fn syllables(syllables: usize, pause_s: f32) -> Vec<f32> {
        let mut clip = Vec::new();
        for _ in 0..syllables {
            clip.extend(glide(180.0, 180.0, 0.3));
            clip.extend(vec![0.0; (pause_s * RATE as f32) as usize]);
        }
        clip
    }

    #[test]
    fn timing_counts_voiced_runs() {
        let stats = Prosody::new(RATE).measure(&syllables(3, 0.2));
        assert!((stats[9] - 0.3).abs() < 0.06, "run length {}", stats[9]);
        // Three runs per 0.9 s of sound (and a few frames that reach into each syllable).
        assert!(
            (stats[8] - 3.0 / 0.9).abs() < 0.5,
            "runs per s {}",
            stats[8]
        );
        // Levels leave the pauses out: steady syllables vary little.
        assert!(stats[10] < 3.0, "level sd {}", stats[10]);
    }

    #[test]
    fn length_and_pauses_leave_the_statistics_alone() {
        let prosody = Prosody::new(RATE);
        let short = prosody.measure(&syllables(3, 0.2));
        // Twice as many of the same syllables, three times as far apart.
        let long = prosody.measure(&syllables(6, 0.6));
        for ((name, a), b) in PROSODY_NAMES.iter().zip(short).zip(long) {
            let tolerance = 0.05 * a.abs().max(b.abs()) + 0.05;
            assert!((a - b).abs() < tolerance, "{name}: {a} against {b}");
        }
    }

    #[test]
    fn louder_highs_raise_the_tilt_and_the_centroid() {
        let prosody = Prosody::new(RATE);
        let dull = glide(150.0, 150.0, 0.5);
        let bright: Vec<f32> = dull
            .iter()
            .zip(glide(2500.0, 2500.0, 0.5))
            .map(|(a, b)| a + b)
            .collect();
        let (dull, bright) = (prosody.measure(&dull), prosody.measure(&bright));
        assert!(
            bright[15] > dull[15] + 10.0,
            "tilt {} vs {}",
            bright[15],
            dull[15]
        );
        assert!(
            bright[13] > dull[13] + 500.0,
            "centroid {} vs {}",
            bright[13],
            dull[13]
        );
    }

    #[test]
    fn silence_and_tiny_clips_give_finite_zeros() {
        let prosody = Prosody::new(RATE);
        for clip in [vec![], vec![0.0; 50], vec![0.0; 16_000]] {
            let stats = prosody.measure(&clip);
            assert!(stats.iter().all(|v| v.is_finite()), "{stats:?}");
            assert_eq!(stats[7], 0.0);
        }
    }

    #[test]
    fn flatness_is_zero_for_white_and_negative_for_peaky_spectra() {
        assert!(log_flatness(&[2.0; 257]).abs() < 1e-6);
        let mut peaky = [1e-6f32; 257];
        peaky[40] = 1.0;
        // Geometric mean 1e-6 · 1e6^(1/257), arithmetic mean ≈ 1/257.
        let want = (1e-6f64.ln() + 1e6f64.ln() / 257.0) - (1.0 / 257.0 + 1e-6f64).ln();
        assert!(
            (f64::from(log_flatness(&peaky)) - want).abs() < 1e-3,
            "{}",
            log_flatness(&peaky)
        );
    }

    #[test]
    fn percentiles_interpolate_as_numpy() {
        // numpy.percentile([1, 2, 3, 4], [5, 50, 95]) = [1.15, 2.5, 3.85]
        let v = [4.0, 1.0, 3.0, 2.0];
        for (q, want) in [(5.0, 1.15), (50.0, 2.5), (95.0, 3.85)] {
            assert!((percentile(&v, q) - want).abs() < 1e-5);
        }
    }
}
