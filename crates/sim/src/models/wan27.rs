//! `wan2.7-videoedit`: what seed 004 and the API notes say DashScope refuses.

use serde_json::{json, Value};

use super::{field_required, round2, Body};
use crate::error::SimError;

/// Checks a wan2.7-videoedit body; the `usage` a success reports.
///
/// Refused, per seed 004 ("input.media | array | 是 | 必须包含一个 video 项。可选包含最多 4 个
/// reference_image 项。"): a missing `input.media`, an item without a `url`, an item whose
/// `type` is neither `video` nor `reference_image`, other than exactly one video, or more
/// than four reference images. Everything else is taken, including the `input.function` and
/// `input.extend_prompt` the Python SDK always sends.
pub(crate) fn check(body: &Body<'_>) -> Result<Value, SimError> {
    let media = match body.input("media") {
        None => return Err(field_required("input.media")),
        Some(Value::Array(items)) => items,
        Some(_) => return Err(SimError::invalid_parameter("input.media must be an array")),
    };
    let mut videos = 0;
    let mut images = 0;
    for item in media {
        let url = item.get("url").and_then(Value::as_str);
        if url.is_none_or(str::is_empty) {
            return Err(field_required("input.media[].url"));
        }
        match item.get("type").and_then(Value::as_str) {
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
    // The simulator does not probe the source video; a requested clip length stands in for
    // its duration, else the 5.02 s of Alibaba's sample.
    let secs = match body.param("duration").and_then(Value::as_f64) {
        Some(d) if (2.0..=10.0).contains(&d) => d,
        _ => 5.02,
    };
    let sr = match body.param("resolution").and_then(Value::as_str) {
        Some("720P") => 720,
        _ => 1080,
    };
    Ok(json!({
        "duration": round2(secs * 2.0),
        "input_video_duration": secs,
        "output_video_duration": secs,
        "video_count": 1,
        "SR": sr,
    }))
}

#[cfg(test)]
mod tests {
    use crate::models::tests::code;
    use crate::models::{check_submit, Family};
    use serde_json::json;

    #[test]
    fn usage_follows_parameters() {
        let s = check_submit(&json!({"model": "wan2.7-videoedit",
            "input": {"media": [{"type": "video", "url": "https://a"}]},
            "parameters": {"resolution": "720P", "duration": 4}}))
        .unwrap();
        assert_eq!(s.family, Family::Wan27);
        assert!(s.prompt_extend);
        assert_eq!(s.usage["SR"], 720);
        assert_eq!(s.usage["duration"], 8.0);
        assert_eq!(s.usage["input_video_duration"], 4.0);
    }

    #[test]
    fn takes_the_python_sdk_body() {
        // dashscope 2.0.2 `VideoSynthesis.async_call(model="wan2.7-videoedit", ...)`.
        let s = check_submit(&json!({"model": "wan2.7-videoedit",
            "input": {"prompt": "p", "extend_prompt": true, "function": "video-synthesis",
                      "media": [{"type": "video", "url": "https://a"}]},
            "parameters": {}}))
        .unwrap();
        assert_eq!(s.prompt.as_deref(), Some("p"));
    }

    #[test]
    fn refuses_documented_media_errors() {
        let cases = [
            json!({"input": {}}),
            json!({"input": {"media": "https://a"}}),
            json!({"input": {"media": []}}),
            json!({"input": {"media": [{"type": "video"}]}}),
            json!({"input": {"media": [{"type": "audio", "url": "https://a"}]}}),
            json!({"input": {"media": [{"type": "video", "url": "https://a"},
                                      {"type": "video", "url": "https://b"}]}}),
            json!({"input": {"media": [{"type": "video", "url": "https://v"},
                {"type": "reference_image", "url": "https://1"}, {"type": "reference_image", "url": "https://2"},
                {"type": "reference_image", "url": "https://3"}, {"type": "reference_image", "url": "https://4"},
                {"type": "reference_image", "url": "https://5"}]}}),
        ];
        for mut body in cases {
            body["model"] = json!("wan2.7-videoedit");
            assert_eq!(code(check_submit(&body)).1, "InvalidParameter", "{body}");
        }
    }
}
