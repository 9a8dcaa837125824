//! The examples in the generated docs: made from the recorded case given in `Config::recorded`,
//! with the setter names the emitter gives, and placeholders where no case is recorded. (That
//! they compile is checked by `cargo test --doc` on the generated crates.)

use linkspec_codegen::{Config, RecordedCall, SpecSource, generate, names};
use serde_json::json;

fn fixture(file: &str) -> SpecSource {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(file);
    SpecSource { name: format!("fixtures/{file}"), text: std::fs::read_to_string(path).expect("fixture is readable") }
}

/// The generated client file of the fixture, with `recorded` as the cases.
fn client_of(file: &str, module: &str, recorded: Vec<RecordedCall>) -> String {
    let config = Config { recorded, ..Config::default() };
    let out = generate(&[fixture(file)], &config).expect("fixture generates");
    let path = format!("generated/src/{module}/client.rs");
    out.files.into_iter().find(|f| f.path == path).expect("client file").contents
}

/// The `# Example` section of one method's doc, as its doc lines without `/// `.
fn example_of(client: &str, method: &str) -> String {
    let lines: Vec<&str> = client.lines().collect();
    let at = lines.iter().position(|l| l.trim_start().starts_with(&format!("pub async fn {method}("))).expect("method");
    let start = (0..at).rev().find(|&i| lines[i].trim() == "/// # Example").expect("an example section");
    lines[start..at].iter().map(|l| l.trim_start().trim_start_matches("///").strip_prefix(' ').unwrap_or("")).collect::<Vec<_>>().join("\n")
}

fn case(provider: &str, name: &str, operation: &str, args: serde_json::Value, answer: serde_json::Value) -> RecordedCall {
    RecordedCall {
        provider: provider.into(),
        case: name.into(),
        operation: operation.into(),
        args,
        success: true,
        answer: Some(answer),
        ..RecordedCall::default()
    }
}

#[test]
fn an_example_uses_the_first_success_case_and_the_emitters_setter_names() {
    let args = json!({"envID": "env-7", "userID": "u-9", "limit": 25, "X-Trace": "trace-1"});
    let answer = json!({"externalId": "ext-1"});
    let mut failed = case("renames", "a_failure", "read_accounts", json!({"envID": "env-bad", "userID": "u-bad"}), json!({}));
    failed.success = false;
    let later = case("renames", "z_later", "read_accounts", json!({"envID": "env-late", "userID": "u-late"}), json!({}));
    let client = client_of("renamed_fields.yaml", "renames", vec![later, failed, case("renames", "m_first", "read_accounts", args, answer)]);
    let example = example_of(&client, "read_accounts");
    assert!(example.contains("recorded case `renames/m_first`"), "{example}");
    assert!(example.contains("```rust,no_run"), "{example}");
    assert!(example.contains(r#"renames::ReadAccountsRequest::new("env-7", "u-9")"#), "{example}");
    // The optional parameters' setters, named as the emitter names them (`X-Trace` is `x_trace`).
    for (setter, value) in [(names::request_setter("limit"), "25"), (names::request_setter("x_trace"), r#""trace-1""#)] {
        assert!(example.contains(&format!(".{setter}({value})")), "no .{setter}({value}) in:\n{example}");
    }
    assert!(client.contains(&format!("pub fn {}(mut self", names::request_setter("x_trace"))));
    // The first field the recorded answer has, by its Rust name.
    assert!(example.contains("println!(\"{:?}\", response.external_id);"), "{example}");
    // Credentials from the environment, and the call awaited.
    assert!(example.contains(r#".bearer_token(std::env::var("RENAMES_BEARER_TOKEN")?)"#), "{example}");
    assert!(example.contains("client.read_accounts(request).await?;"), "{example}");
    assert!(!example.contains("env-late") && !example.contains("env-bad"), "{example}");
}

#[test]
fn sensitive_values_and_credentials_never_come_from_a_case() {
    let args = json!({"body": {"client_user_id": "app-user-42", "ssn": "078-05-1120", "emails": ["someone@example.com"]}});
    let answer = json!({"user_token": "user-token-secret", "request_id": "req-1"});
    let mut call = case("secrets", "user_create", "user_create", args, answer);
    call.headers = vec![("Example-Version".into(), "2020-09-14".into())];
    let client = client_of("sensitive.yaml", "secrets", vec![call]);
    let example = example_of(&client, "user_create");
    assert!(example.contains(r#"let body = secrets::UserCreateBody::new("app-user-42");"#), "{example}");
    assert!(example.contains("secrets::UserCreateRequest::new(body)"), "{example}");
    assert!(!example.contains("078-05-1120") && !example.contains("someone@example.com"), "{example}");
    assert!(!example.contains("user_token"), "a sensitive field is not the one read:\n{example}");
    assert!(example.contains("response.request_id"), "{example}");
    assert!(example.contains(r#".client_id(std::env::var("SECRETS_CLIENT_ID")?)"#), "{example}");
    assert!(example.contains(r#".secret(std::env::var("SECRETS_SECRET")?)"#), "{example}");
    // A provider header the case sets goes to its builder setter.
    assert!(example.contains(r#".example_version("2020-09-14")"#), "{example}");
}

#[test]
fn without_a_case_the_example_has_placeholders_of_the_right_types() {
    let client = client_of("renamed_fields.yaml", "renames", Vec::new());
    let example = example_of(&client, "read_accounts");
    assert!(example.contains("no success of this operation is recorded"), "{example}");
    assert!(example.contains(r#"renames::ReadAccountsRequest::new("<envID>", "<userID>")"#), "{example}");
    assert!(example.contains(".limit(1)"), "one optional setter, with a placeholder integer:\n{example}");
    let again = client_of("renamed_fields.yaml", "renames", Vec::new());
    assert_eq!(client, again, "examples are deterministic");
}

#[test]
fn a_provider_module_shows_the_common_path() {
    let config = Config::default();
    let out = generate(&[fixture("renamed_fields.yaml")], &config).expect("fixture generates");
    let module = out.files.iter().find(|f| f.path == "generated/src/renames/mod.rs").expect("mod.rs");
    let text = &module.contents;
    assert!(text.contains("//! # Example"), "{text}");
    assert!(text.contains("//! use linkspec_clients::runtime::ErrorClass;"), "{text}");
    assert!(text.contains("//!     Err(error) => {") || text.contains("//!     Err(error) => match"), "{text}");
    assert!(text.contains("Some(ErrorClass::RateLimited)"), "{text}");
}

#[test]
fn ids_are_built_as_their_types_and_a_parameter_from_a_setting_is_the_clients() {
    let args = json!({"account": "acc-3", "after": 41, "also": ["acc-4", "acc-5"]});
    let answer = json!({"id": "acc-3", "tenant": "t-1", "linked": [], "last_change": 41});
    let client = client_of("ids.yaml", "ids", vec![case("ids", "get_account", "get_account", args, answer)]);
    let example = example_of(&client, "get_account");
    // The tenant is a setting of the client (from its input), not an argument of the request.
    assert!(example.contains(r#".tenant_id(std::env::var("IDS_TENANT_ID")?)"#), "{example}");
    assert!(example.contains(r#"ids::GetAccountRequest::new("acc-3")"#), "{example}");
    // A numeric id is built with its constructor; a list of text ids item by item.
    let after = names::request_setter("after");
    assert!(example.contains(&format!(".{after}(ids::Sequence::new(41))")), "{example}");
    let also = names::request_setter("also");
    assert!(
        example.contains(&format!(r#".{also}(vec![ids::AccountId::new("acc-4"), ids::AccountId::new("acc-5")])"#)),
        "{example}"
    );
}

/// The generated client file of a spec given as text.
fn client_of_text(name: &str, text: &str, module: &str, recorded: Vec<RecordedCall>) -> String {
    let config = Config { recorded, ..Config::default() };
    let out = generate(&[SpecSource { name: name.into(), text: text.into() }], &config).expect("spec generates");
    let path = format!("generated/src/{module}/client.rs");
    out.files.into_iter().find(|f| f.path == path).expect("client file").contents
}

#[test]
fn an_operation_of_another_scheme_also_sets_the_default_schemes_credentials() {
    // `build()` checks the default scheme's credentials for every client.
    let client = client_of("auth_schemes.yaml", "platform", Vec::new());
    let example = example_of(&client, "read_account_balance");
    for setter in ["client_id", "api_key", "processor_token"] {
        let var = format!("PLATFORM_{}", setter.to_uppercase());
        assert!(example.contains(&format!(".{setter}(std::env::var(\"{var}\")?)")), "no {setter} in:\n{example}");
    }
}

const KEY_PAIR: &str = r#"
provider: kp
title: Key pair fixture
servers:
  default: live
  environments:
    live: https://api.example.com
auth:
  scheme: key_pair
  client_id: { body: client_id, header: KP-CLIENT-ID }
  secret: { body: secret, header: KP-SECRET }
errors: { model: Failure, code: code }
operations:
  create_item:
    doc: Creates an item.
    method: POST
    path: /items
    body: CreateItemBody
    responses:
      200: Failure
models:
  CreateItemBody:
    doc: A new item.
    fields:
      name: { type: string, doc: Its name. }
      client_id: { type: string, optional: true, doc: The client id (the client fills it). }
  Failure:
    doc: Error body.
    fields:
      code: { type: string, doc: Code. }
"#;

#[test]
fn a_key_pairs_fields_are_never_copied_from_a_case() {
    let args = json!({"body": {"name": "item-1", "client_id": "recorded-client-id-123"}});
    let client = client_of_text("kp.yaml", KEY_PAIR, "kp", vec![case("kp", "create_item", "create_item", args, json!({"code": "x"}))]);
    let example = example_of(&client, "create_item");
    assert!(example.contains(r#"kp::CreateItemBody::new("item-1")"#), "{example}");
    assert!(!example.contains("recorded-client-id-123"), "a key pair's body field is never taken from a case:\n{example}");
    assert!(example.contains(r#".client_id(std::env::var("KP_CLIENT_ID")?)"#), "{example}");
}

const FROM_WITHOUT_ACQUIRE: &str = r#"
provider: regional
title: An input only a path uses
servers:
  default: live
  environments:
    live: https://api.example.com
auth:
  scheme: bearer
  inputs:
    region: { doc: The region every call goes to., secret: false }
errors: { model: Failure, code: code }
operations:
  list_items:
    doc: Lists the items of the client's region.
    method: GET
    path: /regions/{region}/items
    params:
      region: { in: path, type: string, from: region, doc: The region. }
    responses:
      200: Failure
models:
  Failure:
    doc: Error body.
    fields:
      code: { type: string, doc: Code. }
"#;

#[test]
fn an_input_a_path_is_filled_from_is_set_without_acquisition() {
    let config = Config::default();
    let out = generate(&[SpecSource { name: "regional.yaml".into(), text: FROM_WITHOUT_ACQUIRE.into() }], &config).expect("generates");
    assert!(out.warnings.0.iter().all(|d| d.code != "LS1008"), "the input is used: {:?}", out.warnings);
    let client = client_of_text("regional.yaml", FROM_WITHOUT_ACQUIRE, "regional", Vec::new());
    let example = example_of(&client, "list_items");
    // `build()` needs the input the path is filled from, and the bearer token.
    assert!(example.contains(r#".region(std::env::var("REGIONAL_REGION")?)"#), "{example}");
    assert!(example.contains(r#".bearer_token(std::env::var("REGIONAL_BEARER_TOKEN")?)"#), "{example}");
    assert!(example.contains("regional::ListItemsRequest::new()"), "{example}");
}
