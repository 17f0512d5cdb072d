//! Form text to typed request values: numbers and choices as typed become the request's
//! types, and text that does not fit is sent as it is (validation then reports it beside its
//! field instead of the form silently changing it).

use serde_json::{Map, Value};

use super::{Field, FormValues};

/// A number type a field holds, read like `str::parse` (floats with [`crate::num::parse`]).
pub(super) trait FromText: Sized {
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
pub(super) fn typed<T: FromText>(text: &str) -> Result<Option<T>, Value> {
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
pub(super) struct Numbers {
    pub(super) overrides: Vec<(Field, Value)>,
}

impl Numbers {
    pub(super) fn get<T: FromText>(&mut self, values: &FormValues, field: Field) -> Option<T> {
        match typed::<T>(values.number(field)) {
            Ok(v) => v,
            Err(raw) => {
                self.overrides.push((field, raw));
                None
            }
        }
    }

    pub(super) fn apply(self, body: &mut Value) {
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

pub(super) fn optional_url(values: &FormValues, field: Field) -> Option<String> {
    let url = values.url(field).trim();
    (!url.is_empty()).then(|| url.to_string())
}

pub(super) fn optional_text(text: &str) -> Option<String> {
    (!text.is_empty()).then(|| text.to_string())
}

/// A choice parsed with `parse`; unknown spellings are sent as they are (validation says so).
pub(super) fn choice<T>(
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
