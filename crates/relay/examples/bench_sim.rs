//! The simulator as the benchmark's upstream: loopback, a free port, no per-account query
//! limit (so the figures measure the proxies, not the simulated throttle), one task created.
//! Prints `SIM_BASE=…` and `TASK_ID=…`, then serves until SIGINT/SIGTERM.
//!
//! `cargo run --release -p wanedit-relay --example bench_sim`

use std::io::Write;

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let config = wanedit_sim::SimConfig {
        keys: vec!["sk-sim".into()],
        time_scale: 0.0,
        queries_per_second: None,
        policies_per_second: None,
        request_log_capacity: 16,
        ..wanedit_sim::SimConfig::default()
    };
    let sim = wanedit_sim::spawn(config).await?;
    let base = sim.base_url();
    let body = r#"{"model":"wan2.7-videoedit","input":{"prompt":"bench","media":[{"type":"video","url":"https://example.com/a.mp4"}]}}"#;
    let task_id = create_task(sim.addr(), body).await?;
    println!("SIM_BASE={base}");
    println!("TASK_ID={task_id}");
    std::io::stdout().flush()?;
    let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())?;
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {},
        _ = term.recv() => {},
    }
    sim.shutdown().await;
    Ok(())
}

/// One plain HTTP/1.1 request, so the example needs no client library.
async fn create_task(addr: std::net::SocketAddr, body: &str) -> std::io::Result<String> {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut stream = tokio::net::TcpStream::connect(addr).await?;
    let request = format!(
        "POST /api/v1/services/aigc/video-generation/video-synthesis HTTP/1.1\r\nHost: {addr}\r\n\
         Authorization: Bearer sk-sim\r\nX-DashScope-Async: enable\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(request.as_bytes()).await?;
    let mut answer = String::new();
    stream.read_to_string(&mut answer).await?;
    let json = answer.split("\r\n\r\n").nth(1).unwrap_or_default();
    let value: serde_json::Value =
        serde_json::from_str(json.trim()).map_err(std::io::Error::other)?;
    value["output"]["task_id"]
        .as_str()
        .map(str::to_string)
        .ok_or_else(|| std::io::Error::other(format!("no task id in {answer}")))
}
