//! One call being assembled by a generated method: parameters and body.

use crate::meta::OperationMeta;
use std::fmt::Display;

/// The parts of a request before credentials, URL and headers are added by the transport.
/// `Debug` shows parameter and header names but not their values, which may be credentials or
/// personal data.
#[derive(Clone)]
pub struct Call {
    pub(crate) meta: &'static OperationMeta,
    pub(crate) path_params: Vec<(&'static str, String)>,
    /// Path parameters the transport fills from the client's inputs: (parameter, input).
    pub(crate) path_inputs: Vec<(&'static str, &'static str)>,
    pub(crate) query: Vec<(&'static str, QueryValue)>,
    /// Name, value, and whether the value is a secret (kept out of logs and Debug).
    pub(crate) headers: Vec<(&'static str, String, bool)>,
    /// The body as JSON text, so numbers keep the text they were written with (a `Decimal`
    /// never passes through an `f64`).
    pub(crate) body: Option<Result<Box<serde_json::value::RawValue>, String>>,
    /// A full URL that replaces the path template and query (the next page's link).
    pub(crate) url: Option<reqwest::Url>,
    /// The `Accept` of an operation with a binary answer (`None`: the JSON media type).
    pub(crate) accept: Option<&'static str>,
    /// The operation's own largest answer body, from the spec (`None`: the default).
    pub(crate) max_body: Option<usize>,
}

impl Call {
    /// A call to the operation `meta` describes.
    pub fn new(meta: &'static OperationMeta) -> Self {
        Call { meta, path_params: Vec::new(), path_inputs: Vec::new(), query: Vec::new(), headers: Vec::new(), body: None, url: None, accept: None, max_body: None }
    }

    /// The operation's description.
    pub fn meta(&self) -> &'static OperationMeta {
        self.meta
    }

    /// Fills the `{name}` segment of the path; the value is percent-encoded as one segment.
    pub fn path_param(&mut self, name: &'static str, value: &impl Display) {
        self.path_params.push((name, value.to_string()));
    }

    /// Fills the `{name}` segment of the path from the client's input `input` (a setting of
    /// its builder, such as an environment id) when the call is sent.
    pub fn path_input(&mut self, name: &'static str, input: &'static str) {
        self.path_inputs.push((name, input));
    }

    /// Adds a query pair; the value is percent-encoded.
    pub fn query(&mut self, name: &'static str, value: &impl Display) {
        self.query.push((name, QueryValue::One(value.to_string())));
    }

    /// Adds one query pair per item, in order: `?ids=a&ids=b`. An empty list adds nothing.
    pub fn query_repeated<T: Display>(&mut self, name: &'static str, values: &[T]) {
        self.query.extend(values.iter().map(|v| (name, QueryValue::One(v.to_string()))));
    }

    /// Adds one query pair holding every item, joined by commas: `?ids=a,b`. Each item is
    /// percent-encoded on its own, so a comma inside an item is sent as `%2C` and the commas
    /// between items stay as they are. An empty list adds nothing.
    pub fn query_comma<T: Display>(&mut self, name: &'static str, values: &[T]) {
        if !values.is_empty() {
            self.query.push((name, QueryValue::Comma(values.iter().map(ToString::to_string).collect())));
        }
    }

    /// Adds a header.
    pub fn header(&mut self, name: &'static str, value: &impl Display) {
        self.headers.push((name, value.to_string(), false));
    }

    /// Adds a header whose value is a secret or personal data: marked sensitive for the HTTP
    /// stack and never logged.
    pub fn secret_header(&mut self, name: &'static str, value: &impl Display) {
        self.headers.push((name, value.to_string(), true));
    }

    /// Sets a query parameter, replacing every earlier value of it.
    pub fn set_query(&mut self, name: &'static str, value: &impl Display) {
        self.query.retain(|(n, _)| *n != name);
        self.query.push((name, QueryValue::One(value.to_string())));
    }

    /// Asks for a binary answer of this media type (sent as `Accept`) instead of JSON.
    pub fn accept(&mut self, media_type: &'static str) {
        self.accept = Some(media_type);
    }

    /// The largest answer body this operation reads, in bytes, as its spec says (a report PDF
    /// can exceed the default). A limit set on the client wins over it.
    pub fn max_body_bytes(&mut self, limit: usize) {
        self.max_body = Some(limit);
    }

    /// Sets the JSON body.
    pub fn json_body(&mut self, body: &impl serde::Serialize) {
        self.body = Some(serde_json::value::to_raw_value(body).map_err(|e| e.to_string()));
    }
}

/// The value of one query pair.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum QueryValue {
    /// One value.
    One(String),
    /// Items sent as one value, joined by commas.
    Comma(Vec<String>),
}

impl QueryValue {
    /// The single value, for paging parameters (never a list).
    pub(crate) fn single(&self) -> Option<&str> {
        match self {
            QueryValue::One(v) => Some(v),
            QueryValue::Comma(_) => None,
        }
    }

    /// Appends the value as it goes in the URL: percent-encoded, a list's items each on its own
    /// and joined by commas.
    pub(crate) fn encode_into(&self, out: &mut String) {
        match self {
            QueryValue::One(v) => crate::wire::encode_query_into(out, v),
            QueryValue::Comma(items) => {
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    crate::wire::encode_query_into(out, item);
                }
            }
        }
    }
}

impl std::fmt::Debug for Call {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let headers: Vec<&str> = self.headers.iter().map(|(name, _, _)| *name).collect();
        let path_params: Vec<&str> = self.path_params.iter().map(|(name, _)| *name).chain(self.path_inputs.iter().map(|(name, _)| *name)).collect();
        let query: Vec<&str> = self.query.iter().map(|(name, _)| *name).collect();
        f.debug_struct("Call")
            .field("operation", &self.meta.name)
            .field("path_params", &path_params)
            .field("query", &query)
            .field("headers", &headers)
            .field("body", &self.body.as_ref().map(|_| crate::Redacted))
            .finish()
    }
}
