//! All HTTP of the UI, in one module: the DashScope calls (submit, get, wait, cancel, list,
//! upload) through `wanedit-client` to the relay, and the relay's own configuration.
//!
//! The functions and types below are the whole surface the UI uses. Each upstream has one
//! [`Conn`]: one `wanedit-client` `Client` (made once, held in the app context), which applies
//! every rule (headers, validation before a submit, retries, upload form) from `wanedit-core`
//! and waits with its own poller, retry policy and abort, learning run times into the
//! history store the UI gives it ([`StorageHistory`]).

use std::rc::Rc;
use std::time::Duration;

use js_sys::Promise;
use serde_json::Value;
use wanedit_client::{
    CallOptions, Client, ClientConfig, HistoryStore, MemoryStore, UploadOptions, WanError,
};
use wanedit_core::task::{CreateTaskResponse, TaskListQuery, TaskListResponse, TaskResponse};
use wanedit_core::Issue;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{AbortSignal, Blob, RequestInit};

use crate::settings::RelayConfig;

/// How to reach DashScope through the relay: what a [`Conn`]'s client is made with.
#[derive(Clone, PartialEq)]
pub struct ConnConfig {
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

fn failure(e: &WanError) -> ApiFailure {
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

/// The `localStorage` key (before an embed's namespace) of an upstream's poll history.
pub const POLL_HISTORY_KEY: &str = wanedit_client::HISTORY_KEY;

/// [`POLL_HISTORY_KEY`] of `upstream`: `wanedit.pollHistory.v1.sim`.
pub fn history_key(upstream: &str) -> String {
    format!("{POLL_HISTORY_KEY}.{upstream}")
}

/// A client's history in `localStorage` under one key (see `Ctx::conn`): the run times the
/// client learns from survive reloads. Storage failures are silent (see `crate::storage`).
pub struct StorageHistory {
    /// The `localStorage` key.
    pub key: String,
}

impl HistoryStore for StorageHistory {
    fn load(&self) -> Option<String> {
        crate::storage::get(&self.key)
    }

    fn save(&self, text: &str) {
        crate::storage::set(&self.key, text);
    }
}

/// One upstream's connection: its configuration and the one client made for it. Cheap to
/// clone (the clones share the client, its submitted tasks and its history).
#[derive(Clone)]
pub struct Conn {
    config: ConnConfig,
    history_key: Option<String>,
    client: Client,
}

impl Conn {
    /// The client for `config`, learning into `localStorage` under `history_key` (`None`:
    /// in memory, e.g. an embedded editor without a `storage-key`).
    pub fn new(config: ConnConfig, history_key: Option<String>) -> Self {
        let mut c = ClientConfig::new(config.base_url.clone());
        c.api_key = config.api_key.clone();
        c.workspace = config.workspace.clone();
        c.relay_token = config.relay_token.clone();
        c.time_scale = config.time_scale;
        let store: Rc<dyn HistoryStore> = match &history_key {
            Some(key) => Rc::new(StorageHistory { key: key.clone() }),
            None => Rc::new(MemoryStore::default()),
        };
        Conn {
            client: Client::with_history(c, store),
            config,
            history_key,
        }
    }

    /// Whether this is the connection `config` with its history under `history_key` asks for.
    pub fn is_for(&self, config: &ConnConfig, history_key: &Option<String>) -> bool {
        self.config == *config && self.history_key == *history_key
    }

    fn client(&self) -> &Client {
        &self.client
    }
}

/// Creates a task (validated first; retried only on a 429 that waiting cures: a submit is
/// billed).
pub async fn submit(conn: &Conn, body: &Value) -> Result<CreateTaskResponse, ApiFailure> {
    conn.client()
        .submit(body, CallOptions::default())
        .await
        .map_err(|e| failure(&e))
}

/// Queries a task once.
pub async fn get(conn: &Conn, task_id: &str) -> Result<TaskResponse, ApiFailure> {
    conn.client()
        .get(task_id, CallOptions::default())
        .await
        .map_err(|e| failure(&e))
}

/// Cancels a `PENDING` task.
pub async fn cancel(conn: &Conn, task_id: &str) -> Result<(), ApiFailure> {
    conn.client()
        .cancel(task_id, CallOptions::default())
        .await
        .map(drop)
        .map_err(|e| failure(&e))
}

/// Lists the account's tasks.
pub async fn list(conn: &Conn, query: &TaskListQuery) -> Result<TaskListResponse, ApiFailure> {
    conn.client()
        .list(query, CallOptions::default())
        .await
        .map_err(|e| failure(&e))
}

/// [`WaitOptions::on_retry`]: a failed poll (as the UI shows it) and the wait before the next.
pub type OnRetry = Box<dyn FnMut(&ApiFailure, Duration)>;

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
    /// Called with every answer whose status differs from the previous one, and with the
    /// first answer after failed polls.
    pub on_update: Box<dyn FnMut(&TaskResponse)>,
    /// Called when a poll failed and will be retried.
    pub on_retry: OnRetry,
    /// Stops the wait.
    pub abort: Option<AbortSignal>,
}

/// Polls a task until it ends: the connection's client's own wait (its poller, learned from
/// its history; its retry policy; the abort). Resolves on `SUCCEEDED`; a `FAILED`, `CANCELED`
/// or `UNKNOWN` end is an error carrying the final answer. Failures that waiting can cure
/// (network, 429, 5xx) never end it: each is told to `on_retry`.
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
        on_update,
        mut on_retry,
        abort,
    } = opts;
    let opts = wanedit_client::WaitOptions {
        on_update: Some(on_update),
        on_retry: Some(Box::new(move |e: &WanError, d| on_retry(&failure(e), d))),
        abort,
        model: Some(model),
        request,
        submitted_at_ms: Some(submitted_at_ms),
        input_video_s,
        ..Default::default()
    };
    conn.client()
        .wait(task_id, opts)
        .await
        .map_err(|e| failure(&e))
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
    conn.client()
        .upload(blob, opts)
        .await
        .map_err(|e| failure(&e))
}

thread_local! {
    /// Relay configurations read once for the whole page by `embed.js`, by relay root.
    static PRELOADED_CONFIGS: std::cell::RefCell<Vec<(String, String)>> =
        const { std::cell::RefCell::new(Vec::new()) };
}

/// Keeps `text`, the answer of `{root}/api/relay/config` that `embed.js` read once for every
/// editor of the page, so [`relay_config`] does not fetch it again.
pub fn preload_relay_config(root: &str, text: String) {
    PRELOADED_CONFIGS.with(|c| {
        let mut c = c.borrow_mut();
        c.retain(|(r, _)| r != root);
        c.push((root.to_string(), text));
    });
}

/// `GET {root}/api/relay/config` (`root`: the relay's root URL), unless `embed.js` read it
/// already ([`preload_relay_config`]); the fallback when no relay answers.
pub async fn relay_config(root: &str) -> RelayConfig {
    let preloaded = PRELOADED_CONFIGS.with(|c| {
        c.borrow()
            .iter()
            .find(|(r, _)| r == root)
            .map(|(_, t)| t.clone())
    });
    if let Some(text) = preloaded {
        return RelayConfig::parse(&text).unwrap_or_else(RelayConfig::fallback);
    }
    match get_text(&format!("{root}/api/relay/config")).await {
        Some((200, text)) => RelayConfig::parse(&text).unwrap_or_else(RelayConfig::fallback),
        _ => RelayConfig::fallback(),
    }
}
