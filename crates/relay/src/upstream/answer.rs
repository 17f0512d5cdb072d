//! An upstream answer on its way back: its head checked (no redirects), its body streamed to
//! the caller under the call's total deadline, and its connection handed back to the pool
//! once the body has been read to the end.

use super::headers::keep_response_headers;
use super::pool::CheckIn;
use crate::error::RelayError;
use axum::body::Body;
use axum::http::StatusCode;
use axum::response::Response;
use bytes::Bytes;
use http_body::{Body as HttpBody, Frame, SizeHint};
use http_body_util::{BodyExt, Limited};
use hyper::body::Incoming;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use tokio::time::Sleep;

/// Room for the answer's headers, the CORS and security headers and the request id, without
/// growing.
const ANSWER_HEADERS: usize = 12;

/// An upstream answer whose head arrived in time; its body still runs against the same
/// deadline.
pub struct Answer {
    response: axum::http::Response<Incoming>,
    deadline: Pin<Box<Sleep>>,
    checkin: Option<CheckIn>,
}

impl Answer {
    /// The answer to a call, its body still to be read within `deadline`. A redirect is
    /// refused: the relay never follows one (it could lead off the configured upstream).
    pub(super) fn new(
        response: axum::http::Response<Incoming>,
        deadline: Pin<Box<Sleep>>,
        checkin: Option<CheckIn>,
    ) -> Result<Answer, RelayError> {
        if response.status().is_redirection() {
            return Err(RelayError::UpstreamRedirect);
        }
        Ok(Answer {
            response,
            deadline,
            checkin,
        })
    }

    /// The upstream's status.
    pub fn status(&self) -> StatusCode {
        self.response.status()
    }

    fn into_parts(self) -> (axum::http::response::Parts, TimedBody) {
        let (parts, inner) = self.response.into_parts();
        let mut body = TimedBody {
            inner,
            deadline: self.deadline,
            checkin: self.checkin,
        };
        // An empty body may never be polled: the connection is free already.
        if body.inner.is_end_stream() {
            body.check_in();
        }
        (parts, body)
    }
}

/// Streams an upstream answer back: its status, the allowed headers, and its body as it comes
/// (with its length when the upstream sent one).
pub fn stream_back(answer: Answer) -> Response {
    let (mut parts, body) = answer.into_parts();
    let mut response = Response::new(Body::new(body));
    *response.status_mut() = parts.status;
    // The upstream's own map, kept: it has room for the relay's headers (see
    // `api_headers_in`), and no new one is allocated.
    keep_response_headers(&mut parts.headers);
    if parts.headers.capacity() < ANSWER_HEADERS {
        parts.headers.reserve(ANSWER_HEADERS);
    }
    *response.headers_mut() = parts.headers;
    response
}

/// Reads a small upstream answer whole (for the policy rewrite), capped at `max` bytes.
pub async fn read_small(answer: Answer, max: usize) -> Result<Bytes, RelayError> {
    let (_, body) = answer.into_parts();
    match Limited::new(body, max).collect().await {
        Ok(collected) => Ok(collected.to_bytes()),
        Err(e) => Err(match e.downcast_ref::<BodyError>() {
            Some(e) if e.is_timeout() => RelayError::UpstreamTimeout,
            Some(_) => RelayError::UpstreamUnavailable,
            // Over `max` (http-body-util's LengthLimitError).
            None => RelayError::UpstreamBadResponse,
        }),
    }
}

/// An upstream body that fails once the call's total deadline has passed (so a stalled
/// upstream cannot hold a caller's connection open forever), and that hands its connection
/// back to the pool once read to the end. A body dropped before its end takes the connection
/// with it (hyper then closes it: its state is unknown).
struct TimedBody {
    inner: Incoming,
    deadline: Pin<Box<Sleep>>,
    checkin: Option<CheckIn>,
}

impl TimedBody {
    fn check_in(&mut self) {
        if let Some(checkin) = self.checkin.take() {
            checkin.done();
        }
    }
}

/// Why an upstream body stopped early.
#[derive(Debug)]
pub struct BodyError {
    timeout: bool,
    source: Option<hyper::Error>,
}

impl BodyError {
    /// Whether the total deadline passed.
    pub fn is_timeout(&self) -> bool {
        self.timeout
    }
}

impl std::fmt::Display for BodyError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.source {
            _ if self.timeout => f.write_str("upstream timed out"),
            Some(e) => write!(f, "upstream body: {e}"),
            None => f.write_str("upstream body failed"),
        }
    }
}

impl std::error::Error for BodyError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source
            .as_ref()
            .map(|e| e as &(dyn std::error::Error + 'static))
    }
}

impl HttpBody for TimedBody {
    type Data = Bytes;
    type Error = BodyError;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, BodyError>>> {
        let this = self.get_mut();
        let timed_out = || BodyError {
            timeout: true,
            source: None,
        };
        if this.deadline.is_elapsed() {
            this.checkin = None;
            return Poll::Ready(Some(Err(timed_out())));
        }
        match Pin::new(&mut this.inner).poll_frame(cx) {
            Poll::Ready(Some(Ok(frame))) => {
                if this.inner.is_end_stream() {
                    this.check_in();
                }
                Poll::Ready(Some(Ok(frame)))
            }
            Poll::Ready(Some(Err(e))) => {
                this.checkin = None;
                Poll::Ready(Some(Err(BodyError {
                    timeout: false,
                    source: Some(e),
                })))
            }
            Poll::Ready(None) => {
                this.check_in();
                Poll::Ready(None)
            }
            Poll::Pending => match this.deadline.as_mut().poll(cx) {
                Poll::Ready(()) => {
                    this.checkin = None;
                    Poll::Ready(Some(Err(timed_out())))
                }
                Poll::Pending => Poll::Pending,
            },
        }
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}
