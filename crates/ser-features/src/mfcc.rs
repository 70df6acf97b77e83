//! MFCC: the orthonormal DCT-II of a log-mel spectrogram, as `librosa.feature.mfcc`.

use ndarray::{s, Array2, ArrayView2};

/// A precomputed orthonormal DCT-II matrix (`norm='ortho'`) of one length.
#[derive(Debug, Clone)]
pub struct Dct {
    matrix: Array2<f32>,
}

impl Dct {
    /// DCT-II of length `n`.
    pub fn new(n: usize) -> Self {
        let n_in = n;
        let n = n as f64;
        let matrix = Array2::from_shape_fn((n_in, n_in), |(k, i)| {
            let scale = if k == 0 {
                (1.0 / n).sqrt()
            } else {
                (2.0 / n).sqrt()
            };
            (scale * (std::f64::consts::PI * k as f64 * (2 * i + 1) as f64 / (2.0 * n)).cos())
                as f32
        });
        Self { matrix }
    }

    /// The first `n_out` coefficients (at most the length) of the DCT along the first axis of
    /// `(n, frames)`: `(n_out, frames)`.
    pub fn apply(&self, log_mel: ArrayView2<f32>, n_out: usize) -> Array2<f32> {
        let rows = n_out.min(self.matrix.nrows());
        self.matrix.slice(s![..rows, ..]).dot(&log_mel)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    #[test]
    fn orthonormal_and_dc_term() {
        let d = Dct::new(4);
        let x = array![[1.0f32], [1.0], [1.0], [1.0]];
        let y = d.apply(x.view(), 4);
        assert_eq!(d.apply(x.view(), 2).dim(), (2, 1));
        assert!((y[[0, 0]] - 2.0).abs() < 1e-6); // sqrt(1/4) * 4
        assert!(y.iter().skip(1).all(|v| v.abs() < 1e-6));
        let gram = d.matrix.dot(&d.matrix.t());
        for ((i, j), v) in gram.indexed_iter() {
            assert!((v - if i == j { 1.0 } else { 0.0 }).abs() < 1e-6);
        }
    }
}
