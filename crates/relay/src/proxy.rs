//! The forwarded calls. Each builds its upstream URL from the configured base, a fixed
//! DashScope path and, for task routes, a task id already checked by `routes`; only documented
//! query parameters are re-encoded onto it; only allowlisted headers go along.

use crate::config::Upstream;
use crate::error::RelayError;
use crate::limits::{capped_body, read_capped};
use crate::routes::Call;
use crate::state::AppState;
use crate::upload::{base_for, check_upload_host, rewrite_policy};
use crate::upstream::{api_headers, api_headers_in, create_headers, read_small, stream_back};
use axum::body::Body;
use axum::extract::Request;
use axum::http::header::{CONTENT_LENGTH, CONTENT_TYPE, HOST};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use std::sync::atomic::AtomicBool;
use std::sync::Arc;
use std::time::SystemTime;
use url::form_urlencoded;
use wanedit_core::region::{CREATE_TASK_PATH, TASKS_PATH, UPLOADS_PATH};
use wanedit_core::task::TaskListQuery;

/// Largest upload-policy answer the relay reads to rewrite it.
const MAX_POLICY_BYTES: usize = 64 * 1024;

/// Forwards `call` to upstream number `index`.
pub async fn forward(
    state: &AppState,
    index: usize,
    call: Call,
    request: Request,
) -> Result<Response, RelayError> {
    let upstream = &state.config.upstreams[index];
    let (parts, body) = request.into_parts();
    let headers = &parts.headers;
    let timeout = state.config.timeout;
    let client = &state.client;
    // The task calls send no body: only the method and path differ.
    let (method, path) = match call {
        Call::Create => return create(state, index, upstream, headers, body).await,
        Call::Query(id) => (Method::GET, client.path(index, &[TASKS_PATH, "/", &id])),
        Call::Cancel(id) => (
            Method::POST,
            client.path(index, &[TASKS_PATH, "/", &id, "/cancel"]),
        ),
        Call::List { trailing_slash } => {
            // With the relay's key, the list shows every task of the account to any caller.
            if upstream.key.holds_real_key() && !state.config.enable_list {
                return Err(RelayError::Forbidden(
                    "the account-wide task list is disabled on this relay (start it with --enable-list)",
                ));
            }
            let query = filter_query(parts.uri.query(), TaskListQuery::PARAMETERS);
            let slash = if trailing_slash { "/" } else { "" };
            let mark = if query.is_empty() { "" } else { "?" };
            let path = client.path(index, &[TASKS_PATH, slash, mark, &query]);
            (Method::GET, path)
        }
        Call::UploadPolicy => return policy(state, index, upstream, &parts.uri, headers).await,
        Call::Upload(id) => return upload(state, index, &id, headers, body).await,
    };
    // The caller's header map, emptied and refilled: no allocation on this hot path.
    let out = api_headers_in(parts.headers, &upstream.key)?;
    let answer = client
        .call(index, method, path, out, Body::empty(), timeout)
        .await?;
    Ok(stream_back(answer))
}

async fn create(
    state: &AppState,
    index: usize,
    upstream: &Upstream,
    headers: &HeaderMap,
    body: Body,
) -> Result<Response, RelayError> {
    let read = read_capped(body, content_length(headers), state.config.max_body_bytes);
    let bytes = crate::slow::within(state.config.server.body_timeout, read).await?;
    let json: serde_json::Value =
        serde_json::from_slice(&bytes).map_err(|e| RelayError::NotJson(e.to_string()))?;
    // Never check one copy of a key and forward bytes holding another.
    if let Some(issue) = wanedit_core::json_dupes::duplicate_key_issue(&bytes) {
        return Err(RelayError::InvalidBody(vec![issue]));
    }
    let policy = &state.config.policy;
    policy.check_model(
        upstream.key.holds_real_key(),
        json.get("model").and_then(serde_json::Value::as_str),
    )?;
    // Refused bodies never reach DashScope: submitting is billed, and the answer is better.
    // Only documented refusals are errors; everything else goes on, with its warnings.
    let issues = wanedit_core::validate(&json);
    crate::telemetry::validation(&issues);
    if policy.refuses(&issues) {
        return Err(RelayError::InvalidBody(issues));
    }
    let warnings = wanedit_core::issue::warnings_header_value(&issues);
    let out = create_headers(headers, &upstream.key, &json)?;
    let path = state.client.path(index, &[CREATE_TASK_PATH]);
    // The caller's bytes are forwarded as they came, not re-serialised.
    let answer = state
        .client
        .call(
            index,
            Method::POST,
            path,
            out,
            Body::from(bytes),
            state.config.timeout,
        )
        .await?;
    let mut response = stream_back(answer);
    if let Some(value) = warnings.and_then(|w| HeaderValue::from_str(&w).ok()) {
        response
            .headers_mut()
            .insert(crate::names::X_WARNINGS, value);
    }
    Ok(response)
}

async fn policy(
    state: &AppState,
    index: usize,
    upstream: &Upstream,
    uri: &axum::http::Uri,
    headers: &HeaderMap,
) -> Result<Response, RelayError> {
    let mut action = None;
    let mut model = None;
    for (k, v) in form_urlencoded::parse(uri.query().unwrap_or("").as_bytes()) {
        match k.as_ref() {
            "action" if action.is_none() => action = Some(v.into_owned()),
            "model" if model.is_none() => model = Some(v.into_owned()),
            _ => {}
        }
    }
    if action.as_deref() != Some("getPolicy") {
        return Err(RelayError::BadRequest(
            "uploads need action=getPolicy".into(),
        ));
    }
    let model = model
        .filter(|m| !m.is_empty() && m.len() <= 64)
        .ok_or_else(|| RelayError::BadRequest("uploads need a model (1-64 characters)".into()))?;
    // An upload is for one model; the relay's key uploads only for models it may pay for.
    state
        .config
        .policy
        .check_model(upstream.key.holds_real_key(), Some(&model))?;
    let query = form_urlencoded::Serializer::new(String::new())
        .append_pair("action", "getPolicy")
        .append_pair("model", &model)
        .finish();
    let path = state.client.path(index, &[UPLOADS_PATH, "?", &query]);
    let out = api_headers(headers, &upstream.key)?;
    let answer = state
        .client
        .call(
            index,
            Method::GET,
            path,
            out,
            Body::empty(),
            state.config.timeout,
        )
        .await?;
    if answer.status() != StatusCode::OK {
        return Ok(stream_back(answer));
    }
    let status = answer.status();
    let bytes = read_small(answer, MAX_POLICY_BYTES).await?;
    let mut json: serde_json::Value =
        serde_json::from_slice(&bytes).map_err(|_| RelayError::UpstreamBadResponse)?;
    let base = base_for(
        state.config.public_url.as_deref(),
        headers.get(HOST).and_then(|h| h.to_str().ok()),
        &state.origins,
        state.bound,
    );
    rewrite_policy(&mut json, &state.config.upload_hosts, |target, dir, ttl| {
        let id = (state.uploads).issue(&upstream.name, &target, dir, ttl, SystemTime::now())?;
        Ok(format!("{base}/{}/oss/{id}", upstream.name))
    })?;
    let mut response = (status, axum::Json(json)).into_response();
    response
        .headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    Ok(response)
}

async fn upload(
    state: &AppState,
    index: usize,
    id: &str,
    headers: &HeaderMap,
    body: Body,
) -> Result<Response, RelayError> {
    let _in_flight = crate::telemetry::upload_started();
    let upstream = &state.config.upstreams[index].name;
    let target = (state.uploads).resolve(id, upstream, SystemTime::now())?;
    // Checked again: the allowlist alone stands between a caller and an arbitrary POST.
    let target = check_upload_host(target.as_str(), &state.config.upload_hosts)?;
    let content_type = headers
        .get(CONTENT_TYPE)
        .filter(|v| {
            v.to_str()
                .is_ok_and(|s| s.to_ascii_lowercase().starts_with("multipart/form-data"))
        })
        .cloned()
        .ok_or_else(|| RelayError::BadRequest("uploads must be multipart/form-data".into()))?;
    let max = state.config.max_upload_bytes;
    let length = content_length(headers).ok_or(RelayError::LengthRequired)?;
    if length > max {
        return Err(RelayError::TooLarge(max));
    }
    let (body, slow) = crate::slow::paced(body, &state.config.server);
    let tripped = Arc::new(AtomicBool::new(false));
    let body = capped_body(body, max, tripped.clone());
    // Content-Length is passed on so the upload host sees a plain (not chunked) POST, as a
    // browser would send it; the body is streamed chunk by chunk, never held whole.
    let mut out = HeaderMap::with_capacity(4);
    out.insert(CONTENT_TYPE, content_type);
    out.insert(CONTENT_LENGTH, HeaderValue::from(length));
    let answer = state
        .client
        .upload(
            &target,
            out,
            body,
            state.config.upload_timeout,
            (&tripped, max),
        )
        .await
        .map_err(|e| crate::slow::blame(&slow, e))?;
    Ok(stream_back(answer))
}

fn content_length(headers: &HeaderMap) -> Option<u64> {
    headers
        .get(CONTENT_LENGTH)?
        .to_str()
        .ok()?
        .trim()
        .parse()
        .ok()
}

/// Keeps the first value of each allowed parameter, re-encoded.
fn filter_query(raw: Option<&str>, allowed: &[&str]) -> String {
    let mut out = form_urlencoded::Serializer::new(String::new());
    let mut seen: Vec<String> = Vec::new();
    for (k, v) in form_urlencoded::parse(raw.unwrap_or("").as_bytes()) {
        if allowed.contains(&k.as_ref()) && !seen.iter().any(|s| *s == k) {
            out.append_pair(&k, &v);
            seen.push(k.into_owned());
        }
    }
    out.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn list_query_keeps_documented_parameters_only() {
        let q = filter_query(
            Some("status=RUNNING&page_no=2&evil=1&status=FAILED&model_name=wan2.7-videoedit&x%0d%0a=y&page_size=a%26b"),
            TaskListQuery::PARAMETERS,
        );
        assert_eq!(
            q,
            "status=RUNNING&page_no=2&model_name=wan2.7-videoedit&page_size=a%26b"
        );
        assert_eq!(filter_query(None, TaskListQuery::PARAMETERS), "");
    }
}
