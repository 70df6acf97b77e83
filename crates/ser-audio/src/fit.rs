//! Cropping and zero-padding to a fixed duration, as clips are standardised for the model.

/// Skips `offset_s` seconds, then keeps exactly `duration_s` seconds: longer input is cropped,
/// shorter input is padded with zeros at the end.
pub fn fit_duration(samples: &[f32], rate: u32, offset_s: f64, duration_s: f64) -> Vec<f32> {
    let offset = seconds_to_samples(offset_s, rate).min(samples.len());
    let len = seconds_to_samples(duration_s, rate);
    let mut out: Vec<f32> = samples[offset..].iter().take(len).copied().collect();
    out.resize(len, 0.0);
    out
}

/// Number of samples in `secs` seconds, rounded to the nearest sample; negative → 0.
pub(crate) fn seconds_to_samples(secs: f64, rate: u32) -> usize {
    (secs.max(0.0) * rate as f64).round() as usize
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crops_and_pads() {
        let x: Vec<f32> = (0..10).map(|v| v as f32).collect();
        assert_eq!(
            fit_duration(&x, 10, 0.2, 0.5),
            vec![2.0, 3.0, 4.0, 5.0, 6.0]
        );
        assert_eq!(fit_duration(&x, 10, 0.8, 0.4), vec![8.0, 9.0, 0.0, 0.0]);
        assert_eq!(fit_duration(&x, 10, 2.0, 0.2), vec![0.0, 0.0]);
    }

    #[test]
    fn the_window_length_is_the_length_fitting_gives() {
        for (rate, duration) in [(16_000, 3.0), (22_050, 1.0 / 3.0), (8_000, 0.0)] {
            let opts = crate::LoadOptions {
                sample_rate: rate,
                duration_s: Some(duration),
                ..crate::LoadOptions::default()
            };
            let fitted = fit_duration(&[0.5; 100], rate, 0.0, duration);
            assert_eq!(
                opts.window_len(),
                Some(fitted.len()),
                "{duration} s at {rate} Hz"
            );
        }
        assert_eq!(crate::LoadOptions::default().window_len(), None);
    }

    #[test]
    fn fitting_skips_the_offset_and_fits_a_set_duration() {
        let x: Vec<f32> = (0..10).map(|v| v as f32).collect();
        let opts = |offset_s, duration_s| crate::LoadOptions {
            sample_rate: 10,
            offset_s,
            duration_s,
            ..crate::LoadOptions::default()
        };
        assert_eq!(
            opts(0.8, Some(0.4)).fit(x.clone()),
            vec![8.0, 9.0, 0.0, 0.0]
        );
        assert_eq!(opts(0.7, None).fit(x.clone()), vec![7.0, 8.0, 9.0]);
        assert_eq!(opts(0.7, None).skip_offset(&x), &x[7..]);
        assert_eq!(opts(0.0, None).fit(x.clone()), x);
        assert!(opts(1.5, None).fit(x.clone()).is_empty());
    }
}
