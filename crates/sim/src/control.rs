//! [`SimControl`]: what tests use to steer the simulator in-process. The same operations are
//! served over HTTP under `/__sim/…` (see `routes::control`).

use std::time::Duration;

use bytes::Bytes;

use crate::error::SimError;
use crate::faults::Fault;
use crate::reqlog::{Counters, RequestRecord};
use crate::state::State;
use crate::tasks::{FailSpec, TaskSnapshot};

/// A cheap, cloneable handle to steer and inspect a running simulator.
#[derive(Debug, Clone)]
pub struct SimControl {
    pub(crate) shared: State,
}

impl SimControl {
    /// Virtual now, in epoch milliseconds.
    pub fn now_ms(&self) -> u64 {
        self.shared.clock.now_ms()
    }

    /// Moves virtual time forward; tasks progress as if that time had passed.
    pub fn advance(&self, by: Duration) {
        self.shared.clock.advance(by);
    }

    /// Sets virtual seconds per real second (`0.0` freezes the clock).
    pub fn set_time_scale(&self, scale: f64) {
        self.shared.clock.set_scale(scale);
    }

    /// The current time scale.
    pub fn time_scale(&self) -> f64 {
        self.shared.clock.scale()
    }

    /// The base URL put into `video_url` and `upload_host`.
    pub fn public_base_url(&self) -> String {
        self.shared.public_base.clone()
    }

    /// The base URL of result links (`{base}/results/{id}.mp4`).
    pub fn result_base_url(&self) -> String {
        match self.shared.result_base.read() {
            Ok(b) => b.clone(),
            Err(e) => e.into_inner().clone(),
        }
    }

    /// Publishes result links under `url` from now on (no trailing slash needed): a relay
    /// running the simulator in-process sets its own public URL and upstream path here once
    /// it knows them, so results are served through it.
    pub fn set_result_base_url(&self, url: &str) {
        let url = url.trim_end_matches('/').to_string();
        match self.shared.result_base.write() {
            Ok(mut b) => *b = url,
            Err(e) => *e.into_inner() = url,
        }
    }

    /// Makes a PENDING or RUNNING task end FAILED with `code`/`message` when it would have
    /// ended. Errors if the task does not exist or has already ended.
    pub fn fail_task(&self, task_id: &str, code: &str, message: &str) -> Result<(), SimError> {
        let spec = FailSpec {
            code: code.into(),
            message: message.into(),
        };
        let (mut inner, _) = self.shared.lock_at_now();
        match inner.tasks.fail(task_id, spec) {
            None => Err(SimError::NoSuchTask(task_id.into())),
            Some(false) => Err(SimError::BadControl(format!(
                "task {task_id} has already ended"
            ))),
            Some(true) => Ok(()),
        }
    }

    /// Makes the next submitted task (after any already queued this way) end FAILED.
    pub fn fail_next_task(&self, code: &str, message: &str) {
        self.shared.lock().tasks.fail_next(FailSpec {
            code: code.into(),
            message: message.into(),
        });
    }

    /// Queues a fault for the next matching API requests.
    pub fn inject(&self, fault: Fault) {
        self.shared.lock().faults.push(fault);
    }

    /// Faults not yet used up.
    pub fn faults(&self) -> Vec<Fault> {
        self.shared.lock().faults.list()
    }

    /// Removes all pending faults.
    pub fn clear_faults(&self) {
        self.shared.lock().faults.clear();
    }

    /// The API requests received so far (control routes excluded), oldest first.
    pub fn requests(&self) -> Vec<crate::reqlog::RequestRecord> {
        self.shared.lock().log.records()
    }

    /// The received requests of one route class (`submit`, `task_get`, `oss_upload`, …).
    pub fn requests_to(&self, route: &str) -> Vec<RequestRecord> {
        self.requests()
            .into_iter()
            .filter(|r| r.route == route)
            .collect()
    }

    /// Request counters.
    pub fn counters(&self) -> Counters {
        self.shared.lock().log.counters.clone()
    }

    /// Forgets the request log and counters.
    pub fn clear_requests(&self) {
        self.shared.lock().log.clear();
    }

    /// Every task, in submission order, as of now.
    pub fn tasks(&self) -> Vec<TaskSnapshot> {
        let (inner, _) = self.shared.lock_at_now();
        inner.tasks.all().map(|t| t.snapshot()).collect()
    }

    /// One task as of now.
    pub fn task(&self, task_id: &str) -> Option<TaskSnapshot> {
        let (inner, _) = self.shared.lock_at_now();
        inner.tasks.get(task_id).map(|t| t.snapshot())
    }

    /// The content of an uploaded object (`key` with or without `oss://`).
    pub fn uploaded(&self, key: &str) -> Option<Bytes> {
        let key = key.strip_prefix("oss://").unwrap_or(key);
        self.shared.lock().uploads.get(key).map(|o| o.bytes.clone())
    }

    /// Back to a blank simulator: no tasks, uploads, faults, queued failures, rate-limit
    /// history, log or counters, and the configured time scale. Virtual time is not rewound
    /// (it never goes backwards).
    pub fn reset(&self) {
        let mut inner = self.shared.lock();
        inner.tasks.clear();
        inner.uploads.clear();
        inner.limiter.clear();
        inner.faults.clear();
        inner.log.clear();
        drop(inner);
        self.shared.clock.set_scale(self.shared.config.time_scale);
    }
}
