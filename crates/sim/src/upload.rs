//! Temporary-file uploads: the signed POST policies DashScope hands out, their verification by
//! the OSS-like endpoint, and the stored objects `oss://` URLs resolve to.

use std::collections::HashMap;

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine as _;
use bytes::Bytes;
use hmac::{Hmac, Mac};
use serde_json::{json, Value};
use sha1::Sha1;

use crate::error::SimError;
use crate::timefmt;

/// The form fields that must precede `file`, in the documented order.
pub const REQUIRED_FIELDS: [&str; 7] = [
    "OSSAccessKeyId",
    "Signature",
    "policy",
    "key",
    "x-oss-object-acl",
    "x-oss-forbid-overwrite",
    "success_action_status",
];

/// The simulated bucket name (appears in the policy only).
const BUCKET: &str = "dashscope-file-sim";

/// An object stored by the OSS endpoint.
#[derive(Debug, Clone)]
pub struct StoredObject {
    /// The model the upload policy was issued for.
    pub model: String,
    /// Content.
    pub bytes: Bytes,
    /// `x-oss-content-type` or the part's content type, if sent.
    pub content_type: Option<String>,
    /// Virtual epoch ms of the upload.
    pub stored_ms: u64,
}

/// What a verified form allows.
#[derive(Debug, Clone)]
pub struct Grant {
    /// Object key.
    pub key: String,
    /// Model of the policy.
    pub model: String,
    /// Largest allowed file, in bytes.
    pub max_bytes: u64,
    /// Whether an existing object must not be replaced.
    pub forbid_overwrite: bool,
}

/// Issued policies and stored objects.
#[derive(Debug)]
pub struct Uploads {
    /// HMAC secret of this instance; only the simulator itself can sign policies.
    secret: String,
    /// The access key id put in policies and required back in forms.
    pub access_key_id: String,
    /// Upload directory → model it was issued for.
    dirs: HashMap<String, String>,
    /// Key → object.
    objects: HashMap<String, StoredObject>,
}

type HmacSha1 = Hmac<Sha1>;

impl Default for Uploads {
    fn default() -> Self {
        Self {
            secret: uuid::Uuid::new_v4().to_string(),
            access_key_id: "LTAI5tSimulatorAccessKey".into(),
            dirs: HashMap::new(),
            objects: HashMap::new(),
        }
    }
}

/// Why an `oss://` URL does not resolve.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResolveError {
    /// Never uploaded (or the simulator was reset).
    Missing,
    /// Older than the object lifetime.
    Expired,
    /// Uploaded under a policy for another model.
    OtherModel,
}

impl Uploads {
    fn sign(&self, policy_b64: &str) -> String {
        // HMAC accepts keys of any length, so this cannot fail.
        let mut mac = HmacSha1::new_from_slice(self.secret.as_bytes()).expect("any key length");
        mac.update(policy_b64.as_bytes());
        B64.encode(mac.finalize().into_bytes())
    }

    /// Issues a policy for `model`: the `data` object of a getPolicy answer.
    pub fn issue(
        &mut self,
        model: &str,
        now_ms: u64,
        ttl_ms: u64,
        max_bytes: u64,
        offset_minutes: i32,
        upload_host: &str,
    ) -> Value {
        let upload_dir = format!(
            "dashscope-instant/sim-account/{}/{}",
            timefmt::date(now_ms, offset_minutes),
            uuid::Uuid::new_v4().simple()
        );
        let policy_json = json!({
            "expiration": timefmt::iso_utc(now_ms + ttl_ms),
            "conditions": [
                ["content-length-range", 0, max_bytes],
                ["starts-with", "$key", upload_dir],
                {"bucket": BUCKET},
                {"x-oss-object-acl": "private"},
                {"x-oss-forbid-overwrite": "true"},
            ],
        });
        let policy = B64.encode(policy_json.to_string());
        let signature = self.sign(&policy);
        self.dirs.insert(upload_dir.clone(), model.to_string());
        json!({
            "policy": policy,
            "signature": signature,
            "upload_dir": upload_dir,
            "upload_host": upload_host,
            "expire_in_seconds": ttl_ms / 1000,
            "max_file_size_mb": max_bytes.div_ceil(1024 * 1024),
            "capacity_limit_mb": 999_999_999,
            "oss_access_key_id": self.access_key_id,
            "x_oss_object_acl": "private",
            "x_oss_forbid_overwrite": "true",
        })
    }

    /// Verifies the form fields that came before `file` against their policy.
    pub fn verify(&self, fields: &HashMap<String, String>, now_ms: u64) -> Result<Grant, SimError> {
        for name in REQUIRED_FIELDS {
            if !fields.contains_key(name) {
                return Err(SimError::oss(
                    400,
                    "InvalidArgument",
                    format!("Missing form field {name} before the file field (file must be the last field)."),
                ));
            }
        }
        let field = |n: &str| fields.get(n).map(String::as_str).unwrap_or("");
        if field("OSSAccessKeyId") != self.access_key_id {
            return Err(SimError::oss(
                403,
                "InvalidAccessKeyId",
                "The OSS Access Key Id you provided does not exist in our records.",
            ));
        }
        let policy_b64 = field("policy");
        if field("Signature") != self.sign(policy_b64) {
            return Err(SimError::oss(
                403,
                "SignatureDoesNotMatch",
                "The request signature we calculated does not match the signature you provided.",
            ));
        }
        let policy: Value = B64
            .decode(policy_b64)
            .ok()
            .and_then(|b| serde_json::from_slice(&b).ok())
            .ok_or_else(|| {
                SimError::oss(
                    400,
                    "InvalidPolicyDocument",
                    "Invalid Policy: Invalid JSON.",
                )
            })?;
        let expires = policy["expiration"]
            .as_str()
            .and_then(timefmt::parse_iso_utc)
            .ok_or_else(|| {
                SimError::oss(
                    400,
                    "InvalidPolicyDocument",
                    "Invalid Policy: Invalid expiration.",
                )
            })?;
        if now_ms >= expires {
            return Err(SimError::oss(
                403,
                "AccessDenied",
                "Invalid according to Policy: Policy expired.",
            ));
        }
        let mut max_bytes = u64::MAX;
        let mut dir = None;
        for cond in policy["conditions"].as_array().into_iter().flatten() {
            match cond {
                Value::Array(c) if c.first() == Some(&json!("content-length-range")) => {
                    max_bytes = c.get(2).and_then(Value::as_u64).unwrap_or(u64::MAX);
                }
                Value::Array(c) if c.first() == Some(&json!("starts-with")) => {
                    dir = c.get(2).and_then(Value::as_str).map(str::to_string);
                }
                Value::Object(m) => {
                    for (name, want) in m {
                        let got = fields.get(name.as_str()).map(String::as_str);
                        if name != "bucket" && got != want.as_str() {
                            return Err(SimError::oss(
                                403,
                                "AccessDenied",
                                format!("Invalid according to Policy: Policy Condition failed: [\"eq\", \"${name}\", {want}]"),
                            ));
                        }
                    }
                }
                _ => {}
            }
        }
        let dir = dir.unwrap_or_default();
        let key = field("key");
        let name = key
            .strip_prefix(dir.as_str())
            .and_then(|r| r.strip_prefix('/'));
        if dir.is_empty() || name.is_none_or(str::is_empty) {
            return Err(SimError::oss(
                403,
                "AccessDenied",
                format!("Invalid according to Policy: Policy Condition failed: [\"starts-with\", \"$key\", \"{dir}\"]"),
            ));
        }
        let model = self.dirs.get(&dir).cloned().ok_or_else(|| {
            SimError::oss(
                403,
                "AccessDenied",
                "Invalid according to Policy: unknown upload directory.",
            )
        })?;
        Ok(Grant {
            key: key.to_string(),
            model,
            max_bytes,
            forbid_overwrite: field("x-oss-forbid-overwrite").eq_ignore_ascii_case("true"),
        })
    }

    /// Whether an object exists under `key`.
    pub fn exists(&self, key: &str) -> bool {
        self.objects.contains_key(key)
    }

    /// Stores an object.
    pub fn store(&mut self, key: String, object: StoredObject) {
        self.objects.insert(key, object);
    }

    /// An object by key.
    pub fn get(&self, key: &str) -> Option<&StoredObject> {
        self.objects.get(key)
    }

    /// Checks that `oss://key` can be used by a task of `model` now.
    pub fn resolve(
        &self,
        url: &str,
        model: &str,
        now_ms: u64,
        ttl_ms: u64,
    ) -> Result<(), ResolveError> {
        let key = url.strip_prefix("oss://").unwrap_or(url);
        let obj = self.objects.get(key).ok_or(ResolveError::Missing)?;
        if now_ms >= obj.stored_ms + ttl_ms {
            return Err(ResolveError::Expired);
        }
        if obj.model != model {
            return Err(ResolveError::OtherModel);
        }
        Ok(())
    }

    /// Forgets policies and objects (the signing secret stays).
    pub fn clear(&mut self) {
        self.dirs.clear();
        self.objects.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(u: &Uploads, data: &Value, name: &str) -> HashMap<String, String> {
        let mut f = HashMap::new();
        f.insert("OSSAccessKeyId".into(), u.access_key_id.clone());
        f.insert(
            "Signature".into(),
            data["signature"].as_str().unwrap().into(),
        );
        f.insert("policy".into(), data["policy"].as_str().unwrap().into());
        f.insert(
            "key".into(),
            format!("{}/{name}", data["upload_dir"].as_str().unwrap()),
        );
        f.insert("x-oss-object-acl".into(), "private".into());
        f.insert("x-oss-forbid-overwrite".into(), "true".into());
        f.insert("success_action_status".into(), "200".into());
        f
    }

    fn code(r: Result<Grant, SimError>) -> String {
        match r {
            Err(SimError::Oss { code, .. }) => code,
            other => panic!("expected an OSS error, got {other:?}"),
        }
    }

    #[test]
    fn policy_verifies_and_expires() {
        let mut u = Uploads::default();
        let data = u.issue(
            "wan2.7-videoedit",
            1_000_000,
            300_000,
            1000,
            480,
            "http://h/oss",
        );
        assert_eq!(data["expire_in_seconds"], 300);
        assert_eq!(data["max_file_size_mb"], 1);
        let f = form(&u, &data, "a.mp4");
        let g = u.verify(&f, 1_000_000).unwrap();
        assert_eq!(g.max_bytes, 1000);
        assert_eq!(g.model, "wan2.7-videoedit");
        assert_eq!(code(u.verify(&f, 1_300_000)), "AccessDenied");

        let mut bad = f.clone();
        bad.insert("Signature".into(), "x".into());
        assert_eq!(code(u.verify(&bad, 1_000_000)), "SignatureDoesNotMatch");
        let mut outside = f.clone();
        outside.insert("key".into(), "elsewhere/a.mp4".into());
        assert_eq!(code(u.verify(&outside, 1_000_000)), "AccessDenied");
        let mut missing = f;
        missing.remove("success_action_status");
        assert_eq!(code(u.verify(&missing, 1_000_000)), "InvalidArgument");
    }

    #[test]
    fn resolve_checks_model_and_age() {
        let mut u = Uploads::default();
        let obj = StoredObject {
            model: "m".into(),
            bytes: Bytes::from_static(b"x"),
            content_type: None,
            stored_ms: 0,
        };
        u.store("d/a".into(), obj);
        assert_eq!(u.resolve("oss://d/a", "m", 10, 100), Ok(()));
        assert_eq!(
            u.resolve("oss://d/a", "n", 10, 100),
            Err(ResolveError::OtherModel)
        );
        assert_eq!(
            u.resolve("oss://d/a", "m", 100, 100),
            Err(ResolveError::Expired)
        );
        assert_eq!(
            u.resolve("oss://d/b", "m", 10, 100),
            Err(ResolveError::Missing)
        );
    }
}
