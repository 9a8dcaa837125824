//! Invented cases for a crate that has no recordings (the generator's fixtures): one success
//! per operation whose arguments and answer hold a value in every field, optional and
//! nullable ones included, one item in every list and one entry in every map, and a value no
//! enum lists. Examples made from them go down every path of [`super::example`] that a
//! recorded value takes (boxed fields, maps, JSON values, enum fallbacks, ids, timestamps),
//! and `cargo test --doc` compiles each, so a form that does not fit the emitted API fails
//! there rather than in a provider's docs the day a cassette first records it.

use crate::ir::{self, TimestampFormat, TypeRef};
use crate::{RecordedCall, names};
use serde_json::{Map, Value, json};

/// Below this depth a model gets every field, a list an item and a map an entry; deeper, a
/// model only its required fields, nullable ones `null`, and lists and maps are empty (so a
/// cycle through optional fields, lists or maps ends there; other cycles are refused by
/// lowering).
const FULL_DEPTH: usize = 3;

/// One invented success for each operation of `p`.
pub fn cases(p: &ir::Provider) -> Vec<RecordedCall> {
    p.operations
        .iter()
        .map(|op| {
            let mut args = Map::new();
            for param in op.params.iter().filter(|param| param.from.is_none()) {
                args.insert(param.wire.clone(), value(p, &param.ty, 0));
            }
            if let Some(body) = &op.body {
                args.insert(names::REQUEST_BODY.to_owned(), value(p, &TypeRef::Model(body.clone()), 0));
            }
            RecordedCall {
                provider: p.module.clone(),
                case: format!("invented_{}", op.name),
                operation: op.name.clone(),
                args: Value::Object(args),
                headers: p.headers.iter().map(|h| (h.wire.clone(), format!("{}-value", h.wire.to_lowercase()))).collect(),
                success: true,
                answer: op.response.as_ref().map(|ty| value(p, ty, 0)),
                invented: true,
                ..RecordedCall::default()
            }
        })
        .collect()
}

/// A value of `ty` with something in every place.
fn value(p: &ir::Provider, ty: &TypeRef, depth: usize) -> Value {
    let deep = depth >= FULL_DEPTH;
    match ty {
        TypeRef::String | TypeRef::Id(_, ir::IdWire::String) => Value::from("text-1"),
        TypeRef::Integer | TypeRef::Id(_, ir::IdWire::Integer) => Value::from(42),
        TypeRef::Number => Value::from(2.5),
        TypeRef::Decimal => Value::from(12.75),
        TypeRef::Boolean => Value::from(true),
        TypeRef::Date => Value::from("2024-02-29"),
        TypeRef::DateTime(TimestampFormat::Rfc3339) => Value::from("2024-02-29T08:30:00+01:00"),
        TypeRef::DateTime(TimestampFormat::Naive | TimestampFormat::NaiveUtc) => Value::from("2024-02-29T08:30:00"),
        TypeRef::Json => json!({ "any": [1, "two", null] }),
        TypeRef::List(_) if deep => Value::Array(Vec::new()),
        TypeRef::Map(_) if deep => Value::Object(Map::new()),
        TypeRef::Nullable(_) if deep => Value::Null,
        TypeRef::List(inner) => Value::Array(vec![value(p, inner, depth + 1)]),
        TypeRef::Map(inner) => Value::Object(Map::from_iter([("key-1".to_owned(), value(p, inner, depth + 1))])),
        TypeRef::Nullable(inner) => value(p, inner, depth),
        TypeRef::Model(name) => match p.models.iter().find(|m| &m.name == name) {
            Some(m) => {
                let fields = m.fields.iter().filter(|f| !deep || !f.optional).map(|f| {
                    let v = if f.nullable && deep { Value::Null } else { value(p, &f.ty, depth + 1) };
                    (f.wire.clone(), v)
                });
                Value::Object(fields.collect())
            }
            None => Value::Null,
        },
        TypeRef::Enum(name) => match p.enums.iter().find(|e| &e.name == name) {
            Some(e) => unlisted(e),
            None => Value::Null,
        },
    }
}

/// A value of the enum's wire type that it does not list (the first listed one when every
/// candidate is listed: both booleans).
fn unlisted(e: &ir::Enum) -> Value {
    // Wire texts are the text of a string value, and JSON of an integer or boolean one.
    let listed = |v: &Value| {
        let text = match v {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        e.values.iter().any(|x| x.wire == text)
    };
    let candidates: Vec<Value> = match e.wire {
        ir::EnumWire::String => vec![Value::from("value-not-listed"), Value::from("value-not-listed-2")],
        ir::EnumWire::Integer => {
            let top = e.values.iter().filter_map(|v| v.wire.parse::<i64>().ok()).max().unwrap_or(0);
            vec![Value::from(top.saturating_add(1))]
        }
        ir::EnumWire::Boolean => vec![Value::from(false), Value::from(true)],
    };
    let first_listed = || e.values.first().map(|v| serde_json::from_str(&v.wire).unwrap_or_else(|_| Value::from(v.wire.as_str())));
    candidates.into_iter().find(|v| !listed(v)).or_else(first_listed).unwrap_or(Value::Null)
}

#[cfg(test)]
mod tests {
    use super::unlisted;
    use crate::ir;
    use serde_json::Value;

    fn enumeration(wire: ir::EnumWire, values: &[&str]) -> ir::Enum {
        ir::Enum {
            name: "E".into(),
            doc: None,
            values: values.iter().map(|v| ir::EnumValue { rust: format!("V{}", v.len()), wire: (*v).into(), doc: None }).collect(),
            nullable: false,
            wire,
            fallback: "Unknown".into(),
        }
    }

    #[test]
    fn the_invented_value_is_one_the_enum_does_not_list() {
        assert_eq!(unlisted(&enumeration(ir::EnumWire::String, &["a", "b"])), Value::from("value-not-listed"));
        assert_eq!(unlisted(&enumeration(ir::EnumWire::String, &["value-not-listed", "b"])), Value::from("value-not-listed-2"));
        assert_eq!(unlisted(&enumeration(ir::EnumWire::Integer, &["-1", "4011", "7"])), Value::from(4012));
        assert_eq!(unlisted(&enumeration(ir::EnumWire::Boolean, &["false"])), Value::from(true));
        // Both booleans listed: the first listed one, as JSON.
        assert_eq!(unlisted(&enumeration(ir::EnumWire::Boolean, &["true", "false"])), Value::from(true));
    }
}
