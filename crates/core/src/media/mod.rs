//! Media facts and rules: [`probe`] reads what a file is (format, size, duration, frame rate)
//! from its bytes, and [`check_media`] applies the documented limits of the role it is for.

mod probe;
mod rules;

pub use probe::probe;
pub use rules::{
    check_extension_clips, check_mask, check_mask_frame_id, check_media, max_frame_id_for,
    max_mask_frame_id, MediaRole,
};

use serde::{Deserialize, Serialize};

/// A file format this crate recognises.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MediaFormat {
    /// JPEG image.
    Jpeg,
    /// PNG image.
    Png,
    /// BMP image.
    Bmp,
    /// TIFF image.
    Tiff,
    /// WebP image.
    Webp,
    /// MP4 video (ISO base media).
    Mp4,
    /// QuickTime MOV video.
    Mov,
}

impl MediaFormat {
    /// Whether this is a video format.
    pub fn is_video(self) -> bool {
        matches!(self, MediaFormat::Mp4 | MediaFormat::Mov)
    }

    /// The usual MIME type.
    pub fn mime(self) -> &'static str {
        match self {
            MediaFormat::Jpeg => "image/jpeg",
            MediaFormat::Png => "image/png",
            MediaFormat::Bmp => "image/bmp",
            MediaFormat::Tiff => "image/tiff",
            MediaFormat::Webp => "image/webp",
            MediaFormat::Mp4 => "video/mp4",
            MediaFormat::Mov => "video/quicktime",
        }
    }

    /// The upper-case name for messages.
    pub fn name(self) -> &'static str {
        match self {
            MediaFormat::Jpeg => "JPEG",
            MediaFormat::Png => "PNG",
            MediaFormat::Bmp => "BMP",
            MediaFormat::Tiff => "TIFF",
            MediaFormat::Webp => "WEBP",
            MediaFormat::Mp4 => "MP4",
            MediaFormat::Mov => "MOV",
        }
    }
}

/// What a media file is, as far as its headers tell.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MediaInfo {
    /// The format.
    pub format: MediaFormat,
    /// Width in pixels (display width for video).
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// Size of the file in bytes.
    pub byte_size: u64,
    /// Images: whether it has an alpha channel (PNG; `None` where unknown).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub has_alpha: Option<bool>,
    /// Videos: seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration_s: Option<f64>,
    /// Videos: frames per second (frames ÷ duration).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fps: Option<f64>,
    /// Videos: number of frames.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub frame_count: Option<u64>,
}
