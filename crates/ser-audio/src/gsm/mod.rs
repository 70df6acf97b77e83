//! GSM 06.10 full-rate speech in WAV files (format tag 0x0031, "WAV49"), as Windows, Asterisk
//! and many call recorders write it: 13 kbit/s at 8 kHz, two 20 ms frames in each 65-byte
//! block. symphonia neither reads such WAV files nor decodes GSM, and no maintained Rust crate
//! does, so this module does both: [`GsmWavReader`] claims the files symphonia's WAV reader
//! would refuse, and [`GsmDecoder`] runs the standard's decoder (`synthesis`), whose output
//! is defined to the bit: `tests/formats.rs` checks it against libsndfile's.

mod decoder;
mod frame;
mod synthesis;
mod wav;

use symphonia::core::codecs::audio::AudioCodecId;
use symphonia::core::common::FourCc;

pub(crate) use decoder::GsmDecoder;
pub(crate) use wav::GsmWavReader;

/// The codec of GSM 6.10 frames packed two to a 65-byte block.
pub(crate) const CODEC_ID_GSM_WAV49: AudioCodecId = AudioCodecId::new(FourCc::new(*b"gsmw"));
