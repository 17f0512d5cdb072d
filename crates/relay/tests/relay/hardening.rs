//! What an outside red team found, each as a test against the real binary over raw sockets:
//! slowloris (unfinished heads, idle connections, a low file-descriptor limit, large heads),
//! slow bodies and uploads, connection caps, duplicate JSON keys, a reflected `Host`, a missing
//! `Host`, an upstream that stalls mid-body, and graceful shutdown.
//!
//! Timeouts are set low by flags and every wait has a generous margin over them.

use crate::common::*;
use std::io::ErrorKind;
use std::net::{IpAddr, SocketAddr};
use std::process::Command;
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpSocket, TcpStream};

const TASK: &str = "0385dc79-5ff8-4d82-bcb6-4ab1a2b3c4d5";

/// How a connection ended, seen from the client.
#[derive(Debug, PartialEq, Eq)]
enum End {
    /// A clean close (FIN).
    Eof,
    /// A reset (or another read error).
    Reset,
    /// Still open when the test stopped waiting.
    Open,
}

/// Reads until the connection ends or `wait` passes; returns what came and how it ended.
async fn read_to_end(stream: &mut TcpStream, wait: Duration) -> (Vec<u8>, End) {
    let deadline = tokio::time::Instant::now() + wait;
    let mut got = Vec::new();
    let mut buf = [0u8; 16 * 1024];
    loop {
        match tokio::time::timeout_at(deadline, stream.read(&mut buf)).await {
            Err(_) => return (got, End::Open),
            Ok(Ok(0)) => return (got, End::Eof),
            Ok(Ok(n)) => got.extend_from_slice(&buf[..n]),
            Ok(Err(_)) => return (got, End::Reset),
        }
    }
}

/// The status code at the start of an answer, 0 if there is none.
fn status_of(answer: &[u8]) -> u16 {
    let text = String::from_utf8_lossy(answer);
    text.strip_prefix("HTTP/1.1 ")
        .or_else(|| text.strip_prefix("HTTP/1.0 "))
        .and_then(|rest| rest.get(..3))
        .and_then(|code| code.parse().ok())
        .unwrap_or(0)
}

/// The JSON body of a whole answer (after the head).
fn body_of(answer: &[u8]) -> serde_json::Value {
    let text = String::from_utf8_lossy(answer);
    let body = text.split_once("\r\n\r\n").map_or("", |(_, b)| b);
    serde_json::from_str(body).unwrap_or(serde_json::Value::Null)
}

/// A connection to `addr` from the loopback address `from` (127.0.0.x: another client IP).
async fn connect_from(from: &str, addr: SocketAddr) -> TcpStream {
    let socket = TcpSocket::new_v4().unwrap();
    socket
        .bind(SocketAddr::new(from.parse::<IpAddr>().unwrap(), 0))
        .unwrap();
    socket.connect(addr).await.unwrap()
}

/// Sends `request` on a new connection from `from` and reads the answer to the end (or for
/// `wait`); a write the relay cut short is not an error here.
async fn exchange(from: &str, addr: SocketAddr, request: &[u8], wait: Duration) -> (Vec<u8>, End) {
    let mut stream = connect_from(from, addr).await;
    let _ = stream.write_all(request).await;
    read_to_end(&mut stream, wait).await
}

/// `GET /healthz` with `Connection: close`: its status, or 0 if the relay did not answer.
async fn healthz(addr: SocketAddr) -> u16 {
    let Ok(Ok(mut stream)) =
        tokio::time::timeout(Duration::from_secs(2), TcpStream::connect(addr)).await
    else {
        return 0;
    };
    let request = b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
    if stream.write_all(request).await.is_err() {
        return 0;
    }
    status_of(&read_to_end(&mut stream, Duration::from_secs(2)).await.0)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unfinished_heads_and_idle_connections_are_closed_within_the_header_timeout() {
    let relay = start_relay(
        &["--header-timeout", "1", "--max-connections-per-client", "0"],
        &[],
    );
    let started = Instant::now();
    let mut tasks = Vec::new();
    for i in 0..200 {
        let addr = relay.addr;
        tasks.push(tokio::spawn(async move {
            let mut stream = TcpStream::connect(addr).await.unwrap();
            // Half the connections send part of a head, half send nothing at all.
            if i % 2 == 0 {
                stream
                    .write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: ")
                    .await
                    .unwrap();
            }
            read_to_end(&mut stream, Duration::from_secs(8)).await.1
        }));
    }
    // A keep-alive connection left idle after one answer is closed too.
    let mut idle = TcpStream::connect(relay.addr).await.unwrap();
    idle.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        .await
        .unwrap();
    let (answer, end) = read_to_end(&mut idle, Duration::from_secs(8)).await;
    assert_eq!(status_of(&answer), 200);
    assert_ne!(end, End::Open, "an idle keep-alive connection stayed open");
    for task in tasks {
        assert_ne!(
            task.await.unwrap(),
            End::Open,
            "an unfinished head was kept"
        );
    }
    let took = started.elapsed();
    assert!(took < Duration::from_secs(6), "closed only after {took:?}");
    // And the relay still serves.
    assert_eq!(healthz(relay.addr).await, 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn healthz_recovers_from_300_idle_connections_under_ulimit_256() {
    let relay = start_relay_after(
        "ulimit -n 256",
        &[
            "--header-timeout",
            "2",
            "--max-connections-per-client",
            "0",
            "--workers",
            "2",
        ],
        &[],
    );
    let mut held = Vec::new();
    for _ in 0..300 {
        held.push(TcpStream::connect(relay.addr).await.unwrap());
    }
    // The idle ones are closed after the header timeout (those over the cap at once), so
    // /healthz answers again while the client still holds all 300 sockets.
    let deadline = Instant::now() + Duration::from_secs(15);
    let mut status = 0;
    while Instant::now() < deadline {
        status = healthz(relay.addr).await;
        if status == 200 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert_eq!(status, 200, "/healthz did not recover");
    drop(held);
    assert_eq!(healthz(relay.addr).await, 200);
    let (status, lines) = relay.stop();
    assert!(status.success(), "{status:?}");
    assert!(
        lines
            .iter()
            .any(|l| l.contains("--max-connections lowered")),
        "the cap was fitted to the descriptor limit"
    );
    let accept_errors = lines.iter().filter(|l| l.contains("accept failed")).count();
    assert!(
        accept_errors < 50,
        "{accept_errors} accept errors: the loop spun"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn large_heads_get_431_and_unfinished_ones_do_not_grow_memory() {
    let relay = start_relay(
        &[
            "--max-connections-per-client",
            "0",
            "--header-timeout",
            "30",
        ],
        &[],
    );
    // A whole head of `kib` KiB (one big header), and the relay's answer to it.
    let head_of = |kib: usize| {
        let head = format!(
            "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: {}\r\nConnection: close\r\n\r\n",
            "a".repeat(kib * 1024)
        );
        async move {
            exchange(
                "127.0.0.1",
                relay.addr,
                head.as_bytes(),
                Duration::from_secs(5),
            )
            .await
            .0
        }
    };
    // Just over the 16 KiB cap: 431, not an answer.
    let answer = head_of(17).await;
    assert_eq!(
        status_of(&answer),
        431,
        "{}",
        String::from_utf8_lossy(&answer)
    );
    // A head under the cap is fine.
    assert_eq!(status_of(&head_of(12).await), 200);

    // 300 connections each sending 390 KB of a head that never ends (under hyper's own
    // ~400 KB buffer cap, so without the relay's cap all of it is held).
    let before = relay.vm_hwm_kib();
    let line = format!("X-Pad: {}\r\n", "b".repeat(1000));
    let mut tasks = Vec::new();
    for _ in 0..300 {
        let addr = relay.addr;
        let line = line.clone();
        tasks.push(tokio::spawn(async move {
            let mut stream = TcpStream::connect(addr).await.unwrap();
            let _ = stream
                .write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
                .await;
            for _ in 0..390 {
                if stream.write_all(line.as_bytes()).await.is_err() {
                    break;
                }
            }
            stream
        }));
    }
    let mut held = Vec::new();
    for task in tasks {
        held.push(task.await.unwrap());
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    let grown_mib = (relay.vm_hwm_kib().saturating_sub(before)) as f64 / 1024.0;
    println!("300 unfinished 390 KB heads: relay peak RSS grew {grown_mib:.1} MiB");
    assert!(grown_mib < 40.0, "peak RSS grew {grown_mib:.1} MiB");
    drop(held);
    assert_eq!(healthz(relay.addr).await, 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connection_caps_answer_503_and_free_their_places() {
    let relay = start_relay(
        &[
            "--max-connections",
            "6",
            "--max-connections-per-client",
            "3",
            "--header-timeout",
            "30",
        ],
        &[],
    );
    let wait = Duration::from_secs(5);
    let mut held = Vec::new();
    for _ in 0..3 {
        held.push(connect_from("127.0.0.1", relay.addr).await);
    }
    // A fourth from the same client is answered at once and closed, before it sends anything.
    let mut over = connect_from("127.0.0.1", relay.addr).await;
    let (answer, end) = read_to_end(&mut over, wait).await;
    assert_eq!(
        status_of(&answer),
        503,
        "{}",
        String::from_utf8_lossy(&answer)
    );
    assert_error(503, &body_of(&answer), 503, "RelayBusy");
    assert_eq!(end, End::Eof);
    // Another client is still served.
    let request = b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
    let (answer, _) = exchange("127.0.0.2", relay.addr, request, wait).await;
    assert_eq!(status_of(&answer), 200);
    // Until the relay holds its most connections in all.
    for from in ["127.0.0.2", "127.0.0.3", "127.0.0.3"] {
        held.push(connect_from(from, relay.addr).await);
    }
    let mut over = connect_from("127.0.0.4", relay.addr).await;
    let (answer, _) = read_to_end(&mut over, wait).await;
    assert_error(503, &body_of(&answer), 503, "RelayBusy");
    // Closing one frees a place.
    drop(held.remove(0));
    let deadline = Instant::now() + wait;
    let mut status = 0;
    while status != 200 && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(50)).await;
        status = status_of(&exchange("127.0.0.1", relay.addr, request, wait).await.0);
    }
    assert_eq!(status, 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_json_body_that_never_arrives_is_a_408() {
    let rec = recorder(Reply::Json("{}")).await;
    let relay = start_relay(
        &[
            "--upstream",
            &format!("up={}", rec.base()),
            "--body-timeout",
            "1",
        ],
        &[],
    );
    let head = format!(
        "POST /up{CREATE_PATH} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer sk-x\r\nContent-Type: application/json\r\nContent-Length: 500\r\n\r\n{{\"model\":"
    );
    let started = Instant::now();
    let (answer, _) = exchange(
        "127.0.0.1",
        relay.addr,
        head.as_bytes(),
        Duration::from_secs(8),
    )
    .await;
    assert_error(
        status_of(&answer),
        &body_of(&answer),
        408,
        "RelayRequestTimeout",
    );
    assert!(started.elapsed() < Duration::from_secs(5));
    assert!(rec.hits().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_upload_that_stalls_is_cut_with_408() {
    let sim = sim(&["sk-sim"]).await;
    let relay = start_relay_for_sim(
        &sim,
        &[
            "--upload-host-allow",
            &sim.base_url(),
            "--upload-min-rate",
            "8",
            "--upload-rate-window",
            "1",
        ],
        &[],
    );
    let (data, key) = sim_upload_policy(&client(), &relay, "stalled.mp4").await;
    let data = &data;
    let host = url::Url::parse(data["upload_host"].as_str().unwrap()).unwrap();
    let head = multipart_head(data, &key);
    let mut request = format!(
        "POST {} HTTP/1.1\r\nHost: x\r\nContent-Type: {}\r\nContent-Length: 1000000\r\n\r\n",
        host.path(),
        multipart_content_type()
    )
    .into_bytes();
    // The form's fields and the first bytes of the file, then nothing more.
    request.extend_from_slice(&head);
    request.extend_from_slice(&[0x5a; 100]);
    let started = Instant::now();
    let (answer, _) = exchange("127.0.0.1", relay.addr, &request, Duration::from_secs(10)).await;
    let took = started.elapsed();
    assert_error(
        status_of(&answer),
        &body_of(&answer),
        408,
        "RelayRequestTimeout",
    );
    assert!(took < Duration::from_secs(6), "{took:?}");
    assert!(sim.control().uploaded(&key).is_none());
    sim.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn duplicate_json_keys_are_refused_naming_the_path() {
    let rec = recorder(Reply::Json("{\"output\":{\"task_status\":\"PENDING\"}}")).await;
    let relay = start_relay(&["--upstream", &format!("up={}", rec.base())], &[]);
    let c = client();
    let valid = valid_body().to_string();
    // The bogus copy first, the valid one last (the one a last-wins parser validates).
    let smuggled = valid.replacen(
        "\"parameters\":{",
        "\"parameters\":{\"control_condition\":\"bogus\",",
        1,
    );
    assert_ne!(smuggled, valid);
    let (status, _, body) = send_json(
        c.post(relay.create_url("up"))
            .header("authorization", "Bearer sk-client")
            .body(smuggled),
    )
    .await;
    assert_error(status, &body, 400, "InvalidParameter");
    let message = body["message"].as_str().unwrap();
    assert!(
        message.contains("duplicate key at parameters.control_condition"),
        "{message}"
    );
    assert_eq!(body["issues"][0]["path"], "parameters.control_condition");
    assert_eq!(body["issues"][0]["code"], "duplicate_key");
    assert!(body["request_id"].is_string());
    assert!(
        rec.hits().is_empty(),
        "a body with a duplicate key was forwarded"
    );
    // The same body without the second copy goes through.
    let (status, _, body) = send_json(
        c.post(relay.create_url("up"))
            .header("authorization", "Bearer sk-client")
            .body(valid),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(rec.hits().len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn upload_host_is_never_built_from_a_foreign_host_header() {
    let policy = recorder(Reply::Policy(
        "https://bucket.oss-cn-beijing.aliyuncs.com".into(),
    ))
    .await;
    let relay = start_relay(&["--upstream", &format!("p={}", policy.base())], &[]);
    let port = relay.addr.port();
    let upload_host = |host: String| {
        let addr = relay.addr;
        async move {
            let request = format!(
                "GET /p/api/v1/uploads?action=getPolicy&model=m HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
            );
            let (answer, _) = exchange(
                "127.0.0.1",
                addr,
                request.as_bytes(),
                Duration::from_secs(5),
            )
            .await;
            assert_eq!(
                status_of(&answer),
                200,
                "{}",
                String::from_utf8_lossy(&answer)
            );
            body_of(&answer)["data"]["upload_host"]
                .as_str()
                .unwrap()
                .to_string()
        }
    };
    let own = format!("http://127.0.0.1:{port}/p/oss/");
    for foreign in [
        "evil.example".to_string(),
        format!("evil.example:{port}"),
        "localhost:1".to_string(),
    ] {
        let got = upload_host(foreign.clone()).await;
        assert!(got.starts_with(&own), "Host {foreign}: {got}");
    }
    // The relay's own names are kept, so a browser on http://localhost:PORT uploads there.
    let got = upload_host(format!("localhost:{port}")).await;
    assert!(
        got.starts_with(&format!("http://localhost:{port}/p/oss/")),
        "{got}"
    );

    let relay = start_relay(
        &[
            "--upstream",
            &format!("p={}", policy.base()),
            "--public-url",
            "https://relay.example",
        ],
        &[],
    );
    let request = b"GET /p/api/v1/uploads?action=getPolicy&model=m HTTP/1.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n";
    let (answer, _) = exchange("127.0.0.1", relay.addr, request, Duration::from_secs(5)).await;
    let got = body_of(&answer)["data"]["upload_host"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(got.starts_with("https://relay.example/p/oss/"), "{got}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn http11_without_exactly_one_host_is_a_400() {
    let relay = start_relay(&[], &[]);
    let wait = Duration::from_secs(5);
    let cases: [(&[u8], u16); 4] = [
        (b"GET /healthz HTTP/1.1\r\nConnection: close\r\n\r\n", 400),
        (
            b"GET /healthz HTTP/1.1\r\nHost: a\r\nHost: b\r\nConnection: close\r\n\r\n",
            400,
        ),
        (
            b"GET /healthz HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n",
            200,
        ),
        (b"GET /healthz HTTP/1.0\r\n\r\n", 200),
    ];
    for (request, want) in cases {
        let (answer, _) = exchange("127.0.0.1", relay.addr, request, wait).await;
        let shown = String::from_utf8_lossy(&answer);
        assert_eq!(status_of(&answer), want, "{shown}");
        if want == 400 {
            assert_error(400, &body_of(&answer), 400, "RelayBadRequest");
        }
    }
}

/// An upstream that answers `200` with half of its body (`Content-Length: 100`, 50 bytes; or
/// one chunk of a chunked body), then stalls.
async fn stalling_upstream(chunked: bool) -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            tokio::spawn(async move {
                let mut buf = [0u8; 4096];
                let _ = stream.read(&mut buf).await;
                let head: &[u8] = if chunked {
                    b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n32\r\n"
                } else {
                    b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n"
                };
                let _ = stream.write_all(head).await;
                let _ = stream.write_all(&[b' '; 50]).await;
                tokio::time::sleep(Duration::from_secs(60)).await;
            });
        }
    });
    addr
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_upstream_stalling_mid_body_resets_the_client() {
    let length = stalling_upstream(false).await;
    let chunked = stalling_upstream(true).await;
    let relay = start_relay(
        &[
            "--upstream",
            &format!("length=http://{length}"),
            "--upstream",
            &format!("chunked=http://{chunked}"),
            "--timeout",
            "2",
        ],
        &[],
    );
    // HTTP/1.0 reads a body of unknown length to the connection's end: only a reset tells
    // it the answer broke off.
    for (name, version) in [
        ("length", "1.1"),
        ("length", "1.0"),
        ("chunked", "1.1"),
        ("chunked", "1.0"),
    ] {
        let request = format!("GET /{name}/api/v1/tasks/{TASK} HTTP/{version}\r\nHost: x\r\n\r\n");
        let started = Instant::now();
        let (answer, end) = exchange(
            "127.0.0.1",
            relay.addr,
            request.as_bytes(),
            Duration::from_secs(10),
        )
        .await;
        let took = started.elapsed();
        assert_eq!(
            end,
            End::Reset,
            "{name} over HTTP/{version}: {}",
            String::from_utf8_lossy(&answer)
        );
        assert!(took < Duration::from_secs(8), "{took:?}");
    }
}

/// Sends SIGTERM to the relay.
fn sigterm(relay: &RelayProc) {
    let status = Command::new("kill")
        .args(["-TERM", &relay.child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
}

/// Waits up to `wait` for the relay to exit; its exit status and how long it took.
fn wait_exit(
    relay: &mut RelayProc,
    wait: Duration,
) -> (Option<std::process::ExitStatus>, Duration) {
    let started = Instant::now();
    while started.elapsed() < wait {
        if let Some(status) = relay.child.try_wait().unwrap() {
            return (Some(status), started.elapsed());
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    (None, started.elapsed())
}

/// Whether new connections to `addr` are refused within `wait`.
async fn refuses_connections(addr: SocketAddr, wait: Duration) -> bool {
    let deadline = Instant::now() + wait;
    while Instant::now() < deadline {
        match TcpStream::connect(addr).await {
            Err(e) if e.kind() == ErrorKind::ConnectionRefused => return true,
            _ => tokio::time::sleep(Duration::from_millis(50)).await,
        }
    }
    false
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_finishes_in_flight_calls_and_uploads_then_exits() {
    let slow = recorder(Reply::Slow(Duration::from_secs(3))).await;
    let sim = sim(&["sk-sim"]).await;
    let mut relay = start_relay_for_sim(
        &sim,
        &[
            "--upload-host-allow",
            &sim.base_url(),
            "--upstream",
            &format!("slow={}", slow.base()),
            "--shutdown-grace",
            "15",
        ],
        &[],
    );
    let c = client();
    let (data, key) = sim_upload_policy(&c, &relay, "late.mp4").await;
    let data = &data;
    let host = data["upload_host"].as_str().unwrap().to_string();
    // An upload that takes about 3 s: 12 parts of 64 KiB, 250 ms apart.
    let head = multipart_head(data, &key);
    let tail = multipart_tail();
    let part = bytes::Bytes::from(vec![0x5au8; 64 * 1024]);
    let total = head.len() + 12 * part.len() + tail.len();
    let mut parts = vec![bytes::Bytes::from(head)];
    parts.extend(std::iter::repeat_n(part, 12));
    parts.push(tail.into());
    let stream = futures_util::StreamExt::then(futures_util::stream::iter(parts), |p| async move {
        tokio::time::sleep(Duration::from_millis(250)).await;
        Ok::<_, std::io::Error>(p)
    });
    let upload = tokio::spawn(
        c.post(&host)
            .header("content-type", multipart_content_type())
            .header("content-length", total)
            .body(reqwest::Body::wrap_stream(stream))
            .send(),
    );
    let call = tokio::spawn(
        client()
            .get(relay.url(&format!("/slow/api/v1/tasks/{TASK}")))
            .send(),
    );
    // Both are in flight (the call has reached its upstream) when SIGTERM comes.
    let deadline = Instant::now() + Duration::from_secs(5);
    while slow.hits().is_empty() && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(slow.hits().len(), 1);
    sigterm(&relay);
    assert!(
        refuses_connections(relay.addr, Duration::from_secs(2)).await,
        "new connections were still accepted after SIGTERM"
    );
    let call = call.await.unwrap().unwrap();
    assert_eq!(call.status().as_u16(), 200);
    let upload = upload.await.unwrap().unwrap();
    let status = upload.status().as_u16();
    assert_eq!(status, 200, "{}", upload.text().await.unwrap());
    assert_eq!(sim.control().uploaded(&key).unwrap().len(), 12 * 64 * 1024);
    let (status, took) = wait_exit(&mut relay, Duration::from_secs(10));
    let status = status.expect("the relay did not exit after its requests were done");
    assert!(status.success(), "{status:?}");
    assert!(took < Duration::from_secs(5), "exited after {took:?}");
    sim.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shutdown_grace_bounds_what_is_still_running() {
    let slow = recorder(Reply::Slow(Duration::from_secs(60))).await;
    let mut relay = start_relay(
        &[
            "--upstream",
            &format!("slow={}", slow.base()),
            "--shutdown-grace",
            "1",
        ],
        &[],
    );
    let call = tokio::spawn(
        client()
            .get(relay.url(&format!("/slow/api/v1/tasks/{TASK}")))
            .send(),
    );
    let deadline = Instant::now() + Duration::from_secs(5);
    while slow.hits().is_empty() && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    sigterm(&relay);
    let (status, took) = wait_exit(&mut relay, Duration::from_secs(10));
    let status = status.expect("the relay outlived its shutdown grace");
    assert!(status.success(), "{status:?}");
    assert!(took < Duration::from_secs(5), "exited after {took:?}");
    let cut = call.await.unwrap();
    assert!(
        cut.is_err() || cut.unwrap().status().as_u16() != 200,
        "the cut call looked complete"
    );
}
