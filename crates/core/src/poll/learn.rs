//! Learning from an account's earlier tasks ([`PastTask`]; the poller's `with_history` uses
//! [`learn`]). Imports only `request` and `clock`: nothing here knows the poller.
//!
//! The residual of a past task is `ln(run time / prior median of its request)`. They follow
//! `residual = account shift + class shift + noise`:
//! - the account shift (prior σ [`SIGMA_ACCOUNT`]) says how much faster or slower this
//!   account's tasks run than the mapping says; every past task whose request was fully known
//!   estimates it;
//! - the class shift (prior σ [`SIGMA_CLASS`]) says how far the mapping is off for this kind of
//!   request ([`RequestFeatures::same_class`]: the same VACE function, the same wan2.7
//!   resolution); past tasks of the current request's class estimate it;
//! - the noise (prior σ [`SIGMA_TASK`], estimated from the spread within classes and shrunk
//!   towards the prior with the weight of three tasks, never below 0.06) is what no history
//!   removes.
//!
//! Residuals more than three robust standard deviations from the median (stragglers, which
//! the poller's robust component covers) are left out of the fit.

use super::clock::service_seconds_between;
#[cfg(doc)]
use super::request::SIGMA_MAPPING;
use super::request::{RequestFeatures, SIGMA_TASK};
use crate::task::{TaskResponse, TaskStatus};

/// One earlier task of the account, for the poller's `with_history`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PastTask {
    /// What it asked for.
    pub request: RequestFeatures,
    /// How long it ran, seconds: `end_time − scheduled_time` ([`PastTask::from_response`]).
    /// The time from submission to the final status will do where that is all there is (it
    /// includes queueing, so it overstates the run a little).
    pub run_s: f64,
}

impl PastTask {
    /// A past task.
    pub fn new(request: RequestFeatures, run_s: f64) -> Self {
        PastTask { request, run_s }
    }

    /// From a succeeded task's answer (`end_time − scheduled_time`); `None` for any other
    /// status or without both times.
    pub fn from_response(request: RequestFeatures, answer: &TaskResponse) -> Option<Self> {
        let o = &answer.output;
        if o.task_status != TaskStatus::Succeeded {
            return None;
        }
        let run = service_seconds_between(o.scheduled_time.as_deref()?, o.end_time.as_deref()?)?;
        (run > 0.0).then_some(PastTask::new(request, run))
    }

    /// [`PastTask::from_response`] on a task answer as JSON
    /// (`{"output":{"task_status","scheduled_time","end_time",…}}`).
    pub fn from_json(request: RequestFeatures, answer: &serde_json::Value) -> Option<Self> {
        let output = answer.get("output")?;
        let text = |key: &str| output.get(key).and_then(serde_json::Value::as_str);
        if TaskStatus::parse(text("task_status")?) != TaskStatus::Succeeded {
            return None;
        }
        let run = service_seconds_between(text("scheduled_time")?, text("end_time")?)?;
        (run > 0.0).then_some(PastTask::new(request, run))
    }
}

/// Prior σ of the class shift (how far the mapping may be off for one kind of request).
pub const SIGMA_CLASS: f64 = 0.1;
/// Prior σ of the account shift: together with [`SIGMA_CLASS`] it makes [`SIGMA_MAPPING`].
pub const SIGMA_ACCOUNT: f64 = 0.173_205_080_756_887_7; // sqrt(0.2² − 0.1²)

/// The prior counts as this many tasks when the noise is estimated.
const PRIOR_WEIGHT: f64 = 3.0;
/// Never narrower than this σ (±6 %).
const SIGMA_FLOOR: f64 = 0.06;

/// The shift of ln(median run time) and the predictive σ for `current`, from `past`; `None`
/// when no past task bears on it.
pub(crate) fn learn(current: &RequestFeatures, past: &[PastTask]) -> Option<(f64, f64)> {
    let prior = current.run_prior();
    let family = current.family();
    let usable: Vec<&PastTask> = past
        .iter()
        .filter(|p| p.run_s.is_finite() && p.run_s > 1.0 && p.request.family() == family)
        .collect();
    let residual = |p: &PastTask| p.run_s.ln() - p.request.run_prior().median_s.ln();
    let exact = trim(
        usable
            .iter()
            .filter(|p| p.request.is_exact())
            .map(|p| (p.request, residual(p)))
            .collect(),
    );
    let class = trim(
        usable
            .iter()
            .filter(|p| p.request.same_class(current))
            .map(|p| (p.request, residual(p)))
            .collect(),
    );
    if exact.is_empty() && class.is_empty() {
        return None;
    }
    // The noise: spread within classes of the fully known past tasks.
    let (squares, dof) = within_class(&exact);
    let v0 = SIGMA_TASK * SIGMA_TASK;
    let v = ((squares + PRIOR_WEIGHT * v0) / (dof + PRIOR_WEIGHT)).max(SIGMA_FLOOR * SIGMA_FLOOR);
    // The account shift.
    let n = exact.len() as f64;
    let p_account = 1.0 / (SIGMA_ACCOUNT * SIGMA_ACCOUNT) + n / v;
    let account = exact.iter().map(|(_, r)| r).sum::<f64>() / v / p_account;
    // The class shift, on the noise of this class (plus what its unknowns add).
    let feature_var = prior.feature_sigma * prior.feature_sigma;
    let n_class = class.len() as f64;
    let mut u = v + feature_var;
    if !current.is_exact() && class.len() >= 2 {
        let mean = class.iter().map(|(_, r)| r).sum::<f64>() / n_class;
        let var = class.iter().map(|(_, r)| (r - mean).powi(2)).sum::<f64>() / n_class;
        u = ((n_class * var + PRIOR_WEIGHT * u) / (n_class + PRIOR_WEIGHT))
            .max(SIGMA_FLOOR * SIGMA_FLOOR);
    }
    let p_class = 1.0 / (SIGMA_CLASS * SIGMA_CLASS) + n_class / u;
    let class_shift = class.iter().map(|(_, r)| r - account).sum::<f64>() / u / p_class;
    Some((
        account + class_shift,
        (u + 1.0 / p_class + 1.0 / p_account).sqrt(),
    ))
}

/// Drops residuals more than three robust standard deviations (1.4826 × the median absolute
/// deviation, at least [`SIGMA_FLOOR`]) from their median. Fewer than three: kept as they are.
fn trim(items: Vec<(RequestFeatures, f64)>) -> Vec<(RequestFeatures, f64)> {
    if items.len() < 3 {
        return items;
    }
    let median = |mut xs: Vec<f64>| {
        sort(&mut xs);
        let k = xs.len();
        if k % 2 == 1 {
            xs[k / 2]
        } else {
            0.5 * (xs[k / 2 - 1] + xs[k / 2])
        }
    };
    let mid = median(items.iter().map(|(_, r)| *r).collect());
    let mad = median(items.iter().map(|(_, r)| (r - mid).abs()).collect());
    let cut = 3.0 * (1.4826 * mad).max(SIGMA_FLOOR);
    items
        .into_iter()
        .filter(|(_, r)| (r - mid).abs() <= cut)
        .collect()
}

/// Sorts a few numbers (insertion sort: histories are short, and the standard library's sort
/// is a few kilobytes of WebAssembly).
fn sort(xs: &mut [f64]) {
    for i in 1..xs.len() {
        let mut j = i;
        while j > 0 && xs[j - 1].total_cmp(&xs[j]).is_gt() {
            xs.swap(j - 1, j);
            j -= 1;
        }
    }
}

/// The sum of squared deviations from their class means, and its degrees of freedom
/// (items − classes).
fn within_class(items: &[(RequestFeatures, f64)]) -> (f64, f64) {
    let mut classes: Vec<(RequestFeatures, f64, f64, f64)> = Vec::new(); // (class, n, Σr, Σr²)
    for (f, r) in items {
        match classes.iter_mut().find(|c| c.0.same_class(f)) {
            Some(c) => {
                c.1 += 1.0;
                c.2 += r;
                c.3 += r * r;
            }
            None => classes.push((*f, 1.0, *r, r * r)),
        }
    }
    let squares = classes
        .iter()
        .map(|(_, n, s, s2)| (s2 - s * s / n).max(0.0))
        .sum();
    (squares, items.len() as f64 - classes.len() as f64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::VaceFunction;
    use crate::poll::request::SIGMA_MAPPING;

    fn vace(function: VaceFunction) -> RequestFeatures {
        RequestFeatures::Vace {
            function,
            pixels: 1280 * 720,
        }
    }

    #[test]
    fn sorts() {
        let mut xs = [3.0, -1.0, 2.5, f64::INFINITY, 0.0, 2.5];
        sort(&mut xs);
        assert_eq!(xs, [-1.0, 0.0, 2.5, 2.5, 3.0, f64::INFINITY]);
    }

    #[test]
    fn the_mapping_error_splits_into_account_and_class() {
        let split = (SIGMA_ACCOUNT.powi(2) + SIGMA_CLASS.powi(2)).sqrt();
        assert!((split - SIGMA_MAPPING).abs() < 1e-9);
    }

    #[test]
    fn a_slow_account_and_a_slow_class_are_both_learned() {
        let edit = vace(VaceFunction::VideoEdit);
        let reference = vace(VaceFunction::ImageReference);
        let m = |f: RequestFeatures| f.run_prior().median_s;
        // Everything runs 20 % slower; video_edit another 15 % on top.
        let mut past = Vec::new();
        for i in 0..6 {
            let wobble = 1.0 + 0.02 * (i as f64 - 2.5);
            past.push(PastTask::new(reference, m(reference) * 1.2 * wobble));
            past.push(PastTask::new(edit, m(edit) * 1.2 * 1.15 * wobble));
        }
        let (shift_edit, sigma_edit) = learn(&edit, &past).unwrap();
        let (shift_ref, _) = learn(&reference, &past).unwrap();
        assert!(
            (shift_edit - (1.2f64 * 1.15).ln()).abs() < 0.05,
            "{shift_edit}"
        );
        assert!((shift_ref - 1.2f64.ln()).abs() < 0.05, "{shift_ref}");
        assert!(
            sigma_edit < 0.12,
            "alike tasks narrow the spread: {sigma_edit}"
        );
    }

    #[test]
    fn stragglers_do_not_widen_the_fit() {
        let edit = vace(VaceFunction::VideoEdit);
        let m = edit.run_prior().median_s;
        let mut past: Vec<PastTask> = (0..9)
            .map(|i| PastTask::new(edit, m * (1.0 + 0.01 * i as f64)))
            .collect();
        let (_, clean) = learn(&edit, &past).unwrap();
        past.push(PastTask::new(edit, m * 2.5));
        let (shift, with_straggler) = learn(&edit, &past).unwrap();
        assert!(
            (with_straggler - clean).abs() < 0.01,
            "{clean} {with_straggler}"
        );
        assert!(shift.abs() < 0.1, "{shift}");
    }

    #[test]
    fn other_families_and_nonsense_are_ignored() {
        let edit = vace(VaceFunction::VideoEdit);
        let other = RequestFeatures::VideoEdit27 {
            resolution: crate::model::Resolution::P720,
            output_s: Some(5.0),
        };
        let past = [
            PastTask::new(other, 100.0),
            PastTask::new(edit, f64::NAN),
            PastTask::new(edit, -3.0),
            PastTask::new(edit, f64::INFINITY),
        ];
        assert_eq!(learn(&edit, &past), None);
    }
}
