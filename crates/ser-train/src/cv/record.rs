//! `cv.json`, the record of a cross-validation: every finished fold (its split, epochs,
//! scores and every test clip's logits), the summary a model card quotes, and the pooled
//! confusion matrix and reliability diagram beside it. Rewritten after every fold, so an
//! interrupted run keeps the folds it finished and [`CrossValidation::finished_folds`] resumes
//! it.

use std::path::Path;

use serde_json::{json, Value};

use super::{CrossValidation, FoldResult};
use crate::calibration::{reliability_svg, Calibration, ConfidenceBin, CrossFitted};
use crate::metrics::Scores;
use crate::report::{mean_sd, pooled, record_cv, write_atomic, CvSummary};

/// Where a cross-validation is recorded, and what the record says made it.
pub struct Record<'a> {
    /// The directory of cv.json, confusion.svg and reliability.svg.
    pub out: &'a Path,
    /// A model directory of the same configuration whose MODEL.md and metrics.json get the
    /// summary too (`ser cv --card`).
    pub card: Option<&'a Path>,
    /// The corpus, as given.
    pub data: &'a Path,
    /// The command that reproduces the folds from scratch.
    pub command: &'a str,
}

impl FoldResult {
    /// A fold as cv.json records it (its `detail`), read back.
    pub fn from_record(detail: &Value, labels: &[String]) -> Result<Self, String> {
        let fold = detail["fold"].as_u64().ok_or("a fold without a number")? as usize;
        let confusion: Vec<Vec<usize>> =
            serde_json::from_value(detail["test"]["confusion"].clone())
                .map_err(|e| format!("fold {fold} has no confusion matrix: {e}"))?;
        Ok(FoldResult {
            fold,
            test: Scores::from_confusion(labels, confusion),
            calibration: serde_json::from_value(detail["test_calibration"].clone()).ok(),
            detail: detail.clone(),
        })
    }
}

impl CrossValidation {
    /// The folds recorded in `out/cv.json` (none without one), to resume from; refused when
    /// they were made with another configuration, fold count, seeds or split of the speakers.
    pub fn finished_folds(&self, out: &Path, labels: &[String]) -> Result<Vec<FoldResult>, String> {
        let path = out.join("cv.json");
        let Ok(bytes) = std::fs::read(&path) else {
            return Ok(Vec::new());
        };
        let not_cv = |e: &dyn std::fmt::Display| format!("{}: not a cv.json: {e}", path.display());
        let doc: Value = serde_json::from_slice(&bytes).map_err(|e| not_cv(&e))?;
        // Read back as a configuration, so a record written before a field existed compares by
        // that field's default instead of failing on the missing key.
        let recorded: Option<crate::train_config::TrainConfig> =
            serde_json::from_value(doc["config"].clone()).ok();
        // Records made before `--seeds` trained one network per fold, with the config's seed.
        let recorded_seeds = doc.get("seeds").cloned().unwrap_or(json!([self.cfg.seed]));
        // Each fold's speakers as this run would split them (the number of validation
        // speakers is not in the configuration).
        let other_split = doc["folds"].as_array().into_iter().flatten().any(|fold| {
            let k = fold["fold"].as_u64().unwrap_or(0) as usize;
            !(1..=self.folds.len()).contains(&k) || fold["split"] != json!(self.split(k))
        });
        if recorded.as_ref() != Some(&self.cfg)
            || doc["folds_total"] != json!(self.folds.len())
            || recorded_seeds != json!(self.seeds)
            || other_split
        {
            return Err(format!(
                "{}: made with another configuration, fold count, seeds or split of the \
                 speakers (--valid-speakers); run without --resume",
                path.display()
            ));
        }
        doc["folds"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|detail| FoldResult::from_record(detail, labels))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| not_cv(&e))
    }

    /// The summary of the finished `results` (sorted by fold) that a model card quotes.
    pub fn summary(&self, labels: &[String], results: &[FoldResult], command: &str) -> CvSummary {
        let cross = cross_fitted(labels, results);
        CvSummary {
            folds: self.folds.len(),
            seeds: self.seeds.clone(),
            fold_numbers: results.iter().map(|r| r.fold).collect(),
            command: command.to_string(),
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

    /// Writes the record of the finished `results` (sorted by fold): cv.json, the pooled
    /// confusion matrix and reliability diagram, and the card's summary; returns the summary.
    pub fn write_record(
        &self,
        record: &Record,
        labels: &[String],
        results: &[FoldResult],
    ) -> Result<CvSummary, String> {
        let summary = self.summary(labels, results, record.command);
        if let Some(dir) = record.card {
            record_cv(dir, &summary)?;
        }
        let scores: Vec<Scores> = results.iter().map(|r| r.test.clone()).collect();
        let all = pooled(labels, &scores);
        let (a, asd) = mean_sd(&summary.accuracy);
        let (u, usd) = mean_sd(&summary.uar);
        let doc = json!({
            "data": record.data.display().to_string(),
            "folds_total": self.folds.len(),
            "folds_done": results.iter().map(|r| r.fold).collect::<Vec<_>>(),
            "accuracy_mean": a, "accuracy_sd": asd, "uar_mean": u, "uar_sd": usd,
            "summary": summary,
            "pooled": all,
            "config": self.cfg,
            "seeds": self.seeds,
            "folds": results.iter().map(|r| r.detail.clone()).collect::<Vec<_>>(),
        });
        let write = |name: &str, bytes: &[u8]| {
            let path = record.out.join(name);
            write_atomic(&path, bytes).map_err(|e| format!("{}: {e}", path.display()))
        };
        write("cv.json", &serde_json::to_vec_pretty(&doc).expect("json"))?;
        if let Some(bins) = pooled_bins(results) {
            let svg = reliability_svg(&bins, "cross-validation, all test folds");
            write("reliability.svg", svg.as_bytes())?;
        }
        let title = "cross-validation, all test folds";
        write(
            "confusion.svg",
            ser_plot::confusion_svg(labels, &all.confusion, title).as_bytes(),
        )?;
        Ok(summary)
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::train_config::TrainConfig;

    fn labels() -> Vec<String> {
        vec!["angry".into(), "sad".into()]
    }

    /// Six speakers in three folds, one network per seed.
    fn cv(seeds: Vec<u64>) -> CrossValidation {
        let speakers: Vec<String> = (1..=6).map(|i| format!("{i:02}")).collect();
        CrossValidation::new(&speakers, 3, 1, TrainConfig::default(), seeds).unwrap()
    }

    /// Fold `fold` as `run_fold` would record it, with this confusion matrix.
    fn fold(cv: &CrossValidation, fold: usize, confusion: Vec<Vec<usize>>) -> FoldResult {
        let detail =
            json!({"fold": fold, "split": cv.split(fold), "test": {"confusion": confusion}});
        FoldResult::from_record(&detail, &labels()).unwrap()
    }

    #[test]
    fn a_record_resumes_with_its_folds_and_only_for_the_same_cross_validation() {
        let dir = tempfile::tempdir().unwrap();
        let first = cv(vec![42]);
        let done = [
            fold(&first, 1, vec![vec![3, 1], vec![0, 4]]),
            fold(&first, 3, vec![vec![2, 2], vec![1, 3]]),
        ];
        let record = Record {
            out: dir.path(),
            card: None,
            data: Path::new("corpus"),
            command: "ser cv --data corpus --folds 3",
        };
        let summary = first.write_record(&record, &labels(), &done).unwrap();
        assert_eq!(summary.fold_numbers, [1, 3]);
        assert_eq!(summary.accuracy, [7.0 / 8.0, 5.0 / 8.0]);
        assert!(dir.path().join("confusion.svg").exists());

        let back = first.finished_folds(dir.path(), &labels()).unwrap();
        let folds: Vec<usize> = back.iter().map(|r| r.fold).collect();
        assert_eq!(folds, [1, 3]);
        assert_eq!(back[1].test.confusion, [[2, 2], [1, 3]]);
        // No record yet: nothing finished.
        let empty = tempfile::tempdir().unwrap();
        assert!(first
            .finished_folds(empty.path(), &labels())
            .unwrap()
            .is_empty());
        // Another seed, fold count or split of the speakers is another cross-validation.
        let others = [
            cv(vec![7]),
            CrossValidation {
                folds: first.folds[..2].to_vec(),
                ..first.clone()
            },
            CrossValidation {
                valid_speakers: 0,
                ..first.clone()
            },
        ];
        for other in others {
            let refused = other.finished_folds(dir.path(), &labels()).err().unwrap();
            assert!(refused.contains("run without --resume"), "{refused}");
        }
    }
}
