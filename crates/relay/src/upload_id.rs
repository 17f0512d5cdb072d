//! Signed upload ids: the one definition of their format. Pure (no I/O, no clock: the caller
//! passes the time), so another relay (an edge handler, say) can issue and accept the same ids.
//!
//! An id is a self-contained capability: it carries the upstream's name, the real upload host,
//! the upload dir and an expiry, and an HMAC-SHA256 over them under a secret shared by every
//! replica. Any replica holding the secret can check an id another issued; nothing is stored.
//!
//! Format, version 1 (all integers big-endian):
//!
//! ```text
//! payload = 0x01                      version
//!           expires: u64              Unix time, seconds, after which the id is refused
//!           len: u8, upstream         upstream name (1..=32 bytes)
//!           len: u8, upload_host      real upload host URL (1..=255 bytes)
//!           len: u8, upload_dir       upload dir of the policy (0..=255 bytes)
//! mac     = HMAC-SHA256(secret, "wanedit-upload-id-v1" || payload)      32 bytes
//! id      = base64url, no padding (payload || mac)
//! ```
//!
//! The fields are readable by whoever holds the id (they are not secret: the host is
//! DashScope's OSS endpoint, the dir is in the same policy answer); the MAC makes them
//! unforgeable. The MAC is checked (in constant time) before anything else is believed, so
//! "expired" is only ever said of an id the relay really issued.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use hmac::{Hmac, Mac};
use sha2::Sha256;

/// The format version this module writes and reads.
pub const VERSION: u8 = 1;
/// Domain separation: the secret MACs nothing else under this prefix.
const CONTEXT: &[u8] = b"wanedit-upload-id-v1";
/// Length of the MAC at the end of an id.
pub const MAC_LEN: usize = 32;
/// Longest upstream name (the relay's own limit on names).
pub const MAX_UPSTREAM: usize = 32;
/// Longest upload host or upload dir.
pub const MAX_FIELD: usize = 255;
/// Fewest bytes an id decodes to: version, expiry, three lengths, a 1-byte name and host, MAC.
const MIN_BYTES: usize = 1 + 8 + 3 + 1 + 1 + MAC_LEN;
/// Most bytes an id decodes to.
const MAX_BYTES: usize = 1 + 8 + 3 + MAX_UPSTREAM + 2 * MAX_FIELD + MAC_LEN;
/// Fewest characters of an id.
pub const MIN_CHARS: usize = (MIN_BYTES * 4).div_ceil(3);
/// Most characters of an id.
pub const MAX_CHARS: usize = (MAX_BYTES * 4).div_ceil(3);
/// Shortest secret accepted (bytes).
pub const MIN_SECRET: usize = 32;

/// What an id grants: one upload to `upload_host` through upstream `upstream` until `expires`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grant {
    /// The upstream's name (the first path segment of the relay's routes).
    pub upstream: String,
    /// The real upload host, as the upstream's policy named it.
    pub upload_host: String,
    /// The policy's upload dir (may be empty).
    pub upload_dir: String,
    /// Unix time in seconds after which the id is refused.
    pub expires: u64,
}

/// Why an id is refused (or cannot be made).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IdError {
    /// Not an id of this format (bad alphabet, length, version or layout).
    Malformed,
    /// The MAC does not match: tampered with, or made under another secret.
    BadSignature,
    /// Authentic, but for another upstream.
    WrongUpstream,
    /// Authentic, but past its expiry.
    Expired,
    /// A field is too long to sign (only when issuing).
    FieldTooLong,
}

/// Whether `id` has the shape of an id: a bounded length, base64url characters only. Cheap,
/// for routing; [`Signer::verify`] decides whether it is valid.
pub fn is_well_formed(id: &str) -> bool {
    (MIN_CHARS..=MAX_CHARS).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// Issues and checks ids under one secret.
#[derive(Clone)]
pub struct Signer {
    mac: Hmac<Sha256>,
}

impl std::fmt::Debug for Signer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Signer(<redacted>)")
    }
}

impl Signer {
    /// A signer keyed with `secret` (any length works for HMAC; the relay asks for at least
    /// [`MIN_SECRET`] bytes).
    pub fn new(secret: &[u8]) -> Self {
        let mut mac =
            <Hmac<Sha256> as Mac>::new_from_slice(secret).expect("HMAC takes keys of any length");
        mac.update(CONTEXT);
        Signer { mac }
    }

    fn tag(&self, payload: &[u8]) -> Hmac<Sha256> {
        let mut mac = self.mac.clone();
        mac.update(payload);
        mac
    }

    /// The id for `grant`.
    pub fn sign(&self, grant: &Grant) -> Result<String, IdError> {
        let fields = [
            (grant.upstream.as_bytes(), 1, MAX_UPSTREAM),
            (grant.upload_host.as_bytes(), 1, MAX_FIELD),
            (grant.upload_dir.as_bytes(), 0, MAX_FIELD),
        ];
        let mut bytes = Vec::with_capacity(MAX_BYTES);
        bytes.push(VERSION);
        bytes.extend_from_slice(&grant.expires.to_be_bytes());
        for (field, min, max) in fields {
            if !(min..=max).contains(&field.len()) {
                return Err(IdError::FieldTooLong);
            }
            bytes.push(field.len() as u8);
            bytes.extend_from_slice(field);
        }
        let mac = self.tag(&bytes).finalize().into_bytes();
        bytes.extend_from_slice(&mac);
        Ok(URL_SAFE_NO_PAD.encode(bytes))
    }

    /// The grant behind `id`, if it is authentic, for `upstream`, and not expired at `now`
    /// (Unix seconds).
    pub fn verify(&self, id: &str, upstream: &str, now: u64) -> Result<Grant, IdError> {
        if !is_well_formed(id) {
            return Err(IdError::Malformed);
        }
        let bytes = URL_SAFE_NO_PAD.decode(id).map_err(|_| IdError::Malformed)?;
        if !(MIN_BYTES..=MAX_BYTES).contains(&bytes.len()) {
            return Err(IdError::Malformed);
        }
        let (payload, mac) = bytes.split_at(bytes.len() - MAC_LEN);
        self.tag(payload)
            .verify_slice(mac)
            .map_err(|_| IdError::BadSignature)?;
        let grant = parse(payload).ok_or(IdError::Malformed)?;
        if grant.upstream != upstream {
            return Err(IdError::WrongUpstream);
        }
        if now > grant.expires {
            return Err(IdError::Expired);
        }
        Ok(grant)
    }
}

/// Reads an authenticated payload.
fn parse(payload: &[u8]) -> Option<Grant> {
    let (&version, rest) = payload.split_first()?;
    if version != VERSION || rest.len() < 8 {
        return None;
    }
    let (expires, mut rest) = rest.split_at(8);
    let expires = u64::from_be_bytes(expires.try_into().ok()?);
    let mut field = || -> Option<String> {
        let (&len, tail) = rest.split_first()?;
        if tail.len() < len as usize {
            return None;
        }
        let (value, tail) = tail.split_at(len as usize);
        rest = tail;
        String::from_utf8(value.to_vec()).ok()
    };
    let grant = Grant {
        upstream: field()?,
        upload_host: field()?,
        upload_dir: field()?,
        expires,
    };
    (rest.is_empty() && !grant.upstream.is_empty() && !grant.upload_host.is_empty())
        .then_some(grant)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &[u8] = b"wanedit-upload-id-test-vector-secret-0001";

    fn grant() -> Grant {
        Grant {
            upstream: "intl".into(),
            upload_host: "https://dashscope-file-mgr.oss-cn-beijing.aliyuncs.com/".into(),
            upload_dir: "dashscope-instant/0123abcd/2026-12-03/clip".into(),
            expires: 1_796_342_400,
        }
    }

    /// A fixed vector, so another implementation of the format can check itself against it
    /// (recomputed independently with Python's `hmac` module when it was written).
    const VECTOR: &str = "AQAAAABrEgKABGludGw3aHR0cHM6Ly9kYXNoc2NvcGUtZmlsZS1tZ3Iub3NzLWNuLWJlaWppbmcuYWxpeXVuY3MuY29tLypkYXNoc2NvcGUtaW5zdGFudC8wMTIzYWJjZC8yMDI2LTEyLTAzL2NsaXCMzpL-pBK8DNvGi7CAfhco1fXKFFaVRO8RfO1Dh6hb7A";

    #[test]
    fn test_vector() {
        let signer = Signer::new(SECRET);
        assert_eq!(signer.sign(&grant()).unwrap(), VECTOR);
        assert_eq!(signer.verify(VECTOR, "intl", 1_796_342_400), Ok(grant()));
        assert!(is_well_formed(VECTOR));
    }

    #[test]
    fn round_trip_and_refusals() {
        let signer = Signer::new(SECRET);
        let id = signer.sign(&grant()).unwrap();
        let t = grant().expires;
        assert_eq!(signer.verify(&id, "intl", t - 100), Ok(grant()));
        assert_eq!(signer.verify(&id, "intl", t + 1), Err(IdError::Expired));
        assert_eq!(signer.verify(&id, "cn", t), Err(IdError::WrongUpstream));
        let other = Signer::new(b"another-secret-another-secret-another-secret");
        assert_eq!(other.verify(&id, "intl", t), Err(IdError::BadSignature));
        // Every single-character change is caught.
        let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        for i in 0..id.len() {
            let mut bytes = id.clone().into_bytes();
            let pos = alphabet.iter().position(|&c| c == bytes[i]).unwrap();
            bytes[i] = alphabet[(pos + 1) % 64];
            let tampered = String::from_utf8(bytes).unwrap();
            assert!(
                signer.verify(&tampered, "intl", t).is_err(),
                "change at {i} accepted"
            );
        }
        // Truncated, extended, wrong alphabet, empty.
        assert!(signer.verify(&id[..id.len() - 1], "intl", t).is_err());
        assert!(signer.verify(&format!("{id}A"), "intl", t).is_err());
        assert_eq!(
            signer.verify(&id.replace('A', "+"), "intl", t),
            Err(IdError::Malformed)
        );
        assert_eq!(signer.verify("", "intl", t), Err(IdError::Malformed));
    }

    #[test]
    fn a_signed_payload_of_another_layout_is_refused() {
        // Well signed, but trailing garbage after the fields: refused as malformed.
        let signer = Signer::new(SECRET);
        let mut payload = vec![VERSION];
        payload.extend_from_slice(&1u64.to_be_bytes());
        payload.extend_from_slice(b"\x01a\x01b\x00junk");
        let mac = signer.tag(&payload).finalize().into_bytes();
        payload.extend_from_slice(&mac);
        let id = URL_SAFE_NO_PAD.encode(payload);
        assert_eq!(signer.verify(&id, "a", 0), Err(IdError::Malformed));
        // A version this module does not know.
        let mut payload = vec![2u8];
        payload.extend_from_slice(&1u64.to_be_bytes());
        payload.extend_from_slice(b"\x01a\x01b\x00");
        let mac = signer.tag(&payload).finalize().into_bytes();
        payload.extend_from_slice(&mac);
        let id = URL_SAFE_NO_PAD.encode(payload);
        assert_eq!(signer.verify(&id, "a", 0), Err(IdError::Malformed));
    }

    #[test]
    fn bounds() {
        let signer = Signer::new(SECRET);
        let mut big = grant();
        big.upstream = "u".repeat(MAX_UPSTREAM);
        big.upload_host = "h".repeat(MAX_FIELD);
        big.upload_dir = "d".repeat(MAX_FIELD);
        let id = signer.sign(&big).unwrap();
        assert_eq!(id.len(), MAX_CHARS);
        assert!(is_well_formed(&id));
        big.upload_dir.push('d');
        assert_eq!(signer.sign(&big), Err(IdError::FieldTooLong));
        let mut small = grant();
        small.upstream = "u".into();
        small.upload_host = "h".into();
        small.upload_dir = String::new();
        assert_eq!(signer.sign(&small).unwrap().len(), MIN_CHARS);
        assert!(!is_well_formed(&"A".repeat(MIN_CHARS - 1)));
        assert!(!is_well_formed(&"A".repeat(MAX_CHARS + 1)));
        assert!(!is_well_formed(&format!("{}.", "A".repeat(MIN_CHARS))));
    }
}
