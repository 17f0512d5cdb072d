//! The accept loop. Hand-rolled on hyper instead of `axum::serve` for one reason: a
//! dropped-connection fault must close the socket without writing any response, and only a
//! service error at the connection level does that.

use std::time::Duration;

use axum::body::Body;
use axum::Router;
use hyper::body::Incoming;
use hyper::service::service_fn;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use tokio::net::TcpListener;
use tokio::sync::watch;
use tower::ServiceExt;

use crate::error::{DropConnection, SimError};

/// How long shutdown waits for in-flight requests before abandoning them.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(5);

/// Serves `app` on `listener` until `stop` fires or its sender is dropped.
pub async fn serve(listener: TcpListener, app: Router, mut stop: watch::Receiver<()>) {
    let graceful = GracefulShutdown::new();
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                let stream = match accepted {
                    Ok((stream, _)) => stream,
                    Err(e) => {
                        // Transient (e.g. too many open files): back off instead of spinning.
                        tracing::warn!(error = %e, "accept failed");
                        tokio::time::sleep(Duration::from_millis(50)).await;
                        continue;
                    }
                };
                let _ = stream.set_nodelay(true);
                let app = app.clone();
                let service = service_fn(move |req: hyper::Request<Incoming>| {
                    let app = app.clone();
                    async move {
                        let resp = match app.oneshot(req.map(Body::new)).await {
                            Ok(r) => r,
                            Err(never) => match never {},
                        };
                        if resp.extensions().get::<DropConnection>().is_some() {
                            return Err(SimError::Dropped);
                        }
                        Ok::<_, SimError>(resp)
                    }
                });
                let conn = hyper::server::conn::http1::Builder::new()
                    .timer(TokioTimer::new())
                    .serve_connection(TokioIo::new(stream), service);
                let conn = graceful.watch(conn);
                tokio::spawn(async move {
                    if let Err(e) = conn.await {
                        tracing::debug!(error = %e, "connection ended with an error");
                    }
                });
            }
            _ = stop.changed() => break,
        }
    }
    drop(listener);
    tokio::select! {
        _ = graceful.shutdown() => {}
        _ = tokio::time::sleep(SHUTDOWN_GRACE) => {
            tracing::warn!("shutdown grace period elapsed with connections still open");
        }
    }
}
