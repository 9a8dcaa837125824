//! Enums: their values, docs, wire type and the Rust variant names they become.

use crate::diag::Loc;
use crate::ir;
use crate::names;
use crate::spec::{self, EnumLiteral, Sp};
use std::collections::{BTreeMap, BTreeSet};
use super::Lowerer;

pub(super) fn lower_enums(lw: &mut Lowerer, enums: &spec::Entries<Sp<spec::EnumSpec>>) -> Vec<ir::Enum> {
    let mut out = Vec::new();
    for (name, e) in &enums.0 {
        let wire = enum_wire(lw, e.value.wire.as_ref());
        let mut values = Vec::new();
        let mut nullable = false;
        let mut seen_wire = BTreeSet::new();
        let mut seen_rust: BTreeMap<String, String> = BTreeMap::new();
        let mut locs = Vec::new();
        for (index, v) in e.value.values.iter().enumerate() {
            let (literal, doc) = match &v.value {
                spec::EnumValueSpec::Plain(None) => {
                    if nullable {
                        lw.error("LS0305", Loc::at(v), "`null` is listed twice".to_owned(), "list `null` once");
                    }
                    nullable = true;
                    continue;
                }
                spec::EnumValueSpec::Plain(Some(l)) => (l, None),
                spec::EnumValueSpec::Documented { value, doc } => (value, Some(doc.clone())),
            };
            let place = format!("enums.{}.values[{index}]", name.value);
            let Some((wire_text, rust)) = value_of(lw, v, &place, &name.value, wire, literal) else { continue };
            if !seen_wire.insert(wire_text.clone()) {
                lw.error("LS0305", Loc::at(v), format!("value `{wire_text}` is listed twice in `{}`", name.value), "list each value once");
                continue;
            }
            if let Some(other) = seen_rust.get(&rust) {
                lw.error(
                    "LS0304",
                    Loc::at(v),
                    format!("values `{other}` and `{wire_text}` both become the variant `{rust}`"),
                    "Rust variant names ignore case and punctuation; such values cannot share an enum",
                );
                continue;
            }
            seen_rust.insert(rust.clone(), wire_text.clone());
            locs.push(Loc::at(v));
            values.push(ir::EnumValue { rust, wire: wire_text, doc });
        }
        if values.is_empty() {
            lw.error(
                "LS0305",
                Loc::at(name),
                format!("enum `{}` has no values", name.value),
                "list the values the provider documents; new ones are kept by the `Unknown` variant",
            );
        }
        // A provider's own `UNKNOWN` is a value like any other: it takes the name, and the
        // variant that keeps unlisted values is named so that it cannot clash.
        let fallback = if values.iter().any(|v| v.rust == names::ENUM_FALLBACK) { names::ENUM_FALLBACK_ALT } else { names::ENUM_FALLBACK };
        if let Some((v, loc)) = values.iter().zip(&locs).find(|(v, _)| v.rust == fallback) {
            lw.error(
                "LS0305",
                *loc,
                format!("value `{}` would become `{fallback}`, the variant that keeps unlisted values when `Unknown` is listed too", v.wire),
                "linkspec cannot generate an enum listing both; report it",
            );
        }
        out.push(ir::Enum { name: name.value.clone(), doc: e.value.doc.clone(), values, nullable, wire, fallback: fallback.to_owned() });
    }
    out
}

fn enum_wire(lw: &mut Lowerer, wire: Option<&Sp<String>>) -> ir::EnumWire {
    let Some(w) = wire else { return ir::EnumWire::String };
    match w.value.as_str() {
        "string" => ir::EnumWire::String,
        "integer" => ir::EnumWire::Integer,
        "boolean" => ir::EnumWire::Boolean,
        other => {
            lw.error(
                "LS0305",
                Loc::at(w),
                format!("unknown enum wire type `{other}`"),
                "use `string` (the default), `integer` (JSON numbers such as `4011`) or `boolean` (`true`, `false`)",
            );
            ir::EnumWire::String
        }
    }
}

/// The wire text and variant name of one listed value, checked against the enum's wire type.
fn value_of(lw: &mut Lowerer, v: &Sp<spec::EnumValueSpec>, place: &str, enum_name: &str, wire: ir::EnumWire, literal: &EnumLiteral) -> Option<(String, String)> {
    let mismatch = |found: &str, help: String| (format!("`{place}` is {found}, but `{enum_name}` has {} values", wire_words(wire)), help);
    let problem = match (wire, literal) {
        (_, EnumLiteral::Float(x)) => {
            Some((format!("`{place}` is the number `{x}`, which no enum value can be"), format!("quote it so it stays text exactly as written, e.g. `\"{x}\"`")))
        }
        (ir::EnumWire::String, EnumLiteral::Text(_)) => None,
        (ir::EnumWire::String, other @ (EnumLiteral::Integer(_) | EnumLiteral::Boolean(_))) => {
            let kind = if matches!(other, EnumLiteral::Integer(_)) { "integer" } else { "boolean" };
            let what = if kind == "integer" { format!("the number `{other}`") } else { format!("the boolean `{other}`") };
            Some(mismatch(&what, format!("quote it so it stays text exactly as written, e.g. `\"{other}\"`, or declare `wire: {kind}` when the provider sends JSON {kind}s")))
        }
        (ir::EnumWire::Integer, EnumLiteral::Integer(n)) if i64::try_from(*n).is_err() => {
            Some((format!("`{place}` is `{n}`, outside the range of a 64-bit integer"), "integer enums hold values from -9223372036854775808 to 9223372036854775807".to_owned()))
        }
        (ir::EnumWire::Integer, EnumLiteral::Integer(_)) | (ir::EnumWire::Boolean, EnumLiteral::Boolean(_)) => None,
        (ir::EnumWire::Integer, other) => Some(mismatch(&found(other), "write the number unquoted, e.g. `- 4011`, or remove `wire: integer`".to_owned())),
        (ir::EnumWire::Boolean, other) => Some(mismatch(&found(other), "write `true` or `false` unquoted, or remove `wire: boolean`".to_owned())),
    };
    if let Some((message, help)) = problem {
        lw.error("LS0305", Loc::at(v), message, &help);
        return None;
    }
    let text = literal.to_string();
    let rust = match literal {
        EnumLiteral::Integer(n) => i64::try_from(*n).ok().map(names::integer_variant),
        _ => names::type_ident(&text),
    };
    let Some(rust) = rust else {
        lw.error("LS0305", Loc::at(v), format!("value `{text}` cannot become a variant name"), "values need at least one letter or digit");
        return None;
    };
    Some((text, rust))
}

fn wire_words(wire: ir::EnumWire) -> &'static str {
    match wire {
        ir::EnumWire::String => "string",
        ir::EnumWire::Integer => "integer (`wire: integer`)",
        ir::EnumWire::Boolean => "boolean (`wire: boolean`)",
    }
}

fn found(literal: &EnumLiteral) -> String {
    match literal {
        EnumLiteral::Text(t) => format!("the string `{t}`"),
        EnumLiteral::Integer(n) => format!("the number `{n}`"),
        EnumLiteral::Boolean(b) => format!("the boolean `{b}`"),
        EnumLiteral::Float(x) => format!("the number `{x}`"),
    }
}
