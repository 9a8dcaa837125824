//! HTTP Basic as a scheme of its own, and several named schemes with a default (MX Platform's
//! client id and API key beside its processor-token operations), with hand-written metas (what
//! the generator emits) against a wiremock server on 127.0.0.1.

mod common;

use common::*;
use linkspec_runtime::{BuildError, NamedSchemes};

const RULES: ErrorRules = ErrorRules::NONE;
/// `Basic base64(client-1f3e:api-key-9c2d7b)`.
const PLATFORM_BASIC: &str = "Basic Y2xpZW50LTFmM2U6YXBpLWtleS05YzJkN2I=";

static BASIC_ONLY: ProviderMeta = ProviderMeta {
    name: "basic_only",
    media_type: "application/json",
    auth: AuthScheme::Basic { user: "client_id", password: "api_key" },
    headers: &[],
    base_url: "https://api.example.com",
    environments: &[("live", "https://api.example.com")],
    variables: &[],
    hosts: &[],
    inputs: &[],
    acquire: None,
    rules: RULES,
};

static SCHEMES: NamedSchemes = NamedSchemes {
    schemes: &[
        ("basic", AuthScheme::Basic { user: "client_id", password: "api_key" }),
        ("processor_token", AuthScheme::Bearer { setter: "processor_token" }),
    ],
    default: "basic",
    operations: &[("read_balance", "processor_token")],
};

static PLATFORM: ProviderMeta = ProviderMeta {
    name: "platform",
    media_type: "application/vnd.platform.v1+json",
    auth: AuthScheme::Named(&SCHEMES),
    headers: &[],
    base_url: "https://api.example.com",
    environments: &[("live", "https://api.example.com")],
    variables: &[],
    hosts: &[],
    inputs: &[],
    acquire: None,
    rules: RULES,
};

const fn op(provider: &'static ProviderMeta, name: &'static str, path: &'static str, authenticated: bool) -> OperationMeta {
    OperationMeta {
        provider,
        name,
        method: Method::Get,
        path,
        success: &[200],
        host: None,
        body_format: BodyFormat::Json,
        media_type: None,
        idempotent: true,
        authenticated,
        paging: None,
        envelope: EnvelopeMeta { code: &["/code"], message: &["/message"] },
    }
}

static BASIC_LIST: OperationMeta = op(&BASIC_ONLY, "list_users", "/users", true);
static LIST_USERS: OperationMeta = op(&PLATFORM, "list_users", "/users", true);
static READ_BALANCE: OperationMeta = op(&PLATFORM, "read_balance", "/balance", true);
static HEALTH: OperationMeta = op(&PLATFORM, "health", "/health", false);

async fn get(t: &Transport, meta: &'static OperationMeta) -> Result<serde_json::Value> {
    t.send::<serde_json::Value, TestError>(Call::new(meta)).await
}

async fn mount(server: &MockServer, at: &str, authorization: Option<&str>) {
    let expected = authorization.map(str::to_owned);
    Mock::given(method("GET"))
        .and(path(at))
        .and(move |r: &wiremock::Request| r.headers.get("authorization").and_then(|v| v.to_str().ok()).map(str::to_owned) == expected)
        .respond_with(ok())
        .expect(1)
        .mount(server)
        .await;
}

#[tokio::test]
async fn basic_sends_the_user_and_password_as_an_authorization_header() {
    let server = MockServer::start().await;
    mount(&server, "/users", Some(PLATFORM_BASIC)).await;
    let t = TransportBuilder::new(&BASIC_ONLY).base_url(server.uri()).user("client-1f3e".into()).password("api-key-9c2d7b".into()).build().expect("builds");
    get(&t, &BASIC_LIST).await.expect("200");
}

#[test]
fn basic_needs_both_halves_and_never_prints_them() {
    let missing = |b: TransportBuilder| match b.build() {
        Err(BuildError::MissingCredential { what, setter, .. }) => (what, setter),
        other => panic!("expected a missing credential, got {other:?}"),
    };
    assert_eq!(missing(TransportBuilder::new(&BASIC_ONLY).password("p".into())), ("user", "client_id"));
    assert_eq!(missing(TransportBuilder::new(&BASIC_ONLY).user("u".into())), ("password", "api_key"));
    let t = TransportBuilder::new(&BASIC_ONLY).user("client-1f3e".into()).password("api-key-9c2d7b".into()).build().expect("builds");
    let shown = format!("{t:?} {:?}", TransportBuilder::new(&BASIC_ONLY).user("client-1f3e".into()).password("api-key-9c2d7b".into()));
    assert!(!shown.contains("client-1f3e") && !shown.contains("api-key-9c2d7b") && !shown.contains("Y2xpZW50"), "{shown}");
    assert!(shown.contains("basic: <redacted>"), "{shown}");
}

#[tokio::test]
async fn each_operation_uses_its_scheme_the_default_or_none() {
    let server = MockServer::start().await;
    mount(&server, "/users", Some(PLATFORM_BASIC)).await;
    mount(&server, "/balance", Some("Bearer proc-tok-77")).await;
    mount(&server, "/health", None).await;
    let t = TransportBuilder::new(&PLATFORM)
        .base_url(server.uri())
        .user("client-1f3e".into())
        .password("api-key-9c2d7b".into())
        .token("proc-tok-77".into())
        .build()
        .expect("builds");
    get(&t, &LIST_USERS).await.expect("basic");
    get(&t, &READ_BALANCE).await.expect("bearer");
    get(&t, &HEALTH).await.expect("no credentials");
}

#[tokio::test]
async fn only_the_default_schemes_credentials_are_needed_to_build_the_others_when_used() {
    let server = MockServer::start().await;
    mount(&server, "/users", Some(PLATFORM_BASIC)).await;
    match TransportBuilder::new(&PLATFORM).token("proc-tok-77".into()).build() {
        Err(BuildError::MissingCredential { what: "user", setter: "client_id", .. }) => {}
        other => panic!("the default scheme's user is required, got {other:?}"),
    }
    let t = TransportBuilder::new(&PLATFORM).base_url(server.uri()).user("client-1f3e".into()).password("api-key-9c2d7b".into()).build().expect("builds");
    get(&t, &LIST_USERS).await.expect("basic");
    match get(&t, &READ_BALANCE).await {
        Err(Error::Request { operation: "read_balance", message }) => {
            assert!(message.contains("`processor_token` auth scheme") && message.contains("`processor_token`"), "{message}");
        }
        other => panic!("expected a request error naming the setter, got {other:?}"),
    }
    assert_eq!(server.received_requests().await.unwrap_or_default().len(), 1, "nothing is sent without the credential");
}
