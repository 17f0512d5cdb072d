//! The JavaScript-facing conversions, as plain functions on JSON values so they are tested
//! natively: options objects are camelCase (`baseUrl`, `timeoutMs`, …), data objects keep
//! DashScope's snake_case names exactly (they pass through as JSON), and a [`WanError`]
//! becomes the fields of a JavaScript `WanError`.
//!
//! The bindings (`js` feature) turn a JavaScript options object into JSON with
//! `JSON.stringify` (functions and `AbortSignal`s are read separately) and call these.

use core::time::Duration;
use serde_json::{Map, Value};
use wanedit_core::poll::RequestFeatures;
use wanedit_core::retry::RetryPolicy;
use wanedit_core::task::TaskListQuery;
use wanedit_core::text::json_text;

use crate::{ClientConfig, WanError};

fn wrong(name: &str, what: &str) -> WanError {
    let mut m = String::with_capacity(name.len() + what.len() + 16);
    m.push_str("options.");
    m.push_str(name);
    m.push_str(" must be ");
    m.push_str(what);
    WanError::invalid(m)
}

/// The options object, or an empty one for `undefined`/`null`.
fn object<'a>(v: &'a Value, what: &str) -> Result<Option<&'a Map<String, Value>>, WanError> {
    match v {
        Value::Null => Ok(None),
        Value::Object(m) => Ok(Some(m)),
        _ => {
            let mut m = String::from(what);
            m.push_str(" must be an object");
            Err(WanError::invalid(m))
        }
    }
}

fn field<'a>(m: Option<&'a Map<String, Value>>, name: &str) -> Option<&'a Value> {
    m.and_then(|m| m.get(name)).filter(|v| !v.is_null())
}

fn opt_string(m: Option<&Map<String, Value>>, name: &str) -> Result<Option<String>, WanError> {
    match field(m, name) {
        None => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(wrong(name, "a string")),
    }
}

fn opt_number(m: Option<&Map<String, Value>>, name: &str) -> Result<Option<f64>, WanError> {
    match field(m, name) {
        None => Ok(None),
        Some(v) => match v.as_f64() {
            Some(n) if n.is_finite() && n >= 0.0 => Ok(Some(n)),
            _ => Err(wrong(name, "a number >= 0")),
        },
    }
}

fn opt_bool(m: Option<&Map<String, Value>>, name: &str) -> Result<bool, WanError> {
    match field(m, name) {
        None => Ok(false),
        Some(Value::Bool(b)) => Ok(*b),
        Some(_) => Err(wrong(name, "a boolean")),
    }
}

/// `ms` (finite, >= 0) as a duration, to the millisecond.
fn millis(ms: f64) -> Duration {
    Duration::from_millis(ms.round() as u64)
}

/// `new Client({ baseUrl, apiKey?, workspace?, relayToken?, retry?, timeScale? })`, with
/// `retry = { maxAttempts?, baseDelayMs?, maxDelayMs? }` (defaults: 5, 1000, 30000).
pub fn client_config(options: &Value) -> Result<ClientConfig, WanError> {
    let m = object(options, "the Client options")?;
    let base_url = opt_string(m, "baseUrl")?
        .filter(|s| !s.trim().is_empty())
        .ok_or_else(|| {
            wrong(
                "baseUrl",
                "a non-empty string (DashScope's or a relay's URL)",
            )
        })?;
    let mut config = ClientConfig::new(base_url);
    config.api_key = opt_string(m, "apiKey")?.filter(|s| !s.is_empty());
    config.workspace = opt_string(m, "workspace")?.filter(|s| !s.is_empty());
    config.relay_token = opt_string(m, "relayToken")?.filter(|s| !s.is_empty());
    if let Some(scale) = opt_number(m, "timeScale")? {
        if scale <= 0.0 {
            return Err(wrong("timeScale", "a number > 0"));
        }
        config.time_scale = scale;
    }
    if let Some(retry) = field(m, "retry") {
        let r = object(retry, "options.retry")?;
        let mut policy = RetryPolicy::default();
        if let Some(n) = opt_number(r, "maxAttempts")? {
            if n < 1.0 || n.fract() != 0.0 {
                return Err(wrong("retry.maxAttempts", "an integer >= 1"));
            }
            policy.max_attempts = n.min(f64::from(u32::MAX)) as u32;
        }
        if let Some(ms) = opt_number(r, "baseDelayMs")? {
            policy.base_delay = millis(ms);
        }
        if let Some(ms) = opt_number(r, "maxDelayMs")? {
            policy.max_delay = millis(ms);
        }
        config.retry = policy;
    }
    Ok(config)
}

/// The plain (non-function, non-signal) options of `wait` and `run`:
/// `{ timeoutMs?, cancelOnTimeout?, model?, request?, submittedAt?, inputVideoSeconds? }`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct WaitSettings {
    /// `timeoutMs`.
    pub timeout: Option<Duration>,
    /// `cancelOnTimeout`.
    pub cancel_on_timeout: bool,
    /// `model`: picks the poll schedule of a task this client did not submit.
    pub model: Option<String>,
    /// `request`: what the create-task body of a task this client did not submit (an object)
    /// says about its run time.
    pub request: Option<RequestFeatures>,
    /// `submittedAt`: ms since the epoch (`Date.now()` at submission).
    pub submitted_at_ms: Option<f64>,
    /// `inputVideoSeconds`: the input video's length (> 0).
    pub input_video_s: Option<f64>,
}

/// Reads [`WaitSettings`].
pub fn wait_settings(options: &Value) -> Result<WaitSettings, WanError> {
    let m = object(options, "the wait options")?;
    Ok(WaitSettings {
        timeout: opt_number(m, "timeoutMs")?.map(millis),
        cancel_on_timeout: opt_bool(m, "cancelOnTimeout")?,
        model: opt_string(m, "model")?,
        request: match field(m, "request") {
            None => None,
            Some(body @ Value::Object(_)) => Some(RequestFeatures::from_body(body)),
            Some(_) => return Err(wrong("request", "the task's create-task body (an object)")),
        },
        submitted_at_ms: opt_number(m, "submittedAt")?,
        input_video_s: match opt_number(m, "inputVideoSeconds")? {
            Some(s) if s <= 0.0 => {
                return Err(wrong(
                    "inputVideoSeconds",
                    "the input video's length in seconds, > 0",
                ))
            }
            s => s,
        },
    })
}

/// The plain options of `upload`: `{ model, filename? }` → `(model, filename)`.
pub fn upload_settings(options: &Value) -> Result<(String, Option<String>), WanError> {
    let m = object(options, "the upload options")?;
    let model = opt_string(m, "model")?
        .filter(|s| !s.trim().is_empty())
        .ok_or_else(|| wrong("model", "the model name the file is for"))?;
    Ok((model, opt_string(m, "filename")?))
}

/// A file name for raw bytes uploaded without one, by their first bytes (magic numbers):
/// `upload.mp4`, `upload.mov`, `upload.png`, `upload.jpg`, `upload.webp`, `upload.bmp`,
/// `upload.tiff`, else `upload.bin`.
pub fn guess_filename(head: &[u8]) -> &'static str {
    match head {
        [_, _, _, _, b'f', b't', b'y', b'p', b'q', b't', b' ', b' ', ..] => "upload.mov",
        [_, _, _, _, b'f', b't', b'y', b'p', ..] => "upload.mp4",
        [0x89, b'P', b'N', b'G', ..] => "upload.png",
        [0xFF, 0xD8, 0xFF, ..] => "upload.jpg",
        [b'R', b'I', b'F', b'F', _, _, _, _, b'W', b'E', b'B', b'P', ..] => "upload.webp",
        [b'B', b'M', ..] => "upload.bmp",
        [b'I', b'I', 42, 0, ..] | [b'M', b'M', 0, 42, ..] => "upload.tiff",
        _ => "upload.bin",
    }
}

/// `list(query?)`: DashScope's snake_case filters (`task_id`, `start_time`, `end_time`,
/// `model_name`, `status`, `page_no`, `page_size`).
pub fn list_query(query: &Value) -> Result<TaskListQuery, WanError> {
    match query {
        Value::Null => Ok(TaskListQuery::default()),
        Value::Object(_) => TaskListQuery::from_value(query).ok_or_else(|| {
            WanError::invalid(
                "invalid list query: task_id, start_time, end_time, model_name and status are \
                 strings, page_no and page_size integers",
            )
        }),
        _ => Err(WanError::invalid("the list query must be an object")),
    }
}

/// `checkMedia(info, role, model)`: the role, and the request path issues are reported at.
/// `role` is a VACE input field name (`ref_images_url`, `video_url`, `first_clip_url`,
/// `mask_image_url`, …; path `input.<field>`), a wan2.7 media type (`video`,
/// `reference_image`; path `input.media`), or a core role name (`vace_image`, …; path
/// empty). With a known `model`, a field of the other model family is refused.
#[cfg(feature = "probe")]
pub fn media_role(
    role: &str,
    model: &str,
) -> Result<(wanedit_core::media::MediaRole, String), WanError> {
    use wanedit_core::media::MediaRole;
    use wanedit_core::{Family, Model};
    if let Some(r) = MediaRole::parse(role) {
        return Ok((r, String::new()));
    }
    let families: &[Family] = match Model::parse(model) {
        Some(m) => &[m.family()][..],
        None => &[Family::Vace, Family::VideoEdit27][..],
    };
    for family in families.iter().copied() {
        if let Some(r) = MediaRole::for_field(family, role) {
            let path = match family {
                Family::Vace => {
                    let mut p = String::from("input.");
                    p.push_str(role);
                    p
                }
                Family::VideoEdit27 => "input.media".to_string(),
            };
            return Ok((r, path));
        }
    }
    let mut m = String::from("unknown media role \"");
    m.push_str(role);
    m.push_str("\" for model \"");
    m.push_str(model);
    m.push_str(
        "\": use a VACE input field (ref_images_url, video_url, …), a wan2.7 media type (video, reference_image) or a role name (vace_image, wan27_video, …)",
    );
    Err(WanError::invalid(m))
}

/// The value of a field of a JavaScript `WanError` (see [`error_json`]).
pub(crate) enum ErrorField {
    /// A string.
    Text(String),
    /// A number (an HTTP status, milliseconds).
    Number(u64),
    /// JSON text: an object or an array.
    Json(String),
}

/// The fields of a JavaScript `WanError`, in order, given to `put` (see [`error_json`]).
/// Shared by [`error_json`] and the bindings, which set them on the error object directly.
pub(crate) fn error_fields(
    e: &WanError,
    task_id: Option<&str>,
    put: &mut dyn FnMut(&'static str, ErrorField),
) {
    let text = |s: &str| ErrorField::Text(s.to_string());
    put("name", text("WanError"));
    put("kind", text(e.kind()));
    put("message", ErrorField::Text(e.message()));
    if let Some(s) = e.status() {
        put("status", ErrorField::Number(s.into()));
    }
    if let Some(c) = e.code() {
        put("code", text(c));
    }
    if let Some(r) = e.request_id() {
        put("request_id", text(r));
    }
    if let Some(id) = e.task_id().or(task_id) {
        put("task_id", text(id));
    }
    if let Some(t) = e.task() {
        put("task", ErrorField::Json(t.json().to_string()));
    }
    let issues = match e {
        WanError::InvalidRequest { issues, .. } => Some(wanedit_core::issue::to_json(issues)),
        // A relay that refused the body says why in `issues`.
        WanError::Api { error, .. } => error.body.extra.get("issues").map(json_text),
        _ => None,
    };
    if let Some(issues) = issues {
        put("issues", ErrorField::Json(issues));
    }
    if let Some(d) = e.retry_after() {
        put("retry_after_ms", ErrorField::Number(d.as_millis() as u64));
    }
}

/// The fields of a JavaScript `WanError`: `name`, `kind`, `message`, and when known `status`,
/// `code`, `request_id`, `task_id` (`task_id` names the task of the call when the error
/// itself does not), `task` (the last answer), `issues`, `retry_after_ms`. Absent fields are
/// left out.
pub fn error_json(e: &WanError, task_id: Option<&str>) -> Value {
    let mut m = Map::new();
    error_fields(e, task_id, &mut |name, field| {
        let value = match field {
            ErrorField::Text(s) => Value::String(s),
            ErrorField::Number(n) => n.into(),
            ErrorField::Json(text) => serde_json::from_str(&text).unwrap_or(Value::Null),
        };
        m.insert(name.into(), value);
    });
    Value::Object(m)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use wanedit_core::task::ApiError;

    #[test]
    fn client_options_are_camel_case() {
        let c = client_config(&json!({
            "baseUrl": "http://127.0.0.1:8787/sim/",
            "apiKey": "sk-secret-1",
            "workspace": "ws",
            "relayToken": "secret-relay-token",
            "timeScale": 60,
            "retry": {"maxAttempts": 3, "baseDelayMs": 50, "maxDelayMs": 400},
            "unknownOption": true
        }))
        .unwrap();
        assert_eq!(c.base_url, "http://127.0.0.1:8787/sim/");
        assert_eq!(c.api_key.as_deref(), Some("sk-secret-1"));
        assert_eq!(c.workspace.as_deref(), Some("ws"));
        assert_eq!(c.relay_token.as_deref(), Some("secret-relay-token"));
        assert_eq!(c.time_scale, 60.0);
        assert_eq!(c.retry.max_attempts, 3);
        assert_eq!(c.retry.base_delay, Duration::from_millis(50));
        assert_eq!(c.retry.max_delay, Duration::from_millis(400));
        assert!(
            !format!("{c:?}").contains("sk-secret-1"),
            "Debug hides the key"
        );
        assert!(
            !format!("{c:?}").contains("secret-relay-token"),
            "Debug hides the token"
        );
    }

    #[test]
    fn client_options_defaults_and_snake_case_is_not_read() {
        let c = client_config(&json!({"baseUrl": "https://x", "api_key": "sk", "apiKey": null}))
            .unwrap();
        assert_eq!(c.api_key, None);
        assert_eq!(c.retry, RetryPolicy::default());
        assert_eq!(c.time_scale, 1.0);
    }

    #[test]
    fn bad_client_options_are_invalid_requests() {
        for bad in [
            json!(null),
            json!({}),
            json!({"baseUrl": ""}),
            json!({"baseUrl": 5}),
            json!({"baseUrl": "x", "apiKey": 1}),
            json!({"baseUrl": "x", "timeScale": 0}),
            json!({"baseUrl": "x", "timeScale": "fast"}),
            json!({"baseUrl": "x", "retry": 3}),
            json!({"baseUrl": "x", "retry": {"maxAttempts": 0}}),
            json!({"baseUrl": "x", "retry": {"maxAttempts": 1.5}}),
            json!({"baseUrl": "x", "retry": {"baseDelayMs": -1}}),
            json!("http://x"),
        ] {
            let e = client_config(&bad).unwrap_err();
            assert_eq!(e.kind(), "invalid_request", "{bad}");
            assert!(e.to_string().contains("options") || e.to_string().contains("object"));
        }
    }

    #[test]
    fn wait_options() {
        let w = wait_settings(&json!({
            "timeoutMs": 1500, "cancelOnTimeout": true, "model": "wan2.7-videoedit",
            "submittedAt": 1_700_000_000_000u64, "inputVideoSeconds": 7.5, "signal": {},
            "request": {"model": "wan2.7-videoedit", "parameters": {"resolution": "720P", "duration": 5}}
        }))
        .unwrap();
        assert_eq!(
            w,
            WaitSettings {
                timeout: Some(Duration::from_millis(1500)),
                cancel_on_timeout: true,
                model: Some("wan2.7-videoedit".into()),
                request: Some(RequestFeatures::VideoEdit27 {
                    resolution: wanedit_core::model::Resolution::P720,
                    output_s: Some(5.0),
                }),
                submitted_at_ms: Some(1.7e12),
                input_video_s: Some(7.5),
            }
        );
        assert_eq!(
            wait_settings(&Value::Null).unwrap(),
            WaitSettings::default()
        );
        assert!(wait_settings(&json!({"timeoutMs": "5s"})).is_err());
        assert!(wait_settings(&json!({"cancelOnTimeout": 1})).is_err());
        assert!(wait_settings(&json!([])).is_err());
        let e = wait_settings(&json!({"request": "wan2.7-videoedit"})).unwrap_err();
        assert!(e.to_string().contains("options.request"), "{e}");
        for bad in [json!(0), json!(-3), json!("7 s")] {
            let e = wait_settings(&json!({ "inputVideoSeconds": bad })).unwrap_err();
            assert!(e.to_string().contains("options.inputVideoSeconds"), "{e}");
        }
    }

    #[test]
    fn upload_options() {
        assert_eq!(
            upload_settings(&json!({"model": "wan2.7-videoedit", "filename": "a.mp4"})).unwrap(),
            ("wan2.7-videoedit".into(), Some("a.mp4".into()))
        );
        assert!(upload_settings(&json!({"filename": "a.mp4"})).is_err());
        assert!(upload_settings(&Value::Null).is_err());
    }

    #[test]
    fn list_query_is_snake_case() {
        let q = list_query(
            &json!({"model_name": "wan2.7-videoedit", "page_no": 2, "status": "RUNNING"}),
        )
        .unwrap();
        assert_eq!(
            q.to_query_string(),
            "model_name=wan2.7-videoedit&status=RUNNING&page_no=2"
        );
        assert_eq!(list_query(&Value::Null).unwrap(), TaskListQuery::default());
        let e = list_query(&json!({"page_no": "two"})).unwrap_err();
        assert_eq!(e.kind(), "invalid_request");
        assert!(list_query(&json!(3)).is_err());
    }

    #[cfg(feature = "probe")]
    #[test]
    fn media_roles() {
        use wanedit_core::media::MediaRole;
        let r = |role, model| media_role(role, model).unwrap();
        assert_eq!(
            r("video_url", "wan2.1-vace-plus"),
            (MediaRole::VaceVideo, "input.video_url".into())
        );
        assert_eq!(
            r("ref_images_url", "wanx2.1-vace-plus"),
            (MediaRole::VaceImage, "input.ref_images_url".into())
        );
        assert_eq!(
            r("mask_image_url", "wan2.1-vace-plus").0,
            MediaRole::MaskImage
        );
        assert_eq!(r("first_clip_url", "").0, MediaRole::VaceClip);
        assert_eq!(
            r("reference_image", "wan2.7-videoedit"),
            (MediaRole::Wan27Image, "input.media".into())
        );
        assert_eq!(r("video", "some-new-model").0, MediaRole::Wan27Video);
        assert_eq!(
            r("wan27_video", "anything"),
            (MediaRole::Wan27Video, String::new())
        );
        assert!(
            media_role("video", "wan2.1-vace-plus").is_err(),
            "wrong family"
        );
        assert!(
            media_role("video_url", "wan2.7-videoedit").is_err(),
            "wrong family"
        );
        assert!(media_role("nonsense", "").is_err());
    }

    #[test]
    fn api_errors_become_snake_case_fields() {
        let e = WanError::Api {
            error: ApiError::from_response(
                429,
                r#"{"code":"Throttling","message":"Requests throttling triggered.","request_id":"r-1"}"#,
            ),
            retry_after: Some(Duration::from_millis(2500)),
        };
        let j = error_json(&e, Some("t-1"));
        assert_eq!(
            j,
            json!({"name": "WanError", "kind": "rate_limited", "status": 429, "code": "Throttling",
                   "request_id": "r-1", "task_id": "t-1", "retry_after_ms": 2500,
                   "message": "HTTP 429 Throttling: Requests throttling triggered."})
        );
    }

    #[test]
    fn task_errors_carry_the_task() {
        let task = crate::TaskSnapshot::from_json(
            json!({
            "request_id": "r-2",
            "output": {"task_id": "t-9", "task_status": "FAILED", "code": "InvalidParameter",
                       "message": "The size is not match"}})
            .to_string(),
        )
        .unwrap();
        let e = WanError::TaskFailed {
            task: Box::new(task),
        };
        let j = error_json(&e, Some("other"));
        assert_eq!(j["kind"], "task_failed");
        assert_eq!(j["code"], "InvalidParameter");
        assert_eq!(j["task_id"], "t-9", "the task's own id wins");
        assert_eq!(j["request_id"], "r-2");
        assert_eq!(j["task"]["output"]["task_status"], "FAILED");
        assert_eq!(
            j["message"],
            "task t-9 failed: InvalidParameter: The size is not match"
        );
        assert!(j.get("status").is_none());
    }

    #[test]
    fn invalid_bodies_carry_issues_and_relay_issues_pass_through() {
        let issues = wanedit_core::validate(&json!({"model": "wan2.7-videoedit"}));
        let e = WanError::InvalidRequest {
            message: "bad".into(),
            issues: issues.clone(),
        };
        let j = error_json(&e, None);
        assert_eq!(j["kind"], "invalid_request");
        assert_eq!(j["issues"], serde_json::to_value(&issues).unwrap());
        assert_eq!(j["issues"][0]["severity"], "error");
        assert!(j["issues"][0]["path"].is_string() && j["issues"][0]["code"].is_string());
        let relay = WanError::Api {
            error: ApiError::from_response(
                400,
                r#"{"code":"InvalidParameter","message":"m","issues":[{"path":"model"}]}"#,
            ),
            retry_after: None,
        };
        assert_eq!(
            error_json(&relay, None)["issues"],
            json!([{"path": "model"}])
        );
    }

    #[test]
    fn raw_bytes_get_a_file_name_by_their_magic_number() {
        assert_eq!(guess_filename(b"\0\0\0\x18ftypisom\0\0"), "upload.mp4");
        assert_eq!(guess_filename(b"\0\0\0\x14ftypqt  \0\0"), "upload.mov");
        assert_eq!(guess_filename(b"\x89PNG\r\n\x1a\n"), "upload.png");
        assert_eq!(guess_filename(b"\xff\xd8\xff\xe0"), "upload.jpg");
        assert_eq!(guess_filename(b"RIFF\0\0\0\0WEBPVP8 "), "upload.webp");
        assert_eq!(guess_filename(b"BM\0\0"), "upload.bmp");
        assert_eq!(guess_filename(b"II*\0"), "upload.tiff");
        assert_eq!(guess_filename(b""), "upload.bin");
        assert_eq!(guess_filename(b"hello"), "upload.bin");
    }

    #[test]
    fn every_kind_is_a_documented_name() {
        let kinds = [
            WanError::invalid("x").kind(),
            WanError::Network {
                message: "x".into(),
            }
            .kind(),
            WanError::UnexpectedResponse {
                status: 200,
                message: "x".into(),
            }
            .kind(),
            WanError::Timeout {
                task_id: "t".into(),
                task: None,
                canceled: true,
            }
            .kind(),
            WanError::aborted().kind(),
            WanError::InvalidMedia {
                message: "x".into(),
            }
            .kind(),
        ];
        assert_eq!(
            kinds,
            [
                "invalid_request",
                "network",
                "server",
                "timeout",
                "aborted",
                "invalid_media"
            ]
        );
        let t = WanError::Timeout {
            task_id: "t".into(),
            task: None,
            canceled: true,
        };
        assert_eq!(
            t.to_string(),
            "timed out waiting for task t; the task was canceled"
        );
        assert_eq!(error_json(&t, None)["task_id"], "t");
    }
}
