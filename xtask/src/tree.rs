//! `generated/` on disk: listed without ever following a symbolic link, and replaced in one
//! step, so a run that fails half-way leaves it as it was.
//!
//! The new tree is built beside the old one (in `.linkspec-generate-<pid>/` at the root, on the
//! same file system), then swapped in with two renames. Files whose contents do not change are
//! hard-linked (or copied with their modification time), so cargo does not rebuild them.

use anyhow::{Context, Result, bail};
use std::collections::BTreeSet;
use std::path::{Component, Path, PathBuf};

/// What a walk found: regular files, and entries linkspec refuses to touch.
#[derive(Debug, Default)]
pub struct Walk {
    /// Regular files.
    pub files: Vec<PathBuf>,
    /// Symbolic links and other entries that are neither files nor directories, each with
    /// what it is.
    pub refused: Vec<(PathBuf, String)>,
}

/// Walks `dir` (which may be absent) without following symbolic links.
pub fn walk(dir: &Path) -> Result<Walk> {
    let mut out = Walk::default();
    let meta = match std::fs::symlink_metadata(dir) {
        Ok(meta) => meta,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(out),
        Err(e) => return Err(e).with_context(|| format!("reading {}", dir.display())),
    };
    if !meta.is_dir() {
        out.refused.push((dir.to_path_buf(), describe(dir, &meta.file_type())));
        return Ok(out);
    }
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let mut entries: Vec<_> = std::fs::read_dir(&d)
            .with_context(|| format!("reading {}", d.display()))?
            .collect::<std::io::Result<_>>()
            .with_context(|| format!("reading {}", d.display()))?;
        entries.sort_by_key(|e| e.file_name());
        for entry in entries {
            let path = entry.path();
            // `DirEntry::file_type` does not follow links.
            let kind = entry.file_type().with_context(|| format!("reading {}", path.display()))?;
            if kind.is_dir() {
                stack.push(path);
            } else if kind.is_file() {
                out.files.push(path);
            } else {
                let what = describe(&path, &kind);
                out.refused.push((path, what));
            }
        }
    }
    out.files.sort();
    out.refused.sort();
    Ok(out)
}

fn describe(path: &Path, kind: &std::fs::FileType) -> String {
    if kind.is_symlink() {
        match std::fs::read_link(path) {
            Ok(target) => format!("a symbolic link to {}", target.display()),
            Err(_) => "a symbolic link".to_owned(),
        }
    } else if kind.is_dir() {
        "a directory".to_owned()
    } else if kind.is_file() {
        "a file, where a directory belongs".to_owned()
    } else {
        "neither a file nor a directory".to_owned()
    }
}

/// `path` relative to `root`, with `/` separators.
pub fn relative(root: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
    rel.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/")
}

/// The regular files under `root/out_dir`, relative to `root`. Refuses (and touches nothing)
/// when `out_dir` or anything under it is a symbolic link or not a plain file or directory:
/// linkspec never follows, removes or writes through a link there.
pub fn generated_files(root: &Path, out_dir: &str) -> Result<BTreeSet<String>> {
    let walk = walk(&root.join(out_dir))?;
    if !walk.refused.is_empty() {
        let list: Vec<String> = walk.refused.iter().map(|(p, what)| format!("  {} is {what}", relative(root, p))).collect();
        bail!(
            "{out_dir}/ must hold only files and directories that `cargo xtask generate` writes, and linkspec never \
             follows a link there:\n{}\nremove these (every file under {out_dir}/ is generated) and run again; nothing was changed",
            list.join("\n")
        );
    }
    Ok(walk.files.iter().map(|p| relative(root, p)).collect())
}

/// The part of `path` under `out_dir/`, refused unless it is a plain relative path there.
pub fn inside<'p>(out_dir: &str, path: &'p str) -> Result<&'p Path> {
    let rel = Path::new(path.strip_prefix(out_dir).and_then(|r| r.strip_prefix('/')).unwrap_or(""));
    let plain = !rel.as_os_str().is_empty() && rel.components().all(|c| matches!(c, Component::Normal(_)));
    if !plain {
        bail!("the generator produced `{path}`, which is not a file under {out_dir}/: nothing was written (this is a generator bug)");
    }
    Ok(rel)
}

/// Replaces `root/out_dir` with exactly `files` (paths relative to `root`, each under
/// `out_dir/`). Files listed in `unchanged` already hold their contents and keep their
/// modification time. On any error `root/out_dir` is left as it was.
pub fn replace(root: &Path, out_dir: &str, files: &[(&str, &str)], unchanged: &BTreeSet<String>) -> Result<()> {
    for (path, _) in files {
        inside(out_dir, path)?;
    }
    // A stage left by an earlier run may hold the only copy of an old generated/ (a swap that
    // could not be undone): it is never removed here, whatever its name.
    if let Some(left) = std::fs::read_dir(root)?.flatten().find(|e| e.file_name().to_string_lossy().starts_with(".linkspec-generate-")) {
        bail!(
            "{} is left from an earlier `cargo xtask generate` that stopped half-way; look inside (an `old/` there is the \
             generated/ it replaced), move back what you need, delete it, and run again. Nothing was changed.",
            left.path().display()
        );
    }
    let stage = root.join(format!(".linkspec-generate-{}", std::process::id()));
    let new = stage.join("new");
    let old = stage.join("old");
    let built = build(root, out_dir, &new, files, unchanged);
    let result = built.and_then(|()| swap(&root.join(out_dir), &new, &old));
    match &result {
        Ok(()) | Err(Swap::Untouched(_)) => {
            if let Err(e) = remove_any(&stage) {
                eprintln!("warning: could not remove {}: {e:#}; delete it by hand", stage.display());
            }
        }
        // The old tree is all that is left of generated/: keep it where the message says.
        Err(Swap::Lost(_)) => {}
    }
    result.map_err(Swap::into_error)
}

/// Why a swap failed, and whether `generated/` is still in place.
enum Swap {
    /// `generated/` is as it was.
    Untouched(anyhow::Error),
    /// `generated/` could not be put back; the error says where it is.
    Lost(anyhow::Error),
}

impl Swap {
    fn into_error(self) -> anyhow::Error {
        match self {
            Swap::Untouched(e) => e.context("generated/ was left as it was"),
            Swap::Lost(e) => e,
        }
    }
}

fn build(root: &Path, out_dir: &str, new: &Path, files: &[(&str, &str)], unchanged: &BTreeSet<String>) -> Result<(), Swap> {
    let fail = |e: anyhow::Error| Swap::Untouched(e);
    std::fs::create_dir_all(new).with_context(|| format!("creating {}", new.display())).map_err(fail)?;
    for (path, contents) in files {
        let target = new.join(inside(out_dir, path).map_err(fail)?);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent).with_context(|| format!("creating {}", parent.display())).map_err(fail)?;
        }
        if unchanged.contains(*path) {
            keep(&root.join(path), &target).with_context(|| format!("keeping {path}")).map_err(fail)?;
        } else {
            std::fs::write(&target, contents).with_context(|| format!("writing {path}")).map_err(fail)?;
        }
    }
    Ok(())
}

/// Puts an unchanged file into the new tree without changing its modification time.
fn keep(from: &Path, to: &Path) -> Result<()> {
    if std::fs::hard_link(from, to).is_ok() {
        return Ok(());
    }
    let modified = std::fs::metadata(from)?.modified()?;
    std::fs::copy(from, to)?;
    std::fs::File::options().write(true).open(to)?.set_modified(modified)?;
    Ok(())
}

/// Moves `current` (if any) to `old` and `new` to `current`, moving `old` back if that fails.
fn swap(current: &Path, new: &Path, old: &Path) -> Result<(), Swap> {
    let had = std::fs::symlink_metadata(current).is_ok();
    if had {
        std::fs::rename(current, old)
            .with_context(|| format!("moving {} aside", current.display()))
            .map_err(Swap::Untouched)?;
    }
    if let Err(e) = std::fs::rename(new, current) {
        let e = anyhow::Error::new(e).context(format!("moving the new tree to {}", current.display()));
        if !had {
            return Err(Swap::Untouched(e));
        }
        return match std::fs::rename(old, current) {
            Ok(()) => Err(Swap::Untouched(e)),
            Err(back) => Err(Swap::Lost(e.context(format!(
                "and moving it back failed too ({back}): the old tree is at {}; move it back to {} by hand",
                old.display(),
                current.display()
            )))),
        };
    }
    Ok(())
}

/// Removes `path` if present, without following a link: a link is removed itself.
fn remove_any(path: &Path) -> Result<()> {
    match std::fs::symlink_metadata(path) {
        Ok(meta) if meta.is_dir() => std::fs::remove_dir_all(path),
        Ok(_) => std::fs::remove_file(path),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(e),
    }
    .with_context(|| format!("removing {}", path.display()))
}
