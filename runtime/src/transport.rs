//! The transport: turns a [`Call`] into an HTTP exchange and the answer into a typed result.

use crate::call::Call;
use crate::error::{ApiError, BuildError, DecodeError, Error, ErrorEnvelope};
use crate::meta::{AuthScheme, ProviderMeta};
use crate::settings::ClientSettings;
use reqwest::Url;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use secrecy::{ExposeSecret, SecretString};
use serde::de::DeserializeOwned;
use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tracing::Instrument;

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
struct Credentials {
    token: Option<SecretString>,
    client_id: Option<SecretString>,
    secret: Option<SecretString>,
    placement: KeyPairPlacement,
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let shown = |s: &Option<SecretString>| if s.is_some() { "<redacted>" } else { "<unset>" };
        f.debug_struct("Credentials")
            .field("token", &format_args!("{}", shown(&self.token)))
            .field("client_id", &format_args!("{}", shown(&self.client_id)))
            .field("secret", &format_args!("{}", shown(&self.secret)))
            .field("placement", &self.placement)
            .finish()
    }
}

/// Default time allowed for a whole call.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);
/// Default time allowed to connect.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Default largest answer body read, in bytes.
pub const DEFAULT_MAX_BODY: usize = 16 * 1024 * 1024;

/// Configures a [`Transport`]; generated builders wrap it.
#[derive(Debug, Clone)]
pub struct TransportBuilder {
    provider: &'static ProviderMeta,
    template: &'static str,
    base_url: Option<String>,
    variables: Vec<(&'static str, &'static str)>,
    headers: Vec<(&'static str, String)>,
    credentials: Credentials,
    timeout: Duration,
    connect_timeout: Duration,
    max_body: usize,
    http: Option<reqwest::Client>,
}

impl TransportBuilder {
    /// Starts from the provider's defaults.
    pub fn new(provider: &'static ProviderMeta) -> Self {
        TransportBuilder {
            provider,
            template: provider.base_url,
            base_url: None,
            variables: provider.variables.iter().map(|v| (v.name, v.default)).collect(),
            headers: Vec::new(),
            credentials: Credentials::default(),
            timeout: DEFAULT_TIMEOUT,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            max_body: DEFAULT_MAX_BODY,
            http: None,
        }
    }

    /// Selects a base URL template (an environment).
    pub fn base_url_template(mut self, template: &'static str) -> Self {
        self.template = template;
        self
    }

    /// Overrides the base URL outright.
    pub fn base_url(mut self, url: String) -> Self {
        self.base_url = Some(url);
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

    /// The token of a bearer or header scheme.
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

    /// Time allowed for a whole call.
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

    /// Uses a caller's reqwest client.
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http = Some(client);
        self
    }

    /// Applies settings given as data; a name the provider does not declare is an error.
    pub fn settings(mut self, settings: &ClientSettings) -> Result<Self, BuildError> {
        let provider = self.provider;
        let invalid = |setting: String, reason: String| BuildError::InvalidSetting { provider: provider.name, setting, reason };
        let names = |list: &mut dyn Iterator<Item = &'static str>| list.collect::<Vec<_>>().join(", ");
        if let Some(env) = &settings.environment {
            let Some((_, template)) = provider.environments.iter().find(|(name, _)| name == env) else {
                let known = names(&mut provider.environments.iter().map(|(n, _)| *n));
                return Err(invalid("environment".into(), format!("no environment `{env}`; use one of: {known}")));
            };
            self.template = template;
        }
        if let Some(url) = &settings.base_url {
            self.base_url = Some(url.clone());
        }
        for (name, value) in &settings.variables {
            let Some(meta) = provider.variables.iter().find(|v| v.name == name) else {
                let known = names(&mut provider.variables.iter().map(|v| v.name));
                return Err(invalid(format!("variables.{name}"), format!("no such placeholder; known: {known}")));
            };
            let Some(allowed) = meta.values.iter().find(|v| *v == value) else {
                return Err(invalid(format!("variables.{name}"), format!("`{value}` is not one of: {}", meta.values.join(", "))));
            };
            self = self.variable(meta.name, allowed);
        }
        for (name, value) in &settings.headers {
            let Some(meta) = provider.headers.iter().find(|h| h.name.eq_ignore_ascii_case(name)) else {
                let known = names(&mut provider.headers.iter().map(|h| h.name));
                return Err(invalid(format!("headers.{name}"), format!("the spec declares no such header; known: {known}")));
            };
            self = self.header(meta.name, value.clone());
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
        Ok(self)
    }

    /// Checks the settings and builds the transport.
    pub fn build(self) -> Result<Transport, BuildError> {
        let provider = self.provider.name;
        let url_text = match &self.base_url {
            Some(url) => url.clone(),
            None => fill_template(self.template, &self.variables),
        };
        let base_url = Url::parse(&url_text).map_err(|e| BuildError::InvalidBaseUrl {
            provider,
            url: url_text.clone(),
            reason: e.to_string(),
        })?;
        if !matches!(base_url.scheme(), "http" | "https") || base_url.cannot_be_a_base() {
            return Err(BuildError::InvalidBaseUrl { provider, url: url_text, reason: "not an http(s) URL".into() });
        }
        let missing = |what, setter| BuildError::MissingCredential { provider, what, setter };
        match self.provider.auth {
            AuthScheme::Bearer { setter } | AuthScheme::Header { setter, .. } => {
                if self.credentials.token.is_none() {
                    return Err(missing("token", setter));
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
                .user_agent(concat!("linkspec/", env!("CARGO_PKG_VERSION")))
                .build()
                .map_err(|e| BuildError::Http { provider, reason: e.to_string() })?,
        };
        Ok(Transport {
            inner: Arc::new(Inner {
                provider: self.provider,
                base_url,
                headers,
                credentials: self.credentials,
                timeout: self.timeout,
                max_body: self.max_body,
                http,
            }),
        })
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
    headers: HeaderMap,
    credentials: Credentials,
    timeout: Duration,
    max_body: usize,
    http: reqwest::Client,
}

/// Sends calls for one provider. Cheap to clone.
#[derive(Clone)]
pub struct Transport {
    inner: Arc<Inner>,
}

impl fmt::Debug for Transport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Transport")
            .field("provider", &self.inner.provider.name)
            .field("base_url", &self.inner.base_url.as_str())
            .field("credentials", &self.inner.credentials)
            .field("timeout", &self.inner.timeout)
            .finish_non_exhaustive()
    }
}

/// A raw answer: status, headers, body bytes.
struct Answer {
    status: u16,
    headers: HeaderMap,
    body: Vec<u8>,
}

impl Transport {
    /// The base URL calls go to.
    pub fn base_url(&self) -> &Url {
        &self.inner.base_url
    }

    /// Sends a call and decodes a success answer into `T`, an error answer into `E`.
    pub async fn send<T, E>(&self, call: Call) -> Result<T, Error<E>>
    where
        T: DeserializeOwned,
        E: DeserializeOwned + ErrorEnvelope,
    {
        let operation = call.meta.name;
        let answer = self.exchange(&call).await?;
        check_status(&call, &answer)?;
        decode(operation, &answer).map_err(Error::Decode)
    }

    /// Sends a call whose success answer has no body worth decoding.
    pub async fn send_empty<E>(&self, call: Call) -> Result<(), Error<E>>
    where
        E: DeserializeOwned + ErrorEnvelope,
    {
        let answer = self.exchange(&call).await?;
        check_status(&call, &answer)
    }

    fn build_url<E>(&self, call: &Call) -> Result<Url, Error<E>> {
        let operation = call.meta.name;
        let mut url = self.inner.base_url.clone();
        {
            let mut segments = url.path_segments_mut().map_err(|()| Error::Request {
                operation,
                message: "the base URL cannot take a path".into(),
            })?;
            segments.pop_if_empty();
            for template in call.meta.path.split('/').filter(|s| !s.is_empty()) {
                let mut segment = template.to_owned();
                for (name, value) in &call.path_params {
                    segment = segment.replace(&format!("{{{name}}}"), value);
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

    async fn exchange<E>(&self, call: &Call) -> Result<Answer, Error<E>> {
        let meta = call.meta;
        let span = tracing::info_span!(
            "linkspec.call",
            provider = meta.provider.name,
            operation = meta.name,
            method = meta.method.as_str(),
            path = meta.path,
            status = tracing::field::Empty,
            elapsed_ms = tracing::field::Empty,
        );
        let started = Instant::now();
        let result = self.exchange_once(call).instrument(span.clone()).await;
        span.record("elapsed_ms", started.elapsed().as_millis() as u64);
        if let Ok(answer) = &result {
            span.record("status", answer.status);
        }
        result
    }

    async fn exchange_once<E>(&self, call: &Call) -> Result<Answer, Error<E>> {
        let inner = &*self.inner;
        let meta = call.meta;
        let operation = meta.name;
        let request_error = |message: String| Error::Request { operation, message };
        let url = self.build_url(call)?;
        let mut headers = inner.headers.clone();
        let media = HeaderValue::from_static(meta.provider.media_type);
        headers.insert(reqwest::header::ACCEPT, media.clone());
        for (name, value) in &call.headers {
            let name = HeaderName::from_bytes(name.as_bytes()).map_err(|e| request_error(e.to_string()))?;
            let value = HeaderValue::from_str(value).map_err(|_| request_error(format!("invalid value for header `{name}`")))?;
            headers.insert(name, value);
        }
        let mut body = match &call.body {
            Some(Ok(value)) => Some(value.clone()),
            Some(Err(message)) => return Err(request_error(format!("the body does not serialise: {message}"))),
            None => None,
        };
        self.attach_credentials(&mut headers, &mut body).map_err(request_error)?;
        let mut request = inner.http.request(meta.method.to_reqwest(), url).timeout(inner.timeout);
        match body {
            Some(value) => {
                let bytes = serde_json::to_vec(&value).map_err(|e| request_error(e.to_string()))?;
                headers.insert(reqwest::header::CONTENT_TYPE, media);
                request = request.body(bytes);
            }
            None if matches!(meta.method, crate::Method::Post | crate::Method::Put | crate::Method::Patch) => {
                // Some providers (Plaid) reject a POST without Content-Length.
                request = request.body(Vec::new());
            }
            None => {}
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
        tracing::debug!(status, bytes = body.len(), "answer received");
        Ok(Answer { status, headers, body })
    }

    fn attach_credentials(&self, headers: &mut HeaderMap, body: &mut Option<serde_json::Value>) -> Result<(), String> {
        let creds = &self.inner.credentials;
        let secret_header = |value: &str| {
            let mut value = HeaderValue::from_str(value).map_err(|_| "a credential holds characters not allowed in a header".to_owned())?;
            value.set_sensitive(true);
            Ok::<_, String>(value)
        };
        let name_of = |name: &str| HeaderName::from_bytes(name.as_bytes()).map_err(|e| e.to_string());
        match self.inner.provider.auth {
            AuthScheme::Bearer { .. } => {
                if let Some(token) = &creds.token {
                    let value = secret_header(&format!("Bearer {}", token.expose_secret()))?;
                    headers.insert(reqwest::header::AUTHORIZATION, value);
                }
            }
            AuthScheme::Header { name, .. } => {
                if let Some(token) = &creds.token {
                    headers.insert(name_of(name)?, secret_header(token.expose_secret())?);
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

fn transport_error<E>(operation: &'static str, source: reqwest::Error) -> Error<E> {
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

/// Success statuses pass; error statuses become the provider's typed error, or a decode error
/// carrying the status and an excerpt when the body is not the envelope.
fn check_status<E>(call: &Call, answer: &Answer) -> Result<(), Error<E>>
where
    E: DeserializeOwned + ErrorEnvelope,
{
    let operation = call.meta.name;
    if call.meta.success.contains(&answer.status) {
        return Ok(());
    }
    if (200..300).contains(&answer.status) {
        return Err(Error::Decode(Box::new(DecodeError {
            operation,
            status: answer.status,
            path: String::new(),
            message: format!("status {} is not a documented success status ({:?})", answer.status, call.meta.success),
            excerpt: DecodeError::excerpt_of(&answer.body),
        })));
    }
    let envelope: E = decode(operation, answer).map_err(Error::Decode)?;
    let request_id = envelope.request_id().or_else(|| {
        ["x-request-id", "request-id", "correlation-id"]
            .iter()
            .find_map(|h| answer.headers.get(*h).and_then(|v| v.to_str().ok()).map(str::to_owned))
    });
    Err(Error::Api(Box::new(ApiError {
        operation,
        status: answer.status,
        envelope,
        request_id,
        retry_after: retry_after(&answer.headers),
    })))
}

/// `Retry-After` in seconds; an HTTP date is read relative to now.
fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let value = headers.get(reqwest::header::RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let when = jiff::fmt::rfc2822::parse(value).ok()?.timestamp();
    let wait = when.as_second().saturating_sub(jiff::Timestamp::now().as_second());
    Some(Duration::from_secs(u64::try_from(wait).unwrap_or(0)))
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
