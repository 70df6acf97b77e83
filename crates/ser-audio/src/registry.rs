//! The format readers and codecs [`crate::Decoder`] uses: symphonia's, and beside them the
//! ones this crate adds (Opus, GSM 6.10 in WAV and raw).

use std::sync::LazyLock;

use symphonia::core::codecs::registry::CodecRegistry;
use symphonia::core::common::Tier;
use symphonia::core::errors::Result;
use symphonia::core::formats::probe::{Hint, Probe};
use symphonia::core::formats::{FormatOptions, FormatReader};
use symphonia::core::io::MediaSourceStream;
use symphonia::core::meta::MetadataOptions;

use crate::codec::Registered;
use crate::gsm::{holds_raw_frames, GsmDecoder, GsmReader};
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

/// The format reader of a stream: raw GSM frames, told by content before the probe (they have
/// no header to probe for), or the reader that symphonia's probe finds.
pub(crate) fn format_reader<'s>(
    mut mss: MediaSourceStream<'s>,
) -> Result<Box<dyn FormatReader + 's>> {
    if holds_raw_frames(&mut mss)? {
        return Ok(Box::new(GsmReader::raw(mss)));
    }
    probe().probe(
        &Hint::new(),
        mss,
        FormatOptions::default(),
        MetadataOptions::default(),
    )
}

/// symphonia's format readers, with the GSM 6.10 WAV reader asked first: it claims only the
/// WAV files symphonia's own reader refuses.
fn probe() -> &'static Probe {
    static PROBE: LazyLock<Probe> = LazyLock::new(|| {
        let mut probe = Probe::new();
        probe.register_format_at_tier::<GsmReader>(Tier::Preferred);
        symphonia::default::register_enabled_formats(&mut probe);
        probe
    });
    &PROBE
}
