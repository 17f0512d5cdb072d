//! The upstream side: one HTTP client (rustls, redirects off, no proxy from the environment,
//! connect and total timeouts), the header allowlist, and the mapping of upstream answers and
//! failures back to the caller.

use crate::config::{Config, KeyMode};
use crate::error::RelayError;
use axum::body::Body;
use axum::http::header::{AUTHORIZATION, CONTENT_TYPE, RETRY_AFTER};
use axum::http::{HeaderMap, HeaderName, HeaderValue};
use axum::response::Response;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

/// Request headers copied from the caller (besides `Authorization`, handled by [`api_headers`]).
pub const X_OSS_RESOLVE: HeaderName = HeaderName::from_static("x-dashscope-ossresourceresolve");
/// Selects a workspace.
pub const X_WORKSPACE: HeaderName = HeaderName::from_static("x-dashscope-workspace");
/// Set to `enable` on every create call.
pub const X_ASYNC: HeaderName = HeaderName::from_static("x-dashscope-async");

/// Response headers passed back to the caller; everything else (cookies above all) is dropped.
const RESPONSE_HEADERS: [HeaderName; 2] = [CONTENT_TYPE, RETRY_AFTER];

/// Builds the one client every upstream call goes through.
pub fn client(config: &Config) -> Result<reqwest::Client, RelayError> {
    reqwest::Client::builder()
        // A redirect could lead anywhere, carrying the key: never follow, report instead.
        .redirect(reqwest::redirect::Policy::none())
        // HTTP(S)_PROXY from the environment would send traffic (and the key) elsewhere.
        .no_proxy()
        .connect_timeout(config.connect_timeout)
        .user_agent(concat!("wanedit-relay/", env!("CARGO_PKG_VERSION")))
        .tcp_nodelay(true)
        .build()
        .map_err(|e| RelayError::Config(format!("cannot build the HTTP client: {e}")))
}

/// The first value of `name`, if it is clean visible ASCII (hyper already refuses CR/LF;
/// this also refuses other control bytes).
fn clean(headers: &HeaderMap, name: &HeaderName) -> Option<HeaderValue> {
    let value = headers.get(name)?;
    value
        .as_bytes()
        .iter()
        .all(|&b| b == b'\t' || (0x20..0x7f).contains(&b))
        .then(|| value.clone())
}

/// The headers of a DashScope API call: the key (the relay's own, or the caller's in
/// pass-through mode) and the workspace. Nothing else from the caller is ever copied.
pub fn api_headers(incoming: &HeaderMap, key: &KeyMode) -> Result<HeaderMap, RelayError> {
    let mut out = HeaderMap::new();
    match key {
        KeyMode::Held { key, .. } => {
            let mut value =
                HeaderValue::from_str(&format!("Bearer {}", key.expose())).map_err(|_| {
                    RelayError::Config("the API key is not a valid header value".into())
                })?;
            value.set_sensitive(true);
            out.insert(AUTHORIZATION, value);
        }
        KeyMode::PassThrough => {
            if let Some(mut value) = clean(incoming, &AUTHORIZATION) {
                value.set_sensitive(true);
                out.insert(AUTHORIZATION, value);
            }
        }
    }
    if let Some(value) = clean(incoming, &X_WORKSPACE) {
        out.insert(X_WORKSPACE, value);
    }
    Ok(out)
}

/// The headers of a create call: [`api_headers`], JSON, async, and the OSS-resolve flag when
/// the caller sent it or the body uses an `oss://` URL (DashScope refuses those without it).
pub fn create_headers(
    incoming: &HeaderMap,
    key: &KeyMode,
    body: &serde_json::Value,
) -> Result<HeaderMap, RelayError> {
    let mut out = api_headers(incoming, key)?;
    out.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    out.insert(X_ASYNC, HeaderValue::from_static("enable"));
    if let Some(value) = clean(incoming, &X_OSS_RESOLVE) {
        out.insert(X_OSS_RESOLVE, value);
    } else if wanedit_core::region::needs_oss_resolve(body) {
        out.insert(X_OSS_RESOLVE, HeaderValue::from_static("enable"));
    }
    Ok(out)
}

/// Sends `request`, turning failures into relay errors and refusing redirects. `tripped` is
/// set by an upload body that went over its cap (`max`), which makes the failure a 413.
pub async fn send(
    request: reqwest::RequestBuilder,
    tripped: Option<(&Arc<AtomicBool>, u64)>,
) -> Result<reqwest::Response, RelayError> {
    let response = request.send().await.map_err(|e| match tripped {
        Some((flag, max)) if flag.load(Ordering::SeqCst) => RelayError::TooLarge(max),
        _ => classify(&e),
    })?;
    if response.status().is_redirection() {
        return Err(RelayError::UpstreamRedirect);
    }
    Ok(response)
}

/// Connect failures (refused, DNS, TLS, connect timeout) are 502; a total timeout is 504.
fn classify(e: &reqwest::Error) -> RelayError {
    if e.is_connect() {
        RelayError::UpstreamUnavailable
    } else if e.is_timeout() {
        RelayError::UpstreamTimeout
    } else {
        RelayError::UpstreamUnavailable
    }
}

/// Copies the allowed response headers.
pub fn copy_response_headers(from: &reqwest::header::HeaderMap, to: &mut HeaderMap) {
    for name in RESPONSE_HEADERS {
        if let Some(value) = from.get(&name) {
            to.insert(name, value.clone());
        }
    }
}

/// Streams an upstream answer back: its status, the allowed headers, and its body as it comes.
pub fn stream_back(upstream: reqwest::Response) -> Response {
    let status = upstream.status();
    let mut response = Response::new(Body::empty());
    *response.status_mut() = status;
    copy_response_headers(upstream.headers(), response.headers_mut());
    *response.body_mut() = Body::from_stream(upstream.bytes_stream());
    response
}

/// Reads a small upstream answer whole (for the policy rewrite), capped at `max` bytes.
pub async fn read_small(
    mut upstream: reqwest::Response,
    max: usize,
) -> Result<bytes::Bytes, RelayError> {
    let mut buf = bytes::BytesMut::new();
    while let Some(chunk) = upstream.chunk().await.map_err(|e| classify(&e))? {
        if buf.len() + chunk.len() > max {
            return Err(RelayError::UpstreamBadResponse);
        }
        buf.extend_from_slice(&chunk);
    }
    Ok(buf.freeze())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Secret;

    fn incoming() -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(AUTHORIZATION, HeaderValue::from_static("Bearer sk-client"));
        h.insert(X_WORKSPACE, HeaderValue::from_static("ws-1"));
        h.insert("cookie", HeaderValue::from_static("session=1"));
        h.insert("x-forwarded-for", HeaderValue::from_static("10.0.0.1"));
        h.insert("host", HeaderValue::from_static("evil.example"));
        h.insert("x-relay-token", HeaderValue::from_static("tok"));
        h
    }

    #[test]
    fn only_allowlisted_headers_pass() {
        let out = api_headers(&incoming(), &KeyMode::PassThrough).unwrap();
        let names: Vec<_> = out.keys().map(|k| k.as_str()).collect();
        assert_eq!(names.len(), 2, "{names:?}");
        assert_eq!(out[AUTHORIZATION], "Bearer sk-client");
        assert_eq!(out[X_WORKSPACE], "ws-1");
    }

    #[test]
    fn held_key_replaces_the_callers() {
        let key = KeyMode::Held {
            key: Secret::new("sk-relay"),
            real: true,
        };
        let out = api_headers(&incoming(), &key).unwrap();
        assert_eq!(out[AUTHORIZATION], "Bearer sk-relay");
        assert!(out[AUTHORIZATION].is_sensitive());
    }

    #[test]
    fn create_adds_async_and_oss_resolve() {
        let body = serde_json::json!({"input": {"video_url": "oss://dashscope-instant/x.mp4"}});
        let out = create_headers(&HeaderMap::new(), &KeyMode::PassThrough, &body).unwrap();
        assert_eq!(out[X_ASYNC], "enable");
        assert_eq!(out[X_OSS_RESOLVE], "enable");
        assert_eq!(out[CONTENT_TYPE], "application/json");
        let plain = serde_json::json!({"input": {"video_url": "https://a.example/x.mp4"}});
        let out = create_headers(&HeaderMap::new(), &KeyMode::PassThrough, &plain).unwrap();
        assert!(!out.contains_key(X_OSS_RESOLVE));
    }
}
