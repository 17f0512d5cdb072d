//! The built web UI at `/`: plain files with their content types (`application/wasm`
//! included), `index.html` for directories, precompressed `.br`/`.gz` siblings when present and
//! gzip on the fly otherwise. A missing file is the relay's usual 404 JSON. Every file carries
//! the UI's security headers (see [`crate::security`]), its policy made for this `index.html`.
//!
//! Caching: a file whose name carries a content hash (Trunk's `name-<16+ hex digits>` form)
//! never changes, so it is `immutable` for a year; every other file (`index.html`,
//! `embed.js`, the probe worker's loader) is `no-cache`, so the browser revalidates it with
//! `If-Modified-Since` against ServeDir's `Last-Modified` and gets a 304 when it is unchanged.

use crate::error::RelayError;
use axum::body::Body;
use axum::extract::Request;
use axum::http::header::CACHE_CONTROL;
use axum::http::{HeaderValue, StatusCode};
use axum::response::Response;
use std::path::Path;
use tower::ServiceExt;
use tower_http::compression::Compression;
use tower_http::services::ServeDir;

/// The file service.
#[derive(Clone)]
pub struct StaticFiles {
    service: Compression<ServeDir>,
    csp: HeaderValue,
}

impl StaticFiles {
    /// Serves `dir`, which must exist.
    pub fn new(dir: &Path) -> Result<Self, RelayError> {
        if !dir.is_dir() {
            return Err(RelayError::Config(format!(
                "--serve {}: not a directory",
                dir.display()
            )));
        }
        // ServeDir resolves paths itself and refuses to leave `dir` (`..`, encoded slashes).
        let serve_dir = ServeDir::new(dir).precompressed_br().precompressed_gzip();
        let index = std::fs::read_to_string(dir.join("index.html")).ok();
        Ok(StaticFiles {
            service: Compression::new(serve_dir),
            csp: crate::security::content_security_policy(index.as_deref()),
        })
    }

    /// Answers a GET or HEAD.
    pub async fn serve(&self, request: Request) -> Result<Response, RelayError> {
        let cache = cache_control(request.uri().path());
        let response = match self.service.clone().oneshot(request).await {
            Ok(response) => response,
            Err(never) => match never {},
        };
        if response.status() == StatusCode::NOT_FOUND {
            return Err(RelayError::NotFound);
        }
        let mut response = response.map(Body::new);
        crate::security::ui_headers(response.headers_mut(), &self.csp);
        response
            .headers_mut()
            .insert(CACHE_CONTROL, HeaderValue::from_static(cache));
        Ok(response)
    }
}

/// `Cache-Control` for the file at URL path `path` (see the module docs).
fn cache_control(path: &str) -> &'static str {
    let name = path.rsplit('/').next().unwrap_or_default();
    let stem = name.split('.').next().unwrap_or_default();
    let stem = stem.strip_suffix("_bg").unwrap_or(stem);
    let hashed = stem
        .rsplit_once('-')
        .is_some_and(|(_, hash)| hash.len() >= 16 && hash.bytes().all(|b| b.is_ascii_hexdigit()));
    if hashed {
        "public, max-age=31536000, immutable"
    } else {
        "no-cache"
    }
}

#[cfg(test)]
mod tests {
    use super::cache_control;

    #[test]
    fn hashed_names_are_immutable_and_the_rest_revalidates() {
        for hashed in [
            "/wanedit-web-1f2e3d4c5b6a7988.js",
            "/wanedit-web-1f2e3d4c5b6a7988_bg.wasm",
            "/embed/style-0123456789abcdef0123.css",
        ] {
            assert_eq!(
                cache_control(hashed),
                "public, max-age=31536000, immutable",
                "{hashed}"
            );
        }
        for plain in [
            "/",
            "/index.html",
            "/embed.js",
            "/probe-worker.js",
            "/probe-worker_bg.wasm",
            "/wanedit-web-1f2e3d4c.js",
            "/style-0123456789abcdeg.css",
        ] {
            assert_eq!(cache_control(plain), "no-cache", "{plain}");
        }
    }
}
