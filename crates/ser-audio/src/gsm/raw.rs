//! Raw GSM 6.10 files (`.gsm`, Asterisk's and SoX's format): 33-byte frames one after another
//! at 8 kHz, with no header. They are told by content, as every other format: each frame opens
//! with the same four bits ([`holds_raw_frames`]), looked at before symphonia probes, whose
//! probe can only match a stream by the bytes it starts with.

use symphonia::core::common::FourCc;
use symphonia::core::formats::{FormatId, FormatInfo};
use symphonia::core::io::MediaSourceStream;

use super::frame::{looks_like_frames, Packing};
use super::reader::{GsmReader, Layout};

const INFO: FormatInfo = FormatInfo {
    format: FormatId::new(FourCc::new(*b"gsmr")),
    short_name: "gsm",
    long_name: "Raw GSM 06.10 frames",
};

impl<'s> GsmReader<'s> {
    /// Reads raw frames from `mss`'s current position, which must be the file's start, to its
    /// end, at GSM full rate's one sample rate (8 kHz).
    pub(crate) fn raw(mss: MediaSourceStream<'s>) -> Self {
        let layout = Layout {
            format: &INFO,
            packing: Packing::Standard,
            sample_rate: 8_000,
            data_end: None,
            frames: None,
        };
        Self::new(mss, layout)
    }
}

/// Whether a stream starting with `head` (at least its first eight frames' bytes, 264) holds
/// raw GSM frames, by their signatures.
pub(crate) fn holds_raw_frames(head: &[u8]) -> bool {
    looks_like_frames(head)
}
