//! Parse stage: an enum as written (`enums:`), and its values, read by hand so each keeps its
//! exact spelling and JSON type.

use super::{ENUM_WIRES, Sp};
use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::Deserialize;
use serde::de::{self, MapAccess, Visitor};
use std::borrow::Cow;
use std::fmt;

fn optional_enum_wire_schema(_: &mut SchemaGenerator) -> Schema {
    let mut values: Vec<serde_json::Value> = ENUM_WIRES.iter().map(|&v| v.into()).collect();
    values.push(serde_json::Value::Null);
    json_schema!({ "type": ["string", "null"], "enum": values })
}

/// A string enum.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EnumSpec {
    /// What the enum is.
    #[serde(default)]
    pub doc: Option<String>,
    /// Known values; a literal `null` marks fields of this enum as nullable.
    pub values: Vec<Sp<EnumValueSpec>>,
    /// The JSON type of the values: `string` (the default), `integer` or `boolean`.
    #[serde(default)]
    #[schemars(schema_with = "optional_enum_wire_schema")]
    pub wire: Option<Sp<String>>,
}

/// A known enum value: a plain value, `null`, or a value with its doc.
#[derive(Debug)]
pub enum EnumValueSpec {
    /// `- INSTANT_AUTH`, `- 4011` (with `wire: integer`), or `- null`.
    Plain(Option<EnumLiteral>),
    /// `- { value: background, doc: Item can be updated in the background }`.
    Documented {
        /// The wire value.
        value: EnumLiteral,
        /// What it means.
        doc: String,
    },
}

/// An enum value as written: text (quoted or not), or an unquoted whole number or boolean,
/// which only an enum with `wire: integer` or `wire: boolean` takes.
#[derive(Debug, Clone, PartialEq)]
pub enum EnumLiteral {
    /// A string.
    Text(String),
    /// An unquoted whole number.
    Integer(i128),
    /// An unquoted `true` or `false`.
    Boolean(bool),
    /// An unquoted number with a fraction or exponent, which no enum takes (its spelling is
    /// already lost: quote it).
    Float(f64),
}

impl fmt::Display for EnumLiteral {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        match self {
            EnumLiteral::Text(t) => f.write_str(t),
            EnumLiteral::Integer(n) => write!(f, "{n}"),
            EnumLiteral::Boolean(b) => write!(f, "{b}"),
            EnumLiteral::Float(x) => write!(f, "{x}"),
        }
    }
}

impl JsonSchema for EnumValueSpec {
    fn schema_name() -> Cow<'static, str> {
        "EnumValueSpec".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "A known enum value: a plain value, `null`, or a value with its doc.",
            "anyOf": [
                {
                    "description": "`- INSTANT_AUTH` or `- null`; with `wire: integer` or `wire: boolean`, an unquoted number or boolean (`- 4011`, `- true`).",
                    "type": ["string", "null", "integer", "boolean"]
                },
                {
                    "description": "`- { value: background, doc: Item can be updated in the background }`.",
                    "type": "object",
                    "additionalProperties": false,
                    "properties": {
                        "value": { "description": "The wire value.", "type": ["string", "integer", "boolean"] },
                        "doc": { "description": "What it means.", "type": "string" }
                    },
                    "required": ["value", "doc"]
                }
            ]
        })
    }
}

/// Reads an enum literal; a float is refused, since no enum wire type holds one exactly.
struct LiteralVisitor;

impl<'de> Visitor<'de> for LiteralVisitor {
    type Value = EnumLiteral;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a string, a whole number or a boolean (quote other numbers)")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(EnumLiteral::Text(v.to_owned()))
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
        Ok(EnumLiteral::Boolean(v))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        Ok(EnumLiteral::Integer(v.into()))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        Ok(EnumLiteral::Integer(v.into()))
    }
    fn visit_i128<E: de::Error>(self, v: i128) -> Result<Self::Value, E> {
        Ok(EnumLiteral::Integer(v))
    }
    fn visit_u128<E: de::Error>(self, v: u128) -> Result<Self::Value, E> {
        i128::try_from(v).map(EnumLiteral::Integer).map_err(|_| de::Error::custom("a whole number too large for an enum value"))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        Ok(EnumLiteral::Float(v))
    }
}

impl<'de> Deserialize<'de> for EnumLiteral {
    fn deserialize<D: de::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(LiteralVisitor)
    }
}

// Read by hand rather than as a serde untagged enum, which would turn `1.50` into `1.5`:
// strings keep their exact spelling, whole numbers and booleans are kept apart from text (so
// `lower` can say to quote them in a string enum), and a float is an error.
impl<'de> Deserialize<'de> for EnumValueSpec {
    fn deserialize<D: de::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct ValueVisitor;
        impl<'de> Visitor<'de> for ValueVisitor {
            type Value = EnumValueSpec;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string, a whole number, a boolean, null, or a mapping with `value` and `doc`")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                LiteralVisitor.visit_str(v).map(|l| EnumValueSpec::Plain(Some(l)))
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
                LiteralVisitor.visit_bool(v).map(|l| EnumValueSpec::Plain(Some(l)))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
                LiteralVisitor.visit_i64(v).map(|l| EnumValueSpec::Plain(Some(l)))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
                LiteralVisitor.visit_u64(v).map(|l| EnumValueSpec::Plain(Some(l)))
            }
            fn visit_i128<E: de::Error>(self, v: i128) -> Result<Self::Value, E> {
                LiteralVisitor.visit_i128(v).map(|l| EnumValueSpec::Plain(Some(l)))
            }
            fn visit_u128<E: de::Error>(self, v: u128) -> Result<Self::Value, E> {
                LiteralVisitor.visit_u128(v).map(|l| EnumValueSpec::Plain(Some(l)))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
                LiteralVisitor.visit_f64(v).map(|l| EnumValueSpec::Plain(Some(l)))
            }
            fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(EnumValueSpec::Plain(None))
            }
            fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(EnumValueSpec::Plain(None))
            }
            fn visit_some<D: de::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
                d.deserialize_any(self)
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                const FIELDS: &[&str] = &["value", "doc"];
                let (mut value, mut doc) = (None, None);
                while let Some(key) = map.next_key::<String>()? {
                    match key.as_str() {
                        "value" if value.is_some() => return Err(de::Error::duplicate_field("value")),
                        "value" => value = Some(map.next_value::<EnumLiteral>()?),
                        "doc" if doc.is_some() => return Err(de::Error::duplicate_field("doc")),
                        "doc" => doc = Some(map.next_value::<String>()?),
                        other => return Err(de::Error::unknown_field(other, FIELDS)),
                    }
                }
                let value = value.ok_or_else(|| de::Error::missing_field("value"))?;
                let doc = doc.ok_or_else(|| de::Error::missing_field("doc"))?;
                Ok(EnumValueSpec::Documented { value, doc })
            }
        }
        deserializer.deserialize_any(ValueVisitor)
    }
}
