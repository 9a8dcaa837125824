//! Tracing output of a call: spans name the call and never carry a secret.
//!
//! Alone in its own test binary, and so alone in its process: tracing caches each callsite's
//! interest the first time any thread reaches it, and with a subscriber set for one thread
//! only, a callsite first reached by another test's thread (no subscriber) could stay silent
//! for this test. Here no other test runs, and the subscriber is the global one.

mod common;

use common::*;

/// Records every span and event field a call produces, as `name=value` text.
#[derive(Default, Clone)]
struct Recorder(Arc<std::sync::Mutex<String>>);

impl tracing::field::Visit for Recorder {
    fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
        let mut text = self.0.lock().unwrap_or_else(|e| e.into_inner());
        text.push_str(&format!("{}={:?} ", field.name(), value));
    }
}

impl tracing::Subscriber for Recorder {
    fn enabled(&self, _: &tracing::Metadata<'_>) -> bool {
        true
    }
    fn new_span(&self, span: &tracing::span::Attributes<'_>) -> tracing::span::Id {
        span.record(&mut self.clone());
        tracing::span::Id::from_u64(1)
    }
    fn record(&self, _: &tracing::span::Id, values: &tracing::span::Record<'_>) {
        values.record(&mut self.clone());
    }
    fn record_follows_from(&self, _: &tracing::span::Id, _: &tracing::span::Id) {}
    fn event(&self, event: &tracing::Event<'_>) {
        event.record(&mut self.clone());
    }
    fn enter(&self, _: &tracing::span::Id) {}
    fn exit(&self, _: &tracing::span::Id) {}
}

#[test]
fn traces_name_the_call_and_never_a_secret() {
    let recorder = Recorder::default();
    tracing::subscriber::set_global_default(recorder.clone()).expect("the only subscriber in this process");
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
    runtime.block_on(async {
        let server = MockServer::start().await;
        let clock = clock();
        mount_token(&server, "tok-secret-1", 1).await;
        mount_thing(&server, "tok-secret-1", error(503, "busy").insert_header("retry-after", "1"), 1).await;
        Mock::given(path("/things/t1"))
            .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({"ssn": "123-45-6789"})))
            .mount(&server)
            .await;
        get_thing(&transport(&server, &clock)).await.expect("succeeds on the second attempt");
    });
    let text = recorder.0.lock().unwrap_or_else(|e| e.into_inner()).clone();
    for expected in ["provider=\"test\"", "operation=\"get_thing\"", "operation=\"create_token\"", "path=\"/things/{id}\"", "status=503", "status=200", "attempts=2"] {
        assert!(text.contains(expected), "missing {expected} in {text}");
    }
    for secret in ["tok-secret-1", CLIENT_ID, CLIENT_SECRET, BASIC, "aWQt", "123-45-6789"] {
        assert!(!text.contains(secret), "{secret} leaked into traces: {text}");
    }
}

