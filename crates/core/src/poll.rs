//! When to ask again whether a task is done, as a pure function of the time since submission.
//!
//! ## Design
//! A poll costs a request; waiting between polls costs detection delay. For a task whose
//! completion time has hazard rate `h(t)` (the chance per second of finishing now, given it
//! has not finished yet), the interval that minimises `requests × λ + delay` is
//! `d(t) = sqrt(2λ / h(t))`: poll often when completion is likely, rarely when it is not.
//!
//! The completion time is modelled per model family from the documented durations
//! (VACE about 5–10 minutes, wan2.7 about 1–5 minutes) as a mixture of
//! - a log-normal for normal runs (VACE median 7 min, wan2.7 median 2.5 min), and
//! - a small exponential component for early failures (bad inputs fail within seconds),
//!
//! so the schedule polls quickly right after submission, backs off through the minutes where
//! nothing is expected, polls densely through the expected window, and backs off again for
//! tasks that run far over. The benchmark (`cargo bench -p wanedit-core --bench polling`)
//! replays task durations against this schedule, a fixed 15 s interval, and the Python SDK's
//! 1, 1, 2, 2, 2, 4, 4, 4, 5, 5… seconds.

use core::time::Duration;

/// A polling schedule: the wait before the next poll, given the time since submission and
/// the number of polls made so far.
pub trait Schedule {
    /// The wait before the next poll.
    fn next_delay(&self, elapsed: Duration, polls_made: u32) -> Duration;
}

/// Our schedule: intervals from the hazard rate of a modelled completion time.
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
    /// Seconds of detection delay one request is worth (λ): larger polls less.
    pub request_cost_s: f64,
    /// Shortest interval.
    pub min_interval: Duration,
    /// Longest interval.
    pub max_interval: Duration,
}

impl PollSchedule {
    /// `wan2.1-vace-plus` / `wanx2.1-vace-plus`: about 5–10 minutes.
    pub fn vace() -> Self {
        PollSchedule {
            median_s: 420.0,
            sigma: 0.25,
            early_failure_share: 0.03,
            early_failure_mean_s: 8.0,
            request_cost_s: 0.12,
            min_interval: Duration::from_secs(1),
            max_interval: Duration::from_secs(60),
        }
    }

    /// `wan2.7-videoedit`: about 1–5 minutes.
    pub fn wan27() -> Self {
        PollSchedule {
            median_s: 150.0,
            sigma: 0.45,
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
        match crate::Model::parse(model).map(crate::Model::family) {
            Some(crate::Family::Vace) => Self::vace(),
            _ => Self::wan27(),
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
            .filter(|d| **d > 1.0)
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
        let t = t.max(1e-3);
        let p = self.early_failure_share;
        let m = self.early_failure_mean_s;
        let (f_early, s_early) = ((-t / m).exp() / m, (-t / m).exp());
        let z = (t.ln() - self.median_s.ln()) / self.sigma;
        let f_run = (-0.5 * z * z).exp() / (t * self.sigma * (2.0 * core::f64::consts::PI).sqrt());
        let s_run = 0.5 * erfc(z / core::f64::consts::SQRT_2);
        let survival = p * s_early + (1.0 - p) * s_run;
        if survival <= 0.0 {
            // Far past every expectation: the log-normal hazard tends to z / (σ t).
            return (z / (self.sigma * t)).max(0.0);
        }
        (p * f_early + (1.0 - p) * f_run) / survival
    }
}

impl Schedule for PollSchedule {
    fn next_delay(&self, elapsed: Duration, _polls_made: u32) -> Duration {
        let h = self.hazard(elapsed.as_secs_f64());
        let d = if h > 0.0 {
            (2.0 * self.request_cost_s / h).sqrt()
        } else {
            f64::INFINITY
        };
        // `max`/`min` rather than `clamp`, whose panic message (on min > max) links float
        // formatting into WebAssembly builds.
        let d = d
            .max(self.min_interval.as_secs_f64())
            .min(self.max_interval.as_secs_f64());
        // Whole milliseconds keep timers and tests exact.
        Duration::from_millis((d * 1000.0).round() as u64)
    }
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

/// Replays `schedule` for every finishing time and summarises.
pub fn evaluate(schedule: &dyn Schedule, finish_times_s: &[f64]) -> PollStats {
    let outcomes: Vec<PollOutcome> = finish_times_s
        .iter()
        .map(|&t| replay(schedule, t))
        .collect();
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

/// The complementary error function (Numerical Recipes' Chebyshev fit, relative error
/// < 1.2e-7 everywhere, tails included).
fn erfc(x: f64) -> f64 {
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
            assert!((1.0..=60.0).contains(&d), "{secs}: {d}");
        }
    }
}
