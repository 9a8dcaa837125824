//! `cargo xtask bench-generate`: how generation time grows with the number of operations.
//!
//! Synthesises specs of 500 and 5,000 operations in memory (each operation with path, query and
//! header parameters, a body model and a response model), runs the whole generator on each
//! (parse, lower, emit, render) several times, interleaving the sizes so that a change in machine
//! load hits both, and prints the time per operation and the ratio of the two: linear growth
//! gives a ratio near 1.0. A benchmark to read, not a timed test.

use anyhow::{Result, bail};
use linkspec_codegen::{Config, SpecSource};
use std::fmt::Write as _;
use std::process::ExitCode;
use std::time::{Duration, Instant};

/// The sizes measured, smallest first.
pub const SIZES: [usize; 2] = [500, 5_000];

/// A valid spec of `operations` operations, shaped like a real provider's: every operation has a
/// path parameter, two query parameters (one an enum) and a header, a body model of five fields
/// and a response model of six (a list of a shared item model among them).
pub fn synthetic_spec(operations: usize) -> String {
    let mut s = String::with_capacity(operations * 1_600 + 1_024);
    s.push_str(
        "# yaml-language-server: $schema=linkspec.schema.json\nprovider: synthetic\ntitle: Synthetic\n\
         servers:\n  default: live\n  environments:\n    live: https://api.synthetic.example/v1\n\
         auth: { scheme: bearer }\nerrors: { model: SyntheticError, code: code, message: message }\noperations:\n",
    );
    for i in 0..operations {
        let _ = write!(
            s,
            "  resource_{i}_update:\n    doc: Updates resource {i}.\n    method: POST\n    path: /resources/r{i}/{{resource_id}}\n    params:\n      \
             resource_id: {{ in: path, type: string, doc: The resource's id. }}\n      \
             limit: {{ in: query, type: integer, doc: At most this many items. }}\n      \
             state: {{ in: query, type: ItemState, doc: Only items in this state. }}\n      \
             X-Request-Tag: {{ in: header, type: string, doc: A tag echoed in logs. }}\n    \
             body: Resource{i}UpdateBody\n    responses:\n      200: Resource{i}Result\n"
        );
    }
    s.push_str("models:\n  SyntheticError:\n    doc: The error body.\n    fields:\n      code: { type: string, doc: The error code. }\n      message: { type: string, optional: true, doc: What went wrong. }\n");
    s.push_str("  Item:\n    doc: An item shared by every result.\n    fields:\n      id: { type: string, doc: Its id. }\n      state: { type: ItemState, doc: Its state. }\n      amount: { type: number, optional: true, doc: Its amount. }\n");
    for i in 0..operations {
        let _ = write!(
            s,
            "  Resource{i}UpdateBody:\n    doc: The new state of resource {i}.\n    fields:\n      \
             name: {{ type: string, doc: Its name. }}\n      \
             count: {{ type: integer, optional: true, doc: How many. }}\n      \
             enabled: {{ type: boolean, optional: true, doc: Whether it is on. }}\n      \
             tags: {{ type: list<string>, optional: true, doc: Its tags. }}\n      \
             secret: {{ type: string, optional: true, sensitive: true, doc: A secret. }}\n  \
             Resource{i}Result:\n    doc: Resource {i} as stored.\n    fields:\n      \
             id: {{ type: string, doc: Its id. }}\n      \
             name: {{ type: string, doc: Its name. }}\n      \
             updated_at: {{ type: datetime, doc: When it last changed. }}\n      \
             items: {{ type: list<Item>, doc: Its items. }}\n      \
             labels: {{ type: map<string>, optional: true, doc: Its labels. }}\n      \
             note: {{ type: string, optional: true, nullable: true, doc: A note. }}\n"
        );
    }
    s.push_str("enums:\n  ItemState:\n    doc: The state of an item.\n    values: [active, paused, closed]\n");
    s
}

/// One run of the whole generator on `spec`: the time it took, failing on any diagnostic.
pub fn generate_once(spec: &SpecSource) -> Result<Duration> {
    let start = Instant::now();
    let out = linkspec_codegen::generate(std::slice::from_ref(spec), &Config::default());
    let took = start.elapsed();
    match out {
        Ok(out) if out.warnings.0.is_empty() => Ok(took),
        Ok(out) => bail!("the synthetic spec warns:\n{}", out.warnings.render(|_| Some(spec.text.as_str()))),
        Err(d) => bail!("the synthetic spec does not generate:\n{}", d.render(|_| Some(spec.text.as_str()))),
    }
}

fn median(sorted: &[f64]) -> f64 {
    let n = sorted.len();
    if n % 2 == 1 { sorted[n / 2] } else { (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0 }
}

/// Runs the subcommand: `cargo xtask bench-generate [--rounds N]` (default 5 rounds).
pub fn run(args: &[String]) -> Result<ExitCode> {
    let rounds = match args {
        [] => 5,
        [flag, n] if flag == "--rounds" => match n.parse::<usize>() {
            Ok(n) if n > 0 => n,
            _ => bail!("--rounds takes a whole number above 0"),
        },
        _ => bail!("usage: cargo xtask bench-generate [--rounds N]"),
    };
    if cfg!(debug_assertions) {
        eprintln!("note: xtask is built without optimisations; for figures worth comparing run `cargo run --release -p xtask -- bench-generate`");
    }
    let specs: Vec<SpecSource> = SIZES
        .iter()
        .map(|&n| SpecSource { name: format!("synthetic/{n}.yaml"), text: synthetic_spec(n) })
        .collect();
    for (n, spec) in SIZES.iter().zip(&specs) {
        println!("synthetic spec of {n} operations: {} lines, {} KiB", spec.text.lines().count(), spec.text.len() / 1024);
    }
    // One warm-up run each (allocator, page cache, lazily built schemas), not counted.
    for spec in &specs {
        generate_once(spec)?;
    }
    let mut per_op: Vec<Vec<f64>> = vec![Vec::new(); SIZES.len()];
    for round in 0..rounds {
        for (i, (n, spec)) in SIZES.iter().zip(&specs).enumerate() {
            let took = generate_once(spec)?;
            let us = took.as_secs_f64() * 1e6 / *n as f64;
            println!("round {}/{rounds}: {n:>5} operations in {:>8.1} ms, {us:>7.1} µs per operation", round + 1, took.as_secs_f64() * 1e3);
            per_op[i].push(us);
        }
    }
    println!("\noperations  median µs/op  min µs/op  max µs/op  spread");
    let mut medians = Vec::new();
    for (n, samples) in SIZES.iter().zip(&mut per_op) {
        samples.sort_by(f64::total_cmp);
        let m = median(samples);
        let (lo, hi) = (samples[0], samples[samples.len() - 1]);
        println!("{n:>10}  {m:>12.1}  {lo:>9.1}  {hi:>9.1}  {:>5.1}%", (hi - lo) / m * 100.0);
        medians.push(m);
    }
    println!(
        "ratio of per-operation time, {} / {}: {:.2} (linear is about 1.0)",
        SIZES[1],
        SIZES[0],
        medians[1] / medians[0]
    );
    // Where the time goes: parse alone, then parse and lower, against the whole run's median.
    println!("\noperations  parse µs/op  lower µs/op  emit+render µs/op");
    for ((n, spec), whole) in SIZES.iter().zip(&specs).zip(&medians) {
        let start = Instant::now();
        let parsed = linkspec_codegen::lower::parse(&spec.name, &spec.text).is_ok();
        let parse = start.elapsed().as_secs_f64() * 1e6 / *n as f64;
        let start = Instant::now();
        let (providers, _) = linkspec_codegen::check(std::slice::from_ref(spec));
        let checked = start.elapsed().as_secs_f64() * 1e6 / *n as f64;
        if !parsed || providers.is_empty() {
            bail!("the synthetic spec of {n} operations does not check");
        }
        println!("{n:>10}  {parse:>11.1}  {:>11.1}  {:>17.1}", checked - parse, whole - checked);
    }
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_small_synthetic_spec_generates_without_a_diagnostic() {
        let spec = SpecSource { name: "synthetic/3.yaml".into(), text: synthetic_spec(3) };
        generate_once(&spec).expect("generates");
        let (providers, _) = linkspec_codegen::check(std::slice::from_ref(&spec));
        assert_eq!(providers[0].operations.len(), 3);
        assert_eq!(providers[0].models.len(), 2 + 2 * 3);
    }
}
