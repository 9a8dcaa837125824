//! Finding the checkout a run works on, at run time, the way cargo finds its workspace.
//!
//! A binary must not trust the path it was compiled in: with a shared `CARGO_TARGET_DIR`, the
//! binary one checkout runs may have been built from another, and would read and write that
//! other checkout.

use anyhow::{Result, bail};
use std::path::{Path, PathBuf};

/// The nearest directory at or above `start` whose `Cargo.toml` declares a `[workspace]`
/// (cargo's rule for the workspace root), checked to be a linkspec checkout (it has `specs/`).
pub fn find_root(start: &Path) -> Result<PathBuf> {
    let mut dir = Some(start);
    while let Some(d) = dir {
        let manifest = d.join("Cargo.toml");
        if let Ok(text) = std::fs::read_to_string(&manifest)
            && declares_workspace(&text)
        {
            if !d.join("specs").is_dir() {
                bail!(
                    "the cargo workspace at {} has no specs/ directory: run `cargo xtask` inside a linkspec checkout",
                    d.display()
                );
            }
            return Ok(d.to_path_buf());
        }
        dir = d.parent();
    }
    bail!(
        "no Cargo.toml with a [workspace] table at or above {}: run `cargo xtask` inside a linkspec checkout",
        start.display()
    )
}

/// The root for the current directory (see [`find_root`]).
pub fn current_root() -> Result<PathBuf> {
    let cwd = std::env::current_dir().map_err(|e| anyhow::anyhow!("reading the current directory: {e}"))?;
    find_root(&cwd)
}

/// True when a manifest has a `[workspace]` table (or one of its sub-tables, which imply it).
fn declares_workspace(manifest: &str) -> bool {
    manifest.lines().any(|line| {
        let line = line.split('#').next().unwrap_or("").trim();
        line.strip_prefix("[workspace").is_some_and(|rest| rest.starts_with(']') || rest.starts_with('.'))
    })
}

/// The checkout this crate was compiled in. Right for tests (a test binary is built per
/// checkout); binaries use [`current_root`].
pub fn compiled_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().map(Path::to_path_buf).unwrap_or_else(|| PathBuf::from("."))
}

#[cfg(test)]
mod tests {
    use super::declares_workspace;

    #[test]
    fn workspace_tables() {
        assert!(declares_workspace("[workspace]\nmembers = []\n"));
        assert!(declares_workspace("[package]\n[workspace.dependencies]\n"));
        assert!(declares_workspace("  [workspace] # root\n"));
        assert!(!declares_workspace("[package]\nworkspace = \"..\"\n"));
        assert!(!declares_workspace("# [workspace]\n[workspaces]\n"));
    }
}
