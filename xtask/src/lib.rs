//! Library half of xtask: reading specs and comparing generated/ with what the generator makes.
//! The binary (`cargo xtask ...`) and the freshness test share it.

pub mod bench;
pub mod examples;
pub mod import;
pub mod manifest;
pub mod schema;
pub mod synthetic;
pub mod tree;
pub mod workspace;

use anyhow::{Context, Result, bail};
use linkspec_codegen::diag::{Diagnostic, Diagnostics, Loc};
use linkspec_codegen::{Config, Output, ProviderSource, SpecSource};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

pub use workspace::{compiled_root, current_root, find_root};

/// What `specs/` holds: the specs that read, and the problems of those that did not.
#[derive(Debug, Default)]
pub struct SpecDir {
    /// Specs of one file (`specs/*.yaml`) read as UTF-8, in name order.
    pub specs: Vec<SpecSource>,
    /// Providers in several files (`specs/<provider>/*.yaml`), in name order.
    pub dirs: Vec<SpecGroup>,
    /// Views (`specs/views/*.yaml`), in name order.
    pub views: Vec<SpecSource>,
    /// Files that are not UTF-8, each reported as a diagnostic at its first bad byte.
    pub diagnostics: Diagnostics,
    /// Their text (bad bytes replaced), for the diagnostics' snippets.
    pub lossy: Vec<SpecSource>,
    /// Files refused outright (a spec named `*.yml`), with what to do.
    pub refused: Vec<String>,
}

/// A provider directory: `specs/<provider>/` and its `*.yaml` files, which are merged.
#[derive(Debug, Default)]
pub struct SpecGroup {
    /// The directory as diagnostics and headers show it: `specs/<provider>/`.
    pub name: String,
    /// Its files that read, in name order, each named `specs/<provider>/<file>.yaml`.
    pub files: Vec<SpecSource>,
}

impl SpecDir {
    /// True when every spec file read.
    pub fn is_clean(&self) -> bool {
        self.diagnostics.0.is_empty() && self.refused.is_empty()
    }

    /// One entry per provider: each spec of one file, then each provider directory.
    pub fn providers(&self) -> Vec<ProviderSource<'_>> {
        let files = self.specs.iter().map(ProviderSource::File);
        files.chain(self.dirs.iter().map(|d| ProviderSource::Dir { name: &d.name, files: &d.files })).collect()
    }

    /// Every spec file that read, in a directory or not, views included.
    pub fn files(&self) -> impl Iterator<Item = &SpecSource> {
        self.specs.iter().chain(self.dirs.iter().flat_map(|d| &d.files)).chain(&self.views)
    }
}

/// Reads `specs/`: every `*.yaml` file in name order, and every directory `specs/<provider>/`
/// as a provider in several files (its `*.yaml` files, in name order). A file that is not UTF-8
/// becomes a diagnostic (the others are still read); a `*.yml` (or `*.YAML`) file is refused,
/// never silently skipped, and so are a directory inside a provider directory and a provider
/// directory without a `*.yaml`. Other files (the README, the JSON Schema) are not specs.
pub fn read_spec_dir(root: &Path) -> Result<SpecDir> {
    let dir = root.join("specs");
    let mut out = SpecDir::default();
    for path in sorted_entries(&dir)? {
        let file = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let name = format!("specs/{file}");
        let Some(meta) = metadata(&path, &name)? else { continue };
        if meta.is_dir() && file == VIEWS_DIR {
            read_views_dir(&path, &name, &mut out)?;
            continue;
        }
        if meta.is_dir() {
            read_provider_dir(&path, &name, &mut out)?;
            continue;
        }
        if let Some(spec) = read_spec_file(&path, name, &meta, &mut out)? {
            out.specs.push(spec);
        }
    }
    Ok(out)
}

/// `specs/views/`: view files, not a provider.
pub const VIEWS_DIR: &str = "views";

/// Reads `specs/views/*.yaml` (named `dir`): each file one view.
fn read_views_dir(path: &Path, dir: &str, out: &mut SpecDir) -> Result<()> {
    for entry in sorted_entries(path)? {
        let file = entry.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let name = format!("{dir}/{file}");
        let Some(meta) = metadata(&entry, &name)? else { continue };
        if meta.is_dir() {
            out.refused.push(format!("{name}/: {dir}/ holds view files (`*.yaml`) only"));
            continue;
        }
        if let Some(view) = read_spec_file(&entry, name, &meta, out)? {
            out.views.push(view);
        }
    }
    Ok(())
}

/// What `path` is (through links). A file that is no spec and cannot be looked at (a dangling
/// link next to the README) is not one linkspec reads: `None`.
fn metadata(path: &Path, name: &str) -> Result<Option<std::fs::Metadata>> {
    match std::fs::metadata(path) {
        Ok(meta) => Ok(Some(meta)),
        Err(_) if !is_spec_name(path) => Ok(None),
        Err(e) => Err(e).with_context(|| format!("reading {name}")),
    }
}

/// Named like a spec (`*.yaml`, or `*.yml` in any case, which is refused).
fn is_spec_name(path: &Path) -> bool {
    let ext = path.extension().map(|e| e.to_string_lossy().into_owned()).unwrap_or_default();
    ext.eq_ignore_ascii_case("yaml") || ext.eq_ignore_ascii_case("yml")
}

/// The entries of `dir`, sorted by path.
fn sorted_entries(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
        .with_context(|| format!("reading {}", dir.display()))?
        .map(|e| e.map(|e| e.path()))
        .collect::<std::io::Result<_>>()
        .with_context(|| format!("reading {}", dir.display()))?;
    paths.sort();
    Ok(paths)
}

/// Reads `specs/<provider>/` (named `dir`, e.g. `specs/plaid`) as one provider in several files.
fn read_provider_dir(path: &Path, dir: &str, out: &mut SpecDir) -> Result<()> {
    let mut group = SpecGroup { name: format!("{dir}/"), files: Vec::new() };
    let mut seen = 0;
    for entry in sorted_entries(path)? {
        let file = entry.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let name = format!("{dir}/{file}");
        let Some(meta) = metadata(&entry, &name)? else { continue };
        if meta.is_dir() {
            out.refused.push(format!(
                "{name}/: a provider directory is read one level deep; move its `*.yaml` files up into {dir}/, or make it a provider of its own (specs/<provider>/)"
            ));
            continue;
        }
        seen += usize::from(is_spec_name(&entry));
        if let Some(spec) = read_spec_file(&entry, name, &meta, out)? {
            group.files.push(spec);
        }
    }
    if seen == 0 {
        out.refused.push(format!(
            "{dir}/: a provider directory holds the provider's `*.yaml` files, and this one holds none; add them or remove the directory"
        ));
        return Ok(());
    }
    out.dirs.push(group);
    Ok(())
}

/// Reads one file found in `specs/` or a provider directory: `Some` for a spec that reads;
/// `None` for a file that is no spec, or one refused or reported in `out`.
fn read_spec_file(path: &Path, name: String, meta: &std::fs::Metadata, out: &mut SpecDir) -> Result<Option<SpecSource>> {
    let yaml = path.extension().is_some_and(|e| e == "yaml");
    if !is_spec_name(path) {
        return Ok(None);
    }
    if !yaml {
        let stem = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
        let dir = name.rsplit_once('/').map_or("specs", |(d, _)| d);
        out.refused.push(format!("{name}: specs must be named `*.yaml`; rename it to {dir}/{stem}.yaml"));
        return Ok(None);
    }
    // Read through links (reading is harmless), but only regular files: a FIFO would block.
    if !meta.is_file() {
        out.refused.push(format!("{name}: not a regular file; a spec is a YAML file"));
        return Ok(None);
    }
    let bytes = std::fs::read(path).with_context(|| format!("reading {name}"))?;
    match String::from_utf8(bytes) {
        Ok(text) => Ok(Some(SpecSource { name, text })),
        Err(e) => {
            let bytes = e.as_bytes();
            let offset = e.utf8_error().valid_up_to();
            out.diagnostics.0.push(not_utf8(&name, bytes, offset));
            out.lossy.push(SpecSource { name, text: String::from_utf8_lossy(bytes).into_owned() });
            Ok(None)
        }
    }
}

/// The diagnostic for a file whose bytes stop being UTF-8 at `offset`.
fn not_utf8(name: &str, bytes: &[u8], offset: usize) -> Diagnostic {
    // Everything before `offset` is valid UTF-8.
    let before = std::str::from_utf8(&bytes[..offset]).unwrap_or_default();
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().unwrap_or("").chars().count() + 1;
    let loc = Loc { line: u32::try_from(line).unwrap_or(u32::MAX), col: u32::try_from(col).unwrap_or(u32::MAX), len: 1 };
    Diagnostic::error(
        "LS0001",
        name,
        loc,
        format!("the file is not UTF-8: byte 0x{:02X} at offset {offset} is not part of a UTF-8 character", bytes[offset]),
    )
    .help("specs are UTF-8 text: save the file as UTF-8 (the snippet shows the bad byte as \u{FFFD})")
}

/// Reads `specs/`, failing when any spec file does not read (see [`read_spec_dir`]).
pub fn read_clean_spec_dir(root: &Path) -> Result<SpecDir> {
    let dir = read_spec_dir(root)?;
    if !dir.is_clean() {
        let mut problems: Vec<String> = dir.diagnostics.0.iter().map(ToString::to_string).collect();
        problems.extend(dir.refused);
        bail!("{}", problems.join("\n"));
    }
    Ok(dir)
}

/// Every spec file under `specs/` (`specs/*.yaml` and `specs/<provider>/*.yaml`), failing when
/// any does not read. To generate, use [`SpecDir::providers`]: a directory's files are one
/// provider.
pub fn read_specs(root: &Path) -> Result<Vec<SpecSource>> {
    let dir = read_clean_spec_dir(root)?;
    let SpecDir { mut specs, dirs, .. } = dir;
    specs.extend(dirs.into_iter().flat_map(|d| d.files));
    Ok(specs)
}

/// The generator's fixtures, `codegen/tests/fixtures/*.yaml` in name order (none when the
/// directory is missing, as in a scratch tree), named as diagnostics show them.
pub fn read_fixture_specs(root: &Path) -> Result<Vec<SpecSource>> {
    let dir = root.join("codegen/tests/fixtures");
    if !dir.is_dir() {
        return Ok(Vec::new());
    }
    let mut out = Vec::new();
    for path in sorted_entries(&dir)? {
        if path.extension().is_some_and(|e| e == "yaml") && path.is_file() {
            let file = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            let text = std::fs::read_to_string(&path).with_context(|| format!("reading codegen/tests/fixtures/{file}"))?;
            out.push(SpecSource { name: format!("codegen/tests/fixtures/{file}"), text });
        }
    }
    Ok(out)
}

/// Every regular file under `dir`, relative to `root`, with `/` separators. Symbolic links
/// are not followed (nor listed).
pub fn existing_files(root: &Path, dir: &Path) -> Result<BTreeSet<String>> {
    Ok(tree::walk(dir)?.files.iter().map(|p| tree::relative(root, p)).collect())
}

/// How generated/ differs from what the generator makes now.
#[derive(Debug, Default)]
pub struct Drift {
    /// Files whose contents differ or that are missing.
    pub stale: Vec<String>,
    /// Files under generated/ that the generator no longer makes.
    pub extra: Vec<String>,
}

impl Drift {
    /// True when generated/ is up to date.
    pub fn is_empty(&self) -> bool {
        self.stale.is_empty() && self.extra.is_empty()
    }
}

/// Compares the generator's output with the files on disk.
/// Refuses (see [`tree::generated_files`]) when generated/ holds a symbolic link.
pub fn drift(root: &Path, config: &Config, output: &Output) -> Result<Drift> {
    let existing = tree::generated_files(root, &config.out_dir)?;
    let wanted: BTreeSet<String> = output.files.iter().map(|f| f.path.clone()).collect();
    let stale = output
        .files
        .iter()
        .filter(|f| !existing.contains(&f.path) || std::fs::read(root.join(&f.path)).ok().as_deref() != Some(f.contents.as_bytes()))
        .map(|f| f.path.clone())
        .collect();
    let extra = existing.difference(&wanted).cloned().collect();
    Ok(Drift { stale, extra })
}

/// A recorded answer: the operation called, the status, the body.
pub type Answer = (String, u16, serde_json::Value);

/// The last response of every recorded conformance case, by provider. Cassettes that do not
/// read are skipped here; the conformance suite reports them. So are the cases made from a
/// vendor document's examples ([`examples::MARK`]): a vendor shows every field in its examples
/// (and a composed answer holds every property with an example), which says nothing about what
/// the provider always sends.
pub fn recorded_answers(root: &Path) -> Result<std::collections::BTreeMap<String, Vec<Answer>>> {
    #[derive(serde::Deserialize)]
    struct Cassette {
        operation: String,
        exchanges: Vec<Exchange>,
    }
    #[derive(serde::Deserialize)]
    struct Exchange {
        response: Response,
    }
    #[derive(serde::Deserialize)]
    struct Response {
        status: u16,
        #[serde(default)]
        body: String,
    }
    let mut out = std::collections::BTreeMap::new();
    let dir = root.join("conformance/cassettes");
    if !dir.exists() {
        return Ok(out);
    }
    for file in existing_files(root, &dir)? {
        let Some(provider) = file.strip_prefix("conformance/cassettes/").and_then(|rest| rest.split_once('/')).map(|(p, _)| p.to_owned()) else {
            continue;
        };
        if !file.ends_with(".yaml") {
            continue;
        }
        let text = std::fs::read_to_string(root.join(&file)).with_context(|| format!("reading {file}"))?;
        if text.starts_with(examples::MARK) {
            continue;
        }
        let Ok(cassette) = serde_saphyr::from_str::<Cassette>(&text) else { continue };
        let Some(last) = cassette.exchanges.last() else { continue };
        let Ok(body) = serde_json::from_str(&last.response.body) else { continue };
        out.entry(provider).or_insert_with(Vec::new).push((cassette.operation, last.response.status, body));
    }
    Ok(out)
}

/// Every recorded conformance case (`conformance/cassettes/<provider>/<case>.yaml`), by
/// provider and case name, as the docs' examples read them ([`linkspec_codegen::RecordedCall`]):
/// the operation, the arguments, the provider headers, how the call ended and the last answer.
/// The credentials in `settings` are never read. A file that does not read as a case is
/// skipped here; the conformance suite reports it.
pub fn recorded_calls(root: &Path) -> Result<Vec<linkspec_codegen::RecordedCall>> {
    #[derive(serde::Deserialize)]
    struct Cassette {
        operation: String,
        #[serde(default)]
        settings: Settings,
        #[serde(default)]
        view: Option<String>,
        #[serde(default)]
        args: serde_json::Value,
        #[serde(default)]
        outcome: Option<String>,
        #[serde(default)]
        known_failure: Option<String>,
        exchanges: Vec<Exchange>,
    }
    #[derive(serde::Deserialize, Default)]
    struct Settings {
        #[serde(default)]
        headers: BTreeMap<String, String>,
    }
    #[derive(serde::Deserialize)]
    struct Exchange {
        response: Response,
    }
    #[derive(serde::Deserialize)]
    struct Response {
        status: u16,
        #[serde(default)]
        body: String,
    }
    let mut out = Vec::new();
    let dir = root.join("conformance/cassettes");
    if !dir.exists() {
        return Ok(out);
    }
    for file in existing_files(root, &dir)? {
        let Some((provider, case)) = file.strip_prefix("conformance/cassettes/").and_then(|rest| rest.split_once('/')) else {
            continue;
        };
        let Some(case) = case.strip_suffix(".yaml").filter(|c| !c.contains('/')) else { continue };
        let text = std::fs::read_to_string(root.join(&file)).with_context(|| format!("reading {file}"))?;
        let Ok(cassette) = serde_saphyr::from_str::<Cassette>(&text) else { continue };
        let Some(last) = cassette.exchanges.last() else { continue };
        let success = match cassette.outcome.as_deref() {
            Some(outcome) => outcome == "success",
            None => (200..300).contains(&last.response.status),
        };
        out.push(linkspec_codegen::RecordedCall {
            provider: provider.to_owned(),
            case: case.to_owned(),
            operation: cassette.operation,
            args: cassette.args,
            headers: cassette.settings.headers.into_iter().collect(),
            success,
            view: cassette.view.is_some(),
            known_failure: cassette.known_failure.is_some(),
            answer: serde_json::from_str(&last.response.body).ok(),
            invented: false,
        });
    }
    out.sort_by(|a, b| (&a.provider, &a.case).cmp(&(&b.provider, &b.case)));
    Ok(out)
}

/// Warnings the recorded answers give about the specs (see `linkspec_codegen::evidence`).
/// `providers` are the specs as lowered by the run that generated them.
pub fn evidence_warnings(
    root: &Path,
    sources: &[ProviderSource<'_>],
    providers: &[linkspec_codegen::ir::Provider],
) -> Result<linkspec_codegen::diag::Diagnostics> {
    use linkspec_codegen::evidence;
    let answers = recorded_answers(root)?;
    let mut warnings = Vec::new();
    for provider in providers {
        let Some(recorded) = answers.get(&provider.module) else { continue };
        let samples: Vec<evidence::Sample<'_>> = recorded
            .iter()
            .map(|(operation, status, body)| evidence::Sample { operation, status: *status, body })
            .collect();
        for source in sources {
            match source {
                ProviderSource::File(spec) if spec.name == provider.source => {
                    warnings.extend(evidence::optional_fields_always_present(provider, &spec.text, &samples));
                }
                ProviderSource::Dir { name, files } if *name == provider.source => {
                    warnings.extend(evidence::optional_fields_always_present_in_dir(provider, files, &samples));
                }
                _ => {}
            }
        }
    }
    let mut diags = linkspec_codegen::diag::Diagnostics(warnings);
    diags.sort();
    Ok(diags)
}

/// `cargo xtask generate [--check]` below `root`: reads `specs/`, and either rewrites
/// `generated/` (removing files the generator no longer makes) or, with `check`, only reports
/// how it differs. Diagnostics go to `err`. Returns false when a spec is invalid or missing, or a
/// generated manifest would not load (then nothing is written) or, with `check`, when
/// `generated/` is stale.
///
/// `generated/` is only ever replaced whole (see [`tree::replace`]): a run that fails leaves it
/// as it was, and a symbolic link there is refused, never followed.
pub fn generate(root: &Path, check: bool, out: &mut dyn std::io::Write, err: &mut dyn std::io::Write) -> Result<bool> {
    let dir = read_spec_dir(root)?;
    let providers = dir.providers();
    let source_of = |name: &str| dir.files().chain(&dir.lossy).find(|s| s.name == name).map(|s| s.text.as_str());
    let config = Config { recorded: recorded_calls(root)?, ..Config::default() };
    for problem in &dir.refused {
        writeln!(err, "error: {problem}")?;
    }
    if providers.is_empty() && dir.is_clean() {
        writeln!(
            err,
            "error: {} holds no spec (`*.yaml`): nothing to generate from, so {}/ was left as it is",
            root.join("specs").display(),
            config.out_dir
        )?;
        return Ok(false);
    }
    let generated = linkspec_codegen::generate_with_views(&providers, Some(&dir.views), &config);
    if !dir.is_clean() || generated.is_err() {
        let mut diags = dir.diagnostics.clone();
        if let Err(more) = &generated {
            diags.0.extend(more.0.iter().cloned());
        }
        diags.sort();
        if !diags.0.is_empty() {
            write!(err, "{}", diags.render(source_of))?;
        }
        writeln!(err, "nothing was written: fix the specs above and run again")?;
        return Ok(false);
    }
    let Ok(mut output) = generated else { return Ok(false) };
    // The generator's fixtures are a crate too (generated/fixtures/), so tests call every
    // construct of the format through generated code.
    let fixtures = read_fixture_specs(root)?;
    if !fixtures.is_empty() {
        let sources: Vec<ProviderSource<'_>> = fixtures.iter().map(ProviderSource::File).collect();
        match linkspec_codegen::generate_providers(&sources, &Config::fixtures()) {
            Ok(more) => {
                output.files.extend(more.files);
                output.files.sort_by(|a, b| a.path.cmp(&b.path));
            }
            Err(diags) => {
                let source_of = |name: &str| fixtures.iter().find(|s| s.name == name).map(|s| s.text.as_str());
                write!(err, "{}", diags.render(source_of))?;
                writeln!(err, "nothing was written: the generator's fixtures (codegen/tests/fixtures/) must generate too")?;
                return Ok(false);
            }
        }
    }
    for f in output.files.iter().filter(|f| f.path.ends_with(".toml")) {
        if let Err(p) = manifest::check(&f.contents) {
            writeln!(
                err,
                "error: {}:{}:{}: {}\n  cargo could not read this manifest, and then could not load the workspace (not even to run \
                 `cargo xtask generate` again), so nothing was written.\n  A provider or feature name cargo cannot take (such as \
                 `default`) causes this: rename it in its spec; otherwise it is a generator bug.",
                f.path, p.line, p.col, p.message
            )?;
            return Ok(false);
        }
    }
    let mut warnings = output.warnings.clone();
    warnings.0.extend(evidence_warnings(root, &providers, &output.providers)?.0);
    if !warnings.0.is_empty() {
        write!(err, "{}", warnings.render(source_of))?;
    }
    let drift = drift(root, &config, &output)?;
    if check {
        if drift.is_empty() {
            writeln!(out, "generated/ is up to date ({} files from {} specs)", output.files.len(), providers.len())?;
            return Ok(true);
        }
        for f in &drift.stale {
            writeln!(err, "stale: {f}")?;
        }
        for f in &drift.extra {
            writeln!(err, "not generated (remove it): {f}")?;
        }
        writeln!(err, "generated/ is out of date: run `cargo xtask generate`")?;
        return Ok(false);
    }
    if !drift.is_empty() {
        let files: Vec<(&str, &str)> = output.files.iter().map(|f| (f.path.as_str(), f.contents.as_str())).collect();
        let unchanged: BTreeSet<String> =
            output.files.iter().filter(|f| !drift.stale.contains(&f.path)).map(|f| f.path.clone()).collect();
        tree::replace(root, &config.out_dir, &files, &unchanged)?;
    }
    for f in &drift.extra {
        writeln!(out, "removed {f}")?;
    }
    for f in &drift.stale {
        writeln!(out, "wrote {f}")?;
    }
    writeln!(
        out,
        "{} files from {} specs ({} written, {} removed)",
        output.files.len(),
        providers.len(),
        drift.stale.len(),
        drift.extra.len()
    )?;
    Ok(true)
}
