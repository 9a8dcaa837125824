//! Encodings on the wire: query components and form bodies.

/// Percent-encodes a query name or value: every byte but RFC 3986's unreserved characters.
/// A space becomes `%20`, not form encoding's `+`, which strict servers read as a plus sign.
pub(crate) fn encode_query(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    encode_query_into(&mut out, text);
    out
}

/// [`encode_query`], appended to `out`.
pub(crate) fn encode_query_into(out: &mut String, text: &str) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    for byte in text.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => out.push(byte as char),
            _ => {
                out.push('%');
                out.push(HEX[usize::from(byte >> 4)] as char);
                out.push(HEX[usize::from(byte & 0xF)] as char);
            }
        }
    }
}

/// The fields of a JSON object with each value as its JSON text, in key order (as serde_json's
/// `Map` orders them): a number's text is never re-formatted.
pub(crate) type JsonFields = std::collections::BTreeMap<String, Box<serde_json::value::RawValue>>;

/// A flat JSON object as `application/x-www-form-urlencoded`; nulls are left out, and numbers
/// are sent as written.
pub(crate) fn form_encode(value: &serde_json::value::RawValue) -> Result<String, String> {
    let map: JsonFields = serde_json::from_str(value.get()).map_err(|_| "a form body must be an object".to_owned())?;
    let mut pairs = Vec::new();
    for (key, value) in &map {
        let raw = value.get().trim();
        let text = match raw.as_bytes().first() {
            Some(b'n') => continue,
            Some(b'"') => serde_json::from_str::<String>(raw).map_err(|e| e.to_string())?,
            Some(b'[' | b'{') | None => return Err(format!("the form field `{key}` is not a scalar")),
            Some(_) => raw.to_owned(),
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
        let raw = |text: &str| serde_json::value::RawValue::from_string(text.to_owned()).unwrap();
        let form = form_encode(&raw(r#"{"grant_type": "client_credentials", "n": 2, "amount": 5.10, "skip": null}"#)).unwrap();
        assert_eq!(form, "amount=5.10&grant_type=client_credentials&n=2");
        assert!(form_encode(&raw(r#"{"nested": {"a": 1}}"#)).is_err());
        assert!(form_encode(&raw("[1]")).is_err());
    }
}
