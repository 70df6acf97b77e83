//! Bearer-token access control for servers exposed beyond this machine.
//!
//! With a token, every `/api/` request except the OpenAPI document must carry it, either as
//! `Authorization: Bearer TOKEN` or, for WebSockets (browsers cannot set their headers), as the
//! query parameter `token=TOKEN`. The page and its assets stay public: the page reads the token
//! from its URL (`/#token=TOKEN`, which browsers never send to the server) and adds it itself.

use axum::extract::{Request, State};
use axum::http::{header, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::Router;

use crate::error::ApiError;

/// Puts `router` behind `token`.
pub fn require_token(router: Router, token: String) -> Router {
    router.layer(middleware::from_fn_with_state(token, check))
}

async fn check(State(token): State<String>, req: Request, next: Next) -> Response {
    let path = req.uri().path();
    if !path.starts_with("/api/") || path == "/api/v1/openapi.json" {
        return next.run(req).await;
    }
    let bearer = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "));
    let query = req
        .uri()
        .query()
        .and_then(|q| q.split('&').find_map(|pair| pair.strip_prefix("token=")));
    if bearer
        .or(query)
        .is_some_and(|given| same(given.as_bytes(), token.as_bytes()))
    {
        return next.run(req).await;
    }
    let mut res = ApiError::new(
        StatusCode::UNAUTHORIZED,
        "missing or wrong token: send Authorization: Bearer TOKEN (or ?token=TOKEN for WebSockets)",
    )
    .into_response();
    res.headers_mut().insert(
        header::WWW_AUTHENTICATE,
        header::HeaderValue::from_static("Bearer"),
    );
    res
}

/// Compares in time that depends only on the lengths, so the token cannot be guessed byte by
/// byte from response times.
fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::same;

    #[test]
    fn compares_whole_tokens() {
        assert!(same(b"s3cret", b"s3cret"));
        assert!(!same(b"s3cret", b"s3creT"));
        assert!(!same(b"s3cret", b"s3cre"));
        assert!(!same(b"", b"x"));
    }
}
