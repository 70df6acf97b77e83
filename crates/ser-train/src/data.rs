//! From a corpus on disk to training examples.

use std::path::PathBuf;

use ser_audio::LoadOptions;

use crate::cache::WaveCache;
use crate::dataset::{Clip, Dataset};
use crate::trainer::Example;

/// Loads the clips' trimmed waveforms (through the cache) as examples. Files that cannot be
/// read are returned as messages, and left out.
pub fn load_examples(
    dataset: &Dataset,
    clips: &[Clip],
    audio: &LoadOptions,
    cache_dir: Option<PathBuf>,
    progress: bool,
) -> (Vec<Example>, Vec<String>) {
    let cache = WaveCache::new(cache_dir, audio);
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
