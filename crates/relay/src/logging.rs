//! Structured logs on stderr. The relay logs one line per request (route name, upstream,
//! status, latency, client address, request id) and never a key, a token, a header value, a
//! query string or a body. HTTP library internals are capped at `info` even under
//! `RUST_LOG=trace`, so their debug output (which can include headers) never appears.

use crate::config::LogFormat;
use tracing_subscriber::EnvFilter;

/// Installs the global subscriber. `RUST_LOG` picks levels (default `info`).
pub fn init(format: LogFormat) {
    let mut filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    for quiet in [
        "hyper=info",
        "hyper_util=info",
        "rustls=info",
        "h2=info",
        "tower_http=info",
    ] {
        if let Ok(directive) = quiet.parse() {
            filter = filter.add_directive(directive);
        }
    }
    let ansi = std::io::IsTerminal::is_terminal(&std::io::stderr());
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(ansi)
        .with_target(false);
    // A second init (tests running the relay in-process) keeps the first subscriber.
    let _ = match format {
        LogFormat::Json => builder.json().flatten_event(true).try_init(),
        LogFormat::Text => builder.try_init(),
    };
}
