//! Reading JSON text into a [`serde_json::Value`].
//!
//! On `wasm32` the JavaScript engine's own `JSON.parse` reads the text and the result is
//! copied into a `Value`, so serde_json's parser (and its float tables) stays out of the
//! WebAssembly: it was the largest piece of the client after the rules. Natively (the unit
//! tests) serde_json reads it.
//!
//! The two agree on everything JSON can say, but for one thing: JavaScript has only `f64`
//! numbers, so a number with a fractional part or beyond ±(2^53 − 1) becomes an `f64`
//! `Value`, any other number an integer one (`1.0` reads as `1`; serde_json keeps
//! `1.0`). The values crossing from JavaScript were `f64`s already.

use serde_json::Value;

/// The JSON value of `text`, or `None` when it is not JSON.
#[cfg(target_arch = "wasm32")]
pub(crate) fn parse(text: &str) -> Option<Value> {
    js_sys::JSON::parse(text).ok().map(|v| from_js(&v))
}

/// The JSON value of `text`, or `None` when it is not JSON.
#[cfg(not(target_arch = "wasm32"))]
pub(crate) fn parse(text: &str) -> Option<Value> {
    serde_json::from_str(text).ok()
}

/// A value made by `JSON.parse` (plain data: no `undefined`, functions or cycles) as a
/// `Value`.
#[cfg(target_arch = "wasm32")]
fn from_js(v: &wasm_bindgen::JsValue) -> Value {
    use js_sys::{Array, Object, Reflect};
    use serde_json::Map;
    use wasm_bindgen::JsCast;

    if let Some(s) = v.as_string() {
        Value::String(s)
    } else if let Some(n) = v.as_f64() {
        number(n)
    } else if let Some(b) = v.as_bool() {
        Value::Bool(b)
    } else if Array::is_array(v) {
        Value::Array(
            v.unchecked_ref::<Array>()
                .iter()
                .map(|x| from_js(&x))
                .collect(),
        )
    } else if v.is_object() {
        let mut m = Map::new();
        for key in Object::keys(v.unchecked_ref::<Object>()).iter() {
            let item = Reflect::get(v, &key).unwrap_or_default();
            if let Some(key) = key.as_string() {
                m.insert(key, from_js(&item));
            }
        }
        Value::Object(m)
    } else {
        Value::Null
    }
}

/// A JavaScript number as a `Value`: an integer when it is one that `f64` holds exactly.
#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
fn number(n: f64) -> Value {
    const EXACT: f64 = 9_007_199_254_740_991.0; // 2^53 - 1
    if n.fract() == 0.0 && n.abs() <= EXACT {
        if n >= 0.0 {
            Value::from(n as u64)
        } else {
            Value::from(n as i64)
        }
    } else {
        Value::from(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn numbers_are_integers_when_exact() {
        assert_eq!(number(5.0), json!(5));
        assert_eq!(number(-5.0), json!(-5));
        assert_eq!(number(0.0), json!(0));
        assert_eq!(number(1.5), json!(1.5));
        assert_eq!(
            number(9_007_199_254_740_991.0),
            json!(9_007_199_254_740_991u64)
        );
        assert_eq!(number(1e21), json!(1e21));
        assert!(number(f64::NAN).is_null());
    }

    #[test]
    fn text_is_read() {
        assert_eq!(
            parse(r#"{"a":[1,"x",null,true]}"#),
            Some(json!({"a": [1, "x", null, true]}))
        );
        assert_eq!(parse("<html>"), None);
    }
}
