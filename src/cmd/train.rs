//! `ser train`: train a model on a corpus, speaker-independently.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{bail, Result};
use ser_train::report::{write_model_dir, DataDescription};
use ser_train::split::holdout_split;
use ser_train::trainer::{train, RunOptions};

use super::common::{command_line, TrainArgs};

/// Arguments of `ser train`.
#[derive(clap::Args)]
#[command(after_help = "Example:
  ser train --data ../shared/data/ravdess --out models/mine
The last --valid-speakers speakers (sorted) choose the best epoch; no speaker is on both sides.")]
pub struct TrainCmd {
    #[command(flatten)]
    args: TrainArgs,
    /// Output model directory (weights, config, metrics, curves, MODEL.md).
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
    /// Continue from the checkpoint in OUT/checkpoint.
    #[arg(long)]
    resume: bool,
}

pub fn run(cmd: TrainCmd) -> Result<ExitCode> {
    let device = cmd.args.open_device()?; // before the data: a missing backend fails at once
    let (dataset, cfg) = cmd.args.prepare()?;
    let speakers = dataset.speakers();
    if speakers.len() <= cmd.args.valid_speakers {
        bail!(
            "{} speakers: need more than --valid-speakers {} for a speaker-independent split",
            speakers.len(),
            cmd.args.valid_speakers
        );
    }
    let split = holdout_split(&speakers, cmd.args.valid_speakers);
    let (train_ex, failed_train) = cmd.args.load_side(&dataset, &split.train_speakers, &cfg);
    let (valid_ex, failed_valid) = cmd.args.load_side(&dataset, &split.valid_speakers, &cfg);
    eprintln!(
        "training on {} clips ({} speakers), validating on {} clips ({})",
        train_ex.len(),
        split.train_speakers.len(),
        valid_ex.len(),
        split.valid_speakers.join(", ")
    );
    let checkpoint = cmd.out.join("checkpoint");
    let outcome = train(
        &cfg,
        &dataset.labels,
        &train_ex,
        &valid_ex,
        &RunOptions {
            checkpoint_dir: Some(&checkpoint),
            resume: cmd.resume,
            progress: true,
            device: device.clone(),
        },
    )?;
    write_model_dir(
        &cmd.out,
        &outcome,
        &cfg,
        &split,
        &DataDescription {
            source: &cmd.args.data.display().to_string(),
            kind: dataset.kind,
            clips: train_ex.len() + valid_ex.len(),
            failed: failed_train + failed_valid,
        },
        None,
        &command_line(&[]),
    )
    .map_err(anyhow::Error::msg)?;
    // The model is complete; the checkpoint only served to resume an interrupted run.
    std::fs::remove_dir_all(&checkpoint).ok();
    let v = &outcome.valid_scores;
    println!(
        "model written to {}: validation accuracy {:.1} %, UAR {:.1} % (epoch {}, {} parameters)",
        cmd.out.display(),
        100.0 * v.accuracy,
        100.0 * v.uar,
        outcome.best_epoch,
        outcome.parameters
    );
    Ok(ExitCode::SUCCESS)
}
