//! `GET /results/{task_id}.mp4`: the "presigned" result video, valid 24 h of virtual time.

use axum::extract::{Path, State as AxState};
use axum::http::header;
use axum::response::{IntoResponse, Response};

use crate::error::SimError;
use crate::state::State;
use crate::tasks::TaskStatus;

/// A tiny real H.264 MP4 (128×72, 2 s), generated once with ffmpeg.
pub static RESULT_MP4: &[u8] = include_bytes!("../../assets/result.mp4");

/// Serves the result video of a succeeded task until its link expires.
pub async fn video(AxState(state): AxState<State>, Path(file): Path<String>) -> Response {
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
        Some(_) => (
            [
                (header::CONTENT_TYPE, "video/mp4"),
                (header::CACHE_CONTROL, "private, max-age=86400"),
            ],
            RESULT_MP4,
        )
            .into_response(),
    }
}

fn no_such_key() -> Response {
    SimError::oss(404, "NoSuchKey", "The specified key does not exist.").into_response()
}
