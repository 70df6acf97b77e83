//! Checkpoints: each epoch's weights, optimiser state and best weights so far, written so
//! that a run killed at any instant can resume from its last complete epoch.

use std::path::{Path, PathBuf};

use burn::module::Module;
use burn::optim::ModuleOptimizer;
use burn::store::ModuleRecord;
use burn::tensor::Bytes;
use serde::{Deserialize, Serialize};

use ser_model::Network;

use crate::adversary::SpeakerHead;
use crate::epoch_stats::EpochStats;
use crate::train_config::TrainConfig;

/// Where a run stands after an epoch: the network and optimiser to go on with, the weights to
/// keep so far and the history.
pub(crate) struct RunState {
    pub(crate) network: Network,
    /// The speaker-adversarial head, when the run has one.
    pub(crate) speaker_head: Option<SpeakerHead>,
    pub(crate) optimizer: ModuleOptimizer,
    /// The weights to keep so far ([`module_bytes`]): the best epoch's, or the running mean.
    pub(crate) best: Vec<u8>,
    pub(crate) state: CheckpointState,
}

impl RunState {
    /// A run before its first epoch, with a fresh `network`, speaker head (if any) and
    /// `optimizer`.
    pub(crate) fn start(
        cfg: &TrainConfig,
        network: Network,
        speaker_head: Option<SpeakerHead>,
        optimizer: ModuleOptimizer,
    ) -> Self {
        Self {
            best: module_bytes(&network.valid()),
            speaker_head,
            network,
            optimizer,
            state: CheckpointState {
                config: cfg.clone(),
                history: Vec::new(),
                best_epoch: 0,
                best_uar: -1.0,
            },
        }
    }
}

/// Resumable state, saved beside the checkpoint weights.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct CheckpointState {
    pub(crate) config: TrainConfig,
    pub(crate) history: Vec<EpochStats>,
    pub(crate) best_epoch: usize,
    pub(crate) best_uar: f64,
}

/// File name of one part (`last`, `optimizer`, `best`) of epoch `epoch`'s checkpoint.
fn part_file(part: &str, epoch: usize) -> String {
    format!("{part}-{epoch}.bpk")
}

/// The file of a checkpoint that is written last and names its epoch (see [`Checkpoint`]).
const STATE_FILE: &str = "state.json";

/// Whether `dir` holds a checkpoint a run can resume from (`RunOptions::resume`): a run that
/// was interrupted after finishing at least one epoch there.
pub fn has_checkpoint(dir: &Path) -> bool {
    dir.join(STATE_FILE).is_file()
}

/// A checkpoint that could not be written or read.
#[derive(Debug, thiserror::Error)]
#[error("checkpoint {path}: {why}")]
pub struct CheckpointError {
    /// The checkpoint directory.
    pub path: String,
    /// Why.
    pub why: String,
}

/// Where a run keeps its checkpoint: after epoch `e`, the weights `last-e.bpk` (and the speaker
/// head's `speaker-e.bpk` if the run has one), the optimiser state `optimizer-e.bpk` and the
/// best weights so far `best-e.bpk`, then `state.json` (the history), each written to a
/// temporary file and renamed. `state.json` is written last and names the epoch whose files
/// belong to it, so a run killed at any instant leaves a consistent checkpoint: the previous
/// epoch's files are deleted only after it is replaced.
pub(crate) struct Checkpoint {
    pub(crate) dir: PathBuf,
}

impl Checkpoint {
    pub(crate) fn save(
        &self,
        state: &CheckpointState,
        last: &[u8],
        speaker_head: Option<&[u8]>,
        optimizer: &[u8],
        best: &[u8],
    ) -> Result<(), CheckpointError> {
        let epoch = state.history.len();
        let parts = [
            ("last", Some(last)),
            ("optimizer", Some(optimizer)),
            ("best", Some(best)),
            ("speaker", speaker_head),
        ];
        for (part, bytes) in parts {
            if let Some(bytes) = bytes {
                self.write(&part_file(part, epoch), bytes)?;
            }
        }
        self.write(
            STATE_FILE,
            &serde_json::to_vec_pretty(state).expect("serialises"),
        )?;
        for (part, _) in parts {
            // A leftover of the previous epoch is harmless; failing to delete it is not an error.
            let _ = std::fs::remove_file(self.path(&part_file(part, epoch.saturating_sub(1))));
        }
        Ok(())
    }

    /// The run saved here, to go on from its last complete epoch: `network`, `speaker_head`
    /// and `optimizer` (fresh ones of the run's kind) take the saved weights and optimiser
    /// state. Refused when the checkpoint was made with another configuration than `cfg`.
    pub(crate) fn resume(
        &self,
        cfg: &TrainConfig,
        network: Network,
        speaker_head: Option<SpeakerHead>,
        optimizer: ModuleOptimizer,
    ) -> Result<RunState, CheckpointError> {
        let state: CheckpointState =
            serde_json::from_slice(&self.read(STATE_FILE)?).map_err(|e| self.fail(e))?;
        if state.config != *cfg {
            return Err(
                self.fail("was made with another configuration; start afresh without --resume")
            );
        }
        let done = state.history.len();
        let network =
            load_module(network, self.read(&part_file("last", done))?).map_err(|e| self.fail(e))?;
        let speaker_head = speaker_head
            .map(|head| {
                let bytes = self.read(&part_file("speaker", done))?;
                load_module(head, bytes).map_err(|e| self.fail(e))
            })
            .transpose()?;
        let optimizer = optimizer
            .from_bytes(Bytes::from_bytes_vec(
                self.read(&part_file("optimizer", done))?,
            ))
            .map_err(|e| self.fail(e))?;
        let best = self.read(&part_file("best", done))?;
        Ok(RunState {
            network,
            speaker_head,
            optimizer,
            best,
            state,
        })
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.join(name)
    }

    pub(crate) fn fail(&self, why: impl ToString) -> CheckpointError {
        CheckpointError {
            path: self.dir.display().to_string(),
            why: why.to_string(),
        }
    }

    fn write(&self, name: &str, bytes: &[u8]) -> Result<(), CheckpointError> {
        ser_model::write_atomic(&self.path(name), bytes).map_err(|e| self.fail(e))
    }

    fn read(&self, name: &str) -> Result<Vec<u8>, CheckpointError> {
        std::fs::read(self.path(name)).map_err(|e| self.fail(format!("{name}: {e}")))
    }
}

/// A module's weights (a network's, a speaker head's) as a burn record in memory.
pub(crate) fn module_bytes<M: Module>(module: &M) -> Vec<u8> {
    module
        .clone()
        .into_record()
        .into_bytes()
        .expect("in-memory record serialises")
        .to_vec()
}

/// `fresh` (a module of the right shape) with the weights of [`module_bytes`]'s `bytes`.
pub(crate) fn load_module<M: Module>(fresh: M, bytes: Vec<u8>) -> Result<M, String> {
    let record =
        ModuleRecord::from_bytes(Bytes::from_bytes_vec(bytes)).map_err(|e| e.to_string())?;
    fresh.try_load_record(record).map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use burn::optim::AdamConfig;
    use ser_model::NetworkConfig;

    use super::*;

    #[test]
    fn a_checkpoint_keeps_the_speaker_head() {
        let device = ser_model::cpu().autodiff();
        let config = NetworkConfig {
            conv_channels: vec![4],
            lstm_hidden: 8,
            ..NetworkConfig::default()
        };
        let fresh = || {
            let network = Network::new(&config, 16, 3, &device);
            let head = SpeakerHead::new(config.embedding_size(), 2, 1, &device);
            (network, head)
        };
        let (network, head) = fresh();
        let cfg = TrainConfig::default();
        let run = RunState::start(&cfg, network, Some(head), AdamConfig::new().init());
        let dir = tempfile::tempdir().unwrap();
        let checkpoint = Checkpoint {
            dir: dir.path().to_path_buf(),
        };
        let head_bytes = module_bytes(run.speaker_head.as_ref().unwrap());
        let mut state = run.state.clone();
        state.history.push(EpochStats {
            epoch: 1,
            train_loss: 1.0,
            train_accuracy: 0.5,
            valid_loss: None,
            valid_accuracy: None,
            valid_uar: None,
            speaker_accuracy: Some(0.5),
            learning_rate: 1e-3,
            seconds: 1.0,
        });
        checkpoint
            .save(
                &state,
                &module_bytes(&run.network),
                Some(&head_bytes),
                &run.optimizer.into_bytes().unwrap(),
                &run.best,
            )
            .unwrap();
        let (network, head) = fresh();
        let resumed = checkpoint
            .resume(&cfg, network, Some(head), AdamConfig::new().init())
            .unwrap();
        assert_eq!(
            module_bytes(resumed.speaker_head.as_ref().unwrap()),
            head_bytes
        );
    }
}
