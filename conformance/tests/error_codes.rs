//! Provider error codes as enums, used as an application would: an error answer from a
//! wiremock server on 127.0.0.1 gives its code as the envelope's code enum (`typed_code()`),
//! a code the spec does not list is `Unknown` with its text, and the code as text stays there.

use linkspec_clients::runtime::Error;
use linkspec_clients::{moneykit, mx, pingone, plaid};
use linkspec_fixture_clients::reports;
use serde_json::json;
use wiremock::matchers::path;
use wiremock::{Mock, MockServer, ResponseTemplate};

fn json_answer(status: u16, body: serde_json::Value) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_json(body)
}

fn plaid_error(code: &str, kind: &str) -> serde_json::Value {
    json!({"error_type": kind, "error_code": code, "error_message": "m", "display_message": null, "request_id": "req-1"})
}

#[tokio::test]
async fn plaid_codes_and_categories_are_enums_and_unknown_codes_keep_their_text() {
    let server = MockServer::start().await;
    Mock::given(path("/item/get")).respond_with(json_answer(400, plaid_error("ITEM_NOT_FOUND", "INVALID_INPUT"))).mount(&server).await;
    Mock::given(path("/user/remove")).respond_with(json_answer(400, plaid_error("A_CODE_FROM_NEXT_YEAR", "A_NEW_TYPE"))).mount(&server).await;
    let client = plaid::Client::builder().base_url(server.uri()).client_id("i").secret("s").build().expect("builds");

    let err = client.item_get(plaid::ItemGetBody::new("access-sandbox-1")).await.expect_err("400");
    assert_eq!(err.typed_code(), Some(plaid::PlaidErrorCode::ItemNotFound));
    assert_eq!(err.typed_category(), Some(plaid::PlaidErrorType::InvalidInput), "the category type is the field's own enum");
    assert_eq!(err.code().as_deref(), Some("ITEM_NOT_FOUND"), "the text is still there");
    assert_eq!(err.category().as_deref(), Some("INVALID_INPUT"));
    assert!(err.is_not_found());
    let api = err.api().expect("an error answer");
    assert_eq!(api.typed_code(), Some(plaid::PlaidErrorCode::ItemNotFound));
    let matched = match err.typed_code() {
        Some(plaid::PlaidErrorCode::ItemNotFound | plaid::PlaidErrorCode::UserNotFound) => "gone from Plaid",
        Some(plaid::PlaidErrorCode::ItemLoginRequired) => "send the user to Link",
        _ => "something else",
    };
    assert_eq!(matched, "gone from Plaid");

    let err = client.user_remove(plaid::UserRemoveBody::new()).await.expect_err("400");
    let code = err.typed_code().expect("a code");
    assert_eq!(code, plaid::PlaidErrorCode::Unknown("A_CODE_FROM_NEXT_YEAR".to_owned()));
    assert!(code.is_unknown());
    assert_eq!((code.as_str(), code.to_string()), ("A_CODE_FROM_NEXT_YEAR", "A_CODE_FROM_NEXT_YEAR".to_owned()));
    assert_eq!(err.code().as_deref(), Some("A_CODE_FROM_NEXT_YEAR"));
    assert_eq!(err.typed_category(), Some(plaid::PlaidErrorType::Unknown("A_NEW_TYPE".to_owned())));
}

/// MX sends its codes as JSON numbers, nested or flat: each reads as its text, and the listed
/// ones as their variants.
#[tokio::test]
async fn mx_numeric_codes_become_their_text_and_their_variants() {
    let server = MockServer::start().await;
    Mock::given(path("/members/aggregate"))
        .respond_with(json_answer(401, json!({"error": {"code": 4011, "message": "The session has expired."}})))
        .mount(&server)
        .await;
    Mock::given(path("/members"))
        .respond_with(json_answer(400, json!({"code": 4999, "message": "Something new."})))
        .mount(&server)
        .await;
    let client = mx::Client::builder().base_url(server.uri()).session_token("t").build().expect("builds");

    let err = client.aggregate_members(mx::AggregateMembersBody::new()).await.expect_err("401");
    assert_eq!(err.typed_code(), Some(mx::MxErrorCode::SessionExpired));
    assert_eq!(err.code().as_deref(), Some("4011"));
    assert_eq!(mx::MxErrorCode::SessionExpired.as_str(), "4011");
    assert!(err.is_auth_expired());
    assert_eq!(err.typed_category(), None, "MX's envelope has no category");

    let err = client.list_members(mx::ListMembersRequest::new()).await.expect_err("400");
    assert_eq!(err.typed_code(), Some(mx::MxErrorCode::Unknown("4999".to_owned())));
    assert_eq!(err.code().as_deref(), Some("4999"));
}

#[tokio::test]
async fn moneykit_and_pingone_codes_match_as_enums() {
    let server = MockServer::start().await;
    Mock::given(path("/users/u/links"))
        .respond_with(json_answer(410, json!({"error_code": "link_error.deleted", "error_message": "Link deleted.", "documentation_url": null})))
        .mount(&server)
        .await;
    Mock::given(path("/environments/e/users/u/linkedAccounts"))
        .respond_with(json_answer(429, json!({"id": "err-1", "code": "REQUEST_LIMITED", "message": "Slow down."})))
        .mount(&server)
        .await;
    let mk = moneykit::Client::builder().base_url(server.uri()).bearer_token("t").build().expect("builds");
    let err = mk.get_user_links(moneykit::GetUserLinksRequest::new("u")).await.expect_err("410");
    assert_eq!(err.typed_code(), Some(moneykit::MoneyKitErrorCode::LinkDeleted));
    assert_eq!(err.code().as_deref(), Some("link_error.deleted"));
    assert!(err.is_gone());

    let p1 = pingone::Client::builder()
        .base_url(server.uri())
        .access_token("t")
        .environment_id("e")
        .retry(linkspec_clients::runtime::RetryPolicy::never())
        .build()
        .expect("builds");
    let err = p1.read_linked_accounts(pingone::ReadLinkedAccountsRequest::new("u")).await.expect_err("429");
    assert_eq!(err.typed_code(), Some(pingone::PingOneErrorCode::RequestLimited));
    assert!(err.is_rate_limited());
}

/// An operation with its own envelope (PingOne's OAuth2 token endpoint) has its own code enum.
#[tokio::test]
async fn an_operations_own_envelope_has_its_own_code_enum() {
    let server = MockServer::start().await;
    Mock::given(path("/env-1/as/token"))
        .respond_with(json_answer(401, json!({"error": "invalid_client", "error_description": "Invalid client credentials"})))
        .mount(&server)
        .await;
    let client = pingone::Client::builder().base_url(server.uri()).access_token("t").environment_id("env-1").build().expect("builds");
    let request = pingone::CreateAccessTokenRequest::new("env-1", "Basic aWQ6c2VjcmV0", pingone::AccessTokenForm::new("client_credentials"));
    let err: Error<pingone::OAuthError> = client.create_access_token(request).await.expect_err("401");
    assert_eq!(err.typed_code(), Some(pingone::OAuthErrorCode::InvalidClient));
    assert_eq!(err.code().as_deref(), Some("invalid_client"));
}

/// A listed category (the fixture `reports` lists its categories: no bundled provider needs to)
/// is its own enum, and a numeric code given a Rust name matches by its text.
#[tokio::test]
async fn listed_categories_are_an_enum_too() {
    let server = MockServer::start().await;
    Mock::given(path("/asset_report/pdf/get"))
        .respond_with(json_answer(404, json!({"error_code": "4040", "error_message": "No such report.", "error_type": "ASSET_REPORT_ERROR"})))
        .mount(&server)
        .await;
    let client = reports::Client::builder().base_url(server.uri()).client_id("i").secret("s").build().expect("builds");
    let err = client.asset_report_pdf_get(reports::AssetReportPdfGetBody::new("t")).await.expect_err("404");
    assert_eq!(err.typed_code(), Some(reports::ReportErrorCode::ReportMissing));
    assert_eq!(err.typed_category(), Some(reports::ReportErrorCategory::AssetReportError));
    assert_eq!(err.category().as_deref(), Some("ASSET_REPORT_ERROR"));
    assert!(err.is_not_found());
    assert_eq!(reports::ReportErrorCategory::from("SOMETHING_ELSE").as_str(), "SOMETHING_ELSE");
    assert_eq!(reports::ReportErrorCode::from("INVALID_INPUT.FIELD"), reports::ReportErrorCode::InvalidInputField);
}

/// Every listed code converts to its variant and back to the same text.
#[test]
fn listed_codes_round_trip_through_text() {
    fn check<T: for<'a> From<&'a str> + std::fmt::Display + PartialEq + std::fmt::Debug>(known: &[T]) {
        assert!(!known.is_empty());
        for code in known {
            let text = code.to_string();
            assert_eq!(&T::from(text.as_str()), code, "{text}");
        }
    }
    check(plaid::PlaidErrorCode::KNOWN);
    check(mx::MxErrorCode::KNOWN);
    check(moneykit::MoneyKitErrorCode::KNOWN);
    check(pingone::PingOneErrorCode::KNOWN);
    check(pingone::OAuthErrorCode::KNOWN);
    check(reports::ReportErrorCode::KNOWN);
    check(reports::ReportErrorCategory::KNOWN);
    assert_eq!("4001".parse::<mx::MxErrorCode>(), Ok(mx::MxErrorCode::V4001));
}
