//! Decoding with errors that carry no value: serde's messages quote what they rejected
//! (`invalid type: string "123-45-6789", expected u64`), and a rejected value may be an SSN or
//! a token. Errors keep the JSON path and the expected and found *kinds*, never the value.

use serde::de::DeserializeOwned;
use serde_json::Value;

/// Why a value did not decode, without any value from the input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Failure {
    /// JSON path of the value that failed (`links.mk_1.state`), empty for the whole input.
    pub path: String,
    /// What was expected and what kind of value was found.
    pub message: String,
}

/// Decodes JSON text into `T`. The fast path is plain `serde_json`; only when it fails is the
/// input decoded again with path tracking, to say where.
pub(crate) fn from_slice<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, Failure> {
    match serde_json::from_slice(bytes) {
        Ok(value) => Ok(value),
        Err(first) => Err(retrace::<T>(bytes, first)),
    }
}

/// The second pass of a failed decoding, with path tracking: the generic part, kept apart so
/// the success path stays small.
#[cold]
#[inline(never)]
fn retrace<T: DeserializeOwned>(bytes: &[u8], first: serde_json::Error) -> Failure {
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let tracked = match serde_path_to_error::deserialize::<_, T>(&mut de) {
        Err(err) => {
            let segments: Vec<Segment> = err.path().iter().map(Segment::of).collect();
            Some((err.path().to_string(), err.into_inner().to_string(), segments))
        }
        Ok(_) => None,
    };
    failure_of(bytes, first, tracked)
}

/// The failure, from what path tracking found (`None`: accepted with path tracking, so the first
/// error came after the value: trailing text).
fn failure_of(bytes: &[u8], first: serde_json::Error, tracked: Option<(String, String, Vec<Segment>)>) -> Failure {
    let (path, message, segments) = tracked.unwrap_or_else(|| (String::new(), first.to_string(), Vec::new()));
    let document: Option<Value> = serde_json::from_slice(bytes).ok();
    let found = document.as_ref().and_then(|d| follow(d, &segments));
    Failure { path: clean_path(path), message: describe(&message, found) }
}

/// Decodes a JSON value into `T` (request arguments), with the same value-free errors.
pub(crate) fn from_value<T: DeserializeOwned>(value: Value) -> Result<T, Failure> {
    match serde_path_to_error::deserialize::<_, T>(&value) {
        Ok(out) => Ok(out),
        Err(err) => {
            let segments: Vec<Segment> = err.path().iter().map(Segment::of).collect();
            let path = clean_path(err.path().to_string());
            let message = err.into_inner().to_string();
            Err(Failure { path, message: describe(&message, follow(&value, &segments)) })
        }
    }
}

/// The path as errors show it: `.` (the whole input) as nothing, and each step bounded and
/// escaped. Object keys are in it, and a map's keys come from the body: a key of a megabyte or
/// with terminal escapes must not make the error text either.
fn clean_path(path: String) -> String {
    if path == "." {
        return String::new();
    }
    const STEP_CHARS: usize = 64;
    path.split('.').map(|step| crate::error::bounded(step, STEP_CHARS)).collect::<Vec<_>>().join(".")
}

/// A step of a path, owned.
enum Segment {
    Index(usize),
    Key(String),
    Other,
}

impl Segment {
    fn of(segment: &serde_path_to_error::Segment) -> Segment {
        match segment {
            serde_path_to_error::Segment::Seq { index } => Segment::Index(*index),
            serde_path_to_error::Segment::Map { key } => Segment::Key(key.clone()),
            _ => Segment::Other,
        }
    }
}

fn follow<'a>(mut value: &'a Value, segments: &[Segment]) -> Option<&'a Value> {
    for segment in segments {
        value = match (segment, value) {
            (Segment::Index(i), Value::Array(items)) => items.get(*i)?,
            (Segment::Key(k), Value::Object(map)) => map.get(k)?,
            _ => return None,
        };
    }
    Some(value)
}

/// The kind of a JSON value, as an error says it.
fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(n) if n.is_f64() => "a number with a fraction or exponent",
        Value::Number(_) => "an integer",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// serde's description of an unexpected value (`integer `5``, `string "x"`), as a kind.
fn unexpected_kind(text: &str) -> &'static str {
    const KINDS: &[(&str, &str)] = &[
        ("integer", "an integer"),
        ("floating point", "a number with a fraction or exponent"),
        ("string", "a string"),
        ("boolean", "a boolean"),
        ("null", "null"),
        ("unit", "null"),
        ("map", "an object"),
        ("sequence", "an array"),
        ("character", "a character"),
        ("byte", "bytes"),
    ];
    KINDS.iter().find(|(prefix, _)| text.starts_with(prefix)).map_or("a value of another kind", |(_, kind)| kind)
}

/// Messages serde_json writes about the text itself (syntax, nesting); none quotes a value.
const SYNTAX: &[&str] = &[
    "EOF while parsing",
    "expected value",
    "expected `",
    "expected ident",
    "trailing ",
    "invalid number",
    "number out of range",
    "control character",
    "invalid escape",
    "invalid unicode code point",
    "lone leading surrogate",
    "unexpected end of hex escape",
    "key must be",
    "recursion limit exceeded",
    "invalid length ",
    "missing field `",
    "duplicate field `",
    "unknown field `",
];

/// Rewrites serde's message so it names kinds, never values. `found` is the rejected value,
/// when the input could be followed to it.
pub(crate) fn describe(message: &str, found: Option<&Value>) -> String {
    let (head, place) = split_place(message);
    let found_kind = |fallback: &str| found.map_or_else(|| unexpected_kind(fallback), kind);
    let text = if let Some(rest) = head.strip_prefix("invalid type: ") {
        let (unexpected, expected) = rest.split_once(", expected ").unwrap_or((rest, "another kind of value"));
        format!("expected {expected}, found {}", found_kind(unexpected))
    } else if let Some(rest) = head.strip_prefix("invalid value: ") {
        let (unexpected, expected) = rest.split_once(", expected ").unwrap_or((rest, "another value"));
        format!("expected {expected}, found {} that is not one", found_kind(unexpected))
    } else if let Some(rest) = head.strip_prefix("unknown variant ") {
        let expected = rest.split_once(", expected ").map_or("a listed value", |(_, e)| e);
        format!("expected {expected}, found {} the type does not list", found.map_or("a value", kind))
    } else if SYNTAX.iter().any(|p| head.starts_with(p)) {
        head.to_owned()
    } else if quotes(head, found) {
        // A custom message (a type's own parser) that repeats the input: say only the kind.
        format!("the value does not have the form its type needs (found {})", found.map_or("a value", kind))
    } else {
        head.to_owned()
    };
    format!("{text}{place}")
}

/// serde_json's ` at line L column C` suffix, split off so it is kept as it is.
fn split_place(message: &str) -> (&str, &str) {
    if let Some(i) = message.rfind(" at line ") {
        let tail = &message[i + " at line ".len()..];
        let mut parts = tail.split(" column ");
        let is_number = |s: Option<&str>| s.is_some_and(|s| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()));
        if is_number(parts.next()) && is_number(parts.next()) && parts.next().is_none() {
            return (&message[..i], &message[i..]);
        }
    }
    (message, "")
}

/// True when a custom message may carry the rejected value: it has quotes or backticks, or
/// holds the value's text.
fn quotes(message: &str, found: Option<&Value>) -> bool {
    if message.contains(['"', '`', '\'']) {
        return true;
    }
    match found {
        Some(Value::String(s)) => !s.is_empty() && message.contains(s.as_str()),
        Some(Value::Number(n)) => message.contains(&n.to_string()),
        Some(Value::Null | Value::Bool(_)) | None => false,
        // A container was rejected as a whole; its parts are not searched.
        Some(_) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Person {
        ssn: String,
        age: u8,
        kind: Kind,
        born: Option<crate::time::Date>,
    }

    #[derive(Debug, Deserialize)]
    enum Kind {
        #[serde(rename = "adult")]
        Adult,
    }

    fn fail(json: &str) -> Failure {
        from_slice::<Person>(json.as_bytes()).expect_err("does not decode")
    }

    #[test]
    fn wrong_types_name_kinds_not_values() {
        let f = fail(r#"{"ssn": 123456789, "age": 3, "kind": "adult"}"#);
        assert_eq!(f.path, "ssn");
        assert_eq!(f.message, "expected a string, found an integer at line 1 column 17");
        let f = fail(r#"{"ssn": "x", "age": "123-45-6789", "kind": "adult"}"#);
        assert_eq!(f.path, "age");
        assert!(f.message.starts_with("expected u8, found a string"), "{}", f.message);
        assert!(!f.message.contains("123-45-6789"), "{}", f.message);
    }

    #[test]
    fn out_of_range_and_unlisted_values_are_not_quoted() {
        let f = fail(r#"{"ssn": "x", "age": 300, "kind": "adult"}"#);
        assert!(f.message.starts_with("expected u8, found an integer that is not one"), "{}", f.message);
        assert!(!f.message.contains("300"), "{}", f.message);
        let f = fail(r#"{"ssn": "x", "age": 3, "kind": "tok_live_8f3a"}"#);
        assert_eq!(f.path, "kind");
        assert!(!f.message.contains("tok_live_8f3a"), "{}", f.message);
        assert!(f.message.contains("`adult`"), "{}", f.message);
    }

    #[test]
    fn custom_messages_that_repeat_the_input_are_replaced() {
        let f = fail(r#"{"ssn": "x", "age": 3, "kind": "adult", "born": "2031-13-45"}"#);
        assert_eq!(f.path, "born");
        assert!(f.message.contains("YYYY-MM-DD"), "{}", f.message);
        for part in ["2031", "13", "45"] {
            assert!(!f.message.contains(part), "{}", f.message);
        }
    }

    #[test]
    fn syntax_and_structure_are_kept() {
        assert_eq!(fail("").message, "EOF while parsing a value at line 1 column 0");
        let f = fail(r#"{"ssn": "x", "age": 3}"#);
        assert_eq!(f.message, "missing field `kind` at line 1 column 22");
        let f = fail(r#"{"ssn": "x", "age": 3, "kind": "adult"} trailing"#);
        assert!(f.message.starts_with("trailing characters"), "{}", f.message);
    }

    #[test]
    fn map_keys_in_paths_are_bounded_and_escaped() {
        let key = format!("\u{1b}[2J{}", "K".repeat(5000));
        let body = serde_json::json!({ key: "not a number" }).to_string();
        let f = from_slice::<std::collections::BTreeMap<String, u8>>(body.as_bytes()).expect_err("fails");
        assert!(f.path.chars().count() < 200, "{} chars", f.path.len());
        assert!(!f.path.contains('\u{1b}'), "{}", f.path);
        assert!(f.path.contains("cut"), "{}", f.path);
    }

    #[test]
    fn arguments_decode_the_same_way() {
        let f = from_value::<Person>(serde_json::json!({"ssn": 987654321, "age": 1, "kind": "adult"})).expect_err("fails");
        assert_eq!(f.path, "ssn");
        assert!(!f.message.contains("987654321"), "{}", f.message);
    }
}
