//! Size limits, upstream failures, timeouts and rate limits: all JSON in DashScope's shape, all
//! with CORS headers for an allowed origin, and a 100 MB upload streamed with flat memory.

use crate::common::*;
use crate::e2e::{multipart_head, multipart_tail, BOUNDARY};
use std::time::{Duration, Instant};

const ORIGIN: &str = "https://app.example";

fn assert_cors(headers: &axum::http::HeaderMap) {
    assert_eq!(
        headers["access-control-allow-origin"], ORIGIN,
        "{headers:?}"
    );
    assert_eq!(headers["vary"], "Origin");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn too_large_bodies_get_413_with_cors() {
    let rec = recorder(Reply::Json("{}")).await;
    let relay = start_relay(
        &[
            "--upstream",
            &format!("up={}", rec.base()),
            "--allow-origin",
            ORIGIN,
            "--max-upload-bytes",
            "1000",
        ],
        &[],
    );
    let c = client();
    // JSON body over 1 MiB.
    let big = format!("{{\"model\":\"{}\"}}", "x".repeat(1024 * 1024));
    let resp = c
        .post(relay.url("/up/api/v1/services/aigc/video-generation/video-synthesis"))
        .header("origin", ORIGIN)
        .body(big)
        .send()
        .await
        .unwrap();
    let (status, headers, body) = json_of(resp).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (413, Some("RequestTooLarge")),
        "{body}"
    );
    assert_cors(&headers);

    // An upload over --max-upload-bytes (the id must be live, so get a policy first).
    let policy_up = recorder(Reply::Policy(
        "https://bucket.oss-cn-beijing.aliyuncs.com".into(),
    ))
    .await;
    let relay2 = start_relay(
        &[
            "--upstream",
            &format!("p={}", policy_up.base()),
            "--allow-origin",
            ORIGIN,
            "--max-upload-bytes",
            "1000",
        ],
        &[],
    );
    let (status, _, policy) = json_of(
        c.get(relay2.url("/p/api/v1/uploads?action=getPolicy&model=m"))
            .header("origin", ORIGIN)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 200, "{policy}");
    let host = policy["data"]["upload_host"].as_str().unwrap().to_string();
    let resp = c
        .post(&host)
        .header("origin", ORIGIN)
        .header(
            "content-type",
            format!("multipart/form-data; boundary={BOUNDARY}"),
        )
        .body(vec![b'x'; 2000])
        .send()
        .await
        .unwrap();
    let (status, headers, body) = json_of(resp).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (413, Some("RequestTooLarge")),
        "{body}"
    );
    assert_cors(&headers);
    // Without Content-Length (chunked): 411.
    let chunks = futures_util::stream::iter(vec![Ok::<_, std::io::Error>(
        bytes::Bytes::from_static(b"x"),
    )]);
    let resp = c
        .post(&host)
        .header("origin", ORIGIN)
        .header(
            "content-type",
            format!("multipart/form-data; boundary={BOUNDARY}"),
        )
        .body(reqwest::Body::wrap_stream(chunks))
        .send()
        .await
        .unwrap();
    let (status, headers, body) = json_of(resp).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (411, Some("RelayLengthRequired")),
        "{body}"
    );
    assert_cors(&headers);
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
    let resp = c
        .get(relay.url(&format!("/down{task}")))
        .header("origin", ORIGIN)
        .send()
        .await
        .unwrap();
    let (status, headers, body) = json_of(resp).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (502, Some("UpstreamUnavailable")),
        "{body}"
    );
    assert!(body["request_id"].is_string());
    assert_cors(&headers);

    let started = Instant::now();
    let resp = c
        .get(relay.url(&format!("/slow{task}")))
        .header("origin", ORIGIN)
        .send()
        .await
        .unwrap();
    let (status, headers, body) = json_of(resp).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (504, Some("UpstreamTimeout")),
        "{body}"
    );
    assert!(
        started.elapsed() < Duration::from_secs(4),
        "{:?}",
        started.elapsed()
    );
    assert_cors(&headers);
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
        assert_eq!(
            c.get(&url)
                .header("origin", ORIGIN)
                .send()
                .await
                .unwrap()
                .status()
                .as_u16(),
            200
        );
    }
    let (status, headers, body) =
        json_of(c.get(&url).header("origin", ORIGIN).send().await.unwrap()).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (429, Some("RateLimited")),
        "{body}"
    );
    let retry: u64 = headers["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=10).contains(&retry), "{retry}");
    assert_cors(&headers);
    assert!(headers["access-control-expose-headers"]
        .to_str()
        .unwrap()
        .contains("Retry-After"));
    // Health checks and preflights are not counted.
    assert_eq!(
        c.get(relay.url("/healthz"))
            .send()
            .await
            .unwrap()
            .status()
            .as_u16(),
        200
    );
    assert_eq!(rec.hits().len(), 3);
}

/// 100 MB through the relay to the simulator's OSS endpoint; the relay's peak RSS stays flat.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hundred_megabyte_upload_streams_with_flat_memory() {
    const SIZE: usize = 100_000_000;
    let sim = sim(&["sk-sim"]).await;
    let relay = start_relay(
        &[
            "--upstream",
            &format!("sim={}", sim.base_url()),
            "--upload-host-allow",
            &sim.base_url(),
        ],
        &[],
    );
    let c = client();
    let (status, _, policy) = json_of(
        c.get(relay.url("/sim/api/v1/uploads?action=getPolicy&model=wan2.7-videoedit"))
            .header("authorization", "Bearer sk-sim")
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 200, "{policy}");
    let data = &policy["data"];
    let host = data["upload_host"].as_str().unwrap().to_string();
    let key = format!("{}/big.mp4", data["upload_dir"].as_str().unwrap());
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
        .header(
            "content-type",
            format!("multipart/form-data; boundary={BOUNDARY}"),
        )
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
