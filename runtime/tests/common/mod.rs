//! What the runtime's integration tests share: a hand-written provider description (what the
//! generator would emit), a manual clock, and helpers that mount a token endpoint and a data
//! endpoint on a wiremock server on 127.0.0.1.

#![allow(dead_code, unused_imports, unreachable_pub)]

pub use linkspec_runtime::{
    AcquireMeta, AcquireStep, AuthScheme, BodyFormat, Call, ClientSettings, EnvelopeMeta, Error, ErrorEnvelope, ErrorRules, InputMeta,
    Lifetime, ManualClock, Method, OperationMeta, Place, ProviderMeta, RetryPolicy, Source, Transport, TransportBuilder,
};
use serde::Deserialize;
pub use std::sync::Arc;
pub use std::time::{Duration, SystemTime};
pub use wiremock::matchers::{body_string, header, method, path};
pub use wiremock::{Mock, MockServer, ResponseTemplate};

pub static PROVIDER: ProviderMeta = ProviderMeta {
    name: "test",
    media_type: "application/json",
    auth: AuthScheme::Bearer { setter: "access_token" },
    headers: &[],
    base_url: "https://api.example.com",
    environments: &[("live", "https://api.example.com")],
    variables: &[],
    hosts: &[],
    inputs: &[InputMeta { name: "client_id", secret: true }, InputMeta { name: "client_secret", secret: true }],
    acquire: Some(&ACQUIRE),
    rules: ErrorRules {
        expired_statuses: &[401],
        expired_codes: &["auth.expired"],
        rate_limit_codes: &["slow_down"],
        rejected_codes: &["keys.invalid"],
        gone_codes: &["thing.deleted"],
        not_found_codes: &["thing.missing"],
        request_id_headers: &["x-request-id"],
    },
};

pub static ACQUIRE: AcquireMeta = AcquireMeta {
    steps: &[AcquireStep {
        operation: &CREATE_TOKEN,
        bind: &[
            (Place::Header("Authorization"), Source::Basic("client_id", "client_secret")),
            (Place::Body("grant_type"), Source::Const("client_credentials")),
        ],
        token: "/access_token",
    }],
    lifetime: Lifetime::FromAnswer { pointer: "/expires_in", default_seconds: 3600 },
    margin_seconds: 60,
};

pub static CREATE_TOKEN: OperationMeta = OperationMeta {
    provider: &PROVIDER,
    name: "create_token",
    method: Method::Post,
    path: "/auth/token",
    success: &[200, 201],
    host: None,
    body_format: BodyFormat::Form,
    media_type: None,
    idempotent: true,
    authenticated: false,
    paging: None,
    envelope: EnvelopeMeta { code: &["/code"], message: &["/message"] },
};

pub static GET_THING: OperationMeta = OperationMeta {
    provider: &PROVIDER,
    name: "get_thing",
    method: Method::Get,
    path: "/things/{id}",
    success: &[200],
    host: None,
    body_format: BodyFormat::Json,
    media_type: None,
    idempotent: true,
    authenticated: true,
    paging: None,
    envelope: EnvelopeMeta { code: &["/code"], message: &["/message"] },
};

pub static CREATE_THING: OperationMeta = OperationMeta {
    provider: &PROVIDER,
    name: "create_thing",
    method: Method::Post,
    path: "/things",
    success: &[201],
    host: None,
    body_format: BodyFormat::Json,
    media_type: None,
    idempotent: false,
    authenticated: true,
    paging: None,
    envelope: EnvelopeMeta { code: &["/code"], message: &["/message"] },
};

#[derive(Debug, Deserialize, serde::Serialize)]
pub struct TestError {
    pub code: String,
    pub message: String,
}

impl ErrorEnvelope for TestError {
    type Code = String;
    type Category = String;
    fn code(&self) -> Option<String> {
        Some(self.code.clone())
    }
    fn message(&self) -> Option<String> {
        Some(self.message.clone())
    }
    fn request_id(&self) -> Option<String> {
        None
    }
}

pub type Result<T> = std::result::Result<T, Error<TestError>>;

pub const CLIENT_ID: &str = "id-8d1c5a7e";
pub const CLIENT_SECRET: &str = "secret-4f2b9c13e8";
/// `Basic base64(id-8d1c5a7e:secret-4f2b9c13e8)`.
pub const BASIC: &str = "Basic aWQtOGQxYzVhN2U6c2VjcmV0LTRmMmI5YzEzZTg=";

pub fn clock() -> ManualClock {
    // 2015-10-21T07:28:00Z, so Retry-After dates can be written by hand.
    ManualClock::new(SystemTime::UNIX_EPOCH + Duration::from_secs(1_445_412_480))
}

pub fn builder(server: &MockServer, clock: &ManualClock) -> TransportBuilder {
    TransportBuilder::new(&PROVIDER)
        .base_url(server.uri())
        .input("client_id", CLIENT_ID.into())
        .input("client_secret", CLIENT_SECRET.into())
        .clock(Arc::new(clock.clone()))
}

pub fn transport(server: &MockServer, clock: &ManualClock) -> Transport {
    builder(server, clock).build().expect("builds")
}

pub async fn get_thing(t: &Transport) -> Result<serde_json::Value> {
    let mut call = Call::new(&GET_THING);
    call.path_param("id", &"t1");
    t.send::<serde_json::Value, TestError>(call).await
}

pub async fn create_thing(t: &Transport) -> Result<serde_json::Value> {
    let mut call = Call::new(&CREATE_THING);
    call.json_body(&serde_json::json!({"name": "n"}));
    t.send::<serde_json::Value, TestError>(call).await
}

pub fn token(value: &str, expires_in: u64) -> ResponseTemplate {
    ResponseTemplate::new(201).set_body_json(serde_json::json!({"access_token": value, "token_type": "bearer", "expires_in": expires_in}))
}

pub fn error(status: u16, code: &str) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_json(serde_json::json!({"code": code, "message": "m"}))
}

pub fn ok() -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(serde_json::json!({"ok": true}))
}

pub async fn mount_token(server: &MockServer, value: &str, times: u64) {
    Mock::given(method("POST"))
        .and(path("/auth/token"))
        .and(header("authorization", BASIC))
        .and(header("content-type", "application/x-www-form-urlencoded"))
        .and(body_string("grant_type=client_credentials"))
        .respond_with(token(value, 3600))
        .up_to_n_times(times)
        .expect(times)
        .mount(server)
        .await;
}

pub async fn mount_thing(server: &MockServer, bearer: &str, response: ResponseTemplate, times: u64) {
    Mock::given(method("GET"))
        .and(path("/things/t1"))
        .and(header("authorization", format!("Bearer {bearer}").as_str()))
        .respond_with(response)
        .up_to_n_times(times)
        .expect(times)
        .mount(server)
        .await;
}

/// A paged listing: the next page's URL is at `/next`.
pub static LIST_THINGS: OperationMeta = OperationMeta {
    provider: &PROVIDER,
    name: "list_things",
    method: Method::Get,
    path: "/things",
    success: &[200],
    host: None,
    body_format: BodyFormat::Json,
    media_type: None,
    idempotent: true,
    authenticated: true,
    paging: Some(linkspec_runtime::Paging::NextLink { pointer: "/next" }),
    envelope: EnvelopeMeta { code: &["/code"], message: &["/message"] },
};
