//! The HTTP client under a transport: the runtime's own (linkspec's user agent, built without
//! reading the certificate store again) unless the caller gives one, and never a pool shared
//! with transports of other tokio runtimes.

mod common;

use common::*;

fn user_agent_of(request: &wiremock::Request) -> Option<String> {
    request.headers.get("user-agent").and_then(|v| v.to_str().ok()).map(str::to_owned)
}

#[tokio::test]
async fn the_callers_client_is_used_and_the_default_says_linkspec() {
    let server = MockServer::start().await;
    Mock::given(path("/things/t1")).respond_with(ok()).expect(2).mount(&server).await;
    let own = TransportBuilder::new(&PROVIDER).base_url(server.uri()).token("static".into()).build().expect("builds");
    get_thing(&own).await.expect("answered");
    let callers = linkspec_runtime::reqwest::Client::builder().user_agent("the-callers-client/1").build().expect("a client");
    let given = TransportBuilder::new(&PROVIDER)
        .base_url(server.uri())
        .token("static".into())
        .http_client(callers)
        .build()
        .expect("builds");
    get_thing(&given).await.expect("answered");
    let agents: Vec<Option<String>> = server.received_requests().await.expect("recorded").iter().map(user_agent_of).collect();
    assert_eq!(agents, [Some(concat!("linkspec/", env!("CARGO_PKG_VERSION")).to_owned()), Some("the-callers-client/1".to_owned())]);
}

#[test]
fn a_transport_never_uses_a_connection_of_another_runtime() {
    // One server for the whole test, on a runtime of its own.
    let server_runtime = tokio::runtime::Runtime::new().expect("runtime");
    let server = server_runtime.block_on(async {
        let server = MockServer::start().await;
        Mock::given(path("/things/t1")).respond_with(ok()).mount(&server).await;
        server
    });
    // Each current-thread runtime builds a transport and calls, leaving a kept-alive
    // connection in its pool, driven by that runtime, which nothing drives once `block_on`
    // returns. Were pools shared between transports, the next runtime's call would be handed
    // that connection and wait on it until its timeout (reqwest#2501); runtimes that ended
    // are covered too.
    let mut idle = Vec::new();
    for round in 0..4 {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
        runtime.block_on(async {
            let t = TransportBuilder::new(&PROVIDER)
                .base_url(server.uri())
                .token("static".into())
                .timeout(Duration::from_secs(2))
                .retry(RetryPolicy::never())
                .build()
                .expect("builds");
            get_thing(&t).await.unwrap_or_else(|e| panic!("round {round}: {e}"));
        });
        if round % 2 == 0 {
            idle.push(runtime);
        }
    }
    drop(idle);
    drop(server_runtime);
}

/// An https URL goes through the TLS backend compiled in (the `tls-*` features). With one, a
/// call to a plain-HTTP server over https fails in the handshake: a transport error, after the
/// client was built, and no request reaches the server. With none, building is refused at once
/// and the message says how to get one. CI runs this test under each feature and none.
#[tokio::test]
async fn https_goes_through_the_tls_backend_compiled_in() {
    let server = MockServer::start().await;
    Mock::given(path("/things/t1")).respond_with(ok()).mount(&server).await;
    let https = server.uri().replacen("http://", "https://", 1);
    let built = TransportBuilder::new(&PROVIDER)
        .base_url(https)
        .token("static".into())
        .timeout(Duration::from_secs(5))
        .retry(RetryPolicy::never())
        .build();
    match linkspec_runtime::TLS_BACKEND {
        Some(backend) => {
            let transport = built.unwrap_or_else(|e| panic!("{backend}: builds: {e}"));
            let error = get_thing(&transport).await.expect_err("a plain-HTTP server answers no TLS handshake");
            assert!(matches!(error, linkspec_runtime::Error::Transport { .. }), "{backend}: {error:?}");
            assert!(server.received_requests().await.unwrap_or_default().is_empty(), "{backend}: nothing reaches the server in the clear");
        }
        None => {
            let error = built.expect_err("no TLS backend: an https base URL is refused");
            let text = error.to_string();
            assert!(text.contains("no TLS backend is compiled in") && text.contains("`tls-ring`") && text.contains("http_client"), "{text}");
            // Plain HTTP still works (a mock server on 127.0.0.1).
            let plain = TransportBuilder::new(&PROVIDER).base_url(server.uri()).token("static".into()).build().expect("builds");
            get_thing(&plain).await.expect("answered over plain HTTP");
        }
    }
}
