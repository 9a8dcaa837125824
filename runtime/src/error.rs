//! Typed errors: one enum per client, generic over the provider's error envelope.

use std::fmt;
use std::time::Duration;

/// What generated error envelopes tell the runtime: the provider's code, message and request id.
/// Generated from the spec's `errors:` section.
pub trait ErrorEnvelope: fmt::Debug + Send + Sync + 'static {
    /// The codes as a type: the enum generated from the spec's `codes:` list (`PlaidErrorCode`,
    /// with `Unknown(String)` for a code the list does not name), or `String` for an envelope
    /// whose spec lists none.
    type Code: for<'a> From<&'a str> + fmt::Debug + Clone + PartialEq + Send + Sync + 'static;
    /// The categories as a type: the enum generated from `categories:`, or `String`.
    type Category: for<'a> From<&'a str> + fmt::Debug + Clone + PartialEq + Send + Sync + 'static;
    /// The provider's error code as text (`INVALID_API_KEYS`,
    /// `api_error.auth.expired_access_token`, `4011`: a numeric code is its decimal text).
    fn code(&self) -> Option<String>;
    /// The human-readable message.
    fn message(&self) -> Option<String>;
    /// The provider's request id, when the body carries one.
    fn request_id(&self) -> Option<String>;
    /// A broader class the provider puts errors in (Plaid's `error_type`), when it has one.
    fn category(&self) -> Option<String> {
        None
    }
    /// The provider's error code as [`Self::Code`], to match on.
    fn typed_code(&self) -> Option<Self::Code> {
        self.code().map(|c| Self::Code::from(c.as_str()))
    }
    /// The category as [`Self::Category`], to match on.
    fn typed_category(&self) -> Option<Self::Category> {
        self.category().map(|c| Self::Category::from(c.as_str()))
    }
}

/// Everything a call can fail with.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error<E> {
    /// The request could not be sent or the answer not read (DNS, connect, TLS, reset).
    Transport {
        /// Operation name.
        operation: &'static str,
        /// The underlying error.
        source: reqwest::Error,
    },
    /// No complete answer within the configured timeout.
    Timeout {
        /// Operation name.
        operation: &'static str,
        /// The underlying error.
        source: reqwest::Error,
    },
    /// The provider answered with an error status and a body in its error envelope.
    Api(Box<ApiError<E>>),
    /// The answer could not be decoded into the expected type.
    Decode(Box<DecodeError>),
    /// Credentials could not be acquired or renewed (the token endpoint refused, failed or
    /// answered without a token). Every caller waiting for the same acquisition gets it.
    Auth(Box<AuthError>),
    /// A paged listing stopped before the provider's last page (see
    /// [`Pages::truncated`](crate::Pages::truncated)): what was fetched is not all there is.
    Truncated {
        /// Operation name.
        operation: &'static str,
        /// Pages fetched.
        pages: u64,
        /// Why it stopped.
        why: crate::pages::Truncation,
    },
    /// The request could not be built (a body that does not serialise, a bad header value).
    Request {
        /// Operation name.
        operation: &'static str,
        /// What went wrong.
        message: String,
    },
}

impl<E: ErrorEnvelope> Error<E> {
    /// The HTTP status, when the provider answered.
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Api(e) => Some(e.status),
            Error::Decode(e) => Some(e.status),
            Error::Auth(e) => e.status,
            _ => None,
        }
    }

    /// The provider's error, when it answered with one.
    pub fn api(&self) -> Option<&ApiError<E>> {
        match self {
            Error::Api(e) => Some(e),
            _ => None,
        }
    }

    /// The provider's error code, when it answered with one.
    pub fn code(&self) -> Option<String> {
        self.api().and_then(ApiError::code)
    }

    /// The provider's error code as its envelope's code type, to match on: the generated enum
    /// when the spec lists the codes (`Some(PlaidErrorCode::ItemNotFound)`, or `Unknown` with
    /// the text for one it does not list), the text otherwise.
    pub fn typed_code(&self) -> Option<E::Code> {
        self.api().and_then(ApiError::typed_code)
    }

    /// The provider's broader class of the error (Plaid's `error_type`), when it sends one.
    pub fn category(&self) -> Option<String> {
        self.api().and_then(ApiError::category)
    }

    /// The category as its envelope's category type (the generated enum when the spec lists
    /// the categories).
    pub fn typed_category(&self) -> Option<E::Category> {
        self.api().and_then(ApiError::typed_category)
    }

    /// The provider's request id (from the error body or a request-id header), when known.
    pub fn request_id(&self) -> Option<&str> {
        self.api().and_then(|e| e.request_id.as_deref())
    }

    /// How long the provider asked to wait (`Retry-After`), when it did.
    pub fn retry_after(&self) -> Option<Duration> {
        self.api().and_then(|e| e.retry_after)
    }

    /// What a provider's error answer means ([`ErrorClass`]), when the provider answered with
    /// an error status.
    pub fn class(&self) -> Option<ErrorClass> {
        self.api().map(|e| e.class)
    }

    /// True when trying again later may succeed: connection failures, timeouts, 408, 500,
    /// 502, 503, 504 and rate limits. (Whether the client retries by itself also depends on
    /// the operation being safe to repeat.)
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::Transport { .. } | Error::Timeout { .. } => true,
            Error::Api(e) => e.class == ErrorClass::RateLimited || matches!(e.status, 408 | 500 | 502 | 503 | 504),
            Error::Auth(e) => e.status.is_none_or(|s| matches!(s, 408 | 429 | 500 | 502 | 503 | 504)),
            Error::Decode(_) | Error::Request { .. } | Error::Truncated { .. } => false,
        }
    }

    /// True when the provider said the credential expired, by the spec's rules (MoneyKit 401
    /// `api_error.auth.expired_access_token`, MX code 4011): a client that acquires its
    /// credentials has already fetched new ones once.
    pub fn is_auth_expired(&self) -> bool {
        self.class() == Some(ErrorClass::AuthExpired)
    }

    /// True when the provider refused the credentials (Plaid `INVALID_API_KEYS`, or a 401 that
    /// is not an expiry): wrong or revoked keys, which no renewal fixes.
    pub fn is_auth_rejected(&self) -> bool {
        self.class() == Some(ErrorClass::AuthRejected)
    }

    /// True for a rate-limit answer: 429 or one of the provider's rate-limit codes.
    pub fn is_rate_limited(&self) -> bool {
        self.class() == Some(ErrorClass::RateLimited)
    }

    /// True when the resource does not exist: 404 or one of the provider's not-found codes.
    /// A resource that was removed is [`Error::is_gone`] instead.
    pub fn is_not_found(&self) -> bool {
        self.class() == Some(ErrorClass::NotFound)
    }

    /// True when the resource was removed: 410 or one of the provider's gone codes.
    pub fn is_gone(&self) -> bool {
        self.class() == Some(ErrorClass::Gone)
    }

    /// The operation that failed.
    pub fn operation(&self) -> &'static str {
        match self {
            Error::Transport { operation, .. }
            | Error::Timeout { operation, .. }
            | Error::Request { operation, .. }
            | Error::Truncated { operation, .. } => operation,
            Error::Api(e) => e.operation,
            Error::Decode(e) => e.operation,
            Error::Auth(e) => e.operation,
        }
    }
}

impl<E: ErrorEnvelope> fmt::Display for Error<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Transport { operation, source } => {
                write!(f, "{operation}: could not reach the provider: {}", CauseChain(source))
            }
            Error::Timeout { operation, .. } => write!(f, "{operation}: timed out waiting for the provider"),
            Error::Api(e) => e.fmt(f),
            Error::Decode(e) => e.fmt(f),
            Error::Auth(e) => e.fmt(f),
            Error::Request { operation, message } => write!(f, "{operation}: could not build the request: {message}"),
            Error::Truncated { operation, pages, why } => write!(f, "{operation}: the listing stopped after {pages} page(s): {why}"),
        }
    }
}

impl<E: ErrorEnvelope> std::error::Error for Error<E> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Transport { source, .. } | Error::Timeout { source, .. } => Some(source),
            _ => None,
        }
    }
}

/// The envelope of an error inside the transport, whose code does not depend on the
/// provider's envelope type: the retry loop reads only what an error answer was classified as,
/// so it is compiled once, in this crate, and not once per envelope type in every generated
/// crate. The envelope the answer decoded into travels boxed and is unboxed by
/// [`Error::typed`] at the edge, where the type is known again.
pub(crate) struct Erased(Box<dyn std::any::Any + Send + Sync>);

impl Erased {
    pub(crate) fn new<E: ErrorEnvelope>(envelope: E) -> Erased {
        Erased(Box::new(envelope))
    }
}

impl fmt::Debug for Erased {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Erased")
    }
}

impl ErrorEnvelope for Erased {
    type Code = String;
    type Category = String;
    fn code(&self) -> Option<String> {
        None
    }
    fn message(&self) -> Option<String> {
        None
    }
    fn request_id(&self) -> Option<String> {
        None
    }
}

impl Error<Erased> {
    /// The same error with the envelope of an error answer unboxed as `E`: the type the
    /// transport's caller decoded it into.
    pub(crate) fn typed<E: ErrorEnvelope>(self) -> Error<E> {
        match self {
            Error::Api(api) => {
                let ApiError { operation, status, envelope, request_id, retry_after, class, excerpt } = *api;
                let envelope = envelope.and_then(|e| e.0.downcast::<E>().ok()).map(|e| *e);
                Error::Api(Box::new(ApiError { operation, status, envelope, request_id, retry_after, class, excerpt }))
            }
            Error::Transport { operation, source } => Error::Transport { operation, source },
            Error::Timeout { operation, source } => Error::Timeout { operation, source },
            Error::Decode(e) => Error::Decode(e),
            Error::Auth(e) => Error::Auth(e),
            Error::Request { operation, message } => Error::Request { operation, message },
            Error::Truncated { operation, pages, why } => Error::Truncated { operation, pages, why },
        }
    }
}

/// What an error answer means, read once from its code (or category), its status and the
/// spec's rules (`errors:`). The provider's code decides first, in this order: a rate-limit
/// code, an expired code, a rejected code, a gone code, a not-found code. Only an answer whose
/// code no rule names is read by its status, in the same order: 429, one of the expired
/// statuses (for a spec whose expiry has no codes), 401 (credentials refused), 410, 404.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorClass {
    /// Too many requests: try again later.
    RateLimited,
    /// The credential expired; a client that acquires its credentials gets new ones once.
    AuthExpired,
    /// The credentials were refused (wrong or revoked keys); renewing would not help.
    AuthRejected,
    /// The resource existed and was removed.
    Gone,
    /// No such resource.
    NotFound,
    /// None of the above.
    Other,
}

impl ErrorClass {
    /// Reads an answer's status and code (or category) with a provider's rules.
    pub fn of(status: u16, code: Option<&str>, category: Option<&str>, rules: &crate::meta::ErrorRules) -> ErrorClass {
        let has = |codes: &[&str]| code.is_some_and(|c| codes.contains(&c)) || category.is_some_and(|c| codes.contains(&c));
        let by_code = [
            (rules.rate_limit_codes, ErrorClass::RateLimited),
            (rules.expired_codes, ErrorClass::AuthExpired),
            (rules.rejected_codes, ErrorClass::AuthRejected),
            (rules.gone_codes, ErrorClass::Gone),
            (rules.not_found_codes, ErrorClass::NotFound),
        ];
        if let Some((_, class)) = by_code.iter().find(|(codes, _)| has(codes)) {
            return *class;
        }
        match status {
            429 => ErrorClass::RateLimited,
            s if rules.expired_codes.is_empty() && rules.expired_statuses.contains(&s) => ErrorClass::AuthExpired,
            401 => ErrorClass::AuthRejected,
            410 => ErrorClass::Gone,
            404 => ErrorClass::NotFound,
            _ => ErrorClass::Other,
        }
    }
}

/// An error and its causes, `: `-separated, each said once. The transport's errors carry no
/// URL (see `transport_error`), and their causes (I/O, TLS, DNS) name none either.
struct CauseChain<'a>(&'a (dyn std::error::Error + 'static));

impl fmt::Display for CauseChain<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut said = self.0.to_string();
        f.write_str(&said)?;
        let mut next = self.0.source();
        while let Some(cause) = next {
            let text = cause.to_string();
            // Wrappers often repeat their cause's text; say each thing once.
            if !said.contains(&text) {
                write!(f, ": {text}")?;
                said = text;
            }
            next = cause.source();
        }
        Ok(())
    }
}

/// An error answer: any status outside the operation's success statuses. The body is decoded
/// into the provider's envelope when it is one; a gateway's HTML page, a plain-text 503 or an
/// empty 404 leaves `envelope` at `None`, and the answer is still classified by its status.
#[derive(Clone)]
pub struct ApiError<E> {
    /// Operation name.
    pub operation: &'static str,
    /// HTTP status.
    pub status: u16,
    /// The decoded error body, when it was in the provider's envelope.
    pub envelope: Option<E>,
    /// The request id from the body, or from a request-id header.
    pub request_id: Option<String>,
    /// `Retry-After`, when sent.
    pub retry_after: Option<Duration>,
    /// What the answer means, by the spec's rules.
    pub class: ErrorClass,
    /// The start of the body, at most [`DecodeError::EXCERPT_CHARS`] characters, for
    /// deliberate inspection: neither `Display` nor `Debug` prints it.
    pub excerpt: String,
}

impl<E> ApiError<E> {
    /// The provider's error code, when the body was its envelope and had one.
    pub fn code(&self) -> Option<String>
    where
        E: ErrorEnvelope,
    {
        self.envelope.as_ref().and_then(ErrorEnvelope::code)
    }

    /// The provider's error code as the envelope's code type (see [`Error::typed_code`]).
    pub fn typed_code(&self) -> Option<E::Code>
    where
        E: ErrorEnvelope,
    {
        self.envelope.as_ref().and_then(ErrorEnvelope::typed_code)
    }

    /// The provider's broader class of the error, when the envelope has one.
    pub fn category(&self) -> Option<String>
    where
        E: ErrorEnvelope,
    {
        self.envelope.as_ref().and_then(ErrorEnvelope::category)
    }

    /// The category as the envelope's category type (see [`Error::typed_category`]).
    pub fn typed_category(&self) -> Option<E::Category>
    where
        E: ErrorEnvelope,
    {
        self.envelope.as_ref().and_then(ErrorEnvelope::typed_category)
    }

    /// The provider's message, when the body was its envelope and had one.
    pub fn message(&self) -> Option<String>
    where
        E: ErrorEnvelope,
    {
        self.envelope.as_ref().and_then(ErrorEnvelope::message)
    }
}

impl<E: fmt::Debug> fmt::Debug for ApiError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ApiError")
            .field("operation", &self.operation)
            .field("status", &self.status)
            .field("class", &self.class)
            .field("envelope", &BoundedDebug(&self.envelope, DEBUG_ENVELOPE_CHARS))
            .field("request_id", &self.request_id)
            .field("retry_after", &self.retry_after)
            .field("excerpt", &format_args!("<{} chars, not shown>", self.excerpt.chars().count()))
            .finish()
    }
}

/// The most of an error envelope that `Debug` prints; a longer one (a 1 MiB message) is cut
/// and marked.
pub const DEBUG_ENVELOPE_CHARS: usize = 2000;

/// `Debug` of a value, cut after `.1` characters.
struct BoundedDebug<'a, T>(&'a T, usize);

impl<T: fmt::Debug> fmt::Debug for BoundedDebug<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        /// Passes text on until `left` characters have gone, then refuses the rest.
        struct Capped<'a, 'b> {
            out: &'a mut fmt::Formatter<'b>,
            left: usize,
            cut: bool,
        }
        impl fmt::Write for Capped<'_, '_> {
            fn write_str(&mut self, text: &str) -> fmt::Result {
                let end = text.char_indices().nth(self.left).map_or(text.len(), |(i, _)| i);
                self.out.write_str(&text[..end])?;
                self.left -= text[..end].chars().count();
                if end < text.len() {
                    self.cut = true;
                    return Err(fmt::Error);
                }
                Ok(())
            }
        }
        let alternate = f.alternate();
        let mut capped = Capped { out: f, left: self.1, cut: false };
        let written = if alternate {
            fmt::write(&mut capped, format_args!("{:#?}", self.0))
        } else {
            fmt::write(&mut capped, format_args!("{:?}", self.0))
        };
        match (written, capped.cut) {
            (_, true) => capped.out.write_str("… (cut)"),
            (result, false) => result,
        }
    }
}

/// The longest provider text (a code, a message, a request id) that `Display` shows; longer
/// text is cut on a character boundary and marked.
pub const DISPLAY_TEXT_CHARS: usize = 300;

/// `text` cut to at most `max` characters, with `… (cut, N chars in all)` when it was longer.
/// Control characters are shown escaped, so a provider's text cannot rewrite a terminal.
pub fn bounded(text: &str, max: usize) -> String {
    let mut out = String::new();
    for (count, c) in text.chars().enumerate() {
        if count == max {
            out.push_str(&format!("… (cut, {} chars in all)", text.chars().count()));
            return out;
        }
        if c.is_control() {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out
}

/// Credentials could not be acquired: which step, the status when the provider answered, and
/// what it said. Holds no secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthError {
    /// The operation that needed credentials.
    pub operation: &'static str,
    /// The acquisition step's operation (`create_token`).
    pub step: &'static str,
    /// The step's HTTP status, when it got an answer.
    pub status: Option<u16>,
    /// What went wrong.
    pub message: String,
}

impl fmt::Display for AuthError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: could not acquire credentials ({}", self.operation, self.step)?;
        if let Some(status) = self.status {
            write!(f, " answered {status}")?;
        }
        write!(f, "): {}", bounded(&self.message, DISPLAY_TEXT_CHARS))
    }
}

impl<E: ErrorEnvelope> fmt::Display for ApiError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: the provider answered {}", self.operation, self.status)?;
        if let Some(code) = self.code() {
            write!(f, " {}", bounded(&code, DISPLAY_TEXT_CHARS))?;
        }
        if let Some(message) = self.message() {
            write!(f, ": {}", bounded(&message, DISPLAY_TEXT_CHARS))?;
        }
        if self.envelope.is_none() {
            let what = if self.excerpt.is_empty() { "an empty body" } else { "a body not in the provider's error format" };
            write!(f, " with {what}")?;
        }
        if let Some(id) = &self.request_id {
            write!(f, " (request id {})", bounded(id, DISPLAY_TEXT_CHARS))?;
        }
        Ok(())
    }
}

/// A body that did not decode into the type the spec promises.
///
/// The body's start is kept in [`DecodeError::excerpt`] for deliberate inspection, but neither
/// `Display` nor `Debug` prints it: bodies may hold tokens or personal data, and errors end up
/// in logs.
#[derive(Clone, PartialEq, Eq)]
pub struct DecodeError {
    /// Operation name.
    pub operation: &'static str,
    /// HTTP status of the answer.
    pub status: u16,
    /// JSON path of the value that failed (`links.mk_1.state`), empty for the whole body.
    pub path: String,
    /// What was wrong.
    pub message: String,
    /// The start of the body, at most [`DecodeError::EXCERPT_CHARS`] characters.
    pub excerpt: String,
}

impl DecodeError {
    /// How much of the body an error keeps.
    pub const EXCERPT_CHARS: usize = 512;

    /// The first characters of a body, lossily decoded.
    pub fn excerpt_of(body: &[u8]) -> String {
        let text = String::from_utf8_lossy(body);
        let mut out: String = text.chars().take(Self::EXCERPT_CHARS).collect();
        if text.chars().count() > Self::EXCERPT_CHARS {
            out.push('…');
        }
        out
    }
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: could not decode the {} answer", self.operation, self.status)?;
        if !self.path.is_empty() {
            write!(f, " at `{}`", self.path)?;
        }
        write!(f, ": {}", self.message)
    }
}

impl fmt::Debug for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DecodeError")
            .field("operation", &self.operation)
            .field("status", &self.status)
            .field("path", &self.path)
            .field("message", &self.message)
            .field("excerpt", &format_args!("<{} chars, not shown>", self.excerpt.chars().count()))
            .finish()
    }
}

/// A client that could not be built.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum BuildError {
    /// The base URL does not parse or is not http(s).
    #[error("{provider}: invalid base URL `{url}`: {reason}")]
    InvalidBaseUrl {
        /// Provider.
        provider: &'static str,
        /// The URL after placeholders were filled.
        url: String,
        /// Why.
        reason: String,
    },
    /// A credential the provider needs was not set. The message names every way to satisfy it.
    #[error("{provider}: no {what} set; {}", missing_ways(setter, together, token_setter))]
    MissingCredential {
        /// Provider.
        provider: &'static str,
        /// Which credential.
        what: &'static str,
        /// The builder method that sets it.
        setter: &'static str,
        /// The other inputs needed with it (acquiring a token takes all of them), in the spec's
        /// order, `setter`'s own included.
        together: &'static [crate::meta::InputMeta],
        /// Where the provider acquires tokens from inputs: the builder method that sets a
        /// token instead, which makes the inputs unnecessary.
        token_setter: Option<&'static str>,
    },
    /// A setting every call of some operations needs was not set (a path parameter the
    /// client fills from it, such as PingOne's environment id), even if the credentials need
    /// no such input.
    #[error("{provider}: no {setting} set; call the builder's `{setting}` method: {why}")]
    MissingSetting {
        /// Provider.
        provider: &'static str,
        /// The builder method that sets it.
        setting: &'static str,
        /// Which operations need it, and where.
        why: &'static str,
    },
    /// A setting names something the provider does not have, or holds a bad value.
    #[error("{provider}: invalid setting `{setting}`: {reason}")]
    InvalidSetting {
        /// Provider.
        provider: &'static str,
        /// Which setting.
        setting: String,
        /// Why, and what is allowed.
        reason: String,
    },
    /// The HTTP client could not be created.
    #[error("{provider}: could not create the HTTP client: {reason}")]
    Http {
        /// Provider.
        provider: &'static str,
        /// Why.
        reason: String,
    },
}

/// Every way to satisfy a missing credential, for [`BuildError::MissingCredential`].
fn missing_ways(setter: &str, together: &[crate::meta::InputMeta], token_setter: &Option<&'static str>) -> String {
    let mut text = format!("call the builder's `{setter}` method");
    if together.len() > 1 {
        let all: Vec<String> = together.iter().map(|i| format!("`{}`", i.name)).collect();
        text.push_str(&format!(" (the client acquires its tokens with {} together)", all.join(", ")));
    }
    if let Some(token) = token_setter {
        text.push_str(&format!(", or give a token you already have with `{token}`"));
    }
    text
}
