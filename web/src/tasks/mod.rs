//! Submitted tasks as the browser keeps them: one [`TaskRecord`] per task (`record.rs`), stored
//! as JSON the moment its id is known (before any polling), updated from each query, and read
//! back on reload so polling resumes (`list.rs`). Also the time formatting of the task list
//! (`format.rs`).

mod format;
mod list;
mod record;

#[cfg(test)]
mod tests;

pub use format::{cancel_refused, format_countdown, format_elapsed, retry_countdown, status_class};
pub use list::{load, merge_list, save, upsert, MAX_TASKS, STORAGE_KEY};
pub use record::{expiry_from_url, TaskRecord};
