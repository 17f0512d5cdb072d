//! VACE video outpainting (`video_outpainting`): widens a video's frame. The four scales are
//! among the shared VACE parameters (`request.rs`).

use wanedit_core::request::VaceInput;

use super::request::required_url;
use super::{Field, FormValues};

/// The `input` of video outpainting.
pub(super) fn input(values: &FormValues) -> VaceInput {
    VaceInput::VideoOutpainting {
        prompt: values.prompt.clone(),
        video_url: required_url(values, Field::VideoUrl),
    }
}
