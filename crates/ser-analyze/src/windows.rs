//! Cutting a speech region into the clips the model classifies.

use std::ops::Range;

/// The analysis windows of a speech region `region` (samples), `window` samples long every
/// `hop` samples, the last one aligned with the region's end so that no speech is left out.
/// A region up to `window + hop` long is one window, the region itself: classified whole, the
/// way `ser predict` classifies a file (the model then trims and crops it like any clip).
pub fn windows(region: Range<usize>, window: usize, hop: usize) -> Vec<Range<usize>> {
    if region.len() <= window + hop {
        return vec![region];
    }
    let mut out: Vec<Range<usize>> = (region.start..region.end - window)
        .step_by(hop.max(1))
        .map(|s| s..s + window)
        .collect();
    out.push(region.end - window..region.end);
    out
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
    fn long_regions_are_covered_to_the_end() {
        assert_eq!(
            windows(0..550, 300, 100),
            vec![0..300, 100..400, 200..500, 250..550]
        );
        let w = windows(1000..10_000, 3000, 1000);
        assert_eq!(w.first().unwrap().start, 1000);
        assert_eq!(w.last().unwrap().end, 10_000);
        assert!(w.iter().all(|r| r.len() == 3000));
    }
}
