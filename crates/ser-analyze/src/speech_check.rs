//! Whether a clip holds speech at all, before it is given an emotion. The model answers
//! whatever it hears, and noise alone gets confident answers (the bundled model: a 50 Hz hum
//! "surprised, 100 %", the room tone before a RAVDESS sentence "angry, 88 %", digital silence
//! "calm, 70 %"), so `ser predict` and `POST /api/v1/predict` refuse a clip without sound, or
//! in which the [`SpeechDetector`] finds no speech. It found speech in every RAVDESS sentence as
//! the model hears it, clean, through a phone line, in a room, under white noise down to 5 dB
//! SNR or other voices, clipped and 30 dB quieter, and in all but one of 480 first seconds of
//! sentences (`experiments/2026-12-05-speech-check`).

use ser_audio::{Audio, AudioError, ErrorKind};

use crate::vad::{SpeechDetector, VadParams};

/// How far above the clip's noise floor speech must rise, in dB (the long-recording detector
/// asks 12): a clip cut tightly around a second of continuous speech has no pause to set its
/// floor by, so its floor is quiet speech.
const ABOVE_FLOOR_DB: f32 = 9.0;

/// Whether the default [`SpeechDetector`] finds speech in `samples` (mono, at `sample_rate`,
/// peaking at `peak_dbfs`), its absolute level floor taken below the clip's peak rather than
/// below full scale: the model reads levels relative to the clip's loudest, and a recording 30 dB
/// quieter than RAVDESS is still classified as well, but one in six of its clips would not reach
/// the floor.
///
/// With `others` (the other channels of a one-channel read, sample for sample), frames where
/// they are louder by [`VadParams::crosstalk_db`] are not speech: the other side's bleed.
fn finds_speech(samples: &[f32], others: Option<&[f32]>, sample_rate: u32, peak_dbfs: f32) -> bool {
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
    !regions.is_empty()
}

/// `Ok` when `samples` hold speech; an error about `name` when they hold no sound at all
/// ([`ErrorKind::Silent`], from [`ser_audio::require_sound`]) or the detector finds no speech in
/// it ([`ErrorKind::NoSpeech`]).
pub fn require_speech(name: &str, samples: &[f32], sample_rate: u32) -> Result<(), AudioError> {
    check(name, samples, None, sample_rate)
}

/// [`require_speech`] for a loaded file; where it is one channel of several (a side of a call,
/// [`Audio::others`]), the other side's voice bleeding into it is not taken for its speech, as
/// `ser analyze` does not take it ([`ErrorKind::OnlyCrosstalk`] when that voice is all there is).
pub fn require_speech_in(name: &str, audio: &Audio) -> Result<(), AudioError> {
    check(
        name,
        &audio.samples,
        audio.others.as_deref(),
        audio.sample_rate,
    )
}

fn check(
    name: &str,
    samples: &[f32],
    others: Option<&[f32]>,
    sample_rate: u32,
) -> Result<(), AudioError> {
    let peak_dbfs = ser_audio::require_sound(name, samples)?;
    if finds_speech(samples, others, sample_rate, peak_dbfs) {
        Ok(())
    } else if others.is_some() && finds_speech(samples, None, sample_rate, peak_dbfs) {
        let crosstalk_db = VadParams::default().crosstalk_db;
        Err(AudioError::new(
            name,
            ErrorKind::OnlyCrosstalk { crosstalk_db },
        ))
    } else {
        Err(AudioError::new(name, ErrorKind::NoSpeech))
    }
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
        assert!(require_speech_in("call.wav", &own).is_ok());
        // Only the other's voice, 20 dB down: bleed.
        let bleed = side(scaled(&speech, 0.1), speech.clone());
        let err = require_speech_in("call.wav", &bleed).unwrap_err();
        assert!(matches!(err.kind, ErrorKind::OnlyCrosstalk { .. }), "{err}");
        // A hum on this side while the other speaks: no speech, and not for the bleed.
        let hum = crate::vad::tests::hum(1.0);
        let n = hum.len().min(speech.len());
        let noise = side(hum[..n].to_vec(), speech[..n].to_vec());
        let err = require_speech_in("call.wav", &noise).unwrap_err();
        assert!(matches!(err.kind, ErrorKind::NoSpeech), "{err}");
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
