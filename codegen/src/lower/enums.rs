//! Enums: their values, docs and the Rust variant names they become.

use crate::diag::Loc;
use crate::ir;
use crate::names;
use crate::spec::{self, Sp};
use std::collections::{BTreeMap, BTreeSet};
use super::Lowerer;

pub(super) fn lower_enums(lw: &mut Lowerer, enums: &spec::Entries<Sp<spec::EnumSpec>>) -> Vec<ir::Enum> {
    let mut out = Vec::new();
    for (name, e) in &enums.0 {
        let mut values = Vec::new();
        let mut nullable = false;
        let mut seen_wire = BTreeSet::new();
        let mut seen_rust: BTreeMap<String, String> = BTreeMap::new();
        for v in &e.value.values {
            let (wire, doc) = match &v.value {
                spec::EnumValueSpec::Plain(None) => {
                    if nullable {
                        lw.error("LS0305", Loc::at(v), "`null` is listed twice".to_owned(), "list `null` once");
                    }
                    nullable = true;
                    continue;
                }
                spec::EnumValueSpec::Plain(Some(w)) => (w.clone(), None),
                spec::EnumValueSpec::Documented { value, doc } => (value.clone(), Some(doc.clone())),
            };
            if !seen_wire.insert(wire.clone()) {
                lw.error("LS0305", Loc::at(v), format!("value `{wire}` is listed twice in `{}`", name.value), "list each value once");
                continue;
            }
            let Some(rust) = names::type_ident(&wire) else {
                lw.error("LS0305", Loc::at(v), format!("value `{wire}` cannot become a variant name"), "values need at least one letter or digit");
                continue;
            };
            if rust == "Unknown" {
                lw.error(
                    "LS0305",
                    Loc::at(v),
                    format!("value `{wire}` would become `Unknown`, the variant that keeps new values"),
                    "linkspec cannot generate this enum yet; report it",
                );
                continue;
            }
            if let Some(other) = seen_rust.get(&rust) {
                lw.error(
                    "LS0304",
                    Loc::at(v),
                    format!("values `{other}` and `{wire}` both become the variant `{rust}`"),
                    "Rust variant names ignore case and punctuation; such values cannot share an enum",
                );
                continue;
            }
            seen_rust.insert(rust.clone(), wire.clone());
            values.push(ir::EnumValue { rust, wire, doc });
        }
        if values.is_empty() {
            lw.error(
                "LS0305",
                Loc::at(name),
                format!("enum `{}` has no values", name.value),
                "list the values the provider documents; new ones are kept by the `Unknown` variant",
            );
        }
        out.push(ir::Enum { name: name.value.clone(), doc: e.value.doc.clone(), values, nullable });
    }
    out
}
