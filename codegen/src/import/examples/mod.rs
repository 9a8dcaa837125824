//! Examples become cases: every request and response example of an OpenAPI document becomes a
//! conformance cassette (`conformance/cassettes/<provider>/example_<operation>[_<name>].yaml`),
//! so the vendor's own payloads test the generated models. No file IO: `cargo xtask import
//! examples` writes the files, replays them and marks the ones that fail.
//!
//! Cases are made against the *final* provider (the curated spec, lowered), whose operation
//! names may differ from the document's: a document operation is matched to the spec's by
//! method and path. The spec says how the call is made (parameters, body format, auth); the
//! document gives the values:
//!
//! - an answer example (`content.<json media>.example` or `examples.<name>.value`, a `$ref` to
//!   `components/examples` followed; `externalValue` is reported, never fetched) is the
//!   recorded response body, written as JSON exactly (numbers as written, keys in order);
//!   one of an error status is an `outcome: provider_error` case;
//! - a request example is the call's `body` and the expected request body, with the credentials
//!   a key pair puts in the body replaced by the cassette's placeholders;
//! - a required parameter takes the parameter's example, its schema's, the first enum value,
//!   or a placeholder of its type.
//!
//! With [`Options::compose`], an operation with no example of its answer still gets a case, so
//! every operation has one: its answer composed of the schema's property examples
//! ([`compose`]; MX Platform documents only those), else of placeholders for the required
//! properties; no body for an `empty` answer, placeholder bytes for a binary one. Each case's
//! `doc` says which.

pub mod compose;
pub mod json;

use super::doc::{self, Doc, get, get_str, items, text};
use super::yaml::{self, Y};
use super::{Finding, Findings, ImportError, Kind as FindingKind};
use crate::ir::{self, Auth, ParamLocation, QueryStyle, TypeRef};
use crate::spec::shape::Node;
use heck::ToSnakeCase;
use json::{Json, Source};

/// Where a key pair travels in the cases (the client's `credentials_in`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Placement {
    /// Fields of the JSON body (the client's default).
    #[default]
    Body,
    /// The two headers.
    Headers,
}

/// How cases are made.
#[derive(Debug, Clone)]
pub struct Options {
    /// The document's name, as the cases' docs and header name it.
    pub source: String,
    /// Where a key pair travels.
    pub credentials_in: Placement,
    /// Make the answers the document has no example of, so every operation has a case:
    /// composed of the schema's property examples, else of placeholders for its required
    /// properties; no body for an `empty` answer; placeholder bytes for a binary one. (A body
    /// without a request example is composed the same way.)
    pub compose: bool,
}

/// Where a case's recorded answer comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answer {
    /// An answer example of the document.
    Example,
    /// Composed from the answer schema's property examples.
    Composed,
    /// No body: the operation answers `empty`.
    Empty,
    /// Placeholders of the required properties' types: the answer schema has no example.
    Placeholder,
    /// Placeholder bytes: the operation answers bytes (`application/pdf`).
    Bytes,
}

/// Where a case's request body comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Body {
    /// The operation sends none (or the credentials of a key pair only).
    None,
    /// A request example of the document.
    Example,
    /// Composed of the body schema's property examples (and placeholders).
    Composed,
}

/// One case to write.
#[derive(Debug, Clone)]
pub struct Cassette {
    /// The case name (file stem): `example_<operation>[_<suffix>]`.
    pub name: String,
    /// The spec operation it calls.
    pub operation: String,
    /// The recorded status.
    pub status: u16,
    /// Where the answer comes from.
    pub answer: Answer,
    /// Where the request body comes from.
    pub body: Body,
    header: String,
    tree: Y,
}

impl Cassette {
    /// `<name>.yaml`.
    pub fn file_name(&self) -> String {
        format!("{}.yaml", self.name)
    }

    /// The cassette's text.
    pub fn text(&self) -> String {
        self.render(None)
    }

    /// The cassette's text, marked `known_failure: <reason>` when one is given.
    pub fn render(&self, known_failure: Option<&str>) -> String {
        self.render_marked(known_failure, &[])
    }

    /// The cassette's text with `expected_drift` (pointers the answer holds and the model only
    /// keeps) and, when given, `known_failure`.
    pub fn render_marked(&self, known_failure: Option<&str>, expected_drift: &[String]) -> String {
        let mut tree = self.tree.clone();
        if let Y::Map(entries) = &mut tree {
            let at = entries.iter().position(|(k, _)| k == "exchanges").unwrap_or(entries.len());
            if let Some(reason) = known_failure {
                entries.insert(at, ("known_failure".to_owned(), Y::s(reason)));
            }
            if !expected_drift.is_empty() {
                entries.insert(at, ("expected_drift".to_owned(), Y::Seq(expected_drift.iter().map(|p| Y::s(p.clone())).collect())));
            }
        }
        yaml::document(&self.header, &tree)
    }
}

/// What the document holds, counted.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Counts {
    /// JSON answer examples of a success status.
    pub success_examples: usize,
    /// JSON answer examples of an error status.
    pub error_examples: usize,
    /// JSON request examples.
    pub request_examples: usize,
    /// Examples not made into cases (not JSON, external, no status, no operation of the spec).
    pub skipped: usize,
    /// Answers composed from property examples.
    pub composed: usize,
    /// Answers made without any example (no body, placeholders, placeholder bytes).
    pub placeholders: usize,
}

/// The cases of a document, and what the report says.
#[derive(Debug, Clone)]
pub struct Examples {
    /// Cases in document order (operation by operation), names unique.
    pub cassettes: Vec<Cassette>,
    /// What was not made into a case, and why; what was composed.
    pub findings: Vec<Finding>,
    /// The figures.
    pub counts: Counts,
}

/// The prefix every case made here starts with; `cargo xtask import examples` replaces only
/// files named so.
pub const PREFIX: &str = "example_";

/// One example found in the document.
struct Found {
    /// Its name under `examples` (`None` for `example`).
    name: Option<String>,
    value: Json,
}

/// One answer of a case.
struct Recorded {
    name: Option<String>,
    status: u16,
    media: String,
    /// `None`: no body.
    value: Option<Json>,
    answer: Answer,
}

/// Makes the cases of `text`, an OpenAPI document, for `provider`, the spec it was imported
/// into (curated and lowered).
pub fn cassettes(document_text: &str, provider: &ir::Provider, options: &Options) -> Result<Examples, ImportError> {
    let root = super::read_document(document_text)?;
    let document = Doc { root: &root };
    let source = &Source::new(document_text);
    let mut findings = Findings::default();
    let mut counts = Counts::default();
    let mut out: Vec<Cassette> = Vec::new();
    let header = format!(
        "# Made by `cargo xtask import examples` from {}. The next run rewrites it: change the spec\n# or the document, not this file.\n",
        options.source.replace('\n', " ")
    );
    let found = super::operation::find(&root, &mut Findings::default());
    for f in &found {
        let op_ptr = &f.ptr;
        // The examples, before the operation is matched: each is counted and, when no case is
        // made of it, reported.
        let mut requests: Vec<Found> = Vec::new();
        if let Some(body) = get(f.op, "requestBody")
            && let Ok((body, body_ptr, _)) = document.deref(body, &format!("{op_ptr}/requestBody"))
        {
            for (media, node) in get(body, "content").map(doc::entries).unwrap_or(&[]) {
                let Some(media) = text(media) else { continue };
                let media_ptr = doc::child(&format!("{body_ptr}/content"), media);
                let examples = media_examples(&document, source, node, &media_ptr, &mut findings, &mut counts.skipped);
                if examples.is_empty() {
                    continue;
                }
                if is_json(media) {
                    counts.request_examples += examples.len();
                    requests.extend(examples);
                } else {
                    counts.skipped += examples.len();
                    findings.add(FindingKind::Skipped, &media_ptr, node, format!("{} request example(s) of `{media}`: only JSON request examples are sent", examples.len()));
                }
            }
        }
        let mut answers: Vec<Recorded> = Vec::new();
        let responses_ptr = format!("{op_ptr}/responses");
        for (key, response) in get(f.op, "responses").map(doc::entries).unwrap_or(&[]) {
            let Some(status_text) = text(key) else { continue };
            let ptr = doc::child(&responses_ptr, status_text);
            let Ok((response, response_ptr, _)) = document.deref(response, &ptr) else { continue };
            for (media, node) in get(response, "content").map(doc::entries).unwrap_or(&[]) {
                let Some(media) = text(media) else { continue };
                let media_ptr = doc::child(&format!("{response_ptr}/content"), media);
                let examples = media_examples(&document, source, node, &media_ptr, &mut findings, &mut counts.skipped);
                if examples.is_empty() {
                    continue;
                }
                let status = status_text.parse::<u16>().ok().filter(|s| (100..=599).contains(s));
                let Some(status) = status.filter(|_| is_json(media)) else {
                    counts.skipped += examples.len();
                    let why = if is_json(media) {
                        format!("answer `{status_text}` has no one status to record its {} example(s) with", examples.len())
                    } else {
                        format!("{} answer example(s) of `{media}`: only JSON answers are recorded from examples", examples.len())
                    };
                    findings.add(FindingKind::Skipped, &media_ptr, node, why);
                    continue;
                };
                if (200..300).contains(&status) {
                    counts.success_examples += examples.len();
                } else {
                    counts.error_examples += examples.len();
                }
                answers.extend(examples.into_iter().map(|e| Recorded { name: e.name, status, media: media.to_owned(), value: Some(e.value), answer: Answer::Example }));
            }
        }
        let method = f.method.to_uppercase();
        let Some(op) = provider.operations.iter().find(|o| o.method.as_str() == method && same_path(&o.path, &f.path)) else {
            let n = answers.len() + requests.len();
            if n > 0 {
                counts.skipped += n;
                findings.add(FindingKind::Skipped, op_ptr, f.op, format!("`{method} {}` is no operation of the spec: its {n} example(s) are not cases", f.path));
            }
            continue;
        };
        if op.binary.is_some() {
            let n = answers.iter().filter(|a| (200..300).contains(&a.status)).count();
            if n > 0 {
                counts.skipped += n;
                findings.add(FindingKind::Skipped, op_ptr, f.op, format!("`{}` answers bytes: its {n} JSON success example(s) are not cases", op.name));
            }
            answers.retain(|a| !(200..300).contains(&a.status));
        }
        // An operation whose answers have no example: one composed from the schema, if asked.
        if options.compose
            && !answers.iter().any(|a| (200..300).contains(&a.status))
            && op.response.is_some()
            && op.binary.is_none()
            && let Some((status, media, schema, schema_ptr)) = success_schema(&document, f.op, op_ptr)
            && let Some(composed) = compose::compose(&document, source, schema, &schema_ptr, true)
        {
            counts.composed += 1;
            findings.add(
                FindingKind::Inferred,
                &schema_ptr,
                schema,
                format!(
                    "`{}`: no example of its answer; one is composed of {} property example(s){}",
                    op.name,
                    composed.from_examples,
                    if composed.placeholders > 0 { format!(" and {} placeholder(s) for required properties without one", composed.placeholders) } else { String::new() }
                ),
            );
            answers.insert(0, Recorded { name: None, status, media, value: Some(composed.value), answer: Answer::Composed });
        }
        // Still no success answer: one the spec alone makes, when asked (or, for an `empty`
        // answer, when a request example needs one).
        if !answers.iter().any(|a| (200..300).contains(&a.status)) && (options.compose || !requests.is_empty()) {
            let status = op.success.first().copied().unwrap_or(200);
            let made = match (&op.binary, &op.response) {
                (None, None) => Some(Recorded { name: None, status, media: String::new(), value: None, answer: Answer::Empty }),
                (Some(media), _) if options.compose => Some(Recorded { name: None, status, media: media.clone(), value: None, answer: Answer::Bytes }),
                (None, Some(_)) if options.compose => success_schema(&document, f.op, op_ptr)
                    .and_then(|(status, media, schema, schema_ptr)| compose::compose(&document, source, schema, &schema_ptr, false).map(|c| (status, media, c)))
                    .map(|(status, media, c)| Recorded { name: None, status, media, value: Some(c.value), answer: Answer::Placeholder }),
                _ => None,
            };
            if let Some(made) = made {
                counts.placeholders += 1;
                answers.insert(0, made);
            }
        }
        if answers.is_empty() && !requests.is_empty() {
            counts.skipped += requests.len();
            findings.add(FindingKind::Skipped, op_ptr, f.op, format!("`{}`: {} request example(s) but no answer to record with them", op.name, requests.len()));
            continue;
        }
        if answers.is_empty() {
            continue;
        }
        if op.body.is_none() && !requests.is_empty() {
            findings.add(FindingKind::Skipped, op_ptr, f.op, format!("`{}` takes no body in the spec: its request example(s) are not sent", op.name));
            requests.clear();
        }
        // Pairs: each answer with the request example of its name, else the first; a request
        // example no answer took is sent with the first success answer.
        let mut pairs: Vec<(&Recorded, Option<&Found>, Option<&str>)> = Vec::new();
        let mut used = vec![false; requests.len()];
        for a in &answers {
            let i = requests.iter().position(|r| r.name.is_some() && r.name == a.name).or(if requests.is_empty() { None } else { Some(0) });
            if let Some(i) = i {
                used[i] = true;
            }
            pairs.push((a, i.map(|i| &requests[i]), a.name.as_deref()));
        }
        if let Some(first_success) = answers.iter().find(|a| (200..300).contains(&a.status)) {
            for (i, r) in requests.iter().enumerate() {
                if !used[i] {
                    pairs.push((first_success, Some(r), r.name.as_deref()));
                }
            }
        }
        let suffixes = suffixes(&pairs.iter().map(|(a, _, name)| (*name, a.status)).collect::<Vec<_>>());
        let request_schema = request_schema(&document, f.op, op_ptr);
        for ((answer, request, _), suffix) in pairs.iter().zip(suffixes) {
            let name = match suffix {
                Some(s) => format!("{PREFIX}{}_{s}", op.name),
                None => format!("{PREFIX}{}", op.name),
            };
            // A name another operation's case took (`a` with suffix `b_c` vs `a_b` with `c`).
            let name = if out.iter().any(|c| c.name == name) { (2..).map(|n| format!("{name}_{n}")).find(|n| !out.iter().any(|c| c.name == *n)).unwrap_or(name) } else { name };
            let body = match request {
                Some(r) => Some((r.value.clone(), Body::Example)),
                // No request example: a required body is composed of the schema's examples and
                // placeholders; an optional one is sent only when the examples make one.
                None if op.body.is_some() && !op.body_optional => Some((
                    request_schema.as_ref().and_then(|(schema, ptr)| compose::compose(&document, source, schema, ptr, false)).map_or(Json::Map(Vec::new()), |c| c.value),
                    Body::Composed,
                )),
                None if op.body.is_some() && options.compose => request_schema
                    .as_ref()
                    .and_then(|(schema, ptr)| compose::compose(&document, source, schema, ptr, true))
                    .map(|c| (c.value, Body::Composed)),
                None => None,
            };
            let case = Case { provider, op, document: &document, source, f, options };
            let body_from = body.as_ref().map_or(Body::None, |(_, from)| *from);
            let tree = case.tree(answer, request.map(|r| r.name.as_deref()), body.map(|(b, _)| b));
            out.push(Cassette {
                name,
                operation: op.name.clone(),
                status: answer.status,
                answer: answer.answer,
                body: body_from,
                header: header.clone(),
                tree,
            });
        }
    }
    Ok(Examples { cassettes: out, findings: findings.0, counts })
}

/// The examples of one media type entry: `example`, or each of `examples` (a `$ref` followed).
fn media_examples(document: &Doc<'_>, source: &Source<'_>, media: &Node, media_ptr: &str, findings: &mut Findings, skipped: &mut usize) -> Vec<Found> {
    let mut out = Vec::new();
    if let Some(example) = get(media, "example") {
        match Json::from_node(example, source) {
            Ok(value) => out.push(Found { name: None, value }),
            Err(why) => {
                *skipped += 1;
                findings.add(FindingKind::Skipped, &format!("{media_ptr}/example"), example, format!("an example JSON cannot hold: {why}"));
            }
        }
    }
    let examples_ptr = format!("{media_ptr}/examples");
    for (key, example) in get(media, "examples").map(doc::entries).unwrap_or(&[]) {
        let Some(name) = text(key) else { continue };
        let ptr = doc::child(&examples_ptr, name);
        let Ok((example, _, _)) = document.deref(example, &ptr) else {
            *skipped += 1;
            findings.add(FindingKind::Skipped, &ptr, example, format!("example `{name}`: its `$ref` cannot be followed"));
            continue;
        };
        match (get(example, "value"), get_str(example, "externalValue")) {
            (Some(value), _) => match Json::from_node(value, source) {
                Ok(value) => out.push(Found { name: Some(name.to_owned()), value }),
                Err(why) => {
                    *skipped += 1;
                    findings.add(FindingKind::Skipped, &ptr, example, format!("example `{name}` JSON cannot hold: {why}"));
                }
            },
            (None, Some(url)) => {
                *skipped += 1;
                findings.add(FindingKind::Skipped, &ptr, example, format!("example `{name}` is an `externalValue` ({url}): not fetched"));
            }
            (None, None) => {
                *skipped += 1;
                findings.add(FindingKind::Skipped, &ptr, example, format!("example `{name}` has no `value`"));
            }
        }
    }
    out
}

/// The first success answer with a JSON schema: status, media type, schema and its pointer.
fn success_schema<'a>(document: &Doc<'a>, op: &'a Node, op_ptr: &str) -> Option<(u16, String, &'a Node, String)> {
    let responses_ptr = format!("{op_ptr}/responses");
    for (key, response) in get(op, "responses").map(doc::entries).unwrap_or(&[]) {
        let Some(status) = text(key).and_then(|s| s.parse::<u16>().ok()).filter(|s| (200..300).contains(s)) else { continue };
        let ptr = doc::child(&responses_ptr, &status.to_string());
        let Ok((response, response_ptr, _)) = document.deref(response, &ptr) else { continue };
        for (media, node) in get(response, "content").map(doc::entries).unwrap_or(&[]) {
            let Some(media) = text(media).filter(|m| is_json(m)) else { continue };
            if let Some(schema) = get(node, "schema") {
                let schema_ptr = format!("{}/schema", doc::child(&format!("{response_ptr}/content"), media));
                return Some((status, media.to_owned(), schema, schema_ptr));
            }
        }
    }
    None
}

/// The JSON (or form) request body schema and its pointer.
fn request_schema<'a>(document: &Doc<'a>, op: &'a Node, op_ptr: &str) -> Option<(&'a Node, String)> {
    let (body, body_ptr, _) = document.deref(get(op, "requestBody")?, &format!("{op_ptr}/requestBody")).ok()?;
    for (media, node) in get(body, "content").map(doc::entries).unwrap_or(&[]) {
        let Some(media) = text(media).filter(|m| is_json(m) || m.eq_ignore_ascii_case("application/x-www-form-urlencoded")) else { continue };
        if let Some(schema) = get(node, "schema") {
            return Some((schema, format!("{}/schema", doc::child(&format!("{body_ptr}/content"), media))));
        }
    }
    None
}

fn is_json(media: &str) -> bool {
    let base = media.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    base == "application/json" || (base.starts_with("application/") && base.ends_with("+json"))
}

/// Paths are the same when they differ at most in the names of their placeholders.
fn same_path(spec: &str, document: &str) -> bool {
    fn shape(path: &str) -> String {
        let mut out = String::new();
        let mut depth = 0;
        for c in path.trim_end_matches('/').chars() {
            match c {
                '{' => {
                    depth += 1;
                    if depth == 1 {
                        out.push_str("{}");
                    }
                }
                '}' => depth -= 1,
                c if depth == 0 => out.push(c),
                _ => {}
            }
        }
        out
    }
    shape(spec) == shape(document)
}

/// The `{name}`s of a path, in order.
fn placeholders(path: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = path;
    while let Some(start) = rest.find('{') {
        let Some(end) = rest[start..].find('}') else { break };
        out.push(&rest[start + 1..start + end]);
        rest = &rest[start + end + 1..];
    }
    out
}

/// The suffix of each case of one operation: none when it has one case; else the example's
/// name in snake_case (`example-2` as `2`), its status when names repeat, its position when
/// there is still no telling them apart.
fn suffixes(cases: &[(Option<&str>, u16)]) -> Vec<Option<String>> {
    if cases.len() == 1 {
        return vec![None];
    }
    let base: Vec<Option<String>> = cases
        .iter()
        .map(|(name, _)| {
            let snake: String = (*name)?.to_snake_case().chars().filter(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
            let snake = snake.trim_matches('_').to_owned();
            let short = snake.strip_prefix("example").map(|r| r.trim_start_matches('_')).filter(|r| !r.is_empty() && r.bytes().all(|b| b.is_ascii_digit()));
            Some(short.map(str::to_owned).unwrap_or(snake)).filter(|s| !s.is_empty())
        })
        .collect();
    let count = |list: &[Option<String>], s: &Option<String>| list.iter().filter(|x| *x == s).count();
    let with_status: Vec<Option<String>> = base
        .iter()
        .zip(cases)
        .map(|(b, (_, status))| if b.is_none() || count(&base, b) > 1 { Some(b.as_ref().map_or_else(|| status.to_string(), |b| format!("{b}_{status}"))) } else { b.clone() })
        .collect();
    with_status
        .iter()
        .enumerate()
        .map(|(i, s)| if count(&with_status, s) > 1 { Some(format!("{}_{}", s.clone().unwrap_or_default(), i + 1)) } else { s.clone() })
        .collect()
}

/// What one case is made from.
struct Case<'c, 'a> {
    provider: &'c ir::Provider,
    op: &'c ir::Operation,
    document: &'c Doc<'a>,
    source: &'c Source<'c>,
    f: &'c super::operation::Found<'a>,
    options: &'c Options,
}

/// The bytes of a binary answer the document has no example of.
const PLACEHOLDER_BYTES: &[u8] = b"placeholder bytes of a binary answer\n";

/// Placeholder credentials.
const CLIENT_ID: &str = "placeholder-client-id";
const SECRET: &str = "placeholder-secret";
const TOKEN: &str = "placeholder-token";

impl Case<'_, '_> {
    /// The default scheme and the operation's.
    fn schemes(&self) -> (&ir::Auth, &ir::Auth) {
        match &self.provider.auth {
            Auth::Named { schemes, default } => {
                let find = |name: &str| schemes.iter().find(|(n, _)| n == name).map(|(_, s)| s);
                let default = find(default).unwrap_or(&self.provider.auth);
                (default, self.op.auth_scheme.as_deref().and_then(find).unwrap_or(default))
            }
            other => (other, other),
        }
    }

    fn tree(&self, answer: &Recorded, request_name: Option<Option<&str>>, body: Option<Json>) -> Y {
        let op = self.op;
        let (default_scheme, scheme) = self.schemes();
        let key_pair_in_body = self.options.credentials_in == Placement::Body;
        // Settings: the default scheme's credentials (`build` needs them) and the operation's.
        let mut settings = Y::map();
        for s in [default_scheme, scheme] {
            for (key, value) in scheme_settings(s, self.options.credentials_in) {
                if settings.get(&key).is_none() {
                    settings.push(key, value);
                }
            }
        }
        // Credentials the request carries.
        let mut headers: Vec<(String, String)> = Vec::new();
        let mut absent: Vec<String> = Vec::new();
        let mut body_credentials: Vec<(String, String)> = Vec::new();
        let mut key_pair_fields: Vec<String> = Vec::new();
        if let Auth::KeyPair { client_id, secret } = scheme {
            key_pair_fields = vec![client_id.body.clone(), secret.body.clone()];
        }
        if op.authenticated {
            match scheme {
                Auth::Bearer { .. } => headers.push(("authorization".into(), format!("Bearer {TOKEN}"))),
                Auth::Header { header, .. } => headers.push((header.to_ascii_lowercase(), TOKEN.into())),
                Auth::KeyPair { client_id, secret } if key_pair_in_body => {
                    body_credentials = vec![(client_id.body.clone(), CLIENT_ID.into()), (secret.body.clone(), SECRET.into())];
                    absent.extend([client_id.header.to_ascii_lowercase(), secret.header.to_ascii_lowercase()]);
                }
                Auth::KeyPair { client_id, secret } => {
                    headers.push((client_id.header.to_ascii_lowercase(), CLIENT_ID.into()));
                    headers.push((secret.header.to_ascii_lowercase(), SECRET.into()));
                }
                Auth::Basic { user, password } => {
                    let pair = format!("{}:{}", placeholder_for(user), placeholder_for(password));
                    headers.push(("authorization".into(), format!("Basic {}", base64(pair.as_bytes()))));
                }
                Auth::Named { .. } => {}
            }
        } else {
            match default_scheme {
                Auth::Bearer { .. } | Auth::Basic { .. } => absent.push("authorization".into()),
                Auth::Header { header, .. } => absent.push(header.to_ascii_lowercase()),
                Auth::KeyPair { client_id, secret } => absent.extend([client_id.header.to_ascii_lowercase(), secret.header.to_ascii_lowercase()]),
                Auth::Named { .. } => {}
            }
        }

        // Parameters: every required one, from the document's examples or a placeholder.
        let mut args = Json::Map(Vec::new());
        let mut path = op.path.clone();
        let mut query: Vec<(String, Y)> = Vec::new();
        let spec_placeholders = placeholders(&op.path);
        let doc_placeholders = placeholders(&self.f.path);
        for p in &op.params {
            if !(p.required || p.location == ParamLocation::Path) {
                continue;
            }
            let doc_name = match p.location {
                ParamLocation::Path => spec_placeholders.iter().position(|n| *n == p.wire).and_then(|i| doc_placeholders.get(i)).copied().unwrap_or(&p.wire),
                _ => &p.wire,
            };
            let example = self.param_example(p.location, doc_name);
            let value = param_value(self.provider, &p.ty, example.as_ref(), &p.wire);
            let texts: Vec<String> = match &value {
                Json::Seq(items) => items.iter().map(param_text).collect(),
                other => vec![param_text(other)],
            };
            match p.location {
                ParamLocation::Path => path = path.replace(&format!("{{{}}}", p.wire), &encode_segment(&texts.join(","))),
                ParamLocation::Query => match (p.style, texts.len()) {
                    (_, 0) => {}
                    (Some(QueryStyle::Repeated), _) => query.push((p.wire.clone(), Y::Seq(texts.into_iter().map(Y::Str).collect()))),
                    _ => query.push((p.wire.clone(), Y::Str(texts.join(",")))),
                },
                ParamLocation::Header => headers.push((p.wire.to_ascii_lowercase(), texts.join(","))),
            }
            // A parameter the client fills from one of its settings is a setting of the case.
            if let Some(input) = &p.from {
                if settings.get("inputs").is_none() {
                    settings.push("inputs", Y::map());
                }
                if let Y::Map(entries) = &mut settings
                    && let Some((_, inputs)) = entries.iter_mut().find(|(k, _)| k == "inputs")
                    && inputs.get(input).is_none()
                {
                    inputs.push(input.clone(), Y::s(param_text(&value)));
                }
                continue;
            }
            args.set(&p.wire, value);
        }

        // The body: the example without the credentials a key pair carries (the client adds
        // its own), expected with the placeholders where the scheme puts them. A body model
        // that requires one of the fields gets the placeholder (the client puts the same).
        let mut expected_body: Option<Json> = None;
        if let Some(mut body) = body.filter(|_| op.body.is_some()) {
            let model = op.body.as_ref().and_then(|name| self.provider.models.iter().find(|m| m.name == *name));
            for (field, placeholder) in key_pair_fields.iter().zip([CLIENT_ID, SECRET]) {
                let required = model.is_some_and(|m| m.fields.iter().any(|f| f.wire == *field && !f.optional));
                if required {
                    body.set(field, Json::Str(placeholder.to_owned()));
                } else {
                    body.remove(field);
                }
            }
            args.set("body", body.clone());
            expected_body = Some(body);
        }
        if !body_credentials.is_empty() {
            let body = expected_body.get_or_insert_with(|| Json::Map(Vec::new()));
            for (field, value) in &body_credentials {
                body.set(field, Json::Str(value.clone()));
            }
        }

        let mut request = Y::map();
        request.push("method", Y::s(op.method.as_str()));
        request.push("path", Y::s(path));
        if !query.is_empty() {
            request.push("query", Y::Map(query));
        }
        if !headers.is_empty() {
            request.push("headers", Y::Map(headers.into_iter().map(|(k, v)| (k, Y::Str(v))).collect()));
        }
        if !absent.is_empty() {
            request.push("absent_headers", Y::Seq(absent.into_iter().map(Y::Str).collect()));
        }
        if let Some(body) = &expected_body {
            let text = match op.body_format {
                ir::BodyFormat::Json => body.pretty(),
                ir::BodyFormat::Form => form_encode(body),
            };
            request.push("body", Y::Str(text));
        }
        let mut response = Y::map();
        response.push("status", Y::Lit(answer.status.to_string()));
        if let Some(value) = &answer.value {
            response.push("headers", Y::Map(vec![("content-type".into(), Y::s(answer.media.clone()))]));
            response.push("body", Y::Str(value.pretty()));
        }
        if answer.answer == Answer::Bytes {
            response.push("headers", Y::Map(vec![("content-type".into(), Y::s(answer.media.clone()))]));
            response.push("body_base64", Y::s(base64(PLACEHOLDER_BYTES)));
        }
        let mut exchange = Y::map();
        exchange.push("request", request);
        exchange.push("response", response);

        let mut root = Y::map();
        root.push("version", Y::Lit("1".into()));
        root.push("operation", Y::s(op.name.clone()));
        root.push("doc", Y::s(self.doc(answer, request_name)));
        if !matches!(&settings, Y::Map(e) if e.is_empty()) {
            root.push("settings", settings);
        }
        if !matches!(&args, Json::Map(e) if e.is_empty()) {
            root.push("args", args.to_y());
        }
        if !(200..300).contains(&answer.status) {
            root.push("outcome", Y::s("provider_error"));
        }
        root.push("exchanges", Y::Seq(vec![exchange]));
        root
    }

    fn doc(&self, answer: &Recorded, request_name: Option<Option<&str>>) -> String {
        let call = format!("`{} {}`", self.f.method.to_uppercase(), self.f.path);
        let named = |name: Option<&str>| name.map_or_else(|| "example".to_owned(), |n| format!("example `{n}`"));
        let what = match answer.answer {
            Answer::Example => format!("the {} of the {} answer of {call}", named(answer.name.as_deref()), answer.status),
            Answer::Composed => format!("the {} answer of {call}, composed of its schema's property examples (the document has no example of it)", answer.status),
            Answer::Empty => format!("the {} answer (no body) of {call}", answer.status),
            Answer::Placeholder => format!("the {} answer of {call}, placeholders of the required properties' types (its schema has no example)", answer.status),
            Answer::Bytes => format!("the {} answer of {call}, placeholder bytes of `{}`", answer.status, answer.media),
        };
        let sent = match request_name {
            Some(name) => format!(", called with the request {}", named(name)),
            None => String::new(),
        };
        format!("From {}: {what}{sent}. Credentials are placeholders.", self.options.source)
    }

    /// The document's example of one of its parameters (`in`, name): the parameter's
    /// `example`, its first `examples` value, or its schema's example.
    fn param_example(&self, location: ParamLocation, name: &str) -> Option<Json> {
        let place = match location {
            ParamLocation::Path => "path",
            ParamLocation::Query => "query",
            ParamLocation::Header => "header",
        };
        let item_ptr = self.f.ptr.rsplit_once('/').map(|(p, _)| p.to_owned()).unwrap_or_default();
        let mut found = None;
        for (list, list_ptr) in [(get(self.f.item, "parameters"), format!("{item_ptr}/parameters")), (get(self.f.op, "parameters"), format!("{}/parameters", self.f.ptr))] {
            for (i, param) in list.map(items).unwrap_or(&[]).iter().enumerate() {
                let Ok((target, _, _)) = self.document.deref(param, &format!("{list_ptr}/{i}")) else { continue };
                let same_name = get_str(target, "name").is_some_and(|n| if location == ParamLocation::Header { n.eq_ignore_ascii_case(name) } else { n == name });
                if same_name && get_str(target, "in") == Some(place) {
                    found = Some(target);
                }
            }
        }
        let param = found?;
        let from_examples = || {
            get(param, "examples").and_then(|e| doc::entries(e).first()).and_then(|(_, e)| self.document.deref(e, "").ok()).and_then(|(e, _, _)| get(e, "value"))
        };
        let schema = get(param, "schema").and_then(|s| self.document.deref(s, "").ok()).map(|(s, _, _)| s);
        let node = get(param, "example").or_else(from_examples).or_else(|| schema.and_then(compose::own_example)).or_else(|| {
            schema.and_then(|s| get(s, "enum")).and_then(|e| items(e).iter().find(|v| !matches!(v.kind, crate::spec::shape::Kind::Null)))
        })?;
        Json::from_node(node, self.source).ok()
    }
}

/// The settings of one scheme's placeholder credentials.
fn scheme_settings(scheme: &Auth, placement: Placement) -> Vec<(String, Y)> {
    match scheme {
        Auth::Bearer { .. } | Auth::Header { .. } => vec![("token".into(), Y::s(TOKEN))],
        Auth::KeyPair { .. } => {
            let mut out = vec![("client_id".into(), Y::s(CLIENT_ID)), ("secret".into(), Y::s(SECRET))];
            if placement == Placement::Headers {
                out.push(("credentials_in".into(), Y::s("headers")));
            }
            out
        }
        Auth::Basic { user, password } => vec![("user".into(), Y::s(placeholder_for(user))), ("password".into(), Y::s(placeholder_for(password)))],
        Auth::Named { .. } => Vec::new(),
    }
}

/// `placeholder-api-key` for the setter `api_key`.
fn placeholder_for(setter: &str) -> String {
    format!("placeholder-{}", setter.replace('_', "-"))
}

/// A parameter's value of its spec type: the example when it fits, else a placeholder.
fn param_value(provider: &ir::Provider, ty: &TypeRef, example: Option<&Json>, wire: &str) -> Json {
    let scalar = example.and_then(|e| match e {
        Json::Seq(items) => items.first().and_then(Json::scalar_text),
        other => other.scalar_text(),
    });
    let number = |text: Option<String>, integer: bool| {
        text.filter(|t| json::is_json_number(t) && (!integer || t.parse::<i64>().is_ok())).map(Json::Number)
    };
    match ty {
        TypeRef::List(inner) => match example {
            Some(Json::Seq(items)) if !items.is_empty() => Json::Seq(items.iter().map(|i| param_value(provider, inner, Some(i), wire)).collect()),
            other => Json::Seq(vec![param_value(provider, inner, other, wire)]),
        },
        TypeRef::Nullable(inner) => param_value(provider, inner, example, wire),
        TypeRef::String | TypeRef::Id(_, ir::IdWire::String) => Json::Str(scalar.unwrap_or_else(|| format!("placeholder-{}", wire.to_snake_case().replace('_', "-")))),
        TypeRef::Date => Json::Str(scalar.filter(|s| s.len() == 10).unwrap_or_else(|| "2024-01-01".into())),
        TypeRef::DateTime(format) => Json::Str(scalar.unwrap_or_else(|| match format {
            ir::TimestampFormat::Rfc3339 => "2024-01-01T00:00:00Z".into(),
            ir::TimestampFormat::Naive | ir::TimestampFormat::NaiveUtc => "2024-01-01T00:00:00".into(),
        })),
        TypeRef::Integer | TypeRef::Id(_, ir::IdWire::Integer) => number(scalar, true).unwrap_or_else(|| Json::Number("1".into())),
        TypeRef::Number | TypeRef::Decimal => number(scalar, false).unwrap_or_else(|| Json::Number("1".into())),
        TypeRef::Boolean => Json::Bool(scalar.as_deref() != Some("false")),
        TypeRef::Enum(name) => {
            let Some(e) = provider.enums.iter().find(|e| e.name == *name) else { return Json::Str(scalar.unwrap_or_default()) };
            let text = scalar.filter(|s| e.values.iter().any(|v| v.wire == *s)).or_else(|| e.values.first().map(|v| v.wire.clone())).unwrap_or_default();
            match e.wire {
                ir::EnumWire::String => Json::Str(text),
                ir::EnumWire::Integer => Json::Number(text),
                ir::EnumWire::Boolean => Json::Bool(text == "true"),
            }
        }
        TypeRef::Json | TypeRef::Map(_) | TypeRef::Model(_) => example.cloned().unwrap_or(Json::Null),
    }
}

/// A parameter value as the client sends it: text as it is, a number as serde_json writes it
/// (arguments travel as JSON values).
fn param_text(value: &Json) -> String {
    match value {
        Json::Str(s) => s.clone(),
        Json::Number(n) => serde_json::from_str::<serde_json::Number>(n).map(|n| n.to_string()).unwrap_or_else(|_| n.clone()),
        Json::Bool(b) => b.to_string(),
        other => other.compact(),
    }
}

/// A path segment as the client's URL library encodes it.
fn encode_segment(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        let keep = b.is_ascii_graphic() && !b"\"<>`#?{}/%\\".contains(&b);
        if keep {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// A form body as `k=v&...`, each part percent-encoded.
fn form_encode(body: &Json) -> String {
    let Json::Map(entries) = body else { return String::new() };
    let enc = |s: &str| {
        let mut out = String::new();
        for b in s.bytes() {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                out.push(b as char);
            } else {
                out.push_str(&format!("%{b:02X}"));
            }
        }
        out
    };
    entries.iter().filter(|(_, v)| !matches!(v, Json::Null)).map(|(k, v)| format!("{}={}", enc(k), enc(&param_text(v)))).collect::<Vec<_>>().join("&")
}

/// Standard base64 with padding.
fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let n = chunk.iter().enumerate().fold(0u32, |n, (i, b)| n | (u32::from(*b) << (16 - 8 * i)));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[(n >> (18 - 6 * i)) as usize & 63] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests;
