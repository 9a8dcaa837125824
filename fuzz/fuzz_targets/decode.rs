//! Fuzz target: any answer body through every generated client's decoding and error path.
//!
//! Input: one byte choosing a recorded conformance case (its operation, arguments and client
//! settings), one byte choosing the status answered, and the body. A server on 127.0.0.1
//! answers every request of the call (credential acquisition included) with that status and
//! body; the call goes through the generated client exactly as an application's would
//! (`Client::call_json`). It must never panic, and no error text (`Display` or `Debug` of the
//! typed error, `Debug` of a typed value) may hold the value of a field the specs mark
//! `sensitive`.
#![no_main]

use libfuzzer_sys::fuzz_target;
use linkspec_clients::runtime::{ClientSettings, JsonOutcome};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::sync::{Mutex, OnceLock};

/// Statuses an answer may have: successes, the classified error statuses, and server errors.
const STATUSES: &[u16] = &[200, 201, 202, 204, 400, 401, 403, 404, 410, 429, 500, 502, 503];

/// What the server answers next.
static ANSWER: Mutex<(u16, Vec<u8>)> = Mutex::new((200, Vec::new()));

/// A recorded case, as far as this target needs it.
#[derive(serde::Deserialize)]
struct Cassette {
    operation: String,
    #[serde(default)]
    settings: Value,
    #[serde(default)]
    args: Value,
}

struct Case {
    provider: String,
    operation: String,
    settings: Value,
    args: Value,
}

struct World {
    runtime: tokio::runtime::Runtime,
    http: linkspec_clients::runtime::reqwest::Client,
    base_url: String,
    cases: Vec<Case>,
    /// Every provider's IR, to find which parts of a body are sensitive.
    providers: BTreeMap<String, linkspec_codegen::ir::Provider>,
}

fn world() -> &'static World {
    static WORLD: OnceLock<World> = OnceLock::new();
    WORLD.get_or_init(|| {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("the fuzz crate sits in the checkout");
        let listener = TcpListener::bind("127.0.0.1:0").expect("a port on 127.0.0.1");
        let base_url = format!("http://{}", listener.local_addr().expect("address"));
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                answer(stream);
            }
        });
        let world = World {
            runtime: tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime"),
            http: linkspec_clients::runtime::reqwest::Client::builder()
                .redirect(linkspec_clients::runtime::reqwest::redirect::Policy::none())
                .build()
                .expect("http client"),
            base_url,
            cases: cases(&root.join("conformance/cassettes")),
            providers: providers(&root.join("specs")),
        };
        // A case whose client cannot be built would pass every input without a call: refuse it.
        *ANSWER.lock().unwrap_or_else(|e| e.into_inner()) = (500, Vec::new());
        for case in &world.cases {
            assert!(world.runtime.block_on(call(&world, case)).is_some(), "{}/{}: no client or no call", case.provider, case.operation);
        }
        world
    })
}

/// Every recorded case, in path order (the input's first byte indexes this list).
fn cases(dir: &Path) -> Vec<Case> {
    let mut paths = Vec::new();
    for provider in std::fs::read_dir(dir).expect("conformance/cassettes").flatten() {
        for file in std::fs::read_dir(provider.path()).expect("a provider's cassettes").flatten() {
            paths.push((provider.file_name().to_string_lossy().into_owned(), file.path()));
        }
    }
    paths.sort();
    let known: BTreeSet<(&str, &str)> = linkspec_clients::operations().into_iter().collect();
    let mut out = Vec::new();
    for (provider, path) in paths {
        let text = std::fs::read_to_string(&path).expect("a cassette");
        let cassette: Cassette = serde_saphyr::from_str(&text).expect("a cassette that reads");
        if known.contains(&(provider.as_str(), cassette.operation.as_str())) {
            out.push(Case { provider, operation: cassette.operation, settings: cassette.settings, args: cassette.args });
        }
    }
    assert!(!out.is_empty(), "no conformance case to fuzz");
    out
}

/// Every provider's IR, from the specs themselves.
fn providers(dir: &Path) -> BTreeMap<String, linkspec_codegen::ir::Provider> {
    let mut specs = Vec::new();
    for entry in std::fs::read_dir(dir).expect("specs/").flatten() {
        let path = entry.path();
        if path.extension().is_some_and(|e| e == "yaml") {
            let text = std::fs::read_to_string(&path).expect("a spec");
            specs.push(linkspec_codegen::SpecSource { name: path.display().to_string(), text });
        }
    }
    let (providers, _) = linkspec_codegen::check(&specs);
    providers.into_iter().map(|p| (p.module.clone(), p)).collect()
}

/// Answers one request with the current status and body, then closes the connection.
fn answer(mut stream: TcpStream) {
    let mut request = Vec::new();
    let mut buf = [0u8; 4096];
    let header_end = loop {
        match stream.read(&mut buf) {
            Ok(0) | Err(_) => return,
            Ok(n) => request.extend_from_slice(&buf[..n]),
        }
        if let Some(at) = request.windows(4).position(|w| w == b"\r\n\r\n") {
            break at + 4;
        }
    };
    let head = String::from_utf8_lossy(&request[..header_end]).to_ascii_lowercase();
    let length = head
        .lines()
        .find_map(|l| l.strip_prefix("content-length:"))
        .and_then(|v| v.trim().parse::<usize>().ok())
        .unwrap_or(0);
    while request.len() < header_end + length {
        match stream.read(&mut buf) {
            Ok(0) | Err(_) => return,
            Ok(n) => request.extend_from_slice(&buf[..n]),
        }
    }
    let (status, body) = ANSWER.lock().map(|a| a.clone()).unwrap_or_else(|e| e.into_inner().clone());
    let head = format!(
        "HTTP/1.1 {status} Fuzzed\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
        body.len()
    );
    let _ = stream.write_all(head.as_bytes()).and_then(|()| stream.write_all(&body));
}

/// Calls `case` through its provider's generated client.
async fn call(world: &World, case: &Case) -> Option<JsonOutcome> {
    let mut settings = case.settings.clone();
    if let Value::Object(map) = &mut settings {
        map.insert("base_url".into(), Value::String(world.base_url.clone()));
        map.insert("max_attempts".into(), 1.into());
        // Hosts of their own (token, SSO) follow the base URL.
        map.remove("hosts");
    }
    let settings: ClientSettings = serde_json::from_value(settings).ok()?;
    macro_rules! providers {
        ($($p:ident),*) => {
            match case.provider.as_str() {
                $(stringify!($p) => {
                    let client = linkspec_clients::$p::Client::builder()
                        .settings(&settings)
                        .ok()?
                        .http_client(world.http.clone())
                        .build()
                        .ok()?;
                    client.call_json(&case.operation, case.args.clone()).await.ok()
                })*
                other => panic!("provider `{other}` has cases but is not listed in the decode fuzz target"),
            }
        };
    }
    providers!(moneykit, mx, pingone, plaid)
}

/// The body's scalars, split as the operation's models read them: values of fields marked
/// sensitive (read as the success type and as the error envelope), and every other value and
/// key. A secret that also appears elsewhere in the body, or is short, is not checked (it would
/// be found in any text).
fn secrets(body: &Value, provider: &linkspec_codegen::ir::Provider, operation: &str) -> BTreeSet<String> {
    use linkspec_codegen::ir::TypeRef;
    fn scalars(value: &Value, out: &mut BTreeSet<String>) {
        match value {
            Value::Object(map) => map.iter().for_each(|(k, v)| {
                out.insert(k.clone());
                scalars(v, out);
            }),
            Value::Array(items) => items.iter().for_each(|v| scalars(v, out)),
            Value::String(s) => {
                out.insert(s.clone());
            }
            Value::Number(n) => {
                out.insert(n.to_string());
            }
            Value::Bool(_) | Value::Null => {}
        }
    }
    fn walk(p: &linkspec_codegen::ir::Provider, value: &Value, ty: &TypeRef, secret: &mut BTreeSet<String>) {
        match (ty, value) {
            (TypeRef::Model(name), Value::Object(map)) => {
                let Some(model) = p.models.iter().find(|m| &m.name == name) else { return };
                for field in &model.fields {
                    let Some(v) = map.get(&field.wire) else { continue };
                    if field.sensitive {
                        let mut found = BTreeSet::new();
                        scalars(v, &mut found);
                        // Keys of a sensitive object are its structure, not its values.
                        if let Value::Object(inner) = v {
                            inner.keys().for_each(|k| {
                                found.remove(k);
                            });
                        }
                        secret.extend(found);
                    } else {
                        walk(p, v, &field.ty, secret);
                    }
                }
            }
            (TypeRef::List(item), Value::Array(items)) => items.iter().for_each(|v| walk(p, v, item, secret)),
            (TypeRef::Map(item), Value::Object(map)) => map.values().for_each(|v| walk(p, v, item, secret)),
            _ => {}
        }
    }
    let Some(op) = provider.operations.iter().find(|o| o.name == operation) else { return BTreeSet::new() };
    let envelope = op.errors.as_ref().unwrap_or(&provider.errors);
    let mut secret = BTreeSet::new();
    if let Some(ty) = &op.response {
        walk(provider, body, ty, &mut secret);
    }
    walk(provider, body, &TypeRef::Model(envelope.model.clone()), &mut secret);
    // What is left of the body once the secrets are taken out, as one text to search.
    let mut public = body.clone();
    strip(&mut public, &secret);
    let mut elsewhere = BTreeSet::new();
    scalars(&public, &mut elsewhere);
    secret.retain(|s| s.chars().count() >= 6 && !elsewhere.iter().any(|p| p.contains(s.as_str())));
    secret
}

/// Removes every string or number equal to a secret.
fn strip(value: &mut Value, secret: &BTreeSet<String>) {
    match value {
        Value::Object(map) => map.values_mut().for_each(|v| strip(v, secret)),
        Value::Array(items) => items.iter_mut().for_each(|v| strip(v, secret)),
        Value::String(s) if secret.contains(s.as_str()) => *value = Value::Null,
        Value::Number(n) if secret.contains(&n.to_string()) => *value = Value::Null,
        _ => {}
    }
}

fuzz_target!(|data: &[u8]| {
    let [case, status, body @ ..] = data else { return };
    let world = world();
    let case = &world.cases[usize::from(*case) % world.cases.len()];
    let status = STATUSES[usize::from(*status) % STATUSES.len()];
    *ANSWER.lock().unwrap_or_else(|e| e.into_inner()) = (status, body.to_vec());
    let Some(outcome) = world.runtime.block_on(call(world, case)) else { return };
    let texts: Vec<&str> = match &outcome {
        JsonOutcome::Success { debug, .. } => vec![debug],
        JsonOutcome::ProviderError { debug, message, .. } => vec![debug, message],
        JsonOutcome::Failure { debug, message, .. } => vec![debug, message],
    };
    let Ok(parsed) = serde_json::from_slice::<Value>(body) else { return };
    let Some(provider) = world.providers.get(&case.provider) else { return };
    for secret in secrets(&parsed, provider, &case.operation) {
        for text in &texts {
            assert!(!text.contains(&secret), "a sensitive value reached error text ({}): {secret:?} in {text}", case.operation);
        }
    }
});
