//! The simulator takes what DashScope takes: the official SDKs' bodies with their extra
//! fields, unknown fields at any level, and the other wan video models served on the same
//! endpoint; only a model DashScope does not have is 404 `ModelNotFound`.

mod common;

use common::*;
use serde_json::{json, Value};

/// Virtual seconds after which every task submitted at once has ended: pickup (2 s) plus the
/// longest default run (VACE, 5 min), with room to spare.
const ALL_DONE_SECS: u64 = 400;

/// Submits `body`, lets every task end, and returns the succeeded task's query answer,
/// after checking that its `video_url` serves the sample video.
async fn run_to_success(sim: &Sim, body: &Value) -> Value {
    let id = sim.submit(body).await;
    assert_eq!(sim.status_of(&id).await, "PENDING");
    sim.advance_secs(ALL_DONE_SECS);
    let task = sim.task(&id).await;
    assert_eq!(task["output"]["task_status"], "SUCCEEDED", "{body}: {task}");
    assert_result_video(sim, &task).await;
    task
}

/// The task's `video_url` answers with the simulator's sample MP4.
async fn assert_result_video(sim: &Sim, task: &Value) {
    let url = task["output"]["video_url"].as_str().expect("video_url");
    let resp = sim.http.get(url).send().await.unwrap();
    assert_eq!(resp.status(), 200, "{url}");
    assert_eq!(resp.headers()["content-type"], "video/mp4");
    assert_eq!(
        &resp.bytes().await.unwrap()[..],
        wanedit_sim::result_video()
    );
}

#[tokio::test]
async fn python_sdk_wan27_body_with_function_and_extend_prompt_succeeds() {
    let sim = start().await;
    // What dashscope 2.0.2's `VideoSynthesis.async_call(model="wan2.7-videoedit", prompt=…,
    // media=[…], resolution="720P")` puts on the wire: `input.extend_prompt` (its deprecated
    // flag, always sent) and `input.function: "video-synthesis"` (its task name).
    let body = json!({
        "model": "wan2.7-videoedit",
        "input": {
            "prompt": "Convert the entire scene to a claymation style",
            "extend_prompt": true,
            "function": "video-synthesis",
            "media": [
                {"type": "video", "url": "https://example.com/in.mp4"},
                {"type": "reference_image", "url": "https://example.com/ref.png"}
            ]
        },
        "parameters": {"resolution": "720P"}
    });
    let task = run_to_success(&sim, &body).await;
    assert_eq!(task["usage"]["SR"], 720);
    assert_eq!(task["usage"]["video_count"], 1);
    assert_eq!(
        task["output"]["orig_prompt"],
        "Convert the entire scene to a claymation style"
    );
    // The request log kept the body as sent, extra fields included.
    let rec = &sim.ctl.requests_to("submit")[0];
    assert_eq!(rec.body["input"]["function"], "video-synthesis");
    assert_eq!(rec.body["input"]["extend_prompt"], true);
}

#[tokio::test]
async fn unknown_fields_at_any_level_are_taken() {
    let sim = start().await;
    let mut vace = vace_body();
    vace["future_top_level"] = json!({"nested": [1, 2]});
    vace["input"]["future_input"] = json!("x");
    vace["parameters"]["future_parameter"] = json!(0.5);
    let mut wan27 = wan27_body();
    wan27["input"]["media"][0]["future_media_field"] = json!(true);
    wan27["parameters"]["audio_setting"] = json!("origin");
    wan27["input"]["ref_images_url"] = json!(["https://example.com/other-model-field.png"]);
    let generic = json!({
        "model": "wan2.6-t2v",
        "input": {"prompt": "A cat surfing", "future_input": {"a": null}},
        "parameters": {"future_parameter": [], "size": "1280*720"},
        "future_top_level": 7
    });
    for body in [vace, wan27, generic] {
        run_to_success(&sim, &body).await;
    }
}

/// A body for `model` as the Vercel AI SDK's `@ai-sdk/alibaba` 2.0.58 builds it for that
/// model's kind (`parameters` always present, possibly empty); older models that the AI SDK
/// does not name get the Python SDK's field names, which are the same.
fn ai_sdk_body(model: &str) -> Value {
    let prompt = "A red fox runs through fresh snow";
    let image = "https://example.com/first-frame.png";
    let (input, parameters) = if model.contains("-i2v") {
        if model.starts_with("wan2.7") || model.starts_with("wan2.6") {
            (
                json!({"prompt": prompt, "img_url": image}),
                json!({"resolution": "720P", "duration": 5, "seed": 42}),
            )
        } else {
            (
                json!({"prompt": prompt, "img_url": image}),
                json!({"resolution": "480P"}),
            )
        }
    } else if model.contains("-kf2v") {
        (
            json!({"prompt": prompt, "first_frame_url": image,
                   "last_frame_url": "https://example.com/last-frame.png"}),
            json!({}),
        )
    } else if model.starts_with("wan2.7") && model.contains("-r2v") {
        (
            json!({"prompt": "Image 1 dances", "media": [
                {"type": "reference_image", "url": "https://example.com/ref.png"},
                {"type": "reference_video", "url": "https://example.com/ref.mp4"}]}),
            json!({"resolution": "1080P", "ratio": "16:9"}),
        )
    } else if model.contains("-r2v") {
        (
            json!({"prompt": "character1 dances",
                   "reference_urls": ["https://example.com/ref.mp4"]}),
            json!({"size": "1280*720", "shot_type": "multi", "audio": true}),
        )
    } else if model.starts_with("wan2.7") {
        (
            json!({"prompt": prompt}),
            json!({"resolution": "720P", "ratio": "16:9", "duration": 10, "prompt_extend": true}),
        )
    } else {
        (
            json!({"prompt": prompt, "negative_prompt": "blur"}),
            json!({"size": "1280*720", "duration": 5, "prompt_extend": false, "watermark": false}),
        )
    };
    json!({"model": model, "input": input, "parameters": parameters})
}

#[tokio::test]
async fn every_served_generation_model_succeeds_with_the_sample_video() {
    let sim = start().await;
    // The text-, image-, keyframe- and reference-to-video models DashScope serves on this
    // endpoint, including every video id the AI SDK names.
    let models = [
        "wan2.6-t2v",
        "wan2.6-i2v",
        "wan2.6-i2v-flash",
        "wan2.6-r2v",
        "wan2.6-r2v-flash",
        "wan2.7-t2v",
        "wan2.7-t2v-2026-06-12",
        "wan2.7-i2v",
        "wan2.7-r2v",
        "wan2.7-r2v-2026-06-12",
        "wan3.0-video",
        "wan2.5-t2v-preview",
        "wan2.5-i2v-preview",
        "wan2.2-t2v-plus",
        "wan2.2-i2v-plus",
        "wan2.2-i2v-flash",
        "wanx2.1-t2v-turbo",
        "wanx2.1-t2v-plus",
        "wanx2.1-i2v-turbo",
        "wanx2.1-i2v-plus",
        "wanx2.1-kf2v-plus",
        "wan2.2-kf2v-flash",
    ];
    for model in models {
        let body = ai_sdk_body(model);
        let task = run_to_success(&sim, &body).await;
        let usage = &task["usage"];
        assert_eq!(usage["video_count"], 1, "{model}: {task}");
        // Each generation's usage names the clip length and its size or tier.
        let secs = usage
            .get("output_video_duration")
            .or(usage.get("video_duration"));
        assert!(
            secs.and_then(Value::as_f64).is_some_and(|s| s > 0.0),
            "{model}: {usage}"
        );
        assert!(
            usage["SR"].is_u64() || usage["video_ratio"].is_string(),
            "{model}: {usage}"
        );
        // prompt_extend defaults to true: the rewritten prompt is reported unless turned off.
        let extend = body["parameters"]["prompt_extend"] != json!(false);
        assert_eq!(
            task["output"]["actual_prompt"].is_string(),
            extend,
            "{model}: {task}"
        );
    }
    // The tiers asked for show in the usage.
    let snap = sim.ctl.tasks();
    assert_eq!(snap.len(), models.len());
    let task = run_to_success(&sim, &ai_sdk_body("wan2.6-i2v")).await;
    assert_eq!(task["usage"]["SR"], 720);
    assert_eq!(task["usage"]["output_video_duration"], 5);
    let task = run_to_success(&sim, &ai_sdk_body("wan2.2-i2v-flash")).await;
    assert_eq!(task["usage"]["SR"], 480);
}

#[tokio::test]
async fn generation_tasks_run_on_the_usual_timing() {
    let sim = start().await;
    let id = sim.submit(&ai_sdk_body("wan2.7-t2v")).await;
    sim.advance_secs(1);
    assert_eq!(sim.status_of(&id).await, "PENDING");
    sim.advance_secs(2); // past the 2 s pickup delay
    assert_eq!(sim.status_of(&id).await, "RUNNING");
    sim.advance_secs(60);
    assert_eq!(sim.status_of(&id).await, "RUNNING");
    sim.advance_secs(60); // two minutes of running, as a wan2.7-videoedit task
    assert_eq!(sim.status_of(&id).await, "SUCCEEDED");
    // Like the editing models, a PENDING generation task can be cancelled.
    let id = sim.submit(&ai_sdk_body("wan2.6-i2v")).await;
    assert_eq!(sim.cancel(&id).await.status(), 200);
    assert_eq!(sim.status_of(&id).await, "CANCELED");
}

#[tokio::test]
async fn a_generation_body_missing_what_its_kind_needs_is_400() {
    let sim = start().await;
    let cases = [
        json!({"model": "wan2.6-t2v", "input": {}, "parameters": {}}),
        json!({"model": "wan2.6-i2v", "input": {"prompt": "p"}, "parameters": {}}),
        json!({"model": "wan2.6-r2v", "input": {"prompt": "p"}, "parameters": {}}),
        json!({"model": "wanx2.1-kf2v-plus", "input": {"prompt": "p"}}),
    ];
    for body in cases {
        let v = expect_error(sim.submit_raw(&body).await, 400, "InvalidParameter").await;
        assert!(
            v["message"]
                .as_str()
                .unwrap()
                .starts_with("Field required: input."),
            "{v}"
        );
    }
    assert!(sim.ctl.tasks().is_empty());
}

#[tokio::test]
async fn a_model_dashscope_does_not_have_is_404_model_not_found() {
    let sim = start().await;
    for model in ["wan3.0-nope", "wan2.6-t2v-typo", "WAN2.6-T2V", "gpt-4o"] {
        let body = json!({"model": model, "input": {"prompt": "p"}, "parameters": {}});
        let v = expect_error(sim.submit_raw(&body).await, 404, "ModelNotFound").await;
        assert_eq!(v["message"], "Model not exist.");
        // Uploads are per model too: no policy for a model that does not exist.
        let path = format!("/api/v1/uploads?action=getPolicy&model={model}");
        let (status, v) = sim.get_json(&path).await;
        assert_eq!((status, v["code"].as_str()), (404, Some("ModelNotFound")));
    }
    // A served generation model gets an upload policy, as the SDKs upload local images for it.
    let (status, v) = sim
        .get_json("/api/v1/uploads?action=getPolicy&model=wan2.6-i2v")
        .await;
    assert_eq!(status, 200, "{v}");
    assert!(v["data"]["upload_dir"].is_string(), "{v}");
    assert!(sim.ctl.tasks().is_empty());
}
