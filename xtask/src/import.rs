//! `cargo xtask import openapi <document> --provider <name> [...]`: reads an OpenAPI document,
//! imports it with `linkspec_codegen::import` and writes `specs/<name>/`.

use anyhow::{Context, Result, bail};
use linkspec_codegen::import::{self, Docs, Options};
use std::path::{Path, PathBuf};

const USAGE: &str = "usage: cargo xtask import openapi <document.yaml|json> --provider <name>
  [--only <tag|operationId|name>,...]   import only these (default: everything)
  [--docs copy|link] [--docs-base URL]  copy the document's descriptions (default), or write short
                                        docs of linkspec's own with the reference URL
  [--report FILE]                       every finding (default: target/import/<name>.txt)
  [--out DIR]                           where the provider directory goes (default: specs/<name>/)";

/// The parsed command line.
#[derive(Debug)]
pub struct Args {
    pub document: PathBuf,
    pub options: Options,
    pub report: Option<PathBuf>,
    pub out: Option<PathBuf>,
}

/// Parses `openapi <document> --provider ...`.
pub fn parse(args: &[String]) -> Result<Args> {
    let mut iter = args.iter();
    match iter.next().map(String::as_str) {
        Some("openapi") => {}
        _ => bail!("{USAGE}"),
    }
    let mut document = None;
    let mut provider = None;
    let mut only = Vec::new();
    let mut docs = "copy".to_owned();
    let mut base = None;
    let mut report = None;
    let mut out = None;
    while let Some(arg) = iter.next() {
        let mut value = |flag: &str| iter.next().cloned().with_context(|| format!("{flag} needs a value\n{USAGE}"));
        match arg.as_str() {
            "--provider" => provider = Some(value("--provider")?),
            "--only" => only.extend(value("--only")?.split(',').map(|s| s.trim().to_owned()).filter(|s| !s.is_empty())),
            "--docs" => docs = value("--docs")?,
            "--docs-base" => base = Some(value("--docs-base")?),
            "--report" => report = Some(PathBuf::from(value("--report")?)),
            "--out" => out = Some(PathBuf::from(value("--out")?)),
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
    Ok(Args { document, options: Options { provider, docs, only, source }, report, out })
}

/// Runs the import from the checkout at `root`.
pub fn run(root: &Path, args: &[String]) -> Result<bool> {
    let args = parse(args)?;
    let text = std::fs::read_to_string(&args.document).with_context(|| format!("reading {}", args.document.display()))?;
    let started = std::time::Instant::now();
    let imported = import::openapi(&text, &args.options).map_err(|e| anyhow::anyhow!("{}: {e}", args.document.display()))?;
    let elapsed = started.elapsed();
    let out = args.out.clone().unwrap_or_else(|| root.join("specs").join(&args.options.provider));
    if out.exists() {
        bail!("{} exists: import into a new directory (or --out elsewhere)", out.display());
    }
    let single = root.join("specs").join(format!("{}.yaml", args.options.provider));
    if args.out.is_none() && single.exists() {
        bail!("{} exists: a provider is one file or one directory", single.display());
    }
    std::fs::create_dir_all(&out).with_context(|| format!("creating {}", out.display()))?;
    for (name, contents) in &imported.files {
        std::fs::write(out.join(name), contents).with_context(|| format!("writing {name}"))?;
    }
    let report = import::report(&imported);
    let report_path = args.report.clone().unwrap_or_else(|| root.join("target/import").join(format!("{}.txt", args.options.provider)));
    if let Some(parent) = report_path.parent() {
        std::fs::create_dir_all(parent).ok();
    }
    std::fs::write(&report_path, &report).with_context(|| format!("writing {}", report_path.display()))?;
    let summary: String = report.lines().take_while(|l| !l.contains(": line ")).map(|l| format!("{l}\n")).collect();
    print!("{summary}");
    println!("wrote {} files to {} in {:.2} s; every finding: {}", imported.files.len(), out.display(), elapsed.as_secs_f64(), report_path.display());
    Ok(true)
}
