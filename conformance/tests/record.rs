//! Record mode end to end, against a fake PingOne on 127.0.0.1 (wiremock) that issues a token
//! for HTTP Basic client credentials, answers with secrets in headers and bodies, and pages:
//! the recorded cassette holds no secret in any form, replays green through the harness, and a
//! changed request value in it is caught by the replay. Also through the `record` binary, with
//! `--refresh` and its drift report.

use base64::Engine;
use linkspec_conformance::record::{self, Request, Target};
use linkspec_conformance::replay::{Options, Verdict, replay};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use wiremock::matchers::{body_string, header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

const CLIENT_ID: &str = "wk-3f9a1c7e-client";
const CLIENT_SECRET: &str = "s3cr3t/Val+ue=xyz9";
const TOKEN: &str = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ3b3JrZXIifQ.c2lnbmF0dXJlLXNlY3JldA";

fn b64(text: &str) -> String {
    base64::engine::general_purpose::STANDARD.encode(text)
}

fn pct(text: &str) -> String {
    record::secrets::percent_encode(text)
}

/// Runs `f` on a thread with a large stack (a debug build's `call_json` needs more than a test
/// thread's 2 MiB) in a runtime of its own.
fn on_big_stack<F: std::future::Future<Output = ()> + 'static>(f: impl FnOnce() -> F + Send + 'static) {
    let thread = std::thread::Builder::new()
        .stack_size(16 << 20)
        .spawn(move || tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime").block_on(f()))
        .expect("thread");
    if let Err(panic) = thread.join() {
        std::panic::resume_unwind(panic);
    }
}

fn page(uri: &str, id: &str, next: Option<&str>) -> String {
    let base = format!("{uri}/environments/env-1/users/user-1");
    let next = next.map(|n| format!(r#", "next": {{"href": "{base}/linkedAccounts?cursor={n}&limit=1"}}"#)).unwrap_or_default();
    format!(
        r#"{{"_links": {{"self": {{"href": "{base}/linkedAccounts?limit=1&debug={secret}"}}{next}}},
 "_embedded": {{"linkedAccounts": [
   {{"_links": {{"self": {{"href": "{base}/linkedAccounts/{id}"}}, "environment": {{"href": "{uri}/environments/env-1"}}, "user": {{"href": "{base}"}}}},
    "id": "{id}", "environment": {{"id": "env-1"}}, "user": {{"id": "user-1"}}, "identityProvider": {{"id": "idp-1"}}, "externalId": "{TOKEN}"}}]}},
 "size": 1}}
"#,
        secret = pct(CLIENT_SECRET)
    )
}

/// A fake PingOne: the token endpoint wants the Basic pair and echoes the secret in headers;
/// the linked accounts want the token and come in two pages, each echoing the token.
async fn fake_pingone() -> MockServer {
    let server = MockServer::start().await;
    let uri = server.uri();
    Mock::given(method("POST"))
        .and(path("/env-1/as/token"))
        .and(header("authorization", format!("Basic {}", b64(&format!("{CLIENT_ID}:{CLIENT_SECRET}"))).as_str()))
        .and(body_string("grant_type=client_credentials"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("x-echo-secret", CLIENT_SECRET)
                .insert_header("x-echo-secret-b64", b64(CLIENT_SECRET).as_str())
                .set_body_raw(format!(r#"{{"access_token": "{TOKEN}", "token_type": "Bearer", "expires_in": 3600}}"#), "application/json"),
        )
        .mount(&server)
        .await;
    let bearer = format!("Bearer {TOKEN}");
    Mock::given(method("GET"))
        .and(path("/environments/env-1/users/user-1/linkedAccounts"))
        .and(header("authorization", bearer.as_str()))
        .and(query_param("cursor", "c2"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("correlation-id", "corr-2")
                .insert_header("x-echo-token", bearer.as_str())
                .set_body_raw(page(&uri, "la-2", None), "application/hal+json;charset=UTF-8"),
        )
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/environments/env-1/users/user-1/linkedAccounts"))
        .and(header("authorization", bearer.as_str()))
        .and(query_param("limit", "1"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("correlation-id", "corr-1")
                .insert_header("x-echo-token", bearer.as_str())
                .set_body_raw(page(&uri, "la-1", Some("c2")), "application/hal+json;charset=UTF-8"),
        )
        .mount(&server)
        .await;
    server
}

fn env(name: &str) -> Option<String> {
    match name {
        "LINKSPEC_PINGONE_ENVIRONMENT_ID" => Some("env-1".into()),
        "LINKSPEC_PINGONE_CLIENT_ID" => Some(CLIENT_ID.into()),
        "LINKSPEC_PINGONE_CLIENT_SECRET" => Some(CLIENT_SECRET.into()),
        _ => None,
    }
}

fn request(base_url: String) -> Request {
    Request {
        provider: "pingone".into(),
        operation: "read_linked_accounts".into(),
        args: serde_json::json!({"userID": "user-1", "limit": 1}),
        target: Target::BaseUrl(base_url),
        hosts: BTreeMap::new(),
        variables: BTreeMap::new(),
        all_pages: true,
        doc: Some("Recorded from a fake PingOne.".into()),
        expected_drift: Vec::new(),
        command: "cargo xtask record pingone read_linked_accounts".into(),
    }
}

/// Every form of every secret the fake used.
fn secret_forms() -> Vec<String> {
    let mut out = Vec::new();
    for s in [CLIENT_ID, CLIENT_SECRET, TOKEN] {
        out.extend([s.to_owned(), b64(s), pct(s), form_urlencoded::byte_serialize(s.as_bytes()).collect()]);
    }
    out.push(b64(&format!("{CLIENT_ID}:{CLIENT_SECRET}")));
    out
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("linkspec-record-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

#[test]
fn a_token_flow_with_pages_is_recorded_without_secrets_and_replays() {
    on_big_stack(|| async {
        let fake = fake_pingone().await;
        let recorded = record::record(&request(fake.uri()), &env).await.expect("recorded");
        let text = &recorded.written.text;
        assert_eq!(recorded.draft.exchanges.len(), 3, "{text}");
        for form in secret_forms() {
            assert!(!text.contains(&form), "a secret form survived: {form}\n{text}");
        }
        // The credentials, the token answer and the next request carry matching stand-ins.
        let basic = format!("Basic {}", b64("redacted-client-id-1:redacted-client-secret-1"));
        assert!(text.contains(r#""client_id": "redacted-client-id-1""#) && text.contains(r#""environment_id": "env-1""#), "{text}");
        assert!(text.contains(&format!(r#""authorization": "{basic}""#)), "{text}");
        assert!(text.contains(r#""access_token": "redacted-access-token-1""#), "{text}");
        assert!(text.contains(r#""authorization": "Bearer redacted-access-token-1""#), "{text}");
        assert!(text.contains(r#""x-echo-secret-b64": "cmVkYWN0ZWQtY2xpZW50LXNlY3JldC0x""#), "{text}");
        assert!(text.contains("debug=redacted-client-secret-1"), "{text}");
        // The spec's request-id header is kept as sent; the date and length are not.
        assert!(text.contains(r#""content-type": "application/hal+json;charset=UTF-8""#), "{text}");
        assert!(text.contains(r#""correlation-id": "corr-1""#) && !text.contains("content-length") && !text.contains("\"date\""), "{text}");

        let dir = temp_dir("replay");
        let case = record::save(&dir, "pingone", "recorded", &recorded).expect("saved");
        let result = replay(&case, &Options::default()).await;
        assert_eq!(result.verdict, Verdict::Pass, "{text}");

        // A changed request value is caught: the token request's grant, the page size.
        for (from, to, part) in [
            ("grant_type=client_credentials", "grant_type=password", "body (form) key `grant_type`"),
            (r#""limit": "1""#, r#""limit": "2""#, "query key `limit`"),
            ("Bearer redacted-access-token-1", "Bearer redacted-access-token-2", "header `authorization`"),
        ] {
            let mutated = text.replacen(from, to, 1);
            assert_ne!(&mutated, text, "{from} not in the cassette");
            let case = linkspec_conformance::cassette::parse("pingone", Path::new("mutated.yaml"), &mutated).expect("parses");
            match replay(&case, &Options::default()).await.verdict {
                Verdict::Fail(problems) => assert!(problems.iter().any(|p| p.contains(part)), "{part}: {problems:?}"),
                other => panic!("the mutation {from} → {to} was not caught: {other:?}"),
            }
        }
        let _ = std::fs::remove_dir_all(&dir);
    });
}

#[test]
fn missing_credentials_are_all_named_and_nothing_is_called() {
    on_big_stack(|| async {
        let fake = fake_pingone().await;
        let e = record::record(&request(fake.uri()), &|_| None).await.expect_err("no credentials");
        assert!(e.contains("LINKSPEC_PINGONE_ENVIRONMENT_ID, LINKSPEC_PINGONE_CLIENT_ID, LINKSPEC_PINGONE_CLIENT_SECRET"), "{e}");
        assert!(fake.received_requests().await.unwrap_or_default().is_empty());
    });
}

#[test]
fn a_secret_that_survives_is_refused_with_its_place_and_without_its_value() {
    on_big_stack(|| async {
        let fake = fake_pingone().await;
        let recorded = record::record(&request(fake.uri()), &env).await.expect("recorded");
        let mut secrets = record::secrets::Secrets::default();
        secrets.text("client_secret", CLIENT_SECRET, linkspec_runtime::SensitiveKind::Text);
        let mut draft = recorded.draft.clone();
        draft.exchanges[1].response_headers.push(("x-leak".into(), b64(CLIENT_SECRET)));
        draft.exchanges[2].response_body.push_str(&pct(CLIENT_SECRET));
        let written = record::yaml::write(&draft);
        let found = record::scan(&written, &secrets);
        assert_eq!(
            found,
            [
                "exchange 2, response, header x-leak (the client-secret value, base64)",
                "exchange 3, response, body (the client-secret value, percent-encoded)",
            ]
        );
        assert!(found.iter().all(|f| secret_forms().iter().all(|s| !f.contains(s.as_str()))));
        assert!(record::scan(&recorded.written, &secrets).is_empty());
    });
}

/// A directory that `Layout::find` takes for a checkout: a `[workspace]` manifest and
/// `conformance/cassettes`.
fn checkout(name: &str) -> PathBuf {
    let root = temp_dir(name);
    std::fs::write(root.join("Cargo.toml"), "[workspace]\n").expect("manifest");
    std::fs::create_dir_all(root.join("conformance/cassettes")).expect("cassettes");
    root
}

fn run_record(root: &Path, args: &[&str]) -> (bool, String) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_record"))
        .args(args)
        .current_dir(root)
        .env("LINKSPEC_PINGONE_ENVIRONMENT_ID", "env-1")
        .env("LINKSPEC_PINGONE_CLIENT_ID", CLIENT_ID)
        .env("LINKSPEC_PINGONE_CLIENT_SECRET", CLIENT_SECRET)
        .env_remove("CI")
        .env_remove("INSTA_UPDATE")
        .output()
        .expect("the record binary runs");
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    (out.status.success(), text)
}

#[test]
fn the_binary_records_leaves_a_snapshot_for_review_and_refresh_reports_drift() {
    on_big_stack(|| async {
        let fake = fake_pingone().await;
        let root = checkout("binary");
        let base = fake.uri();
        let args = r#"{userID: user-1, limit: 1}"#;
        let first = ["pingone", "read_linked_accounts", "--args", args, "--base-url", &base, "--all-pages", "--case", "fake_pages"];
        let (ok, out) = run_record(&root, &first);
        assert!(ok, "{out}");
        let cassette = root.join("conformance/cassettes/pingone/fake_pages.yaml");
        let text = std::fs::read_to_string(&cassette).expect("written");
        assert!(secret_forms().iter().all(|s| !text.contains(s.as_str()) && !out.contains(s.as_str())), "{out}\n{text}");
        assert!(root.join("conformance/snapshots/pingone/fake_pages.snap.new").is_file(), "{out}");
        assert!(out.contains("snapshot waits for review"), "{out}");

        // Recording over an existing case needs --refresh.
        let (ok, out) = run_record(&root, &first);
        assert!(!ok && out.contains("--refresh fake_pages"), "{out}");

        // The provider's answer changes shape: the refresh names each change, then overwrites.
        fake.reset().await;
        let uri = fake.uri();
        Mock::given(method("POST"))
            .and(path("/env-1/as/token"))
            .respond_with(
                ResponseTemplate::new(200)
                    .set_body_raw(format!(r#"{{"access_token": "{TOKEN}", "token_type": "Bearer", "expires_in": 3600}}"#), "application/json"),
            )
            .mount(&fake)
            .await;
        let changed = page(&uri, "la-1", None).replace(r#""size": 1"#, r#""size": "1", "count": 1"#);
        Mock::given(method("GET"))
            .and(path("/environments/env-1/users/user-1/linkedAccounts"))
            .respond_with(ResponseTemplate::new(200).set_body_raw(changed, "application/json"))
            .mount(&fake)
            .await;
        let (_, out) = run_record(&root, &["pingone", "--refresh", "fake_pages", "--base-url", &base]);
        for line in [
            "exchange 2 (GET /environments/env-1/users/user-1/linkedAccounts): added /count (number)",
            "exchange 2 (GET /environments/env-1/users/user-1/linkedAccounts): /size changed type: number → string",
            "exchange 2 (GET /environments/env-1/users/user-1/linkedAccounts): removed /_links/next (object)",
            "exchange 3 (GET /environments/env-1/users/user-1/linkedAccounts): no longer made",
        ] {
            assert!(out.contains(line), "missing `{line}` in:\n{out}");
        }
        let text = std::fs::read_to_string(&cassette).expect("rewritten");
        assert!(text.contains(r#""count": 1"#) && secret_forms().iter().all(|s| !text.contains(s.as_str())), "{text}");
        let _ = std::fs::remove_dir_all(&root);
    });
}

/// MX's two-step session on two hosts (the SSO host apart, by `--host`): the API key header,
/// the one-time token answered by SSO and sent to `/sessions`, and the session token answered
/// there and sent on the data call, each replaced by its own stand-in everywhere.
#[test]
fn a_two_step_session_over_two_hosts_is_recorded_and_replays() {
    const API_KEY: &str = "mx-api-key-98765";
    const API_TOKEN: &str = "one-time-api-token-555";
    const SESSION: &str = "session-token-abcdef";
    on_big_stack(|| async {
        let sso = MockServer::start().await;
        let data = MockServer::start().await;
        Mock::given(method("GET"))
            .and(path("/client-1/users/user-1/api_token"))
            .and(header("md-api-key", API_KEY))
            .respond_with(ResponseTemplate::new(200).set_body_raw(format!(r#"{{"user": {{"api_token": "{API_TOKEN}"}}}}"#), "application/vnd.moneydesktop.sso.v3+json"))
            .mount(&sso)
            .await;
        Mock::given(method("POST"))
            .and(path("/sessions"))
            .and(header("md-api-token", API_TOKEN))
            .respond_with(ResponseTemplate::new(200).set_body_raw(format!(r#"{{"session": {{"token": "{SESSION}"}}}}"#), "application/vnd.mx.nexus.v1+json"))
            .mount(&data)
            .await;
        Mock::given(method("GET"))
            .and(path("/members/aggregate"))
            .and(header("md-session-token", SESSION))
            .respond_with(ResponseTemplate::new(200).insert_header("x-session", SESSION).set_body_raw(r#"{"members": []}"#, "application/vnd.mx.nexus.v1+json"))
            .mount(&data)
            .await;
        let request = Request {
            provider: "mx".into(),
            operation: "aggregate_members".into(),
            args: serde_json::json!({"body": {"include_holdings": false}}),
            target: Target::BaseUrl(data.uri()),
            hosts: BTreeMap::from([("sso".to_owned(), sso.uri())]),
            variables: BTreeMap::new(),
            all_pages: false,
            doc: None,
            expected_drift: Vec::new(),
            command: "cargo xtask record mx aggregate_members".into(),
        };
        let env = |name: &str| match name {
            "LINKSPEC_MX_CLIENT_ID" => Some("client-1".to_owned()),
            "LINKSPEC_MX_API_KEY" => Some(API_KEY.to_owned()),
            "LINKSPEC_MX_USER_ID" => Some("user-1".to_owned()),
            _ => None,
        };
        let recorded = record::record(&request, &env).await.expect("recorded");
        let text = &recorded.written.text;
        assert_eq!(recorded.draft.exchanges.len(), 3, "{text}");
        for secret in [API_KEY, API_TOKEN, SESSION] {
            assert!(!text.contains(secret) && !text.contains(&b64(secret)), "{secret} survived:\n{text}");
        }
        for line in [
            r#""md-api-key": "redacted-api-key-1""#,
            r#"{"user": {"api_token": "redacted-api-token-1"}}"#,
            r#""md-api-token": "redacted-api-token-1""#,
            r#"{"session": {"token": "redacted-token-1"}}"#,
            r#""md-session-token": "redacted-token-1""#,
            r#""x-session": "redacted-token-1""#,
            r#"path: "/client-1/users/user-1/api_token""#,
        ] {
            assert!(text.contains(line), "missing {line}:\n{text}");
        }
        let dir = temp_dir("mx");
        let case = record::save(&dir, "mx", "recorded", &recorded).expect("saved");
        assert_eq!(replay(&case, &Options::default()).await.verdict, Verdict::Pass, "{text}");
        let _ = std::fs::remove_dir_all(&dir);
    });
}
