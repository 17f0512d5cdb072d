//! `GET /api/v1/tasks` with the documented filters and paging.

use std::collections::HashMap;

use axum::extract::State as AxState;
use axum::http::HeaderMap;
use axum::Json;
use serde_json::{json, Map, Value};

use crate::error::{request_id, SimError};
use crate::routes::tasks::expired;
use crate::routes::{query_params, RawQuery};
use crate::state::State;
use crate::timefmt;

const DAY_MS: u64 = 24 * 3600 * 1000;

fn positive(q: &HashMap<String, String>, name: &str, default: u64) -> Result<u64, SimError> {
    match q.get(name).map(|s| s.trim()) {
        None | Some("") => Ok(default),
        Some(s) => s.parse::<u64>().ok().filter(|n| *n >= 1).ok_or_else(|| {
            SimError::invalid_parameter(format!("{name} must be a positive integer"))
        }),
    }
}

fn time(q: &HashMap<String, String>, name: &str, offset: i32) -> Result<Option<u64>, SimError> {
    match q.get(name).map(|s| s.trim()) {
        None | Some("") => Ok(None),
        Some(s) => timefmt::parse_compact(s, offset).map(Some).ok_or_else(|| {
            SimError::invalid_parameter(format!("{name} must be in the format YYYYMMDDhhmmss"))
        }),
    }
}

/// `GET /api/v1/tasks` and `/api/v1/tasks/`.
pub async fn list(
    AxState(state): AxState<State>,
    headers: HeaderMap,
    q: RawQuery,
) -> Result<Json<Value>, SimError> {
    state.authorize(&headers)?;
    let q = query_params(q)?;
    let off = state.config.utc_offset_minutes;
    let page_no = positive(&q, "page_no", 1)?;
    let page_size = positive(&q, "page_size", 10)?;
    let start = time(&q, "start_time", off)?;
    let end = time(&q, "end_time", off)?;

    let (inner, now) = state.lock_at_now();
    // The filter has second resolution; the default window ends at the current second's end
    // so tasks submitted "just now" are always inside it.
    let (from, to) = match (start, end) {
        (None, None) => (now.saturating_sub(DAY_MS), now),
        (Some(s), None) => (s, s + DAY_MS),
        (None, Some(e)) => (e.saturating_sub(DAY_MS), e + 999),
        (Some(s), Some(e)) => (s, e + 999),
    };
    if to < from {
        return Err(SimError::invalid_parameter(
            "end_time must not be earlier than start_time",
        ));
    }
    if to - from > DAY_MS + 999 {
        return Err(SimError::invalid_parameter(
            "The time span between start_time and end_time must not exceed 24 hours",
        ));
    }
    let want = |k: &str| q.get(k).map(|s| s.trim()).filter(|s| !s.is_empty());
    let mut rows: Vec<_> = inner
        .tasks
        .all()
        .filter(|t| !expired(&state, t, now))
        .filter(|t| t.submit_ms >= from && t.submit_ms <= to)
        .filter(|t| want("task_id").is_none_or(|id| id == t.id))
        .filter(|t| want("model_name").is_none_or(|m| m == t.submission.model))
        .filter(|t| want("status").is_none_or(|s| s.eq_ignore_ascii_case(t.status.as_str())))
        .collect();
    // Newest first, as a console would show them.
    rows.reverse();
    let total = rows.len() as u64;
    let data: Vec<Value> = rows
        .into_iter()
        .skip(((page_no - 1).saturating_mul(page_size)) as usize)
        .take(page_size as usize)
        .map(|t| {
            let mut m = Map::new();
            m.insert("task_id".into(), json!(t.id));
            m.insert("status".into(), json!(t.status.as_str()));
            m.insert("model_name".into(), json!(t.submission.model));
            m.insert("region".into(), json!(state.config.region));
            m.insert("request_id".into(), json!(t.request_id));
            m.insert("gmt_create".into(), json!(t.submit_ms));
            if let Some(s) = t.scheduled_ms {
                m.insert("start_time".into(), json!(s));
            }
            if let Some(e) = t.end_ms {
                m.insert("end_time".into(), json!(e));
            }
            Value::Object(m)
        })
        .collect();
    Ok(Json(json!({
        "total": total,
        "total_page": total.div_ceil(page_size),
        "page_no": page_no,
        "page_size": page_size,
        "request_id": request_id(),
        "data": data,
    })))
}
