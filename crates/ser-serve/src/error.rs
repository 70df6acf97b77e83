//! API errors as JSON with the right status code.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use ser_audio::{AudioError, ErrorKind};
use serde_json::json;

/// An error answered as `{"error": message}` with `status`.
#[derive(Debug)]
pub struct ApiError {
    /// HTTP status.
    pub status: StatusCode,
    /// Human-readable reason.
    pub message: String,
}

impl ApiError {
    /// An error with a status and message.
    pub fn new(status: StatusCode, message: impl Into<String>) -> Self {
        Self {
            status,
            message: message.into(),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (self.status, Json(json!({"error": self.message}))).into_response()
    }
}

impl From<AudioError> for ApiError {
    /// Unrecognised formats and codecs are 415; a readable recording without sound or speech
    /// is 422;
    /// everything else wrong with the audio is 400.
    fn from(e: AudioError) -> Self {
        let status = match e.kind {
            ErrorKind::NotAudio | ErrorKind::UnsupportedCodec(_) => {
                StatusCode::UNSUPPORTED_MEDIA_TYPE
            }
            ErrorKind::TooLong { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            ErrorKind::Silent { .. } | ErrorKind::NoSpeech | ErrorKind::OnlyCrosstalk { .. } => {
                StatusCode::UNPROCESSABLE_ENTITY
            }
            _ => StatusCode::BAD_REQUEST,
        };
        Self::new(status, e.to_string())
    }
}
