//! Running several replicas: signed upload ids accepted by any replica sharing the secret (and
//! by no other), client addresses from trusted proxies only, Prometheus metrics on their own
//! listener, and the security headers on every answer.

use crate::common::*;
use serde_json::json;

const KEY: &str = "sk-sim";
const SECRET: &str = "replica-secret-0123456789abcdef-0123456789";

fn auth() -> String {
    format!("Bearer {KEY}")
}

/// A relay in front of `sim` (uploads allowed to it) with `extra` flags and `env`.
fn relay_for_uploads(
    sim: &wanedit_sim::SimHandle,
    extra: &[&str],
    env: &[(&str, &str)],
) -> RelayProc {
    let mut args = vec!["--upload-host-allow", sim.base_url().leak()];
    args.extend_from_slice(extra);
    start_relay_for_sim(sim, &args, env)
}

/// The value of `field` in the first JSON log line whose message is `message`.
fn logged(relay: &RelayProc, message: &str, field: &str) -> Option<String> {
    relay.lines.lock().unwrap().iter().find_map(|line| {
        let v: serde_json::Value = serde_json::from_str(line).ok()?;
        (v["message"] == message).then(|| v[field].as_str().unwrap_or_default().to_string())
    })
}

/// The `client` field of every request line for `route`, once there are `n` (the reader
/// threads may lag behind the answers by a moment; after 5 s, whatever is there).
fn clients_logged(relay: &RelayProc, route: &str, n: usize) -> Vec<String> {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    loop {
        let clients: Vec<String> = relay
            .lines
            .lock()
            .unwrap()
            .iter()
            .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
            .filter(|v| v["message"] == "request" && v["route"] == route)
            .map(|v| v["client"].as_str().unwrap_or_default().to_string())
            .collect();
        if clients.len() >= n || std::time::Instant::now() > deadline {
            return clients;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn any_replica_with_the_secret_accepts_an_upload_id() {
    let sim = sim(&[KEY]).await;
    let secret_file = std::env::temp_dir().join(format!("wanedit-secret-{}", std::process::id()));
    std::fs::write(&secret_file, format!("{SECRET}\n")).unwrap();
    let path = secret_file.to_str().unwrap();
    // One replica takes the secret from the environment, one from a file; a third has none.
    let a = relay_for_uploads(&sim, &[], &[("WANEDIT_UPLOAD_SECRET", SECRET)]);
    let b = relay_for_uploads(&sim, &["--upload-secret-file", path], &[]);
    let lone = relay_for_uploads(&sim, &[], &[]);
    let c = client();
    let warned = |relay: &RelayProc| {
        relay
            .lines
            .lock()
            .unwrap()
            .iter()
            .any(|l| l.contains("replicas behind one load balancer need a shared one"))
    };
    assert!(!warned(&a) && !warned(&b));
    assert!(warned(&lone), "a relay without a secret says so");

    let (_, policy) = send_ok(
        c.get(a.url(SIM_UPLOAD_POLICY_PATH))
            .header("authorization", auth()),
    )
    .await;
    let data = &policy["data"];
    let host = data["upload_host"].as_str().unwrap();
    let id = host.rsplit('/').next().unwrap().to_string();
    let key = format!("{}/clip.mp4", data["upload_dir"].as_str().unwrap());
    let upload = |url: String, body: Vec<u8>| {
        c.post(url)
            .header("content-type", multipart_content_type())
            .body(body)
    };
    // Replica b never saw the policy, and needs no state to take the upload.
    let (status, _, body) = send_json(upload(
        b.url(&format!("/sim/oss/{id}")),
        multipart(data, &key, b"bytes via b"),
    ))
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        sim.control().uploaded(&key).unwrap().as_ref(),
        b"bytes via b"
    );
    // A relay with another secret, and another upstream name on the same relay, refuse it.
    let (status, _, body) = send_json(upload(
        lone.url(&format!("/sim/oss/{id}")),
        multipart(data, &key, b"x"),
    ))
    .await;
    assert_error(status, &body, 403, "RelayUploadForbidden");
    let two = relay_for_uploads(
        &sim,
        &["--upstream", &format!("sim2={}", sim.base_url())],
        &[("WANEDIT_UPLOAD_SECRET", SECRET)],
    );
    let (status, _, body) = send_json(upload(
        two.url(&format!("/sim2/oss/{id}")),
        multipart(data, &key, b"x"),
    ))
    .await;
    assert_error(status, &body, 403, "RelayUploadForbidden");
    assert_eq!(sim.control().requests_to("oss_upload").len(), 1);
    // A short secret is refused at start.
    let short = try_start_relay(
        &["--upstream", "x=http://127.0.0.1:9"],
        &[("WANEDIT_UPLOAD_SECRET", "short")],
    );
    assert!(short.is_err(), "a short secret must not start");
    std::fs::remove_file(&secret_file).unwrap();
    sim.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forwarding_headers_count_only_from_trusted_proxies() {
    let rec = recorder(Reply::Json("{}")).await;
    let upstream = format!("up={}", rec.base());
    let limited = [
        "--upstream",
        upstream.as_str(),
        "--rate-limit",
        "1",
        "--rate-burst",
        "2",
    ];
    let c = client();
    let path = "/up/api/v1/tasks/abc";
    let send = |relay: &RelayProc, forwarded: &'static str| {
        c.get(relay.url(path))
            .header("x-forwarded-for", forwarded)
            .header("forwarded", "for=198.51.100.77")
            .send()
    };
    // Not a trusted proxy: the header is ignored, so made-up addresses share one bucket.
    let direct = start_relay(&limited, &[]);
    let mut statuses = Vec::new();
    for forwarded in ["203.0.113.1", "203.0.113.2", "203.0.113.3"] {
        statuses.push(send(&direct, forwarded).await.unwrap().status().as_u16());
    }
    assert_eq!(statuses, [200, 200, 429]);
    assert_eq!(clients_logged(&direct, "query", 3), ["127.0.0.1"; 3]);

    // From a trusted proxy the right-most untrusted hop is the client: three buckets.
    let mut args = limited.to_vec();
    args.extend(["--trusted-proxy", "127.0.0.0/8"]);
    let proxied = start_relay(&args, &[]);
    for forwarded in [
        "10.9.9.9, 203.0.113.1",
        "203.0.113.2",
        "203.0.113.3, 127.0.0.5",
    ] {
        assert_eq!(
            send(&proxied, forwarded).await.unwrap().status().as_u16(),
            200
        );
    }
    assert_eq!(
        clients_logged(&proxied, "query", 3),
        ["203.0.113.1", "203.0.113.2", "203.0.113.3"]
    );

    // `--client-ip-header forwarded` reads RFC 7239's header instead (and not the other).
    args.extend(["--client-ip-header", "forwarded"]);
    let rfc = start_relay(&args, &[]);
    assert_eq!(
        send(&rfc, "203.0.113.1").await.unwrap().status().as_u16(),
        200
    );
    assert_eq!(clients_logged(&rfc, "query", 1), ["198.51.100.77"]);
    assert!(try_start_relay(&["--trusted-proxy", "10.0.0.0/99"], &[]).is_err());
}

/// The value of the sample `name{labels}` in a Prometheus text page (labels in the order the
/// exporter writes them, which is the order they were given).
fn sample(page: &str, name_and_labels: &str) -> Option<f64> {
    page.lines()
        .find_map(|l| l.strip_prefix(name_and_labels)?.trim().parse().ok())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn metrics_are_served_on_their_own_listener_only() {
    let sim = sim(&[KEY]).await;
    let relay = relay_for_uploads(&sim, &["--metrics-listen", "127.0.0.1:0"], &[]);
    let metrics_addr = logged(&relay, "metrics listening (GET /metrics)", "addr").unwrap();
    let metrics = format!("http://{metrics_addr}/metrics");
    let c = client();

    // A refused body (an error issue), a valid one, a query and an upload.
    let bad = json!({"model": "wan2.1-vace-plus", "input": {"function": "video_repainting"}});
    let (status, _, _) = send_json(
        c.post(relay.create_url("sim"))
            .header("authorization", auth())
            .body(bad.to_string()),
    )
    .await;
    assert_eq!(status, 400);
    let (_, task) = send_ok(
        c.post(relay.create_url("sim"))
            .header("authorization", auth())
            .body(valid_body().to_string()),
    )
    .await;
    let task_id = task["output"]["task_id"].as_str().unwrap();
    send_ok(
        c.get(relay.url(&format!("/sim/api/v1/tasks/{task_id}")))
            .header("authorization", auth()),
    )
    .await;
    let (_, policy) = send_ok(
        c.get(relay.url(SIM_UPLOAD_POLICY_PATH))
            .header("authorization", auth()),
    )
    .await;
    let data = &policy["data"];
    let key = format!("{}/m.mp4", data["upload_dir"].as_str().unwrap());
    send_ok(
        c.post(data["upload_host"].as_str().unwrap())
            .header("content-type", multipart_content_type())
            .body(multipart(data, &key, b"m")),
    )
    .await;

    let resp = c.get(&metrics).send().await.unwrap();
    assert_eq!(resp.status().as_u16(), 200);
    assert!(resp.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/plain"));
    let page = resp.text().await.unwrap();
    let requests = |route: &str, status: &str| {
        sample(
            &page,
            &format!("wanedit_relay_requests_total{{route=\"{route}\",status=\"{status}\"}}"),
        )
    };
    assert_eq!(requests("create", "400"), Some(1.0), "{page}");
    assert_eq!(requests("create", "200"), Some(1.0), "{page}");
    assert_eq!(requests("query", "200"), Some(1.0), "{page}");
    assert_eq!(requests("upload", "200"), Some(1.0), "{page}");
    assert!(
        page.lines()
            .any(|l| l
                .starts_with("wanedit_relay_validation_issues_total{severity=\"error\",code=\"")),
        "{page}"
    );
    assert_eq!(
        sample(
            &page,
            "wanedit_relay_upstream_duration_seconds_count{route=\"query\",upstream=\"sim\"}"
        ),
        Some(1.0),
        "{page}"
    );
    assert!(page.contains("wanedit_relay_upstream_duration_seconds_bucket{route=\"query\",upstream=\"sim\",le=\"0.5\"}"), "{page}");
    assert_eq!(
        sample(&page, "wanedit_relay_uploads_in_flight"),
        Some(0.0),
        "{page}"
    );
    // Only /metrics, only on that address.
    assert_eq!(
        c.get(format!("http://{metrics_addr}/other"))
            .send()
            .await
            .unwrap()
            .status()
            .as_u16(),
        404
    );
    let (status, _, body) = send_json(c.get(relay.url("/metrics"))).await;
    assert_error(status, &body, 404, "RelayNotFound");
    // Off by default.
    let plain = start_relay_for_sim(&sim, &[], &[]);
    assert!(logged(&plain, "metrics listening (GET /metrics)", "addr").is_none());
    sim.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn security_headers_on_api_answers_and_ui_files() {
    let dir = std::env::temp_dir().join(format!("wanedit-ui-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let script = "\nimport init from '/app.js';\nawait init();\n";
    std::fs::write(
        dir.join("index.html"),
        format!("<!doctype html><html><head><script type=\"module\">{script}</script><script src=\"/x.js\"></script></head></html>"),
    )
    .unwrap();
    let relay = start_relay(
        &[
            "--upstream",
            "x=http://127.0.0.1:9",
            "--serve",
            dir.to_str().unwrap(),
        ],
        &[],
    );
    let c = client();
    for path in [
        "/healthz",
        "/api/relay/config",
        "/x/api/v1/tasks/abc",
        "/nope.txt",
    ] {
        let resp = c.get(relay.url(path)).send().await.unwrap();
        let h = resp.headers();
        assert_eq!(h["x-content-type-options"], "nosniff", "{path}");
        assert_eq!(h["referrer-policy"], "no-referrer", "{path}");
        if path != "/nope.txt" {
            assert_eq!(h["cache-control"], "no-store", "{path}");
            assert_eq!(h["cross-origin-resource-policy"], "same-origin", "{path}");
        }
    }
    let resp = c.get(relay.url("/")).send().await.unwrap();
    assert_eq!(resp.status().as_u16(), 200);
    let h = resp.headers().clone();
    assert_eq!(h["x-content-type-options"], "nosniff");
    assert_eq!(h["cross-origin-resource-policy"], "cross-origin");
    assert!(h.get("cache-control").is_none_or(|v| v != "no-store"));
    let csp = h["content-security-policy"].to_str().unwrap();
    // The inline bootstrap script by its hash (computed here independently), wasm, nothing
    // unsafe for scripts.
    let hash = {
        use std::process::{Command, Stdio};
        let mut child = Command::new("python3")
            .args(["-c", "import sys,hashlib,base64;print(base64.b64encode(hashlib.sha256(sys.stdin.buffer.read()).digest()).decode())"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        std::io::Write::write_all(child.stdin.as_mut().unwrap(), script.as_bytes()).unwrap();
        String::from_utf8(child.wait_with_output().unwrap().stdout).unwrap()
    };
    let script_src = csp
        .split(';')
        .find(|d| d.trim().starts_with("script-src"))
        .unwrap();
    assert_eq!(
        script_src.trim(),
        format!(
            "script-src 'self' 'wasm-unsafe-eval' 'sha256-{}'",
            hash.trim()
        ),
        "{csp}"
    );
    assert!(csp.contains("object-src 'none'"), "{csp}");
    std::fs::remove_dir_all(&dir).unwrap();
}
