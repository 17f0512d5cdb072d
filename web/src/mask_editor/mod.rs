//! The mask editor of local editing (`video_edit`): a canvas to paint the mask on a frame
//! of the input video.
//!
//! The local-editing form renders [`MaskEditorHook`] right after the mask fields
//! (`mask_image_url`, `mask_frame_id`). Its "Draw mask" button opens the editor on the chosen
//! video (local file or URL): a frame scrubber (`mask_frame_id`), the frame drawn under a
//! translucent overlay of the `wanedit_core::mask::MaskBitmap` (exactly the video's size),
//! brush / eraser / rectangle / lasso, invert, clear, undo/redo, zoom and pan. "Use mask"
//! exports the PNG ([`png::encode`], the same image as `MaskBitmap::to_png` without the
//! `png` crate) and hands it to the form like a chosen file
//! (`ui::actions::accept_file`: probe, `check_mask`, upload, URL filled in) and sets
//! `mask_frame_id`. Masks (with their undo history) stay in memory per video and frame, so
//! reopening the editor restores them.
//!
//! The plain logic builds natively and is unit tested: [`view`] (zoom/pan), [`keys`]
//! (shortcuts, tools, gestures), [`frames`] (scrubber math), [`png`] (the export). The
//! component is wasm-only.

#![cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]

pub mod frames;
pub mod keys;
pub mod png;
pub mod view;

#[cfg(target_arch = "wasm32")]
mod editor;

#[cfg(target_arch = "wasm32")]
pub use editor::MaskEditorHook;
