//! The checked-in JSON Schema must be what codegen's spec types derive now, every spec must
//! point editors at it, and every spec must be valid against it (checked by boon, a JSON
//! Schema validator independent of linkspec).

use std::path::Path;

fn schema_on_disk(root: &Path) -> serde_json::Value {
    let text = std::fs::read_to_string(root.join(xtask::schema::SCHEMA_PATH)).expect("run `cargo xtask schema`");
    serde_json::from_str(&text).expect("the schema is JSON")
}

/// A YAML file as JSON, read the way linkspec reads specs.
fn yaml_as_json(text: &str) -> serde_json::Value {
    serde_saphyr::from_str_with_options(text, linkspec_codegen::spec::shape::options()).expect("the spec is YAML")
}

fn compile(schema: serde_json::Value) -> (boon::Schemas, boon::SchemaIndex) {
    let mut schemas = boon::Schemas::new();
    let mut compiler = boon::Compiler::new();
    let url = "file:///specs/linkspec.schema.json";
    compiler.add_resource(url, schema).expect("the schema is a JSON Schema");
    let index = compiler.compile(url, &mut schemas).unwrap_or_else(|e| panic!("the schema does not compile: {e}"));
    (schemas, index)
}

#[test]
fn checked_in_schema_is_fresh() {
    let root = xtask::compiled_root();
    let on_disk = std::fs::read_to_string(root.join(xtask::schema::SCHEMA_PATH)).unwrap_or_default();
    let wanted = xtask::schema::schema_text().expect("schema serializes");
    assert!(on_disk == wanted, "{} is stale: run `cargo xtask schema`", xtask::schema::SCHEMA_PATH);
}

#[test]
fn every_spec_points_editors_at_the_schema() {
    let missing = xtask::schema::specs_without_modeline(&xtask::compiled_root()).expect("specs are readable");
    assert!(missing.is_empty(), "these specs do not start with `{}`: {missing:?}", xtask::schema::MODELINE);
}

#[test]
fn every_spec_validates_against_the_schema() {
    let root = xtask::compiled_root();
    let (schemas, index) = compile(schema_on_disk(&root));
    let specs = xtask::read_specs(&root).expect("specs are readable");
    assert!(!specs.is_empty());
    for spec in &specs {
        let value = yaml_as_json(&spec.text);
        if let Err(e) = schemas.validate(&value, index) {
            panic!("{} does not match the schema:\n{e:#}", spec.name);
        }
    }
}

#[test]
fn the_schema_rejects_what_the_parser_rejects() {
    let root = xtask::compiled_root();
    let (schemas, index) = compile(schema_on_disk(&root));
    let bad = root.join("codegen/tests/bad");
    for name in ["unknown_key_suggestion.yaml", "wrong_value_type.yaml", "missing_key.yaml", "invalid_method.yaml", "many_shape_errors.yaml"] {
        let text = std::fs::read_to_string(bad.join(name)).expect("bad spec is readable");
        let value = serde_saphyr::from_str_with_options::<serde_json::Value>(&text, {
            let mut o = linkspec_codegen::spec::shape::options();
            o.duplicate_keys = serde_saphyr::options::DuplicateKeyPolicy::LastWins;
            o
        })
        .expect("bad spec is YAML");
        assert!(schemas.validate(&value, index).is_err(), "the schema accepts codegen/tests/bad/{name}");
    }
}

#[test]
fn the_schema_takes_the_files_of_a_provider_directory() {
    let root = xtask::compiled_root();
    let (schemas, index) = compile(schema_on_disk(&root));
    let dir = root.join("codegen/tests/fixtures_multi/acme");
    // A provider file without `operations:` and parts with only operations, models and enums.
    for name in ["acme.yaml", "gadgets.yaml", "widgets.yaml"] {
        let text = std::fs::read_to_string(dir.join(name)).expect("fixture is readable");
        if let Err(e) = schemas.validate(&yaml_as_json(&text), index) {
            panic!("fixtures_multi/acme/{name} does not match the schema:\n{e:#}");
        }
    }
    let part = std::fs::read_to_string(dir.join("widgets.yaml")).expect("fixture is readable");
    for bad in [part.replace("models:", "modles:"), format!("{part}title: Acme\n"), part.replace("method: GET", "method: FETCH")] {
        assert!(schemas.validate(&yaml_as_json(&bad), index).is_err(), "the schema accepts a bad part:\n{bad}");
    }
}
