//! Replays simulated tasks against our poller and two baselines and prints, per mix of
//! requests and durations: requests per task and mean / p95 detection delay.
//!
//! Run: `cargo bench -p wanedit-core --bench polling`. Deterministic (seeded).
//!
//! Every mix is made of accounts: each account's first tasks are the history our poller may
//! learn from ([`Poller::with_history`]); its next tasks are measured. Tasks come from a
//! generating model (printed with each mix) of queue wait + run time. In the on-model mixes
//! the run time follows the request (but with other coefficients than our prior, an account
//! speed factor and per-task noise); in the off-model mixes it is independent of the request.
//!
//! Under each table, [`bound`] rows: the fewest requests any poller could make at the SDK's
//! mean delay if it were told each run's start and the law of its run time.

#[path = "polling/bound.rs"]
mod bound;

use std::time::Duration;
use wanedit_core::model::{Resolution, VaceFunction};
use wanedit_core::poll::{
    replay, replay_poller, FixedInterval, History, PastTask, PollOutcome, PollSchedule, PollStats,
    Poller, RequestFeatures, Schedule, SdkSchedule, TaskTimeline,
};
use wanedit_core::retry::{Jitter, SplitMix64};
use wanedit_core::Family;

const ACCOUNTS: usize = 400;
const HISTORY: usize = 20;
const MEASURED: usize = 25;

fn uniform(rng: &mut SplitMix64, lo: f64, hi: f64) -> f64 {
    lo + (hi - lo) * rng.next_unit()
}

fn normal(rng: &mut SplitMix64) -> f64 {
    let u1 = rng.next_unit().max(1e-12);
    let u2 = rng.next_unit();
    (-2.0 * u1.ln()).sqrt() * (2.0 * std::f64::consts::PI * u2).cos()
}

/// One simulated task: what its body says (as the poller reads it) and when it runs.
struct Task {
    request: RequestFeatures,
    timeline: TaskTimeline,
    /// Succeeded (not an early failure): its run time is history.
    succeeded: bool,
    /// The input video's length (wan2.7), which a client that probed the file knows.
    input_s: f64,
    /// The run time the generating model gives this request before account speed and noise
    /// (1 where the run does not follow the request).
    request_run_s: f64,
    /// The account's speed factor (1 where there is none).
    account: f64,
}

impl Task {
    /// How long it ran, when it ran.
    fn run_s(&self) -> Option<f64> {
        self.succeeded
            .then_some(self.timeline.end_s - self.timeline.start_s)
    }
}

/// A mix: its name, the generating model in words, the model family, whether the run time
/// follows the request, an account's speed factor, and a task of an account.
struct Mix {
    name: &'static str,
    on_model: bool,
    model: &'static [&'static str],
    family: Family,
    account: fn(&mut SplitMix64) -> f64,
    task: fn(&mut SplitMix64, f64) -> Task,
}

/// wan2.7 queueing: (share of tasks that wait for a slot, longest wait s).
const WAN27_QUEUE: (f64, f64) = (0.25, 180.0);
/// VACE queueing (2 tasks run at once).
const VACE_QUEUE: (f64, f64) = (0.4, 420.0);

/// A task of a mix: a run of `run_s` placed in a [`timeline`] with `queue`, and what the
/// generating model knows of it (`(request_run_s, account)`, see [`Task`]).
fn generated(
    rng: &mut SplitMix64,
    request: RequestFeatures,
    input_s: f64,
    (request_run_s, account): (f64, f64),
    run_s: f64,
    (busy_share, busy_max_s): (f64, f64),
) -> Task {
    let (timeline, succeeded) = timeline(rng, run_s, busy_share, busy_max_s);
    Task {
        request,
        timeline,
        succeeded,
        input_s,
        request_run_s,
        account,
    }
}

/// Queue wait, early failures and stragglers around a run time.
fn timeline(
    rng: &mut SplitMix64,
    run_s: f64,
    busy_share: f64,
    busy_max_s: f64,
) -> (TaskTimeline, bool) {
    let start_s = if rng.next_unit() < busy_share {
        uniform(rng, 1.0, busy_max_s)
    } else {
        uniform(rng, 1.0, 5.0)
    };
    let u = rng.next_unit();
    if u < 0.03 {
        let end_s = uniform(rng, 3.0, 20.0);
        return (
            TaskTimeline {
                start_s: start_s.max(end_s + 1.0),
                end_s,
            },
            false,
        );
    }
    let run_s = if u < 0.06 {
        run_s * uniform(rng, 1.5, 3.0)
    } else {
        run_s
    };
    (
        TaskTimeline {
            start_s,
            end_s: start_s + run_s,
        },
        true,
    )
}

/// A wan2.7 request: its features, its output seconds and the run time the generating model
/// gives it before account factor and noise.
fn wan27_request(rng: &mut SplitMix64) -> (RequestFeatures, f64, f64) {
    let p1080 = rng.next_unit() < 0.6;
    let resolution = if p1080 {
        Resolution::P1080
    } else {
        Resolution::P720
    };
    let seconds = 2.0 + (rng.next_unit() * 9.0).floor();
    let given = rng.next_unit() < 0.7;
    let request = RequestFeatures::VideoEdit27 {
        resolution,
        output_s: given.then_some(seconds),
    };
    let rate = if p1080 { 21.0 } else { 10.0 };
    (request, seconds, 40.0 + rate * seconds)
}

const FUNCTIONS: [(VaceFunction, f64); 5] = [
    (VaceFunction::ImageReference, 330.0),
    (VaceFunction::VideoExtension, 420.0),
    (VaceFunction::VideoRepainting, 480.0),
    (VaceFunction::VideoOutpainting, 420.0),
    (VaceFunction::VideoEdit, 510.0),
];

fn vace_request(rng: &mut SplitMix64) -> (RequestFeatures, f64) {
    let (function, base) = FUNCTIONS[(rng.next_unit() * 5.0) as usize % 5];
    (
        RequestFeatures::Vace {
            function,
            pixels: 1280 * 720,
        },
        base,
    )
}

fn speed(rng: &mut SplitMix64) -> f64 {
    (0.15 * normal(rng)).exp()
}

fn mixes() -> Vec<Mix> {
    vec![
        Mix {
            name: "wan2.7-videoedit, on-model: run time follows the request",
            model: &[
                "requests: 1080P 60 % / 720P 40 %; parameters.duration 2-10 s (uniform) given in 70 %,",
                "  omitted in 30 % (output = input video 2-10 s, unknown to the poller)",
                "run = (40 s + r x output s) x account factor x task noise, r = 10 (720P) / 21 (1080P) s/s",
                "  [our prior assumes 30 s + 12 / 24 s/s]; account factor lognormal sigma 0.15, task noise sigma 0.08",
                "queue: 75 % start 1-5 s after submission, 25 % wait for a slot: uniform 1-180 s",
                "3 % fail 3-20 s after submission (never run); 3 % stragglers run 1.5-3x longer",
            ],
            family: Family::VideoEdit27,
            on_model: true,
            account: speed,
            task: |rng, account| {
                let (request, input_s, request_run_s) = wan27_request(rng);
                let run = request_run_s * account * (0.08 * normal(rng)).exp();
                generated(rng, request, input_s, (request_run_s, account), run, WAN27_QUEUE)
            },
        },
        Mix {
            name: "wan2.7-videoedit, off-model: run time independent of the request",
            model: &[
                "requests as above; run = uniform 60-300 s whatever the request (no account factor)",
                "queue, failures and stragglers as above",
            ],
            family: Family::VideoEdit27,
            on_model: false,
            account: |_| 1.0,
            task: |rng, _| {
                let (request, input_s, _) = wan27_request(rng);
                let run = uniform(rng, 60.0, 300.0);
                generated(rng, request, input_s, (1.0, 1.0), run, WAN27_QUEUE)
            },
        },
        Mix {
            name: "wan2.1-vace-plus, on-model: run time follows the function",
            model: &[
                "requests: the five functions equally often, default size",
                "run = base(function) x account factor x task noise; base: image_reference 330 s, video_extension 420 s,",
                "  video_repainting 480 s, video_outpainting 420 s, video_edit 510 s [our prior: 360/390/450/450/480 s];",
                "  account factor lognormal sigma 0.15, task noise sigma 0.08",
                "queue: 60 % start 1-5 s after submission, 40 % wait for a slot (2 run at once): uniform 1-420 s",
                "3 % fail 3-20 s after submission (never run); 3 % stragglers run 1.5-3x longer",
            ],
            family: Family::Vace,
            on_model: true,
            account: speed,
            task: |rng, account| {
                let (request, request_run_s) = vace_request(rng);
                let run = request_run_s * account * (0.08 * normal(rng)).exp();
                generated(rng, request, 5.0, (request_run_s, account), run, VACE_QUEUE)
            },
        },
        Mix {
            name: "wan2.1-vace-plus, off-model: run time independent of the request",
            model: &[
                "requests as above; run = uniform 300-600 s whatever the request (no account factor)",
                "queue, failures and stragglers as above",
            ],
            family: Family::Vace,
            on_model: false,
            account: |_| 1.0,
            task: |rng, _| {
                let (request, _) = vace_request(rng);
                let run = uniform(rng, 300.0, 600.0);
                generated(rng, request, 5.0, (1.0, 1.0), run, VACE_QUEUE)
            },
        },
    ]
}

/// Rows of a table: (label, what it is). Rows marked wan2.7-only are about the input video's
/// length, which a VACE request does not need (its output is always 5 s).
const POLICIES: [(&str, bool); 9] = [
    ("wanedit Poller, prior only", false),
    ("  same, input length known", true),
    ("wanedit Poller + 20-task history", false),
    ("  same, status only (no times)", false),
    ("  same, input length known", true),
    ("npm client default (History store)", false),
    ("elapsed-only (for_model)", false),
    ("fixed 15 s", false),
    ("Python SDK 1,1,2,2,2,4,4,4,5...", false),
];
const FIXED: usize = 7;
const SDK: usize = 8;
/// The goal checks: (row, label).
const GOALS: [(usize, &str); 5] = [
    (0, "prior only"),
    (1, "prior + input length"),
    (2, "with history"),
    (4, "history + input length"),
    (5, "npm client default, with its history store"),
];

/// What a bound's poller is told besides each run's start: (label, scale of a task's run).
type Knowledge = (&'static str, fn(&Task) -> f64);

fn knowledge(mix: &Mix) -> Vec<Knowledge> {
    if mix.on_model {
        vec![
            ("best possible, told start + request", |t| t.request_run_s),
            ("  + the account's speed", |t| t.request_run_s * t.account),
        ]
    } else {
        vec![("best possible, told start + law", |_| 1.0)]
    }
}

fn main() {
    println!("Polling replayed over {ACCOUNTS} accounts x {MEASURED} measured tasks per mix (each account's {HISTORY} earlier tasks are the history); seeded.");
    println!("requests = polls per task until the final status is seen; delay = final status to the poll that sees it.");
    println!("Our poller reads the request and re-anchors at scheduled_time when an answer shows RUNNING");
    println!("(\"status only\": answers without submit/scheduled_time, so the start is bracketed between two polls;");
    println!("\"input length known\": the client probed the input video, so a wan2.7 request without parameters.duration is known too).");
    println!("\"best possible\" rows: a lower bound for ANY poller at the SDK's mean delay, if it were told each run's start and the");
    println!("exact law of its run time given the request (and the account's speed): the optimum by dynamic programming on a grid.");
    println!("goal: fewer requests than fixed 15 s AND a lower mean delay than the Python SDK.");
    let fixed = FixedInterval(Duration::from_secs(15));
    for (i, mix) in mixes().iter().enumerate() {
        let mut rng = SplitMix64(0x5eed_0100 + i as u64);
        let mut outcomes: Vec<Vec<PollOutcome>> = vec![Vec::new(); POLICIES.len()];
        let mut seen: Vec<Task> = Vec::new();
        let model = match mix.family {
            Family::Vace => "wan2.1-vace-plus",
            Family::VideoEdit27 => "wan2.7-videoedit",
        };
        let elapsed_only = PollSchedule::for_model(model);
        for _ in 0..ACCOUNTS {
            let account = (mix.account)(&mut rng);
            let earlier: Vec<Task> = (0..HISTORY)
                .map(|_| (mix.task)(&mut rng, account))
                .collect();
            let past = |probed: bool| -> Vec<PastTask> {
                earlier
                    .iter()
                    .filter_map(|t| {
                        let request = if probed {
                            t.request.with_input_video_s(t.input_s)
                        } else {
                            t.request
                        };
                        Some(PastTask::new(request, t.run_s()?))
                    })
                    .collect()
            };
            let (history, history_probed) = (past(false), past(true));
            // The npm client's default path (`wanedit-client`'s wait): the request it submitted
            // (no input probe), answers with their times, and the run times it recorded in its
            // history store, written and read back as the store's text.
            let mut store = History::default();
            for task in &history {
                store.record(*task);
            }
            let stored = History::parse(Some(&store.to_text()));
            for _ in 0..MEASURED {
                let task = (mix.task)(&mut rng, account);
                let prior = Poller::new(task.request);
                let prior_probed = Poller::new(task.request.with_input_video_s(task.input_s));
                let learned = prior.clone().with_history(&history);
                let probed = prior_probed.clone().with_history(&history_probed);
                let npm_default = prior.clone().with_history(stored.past());
                let end = task.timeline.end_s;
                let rows = [
                    replay_poller(&prior, &task.timeline, true),
                    replay_poller(&prior_probed, &task.timeline, true),
                    replay_poller(&learned, &task.timeline, true),
                    replay_poller(&learned, &task.timeline, false),
                    replay_poller(&probed, &task.timeline, true),
                    replay_poller(&npm_default, &task.timeline, true),
                    replay(&elapsed_only as &dyn Schedule, end),
                    replay(&fixed, end),
                    replay(&SdkSchedule, end),
                ];
                for (o, row) in outcomes.iter_mut().zip(rows) {
                    o.push(row);
                }
                seen.push(task);
            }
            seen.extend(earlier);
        }
        println!("\n## {}", mix.name);
        for line in mix.model {
            println!("   {line}");
        }
        println!(
            "| policy                               | requests/task | mean delay s | p95 delay s |"
        );
        println!(
            "|--------------------------------------|--------------:|-------------:|------------:|"
        );
        let wan27 = mix.family == Family::VideoEdit27;
        let stats: Vec<PollStats> = outcomes.iter().map(|o| PollStats::of(o)).collect();
        for ((name, wan27_only), s) in POLICIES.iter().zip(&stats) {
            if *wan27_only && !wan27 {
                continue;
            }
            println!(
                "| {name:<36} | {:>13.1} | {:>12.2} | {:>11.2} |",
                s.mean_requests, s.mean_delay_s, s.p95_delay_s
            );
        }
        let (fixed_req, sdk_delay) = (stats[FIXED].mean_requests, stats[SDK].mean_delay_s);
        let bounds: Vec<(&str, f64)> = knowledge(mix)
            .into_iter()
            .map(|(label, scale)| (label, fewest_requests(&seen, scale, sdk_delay)))
            .collect();
        for (label, requests) in &bounds {
            println!("| {label:<36} | {requests:>13.1} | {sdk_delay:>12.2} |           - |");
        }
        for (k, label) in GOALS {
            if POLICIES[k].1 && !wan27 {
                continue;
            }
            let s = stats[k];
            let fewer = s.mean_requests < fixed_req;
            let sooner = s.mean_delay_s < sdk_delay;
            println!(
                "goal, {label}: {} ({} requests than fixed 15 s, {} mean delay than the SDK)",
                if fewer && sooner { "MET" } else { "not met" },
                if fewer { "fewer" } else { "more" },
                if sooner { "lower" } else { "higher" },
            );
        }
        if let Some((label, requests)) = bounds.first() {
            if *requests >= fixed_req {
                println!(
                    "goal: out of reach for ANY poller that knows no more than this (\"{}\": {requests:.1} >= {fixed_req:.1} requests)",
                    label.trim()
                );
            }
        }
    }
}

/// The bound of [`bound::Frontier`] for the tasks `seen`, each run scaled by `scale` (what the
/// poller is told), at a mean delay over all tasks of `target_delay_s`, as requests per task.
///
/// Failed tasks are left to the poller for free except their one request, so the bound only
/// errs low: a poller with mean delay D over all tasks has mean delay at most D / q over the
/// share q of tasks that run, and makes at least one request for each of the others.
fn fewest_requests(seen: &[Task], scale: fn(&Task) -> f64, target_delay_s: f64) -> f64 {
    let (units, scales): (Vec<f64>, Vec<f64>) = seen
        .iter()
        .filter_map(|t| Some((t.run_s()? / scale(t), scale(t))))
        .unzip();
    let q = units.len() as f64 / seen.len() as f64;
    let mean_scale = scales.iter().sum::<f64>() / scales.len() as f64;
    // A grid of about 0.1 s for a task of the mean scale; intervals up to 10 minutes.
    let step = 0.1 / mean_scale;
    let frontier = bound::Frontier::tabulate(
        &units,
        step,
        600.0 / mean_scale,
        1e-3 * mean_scale,
        1e3 * mean_scale,
    );
    q * frontier.requests_at_delay(&scales, target_delay_s / q) + (1.0 - q)
}
