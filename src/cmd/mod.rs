//! Subcommands of the `ser` binary.

mod analyze;
mod common;
mod cv;
mod ensemble;
mod eval;
mod features;
mod info;
mod predict;
mod prosody;
mod serve;
mod train;

use std::process::ExitCode;

use anyhow::Result;
use clap::{Parser, Subcommand, ValueEnum};

/// Speech emotion recognition: how a speaker feels, from their voice.
#[derive(Parser)]
#[command(name = "ser", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Show container, codec, sample rate, channels, frames and duration of audio files.
    Info(info::InfoArgs),
    /// Compute log-mel spectrograms (librosa-exact) and save them as .npy (and .png).
    Features(features::FeaturesArgs),
    /// Train an emotion model on a corpus (speaker-independent validation, early stopping).
    Train(train::TrainCmd),
    /// Cross-validate by speaker: K folds, each tested on speakers its model never heard.
    Cv(cv::CvCmd),
    /// Combine trained models into one that averages their probabilities (more accurate, slower).
    Ensemble(ensemble::EnsembleCmd),
    /// Score a model on a labelled corpus: accuracy, UAR, macro-F1, confusion matrix.
    Eval(eval::EvalCmd),
    /// Fit a model's prosody head (pitch, loudness, timing) on a labelled corpus: 1.7-4 points
    /// more accuracy for a single network on unheard actors.
    Prosody(prosody::ProsodyCmd),
    /// Predict the emotion of audio files, with the confidence and every label's probability.
    Predict(predict::PredictCmd),
    /// Find the speech in long recordings and follow its emotion over time (a timeline).
    Analyze(analyze::AnalyzeCmd),
    /// Serve the web app (upload, microphone, live mode) and the JSON/WebSocket API.
    Serve(serve::ServeCmd),
    /// Print a completion script for a shell, e.g. `ser completions bash >
    /// ~/.local/share/bash-completion/completions/ser`.
    Completions {
        /// The shell to complete in.
        shell: clap_complete::Shell,
    },
}

/// Machine- or human-readable output.
#[derive(Clone, Copy, Default, ValueEnum)]
pub enum TextOrJson {
    /// Aligned text for people.
    #[default]
    Text,
    /// JSON for programs.
    Json,
}

/// Output of the commands that report rows of results (`predict`, `analyze`).
#[derive(Clone, Copy, Default, ValueEnum)]
pub enum TableJsonCsv {
    /// Aligned columns for people.
    #[default]
    Table,
    /// JSON for programs.
    Json,
    /// A header, then one row per result with every label's probability.
    Csv,
}

/// Runs the parsed command.
pub fn run(cli: Cli) -> Result<ExitCode> {
    match cli.command {
        Command::Info(args) => info::run(args),
        Command::Features(args) => features::run(args),
        Command::Train(cmd) => train::run(cmd),
        Command::Cv(cmd) => cv::run(cmd),
        Command::Ensemble(cmd) => ensemble::run(cmd),
        Command::Eval(cmd) => eval::run(cmd),
        Command::Prosody(cmd) => prosody::run(cmd),
        Command::Predict(cmd) => predict::run(cmd),
        Command::Analyze(cmd) => analyze::run(cmd),
        Command::Serve(cmd) => serve::run(cmd),
        Command::Completions { shell } => {
            let mut cli = <Cli as clap::CommandFactory>::command();
            clap_complete::generate(shell, &mut cli, "ser", &mut std::io::stdout());
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// Exit code for a batch: 2 when any input failed, else success.
fn batch_exit_code(failures: usize) -> ExitCode {
    if failures == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(2)
    }
}
