//! `wanedit-relay`: a tiny, deny-by-default CORS relay in front of Alibaba DashScope's
//! video-editing API, so a browser can use the API (DashScope sends no CORS headers) without
//! the API key ever reaching the page.
//!
//! - [`config`]: flags and environment variables, checked before anything listens.
//! - [`routes`]: the handful of routes, matched on the raw path; anything else is 404.
//! - [`cors`] and [`access`]: who may call; [`limits`]: rate and size limits; [`policy`]:
//!   which models a held key may pay for, and whether undocumented bodies pass.
//! - [`upstream`] and [`proxy`]: the forwarded calls; [`upload`]: transparent uploads, with
//!   [`upload_id`] the signed ids any replica accepts.
//! - [`deploy`]: replicas behind a load balancer ([`forwarded`]: client addresses;
//!   [`telemetry`]: Prometheus metrics); [`security`]: security headers.
//! - [`server`]: the handler tying them together, over the shared [`state`]; [`Relay`]:
//!   start, address, shutdown. [`names`]: the header names, from `wanedit_core::headers`.
#![deny(missing_docs)]

pub mod abort;
pub mod access;
pub mod check;
pub mod config;
pub mod connections;
pub mod cors;
pub mod deploy;
pub mod error;
pub mod forwarded;
pub mod limits;
pub mod logging;
pub mod names;
pub mod policy;
pub mod proxy;
pub mod routes;
pub mod security;
pub mod server;
#[cfg(feature = "simulate")]
pub mod simulate;
pub mod slow;
pub mod state;
pub mod static_files;
pub mod telemetry;
pub mod upload;
pub mod upload_id;
pub mod upstream;

pub use config::{Args, Config};
pub use error::RelayError;

use state::AppState;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{oneshot, watch};
use tokio::task::JoinHandle;

/// A running relay.
pub struct Relay {
    addr: SocketAddr,
    origins: Vec<String>,
    stop: watch::Sender<bool>,
    task: JoinHandle<std::io::Result<()>>,
    #[cfg(feature = "simulate")]
    sim: Option<wanedit_sim::SimHandle>,
}

impl Relay {
    /// Binds, starts the simulator if asked, and serves in the background: `config.workers`
    /// threads, each with its own single-threaded event loop polling the one listening socket,
    /// like nginx's worker processes.
    /// A connection, and the upstream connections its requests use, stay on one thread: no
    /// work stealing, no cross-thread wake-ups per request. Must be called within a tokio
    /// runtime (which runs the simulator, if any).
    #[cfg_attr(not(feature = "simulate"), allow(unused_mut))]
    pub async fn start(mut config: Config) -> Result<Relay, RelayError> {
        #[cfg(feature = "simulate")]
        let sim = if config.simulate {
            Some(simulate::start(&mut config).await?)
        } else {
            None
        };
        #[cfg(not(feature = "simulate"))]
        if config.simulate {
            return Err(RelayError::Config(
                "this build has no simulator (feature `simulate`)".into(),
            ));
        }
        let listeners = bind_listeners(config.listen, config.workers).await?;
        let addr = listeners[0].local_addr()?;
        let origins = config.allowed_origins(addr);
        let files = match &config.serve {
            Some(dir) => Some(static_files::StaticFiles::new(dir)?),
            None => None,
        };
        let metrics = match config.deploy.metrics_listen {
            Some(at) => Some((telemetry::bind(at).await?, telemetry::install()?)),
            None => None,
        };
        let state = Arc::new(AppState {
            connections: Arc::new(connections::ConnectionGate::new(
                &config.server,
                config.workers,
            )),
            client: upstream::client(&config)?,
            limiter: limits::RateLimiter::new(config.rate_limit),
            uploads: upload_ids(&config),
            origins: origins.clone(),
            bound: addr,
            files,
            config,
            request_ids: state::RequestIds::default(),
        });
        let (stop, stopped) = watch::channel(false);
        if let Some((listener, handle)) = metrics {
            tracing::info!(addr = %listener.local_addr()?, "metrics listening (GET /metrics)");
            tokio::spawn(telemetry::serve(listener, handle, stopped.clone()));
        }
        let mut finished = Vec::with_capacity(listeners.len());
        for (index, listener) in listeners.into_iter().enumerate() {
            let (done, result) = oneshot::channel();
            finished.push(result);
            let state = state.clone();
            let stopped = stopped.clone();
            std::thread::Builder::new()
                .name(format!("wanedit-worker-{index}"))
                .spawn(move || {
                    let _ = done.send(worker(index, listener, state, stopped));
                })?;
        }
        // Done when every worker is: the first error, if any, is the result.
        let task = tokio::spawn(async move {
            let mut outcome = Ok(());
            for result in finished {
                let result = result
                    .await
                    .unwrap_or_else(|_| Err(std::io::Error::other("a worker thread panicked")));
                if outcome.is_ok() {
                    outcome = result;
                }
            }
            outcome
        });
        Ok(Relay {
            addr,
            origins,
            stop,
            task,
            #[cfg(feature = "simulate")]
            sim,
        })
    }

    /// The bound address.
    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    /// The allowed origins in force.
    pub fn origins(&self) -> &[String] {
        &self.origins
    }

    /// The in-process simulator's base URL, with `--simulate`.
    #[cfg(feature = "simulate")]
    pub fn sim_base_url(&self) -> Option<String> {
        self.sim.as_ref().map(|s| s.base_url())
    }

    /// Stops accepting connections, lets in-flight requests finish for up to `grace`, then
    /// stops the simulator.
    pub async fn shutdown(mut self, grace: Duration) -> Result<(), RelayError> {
        let _ = self.stop.send(true);
        let result = match tokio::time::timeout(grace, &mut self.task).await {
            Ok(Ok(served)) => served.map_err(RelayError::from),
            Ok(Err(join)) => Err(RelayError::Io(std::io::Error::other(join))),
            Err(_) => {
                tracing::warn!(
                    grace_secs = grace.as_secs(),
                    "requests still running after the grace period; stopping"
                );
                self.task.abort();
                Ok(())
            }
        };
        #[cfg(feature = "simulate")]
        if let Some(sim) = self.sim.take() {
            sim.shutdown().await;
        }
        result
    }
}

/// The upload-id signer: the shared secret, or a random one (with a warning: replicas behind
/// one load balancer must share a secret, or an upload fails whenever its policy came from
/// another replica).
fn upload_ids(config: &Config) -> upload::UploadIds {
    match &config.deploy.upload_secret {
        Some(secret) => upload::UploadIds::new(secret.expose().as_bytes()),
        None => {
            tracing::warn!(
                "no upload secret (--upload-secret-file or WANEDIT_UPLOAD_SECRET): using a random \
                 one; replicas behind one load balancer need a shared one"
            );
            upload::UploadIds::random()
        }
    }
}

/// The listening socket, bound once and shared by the workers (each polls it from its own
/// event loop; whichever is free first takes a new connection). A second process cannot
/// bind the same address, as with any single socket.
async fn bind_listeners(
    addr: SocketAddr,
    workers: usize,
) -> std::io::Result<Vec<std::net::TcpListener>> {
    let first = tokio::net::TcpListener::bind(addr).await?.into_std()?;
    let mut listeners = Vec::with_capacity(workers);
    for _ in 1..workers {
        listeners.push(first.try_clone()?);
    }
    listeners.insert(0, first);
    Ok(listeners)
}

/// Worker thread `index`: its own single-threaded runtime serving `listener` until `stop`
/// turns true (or its sender is gone), then until its connections are done.
fn worker(
    index: usize,
    listener: std::net::TcpListener,
    state: Arc<AppState>,
    mut stop: watch::Receiver<bool>,
) -> std::io::Result<()> {
    upstream::enter_worker(index + 1);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::from_std(listener)?;
        server::serve(listener, state, async move {
            let _ = stop.wait_for(|stop| *stop).await;
        })
        .await
    })
}

/// Runs until SIGINT or SIGTERM, then shuts down gracefully: stops accepting at once and
/// gives in-flight requests `--shutdown-grace` to finish.
pub async fn run(config: Config) -> Result<(), RelayError> {
    let grace = config.server.shutdown_grace;
    let relay = Relay::start(config).await?;
    tracing::info!(addr = %relay.local_addr(), origins = ?relay.origins(), "wanedit-relay listening");
    shutdown_signal().await;
    tracing::info!(grace_secs = grace.as_secs(), "shutting down");
    relay.shutdown(grace).await
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
}
