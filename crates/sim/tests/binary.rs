//! The `wanedit-sim` binary and the library's shutdown.

mod common;

use std::io::{BufRead, BufReader, Read};
use std::process::{Command, Stdio};
use std::time::Duration;

use common::*;

/// Kills the child even when an assertion fails first.
struct Reaper(std::process::Child);

impl Drop for Reaper {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[tokio::test]
async fn binary_takes_keys_from_env_and_never_logs_them() {
    let secret = "sk-binary-test-0123456789";
    let child = Command::new(env!("CARGO_BIN_EXE_wanedit-sim"))
        .args(["--listen", "127.0.0.1:0", "--time-scale", "0"])
        .env("WANEDIT_SIM_KEYS", format!("{secret},sk-second"))
        .env("RUST_LOG", "debug")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut child = Reaper(child);
    let mut stdout = BufReader::new(child.0.stdout.take().unwrap());
    let mut line = String::new();
    stdout.read_line(&mut line).unwrap();
    let base = line.trim().rsplit(' ').next().unwrap().to_string();
    assert!(base.starts_with("http://127.0.0.1:"), "{line}");

    let http = reqwest::Client::new();
    let submit = |key: &'static str| {
        http.post(format!("{base}{SUBMIT}"))
            .bearer_auth(key)
            .header("X-DashScope-Async", "enable")
            .json(&vace_body())
            .send()
    };
    assert_eq!(
        submit("sk-sim").await.unwrap().status(),
        401,
        "default key replaced"
    );
    assert_eq!(submit("sk-second").await.unwrap().status(), 200);
    assert_eq!(submit(secret).await.unwrap().status(), 200);
    let clock: serde_json::Value = http
        .get(format!("{base}/__sim/clock"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(clock["time_scale"], 0.0);

    let stderr = child.0.stderr.take().unwrap();
    drop(child);
    let mut logs = String::new();
    BufReader::new(stderr).read_to_string(&mut logs).unwrap();
    assert!(logs.contains("task created"), "{logs}");
    assert!(
        !logs.contains(secret) && !logs.contains("sk-second"),
        "{logs}"
    );
}

#[test]
fn help_lists_flags_and_env_vars_without_values() {
    let out = Command::new(env!("CARGO_BIN_EXE_wanedit-sim"))
        .arg("--help")
        .env("WANEDIT_SIM_KEYS", "sk-hidden-value")
        .output()
        .unwrap();
    let help = String::from_utf8(out.stdout).unwrap();
    for flag in [
        "--listen",
        "--key",
        "--time-scale",
        "WANEDIT_SIM_LISTEN",
        "WANEDIT_SIM_KEYS",
        "WANEDIT_SIM_TIME_SCALE",
    ] {
        assert!(help.contains(flag), "{flag} missing from:\n{help}");
    }
    assert!(!help.contains("sk-hidden-value"));
}

#[tokio::test]
async fn shutdown_stops_serving() {
    let sim = start().await;
    let url = sim.url("/__sim/clock");
    assert!(sim.http.get(&url).send().await.is_ok());
    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(0)
        .build()
        .unwrap();
    sim.handle.shutdown().await;
    let err = http
        .get(&url)
        .timeout(Duration::from_secs(2))
        .send()
        .await
        .unwrap_err();
    assert!(err.is_connect(), "{err}");
}
