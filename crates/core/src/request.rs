//! Typed create-task bodies. Each serializes to exactly the documented JSON: absent options are
//! left out, enumerations use DashScope's spellings. Parse raw JSON into them with serde, or
//! build them in code and check them with [`CreateRequest::validate`].

use crate::issue::Issue;
use crate::model::{AudioSetting, MediaType, Model, ObjOrBg, Ratio, Resolution, Size};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// Any create-task body.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
// One request is built per submit; boxing would only make matching and building clumsier.
#[allow(clippy::large_enum_variant)]
pub enum CreateRequest {
    /// `wan2.1-vace-plus` / `wanx2.1-vace-plus`.
    Vace(VaceRequest),
    /// `wan2.7-videoedit`.
    VideoEdit(VideoEditRequest),
}

impl CreateRequest {
    /// The model name.
    pub fn model(&self) -> &str {
        match self {
            CreateRequest::Vace(r) => &r.model,
            CreateRequest::VideoEdit(r) => &r.model,
        }
    }

    /// The body as JSON.
    pub fn to_value(&self) -> Value {
        serde_json::to_value(self).unwrap_or(Value::Null)
    }

    /// Every documented rule applied to this body (see [`crate::validate()`]).
    pub fn validate(&self) -> Vec<Issue> {
        crate::validate(&self.to_value())
    }
}

impl From<VaceRequest> for CreateRequest {
    fn from(r: VaceRequest) -> Self {
        CreateRequest::Vace(r)
    }
}

impl From<VideoEditRequest> for CreateRequest {
    fn from(r: VideoEditRequest) -> Self {
        CreateRequest::VideoEdit(r)
    }
}

/// A VACE body: `{"model", "input": {"function", "prompt", …}, "parameters": {…}}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VaceRequest {
    /// `wan2.1-vace-plus` (Singapore) or `wanx2.1-vace-plus` (Beijing).
    pub model: String,
    /// The function and its inputs.
    pub input: VaceInput,
    /// Optional processing parameters (required for `video_repainting`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parameters: Option<VaceParameters>,
}

impl VaceRequest {
    /// A request for `model` with no parameters.
    pub fn new(model: Model, input: VaceInput) -> Self {
        VaceRequest {
            model: model.as_str().to_string(),
            input,
            parameters: None,
        }
    }

    /// The same request with `parameters`.
    pub fn with_parameters(mut self, parameters: VaceParameters) -> Self {
        self.parameters = Some(parameters);
        self
    }
}

/// `input` of a VACE body, tagged by `function`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "function", rename_all = "snake_case")]
pub enum VaceInput {
    /// Multi-image reference.
    ImageReference {
        /// What the video shows (≤ 800 characters are read).
        prompt: String,
        /// 1–3 reference images (more are ignored).
        ref_images_url: Vec<String>,
    },
    /// Video repainting.
    VideoRepainting {
        /// What the video shows.
        prompt: String,
        /// The input video (MP4, ≥ 16 fps, ≤ 50 MB, first 5 s used).
        video_url: String,
        /// At most one entity image that replaces the video's entity.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        ref_images_url: Option<Vec<String>>,
    },
    /// Local editing with a mask.
    VideoEdit {
        /// What the edited area shows.
        prompt: String,
        /// The input video.
        video_url: String,
        /// At most one reference image for the edited area.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        ref_images_url: Option<Vec<String>>,
        /// Mask image, same size as the video (white = edit). Exclusive with `mask_video_url`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        mask_image_url: Option<String>,
        /// The 1-based frame the mask image was drawn on (default 1).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        mask_frame_id: Option<u32>,
        /// Mask video, same format, rate, size and length as the video.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        mask_video_url: Option<String>,
    },
    /// Video extension (5 s total).
    VideoExtension {
        /// What the extended video shows.
        prompt: String,
        /// First frame image.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        first_frame_url: Option<String>,
        /// Last frame image.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        last_frame_url: Option<String>,
        /// First clip (≤ 3 s, with the last clip together).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        first_clip_url: Option<String>,
        /// Last clip.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        last_clip_url: Option<String>,
        /// A video whose motion guides the extension (needs `control_condition`).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        video_url: Option<String>,
    },
    /// Video outpainting.
    VideoOutpainting {
        /// What the widened video shows.
        prompt: String,
        /// The input video.
        video_url: String,
    },
}

/// `parameters` of a VACE body. Every field is optional; which ones a function reads is in
/// [`crate::validate::vace_parameter_fields`].
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct VaceParameters {
    /// `image_reference`: the role of each reference image, same length as `ref_images_url`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub obj_or_bg: Option<Vec<ObjOrBg>>,
    /// `image_reference`, `video_edit`: output size (default `1280*720`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub size: Option<Size>,
    /// Fixed at 5.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration: Option<u32>,
    /// Let an LLM rewrite the prompt.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prompt_extend: Option<bool>,
    /// 0–2147483647.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seed: Option<u32>,
    /// Add an "AI-generated" mark.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub watermark: Option<bool>,
    /// `video_repainting` ([`crate::model::ControlCondition`]), `video_edit`
    /// ([`crate::model::EditControlCondition`]), `video_extension` (with `video_url`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub control_condition: Option<String>,
    /// `video_repainting`: 0.0–1.0 (default 1.0).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub strength: Option<f64>,
    /// `video_edit`: [`crate::model::MaskType`] spelling.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mask_type: Option<crate::model::MaskType>,
    /// `video_edit` with tracking: 0.0–1.0 (default 0.05).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expand_ratio: Option<f64>,
    /// `video_edit` with tracking.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expand_mode: Option<crate::model::ExpandMode>,
    /// `video_outpainting`: 1.0–2.0 (default 1.0).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub top_scale: Option<f64>,
    /// `video_outpainting`: 1.0–2.0.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bottom_scale: Option<f64>,
    /// `video_outpainting`: 1.0–2.0.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub left_scale: Option<f64>,
    /// `video_outpainting`: 1.0–2.0.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub right_scale: Option<f64>,
}

/// A `wan2.7-videoedit` body.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VideoEditRequest {
    /// `wan2.7-videoedit`.
    pub model: String,
    /// Prompt and media.
    pub input: VideoEditInput,
    /// Optional parameters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parameters: Option<VideoEditParameters>,
}

impl VideoEditRequest {
    /// A request editing `video_url` as `prompt` says.
    pub fn new(prompt: impl Into<String>, video_url: impl Into<String>) -> Self {
        VideoEditRequest {
            model: Model::Wan27VideoEdit.as_str().to_string(),
            input: VideoEditInput {
                prompt: Some(prompt.into()),
                negative_prompt: None,
                media: vec![MediaItem {
                    kind: MediaType::Video,
                    url: video_url.into(),
                }],
            },
            parameters: None,
        }
    }
}

/// `input` of a wan2.7 body.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VideoEditInput {
    /// The edit to make (≤ 5000 characters are read).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prompt: Option<String>,
    /// What to avoid (≤ 500 characters are read).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub negative_prompt: Option<String>,
    /// Exactly one video and at most four reference images.
    pub media: Vec<MediaItem>,
}

/// One `input.media` entry.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MediaItem {
    /// `video` or `reference_image`.
    #[serde(rename = "type")]
    pub kind: MediaType,
    /// http(s), oss, or (reference images) a `data:` URL.
    pub url: String,
}

/// `parameters` of a wan2.7 body.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct VideoEditParameters {
    /// 720P or 1080P (default).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resolution: Option<Resolution>,
    /// Output ratio; by default the input's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ratio: Option<Ratio>,
    /// 0 keeps the input length (default); 2–10 takes that many seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration: Option<u32>,
    /// `auto` (default) or `origin`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub audio_setting: Option<AudioSetting>,
    /// Default true.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prompt_extend: Option<bool>,
    /// Default false.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub watermark: Option<bool>,
    /// 0–2147483647.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seed: Option<u32>,
}
