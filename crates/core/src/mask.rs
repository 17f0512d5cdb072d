//! The mask bitmap for local editing (`video_edit`).
