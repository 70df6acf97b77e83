//! OKI ADPCM (Dialogic ADPCM): 4-bit codes of the difference between 12-bit samples, two a byte
//! (the high nibble first), as IVR platforms and call loggers built on Dialogic boards store
//! calls: headerless in `.vox` files ([`crate::headerless`]), or in WAV files (format tags
//! 0x0010 and 0x0017, [`wav`]). symphonia does not decode it, so the codes are decoded here,
//! exactly as FFmpeg (`adpcm_ima_oki`), SoX and libsndfile decode them, and read as 16-bit WAV
//! ([`crate::decoded_wav`]).

pub(crate) mod wav;

use std::io::Read;

use crate::decoded_wav::{pairs_decoded, PairCodec};
use crate::header_view::Replacement;

/// The codec's short name (FFmpeg's is `adpcm_ima_oki`).
pub(crate) const OKI_ADPCM: &str = "adpcm_oki";

/// The source to read in place of the codes from `source`'s position on, one channel at
/// `rate`: the 16-bit WAV they decode to, of `len` bytes of codes where that is known (each byte
/// is two samples), to the end otherwise.
pub(crate) fn decoded<'s, R: Read + Send + Sync + 's>(
    source: R,
    rate: u32,
    len: Option<u64>,
) -> Replacement<'s> {
    pairs_decoded(source, Oki::default(), OKI_ADPCM, rate, len)
}

/// The step sizes of the OKI (Dialogic) ADPCM algorithm, about 10 % apart.
const STEPS: [i32; 49] = [
    16, 17, 19, 21, 23, 25, 28, 31, 34, 37, 41, 45, 50, 55, 60, 66, 73, 80, 88, 97, 107, 118, 130,
    143, 157, 173, 190, 209, 230, 253, 279, 307, 337, 371, 408, 449, 494, 544, 598, 658, 724, 796,
    876, 963, 1060, 1166, 1282, 1411, 1552,
];

/// How a code's magnitude (its low three bits) moves the step: down one for 0-3, up 2, 4, 6, 8
/// for 4-7.
const STEP_CHANGES: [isize; 8] = [-1, -1, -1, -1, 2, 4, 6, 8];

/// The decoder's state: the last sample (12 bits) and the step's place in [`STEPS`].
#[derive(Debug, Default)]
struct Oki {
    last: i32,
    step: usize,
}

impl Oki {
    /// The next sample, at 16 bits, of the 4-bit `code`: the last sample moved by (2m + 1)/8 of
    /// the step (m, the low three bits, the magnitude; bit 3 the sign), held within 12 bits.
    fn sample(&mut self, code: u8) -> i16 {
        let magnitude = usize::from(code & 7);
        let difference = ((2 * magnitude as i32 + 1) * STEPS[self.step]) >> 3;
        let signed = if code & 8 == 0 {
            difference
        } else {
            -difference
        };
        self.last = (self.last + signed).clamp(-2048, 2047);
        self.step = self
            .step
            .saturating_add_signed(STEP_CHANGES[magnitude])
            .min(STEPS.len() - 1);
        (self.last << 4) as i16
    }
}

impl PairCodec for Oki {
    /// The high nibble's sample, then the low one's.
    fn decode(&mut self, byte: u8) -> [i16; 2] {
        [self.sample(byte >> 4), self.sample(byte & 15)]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_move_by_fractions_of_a_step_that_grows_and_shrinks() {
        let mut oki = Oki::default();
        // Magnitude 0 at step 16: (1 * 16) >> 3 = 2, at 16 bits 32; the step stays at its least.
        assert_eq!(oki.sample(0b0000), 32);
        // Magnitude 7: (15 * 16) >> 3 = 30, so 32 (512); the step moves up eight places, to 34.
        assert_eq!(oki.sample(0b0111), 512);
        // The same magnitude negative: (15 * 34) >> 3 = 63 down, to -31.
        assert_eq!(oki.sample(0b1111), -31 * 16);
        // Loud codes in a row saturate at the 12-bit limits instead of wrapping around.
        let top: Vec<i16> = (0..200).map(|_| oki.sample(0b0111)).collect();
        assert_eq!(top.last(), Some(&(2047 * 16)));
        let bottom: Vec<i16> = (0..200).map(|_| oki.sample(0b1111)).collect();
        assert_eq!(bottom.last(), Some(&(-2048 * 16)));
    }
}
