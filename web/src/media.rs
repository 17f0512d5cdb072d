//! Plain helpers around media files: the probed facts as text, the upload file name, and
//! the geometry of the outpainting preview.

use wanedit_core::media::{MediaFormat, MediaInfo};
use wanedit_core::upload::{default_filename, safe_filename_as};

use crate::num::fixed;

/// `1.2 MB`, `340 KB`, `512 B`.
pub fn format_bytes(bytes: u64) -> String {
    const KB: f64 = 1024.0;
    let b = bytes as f64;
    if b >= KB * KB {
        format!("{} MB", fixed(b / (KB * KB), 1))
    } else if b >= KB {
        format!("{} KB", fixed(b / KB, 0))
    } else {
        format!("{bytes} B")
    }
}

/// The probed facts of a file as short texts: format, resolution, fps, duration, size.
pub fn facts(info: &MediaInfo) -> Vec<String> {
    let mut out = vec![
        info.format.name().to_string(),
        format!("{}×{}", info.width, info.height),
    ];
    if let Some(fps) = info.fps {
        out.push(format!("{} fps", trim_decimals(fps)));
    }
    if let Some(d) = info.duration_s {
        out.push(format!("{} s", trim_decimals(d)));
    }
    if info.has_alpha == Some(true) {
        out.push("alpha".into());
    }
    out.push(format_bytes(info.byte_size));
    out
}

fn trim_decimals(v: f64) -> String {
    let s = fixed(v, 2);
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// The upload name of a file: `stamp`, a `-`, then the name made safe by core's one rule
/// (`wanedit_core::upload::safe_filename_as`, which DashScope's URL rules accept), with the
/// extension of the probed format when known (`default_filename`'s). The stamp keeps uploads
/// from colliding (the upload policy forbids overwriting).
pub fn upload_name(original: &str, stamp: &str, format: Option<MediaFormat>) -> String {
    let extension = format.map(|f| {
        let name = default_filename(f.mime());
        name.rsplit_once('.').map_or(name, |(_, ext)| ext)
    });
    format!("{stamp}-{}", safe_filename_as(original, extension))
}

/// The outpainting canvas for a `width`×`height` video and the four scales: the frame stays
/// centred, each scale stretches its half of the frame outwards from the centre (1.0 adds
/// nothing, 2.0 doubles that half).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Outpaint {
    /// Width of the expanded canvas.
    pub width: f64,
    /// Height of the expanded canvas.
    pub height: f64,
    /// Left edge of the original frame in the canvas.
    pub x: f64,
    /// Top edge of the original frame in the canvas.
    pub y: f64,
}

impl Outpaint {
    /// The canvas for the scales `top`, `bottom`, `left`, `right`.
    pub fn new(width: f64, height: f64, top: f64, bottom: f64, left: f64, right: f64) -> Self {
        let (hw, hh) = (width / 2.0, height / 2.0);
        Outpaint {
            width: hw * left + hw * right,
            height: hh * top + hh * bottom,
            x: hw * left - hw,
            y: hh * top - hh,
        }
    }

    /// The position and size of the original frame as percentages of the canvas
    /// (left, top, width, height), for CSS.
    pub fn frame_percent(&self, width: f64, height: f64) -> (f64, f64, f64, f64) {
        (
            100.0 * self.x / self.width,
            100.0 * self.y / self.height,
            100.0 * width / self.width,
            100.0 * height / self.height,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bytes() {
        assert_eq!(format_bytes(512), "512 B");
        assert_eq!(format_bytes(8217), "8 KB");
        assert_eq!(format_bytes(5 * 1024 * 1024 + 100_000), "5.1 MB");
    }

    #[test]
    fn facts_of_a_video() {
        let info = MediaInfo {
            format: MediaFormat::Mp4,
            width: 64,
            height: 48,
            byte_size: 8217,
            has_alpha: None,
            duration_s: Some(1.0),
            fps: Some(16.0),
            frame_count: Some(16),
        };
        assert_eq!(facts(&info), ["MP4", "64×48", "16 fps", "1 s", "8 KB"]);
    }

    #[test]
    fn upload_names_are_stamped_and_follow_the_probed_format() {
        for (name, format, expected) in [
            ("我的 视频.MP4", Some(MediaFormat::Mp4), "k-upload.mp4"),
            (
                "cat photo (1).jpeg",
                Some(MediaFormat::Jpeg),
                "k-cat_photo__1.jpg",
            ),
            ("clip.mov", Some(MediaFormat::Mp4), "k-clip.mp4"),
            ("frame", Some(MediaFormat::Tiff), "k-frame.tiff"),
            ("dir/mask.PNG", Some(MediaFormat::Png), "k-mask.png"),
            ("noext", None, "k-noext"),
            (".hidden", None, "k-hidden"),
            ("a.b.PNG", None, "k-a_b.png"),
        ] {
            assert_eq!(upload_name(name, "k", format), expected, "{name:?}");
        }
    }

    #[test]
    fn outpaint_geometry() {
        let o = Outpaint::new(400.0, 300.0, 1.5, 1.5, 1.5, 1.5);
        assert_eq!((o.width, o.height, o.x, o.y), (600.0, 450.0, 100.0, 75.0));
        let o = Outpaint::new(400.0, 300.0, 2.0, 1.0, 1.0, 1.0);
        assert_eq!((o.width, o.height, o.x, o.y), (400.0, 450.0, 0.0, 150.0));
        let (l, t, w, h) = o.frame_percent(400.0, 300.0);
        assert_eq!((l, w), (0.0, 100.0));
        assert!((t - 33.333).abs() < 0.01 && (h - 66.666).abs() < 0.01);
        let o = Outpaint::new(400.0, 300.0, 1.0, 1.0, 1.0, 1.0);
        assert_eq!((o.width, o.height, o.x, o.y), (400.0, 300.0, 0.0, 0.0));
    }
}
