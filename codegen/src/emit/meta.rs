//! The statics the runtime reads: a provider's description (auth, hosts, error rules,
//! acquisition steps) and one description per operation.

use super::ident;
use crate::ir;
use crate::names;
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

pub(super) fn provider_meta(p: &ir::Provider) -> TokenStream {
    let name = &p.module;
    let media_type = &p.media_type;
    let (auth, auth_static) = auth_meta(p);
    let headers = p.headers.iter().map(|h| {
        let wire = &h.wire;
        let default = match &h.default {
            Some(d) => quote! { Some(#d) },
            None => quote! { None },
        };
        quote! { ::linkspec_runtime::HeaderMeta { name: #wire, default: #default } }
    });
    let base = &p.environments[p.default_env].url;
    let environments = p.environments.iter().map(|e| {
        let (wire, url) = (&e.wire, &e.url);
        quote! { (#wire, #url) }
    });
    let variables = p.variables.iter().map(|v| {
        let wire = &v.wire;
        let default = &v.values[v.default].1;
        let values = v.values.iter().map(|(_, text)| text);
        quote! { ::linkspec_runtime::VariableMeta { name: #wire, default: #default, values: &[#(#values),*] } }
    });
    let hosts = p.hosts.iter().map(|h| {
        let name = &h.name;
        let urls = h.urls.iter().map(|(env, url)| quote! { (#env, #url) });
        quote! { ::linkspec_runtime::HostMeta { name: #name, urls: &[#(#urls),*] } }
    });
    let inputs = p.inputs.iter().map(|i| {
        let (name, secret) = (&i.name, i.secret);
        quote! { ::linkspec_runtime::InputMeta { name: #name, secret: #secret } }
    });
    let strs = |list: &[String]| quote! { &[#(#list),*] };
    let rules = &p.rules;
    let (statuses, expired, rate, rejected, gone, not_found) = (
        rules.expired_statuses.iter().map(|s| proc_macro2::Literal::u16_unsuffixed(*s)),
        strs(&rules.expired_codes),
        strs(&rules.rate_limit_codes),
        strs(&rules.rejected_codes),
        strs(&rules.gone_codes),
        strs(&rules.not_found_codes),
    );
    let request_id_headers = strs(&rules.request_id_headers);
    let (acquire_ref, acquire_static) = match &p.acquire {
        Some(a) => (quote! { Some(&ACQUIRE) }, acquire_meta(a)),
        None => (quote! { None }, quote! {}),
    };
    quote! {
        static PROVIDER: ::linkspec_runtime::ProviderMeta = ::linkspec_runtime::ProviderMeta {
            name: #name,
            media_type: #media_type,
            auth: #auth,
            headers: &[#(#headers),*],
            base_url: #base,
            environments: &[#(#environments),*],
            variables: &[#(#variables),*],
            hosts: &[#(#hosts),*],
            inputs: &[#(#inputs),*],
            acquire: #acquire_ref,
            rules: ::linkspec_runtime::ErrorRules {
                expired_statuses: &[#(#statuses),*],
                expired_codes: #expired,
                rate_limit_codes: #rate,
                rejected_codes: #rejected,
                gone_codes: #gone,
                not_found_codes: #not_found,
                request_id_headers: #request_id_headers,
            },
        };
        #acquire_static
        #auth_static
    }
}

/// The provider's `AuthScheme`, and for several named schemes their static, with the
/// operations that use another scheme than the default.
fn auth_meta(p: &ir::Provider) -> (TokenStream, TokenStream) {
    let ir::Auth::Named { schemes, default } = &p.auth else { return (scheme_meta(&p.auth), quote! {}) };
    let entries = schemes.iter().map(|(name, scheme)| {
        let scheme = scheme_meta(scheme);
        quote! { (#name, #scheme) }
    });
    let operations = p.operations.iter().filter_map(|op| {
        let (name, scheme) = (&op.name, op.auth_scheme.as_ref()?);
        Some(quote! { (#name, #scheme) })
    });
    let statics = quote! {
        static AUTH_SCHEMES: ::linkspec_runtime::NamedSchemes = ::linkspec_runtime::NamedSchemes {
            schemes: &[#(#entries),*],
            default: #default,
            operations: &[#(#operations),*],
        };
    };
    (scheme_meta(&p.auth), statics)
}

/// One scheme as the runtime's `AuthScheme`.
fn scheme_meta(auth: &ir::Auth) -> TokenStream {
    match auth {
        ir::Auth::Bearer { setter } => quote! { ::linkspec_runtime::AuthScheme::Bearer { setter: #setter } },
        ir::Auth::Header { header, setter } => {
            quote! { ::linkspec_runtime::AuthScheme::Header { name: #header, setter: #setter } }
        }
        ir::Auth::KeyPair { client_id, secret } => {
            let (ib, ih, sb, sh) = (&client_id.body, &client_id.header, &secret.body, &secret.header);
            quote! {
                ::linkspec_runtime::AuthScheme::KeyPair {
                    client_id: ::linkspec_runtime::KeyPlacement { body: #ib, header: #ih },
                    secret: ::linkspec_runtime::KeyPlacement { body: #sb, header: #sh },
                }
            }
        }
        ir::Auth::Basic { user, password } => quote! { ::linkspec_runtime::AuthScheme::Basic { user: #user, password: #password } },
        // The schemes are a static of their own (`auth_meta`); lowering never nests them.
        ir::Auth::Named { .. } => quote! { ::linkspec_runtime::AuthScheme::Named(&AUTH_SCHEMES) },
    }
}

/// The acquisition steps, pointing at the operations' statics.
fn acquire_meta(a: &ir::Acquire) -> TokenStream {
    let steps = a.steps.iter().map(|step| {
        let op = format_ident!("{}", step.operation.to_uppercase());
        let token = &step.token;
        let bind = step.bind.iter().map(|(place, source)| {
            let place = match place {
                ir::Place::Path(n) => quote! { ::linkspec_runtime::Place::Path(#n) },
                ir::Place::Query(n) => quote! { ::linkspec_runtime::Place::Query(#n) },
                ir::Place::Header(n) => quote! { ::linkspec_runtime::Place::Header(#n) },
                ir::Place::Body(n) => quote! { ::linkspec_runtime::Place::Body(#n) },
            };
            let source = match source {
                ir::Source::Const(v) => quote! { ::linkspec_runtime::Source::Const(#v) },
                ir::Source::Json(v) => quote! { ::linkspec_runtime::Source::Json(#v) },
                ir::Source::Input(v) => quote! { ::linkspec_runtime::Source::Input(#v) },
                ir::Source::Previous => quote! { ::linkspec_runtime::Source::Previous },
                ir::Source::Basic(u, pw) => quote! { ::linkspec_runtime::Source::Basic(#u, #pw) },
            };
            quote! { (#place, #source) }
        });
        quote! { ::linkspec_runtime::AcquireStep { operation: &#op, bind: &[#(#bind),*], token: #token } }
    });
    let lifetime = match &a.lifetime {
        ir::Lifetime::FromAnswer { pointer, default_seconds } => {
            let default_seconds = proc_macro2::Literal::u64_unsuffixed(*default_seconds);
            quote! { ::linkspec_runtime::Lifetime::FromAnswer { pointer: #pointer, default_seconds: #default_seconds } }
        }
        ir::Lifetime::Fixed { seconds, sliding } => {
            let seconds = proc_macro2::Literal::u64_unsuffixed(*seconds);
            quote! { ::linkspec_runtime::Lifetime::Fixed { seconds: #seconds, sliding: #sliding } }
        }
    };
    let margin = proc_macro2::Literal::u64_unsuffixed(a.margin_seconds);
    quote! {
        static ACQUIRE: ::linkspec_runtime::AcquireMeta = ::linkspec_runtime::AcquireMeta {
            steps: &[#(#steps),*],
            lifetime: #lifetime,
            margin_seconds: #margin,
        };
    }
}

/// Where an envelope keeps its code and message, as JSON pointers, for reading an error answer
/// as plain JSON.
fn envelope_meta(env: &ir::ErrorEnvelope) -> TokenStream {
    let pointers = |read: Option<&ir::FieldRead>| {
        let list = read.map(|r| r.alternatives.iter().map(|c| c.pointer.clone()).collect::<Vec<_>>()).unwrap_or_default();
        quote! { &[#(#list),*] }
    };
    let (code, message) = (pointers(Some(&env.code)), pointers(env.message.as_ref()));
    quote! { ::linkspec_runtime::EnvelopeMeta { code: #code, message: #message } }
}

pub(super) fn meta_ident(op: &ir::Operation) -> proc_macro2::Ident {
    format_ident!("{}", op.name.to_uppercase())
}

pub(super) fn operation_meta(op: &ir::Operation) -> TokenStream {
    let name_ident = meta_ident(op);
    let name = &op.name;
    let method = ident(op.method.variant());
    let path = &op.path;
    // Only what differs from `OPERATION_DEFAULTS` (see `operation_defaults`).
    let mut fields = Vec::new();
    if op.success != [200] {
        let success = op.success.iter().map(|s| proc_macro2::Literal::u16_unsuffixed(*s));
        fields.push(quote! { success: &[#(#success),*], });
    }
    if let Some(h) = &op.host {
        fields.push(quote! { host: Some(#h), });
    }
    if op.body_format == ir::BodyFormat::Form {
        fields.push(quote! { body_format: ::linkspec_runtime::BodyFormat::Form, });
    }
    if let Some(m) = &op.media_type {
        fields.push(quote! { media_type: Some(#m), });
    }
    if !op.idempotent {
        fields.push(quote! { idempotent: false, });
    }
    if !op.authenticated {
        fields.push(quote! { authenticated: false, });
    }
    if let Some(paging) = &op.paging {
        let paging = match paging {
            ir::Paging::NextLink { pointer } => quote! { ::linkspec_runtime::Paging::NextLink { pointer: #pointer } },
            ir::Paging::Cursor { param, next, has_more } => {
                let has_more = match has_more {
                    Some(h) => quote! { Some(#h) },
                    None => quote! { None },
                };
                quote! { ::linkspec_runtime::Paging::Cursor { param: #param, next: #next, has_more: #has_more } }
            }
            ir::Paging::PageNumber { param, total_pages } => {
                quote! { ::linkspec_runtime::Paging::PageNumber { param: #param, total_pages: #total_pages } }
            }
        };
        fields.push(quote! { paging: Some(#paging), });
    }
    if let Some(errors) = &op.errors {
        let envelope = envelope_meta(errors);
        fields.push(quote! { envelope: #envelope, });
    }
    let defaults = ident(names::OPERATION_DEFAULTS);
    quote! {
        static #name_ident: ::linkspec_runtime::OperationMeta = ::linkspec_runtime::OperationMeta {
            name: #name,
            method: ::linkspec_runtime::Method::#method,
            path: #path,
            #(#fields)*
            ..#defaults
        };
    }
}

/// What an operation's static takes unless it says otherwise: success 200, the provider's
/// host, JSON bodies in the provider's media type, idempotent, authenticated, not paged, and
/// the provider's error envelope. The name, method and path are always set by the operation.
/// A static, not a const: it points at `PROVIDER`, whose acquisition steps point back at
/// operation statics, and a const may not be part of such a cycle.
pub(super) fn operation_defaults(p: &ir::Provider) -> TokenStream {
    let defaults = ident(names::OPERATION_DEFAULTS);
    let envelope = envelope_meta(&p.errors);
    quote! {
        /// What every operation's metadata holds unless it sets a field itself.
        static #defaults: ::linkspec_runtime::OperationMeta = ::linkspec_runtime::OperationMeta {
            provider: &PROVIDER,
            name: "",
            method: ::linkspec_runtime::Method::Get,
            path: "",
            success: &[200],
            host: None,
            body_format: ::linkspec_runtime::BodyFormat::Json,
            media_type: None,
            idempotent: true,
            authenticated: true,
            paging: None,
            envelope: #envelope,
        };
    }
}

/// The provider's `RECORDING` static (behind the `dispatch` feature): its description and
/// every field and parameter the spec marks sensitive, once per (place, wire name, kind) in
/// spec order, for `cargo xtask record` to redact recordings with.
pub(super) fn recording_meta(p: &ir::Provider) -> TokenStream {
    let mut seen: Vec<(&'static str, &str, &'static str)> = Vec::new();
    for m in &p.models {
        for f in m.fields.iter().filter(|f| f.sensitive) {
            seen.push(("Field", &f.wire, sensitive_kind(&f.ty)));
        }
    }
    for op in &p.operations {
        for param in op.params.iter().filter(|p| p.sensitive) {
            let place = match param.location {
                ir::ParamLocation::Path => "Path",
                ir::ParamLocation::Query => "Query",
                ir::ParamLocation::Header => "Header",
            };
            seen.push((place, &param.wire, sensitive_kind(&param.ty)));
        }
    }
    let mut rows = Vec::new();
    for (i, row) in seen.iter().enumerate() {
        if !seen[..i].contains(row) {
            let (place, name, kind) = (format_ident!("{}", row.0), row.1, format_ident!("{}", row.2));
            rows.push(quote! {
                ::linkspec_runtime::Sensitive {
                    place: ::linkspec_runtime::SensitivePlace::#place,
                    name: #name,
                    kind: ::linkspec_runtime::SensitiveKind::#kind,
                }
            });
        }
    }
    let recording = ident(names::RECORDING);
    let feature = names::DISPATCH_FEATURE;
    let doc = format!(" What a recording of {}'s calls redacts, from the spec (for `cargo xtask record`).", p.title);
    quote! {
        #[doc = #doc]
        #[cfg(feature = #feature)]
        #[doc(hidden)]
        pub static #recording: ::linkspec_runtime::RecordingMeta = ::linkspec_runtime::RecordingMeta {
            provider: &PROVIDER,
            sensitive: &[#(#rows),*],
        };
    }
}

/// The runtime's `SensitiveKind` variant for a type.
fn sensitive_kind(ty: &ir::TypeRef) -> &'static str {
    match ty {
        ir::TypeRef::String | ir::TypeRef::Enum(_) | ir::TypeRef::Id(_, ir::IdWire::String) => "Text",
        ir::TypeRef::Date => "Date",
        ir::TypeRef::DateTime(_) => "DateTime",
        ir::TypeRef::Integer | ir::TypeRef::Id(_, ir::IdWire::Integer) => "Integer",
        ir::TypeRef::Number | ir::TypeRef::Decimal => "Number",
        ir::TypeRef::Boolean => "Boolean",
        ir::TypeRef::Nullable(inner) => sensitive_kind(inner),
        ir::TypeRef::Json | ir::TypeRef::List(_) | ir::TypeRef::Map(_) | ir::TypeRef::Model(_) => "Nested",
    }
}
