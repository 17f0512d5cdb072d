//! The JavaScript bindings (feature `js`): a thin layer over [`Client`] and `wanedit-core`.
//! Data objects cross as JSON (`JSON.stringify` in, `JSON.parse` out), so they keep
//! DashScope's snake_case names exactly; options are camelCase (see [`crate::convert`]);
//! errors are instances of the package's `WanError` class (registered by its `init`).
//!
//! The TypeScript types are hand-written in `npm/index.d.ts`; these exports carry
//! `skip_typescript`. `Client.upload` is in the upload module (`crate::js_upload`), which the
//! package loads on the first upload.

use std::rc::Rc;

use js_sys::{Function, Promise, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::client::{OnRetry, OnSnapshot, PollOptions};
use crate::convert;
use crate::history::{HistoryStore, MemoryStore, HISTORY_KEY};
use crate::js_util::{
    callback, from_js, from_js_text, js_error, parse_js, promise, settle, signal, throw,
};
use crate::{Boxed, Client, TaskSnapshot, WanError};

fn task_id_arg(task_id: &JsValue) -> Result<String, WanError> {
    task_id
        .as_string()
        .ok_or_else(|| WanError::invalid("the task id must be a string"))
}

fn wait_options(options: &JsValue) -> Result<PollOptions, WanError> {
    let s = convert::wait_settings(&from_js(options)?)?;
    let on_update = callback(options, "onUpdate")?.map(|f| {
        Box::new(move |task: &TaskSnapshot| {
            let _ = f.call1(&JsValue::UNDEFINED, &parse_js(task.json()));
        }) as OnSnapshot
    });
    let on_retry = callback(options, "onRetry")?.map(|f| {
        Box::new(move |e: &WanError, delay: core::time::Duration| {
            let ms = JsValue::from_f64(delay.as_millis() as f64);
            let _ = f.call2(&JsValue::UNDEFINED, &js_error(e, None), &ms);
        }) as OnRetry
    });
    Ok(PollOptions {
        timeout: s.timeout,
        on_update,
        on_retry,
        cancel_on_timeout: s.cancel_on_timeout,
        abort: signal(options)?,
        model: s.model,
        request: s.request,
        submitted_at_ms: s.submitted_at_ms,
        history: Vec::new(),
        input_video_s: s.input_video_s,
    })
}

/// A `Storage`-like object (`localStorage`, or anything with `getItem` and `setItem`) as the
/// client's history store, under [`HISTORY_KEY`]. A store that throws (a full or blocked
/// `localStorage`) reads as empty and drops writes: learning never fails a wait.
struct JsStore {
    store: JsValue,
    get: Function,
    set: Function,
}

impl JsStore {
    /// `history` (`null`/`undefined`: `None`) as a store.
    fn new(history: JsValue) -> Result<Option<Self>, WanError> {
        if history.is_undefined() || history.is_null() {
            return Ok(None);
        }
        let method = |name: &str| {
            Reflect::get(&history, &JsValue::from_str(name))
                .ok()
                .and_then(|f| f.dyn_into::<Function>().ok())
        };
        match (history.is_object(), method("getItem"), method("setItem")) {
            (true, Some(get), Some(set)) => Ok(Some(JsStore {
                store: history,
                get,
                set,
            })),
            _ => Err(WanError::invalid(
                "options.history must be a store with getItem and setItem (localStorage, say), or null",
            )),
        }
    }
}

impl HistoryStore for JsStore {
    fn load(&self) -> Option<String> {
        self.get
            .call1(&self.store, &JsValue::from_str(HISTORY_KEY))
            .ok()?
            .as_string()
    }

    fn save(&self, text: &str) {
        let (key, value) = (JsValue::from_str(HISTORY_KEY), JsValue::from_str(text));
        let _ = self.set.call2(&self.store, &key, &value);
    }
}

/// Every issue of a create-task body: `[]` when valid.
#[wasm_bindgen(skip_typescript)]
pub fn validate(body: JsValue) -> Result<JsValue, JsValue> {
    let body = from_js(&body).map_err(throw)?;
    Ok(parse_js(&wanedit_core::issue::to_json(
        &wanedit_core::validate(&body),
    )))
}

/// Whether the body has an `oss://` URL (the create call then needs
/// `X-DashScope-OssResourceResolve: enable`).
#[wasm_bindgen(js_name = needsOssResolve, skip_typescript)]
pub fn needs_oss_resolve(body: JsValue) -> Result<bool, JsValue> {
    let body = from_js(&body).map_err(throw)?;
    Ok(wanedit_core::region::needs_oss_resolve(&body))
}

/// A runnable curl command creating the task (the key left as `$DASHSCOPE_API_KEY`).
#[wasm_bindgen(js_name = toCurl, skip_typescript)]
pub fn to_curl(body: JsValue, base_url: JsValue) -> Result<String, JsValue> {
    let body = from_js(&body).map_err(throw)?;
    let base = base_url
        .as_string()
        .ok_or_else(|| throw(WanError::invalid("baseUrl must be a string")))?;
    Ok(wanedit_core::curl::to_curl(&base, &body))
}

/// The DashScope client, for JavaScript.
#[wasm_bindgen(js_name = Client, skip_typescript)]
pub struct JsClient {
    client: Client,
}

/// A call on one task: the client, the task id and the call's options.
type TaskCall = fn(Client, String, JsValue) -> Boxed<'static, Result<JsValue, WanError>>;

impl JsClient {
    /// A promise of `call` with this client, the task id argument (which must be a string)
    /// and the options; its error names the task. `call` is a function pointer rather than a
    /// generic closure, so this future is compiled once for all the task calls (a generic
    /// async closure made the module 0.4 KB gzipped larger).
    fn task_call(&self, task_id: JsValue, options: JsValue, call: TaskCall) -> Promise {
        let client = self.client.clone();
        promise(
            task_id.as_string(),
            Box::pin(async move { call(client, task_id_arg(&task_id)?, options).await }),
        )
    }
}

#[wasm_bindgen(js_class = Client)]
impl JsClient {
    /// `new Client({ baseUrl, apiKey?, workspace?, relayToken?, retry?, timeScale? },
    /// history)`: the package's `Client` passes `options.history` (the store of run times;
    /// by default `localStorage` in browsers, `null` in Node) as `history`, and the rest as
    /// `options`. `null`: the client keeps it itself (a `MemoryStore`).
    #[wasm_bindgen(constructor)]
    pub fn new(options: JsValue, history: JsValue) -> Result<JsClient, JsValue> {
        let config = from_js(&options)
            .and_then(|v| convert::client_config(&v))
            .map_err(throw)?;
        let store: Rc<dyn HistoryStore> = match JsStore::new(history).map_err(throw)? {
            Some(store) => Rc::new(store),
            None => Rc::new(MemoryStore::default()),
        };
        Ok(JsClient {
            client: Client::with_history(config, store),
        })
    }

    /// Validates and creates a task: `CreateTaskResponse`.
    pub fn submit(&self, body: JsValue, options: JsValue) -> Promise {
        let client = self.client.clone();
        promise(
            None,
            Box::pin(async move {
                let (body, text) = from_js_text(&body)?;
                let abort = signal(&options)?;
                let (_, json) = client.submit_json(&body, text, abort.as_ref()).await?;
                Ok(parse_js(&json))
            }),
        )
    }

    /// Queries a task: `TaskResponse`.
    pub fn get(&self, task_id: JsValue, options: JsValue) -> Promise {
        self.task_call(task_id, options, |client, id, options| {
            Box::pin(async move {
                let abort = signal(&options)?;
                Ok(parse_js(&client.get_json(&id, abort.as_ref()).await?))
            })
        })
    }

    /// Polls a task until it ends: the final `TaskResponse`.
    pub fn wait(&self, task_id: JsValue, options: JsValue) -> Promise {
        self.task_call(task_id, options, |client, id, options| {
            Box::pin(async move {
                let opts = wait_options(&options)?;
                Ok(parse_js(client.wait_snapshot(&id, opts).await?.json()))
            })
        })
    }

    /// Submits and waits: the final `TaskResponse`.
    pub fn run(&self, body: JsValue, options: JsValue) -> Promise {
        let client = self.client.clone();
        settle(Box::pin(async move {
            let mut task_id = None;
            let outcome = async {
                let (body, text) = from_js_text(&body)?;
                let wait = wait_options(&options)?;
                let hook = callback(&options, "onSubmitted")?;
                let (id, _) = client.submit_json(&body, text, wait.abort.as_ref()).await?;
                if let Some(f) = hook {
                    let _ = f.call1(&JsValue::UNDEFINED, &JsValue::from_str(&id));
                }
                task_id = Some(id.clone());
                Ok(parse_js(client.wait_snapshot(&id, wait).await?.json()))
            }
            .await;
            outcome.map_err(|e: WanError| js_error(&e, task_id.as_deref()))
        }))
    }

    /// Cancels a `PENDING` task (resolves to `undefined`).
    pub fn cancel(&self, task_id: JsValue, options: JsValue) -> Promise {
        self.task_call(task_id, options, |client, id, options| {
            Box::pin(async move {
                let abort = signal(&options)?;
                client.cancel_json(&id, abort.as_ref()).await?;
                Ok(JsValue::UNDEFINED)
            })
        })
    }

    /// Lists tasks: `TaskListResponse`.
    pub fn list(&self, query: JsValue, options: JsValue) -> Promise {
        let client = self.client.clone();
        promise(
            None,
            Box::pin(async move {
                let query = convert::list_query(&from_js(&query)?)?;
                let abort = signal(&options)?;
                Ok(parse_js(&client.list_json(&query, abort.as_ref()).await?))
            }),
        )
    }
}
