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
    /// Rust field holding the code, and its type.
    pub code: (String, TypeRef),
    /// Rust field holding the message.
    pub message: Option<(String, TypeRef)>,
    /// Rust field holding the request id.
    pub request_id: Option<(String, TypeRef)>,
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
}

/// Wire formats of date-times.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimestampFormat {
    /// Offset required (`2019-02-15T15:51:39Z`).
    Rfc3339,
    /// No offset (`2023-02-16T09:14:11`).
    Naive,
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
    /// A model by name.
    Model(String),
    /// An enum by name.
    Enum(String),
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
}

/// A known enum value.
#[derive(Debug, Clone, PartialEq)]
pub struct EnumValue {
    /// Variant name.
    pub rust: String,
    /// Wire text.
    pub wire: String,
    /// Doc.
    pub doc: Option<String>,
}
