//! Readers of DashScope answers from a parsed [`serde_json::Value`], for builds where code size
//! matters (the browser client compiled to WebAssembly). They reuse the `Value` parser that
//! validation needs anyway instead of the serde-derived deserializers, which are large with
//! `#[serde(flatten)]`. Each gives exactly the result of its serde counterpart (the tests
//! compare them).

use crate::task::{ApiError, ErrorBody, ErrorKind, TaskListQuery};
use crate::upload::UploadPolicy;
use serde_json::{Map, Value};

/// `Some(n)` for an unsigned integer, `None` for a missing field or `null`.
fn u64_field(m: &Map<String, Value>, key: &str) -> Result<Option<u64>, ()> {
    match m.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(v) => v.as_u64().map(Some).ok_or(()),
    }
}

/// `Some(s)` for a string, `None` for a missing field or `null` (an `Option<String>` field).
fn opt_string_field(m: &Map<String, Value>, key: &str) -> Result<Option<String>, ()> {
    match m.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(()),
    }
}

// The readers of bodies with `#[serde(flatten)] extra` take the value apart (moving, not
// cloning: the unknown fields are what is left), which keeps `Value::clone` out of builds
// that never clone otherwise.

/// A field serde reads as a `String` (`null` is refused).
fn text(v: Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s),
        _ => None,
    }
}

/// A field serde reads as an `Option<u64>` (`null` is `None`).
fn opt_u64(v: Value) -> Option<Option<u64>> {
    match v {
        Value::Null => Some(None),
        v => v.as_u64().map(Some),
    }
}

impl ErrorBody {
    /// Reads an error body as `serde_json::from_value::<ErrorBody>` does; `None` where that
    /// fails (not an object, or a known field that is not a string).
    pub fn from_value(v: &Value) -> Option<ErrorBody> {
        ErrorBody::from_owned(v.clone())
    }

    /// [`ErrorBody::from_value`], taking the value apart instead of copying it.
    pub fn from_owned(v: Value) -> Option<ErrorBody> {
        let Value::Object(m) = v else { return None };
        let mut body = ErrorBody::default();
        for (k, v) in m {
            match k.as_str() {
                "code" => body.code = text(v)?,
                "message" => body.message = text(v)?,
                "request_id" => body.request_id = text(v)?,
                _ => {
                    body.extra.insert(k, v);
                }
            }
        }
        Some(body)
    }
}

impl ApiError {
    /// [`ApiError::from_response`] through [`ErrorBody::from_value`]: the same result.
    pub fn from_response_value(status: u16, body: &str) -> ApiError {
        let parsed = serde_json::from_str::<Value>(body).ok();
        ApiError::from_parsed_response(status, parsed, body)
    }

    /// [`ApiError::from_response_value`] for a body already parsed (`parsed`: its JSON value,
    /// `None` when it is not JSON), for callers with a JSON parser of their own (the browser
    /// client uses the JavaScript engine's).
    pub fn from_parsed_response(status: u16, parsed: Option<Value>, body: &str) -> ApiError {
        let body = parsed
            .and_then(ErrorBody::from_owned)
            .unwrap_or_else(|| ErrorBody {
                message: crate::text::char_prefix(body, 200).to_string(),
                ..ErrorBody::default()
            });
        ApiError {
            status,
            kind: ErrorKind::classify(status, &body.code),
            body,
        }
    }
}

impl UploadPolicy {
    /// Reads `data` of an upload-policy answer as `serde_json::from_value::<UploadPolicy>`
    /// does; `None` where that fails.
    pub fn from_value(v: &Value) -> Option<UploadPolicy> {
        UploadPolicy::from_owned(v.clone())
    }

    /// [`UploadPolicy::from_value`], taking the value apart instead of copying it.
    pub fn from_owned(v: Value) -> Option<UploadPolicy> {
        let Value::Object(m) = v else { return None };
        let mut p = UploadPolicy {
            policy: String::new(),
            signature: String::new(),
            upload_dir: String::new(),
            upload_host: String::new(),
            expire_in_seconds: None,
            max_file_size_mb: None,
            capacity_limit_mb: None,
            oss_access_key_id: String::new(),
            x_oss_object_acl: String::new(),
            x_oss_forbid_overwrite: String::new(),
            extra: Map::new(),
        };
        // One bit per required field seen.
        let mut required = 0u8;
        for (k, v) in m {
            match k.as_str() {
                "policy" => (p.policy, required) = (text(v)?, required | 1),
                "signature" => (p.signature, required) = (text(v)?, required | 2),
                "upload_dir" => (p.upload_dir, required) = (text(v)?, required | 4),
                "upload_host" => (p.upload_host, required) = (text(v)?, required | 8),
                "oss_access_key_id" => (p.oss_access_key_id, required) = (text(v)?, required | 16),
                "expire_in_seconds" => p.expire_in_seconds = opt_u64(v)?,
                "max_file_size_mb" => p.max_file_size_mb = opt_u64(v)?,
                "capacity_limit_mb" => p.capacity_limit_mb = opt_u64(v)?,
                "x_oss_object_acl" => p.x_oss_object_acl = text(v)?,
                "x_oss_forbid_overwrite" => p.x_oss_forbid_overwrite = text(v)?,
                _ => {
                    p.extra.insert(k, v);
                }
            }
        }
        (required == 31).then_some(p)
    }
}

impl TaskListQuery {
    /// Reads task-list filters from an object as `serde_json::from_value::<TaskListQuery>`
    /// does (unknown fields ignored); `None` where that fails (a filter of the wrong type, a
    /// page number that is not a `u32`) and for anything but an object.
    pub fn from_value(v: &Value) -> Option<TaskListQuery> {
        let m = v.as_object()?;
        let text = |k| opt_string_field(m, k).ok();
        let page = |k| match u64_field(m, k).ok()? {
            Some(n) => u32::try_from(n).ok().map(Some),
            None => Some(None),
        };
        Some(TaskListQuery {
            task_id: text("task_id")?,
            start_time: text("start_time")?,
            end_time: text("end_time")?,
            model_name: text("model_name")?,
            status: text("status")?,
            page_no: page("page_no")?,
            page_size: page("page_size")?,
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

    #[test]
    fn list_queries_read_like_serde() {
        let full = json!({"task_id":"t-1","start_time":"20250101000000","end_time":"20250101120000",
            "model_name":"wan2.7-videoedit","status":"RUNNING","page_no":2,"page_size":50,"x":1});
        // (serde also reads an array as the fields in order; `from_value` does not.)
        let mut cases = vec![full.clone(), json!(null), json!("x"), json!({})];
        for key in TaskListQuery::PARAMETERS {
            for wrong in [
                json!(null),
                json!(-1),
                json!("7"),
                json!(1.5),
                json!(2.0),
                json!(4_294_967_296u64),
                json!(4_294_967_295u64),
                json!({}),
                json!(true),
            ] {
                let mut bad = full.clone();
                bad[*key] = wrong;
                cases.push(bad);
            }
        }
        for case in cases {
            let serde = serde_json::from_value::<TaskListQuery>(case.clone()).ok();
            assert_eq!(TaskListQuery::from_value(&case), serde, "{case}");
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
