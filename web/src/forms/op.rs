//! [`Op`]: the six operations (tabs), their model family and the fields of each form.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use wanedit_core::model::fields::{
    vace_input, vace_parameters, VACE_COMMON_INPUT, VACE_COMMON_PARAMETERS, WAN27_INPUT,
    WAN27_PARAMETERS,
};
use wanedit_core::model::{limits, MediaType};
use wanedit_core::region::Region;
use wanedit_core::{Family, Model, VaceFunction};

use super::Field;

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

    /// The fields of the form, in display order: the request fields the model reads, in the
    /// order `wanedit_core::model::fields` lists them (Wan 2.7's `media` as its `video` item,
    /// then its `reference_image` items), each with its [`Field`].
    pub fn fields(self) -> Vec<Field> {
        let family = self.family();
        let names: Vec<&str> = match self.vace_function() {
            Some(function) => VACE_COMMON_INPUT
                .iter()
                .chain(vace_input(function))
                .chain(vace_parameters(function))
                .chain(VACE_COMMON_PARAMETERS)
                .copied()
                .collect(),
            None => WAN27_INPUT
                .iter()
                .flat_map(|&name| match name {
                    "media" => MediaType::ALL.iter().map(|t| t.as_str()).collect(),
                    _ => vec![name],
                })
                .chain(WAN27_PARAMETERS.iter().copied())
                .collect(),
        };
        names
            .into_iter()
            .filter_map(|name| Field::from_api_name(family, name))
            .collect()
    }
}
