//! Exact scanline rasterization of brush capsules and lasso polygons.
//!
//! Both shapes are filled by *pixel centres*: a pixel belongs to a shape iff its centre
//! `(x + 0.5, y + 0.5)` does. There is no coverage fraction and so no anti-aliasing.
//! Each row of a shape is emitted as one or more spans `x0..x1`, already clipped to the image.

use super::geometry::first_centre_at_or_after;
use super::Point;

/// Pointer coordinates are clamped to ±this many pixels, far outside any real image, so that
/// the exact integer arithmetic below cannot overflow.
const COORDINATE_LIMIT: f32 = 1_048_576.0;

/// A brush stamp swept along a segment: every point within `radius` of the segment `a`–`b`.
///
/// Coordinates are in *half-pixel units* (pixel `p` has its centre at `2p + 1`), which makes
/// snapped brush centres and pixel centres integers, so coverage is decided exactly.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Capsule {
    a: (i64, i64),
    b: (i64, i64),
    /// Half the diameter in pixels = the diameter in half-pixel units.
    radius: i64,
}

/// A brush centre, snapped and in half-pixel units (see [`snap_brush_centre`]).
pub(crate) type HalfPoint = (i64, i64);

/// Where a brush of `diameter` pixels is centred for a pointer at `point`, in half-pixel units.
///
/// Odd diameters centre on the pixel under the pointer, even ones on the nearest pixel corner,
/// so every stamp of one size has the same symmetric footprint, exactly `diameter` pixels
/// across, wherever the pointer falls inside a pixel; a 1 px brush paints exactly one pixel.
/// `None` for a NaN or infinite coordinate.
pub(crate) fn snap_brush_centre(point: Point, diameter: u32) -> Option<HalfPoint> {
    if !point.is_finite() {
        return None;
    }
    let snap = |v: f32| {
        let v = v.clamp(-COORDINATE_LIMIT, COORDINATE_LIMIT);
        if diameter % 2 == 1 {
            2 * (v.floor() as i64) + 1
        } else {
            2 * (v.round() as i64)
        }
    };
    Some((snap(point.x), snap(point.y)))
}

impl Capsule {
    /// The capsule of a brush `diameter` pixels wide swept from `a` to `b` (snapped centres).
    pub(crate) fn new(a: HalfPoint, b: HalfPoint, diameter: u32) -> Self {
        Self {
            a,
            b,
            radius: i64::from(diameter),
        }
    }

    /// Whether the centre of pixel `(x, y)` is within the radius of the segment (exact).
    pub(crate) fn covers(&self, x: i64, y: i64) -> bool {
        let (px, py) = (2 * x + 1 - self.a.0, 2 * y + 1 - self.a.1);
        let (dx, dy) = (self.b.0 - self.a.0, self.b.1 - self.a.1);
        let length_sq = dx * dx + dy * dy;
        let along = px * dx + py * dy;
        let radius_sq = self.radius * self.radius;
        if length_sq == 0 || along <= 0 {
            return px * px + py * py <= radius_sq;
        }
        if along >= length_sq {
            let (qx, qy) = (px - dx, py - dy);
            return qx * qx + qy * qy <= radius_sq;
        }
        let cross = i128::from(px * dy - py * dx);
        cross * cross <= i128::from(radius_sq) * i128::from(length_sq)
    }

    /// Calls `emit(row, x0, x1)` for the covered pixels of every row, clipped to the image.
    pub(crate) fn for_each_span(
        &self,
        width: u32,
        height: u32,
        mut emit: impl FnMut(u32, u32, u32),
    ) {
        let top = self.a.1.min(self.b.1) - self.radius;
        let bottom = self.a.1.max(self.b.1) + self.radius;
        // Rows whose centre 2y + 1 lies in [top, bottom].
        let first_row = div_ceil(top - 1, 2).max(0);
        let last_row = (bottom - 1).div_euclid(2).min(i64::from(height) - 1);
        for row in first_row..=last_row {
            let Some((x0, x1)) = self.row_span(row) else {
                continue;
            };
            let x0 = x0.max(0);
            let x1 = (x1 + 1).min(i64::from(width));
            if x0 < x1 {
                emit(row as u32, x0 as u32, x1 as u32);
            }
        }
    }

    /// The first and last covered pixel of `row` (unclipped), or `None` if none is covered.
    ///
    /// A capsule is convex, so the covered pixels of a row are contiguous. Floating point
    /// finds the run; the exact test then settles its two ends.
    fn row_span(&self, row: i64) -> Option<(i64, i64)> {
        let (low, high) = self.row_interval(2 * row + 1)?;
        let mut first = ((low - 1.0) / 2.0).ceil() as i64;
        let mut last = (((high - 1.0) / 2.0).floor() as i64).max(first);
        if self.covers(first, row) {
            while self.covers(first - 1, row) {
                first -= 1;
            }
        } else {
            while first <= last + 1 && !self.covers(first, row) {
                first += 1;
            }
            if first > last + 1 {
                return None;
            }
        }
        last = last.max(first);
        if self.covers(last, row) {
            while self.covers(last + 1, row) {
                last += 1;
            }
        } else {
            while last > first && !self.covers(last, row) {
                last -= 1;
            }
        }
        Some((first, last))
    }

    /// The horizontal extent (half-pixel units) of the capsule on the line at height `y`,
    /// in floating point: the union of both end discs and the band between them.
    fn row_interval(&self, y: i64) -> Option<(f64, f64)> {
        let radius = self.radius as f64;
        let disc = |centre: (i64, i64)| {
            let dy = (y - centre.1) as f64;
            let half = (radius * radius - dy * dy).sqrt();
            (half >= 0.0).then_some((centre.0 as f64 - half, centre.0 as f64 + half))
        };
        let (dx, dy) = ((self.b.0 - self.a.0) as f64, (self.b.1 - self.a.1) as f64);
        let offset_y = (y - self.a.1) as f64;
        let length_sq = dx * dx + dy * dy;
        // In terms of u = x - a.x: `along` = u·dx + offset_y·dy in [0, length²] and
        // `cross` = u·dy - offset_y·dx in [-radius·length, radius·length].
        let band = (length_sq > 0.0)
            .then(|| {
                let reach = radius * length_sq.sqrt();
                let along = solve_linear(dx, offset_y * dy, 0.0, length_sq)?;
                let cross = solve_linear(dy, -offset_y * dx, -reach, reach)?;
                let (low, high) = (along.0.max(cross.0), along.1.min(cross.1));
                (low <= high).then_some((low + self.a.0 as f64, high + self.a.0 as f64))
            })
            .flatten();
        [disc(self.a), disc(self.b), band]
            .into_iter()
            .flatten()
            .reduce(|(l0, h0), (l1, h1)| (l0.min(l1), h0.max(h1)))
    }
}

/// The values of `u` with `slope·u + constant` in `[low, high]`; unbounded as ±∞.
fn solve_linear(slope: f64, constant: f64, low: f64, high: f64) -> Option<(f64, f64)> {
    if slope == 0.0 {
        return (low..=high)
            .contains(&constant)
            .then_some((f64::NEG_INFINITY, f64::INFINITY));
    }
    let (u0, u1) = ((low - constant) / slope, (high - constant) / slope);
    Some((u0.min(u1), u0.max(u1)))
}

/// `⌈n / 2⌉` for any sign.
fn div_ceil(n: i64, d: i64) -> i64 {
    -((-n).div_euclid(d))
}

/// One polygon edge that is not horizontal, oriented top to bottom.
#[derive(Debug, Clone, Copy)]
struct Edge {
    /// First row whose pixel centre the edge crosses.
    first_row: u32,
    /// One past the last such row.
    end_row: u32,
    top: (f64, f64),
    bottom: (f64, f64),
    /// +1 if the polygon runs downwards along this edge, -1 if upwards (for the winding).
    winding: i32,
}

impl Edge {
    /// The edge from `p` to `q`, or `None` if it is horizontal or crosses no row centre.
    fn new(p: (f64, f64), q: (f64, f64), height: u32) -> Option<Self> {
        if p.1 == q.1 {
            return None;
        }
        let (top, bottom, winding) = if p.1 < q.1 { (p, q, 1) } else { (q, p, -1) };
        // Half-open in y: rows with top <= centre < bottom, so a shared vertex counts once.
        let first_row = first_centre_at_or_after(top.1).min(height);
        let end_row = first_centre_at_or_after(bottom.1).min(height);
        (first_row < end_row).then_some(Self {
            first_row,
            end_row,
            top,
            bottom,
            winding,
        })
    }

    /// Where the edge crosses the centre line of `row`.
    ///
    /// Multiplying before dividing keeps this exact whenever the crossing is exactly
    /// representable (f32 inputs below 2^13 give products of at most 50 bits), so a pixel
    /// centre lying exactly on an edge is decided by the edge rule, not by rounding.
    fn x_at(&self, row: u32) -> f64 {
        let down = f64::from(row) + 0.5 - self.top.1;
        self.top.0 + down * (self.bottom.0 - self.top.0) / (self.bottom.1 - self.top.1)
    }
}

/// Calls `emit(row, x0, x1)` for every run of pixels whose centre lies inside the closed
/// polygon `points` under the **nonzero winding rule**, clipped to the image.
///
/// Left edges are inclusive and right edges exclusive. Non-finite points are skipped.
pub(crate) fn polygon_spans(
    points: &[Point],
    width: u32,
    height: u32,
    mut emit: impl FnMut(u32, u32, u32),
) {
    let vertices: Vec<(f64, f64)> = points
        .iter()
        .filter(|p| p.is_finite())
        .map(|p| {
            let clamp = |v: f32| f64::from(v.clamp(-COORDINATE_LIMIT, COORDINATE_LIMIT));
            (clamp(p.x), clamp(p.y))
        })
        .collect();
    if vertices.len() < 3 {
        return;
    }
    let mut edges: Vec<Edge> = vertices
        .iter()
        .zip(vertices.iter().cycle().skip(1))
        .filter_map(|(&p, &q)| Edge::new(p, q, height))
        .collect();
    edges.sort_by_key(|e| e.first_row);
    let Some(first_row) = edges.first().map(|e| e.first_row) else {
        return;
    };
    let last_row = edges.iter().map(|e| e.end_row).max().unwrap_or(first_row);
    let mut next_edge = 0;
    let mut active: Vec<Edge> = Vec::new();
    let mut crossings: Vec<(f64, i32)> = Vec::new();
    for row in first_row..last_row {
        active.retain(|e| e.end_row > row);
        while next_edge < edges.len() && edges[next_edge].first_row <= row {
            active.push(edges[next_edge]);
            next_edge += 1;
        }
        crossings.clear();
        crossings.extend(active.iter().map(|e| (e.x_at(row), e.winding)));
        crossings.sort_by(|a, b| a.0.total_cmp(&b.0));
        emit_nonzero_runs(&crossings, row, width, &mut emit);
    }
}

/// Emits the runs of one row where the running winding number (sorted crossings) is nonzero.
fn emit_nonzero_runs(
    crossings: &[(f64, i32)],
    row: u32,
    width: u32,
    emit: &mut impl FnMut(u32, u32, u32),
) {
    let mut winding = 0;
    let mut run_start = 0.0;
    for &(x, step) in crossings {
        let was_inside = winding != 0;
        winding += step;
        if !was_inside && winding != 0 {
            run_start = x;
        } else if was_inside && winding == 0 {
            let x0 = first_centre_at_or_after(run_start).min(width);
            let x1 = first_centre_at_or_after(x).min(width);
            if x0 < x1 {
                emit(row, x0, x1);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Every pixel the spans cover, as a set, for comparison with brute force.
    fn span_pixels(capsule: &Capsule, width: u32, height: u32) -> Vec<(u32, u32)> {
        let mut pixels = Vec::new();
        capsule.for_each_span(width, height, |y, x0, x1| {
            pixels.extend((x0..x1).map(|x| (x, y)));
        });
        pixels.sort_unstable();
        pixels
    }

    fn brute_force(capsule: &Capsule, width: u32, height: u32) -> Vec<(u32, u32)> {
        let mut pixels: Vec<(u32, u32)> = (0..height)
            .flat_map(|y| (0..width).map(move |x| (x, y)))
            .filter(|&(x, y)| capsule.covers(i64::from(x), i64::from(y)))
            .collect();
        pixels.sort_unstable();
        pixels
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        /// The fast row spans equal the exact per-pixel test everywhere in the image.
        #[test]
        fn spans_match_the_exact_test(
            ax in -20i64..100, ay in -20i64..80, bx in -20i64..100, by in -20i64..80,
            diameter in 1u32..30,
        ) {
            let snap = |v: i64| if diameter % 2 == 1 { 2 * v + 1 } else { 2 * v };
            let capsule = Capsule::new((snap(ax), snap(ay)), (snap(bx), snap(by)), diameter);
            prop_assert_eq!(span_pixels(&capsule, 80, 60), brute_force(&capsule, 80, 60));
        }
    }

    #[test]
    fn a_one_pixel_brush_paints_one_pixel_wherever_the_pointer_is() {
        for (x, y) in [(3.0, 4.0), (3.5, 4.5), (3.99, 4.01)] {
            let centre = snap_brush_centre(Point::new(x, y), 1).unwrap();
            let capsule = Capsule::new(centre, centre, 1);
            assert_eq!(span_pixels(&capsule, 10, 10), vec![(3, 4)]);
        }
    }
}
