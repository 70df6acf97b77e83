//! Decoded, resampled and trimmed waveforms, cached on disk so a second run starts at once.
//!
//! An entry is keyed by the file (path, size, modification time) and the audio options; it
//! holds the 16 kHz mono samples after trimming and before the duration fit (so training can
//! place clips at random offsets). Entries are written to a temporary file and renamed.

use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};

use indicatif::{ParallelProgressIterator, ProgressBar, ProgressStyle};
use rayon::prelude::*;
use ser_audio::{AudioError, Decoder, Headerless, LoadOptions};

/// Which reading of audio files the entries hold: changed whenever `ser_audio::load` gives
/// other samples for the same file and options, so that an entry an earlier reading wrote is
/// never served. 2: the DC offset removed (2026-12-05); 3: mains hum removed (2026-12-05); 4:
/// the DC filter run eight samples at a time, which rounds differently (2026-12-05).
const READING: u32 = 4;

/// A cache directory (or none: always decode).
pub struct WaveCache {
    dir: Option<PathBuf>,
    opts: LoadOptions,
    raw: Option<Headerless>,
}

impl WaveCache {
    /// A cache for clips loaded as `audio` describes (its duration and offset are applied
    /// later, by the caller), headerless files read as `raw` says where their names do not
    /// tell how. `dir = None` disables the disk cache.
    pub fn new(dir: Option<PathBuf>, audio: &LoadOptions, raw: Option<Headerless>) -> Self {
        let opts = LoadOptions {
            duration_s: None,
            offset_s: 0.0,
            ..audio.clone()
        };
        Self { dir, opts, raw }
    }

    /// The default location: `$XDG_CACHE_HOME/ser` or `~/.cache/ser`.
    pub fn default_dir() -> Option<PathBuf> {
        std::env::var_os("XDG_CACHE_HOME")
            .map(PathBuf::from)
            .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")))
            .map(|d| d.join("ser").join("waves"))
    }

    fn entry(&self, path: &Path) -> Option<PathBuf> {
        let dir = self.dir.as_ref()?;
        let meta = std::fs::metadata(path).ok()?;
        let mut h = DefaultHasher::new();
        std::fs::canonicalize(path).ok()?.hash(&mut h);
        meta.len().hash(&mut h);
        meta.modified().ok()?.hash(&mut h);
        serde_json::to_string(&self.opts).ok()?.hash(&mut h);
        // A file that no container opens is other samples under each `--raw` (and the keys of
        // corpora read without one stay as they were).
        if let Some(raw) = self.raw {
            raw.to_string().hash(&mut h);
        }
        READING.hash(&mut h);
        Some(dir.join(format!("{:016x}.f32", h.finish())))
    }

    /// The trimmed samples of one file, from the cache when present.
    pub fn get(&self, path: &Path) -> Result<Vec<f32>, AudioError> {
        let entry = self.entry(path);
        if let Some(bytes) = entry.as_ref().and_then(|e| std::fs::read(e).ok()) {
            if bytes.len() % 4 == 0 && !bytes.is_empty() {
                return Ok(bytes
                    .chunks_exact(4)
                    .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
                    .collect());
            }
        }
        let samples = ser_audio::load_from(Decoder::open_as(path, self.raw)?, &self.opts)?.samples;
        if let Some(entry) = entry {
            // A failed cache write only costs time next run; it never fails the load.
            let bytes: Vec<u8> = samples.iter().flat_map(|s| s.to_le_bytes()).collect();
            let _ = ser_model::write_atomic(&entry, &bytes);
        }
        Ok(samples)
    }

    /// Loads many files in parallel with a progress bar; failures are returned per file.
    pub fn get_all(
        &self,
        paths: &[PathBuf],
        show_progress: bool,
    ) -> Vec<Result<Vec<f32>, AudioError>> {
        let bar = if show_progress {
            ProgressBar::new(paths.len() as u64).with_style(
                ProgressStyle::with_template("loading audio {bar:40.cyan/blue} {pos}/{len} [{elapsed_precise}<{eta_precise}]")
                    .expect("valid template"),
            )
        } else {
            ProgressBar::hidden()
        };
        let out = paths
            .par_iter()
            .progress_with(bar.clone())
            .map(|p| self.get(p))
            .collect();
        bar.finish_and_clear();
        out
    }
}
