//! The client against the real relay and simulator, in headless Chromium.
//!
//! Run with `crates/client/run-browser-tests.sh`: it starts `tests/harness.mjs` (simulator
//! with a frozen clock, the relay in front of it with an access token, and a control server)
//! and passes the control server's URL at compile time (`WANEDIT_TEST_HARNESS`). Tasks finish
//! when a test advances the simulator's clock; the client runs with `time_scale` 60 so its
//! poll schedule keeps pace.
#![cfg(target_arch = "wasm32")]

use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;

use js_sys::{Array, Function, Promise, Uint8Array};
use serde_json::{json, Value};
use wanedit_client::wanedit_core::retry::RetryPolicy;
use wanedit_client::wanedit_core::task::{TaskListQuery, TaskStatus};
use wanedit_client::{
    CallOptions, Client, ClientConfig, RunOptions, UploadOptions, WaitOptions, WanError,
};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::{spawn_local, JsFuture};
use wasm_bindgen_test::*;
use web_sys::{AbortController, Blob, Headers, Request, RequestInit, Response};

wasm_bindgen_test_configure!(run_in_browser);

const HARNESS: Option<&str> = option_env!("WANEDIT_TEST_HARNESS");
/// A well-formed task id that the simulator never issued.
const UNKNOWN_TASK_ID: &str = "0385dc79-5ff8-4d82-bcb6-000000000000";

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_name = fetch)]
    fn fetch_request(request: &Request) -> Promise;
    #[wasm_bindgen(js_name = setTimeout)]
    fn set_timeout(f: &Function, ms: f64) -> JsValue;
}

fn now_ms() -> f64 {
    js_sys::Date::now()
}

async fn sleep_ms(ms: f64) {
    let p = Promise::new(&mut |resolve, _| {
        set_timeout(&resolve, ms);
    });
    JsFuture::from(p).await.unwrap();
}

/// One plain HTTP call: (status, body text).
async fn http(
    method: &str,
    url: &str,
    headers: &[(&str, &str)],
    body: Option<&str>,
) -> (u16, String) {
    let h = Headers::new().unwrap();
    for (k, v) in headers {
        h.append(k, v).unwrap();
    }
    let init = RequestInit::new();
    init.set_method(method);
    init.set_headers(&h);
    if let Some(b) = body {
        init.set_body(&JsValue::from_str(b));
    }
    let req = Request::new_with_str_and_init(url, &init).unwrap();
    let resp: Response = JsFuture::from(fetch_request(&req))
        .await
        .unwrap_or_else(|e| panic!("{method} {url}: {e:?}"))
        .unchecked_into();
    let text = JsFuture::from(resp.text().unwrap()).await.unwrap();
    (resp.status(), text.as_string().unwrap_or_default())
}

async fn json_call(method: &str, url: &str, body: Option<Value>) -> Value {
    let text = body.map(|b| b.to_string());
    let headers: &[(&str, &str)] = if text.is_some() {
        &[("content-type", "application/json")]
    } else {
        &[]
    };
    let (status, text) = http(method, url, headers, text.as_deref()).await;
    assert!(status < 300, "{method} {url}: HTTP {status}: {text}");
    serde_json::from_str(&text).unwrap_or(Value::Null)
}

/// The stack the harness started.
struct Env {
    harness: String,
    sim: String,
    relay: String,
    token: String,
    key: String,
}

impl Env {
    async fn get() -> Env {
        let harness = HARNESS
            .expect("WANEDIT_TEST_HARNESS is not set: run crates/client/run-browser-tests.sh")
            .to_string();
        let c = json_call("GET", &format!("{harness}/config"), None).await;
        let env = Env {
            harness,
            sim: c["simUrl"].as_str().unwrap().to_string(),
            relay: c["relayUrl"].as_str().unwrap().to_string(),
            token: c["token"].as_str().unwrap().to_string(),
            key: c["key"].as_str().unwrap().to_string(),
        };
        // A fresh virtual second for the simulator's per-second limits, and no faults left.
        env.advance(1.0).await;
        json_call("DELETE", &format!("{}/__sim/faults", env.sim), None).await;
        env
    }

    fn base(&self) -> String {
        format!("{}/sim", self.relay)
    }

    fn config(&self) -> ClientConfig {
        let mut c = ClientConfig::new(self.base());
        c.api_key = Some(self.key.clone());
        c.relay_token = Some(self.token.clone());
        c.time_scale = 60.0;
        c.retry = RetryPolicy {
            max_attempts: 5,
            base_delay: Duration::from_millis(50),
            max_delay: Duration::from_millis(800),
        };
        c
    }

    fn client(&self) -> Client {
        Client::new(self.config())
    }

    async fn sim(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        json_call(method, &format!("{}/__sim{path}", self.sim), body).await
    }

    async fn advance(&self, seconds: f64) {
        self.sim(
            "POST",
            "/clock/advance",
            Some(json!({ "seconds": seconds })),
        )
        .await;
    }

    /// Advances the clock by `seconds` after `delay_ms`, in the background.
    fn advance_later(&self, delay_ms: f64, seconds: f64) {
        let url = format!("{}/__sim/clock/advance", self.sim);
        spawn_local(async move {
            sleep_ms(delay_ms).await;
            json_call("POST", &url, Some(json!({ "seconds": seconds }))).await;
        });
    }

    async fn fault(&self, fault: Value) {
        self.sim("POST", "/faults", Some(fault)).await;
    }

    /// The simulator's request records for one route class.
    async fn requests(&self, route: &str) -> Vec<Value> {
        match self
            .sim("GET", &format!("/requests?route={route}"), None)
            .await
        {
            Value::Array(a) => a,
            other => panic!("requests: {other}"),
        }
    }

    /// The newest `route` record the simulator answered with 200: the request that counted.
    async fn last_ok(&self, route: &str) -> Value {
        self.requests(route)
            .await
            .into_iter()
            .rev()
            .find(|r| r["status"] == 200)
            .unwrap_or_else(|| panic!("no {route} request reached the simulator with 200"))
    }

    /// The simulator's records of the queries for task `id`, oldest first.
    async fn queries_of(&self, id: &str) -> Vec<Value> {
        self.requests("task_get")
            .await
            .into_iter()
            .filter(|r| r["path"].as_str().unwrap_or("").ends_with(id))
            .collect()
    }

    /// How many tasks the simulator has created so far.
    async fn tasks_created(&self) -> u64 {
        self.sim("GET", "/counters", None).await["tasks_created"]
            .as_u64()
            .unwrap()
    }

    async fn task_state(&self, id: &str) -> Value {
        self.sim("GET", &format!("/tasks/{id}"), None).await
    }

    async fn harness(&self, method: &str, path: &str) -> Value {
        json_call(method, &format!("{}{path}", self.harness), None).await
    }
}

fn body(url: &str) -> Value {
    json!({
        "model": "wan2.7-videoedit",
        "input": {"prompt": "make it snow", "media": [{"type": "video", "url": url}]},
    })
}

fn video_body() -> Value {
    body("https://example.com/in.mp4")
}

fn statuses() -> (Rc<RefCell<Vec<String>>>, WaitOptions) {
    let seen = Rc::new(RefCell::new(Vec::new()));
    let s = seen.clone();
    let opts = WaitOptions {
        on_update: Some(Box::new(move |t| {
            s.borrow_mut()
                .push(t.output.task_status.as_str().to_string())
        })),
        ..WaitOptions::default()
    };
    (seen, opts)
}

/// Submits the plain video body and returns the new task's id: the start of every test
/// about what happens to a task.
async fn submit_video(client: &Client) -> String {
    client
        .submit(&video_body(), CallOptions::default())
        .await
        .expect("submit")
        .output
        .task_id
}

/// An abort controller that fires by itself after `delay_ms` (with `reason`, if given), like a
/// user who leaves while a call is under way.
fn abort_later(delay_ms: f64, reason: Option<&'static str>) -> AbortController {
    let controller = AbortController::new().unwrap();
    let c = controller.clone();
    spawn_local(async move {
        sleep_ms(delay_ms).await;
        match reason {
            Some(reason) => c.abort_with_reason(&JsValue::from_str(reason)),
            None => c.abort(),
        }
    });
    controller
}

/// Call options that abort with `controller`.
fn abort_with(controller: &AbortController) -> CallOptions {
    CallOptions {
        abort: Some(controller.signal()),
    }
}

fn header<'a>(record: &'a Value, name: &str) -> Option<&'a str> {
    record["headers"][name].as_str()
}

#[wasm_bindgen_test]
async fn submit_wait_succeeded() {
    let env = Env::get().await;
    let client = env.client();
    let created = client
        .submit(&video_body(), CallOptions::default())
        .await
        .expect("submit");
    let id = created.output.task_id.clone();
    assert_eq!(created.output.task_status, TaskStatus::Pending);

    env.advance_later(400.0, 600.0);
    let (seen, opts) = statuses();
    let started = now_ms();
    let task = client.wait(&id, opts).await.expect("wait");
    assert_eq!(task.output.task_status, TaskStatus::Succeeded);
    assert!(task.output.video_url.as_deref().unwrap_or("").contains(&id));
    assert!(now_ms() - started < 5000.0, "detected within seconds");
    assert_eq!(*seen.borrow(), ["PENDING", "SUCCEEDED"]);
    // The run time went into the client's history store, for the next wait to learn from.
    let history = client.history();
    assert_eq!(history.past().len(), 1, "{history:?}");
    assert!(history.past()[0].run_s > 0.0, "{history:?}");
    assert!(history.past()[0].request.is_exact() || history.past()[0].request.family().is_some());

    let record = &env.last_ok("submit").await;
    assert_eq!(header(record, "x-dashscope-async"), Some("enable"));
    assert_eq!(header(record, "content-type"), Some("application/json"));
    assert_eq!(record["key_index"], 0, "the key passed through the relay");
    assert!(header(record, "x-dashscope-ossresourceresolve").is_none());
    assert_eq!(record["body"], video_body());

    // The typed list and get see it too.
    let got = client.get(&id, CallOptions::default()).await.unwrap();
    assert_eq!(got.output.task_status, TaskStatus::Succeeded);
    let list = client
        .list(
            &TaskListQuery {
                task_id: Some(id.clone()),
                ..TaskListQuery::default()
            },
            CallOptions::default(),
        )
        .await
        .unwrap();
    assert!(list.data.iter().any(|t| t.task_id == id), "{list:?}");
}

#[wasm_bindgen_test]
async fn failed_task_rejects_with_its_code() {
    let env = Env::get().await;
    env.sim(
        "POST",
        "/fail-next",
        Some(json!({"code": "InvalidParameter", "message": "The size is not match xxxxxx"})),
    )
    .await;
    let client = env.client();
    let submitted = Rc::new(RefCell::new(None));
    let s = submitted.clone();
    env.advance_later(400.0, 600.0);
    let err = client
        .run(
            &video_body(),
            RunOptions {
                on_submitted: Some(Box::new(move |c| {
                    *s.borrow_mut() = Some(c.output.task_id.clone())
                })),
                ..RunOptions::default()
            },
        )
        .await
        .expect_err("the task fails");
    assert_eq!(err.kind(), "task_failed", "{err}");
    assert_eq!(err.code(), Some("InvalidParameter"));
    let task = err.task().expect("the final answer");
    assert_eq!(task.message(), Some("The size is not match xxxxxx"));
    assert_eq!(
        task.response().unwrap().output.task_status,
        TaskStatus::Failed
    );
    assert_eq!(
        err.task_id(),
        submitted.borrow().as_deref(),
        "onSubmitted saw the id"
    );
}

#[wasm_bindgen_test]
async fn cancel_while_pending_then_400() {
    let env = Env::get().await;
    let client = env.client();
    let id = submit_video(&client).await;
    client
        .cancel(&id, CallOptions::default())
        .await
        .expect("a pending task can be cancelled");
    let err = client
        .cancel(&id, CallOptions::default())
        .await
        .expect_err("only PENDING tasks can be cancelled");
    assert_eq!(err.kind(), "invalid_request");
    assert_eq!(err.status(), Some(400));
    assert_eq!(err.code(), Some("UnsupportedOperation"));
    let err = client
        .wait(&id, WaitOptions::default())
        .await
        .expect_err("canceled");
    assert_eq!(err.kind(), "canceled");
    assert_eq!(env.task_state(&id).await["status"], "CANCELED");
}

#[wasm_bindgen_test]
async fn throttled_calls_honour_retry_after() {
    let env = Env::get().await;
    let client = env.client();
    let before = env.tasks_created().await;
    env.fault(
        json!({"kind": "throttle", "retry_after": 1, "times": 1, "method": "POST",
                     "path_prefix": "/api/v1/services/"}),
    )
    .await;
    let started = now_ms();
    let id = client
        .submit(&video_body(), CallOptions::default())
        .await
        .expect("a curable 429 is retried, even for a submit")
        .output
        .task_id;
    assert!(now_ms() - started >= 1000.0, "waited Retry-After: 1");
    assert_eq!(env.tasks_created().await - before, 1, "exactly one task");

    env.advance(600.0).await;
    env.fault(json!({"kind": "throttle", "retry_after": 2, "times": 1,
                     "path_prefix": format!("/api/v1/tasks/{id}")}))
        .await;
    let started = now_ms();
    let task = client
        .wait(&id, WaitOptions::default())
        .await
        .expect("wait");
    let took = now_ms() - started;
    assert_eq!(task.output.task_status, TaskStatus::Succeeded);
    assert!(
        took >= 2000.0,
        "waited Retry-After: 2 (took {took} ms), not the 50 ms backoff"
    );
    assert!(took < 6000.0, "took {took} ms");
    let gets = env.queries_of(&id).await;
    assert_eq!(gets.len(), 2, "{gets:?}");
    assert_eq!(gets[0]["status"], 429);
    assert_eq!(gets[1]["status"], 200);

    // A throttled submit without Retry-After whose retries run out fails with rate_limited.
    env.fault(json!({"kind": "throttle", "times": 10, "method": "POST",
                     "path_prefix": "/api/v1/services/"}))
        .await;
    let err = client
        .submit(&video_body(), CallOptions::default())
        .await
        .expect_err("retries run out");
    assert_eq!(err.kind(), "rate_limited");
    assert_eq!(err.status(), Some(429));
}

#[wasm_bindgen_test]
async fn transient_failures_never_end_a_wait() {
    let env = Env::get().await;
    let client = env.client();
    let id = submit_video(&client).await;
    // The simulator drops two queries (the relay answers 502) and fails one with 503.
    env.fault(json!({"kind": "drop", "times": 2, "path_prefix": format!("/api/v1/tasks/{id}")}))
        .await;
    env.fault(json!({"kind": "status", "status": 503, "times": 1,
                     "path_prefix": format!("/api/v1/tasks/{id}")}))
        .await;
    // The relay itself goes away for 1.5 s mid-wait (connection refused), then comes back.
    let harness = env.harness.clone();
    let sim = env.sim.clone();
    let outage = Rc::new(RefCell::new((0.0, 0.0)));
    let o = outage.clone();
    spawn_local(async move {
        sleep_ms(300.0).await;
        let down = now_ms();
        json_call("POST", &format!("{harness}/relay/stop"), None).await;
        sleep_ms(1500.0).await;
        json_call("POST", &format!("{harness}/relay/start"), None).await;
        *o.borrow_mut() = (down, now_ms());
        json_call(
            "POST",
            &format!("{sim}/__sim/clock/advance"),
            Some(json!({"seconds": 600})),
        )
        .await;
    });
    // Each failed poll is told, with the wait before the next try.
    let retries = Rc::new(RefCell::new(Vec::new()));
    let r = retries.clone();
    let opts = WaitOptions {
        on_retry: Some(Box::new(move |e, delay| {
            r.borrow_mut().push((e.kind().to_string(), delay))
        })),
        ..WaitOptions::default()
    };
    let task = client.wait(&id, opts).await.expect("the wait survives");
    assert_eq!(task.output.task_status, TaskStatus::Succeeded);
    let retries = retries.borrow();
    let kinds: Vec<&str> = retries.iter().map(|(k, _)| k.as_str()).collect();
    assert!(retries.len() >= 4, "{retries:?}");
    assert!(
        kinds.contains(&"network") && kinds.contains(&"server"),
        "{kinds:?}"
    );
    assert!(retries.iter().all(|(_, d)| !d.is_zero()), "{retries:?}");
    let (down, up) = *outage.borrow();
    assert!(down > 0.0 && up - down >= 1500.0, "the relay was down");
    let gets = env.queries_of(&id).await;
    let dropped = gets.iter().filter(|r| r["status"].is_null()).count();
    let unavailable = gets.iter().filter(|r| r["status"] == 503).count();
    assert_eq!((dropped, unavailable), (2, 1), "{gets:?}");
    assert_eq!(gets.last().unwrap()["status"], 200);
}

#[wasm_bindgen_test]
async fn abort_stops_a_wait_and_a_slow_request() {
    let env = Env::get().await;
    let client = env.client();
    let id = submit_video(&client).await;

    let controller = abort_later(300.0, None);
    let started = now_ms();
    let err = client
        .wait(
            &id,
            WaitOptions {
                abort: Some(controller.signal()),
                ..WaitOptions::default()
            },
        )
        .await
        .expect_err("aborted");
    assert_eq!(err.kind(), "aborted");
    assert_eq!(err.task_id(), Some(id.as_str()));
    assert!(now_ms() - started < 1500.0);

    // A query that hangs for 5 s is aborted at once too.
    env.fault(json!({"kind": "latency", "ms": 5000, "times": 1,
                     "path_prefix": format!("/api/v1/tasks/{id}")}))
        .await;
    let controller = abort_later(300.0, Some("the user left"));
    let started = now_ms();
    let err = client
        .get(&id, abort_with(&controller))
        .await
        .expect_err("aborted");
    assert_eq!(err.kind(), "aborted");
    assert!(now_ms() - started < 1500.0, "took {}", now_ms() - started);

    // An already aborted signal sends nothing.
    let before = env.requests("submit").await.len();
    let err = client
        .submit(&video_body(), abort_with(&controller))
        .await
        .expect_err("aborted");
    assert_eq!(err.kind(), "aborted");
    assert_eq!(env.requests("submit").await.len(), before);
}

#[wasm_bindgen_test]
async fn timeout_cancels_a_pending_task() {
    let env = Env::get().await;
    let client = env.client();
    let id = submit_video(&client).await;
    let started = now_ms();
    let err = client
        .wait(
            &id,
            WaitOptions {
                timeout: Some(Duration::from_millis(800)),
                cancel_on_timeout: true,
                ..WaitOptions::default()
            },
        )
        .await
        .expect_err("times out");
    let took = now_ms() - started;
    assert_eq!(err.kind(), "timeout");
    assert!(
        matches!(err, WanError::Timeout { canceled: true, .. }),
        "{err:?}"
    );
    assert!((800.0..3000.0).contains(&took), "took {took} ms");
    assert_eq!(env.task_state(&id).await["status"], "CANCELED");
    assert_eq!(
        err.task().map(|t| t.status().clone()),
        Some(TaskStatus::Pending),
        "the last answer seen"
    );

    // Without cancelOnTimeout the task is left alone.
    let id = submit_video(&client).await;
    let err = client
        .wait(
            &id,
            WaitOptions {
                timeout: Some(Duration::from_millis(500)),
                ..WaitOptions::default()
            },
        )
        .await
        .expect_err("times out");
    assert!(
        matches!(
            err,
            WanError::Timeout {
                canceled: false,
                ..
            }
        ),
        "{err:?}"
    );
    assert_eq!(env.task_state(&id).await["status"], "PENDING");
}

#[wasm_bindgen_test]
async fn upload_then_submit_with_the_resolve_header() {
    let env = Env::get().await;
    let client = env.client();
    let bytes: Vec<u8> = (0..100_000u32).map(|i| (i % 251) as u8).collect();
    let blob =
        Blob::new_with_u8_array_sequence(&Array::of1(&Uint8Array::from(&bytes[..]))).unwrap();
    let progress = Rc::new(RefCell::new(Vec::new()));
    let p = progress.clone();
    let url = client
        .upload(
            &blob,
            UploadOptions {
                model: "wan2.7-videoedit".into(),
                filename: Some("clip.mp4".into()),
                on_progress: Some(Box::new(move |f| p.borrow_mut().push(f))),
                abort: None,
            },
        )
        .await
        .expect("upload");
    assert!(
        url.starts_with("oss://") && url.ends_with("/clip.mp4"),
        "{url}"
    );
    let progress = progress.borrow().clone();
    assert_eq!(progress.first(), Some(&0.0));
    assert_eq!(progress.last(), Some(&1.0));
    assert!(progress.windows(2).all(|w| w[0] <= w[1]), "{progress:?}");
    let stored = env.last_ok("oss_upload").await;
    assert_eq!(
        stored["note"]["fields"],
        json!([
            "OSSAccessKeyId",
            "Signature",
            "policy",
            "key",
            "x-oss-object-acl",
            "x-oss-forbid-overwrite",
            "success_action_status",
            "file"
        ]),
        "the documented fields, the file last"
    );
    assert!(
        stored["note"]["stored"].to_string().contains("100000"),
        "{stored}"
    );

    // The relay adds the resolve header for oss:// bodies by itself, so what the simulator
    // saw does not tell whether the client sent it: watch the browser's own requests.
    let spy = Function::new_no_args(
        "const orig = globalThis.fetch; const seen = []; globalThis.__wanedit_seen = seen;
         globalThis.fetch = function (input, init) {
           const r = new Request(input, init);
           seen.push({ url: r.url, oss: r.headers.get('x-dashscope-ossresourceresolve') });
           return orig(r);
         };
         return () => { globalThis.fetch = orig; return seen; };",
    );
    let restore: Function = spy.call0(&JsValue::NULL).unwrap().unchecked_into();
    let created = client.submit(&body(&url), CallOptions::default()).await;
    let seen = restore.call0(&JsValue::NULL).unwrap();
    let seen: Value =
        serde_json::from_str(&String::from(js_sys::JSON::stringify(&seen).unwrap())).unwrap();
    let created = created.expect("accepted with the resolve header");
    assert!(!created.output.task_id.is_empty());
    assert_eq!(seen.as_array().map(Vec::len), Some(1), "{seen}");
    assert!(
        seen[0]["url"]
            .as_str()
            .unwrap()
            .ends_with("/video-synthesis"),
        "{seen}"
    );
    assert_eq!(seen[0]["oss"], "enable", "the client sent it itself");
    let record = env.last_ok("submit").await;
    assert_eq!(
        header(&record, "x-dashscope-ossresourceresolve"),
        Some("enable")
    );
    assert_eq!(record["body"]["input"]["media"][0]["url"], url);

    // Without a progress hook the form goes through fetch (the one transport).
    let url2 = client
        .upload(
            &blob,
            UploadOptions {
                model: "wan2.7-videoedit".into(),
                ..UploadOptions::default()
            },
        )
        .await
        .expect("upload with fetch");
    assert!(url2.starts_with("oss://") && url2 != url, "{url2}");

    // An upload for another model does not resolve for this one.
    let other = client
        .upload(
            &blob,
            UploadOptions {
                model: "wan2.1-vace-plus".into(),
                filename: Some("ref.png".into()),
                ..UploadOptions::default()
            },
        )
        .await
        .unwrap();
    let err = client
        .submit(&body(&other), CallOptions::default())
        .await
        .expect_err("the object belongs to another model");
    assert_eq!(err.kind(), "invalid_request");
    assert_eq!(err.code(), Some("InvalidURL"));
}

#[wasm_bindgen_test]
async fn an_invalid_body_never_leaves_the_browser() {
    let env = Env::get().await;
    let client = env.client();
    env.harness("DELETE", "/relay/requests").await;
    let before = env.requests("submit").await.len();
    let bad = json!({"model": "wan2.7-videoedit", "input": {"prompt": "x",
        "media": [{"type": "video", "url": "ftp://example.com/a.mp4"}]},
        "parameters": {"seed": -1}});
    let err = client
        .submit(&bad, CallOptions::default())
        .await
        .expect_err("refused");
    assert_eq!(err.kind(), "invalid_request");
    let paths: Vec<&str> = err.issues().iter().map(|i| i.path.as_str()).collect();
    assert!(paths.contains(&"input.media[0].url"), "{paths:?}");
    assert!(paths.contains(&"parameters.seed"), "{paths:?}");
    let err = client
        .run(&bad, RunOptions::default())
        .await
        .expect_err("refused");
    assert_eq!(err.kind(), "invalid_request");
    assert_eq!(
        env.requests("submit").await.len(),
        before,
        "nothing reached the simulator"
    );
    let relay = env.harness("GET", "/relay/requests").await;
    assert_eq!(relay, json!([]), "nothing reached the relay");
}

#[wasm_bindgen_test]
async fn auth_expired_and_bad_ids() {
    let env = Env::get().await;
    // No relay token: the relay refuses (401), and a wait does not retry that.
    let mut config = env.config();
    config.relay_token = None;
    let err = Client::new(config)
        .wait(UNKNOWN_TASK_ID, WaitOptions::default())
        .await
        .expect_err("401");
    assert_eq!((err.kind(), err.status()), ("auth", Some(401)));

    // A wrong DashScope key: the simulator answers 401 InvalidApiKey.
    let mut config = env.config();
    config.api_key = Some("sk-wrong".into());
    let err = Client::new(config)
        .submit(&video_body(), CallOptions::default())
        .await
        .expect_err("401");
    assert_eq!(err.kind(), "auth");
    assert_eq!(err.code(), Some("InvalidApiKey"));

    // An unknown task id: UNKNOWN, kind expired.
    let err = env
        .client()
        .wait(UNKNOWN_TASK_ID, WaitOptions::default())
        .await
        .expect_err("unknown");
    assert_eq!(err.kind(), "expired");

    // Not a task id: refused before sending.
    let err = env
        .client()
        .get("../../etc/passwd", CallOptions::default())
        .await
        .expect_err("refused");
    assert_eq!(err.kind(), "invalid_request");

    // Nobody listening: network.
    let mut config = env.config();
    config.base_url = "http://127.0.0.1:9/sim".into();
    config.retry.max_attempts = 2;
    let err = Client::new(config)
        .get("abc", CallOptions::default())
        .await
        .expect_err("refused");
    assert_eq!(err.kind(), "network");
}
