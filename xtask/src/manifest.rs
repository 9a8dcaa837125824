//! A check that a generated manifest is TOML cargo can read, before it is written.
//!
//! A `Cargo.toml` with a duplicate key stops cargo from loading the workspace, and with it
//! `cargo xtask generate` itself, so such a file must never reach disk. No TOML parser is in the
//! lock file, so this is a small one: it reads TOML 1.0 (tables, arrays of tables, dotted and
//! quoted keys, strings, arrays, inline tables, numbers, booleans, dates) and reports the first
//! problem with its line and column: a syntax error, a key or table defined twice, or a table
//! extended in a way TOML forbids.

use std::collections::BTreeMap;

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

/// Checks `text` is TOML whose keys are unique.
pub fn check(text: &str) -> Result<(), Problem> {
    let mut parser = Parser { text, pos: 0 };
    let mut root = Table::new(Kind::Header, 1);
    parser.document(&mut root).map_err(|(pos, message)| {
        let before = &text[..pos.min(text.len())];
        let line = before.matches('\n').count() + 1;
        let col = before.rsplit('\n').next().unwrap_or("").chars().count() + 1;
        Problem { line, col, message }
    })
}

type Fail = (usize, String);

/// How a table came to be; decides what may still extend it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// Named by a `[header]` or the document itself.
    Header,
    /// Only a prefix of a longer header so far (`a` in `[a.b]`); a later `[a]` may define it.
    Implicit,
    /// Made by a dotted key (`a.b = 1`).
    Dotted,
    /// An inline table: closed once written.
    Inline,
}

#[derive(Debug)]
enum Node {
    Value { line: usize },
    Table(Table),
    Array(Vec<Table>),
}

#[derive(Debug)]
struct Table {
    kind: Kind,
    line: usize,
    children: BTreeMap<String, Node>,
}

impl Table {
    fn new(kind: Kind, line: usize) -> Table {
        Table { kind, line, children: BTreeMap::new() }
    }
}

fn first_at(node: &Node) -> usize {
    match node {
        Node::Value { line } => *line,
        Node::Table(t) => t.line,
        Node::Array(tables) => tables.first().map_or(0, |t| t.line),
    }
}

fn dotted(keys: &[String]) -> String {
    keys.iter()
        .map(|k| if !k.is_empty() && k.bytes().all(is_bare) { k.clone() } else { format!("{k:?}") })
        .collect::<Vec<_>>()
        .join(".")
}

fn is_bare(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'-'
}

struct Parser<'a> {
    text: &'a str,
    pos: usize,
}

impl Parser<'_> {
    fn rest(&self) -> &str {
        &self.text[self.pos..]
    }

    fn peek(&self) -> Option<char> {
        self.rest().chars().next()
    }

    fn fail<T>(&self, message: impl Into<String>) -> Result<T, Fail> {
        Err((self.pos, message.into()))
    }

    fn line(&self) -> usize {
        self.text[..self.pos].matches('\n').count() + 1
    }

    fn eat(&mut self, s: &str) -> bool {
        if self.rest().starts_with(s) {
            self.pos += s.len();
            true
        } else {
            false
        }
    }

    fn spaces(&mut self) {
        while matches!(self.peek(), Some(' ' | '\t')) {
            self.pos += 1;
        }
    }

    /// Spaces, then an optional comment, then a line end or the end of the text.
    fn line_end(&mut self) -> Result<(), Fail> {
        self.spaces();
        if self.peek() == Some('#') {
            self.comment()?;
        }
        if self.eat("\n") || self.eat("\r\n") || self.rest().is_empty() {
            Ok(())
        } else {
            self.fail("expected the end of the line")
        }
    }

    fn comment(&mut self) -> Result<(), Fail> {
        let end = self.rest().find('\n').map_or(self.text.len(), |i| self.pos + i);
        let body = self.text[self.pos..end].trim_end_matches('\r');
        if let Some(i) = body.find(|c: char| c.is_control() && c != '\t') {
            self.pos += i;
            return self.fail("control character in a comment");
        }
        self.pos += body.len();
        Ok(())
    }

    /// Blank lines, comments and line ends (inside arrays).
    fn blank(&mut self) -> Result<(), Fail> {
        loop {
            self.spaces();
            if self.peek() == Some('#') {
                self.comment()?;
            }
            if !(self.eat("\n") || self.eat("\r\n")) {
                return Ok(());
            }
        }
    }

    fn document(&mut self, root: &mut Table) -> Result<(), Fail> {
        let mut current: Vec<String> = Vec::new();
        loop {
            self.blank()?;
            if self.rest().is_empty() {
                return Ok(());
            }
            if self.peek() == Some('[') {
                current = self.header(root)?;
            } else {
                let Some(table) = descend(root, &current) else {
                    return self.fail("internal error: the current table is gone");
                };
                self.key_value(table)?;
            }
            self.line_end()?;
        }
    }

    fn header(&mut self, root: &mut Table) -> Result<Vec<String>, Fail> {
        let start = self.pos;
        let line = self.line();
        let array = self.eat("[[");
        if !array {
            self.eat("[");
        }
        self.spaces();
        let keys = self.key()?;
        self.spaces();
        if !self.eat(if array { "]]" } else { "]" }) {
            return self.fail(if array { "expected `]]` to close the table header" } else { "expected `]` to close the table header" });
        }
        let mut table = root;
        for (i, key) in keys[..keys.len() - 1].iter().enumerate() {
            let node = table.children.entry(key.clone()).or_insert_with(|| Node::Table(Table::new(Kind::Implicit, line)));
            let value = match &*node {
                Node::Value { line } => Some(*line),
                Node::Table(t) if t.kind == Kind::Inline => Some(t.line),
                _ => None,
            };
            table = match (node, value) {
                (Node::Table(t), None) => t,
                (Node::Array(tables), None) => tables.last_mut().ok_or((start, "empty array of tables".to_owned()))?,
                (_, at) => {
                    let at = at.unwrap_or(0);
                    return Err((start, format!("`{}` is already a value (line {at}), not a table", dotted(&keys[..=i]))));
                }
            };
        }
        let last = &keys[keys.len() - 1];
        let name = dotted(&keys);
        match (table.children.get_mut(last), array) {
            (None, false) => {
                table.children.insert(last.clone(), Node::Table(Table::new(Kind::Header, line)));
            }
            (None, true) => {
                table.children.insert(last.clone(), Node::Array(vec![Table::new(Kind::Header, line)]));
            }
            (Some(Node::Array(tables)), true) => tables.push(Table::new(Kind::Header, line)),
            (Some(Node::Table(t)), false) if t.kind == Kind::Implicit => {
                t.kind = Kind::Header;
                t.line = line;
            }
            (Some(Node::Table(t)), false) if t.kind == Kind::Dotted => {
                return Err((start, format!("table [{name}] was already made by dotted keys (line {})", t.line)));
            }
            (Some(node), _) => {
                let at = first_at(node);
                return Err((start, format!("[{name}] is defined twice (first at line {at})")));
            }
        }
        Ok(keys)
    }

    /// A dotted key: one or more simple keys joined by `.`.
    fn key(&mut self) -> Result<Vec<String>, Fail> {
        let mut keys = vec![self.simple_key()?];
        loop {
            let save = self.pos;
            self.spaces();
            if !self.eat(".") {
                self.pos = save;
                return Ok(keys);
            }
            self.spaces();
            keys.push(self.simple_key()?);
        }
    }

    fn simple_key(&mut self) -> Result<String, Fail> {
        match self.peek() {
            Some('"') => self.basic_string(),
            Some('\'') => self.literal_string(),
            _ => {
                let len = self.rest().bytes().take_while(|b| is_bare(*b)).count();
                if len == 0 {
                    return self.fail("expected a key");
                }
                let key = self.rest()[..len].to_owned();
                self.pos += len;
                Ok(key)
            }
        }
    }

    fn key_value(&mut self, table: &mut Table) -> Result<(), Fail> {
        let start = self.pos;
        let line = self.line();
        let keys = self.key()?;
        self.spaces();
        if !self.eat("=") {
            return self.fail("expected `=` after the key");
        }
        self.spaces();
        let node = self.value(line)?;
        let mut table = table;
        for (i, key) in keys[..keys.len() - 1].iter().enumerate() {
            let node = table.children.entry(key.clone()).or_insert_with(|| Node::Table(Table::new(Kind::Dotted, line)));
            let at = first_at(node);
            table = match node {
                Node::Table(t) if t.kind == Kind::Dotted => t,
                _ => {
                    return Err((start, format!("`{}` is already defined (line {at}); a dotted key cannot extend it", dotted(&keys[..=i]))));
                }
            };
        }
        let last = &keys[keys.len() - 1];
        if let Some(existing) = table.children.get(last) {
            let at = first_at(existing);
            return Err((start, format!("duplicate key `{}` (first at line {at})", dotted(&keys))));
        }
        table.children.insert(last.clone(), node);
        Ok(())
    }

    fn value(&mut self, line: usize) -> Result<Node, Fail> {
        match self.peek() {
            Some('"') => self.basic_string().map(|_| Node::Value { line }),
            Some('\'') => self.literal_string().map(|_| Node::Value { line }),
            Some('[') => {
                self.pos += 1;
                loop {
                    self.blank()?;
                    if self.eat("]") {
                        return Ok(Node::Value { line });
                    }
                    self.value(line)?;
                    self.blank()?;
                    if self.eat("]") {
                        return Ok(Node::Value { line });
                    }
                    if !self.eat(",") {
                        return self.fail("expected `,` or `]` in the array");
                    }
                }
            }
            Some('{') => {
                self.pos += 1;
                let mut table = Table::new(Kind::Inline, line);
                self.spaces();
                if self.eat("}") {
                    return Ok(Node::Table(table));
                }
                loop {
                    self.spaces();
                    self.key_value(&mut table)?;
                    self.spaces();
                    if self.eat("}") {
                        return Ok(Node::Table(table));
                    }
                    if !self.eat(",") {
                        return self.fail("expected `,` or `}` in the inline table");
                    }
                }
            }
            _ => {
                let len = self.rest().bytes().take_while(|b| b.is_ascii_alphanumeric() || b"+-_.:".contains(b)).count();
                let word = &self.rest()[..len];
                // A date-time may have one space between date and time.
                let len = match self.rest()[len..].strip_prefix(' ') {
                    Some(more) if word.len() == 10 && more.starts_with(|c: char| c.is_ascii_digit()) => {
                        len + 1 + more.bytes().take_while(|b| b.is_ascii_alphanumeric() || b"+-_.:".contains(b)).count()
                    }
                    _ => len,
                };
                let word = &self.rest()[..len];
                let signed = word.len() > 1 && word.starts_with(['+', '-']);
                let plausible = matches!(word, "true" | "false" | "inf" | "+inf" | "-inf" | "nan" | "+nan" | "-nan")
                    || word.starts_with(|c: char| c.is_ascii_digit())
                    || signed;
                if !plausible {
                    return self.fail("expected a value (a string, number, boolean, date, array or inline table)");
                }
                self.pos += len;
                Ok(Node::Value { line })
            }
        }
    }

    fn basic_string(&mut self) -> Result<String, Fail> {
        let multi = self.eat("\"\"\"");
        if !multi {
            self.eat("\"");
        }
        let mut out = String::new();
        loop {
            let Some(c) = self.peek() else { return self.fail("unterminated string") };
            if multi && self.rest().starts_with("\"\"\"") {
                // Up to two quotes may end the content right before the closing three.
                let quotes = self.rest().bytes().take_while(|b| *b == b'"').count().min(5);
                self.pos += quotes;
                out.push_str(&"\"".repeat(quotes - 3));
                return Ok(out);
            }
            if !multi && c == '"' {
                self.pos += 1;
                return Ok(out);
            }
            if c == '\\' {
                self.pos += 1;
                match self.peek() {
                    Some(e @ ('b' | 't' | 'n' | 'f' | 'r' | '"' | '\\')) => {
                        self.pos += 1;
                        out.push(e);
                    }
                    Some(u @ ('u' | 'U')) => {
                        let digits = if u == 'u' { 4 } else { 8 };
                        let hex = self.rest().get(1..1 + digits).unwrap_or("");
                        match u32::from_str_radix(hex, 16).ok().filter(|_| hex.len() == digits).and_then(char::from_u32) {
                            Some(ch) => out.push(ch),
                            None => return self.fail("invalid unicode escape"),
                        }
                        self.pos += 1 + digits;
                    }
                    Some(' ' | '\t' | '\r' | '\n') if multi => {
                        // A line-ending backslash trims the break and the whitespace after it.
                        self.spaces();
                        if !(self.eat("\n") || self.eat("\r\n")) {
                            return self.fail("only whitespace may follow a line-ending backslash");
                        }
                        while matches!(self.peek(), Some(' ' | '\t' | '\n' | '\r')) {
                            self.pos += 1;
                        }
                    }
                    _ => return self.fail("invalid escape in a string"),
                }
                continue;
            }
            if c == '\n' && !multi {
                return self.fail("unterminated string");
            }
            if c.is_control() && c != '\t' && !(multi && (c == '\n' || c == '\r')) {
                return self.fail("control character in a string");
            }
            out.push(c);
            self.pos += c.len_utf8();
        }
    }

    fn literal_string(&mut self) -> Result<String, Fail> {
        let multi = self.eat("'''");
        if !multi {
            self.eat("'");
        }
        let close = if multi { "'''" } else { "'" };
        let Some(end) = self.rest().find(close) else { return self.fail("unterminated string") };
        let extra = if multi { self.rest()[end + 3..].bytes().take_while(|b| *b == b'\'').count().min(2) } else { 0 };
        let body = &self.rest()[..end + extra];
        if !multi && body.contains('\n') {
            return self.fail("unterminated string");
        }
        let out = body.to_owned();
        self.pos += end + extra + close.len();
        Ok(out)
    }
}

/// The table a `[header]` named: the path was checked when the header was read.
fn descend<'t>(root: &'t mut Table, path: &[String]) -> Option<&'t mut Table> {
    let mut table = root;
    for key in path {
        table = match table.children.get_mut(key)? {
            Node::Table(t) => t,
            Node::Array(tables) => tables.last_mut()?,
            Node::Value { .. } => return None,
        };
    }
    Some(table)
}

#[cfg(test)]
mod tests {
    use super::check;

    fn problem(text: &str) -> String {
        let p = check(text).expect_err("must be refused");
        format!("{}:{}: {}", p.line, p.col, p.message)
    }

    #[test]
    fn reads_what_cargo_manifests_hold() {
        let text = "# @generated\n\n[package]\nname = \"linkspec-clients\"\nedition.workspace = true\nversion = '0.1.0' # c\n\n[features]\ndefault = [\"a\", \"b\",]\na = []\n\"b\" = [\n  # why\n  \"a\",\n]\n\n[dependencies]\nserde = { workspace = true, features = [\"derive\"] }\n[dependencies.x]\npath = \"x\"\n[[bin]]\nname = \"one\"\n[[bin]]\nname = \"two\"\n[target.'cfg(unix)'.dependencies]\nlibc = \"0.2\"\n[a.b]\n[a]\nn = 1_000\nf = -1.5e3\nd = 1979-05-27T07:32:00Z\ne = 1979-05-27 07:32:00\ns = \"\"\"\nmulti \"line\"\"\"\"\nl = '''raw'''\n";
        assert_eq!(check(text), Ok(()));
    }

    #[test]
    fn duplicate_keys_and_tables_are_located() {
        assert_eq!(problem("[features]\ndefault = []\nplaid = []\ndefault = [\"plaid\"]\n"), "4:1: duplicate key `default` (first at line 2)");
        assert_eq!(problem("[features]\n[package]\n[features]\n"), "3:1: [features] is defined twice (first at line 1)");
        assert_eq!(problem("[p]\nedition = \"2024\"\nedition.workspace = true\n"), "3:1: `edition` is already defined (line 2); a dotted key cannot extend it");
        assert_eq!(problem("a = { b = 1, b = 2 }\n"), "1:14: duplicate key `b` (first at line 1)");
        assert_eq!(problem("[a]\nb.c = 1\n[a.b]\n"), "3:1: table [a.b] was already made by dotted keys (line 2)");
        assert_eq!(problem("a = 1\n[a.b]\n"), "2:1: `a` is already a value (line 1), not a table");
        assert_eq!(problem("\"a\" = 1\na = 2\n"), "2:1: duplicate key `a` (first at line 1)");
    }

    #[test]
    fn syntax_errors_are_located() {
        assert_eq!(problem("[features\n"), "1:10: expected `]` to close the table header");
        assert_eq!(problem("a = \"open\n"), "1:10: unterminated string");
        assert_eq!(problem("a = [1 2]\n"), "1:8: expected `,` or `]` in the array");
        assert_eq!(problem("a = nope\n"), "1:5: expected a value (a string, number, boolean, date, array or inline table)");
        assert_eq!(problem("a = 1 b = 2\n"), "1:7: expected the end of the line");
        assert_eq!(problem("= 1\n"), "1:1: expected a key");
    }
}
