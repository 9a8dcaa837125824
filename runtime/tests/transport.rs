//! The transport's credential lifecycle and retries against a wiremock server on 127.0.0.1,
//! with a hand-written provider description (what the generator would emit) and a manual
//! clock, so every wait the runtime asks for is seen exactly and no test sleeps for real.

mod common;

use common::*;

#[tokio::test]
async fn a_token_is_acquired_lazily_once_and_reused() {
    let server = MockServer::start().await;
    let clock = clock();
    mount_token(&server, "tok-1", 1).await;
    mount_thing(&server, "tok-1", ok(), 3).await;
    let t = transport(&server, &clock);
    assert!(server.received_requests().await.unwrap_or_default().is_empty(), "nothing is sent before the first call");
    for _ in 0..3 {
        get_thing(&t).await.expect("succeeds");
    }
    let clone = t.clone();
    clock.advance(Duration::from_secs(60));
    get_thing(&clone).await.expect_err("a fourth call has no mock left");
}

#[tokio::test]
async fn a_token_is_renewed_ahead_of_expiry() {
    let server = MockServer::start().await;
    let clock = clock();
    mount_token(&server, "tok-1", 1).await;
    mount_token(&server, "tok-2", 1).await;
    mount_thing(&server, "tok-1", ok(), 2).await;
    mount_thing(&server, "tok-2", ok(), 1).await;
    let t = transport(&server, &clock);
    get_thing(&t).await.expect("first token");
    // 3600 s of life, renewed 60 s ahead: still good at 3539 s ...
    clock.advance(Duration::from_secs(3539));
    get_thing(&t).await.expect("still the first token");
    // ... and renewed from 3540 s on.
    clock.advance(Duration::from_secs(1));
    get_thing(&t).await.expect("a new token");
}

#[tokio::test]
async fn an_expired_signal_reissues_the_token_once_and_retries() {
    let server = MockServer::start().await;
    let clock = clock();
    mount_token(&server, "tok-1", 1).await;
    mount_token(&server, "tok-2", 1).await;
    mount_thing(&server, "tok-1", error(401, "auth.expired"), 1).await;
    mount_thing(&server, "tok-2", ok(), 1).await;
    let t = transport(&server, &clock);
    get_thing(&t).await.expect("retried with a new token");
    assert!(clock.sleeps().is_empty(), "a re-issue is not a backoff");
}

#[tokio::test]
async fn a_second_expired_signal_is_returned_not_looped() {
    let server = MockServer::start().await;
    let clock = clock();
    mount_token(&server, "tok-1", 1).await;
    mount_token(&server, "tok-2", 1).await;
    mount_thing(&server, "tok-1", error(401, "auth.expired"), 1).await;
    mount_thing(&server, "tok-2", error(401, "auth.expired"), 1).await;
    let t = transport(&server, &clock);
    let err = get_thing(&t).await.expect_err("still expired");
    assert!(err.is_auth_expired(), "{err}");
    assert_eq!(err.status(), Some(401));
}

#[tokio::test]
async fn a_401_with_another_code_is_not_an_expiry() {
    let server = MockServer::start().await;
    let clock = clock();
    mount_token(&server, "tok-1", 1).await;
    mount_thing(&server, "tok-1", error(401, "auth.forbidden_scope"), 1).await;
    let err = get_thing(&transport(&server, &clock)).await.expect_err("refused");
    assert!(!err.is_auth_expired());
    assert_eq!(err.code().as_deref(), Some("auth.forbidden_scope"));
}

#[tokio::test]
async fn concurrent_callers_share_one_token_request() {
    let server = MockServer::start().await;
    let clock = clock();
    Mock::given(method("POST"))
        .and(path("/auth/token"))
        .respond_with(token("tok-1", 3600).set_delay(Duration::from_millis(300)))
        .expect(1)
        .mount(&server)
        .await;
    mount_thing(&server, "tok-1", ok(), 100).await;
    let t = transport(&server, &clock);
    let calls: Vec<_> = (0..100)
        .map(|_| {
            let t = t.clone();
            tokio::spawn(async move { get_thing(&t).await })
        })
        .collect();
    for call in calls {
        call.await.expect("task runs").expect("every call succeeds");
    }
}

#[tokio::test]
async fn a_failing_token_endpoint_fails_every_waiter_with_an_auth_error() {
    let server = MockServer::start().await;
    let clock = clock();
    Mock::given(method("POST"))
        .and(path("/auth/token"))
        .respond_with(
            ResponseTemplate::new(503)
                .set_body_json(serde_json::json!({"code": "down", "message": "maintenance"}))
                .set_delay(Duration::from_millis(300)),
        )
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(path("/things/t1")).respond_with(ok()).expect(0).mount(&server).await;
    let t = builder(&server, &clock).retry(RetryPolicy::never()).build().expect("builds");
    let calls: Vec<_> = (0..100)
        .map(|_| {
            let t = t.clone();
            tokio::spawn(async move { get_thing(&t).await })
        })
        .collect();
    for call in calls {
        match call.await.expect("task runs") {
            Err(Error::Auth(e)) => {
                assert_eq!((e.operation, e.step, e.status), ("get_thing", "create_token", Some(503)));
                assert!(e.message.contains("maintenance"), "{}", e.message);
            }
            other => panic!("expected an auth error, got {other:?}"),
        }
    }
}

#[tokio::test]
async fn an_answer_without_a_token_is_an_auth_error() {
    let server = MockServer::start().await;
    let clock = clock();
    Mock::given(path("/auth/token")).respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({"token": "x"}))).mount(&server).await;
    let err = get_thing(&transport(&server, &clock)).await.expect_err("no token");
    assert!(err.to_string().contains("the answer has no token at `/access_token`"), "{err}");
}

#[tokio::test]
async fn retry_after_in_seconds_is_honoured() {
    let server = MockServer::start().await;
    let clock = clock();
    mount_token(&server, "tok-1", 1).await;
    mount_thing(&server, "tok-1", error(429, "busy").insert_header("retry-after", "7"), 1).await;
    mount_thing(&server, "tok-1", ok(), 1).await;
    get_thing(&transport(&server, &clock)).await.expect("retried");
    assert_eq!(clock.sleeps(), [Duration::from_secs(7)]);
}

#[tokio::test]
async fn retry_after_as_an_http_date_is_honoured() {
    let server = MockServer::start().await;
    let clock = clock();
    mount_token(&server, "tok-1", 1).await;
    let later = error(503, "busy").insert_header("retry-after", "Wed, 21 Oct 2015 07:28:30 GMT");
    mount_thing(&server, "tok-1", later, 1).await;
    mount_thing(&server, "tok-1", ok(), 1).await;
    get_thing(&transport(&server, &clock)).await.expect("retried");
    assert_eq!(clock.sleeps(), [Duration::from_secs(30)]);
}

#[tokio::test]
async fn a_retry_after_beyond_the_cap_is_returned_not_waited() {
    let server = MockServer::start().await;
    let clock = clock();
    mount_token(&server, "tok-1", 1).await;
    mount_thing(&server, "tok-1", error(429, "busy").insert_header("retry-after", "3600"), 1).await;
    let err = get_thing(&transport(&server, &clock)).await.expect_err("not retried");
    assert!(err.is_rate_limited());
    assert_eq!(err.retry_after(), Some(Duration::from_secs(3600)));
    assert!(clock.sleeps().is_empty());
}

#[tokio::test]
async fn server_errors_back_off_within_max_attempts() {
    let server = MockServer::start().await;
    let clock = clock();
    mount_token(&server, "tok-1", 1).await;
    mount_thing(&server, "tok-1", error(503, "busy"), 4).await;
    let policy = RetryPolicy::default().with_max_attempts(4).with_backoff(Duration::from_millis(100), Duration::from_millis(300));
    let t = builder(&server, &clock).retry(policy).build().expect("builds");
    let err = get_thing(&t).await.expect_err("gives up");
    assert_eq!(err.status(), Some(503));
    let sleeps = clock.sleeps();
    assert_eq!(sleeps.len(), 3, "{sleeps:?}");
    for (wait, cap) in sleeps.iter().zip([200, 300, 300]) {
        assert!((Duration::from_millis(100)..=Duration::from_millis(cap)).contains(wait), "{sleeps:?}");
    }
}

#[tokio::test]
async fn the_deadline_stops_retries() {
    let server = MockServer::start().await;
    let clock = clock();
    mount_token(&server, "tok-1", 1).await;
    mount_thing(&server, "tok-1", error(503, "busy").insert_header("retry-after", "1"), 3).await;
    let policy = RetryPolicy::default().with_max_attempts(10).with_deadline(Some(Duration::from_millis(2500)));
    let t = builder(&server, &clock).retry(policy).build().expect("builds");
    get_thing(&t).await.expect_err("gives up at the deadline");
    assert_eq!(clock.sleeps(), [Duration::from_secs(1), Duration::from_secs(1)]);
}

#[tokio::test]
async fn a_non_idempotent_call_is_not_retried_after_a_server_error() {
    let server = MockServer::start().await;
    let clock = clock();
    mount_token(&server, "tok-1", 1).await;
    Mock::given(method("POST")).and(path("/things")).respond_with(error(500, "oops")).expect(1).mount(&server).await;
    let err = create_thing(&transport(&server, &clock)).await.expect_err("not retried");
    assert_eq!(err.status(), Some(500));
    assert!(err.is_retryable(), "the condition is transient, the operation is what forbids a retry");
}

#[tokio::test]
async fn a_non_idempotent_call_is_retried_when_refused_for_rate() {
    let server = MockServer::start().await;
    let clock = clock();
    mount_token(&server, "tok-1", 1).await;
    Mock::given(method("POST")).and(path("/things")).respond_with(error(400, "slow_down")).up_to_n_times(1).expect(1).mount(&server).await;
    Mock::given(method("POST"))
        .and(path("/things"))
        .respond_with(ResponseTemplate::new(201).set_body_json(serde_json::json!({"id": 1})))
        .expect(1)
        .mount(&server)
        .await;
    create_thing(&transport(&server, &clock)).await.expect("retried: a rate-limit code means not processed");
    assert_eq!(clock.sleeps().len(), 1);
}

#[tokio::test]
async fn a_refused_connection_is_retried_even_when_not_idempotent() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("port");
    let url = format!("http://{}", listener.local_addr().expect("addr"));
    drop(listener);
    let clock = clock();
    let t = TransportBuilder::new(&PROVIDER)
        .base_url(url)
        .token("static-token".into())
        .clock(Arc::new(clock.clone()))
        .build()
        .expect("builds");
    let err = create_thing(&t).await.expect_err("nothing listens");
    assert!(matches!(err, Error::Transport { .. }), "{err:?}");
    assert_eq!(clock.sleeps().len(), 2, "three attempts in all");
}

#[tokio::test]
async fn provider_codes_classify_errors() {
    let server = MockServer::start().await;
    let clock = clock();
    Mock::given(path("/things/t1")).respond_with(error(400, "thing.missing")).mount(&server).await;
    let t = TransportBuilder::new(&PROVIDER).base_url(server.uri()).token("static".into()).clock(Arc::new(clock)).build().expect("builds");
    let err = get_thing(&t).await.expect_err("not found");
    assert!(err.is_not_found() && !err.is_retryable() && !err.is_rate_limited() && !err.is_auth_expired());
}

#[test]
fn debug_never_shows_a_secret() {
    let settings: ClientSettings = serde_json::from_value(serde_json::json!({
        "token": "tok-live-0123456789abcdef",
        "client_id": CLIENT_ID,
        "secret": CLIENT_SECRET,
        "inputs": {"client_secret": CLIENT_SECRET}
    }))
    .expect("settings");
    let b = TransportBuilder::new(&PROVIDER).settings(&settings).expect("applies").input("client_id", CLIENT_ID.into());
    let t = b.clone().build().expect("builds");
    let mut call = Call::new(&GET_THING);
    call.secret_header("Authorization", &BASIC);
    for text in [format!("{settings:?}"), format!("{b:?}"), format!("{t:?}"), format!("{:?}", t.with_retry(RetryPolicy::never())), format!("{call:?}")] {
        for secret in ["tok-live-0123456789abcdef", CLIENT_ID, CLIENT_SECRET, BASIC] {
            assert!(!text.contains(secret), "{secret} leaked in {text}");
        }
    }
}

#[test]
fn missing_inputs_are_named_at_build_time() {
    let err = TransportBuilder::new(&PROVIDER).input("client_id", "x".into()).build().expect_err("no secret");
    assert_eq!(
        err.to_string(),
        "test: no client_secret set; call the builder's `client_secret` method (the client acquires its tokens with \
         `client_id`, `client_secret` together), or give a token you already have with `access_token`"
    );
}

#[test]
fn a_provider_without_acquisition_names_only_the_token() {
    use linkspec_runtime::{AuthScheme, ProviderMeta};
    static PLAIN: ProviderMeta = ProviderMeta { acquire: None, inputs: &[], auth: AuthScheme::Bearer { setter: "bearer_token" }, ..PROVIDER };
    let err = TransportBuilder::new(&PLAIN).build().expect_err("no token");
    assert_eq!(err.to_string(), "test: no token set; call the builder's `bearer_token` method");
}


fn static_token(server: &MockServer, clock: &ManualClock) -> Transport {
    TransportBuilder::new(&PROVIDER).base_url(server.uri()).token("static-token".into()).clock(Arc::new(clock.clone())).build().expect("builds")
}

#[tokio::test]
async fn redirects_are_not_followed_so_credentials_stay_home() {
    let elsewhere = MockServer::start().await;
    Mock::given(wiremock::matchers::any()).respond_with(ok()).expect(0).mount(&elsewhere).await;
    let server = MockServer::start().await;
    Mock::given(path("/things/t1"))
        .respond_with(ResponseTemplate::new(307).insert_header("location", format!("{}/stolen", elsewhere.uri()).as_str()))
        .expect(1)
        .mount(&server)
        .await;
    let err = get_thing(&static_token(&server, &clock())).await.expect_err("a 307 is an error");
    assert_eq!(err.status(), Some(307));
}

#[tokio::test]
async fn an_absurd_expires_in_does_not_panic() {
    let server = MockServer::start().await;
    let clock = clock();
    Mock::given(path("/auth/token"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({"access_token": "tok-1", "expires_in": u64::MAX})))
        .expect(1)
        .mount(&server)
        .await;
    mount_thing(&server, "tok-1", ok(), 2).await;
    let t = transport(&server, &clock);
    get_thing(&t).await.expect("a token that lives long");
    clock.advance(Duration::from_secs(30 * 24 * 3600));
    get_thing(&t).await.expect("still cached a month later");
}

#[tokio::test]
async fn dot_segments_in_path_values_are_refused() {
    let server = MockServer::start().await;
    Mock::given(wiremock::matchers::any()).respond_with(ok()).expect(0).mount(&server).await;
    let t = static_token(&server, &clock());
    for id in ["..", ".", ""] {
        let mut call = Call::new(&GET_THING);
        call.path_param("id", &id);
        match t.send::<serde_json::Value, TestError>(call).await {
            Err(Error::Request { message, .. }) => assert!(message.contains("refusing"), "{message}"),
            other => panic!("`{id}` must be refused, got {other:?}"),
        }
    }
}

#[tokio::test]
async fn a_step_answer_never_reaches_error_text() {
    let server = MockServer::start().await;
    Mock::given(path("/auth/token"))
        .respond_with(ResponseTemplate::new(202).set_body_json(serde_json::json!({"access_token": "tok-in-an-odd-answer"})))
        .mount(&server)
        .await;
    let err = get_thing(&transport(&server, &clock())).await.expect_err("202 is not a documented success");
    for text in [err.to_string(), format!("{err:?}")] {
        assert!(!text.contains("tok-in-an-odd-answer"), "{text}");
        assert!(text.contains("202"), "{text}");
    }
}

#[tokio::test]
async fn a_step_error_is_read_with_the_steps_envelope_fields() {
    let server = MockServer::start().await;
    Mock::given(path("/auth/token"))
        .respond_with(ResponseTemplate::new(401).set_body_json(serde_json::json!({"code": "bad_client", "message": "unknown client", "id": 7})))
        .mount(&server)
        .await;
    match get_thing(&transport(&server, &clock())).await {
        Err(Error::Auth(e)) => assert_eq!((e.status, e.message.as_str()), (Some(401), "bad_client: unknown client")),
        other => panic!("expected an auth error, got {other:?}"),
    }
}

#[tokio::test]
async fn transport_errors_do_not_print_the_url() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("port");
    let url = format!("http://{}", listener.local_addr().expect("addr"));
    drop(listener);
    let t = TransportBuilder::new(&PROVIDER).base_url(url).token("t".into()).retry(RetryPolicy::never()).build().expect("builds");
    let mut call = Call::new(&GET_THING);
    call.path_param("id", &"jane.doe@example.com");
    let err = t.send::<serde_json::Value, TestError>(call).await.expect_err("nothing listens");
    for text in [err.to_string(), format!("{err:?}")] {
        assert!(!text.contains("jane.doe"), "{text}");
    }
}

#[tokio::test]
async fn retry_after_is_honoured_on_an_answer_that_is_not_the_envelope() {
    let server = MockServer::start().await;
    let clock = clock();
    Mock::given(path("/things/t1"))
        .respond_with(ResponseTemplate::new(503).insert_header("retry-after", "5").set_body_string("<html>busy</html>"))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(path("/things/t1")).respond_with(ok()).mount(&server).await;
    get_thing(&static_token(&server, &clock)).await.expect("retried");
    assert_eq!(clock.sleeps(), [Duration::from_secs(5)]);
}

#[tokio::test]
async fn pages_stop_when_links_go_round_in_a_circle() {
    let server = MockServer::start().await;
    Mock::given(path("/things"))
        .and(wiremock::matchers::query_param_is_missing("p"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({"n": 1, "next": "/things?p=b"})))
        .expect(2)
        .mount(&server)
        .await;
    Mock::given(path("/things"))
        .and(wiremock::matchers::query_param("p", "b"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({"n": 2, "next": "/things"})))
        .expect(2)
        .mount(&server)
        .await;
    let pages: linkspec_runtime::Pages<serde_json::Value, TestError> =
        linkspec_runtime::Pages::new(static_token(&server, &clock()), Call::new(&LIST_THINGS));
    // Not silently: the listing says it stopped at a loop, and `collect` fails.
    let (all, why) = pages.collect_partial(100).await.expect("two pages");
    assert_eq!(all.len(), 2, "the link back to page 1 ends the pages: {all:?}");
    assert_eq!(why, Some(linkspec_runtime::Truncation::Loop));
    let again: linkspec_runtime::Pages<serde_json::Value, TestError> =
        linkspec_runtime::Pages::new(static_token(&server, &clock()), Call::new(&LIST_THINGS));
    let e = again.collect(100).await.expect_err("a loop is not all the pages");
    assert!(matches!(e, linkspec_runtime::Error::Truncated { pages: 2, why: linkspec_runtime::Truncation::Loop, .. }), "{e:?}");
}

#[tokio::test]
async fn the_request_id_comes_from_the_headers_the_spec_names() {
    let server = MockServer::start().await;
    Mock::given(path("/things/t1"))
        .respond_with(error(400, "bad").insert_header("x-request-id", "req-42").insert_header("correlation-id", "not-this-one"))
        .mount(&server)
        .await;
    let err = get_thing(&static_token(&server, &clock())).await.expect_err("400");
    assert_eq!(err.request_id(), Some("req-42"));
}

/// A token endpoint answering `expires_in`, counting its requests.
async fn mount_short_token(server: &MockServer, value: &str, expires_in: serde_json::Value) {
    Mock::given(path("/auth/token"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(serde_json::json!({"access_token": value, "expires_in": expires_in}))
                // Long enough for every concurrent caller to be waiting before it answers.
                .set_delay(Duration::from_millis(300)),
        )
        .mount(server)
        .await;
}

async fn token_requests(server: &MockServer) -> usize {
    server.received_requests().await.unwrap_or_default().iter().filter(|r| r.url.path() == "/auth/token").count()
}

#[tokio::test]
async fn a_token_living_less_than_the_margin_is_fetched_once_per_round_of_callers() {
    for expires_in in [0, 30] {
        let server = MockServer::start().await;
        let clock = clock();
        mount_short_token(&server, "tok-short", expires_in.into()).await;
        Mock::given(path("/things/t1")).respond_with(ok()).mount(&server).await;
        let t = transport(&server, &clock);
        let calls: Vec<_> = (0..200)
            .map(|_| {
                let t = t.clone();
                tokio::spawn(async move { get_thing(&t).await })
            })
            .collect();
        for call in calls {
            call.await.expect("task runs").expect("every caller succeeds");
        }
        assert_eq!(token_requests(&server).await, 1, "200 concurrent callers, expires_in {expires_in}");
    }
}

#[tokio::test]
async fn a_short_lived_token_serves_calls_for_half_its_life() {
    let server = MockServer::start().await;
    let clock = clock();
    mount_short_token(&server, "tok-short", 30.into()).await;
    Mock::given(path("/things/t1")).respond_with(ok()).mount(&server).await;
    let t = transport(&server, &clock);
    get_thing(&t).await.expect("first");
    clock.advance(Duration::from_secs(14));
    get_thing(&t).await.expect("within half its life: the same token");
    assert_eq!(token_requests(&server).await, 1);
    clock.advance(Duration::from_secs(1));
    get_thing(&t).await.expect("renewed at half its life");
    assert_eq!(token_requests(&server).await, 2);
}

#[tokio::test]
async fn a_negative_lifetime_or_an_empty_token_is_an_auth_error_naming_the_field() {
    for (answer, field) in [
        (serde_json::json!({"access_token": "tok", "expires_in": -5}), "lifetime at `/expires_in` is negative"),
        (serde_json::json!({"access_token": "tok", "expires_in": "soon"}), "lifetime at `/expires_in` is not a number"),
        (serde_json::json!({"access_token": "", "expires_in": 3600}), "token at `/access_token` is empty"),
        (serde_json::json!({"access_token": 42, "expires_in": 3600}), "token at `/access_token` is not a string"),
    ] {
        let server = MockServer::start().await;
        let clock = clock();
        Mock::given(path("/auth/token")).respond_with(ResponseTemplate::new(200).set_body_json(answer.clone())).mount(&server).await;
        Mock::given(path("/things/t1")).respond_with(ok()).expect(0).mount(&server).await;
        let err = get_thing(&transport(&server, &clock)).await.expect_err("refused");
        let Error::Auth(auth) = &err else { panic!("not an auth error: {err:?}") };
        assert_eq!(auth.step, "create_token", "{answer}");
        assert!(err.to_string().contains(field), "{answer}: {err}");
    }
}

#[tokio::test]
async fn a_retry_after_of_zero_still_waits_the_backoff_base() {
    let server = MockServer::start().await;
    let clock = clock();
    Mock::given(path("/things/t1"))
        .respond_with(ResponseTemplate::new(429).insert_header("retry-after", "0").set_body_string("slow down"))
        .mount(&server)
        .await;
    let policy = RetryPolicy::default().with_max_attempts(50).with_deadline(Some(Duration::from_secs(2)));
    let err = get_thing(&static_token(&server, &clock).with_retry(policy)).await.expect_err("rate limited");
    assert!(err.is_rate_limited(), "{err:?}");
    let sleeps = clock.sleeps();
    assert!(sleeps.iter().all(|s| *s >= Duration::from_millis(250)), "{sleeps:?}");
    let sent = server.received_requests().await.unwrap_or_default().len();
    assert!(sent <= 8, "2 s of deadline at 250 ms a wait allows 8 attempts, not {sent}");
}

#[tokio::test]
async fn next_links_keep_the_base_urls_path_prefix() {
    let server = MockServer::start().await;
    Mock::given(path("/proxy/things"))
        .and(wiremock::matchers::query_param_is_missing("p"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({"n": 1, "next": "https://api.example.com/things?p=2"})))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(path("/proxy/things"))
        .and(wiremock::matchers::query_param("p", "2"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({"n": 2})))
        .expect(1)
        .mount(&server)
        .await;
    let t = TransportBuilder::new(&PROVIDER).base_url(format!("{}/proxy", server.uri())).token("t".into()).build().expect("builds");
    let pages: linkspec_runtime::Pages<serde_json::Value, TestError> = linkspec_runtime::Pages::new(t, Call::new(&LIST_THINGS));
    let all = pages.collect(10).await.expect("both pages, through the proxy");
    assert_eq!(all.len(), 2, "{all:?}");
}

#[test]
fn server_variables_that_would_change_the_host_are_refused() {
    static VARIABLES: &[linkspec_runtime::VariableMeta] =
        &[linkspec_runtime::VariableMeta { name: "region", default: "com", values: &["com", "eu"] }];
    static REGIONAL: ProviderMeta = ProviderMeta { base_url: "https://api.example.{region}", variables: VARIABLES, ..PROVIDER };
    let err = TransportBuilder::new(&REGIONAL).variable("region", "@evil.com#").token("t".into()).build().expect_err("refused");
    assert!(err.to_string().contains("variables.region"), "{err}");
    let ok = TransportBuilder::new(&REGIONAL).variable("region", "eu").token("t".into()).build().expect("builds");
    assert_eq!(ok.base_url().host_str(), Some("api.example.eu"));
}
