//! `GET /results/{task_id}.mp4`: the "presigned" result video, valid 24 h of virtual time.
//!
//! Single byte ranges are honoured like OSS does, because some browsers (Safari) refuse to
//! play a `<video>` whose server ignores `Range`.

use axum::extract::{Path, State as AxState};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};

use crate::error::SimError;
use crate::state::State;
use crate::tasks::TaskStatus;

/// A tiny real H.264 MP4 (128×72, 2 s), generated once with ffmpeg.
pub static RESULT_MP4: &[u8] = include_bytes!("../../assets/result.mp4");

/// Serves the result video of a succeeded task until its link expires.
pub async fn video(
    AxState(state): AxState<State>,
    Path(file): Path<String>,
    headers: HeaderMap,
) -> Response {
    let Some(id) = file.strip_suffix(".mp4") else {
        return no_such_key();
    };
    let (inner, now) = state.lock_at_now();
    let ended = inner
        .tasks
        .get(id)
        .filter(|t| t.status == TaskStatus::Succeeded)
        .and_then(|t| t.end_ms);
    drop(inner);
    match ended {
        None => no_such_key(),
        Some(end) if now >= end + state.config.result_ttl.as_millis() as u64 => {
            SimError::oss(403, "AccessDenied", "Request has expired.").into_response()
        }
        Some(_) => serve(headers.get(header::RANGE).and_then(|v| v.to_str().ok())),
    }
}

fn serve(range: Option<&str>) -> Response {
    let len = RESULT_MP4.len();
    let base = [
        (header::CONTENT_TYPE, "video/mp4"),
        (header::ACCEPT_RANGES, "bytes"),
        (header::CACHE_CONTROL, "private, max-age=86400"),
    ];
    let Some(spec) = range else {
        return (base, RESULT_MP4).into_response();
    };
    match parse_range(spec, len) {
        Some((start, end)) => (
            StatusCode::PARTIAL_CONTENT,
            base,
            [(header::CONTENT_RANGE, format!("bytes {start}-{end}/{len}"))],
            &RESULT_MP4[start..=end],
        )
            .into_response(),
        // Multiple ranges are answered with the whole file, which HTTP allows.
        None if spec.contains(',') => (base, RESULT_MP4).into_response(),
        None => (
            StatusCode::RANGE_NOT_SATISFIABLE,
            [(header::CONTENT_RANGE, format!("bytes */{len}"))],
        )
            .into_response(),
    }
}

/// One `bytes=a-b`, `bytes=a-` or `bytes=-n` range as inclusive indices within `len`.
pub(crate) fn parse_range(spec: &str, len: usize) -> Option<(usize, usize)> {
    let r = spec.trim().strip_prefix("bytes=")?;
    if r.contains(',') || len == 0 {
        return None;
    }
    let (a, b) = r.split_once('-')?;
    let (a, b) = (a.trim(), b.trim());
    let (start, end) = if a.is_empty() {
        let n: usize = b.parse().ok()?;
        if n == 0 {
            return None;
        }
        (len.saturating_sub(n), len - 1)
    } else {
        let start: usize = a.parse().ok()?;
        let end = if b.is_empty() {
            len - 1
        } else {
            b.parse::<usize>().ok()?.min(len - 1)
        };
        (start, end)
    };
    (start <= end && start < len).then_some((start, end))
}

fn no_such_key() -> Response {
    SimError::oss(404, "NoSuchKey", "The specified key does not exist.").into_response()
}

#[cfg(test)]
mod tests {
    use super::parse_range;

    #[test]
    fn ranges() {
        assert_eq!(parse_range("bytes=0-", 10), Some((0, 9)));
        assert_eq!(parse_range("bytes=2-4", 10), Some((2, 4)));
        assert_eq!(parse_range("bytes=5-100", 10), Some((5, 9)));
        assert_eq!(parse_range("bytes=-3", 10), Some((7, 9)));
        assert_eq!(parse_range("bytes=-30", 10), Some((0, 9)));
        assert_eq!(parse_range("bytes=10-", 10), None);
        assert_eq!(parse_range("bytes=4-2", 10), None);
        assert_eq!(parse_range("bytes=0-1,3-4", 10), None);
        assert_eq!(parse_range("items=0-1", 10), None);
    }
}
