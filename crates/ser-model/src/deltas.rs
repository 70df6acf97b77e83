//! Delta channels: the slope of every mel band over time (Δ) and the slope of that slope (ΔΔ),
//! stacked beside the log-mel as the network's input channels, as speech recognisers have long
//! done and 3-D log-mel SER networks do (Chen et al., 2018).
//!
//! A convolution's 3×3 kernel sees three frames (30 ms); Δ's regression spans nine frames
//! (90 ms) and ΔΔ, the same regression applied twice, seventeen (170 ms), so the first block
//! sees how a band rises or falls over that span without deeper layers having to learn it.
//! Computed inside the network from the (standardised) log-mel, so features, caches and
//! SpecAugment stay as they are.

use burn::tensor::ops::PadMode;
use burn::tensor::Tensor;

/// Frames on each side of the regression: librosa's and HTK's default width of 9 frames.
const HALF_WIDTH: usize = 4;

/// Channels that [`with_deltas`] makes of each input channel: itself, Δ and ΔΔ.
pub const CHANNELS_PER_INPUT: usize = 3;

/// `[B, C, mels, frames]` → `[B, 3C, mels, frames]`: the input, its Δ and its ΔΔ (Δ of Δ).
pub fn with_deltas(x: Tensor<4>) -> Tensor<4> {
    let d1 = delta(x.clone());
    let d2 = delta(d1.clone());
    Tensor::cat(vec![x, d1, d2], 1)
}

/// The regression slope over time of every value of `[B, C, mels, frames]`:
/// `Σₙ n·(x[t+n] − x[t−n]) / (2 Σₙ n²)` for n = 1..=4, with the first and last frames repeated
/// beyond the edges (`librosa.feature.delta(x, width=9, mode='nearest')`).
pub fn delta(x: Tensor<4>) -> Tensor<4> {
    let n = HALF_WIDTH;
    let frames = x.dims()[3];
    // (Edge padding has no edge to repeat in an empty clip.)
    if frames == 0 {
        return x;
    }
    let padded = x.pad([(n, n)], PadMode::Edge);
    let norm = 2.0 * (1..=n).map(|k| (k * k) as f32).sum::<f32>();
    (1..=n)
        .map(|k| {
            let ahead = padded.clone().narrow(3, n + k, frames);
            let behind = padded.clone().narrow(3, n - k, frames);
            (ahead - behind) * (k as f32 / norm)
        })
        .reduce(|a, b| a + b)
        .expect("a positive half-width")
}

#[cfg(test)]
mod tests {
    use burn::tensor::{Tensor, TensorData};

    use super::{delta, with_deltas};
    use crate::tensor_values;

    fn row(values: Vec<f32>) -> Tensor<4> {
        let n = values.len();
        Tensor::from_data(TensorData::new(values, [1, 1, 1, n]), &crate::cpu())
    }

    #[test]
    fn delta_is_the_slope_of_a_ramp_and_flattens_at_the_repeated_edges() {
        // x[t] = 2t over 12 frames: slope 2 wherever all nine frames are real, less towards
        // the edges, where x[0] and x[11] are repeated. The reference is
        // `librosa.feature.delta(2 * np.arange(12.0), width=9, mode='nearest')` (librosa 0.11).
        let librosa = [
            1.0, 1.3333, 1.6333, 1.8667, 2.0, 2.0, 2.0, 2.0, 1.8667, 1.6333, 1.3333, 1.0,
        ];
        let ramp: Vec<f32> = (0..12).map(|t| 2.0 * t as f32).collect();
        let d = tensor_values(delta(row(ramp)));
        for (t, (got, want)) in d.iter().zip(librosa).enumerate() {
            assert!(
                (got - want).abs() < 1e-4,
                "frame {t}: {got}, librosa {want}"
            );
        }
        // A constant has no slope.
        assert!(tensor_values(delta(row(vec![3.0; 10])))
            .iter()
            .all(|v| v.abs() < 1e-6));
        // No frames, no slope, and no edge to repeat.
        let empty = Tensor::<4>::zeros([1, 1, 2, 0], &crate::cpu());
        assert_eq!(delta(empty).dims(), [1, 1, 2, 0]);
    }

    #[test]
    fn with_deltas_stacks_the_input_its_delta_and_delta_delta_as_channels() {
        // x[t] = t²: Δ is 2t in the interior, and ΔΔ the constant 2 well inside.
        let square: Vec<f32> = (0..20).map(|t| (t * t) as f32).collect();
        let x = Tensor::<4>::from_data(
            TensorData::new(square.clone(), [1, 1, 1, 20]),
            &crate::cpu(),
        );
        let stacked = with_deltas(x);
        assert_eq!(stacked.dims(), [1, 3, 1, 20]);
        let v = tensor_values(stacked);
        assert_eq!(&v[..20], &square[..]);
        assert!((v[20 + 10] - 20.0).abs() < 1e-4, "Δ at t = 10: {}", v[30]);
        assert!((v[40 + 10] - 2.0).abs() < 1e-4, "ΔΔ at t = 10: {}", v[50]);
    }
}
