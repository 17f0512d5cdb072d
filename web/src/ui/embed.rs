//! The editor embedded in a host page (`embed.js`: `<wanedit-editor>` and `mount`): the wasm
//! exports `mountEditor` and the handle's methods, options applied to a live editor, and the
//! events sent to the host.
//!
//! Everything an editor starts (polls, the clock, listeners) belongs to its Leptos owner, so
//! `unmount` stops it all; nothing is registered on the host's `window` or `document`.

use std::any::Any;
use std::cell::{Cell, RefCell};
use std::rc::Rc;

use leptos::prelude::*;
use leptos::reactive::owner::Owner;
use serde_json::{json, Value};
use wasm_bindgen::prelude::*;
use web_sys::{HtmlElement, ShadowRoot};

use super::{actions, Ctx};
use crate::embed_options::{EmbedOptions, OptionError};
use crate::forms::Op;
use crate::prefill::values_from_body;
use crate::tasks;

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
    } = options;
    if let Some(base) = asset_base {
        crate::probe::set_asset_base(&base);
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
        let key = Some(key).filter(|k| !k.is_empty());
        ctx.embed.update_value(|h| {
            if let Some(h) = h {
                h.storage_key = key;
            }
        });
        // Tasks stored under the new key join the list (and are followed).
        let stored = tasks::load(ctx.store_get(tasks::STORAGE_KEY).as_deref());
        let new: Vec<String> = ctx.tasks.with_untracked(|ts| {
            stored
                .iter()
                .filter(|s| !ts.iter().any(|t| t.task_id == s.task_id))
                .map(|s| s.task_id.clone())
                .collect()
        });
        ctx.tasks.update(|ts| {
            for record in stored {
                tasks::upsert(ts, record);
            }
        });
        ctx.save_tasks();
        for id in new {
            actions::watch(ctx, id, true);
        }
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

fn set_body(ctx: Ctx, op: Op, body: &Value) {
    let form = ctx.form(op);
    for f in form.files.get_untracked() {
        actions::drop_file(form, f.field, f.index);
    }
    form.values.set(values_from_body(op, body));
    ctx.active.set(op);
}

/// Emits `validation` whenever the issues of the shown form change.
pub(super) fn watch_validation(ctx: Ctx) {
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
