//! What changed in the answers between the case a refresh replaces and the new recording: per
//! exchange, JSON fields added, removed or of another type (values are expected to change).

use crate::record::yaml::DraftExchange;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

/// One exchange of a case, as the drift sees it.
#[derive(Debug, Clone)]
pub struct Answer {
    /// `GET /path`, for messages.
    pub request: String,
    /// The response status.
    pub status: u16,
    /// The response body.
    pub body: String,
}

impl Answer {
    /// From a written exchange.
    pub fn of_draft(x: &DraftExchange) -> Answer {
        Answer { request: format!("{} {}", x.method, x.path), status: x.status, body: x.response_body.clone() }
    }

    /// From a cassette's exchange.
    pub fn of_cassette(x: &crate::cassette::Exchange) -> Answer {
        Answer { request: format!("{} {}", x.request.method, x.request.path), status: x.response.status, body: x.response.body.clone() }
    }
}

/// The JSON type of every pointer of a body; array items share `/*`.
fn shape(value: &Value, pointer: &str, out: &mut BTreeMap<String, BTreeSet<&'static str>>) {
    let kind = match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    };
    out.entry(pointer.to_owned()).or_default().insert(kind);
    match value {
        Value::Array(items) => items.iter().for_each(|v| shape(v, &format!("{pointer}/*"), out)),
        Value::Object(map) => {
            for (k, v) in map {
                shape(v, &format!("{pointer}/{}", k.replace('~', "~0").replace('/', "~1")), out);
            }
        }
        _ => {}
    }
}

fn shapes(body: &str) -> Option<BTreeMap<String, BTreeSet<&'static str>>> {
    let value: Value = serde_json::from_str(body).ok()?;
    let mut out = BTreeMap::new();
    shape(&value, "", &mut out);
    Some(out)
}

fn types(set: &BTreeSet<&str>) -> String {
    set.iter().copied().collect::<Vec<_>>().join(" or ")
}

/// One line per change, `exchange N (GET /path): ...`; empty when the answers have the same
/// shape.
pub fn drift(old: &[Answer], new: &[Answer]) -> Vec<String> {
    let mut out = Vec::new();
    for i in 0..old.len().max(new.len()) {
        let n = i + 1;
        let (o, w) = match (old.get(i), new.get(i)) {
            (Some(o), Some(w)) => (o, w),
            (Some(o), None) => {
                out.push(format!("exchange {n} ({}): no longer made", o.request));
                continue;
            }
            (None, Some(w)) => {
                out.push(format!("exchange {n} ({}): new", w.request));
                continue;
            }
            (None, None) => continue,
        };
        let at = if o.request == w.request { format!("exchange {n} ({})", w.request) } else { format!("exchange {n} ({}, was {})", w.request, o.request) };
        if o.status != w.status {
            out.push(format!("{at}: status {} → {}", o.status, w.status));
        }
        match (shapes(&o.body), shapes(&w.body)) {
            (Some(before), Some(after)) => {
                for (pointer, kinds) in &after {
                    match before.get(pointer) {
                        None => out.push(format!("{at}: added {} ({})", shown(pointer), types(kinds))),
                        Some(was) if was != kinds => {
                            out.push(format!("{at}: {} changed type: {} → {}", shown(pointer), types(was), types(kinds)))
                        }
                        Some(_) => {}
                    }
                }
                for (pointer, kinds) in &before {
                    if !after.contains_key(pointer) {
                        out.push(format!("{at}: removed {} ({})", shown(pointer), types(kinds)));
                    }
                }
            }
            (None, Some(_)) => out.push(format!("{at}: the body is JSON now, and was not")),
            (Some(_), None) => out.push(format!("{at}: the body is no longer JSON")),
            (None, None) => {}
        }
    }
    out
}

fn shown(pointer: &str) -> &str {
    if pointer.is_empty() { "/" } else { pointer }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer(body: &str) -> Answer {
        Answer { request: "GET /x".into(), status: 200, body: body.into() }
    }

    #[test]
    fn fields_added_removed_and_retyped_are_reported_per_exchange() {
        let old = [answer(r#"{"a": 1, "b": "x", "items": [{"id": "1", "n": 1}]}"#), answer("{}")];
        let new = [answer(r#"{"a": "1", "c": true, "items": [{"id": "2", "n": 2, "m": null}]}"#)];
        assert_eq!(
            drift(&old, &new),
            [
                "exchange 1 (GET /x): /a changed type: number → string",
                "exchange 1 (GET /x): added /c (boolean)",
                "exchange 1 (GET /x): added /items/*/m (null)",
                "exchange 1 (GET /x): removed /b (string)",
                "exchange 2 (GET /x): no longer made",
            ]
        );
        assert!(drift(&old[..1], &[answer(r#"{"a": 7, "b": "y", "items": [{"id": "9", "n": 3}]}"#)]).is_empty());
    }
}
