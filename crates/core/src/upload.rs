//! Temporary uploads (`oss://` URLs), the documented two steps:
//!
//! 1. `GET {base}/api/v1/uploads?action=getPolicy&model=M` ([`policy_query`]) answers an
//!    [`UploadPolicyResponse`];
//! 2. a `multipart/form-data` POST to `data.upload_host` with the fields of
//!    [`UploadPolicy::form_fields`] in that order and the file **last**; HTTP 200 with an empty
//!    body on success, an OSS XML error ([`parse_oss_error`]) otherwise.
//!
//! The file is then `oss://` + key ([`oss_url`]): valid 48 h, for the same model and account,
//! and create calls using it must send `X-DashScope-OssResourceResolve: enable`.

use crate::cat;
use crate::task::percent_encode;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// The scheme prefix of a temporary upload's URL.
pub const OSS_SCHEME: &str = "oss://";

/// Longest file name put into an object key (in bytes); longer names are cut.
pub const MAX_FILENAME_BYTES: usize = 128;

/// The query of the upload-policy call (`action=getPolicy&model=…`, percent-encoded), to
/// append to [`crate::region::UPLOADS_PATH`] after a `?`.
pub fn policy_query(model: &str) -> String {
    let mut q = String::from("action=getPolicy&model=");
    q.push_str(&percent_encode(model));
    q
}

/// `data` of an upload-policy answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UploadPolicy {
    /// The base64 policy document (sent back as the `policy` field).
    pub policy: String,
    /// Its signature (the `Signature` field).
    pub signature: String,
    /// The directory the object key must start with.
    pub upload_dir: String,
    /// Where to POST the form. Through a relay this is the relay's own URL; it may be relative
    /// to the base URL.
    pub upload_host: String,
    /// Seconds the policy stays valid (300).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expire_in_seconds: Option<u64>,
    /// Largest file accepted, in MB (100).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_file_size_mb: Option<u64>,
    /// Account capacity, in MB.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub capacity_limit_mb: Option<u64>,
    /// The `OSSAccessKeyId` field.
    pub oss_access_key_id: String,
    /// The `x-oss-object-acl` field (`private`).
    #[serde(default)]
    pub x_oss_object_acl: String,
    /// The `x-oss-forbid-overwrite` field (`true`).
    #[serde(default)]
    pub x_oss_forbid_overwrite: String,
    /// Fields this version does not know.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// An upload-policy answer: `{"request_id","data":{…}}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UploadPolicyResponse {
    /// The id of this request.
    /// Absent stays absent when written back (an error body may have none).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub request_id: String,
    /// The policy.
    pub data: UploadPolicy,
    /// Fields this version does not know.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl UploadPolicy {
    /// The object key for `filename`: `upload_dir + "/" + filename` (the name made safe with
    /// [`safe_filename`]).
    pub fn object_key(&self, filename: &str) -> String {
        let dir = self.upload_dir.trim_end_matches('/');
        let name = safe_filename(filename);
        let mut key = String::with_capacity(dir.len() + 1 + name.len());
        key.push_str(dir);
        key.push('/');
        key.push_str(&name);
        key
    }

    /// The form fields before the file, in the documented order: `OSSAccessKeyId`,
    /// `Signature`, `policy`, `key`, `x-oss-object-acl`, `x-oss-forbid-overwrite`,
    /// `success_action_status` (`200`). The `file` field must follow them, last.
    pub fn form_fields(&self, key: &str) -> Vec<(&'static str, String)> {
        self.form_field_refs(key)
            .iter()
            .map(|(name, value)| (*name, value.to_string()))
            .collect()
    }

    /// [`UploadPolicy::form_fields`], borrowed from the policy and `key`.
    pub fn form_field_refs<'a>(&'a self, key: &'a str) -> [(&'static str, &'a str); 7] {
        [
            ("OSSAccessKeyId", &self.oss_access_key_id),
            ("Signature", &self.signature),
            ("policy", &self.policy),
            ("key", key),
            ("x-oss-object-acl", &self.x_oss_object_acl),
            ("x-oss-forbid-overwrite", &self.x_oss_forbid_overwrite),
            ("success_action_status", "200"),
        ]
    }

    /// The largest file the policy accepts, in bytes, when it says.
    pub fn max_file_bytes(&self) -> Option<u64> {
        self.max_file_size_mb
            .map(|mb| mb.saturating_mul(1024 * 1024))
    }
}

/// The URL of an uploaded object: `oss://` + key.
pub fn oss_url(key: &str) -> String {
    let mut url = String::with_capacity(OSS_SCHEME.len() + key.len());
    url.push_str(OSS_SCHEME);
    url.push_str(key);
    url
}

/// A file name safe to put into an object key: only its last path segment, control
/// characters, `/`, `\`, `?`, `#` and `%` replaced by `_`, at most [`MAX_FILENAME_BYTES`]
/// bytes (cut at a character boundary), and `upload` when nothing is left (or only dots).
pub fn safe_filename(name: &str) -> String {
    let last = match name.bytes().rposition(|b| b == b'/' || b == b'\\') {
        Some(at) => name.get(at + 1..).unwrap_or(""),
        None => name,
    };
    let mut out = String::with_capacity(last.len().min(MAX_FILENAME_BYTES));
    for c in last.trim().chars() {
        let c = if c.is_control() || matches!(c, '?' | '#' | '%') {
            '_'
        } else {
            c
        };
        if out.len() + c.len_utf8() > MAX_FILENAME_BYTES {
            break;
        }
        out.push(c);
    }
    if out.chars().all(|c| c == '.') {
        return "upload".to_string();
    }
    out
}

/// A default file name for a file of MIME type `mime` (`upload.mp4` for `video/mp4`, …;
/// `upload.bin` for anything else).
pub fn default_filename(mime: &str) -> &'static str {
    let mime = mime.split(';').next().unwrap_or("").trim();
    match mime {
        "video/mp4" => "upload.mp4",
        "video/quicktime" => "upload.mov",
        "image/jpeg" | "image/jpg" => "upload.jpg",
        "image/png" => "upload.png",
        "image/bmp" => "upload.bmp",
        "image/tiff" => "upload.tiff",
        "image/webp" => "upload.webp",
        _ => "upload.bin",
    }
}

/// `(Code, Message)` of an OSS XML error (`<Error><Code>…</Code><Message>…</Message>…`),
/// when the text has a `Code` element.
pub fn parse_oss_error(xml: &str) -> Option<(String, String)> {
    // A plain search rather than `str::find`, whose substring searcher (two-way) weighs
    // more than this whole function in WebAssembly.
    fn find(text: &str, pattern: &str) -> Option<usize> {
        let (text, pattern) = (text.as_bytes(), pattern.as_bytes());
        (0..=text.len().checked_sub(pattern.len())?)
            .find(|&i| text.get(i..i + pattern.len()) == Some(pattern))
    }
    fn element<'a>(xml: &'a str, name: &str) -> Option<&'a str> {
        let open = cat!('<', name, '>');
        let close = cat!("</", name, '>');
        let start = find(xml, &open)? + open.len();
        let rest = xml.get(start..)?;
        Some(rest.get(..find(rest, &close)?)?.trim())
    }
    let code = element(xml, "Code")?;
    let message = element(xml, "Message").unwrap_or("");
    Some((code.to_string(), message.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy() -> UploadPolicy {
        let body = r#"{"request_id":"r1","data":{"policy":"eyJl","signature":"c2ln=",
            "upload_dir":"dashscope-instant/xxx/2024-07-18/xxx",
            "upload_host":"https://dashscope-file-xxx.oss-cn-beijing.aliyuncs.com",
            "expire_in_seconds":300,"max_file_size_mb":100,"capacity_limit_mb":999999999,
            "oss_access_key_id":"LTAI","x_oss_object_acl":"private",
            "x_oss_forbid_overwrite":"true","new_field":1}}"#;
        let r: UploadPolicyResponse = serde_json::from_str(body).unwrap();
        assert_eq!(r.request_id, "r1");
        assert_eq!(r.data.extra["new_field"], 1);
        r.data
    }

    #[test]
    fn the_documented_policy_answer_parses() {
        let p = policy();
        assert_eq!(p.upload_dir, "dashscope-instant/xxx/2024-07-18/xxx");
        assert_eq!(p.max_file_bytes(), Some(100 * 1024 * 1024));
        assert_eq!(p.expire_in_seconds, Some(300));
    }

    #[test]
    fn form_fields_are_the_documented_ones_in_order() {
        let p = policy();
        let key = p.object_key("clip.mp4");
        assert_eq!(key, "dashscope-instant/xxx/2024-07-18/xxx/clip.mp4");
        let names: Vec<&str> = p.form_fields(&key).iter().map(|(n, _)| *n).collect();
        assert_eq!(
            names,
            [
                "OSSAccessKeyId",
                "Signature",
                "policy",
                "key",
                "x-oss-object-acl",
                "x-oss-forbid-overwrite",
                "success_action_status"
            ]
        );
        let fields = p.form_fields(&key);
        assert_eq!(fields[0].1, "LTAI");
        assert_eq!(fields[3].1, key);
        assert_eq!(fields[6].1, "200");
        assert_eq!(
            oss_url(&key),
            "oss://dashscope-instant/xxx/2024-07-18/xxx/clip.mp4"
        );
    }

    #[test]
    fn policy_query_encodes_the_model() {
        assert_eq!(
            policy_query("wan2.7-videoedit"),
            "action=getPolicy&model=wan2.7-videoedit"
        );
        assert_eq!(policy_query("a b&c"), "action=getPolicy&model=a%20b%26c");
    }

    #[test]
    fn file_names_are_made_safe() {
        assert_eq!(safe_filename("clip.mp4"), "clip.mp4");
        assert_eq!(safe_filename("C:\\Users\\me\\clip.mp4"), "clip.mp4");
        assert_eq!(safe_filename("../../etc/passwd"), "passwd");
        assert_eq!(safe_filename("a?b#c%d\u{0}.png"), "a_b_c_d_.png");
        assert_eq!(safe_filename(""), "upload");
        assert_eq!(safe_filename(".."), "upload");
        assert_eq!(safe_filename("dir/"), "upload");
        assert_eq!(safe_filename("视频.mp4"), "视频.mp4");
        let long = "é".repeat(100);
        let cut = safe_filename(&long);
        assert!(cut.len() <= MAX_FILENAME_BYTES && cut.chars().all(|c| c == 'é'));
    }

    #[test]
    fn default_names_follow_the_mime_type() {
        assert_eq!(default_filename("video/mp4"), "upload.mp4");
        assert_eq!(default_filename("image/png; charset=x"), "upload.png");
        assert_eq!(default_filename(""), "upload.bin");
    }

    #[test]
    fn oss_errors_are_read() {
        let xml = "<?xml version=\"1.0\"?><Error><Code>AccessDenied</Code>\n<Message>Policy expired.</Message><RequestId>x</RequestId></Error>";
        assert_eq!(
            parse_oss_error(xml),
            Some(("AccessDenied".into(), "Policy expired.".into()))
        );
        assert_eq!(
            parse_oss_error("<Error><Code>X</Code></Error>"),
            Some(("X".into(), String::new()))
        );
        assert_eq!(parse_oss_error("not xml"), None);
        assert_eq!(parse_oss_error(""), None);
    }
}
