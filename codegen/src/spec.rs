//! Parse stage: serde structs that mirror a spec file, with source locations kept.
//!
//! These types say what a maintainer may write and nothing more: every struct rejects unknown
//! keys, and every value a later stage may complain about is wrapped in [`Sp`] so the complaint
//! can point at it. Meaning (what a type expression denotes, which keys a scheme needs) is
//! checked in `lower`, not here.
//!
//! The same types derive the JSON Schema that editors use ([`json_schema()`]), and [`shape`]
//! checks a file against that schema to report every structural problem at once.

pub mod codes;
pub mod enums;
pub mod part;
pub mod shape;
pub mod view;

pub use enums::{EnumLiteral, EnumSpec, EnumValueSpec};

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::Deserialize;
use serde::de::{self, MapAccess, Visitor};
use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;

/// A value with the location of the YAML node it came from.
///
/// serde-saphyr's `Spanned`, wrapped in a local type so that its JSON Schema is simply `T`'s.
#[derive(Debug, Clone)]
pub struct Sp<T> {
    /// The value.
    pub value: T,
    /// Where the value is used (for an alias, the alias).
    pub referenced: serde_saphyr::Location,
    /// Where the value is written (for an alias, its anchor).
    pub defined: serde_saphyr::Location,
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Sp<T> {
    fn deserialize<D: de::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = serde_saphyr::Spanned::<T>::deserialize(deserializer)?;
        Ok(Sp { value: s.value, referenced: s.referenced, defined: s.defined })
    }
}

/// An empty value at no place ([`serde_saphyr::Location::UNKNOWN`]): a key a file may leave
/// out (a provider file in a directory has no `operations:` when its parts hold them).
impl<T: Default> Default for Sp<T> {
    fn default() -> Self {
        let nowhere = serde_saphyr::Location::UNKNOWN;
        Sp { value: T::default(), referenced: nowhere, defined: nowhere }
    }
}

impl<T: JsonSchema> JsonSchema for Sp<T> {
    fn inline_schema() -> bool {
        T::inline_schema()
    }
    fn schema_name() -> Cow<'static, str> {
        T::schema_name()
    }
    fn schema_id() -> Cow<'static, str> {
        T::schema_id()
    }
    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        T::json_schema(generator)
    }
}

/// HTTP methods a spec may use.
pub const METHODS: &[&str] = &["GET", "POST", "PUT", "PATCH", "DELETE"];
/// Values of `auth.scheme`.
pub const AUTH_SCHEMES: &[&str] = &["bearer", "header", "key_pair", "basic"];
/// Values of a parameter's `in`.
pub const PARAM_LOCATIONS: &[&str] = &["path", "query", "header"];
/// Values of `timestamps` and of a field's `format`.
pub const TIMESTAMP_FORMATS: &[&str] = &["rfc3339", "naive"];
/// Values of an enum's `wire`.
pub const ENUM_WIRES: &[&str] = &["string", "integer", "boolean"];
/// Values of a list query parameter's `style`.
pub const QUERY_STYLES: &[&str] = &["repeated", "comma"];
/// Values of `unknown_keys` (the provider's default, or one model's).
pub const UNKNOWN_KEYS: &[&str] = &["keep", "ignore"];

/// A string that is one of `values`; `lower` checks the value, the schema lets editors offer it.
fn closed(values: &[&str]) -> Schema {
    json_schema!({ "type": "string", "enum": values })
}

fn method_schema(_: &mut SchemaGenerator) -> Schema {
    closed(METHODS)
}

fn auth_scheme_schema(_: &mut SchemaGenerator) -> Schema {
    closed(AUTH_SCHEMES)
}

fn optional_auth_scheme_schema(_: &mut SchemaGenerator) -> Schema {
    let mut values: Vec<serde_json::Value> = AUTH_SCHEMES.iter().map(|&v| v.into()).collect();
    values.push(serde_json::Value::Null);
    json_schema!({ "type": ["string", "null"], "enum": values })
}

fn param_location_schema(_: &mut SchemaGenerator) -> Schema {
    closed(PARAM_LOCATIONS)
}

/// The wire types an id type may have.
pub const ID_WIRES: [&str; 2] = ["string", "integer"];

fn optional_id_wire_schema(_: &mut SchemaGenerator) -> Schema {
    let mut values: Vec<serde_json::Value> = ID_WIRES.iter().map(|&v| v.into()).collect();
    values.push(serde_json::Value::Null);
    json_schema!({ "type": ["string", "null"], "enum": values })
}

fn optional_unknown_keys_schema(_: &mut SchemaGenerator) -> Schema {
    let mut values: Vec<serde_json::Value> = UNKNOWN_KEYS.iter().map(|&v| v.into()).collect();
    values.push(serde_json::Value::Null);
    json_schema!({ "type": ["string", "null"], "enum": values })
}

fn optional_query_style_schema(_: &mut SchemaGenerator) -> Schema {
    let mut values: Vec<serde_json::Value> = QUERY_STYLES.iter().map(|&v| v.into()).collect();
    values.push(serde_json::Value::Null);
    json_schema!({ "type": ["string", "null"], "enum": values })
}

fn optional_timestamps_schema(_: &mut SchemaGenerator) -> Schema {
    let mut values: Vec<serde_json::Value> = TIMESTAMP_FORMATS.iter().map(|&v| v.into()).collect();
    values.push(serde_json::Value::Null);
    json_schema!({ "type": ["string", "null"], "enum": values })
}

/// The JSON Schema (draft-07, which every editor's YAML plugin reads) that editors check spec
/// files against: a file with `provider:` is a [`Spec`], any other a [`part::SpecPart`] (a
/// file of a provider directory). See [`part::editor_schema`].
pub fn json_schema() -> serde_json::Value {
    part::editor_schema()
}

/// The JSON Schema of a [`Spec`] alone, derived from its types.
pub fn spec_schema() -> serde_json::Value {
    let mut schema = schemars::generate::SchemaSettings::draft07().into_generator().into_root_schema_for::<Spec>();
    schema.insert("title".into(), "linkspec provider spec".into());
    schema.to_value()
}

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

impl<V: JsonSchema> JsonSchema for Entries<V> {
    fn inline_schema() -> bool {
        true
    }
    fn schema_name() -> Cow<'static, str> {
        format!("Entries_{}", V::schema_name()).into()
    }
    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        let value = generator.subschema_for::<V>();
        json_schema!({ "type": "object", "additionalProperties": value })
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
#[derive(Debug, Deserialize, JsonSchema)]
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
    #[schemars(schema_with = "optional_timestamps_schema")]
    pub timestamps: Option<Sp<String>>,
    /// The zone the provider's date-times without an offset are in: `utc`. With it, every
    /// `naive` date-time of the provider is an instant (`UtcTimestamp`).
    #[serde(default)]
    pub naive_zone: Option<Sp<String>>,
    /// Headers sent on every call (a default, or only when the user sets one).
    #[serde(default)]
    pub headers: Entries<Sp<HeaderSpec>>,
    /// How credentials are attached to data calls.
    pub auth: Sp<AuthSpec>,
    /// The provider's error envelope.
    pub errors: Sp<ErrorsSpec>,
    /// Endpoints, keyed by operation name (snake_case). Required in a spec of one file; in a
    /// provider directory any of its files may hold them.
    #[serde(default)]
    pub operations: Sp<Entries<Sp<OperationSpec>>>,
    /// Object types, keyed by Rust type name (PascalCase).
    #[serde(default)]
    pub models: Entries<Sp<ModelSpec>>,
    /// String enums, keyed by Rust type name (PascalCase).
    #[serde(default)]
    pub enums: Entries<Sp<EnumSpec>>,
    /// Id types, keyed by Rust type name (PascalCase): each a newtype over its wire value, so
    /// ids of different things cannot be swapped. Referenced by name like models and enums.
    #[serde(default)]
    pub ids: Entries<Sp<IdSpec>>,
    /// Keys a model does not declare, for every model: `keep` (held, sent back) or `ignore`.
    ///
    /// `keep` holds them in each model's `unknown_keys` and sends them back; `ignore` (the
    /// default) drops them. A model's own `unknown_keys` wins.
    #[serde(default)]
    #[schemars(schema_with = "optional_unknown_keys_schema")]
    pub unknown_keys: Option<Sp<String>>,
    /// How this provider joins views (`specs/views/<view>.yaml`): view name to mapping.
    #[serde(default)]
    pub views: Entries<Sp<view::ViewMappingSpec>>,
}

/// Base URLs per environment, optionally templated.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Servers {
    /// The environment a client uses unless told otherwise.
    pub default: Sp<String>,
    /// Environment name to base URL; `{name}` placeholders refer to `variables`.
    pub environments: Entries<Sp<String>>,
    /// Placeholders in the URLs, each a closed set of values.
    #[serde(default)]
    pub variables: Entries<Sp<VariableSpec>>,
    /// Other hosts some operations use (a token or SSO host): host name to environment name
    /// to base URL, placeholders allowed.
    #[serde(default)]
    pub hosts: Entries<Sp<Entries<Sp<String>>>>,
}

/// A placeholder in a server URL (PingOne's region top-level domain).
#[derive(Debug, Deserialize, JsonSchema)]
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
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct HeaderSpec {
    /// What the header does.
    #[serde(default)]
    pub doc: Option<String>,
    /// Sent when the client sets no other value; without it the header is sent only when set.
    #[serde(default)]
    pub default: Option<String>,
    /// Name of the builder method that sets the header, when the header's name converts badly.
    #[serde(default)]
    pub setter: Option<Sp<String>>,
}

/// How a credential reaches the provider: one scheme, or several named ones (`schemes:`) with a
/// `default:`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AuthSpec {
    /// `bearer`, `header`, `key_pair` or `basic`; absent when `schemes:` names several.
    #[serde(default)]
    #[schemars(schema_with = "optional_auth_scheme_schema")]
    pub scheme: Option<Sp<String>>,
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
    /// With `bearer` or `header`: values the client's user supplies so the client can acquire
    /// credentials itself, by name (each also names a builder method).
    #[serde(default)]
    pub inputs: Entries<Sp<InputSpec>>,
    /// With `bearer` or `header`: how the client acquires and renews the credential.
    #[serde(default)]
    pub acquire: Option<Sp<AcquireSpec>>,
    /// With `basic`: the builder method that takes the user (default `username`).
    #[serde(default)]
    pub user: Option<Sp<String>>,
    /// With `basic`: the builder method that takes the password (default `password`).
    #[serde(default)]
    pub password: Option<Sp<String>>,
    /// Several schemes by name (snake_case); operations name one with `auth:`.
    #[serde(default)]
    pub schemes: Option<Sp<Entries<Sp<SchemeSpec>>>>,
    /// With `schemes`: the one operations use unless they name another.
    #[serde(default)]
    pub default: Option<Sp<String>>,
}

/// One of several named auth schemes: the keys of a single `auth:` scheme.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SchemeSpec {
    /// `bearer`, `header`, `key_pair` or `basic`.
    #[schemars(schema_with = "auth_scheme_schema")]
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
    /// With `basic`: the builder method that takes the user (default `username`).
    #[serde(default)]
    pub user: Option<Sp<String>>,
    /// With `basic`: the builder method that takes the password (default `password`).
    #[serde(default)]
    pub password: Option<Sp<String>>,
}

/// A value the user supplies for acquiring credentials.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct InputSpec {
    /// What it is and where to find it.
    #[serde(default)]
    pub doc: Option<String>,
    /// Documented as a secret (true unless set to false). Every input is held without being
    /// printed either way; `false` only says, in the setter's docs, that it is no secret.
    #[serde(default)]
    pub secret: Option<bool>,
}

/// Credential acquisition: requests made in order, and how long the result lives.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AcquireSpec {
    /// The requests; each may use the previous one's token.
    pub steps: Sp<Vec<Sp<StepSpec>>>,
    /// JSON pointer of the lifetime in seconds in the last answer (OAuth2's `/expires_in`,
    /// the default).
    #[serde(default)]
    pub expires_in: Option<Sp<String>>,
    /// A fixed lifetime instead, for credentials whose answer does not say.
    #[serde(default)]
    pub lifetime: Option<Sp<LifetimeSpec>>,
    /// Renew this many seconds before expiry (default 60).
    #[serde(default)]
    pub margin_seconds: Option<Sp<u64>>,
}

/// A fixed credential lifetime.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LifetimeSpec {
    /// Seconds.
    pub seconds: u64,
    /// Every successful call extends it (MX sessions).
    #[serde(default)]
    pub sliding: bool,
}

/// One acquisition request: an operation of this spec and the values put in its request.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct StepSpec {
    /// The operation called.
    pub operation: Sp<String>,
    /// Parameter wire names and body field names of that operation, each with where its value
    /// comes from.
    #[serde(default)]
    pub bind: Entries<Sp<BindSpec>>,
    /// JSON pointer of the token in the answer, e.g. `/access_token`.
    pub token: Sp<String>,
}

/// Where a bound value comes from: exactly one of the keys.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BindSpec {
    /// A constant string.
    #[serde(default)]
    pub value: Option<String>,
    /// A constant JSON value (an object for a nested body field).
    #[serde(default)]
    pub json: Option<serde_json::Value>,
    /// An input, by name.
    #[serde(default)]
    pub input: Option<Sp<String>>,
    /// The token the previous step produced.
    #[serde(default)]
    pub previous: Option<bool>,
    /// `Basic base64(user:password)` from two inputs: `[user_input, password_input]`.
    #[serde(default)]
    pub basic: Option<Vec<Sp<String>>>,
}

/// Which error answers mean expired credentials.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ExpiredSpec {
    /// Statuses (default `[401]`).
    #[serde(default)]
    pub status: Vec<Sp<u16>>,
    /// Error codes; any code when absent.
    #[serde(default)]
    pub codes: Vec<Sp<String>>,
}

/// The two places a key of a key pair may travel; the client's user picks one.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct KeyPlacementSpec {
    /// Field name in the JSON body.
    pub body: Sp<String>,
    /// Header name.
    pub header: Sp<String>,
}

/// The provider's error envelope and where its parts are.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ErrorsSpec {
    /// Model that error bodies decode into.
    pub model: Sp<String>,
    /// Where that model holds the provider's error code (a field, a pointer, or a list).
    ///
    /// A field name (`error_code`), a JSON pointer into nested objects (`/error/code`), or a
    /// list of them tried in order, the first present winning.
    pub code: Sp<FieldPath>,
    /// Where it holds the human-readable message (as for `code`).
    #[serde(default)]
    pub message: Option<Sp<FieldPath>>,
    /// Where it holds the provider's request id (as for `code`).
    #[serde(default)]
    pub request_id: Option<Sp<FieldPath>>,
    /// Where it holds a broader class of errors, matched like codes (Plaid's `error_type`).
    #[serde(default)]
    pub category: Option<Sp<FieldPath>>,
    /// The error codes the provider documents: each becomes a variant of the generated
    /// `<Model>Code` enum, which keeps any other code in `Unknown`.
    #[serde(default)]
    pub codes: Option<Sp<Vec<Sp<codes::CodeSpec>>>>,
    /// The categories the provider documents (needs `category`): the `<Model>Category` enum.
    #[serde(default)]
    pub categories: Option<Sp<Vec<Sp<codes::CodeSpec>>>>,
    /// Which answers mean the credentials expired: re-acquired once, then the call retried.
    /// Absent: no answer means that (static keys cannot be renewed).
    #[serde(default)]
    pub expired: Option<Sp<ExpiredSpec>>,
    /// Codes (or categories) that mean "rate limited": retried like a 429.
    #[serde(default)]
    pub rate_limited: Vec<Sp<String>>,
    /// Codes (or categories) that mean the credentials were refused: wrong or revoked keys,
    /// which no renewal fixes (a 401 that is not an expiry means this too).
    #[serde(default)]
    pub rejected: Vec<Sp<String>>,
    /// Codes (or categories) that mean "gone": the resource existed and was removed (a 410
    /// means this too).
    #[serde(default)]
    pub gone: Vec<Sp<String>>,
    /// Codes (or categories) that mean "not found" (a 404 means this too).
    #[serde(default)]
    pub not_found: Vec<Sp<String>>,
    /// Response headers that carry the request id when the body does not (PingOne's
    /// `correlation-id`), in order of preference.
    #[serde(default)]
    pub request_id_headers: Vec<Sp<String>>,
}

/// An error envelope other than the provider's, for one operation (an OAuth2 token endpoint's
/// `{error, error_description}`).
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EnvelopeSpec {
    /// Model that this operation's error bodies decode into.
    pub model: Sp<String>,
    /// Where that model holds the error code (a field name, a JSON pointer, or a list).
    pub code: Sp<FieldPath>,
    /// Where it holds the human-readable message.
    #[serde(default)]
    pub message: Option<Sp<FieldPath>>,
    /// Where it holds the request id.
    #[serde(default)]
    pub request_id: Option<Sp<FieldPath>>,
    /// Where it holds a broader class of errors.
    #[serde(default)]
    pub category: Option<Sp<FieldPath>>,
    /// The error codes documented for this envelope (the `<Model>Code` enum).
    #[serde(default)]
    pub codes: Option<Sp<Vec<Sp<codes::CodeSpec>>>>,
    /// The categories documented for this envelope (needs `category`).
    #[serde(default)]
    pub categories: Option<Sp<Vec<Sp<codes::CodeSpec>>>>,
}

/// Where an error model keeps one of its parts: `code` (a top-level field, by wire name),
/// `/error/code` (a JSON pointer through nested models), or a list of these tried in order,
/// the first present winning (`[/error/code, /code]` reads a nested and a flat shape).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldPath(pub Vec<String>);

impl JsonSchema for FieldPath {
    fn schema_name() -> Cow<'static, str> {
        "FieldPath".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "A field name (`code`), a JSON pointer into nested objects (`/error/code`), or a list of them tried in order.",
            "anyOf": [
                { "type": "string" },
                { "type": "array", "items": { "type": "string" }, "minItems": 1 }
            ]
        })
    }
}

impl<'de> Deserialize<'de> for FieldPath {
    fn deserialize<D: de::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct PathVisitor;
        impl<'de> Visitor<'de> for PathVisitor {
            type Value = FieldPath;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a field name, a JSON pointer, or a list of them")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(FieldPath(vec![v.to_owned()]))
            }
            fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                let mut out = Vec::new();
                while let Some(item) = seq.next_element::<String>()? {
                    out.push(item);
                }
                Ok(FieldPath(out))
            }
        }
        deserializer.deserialize_any(PathVisitor)
    }
}

/// How a paged operation's answer leads to the next page: exactly one of the keys.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PagingSpec {
    /// JSON pointer of the next page's URL in the answer (PingOne: `/_links/next/href`).
    #[serde(default)]
    pub next_link: Option<Sp<String>>,
    /// A cursor carried from the answer into a query parameter.
    #[serde(default)]
    pub cursor: Option<Sp<CursorSpec>>,
    /// Numbered pages in a query parameter, up to a total the answer gives.
    #[serde(default)]
    pub page: Option<Sp<PageNumberSpec>>,
    /// JSON pointer to a page's items (`*` for every item of a list or value of a map:
    /// `/links/*`), which gives the client `<operation>_items`, a stream of items across pages.
    #[serde(default)]
    pub items: Option<Sp<String>>,
}

/// Cursor paging.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CursorSpec {
    /// The query parameter that takes the cursor.
    pub param: Sp<String>,
    /// JSON pointer of the next cursor in the answer.
    pub next: Sp<String>,
    /// JSON pointer of a boolean that is false on the last page.
    #[serde(default)]
    pub has_more: Option<Sp<String>>,
}

/// Page-number paging.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PageNumberSpec {
    /// The query parameter that takes the page number (1 for the first page).
    pub param: Sp<String>,
    /// JSON pointer of the number of pages in the answer.
    pub total_pages: Sp<String>,
}

/// One endpoint.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OperationSpec {
    /// What the endpoint does.
    #[serde(default)]
    pub doc: Option<String>,
    /// HTTP method, upper case.
    #[schemars(schema_with = "method_schema")]
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
    pub body_on_get: Option<Sp<bool>>,
    /// Success statuses and what each answers with: a type, `empty` (no body), or bytes (`binary`, `application/pdf`).
    pub responses: Entries<Sp<String>>,
    /// Another host from `servers.hosts` (a token or SSO host).
    #[serde(default)]
    pub host: Option<Sp<String>>,
    /// `json` (default) or `form` (`application/x-www-form-urlencoded`, OAuth2 token endpoints).
    #[serde(default)]
    pub body_format: Option<Sp<String>>,
    /// A media type other than the provider's, for this operation's Accept and JSON body.
    #[serde(default)]
    pub media_type: Option<Sp<String>>,
    /// How the answer leads to the next page; the client then also gets `<operation>_pages`.
    #[serde(default)]
    pub paging: Option<Sp<PagingSpec>>,
    /// The error envelope of this operation, when it is not the provider's (`errors:` at the top).
    #[serde(default)]
    pub errors: Option<Sp<EnvelopeSpec>>,
    /// Safe to send twice, so retried after errors that may have reached the server. Default:
    /// true for GET, PUT and DELETE, false for POST and PATCH.
    #[serde(default)]
    pub idempotent: Option<bool>,
    /// The provider deprecates the operation: `true`, or a note saying what to use instead.
    #[serde(default)]
    pub deprecated: Option<Sp<Deprecation>>,
    /// The body may be left out: the request's `body` is optional and nothing is sent without it.
    #[serde(default)]
    pub body_optional: Option<Sp<bool>>,
    /// The largest answer body read, in bytes, instead of the 16 MiB default; a client's own limit wins.
    #[serde(default)]
    pub max_body_bytes: Option<Sp<u64>>,
    /// The auth scheme: a name under `auth.schemes`, or `none` for no credentials (default: the provider's default).
    #[serde(default)]
    pub auth: Option<Sp<String>>,
}

/// A path, query or header parameter.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ParamSpec {
    /// `path`, `query` or `header`.
    #[serde(rename = "in")]
    #[schemars(schema_with = "param_location_schema")]
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
    /// A secret or personal data (an `Authorization` header): redacted from `Debug`.
    #[serde(default)]
    pub sensitive: bool,
    /// With a `list<...>` query parameter: `repeated` (`?ids=a&ids=b`) or `comma` (`?ids=a,b`).
    #[serde(default)]
    #[schemars(schema_with = "optional_query_style_schema")]
    pub style: Option<Sp<String>>,
    /// A path parameter filled by the client from one of its settings (an `auth.inputs` name,
    /// e.g. `environment_id`) instead of by each request.
    #[serde(default)]
    pub from: Option<Sp<String>>,
}

/// An id type: a newtype over the id's wire value.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct IdSpec {
    /// What the id identifies.
    #[serde(default)]
    pub doc: Option<String>,
    /// The JSON type of the id: `string` (the default) or `integer`.
    #[serde(default)]
    #[schemars(schema_with = "optional_id_wire_schema")]
    pub wire: Option<Sp<String>>,
}

/// An object type.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ModelSpec {
    /// What the object is.
    #[serde(default)]
    pub doc: Option<String>,
    /// Fields by wire name, in file order.
    pub fields: Entries<Sp<FieldSpec>>,
    /// Keys this model does not declare: `keep` (held in `unknown_keys`, sent back) or `ignore`.
    ///
    /// Default: the provider's `unknown_keys`.
    #[serde(default)]
    #[schemars(schema_with = "optional_unknown_keys_schema")]
    pub unknown_keys: Option<Sp<String>>,
}

/// A field of a model.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FieldSpec {
    /// Type expression: `string`, `integer`, `number`, `decimal`, `boolean`, `date`, `datetime`,
    /// `json`, `list<T>`, `map<T>`, or a model or enum name.
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
    #[schemars(schema_with = "optional_timestamps_schema")]
    pub format: Option<Sp<String>>,
    /// Rust name, when the wire name converts badly.
    #[serde(default)]
    pub rust: Option<Sp<String>>,
    /// The provider deprecates the field: `true`, or a note saying what to use instead.
    #[serde(default)]
    pub deprecated: Option<Sp<Deprecation>>,
}

/// `deprecated: true`, or `deprecated: "use /user/items/get"` (the note users see).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Deprecation {
    /// `true` deprecates without a note; `false` is the same as leaving the key out.
    Flag(bool),
    /// Deprecated, with what to use instead.
    Note(String),
}

impl JsonSchema for Deprecation {
    fn schema_name() -> Cow<'static, str> {
        "Deprecation".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "`true`, or a note saying what to use instead (`use /user/items/get`).",
            "type": ["boolean", "string"]
        })
    }
}

impl<'de> Deserialize<'de> for Deprecation {
    fn deserialize<D: de::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct DeprecationVisitor;
        impl<'de> Visitor<'de> for DeprecationVisitor {
            type Value = Deprecation;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("`true`, `false`, or a note")
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
                Ok(Deprecation::Flag(v))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(Deprecation::Note(v.to_owned()))
            }
            // The shape check lets a plain number through where text goes; it is a note too.
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
                Ok(Deprecation::Note(v.to_string()))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
                Ok(Deprecation::Note(v.to_string()))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
                Ok(Deprecation::Note(v.to_string()))
            }
        }
        deserializer.deserialize_any(DeprecationVisitor)
    }
}
