//! The mask editor of local editing (`video_edit`): a canvas to paint the mask on a frame
//! of the input video.
//!
//! The local-editing form renders [`MaskEditorHook`] right after the mask fields
//! (`mask_image_url`, `mask_frame_id`). Its "Draw mask" button opens the editor on the chosen
//! video (local file or URL): a frame scrubber (`mask_frame_id`), the frame drawn under a
//! translucent overlay of the `wanedit_core::mask::MaskBitmap` (exactly the video's size),
//! brush / eraser / rectangle / lasso, invert, clear, undo/redo, zoom and pan. "Use mask"
//! exports the PNG (`MaskBitmap::to_png`, core's one PNG encoder) and hands it to the form
//! like a chosen file (the caller's `on_mask`: probe, `check_mask`, upload, URL filled in) and sets
//! `mask_frame_id`. A mask image is one mask per video (with its undo history, kept in memory,
//! so reopening the editor restores it): the scrubber only picks the frame it applies to, so
//! the drawing and `mask_frame_id` never drift apart unseen. An all-black mask is exported
//! only once the user confirms it, and its `mask_empty` error (`MaskBitmap::check`) then keeps
//! Submit disabled.
//!
//! The editor's state machine is the plain [`state::EditorState`] (tools, history, viewport,
//! gestures, export), built natively and unit tested with the other plain parts: [`view`] (zoom/pan),
//! [`keys`] (shortcuts, tools, gestures), [`frames`] (scrubber math).
//! The component (`editor.rs`) is only the wasm glue: DOM events in, canvas and signals out,
//! with the drawing in `dom.rs` and what it reads of the form in `input.rs`. Nothing here
//! imports the UI's components (`crate::ui`): the form's state comes from
//! [`crate::form_state`], the button label, the UI's strings and what to do with the mask
//! are passed in.

#![cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]

pub mod frames;
pub mod keys;
pub mod state;
pub mod view;

#[cfg(test)]
mod state_tests;

#[cfg(target_arch = "wasm32")]
mod dom;
#[cfg(target_arch = "wasm32")]
mod editor;
#[cfg(target_arch = "wasm32")]
mod input;

#[cfg(target_arch = "wasm32")]
pub use editor::MaskEditorHook;
