//! Views: the bad-mapping corpus (tests/bad_views/, each a provider spec whose `views:` maps the
//! bundled connections view wrongly) and the bad-view corpus (tests/bad_view_files/): every
//! file fails (or, named `*warn*`, warns) with located, coded diagnostics that say what to do;
//! the rendered output of each is a reviewed snapshot. And the bundled view and mappings check.

use linkspec_codegen::{ProviderSource, SpecSource, check_with_views, diag::Severity};
use std::path::Path;

fn bundled_view() -> SpecSource {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../specs/views/connections.yaml");
    SpecSource { name: "specs/views/connections.yaml".into(), text: std::fs::read_to_string(path).expect("the bundled view reads") }
}

fn assert_located(diags: &linkspec_codegen::diag::Diagnostics, warn_only: bool) {
    assert!(!diags.0.is_empty(), "a bad spec must produce diagnostics");
    for d in &diags.0 {
        assert!(d.loc.line > 0 && d.loc.col > 0, "diagnostic without a location: {d}");
        assert!(d.code.starts_with("LS"), "uncoded diagnostic: {d}");
        assert!(d.help.is_some(), "diagnostic without help: {d}");
    }
    let errors = diags.0.iter().any(|d| d.severity == Severity::Error);
    assert!(errors != warn_only, "errors: {errors}, expected only warnings: {warn_only}:\n{diags:?}");
}

#[test]
fn bad_mappings() {
    let view = bundled_view();
    insta::glob!("bad_views/*.yaml", |path| {
        let text = std::fs::read_to_string(path).expect("readable");
        let name = format!("bad_views/{}", path.file_name().unwrap().to_string_lossy());
        let spec = SpecSource { name: name.clone(), text: text.clone() };
        let (providers, _, diags) = check_with_views(&[ProviderSource::File(&spec)], Some(std::slice::from_ref(&view)));
        let warn_only = name.contains("warn");
        assert_located(&diags, warn_only);
        if warn_only {
            assert_eq!(providers.len(), 1, "a warning keeps the provider");
            assert_eq!(providers[0].views.len(), 1, "and its mapping");
        }
        insta::assert_snapshot!(diags.render(|_| Some(text.as_str())));
    });
}

#[test]
fn bad_view_files() {
    insta::glob!("bad_view_files/*.yaml", |path| {
        let text = std::fs::read_to_string(path).expect("readable");
        let name = format!("bad_view_files/{}", path.file_name().unwrap().to_string_lossy());
        let view = SpecSource { name, text: text.clone() };
        let (_, views, diags) = check_with_views(&[], Some(std::slice::from_ref(&view)));
        assert!(views.is_empty(), "a view with errors is not lowered");
        assert_located(&diags, false);
        insta::assert_snapshot!(diags.render(|_| Some(text.as_str())));
    });
}

#[test]
fn a_mapping_without_views_given_is_not_read() {
    // A provider checked on its own (an import's --verify) joins no view and reports nothing.
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/bad_views/status_value_not_in_enum.yaml");
    let spec = SpecSource { name: "x.yaml".into(), text: std::fs::read_to_string(path).expect("readable") };
    let (providers, _, diags) = check_with_views(&[ProviderSource::File(&spec)], None);
    assert!(!diags.has_errors(), "{diags:?}");
    assert!(providers[0].views.is_empty());
}

#[test]
fn a_mapping_of_a_missing_view_is_an_error() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/bad_views/unmapped_enum_value_warn.yaml");
    let spec = SpecSource { name: "x.yaml".into(), text: std::fs::read_to_string(path).expect("readable") };
    let (_, _, diags) = check_with_views(&[ProviderSource::File(&spec)], Some(&[]));
    let d = diags.0.iter().find(|d| d.code == "LS0401").unwrap_or_else(|| panic!("no LS0401 in {diags:?}"));
    assert!(d.help.as_deref().is_some_and(|h| h.contains("specs/views/")), "{d}");
}

// The hostile review's cases (each failed before its fix).

const VIEW: &str = "view: connections
title: Connections
item: Connection
status:
  type: ConnectionStatus
  values:
    connected: works
    error: broken
fields:
  id: { type: string, doc: The id. }
  seen_at: { type: instant, optional: true, doc: When. }
";

const BASE: &str = "provider: acme
title: Acme
servers:
  default: live
  environments:
    live: https://api.acme.example
auth: { scheme: bearer }
errors: { model: Failure, code: code }
operations:
  list_things:
    doc: Lists.
    method: POST
    path: /things/{id}
    params:
      id: { in: path, type: string, doc: Id. }
    body: ListOptions
    body_optional: true
    responses:
      200: Things
models:
  ListOptions:
    doc: Options.
    fields:
      scope: { type: string, doc: Scope. }
      mode: { type: string, doc: Mode. }
      id: { type: string, doc: Same Rust name as the path parameter. }
  Things:
    doc: Things.
    fields:
      items: { type: list<Thing>, doc: Items. }
  Thing:
    doc: A thing.
    fields:
      id: { type: string, doc: Id. }
      a: { type: Alpha, doc: A. }
      b: { type: Beta, doc: B. }
      seen: { type: datetime, optional: true, doc: Seen. }
  Failure:
    doc: Error body.
    fields:
      code: { type: string, doc: Error code. }
enums:
  Alpha: { doc: A, values: [x, y, z] }
  Beta: { doc: B, values: [p, q] }
";

fn diags_of(provider: &str, view: &str) -> linkspec_codegen::diag::Diagnostics {
    let spec = SpecSource { name: "specs/acme.yaml".into(), text: provider.into() };
    let views = [SpecSource { name: "specs/views/connections.yaml".into(), text: view.into() }];
    linkspec_codegen::check_with_views(&[ProviderSource::File(&spec)], Some(&views)).2
}

fn mapping(args: &str, fields: &str, status: &str) -> String {
    format!("{BASE}views:\n  connections:\n    list: list_things\n    args: {args}\n    records: /items/*\n    fields:\n{fields}    status:\n{status}")
}

const ID_ONLY: &str = "      id: /id\n";
const ALL_A: &str = "      from: [/a]\n      rows:\n        - when: { /a: [x, y, z] }\n          status: connected\n";

/// `body_optional: true` skips the "every required body field needs an argument" check, yet
/// emission builds `ListOptions::new(scope, mode, id)` as soon as one body field is an argument:
/// `mode` is unbound (E0425 in generated/src/acme/views.rs).
#[test]
fn optional_body_with_an_unlisted_required_field_is_reported() {
    let d = diags_of(&mapping("[id, body.scope]", ID_ONLY, ALL_A), VIEW);
    assert!(d.0.iter().any(|d| d.code == "LS0405" && d.message.contains("mode")), "no LS0405 for `mode`:\n{:#?}", d.0);
}

/// Path parameter `id` and body field `id` both become a parameter `id` of `list_connections`
/// (E0415 "identifier `id` is bound more than once") and a field `id` of the dispatch `Args`.
#[test]
fn two_arguments_with_one_rust_name_are_reported() {
    let d = diags_of(&mapping("[id, body.scope, body.mode, body.id]", ID_ONLY, ALL_A), VIEW);
    assert!(d.has_errors(), "no error for two arguments named `id`:\n{:#?}", d.0);
}

/// Rows (a=x,b=p), (a=y), (b=q): (a=z, b=p) matches no row and is `Unknown`, but LS1011 checks
/// each pointer on its own and a row that leaves a pointer out counts as catching all of it.
#[test]
fn a_combination_no_row_maps_warns() {
    let status = "      from: [/a, /b]\n      rows:\n        - when: { /a: x, /b: p }\n          status: connected\n        - when: { /a: y }\n          status: connected\n        - when: { /b: q }\n          status: error\n";
    let d = diags_of(&mapping("[id, body.scope, body.mode]", ID_ONLY, status), VIEW);
    assert!(d.0.iter().any(|d| d.code == "LS1011"), "(a=z, b=p) falls to Unknown without a warning:\n{:#?}", d.0);
}

/// Any other shape error in the file makes the shape checker re-read `views:`, and it takes the
/// first object branch of `FieldSource` (`latest`) for every map: a valid `{ earliest: ... }`
/// gets LS0006 "missing key `latest`" and LS0003 "unknown key `earliest`".
#[test]
fn earliest_is_not_misreported_beside_another_error() {
    let fields = "      id: /id\n      seen_at: { earliest: [/seen] }\n";
    let text = mapping("[id, body.scope, body.mode]", fields, ALL_A).replace("      seen: { type: datetime, optional: true, doc: Seen. }", "      seen: { type: datetime, optional: true, doc: Seen., typo: 1 }");
    let d = diags_of(&text, VIEW);
    let bogus: Vec<_> = d.0.iter().filter(|d| d.message.contains("latest") || d.message.contains("earliest")).collect();
    assert!(bogus.is_empty(), "valid `earliest:` reported:\n{bogus:#?}");
}

/// A view file with an error yields no view, and every mapping of it then gets LS0401 "no view
/// named `connections`" with help "no view is declared: add `specs/views/<view>.yaml`".
#[test]
fn a_broken_view_file_is_not_called_missing() {
    let view = VIEW.replace("    error: broken", "    Error: broken");
    let d = diags_of(&mapping("[id, body.scope, body.mode]", ID_ONLY, ALL_A), &view);
    let wrong: Vec<_> = d.0.iter().filter(|d| d.code == "LS0401").collect();
    assert!(wrong.is_empty(), "mapping blamed for the view file's error:\n{wrong:#?}");
}
