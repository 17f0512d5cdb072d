//! The `wanedit-relay` binary: flags and environment in, a running relay out.

use clap::Parser;
use wanedit_relay::{logging, Args, Config};

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let args = Args::parse();
    logging::init(args.log_format);
    let config = match Config::from_args(args, std::env::var("DASHSCOPE_API_KEY").ok()) {
        Ok(config) => config,
        Err(e) => {
            tracing::error!(error = %e, "invalid configuration");
            return std::process::ExitCode::from(2);
        }
    };
    let upstreams: Vec<String> = config
        .upstreams
        .iter()
        .map(|u| {
            format!(
                "{}={} ({})",
                u.name,
                u.base,
                if u.key.holds_key() {
                    "key held"
                } else {
                    "pass-through"
                }
            )
        })
        .collect();
    tracing::info!(
        ?upstreams,
        token = config.access_token.is_some(),
        "configuration"
    );
    match wanedit_relay::run(config).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            tracing::error!(error = %e, "relay stopped");
            std::process::ExitCode::FAILURE
        }
    }
}
