//! A create-task body back into form values: the inverse of `forms::build_request`, used to
//! prefill an embedded editor (`body` option, `setBody`).
//!
//! Values are kept as they are in the body, invalid ones included, so validation reports them
//! beside their fields instead of the prefill dropping them.

use serde_json::Value;
use wanedit_core::model::ObjOrBg;

use crate::forms::{control, Control, Field, FormValues, MaskKind, Op};

fn section<'a>(body: &'a Value, name: &str) -> Option<&'a serde_json::Map<String, Value>> {
    body.get(name).and_then(Value::as_object)
}

fn as_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// The form values of `op` that `forms::build_request` turns back into `body`.
pub fn values_from_body(op: Op, body: &Value) -> FormValues {
    let mut values = FormValues::default();
    let input = section(body, "input");
    let parameters = section(body, "parameters");
    let input_get = |name: &str| input.and_then(|i| i.get(name));
    values.prompt = input_get("prompt").map(as_text).unwrap_or_default();
    values.negative_prompt = input_get("negative_prompt")
        .map(as_text)
        .unwrap_or_default();

    if op == Op::Wan27Edit {
        // `input.media`: the video first, then the reference images.
        for item in input_get("media")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let url = item.get("url").map(as_text).unwrap_or_default();
            match item.get("type").and_then(Value::as_str) {
                Some("video") => drop(values.urls.insert(Field::Video27, url)),
                _ => values.refs.push(url),
            }
        }
    } else {
        values.refs = input_get("ref_images_url")
            .and_then(Value::as_array)
            .map(|a| a.iter().map(as_text).collect())
            .unwrap_or_default();
        let roles: Vec<ObjOrBg> = parameters
            .and_then(|p| p.get("obj_or_bg"))
            .and_then(|v| serde_json::from_value(v.clone()).ok())
            .unwrap_or_default();
        values.roles = roles;
        values.roles.resize(values.refs.len(), ObjOrBg::Obj);
        if input_get("mask_video_url").is_some() && input_get("mask_image_url").is_none() {
            values.mask_kind = MaskKind::Video;
        }
    }

    for field in op.fields() {
        if matches!(
            field,
            Field::Prompt | Field::NegativePrompt | Field::Video27 | Field::ObjOrBg
        ) || field.is_media_list()
        {
            continue;
        }
        let from = if field.is_input() { input } else { parameters };
        let Some(value) = from.and_then(|s| s.get(field.api_name())) else {
            continue;
        };
        if field.is_media() {
            values.urls.insert(field, as_text(value));
            continue;
        }
        match (control(op, field), value) {
            (Control::Flag { .. }, Value::Bool(b)) => drop(values.flags.insert(field, *b)),
            (Control::Choice { .. } | Control::SizePicker { .. }, v) => {
                drop(values.choices.insert(field, as_text(v)))
            }
            (_, v) => drop(values.numbers.insert(field, as_text(v))),
        }
    }
    values
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::forms;

    /// Whether the form keeps everything in `body`: `forms::build_request` gives it back, up to
    /// the model's regional spelling, an empty `parameters` object and how a number is written
    /// (`7` or `7.0`).
    fn round_trips(op: Op, body: &Value) -> bool {
        let region = forms::region_of("intl");
        let mut rebuilt = forms::build_request(op, &values_from_body(op, body), &region);
        if let (Some(r), Some(m)) = (rebuilt.as_object_mut(), body.get("model")) {
            r.insert("model".into(), m.clone());
        }
        same(&rebuilt, body)
    }

    fn same(a: &Value, b: &Value) -> bool {
        let empty =
            |v: Option<&Value>| v.is_none_or(|v| v.as_object().is_some_and(|o| o.is_empty()));
        match (a, b) {
            (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
            (Value::Array(x), Value::Array(y)) => {
                x.len() == y.len() && x.iter().zip(y).all(|(x, y)| same(x, y))
            }
            (Value::Object(x), Value::Object(y)) => {
                let keys = x.keys().chain(y.keys());
                keys.into_iter().all(|k| match (x.get(k), y.get(k)) {
                    (Some(x), Some(y)) => same(x, y),
                    (x, y) => k == "parameters" && empty(x) && empty(y),
                })
            }
            _ => a == b,
        }
    }
    use std::fs;

    fn seed_bodies() -> Vec<(String, Value)> {
        let dir = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../crates/core/tests/fixtures/seeds"
        );
        let mut out: Vec<_> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|x| x == "json"))
            .map(|p| {
                let text = fs::read_to_string(&p).unwrap();
                (
                    p.display().to_string(),
                    serde_json::from_str(&text).unwrap(),
                )
            })
            .collect();
        out.sort_by(|a, b| a.0.cmp(&b.0));
        out
    }

    #[test]
    fn every_documented_example_prefills_a_form_that_sends_it_back() {
        let bodies = seed_bodies();
        assert!(bodies.len() >= 29);
        for (name, body) in bodies {
            let op = Op::of_body(&body).unwrap_or_else(|| panic!("{name}: no operation"));
            assert!(
                round_trips(op, &body),
                "{name}: {body}\n{:?}",
                values_from_body(op, &body)
            );
        }
    }

    #[test]
    fn invalid_values_are_kept_for_validation_to_report() {
        let body = serde_json::json!({
            "model": "wan2.1-vace-plus",
            "input": {"function": "video_outpainting", "prompt": "p", "video_url": "u"},
            "parameters": {"top_scale": 7, "seed": "abc", "watermark": true}
        });
        let v = values_from_body(Op::VideoOutpainting, &body);
        assert_eq!(v.number(Field::TopScale), "7");
        assert_eq!(v.number(Field::Seed), "abc");
        assert_eq!(v.flags.get(&Field::Watermark), Some(&true));
        assert!(round_trips(Op::VideoOutpainting, &body));
    }
}
