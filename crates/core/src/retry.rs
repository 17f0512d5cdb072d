//! When to try a failed call again, as a pure function. Randomness (jitter) comes from an
//! injected [`Jitter`] source, so the same inputs always give the same answer in tests.
//!
//! Submitting is billed and not idempotent: a submit is retried only on a 429 that waiting
//! can cure (never on a 5xx, a timeout or a dropped connection: the task may exist already).
//! Reads (query, list, cancel, upload policy) are retried on 429, 5xx, 408 and network errors.

use crate::task::ErrorKind;
use core::time::Duration;

/// The longest `Retry-After` honoured; longer values are cut to this.
pub const MAX_RETRY_AFTER: Duration = Duration::from_secs(60);

/// A source of jitter: numbers uniformly in `[0, 1)`.
pub trait Jitter {
    /// The next number in `[0, 1)`.
    fn next_unit(&mut self) -> f64;
}

/// A small deterministic generator (SplitMix64) for tests, benchmarks and seeded clients.
#[derive(Debug, Clone)]
pub struct SplitMix64(pub u64);

impl SplitMix64 {
    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
}

impl Jitter for SplitMix64 {
    fn next_unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// A jitter source that always returns the same value (tests).
impl Jitter for f64 {
    fn next_unit(&mut self) -> f64 {
        self.clamp(0.0, 0.999_999)
    }
}

/// Which kind of call failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Call {
    /// Create a task (billed; not idempotent).
    Submit,
    /// Query, list, cancel or upload policy (safe to repeat).
    Read,
}

/// How a call failed.
#[derive(Debug, Clone, PartialEq)]
pub enum Failure {
    /// No HTTP answer: refused, dropped, timed out.
    Network,
    /// An HTTP error answer.
    Http {
        /// Status code.
        status: u16,
        /// DashScope's `code`, when the body had one.
        code: String,
        /// The `Retry-After` header, parsed with [`parse_retry_after`].
        retry_after: Option<Duration>,
    },
}

impl Failure {
    /// The error kind of this failure.
    pub fn kind(&self) -> ErrorKind {
        match self {
            Failure::Network => ErrorKind::Network,
            Failure::Http { status, code, .. } => ErrorKind::classify(*status, code),
        }
    }
}

/// Backoff settings.
#[derive(Debug, Clone, PartialEq)]
pub struct RetryPolicy {
    /// Attempts in all, the first included (`u32::MAX`: never give up, as a wait does).
    pub max_attempts: u32,
    /// The first backoff step.
    pub base_delay: Duration,
    /// The longest backoff step.
    pub max_delay: Duration,
}

impl Default for RetryPolicy {
    /// 5 attempts, 1 s doubling to at most 30 s.
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 5,
            base_delay: Duration::from_secs(1),
            max_delay: Duration::from_secs(30),
        }
    }
}

impl RetryPolicy {
    /// The same backoff, never giving up (a wait retries transient failures until its own
    /// timeout or abort).
    pub fn unbounded(mut self) -> Self {
        self.max_attempts = u32::MAX;
        self
    }

    /// Whether a call may be retried after this failure, regardless of attempts.
    pub fn is_retryable(call: Call, failure: &Failure) -> bool {
        let kind = failure.kind();
        match call {
            Call::Submit => kind == ErrorKind::RateLimited,
            Call::Read => kind.is_retryable(),
        }
    }

    /// How long to wait before attempt `attempts + 1`, or `None` to give up. `attempts` is the
    /// number of attempts made so far (≥ 1). A `Retry-After` is honoured as given (0–60 s);
    /// otherwise the delay is exponential with "equal jitter": half fixed, half random, so
    /// many clients do not retry in lockstep.
    pub fn next_delay(
        &self,
        call: Call,
        failure: &Failure,
        attempts: u32,
        jitter: &mut dyn Jitter,
    ) -> Option<Duration> {
        if attempts >= self.max_attempts || !Self::is_retryable(call, failure) {
            return None;
        }
        if let Failure::Http {
            retry_after: Some(after),
            ..
        } = failure
        {
            return Some((*after).min(MAX_RETRY_AFTER));
        }
        Some(self.backoff(attempts, jitter))
    }

    /// The backoff after `attempts` attempts: `min(max, base × 2^(attempts-1))`, jittered.
    pub fn backoff(&self, attempts: u32, jitter: &mut dyn Jitter) -> Duration {
        let exp = attempts.saturating_sub(1).min(20);
        let cap = self.base_delay.saturating_mul(1 << exp).min(self.max_delay);
        let half = cap / 2;
        // In nanoseconds rather than `Duration::mul_f64`, whose overflow panic (unreachable
        // here) links float formatting into WebAssembly builds.
        let extra = (half.as_nanos() as f64 * jitter.next_unit().clamp(0.0, 1.0)) as u64;
        half.saturating_add(Duration::from_nanos(extra))
    }
}

/// Parses a `Retry-After` header given in seconds (`"3"`, `"1.5"`, `"-4"` reads as 0), cut to
/// 0–60 s, to the nanosecond. HTTP dates are not used by DashScope and give `None` (the
/// normal backoff applies), as does anything but `[+-]digits[.digits]`.
pub fn parse_retry_after(value: &str) -> Option<Duration> {
    // By hand: `str::parse::<f64>` links a float parser of several KB into WebAssembly builds.
    let text = value.trim();
    let (negative, text) = match text.as_bytes().first() {
        Some(b'-') => (true, &text[1..]),
        Some(b'+') => (false, &text[1..]),
        _ => (false, text),
    };
    let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if whole.len() + fraction.len() == 0 || !digits(whole) || !digits(fraction) {
        return None;
    }
    if negative {
        return Some(Duration::ZERO);
    }
    let max = MAX_RETRY_AFTER.as_secs();
    let mut secs = 0u64;
    for b in whole.bytes() {
        secs = secs * 10 + u64::from(b - b'0');
        if secs >= max {
            return Some(MAX_RETRY_AFTER);
        }
    }
    let mut nanos = 0u32;
    let mut scale = 100_000_000u32;
    for b in fraction.bytes().take(9) {
        nanos += u32::from(b - b'0') * scale;
        scale /= 10;
    }
    Some(Duration::from_nanos(
        secs * 1_000_000_000 + u64::from(nanos),
    ))
}
