//! Inference-only CPU kernels for the two layers where burn's flex backend spends most of a
//! prediction: the 2×2 max-pool and the BiLSTM recurrence.
//!
//! Measured on one core with a 3 s clip (`examples`-style timing of the default network): flex's
//! generic pooling kernel (one bounds-checked window walk per output, indices always kept)
//! took ~3.8 ms of the three blocks' pools, and its LSTM (~20 tensor ops per time step and
//! direction) ~2 ms. Here the pool is one pass over contiguous rows and the LSTM projects all
//! time steps' inputs in one matrix product, leaving only a 64×256 product per step.
//!
//! Both compute exactly what burn's layers compute (the tests compare them); the network uses
//! them only for tensors on the CPU that do not track gradients, so training is untouched.

use burn::nn::activation::Activation;
use burn::nn::{BiLstm, GateController, Lstm};
use burn::tensor::{Tensor, TensorData};

/// Whether `x` can take the kernels of this module: on the CPU, without autodiff.
pub fn applies(x: &Tensor<4>) -> bool {
    !x.is_autodiff() && x.device() == crate::cpu()
}

fn to_vec<const D: usize>(x: Tensor<D>) -> Vec<f32> {
    x.into_data().try_to_vec::<f32>().expect("f32 tensor")
}

/// 2×2 max-pool with stride 2 and no padding over `[B, C, H, W]` (an odd last row or column
/// is dropped), as burn's `MaxPool2d::new([2, 2])`.
pub fn max_pool_2x2(x: Tensor<4>) -> Tensor<4> {
    let device = x.device();
    let [b, c, h, w] = x.dims();
    let (oh, ow) = (h / 2, w / 2);
    let data = to_vec(x);
    let mut out = Vec::with_capacity(b * c * oh * ow);
    for plane in data.chunks_exact(h * w) {
        for r in 0..oh {
            let top = &plane[2 * r * w..2 * r * w + 2 * ow];
            let bottom = &plane[(2 * r + 1) * w..(2 * r + 1) * w + 2 * ow];
            out.extend(
                top.chunks_exact(2)
                    .zip(bottom.chunks_exact(2))
                    .map(|(t, u)| t[0].max(t[1]).max(u[0].max(u[1]))),
            );
        }
    }
    Tensor::from_data(TensorData::new(out, [b, c, oh, ow]), &device)
}

/// One direction's weights with the four gates side by side (input, forget, output, cell).
struct Direction {
    /// `[d_in, 4H]`: the input transforms of the gates.
    input: Tensor<2>,
    /// `[4H]`: input and hidden biases, summed.
    bias: Tensor<1>,
    /// `[H, 4H]` row-major: the hidden transforms of the gates.
    hidden: Vec<f32>,
}

impl Direction {
    /// `None` when the LSTM is not the plain kind (sigmoid gates, tanh cell, no clipping,
    /// separate forget gate, biases) these kernels compute.
    fn new(lstm: &Lstm) -> Option<Self> {
        let plain = matches!(lstm.gate_activation, Activation::Sigmoid(_))
            && matches!(lstm.cell_activation, Activation::Tanh(_))
            && matches!(lstm.hidden_activation, Activation::Tanh(_))
            && lstm.clip.is_none()
            && !lstm.input_forget;
        let gates: [&GateController; 4] = [
            &lstm.input_gate,
            lstm.forget_gate.as_ref()?,
            &lstm.output_gate,
            &lstm.cell_gate,
        ];
        if !plain {
            return None;
        }
        let mut bias = Vec::with_capacity(4);
        for g in gates {
            let (bi, bh) = (
                g.input_transform.bias.as_ref()?,
                g.hidden_transform.bias.as_ref()?,
            );
            bias.push(bi.val() + bh.val());
        }
        let input = Tensor::cat(gates.map(|g| g.input_transform.weight.val()).to_vec(), 1);
        let hidden = to_vec(Tensor::cat(
            gates.map(|g| g.hidden_transform.weight.val()).to_vec(),
            1,
        ));
        Some(Self {
            input,
            bias: Tensor::cat(bias, 0),
            hidden,
        })
    }

    /// Runs the recurrence over `pre` (`[B, T, 4H]` input projections, row-major) in time
    /// order or reversed, writing `h_t` to `out[b, t, offset..offset + H]` (`out` is
    /// `[B, T, 2H]`).
    fn run(&self, pre: &[f32], (b, t, h): (usize, usize, usize), reverse: bool, out: &mut [f32]) {
        let offset = if reverse { h } else { 0 };
        let mut z = vec![0.0f32; 4 * h];
        for batch in 0..b {
            let (mut hid, mut cell) = (vec![0.0f32; h], vec![0.0f32; h]);
            for step in 0..t {
                let s = if reverse { t - 1 - step } else { step };
                let row = (batch * t + s) * 4 * h;
                z.copy_from_slice(&pre[row..row + 4 * h]);
                for (hk, weights) in hid.iter().zip(self.hidden.chunks_exact(4 * h)) {
                    for (zj, wj) in z.iter_mut().zip(weights) {
                        *zj += hk * wj;
                    }
                }
                let at = (batch * t + s) * 2 * h + offset;
                for j in 0..h {
                    let gate_in = sigmoid(z[j]);
                    let gate_forget = sigmoid(z[h + j]);
                    let gate_out = sigmoid(z[2 * h + j]);
                    let candidate = z[3 * h + j].tanh();
                    cell[j] = gate_forget * cell[j] + gate_in * candidate;
                    hid[j] = gate_out * cell[j].tanh();
                    out[at + j] = hid[j];
                }
            }
        }
    }
}

fn sigmoid(x: f32) -> f32 {
    1.0 / (1.0 + (-x).exp())
}

/// The per-step outputs `[B, T, 2H]` of a batch-first BiLSTM over `x` (`[B, T, d_in]`),
/// forward direction first, from zero initial states: burn's `BiLstm::forward(x, None).0`.
/// `None` when the LSTM is not of the plain kind [`Direction::new`] accepts.
pub fn bilstm(lstm: &BiLstm, x: Tensor<3>) -> Option<Tensor<3>> {
    if !lstm.batch_first {
        return None;
    }
    let (fwd, rev) = (
        Direction::new(&lstm.forward)?,
        Direction::new(&lstm.reverse)?,
    );
    let device = x.device();
    let [b, t, d_in] = x.dims();
    let h = lstm.d_hidden;
    let flat = x.reshape([b * t, d_in]);
    let project = |d: &Direction| {
        to_vec(
            flat.clone()
                .matmul(d.input.clone())
                .add(d.bias.clone().unsqueeze_dim(0)),
        )
    };
    let mut out = vec![0.0f32; b * t * 2 * h];
    fwd.run(&project(&fwd), (b, t, h), false, &mut out);
    rev.run(&project(&rev), (b, t, h), true, &mut out);
    Some(Tensor::from_data(
        TensorData::new(out, [b, t, 2 * h]),
        &device,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use burn::nn::pool::MaxPool2dConfig;
    use burn::nn::BiLstmConfig;
    use burn::tensor::Distribution;

    fn max_abs_diff<const D: usize>(a: Tensor<D>, b: Tensor<D>) -> f32 {
        assert_eq!(a.dims(), b.dims());
        to_vec(a)
            .iter()
            .zip(to_vec(b))
            .map(|(x, y)| (x - y).abs())
            .fold(0.0, f32::max)
    }

    #[test]
    fn pool_equals_burns_on_odd_and_even_shapes() {
        let device = crate::cpu();
        let pool = MaxPool2dConfig::new([2, 2]).init();
        for shape in [[2, 3, 8, 10], [1, 4, 7, 301], [3, 1, 5, 5]] {
            let x = Tensor::<4>::random(shape, Distribution::Normal(0.0, 1.0), &device);
            assert!(applies(&x));
            let d = max_abs_diff(max_pool_2x2(x.clone()), pool.forward(x));
            assert_eq!(d, 0.0, "{shape:?}");
        }
    }

    #[test]
    fn bilstm_equals_burns() {
        let device = crate::cpu();
        let lstm = BiLstmConfig::new(24, 16, true)
            .with_batch_first(true)
            .init(&device);
        for (b, t) in [(1, 37), (3, 5)] {
            let x = Tensor::<3>::random([b, t, 24], Distribution::Normal(0.0, 1.0), &device);
            let fast = bilstm(&lstm, x.clone()).expect("a plain LSTM");
            let (reference, _) = lstm.forward(x, None);
            let d = max_abs_diff(fast, reference);
            assert!(d < 1e-5, "batch {b}, {t} steps: differs by {d}");
        }
    }

    #[test]
    fn autodiff_tensors_keep_burns_kernels() {
        let device = crate::cpu().autodiff();
        let x = Tensor::<4>::zeros([1, 1, 4, 4], &device).require_grad();
        assert!(!applies(&x));
    }
}
