//! `GET /api/v1/tasks`: filters, time window, paging and the response shape.

mod common;

use common::*;
use serde_json::Value;

async fn list(sim: &Sim, query: &str) -> (u16, Value) {
    sim.get_json(&format!("/api/v1/tasks{query}")).await
}

/// The task ids of a list page, in the order listed.
fn listed_ids(v: &Value) -> Vec<&str> {
    v["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["task_id"].as_str().unwrap())
        .collect()
}

/// Asserts that each of `queries` is refused as 400 InvalidParameter.
async fn assert_refused(sim: &Sim, queries: &[&str]) {
    for bad in queries {
        let (status, v) = list(sim, bad).await;
        assert_eq!(status, 400, "{bad}: {v}");
        assert_eq!(v["code"], "InvalidParameter");
    }
}

/// Submits 3 VACE tasks and 2 wan2.7 tasks one virtual second apart, returns ids in order.
async fn populate(sim: &Sim) -> Vec<String> {
    let mut ids = Vec::new();
    for i in 0..5 {
        let body = if i % 2 == 0 {
            vace_body()
        } else {
            wan27_body()
        };
        ids.push(sim.submit(&body).await);
        sim.advance_secs(1);
    }
    ids
}

#[tokio::test]
async fn lists_all_with_the_documented_shape() {
    let sim = start().await;
    let ids = populate(&sim).await;
    sim.advance_secs(10);
    let (status, v) = list(&sim, "").await;
    assert_eq!(status, 200);
    assert_eq!(v["total"], 5);
    assert_eq!(v["total_page"], 1);
    assert_eq!(v["page_no"], 1);
    assert_eq!(v["page_size"], 10);
    assert!(v["request_id"].is_string());
    let data = v["data"].as_array().unwrap();
    assert_eq!(data.len(), 5);
    // Newest first.
    assert_eq!(data[0]["task_id"], ids[4].as_str());
    let row = &data[4];
    assert_eq!(row["task_id"], ids[0].as_str());
    assert_eq!(row["status"], "RUNNING");
    assert_eq!(row["model_name"], "wan2.1-vace-plus");
    assert_eq!(row["region"], "cn-beijing");
    assert_eq!(row["gmt_create"], START_MS);
    assert_eq!(row["start_time"], START_MS + 2000);
    assert!(row.get("end_time").is_none());
    assert_eq!(
        row["request_id"].as_str().unwrap(),
        sim.ctl.task(&ids[0]).unwrap().request_id
    );
    // The trailing-slash form works too.
    let (status, v2) = list(&sim, "/").await;
    assert_eq!(status, 200);
    assert_eq!(v2["total"], 5);
}

#[tokio::test]
async fn filters_by_model_status_and_id() {
    let sim = start().await;
    let ids = populate(&sim).await;
    let (_, v) = list(&sim, "?model_name=wan2.7-videoedit").await;
    assert_eq!(v["total"], 2);
    assert!(v["data"]
        .as_array()
        .unwrap()
        .iter()
        .all(|r| r["model_name"] == "wan2.7-videoedit"));

    // At +5 s every task past its 2 s pickup delay runs (2 VACE slots, wan2.7 has its own);
    // the one submitted at +4 s still waits.
    let (_, v) = list(&sim, "?status=PENDING").await;
    assert_eq!(listed_ids(&v), vec![ids[4].as_str()]);
    let (_, v) = list(&sim, "?status=running").await;
    assert_eq!(v["total"], 4);

    let (_, v) = list(&sim, &format!("?task_id={}", ids[2])).await;
    assert_eq!(v["total"], 1);
    assert_eq!(v["data"][0]["task_id"], ids[2].as_str());

    let (_, v) = list(&sim, "?status=SUCCEEDED").await;
    assert_eq!(v["total"], 0);
    assert_eq!(v["total_page"], 0);
}

#[tokio::test]
async fn pages() {
    let sim = start().await;
    let ids = populate(&sim).await;
    let (_, v) = list(&sim, "?page_size=2&page_no=2").await;
    assert_eq!(v["total"], 5);
    assert_eq!(v["total_page"], 3);
    assert_eq!(v["page_no"], 2);
    assert_eq!(v["page_size"], 2);
    assert_eq!(listed_ids(&v), vec![ids[2].as_str(), ids[1].as_str()]);
    let (_, v) = list(&sim, "?page_size=2&page_no=3").await;
    assert_eq!(v["data"].as_array().unwrap().len(), 1);
    let (_, v) = list(&sim, "?page_size=2&page_no=9").await;
    assert_eq!(v["data"].as_array().unwrap().len(), 0);
    assert_refused(
        &sim,
        &[
            "?page_no=0",
            "?page_size=abc",
            "?page_no=-1",
            "?page_no=%ZZ",
        ],
    )
    .await;
}

#[tokio::test]
async fn time_window() {
    let sim = start().await;
    let ids = populate(&sim).await; // submitted at 16:00:00 .. 16:00:04 (UTC+8)
    let (_, v) = list(&sim, "?start_time=20250515160001&end_time=20250515160003").await;
    assert_eq!(
        listed_ids(&v),
        vec![ids[3].as_str(), ids[2].as_str(), ids[1].as_str()]
    );

    let (_, v) = list(&sim, "?start_time=20250514160000&end_time=20250515160000").await;
    assert_eq!(v["total"], 1, "exactly 24 h is allowed and inclusive");

    assert_refused(
        &sim,
        &[
            "?start_time=20250514155959&end_time=20250515160000",
            "?start_time=20250515160003&end_time=20250515160001",
            "?start_time=2025-05-15",
            "?end_time=20251315000000",
        ],
    )
    .await;

    // By default only the last 24 h are listed, and expired ids are gone anyway.
    sim.advance_secs(24 * 3600 - 3);
    let (_, v) = list(&sim, "").await;
    assert_eq!(v["total"], 2);
    sim.advance_secs(3600);
    let (_, v) = list(&sim, "").await;
    assert_eq!(v["total"], 0);
}
