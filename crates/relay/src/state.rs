//! What every request shares: the checked configuration and the parts built from it once at
//! start. Its own module so that the handler ([`crate::server`]) and the forwarded calls
//! ([`crate::proxy`]) both depend on it, not on each other.

use crate::config::Config;
use crate::connections::ConnectionGate;
use crate::limits::RateLimiter;
use crate::static_files::StaticFiles;
use crate::upload::UploadIds;
use axum::http::HeaderValue;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

/// Everything a request needs, shared by all of them.
pub struct AppState {
    /// The checked configuration (with the simulator added, if any).
    pub config: Config,
    /// Allowed origins.
    pub origins: Vec<String>,
    /// The address actually bound.
    pub bound: SocketAddr,
    /// The upstream client.
    pub client: crate::upstream::Client,
    /// Per-client rate limit.
    pub limiter: RateLimiter,
    /// Issues and checks the signed upload ids.
    pub uploads: UploadIds,
    /// The web UI, if served.
    pub files: Option<StaticFiles>,
    /// Request ids.
    pub request_ids: RequestIds,
    /// Open client connections against their caps.
    pub connections: Arc<ConnectionGate>,
}

impl AppState {
    /// The index of the upstream called `name`.
    pub fn upstream_index(&self, name: &str) -> Option<usize> {
        self.config.upstreams.iter().position(|u| u.name == name)
    }
}

/// Request ids in the shape of a v4 UUID, unique within the process (a counter underneath),
/// different across restarts (a random prefix and key from the OS, drawn once) and not
/// revealing how many requests came before (the counter is scrambled). Unlike a fresh random
/// UUID they cost no system call per request. They label log lines; they are not secrets.
pub struct RequestIds {
    prefix: u64,
    key: u64,
    next: AtomicU64,
}

impl Default for RequestIds {
    fn default() -> Self {
        let (prefix, key) = uuid::Uuid::new_v4().as_u64_pair();
        RequestIds {
            prefix,
            key,
            next: AtomicU64::new(0),
        }
    }
}

impl RequestIds {
    /// The next id, as a header value (its text is lower-case hex and dashes).
    pub fn next_id(&self) -> HeaderValue {
        const LOW62: u64 = (1 << 62) - 1;
        let n = self.next.fetch_add(1, Ordering::Relaxed);
        // A bijection on 62 bits (xor, odd multiplications, xor-shifts), so distinct counters
        // give distinct ids.
        let mut x = (n ^ self.key) & LOW62;
        x = x.wrapping_mul(0x9e37_79b9_7f4a_7c15) & LOW62;
        x ^= x >> 29;
        x = x.wrapping_mul(0xbf58_476d_1ce4_e5b9) & LOW62;
        x ^= x >> 32;
        // Version 4 in the prefix, the RFC 4122 variant in the scrambled half.
        let high = (self.prefix & !0xf000) | 0x4000;
        let low = (1 << 63) | x;
        let mut text = [0u8; uuid::fmt::Hyphenated::LENGTH];
        let text = uuid::Uuid::from_u64_pair(high, low)
            .hyphenated()
            .encode_lower(&mut text);
        HeaderValue::from_str(text).unwrap_or_else(|_| HeaderValue::from_static("-"))
    }
}
