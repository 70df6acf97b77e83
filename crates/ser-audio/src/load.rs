//! The whole ingest pipeline in one call: decode → mono → resample → trim → fit.

use std::ops::Range;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::decode::{Decoder, SourceInfo};
use crate::error::{AudioError, ErrorKind, Result};
use crate::fit::seconds_to_samples;
use crate::resampled::Resampled;
use crate::trim::{trim_silence, TrimParams};

/// The model rate: 16 kHz keeps everything up to 8 kHz, where nearly all the energy and the
/// prosodic cues of speech lie, at a third of the cost of 48 kHz.
pub const DEFAULT_SAMPLE_RATE: u32 = 16_000;

/// How a source is standardised. A model stores the options it was trained with, so that
/// prediction prepares audio exactly the same way.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LoadOptions {
    /// Output sample rate in Hz.
    pub sample_rate: u32,
    /// Trim leading/trailing silence (before offset and duration apply).
    pub trim: Option<TrimParams>,
    /// Seconds skipped at the start (after trimming).
    pub offset_s: f64,
    /// Crop or zero-pad to exactly this many seconds; `None` keeps the whole recording.
    pub duration_s: Option<f64>,
    /// Longest recording loaded whole, in seconds: protects memory from hour-long inputs.
    pub max_duration_s: f64,
}

impl Default for LoadOptions {
    fn default() -> Self {
        Self {
            sample_rate: DEFAULT_SAMPLE_RATE,
            trim: None,
            offset_s: 0.0,
            duration_s: None,
            max_duration_s: 2.0 * 3600.0,
        }
    }
}

impl LoadOptions {
    /// Samples in one fitted clip: `duration_s` at `sample_rate`, rounded to the nearest sample
    /// as [`crate::fit_duration`] cuts it (`None`: clips keep their own length).
    pub fn window_len(&self) -> Option<usize> {
        self.duration_s
            .map(|d| seconds_to_samples(d, self.sample_rate))
    }

    /// These options without the duration fit: the clip keeps its whole length after trimming
    /// and the offset, for a model that classifies a clip longer than its window by windows
    /// that cover it (see [`crate::cover`]).
    pub fn whole(&self) -> LoadOptions {
        LoadOptions {
            duration_s: None,
            ..self.clone()
        }
    }

    /// These options without trim, offset or duration: the recording read whole at the same
    /// rate, as the streaming analysis hears it and a spectrogram shows it; [`Audio::shaped`]
    /// then gives what reading with these options would have.
    pub fn unshaped(&self) -> LoadOptions {
        LoadOptions {
            trim: None,
            offset_s: 0.0,
            duration_s: None,
            ..self.clone()
        }
    }

    /// `samples` after `offset_s`: what [`Self::whole`] keeps of samples trimmed before (a
    /// training cache's clips), without copying them.
    pub fn skip_offset<'a>(&self, samples: &'a [f32]) -> &'a [f32] {
        &samples[self.offset_len(samples.len())..]
    }

    /// Samples that `offset_s` skips in a clip of `len` samples.
    fn offset_len(&self, len: usize) -> usize {
        seconds_to_samples(self.offset_s, self.sample_rate).min(len)
    }

    /// Skips `offset_s`, then crops or zero-pads to `duration_s` when one is set: the steps
    /// of [`load`] after trimming, for samples trimmed before (a training cache's clips). Works
    /// in place: a long recording is not copied to cut its window.
    pub fn fit(&self, mut samples: Vec<f32>) -> Vec<f32> {
        samples.drain(..self.offset_len(samples.len()));
        if let Some(len) = self.window_len() {
            samples.truncate(len);
            samples.resize(len, 0.0);
        }
        samples
    }
}

/// Mono samples at a known rate, and what the source was.
#[derive(Debug, Clone)]
pub struct Audio {
    /// Mono samples, nominally in [-1, 1].
    pub samples: Vec<f32>,
    /// With one channel of several read ([`load_beside_others`]): the mean of the other
    /// channels over the same stretch, sample for sample (trimmed and fitted where `samples`
    /// are), so a check can tell this channel's sound from the other side's bleeding into it.
    /// `None` otherwise.
    pub others: Option<Vec<f32>>,
    /// Sample rate of `samples` in Hz.
    pub sample_rate: u32,
    /// The source's header information.
    pub source: SourceInfo,
    /// Seconds of source audio decoded (the whole file unless a duration let decoding stop
    /// early), before trimming and fitting.
    pub source_duration_s: f64,
}

impl Audio {
    /// Duration in seconds.
    pub fn duration_s(&self) -> f64 {
        self.samples.len() as f64 / self.sample_rate as f64
    }

    /// The trim, offset and duration of `opts` applied to audio read without them, to its
    /// samples and the other channels beside them alike: what reading with `opts` gives, without
    /// reading again (a server's upload, shown whole and classified trimmed).
    pub fn shaped(mut self, opts: &LoadOptions) -> Audio {
        let kept = kept_by_trim(&self.samples, opts);
        self.others = self
            .others
            .map(|others| opts.fit(cut(others, kept.clone())));
        self.samples = opts.fit(cut(self.samples, kept));
        self
    }
}

/// Loads a file as configured by `opts`.
pub fn load(path: impl AsRef<Path>, opts: &LoadOptions) -> Result<Audio> {
    let path = path.as_ref();
    validate(&path.display().to_string(), opts)?;
    run(Decoder::open(path)?, opts, false)
}

/// Loads an in-memory file (e.g. an upload); `name` is used in error messages.
pub fn load_bytes(name: &str, bytes: Vec<u8>, opts: &LoadOptions) -> Result<Audio> {
    validate(name, opts)?;
    run(Decoder::from_bytes(name, bytes)?, opts, false)
}

/// Loads what an opened decoder reads (e.g. one channel, [`Decoder::with_channel`]).
pub fn load_from(decoder: Decoder, opts: &LoadOptions) -> Result<Audio> {
    validate(decoder.name(), opts)?;
    run(decoder, opts, false)
}

/// [`load_from`], and where the decoder reads one channel of several, the other channels
/// beside it ([`Audio::others`]).
pub fn load_beside_others(decoder: Decoder, opts: &LoadOptions) -> Result<Audio> {
    validate(decoder.name(), opts)?;
    run(decoder, opts, true)
}

/// Applies the trim, offset and duration of `opts` to samples already at `opts.sample_rate`:
/// the last steps of [`load`], for audio that arrives another way (e.g. a window cut out of
/// a long recording), so that it is prepared exactly like a loaded file.
pub fn shape(samples: Vec<f32>, opts: &LoadOptions) -> Vec<f32> {
    let kept = kept_by_trim(&samples, opts);
    opts.fit(cut(samples, kept))
}

/// The samples that the trim of `opts` keeps (all of them without one).
fn kept_by_trim(samples: &[f32], opts: &LoadOptions) -> Range<usize> {
    match &opts.trim {
        Some(trim) => trim_silence(samples, trim),
        None => 0..samples.len(),
    }
}

/// `samples[range]` (as much of it as there is), in place.
fn cut(mut samples: Vec<f32>, range: Range<usize>) -> Vec<f32> {
    samples.truncate(range.end);
    samples.drain(..range.start.min(samples.len()));
    samples
}

fn validate(name: &str, opts: &LoadOptions) -> Result<()> {
    let bad = |why: String| Err(AudioError::new(name, ErrorKind::InvalidOptions(why)));
    if !(crate::MIN_SAMPLE_RATE..=crate::MAX_SAMPLE_RATE).contains(&opts.sample_rate) {
        return bad(format!("target sample rate {} Hz", opts.sample_rate));
    }
    if !opts.offset_s.is_finite() || opts.offset_s < 0.0 {
        return bad(format!("offset {} s", opts.offset_s));
    }
    if let Some(d) = opts.duration_s {
        if !d.is_finite() || d <= 0.0 || d > opts.max_duration_s {
            return bad(format!("duration {d} s"));
        }
    }
    Ok(())
}

/// Decodes, resamples and shapes; with `keep_others`, the other channels of a one-channel
/// read too, resampled alike and cut where the channel is.
fn run(decoder: Decoder, opts: &LoadOptions, keep_others: bool) -> Result<Audio> {
    let in_rate = decoder.info().sample_rate;
    let mut stream = Resampled::new(decoder, opts.sample_rate, keep_others);
    let max_in = seconds_to_samples(opts.max_duration_s, in_rate) as u64;
    // Without trimming, decoding can stop once offset + duration are covered (plus a margin
    // so that the resampler's flush does not touch the kept samples).
    let enough_in = match (opts.trim, opts.duration_s) {
        (None, Some(d)) => Some(seconds_to_samples(opts.offset_s + d + 0.25, in_rate) as u64),
        _ => None,
    };
    let (mut samples, mut others) = (Vec::new(), Vec::new());
    while stream.next(&mut samples, &mut others)? {
        let decoded = stream.decoder().frames_decoded();
        if enough_in.is_some_and(|n| decoded >= n) {
            break;
        }
        if decoded > max_in {
            return Err(AudioError::new(
                stream.decoder().name(),
                ErrorKind::TooLong {
                    limit_s: opts.max_duration_s,
                },
            ));
        }
    }
    stream.finish(&mut samples, &mut others);
    let decoder = stream.decoder();
    let read = Audio {
        samples,
        others: stream.has_others().then_some(others),
        sample_rate: opts.sample_rate,
        source: decoder.info().clone(),
        source_duration_s: decoder.frames_decoded() as f64 / in_rate as f64,
    };
    Ok(read.shaped(opts))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A canonical 16-bit stereo WAV of `left` and `right`.
    fn stereo_wav(left: &[f32], right: &[f32], rate: u32) -> Vec<u8> {
        let data: Vec<u8> = left
            .iter()
            .zip(right)
            .flat_map(|(l, r)| [l, r])
            .flat_map(|x| ((x * 32767.0) as i16).to_le_bytes())
            .collect();
        let mut wav = b"RIFF".to_vec();
        wav.extend((36 + data.len() as u32).to_le_bytes());
        wav.extend(b"WAVEfmt \x10\0\0\0\x01\0\x02\0");
        wav.extend(rate.to_le_bytes());
        wav.extend((rate * 4).to_le_bytes());
        wav.extend(b"\x04\0\x10\0data");
        wav.extend((data.len() as u32).to_le_bytes());
        wav.extend(data);
        wav
    }

    #[test]
    fn audio_read_whole_and_shaped_is_audio_read_shaped() {
        // A tone between silences on the left, noise-like chirps on the right; the left
        // channel read with the other beside it, trimmed and offset by a tenth of a second.
        let rate = 16_000;
        let left: Vec<f32> = (0..rate as usize)
            .map(|i| {
                let on = (3_000..11_000).contains(&i);
                f32::from(u8::from(on)) * 0.4 * (i as f32 * 0.21).sin()
            })
            .collect();
        let right: Vec<f32> = (0..rate as usize)
            .map(|i| 0.1 * (i as f32 * i as f32 * 1e-5).sin())
            .collect();
        let wav = stereo_wav(&left, &right, rate);
        let open = || {
            Decoder::from_bytes("call.wav", wav.clone())
                .unwrap()
                .with_channel(Some(0))
                .unwrap()
        };
        let opts = LoadOptions {
            trim: Some(TrimParams::default()),
            offset_s: 0.1,
            ..LoadOptions::default()
        };
        let read = load_beside_others(open(), &opts).unwrap();
        let whole = load_beside_others(open(), &opts.unshaped()).unwrap();
        assert!(whole.samples.len() > read.samples.len() + 1_600);
        let shaped = whole.shaped(&opts);
        assert_eq!(shaped.samples, read.samples);
        assert_eq!(shaped.others, read.others);
        assert!(shaped.others.is_some());
        assert_eq!(shaped.source_duration_s, read.source_duration_s);
    }

    #[test]
    fn the_other_channels_are_cut_where_the_channel_is() {
        // Left: a tone between quarter-second silences; right: a quieter tone throughout.
        let rate = 16_000;
        let tone = |f: f32, a: f32, i: usize| {
            a * (std::f32::consts::TAU * f * i as f32 / rate as f32).sin()
        };
        let left: Vec<f32> = (0..rate as usize)
            .map(|i| {
                if (4_000..12_000).contains(&i) {
                    tone(440.0, 0.5, i)
                } else {
                    0.0
                }
            })
            .collect();
        let right: Vec<f32> = (0..rate as usize).map(|i| tone(1_000.0, 0.1, i)).collect();
        let wav = stereo_wav(&left, &right, rate);
        let opts = LoadOptions {
            trim: Some(TrimParams::default()),
            ..LoadOptions::default()
        };
        let open = |channel| {
            Decoder::from_bytes("call.wav", wav.clone())
                .unwrap()
                .with_channel(channel)
                .unwrap()
        };
        let audio = load_beside_others(open(Some(0)), &opts).unwrap();
        let others = audio.others.expect("one channel of two read");
        // The right channel over the stretch the left one's trim keeps, sample for sample.
        let whole = |channel| load_from(open(Some(channel)), &LoadOptions::default()).unwrap();
        let kept = trim_silence(&whole(0).samples, &TrimParams::default());
        assert!(
            kept.start > 0 && kept.end < left.len(),
            "{kept:?}: the silences go"
        );
        assert_eq!(audio.samples, whole(0).samples[kept.clone()]);
        assert_eq!(others, whole(1).samples[kept]);
        // Nothing beside the mean of all channels, nor when the caller does not ask.
        assert!(load_beside_others(open(None), &opts)
            .unwrap()
            .others
            .is_none());
        assert!(load_from(open(Some(0)), &opts).unwrap().others.is_none());
    }
}
