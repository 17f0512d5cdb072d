//! Form drafts: what was entered in each form (prompt, parameters, media URLs, the uploaded
//! `oss://` references with their expiry) and the selected tab survive a reload.
//!
//! One JSON document in the app's storage ([`DRAFTS_KEY`], namespaced for an embedded editor
//! with a `storage-key`, nowhere without one), written whenever a form changes and read once
//! when the editor starts. A form that was prefilled before (an embed's `body`) keeps its
//! prefill. Uploads are DashScope's temporary objects, valid [`UPLOAD_LIFETIME_MS`] after the
//! upload: a restored draft drops the ones that have expired and says so. Local files
//! themselves (the bytes) are not kept: their uploaded `oss://` URL is what the request needs.

use std::collections::BTreeMap;

use leptos::prelude::*;
use serde_json::{json, Map, Value};

use super::{Ctx, SubmitState, Upload};
use crate::api;
use crate::forms::{FormValues, Op};
use crate::prefill::values_from_body;

/// The storage key of the drafts.
pub const DRAFTS_KEY: &str = "wanedit.drafts.v1";

/// How long an uploaded `oss://` object can be used: 48 h (DashScope's temporary storage).
pub const UPLOAD_LIFETIME_MS: f64 = 48.0 * 3_600_000.0;

/// A margin before the expiry: an object about to expire would fail the task it is sent with.
const EXPIRY_MARGIN_MS: f64 = 10.0 * 60_000.0;

// The stored JSON: `{"active": slug, "forms": {slug: {"body": …, "uploads": {url: ms}}}}`.
// A form is kept as its request body (what the form shows as JSON, invalid values included),
// read back with `prefill::values_from_body`, the embed's prefill: one mapping between forms
// and bodies, and no second (de)serializer of the form values in the wasm.

fn op_of(slug: &str) -> Option<Op> {
    Op::ALL.into_iter().find(|op| op.slug() == slug)
}

fn read(ctx: Ctx) -> Value {
    ctx.store_get(DRAFTS_KEY)
        .and_then(|t| serde_json::from_str::<Value>(&t).ok())
        .unwrap_or(Value::Null)
}

/// The upload expiries of a stored form.
fn uploads_of(form: &Value) -> BTreeMap<String, f64> {
    form.get("uploads")
        .and_then(Value::as_object)
        .map(|m| {
            m.iter()
                .filter_map(|(url, ms)| Some((url.clone(), ms.as_f64()?)))
                .collect()
        })
        .unwrap_or_default()
}

/// Every `oss://` URL the values send.
fn oss_urls(values: &FormValues) -> impl Iterator<Item = &String> {
    values
        .urls
        .values()
        .chain(values.refs.iter())
        .filter(|u| u.starts_with("oss://"))
}

/// Removes the uploads in `values` that are expired (or about to) at `now_ms`; whether any
/// was removed. An `oss://` URL without a known upload time (typed in) is kept.
fn drop_expired(values: &mut FormValues, uploads: &BTreeMap<String, f64>, now_ms: f64) -> bool {
    let dead = |u: &String| {
        uploads
            .get(u)
            .is_some_and(|expires| *expires - EXPIRY_MARGIN_MS <= now_ms)
    };
    let before = values.clone();
    values.urls.retain(|_, u| !dead(u));
    let keep: Vec<bool> = values.refs.iter().map(|u| !dead(u)).collect();
    for (i, keep) in keep.iter().enumerate().rev() {
        if !keep {
            values.remove_ref(i);
        }
    }
    *values != before
}

/// Restores the drafts into forms that are still pristine, and the selected tab; then keeps
/// them stored as the forms change. Called once, when the editor starts.
pub fn restore_and_keep(ctx: Ctx) {
    let drafts = read(ctx);
    let now = api::now_ms();
    // Expiry of every upload seen, by URL; new uploads are added as they finish.
    let expiries = StoredValue::new(BTreeMap::<String, f64>::new());
    let stored = drafts.get("forms").and_then(Value::as_object);
    for (slug, draft) in stored.into_iter().flatten() {
        let Some(op) = op_of(slug) else { continue };
        let form = ctx.form(op);
        let Some(body) = draft.get("body").filter(|_| form.pristine.get_untracked()) else {
            continue;
        };
        let uploads = uploads_of(draft);
        let mut values = values_from_body(op, body);
        let dropped = drop_expired(&mut values, &uploads, now);
        expiries.update_value(|e| e.extend(uploads));
        let t = ctx.t();
        let note = if dropped {
            format!("{} {}", t.draft_restored, t.draft_uploads_expired)
        } else {
            t.draft_restored.to_string()
        };
        form.values.set(values);
        form.note.set(Some(note));
    }
    if let Some(op) = drafts.get("active").and_then(Value::as_str).and_then(op_of) {
        if ctx.ops.with_untracked(|ops| ops.contains(&op)) {
            ctx.active.set(op);
        }
    }
    Effect::new(move |_| {
        let now = api::now_ms();
        let mut forms = Map::new();
        for op in Op::ALL {
            let form = ctx.form(op);
            // Uploads that finished in this form, with the expiry they got when they did.
            form.files.with(|fs| {
                for f in fs {
                    if let Upload::Done(url) = &f.upload {
                        expiries.update_value(|e| {
                            e.entry(url.clone()).or_insert(now + UPLOAD_LIFETIME_MS);
                        });
                    }
                }
            });
            if form.pristine.get() {
                continue;
            }
            let uploads: Map<String, Value> = form.values.with(|values| {
                expiries.with_value(|e| {
                    oss_urls(values)
                        .filter_map(|u| e.get(u).map(|x| (u.clone(), json!(x))))
                        .collect()
                })
            });
            let body = form.checked.with(|c| c.body.clone());
            forms.insert(
                op.slug().to_string(),
                json!({"body": body, "uploads": uploads}),
            );
        }
        let out = json!({"active": ctx.active.get().slug(), "forms": forms});
        ctx.store_set(DRAFTS_KEY, &wanedit_core::text::json_text(&out));
    });
}

/// "Clear form": the form back to empty, its local files and last Submit forgotten, and so
/// its draft discarded (the drafts are stored again without it).
pub fn clear(ctx: Ctx, op: Op) {
    let form = ctx.form(op);
    let files = form.files.get_untracked();
    for f in &files {
        let _ = web_sys::Url::revoke_object_url(&f.object_url);
    }
    form.files.set(Vec::new());
    form.values.set(FormValues::default());
    form.submit.set(SubmitState::Idle);
    form.note.set(None);
    form.video_size.set(None);
    form.video_s.set(None);
}
