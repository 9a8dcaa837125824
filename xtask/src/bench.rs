//! `cargo xtask bench-generate`: how generation time grows with the number of operations.
//!
//! Synthesises specs of 500 and 5,000 operations in memory (each operation with path, query and
//! header parameters, a body model and a response model), runs the whole generator on each
//! (parse, lower, emit, render) several times, interleaving the sizes so that a change in machine
//! load hits both, and prints the time per operation and the ratio of the two: linear growth
//! gives a ratio near 1.0. A benchmark to read, not a timed test.

use anyhow::{Result, bail};
use linkspec_codegen::{Config, SpecSource};
use std::process::ExitCode;
use std::time::{Duration, Instant};

/// The sizes measured, smallest first.
pub const SIZES: [usize; 2] = [500, 5_000];

/// A valid spec of `operations` operations (see [`crate::synthetic::describe`]; `cargo xtask
/// bench` renders the same description as an OpenAPI document too).
pub fn synthetic_spec(operations: usize) -> String {
    crate::synthetic::describe(operations).to_spec()
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
