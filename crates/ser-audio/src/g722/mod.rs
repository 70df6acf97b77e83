//! G.722: wideband speech (50 Hz-7 kHz) at 64 kbit/s, as HD-voice telephone calls carry it: two
//! sub-bands coded by ADPCM, one byte for each pair of 16 kHz samples. Asterisk records such
//! calls headerless (`.g722` files, [`crate::headerless`]), WAV files hold it under format
//! tags 0x0065 and 0x028F ([`wav`]) and AU files as encoding 24 ([`crate::au`]). symphonia does
//! not decode it, so the codes are decoded here ([`decoder`]), to the samples FFmpeg gives, and
//! read as 16-bit WAV ([`crate::decoded_wav`]).

mod decoder;
pub(crate) mod wav;

use std::io::{self, Read};

use crate::decoded_wav::pairs_decoded;
use crate::header_view::{unsupported, Replacement};
use decoder::G722Decoder;

/// The codec's short name (FFmpeg's).
pub(crate) const G722: &str = "adpcm_g722";

/// G.722's sample rate, whatever a container says: its codes come 8000 a second, each the
/// next two samples (RTP and some WAV writers give that clock rate instead).
pub(crate) const G722_RATE: u32 = 16_000;

/// The source to read in place of the codes from `source`'s position on: the 16-bit WAV at
/// [`G722_RATE`] they decode to, of `len` bytes of codes where that is known (each byte two
/// samples), to the end otherwise.
pub(crate) fn decoded<'s, R: Read + Send + Sync + 's>(
    source: R,
    len: Option<u64>,
) -> Replacement<'s> {
    pairs_decoded(source, G722Decoder::new(), G722, G722_RATE, len)
}

/// Refuses G.722 of other than one channel, as a `container` (its short name) declares it: calls
/// record one, and the decoder reads one.
pub(crate) fn one_channel(container: &str, channels: u16) -> io::Result<()> {
    match channels {
        1 => Ok(()),
        n => Err(unsupported(format!(
            "{container}: G.722 of {n} channels is not decoded (of one, as calls record it, is)"
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::made_headers::{riff, riff_format, WavCoding};

    /// The samples that `source`'s codes decode to.
    fn samples_of(source: impl Read + Send + Sync) -> Vec<i16> {
        let mut wav = Vec::new();
        decoded(source, None).0.read_to_end(&mut wav).unwrap();
        let header = riff(&riff_format(WavCoding::Pcm, 1, G722_RATE, 16), None);
        wav[header.len()..]
            .chunks_exact(2)
            .map(|b| i16::from_le_bytes([b[0], b[1]]))
            .collect()
    }

    #[test]
    fn each_byte_is_two_samples_and_chunks_carry_the_state_over() {
        // Any codes, read whole and in pieces that split the chunks: the decoder's state goes
        // on from one chunk to the next, so the pieces decode to the same samples.
        let codes: Vec<u8> = (0..5_001u32).map(|i| (i * 97 % 251) as u8).collect();
        let whole = samples_of(&codes[..]);
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
        let pieces = samples_of(Trickle(&codes));
        assert_eq!(pieces, whole);
        assert!(
            whole.iter().any(|&s| s.unsigned_abs() > 1_000),
            "sound, not silence"
        );
    }
}
