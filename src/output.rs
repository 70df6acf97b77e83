//! Writing results (atomically: no half-written file is ever left behind) and progress bars.

use std::path::Path;

use anyhow::{Context, Result};
use indicatif::{ProgressBar, ProgressStyle};

/// Writes a file by filling it in memory with `fill`, then writing it atomically.
pub fn write_atomic(path: &Path, fill: impl FnOnce(&mut Vec<u8>) -> Result<()>) -> Result<()> {
    let mut bytes = Vec::new();
    fill(&mut bytes)?;
    ser_model::write_atomic(path, &bytes)
        .with_context(|| format!("cannot write {}", path.display()))
}

/// A progress bar for `len` items, drawn on stderr (hidden when stderr is not a terminal).
pub fn progress_bar(len: u64, what: &str) -> ProgressBar {
    let bar = ProgressBar::new(len);
    bar.set_style(
        ProgressStyle::with_template(&format!(
            "{what} {{bar:40.cyan/blue}} {{pos}}/{{len}} [{{elapsed_precise}}<{{eta_precise}}] {{msg}}"
        ))
        .expect("valid template"),
    );
    bar
}
