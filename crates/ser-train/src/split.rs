//! Speaker-independent splits: no speaker is ever on two sides.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use crate::dataset::Clip;

/// Clips divided by speaker into training, validation (early stopping) and test sides.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Split {
    /// Speakers whose clips train the network.
    pub train_speakers: Vec<String>,
    /// Speakers whose clips choose the best epoch.
    pub valid_speakers: Vec<String>,
    /// Speakers held out for the final score (may be empty).
    pub test_speakers: Vec<String>,
}

impl Split {
    /// One side's speakers for people to read: comma-separated, or "none".
    pub fn names(speakers: &[String]) -> String {
        if speakers.is_empty() {
            "none".to_string()
        } else {
            speakers.join(", ")
        }
    }

    /// The clips of one side.
    pub fn select(clips: &[Clip], speakers: &[String]) -> Vec<Clip> {
        let set: BTreeSet<&str> = speakers.iter().map(String::as_str).collect();
        clips
            .iter()
            .filter(|c| set.contains(c.speaker.as_str()))
            .cloned()
            .collect()
    }
}

/// Divides the sorted speakers into `k` contiguous folds of (nearly) equal size. For the 20
/// RAVDESS actors and `k = 5` these are the standard folds 01-04, 05-08, …, 17-20.
pub fn speaker_folds(speakers: &[String], k: usize) -> Vec<Vec<String>> {
    let k = k.clamp(1, speakers.len().max(1));
    let base = speakers.len() / k;
    let extra = speakers.len() % k;
    let mut folds = Vec::with_capacity(k);
    let mut start = 0;
    for i in 0..k {
        let len = base + usize::from(i < extra);
        folds.push(speakers[start..start + len].to_vec());
        start += len;
    }
    folds
}

/// Fold `test_fold` of `folds` is the test side; the first `n_valid` speakers of the next fold
/// validate; everyone else trains.
pub fn cv_split(folds: &[Vec<String>], test_fold: usize, n_valid: usize) -> Split {
    let next = (test_fold + 1) % folds.len();
    let valid: Vec<String> = folds[next].iter().take(n_valid).cloned().collect();
    let train = folds
        .iter()
        .enumerate()
        .filter(|(i, _)| *i != test_fold)
        .flat_map(|(_, f)| f.iter())
        .filter(|s| !valid.contains(s))
        .cloned()
        .collect();
    Split {
        train_speakers: train,
        valid_speakers: valid,
        test_speakers: folds[test_fold].clone(),
    }
}

/// The last `n_valid` speakers validate, everyone else trains, no test side (for a final model).
pub fn holdout_split(speakers: &[String], n_valid: usize) -> Split {
    let n_valid = n_valid.min(speakers.len().saturating_sub(1));
    let cut = speakers.len() - n_valid;
    Split {
        train_speakers: speakers[..cut].to_vec(),
        valid_speakers: speakers[cut..].to_vec(),
        test_speakers: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn actors() -> Vec<String> {
        (1..=20).map(|a| format!("actor_{a:02}")).collect()
    }

    #[test]
    fn standard_ravdess_folds() {
        let folds = speaker_folds(&actors(), 5);
        assert_eq!(folds.len(), 5);
        assert_eq!(folds[0], ["actor_01", "actor_02", "actor_03", "actor_04"]);
        assert_eq!(folds[4], ["actor_17", "actor_18", "actor_19", "actor_20"]);
    }

    #[test]
    fn no_speaker_on_two_sides_in_any_fold() {
        let speakers = actors();
        let folds = speaker_folds(&speakers, 5);
        for f in 0..5 {
            let s = cv_split(&folds, f, 2);
            let sides = [&s.train_speakers, &s.valid_speakers, &s.test_speakers];
            let mut all: Vec<&String> = sides.iter().flat_map(|v| v.iter()).collect();
            assert_eq!(all.len(), 20, "every speaker used once");
            all.sort();
            all.dedup();
            assert_eq!(all.len(), 20, "fold {f}: a speaker is on two sides");
            assert_eq!(s.valid_speakers.len(), 2);
            assert_eq!(s.test_speakers.len(), 4);
        }
        // Clips follow their speakers.
        let clips: Vec<Clip> = speakers
            .iter()
            .map(|s| Clip {
                path: format!("{s}.wav").into(),
                label: "x".into(),
                speaker: s.clone(),
            })
            .collect();
        let s = cv_split(&folds, 2, 2);
        let test = Split::select(&clips, &s.test_speakers);
        let train = Split::select(&clips, &s.train_speakers);
        assert!(test
            .iter()
            .all(|c| !train.iter().any(|t| t.speaker == c.speaker)));
    }

    #[test]
    fn uneven_folds_and_holdout() {
        let sp: Vec<String> = (0..7).map(|i| i.to_string()).collect();
        let sizes: Vec<usize> = speaker_folds(&sp, 3).iter().map(Vec::len).collect();
        assert_eq!(sizes, [3, 2, 2]);
        let h = holdout_split(&sp, 2);
        assert_eq!(h.valid_speakers, ["5", "6"]);
        assert_eq!(h.train_speakers.len(), 5);
    }
}
