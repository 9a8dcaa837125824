//! The YAML the importer writes: a small tree, printed the way the hand-written specs read
//! (block mappings for entries, one `{ ... }` line per field or parameter, `[a, b]` for short
//! lists), with every scalar quoted exactly when YAML would otherwise read it as something else.

/// A YAML value to print.
#[derive(Debug, Clone, PartialEq)]
pub enum Y {
    /// Text, quoted when needed.
    Str(String),
    /// Written as is: a number, `true`, `false` or `null` (never text from a document).
    Lit(String),
    /// A sequence.
    Seq(Vec<Y>),
    /// A mapping in order. Keys are text, quoted when needed.
    Map(Vec<(String, Y)>),
}

impl Y {
    /// Text.
    pub fn s(text: impl Into<String>) -> Y {
        Y::Str(text.into())
    }

    /// `true`.
    pub fn t() -> Y {
        Y::Lit("true".into())
    }

    /// An empty mapping.
    pub fn map() -> Y {
        Y::Map(Vec::new())
    }

    /// Appends `key: value` to a mapping (no effect on other values).
    pub fn push(&mut self, key: impl Into<String>, value: Y) {
        if let Y::Map(entries) = self {
            entries.push((key.into(), value));
        }
    }

    /// The value under `key` of a mapping.
    pub fn get(&self, key: &str) -> Option<&Y> {
        match self {
            Y::Map(entries) => entries.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    fn is_scalar(&self) -> bool {
        matches!(self, Y::Str(_) | Y::Lit(_))
    }

    /// True for a mapping or list short enough and flat enough to print on one line.
    fn flows(&self) -> bool {
        match self {
            Y::Map(entries) => !entries.is_empty() && entries.iter().all(|(_, v)| v.is_scalar() && !multiline(v)),
            Y::Seq(items) => !items.is_empty() && items.iter().all(|v| v.is_scalar() && !multiline(v)),
            _ => false,
        }
    }
}

fn multiline(value: &Y) -> bool {
    matches!(value, Y::Str(s) if s.contains('\n'))
}

/// Words YAML 1.1 or 1.2 readers take for something other than text.
const KEYWORDS: &[&str] = &["true", "false", "null", "yes", "no", "on", "off", "y", "n", "~"];

/// True when `text` can be written plain (unquoted) in flow and block context alike, and reads
/// back as the same text.
fn plain(text: &str) -> bool {
    let Some(first) = text.chars().next() else { return false };
    if !(first.is_alphabetic() || first == '_' || first == '/' || first == '(') {
        return false;
    }
    if text.ends_with(' ') || KEYWORDS.contains(&text.to_ascii_lowercase().as_str()) {
        return false;
    }
    // `.inf`, `.nan` and numbers start with a digit, a dot or a sign: all quoted above.
    text.chars().all(|c| (c.is_alphanumeric() || " _./()'-+@<>=%~$^".contains(c)) && !crate::diag::is_bidi_control(c)) && !text.contains("  ")
}

/// `text` as a double-quoted scalar (JSON-style escapes, which YAML reads alike).
pub fn quoted(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() || crate::diag::is_bidi_control(c) || c == '\u{feff}' || c == '\u{2028}' || c == '\u{2029}' || c == '\u{85}' => {
                out.push_str(&format!("\\u{:04x}", c as u32))
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A scalar on one line.
pub fn scalar(text: &str) -> String {
    if plain(text) { text.to_owned() } else { quoted(text) }
}

fn key(text: &str) -> String {
    // Status codes and other digit-only keys stay plain: the spec reads `200:` as a status.
    if !text.is_empty() && text.len() <= 3 && text.bytes().all(|b| b.is_ascii_digit()) && !text.starts_with('0') {
        return text.to_owned();
    }
    scalar(text)
}

/// True when a multi-line text can be a `|-` block: no control character but the line break and
/// tab, no line break other than `\n`, the first line not indented, and no trailing blank line.
fn literal_block(text: &str) -> bool {
    !text.starts_with([' ', '\t', '\n'])
        && !text.ends_with(['\n', ' ', '\t'])
        && text.chars().all(|c| c == '\n' || c == '\t' || !(c.is_control() || crate::diag::is_bidi_control(c) || c == '\u{feff}' || c == '\u{2028}' || c == '\u{2029}' || c == '\u{85}'))
}

/// A value on one line (`{ a: b }`, `[x, y]`, a scalar).
pub fn inline(value: &Y) -> String {
    match value {
        Y::Str(s) => scalar(s),
        Y::Lit(l) => l.clone(),
        Y::Seq(items) => format!("[{}]", items.iter().map(inline).collect::<Vec<_>>().join(", ")),
        Y::Map(entries) if entries.is_empty() => "{}".to_owned(),
        Y::Map(entries) => {
            format!("{{ {} }}", entries.iter().map(|(k, v)| format!("{}: {}", key(k), inline(v))).collect::<Vec<_>>().join(", "))
        }
    }
}

/// Lines wider than this go in block style.
const WIDTH: usize = 160;

fn write_value(out: &mut String, indent: usize, value: &Y) {
    // Called after `key:` (no space yet) or `-`.
    match value {
        Y::Str(s) if s.contains('\n') && literal_block(s) => {
            out.push_str(" |-\n");
            for line in s.split('\n') {
                if !line.is_empty() {
                    push_indent(out, indent + 2);
                    out.push_str(line);
                }
                out.push('\n');
            }
        }
        Y::Seq(items) if items.is_empty() => out.push_str(" []\n"),
        Y::Map(entries) if entries.is_empty() => out.push_str(" {}\n"),
        v if v.is_scalar() => {
            out.push(' ');
            out.push_str(&inline(v));
            out.push('\n');
        }
        v if v.flows() && inline(v).len() + indent < WIDTH => {
            out.push(' ');
            out.push_str(&inline(v));
            out.push('\n');
        }
        Y::Seq(items) => {
            out.push('\n');
            for item in items {
                push_indent(out, indent + 2);
                out.push('-');
                match item {
                    Y::Map(entries) if !entries.is_empty() && !item.flows() => {
                        // `- key: value` with the rest of the mapping under it.
                        out.push(' ');
                        write_entries(out, indent + 4, entries, true);
                    }
                    _ => write_value(out, indent + 2, item),
                }
            }
        }
        Y::Map(entries) => {
            out.push('\n');
            write_entries(out, indent + 2, entries, false);
        }
        _ => unreachable!("scalars are handled above"),
    }
}

fn write_entries(out: &mut String, indent: usize, entries: &[(String, Y)], first_inline: bool) {
    for (i, (k, v)) in entries.iter().enumerate() {
        if !(first_inline && i == 0) {
            push_indent(out, indent);
        }
        out.push_str(&key(k));
        out.push(':');
        write_value(out, indent, v);
    }
}

/// Mapping entries in block style at `indent` spaces, each line ending in `\n`.
pub fn entries(indent: usize, entries: &[(String, Y)]) -> String {
    let mut out = String::new();
    write_entries(&mut out, indent, entries, false);
    out
}

fn push_indent(out: &mut String, n: usize) {
    out.extend(std::iter::repeat_n(' ', n));
}

/// Prints a mapping as a YAML document after `header` (comment lines, each ending in `\n`).
/// Top-level entries are separated by nothing; entries of the second level (operations, models)
/// by a blank line, as the hand-written specs are.
pub fn document(header: &str, root: &Y) -> String {
    let mut out = String::from(header);
    let Y::Map(entries) = root else { return out };
    for (k, v) in entries {
        match v {
            Y::Map(children) if !children.is_empty() && !v.flows() && matches!(k.as_str(), "operations" | "models" | "enums") => {
                out.push_str(&key(k));
                out.push_str(":\n");
                for (i, (ck, cv)) in children.iter().enumerate() {
                    if i > 0 {
                        out.push('\n');
                    }
                    push_indent(&mut out, 2);
                    out.push_str(&key(ck));
                    out.push(':');
                    write_value(&mut out, 2, cv);
                }
            }
            _ => {
                out.push_str(&key(k));
                out.push(':');
                write_value(&mut out, 0, v);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::shape::{self, Kind, Node};

    fn text_of(node: &Node) -> Option<&str> {
        match &node.kind {
            Kind::Str(s) => Some(s),
            _ => None,
        }
    }

    fn reads_back(text: &str) {
        let mut root = Y::map();
        root.push("a", Y::s(text));
        root.push("b", Y::Map(vec![("x".into(), Y::s(text)), ("y".into(), Y::s("z"))]));
        root.push("c", Y::Seq(vec![Y::s(text), Y::s("z")]));
        root.push(text, Y::s("key"));
        let yaml = document("", &root);
        let node = shape::read(&yaml).unwrap_or_else(|e| panic!("{text:?} wrote\n{yaml}\nwhich fails: {e}"));
        let Kind::Map(entries) = &node.kind else { panic!("not a map") };
        assert_eq!(text_of(&entries[0].1), Some(text), "{yaml}");
        let Kind::Map(b) = &entries[1].1.kind else { panic!("{yaml}") };
        assert_eq!(text_of(&b[0].1), Some(text), "{yaml}");
        let Kind::Seq(c) = &entries[2].1.kind else { panic!("{yaml}") };
        assert_eq!(text_of(&c[0]), Some(text), "{yaml}");
        let key_back = match &entries[3].0.kind {
            Kind::Number(n) => Some(n.as_str()),
            _ => text_of(&entries[3].0),
        };
        assert_eq!(key_back, Some(text), "{yaml}");
    }

    #[test]
    fn awkward_text_reads_back_as_written() {
        for text in [
            "plain words", "true", "No", "null", "~", "", " lead", "trail ", "a: b", "a #b", "#x", "-x", "- x", "? x", "*alias",
            "&anchor", "!tag", "%x", "@x", "`code`", "[x]", "{x}", "a, b", "1", "007", "1e3", "0x1F", ".inf", "-.5", "'quoted'",
            "\"dq\"", "back\\slash", "tab\there", "line\nbreak", "two\n\nparas", "ends\n", "\u{1b}[31m", "caf\u{e9}", "\u{feff}bom",
            "multi\nline: with colon\n  indented", "a\r\nb", "200", "x\u{2028}y",
        ] {
            reads_back(text);
        }
    }

    proptest::proptest! {
        #[test]
        fn any_text_reads_back(text in "\\PC{0,20}|[ -~\\n\\t]{0,30}") {
            reads_back(&text);
        }
    }
}
