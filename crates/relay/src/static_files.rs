//! The built web UI at `/`: plain files with their content types (`application/wasm`
//! included), `index.html` for directories, precompressed `.br`/`.gz` siblings when present and
//! gzip on the fly otherwise. A missing file is the relay's usual 404 JSON.

use crate::error::RelayError;
use axum::body::Body;
use axum::extract::Request;
use axum::http::StatusCode;
use axum::response::Response;
use std::path::Path;
use tower::ServiceExt;
use tower_http::compression::Compression;
use tower_http::services::ServeDir;

/// The file service.
#[derive(Clone)]
pub struct StaticFiles {
    service: Compression<ServeDir>,
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
        Ok(StaticFiles {
            service: Compression::new(serve_dir),
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
        Ok(response.map(Body::new))
    }
}
