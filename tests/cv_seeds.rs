//! `ser cv --seeds A,B` cross-validates an ensemble: each fold trains one network per seed,
//! exactly the network `ser cv --seed A` (or `B`) trains, and is scored by the mean of their
//! probabilities, as `ser ensemble` combines models; `--keep-models` keeps each fold's
//! networks as model directories that score as the fold's record says.

mod common;

use std::path::Path;
use std::process::{Command, Output};

use ser_train::calibration::softmax_rows;
use serde_json::{json, Value};

/// `ser ensemble` of the bundled model twice: a two-network model whose card can take a CV.
fn two_network_model(dir: &Path) -> std::path::PathBuf {
    let ensemble = dir.join("ensemble");
    let default = common::root().join("models/default");
    let made = Command::new(env!("CARGO_BIN_EXE_ser"))
        .arg("ensemble")
        .args([&default, &default])
        .arg("--out")
        .arg(&ensemble)
        .output()
        .unwrap();
    succeeded(made);
    ensemble
}

/// `ser eval --format json` of `model` on the actors `actors` of the small run's corpus.
fn eval_on(small: &common::SmallRun, model: &Path, actors: &[&str]) -> Value {
    let corpus = tempfile::tempdir_in(small.dir.path()).unwrap();
    for actor in actors {
        let from = Path::new(&small.corpus).join(actor);
        std::os::unix::fs::symlink(from, corpus.path().join(actor)).unwrap();
    }
    let out = Command::new(env!("CARGO_BIN_EXE_ser"))
        .args(["eval", "--whole-clips", "--format", "json", "--model"])
        .arg(model)
        .arg("--data")
        .arg(corpus.path())
        .output()
        .unwrap();
    serde_json::from_str(&succeeded(out)).unwrap()
}

fn succeeded(run: Output) -> String {
    let log = String::from_utf8_lossy(&run.stderr);
    assert!(run.status.success(), "{log}");
    String::from_utf8_lossy(&run.stdout).into_owned()
}

/// A recorded clip's probabilities, by the softmax the calibration code uses.
fn probabilities(logits: &Value) -> Vec<f64> {
    let logits: Vec<f32> = serde_json::from_value(logits.clone()).unwrap();
    softmax_rows(&logits, logits.len(), 1.0)
        .into_iter()
        .map(f64::from)
        .collect()
}

#[test]
fn seeds_train_the_single_seed_networks_and_score_the_mean_of_their_probabilities() {
    let Some(small) = common::small_run(env!("CARGO_BIN_EXE_ser"), 2) else {
        return;
    };
    let dir = &small.dir;
    // Networks alone: with a prosody head the recorded logits would hold it besides the mean.
    let mut config = common::read_json(Path::new(&small.config));
    config["prosody_weight"] = json!(0.0);
    std::fs::write(&small.config, config.to_string()).unwrap();
    let run = |name: &str, extra: &[&str]| {
        let out = dir.path().join(name);
        let stdout = succeeded(small.cv(&out, extra));
        (common::read_json(&out.join("cv.json")), stdout)
    };
    let (alone_3, _) = run("seed-3", &["--seed", "3"]);
    let (alone_5, _) = run("seed-5", &["--seed", "5"]);
    // In child processes, so the options travel to them too; recorded in an ensemble's card.
    let ensemble = two_network_model(dir.path());
    let kept = dir.path().join("kept");
    let options = [
        "--card",
        ensemble.to_str().unwrap(),
        "--keep-models",
        kept.to_str().unwrap(),
    ];
    let (both, stdout) = run(
        "seeds-3-5",
        &[&options[..], &["--seeds", "3,5", "--jobs", "2"]].concat(),
    );
    assert_eq!(both["seeds"], json!([3, 5]));
    assert_eq!(both["summary"]["seeds"], json!([3, 5]));
    assert_eq!(alone_3["seeds"], json!([3]));
    assert_eq!(both["config"]["seed"], 3);

    let folds = |doc: &Value| doc["folds"].as_array().unwrap().clone();
    let mut members_differ = false;
    for ((fold, one), other) in folds(&both)
        .iter()
        .zip(folds(&alone_3))
        .zip(folds(&alone_5))
    {
        let members = fold["members"].as_array().unwrap();
        assert_eq!(members.len(), 2);
        // Each network is the one its seed trains alone: same epochs, same test scores.
        for (member, (alone, seed)) in members.iter().zip([(&one, 3), (&other, 5)]) {
            assert_eq!(member["seed"], seed);
            assert_eq!(member["best_epoch"], alone["best_epoch"]);
            assert_eq!(
                common::epochs_without_timings(&member["history"]),
                common::epochs_without_timings(&alone["history"])
            );
            assert_eq!(member["test"], alone["test"]);
        }
        let clips = fold["test_clips"].as_array().unwrap();
        let (clips_3, clips_5) = (
            one["test_clips"].as_array().unwrap(),
            other["test_clips"].as_array().unwrap(),
        );
        assert_eq!(clips.len(), clips_3.len());
        let mut correct = 0;
        for ((clip, a), b) in clips.iter().zip(clips_3).zip(clips_5) {
            assert_eq!(clip["path"], a["path"]);
            let (pa, pb) = (probabilities(&a["logits"]), probabilities(&b["logits"]));
            members_differ |= pa.iter().zip(&pb).any(|(x, y)| (x - y).abs() > 0.01);
            // The ensemble's logits are the log of its members' mean probability.
            let logits: Vec<f64> = serde_json::from_value(clip["logits"].clone()).unwrap();
            for ((l, x), y) in logits.iter().zip(&pa).zip(&pb) {
                assert!((l.exp() - (x + y) / 2.0).abs() < 1e-4, "{clip} {a} {b}");
            }
            correct += usize::from(clip["label"] == clip["predicted"]);
        }
        let accuracy = fold["test"]["accuracy"].as_f64().unwrap();
        assert!((correct as f64 / clips.len() as f64 - accuracy).abs() < 1e-9);
        assert!(
            stdout.contains(&format!("fold {}: test accuracy", fold["fold"])),
            "{stdout}"
        );
    }
    assert!(members_differ, "the two seeds trained the same network");

    // Each fold's kept networks, alone and combined, score its test actors as recorded (clips
    // whole, as `ser cv` scores them), and record the speakers they heard (what a teacher of
    // the same fold is checked by).
    for (fold, actors) in [(1, ["Actor_01", "Actor_02"]), (2, ["Actor_03", "Actor_04"])] {
        let record = &folds(&both)[fold - 1];
        let model = kept.join(format!("fold{fold}"));
        let scores = eval_on(&small, &model, &actors);
        assert_eq!(
            scores["confusion"], record["test"]["confusion"],
            "fold {fold}"
        );
        assert_eq!(
            scores["accuracy"], record["test"]["accuracy"],
            "fold {fold}"
        );
        for (alone, seed) in [(&alone_3, 3), (&alone_5, 5)] {
            let member = model.join(format!("members/seed-{seed}"));
            let scores = eval_on(&small, &member, &actors);
            assert_eq!(
                scores["confusion"],
                folds(alone)[fold - 1]["test"]["confusion"]
            );
            let metrics = common::read_json(&member.join("metrics.json"));
            assert_eq!(metrics["split"], record["split"]);
            assert_eq!(metrics["config"]["seed"], seed);
        }
        let metrics = common::read_json(&model.join("metrics.json"));
        assert_eq!(metrics["members"].as_array().unwrap().len(), 2);
    }
    assert!(stdout.contains("networks alone: seed 3 "), "{stdout}");
    let text = std::fs::read_to_string(ensemble.join("MODEL.md")).unwrap();
    assert!(
        text.contains("an ensemble of 2 networks (seeds 3, 5)"),
        "{text}"
    );
    // The temperature fitted across the folds' test speakers, for this recipe's model.
    let t = both["summary"]["temperature"].as_f64().unwrap();
    assert!(
        text.contains(&format!("fitted on all folds it is {t:.3}")),
        "{text}"
    );
    let metrics = common::read_json(&ensemble.join("metrics.json"));
    assert_eq!(metrics["cross_validation"]["seeds"], json!([3, 5]));
    assert_eq!(metrics["cross_validation"]["temperature"], json!(t));
    assert_eq!(
        metrics["cross_validation"]["accuracy"],
        json!(folds(&both)
            .iter()
            .map(|f| f["test"]["accuracy"].clone())
            .collect::<Vec<_>>())
    );

    // A resumed run must be the same ensemble: other seeds are refused.
    let out = dir.path().join("seeds-3-5");
    let resumed = small.cv(&out, &["--seeds", "5,3", "--resume"]);
    assert!(!resumed.status.success());
    assert!(
        String::from_utf8_lossy(&resumed.stderr).contains("seeds or split of the speakers"),
        "{}",
        String::from_utf8_lossy(&resumed.stderr)
    );
}

#[test]
fn a_card_takes_only_a_cross_validation_of_as_many_networks_and_seeds_are_checked() {
    let Some(small) = common::small_run(env!("CARGO_BIN_EXE_ser"), 1) else {
        return;
    };
    let dir = &small.dir;
    let ensemble = two_network_model(dir.path());
    let card = ensemble.join("MODEL.md");
    let before = std::fs::read_to_string(&card).unwrap();
    assert!(
        before.contains("No cross-validation has been recorded"),
        "{before}"
    );

    // One network per fold (no --seeds), or three, is not this two-network model's CV: refused
    // before anything trains, and the card is left as it was.
    for extra in [&["--seed", "4"][..], &["--seeds", "1,2,3"]] {
        let out = dir.path().join("refused");
        let mut args = vec!["--card", ensemble.to_str().unwrap()];
        args.extend_from_slice(extra);
        let run = small.cv(&out, &args);
        let log = String::from_utf8_lossy(&run.stderr);
        assert_eq!(run.status.code(), Some(2), "{log}");
        assert!(log.contains("a model of 2 network(s)"), "{log}");
        assert!(!out.join("cv.json").exists());
    }
    assert_eq!(std::fs::read_to_string(&card).unwrap(), before);

    // --seed and --seeds together, or a seed named twice, are refused as well.
    for args in [&["--seed", "4", "--seeds", "1,2"][..], &["--seeds", "7,7"]] {
        let run = small.cv(&dir.path().join("refused"), args);
        assert_eq!(run.status.code(), Some(2), "{args:?}");
    }
}
