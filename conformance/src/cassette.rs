//! The cassette format: one recorded case per YAML file under `cassettes/<provider>/`.
//!
//! A case names an operation, the arguments to call it with, and the exchanges it must cause,
//! in order: each the request the client must send and the response recorded from the
//! provider, body verbatim. The provider is the directory name; the case name is the file
//! stem. See `conformance/README.md` for the format with examples.

use linkspec_runtime::ClientSettings;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The format version this harness reads.
pub const VERSION: u32 = 1;

/// One recorded case, as written.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Cassette {
    /// Format version; must be [`VERSION`].
    pub version: u32,
    /// Operation name from the provider's spec.
    pub operation: String,
    /// What the case shows, for the reader.
    #[serde(default)]
    pub doc: Option<String>,
    /// Client settings (credentials, headers); the base URL is the replay server's.
    #[serde(default)]
    pub settings: serde_json::Value,
    /// Fetch every page of a paged operation (following the spec's paging rule) rather than one;
    /// each page must match one of the last exchanges, in order.
    #[serde(default)]
    pub all_pages: bool,
    /// The call's arguments: parameters by wire name, the body under `body`.
    #[serde(default = "empty_object")]
    pub args: serde_json::Value,
    /// What the call must end in; by default `success` when the last response is 2xx,
    /// `provider_error` otherwise.
    #[serde(default)]
    pub outcome: Option<Outcome>,
    /// JSON pointers into the last response body where the model is known not to hold a
    /// field (drift the case accepts). Each must occur.
    #[serde(default)]
    pub expected_drift: Vec<String>,
    /// Set when the case is known to fail, with the reason. A marked case that passes fails
    /// the run until the mark is removed.
    #[serde(default)]
    pub known_failure: Option<String>,
    /// The exchanges, in the order the client must cause them.
    pub exchanges: Vec<Exchange>,
}

fn empty_object() -> serde_json::Value {
    serde_json::Value::Object(serde_json::Map::new())
}

/// The kinds of result a case may expect.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// The success model.
    Success,
    /// The provider's typed error envelope.
    ProviderError,
    /// Another typed error (a body that does not decode).
    Failure,
}

impl Outcome {
    /// The name used in cassettes and reports.
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Success => "success",
            Outcome::ProviderError => "provider_error",
            Outcome::Failure => "failure",
        }
    }
}

/// One request and its recorded response.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Exchange {
    /// What the client must send.
    pub request: ExpectedRequest,
    /// What the provider answered.
    pub response: RecordedResponse,
}

/// The request a client must send.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExpectedRequest {
    /// HTTP method, upper case.
    pub method: String,
    /// Path as sent on the wire (percent-encoded), without the query.
    pub path: String,
    /// Query pairs, order-free; a list value means the key repeats.
    #[serde(default)]
    pub query: BTreeMap<String, OneOrMany>,
    /// Headers that must be present with exactly these values (names case-insensitive).
    #[serde(default)]
    pub headers: BTreeMap<String, String>,
    /// Headers that must not be present.
    #[serde(default)]
    pub absent_headers: Vec<String>,
    /// The body: compared as JSON for JSON media types, byte for byte otherwise. Absent
    /// means the request must have no body.
    #[serde(default)]
    pub body: Option<String>,
}

/// A query value: one, or several for a repeated key.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum OneOrMany {
    /// `key: value`.
    One(String),
    /// `key: [a, b]`.
    Many(Vec<String>),
}

impl OneOrMany {
    /// The values.
    pub fn values(&self) -> Vec<String> {
        match self {
            OneOrMany::One(v) => vec![v.clone()],
            OneOrMany::Many(v) => v.clone(),
        }
    }
}

/// A response as the provider sent it.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RecordedResponse {
    /// HTTP status.
    pub status: u16,
    /// Response headers.
    #[serde(default)]
    pub headers: BTreeMap<String, String>,
    /// The body, verbatim.
    #[serde(default)]
    pub body: String,
}

/// A cassette with where it came from.
#[derive(Debug, Clone)]
pub struct Case {
    /// Provider (the directory name).
    pub provider: String,
    /// Case name (the file stem).
    pub name: String,
    /// The file.
    pub path: PathBuf,
    /// Its contents.
    pub cassette: Cassette,
}

impl Case {
    /// `provider/name`.
    pub fn id(&self) -> String {
        format!("{}/{}", self.provider, self.name)
    }

    /// The settings, decoded.
    pub fn settings(&self) -> Result<ClientSettings, String> {
        let value = if self.cassette.settings.is_null() { empty_object() } else { self.cassette.settings.clone() };
        serde_json::from_value(value).map_err(|e| format!("settings: {e}"))
    }

    /// The outcome the case expects.
    pub fn expected_outcome(&self) -> Outcome {
        self.cassette.outcome.unwrap_or_else(|| match self.cassette.exchanges.last() {
            Some(x) if (200..300).contains(&x.response.status) => Outcome::Success,
            _ => Outcome::ProviderError,
        })
    }
}

/// Reads one cassette. Errors name the file, line and column.
pub fn parse(provider: &str, path: &Path, text: &str) -> Result<Case, String> {
    let shown = path.display();
    let cassette: Cassette = serde_saphyr::from_str(text).map_err(|e| {
        let at = e.location().map(|l| format!(":{}:{}", l.line(), l.column())).unwrap_or_default();
        let first = e.to_string();
        format!("{shown}{at}: {}", first.lines().next().unwrap_or("invalid cassette"))
    })?;
    if cassette.version != VERSION {
        return Err(format!("{shown}: cassette version {} is not supported (this harness reads {VERSION})", cassette.version));
    }
    if cassette.exchanges.is_empty() {
        return Err(format!("{shown}: a case needs at least one exchange"));
    }
    for (i, x) in cassette.exchanges.iter().enumerate() {
        if !(100..=599).contains(&x.response.status) {
            return Err(format!("{shown}: exchange {}: status {} is not an HTTP status", i + 1, x.response.status));
        }
        for (name, value) in &x.response.headers {
            if wiremock::http::HeaderName::from_bytes(name.as_bytes()).is_err()
                || wiremock::http::HeaderValue::from_str(value).is_err()
            {
                return Err(format!("{shown}: exchange {}: response header `{name}` is not a valid header", i + 1));
            }
        }
    }
    if cassette.settings.get("base_url").is_some() {
        return Err(format!("{shown}: `settings.base_url` is set by the replay server; remove it"));
    }
    let name = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    Ok(Case { provider: provider.to_owned(), name, path: path.to_path_buf(), cassette })
}

/// Reads every cassette under `dir` (`<provider>/<case>.yaml`), sorted by provider and name.
/// Every unreadable or malformed file is reported, not only the first.
pub fn load_all(dir: &Path) -> Result<Vec<Case>, Vec<String>> {
    let mut cases = Vec::new();
    let mut errors = Vec::new();
    let providers = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) => return Err(vec![format!("{}: {e}", dir.display())]),
    };
    let mut provider_dirs: Vec<PathBuf> = providers.filter_map(|e| e.ok().map(|e| e.path())).filter(|p| p.is_dir()).collect();
    provider_dirs.sort();
    for pdir in provider_dirs {
        let provider = pdir.file_name().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
        let mut files: Vec<PathBuf> = match std::fs::read_dir(&pdir) {
            Ok(entries) => entries.filter_map(|e| e.ok().map(|e| e.path())).collect(),
            Err(e) => {
                errors.push(format!("{}: {e}", pdir.display()));
                continue;
            }
        };
        files.retain(|p| p.extension().is_some_and(|e| e == "yaml"));
        files.sort();
        for file in files {
            match std::fs::read_to_string(&file) {
                Ok(text) => match parse(&provider, &file, &text) {
                    Ok(case) => cases.push(case),
                    Err(e) => errors.push(e),
                },
                Err(e) => errors.push(format!("{}: {e}", file.display())),
            }
        }
    }
    if errors.is_empty() { Ok(cases) } else { Err(errors) }
}
