//! `ser predict`: the emotion of each file, with its confidence.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Result;
use indicatif::ProgressBar;
use rayon::prelude::*;
use ser_model::{EmotionModel, Prediction};

use super::common::{ChannelArg, ModelArg};
use super::{batch_exit_code, TableJsonCsv};
use crate::files::collect_audio_files;
use crate::output::{csv_field, csv_prediction, json_rows, progress_bar};

/// Arguments of `ser predict`.
#[derive(clap::Args)]
#[command(after_help = "Examples:
  ser predict clip.wav
  ser predict recordings/ --format json --top 3")]
pub struct PredictCmd {
    /// Audio files or directories (searched recursively); `-` reads standard input.
    #[arg(required = true)]
    paths: Vec<PathBuf>,
    #[command(flatten)]
    model: ModelArg,
    #[command(flatten)]
    channel: ChannelArg,
    /// Output format (JSON: one array of {"path", "label", "confidence", "probabilities"}).
    #[arg(long, value_enum, default_value_t)]
    format: TableJsonCsv,
    /// Show the K most probable labels in the table (JSON and CSV always carry all).
    #[arg(long, default_value_t = 1)]
    top: usize,
}

/// Files decoded per network batch.
const BATCH: usize = 32;

/// A file longer than this (in seconds) is classified on its own as soon as it is decoded (its
/// windows fill network passes by themselves), so a batch holds at most [`BATCH`] decoded
/// files of this length (about 120 MB at 16 kHz), however long the files are.
const ALONE_AFTER_S: usize = 60;

/// A decoded file: waiting for its batch, or already classified on its own.
enum Heard {
    Waiting(Vec<f32>),
    Classified(Prediction),
}

pub fn run(cmd: PredictCmd) -> Result<ExitCode> {
    let model = cmd.model.load()?;
    let files = collect_audio_files(&cmd.paths, cmd.channel.raw.raw)?;
    // Table and CSV rows are printed batch by batch, as they are ready, with a bar of the files
    // done on stderr when there are several batches; JSON, one array, at the end.
    let width = files.iter().map(|f| f.display().to_string().len());
    let width = width.max().unwrap_or(4);
    if let TableJsonCsv::Csv = cmd.format {
        println!("path,label,confidence,{},error", model.labels().join(","));
    }
    let bar = if files.len() > BATCH {
        progress_bar(files.len() as u64, "files")
    } else {
        ProgressBar::hidden()
    };
    let mut all = Vec::new();
    let mut failures = 0;
    for chunk in files.chunks(BATCH) {
        let results = predict_batch(&model, &cmd.channel, chunk);
        let print = || {
            for (_, r) in &results {
                if let Err(e) = r {
                    eprintln!("ser: error: {e}");
                }
            }
            match cmd.format {
                TableJsonCsv::Table => print_table(&results, cmd.top, width),
                TableJsonCsv::Json => {}
                TableJsonCsv::Csv => print_csv(&results, model.labels()),
            }
        };
        bar.suspend(print);
        bar.inc(chunk.len() as u64);
        failures += results.iter().filter(|r| r.1.is_err()).count();
        if let TableJsonCsv::Json = cmd.format {
            all.extend(results);
        }
    }
    bar.finish_and_clear();
    if let TableJsonCsv::Json = cmd.format {
        print_json(&all)?;
    }
    Ok(batch_exit_code(failures))
}

/// The prediction of each of `files` (at most [`BATCH`]), read through `channel`, or why it
/// failed: decoded side by side, then classified in one batch, but for files longer than
/// [`ALONE_AFTER_S`], each classified on its own as soon as it is decoded.
fn predict_batch(
    model: &EmotionModel,
    channel: &ChannelArg,
    files: &[PathBuf],
) -> Vec<(PathBuf, Result<Prediction, String>)> {
    let alone_after = ALONE_AFTER_S * model.config().audio.sample_rate as usize;
    let alone = std::sync::Mutex::new(());
    let mut heard: Vec<Result<Heard, String>> = files
        .par_iter()
        .map(|f| {
            let heard = channel.open(f).and_then(|decoder| model.hear(decoder));
            let audio = heard.map_err(|e| e.to_string())?;
            let samples = ser_analyze::speech_in(&f.display().to_string(), audio)
                .map_err(|e| e.to_string())?;
            Ok(if samples.len() > alone_after {
                // One at a time: a pass already uses every core, and two at once would
                // double the backend's working memory.
                let _turn = alone.lock().unwrap_or_else(|e| e.into_inner());
                Heard::Classified(model.predict_clips(&[samples]).remove(0))
            } else {
                Heard::Waiting(samples)
            })
        })
        .collect();
    // Move the waiting samples out (no copy); `heard` keeps which files failed and why.
    let clips: Vec<Vec<f32>> = heard
        .iter_mut()
        .filter_map(|r| match r {
            Ok(Heard::Waiting(samples)) => Some(std::mem::take(samples)),
            _ => None,
        })
        .collect();
    let mut predictions = model.predict_clips(&clips).into_iter();
    files
        .iter()
        .zip(heard)
        .map(|(file, r)| {
            let result = r.map(|h| match h {
                Heard::Waiting(_) => predictions.next().expect("one prediction per clip"),
                Heard::Classified(p) => p,
            });
            (file.clone(), result)
        })
        .collect()
}

/// Rows of the files that were predicted, paths padded to `width`.
fn print_table(results: &[(PathBuf, Result<Prediction, String>)], top: usize, width: usize) {
    for (path, r) in results {
        if let Ok(p) = r {
            let others: Vec<String> = p
                .top(top.max(1))
                .iter()
                .skip(1)
                .map(|(l, v)| format!("{l} {:.0}%", 100.0 * v))
                .collect();
            let tail = if others.is_empty() {
                String::new()
            } else {
                format!("  ({})", others.join(", "))
            };
            println!(
                "{:width$}  {:<10} {:>5.1}%{tail}",
                path.display(),
                p.label,
                100.0 * p.confidence
            );
        }
    }
}

fn print_json(results: &[(PathBuf, Result<Prediction, String>)]) -> Result<()> {
    let rows = json_rows(results, Prediction::to_json);
    println!("{}", serde_json::to_string_pretty(&rows)?);
    Ok(())
}

/// CSV rows (under the header `run` prints first), one per file; a file that failed has its
/// reason in the last column, `error`, and nothing else but its path.
fn print_csv(results: &[(PathBuf, Result<Prediction, String>)], labels: &[String]) {
    for (path, r) in results {
        let path = csv_field(&path.display().to_string());
        match r {
            Ok(p) => println!("{path},{},", csv_prediction(Some(p), labels.len())),
            Err(e) => println!(
                "{path},{},{}",
                csv_prediction(None, labels.len()),
                csv_field(e)
            ),
        }
    }
}
