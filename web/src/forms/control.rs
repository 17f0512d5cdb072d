//! [`Control`]: the control each field gets (its range, choices and documented default), and
//! how a slider shows its number.

use wanedit_core::model::{
    limits, AudioSetting, ControlCondition, EditControlCondition, ExpandMode, MaskType, Ratio,
    Resolution, Size,
};
use wanedit_core::Family;

use super::{Field, FormValues, Op};

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
