//! GSM 6.10 as a symphonia audio decoder: frames in either packing (WAV49 blocks of two, or
//! the standard's 33 bytes each) in, 16-bit samples out as `f32`.

use symphonia::core::audio::{AudioBuffer, AudioMut, AudioSpec, Channels, Position};
use symphonia::core::codecs::audio::AudioCodecParameters;
use symphonia::core::codecs::registry::SupportedAudioCodec;
use symphonia::core::codecs::CodecInfo;
use symphonia::core::errors::{decode_error, Result};
use symphonia::core::packet::PacketRef;

use super::frame::{unpack_standard, unpack_wav49, Frame, FRAME_BYTES, FRAME_SAMPLES};
use super::frame::{BLOCK_BYTES, BLOCK_SAMPLES};
use super::synthesis::Synthesizer;
use super::{CODEC_ID_GSM, CODEC_ID_GSM_WAV49};
use crate::codec::PacketDecoder;

/// Decodes the frames of a GSM 6.10 stream, in order: each frame continues the last.
pub(crate) struct GsmDecoder {
    synthesizer: Synthesizer,
    /// Whether frames come two to a 65-byte WAV49 block, or one to 33 bytes.
    wav49: bool,
}

impl GsmDecoder {
    /// Bytes and samples of the packing's unit: a WAV49 block, or one standard frame.
    fn unit(&self) -> (usize, usize) {
        if self.wav49 {
            (BLOCK_BYTES, BLOCK_SAMPLES)
        } else {
            (FRAME_BYTES, FRAME_SAMPLES)
        }
    }

    /// The frames of one unit; `None` for a standard frame without its signature.
    fn frames(&self, unit: &[u8]) -> Option<Vec<Frame>> {
        if self.wav49 {
            Some(unpack_wav49(unit.try_into().ok()?).to_vec())
        } else {
            Some(vec![unpack_standard(unit.try_into().ok()?)?])
        }
    }
}

impl PacketDecoder for GsmDecoder {
    const CODECS: &'static [SupportedAudioCodec] = &[
        SupportedAudioCodec {
            id: CODEC_ID_GSM_WAV49,
            info: CodecInfo {
                short_name: "gsm_ms",
                long_name: "GSM 06.10 full rate, Microsoft WAV49 packing",
                profiles: &[],
            },
        },
        SupportedAudioCodec {
            id: CODEC_ID_GSM,
            info: CodecInfo {
                short_name: "gsm",
                long_name: "GSM 06.10 full rate",
                profiles: &[],
            },
        },
    ];

    fn try_new(params: &AudioCodecParameters) -> Result<(Self, AudioBuffer<f32>)> {
        let rate = params.sample_rate.unwrap_or(8_000);
        let spec = AudioSpec::new(rate, Channels::Positioned(Position::FRONT_CENTER));
        let frames = params.max_frames_per_packet.unwrap_or(BLOCK_SAMPLES as u64);
        let decoder = Self {
            synthesizer: Synthesizer::default(),
            wav49: params.codec == CODEC_ID_GSM_WAV49,
        };
        Ok((decoder, AudioBuffer::new(spec, frames as usize)))
    }

    /// Decodes whole blocks or frames, keeping the samples before the packet's end trim. A
    /// packet with a standard frame whose signature is missing is corrupt as a whole.
    fn decode(&mut self, packet: &PacketRef<'_>, buf: &mut AudioBuffer<f32>) -> Result<()> {
        let (unit_bytes, unit_samples) = self.unit();
        if !packet.data.len().is_multiple_of(unit_bytes) {
            return decode_error("gsm: a packet of other than whole frames");
        }
        let Some(frames) = packet
            .data
            .chunks_exact(unit_bytes)
            .map(|unit| self.frames(unit))
            .collect::<Option<Vec<Vec<Frame>>>>()
        else {
            return decode_error("gsm: a frame without the GSM signature");
        };
        let decoded = packet.data.len() / unit_bytes * unit_samples;
        if decoded > buf.capacity() {
            buf.grow_capacity(decoded);
        }
        let keep = decoded.saturating_sub(packet.trim_end.get() as usize);
        buf.render_uninit(Some(keep));
        let plane = buf.plane_mut(0).expect("one channel");
        let mut at = 0;
        for unit in &frames {
            for frame in unit {
                for s in self.synthesizer.decode(frame) {
                    if at < keep {
                        plane[at] = f32::from(s) / 32_768.0;
                    }
                    at += 1;
                }
            }
        }
        Ok(())
    }

    fn reset(&mut self) {
        self.synthesizer = Synthesizer::default();
    }
}
