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
