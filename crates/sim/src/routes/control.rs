//! `/__sim/…`: [`SimControl`](crate::SimControl) over HTTP for tests in other processes and
//! languages. No key needed; never faulted or logged. The route list is in the crate docs.

use std::collections::HashMap;
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::{Path, Query, State as AxState};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::{json, Value};

use crate::control::SimControl;
use crate::error::SimError;
use crate::faults::Fault;
use crate::state::State;
use crate::timefmt;

type Reply = Result<Json<Value>, SimError>;

/// The control routes, relative to `/__sim`.
pub fn router() -> Router<State> {
    Router::new()
        .route("/state", get(state_view))
        .route("/clock", get(clock))
        .route("/clock/advance", post(advance))
        .route("/clock/scale", post(scale))
        .route("/tasks", get(tasks))
        .route("/tasks/{id}", get(task))
        .route("/tasks/{id}/fail", post(fail_task))
        .route("/fail-next", post(fail_next))
        .route("/faults", get(faults).post(inject).delete(clear_faults))
        .route("/requests", get(requests).delete(clear_requests))
        .route("/counters", get(counters))
        .route("/reset", post(reset))
}

fn control(state: State) -> SimControl {
    SimControl { shared: state }
}

/// Parses a JSON body; an empty body reads as `{}`.
fn parse<T: DeserializeOwned>(body: &Bytes) -> Result<T, SimError> {
    let text: &[u8] = if body.iter().all(u8::is_ascii_whitespace) {
        b"{}"
    } else {
        body
    };
    serde_json::from_slice(text).map_err(|e| SimError::BadControl(e.to_string()))
}

fn clock_json(state: &State) -> Value {
    let now = state.clock.now_ms();
    json!({
        "now_ms": now,
        "now": timefmt::task_time(now, state.config.utc_offset_minutes),
        "time_scale": state.clock.scale(),
    })
}

async fn state_view(AxState(state): AxState<State>) -> Json<Value> {
    let c = control(state.clone());
    let tasks = c.tasks();
    let faults = c.faults();
    let counters = c.counters();
    let mut v = clock_json(&state);
    v["public_base_url"] = json!(state.public_base);
    v["tasks"] = json!(tasks);
    v["faults"] = json!(faults);
    v["counters"] = json!(counters);
    Json(v)
}

async fn clock(AxState(state): AxState<State>) -> Json<Value> {
    Json(clock_json(&state))
}

#[derive(Deserialize)]
struct AdvanceBody {
    #[serde(default)]
    ms: Option<u64>,
    #[serde(default)]
    seconds: Option<f64>,
}

async fn advance(AxState(state): AxState<State>, body: Bytes) -> Reply {
    let b: AdvanceBody = parse(&body)?;
    let by = match (b.ms, b.seconds) {
        (Some(ms), None) => Duration::from_millis(ms),
        (None, Some(s)) if s.is_finite() && s >= 0.0 => Duration::from_secs_f64(s),
        _ => {
            return Err(SimError::BadControl(
                "give exactly one of ms (integer) or seconds (non-negative number)".into(),
            ))
        }
    };
    control(state.clone()).advance(by);
    Ok(Json(clock_json(&state)))
}

#[derive(Deserialize)]
struct ScaleBody {
    time_scale: f64,
}

async fn scale(AxState(state): AxState<State>, body: Bytes) -> Reply {
    let b: ScaleBody = parse(&body)?;
    if !b.time_scale.is_finite() || b.time_scale < 0.0 {
        return Err(SimError::BadControl("time_scale must be >= 0".into()));
    }
    control(state.clone()).set_time_scale(b.time_scale);
    Ok(Json(clock_json(&state)))
}

async fn tasks(AxState(state): AxState<State>) -> Json<Value> {
    Json(json!(control(state).tasks()))
}

async fn task(AxState(state): AxState<State>, Path(id): Path<String>) -> Reply {
    control(state)
        .task(&id)
        .map(|t| Json(json!(t)))
        .ok_or(SimError::NoSuchTask(id))
}

#[derive(Deserialize)]
struct FailBody {
    #[serde(default = "default_code")]
    code: String,
    #[serde(default = "default_message")]
    message: String,
}

fn default_code() -> String {
    "InternalError".into()
}

fn default_message() -> String {
    "An internal error has occured, please try again later or contact service support.".into()
}

async fn fail_task(AxState(state): AxState<State>, Path(id): Path<String>, body: Bytes) -> Reply {
    let b: FailBody = parse(&body)?;
    control(state).fail_task(&id, &b.code, &b.message)?;
    Ok(Json(json!({"ok": true})))
}

async fn fail_next(AxState(state): AxState<State>, body: Bytes) -> Reply {
    let b: FailBody = parse(&body)?;
    control(state).fail_next_task(&b.code, &b.message);
    Ok(Json(json!({"ok": true})))
}

async fn faults(AxState(state): AxState<State>) -> Json<Value> {
    Json(json!(control(state).faults()))
}

async fn inject(AxState(state): AxState<State>, body: Bytes) -> Reply {
    let f: Fault =
        serde_json::from_slice(&body).map_err(|e| SimError::BadControl(e.to_string()))?;
    control(state).inject(f);
    Ok(Json(json!({"ok": true})))
}

async fn clear_faults(AxState(state): AxState<State>) -> Json<Value> {
    control(state).clear_faults();
    Json(json!({"ok": true}))
}

async fn requests(
    AxState(state): AxState<State>,
    Query(q): Query<HashMap<String, String>>,
) -> Json<Value> {
    let c = control(state);
    let list = match q.get("route") {
        Some(r) => c.requests_to(r),
        None => c.requests(),
    };
    Json(json!(list))
}

async fn clear_requests(AxState(state): AxState<State>) -> Json<Value> {
    control(state).clear_requests();
    Json(json!({"ok": true}))
}

async fn counters(AxState(state): AxState<State>) -> Json<Value> {
    Json(json!(control(state).counters()))
}

async fn reset(AxState(state): AxState<State>) -> Json<Value> {
    control(state).reset();
    Json(json!({"ok": true}))
}
