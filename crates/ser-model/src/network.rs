//! The network: CNN blocks over the log-mel, a bidirectional LSTM over time, attention pooling.
//!
//! ```text
//! [B, 1, mels, frames]
//!   → N × (conv 3×3 → batch-norm → ReLU → max-pool 2×2)     spectral patterns
//!     (the last blocks pool 2×1, frequency only, with `time_pooling_blocks`)
//!   → dropout → [B, frames', channels × mels']               one vector per time step
//!   → BiLSTM                                                 their course in time
//!   → attention (or mean) pooling over time → dropout → linear → logits
//! ```

use burn::module::Module;
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
use crate::tensor_values;

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
    classifier: Linear,
}

impl Network {
    /// A freshly initialised network for `n_mels` input bands and `n_labels` classes.
    pub fn new(config: &NetworkConfig, n_mels: usize, n_labels: usize, device: &Device) -> Self {
        let mut channels_in = 1;
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
                .then(|| LinearConfig::new(d_lstm, 1).init(device)),
            classifier: LinearConfig::new(d_lstm, n_labels).init(device),
        }
    }

    /// Logits `[B, n_labels]` for log-mel input `[B, 1, mels, frames]`.
    ///
    /// Inference on the CPU takes the fused kernels of [`cpu_kernels`] (same results, a few
    /// times faster); training and other devices take burn's layers. Callers that predict
    /// many times prepare the kernels once ([`Network::cpu_kernels`]) and call
    /// [`Network::forward_with`].
    pub fn forward(&self, x: Tensor<4>) -> Tensor<2> {
        let kernels = cpu_kernels::applies(&x)
            .then(|| self.cpu_kernels())
            .flatten();
        self.forward_with(x, kernels.as_ref())
    }

    /// This network's layers prepared for [`cpu_kernels`]; `None` when a layer is of a kind
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
        if let Some(kernels) = kernels.filter(|_| cpu_kernels::applies(&x)) {
            let (h, dims) = kernels.sequence(&tensor_values(x.clone()), x.dims());
            let h = Tensor::from_data(TensorData::new(h, dims), &x.device());
            return self.classify(self.pool(h));
        }
        self.classify(self.embed(x))
    }

    /// The clip's pooled representation `[B, 2·lstm_hidden]` through burn's layers (what the
    /// classifier sees before its dropout): training reads it for heads of its own.
    pub fn embed(&self, x: Tensor<4>) -> Tensor<2> {
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

    /// Pooling over time: one vector per clip from the BiLSTM's outputs.
    fn pool(&self, h: Tensor<3>) -> Tensor<2> {
        match &self.attention {
            Some(score) => {
                // Weights over time from a learned score per step: [B, T, 1].
                let weights = softmax(score.forward(h.clone()), 1);
                (h * weights).sum_dim(1).squeeze_dim(1)
            }
            None => h.mean_dim(1).squeeze_dim(1),
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
    fn cpu_kernels_give_burns_logits_with_frequency_only_pools() {
        let config = NetworkConfig {
            conv_channels: vec![8, 16, 16],
            time_pooling_blocks: Some(1),
            ..NetworkConfig::default()
        };
        let network = Network::new(&config, 64, 8, &crate::cpu());
        assert_kernels_match(&network, &[(1, 301), (2, 77)]);
    }
}
