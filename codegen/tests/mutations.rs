//! Property test: the real specs in specs/, broken the way maintainers break them (lines and
//! whole keys deleted or duplicated, values retyped, keys misspelt, files cut short), never
//! panic the generator; every problem is a coded diagnostic with a location and a hint; and the
//! shape check agrees with the typed parser about which files read.

use linkspec_codegen::{Config, SpecSource, check, generate, lower, spec};
use proptest::prelude::*;
use proptest::test_runner::{Config as ProptestConfig, RngSeed};

/// Values a mutation puts where another value was.
const VALUES: &[&str] = &["[]", "{}", "42", "true", "null", "", "\"text\"", "[a, b]", "{ x: 1 }", "-1.5", "yes", "007"];

/// Characters a misspelling inserts into a key.
const TYPOS: &[char] = &['s', '_', 'X', '-', ' ', ':', '{', '"', '#', '\t'];

#[derive(Debug, Clone)]
enum Mutation {
    DeleteLine(usize),
    DeleteBlock(usize),
    DuplicateLine(usize),
    DuplicateBlock(usize),
    /// Line, which `key: value` on it, which replacement.
    Retype(usize, usize, usize),
    /// Line, position in the key, which character.
    Misspell(usize, usize, usize),
    Truncate(usize),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    let n = 0..10_000usize;
    prop_oneof![
        n.clone().prop_map(Mutation::DeleteLine),
        n.clone().prop_map(Mutation::DeleteBlock),
        n.clone().prop_map(Mutation::DuplicateLine),
        n.clone().prop_map(Mutation::DuplicateBlock),
        (n.clone(), 0..4usize, 0..VALUES.len()).prop_map(|(l, k, v)| Mutation::Retype(l, k, v)),
        (n.clone(), 0..16usize, 0..TYPOS.len()).prop_map(|(l, p, c)| Mutation::Misspell(l, p, c)),
        n.prop_map(Mutation::Truncate),
    ]
}

fn indent(line: &str) -> usize {
    line.len() - line.trim_start().len()
}

/// The line range of the key on line `i` and everything nested under it.
fn block(lines: &[String], i: usize) -> std::ops::Range<usize> {
    let own = indent(&lines[i]);
    let end = (i + 1..lines.len())
        .find(|&j| !lines[j].trim().is_empty() && indent(&lines[j]) <= own)
        .unwrap_or(lines.len());
    i..end
}

fn apply(text: &str, m: &Mutation) -> String {
    let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
    if lines.is_empty() {
        return String::new();
    }
    let len = lines.len();
    match *m {
        Mutation::DeleteLine(i) => {
            lines.remove(i % len);
        }
        Mutation::DeleteBlock(i) => {
            lines.drain(block(&lines, i % len));
        }
        Mutation::DuplicateLine(i) => {
            let line = lines[i % len].clone();
            lines.insert(i % len, line);
        }
        Mutation::DuplicateBlock(i) => {
            let range = block(&lines, i % len);
            let copy: Vec<String> = lines[range.clone()].to_vec();
            lines.splice(range.end..range.end, copy);
        }
        Mutation::Retype(i, k, v) => {
            let i = i % len;
            let line = lines[i].clone();
            let colons: Vec<usize> = line.match_indices(": ").map(|(p, _)| p).collect();
            if line.trim_end().ends_with(':') && (colons.is_empty() || k % (colons.len() + 1) == colons.len()) {
                // A block key: give it an inline value and drop what was nested under it.
                let range = block(&lines, i);
                lines.drain(range.start + 1..range.end);
                lines[i] = format!("{} {}", line.trim_end(), VALUES[v]);
            } else if !colons.is_empty() {
                let at = colons[k % colons.len()] + 2;
                let end = line[at..].find([',', '}']).map_or(line.len(), |e| at + e);
                lines[i] = format!("{}{}{}", &line[..at], VALUES[v], &line[end..]);
            }
        }
        Mutation::Misspell(i, p, c) => {
            let line = &mut lines[i % len];
            let start = indent(line);
            let key_len = line[start..].find(':').unwrap_or(0);
            let at = start + if key_len == 0 { 0 } else { p % key_len };
            if line.is_char_boundary(at) {
                line.insert(at, TYPOS[c]);
            }
        }
        Mutation::Truncate(n) => {
            let mut joined = lines.join("\n");
            let mut at = n % joined.len().max(1);
            while !joined.is_char_boundary(at) {
                at -= 1;
            }
            joined.truncate(at);
            return joined;
        }
    }
    let mut out = lines.join("\n");
    out.push('\n');
    out
}

fn real_specs() -> Vec<(String, String)> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../specs");
    let mut specs: Vec<(String, String)> = std::fs::read_dir(&dir)
        .expect("specs/ is readable")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .map(|p| (format!("specs/{}", p.file_name().unwrap().to_string_lossy()), std::fs::read_to_string(&p).expect("readable")))
        .collect();
    specs.sort();
    assert!(!specs.is_empty(), "no spec in specs/");
    specs
}

/// The property, for one mutated file.
fn holds(name: &str, text: &str) {
    let source = SpecSource { name: name.to_owned(), text: text.to_owned() };
    let (providers, diags) = check(std::slice::from_ref(&source));
    for d in &diags.0 {
        assert!(d.loc.line > 0 && d.loc.col > 0, "diagnostic without a location: {d}\n--- spec:\n{text}");
        assert!(d.code.starts_with("LS") && d.code != "LS9999", "uncoded or internal diagnostic: {d}");
        assert!(d.help.is_some(), "diagnostic without help: {d}");
    }
    let rendered = diags.render(|_| Some(text));
    assert!(rendered.contains(" error(s), "));
    assert_eq!(providers.is_empty(), diags.has_errors(), "a spec lowers exactly when it has no error:\n{rendered}");

    // The shape check must accept exactly the files the typed parser reads: otherwise a
    // maintainer gets serde's first error only, or the schema has drifted from the types.
    if let Ok(tree) = spec::shape::read(text) {
        let shape = spec::shape::check(name, &tree);
        let parsed = lower::parse(name, text);
        assert_eq!(
            shape.is_empty(),
            parsed.is_ok(),
            "shape check and parser disagree: shape {shape:?}, parser {:?}\n--- spec:\n{text}",
            parsed.err()
        );
    }

    if !diags.has_errors() {
        let output = generate(&[source], &Config::default()).unwrap_or_else(|d| panic!("checks passed but generate failed: {d:?}"));
        assert!(output.files.iter().any(|f| f.path.ends_with("client.rs")));
    }
}

fn env_number(name: &str) -> Option<u64> {
    std::env::var(name).ok()?.parse().ok()
}

proptest! {
    // A fixed case count and seed: a few seconds in CI and the same cases every run. To explore
    // further: PROPTEST_CASES=5000 PROPTEST_RNG_SEED=<any number> cargo test --test mutations.
    #![proptest_config(ProptestConfig {
        cases: env_number("PROPTEST_CASES").map_or(192, |n| n as u32),
        rng_seed: RngSeed::Fixed(env_number("PROPTEST_RNG_SEED").unwrap_or(0x11_5bec)),
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn mutated_specs_give_located_diagnostics(which in 0..64usize, mutations in prop::collection::vec(mutation(), 1..4)) {
        let specs = real_specs();
        let (name, text) = &specs[which % specs.len()];
        let mut text = text.clone();
        for m in &mutations {
            text = apply(&text, m);
        }
        holds(name, &text);
    }
}

#[test]
fn unmutated_specs_hold_too() {
    for (name, text) in real_specs() {
        holds(&name, &text);
    }
}
