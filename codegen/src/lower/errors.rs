//! Error envelopes (the provider's and operations' own) and classification rules.

use crate::diag::Loc;
use crate::ir;
use crate::spec::{self, Sp};
use super::headers::is_header_name;
use super::codes::{check_categories_readable, check_rule_codes, enum_of_field, lower_code_list, CodeListSpec, Which};
use super::parse::suggest;
use super::Lowerer;

/// The parts of an error envelope, wherever it is declared.
pub(super) struct EnvelopeParts<'a> {
    model: &'a Sp<String>,
    code: &'a Sp<spec::FieldPath>,
    message: Option<&'a Sp<spec::FieldPath>>,
    request_id: Option<&'a Sp<spec::FieldPath>>,
    category: Option<&'a Sp<spec::FieldPath>>,
    codes: Option<&'a CodeListSpec>,
    categories: Option<&'a CodeListSpec>,
}

pub(super) fn lower_errors(lw: &mut Lowerer, errors: &Sp<spec::ErrorsSpec>, models: &[ir::Model], enums: &[ir::Enum]) -> Option<ir::ErrorEnvelope> {
    let e = &errors.value;
    let parts = EnvelopeParts {
        model: &e.model,
        code: &e.code,
        message: e.message.as_ref(),
        request_id: e.request_id.as_ref(),
        category: e.category.as_ref(),
        codes: e.codes.as_ref(),
        categories: e.categories.as_ref(),
    };
    let envelope = lower_envelope(lw, &parts, models, enums)?;
    check_rule_codes(lw, e, &envelope);
    Some(envelope)
}

/// Operation-level envelopes: each is checked like the provider's, and one model may not be read
/// two ways.
pub(super) fn lower_operation_envelopes(
    lw: &mut Lowerer,
    spec: &spec::Spec,
    operations: &mut [ir::Operation],
    provider: Option<&ir::ErrorEnvelope>,
    models: &[ir::Model],
    enums: &[ir::Enum],
) {
    let mut seen: Vec<ir::ErrorEnvelope> = provider.into_iter().cloned().collect();
    for (op, (_, op_spec)) in operations.iter_mut().zip(&spec.operations.value.0) {
        let Some(e) = &op_spec.value.errors else { continue };
        let parts = EnvelopeParts {
            model: &e.value.model,
            code: &e.value.code,
            message: e.value.message.as_ref(),
            request_id: e.value.request_id.as_ref(),
            category: e.value.category.as_ref(),
            codes: e.value.codes.as_ref(),
            categories: e.value.categories.as_ref(),
        };
        let Some(envelope) = lower_envelope(lw, &parts, models, enums) else { continue };
        match seen.iter().find(|s| s.model == envelope.model) {
            Some(other) if *other != envelope => lw.error(
                "LS0122",
                Loc::at(&e.value.model),
                format!("model `{}` is already an error envelope read with other fields or other code lists", envelope.model),
                "name the same `code`, `message`, `request_id` and `category` fields, and list the same `codes` and `categories`, everywhere the model is an envelope",
            ),
            Some(_) => {}
            None => seen.push(envelope.clone()),
        }
        op.errors = Some(envelope);
    }
}

pub(super) fn lower_envelope(lw: &mut Lowerer, e: &EnvelopeParts<'_>, models: &[ir::Model], enums: &[ir::Enum]) -> Option<ir::ErrorEnvelope> {
    let Some(model) = models.iter().find(|m| m.name == e.model.value) else {
        if !lw.models.contains(&e.model.value) {
            let hint = match suggest(&e.model.value, lw.models.iter().map(String::as_str)) {
                Some(s) => format!("did you mean `{s}`?"),
                None => "declare the error body under `models:`".to_owned(),
            };
            lw.error("LS0120", Loc::at(e.model), format!("error model `{}` is not declared", e.model.value), &hint);
        }
        return None;
    };
    let field = |lw: &mut Lowerer, key: &str, path: &Sp<spec::FieldPath>| -> Option<ir::FieldRead> {
        if path.value.0.is_empty() {
            lw.error("LS0120", Loc::at(path), format!("error {key} lists no field"), "name a field, e.g. `code`, or a JSON pointer, e.g. `/error/code`");
            return None;
        }
        let mut alternatives = Vec::new();
        for text in &path.value.0 {
            match field_chain(models, model, text) {
                Ok(chain) => alternatives.push(chain),
                Err((message, help)) => {
                    lw.error("LS0120", Loc::at(path), format!("error {key} `{text}`: {message}"), &help);
                    return None;
                }
            }
        }
        Some(ir::FieldRead { alternatives })
    };
    let code = field(lw, "code", e.code);
    let message = e.message.map(|m| field(lw, "message", m));
    let request_id = e.request_id.map(|m| field(lw, "request_id", m));
    let category = e.category.map(|m| field(lw, "category", m));
    check_categories_readable(lw, &model.name, e.category, e.categories);
    let codes = e.codes.map(|list| lower_code_list(lw, &model.name, list, Which::Codes)).transpose();
    let categories = e.categories.map(|list| lower_code_list(lw, &model.name, list, Which::Categories)).transpose();
    let (code, category) = (code?, category.map(|m| m.ok_or(())).transpose().ok()?);
    let (codes, categories) = (codes.ok()?, categories.ok()?);
    Some(ir::ErrorEnvelope {
        model: model.name.clone(),
        codes: codes.or_else(|| enum_of_field(&code, enums)),
        categories: categories.or_else(|| category.as_ref().and_then(|c| enum_of_field(c, enums))),
        code,
        message: message.map(|m| m.ok_or(())).transpose().ok()?,
        request_id: request_id.map(|m| m.ok_or(())).transpose().ok()?,
        category,
    })
}

/// Follows `text` (a top-level wire name, or a JSON pointer) from `model` down to a scalar.
fn field_chain(models: &[ir::Model], model: &ir::Model, text: &str) -> Result<ir::FieldChain, (String, String)> {
    let pointer_help = || "write a field name (`code`) or a JSON pointer (`/error/code`)".to_owned();
    let segments: Vec<String> = match text.strip_prefix('/') {
        Some(rest) => rest.split('/').map(|s| s.replace("~1", "/").replace("~0", "~")).collect(),
        None => vec![text.to_owned()],
    };
    if segments.iter().any(String::is_empty) {
        return Err(("is not a field name or a JSON pointer".into(), pointer_help()));
    }
    let mut current = model;
    let mut steps = Vec::new();
    // A path of one field is named once, by the caller; a longer one names the failing step.
    let named = |segment: &str| if segments.len() > 1 { format!("`{segment}` ") } else { String::new() };
    for (i, segment) in segments.iter().enumerate() {
        let Some(f) = current.fields.iter().find(|f| &f.wire == segment) else {
            let fields: Vec<&str> = current.fields.iter().map(|f| f.wire.as_str()).collect();
            let hint = match suggest(segment, fields.iter().copied()) {
                Some(s) => format!("did you mean `{s}`?"),
                None => format!("use one of: {}", fields.join(", ")),
            };
            return Err((format!("model `{}` has no field `{segment}`", current.name), hint));
        };
        steps.push(ir::FieldStep { rust: f.rust.clone(), optional: f.optional, nullable: f.nullable });
        let last = i + 1 == segments.len();
        match (&f.ty, last) {
            (ir::TypeRef::String | ir::TypeRef::Integer | ir::TypeRef::Enum(_), true) => {
                let pointer = segments.iter().map(|s| format!("/{}", s.replace('~', "~0").replace('/', "~1"))).collect();
                return Ok(ir::FieldChain { pointer, steps, ty: f.ty.clone() });
            }
            (_, true) => {
                return Err((format!("{}must be a string, integer or enum", named(segment)), "point at a scalar field".into()));
            }
            (ir::TypeRef::Model(name), false) => match models.iter().find(|m| &m.name == name) {
                Some(next) => current = next,
                None => return Err((format!("model `{name}` is not declared"), "declare it under `models:`".into())),
            },
            (_, false) => {
                return Err((
                    format!("`{segment}` is not an object to look into"),
                    "a pointer may only pass through fields whose type is a model".into(),
                ));
            }
        }
    }
    Err(("is not a field name or a JSON pointer".into(), pointer_help()))
}

pub(super) fn lower_rules(lw: &mut Lowerer, errors: &Sp<spec::ErrorsSpec>) -> ir::Rules {
    let e = &errors.value;
    let mut statuses = Vec::new();
    let mut codes = Vec::new();
    // Nothing means "expired" unless the spec says so: static keys cannot be renewed, and a 401
    // for them means they were refused.
    if let Some(x) = &e.expired {
        for s in &x.value.status {
            if !(400..=599).contains(&s.value) {
                lw.error("LS0121", Loc::at(s), format!("`{}` is not an error status", s.value), "list error statuses (400 to 599); expired credentials usually answer 401");
            }
            statuses.push(s.value);
        }
        if statuses.is_empty() {
            statuses.push(401);
        }
        codes = texts(&x.value.codes);
    }
    let mut request_id_headers = Vec::new();
    for h in &e.request_id_headers {
        if is_header_name(&h.value) {
            request_id_headers.push(h.value.to_ascii_lowercase());
        } else {
            lw.error("LS0105", Loc::at(h), format!("`{}` is not a valid header name", h.value), "use letters, digits and `-`, e.g. `x-request-id`");
        }
    }
    ir::Rules {
        expired_statuses: statuses,
        expired_codes: codes,
        rate_limit_codes: texts(&e.rate_limited),
        rejected_codes: texts(&e.rejected),
        gone_codes: texts(&e.gone),
        not_found_codes: texts(&e.not_found),
        request_id_headers,
    }
}

fn texts(list: &[Sp<String>]) -> Vec<String> {
    list.iter().map(|s| s.value.clone()).collect()
}
