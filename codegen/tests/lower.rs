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

/// MX's shape: a token from another host, exchanged for a session; every kind of place and source.
const TWO_STEPS: &str = r#"provider: t
title: T
servers:
  default: live
  environments:
    live: https://api.example.com
  hosts:
    sso:
      live: https://sso.example.com
auth:
  scheme: header
  header: X-Session
  setter: session_token
  inputs:
    client_id: { doc: Client id., secret: false }
    api_key: { doc: API key. }
  acquire:
    steps:
      - operation: request_api_token
        bind:
          client_id: { input: client_id }
          user: { value: u-1 }
          X-Api-Key: { input: api_key }
        token: /user/api_token
      - operation: create_session
        bind:
          X-Api-Token: { previous: true }
          Authorization: { basic: [client_id, api_key] }
          session: { json: { skip_aggregation: true } }
        token: /session/token
    lifetime: { seconds: 1800, sliding: true }
    margin_seconds: 120
errors: { model: Failure, code: code }
operations:
  request_api_token:
    method: GET
    host: sso
    path: /{client_id}/api_token
    media_type: application/vnd.example.sso+json
    params:
      client_id: { in: path, type: string, doc: Client id. }
      user: { in: query, type: string, required: true, doc: User id. }
      X-Api-Key: { in: header, type: string, required: true, sensitive: true, doc: API key. }
    responses:
      200: ApiTokenAnswer
  create_session:
    method: POST
    path: /sessions
    params:
      X-Api-Token: { in: header, type: string, required: true, sensitive: true, doc: API token. }
      Authorization: { in: header, type: string, doc: HTTP Basic. }
    body: SessionBody
    responses:
      200: SessionAnswer
  get_thing:
    method: GET
    path: /things
    responses:
      200: Failure
models:
  ApiTokenAnswer:
    doc: A.
    fields:
      user: { type: ApiTokenUser, doc: U. }
  ApiTokenUser:
    doc: U.
    fields:
      api_token: { type: string, doc: T. }
  SessionBody:
    doc: B.
    fields:
      session: { type: json, doc: Options. }
  SessionAnswer:
    doc: S.
    fields:
      session: { type: Session, doc: S. }
  Session:
    doc: S.
    fields:
      token: { type: string, doc: T. }
  Failure:
    doc: Error.
    fields:
      code: { type: string, doc: Code. }
"#;

fn lower_text(text: &str) -> ir::Provider {
    let (mut providers, diags) = check_specs(&[SpecSource { name: "t.yaml".into(), text: text.to_owned() }]);
    assert!(diags.0.is_empty(), "expected a clean spec:\n{}", diags.render(|_| Some(text)));
    providers.pop().expect("one provider")
}

#[test]
fn a_two_step_acquisition_lowers_to_places_sources_and_a_fixed_lifetime() {
    use ir::{Place, Source};
    let p = lower_text(TWO_STEPS);
    assert_eq!(p.hosts, [ir::Host { name: "sso".into(), urls: vec![("live".into(), "https://sso.example.com".into())] }]);
    let inputs: Vec<(&str, bool)> = p.inputs.iter().map(|i| (i.name.as_str(), i.secret)).collect();
    assert_eq!(inputs, [("client_id", false), ("api_key", true)]);
    let expected = ir::Acquire {
        steps: vec![
            ir::AcquireStep {
                operation: "request_api_token".into(),
                bind: vec![
                    (Place::Path("client_id".into()), Source::Input("client_id".into())),
                    (Place::Query("user".into()), Source::Const("u-1".into())),
                    (Place::Header("X-Api-Key".into()), Source::Input("api_key".into())),
                ],
                token: "/user/api_token".into(),
            },
            ir::AcquireStep {
                operation: "create_session".into(),
                bind: vec![
                    (Place::Header("X-Api-Token".into()), Source::Previous),
                    (Place::Header("Authorization".into()), Source::Basic("client_id".into(), "api_key".into())),
                    (Place::Body("session".into()), Source::Json(r#"{"skip_aggregation":true}"#.into())),
                ],
                token: "/session/token".into(),
            },
        ],
        lifetime: ir::Lifetime::Fixed { seconds: 1800, sliding: true },
        margin_seconds: 120,
    };
    assert_eq!(p.acquire, Some(expected));
    let ops: Vec<(&str, bool, Option<&str>, Option<&str>)> =
        p.operations.iter().map(|o| (o.name.as_str(), o.authenticated, o.host.as_deref(), o.media_type.as_deref())).collect();
    assert_eq!(
        ops,
        [
            ("request_api_token", false, Some("sso"), Some("application/vnd.example.sso+json")),
            ("create_session", false, None, None),
            ("get_thing", true, None, None),
        ],
        "acquisition steps do not carry the credential they acquire; data calls do"
    );
}

/// MoneyKit's shape: one OAuth2 client credentials grant sent as a form.
const FORM_GRANT: &str = r#"provider: t
title: T
servers:
  default: live
  environments:
    live: https://api.example.com
auth:
  scheme: bearer
  inputs:
    client_id: { doc: Id. }
    client_secret: { doc: Secret. }
  acquire:
    steps:
      - operation: create_token
        bind:
          grant_type: { value: client_credentials }
          client_id: { input: client_id }
          client_secret: { input: client_secret }
        token: /access_token
errors: { model: Failure, code: code }
operations:
  create_token:
    method: POST
    path: /oauth/token
    body: TokenForm
    body_format: form
    responses:
      200: Token
  get_thing:
    method: GET
    path: /things
    responses:
      200: Failure
models:
  TokenForm:
    doc: F.
    fields:
      grant_type: { type: string, doc: G. }
      client_id: { type: string, doc: I. }
      client_secret: { type: string, doc: S. }
      scope: { type: string, optional: true, doc: "Optional: may stay unbound." }
  Token:
    doc: T.
    fields:
      access_token: { type: string, doc: T. }
      expires_in: { type: integer, optional: true, doc: E. }
  Failure:
    doc: Error.
    fields:
      code: { type: string, doc: Code. }
"#;

#[test]
fn a_form_grant_reads_its_lifetime_from_the_answer_by_default() {
    let p = lower_text(FORM_GRANT);
    let acquire = p.acquire.expect("acquisition");
    assert_eq!(acquire.lifetime, ir::Lifetime::FromAnswer { pointer: "/expires_in".into(), default_seconds: 3600 });
    assert_eq!(acquire.margin_seconds, 60);
    let places: Vec<&ir::Place> = acquire.steps[0].bind.iter().map(|(place, _)| place).collect();
    assert_eq!(places, [&ir::Place::Body("grant_type".into()), &ir::Place::Body("client_id".into()), &ir::Place::Body("client_secret".into())]);
    assert_eq!(p.operations[0].body_format, ir::BodyFormat::Form);
    assert_eq!(p.operations[1].body_format, ir::BodyFormat::Json);
    assert!(!p.operations[0].authenticated && p.operations[1].authenticated);
}

#[test]
fn idempotent_defaults_follow_the_method_unless_the_spec_says() {
    let op = |name: &str, method: &str, extra: &str| {
        format!("  {name}:\n    method: {method}\n    path: /{name}\n{extra}    responses:\n      204: empty\n")
    };
    let ops = [
        op("get", "GET", ""),
        op("put", "PUT", ""),
        op("delete", "DELETE", ""),
        op("post", "POST", ""),
        op("patch", "PATCH", ""),
        op("post_safe", "POST", "    idempotent: true\n"),
        op("get_unsafe", "GET", "    idempotent: false\n"),
    ];
    let p = ok(&format!("operations:\n{}models:\n{FAILURE}", ops.concat()));
    let idempotent: Vec<(&str, bool)> = p.operations.iter().map(|o| (o.name.as_str(), o.idempotent)).collect();
    assert_eq!(
        idempotent,
        [("get", true), ("put", true), ("delete", true), ("post", false), ("patch", false), ("post_safe", true), ("get_unsafe", false)]
    );
}

#[test]
fn provider_names_the_generated_crate_already_uses_are_refused() {
    for name in ["default", "lib", "runtime", "operations", "call_json", "call_json_pages", "dispatch"] {
        let text = format!("{HEAD}{}", one_op("")).replacen("provider: t\n", &format!("provider: {name}\n"), 1);
        let (_, diags) = check_specs(&[SpecSource { name: "t.yaml".into(), text }]);
        assert!(
            diags.0.iter().any(|d| d.code == "LS0100" && d.message.contains(&format!("`{name}` collides"))),
            "`{name}` is accepted: {diags:?}"
        );
    }
}

#[test]
fn unknown_keys_default_to_the_providers_choice_and_a_model_may_differ() {
    let models = "  Open:\n    doc: O.\n    fields:\n      a: { type: string, doc: A. }\n  Closed:\n    doc: C.\n    unknown_keys: ignore\n    fields:\n      a: { type: string, doc: A. }\n";
    let p = ok(&format!("unknown_keys: keep\n{}", one_op(models)));
    assert!(model(&p, "Open").keep_unknown && model(&p, "Failure").keep_unknown);
    assert!(!model(&p, "Closed").keep_unknown);
    let p = ok(&one_op("  Open:\n    doc: O.\n    unknown_keys: keep\n    fields:\n      a: { type: string, doc: A. }\n"));
    assert!(model(&p, "Open").keep_unknown);
    assert!(!model(&p, "Failure").keep_unknown, "ignore is the default");
}

#[test]
fn decimal_is_a_type_of_fields_list_items_and_params() {
    let p = ok(&format!(
        "operations:\n  get_a:\n    method: GET\n    path: /a/{{amount}}\n    params:\n      amount: {{ in: path, type: decimal, doc: A. }}\n    responses:\n      200: Failure\nmodels:\n{FAILURE}  Money:\n    doc: M.\n    fields:\n      amount: {{ type: decimal, doc: A. }}\n      history: {{ type: list<decimal>, doc: H. }}\n      ratio: {{ type: number, doc: R. }}\n"
    ));
    let types: Vec<&TypeRef> = model(&p, "Money").fields.iter().map(|f| &f.ty).collect();
    assert_eq!(types, [&TypeRef::Decimal, &TypeRef::List(Box::new(TypeRef::Decimal)), &TypeRef::Number]);
    assert_eq!(p.operations[0].params[0].ty, TypeRef::Decimal);
}
