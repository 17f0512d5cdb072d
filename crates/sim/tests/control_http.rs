//! The `/__sim` control routes, as a test in another process or a browser would use them.

mod common;

use common::*;
use reqwest::Method;
use serde_json::{json, Value};

async fn ctl_post(sim: &Sim, path: &str, body: Value) -> (u16, Value) {
    let resp = sim
        .http
        .post(sim.url(path))
        .json(&body)
        .send()
        .await
        .unwrap();
    let status = resp.status().as_u16();
    (status, resp.json().await.unwrap())
}

async fn ctl_get(sim: &Sim, path: &str) -> Value {
    let resp = sim.http.get(sim.url(path)).send().await.unwrap();
    assert_eq!(resp.status(), 200);
    resp.json().await.unwrap()
}

#[tokio::test]
async fn clock_routes() {
    let sim = start().await;
    let v = ctl_get(&sim, "/__sim/clock").await;
    assert_eq!(v["now_ms"], START_MS);
    assert_eq!(v["now"], "2025-05-15 16:00:00.000");
    assert_eq!(v["time_scale"], 0.0);
    let (s, v) = ctl_post(&sim, "/__sim/clock/advance", json!({"seconds": 1.5})).await;
    assert_eq!(s, 200);
    assert_eq!(v["now_ms"], START_MS + 1500);
    let (_, v) = ctl_post(&sim, "/__sim/clock/advance", json!({"ms": 500})).await;
    assert_eq!(v["now_ms"], START_MS + 2000);
    assert_eq!(sim.ctl.now_ms(), START_MS + 2000);
    let (s, v) = ctl_post(&sim, "/__sim/clock/advance", json!({"ms": 1, "seconds": 1})).await;
    assert_eq!((s, v["code"].as_str()), (400, Some("BadControl")));
    let (s, _) = ctl_post(&sim, "/__sim/clock/scale", json!({"time_scale": 60})).await;
    assert_eq!(s, 200);
    assert_eq!(sim.ctl.time_scale(), 60.0);
    let (s, _) = ctl_post(&sim, "/__sim/clock/scale", json!({"time_scale": -1})).await;
    assert_eq!(s, 400);
}

#[tokio::test]
async fn task_and_failure_routes() {
    let sim = start().await;
    let (s, _) = ctl_post(
        &sim,
        "/__sim/fail-next",
        json!({"code": "InternalError.Algo", "message": "algo broke"}),
    )
    .await;
    assert_eq!(s, 200);
    let a = sim.submit(&vace_body()).await;
    let b = sim.submit(&vace_body()).await;
    // An empty body uses a default InternalError.
    let resp = sim
        .send_bare(Method::POST, &format!("/__sim/tasks/{b}/fail"))
        .await;
    assert_eq!(resp.status(), 200);
    let (s, v) = ctl_post(&sim, "/__sim/tasks/nope/fail", json!({})).await;
    assert_eq!((s, v["code"].as_str()), (404, Some("NoSuchTask")));

    let tasks = ctl_get(&sim, "/__sim/tasks").await;
    assert_eq!(tasks.as_array().unwrap().len(), 2);
    assert_eq!(tasks[0]["task_id"], a.as_str());
    assert_eq!(tasks[0]["status"], "PENDING");
    ctl_post(&sim, "/__sim/clock/advance", json!({"seconds": 400})).await;
    let t = ctl_get(&sim, &format!("/__sim/tasks/{a}")).await;
    assert_eq!(t["status"], "FAILED");
    let v = sim.task(&a).await;
    assert_eq!(v["output"]["code"], "InternalError.Algo");
    let v = sim.task(&b).await;
    assert_eq!(v["output"]["code"], "InternalError");
    let resp = sim.send_bare(Method::GET, "/__sim/tasks/nope").await;
    assert_eq!(resp.status(), 404);
}

#[tokio::test]
async fn fault_routes() {
    let sim = start().await;
    let (s, _) = ctl_post(
        &sim,
        "/__sim/faults",
        json!({"kind": "status", "status": 503, "times": 2, "path_prefix": "/api/v1/tasks"}),
    )
    .await;
    assert_eq!(s, 200);
    ctl_post(
        &sim,
        "/__sim/faults",
        json!({"kind": "throttle", "retry_after": 7}),
    )
    .await;
    let list = ctl_get(&sim, "/__sim/faults").await;
    assert_eq!(list.as_array().unwrap().len(), 2);
    assert_eq!(list[0]["kind"], "status");
    let (status, v) = sim.get_json("/api/v1/tasks/x").await;
    assert_eq!(
        (status, v["code"].as_str()),
        (503, Some("ModelUnavailable"))
    );
    // The throttle matches any path and is next in line for the submit.
    let resp = sim.submit_raw(&vace_body()).await;
    assert_eq!(resp.status(), 429);
    assert_eq!(resp.headers()["retry-after"], "7");
    let resp = sim.send_bare(Method::DELETE, "/__sim/faults").await;
    assert_eq!(resp.status(), 200);
    assert!(ctl_get(&sim, "/__sim/faults")
        .await
        .as_array()
        .unwrap()
        .is_empty());
    let (status, _) = sim.get_json("/api/v1/tasks/x").await;
    assert_eq!(status, 200);
    let (s, v) = ctl_post(&sim, "/__sim/faults", json!({"kind": "meteor"})).await;
    assert_eq!((s, v["code"].as_str()), (400, Some("BadControl")));
    // A drop via HTTP.
    ctl_post(&sim, "/__sim/faults", json!({"kind": "drop"})).await;
    assert!(sim.get_with_key("/api/v1/tasks/x").send().await.is_err());
}

#[tokio::test]
async fn request_log_counters_and_reset() {
    let sim = start().await;
    assert!(
        ctl_get(&sim, "/__sim/requests")
            .await
            .as_array()
            .unwrap()
            .is_empty(),
        "nothing seen yet"
    );
    let id = sim.submit(&vace_body()).await;
    sim.task(&id).await;
    let all = ctl_get(&sim, "/__sim/requests").await;
    assert_eq!(all.as_array().unwrap().len(), 2);
    let subs = ctl_get(&sim, "/__sim/requests?route=submit").await;
    let r = &subs[0];
    assert_eq!(r["method"], "POST");
    assert_eq!(r["path"], SUBMIT);
    assert_eq!(r["status"], 200);
    assert_eq!(r["key_index"], 0);
    assert_eq!(r["headers"]["authorization"], "Bearer <redacted>");
    assert_eq!(r["body"]["input"]["function"], "video_repainting");
    assert!(
        !all.to_string().contains(KEY),
        "the key never appears in the log"
    );

    let c = ctl_get(&sim, "/__sim/counters").await;
    assert_eq!(c["requests"], 2);
    assert_eq!(c["by_route"]["submit"], 1);
    assert_eq!(c["by_route"]["task_get"], 1);
    assert_eq!(c["tasks_created"], 1);

    let state = ctl_get(&sim, "/__sim/state").await;
    assert_eq!(state["tasks"].as_array().unwrap().len(), 1);
    assert_eq!(state["public_base_url"], sim.base.as_str());

    let resp = sim.send_bare(Method::DELETE, "/__sim/requests").await;
    assert_eq!(resp.status(), 200);
    assert_eq!(ctl_get(&sim, "/__sim/counters").await["requests"], 0);

    sim.ctl.set_time_scale(5.0);
    ctl_post(&sim, "/__sim/fail-next", json!({})).await;
    let (s, _) = ctl_post(&sim, "/__sim/reset", json!(null)).await;
    assert_eq!(s, 200);
    assert!(sim.ctl.tasks().is_empty());
    assert_eq!(sim.ctl.time_scale(), 0.0, "back to the configured scale");
    assert_eq!(sim.status_of(&id).await, "UNKNOWN");
    // The queued failure is gone too.
    let fresh = sim.submit(&wan27_body()).await;
    sim.advance_secs(600);
    assert_eq!(sim.status_of(&fresh).await, "SUCCEEDED");
}

#[tokio::test]
async fn control_routes_allow_cross_origin_calls() {
    let sim = start().await;
    let resp = sim.preflight("/__sim/clock/advance").await;
    assert_eq!(resp.status(), 204);
    assert_eq!(resp.headers()["access-control-allow-origin"], "*");
    let resp = sim.send_bare(Method::GET, "/__sim/clock").await;
    assert_eq!(resp.headers()["access-control-allow-origin"], "*");
    let resp = sim.send_bare(Method::GET, "/__sim/nothing").await;
    assert_eq!(resp.status(), 404);
}
