//! [`FormValues`]: what a user entered in one form, as typed.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use wanedit_core::model::ObjOrBg;

use super::{Field, Op};

/// Which mask local editing sends.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MaskKind {
    /// `mask_image_url` (+ `mask_frame_id`), the recommended one.
    #[default]
    Image,
    /// `mask_video_url`.
    Video,
}

/// What a user entered in one form. Empty or absent values are not sent (the documented
/// default applies); numbers are kept as typed, so an out-of-range value reaches validation
/// and is reported beside its field instead of being silently changed.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct FormValues {
    /// `input.prompt`.
    #[serde(default)]
    pub prompt: String,
    /// `input.negative_prompt`.
    #[serde(default)]
    pub negative_prompt: String,
    /// Single media URLs by field.
    #[serde(default)]
    pub urls: BTreeMap<Field, String>,
    /// Reference image URLs, in order (`ref_images_url` or the Wan 2.7 reference images).
    #[serde(default)]
    pub refs: Vec<String>,
    /// The role of each reference image (`obj_or_bg`), parallel to `refs`.
    #[serde(default)]
    pub roles: Vec<ObjOrBg>,
    /// Local editing: which mask is sent.
    #[serde(default)]
    pub mask_kind: MaskKind,
    /// Enumerations by field (API spelling; empty: default).
    #[serde(default)]
    pub choices: BTreeMap<Field, String>,
    /// Numbers by field, as typed (empty: default).
    #[serde(default)]
    pub numbers: BTreeMap<Field, String>,
    /// Booleans by field (absent: default).
    #[serde(default)]
    pub flags: BTreeMap<Field, bool>,
}

impl FormValues {
    /// A URL (empty when not set).
    pub fn url(&self, field: Field) -> &str {
        self.urls.get(&field).map(String::as_str).unwrap_or("")
    }

    /// A choice (empty when not set).
    pub fn choice(&self, field: Field) -> &str {
        self.choices.get(&field).map(String::as_str).unwrap_or("")
    }

    /// A number as typed (empty when not set).
    pub fn number(&self, field: Field) -> &str {
        self.numbers.get(&field).map(String::as_str).unwrap_or("")
    }

    /// Sets a number as typed; a blank one is removed, so it sends nothing (the documented
    /// default applies).
    pub fn set_number(&mut self, field: Field, text: String) {
        if text.trim().is_empty() {
            self.numbers.remove(&field);
        } else {
            self.numbers.insert(field, text);
        }
    }

    /// Sets the URL of a single media field, or of reference image `index`.
    pub fn set_media(&mut self, field: Field, index: Option<usize>, url: String) {
        match index {
            Some(i) if field.is_media_list() => {
                if i >= self.refs.len() {
                    self.refs.resize(i + 1, String::new());
                }
                self.refs[i] = url;
                self.sync_roles();
            }
            _ => {
                self.urls.insert(field, url);
            }
        }
    }

    /// The URL of a single media field, or of reference image `index`.
    pub fn media(&self, field: Field, index: Option<usize>) -> &str {
        match index {
            Some(i) if field.is_media_list() => self.refs.get(i).map(String::as_str).unwrap_or(""),
            _ => self.url(field),
        }
    }

    /// Adds an empty reference image slot.
    pub fn add_ref(&mut self) {
        self.refs.push(String::new());
        self.sync_roles();
    }

    /// Removes reference image `index`.
    pub fn remove_ref(&mut self, index: usize) {
        if index < self.refs.len() {
            self.refs.remove(index);
            if index < self.roles.len() {
                self.roles.remove(index);
            }
        }
        self.sync_roles();
    }

    /// Keeps one role per reference image (new images are entities, `obj`).
    fn sync_roles(&mut self) {
        self.roles.resize(self.refs.len(), ObjOrBg::Obj);
    }

    /// Values for `op` with a result video as its input ("use as input"): the video field
    /// the operation reads first. `None` when the operation takes no video.
    pub fn with_input_video(op: Op, url: &str) -> Option<FormValues> {
        let field = match op {
            Op::VideoRepainting | Op::VideoEdit | Op::VideoOutpainting => Field::VideoUrl,
            Op::VideoExtension => Field::FirstClipUrl,
            Op::Wan27Edit => Field::Video27,
            Op::ImageReference => return None,
        };
        let mut values = FormValues::default();
        values.urls.insert(field, url.to_string());
        Some(values)
    }
}
