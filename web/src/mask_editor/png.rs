//! The mask as a PNG, written without the `png` and deflate crates (about 60 KB of
//! WebAssembly that the editor's one kind of image does not need): 8-bit greyscale (colour
//! type 0), exactly the mask's size, every row with filter Up, and one deflate block with
//! fixed Huffman codes whose only back-references are runs (distance 1). A mask is long runs
//! of 0 and 255, and after filter Up mostly zeros, so this compresses it about as well as a
//! general deflate.

/// The PNG of `pixels` (`width × height` bytes, row by row: 0 or 255).
pub fn encode(pixels: &[u8], width: u32, height: u32) -> Vec<u8> {
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
    png
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
    use wanedit_core::mask::MaskBitmap;

    fn round_trip(pixels: &[u8], w: u32, h: u32) {
        let png = encode(pixels, w, h);
        assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
        assert_eq!(&png[24..26], &[8, 0], "8-bit greyscale");
        let decoded = MaskBitmap::from_png(&png, w, h).unwrap();
        assert_eq!(decoded.pixels(), pixels, "{w}x{h}");
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
    fn a_drawn_mask_is_small_and_equals_core_export() {
        let (w, h) = (1920, 1080);
        let mut m = MaskBitmap::new(w, h).unwrap();
        m.fill_rect(
            wanedit_core::mask::Rect::new(300, 200, 700, 400),
            wanedit_core::mask::Tool::Brush,
        );
        let png = encode(m.pixels(), w, h);
        assert!(png.len() < 20_000, "{} bytes", png.len());
        let ours = MaskBitmap::from_png(&png, w, h).unwrap();
        let core = MaskBitmap::from_png(&m.to_png().unwrap(), w, h).unwrap();
        assert_eq!(ours.pixels(), core.pixels());
        assert!(ours.white_pixels() == 700 * 400);
    }
}
