//! Where each validation [`Issue`] is shown ([`issue_target`]), the checks of local files
//! ([`media_issues`]) and the whole check of a form ([`check`]).

use serde_json::Value;
use wanedit_core::media::{
    check_extension_clips, check_mask, check_mask_frame_id, check_media, MediaInfo,
};
use wanedit_core::region::Region;
use wanedit_core::validate::validate_for_region;
use wanedit_core::{Family, Issue};

use super::typed::typed;
use super::{build_request, Field, FormValues, MaskKind, Op};

/// Where an issue is shown: a field, and for lists the item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Target {
    /// The field.
    pub field: Field,
    /// The list item (reference image, role), if the issue is about one.
    pub index: Option<usize>,
}

/// The field an issue path (`input.ref_images_url[1]`, `parameters.seed`,
/// `input.media[0].url`) belongs to in the form of `op`. Paths no field owns go to
/// [`Field::General`].
pub fn issue_target(op: Op, path: &str) -> Target {
    let general = Target {
        field: Field::General,
        index: None,
    };
    if path == "model" {
        return Target {
            field: Field::Model,
            index: None,
        };
    }
    let (section, rest) = match path.split_once('.') {
        Some((s, r)) => (s, r),
        None if path == "parameters" => {
            // A missing `parameters` object: the field it must hold.
            let field = if op == Op::VideoRepainting {
                Field::ControlCondition
            } else {
                Field::General
            };
            return Target { field, index: None };
        }
        None => return general,
    };
    // The first segment below the section, and its index if any: `ref_images_url[1]`.
    let head = rest.split('.').next().unwrap_or(rest);
    let (name, index) = match head.split_once('[') {
        Some((n, i)) => (n, i.trim_end_matches(']').parse::<usize>().ok()),
        None => (head, None),
    };
    let family = op.family();
    if section == "input" && name == "media" && family == Family::VideoEdit27 {
        return match index {
            Some(0) | None => Target {
                field: Field::Video27,
                index: None,
            },
            Some(i) => Target {
                field: Field::RefImages27,
                index: Some(i - 1),
            },
        };
    }
    let Some(field) = Field::from_api_name(family, name) else {
        return general;
    };
    let in_input = section == "input";
    if in_input != field.is_input() || !op.fields().contains(&field) {
        return general;
    }
    let index = index.filter(|_| matches!(field, Field::RefImages | Field::ObjOrBg));
    Target { field, index }
}

/// A probed local file of a form, for the checks that need the file itself.
#[derive(Debug, Clone, PartialEq)]
pub struct LocalMedia {
    /// The field.
    pub field: Field,
    /// The reference image index, for lists.
    pub index: Option<usize>,
    /// What the file is.
    pub info: MediaInfo,
}

/// Every documented rule about the files themselves: each file against its role
/// (`check_media` with `MediaRole::for_field`), the mask against the video (`check_mask`,
/// `check_mask_frame_id`) and the two extension clips together (`check_extension_clips`).
pub fn media_issues(op: Op, values: &FormValues, files: &[LocalMedia]) -> Vec<Issue> {
    let family = op.family();
    let mut out = Vec::new();
    let find = |field: Field| files.iter().find(|m| m.field == field && m.index.is_none());
    for file in files {
        if !op.fields().contains(&file.field) {
            continue;
        }
        let path = file.field.path(file.index);
        if file.field == Field::MaskImageUrl {
            if let Some(video) = find(Field::VideoUrl) {
                out.extend(check_mask(&file.info, &video.info, &path));
                continue;
            }
        }
        if let Some(role) = file.field.media_role(family) {
            out.extend(check_media(&file.info, role, &path));
        }
    }
    if op == Op::VideoEdit && values.mask_kind == MaskKind::Image {
        if let (Some(video), Ok(Some(frame))) = (
            find(Field::VideoUrl),
            typed::<i64>(values.number(Field::MaskFrameId)),
        ) {
            out.extend(check_mask_frame_id(frame, &video.info));
        }
    }
    if op == Op::VideoExtension {
        if let (Some(first), Some(last)) = (find(Field::FirstClipUrl), find(Field::LastClipUrl)) {
            out.extend(check_extension_clips(&first.info, &last.info));
        }
    }
    out
}

/// The result of checking a form: the body and every issue (request rules, region spelling,
/// local files).
#[derive(Debug, Clone, PartialEq)]
pub struct Checked {
    /// The create-task body.
    pub body: Value,
    /// All issues.
    pub issues: Vec<Issue>,
}

impl Checked {
    /// Whether any issue is an error (Submit stays disabled).
    pub fn has_errors(&self) -> bool {
        self.issues.iter().any(Issue::is_error)
    }

    /// The issues shown at `target`.
    pub fn issues_at(&self, op: Op, target: Target) -> Vec<&Issue> {
        self.issues
            .iter()
            .filter(|i| issue_target(op, &i.path) == target)
            .collect()
    }

    /// The issues of a field, any item.
    pub fn issues_of(&self, op: Op, field: Field) -> Vec<&Issue> {
        self.issues
            .iter()
            .filter(|i| issue_target(op, &i.path).field == field)
            .collect()
    }
}

/// Builds the body of `op` and runs every check on it (`validate_for_region` and
/// [`media_issues`]).
pub fn check(op: Op, values: &FormValues, region: &Region, files: &[LocalMedia]) -> Checked {
    let body = build_request(op, values, region);
    let mut issues = validate_for_region(&body, region);
    issues.extend(media_issues(op, values, files));
    Checked { body, issues }
}
