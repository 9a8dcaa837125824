//! The connections view across the four providers at once, each against its own wiremock
//! server on 127.0.0.1: one provider answers 500, one 429 with a `Retry-After` longer than its
//! client waits, one answers only after the query's deadline, and the fourth's connections
//! arrive complete; each failure keeps its provider, its typed error and its class.

use linkspec_clients::connections::{ConnectionStatus, ConnectionsError, ConnectionsQuery};
use linkspec_clients::runtime::{Error, ErrorClass};
use linkspec_clients::{moneykit, mx, pingone, plaid};
use serde_json::json;
use std::time::Duration;
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn links() -> serde_json::Value {
    let product = |at: &str| json!({"refreshed_at": at, "last_attempted_at": at, "error_code": null, "error_message": null, "unavailable": null});
    json!({"links": {
        "mk_1": {"link_id": "mk_1", "institution_id": "chase", "institution_name": "Chase", "state": "connected", "error_code": null,
                 "provider": "plaid", "products": {"accounts": product("2023-02-16T09:14:11"), "transactions": product("2023-02-17T10:00:00")}},
        "mk_2": {"link_id": "mk_2", "institution_id": "citi", "institution_name": "Citi", "state": "error", "error_code": "auth_expired",
                 "provider": "mx", "products": {"accounts": product("2023-01-02T03:04:05")}}
    }})
}

async fn servers() -> (MockServer, MockServer, MockServer, MockServer) {
    let (mk, pl, mxs, po) = (MockServer::start().await, MockServer::start().await, MockServer::start().await, MockServer::start().await);
    Mock::given(method("GET"))
        .and(path("/users/user-1/links"))
        .and(header("authorization", "Bearer placeholder-moneykit-token"))
        .respond_with(ResponseTemplate::new(200).set_body_json(links()))
        .mount(&mk)
        .await;
    Mock::given(method("POST"))
        .and(path("/item/get"))
        .respond_with(ResponseTemplate::new(500).set_body_json(json!({
            "error_type": "API_ERROR", "error_code": "INTERNAL_SERVER_ERROR", "error_message": "an unexpected error occurred",
            "display_message": null, "request_id": "req-500"
        })))
        .mount(&pl)
        .await;
    Mock::given(method("GET"))
        .and(path("/members"))
        .respond_with(ResponseTemplate::new(429).insert_header("retry-after", "120").set_body_json(json!({"error": {"code": 4290, "message": "Too many requests"}})))
        .mount(&mxs)
        .await;
    Mock::given(method("GET"))
        .and(path("/environments/env-1/users/user-1/linkedAccounts"))
        .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_secs(30)).set_body_json(json!({"_links": {"self": {"href": "x"}}, "_embedded": {"linkedAccounts": []}, "size": 0})))
        .mount(&po)
        .await;
    (mk, pl, mxs, po)
}

#[tokio::test]
async fn one_failing_one_rate_limited_one_slow_never_lose_the_fourth() {
    let (mk, pl, mxs, po) = servers().await;
    let moneykit = moneykit::Client::builder().base_url(mk.uri()).bearer_token("placeholder-moneykit-token").build().expect("builds");
    let plaid = plaid::Client::builder().base_url(pl.uri()).client_id("placeholder-client-id").secret("placeholder-secret").build().expect("builds");
    let mx = mx::Client::builder().base_url(mxs.uri()).session_token("placeholder-session-token").build().expect("builds");
    let pingone = pingone::Client::builder().base_url(po.uri()).environment_id("env-1").access_token("placeholder-pingone-jwt").build().expect("builds");

    let answers = ConnectionsQuery::new()
        .deadline(Duration::from_secs(3))
        .with(moneykit.list_connections("user-1"))
        .with(plaid.list_connections(["placeholder-access-token"]))
        .with(mx.list_connections())
        .with(pingone.list_connections("user-1"))
        .run()
        .await;
    let providers: Vec<&str> = answers.iter().map(|a| a.provider).collect();
    assert_eq!(providers, ["moneykit", "plaid", "mx", "pingone"], "one answer per call, in order");

    // MoneyKit's connections arrive complete, in link id order.
    let items = answers[0].result.as_ref().expect("moneykit answers");
    assert_eq!(items.len(), 2);
    assert_eq!((items[0].id.as_str(), items[0].institution_name.as_deref()), ("mk_1", Some("Chase")));
    assert_eq!(items[0].status, ConnectionStatus::Connected);
    assert_eq!(items[0].last_refreshed_at.map(|t| t.to_string()).as_deref(), Some("2023-02-17T10:00:00Z"), "the latest product refresh, as UTC");
    assert_eq!((items[1].status.clone(), items[1].provider_status.as_str()), (ConnectionStatus::NeedsUserAction, "error/auth_expired"));
    assert!(matches!(&items[1].record, linkspec_clients::connections::ConnectionRecord::Moneykit(link) if link.link_id == "mk_2"));

    // Plaid: a 500, typed, retryable.
    let e = answers[1].result.as_ref().expect_err("plaid failed");
    assert_eq!((e.provider(), e.status(), e.class()), ("plaid", Some(500), Some(ErrorClass::Other)));
    assert!(e.is_retryable(), "{e}");
    assert!(matches!(e, ConnectionsError::Plaid(Error::Api(api)) if api.code().as_deref() == Some("INTERNAL_SERVER_ERROR")), "{e:?}");

    // MX: rate limited, with the wait it asked for (longer than the client waits by default).
    let e = answers[2].result.as_ref().expect_err("mx was rate limited");
    assert_eq!((e.provider(), e.status()), ("mx", Some(429)));
    assert!(e.is_rate_limited(), "{e:?}");
    assert_eq!(e.retry_after(), Some(Duration::from_secs(120)));

    // PingOne: still answering when the deadline passed.
    let e = answers[3].result.as_ref().expect_err("pingone was too slow");
    assert!(e.is_deadline_exceeded() && e.is_retryable(), "{e:?}");
    assert_eq!((e.provider(), e.status()), ("pingone", None));
    assert!(e.to_string().contains("pingone: no answer within 3s"), "{e}");
    assert!(answers[3].elapsed >= Duration::from_secs(3));
}

#[tokio::test]
async fn without_a_deadline_each_call_ends_by_its_own_client() {
    let (mk, _pl, mxs, _po) = servers().await;
    let moneykit = moneykit::Client::builder().base_url(mk.uri()).bearer_token("placeholder-moneykit-token").build().expect("builds");
    let mx = mx::Client::builder().base_url(mxs.uri()).session_token("placeholder-session-token").build().expect("builds");
    let answers = ConnectionsQuery::new().with(mx.list_connections()).with(moneykit.list_connections("user-1")).run().await;
    assert!(answers[0].result.as_ref().is_err_and(ConnectionsError::is_rate_limited));
    assert_eq!(answers[1].result.as_ref().map(Vec::len).ok(), Some(2));
    // A single provider's call is an ordinary future with the provider's own error type.
    let one: Result<Vec<_>, mx::Error> = mx.list_connections().await;
    assert!(one.is_err_and(|e| e.is_rate_limited()));
}
