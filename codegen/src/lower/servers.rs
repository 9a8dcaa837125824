//! Environments, server variables, URL templates and extra hosts.

use crate::diag::Loc;
use crate::ir;
use crate::names;
use crate::spec::{self, Sp};
use std::collections::BTreeSet;
use super::collisions::not_value_name;
use super::parse::suggest;
use super::Lowerer;

pub(super) type Servers = (Vec<ir::Environment>, usize, Vec<ir::Variable>);

pub(super) fn lower_servers(lw: &mut Lowerer, servers: &spec::Servers) -> Servers {
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
    for (name, var) in &servers.variables.0 {
        let placeholder = format!("{{{}}}", name.value);
        let mut all_urls = servers.environments.0.iter().chain(servers.hosts.0.iter().flat_map(|(_, urls)| &urls.value.0));
        let in_host = all_urls.any(|(_, url)| {
            let rest = url.value.split_once("://").map_or(url.value.as_str(), |(_, r)| r);
            authority(rest).contains(&placeholder)
        });
        for v in &var.value.values {
            if let Some(problem) = variable_value_problem(&v.value, in_host) {
                lw.error(
                    "LS0102",
                    Loc::at(v),
                    format!("value `{}` of server variable `{}` cannot be placed in a URL: {problem}", v.value, name.value),
                    "list the value as it appears in the URL, e.g. `eu` or `com.au`",
                );
            }
        }
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

pub(super) fn check_url_template(lw: &mut Lowerer, url: &Sp<String>, variables: &[ir::Variable]) {
    let Some(rest) = url.value.strip_prefix("https://").or_else(|| url.value.strip_prefix("http://")) else {
        lw.error("LS0101", Loc::at(url), format!("`{}` is not an http(s) URL", url.value), "write the base URL in full, e.g. `https://api.example.com/v1`");
        return;
    };
    if let Some(problem) = url_problem(rest) {
        lw.error("LS0101", Loc::at(url), format!("`{}` is not a usable base URL: {problem}", url.value), "write scheme, host (letters, digits, `-`, `.` or `{placeholder}`), an optional `:port` and a path, e.g. `https://api.example.com/v1`");
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

/// What is wrong with a URL after its `http(s)://`, if anything: it must be a host with an
/// optional port, then a path, in plain URL characters, so no value can move the request to
/// another host or drop part of the path.
fn url_problem(rest: &str) -> Option<String> {
    if let Some(c) = rest.chars().find(|c| !c.is_ascii_graphic()) {
        return Some(match c {
            ' ' => "it holds a space (write `%20` if the path really has one)".to_owned(),
            c if c.is_ascii() => format!("it holds the control character {:?}", c),
            c => format!("it holds `{c}`, which is not ASCII (write an international host in its `xn--` form)"),
        });
    }
    if let Some(c) = rest.chars().find(|c| "\"<>\\^`|?#".contains(*c)) {
        return Some(format!("it holds `{c}`, which a base URL cannot (a query or fragment would swallow every path)"));
    }
    let authority = authority(rest);
    if authority.is_empty() {
        return Some("it has no host".to_owned());
    }
    if authority.contains('@') {
        return Some("it holds `@`, so the text before it would be read as a user name and the host would be what follows".to_owned());
    }
    let (host, port) = match authority.rsplit_once(':') {
        Some((h, p)) => (h, Some(p)),
        None => (authority, None),
    };
    if let Some(port) = port
        && (port.is_empty() || !port.chars().all(|c| c.is_ascii_digit()))
    {
        return Some(format!("`{port}` is not a port number"));
    }
    if host.is_empty() || !host.chars().all(|c| c.is_ascii_alphanumeric() || "-.{}_".contains(c)) {
        return Some(format!("`{host}` is not a host name"));
    }
    None
}

/// The host and port of a URL after its `http(s)://`.
pub(super) fn authority(rest: &str) -> &str {
    rest.split('/').next().unwrap_or_default()
}

/// Why a server variable's value cannot be placed in a URL, if it cannot: values are URL-safe
/// text, and in a host only what a host name may hold, so `@evil.com#` cannot change the host.
fn variable_value_problem(value: &str, in_host: bool) -> Option<&'static str> {
    // An empty value is reported as no variant name already.
    if value.is_empty() {
        None
    } else if in_host && !value.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.') {
        Some("the variable is part of a host, which takes only letters, digits, `-` and `.`")
    } else if !value.chars().all(|c| c.is_ascii_alphanumeric() || "-._~".contains(c)) {
        Some("a URL value takes only letters, digits, `-`, `.`, `_` and `~`")
    } else if value == "." || value == ".." {
        Some("`.` and `..` would change the path")
    } else {
        None
    }
}

/// The `{name}` placeholders of a template, or `Err` on unbalanced braces.
pub(super) fn placeholders(template: &str) -> Vec<Result<String, ()>> {
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

/// Other hosts: each environment named must be declared, and each URL is checked like a base URL.
pub(super) fn lower_hosts(lw: &mut Lowerer, servers: &spec::Servers, environments: &[ir::Environment], variables: &[ir::Variable]) -> Vec<ir::Host> {
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

pub(super) fn check_operation_hosts(lw: &mut Lowerer, spec: &spec::Spec, hosts: &[ir::Host]) {
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
