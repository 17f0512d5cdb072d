//! Shared helpers for the simulator's HTTP tests.
#![allow(dead_code, missing_docs)]

use std::time::Duration;

use reqwest::{Client, Method, RequestBuilder, Response};
use serde_json::{json, Value};
use wanedit_sim::{SimConfig, SimControl, SimHandle};

pub const KEY: &str = "sk-sim";
pub const SUBMIT: &str = "/api/v1/services/aigc/video-generation/video-synthesis";
/// The header that makes a submit asynchronous, which the simulator (like DashScope) requires.
pub const ASYNC: (&str, &str) = ("X-DashScope-Async", "enable");

pub struct Sim {
    pub handle: SimHandle,
    pub ctl: SimControl,
    pub http: Client,
    pub base: String,
}

/// Virtual start time: 2025-05-15 08:00:00 UTC (16:00:00 in UTC+8).
pub const START_MS: u64 = 1_747_296_000_000;

pub fn frozen() -> SimConfig {
    SimConfig {
        start_time: Some(std::time::UNIX_EPOCH + Duration::from_millis(START_MS)),
        ..SimConfig::frozen()
    }
}

pub async fn start() -> Sim {
    start_with(frozen()).await
}

pub async fn start_with(config: SimConfig) -> Sim {
    let handle = wanedit_sim::spawn(config).await.expect("spawn simulator");
    let base = handle.base_url();
    Sim {
        ctl: handle.control(),
        handle,
        http: Client::builder()
            .timeout(Duration::from_secs(10))
            .build()
            .unwrap(),
        base,
    }
}

pub fn vace_body() -> Value {
    json!({
        "model": "wan2.1-vace-plus",
        "input": {
            "function": "video_repainting",
            "prompt": "A black steampunk car",
            "video_url": "http://wanx.alicdn.com/material/20250318/video_repainting_1.mp4"
        },
        "parameters": {"control_condition": "depth"}
    })
}

pub fn wan27_body() -> Value {
    json!({
        "model": "wan2.7-videoedit",
        "input": {
            "prompt": "Convert the entire scene to a claymation style",
            "media": [{"type": "video", "url": "https://example.com/in.mp4"}]
        },
        "parameters": {"resolution": "720P", "prompt_extend": true, "watermark": true}
    })
}

impl Sim {
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    /// A submit with exactly the given key (`None`: no key at all) and headers, without a body
    /// yet: the one place that builds submits, so the tests of what the simulator refuses
    /// differ from a good submit only where they say.
    pub fn submit_request(&self, key: Option<&str>, headers: &[(&str, &str)]) -> RequestBuilder {
        let mut request = self.http.post(self.url(SUBMIT));
        if let Some(key) = key {
            request = request.bearer_auth(key);
        }
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        request
    }

    /// Sends `body` as a submit with the given key and headers; the response, whatever it is.
    pub async fn submit_with(
        &self,
        key: Option<&str>,
        headers: &[(&str, &str)],
        body: &Value,
    ) -> Response {
        self.submit_request(key, headers)
            .json(body)
            .send()
            .await
            .unwrap()
    }

    /// A well-formed submit (the default key, asynchronous); the response, whatever it is.
    pub async fn submit_raw(&self, body: &Value) -> Response {
        self.submit_with(Some(KEY), &[ASYNC], body).await
    }

    /// Submits and returns the task id, asserting success.
    pub async fn submit(&self, body: &Value) -> String {
        let resp = self.submit_raw(body).await;
        assert_eq!(resp.status(), 200);
        let v: Value = resp.json().await.unwrap();
        assert_eq!(v["output"]["task_status"], "PENDING");
        assert!(v["request_id"].as_str().is_some_and(|s| !s.is_empty()));
        v["output"]["task_id"].as_str().unwrap().to_string()
    }

    /// A GET of an API route with the default key, not sent yet, for the tests that need the
    /// raw outcome (an error, a timeout, extra headers).
    pub fn get_with_key(&self, path: &str) -> RequestBuilder {
        self.http.get(self.url(path)).bearer_auth(KEY)
    }

    /// Sends a request with no key and no body, and expects an answer: control routes, result
    /// links and OSS objects need no key, and API routes must refuse such a request.
    pub async fn send_bare(&self, method: Method, path: &str) -> Response {
        self.http
            .request(method, self.url(path))
            .send()
            .await
            .unwrap()
    }

    /// A browser's CORS preflight for a POST to `path` from a local page.
    pub async fn preflight(&self, path: &str) -> Response {
        self.http
            .request(Method::OPTIONS, self.url(path))
            .header("Origin", "http://localhost:8080")
            .header("Access-Control-Request-Method", "POST")
            .send()
            .await
            .unwrap()
    }

    /// Cancels task `id` with the default key; the response, whatever it is.
    pub async fn cancel(&self, id: &str) -> Response {
        self.http
            .post(self.url(&format!("/api/v1/tasks/{id}/cancel")))
            .bearer_auth(KEY)
            .send()
            .await
            .unwrap()
    }

    pub async fn get_json(&self, path: &str) -> (u16, Value) {
        let resp = self.get_with_key(path).send().await.unwrap();
        let status = resp.status().as_u16();
        (status, resp.json().await.unwrap())
    }

    pub async fn task(&self, id: &str) -> Value {
        let (status, v) = self.get_json(&format!("/api/v1/tasks/{id}")).await;
        assert_eq!(status, 200, "{v}");
        v
    }

    pub async fn status_of(&self, id: &str) -> String {
        self.task(id).await["output"]["task_status"]
            .as_str()
            .unwrap()
            .to_string()
    }

    pub fn advance_secs(&self, secs: u64) {
        self.ctl.advance(Duration::from_secs(secs));
    }
}

/// Asserts a DashScope error shape and returns it.
pub async fn expect_error(resp: Response, status: u16, code: &str) -> Value {
    assert_eq!(resp.status().as_u16(), status);
    let v: Value = resp.json().await.unwrap();
    assert_eq!(v["code"], code, "{v}");
    assert!(v["message"].as_str().is_some_and(|m| !m.is_empty()), "{v}");
    assert!(
        v["request_id"].as_str().is_some_and(|m| !m.is_empty()),
        "{v}"
    );
    v
}
