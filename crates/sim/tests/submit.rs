//! Creating tasks: authentication, required headers, body checks, unknown routes, no CORS.

mod common;

use common::*;
use reqwest::{Method, Response};
use serde_json::{json, Value};

/// A submit with the default key, asynchronous, and `body` sent as is under `content_type`.
async fn submit_text(sim: &Sim, content_type: &str, body: String) -> Response {
    sim.submit_request(Some(KEY), &[ASYNC, ("content-type", content_type)])
        .body(body)
        .send()
        .await
        .unwrap()
}

/// Asserts that a response carries no CORS header at all, as real DashScope sends none.
fn assert_no_cors(resp: &Response) {
    assert!(resp
        .headers()
        .keys()
        .all(|k| !k.as_str().starts_with("access-control-")));
}

#[tokio::test]
async fn missing_or_wrong_key_is_401() {
    let sim = start().await;
    let resp = sim.submit_with(None, &[ASYNC], &vace_body()).await;
    let v = expect_error(resp, 401, "InvalidApiKey").await;
    assert_eq!(v["message"], "No API-key provided.");

    let resp = sim
        .submit_with(Some("sk-wrong"), &[ASYNC], &vace_body())
        .await;
    let v = expect_error(resp, 401, "InvalidApiKey").await;
    assert_eq!(v["message"], "Invalid API-key provided.");

    // Queries, cancels, lists and policies need the key too.
    for path in [
        "/api/v1/tasks/x",
        "/api/v1/tasks",
        "/api/v1/uploads?action=getPolicy&model=wan2.7-videoedit",
    ] {
        let resp = sim.send_bare(Method::GET, path).await;
        expect_error(resp, 401, "InvalidApiKey").await;
    }
    let resp = sim.send_bare(Method::POST, "/api/v1/tasks/x/cancel").await;
    expect_error(resp, 401, "InvalidApiKey").await;
    assert_eq!(sim.ctl.counters().tasks_created, 0);
}

#[tokio::test]
async fn any_configured_key_works() {
    let sim = start_with(wanedit_sim::SimConfig {
        keys: vec!["sk-one".into(), "sk-two".into()],
        ..frozen()
    })
    .await;
    let resp = sim
        .submit_with(Some("sk-two"), &[ASYNC], &vace_body())
        .await;
    assert_eq!(resp.status(), 200);
    let rec = sim.ctl.requests_to("submit");
    assert_eq!(rec[0].key_index, Some(1));
    assert_eq!(rec[0].headers["authorization"], "Bearer <redacted>");
    // The default key is not valid when keys are configured.
    let resp = sim.submit_raw(&vace_body()).await;
    expect_error(resp, 401, "InvalidApiKey").await;
}

#[tokio::test]
async fn async_header_is_required() {
    let sim = start().await;
    let resp = sim.submit_with(Some(KEY), &[], &vace_body()).await;
    let v = expect_error(resp, 403, "AccessDenied").await;
    assert_eq!(
        v["message"],
        "current user api does not support synchronous calls"
    );
    let resp = sim
        .submit_with(Some(KEY), &[("X-DashScope-Async", "disable")], &vace_body())
        .await;
    expect_error(resp, 403, "AccessDenied").await;
    assert!(sim.ctl.tasks().is_empty());
}

#[tokio::test]
async fn body_must_be_json() {
    let sim = start().await;
    let resp = submit_text(&sim, "text/plain", vace_body().to_string()).await;
    expect_error(resp, 400, "InvalidParameter").await;
    let resp = submit_text(
        &sim,
        "application/json; charset=utf-8",
        "{\"model\":".to_string(),
    )
    .await;
    expect_error(resp, 400, "InvalidParameter").await;
}

#[tokio::test]
async fn shape_checks() {
    let sim = start().await;
    let cases: Vec<(Value, u16, &str)> = vec![
        (
            json!({"input": {"prompt": "p"}}),
            400,
            "BadRequest.EmptyModel",
        ),
        (
            json!({"model": "wan2.2-nope", "input": {}}),
            404,
            "ModelNotFound",
        ),
        (
            json!({"model": "wan2.1-vace-plus"}),
            400,
            "BadRequest.EmptyInput",
        ),
        (
            json!({"model": "wan2.1-vace-plus", "input": "x"}),
            400,
            "InvalidParameter",
        ),
        (
            json!({"model": "wan2.1-vace-plus", "input": {"function": "video_repainting"}}),
            400,
            "InvalidParameter",
        ),
        (
            json!({"model": "wanx2.1-vace-plus", "input": {"function": "paint", "prompt": "p"}}),
            400,
            "InvalidParameter",
        ),
        (
            json!({"model": "wan2.7-videoedit", "input": {"media": []}}),
            400,
            "InvalidParameter",
        ),
        (
            json!({"model": "wan2.7-videoedit", "input": {"media": [
                {"type": "reference_image", "url": "https://a/b.png"}]}}),
            400,
            "InvalidParameter",
        ),
    ];
    for (body, status, code) in cases {
        let resp = sim.submit_raw(&body).await;
        expect_error(resp, status, code).await;
    }
    assert!(sim.ctl.tasks().is_empty());
    // All five VACE functions and both VACE spellings are accepted.
    for (i, f) in wanedit_sim::VACE_FUNCTIONS.iter().enumerate() {
        let model = if i % 2 == 0 {
            "wan2.1-vace-plus"
        } else {
            "wanx2.1-vace-plus"
        };
        let body = json!({"model": model, "input": {"function": f, "prompt": "p"}});
        sim.submit(&body).await;
        sim.advance_secs(1); // stay under 2 submissions per second
    }
    sim.submit(&wan27_body()).await;
    assert_eq!(sim.ctl.tasks().len(), 6);
}

#[tokio::test]
async fn submit_answers_pending_with_ids() {
    let sim = start().await;
    let resp = sim.submit_raw(&vace_body()).await;
    assert_eq!(resp.status(), 200);
    assert!(resp.headers().get("access-control-allow-origin").is_none());
    let v: Value = resp.json().await.unwrap();
    let id = v["output"]["task_id"].as_str().unwrap();
    assert_eq!(id.len(), 36, "a UUID: {id}");
    assert_eq!(v["output"]["task_status"], "PENDING");
    let snap = sim.ctl.task(id).unwrap();
    assert_eq!(snap.model, "wan2.1-vace-plus");
    assert_eq!(snap.request_id, v["request_id"].as_str().unwrap());
    assert_eq!(snap.submit_ms, START_MS);
    // The request log kept the body and the headers of interest.
    let rec = &sim.ctl.requests_to("submit")[0];
    assert_eq!(rec.body["model"], "wan2.1-vace-plus");
    assert_eq!(rec.headers["x-dashscope-async"], "enable");
    assert_eq!(rec.status, Some(200));
}

#[tokio::test]
async fn unknown_routes_are_json_404_and_no_cors_anywhere() {
    let sim = start().await;
    let resp = sim.send_bare(Method::GET, "/api/v2/nothing").await;
    expect_error(resp, 404, "NotFound").await;
    // A browser preflight gets no CORS grant: real DashScope sends none.
    let resp = sim.preflight(SUBMIT).await;
    assert_no_cors(&resp);
    let resp = sim
        .get_with_key("/api/v1/tasks/abc")
        .header("Origin", "http://localhost:8080")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    assert_no_cors(&resp);
}

#[tokio::test]
async fn oversized_json_body_is_413() {
    let sim = start_with(wanedit_sim::SimConfig {
        max_body_bytes: 1024,
        ..frozen()
    })
    .await;
    let mut body = vace_body();
    body["input"]["prompt"] = json!("x".repeat(4096));
    let resp = sim.submit_raw(&body).await;
    expect_error(resp, 413, "BadRequest.TooLarge").await;
}
