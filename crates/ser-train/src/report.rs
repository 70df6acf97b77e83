//! The files a trained model directory carries besides its weights: metrics.json, MODEL.md,
//! a training curve and a confusion matrix (SVG). Each is written to a temporary file and renamed.

use std::path::Path;

use serde::Serialize;
use serde_json::json;

pub use ser_model::write_atomic;
use ser_plot::{confusion_svg, line_chart_svg, Series};

use crate::calibration::Calibration;
use crate::epoch_stats::EpochStats;
use crate::metrics::Scores;
use crate::split::Split;
use crate::train_config::TrainConfig;
use crate::trainer::TrainOutcome;

/// Cross-validation results to quote in a model card.
#[derive(Debug, Clone, Serialize)]
pub struct CvSummary {
    /// Number of folds the speakers were divided into.
    pub folds: usize,
    /// The seeds of each fold's networks; with more than one, each fold's model is their
    /// ensemble (the mean of their probabilities).
    pub seeds: Vec<u64>,
    /// The folds that were run (1-based), in the order of the score vectors.
    pub fold_numbers: Vec<usize>,
    /// The command that ran it.
    pub command: String,
    /// Accuracy of each fold's test speakers.
    pub accuracy: Vec<f64>,
    /// UAR of each fold's test speakers.
    pub uar: Vec<f64>,
    /// Macro-F1 of each fold.
    pub macro_f1: Vec<f64>,
    /// Expected calibration error of each fold's test speakers at the temperature fitted on
    /// its validation speakers; empty when some fold was run before ser measured it.
    #[serde(default)]
    pub ece: Vec<f64>,
    /// The same at temperature 1 (the raw network).
    #[serde(default)]
    pub ece_uncalibrated: Vec<f64>,
    /// Expected calibration error of each fold's test speakers at the temperature fitted on
    /// the other folds' test speakers ([`crate::calibration::CrossFitted`]); empty with fewer
    /// than two folds or folds recorded without their clips' logits.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ece_cross_fitted: Vec<f64>,
    /// The temperature fitted on all folds' test speakers: the one for this recipe's model
    /// trained on every speaker (its prosody head's, or its configuration's without a head).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub temperature: Option<f32>,
}

/// Mean and (sample) standard deviation.
pub fn mean_sd(v: &[f64]) -> (f64, f64) {
    let n = v.len() as f64;
    if v.is_empty() {
        return (f64::NAN, f64::NAN);
    }
    let mean = v.iter().sum::<f64>() / n;
    let var = if v.len() > 1 {
        v.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0)
    } else {
        0.0
    };
    (mean, var.sqrt())
}

/// Training curves: losses and validation scores per epoch (those of a run with validation
/// speakers), the epoch whose weights were kept marked.
pub fn curves_svg(history: &[EpochStats], best_epoch: usize) -> String {
    let train = |f: fn(&EpochStats) -> f64| Some(history.iter().map(f).collect());
    let valid = |f: fn(&EpochStats) -> Option<f64>| history.iter().map(f).collect();
    let series: Vec<Series> = [
        ("train loss", "#d62728", train(|e| e.train_loss)),
        ("valid loss", "#ff9896", valid(|e| e.valid_loss)),
        ("train acc", "#1f77b4", train(|e| e.train_accuracy)),
        ("valid UAR", "#2ca02c", valid(|e| e.valid_uar)),
    ]
    .into_iter()
    .filter_map(|(name, colour, values)| {
        values.map(|values| Series {
            name,
            colour,
            values,
        })
    })
    .collect();
    line_chart_svg(
        "training curves",
        "epoch (dashed: weights kept)",
        &series,
        Some(best_epoch),
    )
}

/// What a model card says about where the data came from.
pub struct DataDescription<'a> {
    /// The corpus path as given.
    pub source: &'a str,
    /// `ravdess`, `manifest` or `folders`.
    pub kind: &'a str,
    /// Clips used.
    pub clips: usize,
    /// Files that could not be read.
    pub failed: usize,
}

/// Saves the model and its report files into `dir`.
pub fn write_model_dir(
    dir: &Path,
    outcome: &TrainOutcome,
    cfg: &TrainConfig,
    split: &Split,
    data: &DataDescription,
    cv: Option<&CvSummary>,
    command: &str,
) -> Result<(), String> {
    let err = |e: std::io::Error| format!("{}: {e}", dir.display());
    outcome.model.save(dir).map_err(|e| e.to_string())?;
    let metrics = json!({
        "config": cfg,
        "parameters": outcome.parameters,
        "best_epoch": outcome.best_epoch,
        "validation": outcome.valid_scores,
        "validation_calibration": outcome.calibration,
        "history": outcome.history,
        "split": split,
        "cross_validation": cv,
    });
    write_atomic(
        &dir.join("metrics.json"),
        &serde_json::to_vec_pretty(&metrics).expect("json"),
    )
    .map_err(err)?;
    write_atomic(
        &dir.join("curves.svg"),
        curves_svg(&outcome.history, outcome.best_epoch).as_bytes(),
    )
    .map_err(err)?;
    let confusion = dir.join("confusion.svg");
    match &outcome.valid_scores {
        Some(v) => write_atomic(
            &confusion,
            confusion_svg(&v.labels, &v.confusion, "validation speakers").as_bytes(),
        )
        .map_err(err)?,
        // Not a previous run's matrix beside this model.
        None => match std::fs::remove_file(&confusion) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(err(e)),
            _ => {}
        },
    }
    let card = model_card(outcome, cfg, split, data, cv, command);
    write_atomic(&dir.join("MODEL.md"), card.as_bytes()).map_err(err)
}

fn pct(x: f64) -> String {
    format!("{:.1} %", 100.0 * x)
}

fn model_card(
    outcome: &TrainOutcome,
    cfg: &TrainConfig,
    split: &Split,
    data: &DataDescription,
    cv: Option<&CvSummary>,
    command: &str,
) -> String {
    let labels = outcome.model.labels().join(", ");
    let cv_text = cv_section(cv);
    let (unlike, made_for) = scope_text(cfg);
    let duration = cfg.audio.duration_s.unwrap_or(0.0);
    format!(
        r#"# Model card

## What it does
Classifies a speech clip into one of: {labels}. Acted English speech (RAVDESS-like) is what
it learned from: expect lower accuracy on spontaneous speech, other languages, {unlike} and speakers unlike the training actors.{made_for} {confidence}

## Data
- Source: `{source}` ({kind}), {clips} clips used, {failed} unreadable files skipped.
- Training speakers: {train}
- Validation speakers (choose the epoch whose weights are kept): {valid}
- Test speakers: {test}

## Scores
{valid_scores}

{CV_START}
{cv_text}{CV_END}

## Input preparation
Audio is decoded, mixed to mono, resampled to {rate} Hz, trimmed of silence ({trim}),
and zero-padded to {dur} s; a longer clip is classified by {dur} s windows every {half} s
that cover it, by the mean of their logits (training cuts one {dur} s window out of it). Each
window's log-mel spectrogram ({mels} Slaney bands, {win}-sample window, {hop}-sample hop, dB
re max, {top_db}){standardized}.

## Network
{input}{blocks} convolution blocks ({channels:?} channels; conv 3×3, batch-norm, ReLU, {pools}),
a bidirectional LSTM ({hidden} units per direction), {pool} pooling over time, dropout
{dropout}, a linear classifier: {params} parameters.{prosody}

## Training
Cross-entropy{weights}{smoothing}{adversary}{teacher}, Adam (learning rate {lr}, cosine decay to 5 %, weight decay {wd}),
batch {batch}, {schedule}, seed {seed}{init}. Augmentation (training only): {aug}.

Reproduce with (the same weights on the same machine; on another CPU floating-point sums can
round differently and training take another course, as with another seed):

```sh
{command}
```

Full configuration:

```json
{config_json}
```

## Versions
ser {version}, burn 0.22.1 (flex CPU backend).
"#,
        source = data.source,
        kind = data.kind,
        clips = data.clips,
        failed = data.failed,
        train = Split::names(&split.train_speakers),
        valid = Split::names(&split.valid_speakers),
        test = Split::names(&split.test_speakers),
        valid_scores = valid_text(outcome),
        prosody = prosody_text(outcome),
        confidence = confidence_text(
            outcome.calibration.as_ref(),
            outcome.model.prosody().is_some()
        ),
        rate = cfg.audio.sample_rate,
        trim = cfg
            .audio
            .trim
            .map_or("no trimming".to_string(), |t| format!(
                "top_db {}",
                t.top_db
            )),
        dur = duration,
        half = duration / 2.0,
        mels = cfg.features.n_mels,
        win = cfg.features.win_length,
        hop = cfg.features.hop_length,
        top_db = cfg
            .features
            .top_db
            .map_or("no floor".to_string(), |t| format!("{t} dB floor")),
        standardized = match (cfg.standardize, cfg.standardize_over_signal) {
            (true, true) => " is standardised per band over the frames that hold signal",
            (true, false) => " is standardised per band",
            (false, _) => " goes to the network in dB",
        },
        input = if cfg.network.deltas {
            "Input: the log-mel with its Δ and ΔΔ over time (nine-frame regression) as channels.\n"
        } else {
            ""
        },
        blocks = cfg.network.conv_channels.len(),
        channels = cfg.network.conv_channels,
        pools = match cfg.network.time_pooled_blocks() {
            n if n == cfg.network.conv_channels.len() => "2×2 max-pool".to_string(),
            n => format!("2×2 max-pool in the first {n}, 2×1 (frequency only) after"),
        },
        hidden = cfg.network.lstm_hidden,
        pool = match (cfg.network.attention, cfg.network.pool_std) {
            (true, false) => "attention",
            (false, false) => "mean",
            (true, true) => "attentive statistics (weighted mean and standard deviation)",
            (false, true) => "statistics (mean and standard deviation)",
        },
        dropout = cfg.network.dropout,
        params = outcome.parameters,
        weights = if cfg.class_weights {
            " weighted by inverse class frequency"
        } else {
            ""
        },
        smoothing = if cfg.label_smoothing > 0.0 {
            format!(" with label smoothing {}", cfg.label_smoothing)
        } else {
            String::new()
        },
        adversary = if cfg.speaker_adversary > 0.0 {
            format!(
                ", against a speaker head behind a gradient reversal rising to {} \
                 (speaker-adversarial)",
                cfg.speaker_adversary
            )
        } else {
            String::new()
        },
        teacher = match &cfg.distill {
            Some(d) => format!(
                ", and taught by `{}` (weight {} of the loss on its probabilities at temperature {})",
                d.teacher.display(),
                d.weight,
                d.temperature
            ),
            None => String::new(),
        },
        init = match &cfg.init {
            Some(init) => format!(
                "; the network started from the weights of `{}` (fine-tuned), its output \
                 rows of the labels that model has kept",
                init.display()
            ),
            None => String::new(),
        },
        lr = cfg.learning_rate,
        wd = cfg.weight_decay,
        batch = cfg.batch_size,
        schedule = schedule_text(cfg, outcome.valid_scores.is_some()),
        seed = cfg.seed,
        aug = augment_text(cfg),
        config_json = serde_json::to_string_pretty(cfg).expect("json"),
        version = env!("CARGO_PKG_VERSION"),
    )
}

/// The recording conditions a card warns about, and what it adds on what the model is made
/// for: a model whose every training clip went through the simulated phone line is for call
/// audio, so its card names other conditions; any other warns about phone audio.
fn scope_text(cfg: &TrainConfig) -> (&'static str, &'static str) {
    if cfg.augment.telephone_prob >= 1.0 {
        (
            "noisy or reverberant audio",
            " Every training clip passed through a simulated\n8 kHz telephone line: it is made for phone audio (calls, 8 kHz recordings).",
        )
    } else {
        ("noisy phone\naudio", "")
    }
}

/// The card's sentence on the prosody head, empty without one.
fn prosody_text(outcome: &TrainOutcome) -> String {
    outcome.model.prosody().map_or(String::new(), |head| {
        format!(
            "\n\nProsody head (`prosody.json`): a logistic regression over {} statistics of the \
             whole clip (pitch by YIN, loudness, voiced timing, spectral balance; none depends on \
             the clip's length or pauses), fitted on the training clips ({}); its \
             log-probabilities, times {}, are added to the network's logits (`--no-prosody` \
             leaves it out).",
            head.features.len(),
            head.fitted_on,
            head.weight
        )
    })
}

/// The card's validation scores, or why there are none.
fn valid_text(outcome: &TrainOutcome) -> String {
    match &outcome.valid_scores {
        Some(v) => format!(
            "Validation speakers, weights of epoch {} of {}: accuracy {}, UAR {},\nmacro-F1 {} \
             (n = {}). Validation picks the epoch, so this is optimistic; the\ncross-validation \
             below is the honest estimate.",
            outcome.best_epoch,
            outcome.history.len(),
            pct(v.accuracy),
            pct(v.uar),
            pct(v.macro_f1),
            v.n
        ),
        None => "No validation speakers: every speaker trained it, so only the cross-validation \
                 below\nestimates how it does on new speakers."
            .to_string(),
    }
}

/// How long training ran and which epoch's weights were kept (`validated`: with validation
/// speakers to choose the epoch), for the card.
fn schedule_text(cfg: &TrainConfig, validated: bool) -> String {
    if cfg.average_last_epochs > 0 {
        format!(
            "{} epochs (the whole schedule), keeping the mean of the last {} epochs' weights",
            cfg.epochs, cfg.average_last_epochs
        )
    } else if !validated {
        format!(
            "{} epochs (the whole schedule), keeping the last epoch's weights",
            cfg.epochs
        )
    } else if !cfg.stops_early() {
        format!(
            "{} epochs (the whole schedule), keeping the weights of the epoch with the best \
             validation UAR",
            cfg.epochs
        )
    } else {
        format!(
            "at most {} epochs, early stopping on validation UAR with patience {}",
            cfg.epochs, cfg.patience
        )
    }
}

/// What a confidence of this model means, for its card: the softmax of the network's logits,
/// or with a prosody head (`with_head`) of theirs summed (see `EmotionModel::logits`).
fn confidence_text(c: Option<&Calibration>, with_head: bool) -> String {
    let measured = "on new speakers and corpora expect it to be off by more";
    let softmax = if with_head {
        "the softmax probability of the network's\nand prosody head's summed logits"
    } else {
        "the network's\nsoftmax probability"
    };
    let Some(c) = c else {
        return format!(
            "A confidence is {softmax} (no validation speakers measured its calibration; a\n\
             cross-validation measures it on unseen speakers)."
        );
    };
    if c.temperature == 1.0 {
        format!(
            "A confidence is {softmax}; on the validation speakers the expected calibration error is {}\n(how far confidences are from how often the model is right; {measured}).",
            pct(c.ece)
        )
    } else {
        format!(
            "A confidence is {softmax} at temperature {:.2}, fitted on the validation speakers (expected\ncalibration error there {}, {} at temperature 1; {measured}).",
            c.temperature,
            pct(c.ece),
            pct(c.ece_uncalibrated)
        )
    }
}

/// Where a card's cross-validation section starts and ends (what `record_cv` replaces).
pub(crate) const CV_START: &str = "<!-- cross-validation -->";
pub(crate) const CV_END: &str = "<!-- /cross-validation -->";

/// The model card's cross-validation section.
pub(crate) fn cv_section(cv: Option<&CvSummary>) -> String {
    let Some(cv) = cv else {
        return "No cross-validation has been recorded for this model yet.\n".to_string();
    };
    // "mean ± sd" of one score over the folds.
    let spread = |v: &[f64]| {
        let (m, sd) = mean_sd(v);
        format!("{} ± {}", pct(m), pct(sd))
    };
    let rows: Vec<String> = (0..cv.accuracy.len())
        .map(|i| {
            format!(
                "| {} | {} | {} | {} |",
                cv.fold_numbers.get(i).copied().unwrap_or(i + 1),
                pct(cv.accuracy[i]),
                pct(cv.uar[i]),
                pct(cv.macro_f1[i])
            )
        })
        .collect();
    let calibration = if cv.ece.is_empty() || cv.ece.len() != cv.accuracy.len() {
        String::new()
    } else if cv.ece == cv.ece_uncalibrated {
        format!(
            "\nConfidence on the test speakers: expected calibration error {}.\n",
            spread(&cv.ece)
        )
    } else {
        format!(
            "\nConfidence on the test speakers: expected calibration error {} with the\ntemperature fitted on each fold's validation speakers, {} at temperature 1.\n",
            spread(&cv.ece),
            spread(&cv.ece_uncalibrated)
        )
    };
    let cross_fitted = match cv.temperature {
        Some(t) if cv.ece_cross_fitted.len() == cv.accuracy.len() => format!(
            "\nA temperature fitted on the other folds' test speakers leaves each fold an error of\n{}; fitted on all folds it is {t:.3}, the one for this recipe trained on every speaker\n(its prosody head's `temperature`, or `config.json`'s without a head).\n",
            spread(&cv.ece_cross_fitted)
        ),
        _ => String::new(),
    };
    let ensemble = if cv.seeds.len() > 1 {
        let seeds: Vec<String> = cv.seeds.iter().map(u64::to_string).collect();
        format!(
            "Each fold's model is an ensemble of {} networks (seeds {}), trained alike and\naveraged as this model's are.\n\n",
            cv.seeds.len(),
            seeds.join(", ")
        )
    } else {
        String::new()
    };
    format!(
        "Cross-validation by speaker with the same configuration ({} of {} folds; each fold's\nactors unseen in its training; command: `{}`):\n\n{ensemble}| fold | accuracy | UAR | macro-F1 |\n|---|---|---|---|\n{}\n| **mean ± sd** | **{}** | **{}** | **{}** |\n{}{cross_fitted}",
        cv.accuracy.len(),
        cv.folds,
        cv.command,
        rows.join("\n"),
        spread(&cv.accuracy),
        spread(&cv.uar),
        spread(&cv.macro_f1),
        calibration
    )
}

/// Records a cross-validation in an existing model directory: its card's cross-validation
/// section is replaced and metrics.json gains a `cross_validation` entry.
pub fn record_cv(dir: &Path, cv: &CvSummary) -> Result<(), String> {
    let err = |e: &dyn std::fmt::Display| format!("{}: {e}", dir.display());
    let card_path = dir.join("MODEL.md");
    let card = std::fs::read_to_string(&card_path).map_err(|e| err(&e))?;
    let (Some(a), Some(b)) = (card.find(CV_START), card.find(CV_END)) else {
        return Err(err(&"MODEL.md has no cross-validation section to replace"));
    };
    let card = format!(
        "{}{CV_START}\n{}{}",
        &card[..a],
        cv_section(Some(cv)),
        &card[b..]
    );
    write_atomic(&card_path, card.as_bytes()).map_err(|e| err(&e))?;
    let metrics_path = dir.join("metrics.json");
    let mut metrics: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&metrics_path).map_err(|e| err(&e))?)
            .map_err(|e| err(&e))?;
    metrics["cross_validation"] = serde_json::to_value(cv).expect("json");
    write_atomic(
        &metrics_path,
        &serde_json::to_vec_pretty(&metrics).expect("json"),
    )
    .map_err(|e| err(&e))
}

fn augment_text(cfg: &TrainConfig) -> String {
    let a = &cfg.augment;
    let mut parts = Vec::new();
    if a.join_prob > 0.0 {
        parts.push(format!(
            "{:.0} % of clips joined to another of their speaker and label ({}-{} s pause)",
            100.0 * a.join_prob,
            a.join_gap_s.0,
            a.join_gap_s.1
        ));
    }
    if !a.speed_factors.is_empty() {
        let speeds: Vec<String> = a.speed_factors.iter().map(|f| format!("{f}")).collect();
        parts.push(format!("speed perturbation ×{{{}}}", speeds.join(", ")));
    }
    if a.random_shift {
        parts.push("random placement in the window".to_string());
    }
    if a.babble_prob > 0.0 {
        parts.push(format!(
            "{} other speakers talking behind {:.0} % of clips at {}-{} dB SNR",
            crate::augment::BABBLE_TALKERS,
            100.0 * a.babble_prob,
            a.babble_snr_db.0,
            a.babble_snr_db.1
        ));
    }
    if a.reverb_prob > 0.0 {
        parts.push(format!(
            "a synthetic room on {:.0} % of clips (RT60 {}-{} s)",
            100.0 * a.reverb_prob,
            a.rt60_s.0,
            a.rt60_s.1
        ));
    }
    if a.telephone_prob > 0.0 {
        parts.push(format!(
            "the telephone band (8 kHz) on {:.0} % of clips",
            100.0 * a.telephone_prob
        ));
    }
    if a.hum_prob > 0.0 {
        parts.push(format!(
            "mains hum on {:.0} % of clips at {}-{} dB below the speech",
            100.0 * a.hum_prob,
            a.hum_snr_db.0,
            a.hum_snr_db.1
        ));
    }
    if a.noise_prob > 0.0 {
        parts.push(format!(
            "white noise on {:.0} % of clips at {}-{} dB SNR",
            100.0 * a.noise_prob,
            a.snr_db.0,
            a.snr_db.1
        ));
    }
    if a.vtlp_range > 0.0 {
        parts.push(format!(
            "vocal tract length perturbation (α in 1 ± {})",
            a.vtlp_range
        ));
    }
    if a.freq_masks + a.time_masks > 0 {
        parts.push(format!(
            "SpecAugment ({}×≤{} bands, {}×≤{} frames)",
            a.freq_masks, a.freq_mask_width, a.time_masks, a.time_mask_width
        ));
    }
    if a.mixup_alpha > 0.0 {
        parts.push(format!("mixup of log-mel inputs (α = {})", a.mixup_alpha));
    }
    if parts.is_empty() {
        "none".into()
    } else {
        parts.join(", ")
    }
}

/// Scores of a whole cross-validation pooled over folds (sums of confusion matrices).
pub fn pooled(labels: &[String], folds: &[Scores]) -> Scores {
    let k = labels.len();
    let mut m = vec![vec![0usize; k]; k];
    for s in folds {
        for (i, row) in s.confusion.iter().enumerate() {
            for (j, c) in row.iter().enumerate() {
                m[i][j] += c;
            }
        }
    }
    Scores::from_confusion(labels, m)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_phone_model_card_says_it_is_made_for_phone_audio() {
        let mut cfg = TrainConfig::default();
        let (unlike, made_for) = scope_text(&cfg);
        assert!(unlike.contains("phone"));
        assert_eq!(made_for, "");
        // A share of phone-line clips does not make a phone model.
        cfg.augment.telephone_prob = 0.1;
        let (unlike, made_for) = scope_text(&cfg);
        assert!(unlike.contains("phone"));
        assert_eq!(made_for, "");
        cfg.augment.telephone_prob = 1.0;
        let (unlike, made_for) = scope_text(&cfg);
        assert!(!unlike.contains("phone"));
        assert!(made_for.contains("made for phone audio"));
    }

    #[test]
    fn a_card_says_whose_logits_a_confidence_is_the_softmax_of() {
        let head = "network's\nand prosody head's summed logits";
        assert!(confidence_text(None, true).contains(head));
        assert!(!confidence_text(None, false).contains("prosody"));
        let fitted = Calibration {
            temperature: 1.5,
            ece_uncalibrated: 0.12,
            ece: 0.08,
            bins: Vec::new(),
        };
        let text = confidence_text(Some(&fitted), true);
        assert!(
            text.contains(head) && text.contains("temperature 1.50"),
            "{text}"
        );
    }

    #[test]
    fn the_card_names_early_stopping_only_when_it_could_stop() {
        let mut cfg = TrainConfig {
            epochs: 80,
            patience: 80,
            ..TrainConfig::default()
        };
        assert_eq!(
            schedule_text(&cfg, true),
            "80 epochs (the whole schedule), keeping the weights of the epoch with the best \
             validation UAR"
        );
        // The last epoch cannot be stopped before either: patience 79 of 80 never stops.
        cfg.patience = 79;
        assert!(schedule_text(&cfg, true).starts_with("80 epochs (the whole schedule)"));
        cfg.patience = 20;
        assert_eq!(
            schedule_text(&cfg, true),
            "at most 80 epochs, early stopping on validation UAR with patience 20"
        );
        cfg.patience = 80;
        cfg.average_last_epochs = 10;
        assert_eq!(
            schedule_text(&cfg, true),
            "80 epochs (the whole schedule), keeping the mean of the last 10 epochs' weights"
        );
        cfg.average_last_epochs = 0;
        assert_eq!(
            schedule_text(&cfg, false),
            "80 epochs (the whole schedule), keeping the last epoch's weights"
        );
    }
}
