//! Readers of DashScope answers from a parsed [`serde_json::Value`], for builds where code size
//! matters (the browser client compiled to WebAssembly). They reuse the `Value` parser that
//! validation needs anyway instead of the serde-derived deserializers, which are large with
//! `#[serde(flatten)]`. Each gives exactly the result of its serde counterpart (the tests
//! compare them).

use crate::task::{ApiError, ErrorBody, ErrorKind};
use crate::upload::UploadPolicy;
use serde_json::{Map, Value};

/// `Some(s)` for a string, `None` for a missing field, `Err` for anything else (`null`
/// included: serde refuses it for a `String`).
fn string_field(m: &Map<String, Value>, key: &str) -> Result<Option<String>, ()> {
    match m.get(key) {
        None => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(()),
    }
}

/// `Some(n)` for an unsigned integer, `None` for a missing field or `null`.
fn u64_field(m: &Map<String, Value>, key: &str) -> Result<Option<u64>, ()> {
    match m.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(v) => v.as_u64().map(Some).ok_or(()),
    }
}

/// The other fields of an object.
fn rest(m: &Map<String, Value>, known: &[&str]) -> Map<String, Value> {
    // A loop of inserts: collecting into a map would sort, which costs code size.
    let mut out = Map::new();
    for (k, v) in m {
        if !known.contains(&k.as_str()) {
            out.insert(k.clone(), v.clone());
        }
    }
    out
}

impl ErrorBody {
    /// Reads an error body as `serde_json::from_value::<ErrorBody>` does; `None` where that
    /// fails (not an object, or a known field that is not a string).
    pub fn from_value(v: &Value) -> Option<ErrorBody> {
        let m = v.as_object()?;
        let field = |k| string_field(m, k).ok().map(Option::unwrap_or_default);
        Some(ErrorBody {
            code: field("code")?,
            message: field("message")?,
            request_id: field("request_id")?,
            extra: rest(m, &["code", "message", "request_id"]),
        })
    }
}

impl ApiError {
    /// [`ApiError::from_response`] through [`ErrorBody::from_value`]: the same result.
    pub fn from_response_value(status: u16, body: &str) -> ApiError {
        let body = serde_json::from_str::<Value>(body)
            .ok()
            .and_then(|v| ErrorBody::from_value(&v))
            .unwrap_or_else(|| ErrorBody {
                message: body.chars().take(200).collect(),
                ..ErrorBody::default()
            });
        ApiError {
            status,
            kind: ErrorKind::classify(status, &body.code),
            body,
        }
    }
}

const POLICY_FIELDS: &[&str] = &[
    "policy",
    "signature",
    "upload_dir",
    "upload_host",
    "expire_in_seconds",
    "max_file_size_mb",
    "capacity_limit_mb",
    "oss_access_key_id",
    "x_oss_object_acl",
    "x_oss_forbid_overwrite",
];

impl UploadPolicy {
    /// Reads `data` of an upload-policy answer as `serde_json::from_value::<UploadPolicy>`
    /// does; `None` where that fails.
    pub fn from_value(v: &Value) -> Option<UploadPolicy> {
        let m = v.as_object()?;
        let required = |k| string_field(m, k).ok().flatten();
        let optional = |k| string_field(m, k).ok().map(Option::unwrap_or_default);
        Some(UploadPolicy {
            policy: required("policy")?,
            signature: required("signature")?,
            upload_dir: required("upload_dir")?,
            upload_host: required("upload_host")?,
            expire_in_seconds: u64_field(m, "expire_in_seconds").ok()?,
            max_file_size_mb: u64_field(m, "max_file_size_mb").ok()?,
            capacity_limit_mb: u64_field(m, "capacity_limit_mb").ok()?,
            oss_access_key_id: required("oss_access_key_id")?,
            x_oss_object_acl: optional("x_oss_object_acl")?,
            x_oss_forbid_overwrite: optional("x_oss_forbid_overwrite")?,
            extra: rest(m, POLICY_FIELDS),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn error_bodies_read_like_serde() {
        for body in [
            r#"{"code":"InvalidApiKey","message":"No API-key provided.","request_id":"7438d53d"}"#,
            r#"{"code":"InvalidParameter","message":"m","issues":[{"path":"model"}],"x":1}"#,
            r#"{"message":"only a message"}"#,
            r#"{}"#,
            r#"{"code":5,"message":"numeric code"}"#,
            r#"{"code":null}"#,
            r#"[1,2]"#,
            "<html><body>502 Bad Gateway</body></html>",
            "",
            &"x".repeat(500),
        ] {
            for status in [400, 401, 429, 500, 502] {
                assert_eq!(
                    ApiError::from_response_value(status, body),
                    ApiError::from_response(status, body),
                    "{status} {body}"
                );
            }
        }
    }

    fn serde_policy(v: &Value) -> Option<UploadPolicy> {
        serde_json::from_value(v.clone()).ok()
    }

    #[test]
    fn policies_read_like_serde() {
        let full = json!({"policy":"eyJl","signature":"c2ln=","upload_dir":"d/x",
            "upload_host":"https://h.oss-cn-beijing.aliyuncs.com","expire_in_seconds":300,
            "max_file_size_mb":100,"capacity_limit_mb":999999999,"oss_access_key_id":"LTAI",
            "x_oss_object_acl":"private","x_oss_forbid_overwrite":"true","new_field":[1]});
        assert!(UploadPolicy::from_value(&full).is_some());
        let mut cases = vec![full.clone(), json!(null), json!("x"), json!({})];
        for key in POLICY_FIELDS {
            let mut missing = full.clone();
            missing.as_object_mut().unwrap().remove(*key);
            cases.push(missing);
            for wrong in [json!(null), json!(-1), json!("7"), json!(1.5), json!({})] {
                let mut bad = full.clone();
                bad[*key] = wrong;
                cases.push(bad);
            }
        }
        for case in cases {
            assert_eq!(
                UploadPolicy::from_value(&case),
                serde_policy(&case),
                "{case}"
            );
        }
    }
}
