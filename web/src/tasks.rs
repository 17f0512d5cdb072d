//! Submitted tasks as the browser keeps them: one [`TaskRecord`] per task, stored as JSON the
//! moment its id is known (before any polling), updated from each query, and read back on
//! reload so polling resumes. Also the time formatting of the task list.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use wanedit_core::task::{TaskListItem, TaskResponse, TaskStatus, TASK_LIFETIME_S};

use crate::forms::Op;

/// The storage key of the task list.
pub const STORAGE_KEY: &str = "wanedit.tasks.v1";

/// Most tasks kept; older finished ones are dropped first.
pub const MAX_TASKS: usize = 200;

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
    /// The last error of polling (network, relay), shown until the next good read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub poll_error: Option<String>,
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
        self.poll_error = None;
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

/// The task list from storage; anything unreadable is dropped rather than failing.
pub fn load(text: Option<&str>) -> Vec<TaskRecord> {
    let Some(text) = text else { return Vec::new() };
    // Through `Value` (one JSON parser instance in the wasm for every reader).
    match serde_json::from_str::<Value>(text) {
        Ok(Value::Array(items)) => items
            .into_iter()
            .filter_map(|v| serde_json::from_value(v).ok())
            .collect(),
        _ => Vec::new(),
    }
}

/// The task list as stored: newest first, at most [`MAX_TASKS`], finished ones dropped first.
pub fn save(tasks: &[TaskRecord]) -> String {
    let mut kept: Vec<&TaskRecord> = tasks.iter().collect();
    if kept.len() > MAX_TASKS {
        let mut excess = kept.len() - MAX_TASKS;
        // Drop the oldest finished tasks first (the list is newest first).
        let mut i = kept.len();
        while excess > 0 && i > 0 {
            i -= 1;
            if kept[i].is_final() {
                kept.remove(i);
                excess -= 1;
            }
        }
        kept.truncate(MAX_TASKS);
    }
    serde_json::to_value(&kept)
        .map(|v| wanedit_core::text::json_text(&v))
        .unwrap_or_else(|_| "[]".into())
}

/// Inserts or replaces a task (by id), keeping the list newest first.
pub fn upsert(tasks: &mut Vec<TaskRecord>, record: TaskRecord) {
    if let Some(existing) = tasks.iter_mut().find(|t| t.task_id == record.task_id) {
        *existing = record;
    } else {
        tasks.push(record);
    }
    tasks.sort_by(|a, b| b.submitted_ms.total_cmp(&a.submitted_ms));
}

/// Adds tasks from the account's list that are not known yet; returns how many were new.
pub fn merge_list(
    tasks: &mut Vec<TaskRecord>,
    items: &[TaskListItem],
    upstream: &str,
    now_ms: f64,
) -> usize {
    let mut added = 0;
    for item in items {
        if !tasks.iter().any(|t| t.task_id == item.task_id) {
            upsert(tasks, TaskRecord::from_list_item(item, upstream, now_ms));
            added += 1;
        }
    }
    added
}

/// Durations (s) of this model's earlier successful tasks, for
/// `Poller::with_durations`.
pub fn history(tasks: &[TaskRecord], model: &str) -> Vec<f64> {
    tasks
        .iter()
        .filter(|t| t.model == model && t.status == TaskStatus::Succeeded)
        .filter_map(|t| Some((t.finished_ms? - t.submitted_ms) / 1000.0))
        .filter(|d| *d > 0.0)
        .take(20)
        .collect()
}

/// `1:05`, `12:00`, `1:02:03`: an elapsed time.
pub fn format_elapsed(seconds: f64) -> String {
    let s = seconds.max(0.0).floor() as u64;
    let (h, m, s) = (s / 3600, s / 60 % 60, s % 60);
    if h > 0 {
        format!("{h}:{m:02}:{s:02}")
    } else {
        format!("{m}:{s:02}")
    }
}

/// `23 h 59 min`, `59 min`, `45 s`, or `None` when expired: time left until a link expires.
pub fn format_countdown(remaining_ms: f64) -> Option<String> {
    if remaining_ms <= 0.0 {
        return None;
    }
    let s = (remaining_ms / 1000.0).ceil() as u64;
    let (h, m) = (s / 3600, s / 60 % 60);
    Some(if h > 0 {
        format!("{h} h {m:02} min")
    } else if m > 0 {
        format!("{m} min")
    } else {
        format!("{s} s")
    })
}

/// A short label of a status for CSS classes (`pending`, `succeeded`, …).
pub fn status_class(status: &TaskStatus) -> &'static str {
    match status {
        TaskStatus::Pending => "pending",
        TaskStatus::Running => "running",
        TaskStatus::Succeeded => "succeeded",
        TaskStatus::Failed => "failed",
        TaskStatus::Canceled => "canceled",
        TaskStatus::Unknown => "unknown",
        TaskStatus::Suspended => "suspended",
        TaskStatus::Other(_) => "other",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn body() -> Value {
        json!({"model": "wan2.1-vace-plus", "input": {"function": "video_outpainting", "prompt": "A violinist", "video_url": "http://x/v.mp4"}})
    }

    fn response(status: &str, extra: Value) -> TaskResponse {
        let mut output = json!({"task_id": "t1", "task_status": status});
        if let (Some(o), Some(e)) = (output.as_object_mut(), extra.as_object()) {
            o.extend(e.clone());
        }
        serde_json::from_value(json!({"request_id": "r", "output": output})).unwrap()
    }

    #[test]
    fn a_new_record_round_trips_through_storage() {
        let r = TaskRecord::submitted("t1", "sim", &body(), TaskStatus::Pending, 1000.0);
        assert_eq!(r.op, Some(Op::VideoOutpainting));
        assert_eq!(r.prompt, "A violinist");
        let text = save(std::slice::from_ref(&r));
        assert_eq!(load(Some(&text)), vec![r]);
        assert!(text.contains("\"status\":\"PENDING\""));
        assert_eq!(load(Some("not json")), vec![]);
        assert_eq!(load(None), vec![]);
        // One bad entry does not lose the others.
        let mixed = format!("[{{\"task_id\":1}},{}]", &text[1..text.len() - 1]);
        assert_eq!(load(Some(&mixed)).len(), 1);
    }

    #[test]
    fn the_input_length_is_kept_and_older_records_load_without_it() {
        let mut r = TaskRecord::submitted("t1", "sim", &body(), TaskStatus::Pending, 1000.0);
        let old = save(std::slice::from_ref(&r));
        assert!(!old.contains("input_video_s"));
        assert_eq!(load(Some(&old))[0].input_video_s, None);
        r.input_video_s = Some(4.5);
        let text = save(std::slice::from_ref(&r));
        assert_eq!(load(Some(&text))[0].input_video_s, Some(4.5));
    }

    #[test]
    fn success_sets_video_and_a_conservative_expiry() {
        let mut r = TaskRecord::submitted("t1", "sim", &body(), TaskStatus::Pending, 0.0);
        r.apply(&response("RUNNING", json!({})), 10_000.0);
        assert!(!r.is_final());
        r.apply(
            &response(
                "SUCCEEDED",
                json!({"video_url": "http://sim/results/t1.mp4"}),
            ),
            20_000.0,
        );
        assert!(r.is_final());
        assert_eq!(r.finished_ms, Some(20_000.0));
        assert_eq!(r.expires_ms, Some(10_000.0 + 86_400_000.0));
        assert_eq!(r.elapsed_s(99_999.0), 20.0);
    }

    #[test]
    fn expiry_comes_from_a_presigned_link_when_it_says() {
        let url = "https://b.oss.example/x.mp4?Expires=1747386009&OSSAccessKeyId=a&Signature=b";
        assert_eq!(expiry_from_url(url), Some(1_747_386_009_000.0));
        assert_eq!(expiry_from_url("https://x/y.mp4"), None);
        assert_eq!(expiry_from_url("https://x/y.mp4?a=1&Expires=x"), None);
    }

    #[test]
    fn failure_keeps_code_and_message() {
        let mut r = TaskRecord::submitted("t1", "sim", &body(), TaskStatus::Pending, 0.0);
        r.apply(
            &response(
                "FAILED",
                json!({"code": "InvalidParameter", "message": "The size is not match"}),
            ),
            5000.0,
        );
        assert_eq!(r.code.as_deref(), Some("InvalidParameter"));
        assert_eq!(r.message.as_deref(), Some("The size is not match"));
        assert!(r.expires_ms.is_none());
    }

    #[test]
    fn formatting() {
        assert_eq!(format_elapsed(0.0), "0:00");
        assert_eq!(format_elapsed(65.9), "1:05");
        assert_eq!(format_elapsed(3723.0), "1:02:03");
        assert_eq!(format_countdown(0.0), None);
        assert_eq!(format_countdown(-5.0), None);
        assert_eq!(format_countdown(45_000.0), Some("45 s".into()));
        assert_eq!(format_countdown(59.5 * 60_000.0), Some("59 min".into()));
        assert_eq!(
            format_countdown(86_400_000.0 - 60_000.0),
            Some("23 h 59 min".into())
        );
        assert_eq!(format_countdown(3_600_000.0), Some("1 h 00 min".into()));
    }

    #[test]
    fn list_is_newest_first_capped_and_merged() {
        let mut tasks = Vec::new();
        for i in 0..(MAX_TASKS + 5) {
            let mut r = TaskRecord::submitted(
                &format!("t{i}"),
                "sim",
                &body(),
                TaskStatus::Pending,
                i as f64,
            );
            if i < 10 {
                r.status = TaskStatus::Succeeded;
            }
            upsert(&mut tasks, r);
        }
        assert_eq!(tasks[0].task_id, format!("t{}", MAX_TASKS + 4));
        let kept = load(Some(&save(&tasks)));
        assert_eq!(kept.len(), MAX_TASKS);
        // The five dropped are the oldest finished ones.
        assert!(kept.iter().all(|t| t.task_id != "t0" && t.task_id != "t4"));
        assert!(kept.iter().any(|t| t.task_id == "t5"));

        let items: Vec<TaskListItem> = serde_json::from_value(json!([
            {"task_id": "t3", "status": "SUCCEEDED"},
            {"task_id": "new", "status": "RUNNING", "model_name": "wan2.7-videoedit", "gmt_create": 5000}
        ]))
        .unwrap();
        let mut small = vec![TaskRecord::submitted(
            "t3",
            "sim",
            &body(),
            TaskStatus::Pending,
            1.0,
        )];
        assert_eq!(merge_list(&mut small, &items, "sim", 9000.0), 1);
        assert_eq!(small[0].task_id, "new");
        assert_eq!(small[0].submitted_ms, 5000.0);
        assert_eq!(small[1].status, TaskStatus::Pending);
    }

    #[test]
    fn history_of_a_model() {
        let mut a = TaskRecord::submitted("a", "sim", &body(), TaskStatus::Pending, 0.0);
        a.status = TaskStatus::Succeeded;
        a.finished_ms = Some(300_000.0);
        let mut b = a.clone();
        b.model = "wan2.7-videoedit".into();
        let mut c = a.clone();
        c.status = TaskStatus::Failed;
        assert_eq!(history(&[a, b, c], "wan2.1-vace-plus"), vec![300.0]);
    }
}
