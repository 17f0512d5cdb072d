//! The Connect panel: upstream, who holds the key, the user's key (session or device),
//! relay token, workspace, and the relay's connection state, checked live.
//!
//! The state is checked every [`CHECK_EVERY`] (`GET /healthz`) and after every call the UI
//! makes ([`contact`]): "Relay connected" never outlives the relay, and the last successful
//! contact is shown. A failed call because the relay did not answer is told in plain words
//! ([`plain_failure`]), not as the browser's "Failed to fetch".

use std::cell::RefCell;
use std::collections::HashMap;
use std::time::Duration;

use leptos::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

use super::rx;
use super::Ctx;
use crate::api::{self, ApiFailure};
use crate::i18n;
use crate::settings::{self, KeyMode};
use crate::storage;

/// How often the relay is checked while the page is open.
const CHECK_EVERY: Duration = Duration::from_secs(4);
/// How long a check waits for the relay's answer.
const CHECK_TIMEOUT_MS: u32 = 3_000;

thread_local! {
    /// When each relay (by root URL) last answered, epoch ms.
    static LAST_CONTACT: RefCell<HashMap<String, f64>> = RefCell::new(HashMap::new());
}

/// When the relay of `ctx` last answered.
fn last_contact(ctx: Ctx) -> Option<f64> {
    let root = ctx.relay_root();
    LAST_CONTACT.with(|c| c.borrow().get(&root).copied())
}

/// Records whether the relay answered a call just now. A relay that comes back has its
/// configuration read again; one that stops is shown as not answering at once.
pub(crate) fn contact(ctx: Ctx, reached: bool) {
    if reached {
        let root = ctx.relay_root();
        LAST_CONTACT.with(|c| {
            c.borrow_mut().insert(root, api::now_ms());
        });
    }
    let was = ctx.relay.with_untracked(|r| r.reachable);
    match (was, reached) {
        (true, false) => ctx.relay.update(|r| r.reachable = false),
        (false, true) if ctx.relay_loaded.get_untracked() => super::load_relay(ctx, false),
        _ => {}
    }
}

/// Records the outcome of an API call: a network failure means the relay did not answer;
/// any answer (an HTTP error too) means it did.
pub(crate) fn contact_after(ctx: Ctx, failure: Option<&ApiFailure>) {
    match failure {
        Some(f) if f.is_aborted() => {}
        Some(f) => contact(ctx, !is_unanswered(f)),
        None => contact(ctx, true),
    }
}

/// Whether a call failed because nothing answered (the relay is down or unreachable).
fn is_unanswered(f: &ApiFailure) -> bool {
    f.status.is_none() && f.kind == "network"
}

/// A failure as a person reads it: "The relay at … is not answering." when nothing answered,
/// else the failure itself.
pub(crate) fn plain_failure(ctx: Ctx, f: &ApiFailure) -> String {
    if is_unanswered(f) {
        relay_down_text(ctx)
    } else {
        f.to_string()
    }
}

/// "The relay at … is not answering."
pub(crate) fn relay_down_text(ctx: Ctx) -> String {
    ctx.t().relay_down.replace("{relay}", &ctx.relay_root())
}

/// Asks the relay whether it is up (`GET /healthz` answers `{"status":"ok"}`), within
/// [`CHECK_TIMEOUT_MS`]. Anything else, a page server that is not the relay included, is no.
pub(crate) async fn relay_answers(ctx: Ctx) -> bool {
    let url = format!("{}/healthz", ctx.relay_root());
    let Some(window) = web_sys::window() else {
        return false;
    };
    let init = web_sys::RequestInit::new();
    init.set_method("GET");
    init.set_signal(Some(&web_sys::AbortSignal::timeout_with_u32(
        CHECK_TIMEOUT_MS,
    )));
    let Ok(answer) = JsFuture::from(window.fetch_with_str_and_init(&url, &init)).await else {
        return false;
    };
    let Ok(response) = answer.dyn_into::<web_sys::Response>() else {
        return false;
    };
    if response.status() != 200 {
        return false;
    }
    let text = match response.text() {
        Ok(p) => JsFuture::from(p).await.ok().and_then(|t| t.as_string()),
        Err(_) => None,
    };
    text.is_some_and(|t| t.contains("\"status\""))
}

/// Checks the relay now and records the outcome; whether it answered.
pub(crate) async fn check_relay(ctx: Ctx) -> bool {
    let up = relay_answers(ctx).await;
    contact(ctx, up);
    up
}

/// "3 s ago", "5 min ago": how long ago `then` was.
fn ago(ctx: Ctx, then: Option<f64>) -> String {
    let t = ctx.t();
    let Some(then) = then else {
        return t.relay_never.to_string();
    };
    let s = ((ctx.now.get() - then) / 1000.0).max(0.0).round();
    if s < 120.0 {
        format!("{} {}", crate::num::fixed(s, 0), t.seconds_ago)
    } else {
        let m = (s / 60.0).floor();
        format!("{} {}", crate::num::fixed(m, 0), t.minutes_ago)
    }
}

/// The live connection line under the Connect panel.
fn relay_status(ctx: Ctx) -> impl IntoView {
    // The check runs on its own timer and stops with the panel.
    let busy = StoredValue::new(false);
    let timer = set_interval_with_handle(
        move || {
            if busy.get_value() {
                return;
            }
            busy.set_value(true);
            ctx.spawn(async move {
                check_relay(ctx).await;
                busy.set_value(false);
            });
        },
        CHECK_EVERY,
    )
    .ok();
    on_cleanup(move || {
        if let Some(timer) = timer {
            timer.clear();
        }
    });
    // The relay's configuration arriving is a contact too (the first one, usually).
    Effect::new(move |_| {
        if ctx.relay_loaded.get() && ctx.relay.with(|r| r.reachable) {
            let root = ctx.relay_root();
            LAST_CONTACT.with(|c| {
                c.borrow_mut().entry(root).or_insert_with(api::now_ms);
            });
        }
    });
    let state = move || {
        if !ctx.relay_loaded.get() {
            "loading"
        } else if ctx.relay.with(|r| r.reachable) {
            "up"
        } else {
            "down"
        }
    };
    view! {
        <p class="relay-status" role="status" data-state=rx(state)>
            {rx(move || {
                let t = ctx.t();
                // Read the clock so "last contact" moves every second.
                let contact = last_contact(ctx);
                match state() {
                    "loading" => t.loading.to_string(),
                    "up" => format!(
                        "{} · {} {}",
                        t.relay_ok.trim_end_matches('.'),
                        t.last_contact,
                        ago(ctx, contact),
                    ),
                    _ if contact.is_none() => format!("{} {}", relay_down_text(ctx), t.relay_missing),
                    _ => format!(
                        "{} ({} {}) {}",
                        relay_down_text(ctx),
                        t.last_contact,
                        ago(ctx, contact),
                        t.relay_down_hint,
                    ),
                }
            })}
        </p>
    }
}

#[component]
pub fn Connect() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let settings = ctx.settings;
    let upstream = Memo::new(move |_| settings.with(|s| s.upstream.clone()));
    let key_mode = Memo::new(move |_| settings.with(|s| s.key_mode));
    let remember = Memo::new(move |_| settings.with(|s| s.remember_key));
    let relay_holds = Memo::new(move |_| {
        let name = upstream.get();
        ctx.relay
            .with(|r| r.upstream(&name).is_some_and(|u| u.holds_key))
    });
    // An embedded editor keeps keys in memory only, and its host chooses the upstream and who
    // holds the key (attributes), so those controls are the app's alone.
    let embedded = ctx.embedded();
    let store_secrets = move || {
        if embedded {
            return;
        }
        let keep = remember.get_untracked();
        storage::set_secret(settings::API_KEY_KEY, &ctx.api_key.get_untracked(), keep);
        storage::set_secret(
            settings::RELAY_TOKEN_KEY,
            &ctx.relay_token.get_untracked(),
            keep,
        );
    };

    view! {
        <section
            class="panel connect"
            aria-labelledby="connect-h"
            hidden=rx(move || {
                embedded && key_mode.get() == KeyMode::Relay && !ctx.relay.with(|r| r.requires_token)
                    && ctx.relay.with(|r| r.reachable)
            })
        >
            <h2 id="connect-h">{ctx.tr(|s| s.connect)}</h2>
            <div class="connect-grid">
                <div class="field" hidden=embedded>
                    <label for="upstream">{ctx.tr(|s| s.upstream)}</label>
                    <select
                        id="upstream"
                        on:change=move |ev| {
                            let v = event_target_value(&ev);
                            settings.update(|s| s.upstream = v);
                        }
                    >
                        {rx(move || {
                            let lang = ctx.lang.get();
                            let current = upstream.get();
                            ctx.relay
                                .with(|r| r.upstreams.clone())
                                .into_iter()
                                .map(|u| {
                                    let selected = u.name == current;
                                    let label = i18n::upstream_label(lang, &u.name);
                                    view! {
                                        <option value=u.name selected=selected>
                                            {label}
                                        </option>
                                    }
                                })
                                .collect_view()
                        })}
                    </select>
                </div>
                <fieldset class="field key-mode" hidden=embedded>
                    <legend>{ctx.tr(|s| s.key_handling)}</legend>
                    <label class="inline">
                        <input
                            type="radio"
                            name="key-mode"
                            id="key-mode-relay"
                            value="relay"
                            prop:checked=rx(move || key_mode.get() == KeyMode::Relay)
                            on:change=move |_| settings.update(|s| s.key_mode = KeyMode::Relay)
                        />
                        {ctx.tr(|s| s.key_relay)}
                    </label>
                    <label class="inline">
                        <input
                            type="radio"
                            name="key-mode"
                            id="key-mode-own"
                            value="own"
                            prop:checked=rx(move || key_mode.get() == KeyMode::Own)
                            on:change=move |_| settings.update(|s| s.key_mode = KeyMode::Own)
                        />
                        {ctx.tr(|s| s.key_own)}
                    </label>
                    <Show when=move || key_mode.get() == KeyMode::Relay && !relay_holds.get()>
                        <p class="warn">{ctx.tr(|s| s.key_relay_missing)}</p>
                    </Show>
                </fieldset>
                <Show when=move || key_mode.get() == KeyMode::Own>
                    <div class="field">
                        <label for="api-key">{ctx.tr(|s| s.api_key)}</label>
                        <input
                            id="api-key"
                            type="password"
                            autocomplete="off"
                            spellcheck="false"
                            placeholder=ctx.tr(|s| s.api_key_placeholder)
                            prop:value=rx(move || ctx.api_key.get())
                            on:input=move |ev| {
                                ctx.api_key.set(event_target_value(&ev));
                                store_secrets();
                            }
                        />
                        <label class="inline" hidden=embedded>
                            <input
                                type="checkbox"
                                id="remember-key"
                                prop:checked=rx(move || remember.get())
                                on:change=move |ev| {
                                    let on = event_target_checked(&ev);
                                    settings.update(|s| s.remember_key = on);
                                    store_secrets();
                                }
                            />
                            {ctx.tr(|s| s.remember)}
                        </label>
                        <p class="hint" hidden=embedded>
                            {rx(move || {
                                if remember.get() {
                                    ctx.t().key_local_note
                                } else {
                                    ctx.t().key_session_note
                                }
                            })}
                        </p>
                        <button
                            type="button"
                            class="link"
                            on:click=move |_| {
                                ctx.api_key.set(String::new());
                                store_secrets();
                            }
                        >
                            {ctx.tr(|s| s.forget_key)}
                        </button>
                    </div>
                </Show>
                <Show when=move || ctx.relay.with(|r| r.requires_token)>
                    <div class="field">
                        <label for="relay-token">{ctx.tr(|s| s.relay_token)}</label>
                        <input
                            id="relay-token"
                            type="password"
                            autocomplete="off"
                            prop:value=rx(move || ctx.relay_token.get())
                            on:input=move |ev| {
                                ctx.relay_token.set(event_target_value(&ev));
                                store_secrets();
                            }
                        />
                    </div>
                </Show>
                <div class="field" hidden=embedded>
                    <label for="workspace">{ctx.tr(|s| s.workspace)}</label>
                    <input
                        id="workspace"
                        type="text"
                        autocomplete="off"
                        spellcheck="false"
                        prop:value=rx(move || settings.with(|s| s.workspace.clone()))
                        on:change=move |ev| {
                            let v = event_target_value(&ev);
                            settings.update(|s| s.workspace = v.trim().to_string());
                        }
                    />
                    <p class="hint">{ctx.tr(|s| s.workspace_hint)}</p>
                </div>
            </div>
            {relay_status(ctx)}
        </section>
    }
}
