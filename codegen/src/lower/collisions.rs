//! Names a spec adds to the generated crate: module, type, client and builder names, and their collisions.

use crate::diag::Loc;
use crate::ir;
use crate::names;
use crate::spec;
use std::collections::{BTreeMap, HashMap};
use super::Lowerer;

/// Why `name` is no snake_case value name, to finish a sentence: a keyword needs saying so.
pub(super) fn not_value_name(name: &str) -> &'static str {
    if names::is_keyword(name) { "is a Rust keyword, so it cannot be a" } else { "is not a snake_case" }
}

/// Help for a bad `rust:` name: keywords are escaped anyway, so the override is not needed.
pub(super) fn rust_help(name: &str, example: &str) -> String {
    if names::is_keyword(name) {
        format!("remove `rust:`; linkspec writes keywords with a trailing underscore (`{name}_`)")
    } else {
        format!("write a snake_case name, e.g. `{example}`")
    }
}

pub(super) fn check_type_names(lw: &mut Lowerer, spec: &spec::Spec) {
    let mut seen: BTreeMap<String, Loc> = BTreeMap::new();
    let all = spec.models.0.iter().map(|(k, _)| k).chain(spec.enums.0.iter().map(|(k, _)| k)).chain(spec.ids.0.iter().map(|(k, _)| k));
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
                if spec.ids.0.iter().any(|(k, _)| k.value == name.value) {
                    "models, enums and id types share one namespace: rename one"
                } else {
                    "models and enums share one namespace: rename one"
                },
            );
        }
        seen.insert(name.value.clone(), Loc::at(name));
    }
}

pub(super) fn check_global_names(
    lw: &mut Lowerer,
    operations: &[ir::Operation],
    models: &[ir::Model],
    enums: &[ir::Enum],
    ids: &[ir::IdType],
    variables: &[ir::Variable],
    spec: &spec::Spec,
) {
    let mut taken: BTreeMap<String, String> = BTreeMap::new();
    for id in ids {
        taken.insert(id.name.clone(), format!("id type `{}`", id.name));
    }
    for m in models {
        taken.insert(m.name.clone(), format!("model `{}`", m.name));
    }
    for e in enums {
        taken.insert(e.name.clone(), format!("enum `{}`", e.name));
    }
    let locate = |name: &str| {
        spec.models.0.iter().chain(std::iter::empty()).find(|(k, _)| k.value == name).map(|(k, _)| Loc::at(k))
            .or_else(|| spec.enums.0.iter().find(|(k, _)| k.value == name).map(|(k, _)| Loc::at(k)))
            .or_else(|| spec.ids.0.iter().find(|(k, _)| k.value == name).map(|(k, _)| Loc::at(k)))
            .unwrap_or_default()
    };
    for &reserved in names::RESERVED_TYPES.iter().chain(names::PRELUDE_TYPES) {
        if let Some(what) = taken.get(reserved) {
            let clash = if names::PRELUDE_TYPES.contains(&reserved) {
                format!("{what} would shadow Rust's `{reserved}`, which the generated code uses")
            } else {
                format!("{what} collides with the generated `{reserved}` type")
            };
            lw.error("LS0304", locate(reserved), clash, "rename it, e.g. with the provider's name as a prefix");
        }
    }
    for (op, (name, _)) in operations.iter().zip(&spec.operations.value.0) {
        if let Some(what) = taken.get(&op.request_type) {
            lw.error(
                "LS0304",
                Loc::at(name),
                format!("operation `{}` needs the type name `{}`, taken by {what}", op.name, op.request_type),
                "rename the model (e.g. `...Body`) or the operation",
            );
        }
    }
    for v in variables {
        let loc = spec.servers.variables.0.iter().find(|(k, _)| k.value == v.wire).map(|(k, _)| Loc::at(k)).unwrap_or_default();
        if names::RESERVED_TYPES.contains(&v.type_name.as_str()) || names::PRELUDE_TYPES.contains(&v.type_name.as_str()) {
            lw.error(
                "LS0304",
                loc,
                format!("server variable `{}` needs the type name `{}`, which the generated code already uses", v.wire, v.type_name),
                "rename the variable here and in the URLs; the name is the spec's own",
            );
        } else if let Some(what) = taken.get(&v.type_name) {
            lw.error("LS0304", loc, format!("server variable `{}` needs the type name `{}`, taken by {what}", v.wire, v.type_name), "rename the variable here and in the URLs; the name is the spec's own");
        }
        taken.insert(v.type_name.clone(), format!("server variable `{}`", v.wire));
    }
}

/// Builder methods, client methods and module statics: every name a spec adds to the generated
/// client must be free.
pub(super) fn check_client_names(
    lw: &mut Lowerer,
    spec: &spec::Spec,
    variables: &[ir::Variable],
    headers: &[ir::DefaultHeader],
    auth: Option<&ir::Auth>,
    operations: &[ir::Operation],
) {
    // Every setting's setter comes with `set_<setter>`, taking an `Option`.
    let mut builder: BTreeMap<String, String> = names::BUILDER_METHODS
        .iter()
        .flat_map(|m| {
            let twin = (!names::BUILDER_NON_SETTERS.contains(m)).then(|| names::option_setter(m));
            std::iter::once((*m).to_owned()).chain(twin).map(move |n| (n, format!("the builder's own `{m}`")))
        })
        .collect();
    let mut claim = |lw: &mut Lowerer, method: &str, what: String, loc: Loc, help: &str| {
        for method in [method.to_owned(), names::option_setter(method)] {
            match builder.get(&method) {
                Some(other) => {
                    lw.error(
                        "LS0304",
                        loc,
                        format!("{what} needs the builder method `{method}`, already taken by {other}"),
                        help,
                    );
                    return;
                }
                None => {
                    builder.insert(method, what.clone());
                }
            }
        }
    };
    let a = &spec.auth.value;
    let auth_loc = a.setter.as_ref().or(a.scheme.as_ref()).map_or_else(|| Loc::at(&spec.auth), Loc::at);
    match auth {
        Some(ir::Auth::Bearer { setter } | ir::Auth::Header { setter, .. }) => {
            claim(lw, setter, "the credential setter".to_owned(), auth_loc, "set `auth.setter:` to another name");
        }
        Some(ir::Auth::KeyPair { .. }) => {
            for m in names::KEY_PAIR_SETTERS {
                claim(lw, m, "the key pair setters".to_owned(), auth_loc, "rename the colliding header or server variable");
            }
        }
        Some(basic @ ir::Auth::Basic { .. }) => {
            for m in basic.setters() {
                claim(lw, &m, "the Basic credential setters".to_owned(), auth_loc, "set `auth.user:` or `auth.password:` to another name");
            }
        }
        Some(ir::Auth::Named { schemes, .. }) => {
            for (name, scheme) in schemes {
                let loc = a.schemes.iter().flat_map(|s| s.value.0.iter()).find(|(k, _)| k.value == *name).map_or(auth_loc, |(k, _)| Loc::at(k));
                for m in scheme.setters() {
                    claim(lw, &m, format!("scheme `{name}`"), loc, "rename the setter (`setter:`, `user:` or `password:`) or what it collides with");
                }
            }
        }
        None => {}
    }
    for v in variables {
        let loc = spec.servers.variables.0.iter().find(|(k, _)| k.value == v.wire).map(|(k, _)| Loc::at(k)).unwrap_or_default();
        claim(lw, &v.setter, format!("server variable `{}`", v.wire), loc, "rename the variable here and in the URLs; the name is the spec's own");
    }
    for h in headers {
        let loc = spec.headers.0.iter().find(|(k, _)| k.value == h.wire).map(|(k, _)| Loc::at(k)).unwrap_or_default();
        claim(lw, &h.setter, format!("header `{}`", h.wire), loc, "add `setter: <other_name>` to the header");
    }
    for (name, _) in &spec.auth.value.inputs.0 {
        claim(lw, &name.value, format!("input `{}`", name.value), Loc::at(name), "rename the input; steps refer to it by this name");
    }
    for (name, _) in &spec.servers.hosts.0 {
        claim(lw, &format!("{}_url", name.value), format!("host `{}`", name.value), Loc::at(name), "rename the host");
    }
    let mut requests: BTreeMap<&str, &str> = BTreeMap::new();
    let mut methods: BTreeMap<String, String> =
        names::CLIENT_METHODS.iter().map(|m| ((*m).to_owned(), format!("the generated `Client::{m}`"))).collect();
    for (op, (name, _)) in operations.iter().zip(&spec.operations.value.0) {
        let mut wanted = vec![(op.name.clone(), format!("operation `{}`", op.name))];
        if op.paging.is_some() {
            wanted.push((names::pages_method(&op.name), format!("the pages of operation `{}`", op.name)));
        }
        if op_spec_items(spec, &op.name) {
            wanted.push((names::items_method(&op.name), format!("the items of operation `{}`", op.name)));
        }
        for (method, what) in wanted {
            match methods.get(&method) {
                Some(other) => lw.error(
                    "LS0304",
                    Loc::at(name),
                    format!("{what} needs the client method `{method}`, already taken by {other}"),
                    "rename the operation",
                ),
                None => {
                    methods.insert(method, what);
                }
            }
        }
        let upper = op.name.to_uppercase();
        if names::RESERVED_STATICS.contains(&upper.as_str()) {
            lw.error(
                "LS0304",
                Loc::at(name),
                format!("operation `{}` needs the static `{upper}`, which every client module already has", op.name),
                "rename the operation",
            );
        }
        match requests.get(op.request_type.as_str()) {
            Some(other) if *other != op.name => lw.error(
                "LS0304",
                Loc::at(name),
                format!("operations `{other}` and `{}` both need the request type `{}`", op.name, op.request_type),
                "rename one of them; `a1` and `a_1` differ only in an underscore",
            ),
            _ => {
                requests.insert(&op.request_type, &op.name);
            }
        }
    }
}

/// The setters of a model's optional fields (`x`, `set_x`, and `x_null` when `x` is nullable)
/// must be distinct and leave the model's own methods (`new`) alone: field `a_null` next to a
/// nullable `a` would give two `a_null`, field `set_a` next to `a` two `set_a`.
pub(super) fn check_model_setters(lw: &mut Lowerer, spec: &spec::Spec, models: &[ir::Model]) {
    // By name (the first of a name, as a search in order would find), for linear time.
    let mut specs = HashMap::new();
    for (k, v) in &spec.models.0 {
        specs.entry(k.value.as_str()).or_insert(v);
    }
    for m in models {
        let Some(m_spec) = specs.get(m.name.as_str()) else { continue };
        let mut taken: BTreeMap<String, String> =
            names::MODEL_METHODS.iter().map(|n| ((*n).to_owned(), format!("the model's own `{n}`"))).collect();
        for f in m.fields.iter().filter(|f| f.optional) {
            let loc = m_spec.value.fields.0.iter().find(|(k, _)| k.value == f.wire).map(|(k, _)| Loc::at(k)).unwrap_or_default();
            let mut setters = vec![(names::model_setter(&f.rust), "setter"), (names::option_setter(&f.rust), "`Option` setter")];
            if f.nullable {
                setters.push((names::model_null_setter(&f.rust), "`null` setter"));
            }
            for (setter, what) in setters {
                match taken.get(&setter) {
                    Some(other) => lw.error(
                        "LS0304",
                        loc,
                        format!("the {what} of `{}.{}` would be `{setter}`, already {other}", m.name, f.wire),
                        "add `rust: <other_name>` to the field",
                    ),
                    None => {
                        taken.insert(setter, format!("the setter of `{}`", f.wire));
                    }
                }
            }
        }
    }
}

/// True when the spec gives operation `name` a stream of items (`paging: { items: ... }`).
fn op_spec_items(spec: &spec::Spec, name: &str) -> bool {
    spec.operations.value.0.iter().any(|(k, o)| k.value == name && o.value.paging.as_ref().is_some_and(|p| p.value.items.is_some()))
}
