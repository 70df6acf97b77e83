//! GSM 6.10 as a symphonia audio decoder: frames in either packing (WAV49 blocks of two, or
//! the standard's 33 bytes each) in, 16-bit samples out as `f32`.

use symphonia::core::audio::{AudioBuffer, AudioMut, AudioSpec, Channels, Position};
use symphonia::core::codecs::audio::AudioCodecParameters;
use symphonia::core::codecs::registry::SupportedAudioCodec;
use symphonia::core::codecs::CodecInfo;
use symphonia::core::errors::{decode_error, Result};
use symphonia::core::packet::PacketRef;

use super::frame::{Frame, Packing};
use super::synthesis::Synthesizer;
use crate::codec::PacketDecoder;

/// Decodes the frames of a GSM 6.10 stream, in order: each frame continues the last.
pub(crate) struct GsmDecoder {
    synthesizer: Synthesizer,
    packing: Packing,
    /// A packet's frames, unpacked before any is synthesized.
    frames: Vec<Frame>,
}

impl PacketDecoder for GsmDecoder {
    const CODECS: &'static [SupportedAudioCodec] = &[
        SupportedAudioCodec {
            id: Packing::Wav49.codec(),
            info: CodecInfo {
                short_name: "gsm_ms",
                long_name: "GSM 06.10 full rate, Microsoft WAV49 packing",
                profiles: &[],
            },
        },
        SupportedAudioCodec {
            id: Packing::Standard.codec(),
            info: CodecInfo {
                short_name: "gsm",
                long_name: "GSM 06.10 full rate",
                profiles: &[],
            },
        },
    ];

    fn try_new(params: &AudioCodecParameters) -> Result<(Self, AudioBuffer<f32>)> {
        let packing = if params.codec == Packing::Wav49.codec() {
            Packing::Wav49
        } else {
            Packing::Standard
        };
        let rate = params.sample_rate.unwrap_or(8_000);
        let spec = AudioSpec::new(rate, Channels::Positioned(Position::FRONT_CENTER));
        let frames = params
            .max_frames_per_packet
            .unwrap_or(packing.unit_samples() as u64);
        let decoder = Self {
            synthesizer: Synthesizer::default(),
            packing,
            frames: Vec::new(),
        };
        Ok((decoder, AudioBuffer::new(spec, frames as usize)))
    }

    /// Decodes whole units, keeping the samples before the packet's end trim. A packet with a
    /// standard frame whose signature is missing is corrupt as a whole, and leaves the
    /// decoder's state as it was.
    fn decode(&mut self, packet: &PacketRef<'_>, buf: &mut AudioBuffer<f32>) -> Result<()> {
        let unit_bytes = self.packing.unit_bytes();
        if !packet.data.len().is_multiple_of(unit_bytes) {
            return decode_error("gsm: a packet of other than whole frames");
        }
        self.frames.clear();
        for unit in packet.data.chunks_exact(unit_bytes) {
            if !self.packing.unpack(unit, &mut self.frames) {
                return decode_error("gsm: a frame without the GSM signature");
            }
        }
        let decoded = packet.data.len() / unit_bytes * self.packing.unit_samples();
        if decoded > buf.capacity() {
            buf.grow_capacity(decoded);
        }
        let keep = decoded.saturating_sub(packet.trim_end.get() as usize);
        buf.render_uninit(Some(keep));
        let plane = buf.plane_mut(0).expect("one channel");
        let samples = self.frames.iter().flat_map(|f| self.synthesizer.decode(f));
        for (out, s) in plane.iter_mut().zip(samples) {
            *out = f32::from(s) / 32_768.0;
        }
        Ok(())
    }

    fn reset(&mut self) {
        self.synthesizer = Synthesizer::default();
    }
}
