//! Small SVG charts written directly (text stays text, no fonts needed at render time).

use std::fmt::Write;

pub(crate) fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// A confusion matrix (`matrix[true][predicted]`) as a heat map with counts and row-normalised
/// shading, true labels down the side, predicted labels along the top.
pub fn confusion_svg(labels: &[String], matrix: &[Vec<usize>], title: &str) -> String {
    let k = labels.len();
    let cell = 48.0;
    let (left, top) = (110.0, 110.0);
    let size = left + cell * k as f64 + 20.0;
    let mut s = String::new();
    let _ = write!(
        s,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{size}" height="{h}" font-family="sans-serif" font-size="12">"#,
        h = top + cell * k as f64 + 40.0
    );
    let _ = write!(
        s,
        r#"<rect width="100%" height="100%" fill="white"/><text x="{left}" y="20" font-size="15" font-weight="bold">{}</text>"#,
        escape(title)
    );
    let _ = write!(
        s,
        r#"<text x="{}" y="40" text-anchor="middle">predicted</text>"#,
        left + cell * k as f64 / 2.0
    );
    let _ = write!(
        s,
        r#"<text x="14" y="{}" transform="rotate(-90 14 {0})" text-anchor="middle">true</text>"#,
        top + cell * k as f64 / 2.0
    );
    for (i, label) in labels.iter().enumerate() {
        let x = left + cell * (i as f64 + 0.5);
        let _ = write!(
            s,
            r#"<text x="{x}" y="{}" transform="rotate(-45 {x} {0})">{}</text>"#,
            top - 8.0,
            escape(label)
        );
        let _ = write!(
            s,
            r#"<text x="{}" y="{}" text-anchor="end">{}</text>"#,
            left - 6.0,
            top + cell * (i as f64 + 0.6),
            escape(label)
        );
    }
    for (t, row) in matrix.iter().enumerate() {
        let total: usize = row.iter().sum();
        for (p, &count) in row.iter().enumerate() {
            let share = if total == 0 {
                0.0
            } else {
                count as f64 / total as f64
            };
            let c = colorous::BLUES.eval_continuous(share);
            let (x, y) = (left + cell * p as f64, top + cell * t as f64);
            let _ = write!(
                s,
                r##"<rect x="{x}" y="{y}" width="{cell}" height="{cell}" fill="#{:02x}{:02x}{:02x}" stroke="#ddd"/>"##,
                c.r, c.g, c.b
            );
            let ink = if share > 0.5 { "white" } else { "black" };
            let _ = write!(
                s,
                r#"<text x="{}" y="{}" text-anchor="middle" fill="{ink}">{count}</text>"#,
                x + cell / 2.0,
                y + cell / 2.0 + 4.0
            );
        }
    }
    s.push_str("</svg>\n");
    s
}

/// One named series of a line chart.
pub struct Series<'a> {
    /// Legend text.
    pub name: &'a str,
    /// CSS colour.
    pub colour: &'a str,
    /// Values, one per x step (1, 2, ...).
    pub values: Vec<f64>,
}

/// A line chart of several series over x = 1..n, e.g. training curves per epoch.
pub fn line_chart_svg(
    title: &str,
    x_label: &str,
    series: &[Series],
    mark_x: Option<usize>,
) -> String {
    let (w, h, left, right, top, bottom) = (640.0, 360.0, 50.0, 150.0, 30.0, 40.0);
    let n = series
        .iter()
        .map(|s| s.values.len())
        .max()
        .unwrap_or(0)
        .max(2);
    let all = series
        .iter()
        .flat_map(|s| s.values.iter().copied())
        .filter(|v| v.is_finite());
    let (lo, hi) = all.fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| {
        (a.min(v), b.max(v))
    });
    let (lo, hi) = if lo.is_finite() && hi > lo {
        (lo.min(0.0), hi)
    } else {
        (0.0, 1.0)
    };
    let px = |i: usize| left + (w - left - right) * i as f64 / (n - 1) as f64;
    let py = |v: f64| top + (h - top - bottom) * (1.0 - (v - lo) / (hi - lo));
    let mut s = String::new();
    let _ = write!(
        s,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" font-family="sans-serif" font-size="12"><rect width="100%" height="100%" fill="white"/>"#
    );
    let _ = write!(
        s,
        r#"<text x="{left}" y="18" font-size="15" font-weight="bold">{}</text>"#,
        escape(title)
    );
    for g in 0..=4 {
        let v = lo + (hi - lo) * g as f64 / 4.0;
        let y = py(v);
        let _ = write!(
            s,
            r##"<line x1="{left}" x2="{}" y1="{y}" y2="{y}" stroke="#eee"/><text x="{}" y="{}" text-anchor="end">{v:.2}</text>"##,
            w - right,
            left - 4.0,
            y + 4.0
        );
    }
    let _ = write!(
        s,
        r#"<text x="{}" y="{}" text-anchor="middle">{}</text>"#,
        (left + w - right) / 2.0,
        h - 8.0,
        escape(x_label)
    );
    for i in [0, n / 2, n - 1] {
        let _ = write!(
            s,
            r#"<text x="{}" y="{}" text-anchor="middle">{}</text>"#,
            px(i),
            h - bottom + 16.0,
            i + 1
        );
    }
    if let Some(m) = mark_x.filter(|m| *m >= 1 && *m <= n) {
        let x = px(m - 1);
        let _ = write!(
            s,
            r##"<line x1="{x}" x2="{x}" y1="{top}" y2="{}" stroke="#999" stroke-dasharray="4 3"/>"##,
            h - bottom
        );
    }
    for (j, ser) in series.iter().enumerate() {
        let points: Vec<String> = ser
            .values
            .iter()
            .enumerate()
            .filter(|(_, v)| v.is_finite())
            .map(|(i, v)| format!("{:.1},{:.1}", px(i), py(*v)))
            .collect();
        let _ = write!(
            s,
            r#"<polyline fill="none" stroke="{}" stroke-width="2" points="{}"/>"#,
            ser.colour,
            points.join(" ")
        );
        let ly = top + 16.0 * j as f64 + 10.0;
        let _ = write!(
            s,
            r#"<line x1="{0}" x2="{1}" y1="{ly}" y2="{ly}" stroke="{2}" stroke-width="3"/><text x="{3}" y="{4}">{5}</text>"#,
            w - right + 10.0,
            w - right + 30.0,
            ser.colour,
            w - right + 36.0,
            ly + 4.0,
            escape(ser.name)
        );
    }
    s.push_str("</svg>\n");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn confusion_has_a_cell_per_pair_and_escapes_labels() {
        let labels = vec!["a<b".to_string(), "c".to_string()];
        let svg = confusion_svg(&labels, &[vec![3, 1], vec![0, 4]], "t");
        assert_eq!(svg.matches("<rect x=").count(), 4);
        assert!(svg.contains("a&lt;b") && svg.contains(">4</text>"));
    }

    #[test]
    fn chart_draws_each_series() {
        let svg = line_chart_svg(
            "loss",
            "epoch",
            &[
                Series {
                    name: "train",
                    colour: "red",
                    values: vec![1.0, 0.5, 0.2],
                },
                Series {
                    name: "valid",
                    colour: "blue",
                    values: vec![1.1, 0.7, 0.6],
                },
            ],
            Some(3),
        );
        assert_eq!(svg.matches("<polyline").count(), 2);
        assert!(svg.starts_with("<svg") && svg.trim_end().ends_with("</svg>"));
    }
}
