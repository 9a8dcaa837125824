//! Credentials a client holds, and the cache of acquired ones: lazy, shared, renewed ahead of
//! expiry, and single-flight (concurrent callers wait for one acquisition and share its
//! result, success or failure).

use crate::error::AuthError;
use secrecy::{ExposeSecret, SecretString};
use std::collections::BTreeMap;
use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// Where a key pair travels; the provider accepts either.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum KeyPairPlacement {
    /// As fields of the JSON body.
    #[default]
    Body,
    /// As headers.
    Headers,
}

/// The credentials a client holds; every secret is a [`SecretString`] and never printed.
#[derive(Clone, Default)]
pub(crate) struct Credentials {
    /// A static token (bearer or header scheme).
    pub token: Option<SecretString>,
    /// Key pair.
    pub client_id: Option<SecretString>,
    pub secret: Option<SecretString>,
    pub placement: KeyPairPlacement,
    /// HTTP Basic.
    pub user: Option<SecretString>,
    pub password: Option<SecretString>,
    /// Inputs for acquiring credentials, by name.
    pub inputs: BTreeMap<&'static str, SecretString>,
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let shown = |s: &Option<SecretString>| if s.is_some() { "<redacted>" } else { "<unset>" };
        let inputs: Vec<&str> = self.inputs.keys().copied().collect();
        f.debug_struct("Credentials")
            .field("token", &format_args!("{}", shown(&self.token)))
            .field("client_id", &format_args!("{}", shown(&self.client_id)))
            .field("secret", &format_args!("{}", shown(&self.secret)))
            .field("placement", &self.placement)
            .field("basic", &format_args!("{}", match (&self.user, &self.password) {
                (Some(_), Some(_)) => "<redacted>",
                (None, None) => "<unset>",
                _ => "<partly set>",
            }))
            .field("inputs_set", &inputs)
            .finish()
    }
}

/// An acquired credential and when it stops being usable.
#[derive(Clone)]
pub(crate) struct Acquired {
    pub value: SecretString,
    pub expires_at: Instant,
    /// Renewed this long before `expires_at`: the spec's margin, or half the lifetime of a
    /// credential that lives less than twice the margin.
    pub margin: Duration,
    /// Every successful call pushes the expiry this far ahead (MX sessions).
    pub sliding: Option<Duration>,
}

#[derive(Default)]
struct CacheState {
    current: Option<Acquired>,
    /// Acquisitions attempted so far.
    attempts: u64,
    /// The last attempt's failure, shared with the callers that waited for it.
    failure: Option<AuthError>,
}

/// The acquired-credential cache of one client (shared by its clones).
#[derive(Default)]
pub(crate) struct TokenCache {
    state: tokio::sync::Mutex<CacheState>,
    attempts: AtomicU64,
}

impl fmt::Debug for TokenCache {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let held = self.state.try_lock().map(|s| s.current.is_some());
        f.debug_struct("TokenCache")
            .field("token", &match held {
                Ok(true) => "<redacted>",
                Ok(false) => "<none>",
                Err(_) => "<being acquired>",
            })
            .finish()
    }
}

impl TokenCache {
    /// A usable credential: the cached one while it is valid its margin ahead of `now()`,
    /// otherwise one made by `acquire`. Concurrent callers wait for a single acquisition and
    /// share its result, success or failure, whatever the credential's lifetime: a caller that
    /// waited while another acquired takes that credential even when it is already inside its
    /// margin, so a token living a few seconds (or none) costs one request per round of
    /// callers, not one per caller.
    pub async fn get<F, Fut>(&self, now: impl Fn() -> Instant, acquire: F) -> Result<Acquired, AuthError>
    where
        F: FnOnce() -> Fut,
        Fut: std::future::Future<Output = Result<Acquired, AuthError>>,
    {
        let seen = self.attempts.load(Ordering::Acquire);
        let mut state = self.state.lock().await;
        let acquired_meanwhile = state.attempts != seen;
        if let Some(current) = &state.current
            && (acquired_meanwhile || now().checked_add(current.margin).is_some_and(|t| t < current.expires_at))
        {
            return Ok(current.clone());
        }
        if acquired_meanwhile && let Some(failure) = &state.failure {
            return Err(failure.clone());
        }
        let result = acquire().await;
        state.attempts += 1;
        self.attempts.store(state.attempts, Ordering::Release);
        match &result {
            Ok(acquired) => {
                state.current = Some(acquired.clone());
                state.failure = None;
            }
            Err(e) => {
                state.current = None;
                state.failure = Some(e.clone());
            }
        }
        result
    }

    /// Drops the cached credential if it is still `used` (the provider said it expired), so
    /// the next [`TokenCache::get`] acquires a new one. A credential another caller already
    /// replaced is kept.
    pub async fn invalidate(&self, used: &SecretString) {
        let mut state = self.state.lock().await;
        if state.current.as_ref().is_some_and(|c| c.value.expose_secret() == used.expose_secret()) {
            state.current = None;
        }
    }

    /// Pushes a sliding credential's expiry ahead after a successful call with it. A credential
    /// that was replaced meanwhile is left alone.
    pub async fn touch(&self, used: &SecretString, now: Instant) {
        let mut state = self.state.lock().await;
        if let Some(current) = &mut state.current
            && let Some(slide) = current.sliding
            && current.value.expose_secret() == used.expose_secret()
        {
            current.expires_at = now.checked_add(slide).unwrap_or(current.expires_at);
        }
    }
}
