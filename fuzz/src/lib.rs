//! What each fuzz target does with one input, shared by the targets (`fuzz_targets/`) and by
//! the replay test (`tests/fuzz_replay.rs`), which runs every committed input on stable Rust.
//! Each function must return normally for every input: an error is a fine answer, a panic, a
//! hang or a huge allocation is a bug.

use std::sync::OnceLock;

use ser_analyze::{AnalyzeOptions, Analyzer};
use ser_audio::{load_bytes, Decoder, LoadOptions};
use ser_model::EmotionModel;

fn model() -> &'static EmotionModel {
    static MODEL: OnceLock<EmotionModel> = OnceLock::new();
    MODEL.get_or_init(|| EmotionModel::bundled().expect("the bundled model loads"))
}

/// Decode → mono → resample → trim → fit → log-mel → predict, as `ser predict` does; and the
/// same bytes decoded as headerless audio, as which they are read unless a container's marker
/// opens them: files named `.vox` (Dialogic VOX) and `.g722` (G.722), and three channels of
/// big-endian samples as `--raw s16be:8000:3` tells (swapped into WAV's order; the bytes rarely
/// hold whole frames).
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
    let told = "s16be:8000:3".parse().ok();
    let headerless = [
        Decoder::from_bytes("fuzz.vox", data.to_vec()),
        Decoder::from_bytes("fuzz.g722", data.to_vec()),
        Decoder::from_bytes_as("fuzz", data.to_vec(), told),
    ];
    for mut decoder in headerless.into_iter().flatten() {
        while let Ok(Some(_)) = decoder.next_mono() {}
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
/// binary messages of up to 251 bytes, as `GET /api/v1/stream` receives them. Each window the
/// session hands out is heard as the server hears it (hum removal, the speech check, the
/// prediction of speech), whatever its level.
pub fn stream(data: &[u8]) {
    use ser_serve::stream::{decode_pcm, hear_window, parse_header, LiveWindow};
    let split = data.iter().position(|&b| b == b'\n').unwrap_or(data.len());
    let Ok(text) = std::str::from_utf8(&data[..split]) else {
        return;
    };
    let Ok(header) = parse_header(text) else {
        return;
    };
    let m = model();
    let audio = &m.config().audio;
    let clip = audio
        .window_len()
        .expect("the bundled model has a clip length");
    let mut live = LiveWindow::new(header.sample_rate, audio);
    let mut last_t = 0.0;
    let pcm = data.get(split + 1..).unwrap_or_default();
    for message in pcm.chunks(251) {
        let Ok(mono) = decode_pcm(message, &header) else {
            continue;
        };
        assert!(mono.iter().all(|v| v.is_finite()));
        if let Some((window, t_s)) = live.push(&mono) {
            assert!(window.len() <= clip, "a window longer than a clip");
            assert!(t_s > last_t, "events out of order");
            last_t = t_s;
            if let (_, Some(p)) = hear_window(m, window.to_vec()) {
                assert!(p.confidence.is_finite(), "non-finite prediction");
            }
        }
    }
}
