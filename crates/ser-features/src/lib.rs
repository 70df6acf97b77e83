//! Log-mel features for `ser`, numerically matching librosa.
//!
//! [`FeatureParams`] says how a spectrogram is made (and travels with every model, so inference
//! never silently uses other settings); [`Extractor`] precomputes the window, FFT plan, Slaney mel
//! filterbank and DCT once per parameter set and then turns samples into
//! `power_to_db(melspectrogram(y))`, shape `(n_mels, frames)`, many times faster than librosa.
//!
//! ```
//! use ser_features::{Extractor, FeatureParams};
//! let extractor = Extractor::new(FeatureParams::default()).unwrap();
//! let one_second = vec![0.1f32; 16_000];
//! let log_mel = extractor.log_mel(&one_second);
//! assert_eq!(log_mel.dim(), (64, 101)); // 64 mels, 1 + 16000 / 160 centered frames
//! ```

mod db;
mod extractor;
mod mel;
mod mfcc;
mod normalize;
mod params;
mod pitch;
mod prosody;
mod stft;
mod window;

pub use db::power_to_db;
pub use extractor::Extractor;
pub use mel::{hz_to_mel, mel_filterbank, mel_to_hz, MelFilterbank};
pub use mfcc::Dct;
pub use normalize::{standardize, standardize_over_signal};
pub use params::{DbReference, FeatureParams, PadMode, ParamsError};
pub use pitch::{PitchFrame, PitchTracker};
pub use prosody::{Prosody, PROSODY_FEATURES, PROSODY_NAMES};
pub use stft::Stft;
pub use window::hann_window;
