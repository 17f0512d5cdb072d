//! The upstream side: one HTTP client stack (hyper's HTTP/1.1 connections over rustls; no
//! redirects followed, no proxy from the environment, connect and total timeouts), the header
//! allowlist ([`headers`]), and the answers streamed back ([`answer`]).
//!
//! API calls go to the configured upstreams only, so each has, per worker thread, its own
//! small pool of keep-alive connections ([`pool`], which says why it is not hyper-util's
//! pooled client): a call takes the most recently used idle connection, sends the request in
//! origin form with the upstream's `Host`, and hands the connection back when the answer's body
//! has been read to the end. Uploads go to hosts named at run time (upload policies): each
//! gets a fresh connection of the same kind, closed after its answer. Either way the answer's
//! body goes back to the caller as it arrives, with its length (a JSON answer leaves in one
//! write, not chunked), and nothing on the way re-parses URLs, follows redirects or retries
//! beyond resending a request that never left on a reused connection.

pub mod answer;
pub mod headers;
mod pool;
#[cfg(test)]
mod tests;

pub use answer::{read_small, stream_back, Answer, BodyError};
pub use headers::{api_headers, api_headers_in, create_headers, keep_response_headers};

use crate::config::Config;
use crate::error::RelayError;
use axum::body::Body;
use axum::http::header::{ACCEPT, HOST, USER_AGENT};
use axum::http::{HeaderMap, HeaderValue, Method, Request, Uri};
use hyper::body::Incoming;
use hyper_rustls::{HttpsConnector, HttpsConnectorBuilder};
use hyper_util::client::legacy::connect::HttpConnector;
use pool::{CheckIn, Pool, Sender};
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;
use tower::ServiceExt;

/// The relay's `User-Agent` upstream.
const USER_AGENT_VALUE: &str = concat!("wanedit-relay/", env!("CARGO_PKG_VERSION"));

/// TCP keep-alive probes on upstream connections, so a dead peer is noticed.
const TCP_KEEPALIVE: Duration = Duration::from_secs(15);

type BoxError = Box<dyn std::error::Error + Send + Sync>;
type Connector = ConnectTimeout<HttpsConnector<HttpConnector>>;

/// The client every upstream call goes through: for each worker thread, a pool per
/// configured upstream. A connection is only used by the worker that opened it, so its task
/// and its callers share a thread.
pub struct Client {
    connector: Connector,
    upstreams: Vec<Target>,
}

thread_local! {
    /// This thread's slot in the per-worker pools: 1 + the worker's index, 0 elsewhere.
    static SLOT: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// Marks this thread as worker `slot` (1-based): its calls use that worker's connections.
pub fn enter_worker(slot: usize) {
    SLOT.with(|s| s.set(slot));
}

/// This thread's slot, within `len` slots.
fn slot(len: usize) -> usize {
    SLOT.with(|s| s.get()) % len
}

/// Where a connection goes: what to dial and what to say in `Host`.
struct Origin {
    /// `scheme://host[:port]`, what the connector dials (and the TLS server name).
    connect: Uri,
    /// The `Host` header: the host, with the port unless it is the scheme's default.
    host: HeaderValue,
}

/// A configured upstream as the client sees it.
struct Target {
    origin: Origin,
    /// The base URL's path without a trailing slash (usually empty).
    prefix: String,
    /// One pool per slot (see [`enter_worker`]).
    pools: Box<[Arc<Pool>]>,
}

impl Target {
    /// This thread's pool.
    fn pool(&self) -> &Arc<Pool> {
        &self.pools[slot(self.pools.len())]
    }
}

/// Builds the client every upstream call goes through, with a pool for each of
/// `config.upstreams` (in that order).
pub fn client(config: &Config) -> Result<Client, RelayError> {
    let mut http = HttpConnector::new();
    // https URLs go through the TLS layer below, which needs the inner connector to take them.
    http.enforce_http(false);
    http.set_nodelay(true);
    http.set_keepalive(Some(TCP_KEEPALIVE));
    http.set_connect_timeout(Some(config.connect_timeout));
    // Mozilla's roots bundled (no system OpenSSL, no native roots), ring as the crypto provider,
    // HTTP/1.1 only.
    let https = HttpsConnectorBuilder::new()
        .with_provider_and_webpki_roots(rustls::crypto::ring::default_provider())
        .map_err(|e| RelayError::Config(format!("cannot build the TLS configuration: {e}")))?
        .https_or_http()
        .enable_http1()
        .wrap_connector(http);
    // The connect timeout covers TCP and TLS together.
    let connector = ConnectTimeout {
        inner: https,
        timeout: config.connect_timeout,
    };
    let slots = config.workers + 1;
    let upstreams = config
        .upstreams
        .iter()
        .map(|u| {
            let bad = |why: String| RelayError::Config(format!("upstream URL {:?}: {why}", u.base));
            let url = url::Url::parse(&u.base).map_err(|e| bad(e.to_string()))?;
            Ok(Target {
                origin: origin(&url).map_err(bad)?,
                prefix: url.path().trim_end_matches('/').to_string(),
                pools: (0..slots).map(|_| Arc::default()).collect(),
            })
        })
        .collect::<Result<_, RelayError>>()?;
    Ok(Client {
        connector,
        upstreams,
    })
}

/// The origin of `url`.
fn origin(url: &url::Url) -> Result<Origin, String> {
    let host = url.host_str().ok_or("no host")?;
    // `Url::port` is None for the scheme's default port, which then stays out of `Host` too.
    let authority = match url.port() {
        Some(port) => format!("{host}:{port}"),
        None => host.to_string(),
    };
    Ok(Origin {
        connect: Uri::try_from(format!("{}://{authority}", url.scheme()))
            .map_err(|e| e.to_string())?,
        host: HeaderValue::from_str(&authority).map_err(|e| e.to_string())?,
    })
}

impl Client {
    /// The request path on upstream `index`: its base path, then `parts` (a fixed DashScope
    /// path, plus a checked id or re-encoded query) one after the other.
    pub fn path(&self, index: usize, parts: &[&str]) -> String {
        let prefix = &self.upstreams[index].prefix;
        let len = prefix.len() + parts.iter().map(|p| p.len()).sum::<usize>();
        let mut out = String::with_capacity(len);
        out.push_str(prefix);
        parts.iter().for_each(|p| out.push_str(p));
        out
    }

    /// Calls upstream `index`: `method` on `path` (from [`Client::path`]) with `headers`
    /// (already filtered by [`api_headers`] or [`create_headers`]) plus the upstream's `Host`
    /// and the relay's `User-Agent`, within `timeout` in total (answer body included).
    pub async fn call(
        &self,
        index: usize,
        method: Method,
        path: String,
        headers: HeaderMap,
        body: Body,
        timeout: Duration,
    ) -> Result<Answer, RelayError> {
        let target = &self.upstreams[index];
        let request = build(method, path, headers, &target.origin, body)?;
        let mut deadline = Box::pin(tokio::time::sleep(timeout));
        let (response, sender) = tokio::select! {
            biased;
            exchanged = self.exchange(target, request) => exchanged?,
            () = deadline.as_mut() => return Err(RelayError::UpstreamTimeout),
        };
        let checkin = CheckIn {
            sender,
            pool: target.pool().clone(),
        };
        Answer::new(response, deadline, Some(checkin))
    }

    /// Sends `request` on an idle connection to `target`, or on a new one. A reused connection
    /// that turns out closed before the request was written is skipped and the request resent;
    /// a failure after that is final (the request may have reached the upstream).
    async fn exchange(
        &self,
        target: &Target,
        mut request: Request<Body>,
    ) -> Result<(axum::http::Response<Incoming>, Sender), RelayError> {
        loop {
            let (mut sender, reused) = match target.pool().checkout() {
                Some(sender) => (sender, true),
                None => (self.connect(&target.origin).await?, false),
            };
            // An HTTP/1.1 connection takes its next request once the last answer is done,
            // which the connection's task notes right after the body's end.
            if !sender.is_ready() && sender.ready().await.is_err() {
                if reused {
                    continue;
                }
                return Err(RelayError::UpstreamUnavailable);
            }
            match sender.try_send_request(request).await {
                Ok(response) => return Ok((response, sender)),
                Err(mut e) => match e.take_message() {
                    Some(unsent) if reused => request = unsent,
                    _ => {
                        tracing::debug!(error = %e.error(), "upstream call failed");
                        return Err(RelayError::UpstreamUnavailable);
                    }
                },
            }
        }
    }

    /// A new connection to `origin`: TCP (and TLS) within the connect timeout, then HTTP/1.1,
    /// driven by a task of its own until it closes.
    async fn connect(&self, origin: &Origin) -> Result<Sender, RelayError> {
        let io = self
            .connector
            .clone()
            .oneshot(origin.connect.clone())
            .await
            .map_err(|e| {
                tracing::debug!(error = %e, "upstream connect failed");
                RelayError::UpstreamUnavailable
            })?;
        let (sender, connection) = hyper::client::conn::http1::handshake(io)
            .await
            .map_err(|_| RelayError::UpstreamUnavailable)?;
        tokio::spawn(async move {
            if let Err(e) = connection.await {
                tracing::debug!(error = %e, "upstream connection ended with an error");
            }
        });
        Ok(sender)
    }

    /// Streams an upload to `url` (an allowed upload host) on a connection of its own, within
    /// `timeout` in total. `tripped` is set by an upload body that went over its cap (`max`),
    /// which makes the failure a 413.
    pub async fn upload(
        &self,
        url: &url::Url,
        headers: HeaderMap,
        body: Body,
        timeout: Duration,
        tripped: (&Arc<AtomicBool>, u64),
    ) -> Result<Answer, RelayError> {
        let origin = origin(url)
            .map_err(|e| RelayError::Config(format!("cannot build an upload URL: {e}")))?;
        let path = match url.query() {
            Some(query) => format!("{}?{query}", url.path()),
            None => url.path().to_string(),
        };
        let request = build(Method::POST, path, headers, &origin, body)?;
        let mut deadline = Box::pin(tokio::time::sleep(timeout));
        let sent = async {
            let mut sender = self.connect(&origin).await?;
            sender
                .ready()
                .await
                .map_err(|_| RelayError::UpstreamUnavailable)?;
            sender.send_request(request).await.map_err(|e| {
                let (flag, max) = tripped;
                if flag.load(Ordering::SeqCst) {
                    RelayError::TooLarge(max)
                } else {
                    tracing::debug!(error = %e, "upload failed");
                    RelayError::UpstreamUnavailable
                }
            })
        };
        let response = tokio::select! {
            biased;
            sent = sent => sent?,
            () = deadline.as_mut() => return Err(RelayError::UpstreamTimeout),
        };
        Answer::new(response, deadline, None)
    }
}

/// A request for `path` (origin form, assembled by the relay, never taken from the caller) on
/// `origin`, with `headers` plus its `Host` and the relay's `User-Agent`.
fn build(
    method: Method,
    path: String,
    mut headers: HeaderMap,
    origin: &Origin,
    body: Body,
) -> Result<Request<Body>, RelayError> {
    let uri = Uri::try_from(path)
        .map_err(|e| RelayError::Config(format!("cannot build an upstream URL: {e}")))?;
    headers.insert(HOST, origin.host.clone());
    headers.insert(USER_AGENT, HeaderValue::from_static(USER_AGENT_VALUE));
    headers.insert(ACCEPT, HeaderValue::from_static("*/*"));
    let mut request = Request::new(body);
    *request.method_mut() = method;
    *request.uri_mut() = uri;
    *request.headers_mut() = headers;
    Ok(request)
}

/// Wraps a connector so the whole connect (TCP and TLS) has one deadline.
#[derive(Clone)]
pub struct ConnectTimeout<C> {
    inner: C,
    timeout: Duration,
}

impl<C> tower::Service<Uri> for ConnectTimeout<C>
where
    C: tower::Service<Uri>,
    C::Error: Into<BoxError>,
    C::Future: Send + 'static,
{
    type Response = C::Response;
    type Error = BoxError;
    type Future = Pin<Box<dyn Future<Output = Result<C::Response, BoxError>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), BoxError>> {
        self.inner.poll_ready(cx).map_err(Into::into)
    }

    fn call(&mut self, uri: Uri) -> Self::Future {
        let connecting = self.inner.call(uri);
        let timeout = self.timeout;
        Box::pin(async move {
            match tokio::time::timeout(timeout, connecting).await {
                Ok(connected) => connected.map_err(Into::into),
                Err(_) => Err("connect timed out".into()),
            }
        })
    }
}
