//! The values at a few JSON pointers of a document, read in one pass without building the rest
//! of it: paging needs a link or a cursor from each page, and the page itself has already been
//! decoded into its type.
//!
//! Each answer is what `serde_json::Value::pointer` would give on the whole document parsed as
//! a `Value` (the same escapes, array indices and last-of-duplicate-keys), with one difference:
//! what is skipped is only checked for syntax (`IgnoredAny`), so a document whose skipped parts
//! hold a number out of `f64`'s range, invalid UTF-8 or a lone surrogate escape still answers,
//! as it decoded into the page's type.

use serde::de::{self, Deserialize, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::Value;
use std::fmt;

/// The value at each of `pointers` (`None` where there is none), or `None` when `body` is not
/// one JSON document.
pub(crate) fn values_at(body: &[u8], pointers: &[&str]) -> Option<Vec<Option<Value>>> {
    let parsed: Vec<Option<Vec<String>>> = pointers.iter().map(|p| tokens(p)).collect();
    let targets: Vec<Target<'_>> =
        parsed.iter().enumerate().filter_map(|(index, t)| t.as_deref().map(|rest| Target { index, rest })).collect();
    let mut de = serde_json::Deserializer::from_slice(body);
    let found = Walk { targets }.deserialize(&mut de).ok()?;
    de.end().ok()?;
    let mut out = vec![None; pointers.len()];
    for (index, value) in found {
        out[index] = value;
    }
    Some(out)
}

/// A pointer's reference tokens, unescaped as `Value::pointer` does; `None` for text that is
/// not a pointer (it answers nothing).
fn tokens(pointer: &str) -> Option<Vec<String>> {
    if pointer.is_empty() {
        return Some(Vec::new());
    }
    let rest = pointer.strip_prefix('/')?;
    Some(rest.split('/').map(|t| t.replace("~1", "/").replace("~0", "~")).collect())
}

/// An array index as `Value::pointer` reads one: digits, no sign, no leading zero.
fn index_of(token: &str) -> Option<usize> {
    if token.starts_with('+') || (token.starts_with('0') && token.len() != 1) {
        return None;
    }
    token.parse().ok()
}

/// The value the rest of a pointer names inside `value`.
fn follow(mut value: &Value, rest: &[String]) -> Option<Value> {
    for token in rest {
        value = match value {
            Value::Object(map) => map.get(token)?,
            Value::Array(items) => items.get(index_of(token)?)?,
            _ => return None,
        };
    }
    Some(value.clone())
}

/// One pointer being followed: which of the asked pointers, and its tokens still to go.
#[derive(Clone, Copy)]
struct Target<'a> {
    index: usize,
    rest: &'a [String],
}

/// Reads one value for the targets inside it; answers every target it was given.
struct Walk<'a> {
    targets: Vec<Target<'a>>,
}

type Found = Vec<(usize, Option<Value>)>;

impl Walk<'_> {
    fn nothing(&self) -> Found {
        self.targets.iter().map(|t| (t.index, None)).collect()
    }
}

impl<'de> DeserializeSeed<'de> for Walk<'_> {
    type Value = Found;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Found, D::Error> {
        if self.targets.is_empty() {
            IgnoredAny::deserialize(deserializer)?;
            return Ok(Vec::new());
        }
        if self.targets.iter().any(|t| t.rest.is_empty()) {
            // A pointer ends here: this value is (or holds) an answer, read whole.
            let value = Value::deserialize(deserializer)?;
            return Ok(self.targets.iter().map(|t| (t.index, follow(&value, t.rest))).collect());
        }
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Walk<'_> {
    type Value = Found;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Found, A::Error> {
        let mut found = self.nothing();
        while let Some(inside) = map.next_key_seed(Key { targets: &self.targets })? {
            let results = map.next_value_seed(Walk { targets: inside })?;
            // A later duplicate key replaces an earlier one, as in a `Value`'s map.
            for (index, value) in results {
                if let Some(slot) = found.iter_mut().find(|(i, _)| *i == index) {
                    slot.1 = value;
                }
            }
        }
        Ok(found)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Found, A::Error> {
        let mut found = self.nothing();
        let mut position = 0;
        loop {
            let inside: Vec<Target<'_>> = self
                .targets
                .iter()
                .filter(|t| index_of(&t.rest[0]) == Some(position))
                .map(|t| Target { index: t.index, rest: &t.rest[1..] })
                .collect();
            let Some(results) = seq.next_element_seed(Walk { targets: inside })? else { break };
            for (index, value) in results {
                if let Some(slot) = found.iter_mut().find(|(i, _)| *i == index) {
                    slot.1 = value;
                }
            }
            position += 1;
        }
        Ok(found)
    }

    // A scalar holds no value at a longer pointer.
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Found, E> {
        Ok(self.nothing())
    }

    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Found, E> {
        Ok(self.nothing())
    }

    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Found, E> {
        Ok(self.nothing())
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Found, E> {
        Ok(self.nothing())
    }

    fn visit_str<E: de::Error>(self, _: &str) -> Result<Found, E> {
        Ok(self.nothing())
    }

    fn visit_unit<E: de::Error>(self) -> Result<Found, E> {
        Ok(self.nothing())
    }
}

/// Reads an object key, answering the targets that go on under it (none: the value is skipped).
struct Key<'t, 'a> {
    targets: &'t [Target<'a>],
}

impl<'de, 'a> DeserializeSeed<'de> for Key<'_, 'a> {
    type Value = Vec<Target<'a>>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl<'de, 'a> Visitor<'de> for Key<'_, 'a> {
    type Value = Vec<Target<'a>>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object key")
    }

    fn visit_str<E: de::Error>(self, key: &str) -> Result<Self::Value, E> {
        Ok(self.targets.iter().filter(|t| t.rest[0] == key).map(|t| Target { index: t.index, rest: &t.rest[1..] }).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// Every pointer into `doc` (and some that miss), each answered as `Value::pointer` does.
    fn pointers_of(value: &Value, at: &str, out: &mut Vec<String>) {
        out.push(at.to_owned());
        match value {
            Value::Object(map) => {
                for (key, inner) in map {
                    let token = key.replace('~', "~0").replace('/', "~1");
                    pointers_of(inner, &format!("{at}/{token}"), out);
                }
                out.push(format!("{at}/absent"));
            }
            Value::Array(items) => {
                for (i, inner) in items.iter().enumerate() {
                    pointers_of(inner, &format!("{at}/{i}"), out);
                }
                for miss in ["01", "+0", "-1", "x", "99"] {
                    out.push(format!("{at}/{miss}"));
                }
            }
            _ => out.push(format!("{at}/0")),
        }
    }

    #[test]
    fn every_pointer_answers_as_value_pointer_does() {
        let docs = [
            json!({"_links": {"next": {"href": "https://x/y?c=2"}, "self": {"href": "s"}}, "items": [1, {"a": null}]}),
            json!({"next_cursor": "c2", "has_more": true, "data": [[1, 2], [3]], "n": 1.5, "neg": -3}),
            json!({"a/b": {"m~n": [true, false]}, "": {"": "empty keys"}, "pagination": {"total_pages": 3}}),
            json!([{"x": 1}, "s", 2]),
            json!("just a string"),
            json!(null),
        ];
        for doc in &docs {
            let mut pointers = vec!["no slash".to_owned()];
            pointers_of(doc, "", &mut pointers);
            let text = serde_json::to_vec(doc).expect("json");
            for pointer in &pointers {
                let got = values_at(&text, &[pointer]).expect("a document");
                assert_eq!(got, [doc.pointer(pointer).cloned()], "{pointer} in {doc}");
            }
            // All at once, in one pass.
            let all: Vec<&str> = pointers.iter().map(String::as_str).collect();
            let want: Vec<Option<Value>> = all.iter().map(|p| doc.pointer(p).cloned()).collect();
            assert_eq!(values_at(&text, &all).expect("a document"), want, "{doc}");
        }
    }

    #[test]
    fn the_last_of_duplicate_keys_counts() {
        let text = br#"{"next": {"href": "a"}, "next": {"other": 1}, "c": 1, "c": 2}"#;
        let want = serde_json::from_slice::<Value>(text).expect("a value");
        for pointer in ["/next/href", "/next/other", "/c", "/next"] {
            assert_eq!(values_at(text, &[pointer]).expect("a document"), [want.pointer(pointer).cloned()], "{pointer}");
        }
        assert_eq!(values_at(text, &["/next/href"]).expect("a document"), [None]);
    }

    #[test]
    fn only_whole_documents_answer() {
        assert_eq!(values_at(br#"{"a": 1} trailing"#, &["/a"]), None);
        assert_eq!(values_at(br#"{"a": 1"#, &["/a"]), None);
        assert_eq!(values_at(b"", &["/a"]), None);
        assert_eq!(values_at(br#"{"a": 1}"#, &[]), Some(vec![]));
    }

    #[test]
    fn skipped_parts_are_only_checked_for_syntax() {
        // A `Value` of the whole document fails on each of these; the page's type, which skips
        // the field, does not, and neither does paging.
        let bodies: [&[u8]; 3] = [
            br#"{"junk": 1e400, "next": "c2"}"#,
            b"{\"junk\": \"\xff\", \"next\": \"c2\"}",
            br#"{"junk": "\udc00", "next": "c2"}"#,
        ];
        for body in bodies {
            assert!(serde_json::from_slice::<Value>(body).is_err());
            assert_eq!(values_at(body, &["/next"]), Some(vec![Some(json!("c2"))]));
        }
    }
}
