//! The provider directory's files: the provider file, one part per group (tag), and `shared.yaml`
//! for models and enums that several groups use.

use super::Options;
use super::operation::Converted;
use super::schema::Schemas;
use super::yaml::{self, Y};
use std::collections::{BTreeMap, BTreeSet};

/// A part's operations, models and enums.
type Part = (Vec<(String, Y)>, Vec<(String, Y)>, Vec<(String, Y)>);

/// The file for types several groups use.
const SHARED: &str = "shared";

/// Writes every file, names in order.
pub fn write(options: &Options, mut provider: Y, errors: &Y, converted: &[Converted], schemas: &Schemas<'_>) -> Vec<(String, String)> {
    let header = format!(
        "# yaml-language-server: $schema=../linkspec.schema.json\n# Imported from {} by `cargo xtask import openapi`. Curate freely: `--update` adds what the\n# document adds and never overwrites what is here.\n",
        options.source.replace('\n', " ")
    );
    // Which groups reach each type.
    let mut groups_of: Vec<BTreeSet<&str>> = vec![BTreeSet::new(); schemas.named.len()];
    for op in converted {
        let mut stack: Vec<usize> = op.uses.clone();
        let mut seen = vec![false; schemas.named.len()];
        while let Some(i) = stack.pop() {
            if std::mem::replace(&mut seen[i], true) {
                continue;
            }
            groups_of[i].insert(op.group.as_str());
            stack.extend(schemas.named[i].uses.iter().copied());
        }
    }
    let error_model = match errors.get("model") {
        Some(Y::Str(m)) => Some(m.clone()),
        _ => None,
    };
    // The provider's own file name, and group names that would clash with it or `shared`.
    let provider_file = options.provider.clone();
    let group_file = |group: &str| if group == provider_file || group == SHARED { format!("{group}_operations") } else { group.to_owned() };
    let mut parts: BTreeMap<String, Part> = BTreeMap::new();
    for op in converted {
        parts.entry(group_file(&op.group)).or_default().0.push((op.name.clone(), op.entry.clone()));
    }
    let mut provider_models = Vec::new();
    let mut provider_enums = Vec::new();
    for (i, named) in schemas.named.iter().enumerate() {
        let groups = &groups_of[i];
        let is_error = error_model.as_deref() == Some(named.name.as_str());
        let target = if is_error || (groups.is_empty() && named.source.is_empty()) {
            None
        } else if groups.len() == 1 {
            groups.iter().next().map(|g| group_file(g))
        } else if groups.is_empty() {
            // Only the error envelope's own parts reach it.
            None
        } else {
            Some(SHARED.to_owned())
        };
        let entry = (named.name.clone(), named.entry.clone());
        match (target, named.is_enum) {
            (None, false) => provider_models.push(entry),
            (None, true) => provider_enums.push(entry),
            (Some(file), false) => parts.entry(file).or_default().1.push(entry),
            (Some(file), true) => parts.entry(file).or_default().2.push(entry),
        }
    }
    if !provider_models.is_empty() {
        provider.push("models", Y::Map(provider_models));
    }
    if !provider_enums.is_empty() {
        provider.push("enums", Y::Map(provider_enums));
    }
    let mut files = vec![(format!("{provider_file}.yaml"), yaml::document(&header, &provider))];
    for (name, (operations, models, enums)) in parts {
        let mut part = Y::map();
        if !operations.is_empty() {
            part.push("operations", Y::Map(operations));
        }
        if !models.is_empty() {
            part.push("models", Y::Map(models));
        }
        if !enums.is_empty() {
            part.push("enums", Y::Map(enums));
        }
        files.push((format!("{name}.yaml"), yaml::document(&header, &part)));
    }
    files.sort_by(|a, b| a.0.cmp(&b.0));
    files
}
