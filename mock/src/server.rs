//! The responder behind a mock: each case's exchanges in order, the first case whose next
//! exchange matches answers, and a request no case expects is recorded with the closest
//! exchange and answered with status 599.

use crate::cassette::{Case, RecordedResponse};
use crate::compare::{Received, request_mismatches};
use crate::report::{Closest, Position, Unanswered, Unmatched};
use std::sync::{Arc, Mutex};
use wiremock::ResponseTemplate;

/// Status of the answer to a request that matches no exchange (as the conformance harness).
pub(crate) const MISMATCH_STATUS: u16 = 599;

/// One case and how far it has been answered.
#[derive(Debug)]
pub(crate) struct CaseState {
    pub(crate) case: Case,
    /// Index of the next exchange to answer.
    pub(crate) next: usize,
}

/// Everything the server has seen.
#[derive(Debug)]
pub(crate) struct State {
    /// The cases, in serving order.
    pub(crate) cases: Vec<CaseState>,
    /// Requests that matched nothing.
    pub(crate) unmatched: Vec<Unmatched>,
    /// Requests received so far.
    pub(crate) received: usize,
}

impl State {
    /// Exchanges not requested yet, case by case.
    pub(crate) fn unanswered(&self) -> Vec<Unanswered> {
        let mut out = Vec::new();
        for c in &self.cases {
            for (i, x) in c.case.cassette.exchanges.iter().enumerate().skip(c.next) {
                out.push(Unanswered {
                    case: c.case.id(),
                    file: c.case.path.clone(),
                    exchange: i + 1,
                    method: x.request.method.clone(),
                    path: x.request.path.clone(),
                });
            }
        }
        out
    }

    /// Answers `got`: the response of the first case whose next exchange it matches, or, after
    /// recording it as unmatched, the report's text.
    fn answer(&mut self, got: &Received) -> Result<RecordedResponse, String> {
        self.received += 1;
        for c in &mut self.cases {
            if let Some(x) = c.case.cassette.exchanges.get(c.next)
                && request_mismatches(&x.request, got).is_empty()
            {
                c.next += 1;
                return Ok(x.response.clone());
            }
        }
        let unmatched = Unmatched { request: self.received, method: got.method.clone(), path: got.path.clone(), closest: self.closest(got) };
        let text = unmatched.to_string();
        self.unmatched.push(unmatched);
        Err(text)
    }

    /// The expected exchange `got` comes closest to. Candidates are the exchanges not answered
    /// yet (every exchange, once all are answered). Closest: the same path, then the same
    /// method, then the fewest mismatches, then a case's next exchange before a later one, then
    /// serving order.
    fn closest(&self, got: &Received) -> Option<Closest> {
        let all_answered = self.cases.iter().all(|c| c.next >= c.case.cassette.exchanges.len());
        let mut best: Option<(Rank, Closest)> = None;
        for (ci, c) in self.cases.iter().enumerate() {
            let first = if all_answered { 0 } else { c.next };
            for (i, x) in c.case.cassette.exchanges.iter().enumerate().skip(first) {
                let mismatches = request_mismatches(&x.request, got);
                let key = (
                    mismatches.iter().any(|m| m.starts_with("path:")),
                    mismatches.iter().any(|m| m.starts_with("method:")),
                    mismatches.len(),
                    i != c.next,
                    ci,
                    i,
                );
                if best.as_ref().is_some_and(|(k, _)| *k <= key) {
                    continue;
                }
                let position = if i < c.next {
                    Position::Answered
                } else if i == c.next {
                    Position::Next
                } else {
                    let waiting = &c.case.cassette.exchanges[c.next].request;
                    Position::Later { next: c.next + 1, method: waiting.method.clone(), path: waiting.path.clone() }
                };
                let closest = Closest {
                    case: c.case.id(),
                    file: c.case.path.clone(),
                    exchange: i + 1,
                    method: x.request.method.clone(),
                    path: x.request.path.clone(),
                    position,
                    mismatches,
                };
                best = Some((key, closest));
            }
        }
        best.map(|(_, c)| c)
    }
}

/// How far an exchange is from a request, smaller is closer: path differs, method differs,
/// mismatches, not the case's next exchange, case index, exchange index.
type Rank = (bool, bool, usize, bool, usize, usize);

/// The wiremock responder of a mock.
pub(crate) struct Responder {
    pub(crate) state: Arc<Mutex<State>>,
}

impl wiremock::Respond for Responder {
    fn respond(&self, request: &wiremock::Request) -> ResponseTemplate {
        let got = Received::from_wiremock(request);
        let answer = self.state.lock().unwrap_or_else(|e| e.into_inner()).answer(&got);
        match answer {
            Ok(response) => {
                let mut template = ResponseTemplate::new(response.status).set_body_bytes(response.bytes());
                for (name, value) in &response.headers {
                    template = template.append_header(name.as_str(), value.as_str());
                }
                template
            }
            Err(unmatched) => ResponseTemplate::new(MISMATCH_STATUS)
                .set_body_string(format!("linkspec-mock: {unmatched}"))
                .append_header("content-type", "text/plain; charset=utf-8"),
        }
    }
}
