//! Short-time Fourier transform with librosa's framing (realfft).

use std::sync::Arc;

use realfft::num_complex::Complex;
use realfft::{RealFftPlanner, RealToComplex};

use crate::params::PadMode;
use crate::window::hann_window;

/// A planned STFT: window, FFT plan and framing, built once and reused for every signal.
/// `Stft` is `Send + Sync`; each call allocates only its own small scratch buffers.
#[derive(Clone)]
pub struct Stft {
    n_fft: usize,
    hop: usize,
    center: bool,
    pad_mode: PadMode,
    window: Vec<f32>,
    fft: Arc<dyn RealToComplex<f32>>,
}

impl Stft {
    /// Plans an STFT with a periodic Hann window of `win_length` centered in `n_fft`.
    pub fn new(
        n_fft: usize,
        win_length: usize,
        hop: usize,
        center: bool,
        pad_mode: PadMode,
    ) -> Self {
        let window = hann_window(win_length, n_fft)
            .into_iter()
            .map(|w| w as f32)
            .collect();
        let fft = RealFftPlanner::<f32>::new().plan_fft_forward(n_fft);
        Self {
            n_fft,
            hop,
            center,
            pad_mode,
            window,
            fft,
        }
    }

    /// Number of frequency bins, `1 + n_fft / 2`.
    pub fn n_freq(&self) -> usize {
        self.n_fft / 2 + 1
    }

    /// The signal as librosa frames it: padded by `n_fft / 2` on both sides when centering.
    fn padded(&self, y: &[f32]) -> Vec<f32> {
        if !self.center {
            return y.to_vec();
        }
        let pad = self.n_fft / 2;
        let n = y.len() as i64;
        let at = |j: i64| -> f32 {
            if (0..n).contains(&j) {
                return y[j as usize];
            }
            match self.pad_mode {
                PadMode::Constant => 0.0,
                PadMode::Reflect if n <= 1 => y.first().copied().unwrap_or(0.0),
                PadMode::Reflect => {
                    let period = 2 * (n - 1);
                    let m = j.rem_euclid(period);
                    y[(if m >= n { period - m } else { m }) as usize]
                }
            }
        };
        (-(pad as i64)..n + pad as i64).map(at).collect()
    }

    /// Computes `|STFT|^power` frame by frame, calling `sink(frame_index, spectrum)` with the
    /// `1 + n_fft / 2` bins of each frame in order.
    pub fn for_each_power_frame(&self, y: &[f32], power: f32, mut sink: impl FnMut(usize, &[f32])) {
        let padded = self.padded(y);
        if padded.len() < self.n_fft {
            return;
        }
        let n_frames = 1 + (padded.len() - self.n_fft) / self.hop;
        let mut frame = self.fft.make_input_vec();
        let mut spectrum = self.fft.make_output_vec();
        let mut scratch = self.fft.make_scratch_vec();
        let mut out = vec![0.0f32; self.n_freq()];
        for t in 0..n_frames {
            let src = &padded[t * self.hop..t * self.hop + self.n_fft];
            for ((f, s), w) in frame.iter_mut().zip(src).zip(&self.window) {
                *f = s * w;
            }
            self.fft
                .process_with_scratch(&mut frame, &mut spectrum, &mut scratch)
                .expect("buffers come from the plan");
            power_of(&spectrum, power, &mut out);
            sink(t, &out);
        }
    }
}

fn power_of(spectrum: &[Complex<f32>], power: f32, out: &mut [f32]) {
    for (o, c) in out.iter_mut().zip(spectrum) {
        let p2 = c.norm_sqr();
        *o = if power == 2.0 {
            p2
        } else if power == 1.0 {
            p2.sqrt()
        } else {
            p2.powf(power / 2.0)
        };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sine_peaks_in_its_bin() {
        let stft = Stft::new(512, 400, 160, true, PadMode::Constant);
        // 1000 Hz at 16 kHz with 512-point FFT → bin 32.
        let y: Vec<f32> = (0..4000)
            .map(|i| (2.0 * std::f32::consts::PI * 1000.0 * i as f32 / 16_000.0).sin())
            .collect();
        let mut peaks = Vec::new();
        stft.for_each_power_frame(&y, 2.0, |_, s| {
            let k = (0..s.len()).max_by(|&a, &b| s[a].total_cmp(&s[b])).unwrap();
            peaks.push(k);
        });
        assert_eq!(peaks.len(), 1 + 4000 / 160);
        assert!(
            peaks[2..peaks.len() - 2].iter().all(|&k| k == 32),
            "{peaks:?}"
        );
    }

    #[test]
    fn reflect_padding_matches_numpy() {
        let stft = Stft::new(8, 8, 4, true, PadMode::Reflect);
        // np.pad([1, 2, 3], 4, mode='reflect'): the mirror repeats when the pad is longer.
        assert_eq!(
            stft.padded(&[1.0, 2.0, 3.0]),
            vec![1.0, 2.0, 3.0, 2.0, 1.0, 2.0, 3.0, 2.0, 1.0, 2.0, 3.0]
        );
    }
}
