//! Record mode: call an operation of a provider's sandbox through the generated client, keep
//! every exchange on the wire, redact it from what the spec says is secret, refuse to write a
//! cassette in which any secret survived, and write it in the cassette format.
//!
//! The client is pointed at a [proxy] on 127.0.0.1 per host (its base URL and each of the
//! spec's other hosts), which forwards to the real upstream and keeps each exchange verbatim.
//! What is secret comes from the spec through the generated `recordings()` table: credential
//! inputs and static credentials, the credential headers of every auth scheme and acquisition
//! step, the token each acquisition step reads from its answer, and every field and parameter
//! marked `sensitive: true`. Each secret gets a stable stand-in ([`secrets::Secrets`]) written
//! wherever the secret was, in the form it had there, so the cassette replays as it was
//! recorded: its settings hold the stand-ins of the credentials, the token answer a stand-in
//! token, and the next request's `Authorization` the same stand-in.

pub mod drift;
pub mod proxy;
pub mod secrets;
pub mod yaml;

use crate::cassette::Case;
use linkspec_runtime::{AuthScheme, ClientSettings, JsonOutcome, Place, ProviderMeta, RecordingMeta, SensitiveKind, SensitivePlace, Source};
use proxy::Captured;
use secrets::Secrets;
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use yaml::{Draft, DraftExchange, Written};

/// Pages a recording of every page fetches at most.
pub const MAX_PAGES: usize = 100;

/// Where the recorded calls go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// An environment of the spec (`None`: the spec's default), its URLs from the spec.
    Environment(Option<String>),
    /// One URL for the base and, unless given apart, every other host (as the client does).
    BaseUrl(String),
}

/// What to record.
#[derive(Debug, Clone)]
pub struct Request {
    /// Provider (a module of `linkspec-clients`).
    pub provider: String,
    /// Operation name.
    pub operation: String,
    /// The call's arguments: parameters by wire name, the body under `body`.
    pub args: Value,
    /// Where the calls go.
    pub target: Target,
    /// URLs of other hosts by name, instead of the environment's or the base URL.
    pub hosts: BTreeMap<String, String>,
    /// Server URL placeholders (`region: eu`).
    pub variables: BTreeMap<String, String>,
    /// Fetch every page.
    pub all_pages: bool,
    /// The case's `doc`.
    pub doc: Option<String>,
    /// Kept from the case a refresh replaces.
    pub expected_drift: Vec<String>,
    /// The command line, for the cassette's first comment.
    pub command: String,
}

/// A recording, redacted and checked, not yet written.
#[derive(Debug, Clone)]
pub struct Recorded {
    /// The case.
    pub draft: Draft,
    /// Its text.
    pub written: Written,
    /// How many secrets were replaced.
    pub secrets: usize,
    /// What the call returned, in a line (no secret: the runtime's errors never carry one).
    pub outcome: String,
}

/// The table of `provider`.
pub fn meta(provider: &str) -> Result<&'static RecordingMeta, String> {
    let all = linkspec_clients::recordings();
    all.iter().find(|m| m.provider.name == provider).copied().ok_or_else(|| {
        let names: Vec<&str> = all.iter().map(|m| m.provider.name).collect();
        format!("no provider `{provider}` is compiled in (providers: {})", names.join(", "))
    })
}

/// `LINKSPEC_<PROVIDER>_<NAME>`, upper case, anything but letters and digits as `_`.
pub fn env_var(provider: &str, name: &str) -> String {
    let upper = |s: &str| s.chars().map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_uppercase() } else { '_' }).collect::<String>();
    format!("LINKSPEC_{}_{}", upper(provider), upper(name))
}

/// A credential setting the recording needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Credential {
    /// Where it goes in the settings: `inputs.<name>`, or `token`, `client_id`, `secret`,
    /// `user`, `password`.
    pub setting: String,
    /// The environment variable it is read from.
    pub var: String,
    /// Held as a secret (redacted); an input declared `secret: false` is written as is.
    pub secret: bool,
    /// Its value.
    pub value: String,
}

fn schemes(auth: AuthScheme) -> Vec<AuthScheme> {
    match auth {
        AuthScheme::Named(named) => named.schemes.iter().map(|(_, s)| *s).collect(),
        other => vec![other],
    }
}

/// The credentials a call of `operation` needs, each from its environment variable. Every
/// missing variable is named in one error.
pub fn credentials(meta: &RecordingMeta, operation: &str, env: &dyn Fn(&str) -> Option<String>) -> Result<Vec<Credential>, String> {
    let p = meta.provider;
    let mut wanted: Vec<(String, bool)> = Vec::new();
    let mut want = |setting: &str, secret: bool| {
        if !wanted.iter().any(|(s, _)| s == setting) {
            wanted.push((setting.to_owned(), secret));
        }
    };
    let needed = [p.auth.default_scheme(), p.auth.for_operation(operation).1];
    for scheme in needed {
        match scheme {
            AuthScheme::Bearer { .. } | AuthScheme::Header { .. } if p.acquire.is_some() => {
                for input in p.inputs {
                    want(&format!("inputs.{}", input.name), input.secret);
                }
            }
            AuthScheme::Bearer { .. } | AuthScheme::Header { .. } => want("token", true),
            AuthScheme::KeyPair { .. } => {
                want("client_id", true);
                want("secret", true);
            }
            AuthScheme::Basic { .. } => {
                want("user", true);
                want("password", true);
            }
            AuthScheme::Named(_) => {}
        }
    }
    let mut out = Vec::new();
    let mut missing = Vec::new();
    let mut short = Vec::new();
    for (setting, secret) in wanted {
        let var = env_var(p.name, setting.strip_prefix("inputs.").unwrap_or(&setting));
        match env(&var) {
            Some(value) if !value.is_empty() => {
                if secret && value.chars().count() < secrets::MIN_TEXT {
                    short.push(var.clone());
                }
                out.push(Credential { setting, var, secret, value });
            }
            _ => missing.push(var),
        }
    }
    if !missing.is_empty() {
        return Err(format!(
            "{} needs these environment variables, which are not set: {} (credentials are read from the environment only, never from arguments or files)",
            p.name,
            missing.join(", ")
        ));
    }
    if !short.is_empty() {
        return Err(format!(
            "{}: shorter than {} characters, too short to find and redact reliably: {}",
            p.name,
            secrets::MIN_TEXT,
            short.join(", ")
        ));
    }
    Ok(out)
}

/// Fills `{name}` placeholders of a URL template, defaults first.
fn fill(template: &str, p: &ProviderMeta, variables: &BTreeMap<String, String>) -> String {
    let mut out = template.to_owned();
    for v in p.variables {
        let value = variables.get(v.name).map_or(v.default, String::as_str);
        out = out.replace(&format!("{{{}}}", v.name), value);
    }
    out
}

/// The upstream of the base URL and of each other host.
fn upstreams(req: &Request, p: &ProviderMeta) -> Result<(String, Vec<(String, String)>), String> {
    for name in req.hosts.keys() {
        if !p.hosts.iter().any(|h| h.name == name) {
            let known: Vec<&str> = p.hosts.iter().map(|h| h.name).collect();
            return Err(format!("--host {name}: {} has no such host (hosts: {})", p.name, if known.is_empty() { "none".into() } else { known.join(", ") }));
        }
    }
    for (name, value) in &req.variables {
        let Some(v) = p.variables.iter().find(|v| v.name == name) else {
            return Err(format!("--var {name}: {} has no such server variable", p.name));
        };
        if !v.values.contains(&value.as_str()) {
            return Err(format!("--var {name}: `{value}` is not one of {}", v.values.join(", ")));
        }
    }
    let (base, env) = match &req.target {
        Target::BaseUrl(url) => (url.clone(), None),
        Target::Environment(name) => {
            let (env, template) = match name {
                Some(name) => p.environments.iter().find(|(e, _)| *e == name.as_str()).copied().ok_or_else(|| {
                    let known: Vec<&str> = p.environments.iter().map(|(e, _)| *e).collect();
                    format!("--environment {name}: {} has no such environment (environments: {})", p.name, known.join(", "))
                })?,
                None => p.environments.iter().find(|(_, t)| *t == p.base_url).copied().unwrap_or(("", p.base_url)),
            };
            (fill(template, p, &req.variables), Some(env))
        }
    };
    let mut hosts = Vec::new();
    for h in p.hosts {
        let url = match (req.hosts.get(h.name), env) {
            (Some(url), _) => url.clone(),
            (None, None) => base.clone(),
            (None, Some(env)) => match h.urls.iter().find(|(e, _)| *e == env) {
                Some((_, template)) => fill(template, p, &req.variables),
                None => continue,
            },
        };
        hosts.push((h.name.to_owned(), url));
    }
    Ok((base, hosts))
}

/// Calls the operation through proxies to the upstreams and returns what went over the wire,
/// with the outcome in a line.
async fn capture(req: &Request, p: &ProviderMeta, creds: &[Credential]) -> Result<(Vec<Captured>, String), String> {
    let (base, hosts) = upstreams(req, p)?;
    let log: proxy::Log = Arc::new(Mutex::new(Vec::new()));
    let failures: proxy::Failures = Arc::new(Mutex::new(Vec::new()));
    let main = proxy::start(None, &base, log.clone(), failures.clone()).await?;
    let mut others = Vec::new();
    for (name, url) in &hosts {
        others.push((name.clone(), proxy::start(Some(name.clone()), url, log.clone(), failures.clone()).await?));
    }
    let mut settings = serde_json::Map::new();
    let mut inputs = serde_json::Map::new();
    for c in creds {
        match c.setting.strip_prefix("inputs.") {
            Some(name) => inputs.insert(name.to_owned(), Value::String(c.value.clone())),
            None => settings.insert(c.setting.clone(), Value::String(c.value.clone())),
        };
    }
    if !inputs.is_empty() {
        settings.insert("inputs".into(), Value::Object(inputs));
    }
    let mut settings: ClientSettings = serde_json::from_value(Value::Object(settings)).map_err(|e| format!("settings: {e}"))?;
    settings.base_url = Some(main.url.clone());
    settings.hosts = others.iter().map(|(name, proxy)| (name.clone(), proxy.url.clone())).collect();
    let called = if req.all_pages {
        linkspec_clients::call_json_pages(&req.provider, &settings, &req.operation, req.args.clone(), MAX_PAGES).await
    } else {
        linkspec_clients::call_json(&req.provider, &settings, &req.operation, req.args.clone()).await
    };
    drop((main, others));
    let outcome = match called {
        Ok(JsonOutcome::Success { .. }) => "success".to_owned(),
        Ok(JsonOutcome::ProviderError { status, message, .. }) => format!("provider error (status {status}): {message}"),
        Ok(JsonOutcome::Failure { message, .. }) => format!("failure: {message}"),
        Err(e) => return Err(format!("the call could not be made: {e}")),
    };
    let failures = failures.lock().unwrap_or_else(|e| e.into_inner()).clone();
    if !failures.is_empty() {
        return Err(format!("the upstream could not be reached; nothing written: {}", failures.join("; ")));
    }
    let captured = log.lock().unwrap_or_else(|e| e.into_inner()).clone();
    if captured.is_empty() {
        return Err(format!("the call made no request ({outcome}); nothing written"));
    }
    Ok((captured, outcome))
}

/// Records one case: calls, redacts, writes the text and scans it. Nothing is written to disk.
pub async fn record(req: &Request, env: &dyn Fn(&str) -> Option<String>) -> Result<Recorded, String> {
    let meta = meta(&req.provider)?;
    if !linkspec_clients::operations().iter().any(|(p, op)| *p == req.provider && *op == req.operation) {
        return Err(format!("{} has no operation `{}`", req.provider, req.operation));
    }
    let creds = credentials(meta, &req.operation, env)?;
    let (captured, outcome) = capture(req, meta.provider, &creds).await?;
    let (draft, secrets) = redact(meta, req, &creds, &captured)?;
    let written = yaml::write(&draft);
    let survivors = scan(&written, &secrets);
    if !survivors.is_empty() {
        return Err(format!("refusing to write the cassette: a secret seen during the recording survived redaction at {}", survivors.join("; ")));
    }
    read_back(&req.provider, &written.text, &draft)?;
    Ok(Recorded { draft, written, secrets: secrets.len(), outcome })
}

/// Where each secret of `secrets`, in any of its forms, occurs in the written text: one line
/// per (place, secret, form), never the secret itself.
pub fn scan(written: &Written, secrets: &Secrets) -> Vec<String> {
    let mut found: Vec<(usize, String)> = Vec::new();
    for (label, form, needle) in secrets.needles() {
        let number = form == "number";
        for (at, _) in written.text.match_indices(needle.as_str()) {
            if number {
                let bytes = written.text.as_bytes();
                let before = at.checked_sub(1).map(|i| bytes[i]);
                let after = bytes.get(at + needle.len()).copied();
                if before.is_some_and(|b| b.is_ascii_digit() || b == b'.') || after.is_some_and(|b| b.is_ascii_digit() || b == b'.') {
                    continue;
                }
            }
            found.push((at, format!("{} (the {label} value, {form})", written.place_of(at))));
        }
    }
    // In the order of the text, each place and form once.
    found.sort();
    let mut out: Vec<String> = Vec::new();
    for (_, line) in found {
        if !out.contains(&line) {
            out.push(line);
        }
    }
    out
}

/// The text must read back as the cassette meant: the writer's quoting is checked on every
/// recording, not trusted.
fn read_back(provider: &str, text: &str, draft: &Draft) -> Result<(), String> {
    let case = crate::cassette::parse(provider, Path::new("recorded.yaml"), text).map_err(|e| format!("internal error: the cassette written does not read back: {e}"))?;
    let c = &case.cassette;
    let wrong = |what: String| Err(format!("internal error: the cassette written does not read back as recorded: {what}"));
    if c.operation != draft.operation || c.args != draft.args || c.settings != draft.settings || c.all_pages != draft.all_pages || c.doc != draft.doc {
        return wrong("operation, args, settings, all_pages or doc".into());
    }
    if c.exchanges.len() != draft.exchanges.len() {
        return wrong("the number of exchanges".into());
    }
    for (i, (got, want)) in c.exchanges.iter().zip(&draft.exchanges).enumerate() {
        let n = i + 1;
        let query: Vec<(String, Vec<String>)> = got.request.query.iter().map(|(k, v)| (k.clone(), v.values())).collect();
        let mut want_query = want.query.clone();
        want_query.sort();
        let headers = |h: &BTreeMap<String, String>| h.iter().map(|(k, v)| (k.clone(), v.clone())).collect::<Vec<_>>();
        let mut want_headers = want.headers.clone();
        want_headers.sort();
        let mut want_response_headers = want.response_headers.clone();
        want_response_headers.sort();
        if got.request.method != want.method || got.request.path != want.path || query != want_query || headers(&got.request.headers) != want_headers || got.request.body != want.body {
            return wrong(format!("exchange {n}, request"));
        }
        if got.response.status != want.status
            || headers(&got.response.headers) != want_response_headers
            || got.response.body != want.response_body
            || got.response.body_base64.as_deref().map(|b| b.replace('\n', "")) != want.response_body_base64
        {
            return wrong(format!("exchange {n}, response"));
        }
    }
    Ok(())
}

/// Writes a recorded case to `<cassettes>/<provider>/<case>.yaml` and reads it back as a case.
pub fn save(cassettes: &Path, provider: &str, case: &str, recorded: &Recorded) -> Result<Case, String> {
    let dir = cassettes.join(provider);
    let path: PathBuf = dir.join(format!("{case}.yaml"));
    std::fs::create_dir_all(&dir).and_then(|()| std::fs::write(&path, &recorded.written.text)).map_err(|e| format!("{}: {e}", path.display()))?;
    crate::cassette::parse(provider, &path, &recorded.written.text)
}

/// Request headers never written: those the replay never compares, the length (redaction
/// changes it), the connection's own, and cookies (credentials HTTP itself defines, which no
/// spec describes).
const DROPPED_REQUEST: &[&str] = &["content-length", "transfer-encoding", "keep-alive", "te", "upgrade", "cookie", "proxy-authorization"];

/// Response headers never written: the length (redaction changes it; the replay server sets
/// it), the connection's own, the date (it changes on every run), cookies.
const DROPPED_RESPONSE: &[&str] = &["content-length", "transfer-encoding", "connection", "keep-alive", "date", "set-cookie"];

/// What the spec says is secret, by place.
struct Rules<'a> {
    meta: &'a RecordingMeta,
    /// Body fields (JSON or form), besides the sensitive ones: the key pair's body names and
    /// acquisition steps' body places fed from secret inputs.
    fields: Vec<(String, SensitiveKind)>,
    /// Query names of acquisition steps fed from secret inputs.
    query: Vec<String>,
    /// Request headers holding a credential (lower case).
    headers: Vec<String>,
}

impl<'a> Rules<'a> {
    fn new(meta: &'a RecordingMeta) -> Rules<'a> {
        let p = meta.provider;
        let mut rules = Rules { meta, fields: Vec::new(), query: Vec::new(), headers: Vec::new() };
        for scheme in schemes(p.auth) {
            match scheme {
                AuthScheme::Bearer { .. } | AuthScheme::Basic { .. } => rules.headers.push("authorization".into()),
                AuthScheme::Header { name, .. } => rules.headers.push(name.to_ascii_lowercase()),
                AuthScheme::KeyPair { client_id, secret } => {
                    for k in [client_id, secret] {
                        rules.headers.push(k.header.to_ascii_lowercase());
                        rules.fields.push((k.body.to_owned(), SensitiveKind::Text));
                    }
                }
                AuthScheme::Named(_) => {}
            }
        }
        let secret_input = |name: &str| p.inputs.iter().any(|i| i.name == name && i.secret);
        for step in p.acquire.iter().flat_map(|a| a.steps) {
            for (place, source) in step.bind {
                let secret = match source {
                    Source::Input(i) => secret_input(i),
                    Source::Basic(..) | Source::Previous => true,
                    _ => false,
                };
                match place {
                    Place::Header(h) if secret => rules.headers.push(h.to_ascii_lowercase()),
                    Place::Body(b) if secret => rules.fields.push(((*b).to_owned(), SensitiveKind::Text)),
                    Place::Query(q) if secret => rules.query.push((*q).to_owned()),
                    _ => {}
                }
            }
        }
        for s in meta.sensitive {
            match s.place {
                SensitivePlace::Field => rules.fields.push((s.name.to_owned(), s.kind)),
                SensitivePlace::Header => rules.headers.push(s.name.to_ascii_lowercase()),
                SensitivePlace::Query => rules.query.push(s.name.to_owned()),
                SensitivePlace::Path => {}
            }
        }
        rules
    }

    fn field(&self, name: &str) -> Option<SensitiveKind> {
        self.fields.iter().find(|(n, _)| n == name).map(|(_, k)| *k)
    }

    fn query(&self, name: &str) -> Option<SensitiveKind> {
        if self.query.iter().any(|q| q == name) {
            return Some(self.kind(SensitivePlace::Query, name).unwrap_or(SensitiveKind::Text));
        }
        None
    }

    fn header(&self, name: &str) -> bool {
        self.headers.iter().any(|h| h.eq_ignore_ascii_case(name))
    }

    fn kind(&self, place: SensitivePlace, name: &str) -> Option<SensitiveKind> {
        self.meta.sensitive.iter().find(|s| s.place == place && s.name.eq_ignore_ascii_case(name)).map(|s| s.kind)
    }

    /// A parameter by wire name (an argument's key): sensitive in some place.
    fn param(&self, name: &str) -> Option<SensitiveKind> {
        [SensitivePlace::Path, SensitivePlace::Query, SensitivePlace::Header].into_iter().find_map(|place| self.kind(place, name))
    }
}

/// Registers the secrets of a JSON value: every leaf under a sensitive key.
fn discover_json<'v>(value: &'v Value, rules: &Rules<'_>, secrets: &mut Secrets, under: Option<(&'v str, SensitiveKind)>) {
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                let here = rules.field(k).map(|kind| (k.as_str(), kind)).or(under);
                discover_json(v, rules, secrets, here);
            }
        }
        Value::Array(items) => items.iter().for_each(|v| discover_json(v, rules, secrets, under)),
        Value::String(s) => {
            if let Some((label, kind)) = under {
                secrets.text(label, s, if kind == SensitiveKind::Nested { SensitiveKind::Text } else { kind });
            }
        }
        Value::Number(n) => {
            if let Some((label, kind)) = under {
                secrets.number(label, &n.to_string(), kind);
            }
        }
        Value::Bool(_) | Value::Null => {}
    }
}

/// A JSON value with its secrets replaced: known secrets under sensitive keys wholesale (a
/// number, a short text), every other text by [`Secrets::apply`].
fn redact_json(value: &mut Value, rules: &Rules<'_>, secrets: &Secrets, under: bool) {
    match value {
        Value::Object(map) => {
            for (k, v) in map.iter_mut() {
                let here = under || rules.field(k).is_some();
                redact_json(v, rules, secrets, here);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|v| redact_json(v, rules, secrets, under)),
        Value::String(s) => {
            *s = match secrets.known(s) {
                Some(placeholder) if under => placeholder.to_owned(),
                _ => secrets.apply(s),
            };
        }
        Value::Number(n) => {
            if under
                && let Some(placeholder) = secrets.known(&n.to_string())
                && let Ok(v) = serde_json::from_str::<Value>(placeholder)
            {
                *value = v;
            }
        }
        Value::Bool(_) | Value::Null => {}
    }
}

/// The arguments' secrets: a sensitive parameter's value, sensitive fields of the body.
fn discover_args(args: &Value, rules: &Rules<'_>, secrets: &mut Secrets) {
    let Value::Object(map) = args else { return };
    for (k, v) in map {
        if k == "body" {
            discover_json(v, rules, secrets, None);
        } else if let Some(kind) = rules.param(k).or_else(|| rules.header(k).then_some(SensitiveKind::Text)) {
            discover_json(v, rules, secrets, Some((k, kind)));
        }
    }
}

fn redact_args(args: &mut Value, rules: &Rules<'_>, secrets: &Secrets) {
    let Value::Object(map) = args else { return };
    for (k, v) in map.iter_mut() {
        let under = k != "body" && (rules.param(k).is_some() || rules.header(k));
        redact_json(v, rules, secrets, under);
    }
}

fn header<'h>(headers: &'h [(String, String)], name: &str) -> Option<&'h str> {
    headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
}

/// True when `path` fits the template (`{name}` takes one segment).
fn fits(template: &str, path: &str) -> bool {
    let (t, p): (Vec<&str>, Vec<&str>) = (template.split('/').collect(), path.split('/').collect());
    t.len() == p.len() && t.iter().zip(&p).all(|(t, p)| (t.starts_with('{') && t.ends_with('}') && !p.is_empty()) || t == p)
}

/// The secrets of one credential header's value: a Basic pair decoded into its parts (and its
/// wire form re-encoded from their stand-ins), a Bearer token, or the whole value.
fn discover_credential(name: &str, value: &str, secrets: &mut Secrets) {
    let (scheme, rest) = value.split_once(' ').unwrap_or(("", value));
    if scheme.eq_ignore_ascii_case("basic") {
        use base64::Engine;
        let engine = base64::engine::general_purpose::STANDARD;
        if let Some((user, password)) = engine.decode(rest.trim()).ok().and_then(|b| String::from_utf8(b).ok()).as_deref().and_then(|t| t.split_once(':')) {
            let u = secrets.text("basic-user", user, SensitiveKind::Text);
            let p = secrets.text("basic-password", password, SensitiveKind::Text);
            secrets.extra(rest.trim(), engine.encode(format!("{u}:{p}")));
            return;
        }
    }
    if scheme.eq_ignore_ascii_case("bearer") {
        secrets.text("token", rest.trim(), SensitiveKind::Text);
    } else {
        secrets.text(name, value, SensitiveKind::Text);
    }
}

/// The request's body as text, the media type it was sent with.
fn content_type(headers: &[(String, String)]) -> String {
    header(headers, "content-type").unwrap_or("").to_owned()
}

/// Redacts the captured exchanges into a case.
fn redact(meta: &RecordingMeta, req: &Request, creds: &[Credential], captured: &[Captured]) -> Result<(Draft, Secrets), String> {
    let rules = Rules::new(meta);
    let p = meta.provider;
    let mut secrets = Secrets::default();
    // Discovery, in a fixed order: credentials, arguments, then each exchange as it went.
    for c in creds.iter().filter(|c| c.secret) {
        secrets.text(c.setting.strip_prefix("inputs.").unwrap_or(&c.setting), &c.value, SensitiveKind::Text);
    }
    discover_args(&req.args, &rules, &mut secrets);
    for (i, x) in captured.iter().enumerate() {
        for (name, value) in &x.headers {
            if rules.header(name) {
                discover_credential(name, value, &mut secrets);
            }
        }
        for (k, v) in form_urlencoded::parse(x.query.as_bytes()) {
            if let Some(kind) = rules.query(&k) {
                secrets.text(&k, &v, kind);
            }
        }
        let ct = content_type(&x.headers);
        if crate::compare::is_form_media_type(&ct) {
            for (k, v) in form_urlencoded::parse(&x.body) {
                if let Some(kind) = rules.field(&k) {
                    secrets.text(&k, &v, kind);
                }
            }
        } else if let Ok(v) = serde_json::from_slice::<Value>(&x.body) {
            discover_json(&v, &rules, &mut secrets, None);
        }
        let answer = serde_json::from_slice::<Value>(&x.response_body).ok();
        for step in p.acquire.iter().flat_map(|a| a.steps) {
            let op = step.operation;
            if op.method.as_str().eq_ignore_ascii_case(&x.method) && op.host == x.host.as_deref() && fits(op.path, &x.path) {
                match answer.as_ref().and_then(|a| a.pointer(step.token)) {
                    Some(Value::String(token)) => {
                        secrets.text(step.token, token, SensitiveKind::Text);
                    }
                    _ if (200..300).contains(&x.status) => {
                        return Err(format!(
                            "exchange {} ({} {}): the {} answer has no text at {}, where the spec says its token is",
                            i + 1,
                            x.method,
                            x.path,
                            op.name,
                            step.token
                        ));
                    }
                    _ => {}
                }
            }
        }
        if let Some(v) = &answer {
            discover_json(v, &rules, &mut secrets, None);
        }
    }

    // Replacement.
    let mut exchanges = Vec::new();
    for (i, x) in captured.iter().enumerate() {
        let n = i + 1;
        let mut headers: Vec<(String, String)> = Vec::new();
        for (name, value) in &x.headers {
            if crate::compare::VOLATILE_HEADERS.contains(&name.as_str()) || DROPPED_REQUEST.contains(&name.as_str()) || headers.iter().any(|(k, _)| k == name) {
                continue;
            }
            let value = secrets.apply(value);
            let value = if rules.header(name) { secrets.known(&value).map_or(value.clone(), str::to_owned) } else { value };
            headers.push((name.clone(), value));
        }
        let mut query: Vec<(String, Vec<String>)> = Vec::new();
        for (k, v) in form_urlencoded::parse(x.query.as_bytes()) {
            let v = match secrets.known(&v) {
                Some(placeholder) if rules.query(&k).is_some() => placeholder.to_owned(),
                _ => secrets.apply(&v),
            };
            match query.iter().position(|(key, _)| *key == k) {
                Some(at) => query[at].1.push(v),
                None => query.push((k.into_owned(), vec![v])),
            }
        }
        let body = if x.body.is_empty() {
            None
        } else {
            let text = String::from_utf8(x.body.clone())
                .map_err(|_| format!("exchange {n} ({} {}): the request body is not UTF-8, which a cassette cannot hold", x.method, x.path))?;
            Some(redact_body(&text, &content_type(&x.headers), &rules, &secrets))
        };
        let mut response_headers: Vec<(String, String)> = Vec::new();
        for (name, value) in &x.response_headers {
            if DROPPED_RESPONSE.contains(&name.as_str()) || response_headers.iter().any(|(k, _)| k == name) {
                continue;
            }
            response_headers.push((name.clone(), secrets.apply(value)));
        }
        let (response_body, response_body_base64) = match String::from_utf8(x.response_body.clone()) {
            Ok(text) => (redact_body(&text, &content_type(&x.response_headers), &rules, &secrets), None),
            Err(_) => {
                use base64::Engine;
                (String::new(), Some(base64::engine::general_purpose::STANDARD.encode(&x.response_body)))
            }
        };
        exchanges.push(DraftExchange {
            method: x.method.clone(),
            path: secrets.apply(&x.path),
            query,
            headers,
            body,
            status: x.status,
            response_headers,
            response_body,
            response_body_base64,
        });
    }
    let mut args = req.args.clone();
    redact_args(&mut args, &rules, &secrets);
    let mut settings = serde_json::Map::new();
    let mut inputs = serde_json::Map::new();
    for c in creds {
        let value = if c.secret { secrets.known(&c.value).unwrap_or("").to_owned() } else { secrets.apply(&c.value) };
        match c.setting.strip_prefix("inputs.") {
            Some(name) => inputs.insert(name.to_owned(), Value::String(value)),
            None => settings.insert(c.setting.clone(), Value::String(value)),
        };
    }
    if !inputs.is_empty() {
        settings.insert("inputs".into(), Value::Object(inputs));
    }
    let draft = Draft {
        comment: format!(
            "Recorded with `{}`; secrets replaced by stand-ins (see conformance/README.md).\nReview it before committing: cassettes are public.",
            req.command
        ),
        operation: req.operation.clone(),
        doc: req.doc.as_ref().map(|d| secrets.apply(d)),
        settings: Value::Object(settings),
        args,
        all_pages: req.all_pages,
        expected_drift: req.expected_drift.clone(),
        exchanges,
    };
    Ok((draft, secrets))
}

/// A body with its secrets replaced: as text first (the body stays as sent), then, for a
/// secret only a field's place gives away (a number, a short text), field by field.
fn redact_body(text: &str, content_type: &str, rules: &Rules<'_>, secrets: &Secrets) -> String {
    let replaced = secrets.apply(text);
    if crate::compare::is_form_media_type(content_type) {
        let pairs: Vec<(String, String)> = form_urlencoded::parse(replaced.as_bytes()).map(|(k, v)| (k.into_owned(), v.into_owned())).collect();
        let mut changed = false;
        let mut out = form_urlencoded::Serializer::new(String::new());
        for (k, v) in &pairs {
            let v = match secrets.known(v) {
                Some(placeholder) if rules.field(k).is_some() => {
                    changed = true;
                    placeholder
                }
                _ => v.as_str(),
            };
            out.append_pair(k, v);
        }
        return if changed { out.finish() } else { replaced };
    }
    let Ok(parsed) = serde_json::from_str::<Value>(&replaced) else { return replaced };
    let mut redacted = parsed.clone();
    redact_json(&mut redacted, rules, secrets, false);
    if redacted == parsed { replaced } else { serde_json::to_string(&redacted).unwrap_or(replaced) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_fit_paths_segment_by_segment() {
        assert!(fits("/{envID}/as/token", "/env-1/as/token"));
        assert!(!fits("/{envID}/as/token", "/as/token"));
        assert!(!fits("/{envID}/as/token", "//as/token"));
        assert!(fits("/sessions", "/sessions"));
    }

    #[test]
    fn variables_are_named_after_the_provider_and_the_input() {
        assert_eq!(env_var("mx_platform", "client_id"), "LINKSPEC_MX_PLATFORM_CLIENT_ID");
        assert_eq!(env_var("pingone", "environment_id"), "LINKSPEC_PINGONE_ENVIRONMENT_ID");
    }

    #[test]
    fn every_missing_credential_is_named_at_once() {
        let pingone = meta("pingone").expect("compiled in");
        let e = credentials(pingone, "read_linked_accounts", &|_| None).expect_err("missing");
        assert!(
            e.contains("LINKSPEC_PINGONE_ENVIRONMENT_ID, LINKSPEC_PINGONE_CLIENT_ID, LINKSPEC_PINGONE_CLIENT_SECRET"),
            "{e}"
        );
        let plaid = meta("plaid").expect("compiled in");
        let e = credentials(plaid, "item_get", &|v| (v == "LINKSPEC_PLAID_CLIENT_ID").then(|| "abcdef".to_owned())).expect_err("secret missing");
        assert!(e.contains("LINKSPEC_PLAID_SECRET") && !e.contains("LINKSPEC_PLAID_CLIENT_ID") && !e.contains("abcdef"), "{e}");
        let e = credentials(plaid, "item_get", &|_| Some("ab".to_owned())).expect_err("too short");
        assert!(e.contains("too short") && !e.contains("ab,") && !e.contains(" ab"), "{e}");
    }
}
