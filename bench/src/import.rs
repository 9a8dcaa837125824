//! The vendors' own OpenAPI documents (`--openapi-dir`, by default `<root>/../shared/openapi`),
//! read where they lie and never copied: linkspec imports each into a provider directory and
//! generates a crate from it; progenitor generates its client from the same YAML text, which it
//! reads into `openapiv3` through serde-saphyr. Per document, side by side: wall time (a child
//! process per run, the two tools interleaved round by round), lines of Rust, and the debug
//! compile time of each generated crate. A tool that fails on a document is reported with its
//! own error text, and its side of the rows says so.

use crate::compile;
use crate::generate::{self, Tool};
use crate::stats::Samples;
use anyhow::{Context, Result, bail};
use linkspec_codegen::diag::{Diagnostics, Severity};
use linkspec_codegen::import;
use linkspec_codegen::{Config, GeneratedFile, ProviderSource, SpecSource};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

/// A vendor document the rows read.
#[derive(Debug, Clone, Copy)]
pub struct Doc {
    /// Its file name in the documents' directory.
    pub file: &'static str,
    /// How the table names it.
    pub title: &'static str,
    /// The provider linkspec imports it as.
    pub provider: &'static str,
}

/// The documents, in the table's order.
pub const DOCS: [Doc; 2] = [
    Doc { file: "mx-platform-v20250224.yml", title: "MX Platform", provider: "mx_platform" },
    Doc { file: "plaid-2020-09-14.yml", title: "Plaid", provider: "plaid" },
];

// ---------------------------------------------------------------------------------------------
// linkspec's side: the importer, then the generator on the directory it wrote.

/// What linkspec's importer made of a document: the files of the provider directory, named as
/// `generate` shows them (`specs/<provider>/<file>`), the operations and types it wrote, and its
/// findings counted by kind (`not-held`, `skipped`, ...).
pub struct Imported {
    pub files: Vec<SpecSource>,
    pub operations: usize,
    pub types: usize,
    pub findings: BTreeMap<&'static str, usize>,
}

/// linkspec's importer on the document `text` (named `file` in its findings), as
/// `cargo xtask import openapi <file> --provider <provider>` would run it. The one place that
/// knows the importer's API.
pub fn linkspec_import(text: &str, file: &str, provider: &str) -> Result<Imported> {
    // Descriptions copied as docs, as `cargo xtask import` does by default and as progenitor
    // copies them into its output; every operation.
    let options = import::Options { provider: provider.into(), docs: import::Docs::Copy, only: Vec::new(), source: file.into() };
    let imported = import::openapi(text, &options).map_err(|e| anyhow::anyhow!("{file}: {e}"))?;
    let dir = provider_dir(provider);
    let mut findings = BTreeMap::new();
    for f in &imported.findings {
        *findings.entry(f.kind.as_str()).or_default() += 1;
    }
    Ok(Imported {
        files: imported.files.into_iter().map(|(name, text)| SpecSource { name: format!("{dir}{name}"), text }).collect(),
        operations: imported.operations,
        types: imported.types,
        findings,
    })
}

/// The provider directory's name as `generate` shows it.
fn provider_dir(provider: &str) -> String {
    format!("specs/{provider}/")
}

/// linkspec's generator on an imported provider directory (`generate_providers`, as
/// `cargo xtask generate` runs it on `specs/<provider>/`), into a crate at `out_dir`.
pub fn linkspec_generate(provider: &str, files: &[SpecSource], out_dir: &str, package: &str) -> Result<linkspec_codegen::Output, Diagnostics> {
    let name = provider_dir(provider);
    let config = Config { out_dir: out_dir.into(), package: package.into(), specs: name.clone() };
    linkspec_codegen::generate_providers(&[ProviderSource::Dir { name: &name, files }], &config)
}

/// `N error(s), M warning(s)` and the first lines of their rendering.
fn diagnostics_summary(d: &Diagnostics, files: &[SpecSource]) -> (usize, usize, String) {
    let errors = d.0.iter().filter(|x| x.severity == Severity::Error).count();
    let warnings = d.0.len() - errors;
    let text = d.render(|name| files.iter().find(|f| f.name == name).map(|f| f.text.as_str()));
    (errors, warnings, generate::first_lines(&text))
}

// ---------------------------------------------------------------------------------------------
// progenitor's side.

/// The YAML document as openapiv3 reads it, through serde-saphyr with its default options but
/// limits fit for a 3 MB document (the defaults stop at 250,000 nodes and 1,000,000 events).
pub fn progenitor_read(text: &str) -> Result<openapiv3::OpenAPI> {
    serde_saphyr::from_str_with_options(text, yaml_options()).map_err(|e| anyhow::anyhow!("{e}"))
}

fn yaml_options() -> serde_saphyr::Options {
    let mut options = serde_saphyr::Options::default();
    let mut budget = serde_saphyr::budget::Budget::default();
    budget.max_nodes = 20_000_000;
    budget.max_events = 40_000_000;
    budget.max_depth = 512;
    options.budget = Some(budget);
    options
}

/// How many operations (methods under `paths`) and component schemas the document declares,
/// counted on the YAML itself, whichever tool reads it.
pub fn document_counts(text: &str) -> Result<(usize, usize)> {
    let doc: serde_json::Value = serde_saphyr::from_str_with_options(text, yaml_options()).map_err(|e| anyhow::anyhow!("{e}"))?;
    const METHODS: [&str; 8] = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];
    let operations = doc
        .get("paths")
        .and_then(|p| p.as_object())
        .map_or(0, |paths| paths.values().filter_map(|item| item.as_object()).map(|item| item.keys().filter(|k| METHODS.contains(&k.as_str())).count()).sum());
    let schemas = doc.pointer("/components/schemas").and_then(|s| s.as_object()).map_or(0, |s| s.len());
    Ok((operations, schemas))
}

// ---------------------------------------------------------------------------------------------
// One measured run, in a child process.

/// The region measured in a child: the document's text to formatted Rust, in two phases
/// (linkspec: import, generate; progenitor: YAML to openapiv3, generate and format). With
/// `both` false only the first phase runs. Nanoseconds of each phase, bytes of Rust.
#[inline(never)]
fn bench_measured_import(tool: Tool, text: &str, file: &str, provider: &str, both: bool) -> Result<(u128, u128, usize)> {
    let start = Instant::now();
    match tool {
        Tool::Linkspec => {
            let imported = linkspec_import(text, file, provider)?;
            let first = start.elapsed().as_nanos();
            let mut bytes = 0;
            if both {
                let out = linkspec_generate(provider, &imported.files, "generated", "imported")
                    .map_err(|d| anyhow::anyhow!("linkspec's generate fails: {} error(s)", diagnostics_summary(&d, &imported.files).0))?;
                bytes = out.files.iter().map(|f| f.contents.len()).sum();
            }
            Ok((first, start.elapsed().as_nanos() - first, bytes))
        }
        Tool::Progenitor => {
            let spec = progenitor_read(text)?;
            let first = start.elapsed().as_nanos();
            let mut bytes = 0;
            if both {
                bytes = generate::progenitor_render(&spec)?.len();
            }
            Ok((first, start.elapsed().as_nanos() - first, bytes))
        }
    }
}

/// The child's side: `__import TOOL DOCUMENT PROVIDER both|first`. Reads the document (not
/// measured), runs once and prints `first_ns second_ns bytes peak_rss`.
pub fn child(args: &[String]) -> Result<()> {
    let [tool, path, provider, mode] = args else { bail!("usage: __import linkspec|progenitor DOCUMENT PROVIDER both|first") };
    let tool = Tool::parse(tool)?;
    let text = std::fs::read_to_string(path).with_context(|| format!("reading {path}"))?;
    let file = Path::new(path).file_name().map_or_else(|| path.clone(), |f| f.to_string_lossy().into_owned());
    let (first, second, bytes) = bench_measured_import(tool, &text, &file, provider, mode == "both")?;
    println!("{first} {second} {bytes} {}", generate::peak_resident());
    Ok(())
}

/// One child's figures.
struct Run {
    phases: [f64; 2],
    max_rss: u64,
}

fn run_child(exe: &Path, tool: Tool, path: &Path, provider: &str, both: bool) -> Result<Run> {
    let mut cmd = Command::new(exe);
    cmd.arg("__import").arg(tool.name()).arg(path).arg(provider).arg(if both { "both" } else { "first" });
    let (out, _) = generate::run_measured(cmd, &format!("{} on {}", tool.name(), path.display()))?;
    let fields: Vec<&str> = out.split_whitespace().collect();
    let [first, second, _bytes, hwm] = fields[..] else { bail!("unexpected child output: {out}") };
    Ok(Run { phases: [first.parse::<f64>()? / 1e9, second.parse::<f64>()? / 1e9], max_rss: hwm.parse()? })
}

// ---------------------------------------------------------------------------------------------
// The figures.

/// One tool's figures on one document.
#[derive(Debug, Default, Clone)]
pub struct Side {
    /// Why the tool made no crate from the document: its own error, as it displays it.
    pub failed: Option<String>,
    /// progenitor's error as `Debug` prints it (what `{:?}` of its `Error` says).
    pub failed_debug: Option<String>,
    /// The phases timed (both, unless the second failed): seconds of each, and of the two.
    pub phases: [Samples; 2],
    pub total: Samples,
    pub rss: Samples,
    /// Lines of the generated crate's `src/**/*.rs`.
    pub lines: Option<usize>,
    /// Seconds of each timed debug build of the generated crate.
    pub compile: Samples,
    /// Why the generated crate does not compile (the end of cargo's log).
    pub compile_failed: Option<String>,
}

impl Side {
    /// Whether the tool made a crate, so that there is something to count and compile.
    pub fn produced(&self) -> bool {
        self.lines.is_some()
    }
}

/// The figures of one document.
#[derive(Debug, Clone)]
pub struct DocResult {
    pub doc: Doc,
    pub path: PathBuf,
    /// Operations and component schemas the document declares.
    pub operations: usize,
    pub schemas: usize,
    pub linkspec: Side,
    pub progenitor: Side,
    /// The importer's findings by kind (what the document says that the format cannot hold,
    /// what it inferred, what it leaves to the maintainer), and the operations and types it
    /// wrote.
    pub findings: BTreeMap<&'static str, usize>,
    pub imported_operations: usize,
    pub imported_types: usize,
    /// Operations in linkspec's generated crate.
    pub linkspec_operations: Option<usize>,
    /// linkspec's generate on the raw import: error and warning counts (when it fails, only the
    /// import is timed).
    pub generate_errors: usize,
    pub generate_warnings: usize,
    /// Per-round ratios linkspec / progenitor, of the whole time and of the compile.
    pub time_ratio: Samples,
    pub compile_ratio: Samples,
}

fn member(tool: Tool, provider: &str) -> String {
    format!("{}-{provider}", tool.name())
}

fn package(tool: Tool, provider: &str) -> String {
    format!("bench-import-{}-{provider}", tool.name())
}

/// `f`'s result, or its panic as an error (a tool that panics on a document is reported like one
/// that fails on it).
fn caught<T>(f: impl FnOnce() -> Result<T>) -> Result<T> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).unwrap_or_else(|payload| {
        let message = payload
            .downcast_ref::<&str>()
            .map(|s| (*s).to_owned())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "(no message)".into());
        Err(anyhow::anyhow!("panics: {message}"))
    })
}

/// Why linkspec's generate made no crate: its diagnostics, or a panic.
struct GenerateFailed(std::result::Result<Diagnostics, anyhow::Error>);

/// Tries each tool once in-process on `doc` (untimed): their crates, or their failures.
fn trial(doc: Doc, path: &Path, text: &str) -> Result<(DocResult, Option<Vec<GeneratedFile>>, Option<String>)> {
    let (operations, schemas) = document_counts(text).with_context(|| format!("reading {} as YAML", path.display()))?;
    let mut r = DocResult {
        doc,
        path: path.to_owned(),
        operations,
        schemas,
        linkspec: Side::default(),
        progenitor: Side::default(),
        findings: BTreeMap::new(),
        imported_operations: 0,
        imported_types: 0,
        linkspec_operations: None,
        generate_errors: 0,
        generate_warnings: 0,
        time_ratio: Samples::default(),
        compile_ratio: Samples::default(),
    };
    eprintln!("  {}: {operations} operations, {schemas} component schemas ({})", doc.title, path.display());

    let mut linkspec_files = None;
    match caught(|| linkspec_import(text, doc.file, doc.provider)) {
        Err(e) => {
            eprintln!("  linkspec does not import {}: {e:#}", doc.file);
            r.linkspec.failed = Some(format!("import fails: {e:#}"));
        }
        Ok(imported) => {
            eprintln!(
                "  linkspec imported {} of {operations} operations, {} models and enums, into {} files; findings {:?}",
                imported.operations,
                imported.types,
                imported.files.len(),
                imported.findings
            );
            r.findings = imported.findings.clone();
            r.imported_operations = imported.operations;
            r.imported_types = imported.types;
            let out_dir = member(Tool::Linkspec, doc.provider);
            match caught(|| Ok(linkspec_generate(doc.provider, &imported.files, &out_dir, &package(Tool::Linkspec, doc.provider))))
                .map_err(|panic| GenerateFailed(Err(panic)))
                .and_then(|generated| generated.map_err(|d| GenerateFailed(Ok(d))))
            {
                Ok(out) => {
                    r.generate_warnings = out.warnings.0.len();
                    r.linkspec_operations = Some(out.providers.iter().map(|p| p.operations.len()).sum());
                    linkspec_files = Some(out.files);
                }
                Err(GenerateFailed(Err(e))) => {
                    eprintln!("  linkspec's generate fails on {}: {e:#}", doc.file);
                    r.linkspec.failed = Some(format!("generate fails: {e:#}"));
                }
                Err(GenerateFailed(Ok(d))) => {
                    let (errors, warnings, first) = diagnostics_summary(&d, &imported.files);
                    eprintln!("  linkspec's generate fails on the raw import of {}: {errors} error(s), {warnings} warning(s); the first:\n{first}", doc.file);
                    r.generate_errors = errors;
                    r.generate_warnings = warnings;
                    r.linkspec.failed = Some(format!("generate fails on the raw import: {errors} error(s), {warnings} warning(s)"));
                }
            }
        }
    }

    let mut progenitor_text = None;
    match progenitor_read(text) {
        Err(e) => {
            eprintln!("  progenitor's openapiv3 (through serde-saphyr) does not read {}: {e:#}", doc.file);
            r.progenitor.failed = Some(format!("openapiv3 does not read the document: {e:#}"));
        }
        Ok(spec) => match caught(|| generate::progenitor_render(&spec)) {
            Ok(rust) => progenitor_text = Some(rust),
            Err(e) => {
                let debug = e.downcast_ref::<progenitor::Error>().map(|p| format!("{p:?}"));
                eprintln!("  progenitor fails on {}: {e:#}{}", doc.file, debug.as_ref().map(|d| format!(" (Debug: {d})")).unwrap_or_default());
                r.progenitor.failed = Some(format!("{e:#}"));
                r.progenitor.failed_debug = debug;
            }
        },
    }
    Ok((r, linkspec_files, progenitor_text))
}

/// Whether to time both phases of `tool` on `r`, only the first, or nothing.
fn timed_phases(r: &DocResult, tool: Tool) -> Option<bool> {
    match tool {
        // A raw import that does not generate: the import alone is timed.
        Tool::Linkspec if r.linkspec.produced() => Some(true),
        Tool::Linkspec if r.generate_errors > 0 => Some(false),
        Tool::Linkspec => None,
        Tool::Progenitor => r.progenitor.produced().then_some(true),
    }
}

/// Every row's figures for the documents found in `dir`: `rounds` interleaved timed runs of each
/// tool, then `compile_rounds` interleaved debug builds of each generated crate, in the scratch
/// workspace `scratch/import` (its dependencies built into the compile rows' target directory,
/// which holds most of them already).
pub fn measure(exe: &Path, root: &Path, scratch: &Path, docs: &[(Doc, PathBuf)], rounds: usize, compile_rounds: usize) -> Result<Vec<DocResult>> {
    let dir = scratch.join("import");
    let target = scratch.join("compile/target");
    std::fs::create_dir_all(&dir)?;
    let mut results = Vec::new();
    let mut members = Vec::new();
    for (doc, path) in docs {
        let text = std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
        let (mut r, linkspec_files, progenitor_text) = trial(*doc, path, &text)?;
        if let Some(files) = linkspec_files {
            let out_dir = member(Tool::Linkspec, doc.provider);
            let _ = std::fs::remove_dir_all(dir.join(&out_dir).join("src"));
            for f in &files {
                compile::write(&dir.join(&f.path), &f.contents)?;
            }
            r.linkspec.lines = Some(compile::count_lines(&dir.join(&out_dir).join("src"))?);
            members.push(out_dir);
        }
        if let Some(rust) = progenitor_text {
            let pdir = dir.join(member(Tool::Progenitor, doc.provider));
            compile::write(&pdir.join("Cargo.toml"), &compile::progenitor_manifest(&package(Tool::Progenitor, doc.provider)))?;
            compile::write(&pdir.join("src/lib.rs"), &rust)?;
            r.progenitor.lines = Some(compile::count_lines(&pdir.join("src"))?);
            members.push(member(Tool::Progenitor, doc.provider));
        }
        results.push(r);
    }

    // Wall time: a warm-up run of each, then the rounds, the order of the tools alternating.
    for r in &results {
        for tool in Tool::BOTH {
            if let Some(both) = timed_phases(r, tool) {
                run_child(exe, tool, &r.path, r.doc.provider, both)?;
            }
        }
    }
    for round in 0..rounds {
        for r in &mut results {
            let mut order = Tool::BOTH;
            if round % 2 == 1 {
                order.reverse();
            }
            let mut this = [None, None];
            for tool in order {
                let Some(both) = timed_phases(r, tool) else { continue };
                let run = run_child(exe, tool, &r.path, r.doc.provider, both)?;
                let side = if tool == Tool::Linkspec { &mut r.linkspec } else { &mut r.progenitor };
                side.phases[0].push(run.phases[0]);
                side.phases[1].push(run.phases[1]);
                side.total.push(run.phases[0] + run.phases[1]);
                side.rss.push(run.max_rss as f64);
                this[tool as usize] = Some(run.phases[0] + run.phases[1]);
                eprintln!(
                    "  import round {}/{rounds}: {:>10} {:<12} {:>7.3} s + {:>7.3} s, peak RSS {:>5.0} MiB",
                    round + 1,
                    tool.name(),
                    r.doc.provider,
                    run.phases[0],
                    run.phases[1],
                    run.max_rss as f64 / 1048576.0
                );
            }
            if let [Some(a), Some(b)] = this {
                r.time_ratio.push(a / b);
            }
        }
    }

    // Compile: the scratch workspace of the crates made, a warm-up build of each (dependencies
    // too, untimed; a crate that does not compile is reported), then the timed rebuilds.
    if members.is_empty() {
        return Ok(results);
    }
    compile::write(&dir.join("Cargo.toml"), &compile::workspace_manifest(root, &members)?)?;
    if !dir.join("Cargo.lock").exists() {
        std::fs::copy(root.join("Cargo.lock"), dir.join("Cargo.lock")).context("copying Cargo.lock")?;
    }
    eprintln!("  the generated crates are under {}", dir.display());
    for r in &mut results {
        for tool in Tool::BOTH {
            let side = if tool == Tool::Linkspec { &mut r.linkspec } else { &mut r.progenitor };
            if !side.produced() {
                continue;
            }
            eprintln!("  warm-up build of {} (dependencies too, untimed)", package(tool, r.doc.provider));
            if let Err(e) = compile::cargo_build(&dir, &target, &package(tool, r.doc.provider)) {
                eprintln!("  {e:#}");
                side.compile_failed = Some(format!("{e:#}"));
            }
        }
    }
    for round in 0..compile_rounds {
        for r in &mut results {
            let mut order = Tool::BOTH;
            if round % 2 == 1 {
                order.reverse();
            }
            let mut this = [None, None];
            for tool in order {
                let side = if tool == Tool::Linkspec { &mut r.linkspec } else { &mut r.progenitor };
                if !side.produced() || side.compile_failed.is_some() {
                    continue;
                }
                let name = package(tool, r.doc.provider);
                let took = compile::timed_build(&dir, &target, &name, &dir.join(member(tool, r.doc.provider)))?;
                eprintln!(
                    "  compile round {}/{compile_rounds}: {:>10} {:<12} {took:>7.2} s ({:.4} s per operation)",
                    round + 1,
                    tool.name(),
                    r.doc.provider,
                    took / r.operations.max(1) as f64
                );
                side.compile.push(took);
                this[tool as usize] = Some(took);
            }
            if let [Some(a), Some(b)] = this {
                r.compile_ratio.push(a / b);
            }
        }
    }
    Ok(results)
}
