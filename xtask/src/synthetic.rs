//! A synthetic API of N operations, described once and rendered twice: as a linkspec spec
//! (YAML) and as an equivalent OpenAPI 3.0 document (JSON), so that linkspec and another
//! generator (progenitor, in `bench/`) are compared on equal inputs.
//!
//! "Equivalent" means the two renderings say the same things, each in its own format:
//! - the same operations: name (`operationId`), method, path template, doc (`description`);
//! - the same parameters: wire name, place (path, query, header), type, whether required
//!   (path parameters always; query and header ones never, as linkspec's default), doc;
//! - the same request body (a required JSON body of a named model) and the same 200 answer
//!   (a named model); the provider's error model is every error answer (`4XX` and `5XX`: progenitor
//!   refuses a `default` whose type differs from the success type's);
//! - the same models: name, doc, fields with wire name, type, doc, whether required
//!   (`optional` in linkspec, absent from `required` in OpenAPI) and whether nullable;
//! - the same enums (string values) with their docs, and the same server and bearer auth.
//!
//! Types map as linkspec documents them: `string`, `integer` (64-bit), `number` (a double),
//! `boolean`, `datetime` (`string` with `format: date-time`), `list<T>` (`array`), `map<T>`
//! (`object` with `additionalProperties`), and a model or enum by name (`$ref`). One linkspec
//! marking has no OpenAPI counterpart: `sensitive` (linkspec redacts the field in `Debug`); it
//! is left out of the OpenAPI document, so whatever it costs counts against linkspec.

use serde_json::{Map, Value, json};
use std::fmt::Write as _;

/// Where a parameter travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    Path,
    Query,
    Header,
}

impl Place {
    fn name(self) -> &'static str {
        match self {
            Place::Path => "path",
            Place::Query => "query",
            Place::Header => "header",
        }
    }
}

/// A type, in the vocabulary both formats share.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ty {
    String,
    Integer,
    Number,
    Boolean,
    DateTime,
    List(Box<Ty>),
    Map(Box<Ty>),
    /// A model or an enum of the description, by name.
    Named(String),
}

impl Ty {
    /// As a linkspec spec writes it.
    fn spec(&self) -> String {
        match self {
            Ty::String => "string".into(),
            Ty::Integer => "integer".into(),
            Ty::Number => "number".into(),
            Ty::Boolean => "boolean".into(),
            Ty::DateTime => "datetime".into(),
            Ty::List(t) => format!("list<{}>", t.spec()),
            Ty::Map(t) => format!("map<{}>", t.spec()),
            Ty::Named(n) => n.clone(),
        }
    }

    /// As an OpenAPI 3.0 schema.
    fn schema(&self) -> Value {
        match self {
            Ty::String => json!({ "type": "string" }),
            Ty::Integer => json!({ "type": "integer", "format": "int64" }),
            Ty::Number => json!({ "type": "number", "format": "double" }),
            Ty::Boolean => json!({ "type": "boolean" }),
            Ty::DateTime => json!({ "type": "string", "format": "date-time" }),
            Ty::List(t) => json!({ "type": "array", "items": t.schema() }),
            Ty::Map(t) => json!({ "type": "object", "additionalProperties": t.schema() }),
            Ty::Named(n) => json!({ "$ref": format!("#/components/schemas/{n}") }),
        }
    }
}

#[derive(Debug, Clone)]
pub struct Param {
    pub name: String,
    pub place: Place,
    pub ty: Ty,
    pub doc: String,
}

impl Param {
    /// Path parameters are always required; the synthetic query and header ones never are.
    pub fn required(&self) -> bool {
        self.place == Place::Path
    }
}

#[derive(Debug, Clone)]
pub struct Operation {
    pub name: String,
    pub doc: String,
    pub method: &'static str,
    pub path: String,
    pub params: Vec<Param>,
    pub body: String,
    pub response: String,
}

#[derive(Debug, Clone)]
pub struct Field {
    pub name: String,
    pub ty: Ty,
    pub optional: bool,
    pub nullable: bool,
    pub sensitive: bool,
    pub doc: String,
}

#[derive(Debug, Clone)]
pub struct Model {
    pub name: String,
    pub doc: String,
    pub fields: Vec<Field>,
}

#[derive(Debug, Clone)]
pub struct Enum {
    pub name: String,
    pub doc: String,
    pub values: Vec<&'static str>,
}

/// The whole synthetic API.
#[derive(Debug, Clone)]
pub struct Synthetic {
    pub provider: &'static str,
    pub title: &'static str,
    pub server: &'static str,
    pub error_model: &'static str,
    pub operations: Vec<Operation>,
    pub models: Vec<Model>,
    pub enums: Vec<Enum>,
}

fn field(name: &str, ty: Ty, optional: bool, doc: &str) -> Field {
    Field { name: name.into(), ty, optional, nullable: false, sensitive: false, doc: doc.into() }
}

fn param(name: &str, place: Place, ty: Ty, doc: &str) -> Param {
    Param { name: name.into(), place, ty, doc: doc.into() }
}

/// The synthetic API of `operations` operations, shaped like a real provider's: every
/// operation has a path parameter, two query parameters (one an enum) and a header, a body model
/// of five fields and a response model of six (a list of a shared item model among them).
pub fn describe(operations: usize) -> Synthetic {
    let mut ops = Vec::with_capacity(operations);
    let mut models = vec![
        Model {
            name: "SyntheticError".into(),
            doc: "The error body.".into(),
            fields: vec![field("code", Ty::String, false, "The error code."), field("message", Ty::String, true, "What went wrong.")],
        },
        Model {
            name: "Item".into(),
            doc: "An item shared by every result.".into(),
            fields: vec![
                field("id", Ty::String, false, "Its id."),
                field("state", Ty::Named("ItemState".into()), false, "Its state."),
                field("amount", Ty::Number, true, "Its amount."),
            ],
        },
    ];
    for i in 0..operations {
        ops.push(Operation {
            name: format!("resource_{i}_update"),
            doc: format!("Updates resource {i}."),
            method: "POST",
            path: format!("/resources/r{i}/{{resource_id}}"),
            params: vec![
                param("resource_id", Place::Path, Ty::String, "The resource's id."),
                param("limit", Place::Query, Ty::Integer, "At most this many items."),
                param("state", Place::Query, Ty::Named("ItemState".into()), "Only items in this state."),
                param("X-Request-Tag", Place::Header, Ty::String, "A tag echoed in logs."),
            ],
            body: format!("Resource{i}UpdateBody"),
            response: format!("Resource{i}Result"),
        });
        models.push(Model {
            name: format!("Resource{i}UpdateBody"),
            doc: format!("The new state of resource {i}."),
            fields: vec![
                field("name", Ty::String, false, "Its name."),
                field("count", Ty::Integer, true, "How many."),
                field("enabled", Ty::Boolean, true, "Whether it is on."),
                field("tags", Ty::List(Box::new(Ty::String)), true, "Its tags."),
                Field { sensitive: true, ..field("secret", Ty::String, true, "A secret.") },
            ],
        });
        models.push(Model {
            name: format!("Resource{i}Result"),
            doc: format!("Resource {i} as stored."),
            fields: vec![
                field("id", Ty::String, false, "Its id."),
                field("name", Ty::String, false, "Its name."),
                field("updated_at", Ty::DateTime, false, "When it last changed."),
                field("items", Ty::List(Box::new(Ty::Named("Item".into()))), false, "Its items."),
                field("labels", Ty::Map(Box::new(Ty::String)), true, "Its labels."),
                Field { nullable: true, ..field("note", Ty::String, true, "A note.") },
            ],
        });
    }
    Synthetic {
        provider: "synthetic",
        title: "Synthetic",
        server: "https://api.synthetic.example/v1",
        error_model: "SyntheticError",
        operations: ops,
        models,
        enums: vec![Enum {
            name: "ItemState".into(),
            doc: "The state of an item.".into(),
            values: vec!["active", "paused", "closed"],
        }],
    }
}

impl Synthetic {
    /// The linkspec spec (YAML).
    pub fn to_spec(&self) -> String {
        let mut s = String::with_capacity(self.operations.len() * 1_700 + 1_024);
        let _ = write!(
            s,
            "# yaml-language-server: $schema=linkspec.schema.json\nprovider: {}\ntitle: {}\n\
             servers:\n  default: live\n  environments:\n    live: {}\n\
             auth: {{ scheme: bearer }}\nerrors: {{ model: {}, code: code, message: message }}\noperations:\n",
            self.provider, self.title, self.server, self.error_model
        );
        for op in &self.operations {
            let _ = write!(s, "  {}:\n    doc: {}\n    method: {}\n    path: {}\n    params:\n", op.name, op.doc, op.method, op.path);
            for p in &op.params {
                let _ = writeln!(s, "      {}: {{ in: {}, type: {}, doc: {} }}", p.name, p.place.name(), p.ty.spec(), p.doc);
            }
            let _ = write!(s, "    body: {}\n    responses:\n      200: {}\n", op.body, op.response);
        }
        s.push_str("models:\n");
        for m in &self.models {
            let _ = write!(s, "  {}:\n    doc: {}\n    fields:\n", m.name, m.doc);
            for f in &m.fields {
                let _ = write!(s, "      {}: {{ type: {}", f.name, f.ty.spec());
                for (on, key) in [(f.optional, "optional"), (f.nullable, "nullable"), (f.sensitive, "sensitive")] {
                    if on {
                        let _ = write!(s, ", {key}: true");
                    }
                }
                let _ = writeln!(s, ", doc: {} }}", f.doc);
            }
        }
        s.push_str("enums:\n");
        for e in &self.enums {
            let _ = write!(s, "  {}:\n    doc: {}\n    values: [{}]\n", e.name, e.doc, e.values.join(", "));
        }
        s
    }

    /// The equivalent OpenAPI 3.0.3 document, as a JSON value.
    pub fn to_openapi(&self) -> Value {
        let schema_ref = |name: &str| json!({ "$ref": format!("#/components/schemas/{name}") });
        let mut paths = Map::new();
        for op in &self.operations {
            let params: Vec<Value> = op
                .params
                .iter()
                .map(|p| json!({ "name": p.name, "in": p.place.name(), "required": p.required(), "description": p.doc, "schema": p.ty.schema() }))
                .collect();
            let operation = json!({
                "operationId": op.name,
                "description": op.doc,
                "parameters": params,
                "requestBody": { "required": true, "content": { "application/json": { "schema": schema_ref(&op.body) } } },
                "responses": {
                    "200": { "description": "Success.", "content": { "application/json": { "schema": schema_ref(&op.response) } } },
                    "4XX": { "description": "The provider's error.", "content": { "application/json": { "schema": schema_ref(self.error_model) } } },
                    "5XX": { "description": "The provider's error.", "content": { "application/json": { "schema": schema_ref(self.error_model) } } },
                },
            });
            let item = paths.entry(op.path.clone()).or_insert_with(|| Value::Object(Map::new()));
            item[op.method.to_ascii_lowercase()] = operation;
        }
        let mut schemas = Map::new();
        for m in &self.models {
            let mut properties = Map::new();
            for f in &m.fields {
                let mut schema = f.ty.schema();
                if f.nullable {
                    schema = match schema {
                        // A `$ref` takes no siblings in OpenAPI 3.0: wrap it.
                        Value::Object(o) if o.contains_key("$ref") => json!({ "allOf": [o], "nullable": true }),
                        mut other => {
                            other["nullable"] = json!(true);
                            other
                        }
                    };
                }
                schema["description"] = json!(f.doc);
                properties.insert(f.name.clone(), schema);
            }
            let required: Vec<&str> = m.fields.iter().filter(|f| !f.optional).map(|f| f.name.as_str()).collect();
            schemas.insert(
                m.name.clone(),
                json!({ "type": "object", "description": m.doc, "properties": properties, "required": required }),
            );
        }
        for e in &self.enums {
            schemas.insert(e.name.clone(), json!({ "type": "string", "description": e.doc, "enum": e.values }));
        }
        json!({
            "openapi": "3.0.3",
            "info": { "title": self.title, "version": "1.0.0" },
            "servers": [{ "url": self.server }],
            "security": [{ "bearer": [] }],
            "paths": paths,
            "components": {
                "schemas": schemas,
                "securitySchemes": { "bearer": { "type": "http", "scheme": "bearer" } },
            },
        })
    }

    /// The OpenAPI document as JSON text.
    pub fn to_openapi_json(&self) -> String {
        serde_json::to_string_pretty(&self.to_openapi()).expect("a JSON value serialises")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use linkspec_codegen::SpecSource;
    use linkspec_codegen::ir::{self, ParamLocation, TypeRef};
    use std::collections::BTreeMap;

    /// A linkspec type as the OpenAPI schema the description maps it to.
    fn schema_of(ty: &TypeRef) -> Value {
        match ty {
            TypeRef::String => Ty::String.schema(),
            TypeRef::Integer => Ty::Integer.schema(),
            TypeRef::Number => Ty::Number.schema(),
            TypeRef::Boolean => Ty::Boolean.schema(),
            TypeRef::DateTime(_) => Ty::DateTime.schema(),
            TypeRef::List(t) => json!({ "type": "array", "items": schema_of(t) }),
            TypeRef::Map(t) => json!({ "type": "object", "additionalProperties": schema_of(t) }),
            TypeRef::Model(n) | TypeRef::Enum(n) => Ty::Named(n.clone()).schema(),
            other => panic!("the synthetic spec has no {other:?}"),
        }
    }

    fn strip(mut schema: Value, key: &str) -> Value {
        if let Some(o) = schema.as_object_mut() {
            o.remove(key);
        }
        schema
    }

    /// Both renderings, parsed back (the spec by linkspec itself, the OpenAPI document as JSON),
    /// describe the same operations, parameters, bodies, answers, models, enums and docs.
    #[test]
    fn the_spec_and_the_openapi_document_describe_the_same_api() {
        let synthetic = describe(4);
        let spec = SpecSource { name: "synthetic/4.yaml".into(), text: synthetic.to_spec() };
        let (providers, diags) = linkspec_codegen::check(std::slice::from_ref(&spec));
        assert!(!diags.has_errors(), "{}", diags.render(|_| Some(spec.text.as_str())));
        let provider: &ir::Provider = &providers[0];
        let doc: Value = serde_json::from_str(&synthetic.to_openapi_json()).expect("JSON");

        let mut seen = 0;
        for (path, item) in doc["paths"].as_object().expect("paths") {
            for (method, op) in item.as_object().expect("a path item") {
                seen += 1;
                let name = op["operationId"].as_str().expect("operationId");
                let ours = provider.operations.iter().find(|o| o.name == name).expect("the spec has the operation");
                assert_eq!(ours.path, *path);
                assert_eq!(ours.method.as_str().to_ascii_lowercase(), *method);
                assert_eq!(ours.doc.as_deref().map(str::trim), op["description"].as_str());
                let params = op["parameters"].as_array().expect("parameters");
                assert_eq!(params.len(), ours.params.len(), "{name}");
                for (p, theirs) in ours.params.iter().zip(params) {
                    let place = match p.location {
                        ParamLocation::Path => "path",
                        ParamLocation::Query => "query",
                        ParamLocation::Header => "header",
                    };
                    assert_eq!(theirs["name"], json!(p.wire));
                    assert_eq!(theirs["in"], json!(place));
                    assert_eq!(theirs["required"], json!(p.required), "{name}.{}", p.wire);
                    assert_eq!(theirs["description"].as_str(), p.doc.as_deref().map(str::trim));
                    assert_eq!(theirs["schema"], schema_of(&p.ty));
                }
                let body = &op["requestBody"]["content"]["application/json"]["schema"];
                assert_eq!(*body, Ty::Named(ours.body.clone().expect("a body")).schema());
                assert_eq!(op["requestBody"]["required"], json!(!ours.body_optional));
                assert_eq!(ours.success, [200]);
                let answer = &op["responses"]["200"]["content"]["application/json"]["schema"];
                assert_eq!(*answer, schema_of(ours.response.as_ref().expect("an answer")));
                for range in ["4XX", "5XX"] {
                    let error = &op["responses"][range]["content"]["application/json"]["schema"];
                    assert_eq!(*error, Ty::Named(provider.errors.model.clone()).schema());
                }
            }
        }
        assert_eq!(seen, provider.operations.len());

        let schemas = doc["components"]["schemas"].as_object().expect("schemas");
        assert_eq!(schemas.len(), provider.models.len() + provider.enums.len());
        for m in &provider.models {
            let theirs = &schemas[&m.name];
            assert_eq!(theirs["description"].as_str(), m.doc.as_deref().map(str::trim), "{}", m.name);
            let props = theirs["properties"].as_object().expect("properties");
            let wire: Vec<&str> = m.fields.iter().map(|f| f.wire.as_str()).collect();
            assert_eq!(props.keys().map(String::as_str).collect::<Vec<_>>().len(), wire.len());
            let required: Vec<&str> = m.fields.iter().filter(|f| !f.optional).map(|f| f.wire.as_str()).collect();
            assert_eq!(theirs["required"], json!(required), "{}", m.name);
            for f in &m.fields {
                let prop = props.get(&f.wire).unwrap_or_else(|| panic!("{}.{} is in the OpenAPI document", m.name, f.wire));
                assert_eq!(prop["description"].as_str(), f.doc.as_deref().map(str::trim));
                assert_eq!(prop["nullable"].as_bool().unwrap_or(false), f.nullable, "{}.{}", m.name, f.wire);
                let prop = strip(strip(prop.clone(), "description"), "nullable");
                assert_eq!(prop, schema_of(&f.ty), "{}.{}", m.name, f.wire);
            }
        }
        let by_name: BTreeMap<&str, &ir::Enum> = provider.enums.iter().map(|e| (e.name.as_str(), e)).collect();
        for (name, e) in by_name {
            let values: Vec<&str> = e.values.iter().map(|v| v.wire.as_str()).collect();
            assert_eq!(schemas[name]["enum"], json!(values));
            assert_eq!(schemas[name]["description"].as_str(), e.doc.as_deref().map(str::trim));
        }
        assert_eq!(doc["servers"][0]["url"], json!(provider.environments[0].url));
    }
}
