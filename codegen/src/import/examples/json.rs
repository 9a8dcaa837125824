//! Example values as JSON: a small ordered tree whose numbers keep their text, read from the
//! document's nodes and written as JSON text (compact for request bodies, indented for
//! answers) or as YAML for a cassette's `args`.

use super::super::yaml::Y;
use crate::spec::shape::{Kind, Node};

/// A JSON value. Object keys keep their order (and duplicates, as written); numbers keep the
/// document's text.
#[derive(Debug, Clone, PartialEq)]
pub enum Json {
    /// `null`.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// A number, as valid JSON number text.
    Number(String),
    /// A string.
    Str(String),
    /// An array.
    Seq(Vec<Json>),
    /// An object, in order.
    Map(Vec<(String, Json)>),
}

/// True when `text` is a number as JSON writes one (`-0.5`, `10`, `1e3`).
pub fn is_json_number(text: &str) -> bool {
    let b = text.as_bytes();
    let mut i = 0;
    if b.get(i) == Some(&b'-') {
        i += 1;
    }
    match b.get(i) {
        Some(b'0') => i += 1,
        Some(c) if c.is_ascii_digit() => {
            while b.get(i).is_some_and(u8::is_ascii_digit) {
                i += 1;
            }
        }
        _ => return false,
    }
    if b.get(i) == Some(&b'.') {
        i += 1;
        let start = i;
        while b.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
        if i == start {
            return false;
        }
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(b.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        let start = i;
        while b.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
        if i == start {
            return false;
        }
    }
    i == b.len()
}

/// A YAML number's text as JSON number text: as written when JSON writes it so, else the
/// value (`+5` as `5`, `.5` as `0.5`); `None` for what JSON has no number for (`.inf`, `.nan`).
fn json_number(text: &str) -> Option<String> {
    if is_json_number(text) {
        return Some(text.to_owned());
    }
    let cleaned = text.strip_prefix('+').unwrap_or(text).replace('_', "");
    if let Ok(i) = cleaned.parse::<i64>() {
        return Some(i.to_string());
    }
    let f = cleaned.parse::<f64>().ok().filter(|f| f.is_finite())?;
    serde_json::Number::from_f64(f).map(|n| n.to_string())
}

/// The document's text by line, to read numbers as written: the YAML reader hands them over
/// as values (`5.10` as `5.1`, `1e3` as `1000`), the text is at the node's place.
#[derive(Debug, Clone)]
pub struct Source<'t> {
    lines: Vec<&'t str>,
}

impl<'t> Source<'t> {
    /// The document's text.
    pub fn new(text: &'t str) -> Source<'t> {
        Source { lines: text.split('\n').collect() }
    }

    /// The text of the number at `node`, when the place holds one of the same value.
    fn number(&self, node: &Node, value: &str) -> Option<String> {
        let line = self.lines.get(usize::try_from(node.loc.line).ok()?.checked_sub(1)?)?;
        let start = usize::try_from(node.loc.col).ok()?.checked_sub(1)?;
        let token: String = line.chars().skip(start).take_while(|c| !(c.is_whitespace() || matches!(c, ',' | ']' | '}' | '#'))).collect();
        let same = match (token.replace('_', "").trim_start_matches('+').parse::<f64>(), value.parse::<f64>()) {
            (Ok(a), Ok(b)) => a == b || (a.is_nan() && b.is_nan()),
            _ => false,
        };
        same.then(|| json_number(&token)).flatten()
    }
}

impl Json {
    /// The value of a document node, numbers as `source` writes them. `Err` names what JSON
    /// cannot hold (a number such as `.inf`).
    pub fn from_node(node: &Node, source: &Source<'_>) -> Result<Json, String> {
        Ok(match &node.kind {
            Kind::Null => Json::Null,
            Kind::Bool(b) => Json::Bool(*b),
            Kind::Number(n) => Json::Number(
                source.number(node, n).or_else(|| json_number(n)).ok_or_else(|| format!("the number `{n}` (line {}) has no JSON form", node.loc.line))?,
            ),
            Kind::Str(s) => Json::Str(s.clone()),
            Kind::Seq(items) => Json::Seq(items.iter().map(|i| Json::from_node(i, source)).collect::<Result<_, _>>()?),
            Kind::Map(entries) => {
                let mut object = Json::Map(Vec::new());
                for (k, v) in entries {
                    let key = match &k.kind {
                        Kind::Str(s) | Kind::Number(s) => s.clone(),
                        Kind::Bool(b) => b.to_string(),
                        Kind::Null => "null".to_owned(),
                        Kind::Seq(_) | Kind::Map(_) => return Err(format!("a key that is not text (line {})", k.loc.line)),
                    };
                    object.set(&key, Json::from_node(v, source)?);
                }
                object
            }
        })
    }

    /// The value under `key` of an object.
    pub fn get(&self, key: &str) -> Option<&Json> {
        match self {
            Json::Map(entries) => entries.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// Sets `key` of an object: in place when it is there, else at the end.
    pub fn set(&mut self, key: &str, value: Json) {
        if let Json::Map(entries) = self {
            match entries.iter_mut().find(|(k, _)| k == key) {
                Some((_, v)) => *v = value,
                None => entries.push((key.to_owned(), value)),
            }
        }
    }

    /// Removes `key` from an object (every copy); true when it was there.
    pub fn remove(&mut self, key: &str) -> bool {
        match self {
            Json::Map(entries) => {
                let before = entries.len();
                entries.retain(|(k, _)| k != key);
                entries.len() != before
            }
            _ => false,
        }
    }

    /// The text of a scalar: a string as it is, a number or boolean as written.
    pub fn scalar_text(&self) -> Option<String> {
        match self {
            Json::Str(s) | Json::Number(s) => Some(s.clone()),
            Json::Bool(b) => Some(b.to_string()),
            _ => None,
        }
    }

    /// One line of JSON, `, ` and `: ` between items as the recorded cassettes write it.
    pub fn compact(&self) -> String {
        let mut out = String::new();
        self.write(&mut out, None);
        out
    }

    /// JSON indented by two spaces, an empty array or object on one line.
    pub fn pretty(&self) -> String {
        let mut out = String::new();
        self.write(&mut out, Some(0));
        out
    }

    fn write(&self, out: &mut String, indent: Option<usize>) {
        let newline = |out: &mut String, level: usize| {
            out.push('\n');
            out.extend(std::iter::repeat_n(' ', level * 2));
        };
        match self {
            Json::Null => out.push_str("null"),
            Json::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            Json::Number(n) => out.push_str(n),
            Json::Str(s) => out.push_str(&string(s)),
            Json::Seq(items) if items.is_empty() => out.push_str("[]"),
            Json::Map(entries) if entries.is_empty() => out.push_str("{}"),
            Json::Seq(items) => {
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                        if indent.is_none() {
                            out.push(' ');
                        }
                    }
                    if let Some(level) = indent {
                        newline(out, level + 1);
                    }
                    item.write(out, indent.map(|l| l + 1));
                }
                if let Some(level) = indent {
                    newline(out, level);
                }
                out.push(']');
            }
            Json::Map(entries) => {
                out.push('{');
                for (i, (k, v)) in entries.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                        if indent.is_none() {
                            out.push(' ');
                        }
                    }
                    if let Some(level) = indent {
                        newline(out, level + 1);
                    }
                    out.push_str(&string(k));
                    out.push_str(": ");
                    v.write(out, indent.map(|l| l + 1));
                }
                if let Some(level) = indent {
                    newline(out, level);
                }
                out.push('}');
            }
        }
    }

    /// The value as YAML for a cassette's `args`, reading back as the same JSON: block style,
    /// except an object with a key YAML would read as a number (`200`), which is written as
    /// one line of JSON (YAML reads JSON).
    pub fn to_y(&self) -> Y {
        match self {
            Json::Null => Y::Lit("null".into()),
            Json::Bool(b) => Y::Lit(b.to_string()),
            Json::Number(n) => Y::Lit(n.clone()),
            Json::Str(s) => Y::Str(s.clone()),
            Json::Seq(items) => Y::Seq(items.iter().map(Json::to_y).collect()),
            Json::Map(entries) => {
                let numeric_key = |k: &str| !k.is_empty() && k.bytes().all(|b| b.is_ascii_digit());
                if entries.iter().any(|(k, _)| numeric_key(k)) {
                    return Y::Lit(self.compact());
                }
                Y::Map(entries.iter().map(|(k, v)| (k.clone(), v.to_y())).collect())
            }
        }
    }
}

/// A JSON string literal.
fn string(s: &str) -> String {
    serde_json::Value::String(s.to_owned()).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::shape;

    #[test]
    fn numbers_keep_their_text_and_keys_their_order() {
        let text = "z: 5.10\na: [1, -0.0, 1e3, +5, .5, 0x10, 1.0]\nm: {}\nn: null\ns: \"5\"\nj: {\"x\": 110.0, \"y\":[2.50]}\n";
        let node = shape::read(text).unwrap();
        let json = Json::from_node(&node, &Source::new(text)).unwrap();
        assert_eq!(json.compact(), r#"{"z": 5.10, "a": [1, -0.0, 1e3, 5, 0.5, 16, 1.0], "m": {}, "n": null, "s": "5", "j": {"x": 110.0, "y": [2.50]}}"#);
        let small = Json::Map(vec![("z".into(), Json::Number("5.10".into())), ("a".into(), Json::Seq(vec![Json::Number("1".into())])), ("m".into(), Json::Map(Vec::new()))]);
        assert_eq!(small.pretty(), "{\n  \"z\": 5.10,\n  \"a\": [\n    1\n  ],\n  \"m\": {}\n}");
        // A key written twice keeps its first place and its last value, as JSON readers do.
        let text = "{a: 1, b: 2, a: 3}";
        assert_eq!(Json::from_node(&shape::read(text).unwrap(), &Source::new(text)).unwrap().compact(), r#"{"a": 3, "b": 2}"#);
    }

    #[test]
    fn json_numbers() {
        for ok in ["0", "-0", "10", "1.5", "-0.25", "1e3", "1E+3", "2.5e-7"] {
            assert!(is_json_number(ok), "{ok}");
        }
        for bad in ["", "-", "01", "1.", ".5", "+1", "1e", "0x1", "1_0", "inf"] {
            assert!(!is_json_number(bad), "{bad}");
        }
    }

    /// `args` written as YAML read back, as the harness reads them, as the same JSON.
    fn args_read_back(json: &Json) {
        let mut root = Y::map();
        root.push("args", json.to_y());
        let text = super::super::super::yaml::document("", &root);
        #[derive(serde::Deserialize)]
        struct Args {
            args: serde_json::Value,
        }
        let read: Args = serde_saphyr::from_str(&text).unwrap_or_else(|e| panic!("{text}\n{e}"));
        let want: serde_json::Value = serde_json::from_str(&json.compact()).unwrap();
        assert_eq!(read.args, want, "{text}");
    }

    #[test]
    fn args_read_back_as_the_same_json() {
        let strings = [
            "plain", "true", "No", "null", "~", "", " lead", "a: b", "#x", "-x", "1", "007", "1e3", "0x1F", ".inf", "inf", "nan", ".NaN",
            "2024-01-01", "2024-01-01T00:00:00Z", "12:30", "line\nbreak", "ends\n", "'q'", "\"dq\"", "{x}", "[x]", "a, b", "@x", "`c`", "=", "<<",
        ];
        let mut entries: Vec<(String, Json)> = strings.iter().map(|s| (format!("k{s}"), Json::Str((*s).to_owned()))).collect();
        entries.push(("n".into(), Json::Number("5.10".into())));
        entries.push(("e".into(), Json::Number("1e3".into())));
        entries.push(("big".into(), Json::Number("9007199254740993".into())));
        entries.push(("list".into(), Json::Seq(strings.iter().map(|s| Json::Str((*s).to_owned())).collect())));
        entries.push(("200".into(), Json::Map(vec![("1".into(), Json::Str("a: b".into()))])));
        entries.push(("odd".into(), Json::Map(vec![("1".into(), Json::Str("line\nbreak \"q\" \u{7}".into()))])));
        entries.push(("empty".into(), Json::Map(Vec::new())));
        entries.push(("none".into(), Json::Seq(Vec::new())));
        for s in strings {
            entries.push((s.to_owned(), Json::Bool(true)));
        }
        args_read_back(&Json::Map(entries));
    }

    proptest::proptest! {
        #[test]
        fn any_string_reads_back(text in "\\PC{0,20}|[ -~\\n\\t]{0,30}") {
            args_read_back(&Json::Map(vec![("k".into(), Json::Str(text.clone())), (format!("v{text}"), Json::Seq(vec![Json::Str(text.clone())])), (format!("{text}w"), Json::Bool(true))]));
        }
    }
}
