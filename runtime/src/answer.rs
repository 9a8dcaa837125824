//! Reading answers: the body under a size limit, `Retry-After`, and the typed value or error
//! a status and body stand for.

use crate::call::Call;
use crate::error::{ApiError, DecodeError, Erased, Error, ErrorClass, ErrorEnvelope};
use crate::retry::parse_retry_after;
use reqwest::header::HeaderMap;
use serde::de::DeserializeOwned;
use std::time::Duration;

/// A raw answer: status, headers, body bytes.
pub(crate) struct Answer {
    pub(crate) status: u16,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Vec<u8>,
}

/// A transport error without its URL: paths and queries may hold personal data.
pub(crate) fn transport_error<E>(operation: &'static str, source: reqwest::Error) -> Error<E> {
    let source = source.without_url();
    if source.is_timeout() { Error::Timeout { operation, source } } else { Error::Transport { operation, source } }
}

pub(crate) enum ReadError {
    Http(reqwest::Error),
    /// The body passed `limit`; `start` holds what was read before it (empty when the
    /// announced length alone was too large).
    TooLarge { limit: usize, start: Vec<u8> },
}

pub(crate) async fn read_limited(mut response: reqwest::Response, limit: usize) -> Result<Vec<u8>, ReadError> {
    if response.content_length().is_some_and(|len| len > limit as u64) {
        return Err(ReadError::TooLarge { limit, start: Vec::new() });
    }
    // The announced length is reserved at once, up to 1 MiB (a server announcing more than it
    // sends gets no large allocation for it); past that, and without one, the buffer grows.
    const RESERVED: u64 = 1 << 20;
    let mut body = Vec::with_capacity(response.content_length().map_or(0, |len| len.min(RESERVED) as usize));
    while let Some(chunk) = response.chunk().await.map_err(ReadError::Http)? {
        if body.len() + chunk.len() > limit {
            let room = limit - body.len();
            body.extend_from_slice(&chunk[..room]);
            return Err(ReadError::TooLarge { limit, start: body });
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// `Retry-After`, in seconds or as an HTTP date, when the answer has one.
pub(crate) fn retry_after_header(headers: &HeaderMap, wall: std::time::SystemTime) -> Option<Duration> {
    headers.get(reqwest::header::RETRY_AFTER).and_then(|v| v.to_str().ok()).and_then(|v| parse_retry_after(v, wall))
}

/// An answer outside the success statuses. A 2xx the operation does not document is a decode
/// error; any other status is the provider's error, its body decoded into the envelope `E`
/// when it is one (`envelope: None` for a gateway page, plain text or an empty body) and
/// classified by the spec's rules either way. Only the envelope's decoding and reading are
/// generic; the retry loop gets the error with the envelope boxed ([`Erased`]).
pub(crate) fn error_from_answer<E>(call: &Call, answer: &Answer, wall: std::time::SystemTime) -> Error<Erased>
where
    E: DeserializeOwned + ErrorEnvelope,
{
    if (200..300).contains(&answer.status) {
        return undocumented_success(call, answer);
    }
    // Plain serde_json: an answer that is not the envelope is not an error to explain (the
    // path-tracking second pass of `value_free` would be thrown away).
    let envelope: Option<E> = serde_json::from_slice(&answer.body).ok();
    let read = envelope.as_ref().map(|e| (e.code(), e.category(), e.request_id()));
    api_error(call, answer, wall, envelope.map(Erased::new), read)
}

fn undocumented_success(call: &Call, answer: &Answer) -> Error<Erased> {
    let status = answer.status;
    Error::Decode(Box::new(DecodeError {
        operation: call.meta.name,
        status,
        path: String::new(),
        message: format!("status {status} is not a documented success status ({:?})", call.meta.success),
        excerpt: DecodeError::excerpt_of(&answer.body),
    }))
}

/// The provider's error, from what its envelope said (code, category, request id), if it
/// was one.
fn api_error(
    call: &Call,
    answer: &Answer,
    wall: std::time::SystemTime,
    envelope: Option<Erased>,
    read: Option<(Option<String>, Option<String>, Option<String>)>,
) -> Error<Erased> {
    let rules = &call.meta.provider.rules;
    let (code, category, request_id) = read.unwrap_or_default();
    let request_id = request_id.or_else(|| {
        rules
            .request_id_headers
            .iter()
            .find_map(|h| answer.headers.get(*h).and_then(|v| v.to_str().ok()).map(str::to_owned))
    });
    Error::Api(Box::new(ApiError {
        operation: call.meta.name,
        status: answer.status,
        class: ErrorClass::of(answer.status, code.as_deref(), category.as_deref(), rules),
        envelope,
        request_id,
        retry_after: retry_after_header(&answer.headers, wall),
        excerpt: DecodeError::excerpt_of(&answer.body),
    }))
}

/// Decodes a success body into `T`; a failure carries the path and kinds, never a value.
pub(crate) fn decode<T: DeserializeOwned>(operation: &'static str, answer: &Answer) -> Result<T, Box<DecodeError>> {
    crate::value_free::from_slice(&answer.body).map_err(|failure| decode_error(operation, answer, failure))
}

fn decode_error(operation: &'static str, answer: &Answer, failure: crate::value_free::Failure) -> Box<DecodeError> {
    Box::new(DecodeError {
        operation,
        status: answer.status,
        path: failure.path,
        message: failure.message,
        excerpt: DecodeError::excerpt_of(&answer.body),
    })
}
