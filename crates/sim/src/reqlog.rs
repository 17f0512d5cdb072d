//! The record of every API request the simulator received, for tests to assert on
//! ("no request reached DashScope", "the OSS-resolve header was sent", "no key went to the
//! result URL"). Control routes are not recorded. Keys are never stored: the `authorization`
//! header is redacted and only the index of the matching configured key is kept.

use std::collections::{BTreeMap, VecDeque};

use axum::http::HeaderMap;
use serde::Serialize;
use serde_json::Value;

/// Bodies larger than this are summarised instead of stored.
const MAX_STORED_BODY: usize = 1024 * 1024;

/// Headers whose values are never stored.
const SECRET_HEADERS: [&str; 4] = [
    "authorization",
    "cookie",
    "proxy-authorization",
    "x-api-key",
];

/// One received request.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RequestRecord {
    /// Arrival order, from 1.
    pub seq: u64,
    /// Route class: `submit`, `task_get`, `task_cancel`, `task_list`, `upload_policy`,
    /// `oss_upload`, `oss_get`, `result`, `other`.
    pub route: &'static str,
    /// HTTP method.
    pub method: String,
    /// Path without query.
    pub path: String,
    /// Raw query string, if any.
    pub query: Option<String>,
    /// Headers, lower-case names; secrets read `<redacted>` (or `Bearer <redacted>`).
    pub headers: BTreeMap<String, String>,
    /// Index into the configured keys of the bearer key sent, if it was a valid one.
    pub key_index: Option<usize>,
    /// Body: parsed JSON, else text, else `null` (binary, streamed or large).
    pub body: Value,
    /// Body size in bytes, when it was read.
    pub body_len: Option<usize>,
    /// Extra facts a handler added (e.g. an upload's field order and size).
    pub note: Option<Value>,
    /// Response status; `None` if the connection was dropped.
    pub status: Option<u16>,
    /// The injected fault applied, if any.
    pub fault: Option<String>,
    /// Virtual epoch ms at arrival.
    pub virtual_ms: u64,
}

/// Request counts.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Counters {
    /// All API requests received (control routes excluded).
    pub requests: u64,
    /// Requests per route class.
    pub by_route: BTreeMap<String, u64>,
    /// Tasks created.
    pub tasks_created: u64,
    /// Objects stored by the OSS endpoint.
    pub uploads_stored: u64,
    /// Injected faults applied.
    pub faults_applied: u64,
}

/// The bounded log plus counters.
#[derive(Debug, Default)]
pub struct RequestLog {
    records: VecDeque<RequestRecord>,
    capacity: usize,
    next_seq: u64,
    /// Counters survive log truncation.
    pub counters: Counters,
}

/// Classifies a request path for counters and the log.
pub fn route_of(method: &str, path: &str) -> &'static str {
    let p = path.trim_end_matches('/');
    match (method, p) {
        ("POST", "/api/v1/services/aigc/video-generation/video-synthesis") => "submit",
        ("GET", "/api/v1/tasks") => "task_list",
        ("GET", "/api/v1/uploads") => "upload_policy",
        ("POST", "/oss") => "oss_upload",
        _ if p.starts_with("/oss/") => "oss_get",
        _ if p.starts_with("/results/") => "result",
        ("POST", _) if p.starts_with("/api/v1/tasks/") && p.ends_with("/cancel") => "task_cancel",
        ("GET", _) if p.starts_with("/api/v1/tasks/") => "task_get",
        _ => "other",
    }
}

/// Headers with secrets redacted.
pub fn redacted_headers(headers: &HeaderMap) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for (name, value) in headers {
        let name = name.as_str().to_ascii_lowercase();
        let value = if SECRET_HEADERS.contains(&name.as_str()) {
            let v = value.to_str().unwrap_or("");
            if v.len() >= 7 && v[..7].eq_ignore_ascii_case("bearer ") {
                "Bearer <redacted>".to_string()
            } else {
                "<redacted>".to_string()
            }
        } else {
            String::from_utf8_lossy(value.as_bytes()).into_owned()
        };
        // Repeated headers are joined, as HTTP allows.
        out.entry(name)
            .and_modify(|v: &mut String| {
                v.push_str(", ");
                v.push_str(&value);
            })
            .or_insert(value);
    }
    out
}

/// A loggable form of a request body.
pub fn body_value(bytes: &[u8]) -> Value {
    if bytes.is_empty() || bytes.len() > MAX_STORED_BODY {
        return Value::Null;
    }
    if let Ok(v) = serde_json::from_slice::<Value>(bytes) {
        return v;
    }
    match std::str::from_utf8(bytes) {
        Ok(s) => Value::String(s.to_string()),
        Err(_) => Value::Null,
    }
}

impl RequestLog {
    /// An empty log keeping at most `capacity` records.
    pub fn new(capacity: usize) -> Self {
        Self {
            capacity,
            ..Self::default()
        }
    }

    /// Appends a record (its `seq` is assigned here) and returns the seq.
    pub fn push(&mut self, mut record: RequestRecord) -> u64 {
        self.next_seq += 1;
        record.seq = self.next_seq;
        self.counters.requests += 1;
        *self
            .counters
            .by_route
            .entry(record.route.to_string())
            .or_default() += 1;
        if self.capacity > 0 {
            if self.records.len() >= self.capacity {
                self.records.pop_front();
            }
            self.records.push_back(record);
        }
        self.next_seq
    }

    /// Mutates the record with this seq, if still kept.
    pub fn update(&mut self, seq: u64, f: impl FnOnce(&mut RequestRecord)) {
        if let Some(r) = self.records.iter_mut().rev().find(|r| r.seq == seq) {
            f(r);
        }
    }

    /// All kept records, oldest first.
    pub fn records(&self) -> Vec<RequestRecord> {
        self.records.iter().cloned().collect()
    }

    /// Forgets records and counters (sequence numbers keep growing).
    pub fn clear(&mut self) {
        self.records.clear();
        self.counters = Counters::default();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    #[test]
    fn routes_are_classified() {
        assert_eq!(
            route_of(
                "POST",
                "/api/v1/services/aigc/video-generation/video-synthesis"
            ),
            "submit"
        );
        assert_eq!(route_of("GET", "/api/v1/tasks/"), "task_list");
        assert_eq!(route_of("GET", "/api/v1/tasks/abc"), "task_get");
        assert_eq!(route_of("POST", "/api/v1/tasks/abc/cancel"), "task_cancel");
        assert_eq!(route_of("GET", "/results/abc.mp4"), "result");
        assert_eq!(route_of("GET", "/nope"), "other");
    }

    #[test]
    fn secrets_are_redacted() {
        let mut h = HeaderMap::new();
        h.insert(
            "authorization",
            HeaderValue::from_static("Bearer sk-secret"),
        );
        h.insert("x-dashscope-async", HeaderValue::from_static("enable"));
        let r = redacted_headers(&h);
        assert_eq!(r["authorization"], "Bearer <redacted>");
        assert_eq!(r["x-dashscope-async"], "enable");
        assert!(!format!("{r:?}").contains("sk-secret"));
    }
}
