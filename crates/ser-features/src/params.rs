//! The one parameter set that defines a spectrogram.

use serde::{Deserialize, Serialize};

/// How the signal is extended before the first and after the last frame when centering.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PadMode {
    /// Zeros (librosa ≥ 0.10's default).
    Constant,
    /// Mirror without repeating the edge sample (numpy's `reflect`).
    Reflect,
}

/// The reference that 0 dB means in [`crate::power_to_db`].
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DbReference {
    /// The loudest bin of the spectrogram (librosa's `ref=np.max`): features become
    /// independent of recording level.
    Max,
    /// A fixed power value (librosa's `ref=1.0` and similar).
    Fixed(f32),
}

/// Everything that defines a log-mel spectrogram. Serialises to JSON; a model stores the
/// parameters it was trained with.
///
/// Defaults are chosen for speech at 16 kHz: a 25 ms Hann window (400 samples, several pitch
/// periods even for low voices) zero-padded to a 512-point FFT, a 10 ms hop (the usual speech
/// frame rate, fine enough for syllable dynamics), and 64 Slaney mel bands from 0 to 8 kHz
/// (with 31.25 Hz FFT bins, 64 is the most bands that leave no filter empty; 128 would).
/// dB are relative to the loudest bin with an 80 dB floor, as librosa's defaults.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FeatureParams {
    /// Sample rate of the input in Hz.
    pub sample_rate: u32,
    /// FFT length in samples.
    pub n_fft: usize,
    /// Window length in samples (≤ `n_fft`; the window is centered in the FFT frame).
    pub win_length: usize,
    /// Hop between frames in samples.
    pub hop_length: usize,
    /// Number of mel bands.
    pub n_mels: usize,
    /// Lowest band edge in Hz.
    pub fmin: f32,
    /// Highest band edge in Hz (≤ sample_rate / 2).
    pub fmax: f32,
    /// Exponent of the magnitude: 2 for power, 1 for energy.
    pub power: f32,
    /// Center frames on their time stamps by padding `n_fft / 2` on both sides.
    pub center: bool,
    /// Padding used when centering.
    pub pad_mode: PadMode,
    /// The 0 dB reference.
    pub db_ref: DbReference,
    /// Floor applied to power before the logarithm.
    pub amin: f32,
    /// Dynamic range kept below the loudest bin, in dB; `None` keeps all.
    pub top_db: Option<f32>,
}

impl Default for FeatureParams {
    fn default() -> Self {
        Self {
            sample_rate: 16_000,
            n_fft: 512,
            win_length: 400,
            hop_length: 160,
            n_mels: 64,
            fmin: 0.0,
            fmax: 8_000.0,
            power: 2.0,
            center: true,
            pad_mode: PadMode::Constant,
            db_ref: DbReference::Max,
            amin: 1e-10,
            top_db: Some(80.0),
        }
    }
}

/// Parameters that cannot produce a spectrogram.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("invalid feature parameters: {0}")]
pub struct ParamsError(pub String);

impl FeatureParams {
    /// Checks that the parameters describe a computable spectrogram.
    pub fn validate(&self) -> Result<(), ParamsError> {
        let fail = |why: String| Err(ParamsError(why));
        if self.sample_rate == 0 {
            return fail("sample_rate must be > 0".into());
        }
        if self.n_fft < 2 || self.n_fft > 1 << 16 || !self.n_fft.is_multiple_of(2) {
            return fail(format!(
                "n_fft {} must be even and in 2..=65536",
                self.n_fft
            ));
        }
        if self.win_length == 0 || self.win_length > self.n_fft {
            return fail(format!("win_length {} outside 1..=n_fft", self.win_length));
        }
        if self.hop_length == 0 {
            return fail("hop_length must be > 0".into());
        }
        if self.n_mels == 0 || self.n_mels > 1024 {
            return fail(format!("n_mels {} outside 1..=1024", self.n_mels));
        }
        let nyquist = self.sample_rate as f32 / 2.0;
        if !(self.fmin >= 0.0 && self.fmin < self.fmax && self.fmax <= nyquist) {
            return fail(format!(
                "need 0 <= fmin < fmax <= {nyquist}, got fmin {} fmax {}",
                self.fmin, self.fmax
            ));
        }
        if !(self.power > 0.0 && self.power.is_finite()) {
            return fail(format!("power {} must be > 0", self.power));
        }
        if !(self.amin > 0.0 && self.amin.is_finite()) {
            return fail(format!("amin {} must be > 0", self.amin));
        }
        if let DbReference::Fixed(r) = self.db_ref {
            if !(r > 0.0 && r.is_finite()) {
                return fail(format!("fixed dB reference {r} must be > 0"));
            }
        }
        if let Some(t) = self.top_db {
            if !(t >= 0.0 && t.is_finite()) {
                return fail(format!("top_db {t} must be >= 0"));
            }
        }
        Ok(())
    }

    /// Number of frames produced for `n_samples` input samples (librosa's framing).
    pub fn n_frames(&self, n_samples: usize) -> usize {
        let len = if self.center {
            n_samples + 2 * (self.n_fft / 2)
        } else {
            n_samples
        };
        if len < self.n_fft {
            0
        } else {
            1 + (len - self.n_fft) / self.hop_length
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_round_trip() {
        let p = FeatureParams {
            db_ref: DbReference::Fixed(1.0),
            top_db: None,
            ..FeatureParams::default()
        };
        let json = serde_json::to_string(&p).unwrap();
        assert_eq!(serde_json::from_str::<FeatureParams>(&json).unwrap(), p);
    }

    #[test]
    fn rejects_impossible_parameters() {
        let p = FeatureParams {
            fmax: 9_000.0,
            ..FeatureParams::default()
        };
        assert!(p.validate().unwrap_err().0.contains("fmax"));
        let p = FeatureParams {
            win_length: 1024,
            ..FeatureParams::default()
        };
        assert!(p.validate().is_err());
        assert!(FeatureParams::default().validate().is_ok());
    }

    #[test]
    fn frame_count_follows_librosa() {
        let p = FeatureParams::default();
        assert_eq!(p.n_frames(16_000), 101);
        assert_eq!(p.n_frames(0), 1);
        let p = FeatureParams { center: false, ..p };
        assert_eq!(p.n_frames(511), 0);
        assert_eq!(p.n_frames(512 + 160 * 3), 4);
    }
}
