//! `ser cv --jobs 2` trains folds side by side in child processes and records the same folds
//! as training them one at a time, with every test clip's prediction; one at a time with
//! `--keep-models`, each fold's network is kept as a model directory (and the networks of an
//! ensemble kept there before are removed).

mod common;

use ser_train::dataset::RAVDESS_EMOTIONS;
use serde_json::Value;

/// The folds of OUT/cv.json without the epochs' timings, which no two runs share.
fn folds_without_timings(doc: &Value) -> Vec<Value> {
    let mut folds = doc["folds"].as_array().unwrap().clone();
    for fold in &mut folds {
        fold["history"] = Value::from(common::epochs_without_timings(&fold["history"]));
    }
    folds
}

/// A fold records each of its test clips, from its test actors only, with the true label its
/// file name's emotion code gives, the predicted label (the largest logit) and one logit per
/// label; counting the clips gives the fold's accuracy.
fn check_test_clips(fold: &Value, labels: &Value) {
    let clips = fold["test_clips"].as_array().unwrap();
    assert_eq!(clips.len() as u64, fold["test"]["n"].as_u64().unwrap());
    let actors: Vec<String> = fold["split"]["test_speakers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap().replace("actor", "Actor"))
        .collect();
    let labels: Vec<&str> = labels
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l.as_str().unwrap())
        .collect();
    for clip in clips {
        let path = clip["path"].as_str().unwrap();
        assert!(
            actors.iter().any(|a| path.starts_with(&format!("{a}/"))),
            "{path} {actors:?}"
        );
        let code: usize = path.split(['/', '-']).nth(3).unwrap().parse().unwrap();
        assert_eq!(clip["label"], RAVDESS_EMOTIONS[code - 1], "{path}");
        let logits: Vec<f64> = serde_json::from_value(clip["logits"].clone()).unwrap();
        assert_eq!(logits.len(), labels.len());
        let best = (0..logits.len())
            .max_by(|&a, &b| logits[a].total_cmp(&logits[b]))
            .unwrap();
        assert_eq!(clip["predicted"], labels[best], "{path}");
    }
    let correct = clips
        .iter()
        .filter(|c| c["label"] == c["predicted"])
        .count();
    let accuracy = fold["test"]["accuracy"].as_f64().unwrap();
    assert!((correct as f64 / clips.len() as f64 - accuracy).abs() < 1e-9);
}

#[test]
fn two_jobs_record_the_folds_of_one_job() {
    let Some(small) = common::small_run(env!("CARGO_BIN_EXE_ser"), 2) else {
        return;
    };
    let dir = &small.dir;
    let kept = dir.path().join("kept");
    let cv = |jobs: &str, extra: &[&str]| {
        let out = dir.path().join(format!("cv-{jobs}"));
        let run = small.cv(&out, &[&["--jobs", jobs], extra].concat());
        let log = String::from_utf8_lossy(&run.stderr).into_owned();
        assert!(run.status.success(), "--jobs {jobs}: {log}");
        (out, log, String::from_utf8_lossy(&run.stdout).into_owned())
    };
    // A directory for the networks that cannot be made is refused before any fold trains.
    let blocked = dir.path().join("blocked");
    std::fs::write(&blocked, "a file").unwrap();
    let refused = small.cv(
        &dir.path().join("cv-blocked"),
        &["--keep-models", blocked.join("kept").to_str().unwrap()],
    );
    let log = String::from_utf8_lossy(&refused.stderr);
    assert_eq!(refused.status.code(), Some(2), "{log}");
    assert!(
        log.contains("blocked/kept: cannot create") && !log.contains("epoch"),
        "{log}"
    );
    // A fold directory that held an ensemble before: its networks must not stay beside one.
    let earlier = kept.join("fold1/members/seed-9");
    std::fs::create_dir_all(&earlier).unwrap();
    std::fs::write(earlier.join("model.bpk"), "an earlier network").unwrap();
    // A `members` that is no directory of networks is not ours to remove, nor an error.
    std::fs::create_dir_all(kept.join("fold2")).unwrap();
    std::fs::write(kept.join("fold2/members"), "notes").unwrap();
    let (one, _, _) = cv("1", &["--keep-models", kept.to_str().unwrap()]);
    assert!(!kept.join("fold1/members").exists());
    assert_eq!(std::fs::read(kept.join("fold2/members")).unwrap(), b"notes");
    // What a killed run leaves behind: its children's directories, which this run removes.
    std::fs::create_dir_all(dir.path().join("cv-2/.fold-2-killed/nested")).unwrap();
    let (two, log, stdout) = cv("2", &[]);
    assert!(log.contains("2 at a time"), "{log}");
    // Side by side: each fold started before the other finished its last epoch.
    let position = |line: &str| log.find(line).unwrap_or_else(|| panic!("{line}: {log}"));
    for (fold, other) in [(1, 2), (2, 1)] {
        assert!(
            position(&format!("fold {fold} | fold {fold}/2:"))
                < position(&format!("fold {other} | epoch   2:")),
            "fold {fold} waited for fold {other}: {log}"
        );
    }
    // Each child's messages carry its fold's number.
    for fold in [1, 2] {
        assert!(log.contains(&format!("fold {fold} | epoch   2:")), "{log}");
        assert!(
            stdout.contains(&format!("fold {fold}: test accuracy")),
            "{stdout}"
        );
    }
    let (one, two) = (
        common::read_json(&one.join("cv.json")),
        common::read_json(&two.join("cv.json")),
    );
    assert_eq!(two["folds_done"], serde_json::json!([1, 2]));
    for fold in one["folds"].as_array().unwrap() {
        check_test_clips(fold, &one["pooled"]["labels"]);
    }
    assert_eq!(folds_without_timings(&two), folds_without_timings(&one));
    assert_eq!(two["pooled"], one["pooled"]);
    // The one network of each fold, kept, records the fold's split beside its weights.
    for fold in one["folds"].as_array().unwrap() {
        let model = kept.join(format!("fold{}", fold["fold"]));
        let metrics = common::read_json(&model.join("metrics.json"));
        assert_eq!(metrics["split"], fold["split"]);
        assert_eq!(metrics["best_epoch"], fold["best_epoch"]);
        assert!(model.join("model.bpk").is_file() && model.join("MODEL.md").is_file());
    }
    // The children's working directories are gone, and so is the killed run's.
    let left: Vec<_> = std::fs::read_dir(dir.path().join("cv-2"))
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .filter(|name| name.to_string_lossy().starts_with(".fold-"))
        .collect();
    assert!(left.is_empty(), "{left:?}");
}
