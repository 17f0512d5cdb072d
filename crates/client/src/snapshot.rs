//! [`TaskSnapshot`]: a task answer as DashScope sent it, with the few fields a client acts
//! on read out. The poller works on snapshots, so the JavaScript build passes DashScope's JSON
//! through untouched and never needs the typed response's (de)serializers; the Rust API
//! parses the typed `TaskResponse` from it.

use serde_json::Value;
use wanedit_core::task::{TaskResponse, TaskStatus};

use crate::WanError;

/// A task answer (`GET /api/v1/tasks/{id}`): its JSON text, and its id, status, failure code
/// and message, and request id.
#[derive(Debug, Clone, PartialEq)]
pub struct TaskSnapshot {
    json: String,
    task_id: String,
    status: TaskStatus,
    code: Option<String>,
    message: Option<String>,
    request_id: String,
}

/// A success answer whose body is not the documented shape.
pub(crate) fn unexpected(message: impl Into<String>) -> WanError {
    WanError::UnexpectedResponse {
        status: 200,
        message: message.into(),
    }
}

fn text(v: &Value, key: &str) -> Option<String> {
    v.get(key).and_then(Value::as_str).map(str::to_string)
}

/// The JSON of a success answer.
pub(crate) fn json_value(json: &str) -> Result<Value, WanError> {
    crate::json::parse(json).ok_or_else(|| unexpected("the answer is not JSON"))
}

/// `output.task_id` of a create or query answer.
pub(crate) fn output_task_id(v: &Value) -> Result<String, WanError> {
    v.get("output")
        .and_then(|o| text(o, "task_id"))
        .ok_or_else(|| unexpected("the answer has no output.task_id"))
}

impl TaskSnapshot {
    /// Reads a task answer.
    pub fn from_json(json: String) -> Result<TaskSnapshot, WanError> {
        let v = json_value(&json)?;
        let task_id = output_task_id(&v)?;
        let output = &v["output"];
        let status = text(output, "task_status")
            .ok_or_else(|| unexpected("the answer has no output.task_status"))?;
        Ok(TaskSnapshot {
            task_id,
            status: TaskStatus::parse(&status),
            code: text(output, "code"),
            message: text(output, "message"),
            request_id: text(&v, "request_id").unwrap_or_default(),
            json,
        })
    }

    /// The answer's JSON text, exactly as received.
    pub fn json(&self) -> &str {
        &self.json
    }

    /// `output.task_id`.
    pub fn task_id(&self) -> &str {
        &self.task_id
    }

    /// `output.task_status`.
    pub fn status(&self) -> &TaskStatus {
        &self.status
    }

    /// `output.code` (of a failed task).
    pub fn code(&self) -> Option<&str> {
        self.code.as_deref()
    }

    /// `output.message` (of a failed task).
    pub fn message(&self) -> Option<&str> {
        self.message.as_deref()
    }

    /// `request_id` (empty when absent).
    pub fn request_id(&self) -> &str {
        &self.request_id
    }

    /// The typed answer.
    pub fn response(&self) -> Result<TaskResponse, WanError> {
        serde_json::from_str(&self.json).map_err(|e| unexpected(e.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failed_answer_is_read() {
        let json = r#"{"request_id":"e5d70b02","output":{"task_id":"86ecf553","task_status":"FAILED",
            "code":"InvalidParameter","message":"The size is not match xxxxxx","new":1}}"#;
        let s = TaskSnapshot::from_json(json.to_string()).unwrap();
        assert_eq!(s.task_id(), "86ecf553");
        assert_eq!(s.status(), &TaskStatus::Failed);
        assert_eq!(s.code(), Some("InvalidParameter"));
        assert_eq!(s.message(), Some("The size is not match xxxxxx"));
        assert_eq!(s.request_id(), "e5d70b02");
        assert_eq!(s.json(), json, "kept exactly");
        let typed = s.response().unwrap();
        assert_eq!(typed.output.task_status, TaskStatus::Failed);
        assert_eq!(typed.output.extra["new"], 1);
    }

    #[test]
    fn unknown_statuses_and_missing_ids() {
        let s = TaskSnapshot::from_json(
            r#"{"output":{"task_id":"t","task_status":"QUEUED_SOMEWHERE"}}"#.into(),
        )
        .unwrap();
        assert_eq!(s.status(), &TaskStatus::Other("QUEUED_SOMEWHERE".into()));
        assert_eq!(s.request_id(), "");
        for bad in [
            "<html>",
            "{}",
            r#"{"output":{"task_status":"PENDING"}}"#,
            r#"{"output":{"task_id":"t"}}"#,
        ] {
            let e = TaskSnapshot::from_json(bad.into()).unwrap_err();
            assert_eq!(e.kind(), "server", "{bad}");
            assert_eq!(e.status(), Some(200));
        }
    }
}
