//! A value made of a schema's own examples, for a body or answer the document gives no whole
//! example of (MX Platform documents an `example` on every property and none on its answers):
//! each property with an example (or made of properties that have one) is set, a required one
//! without gets a placeholder of its type, an array holds one item.

use super::super::doc::{self, Doc, get, get_str, items, text};
use super::json::{Json, Source};
use crate::spec::shape::Node;

/// Levels of nesting followed; deeper (a recursive schema) is left out.
const MAX_DEPTH: usize = 12;

/// What a composition found.
pub struct Composed {
    /// The value.
    pub value: Json,
    /// Scalars taken from the document's examples.
    pub from_examples: usize,
    /// Placeholders put in for required properties without an example.
    pub placeholders: usize,
}

/// Composes a value for `schema` (at `ptr`). `None` when nothing in it has an example and
/// `need_example` is set, or when it is no object, array or scalar with an example.
pub fn compose(doc: &Doc<'_>, source: &Source<'_>, schema: &Node, ptr: &str, need_example: bool) -> Option<Composed> {
    let mut c = Composer { doc, source, from_examples: 0, placeholders: 0, stack: Vec::new() };
    let value = c.value(schema, ptr, 0)?;
    (c.from_examples > 0 || !need_example).then_some(Composed { value, from_examples: c.from_examples, placeholders: c.placeholders })
}

/// The schema's own example, when it has one: `example`, or the first of 3.1's `examples`.
pub fn own_example(schema: &Node) -> Option<&Node> {
    get(schema, "example").or_else(|| get(schema, "examples").and_then(|e| items(e).first()))
}

struct Composer<'d, 'a> {
    doc: &'d Doc<'a>,
    source: &'d Source<'d>,
    from_examples: usize,
    placeholders: usize,
    /// Components being composed (a recursive schema ends).
    stack: Vec<String>,
}

impl Composer<'_, '_> {
    fn value(&mut self, schema: &Node, ptr: &str, depth: usize) -> Option<Json> {
        if depth > MAX_DEPTH {
            return None;
        }
        let (schema, ptr, via) = self.doc.deref(schema, ptr).ok()?;
        if let Some(target) = &via {
            if self.stack.contains(target) {
                return None;
            }
            self.stack.push(target.clone());
        }
        let value = self.value_of(schema, &ptr, depth);
        if via.is_some() {
            self.stack.pop();
        }
        value
    }

    fn value_of(&mut self, schema: &Node, ptr: &str, depth: usize) -> Option<Json> {
        if let Some(example) = own_example(schema)
            && let Ok(value) = Json::from_node(example, self.source)
            && let Some(value) = fit(schema, value)
        {
            self.from_examples += 1;
            return Some(value);
        }
        // allOf: the parts' objects merged; oneOf / anyOf: the first part that composes.
        if let Some(parts) = get(schema, "allOf") {
            let mut merged: Option<Json> = None;
            for (i, part) in items(parts).iter().enumerate() {
                match self.value(part, &format!("{ptr}/allOf/{i}"), depth + 1) {
                    Some(Json::Map(entries)) => match &mut merged {
                        Some(m) => entries.into_iter().for_each(|(k, v)| m.set(&k, v)),
                        None => merged = Some(Json::Map(entries)),
                    },
                    Some(other) if merged.is_none() => merged = Some(other),
                    _ => {}
                }
            }
            let own = self.object(schema, ptr, depth);
            return match (merged, own) {
                (Some(mut m), Some(Json::Map(entries))) => {
                    entries.into_iter().for_each(|(k, v)| m.set(&k, v));
                    Some(m)
                }
                (m, o) => m.or(o),
            };
        }
        for key in ["oneOf", "anyOf"] {
            if let Some(parts) = get(schema, key) {
                for (i, part) in items(parts).iter().enumerate() {
                    if let Some(v) = self.value(part, &format!("{ptr}/{key}/{i}"), depth + 1) {
                        return Some(v);
                    }
                }
                return None;
            }
        }
        if let Some(values) = get(schema, "enum") {
            let first = items(values).iter().find(|v| !matches!(v.kind, crate::spec::shape::Kind::Null))?;
            return Json::from_node(first, self.source).ok().and_then(|v| fit(schema, v));
        }
        match type_of(schema) {
            Some("array") => {
                let item = get(schema, "items").and_then(|i| self.value(i, &format!("{ptr}/items"), depth + 1));
                Some(Json::Seq(item.into_iter().collect()))
            }
            Some("object") | None if get(schema, "properties").is_some() => self.object(schema, ptr, depth),
            // An open object as the whole value (an answer of any keys): empty.
            Some("object") if depth == 0 => Some(Json::Map(Vec::new())),
            _ => None,
        }
    }

    /// The properties of an object schema that compose, and placeholders for required ones.
    fn object(&mut self, schema: &Node, ptr: &str, depth: usize) -> Option<Json> {
        let properties = get(schema, "properties")?;
        let required: Vec<&str> = get(schema, "required").map(items).unwrap_or(&[]).iter().filter_map(text).collect();
        let mut entries = Vec::new();
        for (key, property) in doc::entries(properties) {
            let Some(name) = text(key) else { continue };
            let property_ptr = doc::child(&format!("{ptr}/properties"), name);
            match self.value(property, &property_ptr, depth + 1) {
                Some(v) => entries.push((name.to_owned(), v)),
                None if required.contains(&name) => {
                    if let Some(v) = self.placeholder(property, &property_ptr) {
                        self.placeholders += 1;
                        entries.push((name.to_owned(), v));
                    }
                }
                None => {}
            }
        }
        Some(Json::Map(entries))
    }

    /// A value of the schema's type for a required property without an example.
    fn placeholder(&self, schema: &Node, ptr: &str) -> Option<Json> {
        let (schema, _, _) = self.doc.deref(schema, ptr).ok()?;
        Some(match (type_of(schema), get_str(schema, "format")) {
            (Some("string"), Some("date")) => Json::Str("2024-01-01".into()),
            (Some("string"), Some("date-time")) => Json::Str("2024-01-01T00:00:00Z".into()),
            (Some("string"), _) => Json::Str("string".into()),
            (Some("integer"), _) => Json::Number("1".into()),
            (Some("number"), _) => Json::Number("1.5".into()),
            (Some("boolean"), _) => Json::Bool(true),
            (Some("array"), _) => Json::Seq(Vec::new()),
            (Some("object"), _) => Json::Map(Vec::new()),
            _ => return None,
        })
    }
}

/// A property's example as its schema's type holds it, or `None` when it does not fit: a
/// number or boolean written unquoted for a string (`4.1` of a string enum) is its text; a
/// `date` or `date-time` must look like one; a value outside the `enum` does not fit. Only
/// composed values are fitted: a whole example of the document is recorded as written.
fn fit(schema: &Node, value: Json) -> Option<Json> {
    let value = match (type_of(schema), value) {
        (Some("string"), Json::Number(n)) => Json::Str(n),
        (Some("string"), Json::Bool(b)) => Json::Str(b.to_string()),
        (Some("string"), v @ Json::Str(_)) => v,
        (Some("integer"), Json::Number(n)) if n.parse::<i64>().is_ok() => Json::Number(n),
        (Some("number"), v @ Json::Number(_)) | (Some("boolean"), v @ Json::Bool(_)) | (Some("array"), v @ Json::Seq(_)) | (Some("object"), v @ Json::Map(_)) => v,
        (None, v) => v,
        (Some(_), Json::Null) if doc::get_bool(schema, "nullable") => Json::Null,
        _ => return None,
    };
    if let Json::Str(s) = &value {
        let date = |d: &str| d.len() == 10 && d.as_bytes()[4] == b'-' && d.as_bytes()[7] == b'-' && d.bytes().enumerate().all(|(i, b)| i == 4 || i == 7 || b.is_ascii_digit());
        match get_str(schema, "format") {
            Some("date") if !date(s) => return None,
            Some("date-time") if !(s.len() > 16 && date(&s[..10]) && s.as_bytes()[10] == b'T') => return None,
            _ => {}
        }
    }
    if let Some(values) = get(schema, "enum") {
        let known = items(values).iter().any(|v| text(v).is_some_and(|t| value.scalar_text().as_deref() == Some(t)));
        if !known {
            return None;
        }
    }
    Some(value)
}

/// The schema's type: `type`, or the first that is not `null` of 3.1's list.
fn type_of(schema: &Node) -> Option<&str> {
    let ty = get(schema, "type")?;
    text(ty).or_else(|| items(ty).iter().filter_map(text).find(|t| *t != "null"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::shape;

    #[test]
    fn properties_examples_make_an_object() {
        let text = "components:\n  schemas:\n    User:\n      required: [guid, id]\n      properties:\n        guid: { type: string, example: USR-1 }\n        id: { type: string }\n        age: { type: integer }\n        tags: { type: array, items: { type: string, example: a } }\n        kind: { type: string, enum: [one, two] }\n        parent: { $ref: '#/components/schemas/User' }\n    Body:\n      properties:\n        user: { $ref: '#/components/schemas/User' }\n        money: { type: number, example: 5.10 }\n";
        let root = shape::read(text).unwrap();
        let doc = Doc { root: &root };
        let body = doc.pointer("/components/schemas/Body").unwrap();
        let composed = compose(&doc, &Source::new(text), body, "/components/schemas/Body", true).unwrap();
        assert_eq!(
            composed.value.compact(),
            r#"{"user": {"guid": "USR-1", "id": "string", "tags": ["a"], "kind": "one"}, "money": 5.10}"#
        );
        assert_eq!((composed.from_examples, composed.placeholders), (3, 1));
        // Composed values fit their schema: an unquoted number of a string enum is its text, a
        // date-time example that is a date is left out (a placeholder when required).
        let text2 = "properties:\n  v: { type: string, enum: [4.1, 3_lite], example: 4.1 }\n  at: { type: string, format: date-time, example: 2020-01-01 }\n  on: { type: string, format: date, example: 2020-01-01 }\nrequired: [at]\n";
        let fitted = compose(&doc, &Source::new(text2), &shape::read(text2).unwrap(), "/y", true).unwrap();
        assert_eq!(fitted.value.compact(), r#"{"v": "4.1", "at": "2024-01-01T00:00:00Z", "on": "2020-01-01"}"#);
        let none = shape::read("type: object\nproperties:\n  a: { type: string }\n").unwrap();
        assert!(compose(&doc, &Source::new(text), &none, "/x", true).is_none(), "nothing from the document: no value");
        assert_eq!(compose(&doc, &Source::new(text), &none, "/x", false).map(|c| c.value.compact()).as_deref(), Some("{}"));
    }
}
