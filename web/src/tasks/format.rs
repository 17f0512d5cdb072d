//! The time formatting, status classes and plain-words notes of the task list.

use wanedit_core::task::TaskStatus;

use crate::i18n::{self, Lang};

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

/// Under a failed poll: "Trying again in 4 s." until `retry_at_ms`, then "Trying again now…".
pub fn retry_countdown(lang: Lang, retry_at_ms: f64, now_ms: f64) -> String {
    let t = i18n::strings(lang);
    let left_s = ((retry_at_ms - now_ms) / 1000.0).ceil();
    if left_s >= 1.0 {
        t.retry_in.replace("{s}", &(left_s as u64).to_string())
    } else {
        t.retry_now.to_string()
    }
}

/// What to say when a cancel was refused and the task, read again, is now `status`: that it
/// has just started or ended, in plain words. `None` when it is still `PENDING` or could not be
/// read (then the refusal itself is shown).
pub fn cancel_refused(lang: Lang, status: Option<&TaskStatus>) -> Option<String> {
    let t = i18n::strings(lang);
    match status? {
        TaskStatus::Pending => None,
        TaskStatus::Running | TaskStatus::Suspended => Some(t.cancel_started.to_string()),
        ended => Some(
            t.cancel_ended
                .replace("{status}", &i18n::status_name(lang, ended)),
        ),
    }
}
