//! The documented error codes and categories of an envelope (`codes:`, `categories:`): the
//! enums they become, and the classification rules checked against them.

use crate::diag::Loc;
use crate::ir;
use crate::names;
use crate::spec::codes::CodeSpec;
use crate::spec::{self, Sp};
use std::collections::BTreeMap;
use super::Lowerer;

/// A `codes:` or `categories:` list as written.
pub(super) type CodeListSpec = Sp<Vec<Sp<CodeSpec>>>;

/// Which list: its key, what one entry is called, and the suffix of its enum's name.
#[derive(Clone, Copy)]
pub(super) enum Which {
    Codes,
    Categories,
}

impl Which {
    fn key(self) -> &'static str {
        match self {
            Which::Codes => "codes",
            Which::Categories => "categories",
        }
    }
    fn one(self) -> &'static str {
        match self {
            Which::Codes => "code",
            Which::Categories => "category",
        }
    }
    fn suffix(self) -> &'static str {
        match self {
            Which::Codes => "Code",
            Which::Categories => "Category",
        }
    }
}

/// The enum of a list, or `Err(())` after reporting what is wrong with it.
pub(super) fn lower_code_list(lw: &mut Lowerer, model: &str, list: &CodeListSpec, which: Which) -> Result<ir::CodeList, ()> {
    let before = lw.errors();
    let name = format!("{model}{}", which.suffix());
    if list.value.is_empty() {
        lw.error(
            "LS0123",
            Loc::at(list),
            format!("`{}` lists no {}", which.key(), which.one()),
            &format!("list the {} the provider documents, or remove `{}`", which.key(), which.key()),
        );
    }
    let taken = if lw.models.contains(&name) {
        Some(("a model", format!("rename the model `{name}`")))
    } else if lw.enums.contains_key(&name) {
        Some(("an enum", format!("rename the enum `{name}`")))
    } else if lw.ids.contains_key(&name) {
        Some(("an id type", format!("rename the id type `{name}`")))
    } else if names::RESERVED_TYPES.contains(&name.as_str()) || names::PRELUDE_TYPES.contains(&name.as_str()) {
        Some(("a type the generated code uses", format!("rename the model `{model}`")))
    } else {
        None
    };
    if let Some((what, help)) = taken {
        lw.error("LS0124", Loc::at(list), format!("the {} of `{model}` become the enum `{name}`, which is already {what}", which.key()), &help);
    }
    let mut by_code: BTreeMap<&str, Loc> = BTreeMap::new();
    let mut by_variant: BTreeMap<String, String> = BTreeMap::new();
    let mut values = Vec::new();
    for entry in &list.value {
        let CodeSpec { code, doc, rust } = &entry.value;
        if let Some(first) = by_code.get(code.as_str()) {
            lw.error(
                "LS0123",
                Loc::at(entry),
                format!("{} `{code}` is listed twice (first at line {})", which.one(), first.line),
                "list each one once",
            );
            continue;
        }
        by_code.insert(code, Loc::at(entry));
        let variant = match rust {
            Some(r) if names::is_type_name(r) => r.clone(),
            Some(r) => {
                let hint = names::type_ident(r).map_or_else(|| "e.g. `ItemNotFound`".to_owned(), |s| format!("e.g. `{s}`"));
                lw.error("LS0124", Loc::at(entry), format!("`rust: {r}` is not an UpperCamelCase variant name"), &format!("write it in UpperCamelCase, {hint}"));
                continue;
            }
            None => match names::type_ident(code) {
                Some(v) => v,
                None => {
                    lw.error(
                        "LS0124",
                        Loc::at(entry),
                        format!("{} `{code}` cannot become a variant name", which.one()),
                        "give it one: `{ code: ..., rust: VariantName }`",
                    );
                    continue;
                }
            },
        };
        if variant == names::ENUM_FALLBACK {
            lw.error(
                "LS0124",
                Loc::at(entry),
                format!("{} `{code}` would become `{variant}`, the variant that keeps codes the list does not name", which.one()),
                "give it another name: `{ code: ..., rust: VariantName }`",
            );
            continue;
        }
        if let Some(other) = by_variant.get(&variant) {
            lw.error(
                "LS0124",
                Loc::at(entry),
                format!("{}s `{other}` and `{code}` both become the variant `{variant}` of `{name}`", which.one()),
                "give one of them its own name: `{ code: ..., rust: VariantName }`",
            );
            continue;
        }
        by_variant.insert(variant.clone(), code.clone());
        values.push(ir::EnumValue { rust: variant, wire: code.clone(), doc: doc.clone() });
    }
    if lw.errors() > before {
        return Err(());
    }
    let (what, model_link) = (which.one(), format!("[`{model}`]"));
    let doc = format!(
        "The {what}s the provider documents for {model_link}, to match on: `typed_{what}()` of an error. \
         The provider may add more, so match with a wildcard arm."
    );
    let enumeration = ir::Enum { name, doc: Some(doc), values, nullable: false, wire: ir::EnumWire::String, fallback: names::ENUM_FALLBACK.to_owned() };
    Ok(ir::CodeList { enumeration, emit: true })
}

/// Without a list, a part whose every alternative is one string enum of the spec has that
/// enum's values as its documented list.
pub(super) fn enum_of_field(read: &ir::FieldRead, enums: &[ir::Enum]) -> Option<ir::CodeList> {
    let mut names = read.alternatives.iter().map(|c| match &c.ty {
        ir::TypeRef::Enum(name) => Some(name.as_str()),
        _ => None,
    });
    let first = names.next()??;
    if !names.all(|n| n == Some(first)) {
        return None;
    }
    let e = enums.iter().find(|e| e.name == first && e.wire == ir::EnumWire::String)?;
    Some(ir::CodeList { enumeration: e.clone(), emit: false })
}

/// `categories:` needs a `category` to read them from.
pub(super) fn check_categories_readable(lw: &mut Lowerer, model: &str, category: Option<&Sp<spec::FieldPath>>, categories: Option<&CodeListSpec>) {
    if let (None, Some(list)) = (category, categories) {
        lw.error(
            "LS0125",
            Loc::at(list),
            format!("`categories` are listed, but this envelope of `{model}` has no `category` to read them from"),
            "add `category:` (the field with the broader class, e.g. `category: error_type`), or remove `categories`",
        );
    }
}

/// With the codes listed (and the categories listed or an enum, when the envelope has them),
/// every code a rule names (`expired.codes`, `rate_limited`, `rejected`, `gone`, `not_found`)
/// must be among them: a rule naming a code the provider does not document is most likely
/// misspelt, and the list is where its meaning is written down.
pub(super) fn check_rule_codes(lw: &mut Lowerer, errors: &spec::ErrorsSpec, envelope: &ir::ErrorEnvelope) {
    let Some(codes) = envelope.codes.as_ref().filter(|c| c.emit) else { return };
    if envelope.category.is_some() && envelope.categories.is_none() {
        // A rule may name a category, and those are not listed.
        return;
    }
    let listed = |text: &str| {
        let values = |list: &ir::CodeList| list.enumeration.values.iter().any(|v| v.wire == text);
        values(codes) || envelope.categories.as_ref().is_some_and(values)
    };
    let expired = errors.expired.iter().flat_map(|x| x.value.codes.iter().map(|c| ("expired.codes", c)));
    let rules = [("rate_limited", &errors.rate_limited), ("rejected", &errors.rejected), ("gone", &errors.gone), ("not_found", &errors.not_found)];
    let named = rules.into_iter().flat_map(|(key, list)| list.iter().map(move |c| (key, c)));
    for (key, code) in expired.chain(named) {
        if !listed(&code.value) {
            let lists = if envelope.categories.is_some() { "`codes` or `categories`" } else { "`codes`" };
            lw.error(
                "LS0126",
                Loc::at(code),
                format!("`{key}` names `{}`, which is not in {lists}", code.value),
                "add it to the list (with what it means), or fix the spelling",
            );
        }
    }
}
