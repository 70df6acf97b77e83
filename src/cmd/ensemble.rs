//! `ser ensemble`: combine trained models into one that averages their probabilities.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};
use ser_model::EmotionModel;

use ser_train::ensemble_dir::write_combined;

use super::common::command_line;

/// Arguments of `ser ensemble`.
#[derive(clap::Args)]
#[command(
    after_help = "Example (two seeds of one recipe; each network adds ~2.5 ms per clip):
  ser train --data ../shared/data/ravdess --seed 42 --out models/a
  ser train --data ../shared/data/ravdess --seed 7 --out models/b
  ser ensemble models/a models/b --out models/ab"
)]
pub struct EnsembleCmd {
    /// Trained model directories: same labels, audio preparation, features, network shape and
    /// temperature (e.g. one recipe trained with different seeds).
    #[arg(required = true, num_args = 2.., value_name = "MODEL")]
    models: Vec<PathBuf>,
    /// Output model directory.
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
}

pub fn run(cmd: EnsembleCmd) -> Result<ExitCode> {
    let models = cmd
        .models
        .iter()
        .map(EmotionModel::load)
        .collect::<Result<Vec<_>, _>>()?;
    let model = EmotionModel::combine(models).with_context(|| {
        let names: Vec<String> = cmd.models.iter().map(|d| d.display().to_string()).collect();
        names.join(", ")
    })?;
    write_combined(&cmd.out, &model, &cmd.models, &command_line(&[]))
        .map_err(anyhow::Error::msg)?;
    println!(
        "model of {} networks written to {}",
        model.config().members,
        cmd.out.display()
    );
    Ok(ExitCode::SUCCESS)
}
