//! A faithful simulator of Alibaba DashScope's asynchronous video-editing API, the test double
//! of every wanedit test and the back end of the demo mode.
//!
//! ```no_run
//! # async fn demo() -> std::io::Result<()> {
//! use std::time::Duration;
//! let sim = wanedit_sim::spawn(wanedit_sim::SimConfig::frozen()).await?;
//! let base = sim.base_url(); // http://127.0.0.1:PORT, use it as the DashScope base URL
//! // ... submit a task with key "sk-sim" ...
//! sim.control().advance(Duration::from_secs(600)); // the task has now finished
//! sim.shutdown().await;
//! # Ok(()) }
//! ```
//!
//! # What it serves
//! DashScope (`Authorization: Bearer <key>` required, JSON errors `{"code","message","request_id"}`):
//! - `POST /api/v1/services/aigc/video-generation/video-synthesis`: create a task
//!   (`X-DashScope-Async: enable` required; `oss://` URLs need
//!   `X-DashScope-OssResourceResolve: enable` and a real upload to this simulator). Served
//!   models: the two editing models (VACE in both spellings, `wan2.7-videoedit`) with the
//!   documents' checks, and the other wan video models DashScope serves on this endpoint
//!   (`wan2.6-t2v`, `wan2.7-i2v`, `wan2.7-r2v`, … see [`known_models`]) as generic tasks that
//!   need only a prompt, an image or references. Any other name is 404 `ModelNotFound`.
//!   Fields the checks do not know, at any level, are taken, as DashScope takes them.
//! - `GET /api/v1/tasks/{id}`, `POST /api/v1/tasks/{id}/cancel`, `GET /api/v1/tasks[/]`.
//! - `GET /api/v1/uploads?action=getPolicy&model=M`: a signed policy for `POST /oss`.
//!
//! Not DashScope, but standing in for what it links to:
//! - `POST /oss`: OSS PostObject (`multipart/form-data`, `file` last); XML errors.
//! - `GET /oss/{key}`: an uploaded object (debugging aid).
//! - `GET /results/{task_id}.mp4`: the result video (a real, tiny H.264 MP4), 24 h valid. Its
//!   link's `Expires` is wall-clock epoch seconds (what a client compares with its own clock),
//!   never more than 24 h ahead; links are published under [`SimConfig::result_base_url`]
//!   (default: the public base), so a relay can serve them under its own origin.
//! - `GET /samples/{name}`: sample media ([`samples`]; CORS `*`), also usable in any task as
//!   `oss://dashscope-instant/wanedit-samples/{name}`.
//!
//! No route sends CORS headers except the control routes: real DashScope sends none.
//!
//! # Time
//! Virtual time = start + real elapsed × `time_scale` + manual advances. Task durations,
//! expiries (task ids, result links, policies, uploads) and the per-second rate limits all run
//! on it. With `time_scale: 0.0` only [`SimControl::advance`] moves it, which makes tests
//! deterministic. Tasks go PENDING → (after `pickup_delay`, when one of the model's
//! concurrency slots is free) RUNNING → (after `run_duration`) SUCCEEDED, or FAILED if a
//! failure was requested.
//!
//! # Limits and choices
//! - All configured keys belong to one account: they share tasks and limits, as DashScope
//!   documents its limits "per account".
//! - Submissions per virtual second per model (VACE 2, wan2.7 5, every other model 5) beyond the limit get 429
//!   `Throttling.RateQuota` without `Retry-After` (DashScope documents none). Rejected
//!   submissions do not count.
//! - Tasks over the concurrency limit (VACE 2, wan2.7 5, every other model 5) stay PENDING; DashScope documents no
//!   queue cap, so by default none applies ([`SimConfig::max_queued_per_model`] adds one,
//!   answered with 429 `Throttling`).
//! - Task queries: 20 per virtual second per account; upload policies: 100 per second per
//!   model (both configurable).
//!
//! # Control routes (`/__sim`, no key, never logged or faulted, CORS `*`)
//! | route | body | effect |
//! |---|---|---|
//! | `GET /__sim/state` | | clock, tasks, faults, counters |
//! | `GET /__sim/clock` | | `{"now_ms","now","time_scale"}` |
//! | `POST /__sim/clock/advance` | `{"ms":N}` or `{"seconds":F}` | move virtual time forward |
//! | `POST /__sim/clock/scale` | `{"time_scale":F}` | change speed (0 freezes) |
//! | `GET /__sim/tasks`, `GET /__sim/tasks/{id}` | | task snapshots |
//! | `POST /__sim/tasks/{id}/fail` | `{"code","message"}` (optional) | task ends FAILED |
//! | `POST /__sim/fail-next` | `{"code","message"}` (optional) | next submitted task ends FAILED |
//! | `GET /__sim/faults` | | pending faults |
//! | `POST /__sim/faults` | a [`Fault`] as JSON, see below | inject |
//! | `DELETE /__sim/faults` | | clear faults |
//! | `GET /__sim/requests[?route=R]` | | [`RequestRecord`]s, oldest first |
//! | `DELETE /__sim/requests` | | clear log and counters |
//! | `GET /__sim/counters` | | [`Counters`] |
//! | `POST /__sim/reset` | | blank simulator (clock not rewound) |
//!
//! Fault JSON: `{"kind":"latency","ms":500}`, `{"kind":"status","status":503}` (optional
//! `"code"`, `"message"`), `{"kind":"drop"}`, `{"kind":"throttle","retry_after":2}`, each with
//! optional `"times"` (default 1), `"path_prefix"`, `"method"` and `"phase"`
//! (`"before"`, default: the request has no effect; `"after"`: it takes effect, then the
//! client gets the fault instead of the answer).
//!
//! Route classes (`route` in records and counters): `submit`, `task_get`, `task_cancel`,
//! `task_list`, `upload_policy`, `oss_upload`, `oss_get`, `result`, `other`.
#![deny(missing_docs)]

mod clock;
mod config;
mod control;
mod error;
mod faults;
mod models;
mod ratelimit;
mod reqlog;
mod routes;
pub mod samples;
mod server;
mod state;
mod tasks;
mod timefmt;
mod upload;

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::Arc;

use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinHandle;

pub use config::{ModelProfile, SimConfig};
pub use control::SimControl;
pub use error::SimError;
pub use faults::{Fault, FaultKind, FaultPhase};
pub use models::{known_models, VACE_FUNCTIONS};
pub use reqlog::{Counters, RequestRecord};
pub use tasks::{TaskSnapshot, TaskStatus};

/// The bytes of the MP4 every succeeded task links to.
pub fn result_video() -> &'static [u8] {
    routes::result_video()
}

/// A running simulator. Dropping it stops the server too; [`SimHandle::shutdown`] also waits
/// for in-flight requests.
#[derive(Debug)]
pub struct SimHandle {
    addr: SocketAddr,
    control: SimControl,
    stop: watch::Sender<()>,
    task: JoinHandle<()>,
}

impl SimHandle {
    /// The bound address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://HOST:PORT` of the bound address (no trailing slash); an unspecified bind address
    /// (`0.0.0.0`, `::`) is reported as loopback.
    pub fn base_url(&self) -> String {
        format!("http://{}", reachable(self.addr))
    }

    /// A handle to steer and inspect the simulator.
    pub fn control(&self) -> SimControl {
        self.control.clone()
    }

    /// Stops accepting, lets in-flight requests finish (up to 5 s), and returns.
    pub async fn shutdown(self) {
        let _ = self.stop.send(());
        let _ = self.task.await;
    }
}

fn reachable(addr: SocketAddr) -> SocketAddr {
    match addr.ip() {
        IpAddr::V4(ip) if ip.is_unspecified() => {
            SocketAddr::new(Ipv4Addr::LOCALHOST.into(), addr.port())
        }
        IpAddr::V6(ip) if ip.is_unspecified() => {
            SocketAddr::new(Ipv6Addr::LOCALHOST.into(), addr.port())
        }
        _ => addr,
    }
}

/// Binds `config.listen` (default `127.0.0.1:0`) and serves the simulator in a tokio task.
pub async fn spawn(config: SimConfig) -> std::io::Result<SimHandle> {
    let listen = config
        .listen
        .unwrap_or_else(|| SocketAddr::new(Ipv4Addr::LOCALHOST.into(), 0));
    let listener = TcpListener::bind(listen).await?;
    let addr = listener.local_addr()?;
    let public_base = match &config.public_base_url {
        Some(url) => url.trim_end_matches('/').to_string(),
        None => format!("http://{}", reachable(addr)),
    };
    let result_base = config
        .result_base_url
        .as_deref()
        .map(|url| url.trim_end_matches('/').to_string())
        .unwrap_or_else(|| public_base.clone());
    let shared = Arc::new(state::Shared::new(config, public_base, result_base));
    let app = routes::router(shared.clone());
    let (stop, stopped) = watch::channel(());
    let task = tokio::spawn(server::serve(listener, app, stopped));
    tracing::info!(%addr, "simulator listening");
    Ok(SimHandle {
        addr,
        control: SimControl { shared },
        stop,
        task,
    })
}
