//! Parsing every documented response shape, keeping unknown fields, and error classification.

use serde_json::json;
use wanedit_core::task::*;

#[test]
fn parses_create_response() {
    let r: CreateTaskResponse = serde_json::from_value(json!({"output":{"task_status":"PENDING","task_id":"0385dc79-5ff8-4d82-bcb6-xxxxxx"},"request_id":"4909100c-7b5a-9f92-bfe5-xxxxxx"})).unwrap();
    assert_eq!(r.output.task_id, "0385dc79-5ff8-4d82-bcb6-xxxxxx");
    assert_eq!(r.output.task_status, TaskStatus::Pending);
    assert_eq!(r.request_id, "4909100c-7b5a-9f92-bfe5-xxxxxx");
}

#[test]
fn parses_vace_success_and_keeps_unknown_fields() {
    let body = json!({"request_id":"851985d0","output":{"task_id":"208e2fd1","task_status":"SUCCEEDED",
        "submit_time":"2025-05-15 16:14:44.723","scheduled_time":"2025-05-15 16:14:44.750","end_time":"2025-05-15 16:20:09.389",
        "video_url":"https://dashscope-result-wlcb.oss-cn-wulanchabu.aliyuncs.com/xxx.mp4?xxxxxx","orig_prompt":"a","actual_prompt":"b",
        "brand_new":{"x":1}},
        "usage":{"video_duration":5,"video_ratio":"standard","video_count":1},"trace":"t"});
    let r: TaskResponse = serde_json::from_value(body.clone()).unwrap();
    assert_eq!(r.output.task_status, TaskStatus::Succeeded);
    assert!(r.output.task_status.is_final());
    assert_eq!(
        r.output.video_url.as_deref(),
        Some("https://dashscope-result-wlcb.oss-cn-wulanchabu.aliyuncs.com/xxx.mp4?xxxxxx")
    );
    let usage = r.usage.as_ref().unwrap();
    assert_eq!(
        (
            usage.video_duration.as_ref().and_then(|n| n.as_f64()),
            usage.video_count
        ),
        (Some(5.0), Some(1))
    );
    assert_eq!(r.output.extra["brand_new"], json!({"x":1}));
    assert_eq!(r.extra["trace"], "t");
    assert_eq!(
        serde_json::to_value(&r).unwrap(),
        body,
        "round trip keeps every field"
    );
}

#[test]
fn parses_wan27_usage_with_sr_as_number_or_string() {
    for sr in [json!(720), json!("720")] {
        let r: TaskResponse = serde_json::from_value(json!({"request_id":"r","output":{"task_id":"t","task_status":"SUCCEEDED","video_url":"https://x"},
            "usage":{"duration":10.04,"input_video_duration":5.02,"output_video_duration":5.02,"video_count":1,"SR":sr}})).unwrap();
        let usage = r.usage.unwrap();
        assert_eq!(usage.sr.unwrap().as_f64(), Some(720.0));
        assert_eq!(
            usage.output_video_duration.and_then(|n| n.as_f64()),
            Some(5.02)
        );
    }
}

#[test]
fn parses_failed_unknown_and_other_statuses() {
    let r: TaskResponse = serde_json::from_value(json!({"request_id":"e5","output":{"task_id":"86","task_status":"FAILED","code":"InvalidParameter","message":"The size is not match xxxxxx"}})).unwrap();
    assert_eq!(r.output.task_status, TaskStatus::Failed);
    assert_eq!(r.output.code.as_deref(), Some("InvalidParameter"));
    let r: TaskResponse = serde_json::from_value(
        json!({"request_id":"u","output":{"task_id":"86","task_status":"UNKNOWN"}}),
    )
    .unwrap();
    assert_eq!(r.output.task_status, TaskStatus::Unknown);
    assert_eq!(TaskStatus::parse("CANCELLED"), TaskStatus::Canceled);
    assert_eq!(TaskStatus::parse("SUSPENDED"), TaskStatus::Suspended);
    assert_eq!(
        TaskStatus::parse("WARMING_UP"),
        TaskStatus::Other("WARMING_UP".into())
    );
    assert!(!TaskStatus::Running.is_final() && !TaskStatus::Suspended.is_final());
    let r: TaskResponse = serde_json::from_value(json!({"request_id":"m","output":{"task_id":"1","task_status":"RUNNING","task_metrics":{"TOTAL":1,"SUCCEEDED":0,"FAILED":0}}})).unwrap();
    assert_eq!(r.output.task_metrics.unwrap().total, 1);
}

#[test]
fn parses_cancel_list_and_error_bodies() {
    let c: CancelResponse = serde_json::from_value(json!({"request_id":"abc"})).unwrap();
    assert_eq!(c.request_id, "abc");
    let l: TaskListResponse = serde_json::from_value(json!({"total":2,"total_page":1,"page_no":1,"page_size":10,"request_id":"r",
        "data":[{"task_id":"a","status":"RUNNING","model_name":"wan2.1-vace-plus","region":"cn-beijing","request_id":"q","gmt_create":1745568428109i64,"start_time":1745568428138i64,"end_time":null}]})).unwrap();
    assert_eq!(l.total, 2);
    assert_eq!(l.data[0].status, TaskStatus::Running);
    assert_eq!(l.data[0].gmt_create, Some(1745568428109));
    let e = ApiError::from_response(
        401,
        r#"{"code":"InvalidApiKey","message":"No API-key provided.","request_id":"7438d53d"}"#,
    );
    assert_eq!(e.kind, ErrorKind::Auth);
    assert_eq!(e.body.request_id, "7438d53d");
    let html = ApiError::from_response(502, "<html>Bad gateway</html>");
    assert_eq!(html.kind, ErrorKind::Server);
    assert_eq!(html.body.message, "<html>Bad gateway</html>");
}

#[test]
fn classifies_every_documented_code() {
    use ErrorKind::*;
    let table = [
        (400, "InvalidParameter", InvalidRequest),
        (400, "DataInspectionFailed", ContentModeration),
        (400, "InvalidParameter.DataInspection", ContentModeration),
        (400, "BadRequest.EmptyInput", InvalidRequest),
        (400, "BadRequest.EmptyParameters", InvalidRequest),
        (400, "BadRequest.EmptyModel", InvalidRequest),
        (400, "InvalidURL", InvalidRequest),
        (400, "Arrearage", QuotaBilling),
        (400, "UnsupportedOperation", InvalidRequest),
        (401, "InvalidApiKey", Auth),
        (403, "AccessDenied", Permission),
        (403, "Workspace.AccessDenied", Permission),
        (403, "Model.AccessDenied", Permission),
        (403, "AccessDenied.Unpurchased", QuotaBilling),
        (404, "ModelNotFound", NotFound),
        (404, "WorkSpaceNotFound", NotFound),
        (408, "RequestTimeOut", Server),
        (413, "BadRequest.TooLarge", InvalidRequest),
        (415, "BadRequest.InputDownloadFailed", InvalidRequest),
        (415, "BadRequest.UnsupportedFileFormat", InvalidRequest),
        (429, "Throttling", RateLimited),
        (429, "Throttling.RateQuota", RateLimited),
        (429, "Throttling.AllocationQuota", QuotaBilling),
        (429, "LimitRequests", RateLimited),
        (429, "PrepaidBillOverdue", QuotaBilling),
        (429, "PostpaidBillOverdue", QuotaBilling),
        (429, "CommodityNotPurchased", QuotaBilling),
        (500, "InternalError", Server),
        (500, "InternalError.Algo", Server),
        (500, "InternalError.Timeout", Server),
        (500, "SystemError", Server),
        (503, "ModelUnavailable", Server),
    ];
    for (status, code, kind) in table {
        assert_eq!(ErrorKind::classify(status, code), kind, "{status} {code}");
        assert!(!explain_failure(code).is_empty());
    }
    assert!(RateLimited.is_retryable() && Server.is_retryable() && Network.is_retryable());
    assert!(!QuotaBilling.is_retryable() && !InvalidRequest.is_retryable() && !Auth.is_retryable());
}

#[test]
fn task_ids() {
    assert!(is_valid_task_id("0385dc79-5ff8-4d82-bcb6-0123456789ab"));
    assert!(is_valid_task_id(&"a".repeat(64)));
    for bad in [
        "",
        "../x",
        "a/b",
        "a%2Fb",
        "a b",
        "ä",
        "a?b",
        "a\r\nb",
        &"a".repeat(65),
    ] {
        assert!(!is_valid_task_id(bad), "{bad:?}");
    }
}

#[test]
fn list_query_string_has_only_documented_parameters_encoded() {
    let q = TaskListQuery {
        status: Some("SUCCEEDED".into()),
        page_no: Some(2),
        model_name: Some("wan2.1 vace".into()),
        ..Default::default()
    };
    assert_eq!(
        q.to_query_string(),
        "model_name=wan2.1%20vace&status=SUCCEEDED&page_no=2"
    );
    assert_eq!(TaskListQuery::default().to_query_string(), "");
}
