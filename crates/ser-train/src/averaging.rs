//! Weight averaging over the last epochs of training (stochastic weight averaging with the
//! cosine schedule's low learning rates): one network whose every tensor is the mean of those
//! epochs' tensors, batch-norm running statistics included.
//!
//! The mean of networks near the end of training sits nearer the middle of the region they
//! wander in than any one of them, which is meant to generalise better than the single epoch
//! that two validation speakers happen to prefer.

use burn::module::{Module, ModuleMapper, ModuleVisitor, Param};
use burn::tensor::{Tensor, TensorData};

use ser_model::{tensor_values, Network};

/// The running mean after one more network: `mean · (1 - 1/n) + next / n`, `n` counting `next`
/// (so `n == 1` gives `next` itself). `mean` and `next` must have the same shape. `mean` is
/// updated in place: a clone of it, which shares its batch-norm running statistics in burn,
/// would see them change too.
pub fn running_mean(mean: Network, next: &Network, n: usize) -> Network {
    assert!(n >= 1, "a mean of at least one network");
    let mut values = Vec::new();
    next.visit(&mut Collect(&mut values));
    let mut step = Step {
        next: values.into_iter(),
        weight: 1.0 / n as f32,
    };
    let mean = mean.map(&mut step);
    assert!(step.next.next().is_none(), "networks of the same shape");
    mean
}

/// Gathers the values of every float tensor of a module, in visiting order.
struct Collect<'a>(&'a mut Vec<Vec<f32>>);

impl ModuleVisitor for Collect<'_> {
    fn visit_float<const D: usize>(&mut self, param: &Param<Tensor<D>>) {
        self.0.push(tensor_values(param.val()));
    }
}

/// Moves every float tensor of a module `weight` of the way towards the next collected values.
struct Step {
    next: std::vec::IntoIter<Vec<f32>>,
    weight: f32,
}

impl ModuleMapper for Step {
    fn map_float<const D: usize>(&mut self, param: Param<Tensor<D>>) -> Param<Tensor<D>> {
        let next = self.next.next().expect("networks of the same shape");
        let weight = self.weight;
        param.map(|tensor| {
            let (shape, device) = (tensor.shape(), tensor.device());
            let mut values = tensor_values(tensor);
            assert_eq!(values.len(), next.len(), "networks of the same shape");
            for (m, x) in values.iter_mut().zip(&next) {
                *m = *m * (1.0 - weight) + x * weight;
            }
            Tensor::from_data(TensorData::new(values, shape), &device)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ser_model::NetworkConfig;

    fn values(network: &Network) -> Vec<f32> {
        let mut all = Vec::new();
        network.visit(&mut Collect(&mut all));
        all.concat()
    }

    #[test]
    fn the_running_mean_of_three_networks_is_their_mean() {
        let device = ser_model::cpu();
        let config = NetworkConfig {
            conv_channels: vec![4, 8],
            lstm_hidden: 8,
            ..NetworkConfig::default()
        };
        // Seeded differently, so every tensor (batch-norm's constant initial statistics
        // aside) differs between them.
        let networks: Vec<Network> = (0..3)
            .map(|seed| {
                device.seed(seed);
                Network::new(&config, 16, 4, &device)
            })
            .collect();
        assert_eq!(
            values(&running_mean(networks[0].clone(), &networks[1], 1)),
            values(&networks[1]),
            "the mean of one network is that network"
        );
        let mut mean = networks[0].clone();
        for (i, next) in networks.iter().enumerate() {
            mean = running_mean(mean, next, i + 1);
        }
        let (a, b, c) = (
            values(&networks[0]),
            values(&networks[1]),
            values(&networks[2]),
        );
        assert_ne!(a, b);
        let got = values(&mean);
        assert_eq!(got.len(), a.len());
        for (i, g) in got.iter().enumerate() {
            let want = (a[i] + b[i] + c[i]) / 3.0;
            assert!((g - want).abs() < 1e-6, "value {i}: {g} against {want}");
        }
    }
}
