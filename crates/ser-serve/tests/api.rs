//! Every route and every error of the API, against the bundled model.

use std::path::PathBuf;
use std::sync::Arc;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use futures_util::{SinkExt, StreamExt};
use http_body_util::BodyExt;
use ser_model::EmotionModel;
use ser_serve::{router, Limits, ModelInfo};
use serde_json::Value;
use tokio_tungstenite::tungstenite::Message;
use tower::ServiceExt;

fn fixture(rel: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures")
        .join(rel)
}

fn app(limits: Limits) -> axum::Router {
    app_of(EmotionModel::bundled().unwrap(), limits)
}

fn app_of(model: EmotionModel, limits: Limits) -> axum::Router {
    let model = Arc::new(model);
    let info = ModelInfo {
        name: "bundled".into(),
        card: Some(ser_model::MODEL_CARD.into()),
        metrics: serde_json::from_str(ser_model::METRICS).ok(),
    };
    router(model, info, limits)
}

async fn call(app: axum::Router, req: Request<Body>) -> (StatusCode, Vec<u8>) {
    let res = app.oneshot(req).await.unwrap();
    let status = res.status();
    (
        status,
        res.into_body().collect().await.unwrap().to_bytes().to_vec(),
    )
}

fn post(uri: &str, body: Vec<u8>) -> Request<Body> {
    Request::post(uri).body(Body::from(body)).unwrap()
}

fn json(bytes: &[u8]) -> Value {
    serde_json::from_slice(bytes).unwrap()
}

/// A 0.25 s 16-bit stereo WAV of a 440 Hz tone (a committed synthetic fixture).
fn tone_wav() -> Vec<u8> {
    std::fs::read(fixture("formats/pcm_s16.wav")).unwrap()
}

/// One second of synthetic syllables, which the speech check takes for speech (a tone it
/// refuses).
fn speech_wav() -> Vec<u8> {
    std::fs::read(fixture("speechlike.wav")).unwrap()
}

/// The tone fixture with every sample zero: a valid recording of digital silence.
fn silent_wav() -> Vec<u8> {
    let mut wav = tone_wav();
    let samples = wav.windows(4).position(|w| w == b"data").unwrap() + 8;
    wav[samples..].fill(0);
    wav
}

#[tokio::test]
async fn a_model_answering_with_four_labels_reports_only_those() {
    let four: Vec<String> = ["angry", "happy", "neutral", "sad"]
        .map(String::from)
        .to_vec();
    let model = EmotionModel::bundled()
        .unwrap()
        .answering_only(&four)
        .unwrap();
    let app = app_of(model, Limits::default());
    let request = Request::get("/api/v1/model").body(Body::empty()).unwrap();
    let (s, b) = call(app.clone(), request).await;
    assert_eq!(s, StatusCode::OK);
    // In the model's order, as its outputs come.
    assert_eq!(
        json(&b)["labels"],
        serde_json::json!(["neutral", "happy", "sad", "angry"])
    );
    assert_eq!(json(&b)["colours"].as_array().unwrap().len(), 4);
    let (s, b) = call(app, post("/api/v1/predict", speech_wav())).await;
    assert_eq!(s, StatusCode::OK);
    let v = json(&b);
    let probs = v["probabilities"].as_object().unwrap();
    let mut keys: Vec<&str> = probs.keys().map(String::as_str).collect();
    keys.sort();
    assert_eq!(keys, ["angry", "happy", "neutral", "sad"]);
    let sum: f64 = probs.values().map(|p| p.as_f64().unwrap()).sum();
    assert!((sum - 1.0).abs() < 1e-5, "{sum}");
    assert!(
        four.contains(&v["label"].as_str().unwrap().to_string()),
        "{v}"
    );
}

#[tokio::test]
async fn a_voice_message_in_opus_gets_the_emotion_of_its_original() {
    // The syllables fixture as libopus encodes a voice message (24 kbit/s, Ogg).
    let opus = std::fs::read(fixture("formats/speechlike.opus")).unwrap();
    let (status, body) = call(app(Limits::default()), post("/api/v1/predict", opus)).await;
    assert_eq!(status, StatusCode::OK, "{}", String::from_utf8_lossy(&body));
    let (_, original) = call(
        app(Limits::default()),
        post("/api/v1/predict", speech_wav()),
    )
    .await;
    assert_eq!(json(&body)["label"], json(&original)["label"]);
}

/// A call recorded per speaker: the syllables on the left, and on the right their bleed at
/// `1 / bleed_divisor` of their amplitude (`None`: silence), as a canonical stereo WAV.
/// The samples of [`speech_wav`] (16-bit, 16 kHz, mono).
fn speech_wav_samples() -> Vec<i16> {
    let mono = speech_wav();
    let samples = &mono[mono.windows(4).position(|w| w == b"data").unwrap() + 8..];
    samples
        .chunks_exact(2)
        .map(|s| i16::from_le_bytes([s[0], s[1]]))
        .collect()
}

fn stereo_call(bleed_divisor: Option<i16>) -> Vec<u8> {
    let left = speech_wav_samples();
    let right = left
        .iter()
        .map(|s| bleed_divisor.map_or(0, |d| s / d))
        .collect();
    wav_16k(&[left, right])
}

/// A 16-bit 16 kHz WAV of `channels` (each a channel's samples, all as long), in the extensible
/// format where there are more than two, as recorders write them.
fn wav_16k(channels: &[Vec<i16>]) -> Vec<u8> {
    let n = channels.len() as u16;
    let data: Vec<u8> = (0..channels[0].len())
        .flat_map(|i| channels.iter().map(move |c| c[i]))
        .flat_map(i16::to_le_bytes)
        .collect();
    let extensible = n > 2;
    let mut fmt = vec![];
    fmt.extend(if extensible { 0xFFFEu16 } else { 1 }.to_le_bytes());
    fmt.extend(n.to_le_bytes());
    fmt.extend(16_000u32.to_le_bytes());
    fmt.extend((16_000 * 2 * n as u32).to_le_bytes());
    fmt.extend((2 * n).to_le_bytes());
    fmt.extend(16u16.to_le_bytes());
    if extensible {
        // 22 bytes follow: valid bits, a channel mask of the first n speaker positions, and
        // the PCM sub-format's GUID.
        fmt.extend(22u16.to_le_bytes());
        fmt.extend(16u16.to_le_bytes());
        fmt.extend(((1u32 << n) - 1).to_le_bytes());
        fmt.extend(b"\x01\0\0\0\0\0\x10\0\x80\0\0\xAA\x00\x38\x9B\x71");
    }
    let mut wav = b"RIFF".to_vec();
    wav.extend((4 + 8 + fmt.len() as u32 + 8 + data.len() as u32).to_le_bytes());
    wav.extend(b"WAVEfmt ");
    wav.extend((fmt.len() as u32).to_le_bytes());
    wav.extend(fmt);
    wav.extend(b"data");
    wav.extend((data.len() as u32).to_le_bytes());
    wav.extend(data);
    wav
}

#[tokio::test]
async fn one_side_of_a_stereo_call_is_heard_alone() {
    let stereo = stereo_call(None);
    let ask = |uri: &str| call(app(Limits::default()), post(uri, stereo.clone()));
    let (status, body) = ask("/api/v1/predict?channel=1").await;
    assert_eq!(status, StatusCode::OK, "{}", String::from_utf8_lossy(&body));
    let (status, _) = ask("/api/v1/predict?channel=2").await;
    assert_eq!(
        status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "the right side is silent"
    );
    let (status, body) = ask("/api/v1/analyze?channel=2").await;
    assert_eq!(
        (status, json(&body)["speech_s"].as_f64()),
        (StatusCode::OK, Some(0.0))
    );
    for endpoint in ["predict", "analyze", "spectrogram", "report"] {
        for bad in ["0", "3"] {
            let (status, body) = ask(&format!("/api/v1/{endpoint}?channel={bad}")).await;
            assert_eq!(status, StatusCode::BAD_REQUEST, "{endpoint}, channel {bad}");
            assert!(json(&body)["error"].as_str().unwrap().contains("channel"));
        }
    }
    let (status, png) = ask("/api/v1/spectrogram?channel=1").await;
    assert_eq!((status, &png[1..4]), (StatusCode::OK, &b"PNG"[..]));

    // The left voice bleeding into the right side 20 dB down is not the right side's speech.
    let bleeding = stereo_call(Some(10));
    // Each side analysed on its own in one report, as /analyze?channel=N analyses it.
    let (status, body) = call(
        app(Limits::default()),
        post("/api/v1/report?sides=true", bleeding.clone()),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{}", String::from_utf8_lossy(&body));
    let sides = json(&body)["sides"].as_array().unwrap().clone();
    assert_eq!(sides.len(), 2);
    for (n, side) in sides.iter().enumerate() {
        let uri = format!("/api/v1/analyze?channel={}", n + 1);
        let (_, alone) = call(app(Limits::default()), post(&uri, bleeding.clone())).await;
        let mut alone = json(&alone);
        alone["channel"] = (n + 1).into();
        assert_eq!(side, &alone, "side {}", n + 1);
    }
    assert!(sides[0]["speech_s"].as_f64().unwrap() > 0.5);
    assert_eq!(sides[1]["speech_s"], 0.0);
    let (status, _) = call(
        app(Limits::default()),
        post("/api/v1/report?sides=maybe", bleeding.clone()),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    // A report of one side still analyses every side.
    let (status, body) = call(
        app(Limits::default()),
        post("/api/v1/report?channel=1&sides=true", bleeding.clone()),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{}", String::from_utf8_lossy(&body));
    assert_eq!(json(&body)["sides"], Value::Array(sides));
    // Ten channels are more sides than a report analyses; the mix of them is still reported.
    let voice = wav_16k(&[speech_wav_samples()]);
    let ten = wav_16k(&vec![speech_wav_samples(); 10]);
    let (status, body) = call(
        app(Limits::default()),
        post("/api/v1/report?sides=true", ten.clone()),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        json(&body)["error"]
            .as_str()
            .unwrap()
            .contains("10 channels"),
        "{}",
        String::from_utf8_lossy(&body)
    );
    let (status, body) = call(app(Limits::default()), post("/api/v1/report", ten)).await;
    assert_eq!(status, StatusCode::OK, "{}", String::from_utf8_lossy(&body));
    let (_, alone) = call(app(Limits::default()), post("/api/v1/report", voice)).await;
    let (mixed, alone) = (&json(&body)["prediction"], &json(&alone)["prediction"]);
    assert_eq!(mixed["label"], alone["label"]);
    let confidence = |p: &Value| p["confidence"].as_f64().unwrap();
    assert!((confidence(mixed) - confidence(alone)).abs() < 1e-4);
    for endpoint in ["predict", "report"] {
        let uri = format!("/api/v1/{endpoint}?channel=2");
        let (status, body) = call(app(Limits::default()), post(&uri, bleeding.clone())).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{endpoint}");
        assert!(json(&body)["error"].as_str().unwrap().contains("bleeding"));
    }
}

#[tokio::test]
async fn a_report_gives_the_three_answers_of_one_upload() {
    use base64::prelude::{Engine as _, BASE64_STANDARD};
    let ask = |uri: &str, body: Vec<u8>| call(app(Limits::default()), post(uri, body));
    let (status, report) = ask("/api/v1/report?window=2&hop=0.5", speech_wav()).await;
    assert_eq!(
        status,
        StatusCode::OK,
        "{}",
        String::from_utf8_lossy(&report)
    );
    let report = json(&report);
    let (_, predicted) = ask("/api/v1/predict", speech_wav()).await;
    assert_eq!(report["prediction"], json(&predicted));
    let (_, analysed) = ask("/api/v1/analyze?window=2&hop=0.5", speech_wav()).await;
    assert_eq!(report["analysis"], json(&analysed));
    let (_, png) = ask("/api/v1/spectrogram", speech_wav()).await;
    let encoded = report["spectrogram_png"].as_str().unwrap();
    assert_eq!(BASE64_STANDARD.decode(encoded).unwrap(), png);

    // Refused as /predict refuses: no sound, not audio; bad options before the upload.
    for body in [silent_wav(), b"not audio".to_vec()] {
        let (want_status, want) = ask("/api/v1/predict", body.clone()).await;
        let (status, got) = ask("/api/v1/report", body).await;
        assert_eq!((status, json(&got)), (want_status, json(&want)));
        assert!(status.is_client_error(), "{status}");
    }
    let (status, out) = ask("/api/v1/report?window=2&hop=5", speech_wav()).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        json(&out)["error"].as_str().unwrap().contains("hop"),
        "{}",
        json(&out)
    );
}

/// The report's waveform is that of the audio as the server read it, which the page draws
/// whatever the format: 800 columns of a 1 s clip, with the clip's extremes, and of the channel
/// chosen or of the mix.
#[tokio::test]
async fn a_report_gives_the_waveform_of_what_it_read() {
    let ask = |uri: &str, body: Vec<u8>| call(app(Limits::default()), post(uri, body));
    let waveform = |report: &[u8]| -> Vec<(f64, f64)> {
        json(report)["waveform"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| (p[0].as_f64().unwrap(), p[1].as_f64().unwrap()))
            .collect()
    };
    let top = |w: &[(f64, f64)]| w.iter().map(|p| p.1).fold(f64::MIN, f64::max);
    let bottom = |w: &[(f64, f64)]| w.iter().map(|p| p.0).fold(f64::MAX, f64::min);
    let (status, report) = ask("/api/v1/report", speech_wav()).await;
    assert_eq!(status, StatusCode::OK);
    let mono = waveform(&report);
    assert_eq!(mono.len(), 800, "16000 samples, 20 a column");
    assert!(mono.iter().all(|(low, high)| low <= high));
    let unshaped = EmotionModel::bundled().unwrap().config().audio.unshaped();
    let read = ser_audio::load_bytes("speech.wav", speech_wav(), &unshaped)
        .unwrap()
        .samples;
    let high = read.iter().copied().fold(f32::MIN, f32::max) as f64;
    let low = read.iter().copied().fold(f32::MAX, f32::min) as f64;
    assert!(
        (top(&mono) - high).abs() <= 1e-4,
        "{} against {high}",
        top(&mono)
    );
    assert!(
        (bottom(&mono) - low).abs() <= 1e-4,
        "{} against {low}",
        bottom(&mono)
    );
    // A call's left side is the clip; both sides mixed, with the right at a quarter of it,
    // (1 + 1/4) / 2 of it.
    let call = stereo_call(Some(4));
    let (_, left) = ask("/api/v1/report?channel=1", call.clone()).await;
    assert_eq!(waveform(&left), mono);
    let (_, mixed) = ask("/api/v1/report", call).await;
    let ratio = top(&waveform(&mixed)) / top(&mono);
    assert!((ratio - 0.625).abs() < 0.01, "{ratio}");
}

/// `/api/v1/audio` gives back the upload as every answer hears it, as WAV a browser plays: a
/// VOX call (which no browser decodes) at the model's rate, its samples those the server reads,
/// and one side of a call alone.
#[tokio::test]
async fn audio_gives_back_the_upload_as_read() {
    let ask = |uri: &str, body: Vec<u8>| call(app(Limits::default()), post(uri, body));
    // The WAV's own samples, as a browser plays them.
    let played = |wav: &[u8]| {
        let mut decoder = ser_audio::Decoder::from_bytes("back.wav", wav.to_vec()).unwrap();
        let info = decoder.info().clone();
        let mut samples = Vec::new();
        while let Some(piece) = decoder.next_mono().unwrap() {
            samples.extend_from_slice(piece);
        }
        (info, samples)
    };
    let unshaped = EmotionModel::bundled().unwrap().config().audio.unshaped();
    let vox = std::fs::read(fixture("formats/speechlike.vox")).unwrap();
    let (status, wav) = ask("/api/v1/audio?raw=vox:6000", vox.clone()).await;
    assert_eq!(status, StatusCode::OK);
    let (info, back) = played(&wav);
    assert_eq!((info.sample_rate, info.channels), (unshaped.sample_rate, 1));
    let told = "vox:6000".parse().unwrap();
    let decoder = ser_audio::Decoder::from_bytes_as("call", vox, Some(told)).unwrap();
    let read = ser_audio::load_from(decoder, &unshaped).unwrap().samples;
    assert_eq!(back.len(), read.len());
    assert_eq!(
        read.len(),
        (8000 * 16_000usize).div_ceil(6000),
        "8000 codes at 6 kHz"
    );
    let worst = back
        .iter()
        .zip(&read)
        .map(|(a, b)| (a - b).abs())
        .fold(0.0, f32::max);
    assert!(worst <= 0.5 / 32768.0, "{worst}");
    // An HD-voice call's bare G.722 codes, told so: a second at 16 kHz, as ser reads them; told
    // at a rate G.722 never has, refused with the reason.
    let g722 = std::fs::read(fixture("formats/speechlike.g722")).unwrap();
    let (status, wav) = ask("/api/v1/audio?raw=g722", g722.clone()).await;
    assert_eq!(status, StatusCode::OK);
    let told = Some("g722".parse().unwrap());
    let decoder = ser_audio::Decoder::from_bytes_as("call", g722.clone(), told).unwrap();
    let read = ser_audio::load_from(decoder, &unshaped).unwrap().samples;
    assert_eq!((played(&wav).1.len(), read.len()), (16_000, 16_000));
    // So too when its media type tells it, with the clock rate RTP gives G.722 (RFC 3551).
    let sent_typed = typed("/api/v1/audio", "audio/G722; rate=8000", g722.clone());
    let (status, typed_wav) = call(app(Limits::default()), sent_typed).await;
    assert_eq!((status, typed_wav), (StatusCode::OK, wav));
    let (status, why) = ask("/api/v1/audio?raw=g722:8000", g722).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(String::from_utf8_lossy(&why).contains("16000 Hz"));
    // A call's left side alone, the speech, and not the mix with the right at a quarter.
    let call_wav = stereo_call(Some(4));
    let (_, left) = ask("/api/v1/audio?channel=1", call_wav.clone()).await;
    let (_, mixed) = ask("/api/v1/audio", call_wav).await;
    let peak = |wav: &[u8]| played(wav).1.iter().fold(0.0f32, |m, x| m.max(x.abs()));
    let ratio = peak(&mixed) / peak(&left);
    assert!((ratio - 0.625).abs() < 0.01, "{ratio}");
    // Refused as the other answers refuse what is not audio.
    let (status, _) = ask("/api/v1/audio", b"not audio".to_vec()).await;
    assert_eq!(status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
}

#[tokio::test]
async fn predict_raw_and_multipart() {
    let (status, body) = call(
        app(Limits::default()),
        post("/api/v1/predict", speech_wav()),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let v = json(&body);
    let probs = v["probabilities"].as_object().unwrap();
    assert_eq!(probs.len(), 8);
    let sum: f64 = probs.values().map(|p| p.as_f64().unwrap()).sum();
    assert!((sum - 1.0).abs() < 1e-4);
    assert_eq!(
        v["probabilities"][v["label"].as_str().unwrap()],
        v["confidence"]
    );
    assert!((v["duration_s"].as_f64().unwrap() - 1.0).abs() < 1e-3);
    assert_eq!(v["model"], "bundled");

    let req = multipart("/api/v1/predict", "a.wav", speech_wav());
    let (status, body2) = call(app(Limits::default()), req).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(json(&body2)["label"], v["label"]);
}

/// A form upload of `bytes` as the file `filename`, as the web page sends one.
fn multipart(uri: &str, filename: &str, bytes: Vec<u8>) -> Request<Body> {
    let boundary = "XBOUNDARYX";
    let mut form = format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{filename}\"\r\nContent-Type: application/octet-stream\r\n\r\n").into_bytes();
    form.extend(bytes);
    form.extend(format!("\r\n--{boundary}--\r\n").into_bytes());
    Request::post(uri)
        .header(
            "content-type",
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(Body::from(form))
        .unwrap()
}

#[tokio::test]
async fn a_dialogic_vox_call_is_predicted_by_its_file_name() {
    // Headerless OKI ADPCM: its name is all that tells it, so a form upload, which keeps the
    // file's name, is read; a bare body of the same bytes is no audio ser knows.
    let vox = std::fs::read(fixture("formats/speechlike.vox")).unwrap();
    let decoded = std::fs::read(fixture("formats/speechlike.vox.ref.wav")).unwrap();
    let req = multipart("/api/v1/predict", "call 0412.vox", vox.clone());
    let (status, body) = call(app(Limits::default()), req).await;
    assert_eq!(status, StatusCode::OK, "{}", String::from_utf8_lossy(&body));
    let (_, reference) = call(app(Limits::default()), post("/api/v1/predict", decoded)).await;
    assert_eq!(
        json(&body)["probabilities"],
        json(&reference)["probabilities"]
    );
    // A bare body has no name: it is VOX where the query says so, and refused, saying how
    // headerless audio is read, where nothing does.
    let told = post("/api/v1/predict?raw=vox", vox.clone());
    let (status, body) = call(app(Limits::default()), told).await;
    assert_eq!(status, StatusCode::OK, "{}", String::from_utf8_lossy(&body));
    assert_eq!(
        json(&body)["probabilities"],
        json(&reference)["probabilities"]
    );
    let (status, body) = call(app(Limits::default()), post("/api/v1/predict", vox)).await;
    assert_eq!(status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let error = json(&body)["error"].as_str().unwrap().to_string();
    assert!(
        error.contains("not a supported audio file") && error.contains("Dialogic VOX audio named"),
        "{error}"
    );
}

/// A request of `body` whose `Content-Type` is `media_type`.
fn typed(uri: &str, media_type: &str, body: Vec<u8>) -> Request<Body> {
    Request::post(uri)
        .header("content-type", media_type)
        .body(Body::from(body))
        .unwrap()
}

#[tokio::test]
async fn headerless_samples_are_read_as_their_media_type_or_the_query_says() {
    // Telephony APIs send bare samples, their format in the media type (audio/L16: big-endian,
    // RFC 2586): the prediction of the same samples in WAV.
    let samples = speech_wav_samples();
    let big_endian: Vec<u8> = samples.iter().flat_map(|s| s.to_be_bytes()).collect();
    let little_endian: Vec<u8> = samples.iter().flat_map(|s| s.to_le_bytes()).collect();
    let (_, reference) = call(
        app(Limits::default()),
        post("/api/v1/predict", speech_wav()),
    )
    .await;
    for req in [
        typed(
            "/api/v1/predict",
            "audio/L16; rate=16000",
            big_endian.clone(),
        ),
        post("/api/v1/predict?raw=s16le:16000", little_endian.clone()),
        // What the query says wins over the media type.
        typed(
            "/api/v1/predict?raw=s16be:16000",
            "audio/basic",
            big_endian.clone(),
        ),
    ] {
        let (status, body) = call(app(Limits::default()), req).await;
        assert_eq!(status, StatusCode::OK, "{}", String::from_utf8_lossy(&body));
        assert_eq!(
            json(&body)["probabilities"],
            json(&reference)["probabilities"]
        );
    }
    for (req, want, why) in [
        (
            typed("/api/v1/predict", "audio/L16", big_endian.clone()),
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "must say its rate",
        ),
        (
            post("/api/v1/predict?raw=mp3", little_endian.clone()),
            StatusCode::BAD_REQUEST,
            "no coding of headerless audio",
        ),
        (
            post("/api/v1/predict", little_endian),
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "not a supported audio file",
        ),
    ] {
        let (status, body) = call(app(Limits::default()), req).await;
        assert_eq!(status, want);
        let error = json(&body)["error"].as_str().unwrap().to_string();
        assert!(error.contains(why), "{error}");
    }
    // A WAV file sent as audio/basic is a WAV file.
    let mislabelled = typed("/api/v1/predict", "audio/basic", speech_wav());
    let (status, body) = call(app(Limits::default()), mislabelled).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        json(&body)["probabilities"],
        json(&reference)["probabilities"]
    );
}

#[tokio::test]
async fn errors_are_json_with_the_right_status() {
    let cases: Vec<(Vec<u8>, StatusCode, &str)> = vec![
        (
            b"definitely not audio".to_vec(),
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "not a supported audio file",
        ),
        (Vec::new(), StatusCode::BAD_REQUEST, "empty"),
        (
            tone_wav()[..100].to_vec(),
            StatusCode::BAD_REQUEST,
            "truncated",
        ),
        (
            silent_wav(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "no sound to classify: every sample is zero",
        ),
        (
            tone_wav(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "no speech found",
        ),
    ];
    for (body, want, text) in cases {
        let (status, out) = call(app(Limits::default()), post("/api/v1/predict", body)).await;
        assert_eq!(status, want);
        assert!(
            json(&out)["error"].as_str().unwrap().contains(text),
            "{:?}",
            String::from_utf8_lossy(&out)
        );
    }
    let small = Limits {
        max_body_bytes: 1000,
        ..Limits::default()
    };
    let (status, out) = call(app(small), post("/api/v1/predict", tone_wav())).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(json(&out)["error"].is_string());
    let (status, out) = call(
        app(Limits::default()),
        Request::get("/nope").body(Body::empty()).unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(json(&out)["error"].is_string());
}

#[tokio::test]
async fn model_health_page_openapi_spectrogram() {
    let get = |uri: &str| Request::get(uri).body(Body::empty()).unwrap();
    let (s, b) = call(app(Limits::default()), get("/healthz")).await;
    assert_eq!(
        (s, json(&b)["status"].as_str()),
        (StatusCode::OK, Some("ok"))
    );
    let (s, b) = call(app(Limits::default()), get("/api/v1/model")).await;
    assert_eq!(s, StatusCode::OK);
    let m = json(&b);
    assert_eq!(m["labels"].as_array().unwrap().len(), 8);
    // The page colours labels as the CLI's charts do: one colour per label, all distinct.
    let colours: Vec<&str> = m["colours"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap())
        .collect();
    assert_eq!(colours.len(), 8);
    assert_eq!(colours[4], ser_plot::label_colour(4));
    assert_eq!(
        colours
            .iter()
            .collect::<std::collections::BTreeSet<_>>()
            .len(),
        8
    );
    assert_eq!(m["features"]["n_mels"], 64);
    assert!(m["temperature"].as_f64().is_some_and(|t| t > 0.0), "{m}");
    assert_eq!(m["members"], 1, "the bundled model is one network");
    assert!(m["card"].as_str().unwrap().contains("Model card"));
    let (s, b) = call(app(Limits::default()), get("/")).await;
    assert_eq!(s, StatusCode::OK);
    assert!(String::from_utf8(b)
        .unwrap()
        .contains("<script src=\"app.js\">"));
    let (s, b) = call(app(Limits::default()), get("/api/v1/openapi.json")).await;
    assert_eq!(s, StatusCode::OK);
    let doc = json(&b);
    assert_eq!(doc["openapi"], "3.0.3");
    for path in [
        "/healthz",
        "/api/v1/model",
        "/api/v1/predict",
        "/api/v1/analyze",
        "/api/v1/spectrogram",
        "/api/v1/report",
        "/api/v1/audio",
        "/api/v1/stream",
    ] {
        assert!(doc["paths"][path].is_object(), "{path} undocumented");
    }
    let (s, b) = call(
        app(Limits::default()),
        post("/api/v1/spectrogram", tone_wav()),
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(&b[1..4], b"PNG");
}

#[tokio::test]
async fn saturated_server_answers_503() {
    let none = Limits {
        max_concurrent: 1,
        max_queue: 0,
        ..Limits::default()
    };
    let app = app(none);
    let requests = (0..6).map(|_| call(app.clone(), post("/api/v1/predict", speech_wav())));
    let statuses: Vec<StatusCode> = futures_util::future::join_all(requests)
        .await
        .into_iter()
        .map(|r| r.0)
        .collect();
    assert!(statuses.contains(&StatusCode::OK), "{statuses:?}");
    assert!(
        statuses
            .iter()
            .all(|s| *s == StatusCode::OK || *s == StatusCode::SERVICE_UNAVAILABLE),
        "{statuses:?}"
    );
}

/// A live stream's socket.
type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// A server of the bundled model on a port of its own, and its address.
async fn serve() -> std::net::SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let server = axum::serve(listener, app(Limits::default()));
    tokio::spawn(async move { server.await.unwrap() });
    addr
}

/// A live stream opened on the server at `addr`, its `header` sent.
async fn live_stream(addr: std::net::SocketAddr, header: &str) -> Socket {
    let (mut ws, _) = tokio_tungstenite::connect_async(format!("ws://{addr}/api/v1/stream"))
        .await
        .unwrap();
    ws.send(Message::text(header)).await.unwrap();
    ws
}

/// The next `n` events of a live stream.
async fn events(ws: &mut Socket, n: usize) -> Vec<Value> {
    let mut events = Vec::new();
    while events.len() < n {
        let msg = tokio::time::timeout(std::time::Duration::from_secs(20), ws.next())
            .await
            .unwrap()
            .unwrap()
            .unwrap();
        events.push(json(msg.into_text().unwrap().as_bytes()));
    }
    events
}

#[tokio::test]
async fn live_stream_reports_silence_noise_and_speech() {
    let addr = serve().await;
    let mut ws = live_stream(addr, r#"{"sample_rate": 16000, "format": "s16"}"#).await;
    // 1 s of silence, 3 s of a steady tone (-43 dBFS), then 1 s of syllables, in 100 ms messages.
    let tone = (0..3 * 16_000)
        .map(|i| (i as f32 / 16_000.0 * 2.0 * std::f32::consts::PI * 220.0).sin() * 0.01);
    let syllables = ser_audio::load(fixture("speechlike.wav"), &Default::default())
        .unwrap()
        .samples;
    let stream: Vec<f32> = std::iter::repeat_n(0.0, 16_000)
        .chain(tone)
        .chain(syllables.iter().copied())
        .collect();
    for chunk in stream.chunks(1600) {
        let bytes: Vec<u8> = chunk
            .iter()
            .flat_map(|v| ((v * 32767.0) as i16).to_le_bytes())
            .collect();
        ws.send(Message::binary(bytes)).await.unwrap();
    }
    let events = events(&mut ws, 20).await;
    let heard = |e: &Value| (e["heard"].as_str().unwrap().to_owned(), e["speech"].clone());
    assert_eq!(
        heard(&events[0]),
        ("silence".into(), false.into()),
        "{}",
        events[0]
    );
    assert!(events[0]["label"].is_null());
    // The window of 1-4 s holds the tone alone: sound, but no speech, and no emotion.
    let tone_only = &events[15];
    assert!((tone_only["t_s"].as_f64().unwrap() - 4.0).abs() < 0.01);
    assert_eq!(
        heard(tone_only),
        ("noise".into(), false.into()),
        "{tone_only}"
    );
    assert!(tone_only["label"].is_null());
    let last = events.last().unwrap();
    assert!((last["t_s"].as_f64().unwrap() - 5.0).abs() < 0.01);
    assert_eq!(heard(last), ("speech".into(), true.into()), "{last}");
    assert!(last["label"].is_string() && last["probabilities"].as_object().unwrap().len() == 8);

    let mut ws = live_stream(addr, r#"{"sample_rate": 0, "format": "s16"}"#).await;
    let msg = ws.next().await.unwrap().unwrap();
    assert!(json(msg.into_text().unwrap().as_bytes())["error"]
        .as_str()
        .unwrap()
        .contains("sample_rate"));
}

#[tokio::test]
async fn a_live_call_in_mu_law_is_heard() {
    // Telephony platforms stream calls as G.711: half a second of µ-law's digital silence, then
    // the syllables, in 20 ms packets, as a call is carried.
    let mut ws = live_stream(serve().await, r#"{"sample_rate": 16000, "format": "ulaw"}"#).await;
    let table = ser_audio::RawCoding::MuLaw.g711_samples().unwrap();
    let nearest = |x: f32| {
        (0..=255u8)
            .min_by(|&a, &b| {
                let off = |byte: u8| (table[usize::from(byte)] - x).abs();
                off(a).total_cmp(&off(b))
            })
            .unwrap()
    };
    let syllables = ser_audio::load(fixture("speechlike.wav"), &Default::default())
        .unwrap()
        .samples;
    let mut call = vec![0xff; 8_000];
    call.extend(syllables.iter().map(|&x| nearest(x)));
    for packet in call.chunks(320) {
        ws.send(Message::binary(packet.to_vec())).await.unwrap();
    }
    let events = events(&mut ws, 5).await;
    assert_eq!(events[0]["heard"], "silence", "{}", events[0]);
    let last = events.last().unwrap();
    assert_eq!(last["heard"], "speech", "{last}");
    assert!(last["label"].is_string(), "{last}");
}

/// A RAVDESS clip from ../shared/data, or `None` (with a message) where the corpus is absent
/// outside CI.
fn ravdess_clip() -> Option<Vec<u8>> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/data/ravdess/Actor_05/03-01-05-02-01-01-05.flac");
    match std::fs::read(&path) {
        Ok(bytes) => Some(bytes),
        Err(_) if std::env::var("CI").is_ok_and(|v| v == "true") => {
            panic!("{} missing: CI must have ../shared/data", path.display())
        }
        Err(_) => {
            eprintln!("SKIPPED: {} not found", path.display());
            None
        }
    }
}

#[tokio::test]
async fn analyze_gives_segments_that_agree_with_predict() {
    // A steady tone is not speech: no segment, the whole file is a pause, no dominant emotion.
    let (status, body) = call(app(Limits::default()), post("/api/v1/analyze", tone_wav())).await;
    assert_eq!(status, StatusCode::OK, "{}", String::from_utf8_lossy(&body));
    let v = json(&body);
    assert_eq!(v["segments"].as_array().unwrap().len(), 0);
    assert_eq!(v["non_speech"].as_array().unwrap().len(), 1);
    assert!(v["dominant"].is_null());
    assert_eq!(v["summary"].as_object().unwrap().len(), 8);
    assert_eq!(v["model"], "bundled");

    for (uri, want) in [
        ("/api/v1/analyze?window=0", StatusCode::BAD_REQUEST),
        ("/api/v1/analyze?window=2&hop=5", StatusCode::BAD_REQUEST),
        ("/api/v1/analyze?window=abc", StatusCode::BAD_REQUEST),
    ] {
        let (status, out) = call(app(Limits::default()), post(uri, tone_wav())).await;
        assert_eq!(status, want, "{uri}");
        assert!(json(&out)["error"].is_string(), "{uri}");
    }
    let (status, out) = call(
        app(Limits::default()),
        post("/api/v1/analyze", b"not audio".to_vec()),
    )
    .await;
    assert_eq!(status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert!(json(&out)["error"].is_string());

    let Some(clip) = ravdess_clip() else {
        return;
    };
    let (_, p) = call(
        app(Limits::default()),
        post("/api/v1/predict", clip.clone()),
    )
    .await;
    let (status, a) = call(app(Limits::default()), post("/api/v1/analyze", clip)).await;
    assert_eq!(status, StatusCode::OK);
    let (p, a) = (json(&p), json(&a));
    let segments = a["segments"].as_array().unwrap();
    assert_eq!(segments.len(), 1, "{a}");
    assert_eq!(segments[0]["label"], p["label"]);
    assert_eq!(a["dominant"], p["label"]);
    assert!(a["speech_s"].as_f64().unwrap() > 1.0);
}

#[tokio::test]
async fn a_token_guards_the_api_but_not_the_page() {
    let guarded = || ser_serve::require_token(app(Limits::default()), "s3cret-token".into());
    let with = |auth: Option<&str>| {
        let mut req = Request::post("/api/v1/predict");
        if let Some(a) = auth {
            req = req.header("authorization", a);
        }
        req.body(Body::from(speech_wav())).unwrap()
    };
    for auth in [None, Some("Bearer wrong-token!"), Some("s3cret-token")] {
        let (status, body) = call(guarded(), with(auth)).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{auth:?}");
        assert!(json(&body)["error"].as_str().unwrap().contains("token"));
    }
    let (status, _) = call(guarded(), with(Some("Bearer s3cret-token"))).await;
    assert_eq!(status, StatusCode::OK);
    // WebSockets carry the token in the query; a wrong one is refused before the upgrade.
    let ws = |q: &str| {
        Request::get(format!("/api/v1/stream{q}"))
            .body(Body::empty())
            .unwrap()
    };
    let (status, _) = call(guarded(), ws("?token=nope")).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, _) = call(guarded(), ws("?token=s3cret-token")).await;
    assert_ne!(status, StatusCode::UNAUTHORIZED);
    // The page, its assets, the health check and the API description stay public.
    for uri in ["/", "/app.js", "/healthz", "/api/v1/openapi.json"] {
        let (status, _) = call(guarded(), Request::get(uri).body(Body::empty()).unwrap()).await;
        assert_eq!(status, StatusCode::OK, "{uri}");
    }
}
