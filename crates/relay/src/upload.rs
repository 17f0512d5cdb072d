//! Transparent uploads. DashScope's upload policy names an OSS `upload_host` that a browser
//! cannot reach cross-origin; the relay swaps it for a URL of its own,
//! `{base}/{name}/oss/{id}`, where `id` is a random, short-lived capability standing for the
//! real host (which never leaves the relay). A POST there is streamed, capped, to the real
//! host, but only if that host is on the upload-host allowlist.

use crate::error::RelayError;
use serde_json::Value;
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};
use url::{Host, Url};

/// Most live upload ids at once; past that the soonest to expire is dropped.
const MAX_ENTRIES: usize = 10_000;
/// Extra life of an id beyond the policy's own `expire_in_seconds`.
const GRACE: Duration = Duration::from_secs(60);

/// An allowed upload host: `scheme://host[:port]`, the host possibly `*.domain` (one or more
/// labels below `domain`), the port possibly `*`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HostPattern {
    scheme: String,
    host: HostMatch,
    port: PortMatch,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum HostMatch {
    Exact(String),
    /// `.domain`, with the leading dot.
    Suffix(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum PortMatch {
    Default,
    Exact(u16),
    Any,
}

impl HostPattern {
    /// Parses a pattern.
    pub fn parse(raw: &str) -> Result<Self, RelayError> {
        let bad = |why: &str| RelayError::Config(format!("upload host pattern {raw:?}: {why}"));
        let (scheme, rest) = raw
            .trim()
            .split_once("://")
            .ok_or_else(|| bad("expected scheme://host"))?;
        let scheme = scheme.to_ascii_lowercase();
        if scheme != "http" && scheme != "https" {
            return Err(bad("scheme must be http or https"));
        }
        let rest = rest.strip_suffix('/').unwrap_or(rest);
        if rest.contains(['/', '?', '#', '@']) {
            return Err(bad("only scheme://host[:port] is allowed"));
        }
        // The port follows the last ':' after any IPv6 bracket.
        let (host, port) = match rest.rfind(':') {
            Some(i) if !rest[i..].contains(']') => (&rest[..i], Some(&rest[i + 1..])),
            _ => (rest, None),
        };
        let port = match port {
            None => PortMatch::Default,
            Some("*") => PortMatch::Any,
            Some(p) => PortMatch::Exact(p.parse().map_err(|_| bad("bad port"))?),
        };
        let host = host.to_ascii_lowercase();
        let host = if let Some(domain) = host.strip_prefix("*.") {
            if domain.is_empty() || !domain.contains('.') || domain.contains('*') {
                return Err(bad(
                    "a wildcard needs a domain with at least two labels, like *.aliyuncs.com",
                ));
            }
            HostMatch::Suffix(format!(".{domain}"))
        } else {
            if host.is_empty() || host.contains('*') {
                return Err(bad("a wildcard may only be a leading `*.`"));
            }
            // Normalise the way `Url` will print hosts it parses (IPv6 brackets, IDNA).
            let parsed =
                Url::parse(&format!("{scheme}://{host}/")).map_err(|e| bad(&e.to_string()))?;
            HostMatch::Exact(parsed.host_str().unwrap_or_default().to_string())
        };
        Ok(HostPattern { scheme, host, port })
    }

    /// Whether `url` (an upstream's `upload_host`) matches.
    pub fn matches(&self, url: &Url) -> bool {
        if url.scheme() != self.scheme {
            return false;
        }
        let Some(host) = url.host() else { return false };
        let host_ok = match (&self.host, &host) {
            (HostMatch::Exact(want), _) => url.host_str() == Some(want.as_str()),
            (HostMatch::Suffix(suffix), Host::Domain(name)) => {
                name.len() > suffix.len() && name.ends_with(suffix.as_str())
            }
            (HostMatch::Suffix(_), _) => false,
        };
        let port_ok = match self.port {
            PortMatch::Any => true,
            PortMatch::Default => url.port().is_none(),
            PortMatch::Exact(p) => url.port_or_known_default() == Some(p),
        };
        host_ok && port_ok
    }
}

/// Checks an `upload_host` value: an http(s) URL without credentials or fragment whose host
/// is on the allowlist.
pub fn check_upload_host(raw: &str, allow: &[HostPattern]) -> Result<Url, RelayError> {
    let url = Url::parse(raw).map_err(|_| RelayError::UploadHostRefused)?;
    let shape_ok = (url.scheme() == "http" || url.scheme() == "https")
        && url.username().is_empty()
        && url.password().is_none()
        && url.fragment().is_none();
    if shape_ok && allow.iter().any(|p| p.matches(&url)) {
        Ok(url)
    } else {
        Err(RelayError::UploadHostRefused)
    }
}

struct Entry {
    upstream: usize,
    target: Url,
    expires: Instant,
}

/// The live upload ids.
#[derive(Default)]
pub struct UploadRegistry {
    entries: Mutex<HashMap<String, Entry>>,
}

impl UploadRegistry {
    /// Issues a fresh id for `target` on upstream `upstream`, valid for `ttl` plus a grace.
    pub fn register(&self, upstream: usize, target: Url, ttl: Duration, now: Instant) -> String {
        // 122 random bits from the OS: unguessable, so the id itself is the permission.
        let id = uuid::Uuid::new_v4().simple().to_string();
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        entries.retain(|_, e| e.expires > now);
        if entries.len() >= MAX_ENTRIES {
            if let Some(oldest) = entries
                .iter()
                .min_by_key(|(_, e)| e.expires)
                .map(|(k, _)| k.clone())
            {
                entries.remove(&oldest);
            }
        }
        entries.insert(
            id.clone(),
            Entry {
                upstream,
                target,
                expires: now + ttl + GRACE,
            },
        );
        id
    }

    /// The real upload host behind `id`, if the id is live and was issued for `upstream`.
    pub fn lookup(&self, id: &str, upstream: usize, now: Instant) -> Option<Url> {
        let entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        entries
            .get(id)
            .filter(|e| e.upstream == upstream && e.expires > now)
            .map(|e| e.target.clone())
    }
}

/// Rewrites `data.upload_host` of an upload-policy answer to the relay's own URL. `make_url`
/// turns the real host into that URL (registering an id). Answers without an `upload_host`
/// are left alone.
pub fn rewrite_policy(
    body: &mut Value,
    allow: &[HostPattern],
    make_url: impl FnOnce(Url, Duration) -> String,
) -> Result<(), RelayError> {
    let Some(data) = body.get_mut("data").and_then(Value::as_object_mut) else {
        return Ok(());
    };
    let Some(host) = data.get("upload_host").and_then(Value::as_str) else {
        return Ok(());
    };
    let target = check_upload_host(host, allow)?;
    let ttl = data
        .get("expire_in_seconds")
        .and_then(Value::as_u64)
        .unwrap_or(300)
        .clamp(60, 3600);
    let url = make_url(target, Duration::from_secs(ttl));
    data.insert("upload_host".into(), Value::String(url));
    Ok(())
}

/// The scheme and authority rewritten upload URLs start with: `--public-url` if set, else
/// `http://` plus the request's `Host` if it is a plain `host[:port]`, else the bound address.
pub fn base_for(
    public_url: Option<&str>,
    host_header: Option<&str>,
    bound: std::net::SocketAddr,
) -> String {
    if let Some(public) = public_url {
        return public.to_string();
    }
    let plain = |h: &str| {
        !h.is_empty()
            && h.len() <= 255
            && h.bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b':' | b'[' | b']'))
    };
    match host_header {
        Some(h) if plain(h) => format!("http://{h}"),
        _ => format!("http://{bound}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(s: &str) -> Url {
        Url::parse(s).unwrap()
    }

    #[test]
    fn default_pattern_is_aliyun_https_only() {
        let p = HostPattern::parse("https://*.aliyuncs.com").unwrap();
        assert!(p.matches(&url(
            "https://dashscope-file-xxx.oss-cn-beijing.aliyuncs.com"
        )));
        assert!(p.matches(&url("https://a.b.aliyuncs.com/")));
        assert!(p.matches(&url("https://a.aliyuncs.com:443")));
        for bad in [
            "http://a.aliyuncs.com",
            "https://aliyuncs.com",
            "https://evilaliyuncs.com",
            "https://a.aliyuncs.com.evil.example",
            "https://a.aliyuncs.com:8443",
        ] {
            assert!(!p.matches(&url(bad)), "{bad}");
        }
    }

    #[test]
    fn exact_and_any_port_patterns() {
        let p = HostPattern::parse("http://127.0.0.1:4567").unwrap();
        assert!(p.matches(&url("http://127.0.0.1:4567/oss")));
        assert!(!p.matches(&url("http://127.0.0.1:4568/oss")));
        let p = HostPattern::parse("http://localhost:*").unwrap();
        assert!(p.matches(&url("http://localhost:1/x")));
        assert!(!p.matches(&url("http://localhost.evil.example:1/x")));
        let p = HostPattern::parse("http://[::1]:80").unwrap();
        assert!(p.matches(&url("http://[::1]/")));
        assert!(HostPattern::parse("https://*").is_err());
        assert!(HostPattern::parse("https://*.com").is_err());
        assert!(HostPattern::parse("https://a.*.com").is_err());
        assert!(HostPattern::parse("ftp://a.example").is_err());
        assert!(HostPattern::parse("https://a.example/path").is_err());
    }

    #[test]
    fn upload_hosts_with_credentials_are_refused() {
        let allow = vec![HostPattern::parse("https://*.aliyuncs.com").unwrap()];
        assert!(check_upload_host("https://u:p@a.aliyuncs.com", &allow).is_err());
        assert!(check_upload_host("https://a.aliyuncs.com", &allow).is_ok());
        assert!(check_upload_host("not a url", &allow).is_err());
    }

    #[test]
    fn policy_is_rewritten_and_ids_expire() {
        let allow = vec![HostPattern::parse("https://*.aliyuncs.com").unwrap()];
        let registry = UploadRegistry::default();
        let now = Instant::now();
        let mut body = serde_json::json!({"request_id": "r", "data": {
            "upload_host": "https://bucket.oss-cn-beijing.aliyuncs.com", "expire_in_seconds": 300,
            "upload_dir": "dashscope-instant/x"}});
        let mut issued = String::new();
        rewrite_policy(&mut body, &allow, |target, ttl| {
            issued = registry.register(0, target, ttl, now);
            format!("http://127.0.0.1:8787/intl/oss/{issued}")
        })
        .unwrap();
        assert_eq!(
            body["data"]["upload_host"],
            format!("http://127.0.0.1:8787/intl/oss/{issued}")
        );
        assert_eq!(body["data"]["upload_dir"], "dashscope-instant/x");
        assert_eq!(
            registry.lookup(&issued, 0, now).unwrap().as_str(),
            "https://bucket.oss-cn-beijing.aliyuncs.com/"
        );
        assert!(
            registry.lookup(&issued, 1, now).is_none(),
            "ids are bound to their upstream"
        );
        assert!(registry
            .lookup(&issued, 0, now + Duration::from_secs(361))
            .is_none());

        let mut evil = serde_json::json!({"data": {"upload_host": "https://evil.example"}});
        assert!(matches!(
            rewrite_policy(&mut evil, &allow, |_, _| String::new()),
            Err(RelayError::UploadHostRefused)
        ));
    }

    #[test]
    fn base_uses_plain_host_headers_only() {
        let bound = "127.0.0.1:8787".parse().unwrap();
        assert_eq!(
            base_for(None, Some("localhost:8787"), bound),
            "http://localhost:8787"
        );
        assert_eq!(
            base_for(None, Some("evil/x?"), bound),
            "http://127.0.0.1:8787"
        );
        assert_eq!(
            base_for(Some("https://relay.example"), Some("x"), bound),
            "https://relay.example"
        );
    }
}
