//! WAV files of GSM 6.10 (format tag 0x0031), which symphonia's WAV reader refuses: probed
//! before it, [`GsmReader`] claims only those files and reads their 65-byte blocks from the
//! `data` chunk. Every other WAV file is left to symphonia.

use symphonia::core::common::FourCc;
use symphonia::core::errors::{decode_error, Result};
use symphonia::core::formats::probe::{
    ProbeDataMatchSpec, ProbeFormatData, ProbeableFormat, Score, Scoreable,
};
use symphonia::core::formats::{FormatId, FormatInfo, FormatOptions, FormatReader};
use symphonia::core::io::{MediaSourceStream, ReadBytes, ScopedStream};

use super::frame::Packing;
use super::reader::{GsmReader, Layout};

/// The WAV format tag of GSM 6.10.
const WAVE_FORMAT_GSM610: u16 = 0x0031;

const INFO: FormatInfo = FormatInfo {
    format: FormatId::new(FourCc::new(*b"gsmw")),
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

/// Reads a `fmt ` chunk's body of `len` bytes, and its pad byte.
fn read_fmt(r: &mut impl ReadBytes, len: u32) -> Result<Fmt> {
    if len < 16 {
        return decode_error("wav: fmt chunk shorter than 16 bytes");
    }
    let (tag, channels, sample_rate) = (r.read_u16()?, r.read_u16()?, r.read_u32()?);
    r.read_u32()?; // bytes per second
    let block_align = r.read_u16()?;
    r.read_u16()?; // bits per sample
    skip_chunk(r, len - 16)?;
    Ok(Fmt {
        tag,
        channels,
        sample_rate,
        block_align,
    })
}

/// Reads a WAV file of GSM 6.10 up to its `data` chunk, and its frames from there.
fn open(mut mss: MediaSourceStream<'_>) -> Result<GsmReader<'_>> {
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
    if usize::from(fmt.block_align) != Packing::Wav49.unit_bytes() {
        return decode_error("wav: GSM 6.10 blocks of other than 65 bytes (two frames)");
    }
    if fmt.sample_rate == 0 {
        return decode_error("wav: a sample rate of 0 Hz");
    }
    // A length of all ones is what a recorder leaves when it never finished the file.
    let data_end = (data_len != u32::MAX).then(|| mss.pos() + u64::from(data_len));
    let layout = Layout {
        format: &INFO,
        packing: Packing::Wav49,
        sample_rate: fmt.sample_rate,
        data_end,
        frames,
    };
    Ok(GsmReader::new(mss, layout))
}

impl Scoreable for GsmReader<'_> {
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

impl ProbeableFormat<'_> for GsmReader<'_> {
    fn try_probe_new(
        mss: MediaSourceStream<'_>,
        _opts: FormatOptions,
    ) -> Result<Box<dyn FormatReader + '_>> {
        Ok(Box::new(open(mss)?))
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
