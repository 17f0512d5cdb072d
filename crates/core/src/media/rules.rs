//! The documented limits of each media role.

use super::{MediaFormat, MediaInfo};
use crate::issue::{Issue, IssueCode};
use crate::model::Family;

const MB: u64 = 1024 * 1024;

/// What a file is used for; each role has its own documented limits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MediaRole {
    /// VACE reference image, first or last frame: JPEG/PNG/BMP/TIFF/WEBP, 360–2000 px, ≤ 10 MB.
    VaceImage,
    /// VACE input video: MP4, ≥ 16 fps, ≤ 50 MB; only the first 5 s are used.
    VaceVideo,
    /// VACE extension clip: as a video, but only the first 3 s are used.
    VaceClip,
    /// VACE mask image: an image format, ≤ 10 MB, exactly the video's size (see [`check_mask`]).
    MaskImage,
    /// wan2.7 source video: MP4/MOV, 2–10 s, 240–4096 px, aspect 1:8–8:1, ≤ 100 MB.
    Wan27Video,
    /// wan2.7 reference image: JPEG/PNG (no alpha)/BMP/WEBP, 240–8000 px, aspect 1:8–8:1, ≤ 20 MB.
    Wan27Image,
}

impl MediaRole {
    /// The role of a request field for a model family: a VACE `input` field name
    /// (`ref_images_url`, `video_url`, `first_clip_url`, `mask_image_url`, …) or a wan2.7
    /// `media[].type` (`video`, `reference_image`).
    pub fn for_field(family: Family, field: &str) -> Option<MediaRole> {
        match (family, field) {
            (Family::Vace, "ref_images_url" | "first_frame_url" | "last_frame_url") => {
                Some(MediaRole::VaceImage)
            }
            (Family::Vace, "video_url" | "mask_video_url") => Some(MediaRole::VaceVideo),
            (Family::Vace, "first_clip_url" | "last_clip_url") => Some(MediaRole::VaceClip),
            (Family::Vace, "mask_image_url") => Some(MediaRole::MaskImage),
            (Family::VideoEdit27, "video") => Some(MediaRole::Wan27Video),
            (Family::VideoEdit27, "reference_image") => Some(MediaRole::Wan27Image),
            _ => None,
        }
    }

    /// A stable snake_case name (`vace_image`, `vace_video`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            MediaRole::VaceImage => "vace_image",
            MediaRole::VaceVideo => "vace_video",
            MediaRole::VaceClip => "vace_clip",
            MediaRole::MaskImage => "mask_image",
            MediaRole::Wan27Video => "wan27_video",
            MediaRole::Wan27Image => "wan27_image",
        }
    }

    /// The role named `name` (see [`MediaRole::as_str`]).
    pub fn parse(name: &str) -> Option<MediaRole> {
        [
            MediaRole::VaceImage,
            MediaRole::VaceVideo,
            MediaRole::VaceClip,
            MediaRole::MaskImage,
            MediaRole::Wan27Video,
            MediaRole::Wan27Image,
        ]
        .into_iter()
        .find(|r| r.as_str() == name)
    }
}

struct Limits {
    formats: &'static [MediaFormat],
    side: Option<(u32, u32)>,
    max_bytes: u64,
    min_fps: Option<f64>,
    /// Longer is an error.
    duration: Option<(f64, f64)>,
    /// Longer is used only up to this (a warning).
    used_s: Option<f64>,
    aspect_max: Option<f64>,
    no_alpha: bool,
}

const VACE_IMAGE_FORMATS: &[MediaFormat] = &[
    MediaFormat::Jpeg,
    MediaFormat::Png,
    MediaFormat::Bmp,
    MediaFormat::Tiff,
    MediaFormat::Webp,
];

fn limits(role: MediaRole) -> Limits {
    let vace_video = Limits {
        formats: &[MediaFormat::Mp4],
        side: None,
        max_bytes: 50 * MB,
        min_fps: Some(16.0),
        duration: None,
        used_s: Some(5.0),
        aspect_max: None,
        no_alpha: false,
    };
    match role {
        MediaRole::VaceImage => Limits {
            formats: VACE_IMAGE_FORMATS,
            side: Some((360, 2000)),
            max_bytes: 10 * MB,
            min_fps: None,
            duration: None,
            used_s: None,
            aspect_max: None,
            no_alpha: false,
        },
        MediaRole::MaskImage => Limits {
            side: None,
            ..limits(MediaRole::VaceImage)
        },
        MediaRole::VaceVideo => vace_video,
        MediaRole::VaceClip => Limits {
            used_s: Some(3.0),
            ..vace_video
        },
        MediaRole::Wan27Video => Limits {
            formats: &[MediaFormat::Mp4, MediaFormat::Mov],
            side: Some((240, 4096)),
            max_bytes: 100 * MB,
            min_fps: None,
            duration: Some((2.0, 10.0)),
            used_s: None,
            aspect_max: Some(8.0),
            no_alpha: false,
        },
        MediaRole::Wan27Image => Limits {
            formats: &[
                MediaFormat::Jpeg,
                MediaFormat::Png,
                MediaFormat::Bmp,
                MediaFormat::Webp,
            ],
            side: Some((240, 8000)),
            max_bytes: 20 * MB,
            min_fps: None,
            duration: None,
            used_s: None,
            aspect_max: Some(8.0),
            no_alpha: true,
        },
    }
}

fn megabytes(bytes: u64) -> String {
    format!("{:.1} MB", bytes as f64 / MB as f64)
}

/// Every documented limit of `role` applied to `info`; issues are reported at `path` (the
/// request field the file is for, e.g. `input.video_url`).
pub fn check_media(info: &MediaInfo, role: MediaRole, path: &str) -> Vec<Issue> {
    let l = limits(role);
    let mut out = Vec::new();
    if !l.formats.contains(&info.format) {
        let allowed: Vec<&str> = l.formats.iter().map(|f| f.name()).collect();
        out.push(Issue::error(
            path,
            IssueCode::InvalidFormat,
            format!(
                "{path}: the file is {}; allowed: {}",
                info.format.name(),
                allowed.join(", ")
            ),
        ));
    }
    if info.byte_size > l.max_bytes {
        out.push(Issue::error(
            path,
            IssueCode::FileTooLarge,
            format!(
                "{path}: the file is {}; at most {} is allowed",
                megabytes(info.byte_size),
                megabytes(l.max_bytes)
            ),
        ));
    }
    if let Some((lo, hi)) = l.side {
        if info.width < lo || info.width > hi || info.height < lo || info.height > hi {
            out.push(Issue::error(
                path,
                IssueCode::InvalidDimensions,
                format!(
                    "{path}: the file is {}×{} px; each side must be {lo} to {hi} px",
                    info.width, info.height
                ),
            ));
        }
    }
    if let Some(max) = l.aspect_max {
        let (long, short) = (
            info.width.max(info.height) as f64,
            info.width.min(info.height).max(1) as f64,
        );
        if long / short > max {
            out.push(Issue::error(
                path,
                IssueCode::InvalidAspectRatio,
                format!("{path}: the file is {}×{} px; the aspect ratio must be between 1:{max} and {max}:1", info.width, info.height),
            ));
        }
    }
    if l.no_alpha && info.format == MediaFormat::Png && info.has_alpha == Some(true) {
        out.push(Issue::error(
            path,
            IssueCode::HasAlpha,
            format!("{path}: the PNG has an alpha channel (transparency), which is not allowed; save it without alpha"),
        ));
    }
    if let (Some(min), Some(fps)) = (l.min_fps, info.fps) {
        if fps + 0.01 < min {
            out.push(Issue::error(
                path,
                IssueCode::FrameRateTooLow,
                format!("{path}: the video has {fps:.2} fps; at least {min} fps is required"),
            ));
        }
    }
    if let Some(d) = info.duration_s {
        if let Some((lo, hi)) = l.duration {
            if d < lo {
                out.push(Issue::error(
                    path,
                    IssueCode::DurationTooShort,
                    format!("{path}: the video is {d:.2} s long; it must be {lo} to {hi} s"),
                ));
            } else if d > hi + 0.01 {
                out.push(Issue::error(
                    path,
                    IssueCode::DurationTooLong,
                    format!("{path}: the video is {d:.2} s long; it must be {lo} to {hi} s"),
                ));
            }
        }
        if let Some(used) = l.used_s {
            if d > used + 0.01 {
                out.push(Issue::warning(
                    path,
                    IssueCode::DurationTooLong,
                    format!("{path}: the video is {d:.2} s long; only the first {used} s are used"),
                ));
            }
        }
    }
    out
}

/// A mask image must be exactly the size of the video it masks.
pub fn check_mask(mask: &MediaInfo, video: &MediaInfo, path: &str) -> Vec<Issue> {
    let mut out = check_media(mask, MediaRole::MaskImage, path);
    if (mask.width, mask.height) != (video.width, video.height) {
        out.push(Issue::error(
            path,
            IssueCode::InvalidDimensions,
            format!(
                "{path}: the mask is {}×{} px but the video is {}×{} px; they must be the same size",
                mask.width, mask.height, video.width, video.height
            ),
        ));
    }
    out
}

/// The largest `mask_frame_id` a video allows: frame rate × duration + 1.
pub fn max_mask_frame_id(video: &MediaInfo) -> Option<u64> {
    max_frame_id_for(video.fps?, video.duration_s?)
}

/// The documented `max_frame_id = fps × duration + 1`, from the two numbers (a `<video>`
/// element gives them too); `None` when either is not a positive finite number.
pub fn max_frame_id_for(fps: f64, duration_s: f64) -> Option<u64> {
    let valid = |x: f64| x.is_finite() && x > 0.0;
    (valid(fps) && valid(duration_s)).then(|| (fps * duration_s + 1e-6).floor() as u64 + 1)
}

/// `mask_frame_id` must be in `[1, fps × duration + 1]`.
pub fn check_mask_frame_id(frame_id: i64, video: &MediaInfo) -> Vec<Issue> {
    let path = "input.mask_frame_id";
    let max = max_mask_frame_id(video);
    match max {
        Some(max) if frame_id < 1 || frame_id as u64 > max => vec![Issue::error(
            path,
            IssueCode::OutOfRange,
            format!(
                "{path} is {frame_id}; this video allows 1 to {max} (frame rate × duration + 1)"
            ),
        )],
        None if frame_id < 1 => vec![Issue::error(
            path,
            IssueCode::OutOfRange,
            format!("{path} is {frame_id}; frames count from 1"),
        )],
        _ => Vec::new(),
    }
}

/// Extension clips given together may last at most 3 s in all.
pub fn check_extension_clips(first: &MediaInfo, last: &MediaInfo) -> Vec<Issue> {
    let total = first.duration_s.unwrap_or(0.0) + last.duration_s.unwrap_or(0.0);
    if total > 3.0 + 0.01 {
        vec![Issue::error(
            "input.last_clip_url",
            IssueCode::DurationTooLong,
            format!("input.first_clip_url and input.last_clip_url last {total:.2} s together; at most 3 s is allowed"),
        )]
    } else {
        Vec::new()
    }
}
