//! Limits that keep one client from exhausting the relay or the key's quota: a per-client
//! rate limit (governor's GCRA, one bucket per client IP), a capped JSON body reader and a
//! capped streaming upload body (both http-body-util's `Limited`).
//!
//! The buckets live in this process: behind a load balancer, each replica limits on its own,
//! so N replicas let a client through at up to N times the configured rate.

use crate::config::RateLimit;
use crate::error::RelayError;
use axum::body::Body;
use bytes::Bytes;
use governor::clock::{Clock, DefaultClock};
use governor::middleware::NoOpMiddleware;
use governor::state::keyed::DefaultKeyedStateStore;
use governor::Quota;
use http_body_util::{BodyExt, LengthLimitError, Limited};
use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, RwLock};

/// Every this many checks, buckets that are full again (indistinguishable from new) are
/// dropped, so memory follows the clients active within one refill time, not all ever seen.
const PRUNE_EVERY: u64 = 4096;
/// Hard ceiling on tracked clients; beyond it the table is reset rather than grow unbounded.
const MAX_CLIENTS: usize = 100_000;

type Buckets<C> = governor::RateLimiter<
    IpAddr,
    DefaultKeyedStateStore<IpAddr>,
    C,
    NoOpMiddleware<<C as Clock>::Instant>,
>;

/// Per-client rate limit: `--rate-limit` requests per minute with bursts of `--rate-burst`.
/// IPv6 clients are keyed by their /64, since one host usually owns a whole /64 and could
/// otherwise rotate addresses to escape the limit.
pub struct RateLimiter<C: Clock + Clone = DefaultClock> {
    quota: Option<Quota>,
    clock: C,
    buckets: RwLock<Buckets<C>>,
    checks: AtomicU64,
}

impl RateLimiter {
    /// A limiter on the real clock; a zero rate lets everything through.
    pub fn new(limit: RateLimit) -> Self {
        Self::with_clock(limit, DefaultClock::default())
    }
}

impl<C: Clock + Clone> RateLimiter<C> {
    /// A limiter on `clock` (tests use a fake one).
    pub fn with_clock(limit: RateLimit, clock: C) -> Self {
        let per_minute = (limit.per_second * 60.0).round();
        let quota = NonZeroU32::new(per_minute.clamp(0.0, f64::from(u32::MAX)) as u32).map(|n| {
            let burst = NonZeroU32::new(limit.burst.round() as u32).unwrap_or(NonZeroU32::MIN);
            Quota::per_minute(n).allow_burst(burst)
        });
        let placeholder = Quota::per_second(NonZeroU32::MIN);
        let buckets = RwLock::new(Self::fresh(quota.unwrap_or(placeholder), &clock));
        RateLimiter {
            quota,
            clock,
            buckets,
            checks: AtomicU64::new(0),
        }
    }

    fn fresh(quota: Quota, clock: &C) -> Buckets<C> {
        governor::RateLimiter::new(quota, DefaultKeyedStateStore::default(), clock.clone())
    }

    /// Takes one request's worth for `ip`, or says after how many whole seconds (at least 1)
    /// the client may try again.
    pub fn check(&self, ip: IpAddr) -> Result<(), u64> {
        let Some(quota) = self.quota else {
            return Ok(());
        };
        if self.checks.fetch_add(1, Ordering::Relaxed) % PRUNE_EVERY == PRUNE_EVERY - 1 {
            self.prune(quota);
        }
        let buckets = self.buckets.read().unwrap_or_else(|e| e.into_inner());
        buckets.check_key(&client_key(ip)).map_err(|not_until| {
            let wait = not_until.wait_time_from(self.clock.now());
            wait.as_secs_f64().ceil().max(1.0) as u64
        })
    }

    fn prune(&self, quota: Quota) {
        let buckets = self.buckets.read().unwrap_or_else(|e| e.into_inner());
        buckets.retain_recent();
        buckets.shrink_to_fit();
        if buckets.len() > MAX_CLIENTS {
            drop(buckets);
            *self.buckets.write().unwrap_or_else(|e| e.into_inner()) =
                Self::fresh(quota, &self.clock);
        }
    }

    /// Clients with a bucket now (for tests and metrics).
    pub fn tracked(&self) -> usize {
        self.buckets.read().unwrap_or_else(|e| e.into_inner()).len()
    }
}

/// The key a client is counted under: its IPv4 address, or its IPv6 /64 (also used by
/// [`crate::connections`]).
pub(crate) fn client_key(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V4(_) => ip,
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => {
                let s = v6.segments();
                IpAddr::V6(std::net::Ipv6Addr::new(s[0], s[1], s[2], s[3], 0, 0, 0, 0))
            }
        },
    }
}

/// Reads a whole (small) body, refusing more than `max` bytes without reading further.
pub async fn read_capped(
    body: Body,
    declared: Option<u64>,
    max: usize,
) -> Result<Bytes, RelayError> {
    if declared.is_some_and(|len| len > max as u64) {
        return Err(RelayError::TooLarge(max as u64));
    }
    match Limited::new(body, max).collect().await {
        Ok(collected) => Ok(collected.to_bytes()),
        Err(e) if e.is::<LengthLimitError>() => Err(RelayError::TooLarge(max as u64)),
        Err(_) => Err(RelayError::BadRequest(
            "could not read the request body".into(),
        )),
    }
}

/// Passes a body through chunk by chunk, failing it (and setting `tripped`) once more than
/// `max` bytes have gone by. Nothing is buffered beyond the chunk in flight.
pub fn capped_body(body: Body, max: u64, tripped: Arc<AtomicBool>) -> Body {
    let limit = usize::try_from(max).unwrap_or(usize::MAX);
    Body::new(Limited::new(body, limit).map_err(move |e| {
        if e.is::<LengthLimitError>() {
            tripped.store(true, Ordering::SeqCst);
        }
        e
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use governor::clock::FakeRelativeClock;
    use std::time::Duration;

    fn limiter(per_minute: f64, burst: f64) -> (RateLimiter<FakeRelativeClock>, FakeRelativeClock) {
        let clock = FakeRelativeClock::default();
        let limit = RateLimit {
            per_second: per_minute / 60.0,
            burst,
        };
        (RateLimiter::with_clock(limit, clock.clone()), clock)
    }

    #[test]
    fn bucket_refills_and_says_when() {
        let (limiter, clock) = limiter(60.0, 2.0);
        let ip: IpAddr = "192.0.2.1".parse().unwrap();
        assert!(limiter.check(ip).is_ok());
        assert!(limiter.check(ip).is_ok());
        assert_eq!(limiter.check(ip), Err(1));
        // Another client has its own bucket.
        assert!(limiter.check("192.0.2.2".parse().unwrap()).is_ok());
        clock.advance(Duration::from_millis(1100));
        assert!(limiter.check(ip).is_ok());
        assert_eq!(limiter.check(ip), Err(1));
    }

    #[test]
    fn ipv6_clients_share_their_64() {
        let (limiter, _) = limiter(6.0, 1.0);
        assert!(limiter.check("2001:db8::1".parse().unwrap()).is_ok());
        assert_eq!(limiter.check("2001:db8::2".parse().unwrap()), Err(10));
        assert!(limiter.check("2001:db8:0:1::1".parse().unwrap()).is_ok());
        // An IPv4-mapped address is its IPv4 client.
        assert!(limiter.check("192.0.2.9".parse().unwrap()).is_ok());
        assert_eq!(limiter.check("::ffff:192.0.2.9".parse().unwrap()), Err(10));
    }

    #[test]
    fn zero_rate_is_unlimited() {
        let (limiter, _) = limiter(0.0, 1.0);
        let ip: IpAddr = "192.0.2.1".parse().unwrap();
        for _ in 0..100 {
            assert!(limiter.check(ip).is_ok());
        }
        assert_eq!(limiter.tracked(), 0);
    }

    #[test]
    fn memory_follows_active_clients_only() {
        let (limiter, clock) = limiter(120.0, 30.0);
        for i in 0..PRUNE_EVERY as u32 - 1 {
            assert!(limiter
                .check(IpAddr::from((0x0a00_0000 + i).to_be_bytes()))
                .is_ok());
        }
        assert_eq!(limiter.tracked(), PRUNE_EVERY as usize - 1);
        // Once their buckets are full again (one request refills in 0.5 s), the next pruning
        // check forgets them all but the client checked now.
        clock.advance(Duration::from_secs(2));
        assert!(limiter.check("192.0.2.1".parse().unwrap()).is_ok());
        assert_eq!(limiter.tracked(), 1);
    }

    #[tokio::test]
    async fn capped_reader_refuses_large_bodies() {
        let ok = read_capped(Body::from("12345"), None, 5).await.unwrap();
        assert_eq!(&ok[..], b"12345");
        assert!(matches!(
            read_capped(Body::from("123456"), None, 5).await,
            Err(RelayError::TooLarge(5))
        ));
        assert!(matches!(
            read_capped(Body::empty(), Some(6), 5).await,
            Err(RelayError::TooLarge(5))
        ));
    }

    #[tokio::test]
    async fn capped_stream_trips() {
        let tripped = Arc::new(AtomicBool::new(false));
        let body = capped_body(Body::from(vec![0u8; 10]), 9, tripped.clone());
        assert!(body.collect().await.is_err());
        assert!(tripped.load(Ordering::SeqCst));
        let fits = Arc::new(AtomicBool::new(false));
        let body = capped_body(Body::from(vec![0u8; 9]), 9, fits.clone());
        assert_eq!(body.collect().await.unwrap().to_bytes().len(), 9);
        assert!(!fits.load(Ordering::SeqCst));
    }
}
