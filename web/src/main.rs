//! wanedit web UI (in progress).
fn main() {}
