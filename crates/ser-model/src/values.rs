//! Reading a tensor back as plain numbers.

use burn::tensor::Tensor;

/// The values of a float tensor in row-major order. Every tensor of `ser`'s networks, their
/// inputs and outputs holds `f32`; anything else is a programming error, hence the panic.
pub fn tensor_values<const D: usize>(x: Tensor<D>) -> Vec<f32> {
    x.into_data().try_to_vec::<f32>().expect("f32 tensor")
}
