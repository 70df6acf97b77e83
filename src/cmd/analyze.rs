//! `ser analyze`: the emotion timeline of long recordings.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{bail, Result};
use indicatif::ProgressBar;
use rayon::prelude::*;
use ser_analyze::{Analysis, AnalyzeOptions, Analyzer};
use ser_plot::{timeline_svg, TimelineBand};
use serde_json::Value;

use super::common::{ChannelArg, ModelArg, RawArg};
use super::{batch_exit_code, TableJsonCsv};
use crate::files::collect_audio_files;
use crate::output::{
    check_chart_path, csv_field, csv_prediction, json_row, progress_bar, progress_counter,
    write_atomic, write_chart,
};

/// Arguments of `ser analyze`.
#[derive(clap::Args)]
#[command(after_help = "Examples:
  ser analyze call.wav
  ser analyze interview.mp3 --format json --plot timeline.svg
  ser analyze interview.wav --textgrid interview.TextGrid   (tiers to open in Praat)
  ser analyze calls/ --format csv > segments.csv
  ser analyze call.wav --sides          (each side of a call recorded in stereo)
Speech is found by a voice-activity detector; pauses longer than 0.75 s separate regions, which
are cut into windows (--window, --hop) that never cross a pause. Window probabilities are
averaged with their neighbours and runs of one emotion become segments.")]
pub struct AnalyzeCmd {
    /// Audio files or directories (searched recursively); `-` reads standard input.
    #[arg(required = true)]
    paths: Vec<PathBuf>,
    #[command(flatten)]
    model: ModelArg,
    #[command(flatten)]
    channel: ChannelArg,
    /// Analysis window in seconds.
    #[arg(long, default_value_t = 3.0)]
    window: f64,
    /// Step between windows in seconds.
    #[arg(long, default_value_t = 1.0)]
    hop: f64,
    /// Neighbouring windows on each side averaged into each window (0: no smoothing).
    #[arg(long, default_value_t = 1)]
    smooth: usize,
    /// Output format (JSON: {"path", "duration_s", "speech_s", "segments", "non_speech",
    /// "summary", "dominant", "changes"} and with --sides "channel", one object for one
    /// result, an array for several; CSV: one row per segment or pause).
    #[arg(long, value_enum, default_value_t)]
    format: TableJsonCsv,
    /// Draw the timeline (waveform, emotion bands, confidence) to this .svg or .png file (one
    /// input).
    #[arg(long, value_name = "FILE.svg|png")]
    plot: Option<PathBuf>,
    /// Write the timeline as a Praat TextGrid to this file (one input; with --sides, tiers
    /// for every channel): interval tiers "emotion" and "confidence" of the speech segments,
    /// to open in Praat or ELAN beside the recording.
    #[arg(long, value_name = "FILE.TextGrid")]
    textgrid: Option<PathBuf>,
    /// Analyse each channel on its own, side by side (each side of a call recorded
    /// with one speaker per channel, without the other's voice bleeding in): every result
    /// names its channel (JSON "channel", a CSV column after the path).
    #[arg(long, conflicts_with_all = ["channel", "plot"])]
    sides: bool,
}

/// One recording to analyse.
struct Job<'a> {
    file: &'a PathBuf,
    /// The channel to read (from 1; `None`: all, mixed), or why the file's channels could not
    /// be counted.
    channel: Result<Option<u16>, String>,
}

impl Job<'_> {
    /// With `--sides` (`sides`), the channel this is the side of.
    fn side(&self, sides: bool) -> Option<u16> {
        self.channel.clone().ok().flatten().filter(|_| sides)
    }
}

/// Recordings longer than this get a progress bar.
const PROGRESS_OVER_S: f64 = 60.0;

pub fn run(cmd: AnalyzeCmd) -> Result<ExitCode> {
    let model = cmd.model.load()?;
    let options = AnalyzeOptions {
        window_s: cmd.window,
        hop_s: cmd.hop,
        smooth_radius: cmd.smooth,
        ..AnalyzeOptions::default()
    };
    let analyzer = Analyzer::new(&model, options).map_err(anyhow::Error::msg)?;
    let files = collect_audio_files(&cmd.paths, cmd.channel.raw.raw)?;
    for (option, given) in [
        ("--plot", cmd.plot.is_some()),
        ("--textgrid", cmd.textgrid.is_some()),
    ] {
        if given && files.len() != 1 {
            bail!(
                "{option} takes one recording, but {} files were given",
                files.len()
            );
        }
    }
    if let Some(plot) = &cmd.plot {
        check_chart_path(plot)?;
    }
    if cmd.sides && files.iter().any(|f| f.as_os_str() == crate::files::STDIN) {
        bail!("--sides reads a recording once per channel: give its path, not standard input");
    }
    let mut jobs: Vec<Job> = Vec::new();
    for file in &files {
        let channels = if cmd.sides {
            channels_of(&cmd.channel.raw, file).map(|n| (1..=n).map(Some).collect())
        } else {
            Ok(vec![cmd.channel.channel])
        };
        match channels {
            Ok(channels) => jobs.extend(channels.into_iter().map(|c| Job {
                file,
                channel: Ok(c),
            })),
            Err(e) => jobs.push(Job {
                file,
                channel: Err(e),
            }),
        }
    }
    // Side by side, one per core: an analysis keeps about one core busy (its network passes
    // are a few windows each) and holds only the stretch of its recording it is working on.
    // One recording shows its own progress in seconds; several, how many are done. Each
    // result is printed (table, CSV) as soon as those before it are, so rows come while the
    // rest still run; JSON is one document, printed at the end.
    let several = jobs.len() > 1;
    let done = if several {
        progress_bar(jobs.len() as u64, "recordings")
    } else {
        ProgressBar::hidden()
    };
    if let TableJsonCsv::Csv = cmd.format {
        print_csv_header(cmd.sides, model.labels());
    }
    let (mut kept, mut failures) = (Vec::new(), 0);
    let mut show = |job: &Job, result: Result<Analysis, String>| {
        if let Err(e) = &result {
            eprintln!("ser: error: {e}");
            failures += 1;
        }
        let side = job.side(cmd.sides);
        match (cmd.format, &result) {
            (TableJsonCsv::Table, Ok(a)) => print_table(job.file, a, side),
            (TableJsonCsv::Csv, _) => print_csv(job.file, &result, side, cmd.sides, model.labels()),
            _ => {}
        }
        // JSON prints them all, and the TextGrid holds every side of its one recording; the
        // plot draws the first.
        let all = matches!(cmd.format, TableJsonCsv::Json) || cmd.textgrid.is_some();
        if all || (cmd.plot.is_some() && kept.is_empty()) {
            kept.push((job.file.clone(), result, side));
        }
    };
    let (sender, finished) = std::sync::mpsc::channel();
    std::thread::scope(|scope| {
        let (jobs, analyzer, done) = (&jobs, &analyzer, &done);
        scope.spawn(move || {
            jobs.par_iter()
                .enumerate()
                .for_each_with(sender, |sender, (i, job)| {
                    let name = input_name(job.file, job.side(cmd.sides));
                    let analysis = job.channel.clone().and_then(|channel| {
                        let read = ChannelArg {
                            channel,
                            raw: cmd.channel.raw,
                        };
                        analyze_one(analyzer, &read, job.file, &name, !several)
                    });
                    done.inc(1);
                    // The receiver lives until every job is sent.
                    sender.send((i, analysis)).ok();
                });
        });
        // Results arrive as they finish; each waits here until those before it are shown.
        let mut waiting = std::collections::BTreeMap::new();
        let mut next = 0;
        for (i, analysis) in finished {
            waiting.insert(i, analysis);
            while let Some(analysis) = waiting.remove(&next) {
                done.suspend(|| show(&jobs[next], analysis));
                next += 1;
            }
        }
    });
    done.finish_and_clear();
    if let (Some(plot), Some((path, Ok(a), _))) = (&cmd.plot, kept.first()) {
        let svg = timeline_svg(
            &path.display().to_string(),
            &a.envelope.peaks,
            a.envelope.block_s,
            a.duration_s,
            &bands(a, model.labels()),
            model.labels(),
        );
        write_chart(plot, &svg)?;
    }
    if let (Some(path), 0) = (&cmd.textgrid, failures) {
        write_textgrid(path, &kept)?;
    }
    if let TableJsonCsv::Json = cmd.format {
        print_json(&kept)?;
    }
    Ok(batch_exit_code(failures))
}

/// How many channels the recording at `path`, read through `raw`, has.
fn channels_of(raw: &RawArg, path: &Path) -> Result<u16, String> {
    let decoder = raw.open(path).map_err(|e| e.to_string())?;
    Ok(u16::try_from(decoder.info().channels).expect("at most ser_audio::MAX_CHANNELS"))
}

/// `path`, and the channel when it is one side of the recording.
fn input_name(path: &Path, side: Option<u16>) -> String {
    match side {
        Some(channel) => format!("{} (channel {channel})", path.display()),
        None => path.display().to_string(),
    }
}

/// The analysis of `file` as `channel` reads it; with `progress`, a long one shows how far it
/// is, labelled `name`.
fn analyze_one(
    analyzer: &Analyzer,
    channel: &ChannelArg,
    file: &Path,
    name: &str,
    progress: bool,
) -> Result<Analysis, String> {
    let mut bar = None;
    let decoder = channel.open(file).map_err(|e| e.to_string())?;
    let result = analyzer.analyze(decoder, |done, total| {
        // A recording whose length is unknown (read from a pipe) gets a counter once it runs
        // that long.
        if progress && total.unwrap_or(done) > PROGRESS_OVER_S {
            let b = bar.get_or_insert_with(|| match total {
                Some(total) => progress_bar(total.round() as u64, &format!("{name} (s)")),
                None => progress_counter(name, "s analysed"),
            });
            b.set_position(done.round() as u64);
        }
    });
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    result.map_err(|e| e.to_string())
}

fn bands(a: &Analysis, labels: &[String]) -> Vec<TimelineBand> {
    a.segments
        .iter()
        .map(|s| TimelineBand {
            start_s: s.start_s,
            end_s: s.end_s,
            label: labels
                .iter()
                .position(|l| *l == s.prediction.label)
                .unwrap_or(0),
            confidence: s.prediction.confidence,
        })
        .collect()
}

/// Segments and pauses of one analysis in time order: `(start, end, Some(segment))` for
/// speech, `None` for a pause.
fn rows(a: &Analysis) -> Vec<(f64, f64, Option<&ser_analyze::Segment>)> {
    let mut rows: Vec<_> = a
        .segments
        .iter()
        .map(|s| (s.start_s, s.end_s, Some(s)))
        .chain(a.non_speech.iter().map(|&(x, y)| (x, y, None)))
        .collect();
    rows.sort_by(|p, q| p.0.total_cmp(&q.0));
    rows
}

/// The segments and pauses of one recording (`side`: the channel it is the side of), and its
/// summary.
fn print_table(path: &Path, a: &Analysis, side: Option<u16>) {
    println!(
        "{}: {:.1} s, {:.1} s of speech",
        input_name(path, side),
        a.duration_s,
        a.speech_s
    );
    for (start, end, seg) in rows(a) {
        match seg {
            Some(s) => println!(
                "  {start:>8.2} - {end:>8.2} s  {:<10} {:>5.1}%",
                s.prediction.label,
                100.0 * s.prediction.confidence
            ),
            None => println!("  {start:>8.2} - {end:>8.2} s  (no speech)"),
        }
    }
    let shares: Vec<String> = a
        .summary
        .share
        .iter()
        .filter(|(_, v)| *v > 0.0)
        .map(|(l, v)| format!("{l} {:.0}%", 100.0 * v))
        .collect();
    match &a.summary.dominant {
        Some(d) => println!(
            "  dominant: {d}; {} change(s); speech time: {}",
            a.summary.changes,
            shares.join(", ")
        ),
        None => println!("  no speech found"),
    }
}

/// Writes the analyses of one recording's sides (or of the recording) as a Praat TextGrid.
fn write_textgrid(
    path: &Path,
    results: &[(PathBuf, Result<Analysis, String>, Option<u16>)],
) -> Result<()> {
    let suffixes: Vec<String> = results
        .iter()
        .map(|(_, _, side)| side.map_or(String::new(), |c| format!(" (channel {c})")))
        .collect();
    let tiers: Vec<(&str, &Analysis)> = suffixes
        .iter()
        .zip(results)
        .filter_map(|(suffix, (_, r, _))| Some((suffix.as_str(), r.as_ref().ok()?)))
        .collect();
    write_atomic(path, |bytes| {
        bytes.extend(ser_analyze::textgrid(&tiers).into_bytes());
        Ok(())
    })
}

fn print_json(results: &[(PathBuf, Result<Analysis, String>, Option<u16>)]) -> Result<()> {
    let mut docs: Vec<Value> = results
        .iter()
        .map(|(path, r, side)| {
            let mut doc = json_row(path, r.as_ref(), Analysis::to_json);
            if let Some(channel) = side {
                doc["channel"] = (*channel).into();
            }
            doc
        })
        .collect();
    let out = if docs.len() == 1 {
        docs.remove(0)
    } else {
        Value::Array(docs)
    };
    println!("{}", serde_json::to_string_pretty(&out)?);
    Ok(())
}

/// The header of [`print_csv`]'s rows.
fn print_csv_header(by_side: bool, labels: &[String]) {
    println!(
        "path,{}start_s,end_s,speech,label,confidence,{},error",
        if by_side { "channel," } else { "" },
        labels.join(",")
    );
}

/// The CSV rows of one recording's segments and pauses (under [`print_csv_header`]); with
/// `by_side`, its channel (`side`) in a column after the path. A file that failed is one row
/// with its reason in the last column, `error`.
fn print_csv(
    path: &Path,
    result: &Result<Analysis, String>,
    side: Option<u16>,
    by_side: bool,
    labels: &[String],
) {
    let k = labels.len();
    // The columns before the times: the path, and with `by_side` the channel.
    let mut input = csv_field(&path.display().to_string());
    if by_side {
        input.push_str(&format!(
            ",{}",
            side.map_or(String::new(), |c| c.to_string())
        ));
    }
    let a = match result {
        Ok(a) => a,
        Err(e) => {
            println!("{input},,,,{},{}", csv_prediction(None, k), csv_field(e));
            return;
        }
    };
    for (start, end, seg) in rows(a) {
        let prediction = seg.map(|s| &s.prediction);
        println!(
            "{input},{start:.3},{end:.3},{},{},",
            seg.is_some(),
            csv_prediction(prediction, k)
        );
    }
}
