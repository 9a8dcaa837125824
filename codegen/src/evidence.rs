//! Evidence from recorded responses: warnings about what the recordings say of a spec.
//!
//! Today one question: is a field marked `optional` present in every recorded instance of its
//! model? Then the spec may be weaker than the provider (a required field is checked on every
//! decode; an optional one is not), worth a look. Like the rest of codegen this reads no files:
//! the caller passes the recorded bodies in.

use crate::diag::{Diagnostic, Loc};
use crate::ir::{self, TypeRef};
use crate::spec::Sp;
use serde_json::Value;
use std::collections::BTreeMap;

/// A recorded answer to one operation.
#[derive(Debug, Clone, Copy)]
pub struct Sample<'a> {
    /// The operation that was called.
    pub operation: &'a str,
    /// The answer's status.
    pub status: u16,
    /// The answer's body, parsed.
    pub body: &'a Value,
}

/// How many instances of a model field were seen, and how many had the key.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
struct Tally {
    instances: usize,
    present: usize,
}

/// Fewer instances than this say too little to warn about.
pub const MIN_INSTANCES: usize = 3;

/// Warnings (LS1009) for optional fields that every recorded instance of their model has, when
/// there are at least [`MIN_INSTANCES`] of them. `spec_text` locates the fields.
pub fn optional_fields_always_present(provider: &ir::Provider, spec_text: &str, samples: &[Sample<'_>]) -> Vec<Diagnostic> {
    let spec = crate::lower::parse(&provider.source, spec_text).ok();
    always_present(provider, samples, |model, field| {
        spec.as_ref().and_then(|s| field_loc(s, model, field)).map(|loc| (provider.source.clone(), loc))
    })
}

/// [`optional_fields_always_present`] for a provider in several files (`provider.source` is its
/// directory): each warning is located in the file that declares the field.
pub fn optional_fields_always_present_in_dir(provider: &ir::Provider, files: &[crate::SpecSource], samples: &[Sample<'_>]) -> Vec<Diagnostic> {
    let (merged, _) = crate::lower::merge::parse_dir(&provider.source, files);
    always_present(provider, samples, |model, field| {
        let merged = merged.as_ref()?;
        let (file, loc) = merged.lines.locate(field_loc(&merged.spec, model, field)?);
        Some((file.to_owned(), loc))
    })
}

fn always_present(provider: &ir::Provider, samples: &[Sample<'_>], locate: impl Fn(&str, &str) -> Option<(String, Loc)>) -> Vec<Diagnostic> {
    let mut tallies: BTreeMap<(String, String), Tally> = BTreeMap::new();
    for sample in samples {
        let Some(op) = provider.operations.iter().find(|o| o.name == sample.operation) else { continue };
        let ty = if op.success.contains(&sample.status) {
            op.response.clone()
        } else if sample.status >= 400 {
            Some(TypeRef::Model(op.errors.as_ref().unwrap_or(&provider.errors).model.clone()))
        } else {
            None
        };
        if let Some(ty) = ty {
            walk(provider, &ty, sample.body, &mut tallies);
        }
    }
    let mut out = Vec::new();
    for model in &provider.models {
        for field in model.fields.iter().filter(|f| f.optional) {
            let Some(t) = tallies.get(&(model.name.clone(), field.wire.clone())) else { continue };
            if t.instances >= MIN_INSTANCES && t.present == t.instances {
                let (file, loc) = locate(&model.name, &field.wire).unwrap_or_else(|| (provider.source.clone(), Loc::default()));
                out.push(
                    Diagnostic::warning(
                        "LS1009",
                        &file,
                        loc,
                        format!(
                            "optional field `{}.{}` is present in all {} recorded `{}`s",
                            model.name, field.wire, t.instances, model.name
                        ),
                    )
                    .help("if the provider always sends it, remove `optional: true` so every decode checks it; keep it if the provider documents it as omissible"),
                );
            }
        }
    }
    out
}

fn field_loc(spec: &crate::spec::Spec, model: &str, field: &str) -> Option<Loc> {
    let (_, m) = spec.models.0.iter().find(|(k, _)| k.value == model)?;
    let (key, _): &(Sp<String>, _) = m.value.fields.0.iter().find(|(k, _)| k.value == field)?;
    Some(Loc::at(key))
}

fn walk(provider: &ir::Provider, ty: &TypeRef, value: &Value, tallies: &mut BTreeMap<(String, String), Tally>) {
    match (ty, value) {
        (TypeRef::List(inner), Value::Array(items)) => items.iter().for_each(|v| walk(provider, inner, v, tallies)),
        (TypeRef::Map(inner), Value::Object(map)) => map.values().for_each(|v| walk(provider, inner, v, tallies)),
        (TypeRef::Nullable(inner), v) => walk(provider, inner, v, tallies),
        (TypeRef::Model(name), Value::Object(map)) => {
            let Some(model) = provider.models.iter().find(|m| &m.name == name) else { return };
            for field in &model.fields {
                let tally = tallies.entry((model.name.clone(), field.wire.clone())).or_default();
                tally.instances += 1;
                if let Some(v) = map.get(&field.wire) {
                    tally.present += 1;
                    walk(provider, &field.ty, v, tallies);
                }
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::SpecSource;
    use serde_json::json;

    const SPEC: &str = "provider: t\ntitle: T\nservers:\n  default: live\n  environments:\n    live: https://api.example.com\nauth: { scheme: bearer }\nerrors: { model: Failure, code: code }\noperations:\n  get_page:\n    method: GET\n    path: /page\n    responses:\n      200: Page\nmodels:\n  Page:\n    doc: P.\n    fields:\n      items: { type: list<Item>, doc: I. }\n  Item:\n    doc: I.\n    fields:\n      always: { type: string, optional: true, doc: A. }\n      sometimes: { type: string, optional: true, doc: S. }\n  Failure:\n    doc: F.\n    fields:\n      code: { type: string, doc: C. }\n      hint: { type: string, optional: true, doc: H. }\n";

    fn provider() -> ir::Provider {
        let (mut providers, diags) = crate::check(&[SpecSource { name: "t.yaml".into(), text: SPEC.into() }]);
        assert!(!diags.has_errors(), "{diags:?}");
        providers.remove(0)
    }

    #[test]
    fn warns_about_optional_fields_every_recording_has() {
        let p = provider();
        let page = json!({"items": [{"always": "a", "sometimes": "s"}, {"always": "b"}, {"always": null}]});
        let error = json!({"code": "x", "hint": "h"});
        let samples = [
            Sample { operation: "get_page", status: 200, body: &page },
            Sample { operation: "get_page", status: 404, body: &error },
            Sample { operation: "elsewhere", status: 200, body: &page },
        ];
        let warnings = optional_fields_always_present(&p, SPEC, &samples);
        assert_eq!(warnings.len(), 1, "{warnings:#?}");
        let w = &warnings[0];
        assert_eq!((w.code, w.loc.line, w.loc.col), ("LS1009", 23, 7));
        assert_eq!(w.message, "optional field `Item.always` is present in all 3 recorded `Item`s");
    }

    #[test]
    fn in_a_provider_directory_the_warning_is_located_in_the_file_of_the_field() {
        // The same spec with `Item` moved to a part of its own.
        let (head, item) = SPEC.split_once("  Item:\n").expect("Item");
        let (item, failure) = item.split_once("  Failure:\n").expect("Failure");
        let files = [
            SpecSource { name: "t/a.yaml".into(), text: format!("{head}  Failure:\n{failure}") },
            SpecSource { name: "t/items.yaml".into(), text: format!("# a part\nmodels:\n  Item:\n{item}") },
        ];
        let (mut providers, diags) = crate::check_providers(&[crate::ProviderSource::Dir { name: "t/", files: &files }]);
        assert!(!diags.has_errors(), "{diags:?}");
        let p = providers.remove(0);
        let page = json!({"items": [{"always": "a"}, {"always": "b"}, {"always": "c"}]});
        let warnings = optional_fields_always_present_in_dir(&p, &files, &[Sample { operation: "get_page", status: 200, body: &page }]);
        let found: Vec<(&str, u32, u32)> = warnings.iter().map(|w| (w.file.as_str(), w.loc.line, w.loc.col)).collect();
        assert_eq!(found, [("t/items.yaml", 6, 7)], "{warnings:#?}");
    }

    #[test]
    fn too_few_recordings_say_nothing() {
        let p = provider();
        let page = json!({"items": [{"always": "a"}, {"always": "b"}]});
        assert!(optional_fields_always_present(&p, SPEC, &[Sample { operation: "get_page", status: 200, body: &page }]).is_empty());
    }
}
