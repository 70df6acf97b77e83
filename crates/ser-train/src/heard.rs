//! Which speakers a trained model heard, by the splits its `metrics.json` records (those of
//! every member of an ensemble): a network must never be scored on speakers whose clips
//! reached it through a teacher or through the model it started from.

use std::collections::BTreeSet;

use serde::Deserialize;

use crate::split::Split;

/// Refuses the model `name` (e.g. `teacher models/x`), whose `metrics.json` reads `metrics`,
/// if it heard any of `speakers` (training or choosing its epoch), or if its metrics do not
/// say which speakers it heard. No speakers, nothing to check.
pub fn check_unheard(name: &str, metrics: &str, speakers: &[String]) -> Result<(), String> {
    if speakers.is_empty() {
        return Ok(());
    }
    let fail = |e: &dyn std::fmt::Display| {
        format!("{name}: no record of the speakers that trained it in its metrics.json ({e})")
    };
    let metrics: serde_json::Value = serde_json::from_str(metrics).map_err(|e| fail(&e))?;
    let splits: Vec<&serde_json::Value> = match metrics["members"].as_array() {
        Some(members) => members.iter().map(|m| &m["metrics"]["split"]).collect(),
        None => vec![&metrics["split"]],
    };
    let mut heard = BTreeSet::new();
    for split in splits {
        let split = Split::deserialize(split).map_err(|e| fail(&e))?;
        heard.extend(split.train_speakers);
        heard.extend(split.valid_speakers);
    }
    let overlap: Vec<&str> = speakers
        .iter()
        .filter(|s| heard.contains(*s))
        .map(String::as_str)
        .collect();
    if overlap.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "{name} heard {}, whom this run scores the network on",
            overlap.join(", ")
        ))
    }
}
