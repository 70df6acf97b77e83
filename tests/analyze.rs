//! Long-recording analysis on constructed recordings: RAVDESS clips of known emotions joined
//! by silent and noisy gaps (tests/common/recording.rs), analysed with the bundled model.

mod common;

use std::fs::File;
use std::io::BufWriter;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use common::recording::Builder;
use ser_analyze::{Analysis, AnalyzeOptions, Analyzer};
use ser_model::EmotionModel;

/// Boundary tolerance of the issue: detected speech edges within 0.3 s of the true ones.
const TOLERANCE_S: f64 = 0.3;

/// One RAVDESS clip of each emotion, each of another actor (statement 1, strong intensity
/// except neutral, which has none); `None` (the test skipped) without the data
/// ([`common::data_dir`]).
fn clips() -> Option<Vec<PathBuf>> {
    let data = common::data_dir()?;
    let clips = (1..=8)
        .map(|e| {
            let actor = 2 * e + 1;
            let intensity = if e == 1 { 1 } else { 2 };
            data.join(format!(
                "ravdess/Actor_{actor:02}/03-01-{e:02}-{intensity:02}-01-01-{actor:02}.flac"
            ))
        })
        .collect();
    Some(clips)
}

fn analyze(path: &Path) -> Analysis {
    analyze_with(&EmotionModel::bundled().unwrap(), path)
}

fn analyze_with(model: &EmotionModel, path: &Path) -> Analysis {
    let analyzer = Analyzer::new(model, AnalyzeOptions::default()).unwrap();
    analyzer.analyze_file(path, |_, _| {}).unwrap()
}

/// Writes a recording with `build` and returns its path and true speech intervals.
fn recording(
    dir: &tempfile::TempDir,
    name: &str,
    build: impl FnOnce(&mut Builder<BufWriter<File>>) -> std::io::Result<()>,
) -> (PathBuf, Vec<(f64, f64)>) {
    let path = dir.path().join(name);
    let mut b = Builder::new(BufWriter::new(File::create(&path).unwrap()), 16_000).unwrap();
    build(&mut b).unwrap();
    (path, b.finish().unwrap())
}

#[test]
fn each_clip_becomes_one_segment_with_its_own_label_at_its_own_place() {
    let Some(clips) = clips() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let (path, truth) = recording(&dir, "mixed.wav", |b| {
        for (i, clip) in clips.iter().enumerate() {
            if i % 2 == 0 {
                b.silence(1.5)?;
            } else {
                b.noise(1.5, -60.0)?;
            }
            b.clip(clip, false)?;
        }
        b.silence(1.0)
    });
    // The networks alone read a segment as they read the file: its window holds the same
    // speech. (The prosody head reads the segment's own length and levels, which differ from
    // the trimmed file's by up to the tolerance; see below.)
    let model = EmotionModel::bundled().unwrap().without_prosody();
    let analysis = analyze_with(&model, &path);
    assert_eq!(
        analysis.segments.len(),
        clips.len(),
        "{:?}",
        analysis.segments
    );
    for ((clip, (start, end)), seg) in clips.iter().zip(&truth).zip(&analysis.segments) {
        eprintln!(
            "DBG {start:.2}-{end:.2} {:.2}-{:.2} {}",
            seg.start_s,
            seg.end_s,
            clip.display()
        );
        assert!(
            (seg.start_s - start).abs() <= TOLERANCE_S && (seg.end_s - end).abs() <= TOLERANCE_S,
            "{}: speech {start:.2}-{end:.2} s, segment {:.2}-{:.2} s",
            clip.display(),
            seg.start_s,
            seg.end_s
        );
        let alone = model.predict_file(clip).unwrap();
        assert_eq!(seg.prediction.label, alone.label, "{}", clip.display());
    }
    // With the head, most segments still get their file's label.
    let (with_head, full) = (analyze(&path), EmotionModel::bundled().unwrap());
    let agree = clips
        .iter()
        .zip(&with_head.segments)
        .filter(|(clip, seg)| full.predict_file(clip).unwrap().label == seg.prediction.label)
        .count();
    assert!(agree >= 6, "{agree} of {} segments", clips.len());
    // Speech time and pauses tile the recording; the summary's shares sum to 1.
    let pauses: f64 = analysis.non_speech.iter().map(|(a, b)| b - a).sum();
    assert!((analysis.speech_s + pauses - analysis.duration_s).abs() < 1e-6);
    let shares: f64 = analysis.summary.share.iter().map(|s| s.1).sum();
    assert!((shares - 1.0).abs() < 1e-6);
}

#[test]
fn silence_and_noise_alone_give_no_emotion() {
    let dir = tempfile::tempdir().unwrap();
    let (silent, _) = recording(&dir, "silent.wav", |b| b.silence(20.0));
    let (noisy, _) = recording(&dir, "noisy.wav", |b| {
        b.noise(10.0, -40.0)?;
        b.silence(5.0)?;
        b.noise(10.0, -25.0)
    });
    for path in [silent, noisy] {
        let a = analyze(&path);
        assert!(
            a.segments.is_empty(),
            "{}: {:?}",
            path.display(),
            a.segments
        );
        assert_eq!(a.speech_s, 0.0);
        assert_eq!(a.non_speech, vec![(0.0, a.duration_s)]);
        assert_eq!(a.summary.dominant, None);
    }
}

#[test]
fn speech_at_the_very_start_and_end_is_found() {
    let Some(clips) = clips() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let (path, truth) = recording(&dir, "edges.wav", |b| {
        b.clip(&clips[4], true)?;
        b.silence(2.0)?;
        b.clip(&clips[3], true)
    });
    let a = analyze(&path);
    assert_eq!(a.segments.len(), 2, "{:?}", a.segments);
    assert!(a.segments[0].start_s <= TOLERANCE_S);
    assert!((a.segments[1].end_s - truth[1].1).abs() <= TOLERANCE_S);
    assert!((a.segments[1].end_s - a.duration_s).abs() <= TOLERANCE_S);
}

/// A 16-bit stereo WAV of `left` and `right` (a call with a side on each channel).
fn stereo_wav(left: &[f32], right: &[f32], rate: u32) -> Vec<u8> {
    let pcm: Vec<u8> = left
        .iter()
        .zip(right)
        .flat_map(|(l, r)| [l, r])
        .flat_map(|x| ((x * 32767.0) as i16).to_le_bytes())
        .collect();
    common::wav_bytes(1, 2, rate, 16, &pcm, None)
}

#[test]
fn each_side_of_a_stereo_call_is_heard_without_the_other_bleeding_in() {
    let Some(clips) = clips() else {
        return;
    };
    // Four turns of two speakers, each on a channel of their own, 0.5 s apart; each voice
    // reaches the other channel 20 dB down (crosstalk: a headset's sidetone, a line's echo).
    let rate = 16_000;
    let turns: Vec<Vec<f32>> = clips[..4]
        .iter()
        .map(|clip| ser_audio::load(clip, &Default::default()).unwrap().samples)
        .collect();
    let gap = rate / 2;
    let mut sides = [Vec::new(), Vec::new()];
    let mut spans = Vec::new();
    for (i, turn) in turns.iter().enumerate() {
        let start = sides[0].len() + gap;
        for (side, samples) in sides.iter_mut().enumerate() {
            samples.resize(start, 0.0);
            let gain = if side == i % 2 { 1.0 } else { 0.1 };
            samples.extend(turn.iter().map(|x| gain * x));
        }
        spans.push((
            i % 2,
            start as f64 / rate as f64,
            sides[0].len() as f64 / rate as f64,
        ));
    }
    let dir = tempfile::tempdir().unwrap();
    let call = common::temp_file(
        &dir,
        "call.wav",
        &stereo_wav(&sides[0], &sides[1], rate as u32),
    );
    let model = EmotionModel::bundled().unwrap();
    let analyzer = Analyzer::new(&model, AnalyzeOptions::default()).unwrap();
    for side in 0..2 {
        let decoder = ser_audio::Decoder::open(&call)
            .unwrap()
            .with_channel(Some(side))
            .unwrap();
        let a = analyzer.analyze(decoder, |_, _| {}).unwrap();
        // Every segment lies in one of this side's turns, and each of its turns has one.
        let turn_of = |t: f64| spans.iter().find(|(_, s, e)| (*s..=*e).contains(&t));
        for seg in &a.segments {
            let middle = (seg.start_s + seg.end_s) / 2.0;
            assert_eq!(
                turn_of(middle).map(|t| t.0),
                Some(side),
                "side {side}: {seg:?}"
            );
        }
        for (_, start, end) in spans.iter().filter(|t| t.0 == side) {
            assert!(
                a.segments
                    .iter()
                    .any(|seg| seg.start_s < *end && seg.end_s > *start),
                "side {side}: nothing in its turn {start}-{end} s"
            );
        }
    }
}

#[test]
fn a_recording_read_whole_is_analysed_as_it_is_streamed() {
    let Some(clips) = clips() else {
        return;
    };
    // 44.1 kHz stereo, so that both are resampled: on the left two sentences 1 s apart, on the
    // right a third sentence and the left's bleed, 20 dB down.
    let rate = 44_100;
    let at_rate = ser_audio::LoadOptions {
        sample_rate: rate,
        ..Default::default()
    };
    let turns: Vec<Vec<f32>> = clips[..3]
        .iter()
        .map(|clip| ser_audio::load(clip, &at_rate).unwrap().samples)
        .collect();
    let mut left = turns[0].clone();
    left.resize(left.len() + rate as usize, 0.0);
    left.extend(&turns[1]);
    let right: Vec<f32> = left
        .iter()
        .enumerate()
        .map(|(i, x)| 0.1 * x + turns[2].get(i).copied().unwrap_or(0.0))
        .collect();
    let dir = tempfile::tempdir().unwrap();
    let call = common::temp_file(&dir, "call.wav", &stereo_wav(&left, &right, rate));

    let model = EmotionModel::bundled().unwrap();
    let analyzer = Analyzer::new(&model, AnalyzeOptions::default()).unwrap();
    let whole = model.config().audio.unshaped();
    let open = |channel| {
        ser_audio::Decoder::open(&call)
            .unwrap()
            .with_channel(channel)
            .unwrap()
    };
    for channel in [None, Some(0), Some(1)] {
        let streamed = analyzer.analyze(open(channel), |_, _| {}).unwrap();
        let read = ser_audio::load_beside_others(open(channel), &whole).unwrap();
        assert_eq!(read.others.is_some(), channel.is_some());
        let from_read = analyzer.analyze_audio("call.wav", &read).unwrap();
        assert!(
            !streamed.segments.is_empty(),
            "{channel:?}: no speech found"
        );
        assert_eq!(from_read.to_json(), streamed.to_json(), "{channel:?}");
    }
}

#[test]
fn cli_analyzes_each_side_of_a_call_apart() {
    // Speech on the left; on the right only its bleed, 20 dB down.
    let dir = tempfile::tempdir().unwrap();
    let call = common::temp_file(
        &dir,
        "call.wav",
        &common::syllables_on_the_left(Some(-20.0)),
    );
    let json = |args: &[&str]| {
        let out = ser_analyze(&call, args);
        common::assert_succeeded(&out);
        serde_json::from_slice::<serde_json::Value>(&out.stdout).unwrap()
    };
    let sides = json(&["--sides", "--format", "json"]);
    let sides = sides.as_array().unwrap();
    assert_eq!(sides.len(), 2);
    for (n, side) in sides.iter().enumerate() {
        // Each side as `--channel N` analyses it, naming its channel.
        let mut alone = json(&["--channel", &(n + 1).to_string(), "--format", "json"]);
        alone["channel"] = (n + 1).into();
        assert_eq!(side, &alone);
    }
    assert!(sides[0]["speech_s"].as_f64().unwrap() > 0.5, "{}", sides[0]);
    assert_eq!(sides[1]["speech_s"], 0.0);
    let csv = ser_analyze(&call, &["--sides", "--format", "csv"]);
    let csv = String::from_utf8(csv.stdout).unwrap();
    let rows: Vec<&str> = csv.lines().collect();
    assert!(rows[0].starts_with("path,channel,start_s,"), "{}", rows[0]);
    assert!(rows[1..]
        .iter()
        .any(|r| r.contains("call.wav,1,") && r.contains(",true,")));
    assert!(rows[1..].iter().any(|r| r.contains("call.wav,2,")));
    assert!(!rows[1..]
        .iter()
        .any(|r| r.contains("call.wav,2,") && r.contains(",true,")));
    let table = String::from_utf8(ser_analyze(&call, &["--sides"]).stdout).unwrap();
    assert!(
        table.contains("call.wav (channel 2): 1.0 s, 0.0 s of speech"),
        "{table}"
    );
    // Standard input can be read once only.
    let piped = Command::cargo_bin("ser")
        .unwrap()
        .args(["analyze", "-", "--sides"])
        .write_stdin(std::fs::read(&call).unwrap())
        .output()
        .unwrap();
    assert_eq!(piped.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&piped.stderr).contains("not standard input"));
}

/// `ser analyze FILE ARGS...`: its exit status and output.
fn ser_analyze(file: &Path, args: &[&str]) -> std::process::Output {
    Command::cargo_bin("ser")
        .unwrap()
        .arg("analyze")
        .arg(file)
        .args(args)
        .output()
        .unwrap()
}

#[test]
fn cli_analyzes_a_folder_as_it_analyzes_each_file_alone() {
    let Some(clips) = clips() else {
        return;
    };
    // Analysed side by side, in order, an unreadable file among them.
    let dir = tempfile::tempdir().unwrap();
    let mut files = Vec::new();
    for (name, first, second) in [("a.wav", 0, 1), ("c.wav", 2, 3), ("d.wav", 5, 6)] {
        let (path, _) = recording(&dir, name, |b| {
            b.clip(&clips[first], false)?;
            b.noise(1.0, -60.0)?;
            b.clip(&clips[second], false)
        });
        files.push(path);
    }
    let broken = common::temp_file(&dir, "b.wav", b"RIFF....WAVEnot audio");
    files.insert(1, broken);
    let out = ser_analyze(dir.path(), &["--format", "json"]);
    assert_eq!(
        out.status.code(),
        Some(2),
        "the unreadable file fails the batch"
    );
    let together: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let together = together.as_array().unwrap();
    assert_eq!(together.len(), files.len());
    for (file, row) in files.iter().zip(together) {
        let alone = ser_analyze(file, &["--format", "json"]);
        let alone: serde_json::Value = serde_json::from_slice(&alone.stdout).unwrap();
        assert_eq!(row, &alone, "{}", file.display());
    }
    assert!(together[1]["error"].is_string(), "{}", together[1]);
    assert!(together[0]["segments"].as_array().unwrap().len() >= 2);
    // CSV rows are printed as each file's analysis is ready, in the files' order: one header,
    // then each file's rows as it gives them alone.
    let csv = |path: &Path| String::from_utf8(ser_analyze(path, &["--format", "csv"]).stdout);
    let together = csv(dir.path()).unwrap();
    let mut expected = together.lines().next().unwrap().to_string() + "\n";
    for file in &files {
        expected.extend(csv(file).unwrap().lines().skip(1).map(|l| format!("{l}\n")));
    }
    assert_eq!(together, expected);
}

#[test]
fn cli_writes_json_csv_and_a_timeline_plot() {
    let Some(clips) = clips() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let (path, _) = recording(&dir, "short.wav", |b| {
        b.silence(1.0)?;
        b.clip(&clips[4], false)?;
        b.noise(1.0, -60.0)?;
        b.clip(&clips[2], false)
    });
    let plot = dir.path().join("timeline.svg");
    let out = ser_analyze(
        &path,
        &["--format", "json", "--plot", plot.to_str().unwrap()],
    );
    common::assert_succeeded(&out);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["path"], path.to_str().unwrap());
    assert_eq!(v["segments"].as_array().unwrap().len(), 2);
    for key in ["start_s", "end_s", "label", "confidence", "probabilities"] {
        assert!(v["segments"][0].get(key).is_some(), "segment lacks {key}");
    }
    assert!(v["speech_s"].as_f64().unwrap() > 2.0);
    assert!(v["summary"].as_object().unwrap().len() == 8);
    assert!(v["dominant"].is_string());
    let svg = std::fs::read_to_string(&plot).unwrap();
    assert!(svg.starts_with("<svg") && svg.contains(v["segments"][0]["label"].as_str().unwrap()));
    // The same picture as PNG.
    let png = dir.path().join("timeline.png");
    let out = ser_analyze(&path, &["--plot", png.to_str().unwrap()]);
    common::assert_succeeded(&out);
    assert!(std::fs::read(&png).unwrap().starts_with(b"\x89PNG"));

    let csv = ser_analyze(&path, &["--format", "csv"]);
    let text = String::from_utf8(csv.stdout).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines[0].starts_with("path,start_s,end_s,speech,label,confidence,neutral"));
    assert_eq!(lines.iter().filter(|l| l.contains(",true,")).count(), 2);
    assert!(lines.iter().any(|l| l.contains(",false,")));

    // A file that is not audio: exit 2, named, and no plot left behind.
    let bad = common::temp_file(&dir, "notes.wav", b"not audio at all");
    let plot2 = dir.path().join("bad.svg");
    let out = ser_analyze(&bad, &["--plot", plot2.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("notes.wav"));
    assert!(!plot2.exists());
    // In CSV beside a good file: one row of its own, with its reason in the error column.
    let out = ser_analyze(&bad, &[path.to_str().unwrap(), "--format", "csv"]);
    assert_eq!(out.status.code(), Some(2));
    let records = common::csv_records(&String::from_utf8(out.stdout).unwrap());
    assert_eq!(records[0].last().unwrap(), "error");
    assert!(records.iter().all(|r| r.len() == records[0].len()));
    let failed: Vec<&Vec<String>> = records
        .iter()
        .filter(|r| r[0].ends_with("notes.wav"))
        .collect();
    assert_eq!(failed.len(), 1);
    assert!(failed[0]
        .last()
        .unwrap()
        .contains("notes.wav: not a supported audio file"));
    assert!(failed[0][1..failed[0].len() - 1]
        .iter()
        .all(String::is_empty));
    let good = records.iter().filter(|r| r[0] == path.to_str().unwrap());
    assert!(good.clone().count() >= 3 && good.clone().all(|r| r.last().unwrap().is_empty()));
}

/// A TextGrid tier: its name and its intervals `(xmin, xmax, text)`.
type Tier = (String, Vec<(f64, f64, String)>);

/// The interval tiers of a TextGrid in Praat's long text format.
fn textgrid_tiers(grid: &str) -> Vec<Tier> {
    let value = |line: &str| line.split_once(" = ").unwrap().1.trim().to_string();
    let text = |v: String| v[1..v.len() - 1].replace("\"\"", "\"");
    let mut tiers: Vec<Tier> = Vec::new();
    let mut lines = grid.lines().map(str::trim).skip_while(|l| *l != "item []:");
    while let Some(line) = lines.next() {
        if line.starts_with("name = ") {
            tiers.push((text(value(line)), Vec::new()));
        } else if line.starts_with("intervals [") {
            let xmin = value(lines.next().unwrap()).parse().unwrap();
            let xmax = value(lines.next().unwrap()).parse().unwrap();
            let label = text(value(lines.next().unwrap()));
            tiers.last_mut().unwrap().1.push((xmin, xmax, label));
        }
    }
    tiers
}

/// `ser analyze FILE ARGS... --format json --textgrid` (written beside `file`): its JSON and
/// the TextGrid's tiers.
fn json_and_textgrid(file: &Path, args: &[&str]) -> (serde_json::Value, Vec<Tier>) {
    let grid = file.with_extension("TextGrid");
    let mut args = args.to_vec();
    args.extend(["--format", "json", "--textgrid", grid.to_str().unwrap()]);
    let out = ser_analyze(file, &args);
    common::assert_succeeded(&out);
    let json = serde_json::from_slice(&out.stdout).unwrap();
    (
        json,
        textgrid_tiers(&std::fs::read_to_string(&grid).unwrap()),
    )
}

#[test]
fn cli_writes_a_praat_textgrid_of_the_segments() {
    let Some(clips) = clips() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let (path, _) = recording(&dir, "interview.wav", |b| {
        b.silence(1.0)?;
        b.clip(&clips[4], false)?;
        b.noise(1.5, -60.0)?;
        b.clip(&clips[2], false)?;
        b.silence(0.5)
    });
    let (json, tiers) = json_and_textgrid(&path, &[]);
    assert_eq!(
        tiers.iter().map(|t| t.0.as_str()).collect::<Vec<_>>(),
        ["emotion", "confidence"]
    );
    // Each tier covers the recording, interval after interval; its labelled intervals are the
    // JSON's segments, the others the time between them.
    let duration = json["duration_s"].as_f64().unwrap();
    let segments = json["segments"].as_array().unwrap();
    assert_eq!(segments.len(), 2);
    for (name, intervals) in &tiers {
        assert_eq!(intervals.first().unwrap().0, 0.0);
        assert_eq!(intervals.last().unwrap().1, duration);
        assert!(intervals
            .windows(2)
            .all(|w| w[0].1 == w[1].0 && w[0].0 < w[0].1));
        let labelled: Vec<_> = intervals.iter().filter(|i| !i.2.is_empty()).collect();
        assert_eq!(labelled.len(), segments.len(), "{name}");
        for (interval, segment) in labelled.iter().zip(segments) {
            assert_eq!(interval.0, segment["start_s"].as_f64().unwrap());
            assert_eq!(interval.1, segment["end_s"].as_f64().unwrap());
            let expected = match name.as_str() {
                "emotion" => segment["label"].as_str().unwrap().to_string(),
                _ => format!("{:.3}", segment["confidence"].as_f64().unwrap()),
            };
            assert_eq!(interval.2, expected);
        }
    }
    // Nothing written for a file that is not audio, and one recording only.
    let bad = common::temp_file(&dir, "notes.wav", b"not audio at all");
    let grid2 = dir.path().join("bad.TextGrid");
    let out = ser_analyze(&bad, &["--textgrid", grid2.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(!grid2.exists());
    let out = ser_analyze(dir.path(), &["--textgrid", grid2.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("one recording, but 2 files"));
    assert!(!grid2.exists());
}

#[test]
fn cli_writes_a_textgrid_tier_pair_for_each_side_of_a_call() {
    let dir = tempfile::tempdir().unwrap();
    let call = common::temp_file(
        &dir,
        "call.wav",
        &common::syllables_on_the_left(Some(-20.0)),
    );
    let (sides, tiers) = json_and_textgrid(&call, &["--sides"]);
    let names: Vec<&str> = tiers.iter().map(|t| t.0.as_str()).collect();
    assert_eq!(
        names,
        [
            "emotion (channel 1)",
            "confidence (channel 1)",
            "emotion (channel 2)",
            "confidence (channel 2)"
        ]
    );
    // The speaking side's segments labelled; the other side, only its bleed, one empty interval.
    let labels: Vec<&str> = tiers[0]
        .1
        .iter()
        .map(|i| i.2.as_str())
        .filter(|t| !t.is_empty())
        .collect();
    let expected: Vec<&str> = sides[0]["segments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["label"].as_str().unwrap())
        .collect();
    assert!(!expected.is_empty());
    assert_eq!(labels, expected);
    assert_eq!(tiers[2].1.len(), 1);
    assert_eq!(tiers[2].1[0].2, "");
}
