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

/// What the runtime needs to know about one operation.
#[derive(Debug)]
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
}
