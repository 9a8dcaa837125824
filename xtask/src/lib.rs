//! Library half of xtask: reading specs and comparing generated/ with what the generator makes.
//! The binary (`cargo xtask ...`) and the freshness test share it.

pub mod schema;

use anyhow::{Context, Result};
use linkspec_codegen::{Config, Output, SpecSource};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// The repository root: the parent of this crate's directory.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().map(Path::to_path_buf).unwrap_or_else(|| PathBuf::from("."))
}

/// Reads `specs/*.yaml` in name order.
pub fn read_specs(root: &Path) -> Result<Vec<SpecSource>> {
    let dir = root.join("specs");
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
        .with_context(|| format!("reading {}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    paths.sort();
    paths
        .into_iter()
        .map(|path| {
            let text = std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
            let name = format!("specs/{}", path.file_name().map(|n| n.to_string_lossy()).unwrap_or_default());
            Ok(SpecSource { name, text })
        })
        .collect()
}

/// Every file under `dir`, relative to `root`, with `/` separators.
pub fn existing_files(root: &Path, dir: &Path) -> Result<BTreeSet<String>> {
    let mut out = BTreeSet::new();
    if !dir.exists() {
        return Ok(out);
    }
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).with_context(|| format!("reading {}", d.display()))? {
            let path = entry?.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let rel = path.strip_prefix(root).unwrap_or(&path);
                out.insert(rel.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/"));
            }
        }
    }
    Ok(out)
}

/// How generated/ differs from what the generator makes now.
#[derive(Debug, Default)]
pub struct Drift {
    /// Files whose contents differ or that are missing.
    pub stale: Vec<String>,
    /// Files under generated/ that the generator no longer makes.
    pub extra: Vec<String>,
}

impl Drift {
    /// True when generated/ is up to date.
    pub fn is_empty(&self) -> bool {
        self.stale.is_empty() && self.extra.is_empty()
    }
}

/// Compares the generator's output with the files on disk.
pub fn drift(root: &Path, config: &Config, output: &Output) -> Result<Drift> {
    let existing = existing_files(root, &root.join(&config.out_dir))?;
    let wanted: BTreeSet<String> = output.files.iter().map(|f| f.path.clone()).collect();
    let stale = output
        .files
        .iter()
        .filter(|f| std::fs::read_to_string(root.join(&f.path)).ok().as_deref() != Some(f.contents.as_str()))
        .map(|f| f.path.clone())
        .collect();
    let extra = existing.difference(&wanted).cloned().collect();
    Ok(Drift { stale, extra })
}

/// A recorded answer: the operation called, the status, the body.
pub type Answer = (String, u16, serde_json::Value);

/// The last response of every recorded conformance case, by provider. Cassettes that do not
/// read are skipped here; the conformance suite reports them.
pub fn recorded_answers(root: &Path) -> Result<std::collections::BTreeMap<String, Vec<Answer>>> {
    #[derive(serde::Deserialize)]
    struct Cassette {
        operation: String,
        exchanges: Vec<Exchange>,
    }
    #[derive(serde::Deserialize)]
    struct Exchange {
        response: Response,
    }
    #[derive(serde::Deserialize)]
    struct Response {
        status: u16,
        #[serde(default)]
        body: String,
    }
    let mut out = std::collections::BTreeMap::new();
    let dir = root.join("conformance/cassettes");
    if !dir.exists() {
        return Ok(out);
    }
    for file in existing_files(root, &dir)? {
        let Some(provider) = file.strip_prefix("conformance/cassettes/").and_then(|rest| rest.split_once('/')).map(|(p, _)| p.to_owned()) else {
            continue;
        };
        if !file.ends_with(".yaml") {
            continue;
        }
        let text = std::fs::read_to_string(root.join(&file)).with_context(|| format!("reading {file}"))?;
        let Ok(cassette) = serde_saphyr::from_str::<Cassette>(&text) else { continue };
        let Some(last) = cassette.exchanges.last() else { continue };
        let Ok(body) = serde_json::from_str(&last.response.body) else { continue };
        out.entry(provider).or_insert_with(Vec::new).push((cassette.operation, last.response.status, body));
    }
    Ok(out)
}

/// Warnings the recorded answers give about the specs (see `linkspec_codegen::evidence`).
pub fn evidence_warnings(root: &Path, specs: &[SpecSource]) -> Result<linkspec_codegen::diag::Diagnostics> {
    let answers = recorded_answers(root)?;
    let (providers, _) = linkspec_codegen::check(specs);
    let mut warnings = Vec::new();
    for provider in &providers {
        let Some(recorded) = answers.get(&provider.module) else { continue };
        let Some(spec) = specs.iter().find(|s| s.name == provider.source) else { continue };
        let samples: Vec<linkspec_codegen::evidence::Sample<'_>> = recorded
            .iter()
            .map(|(operation, status, body)| linkspec_codegen::evidence::Sample { operation, status: *status, body })
            .collect();
        warnings.extend(linkspec_codegen::evidence::optional_fields_always_present(provider, &spec.text, &samples));
    }
    let mut diags = linkspec_codegen::diag::Diagnostics(warnings);
    diags.sort();
    Ok(diags)
}

/// `cargo xtask generate [--check]` below `root`: reads `specs/`, and either rewrites
/// `generated/` (removing files the generator no longer makes) or, with `check`, only reports
/// how it differs. Diagnostics go to `err`. Returns false when a spec is invalid (then nothing is
/// written) or, with `check`, when `generated/` is stale.
pub fn generate(root: &Path, check: bool, out: &mut dyn std::io::Write, err: &mut dyn std::io::Write) -> Result<bool> {
    let specs = read_specs(root)?;
    let source_of = |name: &str| specs.iter().find(|s| s.name == name).map(|s| s.text.as_str());
    let config = Config::default();
    let output = match linkspec_codegen::generate(&specs, &config) {
        Ok(output) => output,
        Err(diags) => {
            write!(err, "{}", diags.render(source_of))?;
            writeln!(err, "nothing was written: fix the specs above and run again")?;
            return Ok(false);
        }
    };
    let mut warnings = output.warnings.clone();
    warnings.0.extend(evidence_warnings(root, &specs)?.0);
    if !warnings.0.is_empty() {
        write!(err, "{}", warnings.render(source_of))?;
    }
    let drift = drift(root, &config, &output)?;
    if check {
        if drift.is_empty() {
            writeln!(out, "generated/ is up to date ({} files from {} specs)", output.files.len(), specs.len())?;
            return Ok(true);
        }
        for f in &drift.stale {
            writeln!(err, "stale: {f}")?;
        }
        for f in &drift.extra {
            writeln!(err, "not generated (remove it): {f}")?;
        }
        writeln!(err, "generated/ is out of date: run `cargo xtask generate`")?;
        return Ok(false);
    }
    for f in &drift.extra {
        std::fs::remove_file(root.join(f)).with_context(|| format!("removing {f}"))?;
        writeln!(out, "removed {f}")?;
    }
    for f in output.files.iter().filter(|f| drift.stale.contains(&f.path)) {
        let path = root.join(&f.path);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).with_context(|| format!("creating {}", parent.display()))?;
        }
        std::fs::write(&path, &f.contents).with_context(|| format!("writing {}", f.path))?;
        writeln!(out, "wrote {}", f.path)?;
    }
    writeln!(
        out,
        "{} files from {} specs ({} written, {} removed)",
        output.files.len(),
        specs.len(),
        drift.stale.len(),
        drift.extra.len()
    )?;
    Ok(true)
}
