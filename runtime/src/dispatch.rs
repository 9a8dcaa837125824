//! Calling an operation by name with JSON arguments, and getting its typed result back as
//! data. Generated clients route `call_json` through here; the conformance harness (and
//! scripts) use it to call any operation a spec declares without Rust written per endpoint.

use crate::error::{Error, ErrorEnvelope};
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::fmt;

/// What a call by name produced. Each variant keeps the typed value twice: pretty `Debug`
/// text (what a Rust caller would see; sensitive fields redacted) and its serde
/// serialisation (to compare with the wire body).
#[derive(Debug, Clone, PartialEq)]
pub enum JsonOutcome {
    /// A success answer decoded into the operation's response type.
    Success {
        /// `{:#?}` of the typed value.
        debug: String,
        /// The typed value serialised back to JSON (`null` for an empty answer).
        json: serde_json::Value,
        /// JSON pointers of the keys in `json` that models hold only in their catch-all of
        /// unknown keys (`unknown_keys: keep`): kept, but not declared.
        kept: Vec<String>,
    },
    /// An error answer: any status outside the operation's success statuses.
    ProviderError {
        /// HTTP status.
        status: u16,
        /// `{:#?}` of the typed [`crate::ApiError`].
        debug: String,
        /// The envelope serialised back to JSON; `None` when the body was not the envelope
        /// (a gateway's page, plain text, nothing).
        json: Option<serde_json::Value>,
        /// As for `Success`: pointers in `json` of keys kept but not declared.
        kept: Vec<String>,
        /// The provider's code, as the spec says where to read it.
        code: Option<String>,
        /// Its `Display` text.
        message: String,
    },
    /// Any other typed error: a body that does not decode, a transport failure, a timeout.
    Failure {
        /// HTTP status, when the provider answered.
        status: Option<u16>,
        /// `{:#?}` of the typed error.
        debug: String,
        /// Its `Display` text.
        message: String,
    },
}

/// Why a call by name could not be made.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum DispatchError {
    /// No provider by that name is compiled in (unknown, or its cargo feature is off).
    UnknownProvider(String),
    /// The provider has no operation by that name.
    UnknownOperation {
        /// Provider.
        provider: &'static str,
        /// The name asked for.
        operation: String,
    },
    /// The operation does not page (`call_json_pages` on an operation without `paging`).
    NotPaged {
        /// Provider.
        provider: &'static str,
        /// The name asked for.
        operation: String,
    },
    /// The arguments do not decode into the operation's request type.
    Arguments {
        /// Operation.
        operation: &'static str,
        /// What serde said, with the path of the bad argument.
        message: String,
    },
    /// The client could not be built from the settings.
    Build(crate::BuildError),
}

impl fmt::Display for DispatchError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DispatchError::UnknownProvider(p) => write!(f, "no provider `{p}` is compiled in"),
            DispatchError::UnknownOperation { provider, operation } => {
                write!(f, "{provider} has no operation `{operation}`")
            }
            DispatchError::NotPaged { provider, operation } => {
                write!(f, "{provider} has no paged operation `{operation}`")
            }
            DispatchError::Arguments { operation, message } => {
                write!(f, "{operation}: the arguments do not fit the request type: {message}")
            }
            DispatchError::Build(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for DispatchError {}

impl From<crate::BuildError> for DispatchError {
    fn from(e: crate::BuildError) -> Self {
        DispatchError::Build(e)
    }
}

/// Decodes JSON arguments into an operation's request type. Keys are the parameters' wire
/// names plus `body`; unknown keys are refused.
pub fn arguments<R: DeserializeOwned>(operation: &'static str, args: serde_json::Value) -> Result<R, DispatchError> {
    crate::value_free::from_value(args).map_err(|failure| {
        let message =
            if failure.path.is_empty() { failure.message } else { format!("at `{}`: {}", failure.path, failure.message) };
        DispatchError::Arguments { operation, message }
    })
}

/// Turns a typed call result into a [`JsonOutcome`]. A shim: the success is read per response
/// type, an error per envelope type (not once per operation).
pub fn outcome<T, E>(result: Result<T, Error<E>>) -> JsonOutcome
where
    T: Serialize + fmt::Debug,
    E: Serialize + ErrorEnvelope,
{
    match result {
        Ok(value) => success_outcome(&value),
        Err(error) => error_outcome(error),
    }
}

fn success_outcome<T: Serialize + fmt::Debug>(value: &T) -> JsonOutcome {
    let (json, kept) = to_json_and_kept(value);
    JsonOutcome::Success { debug: format!("{value:#?}"), json, kept }
}

fn error_outcome<E: Serialize + ErrorEnvelope>(error: Error<E>) -> JsonOutcome {
    match error {
        Error::Api(api) => {
            let (json, kept) = match api.envelope.as_ref().map(to_json_and_kept) {
                Some((json, kept)) => (Some(json), kept),
                None => (None, Vec::new()),
            };
            JsonOutcome::ProviderError { status: api.status, debug: format!("{api:#?}"), json, kept, code: api.code(), message: api.to_string() }
        }
        other => JsonOutcome::Failure { status: other.status(), debug: format!("{other:#?}"), message: other.to_string() },
    }
}

/// The value as JSON, and the pointers of the keys it holds only in catch-alls.
fn to_json_and_kept<T: Serialize>(value: &T) -> (serde_json::Value, Vec<String>) {
    let json = to_json(value);
    let declared = crate::unknown::declared_only(|| to_json(value));
    let kept = crate::unknown::kept_pointers(&json, &declared);
    (json, kept)
}

fn to_json<T: Serialize>(value: &T) -> serde_json::Value {
    serde_json::to_value(value).unwrap_or_else(|e| serde_json::Value::String(format!("<does not serialise: {e}>")))
}
