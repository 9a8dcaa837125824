//! Models and their fields, boxing of recursive fields and impossible required cycles.

use crate::diag::Loc;
use crate::ir;
use crate::names;
use crate::spec::{self, Sp};
use std::collections::{BTreeMap, BTreeSet};
use super::collisions::{not_value_name, rust_help};
use super::deprecation::lower_deprecation;
use super::types::parse_type;
use super::{Lowerer, timestamp_format};

pub(super) fn lower_models(lw: &mut Lowerer, models: &spec::Entries<Sp<spec::ModelSpec>>) -> Vec<ir::Model> {
    let mut out = Vec::new();
    for (name, m) in &models.0 {
        let mut fields = Vec::new();
        let mut seen_wire: BTreeSet<String> = BTreeSet::new();
        let mut seen_rust: BTreeMap<String, String> = BTreeMap::new();
        // An open object with no fields (`unknown_keys: keep` on the model itself) is what the
        // spec means: any keys, all kept.
        let open = m.value.unknown_keys.as_ref().is_some_and(|k| k.value == "keep");
        if m.value.fields.0.is_empty() && !open {
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
                    if fv.ty.value.trim() != "datetime" && !fv.ty.value.contains("<datetime>") && !fv.ty.value.contains("<datetime?>") {
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
                deprecated: lower_deprecation(lw, fv.deprecated.as_ref()),
            });
        }
        out.push(ir::Model { name: name.value.clone(), doc: m.value.doc.clone(), fields, keep_unknown: false });
    }
    out
}

/// Boxes fields that make a model contain itself by value (directly or through other models),
/// so the generated struct has a finite size. Lists and maps already add indirection.
pub(super) fn box_recursive_fields(models: &mut [ir::Model]) {
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

/// A model that contains itself through fields that are neither optional, nullable, lists nor
/// maps has no finite value: no response could ever decode into it.
pub(super) fn check_required_cycles(lw: &mut Lowerer, spec: &spec::Spec, models: &[ir::Model]) {
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
