//! Training configuration files: a file holds only what differs from the defaults.
//!
//! `{"augment": {"mixup_alpha": 0.4}}` turns mixup on and keeps every other augmentation,
//! the network and the features as they are by default: each key the file leaves out, at any
//! depth, takes its default. A key the configuration does not have is an error rather than
//! silently ignored, so a misspelt `lerning_rate` cannot train with the default unnoticed.

use std::path::Path;

use serde_json::{Map, Value};

use crate::train_config::TrainConfig;

/// Reads a configuration from JSON text, filling every missing key with its default, and
/// checks it ([`TrainConfig::validate`]). `init`, when given (the command line's `--init`),
/// replaces the file's `init`. The defaults are [`TrainConfig::default`], or
/// [`TrainConfig::fine_tuning`] when the run starts from a trained model.
pub fn parse(text: &str, init: Option<&Path>) -> Result<TrainConfig, String> {
    let mut given: Value = serde_json::from_str(text).map_err(|e| format!("not JSON: {e}"))?;
    let Some(object) = given.as_object_mut() else {
        return Err("not a JSON object".into());
    };
    if let Some(init) = init {
        object.insert("init".into(), init.to_string_lossy().into());
    }
    let base = if object.get("init").is_some_and(|v| !v.is_null()) {
        TrainConfig::fine_tuning()
    } else {
        TrainConfig::default()
    };
    let mut merged = serde_json::to_value(base).expect("serialisable");
    overlay(&mut merged, given, "")?;
    let cfg: TrainConfig = serde_json::from_value(merged).map_err(|e| e.to_string())?;
    cfg.validate()?;
    Ok(cfg)
}

/// Writes `given` over `base`: objects key by key, anything else whole. `path` names the
/// place for errors (`augment.mixup_alpha`).
fn overlay(base: &mut Value, given: Value, path: &str) -> Result<(), String> {
    match (base, given) {
        (Value::Object(base), Value::Object(given)) => overlay_object(base, given, path),
        (base, given) => {
            *base = given;
            Ok(())
        }
    }
}

fn overlay_object(
    base: &mut Map<String, Value>,
    given: Map<String, Value>,
    path: &str,
) -> Result<(), String> {
    for (key, value) in given {
        let here = if path.is_empty() {
            key.clone()
        } else {
            format!("{path}.{key}")
        };
        let slot = base
            .get_mut(&key)
            .ok_or_else(|| format!("unknown key `{here}`"))?;
        overlay(slot, value, &here)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_keys_at_any_depth_take_their_defaults() {
        let cfg = parse(
            r#"{"epochs": 5, "augment": {"mixup_alpha": 0.4}, "network": {"lstm_hidden": 32}}"#,
            None,
        )
        .unwrap();
        let default = TrainConfig::default();
        assert_eq!(cfg.epochs, 5);
        assert_eq!(cfg.augment.mixup_alpha, 0.4);
        assert_eq!(cfg.augment.speed_factors, default.augment.speed_factors);
        assert_eq!(cfg.augment.noise_prob, default.augment.noise_prob);
        assert_eq!(cfg.network.lstm_hidden, 32);
        assert_eq!(cfg.network.conv_channels, default.network.conv_channels);
        assert_eq!(cfg.features, default.features);
        assert_eq!(parse("{}", None).unwrap(), default);
    }

    #[test]
    fn a_complete_configuration_reads_back_as_written() {
        let mut cfg = TrainConfig::default();
        cfg.augment.speed_factors.clear();
        cfg.audio.trim = None;
        cfg.features.top_db = None;
        let text = serde_json::to_string(&cfg).unwrap();
        assert_eq!(parse(&text, None).unwrap(), cfg);
    }

    #[test]
    fn a_teacher_is_given_whole_and_checked() {
        let cfg = parse(
            r#"{"distill": {"teacher": "t/fold{fold}", "weight": 0.5, "temperature": 2}}"#,
            None,
        )
        .unwrap();
        let distill = cfg.distill.unwrap();
        assert_eq!(distill.teacher, std::path::Path::new("t/fold{fold}"));
        assert_eq!((distill.weight, distill.temperature), (0.5, 2.0));
        let err = parse(r#"{"distill": {"teacher": "t", "weight": 0.5}}"#, None).unwrap_err();
        assert!(err.contains("temperature"), "{err}");
        let err = parse(
            r#"{"distill": {"teacher": "t", "weight": 0, "temperature": 2}}"#,
            None,
        )
        .unwrap_err();
        assert!(err.contains("distill.weight"), "{err}");
    }

    #[test]
    fn unknown_keys_and_bad_values_are_named() {
        let err = parse(r#"{"lerning_rate": 0.01}"#, None).unwrap_err();
        assert!(err.contains("`lerning_rate`"), "{err}");
        let err = parse(r#"{"augment": {"mixup": 0.4}}"#, None).unwrap_err();
        assert!(err.contains("`augment.mixup`"), "{err}");
        let err = parse(r#"{"epochs": "many"}"#, None).unwrap_err();
        assert!(err.contains("invalid type"), "{err}");
        let err = parse(r#"{"batch_size": 0}"#, None).unwrap_err();
        assert!(err.contains("batch_size"), "{err}");
        assert!(parse("[1, 2]", None).is_err());
    }

    #[test]
    fn a_run_that_starts_from_a_trained_model_takes_the_fine_tuning_defaults() {
        let tuning = TrainConfig::fine_tuning();
        let cfg = parse("{}", Some(Path::new("bundled"))).unwrap();
        assert_eq!(cfg.init.as_deref(), Some(Path::new("bundled")));
        assert_eq!(
            (cfg.epochs, cfg.learning_rate),
            (tuning.epochs, tuning.learning_rate)
        );
        assert!(cfg.epochs < TrainConfig::default().epochs);
        // The file's init counts too, what it sets stays set, and the command line's init wins.
        let cfg = parse(r#"{"init": "mine", "epochs": 12}"#, None).unwrap();
        assert_eq!((cfg.epochs, cfg.learning_rate), (12, tuning.learning_rate));
        let cfg = parse(r#"{"init": "mine"}"#, Some(Path::new("other"))).unwrap();
        assert_eq!(cfg.init.as_deref(), Some(Path::new("other")));
        // No init, the usual defaults.
        assert_eq!(
            parse(r#"{"init": null}"#, None).unwrap(),
            TrainConfig::default()
        );
    }
}
