//! Cutting a speech region into the clips the model classifies.

use std::ops::Range;

/// The analysis windows of a speech region `region` (samples), `window` samples long every
/// `hop` samples, the last one aligned with the region's end so that no speech is left out.
/// A region up to `window + hop` long is one window, the region itself, classified like a
/// file by `ser predict` except that a region longer than the model's window after trimming
/// keeps its first window (see `Analyzer::cut`).
pub fn windows(region: Range<usize>, window: usize, hop: usize) -> Vec<Range<usize>> {
    if region.len() <= window + hop {
        return vec![region];
    }
    ser_audio::cover(region, window, hop)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_regions_are_one_window() {
        assert_eq!(windows(100..300, 300, 100), vec![100..300]);
        assert_eq!(windows(0..400, 300, 100), vec![0..400]);
    }

    #[test]
    fn longer_regions_are_covered_by_windows() {
        assert_eq!(
            windows(0..550, 300, 100),
            vec![0..300, 100..400, 200..500, 250..550]
        );
    }
}
