//! Live mode over a WebSocket (`GET /api/v1/stream`).
//!
//! 1. The client sends a text message with the stream's format:
//!    `{"sample_rate": 48000, "format": "f32"}` (`format`: `"f32"` or `"s16"`, little-endian,
//!    or G.711 `"ulaw"` or `"alaw"`, as telephony platforms stream calls; mono; optional
//!    `"channels"` > 1 is mixed down).
//! 2. It then sends binary messages of PCM samples, of any length.
//! 3. Every [`HOP_S`] seconds of audio the server sends an event about the last window (the
//!    model's clip length): `{"t_s", "heard", "speech", "level_db", "label", "confidence",
//!    "probabilities"}`. `heard` is what the window holds: `"silence"` (below [`SPEECH_DB`]),
//!    `"noise"` (sound in which the speech check of `ser predict` finds no speech: a fan, a hum,
//!    a tone) or `"speech"`. Only speech is given an emotion: otherwise `speech` is false and
//!    `label` null.
//!
//! Bad messages get `{"error": "..."}` and the socket is closed, as does a socket silent for
//! `stream_idle_timeout`; at most `max_streams` sockets are open at once (503 beyond).

use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use ser_audio::{LoadOptions, MonoStream, RawCoding};
use ser_model::{EmotionModel, Prediction};
use serde::Deserialize;
use serde_json::{json, Value};

use crate::api::run_blocking;
use crate::error::ApiError;
use crate::state::AppState;

/// Seconds of new audio between two events.
pub const HOP_S: f64 = 0.25;
/// A window is silence when its loudest 100 ms is below this level (dBFS), the level below
/// which the speech detector takes no 25 ms frame for speech.
/// Louder windows are given an emotion only when the speech check finds speech in them, so the
/// gate need not keep noise out (`experiments/2026-12-05-live-gate`): every RAVDESS sentence
/// streamed at its recorded level is heard (at -45 dBFS, the gate before the speech check,
/// 5.6 % were not), and of the same sentences 30 dB quieter 85.4 % (45.6 % at -60 dBFS), while
/// 2 of 40 windows of faint room tone get an emotion (1 at -60).
pub const SPEECH_DB: f32 = ser_analyze::vad::MIN_LEVEL_DB;
/// Largest accepted binary message (bytes): 10 s of 48 kHz stereo float.
pub const MAX_MESSAGE_BYTES: usize = 4 * 48_000 * 2 * 10;

/// Sample encoding of the binary messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PcmFormat {
    /// 32-bit IEEE float, little-endian.
    F32,
    /// 16-bit signed integer, little-endian.
    S16,
    /// G.711 µ-law, a byte a sample.
    Ulaw,
    /// G.711 A-law, a byte a sample.
    Alaw,
}

/// The client's first message.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StreamHeader {
    /// Sample rate of the PCM in Hz.
    pub sample_rate: u32,
    /// Sample encoding.
    pub format: PcmFormat,
    /// Interleaved channels (default 1).
    #[serde(default = "one")]
    pub channels: usize,
}

fn one() -> usize {
    1
}

/// Parses and checks the header message.
pub fn parse_header(text: &str) -> Result<StreamHeader, String> {
    let h: StreamHeader =
        serde_json::from_str(text).map_err(|e| format!("bad stream header: {e}"))?;
    if !(ser_audio::MIN_SAMPLE_RATE..=ser_audio::MAX_SAMPLE_RATE).contains(&h.sample_rate) {
        return Err(format!(
            "sample_rate {} outside {}..={}",
            h.sample_rate,
            ser_audio::MIN_SAMPLE_RATE,
            ser_audio::MAX_SAMPLE_RATE
        ));
    }
    if !(1..=ser_audio::MAX_CHANNELS).contains(&h.channels) {
        return Err(format!(
            "channels {} outside 1..={}",
            h.channels,
            ser_audio::MAX_CHANNELS
        ));
    }
    Ok(h)
}

/// Decodes one binary message to mono samples (NaN, infinite or absurdly large values are an
/// error).
pub fn decode_pcm(bytes: &[u8], header: &StreamHeader) -> Result<Vec<f32>, String> {
    if bytes.len() > MAX_MESSAGE_BYTES {
        return Err(format!(
            "message of {} bytes exceeds {MAX_MESSAGE_BYTES}",
            bytes.len()
        ));
    }
    let width = match header.format {
        PcmFormat::F32 => 4,
        PcmFormat::S16 => 2,
        PcmFormat::Ulaw | PcmFormat::Alaw => 1,
    };
    let frame = width * header.channels;
    if !bytes.len().is_multiple_of(frame) {
        return Err(format!(
            "message of {} bytes is not a whole number of {frame}-byte frames",
            bytes.len()
        ));
    }
    let samples: Vec<f32> = match header.format {
        PcmFormat::F32 => bytes
            .chunks_exact(4)
            .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
            .collect(),
        PcmFormat::S16 => bytes
            .chunks_exact(2)
            .map(|b| i16::from_le_bytes([b[0], b[1]]) as f32 / 32768.0)
            .collect(),
        PcmFormat::Ulaw => g711(RawCoding::MuLaw, bytes),
        PcmFormat::Alaw => g711(RawCoding::ALaw, bytes),
    };
    if samples.iter().any(|&v| !ser_audio::valid_sample(v)) {
        return Err("NaN, infinite or out-of-range samples".into());
    }
    Ok(samples
        .chunks_exact(header.channels)
        .map(|f| f.iter().sum::<f32>() / header.channels as f32)
        .collect())
}

/// The samples of G.711 `bytes` of `law`, as a file of them is read.
fn g711(law: RawCoding, bytes: &[u8]) -> Vec<f32> {
    let samples = law.g711_samples().expect("a G.711 law");
    bytes.iter().map(|&b| samples[usize::from(b)]).collect()
}

/// Level of the loudest 100 ms of `window`, in dBFS.
pub fn peak_level_db(window: &[f32], rate: u32) -> f32 {
    let step = (rate as usize / 10).max(1);
    let loudest = window
        .chunks(step)
        .map(|c| c.iter().map(|v| v * v).sum::<f32>() / c.len() as f32)
        .fold(0.0f32, f32::max);
    10.0 * loudest.max(1e-12).log10()
}

/// What a live window holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Heard {
    /// Its loudest 100 ms is below [`SPEECH_DB`].
    Silence,
    /// Sound in which the speech detector finds no speech.
    Noise,
    /// Speech: the only kind given an emotion.
    Speech,
}

impl Heard {
    /// The name events carry.
    pub fn as_str(self) -> &'static str {
        match self {
            Heard::Silence => "silence",
            Heard::Noise => "noise",
            Heard::Speech => "speech",
        }
    }
}

/// Speech or noise, for a window of the stream (mono, at `rate`) loud enough not to be silence
/// ([`SPEECH_DB`]): [`ser_analyze::require_speech`], as `ser predict` judges a clip, over the
/// window as received (its pauses and room tone set the detector's noise floor). About 0.3 ms
/// of CPU for 3 s.
pub fn hear_sound(window: &[f32], rate: u32) -> Heard {
    if ser_analyze::require_speech("live window", window, rate).is_ok() {
        Heard::Speech
    } else {
        Heard::Noise
    }
}

/// `GET /api/v1/stream`: 503 when `max_streams` sockets are already open.
pub async fn upgrade(State(state): State<AppState>, ws: WebSocketUpgrade) -> Response {
    let Ok(slot) = state.streams.clone().try_acquire_owned() else {
        return ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "too many live streams open, retry shortly",
        )
        .into_response();
    };
    ws.max_message_size(MAX_MESSAGE_BYTES + 1024)
        .on_upgrade(move |socket| async move {
            session(socket, state).await;
            drop(slot);
        })
}

async fn session(mut socket: WebSocket, state: AppState) {
    if let Err(e) = run_session(&mut socket, &state).await {
        let _ = socket
            .send(Message::Text(json!({"error": e}).to_string().into()))
            .await;
    }
    let _ = socket.send(Message::Close(None)).await;
}

async fn run_session(socket: &mut WebSocket, state: &AppState) -> Result<(), String> {
    let idle = state.limits.stream_idle_timeout;
    let header = match recv(socket, idle).await? {
        Some(Ok(Message::Text(t))) => parse_header(&t)?,
        Some(Ok(_)) => return Err("the first message must be the JSON stream header".into()),
        _ => return Ok(()),
    };
    let mut live = LiveWindow::new(header.sample_rate, &state.model.config().audio);
    while let Some(msg) = recv(socket, idle).await? {
        let bytes = match msg.map_err(|e| e.to_string())? {
            Message::Binary(b) => b,
            Message::Close(_) => break,
            Message::Text(_) => return Err("only one text message (the header) is expected".into()),
            _ => continue,
        };
        let Some((window, t_s)) = live.push(&decode_pcm(&bytes, &header)?) else {
            continue;
        };
        let event = window_event(state, window, t_s).await?;
        socket
            .send(Message::Text(event.to_string().into()))
            .await
            .map_err(|e| e.to_string())?;
    }
    Ok(())
}

/// A live stream's audio, window by window: each message's samples freed of any DC offset and
/// resampled to the model's rate as they come (as a file is read; hum goes window by window,
/// [`hear_window`]), the last clip's length of them kept, and that window handed out every
/// [`HOP_S`] seconds of audio.
pub struct LiveWindow {
    stream: MonoStream,
    window: Vec<f32>,
    window_len: usize,
    hop: usize,
    rate: u32,
    received: usize,
    since_event: usize,
}

impl LiveWindow {
    /// A stream arriving at `in_rate` Hz for a model that hears `audio` (a loaded model's, so
    /// with a clip duration: `check_pipeline` refuses others).
    pub fn new(in_rate: u32, audio: &LoadOptions) -> Self {
        let rate = audio.sample_rate;
        let window_len = audio.window_len().expect("validated model configuration");
        Self {
            stream: MonoStream::live(in_rate, rate),
            window: Vec::with_capacity(2 * window_len),
            window_len,
            hop: (HOP_S * rate as f64).round() as usize,
            rate,
            received: 0,
            since_event: 0,
        }
    }

    /// Takes the next message's samples (mono, at the stream's rate); when an event is due, the
    /// window (at most a clip long) and the seconds of audio received.
    pub fn push(&mut self, mono: &[f32]) -> Option<(&[f32], f64)> {
        let before = self.window.len();
        self.stream.push(mono, &mut self.window);
        let added = self.window.len() - before;
        self.received += added;
        self.since_event += added;
        if self.window.len() > self.window_len {
            self.window.drain(..self.window.len() - self.window_len);
        }
        if self.since_event < self.hop {
            return None;
        }
        // Keep the remainder, so events stay HOP_S apart in audio time on average.
        self.since_event %= self.hop;
        Some((&self.window, self.received as f64 / self.rate as f64))
    }
}

/// The next message, or an error when none arrives within `idle`.
async fn recv(
    socket: &mut WebSocket,
    idle: std::time::Duration,
) -> Result<Option<Result<Message, axum::Error>>, String> {
    tokio::time::timeout(idle, socket.recv())
        .await
        .map_err(|_| format!("no message for {} s: closing", idle.as_secs_f64()))
}

/// The event for the current window: what it holds, and the model's prediction of its speech.
/// Silence is told here; the rest ([`hear_window`]) runs on the blocking pool.
async fn window_event(state: &AppState, window: &[f32], t_s: f64) -> Result<Value, String> {
    let rate = state.model.config().audio.sample_rate;
    let level_db = peak_level_db(window, rate);
    let (heard, prediction) = if level_db < SPEECH_DB {
        (Heard::Silence, None)
    } else {
        let clip = window.to_vec();
        run_blocking(state, move |model| Ok(hear_window(model, clip)))
            .await
            .map_err(|e| e.message)?
    };
    let mut event = json!({
        "t_s": t_s, "heard": heard.as_str(), "level_db": level_db,
        "speech": prediction.is_some(), "label": null
    });
    for (k, v) in prediction.iter().flat_map(|p| p.to_json()) {
        event[k] = v;
    }
    Ok(event)
}

/// Speech or noise in a live window (mono, at the model's rate) loud enough not to be silence,
/// and the model's prediction of its speech: mains hum removed, the speech check
/// ([`hear_sound`]), then the window prepared exactly as a loaded file (the model's trim,
/// offset and duration).
pub fn hear_window(model: &EmotionModel, mut clip: Vec<f32>) -> (Heard, Option<Prediction>) {
    let rate = model.config().audio.sample_rate;
    ser_audio::remove_hum(&mut clip, rate);
    let heard = hear_sound(&clip, rate);
    let prediction = (heard == Heard::Speech).then(|| {
        let shaped = ser_audio::shape(clip, &model.config().audio);
        model.predict_clips(&[shaped]).remove(0)
    });
    (heard, prediction)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_parsing() {
        let h = parse_header(r#"{"sample_rate": 48000, "format": "s16", "channels": 2}"#).unwrap();
        assert_eq!(
            (h.sample_rate, h.format, h.channels),
            (48_000, PcmFormat::S16, 2)
        );
        assert_eq!(
            parse_header(r#"{"sample_rate": 16000, "format": "f32"}"#)
                .unwrap()
                .channels,
            1
        );
        for bad in [
            r#"{"sample_rate": 0, "format": "f32"}"#,
            r#"{"format": "f32"}"#,
            r#"{"sample_rate": 16000, "format": "u8"}"#,
            "nope",
            r#"{"sample_rate": 16000, "format": "f32", "channels": 0}"#,
        ] {
            assert!(parse_header(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn pcm_decoding_and_mixdown() {
        let h = parse_header(r#"{"sample_rate": 16000, "format": "s16", "channels": 2}"#).unwrap();
        let bytes: Vec<u8> = [16384i16, 0, -32768, -32768]
            .iter()
            .flat_map(|v| v.to_le_bytes())
            .collect();
        assert_eq!(decode_pcm(&bytes, &h).unwrap(), vec![0.25, -1.0]);
        assert!(decode_pcm(&bytes[..3], &h).is_err());
        let h = parse_header(r#"{"sample_rate": 16000, "format": "f32"}"#).unwrap();
        assert!(decode_pcm(&f32::NAN.to_le_bytes(), &h).is_err());
        assert!(decode_pcm(&1e26f32.to_le_bytes(), &h).is_err());
        assert!(decode_pcm(&1.5f32.to_le_bytes(), &h).is_ok());
        // G.711 as a file of it reads: µ-law's zero and loudest codes, A-law's two channels.
        let h = parse_header(r#"{"sample_rate": 8000, "format": "ulaw"}"#).unwrap();
        let loudest = 32124.0 / 32768.0;
        assert_eq!(
            decode_pcm(&[0xff, 0x80, 0x00], &h).unwrap(),
            [0.0, loudest, -loudest]
        );
        let h = parse_header(r#"{"sample_rate": 8000, "format": "alaw", "channels": 2}"#).unwrap();
        assert_eq!(decode_pcm(&[0xaa, 0x2a], &h).unwrap(), [0.0]);
        assert!(decode_pcm(&[0xaa], &h).is_err());
    }

    #[test]
    fn a_window_every_quarter_second_of_audio_at_most_a_clip_long() {
        let audio = LoadOptions {
            duration_s: Some(3.0),
            ..Default::default()
        };
        let clip = audio.window_len().unwrap();
        let mut live = LiveWindow::new(44_100, &audio);
        // Ten seconds at 44.1 kHz in messages of 1000 samples, as a browser sends them.
        let tone: Vec<f32> = (0..441_000)
            .map(|i| (i as f32 * 0.05).sin() * 0.1)
            .collect();
        let mut events = vec![];
        for message in tone.chunks(1000) {
            if let Some((window, t_s)) = live.push(message) {
                assert!(window.len() <= clip, "{} samples", window.len());
                events.push((window.len(), t_s));
            }
        }
        // The resampler and the DC filter's first measurement hold back a few milliseconds.
        assert!((38..=40).contains(&events.len()), "{} events", events.len());
        let (last_len, last_t) = *events.last().unwrap();
        assert_eq!(last_len, clip);
        // The last event is within a hop of the end (the rest waits for more audio).
        assert!(last_t > 10.0 - HOP_S - 0.05 && last_t <= 10.0, "{last_t}");
        for pair in events.windows(2) {
            let step = pair[1].1 - pair[0].1;
            assert!(step > 0.2 && step < 0.3, "events {step} s apart");
        }
    }

    #[test]
    fn windows_of_silence_noise_and_speech() {
        assert!(peak_level_db(&[0.0; 16_000], 16_000) < SPEECH_DB);
        // A steady tone at -23 dBFS: loud, but not speech.
        let tone: Vec<f32> = (0..48_000).map(|i| (i as f32 * 0.1).sin() * 0.1).collect();
        let level = peak_level_db(&tone, 16_000);
        assert!((level + 23.0).abs() < 0.1, "{level}");
        assert_eq!(hear_sound(&tone, 16_000), Heard::Noise);
        let syllables = ser_audio::load(
            concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/../../tests/fixtures/speechlike.wav"
            ),
            &Default::default(),
        )
        .unwrap()
        .samples;
        assert!(peak_level_db(&syllables, 16_000) > SPEECH_DB);
        assert_eq!(hear_sound(&syllables, 16_000), Heard::Speech);
        // 40 dB quieter, as from a distant microphone, they are still speech; 80 dB quieter
        // they are below the gate: silence.
        let quiet: Vec<f32> = syllables.iter().map(|v| v * 1e-2).collect();
        assert!(peak_level_db(&quiet, 16_000) > SPEECH_DB);
        assert_eq!(hear_sound(&quiet, 16_000), Heard::Speech);
        let faint: Vec<f32> = syllables.iter().map(|v| v * 1e-4).collect();
        assert!(peak_level_db(&faint, 16_000) < SPEECH_DB);
    }
}
