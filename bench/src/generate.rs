//! Generating the synthetic API with linkspec and with progenitor: in-process functions, and
//! child processes that run one generation each, so that each gets its own peak memory (max RSS
//! from `wait4`) and its own instruction count (callgrind).

use crate::stats::Samples;
use anyhow::{Context, Result, bail};
use linkspec_codegen::{Config, GeneratedFile, SpecSource};
use std::io::Read as _;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Instant;

/// The two generators compared.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tool {
    Linkspec,
    Progenitor,
}

impl Tool {
    pub const BOTH: [Tool; 2] = [Tool::Linkspec, Tool::Progenitor];

    pub fn name(self) -> &'static str {
        match self {
            Tool::Linkspec => "linkspec",
            Tool::Progenitor => "progenitor",
        }
    }

    pub fn parse(name: &str) -> Result<Tool> {
        match name {
            "linkspec" => Ok(Tool::Linkspec),
            "progenitor" => Ok(Tool::Progenitor),
            _ => bail!("no generator `{name}`"),
        }
    }
}

/// linkspec's input for `n` operations: the synthetic spec.
pub fn linkspec_input(n: usize) -> SpecSource {
    SpecSource { name: format!("synthetic/{n}.yaml"), text: xtask::synthetic::describe(n).to_spec() }
}

/// progenitor's input for `n` operations: the equivalent OpenAPI document, as JSON text.
pub fn progenitor_input(n: usize) -> String {
    xtask::synthetic::describe(n).to_openapi_json()
}

/// linkspec's whole generator (parse, lower, emit, render) on `spec`, as `xtask generate` calls
/// it, into a crate at `out_dir`. Any diagnostic, warnings included, is a failure.
pub fn linkspec_generate(spec: &SpecSource, out_dir: &str, package: &str) -> Result<Vec<GeneratedFile>> {
    let config = Config { out_dir: out_dir.into(), package: package.into(), specs: spec.name.clone() };
    match linkspec_codegen::generate(std::slice::from_ref(spec), &config) {
        Ok(out) if out.warnings.0.is_empty() => Ok(out.files),
        Ok(out) => bail!("linkspec warns on the synthetic spec:\n{}", first_lines(&out.warnings.render(|_| Some(spec.text.as_str())))),
        Err(d) => bail!("linkspec fails on the synthetic spec of {}:\n{}", spec.name, first_lines(&d.render(|_| Some(spec.text.as_str())))),
    }
}

pub fn first_lines(text: &str) -> String {
    text.lines().take(12).collect::<Vec<_>>().join("\n")
}

/// progenitor's generator on the OpenAPI document (JSON text), as its README describes:
/// `Generator::default().generate_tokens`, then `syn::parse2` and `prettyplease::unparse`.
pub fn progenitor_generate(json: &str) -> Result<String> {
    let spec: openapiv3::OpenAPI = serde_json::from_str(json).context("progenitor's openapiv3 does not read the synthetic document")?;
    progenitor_render(&spec).map_err(|e| anyhow::anyhow!("progenitor fails on the synthetic document: {e}"))
}

/// progenitor's generator on a parsed document: `generate_tokens`, `syn::parse2`,
/// `prettyplease::unparse`. A failure of the generator is its own `progenitor::Error` (for
/// `downcast_ref`), shown as progenitor displays it.
pub fn progenitor_render(spec: &openapiv3::OpenAPI) -> Result<String> {
    let mut generator = progenitor::Generator::default();
    let tokens = generator.generate_tokens(spec)?;
    let file: syn::File = syn::parse2(tokens).context("progenitor's output does not parse")?;
    Ok(prettyplease::unparse(&file))
}

/// The region measured in a child: input text to formatted source text. Its name is what
/// callgrind's `--toggle-collect` looks for, so only this is counted.
#[inline(never)]
fn bench_measured_generation(tool: Tool, linkspec: &SpecSource, openapi: &str) -> Result<(usize, usize)> {
    match tool {
        Tool::Linkspec => {
            let files = linkspec_generate(linkspec, "generated", "synthetic")?;
            Ok((files.len(), files.iter().map(|f| f.contents.len()).sum()))
        }
        Tool::Progenitor => {
            let text = progenitor_generate(openapi)?;
            Ok((1, text.len()))
        }
    }
}

/// The child's side: `__generate TOOL N`. Builds the input (not measured), generates once and
/// prints `nanoseconds files bytes`.
pub fn child(args: &[String]) -> Result<()> {
    let [tool, n] = args else { bail!("usage: __generate linkspec|progenitor N") };
    let tool = Tool::parse(tool)?;
    let n: usize = n.parse().context("N")?;
    let (spec, openapi) = match tool {
        Tool::Linkspec => (linkspec_input(n), String::new()),
        Tool::Progenitor => (SpecSource { name: String::new(), text: String::new() }, progenitor_input(n)),
    };
    let start = Instant::now();
    let (files, bytes) = bench_measured_generation(tool, &spec, &openapi)?;
    let ns = start.elapsed().as_nanos();
    println!("{ns} {files} {bytes} {}", peak_resident());
    Ok(())
}

/// This process's peak resident set (`VmHWM`), in bytes. Not `ru_maxrss`: on Linux, exec
/// carries the spawning process's high-water mark into the new program's `ru_maxrss` (std
/// spawns with vfork, sharing the parent's memory until exec), so `wait4` reports at least the
/// parent's peak, which here includes its own in-process generations.
pub fn peak_resident() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| s.lines().find_map(|l| l.strip_prefix("VmHWM:").map(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())))
        .flatten()
        .map_or(0, |kib| kib * 1024)
}

/// One child's result.
#[derive(Debug, Clone, Copy)]
pub struct Run {
    pub seconds: f64,
    /// Peak resident memory of the child (its `VmHWM`), bytes.
    pub max_rss: u64,
    /// What `wait4` said (see [`peak_resident`] for why it is not the figure).
    pub wait4_rss: u64,
    pub bytes: usize,
}

/// Runs `cmd`, returning its standard output, and its max RSS from `wait4`.
pub fn run_measured(mut cmd: Command, what: &str) -> Result<(String, u64)> {
    let mut child = cmd.stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().with_context(|| format!("starting {what}"))?;
    let mut out = String::new();
    let mut err = String::new();
    let mut stderr = child.stderr.take().expect("piped");
    let reader = std::thread::spawn(move || {
        let mut e = String::new();
        let _ = stderr.read_to_string(&mut e);
        e
    });
    child.stdout.take().expect("piped").read_to_string(&mut out)?;
    err.push_str(&reader.join().unwrap_or_default());
    let pid = child.id() as libc::pid_t;
    let mut status: libc::c_int = 0;
    // SAFETY: an all-zero rusage is valid; wait4 fills it for the child we started and have not
    // reaped (std's `Child` is never waited on after this).
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let got = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    if got != pid {
        bail!("wait4 on {what}: {}", std::io::Error::last_os_error());
    }
    if !(libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0) {
        bail!("{what} failed (status {status}):\n{}", err.trim_end());
    }
    // Linux reports ru_maxrss in KiB.
    Ok((out, usage.ru_maxrss as u64 * 1024))
}

/// One generation of `n` operations by `tool`, in a child process.
pub fn run_child(exe: &Path, tool: Tool, n: usize) -> Result<Run> {
    let mut cmd = Command::new(exe);
    cmd.args(["__generate", tool.name(), &n.to_string()]);
    let (out, wait4_rss) = run_measured(cmd, &format!("{} generating {n} operations", tool.name()))?;
    let fields: Vec<&str> = out.split_whitespace().collect();
    let [ns, _files, bytes, hwm] = fields[..] else { bail!("unexpected child output: {out}") };
    let max_rss: u64 = hwm.parse()?;
    if max_rss == 0 {
        bail!("the child could not read its peak memory (/proc/self/status VmHWM)");
    }
    Ok(Run { seconds: ns.parse::<f64>()? / 1e9, max_rss, wait4_rss, bytes: bytes.parse()? })
}

/// Instructions of one generation (the measured region only), counted by callgrind.
pub fn instructions(exe: &Path, tool: Tool, n: usize, scratch: &Path) -> Result<u64> {
    let out_file = scratch.join(format!("callgrind.{}.{n}.out", tool.name()));
    let status = Command::new("valgrind")
        .args(["--tool=callgrind", "--toggle-collect=*bench_measured_generation*"])
        .arg(format!("--callgrind-out-file={}", out_file.display()))
        .arg(exe)
        .args(["__generate", tool.name(), &n.to_string()])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .output()
        .context("running valgrind")?;
    if !status.status.success() {
        bail!("callgrind on {} ({n} operations) failed:\n{}", tool.name(), String::from_utf8_lossy(&status.stderr));
    }
    let text = std::fs::read_to_string(&out_file).with_context(|| format!("reading {}", out_file.display()))?;
    let total = text
        .lines()
        .find_map(|l| l.strip_prefix("totals:").or_else(|| l.strip_prefix("summary:")))
        .and_then(|t| t.split_whitespace().next())
        .and_then(|t| t.parse::<u64>().ok())
        .context("no totals in callgrind's output")?;
    if total == 0 {
        bail!("callgrind counted nothing in the measured region (was the function renamed or inlined?)");
    }
    let _ = std::fs::remove_file(&out_file);
    Ok(total)
}

/// Whether valgrind is installed.
pub fn have_valgrind() -> bool {
    Command::new("valgrind").arg("--version").stdout(Stdio::null()).stderr(Stdio::null()).status().is_ok_and(|s| s.success())
}

/// The generation figures of one size: per tool, seconds and max RSS samples, paired.
#[derive(Debug, Default, Clone)]
pub struct SizeResult {
    pub n: usize,
    pub seconds: [Samples; 2],
    pub rss: [Samples; 2],
    /// Ratio linkspec / progenitor of each round's times.
    pub time_ratio: Samples,
    pub instructions: Option<[u64; 2]>,
    /// linkspec's failure, when it did not generate (progenitor's is fatal).
    pub linkspec_failed: Option<String>,
}

/// Generation at each size, `rounds` interleaved rounds (the order of the two tools alternates).
pub fn measure(exe: &Path, sizes: &[usize], rounds: usize, callgrind: &[usize], scratch: &Path) -> Result<Vec<SizeResult>> {
    let mut results: Vec<SizeResult> = sizes.iter().map(|&n| SizeResult { n, ..SizeResult::default() }).collect();
    // linkspec may fail at a size (it did at 5,000 operations): the row then says so.
    for r in &mut results {
        if let Err(e) = run_child(exe, Tool::Linkspec, r.n) {
            eprintln!("  linkspec cannot generate {} operations: {e:#}", r.n);
            r.linkspec_failed = Some(format!("{e:#}").lines().find(|l| l.contains("error")).unwrap_or("fails").trim().to_owned());
        }
        run_child(exe, Tool::Progenitor, r.n)?; // warm-up, and the loud failure
    }
    for round in 0..rounds {
        for r in &mut results {
            let mut order = Tool::BOTH;
            if round % 2 == 1 {
                order.reverse();
            }
            let mut this = [None, None];
            for tool in order {
                if tool == Tool::Linkspec && r.linkspec_failed.is_some() {
                    continue;
                }
                let run = run_child(exe, tool, r.n)?;
                let i = tool as usize;
                r.seconds[i].push(run.seconds);
                r.rss[i].push(run.max_rss as f64);
                this[i] = Some(run.seconds);
                eprintln!(
                    "  generate round {}/{rounds}: {:>10} {:>5} operations in {:>7.3} s, peak RSS {:>6.0} MiB (wait4 {:.0}), {} KiB out",
                    round + 1,
                    tool.name(),
                    r.n,
                    run.seconds,
                    run.max_rss as f64 / 1048576.0,
                    run.wait4_rss as f64 / 1048576.0,
                    run.bytes / 1024
                );
            }
            if let [Some(a), Some(b)] = this {
                r.time_ratio.push(a / b);
            }
        }
    }
    for r in &mut results {
        if callgrind.contains(&r.n) {
            let mut counts = [0, 0];
            for tool in Tool::BOTH {
                if tool == Tool::Linkspec && r.linkspec_failed.is_some() {
                    continue;
                }
                eprintln!("  callgrind: {} generating {} operations (slow: about 50x)", tool.name(), r.n);
                counts[tool as usize] = instructions(exe, tool, r.n, scratch)?;
            }
            r.instructions = Some(counts);
        }
    }
    Ok(results)
}
