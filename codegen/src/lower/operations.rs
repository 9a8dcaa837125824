//! Operations: method, path, params, responses, and form bodies.

use crate::diag::Loc;
use crate::ir;
use crate::names;
use crate::spec::{self, Sp};
use std::collections::BTreeMap;
use super::acquire::describe;
use super::binary::{binary_answer, max_body};
use super::collisions::{not_value_name, rust_help};
use super::headers::is_header_name;
use super::deprecation::lower_deprecation;
use super::parse::suggest;
use super::query::param_style;
use super::servers::placeholders;
use super::types::parse_type;
use super::{Lowerer, check_media_type};

pub(super) fn lower_method(lw: &mut Lowerer, method: &Sp<String>) -> Option<ir::Method> {
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

pub(super) fn lower_operations(lw: &mut Lowerer, ops: &Sp<spec::Entries<Sp<spec::OperationSpec>>>) -> Vec<ir::Operation> {
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
        let (success, response, binary) = lower_responses(lw, name, &o.responses);
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
            items: None,
            host: o.host.as_ref().map(|h| h.value.clone()),
            body_format,
            media_type: o.media_type.as_ref().map(|m| m.value.clone()),
            idempotent: o.idempotent.unwrap_or(matches!(method, ir::Method::Get | ir::Method::Put | ir::Method::Delete)),
            authenticated: true,
            deprecated: lower_deprecation(lw, o.deprecated.as_ref()),
            binary,
            max_body_bytes: max_body(lw, o.max_body_bytes.as_ref()),
            body_optional: body_optional(lw, o),
            auth_scheme: None,
        });
    }
    out
}

pub(super) fn lower_params(lw: &mut Lowerer, path: &Sp<String>, params: &spec::Entries<Sp<spec::ParamSpec>>) -> Vec<ir::Param> {
    let mut in_path = Vec::new();
    if !path.value.starts_with('/') {
        lw.error("LS0209", Loc::at(path), format!("path `{}` must start with `/`", path.value), "write it below the base URL, e.g. `/users/{id}/links`");
    }
    if path.value.contains(['?', '#']) {
        lw.error("LS0209", Loc::at(path), "a path template cannot hold `?` or `#`".to_owned(), "declare query parameters under `params:` with `in: query`");
    }
    if let Some(problem) = path_problem(&path.value) {
        lw.error("LS0209", Loc::at(path), format!("path `{}` {problem}", path.value), "write each segment as plain text or a `{name}` placeholder, e.g. `/widgets/{id}`");
    }
    for p in placeholders(&path.value) {
        match p {
            Ok(name) if !name.is_empty() => in_path.push(name),
            _ => lw.error("LS0209", Loc::at(path), "malformed `{...}` in path".to_owned(), "write path parameters as `{name}`"),
        }
    }
    let mut out = Vec::new();
    let mut seen_rust: BTreeMap<String, String> = BTreeMap::new();
    // Setter names taken so far, with what takes each: the body's `Option` setter first.
    let mut setter_owner: BTreeMap<String, String> =
        BTreeMap::from([(names::option_setter(names::REQUEST_BODY), "the request body".to_owned())]);
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
        if location == ir::ParamLocation::Header && !is_header_name(&wire.value) {
            lw.error("LS0105", Loc::at(wire), format!("`{}` is not a valid header name", wire.value), "use letters, digits and `-`, e.g. `X-Trace`");
            continue;
        }
        if names::REQUEST_METHODS.contains(&rust.as_str()) {
            lw.error(
                "LS0304",
                Loc::at(wire),
                format!("parameter `{}` would have the setter `{rust}`, which every request type already has as a method", wire.value),
                &format!("add `rust: <other_name>`, e.g. `rust: {rust}_value`; the wire name stays `{}`", wire.value),
            );
            continue;
        }
        if let Some(other) = seen_rust.insert(rust.clone(), wire.value.clone()) {
            lw.error("LS0304", Loc::at(wire), format!("parameters `{other}` and `{}` both become `{rust}` in Rust", wire.value), "add `rust: <other_name>` to one of them");
            continue;
        }
        // An optional parameter has two setters, `<rust>` and `set_<rust>` (taking an
        // `Option`): neither may be another one's (`set_limit` next to an optional `limit`).
        // A required one goes to `new` and has none.
        let mine = if required { vec![] } else { vec![rust.clone(), names::option_setter(&rust)] };
        if let Some((setter, other)) = mine.iter().find_map(|m| setter_owner.get(m).map(|o| (m.clone(), o.clone()))) {
            lw.error(
                "LS0304",
                Loc::at(wire),
                format!("parameter `{}` would have the setter `{setter}`, already the setter of `{other}`", wire.value),
                "add `rust: <other_name>` to one of them",
            );
            continue;
        }
        for m in mine {
            setter_owner.insert(m, wire.value.clone());
        }
        let Some(ty) = parse_type(lw, &pv.ty, None) else { continue };
        let Ok(style) = param_style(lw, pv, location, &ty) else { continue };
        let from = pv.from.as_ref().map(|f| f.value.clone());
        out.push(ir::Param { wire: wire.value.clone(), rust, location, ty, required, doc: pv.doc.clone(), sensitive: pv.sensitive, style, from });
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

/// What is wrong with a path template as `lower` would report it (LS0209), if anything: for
/// the importer, which leaves such an operation out rather than write a spec that fails.
pub(crate) fn path_template_problem(path: &str) -> Option<String> {
    if !path.starts_with('/') {
        return Some("does not start with `/`".to_owned());
    }
    if path.contains(['?', '#']) {
        return Some("holds `?` or `#`".to_owned());
    }
    if let Some(problem) = path_problem(path) {
        return Some(problem);
    }
    super::servers::placeholders(path).into_iter().find(|p| !matches!(p, Ok(name) if !name.is_empty())).map(|_| "has a malformed `{...}`".to_owned())
}

/// The `{name}` placeholders of a path template (well-formed ones only).
pub(crate) fn path_placeholders(path: &str) -> Vec<String> {
    super::servers::placeholders(path).into_iter().filter_map(Result::ok).collect()
}

/// What is wrong with the segments of a path template, if anything. The client sends each
/// segment percent-encoded and drops empty ones, so a path must be what it will send: no `.`
/// or `..` (servers resolve them away), no empty segment (`//`, a trailing `/`), no `%` (it
/// would be encoded once more), and no space or ASCII character outside URL paths (a typo far
/// more often than meant). Other characters (`é`) are sent encoded, as they should be.
fn path_problem(path: &str) -> Option<String> {
    let inner = path.strip_prefix('/')?;
    if inner.is_empty() {
        return None;
    }
    for segment in inner.split('/') {
        match segment {
            "" if inner.ends_with('/') && !inner.contains("//") => {
                return Some("ends with `/`, which the client does not send".to_owned());
            }
            "" => return Some("has an empty segment (`//`)".to_owned()),
            "." | ".." => return Some(format!("has a `{segment}` segment, which servers resolve away")),
            _ => {}
        }
        let plain = |c: char| c.is_ascii_alphanumeric() || "-._~!$&'()*+,;=:@{}?#".contains(c) || !(c.is_ascii() || c.is_whitespace() || c.is_control());
        if let Some(c) = segment.chars().find(|c| !plain(*c)) {
            return Some(match c {
                ' ' => "holds a space".to_owned(),
                '%' => "holds `%`; the client percent-encodes segments itself, so write the character as it is".to_owned(),
                c => format!("holds `{}`, which a URL path cannot", c.escape_default()),
            });
        }
    }
    None
}

/// `body_optional: true` needs a `body:` to leave out.
fn body_optional(lw: &mut Lowerer, o: &spec::OperationSpec) -> bool {
    let Some(flag) = o.body_optional.as_ref().filter(|f| f.value) else { return false };
    if o.body.is_none() {
        lw.error("LS0214", Loc::at(flag), "`body_optional` without a `body:`".to_owned(), "name the body's model under `body:`, or remove `body_optional`");
    }
    true
}

pub(super) fn lower_responses(lw: &mut Lowerer, op: &Sp<String>, responses: &spec::Entries<Sp<String>>) -> (Vec<u16>, Option<ir::TypeRef>, Option<String>) {
    let mut success = Vec::new();
    let mut types: Vec<(Loc, Option<ir::TypeRef>)> = Vec::new();
    let mut binaries: Vec<(Loc, String)> = Vec::new();
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
        if let Some(media) = binary_answer(lw, ty) {
            binaries.push((Loc::at(ty), media));
            continue;
        }
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
    if let Some((_, first)) = binaries.first() {
        for (loc, media) in &binaries[1..] {
            if !media.eq_ignore_ascii_case(first) {
                lw.error("LS0208", *loc, format!("success responses ask for different media types (`{first}`, `{media}`)"), "one operation asks for one media type: list it on every success status");
            }
        }
        if let Some((loc, _)) = types.first() {
            lw.error("LS0208", *loc, "success responses answer both bytes and a type".to_owned(), "all success statuses of one operation must share one model, or all be bytes (`binary` or a media type)");
        }
    }
    success.sort_unstable();
    (success, types.into_iter().next().and_then(|(_, t)| t), binaries.into_iter().next().map(|(_, m)| m))
}

/// A form body is flat: each field of its model must be a scalar (or an enum).
pub(super) fn check_form_bodies(lw: &mut Lowerer, spec: &spec::Spec, operations: &[ir::Operation], models: &[ir::Model]) {
    for (op, (_, op_spec)) in operations.iter().zip(&spec.operations.value.0) {
        if op.body_format != ir::BodyFormat::Form {
            continue;
        }
        let model = op.body.as_ref().and_then(|b| models.iter().find(|m| &m.name == b));
        let (Some(format), Some(model)) = (&op_spec.value.body_format, model) else { continue };
        if model.keep_unknown {
            lw.error(
                "LS0210",
                Loc::at(format),
                format!("model `{}` keeps unknown keys, whose values a form cannot be sure to carry", model.name),
                "give the form's model `unknown_keys: ignore`, or send JSON (remove `body_format`)",
            );
        }
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
