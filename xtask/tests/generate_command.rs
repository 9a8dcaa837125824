//! `cargo xtask generate` on a scratch tree: an invalid spec writes nothing and fails with
//! located diagnostics for every spec; a valid one writes the crate, removes stale files, and
//! `--check` then passes.

use std::path::{Path, PathBuf};

const GOOD: &str = "provider: good\ntitle: Good\nservers:\n  default: live\n  environments:\n    live: https://api.example.com\nauth: { scheme: bearer }\nerrors: { model: Failure, code: code }\noperations:\n  get_thing:\n    method: GET\n    path: /thing\n    responses:\n      200: Failure\nmodels:\n  Failure:\n    doc: An error.\n    fields:\n      code: { type: string, doc: The code. }\n";

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("linkspec-xtask-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("specs")).expect("scratch dir");
    std::fs::create_dir_all(dir.join("generated/src")).expect("scratch dir");
    dir
}

fn run(root: &Path, check: bool) -> (bool, String, String) {
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let ok = xtask::generate(root, check, &mut out, &mut err).expect("runs");
    (ok, String::from_utf8_lossy(&out).into_owned(), String::from_utf8_lossy(&err).into_owned())
}

#[test]
fn an_invalid_spec_writes_nothing_and_every_spec_is_reported() {
    let root = scratch("invalid");
    std::fs::write(root.join("specs/a.yaml"), GOOD.replace("method: GET", "method: FETCH")).expect("write");
    std::fs::write(root.join("specs/b.yaml"), GOOD.replace("provider: good", "provider: other").replace("200: Failure", "200: Failur")).expect("write");
    std::fs::write(root.join("generated/src/old.rs"), "// kept\n").expect("write");
    let (ok, out, err) = run(&root, false);
    assert!(!ok, "must fail");
    assert!(out.is_empty(), "nothing reported as written: {out}");
    assert!(err.contains("specs/a.yaml:11:13") && err.contains("LS0202"), "{err}");
    assert!(err.contains("specs/b.yaml:") && err.contains("did you mean `Failure`?"), "{err}");
    assert!(err.contains("nothing was written"), "{err}");
    assert_eq!(std::fs::read_to_string(root.join("generated/src/old.rs")).expect("kept"), "// kept\n");
    assert!(!root.join("generated/Cargo.toml").exists());
    let _ = std::fs::remove_dir_all(&root);
}

#[test]
fn a_valid_spec_is_written_then_checks_clean() {
    let root = scratch("valid");
    std::fs::write(root.join("specs/good.yaml"), GOOD).expect("write");
    std::fs::write(root.join("generated/src/stale.rs"), "// stale\n").expect("write");
    let (ok, _, err) = run(&root, true);
    assert!(!ok && err.contains("not generated (remove it): generated/src/stale.rs"), "{err}");
    let (ok, out, _) = run(&root, false);
    assert!(ok, "{out}");
    assert!(out.contains("removed generated/src/stale.rs") && out.contains("wrote generated/src/good/client.rs"), "{out}");
    assert!(!root.join("generated/src/stale.rs").exists());
    let (ok, out, _) = run(&root, true);
    assert!(ok && out.contains("up to date"), "{out}");
    let _ = std::fs::remove_dir_all(&root);
}

/// Every file under `dir` with its bytes, never following links (links are listed as such).
fn snapshot_tree(dir: &Path) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else { continue };
        for entry in entries.flatten() {
            let path = entry.path();
            let kind = entry.file_type().expect("file type");
            let rel = path.strip_prefix(dir).expect("under dir").display().to_string();
            if kind.is_symlink() {
                out.push((rel, format!("link to {}", std::fs::read_link(&path).expect("link").display())));
            } else if kind.is_dir() {
                stack.push(path);
            } else {
                out.push((rel, std::fs::read_to_string(&path).unwrap_or_default()));
            }
        }
    }
    out.sort();
    out
}

/// A scratch tree generated once, so a later run has something to lose.
fn generated_scratch(name: &str) -> PathBuf {
    let root = scratch(name);
    std::fs::write(root.join("specs/good.yaml"), GOOD).expect("write");
    let (ok, out, err) = run(&root, false);
    assert!(ok, "{out}{err}");
    root
}

fn refused(root: &Path, needle: &str) -> String {
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let e = xtask::generate(root, false, &mut out, &mut err).expect_err("a link under generated/ is refused");
    let text = format!("{e:#}");
    assert!(text.contains(needle) && text.contains("nothing was changed"), "{text}");
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let e = xtask::generate(root, true, &mut out, &mut err).expect_err("--check refuses it too");
    assert!(format!("{e:#}").contains(needle), "{e:#}");
    text
}

#[cfg(unix)]
#[test]
fn a_symlinked_directory_under_generated_is_refused_and_nothing_outside_is_touched() {
    let root = generated_scratch("link-dir");
    let outside = root.with_extension("outside");
    let _ = std::fs::remove_dir_all(&outside);
    std::fs::create_dir_all(&outside).expect("outside dir");
    std::fs::write(outside.join("keep.txt"), "keep me\n").expect("write");
    std::os::unix::fs::symlink(&outside, root.join("generated/src/shared")).expect("symlink");
    let before = snapshot_tree(&root.join("generated"));
    refused(&root, "generated/src/shared is a symbolic link to");
    assert_eq!(std::fs::read_to_string(outside.join("keep.txt")).expect("kept"), "keep me\n");
    assert_eq!(snapshot_tree(&root.join("generated")), before, "generated/ must be unchanged");
    let _ = std::fs::remove_dir_all(&root);
    let _ = std::fs::remove_dir_all(&outside);
}

#[cfg(unix)]
#[test]
fn a_symlinked_file_under_generated_is_refused_and_its_target_survives() {
    let root = generated_scratch("link-file");
    let outside = root.with_extension("target.rs");
    std::fs::write(&outside, "// not linkspec's\n").expect("write");
    // The generator makes lib.rs: a link there must not be written through.
    std::fs::remove_file(root.join("generated/src/lib.rs")).expect("remove");
    std::os::unix::fs::symlink(&outside, root.join("generated/src/lib.rs")).expect("symlink");
    let before = snapshot_tree(&root.join("generated"));
    refused(&root, "generated/src/lib.rs is a symbolic link to");
    assert_eq!(std::fs::read_to_string(&outside).expect("kept"), "// not linkspec's\n");
    assert_eq!(snapshot_tree(&root.join("generated")), before, "generated/ must be unchanged");
    let _ = std::fs::remove_dir_all(&root);
    let _ = std::fs::remove_file(&outside);
}

#[cfg(unix)]
#[test]
fn a_symlink_loop_under_generated_is_refused_and_generated_is_unchanged() {
    let root = generated_scratch("link-loop");
    std::os::unix::fs::symlink("b", root.join("generated/src/a")).expect("symlink");
    std::os::unix::fs::symlink("a", root.join("generated/src/b")).expect("symlink");
    std::os::unix::fs::symlink("..", root.join("generated/src/up")).expect("symlink");
    let before = snapshot_tree(&root.join("generated"));
    let text = refused(&root, "generated/src/a is a symbolic link to b");
    assert!(text.contains("generated/src/up is a symbolic link to .."), "{text}");
    assert_eq!(snapshot_tree(&root.join("generated")), before, "generated/ must be unchanged");
    assert!(root.join("generated/src/lib.rs").is_file());
    let _ = std::fs::remove_dir_all(&root);
}

#[cfg(unix)]
#[test]
fn generated_itself_as_a_symlink_is_refused() {
    let root = generated_scratch("link-root");
    let elsewhere = root.with_extension("elsewhere");
    let _ = std::fs::remove_dir_all(&elsewhere);
    std::fs::rename(root.join("generated"), &elsewhere).expect("move");
    std::os::unix::fs::symlink(&elsewhere, root.join("generated")).expect("symlink");
    let before = snapshot_tree(&elsewhere);
    refused(&root, "generated is a symbolic link to");
    assert_eq!(snapshot_tree(&elsewhere), before);
    let _ = std::fs::remove_dir_all(&root);
    let _ = std::fs::remove_dir_all(&elsewhere);
}

#[test]
fn a_rewrite_keeps_unchanged_files_and_leaves_no_staging_behind() {
    let root = scratch("rewrite");
    std::fs::write(root.join("specs/good.yaml"), GOOD).expect("write");
    std::fs::write(root.join("specs/other.yaml"), GOOD.replace("provider: good", "provider: other")).expect("write");
    assert!(run(&root, false).0);
    let kept = root.join("generated/src/other/client.rs");
    let modified = std::fs::metadata(&kept).expect("exists").modified().expect("mtime");
    std::fs::write(root.join("specs/good.yaml"), GOOD.replace("title: Good", "title: Better")).expect("write");
    let (ok, out, err) = run(&root, false);
    assert!(ok, "{out}{err}");
    assert!(!out.contains("wrote generated/src/other/client.rs"), "{out}");
    assert_eq!(std::fs::metadata(&kept).expect("exists").modified().expect("mtime"), modified, "an unchanged file keeps its mtime");
    let left: Vec<_> = std::fs::read_dir(&root).expect("root").flatten().map(|e| e.file_name().to_string_lossy().into_owned()).collect();
    assert!(!left.iter().any(|n| n.starts_with(".linkspec-generate")), "staging left behind: {left:?}");
    assert!(run(&root, true).0);
    let _ = std::fs::remove_dir_all(&root);
}

#[test]
fn a_spec_that_is_not_utf8_is_located_and_the_others_are_still_checked() {
    let root = scratch("utf8");
    let mut bytes = GOOD.replace("title: Good", "title: Gooo").into_bytes();
    let at = GOOD.find("Good").expect("title") + 3;
    bytes[at] = 0xFF;
    std::fs::write(root.join("specs/a.yaml"), bytes).expect("write");
    std::fs::write(root.join("specs/b.yaml"), GOOD.replace("provider: good", "provider: other").replace("200: Failure", "200: Failur")).expect("write");
    std::fs::write(root.join("generated/src/old.rs"), "// kept\n").expect("write");
    let (ok, out, err) = run(&root, false);
    assert!(!ok && out.is_empty(), "{out}");
    assert!(err.contains("error[LS0001]: the file is not UTF-8: byte 0xFF at offset") && err.contains("--> specs/a.yaml:2:11"), "{err}");
    assert!(err.contains("specs/b.yaml:") && err.contains("did you mean `Failure`?"), "the other spec is still checked: {err}");
    assert!(err.contains("nothing was written"), "{err}");
    assert_eq!(std::fs::read_to_string(root.join("generated/src/old.rs")).expect("kept"), "// kept\n");
    let _ = std::fs::remove_dir_all(&root);
}

#[test]
fn a_yml_spec_is_refused_and_nothing_is_removed() {
    let root = generated_scratch("yml");
    std::fs::rename(root.join("specs/good.yaml"), root.join("specs/good.yml")).expect("rename");
    let before = snapshot_tree(&root.join("generated"));
    let (ok, out, err) = run(&root, false);
    assert!(!ok && out.is_empty(), "{out}");
    assert!(err.contains("specs/good.yml: specs must be named `*.yaml`; rename it to specs/good.yaml"), "{err}");
    assert_eq!(snapshot_tree(&root.join("generated")), before);
    let _ = std::fs::remove_dir_all(&root);
}

#[test]
fn no_spec_at_all_is_an_error_and_nothing_is_removed() {
    let root = generated_scratch("empty");
    std::fs::remove_file(root.join("specs/good.yaml")).expect("remove");
    std::fs::write(root.join("specs/README.md"), "not a spec\n").expect("write");
    let before = snapshot_tree(&root.join("generated"));
    for check in [false, true] {
        let (ok, out, err) = run(&root, check);
        assert!(!ok && out.is_empty(), "{out}");
        assert!(err.contains("holds no spec (`*.yaml`)") && err.contains("generated/ was left as it is"), "{err}");
    }
    assert_eq!(snapshot_tree(&root.join("generated")), before);
    let _ = std::fs::remove_dir_all(&root);
}

#[test]
fn the_root_is_found_from_the_current_directory_upward() {
    let base = std::env::temp_dir().join(format!("linkspec-xtask-root-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&base);
    let deep = base.join("checkout/codegen/src/deeper");
    std::fs::create_dir_all(&deep).expect("dirs");
    std::fs::create_dir_all(base.join("checkout/specs")).expect("dirs");
    std::fs::write(base.join("Cargo.toml"), "[workspace]\nmembers = []\n").expect("outer workspace");
    std::fs::write(base.join("checkout/Cargo.toml"), "[workspace]\nmembers = [\"codegen\"]\n").expect("write");
    std::fs::write(base.join("checkout/codegen/Cargo.toml"), "[package]\nname = \"c\"\n").expect("member");
    assert_eq!(xtask::find_root(&deep).expect("found"), base.join("checkout"));
    assert_eq!(xtask::find_root(&base.join("checkout")).expect("found"), base.join("checkout"));
    // A workspace without specs/ is not a linkspec checkout.
    let e = xtask::find_root(&base).expect_err("no specs/");
    assert!(format!("{e}").contains("has no specs/ directory"), "{e}");
    let _ = std::fs::remove_dir_all(&base);
}

#[test]
fn a_manifest_cargo_could_not_read_is_never_written() {
    // A provider named `default` collides with cargo's `default` feature. Whether the spec
    // check or the manifest check refuses it, nothing may reach generated/.
    let root = generated_scratch("manifest");
    std::fs::write(root.join("specs/good.yaml"), GOOD.replace("provider: good", "provider: default")).expect("write");
    let before = snapshot_tree(&root.join("generated"));
    let (ok, out, err) = run(&root, false);
    assert!(!ok && out.is_empty(), "{out}{err}");
    assert!(
        err.contains("generated/Cargo.toml:") && err.contains("duplicate key `default`") && err.contains("nothing was written")
            || err.contains("`default`") && err.contains("nothing was written"),
        "{err}"
    );
    assert_eq!(snapshot_tree(&root.join("generated")), before);
    let _ = std::fs::remove_dir_all(&root);
}

#[test]
fn a_stage_left_by_a_stopped_run_is_never_deleted() {
    let root = scratch("stage-left");
    std::fs::write(root.join("specs/good.yaml"), GOOD).expect("write");
    // What a run that could not put generated/ back leaves: the only copy of the old tree.
    let left = root.join(format!(".linkspec-generate-{}", std::process::id()));
    std::fs::create_dir_all(left.join("old")).expect("stage");
    std::fs::write(left.join("old/keep.rs"), "// the only copy\n").expect("write");
    let result = xtask::generate(&root, false, &mut Vec::new(), &mut Vec::new());
    let err = result.expect_err("refuses to run over a stage");
    assert!(format!("{err:#}").contains("left from an earlier"), "{err:#}");
    assert_eq!(std::fs::read_to_string(left.join("old/keep.rs")).expect("kept"), "// the only copy\n");
    let _ = std::fs::remove_dir_all(&root);
}
