//! "Try an example": one valid request per operation, filled into its form.
//!
//! The bodies are the DashScope documents' own examples (`shared/seeds`: the VACE API
//! reference and the wan2.7 video-edit guide), with their public sample media. On the
//! simulator, which cannot reach the internet, each sample URL is swapped for the simulator's
//! own sample media (`crates/sim/src/samples.rs`: `oss://` objects every model may use, that
//! pass every media rule of these operations: a 2 s 1280×720 clip, its mask, a 640×480 image).

use leptos::prelude::*;
use serde_json::Value;

use super::Ctx;
use crate::forms::Op;
use crate::prefill::values_from_body;

/// The documents' example body of `op`.
fn document_body(op: Op) -> &'static str {
    match op {
        Op::ImageReference => {
            r#"{"model":"wan2.1-vace-plus","input":{"function":"image_reference","prompt":"In the video, a girl gracefully walks out from a misty, ancient forest. Her steps are light, and the camera captures her every nimble moment. When the girl stops and looks around at the lush woods, a smile of surprise and joy blossoms on her face.","ref_images_url":["http://wanx.alicdn.com/material/20250318/image_reference_2_5_16.png","http://wanx.alicdn.com/material/20250318/image_reference_1_5_16.png"]},"parameters":{"obj_or_bg":["obj","bg"],"size":"1280*720"}}"#
        }
        Op::VideoRepainting => {
            r#"{"model":"wan2.1-vace-plus","input":{"function":"video_repainting","prompt":"The video shows a black steampunk-style car driven by a gentleman. The car is decorated with gears and copper pipes. The background features a steam-powered candy factory and retro elements, creating a vintage and playful scene.","video_url":"http://wanx.alicdn.com/material/20250318/video_repainting_1.mp4"},"parameters":{"control_condition":"depth"}}"#
        }
        Op::VideoEdit => {
            r#"{"model":"wan2.1-vace-plus","input":{"function":"video_edit","prompt":"The video shows a Parisian-style French cafe where a lion in a suit is elegantly sipping coffee. It holds a coffee cup in one hand, taking a gentle sip with a relaxed expression.","mask_image_url":"http://wanx.alicdn.com/material/20250318/video_edit_1_mask.png","video_url":"http://wanx.alicdn.com/material/20250318/video_edit_2.mp4","mask_frame_id":1},"parameters":{"mask_type":"tracking","expand_ratio":0.05}}"#
        }
        Op::VideoExtension => {
            r#"{"model":"wan2.1-vace-plus","input":{"function":"video_extension","prompt":"A dog wearing sunglasses is skateboarding on the street, 3D cartoon.","first_clip_url":"http://wanx.alicdn.com/material/20250318/video_extension_1.mp4"},"parameters":{}}"#
        }
        Op::VideoOutpainting => {
            r#"{"model":"wan2.1-vace-plus","input":{"function":"video_outpainting","prompt":"An elegant lady is passionately playing the violin, with a full symphony orchestra behind her.","video_url":"http://wanx.alicdn.com/material/20250318/video_outpainting_1.mp4"},"parameters":{"top_scale":1.5,"bottom_scale":1.5,"left_scale":1.5,"right_scale":1.5}}"#
        }
        Op::Wan27Edit => {
            r#"{"model":"wan2.7-videoedit","input":{"prompt":"Convert the entire scene to a claymation style","media":[{"type":"video","url":"https://help-static-aliyun-doc.aliyuncs.com/file-manage-files/zh-CN/20260402/ldnfdf/wan2.7-videoedit-style-change.mp4"}]},"parameters":{"resolution":"720P","prompt_extend":true}}"#
        }
    }
}

/// The simulator's sample objects (`crates/sim/src/samples.rs`).
const SIM_SAMPLES: &str = "oss://dashscope-instant/wanedit-samples/";

/// The simulator's sample that stands in for a document's sample URL: a video for a video,
/// the mask for the mask, the image for an image.
fn sim_sample(url: &str) -> String {
    let name = if url.ends_with("_mask.png") {
        "mask-1280x720.png"
    } else if url.ends_with(".mp4") {
        "clip-1280x720-2s.mp4"
    } else {
        "image-640x480.png"
    };
    format!("{SIM_SAMPLES}{name}")
}

/// Replaces every sample URL in `v` with the simulator's.
fn to_sim(v: &mut Value) {
    match v {
        Value::String(s) if s.starts_with("http://") || s.starts_with("https://") => {
            *s = sim_sample(s);
        }
        Value::Array(items) => items.iter_mut().for_each(to_sim),
        Value::Object(map) => map.values_mut().for_each(to_sim),
        _ => {}
    }
}

/// Whether the current upstream is a simulator (the relay's own publishes its clock).
pub fn on_simulator(ctx: Ctx) -> bool {
    let name = ctx.settings.with_untracked(|s| s.upstream.clone());
    name == "sim"
        || ctx
            .relay
            .with_untracked(|r| r.upstream(&name).is_some_and(|u| u.time_scale.is_some()))
}

/// Fills the form of `op` with its example for the current upstream, forgetting what was
/// there (local files and the last Submit too).
pub fn fill(ctx: Ctx, op: Op) {
    let Ok(mut body) = serde_json::from_str::<Value>(document_body(op)) else {
        return;
    };
    let sim = on_simulator(ctx);
    if sim {
        if let Some(input) = body.get_mut("input") {
            to_sim(input);
        }
    }
    super::draft::clear(ctx, op);
    let form = ctx.form(op);
    form.values.set(values_from_body(op, &body));
    let t = ctx.t();
    let note = if sim {
        t.example_filled_sim
    } else {
        t.example_filled
    };
    form.note.set(Some(note.to_string()));
}
