//! The task records' tests: storage round trips, updates from queries, the list, formatting.

use serde_json::{json, Value};
use wanedit_core::task::{TaskListItem, TaskResponse, TaskStatus};

use super::*;
use crate::forms::Op;
use crate::i18n::Lang;

fn body() -> Value {
    json!({"model": "wan2.1-vace-plus", "input": {"function": "video_outpainting", "prompt": "A violinist", "video_url": "http://x/v.mp4"}})
}

fn response(status: &str, extra: Value) -> TaskResponse {
    let mut output = json!({"task_id": "t1", "task_status": status});
    if let (Some(o), Some(e)) = (output.as_object_mut(), extra.as_object()) {
        o.extend(e.clone());
    }
    serde_json::from_value(json!({"request_id": "r", "output": output})).unwrap()
}

#[test]
fn a_new_record_round_trips_through_storage() {
    let r = TaskRecord::submitted("t1", "sim", &body(), TaskStatus::Pending, 1000.0);
    assert_eq!(r.op, Some(Op::VideoOutpainting));
    assert_eq!(r.prompt, "A violinist");
    let text = save(std::slice::from_ref(&r));
    assert_eq!(load(Some(&text)), vec![r]);
    assert!(text.contains("\"status\":\"PENDING\""));
    assert_eq!(load(Some("not json")), vec![]);
    assert_eq!(load(None), vec![]);
    // One bad entry does not lose the others.
    let mixed = format!("[{{\"task_id\":1}},{}]", &text[1..text.len() - 1]);
    assert_eq!(load(Some(&mixed)).len(), 1);
}

#[test]
fn the_input_length_is_kept_and_older_records_load_without_it() {
    let mut r = TaskRecord::submitted("t1", "sim", &body(), TaskStatus::Pending, 1000.0);
    let old = save(std::slice::from_ref(&r));
    assert!(!old.contains("input_video_s"));
    assert_eq!(load(Some(&old))[0].input_video_s, None);
    r.input_video_s = Some(4.5);
    let text = save(std::slice::from_ref(&r));
    assert_eq!(load(Some(&text))[0].input_video_s, Some(4.5));
}

#[test]
fn success_sets_video_and_a_conservative_expiry() {
    let mut r = TaskRecord::submitted("t1", "sim", &body(), TaskStatus::Pending, 0.0);
    r.apply(&response("RUNNING", json!({})), 10_000.0);
    assert!(!r.is_final());
    r.apply(
        &response(
            "SUCCEEDED",
            json!({"video_url": "http://sim/results/t1.mp4"}),
        ),
        20_000.0,
    );
    assert!(r.is_final());
    assert_eq!(r.finished_ms, Some(20_000.0));
    assert_eq!(r.expires_ms, Some(10_000.0 + 86_400_000.0));
    assert_eq!(r.elapsed_s(99_999.0), 20.0);
}

#[test]
fn expiry_comes_from_a_presigned_link_when_it_says() {
    let url = "https://b.oss.example/x.mp4?Expires=1747386009&OSSAccessKeyId=a&Signature=b";
    assert_eq!(expiry_from_url(url), Some(1_747_386_009_000.0));
    assert_eq!(expiry_from_url("https://x/y.mp4"), None);
    assert_eq!(expiry_from_url("https://x/y.mp4?a=1&Expires=x"), None);
}

#[test]
fn failure_keeps_code_and_message() {
    let mut r = TaskRecord::submitted("t1", "sim", &body(), TaskStatus::Pending, 0.0);
    r.apply(
        &response(
            "FAILED",
            json!({"code": "InvalidParameter", "message": "The size is not match"}),
        ),
        5000.0,
    );
    assert_eq!(r.code.as_deref(), Some("InvalidParameter"));
    assert_eq!(r.message.as_deref(), Some("The size is not match"));
    assert!(r.expires_ms.is_none());
}

#[test]
fn formatting() {
    assert_eq!(format_elapsed(0.0), "0:00");
    assert_eq!(format_elapsed(65.9), "1:05");
    assert_eq!(format_elapsed(3723.0), "1:02:03");
    assert_eq!(format_countdown(0.0), None);
    assert_eq!(format_countdown(-5.0), None);
    assert_eq!(format_countdown(45_000.0), Some("45 s".into()));
    assert_eq!(format_countdown(59.5 * 60_000.0), Some("59 min".into()));
    assert_eq!(
        format_countdown(86_400_000.0 - 60_000.0),
        Some("23 h 59 min".into())
    );
    assert_eq!(format_countdown(3_600_000.0), Some("1 h 00 min".into()));
}

#[test]
fn list_is_newest_first_capped_and_merged() {
    let mut tasks = Vec::new();
    for i in 0..(MAX_TASKS + 5) {
        let mut r = TaskRecord::submitted(
            &format!("t{i}"),
            "sim",
            &body(),
            TaskStatus::Pending,
            i as f64,
        );
        if i < 10 {
            r.status = TaskStatus::Succeeded;
        }
        upsert(&mut tasks, r);
    }
    assert_eq!(tasks[0].task_id, format!("t{}", MAX_TASKS + 4));
    let kept = load(Some(&save(&tasks)));
    assert_eq!(kept.len(), MAX_TASKS);
    // The five dropped are the oldest finished ones.
    assert!(kept.iter().all(|t| t.task_id != "t0" && t.task_id != "t4"));
    assert!(kept.iter().any(|t| t.task_id == "t5"));

    let items: Vec<TaskListItem> = serde_json::from_value(json!([
        {"task_id": "t3", "status": "SUCCEEDED"},
        {"task_id": "new", "status": "RUNNING", "model_name": "wan2.7-videoedit", "gmt_create": 5000}
    ]))
    .unwrap();
    let mut small = vec![TaskRecord::submitted(
        "t3",
        "sim",
        &body(),
        TaskStatus::Pending,
        1.0,
    )];
    assert_eq!(merge_list(&mut small, &items, "sim", 9000.0), 1);
    assert_eq!(small[0].task_id, "new");
    assert_eq!(small[0].submitted_ms, 5000.0);
    assert_eq!(small[1].status, TaskStatus::Pending);
}

#[test]
fn a_failed_poll_shows_until_the_next_good_read() {
    let mut r = TaskRecord::submitted("a", "sim", &body(), TaskStatus::Pending, 0.0);
    r.poll_failed(
        Some("The relay at http://x is not answering.".into()),
        Some(9_000.0),
    );
    assert_eq!(r.poll_retry_ms, Some(9_000.0));
    assert_eq!(
        retry_countdown(Lang::En, 9_000.0, 4_500.0),
        "Trying again in 5 s."
    );
    assert_eq!(retry_countdown(Lang::Zh, 9_000.0, 4_500.0), "5 秒后重试。");
    assert_eq!(
        retry_countdown(Lang::En, 9_000.0, 9_200.0),
        "Trying again now…"
    );
    r.apply(&response("RUNNING", json!({})), 10_000.0);
    assert_eq!((r.poll_error.as_deref(), r.poll_retry_ms), (None, None));
    // No retry without an error.
    r.poll_failed(None, Some(1.0));
    assert_eq!(r.poll_retry_ms, None);
}

#[test]
fn a_refused_cancel_says_what_happened() {
    assert_eq!(cancel_refused(Lang::En, None), None);
    assert_eq!(cancel_refused(Lang::En, Some(&TaskStatus::Pending)), None);
    let started = cancel_refused(Lang::En, Some(&TaskStatus::Running)).unwrap();
    assert!(started.contains("just started running"), "{started}");
    let ended = cancel_refused(Lang::En, Some(&TaskStatus::Succeeded)).unwrap();
    assert!(
        ended.contains("just ended") && !ended.contains("{status}"),
        "{ended}"
    );
    let zh = cancel_refused(Lang::Zh, Some(&TaskStatus::Running)).unwrap();
    assert!(zh.contains("刚刚开始运行"), "{zh}");
}
