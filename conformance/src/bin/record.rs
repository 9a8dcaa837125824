//! `record`: records a conformance case from a provider's sandbox (run it with
//! `cargo xtask record`); see `conformance/README.md`, "Recording a case".

use linkspec_conformance::Layout;
use linkspec_conformance::record::{self, Request, Target};
use linkspec_conformance::replay::{Options, Verdict};
use linkspec_conformance::snapshot::Update;
use std::collections::BTreeMap;
use std::process::ExitCode;

const USAGE: &str = "usage: cargo xtask record <provider> <operation> [--args FILE|YAML] [--environment NAME | --base-url URL]
         [--host NAME=URL]... [--var NAME=VALUE]... [--case NAME] [--all-pages] [--doc TEXT]
       cargo xtask record <provider> --refresh <case> [same options]
Credentials come from LINKSPEC_<PROVIDER>_<INPUT> environment variables (the error lists the missing ones).";

#[derive(Default)]
struct Cli {
    words: Vec<String>,
    args: Option<String>,
    environment: Option<String>,
    base_url: Option<String>,
    hosts: BTreeMap<String, String>,
    variables: BTreeMap<String, String>,
    case: Option<String>,
    refresh: Option<String>,
    all_pages: bool,
    doc: Option<String>,
}

fn pair(flag: &str, value: &str) -> Result<(String, String), String> {
    value.split_once('=').map(|(k, v)| (k.to_owned(), v.to_owned())).ok_or_else(|| format!("{flag} takes NAME=VALUE, got `{value}`"))
}

fn parse(argv: &[String]) -> Result<Cli, String> {
    let mut cli = Cli::default();
    let mut it = argv.iter();
    while let Some(arg) = it.next() {
        let mut value = || it.next().cloned().ok_or_else(|| format!("{arg} needs a value"));
        match arg.as_str() {
            "--args" => cli.args = Some(value()?),
            "--environment" => cli.environment = Some(value()?),
            "--base-url" => cli.base_url = Some(value()?),
            "--host" => {
                let (k, v) = pair(arg, &value()?)?;
                cli.hosts.insert(k, v);
            }
            "--var" => {
                let (k, v) = pair(arg, &value()?)?;
                cli.variables.insert(k, v);
            }
            "--case" => cli.case = Some(value()?),
            "--refresh" => cli.refresh = Some(value()?),
            "--doc" => cli.doc = Some(value()?),
            "--all-pages" => cli.all_pages = true,
            flag if flag.starts_with('-') => return Err(format!("unknown flag {flag}")),
            _ => cli.words.push(arg.clone()),
        }
    }
    if cli.environment.is_some() && cli.base_url.is_some() {
        return Err("give --environment or --base-url, not both".into());
    }
    if cli.refresh.is_some() && cli.case.is_some() {
        return Err("--refresh names the case; leave out --case".into());
    }
    Ok(cli)
}

/// `--args`: a file when one is there, YAML text otherwise.
fn read_args(text: &str) -> Result<serde_json::Value, String> {
    let path = std::path::Path::new(text);
    let (source, yaml) = if !text.contains('\n') && path.is_file() {
        (path.display().to_string(), std::fs::read_to_string(path).map_err(|e| format!("--args {}: {e}", path.display()))?)
    } else {
        ("--args".to_owned(), text.to_owned())
    };
    let value: serde_json::Value = serde_saphyr::from_str(&yaml).map_err(|e| format!("{source}: {}", e.to_string().lines().next().unwrap_or("not YAML")))?;
    match value {
        serde_json::Value::Object(_) => Ok(value),
        serde_json::Value::Null => Ok(serde_json::json!({})),
        _ => Err(format!("{source}: the arguments are a mapping of parameter names (and `body`)")),
    }
}

/// The first string of `value` that is a stand-in, as a pointer.
fn stand_in(value: &serde_json::Value, pointer: &str) -> Option<String> {
    match value {
        serde_json::Value::String(s) if s.starts_with("redacted-") => Some(if pointer.is_empty() { "/".into() } else { pointer.into() }),
        serde_json::Value::Array(items) => items.iter().enumerate().find_map(|(i, v)| stand_in(v, &format!("{pointer}/{i}"))),
        serde_json::Value::Object(map) => map.iter().find_map(|(k, v)| stand_in(v, &format!("{pointer}/{k}"))),
        _ => None,
    }
}

fn run(argv: &[String]) -> Result<ExitCode, String> {
    let cli = parse(argv).map_err(|e| format!("{e}\n{USAGE}"))?;
    let layout = std::env::current_dir().map_err(|e| format!("reading the current directory: {e}")).and_then(|d| Layout::find(&d))?;
    let (provider, operation): (String, Option<String>) = match cli.words.as_slice() {
        [provider, operation] => (provider.clone(), Some(operation.clone())),
        [provider] if cli.refresh.is_some() => (provider.clone(), None),
        _ => return Err(USAGE.to_owned()),
    };
    let mut old = None;
    let (case_name, mut request) = match &cli.refresh {
        Some(name) => {
            let path = layout.cassettes.join(&provider).join(format!("{name}.yaml"));
            let text = std::fs::read_to_string(&path).map_err(|e| format!("--refresh {name}: {}: {e}", path.display()))?;
            let case = linkspec_conformance::cassette::parse(&provider, &path, &text)?;
            let c = &case.cassette;
            if c.view.is_some() {
                return Err(format!("{}: a view case cannot be re-recorded; record its operation", path.display()));
            }
            if let Some(op) = &operation
                && *op != c.operation
            {
                return Err(format!("{}: the case calls `{}`, not `{op}`", path.display(), c.operation));
            }
            if cli.args.is_none()
                && let Some(at) = stand_in(&c.args, "")
            {
                return Err(format!(
                    "{}: the case's args hold a stand-in at {at}, not the value to send: give the arguments with --args",
                    path.display()
                ));
            }
            let request = Request {
                provider: provider.clone(),
                operation: c.operation.clone(),
                args: c.args.clone(),
                target: Target::Environment(None),
                hosts: BTreeMap::new(),
                variables: BTreeMap::new(),
                all_pages: c.all_pages,
                doc: c.doc.clone(),
                expected_drift: c.expected_drift.clone(),
                command: String::new(),
            };
            old = Some(case);
            (name.clone(), request)
        }
        None => {
            let operation = operation.unwrap_or_default();
            let name = cli.case.clone().unwrap_or_else(|| format!("recorded_{operation}"));
            let path = layout.cassettes.join(&provider).join(format!("{name}.yaml"));
            if path.exists() {
                return Err(format!("{} exists: re-record it with `--refresh {name}`, or choose another name with --case", path.display()));
            }
            let request = Request {
                provider: provider.clone(),
                operation,
                args: serde_json::json!({}),
                target: Target::Environment(None),
                hosts: BTreeMap::new(),
                variables: BTreeMap::new(),
                all_pages: false,
                doc: None,
                expected_drift: Vec::new(),
                command: String::new(),
            };
            (name, request)
        }
    };
    if !case_name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-') || case_name.is_empty() {
        return Err(format!("case name `{case_name}`: use letters, digits, `_` and `-`"));
    }
    if let Some(args) = &cli.args {
        request.args = read_args(args)?;
    }
    request.target = match (&cli.base_url, &cli.environment) {
        (Some(url), _) => Target::BaseUrl(url.clone()),
        (None, env) => Target::Environment(env.clone()),
    };
    request.hosts = cli.hosts.clone();
    request.variables = cli.variables.clone();
    request.all_pages |= cli.all_pages;
    if cli.doc.is_some() {
        request.doc = cli.doc.clone();
    }
    request.command = format!("cargo xtask record {provider} {}", request.operation);
    if request.doc.is_none() {
        request.doc = Some(format!("Recorded from the provider with `cargo xtask record`: {}.", request.operation));
    }
    println!("record: root {}, cassettes {}", layout.root.display(), layout.cassettes.display());
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().map_err(|e| format!("could not start the async runtime: {e}"))?;
    let env = |name: &str| std::env::var(name).ok();
    let recorded = runtime.block_on(record::record(&request, &env))?;
    println!(
        "recorded {} exchange(s), the call ended in {}; {} secret(s) replaced by stand-ins, none left in the text",
        recorded.draft.exchanges.len(),
        recorded.outcome,
        recorded.secrets
    );
    if let Some(old) = &old {
        let before: Vec<_> = old.cassette.exchanges.iter().map(record::drift::Answer::of_cassette).collect();
        let after: Vec<_> = recorded.draft.exchanges.iter().map(record::drift::Answer::of_draft).collect();
        let drift = record::drift::drift(&before, &after);
        if drift.is_empty() {
            println!("drift: none (the answers have the fields and types they had)");
        } else {
            println!("drift since {}:", old.path.display());
            for line in &drift {
                println!("  {line}");
            }
        }
    }
    let case = record::save(&layout.cassettes, &provider, &case_name, &recorded)?;
    println!("wrote {}", case.path.display());
    let options = Options { snapshots: Some(layout.snapshots.clone()), update: Update::New };
    let result = runtime.block_on(linkspec_conformance::replay::replay(&case, &options));
    match result.verdict {
        Verdict::Pass => {
            println!("replay: PASS (the snapshot matches)");
            Ok(ExitCode::SUCCESS)
        }
        Verdict::Fail(problems) if problems.iter().all(|p| p.starts_with("snapshot:")) => {
            println!("replay: the case replays; its snapshot waits for review:");
            for p in &problems {
                println!("  {}", p.lines().next().unwrap_or(""));
            }
            println!("review the cassette and `cargo insta review` the snapshot, then commit both");
            Ok(ExitCode::SUCCESS)
        }
        Verdict::Fail(problems) | Verdict::KnownFailure { problems, .. } => {
            println!("replay: the recorded case does not replay cleanly:");
            for p in &problems {
                println!("  - {p}");
            }
            println!("the cassette is written: fix the spec (or list expected drift in the case) and run `cargo xtask conformance {case_name}`");
            Ok(ExitCode::FAILURE)
        }
    }
}

fn main() -> ExitCode {
    let argv: Vec<String> = std::env::args().skip(1).collect();
    if argv.iter().any(|a| a == "-h" || a == "--help") {
        println!("{USAGE}");
        return ExitCode::SUCCESS;
    }
    match run(&argv) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
