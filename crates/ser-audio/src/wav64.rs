//! WAV with 64-bit sizes, read as the plain WAV it holds: RF64 and BW64 (EBU Tech 3306,
//! ITU-R BS.2088; what broadcast and field recorders write past 4 GiB, some always, and
//! `ffmpeg -rf64 always`) and Sony Wave64 (`.w64`, chunks named by GUIDs). symphonia reads
//! neither.
//!
//! Both hold the same format chunk and PCM (or other WAV codec) data as a RIFF WAV file; only
//! the sizes and the chunk names differ. [`read`] walks the header up to the data, for a
//! [`HeaderView`](crate::header_view::HeaderView) to show symphonia's WAV reader a RIFF header
//! of the format chunk as found and a data chunk of the true length (or of unknown length past
//! 4 GiB).

use std::io::{self, Read};

use crate::header_view::{invalid, skip, Shown};
use crate::made_headers::riff;

/// A Wave64 GUID: the chunk's four-letter name, then this.
const W64_GUID_TAIL: [u8; 12] = [
    0xf3, 0xac, 0xd3, 0x11, 0x8c, 0xd1, 0x00, 0xc0, 0x4f, 0x8e, 0xdb, 0x8a,
];
/// The GUID a Wave64 file starts with (`riff`, with a tail of its own).
const W64_RIFF: [u8; 16] = [
    b'r', b'i', b'f', b'f', 0x2e, 0x91, 0xcf, 0x11, 0xa5, 0xd6, 0x28, 0xdb, 0x04, 0xc1, 0x00, 0x00,
];
/// Largest format (and RF64 size) chunk read: the largest WAV format chunk, extensible, takes 40
/// bytes, a ds64 chunk 28 plus a table of the few chunks past 4 GiB.
const MAX_HEADER_CHUNK: u64 = 64 * 1024;
/// A data chunk size that means "see the ds64 chunk".
const SEE_DS64: u32 = u32::MAX;

/// `rf64`, `bw64` or `w64` for a stream starting with `head` that is one of them.
pub(crate) fn container(head: &[u8]) -> Option<&'static str> {
    let wave = head.get(8..12) == Some(b"WAVE");
    match head.get(..4)? {
        b"RF64" if wave => Some("rf64"),
        b"BW64" if wave => Some("bw64"),
        _ if head.starts_with(&W64_RIFF) => Some("w64"),
        _ => None,
    }
}

/// Reads the header of an RF64, BW64 or Wave64 stream (which [`container`] recognised) from
/// its start up to its data: the RIFF header to show, and where the data are.
pub(crate) fn read<S: Read>(source: &mut S) -> io::Result<Shown> {
    let mut magic = [0u8; 4];
    source.read_exact(&mut magic)?;
    let chunks = if magic[..] == W64_RIFF[..4] {
        wave64(source)?
    } else {
        rf64(source)?
    };
    Ok(Shown {
        header: riff(&chunks.format, chunks.data_len),
        data_start: chunks.data_start,
        data_len: chunks.data_len,
        big_endian: None,
    })
}

/// The chunks of an RF64 or BW64 stream after its first four bytes: the 64-bit sizes come
/// from the `ds64` chunk, where a 32-bit size is `0xFFFFFFFF`.
fn rf64<S: Read>(source: &mut S) -> io::Result<Chunks> {
    let mut rest = [0u8; 8]; // the RIFF size (0xFFFFFFFF) and "WAVE"
    source.read_exact(&mut rest)?;
    let mut walk = Walk::new(source, 12);
    let mut data_size_64 = None;
    let mut format = None;
    loop {
        let mut head = [0u8; 8];
        walk.read_exact(&mut head)?;
        let size = u32::from_le_bytes(head[4..].try_into().expect("four bytes"));
        match &head[..4] {
            b"ds64" => {
                let ds64 = walk.chunk(size.into(), "rf64: ds64")?;
                walk.skip((size % 2).into())?;
                data_size_64 = ds64
                    .get(8..16)
                    .map(|b| u64::from_le_bytes(b.try_into().expect("eight bytes")));
            }
            b"fmt " => {
                format = Some(walk.chunk(size.into(), "rf64: format")?);
                walk.skip((size % 2).into())?;
            }
            b"data" => {
                let data_len = match size {
                    SEE_DS64 => data_size_64.filter(|&n| n > 0),
                    n => Some(n.into()),
                };
                return Chunks::found(format, walk.offset, data_len, "rf64");
            }
            _ => walk.skip(u64::from(size) + u64::from(size % 2))?,
        }
    }
}

/// The chunks of a Wave64 stream after its first four bytes: 16-byte GUIDs, 64-bit sizes
/// that count the 24-byte chunk header, chunks aligned to 8 bytes.
fn wave64<S: Read>(source: &mut S) -> io::Result<Chunks> {
    let mut rest = [0u8; 36]; // the riff GUID's rest, the file size and the wave GUID
    source.read_exact(&mut rest)?;
    if rest[..12] != W64_RIFF[4..] || rest[20..24] != *b"wave" || rest[24..] != W64_GUID_TAIL {
        return Err(invalid(
            "w64: not a Wave64 stream of audio (no 'wave' GUID)".into(),
        ));
    }
    let mut walk = Walk::new(source, 40);
    let mut format = None;
    loop {
        let mut head = [0u8; 24];
        walk.read_exact(&mut head)?;
        let size = u64::from_le_bytes(head[16..].try_into().expect("eight bytes"));
        let body = size
            .checked_sub(24)
            .ok_or_else(|| invalid("w64: a chunk shorter than its header".into()))?;
        let name = (head[4..16] == W64_GUID_TAIL).then_some(&head[..4]);
        match name {
            Some(b"fmt ") => {
                format = Some(walk.chunk(body, "w64: format")?);
                walk.skip(body.next_multiple_of(8) - body)?; // body ≤ MAX_HEADER_CHUNK
            }
            Some(b"data") => return Chunks::found(format, walk.offset, Some(body), "w64"),
            _ => walk.skip(body.checked_next_multiple_of(8).unwrap_or(u64::MAX))?,
        }
    }
}

/// What a header walk found: the format chunk's body and where the data is.
struct Chunks {
    format: Vec<u8>,
    data_start: u64,
    data_len: Option<u64>,
}

impl Chunks {
    /// The walk's result at the data chunk, which must come after a format chunk.
    fn found(
        format: Option<Vec<u8>>,
        data_start: u64,
        data_len: Option<u64>,
        container: &str,
    ) -> io::Result<Self> {
        let format = format
            .ok_or_else(|| invalid(format!("{container}: no format chunk before the data")))?;
        Ok(Self {
            format,
            data_start,
            data_len,
        })
    }
}

/// A forward walk over a header's chunks, counting the bytes passed.
struct Walk<'a, S> {
    source: &'a mut S,
    offset: u64,
}

impl<'a, S: Read> Walk<'a, S> {
    fn new(source: &'a mut S, offset: u64) -> Self {
        Self { source, offset }
    }

    fn read_exact(&mut self, buf: &mut [u8]) -> io::Result<()> {
        self.source.read_exact(buf)?;
        self.offset += buf.len() as u64;
        Ok(())
    }

    /// A chunk's body of `len` bytes, which the header needs (`what` names it in the error
    /// when it is implausibly long).
    fn chunk(&mut self, len: u64, what: &str) -> io::Result<Vec<u8>> {
        if len > MAX_HEADER_CHUNK {
            return Err(invalid(format!("{what} chunk of {len} bytes")));
        }
        let mut body = vec![0u8; len as usize];
        self.read_exact(&mut body)?;
        Ok(body)
    }

    /// Passes `len` bytes ([`skip`]).
    fn skip(&mut self, len: u64) -> io::Result<()> {
        skip(self.source, len)?;
        self.offset += len;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use std::io::Cursor;

    use super::*;
    use crate::header_view::read_view;

    /// The body of a 16-bit PCM format chunk.
    fn pcm16(rate: u32, channels: u16) -> Vec<u8> {
        let mut fmt = vec![1, 0];
        fmt.extend_from_slice(&channels.to_le_bytes());
        fmt.extend_from_slice(&rate.to_le_bytes());
        fmt.extend_from_slice(&(rate * 2 * u32::from(channels)).to_le_bytes());
        fmt.extend_from_slice(&(2 * channels).to_le_bytes());
        fmt.extend_from_slice(&16u16.to_le_bytes());
        fmt
    }

    /// An RF64 (or BW64) stream: ds64, a JUNK chunk of odd length, fmt, data (its 32-bit size
    /// 0xFFFFFFFF), then a trailing chunk that is not audio.
    fn rf64(marker: &[u8; 4], data: &[u8]) -> Vec<u8> {
        let mut s = marker.to_vec();
        s.extend_from_slice(&SEE_DS64.to_le_bytes());
        s.extend_from_slice(b"WAVEds64");
        s.extend_from_slice(&28u32.to_le_bytes());
        s.extend_from_slice(&0u64.to_le_bytes());
        s.extend_from_slice(&(data.len() as u64).to_le_bytes());
        s.extend_from_slice(&(data.len() as u64 / 2).to_le_bytes());
        s.extend_from_slice(&0u32.to_le_bytes());
        s.extend_from_slice(b"JUNK\x03\0\0\0abc\0fmt \x10\0\0\0");
        s.extend_from_slice(&pcm16(8000, 1));
        s.extend_from_slice(b"data");
        s.extend_from_slice(&SEE_DS64.to_le_bytes());
        s.extend_from_slice(data);
        s.extend_from_slice(b"LIST\x04\0\0\0INFO");
        s
    }

    /// A Wave64 stream: a chunk before the format, the format, the data, a trailing chunk.
    fn wave64(data: &[u8]) -> Vec<u8> {
        let chunk = |name: &[u8; 4], body: &[u8]| {
            let mut c = name.to_vec();
            c.extend_from_slice(&W64_GUID_TAIL);
            c.extend_from_slice(&(24 + body.len() as u64).to_le_bytes());
            c.extend_from_slice(body);
            c.resize(c.len().next_multiple_of(8), 0);
            c
        };
        let mut s = W64_RIFF.to_vec();
        s.extend_from_slice(&0u64.to_le_bytes());
        s.extend_from_slice(b"wave");
        s.extend_from_slice(&W64_GUID_TAIL);
        s.extend(chunk(b"junk", b"12345"));
        s.extend(chunk(b"fmt ", &pcm16(8000, 1)));
        s.extend(chunk(b"data", data));
        s.extend(chunk(b"list", b"not audio"));
        s
    }

    /// The plain WAV the view shows.
    fn shown(stream: Vec<u8>) -> io::Result<Vec<u8>> {
        assert!(container(&stream).is_some());
        crate::header_view::shown_whole(stream, read)
    }

    /// The plain WAV of 16-bit PCM `data` at 8 kHz, as RIFF writes it.
    fn plain_wav(data: &[u8]) -> Vec<u8> {
        let mut s = b"RIFF".to_vec();
        s.extend_from_slice(&(36 + data.len() as u32).to_le_bytes());
        s.extend_from_slice(b"WAVEfmt \x10\0\0\0");
        s.extend_from_slice(&pcm16(8000, 1));
        s.extend_from_slice(b"data");
        s.extend_from_slice(&(data.len() as u32).to_le_bytes());
        s.extend_from_slice(data);
        s
    }

    #[test]
    fn rf64_bw64_and_wave64_show_the_plain_wav_without_what_follows_the_data() {
        let data: Vec<u8> = (0..=255).collect();
        let wav = plain_wav(&data);
        assert_eq!(shown(rf64(b"RF64", &data)).unwrap(), wav);
        assert_eq!(shown(rf64(b"BW64", &data)).unwrap(), wav);
        assert_eq!(shown(wave64(&data)).unwrap(), wav);
    }

    #[test]
    fn unknown_data_length_reads_to_the_end() {
        // A recorder stopped before it wrote the sizes: ds64 says 0.
        let data = [7u8; 10];
        let mut stream = rf64(b"RF64", &data);
        let ds64_data_size = 12 + 8 + 8;
        stream[ds64_data_size..ds64_data_size + 8].fill(0);
        stream.truncate(stream.len() - 12); // and it has nothing after the data
        let wav = shown(stream).unwrap();
        assert_eq!(wav[40..44], u32::MAX.to_le_bytes()); // "unknown" in plain RIFF
        assert_eq!(wav[44..], data);
    }

    #[test]
    fn every_cut_and_damage_of_a_header_is_an_error_not_a_panic() {
        let data = [1u8; 6];
        for stream in [rf64(b"RF64", &data), wave64(&data)] {
            let data_at = stream.windows(4).position(|w| w == b"data").unwrap();
            for cut in 4..data_at + 4 {
                let err = read_view(Cursor::new(&stream[..cut]), read).err();
                assert_eq!(err.map(|e| e.kind()), Some(io::ErrorKind::UnexpectedEof));
            }
            for at in 4..data_at {
                for value in [0u8, 0x7f, 0xff] {
                    let mut damaged = stream.clone();
                    damaged[at] = value;
                    if let Ok((mut view, _)) = read_view(Cursor::new(damaged), read) {
                        view.read_to_end(&mut Vec::new()).unwrap();
                    }
                }
            }
        }
        let mut no_format = rf64(b"RF64", &data);
        let fmt_at = no_format.windows(4).position(|w| w == b"fmt ").unwrap();
        no_format[fmt_at..fmt_at + 4].copy_from_slice(b"fmx ");
        let err = read_view(Cursor::new(no_format), read).err().unwrap();
        assert_eq!(err.to_string(), "rf64: no format chunk before the data");
    }
}
