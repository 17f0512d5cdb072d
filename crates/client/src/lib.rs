//! `wanedit-client`: the browser-side client of DashScope's video-editing API, built on
//! `wanedit-core`. One transport (`fetch`), one retry policy (`wanedit_core::retry`) and one
//! poller (`wanedit_core::poll`) serve both the Rust web UI and JavaScript:
//!
//! - Rust (another wasm crate, e.g. the Leptos UI; depend with `default-features = false`
//!   to leave out the JavaScript exports): [`Client::new`]`(`[`ClientConfig`]`)`, then the
//!   async [`Client::submit`], [`Client::get`], [`Client::wait`], [`Client::run`],
//!   [`Client::cancel`], [`Client::list`] and [`Client::upload`], returning core's typed
//!   responses or a [`WanError`]. [`Client::with_history`] gives the client a
//!   [`HistoryStore`] (the web UI: `localStorage`) for the run times it learns from.
//! - JavaScript (feature `js`, on by default; the npm package `wanedit`): a thin layer
//!   (`src/js.rs`) over the same `Client` (its history store: `localStorage` by default in
//!   browsers, memory in Node), plus `validate`, `needsOssResolve`, `toCurl`,
//!   `probeMedia` and `checkMedia`. [`convert`] holds its conversions.
//!
//! Timers are the global `setTimeout` and requests the global `fetch`, so it runs in pages,
//! workers and Node 20+ (where there is no `window`). It compiles natively too (so the
//! workspace's native checks cover it), but the calls only work on `wasm32`.
#![deny(missing_docs)]

mod client;
pub mod convert;
mod error;
mod history;
mod http;
#[cfg(feature = "js")]
mod js;
#[cfg(feature = "probe-module")]
mod js_probe;
#[cfg(feature = "upload-module")]
mod js_upload;
#[cfg(any(feature = "js", feature = "upload-module", feature = "probe-module"))]
mod js_util;
mod json;
mod snapshot;
mod timer;
mod upload;

/// A boxed future. The calls are built of boxed futures so that each is compiled once, not
/// inlined into every state machine that awaits it (which multiplied the WebAssembly size).
pub(crate) type Boxed<'a, T> =
    core::pin::Pin<std::boxed::Box<dyn core::future::Future<Output = T> + 'a>>;

/// The npm modules' allocator: `lol_alloc`'s free list (sorted, coalescing; O(free blocks) per
/// call) in about 1 KB instead of dlmalloc's 5. The client allocates little and briefly (a
/// request body's `Value`, an answer's fields), so its speed does not matter. Only with the
/// features of the npm modules: a Rust application keeps its own allocator.
#[cfg(all(any(feature = "js", feature = "upload-module"), target_arch = "wasm32"))]
#[global_allocator]
static ALLOCATOR: lol_alloc::LockedAllocator<lol_alloc::FreeListAllocator> =
    lol_alloc::LockedAllocator::new(lol_alloc::FreeListAllocator::new());

pub use client::{
    CallOptions, Client, ClientConfig, OnProgress, OnRetry, OnSubmitted, OnUpdate, RunOptions,
    UploadOptions, WaitOptions,
};
pub use error::WanError;
pub use history::{HistoryStore, MemoryStore, HISTORY_KEY};
pub use snapshot::TaskSnapshot;
/// The core crate this client is built on (its types are in the client's signatures).
pub use wanedit_core;
/// The abort signal type of [`CallOptions`], [`WaitOptions`] and [`UploadOptions`].
pub use web_sys::AbortSignal;
