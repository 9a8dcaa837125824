//! The transport: turns a [`Call`] into HTTP exchanges (credentials attached or acquired,
//! retried as the policy and the provider allow) and the answer into a typed result.
//!
//! Only the edges are generic (`send::<T, E>` and its kin: decode the success type, unbox the
//! error envelope); the retry loop, the request and the credentials are plain functions,
//! compiled once in this crate rather than once per operation in every generated crate.

use crate::answer::{Answer, ReadError, decode, error_from_answer, read_limited, retry_after_header, transport_error};
use crate::auth::{Credentials, TokenCache};
use base64::Engine as _;
use crate::binary::Binary;
use crate::call::Call;
use crate::clock::Clock;
use crate::error::{AuthError, DecodeError, Erased, Error, ErrorEnvelope};
use crate::meta::{AuthScheme, BodyFormat, ProviderMeta};
use crate::retry::RetryPolicy;
use crate::wire::{encode_query_into, form_encode};
use reqwest::Url;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use secrecy::{ExposeSecret, SecretString};
use serde::de::DeserializeOwned;
use std::borrow::Cow;
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


/// The credential a data call carries (the client's static token, borrowed, or an acquired
/// one), and whether it came from the acquisition cache.
struct DataCredential<'a> {
    value: Cow<'a, SecretString>,
    acquired: bool,
}

type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// How the retry loop reads an error answer: decoding into the caller's envelope type, as a
/// plain function, so the loop itself is not generic.
type ReadErrorAnswer = fn(&Call, &Answer, std::time::SystemTime) -> Error<Erased>;

/// A request body as it is sent, with the header that describes it; made on a call's first
/// attempt and shared by its retries.
#[derive(Clone)]
struct SentBody {
    bytes: bytes::Bytes,
    header: (HeaderName, HeaderValue),
}

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
        let next = self.next_page(call, &answer).map_err(Error::typed)?;
        Ok((page, next))
    }

    /// The request for the page after the one `call` fetched, when its answer names one.
    fn next_page(&self, call: &Call, answer: &Answer) -> Result<Option<Call>, Error<Erased>> {
        let requested = self.build_url(call)?;
        let inner = &*self.inner;
        let host_url = call.meta.host.and_then(|h| inner.hosts.iter().find(|(name, _)| *name == h)).map(|(_, url)| url);
        let bases = match host_url {
            None => crate::pages::Bases { base: &inner.base_url, native: &inner.native_base },
            // Another host's links are followed on that host as configured.
            Some(url) => crate::pages::Bases { base: url, native: url },
        };
        Ok(crate::pages::next_call(call, &answer.body, &requested, &bases))
    }

    /// The URL a call goes to, when it can be built.
    pub(crate) fn url_of(&self, call: &Call) -> Option<Url> {
        self.build_url(call).ok()
    }

    /// Sends a call whose success answer is kept as bytes with its media type, never decoded.
    pub async fn send_binary<E>(&self, call: Call) -> Result<Binary, Error<E>>
    where
        E: DeserializeOwned + ErrorEnvelope,
    {
        Ok(binary(self.run::<E>(&call).await?))
    }

    /// Sends a call whose success answer has no body worth decoding.
    pub async fn send_empty<E>(&self, call: Call) -> Result<(), Error<E>>
    where
        E: DeserializeOwned + ErrorEnvelope,
    {
        self.run::<E>(&call).await.map(|_| ())
    }

    /// One call: attempts, retries, credential re-issue; error answers decoded as `E`. A shim:
    /// the work is in [`Transport::run_erased`], compiled once.
    pub(crate) async fn run<E>(&self, call: &Call) -> Result<Answer, Error<E>>
    where
        E: DeserializeOwned + ErrorEnvelope,
    {
        self.run_erased(call, error_from_answer::<E>).await.map_err(Error::typed)
    }

    /// One call with its span.
    async fn run_erased(&self, call: &Call, read_error: ReadErrorAnswer) -> Result<Answer, Error<Erased>> {
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
        self.retry_loop(call, read_error, &span).instrument(span.clone()).await
    }

    async fn retry_loop(&self, call: &Call, read_error: ReadErrorAnswer, span: &tracing::Span) -> Result<Answer, Error<Erased>> {
        let clock = &*self.inner.clock;
        let meta = call.meta;
        let started = clock.now();
        let mut attempt: u32 = 0;
        let mut reissued = false;
        let mut body = None;
        loop {
            attempt += 1;
            let credential = if meta.authenticated { self.data_credential(meta.name).await? } else { None };
            let spent = clock.now().saturating_duration_since(started);
            let remaining = self.retry.deadline.map(|d| d.saturating_sub(spent));
            let result = self.attempt(call, credential.as_ref(), remaining, attempt, &mut body).await;
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
                    read_error(call, &answer, clock.wall())
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
    }

    /// How long to wait before retrying, or `None` when the error is final.
    fn retry_wait(
        &self,
        error: &Error<Erased>,
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
    async fn data_credential(&self, operation: &'static str) -> Result<Option<DataCredential<'_>>, Error<Erased>> {
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
            return Ok(Some(DataCredential { value: Cow::Borrowed(token), acquired: false }));
        }
        if inner.provider.acquire.is_none() {
            return Ok(None);
        }
        let clock = inner.clock.clone();
        let acquired = inner
            .cache
            .get(|| clock.now(), || self.acquire_boxed())
            .await
            .map_err(|e| Error::Auth(Box::new(AuthError { operation, ..e })))?;
        Ok(Some(DataCredential { value: Cow::Owned(acquired.value), acquired: true }))
    }

    /// [`Transport::acquire`] boxed: acquisition sends calls through the loop that asked for it,
    /// and a future that holds itself needs a box somewhere. Here the box costs only when
    /// credentials are acquired, not on every call.
    fn acquire_boxed(&self) -> BoxFuture<'_, Result<crate::auth::Acquired, AuthError>> {
        Box::pin(self.acquire())
    }

    /// The call's path parameters with those filled from the client's inputs added. The
    /// builder refuses to build a client without them, so a missing one is a generator bug or
    /// a hand-made call.
    fn path_inputs(&self, call: &Call) -> Result<Vec<(&'static str, String)>, Error<Erased>> {
        let mut params = call.path_params.clone();
        for (name, input) in &call.path_inputs {
            let Some(value) = self.inner.credentials.inputs.get(input) else {
                return Err(Error::Request {
                    operation: call.meta.name,
                    message: format!("the path parameter `{name}` comes from the client's `{input}`, which is not set"),
                });
            };
            params.push((name, value.expose_secret().to_owned()));
        }
        Ok(params)
    }

    fn build_url(&self, call: &Call) -> Result<Url, Error<Erased>> {
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
            let mut filled = String::new();
            let from_inputs;
            let params = if call.path_inputs.is_empty() {
                &call.path_params
            } else {
                from_inputs = self.path_inputs(call)?;
                &from_inputs
            };
            for template in call.meta.path.split('/').filter(|s| !s.is_empty()) {
                let segment = if template.contains('{') {
                    fill_segment(template, params, &mut filled);
                    filled.as_str()
                } else {
                    template
                };
                // URL normalisation would drop these and send the call to another resource.
                if matches!(segment, "" | "." | "..") {
                    return Err(Error::Request {
                        operation,
                        message: format!("a path parameter makes the segment `{template}` empty, `.` or `..`; refusing to call another resource"),
                    });
                }
                segments.push(segment);
            }
        }
        if !call.query.is_empty() {
            let mut query = String::new();
            for (i, (name, value)) in call.query.iter().enumerate() {
                if i > 0 {
                    query.push('&');
                }
                encode_query_into(&mut query, name);
                query.push('=');
                value.encode_into(&mut query);
            }
            url.set_query(Some(&query));
        }
        Ok(url)
    }

    /// One HTTP exchange. `body` keeps the request body as sent once the first attempt has
    /// made it.
    async fn attempt(
        &self,
        call: &Call,
        credential: Option<&DataCredential<'_>>,
        remaining: Option<Duration>,
        attempt: u32,
        body: &mut Option<Option<SentBody>>,
    ) -> Result<Answer, Error<Erased>> {
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
        if let Some(Err(message)) = &call.body {
            return Err(request_error(format!("the body does not serialise: {message}")));
        }
        let scheme = meta.authenticated.then(|| meta.provider.auth.for_operation(operation).1);
        if let Some(scheme) = scheme {
            self.attach_credential_headers(scheme, &mut headers, credential).map_err(request_error)?;
        }
        let sent = match body {
            Some(sent) => sent.clone(),
            None => body.insert(self.body_of(call, scheme, media).map_err(request_error)?).clone(),
        };
        let mut request = reqwest::Request::new(meta.method.to_reqwest(), url);
        *request.timeout_mut() = Some(remaining.map_or(inner.timeout, |r| r.min(inner.timeout)));
        if let Some(SentBody { bytes, header: (name, value) }) = sent {
            headers.insert(name, value);
            *request.body_mut() = Some(bytes.into());
        }
        *request.headers_mut() = headers;
        let mut response = inner.http.execute(request).await.map_err(|e| transport_error(operation, e))?;
        let status = response.status().as_u16();
        // Taken, not copied: the body is read from the response without them.
        let headers = std::mem::take(response.headers_mut());
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

    /// The body a call sends, as bytes with its `Content-Type` (or the `Content-Length: 0` of
    /// an empty POST, PUT or PATCH), a key pair put in it when the scheme says so.
    fn body_of(&self, call: &Call, scheme: Option<AuthScheme>, media: HeaderValue) -> Result<Option<SentBody>, String> {
        let meta = call.meta;
        let creds = &self.inner.credentials;
        let given = match &call.body {
            Some(Ok(value)) => Some(&**value),
            // Refused by `attempt` before it gets here.
            Some(Err(message)) => return Err(format!("the body does not serialise: {message}")),
            None => None,
        };
        let with_key_pair = match scheme {
            Some(AuthScheme::KeyPair { client_id, secret }) if creds.placement == KeyPairPlacement::Body => {
                // Fields as JSON text, so the body's numbers keep their text.
                let mut map = match given {
                    None => crate::wire::JsonFields::new(),
                    Some(raw) => serde_json::from_str::<crate::wire::JsonFields>(raw.get())
                        .map_err(|_| "credentials go in the body, but the body is not a JSON object".to_owned())?,
                };
                for (place, value) in [(client_id, &creds.client_id), (secret, &creds.secret)] {
                    if let Some(value) = value {
                        let text = serde_json::value::to_raw_value(value.expose_secret()).map_err(|e| e.to_string())?;
                        map.insert(place.body.to_owned(), text);
                    }
                }
                Some(serde_json::value::to_raw_value(&map).map_err(|e| e.to_string())?)
            }
            _ => None,
        };
        let value = with_key_pair.as_deref().or(given);
        Ok(match (value, meta.body_format) {
            (Some(value), BodyFormat::Json) => Some(SentBody {
                bytes: bytes::Bytes::copy_from_slice(value.get().as_bytes()),
                header: (reqwest::header::CONTENT_TYPE, media),
            }),
            (Some(value), BodyFormat::Form) => Some(SentBody {
                bytes: bytes::Bytes::from(form_encode(value)?),
                header: (reqwest::header::CONTENT_TYPE, HeaderValue::from_static("application/x-www-form-urlencoded")),
            }),
            // Some providers (Plaid) reject a POST without Content-Length, and the HTTP stack
            // leaves the header out for an empty body unless it is set.
            (None, _) if matches!(meta.method, crate::Method::Post | crate::Method::Put | crate::Method::Patch) => Some(SentBody {
                bytes: bytes::Bytes::new(),
                header: (reqwest::header::CONTENT_LENGTH, HeaderValue::from_static("0")),
            }),
            (None, _) => None,
        })
    }

    /// The credential headers of `scheme` (a key pair placed in the body goes in by
    /// [`Transport::body_of`]).
    fn attach_credential_headers(&self, scheme: AuthScheme, headers: &mut HeaderMap, credential: Option<&DataCredential<'_>>) -> Result<(), String> {
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
                if creds.placement == KeyPairPlacement::Headers {
                    for (place, value) in [(client_id, &creds.client_id), (secret, &creds.secret)] {
                        if let Some(value) = value {
                            headers.insert(name_of(place.header)?, secret_header(value.expose_secret())?);
                        }
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

/// A template segment with each `{name}` replaced by its parameter's value, in one pass: a
/// value is never searched for placeholders (a value holding `{other}` stays as written).
/// A placeholder with no parameter stays as written.
fn fill_segment(template: &str, params: &[(&'static str, String)], out: &mut String) {
    out.clear();
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let found = params.iter().find(|(name, _)| after.strip_prefix(*name).is_some_and(|tail| tail.starts_with('}')));
        match found {
            Some((name, value)) => {
                out.push_str(value);
                rest = &after[name.len() + 1..];
            }
            None => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
}

/// A raw answer kept as bytes with its media type.
fn binary(answer: Answer) -> Binary {
    let content_type = answer
        .headers
        .get(reqwest::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("application/octet-stream")
        .to_owned();
    Binary { content_type, bytes: answer.body }
}
