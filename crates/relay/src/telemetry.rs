//! Prometheus metrics, off by default. With `--metrics-listen ADDR` the relay records, with the
//! `metrics` crate and its Prometheus exporter, and serves `GET /metrics` on that address only
//! (never on the main listener, so the public port shows nothing of it):
//!
//! - `wanedit_relay_requests_total{route,status}`: answers by route name and status;
//! - `wanedit_relay_upstream_duration_seconds{route,upstream}`: histogram of the time from a
//!   forwarded request's arrival to the upstream's answer headers;
//! - `wanedit_relay_uploads_in_flight`: uploads being streamed now;
//! - `wanedit_relay_validation_issues_total{severity,code}`: what `wanedit_core::validate`
//!   found in create bodies, by issue code.
//!
//! Without the flag nothing is recorded and each hook is one relaxed atomic load.

use crate::error::RelayError;
use axum::body::Body;
use axum::http::header::CONTENT_TYPE;
use axum::http::{HeaderValue, Method, Response, StatusCode};
use hyper_util::rt::TokioIo;
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::OnceLock;
use std::time::{Duration, Instant};
use wanedit_core::{Issue, Severity};

/// Requests by route and status.
pub const REQUESTS: &str = "wanedit_relay_requests_total";
/// Upstream latency histogram.
pub const UPSTREAM_DURATION: &str = "wanedit_relay_upstream_duration_seconds";
/// Uploads in flight.
pub const UPLOADS_IN_FLIGHT: &str = "wanedit_relay_uploads_in_flight";
/// Validation issues by severity and code.
pub const VALIDATION_ISSUES: &str = "wanedit_relay_validation_issues_total";

/// Histogram buckets of [`UPSTREAM_DURATION`], in seconds.
const BUCKETS: &[f64] = &[
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 300.0, 900.0,
];

static ENABLED: AtomicBool = AtomicBool::new(false);
static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();

fn enabled() -> bool {
    ENABLED.load(Ordering::Relaxed)
}

/// Installs the process-wide recorder (once; later calls reuse it) and turns recording on.
pub fn install() -> Result<PrometheusHandle, RelayError> {
    if let Some(handle) = HANDLE.get() {
        return Ok(handle.clone());
    }
    let handle = PrometheusBuilder::new()
        .set_buckets_for_metric(Matcher::Full(UPSTREAM_DURATION.into()), BUCKETS)
        .and_then(PrometheusBuilder::install_recorder)
        .map_err(|e| RelayError::Config(format!("metrics: {e}")))?;
    ::metrics::describe_counter!(REQUESTS, "Answers by route name and HTTP status.");
    ::metrics::describe_histogram!(
        UPSTREAM_DURATION,
        ::metrics::Unit::Seconds,
        "Time from a forwarded request's arrival to the upstream's answer headers."
    );
    ::metrics::describe_gauge!(UPLOADS_IN_FLIGHT, "Uploads being streamed now.");
    ::metrics::describe_counter!(
        VALIDATION_ISSUES,
        "Issues wanedit_core::validate found in create bodies, by severity and code."
    );
    ::metrics::gauge!(UPLOADS_IN_FLIGHT).set(0.0);
    let handle = HANDLE.get_or_init(|| handle).clone();
    ENABLED.store(true, Ordering::Relaxed);
    Ok(handle)
}

/// Counts one answer; for forwarded routes (`upstream` not empty) also records the time from
/// `started` to the answer's headers (read only when recording: a clock read per request).
pub fn request(route: &'static str, upstream: &str, status: StatusCode, started: Instant) {
    if !enabled() {
        return;
    }
    let elapsed = started.elapsed();
    ::metrics::counter!(REQUESTS, "route" => route, "status" => status.as_str().to_owned())
        .increment(1);
    if !upstream.is_empty() {
        ::metrics::histogram!(UPSTREAM_DURATION, "route" => route, "upstream" => upstream.to_owned())
            .record(elapsed.as_secs_f64());
    }
}

/// Counts what validation found in one create body.
pub fn validation(issues: &[Issue]) {
    if !enabled() {
        return;
    }
    for issue in issues {
        let severity = match issue.severity {
            Severity::Error => "error",
            _ => "warning",
        };
        ::metrics::counter!(VALIDATION_ISSUES, "severity" => severity, "code" => issue.code.as_str())
            .increment(1);
    }
}

/// Marks one upload in flight until dropped.
pub struct UploadInFlight(bool);

/// An upload starts; it ends when the returned guard is dropped.
pub fn upload_started() -> UploadInFlight {
    let on = enabled();
    if on {
        ::metrics::gauge!(UPLOADS_IN_FLIGHT).increment(1.0);
    }
    UploadInFlight(on)
}

impl Drop for UploadInFlight {
    fn drop(&mut self) {
        if self.0 {
            ::metrics::gauge!(UPLOADS_IN_FLIGHT).decrement(1.0);
        }
    }
}

/// Serves `GET /metrics` on `listener` until `stop` turns true (everything else is 404), and
/// runs the exporter's upkeep every few seconds.
pub async fn serve(
    listener: tokio::net::TcpListener,
    handle: PrometheusHandle,
    mut stop: tokio::sync::watch::Receiver<bool>,
) {
    let mut upkeep = tokio::time::interval(Duration::from_secs(5));
    let mut stopping = std::pin::pin!(async move {
        let _ = stop.wait_for(|stop| *stop).await;
    });
    loop {
        let accepted = tokio::select! {
            accepted = listener.accept() => accepted,
            _ = upkeep.tick() => {
                handle.run_upkeep();
                continue;
            }
            () = &mut stopping => break,
        };
        let Ok((stream, _)) = accepted else {
            tokio::time::sleep(Duration::from_millis(100)).await;
            continue;
        };
        let handle = handle.clone();
        let service = hyper::service::service_fn(move |request: hyper::Request<_>| {
            let handle = handle.clone();
            async move { Ok::<_, std::convert::Infallible>(answer(&handle, &request)) }
        });
        tokio::spawn(async move {
            let connection = hyper::server::conn::http1::Builder::new()
                .serve_connection(TokioIo::new(stream), service);
            let _ = tokio::time::timeout(Duration::from_secs(30), connection).await;
        });
    }
}

fn answer<B>(handle: &PrometheusHandle, request: &hyper::Request<B>) -> Response<Body> {
    let (status, body) = if request.uri().path() != "/metrics" {
        (StatusCode::NOT_FOUND, "not found\n".to_string())
    } else if request.method() != Method::GET && request.method() != Method::HEAD {
        (StatusCode::METHOD_NOT_ALLOWED, "GET only\n".to_string())
    } else {
        (StatusCode::OK, handle.render())
    };
    let mut response = Response::new(Body::from(body));
    *response.status_mut() = status;
    response.headers_mut().insert(
        CONTENT_TYPE,
        HeaderValue::from_static("text/plain; version=0.0.4; charset=utf-8"),
    );
    crate::security::api_headers(response.headers_mut());
    response
}

/// Binds the metrics listener (before the relay reports itself listening, so a bad address
/// fails the start).
pub async fn bind(addr: SocketAddr) -> Result<tokio::net::TcpListener, RelayError> {
    tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|e| RelayError::Config(format!("--metrics-listen {addr}: {e}")))
}
