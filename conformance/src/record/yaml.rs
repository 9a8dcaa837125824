//! Writing a cassette: YAML in the format `cassette.rs` reads, every string double-quoted (or a
//! body as a block scalar when that keeps it exact), with the place of every line kept so that
//! a scan can say where in the cassette it found something.

use serde_json::Value;

/// A recorded case ready to be written.
#[derive(Debug, Clone, PartialEq)]
pub struct Draft {
    /// A comment for the first line (how the case was made).
    pub comment: String,
    /// The operation.
    pub operation: String,
    /// For readers.
    pub doc: Option<String>,
    /// Client settings (credentials as stand-ins).
    pub settings: Value,
    /// The call's arguments.
    pub args: Value,
    /// Every page was fetched.
    pub all_pages: bool,
    /// Pointers of fields the model lacks, kept from the case a refresh replaces.
    pub expected_drift: Vec<String>,
    /// The exchanges, in order.
    pub exchanges: Vec<DraftExchange>,
}

/// One exchange of a [`Draft`].
#[derive(Debug, Clone, PartialEq)]
pub struct DraftExchange {
    /// Method.
    pub method: String,
    /// Path, percent-encoded.
    pub path: String,
    /// Decoded query pairs grouped by key, in order of first appearance.
    pub query: Vec<(String, Vec<String>)>,
    /// Request headers to check.
    pub headers: Vec<(String, String)>,
    /// Request body (`None`: none).
    pub body: Option<String>,
    /// Response status.
    pub status: u16,
    /// Response headers.
    pub response_headers: Vec<(String, String)>,
    /// Response body as text.
    pub response_body: String,
    /// Or, for bytes that are not UTF-8, as base64.
    pub response_body_base64: Option<String>,
}

/// A written cassette, and the place of each line: `places[i]` is what line `i + 1` belongs to.
#[derive(Debug, Clone)]
pub struct Written {
    /// The YAML text.
    pub text: String,
    /// Per line, the part it belongs to (`exchange 2, response, header content-type`).
    pub places: Vec<String>,
}

impl Written {
    /// The part byte `offset` of the text belongs to.
    pub fn place_of(&self, offset: usize) -> &str {
        let line = self.text[..offset.min(self.text.len())].matches('\n').count();
        self.places.get(line).map_or("the end of the cassette", String::as_str)
    }
}

struct Out {
    text: String,
    places: Vec<String>,
}

impl Out {
    fn line(&mut self, place: &str, text: &str) {
        for l in text.split('\n') {
            self.text.push_str(l);
            self.text.push('\n');
            self.places.push(place.to_owned());
        }
    }
}

/// YAML's printable characters (YAML 1.2, `c-printable`), less what needs an escape anyway.
fn printable(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | ' '..='~' | '\u{85}' | '\u{A0}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..='\u{10FFFF}')
        && c != '\u{FEFF}'
}

/// A double-quoted YAML scalar holding exactly `text`.
pub fn quoted(text: &str) -> String {
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if printable(c) => out.push(c),
            c if (c as u32) <= 0xFFFF => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push_str(&format!("\\U{:08X}", c as u32)),
        }
    }
    out.push('"');
    out
}

/// A JSON value in YAML flow style (JSON is YAML; strings go through [`quoted`]).
pub fn flow(value: &Value) -> String {
    match value {
        Value::String(s) => quoted(s),
        Value::Array(items) => format!("[{}]", items.iter().map(flow).collect::<Vec<_>>().join(", ")),
        Value::Object(map) => {
            format!("{{{}}}", map.iter().map(|(k, v)| format!("{}: {}", quoted(k), flow(v))).collect::<Vec<_>>().join(", "))
        }
        other => other.to_string(),
    }
}

/// `key: value` for a text that may go in a literal block scalar unchanged (it then reads back
/// byte for byte), else a quoted scalar. `indent` is the key's indentation.
fn text_field(out: &mut Out, place: &str, indent: usize, key: &str, text: &str) {
    let pad = " ".repeat(indent);
    let lines: Vec<&str> = text.strip_suffix('\n').unwrap_or(text).split('\n').collect();
    let block = !text.is_empty()
        && !text.ends_with("\n\n")
        && text.chars().all(|c| c == '\n' || (printable(c) && c != '\r' && c != '\t'))
        && lines.iter().find(|l| !l.is_empty()).is_some_and(|l| !l.starts_with(' '))
        && lines.iter().all(|l| !l.ends_with(' '));
    if !block {
        out.line(place, &format!("{pad}{key}: {}", quoted(text)));
        return;
    }
    let chomp = if text.ends_with('\n') { "" } else { "-" };
    out.line(place, &format!("{pad}{key}: |{chomp}"));
    for l in lines {
        if l.is_empty() {
            out.line(place, "");
        } else {
            out.line(place, &format!("{pad}  {l}"));
        }
    }
}

/// The cassette's text.
pub fn write(draft: &Draft) -> Written {
    let mut out = Out { text: String::new(), places: Vec::new() };
    for l in draft.comment.lines() {
        out.line("the comment", &format!("# {l}"));
    }
    out.line("version", "version: 1");
    out.line("operation", &format!("operation: {}", quoted(&draft.operation)));
    if let Some(doc) = &draft.doc {
        text_field(&mut out, "doc", 0, "doc", doc);
    }
    out.line("settings", &format!("settings: {}", flow(&draft.settings)));
    out.line("args", &format!("args: {}", flow(&draft.args)));
    if draft.all_pages {
        out.line("all_pages", "all_pages: true");
    }
    if !draft.expected_drift.is_empty() {
        out.line("expected_drift", &format!("expected_drift: {}", flow(&Value::from(draft.expected_drift.clone()))));
    }
    out.line("exchanges", "exchanges:");
    for (i, x) in draft.exchanges.iter().enumerate() {
        let n = i + 1;
        let req = format!("exchange {n}, request");
        out.line(&req, "  - request:");
        out.line(&format!("{req}, method"), &format!("      method: {}", quoted(&x.method)));
        out.line(&format!("{req}, path"), &format!("      path: {}", quoted(&x.path)));
        if !x.query.is_empty() {
            out.line(&format!("{req}, query"), "      query:");
            for (key, values) in &x.query {
                let value = match values.as_slice() {
                    [one] => quoted(one),
                    many => flow(&Value::from(many.to_vec())),
                };
                out.line(&format!("{req}, query {key}"), &format!("        {}: {value}", quoted(key)));
            }
        }
        if !x.headers.is_empty() {
            out.line(&format!("{req}, headers"), "      headers:");
            for (name, value) in &x.headers {
                out.line(&format!("{req}, header {name}"), &format!("        {}: {}", quoted(name), quoted(value)));
            }
        }
        if let Some(body) = &x.body {
            text_field(&mut out, &format!("{req}, body"), 6, "body", body);
        }
        let resp = format!("exchange {n}, response");
        out.line(&resp, "    response:");
        out.line(&format!("{resp}, status"), &format!("      status: {}", x.status));
        if !x.response_headers.is_empty() {
            out.line(&format!("{resp}, headers"), "      headers:");
            for (name, value) in &x.response_headers {
                out.line(&format!("{resp}, header {name}"), &format!("        {}: {}", quoted(name), quoted(value)));
            }
        }
        match &x.response_body_base64 {
            Some(b64) => text_field(&mut out, &format!("{resp}, body"), 6, "body_base64", b64),
            None if !x.response_body.is_empty() => text_field(&mut out, &format!("{resp}, body"), 6, "body", &x.response_body),
            None => {}
        }
    }
    Written { text: out.text, places: out.places }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoted_text_reads_back_exactly() {
        for text in ["plain", "a \"q\" \\ b", "tab\there\r\n", "\u{7f}\u{85}\u{1}é😀", ": # - [x]", ""] {
            let yaml = format!("v: {}\n", quoted(text));
            #[derive(serde::Deserialize)]
            struct V {
                v: String,
            }
            let back: V = serde_saphyr::from_str(&yaml).unwrap_or_else(|e| panic!("{yaml}: {e}"));
            assert_eq!(back.v, text, "{yaml}");
        }
    }
}
