//! `conformance`: replays the recorded cases (run it with `cargo xtask conformance`).
//!
//! Arguments: provider names and case-name fragments filter the cases; `--provider NAME` and
//! `--case TEXT` say which is which when a word could be both. Exits non-zero on any failure.

use linkspec_conformance::{Filter, Layout, replay::Options, run, snapshot::Update};
use std::process::ExitCode;

const USAGE: &str = "usage: cargo xtask conformance [PROVIDER|CASE]... [--provider NAME]... [--case TEXT]...";

fn main() -> ExitCode {
    let mut filter = Filter::default();
    let known: Vec<&str> = linkspec_clients::operations().iter().map(|(p, _)| *p).collect();
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--provider" | "--case" => {
                let Some(value) = args.next() else {
                    eprintln!("{arg} needs a value\n{USAGE}");
                    return ExitCode::from(2);
                };
                if arg == "--provider" { filter.providers.push(value) } else { filter.names.push(value) }
            }
            "-h" | "--help" => {
                println!("{USAGE}");
                return ExitCode::SUCCESS;
            }
            flag if flag.starts_with('-') => {
                eprintln!("unknown flag {flag}\n{USAGE}");
                return ExitCode::from(2);
            }
            word if known.contains(&word) => filter.providers.push(arg),
            _ => filter.names.push(arg),
        }
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("could not start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let layout = match std::env::current_dir().map_err(|e| format!("reading the current directory: {e}")).and_then(|d| Layout::find(&d)) {
        Ok(layout) => layout,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::FAILURE;
        }
    };
    let update = match Update::from_env() {
        Ok(update) => update,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    println!(
        "conformance: root {}, cassettes {}, snapshots {}",
        layout.root.display(),
        layout.cassettes.display(),
        layout.snapshots.display()
    );
    let built = Layout::compiled();
    let canonical = |p: &std::path::Path| p.canonicalize().unwrap_or_else(|_| p.to_path_buf());
    if canonical(&built.root) != canonical(&layout.root) {
        // The clients are compiled in: they are the other checkout's generated/.
        println!(
            "warning: this binary was built from {} and replays that checkout's generated clients; run `cargo xtask conformance` in {} to test its own",
            built.root.display(),
            layout.root.display()
        );
    }
    let options = Options { snapshots: Some(layout.snapshots.clone()), update };
    let summary = runtime.block_on(run(&layout.cassettes, &filter, &options, &mut std::io::stdout()));
    if summary.results.is_empty() && summary.suite_problems.is_empty() {
        eprintln!("no case matches the filter");
        return ExitCode::FAILURE;
    }
    if summary.failed() == 0 { ExitCode::SUCCESS } else { ExitCode::FAILURE }
}
