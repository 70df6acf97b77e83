//! Training and evaluation for `ser`.
//!
//! - [`dataset`]: corpora as lists of labelled clips with speakers (RAVDESS file names, CSV
//!   manifests, folder-per-label layouts);
//! - [`split`]: speaker-independent train/validation/test splits and K-fold folds — a speaker
//!   is never on two sides;
//! - [`calibration`]: a softmax temperature fitted on validation speakers, and the expected
//!   calibration error that measures it;
//! - [`data`]: training examples (waveform, class, speaker) loaded from a corpus;
//! - [`corpus_for_model`]: a labelled corpus read for a trained model, its labels matched to the
//!   model's (`ser eval`, `ser prosody`);
//! - [`cache`]: decoded, resampled, trimmed waveforms cached on disk, keyed by file and options;
//! - [`adversary`]: speaker-adversarial training, a speaker head behind a gradient reversal;
//! - [`distillation`]: a trained model (or ensemble) teaching a new network its probabilities;
//! - [`augment`]: training-side augmentation (white noise and other talkers at random SNR, time
//!   shift, joined utterances, SpecAugment, mixup, VTLP);
//! - [`config_file`]: training configuration files that hold only what differs from the
//!   defaults;
//! - [`train_config`]: everything that defines a training run, and the checks that refuse one
//!   that could not train;
//! - [`trainer`]: the training loop (cross-entropy, Adam, early stopping, checkpoints, resume);
//! - [`epoch_stats`]: what one epoch did (losses, accuracies, learning rate, time);
//! - [`checkpoint`]: each epoch's weights and optimiser state, written so that a killed run
//!   resumes;
//! - [`fine_tune`]: a network that starts from a trained model's weights (fine-tuning);
//! - [`heard`]: which speakers a trained model heard, so that no network is scored on them;
//! - [`evaluation`]: a network's loss, logits and scores on clips as prediction sees them;
//! - [`cv`]: K-fold cross-validation by speaker, fold by fold, and its record (`cv.json`);
//! - [`averaging`]: the mean of the last epochs' weights, kept instead of the best epoch's;
//! - [`metrics`]: accuracy, UAR, macro-F1, per-class scores, confusion matrices;
//! - [`report`]: metrics.json, MODEL.md and pictures of a trained model;
//! - [`ensemble_dir`]: the directory of a model combined from trained models (`ser ensemble`),
//!   and the networks an ensemble keeps beside it.
//!
//! Training a model from Rust, as `ser train --data corpus/ --out my-model/` does it (the last
//! two speakers choose the epoch; no speaker is on both sides):
//!
//! ```no_run
//! use ser_train::{data::load_examples, dataset::load_dataset, split::{holdout_split, Split}};
//! use ser_train::report::{write_model_dir, DataDescription};
//! use ser_train::train_config::TrainConfig;
//! use ser_train::trainer::{train, RunOptions};
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let dataset = load_dataset("corpus/".as_ref(), None)?;
//! let cfg = TrainConfig::default();
//! let split = holdout_split(&dataset.speakers(), 2);
//! let side = |speakers: &[String]| {
//!     let clips = Split::select(&dataset.clips, speakers);
//!     load_examples(&dataset, &clips, &cfg.audio, None, true).0
//! };
//! let (train_ex, valid_ex) = (side(&split.train_speakers), side(&split.valid_speakers));
//! let run = RunOptions {
//!     checkpoint_dir: None,
//!     resume: false,
//!     progress: true,
//!     device: ser_model::device("cpu")?,
//! };
//! let outcome = train(&cfg, &dataset.labels, &train_ex, &valid_ex, &run)?;
//! let data = DataDescription {
//!     source: "corpus/",
//!     kind: dataset.kind,
//!     clips: train_ex.len() + valid_ex.len(),
//!     failed: 0,
//! };
//! write_model_dir("my-model".as_ref(), &outcome, &cfg, &split, &data, None, "example")?;
//! // `ser predict --model my-model clip.wav`, or ser_model::EmotionModel::load("my-model").
//! # Ok(())
//! # }
//! ```

pub mod acoustics;
pub mod adversary;
pub mod augment;
pub mod averaging;
pub mod cache;
pub mod calibration;
pub mod checkpoint;
pub mod config_file;
pub mod corpus_for_model;
pub mod cv;
pub mod data;
pub mod dataset;
pub mod distillation;
pub mod ensemble_dir;
pub mod epoch_stats;
pub mod evaluation;
pub mod fine_tune;
pub mod heard;
pub mod metrics;
pub mod prosody_fit;
pub mod report;
pub mod split;
pub mod train_config;
pub mod trainer;
