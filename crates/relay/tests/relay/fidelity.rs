//! Fidelity: the relay refuses only what the documents say DashScope refuses. Fields and
//! models it does not know are forwarded byte for byte with an `X-Wanedit-Warnings` header;
//! a key held by the relay pays only for `--allow-model` models; `--strict` restores refusal.

use crate::common::*;
use serde_json::json;

const SECRET: &str = "sk-relay-held-fidelity-9d2e";
const TOKEN: &str = "relay-token-fidelity-3b8a6c";
const WARNINGS: &str = "x-wanedit-warnings";

/// What the official Python SDK (dashscope 2.0.2) sends for wan2.7-videoedit, written the way
/// a person might (odd spacing, escapes, key order): the relay must pass these bytes on as is.
const SDK_WAN27_BODY: &str = "{\"model\": \"wan2.7-videoedit\",\n  \"input\": {\"function\": \"video-synthesis\", \"extend_prompt\": true,\n \"prompt\": \"clay \\u00e9 style\", \"media\": [{\"type\": \"video\", \"url\": \"https://x.test/v.mp4\", \"x_note\": 1}]},\n  \"parameters\": {\"resolution\": \"720P\", \"x_future\": {\"a\": [1, 2.50, null]}}, \"x_top\": \"\"}";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn undocumented_fields_are_forwarded_byte_for_byte_with_warnings() {
    let rec = recorder(Reply::Json(
        "{\"output\":{\"task_status\":\"PENDING\",\"task_id\":\"t-1\"}}",
    ))
    .await;
    let relay = start_relay(&["--upstream", &format!("rec={}", rec.base())], &[]);
    let c = client();
    let bodies = [
        SDK_WAN27_BODY.to_string(),
        // VACE with fields of other models and SDKs at every level.
        json!({"model": "wan2.1-vace-plus", "x_top": [1],
            "input": {"function": "video_repainting", "prompt": "a car", "extend_prompt": false,
                "video_url": "https://x.test/v.mp4", "media": []},
            "parameters": {"control_condition": "depth", "negative_prompt": "x", "x": {"y": 1}}})
        .to_string(),
        // A model the documents do not describe: any body shape goes on.
        json!({"model": "wan3.0-video", "input": {"prompt": "a cat", "img_url": "https://x.test/a.png"},
            "parameters": {"size": "1280*720", "seed": -1}})
        .to_string(),
    ];
    for (i, body) in bodies.iter().enumerate() {
        let resp = c
            .post(relay.create_url("rec"))
            .header("origin", relay.origin())
            .header("authorization", "Bearer sk-caller")
            .body(body.clone())
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status().as_u16(), 200, "body {i}: {body}");
        let warnings = resp.headers()[WARNINGS].to_str().unwrap().to_string();
        let exposed = resp.headers()["access-control-expose-headers"]
            .to_str()
            .unwrap()
            .to_ascii_lowercase();
        assert!(exposed.contains(WARNINGS), "{exposed}");
        let hits = rec.hits();
        assert_eq!(hits.len(), i + 1);
        assert_eq!(
            hits[i].body,
            body.as_bytes(),
            "body {i} must be forwarded unchanged"
        );
        match i {
            0 => assert_eq!(
                warnings,
                "unexpected_field x_top, unexpected_field input.extend_prompt, \
                 unexpected_field input.function, unexpected_field input.media[0].x_note, \
                 unexpected_field parameters.x_future"
            ),
            1 => {
                for path in [
                    "x_top",
                    "input.extend_prompt",
                    "input.media",
                    "parameters.negative_prompt",
                    "parameters.x",
                ] {
                    assert!(
                        warnings.contains(&format!("unexpected_field {path}")),
                        "{path} in {warnings}"
                    );
                }
            }
            _ => assert_eq!(warnings, "unknown_model model"),
        }
    }
    // A clean body carries no warnings header; a documented refusal is still refused.
    let resp = c
        .post(relay.create_url("rec"))
        .body(valid_body().to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 200);
    assert!(resp.headers().get(WARNINGS).is_none());
    let mut bad = valid_body();
    bad["parameters"]["control_condition"] = json!("bogus");
    let (status, _, body) = send_json(c.post(relay.create_url("rec")).body(bad.to_string())).await;
    assert_error(status, &body, 400, "InvalidParameter");
    assert_eq!(body["issues"][0]["path"], "parameters.control_condition");
    assert_eq!(
        rec.hits().len(),
        bodies.len() + 1,
        "the refused body was not sent"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn strict_refuses_what_the_documents_do_not_describe() {
    let rec = recorder(Reply::Json("{}")).await;
    let relay = start_relay(
        &["--upstream", &format!("rec={}", rec.base()), "--strict"],
        &[],
    );
    let c = client();
    let (status, _, body) = send_json(c.post(relay.create_url("rec")).body(SDK_WAN27_BODY)).await;
    assert_error(status, &body, 400, "InvalidParameter");
    let paths: Vec<&str> = body["issues"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["path"].as_str().unwrap())
        .collect();
    assert!(paths.contains(&"input.function"), "{paths:?}");
    // Advice about documented fields still passes in strict mode.
    let mut long = valid_body();
    long["input"]["prompt"] = json!("字".repeat(900));
    let resp = c
        .post(relay.create_url("rec"))
        .body(long.to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 200);
    assert_eq!(
        resp.headers()[WARNINGS].to_str().unwrap(),
        "prompt_too_long input.prompt"
    );
    assert_eq!(rec.hits().len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_held_key_pays_only_for_allowed_models() {
    let rec = recorder(Reply::Json("{}")).await;
    let t2v = json!({"model": "wan2.7-t2v", "input": {"prompt": "a cat"}}).to_string();
    let c = client();

    // Caller's own key: any model goes through.
    let open = start_relay(&["--upstream", &format!("rec={}", rec.base())], &[]);
    let resp = c
        .post(open.create_url("rec"))
        .header("authorization", "Bearer sk-caller")
        .body(t2v.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 200);
    assert_eq!(rec.hits().len(), 1);

    // The relay's key: only the editing models by default.
    let held = start_relay(
        &[
            "--upstream",
            &format!("rec={}", rec.base()),
            "--access-token",
            TOKEN,
        ],
        &[("DASHSCOPE_API_KEY", SECRET)],
    );
    let (status, _, body) = send_json(
        c.post(held.create_url("rec"))
            .header("x-relay-token", TOKEN)
            .body(t2v.clone()),
    )
    .await;
    assert_error(status, &body, 403, "RelayModelNotAllowed");
    let message = body["message"].as_str().unwrap();
    assert!(
        message.contains("--allow-model") && message.contains("wan2.7-t2v"),
        "{message}"
    );
    let (status, _, body) = send_json(
        c.get(held.url("/rec/api/v1/uploads?action=getPolicy&model=wan2.6-i2v"))
            .header("x-relay-token", TOKEN),
    )
    .await;
    assert_error(status, &body, 403, "RelayModelNotAllowed");
    assert_eq!(rec.hits().len(), 1, "nothing was spent on a refused model");
    for model in ["wan2.7-videoedit", "wan2.1-vace-plus", "wanx2.1-vace-plus"] {
        let mut body = valid_body();
        body["model"] = json!(model);
        if model == "wan2.7-videoedit" {
            body = json!({"model": model, "input": {"media": [{"type": "video", "url": "https://x.test/v.mp4"}]}});
        }
        let resp = c
            .post(held.create_url("rec"))
            .header("x-relay-token", TOKEN)
            .body(body.to_string())
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status().as_u16(), 200, "{model}");
    }

    // The operator opens more models with globs.
    let wider = start_relay(
        &[
            "--upstream",
            &format!("rec={}", rec.base()),
            "--access-token",
            TOKEN,
            "--allow-model",
            "wan2.*-t2v",
        ],
        &[("DASHSCOPE_API_KEY", SECRET)],
    );
    let resp = c
        .post(wider.create_url("rec"))
        .header("x-relay-token", TOKEN)
        .body(t2v)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 200);
    let (status, _, body) = send_json(
        c.post(wider.create_url("rec"))
            .header("x-relay-token", TOKEN)
            .body(valid_body().to_string()),
    )
    .await;
    assert_error(status, &body, 403, "RelayModelNotAllowed");
    for relay in [open, held, wider] {
        let (_, lines) = relay.stop();
        assert!(!lines.join("\n").contains(SECRET));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn region_presets_name_their_upstreams() {
    let relay = start_relay(
        &[
            "--upstream",
            "us",
            "--upstream",
            "hk",
            "--upstream",
            "ws=https://ws-1a2b.ap-southeast-1.maas.aliyuncs.com",
        ],
        &[],
    );
    let (_, config) = send_ok(client().get(relay.url("/api/relay/config"))).await;
    let names: Vec<&str> = config["upstreams"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["us", "hk", "ws"]);
    let (status, lines) = match try_start_relay(&["--upstream", "mars"], &[]) {
        Err(failed) => failed,
        Ok(_) => panic!("an unknown region must be refused"),
    };
    assert!(status.is_some_and(|s| !s.success()));
    assert!(lines.join("\n").contains("intl, cn, us, hk"), "{lines:?}");
}

/// Runs `wanedit-relay check` with `args` and `env`; its exit success and stdout.
fn run_check(args: &[&str], env: &[(&str, &str)]) -> (bool, String) {
    let out = std::process::Command::new(BIN)
        .arg("check")
        .args(args)
        .env_clear()
        .envs(env.iter().copied())
        .output()
        .unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn check_asks_each_upstream_once_with_a_plain_verdict() {
    let sim = sim(&["sk-sim"]).await;
    let up = format!("sim={}", sim.base_url());
    let down = format!("down=http://127.0.0.1:{}", closed_port());
    let (ok, out) = tokio::task::spawn_blocking({
        let up = up.clone();
        move || run_check(&["--upstream", &up], &[("DASHSCOPE_API_KEY", "sk-sim")])
    })
    .await
    .unwrap();
    assert!(ok, "{out}");
    assert!(
        out.contains("ok   sim") && out.contains("key accepted"),
        "{out}"
    );
    let lists = sim.control().requests_to("task_list");
    assert_eq!(lists.len(), 1, "one cheap list query");
    assert_eq!(lists[0].query.as_deref(), Some("page_size=1"));

    let (ok, out) = tokio::task::spawn_blocking({
        let (up, down) = (up.clone(), down.clone());
        move || {
            run_check(
                &["--upstream", &up, "--upstream", &down],
                &[("DASHSCOPE_API_KEY", "sk-wrong-region")],
            )
        }
    })
    .await
    .unwrap();
    assert!(!ok, "{out}");
    assert!(
        out.contains("FAIL sim") && out.contains("own region"),
        "{out}"
    );
    assert!(
        out.contains("FAIL down") && out.contains("not reachable"),
        "{out}"
    );
    assert!(!out.contains("sk-wrong-region"), "{out}");

    // Pass-through: reachable, nothing to check.
    let (ok, out) = tokio::task::spawn_blocking(move || run_check(&["--upstream", &up], &[]))
        .await
        .unwrap();
    assert!(ok && out.contains("pass-through"), "{out}");
}
