//! Every route end to end: test client → relay binary → simulator, in pass-through mode.

use crate::common::*;
use serde_json::{json, Value};

const KEY: &str = "sk-sim";

fn auth() -> String {
    format!("Bearer {KEY}")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn healthz_and_config() {
    let sim = sim(&[KEY]).await;
    let relay = start_relay(&["--upstream", &format!("sim={}", sim.base_url())], &[]);
    let c = client();
    let (status, _, body) = json_of(c.get(relay.url("/healthz")).send().await.unwrap()).await;
    assert_eq!((status, body), (200, json!({"status": "ok"})));
    let (status, _, body) =
        json_of(c.get(relay.url("/api/relay/config")).send().await.unwrap()).await;
    assert_eq!(status, 200);
    assert_eq!(body["upstreams"][0]["name"], "sim");
    assert_eq!(body["upstreams"][0]["holds_key"], false);
    assert_eq!(body["holds_key"], false);
    assert!(
        !body.to_string().contains(&sim.base_url()),
        "no upstream URLs: {body}"
    );
    sim.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn create_query_cancel_list() {
    let sim = sim(&[KEY]).await;
    let relay = start_relay(&["--upstream", &format!("sim={}", sim.base_url())], &[]);
    let c = client();
    let origin = relay.origin();

    // Create: the client sends no X-DashScope-Async; the relay adds it.
    let resp = c
        .post(relay.url("/sim/api/v1/services/aigc/video-generation/video-synthesis"))
        .header("authorization", auth())
        .header("content-type", "application/json")
        .header("origin", &origin)
        .body(valid_body().to_string())
        .send()
        .await
        .unwrap();
    let (status, headers, body) = json_of(resp).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(headers["access-control-allow-origin"], origin.as_str());
    assert_eq!(headers["vary"], "Origin");
    assert!(headers.get("set-cookie").is_none());
    let task_id = body["output"]["task_id"].as_str().unwrap().to_string();
    assert_eq!(body["output"]["task_status"], "PENDING");
    let submit = &sim.control().requests_to("submit")[0];
    assert_eq!(submit.headers["x-dashscope-async"], "enable");
    assert_eq!(submit.key_index, Some(0));

    // Query.
    let (status, _, body) = json_of(
        c.get(relay.url(&format!("/sim/api/v1/tasks/{task_id}")))
            .header("authorization", auth())
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["output"]["task_id"], task_id.as_str());

    // Cancel (the task is still PENDING on the frozen clock).
    let (status, _, body) = json_of(
        c.post(relay.url(&format!("/sim/api/v1/tasks/{task_id}/cancel")))
            .header("authorization", auth())
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let (_, _, body) = json_of(
        c.get(relay.url(&format!("/sim/api/v1/tasks/{task_id}")))
            .header("authorization", auth())
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(body["output"]["task_status"], "CANCELED");

    // A second cancel is DashScope's 400, passed through unchanged.
    let (status, _, body) = json_of(
        c.post(relay.url(&format!("/sim/api/v1/tasks/{task_id}/cancel")))
            .header("authorization", auth())
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (400, Some("UnsupportedOperation"))
    );

    // List: only documented parameters are forwarded.
    let (status, _, body) = json_of(
        c.get(relay.url("/sim/api/v1/tasks?page_size=5&evil=1&page_no=1&status=CANCELED"))
            .header("authorization", auth())
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert!(body["data"].is_array(), "{body}");
    let list = &sim.control().requests_to("task_list")[0];
    assert_eq!(
        list.query.as_deref(),
        Some("page_size=5&page_no=1&status=CANCELED")
    );

    // Without a key, DashScope's own 401 comes back (pass-through mode).
    let (status, _, body) = json_of(
        c.get(relay.url(&format!("/sim/api/v1/tasks/{task_id}")))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (401, Some("InvalidApiKey"))
    );
    sim.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn invalid_bodies_never_reach_upstream() {
    let sim = sim(&[KEY]).await;
    let relay = start_relay(&["--upstream", &format!("sim={}", sim.base_url())], &[]);
    let c = client();
    let create = relay.url("/sim/api/v1/services/aigc/video-generation/video-synthesis");
    for bad in [
        json!({"model": "wan2.1-vace-plus", "input": {"function": "nope", "prompt": "x"}}),
        json!({"model": "wan2.1-vace-plus"}),
    ] {
        let resp = c
            .post(&create)
            .header("authorization", auth())
            .header("origin", relay.origin())
            .body(bad.to_string())
            .send()
            .await
            .unwrap();
        let (status, headers, body) = json_of(resp).await;
        assert_eq!(status, 400, "{body}");
        assert_eq!(body["code"], "InvalidParameter");
        assert!(body["request_id"].is_string());
        let issues = body["issues"].as_array().unwrap();
        assert!(issues.iter().any(|i| i["severity"] == "error"), "{body}");
        assert!(headers.contains_key("access-control-allow-origin"));
    }
    let (status, _, body) = json_of(c.post(&create).body("{not json").send().await.unwrap()).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (400, Some("InvalidParameter"))
    );
    assert_eq!(
        sim.control().counters().requests,
        0,
        "nothing reached the simulator"
    );
    sim.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn invalid_task_ids_are_refused() {
    let sim = sim(&[KEY]).await;
    let relay = start_relay(&["--upstream", &format!("sim={}", sim.base_url())], &[]);
    let c = client();
    let long = "a".repeat(65);
    for id in ["abc_def", "abc.def", long.as_str(), "%41bc"] {
        let resp = c
            .get(relay.url(&format!("/sim/api/v1/tasks/{id}")))
            .send()
            .await
            .unwrap();
        let status = resp.status().as_u16();
        assert!(status == 400 || status == 404, "{id}: {status}");
    }
    assert_eq!(sim.control().counters().requests, 0);
    sim.shutdown().await;
}

/// Upload through the relay exactly as a plain DashScope client would: policy, multipart
/// POST to `upload_host`, then a task using the `oss://` URL.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn uploads_are_transparent() {
    let sim = sim(&[KEY]).await;
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
    let model = "wan2.7-videoedit";
    let (status, _, policy) = json_of(
        c.get(relay.url(&format!(
            "/sim/api/v1/uploads?action=getPolicy&model={model}&junk=1"
        )))
        .header("authorization", auth())
        .send()
        .await
        .unwrap(),
    )
    .await;
    assert_eq!(status, 200, "{policy}");
    let data = &policy["data"];
    let host = data["upload_host"].as_str().unwrap();
    let prefix = format!("{}/sim/oss/", relay.origin());
    assert!(host.starts_with(&prefix), "{host}");
    assert!(
        !policy.to_string().contains(&sim.base_url()),
        "the real host stays hidden"
    );
    assert_eq!(
        sim.control().requests_to("upload_policy")[0]
            .query
            .as_deref(),
        Some("action=getPolicy&model=wan2.7-videoedit")
    );

    let key = format!("{}/clip.mp4", data["upload_dir"].as_str().unwrap());
    let content = b"not really an mp4, but bytes".to_vec();
    let form = multipart(data, &key, &content);
    let resp = c
        .post(host)
        .header(
            "content-type",
            format!("multipart/form-data; boundary={BOUNDARY}"),
        )
        .header("origin", relay.origin())
        .body(form)
        .send()
        .await
        .unwrap();
    let status = resp.status().as_u16();
    let text = resp.text().await.unwrap();
    assert_eq!(status, 200, "{text}");
    assert_eq!(sim.control().uploaded(&key).unwrap().as_ref(), &content[..]);
    let oss = &sim.control().requests_to("oss_upload")[0];
    assert!(
        !oss.headers.contains_key("authorization"),
        "no key goes to the upload host"
    );

    // The relay adds X-DashScope-OssResourceResolve for oss:// URLs.
    let body = json!({"model": model, "input": {"prompt": "claymation", "media": [{"type": "video", "url": format!("oss://{key}")}]}});
    let (status, _, answer) = json_of(
        c.post(relay.url("/sim/api/v1/services/aigc/video-generation/video-synthesis"))
            .header("authorization", auth())
            .body(body.to_string())
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(
        sim.control().requests_to("submit")[0].headers["x-dashscope-ossresourceresolve"],
        "enable"
    );

    // A made-up upload id is refused without forwarding.
    let (status, _, body) = json_of(
        c.post(relay.url("/sim/oss/0123456789abcdef0123456789abcdef"))
            .header(
                "content-type",
                format!("multipart/form-data; boundary={BOUNDARY}"),
            )
            .body("x")
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (404, Some("RelayUploadExpired"))
    );
    assert_eq!(sim.control().requests_to("oss_upload").len(), 1);
    sim.shutdown().await;
}

pub const BOUNDARY: &str = "wanedit-test-boundary-7d1f";

/// The OSS PostObject form, `file` last, as the SDK sends it.
pub fn multipart_head(data: &Value, key: &str) -> Vec<u8> {
    let mut out = Vec::new();
    let fields = [
        (
            "OSSAccessKeyId",
            data["oss_access_key_id"].as_str().unwrap(),
        ),
        ("Signature", data["signature"].as_str().unwrap()),
        ("policy", data["policy"].as_str().unwrap()),
        ("key", key),
        (
            "x-oss-object-acl",
            data["x_oss_object_acl"].as_str().unwrap(),
        ),
        (
            "x-oss-forbid-overwrite",
            data["x_oss_forbid_overwrite"].as_str().unwrap(),
        ),
        ("success_action_status", "200"),
    ];
    for (name, value) in fields {
        out.extend_from_slice(
            format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n").as_bytes(),
        );
    }
    out.extend_from_slice(
        format!(
            "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"clip.mp4\"\r\nContent-Type: video/mp4\r\n\r\n"
        )
        .as_bytes(),
    );
    out
}

pub fn multipart_tail() -> Vec<u8> {
    format!("\r\n--{BOUNDARY}--\r\n").into_bytes()
}

fn multipart(data: &Value, key: &str, content: &[u8]) -> Vec<u8> {
    let mut out = multipart_head(data, key);
    out.extend_from_slice(content);
    out.extend_from_slice(&multipart_tail());
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn preflight_allowed_and_denied() {
    let relay = start_relay(
        &[
            "--allow-origin",
            "https://app.example",
            "--upstream",
            "x=http://127.0.0.1:9",
        ],
        &[],
    );
    let c = client();
    let preflight = |origin: &'static str| {
        c.request(
            reqwest::Method::OPTIONS,
            relay.url("/x/api/v1/services/aigc/video-generation/video-synthesis"),
        )
        .header("origin", origin)
        .header("access-control-request-method", "POST")
        .header(
            "access-control-request-headers",
            "authorization, content-type, x-dashscope-async",
        )
        .send()
    };
    let resp = preflight("https://app.example").await.unwrap();
    assert_eq!(resp.status().as_u16(), 204);
    let h = resp.headers();
    assert_eq!(h["access-control-allow-origin"], "https://app.example");
    assert_eq!(h["access-control-allow-methods"], "GET, POST");
    let allowed = h["access-control-allow-headers"]
        .to_str()
        .unwrap()
        .to_ascii_lowercase();
    for name in [
        "authorization",
        "content-type",
        "x-dashscope-ossresourceresolve",
        "x-dashscope-workspace",
        "x-relay-token",
    ] {
        assert!(allowed.contains(name), "{allowed}");
    }
    assert!(!allowed.contains("cookie"));
    assert_eq!(h["access-control-max-age"], "600");
    assert_eq!(h["vary"], "Origin");

    let resp = preflight("https://evil.example").await.unwrap();
    assert_eq!(resp.status().as_u16(), 403);
    assert!(
        cors_headers(resp.headers()).is_empty(),
        "{:?}",
        resp.headers()
    );

    // The relay's own origin is not allowed once explicit origins are given (no --serve).
    let resp = preflight("http://localhost:1").await.unwrap();
    assert_eq!(resp.status().as_u16(), 403);

    // A denied origin gets no CORS headers on ordinary answers either, errors included.
    let resp = c
        .get(relay.url("/healthz"))
        .header("origin", "https://evil.example")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 403);
    assert!(cors_headers(resp.headers()).is_empty());
    let resp = c
        .get(relay.url("/nope"))
        .header("origin", "https://app.example")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 404);
    assert_eq!(
        resp.headers()["access-control-allow-origin"],
        "https://app.example"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serves_the_web_ui() {
    let dir = std::env::temp_dir().join(format!("wanedit-relay-ui-{}", std::process::id()));
    std::fs::create_dir_all(dir.join("assets")).unwrap();
    std::fs::write(
        dir.join("index.html"),
        "<!doctype html><title>wanedit</title>",
    )
    .unwrap();
    std::fs::write(dir.join("assets/app.wasm"), vec![0u8; 4096]).unwrap();
    std::fs::write(dir.join("assets/app.js"), "console.log('hi')".repeat(100)).unwrap();
    let relay = start_relay(
        &[
            "--serve",
            dir.to_str().unwrap(),
            "--upstream",
            "x=http://127.0.0.1:9",
        ],
        &[],
    );
    let c = client();
    let resp = c.get(relay.url("/")).send().await.unwrap();
    assert_eq!(resp.status().as_u16(), 200);
    assert!(resp.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/html"));
    assert!(resp.text().await.unwrap().contains("wanedit"));
    let resp = c.get(relay.url("/assets/app.wasm")).send().await.unwrap();
    assert_eq!(resp.headers()["content-type"], "application/wasm");
    let resp = c
        .get(relay.url("/assets/app.js"))
        .header("accept-encoding", "gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.headers()["content-encoding"], "gzip");
    let (status, _, body) = json_of(c.get(relay.url("/missing.js")).send().await.unwrap()).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (404, Some("RelayNotFound"))
    );
    let (status, _) = raw(
        relay.addr,
        b"GET /../../etc/passwd HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    )
    .await;
    assert!(status == 404 || status == 400, "{status}");
    let (status, text) = raw(
        relay.addr,
        b"GET /assets/..%2F..%2F..%2Fetc%2Fpasswd HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    )
    .await;
    assert!(status == 404 || status == 400, "{status}");
    assert!(!text.contains("root:"));
    let _ = std::fs::remove_dir_all(&dir);
}
