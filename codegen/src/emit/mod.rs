//! IR -> token streams. One module per kind of output; helpers shared by all live here.

pub mod client;
pub mod model;
pub mod roundtrip;

use crate::ir::{self, TimestampFormat, TypeRef};
use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;

/// An identifier token; IR names are already valid identifiers.
pub fn ident(name: &str) -> Ident {
    Ident::new(name, Span::call_site())
}

/// One `#[doc = "..."]` attribute per line, so output shows `///` comments.
pub fn doc_lines(text: &str) -> TokenStream {
    let text = doc_markdown(text);
    let lines = text.trim_end().lines().map(|line| {
        let line = if line.trim().is_empty() { String::new() } else { format!(" {}", line.trim_end()) };
        quote! { #[doc = #line] }
    });
    quote! { #(#lines)* }
}

/// Docs as rustdoc should read them. A provider's code examples are not Rust for this crate, so
/// a fenced block rustdoc would compile as a doctest (no language, or only Rust attributes)
/// becomes ```` ```text ```` (or gains `ignore` when it says `rust`); a fence left open is closed.
pub fn doc_markdown(text: &str) -> String {
    let mut out: Vec<String> = Vec::new();
    let mut open: Option<(char, usize)> = None;
    for line in text.lines() {
        let trimmed = line.trim_start();
        let indent = &line[..line.len() - trimmed.len()];
        let fence = fence_of(trimmed).filter(|_| indent.len() < 4);
        match (open, fence) {
            (None, Some((c, n, info))) => {
                open = Some((c, n));
                if let Some(info) = doctest_info(info) {
                    out.push(format!("{indent}{}{info}", c.to_string().repeat(n)));
                    continue;
                }
            }
            (Some((c, n)), Some((c2, n2, ""))) if c == c2 && n2 >= n => open = None,
            _ => {}
        }
        out.push(line.to_owned());
    }
    if let Some((c, n)) = open {
        out.push(c.to_string().repeat(n));
    }
    out.join("\n")
}

/// A code fence: its character, its length and its info string.
fn fence_of(line: &str) -> Option<(char, usize, &str)> {
    let c = line.chars().next().filter(|c| *c == '`' || *c == '~')?;
    let n = line.chars().take_while(|x| *x == c).count();
    let info = line[n..].trim();
    (n >= 3 && !(c == '`' && info.contains('`'))).then_some((c, n, info))
}

/// The info string to write instead of `info` when rustdoc would run the block as a doctest.
fn doctest_info(info: &str) -> Option<String> {
    const RUST_ATTRS: &[&str] = &["rust", "should_panic", "no_run", "compile_fail", "test_harness", "standalone_crate"];
    let tokens: Vec<&str> = info.split([',', ' ', '\t']).filter(|t| !t.is_empty()).collect();
    let rustish = tokens.iter().all(|t| RUST_ATTRS.contains(t) || t.starts_with("edition"));
    if tokens.is_empty() {
        Some("text".to_owned())
    } else if rustish {
        Some(format!("{info},ignore"))
    } else {
        None
    }
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

    #[test]
    fn fences_rustdoc_would_run_become_text() {
        let doc = "A.\n\n```\n{}\n```\n\n```json\n{}\n```\n\n~~~rust\nx\n~~~\n\n```\nopen";
        assert_eq!(doc_markdown(doc), "A.\n\n```text\n{}\n```\n\n```json\n{}\n```\n\n~~~rust,ignore\nx\n~~~\n\n```text\nopen\n```");
    }
}
