//! A stream shown to symphonia with a header made here in front of its data, for containers
//! symphonia does not read that hold what one of its readers decodes: WAV with 64-bit sizes
//! ([`crate::wav64`]), Sun AU ([`crate::au`]) and NIST SPHERE ([`crate::sphere`]).
//!
//! A container's own reader walks its header up to the data and says what header to show
//! ([`Shown`]: a plain WAV header from [`crate::made_headers`]) and where the data lie;
//! [`HeaderView`] then serves that header followed by the data, read in place from the source
//! (big-endian samples swapped into WAV's order on their way, [`crate::swapped`]), so nothing
//! is copied and whatever follows the data (metadata) is not taken for samples.

use std::io::{self, Read, Seek, SeekFrom};

use symphonia::core::io::MediaSource;

use crate::made_headers::{riff, riff_format, WavCoding};
use crate::swapped::{BigEndian, Swapped};

/// What a container's reader found: the header to show, and the data's place in the source.
pub(crate) struct Shown {
    pub(crate) header: Vec<u8>,
    /// Where the data begin in the source, which the reader leaves there.
    pub(crate) data_start: u64,
    /// The data's length; `None`: to the source's end.
    pub(crate) data_len: Option<u64>,
    /// Where the data are big-endian samples (or signed 8-bit ones), which WAV holds otherwise.
    pub(crate) big_endian: Option<BigEndian>,
}

/// How a container stores its samples, which decides how they are shown to symphonia's WAV
/// reader.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Stored {
    /// As WAV holds them: of this coding, at these bits a sample (little-endian PCM, G.711).
    AsWav(WavCoding, u16),
    /// Big-endian (or signed 8-bit), swapped into WAV's order on their way.
    BigEndian(BigEndian),
}

impl Stored {
    /// What a container's reader found: `channels` of these samples at `rate`, from
    /// `data_start` in the source, `data_len` bytes of them (`None`: to the source's end).
    pub(crate) fn shown(
        self,
        channels: u16,
        rate: u32,
        data_start: u64,
        data_len: Option<u64>,
    ) -> Shown {
        let ((coding, bits), big_endian) = match self {
            Stored::AsWav(coding, bits) => ((coding, bits), None),
            Stored::BigEndian(samples) => (samples.as_wav(), Some(samples)),
        };
        Shown {
            header: riff(&riff_format(coding, channels, rate, bits), data_len),
            data_start,
            data_len,
            big_endian,
        }
    }
}

/// A source to read in place of a container's: a [`HeaderView`], or what its data decode to;
/// with their codec where the WAV they are shown as does not name it.
pub(crate) type Replacement<'s> = (Box<dyn MediaSource + 's>, Option<ShownCodec>);

/// The codec of samples shown to symphonia's WAV reader as another, which its header cannot
/// name.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum ShownCodec {
    /// Samples swapped into WAV's order (`pcm_s16be`): of the bits the header gives.
    Swapped(&'static str),
    /// Samples decoded here to 16-bit PCM (`shorten`, `adpcm_oki`): the header's 16 bits are
    /// those of what they decode to, not theirs.
    Decoded(&'static str),
}

impl ShownCodec {
    /// The codec's short name.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Self::Swapped(name) | Self::Decoded(name) => name,
        }
    }
}

/// A source shown as `header` followed by its data.
pub(crate) struct HeaderView<S> {
    source: S,
    header: Vec<u8>,
    data_start: u64,
    data_len: Option<u64>,
    /// This view's position, and the source's.
    pos: u64,
    source_pos: u64,
}

/// The source to read in place of `source` (at its start), whose header `read` reads up to the
/// data: [`view`]. Errors are [`HeaderError`]s: an `UnexpectedEof` where the stream ends inside
/// its header, `InvalidData` for a damaged header, `Unsupported` for data no decoder here reads.
pub(crate) fn read_view<'s, S: MediaSource + 's>(
    mut source: S,
    read: fn(&mut S) -> io::Result<Shown>,
) -> io::Result<Replacement<'s>> {
    let shown = read(&mut source).map_err(as_header_error)?;
    Ok(view(source, shown))
}

/// The source to read in place of `source`, whose header has been read up to its data, as
/// `shown`: a [`HeaderView`], of the samples swapped into WAV's order where they are big-endian
/// (named as the codec they are, which the WAV header would not say).
pub(crate) fn view<'s, S: MediaSource + 's>(source: S, shown: Shown) -> Replacement<'s> {
    match shown.big_endian {
        Some(samples) => {
            let swapped = Swapped::new(source, samples.width);
            (
                Box::new(HeaderView::new(swapped, shown)),
                Some(ShownCodec::Swapped(samples.codec)),
            )
        }
        None => (Box::new(HeaderView::new(source, shown)), None),
    }
}

impl<S: MediaSource> HeaderView<S> {
    /// The view of `source`, whose header has been read up to its data, as `shown`.
    fn new(source: S, shown: Shown) -> Self {
        Self {
            source,
            header: shown.header,
            data_start: shown.data_start,
            // A length no file has (a damaged size) is taken as unknown: read to the end.
            data_len: shown.data_len.filter(|&n| n < 1 << 62),
            pos: 0,
            source_pos: shown.data_start,
        }
    }

    /// This view's length: the header's and the data's (to the source's end where unknown).
    fn end(&mut self) -> io::Result<u64> {
        let data_len = match self.data_len {
            Some(len) => len,
            None => {
                self.source_pos = self.source.seek(SeekFrom::End(0))?;
                self.source_pos.saturating_sub(self.data_start)
            }
        };
        Ok(self.header.len() as u64 + data_len)
    }
}

impl<S: MediaSource> Read for HeaderView<S> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let header_len = self.header.len() as u64;
        if self.pos < header_len {
            let from = &self.header[self.pos as usize..];
            let n = from.len().min(buf.len());
            buf[..n].copy_from_slice(&from[..n]);
            self.pos += n as u64;
            return Ok(n);
        }
        let into_data = self.pos - header_len;
        let left = self
            .data_len
            .map_or(u64::MAX, |len| len.saturating_sub(into_data));
        let want = buf.len().min(usize::try_from(left).unwrap_or(usize::MAX));
        let Some(at) = self.data_start.checked_add(into_data).filter(|_| want > 0) else {
            return Ok(0);
        };
        if self.source_pos != at {
            self.source_pos = self.source.seek(SeekFrom::Start(at))?;
        }
        let n = self.source.read(&mut buf[..want])?;
        self.pos += n as u64;
        self.source_pos += n as u64;
        Ok(n)
    }
}

impl<S: MediaSource> Seek for HeaderView<S> {
    fn seek(&mut self, to: SeekFrom) -> io::Result<u64> {
        let (base, delta) = match to {
            SeekFrom::Start(p) => (p, 0),
            SeekFrom::Current(d) => (self.pos, d),
            SeekFrom::End(d) => (self.end()?, d),
        };
        self.pos = base
            .checked_add_signed(delta)
            .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "seek before the start"))?;
        Ok(self.pos)
    }
}

impl<S: MediaSource> MediaSource for HeaderView<S> {
    fn is_seekable(&self) -> bool {
        self.source.is_seekable()
    }

    fn byte_len(&self) -> Option<u64> {
        self.data_len.map(|len| self.header.len() as u64 + len)
    }
}

/// Passes `len` bytes of `source` by reading them (it may be a pipe); a source that ends first
/// is `UnexpectedEof`.
pub(crate) fn skip(source: &mut impl Read, len: u64) -> io::Result<()> {
    if io::copy(&mut source.take(len), &mut io::sink())? < len {
        return Err(io::ErrorKind::UnexpectedEof.into());
    }
    Ok(())
}

/// The length of data from `data_start` on: `declared` (`None`: not said) cut to what `source`
/// holds there where its length is known, so that a cut file reads as far as it goes.
pub(crate) fn held_len(
    source: &impl MediaSource,
    data_start: u64,
    declared: Option<u64>,
) -> Option<u64> {
    let held = source.byte_len().map(|n| n.saturating_sub(data_start));
    match (declared, held) {
        (Some(d), Some(h)) => Some(d.min(h)),
        (d, h) => d.or(h),
    }
}

/// What is wrong with a header read for a [`HeaderView`], inside the `io::Error` of
/// [`HeaderView::new`]. Such a header is read in order, so what is wrong with it holds from a
/// pipe as from a file.
#[derive(Debug)]
pub(crate) struct HeaderError(String);

impl std::fmt::Display for HeaderError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for HeaderError {}

/// Whether `e` came from reading a header for a [`HeaderView`] ([`HeaderError`]).
pub(crate) fn is_header_error(e: &io::Error) -> bool {
    e.get_ref().is_some_and(|inner| inner.is::<HeaderError>())
}

/// An error met while reading a header, as a [`HeaderError`]: a stream that ends there is
/// "the file ends inside its header".
pub(crate) fn as_header_error(e: io::Error) -> io::Error {
    match e.kind() {
        _ if is_header_error(&e) => e,
        io::ErrorKind::UnexpectedEof => {
            header_error(e.kind(), "the file ends inside its header".into())
        }
        _ => header_error(e.kind(), e.to_string()),
    }
}

fn header_error(kind: io::ErrorKind, why: String) -> io::Error {
    io::Error::new(kind, HeaderError(why))
}

/// A damaged header: `why` says what is wrong.
pub(crate) fn invalid(why: String) -> io::Error {
    header_error(io::ErrorKind::InvalidData, why)
}

/// Data that no decoder here reads: `why` says what they are and how to convert them.
pub(crate) fn unsupported(why: String) -> io::Error {
    header_error(io::ErrorKind::Unsupported, why)
}

/// What a [`HeaderView`] of `stream` through `read` shows, whole: for the readers' tests.
#[cfg(test)]
pub(crate) fn shown_whole(
    stream: Vec<u8>,
    read: fn(&mut io::Cursor<Vec<u8>>) -> io::Result<Shown>,
) -> io::Result<Vec<u8>> {
    let (mut view, _) = read_view(io::Cursor::new(stream), read)?;
    let mut out = Vec::new();
    view.read_to_end(&mut out)?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use std::io::Cursor;

    use super::*;

    /// A source of junk, then `data`, then a trailer, shown as `HEAD` and the data (to the end
    /// where its length is not known).
    fn view_of(data: &[u8], known_len: bool) -> HeaderView<Cursor<Vec<u8>>> {
        let mut source = b"junk".to_vec();
        source.extend_from_slice(data);
        source.extend_from_slice(b"trailer");
        let mut source = Cursor::new(source);
        source.set_position(4);
        let shown = Shown {
            header: b"HEAD".to_vec(),
            data_start: 4,
            data_len: known_len.then_some(data.len() as u64),
            big_endian: None,
        };
        HeaderView::new(source, shown)
    }

    #[test]
    fn the_header_then_the_data_alone_or_to_the_end() {
        let data: Vec<u8> = (0..100).collect();
        let mut shown = Vec::new();
        view_of(&data, true).read_to_end(&mut shown).unwrap();
        assert_eq!(shown[..4], *b"HEAD");
        assert_eq!(shown[4..], data);
        let mut to_end = Vec::new();
        view_of(&data, false).read_to_end(&mut to_end).unwrap();
        assert_eq!(to_end[4..104], data);
        assert_eq!(to_end[104..], *b"trailer");
    }

    #[test]
    fn seeks_land_in_the_header_or_the_data() {
        let data: Vec<u8> = (0..100).collect();
        let mut whole = b"HEAD".to_vec();
        whole.extend_from_slice(&data);
        let mut view = view_of(&data, true);
        assert_eq!(view.byte_len(), Some(whole.len() as u64));
        for at in [50, 3, 44, 0, 103] {
            assert_eq!(view.seek(SeekFrom::Start(at)).unwrap(), at);
            let mut byte = [0u8; 1];
            view.read_exact(&mut byte).unwrap();
            assert_eq!(byte[0], whole[at as usize], "at {at}");
        }
        assert_eq!(view.seek(SeekFrom::End(-1)).unwrap(), 103);
        assert_eq!(view.seek(SeekFrom::Current(-43)).unwrap(), 60);
        assert!(view.seek(SeekFrom::Current(-1000)).is_err());
        let mut rest = Vec::new();
        view.seek(SeekFrom::Start(1000)).unwrap();
        assert_eq!(view.read_to_end(&mut rest).unwrap(), 0);
    }

    #[test]
    fn a_readers_errors_become_header_errors() {
        let eof = |_: &mut Cursor<Vec<u8>>| Err(io::ErrorKind::UnexpectedEof.into());
        let err = read_view(Cursor::new(Vec::new()), eof).err().unwrap();
        assert!(is_header_error(&err));
        assert_eq!(err.kind(), io::ErrorKind::UnexpectedEof);
        assert_eq!(err.to_string(), "the file ends inside its header");
        let damaged = |_: &mut Cursor<Vec<u8>>| Err(invalid("x: no format".into()));
        let err = read_view(Cursor::new(Vec::new()), damaged).err().unwrap();
        assert_eq!(
            (err.kind(), err.to_string()),
            (io::ErrorKind::InvalidData, "x: no format".into())
        );
    }
}
