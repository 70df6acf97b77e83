//! Cross-validation by speaker (`ser cv`): the speakers are divided into K folds, and each
//! fold's clips are scored by networks trained without a single clip of its speakers.
//!
//! [`CrossValidation`] says what a cross-validation is (the folds, the configuration, one
//! network per seed) and trains and scores one fold at a time ([`CrossValidation::run_fold`]),
//! so folds can run in one process, one after another, or in processes of their own side by
//! side; [`record`] writes and reads back `cv.json`, the record of the finished folds, after
//! each fold, so an interrupted run keeps what it finished and resumes.
//!
//! ```no_run
//! # fn main() -> Result<(), String> {
//! use ser_train::cv::CrossValidation;
//! use ser_train::train_config::TrainConfig;
//!
//! let data = std::path::Path::new("../shared/data/ravdess");
//! let dataset = ser_train::dataset::load_dataset(data, None)?;
//! let cfg = TrainConfig::default();
//! let cv = CrossValidation::new(&dataset.speakers(), 5, 2, cfg, vec![42])?;
//! let load = |speakers: &[String]| {
//!     let clips = ser_train::split::Split::select(&dataset.clips, speakers);
//!     let (examples, failed) =
//!         ser_train::data::load_examples(&dataset, &clips, &cv.cfg.audio, None, true);
//!     (examples, failed.len())
//! };
//! let device = ser_model::device("cpu")?;
//! let fold = cv.run_fold(1, data, &dataset, load, None, &device)?;
//! println!("fold 1: {:.1} %", 100.0 * fold.test.accuracy);
//! # Ok(())
//! # }
//! ```

pub mod record;

use std::path::Path;

use ser_model::{Device, EmotionModel};
use serde_json::{json, Value};

use crate::calibration::Calibration;
use crate::data::Example;
use crate::dataset::Dataset;
use crate::ensemble_dir::{member_dir, remove_stale_members, write_combined};
use crate::evaluation::{evaluate, Evaluation};
use crate::fine_tune::{self, Start};
use crate::metrics::Scores;
use crate::report::{write_model_dir, DataDescription};
use crate::split::{cv_split, speaker_folds, Split};
use crate::train_config::TrainConfig;
use crate::trainer::{train, RunOptions, TrainOutcome};

/// A K-fold cross-validation by speaker.
#[derive(Debug, Clone)]
pub struct CrossValidation {
    /// The speakers of each fold ([`speaker_folds`]: sorted, in contiguous groups).
    pub folds: Vec<Vec<String>>,
    /// How many speakers of the next fold choose each fold's epoch (0: every speaker that is
    /// not tested trains, and the last epoch is kept).
    pub valid_speakers: usize,
    /// The configuration every network trains with; its seed is the first network's.
    pub cfg: TrainConfig,
    /// One network per seed in each fold, scored by the mean of their probabilities.
    pub seeds: Vec<u64>,
    /// Whether [`Self::run_fold`] shows what it does on standard error: a line per fold and
    /// per network, and the trainer's bar of each epoch (`true` from [`Self::new`], as
    /// `ser cv` wants; `false` trains and scores in silence).
    pub progress: bool,
}

/// Where a fold's networks are kept as model directories (`ser cv --keep-models`), to
/// evaluate later on the fold's unheard speakers or to teach the same fold.
pub struct KeepModels<'a> {
    /// Fold K goes to `dir/foldK`.
    pub dir: &'a Path,
    /// The command that trained them, for their cards.
    pub command: &'a str,
}

/// A finished fold.
pub struct FoldResult {
    /// 1-based fold number.
    pub fold: usize,
    /// Scores of its test speakers.
    pub test: Scores,
    /// Calibration of its test speakers' confidences (`None` in folds recorded before ser
    /// measured it).
    pub calibration: Option<Calibration>,
    /// Its whole record for cv.json: split, epochs, networks, every test clip's logits.
    pub detail: Value,
}

impl CrossValidation {
    /// `speakers` divided into `k` folds; refused when there are too few of them.
    pub fn new(
        speakers: &[String],
        k: usize,
        valid_speakers: usize,
        cfg: TrainConfig,
        seeds: Vec<u64>,
    ) -> Result<Self, String> {
        if speakers.len() < k.max(2) {
            return Err(format!("{} speakers cannot make {k} folds", speakers.len()));
        }
        let first = *seeds.first().ok_or("no seed to train with")?;
        Ok(CrossValidation {
            folds: speaker_folds(speakers, k),
            valid_speakers,
            cfg: TrainConfig { seed: first, ..cfg },
            seeds,
            progress: true,
        })
    }

    /// The split of fold `fold` (1-based): its speakers tested, the first `valid_speakers` of
    /// the next fold validating, the rest training.
    pub fn split(&self, fold: usize) -> Split {
        cv_split(&self.folds, fold - 1, self.valid_speakers)
    }

    /// The configuration of fold `fold`: with a teacher, the fold's own (see
    /// [`crate::distillation::DistillConfig::for_fold`]), and with a model to start from, the
    /// fold's (see [`fine_tune::for_fold`]); either is refused if it heard one of the fold's
    /// test speakers. Check every fold's before any trains.
    pub fn fold_config(&self, fold: usize) -> Result<TrainConfig, String> {
        let test_speakers = &self.split(fold).test_speakers;
        let mut cfg = self.cfg.clone();
        if let Some(distill) = &cfg.distill {
            let distill = distill.for_fold(fold)?;
            distill.check_unheard(test_speakers)?;
            cfg.distill = Some(distill);
        }
        if let Some(init) = &cfg.init {
            let init = fine_tune::for_fold(init, fold);
            Start::load(&init).and_then(|start| start.check_unheard(test_speakers))?;
            cfg.init = Some(init);
        }
        Ok(cfg)
    }

    /// Trains fold `fold` (1-based) of `dataset` (read from `data`), one network per seed,
    /// keeps it with `keep`, and scores it (the mean of the networks' probabilities when there
    /// are several) on its test speakers. `load` reads the clips of some speakers as examples,
    /// and counts the files it could not read.
    pub fn run_fold(
        &self,
        fold: usize,
        data: &Path,
        dataset: &Dataset,
        load: impl Fn(&[String]) -> (Vec<Example>, usize),
        keep: Option<&KeepModels>,
        device: &Device,
    ) -> Result<FoldResult, String> {
        let cfg = self.fold_config(fold)?;
        let split = self.split(fold);
        let (train_ex, failed_train) = load(&split.train_speakers);
        let (valid_ex, failed_valid) = load(&split.valid_speakers);
        let (test_ex, _) = load(&split.test_speakers);
        if self.progress {
            eprintln!(
                "fold {fold}/{}: test {} | valid {} | train {} clips",
                self.folds.len(),
                Split::names(&split.test_speakers),
                Split::names(&split.valid_speakers),
                train_ex.len()
            );
        }
        let mut members =
            self.train_networks(&cfg, &dataset.labels, &train_ex, &valid_ex, device)?;
        // Kept: the fold's directory and, with several networks, theirs inside it.
        let kept = match keep {
            Some(keep) => {
                let source = data.display().to_string();
                let data = DataDescription {
                    source: &source,
                    kind: dataset.kind,
                    clips: train_ex.len() + valid_ex.len(),
                    failed: failed_train + failed_valid,
                };
                let dir = keep.dir.join(format!("fold{fold}"));
                let member_dirs = keep_networks(&dir, &members, &cfg, &split, &data, keep.command)
                    .map_err(|e| {
                        format!("{}: cannot keep fold {fold}'s model: {e}", dir.display())
                    })?;
                Some((dir, member_dirs))
            }
            None => None,
        };
        let test_of = |model: &EmotionModel| evaluate(model, &test_ex, cfg.batch_size);
        let mut detail = json!({"fold": fold, "split": split});
        let model = if members.len() == 1 {
            let (_, outcome) = members.remove(0);
            detail["best_epoch"] = json!(outcome.best_epoch);
            detail["history"] = json!(outcome.history);
            detail["valid_calibration"] = json!(outcome.calibration);
            outcome.model
        } else {
            let records: Vec<Value> = members
                .iter()
                .map(|(seed, outcome)| {
                    json!({"seed": seed, "best_epoch": outcome.best_epoch, "history": outcome.history, "valid_calibration": outcome.calibration, "test": test_of(&outcome.model).scores})
                })
                .collect();
            detail["members"] = json!(records);
            let model = EmotionModel::combine(members.into_iter().map(|(_, o)| o.model).collect())
                .map_err(|e| e.to_string())?;
            if let (Some((dir, member_dirs)), Some(keep)) = (&kept, keep) {
                write_combined(dir, &model, member_dirs, keep.command).map_err(|e| {
                    format!("{}: cannot keep fold {fold}'s model: {e}", dir.display())
                })?;
            }
            model
        };
        let evaluation = test_of(&model);
        let calibration = evaluation.calibration(&model);
        detail["test_clips"] = clip_predictions(data, &dataset.labels, &test_ex, &evaluation);
        detail["test"] = json!(evaluation.scores);
        detail["test_calibration"] = json!(calibration);
        Ok(FoldResult {
            fold,
            test: evaluation.scores,
            calibration: Some(calibration),
            detail,
        })
    }

    /// One network per seed, each trained exactly as a run with that seed alone trains it (the
    /// trainer seeds every random choice it makes from its configuration's seed).
    fn train_networks(
        &self,
        cfg: &TrainConfig,
        labels: &[String],
        train_ex: &[Example],
        valid_ex: &[Example],
        device: &Device,
    ) -> Result<Vec<(u64, TrainOutcome)>, String> {
        let mut members = Vec::with_capacity(self.seeds.len());
        for (i, &seed) in self.seeds.iter().enumerate() {
            if self.progress && self.seeds.len() > 1 {
                eprintln!("network {} of {} (seed {seed})", i + 1, self.seeds.len());
            }
            let options = RunOptions {
                checkpoint_dir: None,
                resume: false,
                progress: self.progress,
                device: device.clone(),
            };
            let cfg = TrainConfig {
                seed,
                ..cfg.clone()
            };
            let outcome =
                train(&cfg, labels, train_ex, valid_ex, &options).map_err(|e| e.to_string())?;
            members.push((seed, outcome));
        }
        Ok(members)
    }
}

/// Saves a fold's networks (trained with `cfg` on `split`): one as the model directory `dir`,
/// several each in `dir/members/seed-S`, whose directories it returns for their combination
/// to be written into `dir` (empty for one network); networks of other seeds that an earlier
/// run left in `dir/members` are removed.
fn keep_networks(
    dir: &Path,
    members: &[(u64, TrainOutcome)],
    cfg: &TrainConfig,
    split: &Split,
    data: &DataDescription,
    command: &str,
) -> Result<Vec<std::path::PathBuf>, String> {
    let write = |dir: &Path, seed: u64, outcome: &TrainOutcome| {
        let cfg = TrainConfig {
            seed,
            ..cfg.clone()
        };
        write_model_dir(dir, outcome, &cfg, split, data, None, command)
    };
    // The seeds whose directories stay in `dir/members`: none beside one network.
    let (dirs, seeds) = if let [(seed, outcome)] = members {
        write(dir, *seed, outcome)?;
        (Vec::new(), Vec::new())
    } else {
        let dirs = members
            .iter()
            .map(|(seed, outcome)| {
                let member = member_dir(dir, *seed);
                write(&member, *seed, outcome)?;
                Ok(member)
            })
            .collect::<Result<Vec<_>, String>>()?;
        (dirs, members.iter().map(|(seed, _)| *seed).collect())
    };
    remove_stale_members(dir, &seeds)?;
    Ok(dirs)
}

/// Every test clip's file (relative to `data`), true and predicted label and logits, so a fold
/// can be examined clip by clip or combined with another run's (`tools/ensemble_cv.py`).
fn clip_predictions(
    data: &Path,
    labels: &[String],
    examples: &[Example],
    evaluation: &Evaluation,
) -> Value {
    let logits = evaluation.logits.chunks(labels.len());
    let rows = examples.iter().zip(logits).zip(&evaluation.predicted);
    rows.map(|((clip, row), &predicted)| {
        json!({
            "path": clip.path.strip_prefix(data).unwrap_or(&clip.path),
            "label": labels[clip.target],
            "predicted": labels[predicted],
            "logits": row,
        })
    })
    .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn too_few_speakers_make_no_folds() {
        let speakers = ["01".to_string(), "02".into()];
        let refused = CrossValidation::new(&speakers, 3, 1, TrainConfig::default(), vec![1]);
        assert_eq!(refused.err().unwrap(), "2 speakers cannot make 3 folds");
        let cv = CrossValidation::new(&speakers, 2, 0, TrainConfig::default(), vec![5, 6]);
        assert_eq!(
            cv.unwrap().cfg.seed,
            5,
            "the configuration names the first seed"
        );
    }
}
