//! The Slaney-style mel filterbank of `librosa.filters.mel(htk=False, norm='slaney')`.
//!
//! Computed in f64 in the same order of operations as librosa and rounded to f32 where librosa
//! stores f32, so the weights agree to the last bit or two.

/// Frames projected together by [`MelFilterbank::apply_block`] (one f32x8 lane group).
pub const BLOCK: usize = 8;

const F_SP: f64 = 200.0 / 3.0;
const MIN_LOG_HZ: f64 = 1000.0;
const MIN_LOG_MEL: f64 = MIN_LOG_HZ / F_SP;

fn log_step() -> f64 {
    6.4f64.ln() / 27.0
}

/// Hz → mel on the Slaney scale (linear below 1 kHz, logarithmic above).
pub fn hz_to_mel(hz: f64) -> f64 {
    if hz >= MIN_LOG_HZ {
        MIN_LOG_MEL + (hz / MIN_LOG_HZ).ln() / log_step()
    } else {
        hz / F_SP
    }
}

/// Mel → Hz on the Slaney scale.
pub fn mel_to_hz(mel: f64) -> f64 {
    if mel >= MIN_LOG_MEL {
        MIN_LOG_HZ * (log_step() * (mel - MIN_LOG_MEL)).exp()
    } else {
        F_SP * mel
    }
}

/// `np.linspace(a, b, n)`, bit-exact.
fn linspace(a: f64, b: f64, n: usize) -> Vec<f64> {
    if n == 1 {
        return vec![a];
    }
    let step = (b - a) / (n - 1) as f64;
    let mut v: Vec<f64> = (0..n).map(|i| i as f64 * step + a).collect();
    v[n - 1] = b;
    v
}

/// The dense filterbank, `n_mels` rows of `1 + n_fft / 2` weights, as librosa returns it.
pub fn mel_filterbank(
    sample_rate: u32,
    n_fft: usize,
    n_mels: usize,
    fmin: f32,
    fmax: f32,
) -> Vec<Vec<f32>> {
    let n_freq = 1 + n_fft / 2;
    // np.fft.rfftfreq(n_fft, 1 / sr)
    let val = 1.0 / (n_fft as f64 * (1.0 / sample_rate as f64));
    let fft_freqs: Vec<f64> = (0..n_freq).map(|k| k as f64 * val).collect();
    let mel_f: Vec<f64> = linspace(hz_to_mel(fmin as f64), hz_to_mel(fmax as f64), n_mels + 2)
        .into_iter()
        .map(mel_to_hz)
        .collect();
    (0..n_mels)
        .map(|i| {
            let (lo_diff, hi_diff) = (mel_f[i + 1] - mel_f[i], mel_f[i + 2] - mel_f[i + 1]);
            let enorm = 2.0 / (mel_f[i + 2] - mel_f[i]);
            fft_freqs
                .iter()
                .map(|&f| {
                    let lower = -(mel_f[i] - f) / lo_diff;
                    let upper = (mel_f[i + 2] - f) / hi_diff;
                    let w = lower.min(upper).max(0.0) as f32;
                    (w as f64 * enorm) as f32
                })
                .collect()
        })
        .collect()
}

/// The filterbank stored sparsely: each band keeps only its non-zero run of FFT bins, so
/// projecting a spectrum costs about two multiply-adds per bin instead of `n_mels`.
#[derive(Debug, Clone)]
pub struct MelFilterbank {
    bands: Vec<(usize, Vec<f32>)>,
    n_freq: usize,
}

impl MelFilterbank {
    /// Builds the filterbank for the given parameters.
    pub fn new(sample_rate: u32, n_fft: usize, n_mels: usize, fmin: f32, fmax: f32) -> Self {
        let dense = mel_filterbank(sample_rate, n_fft, n_mels, fmin, fmax);
        let bands = dense
            .into_iter()
            .map(|row| {
                let first = row.iter().position(|&w| w != 0.0).unwrap_or(0);
                let last = row.iter().rposition(|&w| w != 0.0).map_or(0, |l| l + 1);
                (first, row[first..last.max(first)].to_vec())
            })
            .collect();
        Self {
            bands,
            n_freq: 1 + n_fft / 2,
        }
    }

    /// Number of mel bands.
    pub fn n_mels(&self) -> usize {
        self.bands.len()
    }

    /// Projects a block of up to `BLOCK` spectra onto the bands.
    ///
    /// `block` holds the spectra bin-major (`block[bin * BLOCK + frame]`), so that each weight
    /// multiplies `BLOCK` frames at once in one SIMD lane group. Frame `j < n_valid` of the
    /// block is written to `out[band][first_frame + j]`, where `out` is `(n_mels, frames)`
    /// row-major with `n_frames` columns.
    #[inline(always)] // compiled into Extractor's AVX2 variant
    pub fn apply_block(
        &self,
        block: &[f32],
        n_valid: usize,
        first_frame: usize,
        out: &mut [f32],
        n_frames: usize,
    ) {
        debug_assert_eq!(block.len(), self.n_freq * BLOCK);
        for (band, (start, weights)) in self.bands.iter().enumerate() {
            // BLOCK independent sums: the compiler keeps them in one SIMD register.
            let mut acc = [0.0f32; BLOCK];
            let bins = block[start * BLOCK..(start + weights.len()) * BLOCK].chunks_exact(BLOCK);
            for (&w, frames) in weights.iter().zip(bins) {
                for (a, &f) in acc.iter_mut().zip(frames) {
                    *a += w * f;
                }
            }
            let row = band * n_frames + first_frame;
            out[row..row + n_valid].copy_from_slice(&acc[..n_valid]);
        }
    }

    /// Bands that have no non-zero weight (librosa warns about these).
    pub fn empty_bands(&self) -> usize {
        self.bands.iter().filter(|(_, w)| w.is_empty()).count()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mel_scale_round_trips_and_is_linear_below_1khz() {
        for hz in [0.0, 200.0, 999.0, 1000.0, 4000.0, 8000.0] {
            assert!((mel_to_hz(hz_to_mel(hz)) - hz).abs() < 1e-9);
        }
        assert!((hz_to_mel(600.0) - 9.0).abs() < 1e-12);
        assert!((hz_to_mel(1000.0) - 15.0).abs() < 1e-12);
    }

    #[test]
    fn sparse_projection_equals_dense_product() {
        let dense = mel_filterbank(16_000, 512, 64, 0.0, 8000.0);
        let sparse = MelFilterbank::new(16_000, 512, 64, 0.0, 8000.0);
        assert_eq!(sparse.empty_bands(), 0);
        // Three frames of spectra, bin-major as apply_block expects; written at frame 2 of 6.
        let spectrum = |k: usize, j: usize| ((k * 7919 + j * 31) % 101) as f32;
        let mut block = vec![0.0; 257 * BLOCK];
        for k in 0..257 {
            for j in 0..3 {
                block[k * BLOCK + j] = spectrum(k, j);
            }
        }
        let mut out = vec![-1.0; 64 * 6];
        sparse.apply_block(&block, 3, 2, &mut out, 6);
        for (band, row) in dense.iter().enumerate() {
            for j in 0..3 {
                let d: f32 = row
                    .iter()
                    .enumerate()
                    .map(|(k, w)| w * spectrum(k, j))
                    .sum();
                let o = out[band * 6 + 2 + j];
                assert!(
                    (d - o).abs() <= 1e-4 * d.abs().max(1.0),
                    "band {band}: {d} vs {o}"
                );
            }
            assert_eq!(out[band * 6 + 5], -1.0, "frames past n_valid are untouched");
        }
    }
}
