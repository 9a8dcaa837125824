//! OpenAPI schemas to linkspec type expressions, models and enums.
//!
//! Components that are objects or enums become named models and enums; components that are
//! only another type under a name (`AccountId: { type: string }`) are written out where used,
//! since the format has no aliases. Inline objects and enums are named from their place
//! (`Account` field `balances` -> `AccountBalances`).

use super::doc::{self, Doc, RefError, get, get_bool, get_str, items, text};
use super::yaml::Y;
use super::{Docs, Findings, Kind as FindingKind, Sensitivity};
use crate::names;
use crate::spec::shape::{Kind, Node};
use std::collections::{HashMap, HashSet};

/// A type as a field or parameter uses it.
#[derive(Debug, Clone)]
pub struct Ty {
    /// The type expression: `string`, `list<Account>`, `map<integer?>`.
    pub expr: String,
    /// The value may be `null`.
    pub nullable: bool,
    /// The named type it is, when it is one.
    pub named: Option<usize>,
    /// `format: password` somewhere on the way.
    pub secret: bool,
}

impl Ty {
    fn plain(expr: &str) -> Ty {
        Ty { expr: expr.to_owned(), nullable: false, named: None, secret: false }
    }
}

/// A model or enum the import writes.
pub struct Named {
    /// Its spec name.
    pub name: String,
    /// Where it comes from (a component's or an inline schema's pointer).
    pub source: String,
    /// `models` or `enums`.
    pub is_enum: bool,
    /// Its spec entry (filled once converted).
    pub entry: Y,
    /// The named types its fields use.
    pub uses: Vec<usize>,
}

/// Keywords of a schema the importer reads. Any other is reported as not held.
const READ: &[&str] = &[
    "type",
    "format",
    "properties",
    "required",
    "nullable",
    "enum",
    "items",
    "additionalProperties",
    "allOf",
    "oneOf",
    "anyOf",
    "$ref",
    "description",
    "title",
    "deprecated",
];

/// Formats that change nothing the format holds (a 64-bit integer holds an int32).
const QUIET_FORMATS: &[&str] = &["int32", "int64", "double", "float", "date", "date-time", "password"];

/// The schema converter: the named types made so far, and the names taken.
pub struct Schemas<'a> {
    pub doc: &'a Doc<'a>,
    pub docs: &'a Docs,
    /// Every named type, in the order first met.
    pub named: Vec<Named>,
    by_source: HashMap<String, usize>,
    by_name: HashMap<String, usize>,
    /// Spec names of the document's components, decided up front.
    component_names: HashMap<String, String>,
    taken: HashSet<String>,
    seen_keywords: HashSet<String>,
    /// Alias components being expanded (a loop of aliases ends as `json`).
    expanding: Vec<String>,
    /// Schemas being converted, one inside the other: bounded so a hostile document cannot
    /// overflow the stack.
    depth: usize,
}

/// The most schemas converted one inside the other (a model's field's item's ...).
const MAX_DEPTH: usize = 64;

/// True for a schema that becomes a model: properties, or an `allOf` of several parts that say
/// more than a description.
fn is_object(node: &Node) -> bool {
    matches!(get(node, "properties").map(|n| &n.kind), Some(Kind::Map(e)) if !e.is_empty()) || list(node, "allOf").iter().filter(|p| substantive(p)).count() > 1
}

/// Keys that describe a schema without changing its type.
const ANNOTATIONS: &[&str] = &["description", "title", "nullable", "deprecated", "example", "examples", "readOnly", "writeOnly", "default"];

/// True for an `allOf` part that is more than annotations and a restated `type` (Plaid writes
/// `allOf: [{ $ref: UserId }, { type: string, description: ... }]`).
fn substantive(part: &Node) -> bool {
    doc::entries(part).iter().any(|(k, _)| text(k).is_some_and(|k| !ANNOTATIONS.contains(&k) && k != "type" && !k.starts_with("x-")))
}

/// The items of the sequence under `key` (none when absent).
fn list<'n>(node: &'n Node, key: &str) -> &'n [Node] {
    get(node, key).map(items).unwrap_or(&[])
}

/// True for an enum with at least one value that can be a variant (an enum of only `null`,
/// or of values without a letter or digit, is typed by its `type` instead).
fn is_enum(node: &Node) -> bool {
    list(node, "enum").iter().any(|v| match &v.kind {
        Kind::Str(s) | Kind::Number(s) => names::type_ident(s).is_some() && !super::operation::hostile(s),
        Kind::Bool(_) => true,
        _ => false,
    })
}

impl<'a> Schemas<'a> {
    /// Names every component schema (in document order, so names do not depend on which
    /// operations are imported) avoiding `reserved`.
    pub fn new(doc: &'a Doc<'a>, docs: &'a Docs, reserved: HashSet<String>, findings: &mut Findings) -> Schemas<'a> {
        let mut this = Schemas {
            doc,
            docs,
            named: Vec::new(),
            by_source: HashMap::new(),
            by_name: HashMap::new(),
            component_names: HashMap::new(),
            taken: reserved,
            seen_keywords: HashSet::new(),
            expanding: Vec::new(),
            depth: 0,
        };
        if let Some(schemas) = doc.root_get(&["components", "schemas"]) {
            for (key, value) in doc::entries(schemas) {
                let Some(name) = text(key) else { continue };
                let ptr = doc::child("/components/schemas", name);
                if is_object(value) || is_enum(value) {
                    let base = names::type_ident(name).unwrap_or_else(|| "Schema".to_owned());
                    let chosen = this.claim(&base);
                    if chosen != base {
                        findings.add(
                            FindingKind::Renamed,
                            &ptr,
                            key,
                            format!("schema `{name}` is `{chosen}`: `{base}` is taken by the generated code or another schema"),
                        );
                    }
                    this.component_names.insert(ptr, chosen);
                }
            }
        }
        this
    }

    /// Adds a model the document does not have (the error placeholder); gives its name.
    pub fn push_placeholder(&mut self, base: &str, entry: Y) -> String {
        let name = self.claim(base);
        self.push_named(Named { name: name.clone(), source: String::new(), is_enum: false, entry, uses: Vec::new() });
        name
    }

    /// The model of an object with no properties (a request body): no fields, every key kept.
    pub fn open_model(&mut self, node: &Node, ptr: &str, place: &str) -> usize {
        if let Some(&index) = self.by_source.get(ptr) {
            return index;
        }
        let name = match ptr.strip_prefix("/components/schemas/") {
            Some(component) => self.claim(&names::type_ident(&doc::unescape(component)).unwrap_or_else(|| "Schema".to_owned())),
            None => self.claim(&names::type_ident(place).unwrap_or_else(|| "Inline".to_owned())),
        };
        let mut entry = Y::map();
        let own = || format!("An object of `{name}` with no declared fields: any keys are sent as set.");
        entry.push("doc", Y::s(self.doc_of(node, own)));
        entry.push("unknown_keys", Y::s("keep"));
        entry.push("fields", Y::map());
        let index = self.push_named(Named { name, source: ptr.to_owned(), is_enum: false, entry, uses: Vec::new() });
        self.by_source.insert(ptr.to_owned(), index);
        index
    }

    /// True for a component schema that becomes a model or enum.
    pub fn is_named_component(&self, ptr: &str) -> bool {
        self.component_names.contains_key(ptr)
    }

    /// A free name close to `base`: itself, a request schema's `...Body`, or `base2`, `base3`...
    fn claim(&mut self, base: &str) -> String {
        // As linkspec itself would write it (`a b` -> `AB` -> `Ab`), so LS0302 never fires.
        let mut base = base.to_owned();
        for _ in 0..4 {
            match names::type_ident(&base) {
                Some(next) if next != base => base = next,
                _ => break,
            }
        }
        let base = base.as_str();
        let mut candidates = vec![base.to_owned()];
        if let Some(stem) = base.strip_suffix("Request") {
            candidates.push(format!("{stem}Body"));
        }
        candidates.push(format!("{base}Model"));
        for candidate in candidates {
            if !self.taken.contains(&candidate) {
                self.taken.insert(candidate.clone());
                return candidate;
            }
        }
        let chosen = super::numbered(base, "", |c| !self.taken.contains(c) && names::is_type_name(c));
        self.taken.insert(chosen.clone());
        chosen
    }

    /// Reports the keywords of a schema the format does not hold, once per schema.
    fn report_unread(&mut self, node: &Node, ptr: &str, findings: &mut Findings) {
        for (key, value) in doc::entries(node) {
            let Some(k) = text(key) else { continue };
            let known = READ.contains(&k)
                || (k == "deprecated" && !is_object(node))
                || (k == "format" && get_str(node, "format").is_some_and(|f| QUIET_FORMATS.contains(&f)));
            if known && k != "format" {
                continue;
            }
            if k == "format" && known {
                continue;
            }
            if !self.seen_keywords.insert(format!("{ptr}/{k}")) {
                continue;
            }
            let what = match text(value) {
                Some(v) if v.len() <= 60 && !matches!(k, "description" | "example") => format!("`{k}: {v}`"),
                _ => format!("`{k}`"),
            };
            findings.add(FindingKind::NotHeld, &doc::child(ptr, k), key, format!("{what}: the spec format has no place for it"));
        }
    }

    /// The type of the schema at `node` (reached at `ptr`), naming inline objects and enums
    /// after `place`.
    pub fn ty(&mut self, node: &'a Node, ptr: &str, place: &str, findings: &mut Findings) -> Ty {
        if self.depth >= MAX_DEPTH {
            findings.add(FindingKind::NotHeld, ptr, node, format!("schemas nested more than {MAX_DEPTH} deep: typed as `json`"));
            return Ty::plain("json");
        }
        self.depth += 1;
        let ty = self.ty_inner(node, ptr, place, findings);
        self.depth -= 1;
        ty
    }

    fn ty_inner(&mut self, node: &'a Node, ptr: &str, place: &str, findings: &mut Findings) -> Ty {
        let own_nullable = get_bool(node, "nullable");
        let own_secret = get_str(node, "format") == Some("password");
        let (target, target_ptr, via_ref) = match self.doc.deref(node, ptr) {
            Ok(found) => found,
            Err(err) => {
                let message = match err {
                    RefError::External(r) => format!("`$ref: {r}` points outside this document: typed as `json`"),
                    RefError::Missing(r) => format!("`$ref: {r}` names nothing in the document: typed as `json`"),
                    RefError::Loop(r) => format!("references loop at `{r}`: typed as `json`"),
                };
                findings.add(FindingKind::NotHeld, ptr, node, message);
                return Ty::plain("json");
            }
        };
        let mut ty = self.target_ty(target, &target_ptr, via_ref.is_some(), place, findings);
        ty.nullable |= own_nullable;
        ty.secret |= own_secret;
        ty
    }

    fn target_ty(&mut self, node: &'a Node, ptr: &str, referenced: bool, place: &str, findings: &mut Findings) -> Ty {
        let nullable = get_bool(node, "nullable");
        let secret = get_str(node, "format") == Some("password");
        // A named type: a component object or enum, or an inline one named from its place.
        if is_object(node) || is_enum(node) {
            let index = self.named_type(node, ptr, place, findings);
            return Ty { expr: self.named[index].name.clone(), nullable, named: Some(index), secret };
        }
        if referenced {
            if self.expanding.iter().any(|p| p == ptr) {
                findings.add(FindingKind::NotHeld, ptr, node, "a schema that is only itself under another name: typed as `json`");
                return Ty::plain("json");
            }
            self.expanding.push(ptr.to_owned());
        }
        let ty = self.structural(node, ptr, place, findings);
        if referenced {
            self.expanding.pop();
        }
        Ty { nullable: ty.nullable || nullable, secret: ty.secret || secret, ..ty }
    }

    /// Types that are not named: scalars, lists, maps, one-part `allOf`s, `oneOf`s.
    fn structural(&mut self, node: &'a Node, ptr: &str, place: &str, findings: &mut Findings) -> Ty {
        self.report_unread(node, ptr, findings);
        if let Some(parts) = get(node, "allOf") {
            // One part that says something (the other cases are models): that part, with this
            // schema's nullable. The other parts only describe it.
            let all = items(parts);
            let typed = all.iter().position(|p| get(p, "type").is_some());
            if let Some(i) = all.iter().position(substantive).or(typed).or(if all.is_empty() { None } else { Some(0) }) {
                let mut ty = self.ty(&all[i], &format!("{ptr}/allOf/{i}"), place, findings);
                ty.nullable |= all.iter().any(|p| get_bool(p, "nullable"));
                return ty;
            }
        }
        for key in ["oneOf", "anyOf"] {
            if let Some(options) = get(node, key) {
                let branches = items(options);
                let non_null: Vec<(usize, &Node)> =
                    branches.iter().enumerate().filter(|(_, b)| get_str(b, "type") != Some("null")).collect();
                if non_null.len() == 1 && branches.len() == 2 {
                    let (i, branch) = non_null[0];
                    let mut ty = self.ty(branch, &format!("{ptr}/{key}/{i}"), place, findings);
                    ty.nullable = true;
                    return ty;
                }
                findings.add(
                    FindingKind::NotHeld,
                    &doc::child(ptr, key),
                    options,
                    format!("`{key}` of {} schemas: the format has no union types; typed as `json`", branches.len()),
                );
                return Ty::plain("json");
            }
        }
        let (kind, nullable_by_type) = schema_type(node);
        let mut ty = match kind.as_deref() {
            Some("string") => Ty::plain(match get_str(node, "format") {
                Some("date") => "date",
                Some("date-time") => "datetime",
                _ => "string",
            }),
            Some("integer") => Ty::plain("integer"),
            Some("number") => Ty::plain("decimal"),
            Some("boolean") => Ty::plain("boolean"),
            Some("array") => match get(node, "items") {
                Some(item) => {
                    let item_place = format!("{place}Item");
                    let inner = self.ty(item, &format!("{ptr}/items"), &item_place, findings);
                    Ty { expr: format!("list<{}{}>", inner.expr, if inner.nullable && !inner.expr.ends_with('?') && !inner.expr.contains('<') { "?" } else { "" }), nullable: false, named: None, secret: inner.secret }
                }
                None => Ty::plain("list<json>"),
            },
            Some("object") | None => match get(node, "additionalProperties") {
                Some(value @ Node { kind: Kind::Map(entries), .. }) if !entries.is_empty() => {
                    let value_place = format!("{place}Value");
                    let inner = self.ty(value, &format!("{ptr}/additionalProperties"), &value_place, findings);
                    Ty { expr: format!("map<{}{}>", inner.expr, if inner.nullable && !inner.expr.contains('<') { "?" } else { "" }), nullable: false, named: None, secret: inner.secret }
                }
                _ => Ty::plain("json"),
            },
            Some("null") => Ty::plain("json"),
            Some(other) => {
                findings.add(FindingKind::NotHeld, &doc::child(ptr, "type"), node, format!("`type: {other}` is no OpenAPI type: typed as `json`"));
                Ty::plain("json")
            }
        };
        ty.nullable |= nullable_by_type;
        ty
    }

    /// The index of the named type for a schema, converting it on first use.
    fn named_type(&mut self, node: &'a Node, ptr: &str, place: &str, findings: &mut Findings) -> usize {
        if let Some(&index) = self.by_source.get(ptr) {
            return index;
        }
        let name = match self.component_names.get(ptr) {
            Some(name) => name.clone(),
            None => {
                let base = names::type_ident(place).unwrap_or_else(|| "Inline".to_owned());
                self.claim(&base)
            }
        };
        let is_enum = is_enum(node) && !is_object(node);
        let index = self.push_named(Named { name, source: ptr.to_owned(), is_enum, entry: Y::map(), uses: Vec::new() });
        self.by_source.insert(ptr.to_owned(), index);
        let entry = if is_enum { self.enum_entry(node, ptr, findings) } else { self.model_entry(node, ptr, index, findings) };
        self.named[index].entry = entry;
        index
    }

    fn doc_of(&self, node: &Node, own: impl FnOnce() -> String) -> String {
        match self.docs {
            Docs::Copy => get_str(node, "description")
                .or_else(|| get_str(node, "title"))
                .map(super::clean_doc)
                .filter(|d| !d.is_empty())
                .unwrap_or_else(own),
            Docs::Link { .. } => own(),
        }
    }

    fn enum_entry(&mut self, node: &'a Node, ptr: &str, findings: &mut Findings) -> Y {
        self.report_unread(node, ptr, findings);
        let source_name = shown_name(ptr);
        let mut entry = Y::map();
        let own = || format!("The values of `{source_name}`.");
        entry.push("doc", Y::s(self.doc_of(node, own)));
        let (kind, _) = schema_type(node);
        let wire = match kind.as_deref() {
            Some("integer") => "integer",
            Some("boolean") => "boolean",
            _ => "string",
        };
        if wire != "string" {
            entry.push("wire", Y::s(wire));
        }
        let mut values = Vec::new();
        let mut variants = HashSet::new();
        let mut listed = HashSet::new();
        for (i, value) in list(node, "enum").iter().enumerate() {
            let at = format!("{ptr}/enum/{i}");
            let literal = match (&value.kind, wire) {
                (Kind::Null, _) => {
                    if listed.insert("\u{0}null".to_owned()) {
                        values.push(Y::Lit("null".into()));
                    }
                    continue;
                }
                (Kind::Str(s), "string") => Some((s.clone(), names::type_ident(s))),
                (Kind::Number(_), "string") | (Kind::Bool(_), "string") => {
                    let t = text(value).unwrap_or_default().to_owned();
                    let variant = names::type_ident(&t);
                    Some((t, variant))
                }
                (Kind::Number(n), "integer") => n.parse::<i64>().ok().map(|v| (n.clone(), Some(names::integer_variant(v)))),
                (Kind::Bool(b), "boolean") => Some((b.to_string(), Some(if *b { "True".into() } else { "False".into() }))),
                _ => None,
            };
            if let Some((t, _)) = literal.as_ref().filter(|(t, _)| super::operation::hostile(t)) {
                findings.add(FindingKind::NotHeld, &at, value, format!("enum value {t:?} holds a control character: left out (it still decodes, kept as unknown)"));
                continue;
            }
            let Some((wire_text, variant)) = literal else {
                findings.add(FindingKind::NotHeld, &at, value, format!("an enum value that is not a {wire}: left out"));
                continue;
            };
            let Some(variant) = variant else {
                findings.add(FindingKind::NotHeld, &at, value, format!("enum value {:?} has no letter or digit to name it: left out (it still decodes, kept as unknown)", wire_text));
                continue;
            };
            if !listed.insert(wire_text.clone()) {
                findings.add(FindingKind::NotHeld, &at, value, format!("enum value {wire_text:?} is listed twice: kept once"));
                continue;
            }
            if !variants.insert(variant.clone()) {
                findings.add(
                    FindingKind::NotHeld,
                    &at,
                    value,
                    format!("enum value {wire_text:?} becomes the variant `{variant}` as another value does: left out (it still decodes, kept as unknown)"),
                );
                continue;
            }
            values.push(match wire {
                "string" => Y::s(wire_text),
                _ => Y::Lit(wire_text),
            });
        }
        if values.iter().all(|v| matches!(v, Y::Lit(l) if l == "null")) {
            // No usable value: one the provider can never send keeps the enum valid.
            findings.add(FindingKind::NotHeld, ptr, node, "an enum without a usable value".to_owned());
        }
        entry.push("values", Y::Seq(values));
        entry
    }

    fn model_entry(&mut self, node: &'a Node, ptr: &str, index: usize, findings: &mut Findings) -> Y {
        let source_name = shown_name(ptr);
        let model_name = self.named[index].name.clone();
        let mut entry = Y::map();
        let own = || if ptr.starts_with("/components/schemas/") { format!("The `{source_name}` object.") } else { format!("An object of `{model_name}`.") };
        entry.push("doc", Y::s(self.doc_of(node, own)));
        if get_bool(node, "deprecated") {
            let at = doc::get(node, "deprecated").unwrap_or(node);
            findings.add(FindingKind::NotHeld, &doc::child(ptr, "deprecated"), at, "`deprecated` on an object: the format deprecates fields and operations; say it in the doc".to_owned());
        }
        // The parts: this schema and, for an allOf, each part (references followed).
        let mut parts: Vec<(&'a Node, String)> = Vec::new();
        self.collect_parts(node, ptr, &mut parts, findings, 0);
        let mut required = HashSet::new();
        let mut open = None;
        for (part, part_ptr) in &parts {
            self.report_unread(part, part_ptr, findings);
            for name in list(part, "required") {
                if let Some(n) = text(name) {
                    required.insert(n.to_owned());
                }
            }
            match get(part, "additionalProperties").map(|n| &n.kind) {
                Some(Kind::Bool(b)) => open = Some(*b),
                Some(Kind::Map(entries)) if entries.is_empty() => open = Some(true),
                Some(Kind::Map(_)) => {
                    findings.add(
                        FindingKind::NotHeld,
                        &format!("{part_ptr}/additionalProperties"),
                        part,
                        "typed additional properties beside declared ones: kept as untyped unknown keys".to_owned(),
                    );
                    open = Some(true);
                }
                _ => {}
            }
        }
        let mut fields = Vec::new();
        let mut rust_names: HashMap<String, String> = HashMap::new();
        let mut setters: HashSet<String> = HashSet::new();
        let mut seen = HashSet::new();
        for (part, part_ptr) in &parts {
            let Some(properties) = get(part, "properties") else { continue };
            for (key, prop) in doc::entries(properties) {
                let Some(wire) = text(key) else { continue };
                let field_ptr = doc::child(&format!("{part_ptr}/properties"), wire);
                if super::operation::hostile(wire) {
                    findings.add(FindingKind::NotHeld, &field_ptr, key, "a property whose name holds a control character: left out".to_owned());
                    continue;
                }
                if !seen.insert(wire.to_owned()) {
                    findings.add(FindingKind::NotHeld, &field_ptr, key, format!("`{wire}` is declared again by another `allOf` part: the first is kept"));
                    continue;
                }
                let place = format!("{model_name}{}", names::type_ident(wire).unwrap_or_default());
                let ty = self.ty(prop, &field_ptr, &place, findings);
                let used = self.uses_of(&ty);
                self.named[index].uses.extend(used);
                let mut field = Y::map();
                field.push("type", Y::s(ty.expr.clone()));
                if !required.contains(wire) {
                    field.push("optional", Y::t());
                }
                if ty.nullable && !self.enum_lists_null(ty.named) {
                    field.push("nullable", Y::t());
                }
                if ty.secret || super::sensitive_name(wire) == Sensitivity::Sensitive {
                    field.push("sensitive", Y::t());
                    findings.add(FindingKind::Inferred, &field_ptr, key, format!("`{wire}` marked sensitive ({})", if ty.secret { "`format: password`" } else { "its name" }));
                }
                let deprecated = get_bool(prop, "deprecated");
                if deprecated {
                    field.push("deprecated", Y::t());
                }
                // A Rust name where the wire name converts badly or two would clash.
                // Names already taken: Rust field names, the models' own methods, and setters
                // (`a_null` of a nullable `a` is the setter of a field `a_null`; `set_a` of
                // `a` is that of a field `set_a`).
                let null_setter = ty.nullable && !required.contains(wire);
                let free = |r: &str, names_: &HashMap<String, String>, setters_: &HashSet<String>| {
                    let taken = r == "unknown_keys"
                        || names::MODEL_METHODS.contains(&r)
                        || names_.contains_key(r)
                        || setters_.contains(&names::model_setter(r))
                        || setters_.contains(&names::option_setter(r))
                        || (null_setter && setters_.contains(&names::model_null_setter(r)));
                    !taken
                };
                let rust = names::value_ident(wire);
                let rust = match rust {
                    Some(r) if free(&r, &rust_names, &setters) => r,
                    other => {
                        let base = other.unwrap_or_else(|| "field".to_owned());
                        let chosen = super::numbered(&base, "_", |c| free(c, &rust_names, &setters));
                        field.push("rust", Y::s(chosen.clone()));
                        findings.add(FindingKind::Renamed, &field_ptr, key, format!("field `{wire}` is `{chosen}` in Rust: its own name clashes or converts to nothing"));
                        chosen
                    }
                };
                setters.insert(names::model_setter(&rust));
                setters.insert(names::option_setter(&rust));
                if null_setter {
                    setters.insert(names::model_null_setter(&rust));
                }
                rust_names.insert(rust, wire.to_owned());
                let own = || format!("The `{wire}` field.");
                field.push("doc", Y::s(self.doc_of(prop, own)));
                fields.push((wire.to_owned(), field));
            }
        }
        if let Some(open) = open {
            entry.push("unknown_keys", Y::s(if open { "keep" } else { "ignore" }));
        }
        entry.push("fields", Y::Map(fields));
        entry
    }

    fn enum_lists_null(&self, named: Option<usize>) -> bool {
        named.is_some_and(|i| {
            self.named[i].is_enum
                && matches!(self.named[i].entry.get("values"), Some(Y::Seq(v)) if v.iter().any(|x| matches!(x, Y::Lit(l) if l == "null")))
        })
    }

    /// The named types a type uses: itself, or those inside a container (`list<Account>`).
    pub fn uses_of(&self, ty: &Ty) -> Vec<usize> {
        match ty.named {
            Some(index) => vec![index],
            None => super::type_words(&ty.expr).filter_map(|w| self.by_name.get(w).copied()).collect(),
        }
    }

    fn push_named(&mut self, named: Named) -> usize {
        let index = self.named.len();
        self.by_name.insert(named.name.clone(), index);
        self.named.push(named);
        index
    }

    fn collect_parts(&mut self, node: &'a Node, ptr: &str, parts: &mut Vec<(&'a Node, String)>, findings: &mut Findings, depth: usize) {
        if depth > 16 {
            findings.add(FindingKind::NotHeld, ptr, node, "`allOf` nested too deep: the rest is left out".to_owned());
            return;
        }
        // A part reached twice (a diamond, or a schema that is its own part) is read once: the
        // parts of a hostile document would otherwise grow exponentially.
        if parts.iter().any(|(_, p)| p == ptr) {
            return;
        }
        parts.push((node, ptr.to_owned()));
        if let Some(all) = get(node, "allOf") {
            for (i, part) in items(all).iter().enumerate() {
                let part_ptr = format!("{ptr}/allOf/{i}");
                match self.doc.deref(part, &part_ptr) {
                    Ok((target, target_ptr, _)) => self.collect_parts(target, &target_ptr, parts, findings, depth + 1),
                    Err(_) => findings.add(FindingKind::NotHeld, &part_ptr, part, "an `allOf` part whose `$ref` cannot be followed: left out".to_owned()),
                }
            }
        }
    }
}

/// The last step of a pointer, for a doc: control characters taken out.
fn shown_name(ptr: &str) -> String {
    ptr.rsplit('/').next().map(doc::unescape).unwrap_or_default().chars().filter(|c| !(c.is_control() || crate::diag::is_bidi_control(*c))).collect()
}

/// A schema's `type`, and whether it lists `null` (OpenAPI 3.1's `type: [string, "null"]`).
fn schema_type(node: &Node) -> (Option<String>, bool) {
    match get(node, "type") {
        Some(Node { kind: Kind::Seq(types), .. }) => {
            let nullable = types.iter().any(|t| text(t) == Some("null"));
            let other = types.iter().filter_map(text).find(|t| *t != "null").map(str::to_owned);
            (other, nullable)
        }
        Some(t) => (text(t).map(str::to_owned), false),
        None => {
            if get(node, "items").is_some() {
                (Some("array".into()), false)
            } else {
                (None, false)
            }
        }
    }
}
