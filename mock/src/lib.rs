//! linkspec's recorded cassettes as a mock provider for your application's tests.
//!
//! A [`ProviderMock`] is an HTTP server on 127.0.0.1 that answers the requests of a generated
//! client with the responses recorded in cassettes (the format of linkspec's conformance suite,
//! described in `conformance/README.md`). Requests are matched exactly as the conformance
//! harness matches them (the same code, [`compare::request_mismatches`]): method, path, query
//! pairs in any order, the headers a cassette lists, headers it says must be absent, and the
//! body (as JSON, as form pairs, or byte for byte).
//!
//! Cassettes are given as text (embed them with `include_str!`) or read from a directory you
//! name; nothing is looked up relative to this crate.
//!
//! ```
//! use linkspec_clients::moneykit;
//! use linkspec_mock::ProviderMock;
//!
//! // In a real test: include_str!("cassettes/moneykit/get_link.yaml").
//! const GET_LINK: &str = r#"
//! version: 1
//! operation: get_link
//! settings: { token: placeholder-token }
//! exchanges:
//!   - request:
//!       method: GET
//!       path: /links/mk_1
//!       headers: { authorization: Bearer placeholder-token }
//!     response:
//!       status: 200
//!       headers: { content-type: application/json }
//!       body: '{"link_id": "mk_1", "institution_id": "chase", "institution_name": "Chase", "state": "connected", "provider": "mx", "products": {}}'
//! "#;
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let mock = ProviderMock::of("moneykit").cassette("get_link", GET_LINK).start().await?;
//! // Base URL, every other host and the cassette's placeholder token are set already.
//! let client = mock.builder::<moneykit::ClientBuilder>()?.build()?;
//! let link = client.get_link(moneykit::GetLinkRequest::new("mk_1")).await?;
//! assert_eq!(link.institution_name, "Chase");
//! mock.verify(); // panics with a report if a request matched no exchange
//! # Ok(())
//! # }
//! ```
//!
//! # Several cases
//!
//! Each case answers its exchanges in order, each exactly once. A request is answered by the
//! first case, in the order the cases were given (a directory's in name order), whose next
//! unanswered exchange matches it; so two cases that begin with the same request answer it
//! once each, the first case first. A case that has answered all its exchanges answers no more.
//!
//! # Requests that match nothing
//!
//! A request that matches no case's next exchange is answered with status 599 (as the
//! harness does) and a text body naming the closest expected exchange and every difference,
//! and it is recorded. [`ProviderMock::verify`] (and dropping the mock, unless the thread is
//! already panicking) panics with a [`Report`] of every such request: the case, its file, the
//! closest exchange and each mismatch. [`ProviderMock::check`] returns the report instead.
//! Exchanges never requested are listed by [`ProviderMock::unanswered`], and fail the check
//! too when the mock was built with [`MockBuilder::expect_every_exchange`].

pub mod cassette;
pub mod compare;
mod report;
mod server;

pub use report::{Closest, Position, Report, Unanswered, Unmatched};

use cassette::Case;
use linkspec_runtime::{ClientSettings, ManualClock, ProviderBuilder};
use server::{CaseState, Responder, State};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};

/// Why a mock could not start or a client could not be configured: every problem found, each
/// with its file (and line and column where known).
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let err = linkspec_mock::ProviderMock::of("moneykit").cassette("bad", "version: 1\noperation: get_link\nexchanges: []\n").start().await.unwrap_err();
/// assert_eq!(err.problems(), ["moneykit/bad.yaml: a case needs at least one exchange"]);
/// # }
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    problems: Vec<String>,
}

impl Error {
    fn new(problem: impl Into<String>) -> Error {
        Error { problems: vec![problem.into()] }
    }

    /// Every problem, one line each.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let err = linkspec_mock::ProviderMock::of("mx").start().await.unwrap_err();
    /// assert_eq!(err.problems().len(), 1);
    /// # }
    /// ```
    pub fn problems(&self) -> &[String] {
        &self.problems
    }
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.problems.join("\n"))
    }
}

impl std::error::Error for Error {}

/// Where cases come from, read when the mock starts.
#[derive(Debug, Clone)]
enum Source {
    Text { name: String, text: String },
    Dir { dir: PathBuf, names: Option<Vec<String>> },
}

/// Says which cassettes a [`ProviderMock`] serves; made by [`ProviderMock::of`].
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), linkspec_mock::Error> {
/// # let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../conformance/cassettes/pingone");
/// let mock = linkspec_mock::ProviderMock::of("pingone")
///     .cases_from(&dir, ["read_linked_account", "delete_linked_account"])
///     .expect_every_exchange()
///     .start()
///     .await?;
/// assert_eq!(mock.cases(), ["pingone/read_linked_account", "pingone/delete_linked_account"]);
/// # mock.check().unwrap_err();
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone)]
#[must_use = "a builder does nothing until `start` is awaited"]
pub struct MockBuilder {
    provider: String,
    sources: Vec<Source>,
    expect_every_exchange: bool,
}

impl MockBuilder {
    /// Adds one case given as text: `name` is the case name (a cassette file's stem), used in
    /// reports with the provider as `<provider>/<name>.yaml`. Problems in the text are reported
    /// by [`start`](Self::start), with line and column.
    ///
    /// ```
    /// let builder = linkspec_mock::ProviderMock::of("pingone")
    ///     .cassette("read_linked_account", "version: 1\noperation: read_linked_account\nexchanges:\n  - request: {method: GET, path: /x}\n    response: {status: 200}\n");
    /// # drop(builder);
    /// ```
    pub fn cassette(mut self, name: impl Into<String>, yaml: impl Into<String>) -> Self {
        self.sources.push(Source::Text { name: name.into(), text: yaml.into() });
        self
    }

    /// Adds every case of a provider's directory (its `*.yaml` files, in name order), such as
    /// a checkout's `conformance/cassettes/<provider>`. Every file must read.
    ///
    /// ```
    /// # let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../conformance/cassettes/moneykit");
    /// let builder = linkspec_mock::ProviderMock::of("moneykit").dir(dir);
    /// # drop(builder);
    /// ```
    pub fn dir(mut self, dir: impl AsRef<Path>) -> Self {
        self.sources.push(Source::Dir { dir: dir.as_ref().to_path_buf(), names: None });
        self
    }

    /// Adds the named cases of a provider's directory (`<dir>/<name>.yaml`), in the order given.
    /// A name with no file is reported by [`start`](Self::start) with the closest one.
    ///
    /// ```
    /// # let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../conformance/cassettes/mx");
    /// let builder = linkspec_mock::ProviderMock::of("mx").cases_from(dir, ["read_member", "list_members"]);
    /// # drop(builder);
    /// ```
    pub fn cases_from<I, S>(mut self, dir: impl AsRef<Path>, names: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        let names = names.into_iter().map(Into::into).collect();
        self.sources.push(Source::Dir { dir: dir.as_ref().to_path_buf(), names: Some(names) });
        self
    }

    /// Makes an exchange never requested a failure of [`ProviderMock::check`] and
    /// [`ProviderMock::verify`] (and of the check on drop), like a wiremock expectation: use it
    /// when the test must cause every recorded exchange. Off by default, so a mock can hold
    /// more cases than one test uses.
    ///
    /// ```
    /// let builder = linkspec_mock::ProviderMock::of("mx").expect_every_exchange();
    /// # drop(builder);
    /// ```
    pub fn expect_every_exchange(mut self) -> Self {
        self.expect_every_exchange = true;
        self
    }

    /// Reads every case and starts the server on 127.0.0.1. Fails with every problem found:
    /// a cassette that does not read (file, line, column), settings that do not decode, a
    /// named case that does not exist, the same case given twice, no case at all.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let err = linkspec_mock::ProviderMock::of("mx").cassette("x", "version: 1\noperation: read_member\nexchange: []\n").start().await.unwrap_err();
    /// assert!(err.to_string().starts_with("mx/x.yaml:3:1: unknown field `exchange`"), "{err}");
    /// # }
    /// ```
    pub async fn start(self) -> Result<ProviderMock, Error> {
        let (cases, problems) = self.load();
        let mut problems = problems;
        let mut settings = Vec::new();
        for case in &cases {
            match case.settings() {
                Ok(s) => settings.push(s),
                Err(e) => problems.push(format!("{}: {e}", case.path.display())),
            }
        }
        if cases.is_empty() && problems.is_empty() {
            problems.push(format!("no cassettes for {}: add some with `cassette`, `dir` or `cases_from`", self.provider));
        }
        if !problems.is_empty() {
            return Err(Error { problems });
        }
        let state = Arc::new(Mutex::new(State {
            cases: cases.into_iter().map(|case| CaseState { case, next: 0 }).collect(),
            unmatched: Vec::new(),
            received: 0,
        }));
        let server = wiremock::MockServer::start().await;
        wiremock::Mock::given(wiremock::matchers::any())
            .respond_with(Responder { state: state.clone() })
            .mount(&server)
            .await;
        Ok(ProviderMock {
            server,
            state,
            provider: self.provider,
            settings,
            clock: ManualClock::new(std::time::SystemTime::now()),
            expect_every_exchange: self.expect_every_exchange,
            checked: Mutex::new(None),
        })
    }

    /// The cases in serving order, and every problem found reading them.
    fn load(&self) -> (Vec<Case>, Vec<String>) {
        let mut cases: Vec<Case> = Vec::new();
        let mut problems = Vec::new();
        for source in &self.sources {
            match source {
                Source::Text { name, text } => {
                    let path = PathBuf::from(format!("{}/{name}.yaml", self.provider));
                    match cassette::parse(&self.provider, &path, text) {
                        Ok(case) => cases.push(case),
                        Err(e) => problems.push(e),
                    }
                }
                Source::Dir { dir, names } => {
                    let loaded = cassette::load_provider(&self.provider, dir);
                    match names {
                        None => {
                            problems.extend(loaded.broken.into_iter().map(|b| b.message));
                            if loaded.cases.is_empty() && problems.is_empty() {
                                problems.push(format!("{}: no cassettes (`*.yaml` files) here", dir.display()));
                            }
                            cases.extend(loaded.cases);
                        }
                        Some(names) => {
                            for name in names {
                                if let Some(b) = loaded.broken.iter().find(|b| &b.name == name) {
                                    problems.push(b.message.clone());
                                } else if let Some(case) = loaded.cases.iter().find(|c| &c.name == name) {
                                    cases.push(case.clone());
                                } else {
                                    let known: Vec<&str> = loaded.cases.iter().map(|c| c.name.as_str()).collect();
                                    let hint = cassette::did_you_mean(name, &known);
                                    problems.push(format!("{}: no case `{name}` ({name}.yaml){hint}", dir.display()));
                                }
                            }
                        }
                    }
                }
            }
        }
        let mut seen: Vec<&str> = Vec::new();
        for case in &cases {
            if seen.contains(&case.name.as_str()) {
                problems.push(format!("{}: the case `{}` is given twice", case.path.display(), case.name));
            }
            seen.push(&case.name);
        }
        (cases, problems)
    }
}

/// A mock of one provider on 127.0.0.1, answering from cassettes. Start one with
/// [`ProviderMock::of`]; see the [crate docs](crate) for how requests are matched and
/// reported.
///
/// Dropping it checks it as [`verify`](Self::verify) does (unless the thread is already
/// panicking, or [`check`](Self::check) or `verify` has seen every problem already).
#[derive(Debug)]
pub struct ProviderMock {
    server: wiremock::MockServer,
    state: Arc<Mutex<State>>,
    provider: String,
    /// Each case's settings, in serving order.
    settings: Vec<ClientSettings>,
    clock: ManualClock,
    expect_every_exchange: bool,
    /// The number of unmatched requests the last check reported, if any check ran.
    checked: Mutex<Option<usize>>,
}

impl ProviderMock {
    /// A builder for a mock of `provider` (a module of `linkspec-clients`, such as `plaid`).
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), linkspec_mock::Error> {
    /// # let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../conformance/cassettes/pingone");
    /// let mock = linkspec_mock::ProviderMock::of("pingone").dir(dir).start().await?;
    /// assert!(mock.cases().len() > 10);
    /// # Ok(())
    /// # }
    /// ```
    pub fn of(provider: impl Into<String>) -> MockBuilder {
        MockBuilder { provider: provider.into(), sources: Vec::new(), expect_every_exchange: false }
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The provider it mocks.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), linkspec_mock::Error> {
    /// # let text = "version: 1\noperation: read_member\nexchanges:\n  - request: {method: GET, path: /x}\n    response: {status: 200}\n";
    /// let mock = linkspec_mock::ProviderMock::of("mx").cassette("read_member", text).start().await?;
    /// assert_eq!(mock.provider(), "mx");
    /// # Ok(())
    /// # }
    /// ```
    pub fn provider(&self) -> &str {
        &self.provider
    }

    /// The server's base URL, `http://127.0.0.1:<port>`.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), linkspec_mock::Error> {
    /// # let text = "version: 1\noperation: read_member\nexchanges:\n  - request: {method: GET, path: /x}\n    response: {status: 200}\n";
    /// let mock = linkspec_mock::ProviderMock::of("mx").cassette("read_member", text).start().await?;
    /// assert!(mock.uri().starts_with("http://127.0.0.1:"));
    /// # Ok(())
    /// # }
    /// ```
    pub fn uri(&self) -> String {
        self.server.uri()
    }

    /// The cases served, as `provider/name`, in serving order.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), linkspec_mock::Error> {
    /// # let text = "version: 1\noperation: read_member\nexchanges:\n  - request: {method: GET, path: /x}\n    response: {status: 200}\n";
    /// let mock = linkspec_mock::ProviderMock::of("mx").cassette("read_member", text).start().await?;
    /// assert_eq!(mock.cases(), ["mx/read_member"]);
    /// # Ok(())
    /// # }
    /// ```
    pub fn cases(&self) -> Vec<String> {
        self.lock().cases.iter().map(|c| c.case.id()).collect()
    }

    /// The clock the settings carry: a [`ManualClock`], so waits the client asks for
    /// (`Retry-After`, backoff) pass at once, as in the conformance harness. Read its
    /// `sleeps()`, or `advance()` it to let a token expire.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), linkspec_mock::Error> {
    /// # let text = "version: 1\noperation: read_member\nexchanges:\n  - request: {method: GET, path: /x}\n    response: {status: 200}\n";
    /// let mock = linkspec_mock::ProviderMock::of("mx").cassette("read_member", text).start().await?;
    /// assert!(mock.clock().sleeps().is_empty());
    /// # Ok(())
    /// # }
    /// ```
    pub fn clock(&self) -> &ManualClock {
        &self.clock
    }

    /// Client settings pointing at the mock: the first case's `settings` (its placeholder
    /// credentials and headers), with the base URL the server's, every host the cassette names
    /// there too (the provider's other hosts follow the base URL unless set), and the mock's
    /// [`clock`](Self::clock). Hand them to a generated builder's `settings`, or use
    /// [`builder`](Self::builder), which also sets every host of the provider.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let text = "version: 1\noperation: read_member\nsettings: {token: placeholder-token}\nexchanges:\n  - request: {method: GET, path: /x}\n    response: {status: 200}\n";
    /// let mock = linkspec_mock::ProviderMock::of("mx").cassette("read_member", text).start().await?;
    /// let settings = mock.settings();
    /// assert_eq!(settings.base_url, Some(mock.uri()));
    /// let client = linkspec_clients::mx::Client::builder().settings(&settings)?.build()?;
    /// # drop(client);
    /// # Ok(())
    /// # }
    /// ```
    pub fn settings(&self) -> ClientSettings {
        self.pointed(&self.settings[0])
    }

    /// Like [`settings`](Self::settings), with the credentials and headers of the case `name`
    /// (a case name, or `provider/name`); `None` when the mock has no such case.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), linkspec_mock::Error> {
    /// # let text = "version: 1\noperation: read_member\nsettings: {token: t}\nexchanges:\n  - request: {method: GET, path: /x}\n    response: {status: 200}\n";
    /// let mock = linkspec_mock::ProviderMock::of("mx").cassette("read_member", text).start().await?;
    /// assert!(mock.case_settings("read_member").is_some());
    /// assert!(mock.case_settings("mx/read_member").is_some());
    /// assert!(mock.case_settings("nothing").is_none());
    /// # Ok(())
    /// # }
    /// ```
    pub fn case_settings(&self, name: &str) -> Option<ClientSettings> {
        let index = self.case_index(name)?;
        Some(self.pointed(&self.settings[index]))
    }

    fn case_index(&self, name: &str) -> Option<usize> {
        self.lock().cases.iter().position(|c| c.case.name == name || c.case.id() == name)
    }

    fn pointed(&self, recorded: &ClientSettings) -> ClientSettings {
        let mut settings = recorded.clone();
        let uri = self.uri();
        for url in settings.hosts.values_mut() {
            url.clone_from(&uri);
        }
        settings.base_url = Some(uri);
        settings.clock = Some(Arc::new(self.clock.clone()));
        settings
    }

    /// A generated client builder (`B`, such as `linkspec_clients::plaid::ClientBuilder`)
    /// configured with [`settings`](Self::settings) and every host of its provider pointing at
    /// the mock. Fails when `B` is another provider's builder, or when the cassette's settings
    /// name something the provider's spec does not declare.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// use linkspec_clients::{moneykit, pingone};
    /// # let text = "version: 1\noperation: read_linked_account\nsettings: {token: placeholder, inputs: {environment_id: env-1}}\nexchanges:\n  - request: {method: GET, path: /x}\n    response: {status: 200}\n";
    /// let mock = linkspec_mock::ProviderMock::of("pingone").cassette("read_linked_account", text).start().await?;
    /// let client: pingone::Client = mock.builder::<pingone::ClientBuilder>()?.build()?;
    /// assert!(mock.builder::<moneykit::ClientBuilder>().is_err());
    /// # drop(client);
    /// # Ok(())
    /// # }
    /// ```
    pub fn builder<B: ProviderBuilder>(&self) -> Result<B, Error> {
        self.builder_with::<B>(0)
    }

    /// Like [`builder`](Self::builder), with the settings of the case `name` (a case name, or
    /// `provider/name`).
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// use linkspec_clients::pingone;
    /// # let text = "version: 1\noperation: read_linked_account\nsettings: {token: placeholder, inputs: {environment_id: env-1}}\nexchanges:\n  - request: {method: GET, path: /x}\n    response: {status: 200}\n";
    /// let mock = linkspec_mock::ProviderMock::of("pingone").cassette("read_linked_account", text).start().await?;
    /// let client = mock.case_builder::<pingone::ClientBuilder>("read_linked_account")?.build()?;
    /// assert!(mock.case_builder::<pingone::ClientBuilder>("nothing").is_err());
    /// # drop(client);
    /// # Ok(())
    /// # }
    /// ```
    pub fn case_builder<B: ProviderBuilder>(&self, name: &str) -> Result<B, Error> {
        let Some(index) = self.case_index(name) else {
            let ids = self.cases();
            return Err(Error::new(format!("the {} mock has no case `{name}` (cases: {})", self.provider, ids.join(", "))));
        };
        self.builder_with::<B>(index)
    }

    fn builder_with<B: ProviderBuilder>(&self, index: usize) -> Result<B, Error> {
        let meta = B::provider();
        if meta.name != self.provider {
            return Err(Error::new(format!(
                "the mock serves {} cassettes, and the builder is {}'s: use `{}::ClientBuilder`",
                self.provider, meta.name, self.provider
            )));
        }
        let mut settings = self.pointed(&self.settings[index]);
        let uri = self.uri();
        for host in meta.hosts {
            settings.hosts.insert(host.name.to_owned(), uri.clone());
        }
        let file = self.lock().cases[index].case.path.clone();
        B::default().settings(&settings).map_err(|e| Error::new(format!("{}: settings: {e}", file.display())))
    }

    /// Every request so far that matched no exchange, in order, each with the closest
    /// expected exchange and what differed.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let text = "version: 1\noperation: read_member\nsettings: {token: t}\nexchanges:\n  - request: {method: GET, path: /x}\n    response: {status: 200}\n";
    /// let mock = linkspec_mock::ProviderMock::of("mx").cassette("read_member", text).start().await?;
    /// assert!(mock.unmatched().is_empty());
    /// # Ok(())
    /// # }
    /// ```
    pub fn unmatched(&self) -> Vec<Unmatched> {
        self.lock().unmatched.clone()
    }

    /// Every exchange not requested yet, case by case in serving order.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let text = "version: 1\noperation: read_member\nexchanges:\n  - request: {method: GET, path: /x}\n    response: {status: 200}\n";
    /// let mock = linkspec_mock::ProviderMock::of("mx").cassette("read_member", text).start().await?;
    /// let left = mock.unanswered();
    /// assert_eq!((left[0].case.as_str(), left[0].exchange, left[0].path.as_str()), ("mx/read_member", 1, "/x"));
    /// # Ok(())
    /// # }
    /// ```
    pub fn unanswered(&self) -> Vec<Unanswered> {
        self.lock().unanswered()
    }

    /// `Ok` when every request matched an exchange (and, with
    /// [`MockBuilder::expect_every_exchange`], every exchange was requested); else the report.
    /// After a check, dropping the mock checks again only if new requests went unmatched.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let text = "version: 1\noperation: read_member\nexchanges:\n  - request: {method: GET, path: /x}\n    response: {status: 200}\n";
    /// let mock = linkspec_mock::ProviderMock::of("mx").cassette("read_member", text).expect_every_exchange().start().await?;
    /// let report = mock.check().unwrap_err();
    /// assert_eq!(report.unanswered.len(), 1);
    /// assert!(report.to_string().contains("exchange 1 (GET /x) of mx/read_member (mx/read_member.yaml) was never requested"));
    /// # Ok(())
    /// # }
    /// ```
    pub fn check(&self) -> Result<(), Report> {
        let report = {
            let state = self.lock();
            Report {
                provider: self.provider.clone(),
                unmatched: state.unmatched.clone(),
                unanswered: if self.expect_every_exchange { state.unanswered() } else { Vec::new() },
            }
        };
        *self.checked.lock().unwrap_or_else(|e| e.into_inner()) = Some(report.unmatched.len());
        if report.unmatched.is_empty() && report.unanswered.is_empty() { Ok(()) } else { Err(report) }
    }

    /// Panics with the [`Report`] when [`check`](Self::check) fails: call it at the end of a
    /// test for a failure that names the request, the closest exchange and each mismatch.
    ///
    /// ```should_panic
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let text = "version: 1\noperation: read_member\nexchanges:\n  - request: {method: GET, path: /x}\n    response: {status: 200}\n";
    /// let mock = linkspec_mock::ProviderMock::of("mx").cassette("read_member", text).expect_every_exchange().start().await?;
    /// mock.verify(); // panics: exchange 1 was never requested
    /// # Ok(())
    /// # }
    /// ```
    #[track_caller]
    pub fn verify(&self) {
        if let Err(report) = self.check() {
            panic!("{report}");
        }
    }
}

impl Drop for ProviderMock {
    fn drop(&mut self) {
        if std::thread::panicking() {
            return;
        }
        let checked = *self.checked.lock().unwrap_or_else(|e| e.into_inner());
        let unmatched = self.lock().unmatched.len();
        if checked.is_some_and(|seen| seen == unmatched) {
            return;
        }
        if let Err(report) = self.check() {
            panic!("{report}");
        }
    }
}
