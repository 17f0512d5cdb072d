//! The rule on a mask's content, for masks whose pixels the caller can see (drawn in an
//! editor, or a PNG read back): white marks what `video_edit` edits, so an all-black mask
//! edits nothing ([`IssueCode::MaskEmpty`], an error: the task would be paid for) and an
//! all-white one regenerates the whole frame ([`IssueCode::MaskFull`], a warning).

use super::MaskBitmap;
use crate::cat;
use crate::issue::{Issue, IssueCode};

/// The issues of a mask with `white` edited pixels out of `total`, reported at `path`
/// (`input.mask_image_url`): [`IssueCode::MaskEmpty`] (error) when none is edited,
/// [`IssueCode::MaskFull`] (warning) when all are. Nothing for an empty image (`total` 0:
/// its size is another rule's business).
pub fn check_mask_pixels(white: u64, total: u64, path: &str) -> Vec<Issue> {
    if total == 0 {
        return Vec::new();
    }
    if white == 0 {
        return vec![Issue::error(
            path,
            IssueCode::MaskEmpty,
            cat!(
                path,
                ": the mask is all black, so it edits nothing (white marks the area to edit); paint the area to edit"
            ),
        )];
    }
    if white >= total {
        return vec![Issue::warning(
            path,
            IssueCode::MaskFull,
            cat!(
                path,
                ": the mask is all white, so the whole frame is edited; black marks the area to keep"
            ),
        )];
    }
    Vec::new()
}

impl MaskBitmap {
    /// [`check_mask_pixels`] on this mask.
    pub fn check(&self, path: &str) -> Vec<Issue> {
        check_mask_pixels(self.white_pixels(), self.bounds().area(), path)
    }
}
