//! The stateful poller (`wanedit_core::poll::Poller`): request-aware priors, re-anchoring at
//! the run's start, learning, bounds, and the fallback for bodies the mapping cannot read.

use std::fs;
use std::time::Duration;

use proptest::prelude::*;
use serde_json::{json, Value};
use wanedit_core::model::{Resolution, VaceFunction};
use wanedit_core::poll::*;
use wanedit_core::task::{TaskResponse, TaskStatus};
use wanedit_core::Family;

const MIN: Duration = Duration::from_secs(1);

/// The longest interval: a quarter of a typical run, 2 min for VACE (5-10 min runs), 1 min
/// for wan2.7 and unknown models.
fn cap(f: &RequestFeatures) -> Duration {
    match f.family() {
        Some(Family::Vace) => Duration::from_secs(120),
        _ => Duration::from_secs(60),
    }
}

fn wan27(resolution: &str, duration: Value) -> Value {
    json!({"model": "wan2.7-videoedit",
        "input": {"prompt": "p", "media": [{"type": "video", "url": "https://x.test/v.mp4"}]},
        "parameters": {"resolution": resolution, "duration": duration}})
}

fn vace(function: &str) -> Value {
    json!({"model": "wan2.1-vace-plus",
        "input": {"function": function, "prompt": "p", "video_url": "https://x.test/v.mp4"},
        "parameters": {}})
}

fn running_at(start_s: f64) -> Observation {
    Observation {
        status: TaskStatus::Running,
        queued_s: Some(start_s),
    }
}

fn secs(s: f64) -> Duration {
    Duration::from_secs_f64(s)
}

/// The first time (1 s steps from `from`) the poller asks for an interval of at most
/// `dense`: where its dense window begins.
fn dense_from(poller: &Poller, from: f64, dense: Duration) -> f64 {
    (0..20_000)
        .map(|i| from + i as f64)
        .find(|&t| poller.next_delay(secs(t)) <= dense)
        .unwrap()
}

#[test]
fn the_request_sets_the_prior() {
    let read = |body: &Value| RequestFeatures::from_body(body);
    assert_eq!(
        read(&wan27("720P", json!(5))),
        RequestFeatures::VideoEdit27 {
            resolution: Resolution::P720,
            output_s: Some(5.0)
        }
    );
    // Absent or 0: the output follows the input video, length unknown.
    for d in [json!(0), Value::Null] {
        assert_eq!(
            read(&wan27("1080P", d)),
            RequestFeatures::VideoEdit27 {
                resolution: Resolution::P1080,
                output_s: None
            }
        );
    }
    // The default resolution is 1080P.
    let mut body = wan27("720P", json!(4));
    body["parameters"]
        .as_object_mut()
        .unwrap()
        .remove("resolution");
    assert_eq!(
        read(&body),
        RequestFeatures::VideoEdit27 {
            resolution: Resolution::P1080,
            output_s: Some(4.0)
        }
    );
    assert_eq!(
        read(&vace("video_edit")),
        RequestFeatures::Vace {
            function: VaceFunction::VideoEdit,
            pixels: 1280 * 720
        }
    );
    let mut sized = vace("image_reference");
    sized["parameters"]["size"] = json!("960*960");
    assert_eq!(
        read(&sized),
        RequestFeatures::Vace {
            function: VaceFunction::ImageReference,
            pixels: 960 * 960
        }
    );
    // A probed input length fills in what the body leaves open, within 2-10 s.
    let open = read(&wan27("720P", json!(0)));
    assert!(!open.is_exact());
    assert_eq!(
        open.with_input_video_s(30.0),
        RequestFeatures::VideoEdit27 {
            resolution: Resolution::P720,
            output_s: Some(10.0)
        }
    );
    assert_eq!(open.with_input_video_s(f64::NAN), open);
}

#[test]
fn every_seed_example_is_read_by_the_mapping() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/seeds");
    let mut seen = 0;
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|x| x != "json") {
            continue;
        }
        let body: Value = serde_json::from_str(&fs::read_to_string(&path).unwrap()).unwrap();
        let features = RequestFeatures::from_body(&body);
        assert!(
            !matches!(features, RequestFeatures::Model(_)),
            "{}: {features:?}",
            path.display()
        );
        let prior = features.run_prior();
        let (lo, hi) = match features.family() {
            Some(Family::Vace) => (300.0, 600.0),
            _ => (50.0, 300.0),
        };
        assert!(
            (lo..=hi).contains(&prior.median_s),
            "{}: {prior:?}",
            path.display()
        );
        seen += 1;
    }
    assert!(seen >= 29);
}

#[test]
fn unknown_or_invalid_bodies_fall_back_to_the_per_model_prior() {
    let mut cases = vec![
        (wan27("4K", json!(5)), "wan2.7-videoedit"),
        (wan27("720P", json!(11)), "wan2.7-videoedit"),
        (wan27("720P", json!(1)), "wan2.7-videoedit"),
        (wan27("720P", json!("5")), "wan2.7-videoedit"),
        (wan27(" 720P", json!(5)), "wan2.7-videoedit"),
        (vace("video_magic"), "wan2.1-vace-plus"),
        (vace(""), "wan2.1-vace-plus"),
        (json!({"model": "wanx2.1-vace-plus"}), "wanx2.1-vace-plus"),
        (json!({"model": "wan9-future"}), "wan9-future"),
        (json!({}), ""),
        (json!("not an object"), ""),
        (json!({"model": 7}), ""),
    ];
    let mut bad_size = vace("video_edit");
    bad_size["parameters"]["size"] = json!("1920*1080");
    cases.push((bad_size, "wan2.1-vace-plus"));
    let mut bad_params = wan27("720P", json!(5));
    bad_params["parameters"] = json!([1, 2]);
    cases.push((bad_params, "wan2.7-videoedit"));
    for (body, model) in cases {
        assert_eq!(
            Poller::for_request(&body),
            Poller::for_model(model),
            "{body}"
        );
        assert_eq!(
            PollSchedule::for_request(&body).median_s,
            PollSchedule::for_model(model).median_s + 5.0,
            "{body}"
        );
    }
    // The per-model priors are the documented ranges' (unknown models: the shorter one).
    let prior = |m: &str| RequestFeatures::for_model(m).run_prior();
    assert_eq!(prior("wan2.1-vace-plus").median_s, 420.0);
    assert!((prior("wan2.1-vace-plus").sigma - 0.25).abs() < 1e-9);
    assert_eq!(prior("wan2.7-videoedit").median_s, 150.0);
    assert!((prior("wan2.7-videoedit").sigma - 0.45).abs() < 1e-9);
    assert_eq!(prior("wan9-future"), prior("wan2.7-videoedit"));
}

#[test]
fn a_known_request_is_narrower_than_the_model_and_longer_output_runs_longer() {
    let model = RequestFeatures::for_model("wan2.7-videoedit").run_prior();
    let mut last = 0.0;
    for res in ["720P", "1080P"] {
        for d in 2..=10 {
            let p = RequestFeatures::from_body(&wan27(res, json!(d))).run_prior();
            assert!(p.sigma < model.sigma, "{res} {d}: {p:?}");
            assert!(p.feature_sigma == 0.0);
            assert!((50.0..=300.0).contains(&p.median_s), "{res} {d}: {p:?}");
            if res == "720P" {
                assert!(p.median_s > last, "grows with the output: {res} {d}");
                last = p.median_s;
            }
        }
        let open = RequestFeatures::from_body(&wan27(res, json!(0))).run_prior();
        assert!(open.feature_sigma > 0.2, "{res}: {open:?}");
    }
    for d in 2..=10 {
        let at = |res| {
            RequestFeatures::from_body(&wan27(res, json!(d)))
                .run_prior()
                .median_s
        };
        assert!(at("1080P") > at("720P"));
    }
    // The dense window follows: 10 s of output is polled densely later than 2 s.
    let window = |d: u32| {
        let mut p = Poller::for_request(&wan27("1080P", json!(d)));
        p.observe(&running_at(0.0), secs(5.0));
        dense_from(&p, 5.0, Duration::from_secs(8))
    };
    assert!(
        window(2) + 60.0 < window(10),
        "{} {}",
        window(2),
        window(10)
    );
}

#[test]
fn re_anchoring_at_the_start_moves_the_dense_window() {
    let body = wan27("720P", json!(5));
    let anchored = |start: f64| {
        let mut p = Poller::for_request(&body);
        p.observe(&running_at(start), secs(start + 2.0));
        assert_eq!(p.run_start_s(), Some(start));
        p
    };
    let early = dense_from(&anchored(0.0), 2.0, Duration::from_secs(8));
    let late = dense_from(&anchored(120.0), 122.0, Duration::from_secs(8));
    assert!(
        (late - early - 120.0).abs() <= 2.0,
        "the window moves with the start: {early} {late}"
    );
    // A pending task cannot end before its run: after a pending answer the next poll is
    // sparse, but soon enough to see the start (and re-anchor) before the run can end.
    let mut p = Poller::for_request(&body);
    p.observe(&Observation::status_only(TaskStatus::Pending), secs(100.0));
    assert_eq!(p.run_start_s(), None);
    let next = p.next_delay(secs(100.0)).as_secs_f64();
    let (median, sigma) = p.run_model();
    assert!(
        next > 15.0 && next <= 0.5 * median * (-1.645 * sigma).exp() + 0.001,
        "{next}"
    );
    // Without times, the start is put between the last pending answer and the first running one.
    p.observe(&Observation::status_only(TaskStatus::Running), secs(140.0));
    assert_eq!(p.run_start_s(), Some(120.0));
    // Later answers, and final ones, keep the anchor.
    p.observe(&Observation::status_only(TaskStatus::Running), secs(150.0));
    p.observe(
        &Observation::status_only(TaskStatus::Succeeded),
        secs(160.0),
    );
    p.observe(
        &Observation::status_only(TaskStatus::parse("")),
        secs(170.0),
    );
    assert_eq!(p.run_start_s(), Some(120.0));
    // A start in the future of the answer is clamped to it.
    let mut p = Poller::for_request(&body);
    p.observe(&running_at(500.0), secs(30.0));
    assert_eq!(p.run_start_s(), Some(30.0));
}

#[test]
fn observations_read_dashscope_answers() {
    let answer = json!({"request_id": "r", "output": {"task_id": "t", "task_status": "RUNNING",
        "submit_time": "2025-05-15 16:14:44.723", "scheduled_time": "2025-05-15 16:15:04.750"}});
    let o = Observation::from_json(&answer);
    assert_eq!(o.status, TaskStatus::Running);
    assert!((o.queued_s.unwrap() - 20.027).abs() < 1e-6);
    let typed: TaskResponse = serde_json::from_value(answer).unwrap();
    assert_eq!(Observation::from_response(&typed), o);
    let pending = Observation::from_json(&json!({"output": {"task_id": "t",
        "task_status": "PENDING", "submit_time": "2025-05-15 16:14:44.723"}}));
    assert_eq!(pending, Observation::status_only(TaskStatus::Pending));
    assert_eq!(
        Observation::from_json(&json!({"weird": true})),
        Observation::status_only(TaskStatus::parse(""))
    );
    // A scheduled time before the submission is nonsense: ignored.
    let o = Observation::new(
        TaskStatus::Running,
        Some("2025-05-15 16:14:44"),
        Some("2025-05-15 16:14:40"),
    );
    assert_eq!(o.queued_s, None);

    let done: TaskResponse = serde_json::from_value(json!({"request_id": "r",
        "output": {"task_id": "t", "task_status": "SUCCEEDED",
        "submit_time": "2025-05-15 16:14:44.723", "scheduled_time": "2025-05-15 16:14:44.750",
        "end_time": "2025-05-15 16:20:09.389", "video_url": "https://x.test/o.mp4"}}))
    .unwrap();
    let features = RequestFeatures::from_body(&vace("video_edit"));
    let past = PastTask::from_response(features, &done).unwrap();
    assert!((past.run_s - 324.639).abs() < 1e-6);
    let mut failed = done.clone();
    failed.output.task_status = TaskStatus::Failed;
    assert_eq!(PastTask::from_response(features, &failed), None);
}

#[test]
fn history_moves_and_narrows_the_prior() {
    let body = vace("video_edit");
    let prior = Poller::for_request(&body);
    let (m0, s0) = prior.run_model();
    let learned = prior
        .clone()
        .with_durations(&[600.0, 610.0, 590.0, 605.0, 598.0, 612.0]);
    let (m1, s1) = learned.run_model();
    assert!(m1 > m0 * 1.15 && m1 < 610.0, "{m0} -> {m1}");
    assert!(s1 < s0 * 0.7, "{s0} -> {s1}");
    // The dense window moves with it.
    let window = |p: &Poller| {
        let mut p = p.clone();
        p.observe(&running_at(0.0), secs(5.0));
        dense_from(&p, 5.0, Duration::from_secs(6))
    };
    assert!(window(&learned) > window(&prior) + 30.0);
    // Nothing usable: unchanged.
    assert_eq!(prior.clone().with_durations(&[]), prior);
    assert_eq!(prior.clone().with_durations(&[f64::NAN, -1.0, 0.5]), prior);
    let other = RequestFeatures::from_body(&wan27("720P", json!(5)));
    assert_eq!(
        prior.clone().with_history(&[PastTask::new(other, 100.0)]),
        prior
    );
}

#[test]
fn replays_detect_every_task() {
    let poller = Poller::for_request(&wan27("1080P", json!(5)));
    for (start, end) in [(2.0, 10.0), (3.0, 160.0), (200.0, 350.0), (3.0, 3000.0)] {
        let task = TaskTimeline {
            start_s: start,
            end_s: end,
        };
        for times in [true, false] {
            let o = replay_poller(&poller, &task, times);
            assert!(
                o.detection_delay_s >= 0.0 && o.detection_delay_s <= 60.0,
                "{o:?}"
            );
            assert!(o.requests >= 1);
        }
    }
}

fn features() -> impl Strategy<Value = RequestFeatures> {
    let vace = prop_oneof![
        Just(VaceFunction::ImageReference),
        Just(VaceFunction::VideoRepainting),
        Just(VaceFunction::VideoEdit),
        Just(VaceFunction::VideoExtension),
        Just(VaceFunction::VideoOutpainting),
    ]
    .prop_map(|function| RequestFeatures::Vace {
        function,
        pixels: 1280 * 720,
    });
    let wan = (
        prop_oneof![Just(Resolution::P720), Just(Resolution::P1080)],
        proptest::option::of(2.0f64..=10.0),
    )
        .prop_map(|(resolution, output_s)| RequestFeatures::VideoEdit27 {
            resolution,
            output_s,
        });
    let model = prop_oneof![
        Just(None),
        Just(Some(Family::Vace)),
        Just(Some(Family::VideoEdit27))
    ]
    .prop_map(RequestFeatures::Model);
    prop_oneof![vace, wan, model]
}

/// A sequence of answers: (seconds since the previous one, status, queued seconds).
fn answers() -> impl Strategy<Value = Vec<(f64, u8, Option<f64>)>> {
    proptest::collection::vec(
        (0.0f64..400.0, 0u8..5, proptest::option::of(0.0f64..2000.0)),
        0..12,
    )
}

fn status(code: u8) -> TaskStatus {
    match code {
        0 => TaskStatus::Pending,
        1 => TaskStatus::Running,
        2 => TaskStatus::Suspended,
        3 => TaskStatus::Succeeded,
        _ => TaskStatus::parse("SOMETHING_NEW"),
    }
}

fn drive(
    features: RequestFeatures,
    history: &[f64],
    answers: &[(f64, u8, Option<f64>)],
) -> (Poller, f64) {
    let mut p = Poller::new(features).with_durations(history);
    let mut t = 0.0;
    for &(gap, code, queued) in answers {
        t += gap;
        p.observe(
            &Observation {
                status: status(code),
                queued_s: queued,
            },
            secs(t),
        );
    }
    (p, t)
}

proptest! {
    #[test]
    fn delays_stay_within_bounds(
        f in features(),
        history in proptest::collection::vec(1.0f64..5000.0, 0..8),
        answers in answers(),
        probe in proptest::collection::vec(0.0f64..100_000.0, 1..20),
    ) {
        let (p, t0) = drive(f, &history, &answers);
        for extra in probe {
            let d = p.next_delay(secs(t0 + extra));
            prop_assert!(d >= MIN && d <= cap(&f), "{d:?} at {}", t0 + extra);
        }
    }

    #[test]
    fn a_task_far_over_is_still_polled(
        f in features(),
        history in proptest::collection::vec(1.0f64..5000.0, 0..8),
        start in 0.0f64..600.0,
        over in 1.0f64..50.0,
    ) {
        // Running since `start`, and still running `over` × its median later (up to a day).
        let mut p = Poller::new(f).with_durations(&history);
        p.observe(&running_at(start), secs(start + 1.0));
        let (median, _) = p.run_model();
        let end = (start + over * median).min(86_400.0);
        let mut t = start + 1.0;
        let mut polls = 0u32;
        while t < end {
            let d = p.next_delay(secs(t));
            prop_assert!(d <= cap(&f), "backs off at most to the cap: {d:?} at {t}");
            t += d.as_secs_f64();
            polls += 1;
            p.observe(&Observation::status_only(TaskStatus::Running), secs(t));
        }
        let cap = cap(&f).as_secs_f64();
        prop_assert!(t - end <= cap);
        prop_assert!(f64::from(polls) >= (end - start - 1.0) / cap - 1.0);
    }

    #[test]
    fn a_later_start_never_polls_sooner_in_the_sparse_phase(
        f in features(),
        start in 0.0f64..300.0,
        shift in 1.0f64..300.0,
    ) {
        // Monotone sanity: seen running later, the first poll after the answer comes no
        // sooner than for an earlier start (the run is younger, completion less likely now).
        let at = |s: f64| {
            let mut p = Poller::new(f);
            p.observe(&running_at(s), secs(start + shift + 1.0));
            p.next_delay(secs(start + shift + 1.0))
        };
        let (older, younger) = (at(start), at(start + shift));
        let (median, _) = Poller::new(f).run_model();
        if shift + 1.0 < 0.3 * median {
            prop_assert!(younger >= older, "{older:?} {younger:?}");
        }
    }

    #[test]
    fn mutated_bodies_never_panic_and_read_or_fall_back(
        key in prop_oneof![Just("resolution"), Just("duration"), Just("size")],
        value in prop_oneof![
            Just(json!(null)), Just(json!(true)), Just(json!(-1)), Just(json!(2.5)),
            Just(json!(1e300)), Just(json!("720P")), Just(json!("1280*720")), Just(json!([]))
        ],
        model in prop_oneof![Just("wan2.7-videoedit"), Just("wan2.1-vace-plus"), Just("x")],
    ) {
        let mut body = if model == "wan2.1-vace-plus" { vace("video_edit") } else { wan27("720P", json!(5)) };
        body["model"] = json!(model);
        body["parameters"][key] = value;
        let f = RequestFeatures::from_body(&body);
        let family = RequestFeatures::for_model(model).family();
        prop_assert_eq!(f.family(), family);
        let prior = f.run_prior();
        prop_assert!(prior.median_s > 0.0 && prior.sigma > 0.0);
        let p = Poller::for_request(&body);
        let d = p.next_delay(Duration::ZERO);
        prop_assert!(d >= MIN && d <= cap(&f));
    }
}
