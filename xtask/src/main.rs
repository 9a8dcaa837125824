//! Project automation: the one binary that reads specs and writes generated code.
//!
//! `cargo xtask generate [--check]` rewrites (or checks) generated/ from specs/.

use anyhow::{Context, Result, bail};
use linkspec_codegen::{Config, GeneratedFile, SpecSource};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("generate") => generate(&args[1..]),
        _ => {
            eprintln!("usage: cargo xtask generate [--check]");
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(code) => code,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::FAILURE
        }
    }
}

/// The repository root: the parent of this crate's directory.
fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().map(Path::to_path_buf).unwrap_or_else(|| PathBuf::from("."))
}

/// Reads `specs/*.yaml` in name order.
fn read_specs(root: &Path) -> Result<Vec<SpecSource>> {
    let dir = root.join("specs");
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
        .with_context(|| format!("reading {}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    paths.sort();
    paths
        .into_iter()
        .map(|path| {
            let text = std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
            let name = format!("specs/{}", path.file_name().map(|n| n.to_string_lossy()).unwrap_or_default());
            Ok(SpecSource { name, text })
        })
        .collect()
}

/// Every file under `dir`, relative to `root`, with `/` separators.
fn existing_files(root: &Path, dir: &Path) -> Result<BTreeSet<String>> {
    let mut out = BTreeSet::new();
    if !dir.exists() {
        return Ok(out);
    }
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).with_context(|| format!("reading {}", d.display()))? {
            let path = entry?.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let rel = path.strip_prefix(root).unwrap_or(&path);
                out.insert(rel.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/"));
            }
        }
    }
    Ok(out)
}

fn generate(args: &[String]) -> Result<ExitCode> {
    let check = match args {
        [] => false,
        [flag] if flag == "--check" => true,
        _ => bail!("usage: cargo xtask generate [--check]"),
    };
    let root = root();
    let specs = read_specs(&root)?;
    let config = Config::default();
    let output = match linkspec_codegen::generate(&specs, &config) {
        Ok(output) => output,
        Err(diags) => {
            eprint!("{}", diags.render(|name| specs.iter().find(|s| s.name == name).map(|s| s.text.as_str())));
            eprintln!("nothing was written: fix the specs above and run again");
            return Ok(ExitCode::FAILURE);
        }
    };
    if !output.warnings.0.is_empty() {
        eprint!("{}", output.warnings.render(|name| specs.iter().find(|s| s.name == name).map(|s| s.text.as_str())));
    }
    let existing = existing_files(&root, &root.join(&config.out_dir))?;
    let wanted: BTreeSet<String> = output.files.iter().map(|f| f.path.clone()).collect();
    let extra: Vec<&String> = existing.difference(&wanted).collect();
    if check {
        let stale: Vec<&GeneratedFile> = output
            .files
            .iter()
            .filter(|f| std::fs::read_to_string(root.join(&f.path)).ok().as_deref() != Some(f.contents.as_str()))
            .collect();
        if stale.is_empty() && extra.is_empty() {
            println!("generated/ is up to date ({} files from {} specs)", output.files.len(), specs.len());
            return Ok(ExitCode::SUCCESS);
        }
        for f in &stale {
            eprintln!("stale: {}", f.path);
        }
        for f in &extra {
            eprintln!("not generated (remove it): {f}");
        }
        eprintln!("generated/ is out of date: run `cargo xtask generate`");
        return Ok(ExitCode::FAILURE);
    }
    for f in &extra {
        std::fs::remove_file(root.join(f)).with_context(|| format!("removing {f}"))?;
        println!("removed {f}");
    }
    let mut written = 0;
    for f in &output.files {
        let path = root.join(&f.path);
        if std::fs::read_to_string(&path).ok().as_deref() == Some(f.contents.as_str()) {
            continue;
        }
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).with_context(|| format!("creating {}", parent.display()))?;
        }
        std::fs::write(&path, &f.contents).with_context(|| format!("writing {}", f.path))?;
        println!("wrote {}", f.path);
        written += 1;
    }
    println!("{} files from {} specs ({written} changed)", output.files.len(), specs.len());
    Ok(ExitCode::SUCCESS)
}
