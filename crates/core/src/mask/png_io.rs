//! PNG and raw RGBA import (thresholded to 0/255) and PNG export (the project's one PNG
//! encoder, [`encode_png`]).

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

/// The PNG of a 0/255 mask (`width × height` bytes, row by row): 8-bit greyscale, exactly
/// the mask's size, so every decoder reads back exactly 0 and 255 (the documents: white
/// `[255, 255, 255]` is edited, black `[0, 0, 0]` kept).
///
/// Written here rather than with the `png` crate's encoder, which links both its deflate
/// back ends (fdeflate and miniz_oxide, the compression level being a run-time value):
/// measured in a minimal wasm32 module (`opt-level = "z"`, LTO, `wasm-opt -Oz`, gzip -9),
/// the crate's encoder adds 46.0 KB against 1.0 KB for this one, and the web UI's first load
/// has no room for it (limit 370 KB). The format is the simplest a mask needs: every row with
/// filter Up, one deflate block with fixed Huffman codes whose only back-references are runs
/// (distance 1). A mask is long runs of 0 and 255, and after filter Up mostly zeros, so this
/// compresses it nearly as well as a general deflate. The `mask` bench (1920×1080, typical
/// mask, native): 9.0 ms and 23.9 KB here, 0.44 ms and 17.6 KB with the crate's Fast/Up; the
/// time is well inside the editor's 50 ms export goal, the size is no concern for an upload.
/// Reading PNGs, of any colour type and depth, stays with the crate ([`decode_png`]).
pub(crate) fn encode_png(pixels: &[u8], width: u32, height: u32) -> Result<Vec<u8>, CoreError> {
    let w = width as usize;
    // The filtered image: each row is its filter type (2, Up) and its bytes minus the bytes
    // above them (the first row is compared with zeros).
    let mut raw = Vec::with_capacity(pixels.len() + height as usize);
    let mut above: &[u8] = &[];
    for row in pixels.chunks_exact(w.max(1)).take(height as usize) {
        raw.push(2);
        for (x, &p) in row.iter().enumerate() {
            raw.push(p.wrapping_sub(above.get(x).copied().unwrap_or(0)));
        }
        above = row;
    }

    // zlib: header (deflate, 32 KB window, no dictionary), the deflate stream, Adler-32.
    let mut z = Bits::default();
    z.out.extend_from_slice(&[0x78, 0x01]);
    z.put(1, 1); // BFINAL
    z.put(1, 2); // BTYPE 01: fixed Huffman codes
    let mut i = 0;
    while i < raw.len() {
        let b = raw[i];
        z.literal(u16::from(b));
        let mut run = raw[i + 1..].iter().take_while(|&&c| c == b).count();
        i += 1 + run;
        while run >= 3 {
            // Leave at least 3 for the next match, or none.
            let len = match run {
                259..=260 => run - 3,
                _ => run.min(258),
            };
            z.run(len);
            run -= len;
        }
        for _ in 0..run {
            z.literal(u16::from(b));
        }
    }
    z.literal(256); // end of block
    z.flush();
    let mut data = z.out;
    data.extend_from_slice(&adler32(&raw).to_be_bytes());

    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut ihdr = Vec::with_capacity(13);
    ihdr.extend_from_slice(&width.to_be_bytes());
    ihdr.extend_from_slice(&height.to_be_bytes());
    // Bit depth 8, greyscale, deflate, adaptive filtering, no interlace.
    ihdr.extend_from_slice(&[8, 0, 0, 0, 0]);
    chunk(&mut png, b"IHDR", &ihdr);
    chunk(&mut png, b"IDAT", &data);
    chunk(&mut png, b"IEND", &[]);
    Ok(png)
}

/// Appends a chunk: length, type, data, CRC-32 of type and data.
fn chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
    out.extend_from_slice(&(data.len() as u32).to_be_bytes());
    let start = out.len();
    out.extend_from_slice(kind);
    out.extend_from_slice(data);
    let crc = crc32(&out[start..]);
    out.extend_from_slice(&crc.to_be_bytes());
}

fn crc32(bytes: &[u8]) -> u32 {
    let mut table = [0u32; 256];
    for (n, slot) in table.iter_mut().enumerate() {
        let mut c = n as u32;
        for _ in 0..8 {
            c = if c & 1 != 0 {
                0xEDB8_8320 ^ (c >> 1)
            } else {
                c >> 1
            };
        }
        *slot = c;
    }
    !bytes.iter().fold(!0u32, |c, &b| {
        table[((c ^ u32::from(b)) & 0xFF) as usize] ^ (c >> 8)
    })
}

fn adler32(bytes: &[u8]) -> u32 {
    let (mut a, mut b) = (1u32, 0u32);
    // 5552 bytes at most between reductions keep `b` below 2^32.
    for block in bytes.chunks(5552) {
        for &x in block {
            a += u32::from(x);
            b += a;
        }
        a %= 65521;
        b %= 65521;
    }
    (b << 16) | a
}

/// A deflate bit stream (least significant bit first).
#[derive(Default)]
struct Bits {
    out: Vec<u8>,
    acc: u64,
    n: u32,
}

impl Bits {
    /// Appends the low `count` bits of `value`.
    fn put(&mut self, value: u32, count: u32) {
        self.acc |= u64::from(value) << self.n;
        self.n += count;
        while self.n >= 8 {
            self.out.push(self.acc as u8);
            self.acc >>= 8;
            self.n -= 8;
        }
    }

    /// Appends a Huffman code of `len` bits (they are sent most significant bit first).
    fn code(&mut self, code: u32, len: u32) {
        self.put(code.reverse_bits() >> (32 - len), len);
    }

    /// A literal byte (0..=255) or end of block (256), fixed codes.
    fn literal(&mut self, sym: u16) {
        let s = u32::from(sym);
        match s {
            0..=143 => self.code(0x30 + s, 8),
            144..=255 => self.code(0x190 + s - 144, 9),
            _ => self.length_symbol(s),
        }
    }

    /// A length symbol (256..=285), fixed codes.
    fn length_symbol(&mut self, s: u32) {
        if s <= 279 {
            self.code(s - 256, 7);
        } else {
            self.code(0xC0 + s - 280, 8);
        }
    }

    /// A copy of the previous byte, `len` (3..=258) times: length, then distance 1.
    fn run(&mut self, len: usize) {
        const BASE: [u16; 29] = [
            3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99,
            115, 131, 163, 195, 227, 258,
        ];
        const EXTRA: [u8; 29] = [
            0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0,
        ];
        let len = len as u16;
        let i = BASE.iter().rposition(|&b| b <= len).unwrap_or(0);
        self.length_symbol(257 + i as u32);
        self.put(u32::from(len - BASE[i]), u32::from(EXTRA[i]));
        self.code(0, 5); // distance code 0: distance 1
    }

    fn flush(&mut self) {
        if self.n > 0 {
            self.out.push(self.acc as u8);
            self.acc = 0;
            self.n = 0;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mask::{MaskBitmap, Rect, Tool};

    /// Encodes `pixels` and reads the PNG back with the `png` crate, without thresholding:
    /// the samples must be the mask's bytes exactly (so only 0 and 255), in 8-bit grey.
    fn round_trip(pixels: &[u8], w: u32, h: u32) {
        let png = encode_png(pixels, w, h).unwrap();
        assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
        assert_eq!(&png[24..26], &[8, 0], "8-bit greyscale");
        let mut reader = png::Decoder::new(Cursor::new(&png)).read_info().unwrap();
        let mut raw = vec![0; reader.output_buffer_size().unwrap()];
        let frame = reader.next_frame(&mut raw).unwrap();
        assert_eq!(
            (frame.width, frame.height, frame.color_type, frame.bit_depth),
            (w, h, ColorType::Grayscale, BitDepth::Eight)
        );
        assert_eq!(&raw[..frame.buffer_size()], pixels, "{w}x{h}");
        let mut thresholded = vec![0; pixels.len()];
        decode_png(&png, w, h, &mut thresholded).unwrap();
        assert_eq!(thresholded, pixels);
    }

    /// A pseudo-random mask: rectangles, runs of every length, single pixels.
    fn pattern(w: u32, h: u32, seed: u64) -> Vec<u8> {
        let mut s = seed | 1;
        let mut next = move || {
            s ^= s << 13;
            s ^= s >> 7;
            s ^= s << 17;
            s
        };
        let mut px = vec![0u8; (w * h) as usize];
        let mut i = 0;
        while i < px.len() {
            let run = (next() % 600) as usize;
            let v = if next() % 2 == 0 { 255 } else { 0 };
            for p in px.iter_mut().skip(i).take(run) {
                *p = v;
            }
            i += run.max(1);
        }
        px
    }

    #[test]
    fn masks_round_trip_through_a_png_decoder() {
        for (w, h) in [
            (1, 1),
            (1, 7),
            (7, 1),
            (3, 3),
            (64, 48),
            (640, 360),
            (1279, 721),
        ] {
            round_trip(&vec![0; (w * h) as usize], w, h);
            round_trip(&vec![255; (w * h) as usize], w, h);
            for seed in 1..4 {
                round_trip(&pattern(w, h, seed * 7919 + u64::from(w)), w, h);
            }
        }
    }

    #[test]
    fn every_run_length_round_trips() {
        // Runs of 1..=600 of each value, one after the other.
        let mut px = Vec::new();
        for len in 1..=600usize {
            let v = if len % 2 == 0 { 255 } else { 0 };
            px.extend(std::iter::repeat_n(v, len));
        }
        // Rows of 900 and of 8000 (runs continue from one row into the next).
        round_trip(&px[..8000], 8000, 1);
        round_trip(
            &px[..px.len() - px.len() % 8000],
            8000,
            (px.len() / 8000) as u32,
        );
        round_trip(
            &px[..px.len() - px.len() % 900],
            900,
            (px.len() / 900) as u32,
        );
    }

    #[test]
    fn a_drawn_mask_is_small_and_reads_back() {
        let (w, h) = (1920, 1080);
        let mut m = MaskBitmap::new(w, h).unwrap();
        m.fill_rect(Rect::new(300, 200, 700, 400), Tool::Brush);
        let png = m.to_png().unwrap();
        assert!(png.len() < 20_000, "{} bytes", png.len());
        round_trip(m.pixels(), w, h);
        let back = MaskBitmap::from_png(&png, w, h).unwrap();
        assert_eq!(back.white_pixels(), 700 * 400);
    }
}
