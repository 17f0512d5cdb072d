//! A trivial upstream for the benchmark: every request on a keep-alive HTTP/1.1 connection gets
//! the same fixed 200 JSON answer (the size of the simulator's task-query answer). It costs far
//! less CPU per request than the simulator, so measuring each proxy against it isolates the
//! proxy's own cost. Loopback, a free port, one thread. Prints `UPSTREAM_BASE=…`, then serves
//! until SIGINT/SIGTERM. Only for GETs without a body (what the benchmark sends).
//!
//! `cargo run --release -p wanedit-relay --example bench_upstream`

use std::io::Write;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

const BODY: &str = r#"{"output":{"submit_time":"2026-01-01 00:00:00.000","task_id":"00000000-0000-4000-8000-000000000000","task_status":"PENDING"},"request_id":"00000000-0000-4000-8000-000000000001"}"#;

fn main() -> std::io::Result<()> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    runtime.block_on(serve())
}

async fn serve() -> std::io::Result<()> {
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    println!("UPSTREAM_BASE=http://{}", listener.local_addr()?);
    std::io::stdout().flush()?;
    let answer: &'static [u8] = format!(
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{BODY}",
        BODY.len()
    )
    .leak()
    .as_bytes();
    let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())?;
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                if let Ok((stream, _)) = accepted {
                    let _ = stream.set_nodelay(true);
                    tokio::spawn(connection(stream, answer));
                }
            }
            _ = tokio::signal::ctrl_c() => return Ok(()),
            _ = term.recv() => return Ok(()),
        }
    }
}

/// Answers every complete request head (up to the blank line) with `answer`; pipelined
/// requests get one answer each, written together.
async fn connection(mut stream: TcpStream, answer: &'static [u8]) {
    let mut buf = vec![0u8; 16 * 1024];
    let mut filled = 0;
    let mut out = Vec::with_capacity(answer.len() * 4);
    loop {
        let n = match stream.read(&mut buf[filled..]).await {
            Ok(0) | Err(_) => return,
            Ok(n) => n,
        };
        filled += n;
        let mut start = 0;
        while let Some(end) = buf[start..filled].windows(4).position(|w| w == b"\r\n\r\n") {
            start += end + 4;
            out.extend_from_slice(answer);
        }
        buf.copy_within(start..filled, 0);
        filled -= start;
        if filled == buf.len() {
            return; // a head larger than the buffer: not something the benchmark sends
        }
        if !out.is_empty() {
            if stream.write_all(&out).await.is_err() {
                return;
            }
            out.clear();
        }
    }
}
