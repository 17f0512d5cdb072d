//! Floating-point numbers as text and text as numbers.
//!
//! [`parse`] is `s.parse::<f64>()` without Rust's float parser (its code and tables weigh
//! about 12 KB gzipped in WebAssembly): the syntax is checked in Rust and, in the browser,
//! the value is JavaScript's `parseFloat` (the same correctly rounded number); natively it is
//! the standard library's. [`fixed`] and [`shortest`] keep the UI's float formatting in one
//! place.

/// `format!("{x:.digits$}")`. Every fixed-precision number of the UI is written here, so
/// the float formatting is called from one place (it is linked anyway: core's media rules
/// use it).
pub fn fixed(x: f64, digits: u32) -> String {
    format!("{x:.*}", digits as usize)
}

/// `x.to_string()`, as a `String` attribute value (one rendering path for all of them).
pub fn shortest(x: f64) -> String {
    x.to_string()
}

/// `s.parse::<f64>().ok()`: `[+-]` then digits with at most one `.` (at least one digit) and
/// an optional exponent `e`/`E` `[+-]digits`, or `inf`, `infinity`, `nan` in any case.
pub fn parse(s: &str) -> Option<f64> {
    let unsigned = s.strip_prefix(['+', '-']).unwrap_or(s);
    let negative = s.starts_with('-');
    let lower = unsigned.to_ascii_lowercase();
    if lower == "inf" || lower == "infinity" {
        return Some(if negative {
            f64::NEG_INFINITY
        } else {
            f64::INFINITY
        });
    }
    if lower == "nan" {
        return Some(f64::NAN);
    }
    if !is_decimal(unsigned) {
        return None;
    }
    #[cfg(target_arch = "wasm32")]
    {
        Some(js::parse_float(s))
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        s.parse().ok()
    }
}

/// `digits[.digits][(e|E)[+-]digits]` with at least one digit before the exponent.
fn is_decimal(s: &str) -> bool {
    let (number, exp) = match s.find(['e', 'E']) {
        Some(i) => (&s[..i], Some(&s[i + 1..])),
        None => (s, None),
    };
    let (int, frac) = number.split_once('.').unwrap_or((number, ""));
    let all_digits = |t: &str| t.bytes().all(|b| b.is_ascii_digit());
    let mantissa_ok = !(int.is_empty() && frac.is_empty()) && all_digits(int) && all_digits(frac);
    let exp_ok = exp.is_none_or(|e| {
        let e = e.strip_prefix(['+', '-']).unwrap_or(e);
        !e.is_empty() && all_digits(e)
    });
    mantissa_ok && exp_ok
}

#[cfg(target_arch = "wasm32")]
mod js {
    use wasm_bindgen::prelude::*;

    #[wasm_bindgen]
    extern "C" {
        /// `parseFloat(s)`.
        #[wasm_bindgen(js_name = parseFloat)]
        pub fn parse_float(s: &str) -> f64;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn samples() -> Vec<f64> {
        let mut v = vec![
            0.0,
            -0.0,
            0.5,
            1.5,
            2.5,
            -2.5,
            0.125,
            0.375,
            1.005,
            0.045,
            -0.001,
            -0.004,
            1e-7,
            123.456,
            1280.0,
            720.0 / 1280.0 * 100.0,
            99.995,
            f64::MIN_POSITIVE,
            5e-324,
            1e21,
            1.7976931348623157e308,
            9007199254740993.0,
            4503599627370496.5,
            f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
        ];
        let mut s = 0x9E37_79B9_7F4A_7C15u64;
        for _ in 0..5_000 {
            s ^= s << 13;
            s ^= s >> 7;
            s ^= s << 17;
            let x = f64::from_bits(s);
            if x.is_finite() {
                v.push(x);
            }
            // Numbers a UI shows: percentages, pixels, ratios.
            v.push((s % 2_000_000) as f64 / 997.0 - 1000.0);
            v.push((s % 100_000) as f64 / 1000.0);
            v.push((s % 10_000) as f64 / 8.0);
        }
        v
    }

    #[test]
    fn parse_accepts_what_std_accepts() {
        let texts = [
            "",
            " ",
            "1",
            "-1",
            "+1",
            "1.",
            ".5",
            "-.5",
            "+.5",
            ".",
            "-",
            "+",
            "1e5",
            "1E5",
            "1e+5",
            "1e-5",
            "1e",
            "1e+",
            "e5",
            ".e5",
            "1.e5",
            ".5e-3",
            "1.5.2",
            "1e5.5",
            "0x10",
            " 1",
            "1 ",
            "1_000",
            "inf",
            "-inf",
            "+Inf",
            "INFINITY",
            "infinit",
            "nan",
            "NaN",
            "-nan",
            "1e400",
            "-1e400",
            "1e-400",
            "0.1",
            "0.30000000000000004",
            "1,5",
            "١",
            "12345678901234567890123",
            "00.00100",
            "--1",
            "+-1",
            "1e--5",
            "∞",
        ];
        for t in texts {
            let ours = parse(t);
            let std = t.parse::<f64>().ok();
            assert_eq!(ours.is_some(), std.is_some(), "{t:?}");
            if let (Some(a), Some(b)) = (ours, std) {
                assert!(
                    a.to_bits() == b.to_bits() || (a.is_nan() && b.is_nan()),
                    "{t:?}"
                );
            }
        }
        for x in samples() {
            for t in [x.to_string(), format!("{x:e}"), format!("{x:.3}")] {
                assert_eq!(
                    parse(&t).map(f64::to_bits),
                    t.parse::<f64>().ok().map(f64::to_bits)
                );
            }
        }
    }
}
