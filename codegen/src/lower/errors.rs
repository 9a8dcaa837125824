//! Error envelopes (the provider's and operations' own) and classification rules.

use crate::diag::Loc;
use crate::ir;
use crate::spec::{self, Sp};
use super::headers::is_header_name;
use super::parse::suggest;
use super::Lowerer;

/// The parts of an error envelope, wherever it is declared.
pub(super) struct EnvelopeParts<'a> {
    model: &'a Sp<String>,
    code: &'a Sp<String>,
    message: Option<&'a Sp<String>>,
    request_id: Option<&'a Sp<String>>,
    category: Option<&'a Sp<String>>,
}

pub(super) fn lower_errors(lw: &mut Lowerer, errors: &Sp<spec::ErrorsSpec>, models: &[ir::Model]) -> Option<ir::ErrorEnvelope> {
    let e = &errors.value;
    let parts = EnvelopeParts {
        model: &e.model,
        code: &e.code,
        message: e.message.as_ref(),
        request_id: e.request_id.as_ref(),
        category: e.category.as_ref(),
    };
    lower_envelope(lw, &parts, models)
}

/// Operation-level envelopes: each is checked like the provider's, and one model may not be read
/// two ways.
pub(super) fn lower_operation_envelopes(
    lw: &mut Lowerer,
    spec: &spec::Spec,
    operations: &mut [ir::Operation],
    provider: Option<&ir::ErrorEnvelope>,
    models: &[ir::Model],
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
        };
        let Some(envelope) = lower_envelope(lw, &parts, models) else { continue };
        match seen.iter().find(|s| s.model == envelope.model) {
            Some(other) if *other != envelope => lw.error(
                "LS0122",
                Loc::at(&e.value.model),
                format!("model `{}` is already an error envelope read with other fields", envelope.model),
                "name the same `code`, `message`, `request_id` and `category` fields everywhere the model is an envelope",
            ),
            Some(_) => {}
            None => seen.push(envelope.clone()),
        }
        op.errors = Some(envelope);
    }
}

pub(super) fn lower_envelope(lw: &mut Lowerer, e: &EnvelopeParts<'_>, models: &[ir::Model]) -> Option<ir::ErrorEnvelope> {
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
    let field = |lw: &mut Lowerer, key: &str, wire: &Sp<String>| -> Option<(String, ir::TypeRef)> {
        match model.fields.iter().find(|f| f.wire == wire.value) {
            Some(f) if matches!(f.ty, ir::TypeRef::String | ir::TypeRef::Integer | ir::TypeRef::Enum(_)) => Some((f.rust.clone(), f.ty.clone())),
            Some(_) => {
                lw.error("LS0120", Loc::at(wire), format!("error {key} field `{}` must be a string, integer or enum", wire.value), "point at a scalar field");
                None
            }
            None => {
                let fields: Vec<&str> = model.fields.iter().map(|f| f.wire.as_str()).collect();
                lw.error(
                    "LS0120",
                    Loc::at(wire),
                    format!("model `{}` has no field `{}`", model.name, wire.value),
                    &format!("use one of: {}", fields.join(", ")),
                );
                None
            }
        }
    };
    let code = field(lw, "code", e.code);
    let message = e.message.map(|m| field(lw, "message", m));
    let request_id = e.request_id.map(|m| field(lw, "request_id", m));
    let category = e.category.map(|m| field(lw, "category", m));
    Some(ir::ErrorEnvelope {
        model: model.name.clone(),
        code: code?,
        message: message.map(|m| m.ok_or(())).transpose().ok()?,
        request_id: request_id.map(|m| m.ok_or(())).transpose().ok()?,
        category: category.map(|m| m.ok_or(())).transpose().ok()?,
    })
}

pub(super) fn lower_rules(lw: &mut Lowerer, errors: &Sp<spec::ErrorsSpec>) -> ir::Rules {
    let e = &errors.value;
    let mut statuses = Vec::new();
    let mut codes = Vec::new();
    match &e.expired {
        Some(x) => {
            for s in &x.value.status {
                if !(400..=599).contains(&s.value) {
                    lw.error("LS0121", Loc::at(s), format!("`{}` is not an error status", s.value), "list error statuses (400 to 599); expired credentials usually answer 401");
                }
                statuses.push(s.value);
            }
            if statuses.is_empty() {
                statuses.push(401);
            }
            codes = x.value.codes.clone();
        }
        None => statuses.push(401),
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
        rate_limit_codes: e.rate_limited.clone(),
        not_found_codes: e.not_found.clone(),
        request_id_headers,
    }
}
