//! Binary answers, per-operation body limits and bodies left out, with hand-written metas (what
//! the generator emits for `200: application/pdf`, `max_body_bytes:` and `body_optional: true`)
//! against a wiremock server on 127.0.0.1.

mod common;

use common::*;
use linkspec_runtime::Binary;

static GET_REPORT: OperationMeta = OperationMeta {
    provider: &PROVIDER,
    name: "get_report",
    method: Method::Get,
    path: "/reports/{id}",
    success: &[200],
    host: None,
    body_format: BodyFormat::Json,
    media_type: None,
    idempotent: true,
    authenticated: true,
    paging: None,
    envelope: EnvelopeMeta { code: &["/code"], message: &["/message"] },
};

const PDF: &[u8] = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n%%EOF\n";

fn report_call(limit: Option<usize>) -> Call {
    let mut call = Call::new(&GET_REPORT);
    call.path_param("id", &"r1");
    call.accept("application/pdf");
    if let Some(limit) = limit {
        call.max_body_bytes(limit);
    }
    call
}

fn with_token(server: &MockServer, clock: &ManualClock) -> TransportBuilder {
    builder(server, clock).token("tok".into())
}

#[tokio::test]
async fn a_binary_answer_is_the_exact_bytes_with_their_content_type_and_accept_asks_for_it() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/reports/r1"))
        .and(header("accept", "application/pdf"))
        .and(header("authorization", "Bearer tok"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(PDF.to_vec(), "application/pdf"))
        .expect(1)
        .mount(&server)
        .await;
    let t = with_token(&server, &clock()).build().expect("builds");
    let pdf: Binary = t.send_binary::<TestError>(report_call(None)).await.expect("bytes");
    assert_eq!((pdf.content_type.as_str(), pdf.bytes.as_slice()), ("application/pdf", PDF));
}

#[tokio::test]
async fn a_binary_answer_without_a_content_type_is_octet_stream() {
    let server = MockServer::start().await;
    Mock::given(method("GET")).respond_with(ResponseTemplate::new(200).set_body_bytes(PDF.to_vec())).mount(&server).await;
    let t = with_token(&server, &clock()).build().expect("builds");
    let pdf = t.send_binary::<TestError>(report_call(None)).await.expect("bytes");
    assert_eq!((pdf.content_type.as_str(), pdf.bytes.as_slice()), ("application/octet-stream", PDF));
}

#[tokio::test]
async fn a_binary_operations_error_answer_is_still_the_envelope() {
    let server = MockServer::start().await;
    Mock::given(method("GET")).respond_with(error(404, "thing.missing")).mount(&server).await;
    let t = with_token(&server, &clock()).build().expect("builds");
    let err = t.send_binary::<TestError>(report_call(None)).await.expect_err("404");
    assert!(err.is_not_found());
    assert_eq!(err.code().as_deref(), Some("thing.missing"));
}

#[tokio::test]
async fn the_operations_limit_replaces_the_default_and_the_clients_limit_wins() {
    let server = MockServer::start().await;
    let body = vec![b'x'; 2048];
    Mock::given(method("GET")).respond_with(ResponseTemplate::new(200).set_body_raw(body, "application/pdf")).mount(&server).await;
    let too_large = |result: Result<Binary>| match result {
        Err(Error::Decode(d)) => d.message,
        other => panic!("expected a decode error, got {other:?}"),
    };
    let t = with_token(&server, &clock()).build().expect("builds");
    assert_eq!(t.send_binary::<TestError>(report_call(Some(4096))).await.expect("within").bytes.len(), 2048);
    assert!(too_large(t.send_binary::<TestError>(report_call(Some(1024))).await).contains("1024-byte limit"));
    let client_limited = with_token(&server, &clock()).max_body_bytes(512).build().expect("builds");
    assert!(too_large(client_limited.send_binary::<TestError>(report_call(Some(4096))).await).contains("512-byte limit"));
    let client_raised = with_token(&server, &clock()).max_body_bytes(4096).build().expect("builds");
    assert_eq!(client_raised.send_binary::<TestError>(report_call(Some(1024))).await.expect("the client's limit wins").bytes.len(), 2048);
}

#[tokio::test]
async fn a_post_whose_optional_body_is_left_out_sends_no_body_and_no_content_type() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/things"))
        .and(header("content-length", "0"))
        .and(|r: &wiremock::Request| r.body.is_empty() && !r.headers.contains_key("content-type"))
        .respond_with(ResponseTemplate::new(201).set_body_json(serde_json::json!({"id": "t1"})))
        .expect(1)
        .mount(&server)
        .await;
    let t = with_token(&server, &clock()).build().expect("builds");
    let answer: serde_json::Value = t.send::<_, TestError>(Call::new(&CREATE_THING)).await.expect("201");
    assert_eq!(answer, serde_json::json!({"id": "t1"}));
}

