//! The enums of an envelope's documented error codes and categories (`<Model>Code`,
//! `<Model>Category`), which the envelope's `ErrorEnvelope` impl names as its code types.

use super::{doc_lines, ident};
use crate::ir;
use crate::names;
use proc_macro2::TokenStream;
use quote::quote;

/// The enum of one list. `what` says what one value is (`code`, `category`).
pub(super) fn code_enum(list: &ir::CodeList, model: &str, what: &str) -> TokenStream {
    let name = ident(&list.name);
    let fallback = ident(names::ENUM_FALLBACK);
    let doc = doc_lines(&format!(
        "The {what}s the provider documents for [`{model}`], to match on: `typed_{what}()` of an error.\n\n\
         A {what} this version of the client does not list is `{}` with its text kept; match with a \
         wildcard arm, since the provider may add more.",
        names::ENUM_FALLBACK
    ));
    let variants = list.values.iter().map(|v| {
        let variant = ident(&v.rust);
        let doc = match &v.doc {
            Some(d) if !d.trim().is_empty() => doc_lines(&format!("`{}`: {}", v.wire, d.trim_end())),
            _ => doc_lines(&format!("`{}`", v.wire)),
        };
        quote! { #doc #variant, }
    });
    let known = list.values.iter().map(|v| {
        let variant = ident(&v.rust);
        quote! { Self::#variant }
    });
    let to_str = list.values.iter().map(|v| {
        let variant = ident(&v.rust);
        let wire = &v.wire;
        quote! { Self::#variant => #wire, }
    });
    let from_str = list.values.iter().map(|v| {
        let variant = ident(&v.rust);
        let wire = &v.wire;
        quote! { #wire => Self::#variant, }
    });
    let fallback_doc = format!(" A {what} this version of the client does not list, as the provider sent it.");
    let as_str_doc = format!(" The {what} as the provider sends it.");
    quote! {
        #doc
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum #name {
            #(#variants)*
            #[doc = #fallback_doc]
            #fallback(String),
        }

        impl #name {
            /// Every value the spec lists, in its order.
            pub const KNOWN: &'static [#name] = &[#(#known),*];

            #[doc = #as_str_doc]
            pub fn as_str(&self) -> &str {
                match self {
                    #(#to_str)*
                    Self::#fallback(text) => text,
                }
            }

            /// True for a value the spec does not list.
            pub fn is_unknown(&self) -> bool {
                ::std::matches!(self, Self::#fallback(_))
            }
        }

        impl ::std::fmt::Display for #name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::std::convert::From<&str> for #name {
            fn from(text: &str) -> Self {
                match text {
                    #(#from_str)*
                    other => Self::#fallback(other.to_owned()),
                }
            }
        }

        impl ::std::convert::From<String> for #name {
            fn from(text: String) -> Self {
                match Self::from(text.as_str()) {
                    Self::#fallback(_) => Self::#fallback(text),
                    known => known,
                }
            }
        }

        impl ::std::str::FromStr for #name {
            type Err = ::std::convert::Infallible;
            fn from_str(text: &str) -> Result<Self, Self::Err> {
                Ok(Self::from(text))
            }
        }
    }
}

/// The `type Code` and `type Category` of an envelope's impl, and the enums they name.
pub(super) fn code_types(env: &ir::ErrorEnvelope) -> (TokenStream, TokenStream) {
    let ty = |list: Option<&ir::CodeList>| match list {
        Some(l) => {
            let name = ident(&l.name);
            quote! { #name }
        }
        None => quote! { String },
    };
    let (code, category) = (ty(env.codes.as_ref()), ty(env.categories.as_ref()));
    let types = quote! {
        type Code = #code;
        type Category = #category;
    };
    let made = |list: Option<&ir::CodeList>, what: &str| list.filter(|l| l.emit).map(|l| code_enum(l, &env.model, what));
    let enums = [made(env.codes.as_ref(), "code"), made(env.categories.as_ref(), "category")];
    let enums = enums.into_iter().flatten();
    (types, quote! { #(#enums)* })
}
