//! The six editing forms as plain data: which fields each operation has, what control each
//! field gets, the values a user entered ([`FormValues`]), the request body they make
//! ([`build_request`], through `wanedit-core`'s typed requests) and where each validation
//! [`Issue`] belongs ([`issue_target`]).
//!
//! No rule and no list of allowed values lives here: the fields of each VACE function come
//! from `wanedit_core::validate::vace_input_fields` / `vace_parameter_fields`, the choices
//! from the enumerations' `ALL`, the ranges from `wanedit_core::model::limits`, and every
//! check from `wanedit_core::validate`.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use wanedit_core::media::{
    check_extension_clips, check_mask, check_mask_frame_id, check_media, MediaInfo, MediaRole,
};
use wanedit_core::model::{
    limits, AudioSetting, ControlCondition, EditControlCondition, ExpandMode, MaskType, MediaType,
    ObjOrBg, Ratio, Resolution, Size,
};
use wanedit_core::region::Region;
use wanedit_core::request::{
    MediaItem, VaceInput, VaceParameters, VaceRequest, VideoEditInput, VideoEditParameters,
    VideoEditRequest,
};
use wanedit_core::validate::{vace_input_fields, vace_parameter_fields, validate_for_region};
use wanedit_core::{Family, Issue, Model, VaceFunction};

/// One of the six things a user can do: the five VACE functions and Wan 2.7 video edit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Op {
    /// VACE multi-image reference.
    ImageReference,
    /// VACE video repainting.
    VideoRepainting,
    /// VACE local editing.
    VideoEdit,
    /// VACE video extension.
    VideoExtension,
    /// VACE video outpainting.
    VideoOutpainting,
    /// `wan2.7-videoedit`.
    Wan27Edit,
}

impl Op {
    /// Every operation, in the order of the tabs.
    pub const ALL: [Op; 6] = [
        Op::ImageReference,
        Op::VideoRepainting,
        Op::VideoEdit,
        Op::VideoExtension,
        Op::VideoOutpainting,
        Op::Wan27Edit,
    ];

    /// The VACE function, or `None` for Wan 2.7.
    pub fn vace_function(self) -> Option<VaceFunction> {
        match self {
            Op::ImageReference => Some(VaceFunction::ImageReference),
            Op::VideoRepainting => Some(VaceFunction::VideoRepainting),
            Op::VideoEdit => Some(VaceFunction::VideoEdit),
            Op::VideoExtension => Some(VaceFunction::VideoExtension),
            Op::VideoOutpainting => Some(VaceFunction::VideoOutpainting),
            Op::Wan27Edit => None,
        }
    }

    /// The model family.
    pub fn family(self) -> Family {
        match self {
            Op::Wan27Edit => Family::VideoEdit27,
            _ => Family::Vace,
        }
    }

    /// A stable identifier (DOM ids, storage): the VACE function name or `wan27_edit`.
    pub fn slug(self) -> &'static str {
        match self.vace_function() {
            Some(f) => f.as_str(),
            None => "wan27_edit",
        }
    }

    /// The operation named by [`Op::slug`].
    pub fn parse(slug: &str) -> Option<Op> {
        Op::ALL.into_iter().find(|op| op.slug() == slug)
    }

    /// The operation a create-task body is for.
    pub fn of_body(body: &Value) -> Option<Op> {
        match Model::parse(body.get("model")?.as_str()?)?.family() {
            Family::VideoEdit27 => Some(Op::Wan27Edit),
            Family::Vace => {
                let f = body.pointer("/input/function")?.as_str()?;
                let f = VaceFunction::parse(f)?;
                Op::ALL.into_iter().find(|op| op.vace_function() == Some(f))
            }
        }
    }

    /// The model to send in `region` (`Region::model_for`).
    pub fn model(self, region: &Region) -> Model {
        region.model_for(self.family())
    }

    /// The documented prompt limit (characters read; the rest is cut).
    pub fn prompt_limit(self) -> usize {
        match self.family() {
            Family::Vace => limits::VACE_PROMPT_CHARS,
            Family::VideoEdit27 => limits::WAN27_PROMPT_CHARS,
        }
    }

    /// How many reference images the operation reads (0: none).
    pub fn max_reference_images(self) -> usize {
        match self {
            Op::ImageReference => limits::IMAGE_REFERENCE_MAX_IMAGES,
            Op::VideoRepainting | Op::VideoEdit => limits::SINGLE_REFERENCE_MAX_IMAGES,
            Op::Wan27Edit => limits::WAN27_MAX_REFERENCE_IMAGES,
            Op::VideoExtension | Op::VideoOutpainting => 0,
        }
    }

    /// The fields of the form, in display order.
    pub fn fields(self) -> Vec<Field> {
        match self.vace_function() {
            Some(function) => {
                let mut out = vec![Field::Prompt];
                for name in vace_input_fields(function)
                    .iter()
                    .chain(vace_parameter_fields(function))
                    .chain(VACE_COMMON_PARAMETERS)
                {
                    if let Some(field) = Field::from_api_name(Family::Vace, name) {
                        out.push(field);
                    }
                }
                out
            }
            None => vec![
                Field::Prompt,
                Field::NegativePrompt,
                Field::Video27,
                Field::RefImages27,
                Field::Resolution,
                Field::Ratio,
                Field::Duration,
                Field::AudioSetting,
                Field::PromptExtend,
                Field::Watermark,
                Field::Seed,
            ],
        }
    }
}

/// The `parameters` every VACE function takes (documented on every VACE page).
const VACE_COMMON_PARAMETERS: &[&str] = &["duration", "prompt_extend", "seed", "watermark"];

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

/// What a control offers and its documented default.
#[derive(Debug, Clone, PartialEq)]
pub enum Control {
    /// A prompt with a character counter; `limit` characters are read.
    Text {
        /// Documented limit.
        limit: usize,
        /// Whether the field must not be empty.
        required: bool,
    },
    /// One media URL or local file.
    Media,
    /// Up to `max` media URLs or local files.
    MediaList {
        /// Documented maximum.
        max: usize,
    },
    /// One of `options` (API spellings); `default` is the value used when none is sent
    /// (`None`: the field is required, nothing is preselected).
    Choice {
        /// Allowed spellings.
        options: Vec<&'static str>,
        /// The documented default, if any.
        default: Option<&'static str>,
    },
    /// A picture of each size (a radio group).
    SizePicker {
        /// Allowed sizes.
        options: Vec<Size>,
        /// The default.
        default: Size,
    },
    /// A yes/no with a "default" setting that sends nothing.
    Flag {
        /// The documented default (`None`: not documented, the service decides).
        default: Option<bool>,
    },
    /// A slider over a range.
    Slider {
        /// Smallest value.
        min: f64,
        /// Largest value.
        max: f64,
        /// Step.
        step: f64,
        /// The documented default.
        default: f64,
    },
    /// A whole number in a range (empty: the default).
    Integer {
        /// Smallest value.
        min: u64,
        /// Largest value (`None`: it depends on the input, like the mask frame's).
        max: Option<u64>,
        /// What happens when nothing is given.
        default: Option<u64>,
    },
    /// One of a few whole numbers (a select; nothing chosen sends nothing).
    IntegerChoice {
        /// Allowed values.
        values: Vec<u64>,
        /// The documented default.
        default: u64,
    },
    /// The role of each reference image (one choice per image).
    Roles,
    /// Read-only (the model).
    Fixed,
}

/// The control of `field` in the form of `op`.
pub fn control(op: Op, field: Field) -> Control {
    let family = op.family();
    match field {
        Field::Prompt => Control::Text {
            limit: op.prompt_limit(),
            required: family == Family::Vace,
        },
        Field::NegativePrompt => Control::Text {
            limit: limits::NEGATIVE_PROMPT_CHARS,
            required: false,
        },
        Field::RefImages | Field::RefImages27 => Control::MediaList {
            max: op.max_reference_images(),
        },
        f if f.is_media() => Control::Media,
        Field::ObjOrBg => Control::Roles,
        Field::Size => Control::SizePicker {
            options: Size::ALL.to_vec(),
            default: Size::W1280H720,
        },
        Field::Duration => match family {
            Family::Vace => Control::IntegerChoice {
                values: vec![limits::VACE_DURATION_S as u64],
                default: limits::VACE_DURATION_S as u64,
            },
            Family::VideoEdit27 => {
                let (lo, hi) = limits::WAN27_DURATION_RANGE_S;
                Control::IntegerChoice {
                    values: std::iter::once(0).chain(lo as u64..=hi as u64).collect(),
                    default: 0,
                }
            }
        },
        Field::Seed => Control::Integer {
            min: 0,
            max: Some(limits::SEED_MAX),
            default: None,
        },
        Field::MaskFrameId => Control::Integer {
            min: 1,
            max: None,
            default: Some(1),
        },
        Field::PromptExtend => Control::Flag {
            default: (family == Family::VideoEdit27).then_some(true),
        },
        Field::Watermark => Control::Flag {
            default: Some(false),
        },
        Field::ControlCondition => match op {
            Op::VideoRepainting => Control::Choice {
                options: names(ControlCondition::ALL.iter().map(|c| c.as_str())),
                default: None,
            },
            Op::VideoEdit => Control::Choice {
                options: names(EditControlCondition::ALL.iter().map(|c| c.as_str())),
                default: Some(EditControlCondition::None.as_str()),
            },
            _ => Control::Choice {
                options: names(
                    std::iter::once("").chain(ControlCondition::ALL.iter().map(|c| c.as_str())),
                ),
                default: Some(""),
            },
        },
        Field::Strength => slider(limits::UNIT_RANGE, 0.05, limits::STRENGTH_DEFAULT),
        Field::ExpandRatio => slider(limits::UNIT_RANGE, 0.01, limits::EXPAND_RATIO_DEFAULT),
        Field::TopScale | Field::BottomScale | Field::LeftScale | Field::RightScale => {
            slider(limits::SCALE_RANGE, 0.05, limits::SCALE_RANGE.0)
        }
        Field::MaskType => Control::Choice {
            options: names(MaskType::ALL.iter().map(|c| c.as_str())),
            default: Some(MaskType::Tracking.as_str()),
        },
        Field::ExpandMode => Control::Choice {
            options: names(ExpandMode::ALL.iter().map(|c| c.as_str())),
            default: Some(ExpandMode::Hull.as_str()),
        },
        Field::Resolution => Control::Choice {
            options: names(Resolution::ALL.iter().map(|c| c.as_str())),
            default: Some(Resolution::P1080.as_str()),
        },
        // No fixed default: the input video's ratio.
        Field::Ratio => Control::Choice {
            options: names(Ratio::ALL.iter().map(|c| c.as_str())),
            default: Some(""),
        },
        Field::AudioSetting => Control::Choice {
            options: names(AudioSetting::ALL.iter().map(|c| c.as_str())),
            default: Some(AudioSetting::Auto.as_str()),
        },
        _ => Control::Fixed,
    }
}

fn names<'a>(items: impl Iterator<Item = &'a str>) -> Vec<&'a str> {
    items.collect()
}

fn slider(range: (f64, f64), step: f64, default: f64) -> Control {
    Control::Slider {
        min: range.0,
        max: range.1,
        step,
        default,
    }
}

/// Which mask local editing sends.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MaskKind {
    /// `mask_image_url` (+ `mask_frame_id`), the recommended one.
    #[default]
    Image,
    /// `mask_video_url`.
    Video,
}

/// What a user entered in one form. Empty or absent values are not sent (the documented
/// default applies); numbers are kept as typed, so an out-of-range value reaches validation
/// and is reported beside its field instead of being silently changed.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct FormValues {
    /// `input.prompt`.
    #[serde(default)]
    pub prompt: String,
    /// `input.negative_prompt`.
    #[serde(default)]
    pub negative_prompt: String,
    /// Single media URLs by field.
    #[serde(default)]
    pub urls: BTreeMap<Field, String>,
    /// Reference image URLs, in order (`ref_images_url` or the Wan 2.7 reference images).
    #[serde(default)]
    pub refs: Vec<String>,
    /// The role of each reference image (`obj_or_bg`), parallel to `refs`.
    #[serde(default)]
    pub roles: Vec<ObjOrBg>,
    /// Local editing: which mask is sent.
    #[serde(default)]
    pub mask_kind: MaskKind,
    /// Enumerations by field (API spelling; empty: default).
    #[serde(default)]
    pub choices: BTreeMap<Field, String>,
    /// Numbers by field, as typed (empty: default).
    #[serde(default)]
    pub numbers: BTreeMap<Field, String>,
    /// Booleans by field (absent: default).
    #[serde(default)]
    pub flags: BTreeMap<Field, bool>,
}

impl FormValues {
    /// A URL (empty when not set).
    pub fn url(&self, field: Field) -> &str {
        self.urls.get(&field).map(String::as_str).unwrap_or("")
    }

    /// A choice (empty when not set).
    pub fn choice(&self, field: Field) -> &str {
        self.choices.get(&field).map(String::as_str).unwrap_or("")
    }

    /// A number as typed (empty when not set).
    pub fn number(&self, field: Field) -> &str {
        self.numbers.get(&field).map(String::as_str).unwrap_or("")
    }

    /// Sets a number as typed; a blank one is removed, so it sends nothing (the documented
    /// default applies).
    pub fn set_number(&mut self, field: Field, text: String) {
        if text.trim().is_empty() {
            self.numbers.remove(&field);
        } else {
            self.numbers.insert(field, text);
        }
    }

    /// Sets the URL of a single media field, or of reference image `index`.
    pub fn set_media(&mut self, field: Field, index: Option<usize>, url: String) {
        match index {
            Some(i) if field.is_media_list() => {
                if i >= self.refs.len() {
                    self.refs.resize(i + 1, String::new());
                }
                self.refs[i] = url;
                self.sync_roles();
            }
            _ => {
                self.urls.insert(field, url);
            }
        }
    }

    /// The URL of a single media field, or of reference image `index`.
    pub fn media(&self, field: Field, index: Option<usize>) -> &str {
        match index {
            Some(i) if field.is_media_list() => self.refs.get(i).map(String::as_str).unwrap_or(""),
            _ => self.url(field),
        }
    }

    /// Adds an empty reference image slot.
    pub fn add_ref(&mut self) {
        self.refs.push(String::new());
        self.sync_roles();
    }

    /// Removes reference image `index`.
    pub fn remove_ref(&mut self, index: usize) {
        if index < self.refs.len() {
            self.refs.remove(index);
            if index < self.roles.len() {
                self.roles.remove(index);
            }
        }
        self.sync_roles();
    }

    /// Keeps one role per reference image (new images are entities, `obj`).
    fn sync_roles(&mut self) {
        self.roles.resize(self.refs.len(), ObjOrBg::Obj);
    }

    /// Values for `op` with a result video as its input ("use as input"): the video field
    /// the operation reads first. `None` when the operation takes no video.
    pub fn with_input_video(op: Op, url: &str) -> Option<FormValues> {
        let field = match op {
            Op::VideoRepainting | Op::VideoEdit | Op::VideoOutpainting => Field::VideoUrl,
            Op::VideoExtension => Field::FirstClipUrl,
            Op::Wan27Edit => Field::Video27,
            Op::ImageReference => return None,
        };
        let mut values = FormValues::default();
        values.urls.insert(field, url.to_string());
        Some(values)
    }
}

/// A number type a field holds, read like `str::parse` (floats with [`crate::num::parse`]).
trait FromText: Sized {
    fn from_text(text: &str) -> Option<Self>;
}

impl FromText for u32 {
    fn from_text(text: &str) -> Option<Self> {
        text.parse().ok()
    }
}

impl FromText for i64 {
    fn from_text(text: &str) -> Option<Self> {
        text.parse().ok()
    }
}

impl FromText for f64 {
    fn from_text(text: &str) -> Option<Self> {
        crate::num::parse(text)
    }
}

/// A typed number, or the text as JSON when it does not fit the type (validation reports it).
fn typed<T: FromText>(text: &str) -> Result<Option<T>, Value> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    T::from_text(text).map(Some).ok_or_else(|| raw_json(text))
}

/// The JSON value closest to what was typed: an integer, a number, or the string itself.
fn raw_json(text: &str) -> Value {
    if let Ok(i) = text.parse::<i64>() {
        return Value::from(i);
    }
    if let Ok(u) = text.parse::<u64>() {
        return Value::from(u);
    }
    match crate::num::parse(text) {
        Some(f) if f.is_finite() => Value::from(f),
        _ => Value::String(text.to_string()),
    }
}

/// Collects typed numbers and the raw values that did not fit.
#[derive(Default)]
struct Numbers {
    overrides: Vec<(Field, Value)>,
}

impl Numbers {
    fn get<T: FromText>(&mut self, values: &FormValues, field: Field) -> Option<T> {
        match typed::<T>(values.number(field)) {
            Ok(v) => v,
            Err(raw) => {
                self.overrides.push((field, raw));
                None
            }
        }
    }

    fn apply(self, body: &mut Value) {
        for (field, raw) in self.overrides {
            let section = if field.is_input() {
                "input"
            } else {
                "parameters"
            };
            if let Some(root) = body.as_object_mut() {
                let entry = root
                    .entry(section)
                    .or_insert_with(|| Value::Object(Map::new()));
                if let Some(obj) = entry.as_object_mut() {
                    obj.insert(field.api_name().to_string(), raw);
                }
            }
        }
    }
}

fn optional_url(values: &FormValues, field: Field) -> Option<String> {
    let url = values.url(field).trim();
    (!url.is_empty()).then(|| url.to_string())
}

fn optional_text(text: &str) -> Option<String> {
    (!text.is_empty()).then(|| text.to_string())
}

/// A choice parsed with `parse`; unknown spellings are sent as they are (validation says so).
fn choice<T>(
    values: &FormValues,
    field: Field,
    parse: fn(&str) -> Option<T>,
    raw: &mut Vec<(Field, Value)>,
) -> Option<T> {
    let text = values.choice(field);
    if text.is_empty() {
        return None;
    }
    let parsed = parse(text);
    if parsed.is_none() {
        raw.push((field, Value::String(text.to_string())));
    }
    parsed
}

/// The create-task body of `op` for `values`, with the model spelling of `region`.
pub fn build_request(op: Op, values: &FormValues, region: &Region) -> Value {
    let model = op.model(region);
    let mut numbers = Numbers::default();
    let mut raw_choices = Vec::new();
    let mut body = match op.vace_function() {
        Some(function) => {
            let prompt = values.prompt.clone();
            let refs = || values.refs.iter().map(|u| u.trim().to_string()).collect();
            let input = match function {
                VaceFunction::ImageReference => VaceInput::ImageReference {
                    prompt,
                    ref_images_url: refs(),
                },
                VaceFunction::VideoRepainting => VaceInput::VideoRepainting {
                    prompt,
                    video_url: values.url(Field::VideoUrl).trim().to_string(),
                    ref_images_url: (!values.refs.is_empty()).then(refs),
                },
                VaceFunction::VideoEdit => {
                    let image = values.mask_kind == MaskKind::Image;
                    VaceInput::VideoEdit {
                        prompt,
                        video_url: values.url(Field::VideoUrl).trim().to_string(),
                        ref_images_url: (!values.refs.is_empty()).then(refs),
                        mask_image_url: if image {
                            Some(values.url(Field::MaskImageUrl).trim().to_string())
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
                            Some(values.url(Field::MaskVideoUrl).trim().to_string())
                        },
                    }
                }
                VaceFunction::VideoExtension => VaceInput::VideoExtension {
                    prompt,
                    first_frame_url: optional_url(values, Field::FirstFrameUrl),
                    last_frame_url: optional_url(values, Field::LastFrameUrl),
                    first_clip_url: optional_url(values, Field::FirstClipUrl),
                    last_clip_url: optional_url(values, Field::LastClipUrl),
                    video_url: optional_url(values, Field::VideoUrl),
                },
                VaceFunction::VideoOutpainting => VaceInput::VideoOutpainting {
                    prompt,
                    video_url: values.url(Field::VideoUrl).trim().to_string(),
                },
            };
            let reads = |name: &str| {
                vace_parameter_fields(function).contains(&name)
                    || VACE_COMMON_PARAMETERS.contains(&name)
            };
            let mut p = VaceParameters::default();
            if reads("obj_or_bg") && !values.refs.is_empty() {
                p.obj_or_bg = Some(values.roles.clone());
            }
            if reads("size") {
                p.size = choice(values, Field::Size, Size::parse, &mut raw_choices);
            }
            p.duration = numbers.get(values, Field::Duration);
            p.prompt_extend = values.flags.get(&Field::PromptExtend).copied();
            p.seed = numbers.get(values, Field::Seed);
            p.watermark = values.flags.get(&Field::Watermark).copied();
            if reads("control_condition") {
                p.control_condition = optional_text(values.choice(Field::ControlCondition));
            }
            if reads("strength") {
                p.strength = numbers.get(values, Field::Strength);
            }
            if reads("mask_type") {
                p.mask_type = choice(values, Field::MaskType, MaskType::parse, &mut raw_choices);
            }
            if reads("expand_ratio") {
                p.expand_ratio = numbers.get(values, Field::ExpandRatio);
            }
            if reads("expand_mode") {
                p.expand_mode = choice(
                    values,
                    Field::ExpandMode,
                    ExpandMode::parse,
                    &mut raw_choices,
                );
            }
            if reads("top_scale") {
                p.top_scale = numbers.get(values, Field::TopScale);
                p.bottom_scale = numbers.get(values, Field::BottomScale);
                p.left_scale = numbers.get(values, Field::LeftScale);
                p.right_scale = numbers.get(values, Field::RightScale);
            }
            let mut request = VaceRequest::new(model, input);
            if p != VaceParameters::default() {
                request = request.with_parameters(p);
            }
            serde_json::to_value(request).unwrap_or(Value::Null)
        }
        None => {
            let mut media = vec![MediaItem {
                kind: MediaType::Video,
                url: values.url(Field::Video27).trim().to_string(),
            }];
            media.extend(values.refs.iter().map(|u| MediaItem {
                kind: MediaType::ReferenceImage,
                url: u.trim().to_string(),
            }));
            let p = VideoEditParameters {
                resolution: choice(
                    values,
                    Field::Resolution,
                    Resolution::parse,
                    &mut raw_choices,
                ),
                ratio: choice(values, Field::Ratio, Ratio::parse, &mut raw_choices),
                duration: numbers.get(values, Field::Duration),
                audio_setting: choice(
                    values,
                    Field::AudioSetting,
                    AudioSetting::parse,
                    &mut raw_choices,
                ),
                prompt_extend: values.flags.get(&Field::PromptExtend).copied(),
                watermark: values.flags.get(&Field::Watermark).copied(),
                seed: numbers.get(values, Field::Seed),
            };
            let request = VideoEditRequest {
                model: model.as_str().to_string(),
                input: VideoEditInput {
                    prompt: optional_text(&values.prompt),
                    negative_prompt: optional_text(&values.negative_prompt),
                    media,
                },
                parameters: (p != VideoEditParameters::default()).then_some(p),
            };
            serde_json::to_value(request).unwrap_or(Value::Null)
        }
    };
    numbers.overrides.extend(raw_choices);
    numbers.apply(&mut body);
    body
}

/// Where an issue is shown: a field, and for lists the item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Target {
    /// The field.
    pub field: Field,
    /// The list item (reference image, role), if the issue is about one.
    pub index: Option<usize>,
}

/// The field an issue path (`input.ref_images_url[1]`, `parameters.seed`,
/// `input.media[0].url`) belongs to in the form of `op`. Paths no field owns go to
/// [`Field::General`].
pub fn issue_target(op: Op, path: &str) -> Target {
    let general = Target {
        field: Field::General,
        index: None,
    };
    if path == "model" {
        return Target {
            field: Field::Model,
            index: None,
        };
    }
    let (section, rest) = match path.split_once('.') {
        Some((s, r)) => (s, r),
        None if path == "parameters" => {
            // A missing `parameters` object: the field it must hold.
            let field = if op == Op::VideoRepainting {
                Field::ControlCondition
            } else {
                Field::General
            };
            return Target { field, index: None };
        }
        None => return general,
    };
    // The first segment below the section, and its index if any: `ref_images_url[1]`.
    let head = rest.split('.').next().unwrap_or(rest);
    let (name, index) = match head.split_once('[') {
        Some((n, i)) => (n, i.trim_end_matches(']').parse::<usize>().ok()),
        None => (head, None),
    };
    let family = op.family();
    if section == "input" && name == "media" && family == Family::VideoEdit27 {
        return match index {
            Some(0) | None => Target {
                field: Field::Video27,
                index: None,
            },
            Some(i) => Target {
                field: Field::RefImages27,
                index: Some(i - 1),
            },
        };
    }
    let Some(field) = Field::from_api_name(family, name) else {
        return general;
    };
    let in_input = section == "input";
    if in_input != field.is_input() || !op.fields().contains(&field) {
        return general;
    }
    let index = index.filter(|_| matches!(field, Field::RefImages | Field::ObjOrBg));
    Target { field, index }
}

/// A probed local file of a form, for the checks that need the file itself.
#[derive(Debug, Clone, PartialEq)]
pub struct LocalMedia {
    /// The field.
    pub field: Field,
    /// The reference image index, for lists.
    pub index: Option<usize>,
    /// What the file is.
    pub info: MediaInfo,
}

/// Every documented rule about the files themselves: each file against its role
/// (`check_media` with `MediaRole::for_field`), the mask against the video (`check_mask`,
/// `check_mask_frame_id`) and the two extension clips together (`check_extension_clips`).
pub fn media_issues(op: Op, values: &FormValues, files: &[LocalMedia]) -> Vec<Issue> {
    let family = op.family();
    let mut out = Vec::new();
    let find = |field: Field| files.iter().find(|m| m.field == field && m.index.is_none());
    for file in files {
        if !op.fields().contains(&file.field) {
            continue;
        }
        let path = file.field.path(file.index);
        if file.field == Field::MaskImageUrl {
            if let Some(video) = find(Field::VideoUrl) {
                out.extend(check_mask(&file.info, &video.info, &path));
                continue;
            }
        }
        if let Some(role) = file.field.media_role(family) {
            out.extend(check_media(&file.info, role, &path));
        }
    }
    if op == Op::VideoEdit && values.mask_kind == MaskKind::Image {
        if let (Some(video), Ok(Some(frame))) = (
            find(Field::VideoUrl),
            typed::<i64>(values.number(Field::MaskFrameId)),
        ) {
            out.extend(check_mask_frame_id(frame, &video.info));
        }
    }
    if op == Op::VideoExtension {
        if let (Some(first), Some(last)) = (find(Field::FirstClipUrl), find(Field::LastClipUrl)) {
            out.extend(check_extension_clips(&first.info, &last.info));
        }
    }
    out
}

/// The result of checking a form: the body and every issue (request rules, region spelling,
/// local files).
#[derive(Debug, Clone, PartialEq)]
pub struct Checked {
    /// The create-task body.
    pub body: Value,
    /// All issues.
    pub issues: Vec<Issue>,
}

impl Checked {
    /// Whether any issue is an error (Submit stays disabled).
    pub fn has_errors(&self) -> bool {
        self.issues.iter().any(Issue::is_error)
    }

    /// The issues shown at `target`.
    pub fn issues_at(&self, op: Op, target: Target) -> Vec<&Issue> {
        self.issues
            .iter()
            .filter(|i| issue_target(op, &i.path) == target)
            .collect()
    }

    /// The issues of a field, any item.
    pub fn issues_of(&self, op: Op, field: Field) -> Vec<&Issue> {
        self.issues
            .iter()
            .filter(|i| issue_target(op, &i.path).field == field)
            .collect()
    }
}

/// Builds the body of `op` and runs every check on it (`validate_for_region` and
/// [`media_issues`]).
pub fn check(op: Op, values: &FormValues, region: &Region, files: &[LocalMedia]) -> Checked {
    let body = build_request(op, values, region);
    let mut issues = validate_for_region(&body, region);
    issues.extend(media_issues(op, values, files));
    Checked { body, issues }
}

/// The region of an upstream name: `intl` and `cn` are DashScope's regions, anything else
/// (the simulator, a custom upstream) a custom one.
pub fn region_of(upstream: &str) -> Region {
    match upstream {
        "intl" => Region::Intl,
        "cn" => Region::Cn,
        other => Region::Custom(other.to_string()),
    }
}

/// The number a slider shows: the value typed, else the documented default.
pub fn slider_value(values: &FormValues, field: Field, default: f64) -> f64 {
    crate::num::parse(values.number(field).trim())
        .filter(|v| v.is_finite())
        .unwrap_or(default)
}

/// Text of a slider value: at most two decimals, no trailing zeros (`1.5`, `0.05`, `1`).
pub fn format_number(v: f64) -> String {
    let s = crate::num::fixed(v, 2);
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s.is_empty() || s == "-0" {
        "0".into()
    } else {
        s.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use wanedit_core::IssueCode;

    fn sim() -> Region {
        region_of("sim")
    }

    /// A form with only `prompt` entered.
    fn prompted(prompt: &str) -> FormValues {
        FormValues {
            prompt: prompt.into(),
            ..FormValues::default()
        }
    }

    /// A form with `prompt` and the input video `video_url` entered.
    fn with_video(prompt: &str, video_url: &str) -> FormValues {
        let mut v = prompted(prompt);
        v.set_media(Field::VideoUrl, None, video_url.into());
        v
    }

    #[test]
    fn every_documented_vace_field_has_a_control() {
        for op in Op::ALL {
            let Some(function) = op.vace_function() else {
                continue;
            };
            let fields = op.fields();
            for name in vace_input_fields(function)
                .iter()
                .chain(vace_parameter_fields(function))
                .chain(VACE_COMMON_PARAMETERS)
            {
                let field = Field::from_api_name(Family::Vace, name)
                    .unwrap_or_else(|| panic!("{name} has no field"));
                assert!(fields.contains(&field), "{op:?} lacks {name}");
                assert_ne!(control(op, field), Control::Fixed, "{op:?} {name}");
            }
        }
    }

    #[test]
    fn wan27_form_sets_every_parameter_without_unexpected_fields() {
        let mut v = FormValues {
            prompt: "Make it snow".into(),
            negative_prompt: "rain".into(),
            ..FormValues::default()
        };
        v.set_media(Field::Video27, None, "https://x.example/v.mp4".into());
        v.set_media(
            Field::RefImages27,
            Some(0),
            "https://x.example/a.png".into(),
        );
        for (f, c) in [
            (Field::Resolution, "720P"),
            (Field::Ratio, "16:9"),
            (Field::AudioSetting, "origin"),
        ] {
            v.choices.insert(f, c.into());
        }
        v.numbers.insert(Field::Duration, "5".into());
        v.numbers.insert(Field::Seed, "42".into());
        v.flags.insert(Field::PromptExtend, false);
        v.flags.insert(Field::Watermark, true);
        let checked = check(Op::Wan27Edit, &v, &region_of("intl"), &[]);
        assert_eq!(checked.issues, vec![], "{:#}", checked.body);
        assert_eq!(
            checked.body,
            json!({
                "model": "wan2.7-videoedit",
                "input": {
                    "prompt": "Make it snow",
                    "negative_prompt": "rain",
                    "media": [
                        {"type": "video", "url": "https://x.example/v.mp4"},
                        {"type": "reference_image", "url": "https://x.example/a.png"}
                    ]
                },
                "parameters": {
                    "resolution": "720P", "ratio": "16:9", "duration": 5,
                    "audio_setting": "origin", "prompt_extend": false, "watermark": true,
                    "seed": 42
                }
            })
        );
    }

    #[test]
    fn model_spelling_follows_the_region() {
        let v = FormValues::default();
        let model = |up: &str, op: Op| build_request(op, &v, &region_of(up))["model"].clone();
        assert_eq!(model("intl", Op::VideoEdit), json!("wan2.1-vace-plus"));
        assert_eq!(model("cn", Op::VideoEdit), json!("wanx2.1-vace-plus"));
        assert_eq!(model("sim", Op::VideoEdit), json!("wan2.1-vace-plus"));
        assert_eq!(model("cn", Op::Wan27Edit), json!("wan2.7-videoedit"));
    }

    #[test]
    fn seed_document_bodies_are_rebuilt_exactly() {
        // Seed 000, multi-image reference.
        let mut v = prompted("A girl walks out of a forest.");
        v.set_media(Field::RefImages, Some(0), "http://x.example/a.png".into());
        v.set_media(Field::RefImages, Some(1), "http://x.example/b.png".into());
        v.roles[1] = ObjOrBg::Bg;
        v.choices.insert(Field::Size, "1280*720".into());
        let body = build_request(Op::ImageReference, &v, &region_of("intl"));
        assert_eq!(
            body,
            json!({
                "model": "wan2.1-vace-plus",
                "input": {
                    "function": "image_reference",
                    "prompt": "A girl walks out of a forest.",
                    "ref_images_url": ["http://x.example/a.png", "http://x.example/b.png"]
                },
                "parameters": {"obj_or_bg": ["obj", "bg"], "size": "1280*720"}
            })
        );
        assert_eq!(validate_for_region(&body, &region_of("intl")), vec![]);

        // Local editing with a mask image and tracking.
        let mut v = with_video("A lion sips coffee.", "http://x.example/v.mp4");
        v.set_media(Field::MaskImageUrl, None, "http://x.example/m.png".into());
        v.numbers.insert(Field::MaskFrameId, "1".into());
        v.choices.insert(Field::MaskType, "tracking".into());
        v.numbers.insert(Field::ExpandRatio, "0.05".into());
        let body = build_request(Op::VideoEdit, &v, &region_of("cn"));
        assert_eq!(
            body,
            json!({
                "model": "wanx2.1-vace-plus",
                "input": {
                    "function": "video_edit",
                    "prompt": "A lion sips coffee.",
                    "video_url": "http://x.example/v.mp4",
                    "mask_image_url": "http://x.example/m.png",
                    "mask_frame_id": 1
                },
                "parameters": {"mask_type": "tracking", "expand_ratio": 0.05}
            })
        );
        assert_eq!(validate_for_region(&body, &region_of("cn")), vec![]);

        // Outpainting with four scales.
        let mut v = with_video("A violinist.", "http://x.example/o.mp4");
        for f in [
            Field::TopScale,
            Field::BottomScale,
            Field::LeftScale,
            Field::RightScale,
        ] {
            v.numbers.insert(f, "1.5".into());
        }
        let body = build_request(Op::VideoOutpainting, &v, &sim());
        assert_eq!(
            body["parameters"],
            json!({"top_scale": 1.5, "bottom_scale": 1.5, "left_scale": 1.5, "right_scale": 1.5})
        );
        assert_eq!(validate_for_region(&body, &sim()), vec![]);
    }

    #[test]
    fn an_empty_form_reports_each_missing_value_at_its_field() {
        for op in Op::ALL {
            let checked = check(op, &FormValues::default(), &sim(), &[]);
            assert!(checked.has_errors(), "{op:?}");
            for issue in checked.issues.iter().filter(|i| i.is_error()) {
                let target = issue_target(op, &issue.path);
                assert!(
                    op.fields().contains(&target.field),
                    "{op:?}: {issue} maps to {target:?}"
                );
            }
        }
        let checked = check(Op::VideoRepainting, &FormValues::default(), &sim(), &[]);
        let fields: Vec<Field> = checked
            .issues
            .iter()
            .map(|i| issue_target(Op::VideoRepainting, &i.path).field)
            .collect();
        assert!(fields.contains(&Field::Prompt));
        assert!(fields.contains(&Field::VideoUrl));
        assert!(fields.contains(&Field::ControlCondition));
    }

    #[test]
    fn numbers_out_of_range_reach_validation_unchanged() {
        let mut v = with_video("p", "https://x.example/v.mp4");
        v.choices.insert(Field::ControlCondition, "depth".into());
        v.numbers.insert(Field::Seed, "-3".into());
        v.numbers.insert(Field::Strength, "1.5".into());
        v.numbers.insert(Field::Duration, "abc".into());
        let checked = check(Op::VideoRepainting, &v, &sim(), &[]);
        assert_eq!(checked.body["parameters"]["seed"], json!(-3));
        assert_eq!(checked.body["parameters"]["duration"], json!("abc"));
        let at = |f| checked.issues_of(Op::VideoRepainting, f);
        assert_eq!(at(Field::Seed)[0].code, IssueCode::OutOfRange);
        assert_eq!(at(Field::Strength)[0].code, IssueCode::OutOfRange);
        assert_eq!(at(Field::Duration)[0].code, IssueCode::WrongType);
        assert_eq!(
            checked.body["parameters"]["control_condition"],
            json!("depth")
        );
    }

    #[test]
    fn issue_paths_map_to_fields() {
        let t = |op, path| issue_target(op, path);
        let at = |field, index| Target { field, index };
        assert_eq!(
            t(Op::ImageReference, "input.prompt"),
            at(Field::Prompt, None)
        );
        assert_eq!(
            t(Op::ImageReference, "input.ref_images_url[2]"),
            at(Field::RefImages, Some(2))
        );
        assert_eq!(
            t(Op::ImageReference, "parameters.obj_or_bg[1]"),
            at(Field::ObjOrBg, Some(1))
        );
        assert_eq!(
            t(Op::ImageReference, "parameters.obj_or_bg"),
            at(Field::ObjOrBg, None)
        );
        assert_eq!(
            t(Op::Wan27Edit, "input.media[0].url"),
            at(Field::Video27, None)
        );
        assert_eq!(
            t(Op::Wan27Edit, "input.media[3].type"),
            at(Field::RefImages27, Some(2))
        );
        assert_eq!(t(Op::Wan27Edit, "input.media"), at(Field::Video27, None));
        assert_eq!(
            t(Op::VideoRepainting, "parameters"),
            at(Field::ControlCondition, None)
        );
        assert_eq!(t(Op::VideoEdit, "model"), at(Field::Model, None));
        assert_eq!(
            t(Op::VideoEdit, "input.mask_frame_id"),
            at(Field::MaskFrameId, None)
        );
        assert_eq!(
            t(Op::VideoEdit, "parameters.top_scale"),
            at(Field::General, None)
        );
        assert_eq!(t(Op::VideoEdit, "input.function"), at(Field::General, None));
        assert_eq!(t(Op::VideoEdit, ""), at(Field::General, None));
        assert_eq!(
            t(Op::VideoExtension, "input.video_url"),
            at(Field::VideoUrl, None)
        );
    }

    #[test]
    fn field_paths_round_trip_through_issue_target() {
        for op in Op::ALL {
            for field in op.fields() {
                let index = field.is_media_list().then_some(1);
                let target = issue_target(op, &field.path(index));
                assert_eq!(target.field, field, "{op:?} {}", field.path(index));
                if field.is_media_list() {
                    assert_eq!(target.index, index);
                }
            }
        }
    }

    #[test]
    fn extension_sends_only_given_sources() {
        let mut v = prompted("A dog skateboards.");
        v.set_media(Field::FirstClipUrl, None, "http://x.example/c.mp4".into());
        v.set_media(Field::LastFrameUrl, None, "  ".into());
        let body = build_request(Op::VideoExtension, &v, &sim());
        assert_eq!(
            body["input"],
            json!({"function": "video_extension", "prompt": "A dog skateboards.", "first_clip_url": "http://x.example/c.mp4"})
        );
        assert!(body.get("parameters").is_none());
        assert!(!check(Op::VideoExtension, &v, &sim(), &[]).has_errors());
    }

    #[test]
    fn mask_kind_chooses_the_mask_field() {
        let mut v = FormValues {
            mask_kind: MaskKind::Video,
            ..with_video("p", "http://x.example/v.mp4")
        };
        v.set_media(Field::MaskImageUrl, None, "http://x.example/m.png".into());
        v.set_media(Field::MaskVideoUrl, None, "http://x.example/m.mp4".into());
        v.numbers.insert(Field::MaskFrameId, "3".into());
        let body = build_request(Op::VideoEdit, &v, &sim());
        assert_eq!(
            body["input"]["mask_video_url"],
            json!("http://x.example/m.mp4")
        );
        assert!(body["input"].get("mask_image_url").is_none());
        assert!(body["input"].get("mask_frame_id").is_none());
    }

    fn info(format: wanedit_core::media::MediaFormat, w: u32, h: u32) -> MediaInfo {
        MediaInfo {
            format,
            width: w,
            height: h,
            byte_size: 1000,
            has_alpha: None,
            duration_s: None,
            fps: None,
            frame_count: None,
        }
    }

    #[test]
    fn local_files_are_checked_against_their_role_and_each_other() {
        use wanedit_core::media::MediaFormat;
        let mut video = info(MediaFormat::Mp4, 640, 480);
        video.duration_s = Some(2.0);
        video.fps = Some(10.0);
        let mask = info(MediaFormat::Png, 320, 240);
        let mut v = FormValues::default();
        v.numbers.insert(Field::MaskFrameId, "99".into());
        let files = [
            LocalMedia {
                field: Field::VideoUrl,
                index: None,
                info: video.clone(),
            },
            LocalMedia {
                field: Field::MaskImageUrl,
                index: None,
                info: mask,
            },
        ];
        let issues = media_issues(Op::VideoEdit, &v, &files);
        let codes: Vec<(Target, IssueCode)> = issues
            .iter()
            .map(|i| (issue_target(Op::VideoEdit, &i.path), i.code))
            .collect();
        let at = |field| Target { field, index: None };
        assert!(codes.contains(&(at(Field::VideoUrl), IssueCode::FrameRateTooLow)));
        assert!(codes.contains(&(at(Field::MaskImageUrl), IssueCode::InvalidDimensions)));
        assert!(codes.contains(&(at(Field::MaskFrameId), IssueCode::OutOfRange)));

        let small = info(MediaFormat::Jpeg, 100, 100);
        let issues = media_issues(
            Op::ImageReference,
            &v,
            &[LocalMedia {
                field: Field::RefImages,
                index: Some(1),
                info: small,
            }],
        );
        assert_eq!(
            issue_target(Op::ImageReference, &issues[0].path),
            Target {
                field: Field::RefImages,
                index: Some(1)
            }
        );
    }

    #[test]
    fn use_as_input_fills_the_video_field() {
        let v = FormValues::with_input_video(Op::VideoExtension, "https://r.example/x.mp4");
        assert_eq!(
            v.unwrap().url(Field::FirstClipUrl),
            "https://r.example/x.mp4"
        );
        assert!(FormValues::with_input_video(Op::ImageReference, "u").is_none());
        let v = FormValues::with_input_video(Op::Wan27Edit, "https://r.example/x.mp4").unwrap();
        let body = build_request(Op::Wan27Edit, &v, &sim());
        assert_eq!(
            body["input"]["media"][0]["url"],
            json!("https://r.example/x.mp4")
        );
    }

    #[test]
    fn op_of_a_body() {
        for op in Op::ALL {
            let body = build_request(op, &FormValues::default(), &region_of("cn"));
            assert_eq!(Op::of_body(&body), Some(op));
            assert_eq!(Op::parse(op.slug()), Some(op));
        }
    }

    #[test]
    fn a_blank_number_is_not_kept() {
        let mut v = FormValues::default();
        v.set_number(Field::Seed, "42".into());
        assert_eq!(v.number(Field::Seed), "42");
        v.set_number(Field::Seed, " ".into());
        assert!(!v.numbers.contains_key(&Field::Seed));
    }

    #[test]
    fn slider_numbers() {
        assert_eq!(format_number(1.5), "1.5");
        assert_eq!(format_number(0.05), "0.05");
        assert_eq!(format_number(1.0), "1");
        assert_eq!(format_number(0.0), "0");
        let mut v = FormValues::default();
        assert_eq!(slider_value(&v, Field::Strength, 1.0), 1.0);
        v.numbers.insert(Field::Strength, "0.3".into());
        assert_eq!(slider_value(&v, Field::Strength, 1.0), 0.3);
    }
}
