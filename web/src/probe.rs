//! Media probing in a web worker. `wanedit_core::media::probe` (mp4parse, image headers) is
//! the largest part of the code that is only needed once a user picks a file, so it runs in a
//! separate wasm module (`probe-worker`, built by Trunk from `src/bin/probe_worker.rs`) that
//! is loaded on first use and keeps reading large files off the UI thread.
//!
//! Protocol: the worker first posts `{started: true}`; the page posts `{id, blob}`; the worker
//! answers `{id, result}` where `result` is
//! the JSON of `{"ok": MediaInfo}` or `{"err": "why"}`.

use std::cell::RefCell;
use std::collections::HashMap;

use js_sys::{Function, Object, Promise, Reflect};
use serde_json::{json, Value};
use wanedit_core::media::MediaInfo;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{Blob, MessageEvent, Worker};

/// How long a file may wait for a worker that has not said it runs before it is given up: a worker that
/// a Content-Security-Policy blocks (no `worker-src blob:` for an embedded editor) never
/// answers, and sometimes never reports an error either.
const NO_ANSWER_MS: i32 = 20_000;

/// What a file whose reader never started shows.
const NOT_STARTED: &str = "the media reader did not start, so the file was not read (if this page \
     has a Content-Security-Policy, it must allow worker-src blob: and the relay in script-src)";

/// The worker's loader script (`web/probe-worker-loader.js`; Trunk names the worker's own
/// files after the binary, without a hash).
const WORKER_URL: &str = "./probe-worker-loader.js";

thread_local! {
    static WORKER: RefCell<Option<Worker>> = const { RefCell::new(None) };
    static ASSET_BASE: RefCell<Option<String>> = const { RefCell::new(None) };
    static PENDING: RefCell<HashMap<u32, Function>> = RefCell::new(HashMap::new());
    static NEXT_ID: RefCell<u32> = const { RefCell::new(0) };
    /// Whether the worker said it runs (`{started: true}` from its loader).
    static STARTED: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Where the app's files are when the editor is embedded in another site's page
/// (`https://relay.example.com/`, from `embed.js`); the worker is loaded from there.
pub fn set_asset_base(base: &str) {
    ASSET_BASE.with(|b| *b.borrow_mut() = Some(base.to_string()));
}

/// A worker script URL: the loader itself, or (embedded) a same-origin `blob:` script that
/// imports it from the asset base, since a page may not start a worker from another origin.
fn worker_url() -> Result<String, JsValue> {
    let Some(base) = ASSET_BASE.with(|b| b.borrow().clone()) else {
        return Ok(WORKER_URL.to_string());
    };
    let mut quoted = String::new();
    wanedit_core::text::push_json_str(&mut quoted, &base);
    let base = quoted;
    let script = format!(
        "self.WANEDIT_ASSET_BASE = {base}; importScripts({base} + 'probe-worker-loader.js');"
    );
    let parts = js_sys::Array::of1(&JsValue::from_str(&script));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type("text/javascript");
    let blob = Blob::new_with_str_sequence_and_options(&parts, &options)?;
    web_sys::Url::create_object_url_with_blob(&blob)
}

fn worker() -> Result<Worker, String> {
    WORKER.with(|w| {
        if let Some(worker) = w.borrow().as_ref() {
            return Ok(worker.clone());
        }
        let worker = worker_url()
            .and_then(|url| Worker::new(&url))
            .map_err(|_| "the media reader could not start".to_string())?;
        let on_message = Closure::<dyn FnMut(MessageEvent)>::new(|e: MessageEvent| {
            let data = e.data();
            if Reflect::get(&data, &"started".into()).is_ok_and(|v| v.is_truthy()) {
                STARTED.with(|s| s.set(true));
                return;
            }
            let id = Reflect::get(&data, &"id".into())
                .ok()
                .and_then(|v| v.as_f64())
                .unwrap_or(-1.0) as u32;
            let result = Reflect::get(&data, &"result".into()).unwrap_or(JsValue::NULL);
            if let Some(resolve) = PENDING.with(|p| p.borrow_mut().remove(&id)) {
                let _ = resolve.call1(&JsValue::NULL, &result);
            }
        });
        worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        on_message.forget();
        // A worker that cannot load (blocked, or its script missing): every waiting file fails
        // now, and the next file starts a new worker.
        let on_error = Closure::<dyn FnMut(web_sys::Event)>::new(|_| {
            WORKER.with(|w| *w.borrow_mut() = None);
            STARTED.with(|s| s.set(false));
            fail_pending(NOT_STARTED);
        });
        worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        on_error.forget();
        *w.borrow_mut() = Some(worker.clone());
        Ok(worker)
    })
}

/// Answers every file still waiting with the error `why`.
fn fail_pending(why: &str) {
    let pending: Vec<Function> = PENDING.with(|p| p.borrow_mut().drain().map(|(_, f)| f).collect());
    let answer = JsValue::from_str(&json!({ "err": why }).to_string());
    for resolve in pending {
        let _ = resolve.call1(&JsValue::NULL, &answer);
    }
}

/// Reads what a media file is (in the worker); fails with a plain message when the worker does
/// not answer within [`NO_ANSWER_MS`].
pub async fn probe_blob(blob: &Blob) -> Result<MediaInfo, String> {
    let worker = worker()?;
    let id = NEXT_ID.with(|n| {
        let mut n = n.borrow_mut();
        *n = n.wrapping_add(1);
        *n
    });
    let promise = Promise::new(&mut |resolve, _reject| {
        PENDING.with(|p| p.borrow_mut().insert(id, resolve));
    });
    let give_up = Closure::once_into_js(move || {
        if STARTED.with(|s| s.get()) {
            return; // It runs: a large file just takes a while.
        }
        if let Some(resolve) = PENDING.with(|p| p.borrow_mut().remove(&id)) {
            let answer = JsValue::from_str(&json!({ "err": NOT_STARTED }).to_string());
            let _ = resolve.call1(&JsValue::NULL, &answer);
        }
    });
    let timer = web_sys::window().and_then(|w| {
        w.set_timeout_with_callback_and_timeout_and_arguments_0(
            give_up.unchecked_ref(),
            NO_ANSWER_MS,
        )
        .ok()
    });
    let message = Object::new();
    let _ = Reflect::set(&message, &"id".into(), &JsValue::from(id));
    let _ = Reflect::set(&message, &"blob".into(), blob);
    worker
        .post_message(&message)
        .map_err(|_| "the media reader is not available".to_string())?;
    let result = JsFuture::from(promise)
        .await
        .ok()
        .and_then(|v| v.as_string())
        .unwrap_or_default();
    if let (Some(timer), Some(w)) = (timer, web_sys::window()) {
        w.clear_timeout_with_handle(timer);
    }
    decode(&result)
}

fn decode(text: &str) -> Result<MediaInfo, String> {
    let value: Value = serde_json::from_str(text).map_err(|e| e.to_string())?;
    if let Some(err) = value.get("err").and_then(Value::as_str) {
        return Err(err.to_string());
    }
    serde_json::from_value(value.get("ok").cloned().unwrap_or(Value::Null))
        .map_err(|e| e.to_string())
}

/// The worker's entry point: answers every `{id, blob}` with `{id, result}`.
pub fn worker_main() {
    let scope: web_sys::DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    let reply_scope = scope.clone();
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |e: MessageEvent| {
        let data = e.data();
        let id = Reflect::get(&data, &"id".into()).unwrap_or(JsValue::NULL);
        let blob: Option<Blob> = Reflect::get(&data, &"blob".into())
            .ok()
            .and_then(|b| b.dyn_into().ok());
        let scope = reply_scope.clone();
        wasm_bindgen_futures::spawn_local(async move {
            let result = match blob {
                Some(blob) => match JsFuture::from(blob.array_buffer()).await {
                    Ok(buffer) => {
                        let bytes = js_sys::Uint8Array::new(&buffer).to_vec();
                        match wanedit_core::media::probe(&bytes) {
                            Ok(info) => json!({ "ok": info }),
                            Err(e) => json!({ "err": e.to_string() }),
                        }
                    }
                    Err(_) => json!({ "err": "the file could not be read" }),
                },
                None => json!({ "err": "no file" }),
            };
            let reply = Object::new();
            let _ = Reflect::set(&reply, &"id".into(), &id);
            let _ = Reflect::set(
                &reply,
                &"result".into(),
                &JsValue::from_str(&result.to_string()),
            );
            let _ = scope.post_message(&reply);
        });
    });
    scope.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    on_message.forget();
}
