//! Container probing and packet-by-packet decoding to mono samples (symphonia).

use std::fs::File;
use std::io::{BufRead, BufReader, Cursor, ErrorKind as IoKind, Read, Seek, SeekFrom};
use std::path::Path;

use serde::Serialize;
use symphonia::core::codecs::audio::{AudioDecoder, AudioDecoderOptions};
use symphonia::core::errors::Error as SymError;
use symphonia::core::formats::{FormatReader, TrackType};
use symphonia::core::io::{MediaSource, MediaSourceStream, ReadOnlySource};

use crate::error::{AudioError, ErrorKind, Result};
use crate::header_view::ShownCodec;
use crate::headerless::Headerless;
use crate::mp4_edit::{self, Edit, Span};

/// Lowest sample rate accepted (Hz). Below this no speech is left to analyse.
pub const MIN_SAMPLE_RATE: u32 = 1_000;
/// Highest sample rate accepted (Hz): 768 kHz is the highest rate real converters use.
pub const MAX_SAMPLE_RATE: u32 = 768_000;
/// Most channels accepted: more than any real microphone array file.
pub const MAX_CHANNELS: usize = 64;
/// Largest sample magnitude accepted. Audio is nominally within ±1 and float files may exceed
/// it a little; values beyond this are not audio, and their squares would overflow `f32` in
/// the spectrum (the fuzzer found a float WAV of ±1e26 samples that turned into NaN features).
pub const MAX_SAMPLE_MAGNITUDE: f32 = 1.0e4;

/// Whether `x` can be a sample: finite and within ±[`MAX_SAMPLE_MAGNITUDE`].
pub fn valid_sample(x: f32) -> bool {
    x.abs() <= MAX_SAMPLE_MAGNITUDE
}

/// Packets that fail to decode in a row before the stream is declared corrupt.
const MAX_CONSECUTIVE_DECODE_ERRORS: usize = 16;

/// What a source holds, as read from its container and codec headers.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SourceInfo {
    /// Container format, e.g. `wave`, `flac`, `ogg`, `mp3`.
    pub container: String,
    /// Audio codec, e.g. `pcm_s16le`, `flac`, `vorbis`, `mp3`.
    pub codec: String,
    /// Sample rate in Hz.
    pub sample_rate: u32,
    /// Number of channels.
    pub channels: usize,
    /// Bits per sample where the codec has them (integer PCM, FLAC); none for floats and for
    /// compressed codecs (G.711, ADPCM, GSM, Shorten, lossy ones), as symphonia gives them.
    pub bits_per_sample: Option<u32>,
    /// Number of frames (samples per channel) the container declares, if it declares any.
    pub declared_frames: Option<u64>,
}

/// A streaming decoder: yields the source as mono `f32` chunks at its own sample rate.
pub struct Decoder {
    name: String,
    format: Box<dyn FormatReader>,
    decoder: Box<dyn AudioDecoder>,
    track_id: u32,
    info: SourceInfo,
    /// The one channel read (from 0), or `None` for the mean of all.
    channel: Option<usize>,
    /// The decoded frames that are the recording: all but an MP4 track's priming and padding.
    span: Span,
    interleaved: Vec<f32>,
    mono: Vec<f32>,
    frames_out: u64,
}

impl Decoder {
    /// Opens a file and reads its headers. The format is detected from the content, not the
    /// name, but for headerless audio, which a name tells ([`Headerless::named`]: `.ul`,
    /// `.sln16`, `.vox`…).
    pub fn open(path: impl AsRef<Path>) -> Result<Self> {
        Self::open_as(path, None)
    }

    /// [`Self::open`], reading the file as `told` says (`--raw vox:6000`) if no container
    /// opens it and its name tells no other format ([`Headerless`]).
    pub fn open_as(path: impl AsRef<Path>, told: Option<Headerless>) -> Result<Self> {
        let path = path.as_ref();
        let name = path.display().to_string();
        let io_err = |e| AudioError::new(&name, ErrorKind::Io(e));
        let mut file = File::open(path).map_err(io_err)?;
        let len = file.metadata().map_err(io_err)?.len();
        if len == 0 {
            return Err(AudioError::new(name, ErrorKind::Empty));
        }
        let edits = mp4_edit::read_edits(&mut file);
        file.seek(SeekFrom::Start(0)).map_err(io_err)?;
        Self::from_source(name, Box::new(file), &edits, told)
    }

    /// Decodes an in-memory file (e.g. an upload); `name` is used in error messages (and tells
    /// headerless audio, as a file's name does). Any owner of the bytes will do (`Vec<u8>`,
    /// `Arc<[u8]>`, a web framework's `Bytes`), so one upload shared by several decoders is not
    /// copied for each.
    pub fn from_bytes(
        name: impl Into<String>,
        bytes: impl AsRef<[u8]> + Send + Sync + 'static,
    ) -> Result<Self> {
        Self::from_bytes_as(name, bytes, None)
    }

    /// [`Self::from_bytes`], reading the bytes as `told` says (a request's media type,
    /// [`Headerless::of_media_type`]) if no container opens them and `name` tells no other
    /// format.
    pub fn from_bytes_as(
        name: impl Into<String>,
        bytes: impl AsRef<[u8]> + Send + Sync + 'static,
        told: Option<Headerless>,
    ) -> Result<Self> {
        let name = name.into();
        if bytes.as_ref().is_empty() {
            return Err(AudioError::new(name, ErrorKind::Empty));
        }
        let edits = mp4_edit::read_edits(&mut Cursor::new(bytes.as_ref()));
        Self::from_source(name, Box::new(Cursor::new(bytes)), &edits, told)
    }

    /// Decodes a stream that can only be read forward, such as standard input or a pipe
    /// (`ffmpeg -i call.mkv -f wav - | ser predict -`), as it arrives; `name` is used in error
    /// messages. A container whose index comes after its samples (MP4 and M4A written with
    /// `moov` last) cannot be read this way and is refused as such; one whose index comes first
    /// is read as from its file, the index held in memory until the samples begin.
    pub fn from_reader(
        name: impl Into<String>,
        reader: impl Read + Send + Sync + 'static,
    ) -> Result<Self> {
        Self::from_reader_as(name, reader, None)
    }

    /// [`Self::from_reader`], reading the stream as `told` says if no container opens it and
    /// `name` tells no other format (`sox … -t ul - | ser predict --raw ulaw -`).
    pub fn from_reader_as(
        name: impl Into<String>,
        reader: impl Read + Send + Sync + 'static,
        told: Option<Headerless>,
    ) -> Result<Self> {
        let name = name.into();
        let mut reader = BufReader::new(reader);
        let first = reader
            .fill_buf()
            .map_err(|e| AudioError::new(&name, ErrorKind::Io(e)))?;
        if first.is_empty() {
            return Err(AudioError::new(name, ErrorKind::Empty));
        }
        if !mp4_edit::opens_mp4(first) {
            return Self::from_source(name, Box::new(ReadOnlySource::new(reader)), &[], told);
        }
        let head = mp4_edit::read_head(&mut reader)
            .map_err(|e| AudioError::new(&name, ErrorKind::Io(e)))?;
        let edits = mp4_edit::read_edits(&mut Cursor::new(&head));
        let replayed = Cursor::new(head).chain(reader);
        Self::from_source(name, Box::new(ReadOnlySource::new(replayed)), &edits, told)
    }

    /// A decoder of `source`, which holds `edits` if it is an MP4 file ([`mp4_edit`]), and is
    /// read as `told` if it is headerless.
    fn from_source(
        name: String,
        source: Box<dyn MediaSource>,
        edits: &[Edit],
        told: Option<Headerless>,
    ) -> Result<Self> {
        let err = |kind| AudioError::new(&name, kind);
        let seekable = source.is_seekable();
        let mss = MediaSourceStream::new(source, Default::default());
        let opened = crate::registry::format_reader(mss, &name, told).map_err(|e| {
            // A codec refused by name (in WAV, Speex in Ogg, G.721/G.723 in AU) and what is wrong
            // with a header read in order (RF64, Wave64, AU, SPHERE) are so from a pipe too.
            let in_order = crate::registry::holds_from_a_pipe(&e);
            match classify_probe_error(e) {
                // The reader recognised its container but could not go back or forward in it.
                ErrorKind::NotAudio => err(ErrorKind::NotAudio),
                kind if !seekable && !in_order => err(ErrorKind::NeedsFile(kind.to_string())),
                kind => err(kind),
            }
        })?;
        let (format, container, codec) = (opened.reader, opened.container, opened.codec);
        let track = format
            .default_track(TrackType::Audio)
            .ok_or_else(|| err(ErrorKind::NotAudio))?;
        let params = track
            .codec_params
            .as_ref()
            .and_then(|p| p.audio())
            .ok_or_else(|| err(ErrorKind::NotAudio))?
            .clone();
        let track_id = track.id;
        let mut declared_frames = track.num_frames;
        // First, as a container may not describe a stream it cannot decode (AC-3 in MP4: no
        // channels).
        let codecs = crate::registry::codecs();
        if codecs.get_audio_decoder(params.codec).is_none() {
            return Err(err(ErrorKind::UnsupportedCodec(format!(
                "the {} stream's codec is none of those ser decodes (PCM, ADPCM, GSM 6.10, \
                 FLAC, MP3, AAC, ALAC, Vorbis, Opus)",
                container
            ))));
        }

        let sample_rate = params
            .sample_rate
            .ok_or_else(|| err(ErrorKind::BadHeader("no sample rate".into())))?;
        if !(MIN_SAMPLE_RATE..=MAX_SAMPLE_RATE).contains(&sample_rate) {
            return Err(err(ErrorKind::BadHeader(format!(
                "sample rate {sample_rate} Hz is outside {MIN_SAMPLE_RATE}..={MAX_SAMPLE_RATE} Hz"
            ))));
        }
        let channels = params.channels.as_ref().map(|c| c.count()).unwrap_or(0);
        if !(1..=MAX_CHANNELS).contains(&channels) {
            return Err(err(ErrorKind::BadHeader(format!(
                "{channels} channels (1..={MAX_CHANNELS} supported)"
            ))));
        }
        let span = edits
            .iter()
            .find(|e| e.track_id == track_id)
            .map_or(Span::ALL, |e| e.span(sample_rate));
        declared_frames = span.length().or(declared_frames);
        let decoder = codecs
            .make_audio_decoder(&params, &AudioDecoderOptions::default())
            .map_err(|e| err(classify_stream_error(e)))?;
        let info = SourceInfo {
            container: container.to_string(),
            codec: codec
                .map_or(decoder.codec_info().short_name, ShownCodec::name)
                .to_string(),
            sample_rate,
            channels,
            bits_per_sample: params
                .bits_per_sample
                .filter(|_| !matches!(codec, Some(ShownCodec::Decoded(_)))),
            declared_frames,
        };
        Ok(Self {
            name,
            format,
            decoder,
            track_id,
            info,
            channel: None,
            span,
            interleaved: Vec::new(),
            mono: Vec::new(),
            frames_out: 0,
        })
    }

    /// Reads only `channel` (counted from 0) instead of the mean of all channels, or the mean
    /// again for `None`: in a call recorded in stereo, one side of the conversation.
    pub fn with_channel(mut self, channel: Option<usize>) -> Result<Self> {
        if let Some(c) = channel {
            if c >= self.info.channels {
                let channels = self.info.channels;
                return Err(self.error(ErrorKind::NoSuchChannel {
                    channel: c,
                    channels,
                }));
            }
        }
        self.channel = channel;
        Ok(self)
    }

    /// Whether one channel is read of several ([`Self::with_channel`]), so that
    /// [`Self::others`] tells what the rest of the recording sounded like.
    pub(crate) fn reads_one_of_several(&self) -> bool {
        self.channel.is_some() && self.info.channels > 1
    }

    /// With one channel read ([`Self::with_channel`]), the mean of the other channels over the
    /// frames [`Self::next_mono`] returned last, written into `out` (silence where the packet
    /// had no other channel): what the rest of a call sounded like meanwhile, so that the other
    /// side's voice bleeding into this channel can be told from this side's own. Computed only
    /// when asked, from the packet the decoder still holds; empty when all channels are mixed.
    /// [`crate::Resampled`] reads them beside the channel.
    pub(crate) fn others(&self, out: &mut Vec<f32>) {
        out.clear();
        if let Some(c) = self.channel {
            let channels = self.interleaved.len() / self.mono.len().max(1);
            others_than(c, &self.interleaved, channels, out);
        }
    }

    /// The source's name as used in error messages.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Header information of the source.
    pub fn info(&self) -> &SourceInfo {
        &self.info
    }

    /// Frames decoded so far.
    pub fn frames_decoded(&self) -> u64 {
        self.frames_out
    }

    /// Decodes the next packet and returns its samples mixed down to mono (mean of channels;
    /// the one channel of [`Self::with_channel`]), or `None` at the end of the stream. NaN,
    /// infinite or absurdly large samples are an error (see [`valid_sample`]).
    pub fn next_mono(&mut self) -> Result<Option<&[f32]>> {
        let mut failures = 0;
        loop {
            if self.span.is_done() {
                return self.end_of_stream();
            }
            let packet = match self.format.next_packet() {
                Ok(Some(p)) => p,
                Ok(None) => return self.end_of_stream(),
                Err(SymError::IoError(e)) if e.kind() == IoKind::UnexpectedEof => {
                    return self.end_of_stream()
                }
                Err(SymError::ResetRequired) => return self.end_of_stream(),
                Err(e) => return Err(self.error(classify_stream_error(e))),
            };
            if packet.track_id != self.track_id {
                continue;
            }
            let buf = match self.decoder.decode(&packet) {
                Ok(buf) => buf,
                Err(SymError::DecodeError(why)) => {
                    failures += 1;
                    if failures >= MAX_CONSECUTIVE_DECODE_ERRORS {
                        return Err(self.error(ErrorKind::Corrupt(why.to_string())));
                    }
                    continue;
                }
                Err(e) => return Err(self.error(classify_stream_error(e))),
            };
            let channels = buf.spec().channels().count();
            if channels == 0 || channels > MAX_CHANNELS {
                return Err(self.error(ErrorKind::BadHeader(format!(
                    "packet with {channels} channels"
                ))));
            }
            buf.copy_to_vec_interleaved(&mut self.interleaved);
            let kept = self.span.take(self.interleaved.len() / channels);
            self.interleaved.truncate(kept.end * channels);
            self.interleaved.drain(..kept.start * channels);
            match self.channel {
                None => mix_to_mono(&self.interleaved, channels, &mut self.mono),
                Some(c) if c < channels => {
                    self.mono.clear();
                    self.mono
                        .extend(self.interleaved.iter().skip(c).step_by(channels));
                }
                Some(c) => {
                    return Err(self.error(ErrorKind::NoSuchChannel {
                        channel: c,
                        channels,
                    }))
                }
            }
            if let Some(i) = self.mono.iter().position(|&x| !valid_sample(x)) {
                let at_s = (self.frames_out + i as u64) as f64 / self.info.sample_rate as f64;
                return Err(self.error(ErrorKind::NonFinite { at_s }));
            }
            self.frames_out += self.mono.len() as u64;
            if self.mono.is_empty() {
                continue;
            }
            return Ok(Some(&self.mono));
        }
    }

    /// Called when the container has no more packets: a stream that declared more frames than
    /// it delivered is truncated, one that delivered none is empty.
    fn end_of_stream(&mut self) -> Result<Option<&[f32]>> {
        if self.frames_out == 0 {
            return Err(self.error(ErrorKind::NoSamples));
        }
        if let Some(declared) = self.info.declared_frames {
            // Codecs with priming/padding (MP3, Vorbis) may deliver slightly fewer frames than
            // declared; one packet's worth of slack avoids calling those truncated.
            let slack = 4096;
            if self.frames_out + slack < declared {
                let rate = self.info.sample_rate as f64;
                return Err(self.error(ErrorKind::Truncated(format!(
                    "decoded {:.3} s of the {:.3} s the header declares",
                    self.frames_out as f64 / rate,
                    declared as f64 / rate
                ))));
            }
        }
        Ok(None)
    }

    fn error(&self, kind: ErrorKind) -> AudioError {
        AudioError::new(&self.name, kind)
    }
}

/// Mean of the channels other than `channel` of an interleaved buffer, frame by frame; silence
/// for a buffer of one channel (a stream may change its layout), so that it always runs as long
/// as the channel itself.
fn others_than(channel: usize, interleaved: &[f32], channels: usize, others: &mut Vec<f32>) {
    others.clear();
    if channels > 1 {
        let scale = 1.0 / (channels - 1) as f32;
        others.extend(
            interleaved
                .chunks_exact(channels)
                .map(|frame| (frame.iter().sum::<f32>() - frame[channel]) * scale),
        );
    } else {
        others.resize(interleaved.len(), 0.0);
    }
}

/// Mean of the channels of an interleaved buffer.
fn mix_to_mono(interleaved: &[f32], channels: usize, mono: &mut Vec<f32>) {
    mono.clear();
    if channels == 1 {
        mono.extend_from_slice(interleaved);
    } else {
        let scale = 1.0 / channels as f32;
        mono.extend(
            interleaved
                .chunks_exact(channels)
                .map(|frame| frame.iter().sum::<f32>() * scale),
        );
    }
}

fn classify_probe_error(e: SymError) -> ErrorKind {
    match e {
        // No reader recognised the content ("core (probe): no suitable format reader found").
        SymError::Unsupported(why) if why.starts_with("core (probe)") => ErrorKind::NotAudio,
        // A reader recognised its container but not the codec inside ("wav: unsupported wave
        // format" for G.721 and other telephony codecs).
        SymError::Unsupported(why) => ErrorKind::UnsupportedCodec(why.to_string()),
        SymError::IoError(e) if e.kind() == IoKind::UnexpectedEof => {
            ErrorKind::Truncated("the file ends inside its header".into())
        }
        SymError::IoError(e) if e.kind() == IoKind::InvalidData => {
            ErrorKind::BadHeader(e.to_string())
        }
        SymError::IoError(e) if e.kind() == IoKind::Unsupported => {
            ErrorKind::UnsupportedCodec(e.to_string())
        }
        SymError::IoError(e) => ErrorKind::Io(e),
        SymError::LimitError(why) => ErrorKind::BadHeader(why.to_string()),
        other => ErrorKind::BadHeader(other.to_string()),
    }
}

fn classify_stream_error(e: SymError) -> ErrorKind {
    match e {
        // Data decoded on the way to symphonia's reader (Shorten) that make no sense.
        SymError::IoError(e) if e.kind() == IoKind::InvalidData => {
            ErrorKind::Corrupt(e.to_string())
        }
        SymError::IoError(e) => ErrorKind::Truncated(e.to_string()),
        SymError::Unsupported(why) => ErrorKind::UnsupportedCodec(why.to_string()),
        other => ErrorKind::Corrupt(other.to_string()),
    }
}

/// A source's header information plus its true length, counted by decoding it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ProbedInfo {
    /// What the headers say.
    #[serde(flatten)]
    pub source: SourceInfo,
    /// Frames actually decoded (headers can lie or be silent about the length).
    pub frames: u64,
    /// `frames / sample_rate`, in seconds.
    pub duration_s: f64,
}

/// Reads a source's headers and counts its frames by decoding it once.
pub fn probe_info(mut decoder: Decoder) -> Result<ProbedInfo> {
    while decoder.next_mono()?.is_some() {}
    let frames = decoder.frames_decoded();
    let source = decoder.info().clone();
    let duration_s = frames as f64 / source.sample_rate as f64;
    Ok(ProbedInfo {
        source,
        frames,
        duration_s,
    })
}

#[cfg(test)]
mod tests {
    use super::{mix_to_mono, others_than};

    #[test]
    fn the_other_channels_are_their_mean() {
        let mut others = Vec::new();
        others_than(1, &[1.0, 3.0, -2.0, 0.0, 5.0, 6.0], 3, &mut others);
        assert_eq!(others, vec![-0.5, 3.0]);
        others_than(0, &[0.5, 0.25], 1, &mut others);
        assert_eq!(others, vec![0.0, 0.0]);
    }

    #[test]
    fn mixdown_is_mean_of_channels() {
        let mut mono = Vec::new();
        mix_to_mono(&[1.0, 3.0, -2.0, 0.0], 2, &mut mono);
        assert_eq!(mono, vec![2.0, -1.0]);
        mix_to_mono(&[0.5, 0.25], 1, &mut mono);
        assert_eq!(mono, vec![0.5, 0.25]);
    }
}
