//! Voice-activity detection: which stretches of a recording hold speech.
//!
//! A frame (25 ms, hop 10 ms) counts as speech when four things hold:
//! - its RMS level is above an absolute floor (`min_level_db`, dBFS), so digital silence and
//!   hiss far below any speech never count;
//! - its level between 100 Hz and 4 kHz (where voices carry their fundamental and formants)
//!   stands `above_floor_db` over the recording's noise floor, the `floor_percentile` quantile
//!   of those levels in a window of `floor_window_s` centred on it, so a steady hum or fan never
//!   counts however loud it is, nor a rumble (traffic, wind; brown noise) whose level swings
//!   only below 100 Hz;
//! - its spectrum between 250 Hz and 4 kHz is not flat (spectral flatness below
//!   `max_flatness`): voiced speech has harmonics and formants, white and pink noise do not
//!   (measured on RAVDESS: speech frames' median flatness 0.02-0.12, white noise ≥ 0.51 and pink
//!   noise ≥ 0.37 in 9 frames out of 10); nor is it once tilted up by 6 dB per octave (power
//!   × f², flatness below `max_tilted_flatness`): a rumble (traffic, wind; brown noise) falls
//!   by 6 dB per octave, which hides its flatness (median 0.18) until the tilt shows it (0.57,
//!   ≥ 0.51 in 9 frames of 10; speech 0.12, 91 % of its frames below 0.45 against 92 % below
//!   `max_flatness`);
//! - its level moves: over `swing_window_s` around it, the 10th and 90th percentile frame levels
//!   lie `min_swing_db` apart or more, so a steady sound (a hum, a tone, a machine) does not
//!   count where it stands above the floor because it started after a quieter stretch or stays
//!   on after speech; syllables swing speech's level by far more.
//!
//! Where one channel of a recording is read alone (one side of a call recorded in stereo), the
//! detector can also hear the other channels ([`SpeechDetector::push_beside`]): a frame is
//! not this channel's speech where they are `crosstalk_db` louder, since that is the other
//! side's voice bleeding in (crosstalk, echo), which passes every other test.
//!
//! Speech frames separated by pauses up to `max_pause_s` form one region (so unvoiced sounds
//! and short breaks stay inside); a region starts and ends with two speech frames in a row,
//! so that the odd frame of a noise that passes every test (a rumble's, about one in a
//! hundred) cannot carry a region on from pause to pause, nor a chain of them make one;
//! regions shorter than `min_speech_s` are dropped as clicks,
//! regions whose own levels swing less than `min_swing_db` as the onset of a steady sound (its
//! first half swing window, whose frames see the quiet before it), and regions are cut at
//! `max_region_s` so that memory stays bounded in endless speech.
//! Decisions wait for half a floor window of look-ahead, which is all the audio the detector
//! ever needs to hold.

use std::collections::VecDeque;
use std::ops::Range;

use ser_features::{PadMode, Stft};
use serde::{Deserialize, Serialize};

/// Settings of the speech detector (see the module documentation for what each one does).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct VadParams {
    /// Frame length in seconds.
    pub frame_s: f64,
    /// Frame hop in seconds.
    pub hop_s: f64,
    /// Quietest frame RMS that can be speech, in dB relative to full scale.
    pub min_level_db: f32,
    /// How far above the local noise floor a speech frame must be, in dB.
    pub above_floor_db: f32,
    /// Quantile of frame levels taken as the noise floor (0-1).
    pub floor_percentile: f32,
    /// Window over which the noise floor is estimated, in seconds (centred).
    pub floor_window_s: f64,
    /// Highest spectral flatness (250 Hz-4 kHz) of a speech frame.
    pub max_flatness: f32,
    /// Highest spectral flatness (250 Hz-4 kHz) of a speech frame's spectrum tilted up by 6 dB
    /// per octave (power × f²): what tells a rumble, whose slope hides its flatness.
    pub max_tilted_flatness: f32,
    /// Longest pause kept inside one speech region, in seconds.
    pub max_pause_s: f64,
    /// Region edges quieter than this many dB below the region's loudest frame are cut.
    pub edge_db: f32,
    /// Shortest speech region reported, in seconds.
    pub min_speech_s: f64,
    /// Smallest swing of the frame levels around a speech frame (90th minus 10th percentile
    /// over `swing_window_s`, dB); steadier stretches are steady sounds.
    pub min_swing_db: f32,
    /// Window over which a frame's level swing is measured, in seconds (centred).
    pub swing_window_s: f64,
    /// Longest speech region; longer speech is cut into several, in seconds.
    pub max_region_s: f64,
    /// How much louder the other channels may be in a frame of one channel read alone before
    /// the frame is taken for their voice bleeding in, not this channel's speech, in dB.
    pub crosstalk_db: f32,
}

/// Quietest frame RMS that can be speech by default ([`VadParams::min_level_db`]), dBFS: below
/// it, hiss and the faintest room tone; speech from a distant microphone stays above it.
pub const MIN_LEVEL_DB: f32 = -70.0;

impl Default for VadParams {
    fn default() -> Self {
        Self {
            frame_s: 0.025,
            hop_s: 0.010,
            min_level_db: MIN_LEVEL_DB,
            above_floor_db: 12.0,
            floor_percentile: 0.1,
            floor_window_s: 30.0,
            max_flatness: 0.3,
            max_tilted_flatness: 0.45,
            max_pause_s: 0.75,
            edge_db: 30.0,
            min_speech_s: 0.2,
            min_swing_db: 3.0,
            swing_window_s: 1.0,
            max_region_s: 60.0,
            crosstalk_db: 15.0,
        }
    }
}

impl VadParams {
    /// Checks that every setting is usable; the message names the offending one.
    pub fn validate(&self) -> Result<(), String> {
        let positive = [
            ("frame_s", self.frame_s),
            ("hop_s", self.hop_s),
            ("floor_window_s", self.floor_window_s),
            ("swing_window_s", self.swing_window_s),
            ("max_region_s", self.max_region_s),
        ];
        for (name, v) in positive {
            if !(v.is_finite() && v > 0.0) {
                return Err(format!("VAD {name} must be positive, not {v}"));
            }
        }
        if !(0.0..=1.0).contains(&self.floor_percentile) {
            return Err("VAD floor_percentile must lie in 0-1".into());
        }
        if !(self.max_pause_s >= 0.0
            && self.min_speech_s >= 0.0
            && self.min_swing_db >= 0.0
            && self.crosstalk_db >= 0.0)
        {
            return Err(
                "VAD max_pause_s, min_speech_s, min_swing_db and crosstalk_db must not be negative"
                    .into(),
            );
        }
        if self.hop_s > self.frame_s {
            return Err("VAD hop_s must not exceed frame_s".into());
        }
        Ok(())
    }
}

/// What the detector measured in one frame.
#[derive(Debug, Clone, Copy)]
struct Frame {
    /// RMS level, dBFS.
    level_db: f32,
    /// RMS level of the 100 Hz-4 kHz part, dBFS: what is compared with the noise floor.
    band_db: f32,
    flatness: f32,
    /// Flatness of the spectrum tilted up by 6 dB per octave.
    tilted_flatness: f32,
    /// RMS level of the other channels over the same frame, dBFS ([`SILENCE_DB`] without them).
    others_db: f32,
}

/// A mean square in dB, digital silence at [`SILENCE_DB`].
fn db(ms: f32) -> f32 {
    if ms > 0.0 {
        (10.0 * ms.log10()).max(SILENCE_DB)
    } else {
        SILENCE_DB
    }
}

/// Lowest frequency of the level compared with the noise floor, in Hz: voices reach down to
/// their fundamental (about 100 Hz for men), while the level of a rumble swings below it.
const LEVEL_LOW_HZ: f64 = 100.0;
/// Frames that share one measurement of the level's swing (50 ms).
const SWING_STEP: usize = 5;
/// Speech frames in a row that a region starts and ends with (30 ms).
const EDGE_RUN: usize = 2;
/// Frames decided per noise-floor estimate.
const FLOOR_BLOCK: usize = 50;
/// Level given to frames of digital silence (instead of -inf).
const SILENCE_DB: f32 = -200.0;

/// A streaming speech detector: push samples in chunks of any size, receive speech regions
/// (as sample ranges of the whole stream) once they are over.
pub struct SpeechDetector {
    params: VadParams,
    frame_len: usize,
    hop: usize,
    min_speech: usize,
    stft: Stft,
    /// Bins whose flatness tells voice from noise (250 Hz-4 kHz).
    band: Range<usize>,
    /// Per bin of `band`, the weight (∝ f²) that tilts the spectrum up by 6 dB per octave, and
    /// the mean of the weights' logs.
    tilt: Vec<f32>,
    mean_log_tilt: f32,
    /// Bins whose power is compared with the noise floor (100 Hz-4 kHz).
    level_band: Range<usize>,
    /// Turns a frame's power summed over `level_band` into the mean square of that part.
    level_scale: f32,
    /// Samples from the start of the next frame on.
    tail: Vec<f32>,
    /// The other channels' samples over the same stretch, once any were pushed.
    others_tail: Option<Vec<f32>>,
    /// Index of the frame that starts `tail`.
    next_frame: usize,
    /// Measured, undecided frames; the first has index `first_pending`.
    pending: VecDeque<Frame>,
    first_pending: usize,
    /// The last decided frames: half a floor window for the floor estimate, and half a swing
    /// window for the swing, whichever is longer.
    history: VecDeque<Frame>,
    half_window: usize,
    swing_half: usize,
    /// The levels around the frames being decided, and one frame's window of them.
    context: Vec<f32>,
    around: Vec<f32>,
    /// First and last speech frame of the region being built.
    open: Option<(usize, usize)>,
    /// Levels of the frames from the open region's first on, and which of them are speech.
    open_levels: Vec<f32>,
    open_speech: Vec<bool>,
    scratch: Vec<f32>,
}

impl SpeechDetector {
    /// A detector for audio at `sample_rate` Hz; `params` must pass [`VadParams::validate`].
    pub fn new(params: VadParams, sample_rate: u32) -> Self {
        let rate = sample_rate as f64;
        let frame_len = ((params.frame_s * rate).round() as usize).max(2);
        let hop = ((params.hop_s * rate).round() as usize).clamp(1, frame_len);
        let n_fft = frame_len.next_power_of_two();
        let bin = |hz: f64| ((hz * n_fft as f64 / rate).round() as usize).min(n_fft / 2);
        let band = bin(250.0)..bin(4000.0).max(bin(250.0) + 1);
        let tilt: Vec<f32> = band.clone().map(|k| (k * k) as f32).collect();
        let mean_log_tilt = tilt.iter().map(|w| w.ln()).sum::<f32>() / tilt.len() as f32;
        let level_band = bin(LEVEL_LOW_HZ)..bin(4000.0).max(bin(LEVEL_LOW_HZ) + 1);
        let half_window = ((params.floor_window_s / 2.0) / params.hop_s).ceil() as usize;
        let swing_half = ((params.swing_window_s / 2.0) / params.hop_s).round() as usize;
        let stft = Stft::new(n_fft, frame_len, hop, false, PadMode::Constant);
        // Parseval: the one-sided bins hold half of n_fft × the windowed frame's sum of squares,
        // whose expectation is the mean square × the window's energy.
        let window_energy: f32 = stft.window().iter().map(|w| w * w).sum();
        Self {
            stft,
            level_scale: 2.0 / (n_fft as f32 * window_energy),
            level_band,
            min_speech: (params.min_speech_s * rate).round() as usize,
            params,
            frame_len,
            hop,
            band,
            tilt,
            mean_log_tilt,
            tail: Vec::new(),
            others_tail: None,
            next_frame: 0,
            pending: VecDeque::new(),
            first_pending: 0,
            history: VecDeque::new(),
            half_window,
            swing_half,
            context: Vec::new(),
            around: Vec::new(),
            open: None,
            open_levels: Vec::new(),
            open_speech: Vec::new(),
            scratch: Vec::new(),
        }
    }

    /// Feeds the next samples; regions that ended are appended to `regions`.
    pub fn push(&mut self, samples: &[f32], regions: &mut Vec<Range<usize>>) {
        self.tail.extend_from_slice(samples);
        self.measure();
        while self.pending.len() >= FLOOR_BLOCK + self.half_window {
            self.decide_block(regions);
        }
    }

    /// [`Self::push`], and for one channel read alone the other channels' samples (their
    /// mean) over the same stretch of the recording: frames where those are
    /// [`VadParams::crosstalk_db`] louder are not speech. Give them with every chunk of a
    /// stream or with none.
    pub fn push_beside(
        &mut self,
        samples: &[f32],
        others: Option<&[f32]>,
        regions: &mut Vec<Range<usize>>,
    ) {
        if let Some(others) = others {
            self.others_tail
                .get_or_insert_with(Vec::new)
                .extend_from_slice(others);
        }
        self.push(samples, regions);
    }

    /// Ends the stream: decides the remaining frames and closes the last region.
    pub fn finish(&mut self, regions: &mut Vec<Range<usize>>) {
        self.measure();
        while !self.pending.is_empty() {
            self.decide_block(regions);
        }
        self.close(regions);
    }

    /// The first sample a region still to come may start at: audio before it is no longer
    /// needed (beyond the context a caller wants around regions).
    pub fn keep_from(&self) -> usize {
        let frame = self.open.map_or(self.first_pending, |(first, _)| first);
        frame * self.hop
    }

    /// Measures every complete frame in `tail` and drops the samples no frame needs anymore.
    fn measure(&mut self) {
        // With the other channels, only as far as both streams have arrived.
        let ready = self
            .others_tail
            .as_ref()
            .map_or(self.tail.len(), |o| o.len().min(self.tail.len()));
        if ready < self.frame_len {
            return;
        }
        let (band, level_band, scale) =
            (self.band.clone(), self.level_band.clone(), self.level_scale);
        let (frame_len, hop) = (self.frame_len, self.hop);
        let mut frames = Vec::new();
        let (tail, tilt, mean_log_tilt) = (&self.tail[..ready], &self.tilt, self.mean_log_tilt);
        let others = self.others_tail.as_deref();
        let mean_square = |x: &[f32]| x.iter().map(|v| v * v).sum::<f32>() / frame_len as f32;
        self.stft.for_each_power_frame(tail, 2.0, |t, power| {
            let span = t * hop..t * hop + frame_len;
            let band_ms = scale * power[level_band.clone()].iter().sum::<f32>();
            let (flatness, tilted_flatness) = flatness(&power[band.clone()], tilt, mean_log_tilt);
            frames.push(Frame {
                level_db: db(mean_square(&tail[span.clone()])),
                band_db: db(band_ms),
                flatness,
                tilted_flatness,
                others_db: others.map_or(SILENCE_DB, |o| db(mean_square(&o[span]))),
            });
        });
        let n = frames.len();
        self.pending.extend(frames);
        self.next_frame += n;
        self.tail.drain(..n * hop);
        if let Some(o) = &mut self.others_tail {
            o.drain(..n * hop);
        }
    }

    /// Decides up to one block of pending frames against the noise floor around them.
    fn decide_block(&mut self, regions: &mut Vec<Range<usize>>) {
        let n = FLOOR_BLOCK.min(self.pending.len());
        let ahead = (n + self.half_window).min(self.pending.len());
        self.scratch.clear();
        self.scratch.extend(
            self.history
                .iter()
                .rev()
                .take(self.half_window)
                .map(|f| f.band_db),
        );
        self.scratch
            .extend(self.pending.iter().take(ahead).map(|f| f.band_db));
        let k = ((self.scratch.len() - 1) as f32 * self.params.floor_percentile).round() as usize;
        let floor = *self.scratch.select_nth_unstable_by(k, f32::total_cmp).1;
        let above_floor = floor + self.params.above_floor_db;
        self.context.clear();
        let recent = self.history.len().saturating_sub(self.swing_half);
        self.context
            .extend(self.history.range(recent..).map(|f| f.level_db));
        let before = self.context.len();
        self.context.extend(
            self.pending
                .iter()
                .take(n + self.swing_half)
                .map(|f| f.level_db),
        );
        // The swing moves slowly: measured once per SWING_STEP frames, around the middle one.
        let mut swing = None;
        for k in 0..n {
            let frame = self.pending.pop_front().expect("n ≤ pending");
            let index = self.first_pending;
            self.first_pending += 1;
            if k % SWING_STEP == 0 {
                swing = None;
            }
            let speech = frame.level_db > self.params.min_level_db
                && frame.level_db + self.params.crosstalk_db > frame.others_db
                && frame.band_db > above_floor
                && frame.flatness < self.params.max_flatness
                && frame.tilted_flatness < self.params.max_tilted_flatness
                && *swing.get_or_insert_with(|| {
                    self.swing_around(before + k - k % SWING_STEP + SWING_STEP / 2)
                }) >= self.params.min_swing_db;
            self.history.push_back(frame);
            if self.history.len() > self.half_window.max(self.swing_half) {
                self.history.pop_front();
            }
            self.decide(index, speech, frame.level_db, regions);
        }
    }

    /// The swing of the levels in `context` within half a swing window of `centre`.
    fn swing_around(&mut self, centre: usize) -> f32 {
        let start = centre.saturating_sub(self.swing_half);
        let end = (centre + self.swing_half + 1).min(self.context.len());
        self.around.clear();
        self.around.extend_from_slice(&self.context[start..end]);
        swing_db(&mut self.around)
    }

    fn decide(&mut self, index: usize, speech: bool, level: f32, regions: &mut Vec<Range<usize>>) {
        let hop_s = self.params.hop_s;
        if self.open.is_some() || speech {
            self.open_levels.push(level);
            self.open_speech.push(speech);
        }
        match (self.open, speech) {
            (None, true) => self.open = Some((index, index)),
            (Some((first, _)), true) => {
                self.open = Some((first, index));
                if (index + 1 - first) as f64 * hop_s >= self.params.max_region_s {
                    self.close(regions);
                }
            }
            (Some((_, last)), false) if (index - last) as f64 * hop_s > self.params.max_pause_s => {
                self.close(regions)
            }
            _ => {}
        }
    }

    fn close(&mut self, regions: &mut Vec<Range<usize>>) {
        let Some((first, last)) = self.open.take() else {
            return;
        };
        // The region runs from its first to its last run of EDGE_RUN speech frames: a frame
        // that a noise lets through now and then, within a pause of the region's end, would
        // otherwise stretch it (and a chain of them make a region of their own).
        let speech = &self.open_speech[..=last - first];
        let mut runs = speech
            .windows(EDGE_RUN)
            .enumerate()
            .filter(|(_, w)| w.iter().all(|&s| s));
        let (Some((start, _)), Some((end, _))) = (runs.clone().next(), runs.next_back()) else {
            self.open_levels.clear();
            self.open_speech.clear();
            return;
        };
        let levels = &self.open_levels[start..end + EDGE_RUN];
        let peak = levels.iter().copied().fold(SILENCE_DB, f32::max);
        let loud = |l: &f32| *l >= peak - self.params.edge_db;
        let head = start + levels.iter().position(loud).unwrap_or(0);
        let tail = start + levels.iter().rposition(loud).unwrap_or(levels.len() - 1);
        let swing = swing_db(&mut self.open_levels[head..=tail]);
        self.open_levels.clear();
        self.open_speech.clear();
        let region = (first + head) * self.hop..(first + tail) * self.hop + self.frame_len;
        if region.len() >= self.min_speech && swing >= self.params.min_swing_db {
            regions.push(region);
        }
    }
}

/// How far apart the 10th and 90th percentiles of `levels` are (reorders them).
fn swing_db(levels: &mut [f32]) -> f32 {
    let mut at = |q: f32| {
        let k = ((levels.len() - 1) as f32 * q).round() as usize;
        *levels.select_nth_unstable_by(k, f32::total_cmp).1
    };
    at(0.9) - at(0.1)
}

/// Geometric over arithmetic mean of a power spectrum, 1 for a flat one and near 0 for peaks:
/// of `power` itself and of `power` weighted by `tilt` (whose logs average `mean_log_tilt`).
/// The weighted spectrum's mean log is the spectrum's plus the weights', so one pass of
/// logarithms serves both.
fn flatness(power: &[f32], tilt: &[f32], mean_log_tilt: f32) -> (f32, f32) {
    const TINY: f32 = 1e-20;
    let n = power.len() as f32;
    let mean = power.iter().sum::<f32>() / n;
    if mean <= TINY {
        return (1.0, 1.0);
    }
    let tilted_mean = power.iter().zip(tilt).map(|(p, w)| p * w).sum::<f32>() / n;
    let log_mean = power.iter().map(|p| (p + TINY).ln()).sum::<f32>() / n;
    let ratio = |log_mean: f32, mean: f32| (log_mean.exp() / mean).min(1.0);
    (
        ratio(log_mean, mean),
        ratio(log_mean + mean_log_tilt, tilted_mean),
    )
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    const RATE: u32 = 16_000;

    fn detect(samples: &[f32], chunk: usize) -> Vec<Range<usize>> {
        detect_with(VadParams::default(), samples, chunk)
    }

    fn detect_with(params: VadParams, samples: &[f32], chunk: usize) -> Vec<Range<usize>> {
        let mut vad = SpeechDetector::new(params, RATE);
        let mut regions = Vec::new();
        for c in samples.chunks(chunk) {
            vad.push(c, &mut regions);
        }
        vad.finish(&mut regions);
        regions
    }

    /// A 150 Hz fundamental with ten harmonics at about -30 dBFS: voiced syllables when
    /// `syllabic` (its level swinging by 10 dB four times a second), else a steady buzz.
    fn voice(secs: f64, syllabic: bool) -> Vec<f32> {
        let n = (secs * RATE as f64) as usize;
        (0..n)
            .map(|i| {
                let t = i as f32 / RATE as f32;
                let envelope = if syllabic {
                    0.3 + 0.35 * (1.0 + (2.0 * std::f32::consts::PI * 4.0 * t).cos())
                } else {
                    1.0
                };
                (1..=10)
                    .map(|h| (2.0 * std::f32::consts::PI * 150.0 * h as f32 * t).sin() / h as f32)
                    .sum::<f32>()
                    * 0.02
                    * envelope
            })
            .collect()
    }

    fn syllables(secs: f64) -> Vec<f32> {
        voice(secs, true)
    }

    /// White noise of `secs` at 16 kHz, uniform in ±`amplitude`, from a fixed `seed`.
    pub(crate) fn white(secs: f64, amplitude: f32, seed: u64) -> Vec<f32> {
        let mut s = seed;
        (0..(secs * RATE as f64) as usize)
            .map(|_| {
                s = s
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                ((s >> 40) as f32 / (1u64 << 24) as f32 - 0.5) * 2.0 * amplitude
            })
            .collect()
    }

    /// A loud 60 Hz mains hum with a 300 Hz harmonic, `secs` long at 16 kHz.
    pub(crate) fn hum(secs: f64) -> Vec<f32> {
        (0..(secs * RATE as f64) as usize)
            .map(|i| {
                let t = i as f32 / 16e3;
                0.1 * (2.0 * std::f32::consts::PI * 60.0 * t).sin()
                    + 0.05 * (2.0 * std::f32::consts::PI * 300.0 * t).sin()
            })
            .collect()
    }

    /// A rumble (traffic, wind) of `secs` at 16 kHz: white noise through a leaky integrator
    /// (brown noise above 25 Hz), scaled to `rms`.
    pub(crate) fn rumble(secs: f64, rms: f32, seed: u64) -> Vec<f32> {
        let mut level = 0.0;
        let mut y: Vec<f32> = white(secs, 1.0, seed)
            .into_iter()
            .map(|w| {
                level = 0.99 * level + w;
                level
            })
            .collect();
        let scale = rms / (y.iter().map(|v| v * v).sum::<f32>() / y.len() as f32).sqrt();
        y.iter_mut().for_each(|v| *v *= scale);
        y
    }

    #[test]
    fn finds_syllables_between_silences_whatever_the_chunking() {
        let mut y = vec![0.0; RATE as usize * 2];
        y.extend(syllables(1.5));
        y.extend(vec![0.0; RATE as usize * 2]);
        for chunk in [1, 160, 4096, y.len()] {
            let regions = detect(&y, chunk);
            assert_eq!(regions.len(), 1, "chunk {chunk}: {regions:?}");
            let (start, end) = (regions[0].start as f64 / 16e3, regions[0].end as f64 / 16e3);
            assert!(
                (start - 2.0).abs() < 0.05 && (end - 3.5).abs() < 0.05,
                "{start}..{end}"
            );
        }
    }

    #[test]
    fn silence_and_noise_are_not_speech() {
        assert!(detect(&vec![0.0; 16_000 * 5], 1000).is_empty());
        assert!(detect(&white(5.0, 0.05, 1), 1000).is_empty());
        // Noise bursts after silence: loud against the floor, but flat.
        let mut y = vec![0.0; 16_000 * 3];
        y.extend(white(1.0, 0.2, 2));
        y.extend(vec![0.0; 16_000 * 3]);
        assert!(detect(&y, 1000).is_empty());
    }

    #[test]
    fn short_pauses_stay_inside_long_ones_split() {
        let mut y = syllables(1.0);
        y.extend(vec![0.0; 16_000 / 5]); // 0.2 s: same region
        y.extend(syllables(1.0));
        y.extend(vec![0.0; 16_000]); // 1 s: a new region
        y.extend(syllables(1.0));
        let regions = detect(&y, 3000);
        assert_eq!(regions.len(), 2, "{regions:?}");
    }

    #[test]
    fn a_steady_sound_switched_on_is_not_speech() {
        // A buzz after silence stands far above the floor of the silence, but never moves.
        let mut y = vec![0.0; RATE as usize * 2];
        y.extend(voice(3.0, false));
        assert!(detect(&y, 1000).is_empty());
        // Its level swinging as syllables do, the same sound is speech.
        y.truncate(RATE as usize * 2);
        y.extend(syllables(3.0));
        assert_eq!(detect(&y, 1000).len(), 1);
    }

    #[test]
    fn a_steady_sound_staying_on_after_speech_is_not_speech() {
        // Silence, syllables, then the same voice held steady for 5 s: the region ends with the
        // syllables (give or take the half second whose swing window still sees them).
        let mut y = vec![0.0; RATE as usize * 2];
        y.extend(syllables(1.5));
        y.extend(voice(5.0, false));
        let regions = detect(&y, 1000);
        assert_eq!(regions.len(), 1, "{regions:?}");
        let (start, end) = (regions[0].start as f64 / 16e3, regions[0].end as f64 / 16e3);
        assert!((start - 2.0).abs() < 0.05 && end < 4.2, "{start}..{end}");
    }

    #[test]
    fn a_rumble_among_quieter_stretches_is_not_speech() {
        // Faint room noise, 4 s of a rumble 30 dB louder, room noise again: the rumble stands
        // far above the floor, its level swings, and its falling spectrum is not flat.
        let mut y = white(3.0, 0.002, 1);
        y.extend(rumble(4.0, 0.03, 2));
        y.extend(white(3.0, 0.002, 3));
        assert!(detect(&y, 1000).is_empty());
        // Tilted up by 6 dB per octave it is: without that test it is taken for speech.
        let untilted = VadParams {
            max_tilted_flatness: 1.0,
            ..VadParams::default()
        };
        let regions = detect_with(untilted, &y, 1000);
        assert_eq!(regions.len(), 1, "{regions:?}");
    }

    #[test]
    fn a_rumble_after_speech_does_not_stretch_it() {
        // Syllables, then a rumble as loud: the few rumble frames that pass every test now and
        // then, each within a pause of the last, must not carry the region on.
        let mut y = white(2.0, 0.002, 5);
        y.extend(syllables(1.5));
        y.extend(rumble(6.0, 0.03, 6));
        let regions = detect(&y, 1000);
        assert_eq!(regions.len(), 1, "{regions:?}");
        let end = regions[0].end as f64 / 16e3;
        assert!(end < 4.0, "the region runs on to {end} s");
    }

    /// One side of a two-sided recording, `near` its voice and `far` the other side's, each
    /// reaching the other channel 20 dB down (crosstalk), over a faint hiss: this side's channel
    /// and the other's.
    fn call_sides(near: &[f32], far: &[f32]) -> (Vec<f32>, Vec<f32>) {
        let hiss = white(near.len() as f64 / RATE as f64, 1e-4, 7);
        let own = (0..near.len()).map(|i| near[i] + 0.1 * far[i] + hiss[i]);
        let other = (0..near.len()).map(|i| far[i] + 0.1 * near[i]);
        (own.collect(), other.collect())
    }

    /// The detector's regions of `own`, hearing `other` beside it.
    fn detect_beside(own: &[f32], other: &[f32]) -> Vec<Range<usize>> {
        let mut vad = SpeechDetector::new(VadParams::default(), RATE);
        let mut regions = Vec::new();
        for (a, b) in own.chunks(700).zip(other.chunks(700)) {
            vad.push_beside(a, Some(b), &mut regions);
        }
        vad.finish(&mut regions);
        regions
    }

    #[test]
    fn the_other_side_of_a_call_bleeding_in_is_not_this_sides_speech() {
        // After 3 s of quiet, turns: this side speaks for 2 s, then the other side for 2 s,
        // then this side again, then 3 s of quiet.
        let quiet = |secs: usize| vec![0.0; secs * RATE as usize];
        let talk = || syllables(2.0);
        let near: Vec<f32> = [quiet(3), talk(), quiet(2), talk(), quiet(3)].concat();
        let far: Vec<f32> = [quiet(5), talk(), quiet(5)].concat();
        let (own, other) = call_sides(&near, &far);
        let seconds = |r: &Range<usize>| (r.start as f64 / 16e3, r.end as f64 / 16e3);
        let regions: Vec<_> = detect_beside(&own, &other).iter().map(seconds).collect();
        assert_eq!(regions.len(), 2, "{regions:?}");
        assert!(regions[0].1 < 5.2 && regions[1].0 > 6.8, "{regions:?}");
        // Read alone, the channel's bleed 20 dB down passes for speech: one region throughout.
        let alone: Vec<_> = detect(&own, 700).iter().map(seconds).collect();
        assert_eq!(alone.len(), 1, "{alone:?}");
        // Both talking at once: each side's own speech is still its speech.
        let both: Vec<f32> = [quiet(3), syllables(6.0), quiet(3)].concat();
        let (own, other) = call_sides(&both, &both);
        assert_eq!(detect_beside(&own, &other).len(), 1);
    }

    #[test]
    fn syllables_over_a_rumble_are_speech() {
        let mut y = rumble(6.0, 0.01, 4);
        for (v, s) in y[2 * RATE as usize..].iter_mut().zip(syllables(2.0)) {
            *v += s;
        }
        let regions = detect(&y, 1000);
        assert_eq!(regions.len(), 1, "{regions:?}");
        let (start, end) = (regions[0].start as f64 / 16e3, regions[0].end as f64 / 16e3);
        assert!(
            (start - 2.0).abs() < 0.2 && (end - 4.0).abs() < 0.2,
            "{start}..{end}"
        );
    }

    #[test]
    fn steady_hum_under_speech_is_the_floor() {
        // A loud 60 Hz hum with harmonics is not flat, but it never rises above its own floor.
        assert!(detect(&hum(10.0), 2000).is_empty());
    }

    #[test]
    fn long_speech_is_cut_at_the_region_limit() {
        let params = VadParams {
            max_region_s: 2.0,
            ..VadParams::default()
        };
        let mut vad = SpeechDetector::new(params, RATE);
        let mut regions = Vec::new();
        // Syllables: 0.3 s voiced, 0.1 s pause, for 5 s.
        for _ in 0..(5.0 / 0.4) as usize {
            vad.push(&syllables(0.3), &mut regions);
            vad.push(&[0.0; 1600], &mut regions);
        }
        vad.finish(&mut regions);
        assert_eq!(regions.len(), 3, "{regions:?}");
    }
}
