//! The recording proxy: a plain HTTP/1.1 server on 127.0.0.1 per upstream host that the client
//! under recording is pointed at (its base URL and each of its other hosts). Each request is
//! forwarded to the real upstream as received, and the exchange is kept byte for byte, in the
//! order the client caused it.
//!
//! hyper serves (it is in the lock file through wiremock, with these features): wiremock's
//! responders are synchronous and cannot wait for an upstream. reqwest forwards (the runtime's
//! HTTP client, re-exported by it), with redirects off so a 3xx is recorded as sent.

use hyper::body::{Bytes, Incoming};
use http_body_util::{BodyExt, Full};
use linkspec_runtime::reqwest;
use std::convert::Infallible;
use std::sync::{Arc, Mutex};

/// Headers of one connection (RFC 9110 section 7.6.1), and the length, which hyper and reqwest
/// each set for the body they send: never forwarded.
const HOP_BY_HOP: &[&str] =
    &["connection", "keep-alive", "proxy-connection", "te", "trailer", "transfer-encoding", "upgrade", "host", "content-length"];

/// One exchange as it went over the wire.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Captured {
    /// The host it went to: `None` for the base URL, else the spec's host name (`auth`).
    pub host: Option<String>,
    /// Method, upper case.
    pub method: String,
    /// The path the client sent, percent-encoded, without the query.
    pub path: String,
    /// The raw query, without `?` (empty when none).
    pub query: String,
    /// Request headers, names lower case, in order.
    pub headers: Vec<(String, String)>,
    /// Request body.
    pub body: Vec<u8>,
    /// Response status.
    pub status: u16,
    /// Response headers, names lower case, in order.
    pub response_headers: Vec<(String, String)>,
    /// Response body.
    pub response_body: Vec<u8>,
}

/// Where the exchanges of every proxy of a recording go, in order.
pub type Log = Arc<Mutex<Vec<Captured>>>;

/// Failures forwarding to an upstream (it could not be reached), kept for the report.
pub type Failures = Arc<Mutex<Vec<String>>>;

/// A running proxy; it stops when dropped.
#[derive(Debug)]
pub struct Proxy {
    /// `http://127.0.0.1:<port>`, for the client's settings.
    pub url: String,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for Proxy {
    fn drop(&mut self) {
        self.task.abort();
    }
}

struct State {
    host: Option<String>,
    upstream: reqwest::Url,
    http: reqwest::Client,
    log: Log,
    failures: Failures,
}

/// Starts a proxy on 127.0.0.1 forwarding to `upstream` (its path is put in front of each
/// request's), recording into `log`.
pub async fn start(host: Option<String>, upstream: &str, log: Log, failures: Failures) -> Result<Proxy, String> {
    let upstream = reqwest::Url::parse(upstream).map_err(|e| format!("upstream URL {}: {e}", linkspec_runtime::redact_url(upstream)))?;
    if !matches!(upstream.scheme(), "http" | "https") {
        return Err(format!("upstream URL {}: not http(s)", linkspec_runtime::redact_url(upstream.as_str())));
    }
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .map_err(|e| format!("could not make the forwarding HTTP client: {e}"))?;
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0)).await.map_err(|e| format!("could not listen on 127.0.0.1: {e}"))?;
    let addr = listener.local_addr().map_err(|e| format!("could not read the proxy's address: {e}"))?;
    let state = Arc::new(State { host, upstream, http, log, failures });
    let task = tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let state = state.clone();
            tokio::spawn(async move {
                let service = hyper::service::service_fn(move |request| {
                    let state = state.clone();
                    async move { Ok::<_, Infallible>(forward(&state, request).await) }
                });
                let _ = hyper::server::conn::http1::Builder::new().serve_connection(hyper_util::rt::TokioIo::new(stream), service).await;
            });
        }
    });
    Ok(Proxy { url: format!("http://{addr}"), task })
}

fn answer(status: u16, body: String) -> hyper::Response<Full<Bytes>> {
    let mut response = hyper::Response::new(Full::new(Bytes::from(body)));
    *response.status_mut() = hyper::StatusCode::from_u16(status).unwrap_or(hyper::StatusCode::BAD_GATEWAY);
    response
}

/// The upstream URL of a request: the upstream's path, then the request's path and query.
fn target(upstream: &reqwest::Url, path: &str, query: &str) -> reqwest::Url {
    let mut url = upstream.clone();
    url.set_path(&format!("{}/{}", upstream.path().trim_end_matches('/'), path.trim_start_matches('/')));
    url.set_query(if query.is_empty() { None } else { Some(query) });
    url
}

async fn forward(state: &State, request: hyper::Request<Incoming>) -> hyper::Response<Full<Bytes>> {
    let (parts, body) = request.into_parts();
    let body = match body.collect().await {
        Ok(collected) => collected.to_bytes().to_vec(),
        Err(e) => return answer(502, format!("linkspec record: could not read the request body: {e}")),
    };
    let path = parts.uri.path().to_owned();
    let query = parts.uri.query().unwrap_or("").to_owned();
    let headers: Vec<(String, String)> = parts
        .headers
        .iter()
        .map(|(k, v)| (k.as_str().to_ascii_lowercase(), String::from_utf8_lossy(v.as_bytes()).into_owned()))
        .collect();
    let url = target(&state.upstream, &path, &query);
    let method = reqwest::Method::from_bytes(parts.method.as_str().as_bytes()).unwrap_or(reqwest::Method::GET);
    let mut outgoing = state.http.request(method, url);
    for (name, value) in parts.headers.iter() {
        if !HOP_BY_HOP.contains(&name.as_str()) {
            outgoing = outgoing.header(name.as_str(), value.as_bytes());
        }
    }
    if !body.is_empty() {
        outgoing = outgoing.body(body.clone());
    }
    let response = match outgoing.send().await {
        Ok(r) => r,
        Err(e) => {
            // reqwest's text names the URL, which holds no credential (they travel in headers).
            let message = format!("{} {path}: the upstream did not answer: {e}", parts.method);
            state.failures.lock().unwrap_or_else(|e| e.into_inner()).push(message.clone());
            return answer(502, format!("linkspec record: {message}"));
        }
    };
    let status = response.status().as_u16();
    let response_headers: Vec<(String, String)> = response
        .headers()
        .iter()
        .map(|(k, v)| (k.as_str().to_ascii_lowercase(), String::from_utf8_lossy(v.as_bytes()).into_owned()))
        .collect();
    let mut back = hyper::Response::builder().status(status);
    for (name, value) in response.headers() {
        if !HOP_BY_HOP.contains(&name.as_str()) {
            back = back.header(name.as_str(), value.as_bytes());
        }
    }
    let response_body = match response.bytes().await {
        Ok(b) => b.to_vec(),
        Err(e) => {
            let message = format!("{} {path}: the upstream's answer broke off: {e}", parts.method);
            state.failures.lock().unwrap_or_else(|e| e.into_inner()).push(message.clone());
            return answer(502, format!("linkspec record: {message}"));
        }
    };
    state.log.lock().unwrap_or_else(|e| e.into_inner()).push(Captured {
        host: state.host.clone(),
        method: parts.method.as_str().to_owned(),
        path,
        query,
        headers,
        body,
        status,
        response_headers,
        response_body: response_body.clone(),
    });
    back.body(Full::new(Bytes::from(response_body))).unwrap_or_else(|e| answer(502, format!("linkspec record: {e}")))
}

#[cfg(test)]
mod tests {
    use super::target;

    #[test]
    fn the_upstream_path_goes_in_front() {
        let up = linkspec_runtime::reqwest::Url::parse("https://api.example.com/v1/").unwrap();
        assert_eq!(target(&up, "/users/a%2Fb", "x=1").as_str(), "https://api.example.com/v1/users/a%2Fb?x=1");
        let root = linkspec_runtime::reqwest::Url::parse("http://127.0.0.1:9/").unwrap();
        assert_eq!(target(&root, "/t", "").as_str(), "http://127.0.0.1:9/t");
    }
}
