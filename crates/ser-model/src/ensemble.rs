//! Several networks of one shape classifying together by averaging their probabilities.
//!
//! Networks trained alike from different seeds make partly different mistakes, so the mean of
//! their softmax outputs is more accurate than each of them: on 5-fold CV by actor two networks
//! scored 65.6 % against one network's 62.2 % (`experiments/2026-11-27-seed-ensemble`), at the
//! cost of one forward pass per network. A model of one network is an ensemble of one and
//! costs nothing extra.

use burn::module::Module;
use burn::tensor::activation::softmax;
use burn::tensor::{Device, Tensor};
use rayon::prelude::*;

use crate::cpu_kernels::CpuNetwork;
use crate::network::Network;

/// The weights file of member `index` (from 0) in a model directory: `model.bpk` for the
/// first, as in every model of one network, then `model.2.bpk`, `model.3.bpk`, …
pub fn weights_file(index: usize) -> String {
    match index {
        0 => "model.bpk".into(),
        i => format!("model.{}.bpk", i + 1),
    }
}

/// Networks in inference mode, each prepared once for the CPU kernels.
pub struct Ensemble {
    networks: Vec<Network>,
    kernels: Vec<Option<CpuNetwork>>,
}

impl Ensemble {
    /// An ensemble of `networks` (in inference mode, see `Network::valid`); at least one.
    pub fn new(networks: Vec<Network>) -> Self {
        assert!(!networks.is_empty(), "an ensemble needs a network");
        let kernels = networks.iter().map(Network::cpu_kernels).collect();
        Self { networks, kernels }
    }

    /// The member networks.
    pub fn networks(&self) -> &[Network] {
        &self.networks
    }

    /// The device the networks are on.
    pub fn device(&self) -> Device {
        self.networks[0]
            .devices()
            .into_iter()
            .next()
            .unwrap_or_else(crate::cpu)
    }

    /// Logits `[B, labels]` for log-mel input `[B, 1, mels, frames]`: a single network's own;
    /// for several, the log of their mean softmax probabilities, i.e. logits whose softmax is
    /// that mean (floored at the smallest normal `f32`, so a vanishing probability stays finite).
    ///
    /// The members run side by side on rayon's threads, so on several cores a further network
    /// costs less than its forward pass.
    pub fn forward(&self, x: Tensor<4>) -> Tensor<2> {
        let member = |i: usize| self.networks[i].forward_with(x.clone(), self.kernels[i].as_ref());
        if self.networks.len() == 1 {
            return member(0);
        }
        // Collected in member order and summed in that order: the same sum on every run.
        let probabilities: Vec<Tensor<2>> = (0..self.networks.len())
            .into_par_iter()
            .map(|i| softmax(member(i), 1))
            .collect();
        let sum = probabilities
            .into_iter()
            .reduce(|a, b| a + b)
            .expect("several networks");
        (sum / self.networks.len() as f32)
            .clamp_min(f32::MIN_POSITIVE)
            .log()
    }
}

#[cfg(test)]
mod tests {
    use burn::tensor::Distribution;

    use super::*;
    use crate::{tensor_values, NetworkConfig};

    #[test]
    fn members_probabilities_are_averaged() {
        let device = crate::cpu();
        let config = NetworkConfig {
            conv_channels: vec![4, 8],
            ..NetworkConfig::default()
        };
        let networks: Vec<Network> = (0..3)
            .map(|_| Network::new(&config, 64, 5, &device).valid())
            .collect();
        let x = Tensor::<4>::random([2, 1, 64, 40], Distribution::Normal(0.0, 1.0), &device);
        let probs = |net: &Network| tensor_values(softmax(net.forward(x.clone()), 1));
        let members: Vec<Vec<f32>> = networks.iter().map(probs).collect();
        let spread = (0..members[0].len())
            .map(|i| (members[0][i] - members[1][i]).abs())
            .fold(0.0, f32::max);
        assert!(spread > 1e-3, "members too alike to tell a mean: {spread}");
        let single = Ensemble::new(vec![networks[0].clone()]);
        assert_eq!(
            tensor_values(single.forward(x.clone())),
            tensor_values(networks[0].forward(x.clone()))
        );
        let ensemble = tensor_values(softmax(Ensemble::new(networks).forward(x), 1));
        for (i, p) in ensemble.iter().enumerate() {
            let mean = members.iter().map(|m| m[i]).sum::<f32>() / 3.0;
            assert!((p - mean).abs() < 1e-5, "output {i}: {p} against {mean}");
        }
    }
}
