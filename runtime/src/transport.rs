//! The transport: turns a [`Call`] into HTTP exchanges (credentials attached or acquired,
//! retried as the policy and the provider allow) and the answer into a typed result.

use crate::answer::{Answer, ReadError, decode, error_from_answer, read_limited, retry_after_header, transport_error};
use crate::acquire::StepError;
use crate::auth::{Credentials, TokenCache};
use base64::Engine as _;
use crate::binary::Binary;
use crate::call::Call;
use crate::clock::Clock;
use crate::error::{AuthError, DecodeError, Error, ErrorEnvelope};
use crate::meta::{AuthScheme, BodyFormat, ProviderMeta};
use crate::retry::RetryPolicy;
use crate::wire::{encode_query, form_encode};
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
pub use crate::builder::TransportBuilder;

pub(crate) struct Inner {
    pub(crate) provider: &'static ProviderMeta,
    pub(crate) base_url: Url,
    /// The spec's URL for the environment, even when `base_url` overrides it: the origin and
    /// path prefix a provider's absolute links are written against.
    pub(crate) native_base: Url,
    pub(crate) hosts: Vec<(&'static str, Url)>,
    pub(crate) headers: HeaderMap,
    pub(crate) credentials: Credentials,
    pub(crate) cache: TokenCache,
    pub(crate) timeout: Duration,
    /// The client's own body limit, which wins over an operation's.
    pub(crate) max_body: Option<usize>,
    pub(crate) clock: Arc<dyn Clock>,
    pub(crate) http: reqwest::Client,
}

/// Sends calls for one provider. Cheap to clone; clones share connections and acquired
/// credentials.
#[derive(Clone)]
pub struct Transport {
    pub(crate) inner: Arc<Inner>,
    pub(crate) retry: RetryPolicy,
}

impl fmt::Debug for Transport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Transport")
            .field("provider", &self.inner.provider.name)
            .field("base_url", &crate::redact::redact_url(self.inner.base_url.as_str()))
            .field("credentials", &self.inner.credentials)
            .field("acquired", &self.inner.cache)
            .field("timeout", &self.inner.timeout)
            .field("retry", &self.retry)
            .finish_non_exhaustive()
    }
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
        let inner = &*self.inner;
        let host_url = call.meta.host.and_then(|h| inner.hosts.iter().find(|(name, _)| *name == h)).map(|(_, url)| url);
        let bases = match host_url {
            None => crate::pages::Bases { base: &inner.base_url, native: &inner.native_base },
            // Another host's links are followed on that host as configured.
            Some(url) => crate::pages::Bases { base: url, native: url },
        };
        let next = serde_json::from_slice(&answer.body).ok().and_then(|value| crate::pages::next_call(call, &value, &requested, &bases));
        Ok((page, next))
    }

    /// The URL a call goes to, when it can be built.
    pub(crate) fn url_of(&self, call: &Call) -> Option<Url> {
        self.build_url::<StepError>(call).ok()
    }

    /// Sends a call whose success answer is kept as bytes with its media type, never decoded.
    pub async fn send_binary<E>(&self, call: Call) -> Result<Binary, Error<E>>
    where
        E: DeserializeOwned + ErrorEnvelope,
    {
        let answer = self.run::<E>(&call).await?;
        let content_type = answer
            .headers
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("application/octet-stream")
            .to_owned();
        Ok(Binary { content_type, bytes: answer.body })
    }

    /// Sends a call whose success answer has no body worth decoding.
    pub async fn send_empty<E>(&self, call: Call) -> Result<(), Error<E>>
    where
        E: DeserializeOwned + ErrorEnvelope,
    {
        self.run::<E>(&call).await.map(|_| ())
    }

    /// One call with its span: attempts, retries, credential re-issue.
    pub(crate) async fn run<E>(&self, call: &Call) -> Result<Answer, Error<E>>
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
                if error.is_auth_rejected()
                    && let Some(c) = credential.as_ref().filter(|c| c.acquired)
                {
                    // Refused (revoked, or an expiry the spec does not name): not retried, but
                    // not kept either, so the next call acquires afresh.
                    self.inner.cache.invalidate(&c.value).await;
                }
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
            Error::Api(e) => e.class == crate::ErrorClass::RateLimited || e.status == 408,
            _ => false,
        };
        if !(not_processed || call.meta.idempotent) {
            return None;
        }
        let wait = match asked {
            Some(asked) if asked > policy.max_retry_after => return None,
            // `Retry-After: 0` (or a date just past) must not become a tight loop.
            Some(asked) => asked.max(policy.min_wait()),
            None => policy.backoff(attempt),
        };
        if let Some(deadline) = policy.deadline {
            let spent = self.inner.clock.now().saturating_duration_since(started);
            if wait >= deadline.saturating_sub(spent) {
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
        let (name, scheme) = inner.provider.auth.for_operation(operation);
        // The default scheme was checked when the client was built; another one is checked
        // when an operation first uses it.
        if let Some(name) = name.filter(|_| scheme != inner.provider.auth.default_scheme())
            && let Some((what, setter)) = crate::builder::missing_credential(inner.provider, &inner.credentials, scheme)
        {
            return Err(Error::Request {
                operation,
                message: format!("this operation uses the `{name}` auth scheme, whose {what} is not set; set it with the builder's `{setter}`"),
            });
        }
        if !matches!(scheme, AuthScheme::Bearer { .. } | AuthScheme::Header { .. }) {
            return Ok(None);
        }
        if let Some(token) = &inner.credentials.token {
            return Ok(Some(DataCredential { value: token.clone(), acquired: false }));
        }
        if inner.provider.acquire.is_none() {
            return Ok(None);
        }
        let clock = inner.clock.clone();
        let acquired = inner
            .cache
            .get(|| clock.now(), || self.acquire())
            .await
            .map_err(|e| Error::Auth(Box::new(AuthError { operation, ..e })))?;
        Ok(Some(DataCredential { value: acquired.value, acquired: true }))
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
                call.query.iter().map(|(name, value)| format!("{}={}", encode_query(name), value.encoded())).collect();
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
        let accept = call.accept.map_or_else(|| media.clone(), HeaderValue::from_static);
        headers.insert(reqwest::header::ACCEPT, accept);
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
            let (_, scheme) = meta.provider.auth.for_operation(operation);
            self.attach_credentials(scheme, &mut headers, &mut body, credential).map_err(request_error)?;
        }
        let timeout = remaining.map_or(inner.timeout, |r| r.min(inner.timeout));
        let mut request = inner.http.request(meta.method.to_reqwest(), url).timeout(timeout);
        match (body, meta.body_format) {
            (Some(value), BodyFormat::Json) => {
                headers.insert(reqwest::header::CONTENT_TYPE, media);
                request = request.body(value.get().as_bytes().to_vec());
            }
            (Some(value), BodyFormat::Form) => {
                let text = form_encode(&value).map_err(request_error)?;
                headers.insert(reqwest::header::CONTENT_TYPE, HeaderValue::from_static("application/x-www-form-urlencoded"));
                request = request.body(text);
            }
            (None, _) if matches!(meta.method, crate::Method::Post | crate::Method::Put | crate::Method::Patch) => {
                // Some providers (Plaid) reject a POST without Content-Length, and the HTTP stack
                // leaves the header out for an empty body unless it is set.
                headers.insert(reqwest::header::CONTENT_LENGTH, HeaderValue::from_static("0"));
                request = request.body(Vec::new());
            }
            (None, _) => {}
        }
        let response = request.headers(headers).send().await.map_err(|e| transport_error(operation, e))?;
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let limit = inner.max_body.or(call.max_body).unwrap_or(crate::builder::DEFAULT_MAX_BODY);
        let success = meta.success.contains(&status);
        let body = match read_limited(response, limit).await {
            Ok(body) => body,
            Err(ReadError::Http(e)) => return Err(transport_error(operation, e)),
            Err(ReadError::TooLarge { limit, .. }) if success => {
                return Err(Error::Decode(Box::new(DecodeError {
                    operation,
                    status,
                    path: String::new(),
                    message: format!("the body is larger than the {limit}-byte limit"),
                    excerpt: String::new(),
                })));
            }
            // An error answer stays the provider's error (status, headers, classification)
            // however long its body; what was read of it is kept for the excerpt.
            Err(ReadError::TooLarge { start, .. }) => start,
        };
        tracing::debug!(attempt, status, bytes = body.len(), "answer received");
        Ok(Answer { status, headers, body })
    }

    fn attach_credentials(
        &self,
        scheme: AuthScheme,
        headers: &mut HeaderMap,
        body: &mut Option<Box<serde_json::value::RawValue>>,
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
        match scheme {
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
                        // Fields as JSON text, so the body's numbers keep their text.
                        let mut map = match body.as_deref() {
                            None => crate::wire::JsonFields::new(),
                            Some(raw) => serde_json::from_str::<crate::wire::JsonFields>(raw.get())
                                .map_err(|_| "credentials go in the body, but the body is not a JSON object".to_owned())?,
                        };
                        for (place, value) in pairs {
                            if let Some(value) = value {
                                let text = serde_json::value::to_raw_value(value.expose_secret()).map_err(|e| e.to_string())?;
                                map.insert(place.body.to_owned(), text);
                            }
                        }
                        *body = Some(serde_json::value::to_raw_value(&map).map_err(|e| e.to_string())?);
                    }
                }
            }
            AuthScheme::Basic { .. } => {
                if let (Some(user), Some(password)) = (&creds.user, &creds.password) {
                    let pair = format!("{}:{}", user.expose_secret(), password.expose_secret());
                    let value = secret_header(&format!("Basic {}", base64::engine::general_purpose::STANDARD.encode(pair)))?;
                    headers.insert(reqwest::header::AUTHORIZATION, value);
                }
            }
            // `for_operation` never answers with the list itself.
            AuthScheme::Named(_) => {}
        }
        Ok(())
    }
}
