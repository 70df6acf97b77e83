//! The streaming analysis of a whole recording: decode → resample → detect speech → cut
//! windows → classify in batches → smooth into segments.

use std::ops::Range;
use std::path::Path;

use ser_audio::{AudioError, Decoder, ErrorKind, Resampled};
use ser_model::EmotionModel;
use serde::{Deserialize, Serialize};

use crate::envelope::Envelope;
use crate::smooth::{segments, Segment};
use crate::summary::Summary;
use crate::vad::{SpeechDetector, VadParams};
use crate::windows::windows;

/// How a recording is analysed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct AnalyzeOptions {
    /// Length of an analysis window in seconds (the model's clip length is a good choice).
    pub window_s: f64,
    /// Step between windows in seconds.
    pub hop_s: f64,
    /// Audio kept around a short speech region when it is classified whole, in seconds, so
    /// that the model's own trimming finds the same edges as on the clip alone.
    pub context_s: f64,
    /// Windows on each side averaged into a window's probabilities (0: no smoothing).
    pub smooth_radius: usize,
    /// Windows classified per batch.
    pub batch: usize,
    /// Longest recording accepted, in seconds.
    pub max_duration_s: f64,
    /// Seconds per point of the waveform overview.
    pub envelope_block_s: f64,
    /// The speech detector's settings.
    pub vad: VadParams,
}

impl Default for AnalyzeOptions {
    fn default() -> Self {
        Self {
            window_s: 3.0,
            hop_s: 1.0,
            context_s: 0.25,
            smooth_radius: 1,
            batch: 4,
            max_duration_s: 24.0 * 3600.0,
            envelope_block_s: 0.05,
            vad: VadParams::default(),
        }
    }
}

impl AnalyzeOptions {
    /// Checks that every setting is usable; the message names the offending one.
    pub fn validate(&self) -> Result<(), String> {
        for (name, v) in [
            ("window", self.window_s),
            ("hop", self.hop_s),
            ("max duration", self.max_duration_s),
            ("envelope block", self.envelope_block_s),
        ] {
            if !(v.is_finite() && v > 0.0) {
                return Err(format!(
                    "{name} must be a positive number of seconds, not {v}"
                ));
            }
        }
        if self.hop_s > self.window_s {
            return Err(format!(
                "hop ({} s) must not exceed the window ({} s)",
                self.hop_s, self.window_s
            ));
        }
        if !(self.context_s.is_finite() && self.context_s >= 0.0) {
            return Err(format!(
                "context must not be negative, not {}",
                self.context_s
            ));
        }
        if self.batch == 0 {
            return Err("batch must be at least 1".into());
        }
        self.vad.validate()
    }
}

/// The result of analysing one recording.
#[derive(Debug, Clone)]
pub struct Analysis {
    /// Length of the recording in seconds.
    pub duration_s: f64,
    /// Seconds of detected speech.
    pub speech_s: f64,
    /// Speech segments with their emotions, in time order.
    pub segments: Vec<Segment>,
    /// Stretches without speech (`start_s, end_s`), in time order.
    pub non_speech: Vec<(f64, f64)>,
    /// Shares, dominant emotion and number of changes.
    pub summary: Summary,
    /// Waveform overview for drawing the recording.
    pub envelope: Envelope,
}

/// Applies a model to long recordings.
pub struct Analyzer<'m> {
    model: &'m EmotionModel,
    options: AnalyzeOptions,
}

/// A speech region on its way to segments.
struct Region {
    range: Range<usize>,
    centres_s: Vec<f64>,
    probs: Vec<Vec<f32>>,
}

/// The recording's samples from `start` on (absolute sample index), trimmed as the analysis
/// moves forward so that memory does not grow with the recording.
#[derive(Default)]
struct Buffer {
    start: usize,
    samples: Vec<f32>,
}

impl Buffer {
    fn end(&self) -> usize {
        self.start + self.samples.len()
    }

    fn slice(&self, r: &Range<usize>) -> &[f32] {
        let from = r.start.clamp(self.start, self.end()) - self.start;
        let to = r.end.clamp(self.start, self.end()) - self.start;
        &self.samples[from..to]
    }

    /// Forgets samples before `keep`, in large steps to keep the copying cheap.
    fn discard_before(&mut self, keep: usize) {
        let drop = keep.saturating_sub(self.start).min(self.samples.len());
        if drop >= self.samples.len() / 2 && drop > 0 {
            self.samples.drain(..drop);
            self.start += drop;
        }
    }
}

impl<'m> Analyzer<'m> {
    /// An analyzer of `model` with `options` (checked).
    pub fn new(model: &'m EmotionModel, options: AnalyzeOptions) -> Result<Self, String> {
        options.validate()?;
        Ok(Self { model, options })
    }

    /// The options in use.
    pub fn options(&self) -> &AnalyzeOptions {
        &self.options
    }

    /// Analyses an audio file; `progress(seconds_done, total_seconds)` is called as it goes
    /// (the total is known when the container declares its length).
    pub fn analyze_file(
        &self,
        path: impl AsRef<Path>,
        progress: impl FnMut(f64, Option<f64>),
    ) -> Result<Analysis, AudioError> {
        self.analyze(Decoder::open(path)?, progress)
    }

    /// Analyses an in-memory audio file (e.g. an upload); `name` is used in errors.
    pub fn analyze_bytes(&self, name: &str, bytes: Vec<u8>) -> Result<Analysis, AudioError> {
        self.analyze(Decoder::from_bytes(name, bytes)?, |_, _| {})
    }

    /// Analyses what an opened decoder reads, e.g. one side of a call recorded in stereo
    /// ([`Decoder::with_channel`]); `progress` as for [`Self::analyze_file`].
    pub fn analyze(
        &self,
        decoder: Decoder,
        mut progress: impl FnMut(f64, Option<f64>),
    ) -> Result<Analysis, AudioError> {
        let opts = &self.options;
        let in_rate = decoder.info().sample_rate;
        let rate = self.model.config().audio.sample_rate;
        let total_s = decoder
            .info()
            .declared_frames
            .map(|n| n as f64 / in_rate as f64);
        let max_in = (opts.max_duration_s * in_rate as f64) as u64;
        let context = (opts.context_s * rate as f64).round() as usize;
        // One channel of several (a side of a call): the others beside it, for the detector to
        // tell their voice bleeding into this channel from this channel's own speech.
        let mut stream = Resampled::new(decoder, rate, true);
        let mut vad = SpeechDetector::new(opts.vad.clone(), rate);
        let mut envelope = Envelope::new(rate, opts.envelope_block_s);
        let mut buffer = Buffer::default();
        let mut batch = Batch::default();
        let mut regions: Vec<Region> = Vec::new();
        let (mut fresh, mut others, mut ended) = (Vec::new(), Vec::new(), Vec::new());
        let mut done = false;
        while !done {
            fresh.clear();
            others.clear();
            done = !stream.next(&mut fresh, &mut others)?;
            if stream.decoder().frames_decoded() > max_in {
                return Err(AudioError::new(
                    stream.decoder().name(),
                    ErrorKind::TooLong {
                        limit_s: opts.max_duration_s,
                    },
                ));
            }
            envelope.push(&fresh);
            buffer.samples.extend_from_slice(&fresh);
            let beside = stream.has_others().then_some(&others[..]);
            vad.push_beside(&fresh, beside, &mut ended);
            if done {
                vad.finish(&mut ended);
            }
            for range in ended.drain(..) {
                self.cut(&buffer, range, context, &mut regions, &mut batch);
                while batch.clips.len() >= opts.batch {
                    batch.classify(self.model, opts.batch, &mut regions);
                }
            }
            buffer.discard_before(vad.keep_from().saturating_sub(context));
            progress(buffer.end() as f64 / rate as f64, total_s);
        }
        while !batch.clips.is_empty() {
            batch.classify(self.model, opts.batch, &mut regions);
        }
        Ok(self.assemble(regions, buffer.end() as f64 / rate as f64, envelope))
    }

    /// Cuts a finished speech region into windows and queues their clips.
    fn cut(
        &self,
        buffer: &Buffer,
        range: Range<usize>,
        context: usize,
        regions: &mut Vec<Region>,
        batch: &mut Batch,
    ) {
        // Every clip is fitted to the model's window (a region classified whole keeps its first
        // window), so that every forward pass has one input shape: the model would read a
        // longer clip by a varying number of windows, and the backend keeps memory for each
        // shape it meets (a 2-hour recording grew to 158 MB that way, against 88 MB fitted).
        let audio = &self.model.config().audio;
        let rate = audio.sample_rate as f64;
        let seconds = |s: f64| (s * rate).round() as usize;
        let wins = windows(
            range.clone(),
            seconds(self.options.window_s),
            seconds(self.options.hop_s),
        );
        let whole = wins.len() == 1;
        for w in &wins {
            let span = if whole {
                w.start.saturating_sub(context)..w.end + context
            } else {
                w.clone()
            };
            batch
                .clips
                .push(ser_audio::shape(buffer.slice(&span).to_vec(), audio));
            batch.owners.push(regions.len());
        }
        regions.push(Region {
            centres_s: wins
                .iter()
                .map(|w| (w.start + w.end) as f64 / 2.0 / rate)
                .collect(),
            range,
            probs: Vec::new(),
        });
    }

    fn assemble(&self, regions: Vec<Region>, duration_s: f64, envelope: Envelope) -> Analysis {
        let rate = self.model.config().audio.sample_rate as f64;
        let labels = self.model.labels();
        let mut segs = Vec::new();
        let mut non_speech = Vec::new();
        let mut cursor = 0.0;
        let mut speech_s = 0.0;
        for r in &regions {
            let (start, end) = (
                r.range.start as f64 / rate,
                (r.range.end as f64 / rate).min(duration_s),
            );
            if start > cursor {
                non_speech.push((cursor, start));
            }
            cursor = end;
            speech_s += end - start;
            segs.extend(segments(
                (start, end),
                &r.centres_s,
                &r.probs,
                self.options.smooth_radius,
                labels,
            ));
        }
        if duration_s > cursor {
            non_speech.push((cursor, duration_s));
        }
        Analysis {
            duration_s,
            speech_s,
            summary: Summary::of(&segs, labels),
            segments: segs,
            non_speech,
            envelope,
        }
    }
}

/// Clips waiting for the model, and the region each belongs to.
#[derive(Default)]
struct Batch {
    clips: Vec<Vec<f32>>,
    owners: Vec<usize>,
}

impl Batch {
    /// Classifies the first `n` queued clips (all if fewer): full batches keep the network's
    /// input shape constant, which keeps the backend's memory from growing.
    fn classify(&mut self, model: &EmotionModel, n: usize, regions: &mut [Region]) {
        let n = n.min(self.clips.len());
        let predictions = model.predict_clips(&self.clips[..n]);
        for (p, owner) in predictions.into_iter().zip(self.owners.drain(..n)) {
            regions[owner]
                .probs
                .push(p.probabilities.into_iter().map(|(_, v)| v).collect());
        }
        self.clips.drain(..n);
    }
}
