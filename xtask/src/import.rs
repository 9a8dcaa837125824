//! `cargo xtask import openapi <document> --provider <name> [...]`: reads an OpenAPI document,
//! imports it with `linkspec_codegen::import` and writes `specs/<name>/`. `cargo xtask import
//! examples ...` makes its examples conformance cases (see [`crate::examples`]).

use anyhow::{Context, Result, bail};
use linkspec_codegen::import::{self, Docs, Options};
use std::path::{Path, PathBuf};

const USAGE: &str = "usage: cargo xtask import openapi <document.yaml|json> --provider <name>
  [--only <tag|operationId|name>,...]   import only these (default: everything)
  [--docs copy|link] [--docs-base URL]  copy the document's descriptions (default), or write short
                                        docs of linkspec's own with the reference URL
  [--report FILE]                       every finding (default: target/import/<name>.txt)
  [--out DIR]                           where the provider directory goes (default: specs/<name>/)
  [--update]                            merge into the existing directory: add what the document
                                        adds, never overwrite, list what differs or went away
  [--check]                             as --update but write nothing; fail when the document has
                                        moved past the spec (something to add)
  [--verify]                            check the written spec as `generate` would (errors fail)";

/// The parsed command line.
#[derive(Debug)]
pub struct Args {
    pub document: PathBuf,
    pub options: Options,
    pub report: Option<PathBuf>,
    pub out: Option<PathBuf>,
    pub mode: Mode,
    pub verify: bool,
}

/// Fresh import, merge, or check.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Fresh,
    Update,
    Check,
}

/// Parses `openapi <document> --provider ...`.
pub fn parse(args: &[String]) -> Result<Args> {
    let mut iter = args.iter();
    match iter.next().map(String::as_str) {
        Some("openapi") => {}
        _ => bail!("{USAGE}\n   or: cargo xtask import examples <document> --provider <name> (--help for more)"),
    }
    let mut document = None;
    let mut provider = None;
    let mut only = Vec::new();
    let mut docs = "copy".to_owned();
    let mut base = None;
    let mut report = None;
    let mut out = None;
    let mut mode = Mode::Fresh;
    let mut verify = false;
    while let Some(arg) = iter.next() {
        let mut value = |flag: &str| iter.next().cloned().with_context(|| format!("{flag} needs a value\n{USAGE}"));
        match arg.as_str() {
            "--provider" => provider = Some(value("--provider")?),
            "--only" => only.extend(value("--only")?.split(',').map(|s| s.trim().to_owned()).filter(|s| !s.is_empty())),
            "--docs" => docs = value("--docs")?,
            "--docs-base" => base = Some(value("--docs-base")?),
            "--report" => report = Some(PathBuf::from(value("--report")?)),
            "--out" => out = Some(PathBuf::from(value("--out")?)),
            "--update" => mode = Mode::Update,
            "--check" => mode = Mode::Check,
            "--verify" => verify = true,
            "-h" | "--help" => bail!("{USAGE}"),
            flag if flag.starts_with('-') => bail!("unknown flag `{flag}`\n{USAGE}"),
            path if document.is_none() => document = Some(PathBuf::from(path)),
            extra => bail!("unexpected `{extra}`\n{USAGE}"),
        }
    }
    let document = document.with_context(|| format!("no document given\n{USAGE}"))?;
    let provider = provider.with_context(|| format!("--provider is required\n{USAGE}"))?;
    let docs = match docs.as_str() {
        "copy" => Docs::Copy,
        "link" => Docs::Link { base },
        other => bail!("--docs {other}: `copy` or `link`"),
    };
    let source = document.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    Ok(Args { document, options: Options { provider, docs, only, source, provider_headers: Vec::new() }, report, out, mode, verify })
}

/// Runs `import openapi` or `import examples` from the checkout at `root`. `Ok(false)`:
/// `--check` found the document ahead of the spec (or example cases fail unmarked).
pub fn run(root: &Path, args: &[String]) -> Result<bool> {
    if args.first().map(String::as_str) == Some("examples") {
        return crate::examples::run(root, args);
    }
    let mut args = parse(args)?;
    let text = std::fs::read_to_string(&args.document).with_context(|| format!("reading {}", args.document.display()))?;
    let out = args.out.clone().unwrap_or_else(|| root.join("specs").join(&args.options.provider));
    let existing = if args.mode == Mode::Fresh { Vec::new() } else { read_dir(&out)? };
    args.options.provider_headers = import::update::provider_headers(&existing);
    let started = std::time::Instant::now();
    let imported = import::openapi(&text, &args.options).map_err(|e| anyhow::anyhow!("{}: {e}", args.document.display()))?;
    let elapsed = started.elapsed();
    let report = import::report(&imported);
    let report_path = args.report.clone().unwrap_or_else(|| root.join("target/import").join(format!("{}.txt", args.options.provider)));
    if let Some(parent) = report_path.parent() {
        std::fs::create_dir_all(parent).ok();
    }
    std::fs::write(&report_path, &report).with_context(|| format!("writing {}", report_path.display()))?;
    let summary: String = report.lines().take_while(|l| !l.contains(": line ")).map(|l| format!("{l}\n")).collect();
    print!("{summary}");
    if args.mode == Mode::Fresh {
        if out.exists() {
            bail!("{} exists: merge into it with --update (or --out elsewhere)", out.display());
        }
        let single = root.join("specs").join(format!("{}.yaml", args.options.provider));
        if args.out.is_none() && single.exists() {
            bail!("{} exists: a provider is one file or one directory", single.display());
        }
        std::fs::create_dir_all(&out).with_context(|| format!("creating {}", out.display()))?;
        for (name, contents) in &imported.files {
            std::fs::write(out.join(name), contents).with_context(|| format!("writing {name}"))?;
        }
        println!("wrote {} files to {} in {:.2} s; every finding: {}", imported.files.len(), out.display(), elapsed.as_secs_f64(), report_path.display());
        return Ok(!args.verify || verify(&out, &imported.files));
    }
    let update = import::update::merge(&existing, &imported.files).map_err(|e| anyhow::anyhow!("{e}"))?;
    for (title, list) in [("added", &update.added), ("in the spec, not in the document (kept)", &update.removed), ("differs (the spec's kept)", &update.changed)] {
        if !list.is_empty() {
            println!("{title}: {}", list.len());
            for item in list.iter().take(if args.mode == Mode::Check { usize::MAX } else { 40 }) {
                println!("  {item}");
            }
            if args.mode == Mode::Update && list.len() > 40 {
                println!("  ... and {} more", list.len() - 40);
            }
        }
    }
    if args.mode == Mode::Check {
        if update.moved() {
            println!("{} has moved past {}: run the same command with --update", args.document.display(), out.display());
            return Ok(false);
        }
        println!("{} is up to date with {}", out.display(), args.document.display());
        return Ok(true);
    }
    for (name, contents) in &update.files {
        std::fs::write(out.join(name), contents).with_context(|| format!("writing {name}"))?;
    }
    println!("updated {} files in {}; every finding: {}", update.files.len(), out.display(), report_path.display());
    Ok(!args.verify || verify(&out, &read_dir(&out)?))
}

/// Lowers the provider directory `dir` (files by name) as `generate` would; prints the
/// diagnostics and gives false when there are errors.
fn verify(dir: &Path, files: &[(String, String)]) -> bool {
    let shown = format!("{}/", dir.display());
    let sources: Vec<linkspec_codegen::SpecSource> =
        files.iter().map(|(n, t)| linkspec_codegen::SpecSource { name: format!("{shown}{n}"), text: t.clone() }).collect();
    let started = std::time::Instant::now();
    let (providers, diags) = linkspec_codegen::check_providers(&[linkspec_codegen::ProviderSource::Dir { name: &shown, files: &sources }]);
    let rendered = diags.render(|name| sources.iter().find(|s| s.name == name).map(|s| s.text.as_str()));
    if !diags.0.is_empty() {
        eprint!("{rendered}");
    }
    let errors = diags.0.iter().filter(|d| d.severity == linkspec_codegen::diag::Severity::Error).count();
    let operations: usize = providers.iter().map(|p| p.operations.len()).sum();
    println!(
        "verify: {} checks {} ({operations} operations, {} diagnostics, {errors} errors) in {:.2} s",
        shown,
        if errors == 0 { "clean" } else { "with errors" },
        diags.0.len(),
        started.elapsed().as_secs_f64()
    );
    errors == 0
}

/// The `*.yaml` files of a provider directory, by name.
fn read_dir(dir: &Path) -> Result<Vec<(String, String)>> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).with_context(|| format!("reading {} (--update and --check need the provider directory)", dir.display()))? {
        let path = entry?.path();
        if path.extension().is_some_and(|e| e == "yaml") && path.is_file() {
            let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            files.push((name, std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?));
        }
    }
    files.sort();
    Ok(files)
}
