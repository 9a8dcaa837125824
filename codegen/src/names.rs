//! The only place identifiers are invented: case conversion, keyword escaping, validity.

use heck::{ToSnakeCase, ToUpperCamelCase};

/// Rust keywords of edition 2024, strict and reserved. A name equal to one gets a trailing `_`.
const KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "crate",
    "do", "dyn", "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl",
    "in", "let", "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub", "ref",
    "return", "self", "Self", "static", "struct", "super", "trait", "true", "try", "type",
    "typeof", "unsafe", "unsized", "use", "virtual", "where", "while", "yield",
];

/// Types every generated provider module defines; models, enums and server variables must not
/// take these names.
pub const RESERVED_TYPES: &[&str] = &["Client", "ClientBuilder", "Environment", "Error", "ErrorEnvelope"];

/// Methods every generated `ClientBuilder` has, besides the credential, header and server
/// variable setters a spec adds.
pub const BUILDER_METHODS: &[&str] =
    &["environment", "base_url", "timeout", "connect_timeout", "http_client", "settings", "retry", "clock", "max_body_bytes", "build"];

/// Methods every generated `Client` has besides one per operation.
pub const CLIENT_METHODS: &[&str] = &["builder", "with_retry", "call_json"];

/// Statics every generated client module defines; operation `x` adds a static `X`.
pub const RESERVED_STATICS: &[&str] = &["PROVIDER", "ACQUIRE", "OPERATIONS"];

/// True for a Rust keyword.
pub fn is_keyword(name: &str) -> bool {
    KEYWORDS.contains(&name)
}

/// Appends `_` to keywords, so `type` becomes `type_`.
pub fn escape(name: String) -> String {
    if is_keyword(&name) { name + "_" } else { name }
}

/// True when `name` is a plain (non-raw) Rust identifier made of ASCII letters, digits, `_`.
pub fn is_ident(name: &str) -> bool {
    let mut chars = name.chars();
    match chars.next() {
        Some(c) if c.is_ascii_alphabetic() || c == '_' => {}
        _ => return false,
    }
    name != "_" && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// Keeps ASCII letters and digits, turning every other run of characters into one `_`.
fn words(wire: &str) -> String {
    let mut out = String::new();
    for c in wire.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.ends_with('_') {
            out.push('_');
        }
    }
    out.trim_matches('_').to_owned()
}

/// A snake_case value identifier for a wire name (`_links` -> `links`, `externalId` ->
/// `external_id`, `type` -> `type_`). `None` when nothing usable is left.
pub fn value_ident(wire: &str) -> Option<String> {
    let base = words(wire).to_snake_case();
    if base.is_empty() {
        return None;
    }
    let base = if base.starts_with(|c: char| c.is_ascii_digit()) { format!("n{base}") } else { base };
    Some(escape(base))
}

/// An UpperCamelCase type or variant identifier for a wire name (`INSTANT_AUTH` ->
/// `InstantAuth`, `com.au` -> `ComAu`). `None` when nothing usable is left.
pub fn type_ident(wire: &str) -> Option<String> {
    let base = words(wire).to_upper_camel_case();
    if base.is_empty() {
        return None;
    }
    let base = if base.starts_with(|c: char| c.is_ascii_digit()) { format!("V{base}") } else { base };
    Some(escape(base))
}

/// The request type of an operation: `user_create` -> `UserCreateRequest`.
pub fn request_type(operation: &str) -> String {
    format!("{}Request", operation.to_upper_camel_case())
}

/// True when a type name is already UpperCamelCase as linkspec would write it.
pub fn is_type_name(name: &str) -> bool {
    is_ident(name) && !is_keyword(name) && type_ident(name).as_deref() == Some(name)
}

/// True when a value name is already snake_case as linkspec would write it.
pub fn is_value_name(name: &str) -> bool {
    is_ident(name) && !is_keyword(name) && value_ident(name).as_deref() == Some(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn converts_wire_names() {
        assert_eq!(value_ident("_links").as_deref(), Some("links"));
        assert_eq!(value_ident("externalId").as_deref(), Some("external_id"));
        assert_eq!(value_ident("type").as_deref(), Some("type_"));
        assert_eq!(value_ident("MD-SESSION-TOKEN").as_deref(), Some("md_session_token"));
        assert_eq!(value_ident("1st").as_deref(), Some("n1st"));
        assert_eq!(value_ident("__").as_deref(), None);
        assert_eq!(type_ident("INSTANT_AUTH").as_deref(), Some("InstantAuth"));
        assert_eq!(type_ident("com.au").as_deref(), Some("ComAu"));
        assert_eq!(type_ident("user_type:admin").as_deref(), Some("UserTypeAdmin"));
        assert_eq!(type_ident("Self").as_deref(), Some("Self_"));
        assert_eq!(type_ident("4011").as_deref(), Some("V4011"));
        assert_eq!(request_type("get_user_links"), "GetUserLinksRequest");
    }

    #[test]
    fn checks_names() {
        assert!(is_type_name("LinkState"));
        assert!(!is_type_name("linkState"));
        assert!(!is_type_name("Self"));
        assert!(is_value_name("user_create"));
        assert!(!is_value_name("userCreate"));
        assert!(!is_value_name("fn"));
    }
}
