//! Writing results (atomically: no half-written file is ever left behind) and progress bars.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use indicatif::{ProgressBar, ProgressStyle};
use serde_json::{json, Map, Value};

/// Writes a file by filling it in memory with `fill`, then writing it atomically.
pub fn write_atomic(path: &Path, fill: impl FnOnce(&mut Vec<u8>) -> Result<()>) -> Result<()> {
    let mut bytes = Vec::new();
    fill(&mut bytes)?;
    ser_model::write_atomic(path, &bytes)
        .with_context(|| format!("cannot write {}", path.display()))
}

/// Checks that a chart can be written to `path`: `.svg` or `.png` (before any work is done).
pub fn check_chart_path(path: &Path) -> Result<()> {
    match path.extension().and_then(|e| e.to_str()) {
        Some("svg" | "png") => Ok(()),
        _ => anyhow::bail!("{}: charts are written as .svg or .png", path.display()),
    }
}

/// Writes an SVG chart to `path`, rasterised to PNG when the name ends in `.png`.
pub fn write_chart(path: &Path, svg: &str) -> Result<()> {
    check_chart_path(path)?;
    let png = path.extension().is_some_and(|e| e == "png");
    write_atomic(path, |bytes| {
        if png {
            bytes.extend(ser_plot::svg_to_png(svg).map_err(anyhow::Error::msg)?);
        } else {
            bytes.extend_from_slice(svg.as_bytes());
        }
        Ok(())
    })
}

/// A progress bar for `len` items, drawn on stderr (hidden when stderr is not a terminal).
pub fn progress_bar(len: u64, what: &str) -> ProgressBar {
    let bar = ProgressBar::new(len);
    bar.set_style(
        ProgressStyle::with_template(&format!(
            "{what} {{bar:40.cyan/blue}} {{pos}}/{{len}} [{{elapsed_precise}}<{{eta_precise}}] {{msg}}"
        ))
        .expect("valid template"),
    );
    bar
}

/// A counter for work of unknown length (audio arriving through a pipe): how many `unit` are
/// done and for how long it has run, drawn on stderr like [`progress_bar`].
pub fn progress_counter(what: &str, unit: &str) -> ProgressBar {
    let bar = ProgressBar::new_spinner();
    bar.set_style(
        ProgressStyle::with_template(&format!(
            "{what} {{spinner}} {{pos}} {unit} [{{elapsed_precise}}] {{msg}}"
        ))
        .expect("valid template"),
    );
    bar
}

/// One JSON object per input of a batch command ([`json_row`] of each), in the order given.
pub fn json_rows<T>(
    results: &[(PathBuf, std::result::Result<T, String>)],
    doc: impl Fn(&T) -> Map<String, Value>,
) -> Vec<Value> {
    results
        .iter()
        .map(|(path, r)| json_row(path, r.as_ref(), &doc))
        .collect()
}

/// The JSON object of one input of a batch command: `doc` of its result, or `{"error"}` for a
/// file that failed, with its `path`.
pub fn json_row<T>(
    path: &Path,
    result: std::result::Result<&T, &String>,
    doc: impl Fn(&T) -> Map<String, Value>,
) -> Value {
    let mut v = match result {
        Ok(x) => Value::Object(doc(x)),
        Err(e) => json!({"error": e}),
    };
    v["path"] = json!(path.display().to_string());
    v
}

/// A CSV field, quoted when it holds a comma, a quote or a line break.
pub fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// The CSV fields of a prediction among `labels` labels: its label, its confidence and every
/// label's probability; all of them empty without one (a pause, a file that failed).
pub fn csv_prediction(prediction: Option<&ser_model::Prediction>, labels: usize) -> String {
    match prediction {
        Some(p) => {
            let mut fields = vec![p.label.clone(), format!("{:.6}", p.confidence)];
            fields.extend(p.probabilities.iter().map(|(_, v)| format!("{v:.6}")));
            fields.join(",")
        }
        None => vec![""; labels + 2].join(","),
    }
}
