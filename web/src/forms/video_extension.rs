//! VACE video extension (`video_extension`): continues from, or towards, frames or clips. Every
//! source is optional; only the ones given are sent.

use wanedit_core::request::VaceInput;

use super::typed::optional_url;
use super::{Field, FormValues};

/// The `input` of video extension.
pub(super) fn input(values: &FormValues) -> VaceInput {
    VaceInput::VideoExtension {
        prompt: values.prompt.clone(),
        first_frame_url: optional_url(values, Field::FirstFrameUrl),
        last_frame_url: optional_url(values, Field::LastFrameUrl),
        first_clip_url: optional_url(values, Field::FirstClipUrl),
        last_clip_url: optional_url(values, Field::LastClipUrl),
        video_url: optional_url(values, Field::VideoUrl),
    }
}
