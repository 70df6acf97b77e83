//! `ser`: speech emotion recognition from the command line.
//!
//! A thin binary over the library crates (`ser-audio`, `ser-features`, `ser-plot`): it parses
//! arguments, walks directories, shows progress and formats results. Exit codes: 0 success,
//! 2 bad input or usage (every failure names the file and the reason).

mod cmd;
mod files;
mod output;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = cmd::Cli::parse();
    match cmd::run(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("ser: error: {e:#}");
            ExitCode::from(2)
        }
    }
}
