//! GSM 6.10 as a symphonia audio decoder: WAV49 blocks in, 16-bit samples out as `f32`.

use symphonia::core::audio::{AudioBuffer, AudioMut, AudioSpec, Channels, Position};
use symphonia::core::codecs::audio::AudioCodecParameters;
use symphonia::core::codecs::registry::SupportedAudioCodec;
use symphonia::core::codecs::CodecInfo;
use symphonia::core::errors::{decode_error, Result};
use symphonia::core::packet::PacketRef;

use super::frame::{unpack_wav49, BLOCK_BYTES, BLOCK_SAMPLES};
use super::synthesis::Synthesizer;
use super::CODEC_ID_GSM_WAV49;
use crate::codec::PacketDecoder;

/// Decodes the blocks of a GSM 6.10 WAV file, in order: each frame continues the last.
#[derive(Default)]
pub(crate) struct GsmDecoder {
    synthesizer: Synthesizer,
}

impl PacketDecoder for GsmDecoder {
    const CODECS: &'static [SupportedAudioCodec] = &[SupportedAudioCodec {
        id: CODEC_ID_GSM_WAV49,
        info: CodecInfo {
            short_name: "gsm_ms",
            long_name: "GSM 06.10 full rate, Microsoft WAV49 packing",
            profiles: &[],
        },
    }];

    fn try_new(params: &AudioCodecParameters) -> Result<(Self, AudioBuffer<f32>)> {
        let rate = params.sample_rate.unwrap_or(8_000);
        let spec = AudioSpec::new(rate, Channels::Positioned(Position::FRONT_CENTER));
        let frames = params.max_frames_per_packet.unwrap_or(BLOCK_SAMPLES as u64);
        Ok((Self::default(), AudioBuffer::new(spec, frames as usize)))
    }

    /// Decodes whole blocks, keeping the frames before the packet's end trim.
    fn decode(&mut self, packet: &PacketRef<'_>, buf: &mut AudioBuffer<f32>) -> Result<()> {
        if !packet.data.len().is_multiple_of(BLOCK_BYTES) {
            return decode_error("gsm: a packet of other than whole 65-byte blocks");
        }
        let decoded = packet.data.len() / BLOCK_BYTES * BLOCK_SAMPLES;
        if decoded > buf.capacity() {
            buf.grow_capacity(decoded);
        }
        let keep = decoded.saturating_sub(packet.trim_end.get() as usize);
        buf.render_uninit(Some(keep));
        let plane = buf.plane_mut(0).expect("one channel");
        let mut at = 0;
        for block in packet.data.chunks_exact(BLOCK_BYTES) {
            let block = block.try_into().expect("chunks of BLOCK_BYTES");
            for frame in unpack_wav49(block) {
                for s in self.synthesizer.decode(&frame) {
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
