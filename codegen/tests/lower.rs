//! Lowering unit tests: small YAML in, IR facts or diagnostics out.

use linkspec_codegen::ir::{self, TimestampFormat, TypeRef};
use linkspec_codegen::{SpecSource, check as check_specs};

const HEAD: &str = "provider: t\ntitle: T\nservers:\n  default: live\n  environments:\n    live: https://api.example.com\nauth: { scheme: bearer }\nerrors: { model: Failure, code: code }\n";
const FAILURE: &str = "  Failure:\n    doc: Error.\n    fields:\n      code: { type: string, doc: Code. }\n";

/// Lowers `HEAD` + `rest`; `Ok(provider)` or `Err(rendered diagnostics)`.
fn lower(rest: &str) -> Result<ir::Provider, String> {
    let text = format!("{HEAD}{rest}");
    let (providers, diags) = check_specs(&[SpecSource { name: "t.yaml".into(), text: text.clone() }]);
    if diags.has_errors() {
        return Err(diags.render(|_| Some(text.as_str())));
    }
    providers.into_iter().next().ok_or_else(|| "no provider".into())
}

fn ok(rest: &str) -> ir::Provider {
    lower(rest).unwrap_or_else(|e| panic!("expected a valid spec:\n{e}"))
}

fn one_op(models: &str) -> String {
    format!("operations:\n  get_a:\n    method: GET\n    path: /a\n    responses:\n      200: Failure\nmodels:\n{FAILURE}{models}")
}

fn model<'a>(p: &'a ir::Provider, name: &str) -> &'a ir::Model {
    p.models.iter().find(|m| m.name == name).expect("model exists")
}

#[test]
fn renames_wire_names_that_are_not_identifiers() {
    let p = ok(&one_op("  Page:\n    doc: P.\n    fields:\n      _links: { type: json, doc: L. }\n      type: { type: string, doc: T. }\n      externalId: { type: string, doc: E. }\n"));
    let fields: Vec<(&str, &str)> = model(&p, "Page").fields.iter().map(|f| (f.wire.as_str(), f.rust.as_str())).collect();
    assert_eq!(fields, [("_links", "links"), ("type", "type_"), ("externalId", "external_id")]);
}

#[test]
fn boxes_only_fields_that_close_a_cycle_by_value() {
    let p = ok(&one_op(
        "  Node:\n    doc: N.\n    fields:\n      parent: { type: Node, optional: true, doc: P. }\n      kids: { type: list<Node>, doc: K. }\n      leaf: { type: Failure, doc: L. }\n",
    ));
    let boxed: Vec<(&str, bool)> = model(&p, "Node").fields.iter().map(|f| (f.rust.as_str(), f.boxed)).collect();
    assert_eq!(boxed, [("parent", true), ("kids", false), ("leaf", false)]);
}

#[test]
fn enum_listing_null_makes_its_fields_nullable() {
    let p = ok(&format!(
        "{}enums:\n  Method:\n    doc: M.\n    values: [A, null]\n",
        one_op("  Item:\n    doc: I.\n    fields:\n      method: { type: Method, doc: M. }\n")
    ));
    let field = &model(&p, "Item").fields[0];
    assert!(field.nullable);
    assert_eq!(field.ty, TypeRef::Enum("Method".into()));
    assert!(p.enums[0].nullable);
    assert_eq!(p.enums[0].values.len(), 1);
}

#[test]
fn datetime_uses_provider_format_unless_overridden() {
    let p = ok(&format!(
        "timestamps: naive\n{}",
        one_op("  Times:\n    doc: T.\n    fields:\n      a: { type: datetime, doc: A. }\n      b: { type: list<datetime>, format: rfc3339, doc: B. }\n")
    ));
    let m = model(&p, "Times");
    assert_eq!(m.fields[0].ty, TypeRef::DateTime(TimestampFormat::Naive));
    assert_eq!(m.fields[1].ty, TypeRef::List(Box::new(TypeRef::DateTime(TimestampFormat::Rfc3339))));
}

#[test]
fn success_statuses_are_sorted_and_share_a_type() {
    let p = ok(&format!(
        "operations:\n  create:\n    method: POST\n    path: /c\n    responses:\n      201: Failure\n      200: Failure\nmodels:\n{FAILURE}"
    ));
    assert_eq!(p.operations[0].success, [200, 201]);
    assert_eq!(p.operations[0].response, Some(TypeRef::Model("Failure".into())));
    let err = lower(&format!(
        "operations:\n  create:\n    method: POST\n    path: /c\n    responses:\n      200: Failure\n      201: empty\nmodels:\n{FAILURE}"
    ))
    .unwrap_err();
    assert!(err.contains("LS0208"), "{err}");
}

#[test]
fn every_error_is_reported_not_just_the_first() {
    let err = lower(&format!(
        "operations:\n  a:\n    method: GOT\n    path: /a/{{x}}\n    responses:\n      200: Nope\nmodels:\n{FAILURE}"
    ))
    .unwrap_err();
    for code in ["LS0202", "LS0203", "LS0300"] {
        assert!(err.contains(code), "missing {code} in:\n{err}");
    }
    assert!(err.contains("3 error(s)"), "{err}");
}

#[test]
fn params_keep_wire_and_rust_names_and_requiredness() {
    let p = ok(&format!(
        "operations:\n  read:\n    method: GET\n    path: /e/{{envID}}\n    params:\n      envID: {{ in: path, type: string, rust: env_id, doc: E. }}\n      limit: {{ in: query, type: integer, doc: L. }}\n      X-Trace: {{ in: header, type: string, required: true, doc: T. }}\n    responses:\n      200: Failure\nmodels:\n{FAILURE}"
    ));
    let params: Vec<(&str, &str, ir::ParamLocation, bool)> =
        p.operations[0].params.iter().map(|x| (x.wire.as_str(), x.rust.as_str(), x.location, x.required)).collect();
    assert_eq!(
        params,
        [
            ("envID", "env_id", ir::ParamLocation::Path, true),
            ("limit", "limit", ir::ParamLocation::Query, false),
            ("X-Trace", "x_trace", ir::ParamLocation::Header, true),
        ]
    );
}

#[test]
fn a_bad_spec_produces_no_ir() {
    let (providers, diags) = check_specs(&[
        SpecSource { name: "good.yaml".into(), text: format!("{HEAD}{}", one_op("")) },
        SpecSource { name: "bad.yaml".into(), text: format!("{}{}", HEAD.replace("provider: t", "provider: u"), "operations: {}\nmodels: {}\n") },
    ]);
    assert_eq!(providers.len(), 1, "only the valid spec lowers");
    assert!(diags.0.iter().all(|d| d.file == "bad.yaml"), "{diags:?}");
    assert!(diags.has_errors());
}

#[test]
fn every_problem_in_every_spec_is_reported_in_one_run() {
    let shape = format!("{HEAD}{}", one_op("")).replace("title: T", "title: [T]").replace("method: GET", "method: GET\n    metod: GET");
    let semantic = format!("{}{}", HEAD.replace("provider: t", "provider: u"), one_op("")).replace("200: Failure", "200: Falure").replace("path: /a", "path: /a/{id}");
    let (_, diags) = check_specs(&[
        SpecSource { name: "shape.yaml".into(), text: shape },
        SpecSource { name: "semantic.yaml".into(), text: semantic },
    ]);
    let found: Vec<(&str, &str)> = diags.0.iter().map(|d| (d.file.as_str(), d.code)).collect();
    assert_eq!(
        found,
        [("semantic.yaml", "LS0203"), ("semantic.yaml", "LS0300"), ("shape.yaml", "LS0005"), ("shape.yaml", "LS0003")],
        "{diags:?}"
    );
}

/// Regression: a header whose name has no letter or digit got an empty setter name, and
/// emitting it panicked (`Ident::new("")`).
#[test]
fn a_header_without_letters_is_a_diagnostic_not_a_panic() {
    let text = format!("{HEAD}headers:\n  \"-\": {{ doc: Dash. }}\n{}", one_op(""));
    let err = linkspec_codegen::generate(&[SpecSource { name: "t.yaml".into(), text }], &linkspec_codegen::Config::default())
        .expect_err("the spec is invalid");
    assert!(err.0.iter().any(|d| d.code == "LS0105"), "{err:?}");
    let with_setter = format!("{HEAD}headers:\n  \"-\": {{ doc: Dash., setter: dash }}\n{}", one_op(""));
    let p = ok(&with_setter.replacen(HEAD, "", 1));
    assert_eq!(p.headers[0].setter, "dash");
}

/// Type expressions are parsed recursively; their depth is bounded so a long one cannot
/// overflow the stack.
#[test]
fn deeply_nested_types_are_refused() {
    let deep = format!("{}string{}", "list<".repeat(5000), ">".repeat(5000));
    let err = lower(&one_op(&format!("  Deep:\n    doc: D.\n    fields:\n      x: {{ type: \"{deep}\", doc: X. }}\n"))).unwrap_err();
    assert!(err.contains("LS0301") && err.contains("nests more than 8 levels"), "{err}");
}

#[test]
fn enum_values_keep_their_spelling() {
    let p = ok(&format!(
        "{}enums:\n  Code:\n    doc: C.\n    values: [NO, yes, \"007\", {{ value: \"1.50\", doc: Price. }}]\n",
        one_op("  Item:\n    doc: I.\n    fields:\n      code: { type: Code, doc: C. }\n")
    ));
    let wires: Vec<&str> = p.enums[0].values.iter().map(|v| v.wire.as_str()).collect();
    assert_eq!(wires, ["NO", "yes", "007", "1.50"]);
}

/// Regression: a server variable used only in another host's URL (PingOne's region in its auth
/// host) was reported as unused (LS1007).
#[test]
fn a_variable_used_only_by_a_host_url_is_used() {
    let text = format!("{HEAD}{}", one_op("")).replace(
        "    live: https://api.example.com\n",
        "    live: https://api.example.com\n  variables:\n    tld: { default: com, values: [com, eu] }\n  hosts:\n    auth:\n      live: \"https://auth.example.{tld}\"\n",
    );
    let (providers, diags) = check_specs(&[SpecSource { name: "t.yaml".into(), text }]);
    assert!(diags.0.is_empty(), "{diags:?}");
    assert_eq!(providers[0].hosts[0].urls, [("live".to_owned(), "https://auth.example.{tld}".to_owned())]);
}
