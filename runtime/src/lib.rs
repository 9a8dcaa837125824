//! linkspec's runtime: the hand-written code that generated clients call.
//!
//! Generated code is flat: types, serde attributes, and one method per operation that fills a
//! [`Call`] and hands it to a [`Transport`]. Everything that deserves a test lives here:
//! URL building and percent-encoding, credential placement, response decoding, typed errors,
//! lossless timestamps, redaction.

mod call;
pub mod dispatch;
mod error;
mod meta;
mod redact;
mod settings;
pub mod serde_util;
pub mod time;
mod transport;

pub use call::Call;
pub use error::{ApiError, BuildError, DecodeError, Error, ErrorEnvelope};
pub use dispatch::{DispatchError, JsonOutcome};
pub use meta::{AuthScheme, HeaderMeta, KeyPlacement, Method, OperationMeta, ProviderMeta, VariableMeta};
pub use settings::ClientSettings;
pub use redact::Redacted;
pub use transport::{KeyPairPlacement, Transport, TransportBuilder};

/// The HTTP client crate, for [`TransportBuilder::http_client`].
pub use reqwest;
