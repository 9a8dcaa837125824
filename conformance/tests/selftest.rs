//! The harness can fail: mutated copies of real cassettes must each fail with a message that
//! names the exchange, the part and expected vs actual. Snapshots are off here: every check
//! below is the harness's own.

use linkspec_conformance::cassette::{self, Case};
use linkspec_conformance::replay::{Options, Verdict, replay};
use linkspec_conformance::snapshot::Update;

fn load(provider: &str, name: &str) -> Case {
    let path = linkspec_conformance::cassette_dir().join(provider).join(format!("{name}.yaml"));
    let text = std::fs::read_to_string(&path).expect("cassette exists");
    cassette::parse(provider, &path, &text).expect("cassette parses")
}

/// Replays `case` and returns its problems; panics when it passes.
async fn problems(case: &Case) -> Vec<String> {
    match replay(case, &Options::default()).await.verdict {
        Verdict::Fail(p) => p,
        other => panic!("the mutated case {} must fail, got {other:?}", case.id()),
    }
}

fn assert_mentions(problems: &[String], needles: &[&str]) {
    let text = problems.join("\n");
    for needle in needles {
        assert!(text.contains(needle), "expected {needle:?} in:\n{text}");
    }
}

#[tokio::test]
async fn unmutated_cases_pass() {
    for (p, n) in [("moneykit", "get_user_links_seed"), ("pingone", "read_linked_accounts_query"), ("mx", "aggregate_members_seed")] {
        assert_eq!(replay(&load(p, n), &Options::default()).await.verdict, Verdict::Pass, "{p}/{n}");
    }
}

#[tokio::test]
async fn a_changed_path_is_caught() {
    let mut case = load("moneykit", "get_user_links_seed");
    case.cassette.exchanges[0].request.path = "/users/MyUser1234/link".into();
    let p = problems(&case).await;
    assert_mentions(&p, &["exchange 1 (GET /users/MyUser1234/link)", "path: expected /users/MyUser1234/link, got /users/MyUser1234/links"]);
}

#[tokio::test]
async fn a_missing_query_key_is_caught() {
    // The cassette no longer expects `limit`, which the client sends: an unexpected key.
    let mut case = load("pingone", "read_linked_accounts_query");
    case.cassette.exchanges[0].request.query.remove("limit");
    assert_mentions(&problems(&case).await, &["query key `limit`: not expected, got [\"1\"]"]);
    // The client no longer sends `order`, which the cassette expects: a missing key.
    let mut case = load("pingone", "read_linked_accounts_query");
    case.cassette.args.as_object_mut().expect("args object").remove("order");
    assert_mentions(&problems(&case).await, &["query key `order`: expected [\"externalId\"], missing"]);
}

#[tokio::test]
async fn a_changed_body_value_is_caught() {
    let mut case = load("mx", "aggregate_members_seed");
    case.cassette.args["body"]["include_holdings"] = serde_json::json!(true);
    assert_mentions(&problems(&case).await, &["exchange 1 (GET /members/aggregate): body at /include_holdings: expected false, got true"]);
}

#[tokio::test]
async fn a_misplaced_credential_is_caught() {
    let mut case = load("plaid", "user_create_legacy");
    case.cassette.settings["credentials_in"] = serde_json::json!("headers");
    let p = problems(&case).await;
    assert_mentions(&p, &["header `plaid-client-id`: must be absent", "body at /client_id: expected \"placeholder-client-id\", missing"]);
    assert!(!p.join("\n").contains("placeholder-secret\", got"), "a credential's value must not be echoed for headers: {p:?}");
}

#[tokio::test]
async fn an_extra_unknown_field_is_drift() {
    let mut case = load("moneykit", "get_user_links_seed");
    let body = &mut case.cassette.exchanges[0].response.body;
    *body = body.replacen("\"link_id\"", "\"brand_new\": 7, \"link_id\"", 1);
    // MoneyKit's links keep unknown keys: the field re-encodes, and is drift all the same.
    assert_mentions(
        &problems(&case).await,
        &["drift: the recorded body has /links/mk_eqkWN34UEoa2NxyALG8pcV/brand_new = 7, which the model keeps but does not declare"],
    );
}

#[tokio::test]
async fn an_extra_field_in_a_model_that_drops_unknown_keys_is_drift() {
    let mut case = load("moneykit", "get_user_links_seed");
    let body = &mut case.cassette.exchanges[0].response.body;
    *body = body.replacen("\"refreshed_at\"", "\"brand_new\": 7, \"refreshed_at\"", 1);
    let found = problems(&case).await;
    assert_mentions(&found, &["drift: the recorded body has /links/mk_eqkWN34UEoa2NxyALG8pcV/products/", "/brand_new = 7, which the model does not hold"]);
}

#[tokio::test]
async fn a_retyped_value_is_caught() {
    // A boolean sent as a number (as some MX clients typed fields) must not be coerced.
    let mut case = load("mx", "aggregate_members_seed");
    let body = &mut case.cassette.exchanges[0].response.body;
    *body = body.replace("\"is_being_aggregated\": false", "\"is_being_aggregated\": 0");
    assert_mentions(&problems(&case).await, &["outcome: expected success, got failure", "members[0].is_being_aggregated"]);
}

#[tokio::test]
async fn a_wrong_status_is_caught() {
    // A success turned into a 500: the body is JSON but not the error envelope.
    let mut case = load("moneykit", "get_user_links_seed");
    case.cassette.settings["max_attempts"] = serde_json::json!(1);
    case.cassette.exchanges[0].response.status = 500;
    assert_mentions(&problems(&case).await, &["envelope: the recorded error body is JSON but does not decode into the error model"]);
    // An error turned into a 200: the envelope is not the success model.
    let mut case = load("moneykit", "get_user_links_expired_token");
    case.cassette.exchanges[0].response.status = 200;
    assert_mentions(&problems(&case).await, &["outcome: expected success, got failure", "could not decode the 200 answer"]);
    // 401 turned into 403: same envelope, so only the snapshot (which holds the status) sees
    // it. Compare against a copy of the real snapshot, so no `.snap.new` lands in the tree.
    let dir = std::env::temp_dir().join(format!("linkspec-selftest-{}", std::process::id()));
    std::fs::create_dir_all(dir.join("moneykit")).expect("temp dir");
    let name = "get_user_links_expired_token.snap";
    std::fs::copy(linkspec_conformance::snapshot_dir().join("moneykit").join(name), dir.join("moneykit").join(name))
        .expect("snapshot copied");
    let mut case = load("moneykit", "get_user_links_expired_token");
    case.cassette.exchanges[0].response.status = 403;
    let verdict = replay(&case, &Options { snapshots: Some(dir.clone()), update: Update::No }).await.verdict;
    let _ = std::fs::remove_dir_all(&dir);
    match verdict {
        Verdict::Fail(p) => assert_mentions(&p, &["snapshot: the typed result differs", "get_user_links_expired_token.snap"]),
        other => panic!("a 403 recorded as 401 must fail, got {other:?}"),
    }
}

#[tokio::test]
async fn a_missing_or_extra_exchange_is_caught() {
    let mut case = load("moneykit", "get_user_links_empty");
    let extra = case.cassette.exchanges[0].clone();
    case.cassette.exchanges.push(extra);
    assert_mentions(&problems(&case).await, &["exchange 2 (GET /users/MyUser1234/links): never sent"]);
}

#[tokio::test]
async fn a_known_failure_that_passes_fails() {
    let mut case = load("moneykit", "get_user_links_empty");
    case.cassette.known_failure = Some("was broken once".into());
    assert_mentions(&problems(&case).await, &["marked known_failure (was broken once) but every check passes: remove the mark"]);
    let mut case = load("moneykit", "get_user_links_empty");
    case.cassette.known_failure = Some("path bug".into());
    case.cassette.exchanges[0].request.path = "/elsewhere".into();
    assert!(matches!(replay(&case, &Options::default()).await.verdict, Verdict::KnownFailure { .. }));
}

#[tokio::test]
async fn expected_drift_that_does_not_occur_fails() {
    let mut case = load("moneykit", "get_user_links_empty");
    case.cassette.expected_drift.push("/links/gone".into());
    assert_mentions(&problems(&case).await, &["expected_drift lists /links/gone"]);
}

#[test]
fn a_malformed_cassette_is_located() {
    let path = std::path::Path::new("cassettes/x/bad.yaml");
    let err = cassette::parse("x", path, "version: 1\noperation: op\nexchanges:\n  - request: {method: GET, path: /}\n    respnse: {status: 200}\n")
        .expect_err("must fail");
    assert!(err.starts_with("cassettes/x/bad.yaml:"), "{err}");
    assert!(err.contains("respnse"), "{err}");
    let err = cassette::parse("x", path, "version: 2\noperation: op\nexchanges: []\n").expect_err("must fail");
    assert!(err.contains("version 2 is not supported"), "{err}");
}

#[tokio::test]
async fn paging_mistakes_are_caught() {
    // The first page no longer links to the second: the second exchange never happens.
    let mut case = load("pingone", "read_linked_accounts_all_pages");
    let body = &mut case.cassette.exchanges[0].response.body;
    *body = body.replace("\"next\"", "\"previous\"");
    assert_mentions(&problems(&case).await, &["exchange 2 (GET /environments/env-1/users/user-1/linkedAccounts): never sent"]);
    // The second page carries a field the model lacks: drift, found on that page.
    let mut case = load("pingone", "read_linked_accounts_all_pages");
    let body = &mut case.cassette.exchanges[1].response.body;
    *body = body.replacen("\"size\": 1", "\"size\": 1, \"cursorExpiresAt\": \"soon\"", 1);
    assert_mentions(&problems(&case).await, &["drift: the recorded body has /cursorExpiresAt"]);
}

#[tokio::test]
async fn a_form_body_in_another_order_passes_and_a_changed_pair_is_caught() {
    // The token request, recorded with its pairs in another order and an underscore escaped
    // as `%5F`: the same form, decoded.
    let mut case = load("moneykit", "create_access_token");
    case.cassette.exchanges[0].request.body =
        Some("grant_type=client_credentials&client_secret=placeholder-client-secret&client%5Fid=placeholder-client-id".into());
    assert_eq!(replay(&case, &Options::default()).await.verdict, Verdict::Pass);
    let mut case = load("moneykit", "create_access_token");
    case.cassette.args["body"]["grant_type"] = serde_json::json!("password");
    assert_mentions(&problems(&case).await, &["body (form) key `grant_type`: expected [\"client_credentials\"], got [\"password\"]"]);
}
