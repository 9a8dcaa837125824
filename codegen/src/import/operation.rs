//! OpenAPI operations to linkspec operations: name, parameters, body, answers, auth.

use super::doc::{self, get, get_bool, get_str, items, text};
use super::schema::{Schemas, Ty};
use super::yaml::Y;
use super::{Docs, Findings, Kind as FindingKind, Sensitivity};
use crate::names;
use crate::spec::shape::Node;
use heck::ToUpperCamelCase;
use std::collections::{BTreeMap, HashSet};

/// The methods the format has, as OpenAPI writes them.
pub const METHODS: &[&str] = &["get", "put", "post", "delete", "patch"];

/// An operation found in the document, before conversion.
pub struct Found<'a> {
    /// The spec name.
    pub name: String,
    /// `operationId`, when there is one.
    pub id: Option<String>,
    /// Lower-case method.
    pub method: String,
    /// The path as written.
    pub path: String,
    /// The path item (for its shared parameters).
    pub item: &'a Node,
    /// The operation object.
    pub op: &'a Node,
    /// Its pointer.
    pub ptr: String,
    /// Its first tag.
    pub tag: Option<String>,
}

/// A converted operation.
pub struct Converted {
    /// The spec name.
    pub name: String,
    /// The group (file) it goes in.
    pub group: String,
    /// Its spec entry.
    pub entry: Y,
    /// The named types it uses directly.
    pub uses: Vec<usize>,
    /// Error answers' schemas (their pointers, references followed), for the envelope.
    pub error_schemas: Vec<String>,
}

/// Every operation of the document, named, in document order.
pub fn find<'a>(root: &'a Node, findings: &mut Findings) -> Vec<Found<'a>> {
    let mut found = Vec::new();
    let Some(paths) = get(root, "paths") else { return found };
    let mut taken = HashSet::new();
    for (key, item) in doc::entries(paths) {
        let Some(path) = text(key) else { continue };
        let item_ptr = doc::child("/paths", path);
        for (mkey, op) in doc::entries(item) {
            let Some(method) = text(mkey) else { continue };
            let ptr = doc::child(&item_ptr, method);
            if matches!(method, "head" | "options" | "trace") {
                findings.add(FindingKind::Skipped, &ptr, mkey, format!("`{} {path}`: the format has no {} operations", method.to_uppercase(), method.to_uppercase()));
                continue;
            }
            if !METHODS.contains(&method) {
                continue;
            }
            if let Some(problem) = crate::lower::operations::path_template_problem(path).or_else(|| hostile(path).then(|| "holds a control character".to_owned())) {
                findings.add(FindingKind::Skipped, &ptr, mkey, format!("`{}`: the path {problem}; the operation is left out", method.to_uppercase()));
                continue;
            }
            // An id with a control character (a bidirectional one would reach the docs) is
            // no name: method and path are.
            let id = get_str(op, "operationId").filter(|id| !hostile(id)).map(str::to_owned);
            let base = id
                .as_deref()
                .and_then(names::value_ident)
                .unwrap_or_else(|| names::value_ident(&format!("{method} {path}")).unwrap_or_else(|| method.to_owned()));
            let base = if names::CLIENT_METHODS.contains(&base.as_str()) || names::is_keyword(&base) { format!("{base}_call") } else { base };
            let name = if taken.contains(&base) {
                let chosen = super::numbered(&base, "_", |c| !taken.contains(c));
                findings.add(FindingKind::Renamed, &ptr, mkey, format!("operation `{base}` is taken by another: this one is `{chosen}`"));
                chosen
            } else {
                base
            };
            taken.insert(name.clone());
            let tag = get(op, "tags").and_then(|t| items(t).first()).and_then(text).map(str::to_owned);
            found.push(Found { name, id, method: method.to_owned(), path: path.to_owned(), item, op, ptr, tag });
        }
    }
    // `<name>_pages` is not needed yet (no paging is inferred), so no more names are reserved.
    found
}

/// The group an operation goes in: its tag when the document tags operations in more than one
/// way (`by_tag`), else the first segment of its path.
pub fn group_of(found: &Found<'_>, by_tag: bool) -> String {
    let by_path = || found.path.trim_start_matches('/').split('/').find(|s| !s.is_empty() && !s.starts_with('{')).unwrap_or("root").to_owned();
    let raw = if by_tag { found.tag.clone().unwrap_or_else(by_path) } else { by_path() };
    names::value_ident(&raw).map(|g| g.trim_end_matches('_').to_owned()).filter(|g| !g.is_empty()).unwrap_or_else(|| "root".to_owned())
}

/// Converts one operation. `None` when it cannot be held at all (reported).
pub fn convert<'a>(found: &Found<'a>, schemas: &mut Schemas<'a>, ctx: &Context<'_>, findings: &mut Findings) -> Option<Converted> {
    let doc_ = schemas.doc;
    let op = found.op;
    let method = found.method.to_uppercase();
    let camel = found.name.to_upper_camel_case();
    let mut entry = Y::map();
    entry.push("doc", Y::s(operation_doc(found, ctx.docs, op)));
    if get_bool(op, "deprecated") {
        entry.push("deprecated", Y::t());
    }
    entry.push("method", Y::s(method.clone()));
    entry.push("path", Y::s(found.path.clone()));
    let mut uses = Vec::new();

    // Parameters: the path item's, then the operation's (which win by name and place).
    let mut params: Vec<(String, String, &'a Node, String)> = Vec::new(); // (in, name, node, ptr)
    let item_ptr = found.ptr.rsplit_once('/').map(|(p, _)| p.to_owned()).unwrap_or_default();
    for (list, list_ptr) in [(get(found.item, "parameters"), format!("{item_ptr}/parameters")), (get(op, "parameters"), format!("{}/parameters", found.ptr))] {
        for (i, param) in list.map(items).unwrap_or(&[]).iter().enumerate() {
            let ptr = format!("{list_ptr}/{i}");
            let Ok((target, target_ptr, _)) = doc_.deref(param, &ptr) else {
                findings.add(FindingKind::Skipped, &ptr, param, "a parameter whose `$ref` cannot be followed".to_owned());
                continue;
            };
            let (Some(name), Some(place)) = (get_str(target, "name"), get_str(target, "in")) else {
                findings.add(FindingKind::Skipped, &ptr, param, "a parameter without `name` or `in`".to_owned());
                continue;
            };
            params.retain(|(p_in, p_name, _, _)| !(p_in == place && p_name == name));
            params.push((place.to_owned(), name.to_owned(), target, target_ptr));
        }
    }
    let mut out_params = Vec::new();
    let mut rust_taken: HashSet<String> = names::REQUEST_METHODS.iter().map(|s| s.to_string()).chain([names::REQUEST_BODY.to_owned()]).collect();
    let in_path = crate::lower::operations::path_placeholders(&found.path);
    let mut wire_taken: HashSet<&str> = HashSet::new();
    for (place, name, node, ptr) in &params {
        if hostile(name) {
            findings.add(FindingKind::Skipped, ptr, node, "a parameter whose name holds a control character".to_owned());
            continue;
        }
        if *place == "path" && !in_path.iter().any(|p| p == name) {
            findings.add(FindingKind::Skipped, ptr, node, format!("path parameter `{name}` is not in the path: left out"));
            continue;
        }
        if !wire_taken.insert(name.as_str()) {
            findings.add(FindingKind::Skipped, ptr, node, format!("a second parameter named `{name}` (in the {place}): the format keys parameters by name; the first is kept"));
            continue;
        }
        if *place == "header" && ctx.provider_headers.iter().any(|h| h.eq_ignore_ascii_case(name)) {
            continue;
        }
        if *place == "cookie" {
            findings.add(FindingKind::Skipped, ptr, node, format!("cookie parameter `{name}`: the format sends no cookies"));
            continue;
        }
        if *place == "header" && ["accept", "content-type", "authorization"].contains(&name.to_ascii_lowercase().as_str()) {
            findings.add(FindingKind::Skipped, ptr, node, format!("header parameter `{name}`: the client sets it itself"));
            continue;
        }
        let Some(schema) = get(node, "schema") else {
            findings.add(FindingKind::Skipped, ptr, node, format!("parameter `{name}` has no `schema` (a `content` parameter): not held"));
            continue;
        };
        let param_place = format!("{camel}{}", names::type_ident(name).unwrap_or_default());
        // Objects are no parameters: say so before naming a model nobody would use.
        if let Ok((target, _, _)) = doc_.deref(schema, ptr)
            && (get(target, "properties").is_some() || get_str(target, "type") == Some("object"))
        {
            findings.add(FindingKind::Skipped, ptr, node, format!("parameter `{name}` is an object: parameters are scalars, enums or (in the query) lists of them"));
            continue;
        }
        let mut ty = schemas.ty(schema, &format!("{ptr}/schema"), &param_place, findings);
        // A list parameter's items are never `null` (an enum that lists `null` still sends values).
        if ty.expr.starts_with("list<") && ty.expr.ends_with("?>") {
            ty.expr = format!("{}>", &ty.expr[..ty.expr.len() - 2]);
        }
        let mut p = Y::map();
        p.push("in", Y::s(place.clone()));
        let scalar = is_param_scalar(&ty, schemas);
        let is_list = ty.expr.starts_with("list<") && is_param_scalar(&Ty { expr: ty.expr[5..ty.expr.len() - 1].to_owned(), ..ty.clone() }, schemas);
        if !(scalar || (is_list && *place == "query")) {
            findings.add(FindingKind::Skipped, ptr, node, format!("parameter `{name}` of type `{}`: parameters are scalars, enums or (in the query) lists of them", ty.expr));
            continue;
        }
        uses.extend(schemas.uses_of(&ty));
        p.push("type", Y::s(ty.expr.clone()));
        if is_list {
            let style = get_str(node, "style").unwrap_or("form");
            let explode = get(node, "explode").map(|e| text(e) == Some("true")).unwrap_or(style == "form");
            match (style, explode) {
                ("form", true) => p.push("style", Y::s("repeated")),
                ("form", false) => p.push("style", Y::s("comma")),
                _ => {
                    findings.add(FindingKind::Skipped, ptr, node, format!("list parameter `{name}` with `style: {style}`: the format sends lists repeated or comma-separated"));
                    continue;
                }
            }
        }
        if *place != "path" && get_bool(node, "required") {
            p.push("required", Y::t());
        }
        let rust = names::value_ident(name);
        match rust {
            Some(r) if !rust_taken.contains(&r) => {
                rust_taken.insert(r);
            }
            other => {
                let base = other.unwrap_or_else(|| "param".to_owned());
                let chosen = super::numbered(&base, "_", |c| !rust_taken.contains(c));
                rust_taken.insert(chosen.clone());
                findings.add(FindingKind::Renamed, ptr, node, format!("parameter `{name}` is `{chosen}` in Rust: its own name clashes"));
                p.push("rust", Y::s(chosen));
            }
        }
        if ty.secret || super::sensitive_name(name) == Sensitivity::Sensitive {
            p.push("sensitive", Y::t());
            findings.add(FindingKind::Inferred, ptr, node, format!("parameter `{name}` marked sensitive"));
        }
        let own = || format!("The `{name}` {place} parameter.");
        p.push("doc", Y::s(match ctx.docs {
            Docs::Copy => get_str(node, "description").or_else(|| get_str(schema, "description")).map(super::clean_doc).filter(|d| !d.is_empty()).unwrap_or_else(own),
            Docs::Link { .. } => own(),
        }));
        out_params.push((name.clone(), p));
    }
    // Path placeholders every one declared.
    for placeholder in placeholders(&found.path) {
        if !params.iter().any(|(place, name, _, _)| place == "path" && *name == placeholder) {
            findings.add(FindingKind::Skipped, &found.ptr, op, format!("`{{{placeholder}}}` in the path has no path parameter: the operation is left out"));
            return None;
        }
    }
    if !out_params.is_empty() {
        entry.push("params", Y::Map(out_params));
    }

    // The body.
    if let Some(body) = get(op, "requestBody") {
        let body_ptr = format!("{}/requestBody", found.ptr);
        let Ok((body, body_ptr, _)) = doc_.deref(body, &body_ptr) else {
            findings.add(FindingKind::Skipped, &body_ptr, body, "a request body whose `$ref` cannot be followed: the operation is left out".to_owned());
            return None;
        };
        let content = get(body, "content");
        let pick = content
            .and_then(|c| pick_media(c, &["application/json", "application/x-www-form-urlencoded"]))
            .filter(|(media, _)| is_json(media) || media.eq_ignore_ascii_case("application/x-www-form-urlencoded"));
        let Some((media, media_node)) = pick else {
            let types: Vec<&str> = content.map(doc::entries).unwrap_or(&[]).iter().filter_map(|(k, _)| text(k)).collect();
            findings.add(FindingKind::Skipped, &body_ptr, body, format!("a request body of {}: the format sends JSON or form bodies; the operation is left out", types.join(", ")));
            return None;
        };
        let schema_ptr = format!("{body_ptr}/content/{}/schema", doc::escape(media));
        let Some(schema) = get(media_node, "schema") else {
            findings.add(FindingKind::Skipped, &body_ptr, body, "a request body without a schema: the operation is left out".to_owned());
            return None;
        };
        let ty = match doc_.deref(schema, &schema_ptr) {
            // `{ type: object }` with no properties: an open model, any keys.
            Ok((target, target_ptr, _)) if get_str(target, "type") == Some("object") && get(target, "properties").is_none() && get(target, "allOf").is_none() => {
                let index = schemas.open_model(target, &target_ptr, &format!("{camel}Body"));
                Ty { expr: schemas.named[index].name.clone(), nullable: false, named: Some(index), secret: false }
            }
            _ => schemas.ty(schema, &schema_ptr, &format!("{camel}Body"), findings),
        };
        match ty.named.filter(|i| !schemas.named[*i].is_enum) {
            Some(index) => {
                uses.push(index);
                entry.push("body", Y::s(ty.expr));
            }
            None => {
                findings.add(FindingKind::Skipped, &schema_ptr, schema, format!("a request body of type `{}`: bodies are models; the operation is left out", ty.expr));
                return None;
            }
        }
        if media.eq_ignore_ascii_case("application/x-www-form-urlencoded") {
            entry.push("body_format", Y::s("form"));
        }
        if !get_bool(body, "required") {
            entry.push("body_optional", Y::t());
        }
        if matches!(method.as_str(), "GET" | "DELETE") {
            entry.push("body_on_get", Y::t());
        }
    }

    // Answers.
    let mut responses = Vec::new();
    let mut error_schemas = Vec::new();
    let mut success: Option<String> = None;
    let responses_ptr = format!("{}/responses", found.ptr);
    for (key, response) in get(op, "responses").map(doc::entries).unwrap_or(&[]) {
        let Some(status) = text(key) else { continue };
        let ptr = doc::child(&responses_ptr, status);
        let Ok((response, response_ptr, _)) = doc_.deref(response, &ptr) else {
            findings.add(FindingKind::Skipped, &ptr, response, "an answer whose `$ref` cannot be followed".to_owned());
            continue;
        };
        let is_success = status.len() == 3 && status.starts_with('2') && status.bytes().all(|b| b.is_ascii_digit());
        let content = get(response, "content");
        if !is_success {
            if status.eq_ignore_ascii_case("2XX") {
                findings.add(FindingKind::NotHeld, &ptr, key, "`2XX`: list the success statuses one by one".to_owned());
                continue;
            }
            if let Some((media, node)) = content.and_then(|c| pick_media(c, &["application/json"]))
                && let Some(schema) = get(node, "schema")
            {
                // Only the one the error envelope is made of is converted (see `provider::errors`).
                let schema_ptr = format!("{response_ptr}/content/{}/schema", doc::escape(media));
                if let Ok((_, target_ptr, _)) = doc_.deref(schema, &schema_ptr) {
                    error_schemas.push(target_ptr);
                }
            }
            continue;
        }
        let ty = match content.and_then(|c| pick_media(c, &["application/json"])) {
            None => "empty".to_owned(),
            Some((media, node)) if is_json(media) => match get(node, "schema") {
                Some(schema) => {
                    let schema_ptr = format!("{response_ptr}/content/{}/schema", doc::escape(media));
                    let ty = schemas.ty(schema, &schema_ptr, &format!("{camel}Response"), findings);
                    uses.extend(schemas.uses_of(&ty));
                    ty.expr
                }
                None => "json".to_owned(),
            },
            Some((media, _)) => media.to_owned(),
        };
        match &success {
            Some(first) if *first != ty => {
                findings.add(FindingKind::NotHeld, &ptr, key, format!("status {status} answers `{ty}` but an earlier status `{first}`: one operation answers one type; this status is left out"));
                continue;
            }
            _ => success = Some(ty.clone()),
        }
        responses.push((status.to_owned(), Y::s(ty)));
    }
    if responses.is_empty() {
        findings.add(FindingKind::Skipped, &responses_ptr, op, "no success answer (2xx) the format can hold: the operation is left out".to_owned());
        return None;
    }
    entry.push("responses", Y::Map(responses));

    // Auth: an operation's own security requirement.
    if let Some(security) = get(op, "security") {
        match ctx.auth_of(security) {
            OpAuth::Default => {}
            OpAuth::None => entry.push("auth", Y::s("none")),
            OpAuth::Named(name) => entry.push("auth", Y::s(name)),
            OpAuth::Unheld(what) => findings.add(FindingKind::ForMaintainer, &format!("{}/security", found.ptr), security, what),
        }
    }
    if let Some(servers) = get(op, "servers") {
        findings.add(FindingKind::ForMaintainer, &format!("{}/servers", found.ptr), servers, "servers of its own: give the operation a `host:` under `servers.hosts`".to_owned());
    }
    // Paging is never explicit in OpenAPI: name the parameters that look like it.
    let paging: Vec<&str> = params
        .iter()
        .filter(|(place, name, _, _)| place == "query" && ["page", "cursor", "offset", "after", "page_token", "next_page_token", "starting_after"].contains(&name.as_str()))
        .map(|(_, name, _, _)| name.as_str())
        .collect();
    if !paging.is_empty() {
        findings.add(FindingKind::ForMaintainer, &found.ptr, op, format!("looks paged (`{}`): add `paging:` if it is", paging.join("`, `")));
    }
    Some(Converted { name: found.name.clone(), group: group_of(found, ctx.by_tag), entry, uses, error_schemas })
}

/// True for text holding a control or bidirectional-control character, which no spec file may
/// hold (LS0007) and no name should.
pub fn hostile(text: &str) -> bool {
    text.chars().any(|c| c.is_control() || crate::diag::is_bidi_control(c))
}

fn is_param_scalar(ty: &Ty, schemas: &Schemas<'_>) -> bool {
    match ty.expr.as_str() {
        "string" | "integer" | "decimal" | "number" | "boolean" | "date" | "datetime" => true,
        other => schemas.named.iter().any(|n| n.is_enum && n.name == other),
    }
}

fn is_json(media: &str) -> bool {
    let base = media.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    base == "application/json" || base.ends_with("+json")
}

/// The content entry to use: the first of `preferred`, else any JSON one, else the first.
fn pick_media<'n>(content: &'n Node, preferred: &[&str]) -> Option<(&'n str, &'n Node)> {
    let entries: Vec<(&str, &Node)> = doc::entries(content).iter().filter_map(|(k, v)| text(k).map(|k| (k, v))).collect();
    for want in preferred {
        if let Some(found) = entries.iter().find(|(k, _)| k.split(';').next().unwrap_or("").trim().eq_ignore_ascii_case(want)) {
            return Some(*found);
        }
    }
    entries.iter().find(|(k, _)| is_json(k)).or_else(|| entries.first()).copied()
}

fn placeholders(path: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = path;
    while let Some(start) = rest.find('{') {
        let Some(end) = rest[start..].find('}') else { break };
        out.push(rest[start + 1..start + end].to_owned());
        rest = &rest[start + end + 1..];
    }
    out
}

fn operation_doc(found: &Found<'_>, docs: &Docs, op: &Node) -> String {
    let method = found.method.to_uppercase();
    let head = match &found.id {
        Some(id) => format!("`{method} {}` (`{id}`).", found.path),
        None => format!("`{method} {}`.", found.path),
    };
    let url = get(op, "externalDocs").and_then(|d| get_str(d, "url"));
    let reference = url.map(|u| match docs {
        Docs::Link { base: Some(base) } if u.starts_with('/') || u.starts_with('#') => format!("{}{u}", base.trim_end_matches('/')),
        _ => u.to_owned(),
    });
    let reference = reference.map(|r| if r.starts_with("http://") || r.starts_with("https://") { format!("<{r}>") } else { format!("`{r}`") });
    match docs {
        Docs::Copy => {
            let mut parts = Vec::new();
            if let Some(summary) = get_str(op, "summary").map(super::clean_doc).filter(|s| !s.is_empty()) {
                parts.push(summary);
            }
            if let Some(description) = get_str(op, "description").map(super::clean_doc).filter(|s| !s.is_empty()) {
                parts.push(description);
            }
            if parts.is_empty() {
                parts.push(head);
            }
            if let Some(r) = reference {
                parts.push(format!("Reference: {r}"));
            }
            parts.join("\n\n")
        }
        Docs::Link { .. } => match reference {
            Some(r) => format!("{head}\n\nReference: {r}"),
            None => head,
        },
    }
}

/// What the provider file decided that operations follow.
pub struct Context<'d> {
    /// How docs are written.
    pub docs: &'d Docs,
    /// Headers the provider sends on every call: not repeated as parameters.
    pub provider_headers: Vec<String>,
    /// Security scheme name (document) -> auth scheme name (spec), for the schemes held.
    pub schemes: BTreeMap<String, String>,
    /// The document's default requirement's scheme, when one is held.
    pub default_scheme: Option<String>,
    /// Files are made per tag (the document uses several), else per path prefix.
    pub by_tag: bool,
}

/// An operation's auth, as the spec writes it.
pub enum OpAuth {
    /// The provider's default.
    Default,
    /// `auth: none`.
    None,
    /// `auth: <scheme>`.
    Named(String),
    /// Something the format cannot say.
    Unheld(String),
}

impl Context<'_> {
    fn auth_of(&self, security: &Node) -> OpAuth {
        let requirements = items(security);
        if requirements.is_empty() {
            return OpAuth::None;
        }
        // The first requirement the spec holds.
        for requirement in requirements {
            let schemes: Vec<&str> = doc::entries(requirement).iter().filter_map(|(k, _)| text(k)).collect();
            if schemes.is_empty() {
                return OpAuth::None;
            }
            if schemes.len() == 1 {
                let scheme = schemes[0];
                if self.default_scheme.as_deref() == Some(scheme) {
                    return OpAuth::Default;
                }
                if let Some(name) = self.schemes.get(scheme) {
                    return OpAuth::Named(name.clone());
                }
            }
        }
        OpAuth::Unheld("a security requirement no auth scheme of the spec holds: set `auth:` by hand".to_owned())
    }
}
