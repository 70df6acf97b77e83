//! `ser features`: log-mel spectrograms (or their MFCCs) as .npy (+ parameters as .json, +
//! picture as .png).

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{bail, Context, Result};
use indicatif::ParallelProgressIterator;
use ndarray_npy::WriteNpyExt;
use rayon::prelude::*;
use ser_audio::{LoadOptions, TrimParams};
use ser_features::{Extractor, FeatureParams};
use serde_json::json;

use super::batch_exit_code;
use super::common::RawArg;
use crate::files::collect_audio_files;
use crate::output::{progress_bar, write_atomic};

/// Arguments of `ser features`.
#[derive(clap::Args)]
#[command(after_help = "Examples:
  ser features clip.wav --out clip.npy --png clip.png
  ser features corpus/ --out feats/ --trim --duration 3
  ser features corpus/ --out mfcc/ --mfcc 40   # librosa.feature.mfcc(n_mfcc=40) of the same")]
pub struct FeaturesArgs {
    /// An audio file (`-`: standard input), or a directory processed recursively (in parallel).
    input: PathBuf,
    /// Output .npy file (for a file input) or directory (for a directory input). The feature
    /// parameters are written beside each .npy as .json.
    #[arg(long)]
    out: PathBuf,
    /// Also draw the spectrogram as PNG: to the given file, or beside each .npy when no path
    /// is given.
    #[arg(long, num_args = 0..=1, value_name = "PNG")]
    png: Option<Option<PathBuf>>,
    /// Trim leading and trailing silence first (librosa.effects.trim semantics).
    #[arg(long)]
    trim: bool,
    /// Threshold of --trim in dB below the loudest frame.
    #[arg(long, default_value_t = 60.0, requires = "trim")]
    top_db: f32,
    /// Crop or zero-pad to this many seconds (after --offset).
    #[arg(long, value_name = "SECONDS")]
    duration: Option<f64>,
    /// Skip this many seconds at the start (after --trim).
    #[arg(long, value_name = "SECONDS", default_value_t = 0.0)]
    offset: f64,
    /// Feature parameters as JSON (a file written by a previous run, or a model's); the
    /// defaults are 16 kHz, 25 ms Hann window, 10 ms hop, 64 Slaney mels, dB re max, 80 dB range.
    #[arg(long, value_name = "JSON")]
    params: Option<PathBuf>,
    /// Save the first N MFCCs of the log-mel instead of the log-mel itself, as
    /// `librosa.feature.mfcc(S=log_mel, n_mfcc=N)` computes them (DCT-II, orthonormal); at most
    /// as many as there are mel bands. The PNG still draws the log-mel.
    #[arg(long, value_name = "N", value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(1..))]
    mfcc: Option<usize>,
    #[command(flatten)]
    raw: RawArg,
}

struct Job<'a> {
    extractor: &'a Extractor,
    load: &'a LoadOptions,
    mfcc: Option<usize>,
    raw: RawArg,
}

pub fn run(args: FeaturesArgs) -> Result<ExitCode> {
    let params = match &args.params {
        Some(path) => read_params(path)?,
        None => FeatureParams::default(),
    };
    let extractor = Extractor::new(params)?;
    let n_mels = extractor.params().n_mels;
    if let Some(n) = args.mfcc.filter(|&n| n > n_mels) {
        bail!("--mfcc {n}: at most {n_mels}, the number of mel bands");
    }
    let load = LoadOptions {
        sample_rate: extractor.params().sample_rate,
        trim: args.trim.then_some(TrimParams {
            top_db: args.top_db,
            ..TrimParams::default()
        }),
        offset_s: args.offset,
        duration_s: args.duration,
        ..LoadOptions::default()
    };
    let job = Job {
        extractor: &extractor,
        load: &load,
        mfcc: args.mfcc,
        raw: args.raw,
    };
    if !args.input.is_dir() {
        let png = args
            .png
            .map(|p| p.unwrap_or_else(|| args.out.with_extension("png")));
        job.one(&args.input, &args.out, png.as_deref())?;
        return Ok(ExitCode::SUCCESS);
    }
    if args.out.is_file() {
        bail!(
            "{}: --out must be a directory when the input is one",
            args.out.display()
        );
    }
    let files = collect_audio_files(std::slice::from_ref(&args.input), args.raw.raw)?;
    let bar = progress_bar(files.len() as u64, "features");
    let failures: Vec<String> = files
        .par_iter()
        .progress_with(bar.clone())
        .filter_map(|file| {
            let rel = file.strip_prefix(&args.input).unwrap_or(file);
            let npy = args.out.join(rel).with_extension("npy");
            let png = args.png.is_some().then(|| npy.with_extension("png"));
            job.one(file, &npy, png.as_deref())
                .err()
                .map(|e| format!("{e:#}"))
        })
        .collect();
    bar.finish_and_clear();
    for f in &failures {
        eprintln!("ser: error: {f}");
    }
    eprintln!(
        "{} of {} files written to {}",
        files.len() - failures.len(),
        files.len(),
        args.out.display()
    );
    Ok(batch_exit_code(failures.len()))
}

impl Job<'_> {
    fn one(&self, input: &Path, npy: &Path, png: Option<&Path>) -> Result<()> {
        let audio = ser_audio::load_from(self.raw.open(input)?, self.load)?;
        let log_mel = self.extractor.log_mel(&audio.samples);
        let mfcc = self.mfcc.map(|n| self.extractor.mfcc_of(log_mel.view(), n));
        let saved = mfcc.as_ref().unwrap_or(&log_mel);
        write_atomic(npy, |w| Ok(saved.write_npy(w)?))?;
        let sidecar = json!({
            "source": input.display().to_string(),
            "kind": if mfcc.is_some() { "mfcc" } else { "log_mel" },
            "shape": saved.shape(),
            "features": self.extractor.params(),
            "audio": self.load,
            "source_info": audio.source,
        });
        write_atomic(&npy.with_extension("json"), |w| {
            Ok(serde_json::to_writer_pretty(w, &sidecar)?)
        })?;
        if let Some(png) = png {
            let img = ser_plot::spectrogram_image(log_mel.view(), &Default::default());
            write_atomic(png, |w| {
                Ok(img.write_to(&mut std::io::Cursor::new(w), ser_plot::ImageFormat::Png)?)
            })?;
        }
        Ok(())
    }
}

fn read_params(path: &Path) -> Result<FeatureParams> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("{}: cannot read feature parameters", path.display()))?;
    let value: serde_json::Value = serde_json::from_str(&text)
        .with_context(|| format!("{}: not valid JSON", path.display()))?;
    // Accept both a bare parameter object and a sidecar/model config with a "features" key.
    let params = value.get("features").cloned().unwrap_or(value);
    serde_json::from_value(params)
        .with_context(|| format!("{}: not a feature parameter set", path.display()))
}
