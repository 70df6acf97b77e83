//! Finding the audio files a command should work on, and opening them (`-`: standard input).

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use anyhow::{bail, Result};
use ser_audio::{find_audio, AudioError, Decoder, Headerless};

/// The path that stands for standard input, as in most Unix tools
/// (`ffmpeg -i call.mkv -f wav - | ser predict -`); a file of that name is `./-`.
pub const STDIN: &str = "-";

/// Expands the given paths: files as they are, directories recursively to their audio files
/// (sorted, so that results come in a stable order; where `raw` says how headerless audio is
/// read, `.raw` and `.pcm` files too), and `-` once at most, for standard input when it is not
/// a terminal (where no audio can come from).
pub fn collect_audio_files(paths: &[PathBuf], raw: Option<Headerless>) -> Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    for path in paths {
        if path.as_os_str() == STDIN {
            if out.iter().any(|p: &PathBuf| p.as_os_str() == STDIN) {
                bail!("{STDIN} (standard input) can be read once only, but was given twice");
            }
            if std::io::stdin().is_terminal() {
                bail!("{STDIN}: standard input is a terminal; pipe audio into it, e.g. `ffmpeg -i call.mkv -f wav - | ser predict -`");
            }
            out.push(path.clone());
        } else if path.is_dir() {
            out.extend(find_audio(path, raw).map_err(anyhow::Error::msg)?);
        } else {
            out.push(path.clone());
        }
    }
    Ok(out)
}

/// Opens one of [`collect_audio_files`]'s paths for decoding, read as `raw` says if it has
/// no header: `-` reads standard input as it arrives.
pub fn open_audio(path: &Path, raw: Option<Headerless>) -> Result<Decoder, AudioError> {
    if path.as_os_str() == STDIN {
        Decoder::from_reader_as("standard input", std::io::stdin(), raw)
    } else {
        Decoder::open_as(path, raw)
    }
}
