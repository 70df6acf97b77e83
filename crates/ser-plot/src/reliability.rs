//! Reliability diagrams: how often a model is right against how sure it said it was.

use std::fmt::Write;

use crate::svg::escape;

/// One confidence bin of a reliability diagram.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ReliabilityBar {
    /// Clips whose top probability fell in the bin.
    pub clips: usize,
    /// Their mean top probability.
    pub confidence: f64,
    /// The share of them the model got right.
    pub accuracy: f64,
}

/// Bars of equal-width confidence bins over 0..1 (accuracy per bin) against the diagonal a
/// perfectly calibrated model would follow; each bar's gap to its mean confidence is shaded
/// and its clip count written on it. `ece` goes in the title.
pub fn reliability_svg(bars: &[ReliabilityBar], ece: f64, title: &str) -> String {
    let (w, h, left, right, top, bottom) = (480.0, 440.0, 56.0, 20.0, 40.0, 48.0);
    let (pw, ph) = (w - left - right, h - top - bottom);
    let px = |v: f64| left + pw * v;
    let py = |v: f64| top + ph * (1.0 - v);
    let mut s = String::new();
    let _ = write!(
        s,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" font-family="sans-serif" font-size="12"><rect width="100%" height="100%" fill="white"/>"#
    );
    let _ = write!(
        s,
        r#"<text x="{left}" y="18" font-size="15" font-weight="bold">{}</text><text x="{left}" y="34">expected calibration error {:.1} %</text>"#,
        escape(title),
        100.0 * ece
    );
    for g in 0..=5 {
        let v = g as f64 / 5.0;
        let _ = write!(
            s,
            r##"<line x1="{left}" x2="{}" y1="{y}" y2="{y}" stroke="#eee"/><text x="{}" y="{}" text-anchor="end">{v:.1}</text><text x="{x}" y="{}" text-anchor="middle">{v:.1}</text>"##,
            w - right,
            left - 4.0,
            py(v) + 4.0,
            h - bottom + 16.0,
            y = py(v),
            x = px(v),
        );
    }
    let _ = write!(
        s,
        r#"<text x="{}" y="{}" text-anchor="middle">confidence</text><text x="14" y="{}" transform="rotate(-90 14 {2})" text-anchor="middle">accuracy</text>"#,
        left + pw / 2.0,
        h - 10.0,
        top + ph / 2.0
    );
    let width = 1.0 / bars.len().max(1) as f64;
    for (i, bar) in bars.iter().enumerate().filter(|(_, b)| b.clips > 0) {
        let x = px(i as f64 * width);
        let bw = pw * width;
        let (acc, conf) = (bar.accuracy.clamp(0.0, 1.0), bar.confidence.clamp(0.0, 1.0));
        let _ = write!(
            s,
            r##"<rect x="{x:.1}" y="{:.1}" width="{bw:.1}" height="{:.1}" fill="#4c78a8" stroke="white"/>"##,
            py(acc),
            ph * acc
        );
        let (gap_top, gap_bottom) = (acc.max(conf), acc.min(conf));
        let _ = write!(
            s,
            r##"<rect x="{x:.1}" y="{:.1}" width="{bw:.1}" height="{:.1}" fill="#e45756" fill-opacity="0.35"/><text x="{:.1}" y="{:.1}" text-anchor="middle" font-size="10">{}</text>"##,
            py(gap_top),
            ph * (gap_top - gap_bottom),
            x + bw / 2.0,
            py(gap_top) - 4.0,
            bar.clips
        );
    }
    let _ = write!(
        s,
        r##"<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="#555" stroke-dasharray="5 4"/>"##,
        px(0.0),
        py(0.0),
        px(1.0),
        py(1.0)
    );
    s.push_str("</svg>\n");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn draws_a_bar_per_filled_bin_and_the_diagonal() {
        let mut bars = vec![
            ReliabilityBar {
                clips: 0,
                confidence: 0.0,
                accuracy: 0.0,
            };
            10
        ];
        bars[6] = ReliabilityBar {
            clips: 7,
            confidence: 0.65,
            accuracy: 0.4,
        };
        bars[9] = ReliabilityBar {
            clips: 3,
            confidence: 0.95,
            accuracy: 1.0,
        };
        let svg = reliability_svg(&bars, 0.123, "a<b");
        // Background, then an accuracy bar and a gap band per filled bin.
        assert_eq!(svg.matches("<rect").count(), 1 + 2 * 2);
        assert!(svg.contains("stroke-dasharray"));
        assert!(svg.contains("12.3 %") && svg.contains("a&lt;b"));
        assert!(svg.contains(">7</text>") && svg.contains(">3</text>"));
        assert!(svg.starts_with("<svg") && svg.trim_end().ends_with("</svg>"));
    }
}
