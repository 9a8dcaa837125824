//! `cargo xtask import examples <document> --provider <name>`: makes a conformance case of every
//! example of an OpenAPI document (`linkspec_codegen::import::examples`), writes them to
//! `conformance/cassettes/<name>/example_*.yaml`, replays them, accepts the snapshots of those
//! that pass and marks each one that fails `known_failure` with the harness's own words.

use anyhow::{Context, Result, bail};
use linkspec_codegen::import::examples::{self, Answer, Body, Cassette, Options, PREFIX, Placement};
use linkspec_codegen::{ProviderSource, ir};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

const USAGE: &str = "usage: cargo xtask import examples <document.yaml|json> --provider <name>
  [--credentials-in body|headers]   where a key pair travels in the cases (default: body)
  [--no-compose]                    no case of an operation whose answers have no example (by
                                    default its answer is composed of property examples, or of
                                    placeholders; no body, or placeholder bytes)
  [--no-replay]                     write the cases only: no replay, no snapshots, no marks
  [--report FILE]                   every finding and failure (default: target/import/<name>-examples.txt)";

/// The first line of every case this command writes; a file named `example_*` without it is
/// somebody's own and is never overwritten or removed.
pub const MARK: &str = "# Made by `cargo xtask import examples`";

/// Problems quoted in a `known_failure` reason; the rest are counted.
const REASON_PROBLEMS: usize = 3;

/// The parsed command line.
#[derive(Debug)]
pub struct Args {
    pub document: PathBuf,
    pub provider: String,
    pub options: Options,
    pub replay: bool,
    pub report: Option<PathBuf>,
}

/// Parses `examples <document> --provider ...`.
pub fn parse(args: &[String]) -> Result<Args> {
    let mut iter = args.iter();
    if iter.next().map(String::as_str) != Some("examples") {
        bail!("{USAGE}");
    }
    let (mut document, mut provider, mut report) = (None, None, None);
    let mut credentials_in = Placement::Body;
    let (mut compose, mut replay) = (true, true);
    while let Some(arg) = iter.next() {
        let mut value = |flag: &str| iter.next().cloned().with_context(|| format!("{flag} needs a value\n{USAGE}"));
        match arg.as_str() {
            "--provider" => provider = Some(value("--provider")?),
            "--credentials-in" => {
                credentials_in = match value("--credentials-in")?.as_str() {
                    "body" => Placement::Body,
                    "headers" => Placement::Headers,
                    other => bail!("--credentials-in {other}: `body` or `headers`"),
                }
            }
            "--no-compose" => compose = false,
            "--no-replay" => replay = false,
            "--report" => report = Some(PathBuf::from(value("--report")?)),
            "-h" | "--help" => bail!("{USAGE}"),
            flag if flag.starts_with('-') => bail!("unknown flag `{flag}`\n{USAGE}"),
            path if document.is_none() => document = Some(PathBuf::from(path)),
            extra => bail!("unexpected `{extra}`\n{USAGE}"),
        }
    }
    let document: PathBuf = document.with_context(|| format!("no document given\n{USAGE}"))?;
    let provider = provider.with_context(|| format!("--provider is required\n{USAGE}"))?;
    let source = document.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    Ok(Args { document, provider, options: Options { source, credentials_in, compose }, replay, report })
}

/// The provider `name` of `specs/` (a directory or one file), lowered.
pub fn lowered_provider(root: &Path, name: &str) -> Result<ir::Provider> {
    let dir = crate::read_clean_spec_dir(root)?;
    let wanted_dir = format!("specs/{name}/");
    let wanted_file = format!("specs/{name}.yaml");
    let source = dir
        .providers()
        .into_iter()
        .find(|p| match p {
            ProviderSource::Dir { name, .. } => *name == wanted_dir,
            ProviderSource::File(s) => s.name == wanted_file,
        })
        .with_context(|| format!("no spec of `{name}`: neither {wanted_dir} nor {wanted_file} exists (import it first with `cargo xtask import openapi`)"))?;
    let (mut providers, diags) = linkspec_codegen::check_providers(&[source]);
    if diags.has_errors() || providers.is_empty() {
        let text = diags.render(|n| dir.files().find(|f| f.name == n).map(|f| f.text.as_str()));
        bail!("the spec of `{name}` does not check:\n{text}");
    }
    Ok(providers.remove(0))
}

/// What becomes of the provider's cassette directory.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Plan {
    /// `example_*` cases this command made before that it no longer makes.
    pub stale: Vec<String>,
    /// Files named like a new case that this command did not make: refused.
    pub refused: Vec<String>,
}

/// Compares the new case names with the files of the directory (`(file name, text)`).
pub fn plan(new: &[String], existing: &[(String, String)]) -> Plan {
    let mut plan = Plan::default();
    for (file, text) in existing {
        let Some(stem) = file.strip_suffix(".yaml") else { continue };
        let ours = text.starts_with(MARK);
        let wanted = new.iter().any(|n| n == stem);
        if wanted && !ours {
            plan.refused.push(file.clone());
        } else if !wanted && ours && stem.starts_with(PREFIX) {
            plan.stale.push(file.clone());
        }
    }
    plan
}

/// One case's result in a conformance run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Replayed {
    /// `provider/name`.
    pub id: String,
    /// `PASS`, `XFAIL` or `FAIL`.
    pub verdict: String,
    /// The problems of a failing case.
    pub problems: Vec<String>,
}

/// Reads the conformance binary's output: `PASS  id (n ms)`, `XFAIL id ...`, `FAIL  id (n ms)`
/// followed by `      - problem` lines (a problem's own further lines are kept with it).
pub fn parse_run(stdout: &str) -> (Vec<Replayed>, Vec<String>) {
    let mut cases: Vec<Replayed> = Vec::new();
    let mut errors = Vec::new();
    let mut in_problems = false;
    for line in stdout.lines() {
        if let Some(problem) = line.strip_prefix("      - ").filter(|_| in_problems) {
            if let Some(last) = cases.last_mut() {
                last.problems.push(problem.to_owned());
            }
            continue;
        }
        if in_problems && line.starts_with("        ") {
            // A diff under a snapshot problem.
            if let Some(p) = cases.last_mut().and_then(|c| c.problems.last_mut()) {
                p.push('\n');
                p.push_str(line.trim_start());
            }
            continue;
        }
        in_problems = false;
        let mut words = line.splitn(2, ' ');
        let verdict = words.next().unwrap_or("");
        let rest = words.next().unwrap_or("").trim_start();
        match verdict {
            "PASS" | "XFAIL" | "FAIL" => {
                let id = rest.split(' ').next().unwrap_or("").to_owned();
                in_problems = verdict == "FAIL";
                cases.push(Replayed { id, verdict: verdict.to_owned(), problems: Vec::new() });
            }
            "ERROR" | "UNCOVERED" => errors.push(rest.to_owned()),
            _ => {}
        }
    }
    (cases, errors)
}

/// The `known_failure` reason of a case from its problems: the first few, as the harness
/// words them, and how many more.
pub fn reason(problems: &[String]) -> String {
    let shown: Vec<&str> = problems.iter().take(REASON_PROBLEMS).map(|p| p.lines().next().unwrap_or("")).collect();
    let mut text = shown.join("; ");
    if problems.len() > REASON_PROBLEMS {
        text.push_str(&format!("; and {} more", problems.len() - REASON_PROBLEMS));
    }
    text
}

/// The kind of a problem, for the summary: `drift`, `lossless`, `outcome`, `call`,
/// `request body`, `request query`, ... (the part the harness names).
pub fn kind_of(problem: &str) -> String {
    // `exchange 1 (POST /x): body at /a: ...` names the request part after the label.
    let rest = match problem.strip_prefix("exchange ") {
        Some(after) => after.split_once("): ").map_or(after, |(_, r)| r),
        None => problem,
    };
    let head = rest.split(':').next().unwrap_or("").trim();
    let head = head.split(" at ").next().unwrap_or(head);
    let head = head.split(" `").next().unwrap_or(head);
    if problem.starts_with("exchange ") { format!("request {head}") } else { head.to_owned() }
}

/// The marks a replay gave a cassette: `known_failure` and `expected_drift`.
#[derive(Debug, Default, serde::Deserialize)]
struct Marks {
    known_failure: Option<String>,
    #[serde(default)]
    expected_drift: Vec<String>,
}

/// The marks of a cassette's text.
fn marks(text: &str) -> Marks {
    serde_saphyr::from_str::<Marks>(text).unwrap_or_default()
}

/// The pointers of a case's problems when every one is drift of an open object (a key the
/// model keeps but does not declare): the document allows such keys, so the case records them
/// as `expected_drift` and passes. `None` when any problem is something else.
pub fn kept_drift(problems: &[String]) -> Option<Vec<String>> {
    const KEPT: &str = ", which the model keeps but does not declare";
    let mut pointers = Vec::new();
    for p in problems {
        let line = p.lines().next().unwrap_or("");
        let rest = line.strip_prefix("drift: the recorded body has ")?;
        if !line.contains(KEPT) {
            return None;
        }
        pointers.push(rest.split(" = ").next()?.to_owned());
    }
    (!pointers.is_empty()).then_some(pointers)
}

/// The cassette directory's files: name and text.
fn read_dir(dir: &Path) -> Result<Vec<(String, String)>> {
    let mut out = Vec::new();
    if !dir.is_dir() {
        return Ok(out);
    }
    for entry in std::fs::read_dir(dir).with_context(|| format!("reading {}", dir.display()))? {
        let path = entry?.path();
        if path.is_file() {
            let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            let text = std::fs::read_to_string(&path).unwrap_or_default();
            out.push((name, text));
        }
    }
    out.sort();
    Ok(out)
}

/// Removes a case's snapshot and pending snapshot, if any.
fn remove_snapshots(snapshots: &Path, stem: &str) {
    for ext in ["snap", "snap.new"] {
        let _ = std::fs::remove_file(snapshots.join(format!("{stem}.{ext}")));
    }
}

/// Runs the conformance binary on the provider's example cases, snapshots accepted.
fn replay(root: &Path, provider: &str) -> Result<(Vec<Replayed>, Vec<String>)> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let output = std::process::Command::new(cargo)
        .args(["run", "--quiet", "--package", "linkspec-conformance", "--bin", "conformance", "--"])
        .args(["--provider", provider, "--case", &format!("/{PREFIX}")])
        .env("INSTA_UPDATE", "always")
        .current_dir(root)
        .stderr(std::process::Stdio::inherit())
        .output()
        .context("running the conformance binary")?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    let (cases, errors) = parse_run(&stdout);
    if cases.is_empty() && errors.is_empty() && !output.status.success() {
        bail!("the conformance binary failed without replaying a case:\n{stdout}");
    }
    Ok((cases, errors))
}

/// Runs the command from the checkout at `root`.
pub fn run(root: &Path, args: &[String]) -> Result<bool> {
    let args = parse(args)?;
    let provider = lowered_provider(root, &args.provider)?;
    let text = std::fs::read_to_string(&args.document).with_context(|| format!("reading {}", args.document.display()))?;
    let started = std::time::Instant::now();
    let made = examples::cassettes(&text, &provider, &args.options).map_err(|e| anyhow::anyhow!("{}: {e}", args.document.display()))?;
    let elapsed = started.elapsed();
    let dir = root.join("conformance/cassettes").join(&args.provider);
    let snapshots = root.join("conformance/snapshots").join(&args.provider);
    let existing = read_dir(&dir)?;
    let names: Vec<String> = made.cassettes.iter().map(|c| c.name.clone()).collect();
    let plan = plan(&names, &existing);
    if !plan.refused.is_empty() {
        bail!(
            "{} holds cases named like ones this command makes but not made by it (no `{MARK}` line): {}; rename them (or remove them) and run again",
            dir.display(),
            plan.refused.join(", ")
        );
    }
    if args.replay {
        // Marks must be the harness's verdict on these specs: generated/ must be theirs.
        let (mut out, mut err) = (Vec::new(), Vec::new());
        if !crate::generate(root, true, &mut out, &mut err)? {
            bail!("generated/ is not what specs/ makes: run `cargo xtask generate` first, then this command again\n{}", String::from_utf8_lossy(&err));
        }
    }
    std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
    for stale in &plan.stale {
        std::fs::remove_file(dir.join(stale)).with_context(|| format!("removing {stale}"))?;
        remove_snapshots(&snapshots, stale.trim_end_matches(".yaml"));
    }
    if !plan.stale.is_empty() {
        println!("removed {} example case(s) the document no longer gives: {}", plan.stale.len(), plan.stale.join(", "));
    }
    for c in &made.cassettes {
        // Without a replay, a case keeps the mark the last replay gave it.
        let kept = if args.replay { Marks::default() } else { existing.iter().find(|(f, _)| *f == c.file_name()).map(|(_, text)| marks(text)).unwrap_or_default() };
        write_if_changed(&dir.join(c.file_name()), &c.render_marked(kept.known_failure.as_deref(), &kept.expected_drift))?;
    }
    println!(
        "{}: {} answer examples ({} success, {} error), {} request examples, {} examples skipped; {} answers composed of property examples, {} made without an example; {} cases written to {} in {:.2} s",
        args.document.display(),
        made.counts.success_examples + made.counts.error_examples,
        made.counts.success_examples,
        made.counts.error_examples,
        made.counts.request_examples,
        made.counts.skipped,
        made.counts.composed,
        made.counts.placeholders,
        made.cassettes.len(),
        dir.display(),
        elapsed.as_secs_f64()
    );
    let mut report = String::new();
    let without: Vec<&str> = provider.operations.iter().map(|o| o.name.as_str()).filter(|o| !made.cassettes.iter().any(|c| c.operation == *o)).collect();
    if !without.is_empty() {
        println!("{} of the spec's {} operations have no example case (listed in the report)", without.len(), provider.operations.len());
        report.push_str(&format!("operations without an example case ({}): {}\n", without.len(), without.join(", ")));
    }
    for f in &made.findings {
        report.push_str(&format!("{f}\n"));
    }
    let mut ok = true;
    if args.replay && !made.cassettes.is_empty() {
        eprintln!("replaying the {} example cases (building the conformance binary first)", made.cassettes.len());
        let (first, errors) = replay(root, &args.provider)?;
        if !errors.is_empty() {
            bail!("the harness could not read every case:\n{}", errors.join("\n"));
        }
        let by_id: BTreeMap<&str, &Replayed> = first.iter().map(|r| (r.id.as_str(), r)).collect();
        let mut failures: Vec<(&Cassette, &Replayed)> = Vec::new();
        for c in &made.cassettes {
            let id = format!("{}/{}", args.provider, c.name);
            match by_id.get(id.as_str()) {
                Some(r) if r.verdict == "FAIL" => failures.push((c, r)),
                Some(_) => {}
                None => bail!("the harness did not replay {id}"),
            }
        }
        let marked_any = !failures.is_empty();
        let mut drift_cases = 0;
        for (c, r) in &failures {
            match kept_drift(&r.problems) {
                // Keys an open object keeps: allowed by the document, recorded, and the case
                // passes (its snapshot is written by the replay below).
                Some(pointers) => {
                    drift_cases += 1;
                    write_if_changed(&dir.join(c.file_name()), &c.render_marked(None, &pointers))?;
                }
                None => {
                    write_if_changed(&dir.join(c.file_name()), &c.render(Some(&reason(&r.problems))))?;
                    remove_snapshots(&snapshots, &c.name);
                }
            }
        }
        let failures: Vec<(&Cassette, &Replayed)> = failures.into_iter().filter(|(_, r)| kept_drift(&r.problems).is_none()).collect();
        // Once more: every case passes or fails as marked.
        let (second, errors) = if !marked_any { (first.clone(), Vec::new()) } else { replay(root, &args.provider)? };
        let still: Vec<&Replayed> = second.iter().filter(|r| r.verdict == "FAIL").collect();
        if !errors.is_empty() || !still.is_empty() {
            ok = false;
            for r in &still {
                eprintln!("error: {} still fails after marking: {}", r.id, r.problems.join("; "));
            }
            for e in &errors {
                eprintln!("error: {e}");
            }
        }
        let mut summary = summarise(&made.cassettes, &failures);
        if drift_cases > 0 {
            summary.push_str(&format!(
                "{drift_cases} cases pass with `expected_drift`: their answers hold keys an open object (`additionalProperties`) keeps and the schema does not declare\n"
            ));
        }
        print!("{summary}");
        report.push_str(&summary);
        for (c, r) in &failures {
            report.push_str(&format!("known failure {}:\n", c.name));
            for p in &r.problems {
                report.push_str(&format!("  - {p}\n"));
            }
        }
    }
    let report_path = args.report.clone().unwrap_or_else(|| root.join("target/import").join(format!("{}-examples.txt", args.provider)));
    if let Some(parent) = report_path.parent() {
        std::fs::create_dir_all(parent).ok();
    }
    std::fs::write(&report_path, &report).with_context(|| format!("writing {}", report_path.display()))?;
    println!("every finding and failure: {}", report_path.display());
    Ok(ok)
}

/// The figures of a replay: cases by where their answer comes from, green and marked, the
/// marks' kinds, and the request examples sent as written.
pub fn summarise(cassettes: &[Cassette], failures: &[(&Cassette, &Replayed)]) -> String {
    let failed = |c: &Cassette| failures.iter().find(|(f, _)| f.name == c.name).map(|(_, r)| r);
    let mut out = String::new();
    for (label, answer) in [
        ("document answer examples", Answer::Example),
        ("answers composed of property examples", Answer::Composed),
        ("answers of placeholders (no example in the schema)", Answer::Placeholder),
        ("empty answers", Answer::Empty),
        ("binary answers of placeholder bytes", Answer::Bytes),
    ] {
        let cases: Vec<&Cassette> = cassettes.iter().filter(|c| c.answer == answer).collect();
        if cases.is_empty() {
            continue;
        }
        let success = cases.iter().filter(|c| (200..300).contains(&c.status)).count();
        let green = cases.iter().filter(|c| failed(c).is_none()).count();
        out.push_str(&format!(
            "{label}: {} cases ({success} success, {} error), {green} replay green, {} known_failure\n",
            cases.len(),
            cases.len() - success,
            cases.len() - green
        ));
    }
    let sent_as_written = |c: &Cassette| failed(c).is_none_or(|r| !r.problems.iter().any(|p| p.starts_with("exchange ") || p.starts_with("call:")));
    for (label, from) in [("request examples", Body::Example), ("composed request bodies", Body::Composed)] {
        let cases: Vec<&Cassette> = cassettes.iter().filter(|c| c.body == from).collect();
        if !cases.is_empty() {
            let as_written = cases.iter().filter(|c| sent_as_written(c)).count();
            out.push_str(&format!("{label}: {} cases send one, {as_written} sent as written (the request matches)\n", cases.len()));
        }
    }
    let mut operations: Vec<&str> = cassettes.iter().map(|c| c.operation.as_str()).collect();
    operations.dedup();
    out.push_str(&format!("operations with a case: {}\n", operations.len()));
    let mut kinds: BTreeMap<String, usize> = BTreeMap::new();
    for (_, r) in failures {
        let mut seen: Vec<String> = r.problems.iter().map(|p| kind_of(p)).collect();
        seen.sort();
        seen.dedup();
        for k in seen {
            *kinds.entry(k).or_default() += 1;
        }
    }
    if !kinds.is_empty() {
        let mut ranked: Vec<(String, usize)> = kinds.into_iter().collect();
        ranked.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        out.push_str("known failures by kind of problem (a case counts once per kind):\n");
        for (kind, n) in ranked {
            out.push_str(&format!("  {n:>5} {kind}\n"));
        }
    }
    out
}

fn write_if_changed(path: &Path, text: &str) -> Result<()> {
    if std::fs::read_to_string(path).is_ok_and(|old| old == text) {
        return Ok(());
    }
    std::fs::write(path, text).with_context(|| format!("writing {}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_kept_keys_of_open_objects_become_expected_drift() {
        let kept = |p: &str| format!("drift: the recorded body has {p} = \"x = y\", which the model keeps but does not declare (add it to the spec, or list it under expected_drift)");
        let held = "drift: the recorded body has /c = 1, which the model does not hold (add it to the spec, or list it under expected_drift)".to_owned();
        assert_eq!(kept_drift(&[kept("/a/0/b"), kept("/d")]), Some(vec!["/a/0/b".to_owned(), "/d".to_owned()]));
        assert_eq!(kept_drift(&[kept("/a"), held.clone()]), None, "a key a closed model drops is a failure");
        assert_eq!(kept_drift(&["lossless: the typed value adds /x = null".to_owned()]), None);
        assert_eq!(kept_drift(&[]), None);
        let marked = marks("version: 1\nexpected_drift: [/a, /b]\nknown_failure: why\n");
        assert_eq!((marked.known_failure.as_deref(), marked.expected_drift.len()), (Some("why"), 2));
    }

    #[test]
    fn plans_refuse_foreign_files_and_find_stale_ones() {
        let ours = format!("{MARK} from x.yaml\nversion: 1\n");
        let existing = vec![
            ("example_a.yaml".to_owned(), ours.clone()),
            ("example_b.yaml".to_owned(), ours.clone()),
            ("example_c.yaml".to_owned(), "version: 1\n".to_owned()),
            ("example_d.yaml".to_owned(), "version: 1\n".to_owned()),
            ("recorded.yaml".to_owned(), "version: 1\n".to_owned()),
        ];
        let plan = plan(&["example_a".into(), "example_c".into()], &existing);
        assert_eq!(plan, Plan { stale: vec!["example_b.yaml".into()], refused: vec!["example_c.yaml".into()] });
    }

    #[test]
    fn runs_are_read_with_their_problems() {
        let out = "conformance: root /x\nPASS  p/example_a (3 ms)\nFAIL  p/example_b (4 ms)\n      - drift: the recorded body has /x = 1, which ...\n      - snapshot: the typed result differs from f\n        - a\n        + b\nXFAIL p/example_c (1 ms): known failure: r\nERROR p/bad.yaml:1:1: broken\n\nprovider cases\n3 passed, 1 failed\n";
        let (cases, errors) = parse_run(out);
        assert_eq!(cases.len(), 3);
        assert_eq!(cases[1].id, "p/example_b");
        assert_eq!(cases[1].problems, ["drift: the recorded body has /x = 1, which ...", "snapshot: the typed result differs from f\n- a\n+ b"]);
        assert_eq!(cases[2].verdict, "XFAIL");
        assert_eq!(errors, ["p/bad.yaml:1:1: broken"]);
    }

    #[test]
    fn example_cases_are_no_evidence_of_what_a_provider_sends() {
        let root = std::env::temp_dir().join(format!("linkspec-examples-evidence-{}", std::process::id()));
        let dir = root.join("conformance/cassettes/p");
        std::fs::create_dir_all(&dir).unwrap();
        let case = |operation: &str| format!("version: 1\noperation: {operation}\nexchanges:\n  - request: {{ method: GET, path: / }}\n    response: {{ status: 200, body: '{{}}' }}\n");
        std::fs::write(dir.join("recorded.yaml"), case("a")).unwrap();
        std::fs::write(dir.join("example_b.yaml"), format!("{MARK} from d.yaml\n{}", case("b"))).unwrap();
        let answers = crate::recorded_answers(&root).unwrap();
        let _ = std::fs::remove_dir_all(&root);
        let operations: Vec<&str> = answers["p"].iter().map(|(op, _, _)| op.as_str()).collect();
        assert_eq!(operations, ["a"]);
    }

    #[test]
    fn reasons_and_kinds() {
        let problems: Vec<String> = ["drift: a", "drift: b", "lossless: at /c ...", "outcome: expected success"].map(String::from).to_vec();
        assert_eq!(reason(&problems), "drift: a; drift: b; lossless: at /c ...; and 1 more");
        assert_eq!(kind_of("exchange 1 (POST /x): body at /a: expected 1, got 2"), "request body");
        assert_eq!(kind_of("exchange 1 (GET /x): query key `limit`: not expected"), "request query key");
        assert_eq!(kind_of("drift: the recorded body has /x = 1"), "drift");
        assert_eq!(kind_of("call: the arguments do not decode"), "call");
    }
}
