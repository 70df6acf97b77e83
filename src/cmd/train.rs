//! `ser train`: train a model on a corpus, speaker-independently.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{bail, Result};
use ser_train::report::{write_model_dir, DataDescription};
use ser_train::split::{holdout_split, Split};
use ser_train::trainer::{train, RunOptions};

use super::common::TrainArgs;

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
    let train_clips = Split::select(&dataset.clips, &split.train_speakers);
    let valid_clips = Split::select(&dataset.clips, &split.valid_speakers);
    let cache = cmd.args.cache_dir();
    let (train_ex, mut failed) =
        ser_train::data::load_examples(&dataset, &train_clips, &cfg.audio, cache.clone(), true);
    let (valid_ex, failed_valid) =
        ser_train::data::load_examples(&dataset, &valid_clips, &cfg.audio, cache, true);
    failed.extend(failed_valid);
    for f in &failed {
        eprintln!("ser: warning: skipped {f}");
    }
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
        },
    )?;
    let command: Vec<String> = std::iter::once("ser".to_string())
        .chain(std::env::args().skip(1))
        .collect();
    write_model_dir(
        &cmd.out,
        &outcome,
        &cfg,
        &split,
        &DataDescription {
            source: &cmd.args.data.display().to_string(),
            kind: dataset.kind,
            clips: train_ex.len() + valid_ex.len(),
            failed: failed.len(),
        },
        None,
        &command.join(" "),
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
