//! Compile time of the generated crates: linkspec's crate and progenitor's client for the same
//! synthetic API, in one scratch workspace whose dependencies are built once; each timed build
//! then recompiles only the generated crate (its `lib.rs` touched), debug profile, the two
//! generators' crates interleaved round by round.

use crate::generate::{Tool, linkspec_generate, linkspec_input, progenitor_generate, progenitor_input};
use crate::stats::Samples;
use anyhow::{Context, Result, bail};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Instant, SystemTime};

/// The figures of one size.
#[derive(Debug, Default, Clone)]
pub struct SizeResult {
    pub n: usize,
    /// Seconds of each timed build, per tool.
    pub seconds: [Samples; 2],
    /// linkspec / progenitor, per round.
    pub ratio: Samples,
    /// Lines of generated Rust (the library's sources), per tool.
    pub lines: [usize; 2],
}

fn member(tool: Tool, n: usize) -> String {
    format!("{}-{n}", tool.name())
}

fn package(tool: Tool, n: usize) -> String {
    format!("bench-{}-{n}", tool.name())
}

/// `[workspace.package]`, `[workspace.dependencies]` (local paths made absolute) and the
/// profiles of linkspec's own workspace, so the generated manifest reads as it does there and
/// builds with the same settings.
pub fn workspace_manifest(root: &Path, members: &[String]) -> Result<String> {
    let text = std::fs::read_to_string(root.join("Cargo.toml")).context("reading the root Cargo.toml")?;
    let manifest: toml::Table = toml::from_str(&text).context("parsing the root Cargo.toml")?;
    let ws = manifest.get("workspace").and_then(|w| w.as_table()).context("no [workspace]")?;
    let mut out_ws = toml::Table::new();
    out_ws.insert("resolver".into(), "3".into());
    out_ws.insert("members".into(), toml::Value::Array(members.iter().map(|m| toml::Value::from(m.as_str())).collect()));
    for key in ["package", "lints"] {
        if let Some(v) = ws.get(key) {
            out_ws.insert(key.into(), v.clone());
        }
    }
    if let Some(deps) = ws.get("dependencies").and_then(|d| d.as_table()) {
        let mut deps = deps.clone();
        for (_, dep) in deps.iter_mut() {
            if let Some(path) = dep.as_table_mut().and_then(|t| t.get_mut("path")) {
                let abs = root.join(path.as_str().unwrap_or_default());
                *path = abs.display().to_string().into();
            }
        }
        out_ws.insert("dependencies".into(), toml::Value::Table(deps));
    }
    let mut out = toml::Table::new();
    out.insert("workspace".into(), toml::Value::Table(out_ws));
    if let Some(p) = manifest.get("profile") {
        out.insert("profile".into(), p.clone());
    }
    Ok(format!("# Written by `cargo xtask bench`: the crates whose compile is timed.\n{}", toml::to_string(&out)?))
}

/// The manifest of progenitor's client crate `package`, with the dependencies its README lists
/// for generated code (chrono for `date-time`).
pub fn progenitor_manifest(package: &str) -> String {
    format!(
        r#"[package]
name = "{package}"
version = "0.1.0"
edition.workspace = true
publish = false

[dependencies]
chrono = {{ version = "0.4", default-features = false, features = ["serde"] }}
futures = "0.3"
progenitor-client = "=0.15.1"
reqwest = {{ version = "0.13", default-features = false, features = ["json", "query", "stream"] }}
serde = {{ version = "1", features = ["derive"] }}
serde_json = "1"
"#
    )
}

pub fn write(path: &Path, contents: &str) -> Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    // Unchanged files keep their time, so a second run does not rebuild what it need not.
    if std::fs::read_to_string(path).is_ok_and(|old| old == contents) {
        return Ok(());
    }
    std::fs::write(path, contents).with_context(|| format!("writing {}", path.display()))
}

pub fn count_lines(dir: &Path) -> Result<usize> {
    let mut total = 0;
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            total += count_lines(&path)?;
        } else if path.extension().is_some_and(|e| e == "rs") {
            total += std::fs::read_to_string(&path)?.lines().count();
        }
    }
    Ok(total)
}

/// Writes the scratch workspace under `dir` for `sizes`, returning the lines of each crate.
fn write_workspace(root: &Path, dir: &Path, sizes: &[usize]) -> Result<Vec<[usize; 2]>> {
    let members: Vec<String> = sizes.iter().flat_map(|&n| Tool::BOTH.map(|t| member(t, n))).collect();
    write(&dir.join("Cargo.toml"), &workspace_manifest(root, &members)?)?;
    // Start from linkspec's lock file, so its crate builds against the versions it is tested with.
    if !dir.join("Cargo.lock").exists() {
        std::fs::copy(root.join("Cargo.lock"), dir.join("Cargo.lock")).context("copying Cargo.lock")?;
    }
    let mut lines = Vec::new();
    for &n in sizes {
        let out_dir = member(Tool::Linkspec, n);
        let files = linkspec_generate(&linkspec_input(n), &out_dir, &package(Tool::Linkspec, n))?;
        let _ = std::fs::remove_dir_all(dir.join(&out_dir).join("src"));
        for f in &files {
            write(&dir.join(&f.path), &f.contents)?;
        }
        let pdir = dir.join(member(Tool::Progenitor, n));
        write(&pdir.join("Cargo.toml"), &progenitor_manifest(&package(Tool::Progenitor, n)))?;
        write(&pdir.join("src/lib.rs"), &progenitor_generate(&progenitor_input(n))?)?;
        lines.push([count_lines(&dir.join(&out_dir).join("src"))?, count_lines(&pdir.join("src"))?]);
    }
    Ok(lines)
}

/// `cargo build --package <package>` in the workspace `dir`, into `target`: its wall time and
/// cargo's log, or the end of the log when the crate does not compile.
pub fn cargo_build(dir: &Path, target: &Path, package: &str) -> Result<(f64, String)> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let start = Instant::now();
    let out = Command::new(cargo)
        .args(["build", "--package", package, "--target-dir"])
        .arg(target)
        .current_dir(dir)
        .env_remove("CARGO_TARGET_DIR")
        .env("CARGO_TERM_COLOR", "never")
        .output()
        .context("running cargo build")?;
    let took = start.elapsed().as_secs_f64();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    if !out.status.success() {
        let tail: Vec<&str> = stderr.lines().rev().take(40).collect::<Vec<_>>().into_iter().rev().collect();
        bail!("the generated crate {package} does not compile:\n{}", tail.join("\n"));
    }
    Ok((took, stderr))
}

/// One timed rebuild of the crate `package` at `crate_dir` (its `src/lib.rs` touched first), checked
/// to have compiled that crate alone: seconds.
pub fn timed_build(dir: &Path, target: &Path, package: &str, crate_dir: &Path) -> Result<f64> {
    let lib = crate_dir.join("src/lib.rs");
    std::fs::File::options().append(true).open(&lib)?.set_modified(SystemTime::now())?;
    let (took, log) = cargo_build(dir, target, package)?;
    let compiled: Vec<&str> = log.lines().filter(|l| l.trim_start().starts_with("Compiling")).collect();
    if compiled.len() != 1 {
        bail!("the timed build of {package} compiled more than the generated crate:\n{}", compiled.join("\n"));
    }
    Ok(took)
}

/// Compiles each generated crate once (dependencies built, untimed), then `rounds` timed
/// rebuilds of each, interleaved.
pub fn measure(root: &Path, scratch: &Path, sizes: &[usize], rounds: usize) -> Result<Vec<SizeResult>> {
    let dir: PathBuf = scratch.join("compile");
    std::fs::create_dir_all(&dir)?;
    eprintln!("  writing the generated crates under {}", dir.display());
    let lines = write_workspace(root, &dir, sizes)?;
    let mut results: Vec<SizeResult> = sizes.iter().zip(lines).map(|(&n, lines)| SizeResult { n, lines, ..SizeResult::default() }).collect();
    for &n in sizes {
        for tool in Tool::BOTH {
            eprintln!("  warm-up build of {} (dependencies too, untimed)", package(tool, n));
            cargo_build(&dir, &dir.join("target"), &package(tool, n))?;
        }
    }
    for round in 0..rounds {
        for r in &mut results {
            let mut order = Tool::BOTH;
            if round % 2 == 1 {
                order.reverse();
            }
            let mut this = [0.0; 2];
            for tool in order {
                let took = timed_build(&dir, &dir.join("target"), &package(tool, r.n), &dir.join(member(tool, r.n)))?;
                eprintln!(
                    "  compile round {}/{rounds}: {:>10} {:>5} operations in {took:>7.2} s ({:.4} s per operation)",
                    round + 1,
                    tool.name(),
                    r.n,
                    took / r.n as f64
                );
                r.seconds[tool as usize].push(took);
                this[tool as usize] = took;
            }
            r.ratio.push(this[0] / this[1]);
        }
    }
    Ok(results)
}
