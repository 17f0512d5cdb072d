//! The editor embedded in a host page (`embed.js`: `<wanedit-editor>` and `mount`): the wasm
//! exports `mountEditor` and the handle's methods, options applied to a live editor, and the
//! events sent to the host.
//!
//! Everything an editor starts (polls, the clock, listeners) belongs to its Leptos owner, so
//! `unmount` stops it all. The one listener on the host's `window` is the `storage` event of
//! an editor with a `storage-key` (tasks saved by an editor in another tab), removed when the
//! editor is; editors of one page on one key share their tasks directly ([`share_tasks`]).

use std::any::Any;
use std::cell::{Cell, RefCell};
use std::rc::Rc;

use leptos::prelude::*;
use leptos::reactive::owner::Owner;
use serde_json::{json, Value};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{HtmlElement, ShadowRoot};

use super::{actions, Ctx, SubmitState};
use crate::embed_options::{EmbedOptions, OptionError};
use crate::forms::Op;
use crate::prefill::values_from_body;
use crate::tasks::{self, TaskRecord};

thread_local! {
    /// The live editors of this page, by an id of their own (tasks on one `storage-key` are
    /// shared between them).
    static LIVE: RefCell<Vec<(u64, Ctx)>> = const { RefCell::new(Vec::new()) };
    static NEXT_LIVE: Cell<u64> = const { Cell::new(0) };
    /// Each live editor's `storage` listener on the host's `window`, by the id in [`LIVE`].
    static STORAGE_LISTENERS: RefCell<Vec<(u64, StorageListener)>> = const { RefCell::new(Vec::new()) };
}

type StorageListener = Closure<dyn FnMut(web_sys::Event)>;

/// What an embedded editor knows of its host.
#[derive(Clone)]
pub struct Host {
    /// The shadow root the editor renders into (element lookups go here, not `document`).
    pub root: ShadowRoot,
    /// `embed.js`' event sink: `emit(name, detailJson)`.
    pub emit: js_sys::Function,
    /// The `storage-key` (`None`: the editor keeps nothing in `localStorage`).
    pub storage_key: Option<String>,
}

impl Host {
    /// Sends `wanedit-<name>` with `detail` to the host page.
    pub fn emit(&self, name: &str, detail: &Value) {
        let _ = self.emit.call2(
            &JsValue::NULL,
            &JsValue::from_str(name),
            &JsValue::from_str(&wanedit_core::text::json_text(detail)),
        );
    }
}

fn js_error(e: OptionError) -> JsError {
    JsError::new(&e.to_string())
}

/// Checks options that depend on each other or on the editor (the prefill body's operation
/// must be offered).
fn check(ctx: Option<Ctx>, options: &EmbedOptions) -> Result<(), OptionError> {
    if let Some((op, _)) = &options.body {
        let offered = match (&options.operations, ctx) {
            (Some(ops), _) => ops.clone(),
            (None, Some(ctx)) => ctx.ops.get_untracked(),
            (None, None) => Op::ALL.to_vec(),
        };
        if !offered.contains(op) {
            return Err(OptionError {
                option: "body",
                message: format!(
                    "is a {} request, which `operations` does not offer",
                    op.slug()
                ),
            });
        }
    }
    Ok(())
}

/// Applies checked options to a live editor.
pub(super) fn apply(ctx: Ctx, options: EmbedOptions) {
    let EmbedOptions {
        relay,
        operations,
        lang,
        key_mode,
        api_key,
        relay_token,
        body,
        storage_key,
        workspace,
        asset_base,
        // `embed.js` applies these to the editor's root element.
        theme: _,
        hide_account_tasks: _,
        relay_config,
    } = options;
    if let Some(base) = asset_base {
        crate::probe::set_asset_base(&base);
    }
    if let Some(text) = relay_config {
        let root = relay
            .as_ref()
            .map(|t| t.root.clone())
            .unwrap_or_else(|| ctx.relay_root());
        crate::api::preload_relay_config(&root, text);
    }
    if let Some(ops) = operations {
        if !ops.contains(&ctx.active.get_untracked()) {
            ctx.active.set(ops[0]);
        }
        ctx.ops.set(ops);
    }
    ctx.settings.update(|s| {
        if let Some(lang) = lang {
            s.lang = lang;
        }
        if let Some(mode) = key_mode {
            s.key_mode = mode;
        }
        if let Some(ws) = workspace {
            s.workspace = ws;
        }
    });
    if let Some(key) = api_key {
        ctx.api_key.set(key);
    }
    if let Some(token) = relay_token {
        ctx.relay_token.set(token);
    }
    if let Some(key) = storage_key {
        switch_storage_key(ctx, Some(key).filter(|k| !k.is_empty()));
    }
    if let Some((op, body)) = body {
        set_body(ctx, op, &body);
    }
    if let Some(target) = relay {
        let changed = ctx.relay_root.get_untracked().as_deref() != Some(target.root.as_str());
        if let Some(upstream) = target.upstream.clone() {
            ctx.settings.update(|s| s.upstream = upstream);
        }
        ctx.fixed_upstream.set(target.upstream.is_some());
        ctx.relay_root.set(Some(target.root));
        if changed && ctx.relay_loaded.get_untracked() {
            super::load_relay(ctx, false);
        }
    }
}

/// Moves the editor to another `storage-key` (a login or logout on the host page): the polls of
/// the old key's tasks stop, the list becomes exactly the new key's stored list (nothing of
/// the old one is kept or written under the new key), and its unfinished tasks are followed.
fn switch_storage_key(ctx: Ctx, key: Option<String>) {
    let same = ctx
        .embed
        .with_value(|h| h.as_ref().is_some_and(|h| h.storage_key == key));
    if same {
        return;
    }
    ctx.stop_all();
    ctx.embed.update_value(|h| {
        if let Some(h) = h {
            h.storage_key = key;
        }
    });
    let stored = tasks::load(ctx.store_get(tasks::STORAGE_KEY).as_deref());
    let unfinished: Vec<String> = stored
        .iter()
        .filter(|t| !t.is_final())
        .map(|t| t.task_id.clone())
        .collect();
    ctx.task_notes.set(Default::default());
    ctx.tasks.set(stored);
    for id in unfinished {
        actions::watch(ctx, id, true);
    }
}

/// Merges `theirs` (another editor's list on the same key) into `ours` by task id: unknown
/// tasks are added, and a known one is replaced when theirs has ended and ours has not.
/// Returns the ids added or replaced (empty: nothing changed).
fn merge_by_id(ours: &mut Vec<TaskRecord>, theirs: Vec<TaskRecord>) -> Vec<String> {
    let mut changed = Vec::new();
    for record in theirs {
        let newer = match ours.iter().find(|t| t.task_id == record.task_id) {
            None => true,
            Some(known) => record.is_final() && !known.is_final(),
        };
        if newer {
            changed.push(record.task_id.clone());
            tasks::upsert(ours, record);
        }
    }
    changed
}

/// Takes `theirs` into the editor's list (see [`merge_by_id`]); stores and follows what was new.
fn take_tasks(ctx: Ctx, theirs: Vec<TaskRecord>) {
    let Some(mut list) = ctx.tasks.try_get_untracked() else {
        return;
    };
    let changed = merge_by_id(&mut list, theirs);
    if changed.is_empty() {
        return;
    }
    ctx.tasks.set(list);
    ctx.save_tasks();
    for id in changed {
        actions::watch(ctx, id, true);
    }
}

fn storage_key_of(ctx: Ctx) -> Option<String> {
    ctx.embed
        .try_with_value(|h| h.as_ref().and_then(|h| h.storage_key.clone()))
        .flatten()
}

/// Shares the tasks of editors on one `storage-key`, merged by task id: editors of this page
/// directly whenever a list changes, editors in other tabs through the `storage` event (the
/// browser sends it to every other document of the origin when one writes the key).
pub(super) fn share_tasks(ctx: Ctx) {
    let id = NEXT_LIVE.with(|n| {
        n.set(n.get() + 1);
        n.get()
    });
    LIVE.with(|l| l.borrow_mut().push((id, ctx)));
    Effect::new(move |_| {
        let list = ctx.tasks.get();
        let Some(key) = storage_key_of(ctx) else {
            return;
        };
        let others: Vec<Ctx> = LIVE.with(|l| {
            l.borrow()
                .iter()
                .filter(|(other, c)| *other != id && storage_key_of(*c).as_deref() == Some(&key))
                .map(|(_, c)| *c)
                .collect()
        });
        for other in others {
            take_tasks(other, list.clone());
        }
    });
    // A `StorageEvent`'s `key` and `newValue`, read without web-sys' StorageEvent type.
    let on_storage: StorageListener = Closure::new(move |ev: web_sys::Event| {
        let Some(ns) = storage_key_of(ctx) else {
            return;
        };
        let field = |name: &str| js_sys::Reflect::get(&ev, &name.into()).ok()?.as_string();
        if field("key") != Some(crate::embed_options::namespaced(&ns, tasks::STORAGE_KEY)) {
            return;
        }
        take_tasks(ctx, tasks::load(field("newValue").as_deref()));
    });
    if let Some(w) = web_sys::window() {
        let _ = w.add_event_listener_with_callback("storage", on_storage.as_ref().unchecked_ref());
    }
    STORAGE_LISTENERS.with(|l| l.borrow_mut().push((id, on_storage)));
    on_cleanup(move || {
        LIVE.with(|l| l.borrow_mut().retain(|(other, _)| *other != id));
        let mine = STORAGE_LISTENERS.with(|l| {
            let mut l = l.borrow_mut();
            let at = l.iter().position(|(other, _)| *other == id)?;
            Some(l.remove(at).1)
        });
        if let (Some(listener), Some(w)) = (mine, web_sys::window()) {
            let _ =
                w.remove_event_listener_with_callback("storage", listener.as_ref().unchecked_ref());
        }
    });
}

/// Emits `failed` when a Submit fails (the relay refused it, or did not answer): every failure
/// reaches the host page, not only those of a task that ran.
pub(super) fn watch_submits(ctx: Ctx) {
    for op in Op::ALL {
        let form = ctx.form(op);
        Effect::new(move |_| {
            if let SubmitState::Failed(message, issues) = form.submit.get() {
                // Only a new failure emits (not a language change, say).
                let unanswered = untrack(|| message == super::connect::relay_down_text(ctx));
                ctx.emit(
                    "failed",
                    json!({
                        "operation": op.slug(),
                        "stage": "submit",
                        "message": crate::embed_options::explain_failure(
                            &message,
                            unanswered,
                            &ctx.relay_root(),
                            &page_origin(),
                        ),
                        "issues": issues,
                    }),
                );
            }
        });
    }
}

/// The host page's origin (`https://www.example.com`).
fn page_origin() -> String {
    web_sys::window()
        .and_then(|w| w.location().origin().ok())
        .unwrap_or_default()
}

fn set_body(ctx: Ctx, op: Op, body: &Value) {
    let form = ctx.form(op);
    for f in form.files.get_untracked() {
        actions::drop_file(form, f.field, f.index);
    }
    form.values.set(values_from_body(op, body));
    ctx.active.set(op);
}

/// Emits `validation` whenever the issues of the shown form change; also starts the other
/// host-facing watches ([`share_tasks`], [`watch_submits`]).
pub(super) fn watch_validation(ctx: Ctx) {
    share_tasks(ctx);
    watch_submits(ctx);
    Effect::new(move |_| {
        let op = ctx.active.get();
        let checked = ctx.form(op).checked.get();
        ctx.emit(
            "validation",
            json!({
                "operation": op.slug(),
                "valid": !checked.has_errors(),
                "issues": checked.issues,
                "body": checked.body,
            }),
        );
    });
}

/// A mounted editor, as `embed.js` holds it.
#[wasm_bindgen]
pub struct EditorHandle {
    ctx: Ctx,
    /// `None` once unmounted.
    mounted: RefCell<Option<Mounted>>,
}

/// What a live editor holds: its DOM (Leptos' unmount handle) and its reactive owner.
struct Mounted {
    view: Box<dyn Any>,
    owner: Owner,
}

fn live(handle: &EditorHandle) -> Result<Ctx, JsError> {
    if handle.mounted.borrow().is_some() {
        Ok(handle.ctx)
    } else {
        Err(JsError::new("wanedit-editor: this editor was unmounted"))
    }
}

#[wasm_bindgen]
impl EditorHandle {
    /// Removes the editor: its DOM, its reactive graph, its polls and timers.
    pub fn unmount(&self) {
        if let Some(Mounted { view, owner }) = self.mounted.borrow_mut().take() {
            self.ctx.stop_all();
            drop(view);
            // Runs the cleanups now (clock, waits, tasks spawned with `Ctx::spawn`) and
            // disposes the signals, even if a pending task still holds the owner.
            owner.cleanup();
        }
    }

    /// The current request body of the shown form, as JSON text.
    #[wasm_bindgen(js_name = getBody)]
    pub fn get_body(&self) -> Result<String, JsError> {
        let ctx = live(self)?;
        let op = ctx.active.get_untracked();
        Ok(ctx.form(op).checked.get_untracked().body.to_string())
    }

    /// Prefills the form of the body's operation and shows it. `json`: a create-task body.
    #[wasm_bindgen(js_name = setBody)]
    pub fn set_body(&self, json: &str) -> Result<(), JsError> {
        let ctx = live(self)?;
        let options = EmbedOptions::parse(&json!({ "body": json })).map_err(js_error)?;
        check(Some(ctx), &options).map_err(js_error)?;
        apply(ctx, options);
        Ok(())
    }

    /// Applies options (JSON text, the same names as `mount`'s).
    pub fn update(&self, options_json: &str) -> Result<(), JsError> {
        let ctx = live(self)?;
        let options = parse(options_json)?;
        check(Some(ctx), &options).map_err(js_error)?;
        apply(ctx, options);
        Ok(())
    }
}

fn parse(options_json: &str) -> Result<EmbedOptions, JsError> {
    let value: Value = serde_json::from_str(options_json)
        .map_err(|e| JsError::new(&format!("wanedit-editor options: not JSON: {e}")))?;
    EmbedOptions::parse(&value).map_err(js_error)
}

/// Mounts an editor in `container` (inside `root`, the host element's shadow root).
/// `emit(name, detailJson)` receives the events. Fails, naming the option, on a bad option.
#[wasm_bindgen(js_name = mountEditor)]
pub fn mount_editor(
    root: ShadowRoot,
    container: HtmlElement,
    options_json: &str,
    emit: js_sys::Function,
) -> Result<EditorHandle, JsError> {
    let options = parse(options_json)?;
    check(None, &options).map_err(js_error)?;
    let host = Host {
        root,
        emit,
        storage_key: options.storage_key.clone().filter(|k| !k.is_empty()),
    };
    let slot: Rc<Cell<Option<Ctx>>> = Rc::new(Cell::new(None));
    let out = slot.clone();
    let owner: Rc<RefCell<Option<Owner>>> = Rc::new(RefCell::new(None));
    let owner_out = owner.clone();
    let handle = leptos::mount::mount_to(container, move || {
        *owner_out.borrow_mut() = Owner::current();
        super::app(Some((host, options, out)))
    });
    let (Some(ctx), Some(owner)) = (slot.get(), owner.take()) else {
        return Err(JsError::new("wanedit-editor: the editor did not start"));
    };
    Ok(EditorHandle {
        ctx,
        mounted: RefCell::new(Some(Mounted {
            view: Box::new(handle),
            owner,
        })),
    })
}
