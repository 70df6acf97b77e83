//! A labelled corpus read for a trained model (`ser eval`, `ser prosody`): its labels matched to
//! the model's (see [`ser_model::label_match`]: `fear` read as `fearful`, labels the model does
//! not know left out or refused), then its clips read as the model reads audio, each with the
//! model's index of its label.

use std::path::{Path, PathBuf};

use ser_audio::Headerless;
use ser_model::label_match::{match_labels, LabelMatch};
use ser_model::EmotionModel;

use crate::cache::WaveCache;
use crate::data::{load_examples, Example};
use crate::dataset::{load_dataset, Clip, Dataset};

/// A labelled corpus listed for a model, none of its audio read yet: its clips, and its labels
/// read as the model's (see [`match_labels`]). A command checks what it must of the corpus
/// here, before the reading's work.
pub struct ListedCorpus {
    pub dataset: Dataset,
    pub matched: LabelMatch,
    /// What to tell the user of the matching: each corpus label read as another of the
    /// model's, each label left out with its number of clips.
    pub notes: Vec<String>,
}

impl ListedCorpus {
    /// Lists `data` for `model`, its headerless files to be read as `raw` says where their
    /// names do not tell how.
    pub fn list(
        data: &Path,
        raw: Option<Headerless>,
        model: &EmotionModel,
        label_map: &[(String, String)],
        skip_unmatched: bool,
    ) -> Result<Self, String> {
        let dataset = load_dataset(data, raw)?;
        let labels = &model.config().labels;
        let matched = match_labels(&dataset.labels, labels, label_map, skip_unmatched)
            .map_err(|e| format!("{}: {e}", data.display()))?;
        let read_as = matched
            .pairs(&dataset.labels, labels)
            .filter(|(from, to)| from != to);
        let mut notes: Vec<String> = read_as
            .map(|(from, to)| format!("label {from:?} read as the model's {to:?}"))
            .collect();
        for label in &matched.skipped {
            let n = dataset.clips.iter().filter(|c| &c.label == label).count();
            notes.push(format!(
                "{n} clips labelled {label:?} left out: not one of the model's labels"
            ));
        }
        Ok(Self {
            dataset,
            matched,
            notes,
        })
    }

    /// Reads the clips the model has labels for, as the model reads audio (through the cache);
    /// unreadable files are left out, and why in [`LabelledCorpus::failed`].
    pub fn read(self, model: &EmotionModel, cache: Option<PathBuf>) -> LabelledCorpus {
        let Self {
            dataset, matched, ..
        } = self;
        let clips: Vec<Clip> = dataset
            .clips
            .iter()
            .filter(|c| !matched.skipped.contains(&c.label))
            .cloned()
            .collect();
        let cache = cache.or_else(WaveCache::default_dir);
        let (examples, failed) =
            load_examples(&dataset, &clips, &model.config().audio, cache, true);
        // Corpus label indices → model label indices.
        let examples = examples
            .into_iter()
            .map(|e| Example {
                target: matched.targets[e.target].expect("skipped clips were left out"),
                ..e
            })
            .collect();
        LabelledCorpus {
            dataset,
            matched,
            examples,
            failed,
        }
    }
}

/// A labelled corpus read for a model ([`ListedCorpus::read`]): its clips' trimmed waveforms as
/// examples whose targets are the model's label indices.
pub struct LabelledCorpus {
    pub dataset: Dataset,
    pub matched: LabelMatch,
    pub examples: Vec<Example>,
    /// Why each unreadable file was left out.
    pub failed: Vec<String>,
}
