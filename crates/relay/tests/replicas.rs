//! Three relay replicas sharing one upload secret behind nginx (round robin, no stickiness) in
//! front of one `wanedit-sim` process, all real binaries on loopback. Through nginx: uploads as
//! the web client and the SDK make them (policy and upload land on different replicas), then a
//! run of submits and polls during which one replica gets SIGTERM and another SIGKILL. Clients
//! must see only successes (nginx retries reads on the next replica), and no task is lost.
//!
//! Needs nginx and the `wanedit-sim` binary (`WANEDIT_SIM_BIN`, default
//! `target/debug/wanedit-sim`), so it is ignored by a plain `cargo test`; `scripts/test.sh
//! replicas` builds the simulator and runs it with `--ignored`. With `WANEDIT_SDK_PYTHON` set to
//! a Python that has the official `dashscope` SDK, the SDK's own local-file upload, wan2.7
//! submit and wait also run through nginx (tests/replicas/sdk_flow.py).
#![allow(missing_docs)]

#[allow(dead_code)]
#[path = "relay/common.rs"]
mod common;

use common::*;
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead, BufReader};
use std::net::IpAddr;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const KEY: &str = "sk-sim";
const SECRET: &str = "replicas-test-secret-0123456789abcdef0123456789";
/// The test's client address: not nginx's (127.0.0.1), so the relays' logs show whether they
/// read it from `X-Forwarded-For`.
const CLIENT_IP: &str = "127.0.0.2";
/// The whole test stops by itself within this.
const DEADLINE: Duration = Duration::from_secs(150);

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// A child killed when dropped.
struct Proc(Child);

impl Drop for Proc {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// The standalone simulator: 40 virtual seconds per task at 20x, so a task runs 2 s.
fn start_sim() -> (Proc, String) {
    let bin = std::env::var("WANEDIT_SIM_BIN")
        .map(PathBuf::from)
        .unwrap_or_else(|_| repo().join("target/debug/wanedit-sim"));
    assert!(
        bin.is_file(),
        "{} not found: cargo build -p wanedit-sim",
        bin.display()
    );
    let mut child = Command::new(bin)
        .args(["--listen", "127.0.0.1:0", "--time-scale", "20"])
        .args(["--vace-seconds", "40", "--wan27-seconds", "40"])
        .env_clear()
        .env("RUST_LOG", "warn")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn wanedit-sim");
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if let Some(base) = line.strip_prefix("wanedit-sim listening on ") {
                let _ = tx.send(base.trim().trim_end_matches('/').to_string());
            }
        }
    });
    let base = rx
        .recv_timeout(Duration::from_secs(20))
        .expect("wanedit-sim did not start");
    (Proc(child), base)
}

/// nginx from tests/replicas/nginx.conf in a temp prefix, in front of `ports`.
struct Nginx {
    _proc: Proc,
    port: u16,
    prefix: PathBuf,
}

impl Nginx {
    fn start(ports: &[u16], port: u16) -> Nginx {
        let prefix = std::env::temp_dir().join(format!("wanedit-replicas-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&prefix);
        std::fs::create_dir_all(&prefix).unwrap();
        let servers: String = ports
            .iter()
            .map(|p| format!("    server 127.0.0.1:{p} max_fails=1 fail_timeout=30s;\n"))
            .collect();
        let template = std::fs::read_to_string(repo().join("tests/replicas/nginx.conf")).unwrap();
        let conf = template
            .replace("@PREFIX@", prefix.to_str().unwrap())
            .replace("@LISTEN@", &port.to_string())
            .replace("@SERVERS@", servers.trim_end());
        let conf_path = prefix.join("nginx.conf");
        std::fs::write(&conf_path, conf).unwrap();
        let nginx = ["/usr/sbin/nginx", "nginx"]
            .into_iter()
            .find(|n| Command::new(n).arg("-v").output().is_ok())
            .expect("nginx not found: apt-get install -y nginx-light (scripts/setup.sh)");
        let child = Command::new(nginx)
            .arg("-p")
            .arg(&prefix)
            .arg("-c")
            .arg(&conf_path)
            .arg("-e")
            .arg(prefix.join("error.log"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn nginx");
        let proc = Proc(child);
        let deadline = Instant::now() + Duration::from_secs(10);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                Instant::now() < deadline,
                "nginx did not start: {}",
                std::fs::read_to_string(prefix.join("error.log")).unwrap_or_default()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        Nginx {
            _proc: proc,
            port,
            prefix,
        }
    }

    fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    /// nginx's access log: one line per request (method, path, status, the replicas tried).
    fn access_log(&self) -> Vec<String> {
        std::fs::read_to_string(self.prefix.join("access.log"))
            .unwrap_or_default()
            .lines()
            .map(str::to_string)
            .collect()
    }
}

impl Drop for Nginx {
    fn drop(&mut self) {
        // SIGTERM (nginx's fast shutdown) makes the master stop its workers; a SIGKILL would
        // leave them running. Proc's drop then reaps the master (or kills it after 5 s).
        let child = &mut self._proc.0;
        let _ = Command::new("kill")
            .args(["-TERM", &child.id().to_string()])
            .status();
        let deadline = Instant::now() + Duration::from_secs(5);
        while child.try_wait().ok().flatten().is_none() && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = std::fs::remove_dir_all(&self.prefix);
    }
}

/// A replica: the relay binary with the shared secret, trusting nginx, behind `public`.
fn start_replica(sim: &str, public: &str) -> RelayProc {
    let upstream = format!("sim={sim}");
    start_relay(
        &[
            "--upstream",
            &upstream,
            "--upload-host-allow",
            sim,
            "--public-url",
            public,
            "--trusted-proxy",
            "127.0.0.1/32",
            "--rate-limit",
            "6000",
            "--rate-burst",
            "600",
            "--workers",
            "1",
        ],
        &[("WANEDIT_UPLOAD_SECRET", SECRET)],
    )
}

/// The replica whose log has the request line with `request_id` (waiting a moment for the
/// log reader threads, which may lag behind the answer).
fn served_by(replicas: &[RelayProc], request_id: &str) -> usize {
    let needle = format!("\"request_id\":\"{request_id}\"");
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let found: Vec<usize> = (0..replicas.len())
            .filter(|&i| {
                replicas[i]
                    .lines
                    .lock()
                    .unwrap()
                    .iter()
                    .any(|l| l.contains(&needle))
            })
            .collect();
        if !found.is_empty() || Instant::now() > deadline {
            assert_eq!(found.len(), 1, "request {request_id} logged by {found:?}");
            return found[0];
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn request_id(headers: &axum::http::HeaderMap) -> String {
    headers["x-request-id"].to_str().unwrap().to_string()
}

struct Client {
    http: reqwest::Client,
    nginx_port: u16,
}

impl Client {
    fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.nginx_port)
    }

    /// getPolicy, then the OSS form post to the rewritten `upload_host`, as the web client
    /// (crates/client) and the SDK do it; returns the `oss://` URL and which replicas served
    /// the two requests.
    async fn upload(
        &self,
        replicas: &[RelayProc],
        name: &str,
        content: &[u8],
        origin: Option<&str>,
    ) -> (String, usize, usize) {
        let mut policy = self
            .http
            .get(self.url("/sim/api/v1/uploads?action=getPolicy&model=wan2.7-videoedit"))
            .header("authorization", format!("Bearer {KEY}"));
        if let Some(origin) = origin {
            policy = policy.header("origin", origin);
        }
        let (headers, policy) = send_ok(policy).await;
        let policy_replica = served_by(replicas, &request_id(&headers));
        let data = &policy["data"];
        let host = data["upload_host"].as_str().unwrap();
        assert!(host.starts_with(&self.url("/sim/oss/")), "{host}");
        let key = format!("{}/{name}", data["upload_dir"].as_str().unwrap());
        let mut post = self
            .http
            .post(host)
            .header("content-type", multipart_content_type())
            .body(multipart(data, &key, content));
        if let Some(origin) = origin {
            post = post.header("origin", origin);
        }
        let (headers, _) = send_ok(post).await;
        let upload_replica = served_by(replicas, &request_id(&headers));
        (format!("oss://{key}"), policy_replica, upload_replica)
    }

    async fn submit(&self, body: &Value, oss: bool) -> String {
        let mut request = self
            .http
            .post(self.url(&format!("/sim{CREATE_PATH}")))
            .header("authorization", format!("Bearer {KEY}"))
            .header("content-type", "application/json")
            .body(body.to_string());
        if oss {
            request = request.header("x-dashscope-ossresourceresolve", "enable");
        }
        // The simulator's documented submission rate may answer 429 Throttling.RateQuota; the
        // SDK's callers retry that, and so does this client (it never reaches a replica's
        // failure: the relay passes DashScope's answer on).
        for _ in 0..100 {
            let (status, _, answer) = send_json(request.try_clone().unwrap()).await;
            if status == 429 && answer["code"] == "Throttling.RateQuota" {
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
            assert_eq!(status, 200, "submit: {answer}");
            return answer["output"]["task_id"].as_str().unwrap().to_string();
        }
        panic!("submission throttled 100 times");
    }

    async fn status(&self, task: &str) -> String {
        let (_, body) = send_ok(
            self.http
                .get(self.url(&format!("/sim/api/v1/tasks/{task}")))
                .header("authorization", format!("Bearer {KEY}")),
        )
        .await;
        body["output"]["task_status"].as_str().unwrap().to_string()
    }
}

fn wan27(url: &str) -> Value {
    json!({"model": "wan2.7-videoedit", "input": {"prompt": "claymation",
        "media": [{"type": "video", "url": url}]}, "parameters": {"resolution": "720P"}})
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs nginx and target/debug/wanedit-sim: scripts/test.sh replicas"]
async fn three_replicas_behind_nginx() {
    let started = Instant::now();
    let (_sim, sim_base) = start_sim();
    // nginx's port must be known before the replicas start (their public URL); it is free
    // now and taken by nginx right after.
    let nginx_port = closed_port();
    let public = format!("http://127.0.0.1:{nginx_port}");
    let mut replicas: Vec<RelayProc> = (0..3).map(|_| start_replica(&sim_base, &public)).collect();
    let ports: Vec<u16> = replicas.iter().map(|r| r.addr.port()).collect();
    let nginx = Nginx::start(&ports, nginx_port);
    let client = Client {
        http: reqwest::Client::builder()
            .local_address(CLIENT_IP.parse::<IpAddr>().unwrap())
            .no_proxy()
            .build()
            .unwrap(),
        nginx_port: nginx.port,
    };
    let c = &client;
    assert_eq!(
        send_ok(c.http.get(nginx.url("/healthz"))).await.1,
        json!({"status": "ok"})
    );

    // 1. Uploads: the web client's (from the relay's own origin, the UI's case) and the SDK's
    //    (no Origin). Policy and upload must be served by different replicas, and succeed.
    let mut oss_urls = Vec::new();
    for (i, origin) in [Some(public.as_str()), None, None].into_iter().enumerate() {
        let content = format!("clip {i} bytes").into_bytes();
        let (url, by_policy, by_upload) = c
            .upload(&replicas, &format!("clip{i}.mp4"), &content, origin)
            .await;
        assert_ne!(by_policy, by_upload, "policy and upload on one replica");
        println!("upload {i}: policy by replica {by_policy}, upload by replica {by_upload}");
        oss_urls.push(url);
    }
    // The relays read the client from X-Forwarded-For (nginx is trusted), not the peer.
    for replica in &replicas {
        for line in replica.lines.lock().unwrap().iter() {
            if line.contains("\"message\":\"request\"") {
                assert!(
                    line.contains(&format!("\"client\":\"{CLIENT_IP}\"")),
                    "{line}"
                );
            }
        }
    }

    // 2. The SDK's own flow (local file upload, wan2.7 submit, wait), if its Python is given;
    //    else the same requests as the SDK sends them, raw (step 1 made them; submit below).
    match std::env::var("WANEDIT_SDK_PYTHON") {
        Ok(python) if !python.is_empty() => {
            let out = Command::new(&python)
                .arg(repo().join("tests/replicas/sdk_flow.py"))
                .arg(format!("{public}/sim/api/v1"))
                .env("NO_PROXY", "*")
                .output()
                .expect("run the SDK flow");
            let text = String::from_utf8_lossy(&out.stdout).into_owned()
                + &String::from_utf8_lossy(&out.stderr);
            assert!(out.status.success(), "SDK flow failed:\n{text}");
            println!("SDK flow through nginx: {}", text.trim());
        }
        _ => println!(
            "WANEDIT_SDK_PYTHON not set: the SDK's upload + wan2.7 submit + wait ran as raw HTTP \
             (the requests the SDK sends)"
        ),
    }

    // 3. Submits (wan2.7 with the uploaded oss:// URLs, and VACE), then polls until all are
    //    done, killing replica 0 (SIGTERM) and then replica 1 (SIGKILL) on the way.
    let mut tasks: BTreeMap<String, String> = BTreeMap::new();
    for url in &oss_urls {
        tasks.insert(c.submit(&wan27(url), true).await, "PENDING".into());
    }
    for _ in 0..3 {
        tasks.insert(c.submit(&valid_body(), false).await, "PENDING".into());
        tasks.insert(
            c.submit(
                &wan27("http://wanx.alicdn.com/material/20250318/video_repainting_1.mp4"),
                false,
            )
            .await,
            "PENDING".into(),
        );
    }
    let mut round = 0;
    let mut killed = Vec::new();
    let mut polls = 0;
    while tasks.values().any(|s| s != "SUCCEEDED") {
        assert!(started.elapsed() < DEADLINE, "tasks not done: {tasks:?}");
        for (task, status) in tasks.iter_mut() {
            *status = c.status(task).await;
            polls += 1;
            assert!(
                matches!(status.as_str(), "PENDING" | "RUNNING" | "SUCCEEDED"),
                "{task}: {status}"
            );
        }
        round += 1;
        if round == 2 {
            let pid = replicas[0].child.id().to_string();
            assert!(Command::new("kill")
                .args(["-TERM", &pid])
                .status()
                .unwrap()
                .success());
            killed.push("replica 0 (SIGTERM)");
        }
        if round == 4 {
            replicas[1].child.kill().unwrap();
            killed.push("replica 1 (SIGKILL)");
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert!(
        round > 4,
        "the run ended before both kills ({round} rounds)"
    );
    // After the kills the last replica serves everything: more submits, polled to the end.
    let mut late = Vec::new();
    for _ in 0..2 {
        late.push(c.submit(&valid_body(), false).await);
    }
    for task in &late {
        loop {
            assert!(started.elapsed() < DEADLINE, "late task {task} not done");
            if c.status(task).await == "SUCCEEDED" {
                break;
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }

    // No task lost: every one submitted is known (SUCCEEDED) to the simulator itself.
    let all: BTreeSet<&String> = tasks.keys().chain(late.iter()).collect();
    let direct = reqwest::Client::new();
    for task in &all {
        let (_, body) = send_ok(
            direct
                .get(format!("{sim_base}/api/v1/tasks/{task}"))
                .header("authorization", format!("Bearer {KEY}")),
        )
        .await;
        assert_eq!(body["output"]["task_status"], "SUCCEEDED", "{body}");
    }

    // What nginx saw: every answer 2xx; requests it had to send to another replica were
    // reads only (never a submit or an upload sent twice).
    let log = nginx.access_log();
    let retried: Vec<&String> = log
        .iter()
        .filter(|l| {
            l.contains("upstream=\"")
                && l.split("upstream=\"")
                    .nth(1)
                    .unwrap()
                    .split('"')
                    .next()
                    .unwrap()
                    .contains(',')
        })
        .collect();
    let mut throttled = 0;
    for line in &log {
        let status: u16 = line.split(' ').nth(2).unwrap().parse().unwrap();
        // The simulator's documented submission rate (429 Throttling.RateQuota, passed on by
        // the relay and retried by the client as SDK users do) is the one non-2xx allowed.
        if status == 429 && line.starts_with("POST ") && line.contains("video-synthesis") {
            throttled += 1;
            continue;
        }
        assert!((200..300).contains(&status), "client saw: {line}");
    }
    for line in &retried {
        assert!(line.starts_with("GET "), "a non-read was retried: {line}");
    }
    let (status, _) = replicas.remove(0).stop();
    println!(
        "replicas: {} requests through nginx ({polls} polls of {} tasks, {throttled} submits \
         throttled by the simulator and retried), {} retried reads; killed {}; replica 0 exited \
         {status:?} after SIGTERM; {:.1} s",
        log.len(),
        all.len(),
        retried.len(),
        killed.join(", "),
        started.elapsed().as_secs_f64()
    );
    assert!(status.success(), "SIGTERM must be a clean shutdown");
}
