//! Views: the neutral module of a view (`generated/src/<view>.rs`: the item, its status, the
//! record of each joined provider, the cross-provider error and the query that runs several
//! clients at once), and each joined provider's method (`list_<view>`), all from the spec's
//! mapping: pointers become field accesses over the typed answer, the status table becomes
//! plain comparisons. Nothing here knows a provider.

use super::{doc_lines, ident, type_tokens};
use crate::ir::{self, AccessStep, TimestampFormat, TypeRef};
use crate::names;
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

/// The Rust names a view's module uses.
pub struct ViewNames {
    /// `Connection`.
    pub item: proc_macro2::Ident,
    /// `ConnectionStatus`.
    pub status: proc_macro2::Ident,
    /// `ConnectionRecord`.
    pub record: proc_macro2::Ident,
    /// `ConnectionsError`.
    pub error: proc_macro2::Ident,
    /// `ConnectionsQuery`.
    pub query: proc_macro2::Ident,
    /// `ProviderConnections`.
    pub result: proc_macro2::Ident,
    /// `ConnectionsSource`.
    pub source: proc_macro2::Ident,
    /// `ConnectionRow`.
    pub row: proc_macro2::Ident,
    /// `list_connections`.
    pub method: proc_macro2::Ident,
    /// `connections`.
    pub module: proc_macro2::Ident,
}

/// The names of `view`'s generated items.
pub fn view_names(view: &ir::View) -> ViewNames {
    let pascal = names::type_ident(&view.name).unwrap_or_else(|| view.item.clone());
    ViewNames {
        item: ident(&view.item),
        status: ident(&view.status_type),
        record: format_ident!("{}Record", view.item),
        error: format_ident!("{}Error", pascal),
        query: format_ident!("{}Query", pascal),
        result: format_ident!("Provider{}", pascal),
        source: format_ident!("{}Source", pascal),
        row: format_ident!("{}Row", view.item),
        method: format_ident!("list_{}", view.name),
        module: ident(&view.name),
    }
}

/// The name of the provider-specific variants (`MxPlatform` for `mx_platform`).
fn variant(p: &ir::Provider) -> proc_macro2::Ident {
    ident(&names::type_ident(&p.module).unwrap_or_else(|| p.module.clone()))
}

/// `generated/src/<view>.rs`: everything of a view that is the same for every provider.
pub fn view_module(view: &ir::View, joined: &[&ir::Provider], krate: &str) -> TokenStream {
    let n = view_names(view);
    let (item, status, record, error, query, result, source, row) = (&n.item, &n.status, &n.record, &n.error, &n.query, &n.result, &n.source, &n.row);
    let here = format!("crate::{}", view.name);
    let mut module_doc = format!("{}: one neutral [`{1}`]({here}::{1}) per record of every provider that joins the view.", view.title, view.item);
    if let Some(d) = &view.doc {
        module_doc.push_str("\n\n");
        module_doc.push_str(d.trim_end());
    }
    module_doc.push_str("\n\nProviders that join it (each has `Client::");
    module_doc.push_str(&n.method.to_string());
    module_doc.push_str("`):");
    for p in joined {
        module_doc.push_str(&format!("\n- [`{0}`](crate::{0}::Client::{1}) ({2})", p.module, n.method, p.title));
    }
    if joined.is_empty() {
        module_doc.push_str(" none yet.");
    }
    module_doc.push_str(&format!(
        "\n\nTo ask several at once, add each client's call to a [`{query}`]({here}::{query}) and [`run`]({here}::{query}::run) it: every call runs concurrently under one deadline, and each provider's result comes back on its own ([`{result}`]({here}::{result}))."
    ));
    let module_doc = super::docs::markdown(&module_doc);
    let module_doc = module_doc.lines().map(|l| {
        let l = if l.trim().is_empty() { String::new() } else { format!(" {l}") };
        quote! { #![doc = #l] }
    });

    let fields = view.fields.iter().map(|f| {
        let name = ident(&f.name);
        let base = match f.kind {
            ir::ViewFieldKind::String => quote! { String },
            ir::ViewFieldKind::Instant => quote! { ::linkspec_runtime::time::Timestamp },
        };
        let ty = if f.optional { quote! { Option<#base> } } else { base };
        let mut text = f.doc.trim_end().to_owned();
        if f.kind == ir::ViewFieldKind::Instant {
            text.push_str(" (UTC)");
        }
        let doc = doc_lines(&text);
        quote! { #doc pub #name: #ty, }
    });
    let item_doc = doc_lines(&format!(
        "One record of a provider as the {} view sees it. `record` keeps the provider's own typed record, so nothing the provider said is lost.",
        view.title
    ));
    let status_doc = doc_lines(&format!(
        "{}\n\nValues no row of a provider's table maps are [`{}::Unknown`], with the provider's own values, unless that provider's table says `otherwise` (each client's `list_` method shows its table).",
        view.status_doc.as_deref().unwrap_or("The neutral status of a record."),
        view.status_type
    ));
    let variants = view.status_values.iter().map(|(rust, wire, doc)| {
        let v = ident(rust);
        let doc = doc_lines(&format!("`{wire}`: {doc}"));
        quote! { #doc #v, }
    });
    let as_str = view.status_values.iter().map(|(rust, wire, _)| {
        let v = ident(rust);
        quote! { Self::#v => #wire, }
    });
    let record_variants = joined.iter().map(|p| {
        let v = variant(p);
        let m = ident(&p.module);
        let feature = &p.module;
        let mapping = p.views.iter().find(|m| m.view == view.name).expect("joined providers map the view");
        let ty = ident(&mapping.record);
        let doc = format!(" A [`{0}`](crate::{1}::{0}) of {2}.", mapping.record, p.module, p.title);
        quote! {
            #[cfg(feature = #feature)]
            #[doc = #doc]
            #v(Box<crate::#m::#ty>),
        }
    });
    let error_variants = joined.iter().map(|p| {
        let v = variant(p);
        let m = ident(&p.module);
        let feature = &p.module;
        let doc = format!(" {}'s typed error.", p.title);
        quote! {
            #[cfg(feature = #feature)]
            #[doc = #doc]
            #v(crate::#m::Error),
        }
    });
    let each_error = |body: TokenStream, deadline: TokenStream| {
        let arms = joined.iter().map(|p| {
            let v = variant(p);
            let feature = &p.module;
            quote! {
                #[cfg(feature = #feature)]
                Self::#v(e) => #body,
            }
        });
        quote! {
            match self {
                #(#arms)*
                Self::DeadlineExceeded { .. } => #deadline,
            }
        }
    };
    let provider_of = {
        let arms = joined.iter().map(|p| {
            let v = variant(p);
            let feature = &p.module;
            let name = &p.module;
            quote! {
                #[cfg(feature = #feature)]
                Self::#v(_) => #name,
            }
        });
        quote! {
            match self {
                #(#arms)*
                Self::DeadlineExceeded { provider, .. } => provider,
            }
        }
    };
    let status_of = each_error(quote! { e.status() }, quote! { None });
    let class_of = each_error(quote! { e.class() }, quote! { None });
    let retry_after_of = each_error(quote! { e.retry_after() }, quote! { None });
    let retryable_of = each_error(quote! { e.is_retryable() }, quote! { true });
    let display_arms = joined.iter().map(|p| {
        let v = variant(p);
        let feature = &p.module;
        let fmt = format!("{}: {{e}}", p.module);
        quote! {
            #[cfg(feature = #feature)]
            Self::#v(e) => write!(f, #fmt),
        }
    });
    let source_of = each_error(quote! { ::std::error::Error::source(e) }, quote! { None });
    let code_of = each_error(quote! { e.code() }, quote! { None });
    let request_id_of = each_error(quote! { e.request_id() }, quote! { None });
    let expired_of = each_error(quote! { e.is_auth_expired() }, quote! { false });
    let rejected_of = each_error(quote! { e.is_auth_rejected() }, quote! { false });
    let timeout_of = each_error(quote! { ::std::matches!(e, ::linkspec_runtime::Error::Timeout { .. }) }, quote! { true });
    let froms = joined.iter().map(|p| {
        let v = variant(p);
        let m = ident(&p.module);
        let feature = &p.module;
        let name = &p.module;
        quote! {
            #[cfg(feature = #feature)]
            impl From<crate::#m::Error> for #error {
                fn from(e: crate::#m::Error) -> Self {
                    Self::#v(e)
                }
            }
            #[cfg(feature = #feature)]
            impl #source for crate::#m::Error {
                const PROVIDER: &'static str = #name;
            }
        }
    });
    let source_doc = doc_lines(&format!("A client error type a [`{query}`] takes calls of: each joined provider's `Error`."));
    let result_doc = doc_lines(&format!("One provider's part of a [`{query}`]."));
    let deadline_doc = doc_lines(&format!(
        "Ends every call still running this long after [`run`](Self::run) starts; each becomes [`DeadlineExceeded`]({error}::DeadlineExceeded). Without one, each call ends by its client's own timeout and retry policy."
    ));
    let dispatch_feature = names::DISPATCH_FEATURE;
    let method_s = n.method.to_string();
    let query_doc = raw_doc_lines(&format!(
        "Several providers' [`{method_s}`](crate::{}) calls for one user, run concurrently by [`run`](Self::run).\n\n```no_run\n# async fn demo() {{\nuse std::time::Duration;\nlet query = {krate}::{}::{query}::new().deadline(Duration::from_secs(10));\n// .with(client_a.{method_s}(...)).with(client_b.{method_s}(...))\nfor answer in query.run().await {{\n    match answer.result {{\n        Ok(items) => println!(\"{{}}: {{}}\", answer.provider, items.len()),\n        Err(e) => println!(\"{{}}: failed: {{e}}\", answer.provider),\n    }}\n}}\n# }}\n```",
        n.module, n.module
    ));
    quote! {
        #(#module_doc)*

        use std::future::Future;
        use std::time::Duration;

        #item_doc
        #[derive(Debug, Clone, PartialEq, ::serde::Serialize)]
        #[non_exhaustive]
        pub struct #item {
            /// The provider's module name (`moneykit`, `plaid`, ...).
            pub provider: &'static str,
            #(#fields)*
            /// The neutral status, read from the provider's values by its spec's table.
            pub status: #status,
            /// The provider's own values the status was read from, joined by `/` (e.g.
            /// `error/auth_expired`); empty when the provider sent none of them.
            pub provider_status: String,
            /// The provider's typed record, as decoded.
            pub record: #record,
        }

        #status_doc
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum #status {
            #(#variants)*
            /// No row of the provider's table maps the provider's values, kept here.
            Unknown(String),
        }

        impl #status {
            /// The neutral value's text (`connected`), or the provider's values for `Unknown`.
            pub fn as_str(&self) -> &str {
                match self {
                    #(#as_str)*
                    Self::Unknown(raw) => raw,
                }
            }

            /// True when no row mapped the provider's values.
            pub fn is_unknown(&self) -> bool {
                ::std::matches!(self, Self::Unknown(_))
            }
        }

        impl ::std::fmt::Display for #status {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::serde::Serialize for #status {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                match self {
                    Self::Unknown(raw) => serializer.serialize_newtype_variant("status", 0, "unknown", raw),
                    known => serializer.serialize_str(known.as_str()),
                }
            }
        }

        /// The provider's own record behind an item: one variant per provider that joins the view.
        #[derive(Debug, Clone, PartialEq, ::serde::Serialize)]
        #[serde(untagged)]
        #[non_exhaustive]
        pub enum #record {
            #(#record_variants)*
        }

        /// Why one provider's part of a query failed: its client's typed error (with the status,
        /// the provider's code and the error's class), or the query's deadline.
        #[derive(Debug)]
        #[non_exhaustive]
        pub enum #error {
            #(#error_variants)*
            /// The provider had not answered when the query's deadline passed; its call was
            /// dropped.
            DeadlineExceeded {
                /// The provider's module name.
                provider: &'static str,
                /// The deadline.
                after: Duration,
            },
        }

        impl #error {
            /// The provider's module name.
            pub fn provider(&self) -> &'static str {
                #provider_of
            }

            /// The HTTP status, when the provider answered.
            pub fn status(&self) -> Option<u16> {
                #status_of
            }

            /// What the provider's error answer means, when it answered with one.
            pub fn class(&self) -> Option<crate::runtime::ErrorClass> {
                #class_of
            }

            /// How long the provider asked to wait (`Retry-After`), when it did.
            pub fn retry_after(&self) -> Option<Duration> {
                #retry_after_of
            }

            /// The provider's error code, when it answered with one.
            pub fn code(&self) -> Option<String> {
                #code_of
            }

            /// The provider's request id, when known.
            pub fn request_id(&self) -> Option<&str> {
                #request_id_of
            }

            /// True when the provider said the credential expired (after one renewal, for a client
            /// that acquires its credentials).
            pub fn is_auth_expired(&self) -> bool {
                #expired_of
            }

            /// True when the provider refused the credentials.
            pub fn is_auth_rejected(&self) -> bool {
                #rejected_of
            }

            /// True when the resource does not exist.
            pub fn is_not_found(&self) -> bool {
                self.class() == Some(crate::runtime::ErrorClass::NotFound)
            }

            /// True when no answer came in time: the query's deadline, or the client's own timeout.
            pub fn is_timeout(&self) -> bool {
                #timeout_of
            }

            /// True for a rate-limit answer.
            pub fn is_rate_limited(&self) -> bool {
                self.class() == Some(crate::runtime::ErrorClass::RateLimited)
            }

            /// True when the query's deadline passed first.
            pub fn is_deadline_exceeded(&self) -> bool {
                ::std::matches!(self, Self::DeadlineExceeded { .. })
            }

            /// True when trying again later may succeed (a deadline, a timeout, a rate limit, a 5xx).
            pub fn is_retryable(&self) -> bool {
                #retryable_of
            }
        }

        impl ::std::fmt::Display for #error {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                match self {
                    #(#display_arms)*
                    Self::DeadlineExceeded { provider, after } => write!(f, "{provider}: no answer within {after:?}"),
                }
            }
        }

        // `Display` is the client error's text, so `source` goes on from its cause: a chain
        // printer says each thing once.
        impl ::std::error::Error for #error {
            fn source(&self) -> Option<&(dyn ::std::error::Error + 'static)> {
                #source_of
            }
        }

        #source_doc
        pub trait #source: Into<#error> {
            /// The provider's module name.
            const PROVIDER: &'static str;
        }

        #(#froms)*

        #result_doc
        #[derive(Debug)]
        #[non_exhaustive]
        pub struct #result {
            /// The provider's module name.
            pub provider: &'static str,
            /// Its items, or why it has none.
            pub result: Result<Vec<#item>, #error>,
            /// How long its call ran.
            pub elapsed: Duration,
        }

        /// One provider's call in a query.
        type Call<'a> = ::linkspec_runtime::view::BoxedCall<'a, Result<Vec<#item>, #error>>;

        #query_doc
        #[must_use]
        pub struct #query<'a> {
            calls: Vec<(&'static str, Call<'a>)>,
            deadline: Option<Duration>,
        }

        impl ::std::fmt::Debug for #query<'_> {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                let providers: Vec<&str> = self.calls.iter().map(|(p, _)| *p).collect();
                f.debug_struct(stringify!(#query)).field("providers", &providers).field("deadline", &self.deadline).finish()
            }
        }

        impl Default for #query<'_> {
            fn default() -> Self {
                Self::new()
            }
        }

        impl<'a> #query<'a> {
            /// A query with no calls and no deadline.
            pub fn new() -> Self {
                Self { calls: Vec::new(), deadline: None }
            }

            #deadline_doc
            pub fn deadline(mut self, deadline: Duration) -> Self {
                self.deadline = Some(deadline);
                self
            }

            /// Adds one client's call (its `list_` method, not awaited).
            pub fn with<F, E>(mut self, call: F) -> Self
            where
                F: Future<Output = Result<Vec<#item>, E>> + Send + 'a,
                E: #source,
            {
                self.calls.push((E::PROVIDER, Box::pin(async move { call.await.map_err(Into::into) })));
                self
            }

            /// Runs every call concurrently; one result per call, in the order added.
            pub async fn run(self) -> Vec<#result> {
                let (providers, calls): (Vec<&'static str>, Vec<_>) = self.calls.into_iter().unzip();
                let deadline = self.deadline;
                let joined = ::linkspec_runtime::view::join_all(calls, deadline).await;
                providers
                    .into_iter()
                    .zip(joined)
                    .map(|(provider, j)| {
                        let result = match j.output {
                            Some(result) => result,
                            None => Err(#error::DeadlineExceeded { provider, after: deadline.unwrap_or_default() }),
                        };
                        #result { provider, result, elapsed: j.elapsed }
                    })
                    .collect()
            }
        }

        /// An item and the row of its provider's status table that set its status (`None`: no
        /// row matched), as the conformance harness snapshots them.
        #[cfg(feature = #dispatch_feature)]
        #[doc(hidden)]
        #[derive(Debug, ::serde::Serialize)]
        pub struct #row {
            /// Index of the row, from 0.
            pub status_row: Option<usize>,
            /// The item.
            #[serde(flatten)]
            pub item: #item,
        }
    }
}

/// `generated/src/<provider>/views.rs`: the provider's `list_<view>` methods.
pub fn provider_views(p: &ir::Provider, views: &[ir::View]) -> TokenStream {
    let mut methods = Vec::new();
    let mut helpers = Vec::new();
    let mut dispatch_arms = Vec::new();
    for m in &p.views {
        let Some(view) = views.iter().find(|v| v.name == m.view) else { continue };
        let n = view_names(view);
        let vm = &n.module;
        let item = &n.item;
        let status = &n.status;
        let record_enum = &n.record;
        let record = ident(&m.record);
        let op = p.operations.iter().find(|o| o.name == m.operation).expect("lowered mappings name operations");
        let call = ident(&op.name);
        let rows_fn = format_ident!("{}_rows", view.name);
        let status_fn = format_ident!("{}_status", view.name);
        let item_fn = format_ident!("{}_item", view.name);
        let method = &n.method;

        // Arguments: in the method's signature, converted once, then placed in the request.
        let arg_decl = m.args.iter().map(|a| {
            let name = arg_ident(m, a);
            match (&a.ty, m.each) {
                (TypeRef::String, true) => quote! { #name: impl IntoIterator<Item = impl Into<String>> },
                (TypeRef::String, false) => quote! { #name: impl Into<String> },
                (TypeRef::Id(..), true) => {
                    let ty = type_tokens(&a.ty);
                    quote! { #name: impl IntoIterator<Item = impl Into<#ty>> }
                }
                (TypeRef::Id(..), false) => {
                    let ty = type_tokens(&a.ty);
                    quote! { #name: impl Into<#ty> }
                }
                (ty, _) => {
                    let ty = type_tokens(ty);
                    quote! { #name: #ty }
                }
            }
        });
        let arg_decl: Vec<TokenStream> = arg_decl.collect();
        let arg_pass: Vec<TokenStream> = m
            .args
            .iter()
            .map(|a| {
                let name = arg_ident(m, a);
                match (&a.ty, m.each) {
                    (TypeRef::String | TypeRef::Id(..), true) => quote! { #name.into_iter().map(Into::into).collect() },
                    (TypeRef::String | TypeRef::Id(..), false) => quote! { #name.into() },
                    _ => quote! { #name },
                }
            })
            .collect();
        let inner_decl: Vec<TokenStream> = m
            .args
            .iter()
            .map(|a| {
                let name = arg_ident(m, a);
                let ty = type_tokens(&a.ty);
                let ty = if m.each { quote! { Vec<#ty> } } else { ty };
                quote! { #name: #ty }
            })
            .collect();
        let request = request_expr(p, op, m);
        let records = owned_iter(&m.records, quote! { answer });
        let body = if m.each {
            let handle = arg_ident(m, &m.args[0]);
            let one = ident(&m.args[0].rust);
            quote! {
                let mut out = Vec::new();
                for #one in #handle {
                    let answer = self.#call(#request).await?;
                    out.extend(#records.map(#item_fn));
                }
                Ok(out)
            }
        } else if m.paged {
            let pages = ident(&names::pages_method(&op.name));
            let op_name = &op.name;
            quote! {
                let mut pages = self.#pages(#request);
                let mut out = Vec::new();
                while let Some(answer) = pages.next().await {
                    let answer = answer?;
                    out.extend(#records.map(#item_fn));
                }
                if let Some(why) = pages.truncated() {
                    return Err(::linkspec_runtime::Error::Truncated { operation: #op_name, pages: pages.fetched(), why });
                }
                Ok(out)
            }
        } else {
            quote! {
                let answer = self.#call(#request).await?;
                Ok(#records.map(#item_fn).collect())
            }
        };
        let mut doc = format!(
            "Lists this provider's records as [`{item}`](crate::{vm}::{item})s of the {} view: ",
            view.title
        );
        doc.push_str(&if m.each {
            format!("calls [`{0}`](Client::{0}) once per value of `{1}s`, one after another", op.name, m.args[0].rust)
        } else if m.paged {
            format!("calls [`{0}`](Client::{0}) and follows every page (a listing the client stops early, at a loop or past the most pages, is [`Error::Truncated`](crate::runtime::Error::Truncated), never cut short silently)", op.name)
        } else {
            format!("calls [`{0}`](Client::{0}) once", op.name)
        });
        doc.push_str(&format!(", and reads each record at `{}` of the answer.", if m.records.pointer.is_empty() { "\"\"" } else { &m.records.pointer }));
        if let Some(d) = &m.doc {
            doc.push_str("\n\n");
            doc.push_str(d.trim_end());
        }
        doc.push_str("\n\n# Fields\n\n| field | from |\n|---|---|\n");
        for f in &view.fields {
            let from = match m.fields.iter().find(|(name, _)| name == &f.name).map(|(_, v)| v) {
                None => "not mapped (always `None`)".to_owned(),
                Some(ir::ViewValue::First(a)) => format!("`{}`", a.pointer),
                Some(ir::ViewValue::Latest(xs)) => format!("latest of {}", xs.iter().map(|a| format!("`{}`", a.pointer)).collect::<Vec<_>>().join(", ")),
                Some(ir::ViewValue::Earliest(xs)) => format!("earliest of {}", xs.iter().map(|a| format!("`{}`", a.pointer)).collect::<Vec<_>>().join(", ")),
            };
            doc.push_str(&format!("| `{}` | {from} |\n", f.name));
        }
        let from_list = m.status_from.iter().map(|a| format!("`{}`", a.pointer)).collect::<Vec<_>>().join(", ");
        if m.rows.is_empty() {
            doc.push_str("\n# Status\n\nThe provider has no status to read: the table has no rows.\n");
        } else {
            doc.push_str(&format!("\n# Status\n\nRead from {from_list}; the first row that matches wins.\n\n| row | when | status | source |\n|---|---|---|---|\n"));
        }
        for (i, row) in m.rows.iter().enumerate() {
            let when = row
                .when
                .iter()
                .map(|(j, values)| {
                    let vs: Vec<String> = values.iter().map(|v| v.as_deref().map_or("null".to_owned(), |v| format!("`{v}`"))).collect();
                    format!("`{}` is {}", m.status_from[*j].pointer, vs.join(" or "))
                })
                .collect::<Vec<_>>()
                .join(" and ");
            doc.push_str(&format!("| {i} | {when} | `{}` | {} |\n", row.status, row.source.as_deref().unwrap_or("")));
        }
        doc.push_str(&match &m.otherwise {
            Some(o) if m.rows.is_empty() => format!("Every record: `{o}`."),
            Some(o) => format!("\nAny other value: `{o}`."),
            None => format!("\nAny other value: [`{status}::Unknown`](crate::{vm}::{status}::Unknown) with the provider's values."),
        });
        doc.push_str("\n\n# Errors\n\nThe first error of a call ends the listing: this provider's [`Error`].");
        let doc = doc_lines(&doc);
        let pass = arg_pass.clone();
        methods.push(quote! {
            #doc
            pub async fn #method(&self, #(#arg_decl),*) -> Result<Vec<crate::#vm::#item>, Error> {
                Ok(self.#rows_fn(#(#pass),*).await?.into_iter().map(|(item, _)| item).collect())
            }

            async fn #rows_fn(&self, #(#inner_decl),*) -> Result<Vec<(crate::#vm::#item, Option<usize>)>, Error> {
                #body
            }
        });

        // The status table.
        let values = m.status_from.iter().map(|a| text_value(p, a, quote! { record }));
        let count = m.status_from.len();
        let rows = m.rows.iter().enumerate().map(|(i, row)| {
            let tests = row.when.iter().map(|(j, accepted)| {
                let accepted = accepted.iter().map(|v| match v {
                    Some(v) => quote! { Some(#v) },
                    None => quote! { None },
                });
                quote! { [#(#accepted),*].contains(&values[#j].as_deref()) }
            });
            let status = status_variant(view, &row.status, &n);
            quote! {
                if #(#tests)&&* {
                    return (#status, raw, Some(#i));
                }
            }
        });
        let fallback = match &m.otherwise {
            Some(o) => status_variant(view, o, &n),
            None => quote! { crate::#vm::#status::Unknown(::std::clone::Clone::clone(&raw)) },
        };
        let fields = view.fields.iter().map(|f| {
            let name = ident(&f.name);
            let value = m.fields.iter().find(|(x, _)| x == &f.name).map(|(_, v)| v);
            let expr = match value {
                None => quote! { None },
                Some(v) => field_value(p, f, v, quote! { r }),
            };
            quote! { #name: #expr, }
        });
        let provider_name = &p.module;
        let variant = variant(p);
        let unused = if m.status_from.is_empty() { quote! { let _ = record; } } else { quote! {} };
        let status_doc = format!(" The status of a `{}` by the {} view's table, the provider's values, and the row that matched.", m.record, view.title);
        let item_doc = format!(" A `{}` as an item of the {} view, and the status row that matched.", m.record, view.title);
        helpers.push(quote! {
            #[doc = #status_doc]
            fn #status_fn(record: &#record) -> (crate::#vm::#status, String, Option<usize>) {
                #unused
                let values: [Option<String>; #count] = [#(#values),*];
                let raw = values.iter().flatten().map(String::as_str).collect::<Vec<_>>().join("/");
                #(#rows)*
                (#fallback, raw, None)
            }

            #[doc = #item_doc]
            fn #item_fn(record: #record) -> (crate::#vm::#item, Option<usize>) {
                let (status, provider_status, row) = #status_fn(&record);
                let r = &record;
                let item = crate::#vm::#item {
                    provider: #provider_name,
                    #(#fields)*
                    status,
                    provider_status,
                    record: crate::#vm::#record_enum::#variant(Box::new(record)),
                };
                (item, row)
            }
        });

        let view_name = &view.name;
        let row_ty = &n.row;
        let args_fields = m.args.iter().map(|a| {
            let name = arg_ident(m, a);
            let ty = if m.each { quote! { Vec<String> } } else { type_tokens(&a.ty) };
            quote! { #name: #ty, }
        });
        let args_pass = m.args.iter().map(|a| {
            let name = arg_ident(m, a);
            quote! { args.#name }
        });
        let args_binding = if m.args.is_empty() { quote! { Args {} } } else { quote! { args } };
        dispatch_arms.push(quote! {
            #view_name => {
                #[derive(::serde::Deserialize)]
                #[serde(deny_unknown_fields)]
                struct Args { #(#args_fields)* }
                let #args_binding: Args = ::linkspec_runtime::dispatch::arguments(#view_name, args)?;
                let rows = self.#rows_fn(#(#args_pass),*).await;
                Ok(::linkspec_runtime::dispatch::outcome(rows.map(|rows| {
                    rows.into_iter().map(|(item, status_row)| crate::#vm::#row_ty { status_row, item }).collect::<Vec<_>>()
                })))
            }
        });
    }
    let dispatch_feature = names::DISPATCH_FEATURE;
    let provider = &p.module;
    let call_view_json = ident(names::CALL_VIEW_JSON);
    quote! {
        impl Client {
            #(#methods)*

            /// Calls the `list_` method of the view named `view` with its arguments as JSON (by
            /// name), answering with its items and the status row each matched. For the
            /// conformance harness; compiled with the crate's `dispatch` feature only.
            ///
            /// # Errors
            ///
            /// [`DispatchError`](crate::runtime::DispatchError) when the provider does not join
            /// the view or the arguments do not decode.
            #[cfg(feature = #dispatch_feature)]
            #[doc(hidden)]
            pub async fn #call_view_json(&self, view: &str, args: ::serde_json::Value) -> Result<::linkspec_runtime::JsonOutcome, ::linkspec_runtime::DispatchError> {
                match view {
                    #(#dispatch_arms)*
                    other => Err(::linkspec_runtime::DispatchError::UnknownOperation { provider: #provider, operation: format!("view {other}") }),
                }
            }
        }

        #(#helpers)*
    }
}

/// The name of a view method's argument: its Rust name, made plural for the list `each`
/// takes (`access_tokens`).
fn arg_ident(m: &ir::ViewMapping, a: &ir::ViewArg) -> proc_macro2::Ident {
    ident(&if m.each { format!("{}s", a.rust) } else { a.rust.clone() })
}

/// One `#[doc]` per line, as written (a code example stays a doctest).
fn raw_doc_lines(text: &str) -> TokenStream {
    let lines = text.lines().map(|line| {
        let line = if line.trim().is_empty() { String::new() } else { format!(" {line}") };
        quote! { #[doc = #line] }
    });
    quote! { #(#lines)* }
}

fn status_variant(view: &ir::View, wire: &str, n: &ViewNames) -> TokenStream {
    let vm = &n.module;
    let status = &n.status;
    let rust = view.status_values.iter().find(|(_, w, _)| w == wire).map_or_else(|| "Unknown".to_owned(), |(r, _, _)| r.clone());
    let v = ident(&rust);
    quote! { crate::#vm::#status::#v }
}

/// The request of the mapped operation, from the method's arguments (bound by their Rust
/// names): required parameters to `new` in order, the body built from its required fields.
fn request_expr(p: &ir::Provider, op: &ir::Operation, m: &ir::ViewMapping) -> TokenStream {
    let request = ident(&op.request_type);
    let new = ident(names::REQUEST_NEW);
    let is_arg = |rust: &str, param: bool| m.args.iter().any(|a| a.rust == rust && a.param == param);
    let mut args: Vec<TokenStream> = op
        .params
        .iter()
        .filter(|x| x.required && x.from.is_none())
        .map(|x| {
            let name = ident(&x.rust);
            quote! { ::std::clone::Clone::clone(&#name) }
        })
        .collect();
    let optional = op.params.iter().filter(|x| !x.required && is_arg(&x.rust, true)).map(|x| {
        let name = ident(&x.rust);
        quote! { .#name(::std::clone::Clone::clone(&#name)) }
    });
    let body_fields: Vec<&ir::ViewArg> = m.args.iter().filter(|a| !a.param).collect();
    let body = op.body.as_ref().and_then(|b| p.models.iter().find(|x| &x.name == b)).map(|model| {
        let ty = ident(&model.name);
        let required = model.fields.iter().filter(|f| !f.optional).map(|f| {
            let name = ident(&f.rust);
            quote! { ::std::clone::Clone::clone(&#name) }
        });
        quote! { #ty::new(#(#required),*) }
    });
    let mut setters = quote! { #(#optional)* };
    match (body, op.body_optional) {
        (Some(body), false) => args.push(body),
        (Some(body), true) if !body_fields.is_empty() => {
            let setter = ident(names::REQUEST_BODY);
            setters = quote! { #setters .#setter(#body) };
        }
        _ => {}
    }
    quote! { #request::#new(#(#args),*) #setters }
}

/// An iterator over the owned values `access` reaches from `root` (moved out of it).
pub(super) fn owned_iter(access: &ir::Access, root: TokenStream) -> TokenStream {
    let mut expr = quote! { ::std::iter::once(#root) };
    let mut steps = access.steps.iter().peekable();
    while let Some(step) = steps.next() {
        // A list field and its items in one step (`map(..).flatten()` is `flat_map(..)`).
        if let (AccessStep::Field { rust, optional: false, nullable: false, boxed: false }, Some(AccessStep::ListItems { nullable })) = (step, steps.peek()) {
            let f = ident(rust);
            expr = if *nullable { quote! { #expr.flat_map(|v| v.#f).flatten() } } else { quote! { #expr.flat_map(|v| v.#f) } };
            steps.next();
            continue;
        }
        expr = match step {
            AccessStep::Field { rust, optional, nullable, boxed } => {
                let f = ident(rust);
                let unbox = if *boxed { quote! { .map(|b| *b) } } else { quote! {} };
                match (*optional, *nullable) {
                    (false, false) if *boxed => quote! { #expr.map(|v| *v.#f) },
                    (false, false) => quote! { #expr.map(|v| v.#f) },
                    (true, true) => quote! { #expr.filter_map(|v| v.#f.flatten() #unbox) },
                    _ => quote! { #expr.filter_map(|v| v.#f #unbox) },
                }
            }
            AccessStep::ListItems { nullable } => {
                if *nullable { quote! { #expr.flatten().flatten() } } else { quote! { #expr.flatten() } }
            }
            AccessStep::MapValues { nullable } => {
                if *nullable { quote! { #expr.flat_map(|v| v.into_values()).flatten() } } else { quote! { #expr.flat_map(|v| v.into_values()) } }
            }
            // Lowering refuses `*` over a model's fields for records.
            AccessStep::Fields(_) => expr,
        };
    }
    expr
}

/// `Option<&T>` of one field of `v`.
fn field_ref(step: &AccessStep, v: TokenStream) -> TokenStream {
    let AccessStep::Field { rust, optional, nullable, boxed } = step else { return quote! { None } };
    let f = ident(rust);
    match (*optional, *nullable, *boxed) {
        (false, false, false) => quote! { Some(&#v.#f) },
        (false, false, true) => quote! { Some(&*#v.#f) },
        (true, true, false) => quote! { #v.#f.as_ref().and_then(Option::as_ref) },
        (true, true, true) => quote! { #v.#f.as_ref().and_then(|x| x.as_deref()) },
        (_, _, false) => quote! { #v.#f.as_ref() },
        (_, _, true) => quote! { #v.#f.as_deref() },
    }
}

/// An iterator over references to the values `access` reaches from `root` (a reference).
fn borrowed_iter(access: &ir::Access, root: TokenStream) -> TokenStream {
    let mut expr = quote! { ::std::iter::once(#root) };
    for step in &access.steps {
        expr = match step {
            AccessStep::Field { rust, optional: false, nullable: false, boxed } => {
                let f = ident(rust);
                if *boxed { quote! { #expr.map(|v| &*v.#f) } } else { quote! { #expr.map(|v| &v.#f) } }
            }
            AccessStep::Field { .. } => {
                let one = field_ref(step, quote! { v });
                quote! { #expr.filter_map(|v| #one) }
            }
            AccessStep::ListItems { nullable } => {
                if *nullable { quote! { #expr.flat_map(|v| v.iter()).filter_map(Option::as_ref) } } else { quote! { #expr.flat_map(|v| v.iter()) } }
            }
            AccessStep::MapValues { nullable } => {
                if *nullable { quote! { #expr.flat_map(|v| v.values()).filter_map(Option::as_ref) } } else { quote! { #expr.flat_map(|v| v.values()) } }
            }
            AccessStep::Fields(fields) => {
                let each = fields.iter().map(|s| field_ref(s, quote! { v }));
                quote! { #expr.flat_map(|v| [#(#each),*].into_iter().flatten()) }
            }
        };
    }
    expr
}

/// A certain access as a plain place expression (`record.item.item_id`); field access looks
/// through boxes by itself.
fn place(access: &ir::Access, root: TokenStream) -> TokenStream {
    let mut expr = root;
    for step in &access.steps {
        if let AccessStep::Field { rust, .. } = step {
            let f = ident(rust);
            expr = quote! { #expr.#f };
        }
    }
    expr
}

/// How a reached value reads as text: an enum's wire text, a string as it is. `v` is a place
/// or a reference (method calls look through either).
fn as_text(p: &ir::Provider, ty: &TypeRef, v: TokenStream) -> TokenStream {
    match ty {
        TypeRef::Enum(name) => match p.enums.iter().find(|e| &e.name == name).map(|e| e.wire) {
            Some(ir::EnumWire::String) | None => quote! { #v.as_str().to_owned() },
            Some(_) => quote! { #v.value().to_string() },
        },
        TypeRef::Id(..) => quote! { #v.to_string() },
        _ => quote! { #v.to_owned() },
    }
}

/// `Option<String>` of a status value.
fn text_value(p: &ir::Provider, access: &ir::Access, root: TokenStream) -> TokenStream {
    if access.certain() {
        let place = place(access, root);
        let text = as_text(p, &access.ty, place);
        return quote! { Some(#text) };
    }
    let iter = borrowed_iter(access, root);
    let text = as_text(p, &access.ty, quote! { v });
    quote! { #iter.next().map(|v| #text) }
}

/// The instants an access reaches, as UTC timestamps.
fn instants(access: &ir::Access, root: TokenStream) -> TokenStream {
    let iter = borrowed_iter(access, root);
    match access.ty {
        TypeRef::DateTime(TimestampFormat::Naive) => quote! {
            #iter.filter_map(|t| t.assume_utc().ok()).map(|t| ::linkspec_runtime::time::Timestamp::from_jiff(t.instant()))
        },
        _ => quote! { #iter.map(|t| ::linkspec_runtime::time::Timestamp::from_jiff(t.instant())) },
    }
}

/// A view field's value from a record.
fn field_value(p: &ir::Provider, f: &ir::ViewField, v: &ir::ViewValue, root: TokenStream) -> TokenStream {
    match (f.kind, v) {
        (ir::ViewFieldKind::String, ir::ViewValue::First(a)) => {
            if a.certain() {
                let place = place(a, root);
                let text = as_text(p, &a.ty, place);
                if f.optional { quote! { Some(#text) } } else { text }
            } else {
                text_value(p, a, root)
            }
        }
        // Lowering makes a required instant a certain offset date-time.
        (ir::ViewFieldKind::Instant, ir::ViewValue::First(a)) if !f.optional => {
            let place = place(a, root);
            quote! { ::linkspec_runtime::time::Timestamp::from_jiff(#place.instant()) }
        }
        (ir::ViewFieldKind::Instant, ir::ViewValue::First(a)) => {
            let all = instants(a, root);
            quote! { #all.next() }
        }
        (_, ir::ViewValue::Latest(xs) | ir::ViewValue::Earliest(xs)) => {
            let mut chain = instants(&xs[0], root.clone());
            for a in &xs[1..] {
                let next = instants(a, root.clone());
                chain = quote! { #chain.chain(#next) };
            }
            if matches!(v, ir::ViewValue::Latest(_)) { quote! { #chain.max() } } else { quote! { #chain.min() } }
        }
    }
}
