//! The suite as a whole, on scratch cassette trees: a broken cassette is reported at its place
//! and every other case still runs; the binary finds its checkout from the current directory,
//! says which, and reports a new snapshot in one line (no insta test-runner text, no panic).

use linkspec_conformance::replay::Options;
use linkspec_conformance::{Filter, Layout, cassette_dir, run};
use std::path::{Path, PathBuf};
use std::process::Command;

/// A scratch checkout: a workspace manifest and `conformance/cassettes/moneykit/`.
fn scratch(name: &str) -> PathBuf {
    let root = std::env::temp_dir().join(format!("linkspec-suite-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    std::fs::create_dir_all(root.join("conformance/cassettes/moneykit")).expect("scratch dir");
    std::fs::create_dir_all(root.join("conformance/snapshots")).expect("scratch dir");
    std::fs::write(root.join("Cargo.toml"), "[workspace]\nmembers = []\n").expect("manifest");
    root
}

fn real_cassette(name: &str) -> String {
    std::fs::read_to_string(cassette_dir().join("moneykit").join(format!("{name}.yaml"))).expect("cassette exists")
}

fn add(root: &Path, name: &str, text: &str) {
    std::fs::write(root.join("conformance/cassettes/moneykit").join(format!("{name}.yaml")), text).expect("write");
}

#[tokio::test]
async fn a_bad_cassette_is_located_and_every_other_case_runs() {
    let root = scratch("broken");
    add(&root, "a_good", &real_cassette("get_user_links_empty"));
    add(&root, "b_bad_yaml", "version: 1\noperation: get_user_links\nexchanges: [\n  - request: {method: GET\n");
    add(&root, "c_typo", &real_cassette("get_user_links_empty").replace("operation: get_user_links", "operation: get_user_link"));
    add(&root, "d_unknown_key", &real_cassette("get_user_links_empty").replace("exchanges:", "exchange_list: []\nexchanges:"));
    std::fs::write(root.join("conformance/cassettes/moneykit/e_named.yml"), real_cassette("get_user_links_empty")).expect("write");
    let layout = Layout::at(&root);
    let filter = Filter { providers: vec!["moneykit".into()], names: Vec::new() };
    let mut out = Vec::new();
    let summary = run(&layout.cassettes, &filter, &Options::default(), &mut out).await;
    let text = String::from_utf8_lossy(&out);
    let dir = layout.cassettes.join("moneykit");
    assert!(text.contains("PASS  moneykit/a_good"), "{text}");
    assert!(text.contains(&format!("ERROR {}:", dir.join("b_bad_yaml.yaml").display())), "{text}");
    let typo = format!("ERROR {}:2:12: unknown operation `get_user_link` of moneykit; did you mean `get_user_links`?", dir.join("c_typo.yaml").display());
    assert!(text.contains(&typo), "{text}");
    assert!(text.contains(&format!("ERROR {}:", dir.join("d_unknown_key.yaml").display())) && text.contains("exchange_list"), "{text}");
    assert!(text.contains("e_named.yml: cassettes must be named `*.yaml`; rename it to e_named.yaml"), "{text}");
    assert_eq!((summary.passed(), summary.failed()), (1, 4), "{text}");
    assert!(text.trim_end().ends_with("1 passed, 4 failed"), "{text}");
    let _ = std::fs::remove_dir_all(&root);
}

#[tokio::test]
async fn an_unknown_provider_directory_is_named_with_a_suggestion() {
    let root = scratch("provider");
    std::fs::create_dir_all(root.join("conformance/cassettes/moneykitt")).expect("dir");
    std::fs::write(root.join("conformance/cassettes/moneykitt/x.yaml"), real_cassette("get_user_links_empty")).expect("write");
    let mut out = Vec::new();
    let summary = run(&Layout::at(&root).cassettes, &Filter { providers: vec!["moneykitt".into()], names: Vec::new() }, &Options::default(), &mut out).await;
    let text = String::from_utf8_lossy(&out);
    assert!(text.contains("no provider `moneykitt` is compiled in; did you mean `moneykit`?"), "{text}");
    assert_eq!(summary.failed(), 1, "{text}");
    let _ = std::fs::remove_dir_all(&root);
}

#[test]
fn the_layout_is_found_from_the_current_directory_upward() {
    let root = scratch("layout");
    std::fs::create_dir_all(root.join("conformance/cassettes/moneykit/deeper")).expect("dir");
    std::fs::write(root.join("conformance/Cargo.toml"), "[package]\nname = \"c\"\n").expect("member manifest");
    assert_eq!(Layout::find(&root.join("conformance/cassettes/moneykit/deeper")), Ok(Layout::at(&root)));
    let e = Layout::find(&std::env::temp_dir().join("linkspec-no-such-dir")).expect_err("no workspace");
    assert!(e.contains("no Cargo.toml with a [workspace] table"), "{e}");
    let _ = std::fs::remove_dir_all(&root);
}

/// Runs the conformance binary in `dir` with a clean snapshot environment.
fn binary(dir: &Path, update: Option<&str>) -> (bool, String) {
    let mut command = Command::new(env!("CARGO_BIN_EXE_conformance"));
    command.arg("moneykit").current_dir(dir);
    for var in ["CI", "TF_BUILD", "INSTA_UPDATE", "INSTA_OUTPUT", "INSTA_FORCE_PASS", "INSTA_WORKSPACE_ROOT"] {
        command.env_remove(var);
    }
    if let Some(update) = update {
        command.env("INSTA_UPDATE", update);
    }
    let output = command.output().expect("the conformance binary runs");
    let text = format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
    (output.status.success(), text)
}

#[test]
fn the_binary_uses_the_checkout_it_runs_in_and_reports_a_new_snapshot_in_one_line() {
    let root = scratch("binary");
    add(&root, "brand_new", &real_cassette("get_user_links_empty"));
    // Run from a subdirectory: the checkout is found upward, and said on the first line.
    let (ok, text) = binary(&root.join("conformance/cassettes"), None);
    let first = text.lines().next().unwrap_or_default();
    let layout = Layout::at(&root);
    assert_eq!(
        first,
        format!("conformance: root {}, cassettes {}, snapshots {}", root.display(), layout.cassettes.display(), layout.snapshots.display())
    );
    assert!(!ok, "a new snapshot fails the run: {text}");
    assert!(!text.to_lowercase().contains("panic") && !text.contains("cargo insta test") && !text.contains("Stopped on the first failure"), "{text}");
    let snap = layout.snapshots.join("moneykit/brand_new.snap");
    let line = text.lines().find(|l| l.contains("snapshot: new")).unwrap_or_else(|| panic!("no snapshot line in:\n{text}"));
    assert!(line.contains(&snap.display().to_string()) && line.contains("cargo insta review") && line.contains("INSTA_UPDATE=always"), "{line}");
    assert!(layout.snapshots.join("moneykit/brand_new.snap.new").is_file(), "pending snapshot stored");
    // Accepting writes the snapshot; the next plain run passes and nothing is pending.
    let (ok, text) = binary(&root, Some("always"));
    assert!(ok && text.contains("PASS  moneykit/brand_new"), "{text}");
    let (ok, text) = binary(&root, None);
    assert!(ok && text.contains("1 passed, 0 failed"), "{text}");
    assert!(snap.is_file() && !layout.snapshots.join("moneykit/brand_new.snap.new").exists());
    let written = std::fs::read_to_string(&snap).expect("snapshot");
    assert!(written.starts_with("---\nsource: conformance/src/replay.rs\ninput_file: conformance/cassettes/moneykit/brand_new.yaml\n---\ncase: moneykit/brand_new\n"), "{written}");
    let _ = std::fs::remove_dir_all(&root);
}
