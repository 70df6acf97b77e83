//! Per-utterance feature normalisation.

use ndarray::{Array2, Axis};

/// Standardises each row (mel band) to zero mean and unit variance over time, in place.
/// Bands with (near) zero variance are only centered, so silence stays finite.
pub fn standardize(features: &mut Array2<f32>) {
    let every_frame = vec![true; features.ncols()];
    standardize_by(features, &every_frame);
}

/// Like [`standardize`], but each band's mean and variance come only from the frames that hold
/// signal; every frame is then transformed with them. A frame holds no signal when all its
/// bands sit at the spectrogram's floor: the zero padding that fits a short clip to the
/// model's window, or digital silence. So how much padding a clip got (a short utterance, a
/// fast speaker) no longer shifts and scales its speech frames. If no frame holds signal, all
/// of them count.
pub fn standardize_over_signal(features: &mut Array2<f32>) {
    let floor = features.iter().copied().fold(f32::INFINITY, f32::min);
    let signal: Vec<bool> = features
        .axis_iter(Axis(1))
        .map(|frame| frame.iter().any(|v| *v > floor))
        .collect();
    if signal.contains(&true) {
        standardize_by(features, &signal);
    } else {
        standardize(features);
    }
}

/// Standardises each row with the mean and variance of the columns marked in `counted`.
fn standardize_by(features: &mut Array2<f32>, counted: &[bool]) {
    let n = counted.iter().filter(|c| **c).count().max(1) as f32;
    for mut row in features.axis_iter_mut(Axis(0)) {
        let kept = || {
            row.iter()
                .zip(counted)
                .filter(|(_, c)| **c)
                .map(|(v, _)| *v)
        };
        let mean = kept().sum::<f32>() / n;
        let var = kept().map(|v| (v - mean).powi(2)).sum::<f32>() / n;
        let inv = if var > 1e-8 { var.sqrt().recip() } else { 1.0 };
        row.mapv_inplace(|v| (v - mean) * inv);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::{array, s};

    #[test]
    fn rows_get_zero_mean_unit_variance() {
        let mut x = array![[1.0f32, 2.0, 3.0, 4.0], [5.0, 5.0, 5.0, 5.0]];
        standardize(&mut x);
        let r0 = x.row(0);
        assert!(r0.sum().abs() < 1e-6);
        assert!((r0.iter().map(|v| v * v).sum::<f32>() / 4.0 - 1.0).abs() < 1e-5);
        assert!(x.row(1).iter().all(|v| *v == 0.0));
    }

    #[test]
    fn padding_frames_do_not_change_how_the_signal_is_standardised() {
        let speech = array![[-10.0f32, -20.0, -5.0, -12.0], [-30.0, -25.0, -40.0, -35.0]];
        let mut alone = speech.clone();
        standardize(&mut alone);
        for padding in [1, 3, 10] {
            let mut padded = Array2::from_elem((2, 4 + padding), -80.0f32);
            padded.slice_mut(s![.., ..4]).assign(&speech);
            standardize_over_signal(&mut padded);
            for (a, b) in padded.slice(s![.., ..4]).iter().zip(alone.iter()) {
                assert!((a - b).abs() < 1e-5, "{padding} padding frames: {a} vs {b}");
            }
            // The padding is transformed like the signal: far below every band's mean.
            assert!(padded.slice(s![.., 4..]).iter().all(|v| *v < -2.0));
        }
    }

    #[test]
    fn a_frame_with_signal_in_one_band_counts() {
        let mut x = array![[-80.0f32, -80.0, -10.0], [-80.0, -20.0, -80.0]];
        let mut all = x.clone();
        standardize_over_signal(&mut x);
        standardize(&mut all);
        // The first frame is at the floor in both bands and is left out of the statistics.
        assert_ne!(x, all);
        assert!((x[[0, 1]] + x[[0, 2]]).abs() < 1e-5, "{x:?}");
    }

    #[test]
    fn all_silence_is_standardised_over_every_frame() {
        let mut x = Array2::from_elem((3, 5), -80.0f32);
        standardize_over_signal(&mut x);
        assert!(x.iter().all(|v| *v == 0.0));
    }
}
