//! One call being assembled by a generated method: parameters and body.

use crate::meta::OperationMeta;
use std::fmt::Display;

/// The parts of a request before credentials, URL and headers are added by the transport.
#[derive(Debug)]
pub struct Call {
    pub(crate) meta: &'static OperationMeta,
    pub(crate) path_params: Vec<(&'static str, String)>,
    pub(crate) query: Vec<(&'static str, String)>,
    pub(crate) headers: Vec<(&'static str, String)>,
    pub(crate) body: Option<Result<serde_json::Value, String>>,
}

impl Call {
    /// A call to the operation `meta` describes.
    pub fn new(meta: &'static OperationMeta) -> Self {
        Call { meta, path_params: Vec::new(), query: Vec::new(), headers: Vec::new(), body: None }
    }

    /// The operation's description.
    pub fn meta(&self) -> &'static OperationMeta {
        self.meta
    }

    /// Fills the `{name}` segment of the path; the value is percent-encoded as one segment.
    pub fn path_param(&mut self, name: &'static str, value: &impl Display) {
        self.path_params.push((name, value.to_string()));
    }

    /// Adds a query pair; the value is form-encoded.
    pub fn query(&mut self, name: &'static str, value: &impl Display) {
        self.query.push((name, value.to_string()));
    }

    /// Adds a header.
    pub fn header(&mut self, name: &'static str, value: &impl Display) {
        self.headers.push((name, value.to_string()));
    }

    /// Sets the JSON body.
    pub fn json_body(&mut self, body: &impl serde::Serialize) {
        self.body = Some(serde_json::to_value(body).map_err(|e| e.to_string()));
    }
}
