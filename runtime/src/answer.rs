//! Reading answers: the body under a size limit, `Retry-After`, and the typed value or error
//! a status and body stand for.

use crate::call::Call;
use crate::error::{ApiError, DecodeError, Error, ErrorEnvelope};
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
    TooLarge(usize),
}

pub(crate) async fn read_limited(mut response: reqwest::Response, limit: usize) -> Result<Vec<u8>, ReadError> {
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
pub(crate) fn retry_after_header(headers: &HeaderMap, wall: std::time::SystemTime) -> Option<Duration> {
    headers.get(reqwest::header::RETRY_AFTER).and_then(|v| v.to_str().ok()).and_then(|v| parse_retry_after(v, wall))
}

/// An answer outside the success statuses: the provider's typed error, read with the spec's
/// rules, or a decode error carrying the status and an excerpt when the body is not the envelope.
pub(crate) fn error_from_answer<E>(call: &Call, answer: &Answer, wall: std::time::SystemTime) -> Error<E>
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

pub(crate) fn decode<T: DeserializeOwned>(operation: &'static str, answer: &Answer) -> Result<T, Box<DecodeError>> {
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
