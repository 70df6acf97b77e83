//! The format readers and codecs [`crate::Decoder`] uses: symphonia's, and beside them the
//! ones this crate adds (Opus, GSM 6.10 in WAV and raw).

use std::io::Read;
use std::sync::LazyLock;

use symphonia::core::codecs::registry::CodecRegistry;
use symphonia::core::common::Tier;
use symphonia::core::errors::{Error, Result};
use symphonia::core::formats::probe::{Hint, Probe};
use symphonia::core::formats::{FormatOptions, FormatReader};
use symphonia::core::io::{MediaSourceStream, ReadBytes, SeekBuffered};
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
/// no header to probe for), or the reader that symphonia's probe finds. Speex in Ogg is refused
/// by name first: symphonia's Ogg reader reads such a file to its end for a stream it knows,
/// and then says only that the file ended.
pub(crate) fn format_reader<'s>(
    mut mss: MediaSourceStream<'s>,
) -> Result<Box<dyn FormatReader + 's>> {
    if holds_raw_frames(&mut mss)? {
        return Ok(Box::new(GsmReader::raw(mss)));
    }
    if opens_ogg_speex(&mut mss)? {
        return Err(Error::Unsupported(
            "ogg: Speex is not decoded; convert it to PCM WAV (ffmpeg -i IN -c:a pcm_s16le OUT.wav)",
        ));
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

/// Whether the stream is Ogg whose first packet opens a Speex stream (`"Speex   "`, after the
/// first page's 27-byte header and its segment table). Leaves the stream where it was.
fn opens_ogg_speex(mss: &mut MediaSourceStream<'_>) -> std::io::Result<bool> {
    let start = mss.pos();
    let mut head = Vec::with_capacity(27 + 255 + 8);
    mss.by_ref().take(27 + 255 + 8).read_to_end(&mut head)?;
    mss.seek_buffered(start);
    let packet = head.get(26).map(|&segments| 27 + usize::from(segments));
    Ok(head.starts_with(b"OggS") && packet.and_then(|p| head.get(p..p + 8)) == Some(b"Speex   "))
}
