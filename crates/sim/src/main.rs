//! `wanedit-sim`: runs the DashScope simulator as a standalone server (demo mode, and tests
//! written in other languages).

use std::net::SocketAddr;
use std::time::Duration;

use clap::Parser;
use tracing_subscriber::EnvFilter;
use wanedit_sim::{spawn, SimConfig};

/// A faithful simulator of DashScope's asynchronous video-editing API.
#[derive(Debug, Parser)]
#[command(name = "wanedit-sim", version, about)]
struct Args {
    /// Address to listen on.
    #[arg(long, env = "WANEDIT_SIM_LISTEN", default_value = "127.0.0.1:8790")]
    listen: SocketAddr,

    /// A valid API key (repeatable; the env var takes a comma-separated list).
    /// Default: sk-sim.
    #[arg(
        long = "key",
        env = "WANEDIT_SIM_KEYS",
        value_delimiter = ',',
        hide_env_values = true
    )]
    keys: Vec<String>,

    /// Virtual seconds per real second (60 makes a 5-minute task take 5 s; 0 freezes time).
    #[arg(long, env = "WANEDIT_SIM_TIME_SCALE", default_value_t = 1.0)]
    time_scale: f64,

    /// Base URL put into result links and upload hosts, if clients reach the simulator
    /// through another address than the listen address.
    #[arg(long, env = "WANEDIT_SIM_PUBLIC_URL")]
    public_url: Option<String>,

    /// Base URL of result links only (`{url}/results/{id}.mp4`), e.g. a relay's public URL
    /// and upstream path; default: the public URL.
    #[arg(long, env = "WANEDIT_SIM_RESULT_URL")]
    result_url: Option<String>,

    /// Virtual run time of a VACE task, in seconds.
    #[arg(long, env = "WANEDIT_SIM_VACE_SECONDS")]
    vace_seconds: Option<u64>,

    /// Virtual run time of a wan2.7-videoedit task, in seconds.
    #[arg(long, env = "WANEDIT_SIM_WAN27_SECONDS")]
    wan27_seconds: Option<u64>,

    /// Virtual run time of a task of any other served model (text-, image-, keyframe- and
    /// reference-to-video), in seconds.
    #[arg(long, env = "WANEDIT_SIM_GENERIC_SECONDS")]
    generic_seconds: Option<u64>,
}

#[tokio::main]
async fn main() -> std::io::Result<()> {
    // Logs go to stderr so stdout carries only the "listening on" line scripts wait for.
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")),
        )
        .init();
    let args = Args::parse();
    if !args.time_scale.is_finite() || args.time_scale < 0.0 {
        eprintln!("--time-scale must be a number >= 0");
        std::process::exit(2);
    }
    let mut config = SimConfig {
        listen: Some(args.listen),
        time_scale: args.time_scale,
        public_base_url: args.public_url,
        result_base_url: args.result_url,
        ..SimConfig::default()
    };
    let keys: Vec<String> = args
        .keys
        .into_iter()
        .map(|k| k.trim().to_string())
        .filter(|k| !k.is_empty())
        .collect();
    if !keys.is_empty() {
        config.keys = keys;
    }
    if let Some(s) = args.vace_seconds {
        config.vace.run_duration = Duration::from_secs(s);
    }
    if let Some(s) = args.wan27_seconds {
        config.wan27.run_duration = Duration::from_secs(s);
    }
    if let Some(s) = args.generic_seconds {
        config.generic.run_duration = Duration::from_secs(s);
    }
    // Only the number of keys is logged, never a key.
    tracing::info!(
        keys = config.keys.len(),
        time_scale = config.time_scale,
        "starting"
    );
    let sim = spawn(config).await?;
    println!("wanedit-sim listening on {}", sim.base_url());
    tokio::signal::ctrl_c().await?;
    tracing::info!("shutting down");
    sim.shutdown().await;
    Ok(())
}
