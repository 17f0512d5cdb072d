//! Injected faults: latency, 5xx, throttling, dropped connections, before and after handling.

mod common;

use std::time::{Duration, Instant};

use common::*;
use wanedit_sim::Fault;

#[tokio::test]
async fn status_faults_have_dashscope_bodies_and_are_used_up() {
    let sim = start().await;
    sim.ctl.inject(Fault::status(503).times(2));
    for _ in 0..2 {
        let resp = sim.submit_raw(&vace_body()).await;
        let v = expect_error(resp, 503, "ModelUnavailable").await;
        assert!(v["message"].as_str().unwrap().contains("unavailable"));
    }
    sim.submit(&vace_body()).await;
    assert_eq!(
        sim.ctl.counters().tasks_created,
        1,
        "a faulted submit creates nothing"
    );
    assert!(sim.ctl.faults().is_empty());

    sim.ctl.inject(Fault::status(500));
    let (status, v) = sim.get_json("/api/v1/tasks/x").await;
    assert_eq!((status, v["code"].as_str()), (500, Some("InternalError")));
    sim.ctl.inject(Fault::error(
        400,
        "Arrearage",
        "Access denied, please make sure your account is in good standing.",
    ));
    let (status, v) = sim.get_json("/api/v1/tasks/x").await;
    assert_eq!((status, v["code"].as_str()), (400, Some("Arrearage")));
    let rec = sim.ctl.requests();
    assert_eq!(rec.last().unwrap().fault.as_deref(), Some("status:400"));
    assert_eq!(sim.ctl.counters().faults_applied, 4);
}

#[tokio::test]
async fn throttle_fault_sends_retry_after() {
    let sim = start().await;
    sim.ctl.inject(Fault::throttle(Some(3)));
    let resp = sim.submit_raw(&vace_body()).await;
    assert_eq!(resp.headers()["retry-after"], "3");
    expect_error(resp, 429, "Throttling").await;
}

#[tokio::test]
async fn dropped_connection_gets_no_response() {
    let sim = start().await;
    sim.ctl
        .inject(Fault::drop_connection().on_path("/api/v1/tasks/b"));
    // Other paths are unaffected.
    sim.task("a").await;
    let err = sim
        .get_with_key("/api/v1/tasks/b")
        .send()
        .await
        .expect_err("the connection must close without a response");
    assert!(!err.is_timeout(), "{err}");
    assert!(err.status().is_none());
    let rec = sim.ctl.requests();
    let last = rec.last().unwrap();
    assert_eq!(last.path, "/api/v1/tasks/b");
    assert_eq!(last.status, None);
    assert_eq!(last.fault.as_deref(), Some("drop"));
    // The server is fine afterwards.
    assert_eq!(sim.status_of("c").await, "UNKNOWN");
}

#[tokio::test]
async fn drop_after_handling_still_creates_the_task() {
    // What a client must never "fix" by resubmitting: the task exists although the client
    // saw no answer.
    let sim = start().await;
    sim.ctl
        .inject(Fault::drop_connection().on_method("POST").after_handling());
    assert!(sim
        .submit_request(Some(KEY), &[ASYNC])
        .json(&vace_body())
        .send()
        .await
        .is_err());
    assert_eq!(sim.ctl.tasks().len(), 1);
    sim.ctl.inject(Fault::status(500).after_handling());
    expect_error(sim.submit_raw(&vace_body()).await, 500, "InternalError").await;
    assert_eq!(sim.ctl.tasks().len(), 2);
}

#[tokio::test]
async fn latency_delays_the_answer() {
    let sim = start().await;
    sim.ctl
        .inject(Fault::latency(Duration::from_millis(300)).on_path("/api/v1/tasks/slow"));
    // Other paths are not delayed (checked in the log, not by timing, to stay robust on a
    // busy machine).
    assert_eq!(sim.status_of("fast").await, "UNKNOWN");
    assert_eq!(sim.ctl.requests()[0].fault, None);
    let t = Instant::now();
    assert_eq!(sim.status_of("slow").await, "UNKNOWN");
    assert!(
        t.elapsed() >= Duration::from_millis(300),
        "{:?}",
        t.elapsed()
    );
    assert_eq!(
        sim.ctl.requests()[1].fault.as_deref(),
        Some("latency:300ms")
    );
    // A client timeout shorter than the latency fires.
    sim.ctl.inject(Fault::latency(Duration::from_millis(400)));
    let err = sim
        .get_with_key("/api/v1/tasks/x")
        .timeout(Duration::from_millis(100))
        .send()
        .await
        .unwrap_err();
    assert!(err.is_timeout(), "{err}");
}

#[tokio::test]
async fn control_routes_are_never_faulted_or_logged() {
    let sim = start().await;
    sim.ctl.inject(Fault::status(500).times(10));
    let resp = sim.send_bare(reqwest::Method::GET, "/__sim/clock").await;
    assert_eq!(resp.status(), 200);
    assert_eq!(sim.ctl.faults()[0].times, 10);
    assert!(sim.ctl.requests().is_empty());
    sim.ctl.clear_faults();
    assert!(sim.ctl.faults().is_empty());
    sim.task("x").await;
}
