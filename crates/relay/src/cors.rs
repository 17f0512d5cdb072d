//! CORS, deny by default: exact origins only, CORS headers on every answer to an allowed
//! origin (errors included, so a browser can read why it failed) and none for any other.

use axum::http::header::{
    ACCESS_CONTROL_ALLOW_HEADERS, ACCESS_CONTROL_ALLOW_METHODS, ACCESS_CONTROL_ALLOW_ORIGIN,
    ACCESS_CONTROL_EXPOSE_HEADERS, ACCESS_CONTROL_MAX_AGE, ORIGIN, VARY,
};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::Response;
use std::sync::LazyLock;

/// Methods the relay answers.
pub const ALLOW_METHODS: &str = "GET, POST";
/// `Access-Control-Allow-Headers`: [`crate::names::BROWSER_REQUEST_HEADERS`], joined once.
static ALLOW_HEADERS: LazyLock<HeaderValue> =
    LazyLock::new(|| joined(&crate::names::BROWSER_REQUEST_HEADERS));
/// `Access-Control-Expose-Headers`: [`crate::names::EXPOSED_RESPONSE_HEADERS`], joined once.
static EXPOSE_HEADERS: LazyLock<HeaderValue> =
    LazyLock::new(|| joined(&crate::names::EXPOSED_RESPONSE_HEADERS));

/// `names` as one header value, `A, B, C`.
fn joined(names: &[&str]) -> HeaderValue {
    HeaderValue::try_from(names.join(", ")).unwrap_or_else(|_| HeaderValue::from_static(""))
}
/// How long a browser may cache a preflight, in seconds.
pub const MAX_AGE: &str = "600";

/// What the `Origin` header says about a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OriginCheck {
    /// No `Origin`: not a cross-origin browser request (curl, an SDK, a same-origin GET).
    Absent,
    /// An allowed origin, as sent.
    Allowed(HeaderValue),
    /// Any other origin (including `null` and unreadable values).
    Denied,
}

impl OriginCheck {
    /// Checks the request's `Origin` against the allowed list (exact, ASCII case-insensitive).
    pub fn of(headers: &HeaderMap, allowed: &[String]) -> Self {
        let mut values = headers.get_all(ORIGIN).iter();
        let Some(value) = values.next() else {
            return OriginCheck::Absent;
        };
        // Two Origin headers is not something a browser sends.
        if values.next().is_some() {
            return OriginCheck::Denied;
        }
        match value.to_str() {
            Ok(origin) if allowed.iter().any(|a| a.eq_ignore_ascii_case(origin)) => {
                OriginCheck::Allowed(value.clone())
            }
            _ => OriginCheck::Denied,
        }
    }

    /// Whether the request comes from an allowed origin.
    pub fn is_allowed(&self) -> bool {
        matches!(self, OriginCheck::Allowed(_))
    }
}

/// Adds the CORS headers for an allowed origin; `Vary: Origin` goes on every answer because
/// the answer depends on the Origin header (caches must not mix them up).
pub fn decorate(response: &mut Response, origin: &OriginCheck) {
    let headers = response.headers_mut();
    headers.append(VARY, HeaderValue::from_static("Origin"));
    if let OriginCheck::Allowed(value) = origin {
        headers.insert(ACCESS_CONTROL_ALLOW_ORIGIN, value.clone());
        headers.insert(ACCESS_CONTROL_EXPOSE_HEADERS, EXPOSE_HEADERS.clone());
    }
}

/// The answer to a preflight: 204 with the fixed methods and headers for an allowed origin
/// (CORS headers are added by [`decorate`]), 403 without any for everyone else.
pub fn preflight(origin: &OriginCheck) -> Response {
    let mut response = Response::new(axum::body::Body::empty());
    if origin.is_allowed() {
        *response.status_mut() = StatusCode::NO_CONTENT;
        let headers = response.headers_mut();
        headers.insert(
            ACCESS_CONTROL_ALLOW_METHODS,
            HeaderValue::from_static(ALLOW_METHODS),
        );
        headers.insert(ACCESS_CONTROL_ALLOW_HEADERS, ALLOW_HEADERS.clone());
        headers.insert(ACCESS_CONTROL_MAX_AGE, HeaderValue::from_static(MAX_AGE));
    } else {
        *response.status_mut() = StatusCode::FORBIDDEN;
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_warnings_header_is_readable_by_pages() {
        assert!(EXPOSE_HEADERS
            .to_str()
            .unwrap()
            .split(", ")
            .any(|h| h == wanedit_core::issue::WARNINGS_HEADER));
        assert_eq!(
            ALLOW_HEADERS.to_str().unwrap(),
            "Authorization, Content-Type, X-DashScope-OssResourceResolve, \
             X-DashScope-WorkSpace, X-DashScope-Async, X-Relay-Token"
        );
    }

    fn with_origin(origin: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(ORIGIN, HeaderValue::from_str(origin).unwrap());
        h
    }

    #[test]
    fn exact_origins_only() {
        let allowed = vec!["https://app.example".to_string()];
        assert!(OriginCheck::of(&with_origin("https://app.example"), &allowed).is_allowed());
        assert!(OriginCheck::of(&with_origin("HTTPS://APP.EXAMPLE"), &allowed).is_allowed());
        for bad in [
            "https://app.example.evil",
            "http://app.example",
            "null",
            "https://app.example:444",
        ] {
            assert_eq!(
                OriginCheck::of(&with_origin(bad), &allowed),
                OriginCheck::Denied,
                "{bad}"
            );
        }
        assert_eq!(
            OriginCheck::of(&HeaderMap::new(), &allowed),
            OriginCheck::Absent
        );
    }

    #[test]
    fn denied_preflight_has_no_cors_headers() {
        let mut r = preflight(&OriginCheck::Denied);
        decorate(&mut r, &OriginCheck::Denied);
        assert_eq!(r.status(), StatusCode::FORBIDDEN);
        assert!(r
            .headers()
            .keys()
            .all(|k| !k.as_str().starts_with("access-control-")));
        let ok = OriginCheck::Allowed(HeaderValue::from_static("https://a.example"));
        let mut r = preflight(&ok);
        decorate(&mut r, &ok);
        assert_eq!(r.status(), StatusCode::NO_CONTENT);
        assert_eq!(
            r.headers()[ACCESS_CONTROL_ALLOW_ORIGIN],
            "https://a.example"
        );
        assert_eq!(r.headers()[ACCESS_CONTROL_ALLOW_METHODS], ALLOW_METHODS);
        assert_eq!(r.headers()[VARY], "Origin");
    }
}
