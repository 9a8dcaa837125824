//! Parse stage: serde structs that mirror a spec file, with source locations kept.
//!
//! These types say what a maintainer may write and nothing more: every struct rejects unknown
//! keys, and every value a later stage may complain about is wrapped in [`Sp`] so the complaint
//! can point at it. Meaning (what a type expression denotes, which keys a scheme needs) is
//! checked in `lower`, not here.

use serde::Deserialize;
use serde::de::{self, MapAccess, Visitor};
use std::fmt;
use std::marker::PhantomData;

/// A value with the location of the YAML node it came from.
pub type Sp<T> = serde_saphyr::Spanned<T>;

/// A YAML mapping read in file order, keeping where each key stands.
///
/// Order matters for readable output and for reporting the first of two clashing names.
#[derive(Debug, Clone)]
pub struct Entries<V>(pub Vec<(Sp<String>, V)>);

impl<V> Default for Entries<V> {
    fn default() -> Self {
        Entries(Vec::new())
    }
}

impl<'de, V: Deserialize<'de>> Deserialize<'de> for Entries<V> {
    fn deserialize<D: de::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct EntriesVisitor<V>(PhantomData<V>);
        impl<'de, V: Deserialize<'de>> Visitor<'de> for EntriesVisitor<V> {
            type Value = Entries<V>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a mapping")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut out = Vec::new();
                while let Some(key) = map.next_key::<Sp<String>>()? {
                    let value = map.next_value::<V>()?;
                    out.push((key, value));
                }
                Ok(Entries(out))
            }
        }
        deserializer.deserialize_map(EntriesVisitor(PhantomData))
    }
}

/// One provider: everything linkspec knows about it, in one file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Spec {
    /// Module name of the provider in generated code (`plaid`, `moneykit`).
    pub provider: Sp<String>,
    /// Human name, used in docs.
    pub title: String,
    /// Overview shown on the provider's module and client.
    #[serde(default)]
    pub docs: Option<String>,
    /// Where the API lives.
    pub servers: Servers,
    /// Media type sent as Accept and, with a body, Content-Type.
    #[serde(default)]
    pub media_type: Option<Sp<String>>,
    /// Default wire format of `datetime` fields: `rfc3339` or `naive`.
    #[serde(default)]
    pub timestamps: Option<Sp<String>>,
    /// Headers sent on every call (a default, or only when the user sets one).
    #[serde(default)]
    pub headers: Entries<Sp<HeaderSpec>>,
    /// How credentials are attached to data calls.
    pub auth: Sp<AuthSpec>,
    /// The provider's error envelope.
    pub errors: Sp<ErrorsSpec>,
    /// Endpoints, keyed by operation name (snake_case).
    pub operations: Entries<Sp<OperationSpec>>,
    /// Object types, keyed by Rust type name (PascalCase).
    #[serde(default)]
    pub models: Entries<Sp<ModelSpec>>,
    /// String enums, keyed by Rust type name (PascalCase).
    #[serde(default)]
    pub enums: Entries<Sp<EnumSpec>>,
}

/// Base URLs per environment, optionally templated.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Servers {
    /// The environment a client uses unless told otherwise.
    pub default: Sp<String>,
    /// Environment name to base URL; `{name}` placeholders refer to `variables`.
    pub environments: Entries<Sp<String>>,
    /// Placeholders in the URLs, each a closed set of values.
    #[serde(default)]
    pub variables: Entries<Sp<VariableSpec>>,
}

/// A placeholder in a server URL (PingOne's region top-level domain).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VariableSpec {
    /// What the placeholder selects.
    #[serde(default)]
    pub doc: Option<String>,
    /// Value used unless the client sets another.
    pub default: Sp<String>,
    /// Allowed values.
    pub values: Vec<Sp<String>>,
}

/// A header the provider expects on every call.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HeaderSpec {
    /// What the header does.
    #[serde(default)]
    pub doc: Option<String>,
    /// Sent when the client sets no other value; without it the header is sent only when set.
    #[serde(default)]
    pub default: Option<String>,
}

/// How a credential reaches the provider.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuthSpec {
    /// `bearer`, `header` or `key_pair`.
    pub scheme: Sp<String>,
    /// With `header`: the header's name.
    #[serde(default)]
    pub header: Option<Sp<String>>,
    /// With `header` or `bearer`: the builder method that takes the credential.
    #[serde(default)]
    pub setter: Option<Sp<String>>,
    /// With `key_pair`: where the client id goes.
    #[serde(default)]
    pub client_id: Option<Sp<KeyPlacementSpec>>,
    /// With `key_pair`: where the secret goes.
    #[serde(default)]
    pub secret: Option<Sp<KeyPlacementSpec>>,
}

/// The two places a key of a key pair may travel; the client's user picks one.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KeyPlacementSpec {
    /// Field name in the JSON body.
    pub body: Sp<String>,
    /// Header name.
    pub header: Sp<String>,
}

/// The provider's error envelope and where its parts are.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ErrorsSpec {
    /// Model that error bodies decode into.
    pub model: Sp<String>,
    /// Field of that model holding the provider's error code.
    pub code: Sp<String>,
    /// Field holding the human-readable message.
    #[serde(default)]
    pub message: Option<Sp<String>>,
    /// Field holding the provider's request id.
    #[serde(default)]
    pub request_id: Option<Sp<String>>,
}

/// One endpoint.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OperationSpec {
    /// What the endpoint does.
    #[serde(default)]
    pub doc: Option<String>,
    /// HTTP method, upper case.
    pub method: Sp<String>,
    /// Path template below the base URL, with `{param}` segments.
    pub path: Sp<String>,
    /// Path, query and header parameters, by wire name.
    #[serde(default)]
    pub params: Entries<Sp<ParamSpec>>,
    /// Model sent as the JSON body.
    #[serde(default)]
    pub body: Option<Sp<String>>,
    /// Set when the provider wants a body on a GET or DELETE (MX).
    #[serde(default)]
    pub body_on_get: bool,
    /// Success statuses and the model each answers with (`empty` for no body).
    pub responses: Entries<Sp<String>>,
}

/// A path, query or header parameter.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ParamSpec {
    /// `path`, `query` or `header`.
    #[serde(rename = "in")]
    pub location: Sp<String>,
    /// Type expression: a scalar or an enum name.
    #[serde(rename = "type")]
    pub ty: Sp<String>,
    /// What the parameter means.
    #[serde(default)]
    pub doc: Option<String>,
    /// Query and header parameters are optional unless this is set; path ones always required.
    #[serde(default)]
    pub required: Option<Sp<bool>>,
    /// Rust name, when the wire name converts badly.
    #[serde(default)]
    pub rust: Option<Sp<String>>,
}

/// An object type.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ModelSpec {
    /// What the object is.
    #[serde(default)]
    pub doc: Option<String>,
    /// Fields by wire name, in file order.
    pub fields: Entries<Sp<FieldSpec>>,
}

/// A field of a model.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FieldSpec {
    /// Type expression: `string`, `integer`, `number`, `boolean`, `date`, `datetime`, `json`,
    /// `list<T>`, `map<T>`, or a model or enum name.
    #[serde(rename = "type")]
    pub ty: Sp<String>,
    /// What the field means.
    #[serde(default)]
    pub doc: Option<String>,
    /// The key may be absent.
    #[serde(default)]
    pub optional: bool,
    /// The value may be `null`.
    #[serde(default)]
    pub nullable: bool,
    /// Secret or personal data: redacted from Debug output.
    #[serde(default)]
    pub sensitive: bool,
    /// With `datetime`: this field's wire format, overriding the provider's.
    #[serde(default)]
    pub format: Option<Sp<String>>,
    /// Rust name, when the wire name converts badly.
    #[serde(default)]
    pub rust: Option<Sp<String>>,
}

/// A string enum.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EnumSpec {
    /// What the enum is.
    #[serde(default)]
    pub doc: Option<String>,
    /// Known values; a literal `null` marks fields of this enum as nullable.
    pub values: Vec<Sp<EnumValueSpec>>,
}

/// A known enum value: a plain string, `null`, or a value with its doc.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum EnumValueSpec {
    /// `- INSTANT_AUTH` or `- null`.
    Plain(Option<String>),
    /// `- { value: background, doc: Item can be updated in the background }`.
    Documented {
        /// The wire value.
        value: String,
        /// What it means.
        doc: String,
    },
}
