//! Security headers. Every answer carries `X-Content-Type-Options: nosniff` and
//! `Referrer-Policy: no-referrer`. API answers (everything but the UI's files) also carry
//! `Cache-Control: no-store` (they hold task state and signed upload URLs) and
//! `Cross-Origin-Resource-Policy: same-origin` (no other site may load them as an image or
//! script; CORS reads by allowed origins are not affected). The UI's files carry
//! `Cross-Origin-Resource-Policy: cross-origin` (other sites embed the editor from them) and a
//! `Content-Security-Policy` allowing what the UI needs:
//!
//! - scripts from the relay itself plus the exact inline bootstrap scripts of its
//!   `index.html` (by SHA-256 hash, computed when the relay starts), and
//!   `'wasm-unsafe-eval'` to compile its WebAssembly; workers from the relay;
//! - stylesheets from the relay, and inline styles (the mask editor adds a `<style>` element
//!   and positions its cursor and rectangle with `style` attributes; scripts stay strict);
//! - `fetch` to the relay (every API call goes through it) and of the page's own `blob:` URLs
//!   (a drawn mask is exported as one);
//! - videos and images from `blob:` (local files, drawn masks) and from any http(s) URL
//!   (input videos are given by URL; results come from the upstream's storage);
//! - no plugins, no `<base>`, nothing else.

use axum::http::header::{
    CACHE_CONTROL, CONTENT_SECURITY_POLICY, REFERRER_POLICY, X_CONTENT_TYPE_OPTIONS,
};
use axum::http::{HeaderMap, HeaderName, HeaderValue};
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use sha2::{Digest, Sha256};

/// `Cross-Origin-Resource-Policy`.
pub const CROSS_ORIGIN_RESOURCE_POLICY: HeaderName =
    HeaderName::from_static("cross-origin-resource-policy");

/// The headers every answer carries.
pub fn common_headers(headers: &mut HeaderMap) {
    headers.insert(X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
}

/// The headers of an API answer (the common ones included).
pub fn api_headers(headers: &mut HeaderMap) {
    common_headers(headers);
    headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(
        CROSS_ORIGIN_RESOURCE_POLICY,
        HeaderValue::from_static("same-origin"),
    );
}

/// Adds the headers every answer needs: for a UI file (`ui`) the common ones (the file
/// service added the rest), for anything else the API ones.
pub fn decorate(headers: &mut HeaderMap, ui: bool) {
    if ui {
        common_headers(headers);
    } else {
        api_headers(headers);
    }
}

/// The headers of a UI file (the common ones included); `csp` from [`content_security_policy`].
pub fn ui_headers(headers: &mut HeaderMap, csp: &HeaderValue) {
    common_headers(headers);
    headers.insert(
        CROSS_ORIGIN_RESOURCE_POLICY,
        HeaderValue::from_static("cross-origin"),
    );
    headers.insert(CONTENT_SECURITY_POLICY, csp.clone());
}

/// The UI's policy, allowing the inline scripts of `index_html` (the served `index.html`, if
/// any) by hash.
pub fn content_security_policy(index_html: Option<&str>) -> HeaderValue {
    let hashes: String = index_html
        .map(inline_scripts)
        .unwrap_or_default()
        .into_iter()
        .map(|script| format!(" 'sha256-{}'", STANDARD.encode(Sha256::digest(script))))
        .collect();
    let policy = format!(
        "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'{hashes}; worker-src 'self'; \
         style-src 'self' 'unsafe-inline'; \
         img-src 'self' data: blob: http: https:; media-src 'self' blob: http: https:; \
         connect-src 'self' blob:; object-src 'none'; base-uri 'none'"
    );
    HeaderValue::from_str(&policy)
        .unwrap_or_else(|_| HeaderValue::from_static("default-src 'self'"))
}

/// The text of every `<script>` element without a `src` attribute, exactly as written (what a
/// browser hashes).
fn inline_scripts(html: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let lower = html.to_ascii_lowercase();
    let mut at = 0;
    while let Some(open) = lower[at..].find("<script").map(|i| i + at) {
        let Some(tag_end) = lower[open..].find('>').map(|i| i + open) else {
            break;
        };
        let Some(close) = lower[tag_end..].find("</script").map(|i| i + tag_end) else {
            break;
        };
        let tag = &lower[open..tag_end];
        let has_src = tag
            .split(|c: char| c.is_ascii_whitespace())
            .any(|attr| attr.starts_with("src="));
        if !has_src {
            out.push(&html[tag_end + 1..close]);
        }
        at = close;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inline_scripts_are_hashed() {
        let html = "<html><head><script src=\"/a.js\"></script>\n<SCRIPT type=\"module\">\nimport init from '/x.js';\n</SCRIPT></head></html>";
        assert_eq!(inline_scripts(html), ["\nimport init from '/x.js';\n"]);
        let csp = content_security_policy(Some(html));
        let csp = csp.to_str().unwrap();
        // sha256 of the script text, as `printf '\nimport init from ...\n' | openssl dgst -sha256 -binary | base64`.
        let want = STANDARD.encode(Sha256::digest("\nimport init from '/x.js';\n"));
        assert!(csp.contains(&format!("'sha256-{want}'")), "{csp}");
        assert!(csp.contains("'wasm-unsafe-eval'"));
        assert!(!csp.contains("'unsafe-eval'"));
        let bare = content_security_policy(None);
        assert!(bare
            .to_str()
            .unwrap()
            .contains("script-src 'self' 'wasm-unsafe-eval';"));
    }

    #[test]
    fn api_answers_are_not_stored() {
        let mut h = HeaderMap::new();
        api_headers(&mut h);
        assert_eq!(h[CACHE_CONTROL], "no-store");
        assert_eq!(h[X_CONTENT_TYPE_OPTIONS], "nosniff");
        assert_eq!(h[REFERRER_POLICY], "no-referrer");
        assert_eq!(h[CROSS_ORIGIN_RESOURCE_POLICY], "same-origin");
    }
}
