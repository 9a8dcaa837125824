//! Shape check: a spec read as a plain located YAML tree and compared with the JSON Schema
//! derived from the [`spec`](super) types, so that every unknown, duplicate or missing key and
//! every value of the wrong kind is reported in one run (serde stops at the first).
//!
//! Only the shape is checked here: which keys, and whether a value is a mapping, a list, a
//! string, a boolean or empty. Values themselves (`method: FETCH`) are `lower`'s job, which
//! explains them better, so the schema's `enum` lists are for editors only.

use crate::diag::{Diagnostic, Loc};
use crate::lower::edit_distance;
use serde::Deserialize;
use serde::de::{self, MapAccess, SeqAccess, Visitor};
use serde_json::Value;
use std::fmt;
use std::sync::OnceLock;

/// The most YAML nodes (scalars, lists and mappings) a spec may hold. It bounds the work and
/// memory a hostile file can cost; a real spec of 100,000 lines holds well under a million.
pub const MAX_NODES: usize = 2_000_000;

/// The deepest nesting of block collections a file may have.
pub const MAX_DEPTH: usize = 128;

/// The deepest nesting of flow collections (`{...}`, `[...]`) a file may have.
pub const MAX_FLOW_NESTING: usize = 128;

/// The most events aliases may replay in one file.
pub const MAX_REPLAYED_EVENTS: usize = 250_000;

/// The most parser events a spec may cause: about two per node.
pub const MAX_EVENTS: usize = 2 * MAX_NODES + 16;

/// How every spec file is read: YAML 1.2 booleans only (`yes` and `NO` stay strings, which
/// editors agree with), numbers such as `007` or `1_000` kept as written in untyped places, and
/// the size limits above.
pub fn options() -> serde_saphyr::Options {
    let mut options = serde_saphyr::Options::default();
    options.strict_booleans = true;
    options.leading_zero_numbers_as_strings = true;
    options.underscored_numbers_as_strings = true;
    let mut budget = serde_saphyr::budget::Budget::default();
    budget.max_nodes = MAX_NODES;
    budget.max_events = MAX_EVENTS;
    // Nesting is bounded so that reading never overflows a 2 MiB thread stack (a test
    // thread's): flow collections (`{ a: { b: ... } }`, every level of a JSON document) at
    // most `MAX_FLOW_NESTING` deep, block ones at the parser's default of 64.
    budget.flow_nesting_limit = MAX_FLOW_NESTING;
    budget.max_depth = MAX_DEPTH;
    options.budget = Some(budget);
    // A document whose aliases replay more than this many events (a "billion laughs") is
    // refused early; real specs and OpenAPI documents use few or no aliases.
    options.alias_limits.max_total_replayed_events = MAX_REPLAYED_EVENTS;
    options
}

/// A YAML node and where it starts.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    /// Where the node starts.
    pub loc: Loc,
    /// What it is.
    pub kind: Kind,
}

/// The kinds of YAML node, as the parser resolves plain scalars.
#[derive(Debug, Clone, PartialEq)]
pub enum Kind {
    /// `~`, `null` or nothing.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// A plain scalar that reads as a number, as text.
    Number(String),
    /// Any other scalar.
    Str(String),
    /// A sequence.
    Seq(Vec<Node>),
    /// A mapping, in file order, duplicates kept.
    Map(Vec<(Node, Node)>),
}

/// Reads `text` as a tree. Fails only when the text is not YAML (or exceeds the parser's
/// limits on depth, size and aliases).
pub fn read(text: &str) -> Result<Node, serde_saphyr::Error> {
    on_deep_stack(|| read_here(text))
}

/// Deserialises `text` into `T` with [`options`], on a deep stack (see [`on_deep_stack`]).
pub fn from_str<T: serde::de::DeserializeOwned + Send>(text: &str) -> Result<T, serde_saphyr::Error> {
    on_deep_stack(|| serde_saphyr::from_str_with_options::<T>(text, options()))
}

/// Runs `f` (a YAML read) on a thread whose stack holds the deepest nesting the limits allow.
/// Readers recurse once per level, and a debug build's frames are large (about 45 KiB a level
/// for [`read`]): a 2 MiB test thread overflows at ~45 levels, well below the limits. Only
/// the pages used are ever touched. Without a thread to be had (a process limit), `f` runs
/// here.
pub fn on_deep_stack<T: Send>(f: impl FnOnce() -> T + Send) -> T {
    // The closure waits here, so that it is still ours if no thread can be spawned.
    let slot = std::sync::Mutex::new(Some(f));
    let take = || slot.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).take();
    std::thread::scope(|scope| {
        let spawned = std::thread::Builder::new().name("linkspec-read".into()).stack_size(READ_STACK).spawn_scoped(scope, || take().map(|f| f()));
        let done = match spawned {
            Ok(handle) => handle.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
            Err(_) => None,
        };
        done.unwrap_or_else(|| take().map(|f| f()).expect("the read runs on one thread or the other"))
    })
}

/// The reading thread's stack: the nesting limits (block and flow) at 64 KiB a level, twice over.
const READ_STACK: usize = 2 * (MAX_DEPTH + MAX_FLOW_NESTING) * 64 * 1024;

fn read_here(text: &str) -> Result<Node, serde_saphyr::Error> {
    let mut options = options();
    options.duplicate_keys = serde_saphyr::options::DuplicateKeyPolicy::PassThrough;
    serde_saphyr::from_str_with_options::<super::Sp<Raw>>(text, options).map(into_node)
}

/// The tree as serde-saphyr hands it over, before locations are converted.
pub struct Raw(RawKind);

enum RawKind {
    Null,
    Bool(bool),
    Number(String),
    Str(String),
    Seq(Vec<super::Sp<Raw>>),
    Map(Vec<(super::Sp<Raw>, super::Sp<Raw>)>),
}

fn into_node(raw: super::Sp<Raw>) -> Node {
    let loc = Loc::of(&raw.referenced);
    let kind = match raw.value.0 {
        RawKind::Null => Kind::Null,
        RawKind::Bool(b) => Kind::Bool(b),
        RawKind::Number(n) => Kind::Number(n),
        RawKind::Str(s) => Kind::Str(s),
        RawKind::Seq(items) => Kind::Seq(items.into_iter().map(into_node).collect()),
        RawKind::Map(entries) => Kind::Map(entries.into_iter().map(|(k, v)| (into_node(k), into_node(v))).collect()),
    };
    Node { loc, kind }
}

impl<'de> Deserialize<'de> for Raw {
    fn deserialize<D: de::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct RawVisitor;
        impl<'de> Visitor<'de> for RawVisitor {
            type Value = Raw;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("any YAML value")
            }
            fn visit_unit<E: de::Error>(self) -> Result<Raw, E> {
                Ok(Raw(RawKind::Null))
            }
            fn visit_none<E: de::Error>(self) -> Result<Raw, E> {
                Ok(Raw(RawKind::Null))
            }
            fn visit_some<D: de::Deserializer<'de>>(self, d: D) -> Result<Raw, D::Error> {
                d.deserialize_any(self)
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<Raw, E> {
                Ok(Raw(RawKind::Bool(v)))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Raw, E> {
                Ok(Raw(RawKind::Number(v.to_string())))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Raw, E> {
                Ok(Raw(RawKind::Number(v.to_string())))
            }
            fn visit_i128<E: de::Error>(self, v: i128) -> Result<Raw, E> {
                Ok(Raw(RawKind::Number(v.to_string())))
            }
            fn visit_u128<E: de::Error>(self, v: u128) -> Result<Raw, E> {
                Ok(Raw(RawKind::Number(v.to_string())))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Raw, E> {
                Ok(Raw(RawKind::Number(v.to_string())))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Raw, E> {
                Ok(Raw(RawKind::Str(v.to_owned())))
            }
            fn visit_bytes<E: de::Error>(self, v: &[u8]) -> Result<Raw, E> {
                Ok(Raw(RawKind::Str(String::from_utf8_lossy(v).into_owned())))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Raw, A::Error> {
                let mut items = Vec::new();
                while let Some(item) = seq.next_element()? {
                    items.push(item);
                }
                Ok(Raw(RawKind::Seq(items)))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Raw, A::Error> {
                let mut entries = Vec::new();
                while let Some(key) = map.next_key()? {
                    let value = map.next_value()?;
                    entries.push((key, value));
                }
                Ok(Raw(RawKind::Map(entries)))
            }
        }
        deserializer.deserialize_any(RawVisitor)
    }
}

/// What a file is checked as: a whole spec, or one file of a provider directory.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// A provider in one file (`specs/<provider>.yaml`): `operations` is required.
    Whole,
    /// The file of a provider directory that holds `provider:`; `operations` may be elsewhere.
    ProviderFile,
    /// Any other file of a provider directory: `operations`, `models` and `enums` only.
    Part,
    /// A view file (`specs/views/<view>.yaml`).
    View,
}

fn schema(role: Role) -> &'static Value {
    static WHOLE: OnceLock<Value> = OnceLock::new();
    static PROVIDER_FILE: OnceLock<Value> = OnceLock::new();
    static PART: OnceLock<Value> = OnceLock::new();
    static VIEW: OnceLock<Value> = OnceLock::new();
    match role {
        Role::Whole => WHOLE.get_or_init(super::part::whole_file_schema),
        Role::ProviderFile => PROVIDER_FILE.get_or_init(super::spec_schema),
        Role::Part => PART.get_or_init(super::part::part_file_schema),
        Role::View => VIEW.get_or_init(super::view::view_file_schema),
    }
}

/// Every shape problem of a spec tree, in file order. Empty when the typed parse will succeed.
pub fn check(file: &str, root: &Node) -> Vec<Diagnostic> {
    check_as(file, root, Role::Whole)
}

/// Every shape problem of a tree read as a file of the given role, in file order.
pub fn check_as(file: &str, root: &Node, role: Role) -> Vec<Diagnostic> {
    let schema = schema(role);
    let mut checker = Checker { file, root: schema, out: Vec::new() };
    checker.node(root, schema, &Place { path: String::new(), key: None }, false);
    checker.out.sort_by_key(|d| d.loc);
    if role == Role::Part {
        // `field_help` describes a whole spec at the top; a part holds less.
        for d in checker.out.iter_mut().filter(|d| d.message.starts_with("the file must be")) {
            d.help = Some("a part of a provider directory is a mapping of `operations`, `models` and `enums`".to_owned());
        }
    }
    checker.out
}

/// Where a node sits: its dotted path for messages and the key that holds it.
struct Place {
    path: String,
    key: Option<Loc>,
}

impl Place {
    fn child(&self, key: &str, loc: Loc) -> Place {
        let path = if self.path.is_empty() { key.to_owned() } else { format!("{}.{key}", self.path) };
        Place { path, key: Some(loc) }
    }

    fn item(&self, index: usize, loc: Loc) -> Place {
        Place { path: format!("{}[{index}]", self.path), key: Some(loc) }
    }

    /// `at the top level` or `` in `operations.get_thing` ``.
    fn describe(&self) -> String {
        if self.path.is_empty() { "at the top level".to_owned() } else { format!("in `{}`", self.path) }
    }

    /// The last key of the path, for help texts.
    fn last(&self) -> &str {
        self.path.rsplit('.').next().unwrap_or(&self.path)
    }
}

struct Checker<'a> {
    file: &'a str,
    root: &'a Value,
    out: Vec<Diagnostic>,
}

/// A location that is always shown: the parser gives line 0 for an empty document.
fn located(loc: Loc) -> Loc {
    if loc.line == 0 { Loc { line: 1, col: 1, len: 1 } } else { Loc { col: loc.col.max(1), ..loc } }
}

impl<'a> Checker<'a> {
    fn error(&mut self, code: &'static str, loc: Loc, message: String, help: String) {
        self.out.push(Diagnostic::error(code, self.file, located(loc), message).help(help));
    }

    /// Follows `$ref`s into the schema's definitions.
    fn resolve(&self, mut schema: &'a Value) -> &'a Value {
        for _ in 0..16 {
            if let Some([only]) = schema.get("allOf").and_then(Value::as_array).map(Vec::as_slice) {
                schema = only;
                continue;
            }
            let Some(target) = schema.get("$ref").and_then(Value::as_str) else { break };
            let name = target.rsplit('/').next().unwrap_or_default();
            let defs = self.root.get("definitions").or_else(|| self.root.get("$defs"));
            match defs.and_then(|d| d.get(name)) {
                Some(next) => schema = next,
                None => break,
            }
        }
        schema
    }

    /// Checks `node` against `schema`. `exact` is set inside alternatives (`anyOf`), where a
    /// number or boolean is not read as a string.
    fn node(&mut self, node: &Node, schema: &'a Value, place: &Place, exact: bool) {
        let described = schema.get("description").and_then(Value::as_str);
        let schema = self.resolve(schema);
        let description = described.or_else(|| schema.get("description").and_then(Value::as_str));
        if let Some(branches) = schema.get("anyOf").or_else(|| schema.get("oneOf")).and_then(Value::as_array) {
            let branches: Vec<&'a Value> = branches.iter().map(|b| self.resolve(b)).collect();
            match branches.iter().find(|b| fits(&node.kind, types(b), true)) {
                Some(branch) => self.node(node, branch, place, true),
                None => {
                    let expected: Vec<String> = branches.iter().map(|b| expected(b)).collect();
                    let quote = matches!(node.kind, Kind::Number(_) | Kind::Bool(_))
                        && branches.iter().any(|b| types(b).contains(&"string"));
                    let help = if quote {
                        format!("quote it so it stays text exactly as written, e.g. `\"{}\"`", scalar_text(&node.kind))
                    } else {
                        field_help(place, description, &expected.join(", or "))
                    };
                    self.error(
                        "LS0004",
                        node.loc,
                        format!("{} must be {}, found {}", subject(place), expected.join(", or "), found(&node.kind)),
                        help,
                    );
                }
            }
            return;
        }
        let allowed = types(schema);
        if !fits(&node.kind, allowed, exact) {
            let expected = expected(schema);
            let help = field_help(place, description, &expected);
            self.error("LS0005", node.loc, format!("{} must be {expected}, found {}", subject(place), found(&node.kind)), help);
            return;
        }
        match &node.kind {
            Kind::Number(n) => self.range(node.loc, n, schema, place, description),
            Kind::Map(entries) => self.mapping(node, entries, schema, place),
            Kind::Seq(items) => {
                if let Some(item_schema) = schema.get("items") {
                    for (i, item) in items.iter().enumerate() {
                        self.node(item, item_schema, &place.item(i, item.loc), false);
                    }
                }
            }
            _ => {}
        }
    }

    /// A number the schema bounds (`minimum`, `maximum`, from the Rust type it is read into)
    /// must lie within the bounds; serde would stop reading the file at it.
    fn range(&mut self, loc: Loc, text: &str, schema: &Value, place: &Place, description: Option<&str>) {
        let bound = |key: &str| schema.get(key).and_then(Value::as_i64).map(i128::from);
        let (min, max) = (bound("minimum"), bound("maximum"));
        let range = match (min, max) {
            (Some(lo), Some(hi)) => format!("from {lo} to {hi}"),
            (Some(lo), None) => format!("{lo} or more"),
            (None, Some(hi)) => format!("{hi} or less"),
            (None, None) => return,
        };
        // Whole numbers only reach here for integer fields; one too long for i128 is out of range.
        let inside = text.parse::<i128>().is_ok_and(|v| min.is_none_or(|m| v >= m) && max.is_none_or(|m| v <= m));
        if inside {
            return;
        }
        let what = description.map(|d| format!("`{}`: {}", place.last(), d.lines().next().unwrap_or_default().trim()));
        self.error(
            "LS0008",
            loc,
            format!("{} must be a whole number {range}, found `{text}`", subject(place)),
            what.unwrap_or_else(|| format!("write a number {range}")),
        );
    }

    fn mapping(&mut self, node: &Node, entries: &[(Node, Node)], schema: &'a Value, place: &Place) {
        let properties = schema.get("properties").and_then(Value::as_object);
        let additional = schema.get("additionalProperties");
        let mut seen: Vec<(String, Loc)> = Vec::new();
        let mut suggested: Vec<&str> = Vec::new();
        for (key, value) in entries {
            let name = match &key.kind {
                Kind::Str(s) | Kind::Number(s) => s.clone(),
                Kind::Bool(b) => b.to_string(),
                other => {
                    self.error(
                        "LS0005",
                        key.loc,
                        format!("a key {} must be a name, found {}", place.describe(), found(other)),
                        "write keys as plain names, e.g. `get_user:`".to_owned(),
                    );
                    continue;
                }
            };
            if let Some((_, first)) = seen.iter().find(|(n, _)| *n == name) {
                let first = *first;
                self.error(
                    "LS0002",
                    key.loc,
                    format!("duplicate key `{name}` {} (first at line {})", place.describe(), first.line),
                    "remove or rename one of the two; YAML would keep only one of them".to_owned(),
                );
                continue;
            }
            seen.push((name.clone(), key.loc));
            let child = place.child(&name, key.loc);
            match properties.and_then(|p| p.get(&name)) {
                Some(property) => self.node(value, property, &child, false),
                None => match additional {
                    Some(Value::Bool(false)) => {
                        let known: Vec<&str> = properties.map(|p| p.keys().map(String::as_str).collect()).unwrap_or_default();
                        let help = match closest(&name, &known) {
                            Some(k) => {
                                suggested.push(k);
                                format!("did you mean `{k}`?")
                            }
                            None => format!("expected one of: {}", known.join(", ")),
                        };
                        self.error("LS0003", key.loc, format!("unknown key `{name}` {}", place.describe()), help);
                    }
                    Some(value_schema @ Value::Object(_)) => self.node(value, value_schema, &child, false),
                    _ => {}
                },
            }
        }
        let required = schema.get("required").and_then(Value::as_array).map(Vec::as_slice).unwrap_or_default();
        for name in required.iter().filter_map(Value::as_str) {
            // A misspelt key is reported once, as unknown with a suggestion, not also as missing.
            if seen.iter().any(|(n, _)| n == name) || suggested.contains(&name) {
                continue;
            }
            let about = properties
                .and_then(|p| p.get(name))
                .and_then(|p| p.get("description").or_else(|| self.resolve(p).get("description")))
                .and_then(Value::as_str)
                .map(|d| format!("; `{name}`: {}", d.lines().next().unwrap_or_default().trim()))
                .unwrap_or_default();
            self.error(
                "LS0006",
                place.key.unwrap_or(node.loc),
                format!("missing key `{name}` {}", place.describe()),
                format!("add `{name}:` here{about}"),
            );
        }
    }
}

/// The JSON types a schema allows; empty when it allows anything.
fn types(schema: &Value) -> Vec<&str> {
    match schema.get("type") {
        Some(Value::String(t)) => vec![t.as_str()],
        Some(Value::Array(ts)) => ts.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    }
}

/// True when a node of `kind` can be read as one of `types`, the way the typed parser reads it.
fn fits(kind: &Kind, types: Vec<&str>, exact: bool) -> bool {
    if types.is_empty() {
        return true;
    }
    let has = |t: &str| types.contains(&t);
    match kind {
        Kind::Null => has("null"),
        Kind::Bool(_) => has("boolean") || (!exact && has("string")),
        Kind::Number(n) => {
            has("number") || (has("integer") && !n.contains(['.', 'e', 'E'])) || (!exact && has("string"))
        }
        Kind::Str(s) => has("string") || (!exact && has("boolean") && is_yaml12_bool(s)),
        Kind::Seq(_) => has("array"),
        Kind::Map(_) => has("object"),
    }
}

/// The spellings a quoted boolean may have and still be read as one.
fn is_yaml12_bool(s: &str) -> bool {
    ["true", "True", "TRUE", "false", "False", "FALSE"].contains(&s.trim())
}

/// What a schema wants, in words.
fn expected(schema: &Value) -> String {
    let ts = types(schema);
    if ts == ["object"] {
        let required: Vec<String> = schema
            .get("required")
            .and_then(Value::as_array)
            .map(|r| r.iter().filter_map(Value::as_str).map(|k| format!("`{k}`")).collect())
            .unwrap_or_default();
        return match required.split_last() {
            None => "a mapping".to_owned(),
            Some((last, [])) => format!("a mapping with {last}"),
            Some((last, rest)) => format!("a mapping with {} and {last}", rest.join(", ")),
        };
    }
    let words: Vec<&str> = ts
        .iter()
        .map(|t| match *t {
            "object" => "a mapping",
            "array" => "a list",
            "string" => "a string",
            "boolean" => "`true` or `false`",
            "null" => "`null`",
            "integer" => "a whole number",
            "number" => "a number",
            _ => "a value",
        })
        .collect();
    if words.is_empty() { "a value".to_owned() } else { words.join(" or ") }
}

/// What a node is, in words.
fn found(kind: &Kind) -> String {
    match kind {
        Kind::Null => "nothing".to_owned(),
        Kind::Bool(b) => format!("the boolean `{b}`"),
        Kind::Number(n) => format!("the number `{n}`"),
        Kind::Str(s) => {
            let short: String = s.chars().take(40).collect();
            let more = if short.len() < s.len() { "..." } else { "" };
            format!("the string `{short}{more}`")
        }
        Kind::Seq(_) => "a list".to_owned(),
        Kind::Map(_) => "a mapping".to_owned(),
    }
}

fn scalar_text(kind: &Kind) -> String {
    match kind {
        Kind::Bool(b) => b.to_string(),
        Kind::Number(n) => n.clone(),
        _ => String::new(),
    }
}

/// `` `operations.get_thing.responses` `` or `the file`, as the subject of a sentence.
fn subject(place: &Place) -> String {
    if place.path.is_empty() { "the file".to_owned() } else { format!("`{}`", place.path) }
}

/// A help text from the field's doc: what the key is for, so the fix is obvious.
fn field_help(place: &Place, description: Option<&str>, expected: &str) -> String {
    match description {
        Some(d) if !place.path.is_empty() => format!("`{}`: {}", place.last(), d.lines().next().unwrap_or_default().trim()),
        _ if place.path.is_empty() => "a spec is a mapping of `provider`, `title`, `servers`, `auth`, `errors`, `operations`, `models` and `enums`".to_owned(),
        _ => format!("write {expected} here"),
    }
}

/// The known key closest to an unknown one, when close enough to be a typo.
fn closest<'k>(name: &str, known: &[&'k str]) -> Option<&'k str> {
    known
        .iter()
        .map(|k| (edit_distance(&name.to_lowercase(), k), *k))
        .filter(|(d, k)| *d <= 2 || (*d <= 3 && k.len() > 6))
        .min()
        .map(|(_, k)| k)
}
