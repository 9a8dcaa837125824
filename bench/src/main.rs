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
mod server;
mod stats;

use anyhow::{Context, Result, bail};
use stats::Samples;
use std::fmt::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Instant;

const USAGE: &str = "usage: cargo xtask bench [--quick] [--only compile,generate,decode,calls]
  [--sizes 200,1000] [--rounds 3]         compile rows: operations, timed rebuilds of each crate
  [--gen-sizes 1000,5000] [--gen-rounds 5] generate rows: operations, runs of each generator
  [--callgrind 1000|1000,5000|none]       sizes whose instructions callgrind counts (slow)
  [--decode-mb 10] [--decode-rounds 11]   decode row: answer size, rounds
  [--calls 2000] [--call-rounds 7]        loopback row: calls per sample, rounds
--quick: small sizes and few rounds (a smoke run of every row, figures not worth comparing).";

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
        only: vec!["compile".into(), "generate".into(), "decode".into(), "calls".into()],
        sizes: if quick { vec![20, 50] } else { vec![200, 1000] },
        rounds: if quick { 1 } else { 3 },
        gen_sizes: if quick { vec![100, 500] } else { vec![1000, 5000] },
        gen_rounds: if quick { 2 } else { 5 },
        callgrind: if quick { vec![100] } else { vec![1000] },
        decode_mb: if quick { 1.0 } else { 10.0 },
        decode_rounds: if quick { 3 } else { 11 },
        calls: if quick { 200 } else { 2000 },
        call_rounds: if quick { 2 } else { 7 },
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
            _ => bail!("unknown flag {flag}\n{USAGE}"),
        }
    }
    for part in &o.only {
        if !["compile", "generate", "decode", "calls"].contains(&part.as_str()) {
            bail!("--only: no part `{part}` (compile, generate, decode, calls)");
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
