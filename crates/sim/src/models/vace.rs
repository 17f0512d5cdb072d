//! `wan2.1-vace-plus` / `wanx2.1-vace-plus`: what seeds 000–004 say DashScope refuses.

use serde_json::{json, Value};

use super::{field_required, Body};
use crate::error::SimError;

/// The five VACE `input.function` values (seeds 000–004: "function string (Required)", one of
/// these five).
pub const VACE_FUNCTIONS: [&str; 5] = [
    "image_reference",
    "video_repainting",
    "video_edit",
    "video_extension",
    "video_outpainting",
];

/// `parameters.control_condition` per function, as seed 000 lists them ("posebodyface: …",
/// "posebody: …", "depth: …", "scribble: …"); `""` is the documented default ("no
/// extraction") where the field is optional.
fn control_conditions(function: &str) -> Option<&'static [&'static str]> {
    match function {
        "video_repainting" => Some(&["posebodyface", "posebody", "depth", "scribble"]),
        "video_extension" => Some(&["", "posebodyface", "posebody", "depth", "scribble"]),
        "video_edit" => Some(&["", "posebodyface", "depth"]),
        _ => None,
    }
}

/// Checks a VACE body; the `usage` a success reports.
///
/// Refused: a missing `input.function` or one outside the five (documented as required, with
/// five values), and a missing or empty `input.prompt` ("prompt string (Required)"). A prompt
/// of only spaces is present, so it is taken: the documents do not refuse it.
pub(crate) fn check(body: &Body<'_>, prompt: Option<&str>) -> Result<Value, SimError> {
    let function = match body.input("function") {
        None => return Err(field_required("input.function")),
        Some(Value::String(f)) => f.as_str(),
        Some(_) => {
            return Err(SimError::invalid_parameter(
                "input.function must be a string",
            ))
        }
    };
    if !VACE_FUNCTIONS.contains(&function) {
        return Err(SimError::invalid_parameter(format!(
            "input.function must be one of {}",
            VACE_FUNCTIONS.join(", ")
        )));
    }
    if prompt.is_none_or(str::is_empty) {
        return Err(field_required("input.prompt"));
    }
    if let (Some(allowed), Some(given)) = (
        control_conditions(function),
        body.param("control_condition"),
    ) {
        if !given.as_str().is_some_and(|c| allowed.contains(&c)) {
            return Err(SimError::invalid_parameter(format!(
                "parameters.control_condition of {function} must be one of: {}",
                allowed.join(", ")
            )));
        }
    }
    // Seeds 000–004 show VACE's usage: a 5 s clip of the standard ratio.
    Ok(json!({"video_duration": 5, "video_ratio": "standard", "video_count": 1}))
}

#[cfg(test)]
mod tests {
    use crate::models::tests::code;
    use crate::models::{check_submit, Family};
    use serde_json::json;

    #[test]
    fn accepts_vace_with_extra_fields() {
        let s = check_submit(&json!({
            "model": "wan2.1-vace-plus",
            "input": {"function": "image_reference", "prompt": "p", "not_documented": {"a": 1},
                      "ref_images_url": ["oss://a/b.png", "https://x/y.png"]},
            "parameters": {"obj_or_bg": ["obj", "bg"], "future_knob": true},
            "future_top_level": 1
        }))
        .unwrap();
        assert_eq!(s.family, Family::Vace);
        assert!(!s.prompt_extend);
        assert_eq!(s.usage["video_ratio"], "standard");
    }

    #[test]
    fn refuses_what_the_documents_require() {
        let no_prompt = json!({"model": "wanx2.1-vace-plus", "input": {"function": "video_edit"}});
        assert_eq!(code(check_submit(&no_prompt)).1, "InvalidParameter");
        let empty_prompt = json!({"model": "wanx2.1-vace-plus", "input": {"function": "video_edit", "prompt": ""}});
        assert_eq!(code(check_submit(&empty_prompt)).1, "InvalidParameter");
        let no_fn = json!({"model": "wan2.1-vace-plus", "input": {"prompt": "p"}});
        assert_eq!(code(check_submit(&no_fn)).1, "InvalidParameter");
        let bad_fn =
            json!({"model": "wanx2.1-vace-plus", "input": {"function": "x", "prompt": "p"}});
        assert_eq!(code(check_submit(&bad_fn)).1, "InvalidParameter");
        let spaces = json!({"model": "wan2.1-vace-plus", "input": {"function": "video_edit", "prompt": " "}});
        assert!(check_submit(&spaces).is_ok());
        let repaint = |c: &str| json!({"model": "wan2.1-vace-plus", "input": {"function": "video_repainting", "prompt": "p", "video_url": "https://x/v.mp4"}, "parameters": {"control_condition": c}});
        assert_eq!(
            code(check_submit(&repaint("not-a-condition"))).1,
            "InvalidParameter"
        );
        assert_eq!(code(check_submit(&repaint(""))).1, "InvalidParameter");
        assert!(check_submit(&repaint("scribble")).is_ok());
        let edit = json!({"model": "wan2.1-vace-plus", "input": {"function": "video_edit", "prompt": "p"}, "parameters": {"control_condition": "scribble"}});
        assert_eq!(code(check_submit(&edit)).1, "InvalidParameter");
    }
}
