//! Comparisons: a received request against the expected one, and a typed value serialised
//! back against the recorded body. Each finding says which part and shows expected vs actual.

use crate::cassette::ExpectedRequest;
use serde_json::Value;
use std::collections::BTreeMap;

/// Headers that vary per run or per HTTP stack; never compared, even when a cassette lists them.
pub const VOLATILE_HEADERS: &[&str] =
    &["user-agent", "date", "host", "accept-encoding", "connection", "traceparent", "tracestate"];

/// A request as it reached the replay server.
#[derive(Debug, Clone)]
pub struct Received {
    /// Method, upper case.
    pub method: String,
    /// Raw (percent-encoded) path.
    pub path: String,
    /// Decoded query pairs, in order sent.
    pub query: Vec<(String, String)>,
    /// Headers with lower-case names; repeated headers keep every value.
    pub headers: Vec<(String, String)>,
    /// Body bytes.
    pub body: Vec<u8>,
}

impl Received {
    /// Reads a wiremock request.
    pub fn from_wiremock(request: &wiremock::Request) -> Received {
        Received {
            method: request.method.as_str().to_owned(),
            path: request.url.path().to_owned(),
            query: request.url.query_pairs().map(|(k, v)| (k.into_owned(), v.into_owned())).collect(),
            headers: request
                .headers
                .iter()
                .map(|(k, v)| (k.as_str().to_ascii_lowercase(), String::from_utf8_lossy(v.as_bytes()).into_owned()))
                .collect(),
            body: request.body.clone(),
        }
    }

    fn header(&self, name: &str) -> Vec<&str> {
        let name = name.to_ascii_lowercase();
        self.headers.iter().filter(|(k, _)| *k == name).map(|(_, v)| v.as_str()).collect()
    }
}

/// True for `application/json`, `application/*+json`, with or without parameters.
pub fn is_json_media_type(content_type: &str) -> bool {
    let essence = content_type.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    match essence.split_once('/') {
        Some(("application", sub)) => sub == "json" || sub.ends_with("+json"),
        _ => false,
    }
}

/// Every way `got` differs from `want`, as `part: expected ..., got ...` lines. Order: method,
/// path, query, headers, body.
///
/// ```
/// use linkspec_mock::compare::{Received, request_mismatches};
/// let want: linkspec_mock::cassette::ExpectedRequest =
///     serde_saphyr::from_str("{method: POST, path: /t, query: {a: '1'}, headers: {content-type: application/json}, body: '{\"n\": 1}'}").unwrap();
/// let got = Received {
///     method: "POST".into(),
///     path: "/t".into(),
///     query: vec![("a".into(), "2".into())],
///     headers: vec![("content-type".into(), "application/json".into())],
///     body: br#"{"n": 1}"#.to_vec(),
/// };
/// assert_eq!(request_mismatches(&want, &got), ["query key `a`: expected [\"1\"], got [\"2\"]"]);
/// ```
pub fn request_mismatches(want: &ExpectedRequest, got: &Received) -> Vec<String> {
    let mut out = Vec::new();
    if !want.method.eq_ignore_ascii_case(&got.method) {
        out.push(format!("method: expected {}, got {}", want.method, got.method));
    }
    if want.path != got.path {
        out.push(format!("path: expected {}, got {}", want.path, got.path));
    }
    out.extend(query_mismatches(want, got));
    out.extend(header_mismatches(want, got));
    out.extend(body_mismatches(want, got));
    out
}

fn query_mismatches(want: &ExpectedRequest, got: &Received) -> Vec<String> {
    let expected: Vec<(String, String)> =
        want.query.iter().flat_map(|(k, v)| v.values().into_iter().map(move |v| (k.clone(), v))).collect();
    pair_mismatches("query key", &expected, &got.query)
}

/// Two lists of key-value pairs compared as multisets: order-free, a repeated key compared
/// by its sorted values. `part` names the part in messages (`query key`, `form key`).
fn pair_mismatches(part: &str, expected: &[(String, String)], actual: &[(String, String)]) -> Vec<String> {
    let group = |pairs: &[(String, String)]| {
        let mut map: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for (k, v) in pairs {
            map.entry(k.clone()).or_default().push(v.clone());
        }
        map.values_mut().for_each(|v| v.sort());
        map
    };
    let (mut expected, mut actual) = (group(expected), group(actual));
    let mut out = Vec::new();
    let keys: std::collections::BTreeSet<String> = expected.keys().chain(actual.keys()).cloned().collect();
    for key in keys {
        let e = expected.remove(&key).unwrap_or_default();
        let a = actual.remove(&key).unwrap_or_default();
        match (e.is_empty(), a.is_empty()) {
            (false, true) => out.push(format!("{part} `{key}`: expected {e:?}, missing")),
            (true, false) => out.push(format!("{part} `{key}`: not expected, got {a:?}")),
            _ if e != a => out.push(format!("{part} `{key}`: expected {e:?}, got {a:?}")),
            _ => {}
        }
    }
    out
}

/// True for `application/x-www-form-urlencoded`, with or without parameters.
pub fn is_form_media_type(content_type: &str) -> bool {
    content_type.split(';').next().unwrap_or("").trim().eq_ignore_ascii_case("application/x-www-form-urlencoded")
}

/// The pairs of a form body, decoded (percent-escapes, `+` as a space).
pub fn form_pairs(body: &[u8]) -> Vec<(String, String)> {
    form_urlencoded::parse(body).map(|(k, v)| (k.into_owned(), v.into_owned())).collect()
}

fn header_mismatches(want: &ExpectedRequest, got: &Received) -> Vec<String> {
    let mut out = Vec::new();
    for (name, value) in &want.headers {
        if VOLATILE_HEADERS.contains(&name.to_ascii_lowercase().as_str()) {
            continue;
        }
        let values = got.header(name);
        if values.is_empty() {
            out.push(format!("header `{name}`: expected {value:?}, missing"));
        } else if values != [value.as_str()] {
            out.push(format!("header `{name}`: expected {value:?}, got {values:?}"));
        }
    }
    for name in &want.absent_headers {
        let values = got.header(name);
        if !values.is_empty() {
            // The value may be a credential: name the header, never print what it holds.
            out.push(format!("header `{name}`: must be absent, but was sent"));
        }
    }
    out
}

fn body_mismatches(want: &ExpectedRequest, got: &Received) -> Vec<String> {
    let Some(expected) = &want.body else {
        return if got.body.is_empty() {
            Vec::new()
        } else {
            vec![format!("body: expected none, got {}", excerpt(&got.body))]
        };
    };
    if got.body.is_empty() {
        return vec!["body: expected one, got none".to_owned()];
    }
    let content_type = want
        .headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("content-type"))
        .map(|(_, v)| v.clone())
        .or_else(|| got.header("content-type").first().map(|v| (*v).to_owned()))
        .unwrap_or_default();
    if is_form_media_type(&content_type) {
        return pair_mismatches("body (form) key", &form_pairs(expected.as_bytes()), &form_pairs(&got.body));
    }
    if !is_json_media_type(&content_type) {
        return if expected.as_bytes() == got.body.as_slice() {
            Vec::new()
        } else {
            vec![format!("body (bytes, {content_type:?}): expected {}, got {}", excerpt(expected.as_bytes()), excerpt(&got.body))]
        };
    }
    let want_json: Value = match serde_json::from_str(expected) {
        Ok(v) => v,
        Err(e) => return vec![format!("body: the cassette's expected body is not JSON: {e}")],
    };
    let got_json: Value = match serde_json::from_slice(&got.body) {
        Ok(v) => v,
        Err(e) => return vec![format!("body: the request body is not JSON ({e}): {}", excerpt(&got.body))],
    };
    json_differences(&want_json, &got_json)
        .into_iter()
        .map(|d| match d {
            Difference::Missing { pointer, expected } => format!("body at {}: expected {expected}, missing", shown(&pointer)),
            Difference::Unexpected { pointer, actual } => format!("body at {}: not expected, got {actual}", shown(&pointer)),
            Difference::Changed { pointer, expected, actual } => {
                format!("body at {}: expected {expected}, got {actual}", shown(&pointer))
            }
        })
        .collect()
}

fn shown(pointer: &str) -> &str {
    if pointer.is_empty() { "/" } else { pointer }
}

/// The start of a body, for messages.
pub fn excerpt(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    let mut out: String = text.chars().take(200).collect();
    if text.chars().count() > 200 {
        out.push('…');
    }
    format!("{out:?}")
}

/// One way two JSON documents differ, located by JSON pointer.
#[derive(Debug, Clone, PartialEq)]
pub enum Difference {
    /// In the expected document only.
    Missing {
        /// Where.
        pointer: String,
        /// The expected value.
        expected: Value,
    },
    /// In the actual document only.
    Unexpected {
        /// Where.
        pointer: String,
        /// The actual value.
        actual: Value,
    },
    /// Present in both with different values.
    Changed {
        /// Where.
        pointer: String,
        /// Expected value.
        expected: Value,
        /// Actual value.
        actual: Value,
    },
}

/// Every difference between `expected` and `actual`, in document order. Numbers compare as
/// serde_json holds them, so `5` and `5.0` differ (a widened number is a change).
///
/// ```
/// use linkspec_mock::compare::{Difference, json_differences};
/// let d = json_differences(&serde_json::json!({"n": 5}), &serde_json::json!({"n": 5.0}));
/// assert_eq!(d, [Difference::Changed { pointer: "/n".into(), expected: 5.into(), actual: 5.0.into() }]);
/// ```
pub fn json_differences(expected: &Value, actual: &Value) -> Vec<Difference> {
    let mut out = Vec::new();
    diff(expected, actual, String::new(), &mut out);
    out
}

fn escape(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

fn diff(expected: &Value, actual: &Value, pointer: String, out: &mut Vec<Difference>) {
    match (expected, actual) {
        (Value::Object(e), Value::Object(a)) => {
            for (k, ev) in e {
                let p = format!("{pointer}/{}", escape(k));
                match a.get(k) {
                    Some(av) => diff(ev, av, p, out),
                    None => out.push(Difference::Missing { pointer: p, expected: ev.clone() }),
                }
            }
            for (k, av) in a {
                if !e.contains_key(k) {
                    out.push(Difference::Unexpected { pointer: format!("{pointer}/{}", escape(k)), actual: av.clone() });
                }
            }
        }
        (Value::Array(e), Value::Array(a)) if e.len() == a.len() => {
            for (i, (ev, av)) in e.iter().zip(a).enumerate() {
                diff(ev, av, format!("{pointer}/{i}"), out);
            }
        }
        _ if expected == actual => {}
        _ => out.push(Difference::Changed { pointer, expected: expected.clone(), actual: actual.clone() }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn json_media_types() {
        for yes in ["application/json", "application/json; charset=utf-8", "application/vnd.mx.nexus.v1+json", "Application/JSON"] {
            assert!(is_json_media_type(yes), "{yes}");
        }
        for no in ["text/plain", "application/x-www-form-urlencoded", "application/jsonx", ""] {
            assert!(!is_json_media_type(no), "{no}");
        }
    }

    fn form_request(body: &str) -> ExpectedRequest {
        let text = format!(
            "method: POST\npath: /t\nheaders: {{content-type: application/x-www-form-urlencoded}}\nbody: '{body}'\n"
        );
        serde_saphyr::from_str(&text).expect("request parses")
    }

    fn received(body: &str, content_type: &str) -> Received {
        Received {
            method: "POST".into(),
            path: "/t".into(),
            query: Vec::new(),
            headers: vec![("content-type".into(), content_type.into())],
            body: body.as_bytes().to_vec(),
        }
    }

    #[test]
    fn form_media_types() {
        for yes in ["application/x-www-form-urlencoded", "application/x-www-form-urlencoded; charset=utf-8", "Application/X-WWW-Form-Urlencoded"] {
            assert!(is_form_media_type(yes), "{yes}");
        }
        for no in ["application/json", "multipart/form-data", "application/x-www-form-urlencodedx", ""] {
            assert!(!is_form_media_type(no), "{no}");
        }
    }

    #[test]
    fn form_bodies_compare_as_decoded_pairs_in_any_order() {
        let want = form_request("grant_type=client_credentials&scope=a+b&scope=c&note=caf%C3%A9%20%26%20co");
        let form = "application/x-www-form-urlencoded";
        // Other order, the other spelling of a space, escapes where the cassette has none.
        let got = received("note=caf%C3%A9+%26+co&scope=c&scope=a%20b&grant%5Ftype=client_credentials", form);
        assert_eq!(body_mismatches(&want, &got), Vec::<String>::new());
        // A changed value, a missing pair and an extra one are each named.
        let got = received("grant_type=password&scope=a+b&note=caf%C3%A9+%26+co&extra=1", form);
        assert_eq!(
            body_mismatches(&want, &got),
            [
                "body (form) key `extra`: not expected, got [\"1\"]",
                "body (form) key `grant_type`: expected [\"client_credentials\"], got [\"password\"]",
                "body (form) key `scope`: expected [\"a b\", \"c\"], got [\"a b\"]",
            ]
        );
        // A repeated key counts: the same pairs once more are not the same body.
        let got = received("grant_type=client_credentials&grant_type=client_credentials&scope=a+b&scope=c&note=caf%C3%A9+%26+co", form);
        assert_eq!(body_mismatches(&want, &got).len(), 1);
    }

    #[test]
    fn other_bodies_compare_byte_for_byte() {
        let mut want = form_request("b=2&a=1");
        want.headers.insert("content-type".into(), "text/plain".into());
        assert_eq!(body_mismatches(&want, &received("b=2&a=1", "text/plain")), Vec::<String>::new());
        assert_eq!(body_mismatches(&want, &received("a=1&b=2", "text/plain")).len(), 1);
    }

    #[test]
    fn differences_are_located() {
        let e = json!({"a": {"b/c": 1, "gone": true}, "list": [1, 2], "n": 5});
        let a = json!({"a": {"b/c": 2, "new": null}, "list": [1, 2, 3], "n": 5.0});
        let d = json_differences(&e, &a);
        assert_eq!(
            d,
            vec![
                Difference::Changed { pointer: "/a/b~1c".into(), expected: json!(1), actual: json!(2) },
                Difference::Missing { pointer: "/a/gone".into(), expected: json!(true) },
                Difference::Unexpected { pointer: "/a/new".into(), actual: json!(null) },
                Difference::Changed { pointer: "/list".into(), expected: json!([1, 2]), actual: json!([1, 2, 3]) },
                Difference::Changed { pointer: "/n".into(), expected: json!(5), actual: json!(5.0) },
            ]
        );
        assert!(json_differences(&e, &e).is_empty());
    }
}
