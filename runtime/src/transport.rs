//! The transport: turns a [`Call`] into HTTP exchanges (credentials attached or acquired,
//! retried as the policy and the provider allow) and the answer into a typed result.

use crate::auth::{Acquired, Credentials, TokenCache};
use crate::call::Call;
use crate::clock::{Clock, SystemClock};
use crate::error::{ApiError, AuthError, BuildError, DecodeError, Error, ErrorEnvelope};
use crate::meta::{AuthScheme, BodyFormat, Lifetime, Place, ProviderMeta, Source};
use crate::retry::{RetryPolicy, parse_retry_after};
use crate::settings::ClientSettings;
use base64::Engine as _;
use reqwest::Url;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use secrecy::{ExposeSecret, SecretString};
use serde::de::DeserializeOwned;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;
use tracing::Instrument;

pub use crate::auth::KeyPairPlacement;

/// Default time allowed for one attempt, from sending to the last byte of the answer.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
/// Default time allowed to connect.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Default largest answer body read, in bytes.
pub const DEFAULT_MAX_BODY: usize = 16 * 1024 * 1024;

/// Configures a [`Transport`]; generated builders wrap it.
#[derive(Debug, Clone)]
pub struct TransportBuilder {
    provider: &'static ProviderMeta,
    environment: &'static str,
    template: &'static str,
    base_url: Option<String>,
    host_urls: Vec<(String, String)>,
    variables: Vec<(&'static str, &'static str)>,
    headers: Vec<(&'static str, String)>,
    credentials: Credentials,
    timeout: Duration,
    connect_timeout: Duration,
    max_body: usize,
    retry: RetryPolicy,
    clock: Arc<dyn Clock>,
    http: Option<reqwest::Client>,
}

impl TransportBuilder {
    /// Starts from the provider's defaults.
    pub fn new(provider: &'static ProviderMeta) -> Self {
        let environment =
            provider.environments.iter().find(|(_, url)| *url == provider.base_url).map_or("", |(name, _)| *name);
        TransportBuilder {
            provider,
            environment,
            template: provider.base_url,
            base_url: None,
            host_urls: Vec::new(),
            variables: provider.variables.iter().map(|v| (v.name, v.default)).collect(),
            headers: Vec::new(),
            credentials: Credentials::default(),
            timeout: DEFAULT_TIMEOUT,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            max_body: DEFAULT_MAX_BODY,
            retry: RetryPolicy::default(),
            clock: Arc::new(SystemClock),
            http: None,
        }
    }

    /// Selects an environment by its name in the spec.
    pub fn environment(mut self, name: &str) -> Result<Self, BuildError> {
        let Some((env, template)) = self.provider.environments.iter().find(|(n, _)| *n == name) else {
            let known: Vec<&str> = self.provider.environments.iter().map(|(n, _)| *n).collect();
            return Err(self.invalid("environment", format!("no environment `{name}`; use one of: {}", known.join(", "))));
        };
        self.environment = env;
        self.template = template;
        Ok(self)
    }

    /// Selects a base URL template (an environment's).
    pub fn base_url_template(mut self, template: &'static str) -> Self {
        if let Some((env, _)) = self.provider.environments.iter().find(|(_, t)| *t == template) {
            self.environment = env;
        }
        self.template = template;
        self
    }

    /// Overrides the base URL outright. Other hosts (a token or SSO host) follow it unless set
    /// with [`TransportBuilder::host_url`], so one mock server can stand in for all of them.
    pub fn base_url(mut self, url: String) -> Self {
        self.base_url = Some(url);
        self
    }

    /// Overrides the URL of one of the provider's other hosts.
    pub fn host_url(mut self, host: String, url: String) -> Self {
        self.host_urls.retain(|(h, _)| *h != host);
        self.host_urls.push((host, url));
        self
    }

    /// Sets a `{placeholder}` of the base URL template.
    pub fn variable(mut self, name: &'static str, value: &'static str) -> Self {
        self.variables.retain(|(n, _)| *n != name);
        self.variables.push((name, value));
        self
    }

    /// Sets a provider-wide header, replacing its default.
    pub fn header(mut self, name: &'static str, value: String) -> Self {
        self.headers.retain(|(n, _)| !n.eq_ignore_ascii_case(name));
        self.headers.push((name, value));
        self
    }

    /// A static token of a bearer or header scheme (no acquisition then).
    pub fn token(mut self, token: String) -> Self {
        self.credentials.token = Some(SecretString::from(token));
        self
    }

    /// The client id of a key pair.
    pub fn client_id(mut self, client_id: String) -> Self {
        self.credentials.client_id = Some(SecretString::from(client_id));
        self
    }

    /// The secret of a key pair.
    pub fn secret(mut self, secret: String) -> Self {
        self.credentials.secret = Some(SecretString::from(secret));
        self
    }

    /// Where a key pair travels.
    pub fn key_pair_placement(mut self, placement: KeyPairPlacement) -> Self {
        self.credentials.placement = placement;
        self
    }

    /// An input for acquiring credentials (the spec's `auth.inputs`), by name.
    pub fn input(mut self, name: &'static str, value: String) -> Self {
        self.credentials.inputs.insert(name, SecretString::from(value));
        self
    }

    /// Time allowed for one attempt.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Time allowed to connect (only for the client this builder creates).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// Largest answer body read, in bytes.
    pub fn max_body_bytes(mut self, limit: usize) -> Self {
        self.max_body = limit;
        self
    }

    /// How calls are retried.
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// The clock for backoff, deadlines and credential expiry (tests use
    /// [`crate::ManualClock`]).
    pub fn clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }

    /// Uses a caller's reqwest client.
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http = Some(client);
        self
    }

    fn invalid(&self, setting: impl Into<String>, reason: String) -> BuildError {
        BuildError::InvalidSetting { provider: self.provider.name, setting: setting.into(), reason }
    }

    /// Applies settings given as data; a name the provider does not declare is an error.
    pub fn settings(mut self, settings: &ClientSettings) -> Result<Self, BuildError> {
        let provider = self.provider;
        if let Some(env) = &settings.environment {
            self = self.environment(env)?;
        }
        if let Some(url) = &settings.base_url {
            self.base_url = Some(url.clone());
        }
        for (host, url) in &settings.hosts {
            if !provider.hosts.iter().any(|h| h.name == host) {
                let known: Vec<&str> = provider.hosts.iter().map(|h| h.name).collect();
                return Err(self.invalid(format!("hosts.{host}"), format!("no such host; known: {}", known.join(", "))));
            }
            self = self.host_url(host.clone(), url.clone());
        }
        for (name, value) in &settings.variables {
            let Some(meta) = provider.variables.iter().find(|v| v.name == name) else {
                let known: Vec<&str> = provider.variables.iter().map(|v| v.name).collect();
                return Err(self.invalid(format!("variables.{name}"), format!("no such placeholder; known: {}", known.join(", "))));
            };
            let Some(allowed) = meta.values.iter().find(|v| *v == value) else {
                return Err(self.invalid(format!("variables.{name}"), format!("`{value}` is not one of: {}", meta.values.join(", "))));
            };
            self = self.variable(meta.name, allowed);
        }
        for (name, value) in &settings.headers {
            let Some(meta) = provider.headers.iter().find(|h| h.name.eq_ignore_ascii_case(name)) else {
                let known: Vec<&str> = provider.headers.iter().map(|h| h.name).collect();
                return Err(self.invalid(format!("headers.{name}"), format!("the spec declares no such header; known: {}", known.join(", "))));
            };
            self = self.header(meta.name, value.clone());
        }
        for (name, value) in &settings.inputs {
            let Some(meta) = provider.inputs.iter().find(|i| i.name == name) else {
                let known: Vec<&str> = provider.inputs.iter().map(|i| i.name).collect();
                return Err(self.invalid(format!("inputs.{name}"), format!("the spec declares no such input; known: {}", known.join(", "))));
            };
            self.credentials.inputs.insert(meta.name, value.clone());
        }
        if let Some(token) = &settings.token {
            self.credentials.token = Some(token.clone());
        }
        if let Some(id) = &settings.client_id {
            self.credentials.client_id = Some(id.clone());
        }
        if let Some(secret) = &settings.secret {
            self.credentials.secret = Some(secret.clone());
        }
        if let Some(placement) = settings.credentials_in {
            self.credentials.placement = placement;
        }
        if let Some(timeout) = settings.timeout() {
            self.timeout = timeout;
        }
        if let Some(timeout) = settings.connect_timeout() {
            self.connect_timeout = timeout;
        }
        if let Some(attempts) = settings.max_attempts {
            self.retry = self.retry.with_max_attempts(attempts);
        }
        if let Some(ms) = settings.deadline_ms {
            self.retry = self.retry.with_deadline(Some(Duration::from_millis(ms)));
        }
        if let Some(clock) = &settings.clock {
            self.clock = clock.clone();
        }
        Ok(self)
    }

    fn parse_url(&self, text: String) -> Result<Url, BuildError> {
        let provider = self.provider.name;
        let url = Url::parse(&text).map_err(|e| BuildError::InvalidBaseUrl { provider, url: text.clone(), reason: e.to_string() })?;
        if !matches!(url.scheme(), "http" | "https") || url.cannot_be_a_base() {
            return Err(BuildError::InvalidBaseUrl { provider, url: text, reason: "not an http(s) URL".into() });
        }
        Ok(url)
    }

    /// Checks the settings and builds the transport.
    pub fn build(self) -> Result<Transport, BuildError> {
        let provider = self.provider.name;
        let base_url = self.parse_url(match &self.base_url {
            Some(url) => url.clone(),
            None => fill_template(self.template, &self.variables),
        })?;
        let mut hosts = Vec::new();
        for host in self.provider.hosts {
            let text = match (self.host_urls.iter().find(|(h, _)| h == host.name), &self.base_url) {
                (Some((_, url)), _) => url.clone(),
                (None, Some(base)) => base.clone(),
                (None, None) => match host.urls.iter().find(|(env, _)| *env == self.environment) {
                    Some((_, template)) => fill_template(template, &self.variables),
                    None => continue,
                },
            };
            hosts.push((host.name, self.parse_url(text)?));
        }
        self.check_credentials()?;
        let mut headers = HeaderMap::new();
        let bad_header = |name: &str| BuildError::Http { provider, reason: format!("invalid value for header `{name}`") };
        for meta in self.provider.headers {
            let value = self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(meta.name)).map(|(_, v)| v.as_str());
            if let Some(value) = value.or(meta.default) {
                let name = HeaderName::from_bytes(meta.name.as_bytes()).map_err(|_| bad_header(meta.name))?;
                headers.insert(name, HeaderValue::from_str(value).map_err(|_| bad_header(meta.name))?);
            }
        }
        let http = match self.http {
            Some(client) => client,
            None => reqwest::Client::builder()
                .connect_timeout(self.connect_timeout)
                // Credentials travel in headers and bodies that a redirect would carry to
                // another host; a provider's 3xx is returned as an error instead.
                .redirect(reqwest::redirect::Policy::none())
                .user_agent(concat!("linkspec/", env!("CARGO_PKG_VERSION")))
                .build()
                .map_err(|e| BuildError::Http { provider, reason: e.to_string() })?,
        };
        Ok(Transport {
            inner: Arc::new(Inner {
                provider: self.provider,
                base_url,
                hosts,
                headers,
                credentials: self.credentials,
                cache: TokenCache::default(),
                timeout: self.timeout,
                max_body: self.max_body,
                clock: self.clock,
                http,
            }),
            retry: self.retry,
        })
    }

    fn check_credentials(&self) -> Result<(), BuildError> {
        let provider = self.provider.name;
        let missing = |what, setter| BuildError::MissingCredential { provider, what, setter };
        match self.provider.auth {
            AuthScheme::Bearer { setter } | AuthScheme::Header { setter, .. } => {
                if self.credentials.token.is_some() {
                    return Ok(());
                }
                if self.provider.acquire.is_none() {
                    return Err(missing("token", setter));
                }
                for input in self.provider.inputs {
                    if !self.credentials.inputs.contains_key(input.name) {
                        return Err(missing(input.name, input.name));
                    }
                }
            }
            AuthScheme::KeyPair { .. } => {
                if self.credentials.client_id.is_none() {
                    return Err(missing("client id", "client_id"));
                }
                if self.credentials.secret.is_none() {
                    return Err(missing("secret", "secret"));
                }
            }
        }
        Ok(())
    }
}

/// Replaces `{name}` placeholders with their values.
fn fill_template(template: &str, variables: &[(&str, &str)]) -> String {
    let mut out = template.to_owned();
    for (name, value) in variables {
        out = out.replace(&format!("{{{name}}}"), value);
    }
    out
}

struct Inner {
    provider: &'static ProviderMeta,
    base_url: Url,
    hosts: Vec<(&'static str, Url)>,
    headers: HeaderMap,
    credentials: Credentials,
    cache: TokenCache,
    timeout: Duration,
    max_body: usize,
    clock: Arc<dyn Clock>,
    http: reqwest::Client,
}

/// Sends calls for one provider. Cheap to clone; clones share connections and acquired
/// credentials.
#[derive(Clone)]
pub struct Transport {
    inner: Arc<Inner>,
    retry: RetryPolicy,
}

impl fmt::Debug for Transport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Transport")
            .field("provider", &self.inner.provider.name)
            .field("base_url", &self.inner.base_url.as_str())
            .field("credentials", &self.inner.credentials)
            .field("acquired", &self.inner.cache)
            .field("timeout", &self.inner.timeout)
            .field("retry", &self.retry)
            .finish_non_exhaustive()
    }
}

/// A raw answer: status, headers, body bytes.
struct Answer {
    status: u16,
    headers: HeaderMap,
    body: Vec<u8>,
}

/// The credential a data call carries, and whether it came from the acquisition cache.
struct DataCredential {
    value: SecretString,
    acquired: bool,
}

type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

impl Transport {
    /// The base URL calls go to.
    pub fn base_url(&self) -> &Url {
        &self.inner.base_url
    }

    /// The retry policy in force.
    pub fn retry_policy(&self) -> &RetryPolicy {
        &self.retry
    }

    /// A transport sharing this one's connections and credentials, with another retry policy.
    #[must_use]
    pub fn with_retry(&self, policy: RetryPolicy) -> Transport {
        Transport { inner: self.inner.clone(), retry: policy }
    }

    /// Sends a call and decodes a success answer into `T`, an error answer into `E`.
    pub async fn send<T, E>(&self, call: Call) -> Result<T, Error<E>>
    where
        T: DeserializeOwned,
        E: DeserializeOwned + ErrorEnvelope,
    {
        let answer = self.run::<E>(&call).await?;
        decode(call.meta.name, &answer).map_err(Error::Decode)
    }

    /// Sends one page of a paged call: the decoded page, and the request for the next one when
    /// the answer names it.
    pub(crate) async fn send_page<T, E>(&self, call: &Call) -> Result<(T, Option<Call>), Error<E>>
    where
        T: DeserializeOwned,
        E: DeserializeOwned + ErrorEnvelope,
    {
        let answer = self.run::<E>(call).await?;
        let page = decode(call.meta.name, &answer).map_err(Error::Decode)?;
        let requested = self.build_url::<E>(call)?;
        let next = serde_json::from_slice(&answer.body).ok().and_then(|value| crate::pages::next_call(call, &value, &requested));
        Ok((page, next))
    }

    /// The URL a call goes to, when it can be built.
    pub(crate) fn url_of(&self, call: &Call) -> Option<Url> {
        self.build_url::<StepError>(call).ok()
    }

    /// Sends a call whose success answer has no body worth decoding.
    pub async fn send_empty<E>(&self, call: Call) -> Result<(), Error<E>>
    where
        E: DeserializeOwned + ErrorEnvelope,
    {
        self.run::<E>(&call).await.map(|_| ())
    }

    /// One call with its span: attempts, retries, credential re-issue.
    async fn run<E>(&self, call: &Call) -> Result<Answer, Error<E>>
    where
        E: DeserializeOwned + ErrorEnvelope,
    {
        let meta = call.meta;
        let span = tracing::info_span!(
            "linkspec.call",
            provider = meta.provider.name,
            operation = meta.name,
            method = meta.method.as_str(),
            path = meta.path,
            status = tracing::field::Empty,
            attempts = tracing::field::Empty,
            elapsed_ms = tracing::field::Empty,
        );
        self.run_inner::<E>(call, span.clone()).instrument(span).await
    }

    fn run_inner<'a, E>(&'a self, call: &'a Call, span: tracing::Span) -> BoxFuture<'a, Result<Answer, Error<E>>>
    where
        E: DeserializeOwned + ErrorEnvelope,
    {
        Box::pin(async move {
            let clock = &*self.inner.clock;
            let meta = call.meta;
            let started = clock.now();
            let mut attempt: u32 = 0;
            let mut reissued = false;
            loop {
                attempt += 1;
                let credential = if meta.authenticated { self.data_credential::<E>(meta.name).await? } else { None };
                let spent = clock.now().saturating_duration_since(started);
                let remaining = self.retry.deadline.map(|d| d.saturating_sub(spent));
                let result = self.attempt::<E>(call, credential.as_ref(), remaining, attempt).await;
                span.record("attempts", attempt);
                span.record("elapsed_ms", clock.now().saturating_duration_since(started).as_millis() as u64);
                let mut asked_wait = None;
                let error = match result {
                    Ok(answer) if meta.success.contains(&answer.status) => {
                        span.record("status", answer.status);
                        if let Some(c) = credential.as_ref().filter(|c| c.acquired) {
                            self.inner.cache.touch(&c.value, clock.now()).await;
                        }
                        return Ok(answer);
                    }
                    Ok(answer) => {
                        span.record("status", answer.status);
                        // Read here, not from the envelope: a gateway's 429 or 503 without the
                        // provider's envelope may still say when to come back.
                        asked_wait = retry_after_header(&answer.headers, clock.wall());
                        error_from_answer::<E>(call, &answer, clock.wall())
                    }
                    Err(e) => e,
                };
                if error.is_auth_expired()
                    && !reissued
                    && let Some(c) = credential.as_ref().filter(|c| c.acquired)
                {
                    tracing::info!("credentials expired; acquiring new ones and retrying once");
                    reissued = true;
                    self.inner.cache.invalidate(&c.value).await;
                    attempt -= 1;
                    continue;
                }
                let Some(wait) = self.retry_wait(&error, asked_wait, call, attempt, started) else {
                    return Err(error);
                };
                tracing::info!(attempt, wait_ms = wait.as_millis() as u64, status = error.status(), "retrying");
                clock.sleep(wait).await;
            }
        })
    }

    /// How long to wait before retrying, or `None` when the error is final.
    fn retry_wait<E: ErrorEnvelope>(
        &self,
        error: &Error<E>,
        asked: Option<Duration>,
        call: &Call,
        attempt: u32,
        started: std::time::Instant,
    ) -> Option<Duration> {
        let policy = &self.retry;
        if attempt >= policy.max_attempts || !error.is_retryable() {
            return None;
        }
        // Refused without processing (or never sent): safe to repeat whatever the operation.
        let not_processed = match error {
            Error::Transport { source, .. } => source.is_connect(),
            Error::Api(e) => e.rate_limited || matches!(e.status, 408 | 429),
            Error::Decode(e) => matches!(e.status, 408 | 429),
            _ => false,
        };
        if !(not_processed || call.meta.idempotent) {
            return None;
        }
        let wait = match asked {
            Some(asked) if asked > policy.max_retry_after => return None,
            Some(asked) => asked,
            None => policy.backoff(attempt),
        };
        if let Some(deadline) = policy.deadline {
            let spent = self.inner.clock.now().saturating_duration_since(started);
            if spent + wait >= deadline {
                return None;
            }
        }
        Some(wait)
    }

    /// The credential a data call carries: the static token, or an acquired one.
    async fn data_credential<E>(&self, operation: &'static str) -> Result<Option<DataCredential>, Error<E>>
    where
        E: DeserializeOwned + ErrorEnvelope,
    {
        let inner = &*self.inner;
        if matches!(inner.provider.auth, AuthScheme::KeyPair { .. }) {
            return Ok(None);
        }
        if let Some(token) = &inner.credentials.token {
            return Ok(Some(DataCredential { value: token.clone(), acquired: false }));
        }
        let Some(acquire) = inner.provider.acquire else { return Ok(None) };
        let clock = inner.clock.clone();
        let margin = Duration::from_secs(acquire.margin_seconds);
        let acquired = inner
            .cache
            .get(|| clock.now(), margin, || self.acquire())
            .await
            .map_err(|e| Error::Auth(Box::new(AuthError { operation, ..e })))?;
        Ok(Some(DataCredential { value: acquired.value, acquired: true }))
    }

    /// Runs the spec's acquisition steps in order; each may use the previous step's token.
    /// Failures say which step, its status and the provider's code and message, never a body:
    /// a token endpoint's answer holds credentials.
    async fn acquire(&self) -> Result<Acquired, AuthError> {
        let inner = &*self.inner;
        let no_steps = || AuthError { operation: "", step: "", status: None, message: "the spec declares no acquisition step".into() };
        let Some(meta) = inner.provider.acquire else { return Err(no_steps()) };
        let mut previous: Option<SecretString> = None;
        let mut last_answer = serde_json::Value::Null;
        for step in meta.steps {
            let fail = |status: Option<u16>, message: String| AuthError { operation: "", step: step.operation.name, status, message };
            let mut call = Call::new(step.operation);
            let mut body = serde_json::Map::new();
            for (place, source) in step.bind {
                let value = self.resolve(*source, previous.as_ref()).map_err(|m| fail(None, m))?;
                let text = match &value {
                    serde_json::Value::String(s) => s.clone(),
                    other => other.to_string(),
                };
                match place {
                    Place::Path(name) => call.path_param(name, &text),
                    Place::Query(name) => call.query(name, &text),
                    Place::Header(name) => call.secret_header(name, &text),
                    Place::Body(name) => {
                        body.insert((*name).to_owned(), value);
                    }
                }
            }
            if !body.is_empty() {
                call.body = Some(Ok(serde_json::Value::Object(body)));
            }
            let answer = self.run::<StepError>(&call).await.map_err(|e| fail(e.status(), step_failure(step.operation, &e)))?;
            last_answer = serde_json::from_slice(&answer.body)
                .map_err(|e| fail(Some(answer.status), format!("the answer is not JSON (line {}, column {})", e.line(), e.column())))?;
            let Some(token) = last_answer.pointer(step.token).and_then(|v| v.as_str()) else {
                return Err(fail(Some(answer.status), format!("the answer has no token at {}", step.token)));
            };
            previous = Some(SecretString::from(token.to_owned()));
        }
        let Some(value) = previous else { return Err(no_steps()) };
        let (lifetime, sliding) = match meta.lifetime {
            Lifetime::FromAnswer { pointer, default_seconds } => {
                (last_answer.pointer(pointer).and_then(serde_json::Value::as_u64).unwrap_or(default_seconds), None)
            }
            Lifetime::Fixed { seconds, sliding } => (seconds, sliding.then(|| Duration::from_secs(seconds.min(MAX_LIFETIME_SECONDS)))),
        };
        Ok(Acquired { value, expires_at: later(inner.clock.now(), lifetime), sliding })
    }

    fn resolve(&self, source: Source, previous: Option<&SecretString>) -> Result<serde_json::Value, String> {
        let input = |name: &str| {
            self.inner
                .credentials
                .inputs
                .get(name)
                .map(|v| v.expose_secret().to_owned())
                .ok_or_else(|| format!("the input `{name}` is not set; call the builder's `{name}` method"))
        };
        Ok(match source {
            Source::Const(text) => serde_json::Value::String(text.to_owned()),
            Source::Json(text) => serde_json::from_str(text).map_err(|e| format!("bad constant in the spec: {e}"))?,
            Source::Input(name) => serde_json::Value::String(input(name)?),
            Source::Previous => match previous {
                Some(token) => serde_json::Value::String(token.expose_secret().to_owned()),
                None => return Err("the first step cannot use a previous token".into()),
            },
            Source::Basic(user, password) => {
                let pair = format!("{}:{}", input(user)?, input(password)?);
                serde_json::Value::String(format!("Basic {}", base64::engine::general_purpose::STANDARD.encode(pair)))
            }
        })
    }

    fn build_url<E>(&self, call: &Call) -> Result<Url, Error<E>> {
        let operation = call.meta.name;
        if let Some(url) = &call.url {
            return Ok(url.clone());
        }
        let mut url = match call.meta.host {
            None => self.inner.base_url.clone(),
            Some(host) => match self.inner.hosts.iter().find(|(h, _)| *h == host) {
                Some((_, url)) => url.clone(),
                None => {
                    return Err(Error::Request {
                        operation,
                        message: format!("the host `{host}` has no URL for this environment; set one with `host_url`"),
                    });
                }
            },
        };
        {
            let mut segments = url
                .path_segments_mut()
                .map_err(|()| Error::Request { operation, message: "the base URL cannot take a path".into() })?;
            segments.pop_if_empty();
            for template in call.meta.path.split('/').filter(|s| !s.is_empty()) {
                let mut segment = template.to_owned();
                for (name, value) in &call.path_params {
                    segment = segment.replace(&format!("{{{name}}}"), value);
                }
                // URL normalisation would drop these and send the call to another resource.
                if matches!(segment.as_str(), "" | "." | "..") {
                    return Err(Error::Request {
                        operation,
                        message: format!("a path parameter makes the segment `{template}` empty, `.` or `..`; refusing to call another resource"),
                    });
                }
                segments.push(&segment);
            }
        }
        if !call.query.is_empty() {
            let query: Vec<String> =
                call.query.iter().map(|(name, value)| format!("{}={}", encode_query(name), encode_query(value))).collect();
            url.set_query(Some(&query.join("&")));
        }
        Ok(url)
    }

    /// One HTTP exchange.
    async fn attempt<E>(
        &self,
        call: &Call,
        credential: Option<&DataCredential>,
        remaining: Option<Duration>,
        attempt: u32,
    ) -> Result<Answer, Error<E>> {
        let inner = &*self.inner;
        let meta = call.meta;
        let operation = meta.name;
        let request_error = |message: String| Error::Request { operation, message };
        let url = self.build_url(call)?;
        let mut headers = inner.headers.clone();
        let media = HeaderValue::from_static(meta.media_type.unwrap_or(meta.provider.media_type));
        headers.insert(reqwest::header::ACCEPT, media.clone());
        for (name, value, secret) in &call.headers {
            let name = HeaderName::from_bytes(name.as_bytes()).map_err(|e| request_error(e.to_string()))?;
            let mut value =
                HeaderValue::from_str(value).map_err(|_| request_error(format!("invalid value for header `{name}`")))?;
            value.set_sensitive(*secret);
            headers.insert(name, value);
        }
        let mut body = match &call.body {
            Some(Ok(value)) => Some(value.clone()),
            Some(Err(message)) => return Err(request_error(format!("the body does not serialise: {message}"))),
            None => None,
        };
        if meta.authenticated {
            self.attach_credentials(&mut headers, &mut body, credential).map_err(request_error)?;
        }
        let timeout = remaining.map_or(inner.timeout, |r| r.min(inner.timeout));
        let mut request = inner.http.request(meta.method.to_reqwest(), url).timeout(timeout);
        match (body, meta.body_format) {
            (Some(value), BodyFormat::Json) => {
                let bytes = serde_json::to_vec(&value).map_err(|e| request_error(e.to_string()))?;
                headers.insert(reqwest::header::CONTENT_TYPE, media);
                request = request.body(bytes);
            }
            (Some(value), BodyFormat::Form) => {
                let text = form_encode(&value).map_err(request_error)?;
                headers.insert(reqwest::header::CONTENT_TYPE, HeaderValue::from_static("application/x-www-form-urlencoded"));
                request = request.body(text);
            }
            (None, _) if matches!(meta.method, crate::Method::Post | crate::Method::Put | crate::Method::Patch) => {
                // Some providers (Plaid) reject a POST without Content-Length.
                request = request.body(Vec::new());
            }
            (None, _) => {}
        }
        let response = request.headers(headers).send().await.map_err(|e| transport_error(operation, e))?;
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let body = read_limited(response, inner.max_body).await.map_err(|e| match e {
            ReadError::Http(e) => transport_error(operation, e),
            ReadError::TooLarge(limit) => Error::Decode(Box::new(DecodeError {
                operation,
                status,
                path: String::new(),
                message: format!("the body is larger than the {limit}-byte limit"),
                excerpt: String::new(),
            })),
        })?;
        tracing::debug!(attempt, status, bytes = body.len(), "answer received");
        Ok(Answer { status, headers, body })
    }

    fn attach_credentials(
        &self,
        headers: &mut HeaderMap,
        body: &mut Option<serde_json::Value>,
        credential: Option<&DataCredential>,
    ) -> Result<(), String> {
        let creds = &self.inner.credentials;
        let secret_header = |value: &str| {
            let mut value =
                HeaderValue::from_str(value).map_err(|_| "a credential holds characters not allowed in a header".to_owned())?;
            value.set_sensitive(true);
            Ok::<_, String>(value)
        };
        let name_of = |name: &str| HeaderName::from_bytes(name.as_bytes()).map_err(|e| e.to_string());
        match self.inner.provider.auth {
            AuthScheme::Bearer { .. } => {
                if let Some(c) = credential {
                    let value = secret_header(&format!("Bearer {}", c.value.expose_secret()))?;
                    headers.insert(reqwest::header::AUTHORIZATION, value);
                }
            }
            AuthScheme::Header { name, .. } => {
                if let Some(c) = credential {
                    headers.insert(name_of(name)?, secret_header(c.value.expose_secret())?);
                }
            }
            AuthScheme::KeyPair { client_id, secret } => {
                let pairs = [(client_id, &creds.client_id), (secret, &creds.secret)];
                match creds.placement {
                    KeyPairPlacement::Headers => {
                        for (place, value) in pairs {
                            if let Some(value) = value {
                                headers.insert(name_of(place.header)?, secret_header(value.expose_secret())?);
                            }
                        }
                    }
                    KeyPairPlacement::Body => {
                        let object = body.get_or_insert_with(|| serde_json::Value::Object(Default::default()));
                        let serde_json::Value::Object(map) = object else {
                            return Err("credentials go in the body, but the body is not a JSON object".into());
                        };
                        for (place, value) in pairs {
                            if let Some(value) = value {
                                map.insert(place.body.to_owned(), value.expose_secret().into());
                            }
                        }
                    }
                }
            }
        }
        Ok(())
    }
}

/// The longest credential lifetime believed: a provider's `expires_in` of years (or `u64::MAX`)
/// is read as this.
const MAX_LIFETIME_SECONDS: u64 = 366 * 24 * 3600;

/// `now` plus `seconds`, capped at [`MAX_LIFETIME_SECONDS`]; never overflows.
pub(crate) fn later(now: std::time::Instant, seconds: u64) -> std::time::Instant {
    let capped = Duration::from_secs(seconds.min(MAX_LIFETIME_SECONDS));
    now.checked_add(capped).unwrap_or(now)
}

/// An acquisition step's error answer, read as plain JSON: steps may answer in another envelope
/// than the data calls (OAuth2's `{error, error_description}`).
#[derive(Debug, serde::Deserialize)]
struct StepError(serde_json::Value);

impl ErrorEnvelope for StepError {
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

/// What a failed step said, from the step's own envelope fields; no body text.
fn step_failure(meta: &crate::meta::OperationMeta, error: &Error<StepError>) -> String {
    match error {
        Error::Api(api) => {
            let field = |wire: Option<&str>| {
                wire.and_then(|w| api.envelope.0.get(w)).map(|v| match v {
                    serde_json::Value::String(s) => s.clone(),
                    other => other.to_string(),
                })
            };
            match (field(Some(meta.envelope.code)), field(meta.envelope.message)) {
                (Some(code), Some(message)) => format!("{code}: {message}"),
                (Some(code), None) => code,
                (None, Some(message)) => message,
                (None, None) => "an error answer without the envelope's code".into(),
            }
        }
        Error::Decode(d) if d.path.is_empty() => format!("the {} answer did not decode", d.status),
        Error::Decode(d) => format!("the {} answer did not decode at `{}`", d.status, d.path),
        other => other.to_string(),
    }
}

/// Percent-encodes a query name or value: every byte but RFC 3986's unreserved characters.
/// A space becomes `%20`, not form encoding's `+`, which strict servers read as a plus sign.
fn encode_query(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => out.push(byte as char),
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

/// A flat JSON object as `application/x-www-form-urlencoded`; nulls are left out.
fn form_encode(value: &serde_json::Value) -> Result<String, String> {
    let serde_json::Value::Object(map) = value else {
        return Err("a form body must be an object".into());
    };
    let mut pairs = Vec::new();
    for (key, value) in map {
        let text = match value {
            serde_json::Value::Null => continue,
            serde_json::Value::String(s) => s.clone(),
            serde_json::Value::Bool(_) | serde_json::Value::Number(_) => value.to_string(),
            _ => return Err(format!("the form field `{key}` is not a scalar")),
        };
        pairs.push(format!("{}={}", encode_query(key), encode_query(&text)));
    }
    Ok(pairs.join("&"))
}

/// A transport error without its URL: paths and queries may hold personal data.
fn transport_error<E>(operation: &'static str, source: reqwest::Error) -> Error<E> {
    let source = source.without_url();
    if source.is_timeout() { Error::Timeout { operation, source } } else { Error::Transport { operation, source } }
}

enum ReadError {
    Http(reqwest::Error),
    TooLarge(usize),
}

async fn read_limited(mut response: reqwest::Response, limit: usize) -> Result<Vec<u8>, ReadError> {
    if response.content_length().is_some_and(|len| len > limit as u64) {
        return Err(ReadError::TooLarge(limit));
    }
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(ReadError::Http)? {
        if body.len() + chunk.len() > limit {
            return Err(ReadError::TooLarge(limit));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// `Retry-After`, in seconds or as an HTTP date, when the answer has one.
fn retry_after_header(headers: &HeaderMap, wall: std::time::SystemTime) -> Option<Duration> {
    headers.get(reqwest::header::RETRY_AFTER).and_then(|v| v.to_str().ok()).and_then(|v| parse_retry_after(v, wall))
}

/// An answer outside the success statuses: the provider's typed error, read with the spec's
/// rules, or a decode error carrying the status and an excerpt when the body is not the envelope.
fn error_from_answer<E>(call: &Call, answer: &Answer, wall: std::time::SystemTime) -> Error<E>
where
    E: DeserializeOwned + ErrorEnvelope,
{
    let operation = call.meta.name;
    let status = answer.status;
    if (200..300).contains(&status) {
        return Error::Decode(Box::new(DecodeError {
            operation,
            status,
            path: String::new(),
            message: format!("status {status} is not a documented success status ({:?})", call.meta.success),
            excerpt: DecodeError::excerpt_of(&answer.body),
        }));
    }
    let envelope: E = match decode(operation, answer) {
        Ok(e) => e,
        Err(d) => return Error::Decode(d),
    };
    let rules = &call.meta.provider.rules;
    let (code, category) = (envelope.code(), envelope.category());
    let has = |codes: &[&str]| {
        code.as_deref().is_some_and(|c| codes.contains(&c)) || category.as_deref().is_some_and(|c| codes.contains(&c))
    };
    let request_id = envelope.request_id().or_else(|| {
        rules
            .request_id_headers
            .iter()
            .find_map(|h| answer.headers.get(*h).and_then(|v| v.to_str().ok()).map(str::to_owned))
    });
    let retry_after = retry_after_header(&answer.headers, wall);
    Error::Api(Box::new(ApiError {
        operation,
        status,
        rate_limited: has(rules.rate_limit_codes),
        auth_expired: rules.expired_statuses.contains(&status) && (rules.expired_codes.is_empty() || has(rules.expired_codes)),
        not_found: has(rules.not_found_codes),
        envelope,
        request_id,
        retry_after,
    }))
}

fn decode<T: DeserializeOwned>(operation: &'static str, answer: &Answer) -> Result<T, Box<DecodeError>> {
    let failed = |path: String, message: String| {
        Box::new(DecodeError {
            operation,
            status: answer.status,
            path: if path == "." { String::new() } else { path },
            message,
            excerpt: DecodeError::excerpt_of(&answer.body),
        })
    };
    let mut de = serde_json::Deserializer::from_slice(&answer.body);
    let value: T = serde_path_to_error::deserialize(&mut de).map_err(|err| {
        let path = err.path().to_string();
        failed(path, err.into_inner().to_string())
    })?;
    de.end().map_err(|e| failed(String::new(), e.to_string()))?;
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_and_form_encoding() {
        assert_eq!(encode_query("externalId eq \"1\""), "externalId%20eq%20%221%22");
        assert_eq!(encode_query("a+b/c~d_e.f-g"), "a%2Bb%2Fc~d_e.f-g");
        assert_eq!(encode_query("ü"), "%C3%BC");
        let form = form_encode(&serde_json::json!({"grant_type": "client_credentials", "n": 2, "skip": null})).unwrap();
        assert_eq!(form, "grant_type=client_credentials&n=2");
        assert!(form_encode(&serde_json::json!({"nested": {"a": 1}})).is_err());
    }
}
