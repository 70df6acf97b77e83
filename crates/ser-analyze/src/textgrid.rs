//! Praat's TextGrid form of analyses (`ser analyze --textgrid`), so that a recording's
//! emotions open in Praat (or in ELAN, which imports TextGrids) under its waveform and
//! spectrogram, beside the transcription and pitch tiers kept there.
//!
//! Each analysis gives two interval tiers: `emotion`, every speech segment labelled with its
//! emotion, and `confidence`, the same intervals labelled with that emotion's probability. The
//! time between segments (pauses, sounds without speech) is an empty interval, as a tier's
//! intervals must cover it from start to end. Times are those of the JSON, in milliseconds.

use std::fmt::Write;

use crate::analyzer::Analysis;
use crate::smooth::Segment;

/// Rounds seconds to milliseconds, as the JSON does.
fn ms(s: f64) -> f64 {
    (s * 1000.0).round() / 1000.0
}

/// A TextGrid (Praat's long text format) of `analyses`: each `(suffix, analysis)` gives the
/// tiers `emotion{suffix}` and `confidence{suffix}` (e.g. `" (channel 1)"` for one side of a
/// call; `""` for a single analysis), all as long as the longest analysis.
pub fn textgrid(analyses: &[(&str, &Analysis)]) -> String {
    let end = analyses
        .iter()
        .map(|(_, a)| ms(a.duration_s))
        .fold(0.0, f64::max);
    let mut tiers = Vec::with_capacity(2 * analyses.len());
    for (suffix, a) in analyses {
        let label = |s: &Segment| s.prediction.label.clone();
        let confidence = |s: &Segment| format!("{:.3}", s.prediction.confidence);
        tiers.push((format!("emotion{suffix}"), intervals(a, end, label)));
        tiers.push((format!("confidence{suffix}"), intervals(a, end, confidence)));
    }
    let mut out = String::new();
    // Writing to a String cannot fail.
    let _ = write!(
        out,
        "File type = \"ooTextFile\"\nObject class = \"TextGrid\"\n\nxmin = 0\nxmax = {end}\n\
         tiers? <exists>\nsize = {}\nitem []:\n",
        tiers.len()
    );
    for (i, (name, intervals)) in tiers.iter().enumerate() {
        let _ = write!(
            out,
            "    item [{}]:\n        class = \"IntervalTier\"\n        name = \"{}\"\n        \
             xmin = 0\n        xmax = {end}\n        intervals: size = {}\n",
            i + 1,
            quoted(name),
            intervals.len()
        );
        for (j, (start, stop, text)) in intervals.iter().enumerate() {
            let _ = write!(
                out,
                "        intervals [{}]:\n            xmin = {start}\n            xmax = {stop}\n            \
                 text = \"{}\"\n",
                j + 1,
                quoted(text)
            );
        }
    }
    out
}

/// The intervals of a tier from 0 to `end`: each segment's, labelled by `text`, and empty ones
/// between them.
fn intervals(a: &Analysis, end: f64, text: impl Fn(&Segment) -> String) -> Vec<(f64, f64, String)> {
    let mut out = Vec::with_capacity(2 * a.segments.len() + 1);
    let mut at = 0.0;
    for s in &a.segments {
        let (start, stop) = (ms(s.start_s).max(at), ms(s.end_s).min(end));
        if stop <= start {
            continue;
        }
        if start > at {
            out.push((at, start, String::new()));
        }
        out.push((start, stop, text(s)));
        at = stop;
    }
    if end > at {
        out.push((at, end, String::new()));
    }
    out
}

/// A text as Praat writes it between quotes: each quote doubled.
fn quoted(text: &str) -> String {
    text.replace('"', "\"\"")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::envelope::Envelope;
    use crate::summary::Summary;
    use ser_model::Prediction;

    fn analysis(duration_s: f64, segments: &[(f64, f64, &str, f32)]) -> Analysis {
        let labels: Vec<String> = ["calm", "say \"hi\""].map(String::from).to_vec();
        let segments: Vec<Segment> = segments
            .iter()
            .map(|&(start_s, end_s, label, p)| {
                let first = labels[0] == label;
                let probs = if first { [p, 1.0 - p] } else { [1.0 - p, p] };
                Segment {
                    start_s,
                    end_s,
                    prediction: Prediction::from_probabilities(&labels, &probs),
                }
            })
            .collect();
        Analysis {
            duration_s,
            speech_s: segments.iter().map(Segment::duration_s).sum(),
            summary: Summary::of(&segments, &labels),
            segments,
            non_speech: Vec::new(),
            envelope: Envelope::new(16_000, 0.1),
        }
    }

    #[test]
    fn tiers_cover_the_recording_with_each_segment_and_empty_gaps() {
        let a = analysis(
            5.0,
            &[(0.5, 2.0004, "calm", 0.75), (2.0, 3.5, "say \"hi\"", 0.6)],
        );
        let b = analysis(4.0, &[]);
        let grid = textgrid(&[(" (channel 1)", &a), (" (channel 2)", &b)]);
        let expected = [
            "xmax = 5\ntiers? <exists>\nsize = 4\n",
            "name = \"emotion (channel 1)\"\n        xmin = 0\n        xmax = 5\n        intervals: size = 4\n",
            "xmin = 0\n            xmax = 0.5\n            text = \"\"\n",
            "xmin = 0.5\n            xmax = 2\n            text = \"calm\"\n",
            // The second segment starts where the first, rounded to milliseconds, ended.
            "xmin = 2\n            xmax = 3.5\n            text = \"say \"\"hi\"\"\"\n",
            "xmin = 3.5\n            xmax = 5\n            text = \"\"\n",
            "name = \"confidence (channel 1)\"",
            "text = \"0.750\"\n",
            // No speech on the other side: one empty interval as long as the longer one.
            "name = \"emotion (channel 2)\"\n        xmin = 0\n        xmax = 5\n        intervals: size = 1\n",
        ];
        for part in expected {
            assert!(grid.contains(part), "no {part:?} in\n{grid}");
        }
        assert!(grid.starts_with("File type = \"ooTextFile\"\nObject class = \"TextGrid\"\n"));
    }
}
