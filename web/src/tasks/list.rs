//! The stored task list: read back on reload (so polling resumes), saved newest first and
//! capped, and merged with the account's list. (The run times polling learns from are the
//! client's own history: see `api::StorageHistory`.)

use serde_json::Value;
use wanedit_core::task::TaskListItem;

use super::TaskRecord;

/// The storage key of the task list.
pub const STORAGE_KEY: &str = "wanedit.tasks.v1";

/// Most tasks kept; older finished ones are dropped first.
pub const MAX_TASKS: usize = 200;

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
