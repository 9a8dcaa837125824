//! `--update` and `--check`: a fresh import merged into an existing provider directory.
//!
//! The existing files are the maintainer's: nothing in them is rewritten. What the document has
//! and the spec lacks (operations, models, enums, fields, parameters, enum values) is added as
//! text, at the end of the mapping or list it belongs to, so comments and layout stay. What
//! differs (a type, optional, nullable, an answer) and what the spec has that the document no
//! longer has are listed, never applied: a difference may be a maintainer's correction.
//! Operations are matched by method and path (a maintainer may rename them), models and enums
//! by name.

use super::doc::{self, get, text};
use super::yaml::{self, Y};
use crate::spec::shape::{self, Kind, Node};
use std::collections::{BTreeMap, HashMap};

/// What an update found.
#[derive(Debug, Default, Clone)]
pub struct Update {
    /// Files written: changed or new ones only, name and full text.
    pub files: Vec<(String, String)>,
    /// What was added (`operation list_accounts`, `field Account.mask`).
    pub added: Vec<String>,
    /// What differs between document and spec, left as the spec has it.
    pub changed: Vec<String>,
    /// What the spec has and the document no longer does, kept.
    pub removed: Vec<String>,
}

impl Update {
    /// True when the document has something the spec lacks: `--check` fails. What the spec has
    /// and the document lacks is listed but does not fail: it may be the maintainer's own
    /// addition (a field the vendor forgot), which no import can tell from a vendor's removal.
    pub fn moved(&self) -> bool {
        !self.added.is_empty()
    }
}

/// A file of the existing directory, read.
struct File {
    name: String,
    text: String,
    root: Node,
    /// Byte offset of each line's start.
    lines: Vec<usize>,
    edits: Vec<(usize, usize, String)>,
}

impl File {
    fn read(name: &str, text: &str) -> Result<File, String> {
        let root = shape::read(text).map_err(|e| format!("{name}: {e}"))?;
        let mut lines = vec![0];
        lines.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        Ok(File { name: name.to_owned(), text: text.to_owned(), root, lines, edits: Vec::new() })
    }

    fn line(&self, n: usize) -> &str {
        let start = self.lines.get(n.saturating_sub(1)).copied().unwrap_or(self.text.len());
        let end = self.lines.get(n).copied().unwrap_or(self.text.len());
        self.text[start..end].trim_end_matches('\n')
    }

    /// Byte offset of a node's start.
    fn offset(&self, node: &Node) -> usize {
        let line = node.loc.line.max(1) as usize;
        let start = self.lines.get(line - 1).copied().unwrap_or(self.text.len());
        let col = node.loc.col.max(1) as usize - 1;
        self.text[start..].char_indices().nth(col).map(|(i, _)| start + i).unwrap_or(self.text.len())
    }

    fn starts_with(&self, node: &Node, c: char) -> bool {
        self.text[self.offset(node)..].starts_with(c)
    }

    /// The byte offset just after the last line of the block collection whose entries start at
    /// column `col` (1-based) and whose last entry starts on `last_line`.
    fn block_end(&self, col: usize, last_line: usize) -> usize {
        let total = self.lines.len();
        let mut end_line = last_line;
        let mut n = last_line + 1;
        while n <= total {
            let line = self.line(n);
            let trimmed = line.trim_start();
            if trimmed.is_empty() {
                n += 1;
                continue;
            }
            // Entries start at column `col` (indent `col - 1`); deeper lines belong to the last
            // entry, and a line at the entries' indent or left of it ends the collection.
            let indent = line.len() - trimmed.len();
            if indent < col {
                break;
            }
            end_line = n;
            n += 1;
        }
        self.lines.get(end_line).copied().unwrap_or(self.text.len())
    }

    /// Adds `entries` to the block or flow mapping `node` (a value of this file), or, when
    /// `node` is `None`, as a new key `key` under `parent` at `indent`.
    fn add_entries(&mut self, node: &Node, entries: &[(String, Y)], indent: usize, blank_between: bool) {
        match &node.kind {
            Kind::Map(existing) if !existing.is_empty() && !self.starts_with(node, '{') => {
                let col = existing[0].0.loc.col as usize;
                let last = existing.last().map(|(k, _)| k.loc.line as usize).unwrap_or(1);
                let at = self.block_end(col, last);
                let mut text = String::new();
                for entry in entries {
                    if blank_between {
                        text.push('\n');
                    }
                    text.push_str(&yaml::entries(col - 1, std::slice::from_ref(entry)));
                }
                self.edits.push((at, at, text));
            }
            _ => {
                // A flow mapping (`{}`, `{ a: 1 }`) or an empty value: written again in block
                // style with the new entries after the old.
                let mut all = to_y(node).map(|y| match y {
                    Y::Map(e) => e,
                    _ => Vec::new(),
                }).unwrap_or_default();
                all.extend(entries.iter().cloned());
                let start = self.offset(node);
                let end = flow_end(&self.text, start);
                let mut text = String::from("\n");
                text.push_str(&yaml::entries(indent, &all));
                // The rest of the line after the flow mapping (a comment) stays on its line.
                let replaced_to = end;
                let before = self.text[..start].trim_end_matches(' ').len();
                self.edits.push((before, replaced_to, text.trim_end_matches('\n').to_owned()));
            }
        }
    }

    /// Adds values to the list `node` (flow `[a, b]` or block `- a`).
    fn add_items(&mut self, node: &Node, values: &[Y]) {
        let items = doc::items(node);
        if self.starts_with(node, '[') {
            let added: Vec<String> = values.iter().map(yaml::inline).collect();
            match items.last() {
                // Right after the last item, before any comma, comment or line break that
                // follows it: `[a, b # note\n]` becomes `[a, b, c # note\n]`.
                Some(last) => {
                    let at = value_end(&self.text, self.offset(last));
                    self.edits.push((at, at, format!(", {}", added.join(", "))));
                }
                None => {
                    let start = self.offset(node);
                    let close = flow_end(&self.text, start).saturating_sub(1);
                    self.edits.push((close, close, added.join(", ")));
                }
            }
        } else if let Some(last) = items.last() {
            // `- value` lines: the dash is two columns left of the item.
            let col = (last.loc.col as usize).saturating_sub(2).max(1);
            let at = self.block_end(col, last.loc.line as usize);
            let mut text = String::new();
            for v in values {
                text.push_str(&" ".repeat(col - 1));
                text.push_str("- ");
                text.push_str(&yaml::inline(v));
                text.push('\n');
            }
            self.edits.push((at, at, text));
        }
    }

    /// Adds a top-level section (`models:`) with entries at the end of the file.
    fn add_section(&mut self, key: &str, entries: &[(String, Y)]) {
        let mut text = String::new();
        if !self.text.ends_with('\n') && !self.text.is_empty() {
            text.push('\n');
        }
        text.push_str(key);
        text.push_str(":\n");
        for (i, entry) in entries.iter().enumerate() {
            if i > 0 {
                text.push('\n');
            }
            text.push_str(&yaml::entries(2, std::slice::from_ref(entry)));
        }
        let at = self.text.len();
        self.edits.push((at, at, text));
    }

    fn finish(mut self) -> Option<(String, String)> {
        if self.edits.is_empty() {
            return None;
        }
        self.edits.sort_by(|a, b| b.0.cmp(&a.0).then(b.1.cmp(&a.1)));
        let mut text = self.text.clone();
        let crlf = self.text.contains("\r\n");
        for (start, end, insert) in &self.edits {
            let mut insert = insert.clone();
            // Lines added at the end of a file without a final line break start on a line of
            // their own.
            if *start == self.text.len() && !self.text.is_empty() && !self.text.ends_with('\n') && !insert.starts_with('\n') {
                insert.insert(0, '\n');
            }
            // A file with CRLF line endings keeps them.
            if crlf {
                insert = insert.replace("\r\n", "\n").replace('\n', "\r\n");
            }
            text.replace_range(*start..*end, &insert);
        }
        Some((self.name, text))
    }
}

/// The offset just after the flow collection that starts at `start` (`{...}` or `[...]`),
/// quotes respected; the end of the line when it does not close there.
fn flow_end(text: &str, start: usize) -> usize {
    let bytes = text.as_bytes();
    let mut depth = 0i32;
    let mut i = start;
    let mut quote: Option<u8> = None;
    // The last byte outside whitespace: a quote opens a scalar only where one can start (after
    // `[`, `{`, `,` or `:`); elsewhere it is part of a plain scalar (`It's`).
    let mut prev = b'[';
    while i < bytes.len() {
        let b = bytes[i];
        match quote {
            Some(q) => {
                if b == b'\\' && q == b'"' {
                    i += 1;
                } else if b == q {
                    quote = None;
                }
            }
            None => match b {
                b'"' | b'\'' if matches!(prev, b'[' | b'{' | b',' | b':') => quote = Some(b),
                // A comment runs to the end of its line (its quotes and brackets are text).
                b'#' if i > start && bytes[i - 1].is_ascii_whitespace() => {
                    while i < bytes.len() && bytes[i] != b'\n' {
                        i += 1;
                    }
                    continue;
                }
                b'{' | b'[' => depth += 1,
                b'}' | b']' => {
                    depth -= 1;
                    if depth == 0 {
                        return i + 1;
                    }
                }
                b'\n' if depth == 0 => return i,
                _ => {}
            },
        }
        if quote.is_none() && !bytes[i].is_ascii_whitespace() {
            prev = bytes[i];
        }
        i += 1;
    }
    bytes.len()
}

/// The offset just after the value that starts at `start` inside a flow collection: a nested
/// collection, a quoted scalar, or a plain one (up to `,`, `]`, `}`, ` #` or the line's end).
fn value_end(text: &str, start: usize) -> usize {
    let bytes = text.as_bytes();
    match bytes.get(start) {
        Some(b'{' | b'[') => flow_end(text, start),
        Some(&q @ (b'"' | b'\'')) => {
            let mut i = start + 1;
            while i < bytes.len() {
                if q == b'"' && bytes[i] == b'\\' {
                    i += 2;
                    continue;
                }
                if bytes[i] == q {
                    if q == b'\'' && bytes.get(i + 1) == Some(&b'\'') {
                        i += 2;
                        continue;
                    }
                    return i + 1;
                }
                i += 1;
            }
            bytes.len()
        }
        _ => {
            let mut i = start;
            while i < bytes.len() {
                match bytes[i] {
                    b',' | b']' | b'}' | b'\n' | b'\r' => break,
                    b'#' if i > start && bytes[i - 1].is_ascii_whitespace() => break,
                    _ => i += 1,
                }
            }
            start + text[start..i].trim_end().len()
        }
    }
}

/// A node as a printable tree (comments inside are lost; only used for flow mappings).
fn to_y(node: &Node) -> Option<Y> {
    Some(match &node.kind {
        Kind::Null => Y::Lit("null".into()),
        Kind::Bool(b) => Y::Lit(b.to_string()),
        Kind::Number(n) => Y::Lit(n.clone()),
        Kind::Str(s) => Y::Str(s.clone()),
        Kind::Seq(items) => Y::Seq(items.iter().filter_map(to_y).collect()),
        Kind::Map(entries) => Y::Map(entries.iter().filter_map(|(k, v)| Some((text(k)?.to_owned(), to_y(v)?))).collect()),
    })
}

/// New entries of one file, by section (`operations`, `models`, `enums`).
type Sections = BTreeMap<&'static str, Vec<(String, Y)>>;

/// Where each existing entry is: file index and its node.
struct Index {
    /// `METHOD path` -> (file, operation name).
    operations: HashMap<String, (usize, String)>,
    op_names: HashMap<String, usize>,
    /// Model or enum name -> (file, is enum).
    types: HashMap<String, (usize, bool)>,
}

fn section<'n>(root: &'n Node, key: &str) -> Option<&'n Node> {
    get(root, key)
}

/// The headers the provider file of `existing` declares (`headers:`), which an import does not
/// repeat as parameters.
pub fn provider_headers(existing: &[(String, String)]) -> Vec<String> {
    existing
        .iter()
        .filter_map(|(_, t)| shape::read(t).ok())
        .filter(|root| get(root, "provider").is_some())
        .flat_map(|root| doc::entries(get(&root, "headers").unwrap_or(&root)).iter().filter_map(|(k, _)| text(k).map(str::to_owned)).collect::<Vec<_>>())
        .collect()
}

/// Merges `fresh` (an import of the document, files by name) into `existing` (the provider
/// directory's files, by name). `Err` when an existing file is not YAML.
pub fn merge(existing: &[(String, String)], fresh: &[(String, String)]) -> Result<Update, String> {
    let mut files: Vec<File> = existing.iter().map(|(n, t)| File::read(n, t)).collect::<Result<_, _>>()?;
    let fresh_files: Vec<(String, Node)> = fresh.iter().map(|(n, t)| shape::read(t).map(|r| (n.clone(), r)).map_err(|e| format!("{n}: {e}"))).collect::<Result<_, _>>()?;
    let mut index = Index { operations: HashMap::new(), op_names: HashMap::new(), types: HashMap::new() };
    for (i, f) in files.iter().enumerate() {
        for (k, op) in section(&f.root, "operations").map(doc::entries).unwrap_or(&[]) {
            let Some(name) = text(k) else { continue };
            let key = format!("{} {}", doc::get_str(op, "method").unwrap_or(""), doc::get_str(op, "path").unwrap_or(""));
            index.operations.insert(key, (i, name.to_owned()));
            index.op_names.insert(name.to_owned(), i);
        }
        for (sec, is_enum) in [("models", false), ("enums", true)] {
            for (k, _) in section(&f.root, sec).map(doc::entries).unwrap_or(&[]) {
                if let Some(name) = text(k) {
                    index.types.insert(name.to_owned(), (i, is_enum));
                }
            }
        }
    }
    let mut update = Update::default();
    // New top-level entries per file name: (section, entries).
    let mut new_entries: BTreeMap<String, Sections> = BTreeMap::new();
    let mut seen_ops = std::collections::HashSet::new();
    let mut seen_types = std::collections::HashSet::new();
    for (file_name, root) in &fresh_files {
        for (k, op) in section(root, "operations").map(doc::entries).unwrap_or(&[]) {
            let Some(name) = text(k) else { continue };
            let key = format!("{} {}", doc::get_str(op, "method").unwrap_or(""), doc::get_str(op, "path").unwrap_or(""));
            seen_ops.insert(key.clone());
            match index.operations.get(&key) {
                Some((fi, existing_name)) => {
                    let fi = *fi;
                    let existing_name = existing_name.clone();
                    merge_operation(&mut files[fi], &existing_name, op, &mut update);
                }
                None if index.op_names.contains_key(name) => {
                    update.changed.push(format!("operation `{name}` ({key}): the spec has an operation of that name at another method or path; not added"));
                }
                None => {
                    update.added.push(format!("operation `{name}` ({key})"));
                    new_entries.entry(file_name.clone()).or_default().entry("operations").or_default().push((name.to_owned(), to_y(op).unwrap_or(Y::map())));
                }
            }
        }
        for (sec, is_enum) in [("models", false), ("enums", true)] {
            for (k, entry) in section(root, sec).map(doc::entries).unwrap_or(&[]) {
                let Some(name) = text(k) else { continue };
                seen_types.insert(name.to_owned());
                match index.types.get(name) {
                    Some((fi, existing_is_enum)) if *existing_is_enum == is_enum => {
                        let fi = *fi;
                        if is_enum {
                            merge_enum(&mut files[fi], name, entry, &mut update);
                        } else {
                            merge_model(&mut files[fi], name, entry, &mut update);
                        }
                    }
                    Some(_) => update.changed.push(format!("`{name}` is a{} in the document and a{} in the spec; kept", if is_enum { "n enum" } else { " model" }, if is_enum { " model" } else { "n enum" })),
                    None => {
                        update.added.push(format!("{} `{name}`", if is_enum { "enum" } else { "model" }));
                        new_entries.entry(file_name.clone()).or_default().entry(sec_name(sec)).or_default().push((name.to_owned(), to_y(entry).unwrap_or(Y::map())));
                    }
                }
            }
        }
    }
    drop_unreachable(&files, &mut new_entries, &mut update);
    for (key, (fi, name)) in &index.operations {
        if !seen_ops.contains(key) {
            update.removed.push(format!("operation `{name}` ({key}, {}): not in the document", files[*fi].name));
        }
    }
    update.removed.sort();
    // New entries go at the end of their file's section, or into a new file.
    let mut new_files = Vec::new();
    for (file_name, sections) in new_entries {
        match files.iter_mut().find(|f| f.name == file_name) {
            Some(file) => {
                for (sec, entries) in sections {
                    let node = section(&file.root, sec).cloned();
                    match node {
                        Some(node) => file.add_entries(&node, &entries, 2, true),
                        None => file.add_section(sec, &entries),
                    }
                }
            }
            None => {
                let mut root = Y::map();
                for (sec, entries) in sections {
                    root.push(sec, Y::Map(entries));
                }
                let header = fresh.iter().find(|(n, _)| *n == file_name).map(|(_, t)| t.lines().take_while(|l| l.starts_with('#')).map(|l| format!("{l}\n")).collect::<String>()).unwrap_or_default();
                new_files.push((file_name.clone(), yaml::document(&header, &root)));
            }
        }
    }
    update.files = files.into_iter().filter_map(File::finish).chain(new_files).collect();
    update.files.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(update)
}

/// The type names a spec entry names: `type`, `body` and `responses` values, containers opened.
fn names_in(node: &Node, out: &mut Vec<String>) {
    for (k, v) in doc::entries(node) {
        match (text(k), &v.kind) {
            (Some("type" | "body"), Kind::Str(t)) => out.extend(super::type_words(t).map(str::to_owned)),
            (Some("responses"), Kind::Map(entries)) => {
                out.extend(entries.iter().filter_map(|(_, t)| text(t)).map(str::to_owned));
            }
            _ => names_in(v, out),
        }
    }
    for item in doc::items(node) {
        names_in(item, out);
    }
}

fn y_names(y: &Y, out: &mut Vec<String>) {
    match y {
        Y::Map(entries) => {
            for (k, v) in entries {
                match (k.as_str(), v) {
                    ("type" | "body", Y::Str(t)) => out.extend(super::type_words(t).map(str::to_owned)),
                    ("responses", Y::Map(rs)) => out.extend(rs.iter().filter_map(|(_, t)| if let Y::Str(t) = t { Some(t.clone()) } else { None })),
                    _ => y_names(v, out),
                }
            }
        }
        Y::Seq(items) => items.iter().for_each(|i| y_names(i, out)),
        _ => {}
    }
}

/// New models and enums that nothing in the merged spec would use (the spec's curation names
/// other types where the document names these) are not added: listed instead.
fn drop_unreachable(files: &[File], new_entries: &mut BTreeMap<String, Sections>, update: &mut Update) {
    // Roots: everything existing (operations and the types they reach are all used or already
    // reported by `generate`) plus the new operations and the fields added to existing entries.
    let mut used: Vec<String> = Vec::new();
    for f in files {
        names_in(&f.root, &mut used);
        for (_, _, text) in &f.edits {
            if let Ok(node) = shape::read(text) {
                names_in(&node, &mut used);
            }
        }
    }
    let mut types: HashMap<String, Y> = HashMap::new();
    for sections in new_entries.values() {
        for (sec, entries) in sections {
            if *sec == "operations" {
                for (_, e) in entries {
                    y_names(e, &mut used);
                }
            } else {
                for (name, e) in entries {
                    types.insert(name.clone(), e.clone());
                }
            }
        }
    }
    let mut reached: std::collections::HashSet<String> = std::collections::HashSet::new();
    while let Some(name) = used.pop() {
        if reached.insert(name.clone())
            && let Some(entry) = types.get(&name)
        {
            y_names(entry, &mut used);
        }
    }
    for sections in new_entries.values_mut() {
        for (sec, entries) in sections.iter_mut() {
            if *sec == "operations" {
                continue;
            }
            entries.retain(|(name, _)| {
                let keep = reached.contains(name);
                if !keep {
                    let what = if *sec == "enums" { "enum" } else { "model" };
                    update.added.retain(|a| *a != format!("{what} `{name}`"));
                    update.changed.push(format!("{what} `{name}` is not added: with the spec's own types nothing would use it"));
                }
                keep
            });
        }
        sections.retain(|_, entries| !entries.is_empty());
    }
    new_entries.retain(|_, sections| !sections.is_empty());
}

fn sec_name(sec: &str) -> &'static str {
    if sec == "models" { "models" } else { "enums" }
}

/// The entry `name` of section `sec` in `file`.
fn entry_of(file: &File, sec: &str, name: &str) -> Option<Node> {
    section(&file.root, sec).and_then(|s| get(s, name)).cloned()
}

fn describe(node: Option<&Node>) -> String {
    match node.and_then(to_y) {
        Some(y) => yaml::inline(&y),
        None => "nothing".to_owned(),
    }
}

fn merge_operation(file: &mut File, name: &str, fresh: &Node, update: &mut Update) {
    let Some(existing) = entry_of(file, "operations", name) else { return };
    for key in ["body", "body_format", "responses"] {
        let (a, b) = (get(&existing, key), get(fresh, key));
        if b.is_some() && a.map(to_y) != b.map(to_y) {
            update.changed.push(format!("operation `{name}`: `{key}` is {} in the document, {} in the spec (kept)", describe(b), describe(a)));
        }
    }
    merge_children(file, &format!("operation `{name}`"), "parameter", &existing, fresh, "params", &["in", "type", "required", "style"], 4, update);
}

fn merge_model(file: &mut File, name: &str, fresh: &Node, update: &mut Update) {
    let Some(existing) = entry_of(file, "models", name) else { return };
    merge_children(file, &format!("model `{name}`"), "field", &existing, fresh, "fields", &["type", "optional", "nullable"], 4, update);
}

/// Adds children (fields, params) the document has and the entry lacks; lists differences in
/// `keys` and children the document no longer has.
#[allow(clippy::too_many_arguments)]
fn merge_children(file: &mut File, owner: &str, what: &str, existing: &Node, fresh: &Node, key: &str, keys: &[&str], indent: usize, update: &mut Update) {
    let fresh_children = get(fresh, key).map(doc::entries).unwrap_or(&[]);
    let existing_map = get(existing, key);
    let existing_children = existing_map.map(doc::entries).unwrap_or(&[]);
    let mut added = Vec::new();
    for (k, child) in fresh_children {
        let Some(child_name) = text(k) else { continue };
        match existing_children.iter().find(|(ek, _)| text(ek) == Some(child_name)) {
            Some((_, old)) => {
                for attr in keys {
                    let (a, b) = (get(old, attr), get(child, attr));
                    if a.map(to_y) != b.map(to_y) {
                        update.changed.push(format!("{owner}: {what} `{child_name}`: `{attr}` is {} in the document, {} in the spec (kept)", describe(b), describe(a)));
                    }
                }
            }
            None => {
                update.added.push(format!("{owner}: {what} `{child_name}`"));
                added.push((child_name.to_owned(), to_y(child).unwrap_or(Y::map())));
            }
        }
    }
    for (ek, _) in existing_children {
        let Some(n) = text(ek) else { continue };
        if !fresh_children.iter().any(|(k, _)| text(k) == Some(n)) {
            update.removed.push(format!("{owner}: {what} `{n}`: not in the document"));
        }
    }
    if added.is_empty() {
        return;
    }
    match existing_map {
        Some(map) => file.add_entries(map, &added, indent + 2, false),
        None => {
            // No such key yet: added after the entry's last line.
            let entries = doc::entries(existing);
            if let Some((k, _)) = entries.last() {
                let col = entries[0].0.loc.col as usize;
                let at = file.block_end(col, k.loc.line as usize);
                let text = yaml::entries(col - 1, &[(key.to_owned(), Y::Map(added))]);
                file.edits.push((at, at, text));
            }
        }
    }
}

fn merge_enum(file: &mut File, name: &str, fresh: &Node, update: &mut Update) {
    let Some(existing) = entry_of(file, "enums", name) else { return };
    let value_text = |n: &Node| match &n.kind {
        Kind::Map(_) => doc::get(n, "value").map(|v| text(v).map(str::to_owned).unwrap_or_else(|| "null".into())),
        Kind::Null => Some("null".to_owned()),
        _ => text(n).map(str::to_owned),
    };
    let old: Vec<String> = get(&existing, "values").map(doc::items).unwrap_or(&[]).iter().filter_map(value_text).collect();
    let new_values: Vec<&Node> = get(fresh, "values").map(doc::items).unwrap_or(&[]).iter().collect();
    let fresh_texts: Vec<String> = new_values.iter().filter_map(|n| value_text(n)).collect();
    let mut added = Vec::new();
    for value in &new_values {
        let Some(t) = value_text(value) else { continue };
        if !old.contains(&t) {
            update.added.push(format!("enum `{name}`: value {t:?}"));
            if let Some(y) = to_y(value) {
                added.push(y);
            }
        }
    }
    for t in &old {
        if !fresh_texts.contains(t) {
            update.removed.push(format!("enum `{name}`: value {t:?}: not in the document"));
        }
    }
    if let (false, Some(values)) = (added.is_empty(), get(&existing, "values")) {
        let values = values.clone();
        file.add_items(&values, &added);
    }
}
