//! The time formatting and status classes of the task list.

use wanedit_core::task::TaskStatus;

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
