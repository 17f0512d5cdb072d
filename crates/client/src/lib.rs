//! `wanedit-client`: the browser-side client of DashScope's video-editing API, built on
//! `wanedit-core`. One transport (`fetch`), one retry policy (`wanedit_core::retry`) and one
//! poller (`wanedit_core::poll`) serve both the Rust web UI and JavaScript:
//!
//! - Rust (another wasm crate, e.g. the Leptos UI; depend with `default-features = false`
//!   to leave out the JavaScript exports): [`Client::new`]`(`[`ClientConfig`]`)`, then the
//!   async [`Client::submit`], [`Client::get`], [`Client::wait`], [`Client::run`],
//!   [`Client::cancel`], [`Client::list`] and [`Client::upload`], returning core's typed
//!   responses or a [`WanError`].
//! - JavaScript (feature `js`, on by default; the npm package `wanedit`): a thin layer
//!   (`src/js.rs`) over the same `Client`, plus `validate`, `needsOssResolve`, `toCurl`,
//!   `probeMedia` and `checkMedia`. [`convert`] holds its conversions.
//!
//! Timers are the global `setTimeout` and requests the global `fetch`, so it runs in pages,
//! workers and Node 20+ (where there is no `window`). It compiles natively too (so the
//! workspace's native checks cover it), but the calls only work on `wasm32`.
#![deny(missing_docs)]

mod client;
pub mod convert;
mod error;
mod http;
#[cfg(feature = "js")]
mod js;
#[cfg(feature = "probe-module")]
mod js_probe;
#[cfg(any(feature = "js", feature = "probe-module"))]
mod js_util;
mod snapshot;
mod timer;
mod upload;

pub use client::{
    CallOptions, Client, ClientConfig, OnProgress, OnSubmitted, OnUpdate, RunOptions,
    UploadOptions, WaitOptions,
};
pub use error::WanError;
pub use snapshot::TaskSnapshot;
/// The core crate this client is built on (its types are in the client's signatures).
pub use wanedit_core;
/// The abort signal type of [`CallOptions`], [`WaitOptions`] and [`UploadOptions`].
pub use web_sys::AbortSignal;
