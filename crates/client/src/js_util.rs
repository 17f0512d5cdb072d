//! Helpers of the JavaScript bindings: JSON across the boundary, errors as instances of the
//! package's `WanError` class, options and promises. Shared by the main module (`js`) and the
//! lazily loaded upload (`upload-module`) and probe (`probe-module`) modules.

use std::cell::RefCell;

use js_sys::{Array, Function, Reflect, JSON};
use serde::Serialize;
use serde_json::Value;
use wasm_bindgen::prelude::*;

use crate::convert::{self, ErrorField};
use crate::WanError;
#[cfg(any(feature = "js", feature = "upload-module"))]
pub(crate) use calls::*;

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
#[cfg_attr(not(feature = "probe-module"), allow(dead_code))]
pub(crate) fn to_js<T: Serialize + ?Sized>(value: &T) -> JsValue {
    match serde_json::to_string(value) {
        Ok(text) => parse_js(&text),
        Err(_) => JsValue::NULL,
    }
}

/// A [`WanError`] as an instance of the registered class (a plain `Error` before `init`),
/// with the fields of [`convert::error_json`].
pub(crate) fn js_error(e: &WanError, task_id: Option<&str>) -> JsValue {
    let message = e.message();
    let error = ERROR_CLASS
        .with(|c| {
            c.borrow().as_ref().and_then(|class| {
                Reflect::construct(class, &Array::of1(&JsValue::from_str(&message))).ok()
            })
        })
        .unwrap_or_else(|| js_sys::Error::new(&message).into());
    convert::error_fields(e, task_id, &mut |name, field| {
        let value = match field {
            ErrorField::Text(s) => JsValue::from_str(&s),
            ErrorField::Number(n) => JsValue::from_f64(n as f64),
            ErrorField::Json(text) => parse_js(&text),
        };
        let _ = Reflect::set(&error, &JsValue::from_str(name), &value);
    });
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
    let value = crate::json::parse(&text)
        .ok_or_else(|| WanError::invalid("the value cannot be converted to JSON"))?;
    Ok((value, text))
}

/// A JavaScript value as JSON; `undefined` and `null` read as `null`.
pub(crate) fn from_js(value: &JsValue) -> Result<Value, WanError> {
    from_js_text(value).map(|(v, _)| v)
}

/// A [`WanError`] to throw.
#[cfg(any(feature = "js", feature = "probe-module"))]
pub(crate) fn throw(e: WanError) -> JsValue {
    js_error(&e, None)
}

/// Options and promises of the client's calls (the main and the upload module).
#[cfg(any(feature = "js", feature = "upload-module"))]
mod calls {
    use js_sys::{Function, Promise, Reflect};
    use wasm_bindgen::prelude::*;
    use wasm_bindgen::JsCast;
    use wasm_bindgen_futures::future_to_promise;
    use web_sys::AbortSignal;

    use super::js_error;
    use crate::{Boxed, WanError};

    fn option(options: &JsValue, name: &str) -> JsValue {
        if options.is_object() {
            Reflect::get(options, &JsValue::from_str(name)).unwrap_or(JsValue::UNDEFINED)
        } else {
            JsValue::UNDEFINED
        }
    }

    fn absent(v: &JsValue) -> bool {
        v.is_undefined() || v.is_null()
    }

    fn not_a(name: &str, what: &str) -> WanError {
        WanError::invalid(wanedit_core::cat!("options.", name, " must be ", what))
    }

    /// `options[name]` as a function, if given.
    pub(crate) fn callback(options: &JsValue, name: &str) -> Result<Option<Function>, WanError> {
        let v = option(options, name);
        if absent(&v) {
            return Ok(None);
        }
        v.dyn_into::<Function>()
            .map(Some)
            .map_err(|_| not_a(name, "a function"))
    }

    /// `options.signal`, if given.
    pub(crate) fn signal(options: &JsValue) -> Result<Option<AbortSignal>, WanError> {
        let v = option(options, "signal");
        if absent(&v) {
            return Ok(None);
        }
        v.dyn_into::<AbortSignal>()
            .map(Some)
            .map_err(|_| not_a("signal", "an AbortSignal"))
    }

    /// A JavaScript promise settled by `f`. Every export goes through this one (boxed)
    /// future type, so `future_to_promise` is compiled once.
    pub(crate) fn settle(f: Boxed<'static, Result<JsValue, JsValue>>) -> Promise {
        future_to_promise(f)
    }

    /// A JavaScript promise settled with the outcome of `f`; its error names `task_id`.
    pub(crate) fn promise(
        task_id: Option<String>,
        f: Boxed<'static, Result<JsValue, WanError>>,
    ) -> Promise {
        settle(Box::pin(async move {
            f.await.map_err(|e| js_error(&e, task_id.as_deref()))
        }))
    }
}
