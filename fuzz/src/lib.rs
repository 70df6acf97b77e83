//! What each fuzz target does with one input, shared by the targets (`fuzz_targets/`) and by
//! the replay test (`tests/fuzz_replay.rs`), which runs every committed input on stable Rust.
//! Each function must return normally for every input: an error is a fine answer, a panic, a
//! hang or a huge allocation is a bug.

use std::sync::OnceLock;

use ser_analyze::{AnalyzeOptions, Analyzer};
use ser_audio::{load_bytes, LoadOptions};
use ser_model::EmotionModel;

fn model() -> &'static EmotionModel {
    static MODEL: OnceLock<EmotionModel> = OnceLock::new();
    MODEL.get_or_init(|| EmotionModel::bundled().expect("the bundled model loads"))
}

/// Decode → mono → resample → trim → fit → log-mel → predict, as `ser predict` does.
pub fn ingest(data: &[u8]) {
    let m = model();
    let opts = LoadOptions {
        max_duration_s: 60.0,
        ..m.config().audio.clone()
    };
    if let Ok(audio) = load_bytes("fuzz", data.to_vec(), &opts) {
        let p = m.predict_clips(&[audio.samples]).remove(0);
        assert!(p.confidence.is_finite(), "non-finite prediction");
    }
}

/// The long-recording analysis of an uploaded file, as `POST /api/v1/analyze` does; where it
/// succeeds, the analysis of the same file read whole (as `POST /api/v1/report` reads it) must
/// be the same.
pub fn analyze(data: &[u8]) {
    let limit_s = 60.0;
    let options = AnalyzeOptions {
        max_duration_s: limit_s,
        ..AnalyzeOptions::default()
    };
    let analyzer = Analyzer::new(model(), options).expect("default options are valid");
    if let Ok(a) = analyzer.analyze_bytes("fuzz", data.to_vec()) {
        assert!(a.speech_s <= a.duration_s + 1e-6, "more speech than audio");
        for s in &a.segments {
            assert!(s.start_s <= s.end_s, "segment ends before it starts");
            assert!(s.prediction.confidence.is_finite(), "non-finite prediction");
        }
        let whole = LoadOptions {
            max_duration_s: limit_s,
            ..model().config().audio.unshaped()
        };
        let read = load_bytes("fuzz", data.to_vec(), &whole).expect("analysed, so readable whole");
        let b = analyzer
            .analyze_audio("fuzz", &read)
            .expect("streamed, so analysable whole");
        assert_eq!(a.to_json(), b.to_json(), "read whole, analysed otherwise");
    }
}

/// A live-mode session's messages: the first line is the JSON header, the rest is PCM cut into
/// binary messages of up to 251 bytes, as `GET /api/v1/stream` receives them.
pub fn stream(data: &[u8]) {
    let split = data.iter().position(|&b| b == b'\n').unwrap_or(data.len());
    let Ok(text) = std::str::from_utf8(&data[..split]) else {
        return;
    };
    let Ok(header) = ser_serve::stream::parse_header(text) else {
        return;
    };
    let pcm = data.get(split + 1..).unwrap_or_default();
    for message in pcm.chunks(251) {
        if let Ok(mono) = ser_serve::stream::decode_pcm(message, &header) {
            assert!(mono.iter().all(|v| v.is_finite()));
        }
    }
}
