//! Usage tests of the constructs no bundled provider uses yet, through the code the generator
//! makes of its own fixtures (`codegen/tests/fixtures/`, compiled as `generated/fixtures/`),
//! against wiremock on 127.0.0.1: integer and boolean enums, nullable list items and map
//! values, list query parameters, optional request bodies, HTTP Basic, named auth schemes and
//! operations without credentials, deprecated operations and fields.

use linkspec_fixture_clients::{deprecations, enum_wire, ids, optbody, platform, query_lists};
use serde_json::json;
use wiremock::matchers::{body_json, body_string, header, header_exists, method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

fn answer(status: u16, body: &str) -> ResponseTemplate {
    ResponseTemplate::new(status).insert_header("content-type", "application/json").set_body_string(body)
}

fn no_header(name: &'static str) -> impl Fn(&Request) -> bool {
    move |r: &Request| !r.headers.contains_key(name)
}

#[tokio::test]
async fn integer_and_boolean_enums_decode_from_their_json_types_and_re_encode_byte_for_byte() {
    let server = MockServer::start().await;
    let body = r#"{"item_type":7,"subtype":"UNKNOWN","retirement":"true","verified":false,"answered":true}"#;
    Mock::given(path("/plan/item")).respond_with(answer(200, body)).expect(1).mount(&server).await;
    let client = enum_wire::Client::builder().base_url(server.uri()).bearer_token("t").build().expect("builds");
    let item = client.get_plan_item(enum_wire::GetPlanItemRequest::new()).await.expect("decodes");
    assert_eq!(item.item_type, Some(enum_wire::ItemType::Unknown(7)), "an unlisted integer keeps its value");
    assert_eq!(item.subtype, enum_wire::AccountSubtype::Unknown, "the provider's own UNKNOWN is a listed value");
    assert_eq!(item.verified, Some(enum_wire::Verified::Unknown(false)), "an unlisted boolean keeps its value");
    assert_eq!(item.answered, Some(enum_wire::Answered::True));
    assert_eq!(serde_json::to_string(&item).expect("encodes"), body);
}

#[tokio::test]
async fn list_queries_go_repeated_or_comma_joined_and_nullable_items_come_back_as_sent() {
    let server = MockServer::start().await;
    let body = r#"{"amounts":[1,null,3],"categories":{"t1":"food","t2":null}}"#;
    Mock::given(path("/transactions"))
        .and(|r: &Request| r.url.query() == Some("account_ids=a&account_ids=b%2Cc&statuses=pending,posted&years=2024"))
        .respond_with(answer(200, body))
        .expect(1)
        .mount(&server)
        .await;
    let client = query_lists::Client::builder().base_url(server.uri()).bearer_token("t").build().expect("builds");
    let request = query_lists::ListTransactionsRequest::new(vec!["a".into(), "b,c".into()])
        .statuses(vec![query_lists::Status::Pending, query_lists::Status::Posted])
        .years_in(vec![2024]);
    let list = client.list_transactions(request).await.expect("decodes");
    assert_eq!(list.amounts, [Some(1), None, Some(3)]);
    assert_eq!(list.categories.get("t2"), Some(&None));
    assert_eq!(serde_json::to_string(&list).expect("encodes"), body);
}

#[tokio::test]
async fn an_optional_body_left_out_sends_nothing_and_one_given_is_sent() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/members/m1/refresh"))
        .and(body_string(""))
        .and(header("content-length", "0"))
        .and(no_header("content-type"))
        .respond_with(answer(202, r#"{"guid":"m1"}"#))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/members/m2/refresh"))
        .and(body_json(json!({"include_transactions": true})))
        .respond_with(answer(202, r#"{"guid":"m2"}"#))
        .expect(1)
        .mount(&server)
        .await;
    let client = optbody::Client::builder().base_url(server.uri()).bearer_token("t").build().expect("builds");
    let left_out = client.refresh_member(optbody::RefreshMemberRequest::new("m1")).await.expect("202");
    assert_eq!(left_out.guid, "m1");
    let given = optbody::RefreshMemberRequest::new("m2").body(optbody::RefreshOptions::new().include_transactions(true));
    assert_eq!(client.refresh_member(given).await.expect("202").guid, "m2");
}

#[tokio::test]
async fn named_schemes_send_basic_by_default_a_token_where_named_and_nothing_for_none() {
    let server = MockServer::start().await;
    // base64("client-1:key-2")
    Mock::given(path("/users"))
        .and(header("authorization", "Basic Y2xpZW50LTE6a2V5LTI="))
        .respond_with(answer(200, r#"{"users":["USR-1"]}"#))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(path("/account/balance"))
        .and(header("authorization", "Bearer processor-3"))
        .respond_with(answer(200, r#"{"available_balance":5}"#))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(path("/health")).and(no_header("authorization")).respond_with(ResponseTemplate::new(204)).expect(1).mount(&server).await;
    Mock::given(header_exists("x-never")).respond_with(ResponseTemplate::new(500)).expect(0).mount(&server).await;
    let client = platform::Client::builder()
        .base_url(server.uri())
        .client_id("client-1")
        .api_key("key-2")
        .processor_token("processor-3")
        .build()
        .expect("builds");
    assert_eq!(client.list_users(platform::ListUsersRequest::new()).await.expect("200").users, ["USR-1"]);
    let balance = client.read_account_balance(platform::ReadAccountBalanceRequest::new()).await.expect("200");
    assert_eq!(serde_json::to_string(&balance).expect("encodes"), r#"{"available_balance":5}"#, "a whole float stays whole");
    client.health(platform::HealthRequest::new()).await.expect("204");
    for secret in ["client-1", "key-2", "processor-3", "Y2xpZW50"] {
        assert!(!format!("{client:?}").contains(secret), "{secret} printed");
    }
}

#[tokio::test]
async fn a_scheme_whose_credentials_are_unset_fails_before_sending() {
    let server = MockServer::start().await;
    Mock::given(path("/account/balance")).respond_with(answer(200, "{}")).expect(0).mount(&server).await;
    let client = platform::Client::builder().base_url(server.uri()).client_id("c").api_key("k").build().expect("the default scheme is set");
    let err = client.read_account_balance(platform::ReadAccountBalanceRequest::new()).await.expect_err("no processor token");
    assert!(err.to_string().contains("processor_token"), "{err}");
}

#[tokio::test]
#[allow(deprecated)] // calling deprecated items is the point; the attributes are checked below
async fn deprecated_operations_and_fields_still_work() {
    let server = MockServer::start().await;
    Mock::given(path("/item/get"))
        .and(body_json(json!({"user_id": "u1", "legacy_flag": null})))
        .respond_with(answer(200, r#"{"items":["i1"],"old_count":1}"#))
        .expect(1)
        .mount(&server)
        .await;
    let client = deprecations::Client::builder().base_url(server.uri()).bearer_token("t").build().expect("builds");
    let items = client.items_get(deprecations::ItemsBody::new("u1").legacy_flag_null()).await.expect("200");
    assert_eq!((items.items.as_slice(), items.old_count), (["i1".to_owned()].as_slice(), 1));
    let source = include_str!("../../generated/fixtures/src/deprecations/client.rs");
    assert!(source.contains(r#"#[deprecated(note = "use /user/items/get")]"#), "the spec's note is the attribute's");
}

/// Id types in paths, queries (one and a list), fields, lists and maps; the tenant filled into
/// the path from the client's setting; and a sensitive id field still redacted in `Debug`.
#[tokio::test]
async fn ids_travel_as_plain_text_and_the_tenant_comes_from_the_client() {
    let server = MockServer::start().await;
    let body = r#"{"id":"a-1","tenant":"t-1","card":"4111-secret-card","linked":["a-2"],"by_card":{"c1":"a-3","c2":null},"last_change":42}"#;
    Mock::given(method("GET"))
        .and(path("/tenants/t-1/accounts/a-1"))
        .and(|r: &Request| r.url.query() == Some("after=41&also=a-2,a-3"))
        .respond_with(answer(200, body))
        .expect(1)
        .mount(&server)
        .await;
    let client = ids::Client::builder().base_url(server.uri()).tenant_id("t-1").bearer_token("t").build().expect("builds");
    let request = ids::GetAccountRequest::new(ids::AccountId::new("a-1")).after(ids::Sequence::new(41)).also(vec!["a-2".into(), ids::AccountId::from("a-3")]);
    let account = client.get_account(request).await.expect("decodes");
    assert_eq!((account.id.as_str(), account.tenant.as_str(), account.linked[0].as_str()), ("a-1", "t-1", "a-2"));
    assert_eq!(account.last_change.map(ids::Sequence::get), Some(42));
    assert_eq!(serde_json::to_string(&account).expect("encodes"), body, "ids are plain JSON");
    let shown = format!("{account:?}");
    assert!(!shown.contains("4111-secret-card") && shown.contains("<redacted>"), "{shown}");

    let err = ids::Client::builder().base_url(server.uri()).bearer_token("t").build().expect_err("no tenant");
    assert!(err.to_string().contains("`tenant_id`") && err.to_string().contains("`get_account`"), "{err}");
}
