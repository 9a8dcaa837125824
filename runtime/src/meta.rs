//! Static descriptions of providers and operations, emitted by the generator from specs.

/// HTTP methods linkspec specs may use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
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
    /// The reqwest method.
    pub fn to_reqwest(self) -> reqwest::Method {
        match self {
            Method::Get => reqwest::Method::GET,
            Method::Post => reqwest::Method::POST,
            Method::Put => reqwest::Method::PUT,
            Method::Patch => reqwest::Method::PATCH,
            Method::Delete => reqwest::Method::DELETE,
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

/// Where one key of a key pair travels: a JSON body field or a header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KeyPlacement {
    /// Body field name.
    pub body: &'static str,
    /// Header name.
    pub header: &'static str,
}

/// How credentials are attached to data calls.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthScheme {
    /// `Authorization: Bearer <token>`.
    Bearer {
        /// The generated builder method that sets the token, for error messages.
        setter: &'static str,
    },
    /// The token in a named header.
    Header {
        /// Header name.
        name: &'static str,
        /// The generated builder method that sets the token, for error messages.
        setter: &'static str,
    },
    /// A client id and a secret, in the JSON body or in headers.
    KeyPair {
        /// Where the id goes.
        client_id: KeyPlacement,
        /// Where the secret goes.
        secret: KeyPlacement,
    },
    /// HTTP Basic: `Authorization: Basic base64(user:password)`.
    Basic {
        /// The generated builder method that sets the user, for error messages.
        user: &'static str,
        /// The generated builder method that sets the password, for error messages.
        password: &'static str,
    },
    /// Several named schemes; each operation uses the default or the one it names.
    Named(&'static NamedSchemes),
}

/// A provider's named auth schemes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NamedSchemes {
    /// (name, scheme); no scheme here is itself `Named`.
    pub schemes: &'static [(&'static str, AuthScheme)],
    /// The scheme of operations not listed in `operations`.
    pub default: &'static str,
    /// (operation, scheme name) for operations that use another scheme than the default.
    pub operations: &'static [(&'static str, &'static str)],
}

impl AuthScheme {
    /// The scheme `operation` uses, with its name (`None` for a provider of one scheme).
    pub fn for_operation(self, operation: &str) -> (Option<&'static str>, AuthScheme) {
        let AuthScheme::Named(named) = self else { return (None, self) };
        let name = named.operations.iter().find(|(op, _)| *op == operation).map_or(named.default, |(_, scheme)| *scheme);
        match named.schemes.iter().find(|(n, _)| *n == name) {
            Some((name, scheme)) => (Some(*name), *scheme),
            None => (Some(name), self),
        }
    }

    /// The default scheme: the only one, or the named default.
    pub fn default_scheme(self) -> AuthScheme {
        match self {
            AuthScheme::Named(named) => named.schemes.iter().find(|(n, _)| *n == named.default).map_or(self, |(_, s)| *s),
            other => other,
        }
    }
}

/// A header sent on every call of a provider.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HeaderMeta {
    /// Header name.
    pub name: &'static str,
    /// Value sent unless the client sets another; `None`: sent only when set.
    pub default: Option<&'static str>,
}

/// What the runtime needs to know about a provider.
#[derive(Debug)]
pub struct ProviderMeta {
    /// Module name, used in logs and errors.
    pub name: &'static str,
    /// Accept, and Content-Type of bodies.
    pub media_type: &'static str,
    /// Credential placement.
    pub auth: AuthScheme,
    /// Provider-wide headers.
    pub headers: &'static [HeaderMeta],
    /// Default environment's base URL template.
    pub base_url: &'static str,
    /// Every environment: (name in the spec, base URL template).
    pub environments: &'static [(&'static str, &'static str)],
    /// The URL templates' placeholders.
    pub variables: &'static [VariableMeta],
    /// Other hosts some operations use (an SSO or token host), per environment.
    pub hosts: &'static [HostMeta],
    /// Named values the client's user supplies for acquiring credentials (client id and
    /// secret, environment id, API key).
    pub inputs: &'static [InputMeta],
    /// How credentials are acquired and renewed; `None`: the user supplies them.
    pub acquire: Option<&'static AcquireMeta>,
    /// What the provider's answers mean: expired credentials, rate limits.
    pub rules: ErrorRules,
}

/// A `{placeholder}` of a provider's base URL templates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VariableMeta {
    /// Name in the template.
    pub name: &'static str,
    /// Value used unless the client sets another.
    pub default: &'static str,
    /// Every allowed value.
    pub values: &'static [&'static str],
}

/// Another host of a provider, with a URL template per environment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HostMeta {
    /// Name operations refer to (`auth`, `sso`).
    pub name: &'static str,
    /// (environment name, URL template).
    pub urls: &'static [(&'static str, &'static str)],
}

/// A value the user gives for acquiring credentials.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InputMeta {
    /// Name (`client_id`), also the builder method that sets it.
    pub name: &'static str,
    /// Held as a secret and never printed.
    pub secret: bool,
}

/// Where an acquisition step puts a value in its operation's request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    /// A `{name}` path segment.
    Path(&'static str),
    /// A query parameter.
    Query(&'static str),
    /// A header.
    Header(&'static str),
    /// A top-level field of the body (JSON or form).
    Body(&'static str),
}

/// Where an acquisition step takes a value from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// A constant string.
    Const(&'static str),
    /// A constant JSON value, written as JSON text.
    Json(&'static str),
    /// A user-supplied input, by name.
    Input(&'static str),
    /// The token the previous step produced.
    Previous,
    /// `Basic base64(user:password)` from two inputs.
    Basic(&'static str, &'static str),
}

/// One request of a credential acquisition.
#[derive(Debug)]
pub struct AcquireStep {
    /// The operation called (declared in the spec like any other).
    pub operation: &'static OperationMeta,
    /// Values placed in its request.
    pub bind: &'static [(Place, Source)],
    /// JSON pointer of the token in the answer.
    pub token: &'static str,
}

/// How long an acquired credential lives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lifetime {
    /// The answer of the last step says, in seconds, at this JSON pointer (`/expires_in`);
    /// `default_seconds` applies when it does not.
    FromAnswer {
        /// JSON pointer.
        pointer: &'static str,
        /// Used when the answer has no such number.
        default_seconds: u64,
    },
    /// A fixed lifetime; `sliding`: every successful call extends it.
    Fixed {
        /// Seconds.
        seconds: u64,
        /// Extended by every successful call.
        sliding: bool,
    },
}

/// How a provider's credentials are acquired and renewed.
#[derive(Debug)]
pub struct AcquireMeta {
    /// Requests made in order; each may use the previous one's token.
    pub steps: &'static [AcquireStep],
    /// How long the credential lives.
    pub lifetime: Lifetime,
    /// Renew this many seconds before expiry.
    pub margin_seconds: u64,
}

/// Provider-specific meanings of error answers, from the spec.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ErrorRules {
    /// Statuses that mean expired credentials, for a provider whose expiry has no codes.
    pub expired_statuses: &'static [u16],
    /// Error codes (or categories) that mean expired credentials, whatever the status (when
    /// empty, `expired_statuses` decide).
    pub expired_codes: &'static [&'static str],
    /// Error codes (or categories) that mean "rate limited", whatever the status.
    pub rate_limit_codes: &'static [&'static str],
    /// Error codes (or categories) that mean the credentials were refused (keys that no
    /// renewal fixes), whatever the status.
    pub rejected_codes: &'static [&'static str],
    /// Error codes (or categories) that mean "gone" (removed), whatever the status.
    pub gone_codes: &'static [&'static str],
    /// Error codes (or categories) that mean "not found", whatever the status.
    pub not_found_codes: &'static [&'static str],
    /// Response headers (lower case) holding the request id when the body does not.
    pub request_id_headers: &'static [&'static str],
}

impl ErrorRules {
    /// No provider-specific rules: statuses alone decide.
    pub const NONE: ErrorRules = ErrorRules {
        expired_statuses: &[],
        expired_codes: &[],
        rate_limit_codes: &[],
        rejected_codes: &[],
        gone_codes: &[],
        not_found_codes: &[],
        request_id_headers: &[],
    };
}

/// How an operation's body is encoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyFormat {
    /// JSON in the provider's media type.
    Json,
    /// `application/x-www-form-urlencoded` (OAuth2 token endpoints).
    Form,
}

/// What the runtime needs to know about one operation. `Debug` names the provider rather than
/// printing it (the provider's acquisition steps point back at operations).
pub struct OperationMeta {
    /// The provider.
    pub provider: &'static ProviderMeta,
    /// Operation name, used in logs and errors.
    pub name: &'static str,
    /// HTTP method.
    pub method: Method,
    /// Path template, `{name}` for path parameters.
    pub path: &'static str,
    /// Documented success statuses.
    pub success: &'static [u16],
    /// Another host of the provider (`None`: the main base URL).
    pub host: Option<&'static str>,
    /// Body encoding.
    pub body_format: BodyFormat,
    /// A media type other than the provider's, for Accept and JSON bodies (an SSO API).
    pub media_type: Option<&'static str>,
    /// Safe to send twice: retried even after the request may have reached the server.
    pub idempotent: bool,
    /// Carries the provider's data credential (false for credential-acquisition endpoints).
    pub authenticated: bool,
    /// How the answer says where the next page is; `None`: not paged.
    pub paging: Option<Paging>,
    /// Wire names of the code and message in this operation's error envelope.
    pub envelope: EnvelopeMeta,
}

/// Where an error envelope keeps its code and message: JSON pointers into the body, tried in
/// order, the first present winning (`/error/code`, then `/code`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EnvelopeMeta {
    /// Where the code is.
    pub code: &'static [&'static str],
    /// Where the message is (none: the envelope has no message).
    pub message: &'static [&'static str],
}

/// How a paged operation's answer leads to the next page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Paging {
    /// The answer holds the next page's URL at a JSON pointer (PingOne's `/_links/next/href`);
    /// absent, null or empty: last page. The URL is always sent to the client's own origin.
    NextLink {
        /// JSON pointer.
        pointer: &'static str,
    },
    /// The answer holds a cursor that goes in a query parameter of the next request.
    Cursor {
        /// Query parameter.
        param: &'static str,
        /// JSON pointer of the next cursor; absent, null or empty: last page.
        next: &'static str,
        /// JSON pointer of a boolean that is false on the last page, when the provider sends one.
        has_more: Option<&'static str>,
    },
    /// Numbered pages: the query parameter counts up from the current page (1 when unset)
    /// until the total at a JSON pointer.
    PageNumber {
        /// Query parameter.
        param: &'static str,
        /// JSON pointer of the number of pages.
        total_pages: &'static str,
    },
}

impl std::fmt::Debug for OperationMeta {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OperationMeta")
            .field("provider", &self.provider.name)
            .field("name", &self.name)
            .field("method", &self.method)
            .field("path", &self.path)
            .field("success", &self.success)
            .field("host", &self.host)
            .field("body_format", &self.body_format)
            .field("media_type", &self.media_type)
            .field("idempotent", &self.idempotent)
            .field("authenticated", &self.authenticated)
            .field("paging", &self.paging)
            .field("envelope", &self.envelope)
            .finish()
    }
}

/// What `cargo xtask record` needs to know about a provider to record a case and redact it:
/// the provider's description (hosts, inputs, acquisition steps with their token pointers,
/// credential headers, request-id headers) and every value its spec marks `sensitive: true`.
/// Emitted per provider behind the generated crate's `dispatch` feature.
#[derive(Debug)]
pub struct RecordingMeta {
    /// The provider.
    pub provider: &'static ProviderMeta,
    /// Every field and parameter marked sensitive, once per (place, wire name, kind).
    pub sensitive: &'static [Sensitive],
}

/// A field or parameter a spec marks `sensitive: true`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sensitive {
    /// Where it travels.
    pub place: SensitivePlace,
    /// Its wire name.
    pub name: &'static str,
    /// What its value looks like, so a stand-in can take the same shape.
    pub kind: SensitiveKind,
}

/// Where a sensitive value travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SensitivePlace {
    /// A field of a model: a key of a JSON (or form) body, request or response, at any depth.
    Field,
    /// A path parameter.
    Path,
    /// A query parameter.
    Query,
    /// A header parameter.
    Header,
}

/// The shape of a sensitive value, from its type in the spec.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SensitiveKind {
    /// Text (strings and string enums).
    Text,
    /// A `YYYY-MM-DD` date.
    Date,
    /// A date-time.
    DateTime,
    /// A whole number.
    Integer,
    /// Any other number.
    Number,
    /// `true` or `false`.
    Boolean,
    /// An object, a list or any JSON: every value inside it.
    Nested,
}
