//! Limits that keep one client from exhausting the relay or the key's quota: a per-client
//! token bucket, a capped JSON body reader and a capped streaming upload body.

use crate::config::RateLimit;
use crate::error::RelayError;
use axum::body::Body;
use bytes::{Bytes, BytesMut};
use futures_util::{Stream, StreamExt};
use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;

/// Past this many tracked clients, idle buckets are dropped.
const PRUNE_AT: usize = 10_000;
/// Hard ceiling on tracked clients; beyond it the table is reset rather than grow unbounded.
const MAX_CLIENTS: usize = 100_000;

struct Bucket {
    tokens: f64,
    last: Instant,
}

/// Per-client token buckets. IPv6 clients are keyed by their /64, since one host usually
/// owns a whole /64 and could otherwise rotate addresses to escape the limit.
pub struct RateLimiter {
    limit: RateLimit,
    buckets: Mutex<HashMap<IpAddr, Bucket>>,
}

impl RateLimiter {
    /// A limiter; a zero rate lets everything through.
    pub fn new(limit: RateLimit) -> Self {
        RateLimiter {
            limit,
            buckets: Mutex::new(HashMap::new()),
        }
    }

    /// Takes one token for `ip`, or says after how many whole seconds one will be there.
    pub fn check(&self, ip: IpAddr, now: Instant) -> Result<(), u64> {
        if self.limit.per_second <= 0.0 {
            return Ok(());
        }
        let key = client_key(ip);
        let mut buckets = self.buckets.lock().unwrap_or_else(|e| e.into_inner());
        if buckets.len() >= PRUNE_AT && !buckets.contains_key(&key) {
            let (rate, burst) = (self.limit.per_second, self.limit.burst);
            buckets
                .retain(|_, b| b.tokens + now.duration_since(b.last).as_secs_f64() * rate < burst);
            if buckets.len() >= MAX_CLIENTS {
                buckets.clear();
            }
        }
        let bucket = buckets.entry(key).or_insert(Bucket {
            tokens: self.limit.burst,
            last: now,
        });
        let elapsed = now.saturating_duration_since(bucket.last).as_secs_f64();
        bucket.tokens = (bucket.tokens + elapsed * self.limit.per_second).min(self.limit.burst);
        bucket.last = now;
        if bucket.tokens >= 1.0 {
            bucket.tokens -= 1.0;
            Ok(())
        } else {
            let wait = (1.0 - bucket.tokens) / self.limit.per_second;
            Err(wait.ceil().max(1.0) as u64)
        }
    }
}

fn client_key(ip: IpAddr) -> IpAddr {
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
    let mut stream = body.into_data_stream();
    let mut buf = BytesMut::new();
    while let Some(chunk) = stream.next().await {
        let chunk =
            chunk.map_err(|_| RelayError::BadRequest("could not read the request body".into()))?;
        if buf.len() + chunk.len() > max {
            return Err(RelayError::TooLarge(max as u64));
        }
        buf.extend_from_slice(&chunk);
    }
    Ok(buf.freeze())
}

/// Passes a body through chunk by chunk, failing the stream (and setting `tripped`) once more
/// than `max` bytes have gone by. Nothing is buffered beyond the chunk in flight.
pub fn capped_stream(
    body: Body,
    max: u64,
    tripped: Arc<AtomicBool>,
) -> impl Stream<Item = Result<Bytes, std::io::Error>> + Send + 'static {
    let mut seen: u64 = 0;
    body.into_data_stream().map(move |chunk| {
        let chunk = chunk.map_err(std::io::Error::other)?;
        seen += chunk.len() as u64;
        if seen > max {
            tripped.store(true, Ordering::SeqCst);
            return Err(std::io::Error::other(
                "upload larger than the relay's limit",
            ));
        }
        Ok(chunk)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn bucket_refills_and_says_when() {
        let limiter = RateLimiter::new(RateLimit {
            per_second: 1.0,
            burst: 2.0,
        });
        let ip: IpAddr = "192.0.2.1".parse().unwrap();
        let t0 = Instant::now();
        assert!(limiter.check(ip, t0).is_ok());
        assert!(limiter.check(ip, t0).is_ok());
        assert_eq!(limiter.check(ip, t0), Err(1));
        // Another client has its own bucket.
        assert!(limiter.check("192.0.2.2".parse().unwrap(), t0).is_ok());
        assert!(limiter.check(ip, t0 + Duration::from_millis(1100)).is_ok());
    }

    #[test]
    fn ipv6_clients_share_their_64() {
        let limiter = RateLimiter::new(RateLimit {
            per_second: 0.1,
            burst: 1.0,
        });
        let t0 = Instant::now();
        assert!(limiter.check("2001:db8::1".parse().unwrap(), t0).is_ok());
        assert_eq!(limiter.check("2001:db8::2".parse().unwrap(), t0), Err(10));
        assert!(limiter
            .check("2001:db8:0:1::1".parse().unwrap(), t0)
            .is_ok());
    }

    #[test]
    fn zero_rate_is_unlimited() {
        let limiter = RateLimiter::new(RateLimit {
            per_second: 0.0,
            burst: 1.0,
        });
        let ip: IpAddr = "192.0.2.1".parse().unwrap();
        let t0 = Instant::now();
        for _ in 0..100 {
            assert!(limiter.check(ip, t0).is_ok());
        }
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
        let s = capped_stream(Body::from(vec![0u8; 10]), 9, tripped.clone());
        let items: Vec<_> = s.collect().await;
        assert!(items.iter().any(|r| r.is_err()));
        assert!(tripped.load(Ordering::SeqCst));
    }
}
