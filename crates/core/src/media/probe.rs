//! Reading media headers with well-kept parsers: `imagesize` for image dimensions, `png` for
//! PNG colour types, Mozilla's `mp4parse` for MP4/MOV containers. Any byte string gives a
//! [`MediaInfo`] or an error, never a panic.

use super::{MediaFormat, MediaInfo};
use crate::CoreError;
use std::io::Cursor;

/// Reads the format, size and (for video) duration, frame rate and frame count of `bytes`.
pub fn probe(bytes: &[u8]) -> Result<MediaInfo, CoreError> {
    if let Some(format) = video_format(bytes) {
        return probe_video(bytes, format);
    }
    probe_image(bytes)
}

/// MP4 and MOV files start with an `ftyp` box (QuickTime brand `qt  ` for MOV), or for old
/// QuickTime files, with a `moov`/`mdat`/`wide`/`free` atom.
fn video_format(bytes: &[u8]) -> Option<MediaFormat> {
    let kind = bytes.get(4..8)?;
    match kind {
        b"ftyp" => {
            let brand = bytes.get(8..12)?;
            Some(if brand == b"qt  " {
                MediaFormat::Mov
            } else {
                MediaFormat::Mp4
            })
        }
        b"moov" | b"mdat" | b"wide" | b"free" | b"skip" => Some(MediaFormat::Mov),
        _ => None,
    }
}

fn probe_image(bytes: &[u8]) -> Result<MediaInfo, CoreError> {
    let kind = imagesize::image_type(bytes).map_err(|_| {
        CoreError::InvalidMedia("not a JPEG, PNG, BMP, TIFF, WEBP, MP4 or MOV file".into())
    })?;
    let format = match kind {
        imagesize::ImageType::Jpeg => MediaFormat::Jpeg,
        imagesize::ImageType::Png => MediaFormat::Png,
        imagesize::ImageType::Bmp => MediaFormat::Bmp,
        imagesize::ImageType::Tiff => MediaFormat::Tiff,
        imagesize::ImageType::Webp => MediaFormat::Webp,
        _ => return Err(CoreError::InvalidMedia("unsupported image format".into())),
    };
    let size = imagesize::blob_size(bytes)
        .map_err(|e| CoreError::InvalidMedia(format!("damaged {} header: {e}", format.name())))?;
    let (width, height) = (dimension(size.width)?, dimension(size.height)?);
    let has_alpha = if format == MediaFormat::Png {
        Some(png_has_alpha(bytes)?)
    } else {
        None
    };
    Ok(MediaInfo {
        format,
        width,
        height,
        byte_size: bytes.len() as u64,
        has_alpha,
        duration_s: None,
        fps: None,
        frame_count: None,
    })
}

fn dimension(n: usize) -> Result<u32, CoreError> {
    match u32::try_from(n) {
        Ok(v) if v > 0 => Ok(v),
        _ => Err(CoreError::InvalidMedia(format!(
            "impossible image dimension {n}"
        ))),
    }
}

/// Whether a PNG carries transparency: an alpha colour type, or a `tRNS` chunk.
fn png_has_alpha(bytes: &[u8]) -> Result<bool, CoreError> {
    let decoder = png::Decoder::new(Cursor::new(bytes));
    let reader = decoder
        .read_info()
        .map_err(|e| CoreError::InvalidMedia(format!("damaged PNG: {e}")))?;
    let info = reader.info();
    Ok(matches!(
        info.color_type,
        png::ColorType::Rgba | png::ColorType::GrayscaleAlpha
    ) || info.trns.is_some())
}

fn probe_video(bytes: &[u8], format: MediaFormat) -> Result<MediaInfo, CoreError> {
    let context = mp4parse::read_mp4(&mut Cursor::new(bytes))
        .map_err(|e| CoreError::InvalidMedia(format!("damaged {} file: {e:?}", format.name())))?;
    let track = context
        .tracks
        .iter()
        .find(|t| t.track_type == mp4parse::TrackType::Video)
        .ok_or_else(|| {
            CoreError::InvalidMedia(format!("{} file has no video track", format.name()))
        })?;
    let (width, height) = track
        .tkhd
        .as_ref()
        .map(|t| (t.width >> 16, t.height >> 16))
        .filter(|(w, h)| *w > 0 && *h > 0)
        .ok_or_else(|| CoreError::InvalidMedia("video track has no size".into()))?;
    let timescale = track.timescale.as_ref().map(|t| t.0).filter(|t| *t > 0);
    let frames: u64 = track
        .stts
        .as_ref()
        .map(|stts| stts.samples.iter().map(|s| u64::from(s.sample_count)).sum())
        .unwrap_or(0);
    let duration_s = match (track.duration.as_ref(), timescale) {
        (Some(d), Some(scale)) if d.0 > 0 => Some(d.0 as f64 / scale as f64),
        _ => None,
    };
    let fps = match duration_s {
        Some(d) if d > 0.0 && frames > 0 => Some(frames as f64 / d),
        _ => None,
    };
    Ok(MediaInfo {
        format,
        width,
        height,
        byte_size: bytes.len() as u64,
        has_alpha: None,
        duration_s,
        fps,
        frame_count: (frames > 0).then_some(frames),
    })
}
