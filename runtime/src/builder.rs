//! [`TransportBuilder`]: the settings a generated client builder collects, checked once when
//! the transport is built.

use crate::auth::{Credentials, KeyPairPlacement, TokenCache};
use crate::clock::{Clock, SystemClock};
use crate::error::BuildError;
use crate::meta::{AuthScheme, ProviderMeta};
use crate::retry::RetryPolicy;
use crate::redact::{UrlText, redact_url};
use crate::settings::ClientSettings;
use crate::transport::{Inner, Transport};
use reqwest::Url;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use secrecy::SecretString;
use std::sync::Arc;
use std::time::Duration;

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
    base_url: Option<UrlText>,
    host_urls: Vec<(String, UrlText)>,
    variables: Vec<(&'static str, &'static str)>,
    headers: Vec<(&'static str, String)>,
    credentials: Credentials,
    timeout: Duration,
    connect_timeout: Duration,
    max_body: Option<usize>,
    retry: RetryPolicy,
    clock: Arc<dyn Clock>,
    http: Option<reqwest::Client>,
    /// Inputs the client needs whatever its credentials (path parameters come from them),
    /// each with why.
    required_inputs: Vec<(&'static str, &'static str)>,
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
            max_body: None,
            retry: RetryPolicy::default(),
            clock: Arc::new(SystemClock),
            http: None,
            required_inputs: Vec::new(),
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
        self.base_url = Some(UrlText(url));
        self
    }

    /// Overrides the URL of one of the provider's other hosts.
    pub fn host_url(mut self, host: String, url: String) -> Self {
        self.host_urls.retain(|(h, _)| *h != host);
        self.host_urls.push((host, UrlText(url)));
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

    /// The user of an HTTP Basic scheme.
    pub fn user(mut self, user: String) -> Self {
        self.credentials.user = Some(SecretString::from(user));
        self
    }

    /// The password of an HTTP Basic scheme.
    pub fn password(mut self, password: String) -> Self {
        self.credentials.password = Some(SecretString::from(password));
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

    /// Makes `build` require the input `name` (a path parameter of some operation comes
    /// from it), even when the credentials need no inputs (a token set directly). `why` says
    /// which operations need it, for the error.
    pub fn requires_input(mut self, name: &'static str, why: &'static str) -> Self {
        self.required_inputs.push((name, why));
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

    /// Largest answer body read, in bytes, for every operation: wins over the limits the spec
    /// gives operations (`max_body_bytes:`) and over the 16 MiB default.
    pub fn max_body_bytes(mut self, limit: usize) -> Self {
        self.max_body = Some(limit);
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
            self.base_url = Some(UrlText(url.clone()));
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
        if let Some(user) = &settings.user {
            self.credentials.user = Some(user.clone());
        }
        if let Some(password) = &settings.password {
            self.credentials.password = Some(password.clone());
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
        let shown = || redact_url(&text);
        let url = Url::parse(&text).map_err(|e| BuildError::InvalidBaseUrl { provider, url: shown(), reason: e.to_string() })?;
        if !matches!(url.scheme(), "http" | "https") || url.cannot_be_a_base() {
            return Err(BuildError::InvalidBaseUrl { provider, url: shown(), reason: "not an http(s) URL".into() });
        }
        Ok(url)
    }

    /// Checks the settings and builds the transport.
    pub fn build(self) -> Result<Transport, BuildError> {
        let provider = self.provider.name;
        for (name, value) in &self.variables {
            // A value goes into a host name or path: `@evil.com#` would change the host.
            if value.is_empty() || !value.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~')) {
                return Err(self.invalid(
                    format!("variables.{name}"),
                    "a server variable may hold only letters, digits, `-`, `.`, `_` and `~`".into(),
                ));
            }
        }
        let native_base = self.parse_url(fill_template(self.template, &self.variables))?;
        let base_url = match &self.base_url {
            Some(url) => self.parse_url(url.0.clone())?,
            None => native_base.clone(),
        };
        let mut hosts = Vec::new();
        for host in self.provider.hosts {
            let text = match (self.host_urls.iter().find(|(h, _)| h == host.name), &self.base_url) {
                (Some((_, url)), _) => url.0.clone(),
                (None, Some(base)) => base.0.clone(),
                (None, None) => match host.urls.iter().find(|(env, _)| *env == self.environment) {
                    Some((_, template)) => fill_template(template, &self.variables),
                    None => continue,
                },
            };
            hosts.push((host.name, self.parse_url(text)?));
        }
        self.check_credentials()?;
        if let Some((setting, why)) = self.required_inputs.iter().find(|(name, _)| !self.credentials.inputs.contains_key(name)) {
            return Err(BuildError::MissingSetting { provider, setting, why });
        }
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
            None => {
                // Without a TLS backend the default client cannot reach an https host: say so
                // now, not at the first call.
                if crate::http::TLS_BACKEND.is_none()
                    && let Some(url) = std::iter::once(&base_url).chain(hosts.iter().map(|(_, u)| u)).find(|u| u.scheme() == "https")
                {
                    return Err(BuildError::Http {
                        provider,
                        reason: format!(
                            "{} needs TLS, and no TLS backend is compiled in: enable a TLS feature of the clients (`tls-aws-lc`, `tls-ring` or `tls-native`), or pass your own client with `http_client(...)`",
                            url.origin().ascii_serialization()
                        ),
                    });
                }
                crate::http::client(self.connect_timeout).map_err(|reason| BuildError::Http { provider, reason })?
            }
        };
        Ok(Transport {
            inner: Arc::new(Inner {
                provider: self.provider,
                base_url,
                native_base,
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

    /// The default scheme's credentials must be set; the other schemes of a provider with
    /// several are checked when an operation uses them.
    fn check_credentials(&self) -> Result<(), BuildError> {
        let provider = self.provider.name;
        match missing_credential(self.provider, &self.credentials, self.provider.auth.default_scheme()) {
            Some((what, setter)) => {
                // Inputs acquire a token together; a token set directly is the other way.
                let (together, token_setter) = match self.provider.auth.default_scheme() {
                    AuthScheme::Bearer { setter: token } | AuthScheme::Header { setter: token, .. }
                        if self.provider.acquire.is_some() =>
                    {
                        (self.provider.inputs, Some(token))
                    }
                    _ => (&[][..], None),
                };
                Err(BuildError::MissingCredential { provider, what, setter, together, token_setter })
            }
            None => Ok(()),
        }
    }
}

/// What `scheme` lacks among `credentials`, and the builder method that sets it.
pub(crate) fn missing_credential(
    provider: &ProviderMeta,
    credentials: &Credentials,
    scheme: AuthScheme,
) -> Option<(&'static str, &'static str)> {
    match scheme {
        AuthScheme::Bearer { setter } | AuthScheme::Header { setter, .. } => {
            if credentials.token.is_some() {
                return None;
            }
            if provider.acquire.is_none() {
                return Some(("token", setter));
            }
            provider.inputs.iter().find(|i| !credentials.inputs.contains_key(i.name)).map(|i| (i.name, i.name))
        }
        AuthScheme::KeyPair { .. } => {
            if credentials.client_id.is_none() {
                Some(("client id", "client_id"))
            } else if credentials.secret.is_none() {
                Some(("secret", "secret"))
            } else {
                None
            }
        }
        AuthScheme::Basic { user, password } => {
            if credentials.user.is_none() {
                Some(("user", user))
            } else if credentials.password.is_none() {
                Some(("password", password))
            } else {
                None
            }
        }
        AuthScheme::Named(_) => None,
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
