//! The relay's `GET /api/relay/config` answer: what a web page needs to offer choices (the
//! upstreams, whether a token is needed, the size limits), never a secret. One type, which the
//! relay serialises and the web UI parses, so the two cannot drift apart. Every field has a
//! default when parsed, so an older relay's answer still reads.

use serde::{Deserialize, Serialize};

/// The whole answer. Fields are declared in the order the relay writes them.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct RelayConfig {
    /// Whether the relay holds a real DashScope key for any upstream.
    #[serde(default)]
    pub holds_key: bool,
    /// The largest create-task body the relay forwards, in bytes.
    #[serde(default)]
    pub max_body_bytes: Option<u64>,
    /// The largest upload the relay forwards, in bytes.
    #[serde(default)]
    pub max_upload_bytes: Option<u64>,
    /// Whether callers must send [`X_RELAY_TOKEN`](crate::headers::X_RELAY_TOKEN).
    #[serde(default)]
    pub requires_token: bool,
    /// The upstreams, in the relay's order.
    #[serde(default)]
    pub upstreams: Vec<RelayUpstream>,
    /// The relay's version.
    #[serde(default)]
    pub version: String,
}

/// One upstream the relay offers.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct RelayUpstream {
    /// Whether the relay adds a key of its own for it.
    #[serde(default)]
    pub holds_key: bool,
    /// Whether the account-wide task list may be read through it.
    #[serde(default)]
    pub list_enabled: bool,
    /// Its name, the first path segment of its routes.
    pub name: String,
    /// Virtual seconds per real second of its clock: set for the relay's in-process simulator
    /// (`--sim-time-scale`), absent for DashScope.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time_scale: Option<f64>,
}

impl RelayConfig {
    /// The upstream named `name`.
    pub fn upstream(&self, name: &str) -> Option<&RelayUpstream> {
        self.upstreams.iter().find(|u| u.name == name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn written_and_read_back() {
        let config = RelayConfig {
            holds_key: true,
            max_body_bytes: Some(1_048_576),
            max_upload_bytes: Some(104_857_600),
            requires_token: false,
            upstreams: vec![RelayUpstream {
                holds_key: true,
                list_enabled: true,
                name: "sim".into(),
                time_scale: Some(60.0),
            }],
            version: "0.1.0".into(),
        };
        let text = serde_json::to_string(&config).unwrap();
        assert_eq!(
            text,
            r#"{"holds_key":true,"max_body_bytes":1048576,"max_upload_bytes":104857600,"requires_token":false,"upstreams":[{"holds_key":true,"list_enabled":true,"name":"sim","time_scale":60.0}],"version":"0.1.0"}"#
        );
        assert_eq!(serde_json::from_str::<RelayConfig>(&text).unwrap(), config);
        // An upstream without a time scale writes none; a partial answer reads with defaults.
        let plain: RelayConfig =
            serde_json::from_str(r#"{"upstreams":[{"name":"intl"}]}"#).unwrap();
        assert_eq!(plain.upstream("intl").unwrap().time_scale, None);
        assert!(!serde_json::to_string(&plain)
            .unwrap()
            .contains("time_scale"));
        assert_eq!(plain.max_upload_bytes, None);
    }
}
