//! Project automation: the one binary that reads specs and writes generated code.
//!
//! `cargo xtask generate [--check]` rewrites (or checks) generated/ from specs/.
//! `cargo xtask conformance [filters]` replays the recorded cases through generated/.
//! `cargo xtask record <provider> <operation> [flags]` records a case from a provider's sandbox.
//! `cargo xtask bench [flags]` builds and runs the benchmark crate (bench/): linkspec side by
//! side with progenitor, hand-written serde structs and raw reqwest.
//! `cargo xtask import openapi <document> --provider <name>` writes specs/<name>/ from an OpenAPI document.
//! `cargo xtask import examples <document> --provider <name>` makes its examples conformance cases.
//! `cargo xtask bench-generate` measures how generation time grows with the operations.

use anyhow::{Context, Result, bail};
use std::process::ExitCode;

// Generation makes and drops millions of small token and string allocations; glibc's malloc
// slowed down more than linearly as the heap grew (see the workspace manifest's note).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("generate") => generate(&args[1..]),
        Some("conformance") => conformance(&args[1..]),
        Some("record") => record(&args[1..]),
        Some("schema") => xtask::schema::run(&args[1..]),
        Some("bench") => bench(&args[1..]),
        Some("bench-generate") => xtask::bench::run(&args[1..]),
        Some("import") => import(&args[1..]),
        _ => {
            eprintln!("usage: cargo xtask generate [--check] | schema [--check] | bench [--quick] [--help] | bench-generate [--rounds N] | conformance [PROVIDER|CASE]... | record <provider> <operation> [--help]");
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
    let root = xtask::current_root()?;
    println!("linkspec root: {} (specs/ and generated/ there)", root.display());
    warn_if_built_elsewhere(&root);
    let ok = xtask::generate(&root, check, &mut std::io::stdout(), &mut std::io::stderr())?;
    Ok(if ok { ExitCode::SUCCESS } else { ExitCode::FAILURE })
}

/// `cargo xtask import openapi ...` in the checkout found from the current directory.
fn import(args: &[String]) -> Result<ExitCode> {
    let root = xtask::current_root()?;
    println!("linkspec root: {}", root.display());
    Ok(if xtask::import::run(&root, args)? { ExitCode::SUCCESS } else { ExitCode::FAILURE })
}

/// Builds and runs the conformance binary of the checkout found from the current directory
/// (the binary finds the same root and prints it). It lives in its own crate so that xtask
/// (and so `generate`) never depends on generated/ compiling.
fn conformance(args: &[String]) -> Result<ExitCode> {
    let root = xtask::current_root()?;
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let status = std::process::Command::new(cargo)
        .args(["run", "--quiet", "--package", "linkspec-conformance", "--bin", "conformance", "--"])
        .args(args)
        .current_dir(&root)
        .status()
        .context("running the conformance binary")?;
    Ok(if status.success() { ExitCode::SUCCESS } else { ExitCode::FAILURE })
}

/// Builds and runs the conformance crate's `record` binary (the recorder calls the generated
/// clients, which xtask never links, as for `conformance`); it finds the checkout from the
/// current directory as the conformance binary does.
fn record(args: &[String]) -> Result<ExitCode> {
    let root = xtask::current_root()?;
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let status = std::process::Command::new(cargo)
        .args(["run", "--quiet", "--package", "linkspec-conformance", "--bin", "record", "--"])
        .args(args)
        .current_dir(std::env::current_dir().unwrap_or(root))
        .status()
        .context("running the record binary")?;
    Ok(if status.success() { ExitCode::SUCCESS } else { ExitCode::FAILURE })
}

/// Builds the benchmark crate of the checkout found from the current directory (bench/, outside
/// the workspace, release, its own target directory bench/target) and runs it with `args`. It is
/// a crate of its own so that progenitor and the other references never enter the workspace's
/// dependencies (xtask stays quick to build for `generate --check`).
fn bench(args: &[String]) -> Result<ExitCode> {
    let root = xtask::current_root()?;
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let target = root.join("bench/target");
    eprintln!("building the benchmark crate (bench/, release; a few minutes the first time)");
    let status = std::process::Command::new(&cargo)
        .args(["build", "--release", "--quiet", "--manifest-path"])
        .arg(root.join("bench/Cargo.toml"))
        .arg("--target-dir")
        .arg(&target)
        .env_remove("CARGO_TARGET_DIR")
        .status()
        .context("building bench/")?;
    if !status.success() {
        bail!("the benchmark crate (bench/) does not build");
    }
    let status = std::process::Command::new(target.join("release/linkspec-bench"))
        .arg("--root")
        .arg(&root)
        .args(args)
        .current_dir(&root)
        .status()
        .context("running the benchmark")?;
    Ok(if status.success() { ExitCode::SUCCESS } else { ExitCode::FAILURE })
}

/// With a `CARGO_TARGET_DIR` shared between checkouts, the binary cargo runs may have been
/// built from another one: it still works on `root`, but with that checkout's generator.
fn warn_if_built_elsewhere(root: &std::path::Path) {
    let built = xtask::compiled_root();
    let same = |a: &std::path::Path, b: &std::path::Path| match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => a == b,
    };
    if !same(&built, root) {
        eprintln!(
            "warning: this xtask was built from {}, so it generates with that checkout's codegen; \
             give each checkout its own target directory",
            built.display()
        );
    }
}
