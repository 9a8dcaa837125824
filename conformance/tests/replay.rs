//! The conformance suite under `cargo test`: every recorded case replays and matches its
//! snapshot, and every operation in specs/ has a case. Same code path as `cargo xtask conformance`.

use linkspec_conformance::{Filter, cassette, cassette_dir, replay::Options, run, snapshot::Update, snapshot_dir, uncovered};

#[test]
fn every_case_replays() {
    // On a thread of its own stack: in a debug build, calling an operation of a provider of
    // hundreds of operations by name (`call_json`, one arm per operation) takes more than the
    // 2 MiB a test thread has (about 2.5 MiB with Plaid's 329 and MX Platform's 169).
    let replay = || {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("a runtime");
        runtime.block_on(async {
            let mut out = Vec::new();
            let update = Update::from_env().unwrap_or_else(|e| panic!("{e}"));
            let summary = run(&cassette_dir(), &Filter::default(), &Options { snapshots: Some(snapshot_dir()), update }, &mut out).await;
            let text = String::from_utf8_lossy(&out);
            println!("{text}");
            assert!(!summary.results.is_empty(), "no cases were found");
            assert_eq!(summary.failed(), 0, "conformance failures:\n{text}");
        });
    };
    let thread = std::thread::Builder::new().name("every_case_replays".into()).stack_size(16 << 20).spawn(replay).expect("a thread");
    if let Err(panic) = thread.join() {
        std::panic::resume_unwind(panic);
    }
}

#[test]
fn every_operation_has_a_case() {
    let loaded = cassette::load_all(&cassette_dir());
    assert!(loaded.broken.is_empty(), "{:#?}", loaded.broken);
    let cases = loaded.cases;
    assert_eq!(uncovered(&cases), Vec::<(&str, &str)>::new());
}

#[test]
fn no_snapshot_without_a_case() {
    let cases = cassette::load_all(&cassette_dir()).cases;
    let mut orphans = Vec::new();
    for provider in std::fs::read_dir(snapshot_dir()).expect("snapshots/ exists") {
        let provider = provider.expect("readable").path();
        for snap in std::fs::read_dir(&provider).expect("readable") {
            let path = snap.expect("readable").path();
            let Some(stem) = path.file_name().and_then(|n| n.to_str()).and_then(|n| n.strip_suffix(".snap")) else {
                continue;
            };
            let p = provider.file_name().and_then(|n| n.to_str()).unwrap_or_default();
            if !cases.iter().any(|c| c.provider == p && c.name == stem) {
                orphans.push(path.display().to_string());
            }
        }
    }
    assert!(orphans.is_empty(), "snapshots whose cassette is gone (delete them): {orphans:#?}");
}
