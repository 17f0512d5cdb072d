//! Transparent uploads. DashScope's upload policy names an OSS `upload_host` that a browser
//! cannot reach cross-origin; the relay swaps it for a URL of its own,
//! `{base}/{name}/oss/{id}`, where `id` is a signed, short-lived capability carrying the real
//! host (see [`crate::upload_id`]; any replica sharing the upload secret accepts it, nothing
//! is stored). A POST there is streamed, capped, to the real host, but only if that host is on
//! the upload-host allowlist.

use crate::error::RelayError;
use crate::upload_id::{Grant, IdError, Signer};
use serde_json::Value;
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use url::{Host, Url};

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

/// Issues and checks upload ids under the relay's upload secret.
pub struct UploadIds {
    signer: Signer,
}

impl UploadIds {
    /// Ids signed with `secret` (shared by every replica).
    pub fn new(secret: &[u8]) -> Self {
        UploadIds {
            signer: Signer::new(secret),
        }
    }

    /// Ids signed with a fresh random secret (256 bits from the OS): only this process will
    /// accept them.
    pub fn random() -> Self {
        let mut secret = [0u8; 32];
        secret[..16].copy_from_slice(uuid::Uuid::new_v4().as_bytes());
        secret[16..].copy_from_slice(uuid::Uuid::new_v4().as_bytes());
        Self::new(&secret)
    }

    /// An id for uploads to `target` in `dir` through upstream `upstream`, valid for `ttl`
    /// plus a grace from `now`.
    pub fn issue(
        &self,
        upstream: &str,
        target: &Url,
        dir: &str,
        ttl: Duration,
        now: SystemTime,
    ) -> Result<String, RelayError> {
        let grant = Grant {
            upstream: upstream.to_string(),
            upload_host: target.as_str().to_string(),
            upload_dir: dir.to_string(),
            expires: unix_secs(now) + (ttl + GRACE).as_secs(),
        };
        // Only an absurdly long host or dir from the upstream gets here.
        self.signer
            .sign(&grant)
            .map_err(|_| RelayError::UpstreamBadResponse)
    }

    /// The real upload host behind `id`, if it was issued (by any replica sharing the secret)
    /// for `upstream` and has not expired at `now`.
    pub fn resolve(&self, id: &str, upstream: &str, now: SystemTime) -> Result<Url, RelayError> {
        let grant = self
            .signer
            .verify(id, upstream, unix_secs(now))
            .map_err(|e| {
                RelayError::UploadForbidden(match e {
                    IdError::Expired => "expired upload URL; request a new upload policy",
                    IdError::WrongUpstream => "this upload URL belongs to another upstream",
                    _ => "invalid upload URL (not issued by this relay, or altered)",
                })
            })?;
        Url::parse(&grant.upload_host).map_err(|_| RelayError::UploadHostRefused)
    }
}

fn unix_secs(t: SystemTime) -> u64 {
    t.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

/// Rewrites `data.upload_host` of an upload-policy answer to the relay's own URL. `make_url`
/// turns the real host, the policy's `upload_dir` and its lifetime into that URL (issuing an
/// id). Answers without an `upload_host` are left alone.
pub fn rewrite_policy(
    body: &mut Value,
    allow: &[HostPattern],
    make_url: impl FnOnce(Url, &str, Duration) -> Result<String, RelayError>,
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
    let dir = data.get("upload_dir").and_then(Value::as_str).unwrap_or("");
    let url = make_url(target, dir, Duration::from_secs(ttl))?;
    data.insert("upload_host".into(), Value::String(url));
    Ok(())
}

/// The scheme and authority rewritten upload URLs start with: `--public-url` if set; else the
/// allowed origin (by default the relay's own: `http://<bound address>`, and
/// `http://localhost:<port>` on loopback) whose `host[:port]` is the request's `Host`, so a
/// relay reached by one of its names hands out URLs under that name; else `http://<bound
/// address>`. Never an arbitrary `Host`: whoever could slip one into a client's request would
/// choose where its upload goes.
pub fn base_for(
    public_url: Option<&str>,
    host_header: Option<&str>,
    origins: &[String],
    bound: std::net::SocketAddr,
) -> String {
    if let Some(public) = public_url {
        return public.to_string();
    }
    let named = |origin: &&String| {
        let authority = origin.split_once("://").map_or("", |(_, a)| a);
        host_header.is_some_and(|h| h.eq_ignore_ascii_case(authority))
    };
    match origins.iter().find(named) {
        Some(origin) => origin.clone(),
        None => format!("http://{bound}"),
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
        let ids = UploadIds::new(b"0123456789abcdef0123456789abcdef");
        let now = SystemTime::now();
        let mut body = serde_json::json!({"request_id": "r", "data": {
            "upload_host": "https://bucket.oss-cn-beijing.aliyuncs.com", "expire_in_seconds": 300,
            "upload_dir": "dashscope-instant/x"}});
        let mut issued = String::new();
        rewrite_policy(&mut body, &allow, |target, dir, ttl| {
            assert_eq!(dir, "dashscope-instant/x");
            issued = ids.issue("intl", &target, dir, ttl, now)?;
            Ok(format!("http://127.0.0.1:8787/intl/oss/{issued}"))
        })
        .unwrap();
        assert_eq!(
            body["data"]["upload_host"],
            format!("http://127.0.0.1:8787/intl/oss/{issued}")
        );
        assert_eq!(body["data"]["upload_dir"], "dashscope-instant/x");
        assert_eq!(
            ids.resolve(&issued, "intl", now).unwrap().as_str(),
            "https://bucket.oss-cn-beijing.aliyuncs.com/"
        );
        // Another replica with the same secret accepts it; one with another secret does not.
        let replica = UploadIds::new(b"0123456789abcdef0123456789abcdef");
        assert!(replica.resolve(&issued, "intl", now).is_ok());
        assert!(matches!(
            UploadIds::random().resolve(&issued, "intl", now),
            Err(RelayError::UploadForbidden(_))
        ));
        assert!(
            matches!(
                ids.resolve(&issued, "cn", now),
                Err(RelayError::UploadForbidden(_))
            ),
            "ids are bound to their upstream"
        );
        // Valid for the policy's 300 s plus the 60 s grace.
        assert!(ids
            .resolve(&issued, "intl", now + Duration::from_secs(359))
            .is_ok());
        assert!(matches!(
            ids.resolve(&issued, "intl", now + Duration::from_secs(361)),
            Err(RelayError::UploadForbidden(_))
        ));

        let mut evil = serde_json::json!({"data": {"upload_host": "https://evil.example"}});
        assert!(matches!(
            rewrite_policy(&mut evil, &allow, |_, _, _| Ok(String::new())),
            Err(RelayError::UploadHostRefused)
        ));
    }

    #[test]
    fn base_uses_known_host_names_only() {
        let bound = "127.0.0.1:8787".parse().unwrap();
        let mut origins = crate::config::own_origins(bound);
        origins.push("https://app.example".into());
        let base = |public, host| base_for(public, host, &origins, bound);
        assert_eq!(base(None, Some("localhost:8787")), "http://localhost:8787");
        assert_eq!(base(None, Some("LocalHost:8787")), "http://localhost:8787");
        assert_eq!(base(None, Some("127.0.0.1:8787")), "http://127.0.0.1:8787");
        assert_eq!(base(None, Some("app.example")), "https://app.example");
        for foreign in [
            "evil.example",
            "evil.example:8787",
            "localhost:9",
            "evil/x?",
            "",
        ] {
            assert_eq!(
                base(None, Some(foreign)),
                "http://127.0.0.1:8787",
                "{foreign}"
            );
        }
        assert_eq!(base(None, None), "http://127.0.0.1:8787");
        assert_eq!(
            base(Some("https://relay.example"), Some("x")),
            "https://relay.example"
        );
    }
}
