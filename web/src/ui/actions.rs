//! What buttons do: submit, poll, cancel, list, read and upload local files, copy.

use leptos::prelude::*;
use serde_json::json;
use wanedit_core::task::{TaskListQuery, TaskResponse, TaskStatus};
use wasm_bindgen::JsCast;
use web_sys::{AbortController, Blob};

use super::connect::{check_relay, contact, contact_after, plain_failure, relay_down_text};
use super::{Ctx, FormState, LocalFile, SubmitState, Upload};
use crate::api::{self, WaitOptions};
use crate::forms::{self, Field, FormValues, LocalMedia, Op};
use crate::media::upload_name;
use crate::tasks::{self, TaskRecord};

/// Submits the form if it has no errors; the task is stored the moment its id is known, then
/// polled.
pub fn submit(ctx: Ctx, form: FormState) {
    let checked = form.checked.get_untracked();
    if checked.has_errors() || form.busy() || form.submit.get_untracked() == SubmitState::Sending {
        return;
    }
    let upstream = ctx.settings.with_untracked(|s| s.upstream.clone());
    let conn = ctx.conn(&upstream);
    form.submit.set(SubmitState::Sending);
    ctx.spawn(async move {
        let result = api::submit(&conn, &checked.body).await;
        contact_after(ctx, result.as_ref().err());
        match result {
            Ok(created) => {
                let id = created.output.task_id.clone();
                let mut record = TaskRecord::submitted(
                    &id,
                    &upstream,
                    &checked.body,
                    created.output.task_status.clone(),
                    api::now_ms(),
                );
                record.input_video_s = form.video_s.get_untracked();
                ctx.tasks.update(|ts| tasks::upsert(ts, record));
                ctx.save_tasks();
                form.submit.set(SubmitState::Done(id.clone()));
                ctx.emit(
                    "submitted",
                    json!({
                        "taskId": id,
                        "operation": form.op.slug(),
                        "model": checked.body.get("model"),
                        "requestId": created.request_id,
                        "body": checked.body,
                    }),
                );
                ctx.emit(
                    "status",
                    json!({"taskId": id, "status": created.output.task_status, "task": created}),
                );
                reveal_task(ctx, id.clone());
                watch(ctx, id, false);
            }
            Err(e) => {
                let mut text = plain_failure(ctx, &e);
                if e.status == Some(401) && e.code == "InvalidApiKey" {
                    text = format!("{text} — {}", ctx.tr(|s| s.key_wrong_region)());
                }
                form.submit.set(SubmitState::Failed(text, e.issues))
            }
        }
    });
}

/// Applies a query answer to the stored task, and tells an embedding page when its status
/// changed.
fn apply(ctx: Ctx, task_id: &str, task: &TaskResponse) {
    contact(ctx, true);
    let now = api::now_ms();
    let mut before = None;
    ctx.tasks.update(|ts| {
        if let Some(t) = ts.iter_mut().find(|t| t.task_id == task_id) {
            before = Some(t.status.clone());
            t.apply(task, now);
        }
    });
    ctx.save_tasks();
    let status = &task.output.task_status;
    if before.as_ref() == Some(status) || !ctx.embedded() {
        return;
    }
    ctx.emit(
        "status",
        json!({"taskId": task_id, "status": status, "task": task}),
    );
    match status {
        TaskStatus::Succeeded => ctx.emit(
            "succeeded",
            json!({"taskId": task_id, "videoUrl": task.output.video_url, "task": task}),
        ),
        TaskStatus::Failed | TaskStatus::Canceled | TaskStatus::Unknown => ctx.emit(
            "failed",
            json!({
                "taskId": task_id,
                "status": status,
                "code": task.output.code,
                "message": task.output.message,
                "task": task,
            }),
        ),
        _ => {}
    }
}

/// Puts a failed poll on its task, in plain words, with when the next try is (`None`: no
/// retry follows).
fn set_poll_error(ctx: Ctx, task_id: &str, error: Option<String>, retry_at_ms: Option<f64>) {
    ctx.tasks.update(|ts| {
        if let Some(t) = ts.iter_mut().find(|t| t.task_id == task_id) {
            t.poll_failed(error, retry_at_ms);
        }
    });
    ctx.save_tasks();
}

/// Polls a task until it ends (once at a time per task). `check_first` queries at once
/// (after a reload) instead of waiting for the schedule's first poll.
pub fn watch(ctx: Ctx, task_id: String, check_first: bool) {
    let Some(record) = ctx
        .tasks
        .with_untracked(|ts| ts.iter().find(|t| t.task_id == task_id).cloned())
    else {
        return;
    };
    if record.is_final() || ctx.watching.with_value(|w| w.contains_key(&task_id)) {
        return;
    }
    let Ok(controller) = AbortController::new() else {
        return;
    };
    let signal = controller.signal();
    ctx.watching
        .update_value(|w| drop(w.insert(task_id.clone(), controller)));
    ctx.spawn(async move {
        let conn = ctx.conn(&record.upstream);
        let mut done = false;
        if check_first {
            match api::get(&conn, &task_id).await {
                Ok(task) => {
                    apply(ctx, &task_id, &task);
                    done = task.output.task_status.is_final();
                }
                Err(e) => {
                    contact_after(ctx, Some(&e));
                    set_poll_error(ctx, &task_id, Some(plain_failure(ctx, &e)), None);
                }
            }
        }
        if !done && !record.id_expired(api::now_ms()) {
            let id = task_id.clone();
            let failing = task_id.clone();
            let result = api::wait(
                &conn,
                &task_id,
                WaitOptions {
                    model: record.model.clone(),
                    request: record.request.clone(),
                    input_video_s: record.input_video_s,
                    submitted_at_ms: record.submitted_ms,
                    on_update: Box::new(move |task| apply(ctx, &id, task)),
                    on_retry: Box::new(move |e, delay| {
                        contact_after(ctx, Some(e));
                        let retry_at = api::now_ms() + delay.as_millis() as f64;
                        set_poll_error(ctx, &failing, Some(plain_failure(ctx, e)), Some(retry_at));
                    }),
                    abort: Some(signal),
                },
            )
            .await;
            match result {
                Ok(task) => apply(ctx, &task_id, &task),
                Err(e) => match &e.task {
                    Some(task) => apply(ctx, &task_id, task),
                    None if e.is_aborted() => {}
                    None => set_poll_error(ctx, &task_id, Some(plain_failure(ctx, &e)), None),
                },
            }
        }
        ctx.watching.update_value(|w| drop(w.remove(&task_id)));
    });
}

/// The upstream a stored task was submitted to (`None`: not in the list any more).
fn upstream_of(ctx: Ctx, task_id: &str) -> Option<String> {
    ctx.tasks.with_untracked(|ts| {
        ts.iter()
            .find(|t| t.task_id == task_id)
            .map(|t| t.upstream.clone())
    })
}

/// Queries a task now.
pub fn check_now(ctx: Ctx, task_id: String) {
    let Some(upstream) = upstream_of(ctx, &task_id) else {
        return;
    };
    let conn = ctx.conn(&upstream);
    ctx.spawn(async move {
        match api::get(&conn, &task_id).await {
            Ok(task) => {
                apply(ctx, &task_id, &task);
                if !task.output.task_status.is_final() {
                    watch(ctx, task_id, false);
                }
            }
            Err(e) => {
                contact_after(ctx, Some(&e));
                set_poll_error(ctx, &task_id, Some(plain_failure(ctx, &e)), None);
            }
        }
    });
}

fn note(ctx: Ctx, task_id: &str, text: Option<String>) {
    ctx.task_notes.update(|n| match text {
        Some(t) => drop(n.insert(task_id.to_string(), t)),
        None => drop(n.remove(task_id)),
    });
}

/// Cancels a pending task, then reads its status.
pub fn cancel(ctx: Ctx, task_id: String) {
    let Some(upstream) = upstream_of(ctx, &task_id) else {
        return;
    };
    let conn = ctx.conn(&upstream);
    note(ctx, &task_id, None);
    ctx.spawn(async move {
        match api::cancel(&conn, &task_id).await {
            Ok(()) => {
                if let Ok(task) = api::get(&conn, &task_id).await {
                    apply(ctx, &task_id, &task);
                }
            }
            Err(e) => {
                contact_after(ctx, Some(&e));
                // Refused (HTTP 400): the task has most likely just left PENDING. Read it, so
                // the list shows its state (and no Cancel), and say so in plain words.
                let now = match e.status {
                    Some(400) => api::get(&conn, &task_id).await.ok(),
                    _ => None,
                };
                if let Some(task) = &now {
                    apply(ctx, &task_id, task);
                }
                let status = now.map(|t| t.output.task_status);
                let text = match tasks::cancel_refused(ctx.lang.get_untracked(), status.as_ref()) {
                    Some(plain) => plain,
                    None => format!("{}: {}", ctx.t().cancel_failed, plain_failure(ctx, &e)),
                };
                note(ctx, &task_id, Some(text));
            }
        }
    });
}

/// Removes a task from the list (it keeps running at DashScope).
pub fn forget(ctx: Ctx, task_id: String) {
    ctx.watching.update_value(|w| {
        if let Some(c) = w.remove(&task_id) {
            c.abort();
        }
    });
    ctx.tasks.update(|ts| ts.retain(|t| t.task_id != task_id));
    ctx.save_tasks();
}

/// Pulls in the account's task list; returns the outcome text.
pub fn load_account(ctx: Ctx, status: RwSignal<Option<String>>) {
    let upstream = ctx.settings.with_untracked(|s| s.upstream.clone());
    let conn = ctx.conn(&upstream);
    status.set(Some(ctx.t().loading.to_string()));
    ctx.spawn(async move {
        match api::list(&conn, &TaskListQuery::default()).await {
            Ok(list) => {
                let mut added = 0;
                ctx.tasks.update(|ts| {
                    added = tasks::merge_list(ts, &list.data, &upstream, api::now_ms())
                });
                ctx.save_tasks();
                status.set(Some(format!(
                    "{} {}",
                    list.data.len(),
                    ctx.t().account_tasks_loaded
                )));
                let open: Vec<String> = list
                    .data
                    .iter()
                    .filter(|i| !i.status.is_final())
                    .map(|i| i.task_id.clone())
                    .collect();
                for id in open {
                    watch(ctx, id, true);
                }
                // Finished ones pulled in have no result link yet: read each once.
                let finished: Vec<String> = list
                    .data
                    .iter()
                    .filter(|i| i.status.is_final())
                    .map(|i| i.task_id.clone())
                    .take(added)
                    .collect();
                for id in finished {
                    if let Ok(task) = api::get(&conn, &id).await {
                        apply(ctx, &id, &task);
                    }
                }
            }
            Err(e) => {
                contact_after(ctx, Some(&e));
                status.set(Some(plain_failure(ctx, &e)));
            }
        }
    });
}

/// Takes a local file for a media field: preview, probe, check against its role, and (if
/// nothing is wrong) upload through the relay.
pub fn accept_file(
    ctx: Ctx,
    form: FormState,
    field: Field,
    index: Option<usize>,
    blob: Blob,
    name: String,
) {
    let object_url = web_sys::Url::create_object_url_with_blob(&blob).unwrap_or_default();
    form.files.update(|fs| {
        if let Some(old) = fs.iter().find(|f| f.field == field && f.index == index) {
            let _ = web_sys::Url::revoke_object_url(&old.object_url);
        }
        fs.retain(|f| !(f.field == field && f.index == index));
        fs.push(LocalFile {
            field,
            index,
            name: name.clone(),
            object_url,
            blob: blob.clone(),
            info: None,
            probe_error: None,
            upload: Upload::Probing,
            content_issues: Vec::new(),
        });
    });
    form.values
        .update(|v| v.set_media(field, index, String::new()));
    ctx.spawn(async move {
        let probed = crate::probe::probe_blob(&blob).await;
        // The file is checked against its role and against the form's other local files
        // (a mask against its video, two clips together) before anything is uploaded.
        let blocked = match &probed {
            Ok(info) => {
                let mut local: Vec<LocalMedia> = form.files.with_untracked(|fs| {
                    fs.iter()
                        .filter(|f| !(f.field == field && f.index == index))
                        .filter_map(LocalFile::probed)
                        .collect()
                });
                local.push(LocalMedia {
                    field,
                    index,
                    info: info.clone(),
                });
                let values = form.values.get_untracked();
                let me = forms::Target { field, index };
                forms::media_issues(form.op, &values, &local)
                    .iter()
                    .any(|i| i.is_error() && forms::issue_target(form.op, &i.path) == me)
            }
            Err(_) => true,
        };
        update_file(form, field, index, |f| {
            match &probed {
                Ok(info) => f.info = Some(info.clone()),
                Err(e) => f.probe_error = Some(e.clone()),
            }
            f.upload = if blocked {
                Upload::Blocked
            } else {
                Upload::Sending(0.0)
            };
        });
        if !blocked {
            upload(ctx, form, field, index);
        }
    });
}

fn update_file(
    form: FormState,
    field: Field,
    index: Option<usize>,
    f: impl FnOnce(&mut LocalFile),
) {
    form.files.update(|fs| {
        if let Some(file) = fs.iter_mut().find(|x| x.field == field && x.index == index) {
            f(file);
        }
    });
}

/// Uploads (or retries) the local file of a field.
pub fn upload(ctx: Ctx, form: FormState, field: Field, index: Option<usize>) {
    let Some(file) = form.files.with_untracked(|fs| {
        fs.iter()
            .find(|f| f.field == field && f.index == index)
            .cloned()
    }) else {
        return;
    };
    let upstream = ctx.settings.with_untracked(|s| s.upstream.clone());
    let conn = ctx.conn(&upstream);
    let model = ctx.region.with_untracked(|r| form.op.model(r));
    let stamp = format!("{:x}", api::now_ms() as u64);
    let name = upload_name(&file.name, &stamp, file.info.as_ref().map(|i| i.format));
    update_file(form, field, index, |f| f.upload = Upload::Sending(0.0));
    ctx.spawn(async move {
        let progress = Box::new(move |p: f64| {
            update_file(form, field, index, |f| {
                if matches!(f.upload, Upload::Sending(_)) {
                    f.upload = Upload::Sending(p)
                }
            })
        });
        // A relay that does not answer fails the upload at once, not after the client's
        // retries with the bar at 0%.
        if !check_relay(ctx).await {
            let text = relay_down_text(ctx);
            update_file(form, field, index, |f| f.upload = Upload::Failed(text));
            return;
        }
        let result = api::upload(&conn, &file.blob, model.as_str(), &name, progress).await;
        contact_after(ctx, result.as_ref().err());
        match result {
            Ok(url) => {
                // Only if the slot still holds this file.
                let current = form.files.with_untracked(|fs| {
                    fs.iter().any(|f| {
                        f.field == field && f.index == index && f.object_url == file.object_url
                    })
                });
                if current {
                    update_file(form, field, index, |f| f.upload = Upload::Done(url.clone()));
                    form.values.update(|v| v.set_media(field, index, url));
                }
            }
            Err(e) => {
                let text = plain_failure(ctx, &e);
                update_file(form, field, index, |f| f.upload = Upload::Failed(text))
            }
        }
    });
}

/// Forgets the local file of a field (the URL was typed over or cleared).
pub fn drop_file(form: FormState, field: Field, index: Option<usize>) {
    form.files.update(|fs| {
        fs.retain(|f| {
            let hit = f.field == field && f.index == index;
            if hit {
                let _ = web_sys::Url::revoke_object_url(&f.object_url);
            }
            !hit
        })
    });
}

/// Removes reference image `index`, keeping local files with their images.
pub fn remove_ref(form: FormState, field: Field, index: usize) {
    drop_file(form, field, Some(index));
    form.files.update(|fs| {
        for f in fs.iter_mut() {
            if f.field == field {
                if let Some(i) = f.index.filter(|i| *i > index) {
                    f.index = Some(i - 1);
                }
            }
        }
    });
    form.values.update(|v| v.remove_ref(index));
}

/// Puts `text` on the clipboard and says so in the form's note.
pub fn copy(ctx: Ctx, form: FormState, text: String) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let promise = window.navigator().clipboard().write_text(&text);
    ctx.spawn(async move {
        let ok = wasm_bindgen_futures::JsFuture::from(promise).await.is_ok();
        let t = ctx.t();
        form.note
            .set(Some(if ok { t.copied } else { t.copy_failed }.to_string()));
    });
}

/// Carries a result video into the form of `op` and shows it.
pub fn use_as_input(ctx: Ctx, op: Op, url: &str) {
    let Some(fresh) = FormValues::with_input_video(op, url) else {
        return;
    };
    let form = ctx.form(op);
    // A new input starts a new request: the last Submit's outcome belongs to the old one.
    form.submit.set(SubmitState::Idle);
    form.note.set(None);
    for (field, value) in fresh.urls {
        drop_file(form, field, None);
        form.values
            .update(|v| v.set_media(field, None, value.clone()));
    }
    ctx.active.set(op);
    if let Some(el) = ctx.element("editor") {
        el.scroll_into_view();
    }
}

/// Brings a just-submitted task into view when the list is off screen (a phone, where the
/// list sits below a long form); on a wide screen the list is beside the form and stays put.
fn reveal_task(ctx: Ctx, task_id: String) {
    ctx.spawn(async move {
        // The list renders the new task on the next tick.
        api::sleep(std::time::Duration::from_millis(50), None).await;
        let Some(window) = web_sys::window() else {
            return;
        };
        let selector = format!("[data-task-id=\"{task_id}\"]");
        let item = ctx
            .element("tasks-h")
            .and_then(|h| h.parent_element())
            .and_then(|list| list.query_selector(&selector).ok().flatten());
        let Some(item) = item else { return };
        // `getBoundingClientRect` through JS (web-sys' `DomRect` is not worth a feature here).
        let edge = |name: &str| {
            js_sys::Reflect::get(&item, &"getBoundingClientRect".into())
                .ok()
                .and_then(|f| f.dyn_into::<js_sys::Function>().ok())
                .and_then(|f| f.call0(&item).ok())
                .and_then(|r| js_sys::Reflect::get(&r, &name.into()).ok())
                .and_then(|v| v.as_f64())
        };
        let height = window
            .inner_height()
            .ok()
            .and_then(|h| h.as_f64())
            .unwrap_or(0.0);
        let (top, bottom) = (edge("top").unwrap_or(0.0), edge("bottom").unwrap_or(0.0));
        if top >= height || bottom <= 0.0 {
            item.scroll_into_view();
        }
    });
}
