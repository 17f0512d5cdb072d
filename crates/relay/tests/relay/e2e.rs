//! Every route end to end: test client → relay binary → simulator, in pass-through mode.

use crate::common::*;
use serde_json::json;

const KEY: &str = "sk-sim";

fn auth() -> String {
    format!("Bearer {KEY}")
}

/// The simulator holding [`KEY`], a pass-through relay in front of it and a client: the setup
/// of most tests here.
async fn sim_relay_client() -> (wanedit_sim::SimHandle, RelayProc, reqwest::Client) {
    let sim = sim(&[KEY]).await;
    let relay = start_relay_for_sim(&sim, &[], &[]);
    (sim, relay, client())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn healthz_and_config() {
    let (sim, relay, c) = sim_relay_client().await;
    let (status, _, body) = send_json(c.get(relay.url("/healthz"))).await;
    assert_eq!((status, body), (200, json!({"status": "ok"})));
    let (_, body) = send_ok(c.get(relay.url("/api/relay/config"))).await;
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
    let (sim, relay, c) = sim_relay_client().await;
    let origin = relay.origin();

    // Create: the client sends no X-DashScope-Async; the relay adds it.
    let (headers, body) = send_ok(
        c.post(relay.create_url("sim"))
            .header("authorization", auth())
            .header("content-type", "application/json")
            .header("origin", &origin)
            .body(valid_body().to_string()),
    )
    .await;
    assert_eq!(headers["access-control-allow-origin"], origin.as_str());
    assert_eq!(headers["vary"], "Origin");
    assert!(headers.get("set-cookie").is_none());
    let task_id = body["output"]["task_id"].as_str().unwrap().to_string();
    assert_eq!(body["output"]["task_status"], "PENDING");
    let submit = &sim.control().requests_to("submit")[0];
    assert_eq!(submit.headers["x-dashscope-async"], "enable");
    assert_eq!(submit.key_index, Some(0));

    // Query.
    let task_url = relay.url(&format!("/sim/api/v1/tasks/{task_id}"));
    let cancel_url = format!("{task_url}/cancel");
    let (_, body) = send_ok(c.get(&task_url).header("authorization", auth())).await;
    assert_eq!(body["output"]["task_id"], task_id.as_str());

    // Cancel (the task is still PENDING on the frozen clock).
    send_ok(c.post(&cancel_url).header("authorization", auth())).await;
    let (_, _, body) = send_json(c.get(&task_url).header("authorization", auth())).await;
    assert_eq!(body["output"]["task_status"], "CANCELED");

    // A second cancel is DashScope's 400, passed through unchanged.
    let (status, _, body) = send_json(c.post(&cancel_url).header("authorization", auth())).await;
    assert_error(status, &body, 400, "UnsupportedOperation");

    // List: only documented parameters are forwarded.
    let (_, body) = send_ok(
        c.get(relay.url("/sim/api/v1/tasks?page_size=5&evil=1&page_no=1&status=CANCELED"))
            .header("authorization", auth()),
    )
    .await;
    assert!(body["data"].is_array(), "{body}");
    let list = &sim.control().requests_to("task_list")[0];
    assert_eq!(
        list.query.as_deref(),
        Some("page_size=5&page_no=1&status=CANCELED")
    );

    // Without a key, DashScope's own 401 comes back (pass-through mode).
    let (status, _, body) = send_json(c.get(&task_url)).await;
    assert_error(status, &body, 401, "InvalidApiKey");
    sim.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn invalid_bodies_never_reach_upstream() {
    let (sim, relay, c) = sim_relay_client().await;
    let create = relay.create_url("sim");
    for bad in [
        json!({"model": "wan2.1-vace-plus", "input": {"function": "nope", "prompt": "x"}}),
        json!({"model": "wan2.1-vace-plus"}),
    ] {
        let (status, headers, body) = send_json(
            c.post(&create)
                .header("authorization", auth())
                .header("origin", relay.origin())
                .body(bad.to_string()),
        )
        .await;
        assert_error(status, &body, 400, "InvalidParameter");
        assert!(body["request_id"].is_string());
        let issues = body["issues"].as_array().unwrap();
        assert!(issues.iter().any(|i| i["severity"] == "error"), "{body}");
        assert!(headers.contains_key("access-control-allow-origin"));
    }
    let (status, _, body) = send_json(c.post(&create).body("{not json")).await;
    assert_error(status, &body, 400, "InvalidParameter");
    assert_eq!(
        sim.control().counters().requests,
        0,
        "nothing reached the simulator"
    );
    sim.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn invalid_task_ids_are_refused() {
    let (sim, relay, c) = sim_relay_client().await;
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
    let relay = start_relay_for_sim_uploads(&sim);
    let c = client();
    let model = "wan2.7-videoedit";
    let (_, policy) = send_ok(
        c.get(relay.url(&format!(
            "/sim/api/v1/uploads?action=getPolicy&model={model}&junk=1"
        )))
        .header("authorization", auth()),
    )
    .await;
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
        .header("content-type", multipart_content_type())
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
    send_ok(
        c.post(relay.create_url("sim"))
            .header("authorization", auth())
            .body(body.to_string()),
    )
    .await;
    assert_eq!(
        sim.control().requests_to("submit")[0].headers["x-dashscope-ossresourceresolve"],
        "enable"
    );

    // A made-up upload id is refused without forwarding: one not shaped like an id is no
    // route, an altered one is forbidden.
    let (status, _, body) = send_json(
        c.post(relay.url("/sim/oss/0123456789abcdef0123456789abcdef"))
            .header("content-type", multipart_content_type())
            .body("x"),
    )
    .await;
    assert_error(status, &body, 404, "RelayNotFound");
    let id = host.rsplit('/').next().unwrap();
    let flipped = if id.ends_with('A') { 'B' } else { 'A' };
    let tampered = format!("{prefix}{}{flipped}", &id[..id.len() - 1]);
    let (status, _, body) = send_json(
        c.post(&tampered)
            .header("content-type", multipart_content_type())
            .body("x"),
    )
    .await;
    assert_error(status, &body, 403, "RelayUploadForbidden");
    assert_eq!(sim.control().requests_to("oss_upload").len(), 1);
    sim.shutdown().await;
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
        c.request(reqwest::Method::OPTIONS, relay.create_url("x"))
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
    assert_origin_denied(&resp);

    // The relay's own origin is not allowed once explicit origins are given (no --serve).
    let resp = preflight("http://localhost:1").await.unwrap();
    assert_eq!(resp.status().as_u16(), 403);

    // A denied origin gets no CORS headers on ordinary answers either, errors included.
    let resp = get_from_origin(&c, &relay.url("/healthz"), "https://evil.example").await;
    assert_origin_denied(&resp);
    let resp = get_from_origin(&c, &relay.url("/nope"), "https://app.example").await;
    assert_origin_allowed(&resp, 404, "https://app.example");
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
    let relay = start_ui_relay(&dir);
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
    let (status, _, body) = send_json(c.get(relay.url("/missing.js"))).await;
    assert_error(status, &body, 404, "RelayNotFound");
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
