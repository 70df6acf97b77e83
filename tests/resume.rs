//! Training killed with SIGKILL resumes from its last checkpoint, losing at most the epoch that
//! was running, and finishes a complete model; an interrupted cross-validation resumes with
//! the folds it lacks.

mod common;

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const EPOCHS: usize = 6;

fn ser() -> Command {
    Command::new(env!("CARGO_BIN_EXE_ser"))
}

fn setup(data: &Path, dir: &Path, actors: &[&str]) -> (String, String) {
    common::small_training_run(data, dir, actors, EPOCHS)
}

fn epochs_done(checkpoint: &Path) -> usize {
    std::fs::read(checkpoint.join("state.json"))
        .ok()
        .and_then(|b| serde_json::from_slice::<serde_json::Value>(&b).ok())
        .map_or(0, |v| v["history"].as_array().unwrap().len())
}

#[test]
fn sigkill_mid_training_then_resume_loses_at_most_one_epoch() {
    let Some(data) = common::data_dir() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    // Three actors: two train, one validates.
    let (corpus, config) = setup(&data, dir.path(), &["Actor_01", "Actor_02", "Actor_03"]);
    let out = dir.path().join("model");
    let cache = dir.path().join("cache");
    let args = |extra: &[&str]| {
        let mut c = ser();
        c.args([
            "train",
            "--data",
            &corpus,
            "--config",
            &config,
            "--valid-speakers",
            "1",
        ])
        .args([
            "--out",
            out.to_str().unwrap(),
            "--cache",
            cache.to_str().unwrap(),
        ])
        .args(extra);
        c
    };
    let mut child = args(&[])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // Kill once two epochs are checkpointed: the third is then running.
    let checkpoint = out.join("checkpoint");
    let deadline = Instant::now() + Duration::from_secs(300);
    while epochs_done(&checkpoint) < 2 {
        assert!(
            child.try_wait().unwrap().is_none(),
            "training ended before it was killed"
        );
        assert!(Instant::now() < deadline, "no checkpoint within 5 minutes");
        std::thread::sleep(Duration::from_millis(20));
    }
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    let kept = epochs_done(&checkpoint);
    assert!((2..EPOCHS).contains(&kept), "{kept} epochs checkpointed");
    assert!(
        !out.join("model.bpk").exists(),
        "a killed run must not leave a model"
    );

    let resumed = args(&["--resume"]).output().unwrap();
    let log = String::from_utf8_lossy(&resumed.stderr);
    assert!(resumed.status.success(), "{log}");
    // The resumed run trains exactly the epochs the checkpoint lacked.
    let ran: Vec<usize> = log
        .lines()
        .filter_map(|l| l.trim_start().strip_prefix("epoch"))
        .filter_map(|l| l.split(':').next()?.trim().parse().ok())
        .collect();
    assert_eq!(ran, ((kept + 1)..=EPOCHS).collect::<Vec<_>>(), "{log}");
    let metrics: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("metrics.json")).unwrap()).unwrap();
    assert_eq!(metrics["history"].as_array().unwrap().len(), EPOCHS);
    assert!(ser_model::EmotionModel::load(&out).is_ok());
    // The model card says how long it trained and which speakers chose the weights.
    let card = std::fs::read_to_string(out.join("MODEL.md")).unwrap();
    assert!(
        card.contains(&format!("{EPOCHS} epochs (the whole schedule)")),
        "{card}"
    );
    assert!(
        card.contains("choose the epoch whose weights are kept): actor_03"),
        "{card}"
    );
    assert!(
        !checkpoint.exists(),
        "the checkpoint is removed once the model is complete"
    );
}

#[test]
fn cross_validation_resumes_with_the_missing_folds() {
    let Some(small) = common::small_run(env!("CARGO_BIN_EXE_ser"), EPOCHS) else {
        return;
    };
    let out = small.dir.path().join("cv");
    let cv = |extra: &[&str]| small.cv(&out, &[&["--epochs", "1"], extra].concat());
    let first = cv(&["--only", "1"]);
    common::assert_succeeded(&first);
    let read = || -> serde_json::Value {
        serde_json::from_slice(&std::fs::read(out.join("cv.json")).unwrap()).unwrap()
    };
    let fold1 = read()["folds"][0].clone();
    // One fold cannot calibrate itself on others.
    assert!(read()["summary"].get("temperature").is_none());
    let second = cv(&["--resume"]);
    let log = String::from_utf8_lossy(&second.stderr);
    assert!(second.status.success(), "{log}");
    assert!(
        log.contains("already done") && log.contains("fold 2/2") && !log.contains("fold 1/2"),
        "{log}"
    );
    let doc = read();
    assert_eq!(doc["folds_done"], serde_json::json!([1, 2]));
    let command = doc["summary"]["command"].as_str().unwrap();
    assert!(
        command.starts_with("ser cv --data") && !command.contains("--resume"),
        "the recorded command reproduces the folds from scratch: {command}"
    );
    assert_eq!(
        doc["folds"][0], fold1,
        "the finished fold is kept as it was"
    );
    // Each fold's test confidences are scored, and pooled into one reliability diagram.
    let ece = doc["summary"]["ece"].as_array().unwrap();
    assert_eq!(ece.len(), 2);
    assert!(ece
        .iter()
        .all(|e| e.as_f64().is_some_and(|e| (0.0..=1.0).contains(&e))));
    let svg = std::fs::read_to_string(out.join("reliability.svg")).unwrap();
    assert!(svg.contains("expected calibration error"), "{svg}");
    // A temperature fitted on both folds' test clips (their recorded logits), and each fold's
    // error at the temperature of the other.
    let (mut logits, mut targets) = (Vec::new(), Vec::new());
    let labels = doc["pooled"]["labels"].as_array().unwrap();
    for clip in doc["folds"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|f| f["test_clips"].as_array().unwrap())
    {
        logits.extend(
            clip["logits"]
                .as_array()
                .unwrap()
                .iter()
                .map(|v| v.as_f64().unwrap() as f32),
        );
        targets.push(labels.iter().position(|l| *l == clip["label"]).unwrap());
    }
    let fitted = ser_train::calibration::fit_temperature(&logits, &targets, labels.len());
    assert_eq!(
        doc["summary"]["temperature"].as_f64().unwrap() as f32,
        fitted
    );
    assert_eq!(
        doc["summary"]["ece_cross_fitted"].as_array().unwrap().len(),
        2
    );
    let printed = String::from_utf8_lossy(&second.stdout);
    assert!(
        printed.contains(&format!("test speakers: {fitted:.3}")),
        "{printed}"
    );
    // Other settings than the recorded ones are refused.
    for settings in [&["--seed", "7"], &["--valid-speakers", "0"]] {
        let other = cv(&[&["--resume"][..], settings].concat());
        assert_eq!(other.status.code(), Some(2), "{settings:?}");
        let log = String::from_utf8_lossy(&other.stderr);
        assert!(log.contains("another configuration"), "{log}");
    }
    // A record written before a setting existed still resumes: the missing key reads as its
    // default, which is what this run uses.
    let mut older = read();
    older["config"]
        .as_object_mut()
        .unwrap()
        .remove("label_smoothing")
        .expect("the record names label_smoothing");
    // Nor did records name their seeds before `--seeds`: one network of the config's seed.
    older
        .as_object_mut()
        .unwrap()
        .remove("seeds")
        .expect("the record names its seeds");
    std::fs::write(out.join("cv.json"), older.to_string()).unwrap();
    let third = cv(&["--resume"]);
    let log = String::from_utf8_lossy(&third.stderr);
    assert!(third.status.success(), "{log}");
    assert!(
        log.contains("already done") && !log.contains("fold 2/2"),
        "{log}"
    );
}
