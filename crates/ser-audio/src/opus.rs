//! Opus, the codec of browser recordings (WebM, Ogg), voice messages (`.opus`, `.oga`) and
//! most VoIP: symphonia demuxes it from Ogg and Matroska but has no decoder, so this module
//! plugs the pure-Rust `opus-rs` decoder into symphonia's codec registry
//! ([`crate::registry::codecs`]).
//!
//! Checked against libopus (`experiments/2026-12-05-opus`): RAVDESS clips encoded by libopus at
//! 12 and 24 kbit/s (SILK) and 64 kbit/s (CELT) decode to within 43 dB SNR of libopus's own
//! output at worst (median 64 dB), sample-aligned; `tests/formats.rs` checks a voice message.

use symphonia::core::audio::{AudioBuffer, AudioMut, AudioSpec};
use symphonia::core::codecs::audio::well_known::CODEC_ID_OPUS;
use symphonia::core::codecs::audio::AudioCodecParameters;
use symphonia::core::codecs::registry::SupportedAudioCodec;
use symphonia::core::codecs::CodecInfo;
use symphonia::core::errors::{decode_error, unsupported_error, Result};
use symphonia::core::packet::PacketRef;

use crate::codec::PacketDecoder;

/// The longest Opus packet: 120 ms, in frames at 48 kHz.
const MAX_PACKET_FRAMES_48K: usize = 5_760;

/// Output rates an Opus decoder can render at.
const OPUS_RATES: [u32; 5] = [8_000, 12_000, 16_000, 24_000, 48_000];

/// What the Opus identification header ("OpusHead", RFC 7845 §5.1) says about decoding.
#[derive(Debug, Clone, Copy, PartialEq)]
struct OpusHead {
    /// Frames at 48 kHz the encoder put before the audio, to be dropped.
    pre_skip: u32,
    /// Linear gain to apply to the output.
    gain: f32,
}

impl OpusHead {
    /// Reads the header that Ogg and Matroska carry as the track's extra data; `None` when it
    /// is missing or malformed.
    fn parse(extra: &[u8]) -> Option<Self> {
        if extra.len() < 19 || &extra[..8] != b"OpusHead" {
            return None;
        }
        let pre_skip = u16::from_le_bytes([extra[10], extra[11]]);
        let gain_db = f32::from(i16::from_le_bytes([extra[16], extra[17]])) / 256.0;
        Some(Self {
            pre_skip: u32::from(pre_skip),
            gain: 10f32.powf(gain_db / 20.0),
        })
    }
}

/// An Opus stream of one or two channels (channel mapping family 0), decoded to `f32` at the
/// rate the container declares (48 kHz unless it says one of the other Opus rates).
pub(crate) struct OpusDecoder {
    decoder: opus_rs::OpusDecoder,
    /// The header's output gain, linear.
    gain: f32,
    rate: u32,
    channels: usize,
    /// Frames still to drop from the start (the header's pre-skip, at the output rate).
    to_skip: usize,
    interleaved: Vec<f32>,
}

fn new_decoder(rate: u32, channels: usize) -> Result<opus_rs::OpusDecoder> {
    match opus_rs::OpusDecoder::new(rate as i32, channels) {
        Ok(decoder) => Ok(decoder),
        Err(why) => unsupported_error(why),
    }
}

impl PacketDecoder for OpusDecoder {
    const CODECS: &'static [SupportedAudioCodec] = &[SupportedAudioCodec {
        id: CODEC_ID_OPUS,
        info: CodecInfo {
            short_name: "opus",
            long_name: "Opus",
            profiles: &[],
        },
    }];

    fn try_new(params: &AudioCodecParameters) -> Result<(Self, AudioBuffer<f32>)> {
        let Some(channels) = params.channels.clone() else {
            return unsupported_error("opus: the stream declares no channels");
        };
        let count = channels.count();
        if !(1..=2).contains(&count) {
            return unsupported_error("opus: only mono and stereo streams are supported");
        }
        let rate = params.sample_rate.unwrap_or(48_000);
        if !OPUS_RATES.contains(&rate) {
            return unsupported_error("opus: the stream declares a rate Opus cannot render");
        }
        let head = match params.extra_data.as_deref() {
            Some(extra) => match OpusHead::parse(extra) {
                Some(head) => head,
                None => return decode_error("opus: malformed identification header"),
            },
            None => OpusHead {
                pre_skip: 0,
                gain: 1.0,
            },
        };
        let max_frames = MAX_PACKET_FRAMES_48K * rate as usize / 48_000;
        let decoder = Self {
            decoder: new_decoder(rate, count)?,
            gain: head.gain,
            rate,
            channels: count,
            to_skip: head.pre_skip as usize * rate as usize / 48_000,
            interleaved: vec![0.0; max_frames * count],
        };
        Ok((
            decoder,
            AudioBuffer::new(AudioSpec::new(rate, channels), max_frames),
        ))
    }

    fn decode(&mut self, packet: &PacketRef<'_>, buf: &mut AudioBuffer<f32>) -> Result<()> {
        let max_frames = self.interleaved.len() / self.channels;
        let frames = match self
            .decoder
            .decode(packet.data, max_frames, &mut self.interleaved)
        {
            Ok(frames) => frames.min(max_frames),
            Err(why) => return decode_error(why),
        };
        let skip = self.to_skip.min(frames);
        self.to_skip -= skip;
        let end = frames
            .saturating_sub(packet.trim_end.get() as usize)
            .max(skip);
        buf.render_uninit(Some(end - skip));
        let (channels, gain) = (self.channels, self.gain);
        for ch in 0..channels {
            let plane = buf.plane_mut(ch).expect("one plane per channel");
            let samples = self.interleaved[skip * channels..end * channels]
                .iter()
                .skip(ch)
                .step_by(channels);
            for (out, &x) in plane.iter_mut().zip(samples) {
                *out = x * gain;
            }
        }
        Ok(())
    }

    fn reset(&mut self) {
        if let Ok(decoder) = new_decoder(self.rate, self.channels) {
            self.decoder = decoder;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn head(pre_skip: u16, gain_q8: i16) -> Vec<u8> {
        let mut h = b"OpusHead".to_vec();
        h.extend([1, 2]); // version, channels
        h.extend(pre_skip.to_le_bytes());
        h.extend(48_000u32.to_le_bytes());
        h.extend(gain_q8.to_le_bytes());
        h.push(0); // channel mapping family
        h
    }

    #[test]
    fn the_identification_header_gives_pre_skip_and_gain() {
        let parsed = OpusHead::parse(&head(312, 6 * 256)).unwrap();
        assert_eq!(parsed.pre_skip, 312);
        assert!((parsed.gain - 1.995).abs() < 1e-3, "{}", parsed.gain);
        assert_eq!(OpusHead::parse(&head(0, 0)).unwrap().gain, 1.0);
        assert_eq!(OpusHead::parse(b"OpusTags and more bytes"), None);
        assert_eq!(OpusHead::parse(&head(312, 0)[..18]), None);
    }
}
