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
//!
//! ## Modules
//! Each imports only those before it (no circles): `clock` (task times) and `request` (what a
//! body says about its run) stand alone; `schedule` (the [`Schedule`] trait, the baselines and
//! [`PollSchedule`]) and `learn` ([`PastTask`] and the fit) build on `request`; `history` (the
//! stored form of past tasks, [`History`]) on `learn`; `poller` on all but `history`; `replay`
//! (the benchmark's replays) on `poller` and `schedule`. This file only declares and
//! re-exports.

mod clock;
mod history;
mod learn;
mod poller;
mod replay;
mod request;
mod schedule;

pub use clock::{service_seconds_between, service_time_s};
pub use history::{History, HISTORY_CAPACITY};
pub use learn::{PastTask, SIGMA_ACCOUNT, SIGMA_CLASS};
pub use poller::{
    Observation, Poller, REQUEST_COST_VACE_S, REQUEST_COST_WAN27_S, ROBUST_SHARE, ROBUST_SIGMA,
};
pub use replay::{evaluate, replay, replay_poller, PollOutcome, PollStats, TaskTimeline};
pub use request::{RequestFeatures, RunPrior, SIGMA_MAPPING, SIGMA_TASK};
pub use schedule::{FixedInterval, PollSchedule, Schedule, SdkSchedule};
