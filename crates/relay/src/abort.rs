//! Client connections whose answer broke off are reset, never closed cleanly.
//!
//! When an upstream answer stops mid-body (the upstream stalls until the total timeout, or its
//! connection fails), the relay has already sent a `200` head. Closing the connection cleanly
//! then sends a FIN, which for a body delimited by the connection's end (an HTTP/1.0 client,
//! an answer of unknown length) reads as a complete, truncated answer. A reset (`SO_LINGER`
//! zero, then close) cannot be mistaken for the end of a body by any client.

use std::io;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;

/// A client socket that is reset instead of closed if [`Abort::now`] was called before it is
/// dropped.
pub struct Abortable {
    stream: TcpStream,
    abort: Arc<AtomicBool>,
}

/// The switch of one [`Abortable`] socket.
#[derive(Clone)]
pub struct Abort(Arc<AtomicBool>);

impl Abortable {
    /// Wraps `stream`; the returned switch makes its close a reset.
    pub fn new(stream: TcpStream) -> (Abortable, Abort) {
        let abort = Arc::new(AtomicBool::new(false));
        (
            Abortable {
                stream,
                abort: abort.clone(),
            },
            Abort(abort),
        )
    }
}

impl Abort {
    /// Marks the connection for a reset when it is closed.
    pub fn now(&self) {
        self.0.store(true, Ordering::Release);
    }

    /// Marks the connection for a reset if `error` (what hyper's connection ended with) is
    /// the relay's own answer failing mid-way: its body returned an error. Errors of the
    /// client's making (a bad or too large head, a timeout) are not: hyper may still have an
    /// error answer (400, 431) on its way out, which a reset would discard.
    pub fn if_answer_broke(&self, error: &hyper::Error) {
        if error.is_user() {
            self.now();
        }
    }
}

impl Drop for Abortable {
    fn drop(&mut self) {
        if self.abort.load(Ordering::Acquire) {
            // Zero linger: close() discards what is unsent and sends RST, without blocking.
            let _ = self.stream.set_zero_linger();
        }
    }
}

impl AsyncRead for Abortable {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().stream).poll_read(cx, buf)
    }
}

impl AsyncWrite for Abortable {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().stream).poll_write(cx, buf)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().stream).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().stream).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().stream).poll_shutdown(cx)
    }
}
