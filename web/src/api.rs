//! All HTTP of the UI, in one module: the DashScope calls (submit, get, wait, cancel, list,
//! upload) through `wanedit-client` to the relay, and the relay's own configuration.
//!
//! The functions and types below are the whole surface the UI uses. The client applies every
//! rule (headers, validation before a submit, retries, upload form) from `wanedit-core`; the
//! wait here times its polls with core's `Poller` from the request, the account's history
//! and the task's own start time.

use std::time::Duration;

use js_sys::Promise;
use serde_json::Value;
use wanedit_client::{CallOptions, Client, ClientConfig, UploadOptions, WanError};
use wanedit_core::poll::{Observation, Poller, RequestFeatures};
use wanedit_core::task::{
    CreateTaskResponse, TaskListQuery, TaskListResponse, TaskResponse, TaskStatus,
};
use wanedit_core::Issue;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{AbortSignal, Blob, RequestInit};

use crate::settings::RelayConfig;

/// How to reach DashScope through the relay.
#[derive(Clone, PartialEq)]
pub struct Conn {
    /// The relay upstream's base URL (`http://host/intl`).
    pub base_url: String,
    /// Sent as `Authorization: Bearer` (the user's own key), if any.
    pub api_key: Option<String>,
    /// `X-DashScope-WorkSpace`.
    pub workspace: Option<String>,
    /// `X-Relay-Token`.
    pub relay_token: Option<String>,
    /// Virtual seconds per real second of the service clock (1 for DashScope).
    pub time_scale: f64,
}

/// Why a call failed, as the UI shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct ApiFailure {
    /// HTTP status, when there was an answer.
    pub status: Option<u16>,
    /// A snake_case kind (`auth`, `network`, `task_failed`, …).
    pub kind: String,
    /// DashScope's (or the relay's) `code`.
    pub code: String,
    /// The message.
    pub message: String,
    /// Validation issues the relay sent back, if any.
    pub issues: Vec<Issue>,
    /// The final task answer, for waits that ended without success.
    pub task: Option<Box<TaskResponse>>,
}

impl ApiFailure {
    fn network(message: impl Into<String>) -> Self {
        ApiFailure {
            status: None,
            kind: "network".into(),
            code: String::new(),
            message: message.into(),
            issues: Vec::new(),
            task: None,
        }
    }

    fn ended(kind: &str, task: TaskResponse) -> Self {
        ApiFailure {
            status: None,
            kind: kind.into(),
            code: task.output.code.clone().unwrap_or_default(),
            message: task.output.message.clone().unwrap_or_default(),
            issues: Vec::new(),
            task: Some(Box::new(task)),
        }
    }

    /// Whether the call was aborted.
    pub fn is_aborted(&self) -> bool {
        self.kind == "aborted"
    }
}

impl std::fmt::Display for ApiFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match (self.status, self.code.is_empty()) {
            (Some(s), false) => write!(f, "HTTP {s} {}: {}", self.code, self.message),
            (Some(s), true) => write!(f, "HTTP {s}: {}", self.message),
            (None, false) => write!(f, "{}: {}", self.code, self.message),
            (None, true) => f.write_str(&self.message),
        }
    }
}

/// Milliseconds since the epoch.
pub fn now_ms() -> f64 {
    js_sys::Date::now()
}

/// A pending [`sleep`]: its timer and its abort listener, both removed when it is dropped,
/// whether it finished, was aborted or its task was cancelled (an unmounted embedded editor
/// must leave no timer or listener running in the host page).
struct SleepHooks {
    window: web_sys::Window,
    timer: i32,
    abort: Option<(AbortSignal, Closure<dyn FnMut()>)>,
}

impl Drop for SleepHooks {
    fn drop(&mut self) {
        self.window.clear_timeout_with_handle(self.timer);
        if let Some((signal, on_abort)) = &self.abort {
            let _ = signal
                .remove_event_listener_with_callback("abort", on_abort.as_ref().unchecked_ref());
        }
    }
}

/// Waits `d` (or until `signal` aborts: `false`).
pub async fn sleep(d: Duration, signal: Option<&AbortSignal>) -> bool {
    if signal.is_some_and(AbortSignal::aborted) {
        return false;
    }
    let Some(window) = web_sys::window() else {
        return false;
    };
    let ms = (d.as_secs_f64() * 1000.0).clamp(0.0, 2_147_483_647.0) as i32;
    let mut hooks = None;
    let promise = Promise::new(&mut |resolve, reject| {
        let timer = window
            .set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms)
            .unwrap_or(0);
        let abort = signal.map(|s| {
            let on_abort = Closure::<dyn FnMut()>::new(move || {
                let _ = reject.call0(&JsValue::NULL);
            });
            let _ = s.add_event_listener_with_callback("abort", on_abort.as_ref().unchecked_ref());
            (s.clone(), on_abort)
        });
        hooks = Some(SleepHooks {
            window: window.clone(),
            timer,
            abort,
        });
    });
    let finished = JsFuture::from(promise).await.is_ok();
    drop(hooks);
    finished
}

/// A plain GET: status and body text (`None`: no answer).
async fn get_text(url: &str) -> Option<(u16, String)> {
    let init = RequestInit::new();
    init.set_method("GET");
    let window = web_sys::window()?;
    let response: web_sys::Response = JsFuture::from(window.fetch_with_str_and_init(url, &init))
        .await
        .ok()?
        .dyn_into()
        .ok()?;
    let text = JsFuture::from(response.text().ok()?)
        .await
        .ok()?
        .as_string()?;
    Some((response.status(), text))
}

fn aborted() -> ApiFailure {
    ApiFailure {
        kind: "aborted".into(),
        ..ApiFailure::network("aborted")
    }
}

fn failure(e: WanError) -> ApiFailure {
    let message = match &e {
        WanError::Api { error, .. } => error.body.message.clone(),
        other => other.to_string(),
    };
    let issues = match &e {
        WanError::Api { error, .. } => error
            .body
            .extra
            .get("issues")
            .and_then(|v| serde_json::from_value(v.clone()).ok())
            .unwrap_or_default(),
        other => other.issues().to_vec(),
    };
    ApiFailure {
        status: e.status(),
        kind: e.kind().into(),
        code: e.code().unwrap_or_default().to_string(),
        message,
        issues,
        task: e.task().and_then(|t| t.response().ok()).map(Box::new),
    }
}

impl Conn {
    /// The `wanedit-client` for this connection.
    fn client(&self) -> Client {
        let mut config = ClientConfig::new(self.base_url.clone());
        config.api_key = self.api_key.clone();
        config.workspace = self.workspace.clone();
        config.relay_token = self.relay_token.clone();
        config.time_scale = self.time_scale;
        Client::new(config)
    }
}

/// Creates a task (validated first; retried only on a 429 that waiting cures: a submit is
/// billed).
pub async fn submit(conn: &Conn, body: &Value) -> Result<CreateTaskResponse, ApiFailure> {
    conn.client()
        .submit(body, CallOptions::default())
        .await
        .map_err(failure)
}

/// Queries a task once.
pub async fn get(conn: &Conn, task_id: &str) -> Result<TaskResponse, ApiFailure> {
    conn.client()
        .get(task_id, CallOptions::default())
        .await
        .map_err(failure)
}

/// Cancels a `PENDING` task.
pub async fn cancel(conn: &Conn, task_id: &str) -> Result<(), ApiFailure> {
    conn.client()
        .cancel(task_id, CallOptions::default())
        .await
        .map(drop)
        .map_err(failure)
}

/// Lists the account's tasks.
pub async fn list(conn: &Conn, query: &TaskListQuery) -> Result<TaskListResponse, ApiFailure> {
    conn.client()
        .list(query, CallOptions::default())
        .await
        .map_err(failure)
}

/// Options of [`wait`].
pub struct WaitOptions {
    /// The model (picks the poll schedule when the request is not known).
    pub model: String,
    /// The create-task body, when known: the schedule expects the run time of this request.
    pub request: Option<Value>,
    /// The input video's length (s), when known (a wan2.7 output follows it).
    pub input_video_s: Option<f64>,
    /// When the task was submitted (epoch ms): the origin of the schedule.
    pub submitted_at_ms: f64,
    /// Durations (s) of this account's earlier tasks of the model (`Poller::with_durations`).
    pub history: Vec<f64>,
    /// Called with every answer whose status differs from the previous one.
    pub on_update: Box<dyn FnMut(&TaskResponse)>,
    /// Stops the wait.
    pub abort: Option<AbortSignal>,
}

/// Polls a task until it ends: queries through `wanedit-client`, timed by
/// `Poller::for_request(request).with_durations(history)` on the service's clock. Resolves on
/// `SUCCEEDED`; a `FAILED`, `CANCELED` or `UNKNOWN` end is an error carrying the final answer.
/// Failures that waiting can cure (network, 429, 5xx) never end it.
pub async fn wait(
    conn: &Conn,
    task_id: &str,
    opts: WaitOptions,
) -> Result<TaskResponse, ApiFailure> {
    let WaitOptions {
        model,
        request,
        input_video_s,
        submitted_at_ms,
        history,
        mut on_update,
        abort,
    } = opts;
    let client = conn.client();
    // Expected run time from the request (or the model), corrected by this account's history,
    // and re-anchored when an answer shows the task started running (`scheduled_time`).
    let mut poller = match (&request, input_video_s) {
        (Some(body), Some(s)) => {
            Poller::new(RequestFeatures::from_body(body).with_input_video_s(s))
        }
        (Some(body), None) => Poller::for_request(body),
        (None, _) => Poller::for_model(&model),
    }
    .with_durations(&history);
    let scale = if conn.time_scale.is_finite() && conn.time_scale > 0.0 {
        conn.time_scale
    } else {
        1.0
    };
    let mut last: Option<TaskStatus> = None;
    loop {
        let elapsed_ms = (now_ms() - submitted_at_ms).max(0.0);
        let elapsed = Duration::from_millis((elapsed_ms * scale) as u64);
        let delay_ms = poller.next_delay(elapsed).as_millis() as f64 / scale;
        if !sleep(Duration::from_millis(delay_ms as u64), abort.as_ref()).await {
            return Err(aborted());
        }
        let opts = CallOptions {
            abort: abort.clone(),
        };
        let task = match client.get(task_id, opts).await {
            Ok(task) => task,
            Err(e) if abort.as_ref().is_some_and(AbortSignal::aborted) => {
                drop(e);
                return Err(aborted());
            }
            Err(e) => {
                let f = failure(e);
                if matches!(f.kind.as_str(), "network" | "server" | "rate_limited") {
                    continue;
                }
                return Err(f);
            }
        };
        let status = task.output.task_status.clone();
        let elapsed_ms = (now_ms() - submitted_at_ms).max(0.0);
        let elapsed = Duration::from_millis((elapsed_ms * scale) as u64);
        poller.observe(&Observation::from_response(&task), elapsed);
        if last.as_ref() != Some(&status) {
            on_update(&task);
            last = Some(status.clone());
        }
        match status {
            TaskStatus::Succeeded => return Ok(task),
            TaskStatus::Failed => return Err(ApiFailure::ended("task_failed", task)),
            TaskStatus::Canceled => return Err(ApiFailure::ended("canceled", task)),
            TaskStatus::Unknown => return Err(ApiFailure::ended("expired", task)),
            _ => {}
        }
    }
}

/// Uploads `blob` for `model` (a temporary `oss://` URL, valid 48 h for that model) through
/// the relay, reporting the fraction sent to `on_progress`.
pub async fn upload(
    conn: &Conn,
    blob: &Blob,
    model: &str,
    filename: &str,
    on_progress: Box<dyn FnMut(f64)>,
) -> Result<String, ApiFailure> {
    let opts = UploadOptions {
        model: model.to_string(),
        filename: Some(filename.to_string()),
        on_progress: Some(on_progress),
        abort: None,
    };
    conn.client().upload(blob, opts).await.map_err(failure)
}

/// `GET {root}/api/relay/config` (`root`: the relay's root URL); the fallback when no relay
/// answers.
pub async fn relay_config(root: &str) -> RelayConfig {
    match get_text(&format!("{root}/api/relay/config")).await {
        Some((200, text)) => RelayConfig::parse(&text).unwrap_or_else(RelayConfig::fallback),
        _ => RelayConfig::fallback(),
    }
}
