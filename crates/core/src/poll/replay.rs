//! Replays of schedules and pollers against simulated tasks, for the polling benchmark
//! (`cargo bench -p wanedit-core --bench polling`) and tests: [`replay`], [`replay_poller`],
//! [`evaluate`] and their [`PollStats`].

use core::time::Duration;

use super::poller::{Observation, Poller};
use super::schedule::Schedule;
use crate::task::TaskStatus;

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
    use crate::poll::schedule::FixedInterval;

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
