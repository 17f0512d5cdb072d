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

// Each code says whether it is an error or a warning, and why. The principle: an error only
// where the documents (shared/seeds, quoted) say DashScope refuses a body, or where it cannot
// work; everything else, such as fields or models the documents do not describe and advice,
// is a warning, and the body goes on unchanged.
issue_codes! {
    /// **Error.** The body (or `input` / `parameters`) is not a JSON object. Cannot work: the
    /// documents send `Content-Type: application/json` with "input object (Required)" and
    /// "parameters object".
    NotAnObject = "not_an_object",
    /// **Error.** A required field is absent. Documented as "(Required)" / "必选" in the
    /// parameter tables: "model string (Required) The model name.", "function string
    /// (Required)", "prompt string (Required)" (VACE), "video_url string (Required)",
    /// "ref_images_url array[string] (Required)", "input.media | array | 是 | 必须包含一个
    /// video 项" (wan2.7), "You must specify either this parameter or the mask_video_url
    /// parameter." (video_edit), `control_condition` "This is required when `video_url` is
    /// provided." (video_extension), and `obj_or_bg` "You can omit this parameter only when
    /// ref_images_url is a single-element array". DashScope answers `BadRequest.EmptyInput`,
    /// `BadRequest.EmptyModel` or `InvalidParameter`.
    MissingField = "missing_field",
    /// **Error.** A field has the wrong JSON type. The parameter tables give each field's
    /// type ("string", "integer", "boolean", "array[string]", "object"); DashScope answers
    /// `InvalidParameter`.
    WrongType = "wrong_type",
    /// **Error.** A string that must not be empty is empty: a required model, prompt or URL
    /// given as `""` is no value (DashScope's `BadRequest.EmptyModel` / `BadRequest.EmptyInput`).
    EmptyValue = "empty_value",
    /// **Warning.** The model name is not one the documents describe. DashScope serves many
    /// more models on this endpoint (text-, image- and reference-to-video), so the body is sent
    /// as is and no family's rules are applied to it.
    UnknownModel = "unknown_model",
    /// **Warning.** The VACE spelling does not match the region ("wan2.1-vace-plus" in
    /// Singapore, "wanx2.1-vace-plus" in Beijing, seed 003). Only these two documented regions
    /// are checked; other hosts are not.
    ModelRegionMismatch = "model_region_mismatch",
    /// **Error.** `input.function` is not one of the five VACE functions: "function string
    /// (Required) Specifies the feature to use." with the five documented values
    /// (`image_reference`, `video_repainting`, `video_edit`, `video_extension`,
    /// `video_outpainting`).
    UnknownFunction = "unknown_function",
    /// **Warning.** A field the documents do not give for this model or function. Not a
    /// refusal: SDKs add fields of their own (the Python SDK sends `input.function` and
    /// `input.extend_prompt` on wan2.7, whose documents say only "无需设置function 参数",
    /// no need to set it), and DashScope adds parameters over time.
    UnexpectedField = "unexpected_field",
    /// **Warning.** A field that is only read together with another setting, which is not set:
    /// "mask_frame_id … This parameter is used only when mask_image_url is not empty.",
    /// "mask_type … effective only when mask_image_url is not empty", `expand_ratio`
    /// "仅在mask_type为tracking时生效" (only with tracking).
    IgnoredField = "ignored_field",
    /// **Error.** A value outside its documented list: "Valid values: …" for `size`,
    /// `control_condition`, `mask_type`, `expand_mode`, `obj_or_bg`; `resolution` "\"720P\"
    /// 或 \"1080P\"", `ratio`, `audio_setting`, media `type`; and VACE `duration` "This
    /// parameter is fixed at 5 and cannot be modified."
    InvalidValue = "invalid_value",
    /// **Error.** A number outside its documented range: `seed` "The value of this parameter
    /// ranges from [0, 2147483647].", `strength` / `expand_ratio` "The value range is [0.0,
    /// 1.0].", the outpainting scales "The value range is [1.0, 2.0].", `mask_frame_id` "The
    /// value must be in the range [1, max_frame_id]", wan2.7 `duration` "0 … 2-10".
    OutOfRange = "out_of_range",
    /// **Warning.** A prompt longer than the model reads: "must not exceed 800 characters …
    /// Excess characters are automatically truncated." (VACE), "最多 5,000 字符" (wan2.7).
    PromptTooLong = "prompt_too_long",
    /// **Error.** A URL with a scheme other than http, https or oss, no host, white space, or a
    /// malformed data URL: "The URL must be a public URL and support the HTTP or HTTPS
    /// protocol."; `oss://` is the documented temporary upload URL, and `data:{MIME};base64,`
    /// the documented inline reference image of wan2.7.
    InvalidUrl = "invalid_url",
    /// **Error.** A URL with Chinese characters: "The URL cannot contain Chinese characters."
    UrlHasChinese = "url_has_chinese",
    /// **Error**, or a warning where the documents say the rest is dropped. Errors:
    /// "Currently, only 1 reference image is supported." (video_repainting, video_edit), "you
    /// can use at most one background image", wan2.7 "必须包含一个 video 项。可选包含最多 4 个
    /// reference_image 项。". Warning: image_reference "If you provide more than 3 images,
    /// only the first 3 are used as input."
    TooManyItems = "too_many_items",
    /// **Error.** Fewer items than the documented minimum: image_reference's required
    /// `ref_images_url` given as `[]` ("supports up to three reference images": one at least).
    TooFewItems = "too_few_items",
    /// **Error.** `obj_or_bg` and `ref_images_url` differ in length: "which must have the same
    /// length as ref_images_url." / "该数组长度必须与ref_images_url数组长度一致。"
    LengthMismatch = "length_mismatch",
    /// **Error.** `mask_image_url` and `mask_video_url` are both given; video_edit takes one
    /// mask: "You must specify either this parameter or the mask_image_url parameter."
    ConflictingFields = "conflicting_fields",
    /// **Error.** A file has the wrong format for its role: "Image format: JPG, JPEG, PNG, BMP,
    /// TIFF, or WEBP.", "Video format: MP4." (VACE), MP4 or MOV (wan2.7).
    InvalidFormat = "invalid_format",
    /// **Error.** An image or video has the wrong width or height for its role: "The width and
    /// height must be between 360 and 2,000 pixels.", "The image resolution must be the same
    /// as the input video resolution (video_url)." (mask image); 240–4096 / 240–8000 px (wan2.7).
    InvalidDimensions = "invalid_dimensions",
    /// **Error.** A file is larger than its role allows ("不超过 50 MB", wan2.7 100 MB / 20 MB).
    FileTooLarge = "file_too_large",
    /// **Error** where the documents set a limit ("The video cannot be longer than 3
    /// seconds."), a **warning** where they say the rest is not used ("If a video is longer
    /// than 3 seconds, only the first 3 seconds are used.").
    DurationTooLong = "duration_too_long",
    /// **Error.** A video plays shorter than its role allows (wan2.7 source video: 2–10 s).
    DurationTooShort = "duration_too_short",
    /// **Error.** "The video frame rate must be 16 FPS or higher."
    FrameRateTooLow = "frame_rate_too_low",
    /// **Error.** An image or video outside the allowed aspect ratio (wan2.7: between 1:8 and
    /// 8:1).
    InvalidAspectRatio = "invalid_aspect_ratio",
    /// **Error.** An image with an alpha channel where none is allowed (wan2.7 reference
    /// images: "PNG (no alpha channel)").
    HasAlpha = "has_alpha",
    /// **Error.** A key appears twice in one JSON object; readers differ on which copy counts.
    DuplicateKey = "duplicate_key",
    /// **Error.** A mask image that is all black (every pixel kept): white marks what
    /// `video_edit` edits ("The white area of the mask image … indicates the part to be
    /// edited. The black area … indicates the area to be preserved."), so this mask edits
    /// nothing, yet the task would run and be paid for. Checked where the pixels are
    /// seen: a mask drawn in the editor or read back from its PNG (`mask::check_mask_pixels`).
    MaskEmpty = "mask_empty",
    /// **Warning.** A mask image that is all white (every pixel edited): allowed, but the whole
    /// frame is regenerated, which is rarely what local editing is for
    /// (`mask::check_mask_pixels`).
    MaskFull = "mask_full",
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

    /// Whether this issue is about something the documents do not describe (a field or a
    /// model), rather than advice about a documented one. A strict relay refuses these too.
    pub fn is_outside_documents(&self) -> bool {
        matches!(
            self.code,
            IssueCode::UnexpectedField | IssueCode::UnknownModel
        )
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

/// The response header in which a relay lists the warnings of a body it forwarded (they never
/// block; a client that cannot see the relay's validation still learns of them).
pub const WARNINGS_HEADER: &str = "X-Wanedit-Warnings";

/// Most warnings listed in [`WARNINGS_HEADER`]; the rest are counted as `+N more`.
const MAX_HEADER_WARNINGS: usize = 32;

/// The value of [`WARNINGS_HEADER`] for `issues`: their warnings as comma-separated
/// `code path` items (`unexpected_field input.function, prompt_too_long input.prompt`), the
/// path percent-encoded where it is not plain visible ASCII (it comes from the caller's JSON
/// keys). `None` when there are no warnings.
pub fn warnings_header_value(issues: &[Issue]) -> Option<String> {
    let warnings: Vec<&Issue> = issues.iter().filter(|i| !i.is_error()).collect();
    if warnings.is_empty() {
        return None;
    }
    let mut out = String::new();
    for (i, issue) in warnings.iter().take(MAX_HEADER_WARNINGS).enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        out.push_str(issue.code.as_str());
        if !issue.path.is_empty() {
            out.push(' ');
            for b in issue.path.bytes() {
                if (0x21..0x7f).contains(&b) && b != b'%' && b != b',' {
                    out.push(char::from(b));
                } else {
                    const HEX: &[u8; 16] = b"0123456789ABCDEF";
                    out.push('%');
                    out.push(char::from(HEX[usize::from(b >> 4)]));
                    out.push(char::from(HEX[usize::from(b & 15)]));
                }
            }
        }
    }
    if warnings.len() > MAX_HEADER_WARNINGS {
        out.push_str(", +");
        crate::text::push_uint(&mut out, (warnings.len() - MAX_HEADER_WARNINGS) as u64);
        out.push_str(" more");
    }
    Some(out)
}

/// Whether any issue in the list is an error.
pub fn has_errors(issues: &[Issue]) -> bool {
    issues.iter().any(Issue::is_error)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn warnings_header_lists_warnings_only_with_safe_paths() {
        let issues = [
            Issue::warning("input.function", IssueCode::UnexpectedField, "x"),
            Issue::error("input.prompt", IssueCode::MissingField, "x"),
            Issue::warning("input.视频, x%", IssueCode::UnexpectedField, "x"),
            Issue::warning("", IssueCode::UnknownModel, "x"),
        ];
        assert_eq!(
            warnings_header_value(&issues).unwrap(),
            "unexpected_field input.function, unexpected_field input.%E8%A7%86%E9%A2%91%2C%20x%25, unknown_model"
        );
        assert_eq!(warnings_header_value(&issues[1..2]), None);
        let many: Vec<Issue> = (0..40)
            .map(|_| Issue::warning("a", IssueCode::UnexpectedField, "x"))
            .collect();
        let value = warnings_header_value(&many).unwrap();
        assert!(value.ends_with(", +8 more"), "{value}");
        assert_eq!(value.matches("unexpected_field a").count(), 32);
    }

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
