//! The enums of an envelope's documented error codes and categories (`<Model>Code`,
//! `<Model>Category`), which the envelope's `ErrorEnvelope` impl names as its code types. Each
//! is an [`ir::Enum`], written by the one enum emitter of [`super::model`].

use super::ident;
use crate::ir;
use proc_macro2::TokenStream;
use quote::quote;

/// The `type Code` and `type Category` of an envelope's impl, and the enums they name.
pub(super) fn code_types(env: &ir::ErrorEnvelope) -> (TokenStream, TokenStream) {
    let ty = |list: Option<&ir::CodeList>| match list {
        Some(l) => {
            let name = ident(&l.enumeration.name);
            quote! { #name }
        }
        None => quote! { String },
    };
    let (code, category) = (ty(env.codes.as_ref()), ty(env.categories.as_ref()));
    let types = quote! {
        type Code = #code;
        type Category = #category;
    };
    let made = |list: Option<&ir::CodeList>| list.filter(|l| l.emit).map(|l| super::model::enumeration(&l.enumeration));
    let enums = [made(env.codes.as_ref()), made(env.categories.as_ref())].into_iter().flatten();
    (types, quote! { #(#enums)* })
}
