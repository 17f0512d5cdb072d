//! PNG and raw RGBA import (thresholded to 0/255) and PNG export.

use std::io::Cursor;

use png::{BitDepth, ColorType, Transformations};

use crate::CoreError;

/// Whether a pixel counts as white (edited): its Rec. 601 luminance, composited over black by
/// its alpha, is at least 128. So alpha 0 is always black, and an opaque pixel is white iff
/// `0.299 R + 0.587 G + 0.114 B >= 128` (the weights Pillow's `convert("L")` uses).
///
/// Computed in integers, exactly: `(299 R + 587 G + 114 B) · A >= 128 · 1000 · 255`.
pub(crate) fn is_white(r: u8, g: u8, b: u8, a: u8) -> bool {
    let luminance = 299 * u32::from(r) + 587 * u32::from(g) + 114 * u32::from(b);
    luminance * u32::from(a) >= 128 * 1000 * 255
}

/// 255 for white, 0 for black (branch-free, so the import loops vectorize).
fn level(white: bool) -> u8 {
    0u8.wrapping_sub(u8::from(white))
}

/// Decodes a PNG of any colour type and bit depth into `out` (one 0/255 byte per pixel).
///
/// The size is checked against `width` × `height` before any pixel is decoded.
pub(crate) fn decode_png(
    bytes: &[u8],
    width: u32,
    height: u32,
    out: &mut [u8],
) -> Result<(), CoreError> {
    let image_error = |e: png::DecodingError| CoreError::Image(e.to_string());
    let mut decoder = png::Decoder::new(Cursor::new(bytes));
    // Palette → RGB(A), low bit depths → 8 bits, tRNS → alpha, 16 bits → high byte.
    decoder.set_transformations(Transformations::EXPAND | Transformations::STRIP_16);
    let mut reader = decoder.read_info().map_err(image_error)?;
    let (found_width, found_height) = (reader.info().width, reader.info().height);
    if (found_width, found_height) != (width, height) {
        return Err(CoreError::SizeMismatch {
            expected_width: width,
            expected_height: height,
            width: found_width,
            height: found_height,
        });
    }
    let size = reader
        .output_buffer_size()
        .ok_or_else(|| CoreError::Image("PNG too large to decode".into()))?;
    let mut buffer = vec![0; size];
    let frame = reader.next_frame(&mut buffer).map_err(image_error)?;
    if frame.bit_depth != BitDepth::Eight {
        return Err(CoreError::Image(format!(
            "unexpected decoded bit depth {:?}",
            frame.bit_depth
        )));
    }
    let channels = match frame.color_type {
        ColorType::Grayscale => 1,
        ColorType::GrayscaleAlpha => 2,
        ColorType::Rgb => 3,
        ColorType::Rgba => 4,
        ColorType::Indexed => {
            return Err(CoreError::Image("palette was not expanded".into()));
        }
    };
    let row_width = width as usize;
    for (line, mask_row) in buffer
        .chunks(frame.line_size)
        .zip(out.chunks_exact_mut(row_width))
    {
        for (pixel, mask) in line[..row_width * channels]
            .chunks_exact(channels)
            .zip(mask_row.iter_mut())
        {
            *mask = level(match *pixel {
                [v] => is_white(v, v, v, 255),
                [v, a] => is_white(v, v, v, a),
                [r, g, b] => is_white(r, g, b, 255),
                [r, g, b, a, ..] => is_white(r, g, b, a),
                [] => false,
            });
        }
    }
    Ok(())
}

/// Thresholds raw RGBA bytes (as a canvas's `getImageData` gives them) into `out`.
pub(crate) fn decode_rgba(
    rgba: &[u8],
    width: u32,
    height: u32,
    expected: (u32, u32),
    out: &mut [u8],
) -> Result<(), CoreError> {
    if (width, height) != expected {
        return Err(CoreError::SizeMismatch {
            expected_width: expected.0,
            expected_height: expected.1,
            width,
            height,
        });
    }
    if rgba.len() as u64 != u64::from(width) * u64::from(height) * 4 {
        return Err(CoreError::Image(format!(
            "{} RGBA bytes for a {width}x{height} image (expected {})",
            rgba.len(),
            u64::from(width) * u64::from(height) * 4
        )));
    }
    for (pixel, mask) in rgba.chunks_exact(4).zip(out.iter_mut()) {
        *mask = level(is_white(pixel[0], pixel[1], pixel[2], pixel[3]));
    }
    Ok(())
}

/// Encodes a 0/255 mask as an 8-bit greyscale PNG.
///
/// 8-bit grey rather than 1-bit because every decoder reads it back as 0/255 without a
/// palette or bit-depth expansion step. `Compression::Fast` is png's fdeflate path, tuned for
/// PNG, and the `Up` filter suits masks (rows mostly repeat the row above): measured at
/// 1920×1080 on a typical mask, this is ~18× faster than png's default (Balanced with
/// adaptive filters) for a file about twice as large (tens of kilobytes); see the `mask` bench.
pub(crate) fn encode_png(pixels: &[u8], width: u32, height: u32) -> Result<Vec<u8>, CoreError> {
    let image_error = |e: png::EncodingError| CoreError::Image(e.to_string());
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, width, height);
    encoder.set_color(ColorType::Grayscale);
    encoder.set_depth(BitDepth::Eight);
    encoder.set_compression(png::Compression::Fast);
    encoder.set_filter(png::Filter::Up);
    let mut writer = encoder.write_header().map_err(image_error)?;
    writer.write_image_data(pixels).map_err(image_error)?;
    writer.finish().map_err(image_error)?;
    Ok(out)
}
