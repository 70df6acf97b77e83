//! Covering a span of samples with windows of one length, so that a model of a fixed input
//! length can read all of it.

use std::ops::Range;

/// Windows of `window` samples every `hop` samples over `span`, the last one aligned with the
/// span's end so that no sample is left out. A span no longer than `window` is one window: the
/// span itself.
pub fn cover(span: Range<usize>, window: usize, hop: usize) -> Vec<Range<usize>> {
    if span.len() <= window {
        return vec![span];
    }
    let mut out: Vec<Range<usize>> = (span.start..span.end - window)
        .step_by(hop.max(1))
        .map(|s| s..s + window)
        .collect();
    out.push(span.end - window..span.end);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_span_that_fits_is_one_window() {
        assert_eq!(cover(100..300, 300, 100), vec![100..300]);
        assert_eq!(cover(0..300, 300, 150), vec![0..300]);
    }

    #[test]
    fn longer_spans_are_covered_to_the_end() {
        assert_eq!(
            cover(0..550, 300, 100),
            vec![0..300, 100..400, 200..500, 250..550]
        );
        assert_eq!(cover(0..301, 300, 150), vec![0..300, 1..301]);
        let w = cover(1000..10_000, 3000, 1000);
        assert_eq!(w.first().unwrap().start, 1000);
        assert_eq!(w.last().unwrap().end, 10_000);
        assert!(w.iter().all(|r| r.len() == 3000));
        // Every sample lies in some window.
        assert!((1000..10_000).all(|i| w.iter().any(|r| r.contains(&i))));
    }
}
