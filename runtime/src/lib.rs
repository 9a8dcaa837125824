//! linkspec's runtime: the hand-written code that generated clients call.
//!
//! Generated code is flat: types, serde attributes, and one method per operation that fills a
//! [`Call`] and hands it to a [`Transport`]. Everything that deserves a test lives here:
//! URL building and percent-encoding, credential placement, response decoding, typed errors,
//! lossless timestamps, redaction.

mod acquire;
mod answer;
mod auth;
mod binary;
mod builder;
mod call;
mod clock;
pub mod decimal;
pub mod dispatch;
mod error;
mod http;
mod meta;
mod pages;
mod pointer;
mod provider_builder;
mod redact;
mod retry;
mod settings;
pub mod serde_util;
pub mod time;
mod transport;
pub mod unknown;
mod value_free;
pub mod view;
mod wire;

pub use binary::Binary;
pub use call::Call;
pub use decimal::{Decimal, Float};
pub use unknown::UnknownKeys;
pub use clock::{Clock, ManualClock, SystemClock};
pub use http::TLS_BACKEND;
pub use error::{ApiError, AuthError, BuildError, DISPLAY_TEXT_CHARS, DecodeError, Error, ErrorClass, ErrorEnvelope, bounded};
pub use dispatch::{DispatchError, JsonOutcome};
pub use meta::{
    AcquireMeta, AcquireStep, AuthScheme, BodyFormat, EnvelopeMeta, ErrorRules, HeaderMeta, HostMeta, InputMeta, KeyPlacement, Lifetime, Method, NamedSchemes,
    OperationMeta, Paging, Place, ProviderMeta, RecordingMeta, Sensitive, SensitiveKind, SensitivePlace, Source, VariableMeta,
};
pub use retry::{RetryPolicy, parse_retry_after};
pub use provider_builder::ProviderBuilder;
pub use settings::ClientSettings;
pub use pages::{Items, Pages, Truncation};
pub use redact::{Redacted, redact_url};
pub use transport::{KeyPairPlacement, Transport, TransportBuilder};

/// The HTTP client crate, for [`TransportBuilder::http_client`].
pub use reqwest;
