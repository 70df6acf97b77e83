//! The record of one training epoch, kept in checkpoints, metrics.json and the training curves.

use serde::{Deserialize, Serialize};

/// What happened in one epoch.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EpochStats {
    /// 1-based epoch number.
    pub epoch: usize,
    /// Mean training loss.
    pub train_loss: f64,
    /// Training accuracy (on augmented clips).
    pub train_accuracy: f64,
    /// Mean validation loss (`None`: trained without validation speakers).
    pub valid_loss: Option<f64>,
    /// Validation accuracy.
    pub valid_accuracy: Option<f64>,
    /// Validation UAR: the early-stopping criterion.
    pub valid_uar: Option<f64>,
    /// How often the speaker head named the training clips' speakers (`None`: trained
    /// without [`crate::train_config::TrainConfig::speaker_adversary`], and then left out of the record, as in
    /// records written before it existed); chance is one over the speakers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub speaker_accuracy: Option<f64>,
    /// Learning rate used.
    pub learning_rate: f64,
    /// Wall-clock seconds of the epoch.
    pub seconds: f64,
}
