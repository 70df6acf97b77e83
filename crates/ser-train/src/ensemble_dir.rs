//! The directory of a model combined from trained models (`ser ensemble`): the combined
//! weights and configuration, a MODEL.md that quotes every member's card, and a metrics.json
//! that holds every member's metrics. Each file is written to a temporary file and renamed.

use std::path::Path;

use ser_model::{write_atomic, EmotionModel};
use serde_json::json;

use crate::report::{cv_section, CV_END, CV_START};

/// What is known of one model that went into an ensemble.
pub struct Member {
    /// Where it came from (its directory, as the user named it).
    pub source: String,
    /// Its MODEL.md, if it had one.
    pub card: Option<String>,
    /// Its metrics.json, if it had one.
    pub metrics: Option<serde_json::Value>,
}

/// Saves the combined `model` and its card and metrics into `dir`; `command` made it.
pub fn write_ensemble_dir(
    dir: &Path,
    model: &EmotionModel,
    members: &[Member],
    command: &str,
) -> Result<(), String> {
    model.save(dir).map_err(|e| e.to_string())?;
    let err = |e: std::io::Error| format!("{}: {e}", dir.display());
    let metrics = json!({
        "members": members.iter().map(|m| json!({"source": m.source, "metrics": m.metrics})).collect::<Vec<_>>(),
    });
    write_atomic(
        &dir.join("metrics.json"),
        &serde_json::to_vec_pretty(&metrics).expect("json"),
    )
    .map_err(err)?;
    let card = ensemble_card(model, members, command);
    write_atomic(&dir.join("MODEL.md"), card.as_bytes()).map_err(err)
}

/// The ensemble's model card: what it is, how it was made, its cross-validation (empty until
/// `ser cv --seeds … --card` records one), then each member's own card.
fn ensemble_card(model: &EmotionModel, members: &[Member], command: &str) -> String {
    let n = model.config().members;
    let mut card = format!(
        "# ser model: an ensemble of {n} networks\n\n\
         Each clip is classified by the mean of the probabilities of {n} networks that share one \
         configuration (labels, audio preparation, features, network shape): its features are \
         computed once, and each network adds one forward pass. Labels: {}.\n\n\
         Made from {} model(s) with:\n\n```sh\n{command}\n```\n\n\
         ## Cross-validation of the ensemble\n\n{CV_START}\n{}{CV_END}\n",
        model.labels().join(", "),
        members.len(),
        cv_section(None),
    );
    for (i, member) in members.iter().enumerate() {
        card.push_str(&format!("\n## Model {}: `{}`\n\n", i + 1, member.source));
        match &member.card {
            Some(text) => card.push_str(&quote_card(text)),
            None => card.push_str("(it had no MODEL.md)\n"),
        }
    }
    card
}

/// A member's card to quote: every heading two levels deeper (`#` → `###`; code blocks left
/// alone), so it nests under its `##` section, and without the markers of its cross-validation
/// section, so that `ser cv --card` on the ensemble cannot record a single network's
/// cross-validation in a member's place.
fn quote_card(markdown: &str) -> String {
    let mut in_code = false;
    let mut out = String::with_capacity(markdown.len() + 64);
    for line in markdown.lines() {
        if line.starts_with("```") {
            in_code = !in_code;
        }
        if !in_code && line.starts_with('#') {
            out.push_str("##");
        }
        out.push_str(line);
        out.push('\n');
    }
    out.replace(CV_START, "").replace(CV_END, "")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoted_cards_nest_their_headings_and_lose_their_cv_markers() {
        let card = format!(
            "# Title\ntext\n## Part\n```sh\n# a comment\n```\n{CV_START}\n### After\n{CV_END}\n"
        );
        assert_eq!(
            quote_card(&card),
            "### Title\ntext\n#### Part\n```sh\n# a comment\n```\n\n##### After\n\n"
        );
    }
}
