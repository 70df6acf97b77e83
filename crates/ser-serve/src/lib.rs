//! `ser serve`: the web app and the JSON/WebSocket API, in one self-contained server.
//!
//! Routes (all JSON errors are `{"error": "..."}`):
//! - `GET /` — the web page (embedded assets: works offline);
//! - `GET /healthz` — liveness;
//! - `GET /api/v1/model` — labels, feature parameters, model card scores;
//! - `POST /api/v1/predict` — an audio file (raw body or multipart field `file`) → emotion;
//! - `POST /api/v1/analyze` — a long recording → speech segments with emotions and a summary;
//! - `POST /api/v1/spectrogram` — an audio file → PNG of its log-mel spectrogram;
//! - `POST /api/v1/report` — all three from one upload (what the web page shows), and with
//!   `sides=true` each channel analysed on its own;
//! - `POST /api/v1/audio` — an audio file → the 16-bit WAV of it as read (what the web page
//!   plays where the browser cannot decode the file);
//! - `GET /api/v1/stream` — WebSocket live mode (see [`stream`]);
//! - `GET /api/v1/openapi.json` — the OpenAPI 3 description of all of the above.
//!
//! With a token ([`require_token`]), every API request must carry it (`ser serve` demands one,
//! or an explicit `--no-auth`, before it listens beyond loopback).
//!
//! Inference runs on Tokio's blocking pool behind a semaphore: at most `max_concurrent`
//! requests decode and predict at once, and up to `max_queue` more wait; beyond that the
//! server answers 503 at once instead of queueing without bound.
//!
//! The web page and the API inside a program of your own, beside routes of its own (axum):
//!
//! ```no_run
//! use std::sync::Arc;
//! use ser_serve::{router, Limits, ModelInfo};
//!
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let model = Arc::new(ser_model::EmotionModel::bundled()?);
//! let info = ModelInfo { name: "bundled".into(), ..ModelInfo::default() };
//! let app = axum::Router::new()
//!     .route("/hello", axum::routing::get(|| async { "hello" }))
//!     .merge(router(model, info, Limits::default()));
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:8000").await?;
//! axum::serve(listener, app).await?;
//! # Ok(())
//! # }
//! ```

mod api;
mod assets;
mod auth;
mod error;
mod state;
pub mod stream;

use std::net::SocketAddr;
use std::sync::Arc;

use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};
use axum::Router;
use ser_model::EmotionModel;

pub use auth::require_token;
pub use error::ApiError;
pub use state::{AppState, Limits, ModelInfo};

/// Builds the application's router around a model.
pub fn router(model: Arc<EmotionModel>, info: ModelInfo, limits: Limits) -> Router {
    let body_limit = limits.max_body_bytes;
    let state = AppState::new(model, info, limits);
    Router::new()
        .route("/", get(assets::index))
        .route("/app.js", get(assets::script))
        .route("/style.css", get(assets::style))
        .route("/healthz", get(api::healthz))
        .route("/api/v1/model", get(api::model_info))
        .route("/api/v1/predict", post(api::predict))
        .route("/api/v1/analyze", post(api::analyze))
        .route("/api/v1/spectrogram", post(api::spectrogram))
        .route("/api/v1/report", post(api::report))
        .route("/api/v1/audio", post(api::audio))
        .route("/api/v1/stream", get(stream::upgrade))
        .route("/api/v1/openapi.json", get(assets::openapi))
        .fallback(api::not_found)
        .layer(DefaultBodyLimit::max(body_limit))
        .with_state(state)
}

/// Serves until Ctrl-C or SIGTERM, then finishes the requests in flight; with `token`, API
/// requests must carry it.
pub async fn serve(
    addr: SocketAddr,
    model: Arc<EmotionModel>,
    info: ModelInfo,
    limits: Limits,
    token: Option<String>,
) -> std::io::Result<()> {
    let listener = tokio::net::TcpListener::bind(addr).await?;
    let local = listener.local_addr()?;
    let mut app = router(model, info, limits);
    let fragment = match token {
        Some(t) => {
            app = require_token(app, t.clone());
            format!("#token={t}")
        }
        None => String::new(),
    };
    eprintln!("ser: serving on http://{local}/{fragment} (Ctrl-C to stop)");
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown_signal())
        .await
}

async fn shutdown_signal() {
    let ctrl_c = async {
        tokio::signal::ctrl_c().await.ok();
    };
    #[cfg(unix)]
    let terminate = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate => {},
    }
    eprintln!("ser: shutting down");
}
