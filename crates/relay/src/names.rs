//! The header names the relay reads and writes, as `http` values made at compile time from the
//! spellings in [`wanedit_core::headers`] (lower-cased, as `http` stores them), so each name is
//! written once for the whole project.

use axum::http::HeaderName;
use wanedit_core::headers;

/// `name` in ASCII lower case, as `N` bytes (`N` is its length).
const fn lower<const N: usize>(name: &str) -> [u8; N] {
    let bytes = name.as_bytes();
    let mut out = [0u8; N];
    let mut i = 0;
    while i < N {
        out[i] = bytes[i].to_ascii_lowercase();
        i += 1;
    }
    out
}

/// A [`HeaderName`] constant for one of core's `&str` header constants.
macro_rules! header_name {
    ($name:path) => {{
        const LOWER: [u8; $name.len()] = lower($name);
        const TEXT: &str = match core::str::from_utf8(&LOWER) {
            Ok(text) => text,
            Err(_) => panic!("header names are ASCII"),
        };
        HeaderName::from_static(TEXT)
    }};
}

/// [`headers::X_DASHSCOPE_OSS_RESOURCE_RESOLVE`].
pub const X_OSS_RESOLVE: HeaderName = header_name!(headers::X_DASHSCOPE_OSS_RESOURCE_RESOLVE);
/// [`headers::X_DASHSCOPE_WORKSPACE`].
pub const X_WORKSPACE: HeaderName = header_name!(headers::X_DASHSCOPE_WORKSPACE);
/// [`headers::X_DASHSCOPE_ASYNC`].
pub const X_ASYNC: HeaderName = header_name!(headers::X_DASHSCOPE_ASYNC);
/// [`headers::X_RELAY_TOKEN`].
pub const X_RELAY_TOKEN: HeaderName = header_name!(headers::X_RELAY_TOKEN);
/// [`headers::X_REQUEST_ID`].
pub const X_REQUEST_ID: HeaderName = header_name!(headers::X_REQUEST_ID);
/// [`wanedit_core::issue::WARNINGS_HEADER`].
pub const X_WARNINGS: HeaderName = header_name!(wanedit_core::issue::WARNINGS_HEADER);

/// The [`HeaderName`] of one of core's header constants (the names
/// [`wanedit_core::region`]'s header lists use).
pub fn of(name: &'static str) -> Result<HeaderName, axum::http::header::InvalidHeaderName> {
    use axum::http::header::{AUTHORIZATION, CONTENT_TYPE};
    Ok(match name {
        headers::AUTHORIZATION => AUTHORIZATION,
        headers::CONTENT_TYPE => CONTENT_TYPE,
        headers::X_DASHSCOPE_ASYNC => X_ASYNC,
        headers::X_DASHSCOPE_WORKSPACE => X_WORKSPACE,
        headers::X_DASHSCOPE_OSS_RESOURCE_RESOLVE => X_OSS_RESOLVE,
        other => HeaderName::from_bytes(other.as_bytes())?,
    })
}

/// The request headers a browser may send the relay (CORS `Access-Control-Allow-Headers`):
/// what is forwarded, `X-DashScope-Async` (accepted and set by the relay itself, so plain
/// DashScope code works) and the relay's token header.
pub const BROWSER_REQUEST_HEADERS: [&str; 6] = [
    headers::AUTHORIZATION,
    headers::CONTENT_TYPE,
    headers::X_DASHSCOPE_OSS_RESOURCE_RESOLVE,
    headers::X_DASHSCOPE_WORKSPACE,
    headers::X_DASHSCOPE_ASYNC,
    headers::X_RELAY_TOKEN,
];

/// The response headers a page may read beyond the safelisted ones (CORS
/// `Access-Control-Expose-Headers`).
pub const EXPOSED_RESPONSE_HEADERS: [&str; 3] = [
    headers::RETRY_AFTER,
    headers::X_REQUEST_ID,
    wanedit_core::issue::WARNINGS_HEADER,
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_the_lower_cased_spellings() {
        assert_eq!(X_OSS_RESOLVE.as_str(), "x-dashscope-ossresourceresolve");
        assert_eq!(X_WORKSPACE.as_str(), "x-dashscope-workspace");
        assert_eq!(X_ASYNC.as_str(), "x-dashscope-async");
        assert_eq!(X_RELAY_TOKEN.as_str(), "x-relay-token");
        assert_eq!(X_REQUEST_ID.as_str(), "x-request-id");
        assert_eq!(of(headers::AUTHORIZATION).unwrap(), "authorization");
        assert_eq!(of(headers::X_DASHSCOPE_ASYNC).unwrap(), X_ASYNC);
    }
}
