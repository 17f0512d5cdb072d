//! `GET /api/v1/uploads?action=getPolicy&model=M`: a signed policy for the OSS endpoint.

use axum::extract::State as AxState;
use axum::http::HeaderMap;
use axum::Json;
use serde_json::{json, Value};

use crate::error::{request_id, SimError};
use crate::models::family;
use crate::routes::{query_params, RawQuery};
use crate::state::State;

/// Issues an upload policy whose `upload_host` is this simulator's `/oss`.
pub async fn policy(
    AxState(state): AxState<State>,
    headers: HeaderMap,
    q: RawQuery,
) -> Result<Json<Value>, SimError> {
    state.authorize(&headers)?;
    let q = query_params(q)?;
    if q.get("action").map(String::as_str) != Some("getPolicy") {
        return Err(SimError::invalid_parameter(
            "Parameter action must be getPolicy",
        ));
    }
    let model = q
        .get("model")
        .map(|m| m.trim())
        .filter(|m| !m.is_empty())
        .ok_or_else(|| SimError::invalid_parameter("Field required: model"))?;
    if family(model).is_none() {
        return Err(SimError::api(404, "ModelNotFound", "Model not exist."));
    }
    let (mut inner, now) = state.lock_at_now();
    if let Some(limit) = state.config.policies_per_second {
        if !inner
            .limiter
            .try_acquire(&format!("policy:{model}"), limit, now)
        {
            return Err(SimError::rate_quota());
        }
    }
    let data = inner.uploads.issue(
        model,
        now,
        state.config.policy_ttl.as_millis() as u64,
        state.config.upload_max_bytes,
        state.config.utc_offset_minutes,
        &format!("{}/oss", state.public_base),
    );
    Ok(Json(json!({"request_id": request_id(), "data": data})))
}
