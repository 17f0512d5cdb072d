//! Model names, VACE functions, and every documented enumeration and limit. Validation, the
//! typed requests and the UI all read these lists, so a value is allowed in exactly one place.

use serde::{Deserialize, Serialize};

/// Defines a string enumeration with its JSON spelling, `ALL`, `as_str` and `parse`.
macro_rules! string_enum {
    ($(#[$m:meta])* $name:ident { $($(#[$doc:meta])* $variant:ident = $text:literal,)* }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        pub enum $name {
            $($(#[$doc])* #[serde(rename = $text)] $variant,)*
        }

        impl $name {
            /// Every value, in documentation order.
            pub const ALL: &'static [$name] = &[$($name::$variant,)*];

            /// The exact string DashScope expects.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text,)* }
            }

            /// The value spelled exactly `text`, if any.
            pub fn parse(text: &str) -> Option<Self> {
                match text { $($text => Some($name::$variant),)* _ => None }
            }

            /// The allowed spellings, quoted and comma-separated, for messages.
            pub fn allowed() -> String {
                quoted_list(Self::ALL.iter().map(|v| v.as_str()))
            }
        }
    };
}

/// `"a", "b", "c"`: a list of allowed values for a message.
pub(crate) fn quoted_list<'a>(items: impl Iterator<Item = &'a str>) -> String {
    let mut out = String::new();
    for (i, item) in items.enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        out.push('"');
        out.push_str(item);
        out.push('"');
    }
    out
}

string_enum! {
    /// The five functions of `wan2.1-vace-plus`, chosen with `input.function`.
    VaceFunction {
        /// Multi-image reference: 1–3 reference images make a video.
        ImageReference = "image_reference",
        /// Video repainting: keep the motion of a video, repaint it from the prompt.
        VideoRepainting = "video_repainting",
        /// Local editing: edit the masked area of a video.
        VideoEdit = "video_edit",
        /// Video extension: continue from (or towards) frames or clips.
        VideoExtension = "video_extension",
        /// Video outpainting: widen the frame in any direction.
        VideoOutpainting = "video_outpainting",
    }
}

/// Which request shape a model takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Family {
    /// `wan2.1-vace-plus` / `wanx2.1-vace-plus`: `input.function` picks one of five functions.
    Vace,
    /// `wan2.7-videoedit`: one model, `input.media` array.
    VideoEdit27,
}

/// A known model.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Model {
    /// `wan2.1-vace-plus`: the VACE spelling used in Singapore (intl).
    Wan21VacePlus,
    /// `wanx2.1-vace-plus`: the VACE spelling used in Beijing (cn).
    Wanx21VacePlus,
    /// `wan2.7-videoedit`: same name in every region.
    Wan27VideoEdit,
}

impl Model {
    /// Every known model.
    pub const ALL: &'static [Model] = &[
        Model::Wan21VacePlus,
        Model::Wanx21VacePlus,
        Model::Wan27VideoEdit,
    ];

    /// The model name as sent in `model`.
    pub fn as_str(self) -> &'static str {
        match self {
            Model::Wan21VacePlus => "wan2.1-vace-plus",
            Model::Wanx21VacePlus => "wanx2.1-vace-plus",
            Model::Wan27VideoEdit => "wan2.7-videoedit",
        }
    }

    /// The known model named exactly `name`.
    pub fn parse(name: &str) -> Option<Model> {
        Model::ALL.iter().copied().find(|m| m.as_str() == name)
    }

    /// The request shape the model takes.
    pub fn family(self) -> Family {
        match self {
            Model::Wan21VacePlus | Model::Wanx21VacePlus => Family::Vace,
            Model::Wan27VideoEdit => Family::VideoEdit27,
        }
    }

    /// Rate limits per account (documented): submissions per second, tasks running at once.
    pub fn rate_limits(self) -> (u32, u32) {
        match self.family() {
            Family::Vace => (2, 2),
            Family::VideoEdit27 => (5, 5),
        }
    }
}

string_enum! {
    /// `parameters.size` of `image_reference` and `video_edit`: output width*height (720p).
    Size {
        /// 16:9, the default.
        W1280H720 = "1280*720",
        /// 9:16.
        W720H1280 = "720*1280",
        /// 1:1.
        W960H960 = "960*960",
        /// 3:4.
        W832H1088 = "832*1088",
        /// 4:3.
        W1088H832 = "1088*832",
    }
}

impl Size {
    /// Width and height in pixels.
    pub fn dimensions(self) -> (u32, u32) {
        match self {
            Size::W1280H720 => (1280, 720),
            Size::W720H1280 => (720, 1280),
            Size::W960H960 => (960, 960),
            Size::W832H1088 => (832, 1088),
            Size::W1088H832 => (1088, 832),
        }
    }
}

string_enum! {
    /// `parameters.obj_or_bg` entries: what each reference image is.
    ObjOrBg {
        /// An entity (person, animal, object).
        Obj = "obj",
        /// The background (at most one).
        Bg = "bg",
    }
}

string_enum! {
    /// `parameters.control_condition` of `video_repainting` (required) and `video_extension`.
    ControlCondition {
        /// Facial expressions and body movements.
        PoseBodyFace = "posebodyface",
        /// Body movements without the face.
        PoseBody = "posebody",
        /// Composition and motion contours.
        Depth = "depth",
        /// Line-art structure.
        Scribble = "scribble",
    }
}

string_enum! {
    /// `parameters.control_condition` of `video_edit`: `""` (the default) means none.
    EditControlCondition {
        /// No feature extraction (the default).
        None = "",
        /// Facial expressions and body movements.
        PoseBodyFace = "posebodyface",
        /// Composition and motion contours.
        Depth = "depth",
    }
}

string_enum! {
    /// `parameters.mask_type` of `video_edit`.
    MaskType {
        /// The edited area follows the object (the default).
        Tracking = "tracking",
        /// The edited area stays where it is.
        Fixed = "fixed",
    }
}

string_enum! {
    /// `parameters.expand_mode` of `video_edit` (with tracking).
    ExpandMode {
        /// A polygon around the object (the default).
        Hull = "hull",
        /// A bounding box.
        Bbox = "bbox",
        /// The mask's own shape.
        Original = "original",
    }
}

string_enum! {
    /// `parameters.resolution` of `wan2.7-videoedit`.
    Resolution {
        /// 720P.
        P720 = "720P",
        /// 1080P, the default.
        P1080 = "1080P",
    }
}

string_enum! {
    /// `parameters.ratio` of `wan2.7-videoedit`; by default the input video's.
    Ratio {
        /// 16:9.
        R16x9 = "16:9",
        /// 9:16.
        R9x16 = "9:16",
        /// 1:1.
        R1x1 = "1:1",
        /// 4:3.
        R4x3 = "4:3",
        /// 3:4.
        R3x4 = "3:4",
    }
}

impl Ratio {
    /// Output width and height for this ratio at a resolution (documented table).
    pub fn output_size(self, resolution: Resolution) -> (u32, u32) {
        let p720 = resolution == Resolution::P720;
        match self {
            Ratio::R16x9 => {
                if p720 {
                    (1280, 720)
                } else {
                    (1920, 1080)
                }
            }
            Ratio::R9x16 => {
                if p720 {
                    (720, 1280)
                } else {
                    (1080, 1920)
                }
            }
            Ratio::R1x1 => {
                if p720 {
                    (960, 960)
                } else {
                    (1440, 1440)
                }
            }
            Ratio::R4x3 => {
                if p720 {
                    (1104, 832)
                } else {
                    (1648, 1248)
                }
            }
            Ratio::R3x4 => {
                if p720 {
                    (832, 1104)
                } else {
                    (1248, 1648)
                }
            }
        }
    }
}

string_enum! {
    /// `parameters.audio_setting` of `wan2.7-videoedit`.
    AudioSetting {
        /// The model decides (the default).
        Auto = "auto",
        /// Keep the original sound.
        Origin = "origin",
    }
}

string_enum! {
    /// `input.media[].type` of `wan2.7-videoedit`.
    MediaType {
        /// The source video (exactly one).
        Video = "video",
        /// A reference image (at most four).
        ReferenceImage = "reference_image",
    }
}

/// Documented numeric limits.
pub mod limits {
    /// VACE prompt: longer is cut (characters, a Chinese character counts one).
    pub const VACE_PROMPT_CHARS: usize = 800;
    /// wan2.7 prompt: longer is cut.
    pub const WAN27_PROMPT_CHARS: usize = 5000;
    /// `negative_prompt`: longer is cut.
    pub const NEGATIVE_PROMPT_CHARS: usize = 500;
    /// `seed` range, inclusive.
    pub const SEED_MAX: u64 = 2_147_483_647;
    /// `image_reference` reference images read (more are ignored).
    pub const IMAGE_REFERENCE_MAX_IMAGES: usize = 3;
    /// Reference images of `video_repainting` and `video_edit`.
    pub const SINGLE_REFERENCE_MAX_IMAGES: usize = 1;
    /// wan2.7 reference images in `input.media`.
    pub const WAN27_MAX_REFERENCE_IMAGES: usize = 4;
    /// VACE `duration`: fixed.
    pub const VACE_DURATION_S: i64 = 5;
    /// wan2.7 `duration`: 0 (keep the input's) or this range.
    pub const WAN27_DURATION_RANGE_S: (i64, i64) = (2, 10);
    /// `strength` and `expand_ratio` range.
    pub const UNIT_RANGE: (f64, f64) = (0.0, 1.0);
    /// Outpainting scale range.
    pub const SCALE_RANGE: (f64, f64) = (1.0, 2.0);
    /// `expand_ratio` default.
    pub const EXPAND_RATIO_DEFAULT: f64 = 0.05;
    /// `strength` default.
    pub const STRENGTH_DEFAULT: f64 = 1.0;
}

/// The request fields each model reads, as the documents list them, in display order. The
/// validator warns about every other field and the web forms show exactly these, so a field
/// is added or removed here and nowhere else.
pub mod fields {
    use super::VaceFunction;

    /// The `input` fields every VACE function reads.
    pub const VACE_COMMON_INPUT: &[&str] = &["function", "prompt"];

    /// The `parameters` every VACE function reads (documented on every VACE page).
    pub const VACE_COMMON_PARAMETERS: &[&str] = &["duration", "prompt_extend", "seed", "watermark"];

    /// The `input` fields of `wan2.7-videoedit` (`media` holds one `video` item and the
    /// `reference_image` items, [`super::MediaType`]).
    pub const WAN27_INPUT: &[&str] = &["prompt", "negative_prompt", "media"];

    /// The `parameters` of `wan2.7-videoedit`.
    pub const WAN27_PARAMETERS: &[&str] = &[
        "resolution",
        "ratio",
        "duration",
        "audio_setting",
        "prompt_extend",
        "watermark",
        "seed",
    ];

    /// The `input` fields a VACE function reads, beyond [`VACE_COMMON_INPUT`].
    pub fn vace_input(function: VaceFunction) -> &'static [&'static str] {
        match function {
            VaceFunction::ImageReference => &["ref_images_url"],
            VaceFunction::VideoRepainting => &["video_url", "ref_images_url"],
            VaceFunction::VideoEdit => &[
                "video_url",
                "ref_images_url",
                "mask_image_url",
                "mask_frame_id",
                "mask_video_url",
            ],
            VaceFunction::VideoExtension => &[
                "first_frame_url",
                "last_frame_url",
                "first_clip_url",
                "last_clip_url",
                "video_url",
            ],
            VaceFunction::VideoOutpainting => &["video_url"],
        }
    }

    /// The `parameters` a VACE function reads, beyond [`VACE_COMMON_PARAMETERS`].
    pub fn vace_parameters(function: VaceFunction) -> &'static [&'static str] {
        match function {
            VaceFunction::ImageReference => &["obj_or_bg", "size"],
            VaceFunction::VideoRepainting => &["control_condition", "strength"],
            VaceFunction::VideoEdit => &[
                "control_condition",
                "mask_type",
                "expand_ratio",
                "expand_mode",
                "size",
            ],
            VaceFunction::VideoExtension => &["control_condition"],
            VaceFunction::VideoOutpainting => {
                &["top_scale", "bottom_scale", "left_scale", "right_scale"]
            }
        }
    }
}
