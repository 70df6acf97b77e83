//! The web page and API description, embedded in the binary (no CDN: works offline).

use std::sync::LazyLock;

use axum::http::header;
use axum::response::{Html, IntoResponse};

const INDEX: &str = include_str!("../assets/index.html");
/// The page as served: its file picker offers every extension ser reads
/// ([`ser_audio::AUDIO_EXTENSIONS`]), so the two lists cannot drift apart.
static PAGE: LazyLock<String> = LazyLock::new(|| {
    let extensions: Vec<String> = ser_audio::AUDIO_EXTENSIONS
        .iter()
        .map(|e| format!(".{e}"))
        .collect();
    INDEX.replace("{audio_extensions}", &extensions.join(","))
});
const SCRIPT: &str = include_str!("../assets/app.js");
const STYLE: &str = include_str!("../assets/style.css");
const OPENAPI: &str = include_str!("../assets/openapi.json");

/// Headers every page response carries: no sniffing, no framing by other sites, no referrer
/// leaks, and only this server's own scripts.
const PAGE_HEADERS: [(header::HeaderName, &str); 4] = [
    (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
    (header::X_FRAME_OPTIONS, "DENY"),
    (header::REFERRER_POLICY, "no-referrer"),
    (
        header::CONTENT_SECURITY_POLICY,
        "default-src 'self'; img-src 'self' blob: data:; media-src 'self' blob:; connect-src 'self' ws: wss:",
    ),
];

/// `GET /`.
pub async fn index() -> impl IntoResponse {
    (PAGE_HEADERS, Html(PAGE.as_str()))
}

/// `GET /app.js`.
pub async fn script() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/javascript; charset=utf-8")],
        SCRIPT,
    )
}

/// `GET /style.css`.
pub async fn style() -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "text/css; charset=utf-8")], STYLE)
}

/// `GET /api/v1/openapi.json`.
pub async fn openapi() -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "application/json")], OPENAPI)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_file_picker_offers_every_extension_ser_reads() {
        let accept = PAGE
            .split("accept=\"")
            .nth(1)
            .and_then(|rest| rest.split('"').next())
            .expect("the file input's accept attribute");
        let offered: Vec<&str> = accept.split(',').collect();
        assert!(offered.contains(&"audio/*"), "{accept}");
        for e in ser_audio::AUDIO_EXTENSIONS {
            assert!(
                offered.contains(&format!(".{e}").as_str()),
                "{e} missing: {accept}"
            );
        }
    }
}
