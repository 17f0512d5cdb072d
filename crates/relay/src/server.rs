//! The one request handler: classify the route, apply origin, rate and access checks in that
//! order, dispatch, then decorate every answer (CORS, request id) and log one line.

use crate::access::authorize;
use crate::config::Config;
use crate::cors::{self, OriginCheck};
use crate::error::RelayError;
use crate::limits::RateLimiter;
use crate::proxy;
use crate::routes::{self, Route};
use crate::static_files::StaticFiles;
use crate::upload::UploadRegistry;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderName, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::Router;
use serde_json::json;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Instant;

/// The relay's own request id, on every answer.
pub const X_REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// Everything a request needs, shared by all of them.
pub struct AppState {
    /// The checked configuration (with the simulator added, if any).
    pub config: Config,
    /// Allowed origins.
    pub origins: Vec<String>,
    /// The address actually bound.
    pub bound: SocketAddr,
    /// The upstream client.
    pub client: reqwest::Client,
    /// Per-client rate limit.
    pub limiter: RateLimiter,
    /// Live upload ids.
    pub uploads: UploadRegistry,
    /// The web UI, if served.
    pub files: Option<StaticFiles>,
}

impl AppState {
    fn upstream_index(&self, name: &str) -> Option<usize> {
        self.config.upstreams.iter().position(|u| u.name == name)
    }
}

/// The router: a single fallback, so no framework routing or path decoding stands between a
/// raw path and [`routes::parse`].
pub fn router(state: Arc<AppState>) -> Router {
    Router::new().fallback(handle).with_state(state)
}

async fn handle(
    State(state): State<Arc<AppState>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    request: Request,
) -> Response {
    let started = Instant::now();
    let request_id = uuid::Uuid::new_v4().to_string();
    let origin = OriginCheck::of(request.headers(), &state.origins);
    let method = request.method().clone();
    let route = routes::parse(
        &method,
        request.uri().path(),
        |n| state.upstream_index(n),
        state.files.is_some(),
    );
    let upstream = match &route {
        Route::Proxy { upstream, .. } => state.config.upstreams[*upstream].name.as_str(),
        _ => "",
    };
    let mut response = match dispatch(&state, route.clone(), &origin, peer, request).await {
        Ok(response) => response,
        Err(error) => error.into_response_with_id(&request_id),
    };
    cors::decorate(&mut response, &origin);
    if let Ok(value) = HeaderValue::from_str(&request_id) {
        response.headers_mut().insert(X_REQUEST_ID, value);
    }
    // Latency is time to the answer's headers; streamed bodies may go on after this line.
    tracing::info!(
        request_id = %request_id,
        method = %method,
        route = route.name(),
        upstream,
        status = response.status().as_u16(),
        latency_ms = started.elapsed().as_micros() as f64 / 1000.0,
        client = %peer.ip(),
        origin_allowed = origin.is_allowed(),
        "request"
    );
    response
}

async fn dispatch(
    state: &AppState,
    route: Route,
    origin: &OriginCheck,
    peer: SocketAddr,
    request: Request,
) -> Result<Response, RelayError> {
    // Files of the UI are public; everything else refuses foreign web pages outright.
    if *origin == OriginCheck::Denied && route != Route::Static {
        return Err(RelayError::OriginForbidden);
    }
    match route {
        Route::Preflight => Ok(cors::preflight(origin)),
        Route::Healthz => Ok(axum::Json(json!({"status": "ok"})).into_response()),
        Route::RelayConfig => Ok(axum::Json(relay_config(state)).into_response()),
        Route::Static => match &state.files {
            Some(files) => files.serve(request).await,
            None => Err(RelayError::NotFound),
        },
        Route::InvalidTaskId => Err(RelayError::BadRequest(
            "invalid task id: 1-64 ASCII letters, digits and '-'".into(),
        )),
        Route::NotFound => Err(RelayError::NotFound),
        Route::Proxy { upstream, call } => {
            state
                .limiter
                .check(peer.ip(), Instant::now())
                .map_err(RelayError::RateLimited)?;
            // An upload URL is itself the permission: its id was only handed to a caller that
            // passed these checks when it asked for the policy.
            if !matches!(call, routes::Call::Upload(_)) {
                authorize(
                    state.config.access_token.as_ref(),
                    &state.config.upstreams[upstream],
                    origin,
                    request.headers(),
                )?;
            }
            proxy::forward(state, upstream, call, request).await
        }
    }
}

/// What the web UI needs to offer choices; no secrets.
fn relay_config(state: &AppState) -> serde_json::Value {
    let upstreams: Vec<_> = state
        .config
        .upstreams
        .iter()
        .map(|u| {
            json!({
                "name": u.name,
                "holds_key": u.key.holds_key(),
                "list_enabled": !u.key.holds_real_key() || state.config.enable_list,
            })
        })
        .collect();
    json!({
        "version": env!("CARGO_PKG_VERSION"),
        "upstreams": upstreams,
        "holds_key": state.config.holds_real_key(),
        "requires_token": state.config.access_token.is_some(),
        "max_upload_bytes": state.config.max_upload_bytes,
        "max_body_bytes": state.config.max_body_bytes,
    })
}
