//! Speaker-adversarial training (Ganin & Lempitsky, 2015, applied to speakers): a small head
//! learns to tell the training speakers apart from the network's pooled representation, and
//! a gradient reversal between them pushes the network towards a representation the head
//! cannot use — one that carries the emotion but not the voice. The head exists only during
//! training; the saved model is the network alone, in the same format.

use burn::module::{Module, Param};
use burn::nn::{Linear, Relu};
use burn::tensor::{Device, Tensor, TensorData};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

/// Hidden units of the speaker head.
const HIDDEN: usize = 64;

/// The speaker classifier that plays against the network.
#[derive(Module, Debug)]
pub struct SpeakerHead {
    hidden: Linear,
    activation: Relu,
    output: Linear,
}

impl SpeakerHead {
    /// A fresh head over `embedding_size` inputs for `speakers` classes, its weights drawn
    /// from a generator of its own seeded with `seed`.
    ///
    /// Not from the device's generator, as burn's layers would: that one also draws the
    /// network's dropout masks, which would then differ from a run without the head, and the
    /// head would change training by more than its reversed gradient.
    pub fn new(embedding_size: usize, speakers: usize, seed: u64, device: &Device) -> Self {
        let mut rng = StdRng::seed_from_u64(seed);
        Self {
            hidden: seeded_linear(embedding_size, HIDDEN, &mut rng, device),
            activation: Relu::new(),
            output: seeded_linear(HIDDEN, speakers, &mut rng, device),
        }
    }

    /// Speaker logits for `pooled` `[B, D]`, through a gradient reversal of `strength`: the
    /// head learns to name the speakers, the network that made `pooled` learns to hide them.
    pub fn forward(&self, pooled: Tensor<2>, strength: f64) -> Tensor<2> {
        let hidden = self.hidden.forward(reverse_gradient(pooled, strength));
        self.output.forward(self.activation.forward(hidden))
    }
}

/// A linear layer initialised as burn's default: weights and bias uniform in ±1/√inputs.
fn seeded_linear(inputs: usize, outputs: usize, rng: &mut StdRng, device: &Device) -> Linear {
    let bound = 1.0 / (inputs as f32).sqrt();
    let mut draw =
        |n: usize| -> Vec<f32> { (0..n).map(|_| rng.random_range(-bound..bound)).collect() };
    Linear {
        weight: Param::from_data(
            TensorData::new(draw(inputs * outputs), [inputs, outputs]),
            device,
        ),
        bias: Some(Param::from_data(
            TensorData::new(draw(outputs), [outputs]),
            device,
        )),
    }
}

/// The identity going forward; going backward, the gradient times `-strength`.
///
/// `x·(1+s) − x·s` with the first term detached: its value is `x`, and only the second term
/// passes gradient.
pub fn reverse_gradient(x: Tensor<2>, strength: f64) -> Tensor<2> {
    x.clone().detach() * (1.0 + strength) - x * strength
}

/// The reversal strength at `progress` (0 → 1) through training, rising from 0 to `max` as in
/// Ganin & Lempitsky: `max·(2/(1+e^(−10p)) − 1)`, so the early, noisy speaker head does not
/// disturb the network while it first learns.
pub fn strength_at(max: f64, progress: f64) -> f64 {
    max * (2.0 / (1.0 + (-10.0 * progress).exp()) - 1.0)
}

#[cfg(test)]
mod tests {
    use burn::tensor::Tensor;
    use ser_model::tensor_values;

    use super::*;

    #[test]
    fn reversal_keeps_values_and_flips_gradients() {
        let device = ser_model::cpu().autodiff();
        let x = Tensor::<2>::from_data([[1.0f32, -2.0], [0.5, 3.0]], &device).require_grad();
        let y = reverse_gradient(x.clone(), 0.5);
        assert_eq!(tensor_values(y.clone().inner()), vec![1.0, -2.0, 0.5, 3.0]);
        let grads = (y * 2.0).sum().backward();
        let grad = x.grad(&grads).expect("x takes part in the loss");
        assert_eq!(tensor_values(grad), vec![-1.0; 4]);
    }

    #[test]
    fn strength_rises_from_zero_to_max() {
        assert_eq!(strength_at(0.5, 0.0), 0.0);
        assert!((strength_at(0.5, 1.0) - 0.5).abs() < 1e-3);
        assert!(strength_at(0.5, 0.2) > strength_at(0.5, 0.1));
    }
}
