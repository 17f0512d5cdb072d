//! Per-second rate limits and the optional queue cap.

mod common;

use std::time::Duration;

use common::*;
use wanedit_sim::SimConfig;

#[tokio::test]
async fn submissions_per_second_are_limited_per_model() {
    let sim = start().await;
    sim.submit(&vace_body()).await;
    sim.submit(&vace_body()).await;
    let resp = sim.submit_raw(&vace_body()).await;
    let v = expect_error(resp, 429, "Throttling.RateQuota").await;
    assert!(v["message"].as_str().unwrap().contains("rate limit"));
    // No Retry-After: DashScope documents none for real throttling.
    let resp = sim.submit_raw(&vace_body()).await;
    assert_eq!(resp.status(), 429);
    assert!(resp.headers().get("retry-after").is_none());
    // wan2.7 has its own budget of 5 per second.
    for _ in 0..5 {
        sim.submit(&wan27_body()).await;
    }
    expect_error(
        sim.submit_raw(&wan27_body()).await,
        429,
        "Throttling.RateQuota",
    )
    .await;
    assert_eq!(
        sim.ctl.tasks().len(),
        7,
        "rejected submissions create no task"
    );

    // The window slides: 999 ms later still full, a full second later open again.
    sim.ctl.advance(Duration::from_millis(999));
    expect_error(
        sim.submit_raw(&vace_body()).await,
        429,
        "Throttling.RateQuota",
    )
    .await;
    sim.ctl.advance(Duration::from_millis(1));
    sim.submit(&vace_body()).await;
    let c = sim.ctl.counters();
    assert_eq!(c.tasks_created, 8);
    assert_eq!(c.by_route["submit"], 12);
}

#[tokio::test]
async fn task_queries_are_limited_to_20_per_second() {
    let sim = start().await;
    for _ in 0..20 {
        sim.task("x").await;
    }
    let resp = sim.get_with_key("/api/v1/tasks/x").send().await.unwrap();
    expect_error(resp, 429, "Throttling.RateQuota").await;
    sim.advance_secs(1);
    sim.task("x").await;
}

#[tokio::test]
async fn limits_are_configurable_and_queue_cap_is_opt_in() {
    let mut config = SimConfig {
        queries_per_second: None,
        max_queued_per_model: Some(1),
        ..frozen()
    };
    config.vace.submits_per_second = 100;
    config.vace.concurrent = 1;
    let sim = start_with(config).await;
    for _ in 0..50 {
        sim.task("x").await;
    }
    let a = sim.submit(&vace_body()).await;
    // A is pending (pickup delay), so the queue of one is full.
    expect_error(sim.submit_raw(&vace_body()).await, 429, "Throttling").await;
    sim.advance_secs(2);
    assert_eq!(sim.status_of(&a).await, "RUNNING");
    let b = sim.submit(&vace_body()).await;
    sim.advance_secs(2);
    assert_eq!(sim.status_of(&b).await, "PENDING", "only one slot");
    expect_error(sim.submit_raw(&vace_body()).await, 429, "Throttling").await;
}
