//! What a mock reports: requests that matched no exchange, each with the closest one and
//! every difference, and exchanges never requested.

use std::fmt;
use std::path::PathBuf;

/// A request that matched no exchange. Its `Display` is one line naming the request, then the
/// closest exchange (case, file) and one indented line per mismatch.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// # let text = "version: 1\noperation: read_member\nexchanges:\n  - request: {method: GET, path: /users/u1}\n    response: {status: 200}\n";
/// let mock = linkspec_mock::ProviderMock::of("mx").cassette("read_member", text).start().await?;
/// let answer = linkspec_runtime::reqwest::get(format!("{}/users/u2", mock.uri())).await?;
/// assert_eq!(answer.status().as_u16(), 599);
/// let unmatched = &mock.unmatched()[0];
/// let closest = unmatched.closest.as_ref().unwrap();
/// assert_eq!(closest.mismatches, ["path: expected /users/u1, got /users/u2"]);
/// assert!(unmatched.to_string().starts_with("request 1 (GET /users/u2) matched no exchange; closest: exchange 1 (GET /users/u1) of mx/read_member"));
/// assert!(mock.check().is_err());
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unmatched {
    /// Its number among the requests the mock received (1 for the first).
    pub request: usize,
    /// Its method.
    pub method: String,
    /// Its path (percent-encoded, without the query).
    pub path: String,
    /// The expected exchange it comes closest to; `None` only for a mock without exchanges,
    /// which cannot start.
    pub closest: Option<Closest>,
}

/// The expected exchange an unmatched request comes closest to: the same path first, then the
/// same method, then the fewest mismatches, then a case's next exchange before its later ones.
///
/// ```
/// let closest = linkspec_mock::Closest {
///     case: "mx/read_member".into(),
///     file: "tests/cassettes/mx/read_member.yaml".into(),
///     exchange: 1,
///     method: "GET".into(),
///     path: "/users/u1".into(),
///     position: linkspec_mock::Position::Next,
///     mismatches: vec!["path: expected /users/u1, got /users/u2".into()],
/// };
/// assert!(closest.to_string().starts_with("exchange 1 (GET /users/u1) of mx/read_member (tests/cassettes/mx/read_member.yaml)"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Closest {
    /// The case, `provider/name`.
    pub case: String,
    /// Its cassette file (for a cassette given as text, `<provider>/<name>.yaml`).
    pub file: PathBuf,
    /// The exchange's number in the case (1 for the first).
    pub exchange: usize,
    /// The method it expects.
    pub method: String,
    /// The path it expects.
    pub path: String,
    /// Where the exchange stands in its case.
    pub position: Position,
    /// Every way the request differs from it, as the conformance harness words them
    /// (`body at /user/id: expected "u1", got "u2"`); empty when only the order was wrong.
    pub mismatches: Vec<String>,
}

/// Where the closest exchange stands in its case.
///
/// ```
/// let later = linkspec_mock::Position::Later { next: 1, method: "POST".into(), path: "/token".into() };
/// assert_ne!(later, linkspec_mock::Position::Next);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Position {
    /// The case's next exchange: the request was meant for it.
    Next,
    /// A later exchange of the case: this one (by number, method and path) comes first.
    Later {
        /// The number of the case's next exchange.
        next: usize,
        /// Its method.
        method: String,
        /// Its path.
        path: String,
    },
    /// Already answered (every exchange of the mock was): each exchange answers once.
    Answered,
}

/// An exchange no request has matched yet.
///
/// ```
/// let left = linkspec_mock::Unanswered {
///     case: "pingone/read_linked_account".into(),
///     file: "pingone/read_linked_account.yaml".into(),
///     exchange: 1,
///     method: "GET".into(),
///     path: "/environments/env-1/users/user-2/linkedAccounts/la-1".into(),
/// };
/// assert!(left.to_string().ends_with("was never requested"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unanswered {
    /// The case, `provider/name`.
    pub case: String,
    /// Its cassette file.
    pub file: PathBuf,
    /// The exchange's number in the case (1 for the first).
    pub exchange: usize,
    /// The method it expects.
    pub method: String,
    /// The path it expects.
    pub path: String,
}

/// What [`ProviderMock::check`](crate::ProviderMock::check) found wrong; its `Display` is the
/// text `verify` panics with.
///
/// ```
/// let report = linkspec_mock::Report { provider: "mx".into(), unmatched: Vec::new(), unanswered: Vec::new() };
/// assert_eq!(report.to_string(), "linkspec-mock (mx): 0 requests matched no exchange\n");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    /// The provider mocked.
    pub provider: String,
    /// Requests that matched no exchange, in order.
    pub unmatched: Vec<Unmatched>,
    /// Exchanges never requested (listed only with `expect_every_exchange`).
    pub unanswered: Vec<Unanswered>,
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

impl fmt::Display for Closest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "exchange {} ({} {}) of {} ({})", self.exchange, self.method, self.path, self.case, self.file.display())?;
        match &self.position {
            Position::Next => {}
            Position::Later { next, method, path } if self.mismatches.is_empty() => write!(
                f,
                ", which it matches, but exchange {next} ({method} {path}) has not been requested yet: a case's exchanges are answered in order"
            )?,
            Position::Later { next, method, path } => write!(f, ", after exchange {next} ({method} {path}), not requested yet")?,
            Position::Answered if self.mismatches.is_empty() => {
                write!(f, ", which it matches, but that exchange was answered already: each exchange answers once")?
            }
            Position::Answered => write!(f, ", answered already")?,
        }
        for m in &self.mismatches {
            write!(f, "\n    - {m}")?;
        }
        Ok(())
    }
}

impl fmt::Display for Unmatched {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "request {} ({} {}) matched no exchange", self.request, self.method, self.path)?;
        match &self.closest {
            Some(closest) => write!(f, "; closest: {closest}"),
            None => Ok(()),
        }
    }
}

impl fmt::Display for Unanswered {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "exchange {} ({} {}) of {} ({}) was never requested", self.exchange, self.method, self.path, self.case, self.file.display())
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "linkspec-mock ({}): {}", self.provider, plural(self.unmatched.len(), "request matched no exchange", "requests matched no exchange"))?;
        if !self.unanswered.is_empty() {
            write!(f, ", {}", plural(self.unanswered.len(), "exchange was never requested", "exchanges were never requested"))?;
        }
        writeln!(f)?;
        for u in &self.unmatched {
            writeln!(f, "  {}", u.to_string().replace('\n', "\n  "))?;
        }
        for u in &self.unanswered {
            writeln!(f, "  {u}")?;
        }
        Ok(())
    }
}
