//! Parse and validate: spec text -> `spec::Spec` -> `ir::Provider`, collecting every problem.
//!
//! Lowering never stops at the first error: each check records a diagnostic and carries on
//! with a placeholder, and the IR is only returned when no error was recorded.

use crate::diag::{Diagnostic, Loc};
use crate::ir;
use crate::names;
use crate::spec::{self, Sp};
use std::collections::{BTreeMap, BTreeSet};

/// Reads a spec file. A YAML or shape error is the only problem reported, as the parser
/// cannot go on past it.
pub fn parse(file: &str, text: &str) -> Result<spec::Spec, Diagnostic> {
    serde_saphyr::from_str::<spec::Spec>(text).map_err(|err| parse_diagnostic(file, &err))
}

/// Turns a serde-saphyr error into a coded diagnostic with a hint.
fn parse_diagnostic(file: &str, err: &serde_saphyr::Error) -> Diagnostic {
    let loc = err.location().map(|l| Loc::of(&l)).unwrap_or_default();
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
        ("LS0001", "fix the YAML at this place; specs/README.md shows every construct")
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
            format!("provider name `{module}` is not a snake_case Rust module name"),
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
    let operations = lower_operations(&mut lw, &spec.operations);
    check_global_names(&mut lw, &operations, &models, &enums, &variables, spec);

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
            "write `type/subtype`, e.g. `application/json` or `application/vnd.mx.nexus.v1+json`",
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
        environments.push(ir::Environment { rust, wire: name.value.clone(), url: url.value.clone() });
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
        out.push(ir::DefaultHeader {
            wire: name.value.clone(),
            setter: names::value_ident(&name.value).unwrap_or_default(),
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
            lw.error("LS0110", Loc::at(s), format!("setter `{}` is not a snake_case method name", s.value), "e.g. `session_token`");
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
            Some(ir::Auth::Header { header: header.value.clone(), setter: setter(lw, "api_key")? })
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
            let hint = match suggest(other, ["bearer", "header", "key_pair"].into_iter()) {
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

/// Parses a type expression; scalars, `list<T>`, `map<T>`, or a declared model or enum.
fn parse_type(lw: &mut Lowerer, expr: &Sp<String>, format: Option<ir::TimestampFormat>) -> Option<ir::TypeRef> {
    let text = expr.value.trim();
    parse_type_text(lw, expr, text, format)
}

fn parse_type_text(lw: &mut Lowerer, expr: &Sp<String>, text: &str, format: Option<ir::TimestampFormat>) -> Option<ir::TypeRef> {
    for (prefix, wrap) in [("list<", ir::TypeRef::List as fn(Box<ir::TypeRef>) -> ir::TypeRef), ("map<", ir::TypeRef::Map)] {
        if let Some(inner) = text.strip_prefix(prefix) {
            let Some(inner) = inner.strip_suffix('>') else {
                lw.error("LS0301", Loc::at(expr), format!("`{text}` is missing its closing `>`"), "write e.g. `list<string>`");
                return None;
            };
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
                    lw.error("LS0303", Loc::at(r), format!("`{}` is not a snake_case Rust name", r.value), "e.g. `links`");
                    None
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

fn lower_errors(lw: &mut Lowerer, errors: &Sp<spec::ErrorsSpec>, models: &[ir::Model]) -> Option<ir::ErrorEnvelope> {
    let e = &errors.value;
    let Some(model) = models.iter().find(|m| m.name == e.model.value) else {
        if !lw.models.contains(&e.model.value) {
            let hint = match suggest(&e.model.value, lw.models.iter().map(String::as_str)) {
                Some(s) => format!("did you mean `{s}`?"),
                None => "declare the error body under `models:`".to_owned(),
            };
            lw.error("LS0120", Loc::at(&e.model), format!("error model `{}` is not declared", e.model.value), &hint);
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
    let code = field(lw, "code", &e.code);
    let message = e.message.as_ref().map(|m| field(lw, "message", m));
    let request_id = e.request_id.as_ref().map(|m| field(lw, "request_id", m));
    Some(ir::ErrorEnvelope {
        model: model.name.clone(),
        code: code?,
        message: message.map(|m| m.ok_or(())).transpose().ok()?,
        request_id: request_id.map(|m| m.ok_or(())).transpose().ok()?,
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
            let hint = if ["GET", "POST", "PUT", "PATCH", "DELETE"].contains(&upper.as_str()) {
                format!("write it in upper case: `{upper}`")
            } else {
                "use GET, POST, PUT, PATCH or DELETE".to_owned()
            };
            lw.error("LS0202", Loc::at(method), format!("`{other}` is not a supported HTTP method"), &hint);
            return None;
        }
    })
}

fn lower_operations(lw: &mut Lowerer, ops: &spec::Entries<Sp<spec::OperationSpec>>) -> Vec<ir::Operation> {
    let mut out = Vec::new();
    let mut seen: BTreeMap<String, u32> = BTreeMap::new();
    if ops.0.is_empty() {
        lw.warning("LS1003", Loc::default(), "no operations are declared".to_owned(), "add endpoints under `operations:`");
    }
    for (name, op) in &ops.0 {
        let o = &op.value;
        if !names::is_value_name(&name.value) {
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
        let body = match &o.body {
            Some(b) => {
                if !lw.models.contains(&b.value) {
                    let hint = match suggest(&b.value, lw.models.iter().map(String::as_str)) {
                        Some(s) => format!("did you mean `{s}`?"),
                        None => "declare the body under `models:`".to_owned(),
                    };
                    lw.error("LS0300", Loc::at(b), format!("body model `{}` is not declared", b.value), &hint);
                }
                if matches!(method, Some(ir::Method::Get | ir::Method::Delete)) && !o.body_on_get {
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
        out.push(ir::Operation {
            name: name.value.clone(),
            request_type: names::request_type(&name.value),
            doc: o.doc.clone(),
            method: method.unwrap_or(ir::Method::Get),
            path: o.path.value.clone(),
            params,
            body,
            success,
            response,
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
                lw.error("LS0303", Loc::at(r), format!("`{}` is not a snake_case Rust name", r.value), "e.g. `env_id`");
                None
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
        out.push(ir::Param { wire: wire.value.clone(), rust, location, ty, required, doc: pv.doc.clone() });
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
    const RESERVED: [&str; 5] = ["Client", "ClientBuilder", "Environment", "Error", "ErrorEnvelope"];
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
    for reserved in RESERVED {
        if let Some(what) = taken.get(reserved) {
            lw.error(
                "LS0304",
                locate(reserved),
                format!("{what} collides with the generated `{reserved}` type"),
                "rename it, e.g. with the provider's name as a prefix",
            );
        }
    }
    for (op, (name, _)) in operations.iter().zip(&spec.operations.0) {
        if let Some(what) = taken.get(&op.request_type) {
            lw.error(
                "LS0304",
                Loc::at(name),
                format!("operation `{}` needs the type name `{}`, taken by {what}", op.name, op.request_type),
                "rename the model (e.g. `...Body`) or the operation",
            );
        }
    }
    for (v, (name, _)) in variables.iter().zip(&spec.servers.variables.0) {
        if let Some(what) = taken.get(&v.type_name) {
            lw.error("LS0304", Loc::at(name), format!("server variable `{}` needs the type name `{}`, taken by {what}", v.wire, v.type_name), "rename the model or enum");
        }
    }
}
