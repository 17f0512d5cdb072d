//! Duplicate object keys in JSON text.
//!
//! JSON readers disagree about `{"a":1,"a":2}`: most keep the last value, some the first, some
//! refuse it. A checker that reads one value while the receiver reads another checks nothing,
//! so bodies naming a key twice in one object, at any depth, are refused before validation.
//! The scan runs on the text itself (a parsed [`serde_json::Value`] has already lost the
//! duplicate), with serde_json's own streaming parser: escapes are decoded before keys are
//! compared, so `"a"` and `"\u0061"` are the same key. It allocates only for keys that hold
//! escapes and for the path of the value being read, and, like any serde_json parse, stops
//! at 128 levels of nesting.

use crate::cat;
use crate::issue::{Issue, IssueCode};
use crate::text::Piece;
use key::Key;
use serde::de::{self, DeserializeSeed, MapAccess, SeqAccess, Visitor};
use std::collections::BTreeSet;
use std::fmt;

/// The path of the first key that appears twice in one object (`parameters.control_condition`,
/// `input.media[1].type`, in the dotted form of [`Issue::path`]), or `None` if every object
/// names each key once. Text that is not JSON gives `None`: parsing it reports that.
pub fn duplicate_key_path(bytes: &[u8]) -> Option<String> {
    let mut path = String::new();
    let mut found = None;
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let _ = Walk {
        path: &mut path,
        found: &mut found,
    }
    .deserialize(&mut de);
    found
}

/// The [`IssueCode::DuplicateKey`] error for the first duplicate key, if any (see
/// [`duplicate_key_path`]).
pub fn duplicate_key_issue(bytes: &[u8]) -> Option<Issue> {
    let path = duplicate_key_path(bytes)?;
    let message = cat!(
        "duplicate key at ",
        path,
        ": a key may appear only once in an object (JSON readers differ on which copy counts)"
    );
    Some(Issue::error(path, IssueCode::DuplicateKey, message))
}

/// Reads one value, recording the path of the first duplicate key into `found` (and then
/// failing, to stop the parse).
struct Walk<'a> {
    /// The path of the value being read; restored before returning.
    path: &'a mut String,
    found: &'a mut Option<String>,
}

impl<'de> DeserializeSeed<'de> for Walk<'_> {
    type Value = ();

    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Walk<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E>(self, _: bool) -> Result<(), E> {
        Ok(())
    }

    fn visit_i64<E>(self, _: i64) -> Result<(), E> {
        Ok(())
    }

    fn visit_u64<E>(self, _: u64) -> Result<(), E> {
        Ok(())
    }

    fn visit_f64<E>(self, _: f64) -> Result<(), E> {
        Ok(())
    }

    fn visit_str<E>(self, _: &str) -> Result<(), E> {
        Ok(())
    }

    fn visit_unit<E>(self) -> Result<(), E> {
        Ok(())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let mark = self.path.len();
        let mut i = 0usize;
        loop {
            self.path.push('[');
            i.push_to(self.path);
            self.path.push(']');
            let walk = Walk {
                path: &mut *self.path,
                found: &mut *self.found,
            };
            let more = seq.next_element_seed(walk)?;
            self.path.truncate(mark);
            if more.is_none() {
                return Ok(());
            }
            i += 1;
        }
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let mark = self.path.len();
        let mut seen: BTreeSet<Key<'de>> = BTreeSet::new();
        while let Some(key) = map.next_key::<Key<'de>>()? {
            if mark > 0 {
                self.path.push('.');
            }
            self.path.push_str(key.as_str());
            if !seen.insert(key) {
                *self.found = Some(self.path.clone());
                self.path.truncate(mark);
                return Err(de::Error::custom("duplicate key"));
            }
            map.next_value_seed(Walk {
                path: &mut *self.path,
                found: &mut *self.found,
            })?;
            self.path.truncate(mark);
        }
        Ok(())
    }
}

/// Object keys as the parser hands them: borrowed from the text unless they held escapes.
mod key {
    use serde::de::{self, Deserialize, Deserializer, Visitor};
    use std::borrow::Cow;
    use std::fmt;

    /// One decoded object key.
    #[derive(PartialEq, Eq, PartialOrd, Ord)]
    pub(super) struct Key<'de>(Cow<'de, str>);

    impl Key<'_> {
        pub(super) fn as_str(&self) -> &str {
            &self.0
        }
    }

    impl<'de> Deserialize<'de> for Key<'de> {
        fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            deserializer.deserialize_str(KeyVisitor)
        }
    }

    struct KeyVisitor;

    impl<'de> Visitor<'de> for KeyVisitor {
        type Value = Key<'de>;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("an object key")
        }

        fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Key<'de>, E> {
            Ok(Key(Cow::Borrowed(v)))
        }

        fn visit_str<E: de::Error>(self, v: &str) -> Result<Key<'de>, E> {
            Ok(Key(Cow::Owned(v.to_string())))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dup(text: &str) -> Option<String> {
        duplicate_key_path(text.as_bytes())
    }

    #[test]
    fn bodies_without_duplicates_pass() {
        assert_eq!(
            dup(r#"{"model":"m","input":{"a":1,"b":[1,2,{"a":1}]},"a":null}"#),
            None
        );
        assert_eq!(dup(r#"[{"a":1},{"a":2}]"#), None, "siblings may share keys");
        assert_eq!(dup(r#""text""#), None);
        assert_eq!(dup("{}"), None);
    }

    #[test]
    fn duplicates_are_found_at_any_depth() {
        assert_eq!(
            dup(r#"{"model":"a","model":"b"}"#).as_deref(),
            Some("model")
        );
        assert_eq!(
            dup(r#"{"parameters":{"control_condition":"bogus","seed":1,"control_condition":"depth"}}"#)
                .as_deref(),
            Some("parameters.control_condition")
        );
        assert_eq!(
            dup(r#"{"input":{"media":[{"type":"video"},{"type":"a","url":"u","type":"b"}]}}"#)
                .as_deref(),
            Some("input.media[1].type")
        );
        assert_eq!(
            dup(r#"[[1],[{"x":{"y":1,"y":2}}]]"#).as_deref(),
            Some("[1][0].x.y")
        );
        // The same key once escaped: decoded before comparing.
        assert_eq!(dup(r#"{"a":1,"\u0061":2}"#).as_deref(), Some("a"));
        // The first duplicate in document order wins.
        assert_eq!(dup(r#"{"z":{"k":1,"k":2},"z":0}"#).as_deref(), Some("z.k"));
    }

    #[test]
    fn not_json_is_left_to_the_parser() {
        assert_eq!(dup("{\"a\":"), None);
        assert_eq!(dup("not json"), None);
        let deep = "[".repeat(100_000);
        assert_eq!(dup(&deep), None, "nesting is bounded, not a stack overflow");
    }

    #[test]
    fn the_issue_names_the_path() {
        let issue = duplicate_key_issue(br#"{"parameters":{"x":1,"x":2}}"#).unwrap();
        assert_eq!(issue.path, "parameters.x");
        assert_eq!(issue.code, IssueCode::DuplicateKey);
        assert!(issue.is_error());
        assert!(
            issue.message.contains("duplicate key at parameters.x"),
            "{}",
            issue.message
        );
        assert!(duplicate_key_issue(br#"{"x":1}"#).is_none());
    }
}
