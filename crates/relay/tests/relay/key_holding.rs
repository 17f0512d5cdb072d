//! Key-holding mode: the relay adds its key, drops the caller's, refuses unauthenticated
//! callers, refuses to start unrestricted, and the key shows up in no log line or answer.

use crate::common::*;

const SECRET: &str = "sk-relay-held-secret-4f9a2c";
const TOKEN: &str = "relay-token-7c1e9b3d5a";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn relay_holds_the_key() {
    let sim = sim(&["sk-sim", SECRET]).await;
    let rec = recorder(Reply::Json("{\"output\":{\"task_status\":\"PENDING\"}}")).await;
    let relay = start_relay_for_sim(
        &sim,
        &[
            "--upstream",
            &format!("rec={}", rec.base()),
            "--access-token",
            TOKEN,
        ],
        // trace for everything: even then nothing secret may be logged.
        &[("DASHSCOPE_API_KEY", SECRET), ("RUST_LOG", "trace")],
    );
    let c = client();
    let create = relay.create_url("sim");
    let mut answers = Vec::new();

    // No token: refused, nothing forwarded.
    for auth in [None, Some("Bearer sk-sim"), Some("Bearer wrong-token")] {
        let mut req = c.post(&create).body(valid_body().to_string());
        if let Some(a) = auth {
            req = req.header("authorization", a);
        }
        let (status, headers, body) = send_json(req).await;
        assert_error(status, &body, 401, "RelayUnauthorized");
        answers.push(format!("{headers:?}{body}"));
    }
    let resp = c
        .post(&create)
        .header("x-relay-token", "relay-token-7c1e9b3d5X")
        .body(valid_body().to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 401);
    assert_eq!(sim.control().counters().requests, 0);

    // With the token: the caller's own key is dropped and the relay's is used.
    let (headers, body) = send_ok(
        c.post(&create)
            .header("x-relay-token", TOKEN)
            .header("authorization", "Bearer sk-sim")
            .body(valid_body().to_string()),
    )
    .await;
    answers.push(format!("{headers:?}{body}"));
    let submit = &sim.control().requests_to("submit")[0];
    assert_eq!(
        submit.key_index,
        Some(1),
        "the relay's key, not the caller's sk-sim (index 0)"
    );
    let task_id = body["output"]["task_id"].as_str().unwrap().to_string();

    // A plain DashScope client configured with the token as its API key works too.
    let (headers, body) = send_ok(
        c.get(relay.url(&format!("/sim/api/v1/tasks/{task_id}")))
            .header("authorization", format!("Bearer {TOKEN}")),
    )
    .await;
    answers.push(format!("{headers:?}{body}"));
    assert_eq!(sim.control().requests_to("task_get")[0].key_index, Some(1));

    // The exact header the upstream sees.
    let resp = c
        .get(relay.url(&format!("/rec/api/v1/tasks/{task_id}")))
        .header("x-relay-token", TOKEN)
        .header("authorization", "Bearer sk-client-own")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 200);
    let hit = &rec.hits()[0];
    assert_eq!(
        hit.headers["authorization"],
        format!("Bearer {SECRET}").as_str()
    );
    assert!(hit.headers.get("x-relay-token").is_none());

    // The account-wide list is off in key-holding mode unless enabled.
    let (status, _, body) = send_json(
        c.get(relay.url("/sim/api/v1/tasks"))
            .header("x-relay-token", TOKEN),
    )
    .await;
    assert_error(status, &body, 403, "RelayForbidden");
    assert!(sim.control().requests_to("task_list").is_empty());

    // Uploads: the policy is fetched with the relay's key; the upload host never sees it.
    let (status, _, policy) = send_json(
        c.get(relay.url(SIM_UPLOAD_POLICY_PATH))
            .header("x-relay-token", TOKEN),
    )
    .await;
    // The simulator's OSS host is not on the default allowlist: refused, not proxied.
    assert_error(status, &policy, 502, "UploadHostRefused");
    answers.push(policy.to_string());

    let (_, config) = send_ok(c.get(relay.url("/api/relay/config"))).await;
    assert_eq!(config["holds_key"], true);
    assert_eq!(config["requires_token"], true);
    answers.push(config.to_string());

    let (exit, lines) = relay.stop();
    assert!(exit.success(), "graceful exit on SIGTERM: {exit:?}");
    assert!(
        lines
            .iter()
            .any(|l| l.contains("\"route\":\"create\"") && l.contains("\"status\":200")),
        "{lines:#?}"
    );
    for line in &lines {
        assert!(!line.contains(SECRET), "key in a log line: {line}");
        assert!(!line.contains(TOKEN), "token in a log line: {line}");
        assert!(
            !line.contains("claymation") && !line.contains("steampunk"),
            "body in a log line: {line}"
        );
    }
    for answer in &answers {
        assert!(!answer.contains(SECRET), "key in an answer: {answer}");
    }
    sim.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refuses_to_start_unrestricted() {
    for env in [
        vec![("DASHSCOPE_API_KEY", SECRET)],
        vec![("DASHSCOPE_API_KEY", SECRET), ("WANEDIT_ACCESS_TOKEN", "")],
    ] {
        let Err((status, lines)) = try_start_relay(&[], &env) else {
            panic!("started with a key and no restriction");
        };
        let status = status.expect("exited");
        assert!(!status.success());
        let all = lines.join("\n");
        assert!(all.contains("refusing to start"), "{all}");
        assert!(!all.contains(SECRET), "{all}");
    }
    // The same key with a restriction starts.
    let relay = start_relay(&["--access-token", TOKEN], &[("DASHSCOPE_API_KEY", SECRET)]);
    drop(relay);
    // So does a key file with an explicit origin.
    let path = std::env::temp_dir().join(format!("wanedit-relay-key-{}", std::process::id()));
    std::fs::write(&path, format!("{SECRET}\n")).unwrap();
    let relay = start_relay(
        &[
            "--api-key-file",
            path.to_str().unwrap(),
            "--allow-origin",
            "https://app.example",
        ],
        &[],
    );
    drop(relay);
    let _ = std::fs::remove_file(&path);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn origin_restricted_key_holding() {
    let sim = sim(&[SECRET]).await;
    let relay = start_relay_for_sim(
        &sim,
        &["--allow-origin", "https://app.example"],
        &[("DASHSCOPE_API_KEY", SECRET)],
    );
    let c = client();
    let url = relay.url("/sim/api/v1/tasks/0385dc79-5ff8-4d82-bcb6-4ab1a2b3c4d5");
    let resp = get_from_origin(&c, &url, "https://app.example").await;
    assert_origin_allowed(&resp, 200, "https://app.example");
    // Without Origin (curl, scripts): refused, the key is for the allowed web app only.
    let (status, _, body) = send_json(c.get(&url)).await;
    assert_error(status, &body, 401, "RelayUnauthorized");
    let resp = get_from_origin(&c, &url, "https://evil.example").await;
    assert_origin_denied(&resp);
    assert_eq!(sim.control().requests_to("task_get").len(), 1);
    sim.shutdown().await;
}

/// `--simulate`: the relay starts the simulator itself and holds its demo key, so a browser
/// needs no key at all.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn simulate_mode_holds_the_demo_key() {
    let relay = start_relay(&["--simulate"], &[]);
    let c = client();
    let (_, _, config) = send_json(c.get(relay.url("/api/relay/config"))).await;
    let names: Vec<_> = config["upstreams"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["name"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(names, ["intl", "cn", "sim"]);
    assert_eq!(config["holds_key"], false, "the demo key is not a real key");
    send_ok(
        c.post(relay.create_url("sim"))
            .header("origin", relay.origin())
            .body(valid_body().to_string()),
    )
    .await;
    // The simulator's upload host is allowed automatically.
    let (_, policy) = send_ok(c.get(relay.url(SIM_UPLOAD_POLICY_PATH))).await;
    assert!(policy["data"]["upload_host"]
        .as_str()
        .unwrap()
        .contains("/sim/oss/"));
    let (exit, _) = relay.stop();
    assert!(exit.success());
}

/// The in-process simulator's clock speed is published for the browser's polling, only on
/// its own upstream.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn simulate_mode_publishes_its_clock_speed() {
    let relay = start_relay(&["--simulate", "--sim-time-scale", "30"], &[]);
    let (_, _, config) = send_json(client().get(relay.url("/api/relay/config"))).await;
    let upstreams = config["upstreams"].as_array().unwrap();
    let scale =
        |name: &str| upstreams.iter().find(|u| u["name"] == name).unwrap()["time_scale"].clone();
    assert_eq!(scale("sim"), serde_json::json!(30.0));
    assert_eq!(scale("intl"), serde_json::Value::Null);
}
