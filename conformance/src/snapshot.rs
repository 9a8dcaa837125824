//! Snapshots of typed results, in insta's file format so `cargo insta review` reviews them,
//! but compared and written here: insta's assertion macros are made for a test that stops at
//! its first failure (they panic and print "Run `cargo insta test`"), while a conformance run
//! replays every case and reports each in one line.

use std::path::{Path, PathBuf};

/// What to do with a snapshot that is new or differs; the values of `INSTA_UPDATE`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Update {
    /// Write nothing; the case fails (`no`, and the default under CI).
    #[default]
    No,
    /// Write `<case>.snap.new` beside the snapshot for review; the case fails (`new`, and the
    /// default outside CI).
    New,
    /// Accept: write `<case>.snap`; the case passes (`always`, `force`).
    Always,
    /// Accept snapshots that do not exist yet; a changed one is written as `.snap.new` (`unseen`).
    Unseen,
}

impl Update {
    /// From `INSTA_UPDATE` and `CI`, as insta reads them.
    pub fn from_env() -> Result<Update, String> {
        let ci = match std::env::var("CI").ok().as_deref() {
            Some("false" | "0" | "") => false,
            None => std::env::var_os("TF_BUILD").is_some(),
            Some(_) => true,
        };
        match std::env::var("INSTA_UPDATE").ok().as_deref() {
            None | Some("" | "auto") => Ok(if ci { Update::No } else { Update::New }),
            Some("always" | "force" | "1") => Ok(Update::Always),
            Some("new") => Ok(Update::New),
            Some("unseen") => Ok(Update::Unseen),
            Some("no" | "0") => Ok(Update::No),
            Some(other) => Err(format!("INSTA_UPDATE={other} is not understood: use auto, always, new, unseen or no")),
        }
    }
}

/// Where a case's snapshot lives, and what goes in its header.
#[derive(Debug, Clone)]
pub struct Place {
    /// `<dir>/<provider>/<case>.snap`.
    pub file: PathBuf,
    /// The cassette, as written in the header (`input_file:`), relative to the checkout.
    pub input_file: String,
}

impl Place {
    /// The pending file beside the snapshot.
    pub fn pending(&self) -> PathBuf {
        self.file.with_extension("snap.new")
    }
}

/// What a check did when it passed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Checked {
    /// The snapshot matches.
    Matches,
    /// The snapshot was written (accepted under `INSTA_UPDATE=always` or `unseen`).
    Accepted,
}

/// Text as insta compares it: trailing whitespace trimmed, CRLF as LF.
fn normalize(text: &str) -> String {
    text.trim_end().replace("\r\n", "\n")
}

/// Compares `text` with the snapshot at `place`, writing the new or pending file that
/// `update` asks for. An error is one problem line (plus a short diff when the snapshot
/// changed) saying what to do.
pub fn check(place: &Place, text: &str, update: Update) -> Result<Checked, String> {
    let file = &place.file;
    let now = normalize(text);
    let old = if file.exists() {
        let snapshot = insta::Snapshot::from_file(file)
            .map_err(|e| format!("snapshot: {} cannot be read ({e}): fix or delete it", file.display()))?;
        let old = snapshot.as_text().map(ToString::to_string);
        Some(old.ok_or_else(|| format!("snapshot: {} is not a text snapshot: delete it", file.display()))?)
    } else {
        None
    };
    if old.as_deref() == Some(now.as_str()) {
        let _ = std::fs::remove_file(place.pending());
        return Ok(Checked::Matches);
    }
    let accept = match update {
        Update::Always => true,
        Update::Unseen => old.is_none(),
        Update::New | Update::No => false,
    };
    if accept {
        write(file, place, &now)?;
        let _ = std::fs::remove_file(place.pending());
        return Ok(Checked::Accepted);
    }
    let pending = place.pending();
    let stored = if update == Update::No {
        String::new()
    } else {
        write(&pending, place, &now)?;
        format!("; stored {}", pending.display())
    };
    let review = if update == Update::No {
        "record it outside CI with `cargo xtask conformance <case>`, review it with `cargo insta review` and commit it".to_owned()
    } else {
        "review it with `cargo insta review`, or accept every pending snapshot with `INSTA_UPDATE=always cargo xtask conformance`".to_owned()
    };
    match old {
        None => Err(format!("snapshot: new, no snapshot yet at {}{stored}: {review}", file.display())),
        Some(old) => Err(format!("snapshot: the typed result differs from {}{stored}: {review}\n{}", file.display(), diff(&old, &now))),
    }
}

/// Writes a snapshot file in insta's format.
fn write(path: &Path, place: &Place, contents: &str) -> Result<(), String> {
    let text = format!("---\nsource: conformance/src/replay.rs\ninput_file: {}\n---\n{contents}\n", yaml_scalar(&place.input_file));
    let written = path
        .parent()
        .map_or(Ok(()), std::fs::create_dir_all)
        .and_then(|()| std::fs::write(path, text));
    written.map_err(|e| format!("snapshot: could not write {} ({e})", path.display()))
}

/// A path as a YAML scalar: plain when that is safe, double-quoted (JSON syntax) otherwise.
fn yaml_scalar(text: &str) -> String {
    let plain = !text.is_empty() && text.chars().all(|c| c.is_ascii_alphanumeric() || "/._-".contains(c)) && !text.starts_with(['-', '.']);
    if plain { text.to_owned() } else { serde_json::Value::String(text.to_owned()).to_string() }
}

/// Changed lines, `-` the snapshot and `+` now, at most a dozen.
fn diff(old: &str, new: &str) -> String {
    let (a, b): (Vec<&str>, Vec<&str>) = (old.lines().collect(), new.lines().collect());
    // Longest common subsequence table, from the ends.
    let mut lcs = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for i in (0..a.len()).rev() {
        for j in (0..b.len()).rev() {
            lcs[i][j] = if a[i] == b[j] { lcs[i + 1][j + 1] + 1 } else { lcs[i + 1][j].max(lcs[i][j + 1]) };
        }
    }
    let mut lines = Vec::new();
    let (mut i, mut j) = (0, 0);
    while i < a.len() || j < b.len() {
        if i < a.len() && j < b.len() && a[i] == b[j] {
            i += 1;
            j += 1;
        } else if j < b.len() && (i == a.len() || lcs[i][j + 1] > lcs[i + 1][j]) {
            lines.push(format!("        + {}", b[j]));
            j += 1;
        } else {
            lines.push(format!("        - {}", a[i]));
            i += 1;
        }
    }
    const SHOWN: usize = 12;
    let more = lines.len().saturating_sub(SHOWN);
    lines.truncate(SHOWN);
    if more > 0 {
        lines.push(format!("        … {more} more changed line(s)"));
    }
    lines.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn place(name: &str) -> (PathBuf, Place) {
        let dir = std::env::temp_dir().join(format!("linkspec-snapshot-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let place = Place { file: dir.join("p/case.snap"), input_file: "conformance/cassettes/p/case.yaml".into() };
        (dir, place)
    }

    #[test]
    fn a_new_snapshot_is_stored_for_review_and_fails_in_one_line() {
        let (dir, place) = place("new");
        let e = check(&place, "a\nb\n", Update::New).expect_err("new fails");
        assert!(e.starts_with("snapshot: new, no snapshot yet at") && e.contains("cargo insta review") && !e.contains('\n'), "{e}");
        let pending = std::fs::read_to_string(place.pending()).expect("stored");
        assert_eq!(pending, "---\nsource: conformance/src/replay.rs\ninput_file: conformance/cassettes/p/case.yaml\n---\na\nb\n");
        // insta reads what was written.
        let read = insta::Snapshot::from_file(&place.pending()).expect("insta reads it");
        assert_eq!(read.as_text().map(ToString::to_string).as_deref(), Some("a\nb"));
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn accepting_writes_the_snapshot_and_a_match_clears_the_pending_file() {
        let (dir, place) = place("accept");
        assert!(check(&place, "a\n", Update::New).is_err());
        assert_eq!(check(&place, "a\n", Update::Always), Ok(Checked::Accepted));
        assert!(!place.pending().exists());
        assert_eq!(check(&place, "a", Update::No), Ok(Checked::Matches));
        let e = check(&place, "a\nc\n", Update::No).expect_err("changed");
        assert!(e.contains("differs from") && e.contains("        + c") && !place.pending().exists(), "{e}");
        assert_eq!(check(&place, "a\nc\n", Update::Unseen).map_err(|e| e.contains("stored")), Err(true));
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn diffs_show_changed_lines() {
        assert_eq!(diff("a\nb\nc", "a\nB\nc\nd"), "        - b\n        + B\n        + d");
    }
}
