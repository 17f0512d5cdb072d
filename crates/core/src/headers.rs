//! The header names of the DashScope API and of the relay, spelled once, as the documents
//! write them (HTTP header names are case-insensitive; servers and `fetch` may lower-case them).
//! Plain `&str` constants, so every crate (the browser client, the relay, the simulator) can
//! use them without pulling in an HTTP library.

/// The API key, as `Bearer {key}`.
pub const AUTHORIZATION: &str = "Authorization";
/// The body's media type (`application/json` on a create call).
pub const CONTENT_TYPE: &str = "Content-Type";
/// `enable` on every create call: DashScope's video tasks are asynchronous only.
pub const X_DASHSCOPE_ASYNC: &str = "X-DashScope-Async";
/// Selects a workspace of the account.
pub const X_DASHSCOPE_WORKSPACE: &str = "X-DashScope-WorkSpace";
/// `enable` when a create body uses an `oss://` URL (a temporary upload); DashScope refuses
/// such URLs without it.
pub const X_DASHSCOPE_OSS_RESOURCE_RESOLVE: &str = "X-DashScope-OssResourceResolve";
/// The relay's access token (`--access-token`).
pub const X_RELAY_TOKEN: &str = "X-Relay-Token";
/// The relay's own request id, on every answer.
pub const X_REQUEST_ID: &str = "X-Request-Id";
/// When a refused or rate-limited caller may try again, in seconds.
pub const RETRY_AFTER: &str = "Retry-After";
