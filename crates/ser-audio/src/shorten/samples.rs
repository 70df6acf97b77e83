//! The sample types a Shorten stream declares, and how its decoded numbers become 16-bit
//! samples: integers as they were (unsigned ones about their middle), shifted back by the
//! low bits the coder took out; G.711 µ-law and A-law, which Shorten codes as the 13-bit linear
//! value of each byte, back through their bytes, so that a sample is exactly what the original
//! byte decodes to; and µ-law bytes coded as their ranks (Shorten's `au` types; LDC's µ-law
//! SPHERE files), for which the shift picks the ranking instead ([`ranked_bytes`]).

use std::io;
use std::sync::LazyLock;

use crate::header_view::unsupported;

/// What a stream's decoded numbers stand for (Shorten's `TYPE_*`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum SampleType {
    /// Signed 8-bit.
    S8,
    /// Unsigned 8-bit, about 0x80.
    U8,
    /// Signed 16-bit (either byte order: the numbers are the same).
    S16,
    /// Unsigned 16-bit, about 0x8000.
    U16,
    /// G.711 µ-law, as a 13-bit linear value.
    MuLaw,
    /// G.711 A-law, as a 13-bit linear value.
    ALaw,
    /// G.711 µ-law bytes as their ranks at the block's shift (types 0 and 8; in type 8, which
    /// LDC's SPHERE files use, negative zero has a rank of its own, -1).
    MuLawRanks { zero_apart: bool },
    /// G.711 A-law bytes as signed magnitudes (type 9).
    ALawBytes,
}

impl SampleType {
    /// The type of Shorten's code `code`.
    pub(crate) fn from_code(code: u64) -> io::Result<Self> {
        Ok(match code {
            1 => Self::S8,
            2 => Self::U8,
            3 | 5 => Self::S16,
            4 | 6 => Self::U16,
            7 => Self::MuLaw,
            10 => Self::ALaw,
            0 => Self::MuLawRanks { zero_apart: false },
            8 => Self::MuLawRanks { zero_apart: true },
            9 => Self::ALawBytes,
            _ => return Err(unsupported(format!("shorten: unknown sample type {code}"))),
        })
    }

    /// The value every channel's running mean starts from.
    pub(crate) fn middle(self) -> i32 {
        match self {
            Self::U8 => 0x80,
            Self::U16 => 0x8000,
            _ => 0,
        }
    }

    /// The 16-bit sample a decoded number stands for, coded with `shift` low bits taken out;
    /// numbers out of the type's range are clipped to it.
    pub(crate) fn sample(self, value: i32, shift: u32) -> i16 {
        let clip16 = |v: i32| v.clamp(i16::MIN.into(), i16::MAX.into()) as i16;
        if let Self::MuLawRanks { zero_apart } = self {
            return mu_law_to_linear(ranked_byte(value, shift, zero_apart));
        }
        let value = value.wrapping_shl(shift);
        match self {
            Self::S8 => (value.clamp(-128, 127) << 8) as i16,
            Self::U8 => ((value.clamp(0, 255) - 0x80) << 8) as i16,
            Self::S16 => clip16(value),
            Self::U16 => (value.clamp(0, 0xffff) - 0x8000) as i16,
            Self::MuLaw => mu_law_to_linear(linear_to_mu_law(clip16(value.saturating_mul(8)))),
            Self::ALaw => a_law_to_linear(linear_to_a_law(clip16(value.saturating_mul(8)))),
            Self::ALawBytes => {
                let byte = if value < 0 {
                    (127 - value.max(-128)) ^ 0xd5
                } else {
                    (value.min(127) + 128) ^ 0x55
                };
                a_law_to_linear(byte as u8)
            }
            Self::MuLawRanks { .. } => unreachable!("decoded above"),
        }
    }
}

/// The µ-law byte of `rank` at `shift` ([`ranked_bytes`]); in type 8 (`zero_apart`), rank -1 is
/// negative zero and the lower ranks are one lower than in type 0.
fn ranked_byte(rank: i32, shift: u32, zero_apart: bool) -> u8 {
    let index = match rank {
        -1 if zero_apart => return 0x7f,
        r if zero_apart && r < 0 => r + 129,
        r => r + 128,
    };
    RANKED[shift.min(12) as usize][index.clamp(0, 255) as usize]
}

/// Per shift (0-12), the µ-law byte of each rank from -128 to 127 (at index rank + 128), as
/// Shorten's `mkbshift` builds it. A byte "keeps" a shift when some 16-bit value with that many
/// zero bits above its three lowest codes to it. Ranks count out from zero: positive bytes
/// (0xff, +0, down to 0x80) from 0, those that keep the shift first; negative ones (0x7e down to
/// 0x00) from -1, those that keep it, then negative zero (0x7f), then the rest. A block whose
/// bytes all keep the shift then has ranks near zero, which code in fewer bits.
static RANKED: LazyLock<[[u8; 256]; 13]> = LazyLock::new(ranked_bytes);

fn ranked_bytes() -> [[u8; 256]; 13] {
    let mut max_shift = [0u32; 256];
    for shift in 0..13 {
        for sample in (i32::from(i16::MIN)..=i32::from(i16::MAX)).step_by(8 << shift) {
            max_shift[usize::from(linear_to_mu_law(sample as i16))] = shift;
        }
    }
    let mut table = [[0u8; 256]; 13];
    for (shift, row) in (0u32..).zip(&mut table) {
        let keeps = |b: &u8| max_shift[usize::from(*b)] >= shift;
        let lacks = |b: &u8| max_shift[usize::from(*b)] < shift;
        let positive = (128..=255u8).rev();
        let negative = (0..=126u8).rev();
        for (rank, b) in positive
            .clone()
            .filter(keeps)
            .chain(positive.filter(lacks))
            .enumerate()
        {
            row[128 + rank] = b;
        }
        let below = negative
            .clone()
            .filter(keeps)
            .chain([0x7f])
            .chain(negative.filter(lacks));
        for (n, b) in below.enumerate() {
            row[127 - n] = b;
        }
    }
    table
}

/// G.711 µ-law's 16-bit linear value of a byte.
fn mu_law_to_linear(byte: u8) -> i16 {
    let u = !byte;
    let magnitude = ((i32::from(u & 0x0f) << 3) + 0x84) << ((u & 0x70) >> 4);
    (if u & 0x80 != 0 {
        0x84 - magnitude
    } else {
        magnitude - 0x84
    }) as i16
}

/// G.711 µ-law's byte for a 16-bit linear value (the segment search of the standard's coder).
fn linear_to_mu_law(sample: i16) -> u8 {
    let (magnitude, mask) = if sample < 0 {
        (-(i32::from(sample) >> 2), 0x7f)
    } else {
        (i32::from(sample) >> 2, 0xff)
    };
    let biased = magnitude.min(8159) + 33;
    let segment = (0..8).find(|&s| biased < 0x40 << s).unwrap_or(8);
    if segment >= 8 {
        return 0x7f ^ mask;
    }
    let byte = (segment << 4 | (biased >> (segment + 1)) & 0x0f) as u8;
    byte ^ mask
}

/// G.711 A-law's 16-bit linear value of a byte.
fn a_law_to_linear(byte: u8) -> i16 {
    let a = byte ^ 0x55;
    let mantissa = i32::from(a & 0x0f) << 4;
    let segment = (a & 0x70) >> 4;
    let magnitude = match segment {
        0 => mantissa + 8,
        1 => mantissa + 0x108,
        s => (mantissa + 0x108) << (s - 1),
    };
    (if a & 0x80 != 0 { magnitude } else { -magnitude }) as i16
}

/// G.711 A-law's byte for a 16-bit linear value.
fn linear_to_a_law(sample: i16) -> u8 {
    let value = i32::from(sample) >> 3;
    let (magnitude, mask) = if value >= 0 {
        (value, 0xd5)
    } else {
        (-value - 1, 0x55)
    };
    let segment = (0..8).find(|&s| magnitude < 0x20 << s).unwrap_or(8);
    if segment >= 8 {
        return (0x7f ^ mask) as u8;
    }
    let shift = if segment < 2 { 1 } else { segment };
    let byte = segment << 4 | (magnitude >> shift) & 0x0f;
    (byte ^ mask) as u8
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn g711_bytes_survive_shortens_13_bit_values() {
        // What Shorten's coder keeps of a byte: its linear value without the lowest 3 bits.
        for byte in 0..=255u8 {
            let kept = i32::from(mu_law_to_linear(byte)) >> 3;
            assert_eq!(
                SampleType::MuLaw.sample(kept, 0),
                mu_law_to_linear(byte),
                "µ {byte}"
            );
            let kept = i32::from(a_law_to_linear(byte)) >> 3;
            assert_eq!(
                SampleType::ALaw.sample(kept, 0),
                a_law_to_linear(byte),
                "A {byte}"
            );
        }
    }

    #[test]
    fn g711_values_are_the_standards() {
        // Fixed points of the tables (ITU-T G.711; Sun's g711.c, libsndfile).
        assert_eq!(mu_law_to_linear(0xff), 0);
        assert_eq!(mu_law_to_linear(0x80), 32124);
        assert_eq!(mu_law_to_linear(0x00), -32124);
        assert_eq!(mu_law_to_linear(0xfe), 8);
        assert_eq!(a_law_to_linear(0xd5), 8);
        assert_eq!(a_law_to_linear(0x55), -8);
        assert_eq!(a_law_to_linear(0xaa), 32256);
        assert_eq!(a_law_to_linear(0x2a), -32256);
        // Each coder's byte decodes to the value nearest the input among the table's.
        for byte in 0..=255u8 {
            assert_eq!(
                mu_law_to_linear(linear_to_mu_law(mu_law_to_linear(byte))),
                mu_law_to_linear(byte)
            );
            assert_eq!(
                a_law_to_linear(linear_to_a_law(a_law_to_linear(byte))),
                a_law_to_linear(byte)
            );
        }
    }

    #[test]
    fn integers_keep_their_value_about_the_middle() {
        assert_eq!(SampleType::U8.sample(0x80, 0), 0);
        assert_eq!(SampleType::U8.sample(0xff, 0), 127 << 8);
        assert_eq!(SampleType::S8.sample(-128, 0), i16::MIN);
        assert_eq!(SampleType::U16.sample(0, 0), i16::MIN);
        assert_eq!(SampleType::S16.sample(-40_000, 0), i16::MIN);
        assert_eq!(SampleType::S16.sample(1234, 0), 1234);
        assert_eq!(
            SampleType::S16.sample(617, 1),
            1234,
            "the shifted-out bit back"
        );
        assert!(SampleType::from_code(11)
            .unwrap_err()
            .to_string()
            .contains("type 11"));
    }

    #[test]
    fn mu_law_ranks_are_shortens() {
        let table = ranked_bytes();
        // Shift 0: every byte keeps it; ranks are the bytes counted out from zero.
        let mut row0 = vec![0x7f];
        row0.extend(0..=126);
        row0.extend((128..=255).rev());
        assert_eq!(table[0].to_vec(), row0);
        // Values of Shorten's own table (bitshift.h, from mkbshift).
        assert_eq!(table[1][..9], [112, 114, 116, 118, 120, 122, 124, 126, 127]);
        assert_eq!(table[8][..4], [2, 4, 6, 8]);
        assert_eq!(table[8][128..133], [255, 190, 175, 167, 159]);
        assert_eq!(table[12][126..132], [127, 0, 255, 254, 253, 252]);
        for row in table {
            let mut sorted = row.to_vec();
            sorted.sort_unstable();
            assert_eq!(sorted, (0..=255).collect::<Vec<u8>>(), "every byte once");
        }
        // Type 8 keeps negative zero apart; both zeros decode to 0.
        assert_eq!(ranked_byte(-1, 3, true), 0x7f);
        assert_eq!(ranked_byte(-2, 0, true), ranked_byte(-1, 0, false));
        assert_eq!(SampleType::MuLawRanks { zero_apart: true }.sample(0, 0), 0);
        // A-law bytes as signed magnitudes: 0 is 0xd5 (+8), -1 is 0x55 (-8).
        assert_eq!(SampleType::ALawBytes.sample(0, 0), 8);
        assert_eq!(SampleType::ALawBytes.sample(-1, 0), -8);
    }
}
