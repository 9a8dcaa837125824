use super::*;
use crate::import::{self, Docs};
use crate::{ProviderSource, SpecSource};

const LEDGER: &str = include_str!("../../../tests/import/ledger.yaml");

/// The ledger document imported (all but `legacyThing`, so one document operation is no
/// operation of the spec), `edit` applied to each file (name, text) as a maintainer would
/// curate it, and lowered.
fn provider(edit: impl Fn(&str, String) -> String) -> ir::Provider {
    let options = import::Options {
        provider: "ledger".into(),
        docs: Docs::Link { base: None },
        only: ["getBalance", "readUser", "deleteUser", "createUser", "openSession", "getStatement", "getStatementPdf"].map(String::from).to_vec(),
        source: "ledger.yaml".into(),
        provider_headers: Vec::new(),
    };
    let imported = import::openapi(LEDGER, &options).expect("imports");
    let files: Vec<SpecSource> = imported
        .files
        .iter()
        .map(|(name, text)| SpecSource { name: format!("specs/ledger/{name}"), text: edit(name, text.clone()) })
        .collect();
    let (mut providers, diags) = crate::check_providers(&[ProviderSource::Dir { name: "specs/ledger/", files: &files }]);
    assert!(!diags.has_errors(), "{}", diags.render(|n| files.iter().find(|f| f.name == n).map(|f| f.text.as_str())));
    providers.remove(0)
}

fn options() -> Options {
    Options { source: "ledger.yaml".into(), credentials_in: Placement::Body, compose: true }
}

fn joined(examples: &Examples) -> String {
    let mut out: String = examples.cassettes.iter().map(|c| format!("=== {}\n{}", c.file_name(), c.text())).collect();
    out.push_str("=== findings\n");
    for f in &examples.findings {
        out.push_str(&format!("{f}\n"));
    }
    out.push_str(&format!("=== counts\n{:?}\n", examples.counts));
    out
}

#[test]
fn every_example_becomes_a_case() {
    let examples = cassettes(LEDGER, &provider(|_, t| t), &options()).expect("reads");
    insta::assert_snapshot!("ledger_cases", joined(&examples));
    let names: Vec<&str> = examples.cassettes.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "example_get_balance_1",
            "example_get_balance_2",
            "example_get_balance_bad_account",
            "example_read_user",
            "example_delete_user",
            "example_create_user",
            "example_open_session",
            "example_get_statement",
            "example_get_statement_pdf"
        ]
    );
    assert_eq!(examples.counts, Counts { success_examples: 4, error_examples: 1, request_examples: 3, skipped: 4, composed: 1, placeholders: 4 });
    // Every case reads as a cassette: YAML the harness's reader takes, with the shape it wants.
    for c in &examples.cassettes {
        let value: serde_json::Value = serde_saphyr::from_str(&c.text()).unwrap_or_else(|e| panic!("{}: {e}\n{}", c.name, c.text()));
        assert_eq!(value["version"], 1);
        assert_eq!(value["operation"].as_str(), Some(c.operation.as_str()));
    }
}

#[test]
fn answers_are_json_as_written_and_requests_carry_the_placeholder_credentials() {
    let examples = cassettes(LEDGER, &provider(|_, t| t), &options()).expect("reads");
    let read = |name: &str| -> serde_json::Value {
        let c = examples.cassettes.iter().find(|c| c.name == name).expect("case");
        serde_saphyr::from_str(&c.text()).expect("yaml")
    };
    let balance = read("example_get_balance_1");
    let body = balance["exchanges"][0]["response"]["body"].as_str().unwrap();
    assert!(body.contains("\"current\": 5.10,") && body.contains("\"0\": \"zero\""), "numbers and keys as written: {body}");
    let request = &balance["exchanges"][0]["request"];
    // Basic auth: `Basic base64(placeholder-username:placeholder-password)`.
    assert_eq!(request["headers"]["authorization"], "Basic cGxhY2Vob2xkZXItdXNlcm5hbWU6cGxhY2Vob2xkZXItcGFzc3dvcmQ=");
    assert_eq!(balance["settings"]["user"], "placeholder-username");
    // The path parameter's example, encoded as one segment; required query and header ones.
    let user = read("example_read_user");
    let request = &user["exchanges"][0]["request"];
    assert_eq!(request["path"], "/users/USR-1%202%2F3");
    assert_eq!(request["query"], serde_json::json!({"kind": "person", "limit": "25"}));
    assert_eq!(request["headers"]["x-trace"], "placeholder-x-trace");
    assert_eq!(user["args"], serde_json::json!({"user_guid": "USR-1 2/3", "kind": "person", "limit": 25, "X-Trace": "placeholder-x-trace"}));
    // A binary answer without an example: placeholder bytes of its media type.
    let pdf = read("example_get_statement_pdf");
    assert_eq!(pdf["exchanges"][0]["response"]["headers"]["content-type"], "application/pdf");
    assert_eq!(pdf["exchanges"][0]["response"]["body_base64"], base64(PLACEHOLDER_BYTES));
    assert_eq!(pdf["exchanges"][0]["request"]["path"], "/statements/7/pdf");
    // An error example is a provider_error case.
    assert_eq!(read("example_get_balance_bad_account")["outcome"], "provider_error");
}

#[test]
fn a_key_pair_in_the_body_replaces_the_examples_credentials() {
    let key_pair = |name: &str, text: String| {
        if name != "ledger.yaml" {
            return text;
        }
        let start = text.find("auth:").expect("auth");
        let end = start + text[start..].find("\nerrors:").expect("errors");
        format!(
            "{}auth:\n  scheme: key_pair\n  client_id: {{ body: client_id, header: LEDGER-CLIENT-ID }}\n  secret: {{ body: secret, header: LEDGER-SECRET }}{}",
            &text[..start],
            &text[end..]
        )
    };
    let p = provider(key_pair);
    let body_cases = cassettes(LEDGER, &p, &options()).expect("reads");
    let c = body_cases.cassettes.iter().find(|c| c.name == "example_get_balance_1").expect("case");
    let value: serde_json::Value = serde_saphyr::from_str(&c.text()).expect("yaml");
    assert_eq!(value["args"]["body"], serde_json::json!({"account_id": "acc_1", "options": {"count": 2}}), "the client adds the credentials itself");
    let sent: serde_json::Value = serde_json::from_str(value["exchanges"][0]["request"]["body"].as_str().unwrap()).unwrap();
    assert_eq!(sent, serde_json::json!({"client_id": "placeholder-client-id", "secret": "placeholder-secret", "account_id": "acc_1", "options": {"count": 2}}));
    assert_eq!(value["exchanges"][0]["request"]["absent_headers"], serde_json::json!(["ledger-client-id", "ledger-secret"]));
    // A body model that requires `client_id` is called with the placeholder, which the client
    // sends (in the body) as the pair's own.
    let requires = |name: &str, text: String| {
        let text = key_pair(name, text);
        text.replace("client_id: { type: string, optional: true,", "client_id: { type: string,")
    };
    let required = cassettes(LEDGER, &provider(requires), &options()).expect("reads");
    let c = required.cassettes.iter().find(|c| c.name == "example_get_balance_1").expect("case");
    let value: serde_json::Value = serde_saphyr::from_str(&c.text()).expect("yaml");
    assert_eq!(value["args"]["body"], serde_json::json!({"client_id": "placeholder-client-id", "account_id": "acc_1", "options": {"count": 2}}));
    // An operation without a body still sends the pair in one.
    let user = body_cases.cassettes.iter().find(|c| c.name == "example_read_user").expect("case");
    let value: serde_json::Value = serde_saphyr::from_str(&user.text()).expect("yaml");
    assert_eq!(value["exchanges"][0]["request"]["body"].as_str().map(|b| serde_json::from_str::<serde_json::Value>(b).unwrap()), Some(serde_json::json!({"client_id": "placeholder-client-id", "secret": "placeholder-secret"})));

    let headers = cassettes(LEDGER, &p, &Options { credentials_in: Placement::Headers, ..options() }).expect("reads");
    let c = headers.cassettes.iter().find(|c| c.name == "example_get_balance_1").expect("case");
    let value: serde_json::Value = serde_saphyr::from_str(&c.text()).expect("yaml");
    assert_eq!(value["settings"]["credentials_in"], "headers");
    let request = &value["exchanges"][0]["request"];
    assert_eq!(request["headers"], serde_json::json!({"ledger-client-id": "placeholder-client-id", "ledger-secret": "placeholder-secret"}));
    let sent: serde_json::Value = serde_json::from_str(request["body"].as_str().unwrap()).unwrap();
    assert_eq!(sent, serde_json::json!({"account_id": "acc_1", "options": {"count": 2}}));
}

#[test]
fn known_failures_go_before_the_exchanges_and_output_is_deterministic() {
    let a = cassettes(LEDGER, &provider(|_, t| t), &options()).expect("reads");
    let b = cassettes(LEDGER, &provider(|_, t| t), &options()).expect("reads");
    assert_eq!(joined(&a), joined(&b));
    let marked = a.cassettes[0].render(Some("drift: the recorded body has /x = \"y\", ..."));
    let value: serde_json::Value = serde_saphyr::from_str(&marked).expect("yaml");
    assert_eq!(value["known_failure"], "drift: the recorded body has /x = \"y\", ...");
    assert!(marked.find("known_failure:") < marked.find("exchanges:"));
}

#[test]
fn without_composing_an_operation_without_examples_has_no_case() {
    let examples = cassettes(LEDGER, &provider(|_, t| t), &Options { compose: false, ..options() }).expect("reads");
    for op in ["read_user", "delete_user", "get_statement", "get_statement_pdf"] {
        assert!(!examples.cassettes.iter().any(|c| c.operation == op), "{op}");
    }
    assert_eq!(examples.counts.composed, 0);
    // A request example still needs its empty answer.
    assert!(examples.cassettes.iter().any(|c| c.operation == "open_session" && c.answer == Answer::Empty));
}

#[test]
fn helpers() {
    assert_eq!(base64(b""), "");
    assert_eq!(base64(b"f"), "Zg==");
    assert_eq!(base64(b"fo"), "Zm8=");
    assert_eq!(base64(b"foo"), "Zm9v");
    assert_eq!(base64(b"placeholder-client-id:placeholder-api-key"), "cGxhY2Vob2xkZXItY2xpZW50LWlkOnBsYWNlaG9sZGVyLWFwaS1rZXk=");
    assert!(same_path("/users/{guid}/x", "/users/{user_guid}/x/"));
    assert!(!same_path("/users/{guid}", "/users/guid"));
    assert_eq!(encode_segment("a b/c%d\u{e9}"), "a%20b%2Fc%25d%C3%A9");
    assert_eq!(
        suffixes(&[(Some("example-1"), 200), (Some("example-2"), 200), (Some("bad"), 400), (None, 200), (None, 200)]),
        [Some("1".into()), Some("2".into()), Some("bad".into()), Some("200_4".into()), Some("200_5".into())]
    );
    assert_eq!(suffixes(&[(Some("x"), 200)]), [None]);
}
