//! wanedit web UI: a Leptos (client-side rendered) app, built by Trunk from the root
//! `index.html` into `dist/` and served by `wanedit-relay --serve dist`.
//!
//! The plain logic is in modules that also build natively and are tested with
//! `cargo test -p wanedit-web`:
//! - [`forms`]: the six forms (the shared field model, one file per operation), their
//!   request bodies and where each issue is shown;
//! - [`tasks`]: the stored task records and their time formatting;
//! - [`settings`]: connection settings, secret storage rules, the relay's configuration;
//! - [`media`]: media facts, upload names, outpainting geometry;
//! - [`i18n`]: every UI string in English and Chinese;
//! - [`num`]: numbers as text and back without the float formatting code;
//! - the mask editor's state machine (`mask_editor::state`) and its view, keys, frames and
//!   PNG export.
//!
//! On wasm32 the browser side is added: `api` (all HTTP, one module), `storage`,
//! `form_state` (the reactive state of a form), the Leptos components in `ui`, and the
//! `mask_editor` component of the local-editing form. Imports run downwards: `ui` uses
//! `mask_editor`, both use `form_state`, which uses `forms`; nothing below `ui` imports it.

pub mod embed_options;
pub mod forms;
pub mod i18n;
pub mod media;
pub mod num;
pub mod prefill;
pub mod settings;
pub mod tasks;

#[cfg(target_arch = "wasm32")]
mod api;
#[cfg(target_arch = "wasm32")]
mod form_state;
mod mask_editor;
#[cfg(target_arch = "wasm32")]
pub mod probe;
#[cfg(target_arch = "wasm32")]
mod storage;
#[cfg(target_arch = "wasm32")]
pub mod ui;

/// Mounts the app on `<body>` and marks the page ready (`data-ready="1"`) once it is
/// interactive, when the page is the app's own (`<body data-wanedit-app>`, Trunk's
/// `index.html`). Loaded by `embed.js` into another page, the module mounts nothing until the
/// host asks (`mountEditor`, in [`ui::embed`]).
#[cfg(target_arch = "wasm32")]
pub fn start() {
    let is_app = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.body())
        .is_some_and(|b| b.has_attribute("data-wanedit-app"));
    if is_app {
        ui::mount();
    }
}
