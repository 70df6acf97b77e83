//! Training-side augmentation: joined utterances, speed perturbation (played by
//! [`ser_audio::change_speed`]), time placement, additive
//! noise at a random SNR, vocal tract length perturbation, SpecAugment, mixup (and, in
//! [`crate::acoustics`], the telephone band and reverberation). Nothing here runs at evaluation
//! or prediction time.

use rand::rngs::StdRng;
use rand::Rng;
use serde::{Deserialize, Serialize};

/// Which augmentations to apply, and how strongly.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AugmentConfig {
    /// Place the clip at a random offset in the fixed-length window (instead of the start).
    pub random_shift: bool,
    /// Probability of adding white noise to a clip.
    pub noise_prob: f64,
    /// Range of the noise's signal-to-noise ratio in dB.
    pub snr_db: (f32, f32),
    /// Number of SpecAugment frequency masks per clip.
    pub freq_masks: usize,
    /// Widest frequency mask, in mel bands.
    pub freq_mask_width: usize,
    /// Number of SpecAugment time masks per clip.
    pub time_masks: usize,
    /// Widest time mask, in frames.
    pub time_mask_width: usize,
    /// Speed perturbation: each clip is played at one of these speeds, drawn uniformly (1.0 =
    /// unchanged; 1.1 is 10 % faster and higher). Tempo and pitch change together, like a
    /// different voice, as in Kaldi's 0.9/1.0/1.1 recipe (the default). Empty: off
    /// (records written before this option existed, checkpoints and cv.json, read as off; a
    /// configuration file that leaves it out gets the default, see [`crate::config_file`]).
    #[serde(default)]
    pub speed_factors: Vec<f32>,
    /// Mixup (Zhang et al., 2018): each training input becomes `λ·x + (1-λ)·x'` with another
    /// clip `x'` of its batch, and the loss `λ·CE(y) + (1-λ)·CE(y')`, where `λ` is drawn from
    /// Beta(α, α) per batch (and folded to ≥ 0.5, so each clip stays the larger part of its
    /// mix). This is α; 0 turns mixup off (records written before it existed read as off).
    #[serde(default)]
    pub mixup_alpha: f32,
    /// Vocal tract length perturbation (Jaitly & Hinton, 2013): the frequency axis of each
    /// clip's log-mel is warped by a factor drawn uniformly from `1 ± vtlp_range`, which moves
    /// the formants as a longer or shorter vocal tract would, without changing tempo or pitch
    /// contour (see [`warp_frequencies`]). 0 turns it off (records written before it existed
    /// read as off). Off by default: at 0.1 it cost 5-7 points on folds 1-2 of 5-fold CV by
    /// actor (`experiments/2026-11-26-vtlp`).
    #[serde(default)]
    pub vtlp_range: f32,
    /// Share of clips passed through a narrowband telephone line (resampled to 8 kHz and back:
    /// nothing above 4 kHz, see [`crate::acoustics::telephone_band`]), before the noise. 0 turns
    /// it off (records written before it existed read as off).
    #[serde(default)]
    pub telephone_prob: f64,
    /// Share of clips played in a synthetic room ([`crate::acoustics::room_response`]) whose
    /// reverberation time is drawn uniformly from `rt60_s`. 0 turns it off (records written
    /// before it existed read as off).
    #[serde(default)]
    pub reverb_prob: f64,
    /// Range of the simulated rooms' reverberation time (RT60), in seconds.
    #[serde(default = "default_rt60")]
    pub rt60_s: (f32, f32),
    /// Share of clips joined to another clip of the same speaker and label (after a pause drawn
    /// from `join_gap_s`) before the window is cut at random from the pair, so the network also
    /// hears windows full of continuous speech, as in a long turn, and not only short sentences
    /// padded with silence (see [`join`]). 0 turns it off (records written before it existed
    /// read as off). At 0.5, 5-fold CV by actor 66.2 % against 63.8 % without (one seed, folds
    /// −5 to +10 points), continuous joined sentences +12 to +27 points
    /// (`experiments/2026-12-03-joined-utterances`).
    #[serde(default)]
    pub join_prob: f64,
    /// Range of the pause between joined clips, in seconds.
    #[serde(default = "default_join_gap")]
    pub join_gap_s: (f32, f32),
    /// Share of clips heard with other people talking behind the speaker: [`BABBLE_TALKERS`]
    /// clips of other training speakers summed (see [`add_babble`]), at a signal-to-babble
    /// ratio drawn from `babble_snr_db`, after the placement in the window and before the room,
    /// so the talkers share the speaker's room and phone line. 0 turns it off (records written
    /// before it existed read as off). Off by default: at 0.2 it gained against the voices of
    /// the training speakers but not against unheard ones (−0.5 points on four folds of 5-fold
    /// CV by actor, clean −0.4; `experiments/2026-12-04-babble`).
    #[serde(default)]
    pub babble_prob: f64,
    /// Range of the signal-to-babble ratio in dB.
    #[serde(default = "default_babble_snr")]
    pub babble_snr_db: (f32, f32),
    /// Share of clips with mains hum under them ([`add_hum`]: 50 or 60 Hz and its 2nd and 3rd
    /// harmonics at random strengths and phases), at a signal-to-hum ratio drawn from
    /// `hum_snr_db`, after the phone line and before the noise, as a recorder's ground loop
    /// adds it. 0 turns it off (records written before it existed read as off), the default:
    /// networks that never heard hum lost 10 points to hum at -60 dBFS and 22 at -50 dBFS, and
    /// at 0.2 a fold-1 network lost 9 and 19 (clean +2.1, one seed;
    /// `experiments/2026-12-05-mains-hum`).
    #[serde(default)]
    pub hum_prob: f64,
    /// Range of the signal-to-hum ratio in dB.
    #[serde(default = "default_hum_snr")]
    pub hum_snr_db: (f32, f32),
}

/// Voices summed into one babble (as `tools/robustness.py`'s babble condition).
pub const BABBLE_TALKERS: usize = 3;

/// From talk across the room to a neighbour as loud as the speaker: 5-20 dB.
fn default_babble_snr() -> (f32, f32) {
    (5.0, 20.0)
}

/// From a hum barely above a studio's silence to one as loud as a quiet voice: 15-50 dB below
/// the speech.
fn default_hum_snr() -> (f32, f32) {
    (15.0, 50.0)
}

/// From clips run together to a breath between sentences: 0-0.4 s.
fn default_join_gap() -> (f32, f32) {
    (0.0, 0.4)
}

/// Small rooms to a lecture hall: 0.2-0.8 s.
fn default_rt60() -> (f32, f32) {
    (0.2, 0.8)
}

impl Default for AugmentConfig {
    fn default() -> Self {
        Self {
            random_shift: true,
            noise_prob: 0.5,
            snr_db: (10.0, 40.0),
            freq_masks: 1,
            freq_mask_width: 8,
            time_masks: 2,
            time_mask_width: 20,
            // Measured by 5-fold CV by actor (experiments/2026-11-26-speed-perturbation): the
            // largest gain of any augmentation tried, a new voice for every third clip.
            speed_factors: vec![0.9, 1.0, 1.1],
            mixup_alpha: 0.0,
            vtlp_range: 0.0,
            telephone_prob: 0.0,
            reverb_prob: 0.0,
            rt60_s: default_rt60(),
            join_prob: 0.0,
            join_gap_s: default_join_gap(),
            babble_prob: 0.0,
            babble_snr_db: default_babble_snr(),
            hum_prob: 0.0,
            hum_snr_db: default_hum_snr(),
        }
    }
}

impl AugmentConfig {
    /// No augmentation at all.
    pub fn none() -> Self {
        Self {
            random_shift: false,
            noise_prob: 0.0,
            snr_db: (0.0, 0.0),
            freq_masks: 0,
            freq_mask_width: 0,
            time_masks: 0,
            time_mask_width: 0,
            speed_factors: Vec::new(),
            mixup_alpha: 0.0,
            vtlp_range: 0.0,
            telephone_prob: 0.0,
            reverb_prob: 0.0,
            rt60_s: default_rt60(),
            join_prob: 0.0,
            join_gap_s: default_join_gap(),
            babble_prob: 0.0,
            babble_snr_db: default_babble_snr(),
            hum_prob: 0.0,
            hum_snr_db: default_hum_snr(),
        }
    }

    /// Checks the values that would make training fail or meaningless.
    pub fn validate(&self) -> Result<(), String> {
        let (slowest, fastest) = ser_model::SPEED_RANGE;
        if let Some(f) = self
            .speed_factors
            .iter()
            .find(|f| !(slowest..=fastest).contains(*f))
        {
            return Err(format!("speed factor {f} outside {slowest}..{fastest}"));
        }
        if !(self.mixup_alpha.is_finite() && self.mixup_alpha >= 0.0) {
            return Err(format!(
                "mixup_alpha {} must be 0 (off) or positive",
                self.mixup_alpha
            ));
        }
        if !(0.0..0.5).contains(&self.vtlp_range) {
            return Err(format!(
                "vtlp_range {} must be at least 0 (off) and below 0.5",
                self.vtlp_range
            ));
        }
        for (name, p) in [
            ("noise_prob", self.noise_prob),
            ("telephone_prob", self.telephone_prob),
            ("reverb_prob", self.reverb_prob),
            ("join_prob", self.join_prob),
            ("babble_prob", self.babble_prob),
            ("hum_prob", self.hum_prob),
        ] {
            if !(0.0..=1.0).contains(&p) {
                return Err(format!("{name} {p} must lie in 0..1"));
            }
        }
        for (name, (low, high)) in [
            ("snr_db", self.snr_db),
            ("babble_snr_db", self.babble_snr_db),
            ("hum_snr_db", self.hum_snr_db),
        ] {
            if !(low.is_finite() && high.is_finite() && low <= high) {
                return Err(format!(
                    "{name} ({low}, {high}) must be a range of finite decibels, low to high"
                ));
            }
        }
        let (shortest, longest) = self.rt60_s;
        if !(shortest > 0.0 && shortest <= longest && longest <= 2.0) {
            return Err(format!(
                "rt60_s ({shortest}, {longest}) must be a range within (0, 2] seconds"
            ));
        }
        let (shortest, longest) = self.join_gap_s;
        if !(shortest >= 0.0 && shortest <= longest && longest <= 5.0) {
            return Err(format!(
                "join_gap_s ({shortest}, {longest}) must be a range within [0, 5] seconds"
            ));
        }
        Ok(())
    }
}

/// One batch's mixup: the weight of each clip's own input and, for each clip, the batch
/// position of the clip mixed into it.
#[derive(Debug, Clone, PartialEq)]
pub struct Mixup {
    /// `λ` in 0.5..=1: the share of each clip's own input and label.
    pub lambda: f32,
    /// `partner[i]`: the clip mixed into clip `i` (a permutation of the batch).
    pub partner: Vec<usize>,
}

impl Mixup {
    /// Draws `λ ~ Beta(alpha, alpha)` (folded to ≥ 0.5) and a random pairing of a batch of
    /// `batch` clips. `alpha` must be positive and finite.
    pub fn draw(alpha: f32, batch: usize, rng: &mut StdRng) -> Self {
        use rand::seq::SliceRandom;
        let beta = rand_distr::Beta::new(alpha, alpha).expect("alpha is positive and finite");
        let lambda: f32 = rng.sample(beta);
        let mut partner: Vec<usize> = (0..batch).collect();
        partner.shuffle(rng);
        Self {
            lambda: lambda.max(1.0 - lambda),
            partner,
        }
    }

    /// The mixed inputs: `λ·features[i] + (1-λ)·features[partner[i]]` for every clip.
    pub fn mix(&self, features: &[Vec<f32>]) -> Vec<Vec<f32>> {
        let (own, other) = (self.lambda, 1.0 - self.lambda);
        features
            .iter()
            .zip(&self.partner)
            .map(|(x, &j)| {
                x.iter()
                    .zip(&features[j])
                    .map(|(a, b)| own * a + other * b)
                    .collect()
            })
            .collect()
    }
}

/// `first`, `gap` samples of silence, then `second`: two utterances heard as one turn.
pub fn join(first: &[f32], gap: usize, second: &[f32]) -> Vec<f32> {
    let mut out = Vec::with_capacity(first.len() + gap + second.len());
    out.extend_from_slice(first);
    out.resize(first.len() + gap, 0.0);
    out.extend_from_slice(second);
    out
}

/// A window of `len` samples holding `wave` at a random position: shorter clips get random
/// zero padding on both sides, longer ones a random crop.
pub fn random_placement(wave: &[f32], len: usize, rng: &mut StdRng) -> Vec<f32> {
    let mut out = vec![0.0f32; len];
    if wave.len() <= len {
        let start = rng.random_range(0..=len - wave.len());
        out[start..start + wave.len()].copy_from_slice(wave);
    } else {
        let start = rng.random_range(0..=wave.len() - len);
        out.copy_from_slice(&wave[start..start + len]);
    }
    out
}

/// Mean power of the non-silent samples (the clip, not the padding of its window); `None`
/// when all are silent.
fn active_power(x: &[f32]) -> Option<f32> {
    let (sum, n) = x
        .iter()
        .filter(|v| **v != 0.0)
        .fold((0.0f32, 0usize), |(sum, n), v| (sum + v * v, n + 1));
    (n > 0).then(|| sum / n as f32)
}

/// Adds white noise so that the signal-to-noise ratio (over the non-silent part) is `snr_db`.
pub fn add_noise(x: &mut [f32], snr_db: f32, rng: &mut StdRng) {
    let Some(power) = active_power(x) else {
        return;
    };
    // Uniform noise in [-a, a] has power a² / 3.
    let amplitude = (3.0 * power / 10f32.powf(snr_db / 10.0)).sqrt();
    for v in x.iter_mut() {
        *v += rng.random_range(-amplitude..=amplitude);
    }
}

/// Adds mains hum at `snr_db` below the non-silent part of `x` (samples at `rate`): 50 or 60 Hz,
/// a little off (±0.1 Hz, as the grid drifts), with its 2nd harmonic at up to half and its 3rd
/// at up to the fundamental's strength, each at a random phase. A silent `x` is left as it is.
pub fn add_hum(x: &mut [f32], rate: u32, snr_db: f32, rng: &mut StdRng) {
    let Some(power) = active_power(x) else {
        return;
    };
    let mains = if rng.random_bool(0.5) { 50.0 } else { 60.0 } + rng.random_range(-0.1..=0.1);
    let strengths = [
        1.0,
        rng.random_range(0.0..=0.5),
        rng.random_range(0.0..=1.0),
    ];
    let phases: [f32; 3] = std::array::from_fn(|_| rng.random_range(0.0..std::f32::consts::TAU));
    // A sine of amplitude a has power a² / 2.
    let hum_power: f32 = strengths.iter().map(|a| a * a / 2.0).sum();
    let scale = (power / 10f32.powf(snr_db / 10.0) / hum_power).sqrt();
    let step = std::f32::consts::TAU * mains / rate as f32;
    for (i, v) in x.iter_mut().enumerate() {
        let hum: f32 = (0..3)
            .map(|k| strengths[k] * ((k + 1) as f32 * step * i as f32 + phases[k]).sin())
            .sum();
        *v += scale * hum;
    }
}

/// Adds other people talking behind the speaker: each of `voices` scaled to unit power over its
/// non-silent part and looped to the length of `x` (talk goes on through the speaker's pauses),
/// their sum scaled to `snr_db` below the non-silent part of `x`. Silent voices are left out;
/// a silent `x` or no voice leaves `x` as it is.
pub fn add_babble(x: &mut [f32], voices: &[&[f32]], snr_db: f32) {
    let Some(power) = active_power(x) else {
        return;
    };
    let mut babble = vec![0.0f32; x.len()];
    for voice in voices {
        let Some(voice_power) = active_power(voice) else {
            continue;
        };
        let gain = voice_power.sqrt().recip();
        for (b, v) in babble.iter_mut().zip(voice.iter().cycle()) {
            *b += gain * v;
        }
    }
    let Some(babble_power) = active_power(&babble) else {
        return;
    };
    let scale = (power / (babble_power * 10f32.powf(snr_db / 10.0))).sqrt();
    for (v, b) in x.iter_mut().zip(&babble) {
        *v += scale * b;
    }
}

/// Where VTLP's warp turns from a plain scaling into the straight line that keeps `fmax` in
/// place, as a share of `fmax` (Jaitly & Hinton's 4.8 kHz of 8 kHz).
const VTLP_BEND: f64 = 0.6;

/// Vocal tract length perturbation of a `(n_mels, frames)` row-major log-mel spectrogram whose
/// bands are spaced on the Slaney mel scale from `fmin` to `fmax`: what sat at frequency `f`
/// moves to `alpha · f` (piecewise linear above `VTLP_BEND · fmax`, so the band edges stay in
/// place), each band being read from the source spectrum by linear interpolation between the
/// two nearest bands.
pub fn warp_frequencies(features: &mut [f32], n_mels: usize, fmin: f32, fmax: f32, alpha: f32) {
    use ser_features::{hz_to_mel, mel_to_hz};
    let frames = features.len() / n_mels;
    let (alpha, fmax_hz) = (f64::from(alpha), f64::from(fmax));
    let mel_lo = hz_to_mel(f64::from(fmin));
    let step = (hz_to_mel(fmax_hz) - mel_lo) / (n_mels + 1) as f64;
    let bend = VTLP_BEND * fmax_hz * alpha.min(1.0) / alpha;
    let source = features.to_vec();
    for band in 0..n_mels {
        let centre = mel_to_hz(mel_lo + (band + 1) as f64 * step);
        // The frequency the warp sends to this band's centre.
        let from = if centre <= alpha * bend {
            centre / alpha
        } else {
            fmax_hz - (fmax_hz - centre) * (fmax_hz - bend) / (fmax_hz - alpha * bend)
        };
        let position = ((hz_to_mel(from) - mel_lo) / step - 1.0).clamp(0.0, (n_mels - 1) as f64);
        let below = position.floor() as usize;
        let above = (below + 1).min(n_mels - 1);
        let w = (position - below as f64) as f32;
        let (lo, hi) = (
            &source[below * frames..(below + 1) * frames],
            &source[above * frames..(above + 1) * frames],
        );
        for (out, (a, b)) in features[band * frames..(band + 1) * frames]
            .iter_mut()
            .zip(lo.iter().zip(hi))
        {
            *out = (1.0 - w) * a + w * b;
        }
    }
}

/// SpecAugment on a `(n_mels, frames)` row-major feature map: masked cells are set to `fill`.
pub fn spec_augment(
    features: &mut [f32],
    n_mels: usize,
    cfg: &AugmentConfig,
    fill: f32,
    rng: &mut StdRng,
) {
    let frames = features.len() / n_mels;
    for _ in 0..cfg.freq_masks {
        let width = rng.random_range(0..=cfg.freq_mask_width.min(n_mels));
        let start = rng.random_range(0..=n_mels - width);
        features[start * frames..(start + width) * frames].fill(fill);
    }
    for _ in 0..cfg.time_masks {
        let width = rng.random_range(0..=cfg.time_mask_width.min(frames));
        let start = rng.random_range(0..=frames - width);
        for band in 0..n_mels {
            features[band * frames + start..band * frames + start + width].fill(fill);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    #[test]
    fn placement_keeps_the_clip_whole_or_crops_it() {
        let mut rng = StdRng::seed_from_u64(1);
        let wave = vec![1.0f32; 10];
        let out = random_placement(&wave, 30, &mut rng);
        assert_eq!(out.len(), 30);
        assert_eq!(out.iter().sum::<f32>(), 10.0);
        let out = random_placement(&[1.0f32; 50], 30, &mut rng);
        assert_eq!(out, vec![1.0; 30]);
    }

    #[test]
    fn joined_clips_keep_both_whole_around_a_silent_pause() {
        assert_eq!(
            join(&[0.5, -0.5], 3, &[0.25]),
            vec![0.5, -0.5, 0.0, 0.0, 0.0, 0.25]
        );
        assert_eq!(join(&[0.5], 0, &[0.25]), vec![0.5, 0.25]);
    }

    #[test]
    fn noise_reaches_the_requested_snr() {
        let mut rng = StdRng::seed_from_u64(2);
        let clean: Vec<f32> = (0..16_000).map(|i| (i as f32 * 0.05).sin() * 0.5).collect();
        let mut noisy = clean.clone();
        add_noise(&mut noisy, 20.0, &mut rng);
        let p = |v: &[f32]| v.iter().map(|x| x * x).sum::<f32>();
        let noise: Vec<f32> = noisy.iter().zip(&clean).map(|(a, b)| a - b).collect();
        let snr = 10.0 * (p(&clean) / p(&noise)).log10();
        assert!((snr - 20.0).abs() < 0.5, "{snr}");
    }

    #[test]
    fn hum_reaches_the_requested_snr_at_the_mains_frequency() {
        let rate = 16_000;
        let clean: Vec<f32> = (0..rate).map(|i| (i as f32 * 0.05).sin() * 0.5).collect();
        for seed in 0..6 {
            let mut hummed = clean.clone();
            add_hum(
                &mut hummed,
                rate as u32,
                30.0,
                &mut StdRng::seed_from_u64(seed),
            );
            let hum: Vec<f32> = hummed.iter().zip(&clean).map(|(a, b)| a - b).collect();
            let p = |v: &[f32]| v.iter().map(|x| x * x).sum::<f32>();
            let snr = 10.0 * (p(&clean) / p(&hum)).log10();
            assert!((snr - 30.0).abs() < 0.5, "{snr}");
            // Its fundamental is 50 or 60 Hz (±0.1) and carries at least its share of the power
            // (strength 1 against at most 0.5 and 1 for the harmonics); the other one is absent.
            let amplitude = |hz: f32| {
                let w = std::f32::consts::TAU * hz / rate as f32;
                let (re, im) = hum.iter().enumerate().fold((0.0, 0.0), |(re, im), (i, h)| {
                    (re + h * (w * i as f32).cos(), im + h * (w * i as f32).sin())
                });
                2.0 * (re * re + im * im).sqrt() / hum.len() as f32
            };
            let (a50, a60) = (amplitude(50.0), amplitude(60.0));
            let (main, other) = (a50.max(a60), a50.min(a60));
            let share = main * main / 2.0 / (p(&hum) / hum.len() as f32);
            assert!(share > 0.4 && other < 0.05 * main, "{a50} {a60} {share}");
        }
        // Silence stays silent.
        let mut silent = vec![0.0f32; 100];
        add_hum(&mut silent, 16_000, 30.0, &mut StdRng::seed_from_u64(1));
        assert!(silent.iter().all(|v| *v == 0.0));
    }

    #[test]
    fn babble_reaches_the_requested_snr_and_fills_the_pauses() {
        // A clip padded with silence, two voices shorter than it and one silent.
        let mut clip = vec![0.0f32; 8_000];
        for (i, v) in clip[2_000..6_000].iter_mut().enumerate() {
            *v = (i as f32 * 0.05).sin() * 0.5;
        }
        let low: Vec<f32> = (0..3_000).map(|i| (i as f32 * 0.011).sin() * 0.1).collect();
        let loud: Vec<f32> = (0..1_000).map(|i| (i as f32 * 0.2).cos() * 2.0).collect();
        let clean = clip.clone();
        add_babble(&mut clip, &[&low, &loud, &[0.0; 500]], 10.0);
        let babble: Vec<f32> = clip.iter().zip(&clean).map(|(a, b)| a - b).collect();
        let power = |v: &[f32]| active_power(v).unwrap();
        let snr = 10.0 * (power(&clean) / power(&babble)).log10();
        assert!((snr - 10.0).abs() < 0.1, "{snr}");
        // The talkers go on where the speaker pauses.
        assert!(babble[..2_000]
            .iter()
            .chain(&babble[6_000..])
            .any(|v| v.abs() > 1e-3));
        // Nothing to mix into silence, nothing mixed from silence.
        let mut silent = vec![0.0f32; 100];
        add_babble(&mut silent, &[&low], 10.0);
        assert!(silent.iter().all(|v| *v == 0.0));
        let mut alone = clean.clone();
        add_babble(&mut alone, &[&[0.0; 10]], 10.0);
        assert_eq!(alone, clean);
    }

    #[test]
    fn mixup_blends_inputs_by_lambda_with_a_permutation() {
        let mut rng = StdRng::seed_from_u64(4);
        let features: Vec<Vec<f32>> = (0..6).map(|i| vec![i as f32; 5]).collect();
        let mut lambdas = Vec::new();
        for _ in 0..2000 {
            let m = Mixup::draw(0.4, features.len(), &mut rng);
            assert!((0.5..=1.0).contains(&m.lambda), "{}", m.lambda);
            let mut sorted = m.partner.clone();
            sorted.sort_unstable();
            assert_eq!(sorted, (0..6).collect::<Vec<_>>());
            lambdas.push(m.lambda);
            if lambdas.len() == 1 {
                let mixed = m.mix(&features);
                for (i, row) in mixed.iter().enumerate() {
                    let want = m.lambda * i as f32 + (1.0 - m.lambda) * m.partner[i] as f32;
                    assert!(
                        row.iter().all(|v| (v - want).abs() < 1e-6),
                        "{row:?} vs {want}"
                    );
                }
            }
        }
        // Beta(0.4, 0.4) folded to ≥ 0.5 has mean 0.5 + E|λ - 0.5| ≈ 0.84 (U-shaped: most
        // mixes are mild).
        let mean = lambdas.iter().sum::<f32>() / lambdas.len() as f32;
        assert!((0.81..0.87).contains(&mean), "{mean}");
    }

    #[test]
    fn masks_stay_inside_and_fill() {
        let mut rng = StdRng::seed_from_u64(3);
        let cfg = AugmentConfig {
            freq_masks: 2,
            time_masks: 2,
            ..AugmentConfig::default()
        };
        let mut f = vec![1.0f32; 64 * 100];
        spec_augment(&mut f, 64, &cfg, 0.0, &mut rng);
        let masked = f.iter().filter(|v| **v == 0.0).count();
        assert!(masked > 0 && masked < f.len());
    }

    /// The band of a 64-band, 0-8 kHz Slaney mel spectrogram whose centre lies nearest `hz`.
    fn band_nearest(hz: f64) -> usize {
        use ser_features::hz_to_mel;
        let step = hz_to_mel(8000.0) / 65.0;
        (hz_to_mel(hz) / step - 1.0).round() as usize
    }

    #[test]
    fn vtlp_moves_a_formant_by_alpha_and_keeps_the_values_in_range() {
        let (n_mels, frames) = (64, 3);
        let peak = band_nearest(1500.0);
        let mut source = vec![0.0f32; n_mels * frames];
        source[peak * frames..(peak + 1) * frames].fill(1.0);
        for (alpha, expected_hz) in [(1.1f32, 1650.0), (0.9, 1350.0), (1.0, 1500.0)] {
            let mut f = source.clone();
            warp_frequencies(&mut f, n_mels, 0.0, 8000.0, alpha);
            let loudest = (0..n_mels)
                .max_by(|a, b| f[a * frames].total_cmp(&f[b * frames]))
                .unwrap();
            assert_eq!(loudest, band_nearest(expected_hz), "alpha {alpha}");
            assert!(f.iter().all(|v| (0.0..=1.0).contains(v)), "alpha {alpha}");
        }
        let mut same = source.clone();
        warp_frequencies(&mut same, n_mels, 0.0, 8000.0, 1.0);
        assert!(same.iter().zip(&source).all(|(a, b)| (a - b).abs() < 1e-4));
    }

    #[test]
    fn vtlp_keeps_the_band_edges_in_place() {
        // A ramp over the bands: the first and last band read from themselves for any alpha.
        let (n_mels, frames) = (64, 2);
        let source: Vec<f32> = (0..n_mels * frames).map(|i| (i / frames) as f32).collect();
        for alpha in [0.85f32, 1.15] {
            let mut f = source.clone();
            warp_frequencies(&mut f, n_mels, 0.0, 8000.0, alpha);
            assert!(f[0].abs() < 0.5, "alpha {alpha}: {}", f[0]);
            assert!((f[f.len() - 1] - 63.0).abs() < 0.5, "alpha {alpha}");
        }
    }

    #[test]
    fn vtlp_range_is_checked() {
        for (range, ok) in [(0.0, true), (0.1, true), (-0.1, false), (0.5, false)] {
            let cfg = AugmentConfig {
                vtlp_range: range,
                ..AugmentConfig::default()
            };
            assert_eq!(cfg.validate().is_ok(), ok, "vtlp_range {range}");
        }
    }

    #[test]
    fn snr_ranges_and_the_babble_share_are_checked() {
        for (snr_db, ok) in [
            ((10.0, 40.0), true),
            ((5.0, 5.0), true),
            ((-5.0, 0.0), true),
            ((40.0, 10.0), false),
            ((f32::NAN, 10.0), false),
            ((0.0, f32::INFINITY), false),
        ] {
            let noise = AugmentConfig {
                snr_db,
                ..AugmentConfig::default()
            };
            assert_eq!(noise.validate().is_ok(), ok, "snr_db {snr_db:?}");
            let babble = AugmentConfig {
                babble_snr_db: snr_db,
                ..AugmentConfig::default()
            };
            assert_eq!(babble.validate().is_ok(), ok, "babble_snr_db {snr_db:?}");
        }
        let babble_prob = |p| AugmentConfig {
            babble_prob: p,
            ..AugmentConfig::default()
        };
        assert!(babble_prob(0.2).validate().is_ok());
        assert!(babble_prob(1.5).validate().is_err());
    }

    #[test]
    fn channel_probabilities_and_room_times_are_checked() {
        let with = |telephone_prob, reverb_prob, rt60_s| AugmentConfig {
            telephone_prob,
            reverb_prob,
            rt60_s,
            ..AugmentConfig::default()
        };
        assert!(with(0.25, 1.0, (0.2, 0.8)).validate().is_ok());
        assert!(with(1.5, 0.0, (0.2, 0.8)).validate().is_err());
        assert!(with(0.0, -0.1, (0.2, 0.8)).validate().is_err());
        assert!(with(0.0, 0.5, (0.0, 0.8)).validate().is_err());
        assert!(with(0.0, 0.5, (0.8, 0.2)).validate().is_err());
        assert!(with(0.0, 0.5, (0.2, 3.0)).validate().is_err());
    }
}
