//! Request bodies that arrive too slowly: a JSON body must be whole within `--body-timeout`,
//! and an upload must keep up `--upload-min-rate` (judged over each `--upload-rate-window`),
//! so a client trickling bytes cannot hold a connection for the whole upload timeout.

use crate::connections::ServerLimits;
use crate::error::RelayError;
use axum::body::Body;
use bytes::Bytes;
use futures_util::Stream;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::time::{Instant, Sleep};

/// Runs `read` (reading a request body) for at most `limit`; past it, `408`.
pub async fn within<T>(
    limit: Duration,
    read: impl Future<Output = Result<T, RelayError>>,
) -> Result<T, RelayError> {
    tokio::time::timeout(limit, read)
        .await
        .map_err(|_| RelayError::RequestTimeout("the request body did not arrive in time"))?
}

/// An upload body held to `--upload-min-rate`, and the flag that says the rule tripped (see
/// [`blame`]). With the rule off the body is passed on as it is.
pub fn paced(body: Body, limits: &ServerLimits) -> (Body, Arc<AtomicBool>) {
    let slow = Arc::new(AtomicBool::new(false));
    if limits.upload_min_bytes == 0 {
        return (body, slow);
    }
    let paced = MinRate::new(
        body.into_data_stream(),
        limits.upload_min_bytes,
        limits.upload_rate_window,
        slow.clone(),
    );
    (Body::from_stream(paced), slow)
}

/// The error an upload failed with, or `408` if it failed because the client was too slow.
pub fn blame(slow: &AtomicBool, error: RelayError) -> RelayError {
    if slow.load(Ordering::SeqCst) {
        RelayError::RequestTimeout("the upload arrived too slowly (--upload-min-rate)")
    } else {
        error
    }
}

/// A body stream that fails (and sets its flag) when, in some window of `window` spent
/// waiting for the client, fewer than `min_bytes` arrived. Time the stream is not polled (the
/// upload host is not taking bytes) is not counted against the client.
pub struct MinRate<S> {
    inner: S,
    min_bytes: u64,
    window: Duration,
    /// Bytes in the current window.
    seen: u64,
    /// Time spent waiting for the client in the current window, up to the last poll.
    waited: Duration,
    /// When the current wait for the client began, if waiting.
    waiting_since: Option<Instant>,
    timer: Pin<Box<Sleep>>,
    slow: Arc<AtomicBool>,
    /// Set once the stream has failed: it then ends.
    done: bool,
}

impl<S> MinRate<S> {
    /// Wraps `inner`; `slow` is set when the rule trips.
    pub fn new(inner: S, min_bytes: u64, window: Duration, slow: Arc<AtomicBool>) -> Self {
        MinRate {
            inner,
            min_bytes,
            window,
            seen: 0,
            waited: Duration::ZERO,
            waiting_since: None,
            timer: Box::pin(tokio::time::sleep(window)),
            slow,
            done: false,
        }
    }

    /// Closes the window if its waiting time is used up: `false` if too few bytes came.
    fn window_ok(&mut self) -> bool {
        if self.waited < self.window {
            return true;
        }
        if self.seen < self.min_bytes {
            self.slow.store(true, Ordering::SeqCst);
            return false;
        }
        self.seen = 0;
        self.waited = Duration::ZERO;
        true
    }
}

impl<S, E> Stream for MinRate<S>
where
    S: Stream<Item = Result<Bytes, E>> + Unpin,
    E: Into<Box<dyn std::error::Error + Send + Sync>>,
{
    type Item = Result<Bytes, std::io::Error>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        if this.done {
            return Poll::Ready(None);
        }
        let now = Instant::now();
        if let Some(since) = this.waiting_since.take() {
            this.waited += now.saturating_duration_since(since);
        }
        let too_slow = |this: &mut Self| {
            this.done = true;
            Poll::Ready(Some(Err(std::io::Error::new(
                std::io::ErrorKind::TimedOut,
                "the upload arrives too slowly",
            ))))
        };
        match Pin::new(&mut this.inner).poll_next(cx) {
            Poll::Ready(Some(Ok(chunk))) => {
                this.seen += chunk.len() as u64;
                if !this.window_ok() {
                    return too_slow(this);
                }
                Poll::Ready(Some(Ok(chunk)))
            }
            Poll::Ready(Some(Err(e))) => Poll::Ready(Some(Err(std::io::Error::other(e.into())))),
            Poll::Ready(None) => Poll::Ready(None),
            Poll::Pending => {
                if !this.window_ok() {
                    return too_slow(this);
                }
                // Wake when this window's waiting time runs out.
                this.waiting_since = Some(now);
                this.timer.as_mut().reset(now + (this.window - this.waited));
                match this.timer.as_mut().poll(cx) {
                    // Only if no time is left at all: judge on the next poll.
                    Poll::Ready(()) => cx.waker().wake_by_ref(),
                    Poll::Pending => {}
                }
                Poll::Pending
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures_util::StreamExt;

    type Chunk = Result<Bytes, std::io::Error>;

    /// Chunks of `size` bytes, one after each pause.
    fn trickle(pauses: Vec<Duration>, size: usize) -> impl Stream<Item = Chunk> + Unpin {
        Box::pin(
            futures_util::stream::iter(pauses).then(move |pause| async move {
                tokio::time::sleep(pause).await;
                Ok(Bytes::from(vec![0u8; size]))
            }),
        )
    }

    #[tokio::test(start_paused = true)]
    async fn a_steady_upload_passes() {
        let slow = Arc::new(AtomicBool::new(false));
        let body = trickle(vec![Duration::from_millis(500); 20], 1000);
        let s = MinRate::new(body, 1500, Duration::from_secs(1), slow.clone());
        let items: Vec<_> = s.collect().await;
        assert_eq!(items.len(), 20);
        assert!(items.iter().all(Result::is_ok));
        assert!(!slow.load(Ordering::SeqCst));
    }

    #[tokio::test(start_paused = true)]
    async fn a_trickle_is_cut() {
        let slow = Arc::new(AtomicBool::new(false));
        let body = trickle(vec![Duration::from_millis(900); 20], 100);
        let s = MinRate::new(body, 1000, Duration::from_secs(2), slow.clone());
        let items: Vec<_> = s.collect().await;
        assert_eq!(items.len(), 3, "two chunks, then the error, then the end");
        assert!(items[..2].iter().all(Result::is_ok));
        assert!(items[2].is_err());
        assert!(slow.load(Ordering::SeqCst));
    }

    #[tokio::test(start_paused = true)]
    async fn a_stalled_client_is_cut_without_sending() {
        let slow = Arc::new(AtomicBool::new(false));
        let body = trickle(vec![Duration::ZERO, Duration::from_secs(3600)], 10);
        let mut s = MinRate::new(body, 1000, Duration::from_secs(2), slow.clone());
        let started = Instant::now();
        assert!(s.next().await.unwrap().is_ok());
        assert!(s.next().await.unwrap().is_err());
        let took = started.elapsed();
        assert!(
            took >= Duration::from_secs(2) && took < Duration::from_secs(3),
            "{took:?}"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn time_not_polled_is_not_the_clients() {
        let slow = Arc::new(AtomicBool::new(false));
        let body = trickle(vec![Duration::ZERO; 4], 10);
        let mut s = MinRate::new(body, 1000, Duration::from_secs(1), slow.clone());
        for _ in 0..4 {
            // The consumer (the upload host) takes its time; the client was never waited on.
            tokio::time::sleep(Duration::from_secs(5)).await;
            assert!(s.next().await.unwrap().is_ok());
        }
        assert!(s.next().await.is_none());
    }

    #[tokio::test(start_paused = true)]
    async fn a_slow_json_body_is_a_408() {
        let never = std::future::pending::<Result<(), RelayError>>();
        let err = within(Duration::from_secs(1), never).await.unwrap_err();
        assert_eq!(err.status_code().0.as_u16(), 408);
    }
}
