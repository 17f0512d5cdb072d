//! Sample media for "Try an example": a 2 s 1280×720 H.264 clip, a matching mask image and a
//! reference image, checked in under `assets/` (tiny files, each passing every documented
//! rule of the operations that use it: see `tests/samples.rs`).
//!
//! They are served two ways:
//! - as `oss://` objects that every task of every model may use and that never expire, as if
//!   a user had just uploaded them (`oss://dashscope-instant/wanedit-samples/<name>`), so an
//!   example request needs nothing but the simulator;
//! - over plain HTTP at `GET /samples/<name>` (CORS `*`, byte ranges), for previews and for
//!   clients that want the bytes.

use axum::extract::Path;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};

use crate::error::SimError;

/// One sample file.
#[derive(Debug, Clone, Copy)]
pub struct Sample {
    /// File name (the last path segment of both its URLs).
    pub name: &'static str,
    /// `Content-Type`.
    pub content_type: &'static str,
    /// The bytes.
    pub bytes: &'static [u8],
}

/// The `oss://` prefix of the samples (key prefix `dashscope-instant/wanedit-samples/`).
pub const OSS_PREFIX: &str = "oss://dashscope-instant/wanedit-samples/";

/// Every sample.
pub const SAMPLES: &[Sample] = &[
    Sample {
        name: "clip-1280x720-2s.mp4",
        content_type: "video/mp4",
        bytes: include_bytes!("../assets/sample-clip-1280x720-2s.mp4"),
    },
    Sample {
        name: "mask-1280x720.png",
        content_type: "image/png",
        bytes: include_bytes!("../assets/sample-mask-1280x720.png"),
    },
    Sample {
        name: "image-640x480.png",
        content_type: "image/png",
        bytes: include_bytes!("../assets/sample-image-640x480.png"),
    },
];

/// The sample called `name`.
pub fn by_name(name: &str) -> Option<&'static Sample> {
    SAMPLES.iter().find(|s| s.name == name)
}

/// The sample an `oss://` URL names, if it names one.
pub fn by_oss_url(url: &str) -> Option<&'static Sample> {
    by_name(url.strip_prefix(OSS_PREFIX)?)
}

/// `GET /samples/{name}`: the sample's bytes (public, like the documents' sample media).
pub async fn serve(Path(name): Path<String>, headers: HeaderMap) -> Response {
    let Some(sample) = by_name(&name) else {
        return SimError::oss(404, "NoSuchKey", "The specified key does not exist.")
            .into_response();
    };
    let base = [
        (header::CONTENT_TYPE, sample.content_type),
        (header::ACCEPT_RANGES, "bytes"),
        (header::ACCESS_CONTROL_ALLOW_ORIGIN, "*"),
        (header::CACHE_CONTROL, "public, max-age=86400"),
    ];
    let len = sample.bytes.len();
    let range = headers
        .get(header::RANGE)
        .and_then(|v| v.to_str().ok())
        .and_then(|spec| crate::routes::parse_range(spec, len));
    match range {
        Some((start, end)) => (
            StatusCode::PARTIAL_CONTENT,
            base,
            [(header::CONTENT_RANGE, format!("bytes {start}-{end}/{len}"))],
            &sample.bytes[start..=end],
        )
            .into_response(),
        None => (base, sample.bytes).into_response(),
    }
}
