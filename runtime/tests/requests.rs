//! What goes on the wire, against a wiremock server on 127.0.0.1: path values placed once,
//! bodies sent alike on every attempt of a call, and pages read for their link only.

mod common;

use common::*;
use linkspec_runtime::KeyPlacement;

static GET_OWNED: OperationMeta =
    OperationMeta { name: "get_owned", path: "/users/{user_id}/things/{thing_id}", ..GET_THING };

#[tokio::test]
async fn a_path_value_is_placed_as_written_and_never_searched_for_other_placeholders() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/users/%7Bthing_id%7D/things/t1"))
        .respond_with(ok())
        .expect(1)
        .mount(&server)
        .await;
    let t = TransportBuilder::new(&PROVIDER).base_url(server.uri()).token("static".into()).build().expect("builds");
    let mut call = Call::new(&GET_OWNED);
    call.path_param("user_id", &"{thing_id}");
    call.path_param("thing_id", &"t1");
    t.send::<serde_json::Value, TestError>(call).await.expect("the user named `{thing_id}`, not `t1`");
}

static KEY_PAIR: ProviderMeta = ProviderMeta {
    name: "key_pair",
    auth: AuthScheme::KeyPair {
        client_id: KeyPlacement { body: "client_id", header: "CLIENT-ID" },
        secret: KeyPlacement { body: "secret", header: "SECRET" },
    },
    acquire: None,
    inputs: &[],
    ..PROVIDER
};

static CREATE_TRANSFER: OperationMeta = OperationMeta { provider: &KEY_PAIR, name: "create_transfer", ..CREATE_THING };
static CLOSE_THING: OperationMeta = OperationMeta { provider: &KEY_PAIR, name: "close_thing", ..CREATE_THING };

/// The data requests `server` received, as (content-type, content-length, body).
async fn sent_bodies(server: &MockServer) -> Vec<(Option<String>, Option<String>, String)> {
    let header = |r: &wiremock::Request, name: &str| r.headers.get(name).and_then(|v| v.to_str().ok()).map(str::to_owned);
    server
        .received_requests()
        .await
        .expect("recorded")
        .iter()
        .map(|r| (header(r, "content-type"), header(r, "content-length"), String::from_utf8_lossy(&r.body).into_owned()))
        .collect()
}

async fn rate_limited_once(server: &MockServer) {
    Mock::given(method("POST")).and(path("/things")).respond_with(error(429, "slow_down")).up_to_n_times(1).mount(server).await;
    Mock::given(method("POST")).and(path("/things")).respond_with(ResponseTemplate::new(201).set_body_json(serde_json::json!({}))).mount(server).await;
}

#[tokio::test]
async fn a_retry_sends_the_same_body_with_its_credentials() {
    let server = MockServer::start().await;
    rate_limited_once(&server).await;
    let clock = clock();
    let t = TransportBuilder::new(&KEY_PAIR)
        .base_url(server.uri())
        .client_id("id-1".into())
        .secret("s-1".into())
        .clock(Arc::new(clock.clone()))
        .build()
        .expect("builds");
    let mut call = Call::new(&CREATE_TRANSFER);
    call.json_body(&serde_json::json!({"amount": 5}));
    t.send::<serde_json::Value, TestError>(call).await.expect("retried after the 429");
    let body = r#"{"amount":5,"client_id":"id-1","secret":"s-1"}"#;
    let want = (Some("application/json".to_owned()), Some(body.len().to_string()), body.to_owned());
    assert_eq!(sent_bodies(&server).await, [want.clone(), want]);
    assert_eq!(clock.sleeps().len(), 1);
}

#[tokio::test]
async fn a_retried_post_without_a_body_says_so_every_time() {
    let server = MockServer::start().await;
    rate_limited_once(&server).await;
    let t = TransportBuilder::new(&PROVIDER)
        .base_url(server.uri())
        .token("static".into())
        .clock(Arc::new(clock()))
        .build()
        .expect("builds");
    t.send::<serde_json::Value, TestError>(Call::new(&CREATE_THING)).await.expect("retried after the 429");
    let want = (None, Some("0".to_owned()), String::new());
    assert_eq!(sent_bodies(&server).await, [want.clone(), want]);
    // A key pair in the body makes a body of an empty call.
    let server = MockServer::start().await;
    rate_limited_once(&server).await;
    let t = TransportBuilder::new(&KEY_PAIR)
        .base_url(server.uri())
        .client_id("id-1".into())
        .secret("s-1".into())
        .clock(Arc::new(clock()))
        .build()
        .expect("builds");
    t.send::<serde_json::Value, TestError>(Call::new(&CLOSE_THING)).await.expect("retried after the 429");
    let body = r#"{"client_id":"id-1","secret":"s-1"}"#;
    let want = (Some("application/json".to_owned()), Some(body.len().to_string()), body.to_owned());
    assert_eq!(sent_bodies(&server).await, [want.clone(), want]);
}

/// A page as a model declares it: the things and the link, nothing else.
#[derive(Debug, serde::Deserialize)]
struct Page {
    n: u32,
}

#[tokio::test]
async fn a_page_leads_on_whatever_the_fields_its_model_skips_hold() {
    let server = MockServer::start().await;
    // `1e400` is out of `f64`'s range: no `serde_json::Value` holds this page, but the model,
    // which skips `stats`, decodes it; its link is followed all the same.
    Mock::given(path("/things"))
        .and(wiremock::matchers::query_param_is_missing("p"))
        .respond_with(ResponseTemplate::new(200).set_body_string(r#"{"n": 1, "stats": {"ratio": 1e400}, "next": "/things?p=2"}"#))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(path("/things"))
        .and(wiremock::matchers::query_param("p", "2"))
        .respond_with(ResponseTemplate::new(200).set_body_string(r#"{"n": 2}"#))
        .expect(1)
        .mount(&server)
        .await;
    let t = TransportBuilder::new(&PROVIDER).base_url(server.uri()).token("static".into()).build().expect("builds");
    let pages: linkspec_runtime::Pages<Page, TestError> = linkspec_runtime::Pages::new(t, Call::new(&LIST_THINGS));
    let all = pages.collect(10).await.expect("both pages");
    assert_eq!(all.iter().map(|p| p.n).collect::<Vec<_>>(), [1, 2]);
}
