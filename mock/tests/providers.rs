//! The conformance suite's own cassettes of PingOne, MoneyKit and MX served by a
//! `ProviderMock`, called through the generated clients as an application calls them.

use futures_util::TryStreamExt as _;
use linkspec_clients::runtime::{Error, ErrorClass};
use linkspec_clients::{moneykit, mx, pingone};
use linkspec_mock::{Position, ProviderMock};
use std::path::PathBuf;

fn cassettes(provider: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../conformance/cassettes").join(provider)
}

#[tokio::test]
async fn an_embedded_cassette_answers_a_success() {
    let mock = ProviderMock::of("moneykit")
        .cassette("get_link", include_str!("../../conformance/cassettes/moneykit/get_link.yaml"))
        .expect_every_exchange()
        .start()
        .await
        .expect("starts");
    let client = mock.builder::<moneykit::ClientBuilder>().expect("configures").build().expect("builds");
    let link = client.get_link(moneykit::GetLinkRequest::new("mk_eqkWN34UEoa2NxyALG8pcV")).await.expect("the recorded link");
    assert_eq!((link.link_id.as_str(), link.institution_name.as_str()), ("mk_eqkWN34UEoa2NxyALG8pcV", "Chase"));
    assert_eq!(mock.check(), Ok(()));
    assert!(mock.unanswered().is_empty());
}

#[tokio::test]
async fn a_provider_error_comes_back_typed() {
    let mock = ProviderMock::of("pingone").cases_from(cassettes("pingone"), ["read_linked_account_not_found"]).start().await.expect("starts");
    let client = mock.builder::<pingone::ClientBuilder>().expect("configures").build().expect("builds");
    let err = client.read_linked_account(pingone::ReadLinkedAccountRequest::new("user-1", "la-missing")).await.expect_err("404");
    let Error::Api(api) = err else { panic!("not an API error: {err:?}") };
    assert_eq!((api.status, api.class, api.code().as_deref()), (404, ErrorClass::NotFound, Some("NOT_FOUND")));
    assert_eq!(api.request_id.as_deref(), Some("placeholder-error-id"));
    mock.verify();
}

#[tokio::test]
async fn every_page_of_a_paged_case_is_served_in_order() {
    let mock = ProviderMock::of("pingone")
        .cases_from(cassettes("pingone"), ["read_linked_accounts_all_pages"])
        .expect_every_exchange()
        .start()
        .await
        .expect("starts");
    let client = mock.builder::<pingone::ClientBuilder>().expect("configures").build().expect("builds");
    let request = pingone::ReadLinkedAccountsRequest::new("user-1").limit(1);
    let ids: Vec<String> = client.read_linked_accounts_items(request).map_ok(|a| a.id.into_string()).try_collect().await.expect("two pages");
    assert_eq!(ids, ["la-1", "la-2"]);
    mock.verify();
}

#[tokio::test]
async fn a_token_is_acquired_from_the_auth_host_with_the_cassettes_inputs() {
    let mock = ProviderMock::of("pingone")
        .cases_from(cassettes("pingone"), ["read_linked_accounts_acquires_token"])
        .expect_every_exchange()
        .start()
        .await
        .expect("starts");
    // The builder points PingOne's `auth` host at the mock explicitly.
    let settings = mock.settings();
    assert!(settings.hosts.is_empty(), "the cassette names no host: {:?}", settings.hosts);
    let client = mock.builder::<pingone::ClientBuilder>().expect("configures").build().expect("builds");
    let list = client.read_linked_accounts(pingone::ReadLinkedAccountsRequest::new("user-2")).await.expect("token, then the list");
    assert!(list.embedded.linked_accounts.is_empty());
    mock.verify();
}

#[tokio::test]
async fn moneykit_acquires_its_token_too() {
    let mock = ProviderMock::of("moneykit")
        .cassette("get_user_links_acquires_token", include_str!("../../conformance/cassettes/moneykit/get_user_links_acquires_token.yaml"))
        .expect_every_exchange()
        .start()
        .await
        .expect("starts");
    let client = mock.builder::<moneykit::ClientBuilder>().expect("configures").build().expect("builds");
    let links = client.get_user_links(moneykit::GetUserLinksRequest::new("MyUser1234")).await.expect("token, then links");
    assert!(links.links.is_empty());
    mock.verify();
}

#[tokio::test]
async fn waits_the_client_asks_for_pass_on_the_mocks_clock() {
    let mock = ProviderMock::of("pingone").cases_from(cassettes("pingone"), ["read_linked_accounts_retry_after"]).start().await.expect("starts");
    let client = mock.builder::<pingone::ClientBuilder>().expect("configures").build().expect("builds");
    let started = std::time::Instant::now();
    client.read_linked_accounts(pingone::ReadLinkedAccountsRequest::new("user-2")).await.expect("429, then the list");
    assert_eq!(mock.clock().sleeps(), [std::time::Duration::from_secs(2)]);
    assert!(started.elapsed() < std::time::Duration::from_secs(2), "the wait was real");
    mock.verify();
}

/// Two cases that begin with the same request: the first given answers first, then the next.
#[tokio::test]
async fn the_first_case_whose_next_exchange_matches_answers() {
    let names = ["read_linked_accounts_empty", "read_linked_accounts_retry_after"];
    for (order, expected) in [(names, [0, 1]), ([names[1], names[0]], [1, 1])] {
        let mock = ProviderMock::of("pingone").cases_from(cassettes("pingone"), order).expect_every_exchange().start().await.expect("starts");
        let client = mock.builder::<pingone::ClientBuilder>().expect("configures").build().expect("builds");
        // Only read_linked_accounts_retry_after makes the client wait (its 429): the waits so far
        // after each call say which case answered it.
        let mut waits = Vec::new();
        for _ in 0..2 {
            client.read_linked_accounts(pingone::ReadLinkedAccountsRequest::new("user-2")).await.expect("a list");
            waits.push(mock.clock().sleeps().len());
        }
        assert_eq!(waits, expected, "order {order:?}");
        mock.verify();
        // Each exchange answers once: a third call matches nothing.
        let err = client.read_linked_accounts(pingone::ReadLinkedAccountsRequest::new("user-2")).await.expect_err("all answered");
        let Error::Api(api) = err else { panic!("{err:?}") };
        assert_eq!(api.status, 599);
        let report = mock.check().expect_err("unmatched");
        assert!(matches!(report.unmatched[0].closest.as_ref().map(|c| &c.position), Some(Position::Answered)), "{report}");
        assert!(report.to_string().contains("which it matches, but that exchange was answered already"), "{report}");
    }
}

#[tokio::test]
async fn a_whole_provider_directory_serves_any_of_its_cases() {
    let mock = ProviderMock::of("mx").dir(cassettes("mx")).start().await.expect("every MX cassette reads");
    assert!(mock.cases().len() >= 20, "{:?}", mock.cases());
    let names: Vec<String> = std::fs::read_dir(cassettes("mx")).unwrap().map(|e| e.unwrap().path().file_stem().unwrap().to_string_lossy().into_owned()).collect();
    assert_eq!(mock.cases().len(), names.len());
    // read_member's settings, not the first case's.
    let client = mx::Client::builder().settings(&mock.case_settings("read_member").expect("a case")).unwrap().build().unwrap();
    let member = client.read_member(mx::ReadMemberRequest::new("MBR-7c6f361b-e582-15b6-60c0-000000000002")).await.expect("the recorded member");
    drop(member);
    mock.verify();
    // With every case loaded, most exchanges stay unanswered, and that is not a failure.
    assert!(mock.unanswered().len() > 20);
}

/// A request that differs from the exchange in one header: answered with 599, and the report
/// names the request, the case and its file, the exchange and the difference.
#[tokio::test]
async fn an_unmatched_request_is_reported_with_the_closest_exchange_and_each_mismatch() {
    let dir = cassettes("moneykit");
    let mock = ProviderMock::of("moneykit").cases_from(&dir, ["get_link", "get_link_not_found"]).start().await.expect("starts");
    let client = mock.builder::<moneykit::ClientBuilder>().unwrap().moneykit_version("2099-01-01").build().unwrap();
    let err = client.get_link(moneykit::GetLinkRequest::new("mk_eqkWN34UEoa2NxyALG8pcV")).await.expect_err("599");
    let Error::Api(api) = err else { panic!("{err:?}") };
    assert_eq!(api.status, 599);
    assert!(api.excerpt.contains("matched no exchange"), "{}", api.excerpt);

    let report = mock.check().expect_err("one unmatched request");
    let file = dir.join("get_link.yaml");
    assert_eq!(
        report.to_string(),
        format!(
            "linkspec-mock (moneykit): 1 request matched no exchange\n  request 1 (GET /links/mk_eqkWN34UEoa2NxyALG8pcV) matched no exchange; closest: exchange 1 (GET /links/mk_eqkWN34UEoa2NxyALG8pcV) of moneykit/get_link ({})\n      - header `moneykit-version`: expected \"2023-02-18\", got [\"2099-01-01\"]\n",
            file.display()
        )
    );
    let closest = report.unmatched[0].closest.clone().expect("closest");
    assert_eq!((closest.case.as_str(), closest.exchange, closest.position), ("moneykit/get_link", 1, Position::Next));
    // The exchange is still there for a right request.
    let client = mock.builder::<moneykit::ClientBuilder>().unwrap().build().unwrap();
    client.get_link(moneykit::GetLinkRequest::new("mk_eqkWN34UEoa2NxyALG8pcV")).await.expect("now it matches");
    assert_eq!(mock.unmatched().len(), 1);
}

/// Skipping the token request: the data request matches exchange 2 but waits for exchange 1.
#[tokio::test]
async fn a_request_out_of_order_names_the_exchange_that_comes_first() {
    let mock = ProviderMock::of("pingone").cases_from(cassettes("pingone"), ["read_linked_accounts_acquires_token"]).start().await.expect("starts");
    let client = pingone::Client::builder().base_url(mock.uri()).environment_id("env-1").access_token("placeholder-pingone-jwt").build().unwrap();
    client.read_linked_accounts(pingone::ReadLinkedAccountsRequest::new("user-2")).await.expect_err("599");
    let report = mock.check().expect_err("unmatched");
    let closest = report.unmatched[0].closest.clone().expect("closest");
    assert_eq!(closest.exchange, 2);
    assert_eq!(closest.position, Position::Later { next: 1, method: "POST".into(), path: "/env-1/as/token".into() });
    assert!(closest.mismatches.is_empty(), "{closest}");
    assert!(
        report.to_string().contains("exchange 2 (GET /environments/env-1/users/user-2/linkedAccounts) of pingone/read_linked_accounts_acquires_token"),
        "{report}"
    );
    assert!(report.to_string().contains("which it matches, but exchange 1 (POST /env-1/as/token) has not been requested yet"), "{report}");
}

#[tokio::test]
async fn unanswered_exchanges_fail_the_check_only_when_every_exchange_is_expected() {
    let lenient = ProviderMock::of("pingone").cases_from(cassettes("pingone"), ["read_linked_accounts_all_pages"]).start().await.unwrap();
    assert_eq!(lenient.check(), Ok(()));
    assert_eq!(lenient.unanswered().len(), 2);

    let strict = ProviderMock::of("pingone")
        .cases_from(cassettes("pingone"), ["read_linked_accounts_all_pages"])
        .expect_every_exchange()
        .start()
        .await
        .unwrap();
    let client = strict.builder::<pingone::ClientBuilder>().unwrap().build().unwrap();
    // One page only: the second exchange is never requested.
    client.read_linked_accounts(pingone::ReadLinkedAccountsRequest::new("user-1").limit(1)).await.expect("page 1");
    let report = strict.check().expect_err("page 2 was not fetched");
    assert_eq!(report.unanswered.len(), 1);
    assert!(
        report.to_string().ends_with(&format!(
            "0 requests matched no exchange, 1 exchange was never requested\n  exchange 2 (GET /environments/env-1/users/user-1/linkedAccounts) of pingone/read_linked_accounts_all_pages ({}) was never requested\n",
            cassettes("pingone").join("read_linked_accounts_all_pages.yaml").display()
        )),
        "{report}"
    );
}

#[tokio::test]
#[should_panic(expected = "linkspec-mock (moneykit): 1 request matched no exchange\n  request 1 (GET /links/mk_other) matched no exchange; closest: exchange 1 (GET /links/mk_eqkWN34UEoa2NxyALG8pcV) of moneykit/get_link")]
async fn dropping_a_mock_with_an_unmatched_request_fails_the_test() {
    let mock = ProviderMock::of("moneykit").cases_from(cassettes("moneykit"), ["get_link"]).start().await.unwrap();
    let client = mock.builder::<moneykit::ClientBuilder>().unwrap().build().unwrap();
    let _ = client.get_link(moneykit::GetLinkRequest::new("mk_other")).await;
    drop(mock);
}

#[tokio::test]
async fn dropping_a_checked_mock_does_not_report_twice() {
    let mock = ProviderMock::of("moneykit").cases_from(cassettes("moneykit"), ["get_link"]).start().await.unwrap();
    let client = mock.builder::<moneykit::ClientBuilder>().unwrap().build().unwrap();
    let _ = client.get_link(moneykit::GetLinkRequest::new("mk_other")).await;
    assert_eq!(mock.check().expect_err("reported").unmatched.len(), 1);
    drop(mock);
}

#[tokio::test]
async fn cassettes_that_do_not_read_are_reported_with_their_place() {
    let err = ProviderMock::of("pingone").cases_from(cassettes("pingone"), ["read_linked_acount"]).start().await.expect_err("no such case");
    assert_eq!(
        err.problems(),
        [format!("{}: no case `read_linked_acount` (read_linked_acount.yaml); did you mean `read_linked_account`?", cassettes("pingone").display())]
    );
    let err = ProviderMock::of("pingone")
        .cassette("typo", "version: 1\noperation: read_linked_account\nexchanges:\n  - request: {method: GET, path: /}\n    respnse: {status: 200}\n")
        .cassette("bad_settings", "version: 1\noperation: read_linked_account\nsettings: {tokn: x}\nexchanges:\n  - request: {method: GET, path: /}\n    response: {status: 200}\n")
        .start()
        .await
        .expect_err("two problems");
    assert_eq!(err.problems().len(), 2, "{err}");
    assert!(err.problems()[0].starts_with("pingone/typo.yaml:5:"), "{err}");
    assert!(err.problems()[1].starts_with("pingone/bad_settings.yaml: settings: unknown field `tokn`"), "{err}");
    let err = ProviderMock::of("pingone").dir(cassettes("nothing-here")).start().await.expect_err("no directory");
    assert!(err.to_string().contains("nothing-here"), "{err}");
    let err = ProviderMock::of("pingone").start().await.expect_err("no cases");
    assert!(err.to_string().starts_with("no cassettes for pingone"), "{err}");
    let text = include_str!("../../conformance/cassettes/pingone/read_linked_account.yaml");
    let err = ProviderMock::of("pingone").cassette("read_linked_account", text).cassette("read_linked_account", text).start().await.expect_err("twice");
    assert!(err.to_string().contains("given twice"), "{err}");
}

#[tokio::test]
async fn a_builder_of_another_provider_is_refused() {
    let mock = ProviderMock::of("moneykit").cases_from(cassettes("moneykit"), ["get_link"]).start().await.unwrap();
    let err = mock.builder::<pingone::ClientBuilder>().expect_err("wrong provider");
    assert_eq!(err.to_string(), "the mock serves moneykit cassettes, and the builder is pingone's: use `moneykit::ClientBuilder`");
    let err = mock.case_builder::<moneykit::ClientBuilder>("get_links").expect_err("no such case");
    assert!(err.to_string().contains("no case `get_links`"), "{err}");
}
