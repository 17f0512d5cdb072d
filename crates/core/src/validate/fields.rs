//! Rules shared by several fields: prompts, URLs, seeds, booleans.

use super::checker::{index, join, Checker};
use crate::cat;
use crate::issue::IssueCode;
use crate::model::limits;
use serde_json::{Map, Value};

/// Which URL schemes a field takes.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum UrlKind {
    /// `http://`, `https://` or `oss://`.
    Remote,
    /// Also `data:{MIME};base64,...` (wan2.7 reference images).
    RemoteOrDataImage,
}

/// Whether `c` is a Chinese character (CJK ideographs, CJK punctuation, full-width forms),
/// which DashScope does not accept in URLs.
pub fn is_chinese_char(c: char) -> bool {
    matches!(c as u32,
        0x3000..=0x303F      // CJK symbols and punctuation
        | 0x3400..=0x4DBF    // CJK Extension A
        | 0x4E00..=0x9FFF    // CJK Unified Ideographs
        | 0xF900..=0xFAFF    // CJK Compatibility Ideographs
        | 0xFF00..=0xFFEF    // Half-width and full-width forms
        | 0x20000..=0x3134F  // CJK Extensions B–G
    )
}

/// Length of a prompt as DashScope counts it: characters, a Chinese character counting one.
pub fn prompt_chars(prompt: &str) -> usize {
    crate::text::char_count(prompt)
}

const DATA_IMAGE_TYPES: &[&str] = &[
    "image/jpeg",
    "image/jpg",
    "image/png",
    "image/bmp",
    "image/webp",
];

impl Checker {
    /// A prompt-like text: required or not, cut beyond `max` characters.
    pub(crate) fn prompt(
        &mut self,
        input: &Map<String, Value>,
        key: &str,
        max: usize,
        required: bool,
        model: &str,
    ) {
        let path = join("input", key);
        match self.string(input, "input", key) {
            None if required && self.field(input, key).is_none() => {
                self.missing(&path, &cat!(" for ", model))
            }
            None => {}
            Some(text) if required && text.trim().is_empty() => self.error(
                &path,
                IssueCode::EmptyValue,
                cat!(path, " is empty; describe the video you want"),
            ),
            Some(text) => {
                let n = prompt_chars(text);
                if n > max {
                    self.warning(
                        &path,
                        IssueCode::PromptTooLong,
                        cat!(
                            path,
                            " has ",
                            n,
                            " characters; ",
                            model,
                            " reads the first ",
                            max,
                            " and cuts the rest"
                        ),
                    );
                }
            }
        }
    }

    /// One URL value at `path`.
    pub(crate) fn url_value(&mut self, path: &str, url: &str, kind: UrlKind) {
        if url.trim().is_empty() {
            self.error(
                path,
                IssueCode::EmptyValue,
                cat!(path, " is empty; give a URL"),
            );
            return;
        }
        if url.chars().any(is_chinese_char) {
            self.error(
                path,
                IssueCode::UrlHasChinese,
                cat!(path, " contains Chinese characters, which DashScope does not accept in URLs; rename the file or percent-encode the URL"),
            );
        }
        let lower = url.get(..8).unwrap_or(url).to_ascii_lowercase();
        let remote = ["http://", "https://", "oss://"]
            .iter()
            .find(|scheme| lower.starts_with(**scheme));
        if let Some(scheme) = remote {
            let rest = &url[scheme.len()..];
            if rest.is_empty() || rest.starts_with('/') && *scheme != "oss://" {
                self.error(
                    path,
                    IssueCode::InvalidUrl,
                    cat!(path, " \"", url, "\" has no host"),
                );
            } else if url.chars().any(char::is_whitespace) {
                self.error(
                    path,
                    IssueCode::InvalidUrl,
                    cat!(path, " contains white space; percent-encode it"),
                );
            }
            return;
        }
        if kind == UrlKind::RemoteOrDataImage && lower.starts_with("data:") {
            self.data_url(path, url);
            return;
        }
        let allowed = match kind {
            UrlKind::Remote => "http://, https:// or oss://",
            UrlKind::RemoteOrDataImage => "http://, https://, oss:// or data:image/...;base64,",
        };
        let shown = crate::text::char_prefix(url, 40);
        self.error(
            path,
            IssueCode::InvalidUrl,
            cat!(
                path,
                " \"",
                shown,
                "\" is not a supported URL; use ",
                allowed
            ),
        );
    }

    fn data_url(&mut self, path: &str, url: &str) {
        let body = &url[5..];
        let Some((meta, payload)) = body.split_once(',') else {
            self.error(
                path,
                IssueCode::InvalidUrl,
                cat!(path, " is a data URL without a comma"),
            );
            return;
        };
        let Some(mime) = meta.strip_suffix(";base64") else {
            self.error(
                path,
                IssueCode::InvalidUrl,
                cat!(path, " must be a base64 data URL: data:{MIME};base64,..."),
            );
            return;
        };
        if !DATA_IMAGE_TYPES.contains(&mime.to_ascii_lowercase().as_str()) {
            self.error(
                path,
                IssueCode::InvalidFormat,
                cat!(
                    path,
                    " has MIME type \"",
                    mime,
                    "\"; allowed: image/jpeg, image/png, image/bmp, image/webp"
                ),
            );
        }
        let valid_base64 = !payload.is_empty()
            && payload.bytes().all(|b| {
                b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'=' | b'\n' | b'\r')
            });
        if !valid_base64 {
            self.error(
                path,
                IssueCode::InvalidUrl,
                cat!(path, " has no valid base64 data"),
            );
        }
    }

    /// An optional URL string field of `obj`.
    pub(crate) fn url_field(
        &mut self,
        obj: &Map<String, Value>,
        parent: &str,
        key: &str,
        kind: UrlKind,
    ) -> Option<()> {
        let url = self.string(obj, parent, key)?;
        self.url_value(&join(parent, key), url, kind);
        Some(())
    }

    /// An array of URL strings; returns its length when it is an array.
    pub(crate) fn url_array(
        &mut self,
        obj: &Map<String, Value>,
        parent: &str,
        key: &str,
    ) -> Option<usize> {
        let items = self.array(obj, parent, key)?;
        let base = join(parent, key);
        for (i, item) in items.iter().enumerate() {
            let path = index(&base, i);
            match item {
                Value::String(url) => self.url_value(&path, url, UrlKind::Remote),
                other => self.error(
                    &path,
                    IssueCode::WrongType,
                    cat!(
                        path,
                        " must be a URL string, not ",
                        super::checker::type_name(other)
                    ),
                ),
            }
        }
        Some(items.len())
    }

    /// `seed`: an integer in [0, 2147483647].
    pub(crate) fn seed(&mut self, params: &Map<String, Value>) {
        if let Some(seed) = self.integer(params, "parameters", "seed") {
            if seed < 0 || seed as u64 > limits::SEED_MAX {
                self.error(
                    "parameters.seed",
                    IssueCode::OutOfRange,
                    cat!(
                        "parameters.seed is ",
                        seed,
                        "; allowed: 0 to ",
                        limits::SEED_MAX
                    ),
                );
            }
        }
    }

    /// `prompt_extend` and `watermark`: booleans.
    pub(crate) fn flags(&mut self, params: &Map<String, Value>) {
        self.boolean(params, "parameters", "prompt_extend");
        self.boolean(params, "parameters", "watermark");
    }
}
