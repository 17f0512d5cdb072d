//! The Connect panel: upstream, who holds the key, the user's key (session or device),
//! relay token, workspace.

use leptos::prelude::*;

use super::rx;
use super::Ctx;
use crate::i18n;
use crate::settings::{self, KeyMode};
use crate::storage;

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
                                .get()
                                .upstreams
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
            <p class="relay-status" role="status">
                {rx(move || {
                    if !ctx.relay_loaded.get() {
                        ctx.t().loading
                    } else if ctx.relay.with(|r| r.reachable) {
                        ctx.t().relay_ok
                    } else {
                        ctx.t().relay_missing
                    }
                })}
            </p>
        </section>
    }
}
