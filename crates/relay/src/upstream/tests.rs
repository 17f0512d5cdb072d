//! The client against a raw HTTP/1.1 upstream: connections reused, requests in origin form,
//! connections the upstream closed while idle skipped.

use super::*;
use crate::config::Args;
use axum::http::StatusCode;
use bytes::Bytes;
use clap::Parser;
use std::sync::atomic::AtomicUsize;
use std::sync::Mutex;
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
    let path = client.path(0, &[path]);
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
