//! Parse and validate: spec text -> `spec::Spec` -> `ir::Provider`, collecting every problem.
//!
//! Lowering never stops at the first error: each check records a diagnostic and carries on
//! with a placeholder, and the IR is only returned when no error was recorded.

use crate::diag::{Diagnostic, Loc};
use crate::ir;
use crate::names;
use crate::spec::{self, Sp};
use std::collections::{BTreeMap, BTreeSet};

/// Reads a spec file. When it does not read, every structural problem is reported at once
/// (each unknown, duplicate or missing key and each value of the wrong kind, from one pass of
/// [`spec::shape`]); only broken YAML stops at the first problem.
pub fn parse(file: &str, text: &str) -> Result<spec::Spec, Vec<Diagnostic>> {
    let err = match serde_saphyr::from_str_with_options::<spec::Spec>(text, spec::shape::options()) {
        Ok(spec) => return Ok(spec),
        Err(err) => err,
    };
    let problems = match spec::shape::read(text) {
        Ok(tree) => spec::shape::check(file, &tree),
        Err(syntax) => return Err(vec![on_a_line(parse_diagnostic(file, &syntax), text)]),
    };
    if problems.is_empty() {
        // The shape check and serde disagree: serde's own words are the best there is.
        return Err(vec![on_a_line(parse_diagnostic(file, &err), text)]);
    }
    Err(problems.into_iter().map(|d| on_a_line(d, text)).collect())
}

/// Moves a location past the end of the text (an empty document's) onto its last line.
fn on_a_line(mut d: Diagnostic, text: &str) -> Diagnostic {
    let lines = u32::try_from(text.lines().count()).unwrap_or(u32::MAX).max(1);
    if d.loc.line > lines {
        d.loc = Loc { line: lines, col: 1, len: 1 };
    }
    d
}

/// Turns a serde-saphyr error into a coded diagnostic with a hint.
fn parse_diagnostic(file: &str, err: &serde_saphyr::Error) -> Diagnostic {
    let loc = err.location().map(|l| Loc::of(&l)).unwrap_or_default();
    let loc = if loc.line == 0 { Loc { line: 1, col: 1, len: 1 } } else { Loc { col: loc.col.max(1), ..loc } };
    let rendered = err.to_string();
    let first = rendered.lines().next().unwrap_or("invalid YAML");
    let message = strip_location_prefix(first);
    let (code, help) = if message.contains("duplicate mapping key") {
        ("LS0002", "remove one of the two keys; YAML keeps only one of them")
    } else if message.starts_with("unknown field") {
        ("LS0003", "check the spelling; specs/README.md lists every key")
    } else if message.contains("untagged enum EnumValueSpec") {
        ("LS0004", "write an enum value as a string, `null`, or `{ value: ..., doc: ... }`")
    } else {
        ("LS0001", "the YAML cannot be read from here on: check the quotes, brackets and indentation here and just before")
    };
    let message = if code == "LS0002" {
        message.split(", set DuplicateKeyPolicy").next().unwrap_or(message).to_owned()
    } else if code == "LS0004" {
        "an enum value must be a string, null, or a mapping with `value` and `doc`".to_owned()
    } else {
        message.to_owned()
    };
    let help = with_suggestion(&message, help);
    Diagnostic::error(code, file, loc, message).help(help)
}

/// Adds a "did you mean" to unknown-field messages when a known key is close.
fn with_suggestion(message: &str, fallback: &str) -> String {
    let Some(rest) = message.strip_prefix("unknown field `") else {
        return fallback.to_owned();
    };
    let Some((unknown, expected)) = rest.split_once("`, expected ") else {
        return fallback.to_owned();
    };
    let expected = expected.trim_start_matches("one of ");
    let best = expected
        .split(", ")
        .map(|k| k.trim_matches('`'))
        .map(|k| (edit_distance(unknown, k), k))
        .min();
    match best {
        Some((d, k)) if d <= 2 || (d <= 3 && unknown.len() > 6) => format!("did you mean `{k}`?"),
        _ => format!("expected one of {expected}"),
    }
}

fn strip_location_prefix(line: &str) -> &str {
    let line = line.strip_prefix("error: ").unwrap_or(line);
    match line.strip_prefix("line ") {
        Some(rest) => rest.split_once(": ").map(|(_, m)| m).unwrap_or(rest),
        None => line,
    }
}

/// Levenshtein distance, for suggestions.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != *cb);
            cur.push(sub.min(prev[j + 1] + 1).min(cur[j] + 1));
        }
        prev = cur;
    }
    prev[b.len()]
}

/// The closest name in `candidates`, when close enough to suggest.
fn suggest<'a>(name: &str, candidates: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    candidates
        .map(|c| (edit_distance(&name.to_lowercase(), &c.to_lowercase()), c))
        .filter(|(d, c)| *d <= 2.max(c.len() / 4))
        .min()
        .map(|(_, c)| c)
}

/// Why `name` is no snake_case value name, to finish a sentence: a keyword needs saying so.
fn not_value_name(name: &str) -> &'static str {
    if names::is_keyword(name) { "is a Rust keyword, so it cannot be a" } else { "is not a snake_case" }
}

/// Help for a bad `rust:` name: keywords are escaped anyway, so the override is not needed.
fn rust_help(name: &str, example: &str) -> String {
    if names::is_keyword(name) {
        format!("remove `rust:`; linkspec writes keywords with a trailing underscore (`{name}_`)")
    } else {
        format!("write a snake_case name, e.g. `{example}`")
    }
}

/// Collects diagnostics for one file.
struct Lowerer<'a> {
    file: &'a str,
    diags: &'a mut Vec<Diagnostic>,
    models: BTreeSet<String>,
    enums: BTreeMap<String, bool>,
    timestamps: ir::TimestampFormat,
}

impl Lowerer<'_> {
    fn error(&mut self, code: &'static str, loc: Loc, message: String, help: &str) {
        self.diags.push(Diagnostic::error(code, self.file, loc, message).help(help));
    }

    fn warning(&mut self, code: &'static str, loc: Loc, message: String, help: &str) {
        self.diags.push(Diagnostic::warning(code, self.file, loc, message).help(help));
    }

    /// Errors recorded so far (in this file and the ones before it).
    fn errors(&self) -> usize {
        self.diags.iter().filter(|d| d.severity == crate::diag::Severity::Error).count()
    }
}

/// Validates a parsed spec. Returns the IR when no error was found; errors and warnings go
/// to `diags` either way.
pub fn lower(file: &str, spec: &spec::Spec, diags: &mut Vec<Diagnostic>) -> Option<ir::Provider> {
    let before = diags.iter().filter(|d| d.severity == crate::diag::Severity::Error).count();
    let mut lw = Lowerer {
        file,
        diags,
        models: spec.models.0.iter().map(|(k, _)| k.value.clone()).collect(),
        enums: spec
            .enums
            .0
            .iter()
            .map(|(k, v)| (k.value.clone(), v.value.values.iter().any(|x| matches!(x.value, spec::EnumValueSpec::Plain(None)))))
            .collect(),
        timestamps: ir::TimestampFormat::Rfc3339,
    };

    let module = spec.provider.value.clone();
    if !names::is_value_name(&module) {
        lw.error(
            "LS0100",
            Loc::at(&spec.provider),
            format!("provider name `{module}` {} Rust module name", not_value_name(&module)),
            "use lower-case letters, digits and `_`, e.g. `moneykit`",
        );
    }
    if let Some(ts) = &spec.timestamps {
        lw.timestamps = timestamp_format(&mut lw, ts).unwrap_or(ir::TimestampFormat::Rfc3339);
    }
    let media_type = match &spec.media_type {
        Some(mt) => {
            check_media_type(&mut lw, mt);
            mt.value.clone()
        }
        None => "application/json".to_owned(),
    };

    let (environments, default_env, variables) = lower_servers(&mut lw, &spec.servers);
    let headers = lower_headers(&mut lw, &spec.headers);
    let auth = lower_auth(&mut lw, &spec.auth);

    check_type_names(&mut lw, spec);
    let enums = lower_enums(&mut lw, &spec.enums);
    let mut models = lower_models(&mut lw, &spec.models);
    box_recursive_fields(&mut models);
    let errors = lower_errors(&mut lw, &spec.errors, &models);
    let mut operations = lower_operations(&mut lw, &spec.operations);
    lower_operation_envelopes(&mut lw, spec, &mut operations, errors.as_ref(), &models);
    lower_paging(&mut lw, spec, &mut operations);
    let hosts = lower_hosts(&mut lw, &spec.servers, &environments, &variables);
    check_operation_hosts(&mut lw, spec, &hosts);
    check_form_bodies(&mut lw, spec, &operations, &models);
    let inputs = lower_inputs(&mut lw, &spec.auth, auth.as_ref());
    // A key pair has no acquisition (`lower_inputs` says so): its steps would only echo that.
    let acquire = match auth {
        Some(ir::Auth::KeyPair { .. }) => None,
        _ => lower_acquire(&mut lw, spec, &inputs, &mut operations, &models),
    };
    let rules = lower_rules(&mut lw, &spec.errors);
    check_global_names(&mut lw, &operations, &models, &enums, &variables, spec);
    check_client_names(&mut lw, spec, &variables, &headers, auth.as_ref(), &operations);
    check_required_cycles(&mut lw, spec, &models);
    // Unused types are only worth a warning in an otherwise valid spec: next to errors they are
    // mostly echoes of a misspelt reference.
    if lw.diags.iter().filter(|d| d.severity == crate::diag::Severity::Error).count() == before {
        warn_unused_types(&mut lw, spec, &models, &enums, &operations, errors.as_ref());
    }

    let after = lw.diags.iter().filter(|d| d.severity == crate::diag::Severity::Error).count();
    if after > before {
        return None;
    }
    Some(ir::Provider {
        source: file.to_owned(),
        module,
        title: spec.title.clone(),
        docs: spec.docs.clone(),
        environments,
        default_env,
        variables,
        media_type,
        headers,
        auth: auth?,
        errors: errors?,
        operations,
        models,
        enums,
        hosts,
        inputs,
        acquire,
        rules,
    })
}

fn timestamp_format(lw: &mut Lowerer, value: &Sp<String>) -> Option<ir::TimestampFormat> {
    match value.value.as_str() {
        "rfc3339" => Some(ir::TimestampFormat::Rfc3339),
        "naive" => Some(ir::TimestampFormat::Naive),
        other => {
            lw.error(
                "LS0104",
                Loc::at(value),
                format!("unknown timestamp format `{other}`"),
                "use `rfc3339` (offset required, e.g. 2019-02-15T15:51:39Z) or `naive` (no offset, e.g. 2023-02-16T09:14:11)",
            );
            None
        }
    }
}

/// A media type is `type/subtype` with token characters, optionally `; param=value`.
fn check_media_type(lw: &mut Lowerer, mt: &Sp<String>) {
    let essence = mt.value.split(';').next().unwrap_or("").trim();
    let token = |s: &str| {
        !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || "!#$&-^_.+".contains(c))
    };
    let ok = matches!(essence.split_once('/'), Some((t, s)) if token(t) && token(s));
    if !ok {
        lw.error(
            "LS0103",
            Loc::at(mt),
            format!("`{}` is not a media type", mt.value),
            "write `type/subtype`, e.g. `application/vnd.mx.nexus.v1+json`; parameters go after `;`, as in `application/json; charset=utf-8`",
        );
    }
}

type Servers = (Vec<ir::Environment>, usize, Vec<ir::Variable>);

fn lower_servers(lw: &mut Lowerer, servers: &spec::Servers) -> Servers {
    let mut variables = Vec::new();
    for (name, var) in &servers.variables.0 {
        let var_v = &var.value;
        let Some(type_name) = names::type_ident(&name.value) else {
            lw.error("LS0102", Loc::at(name), format!("`{}` cannot be a name", name.value), "use letters and digits");
            continue;
        };
        let mut values = Vec::new();
        let mut seen = BTreeSet::new();
        for v in &var_v.values {
            let Some(variant) = names::type_ident(&v.value) else {
                lw.error("LS0102", Loc::at(v), format!("`{}` cannot be a variant name", v.value), "use letters and digits");
                continue;
            };
            if !seen.insert(variant.clone()) {
                lw.error("LS0102", Loc::at(v), format!("value `{}` is listed twice (or collides as `{variant}`)", v.value), "list each value once");
            }
            values.push((variant, v.value.clone()));
        }
        let default = var_v.values.iter().position(|v| v.value == var_v.default.value);
        if default.is_none() {
            lw.error(
                "LS0102",
                Loc::at(&var_v.default),
                format!("default `{}` is not one of the listed values", var_v.default.value),
                "make `default` one of `values`",
            );
        }
        variables.push(ir::Variable {
            wire: name.value.clone(),
            setter: names::value_ident(&name.value).unwrap_or_default(),
            type_name,
            doc: var_v.doc.clone(),
            default: default.unwrap_or(0),
            values,
        });
    }
    let mut environments = Vec::new();
    for (name, url) in &servers.environments.0 {
        let Some(rust) = names::type_ident(&name.value) else {
            lw.error("LS0101", Loc::at(name), format!("`{}` cannot be an environment name", name.value), "use letters and digits");
            continue;
        };
        check_url_template(lw, url, &variables);
        if let Some(other) = environments.iter().find(|e: &&ir::Environment| e.rust == rust) {
            lw.error(
                "LS0304",
                Loc::at(name),
                format!("environments `{}` and `{}` both become the variant `Environment::{rust}`", other.wire, name.value),
                "rename one; variant names ignore case and punctuation",
            );
            continue;
        }
        environments.push(ir::Environment { rust, wire: name.value.clone(), url: url.value.clone() });
    }
    for (name, _) in &servers.variables.0 {
        let placeholder = format!("{{{}}}", name.value);
        let host_urls = servers.hosts.0.iter().flat_map(|(_, urls)| &urls.value.0);
        if !servers.environments.0.iter().chain(host_urls).any(|(_, url)| url.value.contains(&placeholder)) {
            lw.warning(
                "LS1007",
                Loc::at(name),
                format!("server variable `{}` is not used in any environment URL", name.value),
                &format!("remove it, or put `{placeholder}` in a URL"),
            );
        }
    }
    if environments.is_empty() {
        lw.error(
            "LS0101",
            Loc::at(&servers.default),
            "no environments are declared".to_owned(),
            "add `environments:` with at least one `name: https://...`",
        );
    }
    let default = environments.iter().position(|e| e.wire == servers.default.value);
    if default.is_none() && !environments.is_empty() {
        let names: Vec<&str> = environments.iter().map(|e| e.wire.as_str()).collect();
        lw.error(
            "LS0101",
            Loc::at(&servers.default),
            format!("default environment `{}` is not declared", servers.default.value),
            &format!("use one of: {}", names.join(", ")),
        );
    }
    (environments, default.unwrap_or(0), variables)
}

fn check_url_template(lw: &mut Lowerer, url: &Sp<String>, variables: &[ir::Variable]) {
    if !(url.value.starts_with("https://") || url.value.starts_with("http://")) {
        lw.error("LS0101", Loc::at(url), format!("`{}` is not an http(s) URL", url.value), "write the base URL in full, e.g. `https://api.example.com/v1`");
    }
    for placeholder in placeholders(&url.value) {
        match placeholder {
            Ok(p) if variables.iter().any(|v| v.wire == p) => {}
            Ok(p) => lw.error(
                "LS0102",
                Loc::at(url),
                format!("URL placeholder `{{{p}}}` has no variable"),
                &format!("declare it under `servers.variables.{p}` with its values"),
            ),
            Err(()) => lw.error("LS0102", Loc::at(url), "unbalanced `{` or `}` in URL".to_owned(), "write placeholders as `{name}`"),
        }
    }
}

/// The `{name}` placeholders of a template, or `Err` on unbalanced braces.
fn placeholders(template: &str) -> Vec<Result<String, ()>> {
    let mut out = Vec::new();
    let mut rest = template;
    while let Some(start) = rest.find(['{', '}']) {
        if rest[start..].starts_with('}') {
            out.push(Err(()));
            break;
        }
        match rest[start + 1..].find(['{', '}']) {
            Some(end) if rest[start + 1 + end..].starts_with('}') => {
                out.push(Ok(rest[start + 1..start + 1 + end].to_owned()));
                rest = &rest[start + 2 + end..];
            }
            _ => {
                out.push(Err(()));
                break;
            }
        }
    }
    out
}

fn lower_headers(lw: &mut Lowerer, headers: &spec::Entries<Sp<spec::HeaderSpec>>) -> Vec<ir::DefaultHeader> {
    let mut out = Vec::new();
    for (name, header) in &headers.0 {
        if !is_header_name(&name.value) {
            lw.error("LS0105", Loc::at(name), format!("`{}` is not a valid header name", name.value), "use letters, digits and `-`");
            continue;
        }
        let setter = match &header.value.setter {
            Some(s) if names::is_value_name(&s.value) => s.value.clone(),
            Some(s) => {
                lw.error("LS0303", Loc::at(s), format!("setter `{}` {} method name", s.value, not_value_name(&s.value)), "e.g. `user_agent`");
                continue;
            }
            None => match names::value_ident(&name.value) {
                Some(setter) => setter,
                None => {
                    lw.error(
                        "LS0105",
                        Loc::at(name),
                        format!("header `{}` has no letter or digit to name its builder method after", name.value),
                        "add `setter: <snake_case_name>` to the header",
                    );
                    continue;
                }
            },
        };
        out.push(ir::DefaultHeader {
            wire: name.value.clone(),
            setter,
            doc: header.value.doc.clone(),
            default: header.value.default.clone(),
        });
    }
    out
}

fn is_header_name(name: &str) -> bool {
    !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || "!#$%&'*+-.^_`|~".contains(c))
}

fn lower_auth(lw: &mut Lowerer, auth: &Sp<spec::AuthSpec>) -> Option<ir::Auth> {
    let a = &auth.value;
    let setter = |lw: &mut Lowerer, default: &str| match &a.setter {
        Some(s) if names::is_value_name(&s.value) => Some(s.value.clone()),
        Some(s) => {
            lw.error("LS0110", Loc::at(s), format!("setter `{}` {} method name", s.value, not_value_name(&s.value)), "e.g. `session_token`");
            None
        }
        None => Some(default.to_owned()),
    };
    let unused = |lw: &mut Lowerer, key: &str, present: bool| {
        if present {
            lw.error(
                "LS0110",
                Loc::at(&a.scheme),
                format!("`{key}` does not apply to scheme `{}`", a.scheme.value),
                &format!("remove `{key}`"),
            );
        }
    };
    match a.scheme.value.as_str() {
        "bearer" => {
            unused(lw, "header", a.header.is_some());
            unused(lw, "client_id", a.client_id.is_some());
            unused(lw, "secret", a.secret.is_some());
            Some(ir::Auth::Bearer { setter: setter(lw, "bearer_token")? })
        }
        "header" => {
            unused(lw, "client_id", a.client_id.is_some());
            unused(lw, "secret", a.secret.is_some());
            let Some(header) = &a.header else {
                lw.error("LS0110", Loc::at(&a.scheme), "scheme `header` needs `header:`".to_owned(), "name the header, e.g. `header: MD-SESSION-TOKEN`");
                return None;
            };
            if !is_header_name(&header.value) {
                lw.error("LS0105", Loc::at(header), format!("`{}` is not a valid header name", header.value), "use letters, digits and `-`");
            }
            Some(ir::Auth::Header { header: header.value.clone(), setter: setter(lw, "token")? })
        }
        "key_pair" => {
            unused(lw, "header", a.header.is_some());
            unused(lw, "setter", a.setter.is_some());
            let mut placement = |key: &str, p: &Option<Sp<spec::KeyPlacementSpec>>| match p {
                Some(p) => {
                    if !is_header_name(&p.value.header.value) {
                        lw.error("LS0105", Loc::at(&p.value.header), format!("`{}` is not a valid header name", p.value.header.value), "use letters, digits and `-`");
                    }
                    Some(ir::KeyPlacement { body: p.value.body.value.clone(), header: p.value.header.value.clone() })
                }
                None => {
                    lw.error(
                        "LS0110",
                        Loc::at(&a.scheme),
                        format!("scheme `key_pair` needs `{key}:`"),
                        &format!("add `{key}: {{ body: <field>, header: <Header-Name> }}`"),
                    );
                    None
                }
            };
            let client_id = placement("client_id", &a.client_id);
            let secret = placement("secret", &a.secret);
            Some(ir::Auth::KeyPair { client_id: client_id?, secret: secret? })
        }
        other => {
            let hint = match suggest(other, spec::AUTH_SCHEMES.iter().copied()) {
                Some(s) => format!("did you mean `{s}`?"),
                None => "use `bearer`, `header` or `key_pair`".to_owned(),
            };
            lw.error("LS0110", Loc::at(&a.scheme), format!("unknown auth scheme `{other}`"), &hint);
            None
        }
    }
}

fn check_type_names(lw: &mut Lowerer, spec: &spec::Spec) {
    let mut seen: BTreeMap<String, Loc> = BTreeMap::new();
    let all = spec.models.0.iter().map(|(k, _)| k).chain(spec.enums.0.iter().map(|(k, _)| k));
    for name in all {
        if !names::is_type_name(&name.value) {
            let fix = names::type_ident(&name.value).unwrap_or_else(|| "MyType".into());
            lw.error(
                "LS0302",
                Loc::at(name),
                format!("type name `{}` is not UpperCamelCase", name.value),
                &format!("rename it, e.g. `{}`", fix.trim_end_matches('_')),
            );
        }
        if let Some(first) = seen.get(&name.value) {
            let first = *first;
            lw.error(
                "LS0201",
                Loc::at(name),
                format!("`{}` is declared twice (first at line {})", name.value, first.line),
                "models and enums share one namespace: rename one",
            );
        }
        seen.insert(name.value.clone(), Loc::at(name));
    }
}

fn lower_enums(lw: &mut Lowerer, enums: &spec::Entries<Sp<spec::EnumSpec>>) -> Vec<ir::Enum> {
    let mut out = Vec::new();
    for (name, e) in &enums.0 {
        let mut values = Vec::new();
        let mut nullable = false;
        let mut seen_wire = BTreeSet::new();
        let mut seen_rust: BTreeMap<String, String> = BTreeMap::new();
        for v in &e.value.values {
            let (wire, doc) = match &v.value {
                spec::EnumValueSpec::Plain(None) => {
                    if nullable {
                        lw.error("LS0305", Loc::at(v), "`null` is listed twice".to_owned(), "list `null` once");
                    }
                    nullable = true;
                    continue;
                }
                spec::EnumValueSpec::Plain(Some(w)) => (w.clone(), None),
                spec::EnumValueSpec::Documented { value, doc } => (value.clone(), Some(doc.clone())),
            };
            if !seen_wire.insert(wire.clone()) {
                lw.error("LS0305", Loc::at(v), format!("value `{wire}` is listed twice in `{}`", name.value), "list each value once");
                continue;
            }
            let Some(rust) = names::type_ident(&wire) else {
                lw.error("LS0305", Loc::at(v), format!("value `{wire}` cannot become a variant name"), "values need at least one letter or digit");
                continue;
            };
            if rust == "Unknown" {
                lw.error(
                    "LS0305",
                    Loc::at(v),
                    format!("value `{wire}` would become `Unknown`, the variant that keeps new values"),
                    "linkspec cannot generate this enum yet; report it",
                );
                continue;
            }
            if let Some(other) = seen_rust.get(&rust) {
                lw.error(
                    "LS0304",
                    Loc::at(v),
                    format!("values `{other}` and `{wire}` both become the variant `{rust}`"),
                    "Rust variant names ignore case and punctuation; such values cannot share an enum",
                );
                continue;
            }
            seen_rust.insert(rust.clone(), wire.clone());
            values.push(ir::EnumValue { rust, wire, doc });
        }
        if values.is_empty() {
            lw.error(
                "LS0305",
                Loc::at(name),
                format!("enum `{}` has no values", name.value),
                "list the values the provider documents; new ones are kept by the `Unknown` variant",
            );
        }
        out.push(ir::Enum { name: name.value.clone(), doc: e.value.doc.clone(), values, nullable });
    }
    out
}

/// How deep `list<map<...>>` may nest; it bounds the recursion of [`parse_type_text`].
const MAX_TYPE_NESTING: usize = 8;

/// A long text cut for a message.
fn short(text: &str) -> String {
    let cut: String = text.chars().take(60).collect();
    if cut.len() < text.len() { format!("{cut}...") } else { cut }
}

/// Parses a type expression; scalars, `list<T>`, `map<T>`, or a declared model or enum.
fn parse_type(lw: &mut Lowerer, expr: &Sp<String>, format: Option<ir::TimestampFormat>) -> Option<ir::TypeRef> {
    let text = expr.value.trim();
    if text.matches('<').count() > MAX_TYPE_NESTING {
        lw.error(
            "LS0301",
            Loc::at(expr),
            format!("type `{}` nests more than {MAX_TYPE_NESTING} levels of `list<>` and `map<>`", short(text)),
            "declare a model for the inner part",
        );
        return None;
    }
    parse_type_text(lw, expr, text, format)
}

fn parse_type_text(lw: &mut Lowerer, expr: &Sp<String>, text: &str, format: Option<ir::TimestampFormat>) -> Option<ir::TypeRef> {
    for (prefix, wrap) in [("list<", ir::TypeRef::List as fn(Box<ir::TypeRef>) -> ir::TypeRef), ("map<", ir::TypeRef::Map)] {
        if let Some(inner) = text.strip_prefix(prefix) {
            let Some(inner) = inner.strip_suffix('>') else {
                lw.error("LS0301", Loc::at(expr), format!("`{text}` is missing its closing `>`"), "write e.g. `list<string>`");
                return None;
            };
            if inner.trim().is_empty() {
                lw.error("LS0301", Loc::at(expr), format!("`{text}` names no element type"), "write e.g. `list<string>` or `map<Account>`");
                return None;
            }
            return parse_type_text(lw, expr, inner.trim(), format).map(|t| wrap(Box::new(t)));
        }
    }
    let ty = match text {
        "string" => ir::TypeRef::String,
        "integer" => ir::TypeRef::Integer,
        "number" => ir::TypeRef::Number,
        "boolean" => ir::TypeRef::Boolean,
        "date" => ir::TypeRef::Date,
        "datetime" => ir::TypeRef::DateTime(format.unwrap_or(lw.timestamps)),
        "json" => ir::TypeRef::Json,
        name if lw.models.contains(name) => ir::TypeRef::Model(name.to_owned()),
        name if lw.enums.contains_key(name) => ir::TypeRef::Enum(name.to_owned()),
        name => {
            const SCALARS: [&str; 9] = ["string", "integer", "number", "boolean", "date", "datetime", "json", "list<T>", "map<T>"];
            let declared: Vec<String> = lw.models.iter().chain(lw.enums.keys()).cloned().collect();
            let hint = match suggest(name, declared.iter().map(String::as_str).chain(SCALARS)) {
                Some(s) => format!("did you mean `{s}`?"),
                None => format!("declare `{name}` under `models:` or `enums:`, or use one of {}", SCALARS.join(", ")),
            };
            lw.error("LS0300", Loc::at(expr), format!("unknown type `{name}`"), &hint);
            return None;
        }
    };
    Some(ty)
}

fn lower_models(lw: &mut Lowerer, models: &spec::Entries<Sp<spec::ModelSpec>>) -> Vec<ir::Model> {
    let mut out = Vec::new();
    for (name, m) in &models.0 {
        let mut fields = Vec::new();
        let mut seen_wire: BTreeSet<String> = BTreeSet::new();
        let mut seen_rust: BTreeMap<String, String> = BTreeMap::new();
        if m.value.fields.0.is_empty() {
            lw.warning("LS1002", Loc::at(name), format!("model `{}` has no fields", name.value), "an empty object decodes any object; declare the fields the provider sends");
        }
        for (wire, f) in &m.value.fields.0 {
            let fv = &f.value;
            if !seen_wire.insert(wire.value.clone()) {
                lw.error("LS0201", Loc::at(wire), format!("field `{}` is declared twice", wire.value), "remove one");
                continue;
            }
            let rust = match &fv.rust {
                Some(r) if names::is_value_name(&r.value) => Some(r.value.clone()),
                Some(r) => {
                    lw.error("LS0303", Loc::at(r), format!("`{}` {} Rust name", r.value, not_value_name(&r.value)), &rust_help(&r.value, "links"));
                    continue;
                }
                None => names::value_ident(&wire.value),
            };
            let Some(rust) = rust else {
                lw.error("LS0303", Loc::at(wire), format!("field `{}` cannot become a Rust name", wire.value), "add `rust: <name>` to the field");
                continue;
            };
            if let Some(other) = seen_rust.get(&rust) {
                lw.error(
                    "LS0304",
                    Loc::at(wire),
                    format!("fields `{other}` and `{}` both become `{rust}` in Rust", wire.value),
                    "add `rust: <other_name>` to one of them",
                );
                continue;
            }
            seen_rust.insert(rust.clone(), wire.value.clone());
            let format = match &fv.format {
                Some(fmt) => {
                    if fv.ty.value.trim() != "datetime" && !fv.ty.value.contains("<datetime>") {
                        lw.error("LS0307", Loc::at(fmt), "`format` applies only to `datetime` fields".to_owned(), "remove `format`, or make the type `datetime`");
                    }
                    timestamp_format(lw, fmt)
                }
                None => None,
            };
            if fv.doc.as_deref().is_none_or(|d| d.trim().is_empty()) {
                lw.warning(
                    "LS1001",
                    Loc::at(wire),
                    format!("field `{}.{}` has no doc", name.value, wire.value),
                    "add `doc:` with what the provider documents; generated docs fall back to the wire name",
                );
            }
            let Some(ty) = parse_type(lw, &fv.ty, format) else { continue };
            let nullable = fv.nullable || matches!(&ty, ir::TypeRef::Enum(e) if lw.enums.get(e) == Some(&true));
            fields.push(ir::Field {
                wire: wire.value.clone(),
                rust,
                doc: fv.doc.clone(),
                ty,
                optional: fv.optional,
                nullable,
                sensitive: fv.sensitive,
                boxed: false,
            });
        }
        out.push(ir::Model { name: name.value.clone(), doc: m.value.doc.clone(), fields });
    }
    out
}

/// Boxes fields that make a model contain itself by value (directly or through other models),
/// so the generated struct has a finite size. Lists and maps already add indirection.
fn box_recursive_fields(models: &mut [ir::Model]) {
    let by_value = |ty: &ir::TypeRef| match ty {
        ir::TypeRef::Model(m) => Some(m.clone()),
        _ => None,
    };
    let edges: BTreeMap<String, Vec<String>> = models
        .iter()
        .map(|m| (m.name.clone(), m.fields.iter().filter(|f| !f.boxed).filter_map(|f| by_value(&f.ty)).collect()))
        .collect();
    let reaches = |from: &str, to: &str| {
        let mut stack = vec![from.to_owned()];
        let mut seen = BTreeSet::new();
        while let Some(n) = stack.pop() {
            if n == to {
                return true;
            }
            if seen.insert(n.clone()) {
                stack.extend(edges.get(&n).into_iter().flatten().cloned());
            }
        }
        false
    };
    for model in models.iter_mut() {
        for field in &mut model.fields {
            if let Some(target) = by_value(&field.ty) {
                field.boxed = reaches(&target, &model.name);
            }
        }
    }
}

/// The parts of an error envelope, wherever it is declared.
struct EnvelopeParts<'a> {
    model: &'a Sp<String>,
    code: &'a Sp<String>,
    message: Option<&'a Sp<String>>,
    request_id: Option<&'a Sp<String>>,
    category: Option<&'a Sp<String>>,
}

fn lower_errors(lw: &mut Lowerer, errors: &Sp<spec::ErrorsSpec>, models: &[ir::Model]) -> Option<ir::ErrorEnvelope> {
    let e = &errors.value;
    let parts = EnvelopeParts {
        model: &e.model,
        code: &e.code,
        message: e.message.as_ref(),
        request_id: e.request_id.as_ref(),
        category: e.category.as_ref(),
    };
    lower_envelope(lw, &parts, models)
}

/// Operation-level envelopes: each is checked like the provider's, and one model may not be read
/// two ways.
fn lower_operation_envelopes(
    lw: &mut Lowerer,
    spec: &spec::Spec,
    operations: &mut [ir::Operation],
    provider: Option<&ir::ErrorEnvelope>,
    models: &[ir::Model],
) {
    let mut seen: Vec<ir::ErrorEnvelope> = provider.into_iter().cloned().collect();
    for (op, (_, op_spec)) in operations.iter_mut().zip(&spec.operations.value.0) {
        let Some(e) = &op_spec.value.errors else { continue };
        let parts = EnvelopeParts {
            model: &e.value.model,
            code: &e.value.code,
            message: e.value.message.as_ref(),
            request_id: e.value.request_id.as_ref(),
            category: e.value.category.as_ref(),
        };
        let Some(envelope) = lower_envelope(lw, &parts, models) else { continue };
        match seen.iter().find(|s| s.model == envelope.model) {
            Some(other) if *other != envelope => lw.error(
                "LS0122",
                Loc::at(&e.value.model),
                format!("model `{}` is already an error envelope read with other fields", envelope.model),
                "name the same `code`, `message`, `request_id` and `category` fields everywhere the model is an envelope",
            ),
            Some(_) => {}
            None => seen.push(envelope.clone()),
        }
        op.errors = Some(envelope);
    }
}

fn lower_envelope(lw: &mut Lowerer, e: &EnvelopeParts<'_>, models: &[ir::Model]) -> Option<ir::ErrorEnvelope> {
    let Some(model) = models.iter().find(|m| m.name == e.model.value) else {
        if !lw.models.contains(&e.model.value) {
            let hint = match suggest(&e.model.value, lw.models.iter().map(String::as_str)) {
                Some(s) => format!("did you mean `{s}`?"),
                None => "declare the error body under `models:`".to_owned(),
            };
            lw.error("LS0120", Loc::at(e.model), format!("error model `{}` is not declared", e.model.value), &hint);
        }
        return None;
    };
    let field = |lw: &mut Lowerer, key: &str, wire: &Sp<String>| -> Option<(String, ir::TypeRef)> {
        match model.fields.iter().find(|f| f.wire == wire.value) {
            Some(f) if matches!(f.ty, ir::TypeRef::String | ir::TypeRef::Integer | ir::TypeRef::Enum(_)) => Some((f.rust.clone(), f.ty.clone())),
            Some(_) => {
                lw.error("LS0120", Loc::at(wire), format!("error {key} field `{}` must be a string, integer or enum", wire.value), "point at a scalar field");
                None
            }
            None => {
                let fields: Vec<&str> = model.fields.iter().map(|f| f.wire.as_str()).collect();
                lw.error(
                    "LS0120",
                    Loc::at(wire),
                    format!("model `{}` has no field `{}`", model.name, wire.value),
                    &format!("use one of: {}", fields.join(", ")),
                );
                None
            }
        }
    };
    let code = field(lw, "code", e.code);
    let message = e.message.map(|m| field(lw, "message", m));
    let request_id = e.request_id.map(|m| field(lw, "request_id", m));
    let category = e.category.map(|m| field(lw, "category", m));
    Some(ir::ErrorEnvelope {
        model: model.name.clone(),
        code: code?,
        message: message.map(|m| m.ok_or(())).transpose().ok()?,
        request_id: request_id.map(|m| m.ok_or(())).transpose().ok()?,
        category: category.map(|m| m.ok_or(())).transpose().ok()?,
    })
}

fn lower_method(lw: &mut Lowerer, method: &Sp<String>) -> Option<ir::Method> {
    Some(match method.value.as_str() {
        "GET" => ir::Method::Get,
        "POST" => ir::Method::Post,
        "PUT" => ir::Method::Put,
        "PATCH" => ir::Method::Patch,
        "DELETE" => ir::Method::Delete,
        other => {
            let upper = other.to_ascii_uppercase();
            let hint = if spec::METHODS.contains(&upper.as_str()) {
                format!("write it in upper case: `{upper}`")
            } else {
                format!("use one of {}", spec::METHODS.join(", "))
            };
            lw.error("LS0202", Loc::at(method), format!("`{other}` is not a supported HTTP method"), &hint);
            return None;
        }
    })
}

fn lower_operations(lw: &mut Lowerer, ops: &Sp<spec::Entries<Sp<spec::OperationSpec>>>) -> Vec<ir::Operation> {
    let mut out = Vec::new();
    let mut seen: BTreeMap<String, u32> = BTreeMap::new();
    let mut endpoints: BTreeMap<String, String> = BTreeMap::new();
    if ops.value.0.is_empty() {
        lw.warning("LS1003", Loc::at(ops), "no operations are declared".to_owned(), "add endpoints under `operations:`");
    }
    for (name, op) in &ops.value.0 {
        let o = &op.value;
        if names::is_keyword(&name.value) {
            lw.error(
                "LS0200",
                Loc::at(name),
                format!("operation name `{}` is a Rust keyword", name.value),
                &format!("a method cannot be called `{}`; rename it, e.g. `get_{}`", name.value, name.value),
            );
        } else if !names::is_value_name(&name.value) {
            let fix = names::value_ident(&name.value).unwrap_or_else(|| "my_operation".into());
            lw.error("LS0200", Loc::at(name), format!("operation name `{}` is not snake_case", name.value), &format!("rename it, e.g. `{}`", fix.trim_end_matches('_')));
        }
        if let Some(line) = seen.get(&name.value) {
            let line = *line;
            lw.error("LS0201", Loc::at(name), format!("operation `{}` is declared twice (first at line {line})", name.value), "rename one");
        }
        seen.insert(name.value.clone(), Loc::at(name).line);
        let method = lower_method(lw, &o.method);
        let params = lower_params(lw, &o.path, &o.params);
        let body_on_get = o.body_on_get.as_ref().is_some_and(|b| b.value);
        if let Some(flag) = o.body_on_get.as_ref().filter(|b| b.value) {
            let needed = o.body.is_some() && matches!(method, Some(ir::Method::Get | ir::Method::Delete));
            if !needed {
                lw.warning(
                    "LS1005",
                    Loc::at(flag),
                    "`body_on_get` has no effect here".to_owned(),
                    "it only allows a `body:` on a GET or DELETE; remove it",
                );
            }
        }
        if let Some(m) = method {
            let endpoint = format!("{} {}", m.as_str(), o.path.value);
            match endpoints.get(&endpoint) {
                Some(other) => lw.warning(
                    "LS1006",
                    Loc::at(&o.path),
                    format!("operations `{other}` and `{}` both call `{endpoint}`", name.value),
                    "remove one; if they differ in parameters only, one operation with optional parameters does both",
                ),
                None => {
                    endpoints.insert(endpoint, name.value.clone());
                }
            }
        }
        let body = match &o.body {
            Some(b) => {
                if !lw.models.contains(&b.value) {
                    let hint = match suggest(&b.value, lw.models.iter().map(String::as_str)) {
                        Some(s) => format!("did you mean `{s}`?"),
                        None => "declare the body under `models:`".to_owned(),
                    };
                    lw.error("LS0300", Loc::at(b), format!("body model `{}` is not declared", b.value), &hint);
                }
                if matches!(method, Some(ir::Method::Get | ir::Method::Delete)) && !body_on_get {
                    lw.error(
                        "LS0205",
                        Loc::at(b),
                        format!("a {} with a body is unusual and many servers drop it", o.method.value),
                        "if the provider really wants one (MX does), add `body_on_get: true`",
                    );
                }
                Some(b.value.clone())
            }
            None => None,
        };
        let (success, response) = lower_responses(lw, name, &o.responses);
        let body_format = match &o.body_format {
            None => ir::BodyFormat::Json,
            Some(f) => match f.value.as_str() {
                "json" => ir::BodyFormat::Json,
                "form" => {
                    if o.body.is_none() {
                        lw.error("LS0210", Loc::at(f), "`body_format: form` without a `body:`".to_owned(), "name the form's model under `body:`, or remove `body_format`");
                    }
                    ir::BodyFormat::Form
                }
                other => {
                    lw.error("LS0210", Loc::at(f), format!("unknown body format `{other}`"), "use `json` (the default) or `form` (`application/x-www-form-urlencoded`)");
                    ir::BodyFormat::Json
                }
            },
        };
        if let Some(mt) = &o.media_type {
            check_media_type(lw, mt);
        }
        let method = method.unwrap_or(ir::Method::Get);
        out.push(ir::Operation {
            name: name.value.clone(),
            request_type: names::request_type(&name.value),
            doc: o.doc.clone(),
            method,
            path: o.path.value.clone(),
            params,
            body,
            success,
            response,
            errors: None,
            paging: None,
            host: o.host.as_ref().map(|h| h.value.clone()),
            body_format,
            media_type: o.media_type.as_ref().map(|m| m.value.clone()),
            idempotent: o.idempotent.unwrap_or(matches!(method, ir::Method::Get | ir::Method::Put | ir::Method::Delete)),
            authenticated: true,
        });
    }
    out
}

fn lower_params(lw: &mut Lowerer, path: &Sp<String>, params: &spec::Entries<Sp<spec::ParamSpec>>) -> Vec<ir::Param> {
    let mut in_path = Vec::new();
    if !path.value.starts_with('/') {
        lw.error("LS0209", Loc::at(path), format!("path `{}` must start with `/`", path.value), "write it below the base URL, e.g. `/users/{id}/links`");
    }
    if path.value.contains(['?', '#']) {
        lw.error("LS0209", Loc::at(path), "a path template cannot hold `?` or `#`".to_owned(), "declare query parameters under `params:` with `in: query`");
    }
    for p in placeholders(&path.value) {
        match p {
            Ok(name) if !name.is_empty() => in_path.push(name),
            _ => lw.error("LS0209", Loc::at(path), "malformed `{...}` in path".to_owned(), "write path parameters as `{name}`"),
        }
    }
    let mut out = Vec::new();
    let mut seen_rust: BTreeMap<String, String> = BTreeMap::new();
    for (wire, p) in &params.0 {
        let pv = &p.value;
        let location = match pv.location.value.as_str() {
            "path" => ir::ParamLocation::Path,
            "query" => ir::ParamLocation::Query,
            "header" => ir::ParamLocation::Header,
            other => {
                lw.error("LS0204", Loc::at(&pv.location), format!("`{other}` is not a parameter location"), "use `path`, `query` or `header`");
                continue;
            }
        };
        if location == ir::ParamLocation::Path && !in_path.contains(&wire.value) {
            lw.error(
                "LS0203",
                Loc::at(wire),
                format!("path parameter `{}` does not appear in `{}`", wire.value, path.value),
                &format!("add `{{{}}}` to the path, or make it `in: query`", wire.value),
            );
        }
        let required = match (&pv.required, location) {
            (Some(r), ir::ParamLocation::Path) if !r.value => {
                lw.error("LS0204", Loc::at(r), "path parameters are always required".to_owned(), "remove `required: false`");
                true
            }
            (_, ir::ParamLocation::Path) => true,
            (Some(r), _) => r.value,
            (None, _) => false,
        };
        let rust = match &pv.rust {
            Some(r) if names::is_value_name(&r.value) => Some(r.value.clone()),
            Some(r) => {
                lw.error("LS0303", Loc::at(r), format!("`{}` {} Rust name", r.value, not_value_name(&r.value)), &rust_help(&r.value, "env_id"));
                continue;
            }
            None => names::value_ident(&wire.value),
        };
        let Some(rust) = rust else {
            lw.error("LS0303", Loc::at(wire), format!("parameter `{}` cannot become a Rust name", wire.value), "add `rust: <name>`");
            continue;
        };
        if rust == "body" {
            lw.error("LS0304", Loc::at(wire), "parameter name `body` is taken by the request body".to_owned(), "add `rust: <other_name>`");
            continue;
        }
        if let Some(other) = seen_rust.insert(rust.clone(), wire.value.clone()) {
            lw.error("LS0304", Loc::at(wire), format!("parameters `{other}` and `{}` both become `{rust}` in Rust", wire.value), "add `rust: <other_name>` to one of them");
            continue;
        }
        let Some(ty) = parse_type(lw, &pv.ty, None) else { continue };
        if !matches!(
            ty,
            ir::TypeRef::String | ir::TypeRef::Integer | ir::TypeRef::Number | ir::TypeRef::Boolean | ir::TypeRef::Date | ir::TypeRef::DateTime(_) | ir::TypeRef::Enum(_)
        ) {
            lw.error("LS0204", Loc::at(&pv.ty), format!("parameter type `{}` is not a scalar or enum", pv.ty.value), "parameters take string, integer, number, boolean, date, datetime or an enum");
            continue;
        }
        out.push(ir::Param { wire: wire.value.clone(), rust, location, ty, required, doc: pv.doc.clone(), sensitive: pv.sensitive });
    }
    for name in in_path {
        if !params.0.iter().any(|(w, p)| w.value == name && p.value.location.value == "path") {
            lw.error(
                "LS0203",
                Loc::at(path),
                format!("path parameter `{{{name}}}` is not declared"),
                &format!("add `{name}: {{ in: path, type: string }}` under `params:`"),
            );
        }
    }
    out
}

fn lower_responses(lw: &mut Lowerer, op: &Sp<String>, responses: &spec::Entries<Sp<String>>) -> (Vec<u16>, Option<ir::TypeRef>) {
    let mut success = Vec::new();
    let mut types: Vec<(Loc, Option<ir::TypeRef>)> = Vec::new();
    for (status, ty) in &responses.0 {
        let code = match status.value.parse::<u16>() {
            Ok(c) if (100..=599).contains(&c) => c,
            _ => {
                lw.error("LS0206", Loc::at(status), format!("`{}` is not an HTTP status code", status.value), "use a number from 100 to 599, e.g. `200`");
                continue;
            }
        };
        if !(200..=299).contains(&code) {
            lw.error(
                "LS0206",
                Loc::at(status),
                format!("`{code}` is not a success status"),
                "list only 2xx statuses under `responses:`; error statuses decode into the `errors:` model",
            );
            continue;
        }
        success.push(code);
        let parsed = if ty.value.trim() == "empty" { None } else { parse_type(lw, ty, None) };
        if ty.value.trim() != "empty" && parsed.is_none() {
            continue;
        }
        types.push((Loc::at(ty), parsed));
    }
    if responses.0.is_empty() {
        lw.error(
            "LS0207",
            Loc::at(op),
            format!("operation `{}` has no success response", op.value),
            "add `responses: {200: ModelName}` (or `204: empty`)",
        );
    }
    if let Some((_, first)) = types.first() {
        for (loc, t) in &types[1..] {
            if t != first {
                lw.error("LS0208", *loc, "success responses answer with different types".to_owned(), "all success statuses of one operation must share one model (or all be `empty`)");
            }
        }
    }
    success.sort_unstable();
    (success, types.into_iter().next().and_then(|(_, t)| t))
}

fn check_global_names(
    lw: &mut Lowerer,
    operations: &[ir::Operation],
    models: &[ir::Model],
    enums: &[ir::Enum],
    variables: &[ir::Variable],
    spec: &spec::Spec,
) {
    let mut taken: BTreeMap<String, String> = BTreeMap::new();
    for m in models {
        taken.insert(m.name.clone(), format!("model `{}`", m.name));
    }
    for e in enums {
        taken.insert(e.name.clone(), format!("enum `{}`", e.name));
    }
    let locate = |name: &str| {
        spec.models.0.iter().chain(std::iter::empty()).find(|(k, _)| k.value == name).map(|(k, _)| Loc::at(k))
            .or_else(|| spec.enums.0.iter().find(|(k, _)| k.value == name).map(|(k, _)| Loc::at(k)))
            .unwrap_or_default()
    };
    for &reserved in names::RESERVED_TYPES {
        if let Some(what) = taken.get(reserved) {
            lw.error(
                "LS0304",
                locate(reserved),
                format!("{what} collides with the generated `{reserved}` type"),
                "rename it, e.g. with the provider's name as a prefix",
            );
        }
    }
    for (op, (name, _)) in operations.iter().zip(&spec.operations.value.0) {
        if let Some(what) = taken.get(&op.request_type) {
            lw.error(
                "LS0304",
                Loc::at(name),
                format!("operation `{}` needs the type name `{}`, taken by {what}", op.name, op.request_type),
                "rename the model (e.g. `...Body`) or the operation",
            );
        }
    }
    for v in variables {
        let loc = spec.servers.variables.0.iter().find(|(k, _)| k.value == v.wire).map(|(k, _)| Loc::at(k)).unwrap_or_default();
        if names::RESERVED_TYPES.contains(&v.type_name.as_str()) {
            lw.error(
                "LS0304",
                loc,
                format!("server variable `{}` needs the type name `{}`, which every client module defines", v.wire, v.type_name),
                "rename the variable here and in the URLs; the name is the spec's own",
            );
        } else if let Some(what) = taken.get(&v.type_name) {
            lw.error("LS0304", loc, format!("server variable `{}` needs the type name `{}`, taken by {what}", v.wire, v.type_name), "rename the variable here and in the URLs; the name is the spec's own");
        }
        taken.insert(v.type_name.clone(), format!("server variable `{}`", v.wire));
    }
}

/// Builder methods, client methods and module statics: every name a spec adds to the generated
/// client must be free.
fn check_client_names(
    lw: &mut Lowerer,
    spec: &spec::Spec,
    variables: &[ir::Variable],
    headers: &[ir::DefaultHeader],
    auth: Option<&ir::Auth>,
    operations: &[ir::Operation],
) {
    let mut builder: BTreeMap<String, String> =
        names::BUILDER_METHODS.iter().map(|m| ((*m).to_owned(), format!("the builder's own `{m}`"))).collect();
    let mut claim = |lw: &mut Lowerer, method: &str, what: String, loc: Loc, help: &str| {
        match builder.get(method) {
            Some(other) => lw.error(
                "LS0304",
                loc,
                format!("{what} needs the builder method `{method}`, already taken by {other}"),
                help,
            ),
            None => {
                builder.insert(method.to_owned(), what);
            }
        }
    };
    let a = &spec.auth.value;
    let auth_loc = a.setter.as_ref().map(Loc::at).unwrap_or_else(|| Loc::at(&a.scheme));
    match auth {
        Some(ir::Auth::Bearer { setter } | ir::Auth::Header { setter, .. }) => {
            claim(lw, setter, "the credential setter".to_owned(), auth_loc, "set `auth.setter:` to another name");
        }
        Some(ir::Auth::KeyPair { .. }) => {
            for m in ["client_id", "secret", "credentials_in"] {
                claim(lw, m, "the key pair setters".to_owned(), auth_loc, "rename the colliding header or server variable");
            }
        }
        None => {}
    }
    for v in variables {
        let loc = spec.servers.variables.0.iter().find(|(k, _)| k.value == v.wire).map(|(k, _)| Loc::at(k)).unwrap_or_default();
        claim(lw, &v.setter, format!("server variable `{}`", v.wire), loc, "rename the variable here and in the URLs; the name is the spec's own");
    }
    for h in headers {
        let loc = spec.headers.0.iter().find(|(k, _)| k.value == h.wire).map(|(k, _)| Loc::at(k)).unwrap_or_default();
        claim(lw, &h.setter, format!("header `{}`", h.wire), loc, "add `setter: <other_name>` to the header");
    }
    for (name, _) in &spec.auth.value.inputs.0 {
        claim(lw, &name.value, format!("input `{}`", name.value), Loc::at(name), "rename the input; steps refer to it by this name");
    }
    for (name, _) in &spec.servers.hosts.0 {
        claim(lw, &format!("{}_url", name.value), format!("host `{}`", name.value), Loc::at(name), "rename the host");
    }
    let mut requests: BTreeMap<&str, &str> = BTreeMap::new();
    for (op, (name, _)) in operations.iter().zip(&spec.operations.value.0) {
        if names::CLIENT_METHODS.contains(&op.name.as_str()) {
            lw.error("LS0304", Loc::at(name), format!("operation `{}` collides with the generated `Client::{}`", op.name, op.name), "rename the operation");
        }
        let upper = op.name.to_uppercase();
        if names::RESERVED_STATICS.contains(&upper.as_str()) {
            lw.error(
                "LS0304",
                Loc::at(name),
                format!("operation `{}` needs the static `{upper}`, which every client module already has", op.name),
                "rename the operation",
            );
        }
        match requests.get(op.request_type.as_str()) {
            Some(other) if *other != op.name => lw.error(
                "LS0304",
                Loc::at(name),
                format!("operations `{other}` and `{}` both need the request type `{}`", op.name, op.request_type),
                "rename one of them; `a1` and `a_1` differ only in an underscore",
            ),
            _ => {
                requests.insert(&op.request_type, &op.name);
            }
        }
    }
}

/// A model that contains itself through fields that are neither optional, nullable, lists nor
/// maps has no finite value: no response could ever decode into it.
fn check_required_cycles(lw: &mut Lowerer, spec: &spec::Spec, models: &[ir::Model]) {
    let required = |m: &ir::Model| -> Vec<(String, String)> {
        m.fields
            .iter()
            .filter(|f| !f.optional && !f.nullable)
            .filter_map(|f| match &f.ty {
                ir::TypeRef::Model(t) => Some((f.wire.clone(), t.clone())),
                _ => None,
            })
            .collect()
    };
    let edges: BTreeMap<&str, Vec<(String, String)>> = models.iter().map(|m| (m.name.as_str(), required(m))).collect();
    let mut reported: BTreeSet<String> = BTreeSet::new();
    for model in models {
        if reported.contains(&model.name) {
            continue;
        }
        // Depth-first search for a path of required fields back to `model`.
        let mut stack: Vec<(String, Vec<String>)> = vec![(model.name.clone(), Vec::new())];
        let mut seen = BTreeSet::new();
        let mut cycle = None;
        while let Some((at, path)) = stack.pop() {
            for (field, target) in edges.get(at.as_str()).into_iter().flatten() {
                let mut next = path.clone();
                next.push(format!("{at}.{field}"));
                if *target == model.name {
                    cycle = Some(next);
                    break;
                }
                if seen.insert(target.clone()) {
                    stack.push((target.clone(), next));
                }
            }
            if cycle.is_some() {
                break;
            }
        }
        if let Some(path) = cycle {
            reported.extend(path.iter().filter_map(|step| step.split('.').next()).map(str::to_owned));
            let loc = spec.models.0.iter().find(|(k, _)| k.value == model.name).map(|(k, _)| Loc::at(k)).unwrap_or_default();
            lw.error(
                "LS0306",
                loc,
                format!("model `{}` contains itself through required fields ({}), so no finite value exists", model.name, path.join(" -> ")),
                "mark one field on the cycle `optional: true` or `nullable: true` (recursion through those is boxed for you)",
            );
        }
    }
}

/// Models and enums that no operation, error body or other used type refers to.
fn warn_unused_types(
    lw: &mut Lowerer,
    spec: &spec::Spec,
    models: &[ir::Model],
    enums: &[ir::Enum],
    operations: &[ir::Operation],
    errors: Option<&ir::ErrorEnvelope>,
) {
    fn named(ty: &ir::TypeRef) -> Option<&str> {
        match ty {
            ir::TypeRef::Model(n) | ir::TypeRef::Enum(n) => Some(n),
            ir::TypeRef::List(inner) | ir::TypeRef::Map(inner) => named(inner),
            _ => None,
        }
    }
    let mut stack: Vec<String> = Vec::new();
    for op in operations {
        stack.extend(op.body.clone());
        stack.extend(op.response.as_ref().and_then(named).map(str::to_owned));
        stack.extend(op.params.iter().filter_map(|p| named(&p.ty)).map(str::to_owned));
        stack.extend(op.errors.as_ref().map(|e| e.model.clone()));
    }
    stack.extend(errors.map(|e| e.model.clone()));
    stack.push(spec.errors.value.model.value.clone());
    let mut used = BTreeSet::new();
    while let Some(name) = stack.pop() {
        if !used.insert(name.clone()) {
            continue;
        }
        if let Some(m) = models.iter().find(|m| m.name == name) {
            stack.extend(m.fields.iter().filter_map(|f| named(&f.ty)).map(str::to_owned));
        }
    }
    let declared = spec.models.0.iter().map(|(k, _)| (k, "model")).chain(spec.enums.0.iter().map(|(k, _)| (k, "enum")));
    for (name, kind) in declared {
        let known = models.iter().any(|m| m.name == name.value) || enums.iter().any(|e| e.name == name.value);
        if known && !used.contains(&name.value) {
            lw.warning(
                "LS1004",
                Loc::at(name),
                format!("{kind} `{}` is not used by any operation", name.value),
                "remove it, or use it in a body, a response, a parameter or a field of a used model",
            );
        }
    }
}

/// Other hosts: each environment named must be declared, and each URL is checked like a base URL.
fn lower_hosts(lw: &mut Lowerer, servers: &spec::Servers, environments: &[ir::Environment], variables: &[ir::Variable]) -> Vec<ir::Host> {
    let mut out = Vec::new();
    for (name, urls) in &servers.hosts.0 {
        if !names::is_value_name(&name.value) {
            let fix = names::value_ident(&name.value).unwrap_or_else(|| "auth".into());
            lw.error(
                "LS0106",
                Loc::at(name),
                format!("host name `{}` {} name", name.value, not_value_name(&name.value)),
                &format!("rename it, e.g. `{fix}` (and each `host:` naming it); the builder gets `{fix}_url`"),
            );
            continue;
        }
        let mut list = Vec::new();
        for (env, url) in &urls.value.0 {
            if !environments.iter().any(|e| e.wire == env.value) {
                let known: Vec<&str> = environments.iter().map(|e| e.wire.as_str()).collect();
                let help = match suggest(&env.value, known.iter().copied()) {
                    Some(s) => format!("did you mean `{s}`? Keys under a host are environments of `servers.environments`"),
                    None => format!("keys under a host are environments: use one of {}", known.join(", ")),
                };
                lw.error(
                    "LS0106",
                    Loc::at(env),
                    format!("host `{}` names environment `{}`, which is not declared", name.value, env.value),
                    &help,
                );
                continue;
            }
            check_url_template(lw, url, variables);
            list.push((env.value.clone(), url.value.clone()));
        }
        for env in environments.iter().filter(|e| !list.iter().any(|(w, _)| *w == e.wire)) {
            lw.warning(
                "LS1010",
                Loc::at(name),
                format!("host `{}` has no URL for environment `{}`", name.value, env.wire),
                &format!("add `{}: https://...` under it; until then its operations fail in that environment unless the client sets `{}_url`", env.wire, name.value),
            );
        }
        out.push(ir::Host { name: name.value.clone(), urls: list });
    }
    out
}

fn check_operation_hosts(lw: &mut Lowerer, spec: &spec::Spec, hosts: &[ir::Host]) {
    for (_, op) in &spec.operations.value.0 {
        if let Some(host) = &op.value.host
            && !hosts.iter().any(|h| h.name == host.value)
        {
            let known: Vec<&str> = hosts.iter().map(|h| h.name.as_str()).collect();
            let help = match suggest(&host.value, known.iter().copied()) {
                Some(s) => format!("did you mean `{s}`?"),
                None if known.is_empty() => "declare it under `servers.hosts` with a URL per environment".to_owned(),
                None => format!("use one of: {}, or declare it under `servers.hosts`", known.join(", ")),
            };
            lw.error("LS0210", Loc::at(host), format!("host `{}` is not declared", host.value), &help);
        }
    }
}

/// A form body is flat: each field of its model must be a scalar (or an enum).
fn check_form_bodies(lw: &mut Lowerer, spec: &spec::Spec, operations: &[ir::Operation], models: &[ir::Model]) {
    for (op, (_, op_spec)) in operations.iter().zip(&spec.operations.value.0) {
        if op.body_format != ir::BodyFormat::Form {
            continue;
        }
        let model = op.body.as_ref().and_then(|b| models.iter().find(|m| &m.name == b));
        let (Some(format), Some(model)) = (&op_spec.value.body_format, model) else { continue };
        for f in &model.fields {
            if matches!(f.ty, ir::TypeRef::Json | ir::TypeRef::List(_) | ir::TypeRef::Map(_) | ir::TypeRef::Model(_)) {
                lw.error(
                    "LS0210",
                    Loc::at(format),
                    format!("field `{}.{}` is {}, which a form cannot carry", model.name, f.wire, describe(&f.ty)),
                    "form fields are strings, numbers, booleans, dates or enums: change the field, or send JSON (remove `body_format`)",
                );
            }
        }
    }
}

fn lower_inputs(lw: &mut Lowerer, auth: &Sp<spec::AuthSpec>, lowered: Option<&ir::Auth>) -> Vec<ir::Input> {
    let a = &auth.value;
    if matches!(lowered, Some(ir::Auth::KeyPair { .. })) {
        for (present, key) in [(!a.inputs.0.is_empty(), "inputs"), (a.acquire.is_some(), "acquire")] {
            if present {
                lw.error(
                    "LS0111",
                    Loc::at(&a.scheme),
                    format!("`{key}` does not apply to scheme `key_pair`"),
                    &format!("remove `{key}`: a key pair is sent as given; `inputs` and `acquire` are for the `bearer` and `header` schemes"),
                );
            }
        }
        return Vec::new();
    }
    let mut out = Vec::new();
    for (name, input) in &a.inputs.0 {
        if !names::is_value_name(&name.value) {
            let fix = names::value_ident(&name.value).unwrap_or_else(|| "client_secret".into());
            lw.error(
                "LS0111",
                Loc::at(name),
                format!("input name `{}` {} method name", name.value, not_value_name(&name.value)),
                &format!("rename it, e.g. `{fix}` (and each `input:` naming it); each input is a builder method"),
            );
            continue;
        }
        out.push(ir::Input { name: name.value.clone(), doc: input.value.doc.clone(), secret: input.value.secret.unwrap_or(true) });
    }
    if a.acquire.is_none()
        && let Some((name, _)) = a.inputs.0.first()
    {
        lw.warning("LS1008", Loc::at(name), "inputs are declared but nothing acquires credentials with them".to_owned(), "add `auth.acquire`, or remove `inputs`");
    }
    out
}

/// Acquisition steps: each names an operation and binds every required parameter (and every
/// required body field) of it to a constant, an input, the previous token or HTTP Basic.
fn lower_acquire(
    lw: &mut Lowerer,
    spec: &spec::Spec,
    inputs: &[ir::Input],
    operations: &mut [ir::Operation],
    models: &[ir::Model],
) -> Option<ir::Acquire> {
    let acquire = spec.auth.value.acquire.as_ref()?;
    let a = &acquire.value;
    let before = lw.errors();
    if a.steps.value.is_empty() {
        lw.error(
            "LS0111",
            Loc::at(&a.steps),
            "`acquire` has no steps".to_owned(),
            "list the token request, e.g. `- { operation: create_token, token: /access_token }`, or remove `acquire` if users pass a token themselves",
        );
    }
    let declared: Vec<&str> = spec.auth.value.inputs.0.iter().map(|(k, _)| k.value.as_str()).collect();
    let mut steps = Vec::new();
    let mut used_inputs = BTreeSet::new();
    // The operation and answer type of the last step, for `expires_in`.
    let mut last: Option<(String, Option<ir::TypeRef>)> = None;
    for (i, step) in a.steps.value.iter().enumerate() {
        let st = &step.value;
        let Some(op) = operations.iter_mut().find(|o| o.name == st.operation.value) else {
            let names: Vec<&str> = operations.iter().map(|o| o.name.as_str()).collect();
            let hint = match suggest(&st.operation.value, names.iter().copied()) {
                Some(s) => format!("did you mean `{s}`?"),
                None => "declare the token endpoint under `operations:` and name it here".to_owned(),
            };
            lw.error("LS0112", Loc::at(&st.operation), format!("operation `{}` is not declared", st.operation.value), &hint);
            last = None;
            continue;
        };
        op.authenticated = false;
        let body_model = op.body.as_ref().and_then(|b| models.iter().find(|m| &m.name == b));
        let mut known: Vec<&str> = op.params.iter().map(|p| p.wire.as_str()).collect();
        known.extend(body_model.iter().flat_map(|m| m.fields.iter().map(|f| f.wire.as_str())));
        let scope = Scope { inputs, declared: &declared, first: i == 0 };
        let mut bind = Vec::new();
        for (key, source) in &st.bind.0 {
            let place = if let Some(p) = op.params.iter().find(|p| p.wire == key.value) {
                match p.location {
                    ir::ParamLocation::Path => ir::Place::Path(p.wire.clone()),
                    ir::ParamLocation::Query => ir::Place::Query(p.wire.clone()),
                    ir::ParamLocation::Header => ir::Place::Header(p.wire.clone()),
                }
            } else if known.contains(&key.value.as_str()) {
                ir::Place::Body(key.value.clone())
            } else {
                let help = match suggest(&key.value, known.iter().copied()) {
                    Some(s) => format!("did you mean `{s}`?"),
                    None if known.is_empty() => format!("`{}` has no parameters and no body: remove the binding", op.name),
                    None => format!("bind one of: {}", known.join(", ")),
                };
                lw.error("LS0112", Loc::at(key), format!("operation `{}` has no parameter or body field `{}`", op.name, key.value), &help);
                continue;
            };
            let Some(source) = lower_source(lw, key, source, &scope, &mut used_inputs) else { continue };
            bind.push((place, source));
        }
        let bound = |wire: &str| st.bind.0.iter().any(|(k, _)| k.value == wire);
        let bind_help = |wire: &str, rust: &str| match inputs.iter().find(|i| i.name == wire || i.name == rust) {
            Some(input) => format!("add `{wire}: {{ input: {} }}` under `bind:`", input.name),
            None => format!("add `{wire}: {{ input: <name> }}` or `{wire}: {{ value: <text> }}` under `bind:`"),
        };
        for p in op.params.iter().filter(|p| p.required && !bound(&p.wire)) {
            lw.error(
                "LS0112",
                Loc::at(&st.operation),
                format!("step `{}` leaves the required parameter `{}` unbound", op.name, p.wire),
                &bind_help(&p.wire, &p.rust),
            );
        }
        for f in body_model.iter().flat_map(|m| &m.fields).filter(|f| !f.optional && !bound(&f.wire)) {
            lw.error(
                "LS0112",
                Loc::at(&st.operation),
                format!("step `{}` leaves the required body field `{}` unbound", op.name, f.wire),
                &bind_help(&f.wire, &f.rust),
            );
        }
        check_answer_pointer(lw, models, Some((&op.name, op.response.as_ref())), &st.token, Want::TOKEN);
        last = Some((op.name.clone(), op.response.clone()));
        steps.push(ir::AcquireStep { operation: op.name.clone(), bind, token: st.token.value.clone() });
    }
    let lifetime = match (&a.expires_in, &a.lifetime) {
        (Some(_), Some(l)) => {
            lw.error(
                "LS0111",
                Loc::at(l),
                "`expires_in` and `lifetime` both say how long the credential lives".to_owned(),
                "keep `expires_in` when the answer says how long the credential lives, `lifetime` when it does not",
            );
            None
        }
        (None, Some(l)) => Some(ir::Lifetime::Fixed { seconds: l.value.seconds, sliding: l.value.sliding }),
        (Some(p), None) => {
            let answer = last.as_ref().map(|(name, response)| (name.as_str(), response.as_ref()));
            check_answer_pointer(lw, models, answer, p, Want::LIFETIME);
            Some(ir::Lifetime::FromAnswer { pointer: p.value.clone(), default_seconds: 3600 })
        }
        (None, None) => Some(ir::Lifetime::FromAnswer { pointer: "/expires_in".into(), default_seconds: 3600 }),
    };
    let margin = a.margin_seconds.as_ref().map_or(60, |m| m.value);
    if let Some(m) = a.margin_seconds.as_ref().filter(|m| m.value > 86_400) {
        lw.error(
            "LS0111",
            Loc::at(m),
            format!("a renewal margin of {} s is longer than a day", m.value),
            "renew a minute or so ahead (the default is 60): a margin longer than a token's life fetches a new token for every call",
        );
    }
    if let (Some(l), Some(ir::Lifetime::Fixed { seconds, .. })) = (&a.lifetime, &lifetime)
        && margin >= *seconds
    {
        let (loc, help) = match &a.margin_seconds {
            Some(m) => (Loc::at(m), "make `margin_seconds` smaller than `lifetime.seconds`"),
            None => (Loc::at(l), "the renewal margin defaults to 60 seconds: set `margin_seconds` below `lifetime.seconds`"),
        };
        lw.error(
            "LS0111",
            loc,
            format!("a credential that lives {seconds} s and is renewed {margin} s before it expires would be acquired anew for every call"),
            help,
        );
    }
    // Like unused types, unused inputs next to errors are mostly echoes of a bad binding.
    if lw.errors() == before {
        for (name, _) in &spec.auth.value.inputs.0 {
            if inputs.iter().any(|i| i.name == name.value) && !used_inputs.contains(&name.value) {
                lw.warning("LS1008", Loc::at(name), format!("input `{}` is not used by any step", name.value), "bind it in a step, or remove it");
            }
        }
    }
    Some(ir::Acquire { steps, lifetime: lifetime?, margin_seconds: margin })
}

/// What an answer pointer must lead to.
struct Want {
    code: &'static str,
    /// What is read, for messages.
    what: &'static str,
    /// The type it must have, for messages.
    kind: &'static str,
    fits: fn(&ir::TypeRef) -> bool,
    example: &'static str,
}

impl Want {
    const TOKEN: Want =
        Want { code: "LS0112", what: "the token", kind: "a string", fits: |t| matches!(t, ir::TypeRef::String), example: "/access_token" };
    const LIFETIME: Want = Want {
        code: "LS0111",
        what: "the lifetime in seconds",
        kind: "an integer",
        fits: |t| matches!(t, ir::TypeRef::Integer),
        example: "/expires_in",
    };
}

/// Checks a JSON pointer into the answer of an operation (`answer`: its name and type, when the
/// step's operation is known): it starts at the root and, as far as the answer's type tells,
/// leads to a value of the wanted type. Pointers into `json` values are taken on trust.
fn check_answer_pointer(lw: &mut Lowerer, models: &[ir::Model], answer: Option<(&str, Option<&ir::TypeRef>)>, pointer: &Sp<String>, want: Want) {
    let text = &pointer.value;
    if !text.starts_with('/') {
        let help = if text.is_empty() {
            format!("write a pointer from the answer's root, e.g. `{}`", want.example)
        } else {
            format!("write `/{text}`: a JSON pointer starts with `/` at the answer's root")
        };
        lw.error(want.code, Loc::at(pointer), format!("`{text}` is not a JSON pointer"), &help);
        return;
    }
    let Some((op, answer)) = answer else { return };
    let Some(answer) = answer else {
        lw.error(
            want.code,
            Loc::at(pointer),
            format!("`{op}` answers with no body, so {} cannot be read from it", want.what),
            "name the answer's model under the operation's `responses:`",
        );
        return;
    };
    match follow_pointer(models, answer, text) {
        Ok(ty) if ty == ir::TypeRef::Json || (want.fits)(&ty) => {}
        Ok(ty) => lw.error(
            want.code,
            Loc::at(pointer),
            format!("`{text}` in the answer of `{op}` is {}, but {} must be {}", describe(&ty), want.what, want.kind),
            &format!("point at {} field of the answer", want.kind),
        ),
        Err((why, help)) => lw.error(want.code, Loc::at(pointer), format!("the answer of `{op}` has no `{text}`: {why}"), &help),
    }
}

/// The type a JSON pointer leads to inside a value of type `ty`, or why it leads nowhere
/// (message, help).
fn follow_pointer(models: &[ir::Model], ty: &ir::TypeRef, pointer: &str) -> Result<ir::TypeRef, (String, String)> {
    let mut ty = ty.clone();
    let mut at = String::new();
    for raw in pointer.split('/').skip(1) {
        let key = raw.replace("~1", "/").replace("~0", "~");
        let next = match &ty {
            ir::TypeRef::Json => return Ok(ir::TypeRef::Json),
            ir::TypeRef::Map(inner) => (**inner).clone(),
            ir::TypeRef::List(inner) if key.parse::<usize>().is_ok() => (**inner).clone(),
            ir::TypeRef::Model(name) => {
                // An undeclared model is reported where it is named.
                let Some(model) = models.iter().find(|m| &m.name == name) else { return Ok(ir::TypeRef::Json) };
                match model.fields.iter().find(|f| f.wire == key) {
                    Some(f) => f.ty.clone(),
                    None => {
                        let fields: Vec<&str> = model.fields.iter().map(|f| f.wire.as_str()).collect();
                        let help = match suggest(&key, fields.iter().copied()) {
                            Some(s) => format!("did you mean `{at}/{s}`?"),
                            None => format!("the fields of `{name}` are: {}", fields.join(", ")),
                        };
                        return Err((format!("model `{name}` has no field `{key}`"), help));
                    }
                }
            }
            other => {
                let here = if at.is_empty() { "the answer".to_owned() } else { format!("`{at}`") };
                return Err((format!("{here} is {}, which has no `{key}`", describe(other)), "point into an object of the answer".to_owned()));
            }
        };
        at.push('/');
        at.push_str(raw);
        ty = next;
    }
    Ok(ty)
}

/// A type, to finish a sentence ("... is a string").
fn describe(ty: &ir::TypeRef) -> String {
    match ty {
        ir::TypeRef::String => "a string".into(),
        ir::TypeRef::Integer => "an integer".into(),
        ir::TypeRef::Number => "a number".into(),
        ir::TypeRef::Boolean => "a boolean".into(),
        ir::TypeRef::Date => "a date".into(),
        ir::TypeRef::DateTime(_) => "a datetime".into(),
        ir::TypeRef::Json => "any JSON".into(),
        ir::TypeRef::List(_) => "a list".into(),
        ir::TypeRef::Map(_) => "a map".into(),
        ir::TypeRef::Model(name) => format!("the model `{name}`"),
        ir::TypeRef::Enum(name) => format!("the enum `{name}`"),
    }
}

/// What a binding may refer to.
struct Scope<'a> {
    /// Inputs that lowered.
    inputs: &'a [ir::Input],
    /// Every input name the spec declares; a bad one is reported once, where it is declared.
    declared: &'a [&'a str],
    /// The binding is in the first step, which has no previous token.
    first: bool,
}

/// Where one bound value comes from: exactly one source, naming declared inputs.
fn lower_source(
    lw: &mut Lowerer,
    key: &Sp<String>,
    source: &Sp<spec::BindSpec>,
    scope: &Scope,
    used: &mut BTreeSet<String>,
) -> Option<ir::Source> {
    let b = &source.value;
    let given: Vec<&str> = [
        ("value", b.value.is_some()),
        ("json", b.json.is_some()),
        ("input", b.input.is_some()),
        ("previous", b.previous.is_some()),
        ("basic", b.basic.is_some()),
    ]
    .into_iter()
    .filter_map(|(k, present)| present.then_some(k))
    .collect();
    match given.as_slice() {
        [_] => {}
        [] => {
            lw.error(
                "LS0112",
                Loc::at(source),
                format!("`{}` has no source", key.value),
                "give one of `value: text`, `json: {...}`, `input: name`, `previous: true`, `basic: [user_input, password_input]`",
            );
            return None;
        }
        several => {
            let keys: Vec<String> = several.iter().map(|k| format!("`{k}`")).collect();
            lw.error(
                "LS0112",
                Loc::at(source),
                format!("`{}` has {} sources ({}); a binding takes one", key.value, several.len(), keys.join(", ")),
                "keep the one that gives the value",
            );
            return None;
        }
    }
    let mut input = |lw: &mut Lowerer, name: &Sp<String>| {
        if scope.inputs.iter().any(|i| i.name == name.value) {
            used.insert(name.value.clone());
            Some(name.value.clone())
        } else if scope.declared.contains(&name.value.as_str()) {
            None
        } else {
            let hint = match suggest(&name.value, scope.inputs.iter().map(|i| i.name.as_str())) {
                Some(s) => format!("did you mean `{s}`?"),
                None => format!("declare it under `auth.inputs`, e.g. `{}: {{ doc: ... }}`", name.value),
            };
            lw.error("LS0112", Loc::at(name), format!("input `{}` is not declared", name.value), &hint);
            None
        }
    };
    if let Some(v) = &b.value {
        return Some(ir::Source::Const(v.clone()));
    }
    if let Some(v) = &b.json {
        return Some(ir::Source::Json(v.to_string()));
    }
    if let Some(name) = &b.input {
        return input(lw, name).map(ir::Source::Input);
    }
    if let Some(previous) = b.previous {
        if !previous {
            lw.error("LS0112", Loc::at(source), "`previous: false` binds nothing".to_owned(), "write `previous: true`, or another source");
            return None;
        }
        if scope.first {
            lw.error(
                "LS0112",
                Loc::at(source),
                "the first step has no previous token".to_owned(),
                "bind an input or a constant here; `previous: true` passes one step's token to the next",
            );
            return None;
        }
        return Some(ir::Source::Previous);
    }
    match b.basic.as_deref() {
        Some([user, password]) => {
            let (user, password) = (input(lw, user), input(lw, password));
            Some(ir::Source::Basic(user?, password?))
        }
        other => {
            let list = other.unwrap_or_default();
            lw.error(
                "LS0112",
                list.first().map_or_else(|| Loc::at(source), Loc::at),
                format!("`basic` takes two inputs, the user and the password; {} given", list.len()),
                "write `basic: [client_id, client_secret]` with the names of two inputs",
            );
            None
        }
    }
}

fn lower_rules(lw: &mut Lowerer, errors: &Sp<spec::ErrorsSpec>) -> ir::Rules {
    let e = &errors.value;
    let mut statuses = Vec::new();
    let mut codes = Vec::new();
    match &e.expired {
        Some(x) => {
            for s in &x.value.status {
                if !(400..=599).contains(&s.value) {
                    lw.error("LS0121", Loc::at(s), format!("`{}` is not an error status", s.value), "list error statuses (400 to 599); expired credentials usually answer 401");
                }
                statuses.push(s.value);
            }
            if statuses.is_empty() {
                statuses.push(401);
            }
            codes = x.value.codes.clone();
        }
        None => statuses.push(401),
    }
    let mut request_id_headers = Vec::new();
    for h in &e.request_id_headers {
        if is_header_name(&h.value) {
            request_id_headers.push(h.value.to_ascii_lowercase());
        } else {
            lw.error("LS0105", Loc::at(h), format!("`{}` is not a valid header name", h.value), "use letters, digits and `-`, e.g. `x-request-id`");
        }
    }
    ir::Rules {
        expired_statuses: statuses,
        expired_codes: codes,
        rate_limit_codes: e.rate_limited.clone(),
        not_found_codes: e.not_found.clone(),
        request_id_headers,
    }
}

/// Paging rules: exactly one style, JSON pointers from the answer's root, parameters the
/// operation declares in its query, and an answer to read them from.
fn lower_paging(lw: &mut Lowerer, spec: &spec::Spec, operations: &mut [ir::Operation]) {
    for (op, (_, op_spec)) in operations.iter_mut().zip(&spec.operations.value.0) {
        let Some(paging) = &op_spec.value.paging else { continue };
        let p = &paging.value;
        let given = [p.next_link.is_some(), p.cursor.is_some(), p.page.is_some()].iter().filter(|g| **g).count();
        if given != 1 {
            lw.error(
                "LS0211",
                Loc::at(paging),
                format!("`paging` needs exactly one of `next_link`, `cursor`, `page`; it has {given}"),
                "e.g. `paging: { next_link: /_links/next/href }` or `paging: { cursor: { param: cursor, next: /next_cursor } }`",
            );
            continue;
        }
        let pages = format!("{}_pages", op.name);
        if spec.operations.value.0.iter().any(|(k, _)| k.value == pages) {
            lw.error("LS0304", Loc::at(paging), format!("paging gives `{}` the method `{pages}`, which is also an operation", op.name), "rename that operation");
            continue;
        }
        if op.response.is_none() {
            lw.error("LS0211", Loc::at(paging), format!("operation `{}` answers `empty`, so it has no page to read", op.name), "remove `paging`, or give the operation a response model");
            continue;
        }
        let mut ok = true;
        let mut pointer = |lw: &mut Lowerer, p: &Sp<String>| {
            if !p.value.starts_with('/') {
                ok = false;
                lw.error("LS0211", Loc::at(p), format!("`{}` is not a JSON pointer", p.value), &format!("write it from the answer's root, e.g. `/{}`", p.value.trim_start_matches(['.', '$'])));
            }
            p.value.clone()
        };
        let query_param = |lw: &mut Lowerer, name: &Sp<String>| {
            if !op.params.iter().any(|q| q.wire == name.value && q.location == ir::ParamLocation::Query) {
                lw.error(
                    "LS0211",
                    Loc::at(name),
                    format!("operation `{}` has no query parameter `{}`", op.name, name.value),
                    &format!("declare `{}: {{ in: query, type: string }}` under its `params:`", name.value),
                );
            }
            name.value.clone()
        };
        let lowered = if let Some(link) = &p.next_link {
            ir::Paging::NextLink { pointer: pointer(lw, link) }
        } else if let Some(c) = &p.cursor {
            let param = query_param(lw, &c.value.param);
            let next = pointer(lw, &c.value.next);
            let has_more = c.value.has_more.as_ref().map(|h| pointer(lw, h));
            ir::Paging::Cursor { param, next, has_more }
        } else if let Some(n) = &p.page {
            let param = query_param(lw, &n.value.param);
            ir::Paging::PageNumber { param, total_pages: pointer(lw, &n.value.total_pages) }
        } else {
            continue;
        };
        if ok {
            op.paging = Some(lowered);
        }
    }
}
