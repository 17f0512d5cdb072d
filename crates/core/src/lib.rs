//! `wanedit-core`: DashScope's video-editing API (Wan VACE and Wan 2.7 video edit) as pure Rust.
//!
//! Everything here is plain data and pure functions: no I/O, no clock, no randomness of its own.
//! The same code runs in the browser (through `wanedit-client`) and in the relay, so every
//! documented rule lives here exactly once.
//!
//! - [`request`]: typed request bodies that serialize to exactly the documented JSON.
//! - [`validate()`]: every documented rule, applied to raw JSON, as a list of [`Issue`]s.
//! - [`media`]: `probe` image/video bytes into [`media::MediaInfo`] and check them per role.
//! - [`task`]: create/query/cancel/list/error responses and the error classification.
//! - [`retry`] and [`poll`]: when to retry and when to poll, as deterministic functions.
//! - [`region`]: base URLs, model spellings, the headers a call needs ([`headers`]: their
//!   names); [`curl`]: curl export; [`relay_config`]: what the relay tells a web page.
//! - [`upload`]: the upload policy and the form of a temporary (`oss://`) upload.
//! - [`mask`]: the mask bitmap for local editing.
//! - [`text`]: messages built without `core::fmt` (small WebAssembly).
#![deny(missing_docs)]

pub mod curl;
mod error;
pub mod headers;
pub mod issue;
pub mod json_dupes;
mod lean;
#[cfg(feature = "mask")]
pub mod mask;
#[cfg(feature = "probe")]
pub mod media;
pub mod model;
pub mod poll;
pub mod region;
pub mod relay_config;
pub mod request;
pub mod retry;
pub mod task;
pub mod text;
pub mod upload;
pub mod validate;

pub use error::CoreError;
pub use issue::{Issue, IssueCode, Severity};
pub use model::{Family, Model, VaceFunction};
pub use validate::validate;
