//! The lazily loaded upload module (feature `upload-module`): `Client.upload` of the npm
//! package, which loads this module on the first upload, so the form, `XMLHttpRequest` and
//! policy code stays out of the main module. It makes a client from the same options as the
//! main module's `Client` and runs the same [`Client::upload`](crate::Client::upload).

use js_sys::{Array, Promise, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::Blob;

use crate::convert;
use crate::js_util::{callback, from_js, promise, signal};
use crate::{Client, OnProgress, UploadOptions, WanError};

/// `client.upload(file, options)` of a `Client` made with `clientOptions`: uploads a
/// `Blob`/`File`/`Uint8Array` and resolves to its `oss://` URL.
#[wasm_bindgen(skip_typescript)]
pub fn upload(client_options: JsValue, file: JsValue, options: JsValue) -> Promise {
    promise(
        None,
        Box::pin(async move {
            let client = Client::new(convert::client_config(&from_js(&client_options)?)?);
            let (model, mut filename) = convert::upload_settings(&from_js(&options)?)?;
            let blob = match file.dyn_into::<Blob>() {
                Ok(blob) => blob,
                Err(other) => {
                    let data = other.dyn_into::<Uint8Array>().map_err(|_| {
                        WanError::invalid("file must be a Blob, File or Uint8Array")
                    })?;
                    if filename.is_none() {
                        let head = data.subarray(0, 16).to_vec();
                        filename = Some(convert::guess_filename(&head).to_string());
                    }
                    Blob::new_with_u8_array_sequence(&Array::of1(&data))
                        .map_err(|_| WanError::invalid("could not make a Blob of the bytes"))?
                }
            };
            let on_progress = callback(&options, "onProgress")?.map(|f| {
                Box::new(move |fraction: f64| {
                    let _ = f.call1(&JsValue::UNDEFINED, &JsValue::from_f64(fraction));
                }) as OnProgress
            });
            let opts = UploadOptions {
                model,
                filename,
                on_progress,
                abort: signal(&options)?,
            };
            Ok(JsValue::from_str(&client.upload_boxed(&blob, opts).await?))
        }),
    )
}
