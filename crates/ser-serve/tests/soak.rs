//! A bounded soak test on loopback: good requests mixed with bad audio, oversize bodies, slow
//! clients that trickle bytes, abrupt disconnects and more WebSockets than allowed. Nothing
//! crashes, bad input never gets a 5xx, every good request is answered, slow clients are cut
//! off, and memory is about where it started. Prints the figures.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use ser_model::EmotionModel;
use ser_serve::{router, Limits, ModelInfo};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// How long the clients run: 12 s, or `SER_SOAK_SECS` for a longer manual soak.
fn run_time() -> Duration {
    Duration::from_secs(
        std::env::var("SER_SOAK_SECS")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(12),
    )
}

fn rss_mb() -> f64 {
    let statm = std::fs::read_to_string("/proc/self/statm").unwrap_or_default();
    let pages: f64 = statm
        .split(' ')
        .nth(1)
        .and_then(|p| p.parse().ok())
        .unwrap_or(0.0);
    pages * 4096.0 / 1e6
}

fn wav() -> Vec<u8> {
    std::fs::read(
        std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("../../tests/fixtures/speechlike.wav"),
    )
    .unwrap()
}

async fn start(limits: Limits) -> SocketAddr {
    let model = Arc::new(EmotionModel::bundled().unwrap());
    let app = router(model, ModelInfo::default(), limits);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    addr
}

/// Sends a whole HTTP/1.1 POST and returns the response's status code (0: no answer).
async fn post(addr: SocketAddr, path: &str, body: &[u8]) -> u16 {
    let Ok(mut s) = TcpStream::connect(addr).await else {
        return 0;
    };
    let head = format!(
        "POST {path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/octet-stream\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    if s.write_all(head.as_bytes()).await.is_err() {
        return 0;
    }
    let _ = s.write_all(body).await; // an early 413 may close the socket mid-body
    status(&mut s).await
}

async fn status(s: &mut TcpStream) -> u16 {
    let mut buf = Vec::new();
    let _ = tokio::time::timeout(Duration::from_secs(30), s.read_to_end(&mut buf)).await;
    String::from_utf8_lossy(&buf)
        .split(' ')
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0)
}

#[derive(Default, Debug)]
struct Tally {
    good: Vec<u16>,
    bad: Vec<u16>,
    slow: Vec<(u16, f64)>,
    dropped: usize,
    ws_open: usize,
    ws_refused: usize,
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn soak_good_and_hostile_clients() {
    let limits = Limits {
        max_body_bytes: 1 << 20,
        upload_timeout: Duration::from_secs(2),
        max_streams: 8,
        stream_idle_timeout: Duration::from_secs(2),
        ..Limits::default()
    };
    let addr = start(limits).await;
    // Warm up (model, allocator) before the baseline.
    assert_eq!(post(addr, "/api/v1/predict", &wav()).await, 200);
    let rss_before = rss_mb();
    let tally = Arc::new(Mutex::new(Tally::default()));
    let mut tasks = Vec::new();
    let run = run_time();
    let start = Instant::now();
    let running = move || start.elapsed() < run;
    let halfway = tokio::spawn(async move {
        tokio::time::sleep(run / 2).await;
        rss_mb()
    });

    for _ in 0..3 {
        let t = tally.clone();
        tasks.push(tokio::spawn(async move {
            while running() {
                let code = post(addr, "/api/v1/predict", &wav()).await;
                t.lock().unwrap().good.push(code);
            }
        }));
    }
    let bad_bodies: Vec<Vec<u8>> = vec![
        b"this is not audio".to_vec(),
        Vec::new(),
        wav()[..60].to_vec(),
        b"RIFF\xff\xff\xff\xffWAVEfmt ".to_vec(),
        b"fLaC\0\0\0\x22garbage".to_vec(),
        b"OggS\0\x02garbage garbage".to_vec(),
        vec![0x55; 2 << 20], // over the 1 MiB limit
    ];
    for k in 0..2 {
        let (t, bodies) = (tally.clone(), bad_bodies.clone());
        tasks.push(tokio::spawn(async move {
            let mut i = k;
            while running() {
                let path = if i % 2 == 0 {
                    "/api/v1/predict"
                } else {
                    "/api/v1/analyze"
                };
                let code = post(addr, path, &bodies[i % bodies.len()]).await;
                t.lock().unwrap().bad.push(code);
                i += 1;
            }
        }));
    }
    for _ in 0..2 {
        let t = tally.clone();
        tasks.push(tokio::spawn(async move {
            while running() {
                // Promise 100 kB, send 10 bytes, then stall.
                let mut s = TcpStream::connect(addr).await.unwrap();
                let began = Instant::now();
                s.write_all(b"POST /api/v1/predict HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\nRIFF012345").await.unwrap();
                let code = status(&mut s).await;
                t.lock().unwrap().slow.push((code, began.elapsed().as_secs_f64()));
            }
        }));
    }
    for _ in 0..2 {
        let t = tally.clone();
        tasks.push(tokio::spawn(async move {
            let body = wav();
            while running() {
                let mut s = TcpStream::connect(addr).await.unwrap();
                let head = format!(
                    "POST /api/v1/predict HTTP/1.1\r\nHost: x\r\nContent-Length: {}\r\n\r\n",
                    body.len()
                );
                s.write_all(head.as_bytes()).await.unwrap();
                s.write_all(&body[..body.len() / 2]).await.unwrap();
                drop(s); // hang up mid-upload
                t.lock().unwrap().dropped += 1;
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        }));
    }
    // Twelve live streams against a cap of eight: the extra four are refused with 503; the
    // accepted ones go silent and are closed by the idle timeout.
    let mut sockets = Vec::new();
    for _ in 0..12 {
        match tokio_tungstenite::connect_async(format!("ws://{addr}/api/v1/stream")).await {
            Ok((ws, _)) => sockets.push(ws),
            Err(tokio_tungstenite::tungstenite::Error::Http(r)) => {
                assert_eq!(r.status(), 503);
                tally.lock().unwrap().ws_refused += 1;
            }
            Err(e) => panic!("unexpected WebSocket failure: {e}"),
        }
    }
    tally.lock().unwrap().ws_open = sockets.len();
    for t in tasks {
        t.await.unwrap();
    }
    drop(sockets);
    // Idle sockets have been closed by now: their slots are free again.
    tokio::time::sleep(Duration::from_secs(3)).await;
    let again = tokio_tungstenite::connect_async(format!("ws://{addr}/api/v1/stream")).await;
    assert!(again.is_ok(), "stream slots were not released");
    assert_eq!(
        post(addr, "/api/v1/predict", &wav()).await,
        200,
        "still answering"
    );
    let rss_after = rss_mb();
    let rss_mid = halfway.await.unwrap();

    let t = tally.lock().unwrap();
    let count = |codes: &[u16], f: fn(u16) -> bool| codes.iter().filter(|c| f(**c)).count();
    eprintln!(
        "soak {:.0} s: good {} ({} ok), bad {} (4xx {}, 5xx {}), slow {} (408 {}), dropped {}, \
         websockets open {} refused {}; RSS {rss_before:.0} MB, {rss_mid:.0} MB halfway, \
         {rss_after:.0} MB after",
        run.as_secs_f64(),
        t.good.len(),
        count(&t.good, |c| c == 200),
        t.bad.len(),
        count(&t.bad, |c| (400..500).contains(&c)),
        count(&t.bad, |c| c >= 500),
        t.slow.len(),
        t.slow.iter().filter(|s| s.0 == 408).count(),
        t.dropped,
        t.ws_open,
        t.ws_refused
    );
    assert!(
        t.good.len() >= 10 && t.good.iter().all(|c| *c == 200),
        "{:?}",
        t.good
    );
    assert!(t.bad.iter().all(|c| (400..500).contains(c)), "{:?}", t.bad);
    assert!(t.bad.contains(&413) && t.bad.contains(&415) && t.bad.contains(&400));
    assert!(!t.slow.is_empty());
    assert!(
        t.slow.iter().all(|(c, secs)| *c == 408 && *secs < 5.0),
        "{:?}",
        t.slow
    );
    assert!(t.dropped > 0);
    assert_eq!((t.ws_open, t.ws_refused), (8, 4));
    // Memory settles once the allocator holds its working set: the second half adds little.
    assert!(
        rss_after - rss_before < 100.0,
        "memory grew from {rss_before:.0} to {rss_after:.0} MB"
    );
    assert!(
        rss_after - rss_mid < 40.0,
        "memory kept growing: {rss_mid:.0} -> {rss_after:.0} MB"
    );
}
