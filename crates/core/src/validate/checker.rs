//! The validation walker: collects issues with their JSON paths and reads typed fields,
//! reporting wrong types in one consistent way.

use crate::cat;
use crate::issue::{Issue, IssueCode};
use crate::text::{char_count, char_prefix, json_text, Float};
use serde_json::{Map, Value};

/// `parent.key`, or `key` at the root.
pub(crate) fn join(parent: &str, key: &str) -> String {
    if parent.is_empty() {
        key.to_string()
    } else {
        cat!(parent, '.', key)
    }
}

/// `parent[index]`.
pub(crate) fn index(parent: &str, i: usize) -> String {
    cat!(parent, '[', i, ']')
}

/// The JSON type of a value, for messages.
pub(crate) fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// A short rendering of a value for messages (long strings are elided).
pub(crate) fn show(v: &Value) -> String {
    match v {
        Value::String(s) if char_count(s) > 60 => {
            cat!('"', char_prefix(s, 57), "...\"")
        }
        other => {
            let text = json_text(other);
            if char_count(&text) > 60 {
                cat!(char_prefix(&text, 57), "...")
            } else {
                text
            }
        }
    }
}

/// Collects issues while walking a body.
#[derive(Default)]
pub(crate) struct Checker {
    pub(crate) issues: Vec<Issue>,
}

impl Checker {
    pub(crate) fn error(&mut self, path: impl Into<String>, code: IssueCode, msg: String) {
        self.issues.push(Issue::error(path, code, msg));
    }

    pub(crate) fn warning(&mut self, path: impl Into<String>, code: IssueCode, msg: String) {
        self.issues.push(Issue::warning(path, code, msg));
    }

    fn wrong_type(&mut self, path: &str, expected: &str, v: &Value) {
        self.error(
            path,
            IssueCode::WrongType,
            cat!(
                label(path),
                " must be ",
                expected,
                ", not ",
                type_name(v),
                " (",
                show(v),
                ')'
            ),
        );
    }

    /// A present, non-null field of `obj`. `null` counts as absent.
    pub(crate) fn field<'a>(&self, obj: &'a Map<String, Value>, key: &str) -> Option<&'a Value> {
        obj.get(key).filter(|v| !v.is_null())
    }

    /// Reports a missing required field.
    pub(crate) fn missing(&mut self, path: &str, why: &str) {
        self.error(
            path,
            IssueCode::MissingField,
            cat!(label(path), " is required", why),
        );
    }

    /// An object field; reports a wrong type.
    pub(crate) fn object<'a>(
        &mut self,
        obj: &'a Map<String, Value>,
        parent: &str,
        key: &str,
    ) -> Option<&'a Map<String, Value>> {
        let v = self.field(obj, key)?;
        match v {
            Value::Object(map) => Some(map),
            other => {
                let path = join(parent, key);
                self.error(
                    &path,
                    IssueCode::NotAnObject,
                    cat!(path, " must be a JSON object, not ", type_name(other)),
                );
                None
            }
        }
    }

    /// A string field; reports a wrong type.
    pub(crate) fn string<'a>(
        &mut self,
        obj: &'a Map<String, Value>,
        parent: &str,
        key: &str,
    ) -> Option<&'a str> {
        let v = self.field(obj, key)?;
        match v {
            Value::String(s) => Some(s),
            other => {
                self.wrong_type(&join(parent, key), "a string", other);
                None
            }
        }
    }

    /// A boolean field; reports a wrong type.
    pub(crate) fn boolean(
        &mut self,
        obj: &Map<String, Value>,
        parent: &str,
        key: &str,
    ) -> Option<bool> {
        let v = self.field(obj, key)?;
        match v {
            Value::Bool(b) => Some(*b),
            other => {
                self.wrong_type(&join(parent, key), "true or false", other);
                None
            }
        }
    }

    /// A number field; reports a wrong type.
    pub(crate) fn number(
        &mut self,
        obj: &Map<String, Value>,
        parent: &str,
        key: &str,
    ) -> Option<f64> {
        let v = self.field(obj, key)?;
        match v.as_f64() {
            Some(n) => Some(n),
            None => {
                self.wrong_type(&join(parent, key), "a number", v);
                None
            }
        }
    }

    /// An integer field (a number without a fractional part); reports a wrong type.
    pub(crate) fn integer(
        &mut self,
        obj: &Map<String, Value>,
        parent: &str,
        key: &str,
    ) -> Option<i64> {
        let v = self.field(obj, key)?;
        if let Some(i) = v.as_i64() {
            return Some(i);
        }
        match v.as_f64() {
            Some(f) if f.fract() == 0.0 && f.abs() < 9.0e15 => Some(f as i64),
            Some(_) if v.as_u64().is_some() => Some(i64::MAX),
            _ => {
                self.wrong_type(&join(parent, key), "an integer", v);
                None
            }
        }
    }

    /// An array field; reports a wrong type.
    pub(crate) fn array<'a>(
        &mut self,
        obj: &'a Map<String, Value>,
        parent: &str,
        key: &str,
    ) -> Option<&'a Vec<Value>> {
        let v = self.field(obj, key)?;
        match v {
            Value::Array(items) => Some(items),
            other => {
                self.wrong_type(&join(parent, key), "an array", other);
                None
            }
        }
    }

    /// A number in `[min, max]`; reports wrong types and values outside the range.
    pub(crate) fn number_in(
        &mut self,
        obj: &Map<String, Value>,
        parent: &str,
        key: &str,
        (min, max): (f64, f64),
    ) -> Option<f64> {
        let n = self.number(obj, parent, key)?;
        if !(min..=max).contains(&n) {
            let path = join(parent, key);
            // The value as given (its JSON text), the bounds as JSON numbers (`0.0`, `1.0`).
            let given = obj.get(key).map(json_text).unwrap_or_default();
            self.error(
                &path,
                IssueCode::OutOfRange,
                cat!(
                    path,
                    " is ",
                    given,
                    "; allowed: ",
                    Float(min),
                    " to ",
                    Float(max)
                ),
            );
        }
        Some(n)
    }

    /// A string that must be one of `allowed` (by `parse`); reports wrong types and values.
    pub(crate) fn enumerated<T>(
        &mut self,
        obj: &Map<String, Value>,
        parent: &str,
        key: &str,
        parse: fn(&str) -> Option<T>,
        allowed: String,
    ) -> Option<T> {
        let s = self.string(obj, parent, key)?;
        let parsed = parse(s);
        if parsed.is_none() {
            let path = join(parent, key);
            self.error(
                &path,
                IssueCode::InvalidValue,
                cat!(path, " is \"", s, "\"; allowed: ", allowed),
            );
        }
        parsed
    }

    /// Warns about every key of `obj` in neither `known` nor `more`. The documents do not
    /// describe it, which does not mean DashScope refuses it (SDKs add fields of their own, and
    /// DashScope adds parameters over time), so it is a warning and the body goes on unchanged.
    pub(crate) fn unexpected_keys(
        &mut self,
        obj: &Map<String, Value>,
        parent: &str,
        known: &[&str],
        more: &[&str],
        context: &str,
    ) {
        for key in obj.keys() {
            if !known.contains(&key.as_str()) && !more.contains(&key.as_str()) {
                let path = join(parent, key);
                self.warning(
                    &path,
                    IssueCode::UnexpectedField,
                    cat!(
                        path,
                        " is not a parameter the documents give for ",
                        context,
                        "; it is sent as is"
                    ),
                );
            }
        }
    }
}

/// The field named in a message: its path.
fn label(path: &str) -> &str {
    if path.is_empty() {
        "the request body"
    } else {
        path
    }
}
