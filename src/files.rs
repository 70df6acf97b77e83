//! Finding the audio files a command should work on.

use std::path::{Path, PathBuf};

use anyhow::{bail, Result};

/// Extensions picked up when walking a directory (files named on the command line are always
/// taken, whatever their name: the decoder detects formats by content).
pub const AUDIO_EXTENSIONS: &[&str] = &["wav", "wave", "flac", "mp3", "ogg", "oga"];

fn has_audio_extension(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| AUDIO_EXTENSIONS.contains(&e.to_ascii_lowercase().as_str()))
}

/// Expands the given paths: files as they are, directories recursively to their audio files,
/// sorted so that results come in a stable order.
pub fn collect_audio_files(paths: &[PathBuf]) -> Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    for path in paths {
        if path.is_dir() {
            let mut found: Vec<PathBuf> = walkdir::WalkDir::new(path)
                .follow_links(true)
                .into_iter()
                .filter_map(|e| e.ok())
                .filter(|e| e.file_type().is_file() && has_audio_extension(e.path()))
                .map(|e| e.into_path())
                .collect();
            found.sort();
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
