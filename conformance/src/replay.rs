//! Replaying one case: a wiremock server on 127.0.0.1 answers with the recorded responses,
//! the generated client is called by operation name, and everything is checked: the
//! requests it sent, the outcome, that decoding lost nothing, and the typed result's snapshot.

use crate::cassette::{Case, ExpectedRequest, Outcome, RecordedResponse};
use crate::compare::{Difference, Received, json_differences, request_mismatches};
use crate::snapshot::{Place, Update};
use linkspec_runtime::JsonOutcome;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, Instant};
use wiremock::{Mock, MockServer, ResponseTemplate, matchers};

/// Pages an `all_pages` case may fetch; a case records far fewer.
const MAX_PAGES: usize = 100;

/// Status the replay server answers with when a request does not match its exchange.
pub const MISMATCH_STATUS: u16 = 599;

/// How to replay.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Where snapshots live (`<dir>/<provider>/<case>.snap`); `None` skips snapshots.
    pub snapshots: Option<PathBuf>,
    /// What to do with a new or changed snapshot (see [`Update::from_env`]).
    pub update: Update,
}

/// What became of a case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// Every check held.
    Pass,
    /// Failed as its `known_failure` mark says; counted as passing.
    KnownFailure {
        /// The mark's reason.
        reason: String,
        /// What failed.
        problems: Vec<String>,
    },
    /// At least one check failed.
    Fail(Vec<String>),
}

/// A replayed case.
#[derive(Debug, Clone)]
pub struct CaseResult {
    /// Provider.
    pub provider: String,
    /// `provider/name`.
    pub id: String,
    /// Verdict.
    pub verdict: Verdict,
    /// Wall time of the replay.
    pub elapsed: Duration,
    /// For a view case that passed: the view, and the status rows its items matched.
    pub status_rows: Option<(String, Vec<usize>)>,
}

/// Answers each request with the next recorded response if it matches the next expected
/// request, and with [`MISMATCH_STATUS`] otherwise.
struct Replayer {
    exchanges: Vec<(ExpectedRequest, RecordedResponse)>,
    next: Mutex<usize>,
}

impl wiremock::Respond for Replayer {
    fn respond(&self, request: &wiremock::Request) -> ResponseTemplate {
        let index = {
            let mut next = self.next.lock().unwrap_or_else(|e| e.into_inner());
            let i = *next;
            *next += 1;
            i
        };
        let Some((want, response)) = self.exchanges.get(index) else {
            return ResponseTemplate::new(MISMATCH_STATUS).set_body_string("linkspec replay: no exchange left for this request");
        };
        if !request_mismatches(want, &Received::from_wiremock(request)).is_empty() {
            return ResponseTemplate::new(MISMATCH_STATUS)
                .set_body_string(format!("linkspec replay: the request does not match exchange {}", index + 1));
        }
        let mut template = ResponseTemplate::new(response.status).set_body_bytes(response.bytes());
        for (name, value) in &response.headers {
            template = template.append_header(name.as_str(), value.as_str());
        }
        template
    }
}

/// Replays one case.
pub async fn replay(case: &Case, options: &Options) -> CaseResult {
    let started = Instant::now();
    let (problems, status_rows) = check(case, options).await;
    let verdict = match (&case.cassette.known_failure, problems.is_empty()) {
        (None, true) => Verdict::Pass,
        (None, false) => Verdict::Fail(problems),
        (Some(reason), false) => Verdict::KnownFailure { reason: reason.clone(), problems },
        (Some(reason), true) => Verdict::Fail(vec![format!(
            "marked known_failure ({reason}) but every check passes: remove the mark"
        )]),
    };
    let status_rows = case.cassette.view.clone().filter(|_| matches!(verdict, Verdict::Pass)).map(|v| (v, status_rows));
    CaseResult { provider: case.provider.clone(), id: case.id(), verdict, elapsed: started.elapsed(), status_rows }
}

async fn check(case: &Case, options: &Options) -> (Vec<String>, Vec<usize>) {
    let c = &case.cassette;
    let mut settings = match case.settings() {
        Ok(s) => s,
        Err(e) => return (vec![e], Vec::new()),
    };
    let server = MockServer::start().await;
    let replayer = Replayer {
        exchanges: c.exchanges.iter().map(|x| (x.request.clone(), x.response.clone())).collect(),
        next: Mutex::new(0),
    };
    Mock::given(matchers::any()).respond_with(replayer).mount(&server).await;
    settings.base_url = Some(server.uri());
    // Waits the client asks for (Retry-After, backoff) pass at once: replays stay fast and
    // deterministic in time.
    settings.clock = Some(std::sync::Arc::new(linkspec_runtime::ManualClock::new(std::time::SystemTime::now())));
    if let Some(view) = &c.view
        && let Some((_, _, operation, _)) = linkspec_clients::view_status_rows().into_iter().find(|(p, v, _, _)| *p == case.provider && v == view)
        && operation != c.operation
    {
        return (vec![format!("operation: the {view} view of {} calls `{operation}`, and the case says `{}`", case.provider, c.operation)], Vec::new());
    }
    let called = if let Some(view) = &c.view {
        linkspec_clients::call_view_json(&case.provider, &settings, view, c.args.clone()).await
    } else if c.all_pages {
        linkspec_clients::call_json_pages(&case.provider, &settings, &c.operation, c.args.clone(), MAX_PAGES).await
    } else {
        linkspec_clients::call_json(&case.provider, &settings, &c.operation, c.args.clone()).await
    };
    let received = server.received_requests().await.unwrap_or_default();
    let outcome = match called {
        Ok(outcome) => outcome,
        Err(e) => return (vec![format!("call: {e}")], Vec::new()),
    };

    let mut problems = exchange_problems(case, &received);
    if !problems.is_empty() {
        // The outcome of a call whose requests were wrong says nothing more.
        return (problems, Vec::new());
    }
    problems.extend(outcome_problems(case, &outcome));
    if problems.is_empty()
        && let Some(dir) = &options.snapshots
        && let Err(e) = snapshot(case, &outcome, dir, options.update)
    {
        problems.push(e);
    }
    (problems, view_rows(case, &outcome))
}

/// The status rows a view case's items matched (from the `status_row` of each).
fn view_rows(case: &Case, outcome: &JsonOutcome) -> Vec<usize> {
    let (Some(_), JsonOutcome::Success { json: serde_json::Value::Array(items), .. }) = (&case.cassette.view, outcome) else {
        return Vec::new();
    };
    items.iter().filter_map(|i| i.get("status_row")?.as_u64()).filter_map(|r| usize::try_from(r).ok()).collect()
}

/// Every expected exchange happened, in order, and no other.
fn exchange_problems(case: &Case, received: &[wiremock::Request]) -> Vec<String> {
    let mut out = Vec::new();
    let expected = &case.cassette.exchanges;
    for (i, x) in expected.iter().enumerate() {
        let label = format!("exchange {} ({} {})", i + 1, x.request.method, x.request.path);
        match received.get(i) {
            Some(r) => {
                let got = Received::from_wiremock(r);
                out.extend(request_mismatches(&x.request, &got).into_iter().map(|m| format!("{label}: {m}")));
            }
            None => out.push(format!("{label}: never sent (the client made {} request(s))", received.len())),
        }
    }
    for (i, r) in received.iter().enumerate().skip(expected.len()) {
        out.push(format!("unexpected request {}: {} {}", i + 1, r.method, r.url.path()));
    }
    out
}

/// The outcome has the expected kind, and re-serialising the typed value reproduces the
/// recorded body: unknown fields are drift unless the case expects them, changed values fail.
/// A key a model keeps in its catch-all (`unknown_keys: keep`) re-encodes, but is drift all the
/// same: the runtime names such keys (`kept`), so the model's gaps stay visible.
fn outcome_problems(case: &Case, outcome: &JsonOutcome) -> Vec<String> {
    let want = case.expected_outcome();
    let (got, json, kept) = match outcome {
        JsonOutcome::Success { json, kept, .. } => (Outcome::Success, Some(json), kept.as_slice()),
        // An error answer outside the envelope has no typed value to compare with its body.
        JsonOutcome::ProviderError { json, kept, .. } => (Outcome::ProviderError, json.as_ref(), kept.as_slice()),
        JsonOutcome::Failure { .. } => (Outcome::Failure, None, &[][..]),
    };
    if want != got {
        let detail = match outcome {
            JsonOutcome::Success { .. } => "the success model".to_owned(),
            JsonOutcome::ProviderError { status, code, .. } => {
                format!("the provider's error envelope (status {status}, code {})", code.as_deref().unwrap_or("none"))
            }
            JsonOutcome::Failure { message, .. } => message.clone(),
        };
        return vec![format!("outcome: expected {}, got {}: {detail}", want.as_str(), got.as_str())];
    }
    if let Some(problems) = crate::binary::binary_problems(case, outcome) {
        return problems;
    }
    // A view case's value is the view's items, not a recorded body: its exchanges are checked
    // above, its items by the snapshot.
    if case.cassette.view.is_some() {
        return Vec::new();
    }
    let Some(json) = json else {
        // An error answer the client could not read as the envelope: fine for a gateway's page,
        // but a recorded JSON body is meant to be the envelope, and the model does not fit it.
        let body = case.cassette.exchanges.last().map_or("", |e| e.response.body.trim());
        if got == Outcome::ProviderError && serde_json::from_str::<serde_json::Value>(body).is_ok_and(|v| !v.is_null()) {
            return vec!["envelope: the recorded error body is JSON but does not decode into the error model".to_owned()];
        }
        return Vec::new();
    };
    // Each page of an `all_pages` success answers one of the last exchanges, in order.
    let typed: Vec<&serde_json::Value> = match (case.cassette.all_pages, got, json) {
        (true, Outcome::Success, serde_json::Value::Array(pages)) => pages.iter().collect(),
        _ => vec![json],
    };
    let exchanges = &case.cassette.exchanges;
    let Some(first) = exchanges.len().checked_sub(typed.len()) else {
        return vec![format!("lossless: {} pages decoded from {} exchanges", typed.len(), exchanges.len())];
    };
    let mut out = Vec::new();
    let mut drift_seen = Vec::new();
    let paged = matches!((case.cassette.all_pages, got, json), (true, Outcome::Success, serde_json::Value::Array(_)));
    for (page, (exchange, json)) in exchanges[first..].iter().zip(typed).enumerate() {
        let body = exchange.response.body.trim();
        let recorded: serde_json::Value = if body.is_empty() {
            serde_json::Value::Null
        } else {
            match serde_json::from_str(body) {
                Ok(v) => v,
                Err(e) => return vec![format!("lossless: the recorded body is not JSON: {e}")],
            }
        };
        // An empty answer (`()`, serialised as null) that came with `{}` lost nothing.
        if json.is_null() && recorded.as_object().is_some_and(serde_json::Map::is_empty) {
            continue;
        }
        lossless_problems(case, &recorded, json, &mut out, &mut drift_seen);
        let kept_here = kept.iter().filter_map(|p| if paged { page_pointer(p, page) } else { Some(p.as_str()) });
        kept_drift(case, &recorded, kept_here, &mut out, &mut drift_seen);
    }
    for pointer in &case.cassette.expected_drift {
        if !drift_seen.contains(pointer) {
            out.push(format!("expected_drift lists {pointer}, but the model holds it or the body lacks it: remove it"));
        }
    }
    out
}

/// `pointer` within page `page` of an `all_pages` value (`/1/items/0/x` is `/items/0/x` of page 1).
fn page_pointer(pointer: &str, page: usize) -> Option<&str> {
    let rest = pointer.strip_prefix('/')?;
    let (index, tail) = rest.split_once('/').unwrap_or((rest, ""));
    (index.parse::<usize>().ok()? == page).then(|| &pointer[1 + index.len()..]).filter(|_| !tail.is_empty())
}

/// Keys of one recorded body that re-encode only because a model keeps them: drift unless the
/// case expects them.
fn kept_drift<'a>(
    case: &Case,
    recorded: &serde_json::Value,
    kept: impl Iterator<Item = &'a str>,
    out: &mut Vec<String>,
    drift_seen: &mut Vec<String>,
) {
    for pointer in kept {
        if case.cassette.expected_drift.iter().any(|p| p == pointer) {
            drift_seen.push(pointer.to_owned());
            continue;
        }
        let value = recorded.pointer(pointer).map_or_else(|| "?".to_owned(), ToString::to_string);
        out.push(format!(
            "drift: the recorded body has {pointer} = {value}, which the model keeps but does not declare (add it to the spec, or list it under expected_drift)"
        ));
    }
}

/// Differences between one recorded body and the typed value serialised back.
fn lossless_problems(case: &Case, recorded: &serde_json::Value, json: &serde_json::Value, out: &mut Vec<String>, drift_seen: &mut Vec<String>) {
    for d in json_differences(recorded, json) {
        match d {
            Difference::Missing { pointer, expected } => {
                if case.cassette.expected_drift.contains(&pointer) {
                    drift_seen.push(pointer);
                } else {
                    out.push(format!(
                        "drift: the recorded body has {pointer} = {expected}, which the model does not hold (add it to the spec, or list it under expected_drift)"
                    ));
                }
            }
            Difference::Unexpected { pointer, actual } => {
                out.push(format!("lossless: the typed value adds {pointer} = {actual}, absent from the recorded body"));
            }
            Difference::Changed { pointer, expected, actual } => {
                out.push(format!("lossless: at {pointer} the recorded body has {expected}, the typed value gives {actual}"));
            }
        }
    }
}

/// The text snapshotted for a case: its outcome kind and the typed value's `Debug`.
pub fn snapshot_text(case: &Case, outcome: &JsonOutcome) -> String {
    let (kind, debug) = match outcome {
        JsonOutcome::Success { debug, .. } => ("success", debug),
        JsonOutcome::ProviderError { debug, .. } => ("provider_error", debug),
        JsonOutcome::Failure { debug, .. } => ("failure", debug),
    };
    let view = case.cassette.view.as_ref().map(|v| format!("view: {v}\n")).unwrap_or_default();
    format!("case: {}\noperation: {}\n{view}outcome: {kind}\n\n{debug}\n", case.id(), case.cassette.operation)
}

fn snapshot(case: &Case, outcome: &JsonOutcome, dir: &Path, update: Update) -> Result<(), String> {
    let file = dir.join(&case.provider).join(format!("{}.snap", case.name));
    // The header names the cassette relative to the checkout, as insta would.
    let checkout = dir.parent().and_then(Path::parent);
    let input = checkout.and_then(|c| case.path.strip_prefix(c).ok()).unwrap_or(&case.path);
    let input_file = input.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/");
    crate::snapshot::check(&Place { file, input_file }, &snapshot_text(case, outcome), update).map(|_| ())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn case(body: &str, drift: &str) -> Case {
        let text = format!(
            "version: 1\noperation: op\nexpected_drift: [{drift}]\nexchanges:\n  - request: {{method: GET, path: /}}\n    response: {{status: 200, body: '{body}'}}\n"
        );
        crate::cassette::parse("p", Path::new("p/c.yaml"), &text).expect("parses")
    }

    fn success(json: serde_json::Value) -> JsonOutcome {
        JsonOutcome::Success { debug: String::new(), json, kept: Vec::new() }
    }

    fn kept(json: serde_json::Value, kept: &[&str]) -> JsonOutcome {
        JsonOutcome::Success { debug: String::new(), json, kept: kept.iter().map(|p| (*p).to_owned()).collect() }
    }

    #[test]
    fn lossless_reports_widened_added_and_unknown_values() {
        let c = case(r#"{"n": 5, "t": "2023-02-16T09:14:11Z", "extra": 1}"#, "");
        let problems = outcome_problems(&c, &success(json!({"n": 5.0, "t": "2023-02-16T09:14:11+00:00", "added": null})));
        assert_eq!(
            problems,
            [
                "drift: the recorded body has /extra = 1, which the model does not hold (add it to the spec, or list it under expected_drift)",
                "lossless: at /n the recorded body has 5, the typed value gives 5.0",
                "lossless: at /t the recorded body has \"2023-02-16T09:14:11Z\", the typed value gives \"2023-02-16T09:14:11+00:00\"",
                "lossless: the typed value adds /added = null, absent from the recorded body",
            ]
        );
    }

    #[test]
    fn expected_drift_is_accepted_once_seen() {
        let c = case(r#"{"n": 5, "extra": 1}"#, "/extra");
        assert!(outcome_problems(&c, &success(json!({"n": 5}))).is_empty());
        assert_eq!(outcome_problems(&c, &success(json!({"n": 5, "extra": 1}))).len(), 1);
    }

    #[test]
    fn kept_keys_reencode_but_are_still_drift() {
        let c = case(r#"{"n": 5, "extra": {"a": 1}, "more": "x"}"#, "/extra");
        let typed = json!({"n": 5, "extra": {"a": 1}, "more": "x"});
        assert_eq!(
            outcome_problems(&c, &kept(typed.clone(), &["/extra", "/more"])),
            ["drift: the recorded body has /more = \"x\", which the model keeps but does not declare (add it to the spec, or list it under expected_drift)"]
        );
        // Both listed: accepted. A listed pointer the body no longer has is reported as stale.
        let c = case(r#"{"n": 5, "extra": {"a": 1}, "more": "x"}"#, "/extra, /more");
        assert!(outcome_problems(&c, &kept(typed, &["/extra", "/more"])).is_empty());
        let c = case(r#"{"n": 5, "extra": {"a": 1}}"#, "/extra, /more");
        let problems = outcome_problems(&c, &kept(json!({"n": 5, "extra": {"a": 1}}), &["/extra"]));
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(problems[0].starts_with("expected_drift lists /more"), "{problems:?}");
    }

    #[test]
    fn kept_keys_of_pages_are_located_per_page() {
        assert_eq!(page_pointer("/1/items/0/x", 1), Some("/items/0/x"));
        assert_eq!(page_pointer("/1/items", 0), None);
        assert_eq!(page_pointer("/1", 1), None);
    }
}
