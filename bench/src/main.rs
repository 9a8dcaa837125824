//! `cargo xtask bench`: linkspec measured side by side with progenitor 0.15.1 (compile time of
//! the generated crate, lines, generation time, instructions and peak memory), hand-written serde
//! structs and `serde_json::Value` (decoding a 10 MB answer), and a raw reqwest call (loopback
//! calls per second). Every comparison is interleaved and repeated; the table gives medians,
//! spreads and the median of the per-round ratios. It measures and prints; it asserts nothing
//! about timings.
//!
//! Run through `cargo xtask bench [flags]` (which builds this crate, release, and passes
//! `--root`); `--help` lists the flags.

mod calls;
mod compile;
mod decode;
mod generate;
mod import;
mod server;
mod stats;

use anyhow::{Context, Result, bail};
use stats::Samples;
use std::fmt::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Instant;

const USAGE: &str = "usage: cargo xtask bench [--quick] [--only compile,generate,decode,calls,import]
  [--sizes 200,1000] [--rounds 3]         compile rows: operations, timed rebuilds of each crate
  [--gen-sizes 1000,5000] [--gen-rounds 5] generate rows: operations, runs of each generator
  [--callgrind 1000|1000,5000|none]       sizes whose instructions callgrind counts (slow)
  [--decode-mb 10] [--decode-rounds 11]   decode row: answer size, rounds
  [--calls 2000] [--call-rounds 7]        loopback row: calls per sample, rounds
  [--openapi-dir DIR] [--import-rounds 5] import rows: the vendors' OpenAPI documents (default
                                          <root>/../shared/openapi), timed runs of each tool;
                                          their compile rounds are --rounds
--quick: small sizes and few rounds (a smoke run of every row, figures not worth comparing).";

/// The parts `--only` chooses from; all run by default.
const PARTS: [&str; 5] = ["compile", "generate", "decode", "calls", "import"];

#[derive(Debug, Clone)]
struct Options {
    root: PathBuf,
    quick: bool,
    only: Vec<String>,
    sizes: Vec<usize>,
    rounds: usize,
    gen_sizes: Vec<usize>,
    gen_rounds: usize,
    callgrind: Vec<usize>,
    decode_mb: f64,
    decode_rounds: usize,
    calls: usize,
    call_rounds: usize,
    openapi_dir: Option<PathBuf>,
    import_rounds: usize,
}

fn list(v: &str) -> Result<Vec<usize>> {
    if v == "none" {
        return Ok(Vec::new());
    }
    v.split(',').map(|s| s.trim().replace('_', "").parse::<usize>().with_context(|| format!("`{s}` is not a count"))).collect()
}

fn count(v: &str) -> Result<usize> {
    match v.parse::<usize>() {
        Ok(n) if n > 0 => Ok(n),
        _ => bail!("`{v}`: a whole number above 0"),
    }
}

fn options(args: &[String]) -> Result<Options> {
    let quick = args.iter().any(|a| a == "--quick");
    let mut o = Options {
        root: PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/..")),
        quick,
        only: PARTS.iter().map(|p| (*p).to_owned()).collect(),
        sizes: if quick { vec![20, 50] } else { vec![200, 1000] },
        rounds: if quick { 1 } else { 3 },
        gen_sizes: if quick { vec![100, 500] } else { vec![1000, 5000] },
        gen_rounds: if quick { 2 } else { 5 },
        callgrind: if quick { vec![100] } else { vec![1000] },
        decode_mb: if quick { 1.0 } else { 10.0 },
        decode_rounds: if quick { 3 } else { 11 },
        calls: if quick { 200 } else { 2000 },
        call_rounds: if quick { 2 } else { 7 },
        openapi_dir: None,
        import_rounds: if quick { 2 } else { 5 },
    };
    let mut it = args.iter();
    while let Some(flag) = it.next() {
        if flag == "--quick" {
            continue;
        }
        if flag == "--help" || flag == "-h" {
            println!("{USAGE}");
            std::process::exit(0);
        }
        let Some(value) = it.next() else { bail!("{flag} takes a value\n{USAGE}") };
        match flag.as_str() {
            "--root" => o.root = PathBuf::from(value),
            "--only" => o.only = value.split(',').map(str::to_owned).collect(),
            "--sizes" => o.sizes = list(value)?,
            "--rounds" => o.rounds = count(value)?,
            "--gen-sizes" => o.gen_sizes = list(value)?,
            "--gen-rounds" => o.gen_rounds = count(value)?,
            "--callgrind" => o.callgrind = list(value)?,
            "--decode-mb" => o.decode_mb = value.parse().ok().filter(|v: &f64| *v > 0.0).context("--decode-mb: a size in MB above 0")?,
            "--decode-rounds" => o.decode_rounds = count(value)?,
            "--calls" => o.calls = count(value)?,
            "--call-rounds" => o.call_rounds = count(value)?,
            "--openapi-dir" => o.openapi_dir = Some(PathBuf::from(value)),
            "--import-rounds" => o.import_rounds = count(value)?,
            _ => bail!("unknown flag {flag}\n{USAGE}"),
        }
    }
    for part in &o.only {
        if !PARTS.contains(&part.as_str()) {
            bail!("--only: no part `{part}` ({})", PARTS.join(", "));
        }
    }
    if o.sizes.is_empty() || o.gen_sizes.is_empty() || o.sizes.contains(&0) || o.gen_sizes.contains(&0) {
        bail!("--sizes and --gen-sizes take at least one count above 0");
    }
    Ok(o)
}

/// `1234567` as `1,234,567`.
fn thousands(n: f64) -> String {
    let s = format!("{:.0}", n);
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn ops(n: usize) -> String {
    thousands(n as f64)
}

fn mib(bytes: f64) -> String {
    format!("{:.0} MiB", bytes / 1048576.0)
}

fn pm(s: &Samples) -> String {
    format!("±{:.0}%", s.spread() / 2.0)
}

/// Figures of every part run, and the table's rows.
#[derive(Default)]
struct Report {
    rows: Vec<[String; 4]>,
    notes: Vec<String>,
    failed: Vec<String>,
}

fn git(root: &std::path::Path, args: &[&str]) -> String {
    std::process::Command::new("git")
        .args(args)
        .current_dir(root)
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
        .unwrap_or_default()
}

fn run(o: &Options) -> Result<ExitCode> {
    let started = Instant::now();
    let exe = std::env::current_exe().context("finding this binary")?;
    let root = o.root.canonicalize().with_context(|| format!("the root {}", o.root.display()))?;
    let scratch = root.join("bench/target/scratch");
    std::fs::create_dir_all(&scratch)?;
    let machine = stats::machine();
    let head = git(&root, &["rev-parse", "--short", "HEAD"]);
    let dirty = if git(&root, &["status", "--porcelain", "--untracked-files=no"]).is_empty() { "" } else { " with local changes" };
    eprintln!("linkspec bench: {} at {head}{dirty}\nmachine: {machine}", root.display());
    if o.quick {
        eprintln!("--quick: a smoke run; the figures are not worth comparing");
    }
    let mut rep = Report::default();
    let want = |part: &str| o.only.iter().any(|p| p == part);

    if want("compile") {
        eprintln!("\n== compile the generated crates (debug), sizes {:?}, {} rounds", o.sizes, o.rounds);
        let res = compile::measure(&root, &scratch, &o.sizes, o.rounds)?;
        let sizes = res.iter().map(|r| ops(r.n)).collect::<Vec<_>>().join(" / ");
        let per_op = |i: usize| {
            res.iter()
                .map(|r| {
                    let s = Samples(r.seconds[i].0.iter().map(|t| t / r.n as f64).collect());
                    format!("{:.3} s ({})", s.median(), pm(&s))
                })
                .collect::<Vec<_>>()
                .join(" / ")
        };
        let ratio = res.iter().map(|r| format!("{:.2}x ({})", r.ratio.median(), pm(&r.ratio))).collect::<Vec<_>>().join(" / ");
        rep.rows.push([
            format!("compile the generated crate, debug, per operation (synthetic {sizes} ops; {} rounds)", o.rounds),
            per_op(0),
            format!("progenitor {}", per_op(1)),
            format!("{ratio} progenitor's time"),
        ]);
        let last = res.last().expect("a size");
        rep.rows.push([
            format!("lines generated per operation ({} ops; src/*.rs, prettyplease-formatted)", ops(last.n)),
            format!("{:.0}", last.lines[0] as f64 / last.n as f64),
            format!("progenitor {:.0}", last.lines[1] as f64 / last.n as f64),
            format!("{:.2}x", last.lines[0] as f64 / last.lines[1] as f64),
        ]);
        rep.notes.push(
            "compile: wall time of `cargo build -p <crate>` after touching the crate's lib.rs, dependencies built beforehand; \
             each timed build is checked to compile that crate alone. Profile: the workspace's [profile.dev]."
                .into(),
        );
    }

    if want("generate") {
        let have_valgrind = generate::have_valgrind();
        let callgrind: Vec<usize> = if have_valgrind { o.callgrind.iter().copied().filter(|n| o.gen_sizes.contains(n)).collect() } else { Vec::new() };
        eprintln!("\n== generate, sizes {:?}, {} rounds; callgrind at {callgrind:?}", o.gen_sizes, o.gen_rounds);
        let res = generate::measure(&exe, &o.gen_sizes, o.gen_rounds, &callgrind, &scratch)?;
        for r in &res {
            let instr = |i: usize| r.instructions.map(|c| format!(", {:.2} G instructions", c[i] as f64 / 1e9)).unwrap_or_default();
            let progenitor = format!("progenitor {:.2} s ({}){}, {}", r.seconds[1].median(), pm(&r.seconds[1]), instr(1), mib(r.rss[1].median()));
            let (ours, ratio) = match &r.linkspec_failed {
                Some(why) => {
                    rep.failed.push(format!("linkspec does not generate {} operations", r.n));
                    (format!("fails: {why}"), "-".to_owned())
                }
                None => {
                    let mut ratio = format!("{:.2}x progenitor's time ({})", r.time_ratio.median(), pm(&r.time_ratio));
                    if let Some(c) = r.instructions {
                        let _ = write!(ratio, ", {:.2}x instructions", c[0] as f64 / c[1] as f64);
                    }
                    let _ = write!(ratio, ", {:.2}x memory", r.rss[0].median() / r.rss[1].median());
                    (format!("{:.2} s ({}){}, {}", r.seconds[0].median(), pm(&r.seconds[0]), instr(0), mib(r.rss[0].median())), ratio)
                }
            };
            rep.rows.push([format!("generate {} operations (wall, instructions, peak RSS)", ops(r.n)), ours, progenitor, ratio]);
        }
        if let [small, .., large] = &res[..] {
            let lin = |r: &generate::SizeResult, i: usize| r.seconds[i].median() / r.n as f64;
            let linkspec = if small.linkspec_failed.is_none() && large.linkspec_failed.is_none() {
                format!("{:.2}", lin(large, 0) / lin(small, 0))
            } else {
                "-".into()
            };
            rep.rows.push([
                format!("linearity: time per operation at {} / at {} ops (1.0 is linear)", ops(large.n), ops(small.n)),
                linkspec,
                format!("progenitor {:.2}", lin(large, 1) / lin(small, 1)),
                "-".into(),
            ]);
        }
        rep.notes.push(
            "generate: each run is a child process; wall time is the generation alone (input text to formatted Rust: linkspec \
             parses the YAML spec, lowers, emits and renders; progenitor reads the OpenAPI JSON with openapiv3, generate_tokens, \
             syn::parse2, prettyplease::unparse); peak memory is the child's own peak resident set (VmHWM; wait4's ru_maxrss \
             is not used, as exec carries the parent's peak into it)."
                .into(),
        );
        rep.notes.push(if have_valgrind {
            "instructions: valgrind --tool=callgrind, counted inside the generation only (--toggle-collect); perf stat's \
             instructions counter is not supported on this machine (a VM without a PMU)."
                .into()
        } else {
            "instructions: not counted (valgrind is not installed; perf's counter is not supported here).".into()
        });
    }

    if want("decode") || want("calls") {
        let bytes = (o.decode_mb * 1e6) as usize;
        let (mut routes, mk, pl) = decode::routes(if want("decode") { bytes } else { 1 });
        routes.extend(calls::routes().into_iter().map(|(k, v)| (format!("/small{k}"), v)));
        let base = server::start(routes)?;
        let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build()?;
        if want("decode") {
            eprintln!("\n== decode: {:.1} MB answers, {} rounds, server {base}", o.decode_mb, o.decode_rounds);
            let clients = decode::Clients::new(&base, bytes.max(1 << 20) * 2)?;
            let res = rt.block_on(decode::measure(&clients, [(decode::Shape::MoneyKit, mk), (decode::Shape::Plaid, pl)], o.decode_rounds))?;
            for r in &res {
                for (v, name) in decode::VARIANTS.iter().enumerate() {
                    eprintln!("  {:<15} {name:<40} {}", r.shape.name(), r.mbps[v].show(|x| format!("{x:.0} MB/s")));
                }
            }
            let both = |v: usize| res.iter().map(|r| format!("{:.0}", r.mbps[v].median())).collect::<Vec<_>>().join(" / ");
            let spreads = |v: usize| res.iter().map(|r| pm(&r.mbps[v])).collect::<Vec<_>>().join(" / ");
            let ratio = |a: usize, b: usize| res.iter().map(|r| format!("{:.2}x", r.ratio(a, b).median())).collect::<Vec<_>>().join(" / ");
            rep.rows.push([
                format!("decode a {:.0} MB answer through the client's path (MoneyKit links / Plaid items; HTTP included)", o.decode_mb),
                format!("{} MB/s ({})", both(0), spreads(0)),
                format!("raw reqwest + hand-written structs {} MB/s; + serde_json::Value {} MB/s", both(1), both(2)),
                format!("{} hand-written; {} Value", ratio(0, 1), ratio(0, 2)),
            ]);
            rep.rows.push([
                "decode the same answers in memory (serde_json::from_slice, no HTTP)".into(),
                format!("generated types {} MB/s ({})", both(4), spreads(4)),
                format!("hand-written structs {} MB/s; serde_json::Value {} MB/s", both(5), both(6)),
                format!("{} hand-written; {} Value", ratio(4, 5), ratio(4, 6)),
            ]);
            rep.notes.push(format!(
                "decode: the client's path is a real typed call against the loopback server (Transport::send: request, body read, \
                 decode; the runtime's decode function is private); the raw reqwest calls send the same request. Reading the bytes \
                 alone over loopback runs at {} MB/s, the HTTP floor under all three. MB = 10^6 bytes; answers of {} / {} bytes.",
                both(3),
                res[0].bytes,
                res[1].bytes
            ));
        }
        if want("calls") {
            eprintln!("\n== loopback calls: {} calls per sample, {} rounds", o.calls, o.call_rounds);
            let clients = Arc::new(decode::Clients::new(&format!("{base}/small"), 1 << 20)?);
            let res = rt.block_on(calls::measure(clients, o.calls, o.call_rounds))?;
            let cells = |i: usize| res.iter().map(|r| thousands(r.per_second[i].median())).collect::<Vec<_>>().join(" / ");
            let spreads = |i: usize| res.iter().map(|r| pm(&r.per_second[i])).collect::<Vec<_>>().join(" / ");
            let ratio = res.iter().map(|r| format!("{:.2}x ({})", r.ratio.median(), pm(&r.ratio))).collect::<Vec<_>>().join(" / ");
            rep.rows.push([
                "loopback calls, sequential / 32 concurrent (MoneyKit get_user_links, one link)".into(),
                format!("{} calls/s ({})", cells(0), spreads(0)),
                format!("raw reqwest {} calls/s ({})", cells(1), spreads(1)),
                ratio,
            ]);
            rep.notes.push(
                "calls: one client of each kind, built once and reused; the raw call sends the same method, path and headers and \
                 parses the answer into the same generated type; tokio with 2 worker threads, the server on threads of its own."
                    .into(),
            );
        }
    }

    if want("import") {
        import_rows(o, &root, &exe, &scratch, &mut rep)?;
    }

    let took = started.elapsed().as_secs_f64();
    let mut out = String::new();
    let _ = writeln!(out, "machine: {machine}; load at the end {}", stats::load());
    let _ = writeln!(out, "linkspec {head}{dirty}; progenitor 0.15.1; run took {:.0} min{}", took / 60.0, if o.quick { " (--quick)" } else { "" });
    let _ = writeln!(out, "medians; ± is half the range (max - min) over the median; ratios are medians of per-round ratios (interleaved runs)\n");
    let _ = writeln!(out, "| what | linkspec | reference | ratio |\n|---|---|---|---|");
    for row in &rep.rows {
        let _ = writeln!(out, "| {} |", row.join(" | "));
    }
    out.push('\n');
    for note in &rep.notes {
        let _ = writeln!(out, "- {note}");
    }
    println!("\n{out}");
    let latest = root.join("bench/target/bench-latest.md");
    std::fs::write(&latest, &out).with_context(|| format!("writing {}", latest.display()))?;
    eprintln!("(also written to {})", latest.display());
    if !rep.failed.is_empty() {
        eprintln!("error: {}", rep.failed.join("; "));
        return Ok(ExitCode::FAILURE);
    }
    Ok(ExitCode::SUCCESS)
}

// The allocator xtask generates with (see the README's note on mimalloc); both generators run
// on it, so the generation rows compare generators, not allocators.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = if args.first().map(String::as_str) == Some("__generate") {
        generate::child(&args[1..]).map(|()| ExitCode::SUCCESS)
    } else if args.first().map(String::as_str) == Some("__import") {
        import::child(&args[1..]).map(|()| ExitCode::SUCCESS)
    } else if args.first().map(String::as_str) == Some("__decode") {
        decode::profile(&args[1..]).map(|()| ExitCode::SUCCESS)
    } else {
        options(&args).and_then(|o| run(&o))
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

/// The first line of `text` that reports an error (cargo's `error[E0...]`, a tool's `error:`),
/// else its first line.
fn first_error(text: &str) -> String {
    text.lines().find(|l| l.trim_start().starts_with("error")).or_else(|| text.lines().next()).unwrap_or("").trim().to_owned()
}

/// The import rows: each vendor document found in the documents' directory, and a row saying
/// plainly that a document was skipped when it is not there.
fn import_rows(o: &Options, root: &std::path::Path, exe: &std::path::Path, scratch: &std::path::Path, rep: &mut Report) -> Result<()> {
    let dir = o.openapi_dir.clone().unwrap_or_else(|| root.join("../shared/openapi"));
    let dir = dir.canonicalize().unwrap_or(dir);
    let mut found = Vec::new();
    for doc in import::DOCS {
        let path = dir.join(doc.file);
        if path.is_file() {
            found.push((doc, path));
        } else {
            eprintln!("\n== import: skipped {}: {} is not there (--openapi-dir)", doc.title, path.display());
            rep.rows.push([
                format!("{}: import and generate ({})", doc.title, doc.file),
                format!("skipped: {} not found (--openapi-dir DIR)", path.display()),
                "skipped".into(),
                "-".into(),
            ]);
        }
    }
    if found.is_empty() {
        rep.notes.push(format!("import: skipped, no vendor document in {} (give the directory with --openapi-dir).", dir.display()));
        return Ok(());
    }
    eprintln!("\n== import: the vendors' OpenAPI documents in {}, {} rounds; compile {} rounds", dir.display(), o.import_rounds, o.rounds);
    let res = import::measure(exe, root, scratch, &found, o.import_rounds, o.rounds)?;
    for r in &res {
        let title = r.doc.title;
        let per_op = |x: f64| x / r.operations.max(1) as f64;
        let mb = std::fs::metadata(&r.path).map_or(0.0, |m| m.len() as f64 / 1e6);
        // Wall time and memory.
        let (l, p) = (&r.linkspec, &r.progenitor);
        let linkspec = match (&l.failed, l.total.0.is_empty()) {
            (Some(why), true) => format!("fails: {why}"),
            (Some(why), false) => format!("import {:.2} s ({}), {}; {why}", l.phases[0].median(), pm(&l.phases[0]), mib(l.rss.median())),
            (None, _) => format!(
                "{:.2} s ({}): import {:.2} s + generate {:.2} s, {}",
                l.total.median(),
                pm(&l.total),
                l.phases[0].median(),
                l.phases[1].median(),
                mib(l.rss.median())
            ),
        };
        let progenitor = match &p.failed {
            Some(why) => format!("progenitor fails: {why}"),
            None => format!(
                "progenitor {:.2} s ({}): YAML read {:.2} s + generate {:.2} s, {}",
                p.total.median(),
                pm(&p.total),
                p.phases[0].median(),
                p.phases[1].median(),
                mib(p.rss.median())
            ),
        };
        let ratio = if r.time_ratio.0.is_empty() {
            "-".to_owned()
        } else {
            format!("{:.2}x progenitor's time ({}), {:.2}x memory", r.time_ratio.median(), pm(&r.time_ratio), l.rss.median() / p.rss.median())
        };
        rep.rows.push([
            format!(
                "{title} ({} operations, {} schemas, {mb:.1} MB YAML): import + generate, wall and peak RSS ({} runs)",
                ops(r.operations),
                ops(r.schemas),
                o.import_rounds
            ),
            linkspec,
            progenitor,
            ratio,
        ]);
        // Lines.
        let lines = |s: &import::Side| s.lines.map(|n| format!("{} ({:.0} per operation)", thousands(n as f64), per_op(n as f64)));
        rep.rows.push([
            format!("{title}: lines of Rust generated (src/**/*.rs, prettyplease-formatted)"),
            lines(l).unwrap_or_else(|| "-".into()),
            lines(p).map_or_else(|| "progenitor -".into(), |s| format!("progenitor {s}")),
            match (l.lines, p.lines) {
                (Some(a), Some(b)) => format!("{:.2}x", a as f64 / b as f64),
                _ => "-".into(),
            },
        ]);
        // Compile.
        let compile = |s: &import::Side| match (&s.compile_failed, s.compile.0.is_empty()) {
            (Some(log), _) => format!("does not compile: {}", first_error(log.lines().skip(1).collect::<Vec<_>>().join("\n").as_str())),
            (None, false) => {
                let each = Samples(s.compile.0.iter().map(|&t| per_op(t)).collect());
                format!("{:.3} s ({}), {:.1} s in all", each.median(), pm(&each), s.compile.median())
            }
            (None, true) => "-".into(),
        };
        rep.rows.push([
            format!("{title}: compile the generated crate, debug, per operation ({} rounds)", o.rounds),
            compile(l),
            format!("progenitor {}", compile(p)),
            if r.compile_ratio.0.is_empty() {
                "-".into()
            } else {
                format!("{:.2}x ({}) progenitor's time", r.compile_ratio.median(), pm(&r.compile_ratio))
            },
        ]);
        // What the rows leave out.
        let head = format!("{title} ({}): ", r.path.display());
        let mut note = head.clone();
        if l.failed.is_none() || r.generate_errors > 0 {
            let kinds: Vec<String> = r.findings.iter().map(|(k, n)| format!("{k} {}", thousands(*n as f64))).collect();
            let _ = write!(
                note,
                "linkspec imported {} operations and {} models and enums, with {} finding(s) ({}); ",
                r.imported_operations,
                r.imported_types,
                thousands(r.findings.values().sum::<usize>() as f64),
                kinds.join(", ")
            );
        }
        if let Some(n) = r.linkspec_operations {
            let _ = write!(note, "its crate has {n} of the document's {} operations; generate warned {} time(s); ", r.operations, r.generate_warnings);
        }
        match (&p.failed, &p.failed_debug) {
            (Some(why), Some(debug)) => {
                let _ = write!(note, "progenitor's error, as it displays it: `{why}`, and as Debug: `{debug}`; ");
            }
            (Some(why), None) => {
                let _ = write!(note, "progenitor's error: `{why}`; ");
            }
            (None, _) => {}
        }
        for (name, side) in [("linkspec", l), ("progenitor", p)] {
            if let Some(log) = &side.compile_failed {
                let _ = write!(note, "{name}'s crate does not compile: `{}`; ", first_error(log.lines().skip(1).collect::<Vec<_>>().join("\n").as_str()));
            }
        }
        if note != head {
            rep.notes.push(note.trim_end_matches("; ").to_owned() + ".");
        }
        if l.failed.is_some() {
            rep.failed.push(format!("linkspec does not generate {}", r.doc.file));
        } else if l.compile_failed.is_some() {
            rep.failed.push(format!("linkspec's crate for {} does not compile", r.doc.file));
        }
    }
    rep.notes.push(format!(
        "import: the vendors' documents in {}, read there, never copied. linkspec: its importer \
         (linkspec_codegen::import, descriptions copied as docs, as progenitor copies them), then generate_providers on the \
         provider directory it returns as it comes, not curated, as `cargo xtask generate` reads specs/<provider>/; progenitor: the YAML read into \
         openapiv3::OpenAPI with serde-saphyr, then generate_tokens, syn::parse2, prettyplease::unparse. Each timed run is a \
         child process (the file read before the clock starts); per operation is per operation of the document; the crates \
         are built as in the compile rows, in bench/target/scratch/import.",
        dir.display()
    ));
    Ok(())
}
