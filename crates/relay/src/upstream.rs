//! The upstream side: the HTTP client (hyper over rustls; redirects never followed, no proxy
//! from the environment, connect and total timeouts), the header allowlist, and the mapping of
//! upstream answers and failures back to the caller.
//!
//! API calls go to the configured upstreams only, so each has, per worker thread, its own
//! small pool of keep-alive HTTP/1.1 connections (`hyper::client::conn::http1`): a
//! call takes the most recently used idle connection, sends the request in origin form with the
//! upstream's `Host`, and hands the connection back when the answer's body has been read to the
//! end. Uploads go to hosts named at run time (upload policies) and use hyper-util's pooled
//! client. Either way the answer's body goes back to the caller as it arrives, with its length
//! (a JSON answer leaves in one write, not chunked), and nothing on the way re-parses URLs,
//! follows redirects or retries beyond resending a request that never left on a reused
//! connection.

use crate::config::{Config, KeyMode};
use crate::error::RelayError;
use axum::body::Body;
use axum::http::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE, HOST, RETRY_AFTER, USER_AGENT};
use axum::http::{HeaderMap, HeaderName, HeaderValue, Method, Request, StatusCode, Uri};
use axum::response::Response;
use bytes::{Bytes, BytesMut};
use http_body::{Body as HttpBody, Frame, SizeHint};
use http_body_util::BodyExt;
use hyper::body::Incoming;
use hyper::client::conn::http1::SendRequest;
use hyper_rustls::{HttpsConnector, HttpsConnectorBuilder};
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::{TokioExecutor, TokioTimer};
use std::collections::VecDeque;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};
use tokio::time::Sleep;
use tower::ServiceExt;

/// Request headers copied from the caller (besides `Authorization`, handled by [`api_headers`]).
pub const X_OSS_RESOLVE: HeaderName = HeaderName::from_static("x-dashscope-ossresourceresolve");
/// Selects a workspace.
pub const X_WORKSPACE: HeaderName = HeaderName::from_static("x-dashscope-workspace");
/// Set to `enable` on every create call.
pub const X_ASYNC: HeaderName = HeaderName::from_static("x-dashscope-async");

/// Response headers passed back to the caller; everything else (cookies above all) is dropped.
const RESPONSE_HEADERS: [HeaderName; 2] = [CONTENT_TYPE, RETRY_AFTER];

/// The relay's `User-Agent` upstream.
const USER_AGENT_VALUE: &str = concat!("wanedit-relay/", env!("CARGO_PKG_VERSION"));

/// Idle pooled connections are not reused after this long (servers close theirs after a
/// minute or two; a connection they closed is noticed and skipped anyway).
const POOL_IDLE_TIMEOUT: Duration = Duration::from_secs(90);
/// Most idle connections kept per upstream; more are closed when their call ends.
const POOL_MAX_IDLE: usize = 256;
/// TCP keep-alive probes on upstream connections, so a dead peer is noticed.
const TCP_KEEPALIVE: Duration = Duration::from_secs(15);

type BoxError = Box<dyn std::error::Error + Send + Sync>;
type Connector = ConnectTimeout<HttpsConnector<HttpConnector>>;

/// The client every upstream call goes through: for each worker thread, a pool per
/// configured upstream for API calls and a general pooled client for uploads. A connection is
/// only used by the worker that opened it, so its task and its callers share a thread.
pub struct Client {
    connector: Connector,
    upstreams: Vec<Target>,
    uploads: Box<[hyper_util::client::legacy::Client<Connector, Body>]>,
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

/// A configured upstream as the client sees it.
struct Target {
    /// `scheme://host[:port]`, what the connector dials (and the TLS server name).
    connect: Uri,
    /// The `Host` header: the host, with the port unless it is the scheme's default.
    host: HeaderValue,
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

/// Idle keep-alive connections to one upstream, most recently used last.
#[derive(Default)]
struct Pool {
    idle: Mutex<VecDeque<Idle>>,
}

struct Idle {
    sender: SendRequest<Body>,
    since: Instant,
}

impl Pool {
    /// The most recently used live idle connection, if any.
    fn checkout(&self) -> Option<SendRequest<Body>> {
        let now = Instant::now();
        let mut idle = self.idle.lock().unwrap_or_else(|e| e.into_inner());
        while let Some(conn) = idle.pop_back() {
            if !conn.sender.is_closed() && now.duration_since(conn.since) < POOL_IDLE_TIMEOUT {
                return Some(conn.sender);
            }
        }
        None
    }

    /// Keeps a connection whose last answer was read to the end; drops stale ones.
    fn checkin(&self, sender: SendRequest<Body>) {
        if sender.is_closed() {
            return;
        }
        let now = Instant::now();
        let mut idle = self.idle.lock().unwrap_or_else(|e| e.into_inner());
        while idle.front().is_some_and(|c| {
            c.sender.is_closed() || now.duration_since(c.since) >= POOL_IDLE_TIMEOUT
        }) {
            idle.pop_front();
        }
        if idle.len() < POOL_MAX_IDLE {
            idle.push_back(Idle { sender, since: now });
        }
    }
}

/// A connection on its way back to its pool once the answer's body has been read.
struct CheckIn {
    sender: SendRequest<Body>,
    pool: Arc<Pool>,
}

impl CheckIn {
    fn done(self) {
        self.pool.checkin(self.sender);
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
    // The legacy client never follows redirects and reads no proxy variables: both are things
    // only a caller of it could do. It retries a request only when a pooled connection turned
    // out closed before the request was written.
    let slots = config.workers + 1;
    let uploads = (0..slots)
        .map(|_| {
            hyper_util::client::legacy::Client::builder(TokioExecutor::new())
                .pool_idle_timeout(POOL_IDLE_TIMEOUT)
                .pool_timer(TokioTimer::new())
                .timer(TokioTimer::new())
                .build(connector.clone())
        })
        .collect();
    let upstreams = config
        .upstreams
        .iter()
        .map(|u| target(&u.base, slots))
        .collect::<Result<_, _>>()?;
    Ok(Client {
        connector,
        upstreams,
        uploads,
    })
}

fn target(base: &str, slots: usize) -> Result<Target, RelayError> {
    let bad = |why: String| RelayError::Config(format!("upstream URL {base:?}: {why}"));
    let url = url::Url::parse(base).map_err(|e| bad(e.to_string()))?;
    let host = url
        .host_str()
        .ok_or_else(|| bad("no host".into()))?
        .to_string();
    // `Url::port` is None for the scheme's default port, which then stays out of `Host` too.
    let authority = match url.port() {
        Some(port) => format!("{host}:{port}"),
        None => host,
    };
    Ok(Target {
        connect: Uri::try_from(format!("{}://{authority}", url.scheme()))
            .map_err(|e| bad(e.to_string()))?,
        host: HeaderValue::from_str(&authority).map_err(|e| bad(e.to_string()))?,
        prefix: url.path().trim_end_matches('/').to_string(),
        pools: (0..slots).map(|_| Arc::default()).collect(),
    })
}

impl Client {
    /// The request path for `path` (a fixed DashScope path, plus a checked id or re-encoded
    /// query) on upstream `index`: its base path, then `path`.
    pub fn path(&self, index: usize, path: std::fmt::Arguments<'_>) -> String {
        use std::fmt::Write;
        let prefix = &self.upstreams[index].prefix;
        let mut out = String::with_capacity(prefix.len() + 80);
        out.push_str(prefix);
        let _ = out.write_fmt(path);
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
        let mut request = build(method, path, headers, body)?;
        request.headers_mut().insert(HOST, target.host.clone());
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
    ) -> Result<(axum::http::Response<Incoming>, SendRequest<Body>), RelayError> {
        loop {
            let (mut sender, reused) = match target.pool().checkout() {
                Some(sender) => (sender, true),
                None => (self.connect(target).await?, false),
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

    /// A new connection to `target`: TCP (and TLS) within the connect timeout, then HTTP/1.1,
    /// driven by a task of its own until it closes.
    async fn connect(&self, target: &Target) -> Result<SendRequest<Body>, RelayError> {
        let io = self
            .connector
            .clone()
            .oneshot(target.connect.clone())
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

    /// Streams an upload to `url` (an allowed upload host) within `timeout` in total.
    /// `tripped` is set by an upload body that went over its cap (`max`), which makes the
    /// failure a 413.
    pub async fn upload(
        &self,
        url: String,
        headers: HeaderMap,
        body: Body,
        timeout: Duration,
        tripped: (&Arc<AtomicBool>, u64),
    ) -> Result<Answer, RelayError> {
        let request = build(Method::POST, url, headers, body)?;
        let mut deadline = Box::pin(tokio::time::sleep(timeout));
        let response = tokio::select! {
            biased;
            sent = self.uploads[slot(self.uploads.len())].request(request) => sent.map_err(|e| {
                let (flag, max) = tripped;
                if flag.load(Ordering::SeqCst) {
                    RelayError::TooLarge(max)
                } else {
                    tracing::debug!(error = %e, "upload failed");
                    RelayError::UpstreamUnavailable
                }
            })?,
            () = deadline.as_mut() => return Err(RelayError::UpstreamTimeout),
        };
        Answer::new(response, deadline, None)
    }
}

/// A request to `uri` (assembled by the relay, never taken from the caller) with `headers`
/// plus the relay's `User-Agent`.
fn build(
    method: Method,
    uri: String,
    mut headers: HeaderMap,
    body: Body,
) -> Result<Request<Body>, RelayError> {
    let uri = Uri::try_from(uri)
        .map_err(|e| RelayError::Config(format!("cannot build an upstream URL: {e}")))?;
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

/// The first value of `name`, if it is clean visible ASCII (hyper already refuses CR/LF;
/// this also refuses other control bytes).
fn clean(headers: &HeaderMap, name: &HeaderName) -> Option<HeaderValue> {
    let value = headers.get(name)?;
    value
        .as_bytes()
        .iter()
        .all(|&b| b == b'\t' || (0x20..0x7f).contains(&b))
        .then(|| value.clone())
}

/// The headers of a DashScope API call: the key (the relay's own, or the caller's in
/// pass-through mode) and the workspace. Nothing else from the caller is ever copied.
pub fn api_headers(incoming: &HeaderMap, key: &KeyMode) -> Result<HeaderMap, RelayError> {
    // Room for these, the create headers and the client's own, without growing.
    let mut out = HeaderMap::with_capacity(8);
    match key {
        KeyMode::Held { key, .. } => {
            let mut value =
                HeaderValue::from_str(&format!("Bearer {}", key.expose())).map_err(|_| {
                    RelayError::Config("the API key is not a valid header value".into())
                })?;
            value.set_sensitive(true);
            out.insert(AUTHORIZATION, value);
        }
        KeyMode::PassThrough => {
            if let Some(mut value) = clean(incoming, &AUTHORIZATION) {
                value.set_sensitive(true);
                out.insert(AUTHORIZATION, value);
            }
        }
    }
    if let Some(value) = clean(incoming, &X_WORKSPACE) {
        out.insert(X_WORKSPACE, value);
    }
    Ok(out)
}

/// The headers of a create call: [`api_headers`], JSON, async, and the OSS-resolve flag when
/// the caller sent it or the body uses an `oss://` URL (DashScope refuses those without it).
pub fn create_headers(
    incoming: &HeaderMap,
    key: &KeyMode,
    body: &serde_json::Value,
) -> Result<HeaderMap, RelayError> {
    let mut out = api_headers(incoming, key)?;
    out.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    out.insert(X_ASYNC, HeaderValue::from_static("enable"));
    if let Some(value) = clean(incoming, &X_OSS_RESOLVE) {
        out.insert(X_OSS_RESOLVE, value);
    } else if wanedit_core::region::needs_oss_resolve(body) {
        out.insert(X_OSS_RESOLVE, HeaderValue::from_static("enable"));
    }
    Ok(out)
}

/// An upstream answer whose head arrived in time; its body still runs against the same
/// deadline.
pub struct Answer {
    response: axum::http::Response<Incoming>,
    deadline: Pin<Box<Sleep>>,
    checkin: Option<CheckIn>,
}

impl Answer {
    /// The answer to a call, its body still to be read within `deadline`. A redirect is
    /// refused: the relay never follows one (it could lead off the configured upstream).
    fn new(
        response: axum::http::Response<Incoming>,
        deadline: Pin<Box<Sleep>>,
        checkin: Option<CheckIn>,
    ) -> Result<Answer, RelayError> {
        if response.status().is_redirection() {
            return Err(RelayError::UpstreamRedirect);
        }
        Ok(Answer {
            response,
            deadline,
            checkin,
        })
    }

    /// The upstream's status.
    pub fn status(&self) -> StatusCode {
        self.response.status()
    }

    fn into_parts(self) -> (axum::http::response::Parts, TimedBody) {
        let (parts, inner) = self.response.into_parts();
        let mut body = TimedBody {
            inner,
            deadline: self.deadline,
            checkin: self.checkin,
        };
        // An empty body may never be polled: the connection is free already.
        if body.inner.is_end_stream() {
            body.check_in();
        }
        (parts, body)
    }
}

/// Copies the allowed response headers.
pub fn copy_response_headers(from: &HeaderMap, to: &mut HeaderMap) {
    for name in RESPONSE_HEADERS {
        if let Some(value) = from.get(&name) {
            to.insert(name, value.clone());
        }
    }
}

/// Streams an upstream answer back: its status, the allowed headers, and its body as it comes
/// (with its length when the upstream sent one).
pub fn stream_back(answer: Answer) -> Response {
    let (parts, body) = answer.into_parts();
    let mut response = Response::new(Body::new(body));
    *response.status_mut() = parts.status;
    // Room for these, the CORS headers and the request id, without growing.
    *response.headers_mut() = HeaderMap::with_capacity(8);
    copy_response_headers(&parts.headers, response.headers_mut());
    response
}

/// Reads a small upstream answer whole (for the policy rewrite), capped at `max` bytes.
pub async fn read_small(answer: Answer, max: usize) -> Result<Bytes, RelayError> {
    let (_, mut body) = answer.into_parts();
    let mut buf = BytesMut::new();
    while let Some(frame) = body.frame().await {
        let frame = frame.map_err(|e| {
            if e.is_timeout() {
                RelayError::UpstreamTimeout
            } else {
                RelayError::UpstreamUnavailable
            }
        })?;
        if let Ok(chunk) = frame.into_data() {
            if buf.len() + chunk.len() > max {
                return Err(RelayError::UpstreamBadResponse);
            }
            buf.extend_from_slice(&chunk);
        }
    }
    Ok(buf.freeze())
}

/// An upstream body that fails once the call's total deadline has passed (so a stalled
/// upstream cannot hold a caller's connection open forever), and that hands its connection
/// back to the pool once read to the end. A body dropped before its end takes the connection
/// with it (hyper then closes it: its state is unknown).
struct TimedBody {
    inner: Incoming,
    deadline: Pin<Box<Sleep>>,
    checkin: Option<CheckIn>,
}

impl TimedBody {
    fn check_in(&mut self) {
        if let Some(checkin) = self.checkin.take() {
            checkin.done();
        }
    }
}

/// Why an upstream body stopped early.
#[derive(Debug)]
pub struct BodyError {
    timeout: bool,
    source: Option<hyper::Error>,
}

impl BodyError {
    /// Whether the total deadline passed.
    pub fn is_timeout(&self) -> bool {
        self.timeout
    }
}

impl std::fmt::Display for BodyError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.source {
            _ if self.timeout => f.write_str("upstream timed out"),
            Some(e) => write!(f, "upstream body: {e}"),
            None => f.write_str("upstream body failed"),
        }
    }
}

impl std::error::Error for BodyError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source
            .as_ref()
            .map(|e| e as &(dyn std::error::Error + 'static))
    }
}

impl HttpBody for TimedBody {
    type Data = Bytes;
    type Error = BodyError;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, BodyError>>> {
        let this = self.get_mut();
        let timed_out = || BodyError {
            timeout: true,
            source: None,
        };
        if this.deadline.is_elapsed() {
            this.checkin = None;
            return Poll::Ready(Some(Err(timed_out())));
        }
        match Pin::new(&mut this.inner).poll_frame(cx) {
            Poll::Ready(Some(Ok(frame))) => {
                if this.inner.is_end_stream() {
                    this.check_in();
                }
                Poll::Ready(Some(Ok(frame)))
            }
            Poll::Ready(Some(Err(e))) => {
                this.checkin = None;
                Poll::Ready(Some(Err(BodyError {
                    timeout: false,
                    source: Some(e),
                })))
            }
            Poll::Ready(None) => {
                this.check_in();
                Poll::Ready(None)
            }
            Poll::Pending => match this.deadline.as_mut().poll(cx) {
                Poll::Ready(()) => {
                    this.checkin = None;
                    Poll::Ready(Some(Err(timed_out())))
                }
                Poll::Pending => Poll::Pending,
            },
        }
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{Args, Secret};
    use clap::Parser;
    use std::sync::atomic::AtomicUsize;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    /// A raw HTTP/1.1 upstream: counts connections, records request heads, answers each
    /// request `ok`, and closes each connection after one answer if `one_shot`.
    async fn raw_upstream(
        one_shot: bool,
    ) -> (
        std::net::SocketAddr,
        Arc<AtomicUsize>,
        Arc<Mutex<Vec<String>>>,
    ) {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let accepted = Arc::new(AtomicUsize::new(0));
        let heads = Arc::new(Mutex::new(Vec::new()));
        let (count, seen) = (accepted.clone(), heads.clone());
        tokio::spawn(async move {
            while let Ok((mut stream, _)) = listener.accept().await {
                count.fetch_add(1, Ordering::SeqCst);
                let seen = seen.clone();
                tokio::spawn(async move {
                    let mut buf = Vec::new();
                    let mut chunk = [0u8; 4096];
                    loop {
                        let Ok(n) = stream.read(&mut chunk).await else {
                            return;
                        };
                        if n == 0 {
                            return;
                        }
                        buf.extend_from_slice(&chunk[..n]);
                        while let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                            let head: Vec<u8> = buf.drain(..end + 4).collect();
                            seen.lock()
                                .unwrap()
                                .push(String::from_utf8_lossy(&head).into_owned());
                            let answer = b"HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\ncontent-length: 2\r\n\r\nok";
                            if stream.write_all(answer).await.is_err() || one_shot {
                                return;
                            }
                        }
                    }
                });
            }
        });
        (addr, accepted, heads)
    }

    fn client_for(base: &str) -> Client {
        let args = Args::parse_from(["wanedit-relay", "--upstream", &format!("up={base}")]);
        client(&Config::from_args(args, None).unwrap()).unwrap()
    }

    async fn get(client: &Client, path: &str) -> Bytes {
        let path = client.path(0, format_args!("{path}"));
        let answer = client
            .call(
                0,
                Method::GET,
                path,
                HeaderMap::new(),
                Body::empty(),
                Duration::from_secs(5),
            )
            .await
            .unwrap();
        assert_eq!(answer.status(), StatusCode::OK);
        read_small(answer, 1024).await.unwrap()
    }

    #[tokio::test]
    async fn connections_are_reused_and_requests_are_origin_form() {
        let (addr, accepted, heads) = raw_upstream(false).await;
        let client = client_for(&format!("http://{addr}/base"));
        for _ in 0..5 {
            assert_eq!(&get(&client, "/api/v1/tasks/abc").await[..], b"ok");
        }
        assert_eq!(
            accepted.load(Ordering::SeqCst),
            1,
            "one keep-alive connection"
        );
        let heads = heads.lock().unwrap();
        assert_eq!(heads.len(), 5);
        let head = heads[0].to_ascii_lowercase();
        assert!(
            head.starts_with("get /base/api/v1/tasks/abc http/1.1\r\n"),
            "{head}"
        );
        assert!(head.contains(&format!("\r\nhost: {addr}\r\n")), "{head}");
    }

    #[tokio::test]
    async fn connections_closed_while_idle_are_not_reused() {
        let (addr, accepted, _) = raw_upstream(true).await;
        let client = client_for(&format!("http://{addr}"));
        for _ in 0..3 {
            assert_eq!(&get(&client, "/api/v1/tasks/abc").await[..], b"ok");
            // The upstream closes the idle connection; the next call must not fail on it.
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        assert_eq!(accepted.load(Ordering::SeqCst), 3);
    }

    fn incoming() -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(AUTHORIZATION, HeaderValue::from_static("Bearer sk-client"));
        h.insert(X_WORKSPACE, HeaderValue::from_static("ws-1"));
        h.insert("cookie", HeaderValue::from_static("session=1"));
        h.insert("x-forwarded-for", HeaderValue::from_static("10.0.0.1"));
        h.insert("host", HeaderValue::from_static("evil.example"));
        h.insert("x-relay-token", HeaderValue::from_static("tok"));
        h
    }

    #[test]
    fn only_allowlisted_headers_pass() {
        let out = api_headers(&incoming(), &KeyMode::PassThrough).unwrap();
        let names: Vec<_> = out.keys().map(|k| k.as_str()).collect();
        assert_eq!(names.len(), 2, "{names:?}");
        assert_eq!(out[AUTHORIZATION], "Bearer sk-client");
        assert_eq!(out[X_WORKSPACE], "ws-1");
    }

    #[test]
    fn held_key_replaces_the_callers() {
        let key = KeyMode::Held {
            key: Secret::new("sk-relay"),
            real: true,
        };
        let out = api_headers(&incoming(), &key).unwrap();
        assert_eq!(out[AUTHORIZATION], "Bearer sk-relay");
        assert!(out[AUTHORIZATION].is_sensitive());
    }

    #[test]
    fn create_adds_async_and_oss_resolve() {
        let body = serde_json::json!({"input": {"video_url": "oss://dashscope-instant/x.mp4"}});
        let out = create_headers(&HeaderMap::new(), &KeyMode::PassThrough, &body).unwrap();
        assert_eq!(out[X_ASYNC], "enable");
        assert_eq!(out[X_OSS_RESOLVE], "enable");
        assert_eq!(out[CONTENT_TYPE], "application/json");
        let plain = serde_json::json!({"input": {"video_url": "https://a.example/x.mp4"}});
        let out = create_headers(&HeaderMap::new(), &KeyMode::PassThrough, &plain).unwrap();
        assert!(!out.contains_key(X_OSS_RESOLVE));
    }
}
