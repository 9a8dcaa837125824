//! The lists of error codes and categories an error envelope documents (`errors.codes`,
//! `errors.categories`): each entry a plain code or `{ code, doc, rust }`.

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::Deserialize;
use serde::de::{self, MapAccess, Visitor};
use std::borrow::Cow;
use std::fmt;

/// One documented error code (or category).
#[derive(Debug, Clone, PartialEq)]
pub struct CodeSpec {
    /// The code as the provider sends it; a whole number is kept as its decimal text (`4011`).
    pub code: String,
    /// What it means.
    pub doc: Option<String>,
    /// The Rust variant name, instead of the one derived from the code.
    pub rust: Option<String>,
}

impl JsonSchema for CodeSpec {
    fn schema_name() -> Cow<'static, str> {
        "CodeSpec".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "A documented error code: the code as sent (`ITEM_NOT_FOUND`, `4011`), or `{ code, doc, rust }`.",
            "anyOf": [
                {
                    "description": "`- ITEM_NOT_FOUND`, or a numeric code, `- 4011`.",
                    "type": ["string", "integer"]
                },
                {
                    "description": "`- { code: ITEM_NOT_FOUND, doc: No Item with that access token., rust: ItemMissing }`.",
                    "type": "object",
                    "additionalProperties": false,
                    "properties": {
                        "code": { "description": "The code as the provider sends it.", "type": ["string", "integer"] },
                        "doc": { "description": "What it means.", "type": "string" },
                        "rust": { "description": "The Rust variant name (UpperCamelCase), instead of the one derived from the code.", "type": "string" }
                    },
                    "required": ["code"]
                }
            ]
        })
    }
}

/// Reads a code: text, or a whole number as its decimal text.
struct CodeText;

impl<'de> Visitor<'de> for CodeText {
    type Value = String;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an error code: a string or a whole number")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(v.to_owned())
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        Ok(v.to_string())
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        Ok(v.to_string())
    }
    fn visit_i128<E: de::Error>(self, v: i128) -> Result<Self::Value, E> {
        Ok(v.to_string())
    }
    fn visit_u128<E: de::Error>(self, v: u128) -> Result<Self::Value, E> {
        Ok(v.to_string())
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
        Err(de::Error::custom("a number with a fraction is no error code; quote it so it stays text as written"))
    }
}

struct Code(String);

impl<'de> Deserialize<'de> for Code {
    fn deserialize<D: de::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(CodeText).map(Code)
    }
}

impl<'de> Deserialize<'de> for CodeSpec {
    fn deserialize<D: de::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct EntryVisitor;
        impl<'de> Visitor<'de> for EntryVisitor {
            type Value = CodeSpec;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an error code, or a mapping with `code` and optionally `doc` and `rust`")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                CodeText.visit_str(v).map(CodeSpec::plain)
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
                CodeText.visit_i64(v).map(CodeSpec::plain)
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
                CodeText.visit_u64(v).map(CodeSpec::plain)
            }
            fn visit_i128<E: de::Error>(self, v: i128) -> Result<Self::Value, E> {
                CodeText.visit_i128(v).map(CodeSpec::plain)
            }
            fn visit_u128<E: de::Error>(self, v: u128) -> Result<Self::Value, E> {
                CodeText.visit_u128(v).map(CodeSpec::plain)
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
                CodeText.visit_f64(v).map(CodeSpec::plain)
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                const FIELDS: &[&str] = &["code", "doc", "rust"];
                let (mut code, mut doc, mut rust) = (None, None, None);
                while let Some(key) = map.next_key::<String>()? {
                    match key.as_str() {
                        "code" if code.is_some() => return Err(de::Error::duplicate_field("code")),
                        "code" => code = Some(map.next_value::<Code>()?.0),
                        "doc" if doc.is_some() => return Err(de::Error::duplicate_field("doc")),
                        "doc" => doc = Some(map.next_value::<String>()?),
                        "rust" if rust.is_some() => return Err(de::Error::duplicate_field("rust")),
                        "rust" => rust = Some(map.next_value::<String>()?),
                        other => return Err(de::Error::unknown_field(other, FIELDS)),
                    }
                }
                let code = code.ok_or_else(|| de::Error::missing_field("code"))?;
                Ok(CodeSpec { code, doc, rust })
            }
        }
        deserializer.deserialize_any(EntryVisitor)
    }
}

impl CodeSpec {
    fn plain(code: String) -> CodeSpec {
        CodeSpec { code, doc: None, rust: None }
    }
}
