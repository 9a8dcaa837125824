//! Binary answers through a generated client, as an application calls them: Plaid's Asset
//! Report PDF against a wiremock server on 127.0.0.1. The bytes and content type come back
//! exactly, `Accept` asks for the PDF, and the operation's own body limit (64 MiB in the spec)
//! lets through an answer above the 16 MiB default unless the client sets a smaller one.

use linkspec_clients::plaid;
use linkspec_clients::runtime::Error;
use serde_json::json;
use wiremock::matchers::{body_json, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// A small PDF with the binary comment line PDFs start with (bytes that are not UTF-8).
const PDF: &[u8] = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n";
const TOKEN: &str = "assets-sandbox-6f12f5bb-22dd-4855-b918-f47ec439198a";

fn client(server: &MockServer) -> plaid::ClientBuilder {
    plaid::Client::builder().base_url(server.uri()).client_id("plaid-id").secret("plaid-s3cret")
}

async fn mount_pdf(server: &MockServer, bytes: Vec<u8>) {
    Mock::given(method("POST"))
        .and(path("/asset_report/pdf/get"))
        .and(header("accept", "application/pdf"))
        .and(header("content-type", "application/json"))
        .and(body_json(json!({"asset_report_token": TOKEN, "client_id": "plaid-id", "secret": "plaid-s3cret"})))
        .respond_with(ResponseTemplate::new(200).set_body_raw(bytes, "application/pdf").append_header("plaid-request-id", "Dx4kQ"))
        .mount(server)
        .await;
}

#[tokio::test]
async fn plaid_asset_report_pdf_returns_the_exact_bytes_and_content_type() {
    let server = MockServer::start().await;
    mount_pdf(&server, PDF.to_vec()).await;
    let pdf = client(&server).build().expect("builds").asset_report_pdf_get(plaid::AssetReportPdfGetBody::new(TOKEN)).await.expect("a PDF");
    assert_eq!(pdf.content_type, "application/pdf");
    assert_eq!(pdf.media_type(), "application/pdf");
    assert_eq!(pdf.bytes, PDF);
    assert_eq!(format!("{pdf:?}"), format!("Binary {{ content_type: \"application/pdf\", bytes: <{} bytes> }}", PDF.len()));
}

#[tokio::test]
async fn plaid_asset_report_pdf_errors_still_decode_into_the_envelope() {
    let server = MockServer::start().await;
    let envelope = json!({"error_type": "ASSET_REPORT_ERROR", "error_code": "PRODUCT_NOT_READY", "error_message": "not ready", "display_message": null, "request_id": "r-1"});
    Mock::given(method("POST"))
        .and(path("/asset_report/pdf/get"))
        .respond_with(ResponseTemplate::new(400).set_body_json(envelope))
        .mount(&server)
        .await;
    let err = client(&server).build().expect("builds").asset_report_pdf_get(plaid::AssetReportPdfGetBody::new(TOKEN)).await.expect_err("400");
    assert_eq!((err.code().as_deref(), err.request_id()), (Some("PRODUCT_NOT_READY"), Some("r-1")));
}

#[tokio::test]
async fn the_operations_body_limit_lets_a_large_pdf_through_and_the_clients_limit_wins() {
    let server = MockServer::start().await;
    let mut large = PDF.to_vec();
    large.resize(17 * 1024 * 1024, b' ');
    mount_pdf(&server, large.clone()).await;
    let request = || plaid::AssetReportPdfGetBody::new(TOKEN);
    let pdf = client(&server).build().expect("builds").asset_report_pdf_get(request()).await.expect("17 MiB is within the spec's 64 MiB");
    assert_eq!(pdf.bytes.len(), large.len());
    let limited = client(&server).max_body_bytes(1024).build().expect("builds");
    match limited.asset_report_pdf_get(request()).await {
        Err(Error::Decode(d)) => assert!(d.message.contains("1024-byte limit"), "{}", d.message),
        other => panic!("expected the client's limit to refuse the body, got {other:?}"),
    }
}
