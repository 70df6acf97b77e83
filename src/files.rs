//! Finding the audio files a command should work on.

use std::path::PathBuf;

use anyhow::{bail, Context, Result};
use ser_audio::{find_audio_files, AUDIO_EXTENSIONS};

/// Expands the given paths: files as they are, directories recursively to their audio files
/// (sorted, so that results come in a stable order).
pub fn collect_audio_files(paths: &[PathBuf]) -> Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    for path in paths {
        if path.is_dir() {
            let found = find_audio_files(path)
                .with_context(|| format!("{}: cannot list", path.display()))?;
            if found.is_empty() {
                bail!(
                    "{}: no audio files ({}) below this directory",
                    path.display(),
                    AUDIO_EXTENSIONS.join(", ")
                );
            }
            out.extend(found);
        } else {
            out.push(path.clone());
        }
    }
    Ok(out)
}
