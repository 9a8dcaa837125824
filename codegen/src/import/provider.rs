//! The provider file's keys from the document: title, servers, auth and the error envelope.

use super::doc::{self, Doc, get, get_str, items, text};
use super::operation::Converted;
use super::schema::Schemas;
use super::yaml::Y;
use super::{Docs, Findings, Kind as FindingKind, Options};
use crate::names;
use crate::spec::shape::Node;
use std::collections::{BTreeMap, HashSet};

/// What the document says about the provider as a whole.
pub struct Provider {
    title: String,
    docs: String,
    servers: Y,
    variables: Vec<String>,
    auth: Y,
    /// Document scheme name -> spec scheme name, for every held scheme (named form only).
    pub scheme_names: BTreeMap<String, String>,
    /// The document scheme of the default requirement, when held.
    pub default_scheme: Option<String>,
}

impl Provider {
    /// Reads title, servers and security.
    pub fn read(doc: &Doc<'_>, options: &Options, findings: &mut Findings) -> Provider {
        let root = doc.root;
        let info = get(root, "info");
        let title = info.and_then(|i| get_str(i, "title")).map(super::clean_doc).filter(|t| !t.is_empty() && !t.contains('\n')).unwrap_or_else(|| options.provider.clone());
        let version = info.and_then(|i| get_str(i, "version")).unwrap_or("");
        let docs = match &options.docs {
            Docs::Copy => info.and_then(|i| get_str(i, "description")).map(super::clean_doc).filter(|d| !d.is_empty()).unwrap_or_else(|| format!("The {title} API.")),
            Docs::Link { .. } => {
                let api = if title.ends_with("API") { title.clone() } else { format!("{title} API") };
                format!("The {api} (document version `{version}`), imported from `{}` by `cargo xtask import openapi`.", options.source)
            }
        };
        let (servers, variables) = servers(root, findings);
        let mut this = Provider { title, docs, servers, variables, auth: Y::map(), scheme_names: BTreeMap::new(), default_scheme: None };
        this.auth = this.read_auth(doc, findings);
        this
    }

    /// The Rust types server variables become (reserved for schemas).
    pub fn variable_types(&self) -> Vec<String> {
        self.variables.iter().filter_map(|v| names::type_ident(v)).collect()
    }

    fn read_auth(&mut self, doc: &Doc<'_>, findings: &mut Findings) -> Y {
        let root = doc.root;
        let schemes_node = get(root, "components").and_then(|c| get(c, "securitySchemes"));
        let mut held: Vec<(String, String, Y, bool)> = Vec::new(); // (document name, spec name, scheme, carries a token)
        for (key, value) in schemes_node.map(doc::entries).unwrap_or(&[]) {
            let Some(name) = text(key) else { continue };
            let ptr = doc::child("/components/securitySchemes", name);
            let Ok((scheme, _, _)) = doc.deref(value, &ptr) else { continue };
            let kind = get_str(scheme, "type").unwrap_or("");
            let mut y = Y::map();
            let token = match (kind, get_str(scheme, "scheme").map(str::to_ascii_lowercase).as_deref(), get_str(scheme, "in")) {
                ("http", Some("basic"), _) => {
                    y.push("scheme", Y::s("basic"));
                    false
                }
                ("http", Some("bearer"), _) => {
                    y.push("scheme", Y::s("bearer"));
                    true
                }
                ("apiKey", _, Some("header")) => {
                    let Some(header) = get_str(scheme, "name") else { continue };
                    y.push("scheme", Y::s("header"));
                    y.push("header", Y::s(header));
                    if let Some(setter) = names::value_ident(name).filter(|s| s != "token") {
                        y.push("setter", Y::s(setter));
                    }
                    true
                }
                ("oauth2" | "openIdConnect", _, _) => {
                    y.push("scheme", Y::s("bearer"));
                    findings.add(FindingKind::ForMaintainer, &ptr, value, format!("`{kind}` scheme `{name}`: held as a bearer token; describe how to get one with `auth.inputs` and `auth.acquire`"));
                    true
                }
                _ => {
                    findings.add(FindingKind::NotHeld, &ptr, value, format!("security scheme `{name}` (`type: {kind}`): the format has no such scheme"));
                    continue;
                }
            };
            let spec_name = names::value_ident(name).filter(|n| n != "none").unwrap_or_else(|| "scheme".to_owned());
            held.push((name.to_owned(), spec_name, y, token));
        }
        // The default requirement: the first of the document's `security` whose schemes are held.
        let requirement: Vec<String> = get(root, "security")
            .and_then(|s| items(s).first())
            .map(|r| doc::entries(r).iter().filter_map(|(k, _)| text(k).map(str::to_owned)).collect())
            .unwrap_or_default();
        if requirement.len() > 1 {
            findings.add(
                FindingKind::ForMaintainer,
                "/security/0",
                get(root, "security").unwrap_or(root),
                format!("the default security requirement needs {} schemes at once (`{}`): the format holds one; the first is used, curate `auth:` (a `key_pair`, `headers:`)", requirement.len(), requirement.join("`, `")),
            );
        }
        let default = requirement.first().and_then(|r| held.iter().position(|(n, ..)| n == r));
        // At most one scheme carries a token: keep the default's, or the first.
        let token_keep = default.filter(|&i| held[i].3).or_else(|| held.iter().position(|h| h.3));
        let mut kept = Vec::new();
        for (i, h) in held.into_iter().enumerate() {
            if h.3 && Some(i) != token_keep {
                findings.add(FindingKind::NotHeld, &doc::child("/components/securitySchemes", &h.0), schemes_node.unwrap_or(root), format!("security scheme `{}`: a provider has one token scheme; `{}` is not kept", h.0, h.1));
                continue;
            }
            kept.push((i, h));
        }
        let default_index = default.and_then(|d| kept.iter().position(|(i, _)| *i == d)).unwrap_or(0);
        if kept.is_empty() {
            findings.add(FindingKind::ForMaintainer, "/components/securitySchemes", schemes_node.unwrap_or(root), "no security scheme the format holds: `auth:` is a bearer token placeholder; curate it".to_owned());
            let mut y = Y::map();
            y.push("scheme", Y::s("bearer"));
            return y;
        }
        self.default_scheme = Some(kept[default_index].1.0.clone());
        if kept.len() == 1 {
            return kept.remove(0).1.2;
        }
        let mut names_taken = HashSet::new();
        let mut schemes = Y::map();
        for (_, (doc_name, spec_name, y, _)) in &kept {
            let name = if names_taken.contains(spec_name) { super::numbered(spec_name, "_", |c| !names_taken.contains(c)) } else { spec_name.clone() };
            names_taken.insert(name.clone());
            self.scheme_names.insert(doc_name.clone(), name.clone());
            schemes.push(name, y.clone());
        }
        let mut y = Y::map();
        let default_name = self.scheme_names.get(&kept[default_index].1.0).cloned().unwrap_or_default();
        y.push("default", Y::s(default_name));
        y.push("schemes", schemes);
        y
    }

    /// The provider file's mapping (without `models:`; the files stage adds them).
    pub fn entry(&self, provider: &str, errors: &Y, _findings: &mut Findings) -> Y {
        let mut y = Y::map();
        y.push("provider", Y::s(provider));
        y.push("title", Y::s(self.title.clone()));
        y.push("docs", Y::s(self.docs.clone()));
        y.push("servers", self.servers.clone());
        y.push("auth", self.auth.clone());
        y.push("errors", errors.clone());
        y
    }
}

fn servers(root: &Node, findings: &mut Findings) -> (Y, Vec<String>) {
    let mut environments = Y::map();
    let mut variables = Y::map();
    let mut variable_names = Vec::new();
    let mut taken = HashSet::new();
    let mut first = None;
    for (i, server) in get(root, "servers").map(items).unwrap_or(&[]).iter().enumerate() {
        let ptr = format!("/servers/{i}");
        let Some(url) = get_str(server, "url") else { continue };
        if !(url.starts_with("https://") || url.starts_with("http://")) {
            findings.add(FindingKind::NotHeld, &ptr, server, format!("server `{url}` is not an absolute http(s) URL: left out"));
            continue;
        }
        let authority = url.split("://").nth(1).unwrap_or("").split('/').next().unwrap_or("");
        if authority.contains('@') {
            // Never echoed: the part before `@` may be a password.
            findings.add(FindingKind::NotHeld, &ptr, server, "a server URL with a user name or password in it: left out".to_owned());
            continue;
        }
        let host = authority.split(':').next().unwrap_or("");
        if let Some(problem) = server_problem(url, get(server, "variables")) {
            findings.add(FindingKind::NotHeld, &ptr, server, format!("server `{url}`: {problem}; left out"));
            continue;
        }
        let base = get_str(server, "description")
            .and_then(names::value_ident)
            .filter(|n| n.len() <= 24)
            .or_else(|| names::value_ident(host.split('.').next().unwrap_or("")))
            .unwrap_or_else(|| "server".to_owned());
        let name = if taken.contains(&base) { super::numbered(&base, "_", |c| !taken.contains(c)) } else { base.clone() };
        taken.insert(name.clone());
        first.get_or_insert_with(|| name.clone());
        environments.push(name, Y::s(url.trim_end_matches('/')));
        for (key, var) in get(server, "variables").map(doc::entries).unwrap_or(&[]) {
            let Some(var_name) = text(key) else { continue };
            if variable_names.iter().any(|v| v == var_name) {
                continue;
            }
            let var_ptr = doc::child(&format!("{ptr}/variables"), var_name);
            let default = get_str(var, "default").unwrap_or("");
            let mut values: Vec<String> = Vec::new();
            for value in get(var, "enum").map(items).unwrap_or(&[]).iter().filter_map(text) {
                if !variable_value_ok(value) || values.iter().any(|v| v == value || names::type_ident(v) == names::type_ident(value)) {
                    findings.add(FindingKind::NotHeld, &var_ptr, var, format!("server variable value `{value}`: not a host label, or listed twice; left out"));
                } else {
                    values.push(value.to_owned());
                }
            }
            if !values.iter().any(|v| v == default) && !values.is_empty() {
                values.insert(0, default.to_owned());
            }
            if values.is_empty() {
                findings.add(FindingKind::NotHeld, &var_ptr, var, format!("server variable `{var_name}` takes any value: the format lists them; only its default is kept"));
                values.push(default.to_owned());
            }
            let mut v = Y::map();
            v.push("default", Y::s(default));
            v.push("values", Y::Seq(values.into_iter().map(Y::s).collect()));
            variables.push(var_name, v);
            variable_names.push(var_name.to_owned());
        }
    }
    let mut y = Y::map();
    if let Some(first) = first {
        y.push("default", Y::s(first));
    } else {
        findings.add(FindingKind::ForMaintainer, "/servers", root, "no server URL: `servers.environments` holds a placeholder to replace".to_owned());
        y.push("default", Y::s("production"));
        environments.push("production", Y::s("https://api.example.invalid"));
    }
    y.push("environments", environments);
    if !variable_names.is_empty() {
        y.push("variables", variables);
    }
    (y, variable_names)
}

/// True for a server variable value a host can hold (letters, digits, `-` and `.`).
fn variable_value_ok(value: &str) -> bool {
    !value.is_empty() && value.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.') && names::type_ident(value).is_some()
}

/// Why a server URL cannot be an environment, if it cannot: a placeholder without a variable,
/// or a variable whose name or default the format cannot hold.
fn server_problem(url: &str, variables: Option<&Node>) -> Option<String> {
    for placeholder in crate::lower::operations::path_placeholders(url) {
        let Some(var) = variables.and_then(|v| get(v, &placeholder)) else {
            return Some(format!("`{{{placeholder}}}` has no variable"));
        };
        if !names::is_value_name(&placeholder) {
            return Some(format!("variable `{placeholder}` cannot be a name"));
        }
        if !get_str(var, "default").is_some_and(variable_value_ok) {
            return Some(format!("variable `{placeholder}` has no default a host can hold"));
        }
    }
    if url.matches('{').count() != url.matches('}').count() || url.contains("{}") {
        return Some("unbalanced or empty braces".to_owned());
    }
    None
}

/// Field names read as an error's parts, in order of preference.
const CODE_FIELDS: &[&str] = &["error_code", "code", "errorCode", "error"];
const MESSAGE_FIELDS: &[&str] = &["error_message", "message", "errorMessage", "error_description", "detail"];
const REQUEST_ID_FIELDS: &[&str] = &["request_id", "requestId"];

/// The `errors:` mapping: the model most error answers name, and its code, message and request
/// id fields where their names say so. A placeholder model when the document has none.
pub fn errors(schemas: &mut Schemas<'_>, converted: &[Converted], provider: &str, findings: &mut Findings) -> Y {
    // The schema most error answers use, when it is an object (first met wins a tie).
    let mut counts: Vec<(String, usize)> = Vec::new();
    for op in converted {
        for ptr in &op.error_schemas {
            match counts.iter_mut().find(|(p, _)| p == ptr) {
                Some((_, c)) => *c += 1,
                None => counts.push((ptr.clone(), 1)),
            }
        }
    }
    let mut best = None;
    let mut best_count = 0;
    for (ptr, count) in &counts {
        if *count > best_count {
            let doc_ = schemas.doc;
            if let Some(node) = doc_.pointer(ptr) {
                let place = format!("{}Error", names::type_ident(provider).unwrap_or_default());
                let ty = schemas.ty(node, ptr, &place, findings);
                if let Some(i) = ty.named.filter(|i| !schemas.named[*i].is_enum) {
                    best = Some(i);
                    best_count = *count;
                }
            }
        }
    }
    let mut y = Y::map();
    if let Some(index) = best {
        let model = schemas.named[index].name.clone();
        let scalar_fields: Vec<(String, String)> = match schemas.named[index].entry.get("fields") {
            Some(Y::Map(fields)) => fields
                .iter()
                .filter_map(|(wire, f)| match f.get("type") {
                    Some(Y::Str(t)) if t == "string" || t == "integer" || schemas.named.iter().any(|n| n.is_enum && n.name == *t) => Some((wire.clone(), t.clone())),
                    _ => None,
                })
                .collect(),
            _ => Vec::new(),
        };
        let pick = |wanted: &[&str]| wanted.iter().find(|w| scalar_fields.iter().any(|(f, _)| f == *w)).map(|w| w.to_string());
        y.push("model", Y::s(model.clone()));
        let source = schemas.named[index].source.clone();
        let at = schemas.doc.pointer(&source).unwrap_or(schemas.doc.root);
        findings.add(FindingKind::Inferred, &source, at, format!("`{model}` is the error envelope: {best_count} of the operations' error answers name it"));
        match pick(CODE_FIELDS) {
            Some(code) => y.push("code", Y::s(code)),
            None => {
                let first = scalar_fields.first().map(|(f, _)| f.clone()).unwrap_or_else(|| "code".to_owned());
                findings.add(FindingKind::ForMaintainer, &source, at, format!("no field of `{model}` is named like an error code: `errors.code` is `{first}`; correct it"));
                y.push("code", Y::s(first));
            }
        }
        if let Some(message) = pick(MESSAGE_FIELDS) {
            y.push("message", Y::s(message));
        }
        if let Some(request_id) = pick(REQUEST_ID_FIELDS) {
            y.push("request_id", Y::s(request_id));
        }
        return y;
    }
    // No error answer declared: a placeholder the maintainer replaces.
    let base = format!("{}Error", names::type_ident(provider).unwrap_or_default());
    let mut fields = Y::map();
    for (wire, ty) in [("code", "string"), ("message", "string")] {
        let mut f = Y::map();
        f.push("type", Y::s(ty));
        f.push("optional", Y::t());
        f.push("doc", Y::s(format!("The error's {wire}, if the provider sends one (unverified: the document declares no error body).")));
        fields.push(wire, f);
    }
    let mut model = Y::map();
    model.push("doc", Y::s("Placeholder error body: the document declares no error answers. Replace it with the provider's."));
    model.push("fields", fields);
    let name = schemas.push_placeholder(&base, model);
    findings.add(FindingKind::ForMaintainer, "/paths", schemas.doc.root, format!("no operation declares an error answer: `errors:` names a placeholder `{name}` (optional `code` and `message`); describe the provider's error body"));
    y.push("model", Y::s(name));
    y.push("code", Y::s("code"));
    y.push("message", Y::s("message"));
    y
}
