//! Injected faults: latency, 5xx, throttling and dropped connections for the next N matching
//! requests. Control routes (`/__sim/…`) are never faulted, so a test can always recover.

use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::error::SimError;

/// What a fault does to a request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum FaultKind {
    /// Wait this long (real time) and then handle the request normally.
    Latency {
        /// Delay in milliseconds.
        ms: u64,
    },
    /// Answer with this HTTP status and a DashScope-shaped error body.
    Status {
        /// HTTP status, e.g. 500 or 503.
        status: u16,
        /// Error code; default by status (500 `InternalError`, 503 `ModelUnavailable`, …).
        #[serde(default)]
        code: Option<String>,
        /// Error message; a default goes with the default code.
        #[serde(default)]
        message: Option<String>,
    },
    /// Close the socket without sending any response.
    Drop,
    /// Answer 429 with an optional `Retry-After` header.
    Throttle {
        /// Seconds for `Retry-After`; `None` sends no header.
        #[serde(default)]
        retry_after: Option<u64>,
        /// Error code; default `Throttling`.
        #[serde(default)]
        code: Option<String>,
    },
}

/// Whether the fault replaces handling or hits after the request took effect.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FaultPhase {
    /// Before handling: the request has no effect (a 503 on submit creates no task).
    #[default]
    Before,
    /// After handling: the effect happens but the client sees the fault instead of the real
    /// response (a dropped submit still created a task: why clients must not retry submits).
    After,
}

/// A fault for the next `times` requests matching `method` and `path_prefix`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fault {
    /// What happens.
    #[serde(flatten)]
    pub kind: FaultKind,
    /// How many matching requests it applies to (default 1).
    #[serde(default = "one")]
    pub times: u32,
    /// Only requests whose path starts with this (e.g. `/api/v1/tasks`); `None` matches all.
    #[serde(default)]
    pub path_prefix: Option<String>,
    /// Only requests with this method (case-insensitive); `None` matches all.
    #[serde(default)]
    pub method: Option<String>,
    /// Before or after handling.
    #[serde(default)]
    pub phase: FaultPhase,
}

fn one() -> u32 {
    1
}

impl Fault {
    fn new(kind: FaultKind) -> Self {
        Self {
            kind,
            times: 1,
            path_prefix: None,
            method: None,
            phase: FaultPhase::Before,
        }
    }

    /// Adds `delay` of real time before the request is handled.
    pub fn latency(delay: Duration) -> Self {
        Self::new(FaultKind::Latency {
            ms: delay.as_millis() as u64,
        })
    }

    /// Answers with `status` and the default DashScope error for it.
    pub fn status(status: u16) -> Self {
        Self::new(FaultKind::Status {
            status,
            code: None,
            message: None,
        })
    }

    /// Answers with `status`, `code` and `message`.
    pub fn error(status: u16, code: &str, message: &str) -> Self {
        Self::new(FaultKind::Status {
            status,
            code: Some(code.into()),
            message: Some(message.into()),
        })
    }

    /// Closes the connection without a response.
    pub fn drop_connection() -> Self {
        Self::new(FaultKind::Drop)
    }

    /// Answers 429 `Throttling`, with `Retry-After: secs` if given.
    pub fn throttle(retry_after: Option<u64>) -> Self {
        Self::new(FaultKind::Throttle {
            retry_after,
            code: None,
        })
    }

    /// Applies to the next `n` matching requests.
    pub fn times(mut self, n: u32) -> Self {
        self.times = n;
        self
    }

    /// Applies only to paths starting with `prefix`.
    pub fn on_path(mut self, prefix: &str) -> Self {
        self.path_prefix = Some(prefix.into());
        self
    }

    /// Applies only to requests with `method`.
    pub fn on_method(mut self, method: &str) -> Self {
        self.method = Some(method.into());
        self
    }

    /// Applies after the request took effect.
    pub fn after_handling(mut self) -> Self {
        self.phase = FaultPhase::After;
        self
    }

    fn matches(&self, method: &str, path: &str) -> bool {
        self.path_prefix
            .as_deref()
            .is_none_or(|p| path.starts_with(p))
            && self
                .method
                .as_deref()
                .is_none_or(|m| m.eq_ignore_ascii_case(method))
    }

    /// Short name for the request log.
    pub fn label(&self) -> String {
        match &self.kind {
            FaultKind::Latency { ms } => format!("latency:{ms}ms"),
            FaultKind::Status { status, .. } => format!("status:{status}"),
            FaultKind::Drop => "drop".into(),
            FaultKind::Throttle { .. } => "throttle".into(),
        }
    }

    /// The error response this fault answers with, if it answers at all.
    pub fn error_response(&self) -> Option<SimError> {
        match &self.kind {
            FaultKind::Latency { .. } => None,
            FaultKind::Drop => Some(SimError::Dropped),
            FaultKind::Status {
                status,
                code,
                message,
            } => {
                let (dc, dm) = default_error(*status);
                Some(SimError::api(
                    *status,
                    code.as_deref().unwrap_or(dc),
                    message.clone().unwrap_or_else(|| dm.to_string()),
                ))
            }
            FaultKind::Throttle { retry_after, code } => Some(SimError::Api {
                status: 429,
                code: code.clone().unwrap_or_else(|| "Throttling".into()),
                message: "Requests throttling triggered.".into(),
                retry_after: *retry_after,
            }),
        }
    }
}

/// DashScope's code and message for an HTTP status.
fn default_error(status: u16) -> (&'static str, &'static str) {
    match status {
        408 => ("RequestTimeOut", "Request timed out, please try again later."),
        429 => ("Throttling", "Requests throttling triggered."),
        503 => ("ModelUnavailable", "Model is unavailable, please try again later."),
        504 => ("InternalError.Timeout", "An internal timeout error has occured during execution, please try again later or contact service support."),
        _ => ("InternalError", "An internal error has occured, please try again later or contact service support."),
    }
}

/// Pending faults, consumed first-come first-served.
#[derive(Debug, Default)]
pub struct FaultQueue {
    faults: Vec<Fault>,
}

impl FaultQueue {
    /// Adds a fault (ignored if `times` is 0).
    pub fn push(&mut self, fault: Fault) {
        if fault.times > 0 {
            self.faults.push(fault);
        }
    }

    /// Consumes one use of the first fault matching this request.
    pub fn take(&mut self, method: &str, path: &str) -> Option<Fault> {
        let i = self.faults.iter().position(|f| f.matches(method, path))?;
        let f = &mut self.faults[i];
        f.times -= 1;
        let taken = f.clone();
        if f.times == 0 {
            self.faults.remove(i);
        }
        Some(taken)
    }

    /// The faults still pending.
    pub fn list(&self) -> Vec<Fault> {
        self.faults.clone()
    }

    /// Removes all faults.
    pub fn clear(&mut self) {
        self.faults.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn faults_are_consumed_in_order_and_filtered() {
        let mut q = FaultQueue::default();
        q.push(Fault::status(503).times(2).on_path("/api/v1/tasks"));
        q.push(Fault::drop_connection().on_method("post"));
        assert_eq!(q.take("GET", "/results/x.mp4"), None);
        assert_eq!(
            q.take("GET", "/api/v1/tasks/1").unwrap().label(),
            "status:503"
        );
        assert_eq!(
            q.take("POST", "/api/v1/tasks/1").unwrap().label(),
            "status:503"
        );
        assert_eq!(q.take("POST", "/api/v1/tasks/1").unwrap().label(), "drop");
        assert!(q.list().is_empty());
    }

    #[test]
    fn json_form_parses() {
        let f: Fault = serde_json::from_str(
            r#"{"kind":"throttle","retry_after":3,"times":2,"phase":"after"}"#,
        )
        .unwrap();
        assert_eq!(f.times, 2);
        assert_eq!(f.phase, FaultPhase::After);
        match f.error_response() {
            Some(SimError::Api {
                status: 429,
                retry_after: Some(3),
                ..
            }) => {}
            other => panic!("unexpected {other:?}"),
        }
    }
}
