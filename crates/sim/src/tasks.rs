//! Task records and the scheduler that moves them through their lifecycle on virtual time.
//!
//! Nothing runs in the background: every access first replays, in time order, whatever
//! would have happened up to "now" (slots freeing, queued tasks starting, tasks ending). That
//! makes a manual clock jump of an hour behave exactly like an hour of real waiting.

use std::collections::{BTreeMap, HashMap, VecDeque};

use crate::models::{Family, Submission};
use serde::Serialize;

/// Task states DashScope reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum TaskStatus {
    /// Queued, not started.
    Pending,
    /// Started.
    Running,
    /// Finished with a video.
    Succeeded,
    /// Finished with an error.
    Failed,
    /// Cancelled while pending.
    Canceled,
    /// Unknown or expired id.
    Unknown,
}

impl TaskStatus {
    /// The wire name, e.g. `PENDING`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "PENDING",
            Self::Running => "RUNNING",
            Self::Succeeded => "SUCCEEDED",
            Self::Failed => "FAILED",
            Self::Canceled => "CANCELED",
            Self::Unknown => "UNKNOWN",
        }
    }
}

/// A failure a test asked for: the task ends FAILED with this code and message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct FailSpec {
    /// `output.code`.
    pub code: String,
    /// `output.message`.
    pub message: String,
}

/// One simulated task.
#[derive(Debug, Clone)]
pub struct Task {
    /// Task id (UUID).
    pub id: String,
    /// Request id of the submission.
    pub request_id: String,
    /// The accepted submission.
    pub submission: Submission,
    /// Submission order, to break ties between equal timestamps.
    seq: u64,
    /// Virtual ms of submission.
    pub submit_ms: u64,
    /// Earliest virtual ms it may start.
    ready_ms: u64,
    /// Run length in ms.
    run_ms: u64,
    /// When it started.
    pub scheduled_ms: Option<u64>,
    /// When it ended (SUCCEEDED, FAILED or CANCELED).
    pub end_ms: Option<u64>,
    /// Current state.
    pub status: TaskStatus,
    /// Failure to report when it ends, if a test asked for one.
    pub fail: Option<FailSpec>,
}

/// A read-only view of a task for tests.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TaskSnapshot {
    /// Task id.
    pub task_id: String,
    /// Model name.
    pub model: String,
    /// Current state.
    pub status: TaskStatus,
    /// Submission request id.
    pub request_id: String,
    /// Virtual epoch ms of submission.
    pub submit_ms: u64,
    /// Virtual epoch ms it started, if it has.
    pub scheduled_ms: Option<u64>,
    /// Virtual epoch ms it ended, if it has.
    pub end_ms: Option<u64>,
    /// The submitted prompt.
    pub prompt: Option<String>,
}

impl Task {
    /// A snapshot for inspection.
    pub fn snapshot(&self) -> TaskSnapshot {
        TaskSnapshot {
            task_id: self.id.clone(),
            model: self.submission.model.clone(),
            status: self.status,
            request_id: self.request_id.clone(),
            submit_ms: self.submit_ms,
            scheduled_ms: self.scheduled_ms,
            end_ms: self.end_ms,
            prompt: self.submission.prompt.clone(),
        }
    }
}

/// All tasks plus the scheduling cursor.
#[derive(Debug, Default)]
pub struct TaskStore {
    tasks: HashMap<String, Task>,
    /// Ids in submission order.
    order: Vec<String>,
    next_seq: u64,
    /// Virtual time up to which events were replayed.
    cursor_ms: u64,
    /// Failures to attach to the next submissions, oldest first.
    fail_next: VecDeque<FailSpec>,
}

/// Why a cancel was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NotPending;

impl TaskStore {
    /// Records a new PENDING task.
    pub fn insert(
        &mut self,
        id: String,
        request_id: String,
        submission: Submission,
        now_ms: u64,
        pickup_ms: u64,
        run_ms: u64,
    ) {
        let seq = self.next_seq;
        self.next_seq += 1;
        let fail = self.fail_next.pop_front();
        self.order.push(id.clone());
        self.tasks.insert(
            id.clone(),
            Task {
                id,
                request_id,
                submission,
                seq,
                submit_ms: now_ms,
                ready_ms: now_ms + pickup_ms,
                run_ms,
                scheduled_ms: None,
                end_ms: None,
                status: TaskStatus::Pending,
                fail,
            },
        );
    }

    /// Replays every start and end that happens at or before `now_ms`.
    pub fn advance(&mut self, now_ms: u64, slots: impl Fn(Family) -> usize) {
        loop {
            // Earliest end among running tasks.
            let end = self
                .tasks
                .values()
                .filter(|t| t.status == TaskStatus::Running)
                .map(|t| (t.scheduled_ms.unwrap_or(0) + t.run_ms, t.seq, t.id.clone()))
                .filter(|(at, _, _)| *at <= now_ms)
                .min();
            // Earliest start among pending tasks of models with a free slot.
            let mut running: BTreeMap<&str, usize> = BTreeMap::new();
            for t in self.tasks.values() {
                if t.status == TaskStatus::Running {
                    *running.entry(t.submission.model.as_str()).or_default() += 1;
                }
            }
            let start = self
                .tasks
                .values()
                .filter(|t| t.status == TaskStatus::Pending)
                .filter(|t| {
                    let busy = running.get(t.submission.model.as_str()).copied();
                    busy.unwrap_or(0) < slots(t.submission.family)
                })
                .map(|t| (t.ready_ms.max(self.cursor_ms), t.seq, t.id.clone()))
                .filter(|(at, _, _)| *at <= now_ms)
                .min();
            // An end at the same instant goes first: it may free the slot the start needs.
            let (at, id, is_end) = match (end, start) {
                (Some(e), Some(s)) if e.0 <= s.0 => (e.0, e.2, true),
                (_, Some(s)) => (s.0, s.2, false),
                (Some(e), None) => (e.0, e.2, true),
                (None, None) => break,
            };
            self.cursor_ms = self.cursor_ms.max(at);
            let Some(task) = self.tasks.get_mut(&id) else {
                break;
            };
            if is_end {
                task.end_ms = Some(at);
                task.status = if task.fail.is_some() {
                    TaskStatus::Failed
                } else {
                    TaskStatus::Succeeded
                };
            } else {
                task.scheduled_ms = Some(at);
                task.status = TaskStatus::Running;
            }
        }
    }

    /// A task by id, regardless of expiry.
    pub fn get(&self, id: &str) -> Option<&Task> {
        self.tasks.get(id)
    }

    /// Tasks in submission order.
    pub fn all(&self) -> impl Iterator<Item = &Task> {
        self.order.iter().filter_map(|id| self.tasks.get(id))
    }

    /// PENDING tasks of a model.
    pub fn pending_of(&self, model: &str) -> usize {
        self.tasks
            .values()
            .filter(|t| t.status == TaskStatus::Pending && t.submission.model == model)
            .count()
    }

    /// Cancels a PENDING task.
    pub fn cancel(&mut self, id: &str, now_ms: u64) -> Result<(), NotPending> {
        match self.tasks.get_mut(id) {
            Some(t) if t.status == TaskStatus::Pending => {
                t.status = TaskStatus::Canceled;
                t.end_ms = Some(now_ms);
                Ok(())
            }
            _ => Err(NotPending),
        }
    }

    /// Makes a task end FAILED. A task not yet finished fails when it would have finished;
    /// a finished one cannot be changed (returns false).
    pub fn fail(&mut self, id: &str, spec: FailSpec) -> Option<bool> {
        let t = self.tasks.get_mut(id)?;
        match t.status {
            TaskStatus::Pending | TaskStatus::Running => {
                t.fail = Some(spec);
                Some(true)
            }
            _ => Some(false),
        }
    }

    /// Queues a failure for the next submitted task.
    pub fn fail_next(&mut self, spec: FailSpec) {
        self.fail_next.push_back(spec);
    }

    /// Drops every task and queued failure.
    pub fn clear(&mut self) {
        *self = Self {
            cursor_ms: self.cursor_ms,
            ..Self::default()
        };
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::models::check_submit;
    use serde_json::json;

    fn vace() -> Submission {
        check_submit(&json!({"model": "wan2.1-vace-plus",
            "input": {"function": "video_edit", "prompt": "p"}}))
        .unwrap()
    }

    fn timing(_: Family) -> usize {
        2
    }

    #[test]
    fn queued_tasks_start_when_slots_free() {
        let mut s = TaskStore::default();
        for id in ["a", "b", "c"] {
            s.insert(id.into(), "r".into(), vace(), 0, 10, 100);
        }
        s.advance(5, timing);
        assert!(s.all().all(|t| t.status == TaskStatus::Pending));
        s.advance(10, timing);
        let st: Vec<_> = s.all().map(|t| t.status).collect();
        assert_eq!(
            st,
            [
                TaskStatus::Running,
                TaskStatus::Running,
                TaskStatus::Pending
            ]
        );
        // One long jump replays: a, b end at 110, c starts at 110 and ends at 210.
        s.advance(1000, timing);
        let c = s.get("c").unwrap();
        assert_eq!(c.scheduled_ms, Some(110));
        assert_eq!(c.end_ms, Some(210));
        assert_eq!(c.status, TaskStatus::Succeeded);
    }

    #[test]
    fn cancel_only_pending_and_fail_on_demand() {
        let mut s = TaskStore::default();
        s.fail_next(FailSpec {
            code: "InternalError".into(),
            message: "boom".into(),
        });
        s.insert("a".into(), "r".into(), vace(), 0, 10, 100);
        s.insert("b".into(), "r".into(), vace(), 0, 10, 100);
        assert_eq!(s.cancel("b", 1), Ok(()));
        assert_eq!(s.cancel("b", 1), Err(NotPending));
        s.advance(50, timing);
        assert_eq!(s.cancel("a", 50), Err(NotPending));
        s.advance(200, timing);
        assert_eq!(s.get("a").unwrap().status, TaskStatus::Failed);
        assert_eq!(s.get("b").unwrap().status, TaskStatus::Canceled);
        assert_eq!(
            s.fail("a", s.get("a").unwrap().fail.clone().unwrap()),
            Some(false)
        );
        assert_eq!(
            s.fail(
                "zz",
                FailSpec {
                    code: String::new(),
                    message: String::new()
                }
            ),
            None
        );
    }
}
