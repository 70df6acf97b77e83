//! Big-endian samples read in WAV's byte order: each sample's bytes reversed as they are read,
//! an 8-bit sample's sign flipped (WAV's 8-bit samples are unsigned). AU, SPHERE and headerless
//! audio hold big-endian integers and floats, which are shown to symphonia's WAV reader so
//! ([`crate::header_view`]): forward only, so from a pipe as from a file, of any length, known
//! or not.

use std::io::{self, Read, Seek, SeekFrom};

use symphonia::core::io::MediaSource;

use crate::made_headers::WavCoding;

/// Big-endian samples (or signed 8-bit ones): their width in bytes, and the name of the codec
/// they are (`pcm_s16be`), which the WAV they are shown as would not give.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct BigEndian {
    pub(crate) width: usize,
    pub(crate) codec: &'static str,
    float: bool,
}

impl BigEndian {
    /// Samples of `bits` (8, 16, 24, 32; 32 or 64 for floats), as WAV's format chunk codes them
    /// (`float`: IEEE floats, else integers); `None` for other widths.
    pub(crate) fn new(float: bool, bits: u16) -> Option<Self> {
        let codec = match (float, bits) {
            (false, 8) => "pcm_s8",
            (false, 16) => "pcm_s16be",
            (false, 24) => "pcm_s24be",
            (false, 32) => "pcm_s32be",
            (true, 32) => "pcm_f32be",
            (true, 64) => "pcm_f64be",
            _ => return None,
        };
        Some(Self {
            width: usize::from(bits / 8),
            codec,
            float,
        })
    }

    /// How WAV's format chunk codes these samples once they are swapped into its order, and
    /// their bits.
    pub(crate) fn as_wav(&self) -> (WavCoding, u16) {
        let coding = if self.float {
            WavCoding::Float
        } else {
            WavCoding::Pcm
        };
        (coding, 8 * self.width as u16)
    }
}

/// Bytes read from the source at a time (a whole number of samples of any width).
const CHUNK: usize = 3 * 8 * 1024;

/// A source of big-endian samples, read in WAV's order.
pub(crate) struct Swapped<S> {
    source: S,
    width: usize,
    buf: Vec<u8>,
    /// `buf[start..ready]` are swapped and not yet read, `buf[ready..filled]` the bytes of a
    /// sample not yet whole.
    start: usize,
    ready: usize,
    filled: usize,
}

impl<S: Read> Swapped<S> {
    /// Reads `source` from its position, a sample's start, as samples of `width` bytes.
    pub(crate) fn new(source: S, width: usize) -> Self {
        Self {
            source,
            width,
            buf: vec![0; CHUNK],
            start: 0,
            ready: 0,
            filled: 0,
        }
    }

    /// Reads more of the source; false at its end (a sample it cuts is dropped).
    fn refill(&mut self) -> io::Result<bool> {
        self.buf.copy_within(self.ready..self.filled, 0);
        self.filled -= self.ready;
        (self.start, self.ready) = (0, 0);
        while self.ready == 0 {
            let n = match self.source.read(&mut self.buf[self.filled..]) {
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                read => read?,
            };
            if n == 0 {
                return Ok(false);
            }
            self.filled += n;
            self.ready = self.filled - self.filled % self.width;
        }
        let samples = self.buf[..self.ready].chunks_exact_mut(self.width);
        if self.width == 1 {
            samples.for_each(|s| s[0] ^= 0x80);
        } else {
            samples.for_each(<[u8]>::reverse);
        }
        Ok(true)
    }
}

impl<S: Read> Read for Swapped<S> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        if self.start == self.ready && !out.is_empty() && !self.refill()? {
            return Ok(0);
        }
        let n = out.len().min(self.ready - self.start);
        out[..n].copy_from_slice(&self.buf[self.start..self.start + n]);
        self.start += n;
        Ok(n)
    }
}

impl<S> Seek for Swapped<S> {
    fn seek(&mut self, _: SeekFrom) -> io::Result<u64> {
        Err(io::Error::new(
            io::ErrorKind::Unsupported,
            "swapped samples are read forward only",
        ))
    }
}

impl<S: Read + Send + Sync> MediaSource for Swapped<S> {
    fn is_seekable(&self) -> bool {
        false
    }

    fn byte_len(&self) -> Option<u64> {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What `bytes` read as, `at_most` bytes a read from a source that gives `given` at a time.
    fn swapped(bytes: &[u8], width: usize, given: usize, at_most: usize) -> Vec<u8> {
        struct Trickle<'a>(&'a [u8], usize);
        impl Read for Trickle<'_> {
            fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
                let n = out.len().min(self.1).min(self.0.len());
                out[..n].copy_from_slice(&self.0[..n]);
                self.0 = &self.0[n..];
                Ok(n)
            }
        }
        let mut reader = Swapped::new(Trickle(bytes, given), width);
        let (mut out, mut piece) = (Vec::new(), vec![0; at_most]);
        loop {
            match reader.read(&mut piece).unwrap() {
                0 => return out,
                n => out.extend_from_slice(&piece[..n]),
            }
        }
    }

    #[test]
    fn every_sample_is_reversed_however_the_bytes_come_and_go() {
        let big: Vec<u8> = (0..30).collect();
        let little: Vec<u8> = big
            .chunks(3)
            .flat_map(|s| s.iter().rev().copied())
            .collect();
        for (given, at_most) in [(30, 100), (1, 1), (2, 5), (7, 3), (4, 2)] {
            assert_eq!(
                swapped(&big, 3, given, at_most),
                little,
                "{given} {at_most}"
            );
        }
        // A sample the stream cuts is dropped.
        assert_eq!(swapped(&big[..29], 3, 4, 4), little[..27]);
        assert_eq!(swapped(&[], 2, 1, 1), Vec::<u8>::new());
    }

    #[test]
    fn signed_bytes_become_unsigned() {
        assert_eq!(
            swapped(&[0x80, 0xff, 0, 0x7f], 1, 3, 2),
            [0, 0x7f, 0x80, 0xff]
        );
    }

    #[test]
    fn widths_are_named_as_symphonia_names_the_codecs() {
        assert_eq!(
            BigEndian::new(false, 24).map(|b| (b.width, b.codec)),
            Some((3, "pcm_s24be"))
        );
        assert_eq!(BigEndian::new(true, 64).map(|b| b.codec), Some("pcm_f64be"));
        assert_eq!(BigEndian::new(true, 16), None);
        assert_eq!(BigEndian::new(false, 12), None);
    }
}
