//! Live-mode delay: streams a recording to `/api/v1/stream` in real time (100 ms messages,
//! paced by the clock) and measures, for every event, the time from sending the message that
//! completed the hop to receiving the event. Target (issue 4): ≤ 300 ms.
//!
//! ```sh
//! cargo run --release -p ser-serve --example live_delay -- ../shared/data/ravdess/Actor_01/03-01-05-02-01-01-01.flac
//! ```

use std::sync::Arc;
use std::time::{Duration, Instant};

use futures_util::{SinkExt, StreamExt};
use ser_model::EmotionModel;
use ser_serve::{router, Limits, ModelInfo};
use tokio_tungstenite::tungstenite::Message;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = std::env::args()
        .nth(1)
        .ok_or("usage: live_delay AUDIO_FILE")?;
    let audio = ser_audio::load(&path, &ser_audio::LoadOptions::default())?;
    let app = router(
        Arc::new(EmotionModel::bundled()?),
        ModelInfo::default(),
        Limits::default(),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    tokio::spawn(async move { axum::serve(listener, app).await });
    let (ws, _) = tokio_tungstenite::connect_async(format!("ws://{addr}/api/v1/stream")).await?;
    let (mut tx, mut rx) = ws.split();
    tx.send(Message::text(r#"{"sample_rate": 16000, "format": "f32"}"#))
        .await?;
    let chunk = 1600; // 100 ms
    let sent_at = Arc::new(std::sync::Mutex::new(Vec::<Instant>::new()));
    let log = sent_at.clone();
    let sender = tokio::spawn(async move {
        let start = Instant::now();
        for (i, c) in audio.samples.chunks(chunk).enumerate() {
            tokio::time::sleep_until((start + Duration::from_millis(100 * i as u64)).into()).await;
            let bytes: Vec<u8> = c.iter().flat_map(|v| v.to_le_bytes()).collect();
            log.lock().unwrap().push(Instant::now());
            tx.send(Message::binary(bytes)).await.unwrap();
        }
        tokio::time::sleep(Duration::from_secs(1)).await;
        tx.send(Message::Close(None)).await.ok();
    });
    let mut delays = Vec::new();
    while let Some(Ok(msg)) = rx.next().await {
        let Message::Text(text) = msg else { break };
        let event: serde_json::Value = serde_json::from_str(&text)?;
        let t_s = event["t_s"].as_f64().unwrap_or(0.0);
        // The message that completed this event's audio: the one ending at or after t_s.
        let index = ((t_s * 10.0).ceil() as usize).saturating_sub(1);
        let sent = sent_at.lock().unwrap().get(index).copied();
        if let Some(sent) = sent {
            delays.push(sent.elapsed().as_secs_f64() * 1e3);
        }
    }
    sender.await?;
    delays.sort_by(f64::total_cmp);
    let pick = |q: f64| delays[((delays.len() - 1) as f64 * q).round() as usize];
    println!(
        "{} events: delay median {:.1} ms, p95 {:.1} ms, max {:.1} ms",
        delays.len(),
        pick(0.5),
        pick(0.95),
        pick(1.0)
    );
    Ok(())
}
