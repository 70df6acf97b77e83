//! Errors of loading and running models.

/// Why a model could not be loaded or used.
#[derive(Debug, thiserror::Error)]
pub enum ModelError {
    /// A model file could not be read or written.
    #[error("{path}: {error}")]
    Io {
        /// The file.
        path: String,
        /// The I/O error, said in the message (not also chained as its source, which the
        /// CLI's error report would repeat).
        error: std::io::Error,
    },
    /// The path is not a model directory at all (missing, a file, or without `config.json`):
    /// most often a mistyped `--model`.
    #[error("{path}: {why}; a model is a directory holding config.json and model.bpk, as `ser train` writes it")]
    NotAModel {
        /// The path given as the model.
        path: String,
        /// What is there instead.
        why: &'static str,
    },
    /// `config.json` is not a valid model configuration.
    #[error("{path}: not a valid ser model configuration: {why}")]
    BadConfig {
        /// The file.
        path: String,
        /// What is wrong.
        why: String,
    },
    /// The weights do not fit the configuration (wrong shapes, missing tensors, corrupt file).
    #[error("{path}: weights do not match the model configuration: {why}")]
    BadWeights {
        /// The file.
        path: String,
        /// What is wrong.
        why: String,
    },
    /// Models to combine into one do not agree on what they are.
    #[error("cannot combine the models: {0}")]
    Incompatible(String),
    /// Labels asked of a model that it does not have.
    #[error("{0}")]
    UnknownLabels(String),
    /// The audio could not be read.
    #[error(transparent)]
    Audio(#[from] ser_audio::AudioError),
}
