//! Classifying clips of any length with networks of a fixed input length.
//!
//! A network reads one window (3 s for the bundled model). A clip that fits is zero-padded at
//! its end to the window, as in training. A longer one (after trimming: a long sentence, a
//! corpus whose utterances run longer than RAVDESS's) is covered by windows of the model's
//! length every half window, the last ending with the clip, and its logits are the mean of the
//! windows' logits: every part of the utterance counts, where cropping kept its first window
//! only. On utterances of unheard actors made longer by joining RAVDESS sentences of one
//! emotion (4-17 s), four fold networks scored 3.9 and 5.0 points more on average this way
//! than from the first 3 s; the mean of the windows' probabilities, the way an [`Ensemble`]
//! pools its networks, scored about the same and was less calibrated
//! (`experiments/2026-12-03-whole-clips`).
//!
//! A model with test-time `speeds` classifies each clip by the mean logits of the clip played
//! at each speed, each version read as above (`experiments/2026-12-03-test-time-speeds`).

use std::ops::Range;

use burn::tensor::{Device, Tensor, TensorData};
use rayon::prelude::*;
use ser_audio::{change_speed, cover};
use ser_features::Extractor;

use crate::config::ModelConfig;
use crate::ensemble::Ensemble;
use crate::inference::prepare_features;
use crate::tensor_values;

/// Most windows classified in one forward pass, so that memory stays bounded whatever the
/// clips' lengths: a pass's activations take about 6 MB per 3 s window. With 64, `ser predict`
/// of a 10-minute recording peaked at 504 MB and took 2.76 s, against 220 MB and 1.23 s with
/// 16 (fresh pages to fault in and caches missed; medians of nine runs, two cores), and a batch
/// of 32 files took 8.7 % less time (`cargo bench --bench predict -- batch`).
const WINDOWS_PER_PASS: usize = 16;

/// Sizes of the forward passes for `n` windows: powers of two up to [`WINDOWS_PER_PASS`],
/// largest first (37 → 16, 16, 4, 1). The backend keeps memory for every input shape it meets,
/// so passes of at most five sizes keep a long-running process from growing with the variety of
/// clip lengths, at no extra computation.
fn pass_sizes(mut n: usize) -> Vec<usize> {
    let mut sizes = Vec::new();
    while n > 0 {
        let size = (1usize << n.ilog2()).min(WINDOWS_PER_PASS);
        sizes.push(size);
        n -= size;
    }
    sizes
}

/// Clips' features `[mels × frames]` stacked into a batch `[B, 1, mels, frames]`.
pub fn batch_tensor(features: &[Vec<f32>], n_mels: usize, device: &Device) -> Tensor<4> {
    let frames = features[0].len() / n_mels;
    let flat: Vec<f32> = features.iter().flatten().copied().collect();
    Tensor::from_data(
        TensorData::new(flat, [features.len(), 1, n_mels, frames]),
        device,
    )
}

/// The spans (samples) of the windows that classify a clip of `len` samples, for a model
/// whose window is `window` samples: the whole clip when it fits, else windows every half
/// window covering it to its end.
fn clip_windows(len: usize, window: usize) -> Vec<Range<usize>> {
    cover(0..len, window, window / 2)
}

/// Logits of `clips` (samples at the model's rate, trimmed and offset as `config.audio`
/// prepares them, of any length), one row of `config.labels.len()` values per clip: the mean
/// of the logits of the windows that cover it (one window for a clip that fits). A model with
/// test-time `speeds` hears every clip at each speed, one speed at a time (so memory holds one
/// version of the clips), and gives the mean of the versions' rows.
pub fn clip_logits<C: AsRef<[f32]> + Sync>(
    ensemble: &Ensemble,
    config: &ModelConfig,
    extractor: &Extractor,
    clips: &[C],
) -> Vec<f32> {
    if config.speeds.is_empty() {
        return window_logits(ensemble, config, extractor, clips);
    }
    let rate = config.audio.sample_rate;
    let share = 1.0 / config.speeds.len() as f32;
    let mut mean = vec![0.0f32; clips.len() * config.labels.len()];
    for &speed in &config.speeds {
        let versions: Vec<Vec<f32>> = clips
            .par_iter()
            .map(|c| change_speed(c.as_ref(), rate, speed))
            .collect();
        let rows = window_logits(ensemble, config, extractor, &versions);
        for (m, v) in mean.iter_mut().zip(rows) {
            *m += share * v;
        }
    }
    mean
}

/// [`clip_logits`] of the clips as they are (each heard once).
fn window_logits<C: AsRef<[f32]> + Sync>(
    ensemble: &Ensemble,
    config: &ModelConfig,
    extractor: &Extractor,
    clips: &[C],
) -> Vec<f32> {
    let window = config
        .audio
        .window_len()
        .expect("a validated model configuration sets a duration");
    let windows: Vec<Vec<Range<usize>>> = clips
        .iter()
        .map(|c| clip_windows(c.as_ref().len(), window))
        .collect();
    let spans: Vec<(usize, &Range<usize>)> = windows
        .iter()
        .enumerate()
        .flat_map(|(i, w)| w.iter().map(move |r| (i, r)))
        .collect();
    let device = ensemble.device();
    let mut rows = Vec::with_capacity(spans.len() * config.labels.len());
    let mut done = 0;
    for size in pass_sizes(spans.len()) {
        let pass = &spans[done..done + size];
        done += size;
        let features: Vec<Vec<f32>> = pass
            .par_iter()
            .map(|(i, span)| {
                let mut samples = clips[*i].as_ref()[(*span).clone()].to_vec();
                samples.resize(window, 0.0);
                prepare_features(config, extractor, &samples)
            })
            .collect();
        let x = batch_tensor(&features, config.features.n_mels, &device);
        rows.extend(tensor_values(ensemble.forward(x)));
    }
    let k = config.labels.len();
    let mut out = Vec::with_capacity(clips.len() * k);
    let mut next = 0;
    for n in windows.iter().map(Vec::len) {
        out.extend(pool(&rows[next * k..(next + n) * k], k));
        next += n;
    }
    out
}

/// One row of logits from `rows` (rows of `k` logits, one per window): their mean.
fn pool(rows: &[f32], k: usize) -> Vec<f32> {
    let n = (rows.len() / k) as f32;
    let mut mean = vec![0.0f32; k];
    for row in rows.chunks(k) {
        for (m, v) in mean.iter_mut().zip(row) {
            *m += v / n;
        }
    }
    mean
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_pool_to_their_mean_logits() {
        assert_eq!(pool(&[1.0, -2.0, 0.5], 3), vec![1.0, -2.0, 0.5]);
        assert_eq!(
            pool(&[2.0, 0.0, -1.0, 0.0, 4.0, -3.0], 3),
            vec![1.0, 2.0, -2.0]
        );
    }

    #[test]
    fn forward_passes_come_in_few_sizes() {
        assert_eq!(pass_sizes(0), Vec::<usize>::new());
        assert_eq!(pass_sizes(13), vec![8, 4, 1]);
        assert_eq!(pass_sizes(16), vec![16]);
        assert_eq!(pass_sizes(37), vec![16, 16, 4, 1]);
        for n in 1..300 {
            let sizes = pass_sizes(n);
            assert_eq!(sizes.iter().sum::<usize>(), n);
            assert!(sizes
                .iter()
                .all(|s| s.is_power_of_two() && *s <= WINDOWS_PER_PASS));
        }
    }

    #[test]
    fn a_clip_longer_than_the_window_is_read_to_its_end() {
        assert_eq!(clip_windows(30_000, 48_000), vec![0..30_000]);
        assert_eq!(clip_windows(48_000, 48_000), vec![0..48_000]);
        assert_eq!(
            clip_windows(100_000, 48_000),
            vec![0..48_000, 24_000..72_000, 48_000..96_000, 52_000..100_000]
        );
    }
}
