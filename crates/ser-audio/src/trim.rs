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
    // Each frame's sample range in the unpadded signal (the zero padding adds nothing).
    let bounds = |t: usize| {
        let lo = (t * hop).saturating_sub(pad).min(y.len());
        let hi = (t * hop + frame).saturating_sub(pad).min(y.len());
        (lo, hi)
    };
    // Σ y² before any position: running sums at block boundaries (one vectorised pass), plus
    // the few samples since the last boundary.
    const BLOCK: usize = 256;
    let mut running = 0.0f64;
    let block_sums: Vec<f64> = std::iter::once(0.0)
        .chain(y.chunks(BLOCK).map(|block| {
            running += sum_of_squares(block);
            running
        }))
        .collect();
    let at = |i: usize| block_sums[i / BLOCK] + sum_of_squares(&y[i - i % BLOCK..i]);
    // Mean square of each frame of the zero-padded signal.
    let mse: Vec<f64> = (0..n_frames)
        .map(|t| {
            let (lo, hi) = bounds(t);
            (at(hi) - at(lo)) / frame as f64
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

/// `Σ y²` in f64, over eight independent accumulators so that the loop vectorises.
fn sum_of_squares(y: &[f32]) -> f64 {
    let chunks = y.chunks_exact(8);
    let tail: f64 = chunks
        .remainder()
        .iter()
        .map(|&v| f64::from(v).powi(2))
        .sum();
    let mut lanes = [0.0f64; 8];
    for chunk in chunks {
        for (lane, &v) in lanes.iter_mut().zip(chunk) {
            *lane += f64::from(v) * f64::from(v);
        }
    }
    lanes.iter().sum::<f64>() + tail
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

    /// librosa's definition spelled out: RMS of each centered, zero-padded frame, kept when
    /// within `top_db` of the loudest.
    fn trim_by_definition(y: &[f32], p: &TrimParams) -> std::ops::Range<usize> {
        let pad = p.frame_length / 2;
        let padded: Vec<f64> = (0..y.len() + 2 * pad)
            .map(|i| {
                i.checked_sub(pad)
                    .and_then(|i| y.get(i))
                    .map_or(0.0, |&v| v.into())
            })
            .collect();
        let mse: Vec<f64> = padded
            .windows(p.frame_length)
            .step_by(p.hop_length)
            .map(|w| w.iter().map(|v| v * v).sum::<f64>() / p.frame_length as f64)
            .collect();
        let peak = mse.iter().cloned().fold(1e-10, f64::max);
        let loud: Vec<bool> = mse
            .iter()
            .map(|&m| 10.0 * (m.max(1e-10) / peak).log10() > -f64::from(p.top_db))
            .collect();
        let first = loud.iter().position(|&l| l).unwrap();
        let last = loud.iter().rposition(|&l| l).unwrap();
        first * p.hop_length..((last + 1) * p.hop_length).min(y.len())
    }

    #[test]
    fn frame_edges_that_are_not_multiples_of_the_hop_trim_as_defined() {
        // A swelling and fading tone between silences, so that many frames are near the threshold.
        let y: Vec<f32> = (0..9_001)
            .map(|i| {
                let envelope = (-((i as f32 - 4_000.0) / 1_200.0).powi(2)).exp();
                envelope * (i as f32 * 0.05).sin()
            })
            .collect();
        for (frame_length, hop_length) in [(2048, 512), (1000, 300), (777, 128), (64, 64)] {
            for top_db in [10.0, 30.0, 60.0] {
                let p = TrimParams {
                    top_db,
                    frame_length,
                    hop_length,
                };
                assert_eq!(trim_silence(&y, &p), trim_by_definition(&y, &p), "{p:?}");
            }
        }
    }

    #[test]
    fn digital_silence_is_kept_whole_as_in_librosa() {
        // librosa measures against the loudest frame, so a signal with no loud frame keeps all.
        assert_eq!(trim_silence(&[0.0; 5000], &TrimParams::default()), 0..5000);
        assert_eq!(trim_silence(&[], &TrimParams::default()), 0..0);
    }
}
