//! Retries: the policy, exponential backoff with full jitter, and `Retry-After` in both forms.

use std::hash::{BuildHasher, Hasher};
use std::time::{Duration, SystemTime};

/// How a client retries failed calls. Defaults: 3 attempts in all, backoff from 250 ms doubling
/// up to 8 s with jitter, `Retry-After` honoured up to 60 s (and never below the backoff's
/// base of 250 ms), 120 s for a whole call including waits.
///
/// What is retried: connection failures before the request was sent; 408 and 429 answers and
/// the provider's rate-limit error codes (the request was refused, not processed); and, only
/// for operations that are safe to repeat (GET, PUT, DELETE, and those the spec marks
/// `idempotent`), 500, 502, 503, 504, timeouts and connections lost mid-request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts in all, the first included; 1 disables retries.
    pub max_attempts: u32,
    /// Cap of the first backoff; doubled for each further retry.
    pub initial_backoff: Duration,
    /// Largest backoff.
    pub max_backoff: Duration,
    /// Longest `Retry-After` waited for; a provider asking for longer gets its error returned
    /// (with the wait in [`crate::ApiError::retry_after`]) instead of a retry.
    pub max_retry_after: Duration,
    /// Time for a whole call, attempts and waits included; no retry starts past it, and each
    /// attempt's timeout is cut to what remains. `None`: no overall limit.
    pub deadline: Option<Duration>,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 3,
            initial_backoff: Duration::from_millis(250),
            max_backoff: Duration::from_secs(8),
            max_retry_after: Duration::from_secs(60),
            deadline: Some(Duration::from_secs(120)),
        }
    }
}

impl RetryPolicy {
    /// One attempt, no retries.
    pub fn never() -> Self {
        RetryPolicy { max_attempts: 1, ..RetryPolicy::default() }
    }

    /// Sets the number of attempts in all.
    #[must_use]
    pub fn with_max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts.max(1);
        self
    }

    /// Sets the first backoff and the largest.
    #[must_use]
    pub fn with_backoff(mut self, initial: Duration, max: Duration) -> Self {
        self.initial_backoff = initial;
        self.max_backoff = max.max(initial);
        self
    }

    /// Sets the longest `Retry-After` waited for.
    #[must_use]
    pub fn with_max_retry_after(mut self, max: Duration) -> Self {
        self.max_retry_after = max;
        self
    }

    /// Sets the time for a whole call (`None`: unlimited).
    #[must_use]
    pub fn with_deadline(mut self, deadline: Option<Duration>) -> Self {
        self.deadline = deadline;
        self
    }

    /// The wait before retry number `retry` (1 for the first retry): a uniformly random
    /// duration between `initial_backoff` and `initial_backoff * 2^retry`, capped by
    /// `max_backoff` (jitter above a floor: retries of many clients spread apart, and none
    /// comes back at once).
    pub fn backoff(&self, retry: u32) -> Duration {
        let exp = retry.min(30);
        let cap = self.initial_backoff.saturating_mul(1u32 << exp).min(self.max_backoff);
        let floor = self.min_wait();
        let cap = cap.max(floor);
        let spread = u64::try_from((cap - floor).as_nanos()).unwrap_or(u64::MAX);
        floor.saturating_add(Duration::from_nanos(random_u64() % spread.saturating_add(1)))
    }

    /// The shortest wait before any retry, whatever a provider's `Retry-After` says (`0`
    /// included): the backoff's base, and never less than [`RetryPolicy::FLOOR`] (a base of
    /// zero must not become a tight loop either).
    pub fn min_wait(&self) -> Duration {
        self.initial_backoff.max(Self::FLOOR)
    }

    /// The least any retry waits.
    pub const FLOOR: Duration = Duration::from_millis(10);
}

/// A random number from the standard library's per-process hash keys; jitter needs no more.
fn random_u64() -> u64 {
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u64(std::time::SystemTime::now().duration_since(SystemTime::UNIX_EPOCH).map_or(0, |d| d.as_nanos() as u64));
    hasher.finish()
}

/// Reads `Retry-After`: delay-seconds, or an HTTP date (IMF-fixdate, e.g.
/// `Wed, 21 Oct 2015 07:28:00 GMT`) taken relative to `now`; a date in the past means no wait.
pub fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let when = jiff::fmt::rfc2822::parse(value).ok()?.timestamp();
    let when = SystemTime::from(when);
    Some(when.duration_since(now).unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_in_both_forms() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_445_412_480); // 2015-10-21T07:28:00Z
        assert_eq!(parse_retry_after("7", now), Some(Duration::from_secs(7)));
        assert_eq!(parse_retry_after(" 0 ", now), Some(Duration::ZERO));
        assert_eq!(parse_retry_after("Wed, 21 Oct 2015 07:28:30 GMT", now), Some(Duration::from_secs(30)));
        assert_eq!(parse_retry_after("Wed, 21 Oct 2015 07:27:00 GMT", now), Some(Duration::ZERO));
        assert_eq!(parse_retry_after("soon", now), None);
        assert_eq!(parse_retry_after("-3", now), None);
    }

    #[test]
    fn backoff_grows_within_its_caps() {
        let p = RetryPolicy::default().with_backoff(Duration::from_millis(100), Duration::from_millis(700));
        let ms = Duration::from_millis;
        for _ in 0..200 {
            assert!((ms(100)..=ms(200)).contains(&p.backoff(1)));
            assert!((ms(100)..=ms(400)).contains(&p.backoff(2)));
            assert!((ms(100)..=ms(700)).contains(&p.backoff(3)));
            assert!((ms(100)..=ms(700)).contains(&p.backoff(40)));
        }
        let zero = RetryPolicy::default().with_backoff(Duration::ZERO, Duration::ZERO);
        assert_eq!((zero.backoff(3), zero.min_wait()), (RetryPolicy::FLOOR, RetryPolicy::FLOOR), "a zero base still waits");
        let huge = RetryPolicy::default().with_backoff(Duration::MAX, Duration::MAX);
        assert!(huge.backoff(40) >= Duration::MAX / 2, "no overflow near the largest durations");
        let waits: std::collections::BTreeSet<Duration> = (0..50).map(|_| p.backoff(4)).collect();
        assert!(waits.len() > 10, "jitter must spread the waits: {waits:?}");
    }
}
