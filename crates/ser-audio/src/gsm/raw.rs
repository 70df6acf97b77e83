//! Raw GSM 6.10 files (`.gsm`, Asterisk's and SoX's format): 33-byte frames one after another
//! at 8 kHz, with no header. They are told by content, as every other format: each frame opens
//! with the same four bits ([`holds_raw_frames`]), looked at before symphonia probes, whose
//! probe can only match a stream by the bytes it starts with.

use std::io::Read;

use symphonia::core::common::FourCc;
use symphonia::core::formats::{FormatId, FormatInfo};
use symphonia::core::io::{MediaSourceStream, ReadBytes, SeekBuffered};

use super::frame::{looks_like_frames, Packing, FRAMES_LOOKED_AT};
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

/// Whether the stream holds raw GSM frames: its first frames' signatures are read, and given
/// back (the stream is where it was).
pub(crate) fn holds_raw_frames(mss: &mut MediaSourceStream<'_>) -> std::io::Result<bool> {
    let start = mss.pos();
    let len = FRAMES_LOOKED_AT * Packing::Standard.unit_bytes();
    let mut head = Vec::with_capacity(len);
    mss.by_ref().take(len as u64).read_to_end(&mut head)?;
    mss.seek_buffered(start);
    Ok(looks_like_frames(&head))
}
