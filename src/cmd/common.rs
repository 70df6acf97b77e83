//! Arguments and steps shared by the model commands.

use std::path::PathBuf;

use anyhow::{Context, Result};
use ser_model::EmotionModel;
use ser_train::config_file;
use ser_train::data::load_examples;
use ser_train::dataset::{load_dataset, Dataset};
use ser_train::split::Split;
use ser_train::trainer::{Example, TrainConfig};

/// Where to find the model; the bundled default when not given.
#[derive(clap::Args)]
pub struct ModelArg {
    /// Model directory (config.json + model.bpk); default: the bundled RAVDESS model.
    #[arg(long, value_name = "DIR")]
    pub model: Option<PathBuf>,
}

impl ModelArg {
    /// Loads the chosen model.
    pub fn load(&self) -> Result<EmotionModel> {
        Ok(match &self.model {
            Some(dir) => EmotionModel::load(dir)?,
            None => EmotionModel::bundled()?,
        })
    }
}

/// Options of commands that train.
#[derive(clap::Args)]
pub struct TrainArgs {
    /// Corpus: a RAVDESS-style directory, a folder per label, or a CSV manifest
    /// (path,label[,speaker]).
    #[arg(long, value_name = "PATH")]
    pub data: PathBuf,
    /// Training configuration as JSON (keys left out, at any depth, take their defaults; see
    /// MODEL.md of the bundled model for a complete one).
    #[arg(long, value_name = "JSON")]
    pub config: Option<PathBuf>,
    /// Override the number of epochs.
    #[arg(long, value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(1..))]
    pub epochs: Option<usize>,
    /// Override the seed.
    #[arg(long)]
    pub seed: Option<u64>,
    /// Speakers held out for early stopping.
    #[arg(long, default_value_t = 2)]
    pub valid_speakers: usize,
    /// Worker threads (default: all cores).
    #[arg(long)]
    pub threads: Option<usize>,
    /// Cache directory for decoded audio (default: ~/.cache/ser).
    #[arg(long, value_name = "DIR")]
    pub cache: Option<PathBuf>,
    /// Do not cache decoded audio on disk.
    #[arg(long, conflicts_with = "cache")]
    pub no_cache: bool,
    /// Train on this device: cpu, or cuda / wgpu in a build with that Cargo feature.
    #[arg(long = "device", default_value = "cpu", value_parser = ser_model::DEVICES)]
    pub device_name: String,
}

impl TrainArgs {
    /// Opens the device chosen with `--device` and, for a GPU, installs this process's panic
    /// hook: GPU backends report failures (no usable adapter, a lost device) by panicking on a
    /// thread of their own, which would leave training waiting for it forever, so on a GPU any
    /// panic ends the run with the backend's message and exit code 2. Call it once, before the
    /// data is read, so a missing backend fails at once.
    pub fn open_device(&self) -> Result<ser_model::Device> {
        let device = ser_model::device(&self.device_name).map_err(anyhow::Error::msg)?;
        if self.device_name != "cpu" {
            let name = self.device_name.clone();
            std::panic::set_hook(Box::new(move |info| {
                eprintln!("ser: error: the {name} backend failed: {info}");
                std::process::exit(2);
            }));
        }
        Ok(device)
    }

    /// Applies `--threads`, reads and checks the configuration, then reads the corpus.
    pub fn prepare(&self) -> Result<(Dataset, TrainConfig)> {
        if let Some(n) = self.threads {
            rayon::ThreadPoolBuilder::new()
                .num_threads(n.max(1))
                .build_global()
                .context("cannot set the thread count")?;
        }
        let mut cfg = match &self.config {
            Some(path) => {
                let text = std::fs::read_to_string(path)
                    .with_context(|| format!("{}: cannot read", path.display()))?;
                config_file::parse(&text).map_err(|e| {
                    anyhow::anyhow!(
                        "{}: not a usable training configuration: {e}",
                        path.display()
                    )
                })?
            }
            None => TrainConfig::default(),
        };
        if let Some(e) = self.epochs {
            cfg.epochs = e;
        }
        if let Some(s) = self.seed {
            cfg.seed = s;
        }
        let dataset = load_dataset(&self.data).map_err(anyhow::Error::msg)?;
        eprintln!(
            "{}: {} clips, {} speakers, labels: {}",
            self.data.display(),
            dataset.clips.len(),
            dataset.speakers().len(),
            dataset.labels.join(", ")
        );
        Ok((dataset, cfg))
    }

    /// The clips of `speakers` as training examples (through the cache); unreadable files are
    /// reported as warnings and counted in the second value.
    pub fn load_side(
        &self,
        dataset: &Dataset,
        speakers: &[String],
        cfg: &TrainConfig,
    ) -> (Vec<Example>, usize) {
        let clips = Split::select(&dataset.clips, speakers);
        let (examples, failed) = load_examples(dataset, &clips, &cfg.audio, self.cache_dir(), true);
        for f in &failed {
            eprintln!("ser: warning: skipped {f}");
        }
        (examples, failed.len())
    }

    pub fn cache_dir(&self) -> Option<PathBuf> {
        if self.no_cache {
            None
        } else {
            self.cache
                .clone()
                .or_else(ser_train::cache::WaveCache::default_dir)
        }
    }
}
