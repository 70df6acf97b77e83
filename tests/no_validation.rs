//! `--valid-speakers 0`: every speaker trains, the whole schedule runs and the last epoch's
//! weights are kept, in `ser train` (a complete model directory that says so) and `ser cv`
//! (each fold trained on all its non-test speakers).

mod common;

use ser_model::EmotionModel;

#[test]
fn train_and_cv_without_validation_speakers_keep_the_last_epoch() {
    let Some(small) = common::small_run(env!("CARGO_BIN_EXE_ser"), 2) else {
        return;
    };
    let dir = small.dir.path();
    let model_dir = dir.join("model");
    let run = small.train(&model_dir, &["--valid-speakers", "0"]);
    common::assert_succeeded(&run);

    let metrics = common::read_json(&model_dir.join("metrics.json"));
    assert_eq!(metrics["best_epoch"], 2);
    assert!(metrics["validation"].is_null());
    assert_eq!(
        metrics["split"]["train_speakers"].as_array().unwrap().len(),
        4
    );
    assert!(metrics["split"]["valid_speakers"]
        .as_array()
        .unwrap()
        .is_empty());
    assert!(model_dir.join("curves.svg").is_file());
    // No validation speakers, so no validation confusion matrix.
    assert!(!model_dir.join("confusion.svg").exists());
    let card = std::fs::read_to_string(model_dir.join("MODEL.md")).unwrap();
    assert!(card.contains("Validation speakers (choose the epoch whose weights are kept): none"));
    assert!(card.contains("keeping the last epoch's weights"), "{card}");
    let model = EmotionModel::load(&model_dir).unwrap();
    let clip: Vec<f32> = (0..40_000).map(|i| (i as f32 * 0.05).sin() * 0.3).collect();
    let p = model.predict_clips(&[clip]).remove(0);
    let total: f32 = p.probabilities.iter().map(|(_, q)| q).sum();
    assert!((total - 1.0).abs() < 1e-4, "{total}");

    let cv = dir.join("cv");
    let run = small.cv(&cv, &["--valid-speakers", "0"]);
    common::assert_succeeded(&run);
    let folds = common::read_json(&cv.join("cv.json"))["folds"].clone();
    for fold in folds.as_array().unwrap() {
        // Two folds of two actors: the other fold's two actors train, none validate.
        assert_eq!(fold["split"]["train_speakers"].as_array().unwrap().len(), 2);
        assert!(fold["split"]["valid_speakers"]
            .as_array()
            .unwrap()
            .is_empty());
        assert_eq!(fold["best_epoch"], 2);
        assert!(fold["history"][1]["valid_uar"].is_null());
    }
}

#[test]
fn training_without_validation_speakers_refuses_early_stopping() {
    let Some(small) = common::small_run(env!("CARGO_BIN_EXE_ser"), 2) else {
        return;
    };
    // The small configuration's patience is 2: of 4 epochs it could stop the last.
    let out = small.dir.path().join("model");
    let run = small.train(&out, &["--valid-speakers", "0", "--epochs", "4"]);
    assert_eq!(run.status.code(), Some(2));
    let log = String::from_utf8_lossy(&run.stderr);
    assert!(
        log.contains("without validation clips") && log.contains("patience (2)"),
        "{log}"
    );
    assert!(!out.join("model.bpk").exists());
}
