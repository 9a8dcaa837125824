//! `unknown_keys`: which models keep the keys they do not declare (the provider's default, or
//! one model's own choice), and the catch-all's Rust name, which no declared field may take.

use crate::diag::Loc;
use crate::ir;
use crate::spec::{self, Sp};
use super::Lowerer;
use super::parse::suggest;

/// The Rust field that holds a model's kept keys.
pub const CATCH_ALL: &str = "unknown_keys";

/// Sets `keep_unknown` on every model from its `unknown_keys`, or else the provider's.
pub(super) fn lower_unknown_keys(lw: &mut Lowerer, spec: &spec::Spec, models: &mut [ir::Model]) {
    let default = spec.unknown_keys.as_ref().and_then(|v| policy(lw, v)).unwrap_or(false);
    for (name, m) in &spec.models.0 {
        let own = m.value.unknown_keys.as_ref().map(|v| policy(lw, v));
        let keep = match own {
            Some(Some(keep)) => keep,
            // A bad value was reported; the default stands in so later checks still run.
            Some(None) | None => default,
        };
        let Some(model) = models.iter_mut().find(|x| x.name == name.value) else { continue };
        model.keep_unknown = keep;
        if !keep {
            continue;
        }
        for (wire, _) in &m.value.fields.0 {
            if model.fields.iter().any(|f| f.wire == wire.value && f.rust == CATCH_ALL) {
                lw.error(
                    "LS0304",
                    Loc::at(wire),
                    format!("field `{}` of `{}` becomes `{CATCH_ALL}`, the field that holds the keys the model keeps", wire.value, name.value),
                    "add `rust: <other_name>` to the field",
                );
            }
        }
    }
}

/// `keep` or `ignore`.
fn policy(lw: &mut Lowerer, value: &Sp<String>) -> Option<bool> {
    match value.value.as_str() {
        "keep" => Some(true),
        "ignore" => Some(false),
        other => {
            let hint = match suggest(other, spec::UNKNOWN_KEYS.iter().copied()) {
                Some(s) => format!("did you mean `{s}`? `keep` holds undeclared keys in `{CATCH_ALL}` and sends them back; `ignore` drops them"),
                None => format!("use `keep` (undeclared keys are held in `{CATCH_ALL}` and sent back) or `ignore` (dropped, the default)"),
            };
            lw.error("LS0308", Loc::at(value), format!("`unknown_keys` is `{other}`, not `keep` or `ignore`"), &hint);
            None
        }
    }
}
