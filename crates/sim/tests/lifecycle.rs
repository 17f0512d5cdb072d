//! Task lifecycle on the manual clock: statuses, timestamps, outputs, result video, failure,
//! cancel, expiry and the concurrency limit.

mod common;

use std::time::Duration;

use common::*;
use reqwest::{Method, Response};
use serde_json::json;
use wanedit_sim::{SimConfig, TaskStatus};

/// Fetches part of a result video, as a browser's `<video>` asks for it.
async fn get_range(sim: &Sim, url: &str, range: &str) -> Response {
    sim.http
        .get(url)
        .header("Range", range)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn vace_task_runs_to_success_with_a_real_video() {
    let sim = start().await;
    let id = sim.submit(&vace_body()).await;

    let v = sim.task(&id).await;
    assert_eq!(v["output"]["task_status"], "PENDING");
    assert_eq!(v["output"]["submit_time"], "2025-05-15 16:00:00.000");
    assert!(v["output"].get("scheduled_time").is_none());
    assert!(v["request_id"].is_string());

    sim.advance_secs(2); // default pickup delay
    let v = sim.task(&id).await;
    assert_eq!(v["output"]["task_status"], "RUNNING");
    assert_eq!(v["output"]["scheduled_time"], "2025-05-15 16:00:02.000");
    assert!(v["output"].get("video_url").is_none());

    sim.advance_secs(299);
    assert_eq!(sim.status_of(&id).await, "RUNNING");
    sim.advance_secs(1);
    let v = sim.task(&id).await;
    let out = &v["output"];
    assert_eq!(out["task_status"], "SUCCEEDED");
    assert_eq!(out["end_time"], "2025-05-15 16:05:02.000");
    assert_eq!(out["orig_prompt"], "A black steampunk car");
    assert!(
        out.get("actual_prompt").is_none(),
        "prompt_extend was off: {v}"
    );
    assert_eq!(
        v["usage"],
        json!({"video_duration": 5, "video_ratio": "standard", "video_count": 1})
    );

    let url = out["video_url"].as_str().unwrap();
    assert!(
        url.starts_with(&format!("{}/results/{id}.mp4?", sim.base)),
        "{url}"
    );
    // Never send the key to the result link: the simulator does not need it.
    let resp = sim.http.get(url).send().await.unwrap();
    assert_eq!(resp.status(), 200);
    assert_eq!(resp.headers()["content-type"], "video/mp4");
    let bytes = resp.bytes().await.unwrap();
    assert_eq!(&bytes[4..8], b"ftyp");
    assert!(bytes.len() > 500 && bytes.len() < 20_000, "{}", bytes.len());
    assert_eq!(&bytes[..], wanedit_sim::result_video());
    // Byte ranges, as a browser's <video> asks for them.
    let resp = get_range(&sim, url, "bytes=4-7").await;
    assert_eq!(resp.status(), 206);
    assert_eq!(
        resp.headers()["content-range"],
        format!("bytes 4-7/{}", bytes.len()).as_str()
    );
    assert_eq!(&resp.bytes().await.unwrap()[..], b"ftyp");
    let resp = get_range(&sim, url, "bytes=999999-").await;
    assert_eq!(resp.status(), 416);
    let rec = sim.ctl.requests_to("result");
    assert_eq!(rec.len(), 3);
    assert!(!rec[0].headers.contains_key("authorization"));

    // The link dies 24 h after the end; so does the task id (24 h after submission).
    sim.advance_secs(24 * 3600);
    let resp = sim.http.get(url).send().await.unwrap();
    assert_eq!(resp.status(), 403);
    assert!(resp
        .text()
        .await
        .unwrap()
        .contains("<Code>AccessDenied</Code>"));
    let v = sim.task(&id).await;
    assert_eq!(v["output"]["task_status"], "UNKNOWN");
    assert_eq!(v["output"]["task_id"], id);
}

#[tokio::test]
async fn wan27_reports_its_usage_and_extended_prompt() {
    let sim = start().await;
    let id = sim.submit(&wan27_body()).await;
    sim.advance_secs(2 + 120);
    let v = sim.task(&id).await;
    assert_eq!(v["output"]["task_status"], "SUCCEEDED");
    let actual = v["output"]["actual_prompt"].as_str().unwrap();
    assert!(actual.starts_with("Convert the entire scene to a claymation style"));
    assert_ne!(actual, v["output"]["orig_prompt"].as_str().unwrap());
    let u = &v["usage"];
    assert_eq!(u["SR"], 720);
    assert_eq!(u["video_count"], 1);
    assert_eq!(u["input_video_duration"], 5.02);
    assert_eq!(u["output_video_duration"], 5.02);
    assert_eq!(u["duration"], 10.04);
}

#[tokio::test]
async fn unknown_result_and_unfinished_result_are_404() {
    let sim = start().await;
    let id = sim.submit(&vace_body()).await;
    for path in [
        format!("/results/{id}.mp4"),
        "/results/nope.mp4".to_string(),
    ] {
        let resp = sim.send_bare(Method::GET, &path).await;
        assert_eq!(resp.status(), 404);
        assert!(resp.text().await.unwrap().contains("NoSuchKey"));
    }
}

#[tokio::test]
async fn failure_on_demand() {
    let sim = start().await;
    // Next submitted task fails.
    sim.ctl
        .fail_next_task("InvalidParameter", "The size is not match xxxxxx");
    let a = sim.submit(&vace_body()).await;
    sim.advance_secs(1);
    let b = sim.submit(&vace_body()).await;
    // A given running task fails.
    sim.advance_secs(5);
    assert_eq!(sim.status_of(&b).await, "RUNNING");
    sim.ctl
        .fail_task(
            &b,
            "DataInspectionFailed",
            "Input data may contain inappropriate content.",
        )
        .unwrap();
    sim.advance_secs(400);
    let v = sim.task(&a).await;
    assert_eq!(v["output"]["task_status"], "FAILED");
    assert_eq!(v["output"]["code"], "InvalidParameter");
    assert_eq!(v["output"]["message"], "The size is not match xxxxxx");
    assert!(v["output"].get("video_url").is_none());
    assert!(v.get("usage").is_none());
    let v = sim.task(&b).await;
    assert_eq!(v["output"]["task_status"], "FAILED");
    assert_eq!(v["output"]["code"], "DataInspectionFailed");
    // Finished or unknown tasks cannot be failed.
    assert!(sim.ctl.fail_task(&b, "X", "y").is_err());
    assert!(sim.ctl.fail_task("nope", "X", "y").is_err());
    // A failed task has no result video.
    let resp = sim
        .send_bare(Method::GET, &format!("/results/{a}.mp4"))
        .await;
    assert_eq!(resp.status(), 404);
}

#[tokio::test]
async fn cancel_only_while_pending() {
    let sim = start().await;
    let pending = sim.submit(&vace_body()).await;
    let resp = sim.cancel(&pending).await;
    assert_eq!(resp.status(), 200);
    let v: serde_json::Value = resp.json().await.unwrap();
    assert!(v["request_id"].is_string());
    assert_eq!(sim.status_of(&pending).await, "CANCELED");

    sim.advance_secs(1);
    let running = sim.submit(&vace_body()).await;
    sim.advance_secs(3);
    assert_eq!(sim.status_of(&running).await, "RUNNING");
    for id in [running.as_str(), pending.as_str(), "no-such-task"] {
        let resp = sim.cancel(id).await;
        let v = expect_error(resp, 400, "UnsupportedOperation").await;
        assert_eq!(
            v["message"],
            "Failed to cancel the task, please confirm if the task is in PENDING status."
        );
    }
    // The canceled task never runs; the running one finishes.
    sim.advance_secs(600);
    assert_eq!(sim.status_of(&pending).await, "CANCELED");
    assert_eq!(sim.status_of(&running).await, "SUCCEEDED");
}

#[tokio::test]
async fn unknown_ids_are_unknown() {
    let sim = start().await;
    let v = sim.task("00000000-0000-0000-0000-000000000000").await;
    assert_eq!(v["output"]["task_status"], "UNKNOWN");
    assert_eq!(
        v["output"]["task_id"],
        "00000000-0000-0000-0000-000000000000"
    );
    // Expiry counts from submission, whatever the state.
    let id = sim.submit(&vace_body()).await;
    sim.advance_secs(24 * 3600 - 1);
    assert_eq!(sim.status_of(&id).await, "SUCCEEDED");
    sim.advance_secs(1);
    assert_eq!(sim.status_of(&id).await, "UNKNOWN");
}

#[tokio::test]
async fn concurrency_limit_keeps_tasks_pending() {
    let sim = start().await;
    let mut ids = Vec::new();
    for _ in 0..2 {
        for _ in 0..2 {
            ids.push(sim.submit(&vace_body()).await);
        }
        sim.advance_secs(1);
    }
    // Another model is not held up by VACE's slots.
    let other = sim.submit(&wan27_body()).await;
    sim.advance_secs(2);
    let statuses = [
        sim.status_of(&ids[0]).await,
        sim.status_of(&ids[1]).await,
        sim.status_of(&ids[2]).await,
        sim.status_of(&ids[3]).await,
    ];
    assert_eq!(statuses, ["RUNNING", "RUNNING", "PENDING", "PENDING"]);
    assert_eq!(sim.status_of(&other).await, "RUNNING");

    // When the first two end, the queued two start at that very moment.
    sim.advance_secs(300);
    let t2 = sim.task(&ids[2]).await;
    assert_eq!(t2["output"]["task_status"], "RUNNING");
    let end0 = sim.task(&ids[0]).await["output"]["end_time"].clone();
    assert_eq!(t2["output"]["scheduled_time"], end0);
    assert_eq!(sim.ctl.task(&ids[3]).unwrap().status, TaskStatus::Running);
    sim.advance_secs(300);
    assert_eq!(sim.status_of(&ids[3]).await, "SUCCEEDED");
}

#[tokio::test]
async fn time_scale_runs_tasks_in_fast_real_time() {
    // 5-minute VACE task at 30000x: ~10 ms of real time. The only test that waits for real.
    let sim = start_with(SimConfig {
        time_scale: 30_000.0,
        ..frozen()
    })
    .await;
    let id = sim.submit(&vace_body()).await;
    let deadline = std::time::Instant::now() + Duration::from_secs(5);
    loop {
        let s = sim.ctl.task(&id).unwrap().status;
        if s == TaskStatus::Succeeded {
            break;
        }
        assert!(std::time::Instant::now() < deadline, "still {s:?}");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    assert_eq!(sim.status_of(&id).await, "SUCCEEDED");
    sim.ctl.set_time_scale(0.0);
    assert_eq!(sim.ctl.time_scale(), 0.0);
    sim.handle.shutdown().await;
}
