//! What the decoders this crate adds to symphonia (Opus, GSM 6.10) have in common: each turns a
//! packet into planar `f32` samples, and [`Registered`] makes any of them a symphonia
//! [`AudioDecoder`] that [`crate::registry::codecs`] can hold, with the output buffer and the
//! trait's bookkeeping written once.

use symphonia::core::audio::{AsGenericAudioBufferRef, AudioBuffer, GenericAudioBufferRef};
use symphonia::core::codecs::audio::{
    AudioCodecParameters, AudioDecoder, AudioDecoderOptions, FinalizeResult,
};
use symphonia::core::codecs::registry::{RegisterableAudioDecoder, SupportedAudioCodec};
use symphonia::core::codecs::CodecInfo;
use symphonia::core::errors::Result;
use symphonia::core::packet::PacketRef;

/// A decoder of one codec, from packets to planar samples.
pub(crate) trait PacketDecoder: Send + Sync + Sized + 'static {
    /// The codecs it decodes, as the registry lists them.
    const CODECS: &'static [SupportedAudioCodec];

    /// A decoder for a stream the container describes by `params`, and the buffer its packets
    /// are decoded into (its spec and its capacity in frames).
    fn try_new(params: &AudioCodecParameters) -> Result<(Self, AudioBuffer<f32>)>;

    /// Decodes `packet` into `buf`, which is empty on entry (grow it if it is too small).
    fn decode(&mut self, packet: &PacketRef<'_>, buf: &mut AudioBuffer<f32>) -> Result<()>;

    /// Forgets the stream so far, as after a seek.
    fn reset(&mut self);
}

/// A [`PacketDecoder`] as symphonia's registry and [`crate::Decoder`] use it.
pub(crate) struct Registered<D> {
    decoder: D,
    params: AudioCodecParameters,
    buf: AudioBuffer<f32>,
}

impl<D: PacketDecoder> AudioDecoder for Registered<D> {
    fn reset(&mut self) {
        self.decoder.reset();
    }

    fn codec_info(&self) -> &CodecInfo {
        let this = D::CODECS.iter().find(|c| c.id == self.params.codec);
        &this.unwrap_or(&D::CODECS[0]).info
    }

    fn codec_params(&self) -> &AudioCodecParameters {
        &self.params
    }

    fn decode_ref(&mut self, packet: &PacketRef<'_>) -> Result<GenericAudioBufferRef<'_>> {
        self.buf.clear();
        if let Err(e) = self.decoder.decode(packet, &mut self.buf) {
            self.buf.clear();
            return Err(e);
        }
        Ok(self.buf.as_generic_audio_buffer_ref())
    }

    fn finalize(&mut self) -> FinalizeResult {
        FinalizeResult::default()
    }

    fn last_decoded(&self) -> GenericAudioBufferRef<'_> {
        self.buf.as_generic_audio_buffer_ref()
    }
}

impl<D: PacketDecoder> RegisterableAudioDecoder for Registered<D> {
    fn try_registry_new(
        params: &AudioCodecParameters,
        _opts: &AudioDecoderOptions,
    ) -> Result<Box<dyn AudioDecoder>> {
        let (decoder, buf) = D::try_new(params)?;
        Ok(Box::new(Self {
            decoder,
            params: params.clone(),
            buf,
        }))
    }

    fn supported_codecs() -> &'static [SupportedAudioCodec] {
        D::CODECS
    }
}
