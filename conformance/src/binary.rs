//! Binary bodies in cassettes: a response recorded as `body_base64:` (a PDF, a ZIP) is served
//! as those bytes, and the typed answer must give them back byte for byte with the recorded
//! `content-type`.

use crate::cassette::Case;
use linkspec_runtime::JsonOutcome;

/// The bytes of base64 text (moved to [`linkspec_mock::cassette`], with
/// `RecordedResponse::bytes` and `content_type`).
pub use linkspec_mock::cassette::{decode_base64 as decode, recorded_problem};

/// The checks of a success whose last response is recorded as `body_base64`: the typed answer
/// holds exactly its bytes and its `content-type` (`application/octet-stream` when none was
/// recorded). `None` for any other case, which the JSON checks handle.
pub fn binary_problems(case: &Case, outcome: &JsonOutcome) -> Option<Vec<String>> {
    let response = &case.cassette.exchanges.last()?.response;
    response.body_base64.as_ref()?;
    let JsonOutcome::Success { json, .. } = outcome else { return None };
    let (Some(content_type), Some(base64)) = (json.get("content_type").and_then(|v| v.as_str()), json.get("base64").and_then(|v| v.as_str()))
    else {
        return Some(vec!["binary: the recorded body is bytes (`body_base64`), but the operation decodes a type; declare its response as `binary` or a media type".to_owned()]);
    };
    let mut out = Vec::new();
    let want_type = response.content_type().unwrap_or("application/octet-stream");
    if content_type != want_type {
        out.push(format!("binary: content type {content_type:?}, recorded {want_type:?}"));
    }
    let (want, got) = (response.bytes(), decode(base64).unwrap_or_default());
    if want != got {
        let first = want.iter().zip(&got).position(|(a, b)| a != b).unwrap_or(want.len().min(got.len()));
        out.push(format!("binary: {} bytes, recorded {}; they differ from byte {first}", got.len(), want.len()));
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn case(headers: &str) -> Case {
        let text = format!(
            "version: 1\noperation: op\nexchanges:\n  - request: {{method: GET, path: /}}\n    response: {{status: 200, headers: {{{headers}}}, body_base64: 'JVBERi0K/w=='}}\n"
        );
        crate::cassette::parse("p", std::path::Path::new("p/c.yaml"), &text).expect("parses")
    }

    fn success(content_type: &str, base64: &str) -> JsonOutcome {
        JsonOutcome::Success { debug: String::new(), json: json!({"content_type": content_type, "base64": base64}), kept: Vec::new() }
    }

    #[test]
    fn bytes_and_content_type_must_match_the_recording() {
        let c = case("content-type: application/pdf");
        assert_eq!(c.cassette.exchanges[0].response.bytes(), b"%PDF-\n\xff");
        assert_eq!(binary_problems(&c, &success("application/pdf", "JVBERi0K/w==")), Some(vec![]));
        assert_eq!(
            binary_problems(&c, &success("application/zip", "JVBERi0K/g==")),
            Some(vec![
                "binary: content type \"application/zip\", recorded \"application/pdf\"".to_owned(),
                "binary: 7 bytes, recorded 7; they differ from byte 6".to_owned(),
            ])
        );
        let decoded = JsonOutcome::Success { debug: String::new(), json: json!({"report": 1}), kept: Vec::new() };
        assert_eq!(binary_problems(&c, &decoded).map(|p| p.len()), Some(1));
        assert_eq!(binary_problems(&case(""), &success("application/octet-stream", "JVBERi0K/w==")), Some(vec![]));
    }

    #[test]
    fn a_binary_body_is_base64_and_alone() {
        let bad = |response: &str| {
            let text = format!("version: 1\noperation: op\nexchanges:\n  - request: {{method: GET, path: /}}\n    response: {response}\n");
            crate::cassette::parse("p", std::path::Path::new("p/c.yaml"), &text).expect_err("refused")
        };
        assert!(bad("{status: 200, body_base64: 'not base64!'}").contains("exchange 1: `body_base64` is not base64"));
        assert!(bad("{status: 200, body: x, body_base64: 'AA=='}").contains("not both"));
    }
}
