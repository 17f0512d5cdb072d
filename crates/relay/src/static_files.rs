//! The built web UI at `/`: plain files with their content types (`application/wasm`
//! included), `index.html` for directories, precompressed `.br`/`.gz` siblings when present and
//! gzip on the fly otherwise. A missing file is the relay's usual 404 JSON. Every file carries
//! the UI's security headers (see [`crate::security`]), its policy made for this `index.html`.

use crate::error::RelayError;
use axum::body::Body;
use axum::extract::Request;
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
        let response = match self.service.clone().oneshot(request).await {
            Ok(response) => response,
            Err(never) => match never {},
        };
        if response.status() == StatusCode::NOT_FOUND {
            return Err(RelayError::NotFound);
        }
        let mut response = response.map(Body::new);
        crate::security::ui_headers(response.headers_mut(), &self.csp);
        Ok(response)
    }
}
