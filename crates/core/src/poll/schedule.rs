//! [`Schedule`] and the schedules that know only the time since submission: the baselines
//! ([`FixedInterval`], [`SdkSchedule`]) and [`PollSchedule`], intervals from the hazard rate of
//! a modelled completion time; and the hazard arithmetic the stateful poller shares. Imports
//! only `request` (the per-model priors): the poller builds on this module, not the other way.

use core::time::Duration;

use super::request::{model_prior, RequestFeatures};
use crate::Family;
use serde_json::Value;

/// Seconds a task typically waits before it runs, when an account has a free slot. Only the
/// elapsed-only [`PollSchedule::for_request`] adds it; the poller watches for the start.
const TYPICAL_QUEUE_S: f64 = 5.0;

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

/// Our elapsed-only schedule: intervals from the hazard rate of a modelled completion time.
/// The poller (`Poller`) adds what the task's answers say (the run's start) and is the one to
/// use when the answers are at hand.
#[derive(Debug, Clone, PartialEq)]
pub struct PollSchedule {
    /// Median time to completion of a normal run, seconds.
    pub median_s: f64,
    /// Spread of the log-normal (standard deviation of ln t).
    pub sigma: f64,
    /// Share of tasks that fail early.
    pub early_failure_share: f64,
    /// Mean time to an early failure, seconds.
    pub early_failure_mean_s: f64,
    /// Seconds of detection delay one request is worth (λ): larger polls less. (The poller
    /// uses its own values, `REQUEST_COST_VACE_S` and `REQUEST_COST_WAN27_S`.)
    pub request_cost_s: f64,
    /// Shortest interval.
    pub min_interval: Duration,
    /// Longest interval: about a quarter of a typical run (so a start, a straggler's end or
    /// a run far off its model is still seen in good time), 2 min for VACE, 1 min for wan2.7.
    pub max_interval: Duration,
}

impl PollSchedule {
    /// `wan2.1-vace-plus` / `wanx2.1-vace-plus`: about 5–10 minutes.
    pub fn vace() -> Self {
        let (median_s, sigma) = model_prior(Some(Family::Vace));
        PollSchedule {
            median_s,
            sigma,
            early_failure_share: 0.03,
            early_failure_mean_s: 8.0,
            request_cost_s: 0.12,
            min_interval: Duration::from_secs(1),
            max_interval: Duration::from_secs(120),
        }
    }

    /// `wan2.7-videoedit`: about 1–5 minutes.
    pub fn wan27() -> Self {
        let (median_s, sigma) = model_prior(Some(Family::VideoEdit27));
        PollSchedule {
            median_s,
            sigma,
            early_failure_share: 0.03,
            early_failure_mean_s: 8.0,
            request_cost_s: 0.15,
            min_interval: Duration::from_secs(1),
            max_interval: Duration::from_secs(60),
        }
    }

    /// The schedule for a model name; unknown models get the wan2.7 one (the shorter tasks,
    /// so nothing is detected late).
    pub fn for_model(model: &str) -> Self {
        Self::for_family(crate::Model::parse(model).map(crate::Model::family))
    }

    /// The schedule of a model family (`None`, an unknown model: the wan2.7 one). Its knobs
    /// (request cost, bounds, early failures) are the poller's too.
    pub(crate) fn for_family(family: Option<Family>) -> Self {
        match family {
            Some(Family::Vace) => Self::vace(),
            _ => Self::wan27(),
        }
    }

    /// The elapsed-only schedule for a create-task body: the model's schedule with the
    /// completion time of [`RequestFeatures::from_body`]'s prior (run time plus a few seconds
    /// of queueing). A body that says nothing usable gives [`PollSchedule::for_model`].
    /// The poller's `for_request` is better wherever the task's answers are at hand: it also
    /// re-anchors at the run's start.
    pub fn for_request(body: &Value) -> Self {
        let features = RequestFeatures::from_body(body);
        let prior = features.run_prior();
        PollSchedule {
            median_s: prior.median_s + TYPICAL_QUEUE_S,
            sigma: prior.sigma,
            ..Self::for_family(features.family())
        }
    }

    /// The schedule refined by the durations (seconds from submission to a final status) of
    /// this account's earlier tasks of the same model. An account's tasks are usually far more
    /// alike than the documented range, and a narrower model polls less for the same delay.
    /// The fit is the log-normal of the history, shrunk towards this prior with the weight of
    /// three tasks, and never narrower than σ = 0.08 (±8 %).
    pub fn with_history(&self, durations_s: &[f64]) -> Self {
        let logs: Vec<f64> = durations_s
            .iter()
            .filter(|d| **d > 1.0 && d.is_finite())
            .map(|d| d.ln())
            .collect();
        if logs.is_empty() {
            return self.clone();
        }
        const PRIOR_WEIGHT: f64 = 3.0;
        let n = logs.len() as f64;
        let mean = logs.iter().sum::<f64>() / n;
        let var = logs.iter().map(|l| (l - mean).powi(2)).sum::<f64>() / n;
        let w = n / (n + PRIOR_WEIGHT);
        let prior_mu = self.median_s.ln();
        let mu = w * mean + (1.0 - w) * prior_mu;
        // Pooled variance: the history's spread, the prior's, and the gap between the two means.
        let sigma2 =
            w * var + (1.0 - w) * self.sigma.powi(2) + w * (1.0 - w) * (mean - prior_mu).powi(2);
        PollSchedule {
            median_s: mu.exp(),
            sigma: sigma2.sqrt().max(0.08),
            ..self.clone()
        }
    }

    /// Hazard rate of the modelled completion time at `t` seconds (per second).
    pub fn hazard(&self, t: f64) -> f64 {
        Completion {
            early_share: self.early_failure_share,
            early_mean_s: self.early_failure_mean_s,
            anchor_s: 0.0,
            runs: &[Run {
                weight: 1.0,
                median_s: self.median_s,
                sigma: self.sigma,
            }],
        }
        .hazard(t)
    }

    /// The interval at `t` seconds for a hazard function, within this schedule's bounds.
    pub(crate) fn interval_for(&self, hazard: impl Fn(f64) -> f64, t: f64) -> f64 {
        interval(
            hazard,
            t,
            self.request_cost_s,
            self.min_interval.as_secs_f64(),
            self.max_interval.as_secs_f64(),
        )
    }
}

impl Schedule for PollSchedule {
    fn next_delay(&self, elapsed: Duration, _polls_made: u32) -> Duration {
        let d = self.interval_for(|t| self.hazard(t), elapsed.as_secs_f64());
        whole_millis(d)
    }
}

/// Seconds as a `Duration` of whole milliseconds (timers and tests stay exact).
pub(crate) fn whole_millis(seconds: f64) -> Duration {
    // `as` saturates (and maps NaN to 0) rather than panicking like `from_secs_f64`.
    Duration::from_millis((seconds * 1000.0).round() as u64)
}

/// One log-normal component of a run time.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Run {
    /// Its share of the tasks that do not fail early.
    pub weight: f64,
    /// Median run time, seconds.
    pub median_s: f64,
    /// Standard deviation of ln(run time).
    pub sigma: f64,
}

/// A completion-time model: early failures (exponential, counted from submission) or a run
/// (a mixture of log-normals, counted from `anchor_s`, when the run started at the latest
/// knowledge).
pub(crate) struct Completion<'a> {
    pub early_share: f64,
    pub early_mean_s: f64,
    pub anchor_s: f64,
    pub runs: &'a [Run],
}

impl Completion<'_> {
    /// The completion hazard at `t` seconds since submission (per second).
    pub fn hazard(&self, t: f64) -> f64 {
        let t = t.max(1e-3);
        let (p, m) = (self.early_share, self.early_mean_s.max(1e-3));
        let e = (-t / m).exp();
        let (f_early, s_early) = (e / m, e);
        let u = t - self.anchor_s;
        let (mut f_run, mut s_run) = (0.0, 0.0);
        for r in self.runs {
            let (f, s) = lognormal(u, r.median_s, r.sigma);
            f_run += r.weight * f;
            s_run += r.weight * s;
        }
        let survival = p * s_early + (1.0 - p) * s_run;
        if survival <= 0.0 {
            // Far past every expectation: the widest log-normal's hazard tends to z / (σ u).
            let widest = self.runs.iter().fold(None::<&Run>, |w, r| match w {
                Some(w) if w.sigma >= r.sigma => Some(w),
                _ => Some(r),
            });
            return widest.map_or(0.0, |r| {
                let z = (u.max(1e-3).ln() - r.median_s.ln()) / r.sigma;
                (z / (r.sigma * u.max(1e-3))).max(0.0)
            });
        }
        (p * f_early + (1.0 - p) * f_run) / survival
    }
}

/// Density and survival at `u` seconds of a log-normal (0 and 1 before it starts).
fn lognormal(u: f64, median_s: f64, sigma: f64) -> (f64, f64) {
    if u <= 0.0 {
        return (0.0, 1.0);
    }
    let sigma = sigma.max(1e-3);
    let z = (u.ln() - median_s.max(1e-3).ln()) / sigma;
    let f = (-0.5 * z * z).exp() / (u * sigma * (2.0 * core::f64::consts::PI).sqrt());
    (f, 0.5 * erfc(z / core::f64::consts::SQRT_2))
}

/// The interval at `t` that balances requests against delay: `d = sqrt(2λ / h)`, with the
/// hazard read half an interval ahead (the fixed point `d = sqrt(2λ / h(t + d/2))`), so an
/// interval started where nothing is expected does not overshoot a window that is about to
/// begin. Within `[min, max]`.
pub(crate) fn interval(hazard: impl Fn(f64) -> f64, t: f64, cost: f64, min: f64, max: f64) -> f64 {
    let local = |x: f64| {
        let h = hazard(x);
        let d = if h > 0.0 {
            (2.0 * cost / h).sqrt()
        } else {
            f64::INFINITY
        };
        // `max`/`min` rather than `clamp`, whose panic message (on min > max) links float
        // formatting into WebAssembly builds.
        d.min(max).max(min)
    };
    let d0 = local(t);
    if d0 <= local(t + d0 / 2.0) {
        return d0;
    }
    // The hazard rises ahead: bisect for the fixed point in [min, d0].
    let (mut lo, mut hi) = (min, d0);
    if lo > local(t + lo / 2.0) {
        return lo;
    }
    for _ in 0..16 {
        let mid = 0.5 * (lo + hi);
        if mid <= local(t + mid / 2.0) {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    lo
}

/// The complementary error function (Numerical Recipes' Chebyshev fit, relative error
/// < 1.2e-7 everywhere, tails included).
pub(crate) fn erfc(x: f64) -> f64 {
    let z = x.abs();
    let t = 1.0 / (1.0 + 0.5 * z);
    let poly = -z * z - 1.265_512_23
        + t * (1.000_023_68
            + t * (0.374_091_96
                + t * (0.096_784_18
                    + t * (-0.186_288_06
                        + t * (0.278_868_07
                            + t * (-1.135_203_98
                                + t * (1.488_515_87 + t * (-0.822_152_23 + t * 0.170_872_77))))))));
    let r = t * poly.exp();
    if x >= 0.0 {
        r
    } else {
        2.0 - r
    }
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
    fn erfc_matches_known_values() {
        for (x, want) in [
            (0.0, 1.0),
            (1.0, 0.157_299_207),
            (-1.0, 1.842_700_793),
            (3.0, 2.209_049_7e-5),
        ] {
            assert!(
                (erfc(x) - want).abs() / want < 1e-6,
                "erfc({x}) = {}",
                erfc(x)
            );
        }
    }

    #[test]
    fn vace_schedule_is_sparse_early_dense_in_the_window_and_backs_off_when_overdue() {
        let s = PollSchedule::vace();
        let at = |secs: u64| s.next_delay(Duration::from_secs(secs), 0).as_secs_f64();
        assert!(at(1) < 10.0, "first polls catch early failures: {}", at(1));
        assert!(at(120) > 30.0, "nothing is expected at 2 min: {}", at(120));
        assert!(at(420) < 6.0, "dense around the median: {}", at(420));
        assert!(at(3 * 3600) > at(900), "backs off for overdue tasks");
        for secs in (0..20_000).step_by(7) {
            let d = at(secs);
            assert!((1.0..=120.0).contains(&d), "{secs}: {d}");
        }
    }

    #[test]
    fn the_look_ahead_does_not_jump_over_the_window() {
        let s = PollSchedule::vace();
        // From anywhere before the window, the next poll lands no later than its start plus
        // the interval the window itself asks for.
        let window = s.median_s * (-2.0 * s.sigma).exp();
        let in_window = s
            .next_delay(Duration::from_secs_f64(window), 0)
            .as_secs_f64();
        for t in (0..window as u64).step_by(3) {
            let next = t as f64 + s.next_delay(Duration::from_secs(t), 0).as_secs_f64();
            assert!(next <= window + 2.0 * in_window, "{t}: {next}");
        }
    }
}
