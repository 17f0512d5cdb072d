//! [`WanError`]: everything a call of the client can end with, other than success.

use core::fmt;
use core::time::Duration;
use wanedit_core::cat;
use wanedit_core::task::{ApiError, ErrorKind};

use crate::TaskSnapshot;
use wanedit_core::Issue;

/// Why a call failed. Each variant maps to one JavaScript `WanError.kind` ([`WanError::kind`]):
/// DashScope's error kinds (`invalid_request`, `auth`, `permission`, `not_found`,
/// `content_moderation`, `rate_limited`, `quota_billing`, `server`, `expired`, `network`)
/// plus `task_failed`, `canceled`, `timeout`, `aborted` and `invalid_media`.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum WanError {
    /// Refused before anything was sent: the body has error-severity issues, an argument or
    /// option is wrong, or a file is larger than the upload policy allows.
    InvalidRequest {
        /// What is wrong.
        message: String,
        /// The validation issues (errors and warnings), when the body was validated.
        issues: Vec<Issue>,
    },
    /// DashScope (or the relay, or the upload host) answered with an HTTP error.
    Api {
        /// Status, classified kind and body.
        error: ApiError,
        /// The `Retry-After` the answer carried.
        retry_after: Option<Duration>,
    },
    /// No HTTP answer: refused, dropped, DNS, CORS.
    Network {
        /// The browser's (or Node's) description.
        message: String,
    },
    /// A success status whose body is not the documented shape (a proxy's HTML page, say).
    UnexpectedResponse {
        /// HTTP status.
        status: u16,
        /// Why it could not be read.
        message: String,
    },
    /// The task ended `FAILED`; `task.output.code` / `message` say why.
    TaskFailed {
        /// The final task answer.
        task: Box<TaskSnapshot>,
    },
    /// The task was cancelled.
    Canceled {
        /// The final task answer.
        task: Box<TaskSnapshot>,
    },
    /// The task id is unknown or expired (`UNKNOWN`, after 24 h).
    Expired {
        /// The final task answer.
        task: Box<TaskSnapshot>,
    },
    /// A wait ran out of time.
    Timeout {
        /// The task waited for.
        task_id: String,
        /// The last answer seen, if any.
        task: Option<Box<TaskSnapshot>>,
        /// Whether the task was cancelled because of the timeout (`cancel_on_timeout`).
        canceled: bool,
    },
    /// The caller's `AbortSignal` fired.
    Aborted {
        /// The task concerned, if any.
        task_id: Option<String>,
        /// The last answer seen, if any.
        task: Option<Box<TaskSnapshot>>,
    },
    /// Bytes that are not an image or video the probe can read.
    InvalidMedia {
        /// What is wrong with them.
        message: String,
    },
}

impl WanError {
    /// An [`WanError::InvalidRequest`] without issues.
    pub fn invalid(message: impl Into<String>) -> Self {
        WanError::InvalidRequest {
            message: message.into(),
            issues: Vec::new(),
        }
    }

    /// An [`WanError::Aborted`] without task.
    pub(crate) fn aborted() -> Self {
        WanError::Aborted {
            task_id: None,
            task: None,
        }
    }

    /// The JavaScript `kind`: a snake_case name (see the type's docs).
    pub fn kind(&self) -> &'static str {
        match self {
            WanError::InvalidRequest { .. } => ErrorKind::InvalidRequest.as_str(),
            WanError::Api { error, .. } => error.kind.as_str(),
            WanError::Network { .. } => ErrorKind::Network.as_str(),
            WanError::UnexpectedResponse { .. } => ErrorKind::Server.as_str(),
            WanError::TaskFailed { .. } => "task_failed",
            WanError::Canceled { .. } => "canceled",
            WanError::Expired { .. } => ErrorKind::Expired.as_str(),
            WanError::Timeout { .. } => "timeout",
            WanError::Aborted { .. } => "aborted",
            WanError::InvalidMedia { .. } => "invalid_media",
        }
    }

    /// The HTTP status, for errors that had an HTTP answer.
    pub fn status(&self) -> Option<u16> {
        match self {
            WanError::Api { error, .. } => Some(error.status),
            WanError::UnexpectedResponse { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// DashScope's (or OSS's) error `code`: of the HTTP error, or of a failed task.
    pub fn code(&self) -> Option<&str> {
        let code = match self {
            WanError::Api { error, .. } => error.body.code.as_str(),
            WanError::TaskFailed { task } => task.code().unwrap_or(""),
            _ => "",
        };
        (!code.is_empty()).then_some(code)
    }

    /// The `request_id` of the answer that caused the error, when there was one.
    pub fn request_id(&self) -> Option<&str> {
        let id = match self {
            WanError::Api { error, .. } => error.body.request_id.as_str(),
            _ => self.task().map_or("", TaskSnapshot::request_id),
        };
        (!id.is_empty()).then_some(id)
    }

    /// The last task answer, for errors of a wait (`.response()` gives the typed form).
    pub fn task(&self) -> Option<&TaskSnapshot> {
        match self {
            WanError::TaskFailed { task }
            | WanError::Canceled { task }
            | WanError::Expired { task } => Some(task),
            WanError::Timeout { task, .. } | WanError::Aborted { task, .. } => task.as_deref(),
            _ => None,
        }
    }

    /// The task concerned, when known from the error itself.
    pub fn task_id(&self) -> Option<&str> {
        match self {
            WanError::Timeout { task_id, .. } => Some(task_id),
            WanError::Aborted {
                task_id: Some(id), ..
            } => Some(id),
            _ => self.task().map(TaskSnapshot::task_id),
        }
    }

    /// The validation issues of a refused body.
    pub fn issues(&self) -> &[Issue] {
        match self {
            WanError::InvalidRequest { issues, .. } => issues,
            _ => &[],
        }
    }

    /// The `Retry-After` of a throttled answer.
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            WanError::Api { retry_after, .. } => *retry_after,
            _ => None,
        }
    }
}

impl WanError {
    /// The message, as `Display` shows it (and JavaScript's `WanError.message`). Built without
    /// `core::fmt`, which would weigh more than the rest of the client in WebAssembly.
    pub fn message(&self) -> String {
        match self {
            WanError::InvalidRequest { message, .. } | WanError::InvalidMedia { message } => {
                message.clone()
            }
            WanError::Api { error, .. } => error.summary(),
            WanError::Network { message } => cat!("network error: ", message),
            WanError::UnexpectedResponse { status, message } => {
                cat!("unexpected answer (HTTP ", status, "): ", message)
            }
            WanError::TaskFailed { task } => cat!(
                "task ",
                task.task_id(),
                " failed: ",
                task.code().unwrap_or("(no code)"),
                ": ",
                task.message().unwrap_or("")
            ),
            WanError::Canceled { task } => cat!("task ", task.task_id(), " was canceled"),
            WanError::Expired { task } => cat!(
                "task ",
                task.task_id(),
                " is unknown or expired (status UNKNOWN)"
            ),
            WanError::Timeout {
                task_id, canceled, ..
            } => cat!(
                "timed out waiting for task ",
                task_id,
                if *canceled {
                    "; the task was canceled"
                } else {
                    ""
                }
            ),
            WanError::Aborted { .. } => "aborted".into(),
        }
    }
}

impl fmt::Display for WanError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message())
    }
}

impl std::error::Error for WanError {}
