//! Client settings as data: what a generated builder sets by method calls, loadable from a
//! config file (or a conformance cassette) instead.

use crate::auth::KeyPairPlacement;
use secrecy::SecretString;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::time::Duration;

/// Everything a client can be configured with, by name. Unset fields keep the provider's
/// defaults. Secrets are held as [`SecretString`]s: `Debug` never shows them.
///
/// ```yaml
/// environment: sandbox          # or base_url: http://127.0.0.1:8080
/// client_id: placeholder-client-id
/// secret: placeholder-secret
/// credentials_in: headers       # key-pair providers: body (default) or headers
/// headers: { Plaid-Version: "2020-09-14" }
/// timeout_ms: 30000
/// max_attempts: 1               # no retries
/// ```
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClientSettings {
    /// Environment name from the spec (`sandbox`, `production`).
    #[serde(default)]
    pub environment: Option<String>,
    /// A base URL that wins over `environment` (a proxy, a mock server).
    #[serde(default)]
    pub base_url: Option<String>,
    /// URLs of the provider's other hosts (a token or SSO host) by name; by default they follow
    /// `base_url` when it is set.
    #[serde(default)]
    pub hosts: BTreeMap<String, String>,
    /// Server URL placeholders by name (`region: eu`); values must be ones the spec lists.
    #[serde(default)]
    pub variables: BTreeMap<String, String>,
    /// Provider-wide headers the spec declares, by name.
    #[serde(default)]
    pub headers: BTreeMap<String, String>,
    /// Token of a `bearer` or `header` scheme.
    #[serde(default)]
    pub token: Option<SecretString>,
    /// Inputs for acquiring credentials (the spec's `auth.inputs`: client id and secret,
    /// environment id, API key), by name.
    #[serde(default)]
    pub inputs: BTreeMap<String, SecretString>,
    /// Client id of a key pair.
    #[serde(default)]
    pub client_id: Option<SecretString>,
    /// Secret of a key pair.
    #[serde(default)]
    pub secret: Option<SecretString>,
    /// User of an HTTP Basic scheme.
    #[serde(default)]
    pub user: Option<SecretString>,
    /// Password of an HTTP Basic scheme.
    #[serde(default)]
    pub password: Option<SecretString>,
    /// Where a key pair travels.
    #[serde(default)]
    pub credentials_in: Option<KeyPairPlacement>,
    /// Time allowed for one attempt, in milliseconds (`deadline_ms` bounds the whole call).
    #[serde(default)]
    pub timeout_ms: Option<u64>,
    /// Time allowed to connect, in milliseconds.
    #[serde(default)]
    pub connect_timeout_ms: Option<u64>,
    /// Attempts per call in all (1: no retries).
    #[serde(default)]
    pub max_attempts: Option<u32>,
    /// Time for a whole call with its retries, in milliseconds.
    #[serde(default)]
    pub deadline_ms: Option<u64>,
    /// The clock for backoff, deadlines and expiry (not read from data; tests set a
    /// [`crate::ManualClock`] so no wait is real).
    #[serde(skip)]
    pub clock: Option<std::sync::Arc<dyn crate::Clock>>,
}

impl ClientSettings {
    /// The call timeout, when set.
    pub fn timeout(&self) -> Option<Duration> {
        self.timeout_ms.map(Duration::from_millis)
    }

    /// The connect timeout, when set.
    pub fn connect_timeout(&self) -> Option<Duration> {
        self.connect_timeout_ms.map(Duration::from_millis)
    }
}
