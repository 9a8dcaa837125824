//! Auth schemes: bearer, header, key pair or HTTP Basic, with their setters and placements;
//! several named schemes with a default; and the scheme each operation uses.

use crate::diag::Loc;
use crate::ir;
use crate::names;
use crate::spec::{self, Sp};
use super::collisions::not_value_name;
use super::headers::is_header_name;
use super::parse::suggest;
use super::Lowerer;

/// The keys of one scheme: `auth:` itself, or one entry of `auth.schemes`.
struct Keys<'a> {
    scheme: &'a Sp<String>,
    header: Option<&'a Sp<String>>,
    setter: Option<&'a Sp<String>>,
    client_id: Option<&'a Sp<spec::KeyPlacementSpec>>,
    secret: Option<&'a Sp<spec::KeyPlacementSpec>>,
    user: Option<&'a Sp<String>>,
    password: Option<&'a Sp<String>>,
}

impl<'a> Keys<'a> {
    fn of_scheme(s: &'a spec::SchemeSpec) -> Self {
        Keys {
            scheme: &s.scheme,
            header: s.header.as_ref(),
            setter: s.setter.as_ref(),
            client_id: s.client_id.as_ref(),
            secret: s.secret.as_ref(),
            user: s.user.as_ref(),
            password: s.password.as_ref(),
        }
    }
}

pub(super) fn lower_auth(lw: &mut Lowerer, auth: &Sp<spec::AuthSpec>) -> Option<ir::Auth> {
    let a = &auth.value;
    match (&a.scheme, &a.schemes) {
        (Some(scheme), None) => {
            if let Some(default) = &a.default {
                lw.error("LS0113", Loc::at(default), "`auth.default` without `auth.schemes`".to_owned(), "remove `default`: a provider with one scheme uses it everywhere");
            }
            let keys = Keys {
                scheme,
                header: a.header.as_ref(),
                setter: a.setter.as_ref(),
                client_id: a.client_id.as_ref(),
                secret: a.secret.as_ref(),
                user: a.user.as_ref(),
                password: a.password.as_ref(),
            };
            lower_scheme(lw, &keys)
        }
        (None, Some(schemes)) => lower_named(lw, auth, schemes),
        (Some(scheme), Some(_)) => {
            lw.error(
                "LS0113",
                Loc::at(scheme),
                "`auth` has both `scheme:` and `schemes:`".to_owned(),
                "declare one scheme, or give this one a name under `schemes:` and make it the `default:`",
            );
            None
        }
        (None, None) => {
            lw.error("LS0110", Loc::at(auth), "`auth` names no scheme".to_owned(), "add e.g. `scheme: bearer`, or several under `schemes:` with a `default:`");
            None
        }
    }
}

/// Several named schemes: each one lowered like a single scheme, at most one holding a token,
/// and a default among them.
fn lower_named(lw: &mut Lowerer, auth: &Sp<spec::AuthSpec>, schemes: &Sp<spec::Entries<Sp<spec::SchemeSpec>>>) -> Option<ir::Auth> {
    let a = &auth.value;
    let single_keys = [
        ("header", a.header.as_ref().map(Loc::at)),
        ("setter", a.setter.as_ref().map(Loc::at)),
        ("client_id", a.client_id.as_ref().map(Loc::at)),
        ("secret", a.secret.as_ref().map(Loc::at)),
        ("user", a.user.as_ref().map(Loc::at)),
        ("password", a.password.as_ref().map(Loc::at)),
    ];
    for (key, loc) in single_keys {
        if let Some(loc) = loc {
            lw.error("LS0113", loc, format!("`auth.{key}` beside `auth.schemes`"), &format!("move `{key}` into the scheme it belongs to under `schemes:`"));
        }
    }
    if schemes.value.0.is_empty() {
        lw.error("LS0113", Loc::at(schemes), "`auth.schemes` is empty".to_owned(), "name at least one scheme, e.g. `schemes: { basic: { scheme: basic } }`");
        return None;
    }
    let mut out: Vec<(String, ir::Auth)> = Vec::new();
    let mut ok = true;
    let mut token: Option<String> = None;
    for (name, scheme) in &schemes.value.0 {
        if !names::is_value_name(&name.value) || name.value == "none" {
            let why = if name.value == "none" { "is what operations write for no credentials".to_owned() } else { format!("{} name", not_value_name(&name.value)) };
            lw.error("LS0113", Loc::at(name), format!("scheme name `{}` {why}", name.value), "use a snake_case name other than `none`, e.g. `processor_token`");
            ok = false;
        }
        if out.iter().any(|(n, _)| *n == name.value) {
            lw.error("LS0113", Loc::at(name), format!("scheme `{}` is declared twice", name.value), "rename one");
            ok = false;
            continue;
        }
        let Some(lowered) = lower_scheme(lw, &Keys::of_scheme(&scheme.value)) else {
            ok = false;
            continue;
        };
        if lowered.token_scheme().is_some() {
            if let Some(first) = &token {
                lw.error(
                    "LS0113",
                    Loc::at(name),
                    format!("schemes `{first}` and `{}` both carry a token, and a client holds one", name.value),
                    "keep one `bearer` or `header` scheme; a provider with two kinds of token needs two clients",
                );
                ok = false;
            }
            token.get_or_insert_with(|| name.value.clone());
        }
        out.push((name.value.clone(), lowered));
    }
    // After an error about the default, the first scheme stands in, so later checks still run.
    let first = schemes.value.0[0].0.value.clone();
    let default = match &a.default {
        Some(d) if schemes.value.0.iter().any(|(n, _)| n.value == d.value) => d.value.clone(),
        Some(d) => {
            let hint = match suggest(&d.value, schemes.value.0.iter().map(|(k, _)| k.value.as_str())) {
                Some(s) => format!("did you mean `{s}`?"),
                None => "name one of the schemes under `schemes:`".to_owned(),
            };
            lw.error("LS0113", Loc::at(d), format!("default scheme `{}` is not under `auth.schemes`", d.value), &hint);
            first
        }
        None => {
            lw.error("LS0113", Loc::at(schemes), "`auth.schemes` without a `default:`".to_owned(), &format!("add `default: {first}` (the scheme operations use unless they name another)"));
            first
        }
    };
    ok.then_some(ir::Auth::Named { schemes: out, default })
}

fn lower_scheme(lw: &mut Lowerer, a: &Keys) -> Option<ir::Auth> {
    let setter_name = |lw: &mut Lowerer, given: Option<&Sp<String>>, default: &str| match given {
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
                Loc::at(a.scheme),
                format!("`{key}` does not apply to scheme `{}`", a.scheme.value),
                &format!("remove `{key}`"),
            );
        }
    };
    let basic_keys = |lw: &mut Lowerer| {
        unused(lw, "user", a.user.is_some());
        unused(lw, "password", a.password.is_some());
    };
    match a.scheme.value.as_str() {
        "bearer" => {
            unused(lw, "header", a.header.is_some());
            unused(lw, "client_id", a.client_id.is_some());
            unused(lw, "secret", a.secret.is_some());
            basic_keys(lw);
            Some(ir::Auth::Bearer { setter: setter_name(lw, a.setter, "bearer_token")? })
        }
        "header" => {
            unused(lw, "client_id", a.client_id.is_some());
            unused(lw, "secret", a.secret.is_some());
            basic_keys(lw);
            let Some(header) = a.header else {
                lw.error("LS0110", Loc::at(a.scheme), "scheme `header` needs `header:`".to_owned(), "name the header, e.g. `header: MD-SESSION-TOKEN`");
                return None;
            };
            if !is_header_name(&header.value) {
                lw.error("LS0105", Loc::at(header), format!("`{}` is not a valid header name", header.value), "use letters, digits and `-`");
            }
            Some(ir::Auth::Header { header: header.value.clone(), setter: setter_name(lw, a.setter, "token")? })
        }
        "key_pair" => {
            unused(lw, "header", a.header.is_some());
            unused(lw, "setter", a.setter.is_some());
            basic_keys(lw);
            let mut placement = |key: &str, p: Option<&Sp<spec::KeyPlacementSpec>>| match p {
                Some(p) => {
                    if !is_header_name(&p.value.header.value) {
                        lw.error("LS0105", Loc::at(&p.value.header), format!("`{}` is not a valid header name", p.value.header.value), "use letters, digits and `-`");
                    }
                    Some(ir::KeyPlacement { body: p.value.body.value.clone(), header: p.value.header.value.clone() })
                }
                None => {
                    lw.error(
                        "LS0110",
                        Loc::at(a.scheme),
                        format!("scheme `key_pair` needs `{key}:`"),
                        &format!("add `{key}: {{ body: <field>, header: <Header-Name> }}`"),
                    );
                    None
                }
            };
            let client_id = placement("client_id", a.client_id);
            let secret = placement("secret", a.secret);
            Some(ir::Auth::KeyPair { client_id: client_id?, secret: secret? })
        }
        "basic" => {
            unused(lw, "header", a.header.is_some());
            unused(lw, "setter", a.setter.is_some());
            unused(lw, "client_id", a.client_id.is_some());
            unused(lw, "secret", a.secret.is_some());
            let user = setter_name(lw, a.user, "username");
            let password = setter_name(lw, a.password, "password");
            let (user, password) = (user?, password?);
            if user == password {
                let at = a.password.or(a.user).map_or_else(|| Loc::at(a.scheme), Loc::at);
                lw.error("LS0110", at, format!("the user and the password both have the setter `{user}`"), "give them different names, e.g. `user: client_id, password: api_key`");
                return None;
            }
            Some(ir::Auth::Basic { user, password })
        }
        other => {
            let hint = match suggest(other, spec::AUTH_SCHEMES.iter().copied()) {
                Some(s) => format!("did you mean `{s}`?"),
                None => "use `bearer`, `header`, `key_pair` or `basic`".to_owned(),
            };
            lw.error("LS0110", Loc::at(a.scheme), format!("unknown auth scheme `{other}`"), &hint);
            None
        }
    }
}

/// Each operation's `auth:`: `none` sends no credentials; a scheme of `auth.schemes` is used
/// instead of the default (naming the default is the same as leaving `auth:` out).
pub(super) fn lower_operation_auth(lw: &mut Lowerer, spec: &spec::Spec, operations: &mut [ir::Operation], auth: Option<&ir::Auth>) {
    let named: Vec<&str> = spec.auth.value.schemes.iter().flat_map(|s| s.value.0.iter().map(|(k, _)| k.value.as_str())).collect();
    for (op, (_, op_spec)) in operations.iter_mut().zip(&spec.operations.value.0) {
        let Some(choice) = &op_spec.value.auth else { continue };
        if choice.value == "none" {
            op.authenticated = false;
            continue;
        }
        if named.contains(&choice.value.as_str()) {
            if let Some(ir::Auth::Named { default, .. }) = auth
                && *default != choice.value
            {
                op.auth_scheme = Some(choice.value.clone());
            }
            continue;
        }
        let (message, hint) = if named.is_empty() {
            (
                format!("operation `{}` names the auth scheme `{}`, but the provider declares one unnamed scheme", op.name, choice.value),
                "write `auth: none` for no credentials, or name several schemes under `auth.schemes`".to_owned(),
            )
        } else {
            let hint = match suggest(&choice.value, named.iter().copied()) {
                Some(s) => format!("did you mean `{s}`? (or `none` for no credentials)"),
                None => format!("use one of {}, or `none` for no credentials", named.join(", ")),
            };
            (format!("operation `{}` names the auth scheme `{}`, which `auth.schemes` does not declare", op.name, choice.value), hint)
        };
        lw.error("LS0114", Loc::at(choice), message, &hint);
    }
}
