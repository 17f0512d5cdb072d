//! The accept loop and the one request handler: classify the route, apply origin, rate and
//! access checks in that order, dispatch, then decorate every answer (CORS, request id) and
//! log one line.
//!
//! The accept loop is hyper's HTTP/1.1 server used directly (no framework router, no HTTP/2
//! sniffing): every request goes to [`handle`] with the peer address, `TCP_NODELAY` is set on
//! every accepted socket, and shutdown is graceful (in-flight requests finish, idle keep-alive
//! connections close). Connections are admitted under the caps of [`crate::connections`]
//! (which also sets hyper's header timeout and head cap), and one whose answer broke off is
//! reset ([`crate::abort`]).

use crate::abort::Abortable;
use crate::access::authorize;
use crate::connections::{busy_answer, check_host};
use crate::cors::{self, OriginCheck};
use crate::error::RelayError;
use crate::names::X_REQUEST_ID;
use crate::proxy;
use crate::routes::{self, Route};
use crate::state::AppState;
use axum::body::Body;
use axum::extract::Request;
use axum::response::{IntoResponse, Response};
use hyper_util::rt::TokioIo;
use hyper_util::server::graceful::GracefulShutdown;
use serde_json::json;
use std::convert::Infallible;
use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::net::TcpListener;
use wanedit_core::relay_config::{RelayConfig, RelayUpstream};

/// First and longest pause of the accept loop after a failed accept (out of descriptors).
const ACCEPT_BACKOFF_MIN: Duration = Duration::from_millis(10);
const ACCEPT_BACKOFF_MAX: Duration = Duration::from_secs(1);

/// Accepts connections on `listener` and serves each with HTTP/1.1 until `stop` completes;
/// then stops accepting and waits for the connections to finish their requests (the caller
/// bounds that wait).
pub async fn serve(
    listener: TcpListener,
    state: Arc<AppState>,
    stop: impl Future<Output = ()>,
) -> std::io::Result<()> {
    let graceful = GracefulShutdown::new();
    let http1 = state.config.server.http1();
    let mut stop = std::pin::pin!(stop);
    let mut backoff = ACCEPT_BACKOFF_MIN;
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => {
                    backoff = ACCEPT_BACKOFF_MIN;
                    accepted
                }
                Err(e) => {
                    if !matches!(
                        e.kind(),
                        std::io::ErrorKind::ConnectionRefused
                            | std::io::ErrorKind::ConnectionAborted
                            | std::io::ErrorKind::ConnectionReset
                    ) {
                        // Out of file descriptors, say: wait for some to close (backing off,
                        // never spinning), while the open connections are served on.
                        tracing::error!(error = %e, retry_ms = backoff.as_millis() as u64, "accept failed");
                        tokio::select! {
                            () = tokio::time::sleep(backoff) => {}
                            () = &mut stop => break,
                        }
                        backoff = (backoff * 2).min(ACCEPT_BACKOFF_MAX);
                    }
                    continue;
                }
            },
            () = &mut stop => break,
        };
        let proxy = state.config.deploy.trusted_proxies.trusts(peer.ip());
        let admitted = match state.connections.admit(peer.ip(), proxy) {
            Ok(admitted) => admitted,
            Err(refusal) => {
                let id = state.request_ids.next_id();
                let id = id.to_str().unwrap_or_default();
                // Never waits: the short answer fits in a fresh socket's send buffer.
                let _ = stream.try_write(&busy_answer(refusal, id));
                tracing::info!(request_id = %id, client = %peer.ip(), ?refusal, "connection refused: over a connection cap");
                continue;
            }
        };
        // Answers go out in one write; never hold one back waiting for an ACK.
        let _ = stream.set_nodelay(true);
        let state = state.clone();
        let service = hyper::service::service_fn(move |request: hyper::Request<_>| {
            let state = state.clone();
            async move { Ok::<_, Infallible>(handle(&state, peer, request.map(Body::new)).await) }
        });
        let (stream, abort) = Abortable::new(stream);
        let connection = http1.serve_connection(TokioIo::new(stream), service);
        let connection = graceful.watch(connection);
        tokio::spawn(async move {
            // The connection's place under the caps is freed when it ends.
            let _admitted = admitted;
            // Pinned here, not moved into `.await`, so the socket outlives the error check.
            let mut connection = std::pin::pin!(connection);
            if let Err(e) = connection.as_mut().await {
                abort.if_answer_broke(&e);
                tracing::debug!(error = %e, "connection ended with an error");
            }
        });
    }
    drop(listener);
    graceful.shutdown().await;
    Ok(())
}

/// Answers one request from `peer`.
pub async fn handle(state: &AppState, peer: SocketAddr, request: Request) -> Response {
    let started = Instant::now();
    let request_id = state.request_ids.next_id();
    let id = request_id.to_str().unwrap_or_default();
    let origin = OriginCheck::of(request.headers(), &state.origins);
    let client = (state.config.deploy.trusted_proxies).client_ip(peer.ip(), request.headers());
    let method = request.method().clone();
    let route = routes::parse(
        &method,
        request.uri().path(),
        |n| state.upstream_index(n),
        state.files.is_some(),
    );
    let route_name = route.name();
    let ui = route == Route::Static;
    let upstream = match &route {
        Route::Proxy { upstream, .. } => state.config.upstreams[*upstream].name.as_str(),
        _ => "",
    };
    let mut response = match dispatch(state, route, &origin, client, request).await {
        Ok(response) => response,
        Err(error) => error.into_response_with_id(id),
    };
    cors::decorate(&mut response, &origin);
    crate::security::decorate(response.headers_mut(), ui);
    crate::telemetry::request(route_name, upstream, response.status(), started);
    // Latency is time to the answer's headers; streamed bodies may go on after this line.
    tracing::info!(
        request_id = %id,
        method = %method,
        route = route_name,
        upstream,
        status = response.status().as_u16(),
        latency_ms = started.elapsed().as_micros() as f64 / 1000.0,
        client = %client,
        origin_allowed = origin.is_allowed(),
        "request"
    );
    response.headers_mut().insert(X_REQUEST_ID, request_id);
    response
}

async fn dispatch(
    state: &AppState,
    route: Route,
    origin: &OriginCheck,
    client: std::net::IpAddr,
    request: Request,
) -> Result<Response, RelayError> {
    check_host(request.headers(), request.version())?;
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
                .check(client)
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
fn relay_config(state: &AppState) -> RelayConfig {
    let config = &state.config;
    let upstreams = (config.upstreams.iter())
        .map(|u| RelayUpstream {
            holds_key: u.key.holds_key(),
            list_enabled: !u.key.holds_real_key() || config.enable_list,
            name: u.name.clone(),
            // The in-process simulator's clock speed (`--sim-time-scale`), so a browser polls
            // on the simulated clock instead of DashScope's.
            time_scale: config.sim_time_scale.filter(|_| u.name == "sim"),
        })
        .collect();
    RelayConfig {
        holds_key: config.holds_real_key(),
        max_body_bytes: Some(config.max_body_bytes as u64),
        max_upload_bytes: Some(config.max_upload_bytes),
        requires_token: config.access_token.is_some(),
        upstreams,
        version: env!("CARGO_PKG_VERSION").to_string(),
    }
}
