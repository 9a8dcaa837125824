//! IR -> token streams. One module per kind of output; helpers shared by all live here.

pub mod client;
mod codes;
pub mod docs;
pub mod example;
pub mod ids;
pub mod invented;
mod meta;
pub mod model;
pub mod roundtrip;
pub mod view;

use crate::ir::{self, TimestampFormat, TypeRef};
use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;
use std::collections::HashSet;

/// An identifier token; IR names are already valid identifiers.
pub fn ident(name: &str) -> Ident {
    Ident::new(name, Span::call_site())
}

/// One `#[doc = "..."]` attribute per line, so output shows `///` comments.
pub fn doc_lines(text: &str) -> TokenStream {
    let text = docs::markdown(text);
    let lines = text.trim_end().lines().map(|line| {
        let line = if line.trim().is_empty() { String::new() } else { format!(" {}", line.trim_end()) };
        quote! { #[doc = #line] }
    });
    quote! { #(#lines)* }
}

/// Doc attributes from an optional spec doc, with a fallback sentence when it is missing.
pub fn doc_or(doc: Option<&str>, fallback: &str) -> TokenStream {
    match doc {
        Some(d) if !d.trim().is_empty() => doc_lines(d),
        _ => doc_lines(fallback),
    }
}

/// The Rust type of a type expression, with absolute paths.
pub fn type_tokens(ty: &TypeRef) -> TokenStream {
    match ty {
        TypeRef::String => quote! { String },
        TypeRef::Integer => quote! { i64 },
        TypeRef::Number => quote! { ::linkspec_runtime::Float },
        TypeRef::Decimal => quote! { ::linkspec_runtime::Decimal },
        TypeRef::Boolean => quote! { bool },
        TypeRef::Date => quote! { ::linkspec_runtime::time::Date },
        TypeRef::DateTime(TimestampFormat::Rfc3339) => quote! { ::linkspec_runtime::time::Timestamp },
        TypeRef::DateTime(TimestampFormat::Naive) => quote! { ::linkspec_runtime::time::NaiveTimestamp },
        TypeRef::DateTime(TimestampFormat::NaiveUtc) => quote! { ::linkspec_runtime::time::UtcTimestamp },
        TypeRef::Json => quote! { ::serde_json::Value },
        TypeRef::List(inner) => {
            let inner = type_tokens(inner);
            quote! { Vec<#inner> }
        }
        TypeRef::Map(inner) => {
            let inner = type_tokens(inner);
            quote! { ::std::collections::BTreeMap<String, #inner> }
        }
        TypeRef::Nullable(inner) => {
            let inner = type_tokens(inner);
            quote! { Option<#inner> }
        }
        TypeRef::Model(name) | TypeRef::Enum(name) | TypeRef::Id(name, _) => {
            let name = ident(name);
            quote! { #name }
        }
    }
}

/// `#[deprecated]`, with the spec's note when it has one; nothing for an item not deprecated.
pub fn deprecated_attr(deprecated: Option<&ir::Deprecated>) -> TokenStream {
    match deprecated {
        None => quote! {},
        Some(ir::Deprecated { note: None }) => quote! { #[deprecated] },
        Some(ir::Deprecated { note: Some(note) }) => quote! { #[deprecated(note = #note)] },
    }
}

/// `#[allow(clippy::should_implement_trait)]` on a setter named like a standard trait method
/// (a field `sub`), which clippy would otherwise take for a wrong `Sub::sub`.
pub fn allow_trait_name(setter: &str) -> TokenStream {
    if crate::names::TRAIT_METHOD_NAMES.contains(&setter) {
        quote! { #[allow(clippy::should_implement_trait)] }
    } else {
        quote! {}
    }
}

/// `#[allow(deprecated)]` for generated code that touches a deprecated item itself, so the
/// crate builds under `-D warnings` while a user's use still warns.
pub fn allow_deprecated(touches: bool) -> TokenStream {
    if touches { quote! { #[allow(deprecated)] } } else { quote! {} }
}

/// The models whose values have a total equality (no float and no JSON reachable through
/// their fields), found by marking what reaches a float until nothing changes: linear in the
/// number of models for the shapes specs have, where a search per field reference was
/// quadratic. A cycle of models alone is `Eq`.
pub fn eq_models(provider: &ir::Provider) -> HashSet<&str> {
    fn direct(ty: &TypeRef, not_eq: &HashSet<&str>) -> bool {
        match ty {
            TypeRef::Number | TypeRef::Json => false,
            TypeRef::List(inner) | TypeRef::Map(inner) | TypeRef::Nullable(inner) => direct(inner, not_eq),
            TypeRef::Model(name) => !not_eq.contains(name.as_str()),
            _ => true,
        }
    }
    let mut not_eq: HashSet<&str> = HashSet::new();
    loop {
        let before = not_eq.len();
        for m in &provider.models {
            if !not_eq.contains(m.name.as_str()) && !m.fields.iter().all(|f| direct(&f.ty, &not_eq)) {
                not_eq.insert(m.name.as_str());
            }
        }
        if not_eq.len() == before {
            break;
        }
    }
    provider.models.iter().map(|m| m.name.as_str()).filter(|n| !not_eq.contains(n)).collect()
}

/// A `Debug` impl for a struct whose sensitive fields print as `<redacted>`: models with
/// personal data, requests with a credential parameter. `fields` are (Rust name, sensitive).
pub fn redacting_debug<'a>(type_name: &str, fields: impl Iterator<Item = (&'a str, bool)>) -> TokenStream {
    let name = ident(type_name);
    let fields = fields.map(|(rust, sensitive)| {
        let fname = ident(rust);
        if sensitive {
            quote! { .field(#rust, &::linkspec_runtime::Redacted) }
        } else {
            quote! { .field(#rust, &self.#fname) }
        }
    });
    quote! {
        impl ::std::fmt::Debug for #name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.debug_struct(#type_name) #(#fields)* .finish()
            }
        }
    }
}

/// The first sentence of a doc, for references in other docs: the first paragraph's text up to
/// the first `.`, `!` or `?` that ends a sentence, with its line breaks joined. A full stop
/// followed by a lower-case word (`e.g. this`) or inside backticks does not end a sentence.
pub fn summary(doc: Option<&str>) -> Option<String> {
    let paragraph: Vec<&str> = doc?.lines().map(str::trim).skip_while(|l| l.is_empty()).take_while(|l| !l.is_empty()).collect();
    if paragraph.is_empty() {
        return None;
    }
    let text = paragraph.join(" ");
    let chars: Vec<char> = text.chars().collect();
    let mut in_code = false;
    for (i, c) in chars.iter().enumerate() {
        match c {
            '`' => in_code = !in_code,
            '.' | '!' | '?' if !in_code => {
                let next = chars.get(i + 1);
                let after = chars.get(i + 2);
                let ends = match next {
                    None => true,
                    Some(' ') => after.is_none_or(|a| !a.is_lowercase()),
                    _ => false,
                };
                if ends {
                    return Some(chars[..=i].iter().collect());
                }
            }
            _ => {}
        }
    }
    Some(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_summary_is_the_first_sentence_across_line_breaks() {
        let doc = "Issues an access token for the client credentials grant. The client authenticates with\nHTTP Basic.";
        assert_eq!(summary(Some(doc)).as_deref(), Some("Issues an access token for the client credentials grant."));
        let doc = "Issues a one-time token for a user, to be exchanged for\na session with `create_session`. It lasts\nten minutes.";
        assert_eq!(summary(Some(doc)).as_deref(), Some("Issues a one-time token for a user, to be exchanged for a session with `create_session`."));
        assert_eq!(summary(Some("Updates a user, e.g. to add\nfields. More.")).as_deref(), Some("Updates a user, e.g. to add fields."));
        assert_eq!(summary(Some("Reads `a.B` values.")).as_deref(), Some("Reads `a.B` values."));
        assert_eq!(summary(Some("\nNo full stop\nat all\n\nSecond paragraph.")).as_deref(), Some("No full stop at all"));
        assert_eq!(summary(Some("  \n")), None);
    }
}
