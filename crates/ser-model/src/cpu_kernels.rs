//! Inference-only CPU kernels for the layers where burn's flex backend spends most of a
//! prediction: the convolution blocks and the BiLSTM recurrence.
//!
//! Measured layer by layer on one core with a 3 s clip and the three-block network that was the
//! default then: flex's generic pooling kernel (one bounds-checked window walk per output,
//! indices always kept) took ~3.8 ms of the three blocks' pools, its im2col about as long as the convolutions' matrix
//! products, and its LSTM (~20 tensor ops per time step and direction) ~2 ms. Here a block is
//! three matrix products (one per horizontal tap, over a three-fold copy of the input instead of
//! im2col's nine-fold one) plus one fused pass (batch-norm, ReLU, pool), and the LSTM projects all
//! time steps' inputs in one matrix product, leaving only a 64×256 product per step.
//!
//! Both compute exactly what burn's layers compute (the tests compare them); the network uses
//! them only for tensors on the CPU that do not track gradients, so training is untouched.

use burn::nn::activation::Activation;
use burn::nn::conv::Conv2d;
use burn::nn::pool::MaxPool2d;
use burn::nn::{BatchNorm, BiLstm, GateController, Lstm, PaddingConfig2d};
use burn::tensor::Tensor;

use crate::tensor_values;

/// Whether `x` can take the kernels of this module: on the CPU, without autodiff.
pub fn applies(x: &Tensor<4>) -> bool {
    !x.is_autodiff() && x.device() == crate::cpu()
}

/// A network's layers prepared once for these kernels (weights as plain arrays, batch-norm
/// folded into the convolutions), so that a prediction only computes.
pub struct CpuNetwork {
    blocks: Vec<ConvKernel>,
    lstm: BiLstmKernel,
}

impl CpuNetwork {
    /// Prepares the convolution blocks (conv, batch-norm, then ReLU and the max-pool) and the
    /// BiLSTM; `None` when a layer is of a kind these kernels do not cover.
    pub fn new<'a>(
        blocks: impl IntoIterator<Item = (&'a Conv2d, &'a BatchNorm, &'a MaxPool2d)>,
        lstm: &BiLstm,
    ) -> Option<Self> {
        Some(Self {
            blocks: blocks
                .into_iter()
                .map(|(conv, norm, pool)| ConvKernel::new(conv, norm, pool))
                .collect::<Option<_>>()?,
            lstm: BiLstmKernel::new(lstm)?,
        })
    }

    /// The BiLSTM's outputs `[B, T, 2H]` (row-major) for input `x` `[B, 1, mels, frames]`
    /// (row-major, with those `dims`), and `[B, T, 2H]`.
    pub fn sequence(&self, x: &[f32], dims: [usize; 4]) -> (Vec<f32>, [usize; 3]) {
        let (mut data, mut dims) = (x.to_vec(), dims);
        for block in &self.blocks {
            (data, dims) = block.forward(&data, dims);
        }
        let [b, c, m, t] = dims;
        let seq = time_major(&data, dims);
        let h = self.lstm.forward(&seq, [b, t, c * m]);
        (h, [b, t, 2 * self.lstm.hidden])
    }
}

/// One convolution block, fused: 3×3 convolution (stride 1, same padding) → batch-norm with its
/// running statistics → ReLU → max-pool 2×2 or 2×1 (stride = size, an odd last row or column
/// dropped), as burn's `Conv2d`, `BatchNorm` (inference), `Relu` and `MaxPool2d` compute it.
///
/// The convolution is three matrix products ([`ConvKernel::convolve`]); batch-norm, ReLU and
/// pooling are then one pass over their sum.
struct ConvKernel {
    /// `[C_out, C_in·9]`, row-major.
    weights: Vec<f32>,
    /// batch-norm(conv + bias) = conv · scale + shift, per output channel.
    scale: Vec<f32>,
    shift: Vec<f32>,
    /// Columns (time steps) the pool takes together: 2, or 1 for a frequency-only pool.
    pool_width: usize,
}

impl ConvKernel {
    /// `None` when the convolution or the pool is not of the kind above.
    fn new(conv: &Conv2d, norm: &BatchNorm, pool: &MaxPool2d) -> Option<Self> {
        let pool_width = match pool.kernel_size {
            [2, w @ (1 | 2)] => w,
            _ => return None,
        };
        let plain_pool = matches!(pool.padding, PaddingConfig2d::Valid)
            && pool.stride == pool.kernel_size
            && pool.dilation == [1, 1]
            && !pool.ceil_mode;
        let same = matches!(conv.padding, PaddingConfig2d::Same)
            || matches!(conv.padding, PaddingConfig2d::Explicit(1, 1, 1, 1));
        if conv.kernel_size != [3, 3] || conv.stride != [1, 1] || conv.dilation != [1, 1] {
            return None;
        }
        if conv.groups != 1 || !same || !plain_pool {
            return None;
        }
        let [c_out, ..] = conv.weight.dims();
        let weights = tensor_values(conv.weight.val());
        let inv_std = (norm.running_var.value() + norm.epsilon).sqrt().recip();
        let scale = norm.gamma.val() * inv_std;
        let bias = conv.bias.as_ref().map_or_else(
            || Tensor::zeros([c_out], &conv.weight.device()),
            |b| b.val(),
        );
        let shift = norm.beta.val() + (bias - norm.running_mean.value()) * scale.clone();
        Some(Self {
            weights,
            scale: tensor_values(scale),
            shift: tensor_values(shift),
            pool_width,
        })
    }

    /// `x` is `[B, C_in, H, W]` row-major with those `dims`; the result is
    /// `[B, C_out, H/2, W/pool_width]` and its dims.
    fn forward(&self, x: &[f32], dims: [usize; 4]) -> (Vec<f32>, [usize; 4]) {
        let [b, _, h, w] = dims;
        let c_out = self.scale.len();
        let product = self.convolve(x, dims);

        let pw = self.pool_width;
        let (oh, ow, wp) = (h / 2, w / pw, w + 2);
        let mut out = vec![0.0f32; b * c_out * oh * ow];
        // The two rows a pool takes together, after the affine map (which may flip order, a
        // negative scale, so it comes before the pool). Done in two passes, rows then columns,
        // each of straight loops the compiler vectorises: one pass over the window's four
        // values took ~8 % of a one-core prediction.
        let mut rows = vec![0.0f32; pw * ow];
        for (co, row) in product.chunks_exact(b * h * wp).enumerate() {
            let (k, m) = (self.scale[co], self.shift[co]);
            for (bi, plane) in row.chunks_exact(h * wp).enumerate() {
                let dest = &mut out[(bi * c_out + co) * oh * ow..][..oh * ow];
                for (r, dest_row) in dest.chunks_exact_mut(ow).enumerate() {
                    let top = &plane[2 * r * wp..][..pw * ow];
                    let bottom = &plane[(2 * r + 1) * wp..][..pw * ow];
                    for ((v, t), u) in rows.iter_mut().zip(top).zip(bottom) {
                        *v = (t * k + m).max(u * k + m);
                    }
                    // Then the columns, and ReLU.
                    match pw {
                        2 => {
                            for (d, pair) in dest_row.iter_mut().zip(rows.chunks_exact(2)) {
                                *d = pair[0].max(pair[1]).max(0.0);
                            }
                        }
                        _ => {
                            for (d, v) in dest_row.iter_mut().zip(&rows) {
                                *d = v.max(0.0);
                            }
                        }
                    }
                }
            }
        }
        (out, [b, c_out, oh, ow])
    }

    /// The convolution without bias, `[C_out, B·H·(W+2)]` row-major: output `(co, b, y, x)`
    /// at column `b·H·(W+2) + y·(W+2) + x` for `x < W`, the last two columns of each row
    /// meaningless.
    ///
    /// Three products, one per horizontal tap `dx`, each of the weights' `(ci, dy)` columns
    /// for that `dx` with the rows of [`row_shifts`] read `dx` columns on: the input is copied
    /// three times instead of nine (the nine-fold copy was the largest buffer of a prediction,
    /// 2.7 MB for the second block of a 3 s clip, and writing it took ~5 % of the time).
    fn convolve(&self, x: &[f32], dims: [usize; 4]) -> Vec<f32> {
        let [b, c_in, h, w] = dims;
        let (c_out, n) = (self.scale.len(), b * h * (w + 2));
        let rows = row_shifts(x, dims);
        let mut product = Vec::with_capacity(c_out * n);
        for dx in 0..3 {
            let weights = View {
                data: &self.weights[dx..],
                shape: (c_out, 3 * c_in),
                strides: (9 * c_in, 3),
            };
            let shifted = View {
                data: &rows[dx..],
                shape: (3 * c_in, n),
                strides: (n + 2, 1),
            };
            product_into(&mut product, weights, shifted, dx > 0);
        }
        product
    }
}

/// Multiply-adds from which a product is shared among rayon's threads: those of a batch of
/// clips, not of one 3 s clip (~7·10⁶ per product, three per convolution block), which is too
/// small to gain from a second core.
const PARALLEL_PRODUCT: usize = 1 << 26;

/// A matrix inside a slice: element `(i, j)` at `data[i * strides.0 + j * strides.1]`.
#[derive(Clone, Copy)]
struct View<'a> {
    data: &'a [f32],
    shape: (usize, usize),
    strides: (usize, usize),
}

impl<'a> View<'a> {
    /// A row-major `rows × cols` matrix filling `data`.
    fn dense(data: &'a [f32], rows: usize, cols: usize) -> Self {
        assert_eq!(data.len(), rows * cols, "matrix shape");
        Self {
            data,
            shape: (rows, cols),
            strides: (cols, 1),
        }
    }

    /// Whether every element lies inside `data`.
    fn fits(&self) -> bool {
        let (rows, cols) = self.shape;
        rows == 0
            || cols == 0
            || (rows - 1) * self.strides.0 + (cols - 1) * self.strides.1 < self.data.len()
    }
}

/// The row-major product `[M, N]` of row-major `a` `[M, K]` and `b` `[K, N]`.
fn matmul(a: &[f32], b: &[f32], (m, k, n): (usize, usize, usize)) -> Vec<f32> {
    let mut c = Vec::with_capacity(m * n);
    product_into(&mut c, View::dense(a, m, k), View::dense(b, k, n), false);
    c
}

/// `dst = a · b` (`dst` emptied first) or, with `accumulate`, `dst += a · b` (`dst` holding
/// the product's `M·N` values), row-major.
///
/// Through the `gemm` crate (burn's flex backend uses it too), which reads a contiguous
/// right-hand side without first copying it into panels as matrixmultiply does: with the
/// zero-free im2col of that time, a one-core prediction took ~13 % less time than through
/// ndarray.
/// Products from [`PARALLEL_PRODUCT`] multiply-adds on use all of rayon's threads.
fn product_into(dst: &mut Vec<f32>, a: View, b: View, accumulate: bool) {
    let ((m, k), (k_b, n)) = (a.shape, b.shape);
    assert!(k == k_b && a.fits() && b.fits(), "matmul shapes");
    if accumulate {
        assert_eq!(dst.len(), m * n, "matmul accumulates into a product");
    } else {
        dst.clear();
        dst.reserve(m * n);
    }
    let parallelism = if m * k * n >= PARALLEL_PRODUCT {
        gemm::Parallelism::Rayon(0)
    } else {
        gemm::Parallelism::None
    };
    // SAFETY: `fits` checked that the strides keep every element of `a` and `b` inside their
    // slices, and `dst` has room for `m * n` values, row-major. Without `accumulate` gemm
    // writes every element of `dst` without reading it (`read_dst` false), so it may start
    // uninitialised and holds `m * n` values afterwards.
    unsafe {
        gemm::gemm(
            m,
            n,
            k,
            dst.as_mut_ptr(),
            1,
            n as isize,
            accumulate,
            a.data.as_ptr(),
            a.strides.1 as isize,
            a.strides.0 as isize,
            b.data.as_ptr(),
            b.strides.1 as isize,
            b.strides.0 as isize,
            1.0,
            1.0,
            false,
            false,
            false,
            parallelism,
        );
        dst.set_len(m * n);
    }
}

/// `[B, C, M, T]` → `[B, T, C·M]`: one feature vector per time step, as the network's
/// `permute([0, 3, 1, 2])` and reshape.
fn time_major(x: &[f32], [b, c, m, t]: [usize; 4]) -> Vec<f32> {
    let mut out = vec![0.0f32; x.len()];
    for bi in 0..b {
        for (cm, series) in x[bi * c * m * t..][..c * m * t].chunks_exact(t).enumerate() {
            for (ti, &v) in series.iter().enumerate() {
                out[(bi * t + ti) * c * m + cm] = v;
            }
        }
    }
    out
}

/// The three vertical shifts of each zero-padded input channel, as rows of a
/// `[C_in·3, B·H·(W+2) + 2]` matrix: row `ci·3 + dy` holds `x[b, ci, y + dy - 1, x' - 1]` at
/// column `b·H·(W+2) + y·(W+2) + x'` (zero where that is outside the input: `x'` is `0` or
/// `W + 1`, or the row is above or below it). Reading a row `dx` columns on gives the shift
/// by `(dy, dx)` for every `x' < W`; the two extra columns at the end keep the last read inside.
fn row_shifts(x: &[f32], [b, c_in, h, w]: [usize; 4]) -> Vec<f32> {
    let wp = w + 2;
    // Appended row by row, padding included, rather than zeroed and then filled.
    let mut rows = Vec::with_capacity(c_in * 3 * (b * h * wp + 2));
    for ci in 0..c_in {
        for dy in 0..3 {
            for bi in 0..b {
                let plane = &x[(bi * c_in + ci) * h * w..][..h * w];
                for y in 0..h {
                    match (y + dy).checked_sub(1).filter(|&v| v < h) {
                        Some(src_y) => {
                            rows.push(0.0);
                            rows.extend_from_slice(&plane[src_y * w..][..w]);
                            rows.push(0.0);
                        }
                        None => rows.resize(rows.len() + wp, 0.0),
                    }
                }
            }
            rows.extend_from_slice(&[0.0, 0.0]);
        }
    }
    rows
}

/// One direction's weights with the four gates side by side (input, forget, output, cell).
struct Direction {
    /// `[d_in, 4H]` row-major: the input transforms of the gates.
    input: Vec<f32>,
    /// `[4H]`: input and hidden biases, summed.
    bias: Vec<f32>,
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
        let side_by_side = |f: fn(&GateController) -> Tensor<2>| {
            tensor_values(Tensor::cat(gates.map(f).to_vec(), 1))
        };
        Some(Self {
            input: side_by_side(|g| g.input_transform.weight.val()),
            bias: tensor_values(Tensor::cat(bias, 0)),
            hidden: side_by_side(|g| g.hidden_transform.weight.val()),
        })
    }

    /// Runs the recurrence over `pre` (`[B, T, 4H]` input projections without the bias,
    /// row-major) in time order or reversed, writing `h_t` to `out[b, t, offset..offset + H]`
    /// (`out` is `[B, T, 2H]`).
    fn run(&self, pre: &[f32], (b, t, h): (usize, usize, usize), reverse: bool, out: &mut [f32]) {
        let offset = if reverse { h } else { 0 };
        let mut z = vec![0.0f32; 4 * h];
        for batch in 0..b {
            let (mut hid, mut cell) = (vec![0.0f32; h], vec![0.0f32; h]);
            for step in 0..t {
                let s = if reverse { t - 1 - step } else { step };
                let row = (batch * t + s) * 4 * h;
                for ((zj, pj), bj) in z.iter_mut().zip(&pre[row..row + 4 * h]).zip(&self.bias) {
                    *zj = pj + bj;
                }
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
                    let candidate = tanh(z[3 * h + j]);
                    cell[j] = gate_forget * cell[j] + gate_in * candidate;
                    hid[j] = gate_out * tanh(cell[j]);
                    out[at + j] = hid[j];
                }
            }
        }
    }
}

fn sigmoid(x: f32) -> f32 {
    1.0 / (1.0 + (-x).exp())
}

/// `tanh` through one `exp` (libm's `tanhf` takes the slower, more exact `expm1` path); within
/// 1e-7 of it, and saturating to ±1 instead of overflowing for large `|x|`.
fn tanh(x: f32) -> f32 {
    1.0 - 2.0 / ((2.0 * x.clamp(-20.0, 20.0)).exp() + 1.0)
}

/// A batch-first BiLSTM from zero initial states, forward direction first in its outputs:
/// burn's `BiLstm::forward(x, None).0`.
struct BiLstmKernel {
    forward: Direction,
    reverse: Direction,
    hidden: usize,
}

impl BiLstmKernel {
    /// `None` when the LSTM is not of the plain kind [`Direction::new`] accepts.
    fn new(lstm: &BiLstm) -> Option<Self> {
        lstm.batch_first.then_some(())?;
        Some(Self {
            forward: Direction::new(&lstm.forward)?,
            reverse: Direction::new(&lstm.reverse)?,
            hidden: lstm.d_hidden,
        })
    }

    /// The per-step outputs `[B, T, 2H]` (row-major) over `x` (`[B, T, d_in]` row-major).
    fn forward(&self, x: &[f32], [b, t, d_in]: [usize; 3]) -> Vec<f32> {
        let h = self.hidden;
        let mut out = vec![0.0f32; b * t * 2 * h];
        for (d, reverse) in [(&self.forward, false), (&self.reverse, true)] {
            let pre = matmul(x, &d.input, (b * t, d_in, 4 * h));
            d.run(&pre, (b, t, h), reverse, &mut out);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use burn::nn::BiLstmConfig;
    use burn::tensor::Distribution;

    #[test]
    fn bilstm_equals_burns() {
        let device = crate::cpu();
        let lstm = BiLstmConfig::new(24, 16, true)
            .with_batch_first(true)
            .init(&device);
        for (b, t) in [(1, 37), (3, 5)] {
            let x = Tensor::<3>::random([b, t, 24], Distribution::Normal(0.0, 1.0), &device);
            let kernel = BiLstmKernel::new(&lstm).expect("a plain LSTM");
            let fast = kernel.forward(&tensor_values(x.clone()), [b, t, 24]);
            let (reference, _) = lstm.forward(x, None);
            let d = fast
                .iter()
                .zip(tensor_values(reference))
                .map(|(x, y)| (x - y).abs())
                .fold(0.0, f32::max);
            assert!(d < 1e-5, "batch {b}, {t} steps: differs by {d}");
        }
    }

    #[test]
    fn tanh_through_exp_matches_libm() {
        for i in -4000..=4000 {
            let x = i as f32 * 0.01;
            assert!((tanh(x) - x.tanh()).abs() < 2e-7, "tanh({x})");
        }
        assert_eq!(tanh(1e30), 1.0);
        assert_eq!(tanh(-1e30), -1.0);
    }

    #[test]
    fn autodiff_tensors_keep_burns_kernels() {
        let device = crate::cpu().autodiff();
        let x = Tensor::<4>::zeros([1, 1, 4, 4], &device).require_grad();
        assert!(!applies(&x));
    }
}
