//! Library half of xtask: reading specs and comparing generated/ with what the generator makes.
//! The binary (`cargo xtask ...`) and the freshness test share it.

pub mod schema;

use anyhow::{Context, Result};
use linkspec_codegen::{Config, Output, SpecSource};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// The repository root: the parent of this crate's directory.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().map(Path::to_path_buf).unwrap_or_else(|| PathBuf::from("."))
}

/// Reads `specs/*.yaml` in name order.
pub fn read_specs(root: &Path) -> Result<Vec<SpecSource>> {
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
pub fn existing_files(root: &Path, dir: &Path) -> Result<BTreeSet<String>> {
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
pub fn drift(root: &Path, config: &Config, output: &Output) -> Result<Drift> {
    let existing = existing_files(root, &root.join(&config.out_dir))?;
    let wanted: BTreeSet<String> = output.files.iter().map(|f| f.path.clone()).collect();
    let stale = output
        .files
        .iter()
        .filter(|f| std::fs::read_to_string(root.join(&f.path)).ok().as_deref() != Some(f.contents.as_str()))
        .map(|f| f.path.clone())
        .collect();
    let extra = existing.difference(&wanted).cloned().collect();
    Ok(Drift { stale, extra })
}
