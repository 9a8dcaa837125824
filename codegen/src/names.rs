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

/// Types of Rust's prelude that generated code names without a path (`Option<String>`, not
/// `::std::option::Option<::std::string::String>`, which took a third of its lines): a model,
/// enum or server variable of one of these names would shadow it.
pub const PRELUDE_TYPES: &[&str] = &["Option", "Result", "String", "ToString", "Into", "From", "Vec", "Box"];

/// Methods every generated `ClientBuilder` has, besides the credential, header and server
/// variable setters a spec adds.
pub const BUILDER_METHODS: &[&str] =
    &["environment", "base_url", "timeout", "connect_timeout", "http_client", "settings", "retry", "clock", "max_body_bytes", "build"];

/// The builder methods of [`BUILDER_METHODS`] that set nothing, so have no `set_` twin.
pub const BUILDER_NON_SETTERS: &[&str] = &["settings", "build"];

/// The setter of an optional model field or request parameter: the field's own name (a keyword
/// keeps its trailing `_`), as request parameters and builder settings are named: one scheme
/// everywhere, `.limit(10)`, `.user_id("u1")`.
pub fn model_setter(rust: &str) -> String {
    rust.to_owned()
}

/// The setter of an optional request parameter: the parameter's Rust name, as model setters
/// are named (`.limit(10)`).
pub fn request_setter(rust: &str) -> String {
    rust.to_owned()
}

/// The setter that sends an explicit `null` for an optional, nullable model field: `<field>_null`.
pub fn model_null_setter(rust: &str) -> String {
    format!("{}_null", rust.trim_end_matches('_'))
}

/// The setter taking an `Option` of what setter `setter` takes: `set_<setter>` (`set_limit`,
/// `set_timeout`), for values that may or may not be there without an `if let` at each call.
pub fn option_setter(setter: &str) -> String {
    format!("set_{}", setter.trim_end_matches('_'))
}

/// Names of standard trait methods that clippy's `should_implement_trait` flags on a setter of
/// the same shape (`fn sub(self, v) -> Self`): such a setter carries an `allow`.
pub const TRAIT_METHOD_NAMES: &[&str] = &[
    "add", "as_mut", "as_ref", "bitand", "bitor", "bitxor", "borrow", "borrow_mut", "clone", "cmp", "default", "deref",
    "deref_mut", "div", "drop", "eq", "from_iter", "from_str", "hash", "index", "index_mut", "into_iter", "mul", "neg",
    "next", "not", "partial_cmp", "rem", "shl", "shr", "sub",
];

/// Methods every model has besides its setters: a field whose setter would take one of these
/// names needs `rust:`.
pub const MODEL_METHODS: &[&str] = &["new"];

/// Builder setters of the `key_pair` auth scheme.
pub const KEY_PAIR_SETTERS: &[&str] = &["client_id", "secret", "credentials_in"];

/// `Client::builder`, which starts a `ClientBuilder`.
pub const BUILDER: &str = "builder";

/// `Client::with_retry`, a client with another retry policy.
pub const WITH_RETRY: &str = "with_retry";

/// `call_json`: `Client::call_json` and the crate-level dispatch by provider name.
pub const CALL_JSON: &str = "call_json";

/// `call_json_pages`: `Client::call_json_pages` and the crate-level dispatch of paged calls.
pub const CALL_JSON_PAGES: &str = "call_json_pages";

/// The generated crate's cargo feature that compiles `call_json` and `call_json_pages` (the
/// conformance harness turns it on; applications need not compile them).
pub const DISPATCH_FEATURE: &str = "dispatch";

/// Methods every generated `Client` has besides one per operation (and one per paged one).
pub const CLIENT_METHODS: &[&str] = &[BUILDER, WITH_RETRY, CALL_JSON, CALL_JSON_PAGES];

/// The client method that pages through operation `operation`: `<operation>_pages`.
pub fn pages_method(operation: &str) -> String {
    format!("{operation}_pages")
}

/// The method of a paged operation's items across pages (`list_links_items`).
pub fn items_method(operation: &str) -> String {
    format!("{operation}_items")
}

/// `<Operation>Request::new`, taking the required arguments.
pub const REQUEST_NEW: &str = "new";
/// A provider client's view call by name with JSON arguments (dispatch feature).
pub const CALL_VIEW_JSON: &str = "call_view_json";

/// `<Operation>Request::to_call`, the call a request makes.
pub const REQUEST_TO_CALL: &str = "to_call";

/// The field of a request type holding its body.
pub const REQUEST_BODY: &str = "body";

/// Methods every generated request type has besides one setter per optional parameter.
pub const REQUEST_METHODS: &[&str] = &[REQUEST_NEW, REQUEST_TO_CALL];

/// The generated crate's re-export of the runtime.
pub const RUNTIME_MODULE: &str = "runtime";

/// Items of the runtime that users of the clients touch, documented in the generated crate's
/// `runtime` module (the runtime's other items are re-exported there undocumented).
pub const RUNTIME_DOCUMENTED: &[&str] = &[
    "Error",
    "ApiError",
    "Binary",
    "AuthError",
    "BuildError",
    "DecodeError",
    "DispatchError",
    "ErrorEnvelope",
    "RetryPolicy",
    "Pages",
    "Items",
    "Truncation",
    "KeyPairPlacement",
    "ClientSettings",
    "JsonOutcome",
    "Clock",
    "ManualClock",
    "SystemClock",
    "time",
];

/// The crate-level list of every (provider, operation) pair.
pub const OPERATIONS_FN: &str = "operations";

/// The crate root's function of each view's status rows (dispatch feature).
pub const VIEW_STATUS_ROWS: &str = "view_status_rows";

/// Items of the generated crate root besides one module per provider (and one per view).
pub const CRATE_ITEMS: &[&str] = &[RUNTIME_MODULE, OPERATIONS_FN, CALL_JSON, CALL_JSON_PAGES, CALL_VIEW_JSON, VIEW_STATUS_ROWS, RECORDINGS_FN];

/// The crate root's function of every provider's `RECORDING` (dispatch feature).
pub const RECORDINGS_FN: &str = "recordings";

/// Why a provider name cannot be a module and feature of the generated crate, if it cannot:
/// the crate root's own items, cargo's `default` feature, the `dispatch` feature, and `lib`
/// (the root's file name).
pub fn reserved_provider(name: &str) -> Option<&'static str> {
    if CRATE_ITEMS.contains(&name) {
        Some("an item the generated crate root already has")
    } else if name == "default" {
        Some("cargo's feature list of the generated crate (`[features] default`)")
    } else if name == DISPATCH_FEATURE {
        Some("the generated crate's feature for calls by name (`[features] dispatch`)")
    } else if name == "lib" {
        Some("the generated crate root (`src/lib.rs`)")
    } else {
        None
    }
}

/// Statics every generated client module defines; operation `x` adds a static `X`.
pub const RESERVED_STATICS: &[&str] = &["PROVIDER", "ACQUIRE", "OPERATIONS", "AUTH_SCHEMES", OPERATION_DEFAULTS, RECORDING];

/// The client module's description of what a recording redacts (dispatch feature).
pub const RECORDING: &str = "RECORDING";

/// The client module's static that every operation's static copies what it does not set from
/// (`..OPERATION_DEFAULTS`), so each operation names only what differs.
pub const OPERATION_DEFAULTS: &str = "OPERATION_DEFAULTS";

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

/// The variant of an integer enum value: `0` -> `V0`, `-1` -> `Minus1`.
pub fn integer_variant(value: i64) -> String {
    if value < 0 { format!("Minus{}", value.unsigned_abs()) } else { format!("V{value}") }
}

/// The variant that keeps an enum's unlisted values, unless a listed value takes its name.
pub const ENUM_FALLBACK: &str = "Unknown";
/// The variant that keeps unlisted values in an enum that lists a value named `Unknown`.
pub const ENUM_FALLBACK_ALT: &str = "Unrecognized";

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
