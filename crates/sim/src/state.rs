//! State shared by all handlers and the control handle.

use std::sync::{Arc, Mutex, MutexGuard};
use std::time::SystemTime;

use axum::http::HeaderMap;

use crate::clock::Clock;
use crate::config::{ModelProfile, SimConfig};
use crate::error::SimError;
use crate::faults::FaultQueue;
use crate::models::Family;
use crate::ratelimit::RateLimiter;
use crate::reqlog::RequestLog;
use crate::tasks::TaskStore;
use crate::upload::Uploads;

/// Everything mutable, behind one lock: requests are short and never hold it across an await.
#[derive(Debug)]
pub struct Inner {
    /// Tasks and scheduler.
    pub tasks: TaskStore,
    /// Policies and objects.
    pub uploads: Uploads,
    /// Per-second windows.
    pub limiter: RateLimiter,
    /// Injected faults.
    pub faults: FaultQueue,
    /// Received requests.
    pub log: RequestLog,
}

/// Configuration, clock and the locked state.
#[derive(Debug)]
pub struct Shared {
    /// The configuration the instance started with.
    pub config: SimConfig,
    /// Virtual time.
    pub clock: Clock,
    /// Base of `video_url` and `upload_host`.
    pub public_base: String,
    /// Base of result links (`video_url`): [`SimConfig::result_base_url`] or the public base;
    /// changeable while running ([`crate::SimControl::set_result_base_url`]), for a relay that
    /// learns its own address after the simulator started.
    pub result_base: std::sync::RwLock<String>,
    inner: Mutex<Inner>,
}

/// Cheaply cloneable pointer to the shared state.
pub type State = Arc<Shared>;

impl Shared {
    /// Fresh state for `config`, publishing URLs under `public_base`.
    pub fn new(config: SimConfig, public_base: String, result_base: String) -> Self {
        let clock = Clock::new(
            config.start_time.unwrap_or_else(SystemTime::now),
            config.time_scale,
        );
        let inner = Mutex::new(Inner {
            tasks: TaskStore::default(),
            uploads: Uploads::default(),
            limiter: RateLimiter::default(),
            faults: FaultQueue::default(),
            log: RequestLog::new(config.request_log_capacity),
        });
        Self {
            config,
            clock,
            public_base,
            result_base: std::sync::RwLock::new(result_base),
            inner,
        }
    }

    /// The state without replaying task events.
    pub fn lock(&self) -> MutexGuard<'_, Inner> {
        // Handlers do not leave the state half-updated when they panic (each mutation is a
        // single insert or field write), so a poisoned lock is safe to keep using.
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The state with every task event up to now replayed, and that now.
    pub fn lock_at_now(&self) -> (MutexGuard<'_, Inner>, u64) {
        let mut guard = self.lock();
        // Read the clock under the lock so concurrent requests see a monotonic order.
        let now = self.clock.now_ms();
        guard.tasks.advance(now, |f| self.profile(f).concurrent);
        (guard, now)
    }

    /// The profile of a model family.
    pub fn profile(&self, family: Family) -> &ModelProfile {
        match family {
            Family::Vace => &self.config.vace,
            Family::Wan27 => &self.config.wan27,
            Family::Generic(_) => &self.config.generic,
        }
    }

    /// Index of the configured key in a `Bearer` authorization header, if it is one.
    pub fn key_index(&self, headers: &HeaderMap) -> Option<usize> {
        let value = headers.get("authorization")?.to_str().ok()?;
        let (scheme, key) = value.trim().split_once(' ')?;
        if !scheme.eq_ignore_ascii_case("bearer") {
            return None;
        }
        let key = key.trim();
        self.config.keys.iter().position(|k| k == key)
    }

    /// Checks the API key: 401 `InvalidApiKey` if missing or unknown.
    pub fn authorize(&self, headers: &HeaderMap) -> Result<usize, SimError> {
        let present = headers
            .get("authorization")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| !v.trim().is_empty());
        self.key_index(headers)
            .ok_or_else(|| SimError::invalid_key(!present))
    }
}
