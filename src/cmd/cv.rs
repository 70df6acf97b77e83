//! `ser cv`: K-fold cross-validation by speaker.

mod parallel;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{bail, Context, Result};
use ser_model::EmotionModel;
use ser_train::cv::record::Record;
use ser_train::cv::{CrossValidation, FoldResult, KeepModels};
use ser_train::report::mean_sd;
use ser_train::train_config::TrainConfig;

use super::common::{check_seed_list, command_line, TrainArgs};

/// Arguments of `ser cv`.
#[derive(clap::Args)]
#[command(
    after_help = "Example (the standard RAVDESS folds: actors 01-04, 05-08, ..., 17-20):
  ser cv --data ../shared/data/ravdess --folds 5 --out cv/
Each fold's actors are tested by a model that never heard them; the first --valid-speakers
actors of the next fold choose its epoch."
)]
pub struct CvCmd {
    #[command(flatten)]
    args: TrainArgs,
    /// Number of folds (speakers, sorted, are divided into contiguous groups).
    #[arg(long, default_value_t = 5)]
    folds: usize,
    /// Run only these folds (1-based, comma-separated); default all.
    #[arg(long, value_delimiter = ',')]
    only: Vec<usize>,
    /// Directory for cv.json, the pooled confusion matrix and the pooled reliability diagram.
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
    /// Record the results in this model directory's MODEL.md and metrics.json (for a model
    /// trained with the same configuration), after every fold.
    #[arg(long, value_name = "MODEL_DIR")]
    card: Option<PathBuf>,
    /// Keep the folds already in OUT/cv.json (made with the same configuration and folds)
    /// and run only the missing ones: an interrupted cross-validation goes on where it stopped.
    #[arg(long)]
    resume: bool,
    /// Train this many folds at once, each in a process of its own with its share of the
    /// threads. The results are the same as one at a time (each fold's randomness is its own);
    /// on 2 cores, 2 jobs of 1 thread train 1.6× faster than one job of 2, since the network's
    /// small tensors leave a second thread of one process half idle.
    #[arg(long, default_value_t = 1, value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(1..))]
    jobs: usize,
    /// Train each fold once per seed (comma-separated) and score the mean of the networks'
    /// probabilities: the cross-validation of an ensemble such as `ser ensemble` makes, whose
    /// card `--card` can then take. Default: the configuration's seed alone.
    #[arg(long, value_delimiter = ',', conflicts_with = "seed")]
    seeds: Vec<u64>,
    /// Also save the network of each fold this run trains as the model directory DIR/foldK
    /// (with --seeds, its networks in DIR/foldK/members/seed-S, combined in DIR/foldK; networks
    /// of other seeds left there by an earlier run are removed), to evaluate or examine it
    /// later, or to teach the same fold (`"teacher": "DIR/fold{fold}"`): its metrics.json
    /// records the speakers it heard.
    #[arg(long, value_name = "DIR")]
    keep_models: Option<PathBuf>,
}

pub fn run(cmd: CvCmd) -> Result<ExitCode> {
    let device = cmd.args.open_device()?; // before the data: a missing backend fails at once
    let (dataset, cfg) = cmd.args.prepare()?;
    let seeds = if cmd.seeds.is_empty() {
        vec![cfg.seed]
    } else {
        cmd.seeds.clone()
    };
    check_seeds(&seeds, &cfg, cmd.card.as_deref())?;
    let cv = CrossValidation::new(
        &dataset.speakers(),
        cmd.folds,
        cmd.args.valid_speakers,
        cfg,
        seeds,
    )
    .map_err(anyhow::Error::msg)?;
    let labels = &dataset.labels;
    let mut results = if cmd.resume {
        let done = cv
            .finished_folds(&cmd.out, labels)
            .map_err(anyhow::Error::msg)?;
        if !done.is_empty() {
            let folds: Vec<usize> = done.iter().map(|r| r.fold).collect();
            eprintln!("resuming: folds {folds:?} already done");
        }
        done
    } else {
        Vec::new()
    };
    let pending: Vec<usize> = (1..=cv.folds.len())
        .filter(|k| cmd.only.is_empty() || cmd.only.contains(k))
        .filter(|k| !results.iter().any(|r| r.fold == *k))
        .collect();
    // Every pending fold's configuration (its teacher checked) before any fold trains.
    for &fold in &pending {
        cv.fold_config(fold).map_err(anyhow::Error::msg)?;
    }
    // Before any fold trains: a directory that cannot be made would lose a trained fold.
    if let Some(keep) = &cmd.keep_models {
        std::fs::create_dir_all(keep)
            .with_context(|| format!("--keep-models {}: cannot create", keep.display()))?;
    }
    // `--resume` only says how the folds got run, not what they are: the recorded command is
    // the one that reproduces them from scratch.
    let command = command_line(&["--resume"]);
    let record_to = Record {
        out: &cmd.out,
        card: cmd.card.as_deref(),
        data: &cmd.args.data,
        command: &command,
    };
    let mut record = |result: FoldResult| -> Result<()> {
        print_fold(&result);
        results.push(result);
        results.sort_by_key(|r| r.fold);
        cv.write_record(&record_to, labels, &results)
            .map_err(anyhow::Error::msg)?;
        Ok(())
    };
    if cmd.jobs > 1 && pending.len() > 1 {
        parallel::run_folds(&cmd, &pending, |detail| {
            record(FoldResult::from_record(&detail, labels).map_err(anyhow::Error::msg)?)
        })?;
    } else {
        let load = |speakers: &[String]| cmd.args.load_side(&dataset, speakers, &cv.cfg);
        let keep_command = command_line(&[]);
        let keep = cmd.keep_models.as_deref().map(|dir| KeepModels {
            dir,
            command: &keep_command,
        });
        for &fold in &pending {
            let result = cv
                .run_fold(fold, &cmd.args.data, &dataset, load, keep.as_ref(), &device)
                .map_err(anyhow::Error::msg)?;
            record(result)?;
        }
    }
    if results.is_empty() {
        bail!("no fold was run");
    }
    let summary = if pending.is_empty() {
        // Nothing ran, so nothing was written yet: a `--resume` of a finished run rewrites the
        // summary, the plots and the card from the recorded folds.
        cv.write_record(&record_to, labels, &results)
            .map_err(anyhow::Error::msg)?
    } else {
        cv.summary(labels, &results, &command)
    };
    let (a, asd) = mean_sd(&summary.accuracy);
    let (u, usd) = mean_sd(&summary.uar);
    println!(
        "{} folds: accuracy {:.1} ± {:.1} %, UAR {:.1} ± {:.1} % (written to {})",
        results.len(),
        100.0 * a,
        100.0 * asd,
        100.0 * u,
        100.0 * usd,
        cmd.out.join("cv.json").display()
    );
    if let Some(t) = summary.temperature {
        let (e, esd) = mean_sd(&summary.ece_cross_fitted);
        println!(
            "temperature fitted on the folds' test speakers: {t:.3} (each fold at the other \
             folds' temperature: ECE {:.1} ± {:.1} %)",
            100.0 * e,
            100.0 * esd
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// Refuses seeds that would not make a sound ensemble, and a `--card` whose model has another
/// number of networks than `seeds` (its card would get another model's scores), before any
/// training.
fn check_seeds(seeds: &[u64], cfg: &TrainConfig, card: Option<&Path>) -> Result<()> {
    check_seed_list(seeds, cfg)?;
    if let Some(dir) = card {
        let members = EmotionModel::load(dir)?.config().members;
        if members != seeds.len() {
            bail!(
                "{}: a model of {members} network(s), but each fold trains {} (--seeds): its \
                 card would record another model's cross-validation",
                dir.display(),
                seeds.len()
            );
        }
    }
    Ok(())
}

/// The one-line result of a finished fold, on stdout.
fn print_fold(result: &FoldResult) {
    let test = &result.test;
    let ece = result.calibration.as_ref().map_or(String::new(), |c| {
        format!(
            ", ECE {:.1} % ({:.1} % at T = 1)",
            100.0 * c.ece,
            100.0 * c.ece_uncalibrated
        )
    });
    let networks = match result.detail["members"].as_array() {
        None => format!("best epoch {}", result.detail["best_epoch"]),
        Some(members) => {
            let each: Vec<String> = members
                .iter()
                .map(|m| {
                    format!(
                        "seed {} {:.1} % (best epoch {})",
                        m["seed"],
                        100.0 * m["test"]["accuracy"].as_f64().unwrap_or(f64::NAN),
                        m["best_epoch"]
                    )
                })
                .collect();
            format!("networks alone: {}", each.join(", "))
        }
    };
    println!(
        "fold {}: test accuracy {:.1} %, UAR {:.1} %, macro-F1 {:.1} %{ece} ({networks})",
        result.fold,
        100.0 * test.accuracy,
        100.0 * test.uar,
        100.0 * test.macro_f1,
    );
}
