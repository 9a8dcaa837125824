//! Type expressions (`list<map<T>>`, scalars, declared names) and unused-type warnings.

use crate::diag::Loc;
use crate::ir;
use crate::spec::{self, Sp};
use std::collections::{BTreeSet, HashMap, HashSet};
use super::parse::suggest;
use super::Lowerer;

/// How deep `list<map<...>>` may nest; it bounds the recursion of [`parse_type_text`].
pub(super) const MAX_TYPE_NESTING: usize = 8;

/// A long text cut for a message.
pub(super) fn short(text: &str) -> String {
    let cut: String = text.chars().take(60).collect();
    if cut.len() < text.len() { format!("{cut}...") } else { cut }
}

/// Parses a type expression; scalars, `list<T>`, `map<T>` (with `T?` for items or values that
/// may be null), or a declared model or enum.
pub(super) fn parse_type(lw: &mut Lowerer, expr: &Sp<String>, format: Option<ir::TimestampFormat>) -> Option<ir::TypeRef> {
    let text = expr.value.trim();
    if text.matches('<').count() > MAX_TYPE_NESTING {
        lw.error(
            "LS0301",
            Loc::at(expr),
            format!("type `{}` nests more than {MAX_TYPE_NESTING} levels of `list<>` and `map<>`", short(text)),
            "declare a model for the inner part",
        );
        return None;
    }
    parse_type_text(lw, expr, text, format)
}

pub(super) fn parse_type_text(lw: &mut Lowerer, expr: &Sp<String>, text: &str, format: Option<ir::TimestampFormat>) -> Option<ir::TypeRef> {
    if text.ends_with('?') {
        lw.error(
            "LS0301",
            Loc::at(expr),
            format!("`{}`: `?` marks list items and map values that may be null, once, not a whole type", short(expr.value.trim())),
            "for a field or parameter that may be null, write `nullable: true`; inside a container write e.g. `list<string?>`",
        );
        return None;
    }
    for (prefix, wrap) in [("list<", ir::TypeRef::List as fn(Box<ir::TypeRef>) -> ir::TypeRef), ("map<", ir::TypeRef::Map)] {
        if let Some(inner) = text.strip_prefix(prefix) {
            let Some(inner) = inner.strip_suffix('>') else {
                lw.error("LS0301", Loc::at(expr), format!("`{text}` is missing its closing `>`"), "write e.g. `list<string>`");
                return None;
            };
            let inner = inner.trim();
            // `list<string?>`: items that may be `null`.
            let (inner, nullable) = match inner.strip_suffix('?') {
                Some(item) => (item.trim_end(), true),
                None => (inner, false),
            };
            if inner.is_empty() {
                lw.error("LS0301", Loc::at(expr), format!("`{text}` names no element type"), "write e.g. `list<string>` or `map<Account>`");
                return None;
            }
            let item = parse_type_text(lw, expr, inner, format)?;
            let item = if nullable { ir::TypeRef::Nullable(Box::new(item)) } else { item };
            return Some(wrap(Box::new(item)));
        }
    }
    let ty = match text {
        "string" => ir::TypeRef::String,
        "integer" => ir::TypeRef::Integer,
        "number" => ir::TypeRef::Number,
        "decimal" => ir::TypeRef::Decimal,
        "boolean" => ir::TypeRef::Boolean,
        "date" => ir::TypeRef::Date,
        "datetime" => ir::TypeRef::DateTime(match format.unwrap_or(lw.timestamps) {
            ir::TimestampFormat::Naive if lw.naive_utc => ir::TimestampFormat::NaiveUtc,
            other => other,
        }),
        "json" => ir::TypeRef::Json,
        name if lw.models.contains(name) => ir::TypeRef::Model(name.to_owned()),
        name if lw.enums.contains_key(name) => ir::TypeRef::Enum(name.to_owned()),
        name if lw.ids.contains_key(name) => ir::TypeRef::Id(name.to_owned(), lw.ids[name]),
        name => {
            const SCALARS: [&str; 10] = ["string", "integer", "number", "decimal", "boolean", "date", "datetime", "json", "list<T>", "map<T>"];
            let declared: Vec<String> = lw.models.iter().chain(lw.enums.keys()).chain(lw.ids.keys()).cloned().collect();
            let hint = match suggest(name, declared.iter().map(String::as_str).chain(SCALARS)) {
                Some(s) => format!("did you mean `{s}`?"),
                None => format!("declare `{name}` under `models:`, `enums:` or `ids:`, or use one of {}", SCALARS.join(", ")),
            };
            lw.error("LS0300", Loc::at(expr), format!("unknown type `{name}`"), &hint);
            return None;
        }
    };
    Some(ty)
}

/// Models and enums that no operation, error body or other used type refers to.
pub(super) fn warn_unused_types(
    lw: &mut Lowerer,
    spec: &spec::Spec,
    models: &[ir::Model],
    enums: &[ir::Enum],
    operations: &[ir::Operation],
    errors: Option<&ir::ErrorEnvelope>,
) {
    fn named(ty: &ir::TypeRef) -> Option<&str> {
        match ty {
            ir::TypeRef::Model(n) | ir::TypeRef::Enum(n) => Some(n),
            ir::TypeRef::List(inner) | ir::TypeRef::Map(inner) | ir::TypeRef::Nullable(inner) => named(inner),
            _ => None,
        }
    }
    let mut stack: Vec<String> = Vec::new();
    for op in operations {
        stack.extend(op.body.clone());
        stack.extend(op.response.as_ref().and_then(named).map(str::to_owned));
        stack.extend(op.params.iter().filter_map(|p| named(&p.ty)).map(str::to_owned));
        stack.extend(op.errors.as_ref().map(|e| e.model.clone()));
    }
    stack.extend(errors.map(|e| e.model.clone()));
    stack.push(spec.errors.value.model.value.clone());
    // By name, so that a spec of thousands of models is walked in linear time.
    let mut by_name: HashMap<&str, &ir::Model> = HashMap::new();
    for m in models {
        by_name.entry(m.name.as_str()).or_insert(m);
    }
    let enum_names: HashSet<&str> = enums.iter().map(|e| e.name.as_str()).collect();
    let mut used = BTreeSet::new();
    while let Some(name) = stack.pop() {
        if !used.insert(name.clone()) {
            continue;
        }
        if let Some(m) = by_name.get(name.as_str()) {
            stack.extend(m.fields.iter().filter_map(|f| named(&f.ty)).map(str::to_owned));
        }
    }
    let declared = spec.models.0.iter().map(|(k, _)| (k, "model")).chain(spec.enums.0.iter().map(|(k, _)| (k, "enum")));
    for (name, kind) in declared {
        let known = by_name.contains_key(name.value.as_str()) || enum_names.contains(name.value.as_str());
        if known && !used.contains(&name.value) {
            lw.warning(
                "LS1004",
                Loc::at(name),
                format!("{kind} `{}` is not used by any operation", name.value),
                "remove it, or use it in a body, a response, a parameter or a field of a used model",
            );
        }
    }
}
