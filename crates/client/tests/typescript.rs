//! `npm/index.d.ts` (hand-written) against the Rust it describes, so the two cannot drift:
//!
//! - the string unions (`IssueCode`, `WanErrorKind`, `MediaFormat`, `TaskStatus`,
//!   `MediaRoleName`, `Issue.severity`) hold exactly the names the Rust types serialise to;
//! - the data interfaces (`Issue`, `MediaInfo`, `TaskListQuery`, the fields of `WanError`)
//!   have exactly the fields the Rust side writes or reads, optional where Rust may leave
//!   them out;
//! - every option name the Rust bindings read (`src/convert.rs`, `src/js*.rs`) is declared in
//!   an options interface. The other direction (each declared option is read) is checked
//!   against the built package by `tests/types.spec.mjs`, which also type-checks a usage file
//!   with `tsc`.
//!
//! Enums without a list of their variants are listed here next to an exhaustive `match`, so
//! a new variant fails to compile until it is listed (and then this test asks for it in
//! `index.d.ts`).
#![cfg(not(target_arch = "wasm32"))]

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use serde_json::{json, Value};
use wanedit_client::convert::{error_json, media_role};
use wanedit_client::wanedit_core::issue::{Issue, IssueCode, Severity};
use wanedit_client::wanedit_core::media::{MediaFormat, MediaInfo, MediaRole};
use wanedit_client::wanedit_core::task::{ApiError, ErrorKind, TaskListQuery, TaskStatus};
use wanedit_client::{TaskSnapshot, WanError};

const DTS: &str = include_str!("../npm/index.d.ts");
const ERROR_RS: &str = include_str!("../src/error.rs");
/// The Rust sources that read JavaScript options.
const BINDINGS: [(&str, &str); 4] = [
    ("src/convert.rs", include_str!("../src/convert.rs")),
    ("src/js.rs", include_str!("../src/js.rs")),
    ("src/js_upload.rs", include_str!("../src/js_upload.rs")),
    ("src/js_util.rs", include_str!("../src/js_util.rs")),
];

// --- index.d.ts --------------------------------------------------------------------------

/// `text` without its comments (`//` to the end of the line, `/* … */`), strings kept.
fn strip_comments(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    let mut quote = None;
    while let Some(c) = chars.next() {
        match (quote, c) {
            (Some(q), _) => {
                out.push(c);
                if c == q {
                    quote = None;
                }
            }
            (None, '\'' | '"' | '`') => {
                quote = Some(c);
                out.push(c);
            }
            (None, '/') if chars.peek() == Some(&'/') => {
                for c in chars.by_ref() {
                    if c == '\n' {
                        out.push('\n');
                        break;
                    }
                }
            }
            (None, '/') if chars.peek() == Some(&'*') => {
                chars.next();
                let mut last = ' ';
                for c in chars.by_ref() {
                    if last == '*' && c == '/' {
                        break;
                    }
                    last = c;
                }
                out.push(' ');
            }
            _ => out.push(c),
        }
    }
    out
}

fn code() -> String {
    strip_comments(DTS)
}

/// The text after `head` (`export type X =`, `export interface X`), which must occur once.
fn after<'a>(code: &'a str, head: &str) -> &'a str {
    let mut found = code.match_indices(head).filter(|(i, _)| {
        // A whole name: `export interface WaitOptions` is not `export interface Wait`.
        let next = code[i + head.len()..].chars().next();
        !next.is_some_and(|c| c.is_alphanumeric() || c == '_')
    });
    let (i, _) = found
        .next()
        .unwrap_or_else(|| panic!("index.d.ts has no `{head}`"));
    assert!(found.next().is_none(), "index.d.ts has `{head}` twice");
    &code[i + head.len()..]
}

/// The quoted names of the string union `export type NAME = 'a' | 'b' …;`.
fn union(name: &str) -> BTreeSet<String> {
    let code = code();
    let rest = after(&code, &format!("export type {name} ="));
    let text = &rest[..rest.find(';').expect("a type ends with `;`")];
    quoted(text)
}

fn quoted(text: &str) -> BTreeSet<String> {
    text.split('\'')
        .skip(1)
        .step_by(2)
        .map(str::to_string)
        .collect()
}

/// The members of `export interface NAME … { … }` or `export class NAME … { … }`: name →
/// optional (`name?:`). Methods and index signatures are left out; `extends` is not followed.
fn members(kind: &str, name: &str) -> BTreeMap<String, bool> {
    let code = code();
    let rest = after(&code, &format!("export {kind} {name}"));
    let open = rest.find('{').expect("a body");
    let mut depth = 0;
    let mut statement = String::new();
    let mut out = BTreeMap::new();
    for c in rest[open..].chars() {
        match c {
            '{' | '(' | '[' => depth += 1,
            '}' | ')' | ']' => depth -= 1,
            _ => {}
        }
        if depth == 0 {
            break;
        }
        if depth == 1 && c == ';' {
            let s = statement.trim().trim_start_matches('{').trim();
            let ident: String = s
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            let tail = s[ident.len()..].trim_start();
            if !ident.is_empty() && !tail.starts_with('(') && ident != "constructor" {
                out.insert(ident, tail.starts_with('?'));
            }
            statement.clear();
        } else {
            statement.push(c);
        }
    }
    out
}

fn names(m: &BTreeMap<String, bool>) -> BTreeSet<String> {
    m.keys().cloned().collect()
}

fn set<'a>(items: impl IntoIterator<Item = &'a str>) -> BTreeSet<String> {
    items.into_iter().map(str::to_string).collect()
}

/// The serde name of a unit variant.
fn serde_name(v: impl serde::Serialize) -> String {
    match serde_json::to_value(v).unwrap() {
        Value::String(s) => s,
        other => panic!("not a unit variant: {other}"),
    }
}

/// Field name → optional, from objects serialised with every optional field absent
/// (`least`) and present (`most`).
fn fields(least: &Value, most: &Value) -> BTreeMap<String, bool> {
    let keys = |v: &Value| -> BTreeSet<String> { v.as_object().unwrap().keys().cloned().collect() };
    let required = keys(least);
    keys(most)
        .into_iter()
        .map(|k| {
            let optional = !required.contains(&k);
            (k, optional)
        })
        .collect()
}

// --- The Rust side -----------------------------------------------------------------------

fn all_error_kinds() -> Vec<ErrorKind> {
    use ErrorKind::*;
    let all = vec![
        InvalidRequest,
        Auth,
        Permission,
        NotFound,
        ContentModeration,
        RateLimited,
        QuotaBilling,
        Server,
        Expired,
        Network,
    ];
    // Exhaustive: a new variant fails to compile here until it is listed above.
    for k in &all {
        match k {
            InvalidRequest | Auth | Permission | NotFound | ContentModeration | RateLimited
            | QuotaBilling | Server | Expired | Network => {}
        }
    }
    all
}

fn task(status: &str) -> Box<TaskSnapshot> {
    let json = json!({"request_id": "r-1", "output": {"task_id": "t-1", "task_status": status,
                      "code": "InvalidParameter", "message": "m"}});
    Box::new(TaskSnapshot::from_json(json.to_string()).unwrap())
}

fn api_error(status: u16, code: &str) -> WanError {
    let body = json!({"code": code, "message": "m", "request_id": "r-1",
                      "issues": [{"path": "model"}]});
    WanError::Api {
        error: ApiError::from_response(status, &body.to_string()),
        retry_after: Some(Duration::from_millis(1500)),
    }
}

/// An error of each variant (the `Api` one with every field set).
fn all_errors() -> Vec<WanError> {
    let all = vec![
        WanError::invalid("x"),
        api_error(429, "Throttling"),
        WanError::Network {
            message: "x".into(),
        },
        WanError::UnexpectedResponse {
            status: 200,
            message: "x".into(),
        },
        WanError::TaskFailed {
            task: task("FAILED"),
        },
        WanError::Canceled {
            task: task("CANCELED"),
        },
        WanError::Expired {
            task: task("UNKNOWN"),
        },
        WanError::Timeout {
            task_id: "t-1".into(),
            task: Some(task("PENDING")),
            canceled: false,
        },
        WanError::Aborted {
            task_id: Some("t-1".into()),
            task: None,
        },
        WanError::InvalidMedia {
            message: "x".into(),
        },
    ];
    all
}

// --- The checks ----------------------------------------------------------------------------

#[test]
fn the_extractor_reads_what_it_is_given() {
    // The helpers above on a fixed sample, so a wrong extraction cannot pass silently.
    let sample = "a // x 'no'\n/* 'nor' */ 'yes' \"//\"";
    assert_eq!(strip_comments(sample), "a \n  'yes' \"//\"");
    assert_eq!(quoted("| 'a' | 'b_c' | (string & {})"), set(["a", "b_c"]));
    assert_eq!(
        members("class", "WanError").get("kind"),
        Some(&false),
        "WanError.kind is required"
    );
    assert_eq!(
        members("interface", "WaitOptions").get("timeoutMs"),
        Some(&true)
    );
    assert!(
        !members("interface", "WaitOptions").contains_key("signal"),
        "extends is not followed"
    );
    assert!(
        !members("class", "Client").contains_key("submit"),
        "methods are left out"
    );
}

#[test]
fn issue_codes() {
    let rust: BTreeSet<String> = IssueCode::ALL
        .iter()
        .map(|c| {
            assert_eq!(serde_name(c), c.as_str());
            c.as_str().to_string()
        })
        .collect();
    assert_eq!(union("IssueCode"), rust);
}

#[test]
fn error_kinds() {
    // `WanError` is `#[non_exhaustive]`, so its own kinds are read from `WanError::kind`:
    // core's `ErrorKind`s and the literals there.
    let body = after(ERROR_RS, "pub fn kind(&self)");
    let body = &body[..body.find("\n    }\n").unwrap()];
    let literals = body.split('"').skip(1).step_by(2);
    let mut rust: BTreeSet<String> = all_error_kinds().into_iter().map(serde_name).collect();
    rust.extend(literals.map(str::to_string));
    for e in all_errors() {
        assert!(rust.contains(e.kind()), "{e:?}");
    }
    assert_eq!(union("WanErrorKind"), rust);
}

#[test]
fn media_formats() {
    use MediaFormat::*;
    let all = [Jpeg, Png, Bmp, Tiff, Webp, Mp4, Mov];
    for f in all {
        // Exhaustive: a new variant fails to compile here until it is listed above.
        match f {
            Jpeg | Png | Bmp | Tiff | Webp | Mp4 | Mov => {}
        }
    }
    assert_eq!(
        union("MediaFormat"),
        all.into_iter().map(serde_name).collect()
    );
}

#[test]
fn task_statuses() {
    use TaskStatus::*;
    let all = [
        Pending, Running, Succeeded, Failed, Canceled, Unknown, Suspended,
    ];
    for s in &all {
        // Exhaustive: a new variant fails to compile here until it is listed above.
        match s {
            Pending | Running | Succeeded | Failed | Canceled | Unknown | Suspended | Other(_) => {}
        }
    }
    let rust: BTreeSet<String> = all.iter().map(|s| s.as_str().to_string()).collect();
    assert_eq!(union("TaskStatus"), rust);
    assert!(
        code().contains("| (string & {});"),
        "TaskStatus stays open for statuses DashScope adds (TaskStatus::Other)"
    );
}

#[test]
fn media_role_names() {
    use MediaRole::*;
    let roles = [
        VaceImage, VaceVideo, VaceClip, MaskImage, Wan27Video, Wan27Image,
    ];
    for r in roles {
        // Exhaustive: a new variant fails to compile here until it is listed above.
        match r {
            VaceImage | VaceVideo | VaceClip | MaskImage | Wan27Video | Wan27Image => {}
        }
    }
    let declared = union("MediaRoleName");
    for r in roles {
        assert!(
            declared.contains(r.as_str()),
            "MediaRoleName lacks '{}'",
            r.as_str()
        );
    }
    for name in &declared {
        assert!(
            media_role(name, "").is_ok(),
            "MediaRoleName has '{name}', which checkMedia refuses"
        );
    }
}

#[test]
fn issue_fields() {
    let issue = serde_json::to_value(Issue::error("input", IssueCode::MissingField, "m")).unwrap();
    assert_eq!(members("interface", "Issue"), fields(&issue, &issue));
    let code = code();
    let rest = after(&code, "severity:");
    assert_eq!(
        quoted(&rest[..rest.find(';').unwrap()]),
        [Severity::Error, Severity::Warning]
            .into_iter()
            .map(serde_name)
            .collect()
    );
}

#[test]
fn media_info_fields() {
    let least = MediaInfo {
        format: MediaFormat::Png,
        width: 1,
        height: 1,
        byte_size: 1,
        has_alpha: None,
        duration_s: None,
        fps: None,
        frame_count: None,
    };
    let most = MediaInfo {
        has_alpha: Some(true),
        duration_s: Some(1.0),
        fps: Some(1.0),
        frame_count: Some(1),
        ..least.clone()
    };
    assert_eq!(
        members("interface", "MediaInfo"),
        fields(
            &serde_json::to_value(&least).unwrap(),
            &serde_json::to_value(&most).unwrap()
        )
    );
}

#[test]
fn list_query_fields() {
    let declared = members("interface", "TaskListQuery");
    assert_eq!(
        names(&declared),
        set(TaskListQuery::PARAMETERS.iter().copied())
    );
    assert!(
        declared.values().all(|optional| *optional),
        "every filter is optional"
    );
}

#[test]
fn wan_error_fields() {
    let mut rust = BTreeMap::new();
    for e in all_errors() {
        let least = error_json(&e, None);
        let most = error_json(&e, Some("t-1"));
        for (k, optional) in fields(&least, &most) {
            // Required only if every error has it.
            *rust.entry(k).or_insert(optional) |= optional;
        }
    }
    let always: BTreeSet<String> = all_errors()
        .iter()
        .map(|e| error_json(e, None))
        .fold(None::<BTreeSet<String>>, |acc, v| {
            let keys = v.as_object().unwrap().keys().cloned().collect();
            Some(match acc {
                None => keys,
                Some(a) => a.intersection(&keys).cloned().collect(),
            })
        })
        .unwrap();
    for (k, optional) in rust.iter_mut() {
        *optional = !always.contains(k);
    }
    // `message` is declared by `Error`, which `WanError` extends.
    assert_eq!(rust.remove("message"), Some(false));
    assert_eq!(members("class", "WanError"), rust);
}

#[test]
fn every_option_the_bindings_read_is_declared() {
    let mut declared = BTreeSet::new();
    for name in [
        "ClientOptions",
        "RetryOptions",
        "CallOptions",
        "WaitOptions",
        "RunOptions",
        "UploadOptions",
    ] {
        declared.extend(names(&members("interface", name)));
    }
    let mut read = BTreeSet::new();
    for (path, source) in BINDINGS {
        // The option readers take the options object and a literal name:
        // `opt_string(m, "apiKey")`, `field(m, "retry")`, `callback(&options, "onUpdate")`.
        for reader in [
            "opt_string(",
            "opt_number(",
            "opt_bool(",
            "field(",
            "callback(",
            "option(",
        ] {
            for (i, _) in source.match_indices(reader) {
                let before = source[..i].chars().next_back();
                if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
                    continue;
                }
                let args = &source[i + reader.len()..];
                let Some(second) = args.split_once(',').map(|(_, s)| s.trim_start()) else {
                    continue;
                };
                let Some(rest) = second.strip_prefix('"') else {
                    continue; // the definition (`name: &str`) or a name in a variable
                };
                let name = &rest[..rest.find('"').unwrap()];
                assert!(
                    declared.contains(name),
                    "{path} reads option `{name}`, which no options interface of index.d.ts declares"
                );
                read.insert(name.to_string());
            }
        }
    }
    // The scan finds the readers of each kind (so a renamed reader does not empty it).
    for name in [
        "baseUrl",
        "maxAttempts",
        "timeoutMs",
        "onUpdate",
        "onSubmitted",
        "onProgress",
        "signal",
        "filename",
    ] {
        assert!(read.contains(name), "the scan no longer finds `{name}`");
    }
}
