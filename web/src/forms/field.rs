//! [`Field`]: every field of the six forms, its API name, where it lives in the request body
//! and which media rules apply to it.

use serde::{Deserialize, Serialize};
use wanedit_core::media::MediaRole;
use wanedit_core::Family;

/// A field of a form. Its API name is the request field it fills.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Field {
    /// `model` (chosen by region, shown read-only).
    Model,
    /// `input.prompt`.
    Prompt,
    /// `input.negative_prompt` (Wan 2.7).
    NegativePrompt,
    /// `input.ref_images_url` (VACE).
    RefImages,
    /// `input.video_url` (VACE).
    VideoUrl,
    /// `input.mask_image_url`.
    MaskImageUrl,
    /// `input.mask_frame_id`.
    MaskFrameId,
    /// `input.mask_video_url`.
    MaskVideoUrl,
    /// `input.first_frame_url`.
    FirstFrameUrl,
    /// `input.last_frame_url`.
    LastFrameUrl,
    /// `input.first_clip_url`.
    FirstClipUrl,
    /// `input.last_clip_url`.
    LastClipUrl,
    /// The `video` item of `input.media` (Wan 2.7).
    Video27,
    /// The `reference_image` items of `input.media` (Wan 2.7).
    RefImages27,
    /// `parameters.obj_or_bg`.
    ObjOrBg,
    /// `parameters.size`.
    Size,
    /// `parameters.duration`.
    Duration,
    /// `parameters.prompt_extend`.
    PromptExtend,
    /// `parameters.seed`.
    Seed,
    /// `parameters.watermark`.
    Watermark,
    /// `parameters.control_condition`.
    ControlCondition,
    /// `parameters.strength`.
    Strength,
    /// `parameters.mask_type`.
    MaskType,
    /// `parameters.expand_ratio`.
    ExpandRatio,
    /// `parameters.expand_mode`.
    ExpandMode,
    /// `parameters.top_scale`.
    TopScale,
    /// `parameters.bottom_scale`.
    BottomScale,
    /// `parameters.left_scale`.
    LeftScale,
    /// `parameters.right_scale`.
    RightScale,
    /// `parameters.resolution`.
    Resolution,
    /// `parameters.ratio`.
    Ratio,
    /// `parameters.audio_setting`.
    AudioSetting,
    /// Issues about the body as a whole (shown above the Submit button).
    General,
}

impl Field {
    /// Every field.
    pub const ALL: [Field; 33] = [
        Field::Model,
        Field::Prompt,
        Field::NegativePrompt,
        Field::RefImages,
        Field::VideoUrl,
        Field::MaskImageUrl,
        Field::MaskFrameId,
        Field::MaskVideoUrl,
        Field::FirstFrameUrl,
        Field::LastFrameUrl,
        Field::FirstClipUrl,
        Field::LastClipUrl,
        Field::Video27,
        Field::RefImages27,
        Field::ObjOrBg,
        Field::Size,
        Field::Duration,
        Field::PromptExtend,
        Field::Seed,
        Field::Watermark,
        Field::ControlCondition,
        Field::Strength,
        Field::MaskType,
        Field::ExpandRatio,
        Field::ExpandMode,
        Field::TopScale,
        Field::BottomScale,
        Field::LeftScale,
        Field::RightScale,
        Field::Resolution,
        Field::Ratio,
        Field::AudioSetting,
        Field::General,
    ];

    /// The request field name (`video_url`, `seed`; `video` / `reference_image` for the Wan 2.7
    /// media items, as `MediaRole::for_field` names them).
    pub fn api_name(self) -> &'static str {
        match self {
            Field::Model => "model",
            Field::Prompt => "prompt",
            Field::NegativePrompt => "negative_prompt",
            Field::RefImages => "ref_images_url",
            Field::VideoUrl => "video_url",
            Field::MaskImageUrl => "mask_image_url",
            Field::MaskFrameId => "mask_frame_id",
            Field::MaskVideoUrl => "mask_video_url",
            Field::FirstFrameUrl => "first_frame_url",
            Field::LastFrameUrl => "last_frame_url",
            Field::FirstClipUrl => "first_clip_url",
            Field::LastClipUrl => "last_clip_url",
            Field::Video27 => "video",
            Field::RefImages27 => "reference_image",
            Field::ObjOrBg => "obj_or_bg",
            Field::Size => "size",
            Field::Duration => "duration",
            Field::PromptExtend => "prompt_extend",
            Field::Seed => "seed",
            Field::Watermark => "watermark",
            Field::ControlCondition => "control_condition",
            Field::Strength => "strength",
            Field::MaskType => "mask_type",
            Field::ExpandRatio => "expand_ratio",
            Field::ExpandMode => "expand_mode",
            Field::TopScale => "top_scale",
            Field::BottomScale => "bottom_scale",
            Field::LeftScale => "left_scale",
            Field::RightScale => "right_scale",
            Field::Resolution => "resolution",
            Field::Ratio => "ratio",
            Field::AudioSetting => "audio_setting",
            Field::General => "general",
        }
    }

    /// The field of `family` whose API name is `name`.
    pub fn from_api_name(family: Family, name: &str) -> Option<Field> {
        let found = Field::ALL
            .into_iter()
            .find(|f| f.api_name() == name && *f != Field::General)?;
        match (family, found) {
            (Family::Vace, Field::Video27 | Field::RefImages27 | Field::NegativePrompt) => None,
            (Family::VideoEdit27, Field::RefImages | Field::VideoUrl) => None,
            _ => Some(found),
        }
    }

    /// Whether the value is a media URL (or a list of them).
    pub fn is_media(self) -> bool {
        self.is_media_list()
            || matches!(
                self,
                Field::VideoUrl
                    | Field::MaskImageUrl
                    | Field::MaskVideoUrl
                    | Field::FirstFrameUrl
                    | Field::LastFrameUrl
                    | Field::FirstClipUrl
                    | Field::LastClipUrl
                    | Field::Video27
            )
    }

    /// Whether the value is a list of media URLs (reference images).
    pub fn is_media_list(self) -> bool {
        matches!(self, Field::RefImages | Field::RefImages27)
    }

    /// The media rules that apply to a file for this field (`MediaRole::for_field`).
    pub fn media_role(self, family: Family) -> Option<MediaRole> {
        MediaRole::for_field(family, self.api_name())
    }

    /// Whether the field holds a video (else an image), for pickers and previews.
    pub fn takes_video(self, family: Family) -> bool {
        matches!(
            self.media_role(family),
            Some(MediaRole::VaceVideo | MediaRole::VaceClip | MediaRole::Wan27Video)
        )
    }

    /// The dotted JSON path of the field (of item `index` for lists) in a body built by
    /// [`build_request`]; issues of local files are reported at this path.
    pub fn path(self, index: Option<usize>) -> String {
        match (self, index) {
            (Field::Model, _) => "model".into(),
            (Field::General, _) => String::new(),
            (Field::Video27, _) => "input.media[0].url".into(),
            (Field::RefImages27, Some(i)) => format!("input.media[{}].url", i + 1),
            (Field::RefImages27, None) => "input.media".into(),
            (Field::RefImages | Field::ObjOrBg, Some(i)) => {
                format!("{}[{i}]", self.path(None))
            }
            (f, _) if f.is_input() => format!("input.{}", f.api_name()),
            (f, _) => format!("parameters.{}", f.api_name()),
        }
    }

    /// Whether the field lives in `input` (else in `parameters`).
    pub fn is_input(self) -> bool {
        matches!(
            self,
            Field::Prompt
                | Field::NegativePrompt
                | Field::RefImages
                | Field::VideoUrl
                | Field::MaskImageUrl
                | Field::MaskFrameId
                | Field::MaskVideoUrl
                | Field::FirstFrameUrl
                | Field::LastFrameUrl
                | Field::FirstClipUrl
                | Field::LastClipUrl
                | Field::Video27
                | Field::RefImages27
        )
    }
}
