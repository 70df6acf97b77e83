//! Fine-tuning: a network that starts from a trained model's weights instead of random ones,
//! e.g. to learn a corpus of one's own (other speakers, a microphone, a label set of four
//! emotions) from the bundled model in a few epochs rather than from nothing.
//!
//! Everything up to the output layer starts as the trained network's. The output layer has a
//! row per label of the new corpus: a label that names one of the trained model's emotions (as
//! [`ser_model::label_match`] reads names: `fear` is `fearful`) starts from that emotion's row, any
//! other from random weights. The trained network must have the run's shape and read its
//! features; it must not have heard the speakers the run scores the network on.

use std::path::{Path, PathBuf};

use burn::tensor::Device;
use ser_model::label_match::match_labels;
use ser_model::{differences, EmotionModel, ModelConfig, Network};

use crate::checkpoint::{load_module, module_bytes};
use crate::distillation::FOLD_PLACEHOLDER;

/// What the `init` option says to start from the model compiled into `ser`.
pub const BUNDLED: &str = "bundled";

/// The model fold `fold` of a cross-validation starts from: `init` with
/// [`crate::distillation::FOLD_PLACEHOLDER`] replaced by the fold's number (one model per
/// fold, trained without the fold's test speakers), or `init` itself if it has none (a model
/// that never heard the corpus, e.g. the bundled one on another corpus).
pub fn for_fold(init: &Path, fold: usize) -> PathBuf {
    let path = init.to_string_lossy();
    PathBuf::from(path.replace(FOLD_PLACEHOLDER, &fold.to_string()))
}

/// A trained model to start a network from.
pub struct Start {
    name: String,
    model: EmotionModel,
    /// Its `metrics.json`, which records the speakers it heard; `None` if it has none.
    metrics: Option<String>,
}

impl Start {
    /// Loads the model `init` names: [`BUNDLED`], or a model directory of one network.
    pub fn load(init: &Path) -> Result<Self, String> {
        let (name, model, metrics) = if init == Path::new(BUNDLED) {
            let model = EmotionModel::bundled().map_err(|e| e.to_string())?;
            (
                "init (the bundled model)".to_string(),
                model,
                Some(ser_model::METRICS.to_string()),
            )
        } else {
            let name = format!("init {}", init.display());
            let model = EmotionModel::load(init).map_err(|e| format!("{name}: {e}"))?;
            let metrics = std::fs::read_to_string(init.join("metrics.json")).ok();
            (name, model, metrics)
        };
        let members = model.config().members;
        if members != 1 {
            return Err(format!(
                "{name} averages {members} networks; a network starts from one of them (its \
                 members are the models it was combined from)"
            ));
        }
        Ok(Self {
            name,
            model,
            metrics,
        })
    }

    /// Refuses the model if it heard any of `speakers` (whom the run scores the network on),
    /// or if it does not say whom it heard.
    pub fn check_unheard(&self, speakers: &[String]) -> Result<(), String> {
        let metrics = self.metrics.as_deref().unwrap_or_default();
        crate::heard::check_unheard(&self.name, metrics, speakers)
    }

    /// The network on `device` for a run of `run` (its labels, features and shape): the
    /// trained weights, an output row per label of the run.
    pub(crate) fn network(&self, run: &ModelConfig, device: &Device) -> Result<Network, String> {
        let trained = self.model.config();
        let differ: Vec<&str> = differences(trained, run)
            .into_iter()
            .filter(|part| !["labels", "temperature", "speeds"].contains(part))
            .collect();
        if !differ.is_empty() {
            return Err(format!(
                "{}: a network starts only from one of its shape that reads its features, and \
                 this one differs from the run in its {}",
                self.name,
                differ.join(", ")
            ));
        }
        let rows = match_labels(&run.labels, &trained.labels, &[], true)?.targets;
        let fresh = EmotionModel::fresh_network(trained, device);
        let network = load_module(fresh, module_bytes(&self.model.ensemble().networks()[0]))
            .map_err(|e| format!("{}: {e}", self.name))?;
        Ok(network.relabelled(&rows, device))
    }
}
