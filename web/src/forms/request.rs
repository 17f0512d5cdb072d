//! [`build_request`]: the create-task body of a form, through `wanedit-core`'s typed requests.
//! Each operation's own part is in its file (`image_reference.rs` … `wan27_edit.rs`); the
//! VACE `parameters`, which every function builds the same way from the fields it reads, are
//! built here.

use serde_json::Value;
use wanedit_core::model::fields::{self, VACE_COMMON_PARAMETERS};
use wanedit_core::model::{ExpandMode, MaskType, Size};
use wanedit_core::region::Region;
use wanedit_core::request::{VaceParameters, VaceRequest};
use wanedit_core::VaceFunction;

use super::typed::{choice, optional_text, Numbers};
use super::{
    image_reference, video_edit, video_extension, video_outpainting, video_repainting, wan27_edit,
    Field, FormValues, Op,
};

/// The create-task body of `op` for `values`, with the model spelling of `region`.
pub fn build_request(op: Op, values: &FormValues, region: &Region) -> Value {
    let model = op.model(region);
    let mut numbers = Numbers::default();
    let mut raw_choices = Vec::new();
    let mut body = match op.vace_function() {
        Some(function) => {
            // The input first: its numbers (`mask_frame_id`) are read before the parameters'.
            let input = match function {
                VaceFunction::ImageReference => image_reference::input(values),
                VaceFunction::VideoRepainting => video_repainting::input(values),
                VaceFunction::VideoEdit => video_edit::input(values, &mut numbers),
                VaceFunction::VideoExtension => video_extension::input(values),
                VaceFunction::VideoOutpainting => video_outpainting::input(values),
            };
            let p = vace_parameters(function, values, &mut numbers, &mut raw_choices);
            let mut request = VaceRequest::new(model, input);
            if p != VaceParameters::default() {
                request = request.with_parameters(p);
            }
            serde_json::to_value(request).unwrap_or(Value::Null)
        }
        None => wan27_edit::body(model, values, &mut numbers, &mut raw_choices),
    };
    numbers.overrides.extend(raw_choices);
    numbers.apply(&mut body);
    body
}

/// The VACE `parameters` of `function`: only the fields the function reads (its own and the
/// common ones), each left out when the form leaves it at its default.
fn vace_parameters(
    function: VaceFunction,
    values: &FormValues,
    numbers: &mut Numbers,
    raw_choices: &mut Vec<(Field, Value)>,
) -> VaceParameters {
    let reads = |name: &str| {
        fields::vace_parameters(function).contains(&name) || VACE_COMMON_PARAMETERS.contains(&name)
    };
    let mut p = VaceParameters::default();
    if reads("obj_or_bg") && !values.refs.is_empty() {
        p.obj_or_bg = Some(values.roles.clone());
    }
    if reads("size") {
        p.size = choice(values, Field::Size, Size::parse, raw_choices);
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
        p.mask_type = choice(values, Field::MaskType, MaskType::parse, raw_choices);
    }
    if reads("expand_ratio") {
        p.expand_ratio = numbers.get(values, Field::ExpandRatio);
    }
    if reads("expand_mode") {
        p.expand_mode = choice(values, Field::ExpandMode, ExpandMode::parse, raw_choices);
    }
    if reads("top_scale") {
        p.top_scale = numbers.get(values, Field::TopScale);
        p.bottom_scale = numbers.get(values, Field::BottomScale);
        p.left_scale = numbers.get(values, Field::LeftScale);
        p.right_scale = numbers.get(values, Field::RightScale);
    }
    p
}

/// The reference image URLs as entered, trimmed.
pub(super) fn trimmed_refs(values: &FormValues) -> Vec<String> {
    values.refs.iter().map(|u| u.trim().to_string()).collect()
}

/// The reference images of a function where they are optional: `None` when there are none.
pub(super) fn optional_refs(values: &FormValues) -> Option<Vec<String>> {
    (!values.refs.is_empty()).then(|| trimmed_refs(values))
}

/// A required media URL as entered, trimmed (empty when not set: validation reports it).
pub(super) fn required_url(values: &FormValues, field: Field) -> String {
    values.url(field).trim().to_string()
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
