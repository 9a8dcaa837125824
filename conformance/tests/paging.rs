//! Paging as applications use it, against wiremock on 127.0.0.1: pages and items as
//! `Stream`s (`try_collect`), items across pages where the spec says where a page's items are,
//! and truncation that is never silent: a provider that loops, or more pages than asked for,
//! makes `collect` fail with `Error::Truncated`, and `truncated()` says why.

use futures_util::TryStreamExt;
use linkspec_clients::runtime::{Error, Truncation};
use linkspec_clients::{moneykit, pingone};
use serde_json::json;
use wiremock::matchers::{method, path, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer, ResponseTemplate};

const LINKED: &str = "/environments/env-1/users/user-1/linkedAccounts";

fn linked_page(ids: &[&str], next: Option<&str>) -> serde_json::Value {
    let mut links = json!({"self": {"href": format!("https://api.pingone.com/v1{LINKED}")}});
    if let Some(next) = next {
        links["next"] = json!({"href": format!("https://api.pingone.com/v1{LINKED}?cursor={next}")});
    }
    let accounts: Vec<serde_json::Value> = ids
        .iter()
        .map(|id| json!({
            "_links": {"self": {"href": "https://x/la"}, "environment": {"href": "https://x/e"}, "user": {"href": "https://x/u"}},
            "id": id, "environment": {"id": "env-1"}, "user": {"id": "user-1"}, "identityProvider": {"id": "idp"}, "externalId": id
        }))
        .collect();
    json!({"_links": links, "_embedded": {"linkedAccounts": accounts}, "size": ids.len()})
}

/// Three pages: two accounts, none (an empty page is skipped), one.
async fn three_pages() -> MockServer {
    let server = MockServer::start().await;
    let pages = [(None, &["la-1", "la-2"][..], Some("c2")), (Some("c2"), &[][..], Some("c3")), (Some("c3"), &["la-3"][..], None)];
    for (cursor, ids, next) in pages {
        let mock = Mock::given(method("GET")).and(path(LINKED));
        let mock = match cursor {
            Some(c) => mock.and(query_param("cursor", c)),
            None => mock.and(query_param_is_missing("cursor")),
        };
        mock.respond_with(ResponseTemplate::new(200).set_body_json(linked_page(ids, next))).mount(&server).await;
    }
    server
}

fn client(server: &MockServer) -> pingone::Client {
    pingone::Client::builder().base_url(server.uri()).environment_id("env-1").access_token("jwt-1").build().expect("builds")
}

fn request() -> pingone::ReadLinkedAccountsRequest {
    pingone::ReadLinkedAccountsRequest::new("user-1")
}

#[tokio::test]
async fn items_stream_across_pages() {
    let server = three_pages().await;
    let client = client(&server);
    let items: Vec<pingone::LinkedAccount> = client.read_linked_accounts_items(request()).try_collect().await.expect("three pages");
    let ids: Vec<&str> = items.iter().map(|a| a.id.as_str()).collect();
    assert_eq!(ids, ["la-1", "la-2", "la-3"]);

    let mut items = client.read_linked_accounts_items(request());
    assert!(items.has_more());
    let first = items.next().await.expect("an item").expect("decodes");
    assert_eq!((first.id.as_str(), items.pages_fetched()), ("la-1", 1), "pages are fetched as items are asked for");
    let rest = items.collect(10).await.expect("the rest");
    assert_eq!(rest.len(), 2);
}

#[tokio::test]
async fn pages_stream_and_say_when_they_are_done() {
    let server = three_pages().await;
    let client = client(&server);
    let pages: Vec<pingone::LinkedAccountList> = client.read_linked_accounts_pages(request()).try_collect().await.expect("three pages");
    assert_eq!(pages.iter().map(|p| p.size).collect::<Vec<_>>(), [2, 0, 1]);

    let mut pages = client.read_linked_accounts_pages(request());
    while pages.next().await.transpose().expect("decodes").is_some() {}
    assert!(!pages.has_more());
    assert_eq!((pages.fetched(), pages.truncated()), (3, None), "the provider's last page: not truncated");
}

#[tokio::test]
async fn more_pages_than_asked_for_is_an_error_or_a_flag() {
    let server = three_pages().await;
    let client = client(&server);
    let e = client.read_linked_accounts_pages(request()).collect(2).await.expect_err("a third page was left");
    assert!(matches!(e, Error::Truncated { pages: 2, why: Truncation::Limit, .. }), "{e:?}");
    assert!(e.to_string().contains("read_linked_accounts: the listing stopped after 2 page(s)"), "{e}");
    let (pages, why) = client.read_linked_accounts_pages(request()).collect_partial(2).await.expect("two pages");
    assert_eq!((pages.len(), why), (2, Some(Truncation::Limit)));
    let e = client.read_linked_accounts_items(request()).collect(2).await.expect_err("a third item was left");
    assert!(matches!(e, Error::Truncated { why: Truncation::Limit, .. }), "{e:?}");
}

#[tokio::test]
async fn a_provider_that_loops_is_truncated_not_followed_forever() {
    // MoneyKit's cursor comes back the same: the second request would repeat the first's.
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/links"))
        .and(query_param("cursor", "same"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"links": [{"link_id": "mk_2", "created_at": "2023-02-16T09:14:11"}], "next_cursor": "same"})))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/links"))
        .and(query_param_is_missing("cursor"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"links": [{"link_id": "mk_1", "created_at": "2023-02-16T09:14:11"}], "next_cursor": "same"})))
        .mount(&server)
        .await;
    let client = moneykit::Client::builder().base_url(server.uri()).bearer_token("token").build().expect("builds");
    let mut pages = client.list_links_pages(moneykit::ListLinksRequest::new());
    let mut fetched = 0;
    while let Some(page) = pages.next().await {
        page.expect("decodes");
        fetched += 1;
    }
    assert_eq!((fetched, pages.truncated()), (2, Some(Truncation::Loop)), "the repeated request is not sent");
    let e = client.list_links_items(moneykit::ListLinksRequest::new()).collect(100).await.expect_err("a loop");
    assert!(matches!(e, Error::Truncated { why: Truncation::Loop, .. }), "{e:?}");
    // The stream ends all the same; the flag is there to read.
    let items: Vec<_> = client.list_links_items(moneykit::ListLinksRequest::new()).try_collect().await.expect("ends");
    assert_eq!(items.len(), 2);
}
