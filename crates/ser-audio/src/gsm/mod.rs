//! GSM 06.10 full-rate speech, as Windows, Asterisk and many call recorders store calls:
//! 13 kbit/s at 8 kHz in 20 ms frames, in WAV files (format tag 0x0031, "WAV49": two frames in
//! each 65-byte block) or raw (`.gsm`: 33-byte frames, no header). symphonia neither reads
//! these files nor decodes GSM, and no maintained Rust crate does, so this module does both:
//! [`GsmReader`] claims the WAV files symphonia's WAV reader would refuse (`wav`) and reads
//! raw frames (`raw`), and [`GsmDecoder`] runs the standard's decoder (`synthesis`), whose
//! output is defined to the bit: `tests/formats.rs` checks it against libsndfile's.

mod decoder;
mod frame;
mod raw;
mod reader;
mod synthesis;
mod wav;

use symphonia::core::codecs::audio::AudioCodecId;
use symphonia::core::common::FourCc;

pub(crate) use decoder::GsmDecoder;
use frame::Packing;
pub(crate) use raw::holds_raw_frames;
pub(crate) use reader::GsmReader;

impl Packing {
    /// The codec that stands for frames packed this way in a track's parameters.
    const fn codec(self) -> AudioCodecId {
        AudioCodecId::new(FourCc::new(match self {
            Packing::Standard => *b"gsm ",
            Packing::Wav49 => *b"gsmw",
        }))
    }
}
