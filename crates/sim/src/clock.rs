//! The virtual clock every simulated deadline runs on.
//!
//! Virtual time = start + real elapsed × scale + manual advances. A scale of `0.0` freezes the
//! clock so tests move it only by [`Clock::advance`], which keeps them deterministic.

use std::sync::Mutex;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// A scalable, manually advanceable clock reading epoch milliseconds.
#[derive(Debug)]
pub struct Clock {
    inner: Mutex<Anchor>,
}

/// The last point where the scale changed or time was advanced; time flows linearly from it.
#[derive(Debug, Clone, Copy)]
struct Anchor {
    real: Instant,
    virtual_ms: f64,
    scale: f64,
}

impl Anchor {
    fn now_ms(&self) -> f64 {
        self.virtual_ms + self.real.elapsed().as_secs_f64() * 1000.0 * self.scale
    }
}

/// Clamps a scale to something time can run at (finite, not negative).
fn sane_scale(scale: f64) -> f64 {
    if scale.is_finite() && scale > 0.0 {
        scale
    } else {
        0.0
    }
}

impl Clock {
    /// A clock that reads `start` now and runs `scale` times faster than real time.
    pub fn new(start: SystemTime, scale: f64) -> Self {
        let start_ms = start
            .duration_since(UNIX_EPOCH)
            .unwrap_or(Duration::ZERO)
            .as_millis() as f64;
        Self {
            inner: Mutex::new(Anchor {
                real: Instant::now(),
                virtual_ms: start_ms,
                scale: sane_scale(scale),
            }),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Anchor> {
        // A panic while holding this lock cannot leave the anchor half-written, so a poisoned
        // lock is still safe to use.
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Virtual now in epoch milliseconds.
    pub fn now_ms(&self) -> u64 {
        self.lock().now_ms().max(0.0) as u64
    }

    /// Moves virtual time forward by `by`.
    pub fn advance(&self, by: Duration) {
        let mut a = self.lock();
        let now = a.now_ms();
        *a = Anchor {
            real: Instant::now(),
            virtual_ms: now + by.as_secs_f64() * 1000.0,
            scale: a.scale,
        };
    }

    /// Changes the speed from now on; time already elapsed is kept.
    pub fn set_scale(&self, scale: f64) {
        let mut a = self.lock();
        let now = a.now_ms();
        *a = Anchor {
            real: Instant::now(),
            virtual_ms: now,
            scale: sane_scale(scale),
        };
    }

    /// The current speed (virtual seconds per real second).
    pub fn scale(&self) -> f64 {
        self.lock().scale
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frozen_clock_moves_only_by_advance() {
        let start = UNIX_EPOCH + Duration::from_secs(1_000);
        let c = Clock::new(start, 0.0);
        assert_eq!(c.now_ms(), 1_000_000);
        c.advance(Duration::from_millis(1500));
        assert_eq!(c.now_ms(), 1_001_500);
    }

    #[test]
    fn scaled_clock_runs_faster() {
        let c = Clock::new(UNIX_EPOCH, 1000.0);
        std::thread::sleep(Duration::from_millis(20));
        // 20 ms real at 1000x is at least 20 s virtual.
        assert!(c.now_ms() >= 20_000);
        c.set_scale(0.0);
        let frozen = c.now_ms();
        std::thread::sleep(Duration::from_millis(5));
        assert_eq!(c.now_ms(), frozen);
        c.set_scale(f64::NAN);
        assert_eq!(c.scale(), 0.0);
    }
}
