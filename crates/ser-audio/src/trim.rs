//! Leading/trailing silence trimming with the semantics of `librosa.effects.trim`.

use serde::{Deserialize, Serialize};

/// Parameters of [`trim_silence`]; the defaults are librosa's.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct TrimParams {
    /// Frames quieter than this many dB below the loudest frame are silence.
    pub top_db: f32,
    /// RMS frame length in samples.
    pub frame_length: usize,
    /// Hop between RMS frames in samples.
    pub hop_length: usize,
}

impl Default for TrimParams {
    fn default() -> Self {
        Self {
            top_db: 60.0,
            frame_length: 2048,
            hop_length: 512,
        }
    }
}

/// Returns the `start..end` sample range that remains after trimming leading and trailing
/// silence, exactly as `librosa.effects.trim(y, top_db, ref=np.max, frame_length, hop_length)`:
/// RMS over centered, zero-padded frames; frames within `top_db` of the loudest are kept; the
/// range runs from the first kept frame's start to the end of the last kept frame. An all-silent
/// signal gives an empty range.
pub fn trim_silence(y: &[f32], params: &TrimParams) -> std::ops::Range<usize> {
    let hop = params.hop_length.max(1);
    let frame = params.frame_length.max(1);
    let pad = frame / 2;
    let padded_len = y.len() + 2 * pad;
    if padded_len < frame {
        return 0..0;
    }
    let n_frames = 1 + (padded_len - frame) / hop;
    // Mean square of each frame of the zero-padded signal, via a prefix sum of squares.
    let mut prefix = Vec::with_capacity(y.len() + 1);
    prefix.push(0.0f64);
    let mut acc = 0.0f64;
    for &v in y {
        acc += (v as f64) * (v as f64);
        prefix.push(acc);
    }
    let mse: Vec<f64> = (0..n_frames)
        .map(|t| {
            let lo = (t * hop).saturating_sub(pad).min(y.len());
            let hi = (t * hop + frame).saturating_sub(pad).min(y.len());
            (prefix[hi] - prefix[lo]) / frame as f64
        })
        .collect();
    const AMIN: f64 = 1e-10;
    let peak = mse.iter().cloned().fold(0.0f64, f64::max).max(AMIN);
    let threshold = -(params.top_db as f64);
    let loud = |m: f64| 10.0 * (m.max(AMIN) / peak).log10() > threshold;
    let Some(first) = mse.iter().position(|&m| loud(m)) else {
        return 0..0;
    };
    let last = mse.iter().rposition(|&m| loud(m)).unwrap_or(first);
    let start = first * hop;
    let end = ((last + 1) * hop).min(y.len());
    start..end.max(start)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trims_silence_around_a_burst() {
        let mut y = vec![0.0f32; 16_000];
        for (i, v) in y[6_000..10_000].iter_mut().enumerate() {
            *v = (i as f32 * 0.3).sin();
        }
        let r = trim_silence(&y, &TrimParams::default());
        // Kept frames reach one frame (2048) beyond the burst on each side, at hop resolution.
        assert!(r.start <= 6_000 && r.start >= 6_000 - 2048, "{r:?}");
        assert!(r.end >= 10_000 && r.end <= 10_000 + 2048, "{r:?}");
    }

    #[test]
    fn digital_silence_is_kept_whole_as_in_librosa() {
        // librosa measures against the loudest frame, so a signal with no loud frame keeps all.
        assert_eq!(trim_silence(&[0.0; 5000], &TrimParams::default()), 0..5000);
        assert_eq!(trim_silence(&[], &TrimParams::default()), 0..0);
    }
}
