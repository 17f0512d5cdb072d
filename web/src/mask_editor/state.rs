//! The mask editor as a plain state type: the video being masked, the frame the mask applies
//! to (`mask_frame_id`), the mask (with its undo history), the tool and brush, the view (zoom
//! and pan) and the pointer gesture under way. [`EditorState`] knows nothing of the browser: the component
//! (`editor.rs`) turns DOM events into its methods and paints what they say changed, so
//! every rule of the editor is tested natively (`cargo test -p wanedit-web`).

use std::collections::HashMap;

use wanedit_core::mask::{step_brush_diameter, MaskBitmap, OverlayStyle, Point, Rect, Tool};
use wanedit_core::Issue;

use super::frames;
use super::keys::{Action, Gesture, ToolKind};
use super::view::{wheel_zoom_factor, View};
use crate::num::fixed;

/// The frame rate assumed when the video's is unknown (a URL the probe has not read).
pub const FALLBACK_FPS: f64 = 30.0;

/// The brush diameter (image pixels) the editor starts with.
pub const INITIAL_DIAMETER: u32 = 48;

/// The video being masked.
#[derive(Debug, Clone, PartialEq)]
pub struct Source {
    /// What its masks are stored under (the object URL of a local file, or the URL).
    pub key: String,
    /// What the `<video>` plays.
    pub url: String,
    /// Its exact size, when known (probed file, or the form's preview of a URL).
    pub size: Option<(u32, u32)>,
    /// Its frame rate, when known.
    pub fps: Option<f64>,
    /// Its length (s), when known.
    pub duration: Option<f64>,
}

/// The form path the mask image is checked at (its issues show at the mask field).
pub const MASK_PATH: &str = "input.mask_image_url";

/// Every mask drawn so far, with its history, by video ([`Source::key`]): closing the editor
/// or reopening it later restores it. A mask image is one mask whatever the frame: the frame
/// scrubber only picks the frame it applies to (`mask_frame_id`), so the drawing never drifts
/// apart from its frame unseen.
#[derive(Debug, Default)]
pub struct MaskStore {
    masks: HashMap<String, MaskBitmap>,
}

impl MaskStore {
    /// Keeps the mask of the video `key`.
    pub fn put(&mut self, key: String, mask: MaskBitmap) {
        self.masks.insert(key, mask);
    }

    /// Takes back the mask of the video `key`, if one was kept.
    pub fn take(&mut self, key: &str) -> Option<MaskBitmap> {
        self.masks.remove(key)
    }
}

/// What "Use mask" gives ([`EditorState::export`]).
#[derive(Debug, Clone, PartialEq)]
pub enum Export {
    /// No mask (the editor is not set up).
    NoMask,
    /// The mask edits nothing ([`wanedit_core::IssueCode::MaskEmpty`]): ask before exporting
    /// it; the issue says why.
    Confirm(Issue),
    /// The PNG to upload, the frame it applies to and the mask's content issues (the form
    /// shows them; an all-black mask exported anyway keeps Submit disabled).
    Png {
        /// The PNG.
        png: Vec<u8>,
        /// `mask_frame_id`.
        frame: u32,
        /// [`MaskBitmap::check`] at [`MASK_PATH`].
        issues: Vec<Issue>,
    },
}

/// What the pointer is doing.
#[derive(Debug, Clone, Default)]
struct Drag {
    gesture: Option<Gesture>,
    pointer: i32,
    erase: bool,
    start: (f64, f64),
    last_screen: (f64, f64),
    lasso: Vec<Point>,
}

/// How setting the editor up on a loaded video went ([`EditorState::init`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Init {
    /// No video was chosen ([`EditorState::open`] was not called).
    NoSource,
    /// Neither the form nor the `<video>` knows the video's size.
    UnknownSize,
    /// Ready to paint; `fps_assumed`: the frame rate is unknown, [`FALLBACK_FPS`] is used.
    Ready {
        /// Whether the frame rate was assumed.
        fps_assumed: bool,
    },
}

/// A pointer press that started a gesture ([`EditorState::pointer_down`]).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Started {
    /// What the first brush dab changed, to repaint.
    pub dirty: Option<Rect>,
}

/// A gesture that ended ([`EditorState::pointer_up`]).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Ended {
    /// What the gesture changed (a filled rectangle or lasso), to repaint.
    pub dirty: Option<Rect>,
}

/// What a pointer move changed ([`EditorState::pointer_move`]).
#[derive(Debug, Clone, PartialEq)]
pub enum Moved {
    /// Nothing (no gesture, another pointer, or a stroke that painted nothing new).
    Idle,
    /// The stroke painted this area of the mask.
    Dirty(Rect),
    /// The rectangle being dragged, in screen pixels: left, top, width, height.
    RectPreview((f64, f64, f64, f64)),
    /// The lasso so far, as SVG `points` in screen pixels.
    LassoPreview(String),
    /// The view was panned.
    Panned,
}

/// What the undo history and the mask look like (shown as data attributes).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct History {
    /// Steps that can be undone.
    pub undo_steps: usize,
    /// Steps that can be redone.
    pub redo_steps: usize,
    /// Bytes the history holds.
    pub history_bytes: usize,
    /// The edited (white) fraction of the mask.
    pub coverage: f64,
}

/// The editor's state: tools, history (in the mask) and viewport. See the module docs.
#[derive(Debug)]
pub struct EditorState {
    /// The video being masked.
    pub source: Option<Source>,
    /// The video's (and mask's) width.
    pub width: u32,
    /// The video's (and mask's) height.
    pub height: u32,
    /// The frame rate used for the frame scrubber.
    pub fps: f64,
    /// The video's length (s).
    pub duration: f64,
    /// The frame shown, which the mask applies to (`mask_frame_id`, from 1).
    pub frame: u32,
    /// The largest `mask_frame_id` of the video.
    pub max_frame: u32,
    /// The mask (one per video, whatever the frame).
    pub mask: Option<MaskBitmap>,
    /// Zoom and pan.
    pub view: View,
    /// The chosen tool.
    pub tool: ToolKind,
    /// The brush diameter (image pixels).
    pub diameter: u32,
    /// How the mask is drawn over the frame.
    pub style: OverlayStyle,
    drag: Drag,
    space: bool,
}

impl Default for EditorState {
    fn default() -> Self {
        Self {
            source: None,
            width: 0,
            height: 0,
            fps: FALLBACK_FPS,
            duration: 0.0,
            frame: 1,
            max_frame: 1,
            mask: None,
            view: View::default(),
            tool: ToolKind::Brush,
            diameter: INITIAL_DIAMETER,
            style: OverlayStyle::default(),
            drag: Drag::default(),
            space: false,
        }
    }
}

impl EditorState {
    /// Chooses the video to mask; returns whether it is the one already open (its `<video>`
    /// need not load again).
    pub fn open(&mut self, source: Source) -> bool {
        let same = self.source.as_ref() == Some(&source);
        self.source = Some(source);
        same
    }

    /// Sets the editor up once the video's metadata is known: its size (the form's, else the
    /// `<video>`'s), frame rate and length, the frame (`mask_frame_id` as the form has it)
    /// and the video's mask from `store`. The view is fitted by the caller, who knows the
    /// viewport.
    pub fn init(
        &mut self,
        video_size: (u32, u32),
        video_duration: f64,
        mask_frame_id: &str,
        store: &mut MaskStore,
    ) -> Init {
        let Some(src) = self.source.clone() else {
            return Init::NoSource;
        };
        let (w, h) = src
            .size
            .filter(|&(w, h)| w > 0 && h > 0)
            .unwrap_or(video_size);
        if w == 0 || h == 0 {
            return Init::UnknownSize;
        }
        self.width = w;
        self.height = h;
        self.fps = src.fps.filter(|f| *f > 0.0).unwrap_or(FALLBACK_FPS);
        self.duration = src.duration.filter(|d| *d > 0.0).unwrap_or(video_duration);
        self.max_frame = frames::max_frame_id(self.fps, self.duration);
        self.frame = frames::parse_frame(mask_frame_id, self.max_frame);
        self.load_mask(store);
        Init::Ready {
            fps_assumed: src.fps.is_none(),
        }
    }

    /// Keeps the current mask in `store` (its stroke ended), e.g. when the editor closes.
    pub fn store_mask(&mut self, store: &mut MaskStore) {
        if let (Some(mut mask), Some(src)) = (self.mask.take(), self.source.as_ref()) {
            mask.end_stroke();
            store.put(src.key.clone(), mask);
        }
    }

    /// Loads the video's mask from `store`, or a blank one of the video's size.
    fn load_mask(&mut self, store: &mut MaskStore) {
        let Some(src) = self.source.as_ref() else {
            return;
        };
        let (w, h) = (self.width, self.height);
        self.mask = store
            .take(&src.key)
            .filter(|m| m.width() == w && m.height() == h)
            .or_else(|| MaskBitmap::new(w, h).ok());
    }

    /// Shows frame `target` (kept within 1 ..= the last frame), the frame the mask applies
    /// to; the mask and its history stay as drawn (a gesture under way ends first). Returns
    /// whether the frame changed (it must be seeked to).
    pub fn go_to_frame(&mut self, target: u32) -> bool {
        let target = target.clamp(1, self.max_frame.max(1));
        if target == self.frame {
            return false;
        }
        if let Some(m) = self.mask.as_mut() {
            m.end_stroke();
        }
        self.drag = Drag::default();
        self.frame = target;
        true
    }

    /// The frame `delta` frames away from the current one, within the video.
    pub fn frame_step(&self, delta: i64) -> u32 {
        frames::step(self.frame, delta, self.max_frame)
    }

    /// Chooses a tool.
    pub fn set_tool(&mut self, tool: ToolKind) {
        self.tool = tool;
    }

    /// Makes the brush one step larger or smaller; returns the new diameter.
    pub fn step_diameter(&mut self, larger: bool) -> u32 {
        self.diameter = step_brush_diameter(self.diameter, larger);
        self.diameter
    }

    /// Applies an edit of the whole mask or its history ([`Action::Invert`],
    /// [`Action::Clear`], [`Action::Undo`], [`Action::Redo`]; other actions do nothing
    /// here). Returns the area to repaint.
    pub fn edit(&mut self, action: Action) -> Option<Rect> {
        let m = self.mask.as_mut()?;
        match action {
            Action::Invert => m.invert(),
            Action::Clear => m.clear(),
            Action::Undo => m.undo(),
            Action::Redo => m.redo(),
            _ => None,
        }
    }

    /// The undo history and coverage of the current mask.
    pub fn history(&self) -> Option<History> {
        self.mask.as_ref().map(|m| History {
            undo_steps: m.undo_steps(),
            redo_steps: m.redo_steps(),
            history_bytes: m.history_bytes(),
            coverage: m.coverage(),
        })
    }

    /// Fits the whole image into a `viewport_w` × `viewport_h` viewport.
    pub fn fit(&mut self, viewport_w: f64, viewport_h: f64) {
        self.view = View::fit(self.width, self.height, viewport_w, viewport_h);
    }

    /// Zooms for one wheel event (`delta` and `delta_mode` as the browser gives them) towards
    /// the screen point (`sx`, `sy`).
    pub fn wheel_zoom(&mut self, delta: f64, delta_mode: u32, sx: f64, sy: f64) {
        self.view
            .zoom_at(wheel_zoom_factor(delta, delta_mode), sx, sy);
    }

    /// Whether Space is held (a drag then pans, whatever the tool).
    pub fn set_space(&mut self, held: bool) {
        self.space = held;
    }

    /// Sets how the mask is drawn over the frame (the caller repaints it all).
    pub fn set_style(&mut self, style: OverlayStyle) {
        self.style = style;
    }

    /// A pointer press at screen point (`sx`, `sy`) with `button` (Alt: erase). Starts the
    /// gesture the tool, Space and the button call for, unless one is under way; a brush or
    /// eraser stroke paints its first dab at once.
    pub fn pointer_down(
        &mut self,
        sx: f64,
        sy: f64,
        pointer: i32,
        button: i16,
        alt: bool,
    ) -> Option<Started> {
        if self.drag.gesture.is_some() {
            return None;
        }
        let g = super::keys::gesture_for(self.tool, self.space, button)?;
        let (ix, iy) = self.view.to_image(sx, sy);
        self.drag = Drag {
            gesture: Some(g),
            pointer,
            erase: alt,
            start: (ix, iy),
            last_screen: (sx, sy),
            lasso: vec![image_point(ix, iy)],
        };
        let mut dirty = None;
        if g == Gesture::Stroke {
            let t = if self.tool == ToolKind::Eraser {
                Tool::Eraser
            } else {
                Tool::Brush
            };
            let d = self.diameter;
            if let Some(m) = self.mask.as_mut() {
                dirty = m.begin_stroke(t, d, image_point(ix, iy));
            }
        }
        Some(Started { dirty })
    }

    /// A pointer move to screen point (`sx`, `sy`); `samples` gives every screen position of
    /// the move (the browser's coalesced events), read only by strokes and lassos.
    pub fn pointer_move(
        &mut self,
        pointer: i32,
        sx: f64,
        sy: f64,
        samples: impl FnOnce() -> Vec<(f64, f64)>,
    ) -> Moved {
        let Some(g) = self.drag.gesture else {
            return Moved::Idle;
        };
        if pointer != self.drag.pointer {
            return Moved::Idle;
        }
        match g {
            Gesture::Stroke => {
                let mut dirty: Option<Rect> = None;
                if let Some(m) = self.mask.as_mut() {
                    for (x, y) in samples() {
                        let (ix, iy) = self.view.to_image(x, y);
                        if let Some(r) = m.extend_stroke(image_point(ix, iy)) {
                            dirty = Some(dirty.map_or(r, |d| d.union(&r)));
                        }
                    }
                }
                dirty.map_or(Moved::Idle, Moved::Dirty)
            }
            Gesture::Rect => {
                let (ax, ay) = self.view.to_screen(self.drag.start.0, self.drag.start.1);
                Moved::RectPreview((ax.min(sx), ay.min(sy), (sx - ax).abs(), (sy - ay).abs()))
            }
            Gesture::Lasso => {
                for (x, y) in samples() {
                    let (ix, iy) = self.view.to_image(x, y);
                    self.drag.lasso.push(image_point(ix, iy));
                }
                let pts: Vec<String> = self
                    .drag
                    .lasso
                    .iter()
                    .map(|p| {
                        let (x, y) = self.view.to_screen(f64::from(p.x), f64::from(p.y));
                        format!("{},{}", fixed(x, 1), fixed(y, 1))
                    })
                    .collect();
                Moved::LassoPreview(pts.join(" "))
            }
            Gesture::Pan => {
                let (lx, ly) = self.drag.last_screen;
                self.view.pan_by(sx - lx, sy - ly);
                self.drag.last_screen = (sx, sy);
                Moved::Panned
            }
        }
    }

    /// A pointer release (or cancel) at screen point (`sx`, `sy`): ends the gesture of that
    /// pointer; a rectangle or lasso fills its area (Alt when it started: erases it).
    pub fn pointer_up(&mut self, pointer: i32, sx: f64, sy: f64) -> Option<Ended> {
        let g = self.drag.gesture?;
        if pointer != self.drag.pointer {
            return None;
        }
        let drag = std::mem::take(&mut self.drag);
        let t = if drag.erase {
            Tool::Eraser
        } else {
            Tool::Brush
        };
        let view = self.view;
        let dirty = self.mask.as_mut().and_then(|m| match g {
            Gesture::Stroke => {
                m.end_stroke();
                None
            }
            Gesture::Rect => {
                let (ix, iy) = view.to_image(sx, sy);
                let a = image_point(drag.start.0, drag.start.1);
                m.fill_rect(Rect::from_drag(a, image_point(ix, iy)), t)
            }
            Gesture::Lasso => m.fill_polygon(&drag.lasso, t),
            Gesture::Pan => None,
        });
        Some(Ended { dirty })
    }

    /// The mask as the PNG to upload, with the frame it applies to. An all-black mask is
    /// exported only once the user has confirmed it (`empty_confirmed`): it edits nothing.
    pub fn export(&self, empty_confirmed: bool) -> Export {
        let Some(m) = self.mask.as_ref() else {
            return Export::NoMask;
        };
        let issues = m.check(MASK_PATH);
        if !empty_confirmed {
            if let Some(empty) = issues
                .iter()
                .find(|i| i.code == wanedit_core::IssueCode::MaskEmpty)
            {
                return Export::Confirm(empty.clone());
            }
        }
        let Ok(png) = m.to_png() else {
            return Export::NoMask;
        };
        Export::Png {
            png,
            frame: self.frame,
            issues,
        }
    }
}

/// A point of the mask from image coordinates.
fn image_point(x: f64, y: f64) -> Point {
    Point::new(x as f32, y as f32)
}

/// The overlay style of the colour picker's `#rrggbb` (red when unreadable) and the opacity
/// slider's percentage.
pub fn overlay_style(hex: &str, opacity_percent: u32) -> OverlayStyle {
    let rgb = u32::from_str_radix(hex.trim_start_matches('#'), 16).unwrap_or(0xff0000);
    OverlayStyle {
        colour: [(rgb >> 16) as u8, (rgb >> 8) as u8, rgb as u8],
        opacity: (opacity_percent.min(100) * 255 / 100) as u8,
    }
}

/// The box of the round brush outline under the pointer at screen point `cursor`, in screen
/// pixels (left, top, width, height; `None`: hidden, the pointer is away or the tool has no
/// brush): the brush's size on screen, at least 3 px. Set through the CSSOM (`dom::place`),
/// not a `style` attribute, so a strict Content-Security-Policy needs no `'unsafe-inline'`.
pub fn brush_cursor_box(
    cursor: Option<(f64, f64)>,
    tool: ToolKind,
    diameter: u32,
    zoom: f64,
) -> Option<(f64, f64, f64, f64)> {
    let (x, y) = cursor?;
    if !tool.uses_brush() {
        return None;
    }
    let d = (f64::from(diameter) * zoom).max(3.0);
    Some((x - d / 2.0, y - d / 2.0, d, d))
}

/// A screen length for CSS, to a tenth of a pixel (`"88.0px"`).
pub fn px(v: f64) -> String {
    let mut out = fixed(v, 1);
    out.push_str("px");
    out
}
