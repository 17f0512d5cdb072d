//! Keyboard shortcuts of the mask editor (also listed in its help popover, see [`HELP`]).

/// A drawing tool of the editor.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ToolKind {
    /// Round brush: paints edited (white).
    Brush,
    /// Round eraser: paints kept (black).
    Eraser,
    /// Rectangle drag (with Alt: erase).
    Rect,
    /// Freehand lasso polygon (with Alt: erase).
    Lasso,
    /// Drag to pan the view (hand).
    Pan,
}

impl ToolKind {
    /// All tools, in toolbar order.
    pub const ALL: [ToolKind; 5] = [
        ToolKind::Brush,
        ToolKind::Eraser,
        ToolKind::Rect,
        ToolKind::Lasso,
        ToolKind::Pan,
    ];

    /// Stable name (`data-tool`).
    pub const fn slug(self) -> &'static str {
        match self {
            ToolKind::Brush => "brush",
            ToolKind::Eraser => "eraser",
            ToolKind::Rect => "rect",
            ToolKind::Lasso => "lasso",
            ToolKind::Pan => "pan",
        }
    }

    /// Toolbar label with its key.
    pub const fn label(self) -> &'static str {
        match self {
            ToolKind::Brush => "Brush (B)",
            ToolKind::Eraser => "Eraser (E)",
            ToolKind::Rect => "Rectangle (R)",
            ToolKind::Lasso => "Lasso (L)",
            ToolKind::Pan => "Pan (H)",
        }
    }

    /// Whether the tool draws with the round brush (shows the brush outline cursor).
    pub const fn uses_brush(self) -> bool {
        matches!(self, ToolKind::Brush | ToolKind::Eraser)
    }
}

/// What a key press does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Choose a tool.
    Tool(ToolKind),
    /// Invert the mask.
    Invert,
    /// Clear the mask.
    Clear,
    /// Smaller brush.
    Smaller,
    /// Larger brush.
    Larger,
    /// Undo.
    Undo,
    /// Redo.
    Redo,
    /// Previous frame.
    PrevFrame,
    /// Next frame.
    NextFrame,
    /// Fit the image to the view.
    Fit,
    /// Toggle the help popover.
    Help,
    /// Close the editor (the mask is kept in memory).
    Close,
}

/// The action of a key (`KeyboardEvent.key`) with Ctrl or Cmd (`command`), Shift and Alt.
pub fn action(key: &str, command: bool, shift: bool, alt: bool) -> Option<Action> {
    let lower = key.to_ascii_lowercase();
    if command {
        return match lower.as_str() {
            "z" if shift => Some(Action::Redo),
            "z" => Some(Action::Undo),
            "y" if !shift => Some(Action::Redo),
            _ => None,
        };
    }
    if alt {
        return None;
    }
    Some(match lower.as_str() {
        "b" if !shift => Action::Tool(ToolKind::Brush),
        "e" if !shift => Action::Tool(ToolKind::Eraser),
        "r" if !shift => Action::Tool(ToolKind::Rect),
        "l" if !shift => Action::Tool(ToolKind::Lasso),
        "h" if !shift => Action::Tool(ToolKind::Pan),
        "i" if shift => Action::Invert,
        "delete" | "backspace" => Action::Clear,
        "[" | "{" => Action::Smaller,
        "]" | "}" => Action::Larger,
        "," | "<" | "arrowleft" => Action::PrevFrame,
        "." | ">" | "arrowright" => Action::NextFrame,
        "f" | "0" if !shift => Action::Fit,
        "?" => Action::Help,
        "escape" => Action::Close,
        _ => return None,
    })
}

/// The shortcut list of the help popover: (keys, what).
pub const HELP: &[(&str, &str)] = &[
    ("B / E", "brush / eraser"),
    ("R / L", "rectangle / lasso (Alt+drag erases)"),
    ("H or Space+drag", "pan"),
    ("Wheel", "zoom towards the cursor"),
    ("F or 0", "fit to view"),
    ("[ / ] or Shift+wheel", "brush size (down to 1 px)"),
    ("Shift+I", "invert"),
    ("Delete", "clear"),
    ("Ctrl/Cmd+Z", "undo"),
    ("Ctrl/Cmd+Shift+Z, Ctrl+Y", "redo"),
    (", / . or ← / →", "previous / next frame"),
    ("?", "this help"),
    ("Esc", "close (the mask is kept)"),
];

/// What a pointer drag does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Gesture {
    /// A brush or eraser stroke.
    Stroke,
    /// A rectangle drag.
    Rect,
    /// A lasso.
    Lasso,
    /// Panning the view.
    Pan,
}

/// The gesture a pointer press starts: Space held, the hand tool or the middle button pan;
/// the right button does nothing; otherwise the tool decides.
pub fn gesture_for(tool: ToolKind, space_held: bool, button: i16) -> Option<Gesture> {
    match button {
        1 => return Some(Gesture::Pan),
        b if b > 1 => return None,
        _ => {}
    }
    if space_held {
        return Some(Gesture::Pan);
    }
    Some(match tool {
        ToolKind::Brush | ToolKind::Eraser => Gesture::Stroke,
        ToolKind::Rect => Gesture::Rect,
        ToolKind::Lasso => Gesture::Lasso,
        ToolKind::Pan => Gesture::Pan,
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn gestures() {
        assert_eq!(
            gesture_for(ToolKind::Brush, false, 0),
            Some(Gesture::Stroke)
        );
        assert_eq!(
            gesture_for(ToolKind::Eraser, false, 0),
            Some(Gesture::Stroke)
        );
        assert_eq!(gesture_for(ToolKind::Rect, false, 0), Some(Gesture::Rect));
        assert_eq!(gesture_for(ToolKind::Lasso, false, 0), Some(Gesture::Lasso));
        assert_eq!(gesture_for(ToolKind::Brush, true, 0), Some(Gesture::Pan));
        assert_eq!(gesture_for(ToolKind::Pan, false, 0), Some(Gesture::Pan));
        assert_eq!(gesture_for(ToolKind::Brush, false, 1), Some(Gesture::Pan));
        assert_eq!(gesture_for(ToolKind::Brush, false, 2), None);
        assert_eq!(
            gesture_for(ToolKind::Brush, false, -1),
            Some(Gesture::Stroke)
        );
    }

    use super::*;

    #[test]
    fn tools_and_edits() {
        assert_eq!(
            action("b", false, false, false),
            Some(Action::Tool(ToolKind::Brush))
        );
        assert_eq!(
            action("E", false, false, false),
            Some(Action::Tool(ToolKind::Eraser))
        );
        assert_eq!(
            action("r", false, false, false),
            Some(Action::Tool(ToolKind::Rect))
        );
        assert_eq!(
            action("l", false, false, false),
            Some(Action::Tool(ToolKind::Lasso))
        );
        assert_eq!(
            action("h", false, false, false),
            Some(Action::Tool(ToolKind::Pan))
        );
        assert_eq!(action("I", false, true, false), Some(Action::Invert));
        assert_eq!(action("i", false, false, false), None);
        assert_eq!(action("[", false, false, false), Some(Action::Smaller));
        assert_eq!(action("]", false, false, false), Some(Action::Larger));
        assert_eq!(action("Delete", false, false, false), Some(Action::Clear));
    }

    #[test]
    fn undo_redo() {
        assert_eq!(action("z", true, false, false), Some(Action::Undo));
        assert_eq!(action("Z", true, true, false), Some(Action::Redo));
        assert_eq!(action("y", true, false, false), Some(Action::Redo));
        assert_eq!(action("b", true, false, false), None);
        assert_eq!(action("z", false, false, false), None);
    }

    #[test]
    fn frames_view_misc() {
        assert_eq!(action(",", false, false, false), Some(Action::PrevFrame));
        assert_eq!(action(".", false, false, false), Some(Action::NextFrame));
        assert_eq!(
            action("ArrowLeft", false, false, false),
            Some(Action::PrevFrame)
        );
        assert_eq!(
            action("ArrowRight", false, false, false),
            Some(Action::NextFrame)
        );
        assert_eq!(action("f", false, false, false), Some(Action::Fit));
        assert_eq!(action("?", false, true, false), Some(Action::Help));
        assert_eq!(action("Escape", false, false, false), Some(Action::Close));
        assert_eq!(action("b", false, false, true), None);
        assert!(ToolKind::Brush.uses_brush() && !ToolKind::Rect.uses_brush());
        assert_eq!(ToolKind::ALL.map(ToolKind::slug).len(), 5);
    }
}
