//! `ser cv` with a teacher: each fold is taught by its own teacher, and a teacher that heard a
//! fold's test speakers (any fold's), or one teacher for every fold, is refused before anything
//! trains.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const SER: &str = env!("CARGO_BIN_EXE_ser");

/// `ser train` of one epoch on `actors` (no validation) into `dir/model`.
fn teacher(data: &Path, dir: &Path, actors: &[&str]) -> PathBuf {
    std::fs::create_dir(dir).unwrap();
    let (corpus, config) = common::small_training_run(data, dir, actors, 1);
    let model = dir.join("model");
    let out = Command::new(SER)
        .args(["train", "--data", &corpus, "--config", &config])
        .args(["--valid-speakers", "0", "--out"])
        .arg(&model)
        .output()
        .unwrap();
    common::assert_succeeded(&out);
    model
}

/// A directory of teachers `fold1`, `fold2` (links to the given models), and the path that
/// names them by fold.
fn teachers(dir: &Path, fold1: &Path, fold2: &Path) -> String {
    std::fs::create_dir(dir).unwrap();
    std::os::unix::fs::symlink(fold1, dir.join("fold1")).unwrap();
    std::os::unix::fs::symlink(fold2, dir.join("fold2")).unwrap();
    dir.join("fold{fold}").display().to_string()
}

/// `ser cv` of two folds (actors 01-02, 03-04) of `corpus` with the configuration `base`
/// taught by `teacher`.
fn cv(corpus: &str, base: &str, teacher: &str, out: &Path) -> Output {
    let mut cfg = common::read_json(Path::new(base));
    cfg["distill"] = serde_json::json!({"teacher": teacher, "weight": 0.5, "temperature": 2.0});
    let config = out.with_extension("json");
    std::fs::write(&config, cfg.to_string()).unwrap();
    Command::new(SER)
        .args([
            "cv",
            "--data",
            corpus,
            "--folds",
            "2",
            "--valid-speakers",
            "0",
        ])
        .arg("--config")
        .arg(&config)
        .arg("--out")
        .arg(out)
        .output()
        .unwrap()
}

#[test]
fn cv_takes_each_folds_teacher_and_refuses_one_that_heard_its_test_speakers() {
    let Some(data) = common::data_dir() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let dir = dir.path();
    // Fold 1 tests actors 01-02, so its teacher learnt 03-04; fold 2 the other way round.
    let heard_34 = teacher(&data, &dir.join("t34"), &["Actor_03", "Actor_04"]);
    let heard_12 = teacher(&data, &dir.join("t12"), &["Actor_01", "Actor_02"]);
    std::fs::create_dir(dir.join("cv")).unwrap();
    let actors = ["Actor_01", "Actor_02", "Actor_03", "Actor_04"];
    let (corpus, base) = common::small_training_run(&data, &dir.join("cv"), &actors, 1);

    let swapped = teachers(&dir.join("swapped"), &heard_12, &heard_34);
    let out = cv(&corpus, &base, &swapped, &dir.join("swapped-cv"));
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("heard actor_01, actor_02"), "{err}");

    // Fold 1's teacher is right, fold 2's heard its test actors: refused before fold 1 trains.
    let late = teachers(&dir.join("late"), &heard_34, &heard_34);
    let out = cv(&corpus, &base, &late, &dir.join("late-cv"));
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("heard actor_03, actor_04"), "{err}");
    assert!(
        !dir.join("late-cv/cv.json").exists(),
        "a fold trained first"
    );

    let one = heard_34.display().to_string();
    let out = cv(&corpus, &base, &one, &dir.join("one-cv"));
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("{fold}"), "{err}");
    assert!(!dir.join("one-cv/cv.json").exists() && !dir.join("swapped-cv/cv.json").exists());

    let right = teachers(&dir.join("right"), &heard_34, &heard_12);
    let out = cv(&corpus, &base, &right, &dir.join("right-cv"));
    common::assert_succeeded(&out);
    let record = common::read_json(&dir.join("right-cv/cv.json"));
    assert_eq!(record["folds_done"], serde_json::json!([1, 2]));
    // The record names the teachers as the configuration did, by fold.
    assert_eq!(record["config"]["distill"]["teacher"], right.as_str());
}
