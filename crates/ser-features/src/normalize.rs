//! Per-utterance feature normalisation.

use ndarray::{Array2, Axis};

/// Standardises each row (mel band) to zero mean and unit variance over time, in place.
/// Bands with (near) zero variance are only centered, so silence stays finite.
pub fn standardize(features: &mut Array2<f32>) {
    for mut row in features.axis_iter_mut(Axis(0)) {
        let n = row.len().max(1) as f32;
        let mean = row.sum() / n;
        let var = row.iter().map(|v| (v - mean).powi(2)).sum::<f32>() / n;
        let inv = if var > 1e-8 { var.sqrt().recip() } else { 1.0 };
        row.mapv_inplace(|v| (v - mean) * inv);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    #[test]
    fn rows_get_zero_mean_unit_variance() {
        let mut x = array![[1.0f32, 2.0, 3.0, 4.0], [5.0, 5.0, 5.0, 5.0]];
        standardize(&mut x);
        let r0 = x.row(0);
        assert!(r0.sum().abs() < 1e-6);
        assert!((r0.iter().map(|v| v * v).sum::<f32>() / 4.0 - 1.0).abs() < 1e-5);
        assert!(x.row(1).iter().all(|v| *v == 0.0));
    }
}
