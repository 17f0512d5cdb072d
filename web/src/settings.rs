//! Connection settings and the relay's self-description.
//!
//! Settings (upstream, key handling, workspace, language) are stored as JSON in
//! `localStorage`. The API key and the relay access token never are part of them: they live in
//! `sessionStorage` (gone when the tab closes) unless the user ticks "remember on this
//! device", which moves them to `localStorage` ([`secret_store`]). Neither ever goes into a
//! URL or a log line.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::i18n::Lang;

/// The storage key of [`Settings`] (`localStorage`).
pub const SETTINGS_KEY: &str = "wanedit.settings.v1";
/// The storage key of the user's API key.
pub const API_KEY_KEY: &str = "wanedit.apiKey";
/// The storage key of the relay access token.
pub const RELAY_TOKEN_KEY: &str = "wanedit.relayToken";

/// Who supplies the DashScope API key.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum KeyMode {
    /// The relay adds its own key; the browser sends none.
    #[default]
    Relay,
    /// The browser sends the user's key (`Authorization: Bearer`), which the relay passes on.
    Own,
}

/// What the user chose on the Connect panel.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Settings {
    /// The relay upstream (`intl`, `cn`, `sim`, …).
    pub upstream: String,
    /// Who supplies the key.
    pub key_mode: KeyMode,
    /// Keep the key (and relay token) in `localStorage` instead of `sessionStorage`.
    pub remember_key: bool,
    /// Optional `X-DashScope-WorkSpace`.
    pub workspace: String,
    /// UI language.
    pub lang: Lang,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            upstream: String::new(),
            key_mode: KeyMode::Relay,
            remember_key: false,
            workspace: String::new(),
            lang: Lang::En,
        }
    }
}

impl Settings {
    /// Reads stored settings; anything unreadable gives the defaults.
    pub fn load(text: Option<&str>) -> Settings {
        // Through `Value` (one JSON parser instance in the wasm for every reader).
        text.and_then(|t| serde_json::from_str::<Value>(t).ok())
            .and_then(|v| serde_json::from_value(v).ok())
            .unwrap_or_default()
    }

    /// The JSON to store (holds no secret).
    pub fn to_json(&self) -> String {
        serde_json::to_value(self)
            .map(|v| wanedit_core::text::json_text(&v))
            .unwrap_or_default()
    }

    /// The upstream to use among `offered`: the stored one if still offered, else the first
    /// that needs no key from the user, else the first.
    pub fn pick_upstream(&self, offered: &[Upstream]) -> String {
        if offered.iter().any(|u| u.name == self.upstream) {
            return self.upstream.clone();
        }
        offered
            .iter()
            .find(|u| u.holds_key)
            .or(offered.first())
            .map(|u| u.name.clone())
            .unwrap_or_else(|| self.upstream.clone())
    }
}

/// Which browser storage holds a secret.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Store {
    /// `sessionStorage`: this tab only, cleared when it closes.
    Session,
    /// `localStorage`: this device, until removed.
    Local,
}

/// Where the key and token live: `localStorage` only when the user asked to be remembered.
/// The other store is always cleared when a secret is saved, so a secret never lingers in
/// the place the user did not choose.
pub fn secret_store(remember: bool) -> (Store, Store) {
    if remember {
        (Store::Local, Store::Session)
    } else {
        (Store::Session, Store::Local)
    }
}

/// One upstream the relay offers (the relay's own type: the config shape is defined once, in
/// `wanedit-core`).
pub use wanedit_core::relay_config::RelayUpstream as Upstream;

/// `GET /api/relay/config` as the UI holds it: the relay's answer, parsed into the type the
/// relay writes it from ([`wanedit_core::relay_config::RelayConfig`], whose fields it derefs
/// to), and whether the relay answered at all.
#[derive(Debug, Clone, PartialEq)]
pub struct RelayConfig {
    answer: wanedit_core::relay_config::RelayConfig,
    /// Whether the relay answered at all (`false`: the defaults below are a guess).
    pub reachable: bool,
}

impl std::ops::Deref for RelayConfig {
    type Target = wanedit_core::relay_config::RelayConfig;

    fn deref(&self) -> &Self::Target {
        &self.answer
    }
}

impl RelayConfig {
    /// Parses the relay's answer; `None` when it is not the relay's JSON.
    pub fn parse(text: &str) -> Option<RelayConfig> {
        let value: Value = serde_json::from_str(text).ok()?;
        value.get("upstreams")?.as_array()?;
        Some(RelayConfig {
            answer: serde_json::from_value(value).ok()?,
            reachable: true,
        })
    }

    /// What to offer when no relay answered: DashScope's two regions, through a relay that
    /// holds no key.
    pub fn fallback() -> RelayConfig {
        let upstreams = ["intl", "cn"]
            .into_iter()
            .map(|name| Upstream {
                name: name.into(),
                holds_key: false,
                list_enabled: true,
                time_scale: None,
            })
            .collect();
        RelayConfig {
            answer: wanedit_core::relay_config::RelayConfig {
                upstreams,
                ..Default::default()
            },
            reachable: false,
        }
    }
}

/// The key the browser sends, given the mode: none when the relay holds one.
pub fn key_to_send(mode: KeyMode, key: &str) -> Option<String> {
    let key = key.trim();
    match mode {
        KeyMode::Own if !key.is_empty() => Some(key.to_string()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_round_trip_and_hold_no_secret() {
        let s = Settings {
            upstream: "cn".into(),
            key_mode: KeyMode::Own,
            remember_key: true,
            workspace: "ws-1".into(),
            lang: Lang::Zh,
        };
        let json = s.to_json();
        assert!(!json.to_lowercase().contains("key\":\"sk"));
        assert_eq!(Settings::load(Some(&json)), s);
        assert_eq!(Settings::load(Some("{")), Settings::default());
        assert_eq!(Settings::load(None), Settings::default());
        // Older or partial settings keep the defaults for what is missing.
        let partial = Settings::load(Some(r#"{"upstream":"intl"}"#));
        assert_eq!(partial.upstream, "intl");
        assert_eq!(partial.key_mode, KeyMode::Relay);
    }

    #[test]
    fn secrets_go_to_session_storage_unless_remembered() {
        assert_eq!(secret_store(false), (Store::Session, Store::Local));
        assert_eq!(secret_store(true), (Store::Local, Store::Session));
        assert_eq!(key_to_send(KeyMode::Relay, "sk-1"), None);
        assert_eq!(key_to_send(KeyMode::Own, " sk-1 "), Some("sk-1".into()));
        assert_eq!(key_to_send(KeyMode::Own, ""), None);
    }

    #[test]
    fn relay_config_is_read_and_upstream_picked() {
        let text = r#"{"version":"0.1.0","upstreams":[{"name":"intl","holds_key":false,"list_enabled":true},{"name":"sim","holds_key":true,"list_enabled":true}],"holds_key":false,"requires_token":false,"max_upload_bytes":104857600,"max_body_bytes":1048576}"#;
        let c = RelayConfig::parse(text).unwrap();
        assert!(c.reachable);
        assert_eq!(c.upstreams.len(), 2);
        assert_eq!(c.max_upload_bytes, Some(104_857_600));
        assert!(RelayConfig::parse("<!doctype html>").is_none());
        assert!(RelayConfig::parse("{}").is_none());
        let s = Settings::default();
        assert_eq!(s.pick_upstream(&c.upstreams), "sim");
        let s = Settings {
            upstream: "intl".into(),
            ..Settings::default()
        };
        assert_eq!(s.pick_upstream(&c.upstreams), "intl");
        assert_eq!(
            Settings::default().pick_upstream(&RelayConfig::fallback().upstreams),
            "intl"
        );
    }
}
