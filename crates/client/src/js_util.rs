//! Helpers of the JavaScript bindings: JSON across the boundary and errors as instances of
//! the package's `WanError` class. Shared by the main module (`js`) and the lazily loaded
//! probe module (`probe-module`).

use std::cell::RefCell;

use js_sys::{Array, Function, Object, Reflect, JSON};
use serde::Serialize;
use serde_json::Value;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::convert;
use crate::WanError;

thread_local! {
    static ERROR_CLASS: RefCell<Option<Function>> = const { RefCell::new(None) };
}

/// Registers the `WanError` class errors are made of (called once by the package's `init`).
#[wasm_bindgen(js_name = __setErrorClass, skip_typescript)]
pub fn set_error_class(class: Function) {
    ERROR_CLASS.with(|c| *c.borrow_mut() = Some(class));
}

/// JSON text to a JavaScript value.
pub(crate) fn parse_js(text: &str) -> JsValue {
    JSON::parse(text).unwrap_or(JsValue::NULL)
}

/// A Rust value to a JavaScript value, through JSON.
pub(crate) fn to_js<T: Serialize + ?Sized>(value: &T) -> JsValue {
    match serde_json::to_string(value) {
        Ok(text) => parse_js(&text),
        Err(_) => JsValue::NULL,
    }
}

/// A [`WanError`] as an instance of the registered class (a plain `Error` before `init`),
/// with the fields of [`convert::error_json`].
pub(crate) fn js_error(e: &WanError, task_id: Option<&str>) -> JsValue {
    let fields = parse_js(&convert::error_json(e, task_id).to_string());
    let message = JsValue::from_str(&e.to_string());
    let error = ERROR_CLASS
        .with(|c| {
            c.borrow()
                .as_ref()
                .and_then(|class| Reflect::construct(class, &Array::of1(&message)).ok())
        })
        .unwrap_or_else(|| js_sys::Error::new(&e.to_string()).into());
    if let (Some(target), Some(source)) = (error.dyn_ref::<Object>(), fields.dyn_ref::<Object>()) {
        let _ = Object::assign(target, source);
    }
    error
}

/// A JavaScript value as JSON text and value; `undefined` and `null` read as `null`.
#[cfg_attr(not(feature = "js"), allow(dead_code))]
pub(crate) fn from_js_text(value: &JsValue) -> Result<(Value, String), WanError> {
    if value.is_undefined() || value.is_null() {
        return Ok((Value::Null, "null".into()));
    }
    let text = JSON::stringify(value)
        .ok()
        .and_then(|s| JsValue::from(s).as_string())
        .ok_or_else(|| WanError::invalid("the value cannot be converted to JSON"))?;
    let value = serde_json::from_str(&text)
        .map_err(|_| WanError::invalid("the value cannot be converted to JSON"))?;
    Ok((value, text))
}

/// A JavaScript value as JSON; `undefined` and `null` read as `null`.
pub(crate) fn from_js(value: &JsValue) -> Result<Value, WanError> {
    from_js_text(value).map(|(v, _)| v)
}

/// A [`WanError`] to throw.
pub(crate) fn throw(e: WanError) -> JsValue {
    js_error(&e, None)
}
