//! The models the simulator serves, its own shape checks of a create-task body, and what a
//! task of each model reports when it succeeds.
//!
//! Deliberately independent of `wanedit-core`: if core's validation had a bug, a test double
//! that reused it would agree with the bug instead of catching it.
//!
//! The simulator plays DashScope, so it refuses only what the documents say DashScope refuses
//! (a missing required field, a wrong type, a value outside a documented enum or count, an
//! unknown model) and takes everything else, unknown fields at any level included: DashScope
//! takes the extra fields the official SDKs send (`input.function: "video-synthesis"` and
//! `input.extend_prompt` on every `wan2.7-videoedit` body of the Python SDK), and a stricter
//! double would hide that a client cannot reach the real service through the relay.
//!
//! - [`vace`]: `wan2.1-vace-plus` / `wanx2.1-vace-plus`, the five functions of seeds 000–004.
//! - [`wan27`]: `wan2.7-videoedit`, seed 004.
//! - [`generic`]: the other wan models DashScope serves on the same endpoint (text-, image-,
//!   keyframe- and reference-to-video), which the documents here do not describe: they need
//!   only what their kind cannot work without.

pub mod generic;
pub mod vace;
pub mod wan27;

use serde_json::{Map, Value};

use crate::error::SimError;
pub use generic::{Generic, GenericKind, UsageShape};
pub use vace::VACE_FUNCTIONS;

/// How the simulator treats a model: its body shape, usage shape and limits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Family {
    /// `wan2.1-vace-plus` (Singapore) / `wanx2.1-vace-plus` (Beijing).
    Vace,
    /// `wan2.7-videoedit`.
    Wan27,
    /// Any other served wan model; it succeeds with the sample video.
    Generic(Generic),
}

/// One model DashScope serves on the video-synthesis endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ModelSpec {
    /// The model name as sent in `model`.
    pub name: &'static str,
    /// How the simulator treats it.
    pub family: Family,
}

const fn model(name: &'static str, family: Family) -> ModelSpec {
    ModelSpec { name, family }
}

const fn served(name: &'static str, kind: GenericKind, usage: UsageShape) -> ModelSpec {
    model(name, Family::Generic(Generic { kind, usage }))
}

use GenericKind::{AllInOne, ImageToVideo, KeyframeToVideo, ReferenceToVideo, TextToVideo};
use UsageShape::{Detailed, Ratio, Resolution};

/// Every model name the simulator knows: the one table of it. A name not here gets 404
/// `ModelNotFound`, as DashScope answers a model it does not have.
///
/// The generic entries are the wan video-synthesis models of Model Studio's model list and
/// every video model id that the Vercel AI SDK's `@ai-sdk/alibaba` 2.0.58 names (including its
/// dated snapshots and the all-in-one `wan3.0-video`). Their usage shape follows the
/// generation: `wanx2.1` reports `video_ratio`, `wan2.2`/`wan2.5` report `SR`, `wan2.6` and
/// later report the split durations and `SR` that wan2.7-videoedit reports.
pub const MODELS: &[ModelSpec] = &[
    model("wan2.1-vace-plus", Family::Vace),
    model("wanx2.1-vace-plus", Family::Vace),
    model("wan2.7-videoedit", Family::Wan27),
    // One id for text-, image- and reference-to-video.
    served("wan3.0-video", AllInOne, Detailed),
    // Text to video.
    served("wan2.7-t2v", TextToVideo, Detailed),
    served("wan2.7-t2v-2026-06-12", TextToVideo, Detailed),
    served("wan2.6-t2v", TextToVideo, Detailed),
    served("wan2.5-t2v-preview", TextToVideo, Resolution),
    served("wan2.2-t2v-plus", TextToVideo, Resolution),
    served("wanx2.1-t2v-turbo", TextToVideo, Ratio),
    served("wanx2.1-t2v-plus", TextToVideo, Ratio),
    // Image (first frame) to video.
    served("wan2.7-i2v", ImageToVideo, Detailed),
    served("wan2.6-i2v", ImageToVideo, Detailed),
    served("wan2.6-i2v-flash", ImageToVideo, Detailed),
    served("wan2.5-i2v-preview", ImageToVideo, Resolution),
    served("wan2.2-i2v-plus", ImageToVideo, Resolution),
    served("wan2.2-i2v-flash", ImageToVideo, Resolution),
    served("wanx2.1-i2v-turbo", ImageToVideo, Ratio),
    served("wanx2.1-i2v-plus", ImageToVideo, Ratio),
    // First and last frame to video.
    served("wan2.2-kf2v-flash", KeyframeToVideo, Resolution),
    served("wanx2.1-kf2v-plus", KeyframeToVideo, Ratio),
    // Reference to video.
    served("wan2.7-r2v", ReferenceToVideo, Detailed),
    served("wan2.7-r2v-2026-06-12", ReferenceToVideo, Detailed),
    served("wan2.6-r2v", ReferenceToVideo, Detailed),
    served("wan2.6-r2v-flash", ReferenceToVideo, Detailed),
];

/// The names of every model the simulator serves, in table order.
pub fn known_models() -> impl Iterator<Item = &'static str> {
    MODELS.iter().map(|m| m.name)
}

/// The family of a known model name.
pub fn family(model: &str) -> Option<Family> {
    MODELS.iter().find(|m| m.name == model).map(|m| m.family)
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

/// DashScope's 400 for a required field that is absent: `Field required: PATH`.
pub(crate) fn field_required(path: &str) -> SimError {
    SimError::invalid_parameter(format!("Field required: {path}"))
}

/// The `parameters` and `input` of a body, as each family's checks read them.
pub(crate) struct Body<'a> {
    /// `input`.
    pub input: &'a Map<String, Value>,
    /// `parameters`, if sent.
    pub parameters: Option<&'a Map<String, Value>>,
}

impl Body<'_> {
    /// `parameters.NAME`, if sent and not null.
    pub fn param(&self, name: &str) -> Option<&Value> {
        self.parameters
            .and_then(|p| p.get(name))
            .filter(|v| !v.is_null())
    }

    /// `input.NAME`, if sent and not null.
    pub fn input(&self, name: &str) -> Option<&Value> {
        self.input.get(name).filter(|v| !v.is_null())
    }
}

/// The empty-model error: DashScope's code and message for a missing `model`.
fn empty_model() -> SimError {
    SimError::api(
        400,
        "BadRequest.EmptyModel",
        "Required parameter \"model\" missing from request.",
    )
}

/// Checks the shape of a create-task body and extracts what the task needs.
pub fn check_submit(body: &Value) -> Result<Submission, SimError> {
    let root = object(body, "request body")?;
    let model = match root.get("model") {
        None | Some(Value::Null) => return Err(empty_model()),
        Some(Value::String(s)) if s.is_empty() => return Err(empty_model()),
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
    let body_parts = Body { input, parameters };
    let prompt = match body_parts.input("prompt") {
        None => None,
        Some(Value::String(s)) => Some(s.clone()),
        Some(_) => return Err(SimError::invalid_parameter("input.prompt must be a string")),
    };

    let prompt_extend = match body_parts.param("prompt_extend") {
        // VACE documents `false` as the default; wan2.7 and the generation models `true`.
        None => family != Family::Vace,
        Some(Value::Bool(b)) => *b,
        Some(_) => {
            return Err(SimError::invalid_parameter(
                "parameters.prompt_extend must be a boolean",
            ))
        }
    };

    let usage = match family {
        Family::Vace => vace::check(&body_parts, prompt.as_deref())?,
        Family::Wan27 => wan27::check(&body_parts)?,
        Family::Generic(g) => generic::check(g, &body_parts, prompt.as_deref())?,
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

/// `x` rounded to two decimals, as DashScope reports durations.
pub(crate) fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
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
pub(crate) mod tests {
    use super::*;
    use serde_json::json;

    /// The status and code of a refused submission.
    pub(crate) fn code(r: Result<Submission, SimError>) -> (u16, String) {
        match r {
            Err(SimError::Api { status, code, .. }) => (status, code),
            other => panic!("expected an API error, got {other:?}"),
        }
    }

    #[test]
    fn table_names_are_unique() {
        let mut names: Vec<_> = known_models().collect();
        let all = names.len();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), all);
    }

    #[test]
    fn rejects_only_missing_model_input_or_unknown_model() {
        assert_eq!(
            code(check_submit(&json!({"input": {}}))).1,
            "BadRequest.EmptyModel"
        );
        assert_eq!(
            code(check_submit(&json!({"model": "", "input": {}}))).1,
            "BadRequest.EmptyModel"
        );
        assert_eq!(code(check_submit(&json!({"model": "wan9"}))).0, 404);
        assert_eq!(
            code(check_submit(&json!({"model": "wan2.7-videoedit"}))).1,
            "BadRequest.EmptyInput"
        );
        let bad_type = json!({"model": "wan2.6-t2v", "input": {"prompt": 3}});
        assert_eq!(code(check_submit(&bad_type)).1, "InvalidParameter");
        let bad_extend = json!({"model": "wan2.6-t2v", "input": {"prompt": "p"},
            "parameters": {"prompt_extend": "yes"}});
        assert_eq!(code(check_submit(&bad_extend)).1, "InvalidParameter");
    }

    #[test]
    fn collects_oss_urls_anywhere() {
        let s = check_submit(&json!({"model": "wan2.6-r2v",
            "input": {"prompt": "p", "reference_urls": ["oss://a/b.mp4", "https://x/y.png"]},
            "extra": {"deep": ["oss://c/d.png"]}}))
        .unwrap();
        let mut urls = s.oss_urls;
        urls.sort();
        assert_eq!(urls, ["oss://a/b.mp4", "oss://c/d.png"]);
    }
}
