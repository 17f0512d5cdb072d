//! Rules of `wan2.7-videoedit`: one model, an `input.media` array.

use super::checker::{index, join, type_name, Checker};
use super::fields::UrlKind;
use crate::cat;
use crate::issue::IssueCode;
use crate::model::{limits, AudioSetting, MediaType, Ratio, Resolution};
use serde_json::{Map, Value};

use crate::model::fields::{WAN27_INPUT, WAN27_PARAMETERS};

impl Checker {
    /// Every wan2.7-videoedit rule.
    pub(crate) fn wan27(&mut self, body: &Map<String, Value>, model: &str) {
        let Some(input) = self.object(body, "", "input") else {
            if self.field(body, "input").is_none() {
                self.missing("input", "");
            }
            return;
        };
        // The documents: "使用统一模型,无需设置function 参数" (one model, no need to set
        // `function`). No need is not a refusal: the official Python SDK always sends
        // `input.function: "video-synthesis"` and `input.extend_prompt`, and DashScope takes
        // them, so they are unexpected fields (a warning) like any other.
        self.prompt(input, "prompt", limits::WAN27_PROMPT_CHARS, false, model);
        self.prompt(
            input,
            "negative_prompt",
            limits::NEGATIVE_PROMPT_CHARS,
            false,
            model,
        );
        self.unexpected_keys(input, "input", WAN27_INPUT, &[], model);
        self.media(input, model);

        if let Some(params) = self.object(body, "", "parameters") {
            self.unexpected_keys(params, "parameters", WAN27_PARAMETERS, &[], model);
            self.enumerated(
                params,
                "parameters",
                "resolution",
                Resolution::parse,
                Resolution::allowed(),
            );
            self.enumerated(
                params,
                "parameters",
                "ratio",
                Ratio::parse,
                Ratio::allowed(),
            );
            self.enumerated(
                params,
                "parameters",
                "audio_setting",
                AudioSetting::parse,
                AudioSetting::allowed(),
            );
            if let Some(d) = self.integer(params, "parameters", "duration") {
                let (lo, hi) = limits::WAN27_DURATION_RANGE_S;
                if d != 0 && !(lo..=hi).contains(&d) {
                    self.error(
                        "parameters.duration",
                        IssueCode::OutOfRange,
                        cat!(
                            "parameters.duration is ",
                            d,
                            "; allowed: 0 (keep the input's length) or ",
                            lo,
                            " to ",
                            hi,
                            " seconds"
                        ),
                    );
                }
            }
            self.seed(params);
            self.flags(params);
        }
    }

    fn media(&mut self, input: &Map<String, Value>, model: &str) {
        let Some(items) = self.array(input, "input", "media") else {
            if self.field(input, "media").is_none() {
                self.missing(
                    "input.media",
                    &cat!(
                        " for ",
                        model,
                        ": one {\"type\":\"video\",\"url\":...} item"
                    ),
                );
            }
            return;
        };
        let mut videos = Vec::new();
        let mut images = Vec::new();
        for (i, item) in items.iter().enumerate() {
            let path = index("input.media", i);
            let Value::Object(entry) = item else {
                self.error(
                    &path,
                    IssueCode::NotAnObject,
                    cat!(
                        path,
                        " must be an object {\"type\":...,\"url\":...}, not ",
                        type_name(item)
                    ),
                );
                continue;
            };
            let kind =
                self.enumerated(entry, &path, "type", MediaType::parse, MediaType::allowed());
            if kind.is_none() && self.field(entry, "type").is_none() {
                self.missing(
                    &join(&path, "type"),
                    &cat!(": one of ", MediaType::allowed()),
                );
            }
            let url_kind = match kind {
                Some(MediaType::ReferenceImage) => UrlKind::RemoteOrDataImage,
                _ => UrlKind::Remote,
            };
            if self.url_field(entry, &path, "url", url_kind).is_none()
                && self.field(entry, "url").is_none()
            {
                self.missing(&join(&path, "url"), "");
            }
            self.unexpected_keys(entry, &path, &["type", "url"], &[], model);
            match kind {
                Some(MediaType::Video) => videos.push(i),
                Some(MediaType::ReferenceImage) => images.push(i),
                None => {}
            }
        }
        if videos.is_empty() {
            self.error(
                "input.media",
                IssueCode::MissingField,
                cat!(
                    "input.media has no item of type \"video\"; ",
                    model,
                    " needs exactly one"
                ),
            );
        }
        if let Some(&extra) = videos.get(1) {
            self.surplus_media_item(
                extra,
                cat!(
                    " is a second \"video\": input.media has ",
                    videos.len(),
                    " videos; ",
                    model,
                    " takes exactly one"
                ),
            );
        }
        let max = limits::WAN27_MAX_REFERENCE_IMAGES;
        if let Some(&extra) = images.get(max) {
            self.surplus_media_item(
                extra,
                cat!(
                    " is reference image number ",
                    max + 1,
                    ": input.media has ",
                    images.len(),
                    " reference images; ",
                    model,
                    " takes at most ",
                    max
                ),
            );
        }
    }

    /// Points out item `i` of `input.media` as one too many, at its `type` (what makes it
    /// one too many); `why` follows the path in the message.
    fn surplus_media_item(&mut self, i: usize, why: String) {
        let path = join(&index("input.media", i), "type");
        self.error(&path, IssueCode::TooManyItems, cat!(path, why));
    }
}
