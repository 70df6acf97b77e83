//! `ser train --seeds A,B` trains one network per seed, each exactly the model `ser train
//! --seed A` makes, keeps each as a model directory of its own and combines them into one model
//! that predicts the mean of their probabilities; `--resume` keeps the networks already trained.

mod common;

use std::path::Path;
use std::process::Output;

use ser_model::EmotionModel;

fn succeeded(run: Output) -> String {
    let log = String::from_utf8_lossy(&run.stderr).into_owned();
    assert!(run.status.success(), "{log}");
    log
}

/// metrics.json's history without the epochs' timings, and its best epoch.
fn training_record(model: &Path) -> (Vec<serde_json::Value>, u64) {
    let metrics = common::read_json(&model.join("metrics.json"));
    (
        common::epochs_without_timings(&metrics["history"]),
        metrics["best_epoch"].as_u64().unwrap(),
    )
}

#[test]
fn seeds_make_an_ensemble_of_the_single_seed_models_and_resume_keeps_finished_ones() {
    let Some(small) = common::small_run(env!("CARGO_BIN_EXE_ser"), 2) else {
        return;
    };
    let dir = small.dir.path();
    let (pair, alone) = (dir.join("pair"), dir.join("alone-5"));
    succeeded(small.train(&pair, &["--seeds", "3,5"]));
    succeeded(small.train(&alone, &["--seed", "5"]));

    // Each network is a complete model of its own, trained as `--seed S` trains it.
    let member = |seed: u64| pair.join("members").join(format!("seed-{seed}"));
    for seed in [3, 5] {
        for file in [
            "config.json",
            "model.bpk",
            "MODEL.md",
            "metrics.json",
            "curves.svg",
        ] {
            assert!(member(seed).join(file).is_file(), "seed {seed}: {file}");
        }
        assert!(!member(seed).join("checkpoint").exists());
        let metrics = common::read_json(&member(seed).join("metrics.json"));
        assert_eq!(metrics["config"]["seed"], seed);
    }
    assert_eq!(training_record(&member(5)), training_record(&alone));

    // The combined model averages the members' probabilities, and keeps the prosody head that
    // both members learned alike from the same clips.
    let model = EmotionModel::load(&pair).unwrap();
    assert_eq!(model.config().members, 2);
    let members = [3, 5].map(|seed| EmotionModel::load(member(seed)).unwrap());
    assert!(model.prosody().is_some());
    assert_eq!(model.prosody(), members[0].prosody());
    assert_eq!(model.prosody(), members[1].prosody());
    // The networks alone: the mean of the members' probabilities.
    let model = model.without_prosody();
    let members = members.map(EmotionModel::without_prosody);
    let clip: Vec<f32> = (0..40_000)
        .map(|i| (i as f32 * 0.05).sin() * (i as f32 * 0.0007).cos() * 0.3)
        .collect();
    let predict = |m: &EmotionModel| m.predict_clips(std::slice::from_ref(&clip)).remove(0);
    let (p, a, b) = (predict(&model), predict(&members[0]), predict(&members[1]));
    for (((label, x), (_, y)), (_, z)) in p
        .probabilities
        .iter()
        .zip(&a.probabilities)
        .zip(&b.probabilities)
    {
        assert!(
            (x - (y + z) / 2.0).abs() < 1e-5,
            "{label}: {x} against the members' mean of {y} and {z}"
        );
    }
    let card = std::fs::read_to_string(pair.join("MODEL.md")).unwrap();
    assert!(card.contains("ensemble of 2 networks"), "{card}");
    assert!(card.contains("--seeds 3,5"), "{card}");
    assert!(card.contains("members/seed-5"), "{card}");

    // Interrupted after the first network: --resume keeps it and trains the second.
    let first_weights = std::fs::read(member(3).join("model.bpk")).unwrap();
    let first_modified = std::fs::metadata(member(3).join("model.bpk"))
        .unwrap()
        .modified()
        .unwrap();
    std::fs::remove_dir_all(member(5)).unwrap();
    std::fs::remove_file(pair.join("config.json")).unwrap();
    let log = succeeded(small.train(&pair, &["--seeds", "3,5", "--resume"]));
    assert_eq!(
        log.matches("already trained with this configuration")
            .count(),
        1,
        "{log}"
    );
    let kept = std::fs::metadata(member(3).join("model.bpk")).unwrap();
    assert_eq!(kept.modified().unwrap(), first_modified);
    assert_eq!(training_record(&member(5)), training_record(&alone));
    assert_eq!(
        predict(&EmotionModel::load(&pair).unwrap().without_prosody()).probabilities,
        p.probabilities
    );

    // Another configuration trains every network again.
    let log = succeeded(small.train(&pair, &["--seeds", "3,5", "--resume", "--epochs", "1"]));
    assert!(!log.contains("already trained"), "{log}");
    assert_ne!(
        std::fs::read(member(3).join("model.bpk")).unwrap(),
        first_weights
    );
    assert_eq!(training_record(&member(3)).0.len(), 1);

    // Other seeds into the same directory: the network of the seed no longer named goes.
    succeeded(small.train(&pair, &["--seeds", "3,7", "--resume", "--epochs", "1"]));
    assert!(member(3).join("model.bpk").is_file() && member(7).join("model.bpk").is_file());
    assert!(
        !member(5).exists(),
        "seed 5 left beside an ensemble of seeds 3 and 7"
    );
    // A single network written over the ensemble leaves no members beside it.
    succeeded(small.train(&pair, &["--seed", "5", "--epochs", "1"]));
    assert!(!pair.join("members").exists());
    assert_eq!(EmotionModel::load(&pair).unwrap().config().members, 1);
}

#[test]
fn seed_lists_that_make_no_ensemble_are_refused_before_training() {
    let Some(small) = common::small_run(env!("CARGO_BIN_EXE_ser"), 2) else {
        return;
    };
    let out = small.dir.path().join("never");
    for (extra, why) in [
        (&["--seeds", "3"][..], "at least two seeds"),
        (&["--seeds", "3,5,3"][..], "names 3 twice"),
        (
            &["--seeds", "3,5", "--seed", "1"][..],
            "cannot be used with",
        ),
    ] {
        let run = small.train(&out, extra);
        let log = String::from_utf8_lossy(&run.stderr);
        assert_eq!(run.status.code(), Some(2), "{extra:?}: {log}");
        assert!(log.contains(why), "{extra:?}: {log}");
        assert!(!out.exists(), "{extra:?} wrote {}", out.display());
    }
}
