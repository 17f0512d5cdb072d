//! The task model: create, query, cancel, list and error bodies as DashScope returns them,
//! and the classification of errors into kinds a client can act on.
//!
//! Every body keeps the fields it does not know in `extra`, so nothing DashScope adds later is
//! lost on the way through.

use crate::cat;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Number, Value};

/// Longest task id accepted (DashScope's are UUIDs, 36 characters).
pub const TASK_ID_MAX_LEN: usize = 64;

/// How long a task id and a result `video_url` live, in seconds (24 h).
pub const TASK_LIFETIME_S: u64 = 24 * 3600;

/// Whether `id` looks like a task id: 1–64 ASCII letters, digits and `-`. Anything else is
/// refused before it is put into a URL path.
pub fn is_valid_task_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= TASK_ID_MAX_LEN
        && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
}

/// A task's status.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum TaskStatus {
    /// Queued.
    Pending,
    /// Being generated.
    Running,
    /// Done: `video_url` is set.
    Succeeded,
    /// Failed: `code` and `message` say why.
    Failed,
    /// Cancelled while pending (also read from the `CANCELLED` spelling).
    Canceled,
    /// Unknown or expired (older than 24 h) task id.
    Unknown,
    /// Suspended (known to the SDKs).
    Suspended,
    /// A status this version does not know, kept as sent.
    Other(String),
}

impl TaskStatus {
    /// The spelling DashScope uses.
    pub fn as_str(&self) -> &str {
        match self {
            TaskStatus::Pending => "PENDING",
            TaskStatus::Running => "RUNNING",
            TaskStatus::Succeeded => "SUCCEEDED",
            TaskStatus::Failed => "FAILED",
            TaskStatus::Canceled => "CANCELED",
            TaskStatus::Unknown => "UNKNOWN",
            TaskStatus::Suspended => "SUSPENDED",
            TaskStatus::Other(s) => s,
        }
    }

    /// Parses a status; unknown spellings become [`TaskStatus::Other`].
    pub fn parse(s: &str) -> TaskStatus {
        match s {
            "PENDING" => TaskStatus::Pending,
            "RUNNING" => TaskStatus::Running,
            "SUCCEEDED" => TaskStatus::Succeeded,
            "FAILED" => TaskStatus::Failed,
            "CANCELED" | "CANCELLED" => TaskStatus::Canceled,
            "UNKNOWN" => TaskStatus::Unknown,
            "SUSPENDED" => TaskStatus::Suspended,
            other => TaskStatus::Other(other.to_string()),
        }
    }

    /// Whether the task will not change any more (succeeded, failed, cancelled, unknown).
    pub fn is_final(&self) -> bool {
        matches!(
            self,
            TaskStatus::Succeeded | TaskStatus::Failed | TaskStatus::Canceled | TaskStatus::Unknown
        )
    }
}

impl Serialize for TaskStatus {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for TaskStatus {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Ok(TaskStatus::parse(&s))
    }
}

/// `output` of a create-task answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CreatedTask {
    /// The new task's id.
    pub task_id: String,
    /// `PENDING`.
    pub task_status: TaskStatus,
    /// Fields this version does not know.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A create-task answer: `{"output":{"task_status","task_id"},"request_id"}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CreateTaskResponse {
    /// The id of this request.
    /// Absent stays absent when written back (an error body may have none).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub request_id: String,
    /// The task.
    pub output: CreatedTask,
    /// Fields this version does not know.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `output.task_metrics`, when present.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[allow(non_snake_case)]
pub struct TaskMetrics {
    /// Sub-tasks in all.
    #[serde(rename = "TOTAL", default)]
    pub total: u64,
    /// Sub-tasks that succeeded.
    #[serde(rename = "SUCCEEDED", default)]
    pub succeeded: u64,
    /// Sub-tasks that failed.
    #[serde(rename = "FAILED", default)]
    pub failed: u64,
}

/// `output` of a task query.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TaskOutput {
    /// The task id.
    pub task_id: String,
    /// Its status.
    pub task_status: TaskStatus,
    /// `YYYY-MM-DD hh:mm:ss.mmm` (Beijing/Singapore local time of the service).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub submit_time: Option<String>,
    /// When it started running.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scheduled_time: Option<String>,
    /// When it ended.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_time: Option<String>,
    /// The result (MP4, valid 24 h): only on success. Never send the API key to it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub video_url: Option<String>,
    /// The prompt as given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub orig_prompt: Option<String>,
    /// The rewritten prompt (with `prompt_extend`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub actual_prompt: Option<String>,
    /// Failure code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// Failure message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// Sub-task counts, when sent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub task_metrics: Option<TaskMetrics>,
    /// Fields this version does not know.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `usage` of a finished task. Numbers are kept exactly as sent (`5` stays `5`, not `5.0`). VACE sends `video_duration`, `video_ratio`, `video_count`;
/// wan2.7 sends `duration`, `input_video_duration`, `output_video_duration`, `video_count`, `SR`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Usage {
    /// VACE: seconds of video made.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub video_duration: Option<Number>,
    /// VACE: `standard`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub video_ratio: Option<String>,
    /// Videos made.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub video_count: Option<u32>,
    /// wan2.7: billed seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration: Option<Number>,
    /// wan2.7: input seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub input_video_duration: Option<Number>,
    /// wan2.7: output seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub output_video_duration: Option<Number>,
    /// wan2.7: output resolution (720 or 1080), sent as a number or a string.
    #[serde(rename = "SR", default, skip_serializing_if = "Option::is_none")]
    pub sr: Option<NumberOrString>,
    /// Fields this version does not know.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A value DashScope sends sometimes as a number, sometimes as a string (`SR`). Kept as sent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum NumberOrString {
    /// `720`.
    Number(Number),
    /// `"720"`.
    String(String),
}

impl NumberOrString {
    /// The numeric value, if the string is a number.
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            NumberOrString::Number(n) => n.as_f64(),
            NumberOrString::String(s) => s.trim().parse().ok(),
        }
    }
}

/// A task-query answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TaskResponse {
    /// The id of this request.
    /// Absent stays absent when written back (an error body may have none).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub request_id: String,
    /// The task.
    pub output: TaskOutput,
    /// Billing figures of a finished task.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub usage: Option<Usage>,
    /// Fields this version does not know.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A cancel answer: `{"request_id"}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CancelResponse {
    /// The id of this request.
    /// Absent stays absent when written back (an error body may have none).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub request_id: String,
    /// Fields this version does not know.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// One entry of the task list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TaskListItem {
    /// The task id.
    pub task_id: String,
    /// Its status.
    pub status: TaskStatus,
    /// The model.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model_name: Option<String>,
    /// E.g. `cn-beijing`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    /// The create request's id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
    /// Created, epoch ms.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gmt_create: Option<i64>,
    /// Started, epoch ms.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_time: Option<i64>,
    /// Ended, epoch ms.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_time: Option<i64>,
    /// Fields this version does not know.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A task-list answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TaskListResponse {
    /// Tasks matching in all.
    #[serde(default)]
    pub total: u64,
    /// Pages in all.
    #[serde(default)]
    pub total_page: u64,
    /// This page (from 1).
    #[serde(default)]
    pub page_no: u64,
    /// Page size.
    #[serde(default)]
    pub page_size: u64,
    /// The id of this request.
    /// Absent stays absent when written back (an error body may have none).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub request_id: String,
    /// The tasks.
    #[serde(default)]
    pub data: Vec<TaskListItem>,
    /// Fields this version does not know.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// Filters of the task list (`GET /api/v1/tasks/`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct TaskListQuery {
    /// One task.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub task_id: Option<String>,
    /// `YYYYMMDDhhmmss`; span ≤ 24 h; default the last 24 h.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_time: Option<String>,
    /// `YYYYMMDDhhmmss`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_time: Option<String>,
    /// Model name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model_name: Option<String>,
    /// Status.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// Page (default 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page_no: Option<u32>,
    /// Page size (default 10).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page_size: Option<u32>,
}

impl TaskListQuery {
    /// The names of the documented query parameters (a relay forwards only these).
    pub const PARAMETERS: &'static [&'static str] = &[
        "task_id",
        "start_time",
        "end_time",
        "model_name",
        "status",
        "page_no",
        "page_size",
    ];

    /// The query string (`a=b&c=d`, percent-encoded, in the order of
    /// [`TaskListQuery::PARAMETERS`]), empty when no filter is set.
    pub fn to_query_string(&self) -> String {
        let page = |n: Option<u32>| n.map(|n| cat!(n));
        let values = [
            self.task_id.clone(),
            self.start_time.clone(),
            self.end_time.clone(),
            self.model_name.clone(),
            self.status.clone(),
            page(self.page_no),
            page(self.page_size),
        ];
        let mut out = String::new();
        for (name, value) in Self::PARAMETERS.iter().zip(values) {
            let Some(text) = value else { continue };
            if !out.is_empty() {
                out.push('&');
            }
            out.push_str(name);
            out.push('=');
            out.push_str(&percent_encode(&text));
        }
        out
    }
}

/// Percent-encodes everything but unreserved characters (RFC 3986).
pub fn percent_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push('%');
            out.push(char::from(b"0123456789ABCDEF"[usize::from(b >> 4)]));
            out.push(char::from(b"0123456789ABCDEF"[usize::from(b & 15)]));
        }
    }
    out
}

/// An error body: `{"code","message","request_id"}`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ErrorBody {
    /// E.g. `InvalidApiKey`.
    #[serde(default)]
    pub code: String,
    /// Human-readable text.
    #[serde(default)]
    pub message: String,
    /// The id of the request.
    /// Absent stays absent when written back (an error body may have none).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub request_id: String,
    /// Fields this version does not know (a relay adds `issues`).
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// What went wrong, as a client acts on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorKind {
    /// The request is wrong (400, 413, 415): fix it, do not retry.
    InvalidRequest,
    /// The API key is missing, wrong, or of the other region (401).
    Auth,
    /// The account may not use this (403).
    Permission,
    /// No such model or workspace (404).
    NotFound,
    /// Content moderation refused the input (DataInspectionFailed).
    ContentModeration,
    /// Too many requests: wait and retry (429 Throttling, LimitRequests).
    RateLimited,
    /// Arrears, unpaid bills, not purchased, quota allocation: waiting does not help.
    QuotaBilling,
    /// Server trouble (5xx, 408): retry reads; never a submit.
    Server,
    /// The task id is unknown or older than 24 h.
    Expired,
    /// No answer: connection refused, dropped, timed out.
    Network,
}

impl ErrorKind {
    /// Classifies an HTTP status and DashScope `code`.
    pub fn classify(status: u16, code: &str) -> ErrorKind {
        match code {
            "DataInspectionFailed" | "InvalidParameter.DataInspection" => {
                return ErrorKind::ContentModeration
            }
            "Arrearage"
            | "PrepaidBillOverdue"
            | "PostpaidBillOverdue"
            | "CommodityNotPurchased"
            | "Throttling.AllocationQuota"
            | "AccessDenied.Unpurchased" => return ErrorKind::QuotaBilling,
            "InvalidApiKey" => return ErrorKind::Auth,
            _ => {}
        }
        match status {
            401 => ErrorKind::Auth,
            403 => ErrorKind::Permission,
            404 => ErrorKind::NotFound,
            408 => ErrorKind::Server,
            429 => ErrorKind::RateLimited,
            500..=599 => ErrorKind::Server,
            _ => ErrorKind::InvalidRequest,
        }
    }

    /// Whether waiting and trying again can help (for reads; submits retry only on
    /// [`ErrorKind::RateLimited`], see [`crate::retry`]).
    pub fn is_retryable(self) -> bool {
        matches!(
            self,
            ErrorKind::RateLimited | ErrorKind::Server | ErrorKind::Network
        )
    }

    /// The snake_case name.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorKind::InvalidRequest => "invalid_request",
            ErrorKind::Auth => "auth",
            ErrorKind::Permission => "permission",
            ErrorKind::NotFound => "not_found",
            ErrorKind::ContentModeration => "content_moderation",
            ErrorKind::RateLimited => "rate_limited",
            ErrorKind::QuotaBilling => "quota_billing",
            ErrorKind::Server => "server",
            ErrorKind::Expired => "expired",
            ErrorKind::Network => "network",
        }
    }
}

/// An error answer from DashScope (or a relay), classified.
#[derive(Debug, Clone, PartialEq)]
pub struct ApiError {
    /// HTTP status.
    pub status: u16,
    /// What to do about it.
    pub kind: ErrorKind,
    /// The body (code, message, request id), as far as it could be read.
    pub body: ErrorBody,
}

impl ApiError {
    /// Reads an error answer. A body that is not DashScope's JSON shape (an HTML page from a
    /// proxy, say) still gives an error, with the text as its message.
    pub fn from_response(status: u16, body: &str) -> ApiError {
        let body = serde_json::from_str::<ErrorBody>(body).unwrap_or_else(|_| ErrorBody {
            message: body.chars().take(200).collect(),
            ..ErrorBody::default()
        });
        ApiError {
            status,
            kind: ErrorKind::classify(status, &body.code),
            body,
        }
    }
}

impl ApiError {
    /// `HTTP {status} {code}: {message}`, as `Display` shows it (built without `core::fmt`,
    /// for small WebAssembly builds).
    pub fn summary(&self) -> String {
        cat!(
            "HTTP ",
            self.status,
            ' ',
            self.body.code,
            ": ",
            self.body.message
        )
    }
}

impl core::fmt::Display for ApiError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(&self.summary())
    }
}

/// A task failure explained for people: what DashScope's `code` means and what to do.
pub fn explain_failure(code: &str) -> &'static str {
    match code {
        "InvalidParameter" => "A parameter was rejected: check the sizes and formats of the inputs (a mask must be exactly the video's size).",
        "DataInspectionFailed" | "InvalidParameter.DataInspection" => "Content moderation refused the prompt or an input image or video. Change it and try again.",
        "InvalidURL" | "BadRequest.InputDownloadFailed" => "DashScope could not download an input: the URL must be public, reachable, and without Chinese characters.",
        "BadRequest.UnsupportedFileFormat" => "An input file has an unsupported format.",
        "BadRequest.TooLarge" => "An input file is too large.",
        "InternalError" | "InternalError.Algo" | "InternalError.Timeout" | "SystemError" => "DashScope failed internally. Submitting the same request again usually works.",
        "ModelUnavailable" => "The model is temporarily unavailable. Try again later.",
        "Arrearage" | "PrepaidBillOverdue" | "PostpaidBillOverdue" => "The account has unpaid bills; top it up in the Model Studio console.",
        "Throttling" | "Throttling.RateQuota" | "LimitRequests" => "Too many requests at once; wait a moment.",
        "Throttling.AllocationQuota" | "CommodityNotPurchased" | "AccessDenied.Unpurchased" => "The account has no quota for this model; enable or buy it in the console.",
        "InvalidApiKey" => "The API key is wrong, or belongs to another region or workspace: a key works only with its own region's (or workspace's) host.",
        "Model.AccessDenied" | "AccessDenied" | "Workspace.AccessDenied" => "This key may not use this model or workspace.",
        _ => "The task failed; DashScope's code and message say why.",
    }
}
