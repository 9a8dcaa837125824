//! The OpenAPI document as a located tree: lookups by key, JSON pointers to every node, and
//! local `$ref`s followed (with a bound, so a loop of references ends).

use crate::spec::shape::{Kind, Node};

/// Escapes one step of a JSON pointer (`~` as `~0`, `/` as `~1`).
pub fn escape(step: &str) -> String {
    step.replace('~', "~0").replace('/', "~1")
}

/// Undoes [`escape`].
pub fn unescape(step: &str) -> String {
    step.replace("~1", "/").replace("~0", "~")
}

/// The pointer of a child.
pub fn child(ptr: &str, step: &str) -> String {
    format!("{ptr}/{}", escape(step))
}

/// The entries of a mapping, in order (none for other nodes).
pub fn entries(node: &Node) -> &[(Node, Node)] {
    match &node.kind {
        Kind::Map(entries) => entries,
        _ => &[],
    }
}

/// The items of a sequence (none for other nodes).
pub fn items(node: &Node) -> &[Node] {
    match &node.kind {
        Kind::Seq(items) => items,
        _ => &[],
    }
}

/// A scalar's text: a string, a number as written, a boolean as `true`/`false`.
pub fn text(node: &Node) -> Option<&str> {
    match &node.kind {
        Kind::Str(s) | Kind::Number(s) => Some(s),
        Kind::Bool(true) => Some("true"),
        Kind::Bool(false) => Some("false"),
        _ => None,
    }
}

/// The value under `key` in a mapping (the first, if the key is there twice).
pub fn get<'a>(node: &'a Node, key: &str) -> Option<&'a Node> {
    entries(node).iter().find(|(k, _)| text(k) == Some(key)).map(|(_, v)| v)
}

/// The text under `key`.
pub fn get_str<'a>(node: &'a Node, key: &str) -> Option<&'a str> {
    get(node, key).and_then(text)
}

/// True when `key` holds `true`.
pub fn get_bool(node: &Node, key: &str) -> bool {
    matches!(get(node, key).map(|n| &n.kind), Some(Kind::Bool(true)))
}

/// The document root.
pub struct Doc<'a> {
    /// The root mapping.
    pub root: &'a Node,
}

/// What a `$ref` could not be followed for.
pub enum RefError {
    /// Not a local reference (`other.yaml#/...`, a URL).
    External(String),
    /// Nothing at the pointer.
    Missing(String),
    /// A reference to a reference to ... more than the bound.
    Loop(String),
}

impl<'a> Doc<'a> {
    /// The node at a JSON pointer (`#/components/schemas/Item` or `/components/...`).
    pub fn pointer(&self, pointer: &str) -> Option<&'a Node> {
        let path = pointer.strip_prefix('#').unwrap_or(pointer);
        if path.is_empty() {
            return Some(self.root);
        }
        let path = path.strip_prefix('/')?;
        let mut node = self.root;
        for step in path.split('/') {
            let step = unescape(&percent_decode(step));
            node = match &node.kind {
                Kind::Map(_) => get(node, &step)?,
                Kind::Seq(items) => items.get(step.parse::<usize>().ok()?)?,
                _ => return None,
            };
        }
        Some(node)
    }

    /// The node at a path of keys from the root.
    pub fn root_get(&self, path: &[&str]) -> Option<&'a Node> {
        path.iter().try_fold(self.root, |node, key| get(node, key))
    }

    /// Follows `$ref`s from `node` to what they name. Gives the node, its pointer (the target's
    /// when a reference was followed), and the last reference's target pointer.
    pub fn deref(&self, node: &'a Node, ptr: &str) -> Result<(&'a Node, String, Option<String>), RefError> {
        let mut node = node;
        let mut ptr = ptr.to_owned();
        let mut last = None;
        for _ in 0..32 {
            let Some(target) = get_str(node, "$ref") else { return Ok((node, ptr, last)) };
            if !target.starts_with('#') {
                return Err(RefError::External(target.to_owned()));
            }
            let Some(next) = self.pointer(target) else { return Err(RefError::Missing(target.to_owned())) };
            let target_ptr = target.trim_start_matches('#').to_owned();
            node = next;
            ptr = target_ptr.clone();
            last = Some(target_ptr);
        }
        Err(RefError::Loop(ptr))
    }
}

/// `%25` -> `%` etc. in a pointer taken from a URI fragment.
fn percent_decode(step: &str) -> String {
    if !step.contains('%') {
        return step.to_owned();
    }
    let bytes = step.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() && bytes[i + 1].is_ascii_hexdigit() && bytes[i + 2].is_ascii_hexdigit() {
            let hex = |b: u8| (b as char).to_digit(16).unwrap_or(0) as u8;
            out.push(hex(bytes[i + 1]) * 16 + hex(bytes[i + 2]));
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8(out).unwrap_or_else(|_| step.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::shape;

    #[test]
    fn pointers_and_references() {
        let root = shape::read("a:\n  b~c: { $ref: '#/d/e~1f' }\nd:\n  e/f: { x: [1, 2] }\nloop: { $ref: '#/loop' }\n").unwrap();
        let doc = Doc { root: &root };
        let b = doc.pointer("#/a/b~0c").unwrap();
        let (node, ptr, last) = doc.deref(b, "/a/b~0c").ok().unwrap();
        assert_eq!(ptr, "/d/e~1f");
        assert_eq!(last.as_deref(), Some("/d/e~1f"));
        assert_eq!(doc.pointer("/d/e~1f/x/1").and_then(text), Some("2"));
        assert!(get(node, "x").is_some());
        assert!(matches!(doc.deref(doc.pointer("/loop").unwrap(), "/loop"), Err(RefError::Loop(_))));
        assert_eq!(child("/paths", "/items/{id}"), "/paths/~1items~1{id}");
    }
}
