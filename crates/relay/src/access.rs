//! Who may use a proxied route. Denied origins are refused before this (see `cors`). Then:
//! with an access token configured, every caller must present it; without one, a relay that
//! holds a real key only serves calls from an allowed origin, because a call without `Origin`
//! could come from anything that reaches the port.

use crate::config::{Secret, Upstream};
use crate::cors::OriginCheck;
use crate::error::RelayError;
use axum::http::header::AUTHORIZATION;
use axum::http::HeaderMap;

/// The header callers send the access token in.
pub use crate::names::X_RELAY_TOKEN;

/// Checks a call to `upstream`.
pub fn authorize(
    token: Option<&Secret>,
    upstream: &Upstream,
    origin: &OriginCheck,
    headers: &HeaderMap,
) -> Result<(), RelayError> {
    if let Some(token) = token {
        let presented = headers
            .get(X_RELAY_TOKEN)
            .and_then(|v| v.to_str().ok())
            .or_else(|| {
                // A plain DashScope client configured with the token as its "API key" works too,
                // but only where the relay replaces that header with its own key.
                if upstream.key.holds_key() {
                    bearer(headers)
                } else {
                    None
                }
            });
        return match presented {
            Some(p) if constant_time_eq(p.as_bytes(), token.expose().as_bytes()) => Ok(()),
            _ => Err(RelayError::Unauthorized(
                "missing or wrong access token (X-Relay-Token)",
            )),
        };
    }
    if upstream.key.holds_real_key() && !origin.is_allowed() {
        return Err(RelayError::Unauthorized(
            "this relay holds an API key and serves only calls from its allowed origins",
        ));
    }
    Ok(())
}

fn bearer(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(AUTHORIZATION)?.to_str().ok()?;
    let (scheme, rest) = value.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| rest.trim())
}

/// Compares without an early exit, so timing does not reveal how much of a guess was right.
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::KeyMode;
    use axum::http::HeaderValue;

    fn upstream(key: KeyMode) -> Upstream {
        Upstream {
            name: "intl".into(),
            base: "https://x.example".into(),
            key,
        }
    }

    fn held() -> KeyMode {
        KeyMode::Held {
            key: Secret::new("sk-relay"),
            real: true,
        }
    }

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, HeaderValue::from_static(v));
        }
        h
    }

    #[test]
    fn token_is_required_when_configured() {
        let token = Secret::new("0123456789abcdef");
        let u = upstream(held());
        let ok = OriginCheck::Absent;
        assert!(authorize(
            Some(&token),
            &u,
            &ok,
            &headers(&[("x-relay-token", "0123456789abcdef")])
        )
        .is_ok());
        assert!(authorize(
            Some(&token),
            &u,
            &ok,
            &headers(&[("authorization", "Bearer 0123456789abcdef")])
        )
        .is_ok());
        assert!(authorize(
            Some(&token),
            &u,
            &ok,
            &headers(&[("x-relay-token", "0123456789abcdeX")])
        )
        .is_err());
        assert!(authorize(Some(&token), &u, &ok, &headers(&[])).is_err());
        // In pass-through mode Authorization is the caller's DashScope key, not the token.
        let p = upstream(KeyMode::PassThrough);
        assert!(authorize(
            Some(&token),
            &p,
            &ok,
            &headers(&[("authorization", "Bearer 0123456789abcdef")])
        )
        .is_err());
    }

    #[test]
    fn held_key_without_token_needs_an_allowed_origin() {
        let u = upstream(held());
        let allowed = OriginCheck::Allowed(HeaderValue::from_static("https://a.example"));
        assert!(authorize(None, &u, &allowed, &HeaderMap::new()).is_ok());
        assert!(authorize(None, &u, &OriginCheck::Absent, &HeaderMap::new()).is_err());
        let demo = upstream(KeyMode::Held {
            key: Secret::new("sk-sim"),
            real: false,
        });
        assert!(authorize(None, &demo, &OriginCheck::Absent, &HeaderMap::new()).is_ok());
        assert!(authorize(
            None,
            &upstream(KeyMode::PassThrough),
            &OriginCheck::Absent,
            &HeaderMap::new()
        )
        .is_ok());
    }
}
