//! The six editing forms as plain data: which fields each operation has, what control each
//! field gets, the values a user entered ([`FormValues`]), the request body they make
//! ([`build_request`], through `wanedit-core`'s typed requests) and where each validation
//! [`Issue`](wanedit_core::Issue) belongs ([`issue_target`]).
//!
//! No rule and no list of allowed values lives here: the fields of each form (VACE and
//! Wan 2.7) come from `wanedit_core::model::fields`, the choices from the enumerations'
//! `ALL`, the ranges from `wanedit_core::model::limits`, and every check from
//! `wanedit_core::validate`.
//!
//! The shared field model is in [`op`](Op), `field`, `control`, `values`, `typed` (form text
//! to request types) and `issues`; `request` builds the body, with each operation's own part in
//! its file: `image_reference`, `video_repainting`, `video_edit`, `video_extension`,
//! `video_outpainting` and `wan27_edit`.

mod control;
mod field;
mod issues;
mod op;
mod request;
mod typed;
mod values;

mod image_reference;
mod video_edit;
mod video_extension;
mod video_outpainting;
mod video_repainting;
mod wan27_edit;

#[cfg(test)]
mod tests;

pub use control::{control, format_number, slider_value, Control};
pub use field::Field;
pub use issues::{check, issue_target, media_issues, Checked, LocalMedia, Target};
pub use op::Op;
pub use request::{build_request, region_of};
pub use values::{FormValues, MaskKind};
