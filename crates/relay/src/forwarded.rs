//! The client's address behind a reverse proxy or load balancer. By default it is the TCP
//! peer, and `X-Forwarded-For` / `Forwarded` are ignored: anyone can send them, and believing
//! them would let a client dodge the rate limit with a made-up address. Only when the peer is
//! a trusted proxy (`--trusted-proxy CIDR`) is the forwarding header read, from the right:
//! the right-most address that is not itself a trusted proxy is the client (the hops to its
//! left were written by the client and cannot be believed).
//!
//! One header is read, chosen by `--client-ip-header`: a proxy appends to the header it
//! knows and passes others through unchanged, so reading both would let a client put a
//! made-up address in the one its proxy does not write.

use crate::error::RelayError;
use axum::http::header::FORWARDED;
use axum::http::{HeaderMap, HeaderName};
use clap::ValueEnum;
use ipnet::IpNet;
use std::net::{IpAddr, SocketAddr};

/// `X-Forwarded-For`.
pub const X_FORWARDED_FOR: HeaderName = HeaderName::from_static("x-forwarded-for");
/// Most hops read from a header; a longer chain is cut there (what is left of it is not
/// believed anyway).
const MAX_HOPS: usize = 32;

/// Which header trusted proxies write the client's address into.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, ValueEnum)]
pub enum ClientIpHeader {
    /// `X-Forwarded-For: client, proxy1, …` (nginx, HAProxy, cloud load balancers).
    #[default]
    XForwardedFor,
    /// RFC 7239 `Forwarded: for=client, for=proxy1`.
    Forwarded,
}

/// The trusted proxies and the header they write.
#[derive(Debug, Clone, Default)]
pub struct TrustedProxies {
    nets: Vec<IpNet>,
    header: ClientIpHeader,
}

impl TrustedProxies {
    /// Parses `--trusted-proxy` values: CIDRs (`10.0.0.0/8`, `fd00::/8`) or single addresses.
    pub fn parse(specs: &[String], header: ClientIpHeader) -> Result<Self, RelayError> {
        let nets = specs
            .iter()
            .map(|spec| {
                let spec = spec.trim();
                spec.parse::<IpNet>()
                    .or_else(|_| spec.parse::<IpAddr>().map(IpNet::from))
                    .map(|net| net.trunc())
                    .map_err(|_| {
                        RelayError::Config(format!(
                            "--trusted-proxy {spec:?}: expected a CIDR like 10.0.0.0/8 or an address"
                        ))
                    })
            })
            .collect::<Result<_, _>>()?;
        Ok(TrustedProxies { nets, header })
    }

    /// Whether any proxy is trusted.
    pub fn is_empty(&self) -> bool {
        self.nets.is_empty()
    }

    /// Whether `ip` is one of the trusted proxies.
    pub fn trusts(&self, ip: IpAddr) -> bool {
        let ip = canonical(ip);
        self.nets.iter().any(|net| net.contains(&ip))
    }

    /// The client's address for a request from `peer` with `headers`.
    pub fn client_ip(&self, peer: IpAddr, headers: &HeaderMap) -> IpAddr {
        let peer = canonical(peer);
        if !self.trusts(peer) {
            return peer;
        }
        let mut hops: Vec<&str> = Vec::new();
        let name = match self.header {
            ClientIpHeader::XForwardedFor => &X_FORWARDED_FOR,
            ClientIpHeader::Forwarded => &FORWARDED,
        };
        for value in headers.get_all(name) {
            // A value that is not visible ASCII is not something a proxy wrote: stop there.
            let Ok(value) = value.to_str() else {
                hops.clear();
                hops.push("");
                continue;
            };
            hops.extend(value.split(','));
        }
        let mut client = peer;
        for hop in hops.iter().rev().take(MAX_HOPS) {
            let parsed = match self.header {
                ClientIpHeader::XForwardedFor => parse_node(hop.trim()),
                ClientIpHeader::Forwarded => forwarded_for(hop),
            };
            // An unreadable hop (`unknown`, an obfuscated name, garbage): the hop to its right,
            // which wrote it, is the last one known.
            let Some(ip) = parsed else { break };
            client = ip;
            if !self.trusts(ip) {
                break;
            }
        }
        client
    }
}

/// IPv4-mapped IPv6 addresses (`::ffff:a.b.c.d`, from dual-stack sockets) as plain IPv4.
fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        IpAddr::V4(_) => ip,
    }
}

/// An address as proxies write it: `192.0.2.1`, `192.0.2.1:4711`, `2001:db8::1`,
/// `[2001:db8::1]` or `[2001:db8::1]:4711`.
fn parse_node(text: &str) -> Option<IpAddr> {
    let ip = text
        .parse::<IpAddr>()
        .ok()
        .or_else(|| text.parse::<SocketAddr>().ok().map(|s| s.ip()))
        .or_else(|| {
            let inner = text.strip_prefix('[')?.strip_suffix(']')?;
            inner.parse::<std::net::Ipv6Addr>().ok().map(IpAddr::V6)
        })?;
    Some(canonical(ip))
}

/// The `for=` node of one `Forwarded` element (`for=192.0.2.60;proto=http;by=203.0.113.43`).
fn forwarded_for(element: &str) -> Option<IpAddr> {
    element.split(';').find_map(|pair| {
        let (key, value) = pair.trim().split_once('=')?;
        if !key.trim().eq_ignore_ascii_case("for") {
            return None;
        }
        let value = value.trim();
        let value = value
            .strip_prefix('"')
            .and_then(|v| v.strip_suffix('"'))
            .unwrap_or(value);
        parse_node(value)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(name: &HeaderName, values: &[&'static str]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for v in values {
            h.append(name.clone(), HeaderValue::from_static(v));
        }
        h
    }

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    fn trusted(specs: &[&str], header: ClientIpHeader) -> TrustedProxies {
        let specs: Vec<String> = specs.iter().map(|s| s.to_string()).collect();
        TrustedProxies::parse(&specs, header).unwrap()
    }

    #[test]
    fn untrusted_peers_headers_are_ignored() {
        let none = TrustedProxies::default();
        let h = headers(&X_FORWARDED_FOR, &["203.0.113.9"]);
        assert_eq!(none.client_ip(ip("198.51.100.1"), &h), ip("198.51.100.1"));
        let t = trusted(&["10.0.0.0/8"], ClientIpHeader::XForwardedFor);
        assert_eq!(t.client_ip(ip("198.51.100.1"), &h), ip("198.51.100.1"));
    }

    #[test]
    fn right_most_untrusted_hop_is_the_client() {
        let t = trusted(&["10.0.0.0/8", "127.0.0.1"], ClientIpHeader::XForwardedFor);
        let peer = ip("127.0.0.1");
        // The client made up the first entry; nginx appended the real peer.
        let h = headers(&X_FORWARDED_FOR, &["1.2.3.4, 203.0.113.9"]);
        assert_eq!(t.client_ip(peer, &h), ip("203.0.113.9"));
        // Trusted hops on the right are skipped, over several header lines.
        let h = headers(&X_FORWARDED_FOR, &["1.2.3.4, 203.0.113.9", "10.1.1.1"]);
        assert_eq!(t.client_ip(peer, &h), ip("203.0.113.9"));
        // Ports and brackets as some proxies write them; IPv4-mapped peers.
        let h = headers(&X_FORWARDED_FOR, &["[2001:db8::7]:4711"]);
        assert_eq!(t.client_ip(ip("::ffff:127.0.0.1"), &h), ip("2001:db8::7"));
        let h = headers(&X_FORWARDED_FOR, &["203.0.113.9:555"]);
        assert_eq!(t.client_ip(peer, &h), ip("203.0.113.9"));
        // Garbage stops the walk at the last hop known.
        let h = headers(&X_FORWARDED_FOR, &["203.0.113.9, nonsense, 10.2.2.2"]);
        assert_eq!(t.client_ip(peer, &h), ip("10.2.2.2"));
        // No header: the proxy itself.
        assert_eq!(t.client_ip(peer, &HeaderMap::new()), peer);
        // Only trusted hops: the left-most of them.
        let h = headers(&X_FORWARDED_FOR, &["10.3.3.3, 10.2.2.2"]);
        assert_eq!(t.client_ip(peer, &h), ip("10.3.3.3"));
    }

    #[test]
    fn forwarded_header_when_chosen() {
        let t = trusted(&["127.0.0.0/8"], ClientIpHeader::Forwarded);
        let peer = ip("127.0.0.1");
        let h = headers(
            &FORWARDED,
            &["for=1.2.3.4, for=\"[2001:db8:cafe::17]:4711\";proto=https;by=127.0.0.1"],
        );
        assert_eq!(t.client_ip(peer, &h), ip("2001:db8:cafe::17"));
        let h = headers(&FORWARDED, &["for=unknown"]);
        assert_eq!(t.client_ip(peer, &h), peer);
        // X-Forwarded-For is not read then (a client could have written it).
        let h = headers(&X_FORWARDED_FOR, &["203.0.113.9"]);
        assert_eq!(t.client_ip(peer, &h), peer);
    }

    #[test]
    fn specs_are_checked() {
        assert!(TrustedProxies::parse(&["10.0.0.0/33".into()], ClientIpHeader::default()).is_err());
        assert!(TrustedProxies::parse(&["nope".into()], ClientIpHeader::default()).is_err());
        let t = trusted(&["10.1.2.3/8", "::1"], ClientIpHeader::default());
        assert!(t.trusts(ip("10.200.0.1")), "host bits are ignored");
        assert!(t.trusts(ip("::1")));
        assert!(!t.trusts(ip("11.0.0.1")));
    }
}
