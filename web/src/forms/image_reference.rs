//! VACE multi-image reference (`image_reference`): 1–3 reference images (entities, at most one
//! background) become a video. Its `obj_or_bg` and `size` are among the shared VACE
//! parameters (`request.rs`).

use wanedit_core::request::VaceInput;

use super::request::trimmed_refs;
use super::FormValues;

/// The `input` of multi-image reference.
pub(super) fn input(values: &FormValues) -> VaceInput {
    VaceInput::ImageReference {
        prompt: values.prompt.clone(),
        ref_images_url: trimmed_refs(values),
    }
}
