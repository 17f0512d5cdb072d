//! The simulator's own shape checks of a create-task body, and what a task of each model
//! reports when it succeeds.
//!
//! Deliberately independent of `wanedit-core`: if core's validation had a bug, a test double
//! that reused it would agree with the bug instead of catching it.

use serde_json::{json, Map, Value};

use crate::error::SimError;

/// The two model families, which differ in body shape, usage shape and limits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Family {
    /// `wan2.1-vace-plus` (Singapore) / `wanx2.1-vace-plus` (Beijing).
    Vace,
    /// `wan2.7-videoedit`.
    Wan27,
}

/// The model names the simulator knows.
pub const KNOWN_MODELS: [&str; 3] = ["wan2.1-vace-plus", "wanx2.1-vace-plus", "wan2.7-videoedit"];

/// The five VACE `input.function` values.
pub const VACE_FUNCTIONS: [&str; 5] = [
    "image_reference",
    "video_repainting",
    "video_edit",
    "video_extension",
    "video_outpainting",
];

/// The family of a known model name.
pub fn family(model: &str) -> Option<Family> {
    match model {
        "wan2.1-vace-plus" | "wanx2.1-vace-plus" => Some(Family::Vace),
        "wan2.7-videoedit" => Some(Family::Wan27),
        _ => None,
    }
}

/// What the simulator keeps from an accepted create-task body.
#[derive(Debug, Clone)]
pub struct Submission {
    /// Model name as sent.
    pub model: String,
    /// Its family.
    pub family: Family,
    /// `input.prompt`, if any.
    pub prompt: Option<String>,
    /// Whether `actual_prompt` will be reported.
    pub prompt_extend: bool,
    /// The `usage` object a success will report.
    pub usage: Value,
    /// Every `oss://` URL anywhere in the body.
    pub oss_urls: Vec<String>,
}

fn object<'a>(v: &'a Value, name: &str) -> Result<&'a Map<String, Value>, SimError> {
    v.as_object()
        .ok_or_else(|| SimError::invalid_parameter(format!("{name} must be an object")))
}

/// Checks the shape of a create-task body and extracts what the task needs.
pub fn check_submit(body: &Value) -> Result<Submission, SimError> {
    let root = object(body, "request body")?;
    let model = match root.get("model") {
        None | Some(Value::Null) => {
            return Err(SimError::api(
                400,
                "BadRequest.EmptyModel",
                "Required parameter \"model\" missing from request.",
            ))
        }
        Some(Value::String(s)) if s.is_empty() => {
            return Err(SimError::api(
                400,
                "BadRequest.EmptyModel",
                "Required parameter \"model\" missing from request.",
            ))
        }
        Some(Value::String(s)) => s.clone(),
        Some(_) => return Err(SimError::invalid_parameter("model must be a string")),
    };
    let family =
        family(&model).ok_or_else(|| SimError::api(404, "ModelNotFound", "Model not exist."))?;
    let input = match root.get("input") {
        None | Some(Value::Null) => {
            return Err(SimError::api(
                400,
                "BadRequest.EmptyInput",
                "Required input parameter missing from request.",
            ))
        }
        Some(v) => object(v, "input")?,
    };
    let parameters = match root.get("parameters") {
        None | Some(Value::Null) => None,
        Some(v) => Some(object(v, "parameters")?),
    };
    let prompt = match input.get("prompt") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => Some(s.clone()),
        Some(_) => return Err(SimError::invalid_parameter("input.prompt must be a string")),
    };
    let param = |name: &str| parameters.and_then(|p| p.get(name));

    match family {
        Family::Vace => check_vace(input, prompt.as_deref())?,
        Family::Wan27 => check_wan27(input)?,
    }

    let prompt_extend = match param("prompt_extend") {
        None | Some(Value::Null) => family == Family::Wan27,
        Some(Value::Bool(b)) => *b,
        Some(_) => {
            return Err(SimError::invalid_parameter(
                "parameters.prompt_extend must be a boolean",
            ))
        }
    };

    let usage = match family {
        Family::Vace => json!({"video_duration": 5, "video_ratio": "standard", "video_count": 1}),
        Family::Wan27 => {
            // The simulator does not probe the source video; a requested clip length stands in
            // for its duration, else the 5.02 s of Alibaba's sample.
            let secs = match param("duration").and_then(Value::as_f64) {
                Some(d) if (2.0..=10.0).contains(&d) => d,
                _ => 5.02,
            };
            let sr = match param("resolution").and_then(Value::as_str) {
                Some("720P") => 720,
                _ => 1080,
            };
            json!({
                "duration": round2(secs * 2.0),
                "input_video_duration": secs,
                "output_video_duration": secs,
                "video_count": 1,
                "SR": sr,
            })
        }
    };

    let mut oss_urls = Vec::new();
    collect_oss(body, &mut oss_urls);

    Ok(Submission {
        model,
        family,
        prompt,
        prompt_extend,
        usage,
        oss_urls,
    })
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

fn check_vace(input: &Map<String, Value>, prompt: Option<&str>) -> Result<(), SimError> {
    let function = input
        .get("function")
        .and_then(Value::as_str)
        .ok_or_else(|| SimError::invalid_parameter("Field required: input.function"))?;
    if !VACE_FUNCTIONS.contains(&function) {
        return Err(SimError::invalid_parameter(format!(
            "input.function must be one of {}",
            VACE_FUNCTIONS.join(", ")
        )));
    }
    if prompt.is_none_or(|p| p.trim().is_empty()) {
        return Err(SimError::invalid_parameter("Field required: input.prompt"));
    }
    Ok(())
}

fn check_wan27(input: &Map<String, Value>) -> Result<(), SimError> {
    let media = input
        .get("media")
        .and_then(Value::as_array)
        .ok_or_else(|| SimError::invalid_parameter("Field required: input.media"))?;
    let mut videos = 0;
    let mut images = 0;
    for item in media {
        let kind = item.get("type").and_then(Value::as_str);
        let url = item.get("url").and_then(Value::as_str);
        if url.is_none_or(str::is_empty) {
            return Err(SimError::invalid_parameter(
                "Field required: input.media[].url",
            ));
        }
        match kind {
            Some("video") => videos += 1,
            Some("reference_image") => images += 1,
            _ => {
                return Err(SimError::invalid_parameter(
                    "input.media[].type must be video or reference_image",
                ))
            }
        }
    }
    if videos != 1 {
        return Err(SimError::invalid_parameter(
            "input.media must contain exactly one video",
        ));
    }
    if images > 4 {
        return Err(SimError::invalid_parameter(
            "input.media may contain at most 4 reference_image items",
        ));
    }
    Ok(())
}

fn collect_oss(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::String(s) if s.starts_with("oss://") => out.push(s.clone()),
        Value::Array(items) => items.iter().for_each(|i| collect_oss(i, out)),
        Value::Object(map) => map.values().for_each(|i| collect_oss(i, out)),
        _ => {}
    }
}

/// The prompt a prompt-extending model reports having actually used.
pub fn extended_prompt(prompt: Option<&str>) -> String {
    let base = prompt.unwrap_or("A short video clip").trim_end_matches('.');
    format!("{base}. Cinematic lighting, smooth camera movement, rich detail, high quality.")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(r: Result<Submission, SimError>) -> (u16, String) {
        match r {
            Err(SimError::Api { status, code, .. }) => (status, code),
            other => panic!("expected an API error, got {other:?}"),
        }
    }

    #[test]
    fn accepts_vace_and_collects_oss() {
        let s = check_submit(&json!({
            "model": "wan2.1-vace-plus",
            "input": {"function": "image_reference", "prompt": "p",
                      "ref_images_url": ["oss://a/b.png", "https://x/y.png"]},
            "parameters": {"obj_or_bg": ["obj", "bg"]}
        }))
        .unwrap();
        assert_eq!(s.family, Family::Vace);
        assert!(!s.prompt_extend);
        assert_eq!(s.oss_urls, vec!["oss://a/b.png".to_string()]);
        assert_eq!(s.usage["video_ratio"], "standard");
    }

    #[test]
    fn rejects_bad_shapes() {
        assert_eq!(
            code(check_submit(&json!({"input": {}}))).1,
            "BadRequest.EmptyModel"
        );
        assert_eq!(code(check_submit(&json!({"model": "wan9"}))).0, 404);
        assert_eq!(
            code(check_submit(&json!({"model": "wan2.7-videoedit"}))).1,
            "BadRequest.EmptyInput"
        );
        let no_prompt = json!({"model": "wanx2.1-vace-plus", "input": {"function": "video_edit"}});
        assert_eq!(code(check_submit(&no_prompt)).1, "InvalidParameter");
        let bad_fn =
            json!({"model": "wanx2.1-vace-plus", "input": {"function": "x", "prompt": "p"}});
        assert_eq!(code(check_submit(&bad_fn)).1, "InvalidParameter");
        let two_videos = json!({"model": "wan2.7-videoedit", "input": {"media": [
            {"type": "video", "url": "https://a"}, {"type": "video", "url": "https://b"}]}});
        assert_eq!(code(check_submit(&two_videos)).1, "InvalidParameter");
    }

    #[test]
    fn wan27_usage_follows_parameters() {
        let s = check_submit(&json!({"model": "wan2.7-videoedit",
            "input": {"media": [{"type": "video", "url": "https://a"}]},
            "parameters": {"resolution": "720P", "duration": 4}}))
        .unwrap();
        assert!(s.prompt_extend);
        assert_eq!(s.usage["SR"], 720);
        assert_eq!(s.usage["duration"], 8.0);
        assert_eq!(s.usage["input_video_duration"], 4.0);
    }
}
