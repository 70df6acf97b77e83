//! From a corpus on disk to training examples.

use std::path::PathBuf;

use ser_audio::LoadOptions;

use crate::cache::WaveCache;
use crate::dataset::{Clip, Dataset};

/// One clip ready for training: its file, trimmed waveform and class index.
#[derive(Debug, Clone)]
pub struct Example {
    /// The file it was read from, to name the clip in reports.
    pub path: PathBuf,
    /// Trimmed mono samples at the model rate (not yet cut to the window).
    pub wave: Vec<f32>,
    /// Class index.
    pub target: usize,
    /// Who speaks (for speaker-adversarial training).
    pub speaker: String,
}

/// Loads the clips' trimmed waveforms (through the cache; headerless files read as the
/// dataset's `raw` says) as examples. Files that cannot be read are returned as messages, and
/// left out.
pub fn load_examples(
    dataset: &Dataset,
    clips: &[Clip],
    audio: &LoadOptions,
    cache_dir: Option<PathBuf>,
    progress: bool,
) -> (Vec<Example>, Vec<String>) {
    let cache = WaveCache::new(cache_dir, audio, dataset.raw);
    let paths: Vec<PathBuf> = clips.iter().map(|c| c.path.clone()).collect();
    let targets = dataset.targets(clips);
    let mut examples = Vec::with_capacity(clips.len());
    let mut failures = Vec::new();
    let results = cache.get_all(&paths, progress);
    for ((result, target), clip) in results.into_iter().zip(targets).zip(clips) {
        match result {
            Ok(wave) => examples.push(Example {
                path: clip.path.clone(),
                wave,
                target,
                speaker: clip.speaker.clone(),
            }),
            Err(e) => failures.push(e.to_string()),
        }
    }
    (examples, failures)
}
