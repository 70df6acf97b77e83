//! Which files are audio files, and finding them below a directory.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

/// Extensions of the formats `ser` decodes, picked up when walking directories (a file named
/// explicitly is always tried: formats are detected by content, not by name, but for
/// headerless audio, [`crate::Headerless::named`], whose extensions are these from `ul` on).
pub const AUDIO_EXTENSIONS: &[&str] = &[
    "wav", "wave", "flac", "mp3", "ogg", "oga", "opus", "m4a", "mp4", "aac", "aif", "aiff", "aifc",
    "caf", "webm", "mka", "gsm", "w64", "rf64", "au", "snd", "sph", "shn", "ul", "ulaw", "ulw",
    "al", "alaw", "alw", "sln", "sln12", "sln16", "sln24", "sln32", "sln44", "sln48", "sln96",
    "sln192", "vox",
];

/// Whether the path has one of [`AUDIO_EXTENSIONS`] (case-insensitive).
pub fn has_audio_extension(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| AUDIO_EXTENSIONS.contains(&e.to_ascii_lowercase().as_str()))
}

/// The audio files below `dir` (recursively, following symbolic links to directories), sorted.
/// Each directory is read once, however many links lead to it, so a link loop cannot make the
/// walk endless.
pub fn find_audio_files(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    let mut seen = HashSet::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        if !seen.insert(std::fs::canonicalize(&d)?) {
            continue;
        }
        for entry in std::fs::read_dir(&d)? {
            let path = entry?.path();
            if path.is_dir() {
                stack.push(path);
            } else if has_audio_extension(&path) {
                out.push(path);
            }
        }
    }
    out.sort();
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_audio_by_extension_recursively() {
        let dir = std::env::temp_dir().join(format!("ser-files-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("a/b")).unwrap();
        for f in [
            "a/x.WAV",
            "a/b/y.flac",
            "a/notes.txt",
            "a/memo.m4a",
            "z.ogg",
            "z.opus",
        ] {
            std::fs::write(dir.join(f), b"").unwrap();
        }
        let found: Vec<String> = find_audio_files(&dir)
            .unwrap()
            .iter()
            .map(|p| p.strip_prefix(&dir).unwrap().display().to_string())
            .collect();
        std::fs::remove_dir_all(&dir).unwrap();
        assert_eq!(
            found,
            ["a/b/y.flac", "a/memo.m4a", "a/x.WAV", "z.ogg", "z.opus"]
        );
    }

    #[cfg(unix)]
    #[test]
    fn a_symlink_loop_ends() {
        let dir = std::env::temp_dir().join(format!("ser-loop-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("a")).unwrap();
        std::fs::write(dir.join("a/x.wav"), b"").unwrap();
        std::os::unix::fs::symlink(&dir, dir.join("a/back")).unwrap();
        let found = find_audio_files(&dir).unwrap();
        std::fs::remove_dir_all(&dir).unwrap();
        assert_eq!(found.len(), 1, "{found:?}");
    }
}
