//! Test harness: the real `wanedit-relay` binary as a child process (logs captured), the
//! simulator in-process, small recording upstreams and traps, and a raw HTTP/1.1 client for
//! requests no well-behaved client library would send.

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::{mpsc, Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::extract::Request;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

pub const BIN: &str = env!("CARGO_BIN_EXE_wanedit-relay");

/// The create-task route below an upstream's prefix: most tests post here, so it is spelled once.
pub const CREATE_PATH: &str = "/api/v1/services/aigc/video-generation/video-synthesis";

/// The simulator's upload-policy query through the relay, as the SDK sends it for wan2.7.
pub const SIM_UPLOAD_POLICY_PATH: &str =
    "/sim/api/v1/uploads?action=getPolicy&model=wan2.7-videoedit";

/// An upload policy from the simulator through `relay` (with the simulator's key), and the form
/// `key` of a file called `name` in its upload dir: where every upload test starts.
pub async fn sim_upload_policy(
    c: &reqwest::Client,
    relay: &RelayProc,
    name: &str,
) -> (serde_json::Value, String) {
    let (_, policy) = send_ok(
        c.get(relay.url(SIM_UPLOAD_POLICY_PATH))
            .header("authorization", "Bearer sk-sim"),
    )
    .await;
    let data = policy["data"].clone();
    let key = format!("{}/{name}", data["upload_dir"].as_str().unwrap());
    (data, key)
}

/// A valid create body (VACE video repainting, seed 001).
pub fn valid_body() -> serde_json::Value {
    serde_json::json!({
        "model": "wan2.1-vace-plus",
        "input": {
            "function": "video_repainting",
            "prompt": "A black steampunk-style car driven by a gentleman.",
            "video_url": "http://wanx.alicdn.com/material/20250318/video_repainting_1.mp4"
        },
        "parameters": {"control_condition": "depth"}
    })
}

/// A running relay child.
pub struct RelayProc {
    pub child: Child,
    pub addr: SocketAddr,
    pub lines: Arc<Mutex<Vec<String>>>,
}

/// Starts the relay with `args` (plus `--listen 127.0.0.1:0 --log-format json`) and a clean
/// environment holding only `env`; waits until it logs its address.
pub fn start_relay(args: &[&str], env: &[(&str, &str)]) -> RelayProc {
    match try_start_relay(args, env) {
        Ok(relay) => relay,
        Err((status, lines)) => panic!("relay did not start ({status:?}):\n{}", lines.join("\n")),
    }
}

/// A relay serving the web UI files in `dir`, with an unreachable upstream (the UI tests do
/// not call it).
pub fn start_ui_relay(dir: &std::path::Path) -> RelayProc {
    start_relay(
        &[
            "--serve",
            dir.to_str().unwrap(),
            "--upstream",
            "x=http://127.0.0.1:9",
        ],
        &[],
    )
}

/// Starts the relay with `--upstream sim=<simulator>` followed by `extra`: the usual relay in
/// front of the in-process simulator, so each test names only what it adds.
pub fn start_relay_for_sim(
    sim: &wanedit_sim::SimHandle,
    extra: &[&str],
    env: &[(&str, &str)],
) -> RelayProc {
    let upstream = format!("sim={}", sim.base_url());
    let mut args = vec!["--upstream", upstream.as_str()];
    args.extend_from_slice(extra);
    start_relay(&args, env)
}

/// A relay in front of the simulator that also lets uploads through to the simulator's OSS
/// endpoint (not on the default upload-host allowlist): what every upload test needs.
pub fn start_relay_for_sim_uploads(sim: &wanedit_sim::SimHandle) -> RelayProc {
    start_relay_for_sim(sim, &["--upload-host-allow", &sim.base_url()], &[])
}

/// Like [`start_relay`], but returns the exit status and output if the relay exits instead.
pub fn try_start_relay(
    args: &[&str],
    env: &[(&str, &str)],
) -> Result<RelayProc, (Option<ExitStatus>, Vec<String>)> {
    try_start_command(Command::new(BIN), args, env)
}

/// Like [`start_relay`], but `sh -c "{setup}; exec relay …"` starts it, so `setup` (say,
/// `ulimit -n 256`) applies to the relay process itself (same pid).
pub fn start_relay_after(setup: &str, args: &[&str], env: &[(&str, &str)]) -> RelayProc {
    let mut cmd = Command::new("/bin/sh");
    cmd.arg("-c")
        .arg(format!("{setup}; exec \"$0\" \"$@\""))
        .arg(BIN);
    match try_start_command(cmd, args, env) {
        Ok(relay) => relay,
        Err((status, lines)) => panic!("relay did not start ({status:?}):\n{}", lines.join("\n")),
    }
}

fn try_start_command(
    mut cmd: Command,
    args: &[&str],
    env: &[(&str, &str)],
) -> Result<RelayProc, (Option<ExitStatus>, Vec<String>)> {
    cmd.args(["--listen", "127.0.0.1:0", "--log-format", "json"])
        .args(args)
        .env_clear()
        .env("RUST_LOG", "info")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().expect("spawn relay");
    let lines = Arc::new(Mutex::new(Vec::new()));
    let (tx, rx) = mpsc::channel::<SocketAddr>();
    let stdout = child.stdout.take().unwrap();
    let stderr = child.stderr.take().unwrap();
    for stream in [
        Box::new(stdout) as Box<dyn std::io::Read + Send>,
        Box::new(stderr),
    ] {
        let lines = lines.clone();
        let tx = tx.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(stream).lines() {
                let Ok(line) = line else { break };
                if let Ok(v) = serde_json::from_str::<serde_json::Value>(&line) {
                    if v["message"] == "wanedit-relay listening" {
                        if let Some(addr) = v["addr"].as_str().and_then(|a| a.parse().ok()) {
                            let _ = tx.send(addr);
                        }
                    }
                }
                lines.lock().unwrap().push(line);
            }
        });
    }
    drop(tx);
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        match rx.recv_timeout(Duration::from_millis(50)) {
            Ok(addr) => return Ok(RelayProc { child, addr, lines }),
            Err(mpsc::RecvTimeoutError::Timeout) | Err(mpsc::RecvTimeoutError::Disconnected) => {
                if let Ok(Some(status)) = child.try_wait() {
                    std::thread::sleep(Duration::from_millis(100));
                    return Err((Some(status), lines.lock().unwrap().clone()));
                }
                if Instant::now() > deadline {
                    let _ = child.kill();
                    return Err((None, lines.lock().unwrap().clone()));
                }
            }
        }
    }
}

impl RelayProc {
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// The create-task URL on upstream `upstream`: spares every test the long route.
    pub fn create_url(&self, upstream: &str) -> String {
        self.url(&format!("/{upstream}{CREATE_PATH}"))
    }

    /// The relay's own origin (allowed by default).
    pub fn origin(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Peak resident set size so far, in KiB.
    pub fn vm_hwm_kib(&self) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).unwrap();
        status
            .lines()
            .find_map(|l| l.strip_prefix("VmHWM:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .unwrap()
    }

    /// SIGTERM, wait, and return the exit status with every line logged.
    pub fn stop(mut self) -> (ExitStatus, Vec<String>) {
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        let deadline = Instant::now() + Duration::from_secs(10);
        let status = loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                break status;
            }
            if Instant::now() > deadline {
                let _ = self.child.kill();
                break self.child.wait().unwrap();
            }
            std::thread::sleep(Duration::from_millis(20));
        };
        // Let the reader threads drain the pipes.
        std::thread::sleep(Duration::from_millis(100));
        let lines = self.lines.lock().unwrap().clone();
        (status, lines)
    }
}

impl Drop for RelayProc {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// An HTTP client that, like the relay, never follows redirects.
pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .no_proxy()
        .build()
        .unwrap()
}

/// Status, headers and JSON body (Null if not JSON).
pub async fn json_of(resp: reqwest::Response) -> (u16, HeaderMap, serde_json::Value) {
    let status = resp.status().as_u16();
    let headers = resp.headers().clone();
    let bytes = resp.bytes().await.unwrap();
    (
        status,
        headers,
        serde_json::from_slice(&bytes).unwrap_or(serde_json::Value::Null),
    )
}

/// Sends `req` and splits the answer as [`json_of`] does: the one step nearly every check starts
/// with.
pub async fn send_json(req: reqwest::RequestBuilder) -> (u16, HeaderMap, serde_json::Value) {
    json_of(req.send().await.unwrap()).await
}

/// Sends `req`, asserts a 200 (showing the body otherwise) and returns headers and JSON body:
/// for the steps a test needs to succeed before it can check anything else.
pub async fn send_ok(req: reqwest::RequestBuilder) -> (HeaderMap, serde_json::Value) {
    let (status, headers, body) = send_json(req).await;
    assert_eq!(status, 200, "{body}");
    (headers, body)
}

/// Asserts an error answer in DashScope's shape: this status and this `code`, showing the body
/// otherwise. Relay refusals and passed-through upstream errors are all checked this way.
#[track_caller]
pub fn assert_error(status: u16, body: &serde_json::Value, want_status: u16, want_code: &str) {
    assert_eq!(
        (status, body["code"].as_str()),
        (want_status, Some(want_code)),
        "{body}"
    );
}

/// One request a recording server saw.
#[derive(Debug, Clone)]
pub struct Hit {
    pub method: String,
    pub uri: String,
    pub headers: HeaderMap,
    /// The request body as it arrived, byte for byte.
    pub body: bytes::Bytes,
}

/// How a recording server answers.
#[derive(Clone)]
pub enum Reply {
    /// 200 with this JSON text.
    Json(&'static str),
    /// 302 to this location.
    Redirect(String),
    /// Sleep, then 200.
    Slow(Duration),
    /// An upload policy naming this upload host.
    Policy(String),
}

/// A tiny upstream that records every request.
pub struct Recorder {
    pub addr: SocketAddr,
    pub hits: Arc<Mutex<Vec<Hit>>>,
}

impl Recorder {
    pub fn base(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn hits(&self) -> Vec<Hit> {
        self.hits.lock().unwrap().clone()
    }
}

pub async fn recorder(reply: Reply) -> Recorder {
    let hits: Arc<Mutex<Vec<Hit>>> = Arc::default();
    let seen = hits.clone();
    let app = axum::Router::new().fallback(move |req: Request| {
        let seen = seen.clone();
        let reply = reply.clone();
        async move {
            let (parts, body) = req.into_parts();
            let body = axum::body::to_bytes(body, 64 << 20)
                .await
                .unwrap_or_default();
            seen.lock().unwrap().push(Hit {
                method: parts.method.to_string(),
                uri: parts.uri.to_string(),
                headers: parts.headers,
                body,
            });
            let json = |text: String| {
                Response::builder()
                    .status(StatusCode::OK)
                    .header("content-type", "application/json")
                    .header("set-cookie", "upstream=1")
                    .body(Body::from(text))
                    .unwrap()
            };
            match reply {
                Reply::Json(text) => json(text.to_string()),
                Reply::Redirect(location) => Response::builder()
                    .status(StatusCode::FOUND)
                    .header("location", location)
                    .body(Body::empty())
                    .unwrap(),
                Reply::Slow(delay) => {
                    tokio::time::sleep(delay).await;
                    json("{}".into())
                }
                Reply::Policy(host) => json(
                    serde_json::json!({"request_id": "r", "data": {"upload_host": host, "expire_in_seconds": 300}})
                        .to_string(),
                ),
            }
        }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    Recorder { addr, hits }
}

/// Sends raw bytes, reads the answer to EOF; returns the status code and the whole answer.
pub async fn raw(addr: SocketAddr, request: &[u8]) -> (u16, String) {
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    stream.write_all(request).await.unwrap();
    let mut buf = Vec::new();
    let _ = tokio::time::timeout(Duration::from_secs(5), stream.read_to_end(&mut buf)).await;
    let text = String::from_utf8_lossy(&buf).into_owned();
    let status = text
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    (status, text)
}

/// A loopback port with nothing listening.
pub fn closed_port() -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    l.local_addr().unwrap().port()
}

/// Starts the simulator with a frozen clock and these keys.
pub async fn sim(keys: &[&str]) -> wanedit_sim::SimHandle {
    let config = wanedit_sim::SimConfig {
        keys: keys.iter().map(|k| k.to_string()).collect(),
        ..wanedit_sim::SimConfig::frozen()
    };
    wanedit_sim::spawn(config).await.unwrap()
}

/// The `access-control-*` headers of an answer.
pub fn cors_headers(headers: &HeaderMap) -> Vec<String> {
    headers
        .keys()
        .map(|k| k.as_str().to_string())
        .filter(|k| k.starts_with("access-control-"))
        .collect()
}

/// GETs `url` as a browser page on `origin` would; the answer is left unread, for the CORS
/// checks that look only at status and headers.
pub async fn get_from_origin(c: &reqwest::Client, url: &str, origin: &str) -> reqwest::Response {
    c.get(url).header("origin", origin).send().await.unwrap()
}

/// Asserts the relay's 403 for a denied origin, carrying no CORS header at all: a denied origin
/// may read nothing from any answer, errors included.
#[track_caller]
pub fn assert_origin_denied(resp: &reqwest::Response) {
    assert_eq!(resp.status().as_u16(), 403);
    assert!(
        cors_headers(resp.headers()).is_empty(),
        "{:?}",
        resp.headers()
    );
}

/// Asserts status `want_status` with `origin` allowed to read the answer.
#[track_caller]
pub fn assert_origin_allowed(resp: &reqwest::Response, want_status: u16, origin: &str) {
    assert_eq!(resp.status().as_u16(), want_status);
    assert_eq!(resp.headers()["access-control-allow-origin"], origin);
}

/// The multipart boundary of every upload the tests send.
pub const BOUNDARY: &str = "wanedit-test-boundary-7d1f";

/// The `content-type` of a multipart body built with [`BOUNDARY`]: every upload sends it.
pub fn multipart_content_type() -> String {
    format!("multipart/form-data; boundary={BOUNDARY}")
}

/// The OSS PostObject form, `file` last, as the SDK sends it.
pub fn multipart_head(data: &serde_json::Value, key: &str) -> Vec<u8> {
    let mut out = Vec::new();
    let fields = [
        (
            "OSSAccessKeyId",
            data["oss_access_key_id"].as_str().unwrap(),
        ),
        ("Signature", data["signature"].as_str().unwrap()),
        ("policy", data["policy"].as_str().unwrap()),
        ("key", key),
        (
            "x-oss-object-acl",
            data["x_oss_object_acl"].as_str().unwrap(),
        ),
        (
            "x-oss-forbid-overwrite",
            data["x_oss_forbid_overwrite"].as_str().unwrap(),
        ),
        ("success_action_status", "200"),
    ];
    for (name, value) in fields {
        out.extend_from_slice(
            format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n").as_bytes(),
        );
    }
    out.extend_from_slice(
        format!(
            "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"clip.mp4\"\r\nContent-Type: video/mp4\r\n\r\n"
        )
        .as_bytes(),
    );
    out
}

/// The closing boundary after the file content of [`multipart_head`].
pub fn multipart_tail() -> Vec<u8> {
    format!("\r\n--{BOUNDARY}--\r\n").into_bytes()
}

/// A whole upload form holding `content`, for uploads small enough to build in memory.
pub fn multipart(data: &serde_json::Value, key: &str, content: &[u8]) -> Vec<u8> {
    let mut out = multipart_head(data, key);
    out.extend_from_slice(content);
    out.extend_from_slice(&multipart_tail());
    out
}
