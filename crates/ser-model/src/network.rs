//! The network: CNN blocks over the log-mel, a bidirectional LSTM over time, attention pooling.
//!
//! ```text
//! [B, 1, mels, frames]
//!   (→ [B, 3, mels, frames] with the Δ and ΔΔ channels, with `deltas`)
//!   → N × (conv 3×3 → batch-norm → ReLU → max-pool 2×2)     spectral patterns
//!     (the last blocks pool 2×1, frequency only, with `time_pooling_blocks`)
//!   → dropout → [B, frames', channels × mels']               one vector per time step
//!   → BiLSTM                                                 their course in time
//!   → attention (or mean) pooling over time → dropout → linear → logits
//!     (the pooled standard deviation beside the mean, with `pool_std`)
//! ```

use burn::module::{Module, Param};
use burn::nn::conv::{Conv2d, Conv2dConfig};
use burn::nn::pool::{MaxPool2d, MaxPool2dConfig};
use burn::nn::{
    BatchNorm, BatchNormConfig, BiLstm, BiLstmConfig, Dropout, DropoutConfig, Linear, LinearConfig,
    PaddingConfig2d, Relu,
};
use burn::tensor::activation::softmax;
use burn::tensor::{Device, Tensor, TensorData};

use crate::config::NetworkConfig;
use crate::cpu_kernels::{self, CpuNetwork};
use crate::deltas::with_deltas;
use crate::tensor_values;

/// Smallest variance that [`Network`]'s statistics pooling takes the root of: constant steps
/// would otherwise give an infinite gradient.
const STD_FLOOR: f32 = 1e-6;

/// One convolution block: conv 3×3 (same padding) → batch-norm → ReLU → max-pool 2×2, or 2×1
/// (frequency only) for a block that keeps the time resolution.
#[derive(Module, Debug)]
pub struct ConvBlock {
    conv: Conv2d,
    norm: BatchNorm,
    activation: Relu,
    pool: MaxPool2d,
}

impl ConvBlock {
    fn new(channels_in: usize, channels_out: usize, pool_time: bool, device: &Device) -> Self {
        let pool = [2, if pool_time { 2 } else { 1 }];
        Self {
            conv: Conv2dConfig::new([channels_in, channels_out], [3, 3])
                .with_padding(PaddingConfig2d::Same)
                .init(device),
            norm: BatchNormConfig::new(channels_out).init(device),
            activation: Relu::new(),
            pool: MaxPool2dConfig::new(pool).init(),
        }
    }

    fn forward(&self, x: Tensor<4>) -> Tensor<4> {
        self.pool.forward(
            self.activation
                .forward(self.norm.forward(self.conv.forward(x))),
        )
    }
}

/// The emotion network; see the module documentation for its shape.
#[derive(Module, Debug)]
pub struct Network {
    blocks: Vec<ConvBlock>,
    dropout: Dropout,
    lstm: BiLstm,
    attention: Option<Linear>,
    pool_std: bool,
    deltas: bool,
    classifier: Linear,
}

impl Network {
    /// A freshly initialised network for `n_mels` input bands and `n_labels` classes.
    pub fn new(config: &NetworkConfig, n_mels: usize, n_labels: usize, device: &Device) -> Self {
        let mut channels_in = config.input_channels();
        let mut mels = n_mels;
        let blocks = config
            .conv_channels
            .iter()
            .enumerate()
            .map(|(i, &c)| {
                let block = ConvBlock::new(channels_in, c, config.pools_time(i), device);
                channels_in = c;
                mels /= 2;
                block
            })
            .collect();
        let d_seq = channels_in * mels.max(1);
        let d_lstm = config.embedding_size();
        Self {
            blocks,
            dropout: DropoutConfig::new(config.dropout).init(),
            lstm: BiLstmConfig::new(d_seq, config.lstm_hidden, true).init(device),
            attention: config
                .attention
                .then(|| LinearConfig::new(2 * config.lstm_hidden, 1).init(device)),
            pool_std: config.pool_std,
            deltas: config.deltas,
            classifier: LinearConfig::new(d_lstm, n_labels).init(device),
        }
    }

    /// Logits `[B, n_labels]` for log-mel input `[B, 1, mels, frames]`.
    ///
    /// Inference on the CPU takes the fused kernels of `cpu_kernels` (same results, a few
    /// times faster); training and other devices take burn's layers. Callers that predict
    /// many times prepare the kernels once ([`Network::cpu_kernels`]) and call
    /// [`Network::forward_with`].
    pub fn forward(&self, x: Tensor<4>) -> Tensor<2> {
        let kernels = cpu_kernels::applies(&x)
            .then(|| self.cpu_kernels())
            .flatten();
        self.forward_with(x, kernels.as_ref())
    }

    /// This network's layers prepared for `cpu_kernels`; `None` when a layer is of a kind
    /// they do not cover.
    pub fn cpu_kernels(&self) -> Option<CpuNetwork> {
        CpuNetwork::new(
            self.blocks
                .iter()
                .map(|block| (&block.conv, &block.norm, &block.pool)),
            &self.lstm,
        )
    }

    /// [`Network::forward`] with prepared CPU kernels: they run where they apply (a CPU tensor
    /// without autodiff), burn's layers everywhere else and when `kernels` is `None`.
    pub fn forward_with(&self, x: Tensor<4>, kernels: Option<&CpuNetwork>) -> Tensor<2> {
        let x = self.input(x);
        if let Some(kernels) = kernels.filter(|_| cpu_kernels::applies(&x)) {
            let (h, dims) = kernels.sequence(&tensor_values(x.clone()), x.dims());
            let h = Tensor::from_data(TensorData::new(h, dims), &x.device());
            return self.classify(self.pool(h));
        }
        self.classify(self.embed_input(x))
    }

    /// The clip's pooled representation `[B, embedding_size]` through burn's layers (what the
    /// classifier sees before its dropout): training reads it for heads of its own.
    pub fn embed(&self, x: Tensor<4>) -> Tensor<2> {
        self.embed_input(self.input(x))
    }

    /// The first block's input: the log-mel `[B, 1, mels, frames]`, with its deltas stacked as
    /// channels when the network takes them.
    fn input(&self, x: Tensor<4>) -> Tensor<4> {
        if self.deltas {
            with_deltas(x)
        } else {
            x
        }
    }

    /// [`Network::embed`] of the first block's input ([`Network::input`]).
    fn embed_input(&self, x: Tensor<4>) -> Tensor<2> {
        let x = self.blocks.iter().fold(x, |x, block| block.forward(x));
        let x = self.dropout.forward(x);
        // [B, C, M, T] → [B, T, C·M]: one feature vector per time step.
        let [b, c, m, t] = x.dims();
        let seq = x.permute([0, 3, 1, 2]).reshape([b, t, c * m]);
        self.pool(self.lstm.forward(seq, None).0)
    }

    /// Logits from a pooled representation ([`Network::embed`]).
    pub fn classify(&self, pooled: Tensor<2>) -> Tensor<2> {
        self.classifier.forward(self.dropout.forward(pooled))
    }

    /// Pooling over time: one vector per clip from the BiLSTM's outputs `[B, T, D]`, their
    /// mean (weighted by the attention, if any) and, with `pool_std`, their standard deviation
    /// under the same weights.
    fn pool(&self, h: Tensor<3>) -> Tensor<2> {
        // Weights over time from a learned score per step: [B, T, 1]; none for a plain mean.
        let weights = self
            .attention
            .as_ref()
            .map(|score| softmax(score.forward(h.clone()), 1));
        let average = |x: Tensor<3>| match &weights {
            Some(weights) => (x * weights.clone()).sum_dim(1),
            None => x.mean_dim(1),
        };
        let mean = average(h.clone());
        if !self.pool_std {
            return mean.squeeze_dim(1);
        }
        // Var = E[h²] − E[h]², floored so that the square root keeps a finite gradient.
        let variance = average(h.powi_scalar(2)) - mean.clone().powi_scalar(2);
        let std = variance.clamp_min(STD_FLOOR).sqrt();
        Tensor::cat(vec![mean, std], 2).squeeze_dim(1)
    }

    /// This network with an output layer for another label set, everything before it kept:
    /// how a trained network starts learning another corpus (fine-tuning). Output `j` takes
    /// the weights of this network's output `rows[j]` where that is `Some` (the same emotion in
    /// the new set) and starts fresh, as [`Network::new`] starts it, where it is `None`.
    pub fn relabelled(self, rows: &[Option<usize>], device: &Device) -> Self {
        let [d, _] = self.classifier.weight.dims();
        let fresh = LinearConfig::new(d, rows.len()).init(device);
        let (old_w, old_b) = (
            self.classifier.weight.val(),
            self.classifier.bias.as_ref().map(|b| b.val()),
        );
        let mut w = fresh.weight.val();
        let mut b = fresh.bias.map(|b| b.val());
        for (j, i) in rows.iter().enumerate() {
            let Some(i) = *i else { continue };
            w = w.slice_assign([0..d, j..j + 1], old_w.clone().slice([0..d, i..i + 1]));
            if let (Some(new), Some(old)) = (b.take(), &old_b) {
                b = Some(new.slice_assign(j..j + 1, old.clone().slice(i..i + 1)));
            }
        }
        Self {
            classifier: Linear {
                weight: Param::from_tensor(w.detach()),
                bias: b.map(|b| Param::from_tensor(b.detach())),
            },
            ..self
        }
    }

    /// Number of trainable scalars.
    pub fn parameter_count(&self) -> usize {
        self.num_params()
    }
}

#[cfg(test)]
mod tests {
    use burn::tensor::{Distribution, Tensor};

    use super::Network;
    use crate::{tensor_values, EmotionModel, NetworkConfig};

    /// Asserts that the CPU kernels give burn's logits, within 1e-3, for batches of
    /// `(clips, frames)` of random 64-band input.
    fn assert_kernels_match(network: &Network, cases: &[(usize, usize)]) {
        let device = crate::cpu();
        let kernels = network.cpu_kernels().expect("layers the kernels cover");
        for &(b, frames) in cases {
            let x =
                Tensor::<4>::random([b, 1, 64, frames], Distribution::Normal(0.0, 1.0), &device);
            let fast = tensor_values(network.forward_with(x.clone(), Some(&kernels)));
            let reference = tensor_values(network.forward_with(x, None));
            let diff = fast
                .iter()
                .zip(&reference)
                .map(|(a, b)| (a - b).abs())
                .fold(0.0, f32::max);
            assert!(
                diff < 1e-3,
                "batch {b}, {frames} frames: logits differ by {diff}"
            );
        }
    }

    #[test]
    fn cpu_kernels_give_burns_logits_on_the_bundled_model() {
        let model = EmotionModel::bundled().unwrap();
        // Odd frame counts exercise the pools' dropped column; batches of 1 and 3, and one of 8
        // whose products are large enough to be shared among threads.
        assert_kernels_match(
            &model.ensemble().networks()[0],
            &[(1, 301), (3, 77), (8, 301)],
        );
    }

    #[test]
    fn a_relabelled_network_keeps_the_outputs_of_the_labels_it_keeps() {
        let device = crate::cpu();
        let network = EmotionModel::bundled().unwrap().ensemble().networks()[0].clone();
        let x = Tensor::<4>::random([2, 1, 64, 301], Distribution::Normal(0.0, 1.0), &device);
        let before = tensor_values(network.forward(x.clone()));
        // angry (4), a new label, sad (3).
        let relabelled = network.relabelled(&[Some(4), None, Some(3)], &device);
        let after = relabelled.forward(x);
        assert_eq!(after.dims(), [2, 3]);
        let after = tensor_values(after);
        for clip in 0..2 {
            assert!((after[clip * 3] - before[clip * 8 + 4]).abs() < 1e-5);
            assert!((after[clip * 3 + 2] - before[clip * 8 + 3]).abs() < 1e-5);
        }
        // The new output starts fresh: no old output's logits.
        assert!((0..8).all(|i| (after[1] - before[i]).abs() > 1e-6));
    }

    #[test]
    fn cpu_kernels_give_burns_logits_with_frequency_only_pools() {
        let config = NetworkConfig {
            conv_channels: vec![8, 16, 16],
            time_pooling_blocks: Some(1),
            ..NetworkConfig::default()
        };
        let network = Network::new(&config, 64, 8, &crate::cpu());
        assert_kernels_match(&network, &[(1, 301), (2, 77)]);
    }

    #[test]
    fn cpu_kernels_give_burns_logits_with_delta_channels() {
        let config = NetworkConfig {
            conv_channels: vec![8, 16],
            deltas: true,
            ..NetworkConfig::default()
        };
        let network = Network::new(&config, 64, 8, &crate::cpu());
        assert_kernels_match(&network, &[(1, 301), (2, 77)]);
        // The first block takes three channels: its 3×3 kernels weigh the deltas too.
        assert_eq!(
            network.parameter_count(),
            Network::new(
                &NetworkConfig {
                    deltas: false,
                    ..config.clone()
                },
                64,
                8,
                &crate::cpu()
            )
            .parameter_count()
                + 2 * 9 * 8
        );
        // Saved with the model; configurations written before it existed read as off.
        let mut older = serde_json::to_value(&config).unwrap();
        older.as_object_mut().unwrap().remove("deltas");
        let older: NetworkConfig = serde_json::from_value(older).unwrap();
        assert!(!older.deltas);
    }

    #[test]
    fn statistics_pooling_gives_the_mean_and_standard_deviation_over_time() {
        let device = crate::cpu();
        let config = NetworkConfig {
            conv_channels: vec![4],
            lstm_hidden: 2,
            attention: false,
            pool_std: true,
            ..NetworkConfig::default()
        };
        let network = Network::new(&config, 8, 3, &device);
        // One clip, four steps of four values: feature 0 alternates 1, 3 (mean 2, sd 1),
        // feature 1 is constant 5 (sd 0, floored), features 2-3 are 0.
        let steps = [[1.0, 5.0, 0.0, 0.0], [3.0, 5.0, 0.0, 0.0]]
            .repeat(2)
            .concat();
        let h = Tensor::<3>::from_data(burn::tensor::TensorData::new(steps, [1, 4, 4]), &device);
        let pooled = tensor_values(network.pool(h));
        assert_eq!(pooled.len(), config.embedding_size());
        let expected = [2.0, 5.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0];
        for (got, want) in pooled.iter().zip(expected) {
            assert!(
                (got - want).abs() < 2e-3,
                "pooled {pooled:?}, expected {expected:?}"
            );
        }
        let logits = network.forward(Tensor::<4>::zeros([2, 1, 8, 40], &device));
        assert_eq!(logits.dims(), [2, 3]);
        // Saved with the model; configurations written before it existed read as off.
        let read: NetworkConfig =
            serde_json::from_str(&serde_json::to_string(&config).unwrap()).unwrap();
        assert_eq!(read, config);
        let mut older = serde_json::to_value(&config).unwrap();
        older.as_object_mut().unwrap().remove("pool_std");
        let older: NetworkConfig = serde_json::from_value(older).unwrap();
        assert!(!older.pool_std);
    }
}
