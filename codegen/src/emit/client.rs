//! The client of a provider: environments, builder, one request type and one method per
//! operation, all calling the runtime.

use super::{allow_deprecated, allow_trait_name, deprecated_attr, doc_lines, doc_or, ident, redacting_debug, summary, type_tokens};
use crate::ir::{self, ParamLocation, TypeRef};
use crate::names;
use super::meta::{meta_ident, operation_defaults, operation_meta, provider_meta, recording_meta};
use crate::render::Piece;
use proc_macro2::TokenStream;
use quote::{format_ident, quote, ToTokens};

/// The client file of a provider, made lazily piece by piece (see [`Piece`]): the per-operation
/// parts are made as they are printed.
pub fn client_file(provider: &ir::Provider) -> impl Iterator<Item = Piece<'_>> + '_ {
    let meta = provider_meta(provider);
    let recording = recording_meta(provider);
    let environments = environments(provider);
    let variables = provider.variables.iter().map(variable_enum);
    let builder = builder(provider);
    let error_model = ident(&provider.errors.model);
    let error_doc = format!(
        " Everything a call to {} can fail with; provider errors carry a [`{}`].",
        provider.title, provider.errors.model
    );
    let head = quote! {
        #[doc = #error_doc]
        pub type Error = ::linkspec_runtime::Error<#error_model>;

        #meta
        #recording
        #environments
        #(#variables)*
        #builder
    };
    let requests = provider.operations.iter().map(request_type).map(Piece::Items);
    std::iter::once(Piece::Items(head)).chain(client(provider)).chain(requests)
}

fn environments(p: &ir::Provider) -> TokenStream {
    let variants = p.environments.iter().enumerate().map(|(i, e)| {
        let v = ident(&e.rust);
        let doc = doc_lines(&format!("`{}`: `{}`", e.wire, e.url));
        let default = if i == p.default_env { quote! { #[default] } } else { quote! {} };
        quote! { #doc #default #v, }
    });
    let urls = p.environments.iter().map(|e| {
        let v = ident(&e.rust);
        let url = &e.url;
        quote! { Self::#v => #url, }
    });
    let names = p.environments.iter().map(|e| {
        let v = ident(&e.rust);
        let wire = &e.wire;
        quote! { Self::#v => #wire, }
    });
    let doc = format!(" The {} environments; each selects a base URL.", p.title);
    quote! {
        #[doc = #doc]
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
        #[non_exhaustive]
        pub enum Environment {
            #(#variants)*
        }

        impl Environment {
            /// The base URL, with `{placeholders}` filled in from the client's settings.
            pub fn url_template(self) -> &'static str {
                match self { #(#urls)* }
            }

            /// The environment's name in the spec.
            pub fn as_str(self) -> &'static str {
                match self { #(#names)* }
            }
        }
    }
}

fn variable_enum(v: &ir::Variable) -> TokenStream {
    let name = ident(&v.type_name);
    let doc = doc_or(v.doc.as_deref(), &format!("Values of the `{{{}}}` placeholder in server URLs.", v.wire));
    let variants = v.values.iter().enumerate().map(|(i, (rust, wire))| {
        let vname = ident(rust);
        let d = format!(" `{wire}`");
        let default = if i == v.default { quote! { #[default] } } else { quote! {} };
        quote! { #[doc = #d] #default #vname, }
    });
    let arms = v.values.iter().map(|(rust, wire)| {
        let vname = ident(rust);
        quote! { Self::#vname => #wire, }
    });
    quote! {
        #doc
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
        #[non_exhaustive]
        pub enum #name {
            #(#variants)*
        }

        impl #name {
            /// The text placed in the URL.
            pub fn as_str(self) -> &'static str {
                match self { #(#arms)* }
            }
        }
    }
}

fn builder(p: &ir::Provider) -> TokenStream {
    let title = &p.title;
    let variable_setters = p.variables.iter().map(|v| {
        let setter = ident(&v.setter);
        let ty = ident(&v.type_name);
        let wire = &v.wire;
        let doc = format!(" Sets the `{{{wire}}}` placeholder of the base URL.");
        quote! {
            #[doc = #doc]
            #[must_use]
            pub fn #setter(mut self, value: #ty) -> Self {
                self.transport = self.transport.variable(#wire, value.as_str());
                self
            }
        }
    });
    let header_setters = p.headers.iter().map(|h| {
        let setter = ident(&h.setter);
        let wire = &h.wire;
        let mut text = h.doc.as_deref().map(|d| d.trim_end().to_owned()).unwrap_or_else(|| format!("Sets the `{wire}` header."));
        text.push_str(&match &h.default {
            Some(d) => format!("\n\nSent on every call; `{d}` unless set here."),
            None => "\n\nSent on every call once set; not sent otherwise.".to_owned(),
        });
        let doc = doc_lines(&text);
        quote! {
            #doc
            #[must_use]
            pub fn #setter(mut self, value: impl Into<String>) -> Self {
                self.transport = self.transport.header(#wire, value.into());
                self
            }
        }
    });
    let credential_setters = credential_setters(&p.auth);
    let input_setters = p.inputs.iter().map(|input| {
        let setter = ident(&input.name);
        let name = &input.name;
        let mut text = input.doc.as_deref().map(|d| d.trim_end().to_owned()).unwrap_or_else(|| format!("Sets `{name}`."));
        text.push_str("\n\nUsed to acquire credentials");
        text.push_str(if input.secret { "; held as a secret: never printed." } else { "." });
        let doc = doc_lines(&text);
        quote! {
            #doc
            #[must_use]
            pub fn #setter(mut self, value: impl Into<String>) -> Self {
                self.transport = self.transport.input(#name, value.into());
                self
            }
        }
    });
    let host_setters = p.hosts.iter().map(|h| {
        let setter = format_ident!("{}_url", h.name);
        let name = &h.name;
        let doc = format!(" Overrides the URL of the `{name}` host (by default it follows `base_url` when that is set, else the environment).");
        quote! {
            #[doc = #doc]
            #[must_use]
            pub fn #setter(mut self, url: impl Into<String>) -> Self {
                self.transport = self.transport.host_url(ToString::to_string(#name), url.into());
                self
            }
        }
    });
    let string = quote! { String };
    let mut settings: Vec<(String, TokenStream)> = vec![
        ("environment".to_owned(), quote! { Environment }),
        ("base_url".to_owned(), string.clone()),
    ];
    settings.extend(p.variables.iter().map(|v| (v.setter.clone(), ident(&v.type_name).into_token_stream())));
    settings.extend(credential_setter_types(&p.auth));
    settings.extend(p.inputs.iter().map(|i| (i.name.clone(), string.clone())));
    settings.extend(p.hosts.iter().map(|h| (format!("{}_url", h.name), string.clone())));
    settings.extend(p.headers.iter().map(|h| (h.setter.clone(), string.clone())));
    settings.extend([
        ("retry".to_owned(), quote! { ::linkspec_runtime::RetryPolicy }),
        ("clock".to_owned(), quote! { ::std::sync::Arc<dyn ::linkspec_runtime::Clock> }),
        ("timeout".to_owned(), quote! { ::std::time::Duration }),
        ("connect_timeout".to_owned(), quote! { ::std::time::Duration }),
        ("max_body_bytes".to_owned(), quote! { usize }),
        ("http_client".to_owned(), quote! { ::linkspec_runtime::reqwest::Client }),
    ]);
    let option_setters = settings.iter().map(|(setter, ty)| {
        let twin = ident(&names::option_setter(setter));
        let doc = doc_lines(&format!(
            "[`{setter}`](Self::{setter}) with the value when given `Some`; `None` leaves the setting as it was (a value a config may or may not hold, without an `if let`)."
        ));
        let setter = ident(setter);
        quote! {
            #doc
            #[must_use]
            pub fn #twin(self, value: Option<#ty>) -> Self {
                match value {
                    Some(value) => self.#setter(value),
                    None => self,
                }
            }
        }
    });
    let builder_doc = format!(" Configures a {title} [`Client`]: environment or base URL, credentials, retries, timeouts.");
    let required_inputs = required_inputs(p).into_iter().map(|(input, why)| quote! { .requires_input(#input, #why) });
    let build_doc = doc_lines(&build_doc(p));
    quote! {
        #[doc = #builder_doc]
        #[derive(Debug)]
        pub struct ClientBuilder {
            transport: ::linkspec_runtime::TransportBuilder,
        }

        impl ::std::default::Default for ClientBuilder {
            fn default() -> Self {
                Self { transport: ::linkspec_runtime::TransportBuilder::new(&PROVIDER) }
            }
        }

        impl ClientBuilder {
            /// Selects an environment's base URL.
            #[must_use]
            pub fn environment(mut self, environment: Environment) -> Self {
                self.transport = self.transport.base_url_template(environment.url_template());
                self
            }

            /// Overrides the base URL (a proxy, a mock server); wins over `environment`.
            #[must_use]
            pub fn base_url(mut self, url: impl Into<String>) -> Self {
                self.transport = self.transport.base_url(url.into());
                self
            }

            #(#variable_setters)*
            #credential_setters
            #(#input_setters)*
            #(#host_setters)*
            #(#header_setters)*

            /// How calls are retried (see [`RetryPolicy`](crate::runtime::RetryPolicy) for what is
            /// retried and the defaults). [`Client::with_retry`] changes it for some calls only.
            #[must_use]
            pub fn retry(mut self, policy: ::linkspec_runtime::RetryPolicy) -> Self {
                self.transport = self.transport.retry(policy);
                self
            }

            /// The clock used for backoff, deadlines and credential expiry; tests pass a
            /// [`ManualClock`](crate::runtime::ManualClock).
            #[must_use]
            pub fn clock(mut self, clock: ::std::sync::Arc<dyn ::linkspec_runtime::Clock>) -> Self {
                self.transport = self.transport.clock(clock);
                self
            }

            /// Time allowed for one attempt, from sending to the last byte of the answer (default
            /// 30 s); the retry policy's deadline bounds the whole call.
            #[must_use]
            pub fn timeout(mut self, timeout: ::std::time::Duration) -> Self {
                self.transport = self.transport.timeout(timeout);
                self
            }

            /// Time allowed to open a connection.
            #[must_use]
            pub fn connect_timeout(mut self, timeout: ::std::time::Duration) -> Self {
                self.transport = self.transport.connect_timeout(timeout);
                self
            }

            /// The largest answer body read, in bytes (default 16 MiB); a larger one is a
            /// decode error, not an allocation.
            #[must_use]
            pub fn max_body_bytes(mut self, limit: usize) -> Self {
                self.transport = self.transport.max_body_bytes(limit);
                self
            }

            /// Uses your own `reqwest::Client` (proxies, TLS roots, pools). The timeouts set here
            /// then apply per call. Build it with `redirect(Policy::none())`, as the default
            /// client is: a redirect would carry credentials in headers and bodies to another host.
            #[must_use]
            pub fn http_client(mut self, client: ::linkspec_runtime::reqwest::Client) -> Self {
                self.transport = self.transport.http_client(client);
                self
            }

            #(#option_setters)*

            /// Applies settings given as data (a config file, a test case): environment or base
            /// URL, placeholders, headers, credentials, timeouts. Names the spec does not declare
            /// are refused.
            pub fn settings(mut self, settings: &::linkspec_runtime::ClientSettings) -> Result<Self, ::linkspec_runtime::BuildError> {
                self.transport = self.transport.settings(settings)?;
                Ok(self)
            }

            #build_doc
            pub fn build(self) -> Result<Client, ::linkspec_runtime::BuildError> {
                Ok(Client { transport: self.transport #(#required_inputs)* .build()? })
            }
        }

        /// For generic code (test support such as `linkspec-mock`): the same `settings` and
        /// `build`, and the provider's facts.
        impl ::linkspec_runtime::ProviderBuilder for ClientBuilder {
            type Client = Client;

            fn provider() -> &'static ::linkspec_runtime::ProviderMeta {
                &PROVIDER
            }

            fn settings(self, settings: &::linkspec_runtime::ClientSettings) -> Result<Self, ::linkspec_runtime::BuildError> {
                ClientBuilder::settings(self, settings)
            }

            fn build(self) -> Result<Client, ::linkspec_runtime::BuildError> {
                ClientBuilder::build(self)
            }
        }
    }
}

/// The inputs path parameters are filled from (`from:`), each with why the client needs it:
/// `build()` refuses to build a client without them.
fn required_inputs(p: &ir::Provider) -> Vec<(String, String)> {
    let mut by_input: std::collections::BTreeMap<&str, Vec<(&str, &str)>> = std::collections::BTreeMap::new();
    for op in &p.operations {
        for param in &op.params {
            if let Some(input) = &param.from {
                by_input.entry(input).or_default().push((&op.name, &param.wire));
            }
        }
    }
    by_input
        .into_iter()
        .map(|(input, uses)| {
            let mut ops: Vec<String> = uses.iter().map(|(op, _)| format!("`{op}`")).collect();
            ops.dedup();
            let mut wires: Vec<String> = uses.iter().map(|(_, wire)| format!("`{{{wire}}}`")).collect();
            wires.sort();
            wires.dedup();
            let ops = match ops.as_slice() {
                [one] => format!("the path of {one} holds it"),
                [rest @ .., last] => format!("the paths of {} and {last} hold it", rest.join(", ")),
                [] => String::new(),
            };
            (input.to_owned(), format!("{ops} ({})", wires.join(", ")))
        })
        .collect()
}

/// The doc of `build()`: what it checks, and the settings the paths need.
fn build_doc(p: &ir::Provider) -> String {
    let mut text = "Builds the client, checking the base URL and that credentials are set.".to_owned();
    for (input, why) in required_inputs(p) {
        text.push_str(&format!(
            "\n\nAlso needs [`{input}`](Self::{input}), even with a token set directly: {why}. Without it, building fails with [`BuildError::MissingSetting`](crate::runtime::BuildError::MissingSetting)."
        ));
    }
    text
}

/// The names of the builder methods that take a scheme's credentials, with the type each
/// `set_` twin takes.
fn credential_setter_types(auth: &ir::Auth) -> Vec<(String, TokenStream)> {
    let string = || quote! { String };
    match auth {
        ir::Auth::Bearer { setter } | ir::Auth::Header { setter, .. } => vec![(setter.clone(), string())],
        ir::Auth::KeyPair { .. } => vec![
            ("client_id".to_owned(), string()),
            ("secret".to_owned(), string()),
            ("credentials_in".to_owned(), quote! { ::linkspec_runtime::KeyPairPlacement }),
        ],
        ir::Auth::Basic { user, password } => vec![(user.clone(), string()), (password.clone(), string())],
        ir::Auth::Named { schemes, .. } => schemes.iter().flat_map(|(_, scheme)| credential_setter_types(scheme)).collect(),
    }
}

/// The builder methods that take a scheme's credentials.
fn credential_setters(auth: &ir::Auth) -> TokenStream {
    match auth {
        ir::Auth::Bearer { setter } => {
            let setter = ident(setter);
            quote! {
                /// The token sent as `Authorization: Bearer <token>`. Held as a secret: never printed.
                #[must_use]
                pub fn #setter(mut self, token: impl Into<String>) -> Self {
                    self.transport = self.transport.token(token.into());
                    self
                }
            }
        }
        ir::Auth::Header { header, setter } => {
            let setter = ident(setter);
            let doc = format!(" The token sent in the `{header}` header. Held as a secret: never printed.");
            quote! {
                #[doc = #doc]
                #[must_use]
                pub fn #setter(mut self, token: impl Into<String>) -> Self {
                    self.transport = self.transport.token(token.into());
                    self
                }
            }
        }
        ir::Auth::KeyPair { client_id, secret } => {
            let id_doc = format!(
                " The client id, sent as the `{}` body field or the `{}` header.",
                client_id.body, client_id.header
            );
            let secret_doc = format!(
                " The secret, sent as the `{}` body field or the `{}` header. Held as a secret: never printed.",
                secret.body, secret.header
            );
            quote! {
                #[doc = #id_doc]
                #[must_use]
                pub fn client_id(mut self, client_id: impl Into<String>) -> Self {
                    self.transport = self.transport.client_id(client_id.into());
                    self
                }

                #[doc = #secret_doc]
                #[must_use]
                pub fn secret(mut self, secret: impl Into<String>) -> Self {
                    self.transport = self.transport.secret(secret.into());
                    self
                }

                /// Where the client id and secret travel: in the JSON body (the default) or in headers.
                #[must_use]
                pub fn credentials_in(mut self, placement: ::linkspec_runtime::KeyPairPlacement) -> Self {
                    self.transport = self.transport.key_pair_placement(placement);
                    self
                }
            }
        }
            ir::Auth::Basic { user, password } => {
            let (user, password) = (ident(user), ident(password));
            quote! {
                /// The user of HTTP Basic (`Authorization: Basic base64(user:password)`). Held as a secret: never printed.
                #[must_use]
                pub fn #user(mut self, user: impl Into<String>) -> Self {
                    self.transport = self.transport.user(user.into());
                    self
                }

                /// The password of HTTP Basic. Held as a secret: never printed.
                #[must_use]
                pub fn #password(mut self, password: impl Into<String>) -> Self {
                    self.transport = self.transport.password(password.into());
                    self
                }
            }
        }
        ir::Auth::Named { schemes, .. } => {
            let each = schemes.iter().map(|(_, scheme)| credential_setters(scheme));
            quote! { #(#each)* }
        }
    }
}

fn client(p: &ir::Provider) -> impl Iterator<Item = Piece<'_>> + '_ {
    let methods = p.operations.iter().map(|op| operation_method(p, op));
    let metas = std::iter::once(Piece::Items(operation_defaults(p)))
        .chain(p.operations.iter().map(|op| Piece::Items(operation_meta(op))));
    let doc = doc_lines(&format!(
        "A {} client. Cheap to clone; clones share connections.{}",
        p.title,
        p.docs.as_deref().map(|d| format!("\n\n{}", d.trim_end())).unwrap_or_default()
    ));
    let names = p.operations.iter().map(|op| &op.name);
    let (builder, with_retry) = (ident(names::BUILDER), ident(names::WITH_RETRY));
    let client = quote! {
        /// The name of every operation, in spec order; each is accepted by `Client::call_json`
        /// (with the crate's `dispatch` feature).
        pub const OPERATIONS: &[&str] = &[#(#names),*];

        #doc
        #[derive(Debug, Clone)]
        pub struct Client {
            transport: ::linkspec_runtime::Transport,
        }
    };
    let first = quote! {
        /// Starts configuring a client.
        pub fn #builder() -> ClientBuilder {
            ClientBuilder::default()
        }

        /// This client with another retry policy, sharing connections and credentials: for
        /// calls that need fewer attempts or a tighter deadline.
        #[must_use]
        pub fn #with_retry(&self, policy: ::linkspec_runtime::RetryPolicy) -> Self {
            Self { transport: self.transport.with_retry(policy) }
        }
    };
    let members = std::iter::once(first).chain(methods).chain(std::iter::once_with(move || call_json(p)));
    let block = Piece::Impl { head: quote! { impl Client }, members: Box::new(members) };
    metas.chain([Piece::Items(client), block])
}

/// `call_json`: an operation by name, arguments as JSON, the typed result as data. Routes to
/// the typed methods, so a call by name behaves exactly like a typed call.
fn call_json(p: &ir::Provider) -> TokenStream {
    let arms = p.operations.iter().map(|op| {
        let name = &op.name;
        let method = ident(&op.name);
        let request = ident(&op.request_type);
        let allow = allow_deprecated(op.deprecated.is_some());
        quote! {
            #allow
            #name => {
                let request: #request = ::linkspec_runtime::dispatch::arguments(#name, args)?;
                Box::pin(async move { ::linkspec_runtime::dispatch::outcome(self.#method(request).await) })
            }
        }
    });
    let provider = &p.module;
    let page_arms: Vec<TokenStream> = p.operations.iter().filter(|op| op.paging.is_some() && op.response.is_some()).map(|op| {
        let name = &op.name;
        let pages = ident(&names::pages_method(&op.name));
        let request = ident(&op.request_type);
        let allow = allow_deprecated(op.deprecated.is_some());
        quote! {
            #allow
            #name => {
                let request: #request = ::linkspec_runtime::dispatch::arguments(#name, args)?;
                Box::pin(async move { ::linkspec_runtime::dispatch::outcome(self.#pages(request).collect(max_pages).await) })
            }
        }
    }).collect();
    // A `match` with only its fallback arm would make the code after it unreachable. Each arm
    // is its own boxed future: one `async fn` awaiting every operation in place would poll
    // with a stack frame holding all of them at once in a debug build (about 2.5 MiB for
    // Plaid's 329 operations, past a test thread's 2 MiB).
    let match_or_refuse = |arms: &[TokenStream], refusal: TokenStream| {
        if arms.is_empty() {
            quote! { Err(#refusal) }
        } else {
            quote! {
                let call: ::std::pin::Pin<Box<dyn ::std::future::Future<Output = ::linkspec_runtime::JsonOutcome> + Send + '_>> = match operation {
                    #(#arms)*
                    _ => return Err(#refusal),
                };
                Ok(call.await)
            }
        }
    };
    let not_paged = match_or_refuse(
        &page_arms,
        quote! { ::linkspec_runtime::DispatchError::NotPaged { provider: #provider, operation: ToString::to_string(operation) } },
    );
    let arms: Vec<TokenStream> = arms.collect();
    let unknown = match_or_refuse(
        &arms,
        quote! { ::linkspec_runtime::DispatchError::UnknownOperation { provider: #provider, operation: ToString::to_string(operation) } },
    );
    let (call_json, call_json_pages) = (ident(names::CALL_JSON), ident(names::CALL_JSON_PAGES));
    let dispatch_feature = names::DISPATCH_FEATURE;
    quote! {
        /// Like [`Client::call_json`] for a paged operation: fetches up to `max_pages` pages and
        /// answers with them as a list (or with the error that ended them).
        ///
        /// # Errors
        ///
        /// [`DispatchError`](crate::runtime::DispatchError) when the operation is unknown, not paged, or the
        /// arguments do not decode into its request type.
        #[cfg(feature = #dispatch_feature)]
        pub async fn #call_json_pages(
            &self,
            operation: &str,
            args: ::serde_json::Value,
            max_pages: usize,
        ) -> Result<::linkspec_runtime::JsonOutcome, ::linkspec_runtime::DispatchError> {
            // Keeps the arguments used when no operation of the provider is paged.
            let _ = (&args, max_pages);
            #not_paged
        }

        /// Calls the operation named `operation` (see [`OPERATIONS`]) with its arguments as JSON:
        /// the parameters by wire name, and the body under `body`. The typed answer or typed
        /// error comes back as data. Used by the conformance harness to replay recorded cases
        /// through the same code path as typed calls. Compiled with the crate's `dispatch`
        /// feature only.
        ///
        /// # Errors
        ///
        /// [`DispatchError`](crate::runtime::DispatchError) when the operation is unknown or the arguments do
        /// not decode into its request type; the call's own errors are in the outcome.
        #[cfg(feature = #dispatch_feature)]
        pub async fn #call_json(
            &self,
            operation: &str,
            args: ::serde_json::Value,
        ) -> Result<::linkspec_runtime::JsonOutcome, ::linkspec_runtime::DispatchError> {
            let _ = &args;
            #unknown
        }
    }
}

fn operation_method(p: &ir::Provider, op: &ir::Operation) -> TokenStream {
    let method_name = ident(&op.name);
    let request = ident(&op.request_type);
    let mut text = op.doc.as_deref().map(|d| d.trim_end().to_owned()).unwrap_or_else(|| format!("Calls `{} {}`.", op.method.as_str(), op.path));
    text.push_str(&format!(
        "\n\n`{} {}`; success: {}.",
        op.method.as_str(),
        op.path,
        op.success.iter().map(u16::to_string).collect::<Vec<_>>().join(", ")
    ));
    if let Some(media) = &op.binary {
        text.push_str(&format!(
            "\n\nAnswers bytes (`Accept: {media}`), returned as they come with their `Content-Type`, never decoded."
        ));
    }
    let envelope = op.errors.as_ref().unwrap_or(&p.errors);
    text.push_str(&format!(
        "\n\n# Errors\n\n[`Error::Api`](crate::runtime::Error::Api) with a [`{}`] when the provider answers with an error status; the other variants for transport failures, timeouts, credentials and bodies that do not decode.",
        envelope.model
    ));
    let error_type = match &op.errors {
        Some(env) => {
            let model = ident(&env.model);
            quote! { ::linkspec_runtime::Error<#model> }
        }
        None => quote! { Error },
    };
    let doc = doc_lines(&text);
    let deprecated = deprecated_attr(op.deprecated.as_ref());
    let to_call = ident(names::REQUEST_TO_CALL);
    let (ret, send) = match (&op.response, &op.binary) {
        (_, Some(_)) => (quote! { ::linkspec_runtime::Binary }, quote! { self.transport.send_binary(request.into().#to_call()).await }),
        (Some(ty), None) => (type_tokens(ty), quote! { self.transport.send(request.into().#to_call()).await }),
        (None, None) => (quote! { () }, quote! { self.transport.send_empty(request.into().#to_call()).await }),
    };
    let pages = match (&op.paging, &op.response) {
        (Some(_), Some(ty)) => {
            let pages_name = ident(&names::pages_method(&op.name));
            let ty = type_tokens(ty);
            let model = ident(&envelope.model);
            let doc = format!(
                " Every page of [`Client::{}`], fetched one per `next()` (or as a `Stream`): the next request is read from each answer as the spec's paging rule says. [`collect`](crate::runtime::Pages::collect) fails rather than return a listing cut short.",
                op.name
            );
            let items = op.items.as_ref().map(|access| {
                let items_name = ident(&names::items_method(&op.name));
                let item = type_tokens(&access.ty);
                let doc = format!(
                    " Every item of [`Client::{0}`] across its pages (at `{1}` of each page), fetched as they are asked for: `next()`, or a `Stream`. [`collect`](crate::runtime::Items::collect) fails rather than return a listing cut short.",
                    op.name, access.pointer
                );
                let items_of = super::view::owned_iter(access, quote! { page });
                // A deprecated operation's items call its (as deprecated) pages.
                let allow = allow_deprecated(op.deprecated.is_some());
                quote! {
                    #[doc = #doc]
                    #deprecated
                    #allow
                    pub fn #items_name(&self, request: impl Into<#request>) -> ::linkspec_runtime::Items<#ty, #item, #model> {
                        ::linkspec_runtime::Items::new(self.#pages_name(request), |page: #ty| #items_of.collect())
                    }
                }
            });
            quote! {
                #[doc = #doc]
                #deprecated
                pub fn #pages_name(&self, request: impl Into<#request>) -> ::linkspec_runtime::Pages<#ty, #model> {
                    ::linkspec_runtime::Pages::new(::std::clone::Clone::clone(&self.transport), request.into().#to_call())
                }
                #items
            }
        }
        _ => quote! {},
    };
    quote! {
        #doc
        #deprecated
        pub async fn #method_name(
            &self,
            request: impl Into<#request>,
        ) -> Result<#ret, #error_type> {
            #send
        }

        #pages
    }
}

/// The request type's `to_call`: parameters and body placed as the spec says.
fn to_call(op: &ir::Operation) -> TokenStream {
    let meta = meta_ident(op);
    let to_call = ident(names::REQUEST_TO_CALL);
    let params = op.params.iter().map(|param| {
        let wire = &param.wire;
        if let Some(input) = &param.from {
            return quote! { call.path_input(#wire, #input); };
        }
        let field = ident(&param.rust);
        let add = match (param.location, param.style) {
            (ParamLocation::Query, Some(ir::QueryStyle::Repeated)) => quote! { query_repeated },
            (ParamLocation::Query, Some(ir::QueryStyle::Comma)) => quote! { query_comma },
            (ParamLocation::Path, _) => quote! { path_param },
            (ParamLocation::Query, None) => quote! { query },
            (ParamLocation::Header, _) if param.sensitive => quote! { secret_header },
            (ParamLocation::Header, _) => quote! { header },
        };
        if param.required {
            quote! { call.#add(#wire, &self.#field); }
        } else {
            quote! {
                if let Some(value) = &self.#field {
                    call.#add(#wire, value);
                }
            }
        }
    });
    let body = op.body.as_ref().map(|_| {
        if op.body_optional {
            quote! {
                if let Some(body) = &self.body {
                    call.json_body(body);
                }
            }
        } else {
            quote! { call.json_body(&self.body); }
        }
    });
    let answer = answer_settings(op);
    quote! {
        /// The call this request makes.
        fn #to_call(&self) -> ::linkspec_runtime::Call {
            #[allow(unused_mut)]
            let mut call = ::linkspec_runtime::Call::new(&#meta);
            #(#params)*
            #body
            #answer
            call
        }
    }
}

/// What a call asks of its answer beyond the operation's meta: a binary media type, and the
/// spec's body limit.
fn answer_settings(op: &ir::Operation) -> TokenStream {
    let accept = op.binary.as_ref().map(|media| quote! { call.accept(#media); });
    let limit = op.max_body_bytes.map(|n| {
        let n = proc_macro2::Literal::usize_unsuffixed(n as usize);
        quote! { call.max_body_bytes(#n); }
    });
    quote! { #accept #limit }
}

/// The parameters a request holds: all but those the client fills from its settings.
fn own_params(op: &ir::Operation) -> impl Iterator<Item = &ir::Param> {
    op.params.iter().filter(|p| p.from.is_none())
}

fn param_type(param: &ir::Param) -> TokenStream {
    let ty = type_tokens(&param.ty);
    if param.required { ty } else { quote! { Option<#ty> } }
}

fn request_type(op: &ir::Operation) -> TokenStream {
    let name = ident(&op.request_type);
    let method_name = &op.name;
    let summary = summary(op.doc.as_deref()).unwrap_or_else(|| format!("`{} {}`", op.method.as_str(), op.path));
    let mut text = format!("Arguments of [`Client::{method_name}`]: {summary}\n\nRequired arguments go to `new`; optional ones have setters.");
    for param in op.params.iter() {
        if let Some(input) = &param.from {
            text.push_str(&format!(" The `{{{}}}` path segment is not an argument: the client fills it from its `{input}` setting.", param.wire));
        }
    }
    let doc = doc_lines(&text);
    let fields = own_params(op).map(|param| {
        let fname = ident(&param.rust);
        let ty = param_type(param);
        let where_ = match param.location {
            ParamLocation::Path => "path",
            ParamLocation::Query => "query",
            ParamLocation::Header => "header",
        };
        let mut text = param.doc.clone().unwrap_or_else(|| format!("The `{}` parameter.", param.wire));
        let style = match param.style {
            None => String::new(),
            Some(ir::QueryStyle::Repeated) => format!(", one pair per item: `{0}=a&{0}=b`", param.wire),
            Some(ir::QueryStyle::Comma) => format!(", items joined by commas: `{}=a,b`", param.wire),
        };
        let gap = if text.contains('\n') { "\n\n" } else { " " };
        text.push_str(&format!("{gap}(in {where_} as `{}`{style}{})", param.wire, if param.required { "" } else { "; optional" }));
        let doc = doc_lines(&text);
        let rename = if param.rust != param.wire {
            let wire = &param.wire;
            quote! { rename = #wire }
        } else {
            quote! {}
        };
        let dispatch_feature = names::DISPATCH_FEATURE;
        // Requests are only read (by `call_json`), never written, and serde reads a missing
        // `Option` field as `None`: a rename is all a field may need.
        let serde = if rename.is_empty() { quote! {} } else { quote! { #[cfg_attr(feature = #dispatch_feature, serde(#rename))] } };
        quote! { #doc #serde pub #fname: #ty, }
    });
    let dispatch_feature = names::DISPATCH_FEATURE;
    let body_field = op.body.as_ref().map(|b| {
        let ty = ident(b);
        if op.body_optional {
            quote! {
                /// The JSON body; optional: without one, none is sent.
                pub body: Option<#ty>,
            }
        } else {
            quote! {
                /// The JSON body.
                pub body: #ty,
            }
        }
    });
    let required: Vec<&ir::Param> = own_params(op).filter(|p| p.required).collect();
    let args = required.iter().map(|param| {
        let fname = ident(&param.rust);
        match param.ty {
            TypeRef::String => quote! { #fname: impl Into<String> },
            TypeRef::Id(..) => {
                let ty = type_tokens(&param.ty);
                quote! { #fname: impl Into<#ty> }
            }
            _ => {
                let ty = type_tokens(&param.ty);
                quote! { #fname: #ty }
            }
        }
    });
    let body_arg = op.body.as_ref().filter(|_| !op.body_optional).map(|b| {
        let ty = ident(b);
        quote! { body: #ty }
    });
    let all_args: Vec<TokenStream> = args.chain(body_arg).collect();
    let inits = own_params(op).map(|param| {
        let fname = ident(&param.rust);
        match (param.required, &param.ty) {
            (false, _) => quote! { #fname: None },
            (true, TypeRef::String | TypeRef::Id(..)) => quote! { #fname: #fname.into() },
            (true, _) => quote! { #fname },
        }
    });
    let body_init = op.body.as_ref().map(|_| if op.body_optional { quote! { body: None } } else { quote! { body } });
    let body_setter = op.body.as_ref().filter(|_| op.body_optional).map(|b| {
        let ty = ident(b);
        let setter = ident(names::REQUEST_BODY);
        let twin = ident(&names::option_setter(names::REQUEST_BODY));
        quote! {
            /// Sets the body; without it, the call sends none.
            #[must_use]
            pub fn #setter(mut self, body: #ty) -> Self {
                self.body = Some(body);
                self
            }
            /// Sets the body when given `Some`; `None` sends none.
            #[must_use]
            pub fn #twin(mut self, body: Option<#ty>) -> Self {
                self.body = body;
                self
            }
        }
    });
    let all_inits: Vec<TokenStream> = inits.chain(body_init).collect();
    let setters = op.params.iter().filter(|p| !p.required).map(|param| {
        let fname = ident(&param.rust);
        let doc = format!(" Sets `{}`.", param.wire);
        let (arg, value) = match param.ty {
            TypeRef::String => (quote! { impl Into<String> }, quote! { value.into() }),
            TypeRef::Id(..) => {
                let ty = type_tokens(&param.ty);
                (quote! { impl Into<#ty> }, quote! { value.into() })
            }
            _ => (type_tokens(&param.ty), quote! { value }),
        };
        let twin = ident(&names::option_setter(&param.rust));
        let plain = type_tokens(&param.ty);
        let twin_doc = doc_lines(&format!(
            "Sets `{}` when given `Some`, as [`{}`](Self::{}) does; `None` leaves it unset.",
            param.wire, param.rust, param.rust
        ));
        let allow = allow_trait_name(&param.rust);
        quote! {
            #[doc = #doc]
            #allow
            #[must_use]
            pub fn #fname(mut self, value: #arg) -> Self {
                self.#fname = Some(#value);
                self
            }
            #twin_doc
            #[must_use]
            pub fn #twin(mut self, value: Option<#plain>) -> Self {
                self.#fname = value;
                self
            }
        }
    });
    let new = ident(names::REQUEST_NEW);
    let from_body = match (&op.body, own_params(op).next().is_none()) {
        (Some(b), true) => {
            let ty = ident(b);
            let made = if op.body_optional {
                let setter = ident(names::REQUEST_BODY);
                quote! { Self::#new().#setter(body) }
            } else {
                quote! { Self::#new(body) }
            };
            quote! {
                impl From<#ty> for #name {
                    fn from(body: #ty) -> Self {
                        #made
                    }
                }
            }
        }
        _ => quote! {},
    };
    let allow = if all_args.len() > 7 { quote! { #[allow(clippy::too_many_arguments)] } } else { quote! {} };
    let to_call = to_call(op);
    let derive_default = if all_args.is_empty() { quote! { Default, } } else { quote! {} };
    let sensitive = own_params(op).any(|p| p.sensitive);
    let derive_debug = if sensitive { quote! {} } else { quote! { Debug, } };
    let debug_impl = if sensitive {
        let fields = own_params(op).map(|p| (p.rust.as_str(), p.sensitive));
        redacting_debug(&op.request_type, fields.chain(op.body.as_ref().map(|_| ("body", false))))
    } else {
        quote! {}
    };
    quote! {
        #doc
        #[derive(#derive_debug Clone, PartialEq, #derive_default)]
        #[cfg_attr(feature = #dispatch_feature, derive(::serde::Deserialize), serde(deny_unknown_fields))]
        #[non_exhaustive]
        pub struct #name {
            #(#fields)*
            #body_field
        }

        impl #name {
            /// A request with its required arguments; optional ones start unset.
            #allow
            pub fn #new(#(#all_args),*) -> Self {
                Self { #(#all_inits),* }
            }
            #(#setters)*
            #body_setter
            #to_call
        }

        #from_body
        #debug_impl
    }
}

