//! The JavaScript bindings (feature `js`): a thin layer over [`Client`] and `wanedit-core`.
//! Data objects cross as JSON (`JSON.stringify` in, `JSON.parse` out), so they keep
//! DashScope's snake_case names exactly; options are camelCase (see [`crate::convert`]);
//! errors are instances of the package's `WanError` class (registered by its `init`).
//!
//! The TypeScript types are hand-written in `npm/index.d.ts`; these exports carry
//! `skip_typescript`. `Client.upload` is in the upload module (`crate::js_upload`), which the
//! package loads on the first upload.

use js_sys::Promise;
use wasm_bindgen::prelude::*;

use crate::client::{OnSnapshot, PollOptions};
use crate::convert;
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
    Ok(PollOptions {
        timeout: s.timeout,
        on_update,
        cancel_on_timeout: s.cancel_on_timeout,
        abort: signal(options)?,
        model: s.model,
        submitted_at_ms: s.submitted_at_ms,
        input_video_s: s.input_video_s,
    })
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
    /// `new Client({ baseUrl, apiKey?, workspace?, relayToken?, retry?, timeScale? })`.
    #[wasm_bindgen(constructor)]
    pub fn new(options: JsValue) -> Result<JsClient, JsValue> {
        let config = from_js(&options)
            .and_then(|v| convert::client_config(&v))
            .map_err(throw)?;
        Ok(JsClient {
            client: Client::new(config),
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
