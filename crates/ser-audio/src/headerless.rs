//! Headerless audio: samples or codes from the first byte to the last, as telephone systems
//! store calls (Asterisk's and SoX's `.ul`, `.al` and `.sln` files of G.711 or 16-bit samples,
//! Dialogic's `.vox` files of OKI ADPCM, Asterisk's `.g722` files of HD-voice calls) and as
//! telephony APIs send them (`audio/basic`, `audio/PCMU`, `audio/L16;rate=16000`). Nothing in
//! such bytes tells their coding or rate: a file's name ([`Headerless::named`]), a request's
//! media type ([`Headerless::of_media_type`]) or the user (`ser predict --raw vox:6000`,
//! [`Headerless::from_str`]) does, and a stream is read so only where no container's marker
//! opens it (a WAV file named `.ul` is a WAV file).
//!
//! ```
//! use ser_audio::{Headerless, RawCoding};
//! let told: Headerless = "vox:6000".parse()?;
//! assert_eq!((told.coding(), told.rate(), told.channels()), (RawCoding::Vox, 6_000, 1));
//! assert_eq!(Headerless::named("calls/0412.sln16").map(|h| h.rate()), Some(16_000));
//! # Ok::<(), String>(())
//! ```

use std::fmt;
use std::io;
use std::path::Path;
use std::str::FromStr;
use std::sync::LazyLock;

use symphonia::core::io::{MediaSource, MediaSourceStream, ReadBytes};

use crate::decode::{Decoder, MAX_CHANNELS, MAX_SAMPLE_RATE, MIN_SAMPLE_RATE};
use crate::files::lowercase_extension;
use crate::g722::{self, G722_RATE};
use crate::header_view::{view, ShownCodec, Stored};
use crate::made_headers::WavCoding;
use crate::oki;
use crate::swapped::BigEndian;

/// How headerless bytes code their samples.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RawCoding {
    /// G.711 µ-law, a byte a sample (`ulaw`).
    MuLaw,
    /// G.711 A-law, a byte a sample (`alaw`).
    ALaw,
    /// 16-bit signed integers, little-endian (`s16le`; Asterisk's "signed linear").
    S16Le,
    /// 16-bit signed integers, big-endian (`s16be`; RTP's and `audio/L16`'s order).
    S16Be,
    /// OKI (Dialogic) ADPCM, 4 bits a sample, one channel (`vox`).
    Vox,
    /// G.722 at 64 kbit/s, a byte for each two samples at 16 kHz, one channel (`g722`).
    G722,
}

impl RawCoding {
    /// Every coding, by the name [`Headerless::from_str`] takes.
    const NAMED: [(&'static str, RawCoding); 6] = [
        ("ulaw", Self::MuLaw),
        ("alaw", Self::ALaw),
        ("s16le", Self::S16Le),
        ("s16be", Self::S16Be),
        ("vox", Self::Vox),
        ("g722", Self::G722),
    ];

    /// The sample each byte of G.711 (`MuLaw`, `ALaw`) stands for, as ser decodes G.711
    /// (symphonia's decoder, asked once for all 256 bytes): for G.711 that comes without a
    /// stream to decode (a live call's packets); `None` for the other codings.
    pub fn g711_samples(self) -> Option<&'static [f32; 256]> {
        static MU_LAW: LazyLock<[f32; 256]> = LazyLock::new(|| every_byte(RawCoding::MuLaw));
        static A_LAW: LazyLock<[f32; 256]> = LazyLock::new(|| every_byte(RawCoding::ALaw));
        match self {
            Self::MuLaw => Some(&MU_LAW),
            Self::ALaw => Some(&A_LAW),
            _ => None,
        }
    }

    /// The rate a coding is read at where nothing says another: G.722's own, else telephone
    /// audio's.
    fn usual_rate(self) -> u32 {
        match self {
            Self::G722 => G722_RATE,
            _ => TELEPHONE_RATE,
        }
    }

    fn name(self) -> &'static str {
        Self::NAMED
            .iter()
            .find(|(_, c)| *c == self)
            .map(|(n, _)| *n)
            .expect("every coding is named")
    }
}

/// A headerless stream's coding, sample rate and channels (interleaved), as checked by
/// [`Headerless::new`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Headerless {
    coding: RawCoding,
    rate: u32,
    channels: u16,
}

/// The rate of telephone audio, and the one headerless audio is read at where nothing says
/// another: G.711's, and SoX's for VOX.
pub(crate) const TELEPHONE_RATE: u32 = 8_000;

/// File extensions that tell headerless audio, as Asterisk (which records calls in them) and
/// SoX name them: G.711 at 8 kHz, Asterisk's signed linear at the rate its name gives,
/// Dialogic VOX at 8 kHz and G.722 (at its 16 kHz).
const EXTENSIONS: [(&str, RawCoding, u32); 17] = [
    ("ul", RawCoding::MuLaw, TELEPHONE_RATE),
    ("ulaw", RawCoding::MuLaw, TELEPHONE_RATE),
    ("ulw", RawCoding::MuLaw, TELEPHONE_RATE),
    ("al", RawCoding::ALaw, TELEPHONE_RATE),
    ("alaw", RawCoding::ALaw, TELEPHONE_RATE),
    ("alw", RawCoding::ALaw, TELEPHONE_RATE),
    ("sln", RawCoding::S16Le, TELEPHONE_RATE),
    ("sln12", RawCoding::S16Le, 12_000),
    ("sln16", RawCoding::S16Le, 16_000),
    ("sln24", RawCoding::S16Le, 24_000),
    ("sln32", RawCoding::S16Le, 32_000),
    ("sln44", RawCoding::S16Le, 44_100),
    ("sln48", RawCoding::S16Le, 48_000),
    ("sln96", RawCoding::S16Le, 96_000),
    ("sln192", RawCoding::S16Le, 192_000),
    ("vox", RawCoding::Vox, TELEPHONE_RATE),
    ("g722", RawCoding::G722, G722_RATE),
];

impl Headerless {
    /// Checks what was told: a rate within what is decoded, channels within what is, one
    /// channel of VOX and G.722, and G.722 at its own rate.
    pub fn new(coding: RawCoding, rate: u32, channels: u16) -> Result<Self, String> {
        if !(MIN_SAMPLE_RATE..=MAX_SAMPLE_RATE).contains(&rate) {
            return Err(format!(
                "rate {rate} Hz is outside {MIN_SAMPLE_RATE}..={MAX_SAMPLE_RATE} Hz"
            ));
        }
        if !(1..=MAX_CHANNELS).contains(&usize::from(channels)) {
            return Err(format!(
                "{channels} channels (1..={MAX_CHANNELS} supported)"
            ));
        }
        if coding == RawCoding::Vox && channels != 1 {
            return Err("VOX holds one channel".into());
        }
        if coding == RawCoding::G722 && (rate, channels) != (G722_RATE, 1) {
            return Err(format!(
                "G.722 holds one channel at {G722_RATE} Hz (its codes come 8000 a second, each \
                 two samples)"
            ));
        }
        Ok(Self {
            coding,
            rate,
            channels,
        })
    }

    /// What a file or stream named `name` holds if no container opens it, by its extension
    /// (`.ul`, `.al`, `.sln16`, `.vox`…, in any case); `None` for other names.
    pub fn named(name: &str) -> Option<Self> {
        Self::of_extension(&lowercase_extension(Path::new(name))?)
    }

    /// What a lower-case file `extension` tells, [`Self::named`].
    fn of_extension(extension: &str) -> Option<Self> {
        EXTENSIONS
            .iter()
            .find(|(e, ..)| *e == extension)
            .map(|&(_, coding, rate)| Self {
                coding,
                rate,
                channels: 1,
            })
    }

    /// How the samples are coded.
    pub fn coding(&self) -> RawCoding {
        self.coding
    }

    /// The sample rate in Hz.
    pub fn rate(&self) -> u32 {
        self.rate
    }

    /// The channels, interleaved.
    pub fn channels(&self) -> u16 {
        self.channels
    }

    /// How a stream named `name` is read if no container opens it, where `told` says how
    /// headerless streams are read (`--raw`): a name that tells a format wins, as it is the
    /// stream's own (a `.ul` file among `.vox` files is µ-law whatever VOX is told to be; a
    /// `.gsm` file is raw GSM, told by its frames), but `told` gives the rate and channels of
    /// a named coding that it also names (`vox:6000` for `.vox` files recorded at 6 kHz), and
    /// says what streams whose names tell nothing are (`call.raw`, a pipe, an upload).
    pub(crate) fn of_stream(name: &str, told: Option<Self>) -> Option<Self> {
        let extension = lowercase_extension(Path::new(name));
        let extension = extension.as_deref();
        match (extension.and_then(Self::of_extension), told) {
            (Some(named), Some(told)) if named.coding != told.coding => Some(named),
            (Some(named), None) => Some(named),
            (_, told) if extension != Some("gsm") => told,
            _ => None,
        }
    }

    /// What a body of the media type `media_type` (a `Content-Type` header's value) holds:
    /// `Some` for the types of headerless telephone audio, `audio/basic` (µ-law at 8 kHz, RFC
    /// 2046), `audio/PCMU` and `audio/PCMA` (G.711, RFC 4856; also `audio/x-mulaw`,
    /// `audio/x-alaw`), `audio/L16` (big-endian 16-bit samples, RFC 2586), `audio/G722` (RFC
    /// 4856; its `rate=8000`, RTP's clock, stands for its 16 kHz), with their `rate`
    /// and `channels` parameters; an error where those are wrong (L16 must give its rate);
    /// `None` for other types, whose bodies are told by their content.
    pub fn of_media_type(media_type: &str) -> Option<Result<Self, String>> {
        let mut parts = media_type.split(';');
        let essence = parts.next()?.trim().to_ascii_lowercase();
        let (coding, default_rate) = match essence.as_str() {
            "audio/basic" | "audio/pcmu" | "audio/x-mulaw" | "audio/mulaw" => {
                (RawCoding::MuLaw, Some(TELEPHONE_RATE))
            }
            "audio/pcma" | "audio/x-alaw" | "audio/alaw" => (RawCoding::ALaw, Some(TELEPHONE_RATE)),
            "audio/l16" => (RawCoding::S16Be, None),
            "audio/g722" => (RawCoding::G722, Some(G722_RATE)),
            _ => return None,
        };
        let told = Self::with_parameters(coding, default_rate, parts);
        Some(told.map_err(|why| format!("{media_type}: {why}")))
    }

    /// `coding` at the `rate` (`default_rate` where not given) and `channels` (1) that a media
    /// type's `parameters` (`rate=16000`) say.
    fn with_parameters<'a>(
        coding: RawCoding,
        default_rate: Option<u32>,
        parameters: impl Iterator<Item = &'a str>,
    ) -> Result<Self, String> {
        let (mut rate, mut channels) = (default_rate, 1);
        for parameter in parameters {
            let (key, value) = parameter.split_once('=').unwrap_or((parameter, ""));
            let value = value.trim().trim_matches('"');
            let number = |what| format!("{what} {value:?} is not a number");
            match key.trim().to_ascii_lowercase().as_str() {
                "rate" => rate = Some(value.parse().map_err(|_| number("rate"))?),
                "channels" => channels = value.parse().map_err(|_| number("channels"))?,
                _ => {}
            }
        }
        let rate = rate.ok_or("audio/L16 must say its rate (e.g. audio/L16;rate=16000)")?;
        // RTP gives G.722 the clock rate of 8000, for 16 kHz samples (RFC 3551, 4.5.2).
        let rate = match (coding, rate) {
            (RawCoding::G722, 8_000) => G722_RATE,
            _ => rate,
        };
        Self::new(coding, rate, channels)
    }

    /// The stream from `mss`'s position (a stream's start) to its end, read as this says: the
    /// source to read in its place (shown as WAV, or decoded), the container's short name
    /// (`raw`, `vox`) and the codec where it is not the one WAV would name.
    pub(crate) fn open<'s>(
        self,
        mss: MediaSourceStream<'s>,
    ) -> io::Result<(Box<dyn MediaSource + 's>, &'static str, Option<ShownCodec>)> {
        let start = mss.pos();
        let len = mss.byte_len().map(|end| end.saturating_sub(start));
        let stored = match self.coding {
            RawCoding::Vox => {
                let (decoded, codec) = oki::decoded(mss, self.rate, len);
                return Ok((decoded, "vox", codec));
            }
            RawCoding::G722 => {
                let (decoded, codec) = g722::decoded(mss, len);
                return Ok((decoded, "g722", codec));
            }
            RawCoding::MuLaw => Stored::AsWav(WavCoding::MuLaw, 8),
            RawCoding::ALaw => Stored::AsWav(WavCoding::ALaw, 8),
            RawCoding::S16Le => Stored::AsWav(WavCoding::Pcm, 16),
            RawCoding::S16Be => Stored::BigEndian(BigEndian::new(false, 16).expect("a width")),
        };
        let (source, codec) = view(mss, stored.shown(self.channels, self.rate, start, len));
        Ok((source, "raw", codec))
    }
}

/// The samples that the 256 bytes of a one-byte `coding` decode to, in byte order.
fn every_byte(coding: RawCoding) -> [f32; 256] {
    let told = Headerless::new(coding, TELEPHONE_RATE, 1).expect("one channel at 8 kHz");
    let bytes: Vec<u8> = (0..=255).collect();
    let mut decoder = Decoder::from_bytes_as("every byte", bytes, Some(told)).expect("read");
    let mut samples = Vec::with_capacity(256);
    while let Some(chunk) = decoder.next_mono().expect("decoded") {
        samples.extend_from_slice(chunk);
    }
    samples.try_into().expect("a sample a byte")
}

impl FromStr for Headerless {
    type Err = String;

    /// `CODING[:RATE[:CHANNELS]]`, e.g. `ulaw`, `vox:6000`, `s16le:16000:2`: the coding by the
    /// name [`RawCoding`]'s variants give, the rate in Hz (8000 if not given; G.722's own 16000
    /// for `g722`), the channels (1).
    fn from_str(told: &str) -> Result<Self, String> {
        let mut fields = told.split(':');
        let name = fields.next().unwrap_or_default();
        let coding = RawCoding::NAMED
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|&(_, c)| c)
            .ok_or_else(|| {
                let names: Vec<_> = RawCoding::NAMED.iter().map(|(n, _)| *n).collect();
                format!(
                    "{name:?} is no coding of headerless audio ({})",
                    names.join(", ")
                )
            })?;
        let mut number = |what, default| match fields.next() {
            None => Ok(default),
            Some(n) => n
                .parse()
                .map_err(|_| format!("{what} {n:?} in {told:?} is not a number")),
        };
        let rate = number("rate", coding.usual_rate())?;
        let channels = u16::try_from(number("channels", 1)?)
            .map_err(|_| format!("channels in {told:?}: too many"))?;
        if fields.next().is_some() {
            return Err(format!("{told:?}: expected CODING[:RATE[:CHANNELS]]"));
        }
        Self::new(coding, rate, channels)
    }
}

impl fmt::Display for Headerless {
    /// As [`Headerless::from_str`] reads it: `vox:6000:1`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.coding.name(), self.rate, self.channels)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn told(coding: RawCoding, rate: u32, channels: u16) -> Headerless {
        Headerless::new(coding, rate, channels).unwrap()
    }

    #[test]
    fn names_tell_the_coding_and_rate_as_asterisk_and_sox_write_them() {
        let named = |name| Headerless::named(name).map(|h| (h.coding, h.rate));
        assert_eq!(named("calls/0412.ul"), Some((RawCoding::MuLaw, 8_000)));
        assert_eq!(
            named("C:\\calls\\0412.ALAW"),
            Some((RawCoding::ALaw, 8_000))
        );
        assert_eq!(named("in.sln"), Some((RawCoding::S16Le, 8_000)));
        assert_eq!(named("in.sln44"), Some((RawCoding::S16Le, 44_100)));
        assert_eq!(named("0412.vox"), Some((RawCoding::Vox, 8_000)));
        assert_eq!(named("0412.G722"), Some((RawCoding::G722, 16_000)));
        for other in [
            "calls/0412.wav",
            "vox",
            "standard input",
            "a.raw",
            "a.pcm",
            "a.sln17",
        ] {
            assert_eq!(named(other), None, "{other}");
        }
    }

    #[test]
    fn directory_walks_pick_up_every_extension_that_tells_headerless_audio() {
        for (extension, ..) in EXTENSIONS {
            assert!(crate::AUDIO_EXTENSIONS.contains(&extension), "{extension}");
        }
    }

    #[test]
    fn a_name_that_tells_a_format_wins_over_what_is_told_of_another_coding() {
        let vox_6k = told(RawCoding::Vox, 6_000, 1);
        let of = |name| Headerless::of_stream(name, Some(vox_6k));
        assert_eq!(of("a.vox"), Some(vox_6k));
        assert_eq!(of("a.ul"), Headerless::named("a.ul"));
        assert_eq!(of("a.GSM"), None);
        assert_eq!(of("call.raw"), Some(vox_6k));
        assert_eq!(of("standard input"), Some(vox_6k));
        assert_eq!(
            Headerless::of_stream("a.al", None),
            Headerless::named("a.al")
        );
        assert_eq!(Headerless::of_stream("a.raw", None), None);
    }

    #[test]
    fn g711_bytes_stand_for_the_values_of_the_standard() {
        // ITU-T G.711's decoded values (of 13-bit A-law and 14-bit µ-law, at 16 bits): µ-law's
        // two zeros and its loudest codes, A-law's smallest and loudest steps.
        let (mu, a) = (
            RawCoding::MuLaw.g711_samples().unwrap(),
            RawCoding::ALaw.g711_samples().unwrap(),
        );
        let at_16_bits = |x: f32| (x * 32768.0).round() as i32;
        let values = |table: &[f32; 256], bytes: &[u8]| -> Vec<i32> {
            bytes
                .iter()
                .map(|&b| at_16_bits(table[usize::from(b)]))
                .collect()
        };
        assert_eq!(values(mu, &[0xff, 0x7f, 0x80, 0x00]), [0, 0, 32124, -32124]);
        assert_eq!(values(a, &[0xd5, 0x55, 0xaa, 0x2a]), [8, -8, 32256, -32256]);
        assert_eq!(RawCoding::S16Le.g711_samples(), None);
    }

    #[test]
    fn what_a_user_tells_is_read_back_and_checked() {
        let parse = |s: &str| s.parse::<Headerless>();
        assert_eq!(parse("ulaw"), Ok(told(RawCoding::MuLaw, 8_000, 1)));
        assert_eq!(parse("VOX:6000"), Ok(told(RawCoding::Vox, 6_000, 1)));
        assert_eq!(parse("g722"), Ok(told(RawCoding::G722, 16_000, 1)));
        assert_eq!(
            parse("s16le:16000:2"),
            Ok(told(RawCoding::S16Le, 16_000, 2))
        );
        let told = told(RawCoding::S16Be, 22_050, 2);
        assert_eq!(parse(&told.to_string()), Ok(told));
        for (bad, why) in [
            ("mp3", "no coding"),
            ("ulaw:fast", "not a number"),
            ("ulaw:500", "outside"),
            ("alaw:8000:0", "0 channels"),
            ("vox:8000:2", "one channel"),
            ("g722:8000", "one channel at 16000 Hz"),
            ("g722:16000:2", "one channel at 16000 Hz"),
            ("s16le:8000:1:1", "expected CODING"),
            ("s16le:8000:70000", "too many"),
        ] {
            let err = parse(bad).unwrap_err();
            assert!(err.contains(why), "{bad}: {err}");
        }
    }

    #[test]
    fn media_types_of_telephone_audio_tell_it_and_others_do_not() {
        let of = |t| Headerless::of_media_type(t);
        assert_eq!(
            of("audio/basic"),
            Some(Ok(told(RawCoding::MuLaw, 8_000, 1)))
        );
        assert_eq!(of("audio/PCMA"), Some(Ok(told(RawCoding::ALaw, 8_000, 1))));
        assert_eq!(
            of("audio/x-mulaw; rate=16000; channels=2"),
            Some(Ok(told(RawCoding::MuLaw, 16_000, 2)))
        );
        assert_eq!(
            of("audio/L16;rate=\"44100\""),
            Some(Ok(told(RawCoding::S16Be, 44_100, 1)))
        );
        let g722 = Some(Ok(told(RawCoding::G722, 16_000, 1)));
        assert_eq!(of("audio/G722"), g722);
        assert_eq!(of("audio/G722; rate=8000"), g722);
        assert!(of("audio/G722; channels=2").unwrap().is_err());
        assert!(of("audio/L16")
            .unwrap()
            .unwrap_err()
            .contains("must say its rate"));
        assert!(of("audio/pcmu;rate=x")
            .unwrap()
            .unwrap_err()
            .contains("not a number"));
        for other in ["audio/wav", "audio/mpeg", "application/octet-stream", ""] {
            assert_eq!(of(other), None, "{other}");
        }
    }
}
