//! Command-line flags (each also an environment variable) and the checked configuration the
//! relay runs with. Everything that can be refused is refused here, before a socket is opened.

use crate::error::RelayError;
use crate::upload::HostPattern;
use clap::{Parser, ValueEnum};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;
use url::Url;

mod secrets;
pub use secrets::Secret;
use secrets::{resolve_key, resolve_token};

/// Default upload-host allowlist: DashScope's OSS buckets.
pub const DEFAULT_UPLOAD_HOSTS: &str = "https://*.aliyuncs.com";

/// Most worker threads `--workers` accepts.
const MAX_WORKERS: usize = 256;

/// Names that cannot be upstream names because the relay uses them itself.
const RESERVED_NAMES: &[&str] = &["api", "healthz"];

const AFTER_HELP: &str = "\
Key-holding mode:
  DASHSCOPE_API_KEY=sk-...   (environment only, never a flag, so it stays out of `ps`)
  --api-key-file PATH        (or WANEDIT_API_KEY_FILE)
  With a key the relay sends `Authorization: Bearer <key>` itself and drops the caller's.
  It then refuses to start unless callers are restricted by --access-token and/or
  explicit --allow-origin values.

Logging: RUST_LOG sets the level (default `info`); --log-format json for JSON lines.
See crates/relay/README.md for routes and the security model.";

/// wanedit-relay: a deny-by-default CORS relay in front of DashScope's video-editing API.
#[derive(Debug, Clone, Parser)]
#[command(name = "wanedit-relay", version, after_help = AFTER_HELP)]
pub struct Args {
    /// Address to listen on.
    #[arg(
        long,
        env = "WANEDIT_LISTEN",
        default_value = "127.0.0.1:8787",
        value_name = "ADDR"
    )]
    pub listen: SocketAddr,

    /// An upstream as NAME=URL, or a region by name (intl, cn, us, hk); repeatable. Default:
    /// intl (https://dashscope-intl.aliyuncs.com) and cn (https://dashscope.aliyuncs.com).
    /// NAME is the first path segment of relay routes.
    #[arg(
        long = "upstream",
        env = "WANEDIT_UPSTREAM",
        value_name = "NAME=URL",
        value_delimiter = ','
    )]
    pub upstreams: Vec<String>,

    /// An exact origin (scheme://host[:port]) allowed to call the relay; repeatable. Default:
    /// only the relay's own origin (and http://localhost:PORT when listening on loopback).
    #[arg(
        long = "allow-origin",
        env = "WANEDIT_ALLOW_ORIGIN",
        value_name = "ORIGIN",
        value_delimiter = ','
    )]
    pub allow_origins: Vec<String>,

    /// Serve the built web UI from this directory at `/`.
    #[arg(long, env = "WANEDIT_SERVE", value_name = "DIR")]
    pub serve: Option<PathBuf>,

    /// Read the DashScope API key from this file (key-holding mode).
    #[arg(long, env = "WANEDIT_API_KEY_FILE", value_name = "PATH")]
    pub api_key_file: Option<PathBuf>,

    /// Token callers must send as `X-Relay-Token` (or, in key-holding mode, as
    /// `Authorization: Bearer <token>`). Prefer the environment variable or the file flag.
    #[arg(
        long,
        env = "WANEDIT_ACCESS_TOKEN",
        hide_env_values = true,
        value_name = "TOKEN"
    )]
    pub access_token: Option<String>,

    /// Read the access token from this file.
    #[arg(long, env = "WANEDIT_ACCESS_TOKEN_FILE", value_name = "PATH")]
    pub access_token_file: Option<PathBuf>,

    /// Start the DashScope simulator in-process and add it as upstream `sim`.
    #[arg(long, env = "WANEDIT_SIMULATE", value_parser = clap::builder::BoolishValueParser::new(), action = clap::ArgAction::SetTrue)]
    pub simulate: bool,

    /// Simulator clock speed (1 = real time, 60 = one simulated minute per second).
    #[arg(long, env = "WANEDIT_SIM_TIME_SCALE", value_name = "FACTOR")]
    pub sim_time_scale: Option<f64>,

    /// Upload host the relay may stream uploads to, as scheme://host[:port] where the host may
    /// start with `*.` (any subdomain) and the port may be `*`; repeatable.
    #[arg(long = "upload-host-allow", env = "WANEDIT_UPLOAD_HOST_ALLOW", value_name = "PATTERN", value_delimiter = ',', default_value = DEFAULT_UPLOAD_HOSTS)]
    pub upload_host_allow: Vec<String>,

    /// Largest upload (the whole multipart form) in bytes.
    #[arg(long, env = "WANEDIT_MAX_UPLOAD_BYTES", default_value_t = 100 * 1024 * 1024, value_name = "BYTES")]
    pub max_upload_bytes: u64,

    /// Largest JSON request body in bytes.
    #[arg(long, env = "WANEDIT_MAX_BODY_BYTES", default_value_t = 1024 * 1024, value_name = "BYTES")]
    pub max_body_bytes: usize,

    /// Allow the account-wide task list (`GET /{name}/api/v1/tasks`) in key-holding mode.
    #[arg(long, env = "WANEDIT_ENABLE_LIST", value_parser = clap::builder::BoolishValueParser::new(), action = clap::ArgAction::SetTrue)]
    pub enable_list: bool,

    /// Seconds to wait for a TCP/TLS connection to an upstream (then 502).
    #[arg(
        long,
        env = "WANEDIT_CONNECT_TIMEOUT",
        default_value_t = 10,
        value_name = "SECS"
    )]
    pub connect_timeout: u64,

    /// Seconds an API call to an upstream may take in total (then 504).
    #[arg(
        long,
        env = "WANEDIT_TIMEOUT",
        default_value_t = 60,
        value_name = "SECS"
    )]
    pub timeout: u64,

    /// Seconds an upload to the upload host may take in total (then 504).
    #[arg(
        long,
        env = "WANEDIT_UPLOAD_TIMEOUT",
        default_value_t = 900,
        value_name = "SECS"
    )]
    pub upload_timeout: u64,

    /// Requests per minute each client IP (IPv6: each /64) may send to upstream routes;
    /// 0 turns rate limiting off.
    #[arg(
        long,
        env = "WANEDIT_RATE_LIMIT",
        default_value_t = 120,
        value_name = "N"
    )]
    pub rate_limit: u32,

    /// Requests a client may send at once before the per-minute rate applies.
    #[arg(
        long,
        env = "WANEDIT_RATE_BURST",
        default_value_t = 30,
        value_name = "N"
    )]
    pub rate_burst: u32,

    /// The relay's public base URL (e.g. https://relay.example.com) when it sits behind a
    /// TLS proxy: used for rewritten upload URLs and added to the allowed origins.
    #[arg(long, env = "WANEDIT_PUBLIC_URL", value_name = "URL")]
    pub public_url: Option<String>,

    /// Log line format.
    #[arg(long, env = "WANEDIT_LOG_FORMAT", value_enum, default_value_t = LogFormat::Text)]
    pub log_format: LogFormat,

    /// Worker threads serving connections, each with its own event loop, listening socket
    /// and upstream connections (like nginx's worker processes); 0 means one per CPU.
    #[arg(long, env = "WANEDIT_WORKERS", default_value_t = 0, value_name = "N")]
    pub workers: usize,

    /// Which models a held key may pay for, and `--strict`.
    #[command(flatten)]
    pub policy: crate::policy::PolicyArgs,

    /// Replicas, trusted proxies and metrics.
    #[command(flatten)]
    pub deploy: crate::deploy::DeployArgs,

    /// Connection caps and timeouts of the HTTP server, and the shutdown grace.
    #[command(flatten)]
    pub server: crate::connections::ServerArgs,
}

/// How log lines look.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    /// Human-readable lines.
    Text,
    /// One JSON object per line.
    Json,
}

/// The key an upstream call carries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyMode {
    /// The caller's own `Authorization` is passed through.
    PassThrough,
    /// The relay adds this key and drops the caller's. `real` is false for the simulator's
    /// demo key, which needs no caller restriction.
    Held {
        /// The key.
        key: Secret,
        /// Whether it is a real DashScope key (callers must then be restricted).
        real: bool,
    },
}

impl KeyMode {
    /// Whether the relay adds a key of its own.
    pub fn holds_key(&self) -> bool {
        matches!(self, KeyMode::Held { .. })
    }

    /// Whether the relay holds a real key (not the simulator's).
    pub fn holds_real_key(&self) -> bool {
        matches!(self, KeyMode::Held { real: true, .. })
    }
}

/// One configured upstream.
#[derive(Debug, Clone)]
pub struct Upstream {
    /// First path segment of its routes.
    pub name: String,
    /// Base URL without a trailing slash (`https://dashscope-intl.aliyuncs.com`).
    pub base: String,
    /// Which key calls to it carry.
    pub key: KeyMode,
}

/// Per-client rate limit.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RateLimit {
    /// Tokens added per second; 0 means no limit.
    pub per_second: f64,
    /// Bucket size.
    pub burst: f64,
}

/// The checked configuration.
#[derive(Debug, Clone)]
pub struct Config {
    /// Address to bind.
    pub listen: SocketAddr,
    /// Upstreams, in the order given.
    pub upstreams: Vec<Upstream>,
    /// Explicit allowed origins, normalised (`scheme://host[:port]`).
    pub explicit_origins: Vec<String>,
    /// Directory of the web UI.
    pub serve: Option<PathBuf>,
    /// Token callers must present.
    pub access_token: Option<Secret>,
    /// Whether to start the simulator.
    pub simulate: bool,
    /// Simulator clock speed.
    pub sim_time_scale: Option<f64>,
    /// Hosts uploads may be streamed to.
    pub upload_hosts: Vec<HostPattern>,
    /// Largest upload.
    pub max_upload_bytes: u64,
    /// Largest JSON body.
    pub max_body_bytes: usize,
    /// Whether the account-wide list is allowed in key-holding mode.
    pub enable_list: bool,
    /// Connect timeout.
    pub connect_timeout: Duration,
    /// Total timeout of API calls.
    pub timeout: Duration,
    /// Total timeout of uploads.
    pub upload_timeout: Duration,
    /// Per-client rate limit.
    pub rate_limit: RateLimit,
    /// Public base URL, without a trailing slash.
    pub public_url: Option<String>,
    /// Log format.
    pub log_format: LogFormat,
    /// Worker threads (at least one).
    pub workers: usize,
    /// Which models a held key may pay for; whether undocumented bodies are refused.
    pub policy: crate::policy::ModelPolicy,
    /// Upload secret, trusted proxies, metrics listener.
    pub deploy: crate::deploy::Deploy,
    /// Connection caps and timeouts of the HTTP server, and the shutdown grace.
    pub server: crate::connections::ServerLimits,
}

impl Config {
    /// Checks `args` for a relay that serves. `env_key` is `DASHSCOPE_API_KEY` (passed in so
    /// tests need not touch the process environment).
    pub fn from_args(args: Args, env_key: Option<String>) -> Result<Self, RelayError> {
        let config = Self::checked(args, env_key)?;
        // Deny by default: a relay holding a real key, open to anyone who can reach it, would
        // hand the key's quota (and bill) to every web page the user visits.
        if config.holds_real_key()
            && config.access_token.is_none()
            && config.explicit_origins.is_empty()
        {
            return Err(RelayError::Unrestricted);
        }
        Ok(config)
    }

    /// Checks `args` for `wanedit-relay check`, which serves nothing: a held key needs no
    /// restricted callers there.
    pub fn for_check(args: Args, env_key: Option<String>) -> Result<Self, RelayError> {
        Self::checked(args, env_key)
    }

    /// Every check but the one that depends on serving.
    fn checked(args: Args, env_key: Option<String>) -> Result<Self, RelayError> {
        let key = resolve_key(env_key, args.api_key_file.as_deref())?;
        let access_token = resolve_token(args.access_token, args.access_token_file.as_deref())?;

        let specs = if args.upstreams.is_empty() {
            // The regions where the documents offer the video-editing models.
            wanedit_core::region::REGION_PRESETS
                .iter()
                .filter(|p| p.documents_video_editing)
                .map(|p| p.name.to_string())
                .collect()
        } else {
            args.upstreams
        };
        let mut upstreams: Vec<Upstream> = Vec::new();
        for spec in &specs {
            let (name, base) = parse_upstream(spec)?;
            if upstreams.iter().any(|u| u.name == name) || (args.simulate && name == "sim") {
                return Err(RelayError::Config(format!(
                    "upstream name {name:?} is given twice"
                )));
            }
            let key = match &key {
                Some(k) => KeyMode::Held {
                    key: k.clone(),
                    real: true,
                },
                None => KeyMode::PassThrough,
            };
            upstreams.push(Upstream { name, base, key });
        }

        let explicit_origins = args
            .allow_origins
            .iter()
            .map(|o| normalize_origin(o))
            .collect::<Result<Vec<_>, _>>()?;

        let upload_hosts = args
            .upload_host_allow
            .iter()
            .map(|p| HostPattern::parse(p))
            .collect::<Result<Vec<_>, _>>()?;

        let public_url = match args.public_url {
            Some(u) => {
                let origin = normalize_origin(&u)?;
                Some(origin)
            }
            None => None,
        };
        if let Some(scale) = args.sim_time_scale {
            if !(scale.is_finite() && scale > 0.0) {
                return Err(RelayError::Config(
                    "--sim-time-scale must be a positive number".into(),
                ));
            }
        }
        let workers = match args.workers {
            0 => std::thread::available_parallelism().map_or(1, |n| n.get()),
            n if n <= MAX_WORKERS => n,
            _ => {
                return Err(RelayError::Config(format!(
                    "--workers: at most {MAX_WORKERS}"
                )))
            }
        };
        if args.connect_timeout == 0 || args.timeout == 0 || args.upload_timeout == 0 {
            return Err(RelayError::Config(
                "timeouts must be at least one second".into(),
            ));
        }

        let policy = crate::policy::ModelPolicy::from_args(&args.policy)?;

        let deploy = crate::deploy::Deploy::from_args(args.deploy)?;

        Ok(Config {
            server: crate::connections::ServerLimits::from_args(&args.server)?,
            deploy,
            policy,
            listen: args.listen,
            upstreams,
            explicit_origins,
            serve: args.serve,
            access_token,
            simulate: args.simulate,
            sim_time_scale: args.sim_time_scale,
            upload_hosts,
            max_upload_bytes: args.max_upload_bytes,
            max_body_bytes: args.max_body_bytes,
            enable_list: args.enable_list,
            connect_timeout: Duration::from_secs(args.connect_timeout),
            timeout: Duration::from_secs(args.timeout),
            upload_timeout: Duration::from_secs(args.upload_timeout),
            rate_limit: RateLimit {
                per_second: f64::from(args.rate_limit) / 60.0,
                burst: f64::from(args.rate_burst.max(1)),
            },
            public_url,
            log_format: args.log_format,
            workers,
        })
    }

    /// Whether any upstream carries a real key held by the relay.
    pub fn holds_real_key(&self) -> bool {
        self.upstreams.iter().any(|u| u.key.holds_real_key())
    }

    /// The origins allowed once the relay knows its bound address: the explicit ones, or by
    /// default its own; its own are kept with `--serve` because the UI it serves must work;
    /// and the public URL's origin.
    pub fn allowed_origins(&self, bound: SocketAddr) -> Vec<String> {
        let mut origins = self.explicit_origins.clone();
        if origins.is_empty() || self.serve.is_some() {
            origins.extend(own_origins(bound));
        }
        if let Some(public) = &self.public_url {
            origins.push(public.clone());
        }
        origins.sort();
        origins.dedup();
        origins
    }
}

/// `http://<addr>`, plus `http://localhost:<port>` on loopback.
pub fn own_origins(bound: SocketAddr) -> Vec<String> {
    let mut origins = vec![format!("http://{bound}")];
    if bound.ip().is_loopback() {
        origins.push(format!("http://localhost:{}", bound.port()));
    }
    origins
}

/// Parses `NAME=URL`.
pub fn parse_upstream(spec: &str) -> Result<(String, String), RelayError> {
    // A bare region name (`us`, `hk`, …) is that region's preset.
    if let Some(preset) = wanedit_core::region::region_preset(spec.trim()) {
        return Ok((preset.name.to_string(), preset.base_url.to_string()));
    }
    let (name, url) = spec.split_once('=').ok_or_else(|| {
        let presets: Vec<&str> = wanedit_core::region::REGION_PRESETS
            .iter()
            .map(|p| p.name)
            .collect();
        RelayError::Config(format!(
            "--upstream {spec:?}: expected NAME=URL or a region ({})",
            presets.join(", ")
        ))
    })?;
    let name = name.trim();
    if name.is_empty()
        || name.len() > 32
        || !name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
    {
        return Err(RelayError::Config(format!(
            "--upstream {spec:?}: NAME must be 1-32 of a-z 0-9 - _"
        )));
    }
    if RESERVED_NAMES.contains(&name) {
        return Err(RelayError::Config(format!(
            "--upstream {spec:?}: {name:?} is reserved"
        )));
    }
    Ok((name.to_string(), parse_base_url(url.trim())?))
}

/// Checks an upstream base URL: http(s), a host, no credentials, query or fragment.
pub fn parse_base_url(raw: &str) -> Result<String, RelayError> {
    let bad = |why: &str| RelayError::Config(format!("upstream URL {raw:?}: {why}"));
    let url = Url::parse(raw).map_err(|e| bad(&e.to_string()))?;
    if url.scheme() != "http" && url.scheme() != "https" {
        return Err(bad("scheme must be http or https"));
    }
    if url.host_str().is_none() {
        return Err(bad("no host"));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(bad("credentials are not allowed in the URL"));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(bad("query and fragment are not allowed"));
    }
    Ok(url.as_str().trim_end_matches('/').to_string())
}

/// Normalises an origin to `scheme://host[:port]` (lower case, default port dropped).
pub fn normalize_origin(raw: &str) -> Result<String, RelayError> {
    let bad = |why: &str| RelayError::Config(format!("origin {raw:?}: {why}"));
    if raw.trim() == "*" {
        return Err(bad("wildcards are not supported; list exact origins"));
    }
    let url = Url::parse(raw.trim()).map_err(|e| bad(&e.to_string()))?;
    if url.scheme() != "http" && url.scheme() != "https" {
        return Err(bad("scheme must be http or https"));
    }
    if !(url.path() == "/" || url.path().is_empty())
        || url.query().is_some()
        || url.fragment().is_some()
    {
        return Err(bad("an origin has no path, query or fragment"));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(bad("an origin has no credentials"));
    }
    Ok(url.origin().ascii_serialization())
}

#[cfg(test)]
mod tests;
