//! Export a create-task call as a runnable curl command, the key left as `$DASHSCOPE_API_KEY`.

use crate::cat;
use crate::region::{needs_oss_resolve, CREATE_TASK_PATH};
use serde_json::Value;

/// Quotes `text` for a POSIX shell: inside single quotes, with `'` written as `'\''`.
pub fn shell_quote(text: &str) -> String {
    cat!('\'', text.replace('\'', r"'\''"), '\'')
}

/// A curl command that creates the task `body` at `base_url` (a region's base URL or a relay
/// upstream such as `http://127.0.0.1:8787/intl`). The API key is read from the shell's
/// `$DASHSCOPE_API_KEY`, never written out.
pub fn to_curl(base_url: &str, body: &Value) -> String {
    to_curl_with_workspace(base_url, body, None)
}

/// [`to_curl`] with an `X-DashScope-WorkSpace` header.
pub fn to_curl_with_workspace(base_url: &str, body: &Value, workspace: Option<&str>) -> String {
    let url = cat!(base_url.trim_end_matches('/'), CREATE_TASK_PATH);
    let mut lines = vec![
        cat!("curl --location ", shell_quote(&url)),
        "--header 'X-DashScope-Async: enable'".to_string(),
        "--header \"Authorization: Bearer $DASHSCOPE_API_KEY\"".to_string(),
        "--header 'Content-Type: application/json'".to_string(),
    ];
    if needs_oss_resolve(body) {
        lines.push("--header 'X-DashScope-OssResourceResolve: enable'".to_string());
    }
    if let Some(ws) = workspace.filter(|w| !w.is_empty()) {
        lines.push(cat!(
            "--header ",
            shell_quote(&cat!("X-DashScope-WorkSpace: ", ws))
        ));
    }
    let json = crate::text::json_text_pretty(body);
    lines.push(cat!("--data ", shell_quote(&json)));
    lines.join(" \\\n")
}
