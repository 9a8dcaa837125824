//! The OpenAPI importer: an OpenAPI 3.0 or 3.1 document (YAML or JSON) in, the files of a
//! provider directory (`specs/<provider>/`) and a report out. No file IO: `cargo xtask import`
//! reads and writes.
//!
//! Stages: read the document as a located tree ([`doc`]); name every operation and component
//! up front, so names never depend on what `--only` picks; convert operations ([`operation`])
//! and the schemas they reach ([`schema`]); write the provider file (servers, auth, errors)
//! and one part per tag (`files`); print YAML ([`yaml`]). Whatever the document says that
//! the format cannot hold is a [`Finding`] with its JSON pointer and line; so is whatever the
//! importer inferred and whatever it leaves for the maintainer.

pub mod doc;
pub mod examples;
mod files;
pub mod operation;
mod provider;
pub mod schema;
pub mod update;
pub mod yaml;

use crate::spec::shape::{self, Node};
use std::collections::{BTreeMap, HashSet};
use std::fmt;

/// How the imported spec's docs are written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Docs {
    /// The document's descriptions, as they are (what a user importing their vendor's
    /// document expects).
    Copy,
    /// Short docs of the importer's own: the operation's method, path and id, and the vendor's
    /// reference URL where the document gives one (`base` completes a relative one). No
    /// sentence of the vendor's.
    Link {
        /// Prefix of relative `externalDocs` URLs (`https://plaid.com/docs`).
        base: Option<String>,
    },
}

/// What to import.
#[derive(Debug, Clone)]
pub struct Options {
    /// The provider's name (`mx_platform`): the directory and the module.
    pub provider: String,
    /// How docs are written.
    pub docs: Docs,
    /// Tags, `operationId`s or operation names to import; empty means all.
    pub only: Vec<String>,
    /// Where the document is, as the provider file's header names it.
    pub source: String,
    /// Headers the provider sends on every call (the spec's `headers:`): not imported as
    /// parameters of each operation.
    pub provider_headers: Vec<String>,
}

/// The result of an import.
#[derive(Debug, Clone)]
pub struct Imported {
    /// Files of the provider directory: name (`mx_platform.yaml`, `accounts.yaml`) and text.
    pub files: Vec<(String, String)>,
    /// What the report says, in document order.
    pub findings: Vec<Finding>,
    /// Operations imported.
    pub operations: usize,
    /// Models and enums written.
    pub types: usize,
    /// Operations in the document (the format's methods only).
    pub document_operations: usize,
    /// Component schemas in the document.
    pub document_schemas: usize,
}

/// The kinds of finding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    /// The document says something the format has no place for; the rest was imported.
    NotHeld,
    /// An operation or parameter left out, with why.
    Skipped,
    /// A name changed to avoid a clash.
    Renamed,
    /// Something the importer decided from what the document makes explicit.
    Inferred,
    /// Something the document leaves unsaid, for the maintainer to decide.
    ForMaintainer,
}

impl Kind {
    /// The kind as the report prints it.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::NotHeld => "not-held",
            Kind::Skipped => "skipped",
            Kind::Renamed => "renamed",
            Kind::Inferred => "inferred",
            Kind::ForMaintainer => "for-maintainer",
        }
    }
}

/// One line of the report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// What kind.
    pub kind: Kind,
    /// The JSON pointer into the document.
    pub pointer: String,
    /// The document's line (1-based; 0 when unknown).
    pub line: u32,
    /// What and why, in one sentence.
    pub message: String,
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: line {}: #{}: {}", self.kind.as_str(), self.line, self.pointer, self.message)
    }
}

/// The findings collected so far.
#[derive(Default)]
pub struct Findings(pub Vec<Finding>, HashSet<(String, String)>);

impl Findings {
    /// Adds one, located at `node`.
    pub fn add(&mut self, kind: Kind, pointer: &str, node: &Node, message: impl Into<String>) {
        let message = message.into();
        // A shared component (a parameter, a schema written out where used) is reported once.
        if !self.1.insert((pointer.to_owned(), message.clone())) {
            return;
        }
        self.0.push(Finding { kind, pointer: pointer.to_owned(), line: node.loc.line, message: crate::diag::printable(&message) });
    }
}

/// Why an import could not be made at all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportError {
    /// Line of the problem (0 when unknown).
    pub line: u32,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for ImportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line > 0 { write!(f, "line {}: {}", self.line, self.message) } else { f.write_str(&self.message) }
    }
}

/// The first of `{base}{sep}2`, `{base}{sep}3`, ... that `free` accepts (a trailing `_` of
/// `base` is dropped first when `sep` is `_`: `type_` -> `type_2`).
pub(crate) fn numbered(base: &str, sep: &str, free: impl Fn(&str) -> bool) -> String {
    let stem = if sep == "_" { base.trim_end_matches('_') } else { base };
    (2..).map(|n| format!("{stem}{sep}{n}")).find(|c| free(c)).unwrap_or_default()
}

/// The words of a type expression that may name a model or enum (`map<list<Account?>>` ->
/// `map`, `list`, `Account`).
pub(crate) fn type_words(expr: &str) -> impl Iterator<Item = &str> {
    expr.split(['<', '>', '?', ' ']).filter(|w| !w.is_empty())
}

/// Sensitivity a name suggests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sensitivity {
    /// A secret or personal datum by its name.
    Sensitive,
    /// Nothing known.
    Plain,
}

/// Names that say a value is a secret or personal: whole words of the snake_case name.
const SENSITIVE_WORDS: &[&str] = &["secret", "password", "passcode", "ssn", "pin", "cvv", "otp"];
/// Whole snake_case names, or endings of them.
const SENSITIVE_NAMES: &[&str] =
    &["access_token", "refresh_token", "api_key", "private_key", "client_secret", "public_token", "processor_token", "id_token", "token", "tax_id", "account_number", "routing_number", "date_of_birth", "social_security_number"];

/// Last words that make a name about a secret rather than one.
const NOT_SECRET_ENDINGS: &[&str] =
    &["url", "uri", "link", "type", "hint", "required", "enabled", "supported", "length", "at", "status", "label", "format", "count", "expiration", "id", "ids", "name"];

/// Whether a field or parameter name marks it sensitive.
pub fn sensitive_name(wire: &str) -> Sensitivity {
    let Some(snake) = crate::names::value_ident(wire) else { return Sensitivity::Plain };
    let snake = snake.trim_end_matches('_');
    let words: Vec<&str> = snake.split('_').collect();
    // About a secret, not one: `forgot_password_url`, `token_type`, `pin_required`.
    if words.len() > 1 && words.last().is_some_and(|w| NOT_SECRET_ENDINGS.contains(w)) {
        return Sensitivity::Plain;
    }
    if words.iter().any(|w| SENSITIVE_WORDS.contains(w)) || SENSITIVE_NAMES.iter().any(|n| snake == *n || snake.ends_with(&format!("_{n}"))) {
        Sensitivity::Sensitive
    } else {
        Sensitivity::Plain
    }
}

/// A description as a doc: line breaks normalised, ends trimmed, bidirectional controls (which
/// rustc refuses) and other control characters taken out.
pub fn clean_doc(text: &str) -> String {
    let text = text.replace("\r\n", "\n").replace('\r', "\n");
    let cleaned: String = text.chars().filter(|c| *c == '\n' || *c == '\t' || !(c.is_control() || crate::diag::is_bidi_control(*c))).collect();
    let lines: Vec<&str> = cleaned.lines().map(str::trim_end).collect();
    lines.join("\n").trim().to_owned()
}

/// Imports `text`, an OpenAPI document. `Err` only when it is no OpenAPI 3 document at all;
/// anything less is a finding and the rest is imported.
pub fn openapi(text: &str, options: &Options) -> Result<Imported, ImportError> {
    let root = read_document(text)?;
    if !crate::names::is_value_name(&options.provider) || crate::names::reserved_provider(&options.provider).is_some() {
        return Err(ImportError { line: 0, message: format!("`{}` cannot be a provider name: snake_case, and not one the generated crate uses", options.provider) });
    }
    let document = doc::Doc { root: &root };
    let mut findings = Findings::default();
    let all = operation::find(&root, &mut findings);
    let document_operations = all.len();
    let chosen: Vec<&operation::Found<'_>> = all
        .iter()
        .filter(|f| {
            options.only.is_empty()
                || options.only.iter().any(|o| Some(o) == f.tag.as_ref() || Some(o) == f.id.as_ref() || *o == f.name)
        })
        .collect();
    let provider = provider::Provider::read(&document, options, &mut findings);
    // Names the generated code takes: request types of every operation of the document (so a
    // schema's name does not depend on `--only`), the crate's own types, server variables.
    let mut reserved: HashSet<String> = crate::names::RESERVED_TYPES.iter().chain(crate::names::PRELUDE_TYPES).map(|s| s.to_string()).collect();
    reserved.extend(all.iter().map(|f| crate::names::request_type(&f.name)));
    reserved.extend(provider.variable_types());
    let mut schemas = schema::Schemas::new(&document, &options.docs, reserved, &mut findings);
    let context = operation::Context {
        docs: &options.docs,
        provider_headers: options.provider_headers.clone(),
        schemes: provider.scheme_names.clone(),
        default_scheme: provider.default_scheme.clone(),
        by_tag: all.iter().filter_map(|f| f.tag.as_deref()).collect::<HashSet<_>>().len() > 1,
    };
    let mut converted = Vec::new();
    for found in &chosen {
        if let Some(op) = operation::convert(found, &mut schemas, &context, &mut findings) {
            converted.push(op);
        }
    }
    let errors = provider::errors(&mut schemas, &converted, &options.provider, &mut findings);
    let provider_entry = provider.entry(&options.provider, &errors, &mut findings);
    let document_schemas = doc::get(&root, "components").and_then(|c| doc::get(c, "schemas")).map(|s| doc::entries(s).len()).unwrap_or(0);
    let operations = converted.len();
    let files = files::write(options, provider_entry, &errors, &converted, &schemas);
    let types = schemas.named.len();
    // Report what was not imported: components no imported operation reaches.
    let reached: HashSet<&str> = schemas.named.iter().map(|n| n.source.as_str()).collect();
    if let Some(components) = doc::get(&root, "components").and_then(|c| doc::get(c, "schemas")) {
        let mut unused = 0;
        for (key, _) in doc::entries(components) {
            if let Some(name) = doc::text(key) {
                let ptr = doc::child("/components/schemas", name);
                if !reached.contains(ptr.as_str()) && schemas.is_named_component(&ptr) {
                    unused += 1;
                }
            }
        }
        if unused > 0 && options.only.is_empty() {
            findings.add(Kind::Skipped, "/components/schemas", components, format!("{unused} object and enum schemas no imported operation uses: not written"));
        }
    }
    Ok(Imported { files, findings: findings.0, operations, types, document_operations, document_schemas })
}

/// Reads `text` as an OpenAPI 3.0 or 3.1 document.
fn read_document(text: &str) -> Result<Node, ImportError> {
    // Only the reader's first line: the rest quotes the document, which may hold a secret.
    let root = shape::read(text).map_err(|err| {
        let shown = err.to_string();
        let first = shown.lines().next().unwrap_or("").trim_start_matches("error: ");
        ImportError { line: 0, message: format!("not YAML or JSON: {}", crate::diag::printable(first)) }
    })?;
    let version = doc::get_str(&root, "openapi").unwrap_or("");
    if !(version.starts_with("3.0") || version.starts_with("3.1")) {
        let message = match doc::get(&root, "swagger") {
            Some(_) => "a Swagger 2.0 document: convert it to OpenAPI 3 first".to_owned(),
            None => format!("`openapi: {version}`: the importer reads OpenAPI 3.0 and 3.1"),
        };
        return Err(ImportError { line: doc::get(&root, "openapi").map(|n| n.loc.line).unwrap_or(1), message });
    }
    Ok(root)
}

/// The report as text: a count per kind, then every finding.
pub fn report(imported: &Imported) -> String {
    let mut counts: BTreeMap<Kind, usize> = BTreeMap::new();
    for f in &imported.findings {
        *counts.entry(f.kind).or_default() += 1;
    }
    let mut out = format!(
        "imported {} of {} operations, {} models and enums (the document has {} component schemas)\n",
        imported.operations, imported.document_operations, imported.types, imported.document_schemas
    );
    for (kind, count) in &counts {
        out.push_str(&format!("  {count:>6} {}\n", kind.as_str()));
        // What the not-held ones are: the keyword each names, most frequent first.
        if *kind == Kind::NotHeld {
            let mut by_word: BTreeMap<String, usize> = BTreeMap::new();
            for f in imported.findings.iter().filter(|f| f.kind == Kind::NotHeld) {
                let word = f.message.strip_prefix('`').and_then(|m| m.split(['`', ':']).next()).filter(|w| !w.contains(' ')).unwrap_or("other");
                *by_word.entry(word.to_owned()).or_default() += 1;
            }
            let mut ranked: Vec<(String, usize)> = by_word.into_iter().collect();
            ranked.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
            let list: Vec<String> = ranked.iter().map(|(w, c)| format!("{w} {c}")).collect();
            out.push_str(&format!("           ({})\n", list.join(", ")));
        }
    }
    for f in &imported.findings {
        out.push_str(&format!("{f}\n"));
    }
    out
}

#[cfg(test)]
mod tests;
#[cfg(test)]
mod hostile_tests;
