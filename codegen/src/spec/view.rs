//! Views: one neutral model over several providers' records (a user's connections, whatever
//! each provider calls them), declared in YAML.
//!
//! A view file (`specs/views/<view>.yaml`, a [`ViewSpec`]) declares the neutral item and its
//! status values; each provider that joins the view maps it in its own spec, under
//! `views: { <view>: ... }` (a [`ViewMappingSpec`]): which operation lists the records, where
//! each neutral field comes from (JSON pointers over the typed answer) and which vendor value
//! means which status. `lower::views` checks both against each other and the provider's models.

use super::{Entries, Sp};
use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::Deserialize;
use serde::de::{self, MapAccess, SeqAccess, Visitor};
use std::borrow::Cow;
use std::fmt;

/// Value types a view field may have.
pub const VIEW_FIELD_TYPES: &[&str] = &["string", "instant"];

fn view_field_type_schema(_: &mut SchemaGenerator) -> Schema {
    json_schema!({ "type": "string", "enum": VIEW_FIELD_TYPES })
}

/// A view file: the neutral item every joined provider's records become.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ViewSpec {
    /// The view's name (snake_case): the generated module (`connections`) and the client method
    /// (`list_connections`); providers map it under `views: { <name>: ... }`.
    pub view: Sp<String>,
    /// Human name, for docs.
    pub title: String,
    /// What the view is for, shown on its module.
    #[serde(default)]
    pub doc: Option<String>,
    /// The item's type name (PascalCase), e.g. `Connection`.
    pub item: Sp<String>,
    /// The neutral status every record gets.
    pub status: Sp<ViewStatusSpec>,
    /// The item's fields besides `provider`, `status`, `provider_status` and `record`, which
    /// every view item has: name (snake_case) to field.
    pub fields: Entries<Sp<ViewFieldSpec>>,
}

/// The neutral status of a view item: a closed list of values, plus an unknown value that keeps
/// what the provider said.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ViewStatusSpec {
    /// The status type's name (PascalCase), e.g. `ConnectionStatus`.
    #[serde(rename = "type")]
    pub ty: Sp<String>,
    /// What the status says.
    #[serde(default)]
    pub doc: Option<String>,
    /// Value (snake_case) to what it means.
    pub values: Entries<Sp<String>>,
}

/// A field of the neutral item.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ViewFieldSpec {
    /// `string`, or `instant` (a UTC instant, from any provider's date-time).
    #[serde(rename = "type")]
    #[schemars(schema_with = "view_field_type_schema")]
    pub ty: Sp<String>,
    /// A provider may leave it unmapped, or map it to a value that may be absent.
    #[serde(default)]
    pub optional: bool,
    /// What it holds.
    pub doc: String,
}

/// How one provider joins a view, in the provider's spec under `views: { <view>: ... }`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ViewMappingSpec {
    /// What the provider's items are and what the view cannot show of them; shown on the
    /// client's method.
    #[serde(default)]
    pub doc: Option<String>,
    /// The operation that lists the records, called once (every page, when it is paged).
    #[serde(default)]
    pub list: Option<Sp<String>>,
    /// Instead of `list`: an operation that reads one record, called once per value the caller
    /// gives for the one argument in `args` (Plaid's `/item/get` per access token).
    #[serde(default)]
    pub each: Option<Sp<String>>,
    /// What the method takes, in order: parameters of the operation (by wire name) or fields of
    /// its body (`body.<field>`). Every other required parameter and body field must be absent:
    /// the method has no way to fill it.
    #[serde(default)]
    pub args: Vec<Sp<String>>,
    /// JSON pointer to the records in the answer, `*` standing for every item of a list or
    /// value of a map (`/links/*`); `""` for the answer itself.
    pub records: Sp<String>,
    /// The zone of the provider's date-times without an offset, which instants need: `utc`.
    #[serde(default)]
    pub naive_zone: Option<Sp<String>>,
    /// Neutral field name to where it comes from in a record.
    #[serde(default)]
    pub fields: Entries<Sp<FieldSource>>,
    /// Which vendor values mean which neutral status.
    pub status: Sp<StatusMappingSpec>,
}

/// Where a view field comes from.
#[derive(Debug, Clone)]
pub enum FieldSource {
    /// One JSON pointer over the record (`/institution_id`).
    Pointer(String),
    /// The latest of the instants at these pointers (`*` allowed: `/products/*/refreshed_at`).
    Latest(Vec<String>),
    /// The earliest of them.
    Earliest(Vec<String>),
}

impl JsonSchema for FieldSource {
    fn schema_name() -> Cow<'static, str> {
        "FieldSource".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        let pointers = json_schema!({
            "anyOf": [
                { "type": "string" },
                { "type": "array", "items": { "type": "string" }, "minItems": 1 }
            ]
        });
        json_schema!({
            "description": "A JSON pointer over the record (`/institution_id`), or `{ latest: <pointers> }` / `{ earliest: <pointers> }` for the latest or earliest instant found at one or more pointers (`*` for every item).",
            "anyOf": [
                { "type": "string" },
                {
                    "type": "object",
                    "additionalProperties": false,
                    "properties": { "latest": pointers.clone(), "earliest": pointers },
                    "minProperties": 1,
                    "maxProperties": 1
                }
            ]
        })
    }
}

impl<'de> Deserialize<'de> for FieldSource {
    fn deserialize<D: de::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct SourceVisitor;
        impl<'de> Visitor<'de> for SourceVisitor {
            type Value = FieldSource;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a JSON pointer, or `latest:` or `earliest:` with pointers")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(FieldSource::Pointer(v.to_owned()))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let Some(key) = map.next_key::<String>()? else {
                    return Err(de::Error::custom("expected `latest:` or `earliest:`"));
                };
                let pointers = map.next_value::<super::FieldPath>()?.0;
                let out = match key.as_str() {
                    "latest" => FieldSource::Latest(pointers),
                    "earliest" => FieldSource::Earliest(pointers),
                    other => return Err(de::Error::unknown_field(other, &["latest", "earliest"])),
                };
                if map.next_key::<String>()?.is_some() {
                    return Err(de::Error::custom("one of `latest:` or `earliest:`, not both"));
                }
                Ok(out)
            }
        }
        deserializer.deserialize_any(SourceVisitor)
    }
}

/// The status table of one provider.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct StatusMappingSpec {
    /// JSON pointers over the record whose values the rows test, in order; the values present,
    /// joined by `/`, are the item's `provider_status` (and an unknown status's text).
    pub from: Vec<Sp<String>>,
    /// Rows, the first that matches wins.
    pub rows: Vec<Sp<StatusRowSpec>>,
    /// The status when no row matches; without it, the unknown status with the provider's values.
    #[serde(default)]
    pub otherwise: Option<Sp<String>>,
}

/// One row of a status table.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct StatusRowSpec {
    /// Pointer (one of `from`) to the value or values it must have (`null`: absent or null); a
    /// pointer the row leaves out may have any value.
    pub when: Entries<Sp<Matches>>,
    /// The neutral status.
    pub status: Sp<String>,
    /// Where the fact comes from (a document, a recorded answer), for the reader.
    #[serde(default)]
    pub source: Option<String>,
}

/// The values a status row accepts at one pointer: a value, `null`, or a list of them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Matches(pub Vec<Option<String>>);

impl JsonSchema for Matches {
    fn schema_name() -> Cow<'static, str> {
        "Matches".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "A value (`connected`), `null` (absent or null), or a list of them.",
            "anyOf": [
                { "type": ["string", "null"] },
                { "type": "array", "items": { "type": ["string", "null"] }, "minItems": 1 }
            ]
        })
    }
}

impl<'de> Deserialize<'de> for Matches {
    fn deserialize<D: de::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct MatchesVisitor;
        impl<'de> Visitor<'de> for MatchesVisitor {
            type Value = Matches;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a value, null, or a list of them")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(Matches(vec![Some(v.to_owned())]))
            }
            fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(Matches(vec![None]))
            }
            fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(Matches(vec![None]))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                let mut out = Vec::new();
                while let Some(item) = seq.next_element::<Option<String>>()? {
                    out.push(item);
                }
                Ok(Matches(out))
            }
        }
        deserializer.deserialize_any(MatchesVisitor)
    }
}

/// The JSON Schema of a view file.
pub fn view_file_schema() -> serde_json::Value {
    let mut schema = schemars::generate::SchemaSettings::draft07().into_generator().into_root_schema_for::<ViewSpec>();
    schema.insert("title".into(), "linkspec view".into());
    schema.to_value()
}
