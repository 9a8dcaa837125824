//! Typed errors: one enum per client, generic over the provider's error envelope.

use std::fmt;
use std::time::Duration;

/// What generated error envelopes tell the runtime: the provider's code, message and request id.
/// Generated from the spec's `errors:` section.
pub trait ErrorEnvelope: fmt::Debug + Send + Sync + 'static {
    /// The provider's error code (`INVALID_API_KEYS`, `api_error.auth.expired_access_token`, `4011`).
    fn code(&self) -> Option<String>;
    /// The human-readable message.
    fn message(&self) -> Option<String>;
    /// The provider's request id, when the body carries one.
    fn request_id(&self) -> Option<String>;
    /// A broader class the provider puts errors in (Plaid's `error_type`), when it has one.
    fn category(&self) -> Option<String> {
        None
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
        self.api().and_then(|e| e.envelope.code())
    }

    /// The provider's request id (from the error body or a request-id header), when known.
    pub fn request_id(&self) -> Option<&str> {
        self.api().and_then(|e| e.request_id.as_deref())
    }

    /// How long the provider asked to wait (`Retry-After`), when it did.
    pub fn retry_after(&self) -> Option<Duration> {
        self.api().and_then(|e| e.retry_after)
    }

    /// True when trying again later may succeed: connection failures, timeouts, 408, 429,
    /// 500, 502, 503, 504 and the provider's rate-limit codes. (Whether the client retries
    /// by itself also depends on the operation being safe to repeat.)
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::Transport { .. } | Error::Timeout { .. } => true,
            Error::Api(e) => e.rate_limited || matches!(e.status, 408 | 429 | 500 | 502 | 503 | 504),
            Error::Decode(e) => matches!(e.status, 408 | 429 | 500 | 502 | 503 | 504),
            Error::Auth(e) => e.status.is_none_or(|s| matches!(s, 408 | 429 | 500 | 502 | 503 | 504)),
            Error::Request { .. } => false,
        }
    }

    /// True when the provider said the credentials expired or were refused, by the spec's
    /// rules (e.g. MoneyKit 401 `api_error.auth.expired_access_token`, MX code 4011).
    pub fn is_auth_expired(&self) -> bool {
        matches!(self, Error::Api(e) if e.auth_expired)
    }

    /// True for a rate-limit answer: 429 or one of the provider's rate-limit codes.
    pub fn is_rate_limited(&self) -> bool {
        match self {
            Error::Api(e) => e.rate_limited || e.status == 429,
            Error::Decode(e) => e.status == 429,
            _ => false,
        }
    }

    /// True when the resource does not exist: 404, 410, or one of the provider's not-found codes.
    pub fn is_not_found(&self) -> bool {
        match self {
            Error::Api(e) => e.not_found || matches!(e.status, 404 | 410),
            Error::Decode(e) => matches!(e.status, 404 | 410),
            _ => false,
        }
    }

    /// The operation that failed.
    pub fn operation(&self) -> &'static str {
        match self {
            Error::Transport { operation, .. } | Error::Timeout { operation, .. } | Error::Request { operation, .. } => {
                operation
            }
            Error::Api(e) => e.operation,
            Error::Decode(e) => e.operation,
            Error::Auth(e) => e.operation,
        }
    }
}

impl<E: ErrorEnvelope> fmt::Display for Error<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Transport { operation, source } => write!(f, "{operation}: could not reach the provider: {source}"),
            Error::Timeout { operation, .. } => write!(f, "{operation}: timed out waiting for the provider"),
            Error::Api(e) => e.fmt(f),
            Error::Decode(e) => e.fmt(f),
            Error::Auth(e) => e.fmt(f),
            Error::Request { operation, message } => write!(f, "{operation}: could not build the request: {message}"),
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

/// An error answer in the provider's envelope.
#[derive(Debug, Clone)]
pub struct ApiError<E> {
    /// Operation name.
    pub operation: &'static str,
    /// HTTP status.
    pub status: u16,
    /// The decoded error body.
    pub envelope: E,
    /// The request id from the body, or from a request-id header.
    pub request_id: Option<String>,
    /// `Retry-After`, when sent.
    pub retry_after: Option<Duration>,
    /// The spec's rules say this answer means "rate limited".
    pub rate_limited: bool,
    /// The spec's rules say this answer means "credentials expired or refused".
    pub auth_expired: bool,
    /// The spec's rules say this answer means "not found".
    pub not_found: bool,
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
        write!(f, "): {}", self.message)
    }
}

impl<E: ErrorEnvelope> fmt::Display for ApiError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: the provider answered {}", self.operation, self.status)?;
        if let Some(code) = self.envelope.code() {
            write!(f, " {code}")?;
        }
        if let Some(message) = self.envelope.message() {
            write!(f, ": {message}")?;
        }
        if let Some(id) = &self.request_id {
            write!(f, " (request id {id})")?;
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
    /// A credential the provider needs was not set.
    #[error("{provider}: no {what} set; call the builder's `{setter}` method")]
    MissingCredential {
        /// Provider.
        provider: &'static str,
        /// Which credential.
        what: &'static str,
        /// The builder method that sets it.
        setter: &'static str,
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
