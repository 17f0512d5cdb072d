//! Frame scrubber math: `mask_frame_id` (1-based, at most fps × duration + 1) and seek times.

/// The largest `mask_frame_id` of a video (core's rule, `max_frame_id_for`), at least 1 so
/// the scrubber always has a frame to show.
pub fn max_frame_id(fps: f64, duration_s: f64) -> u32 {
    wanedit_core::media::max_frame_id_for(fps, duration_s)
        .map_or(1, |max| max.min(u64::from(u32::MAX)) as u32)
}

/// `frame` moved by `delta` and kept within 1 ..= `max`.
pub fn step(frame: u32, delta: i64, max: u32) -> u32 {
    (i64::from(frame) + delta).clamp(1, i64::from(max.max(1))) as u32
}

/// Where to seek the `<video>` to show frame `frame` (1-based): the middle of the frame,
/// so rounding in the decoder never shows the previous one; kept inside the video.
pub fn seek_time(frame: u32, fps: f64, duration_s: f64) -> f64 {
    if !(fps.is_finite() && fps > 0.0) {
        return 0.0;
    }
    let t = (f64::from(frame.max(1)) - 0.5) / fps;
    if duration_s.is_finite() && duration_s > 0.0 {
        t.min((duration_s - 0.001).max(0.0))
    } else {
        t
    }
}

/// Parses a `mask_frame_id` form value, falling back to 1.
pub fn parse_frame(value: &str, max: u32) -> u32 {
    value
        .trim()
        .parse::<u32>()
        .map(|f| f.clamp(1, max.max(1)))
        .unwrap_or(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn max_matches_core() {
        assert_eq!(max_frame_id(30.0, 2.0), 61);
        assert_eq!(max_frame_id(24.0, 0.5), 13);
        assert_eq!(max_frame_id(16.0, 1.0), 17);
        assert_eq!(max_frame_id(0.0, 2.0), 1);
        assert_eq!(max_frame_id(f64::NAN, 2.0), 1);
    }

    #[test]
    fn stepping_and_seeking() {
        assert_eq!(step(1, -1, 61), 1);
        assert_eq!(step(60, 5, 61), 61);
        assert_eq!(step(10, 1, 61), 11);
        assert!((seek_time(1, 25.0, 2.0) - 0.02).abs() < 1e-12);
        assert!((seek_time(51, 25.0, 2.0) - 1.999).abs() < 1e-12);
        assert_eq!(seek_time(3, 0.0, 2.0), 0.0);
        assert_eq!(parse_frame(" 7 ", 61), 7);
        assert_eq!(parse_frame("99", 61), 61);
        assert_eq!(parse_frame("x", 61), 1);
    }
}
