//! Training on real clips: a loss that falls, overfitting a handful of clips, determinism,
//! save → load → identical predictions, probabilities that sum to 1, and learning from a
//! teacher.

mod common;

use std::path::Path;

use ser_model::{EmotionModel, NetworkConfig};
use ser_train::augment::AugmentConfig;
use ser_train::calibration::softmax_rows;
use ser_train::data::Example;
use ser_train::dataset::{load_dataset, parse_ravdess_name, Dataset};
use ser_train::distillation::DistillConfig;
use ser_train::evaluation::{evaluate, Evaluation};
use ser_train::train_config::TrainConfig;
use ser_train::trainer::{train, RunOptions};

/// A tiny network and no augmentation: small enough to overfit 16 clips in seconds.
fn tiny_config(epochs: usize) -> TrainConfig {
    TrainConfig {
        epochs,
        batch_size: 8,
        learning_rate: 1e-2,
        weight_decay: 0.0,
        patience: epochs,
        class_weights: false,
        augment: AugmentConfig::none(),
        network: NetworkConfig {
            conv_channels: vec![4, 8],
            lstm_hidden: 16,
            dropout: 0.0,
            ..NetworkConfig::default()
        },
        ..TrainConfig::default()
    }
}

/// Actor 1's first four clips of four emotions (16 clips).
fn handful(data: &Path) -> (Dataset, Vec<Example>) {
    let mut ds = load_dataset(&data.join("ravdess/Actor_01"), None).unwrap();
    let keep = ["neutral", "happy", "sad", "angry"];
    ds.clips.retain(|c| keep.contains(&c.label.as_str()));
    let mut per_label = std::collections::HashMap::new();
    ds.clips.retain(|c| {
        let n = per_label.entry(c.label.clone()).or_insert(0);
        *n += 1;
        *n <= 4
    });
    ds.labels.retain(|l| keep.contains(&l.as_str()));
    let (examples, failed) =
        ser_train::data::load_examples(&ds, &ds.clips, &tiny_config(1).audio, None, false);
    assert!(failed.is_empty(), "{failed:?}");
    assert_eq!(examples.len(), 16);
    (ds, examples)
}

/// A model's loss, logits and scores on `clips`, as prediction reads them.
fn scored(model: &EmotionModel, clips: &[Example]) -> Evaluation {
    evaluate(model, clips, 8)
}

/// Trainings in this process take turns: the CPU device's random generator (weight
/// initialisation) is one per process, so two trainings at once would draw each other's numbers
/// and the same seed would not give the same model.
static ONE_TRAINING_AT_A_TIME: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// Waits for this test's turn to train (a failed test before it does not block the rest).
fn take_turn() -> std::sync::MutexGuard<'static, ()> {
    ONE_TRAINING_AT_A_TIME
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

fn quiet() -> RunOptions<'static> {
    RunOptions {
        checkpoint_dir: None,
        resume: false,
        progress: false,
        device: ser_model::cpu(),
    }
}

#[test]
fn overfits_a_handful_of_real_clips_and_loss_falls() {
    let Some(data) = common::data_dir() else {
        return;
    };
    let (ds, examples) = handful(&data);
    let _turn = take_turn();
    let outcome = train(&tiny_config(60), &ds.labels, &examples, &examples, &quiet()).unwrap();
    let first = outcome.history.first().unwrap().train_loss;
    let last = outcome.history.last().unwrap().train_loss;
    assert!(last < first * 0.5, "loss {first} → {last}");
    assert_eq!(
        outcome.model.temperature(),
        1.0,
        "a temperature is fitted only when asked"
    );
    let scores = scored(&outcome.model, &examples).scores;
    assert_eq!(
        scores.accuracy, 1.0,
        "training clips not memorised: {:?}",
        scores.confusion
    );
}

#[test]
fn label_smoothing_puts_a_floor_under_the_loss() {
    let Some(data) = common::data_dir() else {
        return;
    };
    let (ds, examples) = handful(&data);
    // With ε = 0.3 and 4 labels the target of a clip is 0.775 for its label and 0.075 for
    // each other: no prediction scores below that distribution's entropy, about 0.780 nats
    // (without smoothing the loss of memorised clips heads to 0).
    let eps = 0.3;
    let target = [1.0 - eps + eps / 4.0, eps / 4.0, eps / 4.0, eps / 4.0];
    let floor: f64 = target.iter().map(|p| -p * f64::ln(*p)).sum();
    let cfg = TrainConfig {
        label_smoothing: eps,
        ..tiny_config(60)
    };
    let _turn = take_turn();
    let outcome = train(&cfg, &ds.labels, &examples, &examples, &quiet()).unwrap();
    let losses: Vec<f64> = outcome.history.iter().map(|h| h.train_loss).collect();
    assert!(
        losses.iter().all(|&l| l >= floor - 1e-3),
        "loss below the smoothed floor {floor:.3}: {losses:?}"
    );
    let last = *losses.last().unwrap();
    assert!(
        last < floor + 0.1,
        "memorising the clips should bring the loss near {floor:.3}, got {last:.3}"
    );
}

#[test]
fn same_seed_same_model_and_save_load_round_trip() {
    let Some(data) = common::data_dir() else {
        return;
    };
    let (ds, examples) = handful(&data);
    // Every augmentation on, mixup too, so each random draw is covered by the seed; a
    // temperature fitted, to check predictions use it; and statistics pooling and delta
    // channels, whose wider classifier and first block the loaded model must rebuild from its
    // configuration.
    let cfg = TrainConfig {
        augment: AugmentConfig {
            mixup_alpha: 0.4,
            ..AugmentConfig::default()
        },
        fit_temperature: true,
        network: NetworkConfig {
            pool_std: true,
            deltas: true,
            ..tiny_config(3).network
        },
        ..tiny_config(3)
    };
    let _turn = take_turn();
    let a = train(&cfg, &ds.labels, &examples, &examples, &quiet()).unwrap();
    let b = train(&cfg, &ds.labels, &examples, &examples, &quiet()).unwrap();
    let clips: Vec<Vec<f32>> = ds
        .clips
        .iter()
        .map(|c| a.model.hear_file(&c.path).unwrap().samples)
        .collect();
    let pa = a.model.predict_clips(&clips);
    assert_eq!(
        pa,
        b.model.predict_clips(&clips),
        "same seed, different model"
    );
    for p in &pa {
        let sum: f32 = p.probabilities.iter().map(|(_, v)| v).sum();
        assert!((sum - 1.0).abs() < 1e-5, "probabilities sum to {sum}");
        assert_eq!(p.probabilities.len(), 4);
    }
    // Confidences come at the temperature fitted on the validation clips. Those scored network
    // and prosody head together, so the head carries it; the network alone keeps 1.
    let t = a.model.temperature();
    assert_eq!(t, a.calibration.as_ref().unwrap().temperature);
    assert_eq!(a.model.prosody().unwrap().temperature, Some(t));
    assert_eq!(a.model.config().temperature, 1.0);
    assert!(
        t != 1.0 && t.is_finite() && t > 0.0,
        "temperature {t} not fitted"
    );
    let logits = scored(&a.model, &examples).logits;
    let expected = softmax_rows(&logits, 4, t);
    for (p, want) in pa.iter().zip(expected.chunks(4)) {
        for ((_, got), want) in p.probabilities.iter().zip(want) {
            assert!(
                (got - want).abs() < 1e-4,
                "{got} vs softmax(logits / {t}) = {want}"
            );
        }
    }
    let dir = tempfile::tempdir().unwrap();
    a.model.save(dir.path()).unwrap();
    let loaded = EmotionModel::load(dir.path()).unwrap();
    assert_eq!(
        loaded.predict_clips(&clips),
        pa,
        "save → load changed predictions"
    );
    assert_eq!(loaded.labels(), ds.labels.as_slice());
}

#[test]
fn averaging_only_the_last_epoch_keeps_the_last_epochs_weights() {
    let Some(data) = common::data_dir() else {
        return;
    };
    let (ds, examples) = handful(&data);
    // Validation on clips of their own, so that epochs score differently.
    let (train_side, valid_side) = examples.split_at(8);
    let cfg = TrainConfig {
        average_last_epochs: 1,
        ..tiny_config(6)
    };
    let _turn = take_turn();
    let outcome = train(&cfg, &ds.labels, train_side, valid_side, &quiet()).unwrap();
    let last = outcome.history.last().unwrap();
    let best = &outcome.history[outcome.best_epoch - 1];
    assert_ne!(
        (best.valid_loss, best.epoch),
        (last.valid_loss, 6),
        "the best epoch must differ from the last for this test to mean anything"
    );
    // The kept network is scored on the validation clips again: as the last epoch was.
    let kept = scored(&outcome.model, valid_side);
    let last_loss = last.valid_loss.unwrap();
    assert!(
        (kept.loss - last_loss).abs() < 1e-5,
        "kept model's validation loss {} is not the last epoch's {last_loss}",
        kept.loss,
    );
}

#[test]
fn without_validation_clips_the_whole_schedule_runs_and_the_last_epoch_is_kept() {
    let Some(data) = common::data_dir() else {
        return;
    };
    let (ds, examples) = handful(&data);
    let (train_side, valid_side) = examples.split_at(8);
    let cfg = tiny_config(6);
    let _turn = take_turn();
    let validated = train(&cfg, &ds.labels, train_side, valid_side, &quiet()).unwrap();
    let blind = train(&cfg, &ds.labels, train_side, &[], &quiet()).unwrap();
    assert_eq!(blind.best_epoch, 6);
    assert_eq!(blind.history.len(), 6);
    assert!(blind.valid_scores.is_none() && blind.calibration.is_none());
    assert!(blind.history.iter().all(|e| e.valid_uar.is_none()));
    assert_eq!(blind.model.temperature(), 1.0);
    // Validating does not change training: the network kept without validation scores the
    // validation clips as the validated run's last epoch did.
    let last_loss = validated.history[5].valid_loss.unwrap();
    let kept = scored(&blind.model, valid_side);
    assert!(
        (kept.loss - last_loss).abs() < 1e-5,
        "kept network's validation loss {} is not the last epoch's {last_loss}",
        kept.loss
    );
    // Nothing could stop it early or fit a temperature: such configurations are refused.
    for cfg in [
        TrainConfig {
            patience: 3,
            ..tiny_config(6)
        },
        TrainConfig {
            fit_temperature: true,
            ..tiny_config(6)
        },
    ] {
        let err = train(&cfg, &ds.labels, train_side, &[], &quiet())
            .err()
            .expect("refused");
        assert!(err.to_string().contains("without validation"), "{err}");
    }
}

#[test]
fn bundled_model_predicts_a_shared_clip() {
    let Some(data) = common::data_dir() else {
        return;
    };
    let model = EmotionModel::bundled().unwrap();
    assert_eq!(model.labels().len(), 8);
    let p = model
        .predict_file(data.join("ravdess-wav/Actor_01/03-01-05-02-01-01-01.wav"))
        .unwrap();
    assert!(model.labels().contains(&p.label));
    assert!(p.confidence > 0.0 && p.confidence <= 1.0);
}

#[test]
fn a_speaker_adversary_changes_training_but_not_the_saved_model() {
    let Some(data) = common::data_dir() else {
        return;
    };
    let (ds, mut examples) = handful(&data);
    // Two "speakers" for the head to tell apart: the clips of each statement.
    for e in &mut examples {
        e.speaker = parse_ravdess_name(&e.path).unwrap().statement.to_string();
    }
    // With dropout, whose masks come from the device's generator: the head must not draw
    // from it, or the runs would differ by more than the reversed gradient.
    // Without a prosody head: fitted on the clips that also validate here, it would score
    // every epoch perfectly, so both runs would keep their first epoch.
    let plain = TrainConfig {
        network: NetworkConfig {
            dropout: 0.3,
            ..tiny_config(6).network
        },
        prosody_weight: 0.0,
        ..tiny_config(6)
    };
    let adversarial = TrainConfig {
        speaker_adversary: 1.0,
        ..plain.clone()
    };
    let _turn = take_turn();
    let a = train(&plain, &ds.labels, &examples, &examples, &quiet()).unwrap();
    let b = train(&adversarial, &ds.labels, &examples, &examples, &quiet()).unwrap();
    assert!(a.history.iter().all(|e| e.speaker_accuracy.is_none()));
    // Records of runs without the head read as before it existed: no speaker_accuracy key.
    let record = |h: &[ser_train::epoch_stats::EpochStats]| serde_json::to_string(h).unwrap();
    assert!(!record(&a.history).contains("speaker_accuracy"));
    assert!(record(&b.history).contains("speaker_accuracy"));
    assert!(
        b.history
            .iter()
            .all(|e| e.speaker_accuracy.is_some_and(|s| (0.0..=1.0).contains(&s))),
        "{:?}",
        b.history
    );
    let clips: Vec<Vec<f32>> = examples.iter().map(|e| e.wave.clone()).collect();
    let predicted = b.model.predict_clips(&clips);
    // Same seed, clips and dropout masks: only the reversed speaker gradient can make the
    // networks differ (the head's own weights come from a generator of their own).
    assert_ne!(a.model.predict_clips(&clips), predicted);
    // The head is not part of the model: the same network shape, saved and loaded as usual.
    assert_eq!(a.parameters, b.parameters);
    let dir = tempfile::tempdir().unwrap();
    b.model.save(dir.path()).unwrap();
    assert_eq!(
        EmotionModel::load(dir.path())
            .unwrap()
            .predict_clips(&clips),
        predicted
    );
    // One speaker gives the head nothing to learn: refused.
    for e in &mut examples {
        e.speaker = "one".to_string();
    }
    let err = train(&adversarial, &ds.labels, &examples, &examples, &quiet())
        .err()
        .expect("refused");
    assert!(err.to_string().contains("two training speakers"), "{err}");
}

#[test]
fn a_network_taught_by_a_teacher_alone_learns_the_teacher_and_not_the_labels() {
    let Some(data) = common::data_dir() else {
        return;
    };
    let (ds, examples) = handful(&data);
    let _turn = take_turn();
    // The teacher memorises the true labels (as `overfits_a_handful_of_real_clips...` shows).
    let teacher = train(&tiny_config(60), &ds.labels, &examples, &[], &quiet()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    teacher.model.save(dir.path()).unwrap();
    let taught = scored(&teacher.model, &examples);
    assert_eq!(taught.scores.accuracy, 1.0, "the teacher did not memorise");
    // The student is given wrong labels (each clip's class moved by one) and learns from the
    // teacher alone (weight 1): it must say what the teacher says.
    let wrong: Vec<Example> = examples
        .iter()
        .map(|e| Example {
            target: (e.target + 1) % 4,
            ..e.clone()
        })
        .collect();
    // The network alone: a prosody head would learn the wrong labels from the clips. Softened
    // targets take longer to learn than hard ones: at 60 epochs, students of seeds 1-7 agreed
    // on 13-16 clips (seed 7 on 13 once the DC filter rounded differently), at 120
    // on all 16, and none on any wrong label.
    let cfg = TrainConfig {
        seed: 7,
        distill: Some(DistillConfig {
            teacher: dir.path().to_path_buf(),
            weight: 1.0,
            temperature: 2.0,
        }),
        prosody_weight: 0.0,
        ..tiny_config(120)
    };
    let student = train(&cfg, &ds.labels, &wrong, &[], &quiet()).unwrap();
    // Scored against the true labels, which are what the teacher says.
    let said = scored(&student.model, &examples);
    assert!(
        said.scores.accuracy >= 15.0 / 16.0,
        "the student agrees with its teacher on {} of 16 clips",
        said.scores.accuracy * 16.0
    );
}
