//! Diagnostics: located, coded problems in a spec, rendered like rustc's.

use std::fmt;

/// Bidirectional-control characters: they reorder how text displays (rustc denies them in
/// source, and they can hide what a line says).
pub fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}')
}

/// Text safe to print on a terminal: control characters (the ESC of an ANSI sequence among
/// them) and bidirectional controls are written escaped, as `\u{1b}`; tabs stay.
pub fn printable(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if (c.is_control() && c != '\t') || is_bidi_control(c) {
            out.push_str(&format!("\\u{{{:x}}}", u32::from(c)));
        } else {
            out.push(c);
        }
    }
    out
}

/// How bad a problem is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// The spec is wrong; nothing is generated.
    Error,
    /// Legal but suspicious.
    Warning,
}

/// A place in a spec file: 1-based line and column (in characters), and a length to underline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct Loc {
    /// 1-based line; 0 when unknown.
    pub line: u32,
    /// 1-based column in characters; 0 when unknown.
    pub col: u32,
    /// Characters to underline; at least one is shown.
    pub len: u32,
}

impl Loc {
    /// The location serde-saphyr recorded for a node.
    pub fn of(location: &serde_saphyr::Location) -> Loc {
        Loc {
            line: u32::try_from(location.line()).unwrap_or(u32::MAX),
            col: u32::try_from(location.column()).unwrap_or(u32::MAX),
            len: u32::try_from(location.span().len()).unwrap_or(1),
        }
    }

    /// The location of a spanned value.
    pub fn at<T>(spanned: &crate::spec::Sp<T>) -> Loc {
        Loc::of(&spanned.referenced)
    }
}

/// One problem in one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// Stable code, `LS0001`-style, listed in specs/README.md.
    pub code: &'static str,
    /// Spec file name as given.
    pub file: String,
    /// Where.
    pub loc: Loc,
    /// What is wrong.
    pub message: String,
    /// What to do about it.
    pub help: Option<String>,
}

impl Diagnostic {
    /// An error.
    pub fn error(code: &'static str, file: &str, loc: Loc, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            code,
            file: file.to_owned(),
            loc,
            message: message.into(),
            help: None,
        }
    }

    /// A warning.
    pub fn warning(code: &'static str, file: &str, loc: Loc, message: impl Into<String>) -> Self {
        Diagnostic { severity: Severity::Warning, ..Diagnostic::error(code, file, loc, message) }
    }

    /// Adds what to do.
    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Renders with a snippet of the offending line taken from `source`.
    pub fn render(&self, source: &str) -> String {
        let mut out = String::new();
        let kind = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        out.push_str(&format!("{kind}[{}]: {}\n", self.code, printable(&self.message)));
        out.push_str(&format!(" --> {}:{}:{}\n", self.file, self.loc.line, self.loc.col));
        let line_text = (self.loc.line > 0)
            .then(|| source.lines().nth(self.loc.line as usize - 1))
            .flatten();
        let number = self.loc.line.to_string();
        let pad = " ".repeat(number.len());
        if let Some(text) = line_text {
            let chars = text.chars().count() as u32;
            let start = self.loc.col.saturating_sub(1).min(chars);
            let len = self.loc.len.clamp(1, (chars - start).max(1));
            // Carets sit under the escaped text, which is wider than the raw one.
            let before: String = text.chars().take(start as usize).collect();
            let under: String = text.chars().skip(start as usize).take(len as usize).collect();
            let start = printable(&before).chars().count() as u32;
            let len = (printable(&under).chars().count() as u32).max(1);
            out.push_str(&format!("{pad} |\n{number} | {}\n", printable(text)));
            out.push_str(&format!(
                "{pad} | {}{}\n",
                " ".repeat(start as usize),
                "^".repeat(len as usize)
            ));
        }
        if let Some(help) = &self.help {
            out.push_str(&format!("{pad} = help: {}\n", printable(help)));
        }
        out
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}: [{}] {}", self.file, self.loc.line, self.loc.col, self.code, printable(&self.message))?;
        if let Some(help) = &self.help {
            write!(f, " (help: {})", printable(help))?;
        }
        Ok(())
    }
}

/// Every problem found in a run, in file then position order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl Diagnostics {
    /// True when any entry is an error.
    pub fn has_errors(&self) -> bool {
        self.0.iter().any(|d| d.severity == Severity::Error)
    }

    /// Sorts by file, line, column, code for stable output.
    pub fn sort(&mut self) {
        self.0.sort_by(|a, b| {
            (&a.file, a.loc, a.code, &a.message).cmp(&(&b.file, b.loc, b.code, &b.message))
        });
    }

    /// Renders all entries, each with its snippet, looking sources up by file name.
    pub fn render<'a>(&self, source_of: impl Fn(&str) -> Option<&'a str>) -> String {
        let mut out = String::new();
        for d in &self.0 {
            out.push_str(&d.render(source_of(&d.file).unwrap_or("")));
            out.push('\n');
        }
        let errors = self.0.iter().filter(|d| d.severity == Severity::Error).count();
        let warnings = self.0.len() - errors;
        out.push_str(&format!("{errors} error(s), {warnings} warning(s)\n"));
        out
    }
}
