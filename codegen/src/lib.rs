//! linkspec's code generator: spec text in, generated files or located diagnostics out.
//!
//! Stages: [`spec`] (parse) -> [`lower`] (validate into [`ir`]) -> [`emit`] (tokens) ->
//! [`render`] (formatted text). This crate reads and writes no files; `xtask` does.

pub mod diag;
pub mod emit;
pub mod evidence;
pub mod import;
pub mod ir;
pub mod lower;
pub mod names;
pub mod render;
pub mod spec;

use diag::{Diagnostic, Diagnostics, Loc};
use quote::quote;

/// A spec file as read by the caller.
#[derive(Debug, Clone)]
pub struct SpecSource {
    /// Path as shown in diagnostics and headers, e.g. `specs/plaid.yaml`.
    pub name: String,
    /// File contents.
    pub text: String,
}

/// A provider's spec as read by the caller: one file, or the files of a provider directory,
/// which are merged (see [`lower::merge`]).
#[derive(Debug, Clone, Copy)]
pub enum ProviderSource<'a> {
    /// `specs/<provider>.yaml`.
    File(&'a SpecSource),
    /// `specs/<provider>/`: `name` as shown in diagnostics and headers (`specs/plaid/`), and its
    /// `*.yaml` files in name order.
    Dir {
        /// The directory, e.g. `specs/plaid/`.
        name: &'a str,
        /// Its files, each named with its path (`specs/plaid/items.yaml`).
        files: &'a [SpecSource],
    },
}

/// A file to write, relative to the repository root.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GeneratedFile {
    /// Relative path with `/` separators.
    pub path: String,
    /// Full contents, LF line endings.
    pub contents: String,
}

/// Generator settings.
#[derive(Debug, Clone)]
pub struct Config {
    /// Directory of the generated crate, relative to the repository root.
    pub out_dir: String,
    /// Cargo package name of the generated crate.
    pub package: String,
    /// The specs it is made from, as its crate-level files' headers name them.
    pub specs: String,
    /// Recorded calls (the conformance cassettes), which the docs' examples are made from: each
    /// operation's example shows the first success case of it by case name, and one with none
    /// gets placeholder values. The caller reads them; this crate reads no file.
    pub recorded: Vec<RecordedCall>,
    /// Give every operation without a recorded success an invented one, with a value in every
    /// field (the fixtures' crate, which has no recordings: its examples then compile every
    /// form a recorded value can take).
    pub invent_cases: bool,
}

impl Default for Config {
    fn default() -> Self {
        Config { out_dir: "generated".into(), package: "linkspec-clients".into(), specs: "specs/*.yaml".into(), recorded: Vec::new(), invent_cases: false }
    }
}

/// One recorded call, as the docs' examples read it: a conformance case
/// (`conformance/cassettes/<provider>/<case>.yaml`) reduced to what an example shows. Its
/// credentials are never read: examples take them from the environment.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RecordedCall {
    /// Provider module (the cassette's directory).
    pub provider: String,
    /// Case name (the file stem).
    pub case: String,
    /// The operation called.
    pub operation: String,
    /// The call's arguments: parameters by wire name, the body under `body`.
    pub args: serde_json::Value,
    /// The provider headers the case sets (`settings.headers`), by wire name.
    pub headers: Vec<(String, String)>,
    /// The call ended as the case expects a success to (its `outcome`, or a 2xx last answer).
    pub success: bool,
    /// The case calls a view's method, not the operation itself (its `args` are the view's).
    pub view: bool,
    /// The case is marked `known_failure`.
    pub known_failure: bool,
    /// The last answer's body, when it is JSON.
    pub answer: Option<serde_json::Value>,
    /// Not recorded: invented for a crate without recordings ([`Config::invent_cases`]).
    pub invented: bool,
}

impl Config {
    /// The crate of the generator's own fixtures (`codegen/tests/fixtures/*.yaml`), which the
    /// tests call like any client: every construct the format has, compiled and used.
    pub fn fixtures() -> Self {
        Config {
            out_dir: "generated/fixtures".into(),
            package: "linkspec-fixture-clients".into(),
            specs: "codegen/tests/fixtures/*.yaml".into(),
            recorded: Vec::new(),
            invent_cases: true,
        }
    }
}

/// What a successful run produced.
#[derive(Debug, Clone)]
pub struct Output {
    /// Files, sorted by path.
    pub files: Vec<GeneratedFile>,
    /// Warnings found on the way.
    pub warnings: Diagnostics,
    /// The providers as lowered, for callers that check more against them (xtask's evidence
    /// from recorded answers) without parsing and lowering every spec again.
    pub providers: Vec<ir::Provider>,
    /// The views, as lowered.
    pub views: Vec<ir::View>,
}

/// Parses and validates every spec, then emits the crate. Every problem in every spec is
/// reported; nothing is produced when any is an error.
pub fn generate(specs: &[SpecSource], config: &Config) -> Result<Output, Diagnostics> {
    let sources: Vec<ProviderSource<'_>> = specs.iter().map(ProviderSource::File).collect();
    generate_providers(&sources, config)
}

/// [`generate`] for providers written in one file or in a directory of files.
pub fn generate_providers(sources: &[ProviderSource<'_>], config: &Config) -> Result<Output, Diagnostics> {
    generate_with_views(sources, None, config)
}

/// [`generate_providers`] with views (`specs/views/*.yaml`) that providers may join; see
/// [`check_with_views`] for what `None` means.
pub fn generate_with_views(sources: &[ProviderSource<'_>], views: Option<&[SpecSource]>, config: &Config) -> Result<Output, Diagnostics> {
    let (providers, views, diags) = check_with_views(sources, views);
    if diags.has_errors() {
        return Err(diags);
    }
    let mut files = Vec::new();
    for p in &providers {
        files.extend(provider_files(p, &views, config).map_err(|msg| internal(&p.source, msg))?);
    }
    let krate = config.package.replace('-', "_");
    for v in &views {
        let joined: Vec<&ir::Provider> = providers.iter().filter(|p| p.views.iter().any(|m| m.view == v.name)).collect();
        let mut sources = vec![v.source.as_str()];
        sources.extend(joined.iter().map(|p| p.source.as_str()));
        let contents = render::rust_file(&sources.join(", "), emit::view::view_module(v, &joined, &krate)).map_err(|msg| internal(&v.source, msg))?;
        files.push(GeneratedFile { path: format!("{}/src/{}.rs", config.out_dir, v.name), contents });
    }
    files.push(lib_file(&providers, &views, config).map_err(|msg| internal("<crate>", msg))?);
    if let Some(tests) = emit::roundtrip::tests_file(&providers, &config.package) {
        let contents = render::rust_file(&config.specs, tests).map_err(|msg| internal("<crate>", msg))?;
        files.push(GeneratedFile { path: format!("{}/tests/nullable_fields.rs", config.out_dir), contents });
    }
    files.push(cargo_toml(&providers, config));
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(Output { files, warnings: diags, providers, views })
}

/// Parses and lowers every spec, returning the providers that are valid and every diagnostic.
pub fn check(specs: &[SpecSource]) -> (Vec<ir::Provider>, Diagnostics) {
    let sources: Vec<ProviderSource<'_>> = specs.iter().map(ProviderSource::File).collect();
    check_providers(&sources)
}

/// [`check`] for providers written in one file or in a directory of files.
pub fn check_providers(sources: &[ProviderSource<'_>]) -> (Vec<ir::Provider>, Diagnostics) {
    let (providers, _, diags) = check_with_views(sources, None);
    (providers, diags)
}

/// [`check_providers`] with views: each view file, then each provider and its mappings of them
/// (`views:`). With `None` (a provider checked on its own, without `specs/views/`), mappings
/// are not read: the providers come out joining no view.
pub fn check_with_views(sources: &[ProviderSource<'_>], view_files: Option<&[SpecSource]>) -> (Vec<ir::Provider>, Vec<ir::View>, Diagnostics) {
    let mut diags = Vec::new();
    let mut views: Vec<ir::View> = Vec::new();
    let mut broken: Vec<String> = Vec::new();
    for file in view_files.unwrap_or_default() {
        let lowered = lower::views::lower_view(file);
        diags.extend(lowered.diags);
        let (Some(v), Some(name)) = (lowered.view, lowered.name.as_ref()) else {
            broken.extend(lowered.name.map(|n| n.value));
            continue;
        };
        let at = Loc::at(name);
        if let Some(first) = views.iter().find(|x| x.name == v.name) {
            diags.push(
                Diagnostic::error("LS0400", &file.name, at, format!("view `{}` is already defined in {}", v.name, first.source))
                    .help("each view file needs its own `view:` name"),
            );
            continue;
        }
        if let Some(what) = names::reserved_provider(&v.name) {
            diags.push(
                Diagnostic::error("LS0400", &file.name, at, format!("view name `{}` collides with {what}", v.name))
                    .help("rename the view; it names a module of the generated crate"),
            );
            broken.push(v.name);
            continue;
        }
        views.push(v);
    }
    let mut providers: Vec<ir::Provider> = Vec::new();
    for source in sources {
        // A directory whose names clash still lowers (to report the rest) but yields no provider.
        let mut blocked = false;
        let (name, parsed, lines) = match source {
            ProviderSource::File(source) => {
                diags.extend(lower::check_text(&source.name, &source.text));
                match lower::parse(&source.name, &source.text) {
                    Ok(spec) => (source.name.as_str(), spec, None),
                    Err(problems) => {
                        diags.extend(problems);
                        continue;
                    }
                }
            }
            ProviderSource::Dir { name, files } => match lower::merge::parse_dir(name, files) {
                (Some(merged), problems) => {
                    blocked = problems.iter().any(|d| d.severity == diag::Severity::Error);
                    diags.extend(problems);
                    (*name, merged.spec, Some(merged.lines))
                }
                (None, problems) => {
                    diags.extend(problems);
                    continue;
                }
            },
        };
        let mut found = Vec::new();
        if let Some(first) = providers.iter().find(|p| p.module == parsed.provider.value) {
            found.push(
                Diagnostic::error(
                    "LS0100",
                    name,
                    Loc::at(&parsed.provider),
                    format!("provider `{}` is already defined in {}", first.module, first.source),
                )
                .help("each spec needs its own provider name"),
            );
        }
        let mut lowered = lower::lower(name, &parsed, &mut found);
        if let Some(p) = lowered.as_mut() {
            lower::views::lower_items(name, &parsed, p, &mut found);
        }
        if let Some(p) = lowered.as_mut().filter(|_| view_files.is_some()) {
            p.views = lower::views::lower_mappings(name, &parsed, p, &views, &broken, &mut found);
            if let Some(v) = views.iter().find(|v| v.name == p.module) {
                found.push(
                    Diagnostic::error("LS0100", name, Loc::at(&parsed.provider), format!("provider `{}` has the name of view {}", p.module, v.source))
                        .help("both name a module of the generated crate: rename one"),
                );
            }
        }
        // The checks after `lower` (paging items, view mappings) can fail a provider too.
        blocked |= found.iter().any(|d| d.severity == diag::Severity::Error);
        match &lines {
            Some(lines) => diags.extend(found.into_iter().map(|d| lines.place(d))),
            None => diags.extend(found),
        }
        if let Some(p) = lowered.filter(|_| !blocked) {
            providers.push(p);
        }
    }
    let mut diags = Diagnostics(diags);
    diags.sort();
    providers.sort_by(|a, b| a.module.cmp(&b.module));
    views.sort_by(|a, b| a.name.cmp(&b.name));
    (providers, views, diags)
}

fn internal(file: &str, message: String) -> Diagnostics {
    Diagnostics(vec![Diagnostic::error("LS9999", file, Loc::default(), message)])
}

fn provider_files(p: &ir::Provider, views: &[ir::View], config: &Config) -> Result<Vec<GeneratedFile>, String> {
    let dir = format!("{}/src/{}", config.out_dir, p.module);
    let mut doc = format!("{} client and models, generated from `{}`.", p.title, p.source);
    if let Some(d) = &p.docs {
        doc.push_str("\n\n");
        doc.push_str(d.trim_end());
    }
    let invented = if config.invent_cases { emit::invented::cases(p) } else { Vec::new() };
    let examples = emit::example::Examples::new(p, &config.package, config.recorded.iter().chain(&invented));
    let mut doc = emit::docs::markdown(&doc);
    // The example is compiled as written: it does not go through the Markdown rewrite.
    let page = examples.provider_page(p);
    if !page.is_empty() {
        doc.push_str("\n\n");
        doc.push_str(&page);
    }
    let doc_attrs = doc.lines().map(|l| {
        let l = if l.trim().is_empty() { String::new() } else { format!(" {l}") };
        quote! { #![doc = #l] }
    });
    let views_body = emit::view::provider_views(p, views);
    let views_mod = if p.views.is_empty() { quote! {} } else { quote! { mod views; } };
    let module = quote! {
        #(#doc_attrs)*
        mod client;
        mod models;
        #views_mod
        pub use client::*;
        pub use models::*;
    };
    let models = || {
        let doc = format!(" {} models: request and response bodies, enums, the error envelope.", p.title);
        let head = render::Piece::Items(quote! { #![doc = #doc] });
        let ids = render::Piece::Items(emit::ids::id_types(p, &config.package.replace('-', "_")));
        render::rust_file_pieces(&p.source, [head, ids].into_iter().chain(emit::model::models_file(p)))
    };
    let client = || {
        let doc = format!(" {} client: builder, environments, one method per operation.", p.title);
        let head = render::Piece::Items(quote! {
            #![doc = #doc]
            use super::models::*;
        });
        render::rust_file_pieces(&p.source, std::iter::once(head).chain(emit::client::client_file(p, &examples)))
    };
    // The two big files are made on two threads (tokens are per thread; the IR is shared), which
    // nearly halves the wall time of a large provider on a machine with two cores or more. Each
    // file is made by one thread alone, so the output does not depend on scheduling.
    let (models, client) = std::thread::scope(|scope| {
        let models = scope.spawn(models);
        let client = client();
        (models.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)), client)
    });
    let mut files = vec![
        GeneratedFile { path: format!("{dir}/mod.rs"), contents: render::rust_file(&p.source, module)? },
        GeneratedFile { path: format!("{dir}/models.rs"), contents: models? },
        GeneratedFile { path: format!("{dir}/client.rs"), contents: client? },
    ];
    if !p.views.is_empty() {
        let doc = format!(" {}'s part in views: one `list_` method per view it joins.", p.title);
        let tokens = quote! {
            #![doc = #doc]
            use super::*;
            #views_body
        };
        files.push(GeneratedFile { path: format!("{dir}/views.rs"), contents: render::rust_file(&p.source, tokens)? });
    }
    Ok(files)
}

fn lib_file(providers: &[ir::Provider], views: &[ir::View], config: &Config) -> Result<GeneratedFile, String> {
    let builder = emit::ident(names::BUILDER);
    let call_json = emit::ident(names::CALL_JSON);
    let call_json_pages = emit::ident(names::CALL_JSON_PAGES);
    let operations = emit::ident(names::OPERATIONS_FN);
    let runtime = emit::ident(names::RUNTIME_MODULE);
    let documented = names::RUNTIME_DOCUMENTED.iter().map(|n| emit::ident(n));
    let dispatch_feature = names::DISPATCH_FEATURE;
    let mods = providers.iter().map(|p| {
        let name = emit::ident(&p.module);
        let feature = &p.module;
        let doc = format!(" {}: generated from `{}`.", p.title, p.source);
        quote! {
            #[cfg(feature = #feature)]
            #[doc = #doc]
            pub mod #name;
        }
    });
    let ops = providers.iter().map(|p| {
        let name = emit::ident(&p.module);
        let feature = &p.module;
        quote! {
            #[cfg(feature = #feature)]
            out.extend(#name::OPERATIONS.iter().map(|op| (#feature, *op)));
        }
    });
    let arms = providers.iter().map(|p| {
        let name = emit::ident(&p.module);
        let feature = &p.module;
        quote! {
            #[cfg(feature = #feature)]
            #feature => #name::Client::#builder().settings(settings)?.build()?.#call_json(operation, args).await,
        }
    });
    let page_arms = providers.iter().map(|p| {
        let name = emit::ident(&p.module);
        let feature = &p.module;
        quote! {
            #[cfg(feature = #feature)]
            #feature => #name::Client::#builder().settings(settings)?.build()?.#call_json_pages(operation, args, max_pages).await,
        }
    });
    let view_mods = views.iter().map(|v| {
        let name = emit::ident(&v.name);
        let doc = format!(" {} view: generated from `{}`.", v.title, v.source);
        quote! {
            #[doc = #doc]
            pub mod #name;
        }
    });
    let recordings = emit::ident(names::RECORDINGS_FN);
    let recording = emit::ident(names::RECORDING);
    let recording_rows = providers.iter().map(|p| {
        let name = emit::ident(&p.module);
        let feature = &p.module;
        quote! {
            #[cfg(feature = #feature)]
            out.push(&#name::#recording);
        }
    });
    let call_view_json = emit::ident(names::CALL_VIEW_JSON);
    let view_status_rows = emit::ident(names::VIEW_STATUS_ROWS);
    let view_arms: Vec<proc_macro2::TokenStream> = providers.iter().filter(|p| !p.views.is_empty()).map(|p| {
        let name = emit::ident(&p.module);
        let feature = &p.module;
        quote! {
            #[cfg(feature = #feature)]
            #feature => #name::Client::#builder().settings(settings)?.build()?.#call_view_json(view, args).await,
        }
    }).collect();
    // A `match` of the fallback alone is a lint; without views there is nothing to match.
    let view_match = if view_arms.is_empty() {
        quote! { Err(::linkspec_runtime::DispatchError::UnknownProvider(ToString::to_string(provider))) }
    } else {
        quote! {
            match provider {
                #(#view_arms)*
                other => Err(::linkspec_runtime::DispatchError::UnknownProvider(ToString::to_string(other))),
            }
        }
    };
    let view_rows = providers.iter().flat_map(|p| {
        p.views.iter().map(move |m| {
            let feature = &p.module;
            let view = &m.view;
            let operation = &m.operation;
            let rows = proc_macro2::Literal::usize_unsuffixed(m.rows.len());
            quote! {
                #[cfg(feature = #feature)]
                out.push((#feature, #view, #operation, #rows));
            }
        })
    });
    let tokens = quote! {
        //! Typed clients for the providers described in `specs/`, generated by linkspec.
        //!
        //! Each provider is a module behind a cargo feature of the same name (all on by default).
        #![warn(missing_docs)]
        #![deny(rustdoc::broken_intra_doc_links)]
        #(#mods)*
        #(#view_mods)*

        /// Builds a client of `provider` from `settings` and calls its `list_` method of the view
        /// named `view` with JSON arguments, for the conformance harness (`dispatch` feature).
        ///
        /// # Errors
        ///
        /// [`DispatchError`](crate::runtime::DispatchError) for a provider that does not join the
        /// view, bad arguments, or settings the client cannot be built from.
        #[cfg(feature = #dispatch_feature)]
        #[doc(hidden)]
        pub async fn #call_view_json(
            provider: &str,
            settings: &::linkspec_runtime::ClientSettings,
            view: &str,
            args: ::serde_json::Value,
        ) -> Result<::linkspec_runtime::JsonOutcome, ::linkspec_runtime::DispatchError> {
            let _ = (settings, view, &args);
            #view_match
        }

        /// Every (provider, view, operation called, number of status rows) compiled in, so the
        /// harness can check view cases and that recorded answers exercise every row
        /// (`dispatch` feature).
        #[cfg(feature = #dispatch_feature)]
        #[doc(hidden)]
        #[allow(clippy::vec_init_then_push)]
        pub fn #view_status_rows() -> Vec<(&'static str, &'static str, &'static str, usize)> {
            #[allow(unused_mut)]
            let mut out = Vec::new();
            #(#view_rows)*
            out
        }

        /// What a recording of each compiled-in provider redacts, from its spec: the provider's
        /// description and its sensitive fields and parameters (`dispatch` feature; for
        /// `cargo xtask record`).
        #[cfg(feature = #dispatch_feature)]
        #[doc(hidden)]
        #[allow(clippy::vec_init_then_push)]
        pub fn #recordings() -> Vec<&'static ::linkspec_runtime::RecordingMeta> {
            #[allow(unused_mut)]
            let mut out = Vec::new();
            #(#recording_rows)*
            out
        }
        /// The runtime the clients call. The types you use (errors, the retry policy, pages,
        /// timestamps, settings, clocks) are documented here; everything else the generated code
        /// needs is re-exported as well.
        pub mod #runtime {
            #[doc(inline)]
            pub use ::linkspec_runtime::{#(#documented),*};
            #[doc(no_inline)]
            pub use ::linkspec_runtime::*;
        }

        /// Every (provider, operation) pair compiled in, in spec order.
        pub fn #operations() -> Vec<(&'static str, &'static str)> {
            #[allow(unused_mut)]
            let mut out = Vec::new();
            #(#ops)*
            out
        }

        /// Like [`call_json`], fetching every page of a paged operation (at most `max_pages`).
        ///
        /// # Errors
        ///
        /// [`DispatchError`](crate::runtime::DispatchError) for an unknown provider or operation, one that is not
        /// paged, bad arguments, or settings the client cannot be built from.
        #[cfg(feature = #dispatch_feature)]
        pub async fn #call_json_pages(
            provider: &str,
            settings: &::linkspec_runtime::ClientSettings,
            operation: &str,
            args: ::serde_json::Value,
            max_pages: usize,
        ) -> Result<::linkspec_runtime::JsonOutcome, ::linkspec_runtime::DispatchError> {
            // Keeps the arguments used when every provider feature is off.
            let _ = (settings, operation, &args, max_pages);
            match provider {
                #(#page_arms)*
                other => Err(::linkspec_runtime::DispatchError::UnknownProvider(ToString::to_string(other))),
            }
        }

        /// Builds a client of `provider` from `settings` and calls `operation` with JSON
        /// arguments; see each provider's `Client::call_json`. With the `dispatch` feature only:
        /// the conformance harness turns it on; applications need not compile it.
        ///
        /// # Errors
        ///
        /// [`DispatchError`](crate::runtime::DispatchError) for an unknown provider or operation, bad arguments, or
        /// settings the client cannot be built from.
        #[cfg(feature = #dispatch_feature)]
        pub async fn #call_json(
            provider: &str,
            settings: &::linkspec_runtime::ClientSettings,
            operation: &str,
            args: ::serde_json::Value,
        ) -> Result<::linkspec_runtime::JsonOutcome, ::linkspec_runtime::DispatchError> {
            // Keeps the arguments used when every provider feature is off.
            let _ = (settings, operation, &args);
            match provider {
                #(#arms)*
                other => Err(::linkspec_runtime::DispatchError::UnknownProvider(ToString::to_string(other))),
            }
        }
    };
    Ok(GeneratedFile { path: format!("{}/src/lib.rs", config.out_dir), contents: render::rust_file(&config.specs, tokens)? })
}

fn cargo_toml(providers: &[ir::Provider], config: &Config) -> GeneratedFile {
    let names: Vec<String> = providers.iter().map(|p| format!("\"{}\"", p.module)).collect();
    let mut text = format!("# {}\n\n", render::header_line(&config.specs));
    text.push_str(&format!(
        "[package]\nname = \"{}\"\nversion = \"0.1.0\"\ndescription = \"Typed clients generated by linkspec from {}.\"\nedition.workspace = true\nrust-version.workspace = true\nlicense.workspace = true\npublish.workspace = true\n\n",
        config.package,
        config.specs.trim_end_matches("*.yaml"),
    ));
    text.push_str(&format!("[features]\ndefault = [{}, \"tls-aws-lc\"]\n", names.join(", ")));
    for p in providers {
        text.push_str(&format!("{} = []\n", p.module));
    }
    text.push_str(&format!(
        "# Calls by operation name with JSON arguments (`call_json`), for the conformance harness.\n{} = []\n",
        names::DISPATCH_FEATURE
    ));
    text.push_str(concat!(
        "# The TLS backend of the default HTTP client: rustls with aws-lc-rs (default), rustls with\n",
        "# ring, or native-tls. With none (`default-features = false`), give your own client with\n",
        "# `http_client(...)`; the default one then speaks plain HTTP only.\n",
        "tls-aws-lc = [\"linkspec-runtime/tls-aws-lc\"]\n",
        "tls-ring = [\"linkspec-runtime/tls-ring\"]\n",
        "tls-native = [\"linkspec-runtime/tls-native\"]\n",
    ));
    text.push_str("\n[dependencies]\nlinkspec-runtime.workspace = true\nserde.workspace = true\nserde_json.workspace = true\n");
    GeneratedFile { path: format!("{}/Cargo.toml", config.out_dir), contents: text }
}

