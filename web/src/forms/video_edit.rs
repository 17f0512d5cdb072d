//! VACE local editing (`video_edit`): edits the area of a video a mask marks. The form sends
//! either a mask image with its frame (`mask_image_url` + `mask_frame_id`, the recommended
//! way, drawn in the mask editor or chosen) or a mask video, as [`MaskKind`] says.

use wanedit_core::request::VaceInput;

use super::request::{optional_refs, required_url};
use super::typed::Numbers;
use super::{Field, FormValues, MaskKind};

/// The `input` of local editing; `mask_frame_id` is read through `numbers` (text that is not
/// a whole number is sent as typed).
pub(super) fn input(values: &FormValues, numbers: &mut Numbers) -> VaceInput {
    let image = values.mask_kind == MaskKind::Image;
    VaceInput::VideoEdit {
        prompt: values.prompt.clone(),
        video_url: required_url(values, Field::VideoUrl),
        ref_images_url: optional_refs(values),
        mask_image_url: if image {
            Some(required_url(values, Field::MaskImageUrl))
        } else {
            None
        },
        mask_frame_id: if image {
            numbers.get(values, Field::MaskFrameId)
        } else {
            None
        },
        mask_video_url: if image {
            None
        } else {
            Some(required_url(values, Field::MaskVideoUrl))
        },
    }
}
