//! The mask bitmap for local editing (`video_edit`).
//!
//! DashScope's `video_edit` takes a mask image exactly the size of the input video: white
//! (255) where the video is edited, black (0) where it is kept, drawn on frame
//! `mask_frame_id` (1-based). [`MaskBitmap`] is that image plus everything a canvas editor
//! needs to draw it:
//!
//! - **Only 0 and 255, ever.** Every tool fills whole pixels by their centre (no
//!   anti-aliasing), imports are thresholded, and export writes an 8-bit greyscale PNG of
//!   exactly `width × height`.
//! - **Strokes** ([`begin_stroke`](MaskBitmap::begin_stroke) /
//!   [`extend_stroke`](MaskBitmap::extend_stroke) / [`end_stroke`](MaskBitmap::end_stroke))
//!   sweep a round brush along the segment between consecutive pointer samples, so there are
//!   no gaps however fast the pointer moves. The brush goes down to 1 px; the eraser is the
//!   same stroke painting black. Each call returns the dirty rectangle to redraw.
//! - **Content rule**: [`check_mask_pixels`] / [`MaskBitmap::check`]: all black is an
//!   error (it edits nothing), all white a warning.
//! - **Shapes**: rectangle, lasso (nonzero winding), invert, clear, and "fill bounding box".
//! - **Undo/redo** stores only the pixels each edit toggled, run-length encoded, within a
//!   byte budget and step limit ([`HistoryLimits`]); a stroke is one step.
//! - **Preview**: [`render_overlay`](MaskBitmap::render_overlay) tints just a dirty rectangle
//!   of an RGBA buffer, so a canvas redraws only what changed.
//!
//! Points are `f32` image coordinates: the canvas undoes its own zoom and pan first, and can
//! step brush sizes with [`step_brush_diameter`].

mod check;
mod geometry;
mod history;
mod overlay;
mod png_io;
mod raster;

pub use check::check_mask_pixels;
pub use geometry::{Point, Rect};
pub use history::HistoryLimits;
pub use overlay::OverlayStyle;

use history::{History, PendingEdit};
use raster::{Capsule, HalfPoint};

use crate::CoreError;

/// Largest mask side in pixels (8K video is 7680 × 4320).
pub const MAX_SIDE: u32 = 8192;

/// Largest brush diameter in pixels; larger requests are clamped to it.
pub const MAX_BRUSH_DIAMETER: u32 = 2048;

/// The brush diameters the size keys step through: every pixel size up to 6, then steps of
/// roughly a quarter, so each key press changes the brush visibly but not wildly.
pub const BRUSH_DIAMETERS: [u32; 39] = [
    1, 2, 3, 4, 5, 6, 8, 10, 12, 14, 16, 20, 24, 28, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160,
    192, 224, 256, 320, 384, 448, 512, 640, 768, 896, 1024, 1280, 1536, 1792, 2048,
];

/// The next brush diameter up (`larger`) or down from `diameter` in [`BRUSH_DIAMETERS`]
/// (for the `]` and `[` keys); stays within 1 ..= [`MAX_BRUSH_DIAMETER`].
pub fn step_brush_diameter(diameter: u32, larger: bool) -> u32 {
    if larger {
        BRUSH_DIAMETERS
            .into_iter()
            .find(|&d| d > diameter)
            .unwrap_or(MAX_BRUSH_DIAMETER)
    } else {
        BRUSH_DIAMETERS
            .into_iter()
            .rev()
            .find(|&d| d < diameter)
            .unwrap_or(1)
    }
}

/// What an edit paints: the brush marks pixels as edited (white), the eraser as kept (black).
/// Rectangles and lassos take a tool too: with the eraser they erase their area.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Tool {
    /// Paints 255: the video is edited here.
    Brush,
    /// Paints 0: the video is kept here.
    Eraser,
}

impl Tool {
    /// The pixel value this tool paints.
    pub const fn value(self) -> u8 {
        match self {
            Tool::Brush => 255,
            Tool::Eraser => 0,
        }
    }
}

/// The stroke being drawn between `begin_stroke` and `end_stroke`.
#[derive(Debug, Clone, Copy)]
struct Stroke {
    tool: Tool,
    diameter: u32,
    last: HalfPoint,
}

/// A binary mask at the video's exact resolution: one byte per pixel, only 0 or 255.
///
/// Memory: `width × height` bytes for the mask, the same again as scratch for the edit in
/// progress (allocated at the first edit), plus the undo history
/// ([`history_bytes`](Self::history_bytes), bounded by [`HistoryLimits`]).
#[derive(Debug)]
pub struct MaskBitmap {
    width: u32,
    height: u32,
    pixels: Vec<u8>,
    pending: PendingEdit,
    history: History,
    stroke: Option<Stroke>,
}

impl MaskBitmap {
    /// An all-black (nothing edited) mask of `width` × `height`, with default history limits.
    ///
    /// Fails with [`CoreError::Image`] if a side is 0 or larger than [`MAX_SIDE`].
    pub fn new(width: u32, height: u32) -> Result<Self, CoreError> {
        if !(1..=MAX_SIDE).contains(&width) || !(1..=MAX_SIDE).contains(&height) {
            return Err(CoreError::Image(format!(
                "mask size {width}x{height} outside 1..={MAX_SIDE} per side"
            )));
        }
        Ok(Self {
            width,
            height,
            pixels: vec![0; width as usize * height as usize],
            pending: PendingEdit::default(),
            history: History::default(),
            stroke: None,
        })
    }

    /// A mask read from a PNG that must be exactly `width` × `height` (the video's size);
    /// see [`import_png`](Self::import_png) for how pixels are thresholded. No history.
    pub fn from_png(png: &[u8], width: u32, height: u32) -> Result<Self, CoreError> {
        let mut mask = Self::new(width, height)?;
        png_io::decode_png(png, width, height, &mut mask.pixels)?;
        Ok(mask)
    }

    /// Width in pixels (the video's width).
    pub fn width(&self) -> u32 {
        self.width
    }

    /// Height in pixels (the video's height).
    pub fn height(&self) -> u32 {
        self.height
    }

    /// The whole image as a rectangle.
    pub fn bounds(&self) -> Rect {
        Rect::new(0, 0, self.width, self.height)
    }

    /// The pixels, row by row, one byte each: 0 (kept) or 255 (edited).
    pub fn pixels(&self) -> &[u8] {
        &self.pixels
    }

    /// Whether pixel `(x, y)` is edited (white); `false` outside the image.
    pub fn get(&self, x: u32, y: u32) -> bool {
        self.bounds().contains(x, y) && self.pixels[self.index(x, y)] != 0
    }

    fn index(&self, x: u32, y: u32) -> usize {
        y as usize * self.width as usize + x as usize
    }

    // ----- strokes -------------------------------------------------------------------------

    /// Starts a stroke of `tool` with a round brush `diameter` pixels wide (clamped to
    /// 1 ..= [`MAX_BRUSH_DIAMETER`]) and stamps it at `point`; returns the dirty rectangle.
    ///
    /// Odd diameters centre on the pixel under the point, even ones on the nearest pixel
    /// corner, so a stamp is always the same symmetric disc, exactly `diameter` pixels across:
    /// a pixel is painted iff its centre is within `diameter / 2` of the (snapped) centre.
    /// A stroke still in progress is ended first. Nothing happens for a NaN/infinite point.
    pub fn begin_stroke(&mut self, tool: Tool, diameter: u32, point: Point) -> Option<Rect> {
        self.end_stroke();
        let diameter = diameter.clamp(1, MAX_BRUSH_DIAMETER);
        let centre = raster::snap_brush_centre(point, diameter)?;
        self.stroke = Some(Stroke {
            tool,
            diameter,
            last: centre,
        });
        self.paint_capsule(Capsule::new(centre, centre, diameter), tool)
    }

    /// Continues the stroke to `point`: paints every pixel whose centre is within the radius
    /// of the segment from the previous point, so fast pointer moves leave no gaps. Returns
    /// the dirty rectangle, or `None` if there is no stroke, the point is not finite, or the
    /// brush did not move (or painted only outside the image).
    pub fn extend_stroke(&mut self, point: Point) -> Option<Rect> {
        let stroke = self.stroke.as_mut()?;
        let centre = raster::snap_brush_centre(point, stroke.diameter)?;
        if centre == stroke.last {
            return None;
        }
        let capsule = Capsule::new(stroke.last, centre, stroke.diameter);
        stroke.last = centre;
        let tool = stroke.tool;
        self.paint_capsule(capsule, tool)
    }

    /// Ends the stroke, making it one undo step. Returns whether it changed the mask (a
    /// stroke that changed nothing records no step and keeps the redo list).
    pub fn end_stroke(&mut self) -> bool {
        self.stroke.take().is_some() && self.commit()
    }

    /// Whether a stroke is in progress.
    pub fn is_stroking(&self) -> bool {
        self.stroke.is_some()
    }

    fn paint_capsule(&mut self, capsule: Capsule, tool: Tool) -> Option<Rect> {
        let mut dirty = Rect::default();
        capsule.for_each_span(self.width, self.height, |row, x0, x1| {
            dirty = dirty.union(&self.fill_span(row, x0, x1, tool.value()));
        });
        (!dirty.is_empty()).then_some(dirty)
    }

    // ----- shapes --------------------------------------------------------------------------

    /// Fills (brush) or erases (eraser) `rect`, clipped to the image; one undo step.
    /// Returns the dirty rectangle. See [`Rect::from_drag`] for a rectangle drag.
    pub fn fill_rect(&mut self, rect: Rect, tool: Tool) -> Option<Rect> {
        self.end_stroke();
        let rect = rect.intersect(&self.bounds());
        for row in rect.y..rect.bottom() {
            self.fill_span(row, rect.x, rect.right(), tool.value());
        }
        self.finish_shape(rect)
    }

    /// Fills (brush) or erases (eraser) the closed polygon through `points` (a lasso); one
    /// undo step. Returns the dirty rectangle, `None` with fewer than three finite points.
    ///
    /// A pixel is inside iff its centre is, under the **nonzero winding rule**: a hand-drawn
    /// lasso that crosses itself or loops twice around an area fills all of it rather than
    /// leaving even-odd holes. Left/top edges are inclusive, right/bottom exclusive, so two
    /// lassos sharing an edge never both claim a pixel on it.
    pub fn fill_polygon(&mut self, points: &[Point], tool: Tool) -> Option<Rect> {
        self.end_stroke();
        let mut dirty = Rect::default();
        raster::polygon_spans(points, self.width, self.height, |row, x0, x1| {
            dirty = dirty.union(&self.fill_span(row, x0, x1, tool.value()));
        });
        self.finish_shape(dirty)
    }

    /// Swaps edited and kept everywhere; one undo step. Returns the whole image as dirty.
    pub fn invert(&mut self) -> Option<Rect> {
        self.end_stroke();
        let bounds = self.bounds();
        for row in 0..self.height {
            self.edit_span(row, 0, self.width, |line| {
                line.iter_mut().for_each(|p| *p ^= 0xFF)
            });
        }
        self.finish_shape(bounds)
    }

    /// Makes everything kept (black); one undo step. Returns the area that was edited, or
    /// `None` if the mask was already blank.
    pub fn clear(&mut self) -> Option<Rect> {
        let area = self.bounding_box()?;
        self.fill_rect(area, Tool::Eraser)
    }

    /// Replaces the mask with its filled bounding box (box masks track better in VACE); one
    /// undo step. Returns the box, or `None` if the mask is blank.
    pub fn fill_bounding_box(&mut self) -> Option<Rect> {
        let area = self.bounding_box()?;
        self.fill_rect(area, Tool::Brush)
    }

    // ----- import / export -----------------------------------------------------------------

    /// Replaces the mask with a PNG of the video's size; one undo step.
    ///
    /// Any colour type and bit depth is read (grey, grey + alpha, RGB, RGBA, palette, 1 to 16
    /// bits). A pixel is white iff its luminance `0.299 R + 0.587 G + 0.114 B` (on 8 bits),
    /// composited over black by its alpha, is at least 128: alpha 0 is always black.
    /// Fails with [`CoreError::SizeMismatch`] if the size differs, [`CoreError::Image`] if
    /// the PNG cannot be decoded; the mask is unchanged on failure. Returns the dirty
    /// rectangle (`None` if the PNG equals the mask).
    pub fn import_png(&mut self, png: &[u8]) -> Result<Option<Rect>, CoreError> {
        let mut decoded = vec![0; self.pixels.len()];
        png_io::decode_png(png, self.width, self.height, &mut decoded)?;
        Ok(self.replace_pixels(&decoded))
    }

    /// Replaces the mask with raw RGBA bytes of a `width` × `height` image (what a canvas's
    /// `getImageData` gives), thresholded like [`import_png`](Self::import_png); one undo step.
    ///
    /// Fails with [`CoreError::SizeMismatch`] if the size differs from the mask's and with
    /// [`CoreError::Image`] if `rgba` is not `width × height × 4` bytes.
    pub fn import_rgba(
        &mut self,
        rgba: &[u8],
        width: u32,
        height: u32,
    ) -> Result<Option<Rect>, CoreError> {
        let mut decoded = vec![0; self.pixels.len()];
        png_io::decode_rgba(rgba, width, height, (self.width, self.height), &mut decoded)?;
        Ok(self.replace_pixels(&decoded))
    }

    /// The mask as an 8-bit greyscale PNG of exactly `width × height`, pixels 0 and 255 only:
    /// the `mask` image `video_edit` expects. A stroke in progress is included as drawn so far.
    pub fn to_png(&self) -> Result<Vec<u8>, CoreError> {
        png_io::encode_png(&self.pixels, self.width, self.height)
    }

    fn replace_pixels(&mut self, replacement: &[u8]) -> Option<Rect> {
        self.end_stroke();
        let width = self.width as usize;
        for (row, line) in replacement.chunks_exact(width).enumerate() {
            self.edit_span(row as u32, 0, self.width, |target| {
                target.copy_from_slice(line)
            });
        }
        let bounds = self.bounds();
        self.finish_shape(bounds)
    }

    // ----- measurements --------------------------------------------------------------------

    /// Number of edited (white) pixels.
    pub fn white_pixels(&self) -> u64 {
        // Pixels are 0 or 255, so the low bit of each byte counts it: eight at a time.
        let mut words = self.pixels.chunks_exact(8);
        let whole: u64 = words
            .by_ref()
            .map(|w| u64::from_ne_bytes(w.try_into().unwrap_or_default()))
            .map(|w| u64::from((w & 0x0101_0101_0101_0101).count_ones()))
            .sum();
        whole + words.remainder().iter().filter(|&&p| p != 0).count() as u64
    }

    /// Fraction of the image that is edited, from 0.0 to 1.0.
    pub fn coverage(&self) -> f64 {
        self.white_pixels() as f64 / self.bounds().area() as f64
    }

    /// Whether no pixel is edited.
    pub fn is_blank(&self) -> bool {
        self.pixels.iter().all(|&p| p == 0)
    }

    /// The smallest rectangle holding every edited pixel, or `None` if the mask is blank.
    pub fn bounding_box(&self) -> Option<Rect> {
        let width = self.width as usize;
        let rows = self.pixels.chunks_exact(width);
        let top = rows.clone().position(|r| r.iter().any(|&p| p != 0))?;
        let bottom = rows.clone().rposition(|r| r.iter().any(|&p| p != 0))?;
        let (mut left, mut right) = (width, 0);
        for row in rows.skip(top).take(bottom + 1 - top) {
            if let Some(first) = row[..left].iter().position(|&p| p != 0) {
                left = first;
            }
            if let Some(last) = row[right..].iter().rposition(|&p| p != 0) {
                right = right + last + 1;
            }
        }
        Some(Rect::new(
            left as u32,
            top as u32,
            (right - left) as u32,
            (bottom + 1 - top) as u32,
        ))
    }

    // ----- history -------------------------------------------------------------------------

    /// Undoes the latest step (ending a stroke in progress first, which then is that step).
    /// Returns the dirty rectangle, or `None` if there is nothing to undo.
    pub fn undo(&mut self) -> Option<Rect> {
        self.end_stroke();
        let step = self.history.undo()?;
        step.apply(&mut self.pixels, self.width as usize);
        Some(step.rect)
    }

    /// Redoes the latest undone step. Returns the dirty rectangle, or `None` if there is
    /// nothing to redo (any new edit clears the redo list).
    pub fn redo(&mut self) -> Option<Rect> {
        self.end_stroke();
        let step = self.history.redo()?;
        step.apply(&mut self.pixels, self.width as usize);
        Some(step.rect)
    }

    /// Whether [`undo`](Self::undo) would do something (a stroke in progress counts).
    pub fn can_undo(&self) -> bool {
        self.history.can_undo() || (self.stroke.is_some() && !self.pending.dirty.is_empty())
    }

    /// Whether [`redo`](Self::redo) would do something.
    pub fn can_redo(&self) -> bool {
        self.history.can_redo()
    }

    /// Number of steps that can be undone.
    pub fn undo_steps(&self) -> usize {
        self.history.undo_steps()
    }

    /// Number of steps that can be redone.
    pub fn redo_steps(&self) -> usize {
        self.history.redo_steps()
    }

    /// Bytes held by the undo and redo steps (never more than
    /// [`HistoryLimits::max_bytes`]). Excludes the mask itself and its edit scratch buffer.
    pub fn history_bytes(&self) -> usize {
        self.history.bytes()
    }

    /// The current history limits.
    pub fn history_limits(&self) -> HistoryLimits {
        self.history.limits()
    }

    /// Changes the history limits, dropping the oldest steps at once if they are exceeded.
    pub fn set_history_limits(&mut self, limits: HistoryLimits) {
        self.history.set_limits(limits);
    }

    /// Forgets all undo and redo steps (the mask itself is unchanged).
    pub fn clear_history(&mut self) {
        self.end_stroke();
        self.history.clear();
    }

    // ----- preview -------------------------------------------------------------------------

    /// Writes the mask inside `region` into `out`, an RGBA buffer of exactly `region` (e.g. a
    /// fresh `ImageData` of the dirty rectangle): edited pixels become `style.colour` at
    /// `style.opacity`, kept pixels transparent. The mask itself is never changed.
    ///
    /// Fails with [`CoreError::Image`] if `region` is not inside the image or `out` is not
    /// `region.width × region.height × 4` bytes.
    pub fn render_overlay(
        &self,
        region: Rect,
        style: OverlayStyle,
        out: &mut [u8],
    ) -> Result<(), CoreError> {
        self.check_inside(region)?;
        overlay::render(&self.pixels, self.width, region, region, style, out)
    }

    /// Like [`render_overlay`](Self::render_overlay), but `out` is an RGBA buffer of the
    /// whole image (`width × height × 4` bytes, kept by the canvas between frames) and only
    /// its `dirty` part is rewritten, ready for `putImageData(data, 0, 0, x, y, w, h)`.
    pub fn render_overlay_full(
        &self,
        dirty: Rect,
        style: OverlayStyle,
        out: &mut [u8],
    ) -> Result<(), CoreError> {
        self.check_inside(dirty)?;
        overlay::render(&self.pixels, self.width, dirty, self.bounds(), style, out)
    }

    fn check_inside(&self, rect: Rect) -> Result<(), CoreError> {
        if rect.intersect(&self.bounds()) == rect || rect.is_empty() {
            return Ok(());
        }
        Err(CoreError::Image(format!(
            "rectangle {rect:?} outside the {}x{} mask",
            self.width, self.height
        )))
    }

    // ----- editing core --------------------------------------------------------------------

    /// Sets pixels `x0..x1` of `row` to `value`, remembering the row for undo.
    fn fill_span(&mut self, row: u32, x0: u32, x1: u32, value: u8) -> Rect {
        self.edit_span(row, x0, x1, |line| line.fill(value))
    }

    /// Applies `edit` to pixels `x0..x1` of `row` (inside the image), remembering the row's
    /// previous content for undo; returns the span as a rectangle.
    fn edit_span(&mut self, row: u32, x0: u32, x1: u32, edit: impl FnOnce(&mut [u8])) -> Rect {
        let width = self.width as usize;
        self.pending.save_row(&self.pixels, width, row as usize);
        let start = self.index(0, row);
        edit(&mut self.pixels[start + x0 as usize..start + x1 as usize]);
        let span = Rect::new(x0, row, x1 - x0, 1);
        self.pending.dirty = self.pending.dirty.union(&span);
        span
    }

    /// Closes a shape edit: records the step and returns `dirty` unless it is empty.
    fn finish_shape(&mut self, dirty: Rect) -> Option<Rect> {
        self.commit();
        (!dirty.is_empty()).then_some(dirty)
    }

    /// Turns everything painted since the last commit into one undo step, if anything changed.
    fn commit(&mut self) -> bool {
        match self.pending.finish(&self.pixels, self.width as usize) {
            Some(step) => {
                self.history.push(step);
                true
            }
            None => false,
        }
    }
}
