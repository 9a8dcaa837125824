//! A hostile reviewer's inputs: documents and curated files meant to make the importer panic,
//! hang, write a spec `check_providers` refuses, or make `--update` corrupt a file.

use super::*;
use crate::{ProviderSource, SpecSource};
use std::sync::mpsc;
use std::time::Duration;

fn options() -> Options {
    Options { provider: "hostile".into(), docs: Docs::Copy, only: Vec::new(), source: "hostile.yaml".into(), provider_headers: Vec::new() }
}

/// Runs `f` on a thread with an ordinary 2 MiB stack and a deadline: a hang fails the test
/// instead of holding the run.
fn within<T: Send + 'static>(secs: u64, f: impl FnOnce() -> T + Send + 'static) -> T {
    let (tx, rx) = mpsc::channel();
    std::thread::Builder::new().stack_size(2 << 20).spawn(move || { let _ = tx.send(f()); }).unwrap();
    match rx.recv_timeout(Duration::from_secs(secs)) {
        Ok(v) => v,
        Err(mpsc::RecvTimeoutError::Timeout) => panic!("did not finish within {secs}s"),
        Err(_) => panic!("the importer panicked"),
    }
}

/// Imports `document` and returns the check's rendered errors ("" when it has none).
fn import_errors(document: &str) -> (Imported, String) {
    let imported = openapi(document, &options()).expect("imports");
    let files: Vec<SpecSource> = imported.files.iter().map(|(n, t)| SpecSource { name: format!("specs/hostile/{n}"), text: t.clone() }).collect();
    let (_, diags) = crate::check_providers(&[ProviderSource::Dir { name: "specs/hostile/", files: &files }]);
    let rendered = if diags.has_errors() { diags.render(|n| files.iter().find(|f| f.name == n).map(|f| f.text.as_str())) } else { String::new() };
    (imported, rendered)
}

fn joined(imported: &Imported) -> String {
    imported.files.iter().map(|(name, text)| format!("=== {name}\n{text}")).collect()
}

/// A document with one `GET /things` operation answering `schema` (YAML flow text), and `extra`
/// appended under `components: schemas:`.
fn doc_with(schema: &str, components: &str) -> String {
    format!(
        "openapi: 3.0.3\ninfo: {{ title: H, version: '1' }}\nservers: [{{ url: 'https://h.example' }}]\npaths:\n  /things:\n    get:\n      operationId: getThings\n      responses:\n        '200':\n          content:\n            application/json:\n              schema: {schema}\ncomponents:\n  schemas:\n{components}"
    )
}

fn assert_clean(document: String) -> Imported {
    let (imported, errors) = within(60, move || import_errors(&document));
    assert!(errors.is_empty(), "the import fails the check:\n{errors}\n{}", joined(&imported));
    imported
}

// ---- the importer ----------------------------------------------------------------------------

#[test]
fn allof_diamonds_take_linear_time() {
    // L0 = allOf [L1, L1, L1, L1], L1 = allOf [L2 x4], ...: 4^16 parts if nothing is shared.
    let mut components = String::new();
    for i in 0..20 {
        let next = format!("{{ $ref: '#/components/schemas/L{}' }}", i + 1);
        components.push_str(&format!("    L{i}:\n      allOf: [{next}, {next}, {next}, {next}, {{ properties: {{ f{i}: {{ type: string }} }} }}]\n"));
    }
    components.push_str("    L20: { type: object, properties: { last: { type: string } } }\n");
    assert_clean(doc_with("{ $ref: '#/components/schemas/L0' }", &components));
}

#[test]
fn allof_of_itself() {
    let components = "    A:\n      allOf: [{ $ref: '#/components/schemas/A' }, { properties: { x: { type: string } } }, { $ref: '#/components/schemas/B' }]\n    B:\n      allOf: [{ $ref: '#/components/schemas/A' }, { properties: { y: { type: integer } } }]\n";
    let imported = assert_clean(doc_with("{ $ref: '#/components/schemas/A' }", components));
    let all = joined(&imported);
    assert_eq!(all.matches("      x: ").count(), 1, "{all}");
}

#[test]
fn self_referencing_items_maps_and_aliases() {
    let components = "    Tree: { type: object, properties: { kids: { type: array, items: { $ref: '#/components/schemas/Tree' } }, byName: { additionalProperties: { $ref: '#/components/schemas/Tree' } } } }\n    Self1: { type: array, items: { $ref: '#/components/schemas/Self1' } }\n    M: { additionalProperties: { $ref: '#/components/schemas/M' } }\n    R1: { $ref: '#/components/schemas/R2' }\n    R2: { $ref: '#/components/schemas/R1' }\n    Holder: { type: object, properties: { a: { $ref: '#/components/schemas/Self1' }, m: { $ref: '#/components/schemas/M' }, r: { $ref: '#/components/schemas/R1' }, t: { $ref: '#/components/schemas/Tree' } } }\n";
    assert_clean(doc_with("{ $ref: '#/components/schemas/Holder' }", components));
}

#[test]
fn a_long_chain_of_models_does_not_overflow_the_stack() {
    let mut components = String::new();
    for i in 0..3000 {
        components.push_str(&format!("    M{i}: {{ type: object, properties: {{ next: {{ $ref: '#/components/schemas/M{}' }} }} }}\n", i + 1));
    }
    components.push_str("    M3000: { type: object, properties: { end: { type: string } } }\n");
    let document = doc_with("{ $ref: '#/components/schemas/M0' }", &components);
    within(60, move || openapi(&document, &options()).map(|_| ()).map_err(|e| e.message)).ok();
}

#[test]
fn a_long_chain_of_list_aliases_does_not_overflow_the_stack() {
    let mut components = String::new();
    for i in 0..3000 {
        components.push_str(&format!("    A{i}: {{ type: array, items: {{ $ref: '#/components/schemas/A{}' }} }}\n", i + 1));
    }
    components.push_str("    A3000: { type: string }\n");
    let document = doc_with("{ type: object, properties: { a: { $ref: '#/components/schemas/A0' } } }", &components);
    within(60, move || openapi(&document, &options()).map(|_| ()).map_err(|e| e.message)).ok();
}

#[test]

fn deeply_nested_inline_schemas() {
    let nested = |levels: usize| {
        let mut schema = String::from("{ type: string }");
        for _ in 0..levels {
            schema = format!("{{ type: object, properties: {{ a: {schema} }} }}");
        }
        doc_with(&schema, "    Unused: { type: string }\n")
    };
    // 80 levels of flow nesting import (on a 2 MiB test thread: the reader has its own stack);
    // 400 are past the reader's limit and refused, never a stack overflow.
    assert_clean(nested(40));
    let deep = nested(200);
    let refused = within(60, move || openapi(&deep, &options()).map(|_| ()).map_err(|e| e.message));
    assert!(refused.is_err_and(|e| e.contains("not YAML or JSON")));
}

#[test]
fn odd_property_names() {
    let props = [
        "'~'", "'/'", "'%'", "'a b'", "'ünïcödé'", "\"\\u202Eevil\"", "type", "self", "Self", "crate", "super", "fooBar", "foo_bar", "FooBar", "'foo-bar'",
        "unknown_keys", "'1st'", "'_'", "'__'", "'$ref'", "'a.b'", "'é'", "'名前'", "'null'", "'true'", "with_x", "x_null", "x", "'x?'", "builder", "new", "r#type",
    ];
    let properties: Vec<String> = props.iter().map(|p| format!("{p}: {{ type: string, nullable: true }}")).collect();
    let schema = format!("{{ type: object, properties: {{ {} }} }}", properties.join(", "));
    assert_clean(doc_with(&schema, "    Unused: { type: string }\n"));
}

#[test]
fn odd_schema_names() {
    let names = ["'a b'", "'A-b'", "a_b", "AB", "'~1'", "'%2F'", "'a/b'", "Self", "Option", "Client", "Error", "'😀'", "'\u{202E}rtl'", "'123'", "type", "GetThingsRequest", "GetThingsResponse", "Hostile", "HostileError", "Environment"];
    let mut components = String::new();
    let mut fields = Vec::new();
    for (i, n) in names.iter().enumerate() {
        let key = n.trim_matches('\'');
        let reference = format!("#/components/schemas/{}", doc::escape(key));
        components.push_str(&format!("    {n}: {{ type: object, properties: {{ v{i}: {{ type: string }} }} }}\n"));
        fields.push(format!("f{i}: {{ $ref: \"{reference}\" }}"));
    }
    let schema = format!("{{ type: object, properties: {{ {} }} }}", fields.join(", "));
    assert_clean(doc_with(&schema, &components));
}

#[test]
fn colliding_enum_values() {
    let components = "    E: { type: string, enum: [a-b, a_b, A B, aB, '+', '-', '', ' ', 'null', null, 'true', '1', '01', 'self', 'Self', 'type', 'Unknown', 'unknown', '\u{202E}x'] }\n    I: { type: integer, enum: [1, -1, 01, 1.0, 99999999999999999999, 0x10] }\n    B: { type: boolean, enum: [true, false, 'true'] }\n    N: { enum: [null] }\n    Holder: { type: object, properties: { e: { $ref: '#/components/schemas/E' }, i: { $ref: '#/components/schemas/I' }, b: { $ref: '#/components/schemas/B' }, n: { $ref: '#/components/schemas/N' } } }\n";
    assert_clean(doc_with("{ $ref: '#/components/schemas/Holder' }", components));
}

#[test]
fn operation_ids_and_parameters_that_clash() {
    let mut paths = String::new();
    let ids = ["builder", "call_json", "callJson", "new", "self", "type", "client", "send", "build", "call", "getThings", "get_things", "GetThings", "", "   ", "\u{202E}op", "with_body"];
    for (i, id) in ids.iter().enumerate() {
        paths.push_str(&format!("  /p{i}/{{id}}:\n    get:\n      operationId: \"{id}\"\n      parameters:\n        - {{ name: id, in: path, required: true, schema: {{ type: string }} }}\n        - {{ name: body, in: query, schema: {{ type: string }} }}\n        - {{ name: new, in: query, schema: {{ type: string }} }}\n        - {{ name: self, in: query, schema: {{ type: string }} }}\n        - {{ name: id, in: query, schema: {{ type: string }} }}\n        - {{ name: ID, in: header, schema: {{ type: string }} }}\n        - {{ name: send, in: query, schema: {{ type: string }} }}\n        - {{ name: 'a b', in: query, schema: {{ type: string }} }}\n      responses: {{ '204': {{ description: none }} }}\n"));
    }
    let document = format!("openapi: 3.0.3\ninfo: {{ title: H, version: '1' }}\nservers: [{{ url: 'https://h.example' }}]\npaths:\n{paths}");
    assert_clean(document);
}

#[test]
fn odd_paths() {
    let paths = ["/a/{}", "/b/{id", "/c/{id}{id}", "/d/{ id }", "/e/{id}/{id}", "e/noslash", "/f?x=1", "/g#frag", "/h/{a.b}", "/i/{ü}", "/j/%7Bid%7D", "/k/{id}x{other}", "/"];
    let mut text = String::new();
    for (i, p) in paths.iter().enumerate() {
        text.push_str(&format!("  \"{p}\":\n    get:\n      operationId: op{i}\n      parameters:\n        - {{ name: id, in: path, required: true, schema: {{ type: string }} }}\n        - {{ name: ' id ', in: path, required: true, schema: {{ type: string }} }}\n        - {{ name: other, in: path, required: true, schema: {{ type: string }} }}\n        - {{ name: a.b, in: path, required: true, schema: {{ type: string }} }}\n        - {{ name: ü, in: path, required: true, schema: {{ type: string }} }}\n        - {{ name: '', in: path, required: true, schema: {{ type: string }} }}\n      responses: {{ '204': {{ description: none }} }}\n"));
    }
    assert_clean(format!("openapi: 3.0.3\ninfo: {{ title: H, version: '1' }}\nservers: [{{ url: 'https://h.example' }}]\npaths:\n{text}"));
}

#[test]
fn duplicate_paths_and_methods() {
    let document = "openapi: 3.0.3\ninfo: { title: H, version: '1' }\nservers: [{ url: 'https://h.example' }]\npaths:\n  /a:\n    get: { operationId: one, responses: { '204': { description: x } } }\n    get: { operationId: two, responses: { '204': { description: x } } }\n  /a:\n    get: { operationId: three, responses: { '204': { description: x } } }\n".to_owned();
    assert_clean(document);
}

#[test]
fn server_urls_with_unbound_placeholders() {
    for servers in [
        "[{ url: 'https://{region}.h.example' }]",
        "[{ url: 'https://{region}.h.example', variables: { region: { default: '' } } }]",
        "[{ url: 'https://{region}.h.example', variables: { region: { default: 'a/b?c' } } }]",
        "[{ url: '{scheme}://h.example/{version}', variables: { scheme: { default: https }, version: { default: v1, enum: [v1, v1] } } }]",
        "[{ url: '/relative' }]",
        "[{ url: '' }]",
        "[{ url: 'https://user:hunter2@h.example' }]",
        "[]",
        "[{ url: 'https://a.example' }, { url: 'https://a.example' }]",
        "[{ url: 'https://{ }.h.example', variables: { ' ': { default: x } } }]",
    ] {
        let document = format!("openapi: 3.0.3\ninfo: {{ title: H, version: '1' }}\nservers: {servers}\npaths:\n  /a:\n    get: {{ operationId: one, responses: {{ '204': {{ description: x }} }} }}\n");
        let (imported, errors) = within(30, move || import_errors(&document));
        assert!(errors.is_empty(), "servers {servers}:\n{errors}\n{}", joined(&imported));
        assert!(!report(&imported).contains("hunter2"), "a password in a server URL is in the report: {}", report(&imported));
    }
}

#[test]
fn openapi_3_1_type_lists() {
    let schema = "{ type: object, properties: { a: { type: [string, integer] }, b: { type: ['null'] }, c: { type: [] }, d: { type: [array, 'null'], items: { type: [integer, 'null'] } }, e: { type: [object, 'null'], properties: { x: { type: string } } }, f: { type: [string, 'null'], enum: [a, null] }, g: { type: [5, true] }, h: { type: { a: 1 } } } }";
    let document = doc_with(schema, "    Unused: { type: string }\n").replace("3.0.3", "3.1.0");
    assert_clean(document);
}

#[test]
fn json_with_duplicate_keys() {
    let json = r#"{"openapi": "3.1.0", "openapi": "2.0", "info": {"title": "J", "version": "1"},
      "servers": [{"url": "https://j.example"}],
      "paths": {"/a": {"get": {"operationId": "getA", "operationId": "getB", "responses": {"200": {"content": {"application/json": {"schema": {"type": "object", "properties": {"v": {"type": "string"}, "v": {"type": "integer"}}, "required": ["v", "v"]}}}}}}}},
      "components": {"schemas": {"X": {"type": "object", "properties": {"a": {"type": "string"}}}, "X": {"type": "object", "properties": {"b": {"type": "string"}}}}}}"#;
    assert_clean(json.to_owned());
}

#[test]
fn a_yaml_bomb_is_an_error_and_quick() {
    let mut bomb = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 1..12 {
        let p = i - 1;
        bomb.push_str(&format!("a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"));
    }
    bomb.push_str("openapi: 3.0.3\n");
    let result = within(30, move || openapi(&bomb, &options()).map(|_| ()).map_err(|e| e.to_string()));
    assert!(result.is_err());
    // Inside the budget but aliased into schemas: shared subtrees walked once per use.
    let mut schemas = String::from("    S0: &s0 { type: object, properties: { x: { type: string } } }\n");
    for i in 1..16 {
        let p = i - 1;
        schemas.push_str(&format!("    S{i}: &s{i} {{ type: object, properties: {{ a: *s{p}, b: *s{p} }} }}\n"));
    }
    // 2^15 replays of a shared subtree are past the reader's alias budget: refused, quickly.
    let document = doc_with("{ $ref: '#/components/schemas/S15' }", &schemas);
    let refused = within(30, move || openapi(&document, &options()).map(|_| ()).map_err(|e| e.message));
    assert!(refused.is_err_and(|e| e.contains("alias replay limit")));
}

#[test]
fn error_text_of_a_broken_document_carries_no_secret() {
    let document = "openapi: 3.0.3\ninfo: { title: H, version: '1' }\nservers: [{ url: 'https://h.example' }]\nx-key: \"sk_live_SECRETSECRET\n";
    let err = openapi(document, &options()).err();
    if let Some(err) = err {
        assert!(!err.message.contains("SECRETSECRET"), "{err}");
    }
}

// ---- --update over curated files ------------------------------------------------------------

/// A fresh import with one model `Thing` of fields `a` and `b`, enum `Color` of red, green, blue.
fn fresh() -> Vec<(String, String)> {
    let components = "    Thing: { type: object, required: [a], properties: { a: { type: string }, b: { type: string }, color: { $ref: '#/components/schemas/Color' } } }\n    Color: { type: string, enum: [red, green, blue] }\n";
    openapi(&doc_with("{ $ref: '#/components/schemas/Thing' }", components), &options()).unwrap().files
}

/// The fresh files with the models/enums part replaced by `part` (the curated text).
fn curated(part_edit: impl Fn(&str) -> String) -> (Vec<(String, String)>, String) {
    let mut files = fresh();
    let i = files.iter().position(|(_, t)| t.contains("  Thing:")).expect("a part with Thing");
    files[i].1 = part_edit(&files[i].1);
    let name = files[i].0.clone();
    (files, name)
}

/// Merges, applies, and checks the result parses and the check accepts it; gives the part.
fn merged(files: &[(String, String)], part: &str) -> String {
    let update = update::merge(files, &fresh()).expect("merges");
    let mut out = files.to_vec();
    for (n, t) in &update.files {
        match out.iter_mut().find(|(m, _)| m == n) {
            Some(f) => f.1 = t.clone(),
            None => out.push((n.clone(), t.clone())),
        }
    }
    let text = out.iter().find(|(n, _)| n == part).unwrap().1.clone();
    if let Err(e) = crate::spec::shape::read(&text) {
        panic!("the merged file is no longer YAML: {e}\n{text}");
    }
    let sources: Vec<SpecSource> = out.iter().map(|(n, t)| SpecSource { name: format!("specs/hostile/{n}"), text: t.clone() }).collect();
    let (_, diags) = crate::check_providers(&[ProviderSource::Dir { name: "specs/hostile/", files: &sources }]);
    assert!(!diags.has_errors(), "{}\n{text}", diags.render(|n| sources.iter().find(|f| f.name == n).map(|f| f.text.as_str())));
    text
}

fn drop_line(text: &str, starts: &str) -> String {
    text.lines().filter(|l| !l.trim_start().starts_with(starts)).map(|l| format!("{l}\n")).collect()
}

#[test]
fn update_keeps_crlf_line_endings() {
    let (files, part) = curated(|t| drop_line(t, "b:").replace('\n', "\r\n"));
    let text = merged(&files, &part);
    assert!(text.contains("b:"), "{text}");
    assert!(!text.replace("\r\n", "").contains('\n'), "a CRLF file gets LF lines:\n{text:?}");
}

#[test]
fn update_of_fields_as_the_last_key_without_a_trailing_newline() {
    let (files, part) = curated(|t| {
        // Move the enums before the models, drop `b`, and end the file on the last field.
        let start = t.find("enums:").unwrap();
        let enums = t[start..].to_owned();
        let rest = t[..start].to_owned();
        let models_at = rest.find("models:").unwrap();
        let out = format!("{}{}{}", &rest[..models_at], enums, &rest[models_at..]);
        drop_line(&out, "b:").trim_end().to_owned()
    });
    let text = merged(&files, &part);
    assert!(text.contains("      b: {"), "{text}");
}

#[test]
fn update_of_flow_style_fields_keeps_the_rest_of_the_file() {
    let (files, part) = curated(|t| {
        let start = t.find("    fields:\n").unwrap();
        let end = t[start..].find("\nenums:").map(|e| e + start + 1).unwrap();
        format!("{}    fields: {{ a: {{ type: string, doc: It's curated }}, color: {{ type: Color, optional: true, doc: \"c\" }} }} # kept\n\n{}", &t[..start], &t[end..])
    });
    let text = merged(&files, &part);
    assert!(text.contains("It's curated") && text.contains("enums:") && text.contains("blue"), "{text}");
}

#[test]
fn update_of_a_flow_enum_list_with_a_trailing_comma() {
    let (files, part) = curated(|t| t.replace("values: [red, green, blue]", "values: [red, green,]"));
    let text = merged(&files, &part);
    assert!(text.contains("blue"), "{text}");
}

#[test]

fn update_of_a_multiline_flow_enum_list_with_a_comment() {
    let (files, part) = curated(|t| t.replace("values: [red, green, blue]", "values: [\n      red,\n      green # curated\n    ]"));
    let text = merged(&files, &part);
    assert!(text.contains("# curated") && crate::spec::shape::read(&text).unwrap() != crate::spec::shape::read("a: 1").unwrap(), "{text}");
    let root = crate::spec::shape::read(&text).unwrap();
    let values = doc::get(doc::get(doc::get(&root, "enums").unwrap(), "Color").unwrap(), "values").unwrap();
    assert_eq!(doc::items(values).len(), 3, "blue is added as a value:\n{text}");
}

#[test]
fn update_of_a_block_enum_list_with_a_comment_after_the_last_entry() {
    let (files, part) = curated(|t| format!("{}\n# trailing comment\n", t.replace("values: [red, green, blue]", "values:\n      - red\n      - green # last\n    # about the values\n").trim_end()));
    let text = merged(&files, &part);
    assert!(text.contains("# last") && text.contains("# about the values") && text.contains("# trailing comment"), "{text}");
    let root = crate::spec::shape::read(&text).unwrap();
    let values = doc::get(doc::get(doc::get(&root, "enums").unwrap(), "Color").unwrap(), "values").unwrap();
    assert_eq!(doc::items(values).len(), 3, "{text}");
}

#[test]
fn update_with_tabs_and_unicode_before_a_flow_mapping() {
    let (files, part) = curated(|t| drop_line(t, "b:").replace("doc: \"The `a` field.\"", "doc: \"ünï\tcödé 名前\"").replace("  Thing:\n", "  Thing: # ünïcödé\t名前\n"));
    let text = merged(&files, &part);
    assert!(text.contains("ünï\tcödé 名前") && text.contains("# ünïcödé\t名前") && text.contains("      b: {"), "{text}");
}

#[test]
fn update_of_a_model_with_flow_fields_and_a_unicode_key_on_the_line() {
    let (files, part) = curated(|t| {
        let start = t.find("    fields:\n").unwrap();
        let end = t[start..].find("\nenums:").map(|e| e + start + 1).unwrap();
        format!("{}    fields: {{ a: {{ type: string, doc: \"ünï {{x}}, [y]\" }}, color: {{ type: Color, optional: true, doc: c }} }}\n\n{}", &t[..start], &t[end..])
    });
    let text = merged(&files, &part);
    assert!(text.contains("ünï {x}, [y]") && text.contains("enums:"), "{text}");
}

#[test]

fn deeply_nested_flow_yaml_only_parsed() {
    let mut schema = String::from("{ type: string }");
    for _ in 0..200 {
        schema = format!("{{ type: object, properties: {{ a: {schema} }} }}");
    }
    let text = format!("a: {schema}\n");
    within(30, move || crate::spec::shape::read(&text).map(|_| ()).map_err(|e| e.to_string())).ok();
}

