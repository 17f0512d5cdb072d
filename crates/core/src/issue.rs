//! What validation reports: an [`Issue`] names a field by its dotted JSON path, says what is
//! wrong in a stable [`IssueCode`], explains it in a message, and tells whether DashScope would
//! reject the body ([`Severity::Error`]) or quietly change it ([`Severity::Warning`]).

use crate::cat;
use crate::text::push_json_str;
use core::fmt;
use serde::{Deserialize, Serialize};

/// How bad an [`Issue`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// DashScope accepts the body but silently changes it (cuts a prompt, ignores a field).
    Warning,
    /// DashScope would reject the body, or the documentation says it must not be sent.
    Error,
}

macro_rules! issue_codes {
    ($($(#[$doc:meta])* $variant:ident = $text:literal,)*) => {
        /// A stable, snake_case identifier for each kind of [`Issue`]. Front ends key
        /// translations and help texts on it; it never changes once released.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        #[non_exhaustive]
        pub enum IssueCode {
            $($(#[$doc])* $variant,)*
        }

        impl IssueCode {
            /// Every code, in declaration order.
            pub const ALL: &'static [IssueCode] = &[$(IssueCode::$variant,)*];

            /// The snake_case text of the code, as it appears in JSON.
            pub fn as_str(self) -> &'static str {
                match self { $(IssueCode::$variant => $text,)* }
            }
        }
    };
}

issue_codes! {
    /// The body (or a part of it that must be an object) is not a JSON object.
    NotAnObject = "not_an_object",
    /// A required field is absent.
    MissingField = "missing_field",
    /// A field has the wrong JSON type (a string where a number belongs, …).
    WrongType = "wrong_type",
    /// A string that must not be empty is empty.
    EmptyValue = "empty_value",
    /// The model name is not one this version knows; it is sent as is.
    UnknownModel = "unknown_model",
    /// The model spelling does not match the chosen region (`wan` in Singapore, `wanx` in Beijing).
    ModelRegionMismatch = "model_region_mismatch",
    /// `input.function` is not one of the five VACE functions.
    UnknownFunction = "unknown_function",
    /// A field that this model or function does not take (it would be ignored, or is wrong here).
    UnexpectedField = "unexpected_field",
    /// A field that is only read together with another setting, which is not set.
    IgnoredField = "ignored_field",
    /// A value outside its documented list (enum).
    InvalidValue = "invalid_value",
    /// A number outside its documented range.
    OutOfRange = "out_of_range",
    /// A prompt longer than the model reads; the rest is cut.
    PromptTooLong = "prompt_too_long",
    /// A URL with a scheme other than http, https or oss (or a malformed data URL).
    InvalidUrl = "invalid_url",
    /// A URL that contains Chinese characters, which DashScope refuses.
    UrlHasChinese = "url_has_chinese",
    /// More items than the documented maximum.
    TooManyItems = "too_many_items",
    /// Fewer items than the documented minimum.
    TooFewItems = "too_few_items",
    /// Two arrays that must have the same length do not.
    LengthMismatch = "length_mismatch",
    /// Two fields of which exactly one may be given are both given.
    ConflictingFields = "conflicting_fields",
    /// A file has the wrong format for its role.
    InvalidFormat = "invalid_format",
    /// An image or video has the wrong width or height for its role.
    InvalidDimensions = "invalid_dimensions",
    /// A file is larger than its role allows.
    FileTooLarge = "file_too_large",
    /// A video plays longer than its role allows (an error) or than is used (a warning).
    DurationTooLong = "duration_too_long",
    /// A video plays shorter than its role allows.
    DurationTooShort = "duration_too_short",
    /// A video has fewer frames per second than its role needs.
    FrameRateTooLow = "frame_rate_too_low",
    /// An image or video is wider or taller than the allowed aspect ratio.
    InvalidAspectRatio = "invalid_aspect_ratio",
    /// An image has an alpha channel where none is allowed.
    HasAlpha = "has_alpha",
}

impl fmt::Display for IssueCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One finding about a request body or a media file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Issue {
    /// Dotted JSON path of the field, with indices in brackets: `input.media[1].type`.
    /// Empty for the body itself.
    pub path: String,
    /// What kind of problem it is.
    pub code: IssueCode,
    /// A sentence that names the field, the value and what is allowed.
    pub message: String,
    /// Whether DashScope would reject it or quietly change it.
    pub severity: Severity,
}

impl Issue {
    /// An [`Severity::Error`] issue.
    pub fn error(path: impl Into<String>, code: IssueCode, message: impl Into<String>) -> Self {
        Issue {
            path: path.into(),
            code,
            message: message.into(),
            severity: Severity::Error,
        }
    }

    /// A [`Severity::Warning`] issue.
    pub fn warning(path: impl Into<String>, code: IssueCode, message: impl Into<String>) -> Self {
        Issue {
            path: path.into(),
            code,
            message: message.into(),
            severity: Severity::Warning,
        }
    }

    /// Whether this issue blocks sending the body.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl Issue {
    /// The issue in one line, as its `Display` shows it: `error [out_of_range] at
    /// parameters.strength: …` (without `at …` for the body itself). Built without
    /// `core::fmt`, for small WebAssembly builds.
    pub fn summary(&self) -> String {
        let level = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let at = if self.path.is_empty() { "" } else { "] at " };
        let close = if self.path.is_empty() { "]" } else { "" };
        cat!(
            level,
            " [",
            self.code.as_str(),
            at,
            self.path,
            close,
            ": ",
            self.message
        )
    }
}

impl fmt::Display for Issue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.summary())
    }
}

/// The issues as a JSON array, exactly as `serde_json::to_string` writes them
/// (`[{"path":…,"code":…,"message":…,"severity":…}]`), without serde's serializer (small
/// WebAssembly builds).
pub fn to_json(issues: &[Issue]) -> String {
    let mut out = String::from("[");
    for (i, issue) in issues.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str("{\"path\":");
        push_json_str(&mut out, &issue.path);
        out.push_str(",\"code\":\"");
        out.push_str(issue.code.as_str());
        out.push_str("\",\"message\":");
        push_json_str(&mut out, &issue.message);
        out.push_str(",\"severity\":\"");
        out.push_str(match issue.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        });
        out.push_str("\"}");
    }
    out.push(']');
    out
}

/// Whether any issue in the list is an error.
pub fn has_errors(issues: &[Issue]) -> bool {
    issues.iter().any(Issue::is_error)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn issues_json_is_serdes() {
        let issues = [
            Issue::error(
                "input.media[0].url",
                IssueCode::InvalidUrl,
                "a \"quoted\"\nline",
            ),
            Issue::warning("", IssueCode::PromptTooLong, "视频 \\ \u{1}"),
        ];
        for list in [&issues[..], &issues[..1], &[]] {
            assert_eq!(to_json(list), serde_json::to_string(list).unwrap());
        }
        assert_eq!(
            issues[0].summary(),
            "error [invalid_url] at input.media[0].url: a \"quoted\"\nline"
        );
        assert_eq!(
            issues[1].to_string(),
            "warning [prompt_too_long]: 视频 \\ \u{1}"
        );
    }
}
