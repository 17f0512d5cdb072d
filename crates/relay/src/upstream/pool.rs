//! Idle keep-alive connections to one configured upstream, per worker thread.
//!
//! Why a pool of our own on top of hyper's connection type instead of hyper-util's pooled
//! client: on the task-query route the pooled client cost 58,168 instructions per request
//! against 44,652 with this pool (callgrind bench, `crates/relay/bench/callgrind.sh`), and the
//! CPU goal of issue 14 is measured there. Uploads, which go to hosts named at run time, use a
//! fresh connection of the same stack each ([`super::Client::upload`]).

use hyper::client::conn::http1::SendRequest;
use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Idle pooled connections are not reused after this long (servers close theirs after a
/// minute or two; a connection they closed is noticed and skipped anyway).
const IDLE_TIMEOUT: Duration = Duration::from_secs(90);
/// Most idle connections kept per upstream; more are closed when their call ends.
const MAX_IDLE: usize = 256;

/// The body type of every upstream request.
pub(super) type Sender = SendRequest<axum::body::Body>;

/// Idle keep-alive connections to one upstream, most recently used last.
#[derive(Default)]
pub(super) struct Pool {
    idle: Mutex<VecDeque<Idle>>,
}

struct Idle {
    sender: Sender,
    since: Instant,
}

impl Pool {
    /// The most recently used live idle connection, if any.
    pub(super) fn checkout(&self) -> Option<Sender> {
        let now = Instant::now();
        let mut idle = self.idle.lock().unwrap_or_else(|e| e.into_inner());
        while let Some(conn) = idle.pop_back() {
            if !conn.sender.is_closed() && now.duration_since(conn.since) < IDLE_TIMEOUT {
                return Some(conn.sender);
            }
        }
        None
    }

    /// Keeps a connection whose last answer was read to the end; drops stale ones.
    fn checkin(&self, sender: Sender) {
        if sender.is_closed() {
            return;
        }
        let now = Instant::now();
        let mut idle = self.idle.lock().unwrap_or_else(|e| e.into_inner());
        while idle
            .front()
            .is_some_and(|c| c.sender.is_closed() || now.duration_since(c.since) >= IDLE_TIMEOUT)
        {
            idle.pop_front();
        }
        if idle.len() < MAX_IDLE {
            idle.push_back(Idle { sender, since: now });
        }
    }
}

/// A connection on its way back to its pool once the answer's body has been read.
pub(super) struct CheckIn {
    pub(super) sender: Sender,
    pub(super) pool: Arc<Pool>,
}

impl CheckIn {
    /// Hands the connection back.
    pub(super) fn done(self) {
        self.pool.checkin(self.sender);
    }
}
