//! `ser info`: what is in an audio file.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Result;
use serde_json::json;

use super::common::RawArg;
use super::{batch_exit_code, TextOrJson};
use crate::files::collect_audio_files;

/// Arguments of `ser info`.
#[derive(clap::Args)]
pub struct InfoArgs {
    /// Audio files or directories (searched recursively); `-` reads standard input.
    #[arg(required = true)]
    paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    format: TextOrJson,
    #[command(flatten)]
    raw: RawArg,
}

pub fn run(args: InfoArgs) -> Result<ExitCode> {
    let files = collect_audio_files(&args.paths, args.raw.raw)?;
    let mut failures = 0;
    let mut rows = Vec::new();
    for path in &files {
        match args.raw.open(path).and_then(ser_audio::probe_info) {
            Ok(info) => {
                if let TextOrJson::Text = args.format {
                    let s = &info.source;
                    println!(
                        "{}: {} / {}, {} Hz, {} ch, {} frames, {:.3} s",
                        path.display(),
                        s.container,
                        s.codec,
                        s.sample_rate,
                        s.channels,
                        info.frames,
                        info.duration_s
                    );
                }
                let mut row = serde_json::to_value(&info)?;
                row["path"] = json!(path.display().to_string());
                rows.push(row);
            }
            Err(e) => {
                failures += 1;
                eprintln!("ser: error: {e}");
                rows.push(json!({"path": path.display().to_string(), "error": e.kind.to_string()}));
            }
        }
    }
    if let TextOrJson::Json = args.format {
        println!("{}", serde_json::to_string_pretty(&rows)?);
    }
    Ok(batch_exit_code(failures))
}
