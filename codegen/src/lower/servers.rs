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

pub(super) fn check_url_template(lw: &mut Lowerer, url: &Sp<String>, variables: &[ir::Variable]) {
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
