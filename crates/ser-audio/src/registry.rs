//! The format readers and codecs [`crate::Decoder`] uses: symphonia's, and beside them the
//! ones this crate adds (Opus, GSM 6.10 in WAV and raw).

use std::io::Read;
use std::sync::LazyLock;

use symphonia::core::codecs::registry::CodecRegistry;
use symphonia::core::common::Tier;
use symphonia::core::formats::probe::Probe;
use symphonia::core::io::{MediaSourceStream, ReadBytes, SeekBuffered};

use crate::codec::Registered;
use crate::gsm::{looks_like_frames, GsmDecoder, GsmReader, FRAMES_LOOKED_AT, FRAME_BYTES};
use crate::opus::OpusDecoder;

/// symphonia's codecs plus Opus and GSM 6.10.
pub(crate) fn codecs() -> &'static CodecRegistry {
    static CODECS: LazyLock<CodecRegistry> = LazyLock::new(|| {
        let mut registry = CodecRegistry::new();
        symphonia::default::register_enabled_codecs(&mut registry);
        registry.register_audio_decoder::<Registered<OpusDecoder>>();
        registry.register_audio_decoder::<Registered<GsmDecoder>>();
        registry
    });
    &CODECS
}

/// symphonia's format readers, with the GSM 6.10 WAV reader asked first: it claims only the
/// WAV files symphonia's own reader refuses.
pub(crate) fn probe() -> &'static Probe {
    static PROBE: LazyLock<Probe> = LazyLock::new(|| {
        let mut probe = Probe::new();
        probe.register_format_at_tier::<GsmReader>(Tier::Preferred);
        symphonia::default::register_enabled_formats(&mut probe);
        probe
    });
    &PROBE
}

/// Whether the stream holds raw GSM frames, which have no header for symphonia's probe to
/// recognise: told by the first eight frames' signatures, read and then given back (the
/// stream is where it was).
pub(crate) fn raw_gsm(mss: &mut MediaSourceStream<'_>) -> std::io::Result<bool> {
    let start = mss.pos();
    let len = FRAMES_LOOKED_AT * FRAME_BYTES;
    let mut head = Vec::with_capacity(len);
    mss.by_ref().take(len as u64).read_to_end(&mut head)?;
    mss.seek_buffered(start);
    Ok(looks_like_frames(&head))
}
