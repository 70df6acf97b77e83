//! What every handler shares: the model and the limits that keep the server responsive.

use std::sync::Arc;
use std::time::Duration;

use ser_model::EmotionModel;
use tokio::sync::Semaphore;

/// Resource limits of the server.
#[derive(Debug, Clone)]
pub struct Limits {
    /// Largest accepted request body (bytes); larger uploads get 413.
    pub max_body_bytes: usize,
    /// Requests decoded and predicted at the same time.
    pub max_concurrent: usize,
    /// Requests allowed to wait for a slot; beyond that, 503.
    pub max_queue: usize,
    /// Longest time a client may take to send its upload; slower ones get 408.
    pub upload_timeout: Duration,
    /// Live-mode WebSockets open at the same time; beyond that, 503.
    pub max_streams: usize,
    /// A live-mode WebSocket silent for this long is closed.
    pub stream_idle_timeout: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_body_bytes: 50 * 1024 * 1024,
            max_concurrent: std::thread::available_parallelism().map_or(2, |n| n.get()),
            max_queue: 64,
            upload_timeout: Duration::from_secs(60),
            max_streams: 32,
            stream_idle_timeout: Duration::from_secs(30),
        }
    }
}

/// What the server tells about its model besides the configuration.
#[derive(Debug, Clone, Default)]
pub struct ModelInfo {
    /// A short name: `bundled` or the model directory.
    pub name: String,
    /// The model card (Markdown), if there is one.
    pub card: Option<String>,
    /// metrics.json (validation and cross-validation scores), if there is one.
    pub metrics: Option<serde_json::Value>,
}

/// Shared state of the handlers.
#[derive(Clone)]
pub struct AppState {
    /// The model that answers.
    pub model: Arc<EmotionModel>,
    /// Its description.
    pub info: Arc<ModelInfo>,
    /// Slots for running inference.
    pub workers: Arc<Semaphore>,
    /// Slots for running or waiting (running + queued).
    pub admission: Arc<Semaphore>,
    /// Slots for open live-mode WebSockets.
    pub streams: Arc<Semaphore>,
    /// The limits the state was made with.
    pub limits: Arc<Limits>,
}

impl AppState {
    /// State for a model under the given limits.
    pub fn new(model: Arc<EmotionModel>, info: ModelInfo, limits: Limits) -> Self {
        Self {
            model,
            info: Arc::new(info),
            workers: Arc::new(Semaphore::new(limits.max_concurrent.max(1))),
            admission: Arc::new(Semaphore::new(
                limits.max_concurrent.max(1) + limits.max_queue,
            )),
            streams: Arc::new(Semaphore::new(limits.max_streams)),
            limits: Arc::new(limits),
        }
    }
}
