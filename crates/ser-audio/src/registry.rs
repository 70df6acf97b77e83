//! The format readers and codecs [`crate::Decoder`] uses: symphonia's, and beside them the
//! ones this crate adds (Opus, GSM 6.10 in WAV).

use std::sync::LazyLock;

use symphonia::core::codecs::registry::CodecRegistry;
use symphonia::core::common::Tier;
use symphonia::core::formats::probe::Probe;

use crate::codec::Registered;
use crate::gsm::{GsmDecoder, GsmWavReader};
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
        probe.register_format_at_tier::<GsmWavReader>(Tier::Preferred);
        symphonia::default::register_enabled_formats(&mut probe);
        probe
    });
    &PROBE
}
