//! List query parameters on the wire, against a wiremock server on 127.0.0.1: `repeated` sends
//! one pair per item, `comma` one pair with the items joined, each item percent-encoded on its
//! own; an empty list sends nothing. The raw query string is checked, not only decoded pairs,
//! since `a,b` and `a%2Cb` decode alike but a comma-style server reads them differently.

mod common;

use common::*;
use wiremock::matchers::query_param;

/// Sends `GET /things/t1` with the query `fill` builds and returns the query string the server saw.
async fn sent_query(fill: impl FnOnce(&mut Call)) -> Option<String> {
    let server = MockServer::start().await;
    mount_token(&server, "tok-1", 1).await;
    Mock::given(method("GET")).and(path("/things/t1")).respond_with(ok()).expect(1).mount(&server).await;
    let t = transport(&server, &clock());
    let mut call = Call::new(&GET_THING);
    call.path_param("id", &"t1");
    fill(&mut call);
    t.send::<serde_json::Value, TestError>(call).await.expect("answered");
    let requests = server.received_requests().await.expect("recorded");
    let data = requests.iter().find(|r| r.url.path() == "/things/t1").expect("the data call");
    data.url.query().map(str::to_owned)
}

#[tokio::test]
async fn repeated_sends_one_pair_per_item_in_order() {
    let query = sent_query(|c| c.query_repeated("ids", &["acc-1", "acc 2", "a,b"])).await;
    assert_eq!(query.as_deref(), Some("ids=acc-1&ids=acc%202&ids=a%2Cb"));
}

#[tokio::test]
async fn comma_joins_the_items_and_encodes_commas_inside_them() {
    let query = sent_query(|c| c.query_comma("ids", &["acc-1", "acc 2", "a,b"])).await;
    assert_eq!(query.as_deref(), Some("ids=acc-1,acc%202,a%2Cb"));
}

#[tokio::test]
async fn lists_mix_with_single_values_and_keep_their_place() {
    let query = sent_query(|c| {
        c.query("limit", &10);
        c.query_comma("years", &[2023, 2024]);
        c.query_repeated("status", &["pending", "posted"]);
    })
    .await;
    assert_eq!(query.as_deref(), Some("limit=10&years=2023,2024&status=pending&status=posted"));
}

#[tokio::test]
async fn an_empty_list_sends_nothing_in_either_style() {
    let empty: [&str; 0] = [];
    let query = sent_query(|c| {
        c.query_repeated("a", &empty);
        c.query_comma("b", &empty);
    })
    .await;
    assert_eq!(query, None);
}

#[tokio::test]
async fn a_server_matching_decoded_pairs_sees_each_repeated_item() {
    let server = MockServer::start().await;
    mount_token(&server, "tok-1", 1).await;
    Mock::given(method("GET"))
        .and(path("/things/t1"))
        .and(query_param("ids", "x"))
        .and(query_param("ids", "y"))
        .respond_with(ok())
        .expect(1)
        .mount(&server)
        .await;
    let t = transport(&server, &clock());
    let mut call = Call::new(&GET_THING);
    call.path_param("id", &"t1");
    call.query_repeated("ids", &["x", "y"]);
    let answer: serde_json::Value = t.send::<serde_json::Value, TestError>(call).await.expect("matched");
    assert_eq!(answer, serde_json::json!({"ok": true}));
}
