//! `wanedit-relay check`: asks each configured upstream, once, whether it answers and whether
//! the relay's key works there, with one cheap `GET /api/v1/tasks?page_size=1` per upstream (a
//! list query: it creates nothing and costs nothing). `/healthz` stays local, so balancer
//! probes never spend quota; this is the operator's explicit, one-off question.

use crate::config::{Config, Upstream};
use crate::error::RelayError;
use crate::upstream::{api_headers, read_small, Client};
use axum::body::Body;
use axum::http::{HeaderMap, Method, StatusCode};
use wanedit_core::region::TASKS_PATH;

/// Largest answer the check reads.
const MAX_ANSWER_BYTES: usize = 64 * 1024;

/// What one upstream said.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verdict {
    /// The upstream's name.
    pub name: String,
    /// Its base URL.
    pub base: String,
    /// Whether the upstream is usable as configured.
    pub ok: bool,
    /// The verdict in plain words.
    pub text: String,
}

/// Checks every upstream of `config`, in order.
pub async fn check_upstreams(config: &Config) -> Result<Vec<Verdict>, RelayError> {
    let client = crate::upstream::client(config)?;
    let mut verdicts = Vec::with_capacity(config.upstreams.len());
    for (index, upstream) in config.upstreams.iter().enumerate() {
        let (ok, text) = check_one(&client, config, index, upstream).await;
        verdicts.push(Verdict {
            name: upstream.name.clone(),
            base: upstream.base.clone(),
            ok,
            text,
        });
    }
    Ok(verdicts)
}

async fn check_one(
    client: &Client,
    config: &Config,
    index: usize,
    upstream: &Upstream,
) -> (bool, String) {
    let headers = match api_headers(&HeaderMap::new(), &upstream.key) {
        Ok(h) => h,
        Err(e) => return (false, e.to_string()),
    };
    let path = client.path(index, &[TASKS_PATH, "?page_size=1"]);
    let answer = match client
        .call(
            index,
            Method::GET,
            path,
            headers,
            Body::empty(),
            config.timeout,
        )
        .await
    {
        Ok(answer) => answer,
        Err(RelayError::UpstreamTimeout) => {
            return (false, "not reachable: no answer in time".into())
        }
        Err(e) => return (false, format!("not reachable: {e}")),
    };
    let status = answer.status();
    let body = read_small(answer, MAX_ANSWER_BYTES)
        .await
        .ok()
        .and_then(|b| serde_json::from_slice::<serde_json::Value>(&b).ok());
    let code = body
        .as_ref()
        .and_then(|b| b.get("code"))
        .and_then(serde_json::Value::as_str)
        .unwrap_or("")
        .to_string();
    let held = upstream.key.holds_key();
    match status {
        StatusCode::OK if held => (
            true,
            "reachable; key accepted (the key belongs to this region or workspace)".into(),
        ),
        StatusCode::OK => (true, "reachable; answers without a key".into()),
        StatusCode::UNAUTHORIZED if held => (
            false,
            format!(
                "reachable; key refused ({code}): a DashScope key works only with its own region's or workspace's host, so check that this upstream is the key's region"
            ),
        ),
        StatusCode::UNAUTHORIZED => (
            true,
            "reachable; pass-through (callers bring their own key, none to check here)".into(),
        ),
        StatusCode::FORBIDDEN => (
            false,
            format!("reachable; key accepted but access denied ({code})"),
        ),
        other => (
            false,
            format!("reachable; answered HTTP {} {code}", other.as_u16()),
        ),
    }
}
