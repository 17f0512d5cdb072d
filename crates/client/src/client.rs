//! [`Client`]: submit, query, wait for, cancel and list tasks, and upload files, with one
//! retry policy and one poller.

use core::cell::RefCell;
use core::fmt;
use core::time::Duration;
use std::rc::Rc;

use serde::de::DeserializeOwned;
use serde_json::Value;
use wanedit_core::issue::{has_errors, Issue};
use wanedit_core::poll::{History, Observation, PastTask, Poller, RequestFeatures, Schedule};
use wanedit_core::region::{create_task_headers, read_headers, CREATE_TASK_PATH, TASKS_PATH};
use wanedit_core::retry::{Call, Failure, Jitter, RetryPolicy};
use wanedit_core::task::{
    is_valid_task_id, ApiError, CancelResponse, CreateTaskResponse, TaskListQuery,
    TaskListResponse, TaskResponse, TaskStatus,
};
use wanedit_core::text::json_text;
use wasm_bindgen::JsValue;
use web_sys::AbortSignal;

use crate::history::{HistoryStore, MemoryStore};
use crate::http::{self, Req, SendError};
use crate::snapshot::{json_value, output_task_id, unexpected, TaskSnapshot};
use crate::timer::{now_ms, sleep, Interrupter};
use crate::{Boxed, WanError};

/// How to reach DashScope (directly, or through a `wanedit-relay`).
#[derive(Clone, PartialEq)]
pub struct ClientConfig {
    /// DashScope's base URL (`https://dashscope-intl.aliyuncs.com`) or a relay upstream
    /// (`http://127.0.0.1:8787/intl`); without the `/api/v1` part. A trailing `/` is ignored.
    pub base_url: String,
    /// Sent as `Authorization: Bearer …` when set. Leave it `None` when a relay holds the key.
    pub api_key: Option<String>,
    /// Sent as `X-DashScope-WorkSpace` when set.
    pub workspace: Option<String>,
    /// Sent as `X-Relay-Token` when set (a relay started with `--access-token`).
    pub relay_token: Option<String>,
    /// Backoff of failed calls. Reads during a wait use it without an attempt limit.
    pub retry: RetryPolicy,
    /// Virtual seconds per real second of the service's clock: `1` for DashScope; the
    /// simulator's `--time-scale` for a simulator running faster, so polling keeps pace.
    /// Only the poll schedule uses it; timeouts and backoff are real time.
    pub time_scale: f64,
}

impl ClientConfig {
    /// A configuration for `base_url` without key, workspace or token, default retry policy.
    pub fn new(base_url: impl Into<String>) -> Self {
        ClientConfig {
            base_url: base_url.into(),
            api_key: None,
            workspace: None,
            relay_token: None,
            retry: RetryPolicy::default(),
            time_scale: 1.0,
        }
    }
}

impl fmt::Debug for ClientConfig {
    /// Never shows the key or the token.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let hidden = |s: &Option<String>| s.as_ref().map(|_| "<redacted>");
        f.debug_struct("ClientConfig")
            .field("base_url", &self.base_url)
            .field("api_key", &hidden(&self.api_key))
            .field("workspace", &self.workspace)
            .field("relay_token", &hidden(&self.relay_token))
            .field("retry", &self.retry)
            .field("time_scale", &self.time_scale)
            .finish()
    }
}

/// [`WaitOptions::on_update`]: called with each new status's task answer.
pub type OnUpdate = Box<dyn FnMut(&TaskResponse)>;
/// [`RunOptions::on_submitted`]: called with the create answer.
pub type OnSubmitted = Box<dyn FnOnce(&CreateTaskResponse)>;
/// [`UploadOptions::on_progress`]: called with the fraction sent, 0 to 1.
pub type OnProgress = Box<dyn FnMut(f64)>;
/// [`WaitOptions::on_retry`]: called with the error of a failed poll and the wait before the
/// next one.
pub type OnRetry = Box<dyn FnMut(&WanError, Duration)>;

/// What [`Client::fetch_text`] tells of each failure it retries: the error, the wait before
/// the next attempt.
pub(crate) type HearRetry<'a> = dyn FnMut(&WanError, Duration) + 'a;

/// The poller's update hook, on snapshots.
pub(crate) type OnSnapshot = Box<dyn FnMut(&TaskSnapshot)>;

/// Options of a single call.
#[derive(Default, Clone)]
pub struct CallOptions {
    /// Aborts the call (and its retries).
    pub abort: Option<AbortSignal>,
}

/// Options of [`Client::wait`].
#[derive(Default)]
pub struct WaitOptions {
    /// Give up after this long (real time), with [`WanError::Timeout`].
    pub timeout: Option<Duration>,
    /// Called with the task answer on every status change (the first answer included), and
    /// with the first answer after polls failed ([`WaitOptions::on_retry`]).
    pub on_update: Option<OnUpdate>,
    /// Called when a poll failed (network, 429, 5xx: waiting may cure it) with its error and
    /// the wait before it is retried.
    pub on_retry: Option<OnRetry>,
    /// On timeout, first cancel the task if it was still `PENDING`.
    pub cancel_on_timeout: bool,
    /// Aborts the wait, with [`WanError::Aborted`].
    pub abort: Option<AbortSignal>,
    /// The task's model, which picks the poll schedule. Not needed for tasks this client
    /// submitted (their request body is known, which is better); otherwise the generic
    /// (shorter) schedule is used.
    pub model: Option<String>,
    /// The task's create-task body, for a task this client did not submit (one submitted
    /// before a reload, say): the poll schedule expects the run time of this request.
    pub request: Option<Value>,
    /// When the task was submitted, in ms since the epoch (`Date.now()`). Known without it for
    /// tasks this client submitted; otherwise the first poll counts as the start.
    pub submitted_at_ms: Option<f64>,
    /// Run times (seconds, `end_time − scheduled_time`; submission-to-end times will do) of
    /// this account's earlier tasks of the same kind of request, on top of the client's own
    /// history ([`Client::with_history`]). Usually empty: the client learns by itself.
    pub history: Vec<f64>,
    /// The input video's length, seconds (from the file's metadata): a wan2.7 request without
    /// `parameters.duration` outputs that long, so its run time is expected for it rather
    /// than for anything from 2 to 10 s.
    pub input_video_s: Option<f64>,
}

/// Options of [`Client::run`]: those of the wait, and a hook for the new task id.
#[derive(Default)]
pub struct RunOptions {
    /// The wait's options (its `abort` also aborts the submit).
    pub wait: WaitOptions,
    /// Called as soon as the task exists, before the wait starts.
    pub on_submitted: Option<OnSubmitted>,
}

/// Options of [`Client::upload`].
#[derive(Default)]
pub struct UploadOptions {
    /// The model the file is for (an upload only works for the model its policy was for).
    pub model: String,
    /// The file name in the object key; default the `File`'s name, else `upload.<ext>` by
    /// MIME type.
    pub filename: Option<String>,
    /// Called with the fraction sent, 0 to 1. With `XMLHttpRequest` (browsers) as the upload
    /// progresses; elsewhere (Node: `fetch` has no upload progress) only with 0 and 1.
    pub on_progress: Option<OnProgress>,
    /// Aborts the upload.
    pub abort: Option<AbortSignal>,
}

/// A task this client submitted: its request picks the poll schedule, its submission time is
/// the origin of the schedule.
struct Known {
    task_id: String,
    request: RequestFeatures,
    submitted_ms: f64,
}

/// How many submitted tasks are remembered.
const KNOWN_CAPACITY: usize = 64;

struct Inner {
    config: ClientConfig,
    /// `base_url` without trailing slashes.
    base: String,
    known: RefCell<Vec<Known>>,
    /// The run times learned from earlier waits (`wanedit_core::poll::History`'s text).
    history: Rc<dyn HistoryStore>,
}

/// The DashScope client. Cheap to clone (the clones share the configuration, the list of
/// submitted tasks and the history store); not `Send` (browser objects are single-threaded).
#[derive(Clone)]
pub struct Client {
    inner: Rc<Inner>,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Client").field(&self.inner.config).finish()
    }
}

/// Jitter from `Math.random()`.
struct MathRandom;

impl Jitter for MathRandom {
    fn next_unit(&mut self) -> f64 {
        js_sys::Math::random()
    }
}

/// Parses the typed form of a success answer.
pub(crate) fn parse<T: DeserializeOwned>(text: &str) -> Result<T, WanError> {
    serde_json::from_str(text).map_err(|e| unexpected(e.to_string()))
}

fn check_task_id(task_id: &str) -> Result<(), WanError> {
    if is_valid_task_id(task_id) {
        Ok(())
    } else {
        Err(WanError::invalid(
            "invalid task id: 1-64 ASCII letters, digits and '-'",
        ))
    }
}

/// [`WaitOptions`] with the update hook on snapshots: the poller itself.
#[derive(Default)]
pub(crate) struct PollOptions {
    pub timeout: Option<Duration>,
    pub on_update: Option<OnSnapshot>,
    pub on_retry: Option<OnRetry>,
    pub cancel_on_timeout: bool,
    pub abort: Option<AbortSignal>,
    pub model: Option<String>,
    pub request: Option<RequestFeatures>,
    pub submitted_at_ms: Option<f64>,
    pub history: Vec<f64>,
    pub input_video_s: Option<f64>,
}

/// Real milliseconds since the origin as time on the service's clock (`elapsed × scale`).
fn service_elapsed(scale: f64, elapsed_ms: f64) -> Duration {
    // Whole milliseconds (and `as`, which saturates) rather than `from_secs_f64`.
    Duration::from_millis((elapsed_ms.max(0.0) * scale) as u64)
}

/// The real-time delay before the next poll: `schedule` runs on the service's clock
/// (`elapsed × scale`), the timer on real time.
fn poll_delay(schedule: &dyn Schedule, scale: f64, elapsed_ms: f64, polls: u32) -> Duration {
    let elapsed = service_elapsed(scale, elapsed_ms);
    let delay_ms = schedule.next_delay(elapsed, polls).as_millis() as f64;
    Duration::from_millis((delay_ms / scale) as u64)
}

impl Client {
    /// A client for `config`, keeping what it learns in memory ([`MemoryStore`]).
    pub fn new(config: ClientConfig) -> Client {
        Self::with_history(config, Rc::new(MemoryStore::default()))
    }

    /// A client for `config` that keeps the run times of the tasks it waited for in `store`
    /// (`wanedit_core::poll::History`'s text), and learns from them: each wait's poller is
    /// fitted to the account's earlier run times (`Poller::with_history`).
    pub fn with_history(config: ClientConfig, store: Rc<dyn HistoryStore>) -> Client {
        let base = config.base_url.trim_end_matches('/').to_string();
        Client {
            inner: Rc::new(Inner {
                config,
                base,
                known: RefCell::new(Vec::new()),
                history: store,
            }),
        }
    }

    /// The run times learned so far (read from the store).
    pub fn history(&self) -> History {
        let text = self.inner.history.load();
        History::from_value(text.and_then(|t| crate::json::parse(&t)).as_ref())
    }

    /// Adds a finished task to the stored history.
    fn learn(&self, task: PastTask) {
        let mut history = self.history();
        history.record(task);
        self.inner.history.save(&history.to_text());
    }

    /// The configuration.
    pub fn config(&self) -> &ClientConfig {
        &self.inner.config
    }

    /// `base_url` + `parts`.
    pub(crate) fn url(&self, parts: &[&str]) -> String {
        let mut url = self.inner.base.clone();
        for p in parts {
            url.push_str(p);
        }
        url
    }

    /// Headers of a read call, with the relay token.
    pub(crate) fn read_headers(&self) -> Vec<(&'static str, String)> {
        let c = &self.inner.config;
        let mut h = read_headers(c.api_key.as_deref(), c.workspace.as_deref());
        self.add_token(&mut h);
        h
    }

    fn add_token(&self, headers: &mut Vec<(&'static str, String)>) {
        if let Some(token) = &self.inner.config.relay_token {
            headers.push((wanedit_core::headers::X_RELAY_TOKEN, token.clone()));
        }
    }

    /// One call with retries: the body text of the first success answer, or the error of the
    /// last attempt. `policy` decides what is retried and how long to wait (`Retry-After`
    /// honoured); `signal` stops it all; `on_retry` hears of each failure that is retried.
    pub(crate) fn fetch_text<'a>(
        &'a self,
        call: Call,
        policy: &'a RetryPolicy,
        req: &'a Req,
        signal: &'a AbortSignal,
        mut on_retry: Option<&'a mut HearRetry<'a>>,
    ) -> Boxed<'a, Result<String, WanError>> {
        Box::pin(async move {
            let mut attempts = 0u32;
            loop {
                attempts += 1;
                let (failure, error) = match http::send(req, signal).await {
                    Ok(reply) if (200..300).contains(&reply.status) => return Ok(reply.text),
                    Ok(reply) => {
                        let parsed = crate::json::parse(&reply.text);
                        let error =
                            ApiError::from_parsed_response(reply.status, parsed, &reply.text);
                        let failure = Failure::Http {
                            status: reply.status,
                            code: error.body.code.clone(),
                            retry_after: reply.retry_after,
                        };
                        let retry_after = reply.retry_after;
                        (failure, WanError::Api { error, retry_after })
                    }
                    Err(SendError::Aborted) => return Err(WanError::aborted()),
                    Err(SendError::Network(message)) => {
                        (Failure::Network, WanError::Network { message })
                    }
                };
                let Some(delay) = policy.next_delay(call, &failure, attempts, &mut MathRandom)
                else {
                    return Err(error);
                };
                if let Some(f) = on_retry.as_mut() {
                    f(&error, delay);
                }
                if sleep(delay, signal).await.is_err() {
                    return Err(WanError::aborted());
                }
            }
        })
    }

    /// A read call (`GET`, or `POST` without body) with the configured retry policy.
    fn read<'a>(
        &'a self,
        method: &'static str,
        url: String,
        abort: Option<&'a AbortSignal>,
    ) -> Boxed<'a, Result<String, WanError>> {
        Box::pin(async move {
            let req = Req {
                method,
                url,
                headers: self.read_headers(),
                body: None,
            };
            let interrupter = Interrupter::new(abort, None)?;
            self.fetch_text(
                Call::Read,
                &self.inner.config.retry,
                &req,
                &interrupter.signal(),
                None,
            )
            .await
        })
    }

    /// [`Client::submit`] on JSON: `body` is sent as `text` (its JSON). Returns the new task's
    /// id and the answer's JSON.
    pub(crate) fn submit_json<'a>(
        &'a self,
        body: &'a Value,
        text: String,
        abort: Option<&'a AbortSignal>,
    ) -> Boxed<'a, Result<(String, String), WanError>> {
        Box::pin(async move {
            let issues = wanedit_core::validate(body);
            if has_errors(&issues) {
                let first = issues.iter().find(|i| i.is_error()).map(Issue::summary);
                return Err(WanError::InvalidRequest {
                    message: first.unwrap_or_default(),
                    issues,
                });
            }
            let c = &self.inner.config;
            let mut headers =
                create_task_headers(c.api_key.as_deref(), c.workspace.as_deref(), body);
            self.add_token(&mut headers);
            let req = Req {
                method: "POST",
                url: self.url(&[CREATE_TASK_PATH]),
                headers,
                body: Some(JsValue::from_str(&text)),
            };
            let interrupter = Interrupter::new(abort, None)?;
            let sent_at = now_ms();
            let json = self
                .fetch_text(Call::Submit, &c.retry, &req, &interrupter.signal(), None)
                .await?;
            let task_id = output_task_id(&json_value(&json)?)?;
            self.remember(&task_id, RequestFeatures::from_body(body), sent_at);
            Ok((task_id, json))
        })
    }

    /// Creates a task. The body is validated first: with an error-severity issue nothing is
    /// sent and the call fails with [`WanError::InvalidRequest`] carrying every issue. Sends
    /// `X-DashScope-OssResourceResolve: enable` when the body has an `oss://` URL. Retried
    /// only on a 429 that waiting cures (a submit is billed; see `wanedit_core::retry`).
    pub async fn submit(
        &self,
        body: &Value,
        opts: CallOptions,
    ) -> Result<CreateTaskResponse, WanError> {
        let (_, json) = self
            .submit_json(body, json_text(body), opts.abort.as_ref())
            .await?;
        parse(&json)
    }

    fn remember(&self, task_id: &str, request: RequestFeatures, submitted_ms: f64) {
        let mut known = self.inner.known.borrow_mut();
        if known.len() >= KNOWN_CAPACITY {
            known.remove(0);
        }
        known.push(Known {
            task_id: task_id.to_string(),
            request,
            submitted_ms,
        });
    }

    fn recall(&self, task_id: &str) -> (Option<RequestFeatures>, Option<f64>) {
        let known = self.inner.known.borrow();
        match known.iter().rev().find(|k| k.task_id == task_id) {
            Some(k) => (Some(k.request), Some(k.submitted_ms)),
            None => (None, None),
        }
    }

    fn task_url(&self, task_id: &str, suffix: &str) -> Result<String, WanError> {
        check_task_id(task_id)?;
        Ok(self.url(&[TASKS_PATH, "/", task_id, suffix]))
    }

    /// [`Client::get`] on JSON: the answer's JSON.
    pub(crate) async fn get_json(
        &self,
        task_id: &str,
        abort: Option<&AbortSignal>,
    ) -> Result<String, WanError> {
        self.read("GET", self.task_url(task_id, "")?, abort).await
    }

    /// Queries a task once (retrying transient failures within the retry policy's limit).
    pub async fn get(&self, task_id: &str, opts: CallOptions) -> Result<TaskResponse, WanError> {
        parse(&self.get_json(task_id, opts.abort.as_ref()).await?)
    }

    /// The poller behind [`Client::wait`], on snapshots.
    pub(crate) fn wait_snapshot<'a>(
        &'a self,
        task_id: &'a str,
        opts: PollOptions,
    ) -> Boxed<'a, Result<TaskSnapshot, WanError>> {
        Box::pin(async move {
            let url = self.task_url(task_id, "")?;
            let PollOptions {
                timeout,
                mut on_update,
                mut on_retry,
                cancel_on_timeout,
                abort,
                model,
                request: given,
                submitted_at_ms,
                history,
                input_video_s,
            } = opts;
            let (known_request, known_at) = self.recall(task_id);
            // The request of a task this client submitted; else what the caller says of it.
            let mut request = known_request
                .or(given)
                .unwrap_or_else(|| RequestFeatures::for_model(model.as_deref().unwrap_or("")));
            if let Some(seconds) = input_video_s {
                request = request.with_input_video_s(seconds);
            }
            // Learned from the account's earlier tasks (the store's and the caller's).
            let mut past = self.history().past().to_vec();
            past.extend(history.iter().map(|&d| PastTask::new(request, d)));
            let mut poller = Poller::new(request).with_history(&past);
            let config = &self.inner.config;
            let scale = if config.time_scale.is_finite() && config.time_scale > 0.0 {
                config.time_scale
            } else {
                1.0
            };
            let interrupter = Interrupter::new(abort.as_ref(), timeout)?;
            let signal = interrupter.signal();
            let policy = config.retry.clone().unbounded();
            let req = Req {
                method: "GET",
                url,
                headers: self.read_headers(),
                body: None,
            };
            let mut origin = submitted_at_ms.or(known_at);
            // The answers' submit/scheduled times place the run's start on the poller's
            // clock only when that clock starts at the submission.
            let origin_is_submission = origin.is_some();
            let mut last: Option<TaskSnapshot> = None;
            let mut polls = 0u32;
            let outcome = 'poll: {
                // A task submitted just now is surely still pending: wait the first interval.
                if let Some(at) = origin {
                    if sleep(poll_delay(&poller, scale, now_ms() - at, 0), &signal)
                        .await
                        .is_err()
                    {
                        break 'poll Err(WanError::aborted());
                    }
                }
                loop {
                    let mut retried = false;
                    let mut hear = |e: &WanError, d: Duration| {
                        retried = true;
                        if let Some(f) = on_retry.as_mut() {
                            f(e, d);
                        }
                    };
                    let fetched = self
                        .fetch_text(Call::Read, &policy, &req, &signal, Some(&mut hear))
                        .await;
                    let snapshot = fetched.and_then(TaskSnapshot::from_json);
                    let task = match snapshot {
                        Ok(task) => task,
                        Err(e) => break 'poll Err(e),
                    };
                    polls += 1;
                    let at = *origin.get_or_insert_with(now_ms);
                    let answer = json_value(task.json());
                    let observation = match &answer {
                        Ok(v) if origin_is_submission => Observation::from_json(v),
                        _ => Observation::status_only(task.status().clone()),
                    };
                    poller.observe(&observation, service_elapsed(scale, now_ms() - at));
                    if retried || last.as_ref().map(TaskSnapshot::status) != Some(task.status()) {
                        if let Some(f) = on_update.as_mut() {
                            f(&task);
                        }
                    }
                    match task.status() {
                        TaskStatus::Succeeded => {
                            if let Some(done) =
                                answer.ok().and_then(|v| PastTask::from_json(request, &v))
                            {
                                self.learn(done);
                            }
                            break 'poll Ok(task);
                        }
                        TaskStatus::Failed => {
                            break 'poll Err(WanError::TaskFailed {
                                task: Box::new(task),
                            })
                        }
                        TaskStatus::Canceled => {
                            break 'poll Err(WanError::Canceled {
                                task: Box::new(task),
                            })
                        }
                        TaskStatus::Unknown => {
                            break 'poll Err(WanError::Expired {
                                task: Box::new(task),
                            })
                        }
                        _ => last = Some(task),
                    }
                    if sleep(poll_delay(&poller, scale, now_ms() - at, polls), &signal)
                        .await
                        .is_err()
                    {
                        break 'poll Err(WanError::aborted());
                    }
                }
            };
            let Err(WanError::Aborted { .. }) = outcome else {
                return outcome;
            };
            if interrupter.user_aborted() {
                return Err(WanError::Aborted {
                    task_id: Some(task_id.to_string()),
                    task: last.map(Box::new),
                });
            }
            drop(interrupter);
            let pending = last
                .as_ref()
                .is_none_or(|t| *t.status() == TaskStatus::Pending);
            let canceled =
                cancel_on_timeout && pending && self.cancel_json(task_id, None).await.is_ok();
            Err(WanError::Timeout {
                task_id: task_id.to_string(),
                task: last.map(Box::new),
                canceled,
            })
        })
    }

    /// Polls a task until it ends. Resolves on `SUCCEEDED`; fails with
    /// [`WanError::TaskFailed`], [`WanError::Canceled`], [`WanError::Expired`] (`UNKNOWN`),
    /// [`WanError::Timeout`] or [`WanError::Aborted`], or with the error of a query that
    /// waiting cannot cure (a wrong key, say). Network errors, 429 and 5xx never end a wait:
    /// they are retried with backoff, `Retry-After` honoured.
    ///
    /// Polls follow a `wanedit_core::poll::Poller`: the run-time prior of the request (for
    /// tasks this client submitted; else of [`WaitOptions::request`] or
    /// [`WaitOptions::model`]), learned from the client's history store
    /// ([`Client::with_history`]; each wait that succeeds adds its run time) and
    /// [`WaitOptions::history`], on the time since submission (the client's own clock at
    /// submission for tasks it submitted, or [`WaitOptions::submitted_at_ms`], else the first
    /// poll), re-anchored at the run's start (`scheduled_time − submit_time`) once an answer
    /// shows the task running.
    pub async fn wait(&self, task_id: &str, opts: WaitOptions) -> Result<TaskResponse, WanError> {
        let WaitOptions {
            timeout,
            on_update,
            on_retry,
            cancel_on_timeout,
            abort,
            model,
            request,
            submitted_at_ms,
            history,
            input_video_s,
        } = opts;
        let on_update = on_update.map(|mut f| {
            Box::new(move |s: &TaskSnapshot| {
                if let Ok(task) = s.response() {
                    f(&task);
                }
            }) as OnSnapshot
        });
        let opts = PollOptions {
            timeout,
            on_update,
            on_retry,
            cancel_on_timeout,
            abort,
            model,
            request: request.as_ref().map(RequestFeatures::from_body),
            submitted_at_ms,
            history,
            input_video_s,
        };
        self.wait_snapshot(task_id, opts).await?.response()
    }

    /// [`Client::submit`], then [`Client::wait`] (whose timeout counts from the submission).
    pub async fn run(&self, body: &Value, opts: RunOptions) -> Result<TaskResponse, WanError> {
        let RunOptions { wait, on_submitted } = opts;
        let created = self
            .submit(
                body,
                CallOptions {
                    abort: wait.abort.clone(),
                },
            )
            .await?;
        if let Some(f) = on_submitted {
            f(&created);
        }
        self.wait(&created.output.task_id, wait).await
    }

    /// [`Client::cancel`] on JSON.
    pub(crate) fn cancel_json<'a>(
        &'a self,
        task_id: &'a str,
        abort: Option<&'a AbortSignal>,
    ) -> Boxed<'a, Result<String, WanError>> {
        Box::pin(async move {
            self.read("POST", self.task_url(task_id, "/cancel")?, abort)
                .await
        })
    }

    /// Cancels a `PENDING` task. Any other status gives HTTP 400 `UnsupportedOperation`
    /// ([`WanError::Api`], kind `invalid_request`).
    pub async fn cancel(
        &self,
        task_id: &str,
        opts: CallOptions,
    ) -> Result<CancelResponse, WanError> {
        parse(&self.cancel_json(task_id, opts.abort.as_ref()).await?)
    }

    /// [`Client::list`] on JSON.
    pub(crate) async fn list_json(
        &self,
        query: &TaskListQuery,
        abort: Option<&AbortSignal>,
    ) -> Result<String, WanError> {
        let qs = query.to_query_string();
        let url = if qs.is_empty() {
            self.url(&[TASKS_PATH, "/"])
        } else {
            self.url(&[TASKS_PATH, "/?", &qs])
        };
        self.read("GET", url, abort).await
    }

    /// Lists the account's tasks (`GET /api/v1/tasks/` with the query's filters).
    pub async fn list(
        &self,
        query: &TaskListQuery,
        opts: CallOptions,
    ) -> Result<TaskListResponse, WanError> {
        parse(&self.list_json(query, opts.abort.as_ref()).await?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use wanedit_core::poll::PollSchedule;

    #[test]
    fn the_poll_schedule_runs_on_the_services_clock() {
        let vace = PollSchedule::vace();
        let real = |elapsed_ms: f64| poll_delay(&vace, 1.0, elapsed_ms, 1);
        let fast = |elapsed_ms: f64| poll_delay(&vace, 60.0, elapsed_ms, 1);
        // 2 real minutes at scale 1 is the same point of the schedule as 2 s at scale 60,
        // and the delay is 60 times shorter.
        let (a, b) = (real(120_000.0), fast(2_000.0));
        assert!(a >= Duration::from_secs(30), "{a:?}");
        let ratio = a.as_millis() as f64 / b.as_millis() as f64;
        assert!((59.0..61.0).contains(&ratio), "{a:?} vs {b:?}");
        // Never below the schedule's 1 s minimum (in service time), never negative elapsed.
        assert!(fast(0.0) >= Duration::from_millis(16), "{:?}", fast(0.0));
        assert_eq!(real(-5.0), real(0.0));
    }

    #[test]
    fn a_submitted_task_is_polled_for_its_request_and_re_anchored_at_its_start() {
        let client = Client::new(ClientConfig::new("http://127.0.0.1:1"));
        let body = serde_json::json!({"model": "wan2.7-videoedit",
            "input": {"prompt": "p", "media": [{"type": "video", "url": "https://x/v.mp4"}]},
            "parameters": {"resolution": "720P", "duration": 2}});
        client.remember("t-1", RequestFeatures::from_body(&body), 1000.0);
        let (request, at) = client.recall("t-1");
        assert_eq!(at, Some(1000.0));
        let request = request.unwrap();
        assert!(request.is_exact(), "{request:?}");
        assert_eq!(client.recall("t-2"), (None, None));
        // At 10× speed (service time = 10 × real time): an answer read 40 s after submission
        // shows the run started 30 s after it; the dense window moves 30 s later.
        let median = request.run_prior().median_s;
        let running = |scheduled: &str| {
            let answer: Value = serde_json::from_str(&format!(
                r#"{{"output":{{"task_id":"t-1","task_status":"RUNNING",
                "submit_time":"2025-05-15 16:14:00.000","scheduled_time":"{scheduled}"}}}}"#
            ))
            .unwrap();
            let mut poller = Poller::new(request);
            poller.observe(
                &Observation::from_json(&answer),
                service_elapsed(10.0, 4000.0),
            );
            poller
        };
        let (at_once, later) = (
            running("2025-05-15 16:14:00.000"),
            running("2025-05-15 16:14:30.000"),
        );
        assert_eq!(at_once.run_start_s(), Some(0.0));
        assert_eq!(later.run_start_s(), Some(30.0));
        let real_ms = |service_s: f64| service_s * 100.0;
        let a = poll_delay(&at_once, 10.0, real_ms(median), 3);
        let b = poll_delay(&later, 10.0, real_ms(median + 30.0), 3);
        assert!(a.abs_diff(b) <= Duration::from_millis(1), "{a:?} {b:?}");
        assert!(a < Duration::from_millis(600), "dense at the median: {a:?}");
        assert!(poll_delay(&later, 10.0, real_ms(median), 3) > a);
    }

    #[test]
    fn task_ids_are_checked_before_they_go_into_a_url() {
        assert!(check_task_id("0385dc79-5ff8-4d82-bcb6-4ab1a2b3c4d5").is_ok());
        for bad in ["", "../x", "a/b", "a?b", "é", &"a".repeat(65)] {
            assert_eq!(
                check_task_id(bad).unwrap_err().kind(),
                "invalid_request",
                "{bad}"
            );
        }
    }

    #[test]
    fn the_config_debug_hides_secrets() {
        let mut c = ClientConfig::new("https://dashscope-intl.aliyuncs.com/");
        c.api_key = Some("sk-very-secret".into());
        c.relay_token = Some("relay-very-secret".into());
        let text = format!("{:?}", Client::new(c));
        assert!(!text.contains("very-secret"), "{text}");
        assert!(text.contains("<redacted>"));
    }
}
