//! `ser prosody`: fits a model's prosody head on a labelled corpus (see
//! `ser_model::prosody`) and writes the model with it.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{bail, Context, Result};
use ser_train::prosody_fit::{fit_on_examples, DEFAULT_WEIGHT};

use super::common::{list_corpus, model_or_bundled, read_corpus, RawArg};

/// Arguments of `ser prosody`.
#[derive(clap::Args)]
#[command(after_help = "Examples:
  ser prosody --data ../shared/data/ravdess --out models/with-prosody
  ser prosody --data corpus/ --model models/mine --out models/mine --weight 0.4

Fit it on the model's own training clips: scored on speakers it was fitted on, a model looks
better than it is. Networks and head together are surer than they are right; a softmax
temperature for them is fitted on speakers neither learned from: `ser cv` with the recipe's
configuration prints one (`temperature`), which --temperature gives the head.")]
pub struct ProsodyCmd {
    /// Labelled corpus to fit on (RAVDESS-style directory, folder per label, or CSV manifest);
    /// its labels are read as the model's, as `ser eval` reads them.
    #[arg(long, value_name = "PATH")]
    data: PathBuf,
    #[command(flatten)]
    raw: RawArg,
    /// Model directory to add the head to; default: the bundled RAVDESS model.
    #[arg(long, value_name = "DIR")]
    model: Option<PathBuf>,
    /// Where to write the model with its head (the --model directory itself replaces its head;
    /// another gets a copy of its files).
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
    /// How much the head's log-probabilities count against the networks' logits: 0.6 was best
    /// for single networks on cross-validation by actor, 0.2 for ensembles of six.
    #[arg(long, default_value_t = DEFAULT_WEIGHT)]
    weight: f32,
    /// Softmax temperature of networks and head together (the one `ser cv` fits across its
    /// folds); default: none, so the model's own (config.json) applies.
    #[arg(long)]
    temperature: Option<f32>,
    /// Cache directory for decoded audio (default: ~/.cache/ser).
    #[arg(long, value_name = "DIR")]
    cache: Option<PathBuf>,
}

pub fn run(cmd: ProsodyCmd) -> Result<ExitCode> {
    if !cmd.weight.is_finite() || cmd.weight < 0.0 {
        bail!("--weight must be a number ≥ 0, not {}", cmd.weight);
    }
    if let Some(t) = cmd.temperature.filter(|t| !(t.is_finite() && *t > 0.0)) {
        bail!("--temperature must be a number > 0, not {t}");
    }
    let model = model_or_bundled(cmd.model.as_deref())?;
    let listed = list_corpus(&cmd.data, &cmd.raw, &model, &[], false)?;
    // Before any clip is decoded: a corpus of one label is refused at once.
    listed
        .dataset
        .check_learnable()
        .map_err(|e| anyhow::anyhow!("{}: {e}", cmd.data.display()))?;
    let corpus = read_corpus(listed, &model, cmd.cache.clone());
    if corpus.examples.is_empty() {
        bail!("{}: no clip could be read", cmd.data.display());
    }
    let mut head = fit_on_examples(model.config(), &corpus.examples, cmd.weight);
    head.fitted_on = format!("{} in {}", head.fitted_on, cmd.data.display());
    head.temperature = cmd.temperature;
    let model = model.with_prosody(head, &cmd.out.display().to_string())?;
    let head = model.prosody().expect("the head was just added");
    match &cmd.model {
        // The directory's own files are copied as they are (weights are not re-encoded).
        Some(dir) => {
            copy_model_files(dir, &cmd.out)?;
            head.save_into(&cmd.out)
                .with_context(|| format!("{}: cannot write the head", cmd.out.display()))?;
        }
        None => model.save(&cmd.out)?,
    }
    let temperature = head
        .temperature
        .map_or(String::new(), |t| format!(", temperature {t}"));
    eprintln!(
        "ser: prosody head fitted on {}, weight {}{temperature}, written to {}",
        head.fitted_on,
        cmd.weight,
        cmd.out.display()
    );
    Ok(ExitCode::SUCCESS)
}

/// Copies the files of a model directory (configuration, weights, card, metrics, plots) into
/// `out`, unless they are the same directory; its old head is left behind.
fn copy_model_files(dir: &Path, out: &Path) -> Result<()> {
    std::fs::create_dir_all(out).with_context(|| format!("{}: cannot create", out.display()))?;
    if dir.canonicalize()? == out.canonicalize()? {
        return Ok(());
    }
    for entry in std::fs::read_dir(dir).with_context(|| format!("{}", dir.display()))? {
        let path = entry?.path();
        if path.is_file() && path.file_name() != Some(ser_model::prosody::PROSODY_FILE.as_ref()) {
            let to = out.join(path.file_name().expect("a file has a name"));
            let bytes = std::fs::read(&path).with_context(|| format!("{}", path.display()))?;
            ser_model::write_atomic(&to, &bytes).with_context(|| format!("{}", to.display()))?;
        }
    }
    Ok(())
}
