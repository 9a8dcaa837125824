//! Encodings on the wire: query components and form bodies.

/// Percent-encodes a query name or value: every byte but RFC 3986's unreserved characters.
/// A space becomes `%20`, not form encoding's `+`, which strict servers read as a plus sign.
pub(crate) fn encode_query(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => out.push(byte as char),
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

/// A flat JSON object as `application/x-www-form-urlencoded`; nulls are left out.
pub(crate) fn form_encode(value: &serde_json::Value) -> Result<String, String> {
    let serde_json::Value::Object(map) = value else {
        return Err("a form body must be an object".into());
    };
    let mut pairs = Vec::new();
    for (key, value) in map {
        let text = match value {
            serde_json::Value::Null => continue,
            serde_json::Value::String(s) => s.clone(),
            serde_json::Value::Bool(_) | serde_json::Value::Number(_) => value.to_string(),
            _ => return Err(format!("the form field `{key}` is not a scalar")),
        };
        pairs.push(format!("{}={}", encode_query(key), encode_query(&text)));
    }
    Ok(pairs.join("&"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_and_form_encoding() {
        assert_eq!(encode_query("externalId eq \"1\""), "externalId%20eq%20%221%22");
        assert_eq!(encode_query("a+b/c~d_e.f-g"), "a%2Bb%2Fc~d_e.f-g");
        assert_eq!(encode_query("ü"), "%C3%BC");
        let form = form_encode(&serde_json::json!({"grant_type": "client_credentials", "n": 2, "skip": null})).unwrap();
        assert_eq!(form, "grant_type=client_credentials&n=2");
        assert!(form_encode(&serde_json::json!({"nested": {"a": 1}})).is_err());
    }
}
