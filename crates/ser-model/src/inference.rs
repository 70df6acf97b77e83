//! Loading a model and classifying audio with it.

use std::path::Path;

use burn::module::Module;
use burn::store::ModuleRecord;
use burn::tensor::activation::softmax;
use burn::tensor::{Bytes, Device, Tensor, TensorData};
use rayon::prelude::*;
use ser_audio::{Audio, AudioError};
use ser_features::{standardize, standardize_over_signal, Extractor, Prosody};

use crate::atomic::write_atomic;
use crate::clips::clip_logits;
use crate::config::{check_speeds, ModelConfig};
use crate::ensemble::{weights_file, Ensemble};
use crate::error::ModelError;
use crate::label_match::match_labels;
use crate::network::Network;
use crate::prediction::Prediction;
use crate::prosody::{ProsodyHead, PROSODY_FILE};
use crate::tensor_values;

/// File name of the configuration inside a model directory.
pub const CONFIG_FILE: &str = "config.json";

/// A model ready for inference: configuration, feature extractor and its network(s) (CPU).
pub struct EmotionModel {
    config: ModelConfig,
    /// The outputs it answers with, as indices into `config.labels`: all, unless
    /// [`Self::answering_only`] chose some.
    answers: Vec<usize>,
    /// Their labels.
    answer_labels: Vec<String>,
    extractor: Extractor,
    ensemble: Ensemble,
    /// The prosody head, if the model has one, with the planned measures it reads.
    prosody: Option<(ProsodyHead, Prosody)>,
    device: Device,
}

/// The network input for one clip of fitted samples: its log-mel spectrogram, standardised
/// per band if the model says so, flattened as `[mels × frames]`. Training and inference both
/// go through this function, so they cannot prepare clips differently.
pub fn prepare_features(config: &ModelConfig, extractor: &Extractor, samples: &[f32]) -> Vec<f32> {
    let mut log_mel = extractor.log_mel(samples);
    match (config.standardize, config.standardize_over_signal) {
        (true, true) => standardize_over_signal(&mut log_mel),
        (true, false) => standardize(&mut log_mel),
        (false, _) => {}
    }
    log_mel.into_raw_vec_and_offset().0
}

impl EmotionModel {
    /// Loads a model directory: `config.json`, the weights of its `members` networks
    /// (`model.bpk`, then `model.2.bpk`, … see [`weights_file`]) and its prosody head
    /// (`prosody.json`) if it has one.
    pub fn load(dir: impl AsRef<Path>) -> Result<Self, ModelError> {
        let dir = dir.as_ref();
        let name = dir.display().to_string();
        let not_a_model = |why| {
            Err(ModelError::NotAModel {
                path: name.clone(),
                why,
            })
        };
        if !dir.exists() {
            return not_a_model("no such model directory");
        } else if !dir.is_dir() {
            return not_a_model("not a directory");
        } else if !dir.join(CONFIG_FILE).exists() {
            return not_a_model("not a model directory: it holds no config.json");
        }
        let read = |file: &str| {
            let path = dir.join(file);
            std::fs::read(&path).map_err(|error| ModelError::Io {
                path: path.display().to_string(),
                error,
            })
        };
        let config = parse_config(&read(CONFIG_FILE)?, &name)?;
        let weights = (0..config.members)
            .map(|i| read(&weights_file(i)))
            .collect::<Result<_, _>>()?;
        let model = Self::with_weights(config, weights, &name)?;
        if !dir.join(PROSODY_FILE).exists() {
            return Ok(model);
        }
        let head = ProsodyHead::from_json(&read(PROSODY_FILE)?, &name)?;
        model.with_prosody(head, &name)
    }

    /// Builds a model from the contents of its files: the configuration and the weights of
    /// each member network, in order; `name` is used in errors.
    pub fn from_bytes(
        config: &[u8],
        weights: Vec<Vec<u8>>,
        name: &str,
    ) -> Result<Self, ModelError> {
        Self::with_weights(parse_config(config, name)?, weights, name)
    }

    fn with_weights(
        config: ModelConfig,
        weights: Vec<Vec<u8>>,
        name: &str,
    ) -> Result<Self, ModelError> {
        let device = crate::cpu();
        let networks = weights
            .into_iter()
            .enumerate()
            .map(|(i, bytes)| {
                let bad_weights = |why: String| ModelError::BadWeights {
                    path: format!("{name}/{}", weights_file(i)),
                    why,
                };
                let record = ModuleRecord::from_bytes(Bytes::from_bytes_vec(bytes))
                    .map_err(|e| bad_weights(e.to_string()))?;
                let network = Self::fresh_network(&config, &device)
                    .try_load_record(record)
                    .map_err(|e| bad_weights(e.to_string()))?;
                Ok(network.valid())
            })
            .collect::<Result<_, ModelError>>()?;
        Self::assemble(config, networks, device)
    }

    /// A model around an already trained network (as training produces it).
    pub fn from_network(config: ModelConfig, network: Network) -> Result<Self, ModelError> {
        config.validate().map_err(|why| ModelError::BadConfig {
            path: "(in memory)".into(),
            why,
        })?;
        Self::assemble(config, vec![network.valid()], crate::cpu())
    }

    /// One model whose networks are all those of `models`, weighted alike: its probabilities
    /// are the mean of theirs. A prosody head that every model carries alike (networks trained
    /// on the same clips, as `--seeds` trains them) is kept; differing ones are left out, and
    /// `ser prosody` fits the ensemble one. The models must agree on everything but their weights (labels,
    /// audio preparation, features, network shape, temperature), so a clip is prepared once.
    pub fn combine(models: Vec<EmotionModel>) -> Result<Self, ModelError> {
        let Some(first) = models.first() else {
            return Err(ModelError::Incompatible("no models to combine".into()));
        };
        let (config, device) = (first.config.clone(), first.device.clone());
        for (i, model) in models.iter().enumerate().skip(1) {
            let differ = differences(&config, &model.config);
            if !differ.is_empty() {
                return Err(ModelError::Incompatible(format!(
                    "model {} differs from the first in: {}",
                    i + 1,
                    differ.join(", ")
                )));
            }
        }
        let shared_head = models[0]
            .prosody
            .clone()
            .filter(|(head, _)| models.iter().all(|m| m.prosody() == Some(head)));
        let networks: Vec<Network> = models
            .into_iter()
            .flat_map(|m| m.ensemble.networks().to_vec())
            .collect();
        let config = ModelConfig {
            members: networks.len(),
            ..config
        };
        Ok(Self {
            prosody: shared_head,
            ..Self::assemble(config, networks, device)?
        })
    }

    fn assemble(
        config: ModelConfig,
        networks: Vec<Network>,
        device: Device,
    ) -> Result<Self, ModelError> {
        let bad_config = |why: String| ModelError::BadConfig {
            path: CONFIG_FILE.into(),
            why,
        };
        if networks.len() != config.members {
            return Err(bad_config(format!(
                "the configuration names {} network(s), but weights of {} were given",
                config.members,
                networks.len()
            )));
        }
        let extractor =
            Extractor::new(config.features.clone()).map_err(|e| bad_config(e.to_string()))?;
        Ok(Self {
            answers: (0..config.labels.len()).collect(),
            answer_labels: config.labels.clone(),
            config,
            extractor,
            ensemble: Ensemble::new(networks),
            prosody: None,
            device,
        })
    }

    /// A freshly initialised network of the shape `config` describes.
    pub fn fresh_network(config: &ModelConfig, device: &Device) -> Network {
        Network::new(
            &config.network,
            config.features.n_mels,
            config.labels.len(),
            device,
        )
    }

    /// Writes `config.json`, each network's weights and the prosody head (or removes one that
    /// `dir` held) into `dir`, each to a temporary file
    /// that is then renamed, so a crash never leaves a half-written file under the final name.
    /// The configuration comes last: it names how many weights files there are. Weights of
    /// further networks that a larger model saved into `dir` left are then removed.
    pub fn save(&self, dir: impl AsRef<Path>) -> Result<(), ModelError> {
        let dir = dir.as_ref();
        let io = |path: &Path| {
            let path = path.display().to_string();
            move |error| ModelError::Io { path, error }
        };
        std::fs::create_dir_all(dir).map_err(io(dir))?;
        let mut files = Vec::new();
        for (i, network) in self.ensemble.networks().iter().enumerate() {
            let weights =
                network
                    .clone()
                    .into_record()
                    .into_bytes()
                    .map_err(|e| ModelError::BadWeights {
                        path: dir.display().to_string(),
                        why: e.to_string(),
                    })?;
            files.push((weights_file(i), weights.to_vec()));
        }
        let config = serde_json::to_vec_pretty(&self.config).expect("config serialises");
        let head_path = dir.join(PROSODY_FILE);
        match &self.prosody {
            Some((head, _)) => head.save_into(dir).map_err(io(&head_path))?,
            None if head_path.exists() => {
                std::fs::remove_file(&head_path).map_err(io(&head_path))?
            }
            None => {}
        }
        files.push((CONFIG_FILE.into(), config));
        for (name, bytes) in files {
            let path = dir.join(name);
            write_atomic(&path, &bytes).map_err(io(&path))?;
        }
        for stale in (self.config.members..).map(|i| dir.join(weights_file(i))) {
            if !stale.exists() {
                break;
            }
            std::fs::remove_file(&stale).map_err(io(&stale))?;
        }
        Ok(())
    }

    /// This model hearing each clip at `speeds` (test-time speed averaging, see
    /// [`ModelConfig::speeds`]), whatever its configuration said. Empty, or speed 1 alone:
    /// each clip once, as recorded, at the plain cost.
    pub fn with_speeds(self, speeds: Vec<f32>) -> Result<Self, ModelError> {
        check_speeds(&speeds).map_err(|why| ModelError::BadConfig {
            path: "speeds".into(),
            why,
        })?;
        let speeds = if speeds == [1.0] { Vec::new() } else { speeds };
        Ok(Self {
            config: ModelConfig {
                speeds,
                ..self.config
            },
            ..self
        })
    }

    /// This model answering only with `labels`, some of its own (read as
    /// [`crate::label_match`] reads names: `anger` is `angry`), in its order: each clip gets
    /// the most probable of them, and only their probabilities, renormalised to sum to 1, are
    /// reported. For uses that need fewer emotions than the model knows (angry, happy, neutral
    /// and sad in a call center): the other outputs no longer take clips from them. The
    /// network is unchanged. On the neutral, happy, sad and angry clips of the bundled recipe's
    /// five-fold CV, its networks scored 59.3 % over their 8 labels and 72.1 % over those 4
    /// (`experiments/2026-12-04-fine-tuning`).
    pub fn answering_only(self, labels: &[String]) -> Result<Self, ModelError> {
        let own = &self.config.labels;
        let matched = match_labels(labels, own, &[], true).map_err(ModelError::UnknownLabels)?;
        if let Some(unknown) = matched.skipped.first() {
            return Err(ModelError::UnknownLabels(format!(
                "the model has no label {unknown:?} (its labels: {})",
                own.join(", ")
            )));
        }
        let answers: Vec<usize> = (0..own.len())
            .filter(|i| matched.targets.contains(&Some(*i)))
            .collect();
        if answers.is_empty() {
            return Err(ModelError::UnknownLabels(
                "no labels to answer with".to_string(),
            ));
        }
        let answer_labels = answers.iter().map(|&i| own[i].clone()).collect();
        Ok(Self {
            answers,
            answer_labels,
            ..self
        })
    }

    /// This model with `head` adding its prosodic evidence to every clip's logits (see
    /// [`crate::prosody`]); `name` (where the head came from) is used in errors.
    pub fn with_prosody(self, head: ProsodyHead, name: &str) -> Result<Self, ModelError> {
        head.validate(&self.config.labels)
            .map_err(|why| ModelError::BadConfig {
                path: format!("{name}/{PROSODY_FILE}"),
                why,
            })?;
        let measures = Prosody::new(self.config.audio.sample_rate);
        Ok(Self {
            prosody: Some((head, measures)),
            ..self
        })
    }

    /// This model without its prosody head: the networks alone.
    pub fn without_prosody(self) -> Self {
        Self {
            prosody: None,
            ..self
        }
    }

    /// The prosody head, if the model has one.
    pub fn prosody(&self) -> Option<&ProsodyHead> {
        self.prosody.as_ref().map(|(head, _)| head)
    }

    /// The softmax temperature of this model's logits ([`Self::logits`]): its prosody head's
    /// when the head carries one (fitted for networks and head together), else the
    /// configuration's. So leaving the head out ([`Self::without_prosody`]) also leaves out
    /// the temperature fitted with it.
    pub fn temperature(&self) -> f32 {
        self.prosody()
            .and_then(|head| head.temperature)
            .unwrap_or(self.config.temperature)
    }

    /// Logits `[clips × config().labels]` of clips prepared as [`Self::predict_clips`] takes
    /// them: the networks' ([`clip_logits`]) plus, with a prosody head, its weighted
    /// log-probabilities. Everything that scores clips (prediction, `ser eval`, `ser cv`)
    /// goes through here.
    pub fn logits<C: AsRef<[f32]> + Sync>(&self, clips: &[C]) -> Vec<f32> {
        let mut logits = clip_logits(&self.ensemble, &self.config, &self.extractor, clips);
        if let Some((head, measures)) = &self.prosody {
            let k = self.config.labels.len();
            let evidence: Vec<Vec<f32>> = clips
                .par_iter()
                .map(|clip| head.log_probabilities(&measures.measure(clip.as_ref())))
                .collect();
            for (row, log_p) in logits.chunks_mut(k).zip(evidence) {
                for (l, p) in row.iter_mut().zip(log_p) {
                    *l += head.weight * p;
                }
            }
        }
        logits
    }

    /// The model's configuration; its `labels` are all of the network's outputs.
    pub fn config(&self) -> &ModelConfig {
        &self.config
    }

    /// The labels the model answers with, in output order: all of the network's, unless
    /// [`Self::answering_only`] chose some.
    pub fn labels(&self) -> &[String] {
        &self.answer_labels
    }

    /// The index among the network's outputs (`config().labels`) of each of [`Self::labels`].
    pub fn label_indices(&self) -> &[usize] {
        &self.answers
    }

    /// The feature extractor configured for this model.
    pub fn extractor(&self) -> &Extractor {
        &self.extractor
    }

    /// The network(s), in inference mode.
    pub fn ensemble(&self) -> &Ensemble {
        &self.ensemble
    }

    /// Reads an audio file as this model hears it: decoded, mixed to mono, resampled to the
    /// model's rate, trimmed and offset as in training, at its whole length (not fitted to the
    /// window: [`Self::predict_clips`] covers a long clip with windows).
    pub fn hear_file(&self, path: impl AsRef<Path>) -> Result<Audio, AudioError> {
        self.hear(ser_audio::Decoder::open(path)?)
    }

    /// [`Self::hear_file`] for what an opened decoder reads: an in-memory file (an upload,
    /// [`ser_audio::Decoder::from_bytes`]), or one channel of a call recorded in stereo
    /// ([`ser_audio::Decoder::with_channel`]), the other channels then beside it
    /// ([`Audio::others`]) for the speech check to leave their bleed out.
    pub fn hear(&self, decoder: ser_audio::Decoder) -> Result<Audio, AudioError> {
        ser_audio::load_beside_others(decoder, &self.config.audio.whole())
    }

    /// What [`Self::hear`] gives, from audio already read whole at the model's rate
    /// ([`ser_audio::LoadOptions::unshaped`]), without reading it again: a server's upload,
    /// also drawn and analysed whole.
    pub fn hear_read(&self, audio: Audio) -> Audio {
        audio.shaped(&self.config.audio.whole())
    }

    /// Reads ([`Self::hear_file`]) and classifies ([`Self::predict_clips`]) an audio file,
    /// whatever it holds: `ser predict` and the API first refuse silence and clips without
    /// speech and cut long pauses short (`ser_analyze::speech_in`), which would still get an
    /// emotion, and be heard whole, here.
    pub fn predict_file(&self, path: impl AsRef<Path>) -> Result<Prediction, ModelError> {
        let audio = self.hear_file(path)?;
        Ok(self.predict_clips(&[audio.samples]).remove(0))
    }

    /// Classifies clips at this model's sample rate, trimmed and offset as
    /// [`Self::hear_file`] reads them, of any lengths: a clip that fits the model's
    /// window is zero-padded at its end, a longer one is classified by the mean logits of
    /// windows that cover it (see [`clip_logits`]).
    pub fn predict_clips<C: AsRef<[f32]> + Sync>(&self, clips: &[C]) -> Vec<Prediction> {
        if clips.is_empty() {
            return Vec::new();
        }
        let logits = self.logits(clips);
        let answered: Vec<f32> = logits
            .chunks(self.config.labels.len())
            .flat_map(|row| self.answers.iter().map(|&i| row[i]))
            .collect();
        let k = self.answers.len();
        let logits =
            Tensor::<2>::from_data(TensorData::new(answered, [clips.len(), k]), &self.device);
        let probs = tensor_values(softmax(logits / self.temperature(), 1));
        probs
            .chunks(k)
            .map(|row| Prediction::from_probabilities(&self.answer_labels, row))
            .collect()
    }
}

/// Reads and checks a model configuration; `name` (the model) is used in errors.
fn parse_config(bytes: &[u8], name: &str) -> Result<ModelConfig, ModelError> {
    let bad_config = |why: String| ModelError::BadConfig {
        path: format!("{name}/{CONFIG_FILE}"),
        why,
    };
    let config: ModelConfig =
        serde_json::from_slice(bytes).map_err(|e| bad_config(e.to_string()))?;
    config.validate().map_err(bad_config)?;
    Ok(config)
}

/// The parts of two configurations, besides their member counts, that differ (`"labels"`,
/// `"network"`, …): what keeps two models from being combined, or one from starting another.
pub fn differences(a: &ModelConfig, b: &ModelConfig) -> Vec<&'static str> {
    // Destructured so that a new field cannot be forgotten here.
    let ModelConfig {
        format_version,
        labels,
        audio,
        features,
        standardize,
        standardize_over_signal,
        network,
        temperature,
        members: _,
        speeds,
    } = a;
    [
        ("format_version", *format_version == b.format_version),
        ("labels", *labels == b.labels),
        ("audio", *audio == b.audio),
        ("features", *features == b.features),
        ("standardize", *standardize == b.standardize),
        (
            "standardize_over_signal",
            *standardize_over_signal == b.standardize_over_signal,
        ),
        ("network", *network == b.network),
        ("temperature", *temperature == b.temperature),
        ("speeds", *speeds == b.speeds),
    ]
    .into_iter()
    .filter(|(_, same)| !same)
    .map(|(part, _)| part)
    .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `secs` seconds at 16 kHz of a 220 Hz tone whose loudness swells 3 times a second.
    fn tone(secs: f64) -> Vec<f32> {
        let n = (secs * 16_000.0) as usize;
        (0..n)
            .map(|i| {
                let t = i as f32 / 16_000.0;
                let swell = 0.5 + 0.5 * (std::f32::consts::TAU * 3.0 * t).sin();
                0.3 * swell * (std::f32::consts::TAU * 220.0 * t).sin()
            })
            .collect()
    }

    fn assert_same(a: &Prediction, b: &Prediction) {
        assert_eq!(a.label, b.label);
        for ((la, pa), (lb, pb)) in a.probabilities.iter().zip(&b.probabilities) {
            assert_eq!(la, lb);
            assert!((pa - pb).abs() < 1e-5, "{la}: {pa} against {pb}");
        }
    }

    /// Softmax of `logits / t`.
    fn softmax_at(logits: &[f32], t: f32) -> Vec<f32> {
        let total: f32 = logits.iter().map(|v| (v / t).exp()).sum();
        logits.iter().map(|v| (v / t).exp() / total).collect()
    }

    #[test]
    fn the_temperature_fitted_with_the_head_goes_with_it() {
        let clip = tone(3.0);
        let with = EmotionModel::bundled().unwrap();
        let t = with.prosody().unwrap().temperature.unwrap();
        assert!(t > 1.0 && with.config().temperature == 1.0);
        assert_eq!(with.temperature(), t);
        let without = EmotionModel::bundled().unwrap().without_prosody();
        assert_eq!(without.temperature(), 1.0);
        for (model, t) in [(&with, t), (&without, 1.0)] {
            let want = softmax_at(&model.logits(&[&clip]), t);
            let got = &model.predict_clips(&[&clip])[0].probabilities;
            for ((label, p), w) in got.iter().zip(want) {
                assert!((p - w).abs() < 1e-5, "{label}: {p} against {w} at {t}");
            }
        }
    }

    #[test]
    fn clips_of_any_length_share_a_batch() {
        // The networks alone: the prosody head reads a clip as given, padding included.
        let model = EmotionModel::bundled().unwrap().without_prosody();
        let (short, long) = (tone(1.0), tone(5.0));
        let batch = model.predict_clips(&[short.clone(), tone(3.0), long.clone()]);
        assert_eq!(batch.len(), 3);
        // Each clip is classified as it is alone; a short one is padded with silence at its end.
        let mut padded = short;
        padded.resize(3 * 16_000, 0.0);
        assert_same(&batch[0], &model.predict_clips(&[padded])[0]);
        assert_same(&batch[2], &model.predict_clips(&[long])[0]);
    }

    #[test]
    fn a_long_clip_is_classified_to_its_end() {
        // The networks alone: the prosody head reads the whole clip at once.
        let model = EmotionModel::bundled().unwrap().without_prosody();
        let window = 3 * 16_000;
        // 6 s whose second half is another sound than its first.
        let mut long = tone(3.0);
        long.extend(
            tone(3.0)
                .iter()
                .enumerate()
                .map(|(i, v)| v * (i as f32 * 0.37).sin()),
        );
        let whole = &model.predict_clips(&[long.clone()])[0];
        let first = &model.predict_clips(&[long[..window].to_vec()])[0];
        assert_ne!(whole.probabilities, first.probabilities);
        // The mean logits of the windows at 0, 1.5 and 3 s.
        let logits = |s: usize| {
            let w = &long[s..s + window];
            clip_logits(model.ensemble(), model.config(), model.extractor(), &[w])
        };
        let (a, b, c) = (logits(0), logits(window / 2), logits(window));
        // Their softmax at the model's temperature.
        let mean: Vec<f32> = (0..a.len()).map(|j| (a[j] + b[j] + c[j]) / 3.0).collect();
        let want = softmax_at(&mean, model.temperature());
        for ((label, p), w) in whole.probabilities.iter().zip(want) {
            assert!((p - w).abs() < 1e-5, "{label}");
        }
    }

    #[test]
    fn a_model_with_speeds_averages_the_clip_played_at_each() {
        let plain = EmotionModel::bundled().unwrap();
        let fast_and_slow = EmotionModel::bundled()
            .unwrap()
            .with_speeds(vec![0.9, 1.1])
            .unwrap();
        let logits = |m: &EmotionModel, clip: &[f32]| {
            clip_logits(m.ensemble(), m.config(), m.extractor(), &[clip])
        };
        // A 4 s clip: the slower version (4.4 s) is read by more windows than the faster.
        let clip = tone(4.0);
        let slow = logits(&plain, &ser_audio::change_speed(&clip, 16_000, 0.9));
        let fast = logits(&plain, &ser_audio::change_speed(&clip, 16_000, 1.1));
        let both = logits(&fast_and_slow, &clip);
        for j in 0..both.len() {
            assert!((both[j] - (slow[j] + fast[j]) / 2.0).abs() < 1e-4, "{j}");
        }
        assert_ne!(both, logits(&plain, &clip));
        // Speed 1 is the clip as recorded, the plain model.
        let once = EmotionModel::bundled()
            .unwrap()
            .with_speeds(vec![1.0])
            .unwrap();
        assert_eq!(once.config(), plain.config());
        assert_same(
            &once.predict_clips(std::slice::from_ref(&clip))[0],
            &plain.predict_clips(&[clip])[0],
        );
        // Written in config.json only when set.
        let json = |m: &EmotionModel| serde_json::to_string(m.config()).unwrap();
        assert!(!json(&plain).contains("speeds"));
        assert!(json(&fast_and_slow).contains(r#""speeds":[0.9,1.1]"#));
        let read: ModelConfig = serde_json::from_str(&json(&fast_and_slow)).unwrap();
        assert_eq!(&read, fast_and_slow.config());
        // Speeds training could not have heard, or one twice, are refused.
        for (speeds, why) in [(vec![0.3], "0.3 outside 0.5..2"), (vec![1.1, 1.1], "twice")] {
            let refused = EmotionModel::bundled().unwrap().with_speeds(speeds);
            let err = refused.err().expect("refused").to_string();
            assert!(err.contains(why), "{err}");
        }
    }

    #[test]
    fn standardising_over_the_signal_is_recorded_only_when_on() {
        let bundled = EmotionModel::bundled().unwrap().config().clone();
        assert!(!bundled.standardize_over_signal);
        let json = serde_json::to_value(&bundled).unwrap();
        // Configurations without it stay as they were, readable by earlier versions.
        assert!(json.get("standardize_over_signal").is_none());
        let config = ModelConfig {
            standardize_over_signal: true,
            ..bundled.clone()
        };
        let json = serde_json::to_string(&config).unwrap();
        let read: ModelConfig = serde_json::from_str(&json).unwrap();
        assert!(read.standardize_over_signal);
        // A model that would ignore it is refused, as training refuses it.
        let ignored = ModelConfig {
            standardize: false,
            ..read.clone()
        };
        assert!(ignored
            .validate()
            .unwrap_err()
            .contains("standardize_over_signal"));
        // And it changes what the network sees of a clip padded to the window.
        let extractor = Extractor::new(config.features.clone()).unwrap();
        let mut padded = tone(1.0);
        padded.resize(3 * 16_000, 0.0);
        assert_ne!(
            prepare_features(&config, &extractor, &padded),
            prepare_features(&bundled, &extractor, &padded)
        );
    }
}
