//! One GSM 06.10 frame's parameters (20 ms, 260 bits) and the two ways files pack them: the
//! standard's 33 bytes per frame (a 4-bit signature, then the fields most significant bit
//! first; raw `.gsm` files), and WAV files' 65-byte blocks of two frames ("WAV49", Microsoft's
//! GSM 6.10; least significant bit first, no signature).

/// Bytes of one WAV49 block: two 260-bit frames, bits in order from each byte's least
/// significant bit.
const BLOCK_BYTES: usize = 65;
/// Samples one WAV49 block decodes to: two frames of 160 at 8 kHz.
const BLOCK_SAMPLES: usize = 2 * FRAME_SAMPLES;
/// Samples one frame decodes to.
pub(crate) const FRAME_SAMPLES: usize = 160;
/// Bytes of one frame as the standard packs it.
const FRAME_BYTES: usize = 33;
/// The four bits that open every frame the standard's way.
const SIGNATURE: u8 = 0xd;

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

/// Reads fields from consecutive bytes, bit by bit.
struct Bits<'a> {
    bytes: &'a [u8],
    at: usize,
    /// WAV49's order: each byte's bits from the least significant, each field's likewise.
    /// Otherwise the standard's: most significant first, in bytes and in fields.
    lsb_first: bool,
}

impl Bits<'_> {
    fn take(&mut self, width: u32) -> i16 {
        let mut value = 0;
        for i in 0..width {
            let byte = self.bytes[self.at / 8];
            if self.lsb_first {
                value |= i16::from((byte >> (self.at % 8)) & 1) << i;
            } else {
                value = (value << 1) | i16::from((byte >> (7 - self.at % 8)) & 1);
            }
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

/// How a file packs its frames.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Packing {
    /// The standard's: 33 bytes a frame, opened by a signature (raw `.gsm` files).
    Standard,
    /// WAV49: two frames in a 65-byte block (WAV files).
    Wav49,
}

impl Packing {
    /// Bytes of the packing's unit: one frame, or a block of two.
    pub(crate) fn unit_bytes(self) -> usize {
        match self {
            Packing::Standard => FRAME_BYTES,
            Packing::Wav49 => BLOCK_BYTES,
        }
    }

    /// Samples one unit decodes to.
    pub(crate) fn unit_samples(self) -> usize {
        match self {
            Packing::Standard => FRAME_SAMPLES,
            Packing::Wav49 => BLOCK_SAMPLES,
        }
    }

    /// Appends the frames of `unit` ([`Self::unit_bytes`] long) to `frames`; `false` when a
    /// standard frame's signature is missing (not GSM).
    pub(crate) fn unpack(self, unit: &[u8], frames: &mut Vec<Frame>) -> bool {
        let lsb_first = self == Packing::Wav49;
        let mut bits = Bits {
            bytes: unit,
            at: 0,
            lsb_first,
        };
        if lsb_first {
            frames.extend([bits.frame(), bits.frame()]);
            return true;
        }
        let signed = bits.take(4) == i16::from(SIGNATURE);
        if signed {
            frames.push(bits.frame());
        }
        signed
    }
}

/// Frames [`looks_like_frames`] wants to see: 160 ms, less than any recording worth a look.
pub(crate) const FRAMES_LOOKED_AT: usize = 8;

/// Whether `bytes` open like a raw GSM file: [`FRAMES_LOOKED_AT`] frames, each starting with
/// the signature (four bits of chance each for other content: 2e-10 for all eight).
pub(crate) fn looks_like_frames(bytes: &[u8]) -> bool {
    let frames = bytes.chunks_exact(FRAME_BYTES).take(FRAMES_LOOKED_AT);
    frames.len() == FRAMES_LOOKED_AT && frames.into_iter().all(|f| f[0] >> 4 == SIGNATURE)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Writes fields into `N` bytes in either bit order: the inverse of [`Bits`].
    fn pack<const N: usize>(fields: &[(i16, u32)], lsb_first: bool) -> [u8; N] {
        let mut bytes = [0u8; N];
        let mut at = 0;
        for &(value, width) in fields {
            for i in 0..width {
                if lsb_first {
                    bytes[at / 8] |= (((value >> i) & 1) as u8) << (at % 8);
                } else {
                    bytes[at / 8] |= (((value >> (width - 1 - i)) & 1) as u8) << (7 - at % 8);
                }
                at += 1;
            }
        }
        assert_eq!(at, 8 * N, "the fields fill the bytes exactly");
        bytes
    }

    fn fields(frame: &Frame) -> Vec<(i16, u32)> {
        let mut out: Vec<(i16, u32)> = frame.lars.iter().copied().zip(LAR_BITS).collect();
        for s in &frame.subframes {
            out.extend([(s.lag, 7), (s.gain, 2), (s.grid, 2), (s.xmax, 6)]);
            out.extend(s.pulses.iter().map(|&p| (p, 3)));
        }
        out
    }

    /// Every field a different value within its width, so that a field read from the wrong
    /// place or with the wrong width shows.
    fn frame(seed: i16) -> Frame {
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
    }

    #[test]
    fn two_frames_unpack_from_a_wav49_block_field_by_field() {
        let (first, second) = (frame(1), frame(5));
        let block: [u8; BLOCK_BYTES] = pack(&[fields(&first), fields(&second)].concat(), true);
        let mut frames = vec![];
        assert!(Packing::Wav49.unpack(&block, &mut frames));
        assert_eq!(frames, [first, second]);
    }

    #[test]
    fn a_standard_frame_unpacks_after_its_signature() {
        let unpack = |fields: &[(i16, u32)]| {
            let bytes: [u8; FRAME_BYTES] = pack(fields, false);
            let mut frames = vec![];
            Packing::Standard
                .unpack(&bytes, &mut frames)
                .then_some(frames)
        };
        let signed = [vec![(SIGNATURE as i16, 4)], fields(&frame(3))].concat();
        assert_eq!(unpack(&signed), Some(vec![frame(3)]));
        let unsigned = [vec![(0xc, 4)], fields(&frame(3))].concat();
        assert_eq!(unpack(&unsigned), None);
    }

    #[test]
    fn raw_frames_are_told_by_their_signatures() {
        let frames: Vec<u8> = (0..10).flat_map(|_| [0xd5; FRAME_BYTES]).collect();
        assert!(looks_like_frames(&frames));
        assert!(looks_like_frames(&frames[..8 * FRAME_BYTES]));
        assert!(
            !looks_like_frames(&frames[..8 * FRAME_BYTES - 1]),
            "too short"
        );
        let mut other = frames.clone();
        other[5 * FRAME_BYTES] = 0x52; // the sixth frame unsigned
        assert!(!looks_like_frames(&other));
        other[5 * FRAME_BYTES] = 0xd0;
        other[9 * FRAME_BYTES] = 0x00; // beyond the eight looked at
        assert!(looks_like_frames(&other));
    }
}
