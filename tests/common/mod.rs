//! Helpers shared by the integration tests.
#![allow(dead_code)] // each test binary uses a different subset

use std::path::{Path, PathBuf};

/// The repository root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A committed fixture file.
pub fn fixture(rel: &str) -> PathBuf {
    root().join("tests/fixtures").join(rel)
}

/// `../shared/data` (or `$SER_DATA_DIR`). Outside CI a missing corpus skips the calling test
/// with a message (returns `None`); with `CI=true` it is a failure, so CI never passes by skipping.
pub fn data_dir() -> Option<PathBuf> {
    let dir = std::env::var_os("SER_DATA_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join("../shared/data"));
    if dir.join("ravdess").is_dir() {
        return Some(dir);
    }
    if std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!(
            "RAVDESS not found at {}: CI must have ../shared/data",
            dir.display()
        );
    }
    eprintln!(
        "SKIPPED: RAVDESS not found at {} (set SER_DATA_DIR or place ../shared/data)",
        dir.display()
    );
    None
}

/// A small but real training run in `dir`: a corpus of the given RAVDESS actors (linked) and
/// a configuration of a small network trained for `epochs`. Returns both paths.
pub fn small_training_run(
    data: &Path,
    dir: &Path,
    actors: &[&str],
    epochs: usize,
) -> (String, String) {
    let corpus = dir.join("corpus");
    std::fs::create_dir(&corpus).unwrap();
    for actor in actors {
        std::os::unix::fs::symlink(data.join("ravdess").join(actor), corpus.join(actor)).unwrap();
    }
    let config = dir.join("config.json");
    let cfg = serde_json::json!({
        "epochs": epochs, "patience": epochs, "batch_size": 16,
        "network": {"conv_channels": [8, 16], "lstm_hidden": 16, "dropout": 0.1, "attention": true}
    });
    std::fs::write(&config, cfg.to_string()).unwrap();
    (corpus.display().to_string(), config.display().to_string())
}

/// What the `ser cv` and `ser train` tests run on: a small training run of actors 01-04 (two
/// folds of two actors) in a temporary directory, with a feature cache beside it.
pub struct SmallRun {
    /// The `ser` binary (`env!("CARGO_BIN_EXE_ser")`, which only integration tests can name:
    /// examples share this module).
    pub ser: &'static str,
    pub dir: tempfile::TempDir,
    pub corpus: String,
    pub config: String,
    pub cache: PathBuf,
}

impl SmallRun {
    /// `ser cv` of two folds, actor 01 or 03 validating (unless `extra` names
    /// `--valid-speakers`), into `out`, with `extra` options.
    pub fn cv(&self, out: &Path, extra: &[&str]) -> std::process::Output {
        self.run("cv", out, &[&["--folds", "2"], extra].concat())
    }

    /// `ser train` on actors 01-03, actor 04 validating (unless `extra` names
    /// `--valid-speakers`), into `out`, with `extra` options.
    pub fn train(&self, out: &Path, extra: &[&str]) -> std::process::Output {
        self.run("train", out, extra)
    }

    fn run(&self, command: &str, out: &Path, extra: &[&str]) -> std::process::Output {
        let valid = if extra.contains(&"--valid-speakers") {
            &[][..]
        } else {
            &["--valid-speakers", "1"][..]
        };
        std::process::Command::new(self.ser)
            .args([command, "--data", &self.corpus, "--config", &self.config])
            .args(valid)
            .arg("--cache")
            .arg(&self.cache)
            .arg("--out")
            .arg(out)
            .args(extra)
            .output()
            .unwrap()
    }
}

/// The answer of `ser predict --format json [--model MODEL] FILE` for its one file (`label`,
/// `confidence`, `probabilities`), run by the binary `ser` (`env!("CARGO_BIN_EXE_ser")`);
/// the command must succeed.
pub fn predict_json(ser: &str, model: Option<&Path>, file: &Path) -> serde_json::Value {
    let mut cmd = std::process::Command::new(ser);
    cmd.args(["predict", "--format", "json"]);
    if let Some(model) = model {
        cmd.arg("--model").arg(model);
    }
    let out = cmd.arg(file).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    doc[0].take()
}

/// The sum of an answer's `probabilities` (a label → probability object).
pub fn probability_sum(probabilities: &serde_json::Value) -> f64 {
    let map = probabilities
        .as_object()
        .expect("a label → probability object");
    map.values().map(|p| p.as_f64().unwrap()).sum()
}

/// A [`SmallRun`] of a network trained for `epochs`, in a fresh directory; `None` (the test
/// skips) without the corpus.
pub fn small_run(ser: &'static str, epochs: usize) -> Option<SmallRun> {
    let data = data_dir()?;
    let dir = tempfile::tempdir().unwrap();
    let actors = ["Actor_01", "Actor_02", "Actor_03", "Actor_04"];
    let (corpus, config) = small_training_run(&data, dir.path(), &actors, epochs);
    let cache = dir.path().join("cache");
    Some(SmallRun {
        ser,
        dir,
        corpus,
        config,
        cache,
    })
}

/// A training history (cv.json's `history`) without the epochs' timings, which no two runs
/// share.
pub fn epochs_without_timings(history: &serde_json::Value) -> Vec<serde_json::Value> {
    let mut epochs = history.as_array().unwrap().clone();
    for epoch in &mut epochs {
        epoch.as_object_mut().unwrap().remove("seconds").unwrap();
    }
    epochs
}

/// Reads a JSON file.
pub fn read_json(path: &Path) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// A canonical RIFF/WAVE file. `declared_data_len` overrides the data chunk's size field
/// (to make headers that lie); `format_tag` 1 is PCM, 3 is IEEE float.
pub fn wav_bytes(
    format_tag: u16,
    channels: u16,
    rate: u32,
    bits: u16,
    data: &[u8],
    declared_data_len: Option<u32>,
) -> Vec<u8> {
    let block_align = channels.wrapping_mul(bits / 8);
    let data_len = declared_data_len.unwrap_or(data.len() as u32);
    let mut v = Vec::new();
    v.extend_from_slice(b"RIFF");
    v.extend_from_slice(&data_len.saturating_add(36).to_le_bytes());
    v.extend_from_slice(b"WAVEfmt ");
    v.extend_from_slice(&16u32.to_le_bytes());
    v.extend_from_slice(&format_tag.to_le_bytes());
    v.extend_from_slice(&channels.to_le_bytes());
    v.extend_from_slice(&rate.to_le_bytes());
    v.extend_from_slice(&rate.wrapping_mul(block_align as u32).to_le_bytes());
    v.extend_from_slice(&block_align.to_le_bytes());
    v.extend_from_slice(&bits.to_le_bytes());
    v.extend_from_slice(b"data");
    v.extend_from_slice(&data_len.to_le_bytes());
    v.extend_from_slice(data);
    v
}

/// 16-bit PCM bytes of a sine tone.
pub fn pcm16_tone(freq: f32, rate: u32, n: usize) -> Vec<u8> {
    (0..n)
        .flat_map(|i| {
            let v = (2.0 * std::f32::consts::PI * freq * i as f32 / rate as f32).sin() * 0.5;
            ((v * 32767.0) as i16).to_le_bytes()
        })
        .collect()
}

/// A stereo 16 kHz WAV as a call is recorded, one speaker per channel: the syllables fixture on
/// the left; on the right silence, or with `bleed_db` the left's voice that many dB down (the
/// crosstalk of a headset's sidetone or a line's echo).
pub fn syllables_on_the_left(bleed_db: Option<f32>) -> Vec<u8> {
    let syllables = ser_audio::load(fixture("speechlike.wav"), &Default::default()).unwrap();
    let bleed = bleed_db.map_or(0.0, |db| 10f32.powf(db / 20.0));
    let pcm = |x: f32| ((x * 32767.0) as i16).to_le_bytes();
    let data: Vec<u8> = syllables
        .samples
        .iter()
        .flat_map(|&x| [pcm(x), pcm(bleed * x)])
        .flatten()
        .collect();
    wav_bytes(1, 2, 16_000, 16, &data, None)
}

/// Writes bytes to a fresh temporary file with the given name.
pub fn temp_file(dir: &tempfile::TempDir, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.path().join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}
pub mod recording;

/// Asserts that a run of `ser` succeeded, showing what it wrote to standard error where it did
/// not.
#[track_caller]
pub fn assert_succeeded(out: &std::process::Output) {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The records of a CSV text, header first, each as its fields (quoted fields unquoted).
pub fn csv_records(text: &str) -> Vec<Vec<String>> {
    csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(text.as_bytes())
        .records()
        .map(|r| r.unwrap().iter().map(str::to_string).collect())
        .collect()
}
