//! The auth scheme: bearer, header or key pair, with its setters and placements.

use crate::diag::Loc;
use crate::ir;
use crate::names;
use crate::spec::{self, Sp};
use super::collisions::not_value_name;
use super::headers::is_header_name;
use super::parse::suggest;
use super::Lowerer;

pub(super) fn lower_auth(lw: &mut Lowerer, auth: &Sp<spec::AuthSpec>) -> Option<ir::Auth> {
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
