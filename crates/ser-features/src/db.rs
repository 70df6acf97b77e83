//! Power → decibels, as `librosa.power_to_db`.

use wide::f32x8;

use crate::params::DbReference;

/// In place: `10·log10(max(amin, S)) − 10·log10(max(amin, ref))`, then everything below
/// `max − top_db` is raised to that floor. With [`DbReference::Max`] the reference is the
/// largest value of `values` (librosa's `ref=np.max`).
pub fn power_to_db(values: &mut [f32], db_ref: DbReference, amin: f32, top_db: Option<f32>) {
    let max = values.iter().cloned().fold(f32::NEG_INFINITY, f32::max);
    let reference = match db_ref {
        DbReference::Max => max,
        DbReference::Fixed(r) => r,
    };
    let offset = 10.0 * reference.max(amin).log10();
    // The logarithm dominates the cost of a log-mel: take it eight lanes at a time.
    let (amin8, offset8, ten) = (f32x8::splat(amin), f32x8::splat(offset), f32x8::splat(10.0));
    let mut chunks = values.chunks_exact_mut(8);
    for chunk in &mut chunks {
        let v = f32x8::from(<[f32; 8]>::try_from(&*chunk).expect("chunk of 8"));
        chunk.copy_from_slice(&(ten * v.max(amin8).log10() - offset8).to_array());
    }
    for v in chunks.into_remainder() {
        *v = 10.0 * v.max(amin).log10() - offset;
    }
    // log10 is monotonic, so the loudest dB value is that of the largest power.
    let peak = 10.0 * max.max(amin).log10() - offset;
    if let Some(top) = top_db {
        let floor = peak - top;
        for v in values.iter_mut() {
            *v = v.max(floor);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
