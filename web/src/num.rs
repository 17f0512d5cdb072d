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

    /// The expected number of each text, written out (not computed by the standard library),
    /// so a wrong syntax check or a wrong value fails the test.
    #[test]
    fn parse_reads_fixed_texts_to_fixed_values() {
        let accepted: &[(&str, f64)] = &[
            ("0", 0.0),
            ("1", 1.0),
            ("-1", -1.0),
            ("+1", 1.0),
            ("1.", 1.0),
            (".5", 0.5),
            ("-.5", -0.5),
            ("+.5", 0.5),
            ("1e5", 100_000.0),
            ("1E5", 100_000.0),
            ("1e+5", 100_000.0),
            ("1e-5", 0.000_01),
            ("1.e5", 100_000.0),
            (".5e-3", 0.000_5),
            ("0.1", 0.1),
            ("0.30000000000000004", 0.300_000_000_000_000_04),
            ("00.00100", 0.001),
            ("1.05", 1.05),
            ("12345678901234567890123", 1.234_567_890_123_456_8e22),
            ("1e400", f64::INFINITY),
            ("-1e400", f64::NEG_INFINITY),
            ("1e-400", 0.0),
            ("inf", f64::INFINITY),
            ("-inf", f64::NEG_INFINITY),
            ("+Inf", f64::INFINITY),
            ("INFINITY", f64::INFINITY),
            ("5e-324", f64::from_bits(1)),
            ("1.7976931348623157e308", f64::MAX),
        ];
        for &(text, expected) in accepted {
            assert_eq!(
                parse(text).map(f64::to_bits),
                Some(expected.to_bits()),
                "{text:?}"
            );
        }
        assert_eq!(parse("-0").map(f64::to_bits), Some((-0.0f64).to_bits()));
        for nan in ["nan", "NaN", "-nan"] {
            assert!(parse(nan).is_some_and(f64::is_nan), "{nan:?}");
        }
        for refused in [
            "", " ", ".", "-", "+", "1e", "1e+", "e5", ".e5", "1.5.2", "1e5.5", "0x10", " 1", "1 ",
            "1_000", "infinit", "1,5", "١", "--1", "+-1", "1e--5", "∞", "1e5e5", "5%",
        ] {
            assert_eq!(parse(refused), None, "{refused:?}");
        }
    }

    #[test]
    fn fixed_and_shortest_write_fixed_texts() {
        for (x, digits, text) in [
            (0.0, 0, "0"),
            (1.5, 0, "2"),
            (2.5, 0, "2"),
            (-2.5, 0, "-2"),
            (0.125, 2, "0.12"),
            (0.375, 2, "0.38"),
            (1.005, 2, "1.00"),
            (99.995, 2, "100.00"),
            (-0.001, 2, "-0.00"),
            (56.25, 1, "56.2"),
            (1280.0, 1, "1280.0"),
            (1e21, 0, "1000000000000000000000"),
        ] {
            assert_eq!(fixed(x, digits), text, "{x} to {digits}");
        }
        for (x, text) in [
            (0.0, "0"),
            (-0.0, "-0"),
            (0.5, "0.5"),
            (0.1 + 0.2, "0.30000000000000004"),
            (1280.0, "1280"),
            (1e-7, "0.0000001"),
            (1e21, "1000000000000000000000"),
            (f64::INFINITY, "inf"),
            (f64::NAN, "NaN"),
        ] {
            assert_eq!(shortest(x), text, "{x}");
        }
    }
}
