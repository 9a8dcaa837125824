//! The generated clients used as an application would: typed builders and requests for every
//! operation, against a wiremock server on 127.0.0.1. Each test asserts the request on the wire
//! (method, path, query, credential placement, media type, body) and the typed answer, using the
//! seeds' example bodies; then typed errors per provider, unknown enum values, and redaction.

use linkspec_clients::runtime::{Error, KeyPairPlacement, ManualClock, RetryPolicy, time::Date};
use linkspec_clients::{moneykit, mx, pingone, plaid};
use serde_json::json;
use std::sync::Arc;
use std::time::SystemTime;
use wiremock::matchers::{body_json, body_string, header, method, path, query_param};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

fn json_answer(status: u16, body: serde_json::Value) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_json(body)
}

/// Fails the test when the request carries a header it must not.
fn without(name: &'static str) -> impl Fn(&Request) -> bool {
    move |r: &Request| !r.headers.contains_key(name)
}

fn seed_links() -> serde_json::Value {
    let product = json!({
        "refreshed_at": "2023-02-16T09:14:11", "last_attempted_at": "2023-02-16T09:14:11",
        "error_code": "rate_limit", "error_message": "Rate limited.", "unavailable": null
    });
    json!({"links": {"mk_eqkWN34UEoa2NxyALG8pcV": {
        "link_id": "mk_eqkWN34UEoa2NxyALG8pcV", "institution_id": "chase", "institution_name": "Chase",
        "institution_avatar": "https://example.com/avatar.png", "state": "connected", "error_code": null,
        "provider": "mx", "link_tags": ["smoke_test", "user_type:admin"], "webhook": "https://example.com/webhook",
        "products": {"accounts": product, "account_numbers": product, "identity": product,
                     "transactions": product, "investments": product, "enrichment": product},
        "available_products": ["account_numbers"]
    }}})
}

#[tokio::test]
async fn moneykit_get_user_links() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/users/My%20User/links"))
        .and(header("authorization", "Bearer mk-token"))
        .and(header("accept", "application/json"))
        .and(header("moneykit-version", "2023-02-18"))
        .respond_with(json_answer(200, seed_links()))
        .expect(1)
        .mount(&server)
        .await;
    let client = moneykit::Client::builder().base_url(server.uri()).bearer_token("mk-token").build().expect("builds");
    let links = client.get_user_links(moneykit::GetUserLinksRequest::new("My User")).await.expect("decodes");
    let link = &links.links["mk_eqkWN34UEoa2NxyALG8pcV"];
    assert_eq!(link.state, moneykit::LinkState::Connected);
    assert_eq!(link.provider, moneykit::Provider::Mx);
    assert_eq!(link.error_code, Some(None));
    assert_eq!(link.available_products.as_deref(), Some(&[moneykit::Product::AccountNumbers][..]));
    let accounts = link.products.accounts.as_ref().expect("accounts state");
    assert_eq!(accounts.refreshed_at.as_ref().map(ToString::to_string).as_deref(), Some("2023-02-16T09:14:11"));
    assert_eq!(accounts.error_code, Some(Some(moneykit::ProductErrorCode::RateLimit)));
    // MoneyKit's offset-less timestamps are UTC (`naive_zone: utc`): instants, no assume_utc().
    let refreshed = accounts.refreshed_at.expect("refreshed");
    let utc: linkspec_runtime::time::Timestamp = "2023-02-16T09:14:11Z".parse().unwrap();
    assert_eq!(refreshed.instant(), utc.instant());
    assert_eq!(refreshed.to_timestamp(), utc);
    let attempted = accounts.last_attempted_at.expect("attempted");
    assert!(attempted >= refreshed, "ordered by instant: {attempted} vs {refreshed}");
}

#[tokio::test]
async fn moneykit_acquires_its_token_with_client_credentials() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/auth/token"))
        .and(header("content-type", "application/x-www-form-urlencoded"))
        .and(body_string("client_id=id-1&client_secret=s3cr3t-moneykit&grant_type=client_credentials"))
        .respond_with(json_answer(201, json!({"access_token": "acquired-1", "token_type": "bearer", "expires_in": 3600})))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(header("authorization", "Bearer acquired-1"))
        .respond_with(json_answer(200, json!({"links": {}})))
        .expect(2)
        .mount(&server)
        .await;
    let client = moneykit::Client::builder()
        .base_url(server.uri())
        .client_id("id-1")
        .client_secret("s3cr3t-moneykit")
        .build()
        .expect("builds");
    for user in ["a", "b"] {
        client.get_user_links(moneykit::GetUserLinksRequest::new(user)).await.expect("decodes");
    }
}

#[tokio::test]
async fn pingone_read_linked_accounts_with_every_query_parameter() {
    let server = MockServer::start().await;
    let seed = json!({
        "_links": {"self": {"href": "https://api.pingone.com/v1/environments/env-1/users/user-1/linkedAccounts"}},
        "_embedded": {"linkedAccounts": [{
            "_links": {"self": {"href": "https://x/la-1"}, "environment": {"href": "https://x/env-1"}, "user": {"href": "https://x/user-1"}},
            "id": "92713768-50f5-4c7a-829f-865c4820d201", "environment": {"id": "env-1"}, "user": {"id": "user-1"},
            "identityProvider": {"id": "550d3bdf-554b-4f9d-8825-ece15308673d"}, "externalId": "127152908468744"
        }]},
        "count": 1, "size": 1
    });
    Mock::given(method("GET"))
        .and(path("/environments/env-1/users/user-1/linkedAccounts"))
        .and(query_param("filter", "externalId eq \"1\""))
        .and(query_param("limit", "10"))
        .and(query_param("expand", "identityProviders"))
        .and(query_param("order", "externalId"))
        .and(header("authorization", "Bearer jwt-1"))
        .respond_with(json_answer(200, seed))
        .expect(1)
        .mount(&server)
        .await;
    let client = pingone::Client::builder()
        .region(pingone::Region::Eu)
        .base_url(server.uri())
        .environment_id("env-1")
        .access_token("jwt-1")
        .build()
        .expect("builds");
    let request = pingone::ReadLinkedAccountsRequest::new(pingone::UserId::new("user-1"))
        .filter("externalId eq \"1\"")
        .limit(10)
        .expand(pingone::LinkedAccountExpand::IdentityProviders)
        .order("externalId");
    let page = client.read_linked_accounts(request).await.expect("decodes");
    assert_eq!(page.embedded.linked_accounts[0].external_id, "127152908468744");
    assert_eq!(page.embedded.linked_accounts[0].identity_provider.id, "550d3bdf-554b-4f9d-8825-ece15308673d");
    assert_eq!((page.count, page.size), (Some(1), 1));
    assert!(page.links.next.is_none());
}

#[tokio::test]
async fn pingone_region_selects_the_api_and_auth_hosts() {
    let client = pingone::Client::builder()
        .region(pingone::Region::ComAu)
        .environment_id("env-1")
        .access_token("jwt-1")
        .build()
        .expect("builds");
    assert!(format!("{client:?}").contains("https://api.pingone.com.au/v1"), "{client:?}");
}

fn identity() -> plaid::ConsumerReportUserIdentity {
    let address = plaid::ConsumerReportAddress::new("Chicago", "IL", "3200 W Armitage Ave", "60657", "US");
    plaid::ConsumerReportUserIdentity::new(
        "Carmen",
        "Berzatto",
        vec!["+13125551212".into()],
        vec!["carmy@example.com".into(), "bear@example.com".into()],
        Date::new(1987, 1, 31).expect("a date"),
        address,
    )
    .ssn_last_4("1234")
}

#[tokio::test]
async fn plaid_user_create_sends_credentials_in_the_body() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/user/create"))
        .and(header("content-type", "application/json"))
        .and(without("plaid-secret"))
        .and(body_json(json!({
            "client_id": "plaid-id", "secret": "plaid-s3cret",
            "client_user_id": "c0e2c4ee-b763-4af5-cfe9-46a46bce883d",
            "consumer_report_user_identity": {
                "first_name": "Carmen", "last_name": "Berzatto", "phone_numbers": ["+13125551212"],
                "emails": ["carmy@example.com", "bear@example.com"], "ssn_last_4": "1234", "date_of_birth": "1987-01-31",
                "primary_address": {"city": "Chicago", "region": "IL", "street": "3200 W Armitage Ave", "postal_code": "60657", "country": "US"}
            }
        })))
        .respond_with(json_answer(201, json!({"user_token": "user-sandbox-b0e2c4ee", "user_id": "wz666MBjYWTp2PDzzggYhM6oWWmBb", "request_id": "Aim3b"})))
        .expect(1)
        .mount(&server)
        .await;
    let client = plaid::Client::builder().base_url(server.uri()).client_id("plaid-id").secret("plaid-s3cret").build().expect("builds");
    let body = plaid::UserCreateBody::new("c0e2c4ee-b763-4af5-cfe9-46a46bce883d").consumer_report_user_identity(identity());
    let created = client.user_create(body).await.expect("201 is a documented success");
    assert_eq!(created.user_id, "wz666MBjYWTp2PDzzggYhM6oWWmBb");
    assert_eq!(created.user_token.as_deref(), Some("user-sandbox-b0e2c4ee"));
}

#[tokio::test]
async fn plaid_user_operations_with_credentials_in_headers() {
    let server = MockServer::start().await;
    let creds = |m: wiremock::MockBuilder| {
        m.and(header("plaid-client-id", "plaid-id")).and(header("plaid-secret", "plaid-s3cret")).and(header("plaid-version", "2020-09-14"))
    };
    let ok = json_answer(200, json!({"request_id": "Aim3b"}));
    creds(Mock::given(path("/user/update")))
        .and(body_json(json!({"user_token": "user-environment-1", "identity": {"emails": [{"data": "carmy@example.com", "primary": true}]}})))
        .respond_with(ok.clone())
        .expect(1)
        .mount(&server)
        .await;
    creds(Mock::given(path("/user/remove")))
        .and(body_json(json!({"user_id": "usr_1"})))
        .respond_with(ok)
        .expect(1)
        .mount(&server)
        .await;
    creds(Mock::given(path("/sandbox/user/reset_login")))
        .and(body_json(json!({"user_id": "usr_1", "item_ids": ["item-1"]})))
        .respond_with(json_answer(200, json!({"reset_login": true, "request_id": "Bim4c"})))
        .expect(1)
        .mount(&server)
        .await;
    creds(Mock::given(path("/user/items/get")))
        .and(body_json(json!({"user_id": "usr_1"})))
        .respond_with(json_answer(200, json!({"items": [{
            "available_products": ["balance", "auth"], "billed_products": ["identity", "transactions"], "error": null,
            "institution_id": "ins_109508", "institution_name": "First Platypus Bank",
            "item_id": "Ed6bjNrDLJfGvZWwnkQlfxwoNz54B5C97ejBr", "update_type": "background",
            "webhook": "https://plaid.com/example/hook", "consent_expiration_time": null
        }], "request_id": "m8MDnv9okwxFNBV"})))
        .expect(1)
        .mount(&server)
        .await;
    let client = plaid::Client::builder()
        .environment(plaid::Environment::Production)
        .base_url(server.uri())
        .client_id("plaid-id")
        .secret("plaid-s3cret")
        .credentials_in(KeyPairPlacement::Headers)
        .plaid_version("2020-09-14")
        .build()
        .expect("builds");
    let email = plaid::UserEmail::new("carmy@example.com", true);
    let update = plaid::UserUpdateBody::new()
        .user_token("user-environment-1")
        .identity(plaid::UserIdentity::new().emails(vec![email]));
    client.user_update(update).await.expect("updated");
    client.user_remove(plaid::UserRemoveBody::new().user_id("usr_1")).await.expect("removed");
    let reset = plaid::SandboxUserResetLoginBody::new().user_id("usr_1").item_ids(vec!["item-1".into()]);
    assert_eq!(client.sandbox_user_reset_login(reset).await.expect("reset").reset_login, Some(true));
    let items = client.user_items_get(plaid::UserItemsGetBody::new().user_id("usr_1")).await.expect("items");
    let item = &items.items[0];
    assert_eq!(item.available_products, [plaid::Products::Balance, plaid::Products::Auth]);
    assert_eq!(item.update_type, plaid::UpdateType::Background);
    assert_eq!((&item.error, &item.consent_expiration_time), (&None, &Some(None)));
}

#[tokio::test]
async fn mx_aggregate_members_sends_its_body_on_a_get() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/members/aggregate"))
        .and(header("md-session-token", "session-1"))
        .and(header("accept", "application/vnd.mx.nexus.v1+json"))
        .and(header("content-type", "application/vnd.mx.nexus.v1+json"))
        .and(body_json(json!({"include_holdings": false, "include_transactions": false})))
        .respond_with(json_answer(200, json!({"members": [{
            "aggregated_at": "2016-10-13T18:07:57.000Z", "background_aggregation_is_disabled": false,
            "connection_status": "CONNECTED", "external_guid": null, "guid": "MBR-7c6f361b-e582-15b6-60c0-358f12466b4b",
            "institution_code": "chase", "institution_guid": "INS-1572a04c-912b-59bf-5841-332c7dfafaef",
            "is_being_aggregated": false, "is_managed_by_user": false, "is_oauth": false, "is_user_created": true,
            "most_recent_job_guid": "JOB-d6bb804b-6d12-44f1-b0ad-403441c03372",
            "metadata": "\\\"credentials_last_refreshed_at\\\": \\\"2015-10-15\\\"", "name": "Chase Bank",
            "successfully_aggregated_at": "2016-10-13T17:57:38.000Z", "use_cases": ["PFM"],
            "user_guid": "USR-fa7537f3-48aa-a683-a02a-b18940482f54"
        }]})))
        .expect(1)
        .mount(&server)
        .await;
    let client = mx::Client::builder().base_url(server.uri()).session_token("session-1").build().expect("builds");
    let body = mx::AggregateMembersBody::new().include_holdings(false).include_transactions(false);
    let members = client.aggregate_members(body).await.expect("decodes").members;
    assert_eq!(members[0].connection_status, Some(mx::ConnectionStatus::Connected));
    assert_eq!(members[0].aggregated_at.as_ref().map(ToString::to_string).as_deref(), Some("2016-10-13T18:07:57.000Z"));
    assert_eq!(members[0].use_cases.as_deref(), Some(&[mx::UseCase::Pfm][..]));
}

#[tokio::test]
async fn each_provider_error_decodes_into_its_typed_envelope() {
    let server = MockServer::start().await;
    Mock::given(path("/users/u/links"))
        .respond_with(json_answer(401, json!({"error_code": "api_error.auth.expired_access_token", "error_message": "Access token expired", "documentation_url": null})))
        .mount(&server)
        .await;
    Mock::given(path("/environments/e/users/u/linkedAccounts"))
        .respond_with(
            json_answer(404, json!({"id": "err-1", "code": "NOT_FOUND", "message": "Not found.", "details": [{"code": "NOT_FOUND", "target": "userID", "message": "No user."}]}))
                .insert_header("correlation-id", "corr-1"),
        )
        .mount(&server)
        .await;
    Mock::given(path("/user/items/get"))
        .respond_with(json_answer(400, json!({"error_type": "INVALID_INPUT", "error_code": "INVALID_API_KEYS", "error_message": "invalid client_id or secret provided", "display_message": null, "request_id": "req-9"})))
        .mount(&server)
        .await;
    Mock::given(path("/members/aggregate"))
        .respond_with(json_answer(401, json!({"code": 4011, "message": "The session has expired."})))
        .mount(&server)
        .await;

    let mk = moneykit::Client::builder().base_url(server.uri()).bearer_token("t").build().expect("builds");
    match mk.get_user_links(moneykit::GetUserLinksRequest::new("u")).await {
        Err(Error::Api(e)) => {
            assert_eq!((e.status, e.envelope.as_ref().map(|v| v.error_code.as_str())), (401, Some("api_error.auth.expired_access_token")));
            assert_eq!(e.class, linkspec_clients::runtime::ErrorClass::AuthExpired);
        }
        other => panic!("expected MoneyKit's envelope, got {other:?}"),
    }
    let p1 = pingone::Client::builder().base_url(server.uri()).environment_id("e").access_token("t").build().expect("builds");
    let err = p1.read_linked_accounts(pingone::ReadLinkedAccountsRequest::new("u")).await.expect_err("404");
    assert!(err.is_not_found());
    assert_eq!(err.request_id(), Some("err-1"), "the envelope's id wins over the correlation header");
    let detail = &err.api().and_then(|a| a.envelope.as_ref()).expect("envelope").details.as_ref().expect("details")[0];
    assert_eq!(detail.target.as_deref(), Some("userID"));
    let pl = plaid::Client::builder().base_url(server.uri()).client_id("i").secret("s").build().expect("builds");
    let err = pl.user_items_get(plaid::UserItemsGetBody::new()).await.expect_err("400");
    assert_eq!(err.api().and_then(|a| a.envelope.as_ref()).map(|e| &e.error_type), Some(&plaid::PlaidErrorType::InvalidInput));
    assert_eq!((err.code().as_deref(), err.request_id()), (Some("INVALID_API_KEYS"), Some("req-9")));
    assert!(err.is_auth_rejected() && !err.is_auth_expired(), "static keys that are refused are not an expiry: {err:?}");
    let m = mx::Client::builder().base_url(server.uri()).session_token("t").build().expect("builds");
    let err = m.aggregate_members(mx::AggregateMembersBody::new()).await.expect_err("401");
    assert!(err.is_auth_expired(), "MX's 4011 is the expired-session signal");
    assert_eq!(err.code().as_deref(), Some("4011"));
}

#[tokio::test]
async fn a_body_that_does_not_decode_is_a_typed_error_with_status_path_and_excerpt() {
    let server = MockServer::start().await;
    Mock::given(path("/members/aggregate"))
        .respond_with(json_answer(200, json!({"members": [{"connection_status": 6}]})))
        .mount(&server)
        .await;
    let m = mx::Client::builder().base_url(server.uri()).session_token("t").build().expect("builds");
    match m.aggregate_members(mx::AggregateMembersBody::new()).await {
        Err(Error::Decode(d)) => {
            assert_eq!((d.status, d.path.as_str()), (200, "members[0].connection_status"));
            assert!(d.excerpt.contains("\"connection_status\":6"), "{}", d.excerpt);
        }
        other => panic!("expected a decode error, got {other:?}"),
    }
}

#[tokio::test]
async fn plaid_user_create_is_not_retried_after_a_server_error() {
    let server = MockServer::start().await;
    Mock::given(path("/user/create"))
        .respond_with(json_answer(500, json!({"error_type": "API_ERROR", "error_code": "INTERNAL_SERVER_ERROR", "error_message": "oops", "display_message": null})))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(path("/user/items/get"))
        .respond_with(json_answer(500, json!({"error_type": "API_ERROR", "error_code": "INTERNAL_SERVER_ERROR", "error_message": "oops", "display_message": null})))
        .up_to_n_times(3)
        .expect(3)
        .mount(&server)
        .await;
    let clock = ManualClock::new(SystemTime::now());
    let client = plaid::Client::builder()
        .base_url(server.uri())
        .client_id("i")
        .secret("s")
        .clock(Arc::new(clock.clone()))
        .build()
        .expect("builds");
    let err = client.user_create(plaid::UserCreateBody::new("u")).await.expect_err("500");
    assert!(err.is_retryable() && err.status() == Some(500));
    client.user_items_get(plaid::UserItemsGetBody::new()).await.expect_err("500 three times");
    assert_eq!(clock.sleeps().len(), 2, "the idempotent read was retried twice");
    client
        .with_retry(RetryPolicy::never())
        .user_items_get(plaid::UserItemsGetBody::new())
        .await
        .expect_err("a fourth request has no mock left (404), and is not retried");
    assert_eq!(clock.sleeps().len(), 2, "no retry under RetryPolicy::never");
}

#[test]
fn unknown_enum_values_round_trip() {
    let state: moneykit::LinkState = serde_json::from_str("\"reconnect_required\"").expect("decodes");
    assert_eq!(state, moneykit::LinkState::Unknown("reconnect_required".into()));
    assert!(state.is_unknown());
    assert_eq!(serde_json::to_string(&state).expect("encodes"), "\"reconnect_required\"");
    let product: plaid::Products = "cra_something_new".parse().expect("infallible");
    assert_eq!(product.as_str(), "cra_something_new");
    let method: Option<plaid::AuthMethod> = serde_json::from_str("null").expect("a nullable enum");
    assert_eq!(method, None);
}

#[test]
fn debug_never_shows_credentials_or_personal_data() {
    let secrets = [
        "s3cr3t-moneykit",
        "plaid-s3cret",
        "jwt-static-0a9b8c",
        "session-7f6e5d",
        "sso-api-key-1234",
        "Carmen",
        "Berzatto",
        "carmy@example.com",
        "+13125551212",
        "1987-01-31",
        "3200 W Armitage Ave",
        "1234",
        "Basic cGxhY2Vob2xkZXI=",
        "acquired-token-xyz",
    ];
    let mk = moneykit::Client::builder().client_id("mk-id").client_secret("s3cr3t-moneykit");
    let pl = plaid::Client::builder().client_id("plaid-id").secret("plaid-s3cret");
    let p1 = pingone::Client::builder().environment_id("env-1").access_token("jwt-static-0a9b8c");
    let m = mx::Client::builder().session_token("session-7f6e5d").client_id("c").api_key("sso-api-key-1234").user_id("u");
    let mut texts = vec![format!("{mk:?}"), format!("{pl:?}"), format!("{p1:?}"), format!("{m:?}")];
    texts.push(format!("{:?}", mk.build().expect("builds")));
    texts.push(format!("{:?}", pl.build().expect("builds")));
    texts.push(format!("{:?}", p1.build().expect("builds")));
    texts.push(format!("{:?}", m.build().expect("builds")));
    texts.push(format!("{:?}", identity()));
    texts.push(format!("{:?}", plaid::UserCreateRequest::from(plaid::UserCreateBody::new("u").consumer_report_user_identity(identity()))));
    texts.push(format!("{:?}", pingone::CreateAccessTokenRequest::new("env", "Basic cGxhY2Vob2xkZXI=", pingone::AccessTokenForm::new("client_credentials"))));
    texts.push(format!("{:?}", mx::RequestApiTokenRequest::new("c", "u", "sso-api-key-1234")));
    let token: moneykit::AccessToken =
        serde_json::from_value(json!({"access_token": "acquired-token-xyz", "token_type": "bearer", "expires_in": 3600})).expect("decodes");
    texts.push(format!("{token:?}"));
    for text in &texts {
        for secret in secrets {
            assert!(!text.contains(secret), "`{secret}` shows in {text}");
        }
    }
    assert!(texts.iter().any(|t| t.contains("<redacted>")));
}

#[tokio::test]
async fn pingone_pages_follow_the_next_link_on_the_clients_own_origin() {
    let server = MockServer::start().await;
    let page = |next: Option<&str>, id: &str| {
        let mut links = json!({"self": {"href": "https://api.pingone.com/v1/environments/env-1/users/user-1/linkedAccounts"}});
        if let Some(next) = next {
            links["next"] = json!({"href": next});
        }
        json!({"_links": links, "_embedded": {"linkedAccounts": [{
            "_links": {"self": {"href": "https://x/la"}, "environment": {"href": "https://x/e"}, "user": {"href": "https://x/u"}},
            "id": id, "environment": {"id": "env-1"}, "user": {"id": "user-1"}, "identityProvider": {"id": "idp"}, "externalId": id
        }]}, "size": 1})
    };
    Mock::given(path("/environments/env-1/users/user-1/linkedAccounts"))
        .and(query_param("limit", "1"))
        .and(wiremock::matchers::query_param_is_missing("cursor"))
        .and(header("authorization", "Bearer jwt-1"))
        .respond_with(json_answer(200, page(Some("https://api.pingone.com/v1/environments/env-1/users/user-1/linkedAccounts?cursor=c2&limit=1"), "la-1")))
        .expect(1)
        .mount(&server)
        .await;
    // The link names PingOne's host and `/v1`: the rest of it is put under the base URL, so
    // page 2 goes where page 1 went.
    Mock::given(path("/environments/env-1/users/user-1/linkedAccounts"))
        .and(query_param("cursor", "c2"))
        .and(header("authorization", "Bearer jwt-1"))
        .respond_with(json_answer(200, page(None, "la-2")))
        .expect(1)
        .mount(&server)
        .await;
    let client = pingone::Client::builder().base_url(server.uri()).environment_id("env-1").access_token("jwt-1").build().expect("builds");
    let pages = client.read_linked_accounts_pages(pingone::ReadLinkedAccountsRequest::new("user-1").limit(1));
    let all = pages.collect(10).await.expect("two pages");
    let ids: Vec<&str> = all.iter().flat_map(|p| p.embedded.linked_accounts.iter().map(|a| a.id.as_str())).collect();
    assert_eq!(ids, ["la-1", "la-2"]);
}

#[tokio::test]
async fn pingone_token_failures_are_read_with_the_oauth_envelope() {
    let server = MockServer::start().await;
    Mock::given(path("/env-1/as/token"))
        .respond_with(json_answer(401, json!({"error": "invalid_client", "error_description": "Request denied: Invalid client credentials"})))
        .expect(1)
        .mount(&server)
        .await;
    let client = pingone::Client::builder()
        .base_url(server.uri())
        .environment_id("env-1")
        .client_id("id")
        .client_secret("wrong-secret-value")
        .build()
        .expect("builds");
    match client.read_linked_accounts(pingone::ReadLinkedAccountsRequest::new("u")).await {
        Err(Error::Auth(e)) => {
            assert_eq!((e.step, e.status), ("create_access_token", Some(401)));
            assert_eq!(e.message, "invalid_client: Request denied: Invalid client credentials");
        }
        other => panic!("expected an auth error, got {other:?}"),
    }
}

/// MoneyKit's own `unknown` product error code decodes into its own variant `Unknown`; a code
/// the spec does not list lands in `Unrecognized` with its text; both are written back as sent.
#[tokio::test]
async fn moneykit_product_error_code_unknown_is_a_listed_value() {
    let mut body = seed_links();
    let link = &mut body["links"]["mk_eqkWN34UEoa2NxyALG8pcV"];
    link["products"]["accounts"]["error_code"] = json!("unknown");
    link["products"]["identity"]["error_code"] = json!("maintenance_window");
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/users/u1/links"))
        .respond_with(json_answer(200, body.clone()))
        .expect(1)
        .mount(&server)
        .await;
    let client = moneykit::Client::builder().base_url(server.uri()).bearer_token("mk-token").build().expect("builds");
    let links = client.get_user_links(moneykit::GetUserLinksRequest::new("u1")).await.expect("decodes");
    let products = &links.links["mk_eqkWN34UEoa2NxyALG8pcV"].products;
    let accounts = products.accounts.as_ref().expect("accounts state");
    assert_eq!(accounts.error_code, Some(Some(moneykit::ProductErrorCode::Unknown)));
    let identity = products.identity.as_ref().expect("identity state");
    let unlisted = identity.error_code.clone().flatten().expect("a code");
    assert_eq!(unlisted, moneykit::ProductErrorCode::Unrecognized("maintenance_window".into()));
    assert!(unlisted.is_unrecognized() && !moneykit::ProductErrorCode::Unknown.is_unrecognized());
    assert_eq!(moneykit::ProductErrorCode::from("unknown"), moneykit::ProductErrorCode::Unknown);
    assert_eq!(serde_json::to_value(&links).expect("encodes"), body, "re-encodes to the body as sent");
}

/// Plaid's balances, compact and in the models' field order (kept keys last, as received), so the
/// typed value's re-encoding can be compared byte for byte: whole, fractional, exponent and
/// beyond-f64 amounts, and keys no model declares.
const PLAID_BALANCES: &str = concat!(
    r#"{"accounts":[{"account_id":"BxBXxLj1m4HMXBm9WZZmCWVbPjX16EHwv99vp","#,
    r#""balances":{"available":5,"current":12345678901234567.89,"limit":1e3,"iso_currency_code":"USD","#,
    r#""unofficial_currency_code":null,"last_updated_datetime_source":"institution"},"#,
    r#""mask":"0000","name":"Plaid Checking","official_name":null,"type":"depository","subtype":"checking","#,
    r#""vendor_reference":"8cfb8beb89b774ee43b090625f0d61d0814322b43bff984eaf60386e","holder_segment":"personal"},"#,
    r#"{"account_id":"dVzbVMLjrxTnLjX4G66XUp5GLklm4oiZy88yK","balances":{"available":null,"current":-0.01,"#,
    r#""limit":2000.50,"iso_currency_code":"USD","unofficial_currency_code":null},"mask":"3333","#,
    r#""name":"Plaid Credit Card","official_name":null,"type":"credit","subtype":"credit card"}],"#,
    r#""item":{"item_id":"eVBnVMp7zdTJLkRNr33Rs6zr7KNJqBFL9DrE6","institution_id":"ins_3","institution_name":"Chase","#,
    r#""webhook":null,"error":null,"available_products":["balance"],"billed_products":["auth"],"#,
    r#""consent_expiration_time":null,"update_type":"background","created_at":"2024-01-31T12:00:00Z"},"#,
    r#""request_id":"qk5Bxes3gDfv4F2","status":{"investments":{"last_successful_update":null}}}"#,
);

#[tokio::test]
async fn plaid_balances_decode_exactly_and_reencode_byte_for_byte() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/accounts/balance/get"))
        .and(body_json(json!({"client_id": "i", "secret": "s", "access_token": "access-sandbox-1", "options": {"account_ids": ["A1"]}})))
        .respond_with(ResponseTemplate::new(200).insert_header("content-type", "application/json").set_body_string(PLAID_BALANCES))
        .expect(1)
        .mount(&server)
        .await;
    let client = plaid::Client::builder().base_url(server.uri()).client_id("i").secret("s").build().expect("builds");
    let body = plaid::AccountsBalanceGetBody::new("access-sandbox-1")
        .options(plaid::AccountsBalanceGetOptions::new().account_ids(vec!["A1".to_owned()]));
    let answer = client.accounts_balance_get(body).await.expect("decodes");

    let balances = &answer.accounts[0].balances;
    let text = |d: &Option<linkspec_clients::runtime::Decimal>| d.as_ref().map(ToString::to_string);
    assert_eq!(text(&balances.available).as_deref(), Some("5"));
    assert_eq!(text(&balances.current).as_deref(), Some("12345678901234567.89"), "more digits than an f64 holds");
    assert_eq!(text(&balances.limit).as_deref(), Some("1e3"));
    let current = balances.current.as_ref().and_then(|d| d.value().ok()).expect("fits a rust_decimal");
    assert_eq!(current.to_string(), "12345678901234567.89");
    assert_eq!(text(&answer.accounts[1].balances.limit).as_deref(), Some("2000.50"));
    assert_eq!(answer.accounts[0].unknown_keys.keys().collect::<Vec<_>>(), ["vendor_reference", "holder_segment"]);
    assert_eq!(answer.item.unknown_keys.keys().collect::<Vec<_>>(), ["created_at"]);

    assert_eq!(serde_json::to_string(&answer).expect("encodes"), PLAID_BALANCES, "the typed value re-encodes byte for byte");
    let debug = format!("{answer:?}");
    assert!(debug.contains("\"vendor_reference\"") && debug.contains("\"holder_segment\""), "{debug}");
    assert!(!debug.contains("8cfb8beb") && !debug.contains("personal") && !debug.contains("last_successful_update"), "kept values never print: {debug}");
}

#[tokio::test]
async fn moneykit_keeps_link_fields_it_does_not_declare() {
    let server = MockServer::start().await;
    let mut links = seed_links();
    links["links"]["mk_eqkWN34UEoa2NxyALG8pcV"]["created_at"] = json!("2023-01-01T10:00:00");
    links["links"]["mk_eqkWN34UEoa2NxyALG8pcV"]["balance_refresh"] = json!({"every_hours": 12, "ratio": 0.25});
    Mock::given(method("GET")).respond_with(json_answer(200, links.clone())).expect(1).mount(&server).await;
    let client = moneykit::Client::builder().base_url(server.uri()).bearer_token("mk-token").build().expect("builds");
    let answer = client.get_user_links(moneykit::GetUserLinksRequest::new("u")).await.expect("decodes");
    let link = &answer.links["mk_eqkWN34UEoa2NxyALG8pcV"];
    assert_eq!(link.unknown_keys.get("created_at"), Some(&json!("2023-01-01T10:00:00")));
    assert_eq!(serde_json::to_value(&answer).expect("encodes"), links, "nothing the provider sent is lost");
}

#[test]
fn a_missing_credential_names_every_way_to_give_it() {
    let err = linkspec_clients::moneykit::Client::builder().build().expect_err("no credentials");
    assert_eq!(
        err.to_string(),
        "moneykit: no client_id set; call the builder's `client_id` method (the client acquires its tokens with \
         `client_id`, `client_secret` together), or give a token you already have with `bearer_token`"
    );
    let err = linkspec_clients::plaid::Client::builder().client_id("id").build().expect_err("no secret");
    assert_eq!(err.to_string(), "plaid: no secret set; call the builder's `secret` method");
}

/// One setter scheme everywhere: builder settings, request parameters and model fields are set
/// by name, and `set_<name>` takes an `Option` (`Some` sets, `None` leaves it out), so values
/// an application may or may not have need no `if let`.
#[tokio::test]
async fn option_setters_set_some_and_leave_none_out_on_builders_requests_and_models() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/links"))
        .and(query_param("limit", "5"))
        .and(|r: &Request| !r.url.query_pairs().any(|(k, _)| k == "cursor"))
        .and(header("authorization", "Bearer from-config"))
        .and(header("moneykit-version", "2023-02-18"))
        .respond_with(json_answer(200, json!({"links": [], "next_cursor": null})))
        .expect(1)
        .mount(&server)
        .await;
    let (token, version, timeout): (Option<&str>, Option<String>, Option<std::time::Duration>) =
        (Some("from-config"), None, Some(std::time::Duration::from_secs(5)));
    let client = moneykit::Client::builder()
        .set_base_url(Some(server.uri()))
        .set_bearer_token(token.map(str::to_owned))
        .set_moneykit_version(version)
        .set_timeout(timeout)
        .set_environment(None)
        .build()
        .expect("builds");
    let request = moneykit::ListLinksRequest::new().set_cursor(None).set_limit(Some(5));
    assert_eq!(request, moneykit::ListLinksRequest::new().limit(5));
    client.list_links(request).await.expect("decodes");

    // Models: `set_x(None)` is a field left out, `set_x(Some(v))` the same as `x(v)`; for a
    // nullable field the explicit `null` stays `x_null()`.
    let form = moneykit::AccessTokenForm::new("client_credentials").set_scope(None).set_client_id(Some("id".to_owned()));
    assert_eq!(form, moneykit::AccessTokenForm::new("client_credentials").client_id("id"));
    let text = serde_json::to_value(&form).expect("encodes");
    assert_eq!(text, json!({"grant_type": "client_credentials", "client_id": "id"}));
    let body = plaid::UserCreateBody::new("c0").set_consumer_report_user_identity(None);
    assert!(serde_json::to_value(&body).expect("encodes").get("consumer_report_user_identity").is_none());
}

/// PingOne's environment id is a setting of the client, not an argument of each request: the
/// request takes the user's id alone (a `UserId`, not a bare string), and the path carries the
/// client's environment. The ids that come back are typed too and go straight into the next
/// request.
#[tokio::test]
async fn pingone_fills_the_environment_into_the_path_and_ids_flow_between_calls() {
    let server = MockServer::start().await;
    let linked = |id: &str| {
        json!({
            "_links": {"self": {"href": "https://x/la"}, "environment": {"href": "https://x/e"}, "user": {"href": "https://x/u"}},
            "id": id, "environment": {"id": "env-7"}, "user": {"id": "user-1"}, "identityProvider": {"id": "idp"}, "externalId": "ext-1"
        })
    };
    Mock::given(method("GET"))
        .and(path("/environments/env-7/users/user-1/linkedAccounts"))
        .respond_with(json_answer(200, json!({
            "_links": {"self": {"href": "https://api.pingone.com/v1/environments/env-7/users/user-1/linkedAccounts"}},
            "_embedded": {"linkedAccounts": [linked("la-1")]}, "size": 1
        })))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/environments/env-7/users/user-1/linkedAccounts/la-1"))
        .respond_with(json_answer(200, linked("la-1")))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("DELETE"))
        .and(path("/environments/env-7/users/user-1/linkedAccounts/la-1"))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;
    let client = pingone::Client::builder().base_url(server.uri()).environment_id("env-7").access_token("jwt-1").build().expect("builds");
    let user = pingone::UserId::new("user-1");
    let list = client.read_linked_accounts(pingone::ReadLinkedAccountsRequest::new(user.clone())).await.expect("the list");
    let account = &list.embedded.linked_accounts[0];
    assert_eq!(account.id, "la-1");
    assert_eq!(account.environment.id, pingone::EnvironmentId::new("env-7"));
    let one = client.read_linked_account(pingone::ReadLinkedAccountRequest::new(account.user.id.clone(), account.id.clone())).await.expect("one");
    assert_eq!(one.id.as_str(), "la-1");
    client.delete_linked_account(pingone::DeleteLinkedAccountRequest::new(user, one.id)).await.expect("204");
}

/// A client built with a ready token but no environment id cannot fill PingOne's paths: the
/// builder refuses it and says which setting is missing and why, before any call.
#[test]
fn pingone_without_an_environment_id_is_refused_at_build_time() {
    let err = pingone::Client::builder().access_token("jwt-1").build().expect_err("the environment id is missing");
    let text = err.to_string();
    assert!(matches!(err, linkspec_clients::runtime::BuildError::MissingSetting { setting: "environment_id", .. }), "{err:?}");
    assert!(text.contains("`environment_id`") && text.contains("read_linked_accounts") && text.contains("{envID}"), "{text}");
    assert!(!text.contains("jwt-1"), "no secret in the message: {text}");
}

/// Id types are serde-transparent (plain JSON strings), compare with their text, and an id read
/// from one answer is the argument of the next request as it is.
#[test]
fn ids_are_plain_json_and_go_from_answers_into_requests() {
    let member: mx::Member = serde_json::from_value(json!({
        "guid": "MBR-1", "institution_code": "chase", "institution_guid": "INS-1", "is_being_aggregated": false,
        "is_managed_by_user": true, "is_oauth": false, "is_user_created": true, "name": "Chase", "user_guid": "USR-1",
        "aggregated_at": null, "background_aggregation_is_disabled": false, "connection_status": "CONNECTED",
        "external_guid": null, "most_recent_job_guid": null, "metadata": null, "successfully_aggregated_at": null
    }))
    .expect("decodes");
    assert_eq!((member.guid.as_str(), member.user_guid.to_string()), ("MBR-1", "USR-1".to_owned()));
    assert_eq!(serde_json::to_value(&member.guid).expect("encodes"), json!("MBR-1"));
    let request = mx::ReadMemberRequest::new(member.guid.clone());
    assert_eq!(request.member_guid, member.guid);
}
