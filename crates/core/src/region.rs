//! Regions, their base URLs and model spellings, and the exact headers each call needs.

use crate::cat;
use crate::headers;
use crate::issue::{Issue, IssueCode};
use crate::model::{Family, Model};
use serde_json::Value;

/// Singapore's base URL.
pub const INTL_BASE_URL: &str = "https://dashscope-intl.aliyuncs.com";
/// Beijing's base URL.
pub const CN_BASE_URL: &str = "https://dashscope.aliyuncs.com";
/// A DashScope region known by a short name, for configuration (`--upstream us`) and pickers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RegionPreset {
    /// Short name: `intl`, `cn`, `us`, `hk`.
    pub name: &'static str,
    /// Base URL, without a trailing slash.
    pub base_url: &'static str,
    /// Where it runs, for people.
    pub label: &'static str,
    /// Whether the documents offer the two video-editing models there (only Singapore and
    /// Beijing; other regions serve other models, and keys work only in their own region).
    pub documents_video_editing: bool,
}

/// The regions of Model Studio's "Base URL overview". Workspace-dedicated hosts
/// (`https://{WorkspaceId}.{region}.maas.aliyuncs.com`, recommended for production) and trial
/// hosts (`https://trial.{region}.maas.aliyuncs.com`) are plain URLs, not presets.
pub const REGION_PRESETS: &[RegionPreset] = &[
    RegionPreset {
        name: "intl",
        base_url: INTL_BASE_URL,
        label: "Singapore",
        documents_video_editing: true,
    },
    RegionPreset {
        name: "cn",
        base_url: CN_BASE_URL,
        label: "China (Beijing)",
        documents_video_editing: true,
    },
    RegionPreset {
        name: "us",
        base_url: "https://dashscope-us.aliyuncs.com",
        label: "US (Virginia)",
        documents_video_editing: false,
    },
    RegionPreset {
        name: "hk",
        base_url: "https://cn-hongkong.dashscope.aliyuncs.com",
        label: "China (Hong Kong)",
        documents_video_editing: false,
    },
];

/// The preset called `name`.
pub fn region_preset(name: &str) -> Option<&'static RegionPreset> {
    REGION_PRESETS.iter().find(|p| p.name == name)
}

/// Path of the create-task route, below a base URL.
pub const CREATE_TASK_PATH: &str = "/api/v1/services/aigc/video-generation/video-synthesis";
/// Path of the task routes (`/{task_id}`, `/{task_id}/cancel`, and the list itself).
pub const TASKS_PATH: &str = "/api/v1/tasks";
/// Path of the upload-policy route (`?action=getPolicy&model=…`).
pub const UPLOADS_PATH: &str = "/api/v1/uploads";

/// Where DashScope runs.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Region {
    /// Singapore: `dashscope-intl.aliyuncs.com`, VACE spelled `wan2.1-vace-plus`.
    Intl,
    /// Beijing: `dashscope.aliyuncs.com`, VACE spelled `wanx2.1-vace-plus`.
    Cn,
    /// Any other base URL (a workspace host, a relay upstream, the simulator).
    Custom(String),
}

impl Region {
    /// The short name used in configuration and by the relay (`intl`, `cn`, or the URL).
    pub fn name(&self) -> &str {
        match self {
            Region::Intl => "intl",
            Region::Cn => "cn",
            Region::Custom(url) => url,
        }
    }

    /// The base URL, without a trailing slash.
    pub fn base_url(&self) -> &str {
        match self {
            Region::Intl => INTL_BASE_URL,
            Region::Cn => CN_BASE_URL,
            Region::Custom(url) => url.trim_end_matches('/'),
        }
    }

    /// The base URL of a workspace host (`https://{id}.ap-southeast-1.maas.aliyuncs.com`);
    /// `None` for a custom region.
    pub fn workspace_base_url(&self, workspace_id: &str) -> Option<String> {
        match self {
            Region::Intl => Some(format!(
                "https://{workspace_id}.ap-southeast-1.maas.aliyuncs.com"
            )),
            Region::Cn => Some(format!(
                "https://{workspace_id}.cn-beijing.maas.aliyuncs.com"
            )),
            Region::Custom(_) => None,
        }
    }

    /// The VACE model spelling this region documents; `None` where either may be used.
    pub fn vace_model(&self) -> Option<Model> {
        match self {
            Region::Intl => Some(Model::Wan21VacePlus),
            Region::Cn => Some(Model::Wanx21VacePlus),
            Region::Custom(_) => None,
        }
    }

    /// The model to send for `family` in this region (the documented spelling).
    pub fn model_for(&self, family: Family) -> Model {
        match family {
            Family::Vace => self.vace_model().unwrap_or(Model::Wan21VacePlus),
            Family::VideoEdit27 => Model::Wan27VideoEdit,
        }
    }
}

/// A warning when `model` is a VACE spelling that is not the one `region` documents.
pub fn check_model_region(region: &Region, model: &str) -> Option<Issue> {
    let expected = region.vace_model()?;
    let given = Model::parse(model)?;
    if given.family() == Family::Vace && given != expected {
        return Some(Issue::warning(
            "model",
            IssueCode::ModelRegionMismatch,
            format!(
                "model \"{model}\" is the spelling of the other region; region {} documents \"{}\"",
                region.name(),
                expected.as_str()
            ),
        ));
    }
    None
}

/// Whether any string in the body is an `oss://` URL (a temporary upload), in which case the
/// create call must send `X-DashScope-OssResourceResolve: enable`.
pub fn needs_oss_resolve(body: &Value) -> bool {
    match body {
        Value::String(s) => s.starts_with("oss://"),
        Value::Array(items) => items.iter().any(needs_oss_resolve),
        Value::Object(map) => map.values().any(needs_oss_resolve),
        _ => false,
    }
}

/// The headers of a create-task call, in order: `(name, value)`. `api_key` is `None` when a
/// relay holds the key; `workspace` selects a workspace.
pub fn create_task_headers(
    api_key: Option<&str>,
    workspace: Option<&str>,
    body: &Value,
) -> Vec<(&'static str, String)> {
    create_task_headers_with(api_key.map(bearer), workspace, None, body)
}

/// The rule behind [`create_task_headers`], on header values, for a caller that forwards
/// another's call (the relay): `authorization` is the whole `Authorization` value (a key
/// already as `Bearer …`, or `None`), and `oss_resolve` the OSS-resolve value the original
/// caller chose, which is kept; without one the header is `enable` exactly when the body uses
/// an `oss://` URL.
pub fn create_task_headers_with(
    authorization: Option<String>,
    workspace: Option<&str>,
    oss_resolve: Option<&str>,
    body: &Value,
) -> Vec<(&'static str, String)> {
    let mut headers = vec![
        (headers::CONTENT_TYPE, "application/json".to_string()),
        (headers::X_DASHSCOPE_ASYNC, "enable".to_string()),
    ];
    headers.extend(read_headers_with(authorization, workspace));
    match oss_resolve {
        Some(value) => headers.push((headers::X_DASHSCOPE_OSS_RESOURCE_RESOLVE, value.to_string())),
        None if needs_oss_resolve(body) => headers.push((
            headers::X_DASHSCOPE_OSS_RESOURCE_RESOLVE,
            "enable".to_string(),
        )),
        None => {}
    }
    headers
}

/// The headers of a query, cancel, list or upload-policy call: the key and the workspace.
pub fn read_headers(api_key: Option<&str>, workspace: Option<&str>) -> Vec<(&'static str, String)> {
    read_headers_with(api_key.map(bearer), workspace)
}

/// [`read_headers`] with the whole `Authorization` value.
fn read_headers_with(
    authorization: Option<String>,
    workspace: Option<&str>,
) -> Vec<(&'static str, String)> {
    let mut headers = Vec::new();
    if let Some(value) = authorization {
        headers.push((headers::AUTHORIZATION, value));
    }
    if let Some(ws) = workspace.filter(|w| !w.is_empty()) {
        headers.push((headers::X_DASHSCOPE_WORKSPACE, ws.to_string()));
    }
    headers
}

/// The `Authorization` value for an API key.
pub fn bearer(api_key: &str) -> String {
    cat!("Bearer ", api_key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forwarded_create_headers_keep_the_callers_values() {
        let plain = serde_json::json!({"input": {"video_url": "https://a.example/x.mp4"}});
        let oss = serde_json::json!({"input": {"video_url": "oss://dashscope-instant/x.mp4"}});
        // The whole Authorization value as the caller sent it, and their own OSS flag.
        let h = create_task_headers_with(
            Some("bearer sk-1".into()),
            Some("ws"),
            Some("enable"),
            &plain,
        );
        assert_eq!(
            h,
            [
                (headers::CONTENT_TYPE, "application/json".to_string()),
                (headers::X_DASHSCOPE_ASYNC, "enable".to_string()),
                (headers::AUTHORIZATION, "bearer sk-1".to_string()),
                (headers::X_DASHSCOPE_WORKSPACE, "ws".to_string()),
                (
                    headers::X_DASHSCOPE_OSS_RESOURCE_RESOLVE,
                    "enable".to_string()
                ),
            ]
        );
        // Without a flag of the caller's, the body decides; an empty workspace is none.
        let h = create_task_headers_with(None, Some(""), None, &oss);
        assert_eq!(h.len(), 3, "{h:?}");
        assert_eq!(h[2].0, headers::X_DASHSCOPE_OSS_RESOURCE_RESOLVE);
        assert_eq!(create_task_headers_with(None, None, None, &plain).len(), 2);
        // The key form is the same rule with `Bearer {key}`.
        assert_eq!(
            create_task_headers(Some("sk-2"), None, &plain)[2],
            (headers::AUTHORIZATION, "Bearer sk-2".to_string())
        );
    }
}
