//! An emotion timeline of a long recording: the waveform on top, below it one coloured band
//! per speech segment (grey gaps are non-speech) and the confidence of each segment's emotion
//! as a step curve, with a time axis and a legend.

use std::fmt::Write;

use crate::svg::escape;

/// One speech segment as drawn.
#[derive(Debug, Clone, PartialEq)]
pub struct TimelineBand {
    /// Start in seconds.
    pub start_s: f64,
    /// End in seconds.
    pub end_s: f64,
    /// Index of its label in the label list.
    pub label: usize,
    /// Confidence of that label (0-1).
    pub confidence: f32,
}

/// Label colours by the label's index, distinct for up to ten labels. The first eight suit the
/// RAVDESS emotions in their order (neutral grey, calm light blue, happy yellow, sad blue,
/// angry red, fearful purple, disgust green, surprised orange). The web page takes its colours
/// from here too (`GET /api/v1/model`), so a label looks the same everywhere.
pub const LABEL_PALETTE: [&str; 10] = [
    "#868e96", "#74c0fc", "#fcc419", "#4dabf7", "#fa5252", "#be4bdb", "#40c057", "#ff922b",
    "#20c997", "#e64980",
];

/// The colour of label `i` (see [`LABEL_PALETTE`]).
pub fn label_colour(i: usize) -> String {
    LABEL_PALETTE[i % LABEL_PALETTE.len()].to_string()
}

/// The timeline picture as SVG. `peaks` are the waveform's `(min, max)` per block of
/// `block_s` seconds.
pub fn timeline_svg(
    title: &str,
    peaks: &[(f32, f32)],
    block_s: f64,
    duration_s: f64,
    bands: &[TimelineBand],
    labels: &[String],
) -> String {
    let (w, left, right) = (1000.0, 60.0, 20.0);
    let (wave_top, wave_h) = (30.0, 110.0);
    let (band_top, band_h) = (wave_top + wave_h + 10.0, 28.0);
    let (conf_top, conf_h) = (band_top + band_h + 10.0, 70.0);
    let axis_y = conf_top + conf_h + 16.0;
    let legend_y = axis_y + 24.0;
    let h = legend_y + 16.0 * labels.len().div_ceil(4) as f64 + 10.0;
    let duration = duration_s.max(1e-3);
    let px = |t: f64| left + (w - left - right) * (t / duration).clamp(0.0, 1.0);
    let mut s = String::new();
    let _ = write!(
        s,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" font-family="sans-serif" font-size="12"><rect width="100%" height="100%" fill="white"/><text x="{left}" y="18" font-size="15" font-weight="bold">{}</text>"#,
        escape(title)
    );
    // Waveform: one vertical line per pixel column, from the lowest to the highest sample.
    let columns = (w - left - right) as usize;
    let mid = wave_top + wave_h / 2.0;
    let mut path = String::new();
    for col in 0..columns {
        let (t0, t1) = (
            duration * col as f64 / columns as f64,
            duration * (col + 1) as f64 / columns as f64,
        );
        let (b0, b1) = (
            (t0 / block_s) as usize,
            ((t1 / block_s).ceil() as usize).max(1),
        );
        let (lo, hi) = peaks[b0.min(peaks.len())..b1.min(peaks.len())]
            .iter()
            .fold((0.0f32, 0.0f32), |(a, b), p| (a.min(p.0), b.max(p.1)));
        let x = left + col as f64 + 0.5;
        let _ = write!(
            path,
            "M{x:.1} {:.1}V{:.1}",
            mid - hi.clamp(-1.0, 1.0) as f64 * wave_h / 2.0,
            mid - lo.clamp(-1.0, 1.0) as f64 * wave_h / 2.0 + 0.5
        );
    }
    let _ = write!(
        s,
        r##"<path d="{path}" stroke="#4a5568" stroke-width="1"/><rect x="{left}" y="{band_top}" width="{}" height="{band_h}" fill="#e2e8f0"/>"##,
        w - left - right
    );
    let _ = write!(
        s,
        r#"<text x="{}" y="{}" text-anchor="end">wave</text><text x="{}" y="{}" text-anchor="end">emotion</text><text x="{}" y="{}" text-anchor="end">conf.</text>"#,
        left - 6.0,
        mid + 4.0,
        left - 6.0,
        band_top + band_h / 2.0 + 4.0,
        left - 6.0,
        conf_top + conf_h / 2.0 + 4.0
    );
    // Bands and the confidence steps.
    let conf_y = |c: f32| conf_top + conf_h * (1.0 - c.clamp(0.0, 1.0) as f64);
    for c in [0.0, 1.0] {
        let _ = write!(
            s,
            r##"<line x1="{left}" x2="{x2}" y1="{y}" y2="{y}" stroke="#ddd"/>"##,
            x2 = w - right,
            y = conf_y(c)
        );
    }
    for b in bands {
        let (x0, x1) = (px(b.start_s), px(b.end_s));
        let colour = label_colour(b.label);
        let name = labels.get(b.label).map_or("?", String::as_str);
        let _ = write!(
            s,
            r#"<rect x="{x0:.1}" y="{band_top}" width="{:.1}" height="{band_h}" fill="{colour}"><title>{:.1}-{:.1} s: {} ({:.0} %)</title></rect><path d="M{x0:.1} {y:.1}H{x1:.1}" stroke="{colour}" stroke-width="2"/>"#,
            (x1 - x0).max(0.5),
            b.start_s,
            b.end_s,
            escape(name),
            100.0 * b.confidence,
            y = conf_y(b.confidence)
        );
    }
    // Time axis: about eight ticks at round intervals.
    let step = [
        1.0, 2.0, 5.0, 10.0, 15.0, 30.0, 60.0, 120.0, 300.0, 600.0, 900.0, 1800.0,
    ]
    .into_iter()
    .find(|s| duration / s <= 10.0)
    .unwrap_or(3600.0);
    let mut t = 0.0;
    while t <= duration + 1e-9 {
        let x = px(t);
        let text = if step >= 60.0 {
            format!("{}:{:02}", (t / 60.0) as u64, (t % 60.0) as u64)
        } else {
            format!("{t:.0} s")
        };
        let _ = write!(
            s,
            r##"<line x1="{x:.1}" x2="{x:.1}" y1="{}" y2="{}" stroke="#999"/><text x="{x:.1}" y="{axis_y}" text-anchor="middle">{text}</text>"##,
            conf_top + conf_h,
            conf_top + conf_h + 4.0
        );
        t += step;
    }
    for (i, l) in labels.iter().enumerate() {
        let (x, y) = (
            left + 200.0 * (i % 4) as f64,
            legend_y + 16.0 * (i / 4) as f64,
        );
        let _ = write!(
            s,
            r#"<rect x="{x}" y="{}" width="12" height="12" fill="{}"/><text x="{}" y="{y}">{}</text>"#,
            y - 10.0,
            label_colour(i),
            x + 16.0,
            escape(l)
        );
    }
    s.push_str("</svg>\n");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn draws_each_band_with_its_label_colour_and_a_legend() {
        let labels: Vec<String> = vec!["calm".into(), "angry".into()];
        let bands = [
            TimelineBand {
                start_s: 1.0,
                end_s: 3.0,
                label: 1,
                confidence: 0.8,
            },
            TimelineBand {
                start_s: 5.0,
                end_s: 6.0,
                label: 0,
                confidence: 0.5,
            },
        ];
        let peaks = vec![(-0.5, 0.5); 100];
        let svg = timeline_svg("call <1>", &peaks, 0.1, 10.0, &bands, &labels);
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>\n"));
        assert!(svg.contains("call &lt;1&gt;"));
        assert!(svg.contains("1.0-3.0 s: angry (80 %)"));
        assert_eq!(
            svg.matches(&format!("fill=\"{}\"", label_colour(1)))
                .count(),
            2
        );
        assert!(svg.contains(">calm</text>") && svg.contains(">angry</text>"));
    }
}
