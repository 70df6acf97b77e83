//! Whether a recording holds any sound at all. Asked to classify digital silence (a muted
//! microphone, an empty track), a model still answers with some emotion, and confidently (the
//! bundled one says calm, 70 %); callers that classify check first and refuse it instead
//! (`ser_analyze::require_speech`, which goes on to look for speech in what sound there is).

use crate::error::{AudioError, ErrorKind, Result};

/// Peak level (dB relative to full scale) at or below which a recording counts as silent. One
/// step of 16-bit audio is -90.3 dBFS, so silence stored at 16 bits or more, dithered by a step
/// or not, falls under it; the quietest RAVDESS clip peaks at -47 dBFS.
pub const SILENT_PEAK_DBFS: f32 = -90.0;

/// The loudest sample's level in dBFS: `-inf` when there are no samples or all are zero.
fn peak_dbfs(samples: &[f32]) -> f32 {
    let peak = samples.iter().fold(0.0f32, |m, v| m.max(v.abs()));
    20.0 * peak.log10()
}

/// The peak level of `samples` in dBFS when they hold some sound; an [`ErrorKind::Silent`]
/// error about `name` when it is at or below [`SILENT_PEAK_DBFS`].
pub fn require_sound(name: &str, samples: &[f32]) -> Result<f32> {
    let peak_dbfs = peak_dbfs(samples);
    if peak_dbfs > SILENT_PEAK_DBFS {
        Ok(peak_dbfs)
    } else {
        Err(AudioError::new(name, ErrorKind::Silent { peak_dbfs }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn peak_of_refusal(samples: &[f32]) -> f32 {
        match require_sound("x", samples) {
            Err(AudioError {
                kind: ErrorKind::Silent { peak_dbfs },
                ..
            }) => peak_dbfs,
            other => panic!("not refused as silent: {other:?}"),
        }
    }

    #[test]
    fn digital_silence_is_refused_and_quiet_sound_is_not() {
        assert_eq!(peak_of_refusal(&[]), f32::NEG_INFINITY);
        assert_eq!(peak_of_refusal(&[0.0; 16_000]), f32::NEG_INFINITY);
        // 16-bit silence dithered by one step either way.
        let step = 1.0 / 32_768.0;
        let dither: Vec<f32> = (0..16_000)
            .map(|i| step * [-1.0, 0.0, 1.0][i % 3])
            .collect();
        assert!((peak_of_refusal(&dither) + 90.3).abs() < 0.01);
        // A tone 40 dB quieter than the quietest RAVDESS clip is still sound.
        let quiet: Vec<f32> = (0..16_000)
            .map(|i| 10f32.powf(-87.0 / 20.0) * (i as f32 * 0.1).sin())
            .collect();
        assert!(require_sound("x", &quiet).is_ok());
        let message = require_sound("clip.wav", &[0.0; 10])
            .unwrap_err()
            .to_string();
        assert!(message.starts_with("clip.wav: no sound"), "{message}");
    }
}
