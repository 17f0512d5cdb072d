//! Flags for running several replicas behind a load balancer: the upload secret they share,
//! the proxies whose forwarding headers are believed, and the metrics listener. Flattened into
//! [`crate::config::Args`]; checked here into [`Deploy`].

use crate::config::Secret;
use crate::error::RelayError;
use crate::forwarded::{ClientIpHeader, TrustedProxies};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

/// The environment variable holding the upload secret itself (never a flag, so it stays out
/// of `ps`).
pub const UPLOAD_SECRET_ENV: &str = "WANEDIT_UPLOAD_SECRET";

/// Replica, proxy and metrics flags.
#[derive(Debug, Clone, clap::Args)]
pub struct DeployArgs {
    /// File holding the secret upload ids are signed with (at least 32 bytes, e.g.
    /// `openssl rand -hex 32`); every replica behind one load balancer needs the same. Or set
    /// WANEDIT_UPLOAD_SECRET to the secret itself. Without either, a random one per process.
    #[arg(long, env = "WANEDIT_UPLOAD_SECRET_FILE", value_name = "PATH")]
    pub upload_secret_file: Option<PathBuf>,

    /// A reverse proxy or load balancer (CIDR or address) whose forwarding header names the
    /// client, for rate limiting and logs; repeatable. From any other peer it is ignored.
    #[arg(
        long = "trusted-proxy",
        env = "WANEDIT_TRUSTED_PROXY",
        value_name = "CIDR",
        value_delimiter = ','
    )]
    pub trusted_proxies: Vec<String>,

    /// The header trusted proxies write the client's address into.
    #[arg(long, env = "WANEDIT_CLIENT_IP_HEADER", value_enum, default_value_t = ClientIpHeader::XForwardedFor)]
    pub client_ip_header: ClientIpHeader,

    /// Serve Prometheus metrics at `/metrics` on this address (never on the main listener).
    /// Off by default.
    #[arg(long, env = "WANEDIT_METRICS_LISTEN", value_name = "ADDR")]
    pub metrics_listen: Option<SocketAddr>,
}

/// The checked replica, proxy and metrics settings.
#[derive(Debug, Clone, Default)]
pub struct Deploy {
    /// The shared upload secret; `None` means a random one per process.
    pub upload_secret: Option<Secret>,
    /// Proxies whose forwarding header is read.
    pub trusted_proxies: TrustedProxies,
    /// Where `/metrics` is served, if anywhere.
    pub metrics_listen: Option<SocketAddr>,
}

impl Deploy {
    /// Checks `args`, reading the secret from `--upload-secret-file` or the environment.
    pub fn from_args(args: DeployArgs) -> Result<Self, RelayError> {
        Self::from_args_with(args, std::env::var(UPLOAD_SECRET_ENV).ok())
    }

    /// Like [`Deploy::from_args`] with the environment's secret passed in.
    pub fn from_args_with(
        args: DeployArgs,
        env_secret: Option<String>,
    ) -> Result<Self, RelayError> {
        let from_env = env_secret
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty());
        let from_file = match &args.upload_secret_file {
            Some(path) => Some(read_secret(path)?),
            None => None,
        };
        let secret = match (from_env, from_file) {
            (Some(_), Some(_)) => {
                return Err(RelayError::Config(format!(
                    "both {UPLOAD_SECRET_ENV} and --upload-secret-file are set; give one"
                )))
            }
            (Some(s), None) | (None, Some(s)) => Some(s),
            (None, None) => None,
        };
        if let Some(secret) = &secret {
            if secret.len() < crate::upload_id::MIN_SECRET {
                return Err(RelayError::Config(format!(
                    "the upload secret must be at least {} bytes (openssl rand -hex 32)",
                    crate::upload_id::MIN_SECRET
                )));
            }
        }
        Ok(Deploy {
            upload_secret: secret.map(Secret::new),
            trusted_proxies: TrustedProxies::parse(&args.trusted_proxies, args.client_ip_header)?,
            metrics_listen: args.metrics_listen,
        })
    }
}

fn read_secret(path: &Path) -> Result<String, RelayError> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| RelayError::Config(format!("--upload-secret-file {}: {e}", path.display())))?;
    Ok(text.trim().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(secret_file: Option<PathBuf>) -> DeployArgs {
        DeployArgs {
            upload_secret_file: secret_file,
            trusted_proxies: vec!["10.0.0.0/8".into()],
            client_ip_header: ClientIpHeader::XForwardedFor,
            metrics_listen: None,
        }
    }

    #[test]
    fn secret_from_env_or_file_but_not_both() {
        let long = "x".repeat(32);
        let d = Deploy::from_args_with(args(None), Some(long.clone())).unwrap();
        assert_eq!(d.upload_secret.unwrap().expose(), long);
        assert!(!format!(
            "{:?}",
            Deploy::from_args_with(args(None), Some(long.clone()))
        )
        .contains(&long));
        assert!(Deploy::from_args_with(args(None), None)
            .unwrap()
            .upload_secret
            .is_none());
        assert!(Deploy::from_args_with(args(None), Some("short".into())).is_err());
        let dir = std::env::temp_dir().join(format!("wanedit-deploy-{}", std::process::id()));
        std::fs::write(&dir, format!("{long}\n")).unwrap();
        let d = Deploy::from_args_with(args(Some(dir.clone())), None).unwrap();
        assert_eq!(d.upload_secret.unwrap().expose(), long);
        assert!(Deploy::from_args_with(args(Some(dir.clone())), Some(long)).is_err());
        std::fs::remove_file(&dir).unwrap();
        assert!(Deploy::from_args_with(args(Some(dir)), None).is_err());
    }
}
