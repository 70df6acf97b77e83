//! The directory of a model combined from trained models (`ser ensemble`): the combined
//! weights and configuration, a MODEL.md that quotes every member's card, and a metrics.json
//! that holds every member's metrics. Each file is written to a temporary file and renamed.
//! An ensemble trained by `ser train --seeds` or `ser cv --seeds --keep-models` also keeps
//! its networks, each a model directory of its own, in `members/seed-S` ([`member_dir`]).

use std::path::{Path, PathBuf};

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

impl Member {
    /// The trained model directory `dir` as a member: its card (MODEL.md) and metrics
    /// (metrics.json), each `None` when missing or unreadable.
    pub fn of_dir(dir: &Path) -> Self {
        Member {
            source: dir.display().to_string(),
            card: std::fs::read_to_string(dir.join("MODEL.md")).ok(),
            metrics: std::fs::read(dir.join("metrics.json"))
                .ok()
                .and_then(|bytes| serde_json::from_slice(&bytes).ok()),
        }
    }
}

/// Writes `model`, combined from the networks saved in the model directories `dirs`, as the
/// ensemble directory `out`, whose card and metrics quote theirs; `command` made it.
pub fn write_combined(
    out: &Path,
    model: &EmotionModel,
    dirs: &[PathBuf],
    command: &str,
) -> Result<(), String> {
    let members: Vec<Member> = dirs.iter().map(|dir| Member::of_dir(dir)).collect();
    write_ensemble_dir(out, model, &members, command)
}

/// Where the network trained with `seed` goes in the directory `out` of an ensemble that
/// `ser train --seeds` or `ser cv --seeds --keep-models` makes.
pub fn member_dir(out: &Path, seed: u64) -> PathBuf {
    out.join("members").join(format!("{MEMBER_PREFIX}{seed}"))
}

/// How the name of a network's directory in `members` begins; the seed follows.
const MEMBER_PREFIX: &str = "seed-";

/// Removes the networks in `out/members` whose seeds are not in `seeds` (all of them when
/// `seeds` is empty, for a single network written into `out`): left there by an earlier run
/// into `out` with other seeds, they would sit beside a model that no longer holds them.
/// Only `seed-N` directories are removed, and `members` itself when that leaves it empty.
/// Called once the new networks are written, so that a failed run leaves the old ones whole.
pub fn remove_stale_members(out: &Path, seeds: &[u64]) -> Result<(), String> {
    let members = out.join("members");
    // None, or not a directory `ser` wrote: nothing of an earlier run to remove.
    if !members.is_dir() {
        return Ok(());
    }
    let cannot_list = |e: std::io::Error| format!("{}: cannot list: {e}", members.display());
    for entry in std::fs::read_dir(&members).map_err(cannot_list)? {
        let entry = entry.map_err(cannot_list)?;
        let seed = entry.file_name().to_str().and_then(|name| {
            let seed = name.strip_prefix(MEMBER_PREFIX)?;
            seed.parse::<u64>().ok()
        });
        if seed.is_some_and(|seed| !seeds.contains(&seed)) {
            let path = entry.path();
            std::fs::remove_dir_all(&path).map_err(|e| {
                format!(
                    "{}: cannot remove this earlier network: {e}",
                    path.display()
                )
            })?;
        }
    }
    if seeds.is_empty() {
        // Fails, and is meant to, when something not written by `ser` is still in it.
        std::fs::remove_dir(&members).ok();
    }
    Ok(())
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

/// The first words of every ensemble card, by which a member that is itself an ensemble is
/// recognised.
const ENSEMBLE_TITLE: &str = "# ser model: an ensemble of";

/// The ensemble's model card: what it is, how it was made, its cross-validation (empty until
/// `ser cv --seeds … --card` records one), then each network's own card.
fn ensemble_card(model: &EmotionModel, members: &[Member], command: &str) -> String {
    let n = model.config().members;
    let mut card = format!(
        "{ENSEMBLE_TITLE} {n} networks\n\n\
         Each clip is classified by the mean of the probabilities of {n} networks that share one \
         configuration (labels, audio preparation, features, network shape): its features are \
         computed once, and each network adds one forward pass. Labels: {}.\n\n\
         Made from {} model(s) with:\n\n```sh\n{command}\n```\n\n\
         ## Cross-validation of the ensemble\n\n{CV_START}\n{}{CV_END}\n",
        model.labels().join(", "),
        members.len(),
        cv_section(None),
    );
    let sections = members.iter().flat_map(member_sections);
    for (i, (title, body)) in sections.enumerate() {
        card.push_str(&format!("\n## Model {}: {title}\n\n{body}", i + 1));
    }
    card
}

/// The sections (title, quoted card) that one member adds to the ensemble's card: one for a
/// single network; for a member that is itself an ensemble, one per network it quotes, so
/// that the card lists networks one level deep however the ensemble was built. (Its own
/// cross-validation is of another ensemble and is left out.)
fn member_sections(member: &Member) -> Vec<(String, String)> {
    let source = &member.source;
    let Some(card) = &member.card else {
        return vec![(format!("`{source}`"), "(it had no MODEL.md)\n".into())];
    };
    if !card.starts_with(ENSEMBLE_TITLE) {
        return vec![(format!("`{source}`"), quote_card(card))];
    }
    let mut sections: Vec<(String, String)> = Vec::new();
    let mut in_code = false;
    for line in card.lines() {
        if line.starts_with("```") {
            in_code = !in_code;
        }
        match line.strip_prefix("## Model ").filter(|_| !in_code) {
            // "## Model 2: `dir`": the quoted card below is already nested to this depth.
            Some(heading) => {
                let inner = heading.split_once(": ").map_or(heading, |(_, name)| name);
                sections.push((
                    format!("{inner}, from the ensemble `{source}`"),
                    String::new(),
                ));
            }
            None => {
                if let Some((_, body)) = sections.last_mut() {
                    body.push_str(line);
                    body.push('\n');
                }
            }
        }
    }
    for (_, body) in &mut sections {
        *body = format!("{}\n", body.trim_matches('\n'));
    }
    sections
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

    fn member(source: &str, card: Option<String>) -> Member {
        Member {
            source: source.into(),
            card,
            metrics: None,
        }
    }

    #[test]
    fn an_ensemble_member_adds_its_networks_not_a_nested_ensemble() {
        let model = EmotionModel::bundled().unwrap();
        let single = |name: &str| Some(format!("# Model card\n## Data\n{name}'s data\n"));
        let inner = ensemble_card(
            &model,
            &[member("a", single("a")), member("b", single("b"))],
            "ser ensemble a b",
        );
        let card = ensemble_card(
            &model,
            &[
                member("c", single("c")),
                member("old", Some(inner)),
                member("d", None),
            ],
            "ser ensemble c old d",
        );
        let headings: Vec<&str> = card.lines().filter(|l| l.starts_with("## Model")).collect();
        assert_eq!(
            headings,
            [
                "## Model 1: `c`",
                "## Model 2: `a`, from the ensemble `old`",
                "## Model 3: `b`, from the ensemble `old`",
                "## Model 4: `d`",
            ]
        );
        // Every network's card sits at the same depth, and only one ensemble title is left.
        let lines = |text: &str| card.lines().filter(|l| *l == text).count();
        assert_eq!((lines("### Model card"), lines("#### Data")), (3, 3));
        assert!(!card.contains("\n\n\n"), "{card}");
        assert!(card.contains("b's data") && card.contains("(it had no MODEL.md)"));
        assert_eq!(card.matches(ENSEMBLE_TITLE).count(), 1);
        assert_eq!(card.matches("## Cross-validation").count(), 1);
    }
}
