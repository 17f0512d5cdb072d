//! The lazily loaded probe module (feature `probe-module`): `probeMedia` and `checkMedia`, so
//! the media parsers (mp4parse, imagesize, png) and rules stay out of the main module.

use js_sys::Uint8Array;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::convert;
use crate::js_util::{from_js, throw, to_js};
use crate::WanError;

/// The bytes of a `Uint8Array` or `ArrayBuffer`.
fn bytes(value: &JsValue) -> Option<Vec<u8>> {
    if let Some(a) = value.dyn_ref::<Uint8Array>() {
        return Some(a.to_vec());
    }
    value
        .dyn_ref::<js_sys::ArrayBuffer>()
        .map(|b| Uint8Array::new(b).to_vec())
}

/// Reads an image's or video's headers into a `MediaInfo`.
#[wasm_bindgen(js_name = probeMedia, skip_typescript)]
pub fn probe_media(data: JsValue) -> Result<JsValue, JsValue> {
    let data =
        bytes(&data).ok_or_else(|| throw(WanError::invalid("probeMedia takes a Uint8Array")))?;
    match wanedit_core::media::probe(&data) {
        Ok(info) => Ok(to_js(&info)),
        Err(e) => {
            let message = match e {
                wanedit_core::CoreError::InvalidMedia(m) => m,
                other => other.to_string(),
            };
            Err(throw(WanError::InvalidMedia { message }))
        }
    }
}

/// The documented limits of `role` applied to a `MediaInfo`.
#[wasm_bindgen(js_name = checkMedia, skip_typescript)]
pub fn check_media(info: JsValue, role: JsValue, model: JsValue) -> Result<JsValue, JsValue> {
    let info: wanedit_core::media::MediaInfo =
        serde_json::from_value(from_js(&info).map_err(throw)?)
            .map_err(|e| throw(WanError::invalid(e.to_string())))?;
    let role = role
        .as_string()
        .ok_or_else(|| throw(WanError::invalid("role must be a string")))?;
    let model = model.as_string().unwrap_or_default();
    let (role, path) = convert::media_role(&role, &model).map_err(throw)?;
    Ok(to_js(&wanedit_core::media::check_media(&info, role, &path)))
}
