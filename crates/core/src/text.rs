//! Building messages without `core::fmt`.
//!
//! `format!` links the formatting machinery (and, for floats, the float formatter) into every
//! build; in the browser client's WebAssembly that machinery weighs more than the rules
//! themselves. Messages are therefore put together with [`cat!`](crate::cat): text pieces,
//! integers ([`Piece`] is implemented for the integer types) and JSON values ([`Json`], their
//! exact JSON text, numbers as serde_json writes them), appended to one `String`.
//!
//! ```
//! use wanedit_core::{cat, text::Json};
//! let v = serde_json::json!(1.5);
//! assert_eq!(cat!("strength is ", Json(&v), "; at most ", 2, " images"),
//!            "strength is 1.5; at most 2 images");
//! ```

use serde_json::Value;

/// Something [`cat!`](crate::cat) can append to a message.
pub trait Piece {
    /// Appends the text of `self` to `out`.
    fn push_to(&self, out: &mut String);
}

impl Piece for str {
    fn push_to(&self, out: &mut String) {
        out.push_str(self);
    }
}

impl Piece for String {
    fn push_to(&self, out: &mut String) {
        out.push_str(self);
    }
}

impl Piece for char {
    fn push_to(&self, out: &mut String) {
        out.push(*self);
    }
}

impl<T: Piece + ?Sized> Piece for &T {
    fn push_to(&self, out: &mut String) {
        (**self).push_to(out);
    }
}

/// Appends the decimal digits of `n` (with a `-` when `negative`).
fn push_decimal(out: &mut String, negative: bool, mut n: u64) {
    let mut digits = [0u8; 20];
    let mut i = digits.len();
    loop {
        i -= 1;
        digits[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    if negative {
        out.push('-');
    }
    for &d in &digits[i..] {
        out.push(char::from(d));
    }
}

/// Appends `n` in decimal.
pub fn push_int(out: &mut String, n: i64) {
    push_decimal(out, n < 0, n.unsigned_abs());
}

/// Appends `n` in decimal.
pub fn push_uint(out: &mut String, n: u64) {
    push_decimal(out, false, n);
}

macro_rules! int_pieces {
    ($push:ident: $($t:ty),*) => {
        $(impl Piece for $t {
            fn push_to(&self, out: &mut String) {
                $push(out, *self as _);
            }
        })*
    };
}
int_pieces!(push_int: i8, i16, i32, i64, isize);
int_pieces!(push_uint: u8, u16, u32, u64, usize);

/// A JSON value as a message piece: its compact JSON text (`1.5`, `"a"`, `[1,2]`).
pub struct Json<'a>(pub &'a Value);

impl Piece for Json<'_> {
    fn push_to(&self, out: &mut String) {
        out.push_str(&json_text(self.0));
    }
}

/// A number as a message piece, written as serde_json writes it: `1.0`, `0.05`, `1e300`
/// (the shortest text that reads back as the same number, always with a `.` or exponent).
pub struct Float(pub f64);

impl Piece for Float {
    fn push_to(&self, out: &mut String) {
        out.push_str(&json_text(&Value::from(self.0)));
    }
}

/// The number of characters (Unicode scalar values) of `s`: `s.chars().count()`, in less
/// code.
pub fn char_count(s: &str) -> usize {
    s.bytes().filter(|b| b & 0xC0 != 0x80).count()
}

/// The first `n` characters of `s` (all of it when shorter).
pub fn char_prefix(s: &str, n: usize) -> &str {
    let mut chars = 0;
    for (at, b) in s.bytes().enumerate() {
        // Each character starts with a byte that is not a continuation byte (0b10xxxxxx).
        if b & 0xC0 != 0x80 {
            if chars == n {
                return s.get(..at).unwrap_or(s);
            }
            chars += 1;
        }
    }
    s
}

/// Appends `s` as a JSON string, escaped exactly as serde_json escapes it.
pub fn push_json_str(out: &mut String, s: &str) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c if (c as u32) < 0x20 => {
                out.push_str("\\u00");
                out.push(char::from(HEX[(c as usize) >> 4]));
                out.push(char::from(HEX[(c as usize) & 15]));
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// The compact JSON text of a value, exactly as `serde_json::to_string` writes it.
pub fn json_text(v: &Value) -> String {
    let mut out = String::new();
    write_json(&mut out, v, None);
    out
}

/// The JSON text of a value indented by two spaces, exactly as `serde_json::to_string_pretty`
/// writes it.
pub fn json_text_pretty(v: &Value) -> String {
    let mut out = String::new();
    write_json(&mut out, v, Some(0));
    out
}

/// Appends `v` as JSON: compact, or pretty at nesting depth `indent`. By hand rather than
/// through serde's serializer (two instances of it, compact and pretty, weighed several KB
/// in WebAssembly); numbers other than integers are still written by serde_json.
fn write_json(out: &mut String, v: &Value, indent: Option<usize>) {
    // Before each item of an array or object: `,` after the first, and in pretty mode a
    // new line and the indentation.
    fn item(out: &mut String, first: bool, indent: Option<usize>) {
        if !first {
            out.push(',');
        }
        if let Some(depth) = indent {
            out.push('\n');
            for _ in 0..depth {
                out.push_str("  ");
            }
        }
    }
    let inner = indent.map(|d| d + 1);
    match v {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => match (n.as_u64(), n.as_i64()) {
            (Some(u), _) => push_uint(out, u),
            (None, Some(i)) => push_int(out, i),
            _ => out.push_str(&serde_json::to_string(&n.as_f64()).unwrap_or_default()),
        },
        Value::String(s) => push_json_str(out, s),
        Value::Array(items) => {
            out.push('[');
            for (i, x) in items.iter().enumerate() {
                item(out, i == 0, inner);
                write_json(out, x, inner);
            }
            if !items.is_empty() {
                item(out, true, indent);
            }
            out.push(']');
        }
        Value::Object(m) => {
            out.push('{');
            for (i, (k, x)) in m.iter().enumerate() {
                item(out, i == 0, inner);
                push_json_str(out, k);
                out.push_str(if indent.is_some() { ": " } else { ":" });
                write_json(out, x, inner);
            }
            if !m.is_empty() {
                item(out, true, indent);
            }
            out.push('}');
        }
    }
}

/// Concatenates message pieces (`&str`, `String`, `char`, integers, [`Json`], [`Float`]) into
/// a new `String`, without `core::fmt`.
#[macro_export]
macro_rules! cat {
    ($($piece:expr),* $(,)?) => {{
        let mut out = ::std::string::String::new();
        $($crate::text::Piece::push_to(&$piece, &mut out);)*
        out
    }};
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn pieces_read_like_format() {
        for n in [0i64, 7, -7, 10, 2_147_483_647, i64::MIN, i64::MAX] {
            assert_eq!(cat!(n), n.to_string());
        }
        assert_eq!(cat!(u64::MAX, 'x', 5usize), format!("{}x5", u64::MAX));
        assert_eq!(cat!(Float(0.0), " to ", Float(1.0)), "0.0 to 1.0");
        assert_eq!(cat!(Float(0.05), " ", Float(2.5)), "0.05 2.5");
        assert_eq!(cat!(Json(&json!(1.5)), Json(&json!(3))), "1.53");
        assert_eq!(cat!(Json(&json!("a\"b"))), r#""a\"b""#);
        let s = String::from("s");
        assert_eq!(cat!(s, &s, "t", ""), "sst");
    }

    fn arbitrary_json() -> impl proptest::strategy::Strategy<Value = Value> {
        use proptest::prelude::*;
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(Value::from),
            any::<u64>().prop_map(Value::from),
            any::<f64>().prop_map(Value::from),
            (-1e6f64..1e6).prop_map(Value::from),
            any::<String>().prop_map(Value::String),
        ];
        leaf.prop_recursive(4, 64, 6, |inner| {
            prop_oneof![
                proptest::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
                proptest::collection::btree_map(any::<String>(), inner, 0..5)
                    .prop_map(|m| Value::Object(m.into_iter().collect())),
            ]
        })
    }

    proptest::proptest! {
        #[test]
        fn json_is_written_like_serde_json(v in arbitrary_json()) {
            proptest::prop_assert_eq!(json_text(&v), serde_json::to_string(&v).unwrap());
            proptest::prop_assert_eq!(json_text_pretty(&v), serde_json::to_string_pretty(&v).unwrap());
        }
    }

    #[test]
    fn characters_are_counted_and_cut() {
        for s in ["", "abc", "é视频😀x", "\u{0}\u{7f}\u{80}"] {
            assert_eq!(char_count(s), s.chars().count());
            for n in 0..6 {
                assert_eq!(char_prefix(s, n), s.chars().take(n).collect::<String>());
            }
        }
    }

    #[test]
    fn json_edge_cases() {
        for v in [
            json!([]),
            json!({}),
            json!([[], {}, [[]], {"a": {}}]),
            json!(-0.0),
            json!(1e300),
            json!(i64::MIN),
            json!(u64::MAX),
            json!(0.1),
        ] {
            assert_eq!(json_text(&v), serde_json::to_string(&v).unwrap());
            assert_eq!(
                json_text_pretty(&v),
                serde_json::to_string_pretty(&v).unwrap()
            );
        }
    }

    #[test]
    fn strings_are_escaped_like_serde_json() {
        let mut all: String = (0u8..128).map(char::from).collect();
        all.push_str("é视频\u{2028}\u{1F600}\u{7f}");
        for s in [all.as_str(), "", "plain", "a\"b\\c"] {
            let mut out = String::new();
            push_json_str(&mut out, s);
            assert_eq!(out, serde_json::to_string(s).unwrap());
        }
    }
}
