//! Shorten's variable-length codes, read most significant bit first: `unsigned(k)` is a
//! unary high part (zeros ended by a one) above `k` plain low bits, `signed(k)` folds the sign
//! into the lowest bit of `unsigned(k + 1)`, and `long()` is an `unsigned` whose width comes
//! first as `unsigned(2)`.

use std::io::{self, Read};

use crate::header_view::invalid;

/// Longest unary run taken: a valid stream's codes stay far below it, and a damaged one is
/// stopped before its value overflows.
const MAX_UNARY: u32 = 1 << 20;

/// Reads a byte stream bit by bit, through a buffer of its own.
pub(crate) struct BitReader<R> {
    source: R,
    buffer: Box<[u8]>,
    /// The buffer's unread bytes: `buffer[at..end]`.
    at: usize,
    end: usize,
    /// Bits not yet taken, at the top of `cache`; `held` of them.
    cache: u64,
    held: u32,
}

impl<R: Read> BitReader<R> {
    pub(crate) fn new(source: R) -> Self {
        Self {
            source,
            buffer: vec![0; 1 << 16].into_boxed_slice(),
            at: 0,
            end: 0,
            cache: 0,
            held: 0,
        }
    }

    /// Tops the cache up with whole bytes; at the stream's end it holds what is left.
    fn refill(&mut self) -> io::Result<()> {
        while self.held <= 56 {
            if self.at == self.end {
                self.end = loop {
                    match self.source.read(&mut self.buffer) {
                        Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                        read => break read?,
                    }
                };
                self.at = 0;
                if self.end == 0 {
                    return Ok(());
                }
            }
            self.cache |= u64::from(self.buffer[self.at]) << (56 - self.held);
            self.at += 1;
            self.held += 8;
        }
        Ok(())
    }

    /// The next `n` bits (at most 32) as a number.
    pub(crate) fn bits(&mut self, n: u32) -> io::Result<u32> {
        debug_assert!(n <= 32);
        if n == 0 {
            return Ok(0);
        }
        if self.held < n {
            self.refill()?;
            if self.held < n {
                return Err(io::ErrorKind::UnexpectedEof.into());
            }
        }
        let value = (self.cache >> (64 - n)) as u32;
        self.cache <<= n;
        self.held -= n;
        Ok(value)
    }

    /// The number of zeros before the next one, which is taken too.
    fn unary(&mut self) -> io::Result<u32> {
        let mut zeros = 0;
        loop {
            if self.held == 0 {
                self.refill()?;
                if self.held == 0 {
                    return Err(io::ErrorKind::UnexpectedEof.into());
                }
            }
            let run = self.cache.leading_zeros().min(self.held);
            zeros += run;
            if run < self.held {
                // The run and its closing one.
                self.cache = self.cache.checked_shl(run + 1).unwrap_or(0);
                self.held -= run + 1;
                return Ok(zeros);
            }
            self.cache = 0;
            self.held = 0;
            if zeros > MAX_UNARY {
                return Err(invalid("shorten: a code runs too long".into()));
            }
        }
    }

    /// `unsigned(k)`: a unary high part above `k` low bits (`k` at most 32).
    pub(crate) fn unsigned(&mut self, k: u32) -> io::Result<u64> {
        let high = u64::from(self.unary()?);
        Ok(high << k | u64::from(self.bits(k)?))
    }

    /// `signed(k)`: `unsigned(k + 1)` with the sign in its lowest bit (one: negative, minus one
    /// beyond the rest).
    pub(crate) fn signed(&mut self, k: u32) -> io::Result<i64> {
        let folded = self.unsigned(k + 1)?;
        let magnitude = (folded >> 1) as i64;
        Ok(if folded & 1 == 1 {
            -magnitude - 1
        } else {
            magnitude
        })
    }

    /// `long()`: an `unsigned` whose width is given first, as `unsigned(2)`.
    pub(crate) fn long(&mut self) -> io::Result<u64> {
        let k = self.unsigned(2)?;
        if k > 32 {
            return Err(invalid(format!("shorten: a number of {k} bits")));
        }
        self.unsigned(k as u32)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A stream of the bits in `text` ('0' and '1'; anything else ignored), padded with zeros.
    fn reader(text: &str) -> BitReader<io::Cursor<Vec<u8>>> {
        let bits: Vec<u8> = text.bytes().filter(|b| b"01".contains(b)).collect();
        let bytes = bits
            .chunks(8)
            .map(|c| {
                c.iter()
                    .enumerate()
                    .fold(0u8, |b, (i, &bit)| b | (bit - b'0') << (7 - i))
            })
            .collect();
        BitReader::new(io::Cursor::new(bytes))
    }

    #[test]
    fn codes_as_the_format_defines_them() {
        // unsigned(2) of 6: high part 1 ("01"), low bits "10".
        assert_eq!(reader("01 10").unsigned(2).unwrap(), 6);
        assert_eq!(reader("1").unsigned(0).unwrap(), 0);
        assert_eq!(reader("0001").unsigned(0).unwrap(), 3);
        // signed(1) is unsigned(2) folded: 4 → 2, 5 → -3, 1 → -1.
        assert_eq!(reader("01 00").signed(1).unwrap(), 2);
        assert_eq!(reader("01 01").signed(1).unwrap(), -3);
        assert_eq!(reader("1 01").signed(1).unwrap(), -1);
        // long(): width 3 as unsigned(2) ("1 11"), then unsigned(3) of 12 ("01 100").
        assert_eq!(reader("1 11 01 100").long().unwrap(), 12);
        let mut r = reader("1010 1100 0000 0000 0000 0000 0000 0001 1111");
        assert_eq!(r.bits(4).unwrap(), 0b1010);
        assert_eq!(r.bits(4).unwrap(), 0b1100);
        // A run across bytes.
        assert_eq!(r.unary().unwrap(), 23);
        assert_eq!(r.bits(4).unwrap(), 0b1111);
    }

    #[test]
    fn the_end_and_endless_runs_are_errors() {
        let mut r = reader("1111");
        assert_eq!(r.bits(8).unwrap(), 0b1111_0000);
        assert_eq!(r.bits(1).unwrap_err().kind(), io::ErrorKind::UnexpectedEof);
        let mut zeros = BitReader::new(io::Cursor::new(vec![0u8; 200_000]));
        assert_eq!(
            zeros.unary().unwrap_err().kind(),
            io::ErrorKind::InvalidData
        );
        let mut wide = reader("001 1111");
        assert_eq!(
            wide.long().unwrap_err().kind(),
            io::ErrorKind::UnexpectedEof
        );
    }
}
