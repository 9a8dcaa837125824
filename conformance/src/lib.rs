//! linkspec's conformance suite: recorded exchanges ("cassettes") replayed through the
//! generated clients over loopback, with the typed results snapshotted by insta.
//!
//! `cargo xtask conformance` runs [`run`] through this crate's binary; `cargo test` runs the
//! same replays from `tests/cases.rs`, one test per case. `cargo xtask record` runs its `record`
//! binary, which records a new case from a provider's sandbox ([`record`]). The format is
//! described in `conformance/README.md`.
//!
//! The cassette format and the request comparison live in `linkspec-mock` (which serves
//! cassettes to application tests) and are re-exported here as [`cassette`] and [`compare`].

pub mod binary;
pub mod record;
pub mod replay;
pub mod secrets;
pub mod snapshot;

pub use linkspec_mock::{cassette, compare};

use cassette::Case;
use replay::{CaseResult, Options, Verdict};
use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// `conformance/cassettes` of the checkout this crate was compiled in: right for tests (a
/// test binary is built per checkout); the binary uses [`Layout::find`].
pub fn cassette_dir() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/cassettes"))
}

/// `conformance/snapshots` of the checkout this crate was compiled in (see [`cassette_dir`]).
pub fn snapshot_dir() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/snapshots"))
}

/// The checkout a run replays: its root, cassettes and snapshots.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Layout {
    /// The workspace root.
    pub root: PathBuf,
    /// `<root>/conformance/cassettes`.
    pub cassettes: PathBuf,
    /// `<root>/conformance/snapshots`.
    pub snapshots: PathBuf,
}

impl Layout {
    /// The layout under `root`.
    pub fn at(root: &Path) -> Layout {
        let dir = root.join("conformance");
        Layout { root: root.to_path_buf(), cassettes: dir.join("cassettes"), snapshots: dir.join("snapshots") }
    }

    /// The nearest directory at or above `start` whose `Cargo.toml` declares a `[workspace]`
    /// (cargo's rule), which must hold `conformance/cassettes`. A binary must find its checkout
    /// at run time: with a shared `CARGO_TARGET_DIR` it may have been built from another.
    pub fn find(start: &Path) -> Result<Layout, String> {
        let mut dir = Some(start);
        while let Some(d) = dir {
            let declares = std::fs::read_to_string(d.join("Cargo.toml")).is_ok_and(|text| {
                text.lines().any(|line| {
                    let line = line.split('#').next().unwrap_or("").trim();
                    line.strip_prefix("[workspace").is_some_and(|rest| rest.starts_with(']') || rest.starts_with('.'))
                })
            });
            if declares {
                let layout = Layout::at(d);
                if !layout.cassettes.is_dir() {
                    return Err(format!(
                        "the cargo workspace at {} has no conformance/cassettes/: run the conformance suite inside a linkspec checkout",
                        d.display()
                    ));
                }
                return Ok(layout);
            }
            dir = d.parent();
        }
        Err(format!(
            "no Cargo.toml with a [workspace] table at or above {}: run the conformance suite inside a linkspec checkout",
            start.display()
        ))
    }

    /// The checkout this crate was compiled in.
    pub fn compiled() -> Layout {
        let crate_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
        Layout::at(crate_dir.parent().unwrap_or(crate_dir))
    }
}

/// Which cases to run.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    /// Only these providers (all when empty).
    pub providers: Vec<String>,
    /// Only cases whose `provider/name` contains one of these (all when empty).
    pub names: Vec<String>,
}

impl Filter {
    /// True when nothing is filtered out.
    pub fn is_empty(&self) -> bool {
        self.providers.is_empty() && self.names.is_empty()
    }

    fn keeps(&self, case: &Case) -> bool {
        self.keeps_id(&case.provider, &case.id())
    }

    fn keeps_id(&self, provider: &str, id: &str) -> bool {
        (self.providers.is_empty() || self.providers.iter().any(|p| p == provider))
            && (self.names.is_empty() || self.names.iter().any(|n| id.contains(n.as_str())))
    }
}

/// Operations of the compiled-in providers that no case calls.
pub fn uncovered(cases: &[Case]) -> Vec<(&'static str, &'static str)> {
    linkspec_clients::operations()
        .into_iter()
        .filter(|(p, op)| !cases.iter().any(|c| c.provider == *p && c.cassette.operation == *op && c.cassette.view.is_none()))
        .collect()
}

/// Status rows of a view mapping that no passing view case reaches: every row of every
/// provider's table must be shown right by a recorded answer.
pub fn unexercised_rows(results: &[CaseResult]) -> Vec<String> {
    let mut out = Vec::new();
    for (provider, view, _, rows) in linkspec_clients::view_status_rows() {
        for row in 0..rows {
            if !results.iter().any(|r| r.provider == provider && r.status_rows.as_ref().is_some_and(|(v, rs)| v == view && rs.contains(&row))) {
                out.push(format!(
                    "{provider}: row {row} of the {view} view's status table is reached by no recorded answer; record a `view: {view}` case whose answer it maps"
                ));
            }
        }
    }
    out
}

/// What a run found.
#[derive(Debug, Default)]
pub struct Summary {
    /// Every replayed case.
    pub results: Vec<CaseResult>,
    /// Problems outside any one case: unreadable cassettes, uncovered operations.
    pub suite_problems: Vec<String>,
    /// Per provider: operations some loaded case calls, and operations compiled in.
    pub coverage: BTreeMap<String, (usize, usize)>,
    /// Wall time of all replays.
    pub elapsed: Duration,
}

impl Summary {
    /// Cases that passed (known failures included).
    pub fn passed(&self) -> usize {
        self.results.iter().filter(|r| !matches!(r.verdict, Verdict::Fail(_))).count()
    }

    /// Cases that failed, plus one per suite problem.
    pub fn failed(&self) -> usize {
        self.results.len() - self.passed() + self.suite_problems.len()
    }
}

/// Loads, filters and replays the cases under `cassettes`, printing one line per case as it
/// goes, then a table per provider and a last line `N passed, N failed`. A cassette that does
/// not read, or names an operation that does not exist, is one `ERROR` line with its place
/// (and the closest name); every other case still runs.
pub async fn run(cassettes: &Path, filter: &Filter, options: &Options, out: &mut dyn Write) -> Summary {
    let mut summary = Summary::default();
    let loaded = cassette::load_all(cassettes);
    let (cases, unknown) = cassette::known_operations(loaded.cases, &linkspec_clients::operations());
    for broken in loaded.broken.iter().chain(&unknown) {
        let id = format!("{}/{}", broken.provider, broken.name);
        if filter.keeps_id(&broken.provider, &id) || broken.provider.is_empty() {
            let _ = writeln!(out, "ERROR {}", broken.message);
            summary.suite_problems.push(broken.message.clone());
        }
    }
    for (provider, op) in linkspec_clients::operations() {
        let entry = summary.coverage.entry(provider.to_owned()).or_default();
        entry.1 += 1;
        // A view case checks the view's items, not the operation's answer: it covers nothing.
        if cases.iter().any(|c| c.provider == provider && c.cassette.operation == op && c.cassette.view.is_none()) {
            entry.0 += 1;
        }
    }
    if filter.is_empty() {
        for (provider, op) in uncovered(&cases) {
            let problem = format!("{provider}.{op}: no case calls this operation; record one under conformance/cassettes/{provider}/");
            let _ = writeln!(out, "UNCOVERED {problem}");
            summary.suite_problems.push(problem);
        }
    }
    let started = std::time::Instant::now();
    for case in cases.iter().filter(|c| filter.keeps(c)) {
        let result = replay::replay(case, options).await;
        let ms = result.elapsed.as_millis();
        let _ = match &result.verdict {
            Verdict::Pass => writeln!(out, "PASS  {} ({ms} ms)", result.id),
            Verdict::KnownFailure { reason, .. } => writeln!(out, "XFAIL {} ({ms} ms): known failure: {reason}", result.id),
            Verdict::Fail(problems) => {
                let _ = writeln!(out, "FAIL  {} ({ms} ms)", result.id);
                for p in problems {
                    let _ = writeln!(out, "      - {p}");
                }
                Ok(())
            }
        };
        summary.results.push(result);
    }
    summary.elapsed = started.elapsed();
    if filter.is_empty() {
        for problem in unexercised_rows(&summary.results) {
            let _ = writeln!(out, "UNEXERCISED {problem}");
            summary.suite_problems.push(problem);
        }
    }
    let _ = write!(out, "{}", table(&summary));
    let _ = writeln!(out, "{} passed, {} failed", summary.passed(), summary.failed());
    summary
}

/// The per-provider table: cases, passed, known failures, failed, operations covered.
pub fn table(summary: &Summary) -> String {
    #[derive(Default)]
    struct Row {
        cases: usize,
        pass: usize,
        xfail: usize,
        fail: usize,
    }
    let mut rows: BTreeMap<&str, Row> = BTreeMap::new();
    for r in &summary.results {
        let row = rows.entry(r.provider.as_str()).or_default();
        row.cases += 1;
        match r.verdict {
            Verdict::Pass => row.pass += 1,
            Verdict::KnownFailure { .. } => row.xfail += 1,
            Verdict::Fail(_) => row.fail += 1,
        }
    }
    let mut text = format!("\n{:<12} {:>5} {:>5} {:>5} {:>5} {:>10}\n", "provider", "cases", "pass", "xfail", "fail", "operations");
    for (provider, row) in &rows {
        let (covered, total) = summary.coverage.get(*provider).copied().unwrap_or_default();
        let ops = format!("{covered}/{total}");
        text.push_str(&format!(
            "{:<12} {:>5} {:>5} {:>5} {:>5} {:>10}\n",
            provider, row.cases, row.pass, row.xfail, row.fail, ops
        ));
    }
    text.push_str(&format!("({} cases in {:.2} s)\n", summary.results.len(), summary.elapsed.as_secs_f64()));
    text
}
