//! A RIFF WAVE file's chunks up to its samples, as this crate's readers of the WAV codecs
//! symphonia does not decode read them (GSM 6.10 in `gsm`, OKI ADPCM in `oki`, G.722 in
//! `g722`).

use symphonia::core::errors::{decode_error, Error, Result};
use symphonia::core::io::{BufReader, ReadBytes};

use crate::header_view::{as_header_error, invalid};

/// What the `fmt ` chunk says, as far as decoding needs it.
pub(crate) struct Fmt {
    pub tag: u16,
    pub channels: u16,
    pub sample_rate: u32,
    pub block_align: u16,
    pub bits_per_sample: u16,
}

/// A WAV file's header, read up to its samples.
pub(crate) struct WavStart {
    pub fmt: Fmt,
    /// The samples its `fact` chunk declares.
    pub frames: Option<u64>,
    /// The `data` chunk's length; `None` where it is all ones, as a recorder that never
    /// finished the file leaves it.
    pub data_len: Option<u64>,
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
    let (block_align, bits_per_sample) = (r.read_u16()?, r.read_u16()?);
    skip_chunk(r, len - 16)?;
    Ok(Fmt {
        tag,
        channels,
        sample_rate,
        block_align,
        bits_per_sample,
    })
}

/// The format tag of a stream's `fmt ` chunk, read from its start; `None` when it is not a
/// WAV file or its data come first. A chunk cut off is the stream's error.
pub(crate) fn format_tag(r: &mut impl ReadBytes) -> Result<Option<u16>> {
    if !riff_header(r)? {
        return Ok(None);
    }
    loop {
        match chunk_header(r)? {
            (id, len) if id == *b"fmt " => return Ok(Some(read_fmt(r, len)?.tag)),
            (id, _) if id == *b"data" => return Ok(None),
            (_, len) => skip_chunk(r, len)?,
        }
    }
}

/// Whether a stream starting with `head` is a WAV file whose `fmt ` chunk, within `head`, has
/// one of the format `tags`.
pub(crate) fn holds_format(head: &[u8], tags: &[u16]) -> bool {
    format_tag(&mut BufReader::new(head)).is_ok_and(|tag| tag.is_some_and(|t| tags.contains(&t)))
}

/// Whether `head`, a stream's first bytes, ends before its `fmt ` chunk does: a WAV file whose
/// other chunks (`bext`, `JUNK`) come first, or too few bytes to tell.
pub(crate) fn fmt_beyond(head: &[u8]) -> bool {
    matches!(
        format_tag(&mut BufReader::new(head)),
        Err(Error::IoError(e)) if e.kind() == std::io::ErrorKind::UnexpectedEof
    )
}

/// [`read_to_data`] for a reader that decodes the codes itself and shows symphonia their samples
/// ([`crate::header_view`]): its errors are header errors.
pub(crate) fn read_to_data_for_view(r: &mut impl ReadBytes) -> std::io::Result<WavStart> {
    read_to_data(r).map_err(|e| match e {
        Error::IoError(e) => as_header_error(e),
        other => invalid(other.to_string()),
    })
}

/// Reads a WAV file from its start up to its `data` chunk's first byte.
pub(crate) fn read_to_data(r: &mut impl ReadBytes) -> Result<WavStart> {
    if !riff_header(r)? {
        return decode_error("wav: not a RIFF WAVE file");
    }
    let (mut fmt, mut frames) = (None, None);
    let data_len = loop {
        match chunk_header(r)? {
            (id, len) if id == *b"fmt " => fmt = Some(read_fmt(r, len)?),
            (id, len) if id == *b"fact" && len >= 4 => {
                frames = Some(u64::from(r.read_u32()?));
                skip_chunk(r, len - 4)?;
            }
            (id, len) if id == *b"data" => break len,
            (_, len) => skip_chunk(r, len)?,
        }
    };
    let Some(fmt) = fmt else {
        return decode_error("wav: no fmt chunk before the data");
    };
    Ok(WavStart {
        fmt,
        frames,
        data_len: (data_len != u32::MAX).then_some(u64::from(data_len)),
    })
}
