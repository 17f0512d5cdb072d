//! Wan 2.7 video edit (`wan2.7-videoedit`): edits a 2–10 s video as the prompt says, with up
//! to four reference images. Its request has its own shape (`input.media` items, its own
//! parameters), so the whole body is built here.

use serde_json::Value;
use wanedit_core::model::{AudioSetting, MediaType, Ratio, Resolution};
use wanedit_core::request::{MediaItem, VideoEditInput, VideoEditParameters, VideoEditRequest};
use wanedit_core::Model;

use super::typed::{choice, optional_text, Numbers};
use super::{Field, FormValues};

/// The create-task body of Wan 2.7 video edit (numbers and choices that do not fit their
/// type are collected in `numbers` and `raw_choices`, and sent as typed).
pub(super) fn body(
    model: Model,
    values: &FormValues,
    numbers: &mut Numbers,
    raw_choices: &mut Vec<(Field, Value)>,
) -> Value {
    let mut media = vec![MediaItem {
        kind: MediaType::Video,
        url: values.url(Field::Video27).trim().to_string(),
    }];
    media.extend(values.refs.iter().map(|u| MediaItem {
        kind: MediaType::ReferenceImage,
        url: u.trim().to_string(),
    }));
    let p = VideoEditParameters {
        resolution: choice(values, Field::Resolution, Resolution::parse, raw_choices),
        ratio: choice(values, Field::Ratio, Ratio::parse, raw_choices),
        duration: numbers.get(values, Field::Duration),
        audio_setting: choice(
            values,
            Field::AudioSetting,
            AudioSetting::parse,
            raw_choices,
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
