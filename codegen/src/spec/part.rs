//! A part file of a provider directory (`specs/<provider>/*.yaml` without `provider:`), and
//! the JSON Schemas of each kind of spec file.
//!
//! A provider may be one file, or a directory whose files are merged: one holds `provider:`
//! and the other top-level keys of a [`Spec`](super::Spec); the others ([`SpecPart`]) hold
//! only operations, models and enums. `lower::merge` does the merging.

use super::{EnumSpec, Entries, ModelSpec, OperationSpec, Sp};
use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::Value;

/// A file of a provider directory that is not its provider file: more operations, models and
/// enums of the same provider (grouped by resource, say).
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SpecPart {
    /// Endpoints, keyed by operation name (snake_case); merged with the other files'.
    #[serde(default)]
    pub operations: Option<Sp<Entries<Sp<OperationSpec>>>>,
    /// Object types, keyed by Rust type name (PascalCase); merged with the other files'.
    #[serde(default)]
    pub models: Entries<Sp<ModelSpec>>,
    /// String enums, keyed by Rust type name (PascalCase); merged with the other files'.
    #[serde(default)]
    pub enums: Entries<Sp<EnumSpec>>,
}

/// The schema a spec of one file is checked against: [`Spec`](super::Spec)'s, with
/// `operations` required (only a directory may spread them over files).
pub fn whole_file_schema() -> Value {
    let mut schema = super::spec_schema();
    if let Some(Value::Array(required)) = schema.get_mut("required")
        && !required.iter().any(|k| k == "operations")
    {
        required.push("operations".into());
    }
    schema
}

/// The schema a part file is checked against.
pub fn part_file_schema() -> Value {
    let mut schema = schemars::generate::SchemaSettings::draft07().into_generator().into_root_schema_for::<SpecPart>();
    schema.insert("title".into(), "linkspec provider spec part".into());
    schema.to_value()
}

/// The schema editors use for every spec file: a file with `provider:` is a
/// [`Spec`](super::Spec) (`operations` optional, since the provider file of a directory may
/// leave them to its parts), any other file a [`SpecPart`]. One schema, so that every spec
/// file, in a directory or not, carries the same modeline (with `../` in a directory).
pub fn editor_schema() -> Value {
    let spec = super::spec_schema();
    let part = part_file_schema();
    let mut definitions = serde_json::Map::new();
    for schema in [&spec, &part] {
        if let Some(Value::Object(defs)) = schema.get("definitions") {
            for (name, def) in defs {
                definitions.entry(name.clone()).or_insert_with(|| def.clone());
            }
        }
    }
    let body = |schema: &Value| -> Value {
        let mut body = schema.as_object().cloned().unwrap_or_default();
        for key in ["$schema", "title", "definitions"] {
            body.remove(key);
        }
        Value::Object(body)
    };
    definitions.insert("Spec".into(), body(&spec));
    definitions.insert("SpecPart".into(), body(&part));
    let mut root = serde_json::Map::new();
    if let Some(draft) = spec.get("$schema") {
        root.insert("$schema".into(), draft.clone());
    }
    root.insert("title".into(), "linkspec provider spec".into());
    root.insert(
        "description".into(),
        "A linkspec spec file: with `provider:`, a whole provider (or the provider file of a provider directory); \
         without it, a part of a provider directory holding only `operations`, `models` and `enums`."
            .into(),
    );
    root.insert("if".into(), serde_json::json!({ "required": ["provider"] }));
    root.insert("then".into(), serde_json::json!({ "$ref": "#/definitions/Spec" }));
    root.insert("else".into(), serde_json::json!({ "$ref": "#/definitions/SpecPart" }));
    root.insert("definitions".into(), Value::Object(definitions));
    Value::Object(root)
}
