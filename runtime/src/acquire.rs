//! Credential acquisition: running the spec's steps (token, then session) and reading each
//! step's answer, without ever putting a body in an error.

use crate::auth::Acquired;
use crate::call::Call;
use crate::error::{AuthError, Error, ErrorEnvelope};
use crate::meta::{Lifetime, Place, Source};
use crate::transport::Transport;
use base64::Engine as _;
use secrecy::{ExposeSecret, SecretString};
use std::time::Duration;

impl Transport {
    /// Runs the spec's acquisition steps in order; each may use the previous step's token.
    /// Failures say which step, its status and the provider's code and message, never a body:
    /// a token endpoint's answer holds credentials.
    pub(crate) async fn acquire(&self) -> Result<Acquired, AuthError> {
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
                call.body = Some(serde_json::value::to_raw_value(&body).map_err(|e| e.to_string()));
            }
            let answer = self.run::<StepError>(&call).await.map_err(|e| fail(e.status(), step_failure(step.operation, &e)))?;
            last_answer = serde_json::from_slice(&answer.body)
                .map_err(|e| fail(Some(answer.status), format!("the answer is not JSON (line {}, column {})", e.line(), e.column())))?;
            let token = match last_answer.pointer(step.token) {
                Some(serde_json::Value::String(token)) if !token.trim().is_empty() => token,
                Some(serde_json::Value::String(_)) => {
                    return Err(fail(Some(answer.status), format!("the answer's token at `{}` is empty", step.token)));
                }
                None | Some(serde_json::Value::Null) => {
                    return Err(fail(Some(answer.status), format!("the answer has no token at `{}`", step.token)));
                }
                Some(_) => return Err(fail(Some(answer.status), format!("the answer's token at `{}` is not a string", step.token))),
            };
            previous = Some(SecretString::from(token.to_owned()));
        }
        let Some(value) = previous else { return Err(no_steps()) };
        let last_step = meta.steps.last().map_or("", |s| s.operation.name);
        let (lifetime, sliding) = match meta.lifetime {
            Lifetime::FromAnswer { pointer, default_seconds } => {
                let seconds = lifetime_at(&last_answer, pointer, default_seconds)
                    .map_err(|message| AuthError { operation: "", step: last_step, status: None, message })?;
                (seconds, None)
            }
            Lifetime::Fixed { seconds, sliding } => (seconds, sliding.then(|| Duration::from_secs(seconds.min(MAX_LIFETIME_SECONDS)))),
        };
        let margin = renewal_margin(Duration::from_secs(meta.margin_seconds), lifetime);
        Ok(Acquired { value, expires_at: later(inner.clock.now(), lifetime), margin, sliding })
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

}

/// The longest credential lifetime believed: a provider's `expires_in` of years (or `u64::MAX`)
/// is read as this.
const MAX_LIFETIME_SECONDS: u64 = 366 * 24 * 3600;

/// `now` plus `seconds`, capped at [`MAX_LIFETIME_SECONDS`]; never overflows.
pub(crate) fn later(now: std::time::Instant, seconds: u64) -> std::time::Instant {
    let capped = Duration::from_secs(seconds.min(MAX_LIFETIME_SECONDS));
    now.checked_add(capped).unwrap_or(now)
}

/// The lifetime an answer gives at `pointer`, in seconds: absent or null means `default`; a
/// whole non-negative number (or its text, as some providers send it) is taken; a fraction is
/// rounded down. Anything else (negative, not a number) is an error naming the field.
fn lifetime_at(answer: &serde_json::Value, pointer: &str, default: u64) -> Result<u64, String> {
    let bad = |what: &str| format!("the answer's lifetime at `{pointer}` is {what}");
    match answer.pointer(pointer) {
        None | Some(serde_json::Value::Null) => Ok(default),
        Some(serde_json::Value::Number(n)) => match (n.as_u64(), n.as_f64()) {
            (Some(seconds), _) => Ok(seconds),
            (None, Some(f)) if f >= 0.0 => Ok(f as u64),
            _ => Err(bad("negative")),
        },
        Some(serde_json::Value::String(text)) => match text.trim().parse::<u64>() {
            Ok(seconds) => Ok(seconds),
            Err(_) if text.trim().starts_with('-') => Err(bad("negative")),
            Err(_) => Err(bad("not a number of seconds")),
        },
        Some(_) => Err(bad("not a number of seconds")),
    }
}

/// How long before expiry a credential is renewed: the spec's margin, but at most half the
/// lifetime, so a credential living less than twice the margin still serves calls for the
/// first half of its life instead of being renewed on every call.
pub(crate) fn renewal_margin(margin: Duration, lifetime_seconds: u64) -> Duration {
    margin.min(Duration::from_secs(lifetime_seconds.min(MAX_LIFETIME_SECONDS)) / 2)
}

/// An acquisition step's error answer, read as plain JSON: steps may answer in another envelope
/// than the data calls (OAuth2's `{error, error_description}`).
#[derive(Debug, serde::Deserialize)]
pub(crate) struct StepError(serde_json::Value);

impl ErrorEnvelope for StepError {
    type Code = String;
    type Category = String;
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
            let field = |pointers: &[&str]| {
                let envelope = &api.envelope.as_ref()?.0;
                pointers.iter().find_map(|p| envelope.pointer(p).filter(|v| !v.is_null())).map(|v| match v {
                    serde_json::Value::String(s) => s.clone(),
                    other => other.to_string(),
                })
            };
            match (field(meta.envelope.code), field(meta.envelope.message)) {
                (Some(code), Some(message)) => format!("{code}: {message}"),
                (Some(code), None) => code,
                (None, Some(message)) => message,
                (None, None) if api.envelope.is_none() => "an error answer not in JSON".into(),
                (None, None) => "an error answer without the envelope's code".into(),
            }
        }
        Error::Decode(d) if d.path.is_empty() => format!("the {} answer did not decode", d.status),
        Error::Decode(d) => format!("the {} answer did not decode at `{}`", d.status, d.path),
        other => other.to_string(),
    }
}
