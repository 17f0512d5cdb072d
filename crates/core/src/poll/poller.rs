//! [`Poller`]: the stateful poll timer. It starts from the request's run-time prior
//! ([`RequestFeatures`]), learns from the account's earlier tasks ([`PastTask`]) and re-anchors
//! the run at its start once an answer shows the task `RUNNING` ([`Observation`]): queueing
//! is not generation, so the dense window follows the run, not the submission.

use core::time::Duration;

use serde_json::Value;

use super::clock::service_seconds_between;
use super::learn::{learn, PastTask};
use super::request::RequestFeatures;
use super::schedule::{whole_millis, Completion, PollSchedule, Run, Schedule};
use crate::task::{TaskResponse, TaskStatus};

/// Share of the run-time prior kept on a wide log-normal around the request's median
/// ([`ROBUST_SIGMA`]), in case the request mapping is wrong for this task or the task straggles:
/// a task far outside its window is still polled (at a pace its own hazard sets, at most
/// `max_interval` apart: 2 min for VACE, 1 min for wan2.7), not abandoned.
pub const ROBUST_SHARE: f64 = 0.05;

/// λ of the poller for VACE: seconds of detection delay one request is worth. Chosen, like
/// [`REQUEST_COST_WAN27_S`], so that with an account's history the mean detection delay lands
/// under the Python SDK's in the benchmark's on-model mixes.
pub const REQUEST_COST_VACE_S: f64 = 0.11;
/// λ of the poller for wan2.7 (and unknown models): its tasks are short, so each request
/// weighs more against the delay.
pub const REQUEST_COST_WAN27_S: f64 = 0.28;

/// σ of ln(run time) of the robust component: centred on the request's median, it spreads
/// over a factor of about 3 either way (±2σ), the whole documented range of either model.
pub const ROBUST_SIGMA: f64 = 0.6;

/// While a task is not seen running, it is polled again at the latest after this fraction of
/// its run's 5th percentile, so the start is seen (and the run re-anchored) before the run
/// can end.
const PROBE_FRACTION: f64 = 0.5;

/// What one task answer says, for [`Poller::observe`].
#[derive(Debug, Clone, PartialEq)]
pub struct Observation {
    /// `output.task_status`.
    pub status: TaskStatus,
    /// Seconds from `output.submit_time` to `output.scheduled_time` (the service's clock),
    /// when the answer has both: when, counted from submission, the run started.
    pub queued_s: Option<f64>,
}

impl Observation {
    /// An answer's status and its `submit_time` / `scheduled_time` strings.
    pub fn new(
        status: TaskStatus,
        submit_time: Option<&str>,
        scheduled_time: Option<&str>,
    ) -> Self {
        let queued_s = match (submit_time, scheduled_time) {
            (Some(a), Some(b)) => service_seconds_between(a, b).filter(|q| *q >= 0.0),
            _ => None,
        };
        Observation { status, queued_s }
    }

    /// Only the status (times unknown, or not on the poller's clock).
    pub fn status_only(status: TaskStatus) -> Self {
        Observation {
            status,
            queued_s: None,
        }
    }

    /// A typed task answer.
    pub fn from_response(answer: &TaskResponse) -> Self {
        let o = &answer.output;
        Self::new(
            o.task_status.clone(),
            o.submit_time.as_deref(),
            o.scheduled_time.as_deref(),
        )
    }

    /// A task answer as JSON (`{"output":{"task_status","submit_time","scheduled_time",…}}`).
    /// A missing status reads as `TaskStatus::Other("")`, which the poller ignores.
    pub fn from_json(answer: &Value) -> Self {
        let output = answer.get("output");
        let text = |key: &str| output.and_then(|o| o.get(key)).and_then(Value::as_str);
        Self::new(
            TaskStatus::parse(text("task_status").unwrap_or("")),
            text("submit_time"),
            text("scheduled_time"),
        )
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum State {
    /// Not seen running: `since_s` is when it was last seen pending (0: submission).
    Waiting { since_s: f64 },
    /// Running since `start_s`; `extra_var` widens the run's σ² when the start is only
    /// bracketed between two polls.
    Running { start_s: f64, extra_var: f64 },
}

/// The stateful poll timer of one task. Times are seconds since submission on the service's
/// clock.
///
/// ```
/// use core::time::Duration;
/// use wanedit_core::poll::{Observation, Poller};
/// use wanedit_core::task::TaskStatus;
///
/// let body = serde_json::json!({"model": "wan2.7-videoedit",
///     "input": {"prompt": "p", "media": [{"type": "video", "url": "https://x/v.mp4"}]},
///     "parameters": {"resolution": "720P", "duration": 5}});
/// let mut poller = Poller::for_request(&body);
/// let first = poller.next_delay(Duration::ZERO);
/// // The first answer: running since 3 s after submission.
/// let answer = Observation::new(TaskStatus::Running,
///     Some("2025-05-15 16:14:44.000"), Some("2025-05-15 16:14:47.000"));
/// poller.observe(&answer, first);
/// assert_eq!(poller.run_start_s(), Some(3.0));
/// let next = poller.next_delay(first);
/// assert!(next > first);
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Poller {
    features: RequestFeatures,
    knobs: PollSchedule,
    run: Run,
    wide: Run,
    state: State,
}

impl Poller {
    /// A poller for a request's features.
    pub fn new(features: RequestFeatures) -> Self {
        let prior = features.run_prior();
        let request_cost_s = match features.family() {
            Some(crate::Family::Vace) => REQUEST_COST_VACE_S,
            _ => REQUEST_COST_WAN27_S,
        };
        Poller {
            features,
            knobs: PollSchedule {
                request_cost_s,
                ..PollSchedule::for_family(features.family())
            },
            run: Run {
                weight: 1.0 - ROBUST_SHARE,
                median_s: prior.median_s,
                sigma: prior.sigma,
            },
            wide: Run {
                weight: ROBUST_SHARE,
                median_s: prior.median_s,
                sigma: ROBUST_SIGMA.max(prior.sigma),
            },
            state: State::Waiting { since_s: 0.0 },
        }
    }

    /// A poller for a create-task body ([`RequestFeatures::from_body`]; an unreadable body
    /// gives the per-model prior).
    pub fn for_request(body: &Value) -> Self {
        Self::new(RequestFeatures::from_body(body))
    }

    /// A poller knowing only the model (the per-model prior).
    pub fn for_model(model: &str) -> Self {
        Self::new(RequestFeatures::for_model(model))
    }

    /// The poller with λ (seconds of detection delay one request is worth) set to `cost_s`.
    pub fn with_request_cost(mut self, cost_s: f64) -> Self {
        if cost_s.is_finite() && cost_s > 0.0 {
            self.knobs.request_cost_s = cost_s;
        }
        self
    }

    /// The prior corrected by the account's earlier tasks of the same model family: an
    /// account shift (from every past task whose request was fully known), a shift for the
    /// current request's class (from past tasks of that class) and the spread of alike
    /// tasks; stragglers are left out. See the `learn` module's docs for the model. Past
    /// tasks of other families, and nonsense run times, are ignored.
    pub fn with_history(mut self, past: &[PastTask]) -> Self {
        if let Some((shift, sigma)) = learn(&self.features, past) {
            self.run.median_s = self.features.run_prior().median_s * shift.exp();
            self.run.sigma = sigma;
            self.wide.median_s = self.run.median_s;
        }
        self
    }

    /// [`Poller::with_history`] on run times (seconds) of earlier tasks of this same request
    /// class (submission-to-end times will do; see [`PastTask::run_s`]).
    pub fn with_durations(self, run_s: &[f64]) -> Self {
        let past: Vec<PastTask> = run_s
            .iter()
            .map(|&d| PastTask::new(self.features, d))
            .collect();
        self.with_history(&past)
    }

    /// What the poller assumes about the request.
    pub fn features(&self) -> &RequestFeatures {
        &self.features
    }

    /// The run-time model in use (after learning): median seconds and σ of ln.
    pub fn run_model(&self) -> (f64, f64) {
        (self.run.median_s, self.run.sigma)
    }

    /// When the run started (seconds after submission), once an answer showed it running.
    pub fn run_start_s(&self) -> Option<f64> {
        match self.state {
            State::Running { start_s, .. } => Some(start_s),
            State::Waiting { .. } => None,
        }
    }

    /// Takes in one answer, read `elapsed` after submission. A `RUNNING` answer anchors the
    /// run at `scheduled_time − submit_time` when the answer has both, else in the middle
    /// between the last `PENDING` answer and this one (widening the run's spread by that
    /// bracket). `PENDING`/`SUSPENDED` answers move the earliest possible start. Final and
    /// unknown statuses change nothing.
    pub fn observe(&mut self, observation: &Observation, elapsed: Duration) {
        let t = elapsed.as_secs_f64();
        match observation.status {
            TaskStatus::Running => {
                if let Some(q) = observation.queued_s.filter(|q| q.is_finite()) {
                    self.state = State::Running {
                        start_s: q.min(t).max(0.0),
                        extra_var: 0.0,
                    };
                } else if let State::Waiting { since_s } = self.state {
                    let bracket = (t - since_s).max(0.0);
                    let sd = bracket / 12f64.sqrt() / self.run.median_s.max(1.0);
                    self.state = State::Running {
                        start_s: since_s + bracket / 2.0,
                        extra_var: sd * sd,
                    };
                }
            }
            TaskStatus::Pending | TaskStatus::Suspended => {
                self.state = match self.state {
                    State::Waiting { since_s } => State::Waiting {
                        since_s: since_s.max(t),
                    },
                    State::Running { .. } => State::Waiting { since_s: t },
                };
            }
            _ => {}
        }
    }

    /// The wait before the next poll, `elapsed` after submission.
    pub fn next_delay(&self, elapsed: Duration) -> Duration {
        let t = elapsed.as_secs_f64();
        let (anchor_s, extra_var) = match self.state {
            State::Waiting { since_s } => (since_s, 0.0),
            State::Running {
                start_s, extra_var, ..
            } => (start_s, extra_var),
        };
        let runs = [
            Run {
                sigma: (self.run.sigma * self.run.sigma + extra_var).sqrt(),
                ..self.run
            },
            self.wide,
        ];
        let completion = Completion {
            early_share: self.knobs.early_failure_share,
            early_mean_s: self.knobs.early_failure_mean_s,
            anchor_s,
            runs: &runs,
        };
        let mut d = self.knobs.interval_for(|x| completion.hazard(x), t);
        if let State::Waiting { since_s } = self.state {
            let min = self.knobs.min_interval.as_secs_f64();
            d = d.min((since_s + self.probe_s() - t).max(min));
        }
        whole_millis(d)
    }

    /// The longest wait while the task is not seen running.
    fn probe_s(&self) -> f64 {
        let early_run = self.run.median_s * (-1.645 * self.run.sigma).exp();
        (PROBE_FRACTION * early_run)
            .min(self.knobs.max_interval.as_secs_f64())
            .max(self.knobs.min_interval.as_secs_f64())
    }
}

impl Schedule for Poller {
    fn next_delay(&self, elapsed: Duration, _polls_made: u32) -> Duration {
        Poller::next_delay(self, elapsed)
    }
}
