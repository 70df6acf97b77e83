//! `ser eval`: scores of a model on a labelled corpus.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Result;
use rayon::prelude::*;
use ser_model::{EmotionModel, Prediction};
use ser_train::calibration::{reliability_svg, softmax_rows};
use ser_train::corpus_for_model::LabelledCorpus;
use ser_train::data::Example;
use ser_train::evaluation::{evaluate_clips, Evaluation};

use super::common::{list_corpus, read_corpus, ModelArg, RawArg};
use super::TextOrJson;
use crate::output::{csv_field, csv_prediction, write_atomic};

/// Arguments of `ser eval`.
#[derive(clap::Args)]
#[command(after_help = "Examples:
  ser eval --data ../shared/data/ravdess --format json --plot confusion.svg --calibration-plot reliability.svg
  ser eval --data crema-d.csv --only-corpus-labels --skip-unmatched   # another corpus, its own labels")]
pub struct EvalCmd {
    /// Labelled corpus (RAVDESS-style directory, folder per label, or CSV manifest).
    #[arg(long, value_name = "PATH")]
    data: PathBuf,
    #[command(flatten)]
    raw: RawArg,
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
    /// Read corpus labels as model labels of other names, e.g. `--label-map exc=happy`.
    /// Without it labels match by name, ignoring case and separators, and by known spellings
    /// of the same emotion (`fear`, `FEA`, `afraid` as `fearful`; `ps`, `pleasant_surprise`
    /// as `surprised`; CREMA-D's and IEMOCAP's codes), never by single letters.
    #[arg(long, value_name = "CORPUS=MODEL,...", value_delimiter = ',', value_parser = label_pair)]
    label_map: Vec<(String, String)>,
    /// Leave out the clips whose label matches none of the model's (e.g. EmoDB's boredom)
    /// instead of stopping with an error.
    #[arg(long)]
    skip_unmatched: bool,
    /// Choose each clip's emotion among the labels the corpus has, not among all of the
    /// model's: how a model is usually scored on a corpus that lacks some of its emotions
    /// (CREMA-D has no calm and no surprised).
    #[arg(long)]
    only_corpus_labels: bool,
    /// Score each clip whole, as `ser cv` and `ser train` score their test speakers (no speech
    /// check, pauses kept): to reproduce a recorded score. Without it, clips are heard as
    /// `ser predict` hears their files.
    #[arg(long)]
    whole_clips: bool,
    /// Also write every clip's answer as CSV, for error analysis: its path, its true label,
    /// the label it was given, the confidence, every label's probability and, for a clip not
    /// scored, why (`error`).
    #[arg(long, value_name = "FILE.csv")]
    predictions: Option<PathBuf>,
    /// Cache directory for decoded audio (default: ~/.cache/ser).
    #[arg(long, value_name = "DIR")]
    cache: Option<PathBuf>,
}

/// One `--label-map` pair, `CORPUS=MODEL`.
fn label_pair(text: &str) -> Result<(String, String), String> {
    match text.split_once('=') {
        Some((from, to)) if !from.is_empty() && !to.is_empty() => {
            Ok((from.to_string(), to.to_string()))
        }
        _ => Err(format!("{text:?} is not CORPUS_LABEL=MODEL_LABEL")),
    }
}

pub fn run(cmd: EvalCmd) -> Result<ExitCode> {
    let model = cmd.model.load()?;
    // The network's outputs; `--labels` narrows what it may answer, as `among` below does.
    let labels = &model.config().labels;
    let LabelledCorpus {
        dataset,
        matched,
        examples,
        failed,
    } = read_corpus(
        list_corpus(
            &cmd.data,
            &cmd.raw,
            &model,
            &cmd.label_map,
            cmd.skip_unmatched,
        )?,
        &model,
        cmd.cache.clone(),
    );
    let among: Vec<bool> = (0..labels.len())
        .map(|i| {
            model.label_indices().contains(&i)
                && (!cmd.only_corpus_labels || matched.targets.contains(&Some(i)))
        })
        .collect();
    if !among.contains(&true) {
        anyhow::bail!(
            "{}: no label left to choose among: --labels ({}) names none of the corpus's",
            cmd.data.display(),
            model.labels().join(", ")
        );
    }
    let heard = Heard::of(examples, &model, cmd.whole_clips);
    for refused in &heard.refused {
        eprintln!("ser: not scored: {}", refused.why);
    }
    if heard.clips.is_empty() && !heard.refused.is_empty() {
        anyhow::bail!("{}: no clip holds speech", cmd.data.display());
    }
    let evaluation = evaluate_clips(&model, &heard.clips, &heard.targets, 32).among(&among, labels);
    if let Some(path) = &cmd.predictions {
        write_predictions(path, &heard, &evaluation, &model)?;
    }
    let calibration = evaluation.calibration(&model);
    let scores = evaluation.scores;
    match cmd.format {
        TextOrJson::Json => {
            let mut doc = serde_json::to_value(&scores)?;
            doc["ece"] = calibration.ece.into();
            doc["label_map"] = matched
                .pairs(&dataset.labels, labels)
                .map(|(from, to)| (from.to_string(), to.into()))
                .collect::<serde_json::Map<_, _>>()
                .into();
            doc["skipped_labels"] = matched.skipped.clone().into();
            doc["among"] = chosen_among(labels, &among).into();
            doc["refused"] = heard
                .refused
                .iter()
                .map(|r| serde_json::json!({"path": r.path, "reason": r.why}))
                .collect::<Vec<_>>()
                .into();
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
            if !heard.refused.is_empty() {
                println!(
                    "not scored: {} clips in which `ser predict` finds no speech (listed above)",
                    heard.refused.len()
                );
            }
            if among.contains(&false) {
                println!(
                    "labels chosen among: {}",
                    chosen_among(labels, &among).join(", ")
                );
            }
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

/// A corpus's clips as `ser predict` hears their files: with the speech check passed and long
/// pauses cut short ([`ser_analyze::speech_of`]), so that the scores are those of the answers
/// `ser predict` gives. A clip it refuses gets no answer and is left out, with why. Or, `whole`,
/// each clip as it is read (as `ser cv` scores it).
struct Heard {
    clips: Vec<Vec<f32>>,
    targets: Vec<usize>,
    /// The file of each clip.
    paths: Vec<PathBuf>,
    refused: Vec<Refused>,
}

/// A clip in which the speech check finds no speech: its file, its true class and why.
struct Refused {
    path: PathBuf,
    target: usize,
    why: String,
}

impl Heard {
    fn of(examples: Vec<Example>, model: &EmotionModel, whole: bool) -> Self {
        let audio = &model.config().audio;
        let heard: Vec<_> = examples
            .into_par_iter()
            .map(|e| {
                // The cache holds clips trimmed; prediction skips the offset after trimming.
                let wave = audio.whole().fit(e.wave);
                let name = e.path.display().to_string();
                let speech = if whole {
                    Ok(wave)
                } else {
                    ser_analyze::speech_of(&name, wave, audio.sample_rate)
                };
                (e.path, e.target, speech)
            })
            .collect();
        let mut out = Self {
            clips: Vec::with_capacity(heard.len()),
            targets: Vec::with_capacity(heard.len()),
            paths: Vec::with_capacity(heard.len()),
            refused: Vec::new(),
        };
        for (path, target, speech) in heard {
            match speech {
                Ok(clip) => {
                    out.clips.push(clip);
                    out.targets.push(target);
                    out.paths.push(path);
                }
                Err(why) => out.refused.push(Refused {
                    path,
                    target,
                    why: why.to_string(),
                }),
            }
        }
        out
    }
}

/// Writes every clip's answer to `path` as CSV (see `--predictions`): the scored clips, with
/// probabilities at the model's temperature as `ser predict` gives them, then those refused.
fn write_predictions(
    path: &Path,
    heard: &Heard,
    evaluation: &Evaluation,
    model: &EmotionModel,
) -> Result<()> {
    // The network's outputs, every one: the logits hold a value for each (−∞ for those that
    // `--labels` or `--only-corpus-labels` leave out, whose probability is then 0).
    let labels = &model.config().labels;
    let k = labels.len();
    let probabilities = softmax_rows(&evaluation.logits, k, model.temperature());
    let name = |p: &Path| csv_field(&p.display().to_string());
    write_atomic(path, |out| {
        writeln!(
            out,
            "path,label,predicted,confidence,{},error",
            labels.join(",")
        )?;
        let scored = heard.paths.iter().zip(&evaluation.targets);
        for ((file, &target), row) in scored.zip(probabilities.chunks(k)) {
            // The label given, its confidence and every probability, as `ser predict` writes them.
            let answer = Prediction::from_probabilities(labels, row);
            let answer = csv_prediction(Some(&answer), k);
            writeln!(out, "{},{},{answer},", name(file), labels[target])?;
        }
        for r in &heard.refused {
            let (empty, why) = (csv_prediction(None, k), csv_field(&r.why));
            writeln!(out, "{},{},{empty},{why}", name(&r.path), labels[r.target])?;
        }
        Ok(())
    })
}

/// The model labels a clip could be given.
fn chosen_among(labels: &[String], among: &[bool]) -> Vec<String> {
    labels
        .iter()
        .zip(among)
        .filter(|(_, &ok)| ok)
        .map(|(l, _)| l.clone())
        .collect()
}
