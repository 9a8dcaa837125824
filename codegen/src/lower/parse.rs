//! Reading a spec file: YAML into `spec::Spec`, with YAML errors rendered as coded diagnostics and "did you mean" suggestions.

use crate::diag::{Diagnostic, Loc};
use crate::spec;

/// Reads a spec file. When it does not read, every structural problem is reported at once
/// (each unknown, duplicate or missing key and each value of the wrong kind, from one pass of
/// [`spec::shape`]); only broken YAML stops at the first problem.
pub fn parse(file: &str, text: &str) -> Result<spec::Spec, Vec<Diagnostic>> {
    let err = match spec::shape::from_str::<spec::Spec>(text) {
        // Only a provider directory's provider file may leave `operations:` out: the shape
        // check below reports it missing here.
        Ok(spec) if spec.operations.referenced != serde_saphyr::Location::UNKNOWN => return Ok(spec),
        Ok(_) => None,
        Err(err) => Some(err),
    };
    let problems = match spec::shape::read(text) {
        Ok(tree) => spec::shape::check(file, &tree),
        Err(syntax) => return Err(vec![on_a_line(parse_diagnostic(file, &syntax), text)]),
    };
    if problems.is_empty() {
        // The shape check and serde disagree: serde's own words are the best there is.
        if let Some(err) = &err {
            return Err(vec![on_a_line(parse_diagnostic(file, err), text)]);
        }
        let loc = Loc { line: 1, col: 1, len: 1 };
        let missing = Diagnostic::error("LS0006", file, loc, "missing key `operations` at the top level");
        return Err(vec![missing.help("add `operations:` with the provider's endpoints")]);
    }
    Err(problems.into_iter().map(|d| on_a_line(d, text)).collect())
}

/// Characters a spec cannot hold anywhere, whatever the YAML around them: bidirectional
/// controls reorder how text displays (the "Trojan Source" trick), and rustc refuses them in
/// the docs and literals they would become.
pub fn check_text(file: &str, text: &str) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for (n, line) in text.lines().enumerate() {
        for (col, c) in line.chars().enumerate() {
            if crate::diag::is_bidi_control(c) {
                let loc = Loc { line: u32::try_from(n + 1).unwrap_or(u32::MAX), col: u32::try_from(col + 1).unwrap_or(u32::MAX), len: 1 };
                out.push(
                    Diagnostic::error("LS0007", file, loc, format!("a bidirectional-control character (U+{:04X}) in the spec", u32::from(c)))
                        .help("remove it: it changes how the text around it displays, and rustc refuses it in the generated code"),
                );
            }
        }
    }
    out
}

/// Moves a location past the end of the text (an empty document's) onto its last line.
pub(super) fn on_a_line(mut d: Diagnostic, text: &str) -> Diagnostic {
    let lines = u32::try_from(text.lines().count()).unwrap_or(u32::MAX).max(1);
    if d.loc.line > lines {
        d.loc = Loc { line: lines, col: 1, len: 1 };
    }
    d
}

/// Turns a serde-saphyr error into a coded diagnostic with a hint.
pub(super) fn parse_diagnostic(file: &str, err: &serde_saphyr::Error) -> Diagnostic {
    let loc = err.location().map(|l| Loc::of(&l)).unwrap_or_default();
    let loc = if loc.line == 0 { Loc { line: 1, col: 1, len: 1 } } else { Loc { col: loc.col.max(1), ..loc } };
    if let serde_saphyr::Error::Budget { breach, .. } = err.without_snippet() {
        return Diagnostic::error("LS0009", file, loc, over_limit(breach)).help(
            "the limit guards against runaway input, and a very large real spec can reach it too: if yours is real, \
             raise the limit in `codegen/src/spec/shape.rs` (`MAX_NODES`)",
        );
    }
    let rendered = err.to_string();
    let first = rendered.lines().next().unwrap_or("invalid YAML");
    let message = strip_location_prefix(first);
    let (code, help) = if message.contains("duplicate mapping key") {
        ("LS0002", "remove one of the two keys; YAML keeps only one of them")
    } else if message.starts_with("unknown field") {
        ("LS0003", "check the spelling; specs/README.md lists every key")
    } else if message.contains("untagged enum EnumValueSpec") {
        ("LS0004", "write an enum value as a string, `null`, or `{ value: ..., doc: ... }`")
    } else if message.starts_with("unexpected character") {
        ("LS0001", "YAML files hold printable text only: remove the character, or write it escaped in a double-quoted string (`\\e`, `\\u001b`)")
    } else {
        ("LS0001", "the YAML cannot be read from here on: check the quotes, brackets and indentation here and just before")
    };
    let message = if code == "LS0002" {
        message.split(", set DuplicateKeyPolicy").next().unwrap_or(message).to_owned()
    } else if code == "LS0004" {
        "an enum value must be a string, null, or a mapping with `value` and `doc`".to_owned()
    } else {
        message.to_owned()
    };
    let help = with_suggestion(&message, help);
    Diagnostic::error(code, file, loc, message).help(help)
}

/// What a breached size limit is, in words.
fn over_limit(breach: &serde_saphyr::budget::BudgetBreach) -> String {
    use serde_saphyr::budget::BudgetBreach;
    match breach {
        BudgetBreach::Nodes { .. } => format!(
            "the spec holds more than {} YAML nodes (keys, values, lists and mappings), the most linkspec reads",
            spec::shape::MAX_NODES
        ),
        BudgetBreach::Events { .. } => {
            format!("the spec causes more than {} YAML parser events, the most linkspec reads", spec::shape::MAX_EVENTS)
        }
        BudgetBreach::Depth { depth } => format!("the spec nests {depth} levels deep, more than linkspec reads"),
        other => format!("the spec exceeds a size limit of the YAML reader ({other:?})"),
    }
}

/// Adds a "did you mean" to unknown-field messages when a known key is close.
pub(super) fn with_suggestion(message: &str, fallback: &str) -> String {
    let Some(rest) = message.strip_prefix("unknown field `") else {
        return fallback.to_owned();
    };
    let Some((unknown, expected)) = rest.split_once("`, expected ") else {
        return fallback.to_owned();
    };
    let expected = expected.trim_start_matches("one of ");
    let best = expected
        .split(", ")
        .map(|k| k.trim_matches('`'))
        .map(|k| (edit_distance(unknown, k), k))
        .min();
    match best {
        Some((d, k)) if d <= 2 || (d <= 3 && unknown.len() > 6) => format!("did you mean `{k}`?"),
        _ => format!("expected one of {expected}"),
    }
}

pub(super) fn strip_location_prefix(line: &str) -> &str {
    let line = line.strip_prefix("error: ").unwrap_or(line);
    match line.strip_prefix("line ") {
        Some(rest) => rest.split_once(": ").map(|(_, m)| m).unwrap_or(rest),
        None => line,
    }
}

/// Levenshtein distance, for suggestions.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != *cb);
            cur.push(sub.min(prev[j + 1] + 1).min(cur[j] + 1));
        }
        prev = cur;
    }
    prev[b.len()]
}

/// The closest name in `candidates`, when close enough to suggest.
pub(super) fn suggest<'a>(name: &str, candidates: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    candidates
        .map(|c| (edit_distance(&name.to_lowercase(), &c.to_lowercase()), c))
        .filter(|(d, c)| *d <= 2.max(c.len() / 4))
        .min()
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_breached_node_limit_says_what_the_limit_is() {
        let err = serde_saphyr::Error::Budget {
            breach: serde_saphyr::budget::BudgetBreach::Nodes { nodes: spec::shape::MAX_NODES + 1 },
            location: serde_saphyr::Location::UNKNOWN,
        };
        let d = parse_diagnostic("big.yaml", &err);
        assert_eq!(d.code, "LS0009");
        assert!(d.message.contains("more than 2000000 YAML nodes"), "{}", d.message);
        assert!(d.help.as_deref().is_some_and(|h| h.contains("a very large real spec can reach it")), "{d}");
        assert_eq!((d.loc.line, d.loc.col), (1, 1), "an unknown place is shown at the start");
    }
}
