//! Pixel rectangles and pointer positions.

/// A rectangle of whole pixels: columns `x..x + width`, rows `y..y + height`.
///
/// Edits return one as the *dirty rectangle*: the only area a canvas has to redraw.
/// Its fields match `putImageData(data, 0, 0, x, y, width, height)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Rect {
    /// Leftmost column.
    pub x: u32,
    /// Top row.
    pub y: u32,
    /// Number of columns.
    pub width: u32,
    /// Number of rows.
    pub height: u32,
}

impl Rect {
    /// The rectangle at `(x, y)` of `width` × `height` pixels.
    pub const fn new(x: u32, y: u32, width: u32, height: u32) -> Self {
        Self {
            x,
            y,
            width,
            height,
        }
    }

    /// The rectangle whose pixels have their centres inside the box spanned by two pointer
    /// positions (a rectangle drag), left and top edges inclusive, right and bottom exclusive.
    ///
    /// This is the same pixel-centre rule the lasso uses, so a rectangular lasso and a
    /// rectangle drag over the same corners select the same pixels. Parts left of or above
    /// the image are cut off; [`MaskBitmap::fill_rect`](super::MaskBitmap::fill_rect) clips
    /// the rest. A NaN coordinate gives an empty rectangle.
    pub fn from_drag(a: super::Point, b: super::Point) -> Self {
        let (Some(x), Some(y)) = (
            centre_span(a.x.min(b.x), a.x.max(b.x)),
            centre_span(a.y.min(b.y), a.y.max(b.y)),
        ) else {
            return Self::default();
        };
        Self::new(x.0, y.0, x.1 - x.0, y.1 - y.0)
    }

    /// One past the rightmost column.
    pub const fn right(&self) -> u32 {
        self.x.saturating_add(self.width)
    }

    /// One past the bottom row.
    pub const fn bottom(&self) -> u32 {
        self.y.saturating_add(self.height)
    }

    /// Whether the rectangle holds no pixel.
    pub const fn is_empty(&self) -> bool {
        self.width == 0 || self.height == 0
    }

    /// Number of pixels inside.
    pub const fn area(&self) -> u64 {
        self.width as u64 * self.height as u64
    }

    /// Whether the pixel `(x, y)` lies inside.
    pub const fn contains(&self, x: u32, y: u32) -> bool {
        x >= self.x && x < self.right() && y >= self.y && y < self.bottom()
    }

    /// The pixels in both rectangles (empty if they do not overlap).
    pub fn intersect(&self, other: &Rect) -> Rect {
        let x = self.x.max(other.x);
        let y = self.y.max(other.y);
        let right = self.right().min(other.right());
        let bottom = self.bottom().min(other.bottom());
        if right <= x || bottom <= y {
            return Rect::default();
        }
        Rect::new(x, y, right - x, bottom - y)
    }

    /// The smallest rectangle holding both (an empty rectangle counts as nothing).
    pub fn union(&self, other: &Rect) -> Rect {
        if self.is_empty() {
            return *other;
        }
        if other.is_empty() {
            return *self;
        }
        let x = self.x.min(other.x);
        let y = self.y.min(other.y);
        Rect::new(
            x,
            y,
            self.right().max(other.right()) - x,
            self.bottom().max(other.bottom()) - y,
        )
    }
}

/// The whole-pixel range `start..end` whose centres `p + 0.5` lie in `[low, high)`,
/// cut off at 0; `None` if a bound is NaN.
fn centre_span(low: f32, high: f32) -> Option<(u32, u32)> {
    if low.is_nan() || high.is_nan() {
        return None;
    }
    let first = first_centre_at_or_after(f64::from(low));
    let end = first_centre_at_or_after(f64::from(high)).max(first);
    Some((first, end))
}

/// The first pixel whose centre is at or right of `coordinate`, as a non-negative column.
pub(crate) fn first_centre_at_or_after(coordinate: f64) -> u32 {
    // `as` saturates: -inf and negatives give 0, +inf gives u32::MAX.
    (coordinate - 0.5).ceil().max(0.0) as u32
}

/// A pointer position in image pixels (the canvas has already undone its zoom and pan).
///
/// `(0.0, 0.0)` is the top-left corner of the top-left pixel; its centre is `(0.5, 0.5)`.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Point {
    /// Horizontal position, growing to the right.
    pub x: f32,
    /// Vertical position, growing downwards.
    pub y: f32,
}

impl Point {
    /// The position `(x, y)`.
    pub const fn new(x: f32, y: f32) -> Self {
        Self { x, y }
    }

    /// Whether both coordinates are finite numbers.
    pub fn is_finite(&self) -> bool {
        self.x.is_finite() && self.y.is_finite()
    }
}
