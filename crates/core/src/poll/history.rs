//! [`History`]: an account's earlier run times as a client keeps them between sessions (in
//! `localStorage`, say), so the poller's `with_history` can learn from them. One text format,
//! read and written here, for every client (the npm package, the web UI).
//!
//! The text is a JSON array, oldest first, of `[kind, a, b, run_ms]` (integers and names only,
//! so nothing depends on float formatting):
//! - `["vace", function, output_pixels, run_ms]`;
//! - `["wan2.7", resolution, output_ms, run_ms]` (`output_ms` 0: the output length was not
//!   known);
//! - `["model", "vace" | "wan2.7" | "", 0, run_ms]` (only the model was known).
//!
//! Anything else in the text is skipped, not an error: a store written by another version
//! (or by hand) never stops a wait.

use serde_json::Value;

use super::learn::PastTask;
use super::request::RequestFeatures;
use crate::model::{Resolution, VaceFunction};
use crate::Family;

/// How many past tasks are kept (the newest); the fit needs far fewer.
pub const HISTORY_CAPACITY: usize = 50;

/// An account's earlier run times, oldest first, at most [`HISTORY_CAPACITY`].
///
/// ```
/// use wanedit_core::poll::{History, PastTask, RequestFeatures};
///
/// let mut history = History::parse(None);
/// history.record(PastTask::new(RequestFeatures::for_model("wan2.7-videoedit"), 93.5));
/// let text = history.to_text();
/// assert_eq!(text, r#"[["model","wan2.7",0,93500]]"#);
/// assert_eq!(History::parse(Some(&text)), history);
/// ```
#[derive(Debug, Clone, Default, PartialEq)]
pub struct History {
    tasks: Vec<PastTask>,
}

fn family_name(family: Option<Family>) -> &'static str {
    match family {
        Some(Family::Vace) => "vace",
        Some(Family::VideoEdit27) => "wan2.7",
        None => "",
    }
}

/// Whole milliseconds of `seconds` (finite, > 0), as stored.
fn millis(seconds: f64) -> Option<u64> {
    (seconds.is_finite() && seconds > 0.0).then(|| (seconds * 1000.0).round() as u64)
}

fn entry(task: &PastTask) -> Option<Value> {
    let (kind, a, b): (&str, &str, u64) = match task.request {
        RequestFeatures::Vace { function, pixels } => ("vace", function.as_str(), pixels.into()),
        RequestFeatures::VideoEdit27 {
            resolution,
            output_s,
        } => (
            "wan2.7",
            resolution.as_str(),
            output_s.and_then(millis).unwrap_or(0),
        ),
        RequestFeatures::Model(family) => ("model", family_name(family), 0),
    };
    Some(Value::Array(vec![
        kind.into(),
        a.into(),
        b.into(),
        millis(task.run_s)?.into(),
    ]))
}

fn read(entry: &Value) -> Option<PastTask> {
    let Value::Array(items) = entry else {
        return None;
    };
    let [kind, a, b, run] = items.as_slice() else {
        return None;
    };
    let (kind, a, b) = (kind.as_str()?, a.as_str()?, b.as_u64()?);
    let request = match kind {
        "vace" => RequestFeatures::Vace {
            function: VaceFunction::parse(a)?,
            pixels: u32::try_from(b).ok()?,
        },
        "wan2.7" => RequestFeatures::VideoEdit27 {
            resolution: Resolution::parse(a)?,
            output_s: (b > 0).then(|| b as f64 / 1000.0),
        },
        "model" => RequestFeatures::Model(match a {
            "vace" => Some(Family::Vace),
            "wan2.7" => Some(Family::VideoEdit27),
            "" => None,
            _ => return None,
        }),
        _ => return None,
    };
    let run_ms = run.as_u64().filter(|ms| *ms > 0)?;
    Some(PastTask::new(request, run_ms as f64 / 1000.0))
}

impl History {
    /// The history in a store's text (`None`: nothing stored yet). Unreadable text or entries
    /// are skipped.
    pub fn parse(text: Option<&str>) -> Self {
        let value = text.and_then(|t| serde_json::from_str::<Value>(t).ok());
        Self::from_value(value.as_ref())
    }

    /// [`History::parse`] on the text already read as JSON (browser builds read it with the
    /// engine's `JSON.parse`, which keeps serde_json's parser out of the WebAssembly).
    pub fn from_value(value: Option<&Value>) -> Self {
        let tasks = match value {
            Some(Value::Array(entries)) => entries.iter().filter_map(read).collect(),
            _ => Vec::new(),
        };
        let mut history = History { tasks };
        history.trim();
        history
    }

    /// The text to store.
    pub fn to_text(&self) -> String {
        crate::text::json_text(&Value::Array(self.tasks.iter().filter_map(entry).collect()))
    }

    /// Adds a finished task (the oldest goes beyond [`HISTORY_CAPACITY`]). A run time that is
    /// not a finite number of seconds > 0 is ignored.
    pub fn record(&mut self, task: PastTask) {
        if millis(task.run_s).is_some() {
            self.tasks.push(task);
            self.trim();
        }
    }

    /// The past tasks, oldest first, for the poller's `with_history`.
    pub fn past(&self) -> &[PastTask] {
        &self.tasks
    }

    fn trim(&mut self) {
        let excess = self.tasks.len().saturating_sub(HISTORY_CAPACITY);
        self.tasks.drain(..excess);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Vec<PastTask> {
        vec![
            PastTask::new(
                RequestFeatures::Vace {
                    function: VaceFunction::VideoEdit,
                    pixels: 1280 * 720,
                },
                431.25,
            ),
            PastTask::new(
                RequestFeatures::VideoEdit27 {
                    resolution: Resolution::P720,
                    output_s: Some(5.0),
                },
                88.0,
            ),
            PastTask::new(
                RequestFeatures::VideoEdit27 {
                    resolution: Resolution::P1080,
                    output_s: None,
                },
                140.5,
            ),
            PastTask::new(RequestFeatures::Model(Some(Family::Vace)), 400.0),
            PastTask::new(RequestFeatures::Model(None), 61.0),
        ]
    }

    #[test]
    fn every_kind_of_request_round_trips() {
        let mut history = History::default();
        for task in sample() {
            history.record(task);
        }
        let text = history.to_text();
        assert_eq!(
            text,
            r#"[["vace","video_edit",921600,431250],["wan2.7","720P",5000,88000],["wan2.7","1080P",0,140500],["model","vace",0,400000],["model","",0,61000]]"#
        );
        assert_eq!(History::parse(Some(&text)).past(), sample().as_slice());
    }

    #[test]
    fn keeps_the_newest_and_skips_what_it_cannot_read() {
        let mut history = History::default();
        for i in 1..=(HISTORY_CAPACITY + 5) {
            history.record(PastTask::new(RequestFeatures::Model(None), i as f64));
        }
        history.record(PastTask::new(RequestFeatures::Model(None), f64::NAN));
        history.record(PastTask::new(RequestFeatures::Model(None), -1.0));
        assert_eq!(history.past().len(), HISTORY_CAPACITY);
        assert_eq!(history.past()[0].run_s, 6.0);
        let text = r#"[["vace","video_edit",921600,1000],["vace","paint",1,1],["model","x",0,1],
            ["wan2.7","720P",0,0],{"a":1},7,["model","",0,2500]]"#;
        let read = History::parse(Some(text));
        assert_eq!(read.past().len(), 2);
        assert_eq!(read.past()[1].run_s, 2.5);
        for junk in [None, Some(""), Some("{}"), Some("not json")] {
            assert_eq!(History::parse(junk), History::default());
        }
    }
}
