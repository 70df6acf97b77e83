//! Which files are audio files, and finding them below a directory.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use crate::Headerless;

/// Extensions of the formats `ser` decodes, picked up when walking directories (a file named
/// explicitly is always tried: formats are detected by content, not by name, but for
/// headerless audio, [`crate::Headerless::named`], whose extensions are these from `ul` on).
pub const AUDIO_EXTENSIONS: &[&str] = &[
    "wav", "wave", "flac", "mp3", "ogg", "oga", "opus", "m4a", "mp4", "aac", "aif", "aiff", "aifc",
    "caf", "webm", "mka", "gsm", "w64", "rf64", "au", "snd", "sph", "shn", "ul", "ulaw", "ulw",
    "al", "alaw", "alw", "sln", "sln12", "sln16", "sln24", "sln32", "sln44", "sln48", "sln96",
    "sln192", "vox", "g722",
];

/// Extensions of headerless audio whose names tell nothing of it (as Audacity and SoX name
/// bare samples): walked where the user says how headerless audio is read (`ser --raw`), by
/// [`find_files`].
pub const RAW_EXTENSIONS: &[&str] = &["raw", "pcm"];

/// The extensions a directory walk takes where headerless audio is read as `raw` says:
/// [`AUDIO_EXTENSIONS`], and with `raw` also [`RAW_EXTENSIONS`], bare samples being audio only
/// once the user has said how to read them.
fn audio_extensions(raw: Option<Headerless>) -> Vec<&'static str> {
    let mut extensions = AUDIO_EXTENSIONS.to_vec();
    if raw.is_some() {
        extensions.extend(RAW_EXTENSIONS);
    }
    extensions
}

/// The audio files below `dir` that a walk takes where headerless audio is read as `raw` says
/// (by [`AUDIO_EXTENSIONS`], and with `raw` also [`RAW_EXTENSIONS`]), sorted. Finding none is an
/// error that says so, and where headerless files whose names tell nothing (`.raw`, `.pcm`) lie
/// there and `raw` is not given, how they are read.
pub fn find_audio(dir: &Path, raw: Option<Headerless>) -> Result<Vec<PathBuf>, String> {
    let cannot_list = |e: std::io::Error| format!("{}: cannot list: {e}", dir.display());
    let files = find_files(dir, &audio_extensions(raw)).map_err(cannot_list)?;
    if !files.is_empty() {
        return Ok(files);
    }
    let bare = match raw {
        None => find_files(dir, RAW_EXTENSIONS).map_err(cannot_list)?.len(),
        Some(_) => 0,
    };
    Err(match bare {
        0 => format!("{}: no audio files found", dir.display()),
        n => format!(
            "{}: no audio files found, but {n} headerless files (.raw, .pcm), read once told how: \
             --raw FORMAT[:RATE[:CHANNELS]]",
            dir.display()
        ),
    })
}

/// Whether the path has one of [`AUDIO_EXTENSIONS`] (case-insensitive).
pub fn has_audio_extension(path: &Path) -> bool {
    has_extension_in(path, AUDIO_EXTENSIONS)
}

fn has_extension_in(path: &Path, extensions: &[&str]) -> bool {
    lowercase_extension(path).is_some_and(|e| extensions.contains(&e.as_str()))
}

/// `path`'s extension in lower case, where it has one.
pub(crate) fn lowercase_extension(path: &Path) -> Option<String> {
    Some(path.extension()?.to_str()?.to_ascii_lowercase())
}

/// The audio files below `dir` (recursively, following symbolic links to directories), sorted:
/// those with one of [`AUDIO_EXTENSIONS`].
pub fn find_audio_files(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    find_files(dir, AUDIO_EXTENSIONS)
}

/// The files below `dir` with one of `extensions` (lower case; matched in any case), found as
/// [`find_audio_files`] finds them. Each directory is read once, however many links lead to it,
/// so a link loop cannot make the walk endless.
pub fn find_files(dir: &Path, extensions: &[&str]) -> std::io::Result<Vec<PathBuf>> {
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
            } else if has_extension_in(&path, extensions) {
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
