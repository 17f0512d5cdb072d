//! The options of an embedded editor (`<wanedit-editor>` attributes, `mount(element, options)`),
//! read from the JSON `embed.js` passes in, checked field by field.
//!
//! `embed.js` turns attributes into the same camelCase options `mount` takes, so one parser
//! serves both; a bad value is an error naming its option, and the editor keeps its last good
//! value for it.

use serde_json::{Map, Value};

use crate::forms::Op;
use crate::i18n::Lang;
use crate::settings::KeyMode;

/// A bad option: which one, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OptionError {
    /// The option's name (`operations`, `relay`, …).
    pub option: &'static str,
    /// What is wrong, naming the value.
    pub message: String,
}

impl std::fmt::Display for OptionError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "wanedit-editor option `{}`: {}",
            self.option, self.message
        )
    }
}

/// Where the relay is: `https://relay.example.com/intl` is root `https://relay.example.com`
/// and upstream `intl`; the relay's own routes (`/api/relay/config`) are under the root.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RelayTarget {
    /// The relay's root URL, no trailing slash.
    pub root: String,
    /// The upstream name (`intl`, `cn`, `sim`, …); `None`: the relay's default.
    pub upstream: Option<String>,
}

impl RelayTarget {
    /// Reads an absolute `http(s)` URL: the last path segment is the upstream.
    pub fn parse(url: &str) -> Result<RelayTarget, OptionError> {
        let error = |why: &str| OptionError {
            option: "relay",
            message: format!("{why}: {url:?} (expected like https://relay.example.com/intl)"),
        };
        let url = url.trim();
        let rest = url
            .strip_prefix("https://")
            .or_else(|| url.strip_prefix("http://"))
            .ok_or_else(|| error("not an absolute http(s) URL"))?;
        if url.contains(['?', '#']) {
            return Err(error("has a query or fragment"));
        }
        let (host, path) = rest.split_once('/').unwrap_or((rest, ""));
        if host.is_empty() {
            return Err(error("has no host"));
        }
        let path = path.trim_end_matches('/');
        let scheme_len = url.len() - rest.len();
        let origin = &url[..scheme_len + host.len()];
        Ok(match path.rsplit_once('/') {
            _ if path.is_empty() => RelayTarget {
                root: origin.to_string(),
                upstream: None,
            },
            Some((prefix, upstream)) => RelayTarget {
                root: format!("{origin}/{prefix}"),
                upstream: Some(upstream.to_string()),
            },
            None => RelayTarget {
                root: origin.to_string(),
                upstream: Some(path.to_string()),
            },
        })
    }
}

/// Options as given: every field is optional; `None` leaves the editor's current value.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct EmbedOptions {
    /// `relay`.
    pub relay: Option<RelayTarget>,
    /// `operations` (never empty).
    pub operations: Option<Vec<Op>>,
    /// `lang`.
    pub lang: Option<Lang>,
    /// `keyMode` / `key-mode`.
    pub key_mode: Option<KeyMode>,
    /// `apiKey` (JS only; kept in memory).
    pub api_key: Option<String>,
    /// `relayToken` (JS only; kept in memory).
    pub relay_token: Option<String>,
    /// `body`: a create-task body to prefill, and the operation it is for.
    pub body: Option<(Op, Value)>,
    /// `storageKey` / `storage-key` (empty: memory only).
    pub storage_key: Option<String>,
    /// `workspace`.
    pub workspace: Option<String>,
    /// `assetBase`: where `embed.js` and the app's files are (set by `embed.js`).
    pub asset_base: Option<String>,
    /// `theme` (`light`, `dark`, `auto`); `embed.js` applies it to the editor's root.
    pub theme: Option<Theme>,
    /// `hideAccountTasks` / `hide-account-tasks`: no "Load the account's tasks" button
    /// (`embed.js` applies it).
    pub hide_account_tasks: Option<bool>,
    /// `relayConfig`: the relay's `/api/relay/config` answer, read once per relay by
    /// `embed.js` for every editor of the page (so no editor fetches it again).
    pub relay_config: Option<String>,
}

/// The `theme` option: the editor's colours, whatever the OS setting (`auto`: follow it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Theme {
    /// Light colours.
    Light,
    /// Dark colours.
    Dark,
    /// The OS setting (`prefers-color-scheme`).
    Auto,
}

/// The option names `parse` knows; anything else is an error (a typo must not pass silently).
pub const OPTION_NAMES: [&str; 13] = [
    "relay",
    "operations",
    "lang",
    "keyMode",
    "apiKey",
    "relayToken",
    "body",
    "storageKey",
    "workspace",
    "assetBase",
    "theme",
    "hideAccountTasks",
    "relayConfig",
];

fn text<'a>(option: &'static str, v: &'a Value) -> Result<&'a str, OptionError> {
    v.as_str().ok_or_else(|| OptionError {
        option,
        message: format!("expected a string, got {v}"),
    })
}

/// Reads `operations`: a string of slugs separated by spaces or commas, or an array of them.
pub fn parse_operations(v: &Value) -> Result<Vec<Op>, OptionError> {
    let names: Vec<&str> = match v {
        Value::String(s) => s
            .split(|c: char| c == ',' || c.is_whitespace())
            .filter(|s| !s.is_empty())
            .collect(),
        Value::Array(items) => items
            .iter()
            .map(|i| text("operations", i))
            .collect::<Result<_, _>>()?,
        other => {
            return Err(OptionError {
                option: "operations",
                message: format!("expected a string or an array of names, got {other}"),
            })
        }
    };
    let mut ops = Vec::new();
    for name in names {
        let op = Op::parse(name).ok_or_else(|| OptionError {
            option: "operations",
            message: format!(
                "unknown operation {name:?}; known: {}",
                Op::ALL.map(Op::slug).join(", ")
            ),
        })?;
        if !ops.contains(&op) {
            ops.push(op);
        }
    }
    if ops.is_empty() {
        return Err(OptionError {
            option: "operations",
            message: "names no operation".into(),
        });
    }
    // Tabs keep the app's order whatever order the names came in.
    ops.sort_by_key(|op| Op::ALL.iter().position(|o| o == op));
    Ok(ops)
}

fn parse_body(v: &Value) -> Result<(Op, Value), OptionError> {
    let error = |message: String| OptionError {
        option: "body",
        message,
    };
    let body = match v {
        Value::String(s) => {
            serde_json::from_str::<Value>(s).map_err(|e| error(format!("not valid JSON: {e}")))?
        }
        other => other.clone(),
    };
    if !body.is_object() {
        return Err(error(format!("expected a request body object, got {body}")));
    }
    let op = Op::of_body(&body).ok_or_else(|| {
        error("names no known operation (needs `model` and, for VACE, `input.function`)".into())
    })?;
    Ok((op, body))
}

impl EmbedOptions {
    /// Reads the options object; `null` and absent options are `None`.
    pub fn parse(options: &Value) -> Result<EmbedOptions, OptionError> {
        let empty = Map::new();
        let map = match options {
            Value::Object(m) => m,
            Value::Null => &empty,
            other => {
                return Err(OptionError {
                    option: "options",
                    message: format!("expected an object, got {other}"),
                })
            }
        };
        if let Some(unknown) = map.keys().find(|k| !OPTION_NAMES.contains(&k.as_str())) {
            return Err(OptionError {
                option: "options",
                message: format!(
                    "unknown option {unknown:?}; known: {}",
                    OPTION_NAMES.join(", ")
                ),
            });
        }
        let get = |name: &str| map.get(name).filter(|v| !v.is_null());
        let mut out = EmbedOptions::default();
        if let Some(v) = get("relay") {
            out.relay = Some(RelayTarget::parse(text("relay", v)?)?);
        }
        if let Some(v) = get("operations") {
            out.operations = Some(parse_operations(v)?);
        }
        if let Some(v) = get("lang") {
            let tag = text("lang", v)?;
            let lower = tag.trim().to_ascii_lowercase();
            out.lang = Some(if lower == "en" || lower.starts_with("en-") {
                Lang::En
            } else if lower == "zh" || lower.starts_with("zh-") {
                Lang::Zh
            } else {
                return Err(OptionError {
                    option: "lang",
                    message: format!("unsupported language {tag:?}; use \"en\" or \"zh\""),
                });
            });
        }
        if let Some(v) = get("keyMode") {
            out.key_mode = Some(match text("keyMode", v)?.trim() {
                "relay" => KeyMode::Relay,
                "own" => KeyMode::Own,
                other => {
                    return Err(OptionError {
                        option: "keyMode",
                        message: format!("unknown key mode {other:?}; use \"relay\" or \"own\""),
                    })
                }
            });
        }
        if let Some(v) = get("apiKey") {
            out.api_key = Some(text("apiKey", v)?.trim().to_string());
        }
        if let Some(v) = get("relayToken") {
            out.relay_token = Some(text("relayToken", v)?.trim().to_string());
        }
        if let Some(v) = get("body") {
            out.body = Some(parse_body(v)?);
        }
        if let Some(v) = get("storageKey") {
            out.storage_key = Some(text("storageKey", v)?.trim().to_string());
        }
        if let Some(v) = get("workspace") {
            out.workspace = Some(text("workspace", v)?.trim().to_string());
        }
        if let Some(v) = get("assetBase") {
            out.asset_base = Some(text("assetBase", v)?.to_string());
        }
        if let Some(v) = get("theme") {
            out.theme = Some(match text("theme", v)?.trim() {
                "light" => Theme::Light,
                "dark" => Theme::Dark,
                "auto" | "" => Theme::Auto,
                other => {
                    return Err(OptionError {
                        option: "theme",
                        message: format!(
                            "unknown theme {other:?}; use \"light\", \"dark\" or \"auto\""
                        ),
                    })
                }
            });
        }
        if let Some(v) = get("hideAccountTasks") {
            out.hide_account_tasks = Some(match v {
                Value::Bool(b) => *b,
                // An attribute: present (any value but "false") hides it.
                Value::String(s) => s.trim() != "false",
                other => {
                    return Err(OptionError {
                        option: "hideAccountTasks",
                        message: format!("expected true or false, got {other}"),
                    })
                }
            });
        }
        if let Some(v) = get("relayConfig") {
            out.relay_config = Some(text("relayConfig", v)?.to_string());
        }
        Ok(out)
    }
}

/// A failure text as the host page's `wanedit-failed` says it: a request nothing answered
/// (`unanswered`, or the browser's own "Failed to fetch": the relay is down, or it refused
/// this page's origin, which the browser does not tell apart) gets the fix, which names
/// `--allow-origin` with `page_origin`; any other text is kept.
pub fn explain_failure(
    message: &str,
    unanswered: bool,
    relay_root: &str,
    page_origin: &str,
) -> String {
    let lower = message.to_ascii_lowercase();
    let unreachable = unanswered
        || [
            "failed to fetch",
            "network error",
            "networkerror",
            "load failed",
        ]
        .iter()
        .any(|m| lower.contains(m));
    if !unreachable {
        return message.to_string();
    }
    format!(
        "The relay at {relay_root} did not answer this page ({message}). If it is running, it \
         does not allow this page's origin: start it with --allow-origin {page_origin}."
    )
}

/// The `localStorage` key an embedded editor with `storage_key` uses for the app's `key`.
pub fn namespaced(storage_key: &str, key: &str) -> String {
    format!("wanedit.embed.{storage_key}.{key}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn relay_url_splits_into_root_and_upstream() {
        let t = RelayTarget::parse("https://relay.example.com/intl").unwrap();
        assert_eq!(t.root, "https://relay.example.com");
        assert_eq!(t.upstream.as_deref(), Some("intl"));
        let t = RelayTarget::parse("http://127.0.0.1:8787/sim/").unwrap();
        assert_eq!(t.root, "http://127.0.0.1:8787");
        assert_eq!(t.upstream.as_deref(), Some("sim"));
        let t = RelayTarget::parse("https://x.example/wan/cn").unwrap();
        assert_eq!(t.root, "https://x.example/wan");
        assert_eq!(t.upstream.as_deref(), Some("cn"));
        let t = RelayTarget::parse("https://x.example").unwrap();
        assert_eq!(t.root, "https://x.example");
        assert_eq!(t.upstream, None);
        for bad in [
            "relay.example.com/intl",
            "ftp://x/intl",
            "https:///intl",
            "https://x/a?b",
        ] {
            let e = RelayTarget::parse(bad).unwrap_err();
            assert_eq!(e.option, "relay");
            assert!(e.message.contains(bad), "{e}");
        }
    }

    #[test]
    fn operations_accept_spaces_commas_and_arrays_in_app_order() {
        let ops = parse_operations(&json!("video_outpainting, video_edit")).unwrap();
        assert_eq!(ops, vec![Op::VideoEdit, Op::VideoOutpainting]);
        let ops = parse_operations(&json!(["wan27_edit", "wan27_edit"])).unwrap();
        assert_eq!(ops, vec![Op::Wan27Edit]);
        let e = parse_operations(&json!("video_edit inpaint")).unwrap_err();
        assert_eq!(e.option, "operations");
        assert!(e.message.contains("\"inpaint\""), "{e}");
        assert!(parse_operations(&json!("  ")).is_err());
        assert!(parse_operations(&json!(3)).is_err());
    }

    #[test]
    fn every_option_parses_and_errors_name_it() {
        let body = json!({"model": "wan2.7-videoedit", "input": {"media": []}});
        let o = EmbedOptions::parse(&json!({
            "relay": "https://r.example/intl",
            "operations": "wan27_edit",
            "lang": "zh-CN",
            "keyMode": "own",
            "apiKey": " sk-1 ",
            "relayToken": "t",
            "body": body.to_string(),
            "storageKey": "mine",
            "workspace": " ws ",
            "assetBase": "https://r.example/",
        }))
        .unwrap();
        assert_eq!(o.lang, Some(Lang::Zh));
        assert_eq!(o.key_mode, Some(KeyMode::Own));
        assert_eq!(o.api_key.as_deref(), Some("sk-1"));
        assert_eq!(o.workspace.as_deref(), Some("ws"));
        assert_eq!(o.body, Some((Op::Wan27Edit, body)));
        assert_eq!(
            EmbedOptions::parse(&Value::Null).unwrap(),
            EmbedOptions::default()
        );
        let cases = [
            (json!({"lang": "fr"}), "lang"),
            (json!({"keyMode": "mine"}), "keyMode"),
            (json!({"body": "{not json"}), "body"),
            (json!({"body": {"model": "other"}}), "body"),
            (json!({"relay": 5}), "relay"),
            (json!({"oprations": "video_edit"}), "options"),
            (json!([1]), "options"),
        ];
        for (options, option) in cases {
            let e = EmbedOptions::parse(&options).unwrap_err();
            assert_eq!(e.option, option, "{options}");
            assert!(e.to_string().contains(option), "{e}");
        }
    }

    #[test]
    fn theme_and_account_tasks_options_parse_and_errors_name_them() {
        let o = EmbedOptions::parse(&json!({"theme": "dark", "hideAccountTasks": ""})).unwrap();
        assert_eq!(o.theme, Some(Theme::Dark));
        assert_eq!(o.hide_account_tasks, Some(true));
        let o = EmbedOptions::parse(&json!({"theme": "auto", "hideAccountTasks": false})).unwrap();
        assert_eq!(o.theme, Some(Theme::Auto));
        assert_eq!(o.hide_account_tasks, Some(false));
        for (options, option) in [
            (json!({"theme": "sepia"}), "theme"),
            (json!({"hideAccountTasks": 1}), "hideAccountTasks"),
        ] {
            let e = EmbedOptions::parse(&options).unwrap_err();
            assert_eq!(e.option, option, "{options}");
        }
    }

    #[test]
    fn unreachable_relay_failures_name_allow_origin() {
        let m = explain_failure(
            "network error: Failed to fetch",
            false,
            "http://127.0.0.1:9",
            "https://www.example.com",
        );
        assert!(m.contains("--allow-origin https://www.example.com"), "{m}");
        assert!(m.contains("http://127.0.0.1:9"), "{m}");
        let other = "HTTP 400 InvalidParameter: bad";
        assert_eq!(explain_failure(other, false, "r", "o"), other);
        let m = explain_failure(
            "The relay at r is not answering.",
            true,
            "r",
            "https://o.example",
        );
        assert!(m.contains("--allow-origin https://o.example"), "{m}");
    }

    #[test]
    fn storage_keys_are_namespaced() {
        assert_eq!(
            namespaced("a", "wanedit.tasks"),
            "wanedit.embed.a.wanedit.tasks"
        );
    }
}
