//! A check that a generated manifest is TOML cargo can read, before it is written.
//!
//! A `Cargo.toml` with a duplicate key stops cargo from loading the workspace, and with it
//! `cargo xtask generate` itself, so such a file must never reach disk. The `toml` crate (the
//! parser cargo's own TOML stack is built on) reads it; its first problem is reported with the
//! line and column.

/// The first problem found: 1-based line and column (in characters), and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in characters.
    pub col: usize,
    /// What is wrong.
    pub message: String,
}

/// Checks `text` is TOML whose keys and tables are each defined once.
pub fn check(text: &str) -> Result<(), Problem> {
    toml::de::DeTable::parse(text).map(drop).map_err(|err| {
        let pos = err.span().map_or(0, |span| span.start).min(text.len());
        let before = text.get(..pos).unwrap_or(text);
        let line = before.matches('\n').count() + 1;
        let col = before.rsplit('\n').next().unwrap_or("").chars().count() + 1;
        Problem { line, col, message: err.message().trim().to_owned() }
    })
}

#[cfg(test)]
mod tests {
    use super::check;

    fn problem(text: &str) -> (usize, usize, String) {
        let p = check(text).expect_err("must be refused");
        (p.line, p.col, p.message)
    }

    #[test]
    fn reads_what_cargo_manifests_hold() {
        let text = "# @generated\n\n[package]\nname = \"linkspec-clients\"\nedition.workspace = true\nversion = '0.1.0' # c\n\n[features]\ndefault = [\"a\", \"b\",]\na = []\n\"b\" = [\n  # why\n  \"a\",\n]\n\n[dependencies]\nserde = { workspace = true, features = [\"derive\"] }\n[dependencies.x]\npath = \"x\"\n[[bin]]\nname = \"one\"\n[[bin]]\nname = \"two\"\n[target.'cfg(unix)'.dependencies]\nlibc = \"0.2\"\n";
        assert_eq!(check(text), Ok(()));
    }

    #[test]
    fn duplicate_keys_and_tables_are_located() {
        let (line, _, message) = problem("[features]\ndefault = []\nplaid = []\ndefault = [\"plaid\"]\n");
        assert_eq!(line, 4, "{message}");
        assert!(message.contains("duplicate key"), "{message}");
        let (line, _, message) = problem("[features]\n[package]\n[features]\n");
        assert_eq!(line, 3, "{message}");
        let (line, _, _) = problem("\"a\" = 1\na = 2\n");
        assert_eq!(line, 2);
        let (line, _, _) = problem("a = 1\n[a.b]\n");
        assert_eq!(line, 2);
    }

    #[test]
    fn syntax_errors_are_located() {
        assert_eq!(problem("[features\n").0, 1);
        assert_eq!(problem("a = \"open\n").0, 1);
        let (line, col, _) = problem("x = 1\na = nope\n");
        assert_eq!((line, col), (2, 5));
    }
}
