//! What a model is: labels, input preparation and network shape, saved as `config.json`.

use serde::{Deserialize, Serialize};

use ser_audio::LoadOptions;
use ser_features::FeatureParams;

/// Version of the model directory format; a model of another version is refused.
pub const FORMAT_VERSION: u32 = 1;

/// Hyper-parameters of the network (see [`crate::Network`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NetworkConfig {
    /// Output channels of each convolution block (each block halves frequency, and time
    /// unless [`NetworkConfig::time_pooling_blocks`] says otherwise).
    pub conv_channels: Vec<usize>,
    /// How many of the first blocks also halve time; the blocks after them pool frequency
    /// only, so the LSTM sees a finer course in time. Every block when `None` (or absent, as in
    /// models written before it existed).
    #[serde(default)]
    pub time_pooling_blocks: Option<usize>,
    /// Hidden units per direction of the bidirectional LSTM.
    pub lstm_hidden: usize,
    /// Dropout after the convolutions and before the classifier.
    pub dropout: f64,
    /// Pool over time with learned attention weights (`true`) or a plain mean (`false`).
    pub attention: bool,
    /// Pool the standard deviation over time beside the mean, both weighted by the attention
    /// when it is on (attentive statistics pooling, Okabe et al., 2018): how much the clip
    /// varies, not only where it sits. Doubles [`NetworkConfig::embedding_size`]. Off in
    /// models written before it existed, whose configurations lack the key.
    #[serde(default)]
    pub pool_std: bool,
    /// Feed the log-mel's Δ and ΔΔ over time beside it as two more input channels
    /// (a regression over nine frames). Off in models written before it existed.
    #[serde(default)]
    pub deltas: bool,
}

impl NetworkConfig {
    /// How many blocks halve time: [`NetworkConfig::time_pooling_blocks`], all by default.
    pub fn time_pooled_blocks(&self) -> usize {
        self.time_pooling_blocks.unwrap_or(self.conv_channels.len())
    }

    /// Size of a clip's pooled representation ([`crate::Network::embed`]): both directions of
    /// the LSTM, twice over with [`NetworkConfig::pool_std`].
    pub fn embedding_size(&self) -> usize {
        let statistics = if self.pool_std { 2 } else { 1 };
        statistics * 2 * self.lstm_hidden
    }

    /// Channels of the network's input: the log-mel, and its two deltas with
    /// [`NetworkConfig::deltas`].
    pub fn input_channels(&self) -> usize {
        if self.deltas {
            crate::deltas::CHANNELS_PER_INPUT
        } else {
            1
        }
    }

    /// Whether block `index` (from 0) halves time as well as frequency.
    pub fn pools_time(&self, index: usize) -> bool {
        index < self.time_pooled_blocks()
    }
}

/// Checks that the standardisation settings go together: `standardize_over_signal` changes
/// how `standardize` standardises, so it is refused without it rather than ignored.
pub fn check_standardization(standardize: bool, over_signal: bool) -> Result<(), String> {
    if over_signal && !standardize {
        return Err("standardize_over_signal needs standardize".to_string());
    }
    Ok(())
}

/// Checks that audio preparation, features and network fit together: what every model needs
/// before its labels are known, so training can refuse a bad configuration before decoding.
pub fn check_pipeline(
    audio: &LoadOptions,
    features: &FeatureParams,
    network: &NetworkConfig,
) -> Result<(), String> {
    if audio.sample_rate != features.sample_rate {
        return Err(format!(
            "audio rate {} Hz differs from feature rate {} Hz",
            audio.sample_rate, features.sample_rate
        ));
    }
    let Some(window) = audio.window_len() else {
        return Err("audio.duration_s must be set: the network sees fixed-length clips".into());
    };
    features.validate().map_err(|e| e.to_string())?;
    let blocks = network.conv_channels.len();
    if blocks == 0 || network.lstm_hidden == 0 || network.conv_channels.contains(&0) {
        return Err("network needs at least one conv block, no empty block, and LSTM units".into());
    }
    if !(0.0..1.0).contains(&network.dropout) {
        return Err(format!("dropout {} must be in [0, 1)", network.dropout));
    }
    let time_blocks = network.time_pooled_blocks();
    if time_blocks > blocks {
        return Err(format!(
            "time_pooling_blocks {time_blocks} exceeds the {blocks} conv blocks"
        ));
    }
    // Each block halves frequency, the first `time_blocks` time too: both must keep a step.
    let frames = features.n_frames(window);
    // (`checked_shr`: a plain shift by 64 or more blocks would wrap around, not give 0.)
    let halved = |n: usize, times: usize| n.checked_shr(times as u32).unwrap_or(0);
    if halved(features.n_mels, blocks) == 0 || halved(frames, time_blocks) == 0 {
        return Err(format!(
            "{blocks} conv blocks halve {} mel bands and {frames} frames to nothing",
            features.n_mels
        ));
    }
    Ok(())
}

impl Default for NetworkConfig {
    fn default() -> Self {
        Self {
            conv_channels: vec![16, 32, 64, 128],
            time_pooling_blocks: None,
            lstm_hidden: 64,
            dropout: 0.3,
            attention: true,
            pool_std: false,
            deltas: false,
        }
    }
}

/// Slowest and fastest speed a model may hear a clip at ([`ModelConfig::speeds`]), and that
/// training's speed perturbation may play a clip at.
pub const SPEED_RANGE: (f32, f32) = (0.5, 2.0);

/// Checks test-time speeds: each within [`SPEED_RANGE`], none twice.
pub fn check_speeds(speeds: &[f32]) -> Result<(), String> {
    let (lo, hi) = SPEED_RANGE;
    if let Some(f) = speeds.iter().find(|f| !(lo..=hi).contains(*f)) {
        return Err(format!("speed {f} outside {lo}..{hi}"));
    }
    if let Some((i, f)) = speeds
        .iter()
        .enumerate()
        .find(|(i, f)| speeds[..*i].contains(f))
    {
        return Err(format!("speed {f} named twice (position {})", i + 1));
    }
    Ok(())
}

/// Everything needed to use a model besides its weights.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModelConfig {
    /// [`FORMAT_VERSION`] of the writer.
    pub format_version: u32,
    /// Class names, in the order of the network's outputs.
    pub labels: Vec<String>,
    /// How audio is decoded, resampled, trimmed and cut before features are computed.
    pub audio: LoadOptions,
    /// How the log-mel spectrogram is computed.
    pub features: FeatureParams,
    /// Standardise each mel band over time per utterance before the network.
    pub standardize: bool,
    /// With `standardize`, take each band's statistics only from the frames that hold signal,
    /// not from the padding ([`ser_features::standardize_over_signal`]). Off for models
    /// written before it existed.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub standardize_over_signal: bool,
    /// The network's shape.
    pub network: NetworkConfig,
    /// Softmax temperature: probabilities are `softmax(logits / T)` (it never changes which
    /// label wins). 1 unless training fitted one on its validation speakers
    /// (`fit_temperature`); 1 for models written before it existed.
    #[serde(default = "unit_temperature")]
    pub temperature: f32,
    /// How many networks of this shape classify together, averaging their probabilities
    /// (see [`crate::Ensemble`]); their weights are `model.bpk`, `model.2.bpk`, … 1 for a
    /// trained model and for models written before ensembles existed.
    #[serde(default = "one_member")]
    pub members: usize,
    /// Test-time speed averaging: when not empty, each clip is also heard played at each of
    /// these speeds ([`ser_audio::change_speed`], as training perturbs it; 1.0 = as
    /// recorded) and classified by the mean of the versions' logits, one forward pass per
    /// speed for each window. Empty (hear each clip once) unless set; left out of files when
    /// empty.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub speeds: Vec<f32>,
}

fn unit_temperature() -> f32 {
    1.0
}

fn one_member() -> usize {
    1
}

impl ModelConfig {
    /// Checks the consistency a loaded configuration must have.
    pub fn validate(&self) -> Result<(), String> {
        if self.format_version != FORMAT_VERSION {
            return Err(format!(
                "format version {} (this ser reads version {FORMAT_VERSION})",
                self.format_version
            ));
        }
        if self.labels.len() < 2 {
            return Err(format!("{} labels (need at least 2)", self.labels.len()));
        }
        let mut sorted = self.labels.clone();
        sorted.sort();
        sorted.dedup();
        if sorted.len() != self.labels.len() {
            return Err("duplicate labels".into());
        }
        if self.members == 0 {
            return Err("members must be at least 1".into());
        }
        if !(self.temperature.is_finite() && self.temperature > 0.0) {
            return Err(format!("temperature {} must be positive", self.temperature));
        }
        check_standardization(self.standardize, self.standardize_over_signal)?;
        check_speeds(&self.speeds)?;
        check_pipeline(&self.audio, &self.features, &self.network)
    }

    /// Number of feature frames of one clip.
    pub fn n_frames(&self) -> usize {
        self.features.n_frames(self.audio.window_len().unwrap_or(0))
    }
}
