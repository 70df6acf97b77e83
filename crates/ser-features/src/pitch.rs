//! Fundamental frequency (F0) frame by frame, by YIN (de Cheveigné & Kawahara, 2002).
//!
//! The log-mel spectrogram resolves pitch poorly: at 16 kHz with a 512-point FFT its bins are
//! 31 Hz apart, a third of a low male voice's F0, and the mel bands above merge harmonics. How
//! high and how varied the pitch is tells arousal and valence apart (sad speech is low and
//! flat, happy and surprised high and moving), so [`crate::prosody`] reads it from this
//! tracker instead.
//!
//! Per frame, YIN's cumulative-mean-normalised difference `d'(τ)` of the frame with itself
//! lagged by τ is near 0 at the period of a periodic sound; the first lag below a threshold (then
//! its local minimum, refined by a parabola) gives the period. Frames with no such lag are
//! unvoiced; frames quieter than [`SILENCE_DB`] below the clip's loudest are not analysed at all
//! (pauses, where YIN finds spurious periods). The correlation
//! behind the difference is computed by FFT (three 1024-point transforms per frame); the
//! `log_mel` benchmark of ser-features times it within [`crate::Prosody::measure`].

use std::sync::Arc;

use realfft::num_complex::Complex;
use realfft::{ComplexToReal, RealFftPlanner, RealToComplex};

/// `d'(τ)` below this marks a periodic frame (YIN's absolute threshold, 0.10-0.15 in the paper).
const THRESHOLD: f32 = 0.15;
/// Frames this far (dB of energy) below the clip's loudest are pauses, not analysed: YIN finds
/// spurious periods in near-silence.
pub const SILENCE_DB: f32 = 40.0;

/// One audible frame's reading.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PitchFrame {
    /// F0 in Hz when the frame is voiced.
    pub f0: Option<f32>,
    /// How periodic the frame is, `1 - min d'(τ)` clamped to `[0, 1]` (1: a pure tone).
    pub periodicity: f32,
}

/// A planned YIN tracker for one sample rate and pitch range, reused across clips.
#[derive(Clone)]
pub struct PitchTracker {
    sample_rate: f32,
    hop: usize,
    /// Integration window W (samples).
    window: usize,
    min_lag: usize,
    max_lag: usize,
    forward: Arc<dyn RealToComplex<f32>>,
    inverse: Arc<dyn ComplexToReal<f32>>,
}

impl PitchTracker {
    /// A tracker for F0 between `fmin` and `fmax` Hz at `sample_rate`, one frame every `hop`
    /// samples, each frame integrating 32 ms. Panics unless `0 < fmin < fmax < rate / 2`.
    pub fn new(sample_rate: u32, hop: usize, fmin: f32, fmax: f32) -> Self {
        let rate = sample_rate as f32;
        assert!(
            0.0 < fmin && fmin < fmax && fmax < rate / 2.0 && hop > 0,
            "bad pitch range {fmin}-{fmax} Hz at {sample_rate} Hz"
        );
        let window = (0.032 * rate).round() as usize;
        let max_lag = (rate / fmin).ceil() as usize;
        // The correlation of the window with the frame is circular at this size, but no lag
        // wraps: every index reached, j + τ ≤ W - 1 + max lag, stays below n.
        let n = (window + max_lag + 1).next_power_of_two();
        let mut planner = RealFftPlanner::new();
        Self {
            sample_rate: rate,
            hop,
            window,
            min_lag: ((rate / fmax).floor() as usize).max(2),
            max_lag,
            forward: planner.plan_fft_forward(n),
            inverse: planner.plan_fft_inverse(n),
        }
    }

    /// Frames of `y`: frame `t` starts at sample `t * hop` and needs `W + max lag` samples, so
    /// a clip shorter than that has none. A frame more than 40 dB below the loudest (a pause)
    /// is `None`.
    pub fn track(&self, y: &[f32]) -> Vec<Option<PitchFrame>> {
        let span = self.window + self.max_lag + 1;
        if y.len() < span {
            return Vec::new();
        }
        let starts: Vec<usize> = (0..=(y.len() - span) / self.hop)
            .map(|t| t * self.hop)
            .collect();
        let energy: Vec<f32> = starts
            .iter()
            .map(|&s| y[s..s + self.window].iter().map(|v| v * v).sum::<f32>())
            .collect();
        let loudest = energy.iter().copied().fold(0.0f32, f32::max);
        let floor = loudest * 10f32.powf(-SILENCE_DB / 10.0);
        let mut scratch = Scratch::new(self);
        starts
            .iter()
            .zip(&energy)
            .map(|(&s, &e)| {
                (loudest > 0.0 && e > floor).then(|| self.frame(&y[s..s + span], e, &mut scratch))
            })
            .collect()
    }

    /// YIN on one frame of `W + max lag + 1` samples whose first `W` hold `e0` of energy.
    fn frame(&self, x: &[f32], e0: f32, s: &mut Scratch) -> PitchFrame {
        let (w, max_lag) = (self.window, self.max_lag);
        // r(τ) = Σ_{j<W} x[j] x[j+τ], by the FFT of the window against the whole frame.
        s.a.fill(0.0);
        s.a[..w].copy_from_slice(&x[..w]);
        s.b.fill(0.0);
        s.b[..x.len()].copy_from_slice(x);
        self.forward
            .process(&mut s.a, &mut s.spec_a)
            .expect("sizes planned");
        self.forward
            .process(&mut s.b, &mut s.spec_b)
            .expect("sizes planned");
        for (p, q) in s.spec_a.iter_mut().zip(&s.spec_b) {
            *p = p.conj() * q;
        }
        // DC and Nyquist of a real signal's spectrum are real; drop the rounding residue.
        let last = s.spec_a.len() - 1;
        s.spec_a[0].im = 0.0;
        s.spec_a[last].im = 0.0;
        self.inverse
            .process(&mut s.spec_a, &mut s.corr)
            .expect("sizes planned");
        let scale = 1.0 / s.corr.len() as f32;
        // d(τ) = Σ x[j]² + Σ x[j+τ]² − 2 r(τ), the lagged energy kept by a running sum.
        let mut lagged = e0;
        let mut running = 0.0;
        s.cmnd[0] = 1.0;
        for tau in 1..=max_lag {
            lagged += x[w + tau - 1].powi(2) - x[tau - 1].powi(2);
            let d = (e0 + lagged - 2.0 * s.corr[tau] * scale).max(0.0);
            running += d;
            s.cmnd[tau] = if running > 0.0 {
                d * tau as f32 / running
            } else {
                1.0
            };
        }
        let cmnd = &s.cmnd[..=max_lag];
        let lowest = cmnd[self.min_lag..]
            .iter()
            .copied()
            .fold(f32::INFINITY, f32::min);
        let periodicity = (1.0 - lowest).clamp(0.0, 1.0);
        let Some(mut tau) = (self.min_lag..max_lag).find(|&t| cmnd[t] < THRESHOLD) else {
            return PitchFrame {
                f0: None,
                periodicity,
            };
        };
        while tau + 1 < max_lag && cmnd[tau + 1] < cmnd[tau] {
            tau += 1;
        }
        let (left, mid, right) = (cmnd[tau - 1], cmnd[tau], cmnd[tau + 1]);
        let curve = left + right - 2.0 * mid;
        let shift = if curve > 0.0 {
            (0.5 * (left - right) / curve).clamp(-0.5, 0.5)
        } else {
            0.0
        };
        PitchFrame {
            f0: Some(self.sample_rate / (tau as f32 + shift)),
            periodicity,
        }
    }
}

/// Buffers of one tracking pass.
struct Scratch {
    a: Vec<f32>,
    b: Vec<f32>,
    corr: Vec<f32>,
    spec_a: Vec<Complex<f32>>,
    spec_b: Vec<Complex<f32>>,
    cmnd: Vec<f32>,
}

impl Scratch {
    fn new(tracker: &PitchTracker) -> Self {
        Self {
            a: tracker.forward.make_input_vec(),
            b: tracker.forward.make_input_vec(),
            corr: tracker.inverse.make_output_vec(),
            spec_a: tracker.forward.make_output_vec(),
            spec_b: tracker.forward.make_output_vec(),
            cmnd: vec![0.0; tracker.max_lag + 1],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const RATE: u32 = 16_000;

    /// A harmonic tone like a voiced vowel: F0 and four overtones of falling amplitude.
    fn voice(f0: f32, seconds: f32) -> Vec<f32> {
        (0..(seconds * RATE as f32) as usize)
            .map(|i| {
                let t = i as f32 / RATE as f32;
                (1..=5)
                    .map(|k| (std::f32::consts::TAU * f0 * k as f32 * t).sin() / k as f32)
                    .sum::<f32>()
                    * 0.3
            })
            .collect()
    }

    #[test]
    fn finds_the_pitch_of_low_and_high_voices() {
        let tracker = PitchTracker::new(RATE, 160, 60.0, 600.0);
        for f0 in [85.0, 120.0, 210.0, 330.0, 520.0] {
            let frames = tracker.track(&voice(f0, 0.5));
            assert!(!frames.is_empty());
            for frame in &frames {
                let frame = frame.expect("a steady tone has no pauses");
                let found = frame.f0.expect("a harmonic tone is voiced");
                assert!((found / f0 - 1.0).abs() < 0.01, "{f0} Hz read as {found}");
                assert!(frame.periodicity > 0.9, "{}", frame.periodicity);
            }
        }
    }

    #[test]
    fn noise_and_silence_are_unvoiced() {
        let tracker = PitchTracker::new(RATE, 160, 60.0, 600.0);
        // A fixed linear congruential sequence: white noise without a random crate.
        let mut state = 12345u32;
        let noise: Vec<f32> = (0..8000)
            .map(|_| {
                state = state.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
                (state >> 8) as f32 / (1u32 << 24) as f32 - 0.5
            })
            .collect();
        let frames = tracker.track(&noise);
        let voiced = frames.iter().flatten().filter(|f| f.f0.is_some()).count();
        assert!(
            voiced * 20 < frames.len(),
            "{voiced} of {} voiced",
            frames.len()
        );
        // A tone followed by silence: the silent frames are pauses, not analysed.
        let mut clip = voice(150.0, 0.3);
        clip.extend(vec![0.0; 4800]);
        let frames = tracker.track(&clip);
        assert!(frames[0].is_some_and(|f| f.f0.is_some()));
        assert_eq!(frames.last().unwrap(), &None);
    }

    #[test]
    fn a_clip_too_short_for_one_frame_has_none() {
        let tracker = PitchTracker::new(RATE, 160, 60.0, 600.0);
        assert!(tracker.track(&[0.1; 100]).is_empty());
    }
}
