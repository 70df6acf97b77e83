//! G.722: wideband speech (50 Hz-7 kHz) at 64 kbit/s, as HD-voice telephone calls carry it: two
//! sub-bands coded by ADPCM, one byte for each pair of 16 kHz samples. Asterisk records such
//! calls headerless (`.g722` files, [`crate::headerless`]) and WAV files hold it under format
//! tags 0x0065 and 0x028F ([`wav`]). symphonia does not decode it, so the codes are decoded
//! here ([`decoder`]), to the samples FFmpeg gives, and read as 16-bit WAV
//! ([`crate::decoded_wav`]).

mod decoder;
pub(crate) mod wav;

use std::io::{self, Read};

use crate::decoded_wav::{read_codes, Blocks, DecodedWav};
use crate::made_headers::{riff, riff_format, WavCoding};
use decoder::G722Decoder;

/// The codec's short name (FFmpeg's).
pub(crate) const G722: &str = "adpcm_g722";

/// G.722's sample rate, whatever a container says: its codes come 8000 a second, each the
/// next two samples (RTP and some WAV writers give that clock rate instead).
pub(crate) const G722_RATE: u32 = 16_000;

/// The codes from `source`'s position on, read as 16-bit WAV at [`G722_RATE`]: `len` bytes of
/// them where that is known (each byte two samples), to the end otherwise.
pub(crate) fn decoded<R: Read>(source: R, len: Option<u64>) -> DecodedWav<Codes<R>> {
    let header = riff(
        &riff_format(WavCoding::Pcm, 1, G722_RATE, 16),
        len.and_then(|n| n.checked_mul(4)),
    );
    DecodedWav::new(header, Codes::new(source))
}

/// Bytes of codes read at a time: a quarter second.
const CHUNK: usize = 2_000;

/// A source of G.722 codes (64 kbit/s, a byte each), decoded a chunk at a time.
pub(crate) struct Codes<R> {
    source: R,
    decoder: G722Decoder,
    bytes: Vec<u8>,
}

impl<R: Read> Codes<R> {
    fn new(source: R) -> Self {
        Self {
            source,
            decoder: G722Decoder::new(),
            bytes: vec![0; CHUNK],
        }
    }
}

impl<R: Read> Blocks for Codes<R> {
    fn next_block(&mut self, samples: &mut Vec<i16>) -> io::Result<bool> {
        let n = read_codes(&mut self.source, &mut self.bytes)?;
        samples.extend(
            self.bytes[..n]
                .iter()
                .flat_map(|&code| self.decoder.decode(code)),
        );
        Ok(n > 0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_byte_is_two_samples_and_chunks_carry_the_state_over() {
        // Any codes, read whole and in pieces that split the chunks: the decoder's state goes
        // on from one chunk to the next, so the pieces decode to the same samples.
        let codes: Vec<u8> = (0..5_001u32).map(|i| (i * 97 % 251) as u8).collect();
        let mut whole = Vec::new();
        let mut all = Codes::new(&codes[..]);
        while all.next_block(&mut whole).unwrap() {}
        assert_eq!(whole.len(), 2 * codes.len());

        /// A source that gives at most 7 bytes a read.
        struct Trickle<'a>(&'a [u8]);
        impl Read for Trickle<'_> {
            fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
                let n = buf.len().min(7).min(self.0.len());
                buf[..n].copy_from_slice(&self.0[..n]);
                self.0 = &self.0[n..];
                Ok(n)
            }
        }
        let mut pieces = Vec::new();
        let mut trickled = Codes::new(Trickle(&codes));
        while trickled.next_block(&mut pieces).unwrap() {}
        assert_eq!(pieces, whole);
        assert!(
            whole.iter().any(|&s| s.unsigned_abs() > 1_000),
            "sound, not silence"
        );
    }
}
