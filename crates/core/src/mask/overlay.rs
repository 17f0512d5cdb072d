//! The canvas preview: the mask drawn as a translucent colour over the video frame.

use super::Rect;
use crate::CoreError;

/// How the mask is tinted on the canvas: white (edited) pixels become `colour` at `opacity`,
/// black (kept) pixels become fully transparent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct OverlayStyle {
    /// Red, green, blue of edited pixels.
    pub colour: [u8; 3],
    /// Alpha of edited pixels: 0 invisible, 255 opaque.
    pub opacity: u8,
}

impl Default for OverlayStyle {
    /// Red at 50 %: visible over most footage without hiding it.
    fn default() -> Self {
        Self {
            colour: [255, 0, 0],
            opacity: 128,
        }
    }
}

/// Writes the mask pixels of `rect` into `out`, an RGBA buffer covering `region` of the
/// image (`region.width × region.height × 4` bytes). `rect` must lie inside `region`.
pub(crate) fn render(
    pixels: &[u8],
    image_width: u32,
    rect: Rect,
    region: Rect,
    style: OverlayStyle,
    out: &mut [u8],
) -> Result<(), CoreError> {
    let expected = region.area() * 4;
    if out.len() as u64 != expected {
        return Err(CoreError::Image(format!(
            "overlay buffer has {} bytes, {}x{} RGBA needs {expected}",
            out.len(),
            region.width,
            region.height
        )));
    }
    let [r, g, b] = style.colour;
    let a = style.opacity;
    let (image_width, out_width) = (image_width as usize, region.width as usize);
    let columns = rect.width as usize;
    for row in rect.y as usize..rect.bottom() as usize {
        let source = row * image_width + rect.x as usize;
        let target = ((row - region.y as usize) * out_width + (rect.x - region.x) as usize) * 4;
        let mask = &pixels[source..source + columns];
        let rgba = &mut out[target..target + columns * 4];
        // A mask byte is 0 or 255, so `channel & pixel` is the channel or 0: no branch. Four
        // plain stores, because at the browser build's `opt-level = "z"` a 4-byte
        // `copy_from_slice` becomes a memcpy call per pixel (measured 11x slower in wasm).
        for (&pixel, dest) in mask.iter().zip(rgba.chunks_exact_mut(4)) {
            if let [red, green, blue, alpha] = dest {
                (*red, *green, *blue, *alpha) = (r & pixel, g & pixel, b & pixel, a & pixel);
            }
        }
    }
    Ok(())
}
