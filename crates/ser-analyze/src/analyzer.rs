//! The streaming analysis of a whole recording: decode → resample → detect speech → cut
//! windows → classify in batches → smooth into segments.

use std::ops::Range;
use std::path::Path;

use ser_audio::{Audio, AudioError, Decoder, ErrorKind, Resampled};
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

/// An analysis under way: the recording heard so far, its speech regions cut into windows and
/// classified as they end.
struct Hearing<'a, 'm> {
    analyzer: &'a Analyzer<'m>,
    /// Samples kept around a short region classified whole.
    context: usize,
    vad: SpeechDetector,
    envelope: Envelope,
    buffer: Buffer,
    batch: Batch,
    regions: Vec<Region>,
    /// Regions the detector has just finished.
    ended: Vec<Range<usize>>,
}

impl<'a, 'm> Hearing<'a, 'm> {
    fn new(analyzer: &'a Analyzer<'m>) -> Self {
        let opts = &analyzer.options;
        let rate = analyzer.model.config().audio.sample_rate;
        Self {
            analyzer,
            context: (opts.context_s * rate as f64).round() as usize,
            vad: SpeechDetector::new(opts.vad.clone(), rate),
            envelope: Envelope::new(rate, opts.envelope_block_s),
            buffer: Buffer::default(),
            batch: Batch::default(),
            regions: Vec::new(),
            ended: Vec::new(),
        }
    }

    /// Hears the next `fresh` samples (with the other channels' `beside` them, when a channel
    /// of several is read); `last` once the recording ends with them.
    fn push(&mut self, fresh: &[f32], beside: Option<&[f32]>, last: bool) {
        let (analyzer, model) = (self.analyzer, self.analyzer.model);
        let batch_size = analyzer.options.batch;
        self.envelope.push(fresh);
        self.buffer.samples.extend_from_slice(fresh);
        self.vad.push_beside(fresh, beside, &mut self.ended);
        if last {
            self.vad.finish(&mut self.ended);
        }
        for range in self.ended.drain(..) {
            analyzer.cut(
                &self.buffer,
                range,
                self.context,
                &mut self.regions,
                &mut self.batch,
            );
            while self.batch.clips.len() >= batch_size {
                self.batch.classify(model, batch_size, &mut self.regions);
            }
        }
        self.buffer
            .discard_before(self.vad.keep_from().saturating_sub(self.context));
    }

    /// Seconds heard so far.
    fn heard_s(&self) -> f64 {
        self.buffer.end() as f64 / self.analyzer.model.config().audio.sample_rate as f64
    }

    /// Classifies what is still queued and assembles the analysis.
    fn finish(mut self) -> Analysis {
        let (analyzer, model) = (self.analyzer, self.analyzer.model);
        while !self.batch.clips.is_empty() {
            self.batch
                .classify(model, analyzer.options.batch, &mut self.regions);
        }
        let duration_s = self.heard_s();
        analyzer.assemble(self.regions, duration_s, self.envelope)
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
        let in_rate = decoder.info().sample_rate;
        let rate = self.model.config().audio.sample_rate;
        let total_s = decoder
            .info()
            .declared_frames
            .map(|n| n as f64 / in_rate as f64);
        let max_in = (self.options.max_duration_s * in_rate as f64) as u64;
        // One channel of several (a side of a call): the others beside it, for the detector to
        // tell their voice bleeding into this channel from this channel's own speech.
        let mut stream = Resampled::new(decoder, rate, true);
        let mut hearing = Hearing::new(self);
        let (mut fresh, mut others) = (Vec::new(), Vec::new());
        let mut done = false;
        while !done {
            fresh.clear();
            others.clear();
            done = !stream.next(&mut fresh, &mut others)?;
            if stream.decoder().frames_decoded() > max_in {
                return Err(self.too_long(stream.decoder().name()));
            }
            let beside = stream.has_others().then_some(&others[..]);
            hearing.push(&fresh, beside, done);
            progress(hearing.heard_s(), total_s);
        }
        Ok(hearing.finish())
    }

    /// Analyses audio read whole at the model's rate, untrimmed (with the other channels beside
    /// one channel read, where [`ser_audio::load_beside_others`] kept them): what
    /// [`Self::analyze`] gives of the decoder it was read from, for a caller that needs the
    /// samples for more than the analysis (a server's report, which also draws and classifies
    /// them) and so reads the recording once. `name` is used in errors. Panics when `audio` is
    /// at another rate than the model's (a caller's mistake, not the recording's).
    pub fn analyze_audio(&self, name: &str, audio: &Audio) -> Result<Analysis, AudioError> {
        let rate = self.model.config().audio.sample_rate;
        assert_eq!(
            audio.sample_rate, rate,
            "analyze_audio takes audio at the model's rate"
        );
        if audio.source_duration_s > self.options.max_duration_s {
            return Err(self.too_long(name));
        }
        let mut hearing = Hearing::new(self);
        // The detector hears the same samples in any chunks; a tenth of a second keeps the
        // analysis' own buffer small, as a decoder's packets do.
        let chunk = (rate as usize / 10).max(1);
        let mut starts = (0..audio.samples.len()).step_by(chunk).peekable();
        if starts.peek().is_none() {
            hearing.push(&[], audio.others.as_ref().map(|_| &[][..]), true);
        }
        while let Some(start) = starts.next() {
            let span = start..(start + chunk).min(audio.samples.len());
            // As long as the samples when read so; the detector takes what there is.
            let beside = audio
                .others
                .as_ref()
                .map(|o| &o[span.start.min(o.len())..span.end.min(o.len())]);
            hearing.push(&audio.samples[span], beside, starts.peek().is_none());
        }
        Ok(hearing.finish())
    }

    fn too_long(&self, name: &str) -> AudioError {
        AudioError::new(
            name,
            ErrorKind::TooLong {
                limit_s: self.options.max_duration_s,
            },
        )
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
