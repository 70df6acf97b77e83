//! Features match librosa on real RAVDESS clips when both start from the same 16 kHz samples.
//!
//! The references were computed by librosa (tools/make_fixtures.py, version in the manifest)
//! from samples that ser's own ingest produced; a checksum tells a changed ingest apart from a
//! feature mismatch.

mod common;

use ndarray::Array2;
use ndarray_npy::read_npy;
use ser_audio::{load, trim_silence, LoadOptions, TrimParams};
use ser_features::{mel_filterbank, DbReference, Extractor, FeatureParams, PadMode};
use serde_json::Value;

fn manifest() -> Value {
    common::read_json(&common::fixture("librosa/manifest.json"))
}

fn reference(name: &str) -> Array2<f32> {
    read_npy(common::fixture("librosa").join(name)).unwrap()
}

/// Builds ser's parameters from the fixture script's description of a librosa call.
fn params_of(p: &Value) -> FeatureParams {
    FeatureParams {
        sample_rate: p["sr"].as_u64().unwrap() as u32,
        n_fft: p["n_fft"].as_u64().unwrap() as usize,
        win_length: p["win_length"].as_u64().unwrap() as usize,
        hop_length: p["hop_length"].as_u64().unwrap() as usize,
        n_mels: p["n_mels"].as_u64().unwrap() as usize,
        fmin: p["fmin"].as_f64().unwrap() as f32,
        fmax: p["fmax"].as_f64().unwrap() as f32,
        power: 2.0,
        center: p["center"].as_bool().unwrap(),
        pad_mode: match p["pad_mode"].as_str().unwrap() {
            "reflect" => PadMode::Reflect,
            _ => PadMode::Constant,
        },
        db_ref: match &p["ref"] {
            Value::String(_) => DbReference::Max,
            v => DbReference::Fixed(v.as_f64().unwrap() as f32),
        },
        amin: 1e-10,
        top_db: p["top_db"].as_f64().map(|t| t as f32),
    }
}

fn max_abs_diff(a: &Array2<f32>, b: &Array2<f32>) -> f32 {
    assert_eq!(a.dim(), b.dim(), "shapes differ");
    a.iter()
        .zip(b)
        .map(|(x, y)| (x - y).abs())
        .fold(0.0, f32::max)
}

#[test]
fn mel_filterbank_matches_librosa_within_1e6() {
    for fb in manifest()["filterbanks"].as_array().unwrap() {
        let ours = mel_filterbank(
            fb["sr"].as_u64().unwrap() as u32,
            fb["n_fft"].as_u64().unwrap() as usize,
            fb["n_mels"].as_u64().unwrap() as usize,
            fb["fmin"].as_f64().unwrap() as f32,
            fb["fmax"].as_f64().unwrap() as f32,
        );
        let expected = reference(fb["file"].as_str().unwrap());
        let ours =
            Array2::from_shape_vec(expected.dim(), ours.into_iter().flatten().collect()).unwrap();
        let diff = max_abs_diff(&ours, &expected);
        assert!(diff <= 1e-6, "{}: max |diff| {diff:e}", fb["file"]);
    }
}

#[test]
fn log_mel_mfcc_and_trim_match_librosa_on_real_clips() {
    let Some(data) = common::data_dir() else {
        return;
    };
    let manifest = manifest();
    let clips = manifest["clips"].as_array().unwrap();
    assert!(clips.len() >= 10);
    let extractors: Vec<(String, Extractor)> = manifest["params"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(name, p)| (name.clone(), Extractor::new(params_of(p)).unwrap()))
        .collect();
    for case in clips {
        let clip = case["clip"].as_str().unwrap();
        let audio = load(data.join(clip), &LoadOptions::default()).unwrap();
        let y = &audio.samples;
        let sum_abs: f64 = y.iter().map(|v| v.abs() as f64).sum();
        assert_eq!(
            y.len() as u64,
            case["n_samples"].as_u64().unwrap(),
            "{clip}"
        );
        assert!(
            (sum_abs - case["sum_abs"].as_f64().unwrap()).abs() < 1e-3,
            "{clip}: ingest output changed since the fixtures were made; rerun tools/make_fixtures.py"
        );
        for (name, extractor) in &extractors {
            let Some(file) = case["log_mel"][name].as_str() else {
                continue;
            };
            let diff = max_abs_diff(&extractor.log_mel(y), &reference(file));
            assert!(diff <= 0.01, "{clip} [{name}]: max |diff| {diff} dB");
        }
        if let Some(file) = case["mfcc20"].as_str() {
            let diff = max_abs_diff(
                &extractors_default(&extractors).mfcc(y, 20),
                &reference(file),
            );
            assert!(diff <= 0.01, "{clip} MFCC: max |diff| {diff}");
        }
        for (top_db, range) in case["trim"].as_object().unwrap() {
            let params = TrimParams {
                top_db: top_db.parse().unwrap(),
                ..TrimParams::default()
            };
            let r = trim_silence(y, &params);
            let expected = [range[0].as_u64().unwrap(), range[1].as_u64().unwrap()];
            assert_eq!(
                [r.start as u64, r.end as u64],
                expected,
                "{clip} trim top_db={top_db}"
            );
        }
    }
}

fn extractors_default(extractors: &[(String, Extractor)]) -> &Extractor {
    &extractors.iter().find(|(n, _)| n == "default").unwrap().1
}

/// `ser features --mfcc 20` saves what `librosa.feature.mfcc(n_mfcc=20)` gives for the clip,
/// and says so beside it; more coefficients than mel bands are refused.
#[test]
fn ser_features_saves_librosa_mfccs() {
    let Some(data) = common::data_dir() else {
        return;
    };
    let manifest = manifest();
    let dir = tempfile::tempdir().unwrap();
    let ser = || std::process::Command::new(env!("CARGO_BIN_EXE_ser"));
    let cases = manifest["clips"].as_array().unwrap().iter();
    let with_mfcc: Vec<&Value> = cases.filter(|c| c["mfcc20"].is_string()).take(2).collect();
    assert!(!with_mfcc.is_empty(), "no MFCC fixture");
    for case in with_mfcc {
        let out = dir.path().join("mfcc.npy");
        let run = ser()
            .args(["features", "--mfcc", "20", "--out"])
            .arg(&out)
            .arg(data.join(case["clip"].as_str().unwrap()))
            .output()
            .unwrap();
        common::assert_succeeded(&run);
        let saved: Array2<f32> = read_npy(&out).unwrap();
        let expected = reference(case["mfcc20"].as_str().unwrap());
        assert_eq!(saved.dim(), expected.dim());
        let diff = max_abs_diff(&saved, &expected);
        assert!(diff <= 0.01, "{}: max |diff| {diff}", case["clip"]);
        let sidecar = common::read_json(&out.with_extension("json"));
        assert_eq!(sidecar["kind"], "mfcc");
        assert_eq!(sidecar["shape"][0], 20);
    }
    let refused = ser()
        .args(["features", "--mfcc", "65", "--out"])
        .arg(dir.path().join("x.npy"))
        .arg(common::fixture("speechlike.wav"))
        .output()
        .unwrap();
    assert_eq!(refused.status.code(), Some(2));
    let message = String::from_utf8_lossy(&refused.stderr);
    assert!(message.contains("at most 64"), "{message}");
}
