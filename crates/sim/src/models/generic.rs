//! The other wan models DashScope serves on the video-synthesis endpoint (text-, image-,
//! keyframe- and reference-to-video): generic tasks that succeed with the sample video.
//!
//! The documents this project builds on do not describe these models, so the simulator holds
//! them to nothing but what their kind cannot work without: a prompt to turn into a video, an
//! image to start from, or references to follow. Every parameter is taken as sent; the ones
//! that shape the result (`duration`, `resolution`, `size`) only shape the reported `usage`.

use serde_json::{json, Map, Value};

use super::{field_required, Body};
use crate::error::SimError;

/// What a generation model makes a video from, and so what a body must carry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GenericKind {
    /// Text to video (`*-t2v*`): needs `input.prompt`.
    TextToVideo,
    /// First frame to video (`*-i2v*`): needs `input.img_url` (what the AI SDK and the
    /// Python SDK send) or `input.media`.
    ImageToVideo,
    /// First and last frame to video (`*-kf2v*`): needs `input.first_frame_url` or
    /// `input.media`.
    KeyframeToVideo,
    /// Reference to video (`*-r2v*`): needs `input.reference_urls` (wan2.6, the AI SDK's
    /// "legacy" protocol), `input.reference_video_urls` (older spelling the Python SDK still
    /// offers) or `input.media` (wan2.7).
    ReferenceToVideo,
    /// One id for every mode (`wan3.0-video`): needs `input.prompt` or `input.media`.
    AllInOne,
}

/// The `usage` object a generation's success reports, which changed between generations.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UsageShape {
    /// `wanx2.1`: `video_duration`, `video_ratio`, `video_count`.
    Ratio,
    /// `wan2.2`, `wan2.5`: `video_duration`, `video_count`, `SR`.
    Resolution,
    /// `wan2.6` and later: `duration`, `input_video_duration`, `output_video_duration`,
    /// `video_count`, `SR` (and `size` when one was asked for), as wan2.7-videoedit reports.
    Detailed,
}

/// A generation model's kind and usage shape.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Generic {
    /// What a body must carry.
    pub kind: GenericKind,
    /// What a success reports.
    pub usage: UsageShape,
}

/// Clip length when none is asked for: every one of these models defaults to 5 s.
const DEFAULT_SECONDS: f64 = 5.0;

/// Output tier when none is asked for: the default of most of these models.
const DEFAULT_SR: u64 = 1080;

/// A non-empty string at `input.NAME`; a present value of another type is DashScope's 400.
fn string_field(body: &Body<'_>, name: &str) -> Result<bool, SimError> {
    match body.input(name) {
        None => Ok(false),
        Some(Value::String(s)) => Ok(!s.is_empty()),
        Some(_) => Err(SimError::invalid_parameter(format!(
            "input.{name} must be a string"
        ))),
    }
}

/// A non-empty array at `input.NAME`; a present value of another type is DashScope's 400.
fn array_field(body: &Body<'_>, name: &str) -> Result<bool, SimError> {
    match body.input(name) {
        None => Ok(false),
        Some(Value::Array(items)) => Ok(!items.is_empty()),
        Some(_) => Err(SimError::invalid_parameter(format!(
            "input.{name} must be an array"
        ))),
    }
}

/// Checks a generation body; the `usage` a success reports.
pub(crate) fn check(
    model: Generic,
    body: &Body<'_>,
    prompt: Option<&str>,
) -> Result<Value, SimError> {
    let has_prompt = prompt.is_some_and(|p| !p.is_empty());
    let media = || array_field(body, "media");
    let (present, required) = match model.kind {
        GenericKind::TextToVideo => (has_prompt, "input.prompt"),
        GenericKind::ImageToVideo => (string_field(body, "img_url")? || media()?, "input.img_url"),
        GenericKind::KeyframeToVideo => (
            string_field(body, "first_frame_url")? || media()?,
            "input.first_frame_url",
        ),
        GenericKind::ReferenceToVideo => (
            array_field(body, "reference_urls")?
                || array_field(body, "reference_video_urls")?
                || media()?,
            "input.reference_urls",
        ),
        GenericKind::AllInOne => (has_prompt || media()?, "input.prompt"),
    };
    if !present {
        return Err(field_required(required));
    }
    Ok(usage(model.usage, body.parameters))
}

/// A number as JSON: an integer when it is one, as DashScope reports whole seconds.
fn number(x: f64) -> Value {
    if x.fract() == 0.0 && x.abs() < 1e15 {
        json!(x as i64)
    } else {
        json!(x)
    }
}

/// The `usage` of a success, from what the body asked for (the simulator makes no video of
/// that length or size: its sample video stands in for every result).
fn usage(shape: UsageShape, parameters: Option<&Map<String, Value>>) -> Value {
    let param = |name: &str| parameters.and_then(|p| p.get(name));
    let secs = param("duration")
        .and_then(Value::as_f64)
        .filter(|d| *d > 0.0)
        .unwrap_or(DEFAULT_SECONDS);
    let size = param("size").and_then(Value::as_str);
    let sr = param("resolution")
        .and_then(Value::as_str)
        .and_then(|r| r.trim().trim_end_matches(['P', 'p']).parse::<u64>().ok())
        .or_else(|| {
            // `size` is "WIDTH*HEIGHT"; its tier is the shorter side.
            let (w, h) = size?.split_once('*')?;
            Some(w.trim().parse::<u64>().ok()?.min(h.trim().parse().ok()?))
        })
        .unwrap_or(DEFAULT_SR);
    match shape {
        UsageShape::Ratio => json!({
            "video_duration": number(secs),
            "video_ratio": size.unwrap_or("standard"),
            "video_count": 1,
        }),
        UsageShape::Resolution => json!({
            "video_duration": number(secs),
            "video_count": 1,
            "SR": sr,
        }),
        UsageShape::Detailed => {
            let mut usage = json!({
                "duration": number(secs),
                "input_video_duration": 0,
                "output_video_duration": number(secs),
                "video_count": 1,
                "SR": sr,
            });
            if let Some(size) = size {
                usage["size"] = json!(size);
            }
            usage
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::models::tests::code;
    use crate::models::{check_submit, family, Family};
    use serde_json::json;

    #[test]
    fn each_kind_needs_only_what_it_makes_a_video_from() {
        let ok = [
            json!({"model": "wan2.6-t2v", "input": {"prompt": "p"}}),
            json!({"model": "wan2.6-i2v", "input": {"img_url": "https://a/b.png"}}),
            json!({"model": "wan2.7-i2v", "input": {"media": [{"type": "first_frame", "url": "u"}]}}),
            json!({"model": "wanx2.1-kf2v-plus", "input": {"first_frame_url": "https://a"}}),
            json!({"model": "wan2.6-r2v", "input": {"reference_urls": ["https://a.mp4"]}}),
            json!({"model": "wan2.7-r2v", "input": {"media": [{"type": "reference_image", "url": "u"}]}}),
            json!({"model": "wan3.0-video", "input": {"prompt": "p"}}),
        ];
        for body in ok {
            let s = check_submit(&body).unwrap_or_else(|e| panic!("{body}: {e}"));
            assert!(matches!(s.family, Family::Generic(_)));
            assert!(s.prompt_extend, "prompt_extend defaults to true");
        }
        let missing = [
            json!({"model": "wan2.6-t2v", "input": {}}),
            json!({"model": "wan2.6-t2v", "input": {"prompt": ""}}),
            json!({"model": "wan2.6-i2v", "input": {"prompt": "p"}}),
            json!({"model": "wan2.2-kf2v-flash", "input": {"prompt": "p"}}),
            json!({"model": "wan2.6-r2v", "input": {"prompt": "p", "reference_urls": []}}),
            json!({"model": "wan3.0-video", "input": {}}),
            json!({"model": "wan2.6-i2v", "input": {"img_url": 7}}),
        ];
        for body in missing {
            assert_eq!(code(check_submit(&body)), (400, "InvalidParameter".into()));
        }
    }

    #[test]
    fn usage_shape_follows_the_generation() {
        let s = check_submit(
            &json!({"model": "wanx2.1-t2v-turbo", "input": {"prompt": "p"},
            "parameters": {"size": "1280*720"}}),
        )
        .unwrap();
        assert_eq!(
            s.usage,
            json!({"video_duration": 5, "video_ratio": "1280*720", "video_count": 1})
        );
        let s = check_submit(
            &json!({"model": "wan2.2-i2v-flash", "input": {"img_url": "u"},
            "parameters": {"resolution": "480P", "duration": 5}}),
        )
        .unwrap();
        assert_eq!(
            s.usage,
            json!({"video_duration": 5, "video_count": 1, "SR": 480})
        );
        let s = check_submit(&json!({"model": "wan2.6-t2v", "input": {"prompt": "p"},
            "parameters": {"size": "1280*720", "duration": 10}}))
        .unwrap();
        assert_eq!(s.usage["SR"], 720);
        assert_eq!(s.usage["duration"], 10);
        assert_eq!(s.usage["output_video_duration"], 10);
        assert_eq!(s.usage["size"], "1280*720");
        assert!(family("wan2.6-t2v-nope").is_none());
    }
}
