//! The sample types a Shorten stream declares, and how its decoded numbers become 16-bit
//! samples: integers as they were (unsigned ones about their middle), and G.711 µ-law and
//! A-law, which Shorten codes as the 13-bit linear value of each byte, back through their
//! bytes, so that a sample is exactly what the original byte decodes to.

use std::io;

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
            0 | 8 | 9 => {
                return Err(unsupported(format!(
                    "shorten: G.711 bytes kept as bytes (sample type {code}, `shorten -t au`) are \
                     not decoded; convert them to PCM WAV (ffmpeg -i IN -c:a pcm_s16le OUT.wav)"
                )))
            }
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

    /// The 16-bit sample a decoded number stands for; numbers out of the type's range are
    /// clipped to it.
    pub(crate) fn to_i16(self, value: i32) -> i16 {
        let clip16 = |v: i32| v.clamp(i16::MIN.into(), i16::MAX.into()) as i16;
        match self {
            Self::S8 => (value.clamp(-128, 127) << 8) as i16,
            Self::U8 => ((value.clamp(0, 255) - 0x80) << 8) as i16,
            Self::S16 => clip16(value),
            Self::U16 => (value.clamp(0, 0xffff) - 0x8000) as i16,
            Self::MuLaw => mu_law_to_linear(linear_to_mu_law(clip16(value.saturating_mul(8)))),
            Self::ALaw => a_law_to_linear(linear_to_a_law(clip16(value.saturating_mul(8)))),
        }
    }
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
                SampleType::MuLaw.to_i16(kept),
                mu_law_to_linear(byte),
                "µ {byte}"
            );
            let kept = i32::from(a_law_to_linear(byte)) >> 3;
            assert_eq!(
                SampleType::ALaw.to_i16(kept),
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
        assert_eq!(SampleType::U8.to_i16(0x80), 0);
        assert_eq!(SampleType::U8.to_i16(0xff), 127 << 8);
        assert_eq!(SampleType::S8.to_i16(-128), i16::MIN);
        assert_eq!(SampleType::U16.to_i16(0), i16::MIN);
        assert_eq!(SampleType::S16.to_i16(-40_000), i16::MIN);
        assert_eq!(SampleType::S16.to_i16(1234), 1234);
        assert!(SampleType::from_code(8)
            .unwrap_err()
            .to_string()
            .contains("shorten -t au"));
    }
}
