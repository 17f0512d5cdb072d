//! Measures the mask bitmap at 1920×1080: a 2000-sample brush stroke (total, mean and worst
//! update), PNG export of a typical mask under several encoder settings, the other whole-image
//! operations, and the memory held by 100 undo steps.
//!
//! Run: `cargo bench -p wanedit-core --bench mask`. Deterministic; times are the best of
//! several runs (the figure a warm browser tab would see), sizes are exact.

use std::time::{Duration, Instant};

use wanedit_core::mask::{MaskBitmap, OverlayStyle, Point, Rect, Tool};

const WIDTH: u32 = 1920;
const HEIGHT: u32 = 1080;
const RUNS: usize = 7;

fn main() {
    stroke_timing();
    export_timing();
    other_operations();
    history_memory();
}

/// 2000 pointer samples 4 px apart along a spiral over most of the frame.
fn spiral(samples: usize) -> Vec<Point> {
    let (cx, cy) = (WIDTH as f32 / 2.0, HEIGHT as f32 / 2.0);
    let mut points = Vec::with_capacity(samples);
    let mut angle: f32 = 0.0;
    for i in 0..samples {
        let radius = 60.0 + 440.0 * i as f32 / samples as f32;
        points.push(Point::new(
            cx + 1.6 * radius * angle.cos(),
            cy + radius * angle.sin(),
        ));
        angle += 4.0 / radius;
    }
    points
}

/// Best-of-`RUNS` duration of `work`, run on a fresh value from `setup` each time.
fn best_of<T>(mut setup: impl FnMut() -> T, mut work: impl FnMut(&mut T)) -> Duration {
    (0..RUNS)
        .map(|_| {
            let mut value = setup();
            let start = Instant::now();
            work(&mut value);
            start.elapsed()
        })
        .min()
        .unwrap_or_default()
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

fn stroke_timing() {
    println!("== 2000-sample stroke at {WIDTH}x{HEIGHT} ({RUNS} runs) ==");
    let points = spiral(2000);
    for diameter in [1, 20, 60, 200] {
        let mut updates = Vec::new();
        let mut ends = Vec::new();
        let total = best_of(
            || MaskBitmap::new(WIDTH, HEIGHT).unwrap(),
            |mask| {
                mask.begin_stroke(Tool::Brush, diameter, points[0]);
                for &point in &points[1..] {
                    let start = Instant::now();
                    std::hint::black_box(mask.extend_stroke(point));
                    updates.push(start.elapsed());
                }
                let start = Instant::now();
                mask.end_stroke();
                ends.push(start.elapsed());
            },
        );
        updates.sort_unstable();
        ends.sort_unstable();
        let percentile = |q: f64| updates[((updates.len() - 1) as f64 * q) as usize];
        let us = |d: Duration| d.as_secs_f64() * 1e6;
        println!(
            "diameter {diameter:>3}: best total {:6.2} ms; per update median {:5.2} µs, \
             p99 {:6.2} µs, max {:7.1} µs; end_stroke (makes the undo step) median {:4.2} ms",
            ms(total),
            us(percentile(0.5)),
            us(percentile(0.99)),
            us(percentile(1.0)),
            ms(ends[ends.len() / 2]),
        );
    }
}

/// A typical local-editing mask: a lasso blob, a thick stroke, a rectangle (~12 % white).
fn typical_mask() -> MaskBitmap {
    let mut mask = MaskBitmap::new(WIDTH, HEIGHT).unwrap();
    let blob: Vec<Point> = (0..300)
        .map(|i| {
            let a = i as f32 / 300.0 * std::f32::consts::TAU;
            let r = 220.0 + 40.0 * (5.0 * a).sin();
            Point::new(700.0 + 1.2 * r * a.cos(), 500.0 + r * a.sin())
        })
        .collect();
    mask.fill_polygon(&blob, Tool::Brush);
    let points = spiral(400);
    mask.begin_stroke(Tool::Brush, 40, points[0]);
    points[1..].iter().for_each(|&p| {
        mask.extend_stroke(p);
    });
    mask.end_stroke();
    mask.fill_rect(Rect::new(1500, 100, 300, 200), Tool::Brush);
    mask
}

fn export_timing() {
    let mask = typical_mask();
    println!(
        "\n== PNG export at {WIDTH}x{HEIGHT}, typical mask ({:.1} % white, best of {RUNS}) ==",
        mask.coverage() * 100.0
    );
    let mut size = 0;
    let time = best_of(|| (), |_| size = mask.to_png().unwrap().len());
    println!(
        "to_png (8-bit grey, Up, run-length fixed-Huffman deflate): {:6.2} ms, {size} bytes",
        ms(time)
    );
    compare_encoder_settings(&mask);
}

/// The png crate's encoder settings, for comparison with `to_png` (the crate is not used to
/// encode: its encoder weighs about 46 KB gz in wasm, see `png_io::encode_png`).
fn compare_encoder_settings(mask: &MaskBitmap) {
    use png::{BitDepth, Compression, Filter};
    let settings = [
        (
            "8-bit, Balanced (png default)",
            BitDepth::Eight,
            Compression::Balanced,
            None,
        ),
        (
            "8-bit, Fast, default filter",
            BitDepth::Eight,
            Compression::Fast,
            None,
        ),
        (
            "8-bit, Fast, NoFilter",
            BitDepth::Eight,
            Compression::Fast,
            Some(Filter::NoFilter),
        ),
        (
            "8-bit, Fast, Sub",
            BitDepth::Eight,
            Compression::Fast,
            Some(Filter::Sub),
        ),
        (
            "8-bit, Fast, Up",
            BitDepth::Eight,
            Compression::Fast,
            Some(Filter::Up),
        ),
        (
            "8-bit, Fastest, Up",
            BitDepth::Eight,
            Compression::Fastest,
            Some(Filter::Up),
        ),
        (
            "1-bit, Fast, Up (incl. packing)",
            BitDepth::One,
            Compression::Fast,
            Some(Filter::Up),
        ),
    ];
    for (name, depth, compression, filter) in settings {
        let mut size = 0;
        let time = best_of(
            || (),
            |_| {
                let data = match depth {
                    BitDepth::One => pack_bits(mask),
                    _ => mask.pixels().to_vec(),
                };
                let mut out = Vec::new();
                let mut encoder = png::Encoder::new(&mut out, WIDTH, HEIGHT);
                encoder.set_color(png::ColorType::Grayscale);
                encoder.set_depth(depth);
                encoder.set_compression(compression);
                if let Some(filter) = filter {
                    encoder.set_filter(filter);
                }
                let mut writer = encoder.write_header().unwrap();
                writer.write_image_data(&data).unwrap();
                writer.finish().unwrap();
                size = out.len();
            },
        );
        println!("  {name:<34} {:6.2} ms, {size:>7} bytes", ms(time));
    }
}

fn pack_bits(mask: &MaskBitmap) -> Vec<u8> {
    mask.pixels()
        .chunks_exact(WIDTH as usize)
        .flat_map(|row| {
            row.chunks(8).map(|byte| {
                byte.iter()
                    .enumerate()
                    .fold(0u8, |acc, (i, &p)| acc | ((p & 1) << (7 - i)))
            })
        })
        .collect()
}

fn other_operations() {
    println!("\n== other operations at {WIDTH}x{HEIGHT} (best of {RUNS}) ==");
    let png = typical_mask().to_png().unwrap();
    let report = |name: &str, time: Duration| println!("  {name:<40} {:6.2} ms", ms(time));
    report(
        "import_png (typical mask)",
        best_of(
            || MaskBitmap::new(WIDTH, HEIGHT).unwrap(),
            |m| {
                m.import_png(&png).unwrap();
            },
        ),
    );
    let rgba: Vec<u8> = typical_mask()
        .pixels()
        .iter()
        .flat_map(|&p| [p, p, p, 255])
        .collect();
    report(
        "import_rgba (canvas getImageData)",
        best_of(
            || MaskBitmap::new(WIDTH, HEIGHT).unwrap(),
            |m| {
                m.import_rgba(&rgba, WIDTH, HEIGHT).unwrap();
            },
        ),
    );
    report(
        "invert (incl. undo step)",
        best_of(typical_mask, |m| {
            m.invert();
        }),
    );
    report(
        "undo of invert",
        best_of(
            || {
                let mut m = typical_mask();
                m.invert();
                m
            },
            |m| {
                m.undo();
            },
        ),
    );
    report(
        "fill_bounding_box",
        best_of(typical_mask, |m| {
            m.fill_bounding_box();
        }),
    );
    let mask = typical_mask();
    report(
        "coverage",
        best_of(
            || (),
            |_| {
                std::hint::black_box(mask.coverage());
            },
        ),
    );
    report(
        "bounding_box",
        best_of(
            || (),
            |_| {
                std::hint::black_box(mask.bounding_box());
            },
        ),
    );
    let mut full = vec![0u8; WIDTH as usize * HEIGHT as usize * 4];
    report(
        "render_overlay_full (whole frame)",
        best_of(
            || (),
            |_| {
                mask.render_overlay_full(mask.bounds(), OverlayStyle::default(), &mut full)
                    .unwrap();
            },
        ),
    );
}

fn history_memory() {
    println!("\n== memory held by 100 undo steps at {WIDTH}x{HEIGHT} ==");
    let mut mask = MaskBitmap::new(WIDTH, HEIGHT).unwrap();
    for i in 0..100u32 {
        // Long wavy strokes, 10–58 px wide, every third one erasing: 200 samples each.
        let (base, phase) = (100.0 + i as f32 * 8.8, i as f32 * 2.399);
        let frequency = 3.0 + (i % 5) as f32;
        let tool = if i % 3 == 2 {
            Tool::Eraser
        } else {
            Tool::Brush
        };
        let points: Vec<Point> = (0..200)
            .map(|s| {
                let t = s as f32 / 199.0;
                Point::new(
                    40.0 + t * 1840.0,
                    base + 80.0 * (t * frequency + phase).sin(),
                )
            })
            .collect();
        mask.begin_stroke(tool, 10 + (i % 5) * 12, points[0]);
        points[1..].iter().for_each(|&p| {
            mask.extend_stroke(p);
        });
        mask.end_stroke();
    }
    let bytes = mask.history_bytes();
    println!(
        "100 long strokes: {} steps, {bytes} bytes ({:.1} KiB, {:.0} bytes/step); \
         a full copy per step would be {} bytes",
        mask.undo_steps(),
        bytes as f64 / 1024.0,
        bytes as f64 / mask.undo_steps() as f64,
        100 * WIDTH as usize * HEIGHT as usize
    );
    let start = Instant::now();
    while mask.undo().is_some() {}
    println!(
        "undoing all 100: {:.2} ms, blank again: {}",
        ms(start.elapsed()),
        mask.is_blank()
    );
    let mut inverts = MaskBitmap::new(WIDTH, HEIGHT).unwrap();
    (0..100).for_each(|_| {
        inverts.invert();
    });
    println!(
        "100 whole-image inverts (worst realistic case): {} bytes ({:.0} bytes/step)",
        inverts.history_bytes(),
        inverts.history_bytes() as f64 / 100.0
    );
}
