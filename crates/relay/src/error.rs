//! The relay's one error type. Every refusal the relay makes itself is answered in DashScope's
//! error shape `{"code","message","request_id"}`, so a client handles relay and upstream errors
//! the same way.

use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::json;
use thiserror::Error;
use wanedit_core::Issue;

/// Everything that can go wrong, at startup or while answering a request.
#[derive(Debug, Error)]
pub enum RelayError {
    /// A flag or environment variable is wrong.
    #[error("{0}")]
    Config(String),
    /// A key is held but anyone could use it.
    #[error(
        "refusing to start: the relay holds an API key but callers are not restricted; \
         set --access-token (WANEDIT_ACCESS_TOKEN) and/or explicit --allow-origin values"
    )]
    Unrestricted,
    /// The listening socket could not be opened, or the simulator could not start.
    #[error("I/O error: {0}")]
    Io(#[from] std::io::Error),
    /// No such route (or a path the relay refuses to interpret).
    #[error("no such route")]
    NotFound,
    /// The caller's origin is not allowed.
    #[error("origin not allowed")]
    OriginForbidden,
    /// The route is switched off in this configuration.
    #[error("{0}")]
    Forbidden(&'static str),
    /// Missing or wrong access token (or, when the relay holds a key, no allowed origin).
    #[error("{0}")]
    Unauthorized(&'static str),
    /// A malformed request the relay refuses to forward.
    #[error("{0}")]
    BadRequest(String),
    /// The create-task body is not JSON.
    #[error("the request body is not JSON: {0}")]
    NotJson(String),
    /// The create-task body breaks a documented rule.
    #[error("the request body breaks {} documented rule(s)", .0.iter().filter(|i| i.is_error()).count().max(1))]
    InvalidBody(Vec<Issue>),
    /// The model is not one the relay's own key may be spent on (`--allow-model`).
    #[error("{0}")]
    ModelNotAllowed(String),
    /// The body is larger than allowed.
    #[error("request body larger than {0} bytes")]
    TooLarge(u64),
    /// An upload without `Content-Length`.
    #[error("uploads must send Content-Length")]
    LengthRequired,
    /// The client sends too many requests.
    #[error("too many requests; retry after {0} s")]
    RateLimited(u64),
    /// An upload id that is tampered with, signed under another secret, for another
    /// upstream, or expired.
    #[error("{0}")]
    UploadForbidden(&'static str),
    /// The upstream's upload host is not on the allowlist.
    #[error("the upstream named an upload host that is not on the relay's allowlist")]
    UploadHostRefused,
    /// The upstream could not be reached (connection refused, DNS, TLS, connect timeout).
    #[error("upstream unavailable")]
    UpstreamUnavailable,
    /// The upstream did not answer in time.
    #[error("upstream timed out")]
    UpstreamTimeout,
    /// The upstream answered a redirect, which the relay never follows.
    #[error("upstream answered a redirect, which the relay does not follow")]
    UpstreamRedirect,
    /// The upstream answered something the relay cannot use.
    #[error("upstream answered an unreadable response")]
    UpstreamBadResponse,
    /// A request body that arrived too slowly (`--body-timeout`, `--upload-min-rate`).
    #[error("{0}")]
    RequestTimeout(&'static str),
    /// A connection over `--max-connections` or `--max-connections-per-client`.
    #[error("{0}")]
    Busy(&'static str),
}

impl RelayError {
    /// HTTP status and DashScope-style code.
    pub fn status_code(&self) -> (StatusCode, &'static str) {
        match self {
            RelayError::Config(_) | RelayError::Unrestricted | RelayError::Io(_) => {
                (StatusCode::INTERNAL_SERVER_ERROR, "RelayInternalError")
            }
            RelayError::NotFound => (StatusCode::NOT_FOUND, "RelayNotFound"),
            RelayError::OriginForbidden | RelayError::Forbidden(_) => {
                (StatusCode::FORBIDDEN, "RelayForbidden")
            }
            RelayError::Unauthorized(_) => (StatusCode::UNAUTHORIZED, "RelayUnauthorized"),
            RelayError::BadRequest(_) => (StatusCode::BAD_REQUEST, "RelayBadRequest"),
            RelayError::NotJson(_) | RelayError::InvalidBody(_) => {
                (StatusCode::BAD_REQUEST, "InvalidParameter")
            }
            RelayError::ModelNotAllowed(_) => (StatusCode::FORBIDDEN, "RelayModelNotAllowed"),
            RelayError::TooLarge(_) => (StatusCode::PAYLOAD_TOO_LARGE, "RequestTooLarge"),
            RelayError::LengthRequired => (StatusCode::LENGTH_REQUIRED, "RelayLengthRequired"),
            RelayError::RateLimited(_) => (StatusCode::TOO_MANY_REQUESTS, "RateLimited"),
            RelayError::UploadForbidden(_) => (StatusCode::FORBIDDEN, "RelayUploadForbidden"),
            RelayError::UploadHostRefused => (StatusCode::BAD_GATEWAY, "UploadHostRefused"),
            RelayError::UpstreamUnavailable => (StatusCode::BAD_GATEWAY, "UpstreamUnavailable"),
            RelayError::UpstreamTimeout => (StatusCode::GATEWAY_TIMEOUT, "UpstreamTimeout"),
            RelayError::UpstreamRedirect => (StatusCode::BAD_GATEWAY, "UpstreamRedirect"),
            RelayError::UpstreamBadResponse => (StatusCode::BAD_GATEWAY, "UpstreamBadResponse"),
            RelayError::RequestTimeout(_) => (StatusCode::REQUEST_TIMEOUT, "RelayRequestTimeout"),
            RelayError::Busy(_) => (StatusCode::SERVICE_UNAVAILABLE, "RelayBusy"),
        }
    }

    /// The JSON answer, tagged with the relay's request id.
    pub fn into_response_with_id(self, request_id: &str) -> Response {
        let (status, code) = self.status_code();
        let message = match &self {
            RelayError::InvalidBody(issues) => issues
                .iter()
                .find(|i| i.is_error())
                .map(|i| format!("{self}: {i}"))
                .unwrap_or_else(|| self.to_string()),
            _ => self.to_string(),
        };
        let mut body = json!({ "code": code, "message": message, "request_id": request_id });
        if let RelayError::InvalidBody(issues) = &self {
            body["issues"] = serde_json::to_value(issues).unwrap_or_default();
        }
        let mut response = (status, axum::Json(body)).into_response();
        if let RelayError::RateLimited(secs) = self {
            response
                .headers_mut()
                .insert(axum::http::header::RETRY_AFTER, HeaderValue::from(secs));
        }
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rate_limited_carries_retry_after() {
        let r = RelayError::RateLimited(7).into_response_with_id("rid");
        assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(r.headers()["retry-after"], "7");
    }

    #[test]
    fn codes_are_dashscope_shaped() {
        assert_eq!(
            RelayError::TooLarge(1).status_code(),
            (StatusCode::PAYLOAD_TOO_LARGE, "RequestTooLarge")
        );
        assert_eq!(
            RelayError::UpstreamTimeout.status_code().0,
            StatusCode::GATEWAY_TIMEOUT
        );
        assert_eq!(
            RelayError::UpstreamRedirect.status_code().0,
            StatusCode::BAD_GATEWAY
        );
    }
}
