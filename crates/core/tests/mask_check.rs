//! The rule on a mask's content (`mask::check_mask_pixels`, `MaskBitmap::check`): all black is
//! an error, all white a warning, anything between is fine; a PNG read back is checked alike.
#![cfg(feature = "mask")]

use wanedit_core::mask::{check_mask_pixels, MaskBitmap, Point, Rect, Tool};
use wanedit_core::{IssueCode, Severity};

const PATH: &str = "input.mask_image_url";

#[test]
fn all_black_is_an_error_naming_the_field() {
    let mask = MaskBitmap::new(64, 36).unwrap();
    let issues = mask.check(PATH);
    assert_eq!(issues.len(), 1, "{issues:?}");
    assert_eq!(issues[0].code, IssueCode::MaskEmpty);
    assert_eq!(issues[0].severity, Severity::Error);
    assert_eq!(issues[0].path, PATH);
    assert!(issues[0].message.starts_with(PATH), "{}", issues[0].message);
    assert!(
        issues[0].message.contains("all black"),
        "{}",
        issues[0].message
    );
}

#[test]
fn all_white_is_a_warning() {
    let mut mask = MaskBitmap::new(64, 36).unwrap();
    mask.invert();
    let issues = mask.check(PATH);
    assert_eq!(issues.len(), 1, "{issues:?}");
    assert_eq!(issues[0].code, IssueCode::MaskFull);
    assert_eq!(issues[0].severity, Severity::Warning);
}

#[test]
fn a_partial_mask_passes_and_one_pixel_either_way_counts() {
    let mut mask = MaskBitmap::new(64, 36).unwrap();
    mask.begin_stroke(Tool::Brush, 1, Point::new(10.5, 10.5));
    mask.end_stroke();
    assert_eq!(mask.white_pixels(), 1);
    assert!(mask.check(PATH).is_empty());
    // All white but one pixel: not full.
    mask.invert();
    assert_eq!(mask.white_pixels(), 64 * 36 - 1);
    assert!(mask.check(PATH).is_empty());
    mask.fill_rect(Rect::new(0, 0, 64, 36), Tool::Brush);
    assert_eq!(mask.check(PATH)[0].code, IssueCode::MaskFull);
}

#[test]
fn counts_decide_and_an_empty_image_is_left_to_the_size_rules() {
    assert_eq!(
        check_mask_pixels(0, 100, PATH)[0].code,
        IssueCode::MaskEmpty
    );
    assert_eq!(
        check_mask_pixels(100, 100, PATH)[0].code,
        IssueCode::MaskFull
    );
    assert!(check_mask_pixels(1, 100, PATH).is_empty());
    assert!(check_mask_pixels(99, 100, PATH).is_empty());
    assert!(check_mask_pixels(0, 0, PATH).is_empty());
}

#[test]
fn a_png_read_back_is_checked_like_the_drawn_mask() {
    let blank = MaskBitmap::new(40, 30).unwrap().to_png().unwrap();
    let read = MaskBitmap::from_png(&blank, 40, 30).unwrap();
    assert_eq!(read.check(PATH)[0].code, IssueCode::MaskEmpty);
    let mut painted = MaskBitmap::new(40, 30).unwrap();
    painted.fill_rect(Rect::new(5, 5, 10, 10), Tool::Brush);
    let read = MaskBitmap::from_png(&painted.to_png().unwrap(), 40, 30).unwrap();
    assert!(read.check(PATH).is_empty());
}
