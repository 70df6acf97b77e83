//! Short-time Fourier transform with librosa's framing, as power spectra.
//!
//! The real FFT of each `n_fft`-sample frame is computed the standard way, as one complex FFT
//! of `n_fft / 2` points (rustfft, the engine of the realfft crate) over the even and odd
//! samples, followed by a split step. The split step is fused with `|X|^power` here because
//! only the power spectrum is needed: measured on a 512-point frame, realfft's general-purpose
//! split step took twice as long as the complex FFT itself (see `benches/log_mel.rs`).

use std::sync::Arc;

use rustfft::num_complex::Complex;
use rustfft::{Fft, FftPlanner};

use crate::params::PadMode;
use crate::window::hann_window;

/// A planned STFT: window, FFT plan, twiddles and framing, built once and reused for every
/// signal. `Stft` is `Send + Sync`; each call allocates only its own small scratch buffers.
#[derive(Clone)]
pub struct Stft {
    n_fft: usize,
    hop: usize,
    center: bool,
    pad_mode: PadMode,
    window: Vec<f32>,
    /// Complex FFT of n_fft / 2 points.
    fft: Arc<dyn Fft<f32>>,
    /// exp(-2πik / n_fft) for k in 0..=n_fft/2, split into real and imaginary parts.
    twiddle_re: Vec<f32>,
    twiddle_im: Vec<f32>,
}

impl Stft {
    /// Plans an STFT with a periodic Hann window of `win_length` centered in `n_fft`
    /// (`n_fft` must be even; [`crate::FeatureParams::validate`] checks it).
    pub fn new(
        n_fft: usize,
        win_length: usize,
        hop: usize,
        center: bool,
        pad_mode: PadMode,
    ) -> Self {
        assert!(n_fft >= 2 && n_fft.is_multiple_of(2), "n_fft must be even");
        let window = hann_window(win_length, n_fft)
            .into_iter()
            .map(|w| w as f32)
            .collect();
        let fft = FftPlanner::<f32>::new().plan_fft_forward(n_fft / 2);
        let angle = |k: usize| -2.0 * std::f64::consts::PI * k as f64 / n_fft as f64;
        let twiddle_re = (0..=n_fft / 2).map(|k| angle(k).cos() as f32).collect();
        let twiddle_im = (0..=n_fft / 2).map(|k| angle(k).sin() as f32).collect();
        Self {
            n_fft,
            hop,
            center,
            pad_mode,
            window,
            fft,
            twiddle_re,
            twiddle_im,
        }
    }

    /// The analysis window: `n_fft` samples, the periodic Hann of `win_length` centred in them.
    pub fn window(&self) -> &[f32] {
        &self.window
    }

    /// Number of frequency bins, `1 + n_fft / 2`.
    pub fn n_freq(&self) -> usize {
        self.n_fft / 2 + 1
    }

    /// Sample `j` of the signal extended as librosa pads it (`j` may lie outside `y`).
    fn extended(&self, y: &[f32], j: i64) -> f32 {
        let n = y.len() as i64;
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
    }

    /// Computes `|STFT|^power` frame by frame, calling `sink(frame_index, spectrum)` with the
    /// `1 + n_fft / 2` bins of each frame in order (see [`Stft::power_blocks`]).
    pub fn for_each_power_frame(&self, y: &[f32], power: f32, mut sink: impl FnMut(usize, &[f32])) {
        self.power_blocks::<1>(y, power, |t, _, spectrum| sink(t, spectrum));
    }

    /// Computes `|STFT|^power` in blocks of `BLOCK` consecutive frames, calling
    /// `sink(first_frame, n_valid, block)` with each block stored bin-major:
    /// `block[k * BLOCK + j]` is bin `k` of frame `first_frame + j` (`j < n_valid`; the last
    /// block may be partial, its unused lanes hold stale values). Bin-major blocks let the mel
    /// projection treat `BLOCK` frames as one SIMD vector, and each frame's spectrum is
    /// written there directly by the split step, without an intermediate copy.
    ///
    /// With `center`, frame `t` is centered on sample `t * hop` and the signal is padded by
    /// `n_fft / 2` on both sides; only the few frames that reach into the padding are copied,
    /// the rest are read in place.
    #[inline(always)] // compiled into Extractor's AVX2 variant
    pub fn power_blocks<const BLOCK: usize>(
        &self,
        y: &[f32],
        power: f32,
        mut sink: impl FnMut(usize, usize, &[f32]),
    ) {
        let pad = if self.center { self.n_fft / 2 } else { 0 };
        let padded_len = y.len() + 2 * pad;
        if padded_len < self.n_fft {
            return;
        }
        let n_frames = 1 + (padded_len - self.n_fft) / self.hop;
        let half = self.n_fft / 2;
        let mut packed = vec![Complex::new(0.0f32, 0.0); half];
        let mut spectrum = vec![Complex::new(0.0f32, 0.0); half];
        // Out of place: for the power-of-two sizes here rustfft then needs no copy to scratch.
        let mut scratch = vec![Complex::new(0.0f32, 0.0); self.fft.get_outofplace_scratch_len()];
        let mut edge = vec![0.0f32; self.n_fft];
        let mut block = vec![0.0f32; self.n_freq() * BLOCK];
        for t in 0..n_frames {
            let start = (t * self.hop) as i64 - pad as i64;
            let src: &[f32] = if start >= 0 && start as usize + self.n_fft <= y.len() {
                &y[start as usize..start as usize + self.n_fft]
            } else {
                for (i, e) in edge.iter_mut().enumerate() {
                    *e = self.extended(y, start + i as i64);
                }
                &edge
            };
            // Even samples in the real part, odd samples in the imaginary part.
            for ((z, s), w) in packed
                .iter_mut()
                .zip(src.chunks_exact(2))
                .zip(self.window.chunks_exact(2))
            {
                *z = Complex::new(s[0] * w[0], s[1] * w[1]);
            }
            self.fft
                .process_outofplace_with_scratch(&mut packed, &mut spectrum, &mut scratch);
            let j = t % BLOCK;
            self.split_power::<BLOCK>(&spectrum, power, &mut block[j..]);
            if j == BLOCK - 1 || t + 1 == n_frames {
                sink(t - j, j + 1, &block);
            }
        }
    }

    /// From the half-length complex FFT `z` of the packed frame to `|X[k]|^power` for
    /// `k = 0..=n_fft/2`, written to `out[k * STRIDE]`: `X[k] = E[k] + W^k O[k]` with
    /// `E[k] = (Z[k] + conj Z[M-k]) / 2` and `O[k] = (Z[k] - conj Z[M-k]) / 2i`, `M = n_fft / 2`,
    /// `Z[M] = Z[0]`.
    #[inline(always)] // compiled into Extractor's AVX2 variant
    fn split_power<const STRIDE: usize>(&self, z: &[Complex<f32>], power: f32, out: &mut [f32]) {
        let m = z.len();
        let out = &mut out[..m * STRIDE + 1];
        // k = 0 and k = M: E = Re Z[0], O = Im Z[0], W^0 = 1 and W^M = -1.
        out[0] = (z[0].re + z[0].im).powi(2);
        out[m * STRIDE] = (z[0].re - z[0].im).powi(2);
        for k in 1..m {
            let (a, b) = (z[k], z[m - k]);
            let (w_re, w_im) = (self.twiddle_re[k], self.twiddle_im[k]);
            let (e_re, e_im) = (0.5 * (a.re + b.re), 0.5 * (a.im - b.im));
            // (a - conj b) / 2i = ((a.im + b.im) - i (a.re - b.re)) / 2
            let (o_re, o_im) = (0.5 * (a.im + b.im), -0.5 * (a.re - b.re));
            let x_re = e_re + w_re * o_re - w_im * o_im;
            let x_im = e_im + w_re * o_im + w_im * o_re;
            out[k * STRIDE] = x_re * x_re + x_im * x_im;
        }
        if power != 2.0 {
            for v in out.iter_mut().step_by(STRIDE) {
                *v = if power == 1.0 {
                    v.sqrt()
                } else {
                    v.powf(power / 2.0)
                };
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every frame's spectrum, unpacked from the blocks.
    fn frames(stft: &Stft, y: &[f32], power: f32) -> Vec<Vec<f32>> {
        let mut frames = Vec::new();
        stft.power_blocks::<4>(y, power, |first, n_valid, block| {
            assert_eq!(first, frames.len());
            for j in 0..n_valid {
                frames.push((0..stft.n_freq()).map(|k| block[k * 4 + j]).collect());
            }
        });
        frames
    }

    #[test]
    fn sine_peaks_in_its_bin() {
        let stft = Stft::new(512, 400, 160, true, PadMode::Constant);
        // 1000 Hz at 16 kHz with 512-point FFT → bin 32.
        let y: Vec<f32> = (0..4000)
            .map(|i| (2.0 * std::f32::consts::PI * 1000.0 * i as f32 / 16_000.0).sin())
            .collect();
        let peaks: Vec<usize> = frames(&stft, &y, 2.0)
            .iter()
            .map(|s| (0..s.len()).max_by(|&a, &b| s[a].total_cmp(&s[b])).unwrap())
            .collect();
        assert_eq!(peaks.len(), 1 + 4000 / 160);
        assert!(
            peaks[2..peaks.len() - 2].iter().all(|&k| k == 32),
            "{peaks:?}"
        );
    }

    #[test]
    fn power_spectrum_equals_a_direct_dft() {
        let n = 16;
        let stft = Stft::new(n, n, n, false, PadMode::Constant);
        let y: Vec<f32> = (0..n).map(|i| ((i * 7 % 5) as f32 - 2.0) * 0.3).collect();
        let window = hann_window(n, n);
        let got = frames(&stft, &y, 2.0);
        assert_eq!(got.len(), 1);
        for (k, g) in got[0].iter().enumerate() {
            let (mut re, mut im) = (0.0f64, 0.0f64);
            for (i, (&v, w)) in y.iter().zip(&window).enumerate() {
                let a = -2.0 * std::f64::consts::PI * (k * i) as f64 / n as f64;
                re += v as f64 * w * a.cos();
                im += v as f64 * w * a.sin();
            }
            let want = re * re + im * im;
            assert!(
                (*g as f64 - want).abs() < 1e-5 * want.max(1.0),
                "bin {k}: {g} vs {want}"
            );
        }
    }

    #[test]
    fn reflect_padding_matches_numpy() {
        let stft = Stft::new(8, 8, 4, true, PadMode::Reflect);
        // np.pad([1, 2, 3], 4, mode='reflect'): the mirror repeats when the pad is longer.
        let y = [1.0, 2.0, 3.0];
        let padded: Vec<f32> = (-4..7).map(|j| stft.extended(&y, j)).collect();
        assert_eq!(
            padded,
            vec![1.0, 2.0, 3.0, 2.0, 1.0, 2.0, 3.0, 2.0, 1.0, 2.0, 3.0]
        );
    }
}
