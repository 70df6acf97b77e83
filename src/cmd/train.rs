//! `ser train`: train a model on a corpus, speaker-independently; with `--seeds`, one network
//! per seed combined into an ensemble.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{bail, Context, Result};
use ser_model::EmotionModel;
use ser_train::checkpoint::has_checkpoint;
use ser_train::data::Example;
use ser_train::fine_tune::Start;
use ser_train::report::{write_model_dir, DataDescription};
use ser_train::split::{holdout_split, Split};
use ser_train::train_config::TrainConfig;
use ser_train::trainer::{train, RunOptions};

use ser_train::ensemble_dir::{member_dir, remove_stale_members, write_combined, Member};

use super::common::{check_seed_list, command_line, TrainArgs};

/// Arguments of `ser train`.
#[derive(clap::Args)]
#[command(after_help = "Examples:
  ser train --data ../shared/data/ravdess --out models/mine
  ser train --data ../shared/data/ravdess --seeds 42,7 --out models/pair
  ser train --data mine.csv --init bundled --out models/mine   # fine-tune the bundled model
The last --valid-speakers speakers (sorted) choose the best epoch; no speaker is on both sides.
With --seeds, each network is a model of its own in OUT/members/seed-S (card, curves and
all), and OUT averages their probabilities, as `ser ensemble` of those directories would.")]
pub struct TrainCmd {
    #[command(flatten)]
    args: TrainArgs,
    /// Output model directory (weights, config, metrics, curves, MODEL.md).
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
    /// Continue from the checkpoint in OUT/checkpoint (with --seeds: keep the networks already
    /// trained with this configuration, continue the one interrupted).
    #[arg(long)]
    resume: bool,
    /// Train one network per seed (comma-separated, at least two) and combine them into one
    /// model that averages their probabilities: each network adds ~2.5 ms per clip; on
    /// RAVDESS's cross-validation a pair scored about 3 points above one network. Each network
    /// is kept in OUT/members/seed-S; those of other seeds that an earlier run left there are
    /// removed (all of them when one network is trained into OUT).
    #[arg(long, value_delimiter = ',', conflicts_with = "seed")]
    seeds: Vec<u64>,
}

pub fn run(cmd: TrainCmd) -> Result<ExitCode> {
    let device = cmd.args.open_device()?; // before the data: a missing backend fails at once
    let (dataset, cfg) = cmd.args.prepare()?;
    if !cmd.seeds.is_empty() {
        if cmd.seeds.len() < 2 {
            bail!("--seeds needs at least two seeds (one network: --seed)");
        }
        check_seed_list(&cmd.seeds, &cfg)?;
    }
    let speakers = dataset.speakers();
    if speakers.len() <= cmd.args.valid_speakers {
        bail!(
            "{} speakers: need more than --valid-speakers {} for a speaker-independent split",
            speakers.len(),
            cmd.args.valid_speakers
        );
    }
    let split = holdout_split(&speakers, cmd.args.valid_speakers);
    // A teacher, or a model to start from, that heard the validation speakers would flatter
    // the epoch it picks.
    if let Some(distill) = &cfg.distill {
        distill
            .check_unheard(&split.valid_speakers)
            .map_err(anyhow::Error::msg)?;
    }
    if let Some(init) = &cfg.init {
        Start::load(init)
            .and_then(|start| start.check_unheard(&split.valid_speakers))
            .map_err(anyhow::Error::msg)?;
    }
    let (train_ex, failed_train) = cmd.args.load_side(&dataset, &split.train_speakers, &cfg);
    let (valid_ex, failed_valid) = cmd.args.load_side(&dataset, &split.valid_speakers, &cfg);
    let validation = if valid_ex.is_empty() {
        "no validation speakers: the last epoch's weights are kept".to_string()
    } else {
        format!(
            "validating on {} clips ({})",
            valid_ex.len(),
            Split::names(&split.valid_speakers)
        )
    };
    eprintln!(
        "training on {} clips ({} speakers), {validation}",
        train_ex.len(),
        split.train_speakers.len(),
    );
    let source = cmd.args.data.display().to_string();
    let data = DataDescription {
        source: &source,
        kind: dataset.kind,
        clips: train_ex.len() + valid_ex.len(),
        failed: failed_train + failed_valid,
    };
    let trainer = Trainer {
        split: &split,
        train: &train_ex,
        valid: &valid_ex,
        labels: &dataset.labels,
        data: &data,
        device: &device,
    };
    if cmd.seeds.is_empty() {
        trainer.network(&cfg, &cmd.out, cmd.resume)?;
    } else {
        train_ensemble(&cmd, &cfg, &trainer)?;
    }
    remove_stale_members(&cmd.out, &cmd.seeds).map_err(anyhow::Error::msg)?;
    Ok(ExitCode::SUCCESS)
}

/// Trains one network per `--seeds` seed into OUT/members/seed-S and combines them into OUT.
fn train_ensemble(cmd: &TrainCmd, cfg: &TrainConfig, trainer: &Trainer) -> Result<()> {
    let mut networks = Vec::new();
    let mut dirs = Vec::new();
    for (i, &seed) in cmd.seeds.iter().enumerate() {
        let dir = member_dir(&cmd.out, seed);
        let cfg = TrainConfig {
            seed,
            ..cfg.clone()
        };
        eprintln!(
            "network {} of {} (seed {seed}) into {}",
            i + 1,
            cmd.seeds.len(),
            dir.display()
        );
        networks.push(match finished_member(&dir, &cfg, cmd.resume) {
            Some(model) => {
                eprintln!("already trained with this configuration: kept");
                model
            }
            // A network this run has not reached yet starts afresh.
            None => {
                let resume = cmd.resume && has_checkpoint(&checkpoint_dir(&dir));
                trainer.network(&cfg, &dir, resume)?
            }
        });
        dirs.push(dir);
    }
    let model = EmotionModel::combine(networks).context("combining the trained networks")?;
    write_combined(&cmd.out, &model, &dirs, &command_line(&[])).map_err(anyhow::Error::msg)?;
    println!(
        "model of {} networks written to {}",
        model.config().members,
        cmd.out.display()
    );
    Ok(())
}

/// Trains networks on one split and writes each as a model directory.
struct Trainer<'a> {
    split: &'a Split,
    train: &'a [Example],
    valid: &'a [Example],
    labels: &'a [String],
    data: &'a DataDescription<'a>,
    device: &'a ser_model::Device,
}

impl Trainer<'_> {
    /// Trains one network with `cfg` into the model directory `out` (checkpointing into
    /// `out/checkpoint`, resumed from there with `resume`) and returns it.
    fn network(&self, cfg: &TrainConfig, out: &Path, resume: bool) -> Result<EmotionModel> {
        let checkpoint = checkpoint_dir(out);
        let outcome = train(
            cfg,
            self.labels,
            self.train,
            self.valid,
            &RunOptions {
                checkpoint_dir: Some(&checkpoint),
                resume,
                progress: true,
                device: self.device.clone(),
            },
        )?;
        write_model_dir(
            out,
            &outcome,
            cfg,
            self.split,
            self.data,
            None,
            &command_line(&[]),
        )
        .map_err(anyhow::Error::msg)?;
        // The model is complete; the checkpoint only served to resume an interrupted run.
        std::fs::remove_dir_all(&checkpoint).ok();
        let scores = outcome.valid_scores.as_ref().map_or_else(
            || "no validation speakers".to_string(),
            |v| {
                format!(
                    "validation accuracy {:.1} %, UAR {:.1} %",
                    100.0 * v.accuracy,
                    100.0 * v.uar
                )
            },
        );
        println!(
            "model written to {}: {scores} (epoch {}, {} parameters)",
            out.display(),
            outcome.best_epoch,
            outcome.parameters
        );
        Ok(outcome.model)
    }
}

/// Where training into the model directory `out` checkpoints each epoch.
fn checkpoint_dir(out: &Path) -> PathBuf {
    out.join("checkpoint")
}

/// With `--resume`, the network a previous run finished in `dir` with exactly `cfg` (its
/// metrics.json records the configuration), so that it is not trained again.
fn finished_member(dir: &Path, cfg: &TrainConfig, resume: bool) -> Option<EmotionModel> {
    if !resume || has_checkpoint(&checkpoint_dir(dir)) {
        return None;
    }
    let metrics = Member::of_dir(dir).metrics?;
    let recorded: TrainConfig = serde_json::from_value(metrics.get("config")?.clone()).ok()?;
    if recorded != *cfg {
        return None;
    }
    EmotionModel::load(dir).ok()
}
