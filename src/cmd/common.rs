//! Arguments and steps shared by the model commands.

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use ser_audio::Headerless;
use ser_model::{check_speeds, EmotionModel};
use ser_train::config_file;
use ser_train::corpus_for_model::{LabelledCorpus, ListedCorpus};
use ser_train::data::load_examples;
use ser_train::data::Example;
use ser_train::dataset::{load_dataset, Dataset};
use ser_train::split::Split;
use ser_train::train_config::TrainConfig;

/// Where to find the model; the bundled default when not given.
#[derive(clap::Args)]
pub struct ModelArg {
    /// Model directory (config.json + model.bpk); default: the bundled RAVDESS model.
    #[arg(long, value_name = "DIR")]
    pub model: Option<PathBuf>,
    /// Hear each clip also played at these speeds (e.g. 0.9,0.95,1,1.05,1.1, within 0.5-2)
    /// and classify it by the mean of the versions' logits, one forward pass per speed for
    /// each window (test-time speed averaging); replaces the model's own `speeds`.
    /// `--speeds 1`: each clip once.
    #[arg(long, value_name = "LIST", value_delimiter = ',', value_parser = speed)]
    pub speeds: Option<Vec<f32>>,
    /// Answer only with these of the model's labels (e.g. angry,happy,neutral,sad): each clip
    /// gets the most probable of them, their probabilities renormalised to sum to 1.
    #[arg(long, value_name = "LIST", value_delimiter = ',')]
    pub labels: Option<Vec<String>>,
    /// Leave the model's prosody head out (prosody.json, see `ser prosody`): the networks alone.
    #[arg(long)]
    pub no_prosody: bool,
}

/// How to read audio with no header whose name does not tell it.
#[derive(clap::Args, Clone, Copy, Debug, PartialEq)]
pub struct RawArg {
    /// Read headerless audio (no container opens it) as FORMAT: ulaw, alaw, s16le, s16be, vox
    /// (Dialogic ADPCM) or g722 (HD-voice calls, always 16 kHz), at RATE Hz (8000 if not
    /// given), CHANNELS interleaved (1). Files whose names tell a format (.ul, .al, .sln,
    /// .sln16, .vox, .g722…, .gsm) are read as they say, but at the rate given for their
    /// format: `--raw vox:6000` for .vox files recorded at 6 kHz. Directories are then searched for .raw and
    /// .pcm files too. Without it, headerless audio whose name tells nothing is refused.
    #[arg(long, value_name = "FORMAT[:RATE[:CHANNELS]]")]
    pub raw: Option<Headerless>,
}

impl RawArg {
    /// Opens `path` (`-`: standard input) for decoding.
    pub fn open(&self, path: &Path) -> Result<ser_audio::Decoder, ser_audio::AudioError> {
        crate::files::open_audio(path, self.raw)
    }
}

/// Which channel of multichannel recordings to read (all mixed down unless `--channel` says),
/// and how to read headerless ones.
#[derive(clap::Args)]
pub struct ChannelArg {
    /// Read only channel N (1: left, 2: right) of multichannel recordings instead of their
    /// mean, e.g. one side of a call recorded in stereo with each speaker on a channel.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    pub channel: Option<u16>,
    #[command(flatten)]
    pub raw: RawArg,
}

impl ChannelArg {
    /// Opens `path` (`-`: standard input) for reading the chosen channel.
    pub fn open(&self, path: &Path) -> Result<ser_audio::Decoder, ser_audio::AudioError> {
        self.raw
            .open(path)?
            .with_channel(self.channel.map(|n| usize::from(n) - 1))
    }
}

/// The model in `dir`, or the bundled one without a directory.
pub fn model_or_bundled(dir: Option<&Path>) -> Result<EmotionModel> {
    Ok(match dir {
        Some(dir) => EmotionModel::load(dir)?,
        None => EmotionModel::bundled()?,
    })
}

impl ModelArg {
    /// Loads the chosen model, hearing clips at `--speeds`, answering with `--labels` and
    /// without its prosody head (`--no-prosody`) when given.
    pub fn load(&self) -> Result<EmotionModel> {
        let mut model = model_or_bundled(self.model.as_deref())?;
        if self.no_prosody {
            model = model.without_prosody();
        }
        if let Some(speeds) = &self.speeds {
            check_speeds(speeds).map_err(|e| anyhow::anyhow!("--speeds: {e}"))?;
            model = model.with_speeds(speeds.clone())?;
        }
        if let Some(labels) = &self.labels {
            model = model
                .answering_only(labels)
                .map_err(|e| anyhow::anyhow!("--labels: {e}"))?;
        }
        Ok(model)
    }
}

/// One `--speeds` value, a number; the list is checked whole when the model is loaded.
fn speed(text: &str) -> Result<f32, String> {
    text.parse()
        .map_err(|_| format!("{text:?} is not a number"))
}

/// Lists the labelled corpus `data` (its headerless files to be read as `raw` says) for
/// `model`, telling on stderr how its labels were read as the model's.
pub fn list_corpus(
    data: &Path,
    raw: &RawArg,
    model: &EmotionModel,
    label_map: &[(String, String)],
    skip_unmatched: bool,
) -> Result<ListedCorpus> {
    let listed = ListedCorpus::list(data, raw.raw, model, label_map, skip_unmatched)
        .map_err(anyhow::Error::msg)?;
    for note in &listed.notes {
        eprintln!("ser: {note}");
    }
    Ok(listed)
}

/// Reads a listed corpus for `model`, reporting on stderr each file that could not be read.
pub fn read_corpus(
    listed: ListedCorpus,
    model: &EmotionModel,
    cache: Option<PathBuf>,
) -> LabelledCorpus {
    let corpus = listed.read(model, cache);
    for f in &corpus.failed {
        eprintln!("ser: error: {f}");
    }
    corpus
}

/// The command as it was typed (`ser` and its arguments, less those in `leave_out`), to
/// record how a model or result was made.
pub fn command_line(leave_out: &[&str]) -> String {
    std::iter::once("ser".to_string())
        .chain(
            std::env::args()
                .skip(1)
                .filter(|a| !leave_out.contains(&a.as_str())),
        )
        .collect::<Vec<_>>()
        .join(" ")
}

/// Checks a `--seeds` list: each seed once, and networks that can be averaged (one
/// temperature, so no `fit_temperature`, which fits one per network).
pub fn check_seed_list(seeds: &[u64], cfg: &TrainConfig) -> Result<()> {
    if let Some((i, seed)) = seeds
        .iter()
        .enumerate()
        .find(|(i, s)| seeds[..*i].contains(s))
    {
        anyhow::bail!("--seeds names {seed} twice (position {})", i + 1);
    }
    if seeds.len() > 1 && cfg.fit_temperature {
        anyhow::bail!(
            "--seeds averages networks of one temperature, but the configuration fits one per \
             network (\"fit_temperature\": true)"
        );
    }
    Ok(())
}

/// Options of commands that train.
#[derive(clap::Args, Debug, PartialEq)]
pub struct TrainArgs {
    /// Corpus: a RAVDESS-style directory, a folder per label, or a CSV manifest (columns
    /// path, label and, optionally, speaker).
    #[arg(long, value_name = "PATH")]
    pub data: PathBuf,
    #[command(flatten)]
    pub raw: RawArg,
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
    /// Start from this trained model's weights instead of random ones (fine-tuning; overrides
    /// the configuration's "init"): `bundled` for the model compiled into ser, or a model
    /// directory of the same network shape and features. Labels it knows keep their output.
    /// Such a run defaults to 5 epochs at learning rate 5e-4 (a configuration may set others).
    #[arg(long, value_name = "MODEL_DIR|bundled")]
    pub init: Option<PathBuf>,
    /// Speakers held out to choose the epoch whose weights are kept. 0: every speaker
    /// trains, the whole schedule runs and the last epoch's weights are kept.
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

    /// These options as command-line arguments, with `--threads threads`: how `ser cv --jobs`
    /// tells a child process to train as it would itself.
    pub fn to_args(&self, threads: usize) -> Vec<OsString> {
        let mut args: Vec<OsString> = vec!["--data".into(), self.data.clone().into()];
        let mut option = |name: &str, value: OsString| args.extend([name.into(), value]);
        if let Some(raw) = self.raw.raw {
            option("--raw", raw.to_string().into());
        }
        if let Some(config) = &self.config {
            option("--config", config.clone().into());
        }
        if let Some(epochs) = self.epochs {
            option("--epochs", epochs.to_string().into());
        }
        if let Some(seed) = self.seed {
            option("--seed", seed.to_string().into());
        }
        if let Some(init) = &self.init {
            option("--init", init.clone().into());
        }
        option("--valid-speakers", self.valid_speakers.to_string().into());
        option("--threads", threads.to_string().into());
        if let Some(cache) = &self.cache {
            option("--cache", cache.clone().into());
        }
        option("--device", self.device_name.clone().into());
        if self.no_cache {
            args.push("--no-cache".into());
        }
        args
    }

    /// Applies `--threads`, reads and checks the configuration, then reads the corpus.
    pub fn prepare(&self) -> Result<(Dataset, TrainConfig)> {
        if let Some(n) = self.threads {
            rayon::ThreadPoolBuilder::new()
                .num_threads(n.max(1))
                .build_global()
                .context("cannot set the thread count")?;
        }
        // No file: every key at its default.
        let (text, name) = match &self.config {
            Some(path) => (
                std::fs::read_to_string(path)
                    .with_context(|| format!("{}: cannot read", path.display()))?,
                path.display().to_string(),
            ),
            None => ("{}".to_string(), "the defaults".to_string()),
        };
        let mut cfg = config_file::parse(&text, self.init.as_deref())
            .map_err(|e| anyhow::anyhow!("{name}: not a usable training configuration: {e}"))?;
        if let Some(e) = self.epochs {
            cfg.epochs = e;
        }
        if let Some(s) = self.seed {
            cfg.seed = s;
        }
        let dataset = load_dataset(&self.data, self.raw.raw).map_err(anyhow::Error::msg)?;
        dataset
            .check_learnable()
            .map_err(|e| anyhow::anyhow!("{}: {e}", self.data.display()))?;
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

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::*;

    #[derive(Parser)]
    struct Command {
        #[command(flatten)]
        args: TrainArgs,
    }

    fn parse(args: Vec<OsString>) -> TrainArgs {
        Command::try_parse_from(std::iter::once(OsString::from("ser")).chain(args))
            .unwrap()
            .args
    }

    /// Every option survives the trip through `to_args`, so a `ser cv --jobs` child trains
    /// exactly as its parent was told to (a field added to `TrainArgs` must be added here).
    #[test]
    fn to_args_reproduces_every_option() {
        let given = [
            TrainArgs {
                data: "corpus dir".into(),
                raw: RawArg {
                    raw: Some("vox:6000".parse().unwrap()),
                },
                config: Some("c.json".into()),
                epochs: Some(7),
                seed: Some(9),
                init: Some("models/mine".into()),
                valid_speakers: 3,
                threads: Some(4),
                cache: Some("cache".into()),
                no_cache: false,
                device_name: "cpu".into(),
            },
            TrainArgs {
                data: "d".into(),
                raw: RawArg { raw: None },
                config: None,
                epochs: None,
                seed: None,
                init: None,
                valid_speakers: 2,
                threads: None,
                cache: None,
                no_cache: true,
                device_name: "cpu".into(),
            },
        ];
        for args in given {
            let back = parse(args.to_args(1));
            assert_eq!(
                back,
                TrainArgs {
                    threads: Some(1),
                    ..args
                }
            );
        }
    }
}
