//! Middleware in front of every route: records API requests, applies injected faults, bounds
//! JSON bodies, and gives only the `/__sim` control routes CORS headers (real DashScope sends
//! none, which is the reason the relay exists; the simulator must not hide that).

use std::time::Duration;

use axum::body::{to_bytes, Body};
use axum::extract::{Request, State as AxState};
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde_json::Value;

use crate::error::SimError;
use crate::faults::{Fault, FaultKind, FaultPhase};
use crate::reqlog::{body_value, redacted_headers, route_of, RequestRecord};
use crate::state::State;

/// Request extension: the log sequence number of this request, for handlers to annotate.
#[derive(Debug, Clone, Copy)]
pub struct LogSeq(pub u64);

/// Records, faults and bounds one request.
pub async fn observe(AxState(state): AxState<State>, req: Request, next: Next) -> Response {
    let path = req.uri().path().to_string();
    if path == "/__sim" || path.starts_with("/__sim/") {
        return with_cors(req, next).await;
    }
    let method = req.method().as_str().to_string();
    let route = route_of(&method, &path);
    let record = RequestRecord {
        seq: 0,
        route,
        method: method.clone(),
        path: path.clone(),
        query: req.uri().query().map(str::to_string),
        headers: redacted_headers(req.headers()),
        key_index: state.key_index(req.headers()),
        body: Value::Null,
        body_len: None,
        note: None,
        status: None,
        fault: None,
        virtual_ms: state.clock.now_ms(),
    };
    let (seq, fault) = {
        let mut inner = state.lock();
        let seq = inner.log.push(record);
        let fault = inner.faults.take(&method, &path);
        if fault.is_some() {
            inner.log.counters.faults_applied += 1;
        }
        (seq, fault)
    };
    tracing::debug!(%method, %path, seq, "request");

    let response = match fault {
        Some(f) => {
            let label = f.label();
            state.lock().log.update(seq, |r| r.fault = Some(label));
            match f.phase {
                FaultPhase::Before => match apply(&f).await {
                    Some(resp) => resp,
                    None => handle(&state, seq, route, req, next).await,
                },
                FaultPhase::After => {
                    let real = handle(&state, seq, route, req, next).await;
                    apply(&f).await.unwrap_or(real)
                }
            }
        }
        None => handle(&state, seq, route, req, next).await,
    };

    let dropped = response
        .extensions()
        .get::<crate::error::DropConnection>()
        .is_some();
    let status = (!dropped).then(|| response.status().as_u16());
    state.lock().log.update(seq, |r| r.status = status);
    tracing::info!(%method, %path, status = status.unwrap_or(0), dropped, "served");
    response
}

/// Sleeps for a latency fault (`None`: carry on) or builds the fault's response.
async fn apply(fault: &Fault) -> Option<Response> {
    if let FaultKind::Latency { ms } = fault.kind {
        tokio::time::sleep(Duration::from_millis(ms)).await;
        return None;
    }
    fault.error_response().map(IntoResponse::into_response)
}

/// Buffers a JSON-sized body (uploads stream through untouched), logs it, runs the route.
async fn handle(state: &State, seq: u64, route: &str, mut req: Request, next: Next) -> Response {
    req.extensions_mut().insert(LogSeq(seq));
    if route == "oss_upload" {
        return next.run(req).await;
    }
    let (parts, body) = req.into_parts();
    let bytes = match to_bytes(body, state.config.max_body_bytes).await {
        Ok(b) => b,
        Err(_) => {
            return SimError::api(413, "BadRequest.TooLarge", "Request body is too large.")
                .into_response()
        }
    };
    let value = body_value(&bytes);
    let len = bytes.len();
    state.lock().log.update(seq, |r| {
        r.body = value;
        r.body_len = Some(len);
    });
    next.run(Request::from_parts(parts, Body::from(bytes)))
        .await
}

/// Runs a control route with permissive CORS, answering preflights directly: browser tests
/// may steer the simulator from page scripts on another origin.
async fn with_cors(req: Request, next: Next) -> Response {
    let mut resp = if req.method() == Method::OPTIONS {
        StatusCode::NO_CONTENT.into_response()
    } else {
        next.run(req).await
    };
    let h = resp.headers_mut();
    h.insert(
        header::ACCESS_CONTROL_ALLOW_ORIGIN,
        HeaderValue::from_static("*"),
    );
    h.insert(
        header::ACCESS_CONTROL_ALLOW_METHODS,
        HeaderValue::from_static("GET, POST, DELETE, OPTIONS"),
    );
    h.insert(
        header::ACCESS_CONTROL_ALLOW_HEADERS,
        HeaderValue::from_static("content-type"),
    );
    resp
}
