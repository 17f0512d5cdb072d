//! The Leptos components: the page, the Connect panel, the six forms, the task list.

pub(crate) mod actions;
mod connect;
mod draft;
pub mod embed;
mod examples;
mod field_frame;
mod fields;
mod form;
mod media_input;
mod tasks_view;

use std::cell::Cell;
use std::collections::HashMap;
use std::rc::Rc;
use std::time::Duration;

use leptos::prelude::*;
use wanedit_core::region::Region;
use web_sys::AbortController;

use leptos::reactive::owner::{Owner, WeakOwner};

use crate::api::{self, Conn, ConnConfig};
use crate::embed_options::{namespaced, EmbedOptions};
pub use crate::form_state::{FormState, LocalFile, SubmitState, Upload};
use crate::forms::{self, Field, Op};
use crate::i18n::{self, Lang, Strings};
use crate::settings::{self, RelayConfig, Settings};
use crate::storage;
use crate::tasks::{self, TaskRecord};

/// Everything the components share. Cheap to copy (signals).
#[derive(Clone, Copy)]
pub struct Ctx {
    /// Connection settings and language.
    pub settings: RwSignal<Settings>,
    /// The language.
    pub lang: Memo<Lang>,
    /// The region of the chosen upstream.
    pub region: Memo<Region>,
    /// The user's API key (never stored with the settings).
    pub api_key: RwSignal<String>,
    /// The relay access token.
    pub relay_token: RwSignal<String>,
    /// What the relay offers.
    pub relay: RwSignal<RelayConfig>,
    /// Whether the relay configuration was read.
    pub relay_loaded: RwSignal<bool>,
    /// The task list, newest first.
    pub tasks: RwSignal<Vec<TaskRecord>>,
    /// Transient notes per task (a failed cancel, say).
    pub task_notes: RwSignal<HashMap<String, String>>,
    /// The form shown.
    pub active: RwSignal<Op>,
    /// The six forms, in `Op::ALL` order.
    pub forms: StoredValue<Vec<FormState>>,
    /// The clock, updated every second (elapsed times, countdowns).
    pub now: RwSignal<f64>,
    /// The waits running, by task id.
    pub watching: StoredValue<HashMap<String, AbortController>, LocalStorage>,
    /// The one connection (and `wanedit-client` client) of each upstream, remade only when
    /// its configuration (key, token, workspace, clock speed) changes. See [`Ctx::conn`].
    pub conns: StoredValue<HashMap<String, Conn>, LocalStorage>,
    /// The operations offered (the tabs), in `Op::ALL` order.
    pub ops: RwSignal<Vec<Op>>,
    /// The relay's root URL (`https://relay.example.com`); `None`: this page's origin.
    pub relay_root: RwSignal<Option<String>>,
    /// Whether the upstream was given (an embed's `relay` URL names it) rather than chosen.
    pub fixed_upstream: RwSignal<bool>,
    /// The host page, when the editor is embedded (`embed.js`).
    pub embed: StoredValue<Option<embed::Host>, LocalStorage>,
    /// The app's reactive owner (weak: it must not keep itself alive), for [`Ctx::spawn`].
    pub owner: StoredValue<Option<WeakOwner>, LocalStorage>,
}

impl Ctx {
    /// The strings of the current language (reactive).
    pub fn t(&self) -> &'static Strings {
        i18n::strings(self.lang.get())
    }

    /// A reactive UI string: all of them share one closure type, which keeps the wasm small.
    pub fn tr(
        self,
        f: fn(&'static Strings) -> &'static str,
    ) -> impl Fn() -> &'static str + Copy + Send + Sync + 'static {
        move || f(i18n::strings(self.lang.get()))
    }

    /// The reactive label of a field.
    pub fn label(self, field: Field) -> impl Fn() -> &'static str + Copy + Send + Sync + 'static {
        move || i18n::field_label(self.lang.get(), field)
    }

    /// The reactive name of an operation.
    pub fn op_name(self, op: Op) -> impl Fn() -> &'static str + Copy + Send + Sync + 'static {
        move || i18n::op_name(self.lang.get(), op)
    }

    /// The reactive summary of an operation.
    pub fn op_summary(self, op: Op) -> impl Fn() -> &'static str + Copy + Send + Sync + 'static {
        move || i18n::op_summary(self.lang.get(), op)
    }

    /// The form of `op`.
    pub fn form(&self, op: Op) -> FormState {
        let i = Op::ALL.iter().position(|o| *o == op).unwrap_or(0);
        self.forms.with_value(|f| f[i])
    }

    /// The relay's root URL: the embed's `relay`, or this page's origin.
    pub fn relay_root(&self) -> String {
        self.relay_root.get_untracked().unwrap_or_else(|| {
            web_sys::window()
                .and_then(|w| w.location().origin().ok())
                .unwrap_or_default()
        })
    }

    /// The connection to `upstream` with the current key, workspace and token: the one
    /// client of that upstream, made on first use (and again when the configuration changed),
    /// which keeps its poll history in this app's storage ([`api::POLL_HISTORY_KEY`] per
    /// upstream: accounts and speeds differ between upstreams).
    pub fn conn(&self, upstream: &str) -> Conn {
        let config = self.conn_config(upstream);
        let key = self.storage_key(&api::history_key(upstream));
        let cached = self.conns.with_value(|c| {
            c.get(upstream)
                .filter(|conn| conn.is_for(&config, &key))
                .cloned()
        });
        if let Some(conn) = cached {
            return conn;
        }
        let conn = Conn::new(config, key);
        self.conns
            .update_value(|c| drop(c.insert(upstream.to_string(), conn.clone())));
        conn
    }

    /// How to reach `upstream` with the current key, workspace and token.
    pub fn conn_config(&self, upstream: &str) -> ConnConfig {
        let s = self.settings.get_untracked();
        let root = self.relay_root();
        let token = self.relay_token.get_untracked();
        // The relay publishes its simulator's clock speed; the debug key is for simulators
        // reached some other way.
        let published = self
            .relay
            .with_untracked(|r| r.upstream(upstream).and_then(|u| u.time_scale));
        let time_scale = published
            .or_else(|| storage::get(DEBUG_TIME_SCALE_KEY).and_then(|v| crate::num::parse(&v)))
            .filter(|v| v.is_finite() && *v > 0.0)
            .unwrap_or(1.0);
        ConnConfig {
            base_url: format!("{root}/{upstream}"),
            api_key: settings::key_to_send(s.key_mode, &self.api_key.get_untracked()),
            workspace: Some(s.workspace.trim().to_string()).filter(|w| !w.is_empty()),
            relay_token: Some(token.trim().to_string()).filter(|t| !t.is_empty()),
            time_scale,
        }
    }

    /// Stores the task list now (not on the next tick: a task is on disk as soon as its id is
    /// known).
    pub fn save_tasks(&self) {
        self.tasks
            .with_untracked(|t| self.store_set(tasks::STORAGE_KEY, &tasks::save(t)));
    }

    /// Whether the editor is embedded in a host page.
    pub fn embedded(&self) -> bool {
        self.embed.with_value(Option::is_some)
    }

    /// Where the app's `key` lives in `localStorage`, if anywhere (see [`storage_key`]).
    fn storage_key(&self, key: &str) -> Option<String> {
        let ns = self
            .embed
            .with_value(|e| e.as_ref().map(|h| h.storage_key.clone()));
        storage_key(ns.as_ref().map(Option::as_deref), key)
    }

    /// Reads the app's `key` from `localStorage`.
    pub fn store_get(&self, key: &str) -> Option<String> {
        storage::get(&self.storage_key(key)?)
    }

    /// Writes the app's `key` (see [`Ctx::store_get`]).
    pub fn store_set(&self, key: &str, value: &str) {
        if let Some(k) = self.storage_key(key) {
            storage::set(&k, value);
        }
    }

    /// The element with `id` in this editor (its shadow root when embedded).
    pub fn element(&self, id: &str) -> Option<web_sys::Element> {
        match self
            .embed
            .with_value(|e| e.as_ref().map(|h| h.root.clone()))
        {
            Some(root) => root.get_element_by_id(id),
            None => web_sys::window()?.document()?.get_element_by_id(id),
        }
    }

    /// Sends `wanedit-<name>` to the host page (embedded editors only).
    pub fn emit(&self, name: &str, detail: serde_json::Value) {
        self.embed.with_value(|e| {
            if let Some(host) = e {
                host.emit(name, &detail);
            }
        });
    }

    /// Runs `task` under the app's owner, cancelled when the owner is cleaned up (an
    /// unmounted embedded editor): no continuation ever touches a disposed signal.
    pub fn spawn(&self, task: impl std::future::Future<Output = ()> + 'static) {
        let owner = self
            .owner
            .try_with_value(|o| o.as_ref().and_then(WeakOwner::upgrade))
            .flatten();
        if let Some(owner) = owner {
            owner.with(|| leptos::task::spawn_local_scoped_with_cancellation(task));
        }
    }

    /// Stops every wait in flight.
    pub fn stop_all(&self) {
        if let Some(watching) = self.watching.try_update_value(std::mem::take) {
            for controller in watching.into_values() {
                controller.abort();
            }
        }
    }
}

/// A reactive closure with its type erased: views render every `rx(move || …)` of one output
/// type with the same code instead of one copy per closure, which keeps the wasm small
/// (what Leptos' `--cfg erase_components` does for the whole crate graph).
pub type Rx<T> = leptos::tachys::reactive_graph::SharedReactiveFunction<T>;

/// Erases a reactive closure (see [`Rx`]).
pub fn rx<T: 'static>(f: impl FnMut() -> T + Send + 'static) -> Rx<T> {
    std::sync::Arc::new(std::sync::Mutex::new(f))
}

/// `localStorage` key of a service clock speed for polling (tests against a fast
/// simulator); absent for DashScope.
pub const DEBUG_TIME_SCALE_KEY: &str = "wanedit.debug.timeScale";

/// Where the app's `key` lives in `localStorage`: the page's own key for the app (`ns`:
/// `None`); for an embedded editor (`Some(storage-key)`) under its namespace, or nowhere when
/// it has no `storage-key` (the host page's storage is not ours).
fn storage_key(ns: Option<Option<&str>>, key: &str) -> Option<String> {
    match ns {
        None => Some(key.to_string()),
        Some(Some(ns)) => Some(namespaced(ns, key)),
        Some(None) => None,
    }
}

/// Mounts the app on `<body>`.
pub fn mount() {
    leptos::mount::mount_to_body(|| app(None));
}

/// What an embedded editor starts with: its host, its options, and where to put its [`Ctx`]
/// (for the handle `embed.js` holds).
pub type EmbedStart = (embed::Host, EmbedOptions, Rc<Cell<Option<Ctx>>>);

/// The app: the whole page, or an editor embedded in a host page (`embed`).
pub fn app(embed: Option<EmbedStart>) -> impl IntoView {
    let (host, options, ctx_out) = match embed {
        Some((host, options, out)) => (Some(host), Some(options), Some(out)),
        None => (None, None, None),
    };
    let embedded = host.is_some();
    let ns = host.as_ref().map(|h| h.storage_key.as_deref());
    let load = |key: &str| storage::get(&storage_key(ns, key)?);
    let stored_settings = load(settings::SETTINGS_KEY);
    let mut initial = Settings::load(stored_settings.as_deref());
    if stored_settings.is_none() {
        let tag = web_sys::window()
            .and_then(|w| w.navigator().language())
            .unwrap_or_default();
        initial.lang = Lang::from_tag(&tag);
    }
    let stored_tasks = tasks::load(load(tasks::STORAGE_KEY).as_deref());
    let settings = RwSignal::new(initial);
    let lang = Memo::new(move |_| settings.with(|s| s.lang));
    let region = Memo::new(move |_| settings.with(|s| forms::region_of(&s.upstream)));
    let forms = StoredValue::new(
        Op::ALL
            .iter()
            .map(|op| FormState::new(*op, region))
            .collect(),
    );
    // An embedded editor's key lives in memory only (the host page's storage is not ours).
    let secret = |key: &str| {
        if embedded {
            String::new()
        } else {
            storage::get_secret(key)
        }
    };
    let ctx = Ctx {
        settings,
        lang,
        region,
        api_key: RwSignal::new(secret(settings::API_KEY_KEY)),
        relay_token: RwSignal::new(secret(settings::RELAY_TOKEN_KEY)),
        relay: RwSignal::new(RelayConfig::fallback()),
        relay_loaded: RwSignal::new(false),
        tasks: RwSignal::new(stored_tasks),
        task_notes: RwSignal::new(HashMap::new()),
        active: RwSignal::new(Op::ImageReference),
        forms,
        now: RwSignal::new(api::now_ms()),
        watching: StoredValue::new_local(HashMap::new()),
        conns: StoredValue::new_local(HashMap::new()),
        ops: RwSignal::new(Op::ALL.to_vec()),
        relay_root: RwSignal::new(None),
        fixed_upstream: RwSignal::new(false),
        embed: StoredValue::new_local(host),
        owner: StoredValue::new_local(Owner::current().map(|o| o.downgrade())),
    };
    provide_context(ctx);
    if let Some(mut options) = options {
        // The storage key was read above.
        options.storage_key = None;
        embed::apply(ctx, options);
        embed::watch_validation(ctx);
    }
    if let Some(out) = ctx_out {
        out.set(Some(ctx));
    }

    // Settings are stored whenever they change; the app's language also sets <html lang>.
    Effect::new(move |_| {
        let s = settings.get();
        ctx.store_set(settings::SETTINGS_KEY, &s.to_json());
        if embedded {
            return;
        }
        if let Some(html) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.document_element())
        {
            let _ = html.set_attribute("lang", s.lang.tag());
        }
    });

    // The clock of elapsed times and countdowns; it and every wait stop with the owner.
    let clock =
        set_interval_with_handle(move || ctx.now.set(api::now_ms()), Duration::from_secs(1)).ok();
    on_cleanup(move || {
        if let Some(clock) = clock {
            clock.clear();
        }
        ctx.stop_all();
    });

    load_relay(ctx, true);

    view! {
        <div class="wanedit" lang=rx(move || lang.get().tag())>
            {(!embedded).then(|| view! { <Header /> })}
            <connect::Connect />
            <main class="layout">
                <form::Editor />
                <tasks_view::TaskList />
            </main>
        </div>
    }
}

/// Reads the relay's configuration, picks the upstream, then (`first`) resumes polling of
/// every unfinished task and marks the editor ready.
pub(crate) fn load_relay(ctx: Ctx, first: bool) {
    let root = ctx.relay_root();
    ctx.spawn(async move {
        let config = api::relay_config(&root).await;
        if ctx.relay_root() != root {
            return; // The relay changed meanwhile; its own load is under way.
        }
        if !ctx.fixed_upstream.get_untracked() {
            let upstream = ctx
                .settings
                .with_untracked(|s| s.pick_upstream(&config.upstreams));
            ctx.settings.update(|s| s.upstream = upstream);
        }
        ctx.relay.set(config);
        ctx.relay_loaded.set(true);
        if !first {
            return;
        }
        // Reloading resumes polling of every unfinished task.
        let unfinished: Vec<String> = ctx.tasks.with_untracked(|ts| {
            ts.iter()
                .filter(|t| !t.is_final())
                .map(|t| t.task_id.clone())
                .collect()
        });
        for id in unfinished {
            actions::watch(ctx, id, true);
        }
        if ctx.embedded() {
            ctx.emit("ready", serde_json::json!({}));
        } else {
            mark_ready();
        }
    });
}

/// The app's title and language choice (not shown when embedded: the host sets `lang`).
#[component]
fn Header() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let lang = ctx.lang;
    let settings = ctx.settings;
    view! {
        <a class="skip" href="#editor">{rx(move || if lang.get() == Lang::Zh { "跳到编辑" } else { "Skip to the editor" })}</a>
        <header class="top">
            <div class="brand">
                <h1>"wanedit"</h1>
                <p class="tagline">{ctx.tr(|s| s.tagline)}</p>
            </div>
            <div class="lang">
                <label for="lang">{ctx.tr(|s| s.language)}</label>
                <select
                    id="lang"
                    on:change=move |ev| {
                        let tag = event_target_value(&ev);
                        settings.update(|s| s.lang = Lang::from_tag(&tag));
                    }
                >
                    {Lang::ALL
                        .into_iter()
                        .map(|l| {
                            view! {
                                <option value=l.tag() selected=rx(move || lang.get() == l)>
                                    {l.name()}
                                </option>
                            }
                        })
                        .collect_view()}
                </select>
            </div>
        </header>
    }
}

/// Marks the page ready for tests (`document.body.dataset.ready = "1"`).
fn mark_ready() {
    if let Some(body) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.body())
    {
        let _ = body.dataset().set("ready", "1");
        // When the app became interactive, for the load-time budget (tests/ui-budget.spec.mjs).
        if let Some(perf) = web_sys::window().and_then(|w| w.performance()) {
            let _ = body
                .dataset()
                .set("readyMs", &crate::num::fixed(perf.now(), 0));
        }
    }
}
