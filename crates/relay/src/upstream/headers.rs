//! Which headers cross the relay: the allowlist of what goes upstream (built from
//! `wanedit_core`'s header rules) and of what comes back.

use crate::config::KeyMode;
use crate::error::RelayError;
use crate::names::{X_OSS_RESOLVE, X_WORKSPACE};
use axum::http::header::{AUTHORIZATION, CONTENT_TYPE, RETRY_AFTER};
use axum::http::{HeaderMap, HeaderName, HeaderValue};
use wanedit_core::headers;

/// Response headers passed back to the caller; everything else (cookies above all) is dropped.
const RESPONSE_HEADERS: [HeaderName; 2] = [CONTENT_TYPE, RETRY_AFTER];

/// Room for the headers of an API call and the client's own, without growing.
const CALL_HEADERS: usize = 12;

/// The first value of `name`, if it is clean visible ASCII (hyper already refuses CR/LF;
/// this also refuses other control bytes).
fn clean(headers: &HeaderMap, name: &HeaderName) -> Option<HeaderValue> {
    let value = headers.get(name)?;
    value
        .as_bytes()
        .iter()
        .all(|&b| b == b'\t' || (0x20..0x7f).contains(&b))
        .then(|| value.clone())
}

/// The `Authorization` value a call carries: the relay's key, or in pass-through mode the
/// caller's own (marked sensitive either way, so no log shows it).
fn authorization(incoming: &HeaderMap, key: &KeyMode) -> Result<Option<HeaderValue>, RelayError> {
    let value = match key {
        KeyMode::Held { key, .. } => Some(
            HeaderValue::try_from(wanedit_core::region::bearer(key.expose())).map_err(|_| {
                RelayError::Config("the API key is not a valid header value".into())
            })?,
        ),
        KeyMode::PassThrough => clean(incoming, &AUTHORIZATION),
    };
    Ok(value.map(|mut value| {
        value.set_sensitive(true);
        value
    }))
}

/// The headers of a DashScope query, cancel, list or upload-policy call: the key (the relay's
/// own, or the caller's in pass-through mode) and the workspace, as
/// [`wanedit_core::region::read_headers`] lists them. Nothing else from the caller is ever
/// copied. (Built on header values directly, not through that list of strings: this is the
/// hot path of the task query, and a copied header value costs no allocation.)
pub fn api_headers(incoming: &HeaderMap, key: &KeyMode) -> Result<HeaderMap, RelayError> {
    let mut out = HeaderMap::with_capacity(CALL_HEADERS);
    put(&mut out, api_values(incoming, key)?);
    Ok(out)
}

/// [`api_headers`] in the caller's own map, emptied first: no new map per call. (hyper parses
/// each request head into the map of the connection's last answer, and each upstream answer
/// into the map of the request before it, so with [`keep_response_headers`] the maps go round
/// without an allocation.)
pub fn api_headers_in(mut incoming: HeaderMap, key: &KeyMode) -> Result<HeaderMap, RelayError> {
    let values = api_values(&incoming, key)?;
    incoming.clear();
    put(&mut incoming, values);
    Ok(incoming)
}

/// The `Authorization` and workspace values of a DashScope read call.
type ApiValues = [(HeaderName, Option<HeaderValue>); 2];

fn api_values(incoming: &HeaderMap, key: &KeyMode) -> Result<ApiValues, RelayError> {
    Ok([
        (AUTHORIZATION, authorization(incoming, key)?),
        (
            X_WORKSPACE,
            clean(incoming, &X_WORKSPACE).filter(|v| !v.is_empty()),
        ),
    ])
}

fn put(out: &mut HeaderMap, values: ApiValues) {
    for (name, value) in values {
        if let Some(value) = value {
            out.insert(name, value);
        }
    }
}

/// The headers of a create call, by [`wanedit_core::region::create_task_headers_with`]: the
/// key and workspace, JSON, async, and the OSS-resolve flag as the caller sent it or, without
/// one, when the body uses an `oss://` URL (DashScope refuses those without it).
pub fn create_headers(
    incoming: &HeaderMap,
    key: &KeyMode,
    body: &serde_json::Value,
) -> Result<HeaderMap, RelayError> {
    let bad = |name: &str| RelayError::BadRequest(format!("header {name}: not a valid value"));
    let text =
        |value: HeaderValue, name: &str| value.to_str().map(str::to_owned).map_err(|_| bad(name));
    let authorization = authorization(incoming, key)?
        .map(|v| text(v, headers::AUTHORIZATION))
        .transpose()?;
    let workspace = clean(incoming, &X_WORKSPACE)
        .map(|v| text(v, headers::X_DASHSCOPE_WORKSPACE))
        .transpose()?;
    let oss_resolve = clean(incoming, &X_OSS_RESOLVE)
        .map(|v| text(v, headers::X_DASHSCOPE_OSS_RESOURCE_RESOLVE))
        .transpose()?;
    let list = wanedit_core::region::create_task_headers_with(
        authorization,
        workspace.as_deref(),
        oss_resolve.as_deref(),
        body,
    );
    let mut out = HeaderMap::with_capacity(CALL_HEADERS);
    for (name, value) in list {
        let header = crate::names::of(name).map_err(|_| bad(name))?;
        let mut value = HeaderValue::try_from(value).map_err(|_| bad(name))?;
        value.set_sensitive(header == AUTHORIZATION);
        out.insert(header, value);
    }
    Ok(out)
}

/// Keeps only the allowed response headers (their first values) of an upstream answer's map,
/// reusing the map.
pub fn keep_response_headers(headers: &mut HeaderMap) {
    let kept = RESPONSE_HEADERS.map(|name| headers.remove(&name));
    headers.clear();
    for (name, value) in RESPONSE_HEADERS.into_iter().zip(kept) {
        if let Some(value) = value {
            headers.insert(name, value);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Secret;
    use crate::names::X_ASYNC;

    fn incoming() -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(AUTHORIZATION, HeaderValue::from_static("Bearer sk-client"));
        h.insert(X_WORKSPACE, HeaderValue::from_static("ws-1"));
        h.insert("cookie", HeaderValue::from_static("session=1"));
        h.insert("x-forwarded-for", HeaderValue::from_static("10.0.0.1"));
        h.insert("host", HeaderValue::from_static("evil.example"));
        h.insert("x-relay-token", HeaderValue::from_static("tok"));
        h
    }

    #[test]
    fn only_allowlisted_headers_pass() {
        let reused = api_headers_in(incoming(), &KeyMode::PassThrough).unwrap();
        for out in [
            api_headers(&incoming(), &KeyMode::PassThrough).unwrap(),
            reused,
        ] {
            let names: Vec<_> = out.keys().map(|k| k.as_str()).collect();
            assert_eq!(names.len(), 2, "{names:?}");
            assert_eq!(out[AUTHORIZATION], "Bearer sk-client");
            assert!(out[AUTHORIZATION].is_sensitive());
            assert_eq!(out[X_WORKSPACE], "ws-1");
        }
    }

    #[test]
    fn only_allowlisted_answer_headers_come_back() {
        let mut answer = incoming();
        answer.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        answer.append("set-cookie", HeaderValue::from_static("a=1"));
        answer.insert(RETRY_AFTER, HeaderValue::from_static("3"));
        keep_response_headers(&mut answer);
        assert_eq!(answer.len(), 2, "{answer:?}");
        assert_eq!(answer[CONTENT_TYPE], "application/json");
        assert_eq!(answer[RETRY_AFTER], "3");
    }

    #[test]
    fn held_key_replaces_the_callers() {
        let key = KeyMode::Held {
            key: Secret::new("sk-relay"),
            real: true,
        };
        let out = api_headers(&incoming(), &key).unwrap();
        assert_eq!(out[AUTHORIZATION], "Bearer sk-relay");
        assert!(out[AUTHORIZATION].is_sensitive());
        let body = serde_json::json!({});
        let out = create_headers(&incoming(), &key, &body).unwrap();
        assert_eq!(out[AUTHORIZATION], "Bearer sk-relay");
        assert!(out[AUTHORIZATION].is_sensitive());
    }

    #[test]
    fn create_adds_async_and_oss_resolve() {
        let body = serde_json::json!({"input": {"video_url": "oss://dashscope-instant/x.mp4"}});
        let out = create_headers(&HeaderMap::new(), &KeyMode::PassThrough, &body).unwrap();
        assert_eq!(out[X_ASYNC], "enable");
        assert_eq!(out[X_OSS_RESOLVE], "enable");
        assert_eq!(out[CONTENT_TYPE], "application/json");
        let plain = serde_json::json!({"input": {"video_url": "https://a.example/x.mp4"}});
        let out = create_headers(&HeaderMap::new(), &KeyMode::PassThrough, &plain).unwrap();
        assert!(!out.contains_key(X_OSS_RESOLVE));
        // The caller's own flag and workspace go along; nothing else of theirs does.
        let mut caller = incoming();
        caller.insert(X_OSS_RESOLVE, HeaderValue::from_static("enable"));
        caller.insert(X_ASYNC, HeaderValue::from_static("disable"));
        let out = create_headers(&caller, &KeyMode::PassThrough, &plain).unwrap();
        assert_eq!(out[X_OSS_RESOLVE], "enable");
        assert_eq!(out[X_ASYNC], "enable");
        assert_eq!(out[X_WORKSPACE], "ws-1");
        assert_eq!(out.len(), 5, "{out:?}");
    }
}
