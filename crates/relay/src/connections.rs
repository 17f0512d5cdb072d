//! What one client, or many, may hold of the HTTP server: how long a request head and a JSON
//! body may take to arrive, how slowly an upload may trickle in, how large a head may be, how
//! many connections may be open in all and per client, and how long in-flight requests may
//! run on after a shutdown signal. Without these a few hundred connections that never finish
//! their headers (slowloris) hold the relay's sockets, file descriptors and memory forever.
//!
//! - [`ServerArgs`]: the flags, flattened into [`crate::config::Args`]; [`ServerLimits`]: checked.
//! - [`ServerLimits::http1`]: hyper's server with a timer, the header-read timeout (which also
//!   closes idle keep-alive connections) and the head-size cap (answered `431`).
//! - [`ConnectionGate`]: the connection caps; a connection over a cap is answered `503
//!   RelayBusy` and closed at once. The total cap is clamped to the file descriptors the
//!   process may open, so the relay never runs out of them and always keeps some for upstream
//!   connections.

use crate::error::RelayError;
use hyper::server::conn::http1;
use hyper_util::rt::TokioTimer;
use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// The flags of this module, flattened into [`crate::config::Args`].
#[derive(Debug, Clone, clap::Args)]
pub struct ServerArgs {
    /// Seconds a client has to send a whole request head; also how long an idle keep-alive
    /// connection stays open waiting for its next request. Then the connection is closed.
    #[arg(
        long,
        env = "WANEDIT_HEADER_TIMEOUT",
        default_value_t = 10,
        value_name = "SECS"
    )]
    pub header_timeout: u64,

    /// Seconds a client has to send a whole JSON body (create calls), then 408.
    #[arg(
        long,
        env = "WANEDIT_BODY_TIMEOUT",
        default_value_t = 30,
        value_name = "SECS"
    )]
    pub body_timeout: u64,

    /// Slowest upload, in KiB per second averaged over each --upload-rate-window: an upload
    /// that brings less in a window (time spent waiting for the upload host not counted) is
    /// cut with 408. 0 turns the rule off.
    #[arg(
        long,
        env = "WANEDIT_UPLOAD_MIN_RATE",
        default_value_t = 4,
        value_name = "KIB_PER_SEC"
    )]
    pub upload_min_rate: u64,

    /// Seconds of the windows the upload rate is judged over.
    #[arg(
        long,
        env = "WANEDIT_UPLOAD_RATE_WINDOW",
        default_value_t = 30,
        value_name = "SECS"
    )]
    pub upload_rate_window: u64,

    /// Most client connections open at once (over all workers); more are answered 503 and
    /// closed. Lowered to what the process's file-descriptor limit allows.
    #[arg(
        long,
        env = "WANEDIT_MAX_CONNECTIONS",
        default_value_t = 1024,
        value_name = "N"
    )]
    pub max_connections: usize,

    /// Most connections open at once from one client IP (IPv6: one /64); 0 = no per-client
    /// cap. Behind a reverse proxy every connection comes from the proxy: raise it or use 0.
    #[arg(
        long,
        env = "WANEDIT_MAX_CONNECTIONS_PER_CLIENT",
        default_value_t = 128,
        value_name = "N"
    )]
    pub max_connections_per_client: usize,

    /// Largest request head (request line and headers) in bytes; larger ones get 431.
    #[arg(
        long,
        env = "WANEDIT_MAX_HEADER_BYTES",
        default_value_t = 16 * 1024,
        value_name = "BYTES"
    )]
    pub max_header_bytes: usize,

    /// Seconds in-flight requests (uploads included) may run on after SIGTERM/SIGINT; the
    /// relay stops accepting at once and exits when they are done or the time is up.
    #[arg(
        long,
        env = "WANEDIT_SHUTDOWN_GRACE",
        default_value_t = 30,
        value_name = "SECS"
    )]
    pub shutdown_grace: u64,
}

/// The checked [`ServerArgs`].
#[derive(Debug, Clone)]
pub struct ServerLimits {
    /// Time to receive a request head, and the idle keep-alive timeout.
    pub header_timeout: Duration,
    /// Time to receive a whole JSON body.
    pub body_timeout: Duration,
    /// Fewest upload bytes per rate window; 0 = no minimum.
    pub upload_min_bytes: u64,
    /// The window the upload rate is judged over.
    pub upload_rate_window: Duration,
    /// Most connections, as asked for (the gate may allow fewer; see [`ConnectionGate::new`]).
    pub max_connections: usize,
    /// Most connections per client; 0 = no cap.
    pub max_connections_per_client: usize,
    /// Largest request head.
    pub max_header_bytes: usize,
    /// How long in-flight requests may run on after a shutdown signal.
    pub shutdown_grace: Duration,
}

/// Smallest head cap: a browser's ordinary request (cookies aside) fits well within it.
const MIN_HEADER_BYTES: usize = 1024;

impl ServerLimits {
    /// Checks the flags.
    pub fn from_args(args: &ServerArgs) -> Result<Self, RelayError> {
        let bad = |why: &str| Err(RelayError::Config(why.into()));
        if args.header_timeout == 0 || args.body_timeout == 0 || args.upload_rate_window == 0 {
            return bad("--header-timeout, --body-timeout and --upload-rate-window must be at least one second");
        }
        if args.max_connections == 0 {
            return bad("--max-connections must be at least 1");
        }
        if args.max_header_bytes < MIN_HEADER_BYTES {
            return bad("--max-header-bytes must be at least 1024");
        }
        Ok(ServerLimits {
            header_timeout: Duration::from_secs(args.header_timeout),
            body_timeout: Duration::from_secs(args.body_timeout),
            upload_min_bytes: args
                .upload_min_rate
                .saturating_mul(1024)
                .saturating_mul(args.upload_rate_window),
            upload_rate_window: Duration::from_secs(args.upload_rate_window),
            max_connections: args.max_connections,
            max_connections_per_client: args.max_connections_per_client,
            max_header_bytes: args.max_header_bytes,
            shutdown_grace: Duration::from_secs(args.shutdown_grace),
        })
    }

    /// hyper's HTTP/1.1 server as the relay runs it: with a timer, so the header-read timeout
    /// is on (hyper arms it whenever a connection waits for a request head, so it also closes
    /// idle keep-alive connections), and with the head capped (a larger one is answered 431
    /// and the connection closed, whether the head is complete or still arriving).
    pub fn http1(&self) -> http1::Builder {
        let mut builder = http1::Builder::new();
        builder
            .timer(TokioTimer::new())
            .header_read_timeout(self.header_timeout)
            .max_header_size(self.max_header_bytes);
        builder
    }
}

/// File descriptors kept back for everything but client connections (listening sockets,
/// event loops, logs, files of the UI, the simulator), besides one per worker.
const RESERVED_FDS: usize = 64;

/// Open client connections, in all and per client IP, against their caps.
#[derive(Debug)]
pub struct ConnectionGate {
    max: usize,
    per_client: usize,
    open: AtomicUsize,
    clients: Mutex<HashMap<IpAddr, usize>>,
}

/// Why a connection was turned away.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// The relay holds its most connections.
    Full,
    /// This client holds its most connections.
    ClientFull,
}

impl ConnectionGate {
    /// A gate for `limits`, with the total cap lowered to what the file-descriptor limit
    /// allows `workers` workers (the soft limit is raised to the hard one first, as nginx's
    /// `worker_rlimit_nofile` does): half of what is left after a reserve, since every client
    /// connection may hold an upstream connection too.
    pub fn new(limits: &ServerLimits, workers: usize) -> Self {
        let mut max = limits.max_connections;
        if let Some(fds) = raise_fd_limit() {
            let usable = fds.saturating_sub(RESERVED_FDS + workers) / 2;
            if usable < max {
                tracing::warn!(
                    asked = max,
                    allowed = usable.max(1),
                    fd_limit = fds,
                    "--max-connections lowered to what the file-descriptor limit (ulimit -n) allows"
                );
                max = usable.max(1);
            }
        }
        ConnectionGate::with_caps(max, limits.max_connections_per_client)
    }

    /// A gate with exactly these caps (`per_client` 0 = none).
    pub fn with_caps(max: usize, per_client: usize) -> Self {
        ConnectionGate {
            max,
            per_client,
            open: AtomicUsize::new(0),
            clients: Mutex::new(HashMap::new()),
        }
    }

    /// The total cap in force.
    pub fn max(&self) -> usize {
        self.max
    }

    /// Admits a connection from `ip`, or says which cap it is over. The connection counts
    /// until the returned guard is dropped. A trusted proxy (`--trusted-proxy`) carries many
    /// clients on its connections, so it is held only to the total cap.
    pub fn admit(self: &Arc<Self>, ip: IpAddr, trusted_proxy: bool) -> Result<Admitted, Refusal> {
        if self.open.fetch_add(1, Ordering::AcqRel) >= self.max {
            self.open.fetch_sub(1, Ordering::AcqRel);
            return Err(Refusal::Full);
        }
        let client = if self.per_client == 0 || trusted_proxy {
            None
        } else {
            let key = crate::limits::client_key(ip);
            let mut clients = self.clients.lock().unwrap_or_else(|e| e.into_inner());
            let held = clients.entry(key).or_insert(0);
            if *held >= self.per_client {
                drop(clients);
                self.open.fetch_sub(1, Ordering::AcqRel);
                return Err(Refusal::ClientFull);
            }
            *held += 1;
            Some(key)
        };
        Ok(Admitted {
            gate: self.clone(),
            client,
        })
    }

    /// Connections open now.
    pub fn open(&self) -> usize {
        self.open.load(Ordering::Acquire)
    }
}

/// One admitted connection; dropping it frees its place.
#[derive(Debug)]
pub struct Admitted {
    gate: Arc<ConnectionGate>,
    client: Option<IpAddr>,
}

impl Drop for Admitted {
    fn drop(&mut self) {
        if let Some(key) = self.client {
            let mut clients = self.gate.clients.lock().unwrap_or_else(|e| e.into_inner());
            if let Some(held) = clients.get_mut(&key) {
                *held -= 1;
                if *held == 0 {
                    clients.remove(&key);
                }
            }
        }
        self.gate.open.fetch_sub(1, Ordering::AcqRel);
    }
}

/// Raises the soft file-descriptor limit to the hard one, and returns the limit in force
/// (`None` if unlimited or unknown).
#[cfg(unix)]
fn raise_fd_limit() -> Option<usize> {
    use rustix::process::{getrlimit, setrlimit, Resource};
    let mut limit = getrlimit(Resource::Nofile);
    if limit.current < limit.maximum {
        let raised = rustix::process::Rlimit {
            current: limit.maximum,
            maximum: limit.maximum,
        };
        if setrlimit(Resource::Nofile, raised).is_ok() {
            limit.current = limit.maximum;
        }
    }
    limit
        .current
        .map(|n| usize::try_from(n).unwrap_or(usize::MAX))
}

#[cfg(not(unix))]
fn raise_fd_limit() -> Option<usize> {
    None
}

/// RFC 9112 §3.2: an HTTP/1.1 request must carry exactly one `Host` header, or it is a `400`.
/// (HTTP/1.0 requests need none.)
pub fn check_host(
    headers: &axum::http::HeaderMap,
    version: axum::http::Version,
) -> Result<(), RelayError> {
    if version != axum::http::Version::HTTP_11 {
        return Ok(());
    }
    let mut hosts = headers.get_all(axum::http::header::HOST).iter();
    match (hosts.next(), hosts.next()) {
        (Some(_), None) => Ok(()),
        (None, _) => Err(RelayError::BadRequest(
            "an HTTP/1.1 request needs a Host header".into(),
        )),
        (Some(_), Some(_)) => Err(RelayError::BadRequest(
            "a request may carry only one Host header".into(),
        )),
    }
}

/// The whole answer to a connection over a cap, written before any request is read: `503`
/// with `Retry-After` and the relay's JSON error, then the connection is closed.
pub fn busy_answer(refusal: Refusal, request_id: &str) -> Vec<u8> {
    let error = RelayError::Busy(match refusal {
        Refusal::Full => "the relay holds its most connections; retry shortly",
        Refusal::ClientFull => "this client holds its most connections; close some and retry",
    });
    let (status, code) = error.status_code();
    let body =
        serde_json::json!({"code": code, "message": error.to_string(), "request_id": request_id})
            .to_string();
    format!(
        "HTTP/1.1 {} {}\r\ncontent-type: application/json\r\nretry-after: 1\r\nx-request-id: {request_id}\r\nconnection: close\r\ncontent-length: {}\r\n\r\n{body}",
        status.as_u16(),
        status.canonical_reason().unwrap_or(""),
        body.len()
    )
    .into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Parser)]
    struct Flags {
        #[command(flatten)]
        server: ServerArgs,
    }

    fn limits(extra: &[&str]) -> Result<ServerLimits, RelayError> {
        let mut argv = vec!["x"];
        argv.extend_from_slice(extra);
        ServerLimits::from_args(&Flags::parse_from(argv).server)
    }

    #[test]
    fn defaults_and_checks() {
        let l = limits(&[]).unwrap();
        assert_eq!(l.header_timeout, Duration::from_secs(10));
        assert_eq!(l.upload_min_bytes, 4 * 1024 * 30);
        assert_eq!(l.max_connections, 1024);
        assert_eq!(l.max_header_bytes, 16 * 1024);
        assert_eq!(l.shutdown_grace, Duration::from_secs(30));
        assert_eq!(
            limits(&["--upload-min-rate", "0"])
                .unwrap()
                .upload_min_bytes,
            0
        );
        assert!(limits(&["--header-timeout", "0"]).is_err());
        assert!(limits(&["--max-connections", "0"]).is_err());
        assert!(limits(&["--max-header-bytes", "100"]).is_err());
    }

    #[test]
    fn caps_count_and_free_places() {
        let gate = Arc::new(ConnectionGate::with_caps(3, 2));
        let a: IpAddr = "192.0.2.1".parse().unwrap();
        let b: IpAddr = "192.0.2.2".parse().unwrap();
        let a1 = gate.admit(a, false).unwrap();
        let _a2 = gate.admit(a, false).unwrap();
        assert_eq!(gate.admit(a, false).unwrap_err(), Refusal::ClientFull);
        let _b1 = gate.admit(b, false).unwrap();
        assert_eq!(gate.admit(b, false).unwrap_err(), Refusal::Full);
        assert_eq!(gate.open(), 3);
        drop(a1);
        assert_eq!(gate.open(), 2);
        let _a3 = gate.admit(a, false).unwrap();
        // IPv6 clients are counted by their /64.
        let gate = Arc::new(ConnectionGate::with_caps(10, 1));
        let _x = gate.admit("2001:db8::1".parse().unwrap(), false).unwrap();
        assert!(gate.admit("2001:db8::2".parse().unwrap(), false).is_err());
        assert!(gate
            .admit("2001:db8:0:1::1".parse().unwrap(), false)
            .is_ok());
        // A trusted proxy carries many clients: only the total cap holds it.
        let proxy: IpAddr = "10.0.0.1".parse().unwrap();
        let _p1 = gate.admit(proxy, true).unwrap();
        let _p2 = gate.admit(proxy, true).unwrap();
        let _p3 = gate.admit(proxy, true).unwrap();
        let _untrusted = gate.admit(proxy, false).unwrap();
        assert_eq!(gate.admit(proxy, false).unwrap_err(), Refusal::ClientFull);
    }

    #[test]
    fn busy_answer_is_a_whole_response() {
        let text = String::from_utf8(busy_answer(Refusal::Full, "rid")).unwrap();
        assert!(
            text.starts_with("HTTP/1.1 503 Service Unavailable\r\n"),
            "{text}"
        );
        let (head, body) = text.split_once("\r\n\r\n").unwrap();
        assert!(head.contains(&format!("content-length: {}", body.len())));
        let json: serde_json::Value = serde_json::from_str(body).unwrap();
        assert_eq!(json["code"], "RelayBusy");
        assert_eq!(json["request_id"], "rid");
    }
}
