use super::*;
use crate::{Config, ProviderSource, SpecSource};

const WIDGETS: &str = include_str!("../../tests/import/widgets.yaml");

fn options(docs: Docs) -> Options {
    Options { provider: "widgets".into(), docs, only: Vec::new(), source: "widgets.yaml".into(), provider_headers: Vec::new() }
}

fn sources(imported: &Imported, dir: &str) -> Vec<SpecSource> {
    imported.files.iter().map(|(name, text)| SpecSource { name: format!("{dir}{name}"), text: text.clone() }).collect()
}

/// The imported files as one text, for a snapshot.
fn joined(imported: &Imported) -> String {
    imported.files.iter().map(|(name, text)| format!("=== {name}\n{text}")).collect()
}

#[test]
fn imports_every_construct_and_the_result_generates() {
    let imported = openapi(WIDGETS, &options(Docs::Link { base: Some("https://docs.widgets.example".into()) })).unwrap();
    insta::assert_snapshot!("widgets_link", joined(&imported));
    insta::assert_snapshot!("widgets_report", report(&imported));
    let files = sources(&imported, "specs/widgets/");
    let (providers, diags) = crate::check_providers(&[ProviderSource::Dir { name: "specs/widgets/", files: &files }]);
    let rendered = diags.render(|name| files.iter().find(|f| f.name == name).map(|f| f.text.as_str()));
    // Not even a warning: no unused model, no model without fields (the empty-object body is an
    // open model, which LS1002 accepts).
    assert!(diags.0.is_empty(), "{rendered}");
    assert_eq!(providers.len(), 1);
    let output = crate::generate_providers(&[ProviderSource::Dir { name: "specs/widgets/", files: &files }], &Config::fixtures());
    assert!(output.is_ok(), "generation fails");
}

#[test]
fn copy_mode_keeps_the_documents_descriptions() {
    let imported = openapi(WIDGETS, &options(Docs::Copy)).unwrap();
    let all = joined(&imported);
    assert!(all.contains("Lists the widgets."), "{all}");
    assert!(all.contains("A made-up API"), "{all}");
    let link = joined(&openapi(WIDGETS, &options(Docs::Link { base: None })).unwrap());
    assert!(!link.contains("Lists the widgets."), "link mode copies no prose");
    assert!(link.contains("`/api/widgets#list`"), "a relative reference without a base is shown as written");
}

#[test]
fn output_is_deterministic() {
    let a = openapi(WIDGETS, &options(Docs::Copy)).unwrap();
    let b = openapi(WIDGETS, &options(Docs::Copy)).unwrap();
    assert_eq!(a.files, b.files);
    assert_eq!(a.findings, b.findings);
}

#[test]
fn only_picks_tags_and_operations_and_names_do_not_move() {
    let mut o = options(Docs::Link { base: None });
    o.only = vec!["gadget admin".into(), "getWidget".into()];
    let imported = openapi(WIDGETS, &o).unwrap();
    let all = joined(&imported);
    assert!(all.contains("gadget_token:") && all.contains("get_widget:"), "{all}");
    assert!(!all.contains("list_widgets:") && !all.contains("create_widget:"), "{all}");
    // `CreateWidgetRequest` is renamed for the request type of `create_widget` even when that
    // operation is not imported, so a later full import names it the same.
    let full = joined(&openapi(WIDGETS, &options(Docs::Link { base: None })).unwrap());
    assert!(full.contains("CreateWidgetBody:"), "{full}");
}

#[test]
fn findings_name_pointer_and_line() {
    let imported = openapi(WIDGETS, &options(Docs::Link { base: None })).unwrap();
    let cookie = imported.findings.iter().find(|f| f.message.contains("cookie")).expect("the cookie parameter is reported");
    assert_eq!(cookie.kind, Kind::Skipped);
    assert_eq!(cookie.pointer, "/paths/~1widgets/get/parameters/4");
    assert_eq!(WIDGETS.lines().nth(cookie.line as usize - 1).map(str::trim), Some("- name: session"));
    let pattern = imported.findings.iter().find(|f| f.pointer == "/components/schemas/WidgetId/pattern").expect("pattern reported");
    assert_eq!(pattern.kind, Kind::NotHeld);
}

#[test]
fn not_openapi_3_is_an_error() {
    let err = openapi("swagger: '2.0'\ninfo: {}\n", &options(Docs::Copy)).unwrap_err();
    assert!(err.message.contains("Swagger 2.0"), "{err}");
    assert!(openapi("openapi: 2.5\n", &options(Docs::Copy)).is_err());
    assert!(openapi(": : :\n[", &options(Docs::Copy)).is_err());
}

#[test]
fn json_documents_import_like_yaml() {
    let json = r#"{"openapi": "3.1.0", "info": {"title": "J", "version": "1"},
      "servers": [{"url": "https://j.example"}],
      "paths": {"/a": {"get": {"operationId": "getA", "responses": {"200": {"content": {"application/json": {"schema": {"type": "object", "properties": {"v": {"type": ["string", "null"]}}}}}}}}}}}"#;
    let mut o = options(Docs::Copy);
    o.provider = "j".into();
    let imported = openapi(json, &o).unwrap();
    let all = joined(&imported);
    assert!(all.contains("nullable: true"), "3.1 `type: [string, null]` is nullable: {all}");
    let files = sources(&imported, "specs/j/");
    let (_, diags) = crate::check_providers(&[ProviderSource::Dir { name: "specs/j/", files: &files }]);
    assert!(!diags.has_errors(), "{}", diags.render(|n| files.iter().find(|f| f.name == n).map(|f| f.text.as_str())));
}

#[test]
fn sensitive_names() {
    for name in ["secret", "client_secret", "access_token", "ssn", "api_key", "accountNumber", "pin", "user_password"] {
        assert_eq!(sensitive_name(name), Sensitivity::Sensitive, "{name}");
    }
    for name in ["token_type", "pinned", "name", "secretary_general_id", "tokens_used"] {
        assert_eq!(sensitive_name(name), Sensitivity::Plain, "{name}");
    }
}

fn update_of(existing: &[(String, String)], document: &str) -> update::Update {
    let fresh = openapi(document, &options(Docs::Link { base: None })).unwrap();
    update::merge(existing, &fresh.files).unwrap()
}

fn edit(files: &mut [(String, String)], name: &str, from: &str, to: &str) {
    let file = files.iter_mut().find(|(n, _)| n == name).unwrap();
    assert!(file.1.contains(from), "{from:?} not in {name}:\n{}", file.1);
    file.1 = file.1.replacen(from, to, 1);
}

#[test]
fn update_of_an_unchanged_spec_changes_nothing() {
    let imported = openapi(WIDGETS, &options(Docs::Link { base: None })).unwrap();
    let update = update_of(&imported.files, WIDGETS);
    assert!(update.files.is_empty(), "{:?}", update.files);
    assert!(!update.moved() && update.changed.is_empty(), "{update:?}");
}

#[test]
fn update_adds_what_the_document_has_and_keeps_what_the_maintainer_changed() {
    let imported = openapi(WIDGETS, &options(Docs::Link { base: None })).unwrap();
    let mut files = imported.files.clone();
    // A maintainer's curation: a doc, a comment, a correction of `optional`, a rename of an
    // operation; and what the vendor added since: an operation, a field, an enum value, a model.
    edit(&mut files, "widgets_operations.yaml", "doc: \"`POST /widgets` (`createWidget`).\"", "doc: Makes a widget. # curated");
    edit(&mut files, "widgets_operations.yaml", "  get_widget:\n", "  read_widget:\n");
    edit(&mut files, "widgets_operations.yaml", "      size: { type: Size, optional: true, doc: \"The `size` field.\" }\n", "");
    edit(&mut files, "widgets_operations.yaml", "      made: { type: datetime, optional: true,", "      made: { type: datetime,");
    edit(&mut files, "widgets_operations.yaml", "    values: [1, 2, 3]", "    values: [1, 2]");
    let start = files[2].1.find("  get_widget_manual:").unwrap();
    let end = files[2].1[start..].find("models:").unwrap() + start;
    let removed_op = files[2].1[start..end].to_owned();
    files[2].1 = files[2].1.replace(&removed_op, "");
    let update = update_of(&files, WIDGETS);
    let all: String = update.added.join("\n");
    assert!(all.contains("operation `get_widget_manual`"), "{all}");
    assert!(all.contains("model `Widget`: field `size`"), "{all}");
    assert!(all.contains("enum `Size`: value \"3\""), "{all}");
    assert!(!all.contains("get_widget ") && !all.contains("`get_widget`"), "the renamed operation is matched by method and path: {all}");
    assert!(update.changed.iter().any(|c| c.contains("field `made`: `optional`")), "{:?}", update.changed);
    assert!(update.moved());
    // Applied: the curated text is still there, and the result generates.
    let mut merged = files.clone();
    for (name, text) in &update.files {
        match merged.iter_mut().find(|(n, _)| n == name) {
            Some(f) => f.1 = text.clone(),
            None => merged.push((name.clone(), text.clone())),
        }
    }
    let ops = &merged.iter().find(|(n, _)| n == "widgets_operations.yaml").unwrap().1;
    assert!(ops.contains("doc: Makes a widget. # curated") && ops.contains("  read_widget:"), "{ops}");
    assert!(ops.contains("values: [1, 2, 3]"), "{ops}");
    insta::assert_snapshot!("widgets_updated", ops);
    let sources: Vec<SpecSource> = merged.iter().map(|(n, t)| SpecSource { name: format!("specs/widgets/{n}"), text: t.clone() }).collect();
    let (_, diags) = crate::check_providers(&[ProviderSource::Dir { name: "specs/widgets/", files: &sources }]);
    assert!(!diags.has_errors(), "{}", diags.render(|n| sources.iter().find(|f| f.name == n).map(|f| f.text.as_str())));
    // And a second update finds nothing more to add.
    let again = update_of(&merged, WIDGETS);
    assert!(again.added.is_empty(), "{:?}", again.added);
}

#[test]
fn update_does_not_add_types_the_curated_spec_would_not_use() {
    let imported = openapi(WIDGETS, &options(Docs::Link { base: None })).unwrap();
    let mut files = imported.files.clone();
    // The maintainer typed `owner` as `json` and removed the models the document has for it.
    edit(&mut files, "widgets_operations.yaml", "owner: { type: WidgetOwner,", "owner: { type: json,");
    let ops = &mut files.iter_mut().find(|(n, _)| n == "widgets_operations.yaml").unwrap().1;
    let start = ops.find("  WidgetOwner:\n").unwrap();
    let end = ops[start..].find("  CreateWidgetBody:").unwrap() + start;
    ops.replace_range(start..end, "");
    let start = ops.find("  WidgetOwnerKind:\n").unwrap();
    ops.truncate(start);
    let update = update_of(&files, WIDGETS);
    assert!(!update.added.iter().any(|a| a.contains("WidgetOwner")), "{:?}", update.added);
    assert!(update.changed.iter().any(|c| c.contains("model `WidgetOwner` is not added")), "{:?}", update.changed);
    assert!(update.changed.iter().any(|c| c.contains("enum `WidgetOwnerKind` is not added")), "{:?}", update.changed);
    assert!(update.changed.iter().any(|c| c.contains("field `owner`: `type` is WidgetOwner in the document, json in the spec")), "{:?}", update.changed);
}
