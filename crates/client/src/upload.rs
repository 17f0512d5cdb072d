//! [`Client::upload`]: a local file to a temporary `oss://` URL, in the documented two steps
//! (see `wanedit_core::upload`), so it works the same against DashScope and through a relay
//! (whose policy names the relay itself as upload host).

use std::cell::RefCell;
use std::rc::Rc;

use js_sys::{Function, Promise, Reflect};
use serde_json::Value;
use wanedit_core::cat;
use wanedit_core::region::UPLOADS_PATH;
use wanedit_core::retry::Call;
use wanedit_core::task::{ApiError, ErrorBody, ErrorKind};
use wanedit_core::upload::{
    default_filename, oss_url, parse_oss_error, policy_query, safe_filename, UploadPolicy,
};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{AbortSignal, Blob, File, FormData, ProgressEvent, Url, XmlHttpRequest};

use crate::client::{OnProgress, UploadOptions};
use crate::http::{self, Req, SendError};
use crate::snapshot::{json_value, unexpected};
use crate::timer::{bind_undefined, Interrupter};
use crate::{Boxed, Client, WanError};

type Progress = Rc<RefCell<Option<OnProgress>>>;

fn report(progress: &Progress, fraction: f64) {
    if let Some(f) = progress.borrow_mut().as_mut() {
        f(fraction);
    }
}

fn js_failure(_: JsValue) -> WanError {
    WanError::invalid("could not build the upload form")
}

/// `upload_host` resolved against the base URL (a relay may answer a relative one).
fn resolve(upload_host: &str, base: &str) -> String {
    if let Ok(url) = Url::new(upload_host) {
        return url.href();
    }
    let mut dir = base.to_string();
    dir.push('/');
    if let Ok(url) = Url::new_with_base(upload_host, &dir) {
        return url.href();
    }
    // A page-relative base URL: leave the rest to fetch, which resolves against the page.
    if upload_host.starts_with('/') {
        upload_host.to_string()
    } else {
        dir.push_str(upload_host);
        dir
    }
}

/// The error of a failed upload answer: OSS answers XML, a relay JSON.
fn upload_error(status: u16, text: &str) -> WanError {
    let error = match parse_oss_error(text) {
        Some((code, message)) => ApiError {
            status,
            kind: ErrorKind::classify(status, &code),
            body: ErrorBody {
                code,
                message,
                ..ErrorBody::default()
            },
        },
        None => ApiError::from_parsed_response(status, crate::json::parse(text), text),
    };
    WanError::Api {
        error,
        retry_after: None,
    }
}

/// Posts `form` with `XMLHttpRequest`, reporting upload progress.
fn post_xhr<'a>(
    url: &'a str,
    form: &'a FormData,
    signal: &'a AbortSignal,
    progress: &'a Progress,
) -> Boxed<'a, Result<(u16, String), WanError>> {
    Box::pin(async move {
        let net = |_| WanError::Network {
            message: "the upload failed".into(),
        };
        let xhr = XmlHttpRequest::new().map_err(net)?;
        xhr.open("POST", url).map_err(net)?;
        let p = progress.clone();
        let on_progress = Closure::<dyn FnMut(ProgressEvent)>::new(move |e: ProgressEvent| {
            if e.length_computable() && e.total() > 0.0 {
                report(&p, e.loaded() / e.total());
            }
        });
        xhr.upload()
            .map_err(net)?
            .set_onprogress(Some(on_progress.as_ref().unchecked_ref()));
        let abort: Function = Reflect::get(&xhr, &JsValue::from_str("abort"))
            .map_err(net)?
            .unchecked_into();
        let abort = bind_undefined(abort, &xhr);
        let _ = signal.add_event_listener_with_callback("abort", &abort);
        let done = Promise::new(&mut |resolve, reject| {
            xhr.set_onload(Some(&resolve));
            xhr.set_onerror(Some(&reject));
            xhr.set_onabort(Some(&reject));
            xhr.set_ontimeout(Some(&reject));
        });
        let outcome = match xhr.send_with_opt_form_data(Some(form)) {
            Ok(()) => JsFuture::from(done).await.map(drop),
            Err(e) => Err(e),
        };
        let _ = signal.remove_event_listener_with_callback("abort", &abort);
        drop(on_progress);
        if signal.aborted() {
            return Err(WanError::aborted());
        }
        outcome.map_err(net)?;
        let status = xhr.status().map_err(net)?;
        let text = xhr.response_text().ok().flatten().unwrap_or_default();
        Ok((status, text))
    })
}

/// Posts `form` with `fetch` (no progress events), through the one transport.
fn post_fetch<'a>(
    url: &'a str,
    form: &'a FormData,
    signal: &'a AbortSignal,
) -> Boxed<'a, Result<(u16, String), WanError>> {
    Box::pin(async move {
        let req = Req {
            method: "POST",
            url: url.to_string(),
            headers: Vec::new(),
            body: Some(form.into()),
        };
        match http::send(&req, signal).await {
            Ok(reply) => Ok((reply.status, reply.text)),
            Err(SendError::Aborted) => Err(WanError::aborted()),
            Err(SendError::Network(message)) => Err(WanError::Network { message }),
        }
    })
}

fn has_xhr() -> bool {
    Reflect::has(&js_sys::global(), &JsValue::from_str("XMLHttpRequest")).unwrap_or(false)
}

impl Client {
    /// The form of step 2 (the policy's fields, then the file), the object key and where to
    /// post it.
    fn form(
        &self,
        policy: &UploadPolicy,
        file: &Blob,
        filename: Option<String>,
    ) -> Result<(FormData, String, String), WanError> {
        let name = filename
            .or_else(|| file.dyn_ref::<File>().map(File::name))
            .filter(|n| !n.trim().is_empty())
            .unwrap_or_else(|| default_filename(&file.type_()).to_string());
        let name = safe_filename(&name);
        let key = policy.object_key(&name);
        let form = FormData::new().map_err(js_failure)?;
        for (field, value) in policy.form_field_refs(&key) {
            form.append_with_str(field, value).map_err(js_failure)?;
        }
        form.append_with_blob_and_filename("file", file, &name)
            .map_err(js_failure)?;
        let target = resolve(&policy.upload_host, &self.url(&[]));
        Ok((form, key, target))
    }

    /// Uploads `file` for `opts.model` and returns its `oss://` URL (valid 48 h, for that
    /// model only). Step 1 asks `{base}/api/v1/uploads?action=getPolicy&model=…` for a policy
    /// (a read: retried within the retry policy); step 2 posts the form to the policy's
    /// `upload_host`, resolved against the base URL, with the documented fields and the file
    /// last (not retried). Refuses a file larger than the policy allows before sending it.
    ///
    /// Progress: with an `on_progress` hook and `XMLHttpRequest` available (browsers) the
    /// form is sent with `XMLHttpRequest` and progress is reported as it goes; otherwise
    /// (Node) with `fetch`, reporting only 0 and 1.
    pub async fn upload(&self, file: &Blob, opts: UploadOptions) -> Result<String, WanError> {
        self.upload_boxed(file, opts).await
    }

    /// [`Client::upload`], boxed.
    pub(crate) fn upload_boxed<'a>(
        &'a self,
        file: &'a Blob,
        opts: UploadOptions,
    ) -> Boxed<'a, Result<String, WanError>> {
        Box::pin(async move {
            let UploadOptions {
                model,
                filename,
                on_progress,
                abort,
            } = opts;
            if model.trim().is_empty() {
                return Err(WanError::invalid(
                    "upload needs the model the file is for (an upload only works for that model)",
                ));
            }
            let interrupter = Interrupter::new(abort.as_ref(), None)?;
            let signal = interrupter.signal();
            let req = Req {
                method: "GET",
                url: self.url(&[UPLOADS_PATH, "?", &policy_query(&model)]),
                headers: self.read_headers(),
                body: None,
            };
            let text = self
                .fetch_text(Call::Read, &self.config().retry, &req, &signal, None)
                .await?;
            let policy = json_value(&text)?
                .get_mut("data")
                .map(Value::take)
                .and_then(UploadPolicy::from_owned)
                .ok_or_else(|| unexpected("the upload policy answer has no valid data"))?;
            if let Some(max) = policy.max_file_bytes() {
                if file.size() > max as f64 {
                    return Err(WanError::invalid(cat!(
                        "the file is larger than the upload policy allows (",
                        max,
                        " bytes)"
                    )));
                }
            }
            let (form, key, target) = self.form(&policy, file, filename)?;
            let progress: Progress = Rc::new(RefCell::new(on_progress));
            let use_xhr = progress.borrow().is_some() && has_xhr();
            report(&progress, 0.0);
            let (status, text) = if use_xhr {
                post_xhr(&target, &form, &signal, &progress).await?
            } else {
                post_fetch(&target, &form, &signal).await?
            };
            if !(200..300).contains(&status) {
                return Err(upload_error(status, &text));
            }
            report(&progress, 1.0);
            Ok(oss_url(&key))
        })
    }
}
