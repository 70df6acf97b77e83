//! Subcommands of the `ser` binary.

mod features;
mod info;

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

/// Runs the parsed command.
pub fn run(cli: Cli) -> Result<ExitCode> {
    match cli.command {
        Command::Info(args) => info::run(args),
        Command::Features(args) => features::run(args),
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
