//! Tests of [`EditorState`]: opening on a video, tool switching and gestures, undo/redo,
//! one mask per video while the frame changes, the export of an empty mask, and the zoom/pan math of the view.

use wanedit_core::mask::OverlayStyle;
use wanedit_core::{IssueCode, Severity};

use super::keys::{Action, ToolKind};
use super::state::{
    brush_cursor_box, overlay_style, px, EditorState, Ended, Export, Init, MaskStore, Moved,
    Source, FALLBACK_FPS, INITIAL_DIAMETER, MASK_PATH,
};

/// A 640×360 video, 2 s at 16 fps (frames 1 ..= 33).
fn source(key: &str) -> Source {
    Source {
        key: key.into(),
        url: format!("blob:{key}"),
        size: Some((640, 360)),
        fps: Some(16.0),
        duration: Some(2.0),
    }
}

/// An editor open on `source("v")` at frame 1, the view at zoom 1 with no pan (screen
/// pixels = image pixels).
fn ready(store: &mut MaskStore) -> EditorState {
    let mut s = EditorState::default();
    assert!(!s.open(source("v")));
    assert_eq!(
        s.init((0, 0), 0.0, "", store),
        Init::Ready { fps_assumed: false }
    );
    s
}

/// A press, moves through `points` and a release with pointer 1 and the left button.
fn drag(s: &mut EditorState, points: &[(f64, f64)], alt: bool) -> Option<Ended> {
    let (x0, y0) = points[0];
    s.pointer_down(x0, y0, 1, 0, alt)?;
    for &(x, y) in &points[1..] {
        s.pointer_move(1, x, y, || vec![(x, y)]);
    }
    let &(x1, y1) = points.last()?;
    s.pointer_up(1, x1, y1)
}

fn white(s: &EditorState, x: u32, y: u32) -> bool {
    s.mask.as_ref().is_some_and(|m| m.get(x, y))
}

#[test]
fn init_takes_the_form_size_frame_rate_and_frame() {
    let mut store = MaskStore::default();
    let mut s = EditorState::default();
    assert_eq!(s.init((640, 360), 2.0, "1", &mut store), Init::NoSource);
    s.open(source("v"));
    assert_eq!(
        s.init((1, 1), 9.0, " 7 ", &mut store),
        Init::Ready { fps_assumed: false }
    );
    assert_eq!((s.width, s.height, s.max_frame, s.frame), (640, 360, 33, 7));
    let m = s.mask.as_ref().expect("a blank mask");
    assert_eq!((m.width(), m.height(), m.coverage()), (640, 360, 0.0));
    assert!(s.open(source("v")), "the same video is open");

    // A URL: the <video>'s size and length, the frame rate assumed, the frame clamped.
    let mut s = EditorState::default();
    s.open(Source {
        size: None,
        fps: None,
        duration: None,
        ..source("u")
    });
    assert_eq!(s.init((0, 0), 3.0, "5", &mut store), Init::UnknownSize);
    assert_eq!(
        s.init((320, 240), 1.0, "99", &mut store),
        Init::Ready { fps_assumed: true }
    );
    assert_eq!((s.width, s.height, s.fps), (320, 240, FALLBACK_FPS));
    assert_eq!((s.max_frame, s.frame), (31, 31));
}

#[test]
fn brush_strokes_and_undo_redo() {
    let mut store = MaskStore::default();
    let mut s = ready(&mut store);
    assert_eq!(s.tool, ToolKind::Brush);
    assert_eq!(s.diameter, INITIAL_DIAMETER);
    let ended = drag(&mut s, &[(100.0, 100.0), (200.0, 100.0)], false);
    assert_eq!(
        ended,
        Some(Ended { dirty: None }),
        "a stroke paints as it moves"
    );
    assert!(white(&s, 150, 100) && white(&s, 150, 120) && !white(&s, 150, 130));
    let h = s.history().expect("a mask");
    assert_eq!((h.undo_steps, h.redo_steps), (1, 0));
    assert!(h.coverage > 0.0);

    assert!(s.edit(Action::Undo).is_some());
    assert!(!white(&s, 150, 100));
    let h = s.history().expect("a mask");
    assert_eq!((h.undo_steps, h.redo_steps, h.coverage), (0, 1, 0.0));
    assert!(s.edit(Action::Redo).is_some());
    assert!(white(&s, 150, 100));
    assert_eq!(s.history().map(|h| h.undo_steps), Some(1));
    // A new edit drops what could be redone.
    s.edit(Action::Undo);
    s.edit(Action::Invert);
    let h = s.history().expect("a mask");
    assert_eq!((h.undo_steps, h.redo_steps), (1, 0));
    assert_eq!(h.coverage, 1.0);
    s.edit(Action::Clear);
    assert_eq!(s.history().map(|h| h.coverage), Some(0.0));
    // Actions that are not edits change nothing.
    assert_eq!(s.edit(Action::Fit), None);
    assert_eq!(s.history().map(|h| h.undo_steps), Some(2));
}

#[test]
fn tools_choose_the_gesture() {
    let mut store = MaskStore::default();
    let mut s = ready(&mut store);
    // Rectangle: a preview while dragging, filled on release.
    s.set_tool(ToolKind::Rect);
    assert!(s.pointer_down(300.0, 200.0, 1, 0, false).is_some());
    assert!(
        s.pointer_down(0.0, 0.0, 2, 0, false).is_none(),
        "one gesture at a time"
    );
    assert_eq!(
        s.pointer_move(1, 250.0, 260.0, Vec::new),
        Moved::RectPreview((250.0, 200.0, 50.0, 60.0))
    );
    assert_eq!(s.pointer_move(2, 0.0, 0.0, Vec::new), Moved::Idle);
    assert_eq!(s.pointer_up(2, 0.0, 0.0), None, "another pointer");
    let ended = s.pointer_up(1, 250.0, 260.0).expect("ended");
    assert!(ended.dirty.is_some());
    assert!(white(&s, 275, 230) && !white(&s, 240, 230));
    // Alt erases with the rectangle.
    s.pointer_down(260.0, 210.0, 1, 0, true);
    s.pointer_up(1, 290.0, 250.0);
    assert!(!white(&s, 275, 230) && white(&s, 255, 255));

    // Lasso: the polygon so far as SVG points, filled on release.
    s.set_tool(ToolKind::Lasso);
    s.pointer_down(10.0, 10.0, 1, 0, false);
    assert_eq!(
        s.pointer_move(1, 90.0, 10.0, || vec![(50.0, 10.0), (90.0, 10.0)]),
        Moved::LassoPreview("10.0,10.0 50.0,10.0 90.0,10.0".into())
    );
    s.pointer_move(1, 50.0, 90.0, || vec![(50.0, 90.0)]);
    assert!(s.pointer_up(1, 50.0, 90.0).and_then(|e| e.dirty).is_some());
    assert!(white(&s, 50, 30) && !white(&s, 15, 80));

    // Eraser: a stroke that clears.
    s.set_tool(ToolKind::Eraser);
    drag(&mut s, &[(50.0, 30.0), (51.0, 30.0)], false);
    assert!(!white(&s, 50, 30));

    // The hand tool, Space, or the middle button pan; the right button does nothing.
    let undo = s.history().map(|h| h.undo_steps);
    s.set_tool(ToolKind::Pan);
    drag(&mut s, &[(0.0, 0.0), (30.0, -20.0)], false);
    assert_eq!((s.view.pan_x, s.view.pan_y), (30.0, -20.0));
    s.set_tool(ToolKind::Brush);
    s.set_space(true);
    drag(&mut s, &[(0.0, 0.0), (-10.0, 5.0)], false);
    s.set_space(false);
    assert_eq!((s.view.pan_x, s.view.pan_y), (20.0, -15.0));
    assert!(s.pointer_down(0.0, 0.0, 1, 1, false).is_some());
    assert_eq!(s.pointer_move(1, 5.0, 5.0, Vec::new), Moved::Panned);
    s.pointer_up(1, 5.0, 5.0);
    assert_eq!((s.view.pan_x, s.view.pan_y), (25.0, -10.0));
    assert!(s.pointer_down(0.0, 0.0, 1, 2, false).is_none());
    assert_eq!(
        s.history().map(|h| h.undo_steps),
        undo,
        "panning draws nothing"
    );
}

#[test]
fn strokes_land_where_the_view_puts_the_image() {
    let mut store = MaskStore::default();
    let mut s = ready(&mut store);
    // 320×180 viewport: the image at half size, no margin.
    s.fit(320.0, 180.0);
    assert_eq!((s.view.zoom, s.view.pan_x, s.view.pan_y), (0.5, 0.0, 0.0));
    // A 320×360 viewport: half size, centred vertically.
    s.fit(320.0, 360.0);
    assert_eq!((s.view.zoom, s.view.pan_x, s.view.pan_y), (0.5, 0.0, 90.0));
    drag(&mut s, &[(50.0, 140.0), (60.0, 140.0)], false);
    assert!(white(&s, 110, 100), "screen (55, 140) is image (110, 100)");
    assert!(!white(&s, 55, 140));

    // The wheel zooms towards the cursor: the image point under it stays put.
    let before = s.view.to_image(200.0, 150.0);
    s.wheel_zoom(-100.0, 0, 200.0, 150.0);
    assert!(s.view.zoom > 0.5);
    let after = s.view.to_image(200.0, 150.0);
    assert!((before.0 - after.0).abs() < 1e-9 && (before.1 - after.1).abs() < 1e-9);
    s.wheel_zoom(100.0, 0, 200.0, 150.0);
    assert!(
        (s.view.zoom - 0.5).abs() < 1e-12,
        "a notch out undoes a notch in"
    );
}

#[test]
fn the_mask_stays_while_the_frame_changes() {
    let mut store = MaskStore::default();
    let mut s = ready(&mut store);
    drag(&mut s, &[(100.0, 100.0), (120.0, 100.0)], false);
    let coverage = s.history().map(|h| h.coverage);
    assert!(coverage.unwrap() > 0.0);
    assert!(!s.go_to_frame(1), "already there");
    assert_eq!(s.frame_step(-1), 1);
    assert_eq!(s.frame_step(1), 2);
    assert!(s.go_to_frame(s.frame_step(1)));
    assert_eq!(s.frame, 2);
    assert!(
        white(&s, 110, 100),
        "scrubbing picks the frame, the drawing stays"
    );
    assert_eq!(s.history().map(|h| h.coverage), coverage);
    assert_eq!(
        s.history().map(|h| h.undo_steps),
        Some(1),
        "with its history"
    );
    assert!(s.go_to_frame(500));
    assert_eq!(s.frame, 33, "kept within the video");
    assert!(white(&s, 110, 100));

    // A stroke under way when the frame changes ends as one undo step.
    s.pointer_down(300.0, 300.0, 1, 0, false);
    s.pointer_move(1, 320.0, 300.0, || vec![(320.0, 300.0)]);
    assert!(s.go_to_frame(3));
    assert_eq!(s.history().map(|h| h.undo_steps), Some(2));
    assert_eq!(s.pointer_up(1, 320.0, 300.0), None, "the gesture ended");

    // The export applies the one mask to the frame shown.
    match s.export(false) {
        Export::Png { frame, issues, .. } => {
            assert_eq!(frame, 3);
            assert!(issues.is_empty(), "{issues:?}");
        }
        other => panic!("{other:?}"),
    }

    // Closing keeps the mask; a new editor on the same video restores it, at the form's frame.
    s.store_mask(&mut store);
    assert!(s.mask.is_none());
    let mut again = EditorState::default();
    again.open(source("v"));
    again.init((0, 0), 0.0, "9", &mut store);
    assert_eq!(again.frame, 9);
    assert!(white(&again, 110, 100));
    assert!(white(&again, 310, 300));
    // Another video starts blank.
    let mut other = EditorState::default();
    other.open(source("w"));
    other.init((0, 0), 0.0, "1", &mut store);
    assert!(!white(&other, 110, 100));
}

#[test]
fn an_empty_mask_is_exported_only_when_confirmed() {
    let mut store = MaskStore::default();
    let mut s = ready(&mut store);
    assert!(matches!(
        EditorState::default().export(false),
        Export::NoMask
    ));
    let empty = match s.export(false) {
        Export::Confirm(issue) => issue,
        other => panic!("a blank mask needs asking: {other:?}"),
    };
    assert_eq!(empty.code, IssueCode::MaskEmpty);
    assert_eq!(empty.severity, Severity::Error);
    assert_eq!(empty.path, MASK_PATH);
    match s.export(true) {
        Export::Png { issues, .. } => assert_eq!(issues, vec![empty], "the form sees the error"),
        other => panic!("{other:?}"),
    }

    // Drawn then erased is empty again; all white exports with the warning.
    drag(&mut s, &[(10.0, 10.0), (20.0, 10.0)], false);
    assert!(matches!(s.export(false), Export::Png { ref issues, .. } if issues.is_empty()));
    s.edit(Action::Clear);
    assert!(matches!(s.export(false), Export::Confirm(_)));
    s.edit(Action::Invert);
    match s.export(false) {
        Export::Png { issues, .. } => {
            assert_eq!(issues.len(), 1);
            assert_eq!(issues[0].code, IssueCode::MaskFull);
            assert_eq!(issues[0].severity, Severity::Warning);
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn brush_size_style_cursor_and_export() {
    let mut store = MaskStore::default();
    let mut s = ready(&mut store);
    assert_eq!(s.step_diameter(true), 56);
    assert_eq!(s.step_diameter(false), 48);
    assert_eq!(s.diameter, 48);

    // The slider's 50 % is 127 of 255 (the default style's 128 is not what the slider gives).
    assert_eq!(
        overlay_style("#ff0000", 50),
        OverlayStyle {
            opacity: 127,
            ..OverlayStyle::default()
        }
    );
    assert_eq!(
        overlay_style("#00ff80", 100),
        OverlayStyle {
            colour: [0, 255, 128],
            opacity: 255
        }
    );
    assert_eq!(overlay_style("nonsense", 200).colour, [255, 0, 0]);
    s.set_style(overlay_style("#0000ff", 10));
    assert_eq!(s.style.opacity, 25);

    let css = |b: Option<(f64, f64, f64, f64)>| b.map(|(l, t, w, h)| [px(l), px(t), px(w), px(h)]);
    assert_eq!(
        css(brush_cursor_box(
            Some((100.0, 50.0)),
            ToolKind::Brush,
            48,
            0.5
        )),
        Some(["88.0px", "38.0px", "24.0px", "24.0px"].map(String::from))
    );
    assert_eq!(
        css(brush_cursor_box(
            Some((10.0, 10.0)),
            ToolKind::Eraser,
            1,
            0.5
        )),
        Some(["8.5px", "8.5px", "3.0px", "3.0px"].map(String::from)),
        "at least 3 px"
    );
    assert_eq!(
        brush_cursor_box(Some((1.0, 1.0)), ToolKind::Rect, 48, 1.0),
        None
    );
    assert_eq!(brush_cursor_box(None, ToolKind::Brush, 48, 1.0), None);

    s.go_to_frame(4);
    let Export::Png { png, frame, .. } = s.export(true) else {
        panic!("a mask");
    };
    assert_eq!(frame, 4);
    assert_eq!(&png[1..4], b"PNG");
}
