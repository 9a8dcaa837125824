//! The conformance suite under `cargo test` and cargo-nextest: one test per cassette, named
//! `<provider>::<case>`, plus the checks of the suite as a whole under `suite::`. Same code path
//! as `cargo xtask conformance`; the harness is libtest-mimic's, so the usual filters work
//! (`cargo test -p linkspec-conformance --test cases -- plaid::item_get`, `--exact`, `--list`,
//! `--skip`), and nextest runs, retries and partitions the cases one by one
//! (`cargo nextest run -p linkspec-conformance --test cases --partition count:1/4`).

use libtest_mimic::{Arguments, Failed, Trial};
use linkspec_conformance::cassette::{self, Case};
use linkspec_conformance::replay::{self, Options, Verdict};
use linkspec_conformance::snapshot::Update;
use linkspec_conformance::{cassette_dir, secrets, snapshot_dir, unexercised_rows, uncovered};
use std::path::{Path, PathBuf};

fn main() {
    let args = Arguments::from_args();
    let dir = cassette_dir();
    // Only names are listed here: nextest starts this binary once per case, so each process
    // reads only the cassette it runs (a whole load takes most of a second in a debug build).
    let mut trials: Vec<Trial> = listing(&dir).into_iter().map(case_trial).collect();
    trials.extend(suite_trials(&dir));
    libtest_mimic::run(&args, trials).exit();
}

/// A cassette file, or a directory that could not be listed.
struct Listed {
    provider: String,
    name: String,
    path: PathBuf,
    /// Set when the directory could not be read.
    unreadable: Option<String>,
}

/// Every `<provider>/<case>.yaml` under `dir` (and `*.yml`, which the loader refuses), sorted.
fn listing(dir: &Path) -> Vec<Listed> {
    let entries = |d: &Path| -> Result<Vec<PathBuf>, String> {
        let mut paths: Vec<PathBuf> = std::fs::read_dir(d).map_err(|e| format!("{}: {e}", d.display()))?.filter_map(|e| e.ok().map(|e| e.path())).collect();
        paths.sort();
        Ok(paths)
    };
    let name_of = |p: &Path| p.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    let mut out = Vec::new();
    let providers = match entries(dir) {
        Ok(p) => p,
        Err(e) => return vec![Listed { provider: "cassettes".into(), name: "(directory)".into(), path: dir.to_path_buf(), unreadable: Some(e) }],
    };
    for pdir in providers.into_iter().filter(|p| p.is_dir()) {
        let provider = pdir.file_name().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
        match entries(&pdir) {
            Ok(files) => {
                for path in files.into_iter().filter(|p| !p.is_dir()) {
                    let ext = path.extension().map(|e| e.to_string_lossy().to_ascii_lowercase()).unwrap_or_default();
                    if ext == "yaml" || ext == "yml" {
                        out.push(Listed { provider: provider.clone(), name: name_of(&path), path, unreadable: None });
                    }
                }
            }
            Err(e) => out.push(Listed { provider, name: "(directory)".into(), path: pdir, unreadable: Some(e) }),
        }
    }
    out
}

fn case_trial(listed: Listed) -> Trial {
    let name = format!("{}::{}", listed.provider, listed.name);
    Trial::test(name, move || {
        if let Some(e) = listed.unreadable {
            return Err(e.into());
        }
        let case = load(&listed)?;
        replay_case(case)
    })
}

/// The case of one listed file, read and checked as the whole suite's loader does.
fn load(listed: &Listed) -> Result<Case, Failed> {
    if listed.path.extension().is_none_or(|e| e != "yaml") {
        // The loader's own message (rename it).
        let dir = listed.path.parent().unwrap_or(&listed.path);
        let loaded = cassette::load_all(dir.parent().unwrap_or(dir));
        let message = loaded.broken.into_iter().find(|b| b.provider == listed.provider && b.name == listed.name).map_or_else(
            || format!("{}: not read as a cassette", listed.path.display()),
            |b| b.message,
        );
        return Err(message.into());
    }
    let case = cassette::read(&listed.provider, &listed.path).map_err(Failed::from)?;
    let (mut cases, unknown) = cassette::known_operations(vec![case], &linkspec_clients::operations());
    match (cases.pop(), unknown.into_iter().next()) {
        (Some(case), _) => Ok(case),
        (None, Some(broken)) => Err(broken.message.into()),
        (None, None) => Err(format!("{}: not read as a cassette", listed.path.display()).into()),
    }
}

/// Runs `work` on a thread of its own with a large stack and a current-thread runtime: in a
/// debug build, calling an operation of a provider of hundreds of operations by name (one match
/// arm per operation) takes more than the 2 MiB a test thread has.
fn on_big_stack<T: Send + 'static>(work: impl AsyncFnOnce() -> T + Send + 'static) -> Result<T, Failed> {
    let thread = std::thread::Builder::new()
        .stack_size(16 << 20)
        .spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().map_err(|e| format!("starting a runtime: {e}"))?;
            Ok::<T, String>(runtime.block_on(work()))
        })
        .map_err(|e| Failed::from(format!("starting a thread: {e}")))?;
    match thread.join() {
        Ok(result) => result.map_err(Failed::from),
        Err(panic) => std::panic::resume_unwind(panic),
    }
}

fn replay_case(case: Case) -> Result<(), Failed> {
    let update = Update::from_env().map_err(Failed::from)?;
    let options = Options { snapshots: Some(snapshot_dir()), update };
    let result = on_big_stack(async move || replay::replay(&case, &options).await)?;
    match result.verdict {
        Verdict::Pass | Verdict::KnownFailure { .. } => Ok(()),
        Verdict::Fail(problems) => Err(Failed::from(format!("{} failed:\n  - {}", result.id, problems.join("\n  - ")))),
    }
}

/// The cases that read and name a compiled-in operation (the cases' own tests report the rest).
fn all_cases(dir: &Path) -> Vec<Case> {
    cassette::known_operations(cassette::load_all(dir).cases, &linkspec_clients::operations()).0
}

/// Checks of the suite as a whole, beside the cases.
fn suite_trials(dir: &Path) -> Vec<Trial> {
    let (d1, d2, d3, d4) = (dir.to_path_buf(), dir.to_path_buf(), dir.to_path_buf(), dir.to_path_buf());
    vec![
        Trial::test("suite::every_operation_has_a_case", move || {
            let missing = uncovered(&all_cases(&d1));
            if missing.is_empty() {
                return Ok(());
            }
            let list: Vec<String> = missing.iter().map(|(p, op)| format!("{p}.{op}")).collect();
            Err(format!("operations no case calls (record one under conformance/cassettes/<provider>/): {}", list.join(", ")).into())
        }),
        Trial::test("suite::no_snapshot_without_a_case", move || {
            let orphans = orphan_snapshots(&snapshot_dir(), &all_cases(&d2))?;
            if orphans.is_empty() { Ok(()) } else { Err(format!("snapshots whose cassette is gone (delete them): {orphans:#?}").into()) }
        }),
        Trial::test("suite::every_status_row_is_reached", move || {
            // The view cases are replayed again here (without snapshots: their own tests check
            // those), so this check holds on its own, whichever partition runs it.
            let views: Vec<Case> = all_cases(&d3).into_iter().filter(|c| c.cassette.view.is_some()).collect();
            let problems = on_big_stack(async move || {
                let mut results = Vec::new();
                for case in &views {
                    results.push(replay::replay(case, &Options::default()).await);
                }
                unexercised_rows(&results)
            })?;
            if problems.is_empty() { Ok(()) } else { Err(problems.join("\n").into()) }
        }),
        Trial::test("suite::no_secret_in_cassettes", move || {
            let findings = secrets::scan_dir(&d4).map_err(Failed::from)?;
            if findings.is_empty() {
                return Ok(());
            }
            let lines: Vec<String> = findings.iter().map(ToString::to_string).collect();
            Err(format!(
                "secret-shaped values in cassettes (replace each with a placeholder, or add a placeholder to the allowlist in conformance/src/secrets.rs):\n{}",
                lines.join("\n")
            )
            .into())
        }),
    ]
}

/// Snapshot files whose case is gone.
fn orphan_snapshots(dir: &Path, cases: &[Case]) -> Result<Vec<String>, String> {
    let read = |d: &Path| std::fs::read_dir(d).map_err(|e| format!("{}: {e}", d.display()));
    let mut orphans = Vec::new();
    for provider in read(dir)? {
        let provider = provider.map_err(|e| e.to_string())?.path();
        if !provider.is_dir() {
            continue;
        }
        let p = provider.file_name().and_then(|n| n.to_str()).unwrap_or_default().to_owned();
        for snap in read(&provider)? {
            let path = snap.map_err(|e| e.to_string())?.path();
            let Some(stem) = path.file_name().and_then(|n| n.to_str()).and_then(|n| n.strip_suffix(".snap")) else {
                continue;
            };
            if !cases.iter().any(|c| c.provider == p && c.name == stem) {
                orphans.push(path.display().to_string());
            }
        }
    }
    orphans.sort();
    Ok(orphans)
}
