//! Retry decisions, regions and headers, and curl export.

use serde_json::json;
use std::time::Duration;
use wanedit_core::curl::to_curl;
use wanedit_core::region::*;
use wanedit_core::retry::*;
use wanedit_core::IssueCode;

fn http(status: u16, code: &str, retry_after: Option<u64>) -> Failure {
    Failure::Http {
        status,
        code: code.into(),
        retry_after: retry_after.map(Duration::from_secs),
    }
}

#[test]
fn submits_retry_only_on_a_curable_429() {
    let p = RetryPolicy::default();
    let mut j = 0.5;
    assert!(p
        .next_delay(
            Call::Submit,
            &http(429, "Throttling.RateQuota", None),
            1,
            &mut j
        )
        .is_some());
    for f in [
        http(500, "InternalError", None),
        http(503, "ModelUnavailable", None),
        Failure::Network,
        http(408, "RequestTimeOut", None),
        http(429, "PrepaidBillOverdue", None),
        http(429, "Throttling.AllocationQuota", None),
        http(400, "InvalidParameter", None),
    ] {
        assert_eq!(p.next_delay(Call::Submit, &f, 1, &mut j), None, "{f:?}");
    }
}

#[test]
fn reads_retry_on_429_5xx_408_and_network() {
    let p = RetryPolicy::default();
    let mut j = 0.5;
    for f in [
        http(429, "Throttling", None),
        http(500, "InternalError", None),
        http(503, "ModelUnavailable", None),
        Failure::Network,
        http(408, "RequestTimeOut", None),
    ] {
        assert!(p.next_delay(Call::Read, &f, 1, &mut j).is_some(), "{f:?}");
    }
    for f in [
        http(401, "InvalidApiKey", None),
        http(400, "UnsupportedOperation", None),
        http(429, "CommodityNotPurchased", None),
    ] {
        assert_eq!(p.next_delay(Call::Read, &f, 1, &mut j), None, "{f:?}");
    }
}

#[test]
fn retry_after_is_honoured_up_to_60_s() {
    let p = RetryPolicy::default();
    let mut j = 0.9;
    assert_eq!(
        p.next_delay(Call::Read, &http(429, "Throttling", Some(7)), 1, &mut j),
        Some(Duration::from_secs(7))
    );
    assert_eq!(
        p.next_delay(Call::Read, &http(429, "Throttling", Some(0)), 1, &mut j),
        Some(Duration::ZERO)
    );
    assert_eq!(
        p.next_delay(Call::Read, &http(429, "Throttling", Some(600)), 1, &mut j),
        Some(Duration::from_secs(60))
    );
    assert_eq!(parse_retry_after(" 3 "), Some(Duration::from_secs(3)));
    assert_eq!(parse_retry_after("1.5"), Some(Duration::from_millis(1500)));
    assert_eq!(parse_retry_after("3600"), Some(Duration::from_secs(60)));
    assert_eq!(parse_retry_after("-4"), Some(Duration::ZERO));
    assert_eq!(parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT"), None);
    assert_eq!(parse_retry_after("NaN"), None);
}

#[test]
fn backoff_doubles_with_equal_jitter_and_stops_at_max_attempts() {
    let p = RetryPolicy::default();
    let net = Failure::Network;
    let at = |attempts: u32, j: f64| p.next_delay(Call::Read, &net, attempts, &mut { j });
    assert_eq!(at(1, 0.0), Some(Duration::from_millis(500)));
    let top = at(1, 0.999_999).unwrap();
    assert!(
        top > Duration::from_millis(999) && top < Duration::from_secs(1),
        "{top:?}"
    );
    assert_eq!(at(2, 0.0), Some(Duration::from_secs(1)));
    assert_eq!(at(3, 0.0), Some(Duration::from_secs(2)));
    assert_eq!(at(4, 0.0), Some(Duration::from_secs(4)));
    assert_eq!(at(5, 0.0), None, "5 attempts in all");
    let unbounded = RetryPolicy::default().unbounded();
    let d = unbounded
        .next_delay(Call::Read, &net, 1000, &mut 0.0)
        .unwrap();
    assert_eq!(d, Duration::from_secs(15), "capped at max_delay/2 + jitter");
    // The seeded generator is deterministic and in [0, 1).
    let mut a = SplitMix64(42);
    let mut b = SplitMix64(42);
    for _ in 0..1000 {
        let x = a.next_unit();
        assert_eq!(x, b.next_unit());
        assert!((0.0..1.0).contains(&x));
    }
}

#[test]
fn regions_and_model_spellings() {
    assert_eq!(
        Region::Intl.base_url(),
        "https://dashscope-intl.aliyuncs.com"
    );
    assert_eq!(Region::Cn.base_url(), "https://dashscope.aliyuncs.com");
    assert_eq!(
        Region::Custom("http://127.0.0.1:8787/sim/".into()).base_url(),
        "http://127.0.0.1:8787/sim"
    );
    assert_eq!(
        Region::Cn.workspace_base_url("ws1").unwrap(),
        "https://ws1.cn-beijing.maas.aliyuncs.com"
    );
    assert_eq!(
        Region::Intl.model_for(wanedit_core::Family::Vace).as_str(),
        "wan2.1-vace-plus"
    );
    assert_eq!(
        Region::Cn.model_for(wanedit_core::Family::Vace).as_str(),
        "wanx2.1-vace-plus"
    );
    assert_eq!(
        Region::Cn
            .model_for(wanedit_core::Family::VideoEdit27)
            .as_str(),
        "wan2.7-videoedit"
    );
    assert!(check_model_region(&Region::Cn, "wanx2.1-vace-plus").is_none());
    assert!(check_model_region(&Region::Intl, "wan2.7-videoedit").is_none());
    let w = check_model_region(&Region::Intl, "wanx2.1-vace-plus").unwrap();
    assert_eq!(
        (w.code, w.path.as_str()),
        (IssueCode::ModelRegionMismatch, "model")
    );
    let body = json!({"model":"wanx2.1-vace-plus","input":{"function":"video_outpainting","prompt":"p","video_url":"https://x/v.mp4"}});
    let issues = wanedit_core::validate::validate_for_region(&body, &Region::Intl);
    assert_eq!(issues.len(), 1);
}

#[test]
fn headers_of_each_call() {
    let plain = json!({"input":{"video_url":"https://x/v.mp4"}});
    let oss = json!({"input":{"media":[{"type":"video","url":"oss://dashscope-instant/a/v.mp4"}]}});
    assert!(!needs_oss_resolve(&plain));
    assert!(needs_oss_resolve(&oss));
    let h = create_task_headers(Some("sk-1"), Some("ws"), &oss);
    let names: Vec<&str> = h.iter().map(|(n, _)| *n).collect();
    assert_eq!(
        names,
        [
            "Content-Type",
            "X-DashScope-Async",
            "Authorization",
            "X-DashScope-WorkSpace",
            "X-DashScope-OssResourceResolve"
        ]
    );
    assert_eq!(h[2].1, "Bearer sk-1");
    let h = create_task_headers(None, None, &plain);
    assert_eq!(h.len(), 2, "no key when a relay holds it");
    assert_eq!(
        read_headers(Some("k"), Some("")),
        vec![("Authorization", "Bearer k".to_string())]
    );
}

#[test]
fn curl_export_is_runnable_and_hides_the_key() {
    let body = json!({"model":"wan2.1-vace-plus","input":{"function":"video_outpainting","prompt":"it's a girl's violin","video_url":"oss://d/v.mp4"}});
    let cmd = to_curl("https://dashscope-intl.aliyuncs.com/", &body);
    assert!(cmd.starts_with("curl --location 'https://dashscope-intl.aliyuncs.com/api/v1/services/aigc/video-generation/video-synthesis' \\\n"));
    assert!(cmd.contains("--header \"Authorization: Bearer $DASHSCOPE_API_KEY\""));
    assert!(cmd.contains("--header 'X-DashScope-Async: enable'"));
    assert!(cmd.contains("--header 'X-DashScope-OssResourceResolve: enable'"));
    assert!(cmd.contains(r"it'\''s a girl'\''s violin"));
    // The shell reads the quoted body back as the exact JSON.
    let script = format!("set -e; f() {{ while [ $# -gt 0 ]; do if [ \"$1\" = --data ]; then printf '%s' \"$2\"; fi; shift; done; }}; f {}", cmd.trim_start_matches("curl "));
    let out = std::process::Command::new("sh")
        .arg("-c")
        .arg(script.replace(" \\\n", " "))
        .output()
        .unwrap();
    let parsed: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(parsed, body);
}
