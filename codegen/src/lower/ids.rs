//! Id types (`ids:`) and path parameters filled from a client setting (`from:`).

use crate::diag::Loc;
use crate::ir;
use crate::spec;
use std::collections::BTreeMap;
use super::parse::suggest;
use super::Lowerer;

/// The wire type of every declared id, for resolving type expressions before the ids are
/// checked (a bad `wire` is reported by [`lower_ids`]; the id is then taken as a string).
pub(super) fn id_wires(spec: &spec::Spec) -> BTreeMap<String, ir::IdWire> {
    spec.ids
        .0
        .iter()
        .map(|(k, v)| {
            let wire = match v.value.wire.as_ref().map(|w| w.value.as_str()) {
                Some("integer") => ir::IdWire::Integer,
                _ => ir::IdWire::String,
            };
            (k.value.clone(), wire)
        })
        .collect()
}

/// The id types, in file order. Names are checked with the models' and enums'
/// (`check_type_names`, `check_global_names`).
pub(super) fn lower_ids(lw: &mut Lowerer, spec: &spec::Spec) -> Vec<ir::IdType> {
    let mut out = Vec::new();
    for (name, id) in &spec.ids.0 {
        let wire = match id.value.wire.as_ref() {
            None => ir::IdWire::String,
            Some(w) if w.value == "string" => ir::IdWire::String,
            Some(w) if w.value == "integer" => ir::IdWire::Integer,
            Some(w) => {
                lw.error(
                    "LS0309",
                    Loc::at(w),
                    format!("id type `{}` has the unknown wire type `{}`", name.value, w.value),
                    &format!("write `wire: string` (the default) or `wire: integer`; the id is held as {}", spec::ID_WIRES.join(" or ")),
                );
                continue;
            }
        };
        out.push(ir::IdType { name: name.value.clone(), doc: id.value.doc.clone(), wire });
    }
    out
}

/// Checks every `from:` of a parameter: it names an input of `auth.inputs` that is not a
/// secret, on a path parameter of a string or string id type.
pub(super) fn check_param_bindings(lw: &mut Lowerer, spec: &spec::Spec, inputs: &[ir::Input]) {
    for (op, o) in &spec.operations.value.0 {
        for (wire, p) in &o.value.params.0 {
            let Some(from) = &p.value.from else { continue };
            if p.value.location.value != "path" {
                lw.error(
                    "LS0215",
                    Loc::at(from),
                    format!("`from` on the {} parameter `{}` of `{}`: only a path parameter can be filled from a client setting", p.value.location.value, wire.value, op.value),
                    "remove `from`, or make it an `in: path` parameter",
                );
                continue;
            }
            let Some(input) = inputs.iter().find(|i| i.name == from.value) else {
                let declared: Vec<&str> = spec.auth.value.inputs.0.iter().map(|(k, _)| k.value.as_str()).collect();
                if declared.contains(&from.value.as_str()) {
                    // Declared, and refused where it is declared: that error says why.
                    continue;
                }
                let help = match suggest(&from.value, declared.iter().copied()) {
                    Some(s) => format!("did you mean `{s}`?"),
                    None if declared.is_empty() => "declare it under `auth.inputs` (a setting of the client builder), or remove `from`".to_owned(),
                    None => format!("name one of `auth.inputs`: {}", declared.join(", ")),
                };
                lw.error(
                    "LS0215",
                    Loc::at(from),
                    format!("parameter `{}` of `{}` is filled from `{}`, which is no client setting", wire.value, op.value, from.value),
                    &help,
                );
                continue;
            };
            if input.secret {
                lw.error(
                    "LS0215",
                    Loc::at(from),
                    format!("parameter `{}` of `{}` would put the secret `{}` in the URL path", wire.value, op.value, from.value),
                    &format!("a secret never travels in a URL; if `{}` is no secret, mark it `secret: false` under `auth.inputs`", from.value),
                );
            }
            let text = p.value.ty.value.trim();
            let fits = text == "string" || lw.ids.get(text) == Some(&ir::IdWire::String);
            if !fits {
                lw.error(
                    "LS0215",
                    Loc::at(&p.value.ty),
                    format!("parameter `{}` of `{}` is filled from the setting `{}`, a string, but has the type `{text}`", wire.value, op.value, from.value),
                    "give it the type `string` or a string id type",
                );
            }
        }
    }
}
