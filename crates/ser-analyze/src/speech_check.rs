//! Whether a clip holds speech at all, before it is given an emotion. The model answers
//! whatever it hears, and noise alone gets confident answers (the bundled model: a 50 Hz hum
//! "surprised, 100 %", the room tone before a RAVDESS sentence "angry, 88 %", digital silence
//! "calm, 70 %"), so `ser predict` and `POST /api/v1/predict` refuse a clip without sound, or
//! in which the [`SpeechDetector`] finds no speech. It found speech in every RAVDESS sentence as
//! the model hears it, clean, through a phone line, in a room, under white noise down to 5 dB
//! SNR or other voices, clipped and 30 dB quieter, and in all but one of 480 first seconds of
//! sentences (`experiments/2026-12-05-speech-check`). [`speech_in`] also cuts a recording's long
//! pauses short before it is classified whole ([`KEPT_PAUSE_S`]).

use std::ops::Range;

use ser_audio::{Audio, AudioError, ErrorKind};

use crate::vad::{SpeechDetector, VadParams};

/// How far above the clip's noise floor speech must rise, in dB (the long-recording detector
/// asks 12): a clip cut tightly around a second of continuous speech has no pause to set its
/// floor by, so its floor is quiet speech.
const ABOVE_FLOOR_DB: f32 = 9.0;

/// Longest stretch without speech that a recording classified whole keeps, in seconds: a
/// longer one (a silence in an interview, the other side's turn heard on one side of a call) is
/// cut to this length, keeping half of it at each end (of one before the first speech its end,
/// of one after the last its start). The model covers a long recording with 3 s windows and
/// takes the mean of their logits, and a window over a pause gets an answer of its own: two
/// RAVDESS sentences of one emotion by actors a fold's network never heard (folds 1 and 2)
/// scored 79.2 and 76.7 % with 0.3 s between them, 50.8 and 43.3 % with 10 s and 29.2 and
/// 20.8 % with 30 s of hiss, 35.8 and 45.0 % as one side of a call whose other side spoke
/// between them; with pauses cut to 0.5 s, 78.3-80.8 and 74.2-78.3 % in every case (the best
/// of 0.25, 0.5, 1 and 2 s over both folds; `experiments/2026-12-05-long-pauses`).
pub const KEPT_PAUSE_S: f64 = 0.5;

/// The speech regions the default [`SpeechDetector`] finds in `samples` (mono, at
/// `sample_rate`, peaking at `peak_dbfs`), its absolute level floor taken below the clip's peak
/// rather than below full scale: the model reads levels relative to the clip's loudest, and a
/// recording 30 dB quieter than RAVDESS is still classified as well, but one in six of its clips
/// would not reach the floor.
///
/// With `others` (the other channels of a one-channel read, sample for sample), frames where
/// they are louder by [`VadParams::crosstalk_db`] are not speech: the other side's bleed.
fn speech_regions(
    samples: &[f32],
    others: Option<&[f32]>,
    sample_rate: u32,
    peak_dbfs: f32,
) -> Vec<Range<usize>> {
    let defaults = VadParams::default();
    let params = VadParams {
        min_level_db: defaults.min_level_db + peak_dbfs.min(0.0),
        above_floor_db: ABOVE_FLOOR_DB,
        ..defaults
    };
    let mut detector = SpeechDetector::new(params, sample_rate);
    let mut regions = Vec::new();
    detector.push_beside(samples, others, &mut regions);
    detector.finish(&mut regions);
    regions
}

/// `Ok` when `samples` hold speech; an error about `name` when they hold no sound at all
/// ([`ErrorKind::Silent`], from [`ser_audio::require_sound`]) or the detector finds no speech in
/// it ([`ErrorKind::NoSpeech`]).
pub fn require_speech(name: &str, samples: &[f32], sample_rate: u32) -> Result<(), AudioError> {
    regions_of(name, samples, None, sample_rate).map(|_| ())
}

/// What the model should classify of a loaded file (`ser predict`, `POST /api/v1/predict`): its
/// samples with every stretch without speech longer than [`KEPT_PAUSE_S`] cut to that length,
/// or, as [`require_speech`], an error when it holds no speech. Where the file is one channel
/// of several (a side of a call, [`Audio::others`]), the other side's voice bleeding into it is
/// not taken for its speech, as `ser analyze` does not take it: its stretches are pauses, and a
/// channel whose only voice is the other side's is refused ([`ErrorKind::OnlyCrosstalk`]).
pub fn speech_in(name: &str, audio: Audio) -> Result<Vec<f32>, AudioError> {
    let others = audio.others.as_deref();
    cut_to_speech(name, audio.samples, others, audio.sample_rate)
}

/// [`speech_in`] of samples read before, with no other channel beside them (`samples`, mono at
/// `sample_rate`): how `ser eval` hears a corpus's clips from its cache as `ser predict` would
/// hear their files.
pub fn speech_of(name: &str, samples: Vec<f32>, sample_rate: u32) -> Result<Vec<f32>, AudioError> {
    cut_to_speech(name, samples, None, sample_rate)
}

/// `samples` with their long pauses cut short, or the error that says why there is no speech.
fn cut_to_speech(
    name: &str,
    samples: Vec<f32>,
    others: Option<&[f32]>,
    sample_rate: u32,
) -> Result<Vec<f32>, AudioError> {
    let regions = regions_of(name, &samples, others, sample_rate)?;
    let pause = (KEPT_PAUSE_S * sample_rate as f64) as usize;
    Ok(shorten_pauses(samples, &regions, pause))
}

/// The speech regions of `samples`, or the error that says why there are none.
fn regions_of(
    name: &str,
    samples: &[f32],
    others: Option<&[f32]>,
    sample_rate: u32,
) -> Result<Vec<Range<usize>>, AudioError> {
    let peak_dbfs = ser_audio::require_sound(name, samples)?;
    let regions = speech_regions(samples, others, sample_rate, peak_dbfs);
    if !regions.is_empty() {
        Ok(regions)
    } else if others.is_some() && !speech_regions(samples, None, sample_rate, peak_dbfs).is_empty()
    {
        let crosstalk_db = VadParams::default().crosstalk_db;
        Err(AudioError::new(
            name,
            ErrorKind::OnlyCrosstalk { crosstalk_db },
        ))
    } else {
        Err(AudioError::new(name, ErrorKind::NoSpeech))
    }
}

/// `samples` with each stretch outside `regions` (sorted, disjoint) longer than `pause` samples
/// cut to `pause`: of a pause between regions its first and last halves are kept, of one before
/// the first region its end, of one after the last its start. Done in place.
fn shorten_pauses(mut samples: Vec<f32>, regions: &[Range<usize>], pause: usize) -> Vec<f32> {
    let half = pause / 2;
    let mut kept: Vec<Range<usize>> = Vec::with_capacity(2 * regions.len() + 2);
    let mut keep = |span: Range<usize>| match kept.last_mut() {
        _ if span.is_empty() => {}
        Some(last) if last.end == span.start => last.end = span.end,
        _ => kept.push(span),
    };
    let mut from = 0;
    for (i, region) in regions.iter().enumerate() {
        let gap = from..region.start;
        if i == 0 {
            keep(gap.end.saturating_sub(pause).max(gap.start)..gap.end);
        } else if gap.len() <= pause {
            keep(gap);
        } else {
            keep(gap.start..gap.start + half);
            keep(gap.end - half..gap.end);
        }
        keep(region.clone());
        from = region.end;
    }
    keep(from..(from + pause).min(samples.len()));
    let mut len = 0;
    for span in kept {
        samples.copy_within(span.clone(), len);
        len += span.len();
    }
    samples.truncate(len);
    samples
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `tests/fixtures/speechlike.wav`: one second of synthetic syllables (16 kHz mono).
    fn fixture() -> &'static str {
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../tests/fixtures/speechlike.wav"
        )
    }

    /// The syllables of [`fixture`].
    fn syllables() -> Vec<f32> {
        ser_audio::load(fixture(), &ser_audio::LoadOptions::default())
            .unwrap()
            .samples
    }

    #[test]
    fn a_side_of_a_call_is_told_from_the_other_sides_bleed_and_from_noise() {
        let speech = syllables();
        let scaled = |x: &[f32], gain: f32| x.iter().map(|v| v * gain).collect::<Vec<f32>>();
        // The fixture as loaded, its samples and the other channels' replaced.
        let side = |samples: Vec<f32>, others: Vec<f32>| Audio {
            samples,
            others: Some(others),
            ..ser_audio::load(fixture(), &Default::default()).unwrap()
        };
        // Its own voice, the other's 20 dB down: speech.
        let own = side(speech.clone(), scaled(&speech, 0.1));
        assert!(speech_in("call.wav", own).is_ok());
        // Only the other's voice, 20 dB down: bleed.
        let bleed = side(scaled(&speech, 0.1), speech.clone());
        let err = speech_in("call.wav", bleed).unwrap_err();
        assert!(matches!(err.kind, ErrorKind::OnlyCrosstalk { .. }), "{err}");
        // A hum on this side while the other speaks: no speech, and not for the bleed.
        let hum = crate::vad::tests::hum(1.0);
        let n = hum.len().min(speech.len());
        let noise = side(hum[..n].to_vec(), speech[..n].to_vec());
        let err = speech_in("call.wav", noise).unwrap_err();
        assert!(matches!(err.kind, ErrorKind::NoSpeech), "{err}");
    }

    #[test]
    fn pauses_longer_than_the_kept_one_are_cut_to_it() {
        let samples: Vec<f32> = (0..100).map(|i| i as f32).collect();
        let cut = |regions: &[Range<usize>], pause| shorten_pauses(samples.clone(), regions, pause);
        let span = |r: Range<usize>| r.map(|i| i as f32).collect::<Vec<f32>>();
        // Pauses of 10 before, 30 between and 40 after, cut to 8: 8 before (its end), 4 + 4
        // between, 8 after (its start).
        let kept = [
            span(2..10),
            span(10..20),
            span(20..24),
            span(46..50),
            span(50..60),
            span(60..68),
        ];
        assert_eq!(cut(&[10..20, 50..60], 8), kept.concat());
        // Pauses no longer than the kept one stay whole.
        assert_eq!(cut(&[10..20, 50..60], 40), samples);
        assert_eq!(cut(&[0..50, 60..100], 10), samples);
    }

    #[test]
    fn a_long_silence_inside_a_recording_is_cut_to_the_kept_pause() {
        let speech = syllables();
        let rate = 16_000;
        let hiss = |seconds: f64| crate::vad::tests::white(seconds, 1e-4, 3);
        let recording = [speech.clone(), hiss(20.0), speech.clone()].concat();
        let audio = Audio {
            samples: recording.clone(),
            ..ser_audio::load(fixture(), &Default::default()).unwrap()
        };
        let heard = speech_in("talk.wav", audio).unwrap();
        let dropped = (recording.len() - heard.len()) as f64 / rate as f64;
        // The 20 s silence dropped but for the kept pause, with at most the syllables' own
        // quiet ends beside it.
        let silence_dropped = 20.0 - KEPT_PAUSE_S;
        assert!(
            (silence_dropped..silence_dropped + 0.25).contains(&dropped),
            "{dropped} s dropped"
        );
        // Both utterances are heard: the start of the first and the end of the second.
        assert_eq!(heard[..rate as usize / 2], recording[..rate as usize / 2]);
        assert_eq!(
            heard[heard.len() - 100..],
            recording[recording.len() - 100..]
        );
    }

    #[test]
    fn syllables_at_any_level_are_speech_and_steady_sound_is_not() {
        let speech = syllables();
        assert!(require_speech("x", &speech, 16_000).is_ok());
        // 60 dB quieter: peak at -66 dBFS, its frames under the default detector's -70 dBFS floor.
        let quiet: Vec<f32> = speech
            .iter()
            .map(|v| v * 10f32.powf(-60.0 / 20.0))
            .collect();
        assert!(require_speech("x", &quiet, 16_000).is_ok());
        // A mains hum, white noise and a rumble (brown noise), as loud as speech.
        let (hum, noise, rumble) = (
            crate::vad::tests::hum(2.0),
            crate::vad::tests::white(2.0, 0.3, 1),
            crate::vad::tests::rumble(3.0, 0.05, 2),
        );
        for (what, clip) in [("hum", &hum), ("noise", &noise), ("rumble", &rumble)] {
            let err = require_speech("clip.wav", clip, 16_000).unwrap_err();
            assert!(matches!(err.kind, ErrorKind::NoSpeech), "{what}");
            assert!(
                err.to_string().starts_with("clip.wav: no speech found"),
                "{err}"
            );
        }
    }
}
