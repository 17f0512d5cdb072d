//! Create, query and cancel a task.

use axum::body::Bytes;
use axum::extract::{Path, State as AxState};
use axum::http::HeaderMap;
use axum::Json;
use std::time::{SystemTime, UNIX_EPOCH};

use serde_json::{json, Map, Value};

use crate::error::{request_id, SimError};
use crate::models::{check_submit, extended_prompt};
use crate::state::{Shared, State};
use crate::tasks::{Task, TaskStatus};
use crate::timefmt;
use crate::upload::ResolveError;

fn header_is(headers: &HeaderMap, name: &str, want: &str) -> bool {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.trim().eq_ignore_ascii_case(want))
}

/// `POST /api/v1/services/aigc/video-generation/video-synthesis`.
pub async fn submit(
    AxState(state): AxState<State>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<Value>, SimError> {
    state.authorize(&headers)?;
    if !header_is(&headers, "x-dashscope-async", "enable") {
        return Err(SimError::api(
            403,
            "AccessDenied",
            "current user api does not support synchronous calls",
        ));
    }
    let json_type = headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|v| v.trim().eq_ignore_ascii_case("application/json"));
    if !json_type {
        return Err(SimError::invalid_parameter(
            "Content-Type must be application/json.",
        ));
    }
    let body: Value = serde_json::from_slice(&body).map_err(|e| {
        SimError::invalid_parameter(format!("The request body is not valid JSON: {e}"))
    })?;
    let sub = check_submit(&body)?;
    if !sub.oss_urls.is_empty() && !header_is(&headers, "x-dashscope-ossresourceresolve", "enable")
    {
        return Err(SimError::invalid_parameter(
            "The provided URL does not appear to be valid",
        ));
    }

    let (mut inner, now) = state.lock_at_now();
    for url in &sub.oss_urls {
        if crate::samples::by_oss_url(url).is_some() {
            continue; // Sample media: usable by every model, never expires.
        }
        let ttl = state.config.object_ttl.as_millis() as u64;
        if let Err(why) = inner.uploads.resolve(url, &sub.model, now, ttl) {
            let detail = match why {
                ResolveError::Missing => "no such uploaded object",
                ResolveError::Expired => "the uploaded object has expired",
                ResolveError::OtherModel => "the object was uploaded for another model",
            };
            return Err(SimError::api(
                400,
                "InvalidURL",
                format!("The provided URL does not appear to be valid: {url} ({detail})"),
            ));
        }
    }
    if let Some(cap) = state.config.max_queued_per_model {
        if inner.tasks.pending_of(&sub.model) >= cap {
            return Err(SimError::api(
                429,
                "Throttling",
                "Too many tasks are queued for this model, please try again later.",
            ));
        }
    }
    let profile = state.profile(sub.family);
    let bucket = format!("submit:{}", sub.model);
    if !inner
        .limiter
        .try_acquire(&bucket, profile.submits_per_second, now)
    {
        return Err(SimError::rate_quota());
    }
    let task_id = uuid::Uuid::new_v4().to_string();
    let rid = request_id();
    let pickup = state.config.pickup_delay.as_millis() as u64;
    let run = profile.run_duration.as_millis() as u64;
    inner
        .tasks
        .insert(task_id.clone(), rid.clone(), sub, now, pickup, run);
    inner.log.counters.tasks_created += 1;
    tracing::info!(%task_id, "task created");
    Ok(Json(json!({
        "output": {"task_status": "PENDING", "task_id": task_id},
        "request_id": rid,
    })))
}

/// Whether a task id has outlived its 24 h.
pub fn expired(state: &Shared, task: &Task, now: u64) -> bool {
    now >= task.submit_ms + state.config.task_ttl.as_millis() as u64
}

/// The `Expires` (epoch seconds) of a result link whose virtual deadline is `deadline_ms`,
/// read at virtual `now_ms` while the clock runs `scale` times real time.
///
/// A client compares `Expires` with its own (wall) clock, not with the simulator's virtual
/// one, which runs ahead of it by (scale − 1) × the time since start: a virtual expiry put in
/// the link as it is would show more than 24 h left, and more the longer the simulator runs.
/// So the time left is counted on the virtual clock and put on the wall clock: divided by the
/// scale when the clock runs fast (the link really dies that soon), as is when it runs slow or
/// is frozen (never later than the 24 h a real link has).
pub(crate) fn link_expiry_s(deadline_ms: u64, now_ms: u64, scale: f64, wall: SystemTime) -> u64 {
    let left_ms = deadline_ms.saturating_sub(now_ms) as f64;
    let left_wall_ms = if scale > 1.0 {
        left_ms / scale
    } else {
        left_ms
    };
    let wall_ms = wall
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as f64)
        .unwrap_or(0.0);
    ((wall_ms + left_wall_ms) / 1000.0) as u64
}

/// The `output` (and `usage`) a query reports for a task.
fn render(state: &Shared, task: &Task, ak: &str, now: u64) -> Value {
    let off = state.config.utc_offset_minutes;
    let mut out = Map::new();
    out.insert("task_id".into(), json!(task.id));
    out.insert("task_status".into(), json!(task.status.as_str()));
    out.insert(
        "submit_time".into(),
        json!(timefmt::task_time(task.submit_ms, off)),
    );
    if let Some(s) = task.scheduled_ms {
        out.insert("scheduled_time".into(), json!(timefmt::task_time(s, off)));
    }
    if let Some(e) = task.end_ms {
        out.insert("end_time".into(), json!(timefmt::task_time(e, off)));
    }
    let mut usage = None;
    let result_base = state
        .result_base
        .read()
        .map(|b| b.clone())
        .unwrap_or_else(|e| e.into_inner().clone());
    match task.status {
        TaskStatus::Succeeded => {
            let end = task.end_ms.unwrap_or(task.submit_ms);
            let deadline = end + state.config.result_ttl.as_millis() as u64;
            let expires = link_expiry_s(deadline, now, state.clock.scale(), SystemTime::now());
            out.insert(
                "video_url".into(),
                json!(format!(
                    "{}/results/{}.mp4?Expires={expires}&OSSAccessKeyId={ak}&Signature=sim",
                    result_base, task.id
                )),
            );
            if let Some(p) = &task.submission.prompt {
                out.insert("orig_prompt".into(), json!(p));
            }
            if task.submission.prompt_extend {
                out.insert(
                    "actual_prompt".into(),
                    json!(extended_prompt(task.submission.prompt.as_deref())),
                );
            }
            usage = Some(task.submission.usage.clone());
        }
        TaskStatus::Failed => {
            if let Some(f) = &task.fail {
                out.insert("code".into(), json!(f.code));
                out.insert("message".into(), json!(f.message));
            }
        }
        _ => {}
    }
    let mut body = json!({"request_id": request_id(), "output": out});
    if let Some(u) = usage {
        body["usage"] = u;
    }
    body
}

/// `GET /api/v1/tasks/{id}`.
pub async fn query(
    AxState(state): AxState<State>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Json<Value>, SimError> {
    state.authorize(&headers)?;
    let (mut inner, now) = state.lock_at_now();
    if let Some(limit) = state.config.queries_per_second {
        if !inner.limiter.try_acquire("query", limit, now) {
            return Err(SimError::rate_quota());
        }
    }
    let ak = inner.uploads.access_key_id.clone();
    match inner.tasks.get(&id).filter(|t| !expired(&state, t, now)) {
        Some(task) => Ok(Json(render(&state, task, &ak, now))),
        None => Ok(Json(json!({
            "request_id": request_id(),
            "output": {"task_id": id, "task_status": "UNKNOWN"},
        }))),
    }
}

/// `POST /api/v1/tasks/{id}/cancel`.
pub async fn cancel(
    AxState(state): AxState<State>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Json<Value>, SimError> {
    state.authorize(&headers)?;
    let (mut inner, now) = state.lock_at_now();
    let live = inner
        .tasks
        .get(&id)
        .is_some_and(|t| !expired(&state, t, now));
    if live && inner.tasks.cancel(&id, now).is_ok() {
        tracing::info!(task_id = %id, "task canceled");
        return Ok(Json(json!({"request_id": request_id()})));
    }
    Err(SimError::api(
        400,
        "UnsupportedOperation",
        "Failed to cancel the task, please confirm if the task is in PENDING status.",
    ))
}

#[cfg(test)]
mod tests {
    use super::link_expiry_s;
    use std::time::{Duration, UNIX_EPOCH};

    const DAY_MS: u64 = 86_400_000;

    #[test]
    fn link_expiry_is_on_the_wall_clock_and_never_beyond_24_h() {
        let wall = UNIX_EPOCH + Duration::from_secs(1_000_000);
        // The virtual clock ran far ahead of the wall clock (scale 10, hours after start).
        let virtual_now = 1_000_000_000 + 9 * 3_600_000;
        let end = virtual_now - 60_000;
        for scale in [0.0, 0.5, 1.0, 10.0] {
            let e = link_expiry_s(end + DAY_MS, virtual_now, scale, wall);
            let left_s = e - 1_000_000;
            assert!(left_s <= 86_400, "scale {scale}: {left_s} s left");
        }
        // Real time: exactly what is left.
        assert_eq!(
            link_expiry_s(end + DAY_MS, virtual_now, 1.0, wall),
            1_000_000 + (DAY_MS - 60_000) / 1000
        );
        // Fast: the link dies scale times sooner on the wall clock.
        assert_eq!(
            link_expiry_s(end + DAY_MS, virtual_now, 10.0, wall),
            1_000_000 + (DAY_MS - 60_000) / 10_000
        );
        // Past the deadline: now.
        assert_eq!(link_expiry_s(end, virtual_now, 10.0, wall), 1_000_000);
    }
}
