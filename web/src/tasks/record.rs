//! [`TaskRecord`]: one submitted task as the browser keeps it, and its updates from each query.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use wanedit_core::task::{TaskListItem, TaskResponse, TaskStatus, TASK_LIFETIME_S};

use crate::forms::Op;

/// A task, as the task list shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TaskRecord {
    /// DashScope's task id.
    pub task_id: String,
    /// The relay upstream it was submitted to (`intl`, `cn`, `sim`, …).
    pub upstream: String,
    /// The model name.
    pub model: String,
    /// The form it came from (`None` for tasks pulled from the account's list).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub op: Option<Op>,
    /// The prompt, for the list (cut to 200 characters).
    #[serde(default)]
    pub prompt: String,
    /// When it was submitted (browser clock, epoch ms).
    pub submitted_ms: f64,
    /// The last known status.
    pub status: TaskStatus,
    /// When the status was last read (epoch ms).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub checked_ms: Option<f64>,
    /// The read before that (the task ended between the two).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prev_checked_ms: Option<f64>,
    /// When a final status was first seen (epoch ms).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub finished_ms: Option<f64>,
    /// The result video.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub video_url: Option<String>,
    /// When `video_url` stops working (epoch ms).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_ms: Option<f64>,
    /// DashScope's failure code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// DashScope's failure message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// The rewritten prompt (with `prompt_extend`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub actual_prompt: Option<String>,
    /// The create-task body (to copy or re-use it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request: Option<Value>,
    /// The input video's length (s), when the form knew it (for the poll schedule).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub input_video_s: Option<f64>,
    /// The last error of polling (network, relay), in plain words, shown until the next
    /// good read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub poll_error: Option<String>,
    /// When the poll that failed ([`TaskRecord::poll_error`]) is tried again (epoch ms), for
    /// its countdown; `None`: no retry follows.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub poll_retry_ms: Option<f64>,
}

impl TaskRecord {
    /// A task of which only what every task has is known: nothing read from a query yet.
    fn new(
        task_id: &str,
        upstream: &str,
        model: &str,
        submitted_ms: f64,
        status: TaskStatus,
    ) -> Self {
        TaskRecord {
            task_id: task_id.to_string(),
            upstream: upstream.to_string(),
            model: model.to_string(),
            op: None,
            prompt: String::new(),
            submitted_ms,
            status,
            checked_ms: None,
            prev_checked_ms: None,
            finished_ms: None,
            video_url: None,
            expires_ms: None,
            code: None,
            message: None,
            actual_prompt: None,
            request: None,
            input_video_s: None,
            poll_error: None,
            poll_retry_ms: None,
        }
    }

    /// A task just created from `request` at `now_ms`.
    pub fn submitted(
        task_id: &str,
        upstream: &str,
        request: &Value,
        status: TaskStatus,
        now_ms: f64,
    ) -> Self {
        let model = request.get("model").and_then(Value::as_str).unwrap_or("");
        let prompt = request
            .pointer("/input/prompt")
            .and_then(Value::as_str)
            .unwrap_or("");
        let mut record = TaskRecord::new(task_id, upstream, model, now_ms, status);
        record.op = Op::of_body(request);
        record.prompt = prompt.chars().take(200).collect();
        record.request = Some(request.clone());
        record
    }

    /// A task seen in the account's task list.
    pub fn from_list_item(item: &TaskListItem, upstream: &str, now_ms: f64) -> Self {
        let submitted = item.gmt_create.map(|t| t as f64).unwrap_or(now_ms);
        let model = item.model_name.as_deref().unwrap_or("");
        let mut record = TaskRecord::new(
            &item.task_id,
            upstream,
            model,
            submitted,
            item.status.clone(),
        );
        record.checked_ms = Some(now_ms);
        if item.status.is_final() {
            record.finished_ms = item.end_time.map(|t| t as f64).or(Some(now_ms));
        }
        record
    }

    /// Whether the task will not change any more.
    pub fn is_final(&self) -> bool {
        self.status.is_final()
    }

    /// Updates from a query answer read at `now_ms`.
    pub fn apply(&mut self, response: &TaskResponse, now_ms: f64) {
        let out = &response.output;
        self.prev_checked_ms = self.checked_ms;
        self.checked_ms = Some(now_ms);
        self.poll_failed(None, None);
        self.status = out.task_status.clone();
        if out.video_url.is_some() {
            self.video_url = out.video_url.clone();
        }
        if out.code.is_some() {
            self.code = out.code.clone();
        }
        if out.message.is_some() {
            self.message = out.message.clone();
        }
        if out.actual_prompt.is_some() {
            self.actual_prompt = out.actual_prompt.clone();
        }
        if self.is_final() && self.finished_ms.is_none() {
            self.finished_ms = Some(now_ms);
        }
        if let (Some(url), None) = (&self.video_url, self.expires_ms) {
            self.expires_ms = Some(expiry_from_url(url).unwrap_or_else(|| {
                // The link was made when the task ended, which is after the previous read
                // (or the submission): count 24 h from there, so the countdown is never late.
                let made = self.prev_checked_ms.unwrap_or(self.submitted_ms);
                made + TASK_LIFETIME_S as f64 * 1000.0
            }));
        }
    }

    /// Records a failed poll (`error`, in plain words; `None`: cleared) and when the next try
    /// is (`retry_at_ms`, epoch ms).
    pub fn poll_failed(&mut self, error: Option<String>, retry_at_ms: Option<f64>) {
        self.poll_retry_ms = retry_at_ms.filter(|_| error.is_some());
        self.poll_error = error;
    }

    /// Seconds from submission to the end (or to `now_ms` while it runs).
    pub fn elapsed_s(&self, now_ms: f64) -> f64 {
        let end = self.finished_ms.unwrap_or(now_ms);
        ((end - self.submitted_ms) / 1000.0).max(0.0)
    }

    /// Whether the task id itself has expired (24 h after submission): queries would say
    /// UNKNOWN, so polling stops.
    pub fn id_expired(&self, now_ms: f64) -> bool {
        now_ms - self.submitted_ms > TASK_LIFETIME_S as f64 * 1000.0
    }
}

/// The expiry of a presigned OSS link, from its `Expires=<epoch seconds>` query parameter.
pub fn expiry_from_url(url: &str) -> Option<f64> {
    let query = url.split_once('?')?.1;
    let query = query.split('#').next().unwrap_or(query);
    query.split('&').find_map(|pair| {
        let (k, v) = pair.split_once('=')?;
        (k == "Expires")
            .then(|| v.parse::<u64>().ok())
            .flatten()
            .map(|s| s as f64 * 1000.0)
    })
}
