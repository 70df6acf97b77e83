//! Damaged and mismatched model directories are refused with a clear error, never loaded into
//! a model that would answer nonsense.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use ser_model::EmotionModel;
use serde_json::Value;

/// A copy of the bundled model's directory that a test may damage.
fn model_copy(dir: &tempfile::TempDir) -> PathBuf {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("models/default");
    let dst = dir.path().join("model");
    std::fs::create_dir(&dst).unwrap();
    for f in ["config.json", "model.bpk"] {
        std::fs::copy(src.join(f), dst.join(f)).unwrap();
    }
    dst
}

fn edit_config(model: &Path, edit: impl FnOnce(&mut Value)) {
    let path = model.join("config.json");
    let mut v: Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    edit(&mut v);
    std::fs::write(&path, serde_json::to_vec(&v).unwrap()).unwrap();
}

/// Loads and expects a refusal whose message contains each of `parts`.
fn refused(model: &Path, parts: &[&str]) {
    let err = match EmotionModel::load(model) {
        Ok(_) => panic!("{} loaded although damaged", model.display()),
        Err(e) => e.to_string(),
    };
    for p in parts {
        assert!(err.contains(p), "{err:?} lacks {p:?}");
    }
}

#[test]
fn the_intact_copy_loads() {
    let dir = tempfile::tempdir().unwrap();
    assert!(EmotionModel::load(model_copy(&dir)).is_ok());
}

#[test]
fn damaged_weights_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let model = model_copy(&dir);
    let weights = std::fs::read(model.join("model.bpk")).unwrap();
    for (what, bytes) in [
        ("truncated", weights[..weights.len() / 2].to_vec()),
        ("empty", Vec::new()),
        (
            "random",
            (0..4096u32)
                .map(|i| (i.wrapping_mul(2654435761) >> 13) as u8)
                .collect(),
        ),
    ] {
        std::fs::write(model.join("model.bpk"), &bytes).unwrap();
        let err = EmotionModel::load(&model)
            .err()
            .unwrap_or_else(|| panic!("{what} loaded"));
        let text = err.to_string();
        assert!(text.contains("model.bpk"), "{what}: {text}");
    }
}

/// A change to a model's configuration.
type Edit = Box<dyn Fn(&mut Value)>;

#[test]
fn a_config_that_does_not_fit_the_weights_is_refused() {
    let cases: Vec<(&str, Edit, &[&str])> = vec![
        (
            "one label less",
            Box::new(|v| {
                v["labels"].as_array_mut().unwrap().pop();
            }),
            &["model.bpk", "weights do not match"],
        ),
        (
            "other mel bands",
            Box::new(|v| v["features"]["n_mels"] = 80.into()),
            &["model.bpk", "weights do not match"],
        ),
        (
            "other LSTM size",
            Box::new(|v| v["network"]["lstm_hidden"] = 32.into()),
            &["model.bpk", "weights do not match"],
        ),
        (
            "newer format",
            Box::new(|v| v["format_version"] = 99.into()),
            &["config.json", "format version 99"],
        ),
        (
            "duplicate labels",
            Box::new(|v| v["labels"][1] = v["labels"][0].clone()),
            &["config.json", "duplicate labels"],
        ),
        (
            "rates that disagree",
            Box::new(|v| v["audio"]["sample_rate"] = 22050.into()),
            &["config.json", "22050"],
        ),
        (
            "not a configuration",
            Box::new(|v| *v = Value::String("hello".into())),
            &["config.json", "not a valid ser model configuration"],
        ),
    ];
    for (what, edit, parts) in cases {
        let dir = tempfile::tempdir().unwrap();
        let model = model_copy(&dir);
        edit_config(&model, edit);
        eprintln!("case: {what}");
        refused(&model, parts);
    }
}

/// `ser predict --model MODEL x.wav`: exit code and stderr.
fn predict_with(model: &Path) -> (Option<i32>, String) {
    let out = Command::cargo_bin("ser")
        .unwrap()
        .args(["predict", "--model", model.to_str().unwrap(), "x.wav"])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    (out.status.code(), err)
}

#[test]
fn the_cli_names_the_model_and_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    let model = model_copy(&dir);
    std::fs::remove_file(model.join("model.bpk")).unwrap();
    let (code, err) = predict_with(&model);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("model.bpk"), "{err}");
    // The reason is said once, not repeated by the error's chain.
    let reason = std::fs::read(model.join("model.bpk"))
        .unwrap_err()
        .to_string();
    assert_eq!(err.matches(&reason).count(), 1, "{err}");
}

#[test]
fn a_path_that_is_no_model_says_what_a_model_is() {
    let dir = tempfile::tempdir().unwrap();
    let model = model_copy(&dir);
    std::fs::remove_file(model.join("config.json")).unwrap();
    for (path, why) in [
        (dir.path().join("modle"), "no such model directory"),
        (model.join("model.bpk"), "not a directory"),
        (
            model.clone(),
            "not a model directory: it holds no config.json",
        ),
    ] {
        let (code, err) = predict_with(&path);
        assert_eq!(code, Some(2), "{err}");
        assert!(
            err.contains(&format!("{}: {why}", path.display()))
                && err.contains("a model is a directory holding config.json and model.bpk"),
            "{err}"
        );
    }
}

/// The bundled model's prosody head, as a JSON value to damage.
fn bundled_head() -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("models/default/prosody.json");
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

#[test]
fn a_damaged_prosody_head_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let model = model_copy(&dir);
    let head = model.join("prosody.json");
    std::fs::write(&head, b"{\"labels\": [").unwrap();
    refused(&model, &["prosody.json"]);
    let mut reordered = bundled_head();
    reordered["labels"].as_array_mut().unwrap().swap(0, 1);
    std::fs::write(&head, reordered.to_string()).unwrap();
    refused(&model, &["prosody.json", "labels"]);
    let mut short = bundled_head();
    short["coef"][2].as_array_mut().unwrap().pop();
    std::fs::write(&head, short.to_string()).unwrap();
    refused(&model, &["prosody.json", "coefficients"]);
    // A head of an earlier version, which also read the clip's duration: the user is told how
    // to get a working model back.
    let mut earlier = bundled_head();
    earlier["features"]
        .as_array_mut()
        .unwrap()
        .insert(10, "duration_s".into());
    std::fs::write(&head, earlier.to_string()).unwrap();
    refused(&model, &["prosody.json", "other statistics", "ser prosody"]);
}

#[test]
fn the_prosody_head_is_saved_loaded_and_removed_with_the_model() {
    let dir = tempfile::tempdir().unwrap();
    let src = model_copy(&dir);
    std::fs::write(src.join("prosody.json"), bundled_head().to_string()).unwrap();
    let with_head = EmotionModel::load(&src).unwrap();
    assert_eq!(with_head.prosody().map(|h| h.weight), Some(0.6));
    let without = EmotionModel::load(model_copy(&tempfile::tempdir().unwrap())).unwrap();
    // A rising tone: the head changes the probabilities, and saving keeps them.
    let clip: Vec<f32> = (0..40_000)
        .map(|i| (i as f32 * (0.03 + i as f32 * 2e-7)).sin() * 0.3)
        .collect();
    let p = |m: &EmotionModel| {
        m.predict_clips(std::slice::from_ref(&clip))
            .remove(0)
            .probabilities
    };
    assert_ne!(p(&with_head), p(&without));
    let saved = dir.path().join("saved");
    with_head.save(&saved).unwrap();
    assert_eq!(p(&EmotionModel::load(&saved).unwrap()), p(&with_head));
    without.save(&saved).unwrap();
    assert!(
        !saved.join("prosody.json").exists(),
        "a stale head was left"
    );
    assert_eq!(p(&EmotionModel::load(&saved).unwrap()), p(&without));
}
