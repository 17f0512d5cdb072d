//! Secrets: the key and the token, read from the environment, a flag or a file, checked to be
//! usable as header values, and held in a type that never prints them.

use crate::error::RelayError;
use std::fmt;

/// A secret string whose `Debug` and `Display` never show it, so it cannot reach a log line
/// by accident.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret.
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    /// The secret itself; call sites are few and greppable.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(<redacted>)")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

pub(super) fn resolve_key(
    env_key: Option<String>,
    file: Option<&std::path::Path>,
) -> Result<Option<Secret>, RelayError> {
    let from_file = match file {
        Some(path) => Some(read_secret_file(path, "--api-key-file")?),
        None => None,
    };
    let from_env = env_key
        .map(|k| k.trim().to_string())
        .filter(|k| !k.is_empty());
    match (from_env, from_file) {
        (Some(_), Some(_)) => Err(RelayError::Config(
            "both DASHSCOPE_API_KEY and --api-key-file are set; give one".into(),
        )),
        (Some(k), None) | (None, Some(k)) => {
            check_header_safe(&k, "the API key")?;
            Ok(Some(Secret::new(k)))
        }
        (None, None) => Ok(None),
    }
}

pub(super) fn resolve_token(
    flag: Option<String>,
    file: Option<&std::path::Path>,
) -> Result<Option<Secret>, RelayError> {
    let from_file = match file {
        Some(path) => Some(read_secret_file(path, "--access-token-file")?),
        None => None,
    };
    let flag = flag.map(|t| t.trim().to_string()).filter(|t| !t.is_empty());
    let token = match (flag, from_file) {
        (Some(_), Some(_)) => {
            return Err(RelayError::Config(
                "both --access-token and --access-token-file are set".into(),
            ))
        }
        (Some(t), None) | (None, Some(t)) => t,
        (None, None) => return Ok(None),
    };
    check_header_safe(&token, "the access token")?;
    // A short token can be guessed over the network; 16 characters of anything is the floor.
    if token.len() < 16 {
        return Err(RelayError::Config(
            "the access token must be at least 16 characters".into(),
        ));
    }
    Ok(Some(Secret::new(token)))
}

fn read_secret_file(path: &std::path::Path, flag: &str) -> Result<String, RelayError> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| RelayError::Config(format!("{flag} {}: {e}", path.display())))?;
    let text = text.trim().to_string();
    if text.is_empty() {
        return Err(RelayError::Config(format!(
            "{flag} {} is empty",
            path.display()
        )));
    }
    Ok(text)
}

/// Secrets go into header values: printable ASCII only, so none can smuggle a header line.
fn check_header_safe(value: &str, what: &str) -> Result<(), RelayError> {
    if value.bytes().all(|b| (0x21..0x7f).contains(&b)) {
        Ok(())
    } else {
        Err(RelayError::Config(format!(
            "{what} may only hold printable ASCII without spaces"
        )))
    }
}
