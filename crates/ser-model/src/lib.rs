//! The `ser` emotion model: network definition, weights, labels and inference.
//!
//! A model is a directory (or the bundled default) holding `config.json` — the labels, the
//! audio standardisation, the feature parameters and the network's hyper-parameters — and
//! `model.bpk`, the weights (with `model.2.bpk`, … for a model whose several networks average
//! their probabilities, an [`Ensemble`]). [`EmotionModel`] loads both and turns audio into [`Prediction`]s,
//! preparing the audio exactly as it was prepared in training, because the preparation is
//! read from the model and never from code defaults. [`label_match`] reads other corpora's
//! names for the model's labels (`fear` as `fearful`).
//!
//! ```no_run
//! use ser_model::EmotionModel;
//! let model = EmotionModel::bundled()?;
//! let p = model.predict_file("clip.wav")?;
//! println!("{} ({:.0} %)", p.label, 100.0 * p.confidence);
//! # Ok::<(), ser_model::ModelError>(())
//! ```

mod atomic;
mod bundled;
mod clips;
mod config;
mod cpu_kernels;
mod deltas;
mod ensemble;
mod error;
mod inference;
pub mod label_match;
mod network;
mod prediction;
pub mod prosody;
mod values;

pub use atomic::write_atomic;
pub use bundled::{METRICS, MODEL_CARD};
pub use burn::tensor::Device;
pub use clips::{batch_tensor, clip_logits};
pub use config::{
    check_pipeline, check_speeds, check_standardization, ModelConfig, NetworkConfig,
    FORMAT_VERSION, SPEED_RANGE,
};
pub use cpu_kernels::CpuNetwork;
pub use ensemble::{weights_file, Ensemble};
pub use error::ModelError;
pub use inference::{differences, prepare_features, EmotionModel, CONFIG_FILE};
pub use network::Network;
pub use prediction::Prediction;
pub use values::tensor_values;

/// The burn device used for inference and training on the CPU.
pub fn cpu() -> burn::tensor::Device {
    burn::tensor::Device::flex()
}

/// Names accepted by [`device`].
pub const DEVICES: [&str; 3] = ["cpu", "cuda", "wgpu"];

/// The burn device called `name`: `cpu` (burn's flex backend, always there), `cuda` (the first
/// NVIDIA GPU; Cargo feature `cuda`) or `wgpu` (the default GPU through Vulkan, Metal or DX12;
/// Cargo feature `wgpu`). A GPU backend this build lacks is an error that says how to get it.
pub fn device(name: &str) -> Result<burn::tensor::Device, String> {
    let missing = |feature: &str| {
        Err(format!(
            "this ser was built without the {feature} backend: build it with `cargo build --release --features {feature}`"
        ))
    };
    match name {
        "cpu" => Ok(cpu()),
        #[cfg(feature = "cuda")]
        "cuda" => Ok(burn::tensor::Device::cuda(0)),
        #[cfg(not(feature = "cuda"))]
        "cuda" => missing("cuda"),
        #[cfg(feature = "wgpu")]
        "wgpu" => Ok(burn::tensor::Device::wgpu(
            burn::tensor::DeviceKind::DefaultDevice,
        )),
        #[cfg(not(feature = "wgpu"))]
        "wgpu" => missing("wgpu"),
        other => Err(format!(
            "unknown device {other:?} (one of {})",
            DEVICES.join(", ")
        )),
    }
}
