//! Views: a view file into [`ir::View`], and each provider's mapping of it
//! (`views: { <view>: ... }`) into [`ir::ViewMapping`], checked against the provider's
//! operations and models: every pointer must resolve in the typed answer, every status value
//! must be one the provider's enum lists, and a listed value no row catches is a warning.

use super::parse::{on_a_line, parse_diagnostic, suggest};
use crate::diag::{Diagnostic, Loc, Severity};
use crate::ir::{self, AccessStep, TypeRef};
use crate::names;
use crate::spec::view::{FieldSource, StatusMappingSpec, VIEW_FIELD_TYPES, ViewMappingSpec, ViewSpec};
use crate::spec::{self, Sp};
use crate::SpecSource;

/// Fields every view item has; a view file may not declare them.
pub const BUILT_IN_FIELDS: &[&str] = &["provider", "status", "provider_status", "record"];

/// A view file, checked: the view, or (with an error, reported in `diags`) the name it
/// declares, when it could be read, so that providers mapping it are not told it is missing.
pub struct LoweredView {
    /// The view, when the file has no error.
    pub view: Option<ir::View>,
    /// The `view:` name, when the file could be read at all.
    pub name: Option<Sp<String>>,
    /// Problems found.
    pub diags: Vec<Diagnostic>,
}

/// Reads and checks a view file.
pub fn lower_view(source: &SpecSource) -> LoweredView {
    let (view, name, diags) = lower_view_parts(source);
    LoweredView { view, name, diags }
}

fn lower_view_parts(source: &SpecSource) -> (Option<ir::View>, Option<Sp<String>>, Vec<Diagnostic>) {
    let file = source.name.as_str();
    let mut diags = super::check_text(file, &source.text);
    let spec: ViewSpec = match spec::shape::from_str::<ViewSpec>(&source.text) {
        Ok(spec) => spec,
        Err(err) => {
            let problems = match spec::shape::read(&source.text) {
                Ok(tree) => spec::shape::check_as(file, &tree, spec::shape::Role::View),
                Err(syntax) => vec![parse_diagnostic(file, &syntax)],
            };
            let problems = if problems.is_empty() { vec![parse_diagnostic(file, &err)] } else { problems };
            diags.extend(problems.into_iter().map(|d| on_a_line(d, &source.text)));
            return (None, None, diags);
        }
    };
    let before = diags.len();
    let mut error = |at: Loc, message: String, help: &str| diags.push(Diagnostic::error("LS0400", file, at, message).help(help));
    if !names::is_value_name(&spec.view.value) {
        error(Loc::at(&spec.view), format!("view name `{}` is not snake_case", spec.view.value), "name the view like a module, e.g. `connections`");
    }
    for name in [&spec.item, &spec.status.value.ty] {
        if !names::is_type_name(&name.value) {
            error(Loc::at(name), format!("`{}` is not a PascalCase type name", name.value), "write it like a Rust type, e.g. `Connection`");
        }
    }
    // The module's own items, and the names it imports.
    let pascal = names::type_ident(&spec.view.value).unwrap_or_default();
    let taken = [
        format!("{}Record", spec.item.value),
        format!("{}Row", spec.item.value),
        format!("{pascal}Error"),
        format!("{pascal}Query"),
        format!("Provider{pascal}"),
        format!("{pascal}Source"),
        "Call".to_owned(),
        "Duration".to_owned(),
        "Future".to_owned(),
    ];
    if spec.item.value == spec.status.value.ty.value {
        error(Loc::at(&spec.status.value.ty), "the status type has the item's name".to_owned(), "name it after the item, e.g. `ConnectionStatus`");
    }
    for name in [&spec.item, &spec.status.value.ty] {
        if taken.contains(&name.value) {
            error(
                Loc::at(name),
                format!("`{}` is a name the view's module already uses", name.value),
                &format!("pick another; the module has {}", taken.join(", ")),
            );
        }
    }
    let mut status_values = Vec::new();
    for (value, doc) in &spec.status.value.values.0 {
        match names::is_value_name(&value.value) {
            true => {
                let rust = names::type_ident(&value.value).unwrap_or_default();
                if rust == "Unknown" {
                    error(Loc::at(value), "`unknown` is the status every view has for values no row maps".to_owned(), "leave it out: it is added, and keeps the provider's value");
                }
                status_values.push((rust, value.value.clone(), doc.value.clone()));
            }
            false => error(Loc::at(value), format!("status value `{}` is not snake_case", value.value), "write it like `needs_user_action`"),
        }
    }
    if status_values.is_empty() {
        error(Loc::at(&spec.status), "the status lists no values".to_owned(), "list the neutral values under `values:`, e.g. `connected: The connection works.`");
    }
    let mut fields = Vec::new();
    for (name, field) in &spec.fields.0 {
        if !names::is_value_name(&name.value) {
            error(Loc::at(name), format!("field name `{}` is not snake_case", name.value), "write it like `institution_id`");
            continue;
        }
        if BUILT_IN_FIELDS.contains(&name.value.as_str()) {
            error(
                Loc::at(name),
                format!("every view item has `{}` already", name.value),
                "`provider`, `status`, `provider_status` and `record` are built in; pick another name",
            );
            continue;
        }
        let kind = match field.value.ty.value.as_str() {
            "string" => ir::ViewFieldKind::String,
            "instant" => ir::ViewFieldKind::Instant,
            other => {
                error(Loc::at(&field.value.ty), format!("unknown view field type `{other}`"), &format!("use one of: {}", VIEW_FIELD_TYPES.join(", ")));
                continue;
            }
        };
        fields.push(ir::ViewField { name: name.value.clone(), kind, optional: field.value.optional, doc: field.value.doc.clone() });
    }
    if diags.len() > before || diags.iter().any(|d| d.severity == Severity::Error) {
        return (None, Some(spec.view), diags);
    }
    let view = ir::View {
        source: file.to_owned(),
        name: spec.view.value.clone(),
        title: spec.title.clone(),
        doc: spec.doc.clone(),
        item: spec.item.value.clone(),
        status_type: spec.status.value.ty.value.clone(),
        status_doc: spec.status.value.doc.clone(),
        status_values,
        fields,
    };
    let name = spec.view;
    (Some(view), Some(name), diags)
}

/// Lowers a provider's `views:` against the views and the provider's lowered IR.
///
/// `broken` names views whose files have errors: their mappings are not checked (the file's
/// own diagnostics say what is wrong) rather than reported as mappings of no view.
pub fn lower_mappings(file: &str, spec: &spec::Spec, provider: &ir::Provider, views: &[ir::View], broken: &[String], diags: &mut Vec<Diagnostic>) -> Vec<ir::ViewMapping> {
    let mut cx = Cx { file, provider, diags };
    let mut out = Vec::new();
    for (name, mapping) in &spec.views.0 {
        if broken.contains(&name.value) {
            continue;
        }
        let Some(view) = views.iter().find(|v| v.name == name.value) else {
            let known: Vec<&str> = views.iter().map(|v| v.name.as_str()).collect();
            let help = match suggest(&name.value, known.iter().copied()) {
                Some(s) => format!("did you mean `{s}`?"),
                None if known.is_empty() => "no view is declared: add `specs/views/<view>.yaml`".to_owned(),
                None => format!("declared views: {}", known.join(", ")),
            };
            cx.error("LS0401", Loc::at(name), format!("no view named `{}`", name.value), &help);
            continue;
        };
        if let Some(m) = cx.mapping(view, &mapping.value, Loc::at(mapping)) {
            out.push(m);
        }
    }
    out.sort_by(|a, b| a.view.cmp(&b.view));
    out
}

/// Resolves each paged operation's `paging.items` pointer over its answer (after lowering,
/// when the models are known), setting `items` of the operation.
pub fn lower_items(file: &str, spec: &spec::Spec, provider: &mut ir::Provider, diags: &mut Vec<Diagnostic>) {
    let mut found = Vec::new();
    {
        let mut cx = Cx { file, provider, diags };
        for (name, op) in &spec.operations.value.0 {
            let Some(items) = op.value.paging.as_ref().and_then(|p| p.value.items.as_ref()) else { continue };
            let Some(lowered) = provider.operations.iter().find(|o| o.name == name.value) else { continue };
            let (Some(_), Some(answer)) = (&lowered.paging, &lowered.response) else { continue };
            if items.value.is_empty() {
                cx.error("LS0403", Loc::at(items), "`items` points at the whole page".to_owned(), "point at the list of items in a page, with `*`: e.g. `/links/*`");
                continue;
            }
            if let Some(access) = cx.access(items, answer, Purpose::Records) {
                if !access.steps.iter().any(|s| matches!(s, AccessStep::ListItems { .. } | AccessStep::MapValues { .. })) {
                    cx.error("LS0403", Loc::at(items), format!("`{}` reaches one value per page, not a list of items", items.value), "end the pointer at a list or map with `*`, e.g. `/links/*`");
                    continue;
                }
                found.push((name.value.clone(), access));
            }
        }
    }
    for (name, access) in found {
        if let Some(op) = provider.operations.iter_mut().find(|o| o.name == name) {
            op.items = Some(access);
        }
    }
}

struct Cx<'a> {
    file: &'a str,
    provider: &'a ir::Provider,
    diags: &'a mut Vec<Diagnostic>,
}

/// Whether a pointer resolves to values that are owned (records, moved out of the answer) or
/// borrowed (fields, read from a record). Only the wording of problems differs.
#[derive(Clone, Copy)]
enum Purpose {
    Records,
    Value,
}

impl Cx<'_> {
    fn error(&mut self, code: &'static str, at: Loc, message: String, help: &str) {
        self.diags.push(Diagnostic::error(code, self.file, at, message).help(help));
    }

    fn warning(&mut self, code: &'static str, at: Loc, message: String, help: &str) {
        self.diags.push(Diagnostic::warning(code, self.file, at, message).help(help));
    }

    fn mapping(&mut self, view: &ir::View, m: &ViewMappingSpec, at: Loc) -> Option<ir::ViewMapping> {
        let errors = self.errors();
        let (op_name, each) = match (&m.list, &m.each) {
            (Some(op), None) => (op, false),
            (None, Some(op)) => (op, true),
            (Some(_), Some(each)) => {
                self.error("LS0402", Loc::at(each), "`list` and `each` both given".to_owned(), "keep `list` for an operation that lists the records, `each` for one that reads one record per argument");
                return None;
            }
            (None, None) => {
                self.error("LS0402", at, "the mapping names no operation".to_owned(), "add `list: <operation>` (one call lists the records) or `each: <operation>` (one call per argument)");
                return None;
            }
        };
        let provider = self.provider;
        let Some(op) = provider.operations.iter().find(|o| o.name == op_name.value) else {
            let help = match suggest(&op_name.value, provider.operations.iter().map(|o| o.name.as_str())) {
                Some(s) => format!("did you mean `{s}`?"),
                None => "name one of the provider's `operations:`".to_owned(),
            };
            self.error("LS0402", Loc::at(op_name), format!("no operation named `{}`", op_name.value), &help);
            return None;
        };
        let answer = match &op.response {
            Some(TypeRef::Model(model)) => model.clone(),
            _ => {
                self.error("LS0402", Loc::at(op_name), format!("`{}` does not answer with a model", op.name), "a view reads its records from a JSON object answer");
                return None;
            }
        };
        if op.errors.is_some() {
            self.error(
                "LS0402",
                Loc::at(op_name),
                format!("`{}` has an error envelope of its own", op.name),
                "a view's method fails with the provider's error type; map an operation that uses the provider's envelope",
            );
        }
        if each && op.paging.is_some() {
            self.error("LS0402", Loc::at(op_name), format!("`{}` is paged", op.name), "`each` reads one record per call; use `list` for a paged listing");
        }
        let method = format!("list_{}", view.name);
        for taken in [method.clone(), format!("{}_rows", view.name)] {
            if provider.operations.iter().any(|o| o.name == taken || names::pages_method(&o.name) == taken) {
                self.error(
                    "LS0402",
                    at,
                    format!("the client already has a method `{taken}`, which the view's method would take"),
                    &format!("rename the operation (its key under `operations:`); `{method}` is the view's"),
                );
            }
        }
        let args = self.args(op, m, each, at);
        let records = self.access(&m.records, &TypeRef::Model(answer), Purpose::Records);
        let record = match records.as_ref().map(|a| &a.ty) {
            Some(TypeRef::Model(name)) => Some(name.clone()),
            Some(other) => {
                self.error("LS0403", Loc::at(&m.records), format!("`{}` reaches {}, not a record", m.records.value, describe(other)), "point at objects (a model): `/links/*`, `/members/*`, or `\"\"` for the answer itself");
                None
            }
            None => None,
        };
        let naive_utc = match &m.naive_zone {
            Some(z) => crate::lower::naive_zone(z).unwrap_or_else(|(message, help)| {
                self.error("LS0404", Loc::at(z), message, help);
                false
            }),
            None => false,
        };
        let mut fields = Vec::new();
        let mut status_from = Vec::new();
        let mut rows = Vec::new();
        let mut otherwise = None;
        if let Some(record) = &record {
            let record_ty = TypeRef::Model(record.clone());
            fields = self.fields(view, m, &record_ty, naive_utc, at);
            (status_from, rows, otherwise) = self.status(view, &m.status, &record_ty);
        }
        if self.errors() > errors {
            return None;
        }
        Some(ir::ViewMapping {
            view: view.name.clone(),
            doc: m.doc.clone(),
            operation: op.name.clone(),
            each,
            args: args?,
            records: records?,
            record: record?,
            paged: op.paging.is_some(),
            fields,
            status_from,
            rows,
            otherwise,
        })
    }

    fn errors(&self) -> usize {
        self.diags.iter().filter(|d| d.severity == Severity::Error).count()
    }

    /// The method's arguments: parameters or body fields of the operation; every other
    /// required one would have no value.
    fn args(&mut self, op: &ir::Operation, m: &ViewMappingSpec, each: bool, at: Loc) -> Option<Vec<ir::ViewArg>> {
        let body = op.body.as_ref().and_then(|b| self.provider.models.iter().find(|x| &x.name == b));
        let mut out = Vec::new();
        let mut ok = true;
        for arg in &m.args {
            if let Some(field) = arg.value.strip_prefix("body.") {
                match body.and_then(|b| b.fields.iter().find(|f| f.wire == field)) {
                    Some(f) if !f.optional && !f.nullable && is_scalar(&f.ty) => {
                        out.push(ir::ViewArg { rust: f.rust.clone(), param: false, ty: f.ty.clone() })
                    }
                    Some(_) => {
                        self.error("LS0405", Loc::at(arg), format!("body field `{field}` is optional or not a scalar"), "an argument fills a required string, number or boolean field of the body");
                        ok = false;
                    }
                    None => {
                        let help = match body {
                            Some(b) => suggest(field, b.fields.iter().map(|f| f.wire.as_str())).map_or_else(
                                || format!("the body `{}` has: {}", b.name, b.fields.iter().map(|f| f.wire.as_str()).collect::<Vec<_>>().join(", ")),
                                |s| format!("did you mean `body.{s}`?"),
                            ),
                            None => format!("`{}` has no body", op.name),
                        };
                        self.error("LS0405", Loc::at(arg), format!("no body field `{field}`"), &help);
                        ok = false;
                    }
                }
                continue;
            }
            match op.params.iter().find(|p| p.wire == arg.value) {
                Some(ir::Param { from: Some(setting), .. }) => {
                    self.error(
                        "LS0405",
                        Loc::at(arg),
                        format!("parameter `{}` of `{}` is filled by the client from `{setting}`, not by the request", arg.value, op.name),
                        &format!("remove `{}` from `args:`", arg.value),
                    );
                    ok = false;
                }
                Some(p) => out.push(ir::ViewArg { rust: p.rust.clone(), param: true, ty: p.ty.clone() }),
                None => {
                    let help = match suggest(&arg.value, op.params.iter().map(|p| p.wire.as_str())) {
                        Some(s) => format!("did you mean `{s}`?"),
                        None => "name a parameter of the operation by its wire name, or a body field as `body.<field>`".to_owned(),
                    };
                    self.error("LS0405", Loc::at(arg), format!("`{}` has no parameter `{}`", op.name, arg.value), &help);
                    ok = false;
                }
            }
        }
        for p in op.params.iter().filter(|p| p.required && p.from.is_none()) {
            if !m.args.iter().any(|a| a.value == p.wire) {
                self.error("LS0405", at, format!("`{}` needs parameter `{}`, which no argument gives", op.name, p.wire), &format!("add `{}` to `args:`", p.wire));
                ok = false;
            }
        }
        let names: Vec<&str> = out.iter().map(|a| a.rust.as_str()).collect();
        for (i, arg) in m.args.iter().enumerate() {
            if let Some(rust) = names.get(i)
                && names[..i].contains(rust)
            {
                self.error(
                    "LS0405",
                    Loc::at(arg),
                    format!("`{}` is a second argument named `{rust}` in Rust", arg.value),
                    "each argument becomes a parameter of the method: a parameter and a body field of one name cannot both be arguments",
                );
                ok = false;
            }
        }
        let body_args = m.args.iter().any(|a| a.value.starts_with("body."));
        if let (Some(b), true) = (body, !op.body_optional || body_args) {
            for f in b.fields.iter().filter(|f| !f.optional) {
                if !m.args.iter().any(|a| a.value.strip_prefix("body.") == Some(f.wire.as_str())) {
                    self.error("LS0405", at, format!("the body of `{}` needs `{}`, which no argument gives", op.name, f.wire), &format!("add `body.{}` to `args:`", f.wire));
                    ok = false;
                }
            }
        }
        if each && (out.len() != 1 || !matches!(out.first().map(|a| &a.ty), Some(TypeRef::String | TypeRef::Id(_, ir::IdWire::String)))) {
            self.error("LS0405", at, "`each` needs exactly one argument, a string".to_owned(), "name the one parameter or body field that takes each value, e.g. `args: [body.access_token]`");
            ok = false;
        }
        ok.then_some(out)
    }

    fn fields(&mut self, view: &ir::View, m: &ViewMappingSpec, record: &TypeRef, naive_utc: bool, at: Loc) -> Vec<(String, ir::ViewValue)> {
        let mut out = Vec::new();
        for (name, source) in &m.fields.0 {
            let Some(field) = view.fields.iter().find(|f| f.name == name.value) else {
                let help = match suggest(&name.value, view.fields.iter().map(|f| f.name.as_str())) {
                    Some(s) => format!("did you mean `{s}`?"),
                    None => format!("the view's fields: {}", view.fields.iter().map(|f| f.name.as_str()).collect::<Vec<_>>().join(", ")),
                };
                self.error("LS0406", Loc::at(name), format!("view `{}` has no field `{}`", view.name, name.value), &help);
                continue;
            };
            let (pointers, aggregate) = match &source.value {
                FieldSource::Pointer(p) => (vec![p.clone()], None),
                FieldSource::Latest(ps) => (ps.clone(), Some(true)),
                FieldSource::Earliest(ps) => (ps.clone(), Some(false)),
            };
            let mut accesses = Vec::new();
            for p in &pointers {
                let sp = Sp { value: p.clone(), referenced: source.referenced, defined: source.defined };
                let Some(access) = self.access(&sp, record, Purpose::Value) else { continue };
                let fits = match (field.kind, &access.ty) {
                    (ir::ViewFieldKind::String, TypeRef::String | TypeRef::Enum(_) | TypeRef::Id(_, ir::IdWire::String)) => true,
                    (ir::ViewFieldKind::Instant, TypeRef::DateTime(fmt)) => {
                        if *fmt == ir::TimestampFormat::Naive && !naive_utc {
                            self.error(
                                "LS0407",
                                Loc::at(source),
                                format!("`{p}` is a date-time without an offset"),
                                "say which zone it is in: `naive_zone: utc` on the mapping",
                            );
                        }
                        true
                    }
                    _ => false,
                };
                if !fits {
                    let want = match field.kind {
                        ir::ViewFieldKind::String => "a string or an enum",
                        ir::ViewFieldKind::Instant => "a date-time",
                    };
                    self.error("LS0407", Loc::at(source), format!("`{p}` is {}, and `{}` needs {want}", describe(&access.ty), field.name), "point at a field of that type");
                    continue;
                }
                accesses.push(access);
            }
            if accesses.len() != pointers.len() {
                continue;
            }
            let value = match aggregate {
                None => {
                    let access = accesses.remove(0);
                    if access.steps.iter().any(|s| !matches!(s, AccessStep::Field { .. })) {
                        self.error(
                            "LS0407",
                            Loc::at(source),
                            format!("`{}` reaches several values through `*`", access.pointer),
                            "a field takes one value: drop the `*`, or for instants say `{ latest: ... }` or `{ earliest: ... }`",
                        );
                        continue;
                    }
                    if !field.optional && field.kind == ir::ViewFieldKind::Instant && access.ty == TypeRef::DateTime(ir::TimestampFormat::Naive) {
                        self.error(
                            "LS0408",
                            Loc::at(source),
                            format!("`{}` has no offset, and `{}` is required", access.pointer, field.name),
                            "a date-time read as UTC may fall outside the range of instants: make the view's field `optional: true`",
                        );
                        continue;
                    }
                    if !field.optional && !access.certain() {
                        self.error(
                            "LS0408",
                            Loc::at(source),
                            format!("`{}` may be absent or null, and `{}` is required", access.pointer, field.name),
                            "map a field that is always present, or make the view's field `optional: true`",
                        );
                        continue;
                    }
                    ir::ViewValue::First(access)
                }
                Some(latest) => {
                    if field.kind != ir::ViewFieldKind::Instant {
                        self.error("LS0407", Loc::at(source), format!("`latest` and `earliest` pick an instant, and `{}` is a string", field.name), "map one pointer");
                        continue;
                    }
                    if !field.optional {
                        self.error("LS0408", Loc::at(source), format!("`{}` is required, and the latest of several values may be none", field.name), "make the view's field `optional: true`");
                        continue;
                    }
                    if latest { ir::ViewValue::Latest(accesses) } else { ir::ViewValue::Earliest(accesses) }
                }
            };
            out.push((name.value.clone(), value));
        }
        for f in view.fields.iter().filter(|f| !f.optional) {
            if !m.fields.0.iter().any(|(n, _)| n.value == f.name) {
                self.error("LS0408", at, format!("the mapping leaves out `{}`, which view `{}` requires", f.name, view.name), &format!("map it under `fields:`, e.g. `{}: /id`", f.name));
            }
        }
        out
    }

    fn status(&mut self, view: &ir::View, s: &Sp<StatusMappingSpec>, record: &TypeRef) -> (Vec<ir::Access>, Vec<ir::StatusRow>, Option<String>) {
        let mut from = Vec::new();
        let mut resolved = true;
        for p in &s.value.from {
            match self.access(p, record, Purpose::Value) {
                Some(a) if matches!(a.ty, TypeRef::String | TypeRef::Enum(_)) && a.steps.iter().all(|s| matches!(s, AccessStep::Field { .. })) => from.push(a),
                Some(a) => {
                    self.error("LS0409", Loc::at(p), format!("`{}` is {}", p.value, describe(&a.ty)), "a status is read from one string or enum value: point at one, without `*`");
                    resolved = false;
                }
                None => resolved = false,
            }
        }
        if s.value.from.is_empty() && (s.value.otherwise.is_none() || !s.value.rows.is_empty()) {
            self.error(
                "LS0409",
                Loc::at(s),
                "`from` lists no pointer".to_owned(),
                "list the pointers the rows test, e.g. `from: [/state]`; a provider with no status at all says `from: []`, `rows: []` and `otherwise: <status>`",
            );
        }
        let status_names: Vec<&str> = view.status_values.iter().map(|(_, w, _)| w.as_str()).collect();
        let check_status = |cx: &mut Self, value: &Sp<String>| {
            if status_names.contains(&value.value.as_str()) {
                return true;
            }
            let help = match suggest(&value.value, status_names.iter().copied()) {
                Some(x) => format!("did you mean `{x}`?"),
                None => format!("view `{}` has: {}", view.name, status_names.join(", ")),
            };
            cx.error("LS0410", Loc::at(value), format!("view `{}` has no status `{}`", view.name, value.value), &help);
            false
        };
        let otherwise = s.value.otherwise.as_ref().filter(|o| check_status(self, o)).map(|o| o.value.clone());
        let mut rows = Vec::new();
        for row in &s.value.rows {
            check_status(self, &row.value.status);
            if row.value.when.0.is_empty() {
                self.error("LS0411", Loc::at(row), "the row tests nothing".to_owned(), "give `when:` a pointer and its values; for every value no row maps, use `otherwise:`");
            }
            let mut when = Vec::new();
            for (pointer, values) in &row.value.when.0 {
                let Some(i) = s.value.from.iter().position(|p| p.value == pointer.value) else {
                    let help = match suggest(&pointer.value, s.value.from.iter().map(|p| p.value.as_str())) {
                        Some(x) => format!("did you mean `{x}`?"),
                        None => "add it to `from:` first".to_owned(),
                    };
                    self.error("LS0411", Loc::at(pointer), format!("`{}` is not one of `from`", pointer.value), &help);
                    continue;
                };
                if let Some(access) = from.get(i).filter(|_| resolved) {
                    self.check_values(access, values);
                }
                when.push((i, values.value.0.clone()));
            }
            rows.push(ir::StatusRow { when, status: row.value.status.value.clone(), source: row.value.source.clone() });
        }
        if resolved && s.value.otherwise.is_none() {
            self.warn_unmapped(&from, &rows, s);
        }
        (from, rows, otherwise)
    }

    /// Each value a row tests must be one the provider can send there.
    fn check_values(&mut self, access: &ir::Access, values: &Sp<crate::spec::view::Matches>) {
        let provider = self.provider;
        for v in &values.value.0 {
            match (v, &access.ty) {
                (None, _) => {
                    let null_ok = !access.certain() || matches!(&access.ty, TypeRef::Enum(e) if provider.enums.iter().any(|x| &x.name == e && x.nullable));
                    if !null_ok {
                        self.error("LS0410", Loc::at(values), format!("`{}` is always present, so it is never null", access.pointer), "drop `null` from the row");
                    }
                }
                (Some(text), TypeRef::Enum(name)) => {
                    let Some(e) = provider.enums.iter().find(|x| &x.name == name) else { continue };
                    if !e.values.iter().any(|x| &x.wire == text) {
                        let help = match suggest(text, e.values.iter().map(|x| x.wire.as_str())) {
                            Some(x) => format!("did you mean `{x}`? (values are matched exactly, case included)"),
                            None => format!("add it to enum `{name}` first if the provider sends it; it lists: {}", e.values.iter().map(|x| x.wire.as_str()).collect::<Vec<_>>().join(", ")),
                        };
                        self.error("LS0410", Loc::at(values), format!("enum `{name}` (at `{}`) has no value `{text}`", access.pointer), &help);
                    }
                }
                (Some(_), _) => {}
            }
        }
    }

    /// A listed enum value that no row can catch falls to the unknown status: a warning. When
    /// every pointer is an enum, every combination of their values is tried (rows test several
    /// pointers at once); otherwise each enum pointer on its own.
    fn warn_unmapped(&mut self, from: &[ir::Access], rows: &[ir::StatusRow], s: &Sp<StatusMappingSpec>) {
        if from.len() > 1 && self.warn_unmapped_combinations(from, rows, s) {
            return;
        }
        self.warn_unmapped_each(from, rows, s);
    }

    /// The combinations no row matches, when every pointer is an enum and there are not too
    /// many; false when it could not be done that way.
    fn warn_unmapped_combinations(&mut self, from: &[ir::Access], rows: &[ir::StatusRow], s: &Sp<StatusMappingSpec>) -> bool {
        const MOST: usize = 100_000;
        let provider = self.provider;
        let mut domains: Vec<Vec<Option<String>>> = Vec::new();
        for access in from {
            let TypeRef::Enum(name) = &access.ty else { return false };
            let Some(e) = provider.enums.iter().find(|x| &x.name == name) else { return false };
            let mut values: Vec<Option<String>> = e.values.iter().map(|v| Some(v.wire.clone())).collect();
            if e.nullable || !access.certain() {
                values.push(None);
            }
            domains.push(values);
        }
        if domains.iter().map(Vec::len).try_fold(1usize, usize::checked_mul).is_none_or(|n| n > MOST) {
            return false;
        }
        let mut missing = Vec::new();
        let mut index = vec![0usize; domains.len()];
        loop {
            let combo: Vec<&Option<String>> = index.iter().zip(&domains).map(|(i, d)| &d[*i]).collect();
            let matched = rows.iter().any(|r| r.when.iter().all(|(j, values)| values.contains(combo[*j])));
            if !matched {
                missing.push(
                    combo.iter().zip(from).map(|(v, a)| format!("{} = {}", a.pointer, v.as_deref().unwrap_or("null"))).collect::<Vec<_>>().join(", "),
                );
            }
            // The next combination, the last pointer fastest.
            let mut k = domains.len();
            loop {
                if k == 0 {
                    break;
                }
                k -= 1;
                index[k] += 1;
                if index[k] < domains[k].len() {
                    break;
                }
                index[k] = 0;
                if k == 0 {
                    k = usize::MAX;
                    break;
                }
            }
            if k == usize::MAX {
                break;
            }
        }
        if !missing.is_empty() {
            let shown: Vec<String> = missing.iter().take(5).map(|m| format!("({m})")).collect();
            let more = if missing.len() > 5 { format!(" and {} more", missing.len() - 5) } else { String::new() };
            self.warning(
                "LS1011",
                Loc::at(s),
                format!("{} combination(s) of listed values match no row and will be the unknown status: {}{more}", missing.len(), shown.join(", ")),
                "add rows for them, or `otherwise: <status>` for every value no row maps",
            );
        }
        true
    }

    fn warn_unmapped_each(&mut self, from: &[ir::Access], rows: &[ir::StatusRow], s: &Sp<StatusMappingSpec>) {
        let provider = self.provider;
        for (i, access) in from.iter().enumerate() {
            let TypeRef::Enum(name) = &access.ty else { continue };
            let Some(e) = provider.enums.iter().find(|x| &x.name == name) else { continue };
            let caught = |value: Option<&str>| {
                rows.iter().any(|r| match r.when.iter().find(|(j, _)| *j == i) {
                    None => true,
                    Some((_, values)) => values.iter().any(|v| v.as_deref() == value),
                })
            };
            let mut missing: Vec<String> = e.values.iter().filter(|v| !caught(Some(&v.wire))).map(|v| format!("`{}`", v.wire)).collect();
            if (e.nullable || !access.certain()) && !caught(None) {
                missing.push("`null`".to_owned());
            }
            if !missing.is_empty() {
                let at = s.value.from.get(i).map_or_else(|| Loc::at(s), Loc::at);
                self.warning(
                    "LS1011",
                    at,
                    format!("{} of `{}` (enum `{name}`) {} mapped by no row, and will be the unknown status", missing.join(", "), access.pointer, if missing.len() == 1 { "is" } else { "are" }),
                    "add a row for each, or `otherwise: <status>` for every value no row maps",
                );
            }
        }
    }

    /// Resolves a JSON pointer over `root` through the provider's models.
    fn access(&mut self, pointer: &Sp<String>, root: &TypeRef, purpose: Purpose) -> Option<ir::Access> {
        let text = &pointer.value;
        if !text.is_empty() && !text.starts_with('/') {
            self.error("LS0403", Loc::at(pointer), format!("`{text}` is not a JSON pointer"), "start it with `/`, e.g. `/institution_id`; `\"\"` is the whole value");
            return None;
        }
        let provider = self.provider;
        let mut ty = root.clone();
        let mut steps = Vec::new();
        let mut walked = String::new();
        for raw in text.split('/').skip(1) {
            let token = raw.replace("~1", "/").replace("~0", "~");
            let (step, next) = match (&ty, token.as_str()) {
                (TypeRef::List(inner), "*") => list_step(inner, true),
                (TypeRef::Map(inner), "*") => list_step(inner, false),
                (TypeRef::Model(name), "*") if matches!(purpose, Purpose::Value) => {
                    let model = provider.models.iter().find(|m| &m.name == name)?;
                    let Some(first) = model.fields.first() else {
                        self.error("LS0403", Loc::at(pointer), format!("`{walked}` has no fields for `*`"), "point at a field");
                        return None;
                    };
                    if let Some(other) = model.fields.iter().find(|f| f.ty != first.ty) {
                        self.error(
                            "LS0403",
                            Loc::at(pointer),
                            format!("`*` at `{walked}` reaches fields of different types (`{}` and `{}`)", first.wire, other.wire),
                            "`*` over a model needs all its fields of one type; list the pointers instead",
                        );
                        return None;
                    }
                    (AccessStep::Fields(model.fields.iter().map(field_step).collect()), first.ty.clone())
                }
                (TypeRef::Model(name), token) => {
                    let model = provider.models.iter().find(|m| &m.name == name)?;
                    match model.fields.iter().find(|f| f.wire == token) {
                        Some(f) => (field_step(f), f.ty.clone()),
                        None => {
                            let help = match suggest(token, model.fields.iter().map(|f| f.wire.as_str())) {
                                Some(s) => format!("did you mean `{s}`? (`{name}` has: {})", field_list(model)),
                                None => format!("`{name}` has: {}", field_list(model)),
                            };
                            let place = place_name(purpose, &walked);
                            self.error("LS0403", Loc::at(pointer), format!("`{text}` does not resolve: {place} (`{name}`) has no field `{token}`"), &help);
                            return None;
                        }
                    }
                }
                (other, token) => {
                    let help = match other {
                        TypeRef::List(_) | TypeRef::Map(_) => "use `*` for every item",
                        _ if matches!(purpose, Purpose::Records) => "records are objects; point at a list or map of them and add `*`",
                        _ => "point no deeper than a scalar",
                    };
                    let place = place_name(purpose, &walked);
                    self.error("LS0403", Loc::at(pointer), format!("`{text}` does not resolve: {place} is {} and has no `{token}`", describe(other)), help);
                    return None;
                }
            };
            walked.push('/');
            walked.push_str(raw);
            steps.push(step);
            ty = next;
        }
        let ty = match ty {
            TypeRef::Nullable(inner) => *inner,
            t => t,
        };
        Some(ir::Access { pointer: text.clone(), steps, ty })
    }
}

/// Where a pointer stopped resolving, for a message: a prefix, or the value it started from.
fn place_name(purpose: Purpose, walked: &str) -> String {
    match (walked.is_empty(), purpose) {
        (false, _) => format!("`{walked}`"),
        (true, Purpose::Records) => "the answer".to_owned(),
        (true, Purpose::Value) => "the record".to_owned(),
    }
}

fn list_step(inner: &TypeRef, list: bool) -> (AccessStep, TypeRef) {
    let (nullable, item) = match inner {
        TypeRef::Nullable(t) => (true, (**t).clone()),
        t => (false, t.clone()),
    };
    let step = if list { AccessStep::ListItems { nullable } } else { AccessStep::MapValues { nullable } };
    (step, item)
}

fn field_step(f: &ir::Field) -> AccessStep {
    AccessStep::Field { rust: f.rust.clone(), optional: f.optional, nullable: f.nullable, boxed: f.boxed }
}

fn field_list(model: &ir::Model) -> String {
    model.fields.iter().map(|f| f.wire.as_str()).collect::<Vec<_>>().join(", ")
}

fn is_scalar(ty: &TypeRef) -> bool {
    matches!(ty, TypeRef::String | TypeRef::Integer | TypeRef::Boolean | TypeRef::Enum(_) | TypeRef::Id(..))
}

fn describe(ty: &TypeRef) -> String {
    match ty {
        TypeRef::String => "a string".into(),
        TypeRef::Integer => "an integer".into(),
        TypeRef::Number | TypeRef::Decimal => "a number".into(),
        TypeRef::Boolean => "a boolean".into(),
        TypeRef::Date => "a date".into(),
        TypeRef::DateTime(_) => "a date-time".into(),
        TypeRef::Json => "any JSON".into(),
        TypeRef::List(_) => "a list".into(),
        TypeRef::Map(_) => "a map".into(),
        TypeRef::Nullable(t) => describe(t),
        TypeRef::Model(n) => format!("a `{n}` object"),
        TypeRef::Enum(n) => format!("enum `{n}`"),
        TypeRef::Id(n, _) => format!("id `{n}`"),
    }
}
