//! `models/telephone`, the model for phone audio, ships beside the bundled one: it prepares
//! audio exactly as the bundled model does (a user changes nothing but `--model`), its recipe is
//! the bundled one's with the phone line on every training clip and no room (joined utterances
//! included, which calls are made of), and it answers a call recorded at 8 kHz.

mod common;

use std::path::PathBuf;

use ser_model::EmotionModel;
use ser_train::train_config::TrainConfig;
use serde_json::Value;

fn phone_model() -> PathBuf {
    common::root().join("models/telephone")
}

#[test]
fn the_phone_model_is_the_bundled_recipe_with_the_phone_line_on_every_training_clip_and_no_room() {
    let model = EmotionModel::load(phone_model()).unwrap();
    // Same labels, audio preparation, features, network shape and temperature as the bundled
    // model (whose head carries its own, fitted on the bundled network's cross-validation).
    assert_eq!(model.config(), EmotionModel::bundled().unwrap().config());
    assert_eq!(model.temperature(), 1.0);
    // A prosody head as the bundled model's, fitted on the same clips under the same recording
    // conditions, phone line included (experiments/2026-12-05-telephone-head).
    let head = model
        .prosody()
        .expect("the phone model carries a prosody head");
    assert_eq!(head.weight, 0.6);
    assert!(head.fitted_on.contains("phone line"), "{}", head.fitted_on);
    // Read as configurations, so that a field added since the bundled model was trained
    // compares by its default.
    let recipe = |metrics: Value| -> TrainConfig {
        serde_json::from_value(metrics["config"].clone()).unwrap()
    };
    let phone = recipe(common::read_json(&phone_model().join("metrics.json")));
    let mut bundled = recipe(serde_json::from_str(ser_model::METRICS).unwrap());
    assert_eq!(phone.augment.telephone_prob, 1.0);
    assert_eq!(phone.augment.reverb_prob, 0.0);
    // Joined utterances as the bundled recipe has them (compared below with the rest).
    assert!(phone.augment.join_prob > 0.0);
    bundled.augment.telephone_prob = 1.0;
    bundled.augment.reverb_prob = 0.0;
    bundled.seed = phone.seed;
    // The bundled network learned from a teacher as well; the phone network from labels alone.
    assert!(bundled.distill.is_some());
    bundled.distill = None;
    assert_eq!(
        phone, bundled,
        "anything else differs from the bundled recipe"
    );
}

#[test]
fn a_call_recorded_at_8_khz_gets_an_emotion_and_every_label_a_probability() {
    let Some(data) = common::data_dir() else {
        return;
    };
    // A RAVDESS clip as a phone line carries it: 8 kHz, 16-bit PCM.
    let dir = tempfile::tempdir().unwrap();
    let call = dir.path().join("call.wav");
    let file = std::io::BufWriter::new(std::fs::File::create(&call).unwrap());
    let mut recording = common::recording::Builder::new(file, 8000).unwrap();
    recording
        .clip(
            &data.join("ravdess/Actor_01/03-01-05-02-01-01-01.flac"),
            false,
        )
        .unwrap();
    recording.finish().unwrap();
    let answer = common::predict_json(env!("CARGO_BIN_EXE_ser"), Some(&phone_model()), &call);
    let labels = EmotionModel::load(phone_model()).unwrap().labels().to_vec();
    let probabilities = answer["probabilities"].as_object().unwrap();
    assert_eq!(probabilities.len(), labels.len());
    let label = answer["label"].as_str().unwrap();
    assert!(labels.iter().any(|l| l == label), "{label}");
    let sum: f64 = probabilities.values().map(|p| p.as_f64().unwrap()).sum();
    assert!((sum - 1.0).abs() < 1e-4, "probabilities sum to {sum}");
    assert_eq!(answer["confidence"], probabilities[label]);
}
