//! Raw GSM 6.10 files (`.gsm`, Asterisk's and SoX's format): 33-byte frames one after another
//! at 8 kHz, with no header. They are told by content, as every other format: each frame opens
//! with the same four bits ([`super::frame::looks_like_frames`]), which [`crate::Decoder`]
//! checks before symphonia probes.

use symphonia::core::common::FourCc;
use symphonia::core::formats::{FormatId, FormatInfo};
use symphonia::core::io::MediaSourceStream;

use super::frame::{FRAME_BYTES, FRAME_SAMPLES};
use super::reader::{GsmReader, Layout};
use super::CODEC_ID_GSM;

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
            codec: CODEC_ID_GSM,
            sample_rate: 8_000,
            unit_bytes: FRAME_BYTES,
            unit_samples: FRAME_SAMPLES,
            data_end: None,
            frames: None,
        };
        Self::new(mss, layout)
    }
}
