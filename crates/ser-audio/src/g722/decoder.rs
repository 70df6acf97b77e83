//! The G.722 decoder of ITU-T Recommendation G.722 at 64 kbit/s, in integer arithmetic as the
//! standard defines it, so that it gives the samples FFmpeg and SpanDSP give to the bit.
//!
//! Each byte holds a 6-bit code of the low sub-band (0-4 kHz) and a 2-bit code of the high one
//! (4-8 kHz), each an adaptive quantizer's index of the difference between the band's signal and
//! its prediction. Per band, the code is scaled by the quantizer's adaptive step (`det`), added to
//! the prediction to give the band's sample, and the step and the predictor (two poles, six
//! zeros) are adapted; the two band samples then pass a 24-tap QMF filter bank that gives two
//! 16 kHz samples. The block names in the comments (INVQBL, LOGSCL, UPPOL2…) are the standard's.
//!
//! Written here because the decoder of the `audio-codec` crate (0.4.13) starts both bands from a
//! step of 0 instead of the standard's 32 and 8, and so differs from FFmpeg's by up to 665 in
//! 32768 on the speech fixture of tests/formats.rs (36 dB); `ezk-g722` brings an RTP stack and
//! tokio.

use crate::decoded_wav::PairCodec;

/// Low band: the inverse quantizer's values of the 6-bit codes (INVQBL, 64 kbit/s).
const QM6: [i32; 64] = [
    -136, -136, -136, -136, -24808, -21904, -19008, -16704, -14984, -13512, -12280, -11192, -10232,
    -9360, -8576, -7856, -7192, -6576, -6000, -5456, -4944, -4464, -4008, -3576, -3168, -2776,
    -2400, -2032, -1688, -1360, -1040, -728, 24808, 21904, 19008, 16704, 14984, 13512, 12280,
    11192, 10232, 9360, 8576, 7856, 7192, 6576, 6000, 5456, 4944, 4464, 4008, 3576, 3168, 2776,
    2400, 2032, 1688, 1360, 1040, 728, 432, 136, -432, -136,
];

/// Low band: the values of the code's 4 most significant bits, which drive the adaptation
/// (INVQAL), so that a decoder of any rate adapts alike.
const QM4: [i32; 16] = [
    0, -20456, -12896, -8968, -6288, -4240, -2584, -1200, 20456, 12896, 8968, 6288, 4240, 2584,
    1200, 0,
];

/// Low band: a 4-bit code's magnitude class (RL42) and how it moves the log step (WL).
const RL42: [usize; 16] = [0, 7, 6, 5, 4, 3, 2, 1, 7, 6, 5, 4, 3, 2, 1, 0];
const WL: [i32; 8] = [-60, -30, 58, 172, 334, 538, 1198, 3042];

/// High band: the inverse quantizer's values of the 2-bit codes (INVQAH), their magnitude class
/// (RH2) and how it moves the log step (WH).
const QM2: [i32; 4] = [-7408, -1616, 7408, 1616];
const RH2: [usize; 4] = [2, 1, 2, 1];
const WH: [i32; 3] = [0, -214, 798];

/// The step sizes of one octave of the log step, 2^(i/32) at 11 bits (ILB).
const ILB: [i32; 32] = [
    2048, 2093, 2139, 2186, 2233, 2282, 2332, 2383, 2435, 2489, 2543, 2599, 2656, 2714, 2774, 2834,
    2896, 2960, 3025, 3091, 3158, 3228, 3298, 3371, 3444, 3520, 3597, 3676, 3756, 3838, 3922, 4008,
];

/// The receive QMF's coefficients, of one half of its symmetric 24 taps.
const QMF: [i32; 12] = [3, -11, 12, 32, -210, 951, 3876, -805, 362, -156, 53, -11];

/// `x` held within 16 bits, as the standard's arithmetic holds every signal.
fn sat16(x: i32) -> i32 {
    x.clamp(-32768, 32767)
}

/// One sub-band's adaptive quantizer step and predictor.
#[derive(Debug, Clone)]
struct Band {
    /// The quantizer's step (DET) and its logarithm (NB).
    det: i32,
    nb: i32,
    /// The prediction of the next sample (S) and its zero section's part (SZ).
    s: i32,
    sz: i32,
    /// The last two reconstructed samples (R), partial reconstructions (P, zeros and
    /// difference) and pole coefficients (A), latest first.
    r: [i32; 2],
    p: [i32; 2],
    a: [i32; 2],
    /// The last six quantized differences (D) and zero coefficients (B), latest first.
    d: [i32; 6],
    b: [i32; 6],
}

impl Band {
    /// A band at the start of a stream, its step at `det`.
    fn new(det: i32) -> Self {
        Self {
            det,
            nb: 0,
            s: 0,
            sz: 0,
            r: [0; 2],
            p: [0; 2],
            a: [0; 2],
            d: [0; 6],
            b: [0; 6],
        }
    }

    /// The step's adaptation (LOGSCL and SCALEL, or their high band's twins): the log step
    /// leaks towards 0 and moves by `change`, within `0..=max_nb`; the step is then
    /// `ILB[fraction] · 2^(octave - offset) · 4`, the log step's bits 6-10 giving the fraction
    /// of an octave and its bits from 11 up the octave (`offset`: 8 for the low band, 10 for the
    /// high).
    fn adapt_step(&mut self, change: i32, max_nb: i32, offset: i32) {
        self.nb = (((self.nb * 127) >> 7) + change).clamp(0, max_nb);
        let fraction = ILB[((self.nb >> 6) & 31) as usize];
        let shift = offset - (self.nb >> 11);
        let step = if shift < 0 {
            fraction << -shift
        } else {
            fraction >> shift
        };
        self.det = step << 2;
    }

    /// The predictor's update with the quantized difference `d` (the standard's block 4:
    /// RECONS, PARREC, UPPOL2, UPPOL1, UPZERO, DELAYA, FILTEP, FILTEZ, PREDIC).
    fn update(&mut self, d: i32) {
        let r0 = sat16(self.s + d);
        let p0 = sat16(self.sz + d);
        // The signs of the partial reconstructions, as 0 or -1.
        let (sg0, sg1, sg2) = (p0 >> 15, self.p[0] >> 15, self.p[1] >> 15);

        // UPPOL2: the second pole coefficient.
        let wd1 = sat16(self.a[0] << 2);
        let wd2 = (if sg0 == sg1 { -wd1 } else { wd1 }).min(32767);
        let mut a2 = if sg0 == sg2 { 128 } else { -128 };
        a2 += wd2 >> 7;
        a2 += (self.a[1] * 32512) >> 15;
        let a2 = a2.clamp(-12288, 12288);
        // UPPOL1: the first, kept within the bound that keeps the poles stable.
        let a1 = sat16(if sg0 == sg1 { 192 } else { -192 } + ((self.a[0] * 32640) >> 15));
        let limit = sat16(15360 - a2);
        let a1 = a1.clamp(-limit, limit);
        // UPZERO: each zero coefficient leaks and moves towards agreeing in sign.
        let step = if d == 0 { 0 } else { 128 };
        for (b, &older) in self.b.iter_mut().zip(&self.d) {
            let towards = if older >> 15 == d >> 15 { step } else { -step };
            *b = sat16(towards + ((*b * 32640) >> 15));
        }

        // DELAYA: the new values join the histories.
        self.d.copy_within(0..5, 1);
        self.d[0] = d;
        self.r = [r0, self.r[0]];
        self.p = [p0, self.p[0]];
        self.a = [a1, a2];

        // FILTEP, FILTEZ, PREDIC: the next prediction, poles and zeros.
        let pole = |a: i32, r: i32| (a * sat16(r + r)) >> 15;
        let sp = sat16(pole(self.a[0], self.r[0]) + pole(self.a[1], self.r[1]));
        let zeros: i32 = self.b.iter().zip(&self.d).map(|(&b, &d)| pole(b, d)).sum();
        self.sz = sat16(zeros);
        self.s = sat16(sp + self.sz);
    }
}

/// A G.722 decoder (64 kbit/s), its state carried from one code to the next.
#[derive(Debug, Clone)]
pub(crate) struct G722Decoder {
    low: Band,
    high: Band,
    /// The receive QMF's last 24 inputs (sums and differences of the bands), oldest first.
    qmf: [i32; 24],
}

impl G722Decoder {
    /// A decoder at the start of a stream.
    pub(crate) fn new() -> Self {
        Self {
            low: Band::new(32),
            high: Band::new(8),
            qmf: [0; 24],
        }
    }
}

impl PairCodec for G722Decoder {
    /// The two 16 kHz samples, in time order, that the next `code` decodes to.
    fn decode(&mut self, code: u8) -> [i16; 2] {
        let (ilow, ihigh) = (usize::from(code & 0x3f), usize::from(code >> 6));

        // Low band: INVQBL and RECONS with the 6-bit code, LIMIT; the adaptation by its 4 bits.
        let low = &mut self.low;
        let rlow = (low.s + ((low.det * QM6[ilow]) >> 15)).clamp(-16384, 16383);
        let dlow = (low.det * QM4[ilow >> 2]) >> 15;
        low.adapt_step(WL[RL42[ilow >> 2]], 18432, 8);
        low.update(dlow);

        // High band: INVQAH, RECONS, LIMIT and its adaptation.
        let high = &mut self.high;
        let dhigh = (high.det * QM2[ihigh]) >> 15;
        let rhigh = (high.s + dhigh).clamp(-16384, 16383);
        high.adapt_step(WH[RH2[ihigh]], 22528, 10);
        high.update(dhigh);

        // The receive QMF: two samples from the bands' sum and difference.
        self.qmf.copy_within(2..24, 0);
        self.qmf[22] = rlow + rhigh;
        self.qmf[23] = rlow - rhigh;
        let (mut even, mut odd) = (0, 0);
        for (i, &c) in QMF.iter().enumerate() {
            even += self.qmf[2 * i] * c;
            odd += self.qmf[2 * i + 1] * QMF[11 - i];
        }
        [sat16(odd >> 11) as i16, sat16(even >> 11) as i16]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_band_starts_at_its_smallest_step_and_adapts_between_its_bounds() {
        // The standard starts both bands at the step of a log step of 0 (32 and 8), the step
        // that quiet codes bring them back to; loud codes raise it to the largest (log steps
        // 18432 and 22528, a step of 16384 in both).
        let mut decoder = G722Decoder::new();
        assert_eq!((decoder.low.det, decoder.high.det), (32, 8));
        // 0x04: the low band's largest negative difference, the high band's too.
        let loud: Vec<i16> = (0..2_000).flat_map(|_| decoder.decode(0x04)).collect();
        assert_eq!((decoder.low.nb, decoder.high.nb), (18432, 22528));
        assert_eq!((decoder.low.det, decoder.high.det), (16384, 16384));
        assert!(loud.iter().any(|s| s.unsigned_abs() > 16_000));
        // 0xFF: the smallest differences in both bands.
        let quiet: Vec<i16> = (0..2_000).flat_map(|_| decoder.decode(0xFF)).collect();
        assert_eq!((decoder.low.det, decoder.high.det), (32, 8));
        assert!(quiet[3_000..].iter().all(|s| s.abs() < 64));
    }
}
