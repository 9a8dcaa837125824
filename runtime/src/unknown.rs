//! Kept unknown keys: the catch-all of a model whose spec says `unknown_keys: keep`.
//!
//! A generated model holds it as `#[serde(flatten)] pub unknown_keys: UnknownKeys`. serde hands
//! it every key the model does not declare, in the order received; it serialises them back after
//! the declared fields, so the typed value re-encodes to the JSON it came from. Declared fields
//! are read straight from the input (a `Decimal` keeps its text); kept values pass through
//! serde's buffer and are held as `serde_json::Value`s, so a kept number keeps its value but a
//! float written unusually (`5.10`, `1e3`) comes back in serde_json's form (`5.1`, `1000.0`):
//! declare the field as `decimal` to keep its text.
//!
//! `Debug` shows the kept keys' names, never their values: they are data no spec vetted, and may
//! be personal.
//!
//! [`declared_only`] serialises a value as if it kept nothing, which is how a caller (the
//! conformance harness, through [`crate::JsonOutcome`]) learns which keys of a body the models
//! hold only in a catch-all, so that they are still reported as drift.

use serde::de::{Deserialize, Deserializer, MapAccess, Visitor};
use serde::ser::{Serialize, SerializeMap, Serializer};
use std::cell::Cell;
use std::fmt;

/// Keys a model does not declare, with their values, in the order received.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct UnknownKeys(Vec<(String, serde_json::Value)>);

impl UnknownKeys {
    /// No keys.
    pub fn new() -> Self {
        UnknownKeys(Vec::new())
    }

    /// True when nothing was kept.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// How many keys were kept.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// The kept keys, in the order received.
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.0.iter().map(|(k, _)| k.as_str())
    }

    /// The value of a kept key.
    pub fn get(&self, key: &str) -> Option<&serde_json::Value> {
        self.0.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }

    /// Every kept key with its value, in the order received.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &serde_json::Value)> {
        self.0.iter().map(|(k, v)| (k.as_str(), v))
    }

    /// Sets a key (replacing its value when kept already, else appending it), to send a field
    /// the spec does not declare yet. A key the model declares is sent twice: do not.
    pub fn insert(&mut self, key: impl Into<String>, value: serde_json::Value) {
        let key = key.into();
        match self.0.iter_mut().find(|(k, _)| *k == key) {
            Some(slot) => slot.1 = value,
            None => self.0.push((key, value)),
        }
    }

    /// Removes a kept key and returns its value.
    pub fn remove(&mut self, key: &str) -> Option<serde_json::Value> {
        let at = self.0.iter().position(|(k, _)| k == key)?;
        Some(self.0.remove(at).1)
    }
}

impl fmt::Debug for UnknownKeys {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Names only: a kept value is unknown data.
        f.debug_set().entries(self.keys()).finish()
    }
}

thread_local! {
    static DECLARED_ONLY: Cell<bool> = const { Cell::new(false) };
}

/// Runs `f` (a serialisation) with every [`UnknownKeys`] serialising as nothing: the result is
/// what the models declare. Serialisation is synchronous, so a thread-local switch is enough;
/// it is restored even if `f` panics.
pub fn declared_only<R>(f: impl FnOnce() -> R) -> R {
    struct Restore(bool);
    impl Drop for Restore {
        fn drop(&mut self) {
            DECLARED_ONLY.with(|d| d.set(self.0));
        }
    }
    let _restore = Restore(DECLARED_ONLY.with(|d| d.replace(true)));
    f()
}

impl Serialize for UnknownKeys {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let hidden = DECLARED_ONLY.with(Cell::get);
        let entries: &[(String, serde_json::Value)] = if hidden { &[] } else { &self.0 };
        let mut map = serializer.serialize_map(Some(entries.len()))?;
        for (k, v) in entries {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}

impl<'de> Deserialize<'de> for UnknownKeys {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KeysVisitor;
        impl<'de> Visitor<'de> for KeysVisitor {
            type Value = UnknownKeys;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<UnknownKeys, A::Error> {
                let mut out = Vec::new();
                while let Some(key) = map.next_key::<String>()? {
                    out.push((key, map.next_value::<serde_json::Value>()?));
                }
                Ok(UnknownKeys(out))
            }
        }
        deserializer.deserialize_map(KeysVisitor)
    }
}

/// JSON pointers of the keys in `full` that `declared` lacks: the keys a value holds only in
/// catch-alls, given its serialisation with them and without ([`declared_only`]). A kept key's
/// own contents are not listed.
pub fn kept_pointers(full: &serde_json::Value, declared: &serde_json::Value) -> Vec<String> {
    fn walk(full: &serde_json::Value, declared: &serde_json::Value, pointer: &str, out: &mut Vec<String>) {
        use serde_json::Value;
        match (full, declared) {
            (Value::Object(f), Value::Object(d)) => {
                for (k, fv) in f {
                    let p = format!("{pointer}/{}", k.replace('~', "~0").replace('/', "~1"));
                    match d.get(k) {
                        Some(dv) => walk(fv, dv, &p, out),
                        None => out.push(p),
                    }
                }
            }
            (Value::Array(f), Value::Array(d)) => {
                for (i, (fv, dv)) in f.iter().zip(d).enumerate() {
                    walk(fv, dv, &format!("{pointer}/{i}"), out);
                }
            }
            _ => {}
        }
    }
    let mut out = Vec::new();
    walk(full, declared, "", &mut out);
    out
}
