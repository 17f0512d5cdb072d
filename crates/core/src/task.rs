//! The task model: create, query, cancel, list and error bodies, and error classification.

/// Longest task id accepted (DashScope's are UUIDs, 36 characters).
pub const TASK_ID_MAX_LEN: usize = 64;

/// Whether `id` looks like a task id: 1–64 ASCII letters, digits and `-`. Anything else is
/// refused before it is put into a URL path.
pub fn is_valid_task_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= TASK_ID_MAX_LEN
        && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
}
