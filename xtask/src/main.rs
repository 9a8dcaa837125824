//! Project automation: the one binary that reads specs and writes generated code.
//!
//! `cargo xtask generate [--check]` rewrites (or checks) generated/ from specs/.
//! `cargo xtask conformance [filters]` replays the recorded cases through generated/.

use anyhow::{Context, Result, bail};
use linkspec_codegen::Config;
use std::process::ExitCode;
use xtask::{drift, evidence_warnings, read_specs, root};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("generate") => generate(&args[1..]),
        Some("conformance") => conformance(&args[1..]),
        Some("schema") => xtask::schema::run(&args[1..]),
        _ => {
            eprintln!("usage: cargo xtask generate [--check] | conformance [PROVIDER|CASE]...");
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

fn generate(args: &[String]) -> Result<ExitCode> {
    let check = match args {
        [] => false,
        [flag] if flag == "--check" => true,
        _ => bail!("usage: cargo xtask generate [--check]"),
    };
    let root = root();
    let specs = read_specs(&root)?;
    let source_of = |name: &str| specs.iter().find(|s| s.name == name).map(|s| s.text.as_str());
    let config = Config::default();
    let output = match linkspec_codegen::generate(&specs, &config) {
        Ok(output) => output,
        Err(diags) => {
            eprint!("{}", diags.render(source_of));
            eprintln!("nothing was written: fix the specs above and run again");
            return Ok(ExitCode::FAILURE);
        }
    };
    let mut warnings = output.warnings.clone();
    warnings.0.extend(evidence_warnings(&root, &specs)?.0);
    if !warnings.0.is_empty() {
        eprint!("{}", warnings.render(source_of));
    }
    let drift = drift(&root, &config, &output)?;
    if check {
        if drift.is_empty() {
            println!("generated/ is up to date ({} files from {} specs)", output.files.len(), specs.len());
            return Ok(ExitCode::SUCCESS);
        }
        for f in &drift.stale {
            eprintln!("stale: {f}");
        }
        for f in &drift.extra {
            eprintln!("not generated (remove it): {f}");
        }
        eprintln!("generated/ is out of date: run `cargo xtask generate`");
        return Ok(ExitCode::FAILURE);
    }
    for f in &drift.extra {
        std::fs::remove_file(root.join(f)).with_context(|| format!("removing {f}"))?;
        println!("removed {f}");
    }
    for f in output.files.iter().filter(|f| drift.stale.contains(&f.path)) {
        let path = root.join(&f.path);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).with_context(|| format!("creating {}", parent.display()))?;
        }
        std::fs::write(&path, &f.contents).with_context(|| format!("writing {}", f.path))?;
        println!("wrote {}", f.path);
    }
    println!("{} files from {} specs ({} written, {} removed)", output.files.len(), specs.len(), drift.stale.len(), drift.extra.len());
    Ok(ExitCode::SUCCESS)
}

/// Builds and runs the conformance binary. It lives in its own crate so that xtask (and so
/// `generate`) never depends on generated/ compiling.
fn conformance(args: &[String]) -> Result<ExitCode> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let status = std::process::Command::new(cargo)
        .args(["run", "--quiet", "--package", "linkspec-conformance", "--bin", "conformance", "--"])
        .args(args)
        .current_dir(root())
        .status()
        .context("running the conformance binary")?;
    Ok(if status.success() { ExitCode::SUCCESS } else { ExitCode::FAILURE })
}
