//! What errors say and how they are classified, against a wiremock server on 127.0.0.1: every
//! error answer is a provider error (envelope or not), classification is one reading of the
//! spec's rules, and no error text carries a value from a body, a URL's password or an
//! unbounded provider message.

mod common;

use common::*;
use linkspec_runtime::ErrorClass;

fn static_client(server: &MockServer) -> Transport {
    TransportBuilder::new(&PROVIDER)
        .base_url(server.uri())
        .token("static-token".into())
        .retry(RetryPolicy::never())
        .clock(Arc::new(clock()))
        .build()
        .expect("builds")
}

async fn answer(response: ResponseTemplate) -> Error<TestError> {
    let server = MockServer::start().await;
    Mock::given(path("/things/t1")).respond_with(response).mount(&server).await;
    get_thing(&static_client(&server)).await.expect_err("an error answer")
}

#[tokio::test]
async fn a_gateway_answer_outside_the_envelope_is_a_provider_error_with_its_retry_after() {
    let err = answer(
        ResponseTemplate::new(429).insert_header("retry-after", "900").insert_header("x-request-id", "req-9").set_body_string("<html>slow down</html>"),
    )
    .await;
    let Error::Api(api) = &err else { panic!("not a provider error: {err:?}") };
    assert_eq!((api.status, api.class, api.envelope.is_none()), (429, ErrorClass::RateLimited, true));
    assert_eq!(err.retry_after(), Some(Duration::from_secs(900)));
    assert_eq!(err.request_id(), Some("req-9"));
    assert!(api.excerpt.contains("slow down"), "the excerpt is kept for inspection");
    for text in [err.to_string(), format!("{err:?}")] {
        assert!(!text.contains("slow down"), "the body is not printed: {text}");
    }
    assert!(err.to_string().contains("not in the provider's error format"), "{err}");
}

#[tokio::test]
async fn an_empty_404_is_not_found_and_a_plain_503_is_retryable() {
    let err = answer(ResponseTemplate::new(404)).await;
    assert!(err.is_not_found() && err.api().is_some_and(|a| a.envelope.is_none()), "{err:?}");
    assert!(err.to_string().contains("an empty body"), "{err}");
    let err = answer(ResponseTemplate::new(503).set_body_string("upstream unavailable")).await;
    assert!(err.is_retryable() && err.status() == Some(503), "{err:?}");
}

#[tokio::test]
async fn classification_is_one_reading_of_the_rules_seen_alike_in_debug_and_methods() {
    let cases = [
        (error(401, "auth.expired"), ErrorClass::AuthExpired),
        (error(401, "other"), ErrorClass::AuthRejected),
        (error(400, "keys.invalid"), ErrorClass::AuthRejected),
        (error(410, "whatever"), ErrorClass::Gone),
        (error(400, "thing.deleted"), ErrorClass::Gone),
        (error(404, "whatever"), ErrorClass::NotFound),
        (error(400, "thing.missing"), ErrorClass::NotFound),
        (error(400, "slow_down"), ErrorClass::RateLimited),
        (error(429, "whatever"), ErrorClass::RateLimited),
        (error(400, "bad"), ErrorClass::Other),
    ];
    for (response, class) in cases {
        let err = answer(response).await;
        assert_eq!(err.class(), Some(class), "{err:?}");
        assert_eq!(err.is_auth_expired(), class == ErrorClass::AuthExpired, "{err:?}");
        assert_eq!(err.is_auth_rejected(), class == ErrorClass::AuthRejected, "{err:?}");
        assert_eq!(err.is_gone(), class == ErrorClass::Gone, "{err:?}");
        assert_eq!(err.is_not_found(), class == ErrorClass::NotFound, "{err:?}");
        assert_eq!(err.is_rate_limited(), class == ErrorClass::RateLimited, "{err:?}");
        assert!(format!("{err:?}").contains(&format!("class: {class:?}")), "{err:?}");
    }
}

#[tokio::test]
async fn rejected_keys_are_not_re_acquired() {
    let server = MockServer::start().await;
    let clock = clock();
    mount_token(&server, "tok-1", 1).await;
    mount_thing(&server, "tok-1", error(401, "keys.invalid"), 1).await;
    let err = get_thing(&transport(&server, &clock)).await.expect_err("rejected");
    assert!(err.is_auth_rejected() && !err.is_auth_expired(), "{err:?}");
}

#[tokio::test]
async fn provider_text_in_display_is_bounded() {
    let huge = "é".repeat(1 << 20);
    let err = answer(ResponseTemplate::new(400).set_body_json(serde_json::json!({"code": "bad", "message": huge}))).await;
    let text = err.to_string();
    assert!(text.chars().count() < 500, "{} chars", text.chars().count());
    assert!(text.contains("(cut, 1048576 chars in all)"), "{}", &text[..200]);
    assert_eq!(err.api().and_then(|a| a.message()).map(|m| m.len()), Some(huge.len()), "the whole message stays readable");
}

#[tokio::test]
async fn control_characters_in_provider_text_are_escaped() {
    let err = answer(ResponseTemplate::new(400).set_body_json(serde_json::json!({"code": "bad", "message": "\u{1b}[2Jgone"}))).await;
    assert!(!err.to_string().contains('\u{1b}'), "{err}");
}

#[derive(Debug, serde::Deserialize)]
#[allow(dead_code)]
struct Person {
    ssn: String,
    born: Option<linkspec_runtime::time::Date>,
}

#[tokio::test]
async fn decode_errors_name_the_path_and_kinds_never_a_value() {
    for (body, at, kinds) in [
        (serde_json::json!({"ssn": 123456789}), "ssn", "expected a string, found an integer"),
        (serde_json::json!({"ssn": "x", "born": "1961-13-45"}), "born", "expected a calendar date"),
    ] {
        let server = MockServer::start().await;
        Mock::given(path("/things/t1")).respond_with(ResponseTemplate::new(200).set_body_json(body.clone())).mount(&server).await;
        let mut call = Call::new(&GET_THING);
        call.path_param("id", &"t1");
        let err = static_client(&server).send::<Person, TestError>(call).await.expect_err("does not decode");
        let Error::Decode(decode) = &err else { panic!("{err:?}") };
        assert_eq!(decode.path, at);
        for text in [err.to_string(), format!("{err:?}")] {
            assert!(text.contains(kinds), "{text}");
            for value in ["123456789", "1961", "13-45"] {
                assert!(!text.contains(value), "{value} leaked: {text}");
            }
        }
    }
}

#[test]
fn passwords_in_urls_never_print() {
    let b = TransportBuilder::new(&PROVIDER).base_url("https://user:pa55w0rd@proxy.example/v1".into()).token("t".into());
    let t = b.clone().build().expect("builds");
    let bad = TransportBuilder::new(&PROVIDER).base_url("https://user:pa55w0rd@pro xy.example".into()).token("t".into());
    let err = bad.build().expect_err("a space in the host");
    for text in [format!("{b:?}"), format!("{t:?}"), err.to_string(), format!("{err:?}")] {
        assert!(!text.contains("pa55w0rd"), "{text}");
        assert!(!text.contains("user:"), "{text}");
    }
    assert!(err.to_string().contains("https://<redacted>@pro xy.example"), "{err}");
}

#[tokio::test]
async fn transport_errors_show_their_causes() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("port");
    let url = format!("http://{}", listener.local_addr().expect("addr"));
    drop(listener);
    let t = TransportBuilder::new(&PROVIDER).base_url(url).token("t".into()).retry(RetryPolicy::never()).build().expect("builds");
    let err = get_thing(&t).await.expect_err("nothing listens");
    let text = err.to_string();
    assert!(text.contains("error sending request") && text.to_lowercase().contains("connect"), "{text}");
    assert!(!text.contains("127.0.0.1"), "{text}");
}

#[tokio::test]
async fn an_error_answer_over_the_body_limit_is_still_the_providers_error() {
    let server = MockServer::start().await;
    Mock::given(path("/things/t1"))
        .respond_with(ResponseTemplate::new(503).insert_header("retry-after", "900").set_body_string("x".repeat(4096)))
        .mount(&server)
        .await;
    let t = TransportBuilder::new(&PROVIDER).base_url(server.uri()).token("t".into()).retry(RetryPolicy::never()).max_body_bytes(1024).build().expect("builds");
    let err = get_thing(&t).await.expect_err("503");
    assert_eq!((err.status(), err.retry_after(), err.is_retryable()), (Some(503), Some(Duration::from_secs(900)), true), "{err:?}");
    // A success over the limit is still a decode error.
    let server = MockServer::start().await;
    Mock::given(path("/things/t1")).respond_with(ResponseTemplate::new(200).set_body_string("x".repeat(4096))).mount(&server).await;
    let t = TransportBuilder::new(&PROVIDER).base_url(server.uri()).token("t".into()).max_body_bytes(1024).build().expect("builds");
    assert!(matches!(get_thing(&t).await, Err(Error::Decode(_))));
}

#[tokio::test]
async fn debug_of_an_error_answer_is_bounded_too() {
    let huge = "m".repeat(1 << 20);
    let err = answer(ResponseTemplate::new(400).set_body_json(serde_json::json!({"code": "bad", "message": huge}))).await;
    for text in [format!("{err:?}"), format!("{err:#?}")] {
        assert!(text.len() < 5000, "{} bytes", text.len());
        assert!(text.contains("… (cut)"), "{}", &text[..300]);
    }
}

#[tokio::test]
async fn a_code_decides_before_a_status() {
    for (response, class) in [
        (error(401, "thing.missing"), ErrorClass::NotFound),
        (error(401, "thing.deleted"), ErrorClass::Gone),
        (error(404, "thing.deleted"), ErrorClass::Gone),
        (error(410, "thing.missing"), ErrorClass::NotFound),
        (error(400, "auth.expired"), ErrorClass::AuthExpired),
        (error(429, "keys.invalid"), ErrorClass::AuthRejected),
    ] {
        let err = answer(response).await;
        assert_eq!(err.class(), Some(class), "{err:?}");
    }
}

#[tokio::test]
async fn a_huge_retry_after_never_overflows_the_deadline_check() {
    let server = MockServer::start().await;
    Mock::given(path("/things/t1"))
        .respond_with(ResponseTemplate::new(429).insert_header("retry-after", "2"))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(path("/things/t1")).respond_with(ResponseTemplate::new(429).insert_header("retry-after", "18446744073709551615")).mount(&server).await;
    let policy = RetryPolicy::default().with_max_attempts(5).with_max_retry_after(Duration::MAX);
    let t = TransportBuilder::new(&PROVIDER).base_url(server.uri()).token("t".into()).retry(policy).clock(Arc::new(clock())).build().expect("builds");
    let err = get_thing(&t).await.expect_err("gives up instead of panicking");
    assert!(err.is_rate_limited(), "{err:?}");
}

#[tokio::test]
async fn a_rejected_acquired_token_is_dropped_so_the_next_call_acquires_again() {
    let server = MockServer::start().await;
    let clock = clock();
    Mock::given(path("/auth/token")).respond_with(token("tok-1", 3600)).up_to_n_times(1).mount(&server).await;
    Mock::given(path("/auth/token")).respond_with(token("tok-2", 3600)).mount(&server).await;
    mount_thing(&server, "tok-1", error(401, "revoked"), 1).await;
    mount_thing(&server, "tok-2", ok(), 1).await;
    let t = transport(&server, &clock);
    let err = get_thing(&t).await.expect_err("refused");
    assert!(err.is_auth_rejected(), "{err:?}");
    get_thing(&t).await.expect("a new token on the next call");
}
