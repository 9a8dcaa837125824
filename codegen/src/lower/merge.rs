//! A provider in several files: the `*.yaml` files of a provider directory read and merged
//! into one `spec::Spec`, with every problem located in the file it stands in.
//!
//! One file of the directory holds `provider:` and the other top-level keys of a spec (its
//! `operations:` optional); the others are parts (`spec::part::SpecPart`). Operations, models
//! and enums of every file are merged in the order the files are given (name order), each file's
//! entries in file order. A name defined in two files is an error reported in both.

use super::parse::{on_a_line, parse_diagnostic};
use crate::SpecSource;
use crate::diag::{Diagnostic, Loc};
use crate::spec::part::SpecPart;
use crate::spec::shape::{self, Kind, Role};
use crate::spec::{self, Sp};
use std::collections::BTreeMap;

/// Where each file of a directory sits in the line numbers of the merged spec.
///
/// serde-saphyr's locations cannot be moved after parsing, so each file is parsed after as many
/// empty lines as the files before it hold (plus one each): every place in the merged spec has a
/// line of its own, which [`LineMap::place`] turns back into the file and its line.
#[derive(Debug, Clone)]
pub struct LineMap {
    dir: String,
    /// Per file in order: the lines before its first one, and its name.
    files: Vec<(u32, String)>,
    provider_file: String,
}

impl LineMap {
    /// The file and location a place of the merged spec stands at.
    pub fn locate(&self, loc: Loc) -> (&str, Loc) {
        if loc.line == 0 {
            return (&self.provider_file, loc);
        }
        match self.files.iter().rev().find(|(before, _)| *before < loc.line) {
            Some((before, name)) => (name, Loc { line: loc.line - before, ..loc }),
            None => (&self.provider_file, loc),
        }
    }

    /// A diagnostic of the merged spec (named after the directory) moved to its own file.
    pub fn place(&self, mut d: Diagnostic) -> Diagnostic {
        if d.file == self.dir {
            let (file, loc) = self.locate(d.loc);
            d.file = file.to_owned();
            d.loc = loc;
        }
        d
    }
}

/// A directory's files merged: the spec and where its lines come from.
#[derive(Debug)]
pub struct Merged {
    /// One spec, as if written in one file named after the directory.
    pub spec: spec::Spec,
    /// How to place its locations back in the files.
    pub lines: LineMap,
}

/// What one file of a directory is.
enum Read {
    Provider(Box<spec::Spec>),
    Part(SpecPart),
    /// It did not read; the problems are reported. `provider` says whether it holds `provider:`.
    Failed { provider: bool },
}

const TOP_HELP: &str = "one file of a provider directory holds `provider:` and the keys that go with it (`title`, `servers`, `auth`, `errors`, ...); \
                        the others hold only `operations`, `models` and `enums`";

/// Reads and merges the files of the provider directory `dir` (named as diagnostics and headers
/// show it, e.g. `specs/plaid/`). Returns the merged spec when every file reads and no name is
/// defined twice; problems go to the returned list either way, each in its own file.
pub fn parse_dir(dir: &str, files: &[SpecSource]) -> (Option<Merged>, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    let mut before = Vec::with_capacity(files.len());
    let mut lines: u32 = 0;
    for f in files {
        before.push(lines);
        let count = u32::try_from(f.text.lines().count()).unwrap_or(u32::MAX);
        lines = lines.saturating_add(count).saturating_add(1);
    }
    let mut reads = Vec::with_capacity(files.len());
    // Top-level keys of a spec written in a part: (part index, key, where).
    let mut stray: Vec<(usize, String, Loc)> = Vec::new();
    for (i, f) in files.iter().enumerate() {
        diags.extend(super::check_text(&f.name, &f.text));
        reads.push(read_file(f, before[i] as usize, &mut diags, &mut |key, loc| stray.push((i, key, loc))));
    }
    let providers: Vec<usize> =
        reads.iter().enumerate().filter(|(_, r)| matches!(r, Read::Provider(_) | Read::Failed { provider: true })).map(|(i, _)| i).collect();
    let unreadable = diags.iter().any(|d| d.code == "LS0001");
    match providers.as_slice() {
        [] if !unreadable => {
            let first = files.first().map(|f| f.name.as_str()).unwrap_or(dir);
            diags.push(
                Diagnostic::error("LS0010", first, Loc { line: 1, col: 1, len: 1 }, format!("no file of `{dir}` holds `provider:`"))
                    .help(TOP_HELP),
            );
        }
        [] | [_] => {}
        [first, rest @ ..] => {
            let (a, at_a) = (&files[*first], key_loc(&files[*first].text, "provider"));
            for other in rest {
                let (b, at_b) = (&files[*other], key_loc(&files[*other].text, "provider"));
                diags.push(
                    Diagnostic::error("LS0010", &b.name, at_b, format!("`{dir}` has two provider files: `provider:` is also in {}:{}:{}", a.name, at_a.line, at_a.col))
                        .help(TOP_HELP),
                );
                diags.push(
                    Diagnostic::error("LS0010", &a.name, at_a, format!("`{dir}` has two provider files: `provider:` is also in {}:{}:{}", b.name, at_b.line, at_b.col))
                        .help(TOP_HELP),
                );
            }
        }
    }
    let provider_file = providers.first().map(|&i| files[i].name.clone());
    for (i, key, loc) in &stray {
        let part = &files[*i].name;
        let home = provider_file.as_deref().map(|p| format!("the provider file, {p}")).unwrap_or_else(|| "the provider file".to_owned());
        diags.push(
            Diagnostic::error("LS0011", part, *loc, format!("`{key}` is a key of the provider file, not of a part"))
                .help(format!("move it to {home}; a part holds only `operations`, `models` and `enums`")),
        );
        if let Some(&p) = providers.first()
            && let Some(there) = top_level_key(&files[p].text, key)
        {
            diags.push(
                Diagnostic::error("LS0011", &files[p].name, there, format!("`{key}` is written twice: here and in {part}:{}:{}", loc.line, loc.col))
                    .help(format!("keep this one and remove the one in {part}: a provider key belongs in the provider file only")),
            );
        }
    }
    if diags.iter().any(|d| d.severity == crate::diag::Severity::Error) {
        return (None, diags);
    }
    let map = LineMap {
        dir: dir.to_owned(),
        files: before.iter().zip(files).map(|(b, f)| (*b, f.name.clone())).collect(),
        provider_file: provider_file.clone().unwrap_or_default(),
    };
    let mut spec = None;
    let mut parts: Vec<Option<SpecPart>> = Vec::with_capacity(reads.len());
    for read in reads {
        match read {
            Read::Provider(s) => {
                spec = Some(*s);
                parts.push(None);
            }
            Read::Part(p) => parts.push(Some(p)),
            Read::Failed { .. } => return (None, diags),
        }
    }
    let Some(mut spec) = spec else { return (None, diags) };
    let index = providers[0];
    merge(&mut spec, index, parts, &map, &mut diags);
    (Some(Merged { spec, lines: map }), diags)
}

/// Reads one file of a directory as a provider file or a part, reporting what does not read.
fn read_file(f: &SpecSource, before: usize, diags: &mut Vec<Diagnostic>, stray: &mut dyn FnMut(String, Loc)) -> Read {
    let mut shifted = String::with_capacity(before + f.text.len());
    shifted.extend(std::iter::repeat_n('\n', before));
    shifted.push_str(&f.text);
    let tried_spec = top_level_key(&f.text, "provider").is_some();
    if !tried_spec {
        if let Ok(part) = spec::shape::from_str::<SpecPart>(&shifted) {
            return Read::Part(part);
        }
    } else if let Ok(spec) = spec::shape::from_str::<spec::Spec>(&shifted) {
        return Read::Provider(Box::new(spec));
    }
    let tree = match shape::read(&f.text) {
        Ok(tree) => tree,
        Err(syntax) => {
            diags.push(on_a_line(parse_diagnostic(&f.name, &syntax), &f.text));
            return Read::Failed { provider: top_level_key(&f.text, "provider").is_some() };
        }
    };
    let keys: Vec<(String, Loc)> = match &tree.kind {
        Kind::Map(entries) => entries
            .iter()
            .filter_map(|(k, _)| match &k.kind {
                Kind::Str(s) => Some((s.clone(), k.loc)),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    };
    let provider = keys.iter().any(|(k, _)| k == "provider");
    if provider && !tried_spec {
        // A flow-style or quoted `provider` key the line scan missed: read as a provider file.
        if let Ok(spec) = spec::shape::from_str::<spec::Spec>(&shifted) {
            return Read::Provider(Box::new(spec));
        }
    }
    let role = if provider { Role::ProviderFile } else { Role::Part };
    let mut problems = shape::check_as(&f.name, &tree, role);
    let mut strays = 0;
    if !provider {
        let spec_keys = spec::spec_schema();
        let spec_keys = spec_keys.get("properties").and_then(serde_json::Value::as_object);
        for (key, loc) in keys.iter().filter(|(k, _)| spec_keys.is_some_and(|p| p.contains_key(k)) && !["operations", "models", "enums"].contains(&k.as_str())) {
            problems.retain(|d| !(d.code == "LS0003" && d.loc == *loc));
            stray(key.clone(), *loc);
            strays += 1;
        }
    }
    if problems.is_empty() && strays == 0 {
        // The shape check and serde disagree: serde's own words are the best there is.
        let err = if provider {
            spec::shape::from_str::<spec::Spec>(&f.text).err()
        } else {
            spec::shape::from_str::<SpecPart>(&f.text).err()
        };
        if let Some(err) = err {
            problems.push(parse_diagnostic(&f.name, &err));
        }
    }
    diags.extend(problems.into_iter().map(|d| on_a_line(d, &f.text)));
    Read::Failed { provider }
}

/// Moves every part's operations, models and enums into the provider's spec, in file order,
/// reporting names defined twice (and keeping the first).
fn merge(spec: &mut spec::Spec, provider: usize, mut parts: Vec<Option<SpecPart>>, map: &LineMap, diags: &mut Vec<Diagnostic>) {
    let own_ops = std::mem::take(&mut spec.operations.value.0);
    let own_models = std::mem::take(&mut spec.models.0);
    let own_enums = std::mem::take(&mut spec.enums.0);
    if spec.operations.referenced == serde_saphyr::Location::UNKNOWN {
        let first = parts.iter().flatten().find_map(|p| p.operations.as_ref());
        let at = first.map_or(spec.provider.referenced, |o| o.referenced);
        spec.operations.referenced = at;
        spec.operations.defined = at;
    }
    let mut own = (Some(own_ops), Some(own_models), Some(own_enums));
    let mut ops = Vec::new();
    let mut models = Vec::new();
    let mut enums = Vec::new();
    for (i, part) in parts.iter_mut().enumerate() {
        if i == provider {
            ops.extend(own.0.take().unwrap_or_default());
            models.extend(own.1.take().unwrap_or_default());
            enums.extend(own.2.take().unwrap_or_default());
        } else if let Some(p) = part {
            ops.extend(p.operations.take().map(|o| o.value.0).unwrap_or_default());
            models.append(&mut p.models.0);
            enums.append(&mut p.enums.0);
        }
    }
    let mut seen = BTreeMap::new();
    spec.operations.value.0 = keep_first(ops, "operation", &mut seen, map, diags);
    // Models and enums share one namespace, as in one file.
    let mut seen = BTreeMap::new();
    spec.models.0 = keep_first(models, "model", &mut seen, map, diags);
    spec.enums.0 = keep_first(enums, "enum", &mut seen, map, diags);
}

/// The entries whose name was not seen before; a name seen before is reported where it stands
/// and where it was first defined.
fn keep_first<V>(
    entries: Vec<(Sp<String>, V)>,
    kind: &str,
    seen: &mut BTreeMap<String, (String, Loc, String)>,
    map: &LineMap,
    diags: &mut Vec<Diagnostic>,
) -> Vec<(Sp<String>, V)> {
    let mut out = Vec::with_capacity(entries.len());
    for (name, value) in entries {
        let (file, loc) = map.locate(Loc::at(&name));
        let Some((first_file, first_loc, first_kind)) = seen.get(&name.value) else {
            seen.insert(name.value.clone(), (file.to_owned(), loc, kind.to_owned()));
            out.push((name, value));
            continue;
        };
        if *first_file == file {
            // A model and an enum of one file: what lowering says of one spec file.
            diags.push(
                Diagnostic::error("LS0201", file, loc, format!("`{}` is declared twice (first at line {})", name.value, first_loc.line))
                    .help("models and enums share one namespace: rename one"),
            );
            continue;
        }
        let n = &name.value;
        let help = "an operation, model or enum is defined in one file of a provider directory: remove or rename one (models and enums share one namespace)";
        let also = |other_kind: &str, other_file: &str, other: Loc| {
            let what = if other_kind == kind { String::new() } else { format!(", as {} {other_kind},", article(other_kind)) };
            format!("is also defined{what} in {other_file}:{}:{}", other.line, other.col)
        };
        diags.push(Diagnostic::error("LS0012", file, loc, format!("{kind} `{n}` {}", also(first_kind, first_file, *first_loc))).help(help));
        let first_also = {
            let what = if first_kind == kind { String::new() } else { format!(", as {} {kind},", article(kind)) };
            format!("is also defined{what} in {file}:{}:{}", loc.line, loc.col)
        };
        diags.push(Diagnostic::error("LS0012", first_file, *first_loc, format!("{first_kind} `{n}` {first_also}")).help(help));
    }
    out
}

fn article(kind: &str) -> &'static str {
    if kind.starts_with(['a', 'e', 'i', 'o', 'u']) { "an" } else { "a" }
}

/// Where a block-style top-level `key:` stands in `text`, if it does.
fn top_level_key(text: &str, key: &str) -> Option<Loc> {
    text.lines().enumerate().find_map(|(n, line)| {
        let rest = line.strip_prefix(key)?;
        let at_end = rest.starts_with(':') && (rest.len() == 1 || rest[1..].starts_with([' ', '\t']));
        at_end.then(|| Loc { line: u32::try_from(n + 1).unwrap_or(u32::MAX), col: 1, len: u32::try_from(key.len()).unwrap_or(1) })
    })
}

/// Where `key:` stands, or the start of the file.
fn key_loc(text: &str, key: &str) -> Loc {
    top_level_key(text, key).unwrap_or(Loc { line: 1, col: 1, len: 1 })
}
