//! IR -> token streams. One module per kind of output; helpers shared by all live here.

pub mod client;
pub mod model;

use crate::ir::{self, TimestampFormat, TypeRef};
use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;

/// An identifier token; IR names are already valid identifiers.
pub fn ident(name: &str) -> Ident {
    Ident::new(name, Span::call_site())
}

/// One `#[doc = "..."]` attribute per line, so output shows `///` comments.
pub fn doc_lines(text: &str) -> TokenStream {
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
        TypeRef::String => quote! { ::std::string::String },
        TypeRef::Integer => quote! { i64 },
        TypeRef::Number => quote! { f64 },
        TypeRef::Boolean => quote! { bool },
        TypeRef::Date => quote! { ::linkspec_runtime::time::Date },
        TypeRef::DateTime(TimestampFormat::Rfc3339) => quote! { ::linkspec_runtime::time::Timestamp },
        TypeRef::DateTime(TimestampFormat::Naive) => quote! { ::linkspec_runtime::time::NaiveTimestamp },
        TypeRef::Json => quote! { ::serde_json::Value },
        TypeRef::List(inner) => {
            let inner = type_tokens(inner);
            quote! { ::std::vec::Vec<#inner> }
        }
        TypeRef::Map(inner) => {
            let inner = type_tokens(inner);
            quote! { ::std::collections::BTreeMap<::std::string::String, #inner> }
        }
        TypeRef::Model(name) | TypeRef::Enum(name) => {
            let name = ident(name);
            quote! { #name }
        }
    }
}

/// True when values of the type have a total equality (no floats, no JSON inside).
pub fn is_eq(provider: &ir::Provider, ty: &TypeRef, seen: &mut Vec<String>) -> bool {
    match ty {
        TypeRef::Number | TypeRef::Json => false,
        TypeRef::List(inner) | TypeRef::Map(inner) => is_eq(provider, inner, seen),
        TypeRef::Model(name) => {
            if seen.contains(name) {
                return true;
            }
            seen.push(name.clone());
            provider
                .models
                .iter()
                .find(|m| &m.name == name)
                .is_none_or(|m| m.fields.iter().all(|f| is_eq(provider, &f.ty, seen)))
        }
        _ => true,
    }
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

/// One-line summary of a doc, for references in other docs.
pub fn first_line(doc: Option<&str>) -> Option<String> {
    doc.and_then(|d| d.lines().map(str::trim).find(|l| !l.is_empty())).map(str::to_owned)
}
