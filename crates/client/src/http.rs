//! The one transport: the global `fetch` (browsers, workers and Node 20+ alike; no `window`
//! needed). One attempt per call of [`send`]; retrying is the caller's business.

use core::time::Duration;
use js_sys::Promise;
use wanedit_core::retry::parse_retry_after;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{AbortSignal, Headers, Request, RequestInit, Response};

use crate::Boxed;

#[wasm_bindgen]
extern "C" {
    /// The global `fetch`, whatever the global object is.
    #[wasm_bindgen(js_name = fetch)]
    fn global_fetch(request: &Request) -> Promise;
}

/// A request, reusable across attempts.
pub(crate) struct Req {
    /// `GET` or `POST`.
    pub method: &'static str,
    /// Absolute (or, in a browser, page-relative) URL.
    pub url: String,
    /// Headers, in order.
    pub headers: Vec<(&'static str, String)>,
    /// The body: JSON text or a `FormData`.
    pub body: Option<JsValue>,
}

/// An HTTP answer, read to the end.
pub(crate) struct Reply {
    /// Status code.
    pub status: u16,
    /// Body text.
    pub text: String,
    /// `Retry-After`, when sent and readable (a relay exposes it to CORS callers).
    pub retry_after: Option<Duration>,
}

/// Why no answer came.
pub(crate) enum SendError {
    /// `signal` aborted.
    Aborted,
    /// No HTTP answer.
    Network(String),
}

/// The message of a rejection (an `Error`'s `message`, or the value as a string).
fn describe(e: &JsValue) -> String {
    e.dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .or_else(|| e.as_string())
        .unwrap_or_else(|| "request failed".into())
}

fn failure(e: JsValue, signal: &AbortSignal) -> SendError {
    if signal.aborted() {
        SendError::Aborted
    } else {
        SendError::Network(describe(&e))
    }
}

/// Sends `req` once and reads the whole answer.
pub(crate) fn send<'a>(
    req: &'a Req,
    signal: &'a AbortSignal,
) -> Boxed<'a, Result<Reply, SendError>> {
    Box::pin(async move {
        if signal.aborted() {
            return Err(SendError::Aborted);
        }
        let headers = Headers::new().map_err(|e| failure(e, signal))?;
        for (name, value) in &req.headers {
            headers
                .append(name, value)
                .map_err(|e| failure(e, signal))?;
        }
        let init = RequestInit::new();
        init.set_method(req.method);
        init.set_headers(&headers);
        init.set_signal(Some(signal));
        if let Some(body) = &req.body {
            init.set_body(body);
        }
        let request =
            Request::new_with_str_and_init(&req.url, &init).map_err(|e| failure(e, signal))?;
        let response: Response = JsFuture::from(global_fetch(&request))
            .await
            .map_err(|e| failure(e, signal))?
            .unchecked_into();
        let retry_after = response
            .headers()
            .get("retry-after")
            .ok()
            .flatten()
            .and_then(|v| parse_retry_after(&v));
        let status = response.status();
        let text = match response.text() {
            Ok(promise) => JsFuture::from(promise)
                .await
                .map_err(|e| failure(e, signal))?,
            Err(e) => return Err(failure(e, signal)),
        };
        Ok(Reply {
            status,
            text: text.as_string().unwrap_or_default(),
            retry_after,
        })
    })
}
