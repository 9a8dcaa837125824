//! Parse and validate: spec text -> `spec::Spec` -> `ir::Provider`, collecting every problem.
//!
//! Lowering never stops at the first error: each check records a diagnostic and carries on
//! with a placeholder, and the IR is only returned when no error was recorded.

mod acquire;
mod auth;
mod binary;
mod codes;
mod collisions;
mod deprecation;
mod enums;
mod errors;
mod headers;
mod ids;
pub mod merge;
mod models;
pub(crate) mod operations;
mod paging;
mod parse;
mod query;
mod servers;
mod types;
mod unknown_keys;
pub mod views;

pub use parse::{check_text, edit_distance, parse};
pub use unknown_keys::CATCH_ALL;
use acquire::{lower_acquire, lower_inputs};
use auth::{lower_auth, lower_operation_auth};
use collisions::{check_client_names, check_global_names, check_model_setters, check_type_names, not_value_name};
use enums::lower_enums;
use errors::{lower_errors, lower_operation_envelopes, lower_rules};
use headers::lower_headers;
use models::{box_recursive_fields, check_required_cycles, lower_models};
use operations::{check_form_bodies, lower_operations};
use paging::lower_paging;
use servers::{check_operation_hosts, lower_hosts, lower_servers};
use types::warn_unused_types;
use unknown_keys::lower_unknown_keys;
use crate::diag::{Diagnostic, Loc};
use crate::ir;
use crate::names;
use crate::spec::{self, Sp};
use std::collections::{BTreeMap, BTreeSet};

/// Collects diagnostics for one file.
struct Lowerer<'a> {
    file: &'a str,
    diags: &'a mut Vec<Diagnostic>,
    models: BTreeSet<String>,
    enums: BTreeMap<String, bool>,
    /// Id types by name, with their wire type.
    ids: BTreeMap<String, ir::IdWire>,
    timestamps: ir::TimestampFormat,
    /// The provider's `naive_zone` is `utc`: its naive date-times are instants.
    naive_utc: bool,
}

impl Lowerer<'_> {
    fn error(&mut self, code: &'static str, loc: Loc, message: String, help: &str) {
        self.diags.push(Diagnostic::error(code, self.file, loc, message).help(help));
    }

    fn warning(&mut self, code: &'static str, loc: Loc, message: String, help: &str) {
        self.diags.push(Diagnostic::warning(code, self.file, loc, message).help(help));
    }

    /// Errors recorded so far (in this file and the ones before it).
    fn errors(&self) -> usize {
        self.diags.iter().filter(|d| d.severity == crate::diag::Severity::Error).count()
    }
}

/// Validates a parsed spec. Returns the IR when no error was found; errors and warnings go
/// to `diags` either way.
pub fn lower(file: &str, spec: &spec::Spec, diags: &mut Vec<Diagnostic>) -> Option<ir::Provider> {
    let before = diags.iter().filter(|d| d.severity == crate::diag::Severity::Error).count();
    let mut lw = Lowerer {
        file,
        diags,
        models: spec.models.0.iter().map(|(k, _)| k.value.clone()).collect(),
        enums: spec
            .enums
            .0
            .iter()
            .map(|(k, v)| (k.value.clone(), v.value.values.iter().any(|x| matches!(x.value, spec::EnumValueSpec::Plain(None)))))
            .collect(),
        ids: ids::id_wires(spec),
        timestamps: ir::TimestampFormat::Rfc3339,
        naive_utc: false,
    };

    let module = spec.provider.value.clone();
    if !names::is_value_name(&module) {
        lw.error(
            "LS0100",
            Loc::at(&spec.provider),
            format!("provider name `{module}` {} Rust module name", not_value_name(&module)),
            "use lower-case letters, digits and `_`, e.g. `moneykit`",
        );
    }
    if let Some(what) = names::reserved_provider(&module) {
        lw.error(
            "LS0100",
            Loc::at(&spec.provider),
            format!("provider name `{module}` collides with {what}"),
            &format!("rename the provider, e.g. `{module}_api`; it names the module and the cargo feature"),
        );
    }
    if let Some(ts) = &spec.timestamps {
        lw.timestamps = timestamp_format(&mut lw, ts).unwrap_or(ir::TimestampFormat::Rfc3339);
    }
    if let Some(zone) = &spec.naive_zone {
        match naive_zone(zone) {
            Ok(utc) => lw.naive_utc = utc,
            Err((message, help)) => lw.error("LS0108", Loc::at(zone), message, help),
        }
    }
    let media_type = match &spec.media_type {
        Some(mt) => {
            check_media_type(&mut lw, mt);
            mt.value.clone()
        }
        None => "application/json".to_owned(),
    };

    let (environments, default_env, variables) = lower_servers(&mut lw, &spec.servers);
    let headers = lower_headers(&mut lw, &spec.headers);
    let auth = lower_auth(&mut lw, &spec.auth);

    check_type_names(&mut lw, spec);
    let enums = lower_enums(&mut lw, &spec.enums);
    let ids = ids::lower_ids(&mut lw, spec);
    let mut models = lower_models(&mut lw, &spec.models);
    lower_unknown_keys(&mut lw, spec, &mut models);
    box_recursive_fields(&mut models);
    let errors = lower_errors(&mut lw, &spec.errors, &models, &enums);
    let mut operations = lower_operations(&mut lw, &spec.operations);
    lower_operation_envelopes(&mut lw, spec, &mut operations, errors.as_ref(), &models, &enums);
    lower_paging(&mut lw, spec, &mut operations);
    let hosts = lower_hosts(&mut lw, &spec.servers, &environments, &variables);
    check_operation_hosts(&mut lw, spec, &hosts);
    check_form_bodies(&mut lw, spec, &operations, &models);
    let inputs = lower_inputs(&mut lw, spec, auth.as_ref());
    // Only a token is acquired (`lower_inputs` says so otherwise): steps would only echo that.
    let acquire = match &auth {
        Some(a) if a.token_scheme().is_none() => None,
        _ => lower_acquire(&mut lw, spec, &inputs, &mut operations, &models),
    };
    lower_operation_auth(&mut lw, spec, &mut operations, auth.as_ref());
    ids::check_param_bindings(&mut lw, spec, &inputs);
    let rules = lower_rules(&mut lw, &spec.errors);
    check_global_names(&mut lw, &operations, &models, &enums, &ids, &variables, spec);
    check_client_names(&mut lw, spec, &variables, &headers, auth.as_ref(), &operations);
    check_model_setters(&mut lw, spec, &models);
    check_required_cycles(&mut lw, spec, &models);
    // Unused types are only worth a warning in an otherwise valid spec: next to errors they are
    // mostly echoes of a misspelt reference.
    if lw.diags.iter().filter(|d| d.severity == crate::diag::Severity::Error).count() == before {
        warn_unused_types(&mut lw, spec, &models, &enums, &operations, errors.as_ref());
    }

    let after = lw.diags.iter().filter(|d| d.severity == crate::diag::Severity::Error).count();
    if after > before {
        return None;
    }
    Some(ir::Provider {
        source: file.to_owned(),
        module,
        title: spec.title.clone(),
        docs: spec.docs.clone(),
        environments,
        default_env,
        variables,
        media_type,
        headers,
        auth: auth?,
        errors: errors?,
        operations,
        models,
        enums,
        ids,
        hosts,
        inputs,
        acquire,
        rules,
        views: Vec::new(),
    })
}

fn timestamp_format(lw: &mut Lowerer, value: &Sp<String>) -> Option<ir::TimestampFormat> {
    match value.value.as_str() {
        "rfc3339" => Some(ir::TimestampFormat::Rfc3339),
        "naive" => Some(ir::TimestampFormat::Naive),
        other => {
            lw.error(
                "LS0104",
                Loc::at(value),
                format!("unknown timestamp format `{other}`"),
                "use `rfc3339` (offset required, e.g. 2019-02-15T15:51:39Z) or `naive` (no offset, e.g. 2023-02-16T09:14:11)",
            );
            None
        }
    }
}

/// Whether a `naive_zone` is `utc`, the one zone linkspec reads offset-less date-times in
/// (a zone with daylight saving would need a time-zone database and has ambiguous hours).
/// Otherwise the problem and what to do, for the caller's diagnostic.
pub(crate) fn naive_zone(zone: &Sp<String>) -> Result<bool, (String, &'static str)> {
    match zone.value.as_str() {
        "utc" => Ok(true),
        other => Err((
            format!("unknown zone `{other}`"),
            "`utc` is the zone linkspec reads offset-less date-times in; for another, leave `naive_zone` out and convert the `NaiveTimestamp` in your code",
        )),
    }
}

/// A media type is `type/subtype` with token characters, optionally `; param=value`.
fn check_media_type(lw: &mut Lowerer, mt: &Sp<String>) {
    let essence = mt.value.split(';').next().unwrap_or("").trim();
    let token = |s: &str| {
        !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || "!#$&-^_.+".contains(c))
    };
    let ok = matches!(essence.split_once('/'), Some((t, s)) if token(t) && token(s));
    if !ok {
        lw.error(
            "LS0103",
            Loc::at(mt),
            format!("`{}` is not a media type", mt.value),
            "write `type/subtype`, e.g. `application/vnd.mx.nexus.v1+json`; parameters go after `;`, as in `application/json; charset=utf-8`",
        );
    }
}

