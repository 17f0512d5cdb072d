//! The mask bitmap: binary output, exact size, stroke geometry, shapes, import/export and
//! bounded undo history.
#![cfg(feature = "mask")]

use std::io::Cursor;

use png::{BitDepth, ColorType};
use proptest::prelude::*;
use wanedit_core::mask::{
    step_brush_diameter, HistoryLimits, MaskBitmap, OverlayStyle, Point, Rect, Tool,
    MAX_BRUSH_DIAMETER,
};
use wanedit_core::CoreError;

// ----- helpers -------------------------------------------------------------------------------

fn mask(width: u32, height: u32) -> MaskBitmap {
    MaskBitmap::new(width, height).unwrap()
}

fn p(x: f32, y: f32) -> Point {
    Point::new(x, y)
}

/// The mask's f32 points for coordinates kept in f64, where the reference geometry is
/// computed.
fn points_of(coordinates: &[(f64, f64)]) -> Vec<Point> {
    coordinates
        .iter()
        .map(|&(x, y)| p(x as f32, y as f32))
        .collect()
}

/// Draws one stroke through `points` and ends it; whether it changed the mask.
fn stroke(mask: &mut MaskBitmap, tool: Tool, diameter: u32, points: &[Point]) -> bool {
    mask.begin_stroke(tool, diameter, points[0]);
    for &point in &points[1..] {
        mask.extend_stroke(point);
    }
    mask.end_stroke()
}

/// Decodes a PNG with no transformation at all: what is really in the file.
fn decode_raw(png: &[u8]) -> (png::OutputInfo, Vec<u8>) {
    let decoder = png::Decoder::new(Cursor::new(png));
    let mut reader = decoder.read_info().unwrap();
    let mut buffer = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buffer).unwrap();
    buffer.truncate(info.buffer_size());
    (info, buffer)
}

/// Encodes test pixels as a PNG of the given colour type and depth.
fn encode(
    width: u32,
    height: u32,
    colour: ColorType,
    depth: BitDepth,
    data: &[u8],
    palette: Option<(&[u8], &[u8])>,
) -> Vec<u8> {
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, width, height);
    encoder.set_color(colour);
    encoder.set_depth(depth);
    if let Some((rgb, alpha)) = palette {
        encoder.set_palette(rgb.to_vec());
        encoder.set_trns(alpha.to_vec());
    }
    let mut writer = encoder.write_header().unwrap();
    writer.write_image_data(data).unwrap();
    writer.finish().unwrap();
    out
}

/// Encodes test pixels (no palette) as a PNG and imports it at its own size: what the mask
/// makes of them.
fn import(width: u32, height: u32, colour: ColorType, depth: BitDepth, data: &[u8]) -> MaskBitmap {
    let png = encode(width, height, colour, depth, data, None);
    MaskBitmap::from_png(&png, width, height).unwrap()
}

/// Squared distance from `point` to the segment `a`–`b`.
fn distance_sq(point: (f64, f64), a: (f64, f64), b: (f64, f64)) -> f64 {
    let (dx, dy) = (b.0 - a.0, b.1 - a.1);
    let length_sq = dx * dx + dy * dy;
    let t = if length_sq == 0.0 {
        0.0
    } else {
        (((point.0 - a.0) * dx + (point.1 - a.1) * dy) / length_sq).clamp(0.0, 1.0)
    };
    let (qx, qy) = (a.0 + t * dx - point.0, a.1 + t * dy - point.1);
    qx * qx + qy * qy
}

fn centre(x: u32, y: u32) -> (f64, f64) {
    (f64::from(x) + 0.5, f64::from(y) + 0.5)
}

/// Winding number of the closed polygon around `point` (half-open in y, like the fill).
fn winding(point: (f64, f64), polygon: &[(f64, f64)]) -> i32 {
    let mut winding = 0;
    for (i, &a) in polygon.iter().enumerate() {
        let b = polygon[(i + 1) % polygon.len()];
        let side = (b.0 - a.0) * (point.1 - a.1) - (point.0 - a.0) * (b.1 - a.1);
        if a.1 <= point.1 && point.1 < b.1 && side > 0.0 {
            winding += 1;
        } else if b.1 <= point.1 && point.1 < a.1 && side < 0.0 {
            winding -= 1;
        }
    }
    winding
}

fn assert_matches_geometry(mask: &MaskBitmap, inside: impl Fn((f64, f64)) -> bool) {
    for y in 0..mask.height() {
        for x in 0..mask.width() {
            assert_eq!(
                mask.get(x, y),
                inside(centre(x, y)),
                "pixel ({x}, {y}) disagrees with the geometry"
            );
        }
    }
}

// ----- output is binary and the exact size ---------------------------------------------------

#[test]
fn exported_png_is_8_bit_grey_of_exact_size_with_only_0_and_255() {
    let mut mask = mask(333, 197);
    stroke(
        &mut mask,
        Tool::Brush,
        17,
        &[p(10.0, 10.0), p(300.3, 180.7)],
    );
    mask.fill_polygon(
        &[p(200.2, 5.1), p(320.9, 90.4), p(150.6, 120.3)],
        Tool::Brush,
    );
    stroke(&mut mask, Tool::Eraser, 6, &[p(0.0, 100.0), p(333.0, 60.0)]);
    let png = mask.to_png().unwrap();
    let (info, pixels) = decode_raw(&png);
    assert_eq!((info.width, info.height), (333, 197));
    assert_eq!(info.color_type, ColorType::Grayscale);
    assert_eq!(info.bit_depth, BitDepth::Eight);
    assert_eq!(pixels.len(), 333 * 197);
    assert!(pixels.iter().all(|&v| v == 0 || v == 255));
    assert_eq!(pixels, mask.pixels());
    assert!(mask.white_pixels() > 1000 && !mask.is_blank());
}

#[test]
fn every_tool_leaves_only_0_and_255_in_memory() {
    let mut mask = mask(64, 48);
    stroke(
        &mut mask,
        Tool::Brush,
        9,
        &[p(3.3, 4.4), p(50.1, 40.9), p(12.2, 30.0)],
    );
    mask.fill_rect(Rect::new(40, 2, 20, 10), Tool::Brush);
    mask.fill_polygon(&[p(1.0, 47.0), p(30.0, 20.0), p(60.0, 47.0)], Tool::Eraser);
    mask.invert();
    assert!(mask.pixels().iter().all(|&v| v == 0 || v == 255));
}

#[test]
fn sizes_outside_the_supported_range_are_refused() {
    assert!(matches!(MaskBitmap::new(0, 10), Err(CoreError::Image(_))));
    assert!(matches!(
        MaskBitmap::new(10, 9000),
        Err(CoreError::Image(_))
    ));
    let mask = mask(1920, 1080);
    assert_eq!(mask.pixels().len(), 1920 * 1080);
    assert_eq!(mask.bounds(), Rect::new(0, 0, 1920, 1080));
}

// ----- stroke geometry -----------------------------------------------------------------------

#[test]
fn a_horizontal_stroke_covers_exactly_the_capsule_around_its_segment() {
    for diameter in [1u32, 2, 3, 4, 7, 10, 15] {
        // Odd brushes centre on pixel centres, even ones on pixel corners: choose samples
        // that are already there, so the capsule is exactly around these two points.
        let offset = if diameter % 2 == 1 { 0.5 } else { 0.0 };
        let (a, b) = (
            (20.0 + offset, 30.0 + offset),
            (80.0 + offset, 30.0 + offset),
        );
        let mut mask = mask(100, 60);
        stroke(
            &mut mask,
            Tool::Brush,
            diameter,
            &[p(a.0 as f32, a.1 as f32), p(b.0 as f32, b.1 as f32)],
        );
        let radius_sq = f64::from(diameter * diameter) / 4.0;
        assert_matches_geometry(&mask, |c| distance_sq(c, a, b) <= radius_sq);
        // The stroke is exactly `diameter` pixels thick in the middle.
        let thickness = (0..60).filter(|&y| mask.get(50, y)).count();
        assert_eq!(thickness, diameter as usize);
    }
}

#[test]
fn a_diagonal_stroke_covers_the_capsule_except_on_exact_ties() {
    let (a, b) = ((10.5, 12.5), (85.5, 51.5));
    let mut mask = mask(100, 70);
    stroke(
        &mut mask,
        Tool::Brush,
        11,
        &[p(a.0 as f32, a.1 as f32), p(b.0 as f32, b.1 as f32)],
    );
    for y in 0..70 {
        for x in 0..100 {
            let d = distance_sq(centre(x, y), a, b);
            if (d - 30.25).abs() > 1e-9 {
                assert_eq!(mask.get(x, y), d <= 30.25, "pixel ({x}, {y})");
            }
        }
    }
}

#[test]
fn a_one_pixel_brush_click_paints_exactly_one_pixel() {
    let mut mask = mask(20, 20);
    mask.begin_stroke(Tool::Brush, 1, p(7.0, 9.0));
    assert!(mask.end_stroke());
    assert_eq!(mask.white_pixels(), 1);
    assert!(mask.get(7, 9));
}

#[test]
fn a_thin_stroke_between_far_apart_samples_has_no_gaps() {
    let mut mask = mask(1100, 700);
    stroke(&mut mask, Tool::Brush, 1, &[p(0.5, 0.5), p(1000.5, 600.5)]);
    // One-pixel line: every column 0..=1000 has a white run, and consecutive columns touch
    // (8-connected), so nothing can leak through.
    let mut previous: Option<(u32, u32)> = None;
    for x in 0..=1000 {
        let rows: Vec<u32> = (0..700).filter(|&y| mask.get(x, y)).collect();
        assert!(!rows.is_empty(), "gap at column {x}");
        let run = (rows[0], rows[rows.len() - 1]);
        assert_eq!(run.1 - run.0 + 1, rows.len() as u32, "broken column {x}");
        if let Some(prev) = previous {
            assert!(
                run.0 <= prev.1 + 1 && prev.0 <= run.1 + 1,
                "gap at column {x}"
            );
        }
        previous = Some(run);
    }
    assert!((1001..1100).all(|x| (0..700).all(|y| !mask.get(x, y))));
}

#[test]
fn a_fast_stroke_with_sparse_samples_covers_the_whole_swept_path() {
    let samples: [(f64, f64); 4] = [(30.5, 30.5), (330.5, 40.5), (60.5, 250.5), (380.5, 270.5)];
    let mut mask = mask(420, 300);
    let points = points_of(&samples);
    stroke(&mut mask, Tool::Brush, 9, &points);
    assert_matches_geometry(&mask, |c| {
        samples
            .windows(2)
            .any(|w| distance_sq(c, w[0], w[1]) <= 20.25)
    });
}

#[test]
fn the_eraser_removes_exactly_its_capsule() {
    let mut mask = mask(80, 40);
    mask.fill_rect(mask.bounds(), Tool::Brush);
    stroke(&mut mask, Tool::Eraser, 5, &[p(10.5, 20.5), p(70.5, 20.5)]);
    let (a, b) = ((10.5, 20.5), (70.5, 20.5));
    assert_matches_geometry(&mask, |c| distance_sq(c, a, b) > 6.25);
}

#[test]
fn extend_returns_a_dirty_rectangle_holding_every_changed_pixel() {
    let mut mask = mask(200, 100);
    let mut before = mask.pixels().to_vec();
    let mut dirty = mask.begin_stroke(Tool::Brush, 12, p(20.0, 20.0)).unwrap();
    for point in [p(60.0, 80.0), p(150.2, 30.7), p(190.0, 95.0)] {
        let changed = changed_pixels(&before, mask.pixels(), 200);
        assert!(changed.iter().all(|&(x, y)| dirty.contains(x, y)));
        before = mask.pixels().to_vec();
        dirty = mask.extend_stroke(point).unwrap();
        assert!(dirty.right() <= 200 && dirty.bottom() <= 100);
    }
    let changed = changed_pixels(&before, mask.pixels(), 200);
    assert!(!changed.is_empty() && changed.iter().all(|&(x, y)| dirty.contains(x, y)));
}

fn changed_pixels(before: &[u8], after: &[u8], width: u32) -> Vec<(u32, u32)> {
    (0..before.len())
        .filter(|&i| before[i] != after[i])
        .map(|i| (i as u32 % width, i as u32 / width))
        .collect()
}

#[test]
fn strokes_outside_the_image_or_with_nan_points_are_harmless() {
    let mut mask = mask(50, 50);
    assert_eq!(mask.begin_stroke(Tool::Brush, 5, p(f32::NAN, 3.0)), None);
    assert!(!mask.is_stroking());
    assert_eq!(mask.begin_stroke(Tool::Brush, 5, p(-100.0, -100.0)), None);
    assert_eq!(mask.extend_stroke(p(f32::INFINITY, 0.0)), None);
    assert_eq!(mask.extend_stroke(p(-100.0, 500.0)), None);
    // From far outside to the centre: only the part inside is painted.
    assert!(mask.extend_stroke(p(25.5, 25.5)).is_some());
    assert!(mask.extend_stroke(p(1e30, 25.5)).is_some());
    assert!(mask.end_stroke());
    assert!(mask.get(25, 25) && mask.get(49, 25));
}

#[test]
fn brush_diameters_are_clamped_and_stepped() {
    assert_eq!(step_brush_diameter(1, false), 1);
    assert_eq!(step_brush_diameter(1, true), 2);
    assert_eq!(step_brush_diameter(7, true), 8);
    assert_eq!(step_brush_diameter(7, false), 6);
    assert_eq!(
        step_brush_diameter(MAX_BRUSH_DIAMETER, true),
        MAX_BRUSH_DIAMETER
    );
    let mut mask = mask(10, 10);
    mask.begin_stroke(Tool::Brush, 0, p(5.0, 5.0));
    mask.end_stroke();
    assert_eq!(mask.white_pixels(), 1, "diameter 0 is clamped to 1");
}

// ----- shapes --------------------------------------------------------------------------------

#[test]
fn rectangles_fill_and_erase_exactly_their_pixels() {
    let mut mask = mask(50, 40);
    assert_eq!(
        mask.fill_rect(Rect::new(5, 7, 10, 20), Tool::Brush),
        Some(Rect::new(5, 7, 10, 20))
    );
    assert_matches_geometry(&mask, |(x, y)| {
        (5.0..15.0).contains(&x) && (7.0..27.0).contains(&y)
    });
    mask.fill_rect(Rect::new(8, 10, 100, 5), Tool::Eraser);
    assert_eq!(mask.white_pixels(), 200 - 7 * 5);
    // Clipped to the image.
    assert_eq!(
        mask.fill_rect(Rect::new(45, 35, 10, 10), Tool::Brush),
        Some(Rect::new(45, 35, 5, 5))
    );
    assert_eq!(mask.fill_rect(Rect::new(60, 0, 10, 10), Tool::Brush), None);
}

#[test]
fn a_rectangle_drag_selects_pixels_by_their_centres() {
    // Columns with centres in [4.5, 10.2): 4..=9; rows with centres in [3.6, 8.5): 4..=7.
    assert_eq!(
        Rect::from_drag(p(10.2, 3.6), p(4.5, 8.5)),
        Rect::new(4, 4, 6, 4)
    );
    assert_eq!(
        Rect::from_drag(p(-5.0, -5.0), p(2.0, 1.0)),
        Rect::new(0, 0, 2, 1)
    );
    assert!(Rect::from_drag(p(3.0, 3.0), p(3.0, 9.0)).is_empty());
    assert!(Rect::from_drag(p(f32::NAN, 3.0), p(3.0, 9.0)).is_empty());
}

#[test]
fn a_triangle_lasso_fills_the_pixels_whose_centres_are_inside() {
    let polygon = [(10.3, 5.7), (90.1, 40.2), (20.9, 70.4)];
    let mut mask = mask(100, 80);
    let points = points_of(&polygon);
    mask.fill_polygon(&points, Tool::Brush);
    assert_matches_geometry(&mask, |c| winding(c, &polygon) != 0);
    assert!(mask.white_pixels() > 2000);
}

#[test]
fn a_concave_lasso_leaves_its_notch_empty() {
    // A "U": the notch between the arms must stay black.
    let polygon = [
        (5.2, 5.3),
        (25.1, 5.3),
        (25.1, 40.7),
        (55.4, 40.7),
        (55.4, 5.3),
        (75.6, 5.3),
        (75.6, 60.9),
        (5.2, 60.9),
    ];
    let mut mask = mask(80, 70);
    let points = points_of(&polygon);
    mask.fill_polygon(&points, Tool::Brush);
    assert_matches_geometry(&mask, |c| winding(c, &polygon) != 0);
    assert!(!mask.get(40, 20) && mask.get(15, 20) && mask.get(40, 50));
}

#[test]
fn a_self_crossing_lasso_fills_by_nonzero_winding() {
    // A pentagram: its centre has winding number 2, filled by nonzero (even-odd would not).
    let star: Vec<(f64, f64)> = (0..5)
        .map(|i| {
            let angle = f64::from(i * 2) * std::f64::consts::TAU / 5.0 - 0.3;
            (50.0 + 40.3 * angle.cos(), 50.0 + 40.3 * angle.sin())
        })
        .collect();
    assert_eq!(winding((50.0, 50.0), &star).abs(), 2);
    let mut mask = mask(100, 100);
    let points = points_of(&star);
    mask.fill_polygon(&points, Tool::Brush);
    assert!(mask.get(50, 50));
    for y in 0..100 {
        for x in 0..100 {
            let c = centre(x, y);
            // Skip centres within float noise of an edge (f32 points vs f64 geometry).
            let near_edge = (0..5).any(|i| distance_sq(c, star[i], star[(i + 1) % 5]) < 1e-6);
            if !near_edge {
                assert_eq!(mask.get(x, y), winding(c, &star) != 0, "pixel ({x}, {y})");
            }
        }
    }
}

#[test]
fn a_lasso_eraser_and_degenerate_lassos() {
    let mut mask = mask(40, 40);
    mask.fill_rect(mask.bounds(), Tool::Brush);
    let polygon = [(5.5, 5.5), (30.5, 5.5), (30.5, 30.5), (5.5, 30.5)];
    let points = points_of(&polygon);
    assert_eq!(
        mask.fill_polygon(&points, Tool::Eraser),
        Some(Rect::new(5, 5, 25, 25))
    );
    assert_eq!(mask.white_pixels(), 1600 - 625);
    let steps = mask.undo_steps();
    assert_eq!(mask.fill_polygon(&points[..2], Tool::Brush), None);
    assert_eq!(
        mask.fill_polygon(&[p(1.0, 1.0), p(5.0, 1.0), p(9.0, 1.0)], Tool::Brush),
        None
    );
    assert_eq!(mask.undo_steps(), steps, "an empty edit is not a step");
}

#[test]
fn invert_and_clear() {
    let mut mask = mask(30, 20);
    mask.fill_rect(Rect::new(0, 0, 10, 20), Tool::Brush);
    assert_eq!(mask.invert(), Some(mask.bounds()));
    assert_eq!(mask.white_pixels(), 400);
    assert!(!mask.get(9, 0) && mask.get(10, 0));
    assert_eq!(mask.clear(), Some(Rect::new(10, 0, 20, 20)));
    assert!(mask.is_blank());
    assert_eq!(mask.clear(), None);
    mask.undo();
    assert_eq!(mask.white_pixels(), 400);
}

#[test]
fn fill_bounding_box_replaces_the_mask_with_its_box() {
    let mut mask = mask(100, 80);
    assert_eq!(mask.fill_bounding_box(), None);
    mask.begin_stroke(Tool::Brush, 3, p(20.5, 10.5));
    mask.end_stroke();
    mask.begin_stroke(Tool::Brush, 1, p(70.5, 60.5));
    mask.end_stroke();
    let expected = Rect::new(19, 9, 52, 52);
    assert_eq!(mask.bounding_box(), Some(expected));
    assert_eq!(mask.fill_bounding_box(), Some(expected));
    assert_matches_geometry(&mask, |(x, y)| {
        (19.0..71.0).contains(&x) && (9.0..61.0).contains(&y)
    });
    mask.undo();
    assert_eq!(mask.white_pixels(), 9 + 1);
}

#[test]
fn coverage_and_bounding_box_values() {
    let mut mask = mask(100, 50);
    assert_eq!(mask.coverage(), 0.0);
    assert_eq!(mask.bounding_box(), None);
    mask.fill_rect(Rect::new(5, 7, 10, 20), Tool::Brush);
    assert_eq!(mask.coverage(), 200.0 / 5000.0);
    assert_eq!(mask.bounding_box(), Some(Rect::new(5, 7, 10, 20)));
    mask.fill_rect(Rect::new(90, 2, 1, 1), Tool::Brush);
    assert_eq!(mask.bounding_box(), Some(Rect::new(5, 2, 86, 25)));
    assert_eq!(mask.white_pixels(), 201);
    mask.invert();
    assert_eq!(mask.coverage(), 1.0 - 201.0 / 5000.0);
    assert_eq!(mask.bounding_box(), Some(mask.bounds()));
}

// ----- undo / redo ---------------------------------------------------------------------------

#[test]
fn undo_then_redo_walks_back_and_forth_through_every_state() {
    let mut mask = mask(120, 90);
    let mut states = vec![mask.pixels().to_vec()];
    stroke(
        &mut mask,
        Tool::Brush,
        13,
        &[p(10.0, 10.0), p(100.0, 80.0), p(20.0, 70.0)],
    );
    states.push(mask.pixels().to_vec());
    mask.fill_rect(Rect::new(50, 0, 30, 30), Tool::Brush);
    states.push(mask.pixels().to_vec());
    stroke(&mut mask, Tool::Eraser, 8, &[p(0.0, 45.0), p(120.0, 45.0)]);
    states.push(mask.pixels().to_vec());
    mask.invert();
    states.push(mask.pixels().to_vec());
    mask.fill_polygon(&[p(3.0, 3.0), p(110.0, 20.0), p(60.0, 88.0)], Tool::Eraser);
    states.push(mask.pixels().to_vec());
    mask.fill_bounding_box();
    states.push(mask.pixels().to_vec());
    assert_eq!(mask.undo_steps(), states.len() - 1);
    for expected in states.iter().rev().skip(1) {
        assert!(mask.undo().is_some());
        assert_eq!(mask.pixels(), &expected[..]);
    }
    assert_eq!(mask.undo(), None);
    for expected in states.iter().skip(1) {
        assert!(mask.redo().is_some());
        assert_eq!(mask.pixels(), &expected[..]);
    }
    assert_eq!(mask.redo(), None);
}

#[test]
fn a_stroke_is_one_step_and_a_new_edit_clears_redo() {
    let mut mask = mask(100, 100);
    let points: Vec<Point> = (0..50)
        .map(|i| p(i as f32 * 2.0, 50.0 + (i % 7) as f32))
        .collect();
    stroke(&mut mask, Tool::Brush, 5, &points);
    assert_eq!(mask.undo_steps(), 1);
    mask.fill_rect(Rect::new(0, 0, 5, 5), Tool::Brush);
    assert_eq!(mask.undo_steps(), 2);
    mask.undo();
    assert!(mask.can_redo());
    mask.fill_rect(Rect::new(90, 90, 5, 5), Tool::Brush);
    assert!(!mask.can_redo());
    assert_eq!(mask.redo(), None);
    assert_eq!(mask.undo_steps(), 2);
}

#[test]
fn an_edit_that_changes_nothing_records_no_step_and_keeps_redo() {
    let mut mask = mask(50, 50);
    mask.fill_rect(Rect::new(0, 0, 10, 10), Tool::Brush);
    mask.undo();
    stroke(&mut mask, Tool::Eraser, 9, &[p(25.0, 25.0), p(40.0, 40.0)]);
    assert_eq!(mask.undo_steps(), 0);
    assert!(mask.can_redo());
}

#[test]
fn undo_during_a_stroke_ends_it_and_undoes_it() {
    let mut mask = mask(50, 50);
    mask.begin_stroke(Tool::Brush, 5, p(10.0, 10.0));
    mask.extend_stroke(p(40.0, 10.0));
    assert!(mask.can_undo());
    assert!(mask.undo().is_some());
    assert!(!mask.is_stroking() && mask.is_blank());
    assert!(mask.redo().is_some());
    assert!(mask.get(25, 10));
}

#[test]
fn history_of_100_strokes_at_1080p_stays_under_the_budget() {
    let mut mask = mask(1920, 1080);
    let limits = mask.history_limits();
    let mut changed = 0;
    for i in 0..100 {
        // Mostly painting, every third stroke erasing, 10 to 58 px wide.
        let tool = if i % 3 == 2 {
            Tool::Eraser
        } else {
            Tool::Brush
        };
        let points = long_stroke_points(i);
        changed += usize::from(stroke(&mut mask, tool, 10 + (i % 5) * 12, &points));
    }
    assert_eq!(changed, 100, "every test stroke paints something new");
    assert_eq!(
        mask.undo_steps(),
        100,
        "default limits keep all 100 strokes"
    );
    let bytes = mask.history_bytes();
    println!("100 strokes at 1920x1080: {bytes} bytes of history");
    assert!(bytes <= limits.max_bytes);
    // Far below one copy of the image per step (100 × 2 MB).
    assert!(bytes < 4 << 20, "{bytes} bytes");
    while mask.undo().is_some() {}
    assert!(mask.is_blank());
}

#[test]
fn a_small_budget_drops_the_oldest_steps_first() {
    let mut mask = mask(1920, 1080);
    let budget = 40_000;
    mask.set_history_limits(HistoryLimits {
        max_bytes: budget,
        max_steps: 1000,
    });
    let mut states = Vec::new();
    for i in 0..100 {
        stroke(&mut mask, Tool::Brush, 24, &long_stroke_points(i));
        states.push(mask.pixels().to_vec());
        assert!(mask.history_bytes() <= budget);
    }
    let kept = mask.undo_steps();
    assert!((1..100).contains(&kept), "kept {kept} steps");
    // The newest steps are the ones kept: undoing them all lands on the state after the
    // oldest kept step, not on a blank mask.
    while mask.undo().is_some() {}
    assert_eq!(mask.pixels(), &states[99 - kept][..]);

    mask.set_history_limits(HistoryLimits {
        max_bytes: usize::MAX,
        max_steps: 3,
    });
    assert!(mask.redo_steps() <= 3);
    mask.fill_rect(Rect::new(0, 0, 10, 10), Tool::Brush);
    for _ in 0..5 {
        mask.invert();
    }
    assert_eq!(mask.undo_steps(), 3);
}

/// A long wavy stroke across the image, different for each `seed` (its own height, phase
/// and frequency), 200 samples.
fn long_stroke_points(seed: u32) -> Vec<Point> {
    let (base, phase) = (100.0 + seed as f32 * 8.8, seed as f32 * 2.399);
    let frequency = 3.0 + (seed % 5) as f32;
    (0..200)
        .map(|i| {
            let t = i as f32 / 199.0;
            p(
                40.0 + t * 1840.0,
                base + 80.0 * (t * frequency + phase).sin(),
            )
        })
        .collect()
}

// ----- import --------------------------------------------------------------------------------

/// Pixel values straddling the threshold, and the expected result.
const GREY_CASES: [(u8, bool); 6] = [
    (0, false),
    (1, false),
    (127, false),
    (128, true),
    (200, true),
    (255, true),
];

#[test]
fn grey_png_is_thresholded_at_128() {
    let data: Vec<u8> = GREY_CASES.iter().map(|c| c.0).collect();
    let mask = import(6, 1, ColorType::Grayscale, BitDepth::Eight, &data);
    let expected: Vec<bool> = GREY_CASES.iter().map(|c| c.1).collect();
    assert_eq!((0..6).map(|x| mask.get(x, 0)).collect::<Vec<_>>(), expected);
    assert!(mask.pixels().iter().all(|&v| v == 0 || v == 255));
}

#[test]
fn sixteen_bit_grey_png_is_thresholded_on_its_high_byte() {
    let values: [u16; 4] = [0, 0x7FFF, 0x8000, 0xFFFF];
    let data: Vec<u8> = values.iter().flat_map(|v| v.to_be_bytes()).collect();
    let mask = import(4, 1, ColorType::Grayscale, BitDepth::Sixteen, &data);
    assert_eq!(mask.pixels(), &[0, 0, 255, 255]);
}

#[test]
fn one_bit_grey_png_is_read() {
    let mask = import(
        8,
        2,
        ColorType::Grayscale,
        BitDepth::One,
        &[0b1010_0001, 0xFF],
    );
    assert_eq!(&mask.pixels()[..8], &[255, 0, 255, 0, 0, 0, 0, 255]);
    assert!(mask.pixels()[8..].iter().all(|&v| v == 255));
}

#[test]
fn grey_alpha_png_composites_over_black() {
    // (grey, alpha): transparent white is black; white at alpha 128 is just white.
    let pixels = [
        (255u8, 0u8),
        (255, 127),
        (255, 128),
        (128, 255),
        (127, 255),
        (0, 255),
    ];
    let data: Vec<u8> = pixels.iter().flat_map(|&(g, a)| [g, a]).collect();
    let mask = import(6, 1, ColorType::GrayscaleAlpha, BitDepth::Eight, &data);
    assert_eq!(mask.pixels(), &[0, 0, 255, 255, 0, 0]);
}

#[test]
fn rgb_and_rgba_pngs_use_luminance() {
    // Red 76, green 150, blue 29, and a grey just at the threshold.
    let rgb = [
        [255u8, 0, 0],
        [0, 255, 0],
        [0, 0, 255],
        [128, 128, 128],
        [127, 127, 127],
    ];
    let expected = [0u8, 255, 0, 255, 0];
    let data: Vec<u8> = rgb.iter().flatten().copied().collect();
    assert_eq!(
        import(5, 1, ColorType::Rgb, BitDepth::Eight, &data).pixels(),
        &expected
    );

    let data: Vec<u8> = rgb.iter().flat_map(|c| [c[0], c[1], c[2], 255]).collect();
    assert_eq!(
        import(5, 1, ColorType::Rgba, BitDepth::Eight, &data).pixels(),
        &expected
    );

    let transparent = [255u8, 255, 255, 0, 255, 255, 255, 255];
    assert_eq!(
        import(2, 1, ColorType::Rgba, BitDepth::Eight, &transparent).pixels(),
        &[0, 255]
    );

    let data: Vec<u8> = [[0u8, 0x80, 0, 0x00, 0, 0, 0xFF, 0xFF], [0xFF; 8]].concat();
    // Green 128 → luminance 75: black; opaque white: white.
    assert_eq!(
        import(2, 1, ColorType::Rgba, BitDepth::Sixteen, &data).pixels(),
        &[0, 255]
    );
}

#[test]
fn palette_png_with_transparency_is_read() {
    let palette = [0u8, 0, 0, 255, 255, 255, 255, 255, 255];
    let alpha = [255u8, 255, 0];
    let png = encode(
        3,
        1,
        ColorType::Indexed,
        BitDepth::Eight,
        &[0, 1, 2],
        Some((&palette, &alpha)),
    );
    assert_eq!(
        MaskBitmap::from_png(&png, 3, 1).unwrap().pixels(),
        &[0, 255, 0]
    );
}

#[test]
fn a_png_of_another_size_is_a_size_mismatch() {
    let png = encode(
        4,
        3,
        ColorType::Grayscale,
        BitDepth::Eight,
        &[255; 12],
        None,
    );
    let expected = CoreError::SizeMismatch {
        expected_width: 1920,
        expected_height: 1080,
        width: 4,
        height: 3,
    };
    assert_eq!(
        MaskBitmap::from_png(&png, 1920, 1080).unwrap_err(),
        expected
    );
    let mut mask = mask(4, 4);
    mask.fill_rect(Rect::new(1, 1, 2, 2), Tool::Brush);
    assert!(matches!(
        mask.import_png(&png),
        Err(CoreError::SizeMismatch { .. })
    ));
    assert_eq!(mask.white_pixels(), 4, "unchanged after a failed import");
    assert!(matches!(
        mask.import_png(b"not a png"),
        Err(CoreError::Image(_))
    ));
}

#[test]
fn import_is_one_undoable_step() {
    let mut source = mask(40, 30);
    source.fill_polygon(&[p(2.0, 2.0), p(38.0, 5.0), p(20.0, 28.0)], Tool::Brush);
    let png = source.to_png().unwrap();
    let mut mask = mask(40, 30);
    mask.fill_rect(Rect::new(0, 0, 40, 3), Tool::Brush);
    let before = mask.pixels().to_vec();
    assert_eq!(mask.import_png(&png).unwrap(), Some(mask.bounds()));
    assert_eq!(mask.pixels(), source.pixels());
    mask.undo();
    assert_eq!(mask.pixels(), &before[..]);
}

#[test]
fn raw_rgba_import_thresholds_like_png() {
    let mut mask = mask(3, 2);
    let rgba = [
        255, 255, 255, 255, /**/ 255, 255, 255, 0, /**/ 0, 255, 0, 255, //
        128, 128, 128, 255, /**/ 127, 127, 127, 255, /**/ 255, 0, 0, 255,
    ];
    assert!(mask.import_rgba(&rgba, 3, 2).unwrap().is_some());
    assert_eq!(mask.pixels(), &[255, 0, 255, 255, 0, 0]);
    assert!(matches!(
        mask.import_rgba(&rgba, 2, 3),
        Err(CoreError::SizeMismatch {
            expected_width: 3,
            expected_height: 2,
            width: 2,
            height: 3
        })
    ));
    assert!(matches!(
        mask.import_rgba(&rgba[..20], 3, 2),
        Err(CoreError::Image(_))
    ));
}

// ----- overlay -------------------------------------------------------------------------------

#[test]
fn overlay_tints_only_the_requested_rectangle_and_never_the_mask() {
    let mut mask = mask(20, 10);
    mask.fill_rect(Rect::new(5, 2, 6, 4), Tool::Brush);
    let before = mask.pixels().to_vec();
    let style = OverlayStyle {
        colour: [10, 20, 30],
        opacity: 99,
    };
    let mut full = vec![7u8; 20 * 10 * 4];
    let dirty = Rect::new(4, 1, 3, 2);
    mask.render_overlay_full(dirty, style, &mut full).unwrap();
    for y in 0..10 {
        for x in 0..20 {
            let pixel = &full[(y * 20 + x) as usize * 4..][..4];
            let expected: [u8; 4] = if !dirty.contains(x, y) {
                [7; 4]
            } else if mask.get(x, y) {
                [10, 20, 30, 99]
            } else {
                [0; 4]
            };
            assert_eq!(pixel, expected, "pixel ({x}, {y})");
        }
    }
    let mut patch = vec![1u8; 3 * 2 * 4];
    mask.render_overlay(dirty, style, &mut patch).unwrap();
    // Row 1 lies above the filled rectangle; on row 2, x = 4 is kept and x = 5 edited.
    assert!(patch[..12].iter().all(|&b| b == 0));
    assert_eq!(
        &patch[12..24],
        &[0, 0, 0, 0, 10, 20, 30, 99, 10, 20, 30, 99]
    );
    assert_eq!(mask.pixels(), &before[..]);
    assert!(mask
        .render_overlay(Rect::new(18, 0, 5, 1), style, &mut [0; 20])
        .is_err());
    assert!(mask.render_overlay(dirty, style, &mut [0; 8]).is_err());
}

// ----- properties ----------------------------------------------------------------------------

/// A random edit, drawn from every tool.
#[derive(Debug, Clone)]
enum Edit {
    Stroke(Tool, u32, Vec<(f32, f32)>),
    Rect(Tool, u32, u32, u32, u32),
    Lasso(Tool, Vec<(f32, f32)>),
    Invert,
    BoundingBox,
}

fn tool() -> impl Strategy<Value = Tool> {
    prop_oneof![Just(Tool::Brush), Just(Tool::Eraser)]
}

fn points(min: usize) -> impl Strategy<Value = Vec<(f32, f32)>> {
    prop::collection::vec((-10.0f32..90.0, -10.0f32..70.0), min..12)
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        4 => (tool(), 1u32..25, points(1)).prop_map(|(t, d, p)| Edit::Stroke(t, d, p)),
        2 => (tool(), 0u32..90, 0u32..70, 0u32..40, 0u32..40)
            .prop_map(|(t, x, y, w, h)| Edit::Rect(t, x, y, w, h)),
        2 => (tool(), points(3)).prop_map(|(t, p)| Edit::Lasso(t, p)),
        1 => Just(Edit::Invert),
        1 => Just(Edit::BoundingBox),
    ]
}

fn apply(mask: &mut MaskBitmap, edit: &Edit) {
    let to_points = |v: &[(f32, f32)]| v.iter().map(|&(x, y)| p(x, y)).collect::<Vec<_>>();
    match edit {
        Edit::Stroke(tool, diameter, samples) => {
            stroke(mask, *tool, *diameter, &to_points(samples));
        }
        Edit::Rect(tool, x, y, w, h) => {
            mask.fill_rect(Rect::new(*x, *y, *w, *h), *tool);
        }
        Edit::Lasso(tool, vertices) => {
            mask.fill_polygon(&to_points(vertices), *tool);
        }
        Edit::Invert => {
            mask.invert();
        }
        Edit::BoundingBox => {
            mask.fill_bounding_box();
        }
    }
}

/// An 80×60 mask after `edits`: the random starting point of the properties that hold for
/// any mask.
fn edited(edits: &[Edit]) -> MaskBitmap {
    let mut mask = mask(80, 60);
    edits.iter().for_each(|e| apply(&mut mask, e));
    mask
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn random_strokes_then_undo_all_give_a_blank_mask(
        strokes in prop::collection::vec((tool(), 1u32..30, points(1)), 1..12)
    ) {
        let mut mask = mask(80, 60);
        for (tool, diameter, samples) in &strokes {
            apply(&mut mask, &Edit::Stroke(*tool, *diameter, samples.clone()));
        }
        while mask.undo().is_some() {}
        prop_assert!(mask.is_blank());
        prop_assert!(mask.pixels().iter().all(|&v| v == 0));
    }

    #[test]
    fn random_edits_undo_and_redo_exactly(edits in prop::collection::vec(edit(), 1..10)) {
        let mut mask = mask(80, 60);
        let mut states = vec![mask.pixels().to_vec()];
        for edit in &edits {
            apply(&mut mask, edit);
            if mask.undo_steps() == states.len() {
                states.push(mask.pixels().to_vec());
            } else {
                prop_assert_eq!(mask.pixels(), &states[states.len() - 1][..]);
            }
        }
        for expected in states.iter().rev().skip(1) {
            prop_assert!(mask.undo().is_some());
            prop_assert_eq!(mask.pixels(), &expected[..]);
        }
        for expected in states.iter().skip(1) {
            prop_assert!(mask.redo().is_some());
            prop_assert_eq!(mask.pixels(), &expected[..]);
        }
    }

    #[test]
    fn invert_twice_is_identity(edits in prop::collection::vec(edit(), 0..6)) {
        let mut mask = edited(&edits);
        let before = mask.pixels().to_vec();
        mask.invert();
        prop_assert!(mask.pixels().iter().zip(&before).all(|(a, b)| a ^ b == 0xFF));
        mask.invert();
        prop_assert_eq!(mask.pixels(), &before[..]);
    }

    #[test]
    fn export_then_import_is_identity(edits in prop::collection::vec(edit(), 0..6)) {
        let mask = edited(&edits);
        let png = mask.to_png().unwrap();
        let (_, raw) = decode_raw(&png);
        prop_assert!(raw.iter().all(|&v| v == 0 || v == 255));
        let imported = MaskBitmap::from_png(&png, 80, 60).unwrap();
        prop_assert_eq!(imported.pixels(), mask.pixels());
    }

    #[test]
    fn lasso_matches_the_winding_number(vertices in points(3)) {
        // Vertices off the pixel-centre grid by construction (x.25), so no exact ties.
        let vertices: Vec<(f64, f64)> = vertices
            .iter()
            .map(|&(x, y)| (f64::from(x.round()) + 0.25, f64::from(y.round()) + 0.25))
            .collect();
        let mut mask = mask(80, 60);
        let points = points_of(&vertices);
        mask.fill_polygon(&points, Tool::Brush);
        for y in 0..60 {
            for x in 0..80 {
                prop_assert_eq!(mask.get(x, y), winding(centre(x, y), &vertices) != 0);
            }
        }
    }

    #[test]
    fn a_stroke_matches_the_union_of_its_capsules(
        diameter in 1u32..20,
        samples in prop::collection::vec((-10i32..90, -10i32..70), 1..8),
    ) {
        // Samples already where brushes centre (pixel centres for odd, corners for even).
        let offset = if diameter % 2 == 1 { 0.5 } else { 0.0 };
        let samples: Vec<(f64, f64)> = samples
            .iter()
            .map(|&(x, y)| (f64::from(x) + offset, f64::from(y) + offset))
            .collect();
        let mut mask = mask(80, 60);
        let points = points_of(&samples);
        stroke(&mut mask, Tool::Brush, diameter, &points);
        let radius_sq = f64::from(diameter * diameter) / 4.0;
        let first = [samples[0], samples[0]];
        for y in 0..60 {
            for x in 0..80 {
                let c = centre(x, y);
                let inside = std::iter::once(&first[..])
                    .chain(samples.windows(2))
                    .any(|w| distance_sq(c, w[0], w[1]) <= radius_sq);
                prop_assert_eq!(mask.get(x, y), inside, "pixel ({}, {})", x, y);
            }
        }
    }
}
