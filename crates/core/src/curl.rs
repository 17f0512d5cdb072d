//! Export a create-task call as a runnable curl command, the key left as `$DASHSCOPE_API_KEY`.

use crate::region::{needs_oss_resolve, CREATE_TASK_PATH};
use serde_json::Value;

/// Quotes `text` for a POSIX shell: inside single quotes, with `'` written as `'\''`.
pub fn shell_quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', r"'\''"))
}

/// A curl command that creates the task `body` at `base_url` (a region's base URL or a relay
/// upstream such as `http://127.0.0.1:8787/intl`). The API key is read from the shell's
/// `$DASHSCOPE_API_KEY`, never written out.
pub fn to_curl(base_url: &str, body: &Value) -> String {
    to_curl_with_workspace(base_url, body, None)
}

/// [`to_curl`] with an `X-DashScope-WorkSpace` header.
pub fn to_curl_with_workspace(base_url: &str, body: &Value, workspace: Option<&str>) -> String {
    let url = format!("{}{CREATE_TASK_PATH}", base_url.trim_end_matches('/'));
    let mut lines = vec![
        format!("curl --location {}", shell_quote(&url)),
        "--header 'X-DashScope-Async: enable'".to_string(),
        "--header \"Authorization: Bearer $DASHSCOPE_API_KEY\"".to_string(),
        "--header 'Content-Type: application/json'".to_string(),
    ];
    if needs_oss_resolve(body) {
        lines.push("--header 'X-DashScope-OssResourceResolve: enable'".to_string());
    }
    if let Some(ws) = workspace.filter(|w| !w.is_empty()) {
        lines.push(format!(
            "--header {}",
            shell_quote(&format!("X-DashScope-WorkSpace: {ws}"))
        ));
    }
    let json = serde_json::to_string_pretty(body).unwrap_or_else(|_| body.to_string());
    lines.push(format!("--data {}", shell_quote(&json)));
    lines.join(" \\\n")
}
