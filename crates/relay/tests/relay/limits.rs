//! Size limits, upstream failures, timeouts and rate limits: all JSON in DashScope's shape, all
//! with CORS headers for an allowed origin, and a 100 MB upload streamed with flat memory.

use crate::common::*;
use axum::http::HeaderMap;
use std::time::{Duration, Instant};

const ORIGIN: &str = "https://app.example";

fn assert_cors(headers: &HeaderMap) {
    assert_eq!(
        headers["access-control-allow-origin"], ORIGIN,
        "{headers:?}"
    );
    assert_eq!(headers["vary"], "Origin");
}

/// Asserts an error answer in DashScope's shape that still carries the CORS headers for
/// [`ORIGIN`]: every refusal here must stay readable by the browser app.
#[track_caller]
fn assert_error_with_cors(
    (status, headers, body): &(u16, HeaderMap, serde_json::Value),
    want_status: u16,
    want_code: &str,
) {
    assert_error(*status, body, want_status, want_code);
    assert_cors(headers);
}

/// Sends `req` from the allowed browser origin [`ORIGIN`], as every request here is sent.
async fn send_from_origin(req: reqwest::RequestBuilder) -> (u16, HeaderMap, serde_json::Value) {
    send_json(req.header("origin", ORIGIN)).await
}

/// A relay allowing [`ORIGIN`] with a 1000-byte upload limit, forwarding to `upstream`
/// (`name=base`): both relays of the size-limit test.
fn start_relay_with_small_upload_limit(upstream: &str) -> RelayProc {
    start_relay(
        &[
            "--upstream",
            upstream,
            "--allow-origin",
            ORIGIN,
            "--max-upload-bytes",
            "1000",
        ],
        &[],
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn too_large_bodies_get_413_with_cors() {
    let rec = recorder(Reply::Json("{}")).await;
    let relay = start_relay_with_small_upload_limit(&format!("up={}", rec.base()));
    let c = client();
    // JSON body over 1 MiB.
    let big = format!("{{\"model\":\"{}\"}}", "x".repeat(1024 * 1024));
    let answer = send_from_origin(c.post(relay.create_url("up")).body(big)).await;
    assert_error_with_cors(&answer, 413, "RequestTooLarge");

    // An upload over --max-upload-bytes (the id must be live, so get a policy first).
    let policy_up = recorder(Reply::Policy(
        "https://bucket.oss-cn-beijing.aliyuncs.com".into(),
    ))
    .await;
    let relay2 = start_relay_with_small_upload_limit(&format!("p={}", policy_up.base()));
    let (status, _, policy) =
        send_from_origin(c.get(relay2.url("/p/api/v1/uploads?action=getPolicy&model=m"))).await;
    assert_eq!(status, 200, "{policy}");
    let host = policy["data"]["upload_host"].as_str().unwrap().to_string();
    let upload = || {
        c.post(&host)
            .header("content-type", multipart_content_type())
    };
    let answer = send_from_origin(upload().body(vec![b'x'; 2000])).await;
    assert_error_with_cors(&answer, 413, "RequestTooLarge");
    // Without Content-Length (chunked): 411.
    let chunks = futures_util::stream::iter(vec![Ok::<_, std::io::Error>(
        bytes::Bytes::from_static(b"x"),
    )]);
    let answer = send_from_origin(upload().body(reqwest::Body::wrap_stream(chunks))).await;
    assert_error_with_cors(&answer, 411, "RelayLengthRequired");
    assert!(rec.hits().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn upstream_down_and_slow_get_502_and_504_with_cors() {
    let slow = recorder(Reply::Slow(Duration::from_secs(5))).await;
    let relay = start_relay(
        &[
            "--upstream",
            &format!("down=http://127.0.0.1:{}", closed_port()),
            "--upstream",
            &format!("slow={}", slow.base()),
            "--allow-origin",
            ORIGIN,
            "--timeout",
            "1",
        ],
        &[],
    );
    let c = client();
    let task = "/api/v1/tasks/0385dc79-5ff8-4d82-bcb6-4ab1a2b3c4d5";
    let answer = send_from_origin(c.get(relay.url(&format!("/down{task}")))).await;
    assert_error_with_cors(&answer, 502, "UpstreamUnavailable");
    assert!(answer.2["request_id"].is_string());

    let started = Instant::now();
    let answer = send_from_origin(c.get(relay.url(&format!("/slow{task}")))).await;
    let elapsed = started.elapsed();
    assert_error_with_cors(&answer, 504, "UpstreamTimeout");
    assert!(elapsed < Duration::from_secs(4), "{elapsed:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rate_limit_gives_429_with_retry_after() {
    let rec = recorder(Reply::Json("{}")).await;
    let relay = start_relay(
        &[
            "--upstream",
            &format!("up={}", rec.base()),
            "--allow-origin",
            ORIGIN,
            "--rate-limit",
            "6",
            "--rate-burst",
            "3",
        ],
        &[],
    );
    let c = client();
    let url = relay.url("/up/api/v1/tasks/0385dc79-5ff8-4d82-bcb6-4ab1a2b3c4d5");
    for _ in 0..3 {
        let resp = get_from_origin(&c, &url, ORIGIN).await;
        assert_eq!(resp.status().as_u16(), 200);
    }
    let answer = send_from_origin(c.get(&url)).await;
    assert_error_with_cors(&answer, 429, "RateLimited");
    let headers = &answer.1;
    let retry: u64 = headers["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=10).contains(&retry), "{retry}");
    assert!(headers["access-control-expose-headers"]
        .to_str()
        .unwrap()
        .contains("Retry-After"));
    // Health checks and preflights are not counted.
    let resp = c.get(relay.url("/healthz")).send().await.unwrap();
    assert_eq!(resp.status().as_u16(), 200);
    assert_eq!(rec.hits().len(), 3);
}

/// 100 MB through the relay to the simulator's OSS endpoint; the relay's peak RSS stays flat.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hundred_megabyte_upload_streams_with_flat_memory() {
    const SIZE: usize = 100_000_000;
    let sim = sim(&["sk-sim"]).await;
    let relay = start_relay_for_sim_uploads(&sim);
    let c = client();
    let (data, key) = sim_upload_policy(&c, &relay, "big.mp4").await;
    let data = &data;
    let host = data["upload_host"].as_str().unwrap().to_string();
    let head = multipart_head(data, &key);
    let tail = multipart_tail();
    let total = head.len() + SIZE + tail.len();
    let before = relay.vm_hwm_kib();

    // Generated on the fly in 256 KiB chunks: the test client holds no 100 MB buffer either.
    let chunk = bytes::Bytes::from(vec![0x5au8; 256 * 1024]);
    let mut parts: Vec<bytes::Bytes> = vec![head.into()];
    let mut left = SIZE;
    while left > 0 {
        let n = left.min(chunk.len());
        parts.push(chunk.slice(..n));
        left -= n;
    }
    parts.push(tail.into());
    let stream = futures_util::stream::iter(parts.into_iter().map(Ok::<_, std::io::Error>));
    let started = Instant::now();
    let resp = c
        .post(&host)
        .header("content-type", multipart_content_type())
        .header("content-length", total)
        .body(reqwest::Body::wrap_stream(stream))
        .send()
        .await
        .unwrap();
    let status = resp.status().as_u16();
    let text = resp.text().await.unwrap();
    let elapsed = started.elapsed();
    assert_eq!(status, 200, "{text}");
    let stored = sim.control().uploaded(&key).expect("stored");
    assert_eq!(stored.len(), SIZE);
    drop(stored);
    let peak = relay.vm_hwm_kib();
    println!(
        "100 MB upload through the relay: {:.2} s, relay peak RSS {:.1} MiB (before the upload {:.1} MiB)",
        elapsed.as_secs_f64(),
        peak as f64 / 1024.0,
        before as f64 / 1024.0
    );
    assert!(
        peak < 64 * 1024,
        "relay peak RSS {peak} KiB: the upload was buffered"
    );
    sim.shutdown().await;
}
