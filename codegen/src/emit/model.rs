//! Models and enums: serde types with docs, redacting Debug, enums that keep unknown values.

use super::{allow_deprecated, allow_trait_name, deprecated_attr, doc_lines, eq_models, ident, redacting_debug, type_tokens};
use crate::ir::{self, TypeRef};
use crate::lower::CATCH_ALL;
use crate::names;
use crate::render::Piece;
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

/// The models file of a provider: every model, every enum, the error envelope impl.
///
/// Made lazily, one model or enum at a time (see [`crate::render::Piece`]).
pub fn models_file(provider: &ir::Provider) -> impl Iterator<Item = Piece<'_>> + '_ {
    let eq = eq_models(provider);
    let models = provider.models.iter().map(move |m| model(m, eq.contains(m.name.as_str())));
    let enums = provider.enums.iter().map(enumeration);
    let mut envelopes: Vec<&ir::ErrorEnvelope> = vec![&provider.errors];
    for env in provider.operations.iter().filter_map(|o| o.errors.as_ref()) {
        if !envelopes.iter().any(|e| e.model == env.model) {
            envelopes.push(env);
        }
    }
    let envelope = envelopes.into_iter().map(error_envelope);
    models.chain(enums).chain(envelope).map(Piece::Items)
}

/// The field's full Rust type: optional and nullable wrap it in `Option`, both in two.
fn field_type(field: &ir::Field) -> TokenStream {
    let mut ty = type_tokens(&field.ty);
    if field.boxed {
        ty = quote! { Box<#ty> };
    }
    match (field.optional, field.nullable) {
        (true, true) => quote! { Option<Option<#ty>> },
        (true, false) | (false, true) => quote! { Option<#ty> },
        (false, false) => ty,
    }
}

fn serde_attrs(field: &ir::Field) -> TokenStream {
    let mut parts = Vec::new();
    if field.wire != field.rust {
        let wire = &field.wire;
        parts.push(quote! { rename = #wire });
    }
    if field.optional {
        parts.push(quote! { default });
        parts.push(quote! { skip_serializing_if = "Option::is_none" });
        if field.nullable {
            parts.push(quote! { deserialize_with = "::linkspec_runtime::serde_util::double_option" });
        }
    }
    if parts.is_empty() { quote! {} } else { quote! { #[serde(#(#parts),*)] } }
}

fn field_doc(field: &ir::Field) -> TokenStream {
    let mut text = match &field.doc {
        Some(d) if !d.trim().is_empty() => d.trim_end().to_owned(),
        _ => format!("The `{}` field.", field.wire),
    };
    let mut notes = Vec::new();
    if field.wire != field.rust {
        notes.push(format!("wire name `{}`", field.wire));
    }
    match (field.optional, field.nullable) {
        (true, true) => notes.push("may be absent (`None`) or null (`Some(None)`)".to_owned()),
        (true, false) => notes.push("may be absent".to_owned()),
        (false, true) => notes.push("may be null".to_owned()),
        (false, false) => {}
    }
    if field.sensitive {
        notes.push("sensitive: redacted from `Debug`".to_owned());
    }
    if !notes.is_empty() {
        // A one-line doc takes its note on the same line; a longer one as its own paragraph.
        let gap = if text.contains('\n') { "\n\n" } else { " " };
        text.push_str(&format!("{gap}({})", notes.join("; ")));
    }
    doc_lines(&text)
}

fn model(m: &ir::Model, eq: bool) -> TokenStream {
    let name = ident(&m.name);
    let doc = model_doc(m);
    let derive_eq = if eq { quote! { Eq, } } else { quote! {} };
    let sensitive = m.fields.iter().any(|f| f.sensitive);
    let derive_debug = if sensitive { quote! {} } else { quote! { Debug, } };
    // With every field optional, `new()` takes nothing and `Default` is the same value.
    let derive_default =
        if m.fields.iter().all(|f| f.optional) { quote! { Default, } } else { quote! {} };
    let fields = m.fields.iter().map(|f| {
        let doc = field_doc(f);
        let attrs = serde_attrs(f);
        let fname = ident(&f.rust);
        let ty = field_type(f);
        let deprecated = deprecated_attr(f.deprecated.as_ref());
        quote! { #doc #deprecated #attrs pub #fname: #ty, }
    });
    // The constructor, setters and `Debug` touch every field, deprecated ones too.
    let allow = allow_deprecated(m.fields.iter().any(|f| f.deprecated.is_some()));
    let catch_all = catch_all_field(m);
    let debug_impl = if sensitive {
        let kept = m.keep_unknown.then_some((CATCH_ALL, false));
        let debug = redacting_debug(&m.name, m.fields.iter().map(|f| (f.rust.as_str(), f.sensitive)).chain(kept));
        quote! { #allow #debug }
    } else {
        quote! {}
    };
    let ctor = constructor(m);
    let ctor = quote! { #allow #ctor };
    quote! {
        #doc
        #[derive(#derive_debug Clone, PartialEq, #derive_eq #derive_default ::serde::Serialize, ::serde::Deserialize)]
        #[non_exhaustive]
        pub struct #name {
            #(#fields)*
            #catch_all
        }
        #ctor
        #debug_impl
    }
}

/// The model's docs; a model that keeps unknown keys says where they go.
fn model_doc(m: &ir::Model) -> TokenStream {
    let mut text = match &m.doc {
        Some(d) if !d.trim().is_empty() => d.trim_end().to_owned(),
        _ => format!("The `{}` object.", m.name),
    };
    if m.keep_unknown {
        text.push_str(&format!(
            "\n\nKeys the provider sends that this model does not declare are kept in `{CATCH_ALL}` and sent back."
        ));
    }
    doc_lines(&text)
}

/// The catch-all of a model that keeps unknown keys: every undeclared key, in the order received,
/// serialised back after the declared fields.
fn catch_all_field(m: &ir::Model) -> TokenStream {
    if !m.keep_unknown {
        return quote! {};
    }
    let fname = ident(CATCH_ALL);
    quote! {
        /// Keys the provider sent that the spec does not declare, with their values, in the order
        /// received; sent back after the declared fields. `Debug` shows their names only.
        #[serde(flatten)]
        pub #fname: ::linkspec_runtime::UnknownKeys,
    }
}

/// `new` taking the required fields; per optional field a setter named after it and `set_`
/// taking an `Option` (and `<field>_null` when the field is nullable).
fn constructor(m: &ir::Model) -> TokenStream {
    let name = ident(&m.name);
    let required: Vec<&ir::Field> = m.fields.iter().filter(|f| !f.optional).collect();
    let args = required.iter().map(|f| {
        let fname = ident(&f.rust);
        match (&f.ty, f.nullable, f.boxed) {
            (TypeRef::String, false, _) => quote! { #fname: impl Into<String> },
            (TypeRef::Id(..), false, false) => {
                let ty = type_tokens(&f.ty);
                quote! { #fname: impl Into<#ty> }
            }
            _ => {
                let ty = field_type(f);
                quote! { #fname: #ty }
            }
        }
    });
    let inits = m.fields.iter().map(|f| {
        let fname = ident(&f.rust);
        match (f.optional, &f.ty, f.nullable) {
            (true, _, _) => quote! { #fname: None },
            (false, TypeRef::String | TypeRef::Id(..), false) => quote! { #fname: #fname.into() },
            (false, _, _) => quote! { #fname },
        }
    });
    let inits = inits.chain(m.keep_unknown.then(|| {
        let fname = ident(CATCH_ALL);
        quote! { #fname: ::linkspec_runtime::UnknownKeys::new() }
    }));
    let setters = m.fields.iter().filter(|f| f.optional).map(|f| {
        let fname = ident(&f.rust);
        let setter = ident(&names::model_setter(&f.rust));
        let option_setter = ident(&names::option_setter(&f.rust));
        let plain = type_tokens(&f.ty);
        let ty = if f.boxed { quote! { Box<#plain> } } else { plain.clone() };
        let (arg_ty, value) = match (&f.ty, f.boxed) {
            (TypeRef::String, false) => (quote! { impl Into<String> }, quote! { value.into() }),
            (TypeRef::Id(..), false) => (quote! { impl Into<#plain> }, quote! { value.into() }),
            _ => (ty, quote! { value }),
        };
        // `set_x(Option<T>)`: `Some` sets like `x`, `None` leaves the field out.
        let wrap = match (f.boxed, f.nullable) {
            (false, false) => quote! { value },
            (true, false) => quote! { value.map(Box::new) },
            (false, true) => quote! { value.map(Some) },
            (true, true) => quote! { value.map(|v| Some(Box::new(v))) },
        };
        let deprecated = deprecated_attr(f.deprecated.as_ref());
        let allow = allow_trait_name(&names::model_setter(&f.rust));
        let option_doc = doc_lines(&format!(
            "Sets `{}` when given `Some`, as [`{setter}`](Self::{setter}) does; `None` leaves it out.",
            f.rust
        ));
        let option = quote! {
            #option_doc
            #deprecated
            #[must_use]
            pub fn #option_setter(mut self, value: Option<#plain>) -> Self {
                self.#fname = #wrap;
                self
            }
        };
        if !f.nullable {
            let doc = format!(" Sets `{}`.", f.rust);
            return quote! {
                #[doc = #doc]
                #deprecated
                #allow
                #[must_use]
                pub fn #setter(mut self, value: #arg_ty) -> Self {
                    self.#fname = Some(#value);
                    self
                }
                #option
            };
        }
        // Absent, null and a value are three different requests: a setter for each of the two
        // that send something, and a field never set is left out.
        let null_setter = names::model_null_setter(&f.rust);
        let doc = doc_lines(&format!(
            "Sets `{}` to a value. [`{null_setter}`](Self::{null_setter}) sends an explicit `null` instead; a field set by neither is left out of the JSON.",
            f.rust
        ));
        let null_doc = doc_lines(&format!(
            "Sends `{}` as an explicit `null` (`Some(None)`), which the provider may read differently from leaving it out.",
            f.wire
        ));
        let null_setter = ident(&null_setter);
        quote! {
            #doc
            #deprecated
            #allow
            #[must_use]
            pub fn #setter(mut self, value: #arg_ty) -> Self {
                self.#fname = Some(Some(#value));
                self
            }
            #option
            #null_doc
            #deprecated
            #[must_use]
            pub fn #null_setter(mut self) -> Self {
                self.#fname = Some(None);
                self
            }
        }
    });
    let allow = if required.len() > 7 { quote! { #[allow(clippy::too_many_arguments)] } } else { quote! {} };
    let doc = format!(" Builds a `{}` from its required fields; optional fields start absent.", m.name);
    quote! {
        impl #name {
            #[doc = #doc]
            #allow
            pub fn new(#(#args),*) -> Self {
                Self { #(#inits),* }
            }
            #(#setters)*
        }
    }
}

/// An enum of the spec (or of an envelope's code list): its variants, the fallback that keeps
/// unknown values, `KNOWN`, the wire accessor, conversions and serde impls.
pub(super) fn enumeration(e: &ir::Enum) -> TokenStream {
    let name = ident(&e.name);
    let fallback = ident(&e.fallback);
    let is_fallback = format_ident!("is_{}", e.fallback.to_lowercase());
    let mut doc_text = e.doc.clone().unwrap_or_else(|| format!("The `{}` values.", e.name));
    doc_text.push_str(&format!(
        "\n\nValues this client does not know decode into `{}` with their {} kept, and \
         serialise back unchanged.",
        e.fallback,
        match e.wire {
            ir::EnumWire::String => "text",
            ir::EnumWire::Integer | ir::EnumWire::Boolean => "value",
        }
    ));
    if e.fallback != names::ENUM_FALLBACK {
        doc_text.push_str(&format!(" (`{}` is the provider's own value `{}`.)", names::ENUM_FALLBACK, listed_unknown(e)));
    }
    if e.nullable {
        doc_text.push_str(" The provider also sends `null`, so fields of this type are `Option`s.");
    }
    let doc = doc_lines(&doc_text);
    let variants = e.values.iter().map(|v| {
        let vname = ident(&v.rust);
        let doc = match &v.doc {
            Some(d) => doc_lines(&format!("`{}`: {}", v.wire, d)),
            None => doc_lines(&format!("`{}`", v.wire)),
        };
        quote! { #doc #vname, }
    });
    let known = e.values.iter().map(|v| {
        let vname = ident(&v.rust);
        quote! { Self::#vname }
    });
    let (payload, common) = match e.wire {
        ir::EnumWire::String => (quote! { String }, string_enum_impls(e)),
        ir::EnumWire::Integer => (quote! { i64 }, scalar_enum_impls(e, quote! { i64 }, quote! { serialize_i64 })),
        ir::EnumWire::Boolean => (quote! { bool }, scalar_enum_impls(e, quote! { bool }, quote! { serialize_bool })),
    };
    let fallback_doc = match e.wire {
        ir::EnumWire::String => " A value this version of the client does not know, with its text kept.",
        ir::EnumWire::Integer | ir::EnumWire::Boolean => " A value this version of the client does not know, kept as it came.",
    };
    let is_fallback_doc = format!(" True for a value this client does not know (`{}`).", e.fallback);
    let is_fallback_doc = if e.fallback == names::ENUM_FALLBACK { " True for a value this client does not know.".to_owned() } else { is_fallback_doc };
    let accessor = &common.accessor;
    let rest = &common.rest;
    quote! {
        #doc
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum #name {
            #(#variants)*
            #[doc = #fallback_doc]
            #fallback(#payload),
        }

        impl #name {
            /// Every value this client knows, in the provider's order.
            pub const KNOWN: &'static [#name] = &[#(#known),*];

            #accessor

            #[doc = #is_fallback_doc]
            pub fn #is_fallback(&self) -> bool {
                ::std::matches!(self, Self::#fallback(_))
            }
        }

        #rest
    }
}

/// The wire text of the listed value that took the name `Unknown`.
fn listed_unknown(e: &ir::Enum) -> &str {
    e.values.iter().find(|v| v.rust == names::ENUM_FALLBACK).map_or("unknown", |v| v.wire.as_str())
}

/// The parts of an enum that depend on its wire type: the accessor of the wire value, and the
/// conversions and serde impls.
struct EnumImpls {
    accessor: TokenStream,
    rest: TokenStream,
}

fn string_enum_impls(e: &ir::Enum) -> EnumImpls {
    let name = ident(&e.name);
    let fallback = ident(&e.fallback);
    let to_str = e.values.iter().map(|v| {
        let vname = ident(&v.rust);
        let wire = &v.wire;
        quote! { Self::#vname => #wire, }
    });
    let from_str = e.values.iter().map(|v| {
        let vname = ident(&v.rust);
        let wire = &v.wire;
        quote! { #wire => Self::#vname, }
    });
    let accessor = quote! {
        /// The value as sent on the wire.
        pub fn as_str(&self) -> &str {
            match self {
                #(#to_str)*
                Self::#fallback(value) => value.as_str(),
            }
        }
    };
    let rest = quote! {
        impl From<&str> for #name {
            fn from(value: &str) -> Self {
                match value {
                    #(#from_str)*
                    _ => Self::#fallback(value.to_owned()),
                }
            }
        }

        impl From<String> for #name {
            fn from(value: String) -> Self {
                match Self::from(value.as_str()) {
                    Self::#fallback(_) => Self::#fallback(value),
                    known => known,
                }
            }
        }

        impl ::std::str::FromStr for #name {
            type Err = ::std::convert::Infallible;
            fn from_str(value: &str) -> Result<Self, Self::Err> {
                Ok(Self::from(value))
            }
        }

        impl ::std::fmt::Display for #name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::serde::Serialize for #name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                ::linkspec_runtime::serde_util::text_enum(deserializer, |text: &str| Self::from(text))
            }
        }
    };
    EnumImpls { accessor, rest }
}

/// An integer or boolean value as a literal or pattern (`4011`, `-1`, `true`).
fn wire_literal(e: &ir::Enum, wire: &str) -> TokenStream {
    match e.wire {
        ir::EnumWire::Boolean => {
            let b = wire == "true";
            quote! { #b }
        }
        _ => {
            let n: i64 = wire.parse().unwrap_or_default();
            let abs = proc_macro2::Literal::u64_unsuffixed(n.unsigned_abs());
            if n < 0 { quote! { -#abs } } else { quote! { #abs } }
        }
    }
}

/// An enum whose values are JSON integers or booleans: read and written as that JSON type,
/// with `value()` in place of `as_str()`.
fn scalar_enum_impls(e: &ir::Enum, ty: TokenStream, serialize: TokenStream) -> EnumImpls {
    let name = ident(&e.name);
    let fallback = ident(&e.fallback);
    let to_value = e.values.iter().map(|v| {
        let vname = ident(&v.rust);
        let lit = wire_literal(e, &v.wire);
        quote! { Self::#vname => #lit, }
    });
    let from_value = e.values.iter().map(|v| {
        let vname = ident(&v.rust);
        let lit = wire_literal(e, &v.wire);
        quote! { #lit => Self::#vname, }
    });
    // With both `true` and `false` listed, a fallback arm could never match.
    let total = e.wire == ir::EnumWire::Boolean && e.values.len() == 2;
    let fallback_arm = if total { quote! {} } else { quote! { _ => Self::#fallback(value), } };
    let accessor = quote! {
        /// The value as sent on the wire.
        pub fn value(&self) -> #ty {
            match self {
                #(#to_value)*
                Self::#fallback(value) => *value,
            }
        }
    };
    let rest = quote! {
        impl From<#ty> for #name {
            fn from(value: #ty) -> Self {
                match value {
                    #(#from_value)*
                    #fallback_arm
                }
            }
        }

        impl ::std::fmt::Display for #name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                ::std::fmt::Display::fmt(&self.value(), f)
            }
        }

        impl ::serde::Serialize for #name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.#serialize(self.value())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let value = <#ty as ::serde::Deserialize>::deserialize(deserializer)?;
                Ok(Self::from(value))
            }
        }
    };
    EnumImpls { accessor, rest }
}

/// One way to a scalar of an error body, as `Option<String>`: a top-level field reads as it
/// is; a nested one follows each field, any of which may be absent or null.
fn chain_text(chain: &ir::FieldChain) -> TokenStream {
    let access = |on: TokenStream, step: &ir::FieldStep| {
        let f = ident(&step.rust);
        match (step.optional, step.nullable) {
            (true, true) => quote! { #on.#f.as_ref().and_then(Option::as_ref) },
            (true, false) | (false, true) => quote! { #on.#f.as_ref() },
            (false, false) => quote! { Some(&#on.#f) },
        }
    };
    if let [step] = chain.steps.as_slice() {
        let f = ident(&step.rust);
        return match (step.optional, step.nullable) {
            (false, false) => quote! { Some(ToString::to_string(&self.#f)) },
            _ => {
                let read = access(quote! { self }, step);
                quote! { #read.map(ToString::to_string) }
            }
        };
    }
    let mut steps = chain.steps.iter();
    let Some(first) = steps.next() else { return quote! { None } };
    let mut expr = access(quote! { self }, first);
    for step in steps {
        expr = if step.optional || step.nullable {
            let next = access(quote! { v }, step);
            quote! { #expr.and_then(|v| #next) }
        } else {
            let f = ident(&step.rust);
            quote! { #expr.map(|v| &v.#f) }
        };
    }
    quote! { #expr.map(ToString::to_string) }
}

/// Reads code, message and request id out of an error body, as the spec says where they are.
fn error_envelope(env: &ir::ErrorEnvelope) -> TokenStream {
    let name = ident(&env.model);
    let getter = |part: Option<&ir::FieldRead>| -> TokenStream {
        let Some(read) = part else {
            return quote! { None };
        };
        let texts = read.alternatives.iter().map(chain_text);
        let mut all = texts.into_iter();
        let first = all.next().unwrap_or_else(|| quote! { None });
        all.fold(first, |acc, next| quote! { #acc.or_else(|| #next) })
    };
    let code = getter(Some(&env.code));
    let message = getter(env.message.as_ref());
    let request_id = getter(env.request_id.as_ref());
    let category = match &env.category {
        Some(part) => {
            let get = getter(Some(part));
            quote! {
                fn category(&self) -> Option<String> {
                    #get
                }
            }
        }
        None => quote! {},
    };
    let (types, enums) = super::codes::code_types(env);
    quote! {
        #enums

        impl ::linkspec_runtime::ErrorEnvelope for #name {
            #types
            fn code(&self) -> Option<String> {
                #code
            }
            fn message(&self) -> Option<String> {
                #message
            }
            fn request_id(&self) -> Option<String> {
                #request_id
            }
            #category
        }
    }
}
