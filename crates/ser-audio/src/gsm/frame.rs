//! One GSM 06.10 frame's parameters (20 ms, 260 bits) and how WAV files pack two of them into
//! a 65-byte block ("WAV49", Microsoft's GSM 6.10).

/// Bytes of one WAV49 block: two 260-bit frames, bits in order from each byte's least
/// significant bit.
pub(crate) const BLOCK_BYTES: usize = 65;
/// Samples one WAV49 block decodes to: two frames of 160 at 8 kHz.
pub(crate) const BLOCK_SAMPLES: usize = 2 * FRAME_SAMPLES;
/// Samples one frame decodes to.
pub(crate) const FRAME_SAMPLES: usize = 160;

/// Widths in bits of the eight coded log-area ratios.
const LAR_BITS: [u32; 8] = [6, 6, 5, 5, 4, 4, 3, 3];

/// The coded parameters of one 5 ms subframe of the excitation.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub(crate) struct Subframe {
    /// Long-term predictor lag, 40..=120 when valid (7 bits).
    pub lag: i16,
    /// Long-term predictor gain index (2 bits).
    pub gain: i16,
    /// Which of the four 13-pulse grids the excitation lies on (2 bits).
    pub grid: i16,
    /// Block maximum of the pulses, log-coded (6 bits).
    pub xmax: i16,
    /// The 13 pulses, 3 bits each.
    pub pulses: [i16; 13],
}

/// The coded parameters of one frame: the short-term filter's log-area ratios and four
/// subframes of excitation.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub(crate) struct Frame {
    /// Coded log-area ratios, as unsigned fields of [`LAR_BITS`] bits.
    pub lars: [i16; 8],
    pub subframes: [Subframe; 4],
}

/// Reads fields least significant bit first from consecutive bytes.
struct Bits<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl Bits<'_> {
    fn take(&mut self, width: u32) -> i16 {
        let mut value = 0;
        for i in 0..width {
            let bit = (self.bytes[self.at / 8] >> (self.at % 8)) & 1;
            value |= i16::from(bit) << i;
            self.at += 1;
        }
        value
    }

    fn frame(&mut self) -> Frame {
        let mut frame = Frame::default();
        for (lar, &width) in frame.lars.iter_mut().zip(&LAR_BITS) {
            *lar = self.take(width);
        }
        for sub in &mut frame.subframes {
            sub.lag = self.take(7);
            sub.gain = self.take(2);
            sub.grid = self.take(2);
            sub.xmax = self.take(6);
            for pulse in &mut sub.pulses {
                *pulse = self.take(3);
            }
        }
        frame
    }
}

/// The two frames of a WAV49 block, the first in bits 0..260, the second in bits 260..520.
pub(crate) fn unpack_wav49(block: &[u8; BLOCK_BYTES]) -> [Frame; 2] {
    let mut bits = Bits {
        bytes: block,
        at: 0,
    };
    [bits.frame(), bits.frame()]
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Writes fields least significant bit first: the inverse of [`Bits`].
    fn pack(fields: &[(i16, u32)]) -> [u8; BLOCK_BYTES] {
        let mut block = [0u8; BLOCK_BYTES];
        let mut at = 0;
        for &(value, width) in fields {
            for i in 0..width {
                block[at / 8] |= (((value >> i) & 1) as u8) << (at % 8);
                at += 1;
            }
        }
        assert_eq!(at, 8 * BLOCK_BYTES, "two frames fill the block exactly");
        block
    }

    fn fields(frame: &Frame) -> Vec<(i16, u32)> {
        let mut out: Vec<(i16, u32)> = frame.lars.iter().copied().zip(LAR_BITS).collect();
        for s in &frame.subframes {
            out.extend([(s.lag, 7), (s.gain, 2), (s.grid, 2), (s.xmax, 6)]);
            out.extend(s.pulses.iter().map(|&p| (p, 3)));
        }
        out
    }

    #[test]
    fn two_frames_unpack_from_a_block_field_by_field() {
        // Every field a different value within its width, so a field read from the wrong
        // place or with the wrong width shows.
        let frame = |seed: i16| {
            let mut f = Frame::default();
            for (i, lar) in f.lars.iter_mut().enumerate() {
                *lar = (seed + 7 * i as i16) % (1 << LAR_BITS[i]);
            }
            for (j, s) in f.subframes.iter_mut().enumerate() {
                let j = j as i16 + seed;
                *s = Subframe {
                    lag: 40 + (j * 13) % 81,
                    gain: j % 4,
                    grid: (j + 1) % 4,
                    xmax: (j * 11) % 64,
                    pulses: std::array::from_fn(|k| (j + k as i16) % 8),
                };
            }
            f
        };
        let (first, second) = (frame(1), frame(5));
        let block = pack(&[fields(&first), fields(&second)].concat());
        assert_eq!(unpack_wav49(&block), [first, second]);
    }
}
