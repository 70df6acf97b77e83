//! The feature pipeline with everything precomputed for one parameter set.

use ndarray::{Array2, ArrayView2};

use crate::db::power_to_db;
use crate::mel::{MelFilterbank, BLOCK};
use crate::mfcc::Dct;
use crate::params::{FeatureParams, ParamsError};
use crate::stft::Stft;

/// Turns samples into log-mel spectrograms (and MFCCs) for one [`FeatureParams`].
/// Build it once and share it (it is `Send + Sync`); building computes the window, FFT plan and
/// filterbank, which every call then reuses.
#[derive(Clone)]
pub struct Extractor {
    params: FeatureParams,
    stft: Stft,
    mel: MelFilterbank,
    dct: Dct,
}

impl Extractor {
    /// Validates the parameters and precomputes the window, FFT plan, filterbank and DCT.
    pub fn new(params: FeatureParams) -> Result<Self, ParamsError> {
        params.validate()?;
        let p = &params;
        let stft = Stft::new(p.n_fft, p.win_length, p.hop_length, p.center, p.pad_mode);
        let mel = MelFilterbank::new(p.sample_rate, p.n_fft, p.n_mels, p.fmin, p.fmax);
        let dct = Dct::new(p.n_mels);
        Ok(Self {
            params,
            stft,
            mel,
            dct,
        })
    }

    /// The parameters this extractor computes with.
    pub fn params(&self) -> &FeatureParams {
        &self.params
    }

    /// `librosa.feature.melspectrogram(y, ...)`: mel power, shape `(n_mels, frames)`.
    pub fn mel_power(&self, y: &[f32]) -> Array2<f32> {
        self.dispatch(y, false)
    }

    /// `librosa.power_to_db(melspectrogram(y), ref, amin, top_db)`, shape `(n_mels, frames)`.
    pub fn log_mel(&self, y: &[f32]) -> Array2<f32> {
        self.dispatch(y, true)
    }

    /// Runs [`Extractor::compute`] compiled for AVX2 + FMA when the CPU has them (the windowing,
    /// split step, mel projection and logarithm then take eight lanes per instruction instead
    /// of four: 20 % less time per log-mel, measured with `benches/log_mel.rs`), else compiled
    /// for the baseline of the target. Both give the same values up to float rounding.
    fn dispatch(&self, y: &[f32], db: bool) -> Array2<f32> {
        #[cfg(target_arch = "x86_64")]
        if std::arch::is_x86_feature_detected!("avx2") && std::arch::is_x86_feature_detected!("fma")
        {
            // SAFETY: the CPU has both features `compute_avx2` is compiled for.
            return unsafe { self.compute_avx2(y, db) };
        }
        self.compute(y, db)
    }

    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2,fma")]
    fn compute_avx2(&self, y: &[f32], db: bool) -> Array2<f32> {
        self.compute(y, db)
    }

    /// Mel power, in dB when `db`. Always inlined, and so are the kernels it calls, so that
    /// [`Extractor::compute_avx2`] compiles all of it for its features.
    #[inline(always)]
    fn compute(&self, y: &[f32], db: bool) -> Array2<f32> {
        let n_frames = self.params.n_frames(y.len());
        let mut out = vec![0.0f32; self.mel.n_mels() * n_frames];
        // Spectra come in bin-major blocks of BLOCK frames, so that the mel projection works
        // on BLOCK frames per SIMD operation and writes rows of the output.
        self.stft
            .power_blocks::<BLOCK>(y, self.params.power, |first, n_valid, block| {
                self.mel
                    .apply_block(block, n_valid, first, &mut out, n_frames);
            });
        if db {
            let p = &self.params;
            power_to_db(&mut out, p.db_ref, p.amin, p.top_db);
        }
        Array2::from_shape_vec((self.mel.n_mels(), n_frames), out).expect("sized above")
    }

    /// `librosa.feature.mfcc(S=log_mel, n_mfcc, dct_type=2, norm='ortho')`, shape
    /// `(n_mfcc, frames)` (at most `n_mels` coefficients).
    pub fn mfcc(&self, y: &[f32], n_mfcc: usize) -> Array2<f32> {
        self.mfcc_of(self.log_mel(y).view(), n_mfcc)
    }

    /// The MFCCs of a log-mel spectrogram this extractor computed, as [`Self::mfcc`]: for both
    /// from one clip without computing the log-mel twice.
    pub fn mfcc_of(&self, log_mel: ArrayView2<f32>, n_mfcc: usize) -> Array2<f32> {
        self.dct.apply(log_mel, n_mfcc)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn silence_gives_finite_features() {
        let e = Extractor::new(FeatureParams::default()).unwrap();
        let m = e.log_mel(&vec![0.0; 8000]);
        assert_eq!(m.dim(), (64, 51));
        assert!(m.iter().all(|v| v.is_finite()));
    }

    #[test]
    fn louder_band_has_more_energy() {
        let e = Extractor::new(FeatureParams::default()).unwrap();
        let y: Vec<f32> = (0..16_000)
            .map(|i| (2.0 * std::f32::consts::PI * 300.0 * i as f32 / 16_000.0).sin())
            .collect();
        let m = e.log_mel(&y);
        let frame = m.column(50);
        let top = (0..64)
            .max_by(|&a, &b| frame[a].total_cmp(&frame[b]))
            .unwrap();
        // 300 Hz lies in the linear part of the mel scale: band ≈ 300 / (8000-range spacing).
        let centre_hz =
            crate::mel::mel_to_hz(crate::mel::hz_to_mel(8000.0) * (top as f64 + 1.0) / 65.0);
        assert!(
            (centre_hz - 300.0).abs() < 50.0,
            "band {top} centred at {centre_hz}"
        );
        assert!(
            frame[top].abs() < 1e-4,
            "the loudest bin is the 0 dB reference"
        );
    }
}
