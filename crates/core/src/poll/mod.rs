//! When to ask again whether a task is done.
//!
//! ## Design
//! A poll costs a request; waiting between polls costs detection delay. For a task whose
//! completion time has hazard rate `h(t)` (the chance per second of finishing now, given it
//! has not finished yet), the interval that minimises `requests × λ + delay` is
//! `d(t) = sqrt(2λ / h(t))`: poll often when completion is likely, rarely when it is not.
//! (Read half an interval ahead, so a long interval does not jump over a window that is
//! about to begin.)
//!
//! A schedule that knows only the time since submission cannot beat both a fixed 15 s
//! interval (on requests) and the Python SDK's 1→5 s steps (on delay) over the documented
//! wan2.7 range: `requests × mean delay ≥ ½ (∫ √(S f) dt)²` for completion density `f` and
//! survival `S`, which the 1–5 min spread puts above what both baselines allow. So the
//! [`Poller`] uses what a real client has besides the clock:
//!
//! 1. **The request** ([`RequestFeatures`]): the output length and resolution (wan2.7) or the
//!    function (VACE) map to a run-time prior far narrower than the model's whole range (the
//!    mapping is our assumption: see [`request`](RequestFeatures) and its module docs).
//! 2. **The run's start**: a `RUNNING` answer carries `scheduled_time` (and `submit_time`),
//!    so queueing, which says nothing about generation, drops out: the run-time prior is
//!    re-anchored at the start ([`Poller::observe`]).
//! 3. **The account's history** ([`Poller::with_history`]): earlier run times correct the
//!    mapping and narrow the spread.
//!
//! Early failures (bad inputs fail within seconds) are a small exponential component from
//! submission, and [`ROBUST_SHARE`] of the prior sits on a wide log-normal around the
//! request's median ([`ROBUST_SIGMA`]), so a task far outside its window is still polled
//! (every 2 min at the most for VACE, every minute for wan2.7).
//!
//! While no answer has shown the task running, the run is anchored at the last `PENDING`
//! answer (it cannot end sooner than a run after that) and the task is polled again at the
//! latest after half its run's 5th percentile, so the start is seen before the run can end.
//!
//! The benchmark (`cargo bench -p wanedit-core --bench polling`) replays simulated tasks
//! against the poller, a fixed 15 s interval and the Python SDK's 1, 1, 2, 2, 2, 4, 4, 4, 5…
//! seconds.

use core::time::Duration;

mod clock;
mod learn;
mod poller;
mod request;
mod schedule;

pub use clock::{service_seconds_between, service_time_s};
pub use learn::{SIGMA_ACCOUNT, SIGMA_CLASS};
pub use poller::{
    Observation, PastTask, Poller, REQUEST_COST_VACE_S, REQUEST_COST_WAN27_S, ROBUST_SHARE,
    ROBUST_SIGMA,
};
pub use request::{RequestFeatures, RunPrior, SIGMA_MAPPING, SIGMA_TASK};
pub use schedule::PollSchedule;

use crate::task::TaskStatus;

/// A polling schedule: the wait before the next poll, given the time since submission and
/// the number of polls made so far.
pub trait Schedule {
    /// The wait before the next poll.
    fn next_delay(&self, elapsed: Duration, polls_made: u32) -> Duration;
}

/// Polling every `interval` (Alibaba's samples use 10–15 s).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FixedInterval(pub Duration);

impl Schedule for FixedInterval {
    fn next_delay(&self, _elapsed: Duration, _polls_made: u32) -> Duration {
        self.0
    }
}

/// The DashScope Python SDK's wait: 1, 1, 2, 2, 2, 4, 4, 4 s, then every 5 s.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct SdkSchedule;

impl Schedule for SdkSchedule {
    fn next_delay(&self, _elapsed: Duration, polls_made: u32) -> Duration {
        const STEPS: [u64; 8] = [1, 1, 2, 2, 2, 4, 4, 4];
        Duration::from_secs(STEPS.get(polls_made as usize).copied().unwrap_or(5))
    }
}

/// The outcome of polling one task that finishes at a known time.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PollOutcome {
    /// Requests made until the final status was seen.
    pub requests: u32,
    /// Time from completion to the poll that saw it, seconds.
    pub detection_delay_s: f64,
}

/// Replays `schedule` against a task that finishes `finish_s` seconds after submission.
pub fn replay(schedule: &dyn Schedule, finish_s: f64) -> PollOutcome {
    let mut elapsed = Duration::ZERO;
    let mut requests = 0;
    loop {
        elapsed += schedule.next_delay(elapsed, requests);
        requests += 1;
        let t = elapsed.as_secs_f64();
        if t >= finish_s {
            return PollOutcome {
                requests,
                detection_delay_s: t - finish_s,
            };
        }
    }
}

/// A simulated task: `PENDING` until `start_s`, then `RUNNING` until `end_s` (seconds after
/// submission), then final. A task failing before it runs has `end_s <= start_s`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TaskTimeline {
    /// When it starts running.
    pub start_s: f64,
    /// When it ends.
    pub end_s: f64,
}

/// Replays a [`Poller`] (a copy of it) against a simulated task, feeding it every answer:
/// with `submit_time`/`scheduled_time` when `with_times`, else the status only.
pub fn replay_poller(poller: &Poller, task: &TaskTimeline, with_times: bool) -> PollOutcome {
    let mut poller = poller.clone();
    let mut elapsed = Duration::ZERO;
    let mut requests = 0;
    loop {
        elapsed += poller.next_delay(elapsed);
        requests += 1;
        let t = elapsed.as_secs_f64();
        if t >= task.end_s {
            return PollOutcome {
                requests,
                detection_delay_s: t - task.end_s,
            };
        }
        let observation = if t < task.start_s {
            Observation::status_only(TaskStatus::Pending)
        } else if with_times {
            Observation {
                status: TaskStatus::Running,
                queued_s: Some(task.start_s),
            }
        } else {
            Observation::status_only(TaskStatus::Running)
        };
        poller.observe(&observation, elapsed);
    }
}

/// Summary of many replays.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PollStats {
    /// Mean requests per task.
    pub mean_requests: f64,
    /// Mean detection delay, seconds.
    pub mean_delay_s: f64,
    /// 95th percentile detection delay, seconds.
    pub p95_delay_s: f64,
}

impl PollStats {
    /// Summarises outcomes.
    pub fn of(outcomes: &[PollOutcome]) -> PollStats {
        let n = outcomes.len().max(1) as f64;
        let mut delays: Vec<f64> = outcomes.iter().map(|o| o.detection_delay_s).collect();
        delays.sort_by(f64::total_cmp);
        let p95 = delays
            .get(((delays.len() as f64 * 0.95).ceil() as usize).saturating_sub(1))
            .copied();
        PollStats {
            mean_requests: outcomes.iter().map(|o| f64::from(o.requests)).sum::<f64>() / n,
            mean_delay_s: delays.iter().sum::<f64>() / n,
            p95_delay_s: p95.unwrap_or(0.0),
        }
    }
}

/// Replays `schedule` for every finishing time and summarises.
pub fn evaluate(schedule: &dyn Schedule, finish_times_s: &[f64]) -> PollStats {
    let outcomes: Vec<PollOutcome> = finish_times_s
        .iter()
        .map(|&t| replay(schedule, t))
        .collect();
    PollStats::of(&outcomes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sdk_schedule_is_the_documented_one() {
        let delays: Vec<u64> = (0..10)
            .map(|i| SdkSchedule.next_delay(Duration::ZERO, i).as_secs())
            .collect();
        assert_eq!(delays, [1, 1, 2, 2, 2, 4, 4, 4, 5, 5]);
    }

    #[test]
    fn replay_counts_requests_and_delay() {
        let o = replay(&FixedInterval(Duration::from_secs(15)), 40.0);
        assert_eq!(
            o,
            PollOutcome {
                requests: 3,
                detection_delay_s: 5.0
            }
        );
    }
}
