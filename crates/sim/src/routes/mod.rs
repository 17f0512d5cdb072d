//! The HTTP surface: DashScope routes, the OSS-like upload endpoint, result videos and the
//! `/__sim` control routes, all behind the observing middleware.

mod control;
mod list;
mod observe;
mod oss;
mod results;
mod tasks;
mod uploads;

use std::collections::HashMap;

use axum::extract::rejection::QueryRejection;
use axum::extract::{DefaultBodyLimit, Query};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{middleware, Json, Router};
use serde_json::json;

use crate::error::{request_id, SimError};
use crate::state::State;

pub(crate) use results::parse_range;

/// The query string of a GET as a handler takes it: a malformed one is not rejected by axum,
/// so the handler can authorize first (see [`query_params`]).
type RawQuery = Result<Query<HashMap<String, String>>, QueryRejection>;

/// The query parameters, or DashScope's answer to a malformed query string.
fn query_params(q: RawQuery) -> Result<HashMap<String, String>, SimError> {
    let Query(q) = q.map_err(|_| SimError::invalid_parameter("The query string is malformed."))?;
    Ok(q)
}

/// The bytes of the result MP4.
pub fn result_video() -> &'static [u8] {
    results::RESULT_MP4
}

/// The complete application.
pub fn router(state: State) -> Router {
    Router::new()
        .route(
            "/api/v1/services/aigc/video-generation/video-synthesis",
            post(tasks::submit),
        )
        .route("/api/v1/tasks", get(list::list))
        .route("/api/v1/tasks/", get(list::list))
        .route("/api/v1/tasks/{id}", get(tasks::query))
        .route("/api/v1/tasks/{id}/cancel", post(tasks::cancel))
        .route("/api/v1/uploads", get(uploads::policy))
        .route("/oss", post(oss::upload))
        .route("/oss/{*key}", get(oss::download))
        .route("/results/{file}", get(results::video))
        .route("/samples/{name}", get(crate::samples::serve))
        .nest("/__sim", control::router())
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        // Bodies are bounded by the observing middleware (JSON) and the upload handler
        // (streamed), each with its own limit and error shape.
        .layer(DefaultBodyLimit::disable())
        .layer(middleware::from_fn_with_state(
            state.clone(),
            observe::observe,
        ))
        .with_state(state)
}

async fn not_found() -> Response {
    let body = json!({"code": "NotFound", "message": "Not Found", "request_id": request_id()});
    (StatusCode::NOT_FOUND, Json(body)).into_response()
}

async fn method_not_allowed() -> Response {
    let body = json!({"code": "MethodNotAllowed", "message": "Method Not Allowed", "request_id": request_id()});
    (StatusCode::METHOD_NOT_ALLOWED, Json(body)).into_response()
}
