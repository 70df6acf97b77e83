//! One error type for everything that can go wrong between a file and its samples.

use std::fmt;

/// Why a source could not be turned into samples.
#[derive(Debug)]
pub enum ErrorKind {
    /// The file could not be opened or read at all.
    Io(std::io::Error),
    /// The source holds zero bytes.
    Empty,
    /// No supported container was recognised in the bytes (not audio, or an unsupported format).
    NotAudio,
    /// The container was recognised but its audio codec is not supported.
    UnsupportedCodec(String),
    /// The header declares values no real recording has (0 Hz, 10 GHz, 0 channels...).
    BadHeader(String),
    /// The stream ends before the container says it should.
    Truncated(String),
    /// Decoding failed on data that should have been valid.
    Corrupt(String),
    /// The stream decodes, but to zero samples.
    NoSamples,
    /// A sample is NaN, infinite or beyond [`crate::MAX_SAMPLE_MAGNITUDE`].
    NonFinite {
        /// Offset of the first bad sample, in seconds from the start.
        at_s: f64,
    },
    /// The recording is longer than the configured limit.
    TooLong {
        /// The limit that was exceeded, in seconds.
        limit_s: f64,
    },
    /// The caller passed parameters that cannot be honoured (e.g. a zero target rate).
    InvalidOptions(String),
    /// The recording holds no sound to classify (see [`crate::require_sound`]).
    Silent {
        /// Its loudest sample, in dBFS (`-inf` when every sample is zero).
        peak_dbfs: f32,
    },
    /// The recording holds sound but no speech: a speech detector (`ser-analyze`'s) heard
    /// only noise, hum or tones, which a model would still give an emotion to.
    NoSpeech,
    /// One channel of several read (a side of a call) whose only speech is the other
    /// channels' voice bleeding into it, where they are louder by `crosstalk_db` or more.
    OnlyCrosstalk {
        /// How much louder the other channels must be for their voice to count as bleed, dB.
        crosstalk_db: f32,
    },
    /// A stream read forward only (a pipe) whose container needs to be read out of order:
    /// MP4/M4A with its index (`moov`) after the samples, CAF.
    NeedsFile(String),
    /// A channel was asked for that the recording does not have.
    NoSuchChannel {
        /// The channel asked for, counted from 0.
        channel: usize,
        /// How many the recording has.
        channels: usize,
    },
}

/// An ingest error: which source failed, and why.
///
/// The display form is `NAME: REASON`, ready to show to a user.
#[derive(Debug)]
pub struct AudioError {
    /// The file path or upload name the error is about.
    pub name: String,
    /// What went wrong.
    pub kind: ErrorKind,
}

impl AudioError {
    /// An error about the source `name`.
    pub fn new(name: impl Into<String>, kind: ErrorKind) -> Self {
        Self {
            name: name.into(),
            kind,
        }
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ErrorKind::Io(e) => write!(f, "cannot read file: {e}"),
            ErrorKind::Empty => write!(f, "empty (0 bytes)"),
            ErrorKind::NotAudio => write!(
                f,
                "not a supported audio file (expected WAV (RF64, Wave64), AIFF, AU, SPHERE, CAF, FLAC, MP3, MP4/M4A, AAC, Ogg, WebM or Matroska content, or headerless G.711, 16-bit or Dialogic VOX audio named .ul, .al, .sln or .vox, or said to be so: --raw, ?raw=)"
            ),
            ErrorKind::UnsupportedCodec(c) => write!(f, "unsupported audio codec: {c}"),
            ErrorKind::BadHeader(why) => write!(f, "invalid audio header: {why}"),
            ErrorKind::Truncated(why) => write!(f, "file is truncated: {why}"),
            ErrorKind::Corrupt(why) => write!(f, "corrupt audio data: {why}"),
            ErrorKind::NoSamples => write!(f, "file contains no audio samples (zero length)"),
            ErrorKind::NonFinite { at_s } => {
                write!(
                    f,
                    "audio contains NaN, infinite or out-of-range samples (first at {at_s:.3} s)"
                )
            }
            ErrorKind::TooLong { limit_s } => write!(
                f,
                "recording is longer than the {limit_s:.0} s limit for whole-file loading"
            ),
            ErrorKind::InvalidOptions(why) => write!(f, "invalid options: {why}"),
            ErrorKind::Silent { peak_dbfs } if peak_dbfs.is_finite() => write!(
                f,
                "no sound to classify: the loudest sample is at {peak_dbfs:.1} dBFS, at or below \
                 {:.0} dBFS once mains hum is removed (digital silence: a muted microphone, an \
                 empty track, or nothing but hum?)",
                crate::SILENT_PEAK_DBFS
            ),
            ErrorKind::Silent { .. } => write!(
                f,
                "no sound to classify: every sample is zero (digital silence: a muted \
                 microphone or an empty track?)"
            ),
            ErrorKind::NoSpeech => write!(
                f,
                "no speech found: the speech detector heard only noise, hum or steady tones, \
                 nothing to classify"
            ),
            ErrorKind::OnlyCrosstalk { crosstalk_db } => write!(
                f,
                "no speech of its own: the only voice in this channel is that of the other \
                 channels bleeding into it ({crosstalk_db:.0} dB or more louder there: a \
                 headset's sidetone, a line's echo), nothing to classify"
            ),
            ErrorKind::NeedsFile(why) => write!(
                f,
                "cannot be read from a pipe ({why}): this container (MP4/M4A with its index at \
                 the end, CAF) must be read out of order; give the file's path instead"
            ),
            ErrorKind::NoSuchChannel { channel, channels } => write!(
                f,
                "no channel {} to read: the recording has {channels} (channels count from 1)",
                channel + 1
            ),
        }
    }
}

impl fmt::Display for AudioError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.name, self.kind)
    }
}

impl std::error::Error for AudioError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match &self.kind {
            ErrorKind::Io(e) => Some(e),
            _ => None,
        }
    }
}

/// Result alias for ingest operations.
pub type Result<T> = std::result::Result<T, AudioError>;
