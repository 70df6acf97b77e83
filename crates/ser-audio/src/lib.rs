//! Audio ingest for `ser`: from any common audio file to mono samples at the model's rate.
//!
//! The pipeline is `decode` (WAV, AIFF, CAF, FLAC, MP3, AAC and ALAC in MP4/M4A cut as its
//! edit list says, Vorbis in Ogg, WebM or Matroska via symphonia, Opus by `opus`, GSM 6.10 in
//! WAV by `gsm`; RF64 and Wave64, Sun AU and NIST SPHERE shown to symphonia as the WAV they
//! hold (big-endian samples swapped into its order), by `header_view`; Shorten, in `.shn` files
//! and SPHERE, by `shorten`; OKI ADPCM, in WAV and as headerless Dialogic VOX, by `oki`;
//! G.722, in WAV, AU and headerless, by `g722`; detected by content, but for headerless G.711,
//! 16-bit samples, VOX and G.722, which a name (`.ul`, `.sln16`, `.vox`, `.g722`), a media type
//! (`audio/basic`) or the user ([`Headerless`]) tells)
//! → mix down to mono (mean of channels) → remove mains hum ([`remove_hum`]) → remove its DC
//! offset ([`DcBlocker`]) → `resample` (band-limited, rubato's FFT resampler)
//! → optional `trim` of leading/trailing silence (librosa.effects.trim semantics) → optional
//! `fit` to a fixed duration, or [`cover`] with windows of one length. Everything streams
//! packet by packet, so memory follows what the caller keeps, never the size a header claims.
//! A [`Decoder`] reads a file, bytes in memory (an upload) or a forward-only stream (standard
//! input), and one channel alone where asked (one side of a call recorded in stereo);
//! [`Resampled`] reads it at the model's rate, with the mean of the other channels beside such
//! a channel.
//!
//! ```no_run
//! use ser_audio::{load, LoadOptions};
//! let opts = LoadOptions { duration_s: Some(3.0), ..LoadOptions::default() };
//! let audio = load("clip.flac", &opts)?;
//! assert_eq!(audio.samples.len(), 48_000); // 3 s at 16 kHz
//! # Ok::<(), ser_audio::AudioError>(())
//! ```

mod au;
mod codec;
mod dc;
mod decode;
mod decoded_wav;
mod error;
mod files;
mod fit;
mod g722;
mod gsm;
mod header_view;
mod headerless;
mod hum;
mod layer2;
mod load;
mod made_headers;
mod mono_stream;
mod mp4_edit;
mod oki;
mod opus;
mod registry;
mod resample;
mod resampled;
mod riff;
mod shorten;
mod silence;
mod sphere;
mod swapped;
mod trim;
mod wav64;
mod wav_out;
mod windows;

pub use dc::DcBlocker;
pub use decode::{
    probe_info, valid_sample, Decoder, ProbedInfo, SourceInfo, MAX_CHANNELS, MAX_SAMPLE_MAGNITUDE,
    MAX_SAMPLE_RATE, MIN_SAMPLE_RATE,
};
pub use error::{AudioError, ErrorKind, Result};
pub use files::{
    find_audio, find_audio_files, find_files, has_audio_extension, AUDIO_EXTENSIONS, RAW_EXTENSIONS,
};
pub use fit::fit_duration;
pub use headerless::{Headerless, RawCoding};
pub use hum::{remove_hum, Hum, HumStream};
pub use load::{
    load, load_beside_others, load_bytes, load_from, shape, Audio, LoadOptions, DEFAULT_SAMPLE_RATE,
};
pub use mono_stream::MonoStream;
pub use resample::{change_speed, resample, StreamResampler};
pub use resampled::Resampled;
pub use silence::{require_sound, SILENT_PEAK_DBFS};
pub use trim::{trim_silence, TrimParams};
pub use wav_out::pcm16_wav;
pub use windows::cover;
