//! Power → decibels, as `librosa.power_to_db`.

use crate::params::DbReference;

/// In place: `10·log10(max(amin, S)) − 10·log10(max(amin, ref))`, then everything below
/// `max − top_db` is raised to that floor. With [`DbReference::Max`] the reference is the
/// largest value of `values` (librosa's `ref=np.max`).
#[inline(always)] // compiled into Extractor's AVX2 variant
pub fn power_to_db(values: &mut [f32], db_ref: DbReference, amin: f32, top_db: Option<f32>) {
    let max = values.iter().cloned().fold(f32::NEG_INFINITY, f32::max);
    let reference = match db_ref {
        DbReference::Max => max,
        DbReference::Fixed(r) => r,
    };
    // The logarithm dominates the cost of the dB step: `decibels` is branch-free arithmetic
    // that the compiler vectorises.
    let amin = amin.max(f32::MIN_POSITIVE);
    // The same function for the reference, so that a value equal to it gives exactly 0 dB.
    let offset = decibels(reference.max(amin));
    for v in values.iter_mut() {
        *v = decibels(v.max(amin)) - offset;
    }
    // log10 is monotonic, so the loudest dB value is that of the largest power.
    let peak = decibels(max.max(amin)) - offset;
    if let Some(top) = top_db {
        let floor = peak - top;
        for v in values.iter_mut() {
            *v = v.max(floor);
        }
    }
}

/// `10·log10(x)` for positive, finite, normal `x`, within 1e-5 dB (plus f32 rounding of the
/// result): the exponent from the
/// bits and `log2` of the mantissa (taken in [√½, √2)) from the series
/// `log2 m = 2/ln 2 · (s + s³/3 + s⁵/5 + s⁷/7)`, `s = (m − 1)/(m + 1)`, |s| < 0.172.
#[inline(always)]
fn decibels(x: f32) -> f32 {
    const DB_PER_OCTAVE: f32 = 10.0 * std::f32::consts::LOG10_2;
    let bits = x.to_bits();
    // Shift the mantissa range to [√½, √2): mantissas above √2 count as half of the next octave.
    let shifted = bits.wrapping_add(0x3f80_0000 - 0x3f35_04f3);
    let exponent = ((shifted >> 23) as i32 - 127) as f32;
    let m = f32::from_bits((shifted & 0x007f_ffff) + 0x3f35_04f3);
    let s = (m - 1.0) / (m + 1.0);
    let s2 = s * s;
    let series = s * (1.0 + s2 * (1.0 / 3.0 + s2 * (1.0 / 5.0 + s2 * (1.0 / 7.0))));
    DB_PER_OCTAVE * (exponent + std::f32::consts::LOG2_E * 2.0 * series)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decibels_match_log10_over_the_whole_range() {
        // Within 1e-5 dB plus the rounding of an f32 of that size (a few ulps).
        let mut x = 1e-30f32;
        while x < 1e30 {
            let want = 10.0 * (x as f64).log10();
            let allowed = 1e-5 + 4.0 * f32::EPSILON as f64 * want.abs();
            let err = (decibels(x) as f64 - want).abs();
            assert!(err < allowed, "10·log10({x}): off by {err} dB");
            x *= 1.000_37;
        }
    }

    #[test]
    fn matches_librosa_definition() {
        let mut v = vec![1.0, 0.1, 1e-12, 0.0];
        power_to_db(&mut v, DbReference::Max, 1e-10, Some(80.0));
        assert_eq!(v[0], 0.0);
        assert!((v[1] + 10.0).abs() < 1e-5);
        assert!((v[2] + 80.0).abs() < 1e-5, "floored at top_db: {v:?}");
        let mut v = vec![100.0, 1e-12];
        power_to_db(&mut v, DbReference::Fixed(1.0), 1e-10, None);
        assert!((v[0] - 20.0).abs() < 1e-5 && (v[1] + 100.0).abs() < 1e-4);
    }

    #[test]
    fn silence_stays_finite() {
        let mut v = vec![0.0; 10];
        power_to_db(&mut v, DbReference::Max, 1e-10, Some(80.0));
        assert!(v.iter().all(|x| *x == 0.0));
    }
}
