//! Id types: one newtype per `ids:` entry, so that ids of different things cannot be swapped.

use super::{doc_or, ident};
use crate::ir;
use proc_macro2::TokenStream;
use quote::quote;

/// The id types of a provider, in file order. `krate` is the generated crate's name as code
/// writes it (`linkspec_clients`), for the doc example that shows two ids do not mix.
pub fn id_types(p: &ir::Provider, krate: &str) -> TokenStream {
    let strings: Vec<&ir::IdType> = p.ids.iter().filter(|id| id.wire == ir::IdWire::String).collect();
    let each = p.ids.iter().map(|id| {
        // The first string id of a provider with two shows, as doctests, that an id is built
        // from text and that another id type is refused where it is expected.
        let example = match strings.as_slice() {
            [first, second, ..] if first.name == id.name => Some(example(krate, &p.module, first, second)),
            _ => None,
        };
        id_type(id, example.unwrap_or_default())
    });
    quote! { #(#each)* }
}

fn example(krate: &str, module: &str, id: &ir::IdType, other: &ir::IdType) -> TokenStream {
    let (name, other) = (&id.name, &other.name);
    let text = format!(
        "\n# Examples\n\n```\nuse {krate}::{module}::{name};\n\nlet id = {name}::new(\"id-1\");\nassert_eq!(id.as_str(), \"id-1\");\nassert_eq!(id, {name}::from(\"id-1\"));\nassert_eq!(id.to_string(), \"id-1\");\n```\n\nIds of different things are different types, so this does not compile (`{other}` is not `{name}`):\n\n```compile_fail\nuse {krate}::{module}::{{{name}, {other}}};\n\nlet id: {name} = {other}::new(\"id-1\");\n```"
    );
    super::example::raw_doc_lines(&text)
}

fn id_type(id: &ir::IdType, example: TokenStream) -> TokenStream {
    let name = ident(&id.name);
    let type_name = &id.name;
    let doc = doc_or(id.doc.as_deref(), &format!("The id of a `{type_name}`."));
    match id.wire {
        ir::IdWire::String => {
            let about = format!(
                " An id type: the provider's text, held as it is and sent back unchanged (JSON: a string). Build one with `{type_name}::new(..)` or `From` a `String` or `&str`; `as_str()` and `Display` give the text, and it compares equal to its text (`id == \"...\"`)."
            );
            quote! {
                #doc
                #[doc = ""]
                #[doc = #about]
                #example
                #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, ::serde::Serialize, ::serde::Deserialize)]
                #[serde(transparent)]
                pub struct #name(String);

                impl #name {
                    /// The id with this text.
                    pub fn new(id: impl Into<String>) -> Self {
                        Self(id.into())
                    }

                    /// The id's text.
                    pub fn as_str(&self) -> &str {
                        &self.0
                    }

                    /// The id's text, owned.
                    pub fn into_string(self) -> String {
                        self.0
                    }
                }

                impl ::std::fmt::Display for #name {
                    fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                        f.write_str(&self.0)
                    }
                }

                impl ::std::convert::AsRef<str> for #name {
                    fn as_ref(&self) -> &str {
                        &self.0
                    }
                }

                impl From<String> for #name {
                    fn from(id: String) -> Self {
                        Self(id)
                    }
                }

                impl From<&str> for #name {
                    fn from(id: &str) -> Self {
                        Self(id.to_owned())
                    }
                }

                impl From<#name> for String {
                    fn from(id: #name) -> Self {
                        id.0
                    }
                }

                impl PartialEq<str> for #name {
                    fn eq(&self, other: &str) -> bool {
                        self.0 == other
                    }
                }

                impl PartialEq<&str> for #name {
                    fn eq(&self, other: &&str) -> bool {
                        self.0 == *other
                    }
                }
            }
        }
        ir::IdWire::Integer => {
            let about = format!(
                " An id type: the provider's number (JSON: an integer). Build one with `{type_name}::new(..)` or `From` an `i64`; `get()` and `Display` give the number."
            );
            quote! {
                #doc
                #[doc = ""]
                #[doc = #about]
                #example
                #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, ::serde::Serialize, ::serde::Deserialize)]
                #[serde(transparent)]
                pub struct #name(i64);

                impl #name {
                    /// The id with this number.
                    pub fn new(id: i64) -> Self {
                        Self(id)
                    }

                    /// The id's number.
                    pub fn get(self) -> i64 {
                        self.0
                    }
                }

                impl ::std::fmt::Display for #name {
                    fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                        ::std::fmt::Display::fmt(&self.0, f)
                    }
                }

                impl From<i64> for #name {
                    fn from(id: i64) -> Self {
                        Self(id)
                    }
                }

                impl From<#name> for i64 {
                    fn from(id: #name) -> Self {
                        id.0
                    }
                }
            }
        }
    }
}
