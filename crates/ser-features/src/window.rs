//! Analysis windows.

/// A periodic Hann window of `win_length` samples (scipy's `get_window('hann', N,
/// fftbins=True)`), zero-padded symmetrically to `n_fft` as `librosa.util.pad_center` does.
pub fn hann_window(win_length: usize, n_fft: usize) -> Vec<f64> {
    let mut w = vec![0.0; n_fft];
    let offset = (n_fft - win_length) / 2;
    for (i, v) in w[offset..offset + win_length].iter_mut().enumerate() {
        *v = 0.5 - 0.5 * (2.0 * std::f64::consts::PI * i as f64 / win_length as f64).cos();
    }
    w
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn periodic_hann_is_centered() {
        let w = hann_window(4, 8);
        let expect = [0.0, 0.0, 0.0, 0.5, 1.0, 0.5, 0.0, 0.0];
        for (a, b) in w.iter().zip(expect) {
            assert!((a - b).abs() < 1e-12, "{w:?}");
        }
    }
}
