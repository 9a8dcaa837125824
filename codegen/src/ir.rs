//! Typed intermediate representation: a validated provider, ready to emit.
//!
//! Closed vocabularies are enums, names are already Rust identifiers, collections are ordered.
//! An IR value only exists when lowering found no error.

/// A provider, validated.
#[derive(Debug, Clone, PartialEq)]
pub struct Provider {
    /// Spec file name as given to the generator, for headers and docs.
    pub source: String,
    /// Module name (`plaid`) and cargo feature name.
    pub module: String,
    /// Human name (`Plaid`).
    pub title: String,
    /// Overview.
    pub docs: Option<String>,
    /// Environments in file order; `default_env` indexes into it.
    pub environments: Vec<Environment>,
    /// Index of the default environment.
    pub default_env: usize,
    /// Server URL placeholders.
    pub variables: Vec<Variable>,
    /// Media type for Accept and Content-Type.
    pub media_type: String,
    /// Provider-wide headers.
    pub headers: Vec<DefaultHeader>,
    /// How credentials travel.
    pub auth: Auth,
    /// Error envelope.
    pub errors: ErrorEnvelope,
    /// Endpoints in file order.
    pub operations: Vec<Operation>,
    /// Models in file order.
    pub models: Vec<Model>,
    /// Enums in file order.
    pub enums: Vec<Enum>,
    /// Id types in file order.
    pub ids: Vec<IdType>,
    /// Other hosts some operations use, per environment.
    pub hosts: Vec<Host>,
    /// Values the user supplies for acquiring credentials.
    pub inputs: Vec<Input>,
    /// How credentials are acquired and renewed, when the spec says.
    pub acquire: Option<Acquire>,
    /// What error answers mean.
    pub rules: Rules,
    /// How the provider joins views, in view name order.
    pub views: Vec<ViewMapping>,
}

/// Another host of a provider (a token or SSO host).
#[derive(Debug, Clone, PartialEq)]
pub struct Host {
    /// Name operations use.
    pub name: String,
    /// (environment wire name, URL template), in environment order.
    pub urls: Vec<(String, String)>,
}

/// A value the user supplies for acquiring credentials.
#[derive(Debug, Clone, PartialEq)]
pub struct Input {
    /// Name, and the builder method that sets it.
    pub name: String,
    /// Doc.
    pub doc: Option<String>,
    /// Held as a secret.
    pub secret: bool,
}

/// Credential acquisition.
#[derive(Debug, Clone, PartialEq)]
pub struct Acquire {
    /// Steps in order.
    pub steps: Vec<AcquireStep>,
    /// How long the credential lives.
    pub lifetime: Lifetime,
    /// Renew this many seconds ahead of expiry.
    pub margin_seconds: u64,
}

/// One acquisition request.
#[derive(Debug, Clone, PartialEq)]
pub struct AcquireStep {
    /// Operation name.
    pub operation: String,
    /// Values placed in the request.
    pub bind: Vec<(Place, Source)>,
    /// JSON pointer of the token in the answer.
    pub token: String,
}

/// Where a bound value goes.
#[derive(Debug, Clone, PartialEq)]
pub enum Place {
    /// Path parameter, by wire name.
    Path(String),
    /// Query parameter.
    Query(String),
    /// Header.
    Header(String),
    /// Body field.
    Body(String),
}

/// Where a bound value comes from.
#[derive(Debug, Clone, PartialEq)]
pub enum Source {
    /// A constant string.
    Const(String),
    /// A constant JSON value, as JSON text.
    Json(String),
    /// An input.
    Input(String),
    /// The previous step's token.
    Previous,
    /// HTTP Basic from two inputs.
    Basic(String, String),
}

/// How long an acquired credential lives.
#[derive(Debug, Clone, PartialEq)]
pub enum Lifetime {
    /// Seconds at a JSON pointer of the last answer, with a default.
    FromAnswer {
        /// JSON pointer.
        pointer: String,
        /// Used when absent.
        default_seconds: u64,
    },
    /// Fixed, optionally extended by every call.
    Fixed {
        /// Seconds.
        seconds: u64,
        /// Extended by every successful call.
        sliding: bool,
    },
}

/// Provider rules for reading error answers.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Rules {
    /// Statuses meaning expired credentials (with `expired_codes`).
    pub expired_statuses: Vec<u16>,
    /// Codes meaning expired credentials (any when empty).
    pub expired_codes: Vec<String>,
    /// Codes meaning rate limited.
    pub rate_limit_codes: Vec<String>,
    /// Codes meaning the credentials were refused.
    pub rejected_codes: Vec<String>,
    /// Codes meaning gone.
    pub gone_codes: Vec<String>,
    /// Codes meaning not found.
    pub not_found_codes: Vec<String>,
    /// Response headers holding the request id, lower case.
    pub request_id_headers: Vec<String>,
}

/// Paging rules.
#[derive(Debug, Clone, PartialEq)]
pub enum Paging {
    /// Follow the URL at a JSON pointer.
    NextLink {
        /// JSON pointer.
        pointer: String,
    },
    /// Carry a cursor into a query parameter.
    Cursor {
        /// Query parameter wire name.
        param: String,
        /// JSON pointer of the next cursor.
        next: String,
        /// JSON pointer of the has-more flag.
        has_more: Option<String>,
    },
    /// Count pages in a query parameter.
    PageNumber {
        /// Query parameter wire name.
        param: String,
        /// JSON pointer of the total.
        total_pages: String,
    },
}

/// Body encodings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum BodyFormat {
    /// JSON in the provider's media type.
    #[default]
    Json,
    /// `application/x-www-form-urlencoded`.
    Form,
}

/// A named base URL.
#[derive(Debug, Clone, PartialEq)]
pub struct Environment {
    /// Variant name (`Sandbox`).
    pub rust: String,
    /// Name in the spec (`sandbox`).
    pub wire: String,
    /// URL template, `{var}` placeholders allowed.
    pub url: String,
}

/// A server URL placeholder with its allowed values.
#[derive(Debug, Clone, PartialEq)]
pub struct Variable {
    /// Name in the template.
    pub wire: String,
    /// Enum type name (`Region`).
    pub type_name: String,
    /// Builder setter name (`region`).
    pub setter: String,
    /// Doc.
    pub doc: Option<String>,
    /// Index of the default value.
    pub default: usize,
    /// Allowed values: (variant, text).
    pub values: Vec<(String, String)>,
}

/// A provider-wide header.
#[derive(Debug, Clone, PartialEq)]
pub struct DefaultHeader {
    /// Header name as sent.
    pub wire: String,
    /// Builder setter name.
    pub setter: String,
    /// Doc.
    pub doc: Option<String>,
    /// Value sent unless the user sets another.
    pub default: Option<String>,
}

/// Credential schemes.
#[derive(Debug, Clone, PartialEq)]
pub enum Auth {
    /// `Authorization: Bearer <token>`.
    Bearer {
        /// Builder setter name.
        setter: String,
    },
    /// A token in a named header.
    Header {
        /// Header name.
        header: String,
        /// Builder setter name.
        setter: String,
    },
    /// A client id and secret, in the JSON body or in headers (the user picks).
    KeyPair {
        /// Where the id goes.
        client_id: KeyPlacement,
        /// Where the secret goes.
        secret: KeyPlacement,
    },
    /// HTTP Basic: `Authorization: Basic base64(user:password)`.
    Basic {
        /// Builder setter of the user.
        user: String,
        /// Builder setter of the password.
        password: String,
    },
    /// Several named schemes (none of them `Named`); operations name one or use the default.
    Named {
        /// (name, scheme), in file order.
        schemes: Vec<(String, Auth)>,
        /// Name of the default scheme.
        default: String,
    },
}

impl Auth {
    /// The builder methods that take this scheme's credentials, in order.
    pub fn setters(&self) -> Vec<String> {
        match self {
            Auth::Bearer { setter } | Auth::Header { setter, .. } => vec![setter.clone()],
            Auth::KeyPair { .. } => crate::names::KEY_PAIR_SETTERS.iter().map(|s| (*s).to_owned()).collect(),
            Auth::Basic { user, password } => vec![user.clone(), password.clone()],
            Auth::Named { schemes, .. } => schemes.iter().flat_map(|(_, s)| s.setters()).collect(),
        }
    }

    /// The scheme that carries a token (bearer or header), which acquisition fills.
    pub fn token_scheme(&self) -> Option<&Auth> {
        match self {
            Auth::Bearer { .. } | Auth::Header { .. } => Some(self),
            Auth::KeyPair { .. } | Auth::Basic { .. } => None,
            Auth::Named { schemes, .. } => schemes.iter().find_map(|(_, s)| s.token_scheme()),
        }
    }
}

/// The body field and header name of one key of a key pair.
#[derive(Debug, Clone, PartialEq)]
pub struct KeyPlacement {
    /// JSON body field.
    pub body: String,
    /// Header name.
    pub header: String,
}

/// Where to read the parts of an error body.
#[derive(Debug, Clone, PartialEq)]
pub struct ErrorEnvelope {
    /// Model name.
    pub model: String,
    /// Where the code is.
    pub code: FieldRead,
    /// Where the message is.
    pub message: Option<FieldRead>,
    /// Where the request id is.
    pub request_id: Option<FieldRead>,
    /// Where a broader error class is (Plaid's `error_type`).
    pub category: Option<FieldRead>,
    /// The documented codes: the `<Model>Code` enum of the spec's list, or the enum the code
    /// field already has; `None`: codes are plain text.
    pub codes: Option<CodeList>,
    /// The documented categories, the same way (`<Model>Category`, or the field's enum).
    pub categories: Option<CodeList>,
}

/// The documented error codes (or categories) of an envelope, as a string enum that keeps any
/// other value in its fallback variant.
#[derive(Debug, Clone, PartialEq)]
pub struct CodeList {
    /// The enum (`PlaidErrorCode`): one variant per code, in the spec's order, `wire` the code's
    /// text; emitted like every other enum of the spec.
    pub enumeration: Enum,
    /// True for an enum made from a `codes:`/`categories:` list, which the envelope's impl
    /// emits; false for a string enum of the spec that the field already has.
    pub emit: bool,
}

/// Where an error model keeps one of its parts: alternatives tried in order, the first
/// present winning.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldRead {
    /// At least one.
    pub alternatives: Vec<FieldChain>,
}

/// One way to a scalar inside an error model: fields followed from the model down.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldChain {
    /// The same way as a JSON pointer over the wire body (`/error/code`).
    pub pointer: String,
    /// Fields followed, outermost first.
    pub steps: Vec<FieldStep>,
    /// The scalar's type.
    pub ty: TypeRef,
}

/// One field on a [`FieldChain`].
#[derive(Debug, Clone, PartialEq)]
pub struct FieldStep {
    /// Rust field name.
    pub rust: String,
    /// The field may be absent.
    pub optional: bool,
    /// The field may be null.
    pub nullable: bool,
}

/// HTTP methods.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// GET
    Get,
    /// POST
    Post,
    /// PUT
    Put,
    /// PATCH
    Patch,
    /// DELETE
    Delete,
}

impl Method {
    /// Runtime variant name.
    pub fn variant(self) -> &'static str {
        match self {
            Method::Get => "Get",
            Method::Post => "Post",
            Method::Put => "Put",
            Method::Patch => "Patch",
            Method::Delete => "Delete",
        }
    }

    /// Upper-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Put => "PUT",
            Method::Patch => "PATCH",
            Method::Delete => "DELETE",
        }
    }
}

/// One endpoint.
#[derive(Debug, Clone, PartialEq)]
pub struct Operation {
    /// Method name (`user_create`), also the operation's wire name.
    pub name: String,
    /// Request type name (`UserCreateRequest`).
    pub request_type: String,
    /// Doc.
    pub doc: Option<String>,
    /// HTTP method.
    pub method: Method,
    /// Path template as written.
    pub path: String,
    /// Parameters in file order.
    pub params: Vec<Param>,
    /// JSON body model.
    pub body: Option<String>,
    /// Success statuses, ascending.
    pub success: Vec<u16>,
    /// Type every success status answers with; `None` for an empty body.
    pub response: Option<TypeRef>,
    /// The operation's own error envelope (`None`: the provider's).
    pub errors: Option<ErrorEnvelope>,
    /// How answers lead to the next page (`None`: not paged).
    pub paging: Option<Paging>,
    /// Where a page's items are, for a stream of items (`None`: pages only).
    pub items: Option<Access>,
    /// Another host (`None`: the base URL).
    pub host: Option<String>,
    /// Body encoding.
    pub body_format: BodyFormat,
    /// A media type other than the provider's.
    pub media_type: Option<String>,
    /// Safe to send twice.
    pub idempotent: bool,
    /// Carries the data credential (false for acquisition steps and `auth: none`).
    pub authenticated: bool,
    /// The provider deprecates it.
    pub deprecated: Option<Deprecated>,
    /// A binary answer: the media type asked for (`response` is then `None`).
    pub binary: Option<String>,
    /// The largest answer body read, from the spec (`None`: the runtime's default).
    pub max_body_bytes: Option<u64>,
    /// The body may be left out.
    pub body_optional: bool,
    /// A named auth scheme other than the provider's default (`None`: the default).
    pub auth_scheme: Option<String>,
}

/// Where a parameter travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamLocation {
    /// A `{name}` path segment.
    Path,
    /// A query pair.
    Query,
    /// A header.
    Header,
}

/// A parameter.
#[derive(Debug, Clone, PartialEq)]
pub struct Param {
    /// Wire name.
    pub wire: String,
    /// Rust field name.
    pub rust: String,
    /// Where it goes.
    pub location: ParamLocation,
    /// Scalar or enum type.
    pub ty: TypeRef,
    /// Must be given.
    pub required: bool,
    /// Doc.
    pub doc: Option<String>,
    /// A secret or personal data: redacted from `Debug`.
    pub sensitive: bool,
    /// How a list query parameter is sent; `None` for a single value.
    pub style: Option<QueryStyle>,
    /// Filled by the client from this input (`auth.inputs`) rather than by the request.
    pub from: Option<String>,
}

/// How a list query parameter is sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QueryStyle {
    /// One pair per item: `?ids=a&ids=b`.
    Repeated,
    /// One pair, items joined by commas: `?ids=a,b`.
    Comma,
}

/// A deprecation from the spec.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Deprecated {
    /// What to use instead, when the spec says.
    pub note: Option<String>,
}

/// Wire formats of date-times.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimestampFormat {
    /// Offset required (`2019-02-15T15:51:39Z`).
    Rfc3339,
    /// No offset (`2023-02-16T09:14:11`).
    Naive,
    /// No offset, and the provider says the zone is UTC: an instant.
    NaiveUtc,
}

/// A type expression, resolved.
#[derive(Debug, Clone, PartialEq)]
pub enum TypeRef {
    /// UTF-8 text.
    String,
    /// 64-bit signed integer.
    Integer,
    /// 64-bit float.
    Number,
    /// A number kept as its exact wire text (money).
    Decimal,
    /// true or false.
    Boolean,
    /// `YYYY-MM-DD`.
    Date,
    /// A date-time in the given format.
    DateTime(TimestampFormat),
    /// Any JSON value.
    Json,
    /// A JSON array.
    List(Box<TypeRef>),
    /// A JSON object keyed by string, values of one type.
    Map(Box<TypeRef>),
    /// A list item or map value that may be `null` (`list<string?>`).
    Nullable(Box<TypeRef>),
    /// A model by name.
    Model(String),
    /// An enum by name.
    Enum(String),
    /// An id type by name, with its wire type.
    Id(String, IdWire),
}

/// The JSON type of an id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IdWire {
    /// A string (the default).
    String,
    /// A whole number, held as `i64`.
    Integer,
}

/// An id type: a newtype over the id's wire value, so ids of different things do not mix.
#[derive(Debug, Clone, PartialEq)]
pub struct IdType {
    /// Type name.
    pub name: String,
    /// Doc.
    pub doc: Option<String>,
    /// The JSON type.
    pub wire: IdWire,
}

/// An object type.
#[derive(Debug, Clone, PartialEq)]
pub struct Model {
    /// Type name.
    pub name: String,
    /// Doc.
    pub doc: Option<String>,
    /// Fields in file order.
    pub fields: Vec<Field>,
    /// Keys it does not declare are kept in a catch-all and sent back.
    pub keep_unknown: bool,
}

/// A field.
#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    /// Wire name.
    pub wire: String,
    /// Rust name.
    pub rust: String,
    /// Doc.
    pub doc: Option<String>,
    /// Type.
    pub ty: TypeRef,
    /// Key may be absent.
    pub optional: bool,
    /// Value may be null.
    pub nullable: bool,
    /// Redacted from Debug.
    pub sensitive: bool,
    /// The type refers back to the model holding it, so it is boxed.
    pub boxed: bool,
    /// The provider deprecates it.
    pub deprecated: Option<Deprecated>,
}

/// A string enum that keeps unknown values.
#[derive(Debug, Clone, PartialEq)]
pub struct Enum {
    /// Type name.
    pub name: String,
    /// Doc.
    pub doc: Option<String>,
    /// Known values: (variant, wire text, doc).
    pub values: Vec<EnumValue>,
    /// The provider lists `null` among the values.
    pub nullable: bool,
    /// The JSON type of the values.
    pub wire: EnumWire,
    /// Variant that keeps unlisted values: `Unknown`, or `Unrecognized` when a listed value
    /// takes the name `Unknown`.
    pub fallback: String,
}

/// The JSON type of an enum's values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EnumWire {
    /// Strings (the default).
    String,
    /// Whole numbers, held as `i64`.
    Integer,
    /// `true` and `false`.
    Boolean,
}

/// A known enum value.
#[derive(Debug, Clone, PartialEq)]
pub struct EnumValue {
    /// Variant name.
    pub rust: String,
    /// Wire text (`4011`, `true` for integer and boolean enums).
    pub wire: String,
    /// Doc.
    pub doc: Option<String>,
}

/// A view: one neutral item over several providers' records.
#[derive(Debug, Clone, PartialEq)]
pub struct View {
    /// View file as given to the generator.
    pub source: String,
    /// Module name and method suffix (`connections`: `list_connections`).
    pub name: String,
    /// Human name.
    pub title: String,
    /// Overview.
    pub doc: Option<String>,
    /// The item's type name (`Connection`).
    pub item: String,
    /// The status type's name (`ConnectionStatus`).
    pub status_type: String,
    /// What the status says.
    pub status_doc: Option<String>,
    /// Status values: (variant, wire text, doc), in file order.
    pub status_values: Vec<(String, String, String)>,
    /// Fields besides the ones every item has, in file order.
    pub fields: Vec<ViewField>,
}

/// A field of a view's item.
#[derive(Debug, Clone, PartialEq)]
pub struct ViewField {
    /// Rust and JSON name.
    pub name: String,
    /// What it holds.
    pub kind: ViewFieldKind,
    /// May be absent.
    pub optional: bool,
    /// Doc.
    pub doc: String,
}

/// Types of view fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ViewFieldKind {
    /// Text.
    String,
    /// A UTC instant.
    Instant,
}

/// How one provider joins a view.
#[derive(Debug, Clone, PartialEq)]
pub struct ViewMapping {
    /// The view's name.
    pub view: String,
    /// What the provider's items are, what is absent.
    pub doc: Option<String>,
    /// The operation called.
    pub operation: String,
    /// Called once per value of the single argument rather than once.
    pub each: bool,
    /// The method's arguments, in order.
    pub args: Vec<ViewArg>,
    /// From the answer to the records (owned).
    pub records: Access,
    /// The record model.
    pub record: String,
    /// Every page is read.
    pub paged: bool,
    /// View field name to value, for the fields the provider maps.
    pub fields: Vec<(String, ViewValue)>,
    /// The values the status rows test.
    pub status_from: Vec<Access>,
    /// Status rows in order.
    pub rows: Vec<StatusRow>,
    /// Wire text of the status when no row matches (`None`: unknown).
    pub otherwise: Option<String>,
}

/// An argument of a view's method.
#[derive(Debug, Clone, PartialEq)]
pub struct ViewArg {
    /// Rust name.
    pub rust: String,
    /// Where it goes: a parameter (true) or a field of the body (false).
    pub param: bool,
    /// Its type.
    pub ty: TypeRef,
}

/// A view field's value in one provider's records.
#[derive(Debug, Clone, PartialEq)]
pub enum ViewValue {
    /// The first value found (the only one, for a pointer without `*`).
    First(Access),
    /// The latest instant found.
    Latest(Vec<Access>),
    /// The earliest instant found.
    Earliest(Vec<Access>),
}

/// A way from a typed value to values inside it, resolved from a JSON pointer.
#[derive(Debug, Clone, PartialEq)]
pub struct Access {
    /// The pointer as written.
    pub pointer: String,
    /// Steps, outermost first.
    pub steps: Vec<AccessStep>,
    /// The type of the values reached.
    pub ty: TypeRef,
}

impl Access {
    /// True when the way always reaches exactly one value.
    pub fn certain(&self) -> bool {
        self.steps.iter().all(|s| matches!(s, AccessStep::Field { optional: false, nullable: false, .. }))
    }
}

/// One step of an [`Access`].
#[derive(Debug, Clone, PartialEq)]
pub enum AccessStep {
    /// A field of a model.
    Field {
        /// Rust name.
        rust: String,
        /// May be absent.
        optional: bool,
        /// May be null.
        nullable: bool,
        /// Held in a `Box`.
        boxed: bool,
    },
    /// Every item of a list (`*`); `nullable`: items may be null.
    ListItems {
        /// Items may be null.
        nullable: bool,
    },
    /// Every value of a map (`*`).
    MapValues {
        /// Values may be null.
        nullable: bool,
    },
    /// Every field of a model (`*`), all of one type.
    Fields(Vec<AccessStep>),
}

/// One row of a status table.
#[derive(Debug, Clone, PartialEq)]
pub struct StatusRow {
    /// (index into `status_from`, accepted values; `None` is absent or null).
    pub when: Vec<(usize, Vec<Option<String>>)>,
    /// The neutral status's wire text.
    pub status: String,
    /// Where the fact comes from.
    pub source: Option<String>,
}
