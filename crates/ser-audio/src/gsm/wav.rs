//! WAV files of GSM 6.10 (format tag 0x0031), which symphonia's WAV reader refuses: a reader
//! probed before it that claims only those files and hands their 65-byte blocks to
//! [`super::GsmDecoder`]. Every other WAV file is left to symphonia.

use std::io::Read;

use symphonia::core::audio::{Channels, Position};
use symphonia::core::codecs::audio::AudioCodecParameters;
use symphonia::core::codecs::CodecParameters;
use symphonia::core::errors::{decode_error, seek_error, Result, SeekErrorKind};
use symphonia::core::formats::prelude::*;
use symphonia::core::formats::probe::{
    ProbeDataMatchSpec, ProbeFormatData, ProbeableFormat, Score, Scoreable,
};
use symphonia::core::io::{MediaSourceStream, ReadBytes, ScopedStream};
use symphonia::core::meta::{Metadata, MetadataLog};

use super::frame::{BLOCK_BYTES, BLOCK_SAMPLES};
use super::CODEC_ID_GSM_WAV49;

/// The WAV format tag of GSM 6.10.
const WAVE_FORMAT_GSM610: u16 = 0x0031;
/// Blocks handed to the decoder in one packet (0.8 s at 8 kHz).
const BLOCKS_PER_PACKET: u64 = 20;

const INFO: FormatInfo = FormatInfo {
    format: FormatId::new(symphonia::core::common::FourCc::new(*b"gsmw")),
    short_name: "wave",
    long_name: "Waveform Audio File Format, GSM 6.10",
};

/// What the `fmt ` chunk says, as far as decoding needs it.
struct Fmt {
    tag: u16,
    channels: u16,
    sample_rate: u32,
    block_align: u16,
}

/// The next chunk's identifier and length.
fn chunk_header(r: &mut impl ReadBytes) -> std::io::Result<([u8; 4], u32)> {
    Ok((r.read_quad_bytes()?, r.read_u32()?))
}

/// Skips a chunk's body of `len` bytes and its pad byte.
fn skip_chunk(r: &mut impl ReadBytes, len: u32) -> std::io::Result<()> {
    r.ignore_bytes(u64::from(len) + u64::from(len & 1))
}

/// Reads the `RIFF`/`WAVE` header; `false` when the stream is not a WAV file.
fn riff_header(r: &mut impl ReadBytes) -> std::io::Result<bool> {
    let riff = r.read_quad_bytes()?;
    r.read_u32()?;
    Ok(riff == *b"RIFF" && r.read_quad_bytes()? == *b"WAVE")
}

fn read_fmt(r: &mut impl ReadBytes, len: u32) -> Result<Fmt> {
    if len < 16 {
        return decode_error("wav: fmt chunk shorter than 16 bytes");
    }
    let fmt = Fmt {
        tag: r.read_u16()?,
        channels: r.read_u16()?,
        sample_rate: r.read_u32()?,
        block_align: {
            r.read_u32()?; // bytes per second
            r.read_u16()?
        },
    };
    r.read_u16()?; // bits per sample
    skip_chunk(r, len - 16)?;
    Ok(fmt)
}

/// Reads a WAV file of GSM 6.10 up to its `data` chunk.
pub(crate) struct GsmWavReader<'s> {
    reader: MediaSourceStream<'s>,
    media_info: MediaInfo,
    tracks: Vec<Track>,
    metadata: MetadataLog,
    /// Where the samples start.
    data_start: u64,
    /// Where the samples end, if the `data` chunk says.
    data_end: Option<u64>,
    /// Frames the `fact` chunk declares: the last block's padding is cut to them.
    frames: Option<u64>,
}

impl<'s> GsmWavReader<'s> {
    fn try_new(mut mss: MediaSourceStream<'s>) -> Result<Self> {
        if !riff_header(&mut mss)? {
            return decode_error("wav: not a RIFF WAVE file");
        }
        let (mut fmt, mut frames) = (None, None);
        let data_len = loop {
            match chunk_header(&mut mss)? {
                (id, len) if id == *b"fmt " => fmt = Some(read_fmt(&mut mss, len)?),
                (id, len) if id == *b"fact" && len >= 4 => {
                    frames = Some(u64::from(mss.read_u32()?));
                    skip_chunk(&mut mss, len - 4)?;
                }
                (id, len) if id == *b"data" => break len,
                (_, len) => skip_chunk(&mut mss, len)?,
            }
        };
        let Some(fmt) = fmt else {
            return decode_error("wav: no fmt chunk before the data");
        };
        if fmt.tag != WAVE_FORMAT_GSM610 {
            return decode_error("wav: not GSM 6.10");
        }
        if fmt.channels != 1 {
            return decode_error("wav: GSM 6.10 with other than one channel");
        }
        if usize::from(fmt.block_align) != BLOCK_BYTES {
            return decode_error("wav: GSM 6.10 blocks of other than 65 bytes (two frames)");
        }
        let Some(time_base) = TimeBase::try_new(1, fmt.sample_rate) else {
            return decode_error("wav: a sample rate of 0 Hz");
        };
        let mut params = AudioCodecParameters::new();
        params
            .for_codec(CODEC_ID_GSM_WAV49)
            .with_sample_rate(fmt.sample_rate)
            .with_channels(Channels::Positioned(Position::FRONT_CENTER))
            .with_max_frames_per_packet(BLOCKS_PER_PACKET * BLOCK_SAMPLES as u64)
            .with_frames_per_block(BLOCK_SAMPLES as u64);
        let mut track = Track::new(0);
        track
            .with_codec_params(CodecParameters::Audio(params))
            .with_time_base(time_base);
        let data_start = mss.pos();
        // A length of all ones is what a recorder leaves when it never finished the file.
        let data_end = (data_len != u32::MAX).then(|| data_start + u64::from(data_len));
        let whole_blocks = data_end.map(|end| (end - data_start) / BLOCK_BYTES as u64);
        if let Some(n) = frames.or(whole_blocks.map(|b| b * BLOCK_SAMPLES as u64)) {
            track.with_num_frames(n);
        }
        Ok(Self {
            reader: mss,
            media_info: MediaInfo::from_track(&track),
            tracks: vec![track],
            metadata: MetadataLog::default(),
            data_start,
            data_end,
            frames,
        })
    }
}

impl Scoreable for GsmWavReader<'_> {
    /// Claims a WAV file whose `fmt` chunk says GSM 6.10 (it comes before the data, within
    /// the first kilobytes); any other is left to symphonia's WAV reader.
    fn score(mut src: ScopedStream<&mut MediaSourceStream<'_>>) -> Result<Score> {
        if !riff_header(&mut src)? {
            return Ok(Score::Unsupported);
        }
        loop {
            match chunk_header(&mut src)? {
                (id, len) if id == *b"fmt " => {
                    let gsm = read_fmt(&mut src, len)?.tag == WAVE_FORMAT_GSM610;
                    return Ok(if gsm {
                        Score::Supported(255)
                    } else {
                        Score::Unsupported
                    });
                }
                (id, _) if id == *b"data" => return Ok(Score::Unsupported),
                (_, len) => skip_chunk(&mut src, len)?,
            }
        }
    }
}

impl ProbeableFormat<'_> for GsmWavReader<'_> {
    fn try_probe_new(
        mss: MediaSourceStream<'_>,
        _opts: FormatOptions,
    ) -> Result<Box<dyn FormatReader + '_>> {
        Ok(Box::new(GsmWavReader::try_new(mss)?))
    }

    fn probe_data() -> &'static [ProbeFormatData] {
        &[ProbeFormatData {
            spec: ProbeDataMatchSpec {
                extensions: &["wav", "wave"],
                mime_types: &["audio/wav", "audio/x-wav"],
                markers: &[b"RIFF"],
            },
            info: INFO,
        }]
    }
}

impl FormatReader for GsmWavReader<'_> {
    fn format_info(&self) -> &FormatInfo {
        &INFO
    }

    fn media_info(&self) -> &MediaInfo {
        &self.media_info
    }

    fn metadata(&mut self) -> Metadata<'_> {
        self.metadata.metadata()
    }

    /// Not supported: `ser` reads every recording from its start to its end.
    fn seek(&mut self, _mode: SeekMode, _to: SeekTo) -> Result<SeekedTo> {
        seek_error(SeekErrorKind::Unseekable)
    }

    fn tracks(&self) -> &[Track] {
        &self.tracks
    }

    /// Up to [`BLOCKS_PER_PACKET`] whole blocks; a last block cut short is dropped, and the
    /// last block's frames beyond the `fact` chunk's count are trimmed.
    fn next_packet(&mut self) -> Result<Option<Packet>> {
        let pos = self.reader.pos();
        let left = self
            .data_end
            .map_or(u64::MAX, |end| end.saturating_sub(pos));
        let blocks = (left / BLOCK_BYTES as u64).min(BLOCKS_PER_PACKET);
        if blocks == 0 {
            return Ok(None);
        }
        // As far as the file goes: a recording cut off mid-block keeps its whole blocks.
        let mut data = Vec::with_capacity(blocks as usize * BLOCK_BYTES);
        (&mut self.reader)
            .take(blocks * BLOCK_BYTES as u64)
            .read_to_end(&mut data)?;
        data.truncate(data.len() - data.len() % BLOCK_BYTES);
        if data.is_empty() {
            return Ok(None);
        }
        let first = (pos - self.data_start) / BLOCK_BYTES as u64 * BLOCK_SAMPLES as u64;
        let decoded = (data.len() / BLOCK_BYTES * BLOCK_SAMPLES) as u64;
        let valid = self
            .frames
            .map_or(decoded, |n| n.saturating_sub(first).min(decoded));
        let mut packet = Packet::new(0, Timestamp::new(first as i64), Duration::new(valid), data);
        packet.trim_end = Duration::new(decoded - valid);
        Ok(Some(packet))
    }

    fn into_inner<'a>(self: Box<Self>) -> MediaSourceStream<'a>
    where
        Self: 'a,
    {
        self.reader
    }
}
