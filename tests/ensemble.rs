//! `ser ensemble`: a model of several networks predicts the mean of their probabilities, saves
//! and loads as one directory, and refuses members that are not alike.

mod common;

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use ser_model::{EmotionModel, Network};
use serde_json::Value;

fn ser() -> Command {
    Command::cargo_bin("ser").unwrap()
}

fn bundled_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("models/default")
}

/// `network` alone (no prosody head) as a model of the bundled configuration (temperature 1:
/// the bundled one is its head's), saved as `dir/name`.
fn network_model(dir: &Path, name: &str, network: Network) -> PathBuf {
    let config = EmotionModel::bundled().unwrap().config().clone();
    let out = dir.join(name);
    EmotionModel::from_network(config, network)
        .unwrap()
        .save(&out)
        .unwrap();
    out
}

/// A model of freshly initialised weights (see [`network_model`]): a second member whose
/// probabilities differ from the bundled network's.
fn untrained_model(dir: &Path) -> PathBuf {
    let network =
        EmotionModel::fresh_network(EmotionModel::bundled().unwrap().config(), &ser_model::cpu());
    network_model(dir, "untrained", network)
}

/// Runs `cmd` and returns its standard output, failing the test with its errors if it fails.
fn succeed(cmd: &mut Command) -> Vec<u8> {
    let out = cmd.output().unwrap();
    common::assert_succeeded(&out);
    out.stdout
}

/// `ser predict --format json` of one file: its label → probability map.
fn probabilities(model: &Path, clip: &Path) -> serde_json::Map<String, Value> {
    let answer = common::predict_json(env!("CARGO_BIN_EXE_ser"), Some(model), clip);
    answer["probabilities"].as_object().unwrap().clone()
}

#[test]
fn an_ensemble_predicts_the_mean_of_its_members_probabilities() {
    let dir = tempfile::tempdir().unwrap();
    // 1 s of synthetic syllables: within the model's 3 s window, so no pooling over windows
    // comes in between.
    let clip = common::fixture("speechlike.wav");
    // The bundled network without its prosody head (and so at temperature 1: the ensemble's
    // probabilities are the mean of its members' raw ones, then at the model's temperature),
    // and an untrained one: the mean is the networks' own.
    let bundled = EmotionModel::bundled().unwrap().ensemble().networks()[0].clone();
    let a = network_model(dir.path(), "bundled-network", bundled);
    let b = untrained_model(dir.path());
    let both = dir.path().join("both");
    succeed(ser().arg("ensemble").args([&a, &b]).arg("--out").arg(&both));
    assert!(!both.join("prosody.json").exists());
    for file in [
        "config.json",
        "model.bpk",
        "model.2.bpk",
        "MODEL.md",
        "metrics.json",
    ] {
        assert!(both.join(file).is_file(), "{file} missing");
    }
    let card = std::fs::read_to_string(both.join("MODEL.md")).unwrap();
    assert!(card.contains("ensemble of 2 networks"), "{card}");
    assert!(card.contains("## Model 2:"), "{card}");

    let (pa, pb, pe) = (
        probabilities(&a, &clip),
        probabilities(&b, &clip),
        probabilities(&both, &clip),
    );
    let mut largest_gap: f64 = 0.0;
    for (label, p) in &pe {
        let (x, y) = (pa[label].as_f64().unwrap(), pb[label].as_f64().unwrap());
        largest_gap = largest_gap.max((x - y).abs());
        let mean = (x + y) / 2.0;
        assert!(
            (p.as_f64().unwrap() - mean).abs() < 1e-4,
            "{label}: {p} against the members' mean {mean}"
        );
    }
    assert!(largest_gap > 0.01, "members too alike: {largest_gap}");
}

#[test]
fn an_ensemble_saves_and_loads_with_identical_predictions() {
    let dir = tempfile::tempdir().unwrap();
    let members = vec![
        EmotionModel::bundled().unwrap(),
        EmotionModel::load(untrained_model(dir.path())).unwrap(),
    ];
    let model = EmotionModel::combine(members).unwrap();
    assert_eq!(model.config().members, 2);
    model.save(dir.path().join("e")).unwrap();
    let loaded = EmotionModel::load(dir.path().join("e")).unwrap();
    assert_eq!(loaded.ensemble().networks().len(), 2);
    let clip: Vec<f32> = (0..48_000).map(|i| (i as f32 * 0.07).sin() * 0.2).collect();
    let (p, q) = (
        &model.predict_clips(std::slice::from_ref(&clip))[0],
        &loaded.predict_clips(&[clip])[0],
    );
    assert_eq!(p.label, q.label);
    for ((l, x), (_, y)) in p.probabilities.iter().zip(&q.probabilities) {
        assert!((x - y).abs() < 1e-6, "{l}: {x} against {y}");
    }
    // A one-network model saved over it leaves no second network's weights behind.
    let second = dir.path().join("e/model.2.bpk");
    assert!(second.exists());
    EmotionModel::bundled()
        .unwrap()
        .save(dir.path().join("e"))
        .unwrap();
    assert!(!second.exists(), "stale weights left beside the model");
    assert_eq!(
        EmotionModel::load(dir.path().join("e"))
            .unwrap()
            .config()
            .members,
        1
    );
}

#[test]
fn a_member_missing_its_weights_file_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let e = dir.path().join("e");
    EmotionModel::combine(vec![
        EmotionModel::bundled().unwrap(),
        EmotionModel::bundled().unwrap(),
    ])
    .unwrap()
    .save(&e)
    .unwrap();
    std::fs::remove_file(e.join("model.2.bpk")).unwrap();
    let err = EmotionModel::load(&e)
        .err()
        .expect("loaded without model.2.bpk");
    assert!(err.to_string().contains("model.2.bpk"), "{err}");
}

#[test]
fn models_that_differ_in_more_than_weights_are_refused_and_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let other = untrained_model(dir.path());
    let path = other.join("config.json");
    let mut config: Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    config["labels"][0] = "bored".into();
    std::fs::write(&path, serde_json::to_vec(&config).unwrap()).unwrap();
    let out_dir = dir.path().join("never");
    let out = ser()
        .arg("ensemble")
        .arg(bundled_dir())
        .arg(&other)
        .arg("--out")
        .arg(&out_dir)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("model 2 differs from the first in: labels"),
        "{stderr}"
    );
    assert!(!out_dir.exists());
}

#[test]
fn weights_for_more_networks_than_the_config_names_are_refused() {
    let dir = bundled_dir();
    let config = std::fs::read(dir.join("config.json")).unwrap();
    let weights = std::fs::read(dir.join("model.bpk")).unwrap();
    let err = EmotionModel::from_bytes(&config, vec![weights.clone(), weights], "two")
        .err()
        .expect("two weights for a one-network config");
    assert!(
        err.to_string()
            .contains("names 1 network(s), but weights of 2 were given"),
        "{err}"
    );
}

#[test]
fn the_shipped_ensemble_holds_six_different_networks_interchangeable_with_the_bundled_one() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("models/ensemble");
    let ensemble = EmotionModel::load(&dir).unwrap();
    let bundled = EmotionModel::bundled().unwrap();
    let n = ensemble.config().members;
    assert_eq!(n, 6);
    // Interchangeable with the bundled model: same labels, audio preparation, features and
    // temperature. With their heads the temperatures differ: each is fitted to its own logits
    // (the bundled network with its head is surer than it is right at 1, the ensemble is not).
    let config = ser_model::ModelConfig {
        members: 1,
        ..ensemble.config().clone()
    };
    assert_eq!(&config, bundled.config());
    assert_eq!(ensemble.temperature(), 1.0);
    assert!(bundled.temperature() > 1.0);
    // Each member alone, as a model of one network.
    let member = |i: usize| {
        EmotionModel::from_network(config.clone(), ensemble.ensemble().networks()[i].clone())
            .unwrap()
    };
    let clip: Vec<f32> = (0..48_000)
        .map(|i| (i as f32 * 0.05).sin() * (i as f32 * 0.0007).sin() * 0.3)
        .collect();
    let predict = |m: &EmotionModel| m.predict_clips(std::slice::from_ref(&clip)).remove(0);
    let members: Vec<_> = (0..n).map(|i| predict(&member(i)).probabilities).collect();
    // The bundled network is taught by the first member and is not one of the six (compared as
    // a network alone, at the members' temperature).
    let bundled_network = bundled.without_prosody();
    assert!(!members.contains(&predict(&bundled_network).probabilities));
    for i in 0..n {
        for j in i + 1..n {
            assert_ne!(members[i], members[j], "networks {i} and {j}");
        }
    }
}

#[test]
fn a_prosody_head_that_all_members_share_stays_and_differing_ones_go() {
    let dir = tempfile::tempdir().unwrap();
    let clip = common::fixture("speechlike.wav");
    // The bundled model twice: the same networks and the same head, so the same answer.
    let twice = dir.path().join("twice");
    succeed(
        ser()
            .arg("ensemble")
            .args([bundled_dir(), bundled_dir()])
            .arg("--out")
            .arg(&twice),
    );
    assert_eq!(
        std::fs::read(twice.join("prosody.json")).unwrap(),
        std::fs::read(bundled_dir().join("prosody.json")).unwrap()
    );
    let (alone, pair) = (
        probabilities(&bundled_dir(), &clip),
        probabilities(&twice, &clip),
    );
    for (label, p) in &pair {
        let q = alone[label].as_f64().unwrap();
        assert!(
            (p.as_f64().unwrap() - q).abs() < 1e-5,
            "{label}: {p} vs {q}"
        );
    }
    // With a member that has no head, the ensemble has none.
    let mixed = dir.path().join("mixed");
    let untrained = untrained_model(dir.path());
    succeed(
        ser()
            .arg("ensemble")
            .args([bundled_dir(), untrained])
            .arg("--out")
            .arg(&mixed),
    );
    assert!(!mixed.join("prosody.json").exists());
}
