//! Sliding one-second windows for the per-second request limits.
//!
//! Windows run on virtual time so a frozen clock makes throttling deterministic; at a large
//! time scale the limits loosen in real terms, which is what a faster world would see.

use std::collections::{HashMap, VecDeque};

const WINDOW_MS: u64 = 1000;

/// Accepted-request timestamps per bucket (a model name, or a fixed name for account-wide
/// limits).
#[derive(Debug, Default)]
pub struct RateLimiter {
    windows: HashMap<String, VecDeque<u64>>,
}

impl RateLimiter {
    /// Records a request in `bucket` at `now_ms` if fewer than `limit` were accepted in the
    /// last second; returns whether it was accepted. Rejected requests do not count.
    pub fn try_acquire(&mut self, bucket: &str, limit: u32, now_ms: u64) -> bool {
        let w = self.windows.entry(bucket.to_string()).or_default();
        while w.front().is_some_and(|&t| t + WINDOW_MS <= now_ms) {
            w.pop_front();
        }
        if w.len() >= limit as usize {
            return false;
        }
        w.push_back(now_ms);
        true
    }

    /// Forgets all history.
    pub fn clear(&mut self) {
        self.windows.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn window_slides() {
        let mut r = RateLimiter::default();
        assert!(r.try_acquire("m", 2, 0));
        assert!(r.try_acquire("m", 2, 500));
        assert!(!r.try_acquire("m", 2, 999));
        assert!(r.try_acquire("other", 2, 999));
        assert!(r.try_acquire("m", 2, 1000));
        assert!(!r.try_acquire("m", 2, 1499));
        assert!(r.try_acquire("m", 2, 1500));
    }
}
