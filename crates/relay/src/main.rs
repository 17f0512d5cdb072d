//! The `wanedit-relay` binary: flags and environment in, a running relay out.

use clap::Parser;
use wanedit_relay::{logging, Args, Config};

#[tokio::main]
async fn main() -> std::process::ExitCode {
    // `wanedit-relay check [FLAGS]`: ask each upstream once, print verdicts, exit.
    let mut argv: Vec<std::ffi::OsString> = std::env::args_os().collect();
    let check = argv.get(1).is_some_and(|a| a == "check");
    if check {
        argv.remove(1);
    }
    let args = Args::parse_from(argv);
    logging::init(args.log_format);
    let env_key = std::env::var("DASHSCOPE_API_KEY").ok();
    let checked = if check {
        Config::for_check(args, env_key)
    } else {
        Config::from_args(args, env_key)
    };
    let config = match checked {
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
    if check {
        return match wanedit_relay::check::check_upstreams(&config).await {
            Ok(verdicts) => {
                for v in &verdicts {
                    let mark = if v.ok { "ok  " } else { "FAIL" };
                    println!("{mark} {} ({}): {}", v.name, v.base, v.text);
                }
                if verdicts.iter().all(|v| v.ok) {
                    std::process::ExitCode::SUCCESS
                } else {
                    std::process::ExitCode::FAILURE
                }
            }
            Err(e) => {
                tracing::error!(error = %e, "check failed");
                std::process::ExitCode::from(2)
            }
        };
    }
    match wanedit_relay::run(config).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            tracing::error!(error = %e, "relay stopped");
            std::process::ExitCode::FAILURE
        }
    }
}
