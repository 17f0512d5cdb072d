//! Upload policy → OSS PostObject → `oss://` URL in a task.

mod common;

use base64::Engine as _;
use common::*;
use reqwest::multipart::{Form, Part};
use serde_json::{json, Value};
use wanedit_sim::SimConfig;

const MODEL: &str = "wan2.7-videoedit";

async fn policy(sim: &Sim, model: &str) -> Value {
    let (status, v) = sim
        .get_json(&format!("/api/v1/uploads?action=getPolicy&model={model}"))
        .await;
    assert_eq!(status, 200, "{v}");
    assert!(v["request_id"].is_string());
    v["data"].clone()
}

/// The documented fields in the documented order, with overrides; `None` drops a field.
fn fields(data: &Value, name: &str) -> Vec<(&'static str, Option<String>)> {
    vec![
        (
            "OSSAccessKeyId",
            data["oss_access_key_id"].as_str().map(String::from),
        ),
        ("Signature", data["signature"].as_str().map(String::from)),
        ("policy", data["policy"].as_str().map(String::from)),
        ("key", Some(format!("{}/{name}", upload_dir(data)))),
        (
            "x-oss-object-acl",
            data["x_oss_object_acl"].as_str().map(String::from),
        ),
        (
            "x-oss-forbid-overwrite",
            data["x_oss_forbid_overwrite"].as_str().map(String::from),
        ),
        ("success_action_status", Some("200".into())),
    ]
}

fn form(fields: Vec<(&'static str, Option<String>)>, file: Vec<u8>, file_first: bool) -> Form {
    let part = || {
        Part::bytes(file.clone())
            .file_name("clip.mp4")
            .mime_str("video/mp4")
            .unwrap()
    };
    let mut f = Form::new();
    if file_first {
        f = f.part("file", part());
    }
    for (k, v) in fields {
        if let Some(v) = v {
            f = f.text(k, v);
        }
    }
    if !file_first {
        f = f.part("file", part());
    }
    f
}

async fn post(sim: &Sim, data: &Value, form: Form) -> (u16, String) {
    let host = data["upload_host"].as_str().unwrap();
    let resp = sim.http.post(host).multipart(form).send().await.unwrap();
    (resp.status().as_u16(), resp.text().await.unwrap())
}

/// Posts `content` as the file after `fields`, in the documented place (last).
async fn upload_with(
    sim: &Sim,
    data: &Value,
    fields: Vec<(&'static str, Option<String>)>,
    content: Vec<u8>,
) -> (u16, String) {
    post(sim, data, form(fields, content, false)).await
}

/// Uploads `content` as `name` with the policy's fields as issued: the upload that should work.
async fn upload(sim: &Sim, data: &Value, name: &str, content: Vec<u8>) -> (u16, String) {
    upload_with(sim, data, fields(data, name), content).await
}

/// The policy's directory, where its uploads land.
fn upload_dir(data: &Value) -> &str {
    data["upload_dir"].as_str().unwrap()
}

fn oss_body(url: &str) -> Value {
    json!({"model": MODEL, "input": {"prompt": "p", "media": [{"type": "video", "url": url}]}})
}

/// A good submit that also asks DashScope to resolve `oss://` URLs, as uploads need.
async fn submit_with_resolve(sim: &Sim, body: &Value) -> reqwest::Response {
    let resolve = ("X-DashScope-OssResourceResolve", "enable");
    sim.submit_with(Some(KEY), &[ASYNC, resolve], body).await
}

#[tokio::test]
async fn policy_upload_and_oss_url_round_trip() {
    let sim = start().await;
    let data = policy(&sim, MODEL).await;
    assert_eq!(data["upload_host"], format!("{}/oss", sim.base));
    assert_eq!(data["expire_in_seconds"], 300);
    assert_eq!(data["max_file_size_mb"], 100);
    assert_eq!(data["x_oss_object_acl"], "private");
    assert_eq!(data["x_oss_forbid_overwrite"], "true");
    assert!(data["capacity_limit_mb"].is_u64());
    let dir = upload_dir(&data);
    assert!(
        dir.starts_with("dashscope-instant/") && dir.contains("/2025-05-15/"),
        "{dir}"
    );
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(data["policy"].as_str().unwrap())
        .unwrap();
    let p: Value = serde_json::from_slice(&decoded).unwrap();
    assert_eq!(p["expiration"], "2025-05-15T08:05:00.000Z");

    let content = b"\x00\x00\x00\x18ftypmp42 pretend video".to_vec();
    let (status, text) = upload(&sim, &data, "clip.mp4", content.clone()).await;
    assert_eq!((status, text.as_str()), (200, ""));
    let key = format!("{dir}/clip.mp4");
    assert_eq!(sim.ctl.uploaded(&format!("oss://{key}")).unwrap(), content);
    let back = sim
        .send_bare(reqwest::Method::GET, &format!("/oss/{key}"))
        .await;
    assert_eq!(back.headers()["content-type"], "video/mp4");
    assert_eq!(back.bytes().await.unwrap(), content);
    let rec = &sim.ctl.requests_to("oss_upload")[0];
    assert_eq!(rec.note.as_ref().unwrap()["fields"][7], "file");
    assert_eq!(rec.note.as_ref().unwrap()["stored"]["size"], content.len());

    let url = format!("oss://{key}");
    // Without the resolve header the oss:// URL is refused ...
    let resp = sim.submit_raw(&oss_body(&url)).await;
    let v = expect_error(resp, 400, "InvalidParameter").await;
    assert_eq!(v["message"], "The provided URL does not appear to be valid");
    // ... with it, accepted, and the log shows the header was sent.
    let resp = submit_with_resolve(&sim, &oss_body(&url)).await;
    assert_eq!(resp.status(), 200);
    let subs = sim.ctl.requests_to("submit");
    assert_eq!(subs.len(), 2);
    assert!(!subs[0]
        .headers
        .contains_key("x-dashscope-ossresourceresolve"));
    assert_eq!(subs[1].headers["x-dashscope-ossresourceresolve"], "enable");
    assert_eq!(subs[1].body["input"]["media"][0]["url"], url.as_str());
}

#[tokio::test]
async fn oss_urls_must_name_a_real_fresh_object_of_the_same_model() {
    let sim = start().await;
    let data = policy(&sim, MODEL).await;
    let (status, _) = upload(&sim, &data, "a.mp4", b"abc".to_vec()).await;
    assert_eq!(status, 200);
    let good = format!("oss://{}/a.mp4", upload_dir(&data));

    let resp = submit_with_resolve(&sim, &oss_body("oss://dashscope-instant/x/never.mp4")).await;
    expect_error(resp, 400, "InvalidURL").await;
    // Uploaded for wan2.7, used by VACE.
    let mut vace = vace_body();
    vace["input"]["video_url"] = json!(good);
    expect_error(submit_with_resolve(&sim, &vace).await, 400, "InvalidURL").await;
    // Objects live 48 h.
    sim.advance_secs(48 * 3600 - 1);
    assert_eq!(
        submit_with_resolve(&sim, &oss_body(&good)).await.status(),
        200
    );
    sim.advance_secs(1);
    expect_error(
        submit_with_resolve(&sim, &oss_body(&good)).await,
        400,
        "InvalidURL",
    )
    .await;
}

#[tokio::test]
async fn field_order_and_presence_are_checked() {
    let sim = start().await;
    let data = policy(&sim, MODEL).await;
    // file first: the policy fields arrive too late.
    let (status, text) = post(
        &sim,
        &data,
        form(fields(&data, "a.mp4"), b"abc".to_vec(), true),
    )
    .await;
    assert_eq!(status, 400, "{text}");
    assert!(text.contains("<Code>InvalidArgument</Code>"), "{text}");
    // Each required field missing in turn.
    for i in 0..7 {
        let mut f = fields(&data, &format!("m{i}.mp4"));
        let name = f[i].0;
        f[i].1 = None;
        let (status, text) = upload_with(&sim, &data, f, b"abc".to_vec()).await;
        assert_eq!(status, 400, "without {name}: {text}");
        assert!(text.contains(name), "{text}");
    }
    // No file at all.
    let mut f = Form::new();
    for (k, v) in fields(&data, "x.mp4") {
        f = f.text(k, v.unwrap());
    }
    let (status, text) = post(&sim, &data, f).await;
    assert_eq!(status, 400);
    assert!(text.contains("file"), "{text}");
    // Not multipart.
    let resp = sim
        .http
        .post(sim.url("/oss"))
        .body("x")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 400);
    assert_eq!(sim.ctl.counters().uploads_stored, 0);
}

#[tokio::test]
async fn signature_key_and_overwrite_rules() {
    let sim = start().await;
    let data = policy(&sim, MODEL).await;

    // One field changed: the signature, the key (outside the policy's directory), the access key.
    for (index, value, code) in [
        (1, "bm90IHRoZSBzaWduYXR1cmU=", "SignatureDoesNotMatch"),
        (3, "dashscope-instant/elsewhere/a.mp4", "AccessDenied"),
        (0, "LTAI-someone-else", "InvalidAccessKeyId"),
    ] {
        let mut f = fields(&data, "a.mp4");
        f[index].1 = Some(value.into());
        let (status, text) = upload_with(&sim, &data, f, b"abc".to_vec()).await;
        assert_eq!(status, 403, "{code}: {text}");
        assert!(text.contains(code), "{text}");
    }

    let (status, _) = upload(&sim, &data, "a.mp4", b"abc".to_vec()).await;
    assert_eq!(status, 200);
    let (status, text) = upload(&sim, &data, "a.mp4", b"xyz".to_vec()).await;
    assert_eq!(status, 409, "forbid-overwrite: {text}");
    assert_eq!(
        sim.ctl
            .uploaded(&format!("{}/a.mp4", upload_dir(&data)))
            .unwrap(),
        &b"abc"[..]
    );
}

#[tokio::test]
async fn expired_policy_is_refused() {
    let sim = start().await;
    let data = policy(&sim, MODEL).await;
    sim.advance_secs(299);
    let (status, _) = upload(&sim, &data, "a.mp4", b"abc".to_vec()).await;
    assert_eq!(status, 200);
    sim.advance_secs(1);
    let (status, text) = upload(&sim, &data, "b.mp4", b"abc".to_vec()).await;
    assert_eq!(status, 403);
    assert!(text.contains("Policy expired"), "{text}");
}

#[tokio::test]
async fn oversized_uploads_are_413() {
    let sim = start_with(SimConfig {
        upload_max_bytes: 1024,
        ..frozen()
    })
    .await;
    let data = policy(&sim, MODEL).await;
    let (status, _) = upload(&sim, &data, "ok.mp4", vec![7; 1024]).await;
    assert_eq!(status, 200, "exactly the limit is fine");
    // Over the limit while streaming the file part.
    let (status, text) = upload(&sim, &data, "big.mp4", vec![7; 4096]).await;
    assert_eq!(status, 413);
    assert!(text.contains("EntityTooLarge"), "{text}");
    // Far over the limit: refused from Content-Length alone.
    let (status, text) = upload(&sim, &data, "huge.mp4", vec![7; 512 * 1024]).await;
    assert_eq!(status, 413);
    assert!(text.contains("EntityTooLarge"), "{text}");
    assert!(sim
        .ctl
        .uploaded(&format!("{}/big.mp4", upload_dir(&data)))
        .is_none());
    assert_eq!(sim.ctl.counters().uploads_stored, 1);
}

#[tokio::test]
async fn policy_request_errors() {
    let sim = start().await;
    let (status, v) = sim.get_json("/api/v1/uploads?model=wan2.7-videoedit").await;
    assert_eq!(
        (status, v["code"].as_str()),
        (400, Some("InvalidParameter"))
    );
    let (status, v) = sim.get_json("/api/v1/uploads?action=getPolicy").await;
    assert_eq!(
        (status, v["code"].as_str()),
        (400, Some("InvalidParameter"))
    );
    let (status, v) = sim
        .get_json("/api/v1/uploads?action=getPolicy&model=qwen-max")
        .await;
    assert_eq!((status, v["code"].as_str()), (404, Some("ModelNotFound")));
}
