//! VACE video repainting (`video_repainting`): keeps a video's motion and repaints it from the
//! prompt, optionally with a reference image. `control_condition` and `strength` are among the
//! shared VACE parameters (`request.rs`).

use wanedit_core::request::VaceInput;

use super::request::{optional_refs, required_url};
use super::{Field, FormValues};

/// The `input` of video repainting.
pub(super) fn input(values: &FormValues) -> VaceInput {
    VaceInput::VideoRepainting {
        prompt: values.prompt.clone(),
        video_url: required_url(values, Field::VideoUrl),
        ref_images_url: optional_refs(values),
    }
}
