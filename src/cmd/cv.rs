//! `ser cv`: K-fold cross-validation by speaker.

mod parallel;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{bail, Context, Result};
use ser_model::{Device, EmotionModel};
use ser_train::calibration::{reliability_svg, Calibration, ConfidenceBin, CrossFitted};
use ser_train::data::Example;
use ser_train::dataset::Dataset;
use ser_train::evaluation::{evaluate, Evaluation};
use ser_train::fine_tune::{self, Start};
use ser_train::metrics::Scores;
use ser_train::report::{
    mean_sd, pooled, record_cv, write_atomic, write_model_dir, CvSummary, DataDescription,
};
use ser_train::split::{cv_split, speaker_folds, Split};
use ser_train::train_config::TrainConfig;
use ser_train::trainer::{train, RunOptions, TrainOutcome};
use serde_json::{json, Value};

use super::common::{
    check_seed_list, command_line, member_dir, remove_stale_members, write_combined, TrainArgs,
};

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
    let (dataset, mut cfg) = cmd.args.prepare()?;
    let seeds = if cmd.seeds.is_empty() {
        vec![cfg.seed]
    } else {
        cmd.seeds.clone()
    };
    check_seeds(&seeds, &cfg, cmd.card.as_deref())?;
    // The configuration recorded with the folds names the first network's seed.
    cfg.seed = seeds[0];
    let speakers = dataset.speakers();
    if speakers.len() < cmd.folds.max(2) {
        bail!(
            "{} speakers cannot make {} folds",
            speakers.len(),
            cmd.folds
        );
    }
    let folds = speaker_folds(&speakers, cmd.folds);
    let mut results = if cmd.resume {
        finished_folds(&cmd, &cfg, &seeds, &dataset.labels, &folds)?
    } else {
        Vec::new()
    };
    let pending: Vec<usize> = (1..=folds.len())
        .filter(|k| cmd.only.is_empty() || cmd.only.contains(k))
        .filter(|k| !results.iter().any(|r| r.fold == *k))
        .collect();
    // Every pending fold's configuration (its teacher checked) before any fold trains.
    let fold_configs = pending
        .iter()
        .map(|&k| fold_config(&cfg, k, &cv_split(&folds, k - 1, cmd.args.valid_speakers)))
        .collect::<Result<Vec<_>>>()?;
    // Before any fold trains: a directory that cannot be made would lose a trained fold.
    if let Some(keep) = &cmd.keep_models {
        std::fs::create_dir_all(keep)
            .with_context(|| format!("--keep-models {}: cannot create", keep.display()))?;
    }
    let mut record = |result: FoldResult| -> Result<()> {
        print_fold(&result);
        results.push(result);
        results.sort_by_key(|r| r.fold);
        write_summary(&cmd, &dataset.labels, &results, &cfg, &seeds)
    };
    if cmd.jobs > 1 && pending.len() > 1 {
        parallel::run_folds(&cmd, &pending, |detail| {
            record(fold_from_record(&detail, &dataset.labels)?)
        })?;
    } else {
        for (&fold, fold_cfg) in pending.iter().zip(&fold_configs) {
            let fold = run_fold(&cmd, &dataset, fold_cfg, &folds, fold, &seeds, &device)?;
            record(fold)?;
        }
    }
    if results.is_empty() {
        bail!("no fold was run");
    }
    if pending.is_empty() {
        // Nothing ran, so nothing was written yet: a `--resume` of a finished run rewrites the
        // summary, the plots and the card from the recorded folds.
        write_summary(&cmd, &dataset.labels, &results, &cfg, &seeds)?;
    }
    let summary = summary_of(&cmd, &dataset.labels, &results, &seeds);
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

/// The folds recorded in OUT/cv.json, for `--resume`; refused when they were made with another
/// configuration, fold count, seeds or split of the speakers into `folds`.
fn finished_folds(
    cmd: &CvCmd,
    cfg: &TrainConfig,
    seeds: &[u64],
    labels: &[String],
    folds: &[Vec<String>],
) -> Result<Vec<FoldResult>> {
    let path = cmd.out.join("cv.json");
    let Ok(bytes) = std::fs::read(&path) else {
        return Ok(Vec::new());
    };
    let doc: Value = serde_json::from_slice(&bytes)
        .with_context(|| format!("{}: not a cv.json", path.display()))?;
    // Read back as a configuration, so a record written before a field existed compares by
    // that field's default instead of failing on the missing key.
    let recorded: Option<TrainConfig> = serde_json::from_value(doc["config"].clone()).ok();
    // Records made before `--seeds` trained one network per fold, with the config's seed.
    let recorded_seeds = doc.get("seeds").cloned().unwrap_or(json!([cfg.seed]));
    // Each fold's speakers as this run would split them (`--valid-speakers` is an option, not
    // in the configuration).
    let other_split = doc["folds"].as_array().into_iter().flatten().any(|fold| {
        let k = fold["fold"].as_u64().unwrap_or(0) as usize;
        !(1..=folds.len()).contains(&k)
            || fold["split"] != json!(cv_split(folds, k - 1, cmd.args.valid_speakers))
    });
    if recorded.as_ref() != Some(cfg)
        || doc["folds_total"] != json!(cmd.folds)
        || recorded_seeds != json!(seeds)
        || other_split
    {
        bail!(
            "{}: made with another configuration, fold count, seeds or split of the speakers \
             (--valid-speakers); run without --resume",
            path.display()
        );
    }
    let out = doc["folds"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|detail| fold_from_record(detail, labels))
        .collect::<Result<Vec<_>>>()
        .with_context(|| format!("{}: not a cv.json", path.display()))?;
    eprintln!(
        "resuming: folds {:?} already done",
        out.iter().map(|r| r.fold).collect::<Vec<_>>()
    );
    Ok(out)
}

/// A fold as cv.json records it (its `detail`), read back.
fn fold_from_record(detail: &Value, labels: &[String]) -> Result<FoldResult> {
    let fold = detail["fold"].as_u64().context("a fold without a number")? as usize;
    let confusion: Vec<Vec<usize>> = serde_json::from_value(detail["test"]["confusion"].clone())
        .with_context(|| format!("fold {fold} has no confusion matrix"))?;
    Ok(FoldResult {
        fold,
        test: Scores::from_confusion(labels, confusion),
        calibration: serde_json::from_value(detail["test_calibration"].clone()).ok(),
        detail: detail.clone(),
    })
}

/// Trains fold `fold` (1-based) in this process, one network per seed, keeps it with
/// `--keep-models`, and scores it (the mean of the networks' probabilities when there are
/// several) on its test speakers.
fn run_fold(
    cmd: &CvCmd,
    dataset: &Dataset,
    cfg: &TrainConfig,
    folds: &[Vec<String>],
    fold: usize,
    seeds: &[u64],
    device: &Device,
) -> Result<FoldResult> {
    let args = &cmd.args;
    let split = cv_split(folds, fold - 1, args.valid_speakers);
    let side = |s: &[String]| args.load_side(dataset, s, cfg);
    let ((train_ex, failed_train), (valid_ex, failed_valid), (test_ex, _)) = (
        side(&split.train_speakers),
        side(&split.valid_speakers),
        side(&split.test_speakers),
    );
    eprintln!(
        "fold {fold}/{}: test {} | valid {} | train {} clips",
        folds.len(),
        Split::names(&split.test_speakers),
        Split::names(&split.valid_speakers),
        train_ex.len()
    );
    let mut members = train_networks(cfg, seeds, &dataset.labels, &train_ex, &valid_ex, device)?;
    // With --keep-models: the fold's directory and, with several networks, theirs inside it.
    let kept = match &cmd.keep_models {
        Some(keep) => {
            let source = args.data.display().to_string();
            let data = DataDescription {
                source: &source,
                kind: dataset.kind,
                clips: train_ex.len() + valid_ex.len(),
                failed: failed_train + failed_valid,
            };
            let dir = keep.join(format!("fold{fold}"));
            let member_dirs = keep_networks(&dir, &members, cfg, &split, &data)
                .with_context(|| format!("{}: cannot keep fold {fold}'s model", dir.display()))?;
            Some((dir, member_dirs))
        }
        None => None,
    };
    let test_of = |model: &EmotionModel| evaluate(model, &test_ex, cfg.batch_size);
    let mut detail = json!({"fold": fold, "split": split});
    let model = if members.len() == 1 {
        let (_, outcome) = members.remove(0);
        detail["best_epoch"] = json!(outcome.best_epoch);
        detail["history"] = json!(outcome.history);
        detail["valid_calibration"] = json!(outcome.calibration);
        outcome.model
    } else {
        let records: Vec<Value> = members
            .iter()
            .map(|(seed, outcome)| {
                json!({"seed": seed, "best_epoch": outcome.best_epoch, "history": outcome.history, "valid_calibration": outcome.calibration, "test": test_of(&outcome.model).scores})
            })
            .collect();
        detail["members"] = json!(records);
        let model = EmotionModel::combine(members.into_iter().map(|(_, o)| o.model).collect())?;
        if let Some((dir, member_dirs)) = &kept {
            write_combined(dir, &model, member_dirs)
                .with_context(|| format!("{}: cannot keep fold {fold}'s model", dir.display()))?;
        }
        model
    };
    let evaluation = test_of(&model);
    let calibration = evaluation.calibration(&model);
    detail["test_clips"] = clip_predictions(&args.data, &dataset.labels, &test_ex, &evaluation);
    detail["test"] = json!(evaluation.scores);
    detail["test_calibration"] = json!(calibration);
    Ok(FoldResult {
        fold,
        test: evaluation.scores,
        calibration: Some(calibration),
        detail,
    })
}

/// The configuration of fold `fold`: with a teacher, the fold's own (see
/// [`ser_train::distillation::DistillConfig::for_fold`]), and with a model to start from, the
/// fold's (see [`ser_train::fine_tune::for_fold`]); either is refused if it heard one of the
/// fold's test speakers.
fn fold_config(cfg: &TrainConfig, fold: usize, split: &Split) -> Result<TrainConfig> {
    let mut cfg = cfg.clone();
    if let Some(distill) = &cfg.distill {
        let distill = distill.for_fold(fold).map_err(anyhow::Error::msg)?;
        distill
            .check_unheard(&split.test_speakers)
            .map_err(anyhow::Error::msg)?;
        cfg.distill = Some(distill);
    }
    if let Some(init) = &cfg.init {
        let init = fine_tune::for_fold(init, fold);
        Start::load(&init)
            .and_then(|start| start.check_unheard(&split.test_speakers))
            .map_err(anyhow::Error::msg)?;
        cfg.init = Some(init);
    }
    Ok(cfg)
}

/// One network per seed, each trained exactly as a run with that seed alone trains it (the
/// trainer seeds every random choice it makes from its configuration's seed).
fn train_networks(
    cfg: &TrainConfig,
    seeds: &[u64],
    labels: &[String],
    train_ex: &[Example],
    valid_ex: &[Example],
    device: &Device,
) -> Result<Vec<(u64, TrainOutcome)>> {
    let mut members = Vec::with_capacity(seeds.len());
    for (i, &seed) in seeds.iter().enumerate() {
        if seeds.len() > 1 {
            eprintln!("network {} of {} (seed {seed})", i + 1, seeds.len());
        }
        let outcome = train(
            &TrainConfig {
                seed,
                ..cfg.clone()
            },
            labels,
            train_ex,
            valid_ex,
            &RunOptions {
                checkpoint_dir: None,
                resume: false,
                progress: true,
                device: device.clone(),
            },
        )?;
        members.push((seed, outcome));
    }
    Ok(members)
}

/// Saves a fold's networks (trained with `cfg` on `split`): one as the model directory `dir`,
/// several each in `dir/members/seed-S`, whose directories it returns for their combination
/// to be written into `dir` (empty for one network); networks of other seeds that an earlier
/// run left in `dir/members` are removed.
fn keep_networks(
    dir: &Path,
    members: &[(u64, TrainOutcome)],
    cfg: &TrainConfig,
    split: &Split,
    data: &DataDescription,
) -> Result<Vec<PathBuf>> {
    let write = |dir: &Path, seed: u64, outcome: &TrainOutcome| {
        let cfg = TrainConfig {
            seed,
            ..cfg.clone()
        };
        write_model_dir(dir, outcome, &cfg, split, data, None, &command_line(&[]))
            .map_err(anyhow::Error::msg)
    };
    // The seeds whose directories stay in `dir/members`: none beside one network.
    let (dirs, seeds) = if let [(seed, outcome)] = members {
        write(dir, *seed, outcome)?;
        (Vec::new(), Vec::new())
    } else {
        let dirs = members
            .iter()
            .map(|(seed, outcome)| {
                let member = member_dir(dir, *seed);
                write(&member, *seed, outcome)?;
                Ok(member)
            })
            .collect::<Result<Vec<_>>>()?;
        (dirs, members.iter().map(|(seed, _)| *seed).collect())
    };
    remove_stale_members(dir, &seeds)?;
    Ok(dirs)
}

/// Every test clip's file (relative to `data`), true and predicted label and logits, so a fold
/// can be examined clip by clip or combined with another run's (`tools/ensemble_cv.py`).
fn clip_predictions(
    data: &Path,
    labels: &[String],
    examples: &[Example],
    evaluation: &Evaluation,
) -> Value {
    let logits = evaluation.logits.chunks(labels.len());
    let rows = examples.iter().zip(logits).zip(&evaluation.predicted);
    rows.map(|((clip, row), &predicted)| {
        json!({
            "path": clip.path.strip_prefix(data).unwrap_or(&clip.path),
            "label": labels[clip.target],
            "predicted": labels[predicted],
            "logits": row,
        })
    })
    .collect()
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

/// A finished fold.
struct FoldResult {
    /// 1-based fold number.
    fold: usize,
    /// Scores of its test speakers.
    test: Scores,
    /// Calibration of its test speakers' confidences (`None` in folds recorded before ser
    /// measured it).
    calibration: Option<Calibration>,
    /// Its whole record for cv.json.
    detail: Value,
}

fn summary_of(cmd: &CvCmd, labels: &[String], results: &[FoldResult], seeds: &[u64]) -> CvSummary {
    let cross = cross_fitted(labels, results);
    CvSummary {
        folds: cmd.folds,
        seeds: seeds.to_vec(),
        fold_numbers: results.iter().map(|r| r.fold).collect(),
        // `--resume` only says how the folds got run, not what they are: the recorded command
        // is the one that reproduces them from scratch.
        command: command_line(&["--resume"]),
        accuracy: results.iter().map(|r| r.test.accuracy).collect(),
        uar: results.iter().map(|r| r.test.uar).collect(),
        macro_f1: results.iter().map(|r| r.test.macro_f1).collect(),
        ece: fold_values(results, |c| c.ece),
        ece_uncalibrated: fold_values(results, |c| c.ece_uncalibrated),
        ece_cross_fitted: cross
            .as_ref()
            .map_or_else(Vec::new, |c| c.folds.iter().map(|f| f.ece).collect()),
        temperature: cross.map(|c| c.temperature),
    }
}

/// A temperature fitted across the folds on their test clips' recorded logits; `None` with
/// fewer than two folds, or when a fold was recorded without them.
fn cross_fitted(labels: &[String], results: &[FoldResult]) -> Option<CrossFitted> {
    let fold_clips = |detail: &Value| -> Option<(Vec<f32>, Vec<usize>)> {
        let (mut logits, mut targets) = (Vec::new(), Vec::new());
        for clip in detail["test_clips"].as_array()? {
            let row: Vec<f32> = serde_json::from_value(clip["logits"].clone()).ok()?;
            let label = clip["label"].as_str()?;
            if row.len() != labels.len() {
                return None;
            }
            logits.extend(row);
            targets.push(labels.iter().position(|l| l == label)?);
        }
        Some((logits, targets))
    };
    let folds = results
        .iter()
        .map(|r| fold_clips(&r.detail))
        .collect::<Option<Vec<_>>>()?;
    (folds.len() > 1).then(|| CrossFitted::fit(&folds, labels.len()))
}

/// The test clips of every fold by confidence, added up; `None` unless every fold has them.
fn pooled_bins(results: &[FoldResult]) -> Option<Vec<ConfidenceBin>> {
    let mut all = results
        .iter()
        .map(|r| r.calibration.as_ref().map(|c| &c.bins));
    let mut pooled = all.next()??.clone();
    for bins in all {
        let bins = bins?;
        if bins.len() != pooled.len() {
            return None;
        }
        pooled.iter_mut().zip(bins).for_each(|(p, b)| p.add(b));
    }
    Some(pooled)
}

/// One number of every fold's test calibration; empty unless every fold has it.
fn fold_values(results: &[FoldResult], value: impl Fn(&Calibration) -> f64) -> Vec<f64> {
    results
        .iter()
        .map(|r| r.calibration.as_ref().map(&value))
        .collect::<Option<Vec<f64>>>()
        .unwrap_or_default()
}

/// Rewritten after every fold, so an interrupted run keeps the folds it finished.
fn write_summary(
    cmd: &CvCmd,
    labels: &[String],
    results: &[FoldResult],
    cfg: &TrainConfig,
    seeds: &[u64],
) -> Result<()> {
    let summary = summary_of(cmd, labels, results, seeds);
    if let Some(dir) = &cmd.card {
        record_cv(dir, &summary).map_err(anyhow::Error::msg)?;
    }
    let scores: Vec<Scores> = results.iter().map(|r| r.test.clone()).collect();
    let all = pooled(labels, &scores);
    let (a, asd) = mean_sd(&summary.accuracy);
    let (u, usd) = mean_sd(&summary.uar);
    let doc = json!({
        "data": cmd.args.data.display().to_string(),
        "folds_total": cmd.folds,
        "folds_done": results.iter().map(|r| r.fold).collect::<Vec<_>>(),
        "accuracy_mean": a, "accuracy_sd": asd, "uar_mean": u, "uar_sd": usd,
        "summary": summary,
        "pooled": all,
        "config": cfg,
        "seeds": seeds,
        "folds": results.iter().map(|r| r.detail.clone()).collect::<Vec<_>>(),
    });
    write_atomic(&cmd.out.join("cv.json"), &serde_json::to_vec_pretty(&doc)?)?;
    if let Some(bins) = pooled_bins(results) {
        write_atomic(
            &cmd.out.join("reliability.svg"),
            reliability_svg(&bins, "cross-validation, all test folds").as_bytes(),
        )?;
    }
    write_atomic(
        &cmd.out.join("confusion.svg"),
        ser_plot::confusion_svg(labels, &all.confusion, "cross-validation, all test folds")
            .as_bytes(),
    )?;
    Ok(())
}
