//! Fine-tuning (`--init`): a network that starts from the bundled model learns a corpus of
//! another label set in a few epochs, and a model to start from that heard the speakers a run
//! scores on, or of another shape, is refused before anything trains.

mod common;

use std::path::Path;
use std::process::{Command, Output};

const SER: &str = env!("CARGO_BIN_EXE_ser");

/// A CSV manifest of `actor`'s neutral, happy, sad and angry clips, labelled in another
/// corpus's words (`anger` for angry), as a user's own four-emotion corpus would be.
fn four_emotions(data: &Path, actor: &str, csv: &Path) {
    let mut rows = vec!["path,label,speaker".to_string()];
    let dir = data.join("ravdess").join(actor);
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    for file in files {
        let name = file.file_name().unwrap().to_string_lossy().into_owned();
        let label = match &name[6..8] {
            "01" => "neutral",
            "03" => "happy",
            "04" => "sad",
            "05" => "anger",
            _ => continue,
        };
        rows.push(format!("{},{label},{actor}", file.display()));
    }
    std::fs::write(csv, rows.join("\n")).unwrap();
}

fn ser(args: &[&str], dir: &Path) -> Output {
    Command::new(SER)
        .args(args)
        .arg("--cache")
        .arg(dir.join("cache"))
        .output()
        .unwrap()
}

/// Accuracy of `model` on the manifest `csv` by `ser eval`.
fn accuracy(model: &Path, csv: &Path, dir: &Path) -> f64 {
    let out = ser(
        &[
            "eval",
            "--format",
            "json",
            "--data",
            &csv.display().to_string(),
            "--model",
            &model.display().to_string(),
        ],
        dir,
    );
    common::assert_succeeded(&out);
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        doc["labels"],
        serde_json::json!(["anger", "happy", "neutral", "sad"])
    );
    doc["accuracy"].as_f64().unwrap()
}

/// Two epochs on actor 01's 28 clips of four emotions (`dir/train.csv`), with or without
/// `--init bundled`.
fn two_epochs(dir: &Path, init: bool) -> std::path::PathBuf {
    let out_dir = dir.join(if init { "from-bundled" } else { "from-scratch" });
    let (data, out_name) = (
        dir.join("train.csv").display().to_string(),
        out_dir.display().to_string(),
    );
    let mut args = vec!["train", "--data", &data, "--valid-speakers", "0"];
    args.extend(["--epochs", "2", "--out", &out_name]);
    if init {
        args.extend(["--init", "bundled"]);
    }
    let out = ser(&args, dir);
    common::assert_succeeded(&out);
    out_dir
}

#[test]
fn a_network_started_from_the_bundled_model_learns_four_emotions_in_two_epochs() {
    let Some(data) = common::data_dir() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    four_emotions(&data, "Actor_01", &dir.path().join("train.csv"));
    let test = dir.path().join("test.csv");
    four_emotions(&data, "Actor_02", &test);

    let tuned = two_epochs(dir.path(), true);
    let scratch = two_epochs(dir.path(), false);
    // Started from the bundled model (whose rows for angry, happy, neutral and sad it keeps),
    // the network knows the emotions at once; from random weights two epochs on 28 clips
    // leave it near chance (25 %).
    let (a_tuned, a_scratch) = (
        accuracy(&tuned, &test, dir.path()),
        accuracy(&scratch, &test, dir.path()),
    );
    assert!(
        a_tuned >= 0.6 && a_tuned >= a_scratch + 0.25,
        "fine-tuned {a_tuned}, from scratch {a_scratch}"
    );
    let card = std::fs::read_to_string(tuned.join("MODEL.md")).unwrap();
    assert!(
        card.contains("started from the weights of `bundled`"),
        "{card}"
    );
}

#[test]
fn a_model_to_start_from_is_refused_if_it_heard_the_test_speakers_or_differs_in_shape() {
    let Some(data) = common::data_dir() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let (corpus, small) =
        common::small_training_run(&data, dir.path(), &["Actor_01", "Actor_02"], 1);
    let cv = |config: Option<&str>, init: &str| {
        let mut args = vec![
            "cv",
            "--data",
            &corpus,
            "--folds",
            "2",
            "--valid-speakers",
            "0",
        ];
        if let Some(config) = config {
            args.extend(["--config", config]);
        }
        args.extend(["--init", init, "--out"]);
        let out = dir.path().join("cv").display().to_string();
        args.push(&out);
        ser(&args, dir.path())
    };

    // The bundled model heard every RAVDESS actor, so it cannot start a fold scored on one.
    let out = cv(None, "bundled");
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("heard actor_01"), "{err}");
    assert!(!dir.path().join("cv").exists());

    // A network of another shape (the small configuration's) cannot start from it either.
    let out = ser(
        &[
            "train",
            "--data",
            &corpus,
            "--config",
            &small,
            "--valid-speakers",
            "0",
            "--init",
            "bundled",
            "--out",
            &dir.path().join("small").display().to_string(),
        ],
        dir.path(),
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("differs from the run in its network"), "{err}");

    // Nor can an ensemble: which of its networks would it be?
    let ensemble = common::root().join("models/ensemble").display().to_string();
    let out = cv(None, &ensemble);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("averages 6 networks"), "{err}");
}
