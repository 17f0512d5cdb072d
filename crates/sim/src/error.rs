//! The simulator's one error type and how each kind goes over the wire.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::json;

/// Everything that can go wrong, as DashScope, the OSS endpoint or the control API reports it.
#[derive(Debug, thiserror::Error)]
pub enum SimError {
    /// A DashScope error: JSON `{"code","message","request_id"}` with this HTTP status.
    #[error("{status} {code}: {message}")]
    Api {
        /// HTTP status.
        status: u16,
        /// DashScope error code, e.g. `InvalidParameter`.
        code: String,
        /// Human-readable message.
        message: String,
        /// Seconds for a `Retry-After` header, if any.
        retry_after: Option<u64>,
    },
    /// An OSS error: XML `<Error><Code>…` with this HTTP status.
    #[error("OSS {status} {code}: {message}")]
    Oss {
        /// HTTP status.
        status: u16,
        /// OSS error code, e.g. `AccessDenied`.
        code: String,
        /// Human-readable message.
        message: String,
    },
    /// A control call named a task the simulator does not have.
    #[error("no such task: {0}")]
    NoSuchTask(String),
    /// A control call was malformed.
    #[error("bad control request: {0}")]
    BadControl(String),
    /// An injected fault wants the connection closed without a response.
    #[error("connection dropped by an injected fault")]
    Dropped,
}

impl SimError {
    /// A DashScope error with the given status, code and message.
    pub fn api(status: u16, code: &str, message: impl Into<String>) -> Self {
        Self::Api {
            status,
            code: code.into(),
            message: message.into(),
            retry_after: None,
        }
    }

    /// 400 `InvalidParameter`.
    pub fn invalid_parameter(message: impl Into<String>) -> Self {
        Self::api(400, "InvalidParameter", message)
    }

    /// 401 for a missing or wrong key.
    pub fn invalid_key(missing: bool) -> Self {
        let message = if missing {
            "No API-key provided."
        } else {
            "Invalid API-key provided."
        };
        Self::api(401, "InvalidApiKey", message)
    }

    /// 429 `Throttling.RateQuota`: too many requests in the last second.
    pub fn rate_quota() -> Self {
        Self::api(
            429,
            "Throttling.RateQuota",
            "Requests rate limit exceeded, please try again later.",
        )
    }

    /// An OSS error.
    pub fn oss(status: u16, code: &str, message: impl Into<String>) -> Self {
        Self::Oss {
            status,
            code: code.into(),
            message: message.into(),
        }
    }
}

/// A fresh DashScope-style request id.
pub fn request_id() -> String {
    uuid::Uuid::new_v4().to_string()
}

fn status(code: u16) -> StatusCode {
    StatusCode::from_u16(code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
}

/// Escapes text for an XML element body.
fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The XML body OSS sends with an error.
pub fn oss_error_xml(code: &str, message: &str, request_id: &str) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error>\n  <Code>{}</Code>\n  <Message>{}</Message>\n  <RequestId>{}</RequestId>\n  <HostId>oss.wanedit-sim.local</HostId>\n</Error>\n",
        xml_escape(code),
        xml_escape(message),
        xml_escape(request_id)
    )
}

impl IntoResponse for SimError {
    fn into_response(self) -> Response {
        let rid = request_id();
        match self {
            Self::Api {
                status: code_status,
                code,
                message,
                retry_after,
            } => {
                let body = json!({"code": code, "message": message, "request_id": rid});
                let mut resp = (status(code_status), axum::Json(body)).into_response();
                if let Some(secs) = retry_after {
                    resp.headers_mut()
                        .insert(header::RETRY_AFTER, HeaderValue::from(secs));
                }
                resp
            }
            Self::Oss {
                status: code_status,
                code,
                message,
            } => (
                status(code_status),
                [(header::CONTENT_TYPE, "application/xml")],
                oss_error_xml(&code, &message, &rid),
            )
                .into_response(),
            Self::NoSuchTask(_) => {
                let body =
                    json!({"code": "NoSuchTask", "message": self.to_string(), "request_id": rid});
                (StatusCode::NOT_FOUND, axum::Json(body)).into_response()
            }
            Self::BadControl(_) => {
                let body =
                    json!({"code": "BadControl", "message": self.to_string(), "request_id": rid});
                (StatusCode::BAD_REQUEST, axum::Json(body)).into_response()
            }
            // Only reachable if a handler returns it outside the connection wrapper, which
            // turns the marker into a closed socket; the status is a fallback.
            Self::Dropped => {
                let mut resp = StatusCode::INTERNAL_SERVER_ERROR.into_response();
                resp.extensions_mut().insert(DropConnection);
                resp
            }
        }
    }
}

/// Response extension telling the connection layer to close the socket without answering.
#[derive(Debug, Clone, Copy)]
pub struct DropConnection;
