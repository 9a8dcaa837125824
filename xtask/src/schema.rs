//! `cargo xtask schema [--check]`: writes (or checks) specs/linkspec.schema.json, the JSON Schema
//! that editors use to check and complete specs. It is derived from codegen's parser types.

use anyhow::{Context, Result, bail};
use std::path::Path;
use std::process::ExitCode;

/// Where the schema lives, relative to the repository root.
pub const SCHEMA_PATH: &str = "specs/linkspec.schema.json";

/// The first line of every spec: points yaml-language-server (VS Code's YAML extension, Helix,
/// Neovim, Zed, JetBrains) at the schema next to it.
pub const MODELINE: &str = "# yaml-language-server: $schema=linkspec.schema.json";

/// The schema file's contents: pretty JSON with a final newline.
pub fn schema_text() -> Result<String> {
    let mut text = serde_json::to_string_pretty(&linkspec_codegen::spec::json_schema()).context("serializing the schema")?;
    text.push('\n');
    Ok(text)
}

/// The first line of every file of a provider directory (`specs/<provider>/*.yaml`): the same
/// schema, one directory up.
pub const DIR_MODELINE: &str = "# yaml-language-server: $schema=../linkspec.schema.json";

/// The modeline a spec file named `name` (`specs/x.yaml`, `specs/x/y.yaml`) starts with.
pub fn modeline_for(name: &str) -> &'static str {
    if name.matches('/').count() > 1 { DIR_MODELINE } else { MODELINE }
}

/// Spec files whose first line is not their modeline ([`MODELINE`], [`DIR_MODELINE`] in a
/// provider directory).
pub fn specs_without_modeline(root: &Path) -> Result<Vec<String>> {
    Ok(crate::read_specs(root)?
        .into_iter()
        .filter(|s| s.text.lines().next() != Some(modeline_for(&s.name)))
        .map(|s| s.name)
        .collect())
}

/// Runs the subcommand.
pub fn run(args: &[String]) -> Result<ExitCode> {
    let check = match args {
        [] => false,
        [flag] if flag == "--check" => true,
        _ => bail!("usage: cargo xtask schema [--check]"),
    };
    let root = crate::current_root()?;
    println!("linkspec root: {}", root.display());
    let path = root.join(SCHEMA_PATH);
    let wanted = schema_text()?;
    let current = std::fs::read_to_string(&path).ok();
    let missing = specs_without_modeline(&root)?;
    for name in &missing {
        eprintln!("{name}: the first line must be `{}` so editors find the schema", modeline_for(name));
    }
    if check {
        if current.as_deref() != Some(wanted.as_str()) {
            eprintln!("{SCHEMA_PATH} is out of date: run `cargo xtask schema`");
            return Ok(ExitCode::FAILURE);
        }
        if !missing.is_empty() {
            return Ok(ExitCode::FAILURE);
        }
        println!("{SCHEMA_PATH} is up to date");
        return Ok(ExitCode::SUCCESS);
    }
    if current.as_deref() == Some(wanted.as_str()) {
        println!("{SCHEMA_PATH} is up to date");
    } else {
        std::fs::write(&path, &wanted).with_context(|| format!("writing {SCHEMA_PATH}"))?;
        println!("wrote {SCHEMA_PATH}");
    }
    Ok(if missing.is_empty() { ExitCode::SUCCESS } else { ExitCode::FAILURE })
}
