//! The GSM 06.10 decoder proper (ETSI EN 300 961, section 4.3): from a frame's parameters to
//! 160 samples, in the standard's 16-bit fixed-point arithmetic, so that the output is the
//! same to the bit as every conforming decoder's (`tests/formats.rs` compares libsndfile's).

use super::frame::{Frame, Subframe, FRAME_SAMPLES};

/// Samples in a subframe.
const SUBFRAME: usize = 40;
/// The long-term predictor's longest lag: the past excitation it keeps.
const MAX_LAG: usize = 120;

/// Offsets, biases and inverse slopes that turn the coded log-area ratios back into values
/// (tables 4.1 and 4.2 of the standard: `MIC`, `B`, `INVA`).
const LAR_MIC: [i16; 8] = [-32, -32, -16, -16, -8, -8, -4, -4];
const LAR_B: [i16; 8] = [0, 0, 2048, -2560, 94, -1792, -341, -1144];
const LAR_INVA: [i16; 8] = [13107, 13107, 13107, 13107, 19223, 17476, 31454, 29708];
/// Mantissas of the pulses' block maximum (table 4.6, `FAC`).
const FAC: [i16; 8] = [18431, 20479, 22527, 24575, 26623, 28671, 30719, 32767];
/// The long-term predictor's gains (table 4.3, `QLB`).
const QLB: [i16; 4] = [3277, 11469, 21299, 32767];
/// The de-emphasis filter's coefficient.
const DEEMPHASIS: i16 = 28180;

fn add(a: i16, b: i16) -> i16 {
    a.saturating_add(b)
}

fn sub(a: i16, b: i16) -> i16 {
    a.saturating_sub(b)
}

/// The standard's `mult_r`: the product of two Q15 numbers, rounded.
fn mult_r(a: i16, b: i16) -> i16 {
    if a == i16::MIN && b == i16::MIN {
        return i16::MAX;
    }
    ((i32::from(a) * i32::from(b) + 16_384) >> 15) as i16
}

/// Arithmetic shift right by `n`, left for negative `n`, as the standard's `asr`.
fn shift_right(a: i16, n: i16) -> i16 {
    match n {
        16.. => -i16::from(a < 0),
        ..=-16 => 0,
        -15..=-1 => ((i32::from(a)) << -n) as i16,
        _ => a >> n,
    }
}

/// The decoder's memory from frame to frame.
pub(crate) struct Synthesizer {
    /// The reconstructed excitation: the last [`MAX_LAG`] samples, then the current subframe.
    excitation: [i16; MAX_LAG + SUBFRAME],
    /// The last valid long-term lag, used when a frame codes an invalid one.
    last_lag: i16,
    /// The previous frame's decoded log-area ratios, interpolated from at each frame's start.
    last_lars: [i16; 8],
    /// The short-term synthesis lattice's state.
    lattice: [i16; 9],
    /// The de-emphasis filter's state.
    deemphasis: i16,
}

impl Default for Synthesizer {
    fn default() -> Self {
        Self {
            excitation: [0; MAX_LAG + SUBFRAME],
            last_lag: 40,
            last_lars: [0; 8],
            lattice: [0; 9],
            deemphasis: 0,
        }
    }
}

impl Synthesizer {
    /// Decodes one frame to 160 samples of 16-bit audio.
    pub(crate) fn decode(&mut self, frame: &Frame) -> [i16; FRAME_SAMPLES] {
        let mut signal = [0i16; FRAME_SAMPLES];
        for (sub, out) in frame
            .subframes
            .iter()
            .zip(signal.chunks_exact_mut(SUBFRAME))
        {
            let pulses = rpe_excitation(sub);
            out.copy_from_slice(self.long_term(sub, &pulses));
        }
        self.short_term(&frame.lars, &mut signal);
        for s in &mut signal {
            self.deemphasis = add(*s, mult_r(self.deemphasis, DEEMPHASIS));
            // Upscaling, and the three least significant bits cleared (13-bit output).
            *s = (add(self.deemphasis, self.deemphasis) as u16 & 0xfff8) as i16;
        }
        signal
    }

    /// Long-term synthesis (4.3.2): the subframe's excitation plus the past excitation one
    /// pitch lag back, scaled by the coded gain. Returns the new subframe of excitation.
    fn long_term(&mut self, sub: &Subframe, pulses: &[i16; SUBFRAME]) -> &[i16] {
        let lag = if (40..=120).contains(&sub.lag) {
            sub.lag
        } else {
            self.last_lag
        };
        self.last_lag = lag;
        let gain = QLB[sub.gain as usize & 3];
        for (k, &pulse) in pulses.iter().enumerate() {
            let past = self.excitation[MAX_LAG + k - lag as usize];
            self.excitation[MAX_LAG + k] = add(pulse, mult_r(gain, past));
        }
        self.excitation.copy_within(SUBFRAME.., 0);
        &self.excitation[MAX_LAG - SUBFRAME..MAX_LAG]
    }

    /// Short-term synthesis (4.3.3-4.3.4): the lattice filter whose reflection coefficients
    /// move from the previous frame's log-area ratios to this frame's over its first 40
    /// samples, filtering `signal` in place.
    fn short_term(&mut self, coded: &[i16; 8], signal: &mut [i16; FRAME_SAMPLES]) {
        let lars: [i16; 8] = std::array::from_fn(|i| {
            let x = sub(add(coded[i], LAR_MIC[i]) << 10, LAR_B[i] << 1);
            let x = mult_r(LAR_INVA[i], x);
            add(x, x)
        });
        let old = self.last_lars;
        // The four stretches of the frame and how each weighs the old and new ratios.
        type Blend = fn(i16, i16) -> i16;
        let stretches: [(usize, Blend); 4] = [
            (13, |o, n| add(add(o >> 2, n >> 2), o >> 1)),
            (14, |o, n| add(o >> 1, n >> 1)),
            (13, |o, n| add(add(o >> 2, n >> 2), n >> 1)),
            (120, |_, n| n),
        ];
        let mut start = 0;
        for (len, blend) in stretches {
            let reflection: [i16; 8] = std::array::from_fn(|i| reflection(blend(old[i], lars[i])));
            for s in &mut signal[start..start + len] {
                let mut x = *s;
                for i in (0..8).rev() {
                    x = sub(x, mult_r(reflection[i], self.lattice[i]));
                    self.lattice[i + 1] = add(self.lattice[i], mult_r(reflection[i], x));
                }
                self.lattice[0] = x;
                *s = x;
            }
            start += len;
        }
        self.last_lars = lars;
    }
}

/// A log-area ratio to its reflection coefficient, by the standard's piecewise-linear
/// approximation (4.2.9.2).
fn reflection(lar: i16) -> i16 {
    let magnitude = if lar == i16::MIN { i16::MAX } else { lar.abs() };
    let r = if magnitude < 11059 {
        magnitude << 1
    } else if magnitude < 20070 {
        magnitude + 11059
    } else {
        add(magnitude >> 2, 26112)
    };
    if lar < 0 {
        -r
    } else {
        r
    }
}

/// The regular-pulse excitation of a subframe (4.3.1): the 13 pulses, scaled by their block
/// maximum, placed every third sample from the coded grid position.
fn rpe_excitation(subframe: &Subframe) -> [i16; SUBFRAME] {
    let xmax = subframe.xmax & 63;
    let mut exponent = if xmax > 15 { (xmax >> 3) - 1 } else { 0 };
    let mut mantissa = xmax - (exponent << 3);
    if mantissa == 0 {
        exponent = -4;
        mantissa = 7;
    } else {
        while mantissa <= 7 {
            mantissa = (mantissa << 1) | 1;
            exponent -= 1;
        }
        mantissa -= 8;
    }
    let scale = FAC[mantissa as usize];
    let shift = sub(6, exponent);
    let rounding = shift_right(1, -sub(shift, 1));
    let mut out = [0i16; SUBFRAME];
    for (i, &pulse) in subframe.pulses.iter().enumerate() {
        let x = ((pulse & 7) << 1) - 7; // 3 bits to an odd value in -7..=7
        let x = add(mult_r(scale, x << 12), rounding);
        out[(subframe.grid & 3) as usize + 3 * i] = shift_right(x, shift);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixed_point_helpers_saturate_and_round_as_the_standard() {
        assert_eq!(add(30_000, 10_000), i16::MAX);
        assert_eq!(sub(-30_000, 10_000), i16::MIN);
        assert_eq!(mult_r(i16::MIN, i16::MIN), i16::MAX);
        assert_eq!(mult_r(16_384, 16_384), 8_192); // 0.5 × 0.5
        assert_eq!(mult_r(1, 16_384), 1); // 0.5 ulp rounds up
        assert_eq!(shift_right(-5, 1), -3);
        assert_eq!(shift_right(1, -3), 8);
        assert_eq!(shift_right(-1, 20), -1);
        assert_eq!(reflection(i16::MIN), -i16::MAX);
    }
}
