//! The cassette format: one recorded case per YAML file under `cassettes/<provider>/`.
//!
//! A case names an operation, the arguments to call it with, and the exchanges it must cause,
//! in order: each the request the client must send and the response recorded from the
//! provider, body verbatim. The provider is the directory name; the case name is the file
//! stem. See `conformance/README.md` for the format with examples.
//!
//! ```
//! let text = "version: 1\noperation: get_link\nexchanges:\n  - request: {method: GET, path: /links/mk_1}\n    response: {status: 200, body: '{}'}\n";
//! let case = linkspec_mock::cassette::parse("moneykit", "moneykit/get_link.yaml".as_ref(), text)?;
//! assert_eq!(case.id(), "moneykit/get_link");
//! assert_eq!(case.cassette.exchanges[0].request.path, "/links/mk_1");
//! # Ok::<(), String>(())
//! ```

use base64::Engine as _;
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
    /// Call the provider's method of this view (`connections`: `list_connections`) instead of
    /// the operation, which must be the one the view's mapping calls; `args` are then the
    /// method's arguments by name, and the snapshot shows the view's items beside the typed
    /// records, with the status row each matched.
    #[serde(default)]
    pub view: Option<String>,
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
    /// A body that is not text (a PDF), as base64, instead of `body`.
    #[serde(default)]
    pub body_base64: Option<String>,
}

impl RecordedResponse {
    /// The body as served: `body_base64` decoded, else `body`'s text.
    ///
    /// ```
    /// let response: linkspec_mock::cassette::RecordedResponse = serde_saphyr::from_str("{status: 200, body_base64: 'JVBERi0K'}").unwrap();
    /// assert_eq!(response.bytes(), b"%PDF-\n");
    /// ```
    pub fn bytes(&self) -> Vec<u8> {
        match &self.body_base64 {
            Some(text) => decode_base64(text).unwrap_or_default(),
            None => self.body.as_bytes().to_vec(),
        }
    }

    /// Its `content-type` header (names case-insensitive).
    ///
    /// ```
    /// let response: linkspec_mock::cassette::RecordedResponse = serde_saphyr::from_str("{status: 200, headers: {Content-Type: text/plain}}").unwrap();
    /// assert_eq!(response.content_type(), Some("text/plain"));
    /// ```
    pub fn content_type(&self) -> Option<&str> {
        self.headers.iter().find(|(name, _)| name.eq_ignore_ascii_case("content-type")).map(|(_, v)| v.as_str())
    }
}

/// The bytes of base64 text; line breaks and spaces (a YAML block) are ignored.
///
/// ```
/// assert_eq!(linkspec_mock::cassette::decode_base64("JVBE\nRi0K").unwrap(), b"%PDF-\n");
/// assert!(linkspec_mock::cassette::decode_base64("not base64!").is_err());
/// ```
pub fn decode_base64(text: &str) -> Result<Vec<u8>, String> {
    let compact: String = text.chars().filter(|c| !c.is_ascii_whitespace()).collect();
    base64::engine::general_purpose::STANDARD.decode(compact).map_err(|e| format!("`body_base64` is not base64: {e}"))
}

/// What is wrong with a response's binary body as written, if anything.
///
/// ```
/// let both: linkspec_mock::cassette::RecordedResponse = serde_saphyr::from_str("{status: 200, body: x, body_base64: 'AA=='}").unwrap();
/// assert!(linkspec_mock::cassette::recorded_problem(&both).unwrap().contains("not both"));
/// ```
pub fn recorded_problem(response: &RecordedResponse) -> Option<String> {
    let text = response.body_base64.as_ref()?;
    if !response.body.is_empty() {
        return Some("a response has `body` or `body_base64`, not both".to_owned());
    }
    decode_base64(text).err()
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
    /// Line and column of the `operation` value, for messages.
    pub operation_at: (u64, u64),
    /// Its contents.
    pub cassette: Cassette,
}

impl Case {
    /// `provider/name`.
    pub fn id(&self) -> String {
        format!("{}/{}", self.provider, self.name)
    }

    /// The settings, decoded.
    ///
    /// ```
    /// let text = "version: 1\noperation: op\nsettings: {token: placeholder}\nexchanges:\n  - request: {method: GET, path: /}\n    response: {status: 404}\n";
    /// let case = linkspec_mock::cassette::parse("mx", "mx/op.yaml".as_ref(), text)?;
    /// assert_eq!(case.settings()?.token.is_some(), true);
    /// assert_eq!(case.expected_outcome(), linkspec_mock::cassette::Outcome::ProviderError);
    /// # Ok::<(), String>(())
    /// ```
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
        let first = first.lines().next().unwrap_or("invalid cassette");
        // The location is already in front: drop serde-saphyr's own `error: line L column C: `.
        let first = first.strip_prefix("error: ").unwrap_or(first);
        let first = match first.strip_prefix("line ").and_then(|rest| rest.split_once(": ")) {
            Some((place, message)) if place.contains(" column ") => message,
            _ => first,
        };
        format!("{shown}{at}: {first}")
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
        if let Some(problem) = recorded_problem(&x.response) {
            return Err(format!("{shown}: exchange {}: {problem}", i + 1));
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
    let operation_at = operation_at(text);
    let name = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    Ok(Case { provider: provider.to_owned(), name, path: path.to_path_buf(), operation_at, cassette })
}

/// Line and column (1-based) of the value of the top-level `operation` key. A plain
/// `operation: name` line is found by a scan; any other spelling (quoted key, flow style) by
/// parsing the text again, which was 37% of all the conformance binary's instructions when
/// every cassette took that path.
fn operation_at(text: &str) -> (u64, u64) {
    for (i, line) in text.lines().enumerate() {
        // `operation:x` (no space) is a plain scalar, not the key.
        if let Some(rest) = line.strip_prefix("operation:").filter(|r| r.starts_with([' ', '\t'])) {
            let value = rest.trim_start_matches([' ', '\t']);
            if !value.is_empty() && !value.starts_with(['#', '"', '\'', '&', '*', '!', '|', '>']) {
                let column = line.chars().count() - value.chars().count() + 1;
                return (i as u64 + 1, column as u64);
            }
        }
    }
    #[derive(Deserialize)]
    struct Where {
        operation: serde_saphyr::Spanned<String>,
    }
    serde_saphyr::from_str::<Where>(text)
        .map(|w| (w.operation.referenced.line(), w.operation.referenced.column()))
        .unwrap_or_default()
}

/// A cassette that cannot be replayed, with what is wrong (file:line:col first).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Broken {
    /// Provider (the directory name).
    pub provider: String,
    /// Case name (the file stem), empty for a problem of a whole directory.
    pub name: String,
    /// What is wrong and what to do.
    pub message: String,
}

/// What [`load_all`] found: the cases that read, and every file that did not.
#[derive(Debug, Default)]
pub struct Loaded {
    /// Cases, sorted by provider and name.
    pub cases: Vec<Case>,
    /// Files that could not be read as cases.
    pub broken: Vec<Broken>,
}

/// Line and column (in characters) of byte `offset` of a text whose bytes up to there are
/// valid UTF-8.
fn position(bytes: &[u8], offset: usize) -> (usize, usize) {
    let before = std::str::from_utf8(&bytes[..offset.min(bytes.len())]).unwrap_or_default();
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().unwrap_or("").chars().count() + 1;
    (line, col)
}

/// Reads one cassette file of `provider`: its bytes must be UTF-8.
pub fn read(provider: &str, file: &Path) -> Result<Case, String> {
    let bytes = std::fs::read(file).map_err(|e| format!("{}: {e}", file.display()))?;
    let text = String::from_utf8(bytes).map_err(|e| {
        let offset = e.utf8_error().valid_up_to();
        let (line, col) = position(e.as_bytes(), offset);
        format!(
            "{}:{line}:{col}: the file is not UTF-8 (byte 0x{:02X} at offset {offset}): save it as UTF-8",
            file.display(),
            e.as_bytes()[offset]
        )
    })?;
    parse(provider, file, &text)
}

/// Reads every cassette under `dir` (`<provider>/<case>.yaml`), sorted by provider and name.
/// Every unreadable or malformed file is reported, and every other one is read. A `*.yml`
/// file is reported too (rename it), never skipped in silence.
pub fn load_all(dir: &Path) -> Loaded {
    let mut loaded = Loaded::default();
    let broken = |provider: &str, name: &str, message: String| Broken { provider: provider.to_owned(), name: name.to_owned(), message };
    let providers = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) => {
            loaded.broken.push(broken("", "", format!("{}: {e}", dir.display())));
            return loaded;
        }
    };
    let mut provider_dirs: Vec<PathBuf> = providers.filter_map(|e| e.ok().map(|e| e.path())).filter(|p| p.is_dir()).collect();
    provider_dirs.sort();
    for pdir in provider_dirs {
        let provider = pdir.file_name().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
        load_dir_into(&provider, &pdir, &mut loaded);
    }
    loaded
}

/// Reads every cassette of one provider's directory (`<case>.yaml` files), sorted by name, as
/// [`load_all`] reads each directory under its root: every unreadable or malformed file (and
/// every `*.yml` one) is reported, every other one read.
///
/// ```
/// let dir = std::env::temp_dir().join(format!("linkspec-mock-doc-{}", std::process::id()));
/// std::fs::create_dir_all(&dir).unwrap();
/// std::fs::write(dir.join("get_link.yaml"), "version: 1\noperation: get_link\nexchanges:\n  - request: {method: GET, path: /links/mk_1}\n    response: {status: 200}\n").unwrap();
/// std::fs::write(dir.join("old.yml"), "").unwrap();
/// let loaded = linkspec_mock::cassette::load_provider("moneykit", &dir);
/// assert_eq!(loaded.cases.len(), 1);
/// assert!(loaded.broken[0].message.contains("rename it to old.yaml"));
/// # std::fs::remove_dir_all(&dir).unwrap();
/// ```
pub fn load_provider(provider: &str, dir: &Path) -> Loaded {
    let mut loaded = Loaded::default();
    load_dir_into(provider, dir, &mut loaded);
    loaded
}

fn load_dir_into(provider: &str, pdir: &Path, loaded: &mut Loaded) {
    let broken = |provider: &str, name: &str, message: String| Broken { provider: provider.to_owned(), name: name.to_owned(), message };
    let mut files: Vec<PathBuf> = match std::fs::read_dir(pdir) {
        Ok(entries) => entries.filter_map(|e| e.ok().map(|e| e.path())).filter(|p| !p.is_dir()).collect(),
        Err(e) => {
            loaded.broken.push(broken(provider, "", format!("{}: {e}", pdir.display())));
            return;
        }
    };
    files.sort();
    for file in files {
        let name = file.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
        let ext = file.extension().map(|e| e.to_string_lossy().into_owned()).unwrap_or_default();
        if ext != "yaml" {
            if ext.eq_ignore_ascii_case("yaml") || ext.eq_ignore_ascii_case("yml") {
                let message = format!("{}: cassettes must be named `*.yaml`; rename it to {name}.yaml", file.display());
                loaded.broken.push(broken(provider, &name, message));
            }
            continue;
        }
        match read(provider, &file) {
            Ok(case) => loaded.cases.push(case),
            Err(message) => loaded.broken.push(broken(provider, &name, message)),
        }
    }
}

/// Splits off the cases that name a provider or an operation not compiled in, each reported
/// at its place with the closest known name. `operations` lists (provider, operation).
pub fn known_operations(cases: Vec<Case>, operations: &[(&str, &str)]) -> (Vec<Case>, Vec<Broken>) {
    let mut providers: Vec<&str> = operations.iter().map(|(p, _)| *p).collect();
    providers.dedup();
    let mut kept = Vec::new();
    let mut broken: Vec<Broken> = Vec::new();
    for case in cases {
        if !providers.contains(&case.provider.as_str()) {
            if !broken.iter().any(|b| b.provider == case.provider && b.name.is_empty()) {
                let dir = case.path.parent().map(|d| d.display().to_string()).unwrap_or_default();
                let hint = did_you_mean(&case.provider, &providers);
                broken.push(Broken {
                    provider: case.provider.clone(),
                    name: String::new(),
                    message: format!(
                        "{dir}: no provider `{}` is compiled in{hint} (providers: {}); a directory under cassettes/ is named after its provider",
                        case.provider,
                        providers.join(", ")
                    ),
                });
            }
            continue;
        }
        let known: Vec<&str> = operations.iter().filter(|(p, _)| *p == case.provider).map(|(_, o)| *o).collect();
        if known.contains(&case.cassette.operation.as_str()) {
            kept.push(case);
            continue;
        }
        let (line, col) = case.operation_at;
        let hint = did_you_mean(&case.cassette.operation, &known);
        broken.push(Broken {
            provider: case.provider.clone(),
            name: case.name.clone(),
            message: format!(
                "{}:{line}:{col}: unknown operation `{}` of {}{hint} (operations: {})",
                case.path.display(),
                case.cassette.operation,
                case.provider,
                known.join(", ")
            ),
        });
    }
    (kept, broken)
}

/// `; did you mean `x`?` for the closest candidate, when close enough; empty otherwise.
pub(crate) fn did_you_mean(name: &str, candidates: &[&str]) -> String {
    candidates
        .iter()
        .map(|c| (edit_distance(name, c), *c))
        .filter(|(d, c)| *d <= 2.max(c.chars().count() / 4))
        .min()
        .map(|(_, c)| format!("; did you mean `{c}`?"))
        .unwrap_or_default()
}

/// Levenshtein distance over characters.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let substituted = diagonal + usize::from(ca != *cb);
            diagonal = row[j + 1];
            row[j + 1] = substituted.min(row[j] + 1).min(row[j + 1] + 1);
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_operation_scan_agrees_with_the_parser_on_every_bundled_cassette_and_odd_spellings() {
        #[derive(serde::Deserialize)]
        struct Where {
            operation: serde_saphyr::Spanned<String>,
        }
        let parsed = |text: &str| {
            serde_saphyr::from_str::<Where>(text).map(|w| (w.operation.referenced.line(), w.operation.referenced.column())).unwrap()
        };
        let mut texts: Vec<String> = vec![
            "version: 1\noperation: get_user_links\n".into(),
            "version: 1\noperation:    spaced   # a comment\n".into(),
            "version: 1\n\"operation\": quoted_key\n".into(),
            "version: 1\noperation: \"quoted_value\"\n".into(),
            "{version: 1, operation: flow}\n".into(),
            "version: 1\nexchanges: []\noperation:\n  on_the_next_line\n".into(),
        ];
        // The conformance suite's cassettes, beside this crate in the workspace.
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../conformance/cassettes");
        for dir in std::fs::read_dir(&root).unwrap() {
            for file in std::fs::read_dir(dir.unwrap().path()).unwrap() {
                let path = file.unwrap().path();
                if path.extension().is_some_and(|e| e == "yaml") {
                    texts.push(std::fs::read_to_string(path).unwrap());
                }
            }
        }
        assert!(texts.len() > 40, "the bundled cassettes were not found");
        for text in &texts {
            assert_eq!(super::operation_at(text), parsed(text), "in:\n{text}");
        }
    }

    use super::{did_you_mean, edit_distance};

    #[test]
    fn suggestions() {
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(did_you_mean("get_user_link", &["create_access_token", "get_user_links"]), "; did you mean `get_user_links`?");
        assert_eq!(did_you_mean("frobnicate", &["create_access_token", "get_user_links"]), "");
    }
}
