//! `ser eval`: scores of a model on a labelled corpus.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{bail, Result};
use ser_train::calibration::reliability_svg;
use ser_train::data::Example;
use ser_train::dataset::load_dataset;
use ser_train::evaluation::evaluate;

use super::common::ModelArg;
use super::TextOrJson;

/// Arguments of `ser eval`.
#[derive(clap::Args)]
#[command(after_help = "Example:
  ser eval --data ../shared/data/ravdess --format json --plot confusion.svg --calibration-plot reliability.svg")]
pub struct EvalCmd {
    /// Labelled corpus (RAVDESS-style directory, folder per label, or CSV manifest).
    #[arg(long, value_name = "PATH")]
    data: PathBuf,
    #[command(flatten)]
    model: ModelArg,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    format: TextOrJson,
    /// Also draw the confusion matrix (.svg or .png).
    #[arg(long, value_name = "FILE.svg|png")]
    plot: Option<PathBuf>,
    /// Also draw a reliability diagram of the confidences: accuracy per confidence bin
    /// against the diagonal of perfect calibration (.svg or .png).
    #[arg(long, value_name = "FILE.svg|png")]
    calibration_plot: Option<PathBuf>,
    /// Cache directory for decoded audio (default: ~/.cache/ser).
    #[arg(long, value_name = "DIR")]
    cache: Option<PathBuf>,
}

pub fn run(cmd: EvalCmd) -> Result<ExitCode> {
    let model = cmd.model.load()?;
    let dataset = load_dataset(&cmd.data).map_err(anyhow::Error::msg)?;
    let labels = model.labels();
    if let Some(unknown) = dataset.labels.iter().find(|l| !labels.contains(l)) {
        bail!(
            "{}: label {unknown:?} is not one of the model's labels ({})",
            cmd.data.display(),
            labels.join(", ")
        );
    }
    let cache = cmd
        .cache
        .clone()
        .or_else(ser_train::cache::WaveCache::default_dir);
    let (examples, failed) = ser_train::data::load_examples(
        &dataset,
        &dataset.clips,
        &model.config().audio,
        cache,
        true,
    );
    for f in &failed {
        eprintln!("ser: error: {f}");
    }
    // Dataset label indices → model label indices.
    let examples: Vec<Example> = examples
        .into_iter()
        .map(|e| {
            let name = &dataset.labels[e.target];
            let target = labels
                .iter()
                .position(|l| l == name)
                .expect("checked above");
            Example { target, ..e }
        })
        .collect();
    let evaluation = evaluate(model.ensemble(), model.config(), &examples, 32);
    let calibration = evaluation.calibration(model.config());
    let scores = evaluation.scores;
    match cmd.format {
        TextOrJson::Json => {
            let mut doc = serde_json::to_value(&scores)?;
            doc["ece"] = calibration.ece.into();
            println!("{}", serde_json::to_string_pretty(&doc)?);
        }
        TextOrJson::Text => {
            println!(
                "n = {}: accuracy {:.1} %, UAR {:.1} %, macro-F1 {:.1} %",
                scores.n,
                100.0 * scores.accuracy,
                100.0 * scores.uar,
                100.0 * scores.macro_f1
            );
            let raw = if calibration.temperature == 1.0 {
                String::new()
            } else {
                format!("; {:.1} % at 1", 100.0 * calibration.ece_uncalibrated)
            };
            println!(
                "calibration: expected calibration error {:.1} % (temperature {:.2}{raw})\n",
                100.0 * calibration.ece,
                calibration.temperature,
            );
            println!(
                "{:<12} {:>9} {:>7} {:>6} {:>8}",
                "label", "precision", "recall", "F1", "support"
            );
            for c in &scores.per_class {
                println!(
                    "{:<12} {:>8.1}% {:>6.1}% {:>5.1}% {:>8}",
                    c.label,
                    100.0 * c.precision,
                    100.0 * c.recall,
                    100.0 * c.f1,
                    c.support
                );
            }
            println!("\nconfusion (rows: true, columns: predicted)");
            let short: Vec<String> = scores
                .labels
                .iter()
                .map(|l| l.chars().take(5).collect())
                .collect();
            println!(
                "{:<12} {}",
                "",
                short
                    .iter()
                    .map(|s| format!("{s:>5}"))
                    .collect::<Vec<_>>()
                    .join(" ")
            );
            for (label, row) in scores.labels.iter().zip(&scores.confusion) {
                println!(
                    "{label:<12} {}",
                    row.iter()
                        .map(|c| format!("{c:>5}"))
                        .collect::<Vec<_>>()
                        .join(" ")
                );
            }
        }
    }
    if let Some(plot) = &cmd.calibration_plot {
        let svg = reliability_svg(
            &calibration.bins,
            &format!(
                "reliability: {}",
                cmd.data
                    .file_name()
                    .map_or(cmd.data.display().to_string(), |n| n
                        .to_string_lossy()
                        .into())
            ),
        );
        crate::output::write_chart(plot, &svg)?;
    }
    if let Some(plot) = &cmd.plot {
        let svg = ser_plot::confusion_svg(
            &scores.labels,
            &scores.confusion,
            &format!("{}", cmd.data.display()),
        );
        crate::output::write_chart(plot, &svg)?;
    }
    Ok(if failed.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(2)
    })
}
