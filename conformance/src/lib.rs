//! linkspec's conformance suite: recorded exchanges ("cassettes") replayed through the
//! generated clients over loopback, with the typed results snapshotted by insta.
//!
//! `cargo xtask conformance` runs [`run`] through this crate's binary; `cargo test` runs the
//! same replays from `tests/replay.rs`. The format is described in `conformance/README.md`.

pub mod cassette;
pub mod compare;
pub mod replay;

use cassette::Case;
use replay::{CaseResult, Options, Verdict};
use std::collections::BTreeMap;
use std::io::Write;
use std::path::PathBuf;
use std::time::Duration;

/// `conformance/cassettes`.
pub fn cassette_dir() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/cassettes"))
}

/// `conformance/snapshots`.
pub fn snapshot_dir() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/snapshots"))
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
        (self.providers.is_empty() || self.providers.contains(&case.provider))
            && (self.names.is_empty() || self.names.iter().any(|n| case.id().contains(n.as_str())))
    }
}

/// Operations of the compiled-in providers that no case calls.
pub fn uncovered(cases: &[Case]) -> Vec<(&'static str, &'static str)> {
    linkspec_clients::operations()
        .into_iter()
        .filter(|(p, op)| !cases.iter().any(|c| c.provider == *p && c.cassette.operation == *op))
        .collect()
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

/// Loads, filters and replays cases, printing one line per case as it goes, then a table
/// per provider and a last line `N passed, N failed`.
pub async fn run(filter: &Filter, options: &Options, out: &mut dyn Write) -> Summary {
    let mut summary = Summary::default();
    let cases = match cassette::load_all(&cassette_dir()) {
        Ok(cases) => cases,
        Err(errors) => {
            for e in &errors {
                let _ = writeln!(out, "ERROR {e}");
            }
            summary.suite_problems = errors;
            let _ = writeln!(out, "0 passed, {} failed", summary.failed());
            return summary;
        }
    };
    for (provider, op) in linkspec_clients::operations() {
        let entry = summary.coverage.entry(provider.to_owned()).or_default();
        entry.1 += 1;
        if cases.iter().any(|c| c.provider == provider && c.cassette.operation == op) {
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
