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

/// Longest extension kept (characters); longer ones are cut.
pub const MAX_EXTENSION_CHARS: usize = 8;

/// Whether `c` may stay in the stem of an uploaded file's name: an ASCII letter or digit, `-`
/// or `_`. The one rule for upload names (the client's upload and the web UI both go through
/// [`safe_filename`]). The name ends up unencoded in an `oss://` URL, where DashScope refuses
/// Chinese characters (the documents) and `validate` refuses white space; `/ \ ? # %` would
/// change what the URL means; and a plain ASCII word is safe in every URL and file system.
pub fn is_filename_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '-' || c == '_'
}

/// A file name safe to put into an object key and its `oss://` URL: [`safe_filename_as`]
/// with the name's own extension.
pub fn safe_filename(name: &str) -> String {
    safe_filename_as(name, None)
}

/// A file name safe to put into an object key and its `oss://` URL, with `extension` in place
/// of the name's own when given: only the last path segment; in the stem every character that
/// is not [`is_filename_char`] (dots too) becomes `_`, and `_` at either end is dropped
/// (`upload` when nothing is left); the extension keeps only ASCII letters and digits,
/// lowercased, at most [`MAX_EXTENSION_CHARS`]; the whole at most [`MAX_FILENAME_BYTES`].
/// Applying it twice changes nothing.
pub fn safe_filename_as(name: &str, extension: Option<&str>) -> String {
    let last = match name.bytes().rposition(|b| b == b'/' || b == b'\\') {
        Some(at) => name.get(at + 1..).unwrap_or(""),
        None => name,
    };
    let last = last.trim();
    let (stem, own_extension) = match last.rsplit_once('.') {
        Some((stem, ext)) if !stem.is_empty() => (stem, ext),
        _ => (last, ""),
    };
    let mut ext = String::new();
    for c in extension.unwrap_or(own_extension).chars() {
        if c.is_ascii_alphanumeric() && ext.len() < MAX_EXTENSION_CHARS {
            ext.push(c.to_ascii_lowercase());
        }
    }
    let stem_max = MAX_FILENAME_BYTES - ext.len() - 1;
    let mut out = String::with_capacity(MAX_FILENAME_BYTES);
    for c in stem.chars() {
        if out.len() == stem_max {
            break;
        }
        out.push(if is_filename_char(c) { c } else { '_' });
    }
    let trimmed = out.trim_matches('_');
    let mut out = if trimmed.is_empty() {
        "upload".to_string()
    } else {
        trimmed.to_string()
    };
    if !ext.is_empty() {
        out.push('.');
        out.push_str(&ext);
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
        for (name, safe) in [
            ("clip.mp4", "clip.mp4"),
            ("C:\\Users\\me\\clip.mp4", "clip.mp4"),
            ("../../etc/passwd", "passwd"),
            ("dir/sub/a b.png", "a_b.png"),
            ("a?b#c%d\u{0}.png", "a_b_c_d.png"),
            ("我的 视频.MP4", "upload.mp4"),
            ("视频2024.mov", "2024.mov"),
            ("猫 photo (1).jpeg", "photo__1.jpeg"),
            ("  spaced name .webp ", "spaced_name.webp"),
            ("tab\tand\nnewline.png", "tab_and_newline.png"),
            ("a.b.PNG", "a_b.png"),
            ("archive.tar.gz", "archive_tar.gz"),
            ("noext", "noext"),
            (".hidden", "hidden"),
            ("trailing.", "trailing"),
            ("x.m p-4!", "x.mp4"),
            ("café.mp4", "caf.mp4"),
            ("k1-file_2.mp4", "k1-file_2.mp4"),
            ("", "upload"),
            ("..", "upload"),
            ("...", "upload"),
            ("dir/", "upload"),
            ("%%%.png", "upload.png"),
        ] {
            assert_eq!(safe_filename(name), safe, "{name:?}");
        }
        assert_eq!(safe_filename_as("视频.MOV", Some("mp4")), "upload.mp4");
        assert_eq!(safe_filename_as("clip", Some("PNG")), "clip.png");
        assert_eq!(safe_filename_as("clip.bin", Some("")), "clip");
        assert_eq!(safe_filename("v.extension_too_long"), "v.extensio");
        let long = format!("{}.mp4", "a".repeat(500));
        let cut = safe_filename(&long);
        assert_eq!(cut.len(), MAX_FILENAME_BYTES);
        assert!(cut.ends_with(".mp4"));
        let cut = safe_filename(&"é".repeat(100));
        assert_eq!(cut, "upload");
    }

    #[test]
    fn safe_names_are_stable_and_pass_validation() {
        let names = [
            "我的 视频.MP4",
            "猫 photo (1).jpeg",
            "a/b\\c d.png",
            "　全角　スペース.png",
            "emoji 🎬 clip.mp4",
            "…..mp4",
            "x#y?z%20.mp4",
        ];
        for name in names {
            let safe = safe_filename(name);
            assert_eq!(safe_filename(&safe), safe, "{name:?} is not stable");
            assert!(
                safe.chars().all(|c| is_filename_char(c) || c == '.'),
                "{safe:?}"
            );
            let url = oss_url(&policy().object_key(name));
            let body = serde_json::json!({
                "model": "wan2.7-videoedit",
                "input": {"prompt": "p", "media": [{"type": "video", "url": url}]},
            });
            let issues = crate::validate::validate(&body);
            assert!(issues.is_empty(), "{name:?} -> {url}: {issues:?}");
        }
        // The rule matters: the raw names are refused.
        let body = serde_json::json!({
            "model": "wan2.7-videoedit",
            "input": {"prompt": "p", "media": [{"type": "video", "url": "oss://d/我的 视频.mp4"}]},
        });
        assert!(!crate::validate::validate(&body).is_empty());
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
