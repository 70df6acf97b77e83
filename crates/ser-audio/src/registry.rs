//! The format readers and codecs [`crate::Decoder`] uses: symphonia's, and beside them the
//! ones this crate adds (Opus, GSM 6.10 in WAV and raw), the containers it shows them through a
//! header of their own (WAV with 64-bit sizes, AU, SPHERE, headerless audio), and Shorten, OKI
//! ADPCM (in WAV and Dialogic VOX) and G.722 (in WAV and headerless), decoded before them.

use std::io::{self, Cursor, Read};
use std::sync::LazyLock;

use symphonia::core::codecs::registry::CodecRegistry;
use symphonia::core::common::Tier;
use symphonia::core::errors::{unsupported_error, Error, Result};
use symphonia::core::formats::probe::{Hint, Probe, ProbeOptions};
use symphonia::core::formats::{FormatOptions, FormatReader};
use symphonia::core::io::{MediaSourceStream, ReadBytes, ReadOnlySource, SeekBuffered};
use symphonia::core::meta::MetadataOptions;

use crate::au::opens_au;
use crate::codec::Registered;
use crate::g722;
use crate::gsm::{holds_raw_frames, GsmDecoder, GsmReader};
use crate::header_view::{is_header_error, read_view, Replacement, ShownCodec};
use crate::headerless::{Headerless, RawCoding};
use crate::oki;
use crate::opus::OpusDecoder;
use crate::riff::fmt_beyond;
use crate::shorten::{self, opens_shorten, SHORTEN};
use crate::sphere::opens_sphere;
use crate::wav64::container as wav64_container;

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

/// What follows a codec's name in its [`refusal!`].
macro_rules! not_decoded {
    () => {
        " is not decoded; convert it to PCM WAV (ffmpeg -i IN -c:a pcm_s16le OUT.wav)"
    };
}
pub(crate) use not_decoded;

/// The refusal of a stream of `$codec` in `$container` that no reader or decoder here reads:
/// what it is, and how to make it readable (`wav: MP3 inside WAV (format tag 0x0055) is not
/// decoded; convert it …`). [`is_refusal`] tells one.
macro_rules! refusal {
    ($container:literal, $codec:literal) => {
        concat!($container, ": ", $codec, $crate::registry::not_decoded!())
    };
}
pub(crate) use refusal;

/// Whether a reader's error is a [`refusal!`], which holds wherever the stream comes from.
pub(crate) fn is_refusal(why: &str) -> bool {
    why.ends_with(not_decoded!())
}

/// Whether [`format_reader`]'s error holds from a pipe as from a file: a [`refusal!`], or what
/// is wrong with a header this crate reads in order ([`crate::header_view`]). Other readers
/// may have failed for want of seeking.
pub(crate) fn holds_from_a_pipe(e: &Error) -> bool {
    match e {
        Error::Unsupported(why) => is_refusal(why),
        Error::IoError(e) => is_header_error(e),
        _ => false,
    }
}

/// Bytes of a stream's start looked at before symphonia's probe: eight raw GSM frames (264),
/// and an Ogg page's header and segment table and its packet's first eight bytes (290).
const HEAD_LEN: u64 = 27 + 255 + 8;

/// Bytes looked at of a WAV file whose `fmt ` chunk comes after [`HEAD_LEN`] bytes (after a
/// `bext` or `JUNK` chunk), or of a stream that may be headerless: as many as symphonia's
/// readers' scores read at most (16 KiB), so that the `fmt ` chunk is among them wherever the
/// GSM reader's score finds it, and a container's marker wherever its reader's score does. A
/// stream can go back over them (32 KiB). Looking at as many of every stream cost
/// `predict_file` about 3 % on a FLAC file, of every WAV file about 2 % on a WAV file.
const WIDE_HEAD_LEN: u64 = 16 * 1024;

/// A stream's format reader, and the container it reads.
pub(crate) struct Opened<'s> {
    pub(crate) reader: Box<dyn FormatReader + 's>,
    /// The container's short name: the reader's, or that of a container shown to it through a
    /// header of its own (`rf64`, `w64`, `au`, `sphere`, `shn`, `vox`).
    pub(crate) container: &'static str,
    /// The codec, where the reader is shown the stream as another: decoded before it
    /// (`shorten`, `adpcm_oki`) or swapped into WAV's byte order (`pcm_s16be`).
    pub(crate) codec: Option<ShownCodec>,
}

/// The format reader of a stream: symphonia's WAV or AIFF reader behind a header made here for
/// the containers of [`header_reader`] or reading what Shorten decodes to (`.shn` files, and
/// SPHERE's) or for headerless audio (a stream that no container starts, read as its `name`
/// and what is `told` say, [`Headerless::of_stream`]), raw GSM frames, told by content before
/// the probe (they have no header to probe for; before headerless audio but A-law), or the
/// reader that symphonia's probe finds. What [`refusal_by_head`] tells is refused by name first.
pub(crate) fn format_reader<'s>(
    mut mss: MediaSourceStream<'s>,
    name: &str,
    told: Option<Headerless>,
) -> Result<Opened<'s>> {
    let headerless = Headerless::of_stream(name, told);
    let mut head = peek(&mut mss, HEAD_LEN)?;
    if headerless.is_some() || fmt_beyond(&head) {
        head = peek(&mut mss, WIDE_HEAD_LEN)?;
    }
    if let Some(why) = refusal_by_head(&head, headerless.is_some()) {
        return unsupported_error(why);
    }
    let headerless = headerless.filter(|_| !opens_a_container(&head));
    let (mss, shown_as, codec) = match (header_reader(&head), headerless) {
        (Some((container, open)), _) => {
            let (source, codec) = open(mss)?;
            let mss = MediaSourceStream::new(source, Default::default());
            (mss, Some(container), codec)
        }
        (None, _) if opens_shorten(&head) => {
            let decoded = ReadOnlySource::new(shorten::decoded(mss, None)?);
            let mss = MediaSourceStream::new(Box::new(decoded), Default::default());
            (mss, Some("shn"), Some(ShownCodec::Decoded(SHORTEN)))
        }
        // Raw GSM is told by its frames' signature first, but for A-law, whose silence (0xD5)
        // has it.
        (None, Some(raw)) if raw.coding() == RawCoding::ALaw || !holds_raw_frames(&head) => {
            let (source, container, codec) = raw.open(mss)?;
            let mss = MediaSourceStream::new(source, Default::default());
            (mss, Some(container), codec)
        }
        (None, _) if holds_raw_frames(&head) => {
            let reader = Box::new(GsmReader::raw(mss));
            let container = reader.format_info().short_name;
            return Ok(Opened {
                reader,
                container,
                codec: None,
            });
        }
        // (Headerless audio was read by one of the two arms before.)
        (None, _) => (mss, None, None),
    };
    let reader = probe().probe(
        &Hint::new(),
        mss,
        FormatOptions::default(),
        MetadataOptions::default(),
    )?;
    let container = shown_as.unwrap_or(reader.format_info().short_name);
    Ok(Opened {
        reader,
        container,
        codec,
    })
}

/// Reads a container's header up to its data and gives the source to read in its place: the
/// data behind a header of ours ([`crate::header_view::HeaderView`]), or what they decode to.
type HeaderReader<'s> = fn(MediaSourceStream<'s>) -> io::Result<Replacement<'s>>;

/// The container a stream starting with `head` is, and the reader of its header, where it is
/// one that symphonia does not read but one of its readers decodes: RF64, BW64 and Wave64, AU,
/// SPHERE; and WAV of OKI ADPCM or G.722, decoded on their way to symphonia's WAV reader.
fn header_reader<'s>(head: &[u8]) -> Option<(&'static str, HeaderReader<'s>)> {
    if let Some(container) = wav64_container(head) {
        Some((container, |s| read_view(s, crate::wav64::read)))
    } else if opens_au(head) {
        Some(("au", crate::au::open))
    } else if opens_sphere(head) {
        Some(("sphere", crate::sphere::open))
    } else if oki::wav::holds_oki(head) {
        Some(("wave", oki::wav::open))
    } else if g722::wav::holds_g722(head) {
        Some(("wave", g722::wav::open))
    } else {
        None
    }
}

/// symphonia's format readers, with the GSM 6.10 WAV reader asked first: it claims only the
/// WAV files symphonia's own reader refuses.
fn probe() -> &'static Probe {
    static PROBE: LazyLock<Probe> = LazyLock::new(|| readers(ProbeOptions::default()));
    &PROBE
}

/// [`probe`]'s readers, looking for their markers within `options.max_probe_depth` bytes.
fn readers(options: ProbeOptions) -> Probe {
    let mut probe = Probe::new_with_options(&options);
    probe.register_format_at_tier::<GsmReader>(Tier::Preferred);
    symphonia::default::register_enabled_formats(&mut probe);
    probe
}

/// Bytes at a stream's start in which a container's marker makes it that container: MP4's
/// `ftyp` comes after four.
const MARKER_DEPTH: u32 = 8;

/// Whether a stream taken for headerless audio and starting with `head` is a container after
/// all (a WAV or MP3 file named `.vox`), which one of symphonia's readers recognises within its
/// first [`MARKER_DEPTH`] bytes (after any ID3v2 tag), or a MagicaVoxel model (`VOX `), which
/// is not audio.
fn opens_a_container(head: &[u8]) -> bool {
    static AT_START: LazyLock<Probe> = LazyLock::new(|| {
        readers(ProbeOptions {
            max_probe_depth: MARKER_DEPTH,
            ..ProbeOptions::default()
        })
    });
    if head.starts_with(b"VOX ") {
        return true;
    }
    let head = MediaSourceStream::new(Box::new(Cursor::new(head)), Default::default());
    let found = AT_START.probe(
        &Hint::new(),
        head,
        FormatOptions::default(),
        MetadataOptions::default(),
    );
    // Any other error is a reader's, which recognised its marker but not what the head holds
    // after it.
    !matches!(found, Err(Error::Unsupported(why)) if why.starts_with("core (probe)"))
}

/// The first `len` bytes of a stream (fewer if it is shorter); the stream stays where it was.
fn peek(mss: &mut MediaSourceStream<'_>, len: u64) -> std::io::Result<Vec<u8>> {
    let start = mss.pos();
    let mut head = Vec::with_capacity(len as usize);
    mss.by_ref().take(len).read_to_end(&mut head)?;
    mss.seek_buffered(start);
    Ok(head)
}

/// Formats nothing here reads, told by the bytes that open them, so that they are refused by
/// name with the way to convert them: old Windows voice recordings (WMA), phones' voice memos
/// (AMR), lossless archives (WavPack, Monkey's Audio, TTA), Creative's VOC, and a film
/// soundtrack's DTS by its frames' sync word, stored in 16-bit words big- or little-endian or in
/// 14 bits of each (symphonia's MPEG audio reader took DTS for MP3 and called it corrupt; the
/// others were "not a supported audio file").
const REFUSED_BY_MARKER: [(&[u8], &str); 11] = [
    (
        b"\x30\x26\xB2\x75\x8E\x66\xCF\x11",
        refusal!("asf", "Windows Media Audio (WMA, in ASF)"),
    ),
    (b"#!AMR\n", refusal!("amr", "AMR-NB (a phone's voice memo)")),
    (
        b"#!AMR-WB\n",
        refusal!("amr", "AMR-WB (a phone's voice memo)"),
    ),
    (b"wvpk", refusal!("wv", "WavPack")),
    (b"MAC ", refusal!("ape", "Monkey's Audio")),
    (b"TTA1", refusal!("tta", "True Audio (TTA)")),
    (
        b"Creative Voice File\x1a",
        refusal!("voc", "Creative Voice (VOC)"),
    ),
    (b"\x7F\xFE\x80\x01", DTS),
    (b"\xFE\x7F\x01\x80", DTS),
    (b"\x1F\xFF\xE8\x00", DTS),
    (b"\xFF\x1F\x00\xE8", DTS),
];

/// The refusal of DTS.
const DTS: &str = refusal!("dts", "DTS (a film soundtrack's surround codec)");

/// The refusal of a stream starting with `head` that symphonia's readers would read to its end
/// for nothing and then say only that the file ended: Speex in Ogg, and MPEG-1 Layer II at a
/// bitrate its standard does not allow for its channels ([`crate::layer2`]); or that they
/// would call corrupt or not audio ([`REFUSED_BY_MARKER`]), but where the stream is `headerless`
/// audio, whose samples may start as those markers do.
fn refusal_by_head(head: &[u8], headerless: bool) -> Option<&'static str> {
    if opens_ogg_speex(head) {
        return Some(refusal!("ogg", "Speex"));
    }
    let marked = REFUSED_BY_MARKER
        .iter()
        .find(|(marker, _)| !headerless && head.starts_with(marker));
    marked
        .map(|&(_, why)| why)
        .or_else(|| crate::layer2::refusal(head))
}

/// Whether a stream starting with `head` is Ogg whose first packet opens a Speex stream
/// (`"Speex   "`, after the first page's 27-byte header and its segment table).
fn opens_ogg_speex(head: &[u8]) -> bool {
    let packet = head.get(26).map(|&segments| 27 + usize::from(segments));
    head.starts_with(b"OggS") && packet.and_then(|p| head.get(p..p + 8)) == Some(b"Speex   ")
}
